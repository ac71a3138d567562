/**
 * The engine's compiled cache on PostgreSQL, libSQL file and :memory:: structural keys make
 * rebuilt statements hits, queryCacheSize 0 disables it, LRU eviction at the size, and echo
 * marking "[generated in …]" / "[cached since …]" with hideParameters.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Column, MetaData, Table } from "../../src/sql/schema.js";
import { Integer, String } from "../../src/sql/types/index.js";
import { insert, select, text } from "../../src/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

describe.each(engineTargets())("$name", (target) => {
  const metadata = new MetaData();
  const t = Table(uniqueName("engcache"), metadata, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    name: Column(String(20)),
  });
  const handles: EngineHandle[] = [];
  let h: EngineHandle;
  const make = async (opts?: Parameters<typeof target.make>[0]): Promise<EngineHandle> => {
    const x = await target.make(opts);
    handles.push(x);
    // libSQL engines each get a fresh database; PostgreSQL engines share the server's table.
    if (target.kind !== "pg" || handles.length === 1) {
      await x.engine.begin(async (c) => {
        await metadata.createAll(c);
        await c.execute(insert(t), Array.from({ length: 10 }, (_, i) => ({ id: i, name: `n${i}` })));
      });
    }
    return x;
  };

  beforeAll(async () => {
    h = await make();
  });
  afterAll(async () => {
    await h.engine.begin((conn) => metadata.dropAll(conn));
    for (const x of handles) await x.cleanup();
  });

  it("1,000 freshly built select(t).where(t.c.id.eq(i)) executions: 1 miss, 999 hits", async () => {
    const x = await make();
    await using conn = await x.engine.connect();
    x.engine.compiledCache.clear();
    x.counting.reset();
    for (let i = 0; i < 1000; i++) {
      const row = (await conn.execute(select(t).where(t.c.id.eq(i % 10)))).one();
      expect(row.id).toBe(i % 10);
      expect(row.name).toBe(`n${i % 10}`);
    }
    expect(x.engine.cacheStats).toEqual({ hits: 999, misses: 1, size: 1, maxSize: 500 });
    // one SQL string for all of them: values are bound parameters
    const selects = new Set(x.counting.statements.filter((s) => s.startsWith("SELECT")));
    expect(selects.size).toBe(1);
  });

  it("statements of different shape are different entries; same shape with other values is a hit", async () => {
    const x = await make();
    await using conn = await x.engine.connect();
    x.engine.compiledCache.clear();
    await conn.execute(select(t.c.id).where(t.c.id.eq(1)));
    await conn.execute(select(t.c.id).where(t.c.id.eq(2)));
    await conn.execute(select(t.c.id).where(t.c.id.gt(2)));
    await conn.execute(select(t.c.id, t.c.name).where(t.c.id.eq(1)));
    await conn.execute(select(t.c.id).where(t.c.name.eq("n1")));
    expect(x.engine.cacheStats).toMatchObject({ hits: 1, misses: 4, size: 4 });
  });

  it("queryCacheSize: 0 disables the cache", async () => {
    const x = await make({ queryCacheSize: 0 });
    await using conn = await x.engine.connect();
    for (let i = 0; i < 5; i++) expect((await conn.execute(select(t.c.name).where(t.c.id.eq(i)))).scalar()).toBe(`n${i}`);
    expect(x.engine.cacheStats).toMatchObject({ hits: 0, size: 0, maxSize: 0 });
  });

  it("evicts the least recently used entry at queryCacheSize", async () => {
    const x = await make({ queryCacheSize: 2 });
    await using conn = await x.engine.connect();
    x.engine.compiledCache.clear();
    const a = () => select(t.c.id).where(t.c.id.eq(1));
    const b = () => select(t.c.name).where(t.c.id.eq(1));
    const c = () => select(t.c.id, t.c.name).where(t.c.id.eq(1));
    await conn.execute(a()); // miss [a]
    await conn.execute(b()); // miss [a, b]
    await conn.execute(a()); // hit  [b, a]
    await conn.execute(c()); // miss, evicts b [a, c]
    expect(x.engine.cacheStats).toEqual({ hits: 1, misses: 3, size: 2, maxSize: 2 });
    await conn.execute(a()); // hit
    await conn.execute(b()); // miss (evicted), evicts c
    await conn.execute(c()); // miss
    expect(x.engine.cacheStats).toEqual({ hits: 2, misses: 5, size: 2, maxSize: 2 });
  });

  it("echo marks [generated in …] then [cached since …], with parameters", async () => {
    const lines: string[] = [];
    const x = await make({ echo: (line: string) => lines.push(line) });
    await using conn = await x.engine.connect();
    x.engine.compiledCache.clear();
    lines.length = 0;
    await conn.execute(select(t.c.name).where(t.c.id.eq(3)));
    await conn.execute(select(t.c.name).where(t.c.id.eq(4)));
    await conn.execute(text("SELECT 1"));
    await conn.commit();
    const ph = target.dialect === "postgresql" ? "$1" : "?";
    const sql = `SELECT ${t.name}.name \nFROM ${t.name} \nWHERE ${t.name}.id = ${ph}`;
    expect(lines[0]).toBe("BEGIN (implicit)");
    const i1 = lines.findIndex((l) => l.startsWith("[generated in "));
    const i2 = lines.findIndex((l) => l.startsWith("[cached since "));
    expect(i1).toBeGreaterThan(0);
    expect(i2).toBeGreaterThan(i1);
    expect(lines[i1]).toMatch(/^\[generated in \d+\.\d{5}s\] \(3,\)$/);
    expect(lines[i2]).toMatch(/^\[cached since \d+(\.\d+)?s ago\] \(4,\)$/);
    expect(lines[i1 - 1]!.replace(/\s+/g, " ")).toBe(sql.replace(/\s+/g, " "));
    expect(lines[i2 - 1]).toBe(lines[i1 - 1]);
    expect(lines.at(-1)).toBe("COMMIT");
  });

  it("echo with hideParameters shows no values", async () => {
    const lines: string[] = [];
    const x = await make({ echo: (line: string) => lines.push(line), hideParameters: true });
    await using conn = await x.engine.connect();
    lines.length = 0;
    await conn.execute(select(t.c.name).where(t.c.name.eq("very-secret")));
    const joined = lines.join("\n");
    expect(joined).not.toContain("very-secret");
    expect(joined).toContain("[SQL parameters hidden due to hideParameters=true]");
  });
});

/**
 * executemany through the engine on PostgreSQL, libSQL file and :memory:: "insertmanyvalues"
 * pages within each dialect's parameter limit with RETURNING rows in input order, executemany
 * UPDATE with bindparam in WHERE, and errors naming the parameter group.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Column, MetaData, Table } from "../../src/sql/schema.js";
import { Integer, String } from "../../src/sql/types/index.js";
import { bindparam, createAsyncEngine, delete_, func, insert, select, update } from "../../src/index.js";
import { ArgumentError } from "../../src/errors.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

const ROWS = 100_000;

describe.each(engineTargets())("$name", (target) => {
  const metadata = new MetaData();
  const t = Table(uniqueName("engmany"), metadata, {
    id: Column(Integer, { primaryKey: true }),
    x: Column(Integer, { nullable: false }),
    y: Column(String(30)),
    z: Column(Integer),
  });
  let h: EngineHandle;

  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin((conn) => metadata.createAll(conn));
  });
  afterAll(async () => {
    await h.engine.begin((conn) => metadata.dropAll(conn));
    await h.cleanup();
  });
  beforeEach(async () => {
    await h.engine.begin((conn) => conn.execute(delete_(t)));
  });

  it(`inserts ${ROWS} rows with RETURNING in pages of insertmanyvaluesPageSize rows (default 1000), in input order`, async () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => ({ x: i, y: null, z: null }));
    h.counting.reset();
    const result = await h.engine.begin((conn) => conn.execute(insert(t).returning(t.c.id), rows));
    const inserts = h.counting.statements.filter((s) => s.startsWith("INSERT"));
    expect(inserts.map((s) => s.split("), (").length)).toEqual([1000, 1000, 500]);
    expect(result.all()).toHaveLength(2_500);
  });

  it(`inserts ${ROWS} rows with RETURNING in pages within the parameter limit, in input order`, async () => {
    const rows = Array.from({ length: ROWS }, (_, i) => ({ x: ROWS - i, y: `v${i}`, z: i % 7 }));
    // An engine sharing the driver, with no row cap: pages are bounded by the parameter limit.
    const big = createAsyncEngine(h.engine.driver, { insertmanyvaluesPageSize: Number.MAX_SAFE_INTEGER });
    h.counting.reset();
    const result = await big.begin((conn) => conn.execute(insert(t).returning(t.c.id, t.c.x), rows));
    // SQLite 32766; PostgreSQL 65535 by protocol, but postgres.js refuses 65534 and more.
    const limit = target.dialect === "postgresql" ? Math.min(65535, h.engine.driver.capabilities.maxParams) : 32766;
    const perPage = Math.floor(limit / 3);
    const inserts = h.counting.statements.filter((s) => s.startsWith("INSERT"));
    expect(inserts).toHaveLength(Math.ceil(ROWS / perPage));
    const first = inserts[0]!;
    const p = target.dialect === "postgresql" ? ["($1, $2, $3)", "($4, $5, $6)"] : ["(?, ?, ?)", "(?, ?, ?)"];
    expect(first.startsWith(`INSERT INTO ${t.name} (x, y, z) VALUES ${p[0]}, ${p[1]}, `)).toBe(true);
    expect(first.endsWith(` RETURNING ${t.name}.id, ${t.name}.x`)).toBe(true);
    expect(first.split("), (").length).toBe(perPage);
    const got = result.all();
    expect(got).toHaveLength(ROWS);
    // RETURNING rows come back in the order of the parameter sets
    for (let i = 0; i < ROWS; i += 997) expect(got[i]!.x).toBe(ROWS - i);
    expect(got.map((r) => r.x)).toEqual(rows.map((r) => r.x));
    const ids = got.map((r) => r.id as number);
    expect(new Set(ids).size).toBe(ROWS);
    const n = await h.engine.connect((c) => c.scalar(select(func.count(t.c.id))));
    expect(n).toBe(ROWS);
  }, 60_000);

  it("executemany without RETURNING reports rowsAffected over all pages", async () => {
    const rows = Array.from({ length: 25_000 }, (_, i) => ({ x: i, y: null, z: null }));
    const r = await h.engine.begin((conn) => conn.execute(insert(t), rows));
    expect(r.rowsAffected).toBe(25_000);
  });

  it("executemany UPDATE with bindparam in WHERE", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(t), [
        { id: 1, x: 1, y: "a" },
        { id: 2, x: 2, y: "b" },
        { id: 3, x: 3, y: "c" },
      ]);
      const r = await conn.execute(update(t).where(t.c.id.eq(bindparam("oldId"))).values({ y: bindparam("newY") }), [
        { oldId: 1, newY: "one" },
        { oldId: 3, newY: "three" },
        { oldId: 99, newY: "none" },
      ]);
      expect(r.rowsAffected).toBe(2);
    });
    const ys = await h.engine.connect(async (c) => (await c.scalars(select(t.c.y).orderBy(t.c.id))).all());
    expect(ys).toEqual(["one", "b", "three"]);
  });

  it("executemany UPDATE of column values by key", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(t), [{ id: 1, x: 1 }, { id: 2, x: 2 }]);
      await conn.execute(update(t).where(t.c.id.eq(bindparam("k"))), [
        { k: 1, x: 10 },
        { k: 2, x: 20 },
      ]);
    });
    const xs = await h.engine.connect(async (c) => (await c.scalars(select(t.c.x).orderBy(t.c.id))).all());
    expect(xs).toEqual([10, 20]);
  });

  it("a missing key in a later INSERT parameter set raises ArgumentError naming the parameter group", async () => {
    await using conn = await h.engine.connect();
    const p = conn.execute(insert(t), [
      { x: 1, y: "a" },
      { x: 2, y: "b" },
      { x: 3 },
    ]);
    await expect(p).rejects.toThrow(ArgumentError);
    await expect(
      conn.execute(insert(t), [
        { x: 1, y: "a" },
        { x: 2, y: "b" },
        { x: 3 },
      ]),
    ).rejects.toThrow(/'y'.*parameter group 2/);
    await conn.rollback();
    expect(await conn.scalar(select(func.count(t.c.id)))).toBe(0);
  });

  it("a missing bind in a later UPDATE parameter set raises ArgumentError naming the parameter group", async () => {
    await using conn = await h.engine.connect();
    await expect(
      conn.execute(update(t).where(t.c.id.eq(bindparam("k"))).values({ y: bindparam("newY") }), [
        { k: 1, newY: "a" },
        { k: 2 },
      ]),
    ).rejects.toThrow(/'newY'.*parameter group 1/);
  });

  it("an empty parameter list raises ArgumentError", async () => {
    await using conn = await h.engine.connect();
    await expect(conn.execute(insert(t), [])).rejects.toThrow(ArgumentError);
  });
});

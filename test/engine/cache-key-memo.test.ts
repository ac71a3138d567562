/**
 * A statement keeps its cache key once computed (SQLAlchemy's MemoizedHasCacheKey: a statement's
 * `_generate_cache_key()` is memoized on it, and generative methods start the copy without it).
 * A statement executed again therefore skips the key traversal; nothing that builds a different
 * statement, by a generative method or by a field-by-field copy as the ORM's rewrites make, may
 * reuse the memo.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bindparam, delete as deleteStmt, insert, select, text, update } from "../../src/index.js";
import { generateCacheKey } from "../../src/sql/cache-key.js";
import { Column, MetaData, Table } from "../../src/sql/schema.js";
import { Integer, String as StringT } from "../../src/sql/types/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

const md = new MetaData();
const t = Table(uniqueName("ckmemo"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  name: Column(StringT(20)),
});

describe("memoized cache keys", () => {
  it("a statement computes its key once; its generative copies compute their own", () => {
    const s = select(t).where(t.c.id.eq(bindparam("id")));
    const first = generateCacheKey(s);
    expect(generateCacheKey(s)).toBe(first);
    const narrower = s.where(t.c.name.eq("x"));
    const k2 = generateCacheKey(narrower);
    expect(k2.key).not.toBe(first.key);
    expect(k2.binds.map((b) => b.value)).toEqual([undefined, "x"]);
  });

  it("DML and text() statements keep their key too", () => {
    for (const s of [insert(t).values({ id: 1 }), update(t).values({ name: "a" }), deleteStmt(t).where(t.c.id.eq(2)), text("SELECT 1")]) {
      expect(generateCacheKey(s)).toBe(generateCacheKey(s));
    }
  });

  it("a field-by-field copy that changes a field does not take the original's key", () => {
    const s = select(t.c.id).where(t.c.id.eq(1));
    const original = generateCacheKey(s);
    // What the ORM's statement rewrites do: copy every own field (the memo too), then replace one.
    const copy = Object.assign(Object.create(Object.getPrototypeOf(s) as object) as typeof s, s, {
      whereCriteria: [t.c.name.eq("n")],
    });
    const k = generateCacheKey(copy);
    expect(k.key).not.toBe(original.key);
    expect(k.binds.map((b) => b.value)).toEqual(["n"]);
    expect(copy.compile().sql).toContain(`${t.name}.name = `);
  });
});

describe.each(engineTargets())("$name: a reused statement", (target) => {
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin(async (c) => {
      await md.createAll(c);
      await c.execute(insert(t), [{ id: 1, name: "one" }, { id: 2, name: "two" }, { id: 3, name: "three" }]);
    });
  });
  afterAll(async () => {
    await h.engine.begin((c) => md.dropAll(c));
    await h.cleanup();
  });

  it("runs with each execution's parameters, from the compiled cache", async () => {
    const s = select(t.c.name).where(t.c.id.eq(bindparam("id")));
    const names = await h.engine.connect(async (conn) => {
      const out: unknown[] = [];
      for (const id of [3, 1, 2, 3]) out.push((await conn.execute(s, { id })).scalarOne());
      return out;
    });
    expect(names).toEqual(["three", "one", "two", "three"]);
  });

  it("a literal bound value is read from the statement at each execution", async () => {
    const s = select(t.c.name).where(t.c.id.eq(2));
    const again = await h.engine.connect(async (conn) => [(await conn.execute(s)).scalarOne(), (await conn.execute(s)).scalarOne()]);
    expect(again).toEqual(["two", "two"]);
  });
});

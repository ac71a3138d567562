/**
 * A row answers to the expressions its statement selected, by object: `row._mapping.get(expr)`
 * for a `case()`, a function or a labelled expression (SQLAlchemy's result map lists the column
 * element first among a column's objects; test/sql/test_resultset.py, test/orm/test_cache_key.py
 * test_column_targeting_core_execute). When the compiled form comes from the cache it was
 * compiled from another statement's objects: SQLAlchemy adapts the result map to the invoked
 * statement by position; athanor matches an expression of equal structure, so a statement built
 * anew for each execution still finds its own `case()`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Column, Integer, MetaData, NoSuchColumnError, String, Table, case_, func, insert, select } from "../../src/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

describe.each(engineTargets())("$name: rows addressed by selected expressions", (target) => {
  const metadata = new MetaData();
  const users = Table(uniqueName("exprtgt"), metadata, { id: Column(Integer, { primaryKey: true, autoincrement: false }), name: Column(String(20)) });
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin(async (conn) => {
      await metadata.createAll(conn);
      await conn.execute(insert(users), [{ id: 8, name: "ed" }, { id: 10, name: "jack" }]);
    });
  });
  afterAll(async () => {
    await h.engine.begin((conn) => metadata.dropAll(conn));
    await h.cleanup();
  });

  it("a case() and a function answer to themselves, on every execution of a statement built anew", async () => {
    await h.engine.connect(async (conn) => {
      const hits = conn.engine.compiledCache.stats.hits;
      for (let i = 0; i < 3; i++) {
        const big = case_([[users.c.id.gt(9), "big"]], { else_: "small" });
        const upper = func.upper(users.c.name);
        const row = (await conn.execute(select(users.c.id, big, upper).where(users.c.id.eq(10)))).one();
        expect([row._mapping.get(big as never), row._mapping.get(upper as never), row._mapping.get(users.c.id)]).toEqual(["big", "JACK", 10]);
      }
      // The second and third executions used the first one's compiled form.
      expect(conn.engine.compiledCache.stats.hits - hits).toBeGreaterThanOrEqual(2);
    });
  });

  it("a labelled expression answers to the label and to the expression it labels", async () => {
    await h.engine.connect(async (conn) => {
      const n = func.count(users.c.id);
      const labelled = n.label("n");
      const row = (await conn.execute(select(labelled))).one();
      expect([row._mapping.get(labelled as never), row._mapping.get(n as never), row._mapping.get("n")]).toEqual([2, 2, 2]);
    });
  });

  it("two selected expressions of one structure do not answer to a third built alike", async () => {
    await h.engine.connect(async (conn) => {
      const a = func.upper(users.c.name);
      const b = func.upper(users.c.name);
      const row = (await conn.execute(select(a, b).where(users.c.id.eq(8)))).one();
      // By identity each finds its own column.
      expect([row._mapping.get(a as never), row._mapping.get(b as never)]).toEqual(["ED", "ED"]);
      expect(() => row._mapping.get(func.upper(users.c.name) as never)).toThrow(NoSuchColumnError);
      // An expression the statement did not select is not found either.
      expect(() => row._mapping.get(func.lower(users.c.name) as never)).toThrow(NoSuchColumnError);
    });
  });
});

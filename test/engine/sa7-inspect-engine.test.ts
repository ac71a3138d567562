/**
 * `inspect(engine)` / `inspect(connection)` give the schema inspector, as SQLAlchemy's
 * `inspect(engine)` gives an `Inspector`; `inspect()` of anything else unmapped still raises
 * NoInspectionAvailable. On PostgreSQL and libSQL.
 */
import { describe, expect, it } from "vitest";
import { AsyncInspector, Column, createAsyncEngine, inspect, Integer, MetaData, NoInspectionAvailable, String, Table } from "../../src/index.js";
import { dialectTargets, uniqueName } from "../fixtures/databases.js";

describe.each(dialectTargets())("inspect(engine) on $name", (target) => {
  it("returns an AsyncInspector over the engine or a connection", async () => {
    const d = await target.make();
    const engine = createAsyncEngine(d.driver);
    const md = new MetaData();
    const t = Table(uniqueName("sa7_insp"), md, { id: Column(Integer, { primaryKey: true }), label: Column(String(10)) });
    try {
      await engine.begin((c) => md.createAll(c));
      const fromEngine = inspect(engine);
      expect(fromEngine).toBeInstanceOf(AsyncInspector);
      expect(await fromEngine.getTableNames()).toContain(t.name);
      const cols = await engine.connect(async (conn) => (await inspect(conn).getColumns(t.name)).map((c) => [c.name, c.nullable]));
      expect(cols).toEqual([["id", false], ["label", true]]);
      expect(() => inspect({} as never)).toThrow(NoInspectionAvailable);
      await engine.begin((c) => md.dropAll(c));
    } finally {
      await engine.dispose();
      await d.cleanup();
    }
  });
});

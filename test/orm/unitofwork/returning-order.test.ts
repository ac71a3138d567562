/**
 * Multi-row INSERT … RETURNING of server-generated values: each object must get the values of
 * its own row. Rows get distinct random server defaults, so a mismatch shows when the objects
 * are compared with the table. With a client-given primary key the returned rows are matched
 * by that key; a driver wrapper that reverses RETURNING rows (standing in for a database that
 * doesn't follow VALUES order, which SQL allows) proves the flush doesn't rely on position.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AsyncSession, createAsyncEngine, DeclarativeBase, delete as delete_, Integer, mappedColumn, select, String, text, type AsyncEngine,
} from "../../../src/index.js";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver } from "../../fixtures/databases.js";
import { RANDOM_INTEGER_DEFAULT, reversingDriver } from "../../fixtures/reversing-driver.js";

describe.each(dialectTargets())("INSERT … RETURNING matched to objects on $name", (target) => {
  const dialect = target.name === "postgresql" ? "postgresql" : "sqlite";
  class Base extends DeclarativeBase {}
  class Ticket extends Base.model(uniqueName("ret_order"), {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    name: mappedColumn(String(20)),
    code: mappedColumn(Integer, { serverDefault: text(RANDOM_INTEGER_DEFAULT[dialect]) }),
  }) {}
  let counting: CountingDriver;
  let engine: AsyncEngine;
  let reversed: AsyncEngine;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
    reversed = createAsyncEngine(reversingDriver(counting));
    cleanup = d.cleanup;
    await engine.begin(async (conn) => {
      await Base.metadata.dropAll(conn);
      await Base.metadata.createAll(conn);
    });
  });
  beforeEach(async () => {
    await engine.begin(async (conn) => {
      await conn.execute(delete_(Ticket.__table__ as never));
    });
  });
  afterAll(async () => {
    await engine.begin(async (conn) => Base.metadata.dropAll(conn));
    await engine.dispose();
    await reversed.dispose();
    await cleanup();
  });

  const ids = [7, 3, 11, 1, 5, 9, 2, 8];
  const check = async (e: AsyncEngine) => {
    const s = new AsyncSession(e, { expireOnCommit: false });
    const objs = ids.map((id) => new Ticket({ id, name: `t${id}` }));
    s.addAll(objs);
    counting.reset();
    await s.flush();
    const inserts = counting.statements.filter((x) => x.startsWith("INSERT"));
    expect(inserts.length).toBeGreaterThanOrEqual(1);
    expect(inserts[0]).toMatch(/RETURNING \S+\.code, \S+\.id$/);
    await s.commit();
    const db = await engine.connect(async (conn) => (await conn.execute(select(Ticket.__table__.c.id, Ticket.__table__.c.code))).all());
    const codeOf = new Map(db.map((r) => [r[0] as number, r[1] as number]));
    expect(new Set(codeOf.values()).size).toBe(ids.length); // distinct, so a swap can't go unnoticed
    expect(objs.map((o) => [o.id, o.code])).toEqual(ids.map((id) => [id, codeOf.get(id)]));
    await s.close();
  };

  it("each object gets its own row's server default", async () => {
    await check(engine);
  });

  it("matches by the client-given primary key when RETURNING rows come back in another order", async () => {
    await check(reversed);
  });
});

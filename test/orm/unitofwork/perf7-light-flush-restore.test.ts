/**
 * A failed flush of plain new objects (the unit of work's light mode: no relationships, no
 * insert listeners) puts each object back exactly as it was: keys the INSERT would have filled
 * in (generated id, server default, NULL for an unset column) are unset again, a column given as
 * undefined or null keeps that value, a SQL expression value stays, and the objects flush
 * normally once fixed. Ports the behaviour of SQLAlchemy's test/orm/test_transaction.py
 * (FixtureDataTest / AutoExpireTest: a failed flush leaves pending objects pending with their
 * attributes as before; `inspect(obj).unloaded` stands in for "not in `__dict__`").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AsyncSession, createAsyncEngine, DeclarativeBase, IntegrityError, inspect, Integer, literal, mappedColumn, select, String, text, type AsyncEngine,
} from "../../../src/index.js";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver } from "../../fixtures/databases.js";

describe.each(dialectTargets())("perf7: failed light-mode flush restores new objects on $name", (target) => {
  class Base extends DeclarativeBase {}
  const table = uniqueName("perf7_item");
  class Item extends Base.model(table, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
    note: mappedColumn(String(30), { nullable: true }),
    code: mappedColumn(Integer, { nullable: true, serverDefault: text("5") }),
  }) {}
  let engine: AsyncEngine;
  let counting: CountingDriver;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
    cleanup = d.cleanup;
    await engine.begin(async (conn) => {
      await Base.metadata.dropAll(conn);
      await Base.metadata.createAll(conn);
    });
  });
  afterAll(async () => {
    await engine.begin(async (conn) => Base.metadata.dropAll(conn));
    await engine.dispose();
    await cleanup();
  });

  const unloaded = (o: object) => [...inspect(o).unloaded].sort();

  it("unsets what the INSERT filled in and keeps given undefined / null / SQL values", async () => {
    const s = new AsyncSession(engine, { expireOnCommit: false });
    const a = new Item({ name: "a" });
    const b = new Item({ name: "b", note: undefined, code: null });
    // A SQL expression value: a statement of its own, sent (and given its id) before the failing one.
    const e = new Item({ name: literal("e") as never });
    // Another set of given columns (code): a statement of its own after a and b's, which fails.
    const c = new Item({ name: null as never, note: "n", code: 7 });
    s.addAll([e, a, b, c]);
    counting.reset();
    await expect(s.flush()).rejects.toThrow(IntegrityError);
    const inserts = counting.statements.filter((x) => x.startsWith("INSERT"));
    expect(inserts).toHaveLength(3);
    expect(inserts[1]).toMatch(new RegExp(`^INSERT INTO ${table} \\(name, note\\) VALUES \\([^)]+\\), \\([^)]+\\) RETURNING ${table}\\.id, ${table}\\.code$`));
    expect(inserts[2]).toMatch(new RegExp(`^INSERT INTO ${table} \\(name, note, code\\) VALUES \\([^)]+\\) RETURNING ${table}\\.id$`));

    expect(unloaded(a)).toEqual(["code", "id", "note"]);
    expect(a.name).toBe("a");
    expect(unloaded(b)).toEqual(["id"]);
    expect(b.note).toBeUndefined();
    expect(b.code).toBeNull();
    expect(unloaded(c)).toEqual(["id"]);
    expect(c.name).toBeNull();
    expect(c.note).toBe("n");
    expect(c.code).toBe(7);
    // The expression row got its id from its own INSERT; the failure takes it back.
    expect(unloaded(e)).toEqual(["code", "id", "note"]);
    expect(e.name).toEqual(literal("e"));
    for (const o of [a, b, c, e]) {
      expect(inspect(o).pending).toBe(true);
      expect(inspect(o).hasIdentity).toBe(false);
    }

    await s.rollback();
    c.name = "c";
    s.addAll([a, b, c]);
    await s.flush();
    for (const o of [a, b, c]) expect(typeof o.id).toBe("number");
    // Sent as NULL when unset: the objects hold null, as loaded ones do; null for a server-default column means "not given".
    expect([a.note, a.code, b.note, b.code, c.note, c.code]).toEqual([null, 5, null, 5, "n", 7]);
    await s.commit();
    await using check = new AsyncSession(engine);
    const rows = (await check.execute(select(Item.name, Item.note, Item.code).orderBy(Item.name))).all();
    expect(rows.map((r) => [...r])).toEqual([
      ["a", null, 5],
      ["b", null, 5],
      ["c", "n", 7],
    ]);
    await s.close();
  });
});

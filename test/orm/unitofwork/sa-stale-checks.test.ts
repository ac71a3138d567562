/**
 * SQLAlchemy's test/orm/test_unitofworkv2.py BasicStaleChecksTest, ported: an UPDATE that
 * matches no row raises StaleDataError; a DELETE that matches fewer rows than it named only
 * warns when the mapper has no version counter (SQLAlchemy's confirm_deleted_rows).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AsyncSession, createAsyncEngine, DeclarativeBase, delete as delete_, ForeignKey, Integer, mappedColumn, relationship, select,
  StaleDataError, warnings, type AsyncEngine,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";

class Base extends DeclarativeBase {}
const parentName = uniqueName("sa_stale_parent");
const childName = uniqueName("sa_stale_child");

class Parent extends Base.model(parentName, {
  id: mappedColumn(Integer, { primaryKey: true }),
  data: mappedColumn(Integer, { nullable: true }),
}) {
  static child = relationship(() => Child, { uselist: false, cascade: "all, delete-orphan", backPopulates: "parent" });
  declare child: Child | null;
}
class Child extends Base.model(childName, {
  id: mappedColumn(ForeignKey(`${parentName}.id`), { primaryKey: true }),
  data: mappedColumn(Integer, { nullable: true }),
}) {
  static parent = relationship(() => Parent, { backPopulates: "child" });
  declare parent: Parent | null;
}

describe.each(dialectTargets())("stale row checks (SQLAlchemy BasicStaleChecksTest) on $name", (target) => {
  let engine: AsyncEngine;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    engine = createAsyncEngine(d.driver);
    await engine.begin((c) => Base.metadata.createAll(c as never));
    cleanup = d.cleanup;
  });
  afterAll(async () => {
    await engine.begin((c) => Base.metadata.dropAll(c as never));
    await engine.dispose();
    await cleanup();
  });
  beforeEach(async () => {
    await engine.begin(async (c) => {
      await c.execute(delete_(Child.__table__));
      await c.execute(delete_(Parent.__table__));
    });
  });

  it("test_update_single_missing: an UPDATE of a row deleted behind the session raises StaleDataError", async () => {
    await using s = new AsyncSession(engine);
    const p1 = new Parent({ id: 1, data: 2 });
    s.add(p1);
    await s.flush();
    await s.execute(delete_(Parent.__table__));
    p1.data = 3;
    await expect(s.flush()).rejects.toThrow(StaleDataError);
  });

  it("the StaleDataError names the table and the row counts", async () => {
    await using s = new AsyncSession(engine);
    const p1 = new Parent({ id: 1, data: 2 });
    s.add(p1);
    await s.flush();
    await s.execute(delete_(Parent.__table__));
    p1.data = 3;
    await expect(s.flush()).rejects.toThrow(`UPDATE statement on table '${parentName}' expected to update 1 row(s); 0 were matched.`);
  });

  it("test_delete_twice: deleting an already deleted row again warns at commit", async () => {
    await using s = new AsyncSession(engine);
    const p1 = new Parent({ id: 1, data: 2, child: null });
    s.add(p1);
    await s.commit();
    s.delete(p1);
    await s.flush();
    s.delete(p1);
    const caught = await warnings.catch(() => s.commit());
    expect(caught.map((w) => w.message)).toEqual([
      expect.stringMatching(new RegExp(`^DELETE statement on table '${parentName}' expected to delete 1 row\\(s\\); 0 were matched\\.`)),
    ]);
  });

  it("test_delete_multi_missing_warning: two rows deleted behind the session, one warning for both", async () => {
    await using s = new AsyncSession(engine);
    const p1 = new Parent({ id: 1, data: 2, child: null });
    const p2 = new Parent({ id: 2, data: 3, child: null });
    s.addAll([p1, p2]);
    await s.flush();
    await s.execute(delete_(Parent.__table__));
    s.delete(p1);
    s.delete(p2);
    const caught = await warnings.catch(() => s.flush());
    expect(caught.map((w) => w.message)).toEqual([
      expect.stringMatching(new RegExp(`^DELETE statement on table '${parentName}' expected to delete 2 row\\(s\\); 0 were matched\\.`)),
    ]);
    expect([p1, p2].map((p) => s.contains(p))).toEqual([false, false]);
    expect((await s.scalars(select(Parent.id))).all()).toEqual([]);
  });
});

/**
 * SQLAlchemy's test/orm/test_unitofworkv2.py RowswitchAccountingTest: a one-to-one with
 * delete-orphan whose child's primary key is the parent's. merge() of a detached copy with a new
 * child replaces the session's child; the flush deletes the old child and inserts the new one
 * with the same key — a row switch, so the row is UPDATEd (or left alone) rather than DELETEd
 * and INSERTed, and the new child is the one in the session.
 */
import { AsyncSession, DeclarativeBase, ForeignKey, func, getHistory, Integer, mappedColumn, relationship, select } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

describe.each(dialectTargets())("RowswitchAccountingTest (test_unitofworkv2.py) on $name", (target) => {
  class Base extends DeclarativeBase {}
  const parent = uniqueName("sa4r_parent");
  class Parent extends Base.model(parent, {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    data: mappedColumn(Integer, { nullable: true }),
  }) {
    static child = relationship(() => Child, { uselist: false, cascade: "all, delete-orphan", backPopulates: "parent" });
    declare child: Child | null;
  }
  class Child extends Base.model(uniqueName("sa4r_child"), {
    id: mappedColumn(ForeignKey(`${parent}.id`), { primaryKey: true, autoincrement: false }),
    data: mappedColumn(Integer, { nullable: true }),
  }) {
    static parent = relationship(() => Parent, { backPopulates: "child" });
    declare parent: Parent | null;
  }
  const log = useSqlLog(target, Base.metadata);

  it("test_switch_on_update", async () => {
    await using sess = new AsyncSession(log.engine);
    const p1 = new Parent({ id: 1, child: new Child() });
    sess.add(p1);
    await sess.commit();
    await sess.close();

    const p2 = new Parent({ id: 1, child: new Child() });
    const p3 = await sess.merge(p2);
    const old = getHistory(p3, "child").deleted[0];
    expect(old).toBeDefined();
    expect(sess.contains(old as object)).toBe(true);
    // Essentially no SQL: the row is replaced by an identical one.
    const sent = await log.capture(() => sess.flush());
    expect(sent.filter(([sql]) => /^(INSERT|DELETE)/.test(sql))).toEqual([]);
    expect(sess.contains(p3.child!)).toBe(true);

    const p4 = new Parent({ id: 1, child: new Child() });
    const p5 = await sess.merge(p4);
    expect(p5).toBe(p3);
    const old2 = getHistory(p5, "child").deleted[0];
    expect(sess.contains(old2 as object)).toBe(true);
    await sess.flush();
    await sess.commit();
    expect(await sess.scalar(select(func.count()).selectFrom(Child))).toBe(1);
  });

  it("test_switch_on_delete", async () => {
    await using sess = new AsyncSession(log.engine);
    const p1 = new Parent({ id: 1, data: 2, child: null });
    sess.add(p1);
    await sess.flush();
    p1.id = 5;
    sess.delete(p1);
    expect(p1.id).toBe(5);
    await sess.flush();
    expect(await sess.scalar(select(func.count()).selectFrom(Parent))).toBe(0);
    await sess.close();
  });
});

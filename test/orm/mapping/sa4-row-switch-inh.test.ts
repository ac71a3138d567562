/**
 * SQLAlchemy's test/orm/test_unitofwork.py InheritingRowSwitchTest: a joined-table subclass
 * object added with the primary key of one deleted in the same flush takes its rows over — the
 * flush UPDATEs each table holding a column the new object was given (base table first) instead
 * of DELETE + INSERT; a table with nothing given is left alone. The child table here shares the
 * parent's key (athanor's joined-table form; SQLAlchemy's fixture gives the child a key of its
 * own, whose foreign key it then re-synchronizes). On PostgreSQL and SQLite.
 */
import { AsyncSession, DeclarativeBase, ForeignKey, Integer, mappedColumn, select, String, configureModel } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "../unitofwork/sa3-uow-sql.helpers.js";

const PARENT = uniqueName("sa4rs_parent");
const CHILD = uniqueName("sa4rs_child");

class Base extends DeclarativeBase {}
class P extends Base.model(PARENT, {
  pid: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  pdata: mappedColumn(String(30), { nullable: true }),
  type: mappedColumn(String(10), { nullable: true }),
}, { polymorphicOn: "type", polymorphicIdentity: "p" }) {}
class C extends P.subclass({
  pid: mappedColumn(ForeignKey(`${PARENT}.pid`), { primaryKey: true }),
  cdata: mappedColumn(String(30), { nullable: true }),
}, { table: CHILD, polymorphicIdentity: "c" }) {}
configureModel(C);

describe.each(dialectTargets())("InheritingRowSwitchTest (test_unitofwork.py) on $name", (target) => {
  const log = useSqlLog(target, Base.metadata);

  it("test_row_switch_no_child_table: only the base table is UPDATEd; no DELETE, no INSERT", async () => {
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const c1 = new C({ pid: 1, pdata: "c1", cdata: "c1" });
    sess.add(c1);
    await sess.flush();
    // Establish a row switch between c1 and c2; c2 has no value for the "child" table.
    const c2 = new C({ pid: 1, pdata: "c2" });
    sess.add(c2);
    await sess.delete(c1);
    const sent = await log.capture(() => sess.flush());
    // athanor's hierarchies carry a discriminator, set at construction: the new object was given
    // it, so the row switch writes it too (SQLAlchemy writes every given value, "pure added").
    expect(sent).toEqual([[`UPDATE ${PARENT} SET pdata=?, type=? WHERE ${PARENT}.pid = ?`, ["c2", "c", 1]]]);
    const rows = (await sess.execute(select(P.__table__.c.pid, P.__table__.c.pdata, C.__table__.c.cdata).selectFrom(P.__table__.join(C.__table__)))).all();
    expect(rows.map((r) => [...r])).toEqual([[1, "c2", "c1"]]);
    // The new object holds the row; the old one is gone from the session.
    expect(c2.cdata).toBe("c1");
    expect(sess.contains(c1)).toBe(false);
    expect((await sess.get(C, 1))).toBe(c2);
    await sess.rollback();
  });

  it("row switch with columns of both tables: one UPDATE per table, base first", async () => {
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    sess.add(new C({ pid: 2, pdata: "old", cdata: "old" }));
    await sess.flush();
    const c1 = (await sess.get(C, 2))!;
    const c2 = new C({ pid: 2, pdata: "new", cdata: "new" });
    await sess.delete(c1);
    sess.add(c2);
    const sent = await log.capture(() => sess.flush());
    expect(sent).toEqual([
      [`UPDATE ${PARENT} SET pdata=?, type=? WHERE ${PARENT}.pid = ?`, ["new", "c", 2]],
      [`UPDATE ${CHILD} SET cdata=? WHERE ${CHILD}.pid = ?`, ["new", 2]],
    ]);
    const rows = (await sess.execute(select(C.pid, C.pdata, C.cdata))).all();
    expect(rows.map((r) => [...r])).toEqual([[2, "new", "new"]]);
    await sess.rollback();
  });
});

/**
 * SQLAlchemy's test/orm/test_unitofwork.py RowSwitchTest: a new object with the primary key of
 * an object deleted in the same flush takes its row over (one UPDATE, no DELETE + INSERT),
 * while the related rows of both follow their own cascades.
 */
import { AsyncSession, Column, DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, select, String, Table } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

function models(kind: "o2m" | "m2m" | "m2o") {
  class Base extends DeclarativeBase {}
  const [t5, t6, t7] = ["sa3r_t5", "sa3r_t6", "sa3r_t7"].map(uniqueName);
  const t5t7 = new Table(uniqueName("sa3r_t5t7"), Base.metadata, {
    t5id: new Column(new ForeignKey(`${t5}.id`), { nullable: false }),
    t7id: new Column(new ForeignKey(`${t7}.id`), { nullable: false }),
  });
  class T7 extends Base.model(t7, {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    data: mappedColumn(String(30)),
  }) {}
  class T5 extends Base.model(t5, {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    data: mappedColumn(String(30)),
  }) {
    static t6s = kind === "o2m" ? relationship(() => T6, { cascade: "all, delete-orphan" }) : undefined;
    declare t6s: T6[];
    static t7s = kind === "m2m" ? relationship(() => T7, { secondary: t5t7, cascade: "all" }) : undefined;
    declare t7s: T7[];
  }
  class T6 extends Base.model(t6, {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    data: mappedColumn(String(30)),
    t5id: mappedColumn(ForeignKey(`${t5}.id`)),
  }) {
    static t5 = kind === "m2o" ? relationship(() => T5) : undefined;
    declare t5: T5 | null;
  }
  return { Base, T5, T6, T7, t5t7 };
}

describe.each(dialectTargets())("RowSwitchTest (test_unitofwork.py) on $name", (target) => {
  const o2m = models("o2m");
  const m2m = models("m2m");
  const m2o = models("m2o");
  const log = useSqlLog(target, [o2m.Base.metadata, m2m.Base.metadata, m2o.Base.metadata]);

  it("test_onetomany", async () => {
    const { T5, T6 } = o2m;
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const o5 = new T5({ data: "some t5", id: 1, t6s: [] });
    o5.t6s = [new T6({ data: "some t6", id: 1 }), new T6({ data: "some other t6", id: 2 })];
    sess.add(o5);
    await sess.flush();
    const t5rows = async () => (await sess.execute(select(T5.id, T5.data))).all().map((r) => [...r]);
    const t6rows = async () => (await sess.execute(select(T6.id, T6.data, T6.t5id).orderBy(T6.id))).all().map((r) => [...r]);
    expect(await t5rows()).toEqual([[1, "some t5"]]);
    expect(await t6rows()).toEqual([[1, "some t6", 1], [2, "some other t6", 1]]);
    const o6 = new T5({ data: "some other t5", id: o5.id, t6s: [new T6({ data: "third t6", id: 3 }), new T6({ data: "fourth t6", id: 4 })] });
    sess.delete(o5);
    sess.add(o6);
    await sess.flush();
    expect(await t5rows()).toEqual([[1, "some other t5"]]);
    expect(await t6rows()).toEqual([[3, "third t6", 1], [4, "fourth t6", 1]]);
    await sess.rollback();
  });

  it("test_manytomany", async () => {
    const { T5, T7, t5t7 } = m2m;
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const o5 = new T5({ data: "some t5", id: 1, t7s: [] });
    o5.t7s = [new T7({ data: "some t7", id: 1 }), new T7({ data: "some other t7", id: 2 })];
    sess.add(o5);
    await sess.flush();
    const t5rows = async () => (await sess.execute(select(T5.id, T5.data))).all().map((r) => [...r]);
    const t7rows = async () => (await sess.execute(select(T7.id, T7.data).orderBy(T7.id))).all().map((r) => [...r]);
    const assoc = async () => (await sess.execute(select(t5t7.c.t5id, t5t7.c.t7id).orderBy(t5t7.c.t7id))).all().map((r) => [...r]);
    expect(await t5rows()).toEqual([[1, "some t5"]]);
    expect(await assoc()).toEqual([[1, 1], [1, 2]]);
    expect(await t7rows()).toEqual([[1, "some t7"], [2, "some other t7"]]);
    const o6 = new T5({ data: "some other t5", id: 1, t7s: [new T7({ data: "third t7", id: 3 }), new T7({ data: "fourth t7", id: 4 })] });
    sess.delete(o5);
    expect(sess.deleted).toContain(o5);
    expect(sess.deleted).toContain(o5.t7s[0]);
    expect(sess.deleted).toContain(o5.t7s[1]);
    sess.add(o6);
    await sess.flush();
    expect(await t5rows()).toEqual([[1, "some other t5"]]);
    expect(await t7rows()).toEqual([[3, "third t7"], [4, "fourth t7"]]);
    expect(await assoc()).toEqual([[1, 3], [1, 4]]);
    await sess.rollback();
  });

  it("test_manytoone", async () => {
    const { T5, T6 } = m2o;
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const o5 = new T6({ data: "some t6", id: 1 });
    o5.t5 = new T5({ data: "some t5", id: 1 });
    sess.add(o5);
    await sess.flush();
    const t5rows = async () => (await sess.execute(select(T5.id, T5.data))).all().map((r) => [...r]);
    const t6rows = async () => (await sess.execute(select(T6.id, T6.data, T6.t5id))).all().map((r) => [...r]);
    expect(await t5rows()).toEqual([[1, "some t5"]]);
    expect(await t6rows()).toEqual([[1, "some t6", 1]]);
    const o6 = new T6({ data: "some other t6", id: 1, t5: new T5({ data: "some other t5", id: 2 }) });
    sess.delete(o5);
    sess.delete(o5.t5!);
    sess.add(o6);
    await sess.flush();
    expect(await t5rows()).toEqual([[2, "some other t5"]]);
    expect(await t6rows()).toEqual([[1, "some other t6", 2]]);
    await sess.rollback();
  });
});

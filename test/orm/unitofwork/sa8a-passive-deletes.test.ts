/**
 * SQLAlchemy's test/orm/test_unitofwork.py PassiveDeletesTest and ExtraPassiveDeletesTest:
 * `passiveDeletes: true` leaves unloaded children to the database's ON DELETE (no SELECT, no
 * UPDATE), `passiveDeletes: "all"` never touches child rows at all (so a foreign key without ON
 * DELETE makes the parent's DELETE fail), on PostgreSQL and SQLite (libSQL enforces foreign
 * keys).
 *
 * Adapted: where SQLAlchemy lazy-loads `mc.children`, the tests load them with selectinload();
 * the MetaData-per-test mappings of SQLAlchemy are one model pair per configuration here.
 * test_aaa_m2o_no_longer_emits_warning is the configuration of test_backwards_pd, which
 * asserts that no warning is emitted.
 */
import {
  ArgumentError, AsyncSession, configureModel, DBAPIError, DeclarativeBase, ForeignKeyConstraint, func, inspect, Integer, mappedColumn,
  relationship, select, selectinload, String, warnings, type RelationshipOptions,
} from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

/** mytable / myothertable; `onDelete` on the child's foreign key; relationship options either side. */
function models(onDelete: "CASCADE" | undefined, o2m: RelationshipOptions | undefined, m2o?: RelationshipOptions) {
  class Base extends DeclarativeBase {}
  const mytable = uniqueName("sa8a_mytable");
  const myothertable = uniqueName("sa8a_myothertable");
  class MyOtherClass extends Base.model(
    myothertable,
    {
      id: mappedColumn(Integer, { primaryKey: true }),
      parent_id: mappedColumn(Integer, { nullable: true }),
      data: mappedColumn(String(30), { nullable: true }),
    },
    { tableArgs: [new ForeignKeyConstraint(["parent_id"], [`${mytable}.id`], onDelete ? { onDelete } : {})] },
  ) {
    static myclass = m2o ? relationship(() => MyClass, m2o) : undefined;
    declare myclass: MyClass | null;
  }
  class MyClass extends Base.model(mytable, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {
    static children = o2m ? relationship(() => MyOtherClass, o2m) : undefined;
    declare children: MyOtherClass[];
  }
  return { Base, MyClass, MyOtherClass, mytable, myothertable };
}

describe.each(dialectTargets())("PassiveDeletesTest / ExtraPassiveDeletesTest (test_unitofwork.py) on $name", (target) => {
  const pd = models("CASCADE", { passiveDeletes: true, cascade: "all" });
  const backwards = models("CASCADE", undefined, { cascade: "all, delete", passiveDeletes: true });
  const extra = models(undefined, { passiveDeletes: "all", cascade: "save-update" });
  const extraDefault = models(undefined, { passiveDeletes: "all" });
  const pdNoCascade = models(undefined, { passiveDeletes: true });
  const all = [pd, backwards, extra, extraDefault, pdNoCascade];
  const log = useSqlLog(target, all.map((m) => m.Base.metadata));
  const session = (opts: { expireOnCommit?: boolean; autoflush?: boolean } = {}) => new AsyncSession(log.engine, { expireOnCommit: false, ...opts });
  const count = (sess: AsyncSession, cls: typeof pd.MyClass | typeof pd.MyOtherClass) => sess.scalar(select(func.count()).selectFrom(cls));

  it("PassiveDeletesTest.test_basic", async () => {
    const { MyClass, MyOtherClass, mytable } = pd;
    await using sess = session();
    const mc = new MyClass();
    for (let i = 0; i < 4; i++) mc.children.push(new MyOtherClass());
    sess.add(mc);
    await sess.flush();
    sess.expungeAll();
    expect(await count(sess, MyOtherClass)).toBe(4);
    const again = (await sess.get(MyClass, mc.id))!;
    sess.delete(again);
    // The children are neither loaded nor deleted by the flush: ON DELETE CASCADE removes them.
    expect(await log.capture(() => sess.flush())).toEqual([[`DELETE FROM ${mytable} WHERE ${mytable}.id IN (?)`, [mc.id]]]);
    expect(await count(sess, MyClass)).toBe(0);
    expect(await count(sess, MyOtherClass)).toBe(0);
    await sess.rollback();
  });

  it("PassiveDeletesTest.test_backwards_pd (and test_aaa_m2o_no_longer_emits_warning)", async () => {
    const { MyClass, MyOtherClass, myothertable } = backwards;
    const configured = warnings.catch(() => configureModel(MyOtherClass));
    expect(configured).toEqual([]);
    await using sess = session({ expireOnCommit: true });
    const mc = new MyClass();
    const mco = new MyOtherClass();
    mco.myclass = mc;
    sess.add(mco);
    await sess.commit();
    expect(await count(sess, MyClass)).toBe(1);
    expect(await count(sess, MyOtherClass)).toBe(1);
    await sess.refresh(mco);
    sess.expire(mco, ["myclass"]);
    sess.delete(mco);
    const sent = await log.capture(() => sess.commit());
    expect(sent).toEqual([[`DELETE FROM ${myothertable} WHERE ${myothertable}.id IN (?)`, [expect.any(Number)]]]);
    // mytable wasn't deleted, is the point.
    expect(await count(sess, MyClass)).toBe(1);
    expect(await count(sess, MyOtherClass)).toBe(0);
  });

  it("ExtraPassiveDeletesTest.test_extra_passive", async () => {
    const { MyClass, MyOtherClass } = extra;
    let id: number;
    {
      await using sess = session();
      const mc = new MyClass();
      for (let i = 0; i < 4; i++) mc.children.push(new MyOtherClass());
      sess.add(mc);
      await sess.commit();
      id = mc.id;
    }
    await using sess = session();
    expect(await count(sess, MyOtherClass)).toBe(4);
    const mc = (await sess.get(MyClass, id))!;
    sess.delete(mc);
    await expect(sess.flush()).rejects.toBeInstanceOf(DBAPIError);
    await sess.rollback();
  });

  it("ExtraPassiveDeletesTest.test_extra_passive_2", async () => {
    const { MyClass, MyOtherClass, myothertable, mytable } = extra;
    let id: number;
    {
      await using sess = session();
      const mc = new MyClass();
      mc.children.push(new MyOtherClass());
      sess.add(mc);
      await sess.commit();
      id = mc.id;
    }
    await using sess = session({ autoflush: false });
    expect(await count(sess, MyOtherClass)).toBe(1);
    const mc = (await sess.scalars(select(MyClass).where(MyClass.id.eq(id)).options(selectinload(MyClass.children!)))).one();
    sess.delete(mc);
    mc.children[0].data = "some new data";
    const child = mc.children[0];
    log.reset();
    await expect(sess.flush()).rejects.toBeInstanceOf(DBAPIError);
    // The child's UPDATE leaves its foreign key; the parent's DELETE then fails on it.
    expect(log.sent.filter(([sql]) => !/^(BEGIN|SAVEPOINT|ROLLBACK|RELEASE)/.test(sql))).toEqual([
      [`UPDATE ${myothertable} SET data=? WHERE ${myothertable}.id = ?`, ["some new data", child.id]],
      [`DELETE FROM ${mytable} WHERE ${mytable}.id IN (?)`, [id]],
    ]);
    await sess.rollback();
  });

  it("ExtraPassiveDeletesTest.test_extra_passive_obj_removed_o2m", async () => {
    const { MyClass, MyOtherClass, myothertable } = extraDefault;
    await using sess = session();
    const mc = new MyClass();
    const [moc1, moc2] = [new MyOtherClass(), new MyOtherClass()];
    mc.children.push(moc1);
    mc.children.push(moc2);
    sess.addAll([mc, moc1, moc2]);
    await sess.flush();
    mc.children.splice(mc.children.indexOf(moc1), 1);
    mc.children.splice(mc.children.indexOf(moc2), 1);
    moc1.data = "foo";
    expect(await log.capture(() => sess.flush())).toEqual([[`UPDATE ${myothertable} SET data=? WHERE ${myothertable}.id = ?`, ["foo", moc1.id]]]);
    expect(moc1.parent_id).toBe(mc.id);
    expect(moc2.parent_id).toBe(mc.id);
    await sess.rollback();
  });

  it("ExtraPassiveDeletesTest.test_dont_emit", async () => {
    const { MyClass } = extra;
    await using sess = session({ expireOnCommit: true });
    const mc = new MyClass();
    sess.add(mc);
    await sess.commit();
    await sess.refresh(mc);
    sess.delete(mc);
    // No load for "children" should occur.
    const sent = await log.capture(() => sess.flush());
    expect(sent.length).toBe(1);
    expect(sent[0][0]).toMatch(/^DELETE FROM /);
    await sess.rollback();
  });

  it("passive_deletes='all' with a delete cascade is an ArgumentError (relationships.py)", () => {
    class Base extends DeclarativeBase {}
    const parent = uniqueName("sa8a_pda_parent");
    class Child extends Base.model(uniqueName("sa8a_pda_child"), {
      id: mappedColumn(Integer, { primaryKey: true }),
      parent_id: mappedColumn(Integer, { nullable: true }),
    }, { tableArgs: [new ForeignKeyConstraint(["parent_id"], [`${parent}.id`])] }) {}
    class Parent extends Base.model(parent, { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static children = relationship(() => Child, { passiveDeletes: "all", cascade: "all, delete-orphan" });
    }
    expect(() => configureModel(Parent)).toThrow(ArgumentError);
    expect(() => configureModel(Parent)).toThrow("On Parent.children, can't set passive_deletes='all' in conjunction with 'delete' or 'delete-orphan' cascade");
  });

  it("passive_deletes=True without delete cascade still NULLs the loaded children (dependency.py presort_deletes)", async () => {
    const { MyClass, MyOtherClass, mytable, myothertable } = pdNoCascade;
    await using sess = session();
    const mc = new MyClass();
    const [c1, c2] = [new MyOtherClass(), new MyOtherClass()];
    mc.children.push(c1, c2);
    sess.add(mc);
    await sess.flush();
    sess.delete(mc);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${myothertable} SET parent_id=? WHERE ${myothertable}.id = ?`, [null, c1.id]],
      [`UPDATE ${myothertable} SET parent_id=? WHERE ${myothertable}.id = ?`, [null, c2.id]],
      [`DELETE FROM ${mytable} WHERE ${mytable}.id IN (?)`, [mc.id]],
    ]);
    expect([c1.parent_id, c2.parent_id]).toEqual([null, null]);
    // Unloaded: nothing is loaded or updated; the foreign key (no ON DELETE) then refuses the DELETE.
    const other = new MyClass();
    other.children.push(new MyOtherClass());
    sess.add(other);
    await sess.flush();
    sess.expire(other);
    await sess.refresh(other);
    expect(inspect(other).unloaded.has("children")).toBe(true);
    sess.delete(other);
    await expect(sess.flush()).rejects.toBeInstanceOf(DBAPIError);
    await sess.rollback();
  });
});

describe.each(dialectTargets())("passive_deletes='all' on a post_update many-to-one (dependency.py ManyToOneDP.process_deletes) on $name", (target) => {
  function postUpdateModels(passiveDeletes: "all" | undefined) {
    class Base extends DeclarativeBase {}
    const b = uniqueName("sa8a_pu_b");
    class B extends Base.model(b, { id: mappedColumn(Integer, { primaryKey: true }) }) {}
    const a = uniqueName("sa8a_pu_a");
    class A extends Base.model(a, {
      id: mappedColumn(Integer, { primaryKey: true }),
      b_id: mappedColumn(Integer, { nullable: true }),
    }, { tableArgs: [new ForeignKeyConstraint(["b_id"], [`${b}.id`])] }) {
      static b = relationship(() => B, { postUpdate: true, ...(passiveDeletes ? { passiveDeletes } : {}) });
      declare b: B | null;
    }
    return { Base, A, B, a };
  }
  const plain = postUpdateModels(undefined);
  const all = postUpdateModels("all");
  const log = useSqlLog(target, [plain.Base.metadata, all.Base.metadata]);

  for (const [name, m] of [["default", plain], ["passive_deletes='all'", all]] as const) {
    it(`${name}: deleting the row ${m === all ? "sends no UPDATE clearing" : "first clears"} its post-update foreign key`, async () => {
      const { A, B, a } = m;
      await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
      const a1 = new A({ b: new B() });
      sess.add(a1);
      await sess.flush();
      sess.delete(a1);
      const clear: [string, unknown[]][] = [[`UPDATE ${a} SET b_id=? WHERE ${a}.id = ?`, [null, a1.id]]];
      expect(await log.capture(() => sess.flush())).toEqual([...(m === all ? [] : clear), [`DELETE FROM ${a} WHERE ${a}.id IN (?)`, [a1.id]]]);
      await sess.rollback();
    });
  }
});

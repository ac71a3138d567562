/**
 * ORM-enabled UPDATE and DELETE with synchronizeSession, ported from SQLAlchemy's
 * test/orm/dml/test_orm_upd_del_basic.py (UpdateDeleteTest) and test_evaluator.py
 * (M2OEvaluateTest): statements sent, objects synchronized / deleted / expired, rowcounts,
 * RETURNING, rollback, autoflush and SQLAlchemy's errors, on real SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ArgumentError, case_, DeclarativeBase, delete as delete_, ForeignKey, func, insert, inspect, Integer, InvalidRequestError, literalColumn, mappedColumn,
  objectState, or, relationship, select, String, text, update,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

const p = uniqueName("sa5e_ud");
class Base extends DeclarativeBase {}
class User extends Base.model(`${p}_users`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(32)),
  age: mappedColumn(Integer, { name: "age_int" }),
}) {}
class Parent extends Base.model(`${p}_parent`, {
  id: mappedColumn(Integer, { primaryKey: true }),
}) {}
class Child extends Base.model(`${p}_child`, {
  idParent: mappedColumn(ForeignKey(`${p}_parent.id`), { name: "id_parent", primaryKey: true }),
  name: mappedColumn(String(50), { primaryKey: true }),
}) {
  static parent = relationship(() => Parent);
  declare parent: Parent;
}

const U = `${p}_users`;
type Session = ReturnType<Db["session"]>;

describe.each(dialectTargets())("ORM UPDATE/DELETE (UpdateDeleteTest) on $name", (target) => {
  let db: Db;
  const ph = (n: number): string => (target.dialect === "postgresql" ? `$${n}` : "?");
  const dml = (): string[] => db.counting.statements.filter((q) => /^(INSERT|UPDATE|DELETE|SELECT)/.test(q));
  beforeAll(async () => {
    db = await openDb(target, Base as never);
  });
  afterAll(async () => {
    await db.cleanup();
  });
  beforeEach(async () => {
    await db.engine.begin(async (conn) => {
      for (const t of [`${p}_child`, `${p}_parent`, U]) await conn.execDriverSql(`DELETE FROM ${t}`);
      await conn.execute(insert(User.__table__), [
        { id: 1, name: "john", age: 25 },
        { id: 2, name: "jack", age: 47 },
        { id: 3, name: "jill", age: 29 },
        { id: 4, name: "jane", age: 37 },
      ]);
    });
    db.counting.reset();
  });

  async function loadAll(s: Session): Promise<User[]> {
    const all = (await s.scalars(select(User).orderBy(User.id))).all();
    db.counting.reset();
    return all;
  }
  async function agesInDb(s: Session): Promise<number[]> {
    return (await s.scalars(select(User.age).orderBy(User.id))).all();
  }

  it.each([false, null, "auto", "evaluate", "fetch"] as const)("DELETE with synchronizeSession %s (test_delete)", async (sync) => {
    await using s = db.session();
    const [john, jack, jill, jane] = await loadAll(s);
    let stmt = delete_(User).where(or(User.name.eq("john"), User.name.eq("jill")));
    if (sync !== null) stmt = stmt.executionOptions({ synchronizeSession: sync });
    await s.execute(stmt);
    // null: the option is not given, so "auto".
    const synced = sync !== false;
    expect([s.contains(john), s.contains(jill)]).toEqual([!synced, !synced]);
    expect(objectState(john)).toBe(synced ? "deleted" : "persistent");
    expect((await s.scalars(select(User).orderBy(User.id))).all()).toEqual([jack, jane]);
  });

  it.each(["evaluate", "fetch"] as const)("rollback() restores objects an ORM DELETE removed (%s) (test_delete_rollback)", async (sync) => {
    await using s = db.session();
    const [john, , jill] = await loadAll(s);
    await s.execute(delete_(User).where(or(User.name.eq("john"), User.name.eq("jill"))), undefined, { synchronizeSession: sync });
    expect([s.contains(john), s.contains(jill)]).toEqual([false, false]);
    await s.rollback();
    expect([s.contains(john), s.contains(jill)]).toEqual([true, true]);
  });

  it("DELETE with textual criteria and bound parameters, fetch (test_delete_with_bindparams)", async () => {
    await using s = db.session();
    const [john, jack, jill, jane] = await loadAll(s);
    await s.execute(delete_(User).where(text("name = :name")), { name: "john" }, { synchronizeSession: "fetch" });
    expect(s.contains(john)).toBe(false);
    expect((await s.scalars(select(User).orderBy(User.id))).all()).toEqual([jack, jill, jane]);
  });

  it("criteria the evaluator cannot handle raise for 'evaluate'; 'fetch' deletes (test_delete_invalid_evaluation)", async () => {
    await using s = db.session();
    const [john, jack, jill, jane] = await loadAll(s);
    const crit = User.name.eq(select(func.max(User.name)).scalarSubquery());
    await expect(s.execute(delete_(User).where(crit), undefined, { synchronizeSession: "evaluate" })).rejects.toThrow(InvalidRequestError);
    await expect(s.execute(delete_(User).where(crit), undefined, { synchronizeSession: "evaluate" })).rejects.toThrow(
      /^Could not evaluate current criteria in Python: ".*"\. Specify 'fetch' or False for the synchronize_session execution option\.$/,
    );
    expect(dml()).toEqual([]);
    await s.execute(delete_(User).where(crit), undefined, { synchronizeSession: "fetch" });
    expect(s.contains(john)).toBe(false);
    expect((await s.scalars(select(User).orderBy(User.id))).all()).toEqual([jack, jill, jane]);
  });

  it("an unknown strategy raises ArgumentError, also as a statement option (test_illegal_eval)", async () => {
    await using s = db.session();
    await expect(s.execute(update(User).values({ name: "x" }).executionOptions({ synchronizeSession: "fake" }))).rejects.toThrow(ArgumentError);
    await expect(s.execute(update(User).values({ name: "x" }).executionOptions({ synchronizeSession: "fake" }))).rejects.toThrow(
      "Valid strategies for session synchronization are 'auto', 'evaluate', 'fetch', False",
    );
  });

  it.each([true, false])("'auto' evaluates evaluable criteria and fetches otherwise (evaluable=%s) (test_auto_synchronize)", async (evaluable) => {
    await using s = db.session();
    const [john, jack, jill, jane] = await loadAll(s);
    const crit = evaluable ? or(User.name.eq("jack"), User.name.eq("jane")) : case_([User.name.in(["jack", "jane"]), true], { else_: false }).eq(true);
    await s.execute(update(User).where(crit).values({ age: User.age.add(10) }));
    const [sql] = dml();
    expect(sql.startsWith(`UPDATE ${U} SET age_int=(${U}.age_int + ${ph(1)}) WHERE `)).toBe(true);
    expect(sql.endsWith(` RETURNING ${U}.id`)).toBe(!evaluable);
    expect(dml()).toHaveLength(1);
    expect([john.age, jack.age, jill.age, jane.age]).toEqual([25, 57, 29, 47]);
  });

  it("'fetch' RETURNs the primary key and evaluates simple SET values (test_update_fetch_returning)", async () => {
    await using s = db.session();
    const [john, jack, jill, jane] = await loadAll(s);
    await s.execute(update(User).where(User.age.gt(29)).values({ age: User.age.sub(10) }), undefined, { synchronizeSession: "fetch" });
    expect(dml()).toEqual([`UPDATE ${U} SET age_int=(${U}.age_int - ${ph(1)}) WHERE ${U}.age_int > ${ph(2)} RETURNING ${U}.id`]);
    expect([john.age, jack.age, jill.age, jane.age]).toEqual([25, 37, 29, 27]);
  });

  it("'fetch' DELETE RETURNs the primary key (test_delete_fetch_returning)", async () => {
    await using s = db.session();
    const [john, jack, jill, jane] = await loadAll(s);
    await s.execute(delete_(User).where(User.age.gt(29)), undefined, { synchronizeSession: "fetch" });
    expect(dml()).toEqual([`DELETE FROM ${U} WHERE ${U}.age_int > ${ph(1)} RETURNING ${U}.id`]);
    expect([john, jack, jill, jane].map((u) => s.contains(u))).toEqual([true, false, true, false]);
  });

  it("'evaluate' with an explicit returning(User.id) (test_update_evaluate_w_explicit_returning)", async () => {
    await using s = db.session();
    const [john, jack, jill, jane] = await loadAll(s);
    const stmt = update(User).where(User.age.gt(29)).values({ age: User.age.sub(10) }).returning(User.id).executionOptions({ synchronizeSession: "evaluate" });
    const rows = (await s.execute(stmt)).all().map((r) => [...r]);
    expect(rows.sort()).toEqual([[2], [4]]);
    expect(dml()).toEqual([`UPDATE ${U} SET age_int=(${U}.age_int - ${ph(1)}) WHERE ${U}.age_int > ${ph(2)} RETURNING ${U}.id`]);
    expect([john.age, jack.age, jill.age, jane.age]).toEqual([25, 37, 29, 27]);
  });

  it.each(["update", "delete"] as const)("'fetch' with returning(User, User.name) (%s) (test_fetch_w_explicit_returning)", async (kind) => {
    await using s = db.session();
    const stmt = kind === "update"
      ? update(User).where(User.age.gt(29)).values({ age: User.age.sub(10) }).executionOptions({ synchronizeSession: "fetch" }).returning(User, User.name)
      : delete_(User).where(User.age.gt(29)).executionOptions({ synchronizeSession: "fetch" }).returning(User, User.name);
    const rows = (await s.execute(stmt)).all().map((r) => [(r[0] as User).age, r[1]]);
    expect(rows.sort()).toEqual(kind === "update" ? [[27, "jane"], [37, "jack"]] : [[37, "jane"], [47, "jack"]]);
  });

  it("UPDATE … RETURNING * gives rows, objects are evaluated (test_update_returning_star)", async () => {
    await using s = db.session();
    const [john, jack, jill, jane] = await loadAll(s);
    const res = await s.execute(update(User).where(User.age.gt(29)).values({ age: User.age.sub(10) }).returning(literalColumn("*")));
    expect(res.all().map((r) => [...r]).sort()).toEqual([[2, "jack", 37], [4, "jane", 27]]);
    expect([john.age, jack.age, jill.age, jane.age]).toEqual([25, 37, 29, 27]);
    expect(await agesInDb(s)).toEqual([25, 37, 29, 27]);
  });

  it("DELETE … RETURNING * removes the matched objects (test_delete_returning_star)", async () => {
    await using s = db.session();
    const [john, jack, jill, jane] = await loadAll(s);
    const res = await s.execute(delete_(User).where(User.age.gt(29)).returning(literalColumn("*")));
    expect(res.all().map((r) => [...r]).sort()).toEqual([[2, "jack", 47], [4, "jane", 37]]);
    expect([john, jack, jill, jane].map((u) => s.contains(u))).toEqual([true, false, true, false]);
  });

  it.each(["evaluate", "fetch", false] as const)("rowsAffected of UPDATE (%s) and DELETE (test_update_returns_rowcount)", async (sync) => {
    await using s = db.session();
    const r = await s.execute(update(User).where(User.age.gt(29)).values({ age: User.age.add(0) }), undefined, { synchronizeSession: sync });
    expect(r.rowsAffected).toBe(2);
    const r2 = await s.execute(update(User).where(User.age.gt(29)).values({ age: 42 }), undefined, { synchronizeSession: sync });
    expect(r2.rowsAffected).toBe(2);
    const d = await s.execute(delete_(User).where(User.age.gt(26)), undefined, { synchronizeSession: sync });
    expect(d.rowsAffected).toBe(3);
  });

  it("UPDATE and DELETE without criteria touch every object (test_update_all, test_delete_all)", async () => {
    await using s = db.session();
    const all = await loadAll(s);
    await s.execute(update(User).values({ age: 0 }), undefined, { synchronizeSession: "evaluate" });
    expect(all.map((u) => u.age)).toEqual([0, 0, 0, 0]);
    expect(await agesInDb(s)).toEqual([0, 0, 0, 0]);
    await s.execute(delete_(User), undefined, { synchronizeSession: "evaluate" });
    expect(all.map((u) => objectState(u))).toEqual(["deleted", "deleted", "deleted", "deleted"]);
    expect(await agesInDb(s)).toEqual([]);
  });

  it.each(["evaluate", "fetch"] as const)("pending changes are autoflushed before an UPDATE (%s) (test_autoflush_before_*_update)", async (sync) => {
    await using s = db.session();
    const john = (await s.get(User, 1))!;
    john.name = "j2";
    await s.execute(update(User).where(User.name.eq("j2")).values({ age: 42 }), undefined, { synchronizeSession: sync });
    expect(john.age).toBe(42);
  });

  it.each(["evaluate", "fetch"] as const)("pending changes are autoflushed before a DELETE (%s) (test_autoflush_before_*_delete)", async (sync) => {
    await using s = db.session();
    const john = (await s.get(User, 1))!;
    john.name = "j2";
    await s.execute(delete_(User).where(User.name.eq("j2")), undefined, { synchronizeSession: sync });
    expect(s.contains(john)).toBe(false);
  });

  it.each(["orm", "bulk"] as const)("an UPDATE expires attributes changed in memory, which are then not modified (%s) (test_update_changes_resets_dirty)", async (kind) => {
    await using s = db.session({ autoflush: false });
    const [john, jack, jill, jane] = await loadAll(s);
    john.age = 50;
    jack.age = 37;
    // autoflush is off: the in-memory 50 and 37 are overwritten by the UPDATE's values.
    if (kind === "orm") {
      await s.execute(update(User).where(User.age.gt(29)).values({ age: User.age.sub(10) }), undefined, { synchronizeSession: "evaluate" });
    } else {
      await s.execute(update(User), [
        { id: 1, age: 25 },
        { id: 2, age: 37 },
        { id: 3, age: 29 },
        { id: 4, age: 27 },
      ], { synchronizeSession: "evaluate" });
    }
    for (const u of [john, jack, jill, jane]) expect(s.isModified(u)).toBe(false);
    expect([inspect(john).unloaded.has("age"), inspect(jack).unloaded.has("age"), inspect(jill).unloaded.has("age")]).toEqual([true, true, false]);
    await s.refresh(john, ["age"]);
    await s.refresh(jack, ["age"]);
    expect([john.age, jack.age, jill.age, jane.age]).toEqual([25, 37, 29, 27]);
    john.age = 25;
    expect(s.isModified(john)).toBe(false);
    expect(s.dirty.includes(jill)).toBe(false);
  });

  it("with autoflush, changes are flushed first and then evaluated (test_update_changes_with_autoflush)", async () => {
    await using s = db.session();
    const [john, jack, jill, jane] = await loadAll(s);
    john.age = 50;
    jack.age = 37;
    await s.execute(update(User).where(User.age.gt(29)).values({ age: User.age.sub(10) }), undefined, { synchronizeSession: "evaluate" });
    for (const u of [john, jack, jill, jane]) expect(s.isModified(u)).toBe(false);
    expect([john.age, jack.age, jill.age, jane.age]).toEqual([40, 27, 29, 27]);
    john.age = 25;
    expect(s.dirty).toEqual([john]);
    expect([s.isModified(john), s.isModified(jack)]).toEqual([true, false]);
  });

  it.each([[undefined, true], [undefined, false], [false, true], [false, false], ["evaluate", true], ["evaluate", false], ["fetch", true]] as const)(
    "bulk UPDATE by primary key with synchronizeSession %s, homogeneous keys %s (test_bulk_update_synchronize_session)",
    async (sync, homogeneous) => {
      await using s = db.session({ expireOnCommit: false });
      const [, jack, jill] = await loadAll(s);
      const data = homogeneous
        ? [{ id: 1, age: 35 }, { id: 2, age: 27 }, { id: 3, age: 30 }]
        : [{ id: 1, age: 35 }, { id: 2, name: "new jack" }, { id: 3, age: 30, name: "new jill" }];
      const opts = sync === undefined ? {} : { synchronizeSession: sync };
      if (sync === "fetch") {
        await expect(s.execute(update(User), data, opts)).rejects.toThrow("The 'fetch' synchronization strategy is not available for 'bulk' ORM updates");
        expect(dml()).toEqual([]);
        return;
      }
      await s.execute(update(User), data, opts);
      const one = (set: string): string => `UPDATE ${U} SET ${set} WHERE ${U}.id = ${set.includes(",") ? ph(3) : ph(2)}`;
      expect(dml()).toEqual(homogeneous
        ? Array(3).fill(one(`age_int=${ph(1)}`))
        : [one(`age_int=${ph(1)}`), one(`name=${ph(1)}`), one(`name=${ph(1)}, age_int=${ph(2)}`)]);
      if (sync === false) {
        expect([jill.name, jack.name, jill.age, jack.age]).toEqual(["jill", "jack", 29, 47]);
      } else {
        if (!homogeneous) expect([jill.name, jack.name, jack.age]).toEqual(["new jill", "new jack", 47]);
        else expect(jack.age).toBe(27);
        expect(jill.age).toBe(30);
      }
    },
  );

  it("'evaluate' on a wholly expired object leaves it expired, to reload (test_evaluate_before_update)", async () => {
    await using s = db.session();
    const john = (await s.get(User, 1))!;
    s.expire(john);
    await s.execute(update(User).where(User.name.eq("john")).values({ age: 42 }), undefined, { synchronizeSession: "evaluate" });
    await s.refresh(john);
    expect(john.age).toBe(42);
  });

  it("a multi-row values() UPDATE raises (test_update_multi_values_error)", async () => {
    await using s = db.session();
    await expect(s.execute(update(User).values([{ name: "a" }, { name: "b" }] as never))).rejects.toThrow("UPDATE construct does not support multiple parameter sets.");
  });

  it("orderedValues() keeps the SET order (test_update_preserve_parameter_order)", async () => {
    await using s = db.session();
    const [john] = await loadAll(s);
    await s.execute(update(User).where(User.id.eq(1)).orderedValues(["age", 30], ["name", "j"]), undefined, { synchronizeSession: "evaluate" });
    expect(dml()).toEqual([`UPDATE ${U} SET age_int=${ph(1)}, name=${ph(2)} WHERE ${U}.id = ${ph(3)}`]);
    expect([john.age, john.name]).toEqual([30, "j"]);
  });

  it("a SET value the evaluator cannot compute is expired for 'evaluate', RETURNed for 'fetch'", async () => {
    await using s = db.session();
    const [john] = await loadAll(s);
    await s.execute(update(User).where(User.id.eq(1)).values({ name: func.upper(User.name) }), undefined, { synchronizeSession: "evaluate" });
    expect(inspect(john).unloaded.has("name")).toBe(true);
    await s.refresh(john);
    expect(john.name).toBe("JOHN");
    db.counting.reset();
    await s.execute(update(User).where(User.id.eq(1)).values({ name: func.lower(User.name) }), undefined, { synchronizeSession: "fetch" });
    expect(dml()).toEqual([`UPDATE ${U} SET name=lower(${U}.name) WHERE ${U}.id = ${ph(1)} RETURNING ${U}.id, ${U}.name`]);
    expect(john.name).toBe("john");
  });

  describe("LoadFromReturningTest (test_orm_upd_del_assorted.py)", () => {
    const byId = (rows: User[]): [string, number][] => [...rows].sort((a, b) => a.id - b.id).map((u) => [u.name, u.age]);

    it("UPDATE … RETURNING User loads objects (test_load_from_update)", async () => {
      await using s = db.session();
      const stmt = update(User).where(User.name.in(["jack", "jill"])).values({ age: User.age.add(5) }).returning(User);
      const rows = (await s.scalars(stmt)).all();
      expect(byId(rows)).toEqual([["jack", 52], ["jill", 34]]);
      expect(rows.every((u) => u instanceof User && objectState(u) === "persistent")).toBe(true);
    });

    it.each([
      ["single"], ["multiple"],
    ] as const)("INSERT … RETURNING User loads objects (%s) (test_load_from_insert)", async (params) => {
      await using s = db.session();
      const values = params === "multiple"
        ? [{ id: 5, age: 25, name: "spongebob" }, { id: 6, age: 30, name: "patrick" }, { id: 7, age: 35, name: "squidward" }]
        : { id: 5, age: 25, name: "spongebob" };
      const stmt = insert(User).values(values).returning(User);
      const rows = (await s.scalars(stmt)).all();
      expect(byId(rows)).toEqual(params === "multiple" ? [["spongebob", 25], ["patrick", 30], ["squidward", 35]] : [["spongebob", 25]]);
    });

    it("DELETE … RETURNING User gives the deleted rows as objects (test_load_from_delete)", async () => {
      await using s = db.session();
      const stmt = delete_(User).where(User.name.in(["jack", "jill"])).returning(User);
      const rows = (await s.scalars(stmt)).all();
      expect(byId(rows)).toEqual([["jack", 47], ["jill", 29]]);
    });
  });

  describe("M2OEvaluateTest", () => {
    it("an 'evaluate' DELETE by many-to-one marks the loaded child deleted (test_delete_not_expired)", async () => {
      await using s = db.session({ expireOnCommit: false });
      const parent = new Parent({ id: 1 });
      s.add(parent);
      await s.commit();
      const c = new Child({ name: "foo", parent } as never);
      s.add(c);
      await s.commit();
      await s.execute(delete_(Child).where(Child.parent.eq(parent)), undefined, { synchronizeSession: "evaluate" });
      expect(objectState(c)).toBe("deleted");
    });
  });
});

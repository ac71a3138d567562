/**
 * ORM-enabled UPDATE and DELETE, ported from SQLAlchemy's test/orm/dml/test_orm_upd_del_basic.py
 * and test_bulk_statements.py: synchronizeSession "evaluate" computing SET expressions in JS,
 * "fetch", the validation of strategies, and bulk UPDATE by primary key (statements, grouping,
 * identity-map synchronization, errors) on real SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ArgumentError, DeclarativeBase, delete as delete_, ForeignKey, insert, Integer, InvalidRequestError, mappedColumn, or, relationship,
  select, String, update,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openQueryDb, type QueryDb } from "./models.js";

const p = uniqueName("sadml");
class Base extends DeclarativeBase {}
class User extends Base.model(`${p}_users`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(32)),
  age: mappedColumn(Integer, { name: "age_int" }),
}) {
  static addresses = relationship(() => Address);
  declare addresses: Address[];
}
class Address extends Base.model(`${p}_addresses`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(ForeignKey(`${p}_users.id`), { name: "user_id", nullable: true }),
  email: mappedColumn(String(50), { name: "email_address" }),
}) {}

const U = `${p}_users`;

describe.each(dialectTargets())("ORM UPDATE/DELETE parity on $name", (target) => {
  let db: QueryDb;
  const ph = (n: number): string => (target.dialect === "postgresql" ? `$${n}` : "?");

  beforeAll(async () => {
    db = await openQueryDb(target, Base);
  });
  afterAll(async () => {
    await db.cleanup();
  });
  beforeEach(async () => {
    await db.engine.begin(async (conn) => {
      await conn.execute(delete_(Address.__table__));
      await conn.execute(delete_(User.__table__));
      await conn.execute(insert(User.__table__), [
        { id: 1, name: "john", age: 25 },
        { id: 2, name: "jack", age: 47 },
        { id: 3, name: "jill", age: 29 },
        { id: 4, name: "jane", age: 37 },
      ]);
    });
    db.counting.reset();
  });

  async function loadAll(s: ReturnType<QueryDb["session"]>): Promise<User[]> {
    return (await s.scalars(select(User).orderBy(User.id))).all();
  }
  async function agesInDb(s: ReturnType<QueryDb["session"]>): Promise<number[]> {
    return (await s.execute(select(User.age).orderBy(User.id))).all().map((r) => r[0] as number);
  }

  it('"evaluate" computes SET expressions over the objects in JS (test_update)', async () => {
    await using s = db.session();
    const [john, jack, jill, jane] = await loadAll(s);
    const r = await s.execute(update(User).where(User.age.gt(29)).values({ age: User.age.sub(10) }), undefined, { synchronizeSession: "evaluate" });
    expect(r.rowsAffected).toBe(2);
    expect([john.age, jack.age, jill.age, jane.age]).toEqual([25, 37, 29, 27]);
    expect(await agesInDb(s)).toEqual([25, 37, 29, 27]);

    await s.execute(update(User).where(User.age.gt(29)).values({ age: User.age.sub(10) }), undefined, { synchronizeSession: "evaluate" });
    expect([john.age, jack.age, jill.age, jane.age]).toEqual([25, 27, 29, 27]);
    // Keyed by the table column, as SQLAlchemy's {users.c.age_int: …}.
    await s.execute(update(User).where(User.age.gt(27)).values({ age_int: User.age.sub(10) } as never), undefined, { synchronizeSession: "evaluate" });
    expect([john.age, jack.age, jill.age, jane.age]).toEqual([25, 27, 19, 27]);
    expect(await agesInDb(s)).toEqual([25, 27, 19, 27]);
    expect(s.dirty).toEqual([]);
  });

  it('"fetch" matches rows by RETURNING and evaluates SET expressions (test_update_newstyle)', async () => {
    await using s = db.session();
    const [john, jack, jill, jane] = await loadAll(s);
    db.counting.reset();
    await s.execute(update(User).where(User.age.eq(25)).values({ age: User.age.sub(10) }), undefined, { synchronizeSession: "fetch" });
    expect(db.counting.statements).toEqual([`UPDATE ${U} SET age_int=(${U}.age_int - ${ph(1)}) WHERE ${U}.age_int = ${ph(2)} RETURNING ${U}.id`]);
    expect([john.age, jack.age, jill.age, jane.age]).toEqual([15, 47, 29, 37]);
  });

  it('a SET expression JS cannot evaluate: "fetch" returns its new value (test_update_w_unevaluatable_value_fetch)', async () => {
    await using s = db.session();
    const jill = (await s.scalars(select(User).where(User.name.eq("jill")))).one();
    await s.execute(update(User).where(User.name.eq("jill")).values({ name: User.name.concat(User.name) }), undefined, { synchronizeSession: "fetch" });
    expect(jill.name).toBe("jilljill");
  });

  it('"evaluate" computes string concatenation in JS too', async () => {
    await using s = db.session();
    const jill = (await s.scalars(select(User).where(User.id.eq(3)))).one();
    await s.execute(update(User).where(User.id.eq(3)).values({ name: User.name.concat("!") }), undefined, { synchronizeSession: "evaluate" });
    expect(jill.name).toBe("jill!");
    expect(await s.scalar(select(User.name).where(User.id.eq(3)))).toBe("jill!");
  });

  it('"evaluate" leaves wholly expired objects alone and matches partly expired ones (test_evaluate_dont_refresh_expired_objects)', async () => {
    await using s = db.session();
    const [john, jack, jill, jane] = await loadAll(s);
    s.expire(john);
    s.expire(jill);
    s.expire(jane, ["name"]);
    db.counting.reset();
    await s.execute(update(User).where(User.name.isNot(null)).values({ age: User.age.add(10) }), undefined, { synchronizeSession: "evaluate" });
    expect(db.counting.statements).toEqual([`UPDATE ${U} SET age_int=(${U}.age_int + ${ph(1)}) WHERE ${U}.name IS NOT NULL`]);
    expect(jack.age).toBe(57);
    // jane's criteria read an expired attribute: counted as matched, her loaded age evaluated.
    expect(jane.age).toBe(47);
    expect(() => john.age).toThrow(/refresh/);
    await s.refresh(john);
    await s.refresh(jill);
    expect([john.age, jill.age]).toEqual([35, 39]);
  });

  it('"evaluate" DELETE expires a partly expired match instead of deleting it', async () => {
    await using s = db.session();
    const [, jack, , jane] = await loadAll(s);
    s.expire(jane, ["name"]);
    await s.execute(delete_(User).where(User.name.in(["jack", "jane"])), undefined, { synchronizeSession: "evaluate" });
    expect(s.contains(jack)).toBe(false);
    expect(s.contains(jane)).toBe(true);
    expect(() => jane.age).toThrow(/refresh/);
  });

  it("an unknown synchronizeSession strategy raises ArgumentError (test_illegal_eval)", async () => {
    await using s = db.session();
    const stmt = update(User).values({ name: "x" });
    await expect(s.execute(stmt, undefined, { synchronizeSession: "fake" as never })).rejects.toThrow(ArgumentError);
    await expect(s.execute(stmt, undefined, { synchronizeSession: "fake" as never })).rejects.toThrow(
      "Valid strategies for session synchronization are 'auto', 'evaluate', 'fetch', False",
    );
  });

  it('criteria JS cannot evaluate raise under "evaluate" with SQLAlchemy\'s message', async () => {
    await using s = db.session();
    await loadAll(s);
    await expect(
      s.execute(update(User).where(User.name.like("j%")).values({ age: 1 }), undefined, { synchronizeSession: "evaluate" }),
    ).rejects.toThrow(/^Could not evaluate current criteria in Python: ".*"\. Specify 'fetch' or False for the synchronize_session execution option\.$/);
  });

  it("DELETE with OR criteria removes the matched objects from the session (test_delete)", async () => {
    for (const mode of ["evaluate", "fetch", "auto"] as const) {
      await db.engine.begin(async (conn) => {
        await conn.execute(delete_(User.__table__));
        await conn.execute(insert(User.__table__), [
          { id: 1, name: "john", age: 25 }, { id: 2, name: "jack", age: 47 }, { id: 3, name: "jill", age: 29 }, { id: 4, name: "jane", age: 37 },
        ]);
      });
      await using s = db.session();
      const [john, jack, jill, jane] = await loadAll(s);
      await s.execute(delete_(User).where(or(User.name.eq("john"), User.name.eq("jill"))), undefined, { synchronizeSession: mode });
      expect([...s.identityMap.values()]).toEqual([jack, jane]);
      expect(s.contains(john) || s.contains(jill)).toBe(false);
      expect(await loadAll(s)).toEqual([jack, jane]);
    }
  });

  it("RETURNING ORM attributes renders their columns and keys rows by attribute (test_insert_returning_cols_dont_give_me_defaults)", async () => {
    await using s = db.session();
    db.counting.reset();
    const r = await s.execute(insert(User).returning(User.id, User.name, User.age), [{ id: 10, name: "a", age: 3 }, { id: 11, name: "b", age: 4 }]);
    expect(r.keys()).toEqual(["id", "name", "age"]);
    expect(r.all().map((row) => [...row])).toEqual([[10, "a", 3], [11, "b", 4]]);
    expect(db.counting.statements.every((x) => x.endsWith(`RETURNING ${U}.id, ${U}.name, ${U}.age_int`))).toBe(true);
    db.counting.reset();
    const u = await s.execute(update(User).where(User.id.eq(10)).values({ name: "z" }).returning(User.id, User.name));
    expect(db.counting.statements[0]).toMatch(new RegExp(`RETURNING ${U}\.id, ${U}\.name$`));
    expect(u.all().map((row) => [row.id, row.name])).toEqual([[10, "z"]]);
    const d = await s.execute(delete_(User).where(User.id.eq(11)).returning(User.age));
    expect(d.all().map((row) => row.age)).toEqual([4]);
  });

  describe("bulk UPDATE by primary key", () => {
    it("homogeneous parameter sets: one executemany, objects synchronized (test_bulk_update_synchronize_session)", async () => {
      await using s = db.session();
      const [john, jack, jill] = await loadAll(s);
      db.counting.reset();
      await s.execute(update(User), [{ id: 1, age: 35 }, { id: 2, age: 27 }, { id: 3, age: 30 }]);
      expect(new Set(db.counting.statements)).toEqual(new Set([`UPDATE ${U} SET age_int=${ph(1)} WHERE ${U}.id = ${ph(2)}`]));
      expect([john.age, jack.age, jill.age]).toEqual([35, 27, 30]);
      expect(s.dirty).toEqual([]);
      expect(await agesInDb(s)).toEqual([35, 27, 30, 37]);
    });

    it("heterogeneous parameter sets: one statement per run of same keys, SET columns in table order", async () => {
      await using s = db.session();
      const [, jack, jill] = await loadAll(s);
      db.counting.reset();
      await s.execute(update(User), [{ id: 1, age: 35 }, { id: 2, name: "new jack" }, { id: 3, age: 30, name: "new jill" }]);
      expect(db.counting.statements).toEqual([
        `UPDATE ${U} SET age_int=${ph(1)} WHERE ${U}.id = ${ph(2)}`,
        `UPDATE ${U} SET name=${ph(1)} WHERE ${U}.id = ${ph(2)}`,
        `UPDATE ${U} SET name=${ph(1)}, age_int=${ph(2)} WHERE ${U}.id = ${ph(3)}`,
      ]);
      expect([jill.name, jack.name, jack.age, jill.age]).toEqual(["new jill", "new jack", 47, 30]);
    });

    it("synchronizeSession false leaves loaded objects as they were", async () => {
      await using s = db.session();
      const [, jack, jill] = await loadAll(s);
      await s.execute(update(User), [{ id: 2, name: "new jack" }, { id: 3, age: 30, name: "new jill" }], { synchronizeSession: false });
      expect([jill.name, jack.name, jill.age, jack.age]).toEqual(["jill", "jack", 29, 47]);
    });

    it('"fetch" is refused for parameter lists', async () => {
      await using s = db.session();
      await expect(s.execute(update(User), [{ id: 1, age: 35 }], { synchronizeSession: "fetch" })).rejects.toThrow(
        "The 'fetch' synchronization strategy is not available for 'bulk' ORM updates (i.e. multiple parameter sets)",
      );
    });

    it("a parameter set without the primary key raises InvalidRequestError (test_bulk_update_no_pk)", async () => {
      await using s = db.session();
      const err = await s.execute(update(User), [{ name: "x", age: 9 }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidRequestError);
      expect((err as Error).message).toMatch(
        new RegExp(`^No primary key value supplied for column\\(s\\) ${U}\\.id; per-row ORM Bulk UPDATE by Primary Key requires that records contain primary key values`),
      );
    });

    it("extra WHERE criteria need synchronizeSession false, then AND into each UPDATE (test_bulk_update_w_where_one)", async () => {
      await using s = db.session();
      const stmt = update(User).where(User.age.gt(26));
      await expect(s.execute(stmt, [{ id: 1, age: 3 }])).rejects.toThrow(/bulk synchronize of persistent objects not supported when using bulk update with additional WHERE criteria/);
      db.counting.reset();
      await s.execute(stmt, [{ id: 1, age: 3 }, { id: 2, age: 5 }, { id: 3, age: 12 }], { synchronizeSession: false });
      expect(new Set(db.counting.statements)).toEqual(new Set([`UPDATE ${U} SET age_int=${ph(1)} WHERE ${U}.id = ${ph(2)} AND ${U}.age_int > ${ph(3)}`]));
      expect((await s.execute(select(User.id, User.age).orderBy(User.id))).all().map((r) => [...r])).toEqual([[1, 25], [2, 5], [3, 12], [4, 37]]);
    });
  });
});

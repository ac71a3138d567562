/**
 * Session follow-ups from SQLAlchemy's test_orm_upd_del_basic.py / test_expire.py: a statement's
 * `executionOptions({ autoflush: false })` (Select and DML) skips the autoflush for that execute,
 * and `inspect(obj).expired` is true for an object whose columns are all primary key once it is
 * expired (by expire() or expire-on-commit), false again once a query loads its row.
 * On PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeclarativeBase, delete_, inspect, Integer, mappedColumn, select, String, update } from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "../loading/models.js";

const p = uniqueName("sa6h_ss");
const t = (n: string): string => `${p}_${n}`;

class Base extends DeclarativeBase {}
class User extends Base.model(t("users"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  label: mappedColumn(String(30), { name: "name" }),
  age: mappedColumn(Integer, { nullable: true }),
}) {}
class Pair extends Base.model(t("pairs"), {
  a: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  b: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
}) {}

describe.each(dialectTargets())("session follow-ups on $name", (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, Base);
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("select(...).executionOptions({ autoflush: false }) does not flush the pending object first", async () => {
    await using s = db.session();
    s.add(new User({ id: 1, label: "john", age: 25 }));
    const noFlush = select(User.label).where(User.label.eq("john")).executionOptions({ autoflush: false });
    expect((await s.scalars(noFlush)).all()).toEqual([]);
    expect(s.new.length).toBe(1);
    expect((await s.scalars(select(User.label).where(User.label.eq("john")))).all()).toEqual(["john"]);
    expect(s.new.length).toBe(0);
    await s.rollback();
  });

  it("update()/delete() executionOptions({ autoflush: false }): the statement runs before the pending row is written", async () => {
    await using s = db.session();
    s.add(new User({ id: 2, label: "jack", age: 30 }));
    const upd = update(User).where(User.label.eq("jack")).values({ age: 31 }).executionOptions({ autoflush: false, synchronizeSession: false });
    expect((await s.execute(upd)).rowsAffected).toBe(0);
    expect(s.new.length).toBe(1);
    const del = delete_(User).where(User.label.eq("jack")).executionOptions({ autoflush: false, synchronizeSession: false });
    expect((await s.execute(del)).rowsAffected).toBe(0);
    // Without the option the autoflush writes the row first.
    expect((await s.execute(update(User).where(User.label.eq("jack")).values({ age: 31 }).executionOptions({ synchronizeSession: false }))).rowsAffected).toBe(1);
    expect(s.new.length).toBe(0);
    await s.rollback();
  });

  it("inspect(obj).expired for a mapper whose columns are all primary key", async () => {
    await using s = db.session();
    const pair = new Pair({ a: 1, b: 2 });
    s.add(pair);
    await s.flush();
    expect(inspect(pair).expired).toBe(false);
    s.expire(pair);
    expect(inspect(pair).expired).toBe(true);
    expect([pair.a, pair.b]).toEqual([1, 2]);
    // A query that loads the row makes it current again.
    const [again] = (await s.scalars(select(Pair).where(Pair.a.eq(1)))).all();
    expect(again).toBe(pair);
    expect(inspect(pair).expired).toBe(false);
    s.expire(pair);
    await s.refresh(pair);
    expect(inspect(pair).expired).toBe(false);
    await s.rollback();
  });
});

/**
 * ORM results address their columns by object, as Core results do (SQLAlchemy's
 * `row._mapping[User.id]`): the ORM attribute and the table column behind it both find a slot,
 * keys stay SQLAlchemy's (`select(User.id, Address.id)` → ["id", "id"]), and the per-shape
 * result metadata is shared by statements of one shape without ever carrying one statement's
 * targets into another. Real PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliased, insert, NoSuchColumnError, InvalidRequestError, select, selectinload, raiseload, type ColumnElement } from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import type { Select } from "../../../src/sql/selectable.js";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, openDb, type Db } from "./models.js";

const M = defineModels("e_tg");
const { User, Address, Order } = M;

/** An entity as a lookup key: SQLAlchemy's `row._mapping[User]` (typed lookups take columns only). */
const entityRef = (cls: object): ColumnElement<unknown, string> => cls as ColumnElement<unknown, string>;
const fold = (s: string): string => s.replace(/\s*\n\s*/g, " ");

describe.each(dialectTargets())("ORM results looked up by attribute and column on $name", (target) => {
  let db: Db;
  const U = User.__table__.name;
  const A = Address.__table__.name;
  beforeAll(async () => {
    db = await openDb(target, M.Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [
        { id: 1, name: "sandy", fullname: null },
        { id: 2, name: "patrick", fullname: null },
      ]);
      await conn.execute(insert(Address.__table__), [
        { id: 7, email: "s1@x", userId: 1 },
        { id: 8, email: "p1@x", userId: 2 },
        { id: 9, email: "s2@x", userId: 1 },
      ]);
      await conn.execute(insert(Order.__table__), [{ id: 5, userId: 2, description: "o5" }]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("select(User.id, Address.id): keys ['id', 'id']; row._mapping.get() by attribute or table column; 'id' is ambiguous", async () => {
    await using s = db.session();
    db.counting.reset();
    const res = await s.execute(select(User.id, Address.id).join(User.addresses).orderBy(Address.id));
    expect(db.selects().map(fold)).toEqual([`SELECT ${U}.id, ${A}.id AS id_1 FROM ${U} JOIN ${A} ON ${U}.id = ${A}.user_id ORDER BY ${A}.id`]);
    expect(res.keys()).toEqual(["id", "id"]);
    const rows = res.all();
    expect(rows.map((r) => [r._mapping.get(User.id), r._mapping.get(Address.id)])).toEqual([[1, 7], [2, 8], [1, 9]]);
    expect(rows.map((r) => [r._mapping.get(User.__table__.c.id), r._mapping.get(Address.__table__.c.id)])).toEqual([[1, 7], [2, 8], [1, 9]]);
    expect(() => rows[0]._mapping.get("id")).toThrow(InvalidRequestError);
    expect(() => rows[0]._mapping.get("id")).toThrow("Ambiguous column name 'id'");
    // A column the statement does not select is not found by object either.
    expect(() => rows[0]._mapping.get(Address.email)).toThrow(NoSuchColumnError);
    expect(() => rows[0]._mapping.get(Address.email)).toThrow(/Could not locate column in row for column attribute '.*Address\.email'/);
  });

  it("result.columns() and result.scalars() take ORM attributes and table columns", async () => {
    await using s = db.session();
    const stmt = select(User.id, Address.id).join(User.addresses).orderBy(Address.id);
    expect((await s.execute(stmt)).columns(Address.id, User.id).all().map((r) => [...r])).toEqual([[7, 1], [8, 2], [9, 1]]);
    expect((await s.execute(stmt)).scalars(Address.id).all()).toEqual([7, 8, 9]);
    expect((await s.execute(stmt)).scalars(User.__table__.c.id).all()).toEqual([1, 2, 1]);
    // A projection keeps the object lookup of the columns it keeps.
    const projected = (await s.execute(stmt)).columns(Address.id).all();
    expect(projected.map((r) => r._mapping.get(Address.id))).toEqual([7, 8, 9]);
    expect(() => projected[0]._mapping.get(User.id)).toThrow(NoSuchColumnError);
  });

  it("entity rows: the entity class addresses its slot, columns next to it by attribute", async () => {
    await using s = db.session();
    db.counting.reset();
    const res = await s.execute(select(User, Address.email).join(User.addresses).orderBy(Address.id));
    expect(db.selects().map(fold)).toEqual([
      `SELECT ${U}.id, ${U}.name, ${U}.fullname, ${U}.name || $1 || coalesce(${U}.fullname, $2) AS anon_1, ${A}.email_address FROM ${U} JOIN ${A} ON ${U}.id = ${A}.user_id ORDER BY ${A}.id`
        .replace(/\$\d/g, (m) => (target.dialect === "postgresql" ? m : "?")),
    ]);
    expect(res.keys()).toEqual(["User", "email"]);
    const rows = res.all();
    expect(rows.map((r) => [(r._mapping.get(entityRef(User)) as InstanceType<typeof User>).name, r._mapping.get(Address.email)])).toEqual([
      ["sandy", "s1@x"],
      ["patrick", "p1@x"],
      ["sandy", "s2@x"],
    ]);
    expect(rows[0]._mapping.get(entityRef(User))).toBe(rows[2]._mapping.get(entityRef(User)));
    expect(rows.map((r) => r._mapping.get(Address.__table__.c.email))).toEqual(["s1@x", "p1@x", "s2@x"]);
    expect(() => rows[0]._mapping.get(entityRef(Address))).toThrow(NoSuchColumnError);
  });

  it("an aliased entity's attributes address their own slot, apart from the class's", async () => {
    await using s = db.session();
    const other = aliased(Address, "other");
    const res = await s.execute(
      select(Address.id, other.id).join(other, other.userId.eq(Address.userId)).where(other.id.ne(Address.id)).orderBy(Address.id),
    );
    expect(res.keys()).toEqual(["id", "id"]);
    const rows = res.all();
    expect(rows.map((r) => [r._mapping.get(Address.id), r._mapping.get(other.id)])).toEqual([[7, 9], [9, 7]]);
    expect(rows.map((r) => r._mapping.get(Address.__table__.c.id))).toEqual([7, 9]);
  });

  it("statements with the same keys never share targets: select(User.id) and select(Order.id), with and without options", async () => {
    await using s = db.session();
    const first = (await s.execute(select(User.id).orderBy(User.id))).all();
    const second = (await s.execute(select(Order.id).orderBy(Order.id))).all();
    expect(first.map((r) => r._mapping.get(User.id))).toEqual([1, 2]);
    expect(second.map((r) => r._mapping.get(Order.id))).toEqual([5]);
    expect(() => second[0]._mapping.get(User.id)).toThrow(NoSuchColumnError);
    expect(() => first[0]._mapping.get(Order.id)).toThrow(NoSuchColumnError);
    // With loader options the layout is planned per statement: targets still follow the statement.
    const withOpts = (await s.execute(select(Order.id).options(raiseload("*")))).all();
    expect(withOpts.map((r) => r._mapping.get(Order.__table__.c.id))).toEqual([5]);
    expect(() => withOpts[0]._mapping.get(User.__table__.c.id)).toThrow(NoSuchColumnError);
  });

  it("one metadata object per statement shape (row classes are cached per metadata), distinct for distinct targets", () => {
    const plan = (stmt: unknown) => planOrmSelect(stmt as Select);
    expect(plan(select(User.id, Address.id)).meta).toBe(plan(select(User.id, Address.id).where(User.id.eq(1))).meta);
    // Planned afresh each time (options), still one metadata object.
    const opt = () => plan(select(User).options(selectinload(User.addresses))).meta;
    expect(opt()).toBe(opt());
    expect(plan(select(User.id)).meta.keys).toEqual(plan(select(Order.id)).meta.keys);
    expect(plan(select(User.id)).meta).not.toBe(plan(select(Order.id)).meta);
    expect(plan(select(User.id, Address.id)).meta.targets).toEqual([[User.id, User.__table__.c.id], [Address.id, Address.__table__.c.id]]);
  });

  it("streamed ORM results look columns up by object too", async () => {
    await using s = db.session();
    const res = await s.stream(select(User.id, Address.id).join(User.addresses).orderBy(Address.id).executionOptions({ yieldPer: 2 }));
    const got: unknown[][] = [];
    for await (const r of res) got.push([r._mapping.get(Address.id), r._mapping.get(User.__table__.c.id)]);
    expect(got).toEqual([[7, 1], [8, 2], [9, 1]]);
    const scalars = await s.stream(select(User.id, Address.id).join(User.addresses).orderBy(Address.id));
    expect(await scalars.scalars(Address.id).all()).toEqual([7, 8, 9]);
  });
});

/**
 * `select(User).fromStatement(stmt)` (SQLAlchemy's `Select.from_statement()`), ported from
 * test/orm/test_query.py (TextTest, test_invalid_from_statement), test/orm/test_eager_relations.py
 * (test_from_statement, test_from_statement_contains_eager), test/orm/test_deferred.py
 * (test_locates_col_rowproc_only) and test/orm/inheritance/test_single.py
 * (test_from_statement_select): entities loaded from the rows of a text(), a textual SELECT or
 * a Core / ORM SELECT run as given, on PostgreSQL and SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError, column, containsEager, Integer, joinedload, NoSuchColumnError, select, selectinload, String, text, UnloadedAttributeError,
} from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { PGDialect } from "../../../src/dialects/postgresql/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";
import { stdFixtures } from "../query/sa3-models.js";
import { defineSingleInhModels } from "../mapping/single-inh-fixtures.js";

describe("fromStatement() SQL", () => {
  const { EMP, Engineer } = defineSingleInhModels("sa5ffs");
  const pg = new PGDialect();
  const sql = (stmt: Parameters<typeof planOrmSelect>[0]): string => planOrmSelect(stmt).stmt.compile({ dialect: pg }).sql.replace(/\s*\n\s*/g, " ");

  it("test_from_statement_select: an ORM select given to fromStatement() is planned as itself", () => {
    expect(sql(select(Engineer).fromStatement(select(Engineer)))).toBe(
      `SELECT ${EMP}.employee_id, ${EMP}.name, ${EMP}.type, ${EMP}.engineer_info FROM ${EMP} WHERE ${EMP}.type IN (__[POSTCOMPILE_type_1])`,
    );
  });

  it("a textual SELECT with columns runs as written", () => {
    const t = text(`SELECT employee_id, name, type FROM ${EMP}`).columns(column("employee_id", Integer), column("name", String()), column("type", String()));
    expect(sql(select(Engineer).fromStatement(t))).toBe(`SELECT employee_id, name, type FROM ${EMP}`);
  });

  it("test_invalid_from_statement: an expression or a join is not a statement", () => {
    const { Employee } = defineSingleInhModels("sa5ffs2");
    expect(() => select(Employee).fromStatement(Employee.employeeId.eq(5) as never)).toThrow(ArgumentError);
    expect(() => select(Employee).fromStatement(Employee.__table__.join(Employee.__table__.alias()) as never)).toThrow(ArgumentError);
  });
});

describe.each(dialectTargets())("fromStatement() on the standard fixture on $name", (target) => {
  const p = uniqueName("sa5ffs");
  const f = stdFixtures(`${p}_`);
  const { User, Address } = f;
  const users = User.__table__;
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, f.Base);
    await db.engine.begin((conn) => f.insertData(conn));
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("TextTest.test_select_star: text() matched to the entity's columns by name", async () => {
    await using s = db.session();
    db.counting.reset();
    const all = (await s.scalars(select(User).fromStatement(text(`select * from ${p}_users order by id`)))).all();
    expect(all.map((u) => [u.id, u.name])).toEqual([[7, "jack"], [8, "ed"], [9, "fred"], [10, "chuck"]]);
    expect(db.selects()).toHaveLength(1);
    // Identity map: the same objects for a second statement.
    const again = await s.scalars(select(User).fromStatement(text(`select name, id from ${p}_users where id = 8`)));
    expect(again.one()).toBe(all[1]);
  });

  it("text() with its columns in another order than the mapping", async () => {
    await using s = db.session();
    const u = (await s.scalars(select(User).fromStatement(text(`select name, id from ${p}_users where id = :id`).bindparams({ id: 9 })))).one();
    expect([u.id, u.name]).toEqual([9, "fred"]);
  });

  it("TextTest.test_via_textasfrom_from_statement: text().columns() with the table's columns", async () => {
    await using s = db.session();
    const t = text(`select id, name from ${p}_users order by id`).columns(users.c.id, users.c.name);
    const all = (await s.scalars(select(User).fromStatement(t))).all();
    expect(all.map((u) => [u.id, u.name])).toEqual([[7, "jack"], [8, "ed"], [9, "fred"], [10, "chuck"]]);
  });

  it("column entities read from a text()", async () => {
    await using s = db.session();
    const rows = (await s.execute(select(User.name, User.id).fromStatement(text(`select id, name from ${p}_users where id < 9 order by id`)))).all();
    expect(rows.map((r) => [...r])).toEqual([["jack", 7], ["ed", 8]]);
  });

  it("a Core select of the table: its columns matched by lineage", async () => {
    await using s = db.session();
    const stmt = select(users.c.name, users.c.id).where(users.c.id.eq(10));
    const u = (await s.scalars(select(User).fromStatement(stmt))).one();
    expect([u.id, u.name]).toEqual([10, "chuck"]);
  });

  it("labelled columns of a Core select match through their labels", async () => {
    await using s = db.session();
    const stmt = select(users.c.id.label("uid"), users.c.name.label("uname")).where(users.c.id.eq(8));
    const u = (await s.scalars(select(User).fromStatement(stmt))).one();
    expect([u.id, u.name]).toEqual([8, "ed"]);
  });

  it("test_from_statement (eager): joinedload cannot join into the statement; the collection loads with a second SELECT", async () => {
    await using s = db.session();
    db.counting.reset();
    const ret = (await s.scalars(select(User).fromStatement(select(User).where(User.id.eq(7))).options(joinedload(User.addresses)))).all();
    expect(ret.map((u) => [u.id, u.addresses.map((a) => [a.id, a.email_address])])).toEqual([[7, [[1, "jack@bean.com"]]]]);
    expect(db.selects()).toHaveLength(2);
    expect(f.sqlText(db.selects()[0])).toMatch(/^SELECT users\.id, users\.name FROM users WHERE users\.id = (\?|\$1)$/);
  });

  it("selectinload applies as usual", async () => {
    await using s = db.session();
    db.counting.reset();
    const ret = (await s.scalars(select(User).fromStatement(text(`select * from ${p}_users where id = 8`)).options(selectinload(User.addresses)))).all();
    expect(ret[0].addresses.map((a) => a.id)).toEqual([2, 3, 4]);
    expect(db.selects()).toHaveLength(2);
  });

  it("test_from_statement_contains_eager: the collection comes from the statement's own columns", async () => {
    await using s = db.session();
    db.counting.reset();
    const stmt = select(User, Address).where(User.id.eq(8)).join(User.addresses).orderBy(Address.id);
    const ret = (await s.scalars(select(User).fromStatement(stmt).options(containsEager(User.addresses)))).unique().all();
    expect(ret.map((u) => [u.id, u.addresses.map((a) => [a.id, a.email_address])])).toEqual([
      [8, [[2, "ed@wood.com"], [3, "ed@bettyboop.com"], [4, "ed@lala.com"]]],
    ]);
    expect(db.selects()).toHaveLength(1);
  });

  it("test_locates_col_rowproc_only: a column the statement lacks stays unloaded", async () => {
    await using s = db.session();
    const a = (await s.scalars(select(Address).fromStatement(select(Address.__table__.c.id, Address.__table__.c.user_id).where(Address.__table__.c.id.eq(5))))).one();
    expect([a.id, a.user_id]).toEqual([5, 9]);
    expect(() => a.email_address).toThrow(UnloadedAttributeError);
  });

  it("a statement without the entity's primary key raises NoSuchColumnError", async () => {
    await using s = db.session();
    await expect(s.execute(select(User).fromStatement(select(users.c.name)))).rejects.toThrow(
      new NoSuchColumnError(`Could not locate column in row for column '${p}_users.id'`),
    );
  });
});

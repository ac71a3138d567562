/**
 * SQLAlchemy test/sql/test_insert.py, test_update.py and test_delete.py (compile parts), ported
 * by behaviour: VALUES and SET from dicts, column-keyed maps and bindparam(), literal binds,
 * INSERT…SELECT, correlated SET subqueries, multi-table DELETE per dialect and its correlation.
 */
import { describe, expect, it } from "vitest";
import { ColumnClause, bindparam, column, delete_, exists, func, insert, literal, not, select, table, update } from "../../../src/index.js";
import { assertCompile, mytable, myothertable } from "./helpers.js";

const t1 = mytable;
const t2 = myothertable;

describe("INSERT (test_insert.py)", () => {
  it("values from a dict, named and literal", () => {
    assertCompile(insert(t1).values({ myid: 3, name: "jack" }), "INSERT INTO mytable (myid, name) VALUES (:myid, :name)", { params: { myid: 3, name: "jack" } });
    assertCompile(insert(t1).values({ myid: 3, name: "jack" }), "INSERT INTO mytable (myid, name) VALUES (3, 'jack')", { literalBinds: true });
    assertCompile(insert(t2).values([{ othername: "foo" }, { othername: "bar" }]), "INSERT INTO myothertable (othername) VALUES ('foo'), ('bar')", { literalBinds: true });
  });
  it("a SQL function as a value", () => {
    assertCompile(insert(t1).values({ myid: func.lala() }), "INSERT INTO mytable (myid) VALUES (lala())");
  });
  it("user-supplied bind parameters, keyed by column objects, over two values() calls", () => {
    assertCompile(insert(t1).values(new Map<ColumnClause<unknown, string>, unknown>([[t1.c.myid, bindparam("userid")], [t1.c.name, bindparam("username")]])), "INSERT INTO mytable (myid, name) VALUES (:userid, :username)");
    assertCompile(insert(t1).values(new Map([[t1.c.myid, bindparam("userid")]])).values(new Map([[t1.c.name, bindparam("username")]])), "INSERT INTO mytable (myid, name) VALUES (:userid, :username)");
  });
  it("a column of another table as a key raises", () => {
    expect(() => insert(t1).values(new Map([[t2.c.otherid, 5]]))).toThrow(/is not a column of table 'mytable'/);
  });
  it("a bindparam named after another column", () => {
    const foo = table("foo", column("x"), column("y"));
    assertCompile(insert(foo).values({ x: bindparam("y") }), "INSERT INTO foo (x) VALUES (:y)");
  });
  it("INSERT … SELECT", () => {
    assertCompile(
      insert(t2).fromSelect(["otherid", "othername"], select(t1.c.myid, t1.c.name).where(t1.c.name.eq("foo"))),
      "INSERT INTO myothertable (otherid, othername) SELECT mytable.myid, mytable.name FROM mytable WHERE mytable.name = :name_1",
      { params: { name_1: "foo" } },
    );
  });
});

describe("UPDATE (test_update.py)", () => {
  it("SET from a dict, with WHERE and bindparam()", () => {
    assertCompile(update(t1).where(t1.c.myid.eq(7)).values({ name: "foo" }), "UPDATE mytable SET name=:name WHERE mytable.myid = :myid_1", { params: { name: "foo", myid_1: 7 } });
    assertCompile(update(t1).where(t1.c.name.eq(bindparam("crit"))).values({ name: "hi" }), "UPDATE mytable SET name=:name WHERE mytable.name = :crit");
    assertCompile(update(t1).values(new Map([[t1.c.name, "x"]])), "UPDATE mytable SET name=:name", { params: { name: "x" } });
  });
  it("a scalar subquery in SET correlates to the target table", () => {
    assertCompile(
      update(t1).values({ name: select(t2.c.othername).where(t2.c.otherid.eq(t1.c.myid)).scalarSubquery() }),
      "UPDATE mytable SET name=(SELECT myothertable.othername FROM myothertable WHERE myothertable.otherid = mytable.myid)",
    );
  });
  it("RETURNING labels an anonymous function", () => {
    assertCompile(update(t1).values({ name: "x" }).returning(t1.c.myid, func.lower(t1.c.name)), "UPDATE mytable SET name=$1 RETURNING mytable.myid, lower(mytable.name) AS lower_1", { dialect: "postgresql" });
  });
  it("UPDATE … FROM for other tables in WHERE", () => {
    assertCompile(update(t1).values({ name: "x" }).where(t1.c.myid.eq(t2.c.otherid)), "UPDATE mytable SET name=:name FROM myothertable WHERE mytable.myid = myothertable.otherid");
  });
});

describe("DELETE (test_delete.py)", () => {
  it("plain, with WHERE and with an IN subquery", () => {
    assertCompile(delete_(t1), "DELETE FROM mytable");
    assertCompile(delete_(t1).where(t1.c.myid.eq(7)).where(t1.c.name.eq("x")), "DELETE FROM mytable WHERE mytable.myid = :myid_1 AND mytable.name = :name_1");
    assertCompile(
      delete_(t1).where(t1.c.myid.in(select(t2.c.otherid).where(t2.c.othername.eq("x")))),
      "DELETE FROM mytable WHERE mytable.myid IN (SELECT myothertable.otherid FROM myothertable WHERE myothertable.othername = :othername_1)",
    );
  });
  it("test_delete_extra_froms: the display dialect lists the tables, PostgreSQL says USING", () => {
    const stmt = delete_(t1).where(t1.c.myid.eq(t2.c.otherid));
    assertCompile(stmt, "DELETE FROM mytable , myothertable WHERE mytable.myid = myothertable.otherid");
    assertCompile(stmt, "DELETE FROM mytable USING myothertable WHERE mytable.myid = myothertable.otherid", { dialect: "postgresql" });
  });
  it("test_correlation_to_extra / test_dont_correlate_to_extra", () => {
    const base = delete_(t1).where(t1.c.myid.eq(t2.c.otherid));
    const ex = exists().where(t2.c.otherid.eq(t1.c.myid)).where(t2.c.othername.eq("x"));
    assertCompile(
      base.where(not(ex.correlate(t2))),
      "DELETE FROM mytable , myothertable WHERE mytable.myid = myothertable.otherid AND NOT (EXISTS (SELECT * FROM mytable WHERE myothertable.otherid = mytable.myid AND myothertable.othername = :othername_1))",
    );
    assertCompile(
      base.where(not(ex.correlate())),
      "DELETE FROM mytable , myothertable WHERE mytable.myid = myothertable.otherid AND NOT (EXISTS (SELECT * FROM myothertable, mytable WHERE myothertable.otherid = mytable.myid AND myothertable.othername = :othername_1))",
    );
  });
  it("test_autocorrelate_error", () => {
    const stmt = delete_(t1).where(t1.c.myid.eq(t2.c.otherid)).where(not(exists().where(t2.c.otherid.eq(t1.c.myid)).where(t2.c.othername.eq("x"))));
    expect(() => stmt.compile()).toThrow(/returned no FROM clauses due to auto-correlation/);
  });
  it("a literal in WHERE with literal binds", () => {
    assertCompile(delete_(t1).where(t1.c.myid.eq(literal(5))), "DELETE FROM mytable WHERE mytable.myid = 5", { literalBinds: true });
  });
});

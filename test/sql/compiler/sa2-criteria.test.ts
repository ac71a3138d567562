/**
 * SQLAlchemy 2.0 criteria joining and correlation, ported by behaviour from test/sql/test_operators.py
 * (true()/false() in chained WHERE) and test_compiler.py (auto-correlation of scalar subqueries).
 */
import { describe, expect, it } from "vitest";
import { CompileError, InvalidRequestError, column, delete_, exists, false_, func, not, select, table, true_, update } from "../../../src/index.js";
import { assertCompile, mytable } from "./helpers.js";

const t = mytable;

describe("chained WHERE criteria join like and_()", () => {
  it("a true_() among other criteria is dropped", () => {
    assertCompile(select(t.c.myid).where(t.c.myid.eq(1)).where(true_()), "SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1");
    assertCompile(select(t.c.myid).where(true_()).where(t.c.myid.eq(1)), "SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1");
  });
  it("true_() alone stays", () => {
    assertCompile(select(t.c.myid).where(true_()), "SELECT mytable.myid FROM mytable WHERE true");
    assertCompile(select(t.c.myid).where(true_()).where(true_()), "SELECT mytable.myid FROM mytable WHERE true");
  });
  it("a false_() wins", () => {
    assertCompile(select(t.c.myid).where(t.c.myid.eq(1)).where(false_()), "SELECT mytable.myid FROM mytable WHERE false");
    assertCompile(select(t.c.myid).where(t.c.myid.eq(1)).where(false_()), "SELECT mytable.myid FROM mytable WHERE 0", { dialect: "sqlite" });
  });
  it("HAVING, UPDATE and DELETE criteria join the same way", () => {
    assertCompile(select(t.c.name, func.count()).groupBy(t.c.name).having(func.count().gt(1)).having(true_()), "SELECT mytable.name, count(*) AS count_1 FROM mytable GROUP BY mytable.name HAVING count(*) > :count_2");
    assertCompile(update(t).values({ name: "x" }).where(t.c.myid.eq(1)).where(true_()), "UPDATE mytable SET name=:name WHERE mytable.myid = :myid_1");
    assertCompile(delete_(t).where(true_()).where(t.c.myid.eq(1)), "DELETE FROM mytable WHERE mytable.myid = :myid_1");
  });
});

describe("auto-correlation only with more than one FROM", () => {
  const t2 = table("myothertable", column("otherid"), column("othername"));
  it("a scalar subquery of the enclosing table alone is uncorrelated", () => {
    assertCompile(select(t).where(t.c.myid.eq(select(t.c.myid).scalarSubquery())), "SELECT mytable.myid, mytable.name, mytable.description FROM mytable WHERE mytable.myid = (SELECT mytable.myid FROM mytable)");
  });
  it("a subquery of two FROMs correlates the enclosing one", () => {
    const sub = select(t2.c.otherid).where(t2.c.otherid.eq(t.c.myid)).scalarSubquery();
    assertCompile(select(t.c.name).where(t.c.myid.eq(sub)), "SELECT mytable.name FROM mytable WHERE mytable.myid = (SELECT myothertable.otherid FROM myothertable WHERE myothertable.otherid = mytable.myid)");
  });
  it("correlating every FROM raises", () => {
    const sub = select(t.c.myid).where(t2.c.otherid.eq(t.c.myid));
    expect(() => select(t, t2).where(t2.c.otherid.eq(sub.scalarSubquery())).compile()).toThrow(InvalidRequestError);
    const del = delete_(t).where(t.c.myid.eq(t2.c.otherid)).where(not(exists().where(t2.c.otherid.eq(t.c.myid)).where(t2.c.othername.eq("x"))));
    expect(() => del.compile()).toThrow(/returned no FROM clauses due to auto-correlation/);
  });
  it("an explicit correlate() applies to a single FROM", () => {
    assertCompile(select(t.c.name).where(t.c.myid.eq(select(t.c.myid).correlate(t).scalarSubquery())), "SELECT mytable.name FROM mytable WHERE mytable.myid = (SELECT mytable.myid)");
  });
});

/**
 * SQLAlchemy test/sql/test_case_statement.py and test/sql/test_text.py (compile parts), ported
 * by behaviour: CASE in both calling forms, textual clauses with bound parameters, and
 * `text().columns()` as a subquery.
 */
import { describe, expect, it } from "vitest";
import { Integer, String, bindparam, case_, column, func, literalColumn, select, table, text } from "../../../src/index.js";
import { assertCompile, compile, mytable } from "./helpers.js";

const t = table("test", column("col1"));

describe("CASE (test_case_statement.py)", () => {
  it("SQLAlchemy 2.0 positional WHEN pairs, with else_ and value", () => {
    const pk = column("pk", Integer());
    assertCompile(
      case_([pk.lt(3), "lessthan3"], [pk.ge(3), "gt3"], { else_: "other" }),
      "CASE WHEN (pk < :pk_1) THEN :param_1 WHEN (pk >= :pk_2) THEN :param_2 ELSE :param_3 END",
      { params: { pk_1: 3, param_1: "lessthan3", pk_2: 3, param_2: "gt3", param_3: "other" } },
    );
    assertCompile(case_([pk.lt(3), "x"]), "CASE WHEN (pk < :pk_1) THEN :param_1 END", { params: { pk_1: 3, param_1: "x" } });
  });
  it("the list form and the positional form compile the same", () => {
    const w1: [ReturnType<typeof t.c.col1.eq>, string] = [t.c.col1.eq(7), "x"];
    const w2: [ReturnType<typeof t.c.col1.eq>, string] = [t.c.col1.eq(10), "y"];
    expect(compile(case_<string | number>([w1, w2], { else_: 10 })).sql).toBe(compile(case_<string | number>(w1, w2, { else_: 10 })).sql);
  });
  it("a record of results by value", () => {
    assertCompile(case_({ x: "y", p: "q" }, { value: t.c.col1 }), "CASE test.col1 WHEN :param_1 THEN :param_2 WHEN :param_3 THEN :param_4 END");
  });
  it("text() and function results (#7287)", () => {
    assertCompile(
      case_([text(":case = 'upper'"), func.upper(literalColumn("q"))], { else_: func.lower(literalColumn("q")) }),
      "CASE WHEN :case = 'upper' THEN upper(q) ELSE lower(q) END",
    );
  });
});

describe("text() (test_text.py)", () => {
  it("binds by name and leaves escaped or time-like colons alone", () => {
    assertCompile(text("select * from foo where lala = :bar").bindparams({ bar: 4 }), "select * from foo where lala = :bar", { params: { bar: 4 } });
    assertCompile(text("select * from foo where clock='05:06:07'"), "select * from foo where clock='05:06:07'");
    assertCompile(text("select * from foo where lala = :bar").bindparams({ bar: 4 }), "select * from foo where lala = $1", { dialect: "postgresql", positional: [4] });
  });
  it("a repeated name is one parameter", () => {
    const c = compile(text("select :x, :x from foo").bindparams({ x: 1 }));
    expect(c.sql).toBe("select :x, :x from foo");
    expect(c.params).toEqual({ x: 1 });
  });
  it("bindparams() with BindParameter objects", () => {
    assertCompile(text("select * from foo where a = :a").bindparams([bindparam("a", 5)]), "select * from foo where a = :a", { params: { a: 5 } });
  });
  it("text().columns() as a named subquery", () => {
    const ts = text("select a, b from t").columns(column("a", Integer()), column("b", String())).subquery("x");
    assertCompile(select(ts.c.a, ts.c.b), "SELECT x.a, x.b FROM (select a, b from t) AS x");
    assertCompile(select(ts.c.a).where(ts.c.b.eq("q")), "SELECT x.a FROM (select a, b from t) AS x WHERE x.b = :b_1", { params: { b_1: "q" } });
  });
  it("text() as a WHERE criterion mixed with expressions", () => {
    assertCompile(
      select(mytable.c.myid).where(text("mytable.myid = :id")).where(mytable.c.name.eq("x")),
      "SELECT mytable.myid FROM mytable WHERE mytable.myid = :id AND mytable.name = :name_1",
    );
  });
});

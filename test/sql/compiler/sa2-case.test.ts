/**
 * SQLAlchemy 2.0 CASE rendering, ported by behaviour from test/sql/test_case_statement.py:
 * WHEN criteria are grouped and literal WHEN values of `CASE <value>` are anonymous `:param_N`.
 */
import { describe, it } from "vitest";
import { and, case_, column, select, table } from "../../../src/index.js";
import { assertCompile } from "./helpers.js";

const t = table("test", column("col1"), column("col2"));

describe("CASE", () => {
  it("a literal WHEN value of CASE <value> is :param_N", () => {
    assertCompile(case_(["x", "y"], { value: t.c.col1 }), "CASE test.col1 WHEN :param_1 THEN :param_2 END", { params: { param_1: "x", param_2: "y" } });
    assertCompile(case_({ x: "y", p: "q" }, { value: t.c.col1 }), "CASE test.col1 WHEN :param_1 THEN :param_2 WHEN :param_3 THEN :param_4 END");
  });
  it("a WHEN criterion is parenthesised", () => {
    assertCompile(case_([t.c.col1.eq(7), "y"], { else_: "z" }), "CASE WHEN (test.col1 = :col1_1) THEN :param_1 ELSE :param_2 END", { params: { col1_1: 7, param_1: "y", param_2: "z" } });
    assertCompile(
      case_<string | number>([[t.c.col1.eq(7), "x"], [t.c.col1.eq(10), "y"]], { else_: 10 }),
      "CASE WHEN (test.col1 = :col1_1) THEN :param_1 WHEN (test.col1 = :col1_2) THEN :param_2 ELSE :param_3 END",
    );
  });
  it("AND of criteria is grouped once; a bare column is not grouped", () => {
    assertCompile(case_([and(t.c.col1.eq(1), t.c.col2.eq(2)), "a"]), "CASE WHEN (test.col1 = :col1_1 AND test.col2 = :col2_1) THEN :param_1 END");
    assertCompile(case_([t.c.col1, "a"]), "CASE WHEN test.col1 THEN :param_1 END");
  });
  it("in a SELECT list on PostgreSQL", () => {
    assertCompile(select(case_([t.c.col1.gt(5), "big"], { else_: "small" })), "SELECT CASE WHEN (test.col1 > $1::INTEGER) THEN $2 ELSE $3 END AS anon_1 FROM test", { dialect: "postgresql", positional: [5, "big", "small"] });
  });
});

/**
 * SQLAlchemy's test/dialect/sqlite/test_compiler.py SQLTest / RegexpTest, non-DDL cases:
 * EXTRACT as STRFTIME, true/false as 1/0, IS [NOT] DISTINCT FROM as IS [NOT], REGEXP, and the
 * refused regexp_replace.
 */
import { describe, expect, it } from "vitest";
import { CompileError, String as StringT, column, extract, false_, literal, not, select, table, true_, tuple_ } from "../../../src/index.js";
import { assertCompile, compile } from "./helpers.js";

const sqlite = { dialect: "sqlite" } as const;

describe("SQLTest (sqlite test_compiler.py)", () => {
  it("test_extract", () => {
    const t = table("t", column("col1"));
    const mapping: Record<string, string> = {
      month: "%m", day: "%d", year: "%Y", second: "%S", hour: "%H", doy: "%j", minute: "%M", epoch: "%s", dow: "%w", week: "%W",
    };
    for (const [field, subst] of Object.entries(mapping)) {
      assertCompile(select(extract(field, t.c.col1)), `SELECT CAST(STRFTIME('${subst}', t.col1) AS INTEGER) AS anon_1 FROM t`, sqlite);
    }
  });
  it("test_true_false", () => {
    assertCompile(false_(), "0", sqlite);
    assertCompile(true_(), "1", sqlite);
  });
  it("test_is_distinct_from", () => {
    assertCompile(column("x").isDistinctFrom(null), "x IS NOT NULL", sqlite);
    assertCompile(column("x").isNotDistinctFrom(false), "x IS 0", sqlite);
  });
  it("test_in_tuple", () => {
    const c = compile(tuple_(column("q"), column("p")).in([[1, 2], [3, 4]]), "sqlite");
    expect(c.sql).toBe("(q, p) IN (__[POSTCOMPILE_param_1])");
    assertCompile(tuple_(column("q"), column("p")).in([[1, 2], [3, 4]]), "(q, p) IN ((?, ?), (?, ?))", { ...sqlite, renderPostcompile: true, positional: [1, 2, 3, 4] });
  });
});

describe("RegexpTest (sqlite test_compiler.py)", () => {
  const t = table("mytable", column("myid", StringT()), column("name", StringT()));
  it("test_regexp_match", () => {
    assertCompile(t.c.myid.regexpMatch("pattern"), "mytable.myid REGEXP ?", { ...sqlite, positional: ["pattern"] });
  });
  it("test_regexp_match_column", () => {
    assertCompile(t.c.myid.regexpMatch(t.c.name), "mytable.myid REGEXP mytable.name", { ...sqlite, positional: [] });
  });
  it("test_regexp_match_str", () => {
    assertCompile(literal("string").regexpMatch(t.c.name), "? REGEXP mytable.name", { ...sqlite, positional: ["string"] });
  });
  it("test_not_regexp_match", () => {
    assertCompile(not(t.c.myid.regexpMatch("pattern")), "mytable.myid NOT REGEXP ?", { ...sqlite, positional: ["pattern"] });
  });
  it("test_not_regexp_match_column", () => {
    assertCompile(not(t.c.myid.regexpMatch(t.c.name)), "mytable.myid NOT REGEXP mytable.name", { ...sqlite, positional: [] });
  });
  it("test_not_regexp_match_str", () => {
    assertCompile(not(literal("string").regexpMatch(t.c.name)), "? NOT REGEXP mytable.name", { ...sqlite, positional: ["string"] });
  });
  it("test_regexp_replace", () => {
    expect(() => compile(t.c.myid.regexpReplace("pattern", "rep"), "sqlite")).toThrow(CompileError);
    expect(() => compile(t.c.myid.regexpReplace("pattern", "rep"), "sqlite")).toThrow(/sqlite dialect does not support regular expression replacements/);
  });
});

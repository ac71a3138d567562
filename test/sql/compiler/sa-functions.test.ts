/**
 * SQLAlchemy test/sql/test_functions.py (compile parts), ported by behaviour: function naming
 * (reserved-word underscores, packages, quoting, case), ANSI functions without parentheses,
 * anonymous labels and bind names, FILTER / OVER / WITHIN GROUP, and aggregate_strings().
 */
import { describe, expect, it } from "vitest";
import { ArgumentError, Float, Integer, LABEL_STYLE_TABLENAME_PLUS_COL, String, column, func, select, table } from "../../../src/index.js";
import { assertCompile, compile, mytable } from "./helpers.js";

const f = func as unknown as Record<string, (...a: unknown[]) => never> & Record<string, Record<string, Record<string, (...a: unknown[]) => never>>>;
const t1 = table("mytable", column("myid", Integer()), column("name", String()), column("description", String()), column("myfloat", Float()));

describe("function names (test_functions.py CompileTest)", () => {
  it("ANSI functions render bare; unknown ones with parentheses", () => {
    for (const d of ["default", "postgresql", "sqlite"] as const) {
      assertCompile(func.current_timestamp(), "CURRENT_TIMESTAMP", { dialect: d });
      assertCompile(f.localtime!(), "LOCALTIME", { dialect: d });
      assertCompile(f.nosuchfunction!(), "nosuchfunction()", { dialect: d });
    }
  });
  it("a trailing underscore is dropped, in packages too", () => {
    assertCompile(f.if_!(), "if()");
    assertCompile(f.foo_!.bar_!.if_!(), "foo.bar.if()");
  });
  it("case is kept; other names are quoted", () => {
    assertCompile(f.UNREGISTERED_FN!(), "UNREGISTERED_FN()");
    assertCompile(f.FOO!.BAR!.NOW!(), "FOO.BAR.NOW()");
    assertCompile(f.SomeFunction!(), "SomeFunction()");
    assertCompile(f.Foo!.Bar!.SomeFunction!(), "Foo.Bar.SomeFunction()");
    assertCompile(f["im a function"]!(), '"im a function"()');
    assertCompile(f["im foo package"]!["im bar package"]!["im a function"]!(), '"im foo package"."im bar package"."im a function"()');
  });
  it("now() per dialect; random()", () => {
    assertCompile(func.now(), "CURRENT_TIMESTAMP", { dialect: "sqlite" });
    assertCompile(func.now(), "now()", { dialect: "postgresql" });
    assertCompile(func.random(), "random()", { dialect: "sqlite" });
    assertCompile(func.random(), "random()", { dialect: "postgresql" });
  });
  it("a function is labelled after its name, also in the tablename label style", () => {
    assertCompile(select(f.foo!()).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL), "SELECT foo() AS foo_1");
    assertCompile(select(f.lala!(mytable.c.myid, 5)), "SELECT lala(mytable.myid, :lala_2) AS lala_1 FROM mytable", { params: { lala_2: 5 } });
  });
  it("return types follow the arguments or the function", () => {
    expect(func.count().type.affinity).toBe("integer");
    expect(func.max(t1.c.myid).type.affinity).toBe("integer");
    expect(func.sum(t1.c.myfloat).type).toBe(t1.c.myfloat.type);
    expect(func.coalesce(t1.c.name, "x").type.affinity).toBe("string");
    expect(func.aggregate_strings(t1.c.name, ",").type.affinity).toBe("string");
  });
});

describe("aggregate_strings()", () => {
  const t = table("t", column("value", String()));
  it("renders per dialect with the separator inline", () => {
    assertCompile(select(func.aggregate_strings(t.c.value, ",")), "SELECT group_concat(t.value, ',') AS aggregate_strings_1 FROM t", { dialect: "sqlite", renderPostcompile: true });
    assertCompile(select(func.aggregate_strings(t.c.value, ",")), "SELECT string_agg(t.value, ',') AS aggregate_strings_1 FROM t", { dialect: "postgresql", renderPostcompile: true });
  });
  it("keeps the separator out of the cached SQL until execution", () => {
    const c = compile(select(func.aggregate_strings(t.c.value, ",")), "postgresql");
    expect(c.sql).toBe("SELECT string_agg(t.value, __[POSTCOMPILE_aggregate_strings_2]) AS aggregate_strings_1 \nFROM t");
    expect(c.construct(undefined, undefined).sql).toBe("SELECT string_agg(t.value, ',') AS aggregate_strings_1 \nFROM t");
  });
  it("needs a string separator", () => {
    expect(() => (func.aggregate_strings as (...a: unknown[]) => unknown)(t.c.value)).toThrow(ArgumentError);
    expect(() => (func.aggregate_strings as (...a: unknown[]) => unknown)(t.c.value, 5)).toThrow(ArgumentError);
  });
});

describe("FILTER, OVER and WITHIN GROUP", () => {
  it("FILTER, and FILTER under OVER", () => {
    assertCompile(select(func.count(t1.c.myid).filter(t1.c.name.eq("x"))), "SELECT count(mytable.myid) FILTER (WHERE mytable.name = :name_1) AS anon_1 FROM mytable");
    assertCompile(select(func.count().filter(t1.c.myid.gt(5))), "SELECT count(*) FILTER (WHERE mytable.myid > :myid_1) AS anon_1 FROM mytable");
    assertCompile(
      func.count(t1.c.myid).filter(t1.c.name.eq("x")).over({ partitionBy: t1.c.description }),
      "count(mytable.myid) FILTER (WHERE mytable.name = :name_1) OVER (PARTITION BY mytable.description)",
    );
  });
  it("OVER with PARTITION BY, ORDER BY and frames", () => {
    assertCompile(select(func.row_number().over({ orderBy: t1.c.myid })), "SELECT row_number() OVER (ORDER BY mytable.myid) AS anon_1 FROM mytable");
    assertCompile(select(func.max(t1.c.myid).over({ partitionBy: t1.c.name })), "SELECT max(mytable.myid) OVER (PARTITION BY mytable.name) AS anon_1 FROM mytable");
    assertCompile(select(t1.c.myid, func.row_number().over({ orderBy: t1.c.myid }).label("rn")), "SELECT mytable.myid, row_number() OVER (ORDER BY mytable.myid) AS rn FROM mytable");
    assertCompile(func.row_number().over({ orderBy: t1.c.myid, rows: [null, 0] }), "row_number() OVER (ORDER BY mytable.myid ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)");
    assertCompile(func.row_number().over({ orderBy: t1.c.myid, range: [-5, 10] }), "row_number() OVER (ORDER BY mytable.myid RANGE BETWEEN 5 PRECEDING AND 10 FOLLOWING)");
    assertCompile(func.row_number().over({ orderBy: t1.c.myid, rows: [1, null] }), "row_number() OVER (ORDER BY mytable.myid ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)");
  });
  it("WITHIN GROUP, under OVER", () => {
    assertCompile(
      select(func.percentile_cont(0.5).withinGroup(t1.c.myid.desc()).over({ partitionBy: t1.c.name })),
      "SELECT percentile_cont(:percentile_cont_1) WITHIN GROUP (ORDER BY mytable.myid DESC) OVER (PARTITION BY mytable.name) AS anon_1 FROM mytable",
    );
  });
});

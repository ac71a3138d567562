/**
 * SQLAlchemy's functions in FROM (test_lateral.py test_from_function, test_functions.py
 * TableValuedCompileTest / alias methods), and `quote=` on names (test_quote.py), ported where
 * athanor has the construct: `lateral(func…)`, `func….alias()`, `.column`, `columnValued()`,
 * `tableValued()`, and the quote flags of ColumnClause / TableClause.
 */
import { describe, expect, it } from "vitest";
import { ColumnClause, Integer, LABEL_STYLE_TABLENAME_PLUS_COL, TableClause, column, func, insert, lateral, select, table, true_, update } from "../../../src/index.js";
import { assertCompile } from "./helpers.js";

describe("LateralTest (test_lateral.py): functions", () => {
  const bookcases = table("bookcases", column("bookcase_id"), column("bookcase_owner_id"), column("bookcase_shelves"), column("bookcase_width"));

  it("test_from_function", () => {
    const srf = lateral(func.generate_series(1, bookcases.c.bookcase_shelves));
    assertCompile(
      select(bookcases).selectFrom(bookcases.join(srf, true_())),
      "SELECT bookcases.bookcase_id, bookcases.bookcase_owner_id, bookcases.bookcase_shelves, bookcases.bookcase_width " +
        "FROM bookcases JOIN LATERAL generate_series(:generate_series_1, bookcases.bookcase_shelves) AS anon_1 ON true",
    );
  });
  it("a named lateral function, its output column in the SELECT list", () => {
    const srf = lateral(func.generate_series(1, bookcases.c.bookcase_shelves), "shelf");
    assertCompile(
      select(bookcases.c.bookcase_id, srf.column).selectFrom(bookcases.join(srf, true_())),
      "SELECT bookcases.bookcase_id, shelf FROM bookcases JOIN LATERAL generate_series(:generate_series_1, bookcases.bookcase_shelves) AS shelf ON true",
    );
  });
});

describe("TableValuedCompileTest (test_functions.py)", () => {
  it("test_alias_method_two", () => {
    assertCompile(select("*").selectFrom(func.rows("foo").alias("bar")), "SELECT * FROM rows(:rows_1) AS bar");
  });
  it("test_select_method_three", () => {
    assertCompile(select(column("foo")).selectFrom(func.rows("foo").alias()), "SELECT foo FROM rows(:rows_1) AS anon_1");
  });
  it("test_scalar_alias_column", () => {
    const fn = func.scalar_strings(5).alias("x");
    assertCompile(select(fn.column), "SELECT x FROM scalar_strings(:scalar_strings_1) AS x");
  });
  it("test_column_valued_one", () => {
    assertCompile(select(func.unnest(["one", "two", "three", "four"]).columnValued()), "SELECT anon_1 FROM unnest(:unnest_1) AS anon_1");
  });
  it("test_column_valued_two", () => {
    const x = func.generate_series(1, 2).columnValued("x");
    const y = func.generate_series(3, 4).columnValued("y");
    assertCompile(
      select(x, y),
      "SELECT x, y FROM generate_series(:generate_series_1, :generate_series_2) AS x, generate_series(:generate_series_3, :generate_series_4) AS y",
    );
  });
  it("test_scalar_alias_multi_columns", () => {
    const x = func.generate_series(1, 2).alias("x");
    const y = func.generate_series(3, 4).alias("y");
    assertCompile(
      select(x.column, y.column),
      "SELECT x, y FROM generate_series(:generate_series_1, :generate_series_2) AS x, generate_series(:generate_series_3, :generate_series_4) AS y",
    );
  });
  it("test_table_valued_one", () => {
    const assets = table("assets", column("id", Integer()), column("data"));
    const fn = func.json_each(assets.c.data).tableValued("value");
    assertCompile(
      select(assets.c.id, fn.c.value).where(fn.c.value.eq(5)),
      "SELECT assets.id, anon_1.value FROM assets, json_each(assets.data) AS anon_1 WHERE anon_1.value = :value_1",
    );
  });
  it("test_table_valued_two", () => {
    const fn = func.json_each(column("doc")).tableValued(column("value", Integer()), "type");
    expect(fn.columnList.map((c) => c.name)).toEqual(["value", "type"]);
    expect(fn.c.value.type.compileType({ name: "postgresql" })).toBe("INTEGER");
    assertCompile(select(fn.c.value, fn.c.type).where(fn.c.value.gt(1)), "SELECT anon_1.value, anon_1.type FROM json_each(doc) AS anon_1 WHERE anon_1.value > :value_1");
  });
  it("table-valued columns under the table-name label style", () => {
    const fn = func.json_each(column("doc")).tableValued("value").renamed("j");
    assertCompile(select(fn.c.value).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL), "SELECT j.value AS j_value FROM json_each(doc) AS j");
  });
});

describe("QuoteTest (test_quote.py): quote flags", () => {
  const quotedTable = (quote: boolean | undefined, name: string, schema: string, ...cols: [string, boolean | undefined][]) =>
    new TableClause(name, cols.map(([n, q]) => new ColumnClause(n, Integer(), { quote: q })), schema, { quote, quoteSchema: quote });

  it("test_reserved_words", () => {
    const t = quotedTable(undefined, "foreign", "create", ["col1", undefined], ["from", undefined], ["order", undefined]);
    assertCompile(
      select(t.c.col1, t.c.from, t.c.order),
      'SELECT "create"."foreign".col1, "create"."foreign"."from", "create"."foreign"."order" FROM "create"."foreign"',
    );
    const unquoted = quotedTable(false, "foreign", "create", ["col1", undefined], ["from", false], ["order", false]);
    assertCompile(select(unquoted.c.col1, unquoted.c.from, unquoted.c.order), "SELECT create.foreign.col1, create.foreign.from, create.foreign.order FROM create.foreign");
  });
  it("test_lower_case_names with quote=True", () => {
    const t = quotedTable(true, "t1", "foo", ["col1", true]);
    assertCompile(select(t), 'SELECT "foo"."t1"."col1" FROM "foo"."t1"');
  });
  it("test_upper_case_names with quote=False", () => {
    const t = quotedTable(false, "TABLE1", "FOO", ["COL1", false]);
    assertCompile(select(t), "SELECT FOO.TABLE1.COL1 FROM FOO.TABLE1");
  });
  it("test_subquery_one: quoted columns keep their quoting through a subquery", () => {
    const t = quotedTable(true, "t1", "foo", ["col1", true]);
    const a = t.select().alias("anon");
    assertCompile(
      select(1).where(a.c.col1.eq(2)).selectFrom(a),
      'SELECT 1 FROM (SELECT "foo"."t1"."col1" AS "col1" FROM "foo"."t1") AS anon WHERE anon."col1" = :col1_1',
    );
  });
  it("quoted columns in INSERT and UPDATE", () => {
    const t = new TableClause("t", [new ColumnClause("x", Integer(), { quote: true })]);
    assertCompile(insert(t).values({ x: 1 }), 'INSERT INTO t ("x") VALUES (:x)');
    assertCompile(update(t).values({ x: 1 }), 'UPDATE t SET "x"=:x');
  });
});

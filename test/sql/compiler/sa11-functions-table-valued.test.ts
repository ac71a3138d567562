/**
 * SQLAlchemy test/sql/test_functions.py, TableValuedCompileTest (the cases
 * sa5c-functions-from.test.ts does not cover), ported by behaviour: `scalarTableValued()`,
 * `tableValued(…, { withOrdinality })`, `renderDerived(name, { withTypes })`, aliases of
 * table-valued functions, LATERAL with derived column lists, JSON-typed function columns
 * (`withType()` for `type_=`), and subqueries of them.
 *
 * Known differences:
 * - `key` is quoted (`anon_1."key"`): athanor's reserved words are the union of PostgreSQL's and
 *   SQLite's, and `key` is reserved in SQLite.
 * - `FromClause.table_valued()` (test_table_as_table_valued, test_subquery_as_table_valued:
 *   `row_to_json(a)`) is not implemented.
 * - test_scalar_subquery: `scalarSubquery()` of a three-column SELECT is refused (ArgumentError)
 *   rather than rendered, as a scalar subquery must have one column.
 * - test_render_derived_maintains_tableval_type / test_alias_maintains_tableval_type: athanor has
 *   no TableValueType; the `.column` of a table-valued function carries the function's type.
 * - An alias of a table-valued function is spelled `.alias(name)` or `.renamed(name)`, and
 *   `renderDerived()` takes the name first, then `{ withTypes }`.
 */
import { describe, expect, it } from "vitest";
import { Float, Integer, JSON, ScalarFunctionColumn, String, Text, cast, column, func, literal, select, table, true_ } from "../../../src/index.js";
import { assertCompile } from "./helpers.js";

describe("TableValuedCompileTest", () => {
  it("test_aggregate_scalar_over_table_valued", () => {
    const test = table("test", column("id"), column("data", JSON()));
    const elem = func.json_array_elements_text(test.c.data.at("key")).tableValued("value").alias("elem");
    const maxdepth = select(func.max(cast(elem.c.value, Float()))).label("maxdepth");
    assertCompile(
      select(test.c.id.label("test_id"), maxdepth).orderBy("maxdepth"),
      "SELECT test.id AS test_id, (SELECT max(CAST(elem.value AS FLOAT)) AS max_1 FROM json_array_elements_text(test.data[:data_1]) AS elem) AS maxdepth " +
        "FROM test ORDER BY maxdepth",
    );
  });

  it("test_scalar_table_valued", () => {
    const at = table("assets_transactions", column("id"), column("contents", JSON()));
    const key = func.jsonb_each(at.c.contents).scalarTableValued("key");
    expect(key).toBeInstanceOf(ScalarFunctionColumn);
    assertCompile(
      select(at.c.id, key, func.jsonb_each(at.c.contents).scalarTableValued("value")),
      'SELECT assets_transactions.id, (jsonb_each(assets_transactions.contents))."key", (jsonb_each(assets_transactions.contents)).value FROM assets_transactions',
    );
    expect(func.jsonb_each(at.c.contents).scalarTableValued("value", Integer()).type.affinity).toBe("integer");
  });

  it("scalarTableValued in a subquery is labelled by its name", () => {
    const at = table("assets_transactions", column("id"), column("contents", JSON()));
    const sq = select(at.c.id, func.jsonb_each(at.c.contents).scalarTableValued("value")).subquery();
    assertCompile(
      select(sq.c.value),
      "SELECT anon_1.value FROM (SELECT assets_transactions.id AS id, (jsonb_each(assets_transactions.contents)).value AS value FROM assets_transactions) AS anon_1",
    );
  });

  it("test_table_valued_one: joined ON true", () => {
    const at = table("assets_transactions", column("id"), column("contents", JSON()));
    const jb = func.jsonb_each(at.c.contents).tableValued("key", "value");
    assertCompile(
      select(at.c.id, jb.c.key, jb.c.value).join(jb, true_()),
      'SELECT assets_transactions.id, anon_1."key", anon_1.value FROM assets_transactions JOIN jsonb_each(assets_transactions.contents) AS anon_1 ON true',
    );
  });

  it("test_table_valued_two: an aliased function joined to an aliased table", () => {
    const values = table("values", column("id", Integer()), column("value", String()));
    const vi = func.value_ids().tableValued(column("id", Integer())).alias("vi");
    const vv = values.alias("vv");
    assertCompile(
      select(vi.c.id, vv.c.value).selectFrom(vi.join(vv, vv.c.id.eq(vi.c.id))),
      'SELECT vi.id, vv.value FROM value_ids() AS vi JOIN "values" AS vv ON vv.id = vi.id',
    );
  });

  it("an alias of a table-valued function renames it rather than aliasing the alias", () => {
    const fn = func.json_each(column("x")).tableValued("value");
    assertCompile(select(fn.alias("j").c.value), "SELECT j.value FROM json_each(x) AS j");
    assertCompile(select(fn.alias("j").c.value), "SELECT j.value FROM json_each(x) AS j", { dialect: "sqlite" });
  });

  it("test_named_with_ordinality", () => {
    const a = table("a", column("id"), column("refs"));
    const b = table("b", column("id"), column("ref"));
    const unnested = func.unnest(a.c.refs).tableValued("unnested", { withOrdinality: "ordinality" }).renderDerived().alias("unnested");
    expect(unnested.c.ordinality.name).toBe("ordinality");
    assertCompile(
      select(a.c.id, a.c.refs, unnested.c.unnested, unnested.c.ordinality).outerjoin(unnested, true_()).outerjoin(b, unnested.c.unnested.eq(b.c.ref)),
      "SELECT a.id, a.refs, unnested.unnested, unnested.ordinality FROM a " +
        "LEFT OUTER JOIN unnest(a.refs) WITH ORDINALITY AS unnested(unnested, ordinality) ON true " +
        "LEFT OUTER JOIN b ON unnested.unnested = b.ref",
    );
  });

  it("test_star_with_ordinality", () => {
    assertCompile(
      select("*").selectFrom(func.generate_series(4, 1, -1).tableValued({ withOrdinality: "ordinality" })),
      "SELECT * FROM generate_series(:generate_series_1, :generate_series_2, :generate_series_3) WITH ORDINALITY AS anon_1",
      { params: { generate_series_1: 4, generate_series_2: 1, generate_series_3: -1 } },
    );
  });

  it("test_json_object_keys_with_ordinality", () => {
    const fn = func.json_object_keys(literal({ a1: "1", a2: "2", a3: "3" }, JSON())).tableValued("keys", { withOrdinality: "n" }).renderDerived().alias("t");
    assertCompile(select("*").selectFrom(fn), "SELECT * FROM json_object_keys(:param_1) WITH ORDINALITY AS t(keys, n)");
  });

  it("test_column_valued_subquery", () => {
    const x = func.generate_series(1, 2).columnValued("x");
    const y = func.generate_series(3, 4).columnValued("y");
    const subq = select(x, y).subquery();
    assertCompile(
      select(subq).where(subq.c.x.gt(2)),
      "SELECT anon_1.x, anon_1.y FROM (SELECT x AS x, y AS y FROM generate_series(:generate_series_1, :generate_series_2) AS x, " +
        "generate_series(:generate_series_3, :generate_series_4) AS y) AS anon_1 WHERE anon_1.x > :x_1",
    );
  });

  for (const aliasAfterLateral of [true, false]) {
    it(`test_render_derived_with_lateral (alias after lateral: ${aliasAfterLateral})`, () => {
      const table1 = table("table1", column("user_id"), column("jsonb"));
      const table2 = table("table2", column("id"), column("name"), column("route_id"));
      const tv = func.jsonb_to_recordset(table1.c.jsonb).tableValued(column("name", Text()), column("time", Float()));
      const jt = aliasAfterLateral ? tv.renderDerived(undefined, { withTypes: true }).lateral().alias("jsonb_table") : tv.renderDerived(undefined, { withTypes: true }).lateral("jsonb_table");
      const stmt = select(table1.c.user_id, table2.c.name, jt.c.name.label("jsonb_table_name"), func.count(jt.c.time))
        .selectFrom(table1)
        .join(table2, table1.c.user_id.eq(table2.c.id))
        .join(jt, true_())
        .where(table2.c.route_id.eq(5))
        .where(jt.c.name.in(["n1", "n2", "n3"]))
        .groupBy(table1.c.user_id, table2.c.name, jt.c.name)
        .orderBy(table2.c.name);
      assertCompile(
        stmt,
        "SELECT table1.user_id, table2.name, jsonb_table.name AS jsonb_table_name, count(jsonb_table.time) AS count_1 " +
          "FROM table1 JOIN table2 ON table1.user_id = table2.id " +
          "JOIN LATERAL jsonb_to_recordset(table1.jsonb) AS jsonb_table(name TEXT, time FLOAT) ON true " +
          "WHERE table2.route_id = 5 AND jsonb_table.name IN ('n1', 'n2', 'n3') " +
          "GROUP BY table1.user_id, table2.name, jsonb_table.name ORDER BY table2.name",
        { literalBinds: true, renderPostcompile: true },
      );
    });
  }

  it("test_function_alias: a JSON-typed function's column takes JSON operators", () => {
    const check = table("check", column("id"), column("response", JSON()));
    const inside = check.alias("check_inside");
    const outside = check.alias("_check");
    const subq = select(inside.c.response.at("Results")).where(inside.c.id.eq(outside.c.id)).scalarSubquery();
    const fn = func.json_array_elements(subq).withType(JSON()).alias("result_elem");
    assertCompile(
      select(fn.column.at("Field").label("field")).where(fn.column.at("Name").eq("FooBar")).selectFrom(outside),
      'SELECT result_elem[:result_elem_1] AS field FROM "check" AS _check, json_array_elements(' +
        '(SELECT check_inside.response[:response_1] AS anon_1 FROM "check" AS check_inside WHERE check_inside.id = _check.id)' +
        ") AS result_elem WHERE result_elem[:result_elem_2] = :param_1",
      { params: { result_elem_1: "Field", response_1: "Results", result_elem_2: "Name", param_1: "FooBar" } },
    );
  });

  const recordset = () => func.json_to_recordset('[{"a":1,"b":"foo"},{"a":"2","c":"bar"}]').tableValued(column("a", Integer()), column("b", String()));

  it("test_named_table_valued", () => {
    const fn = recordset().renderDerived(undefined, { withTypes: true });
    assertCompile(select(fn.c.a, fn.c.b), "SELECT anon_1.a, anon_1.b FROM json_to_recordset(:json_to_recordset_1) AS anon_1(a INTEGER, b VARCHAR)");
    assertCompile(select(fn.c.a, fn.c.b), "SELECT anon_1.a, anon_1.b FROM json_to_recordset($1) AS anon_1(a INTEGER, b VARCHAR)", { dialect: "postgresql" });
  });

  it("renderDerived() without types lists the names only", () => {
    const fn = recordset().renderDerived("r");
    assertCompile(select(fn.c.a), "SELECT r.a FROM json_to_recordset(:json_to_recordset_1) AS r(a, b)");
  });

  it("test_named_table_valued_w_quoting", () => {
    const fn = func
      .json_to_recordset('[{"CaseSensitive":1,"the % value":"foo"}]')
      .tableValued(column("CaseSensitive", Integer()), column("the % value", String()))
      .renderDerived(undefined, { withTypes: true });
    assertCompile(
      select(fn.c.CaseSensitive, fn.c["the % value"]),
      'SELECT anon_1."CaseSensitive", anon_1."the % value" FROM json_to_recordset(:json_to_recordset_1) AS anon_1("CaseSensitive" INTEGER, "the % value" VARCHAR)',
    );
  });

  it("test_named_table_valued_subquery", () => {
    const fn = recordset().renderDerived(undefined, { withTypes: true });
    assertCompile(
      select(select(fn.c.a, fn.c.b).subquery()),
      "SELECT anon_1.a, anon_1.b FROM (SELECT anon_2.a AS a, anon_2.b AS b FROM json_to_recordset(:json_to_recordset_1) AS anon_2(a INTEGER, b VARCHAR)) AS anon_1",
    );
  });

  it("test_named_table_valued_alias", () => {
    const fn = recordset().renderDerived(undefined, { withTypes: true }).alias("jbr");
    assertCompile(select(fn.c.a, fn.c.b), "SELECT jbr.a, jbr.b FROM json_to_recordset(:json_to_recordset_1) AS jbr(a INTEGER, b VARCHAR)");
  });
});

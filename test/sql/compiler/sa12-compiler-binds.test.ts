/**
 * SQLAlchemy test/sql/test_compiler.py BindParameterTest, CrudParamOverlapTest, CompileUXTest,
 * SchemaTest and ResultMapTest, ported by behaviour: the cases not already in sa-binds /
 * sa11-operators-in / sa3-dml — unique binds repeated, anonymous names from special-character
 * columns, `required` binds missing at construct time, literal-execute and expanding binds under
 * `literalBinds` / `renderPostcompile`, tuple IN expansion, NULL under literal binds, same-named
 * binds in VALUES / SET, schema-qualified tables (multi-part schema labels), result columns of
 * compound selects.
 *
 * Skipped:
 * - test_bind_param_escaping, test_standalone_bindparam_escape*, test_bind_escape_extensibility,
 *   test_numeric_dollar_bindparam: compiler subclasses overriding `bindparam_string` and the
 *   pyformat / numeric paramstyles; athanor's dialects have fixed paramstyles.
 * - test_construct_params_combine_extracted / _w_bind_clones_*: `_generate_cache_key()` and
 *   clause cloning internals (athanor's extracted binds are covered by the sa10-cache-key files).
 * - test_tuple_expanding_in_values: the `tuple_in_values` dialect flag (no athanor dialect has it).
 * - test_literal_bind_typeerror / _dont_know_how_to_quote: a Python tuple compared to an Integer
 *   column; athanor's typed API refuses such operands before compiling.
 * - test_render_binds_as_literal: an ANSI compiler subclass fixture.
 * - test_new_expanded_state_* / test_accessor_no_params: `_process_parameters_for_postcompile`
 *   internals.
 * - UnsupportedTest, StringifySpecialTest, KwargPropagationTest, ExecutionOptionsTest: compiler
 *   dispatch internals, MySQL/MSSQL/Oracle stringification, compile kwargs plumbing.
 * - OrderByListTest: SQLAlchemy 2.1 (`order_by` on a ColumnCollection).
 * - OmitFromStatementsTest: `Column(_omit_from_statements=True)`, ORM-internal.
 *
 * Known differences:
 * - test_bind_params_missing: a missing `required` value raises ArgumentError (SQLAlchemy:
 *   InvalidRequestError); the message is the same.
 * - test_render_nulls_literal_binds: a `bindparam("x")` without value under `literalBinds`
 *   raises CompileError; SQLAlchemy renders `= NULL` with a warning.
 * - test_render_postcompile_*: an untyped column IN a list of tuples (and a custom operator on a
 *   tuple-valued expanding bind) is not expanded per tuple member: SQLAlchemy infers a tuple type
 *   from the first value (`(:z_tuple_1_1_1, :z_tuple_1_1_2)`). A typed `tuple(…).in()` expands.
 *   Constructing new parameters after `renderPostcompile` is allowed (SQLAlchemy refuses).
 * - test_schema_translate_*: `schema_translate_map` is not implemented.
 * - test_schema_non_schema_disambiguation (#7471): a schema-less table and a same-named table
 *   of another schema in one SELECT are not told apart by an automatic alias
 *   (`some_table AS some_table_1`); alias one of them explicitly.
 * - test_label_conflict_union / test_label_plus_element: `_create_result_map()` internals;
 *   athanor's `resultColumns` is checked for keys and elements instead.
 */
import { describe, expect, it } from "vitest";
import {
  ArgumentError, Column, CompileError, Integer, LABEL_STYLE_TABLENAME_PLUS_COL, MetaData, String, Table, and, bindparam, column, func,
  insert, literal, literalColumn, null_, or, select, table, tuple, union, update,
} from "../../../src/index.js";
import { assertCompile, compile, mytable as table1, myothertable as table2 } from "./helpers.js";

describe("BindParameterTest: naming", () => {
  it("test_unique_binds_no_clone_collision: one unique bind selected three times is one parameter", () => {
    const bp = bindparam("foo", undefined, { unique: true });
    assertCompile(select(bp, bp, bp), "SELECT :foo_1 AS anon_1, :foo_1 AS anon__1, :foo_1 AS anon__2");
  });
  it("test_bind_anon_name_special_chars_uniqueify_one/two: escaped before numbering", () => {
    const t = table("t", column("_3foo"), column("4%foo"));
    assertCompile(and(t.c["_3foo"].eq("foo"), t.c["4%foo"].eq("bar")), 't._3foo = :3foo_1 AND t."4%foo" = :4_foo_1', { params: { "3foo_1": "foo", "4_foo_1": "bar" } });
    const t2 = table("t", column("_3foo"), column("4(foo"));
    assertCompile(and(t2.c["_3foo"].eq("foo"), t2.c["4(foo"].eq("bar")), 't._3foo = :3foo_1 AND t."4(foo" = :4_foo_1', { params: { "3foo_1": "foo", "4_foo_1": "bar" } });
  });
  it("test_bind_given_anon_name_dont_double: a column of an anonymous label names its bind param_1", () => {
    const subq = select(column("id", Integer()).label(undefined)).subquery();
    const anonCol = subq.columnList[0]!;
    assertCompile(anonCol.gt(5), "anon_1.id_1 > :param_1", { params: { param_1: 5 } });
  });
  it("test_multiple_col_binds: the same column compared three times numbers its binds", () => {
    assertCompile(
      select(literalColumn("*")).where(or(table1.c.myid.eq(12), table1.c.myid.eq(13), table1.c.myid.eq(14))),
      "SELECT * FROM mytable WHERE mytable.myid = :myid_1 OR mytable.myid = :myid_2 OR mytable.myid = :myid_3",
      { params: { myid_1: 12, myid_2: 13, myid_3: 14 } },
    );
  });
});

describe("BindParameterTest: test_bind_params_missing", () => {
  const x = bindparam<number>("x", undefined, { required: true });
  const y = bindparam<string>("y", undefined, { required: true });
  it("construct() without a required value names the parameter", () => {
    const c = select(table1).where(and(table1.c.myid.eq(x), table1.c.name.eq(y))).compile();
    expect(() => c.construct(undefined, { y: "5" })).toThrow(ArgumentError);
    expect(() => c.construct(undefined, { y: "5" })).toThrow("A value is required for bind parameter 'x'");
    expect(() => select(table1).where(table1.c.myid.eq(x)).compile().construct(undefined, undefined)).toThrow("A value is required for bind parameter 'x'");
  });
  it("given values are sent in position", () => {
    const c = select(table1).where(and(table1.c.myid.eq(x), table1.c.name.eq(y))).compile();
    expect(c.construct(undefined, { x: 3, y: "5" }).params).toEqual([3, "5"]);
  });
});

describe("BindParameterTest: literal execute and expanding binds", () => {
  const le = () => bindparam("foo", 5, { literalExecute: true });
  it("test_render_literal_execute_parameter(_literal_binds/_render_postcompile)", () => {
    assertCompile(select(table1.c.myid).where(table1.c.myid.eq(le())), "SELECT mytable.myid FROM mytable WHERE mytable.myid = __[POSTCOMPILE_foo]", { params: { foo: 5 } });
    assertCompile(select(table1.c.myid).where(table1.c.myid.eq(le())), "SELECT mytable.myid FROM mytable WHERE mytable.myid = 5", { literalBinds: true });
    assertCompile(select(table1.c.myid).where(table1.c.myid.eq(le())), "SELECT mytable.myid FROM mytable WHERE mytable.myid = 5", { renderPostcompile: true });
    // the wire SQL renders the value inline too
    expect(compile(select(table1.c.myid).where(table1.c.myid.eq(le())), "postgresql").construct(undefined, undefined)).toEqual({
      sql: "SELECT mytable.myid \nFROM mytable \nWHERE mytable.myid = 5",
      params: [],
    });
  });

  it("test_literal_execute_combinations (#10142): repeated literal-execute binds in the columns clause", () => {
    const a = bindparam("a", "abc", { literalExecute: true });
    const b = bindparam("b", "def", { literalExecute: true });
    const c = bindparam("c", "ghi", { literalExecute: true });
    for (const dialect of ["default", "postgresql", "sqlite"] as const) {
      assertCompile(select(a, b, a, c), "SELECT 'abc' AS anon_1, 'def' AS anon_2, 'abc' AS anon__1, 'ghi' AS anon_3", { renderPostcompile: true, dialect });
    }
  });

  it("test_render_expanding_parameter(_literal_binds/_render_postcompile): an untyped list bind takes its values' type", () => {
    assertCompile(
      select(table1.c.myid).where(table1.c.myid.in(bindparam<number[]>("foo", undefined, { expanding: true }))),
      "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (__[POSTCOMPILE_foo])",
    );
    const foo = () => bindparam("foo", [1, 2, 3], { expanding: true });
    assertCompile(select(table1.c.myid).where(table1.c.myid.in(foo())), "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (1, 2, 3)", { literalBinds: true });
    assertCompile(select(table1.c.myid).where(table1.c.myid.in(foo())), "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (:foo_1, :foo_2, :foo_3)", {
      renderPostcompile: true,
      params: { foo_1: 1, foo_2: 2, foo_3: 3 },
    });
    assertCompile(select(table1.c.name).where(table1.c.name.in(bindparam("foo", ["a", "b"], { expanding: true }))), "SELECT mytable.name FROM mytable WHERE mytable.name IN ('a', 'b')", {
      literalBinds: true,
    });
    expect(bindparam("foo", [1, 2, 3], { expanding: true }).type.constructor.name).toBe("IntegerType");
  });

  it("test_expanding_parameter / test_tuple_expanding_in_no_values: tuple IN", () => {
    const expr = tuple(table1.c.myid, table1.c.name).in([[1, "foo"], [5, "bar"]]);
    assertCompile(expr, "(mytable.myid, mytable.name) IN (__[POSTCOMPILE_param_1])", { params: { param_1: [[1, "foo"], [5, "bar"]] } });
    assertCompile(expr, "(mytable.myid, mytable.name) IN ((:param_1_1_1, :param_1_1_2), (:param_1_2_1, :param_1_2_2))", {
      renderPostcompile: true,
      params: { param_1_1_1: 1, param_1_1_2: "foo", param_1_2_1: 5, param_1_2_2: "bar" },
    });
    expect(compile(expr, "postgresql").construct(undefined, undefined)).toEqual({ sql: "(mytable.myid, mytable.name) IN (($1, $2), ($3, $4))", params: [1, "foo", 5, "bar"] });
    assertCompile(tuple(table1.c.myid, table1.c.name).in(bindparam("foo", undefined, { expanding: true })), "(mytable.myid, mytable.name) IN (__[POSTCOMPILE_foo])");
  });

  it("test_tuple_clauselist_in / test_select_in", () => {
    assertCompile(
      tuple(table1.c.myid, table1.c.name).in([tuple(table2.c.otherid, table2.c.othername)]),
      "(mytable.myid, mytable.name) IN ((myothertable.otherid, myothertable.othername))",
    );
    assertCompile(
      tuple(table1.c.myid, table1.c.name).in(select(table2.c.otherid, table2.c.othername)),
      "(mytable.myid, mytable.name) IN (SELECT myothertable.otherid, myothertable.othername FROM myothertable)",
    );
  });

  it("test_construct_params_repeated_postcompile_params_one / _positional_plain_repeated (#6202)", () => {
    const t = table("t", column("x", String()));
    const stmt = select(literalColumn("1")).where(t.c.x.eq(literal("10", undefined, { literalExecute: true }))).scalarSubquery();
    assertCompile(
      union(select(stmt), select(stmt)).subquery().select(),
      "SELECT anon_2.anon_1 FROM (SELECT (SELECT 1 FROM t WHERE t.x = '10') AS anon_1 UNION SELECT (SELECT 1 FROM t WHERE t.x = '10') AS anon_1) AS anon_2",
      { renderPostcompile: true },
    );
    const stmt2 = select(literalColumn("1")).where(t.c.x.eq(literal("10"))).where(t.c.x.eq(literal("12", undefined, { literalExecute: true }))).scalarSubquery();
    const u = union(select(stmt2), select(stmt2)).subquery().select();
    assertCompile(
      u,
      "SELECT anon_2.anon_1 FROM (SELECT (SELECT 1 FROM t WHERE t.x = ? AND t.x = '12') AS anon_1 UNION SELECT (SELECT 1 FROM t WHERE t.x = ? AND t.x = '12') AS anon_1) AS anon_2",
      { renderPostcompile: true, dialect: "sqlite", params: { param_1: "10" }, positional: ["10", "10"] },
    );
    expect(compile(u, "sqlite", { renderPostcompile: true }).positiontup).toEqual(["param_1", "param_1"]);
  });

  it("test_render_nulls_literal_binds: NULL values render NULL, IS NULL for comparisons to None", () => {
    assertCompile(select(table1.c.myid).where(table1.c.myid.eq(bindparam("x", null))), "SELECT mytable.myid FROM mytable WHERE mytable.myid = NULL", { literalBinds: true });
    assertCompile(select(table1.c.myid).where(table1.c.myid.eq(null)), "SELECT mytable.myid FROM mytable WHERE mytable.myid IS NULL", { literalBinds: true });
    assertCompile(select(table1.c.myid, null_()), "SELECT mytable.myid, NULL AS anon_1 FROM mytable", { literalBinds: true });
    assertCompile(select(table1.c.myid).where(table1.c.myid.is(bindparam("x", null))), "SELECT mytable.myid FROM mytable WHERE mytable.myid IS NULL", { literalBinds: true });
    assertCompile(insert(table1).values({ myid: null as never }), "INSERT INTO mytable (myid) VALUES (NULL)", { literalBinds: true });
    expect(compile(insert(table1), "default", { columnKeys: [], literalBinds: true }).sql).toBe("INSERT INTO mytable DEFAULT VALUES");
    assertCompile(update(table1).values({ myid: null as never }), "UPDATE mytable SET myid=NULL", { literalBinds: true });
    expect(() => compile(update(table1).where(table1.c.myid.eq(bindparam("x"))).values({ myid: null as never }), "default", { literalBinds: true })).toThrow(CompileError);
  });

  it("test_limit_offset / test_fetch_offset (compound) select literal binds", () => {
    const one = () => select(literalColumn("1"));
    assertCompile(one().limit(5).offset(6), "SELECT 1 LIMIT 5 OFFSET 6", { literalBinds: true });
    assertCompile(one().union(select(literalColumn("2"))).limit(5).offset(6), "SELECT 1 UNION SELECT 2 LIMIT 5 OFFSET 6", { literalBinds: true });
    assertCompile(one().fetch(5).offset(6), "SELECT 1 OFFSET 6 ROWS FETCH FIRST 5 ROWS ONLY", { literalBinds: true });
    assertCompile(one().union(select(literalColumn("2"))).fetch(5).offset(6), "SELECT 1 UNION SELECT 2 OFFSET 6 ROWS FETCH FIRST 5 ROWS ONLY", { literalBinds: true });
  });
});

describe("CrudParamOverlapTest (#9075)", () => {
  const fixtures = {
    lowercase: () => table1,
    uppercase: () => Table("mytable", new MetaData(), { myid: Column(Integer), name: Column(String), description: Column(String) }),
  };
  describe.each(Object.entries(fixtures))("%s table", (_name, make) => {
    // Both shapes are compiled the same; typed as one so each statement is built once.
    const t = make() as unknown as typeof table1;
    it("test_same_named_binds_insert_values: a bind named after its own VALUES column is that column's parameter", () => {
      const stmt = insert(t).values({ myid: bindparam("myid"), description: func.coalesce(bindparam("description"), "default") });
      assertCompile(stmt, "INSERT INTO mytable (myid, description) VALUES (:myid, coalesce(:description, :coalesce_1))", { params: { coalesce_1: "default" } });
      expect(compile(stmt, "default", { columnKeys: ["myid", "description"] }).sql.replace(/\n/g, "")).toBe(
        "INSERT INTO mytable (myid, description) VALUES (:myid, coalesce(:description, :coalesce_1))",
      );
      expect(compile(stmt, "default", { columnKeys: ["myid", "description", "name"] }).sql.replace(/\n/g, "")).toBe(
        "INSERT INTO mytable (myid, name, description) VALUES (:myid, :name, coalesce(:description, :coalesce_1))",
      );
    });
    it("test_same_named_binds_update_values", () => {
      const stmt = update(t).values({ myid: bindparam("myid"), description: func.coalesce(bindparam("description"), "default") });
      assertCompile(stmt, "UPDATE mytable SET myid=:myid, description=coalesce(:description, :coalesce_1)");
      expect(compile(stmt, "default", { columnKeys: ["myid", "description", "name"] }).sql.replace(/\n/g, "")).toBe(
        "UPDATE mytable SET myid=:myid, name=:name, description=coalesce(:description, :coalesce_1)",
      );
    });
    it("test_different_named_binds_insert/update_values: a column's name used for another column's value is reserved", () => {
      const ins = insert(t).values({ myid: bindparam("myid"), name: func.coalesce(bindparam("description"), "default") });
      assertCompile(ins, "INSERT INTO mytable (myid, name) VALUES (:myid, coalesce(:description, :coalesce_1))");
      const upd = update(t).values({ myid: bindparam("myid"), name: func.coalesce(bindparam("description"), "default") });
      assertCompile(upd, "UPDATE mytable SET myid=:myid, name=coalesce(:description, :coalesce_1)");
      for (const stmt of [ins, upd]) {
        for (const keys of [["myid", "description"], ["myid", "description", "name"]]) {
          expect(() => compile(stmt, "default", { columnKeys: keys })).toThrow(CompileError);
          expect(() => compile(stmt, "default", { columnKeys: keys })).toThrow("bindparam() name 'description' is reserved ");
        }
      }
    });
  });
});

describe("SchemaTest", () => {
  const md = new MetaData();
  const table4 = Table("remotetable", md, { rem_id: Column(Integer, { primaryKey: true }), datatype_id: Column(Integer), value: Column(String(20)) }, { schema: "remote_owner" });
  const table5 = Table("remotetable", new MetaData(), { rem_id: Column(Integer, { primaryKey: true }), datatype_id: Column(Integer), value: Column(String(20)) }, {
    schema: "dbo.remote_owner",
  });

  it("test_select: schema-qualified columns and labels", () => {
    const cols = "remote_owner.remotetable.rem_id, remote_owner.remotetable.datatype_id, remote_owner.remotetable.value";
    assertCompile(table4.select(), `SELECT ${cols} FROM remote_owner.remotetable`);
    assertCompile(
      table4.select().where(and(table4.c.datatype_id.eq(7), table4.c.value.eq("hi"))),
      `SELECT ${cols} FROM remote_owner.remotetable WHERE remote_owner.remotetable.datatype_id = :datatype_id_1 AND remote_owner.remotetable.value = :value_1`,
    );
    assertCompile(
      table4.select().where(and(table4.c.datatype_id.eq(7), table4.c.value.eq("hi"))).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL),
      "SELECT remote_owner.remotetable.rem_id AS remote_owner_remotetable_rem_id, remote_owner.remotetable.datatype_id AS remote_owner_remotetable_datatype_id, " +
        "remote_owner.remotetable.value AS remote_owner_remotetable_value FROM remote_owner.remotetable WHERE remote_owner.remotetable.datatype_id = $1 AND remote_owner.remotetable.value = $2",
      { dialect: "postgresql", positional: [7, "hi"] },
    );
  });

  it("test_select: a multi-part schema name is quoted; its labels turn '.' into '_'", () => {
    assertCompile(
      table5.select(),
      'SELECT "dbo.remote_owner".remotetable.rem_id, "dbo.remote_owner".remotetable.datatype_id, "dbo.remote_owner".remotetable.value FROM "dbo.remote_owner".remotetable',
    );
    for (const dialect of ["default", "postgresql"] as const) {
      assertCompile(
        table5.select().setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL),
        'SELECT "dbo.remote_owner".remotetable.rem_id AS dbo_remote_owner_remotetable_rem_id, "dbo.remote_owner".remotetable.datatype_id AS dbo_remote_owner_remotetable_datatype_id, ' +
          '"dbo.remote_owner".remotetable.value AS dbo_remote_owner_remotetable_value FROM "dbo.remote_owner".remotetable',
        { dialect },
      );
    }
    expect(select(table5).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL).subquery().columnList.map((c) => c.name)).toEqual([
      "dbo_remote_owner_remotetable_rem_id", "dbo_remote_owner_remotetable_datatype_id", "dbo_remote_owner_remotetable_value",
    ]);
  });

  it("test_alias / test_update / test_insert", () => {
    const a = table4.alias("remtable");
    assertCompile(
      a.select().where(a.c.datatype_id.eq(7)),
      "SELECT remtable.rem_id, remtable.datatype_id, remtable.value FROM remote_owner.remotetable AS remtable WHERE remtable.datatype_id = :datatype_id_1",
    );
    assertCompile(
      update(table4).where(table4.c.value.eq("test")).values({ datatype_id: 12 }),
      "UPDATE remote_owner.remotetable SET datatype_id=:datatype_id WHERE remote_owner.remotetable.value = :value_1",
    );
    assertCompile(insert(table4).values([2, 5, "test"]), "INSERT INTO remote_owner.remotetable (rem_id, datatype_id, value) VALUES (:rem_id, :datatype_id, :value)", {
      params: { rem_id: 2, datatype_id: 5, value: "test" },
    });
  });

  it("test_schema_lowercase_select(_alias/_labels)", () => {
    const foo = Table("foo", new MetaData(), { a: Column(Integer), b: Column(Integer) }, { schema: "bar" });
    assertCompile(select(foo).selectFrom(foo), "SELECT bar.foo.a, bar.foo.b FROM bar.foo");
    assertCompile(select(literalColumn("*")).selectFrom(foo.alias("t")), "SELECT * FROM bar.foo AS t");
    const baz = Table("baz", new MetaData(), { id: Column(Integer), name: Column(String), meta: Column(String) }, { schema: "here" });
    assertCompile(
      select(baz).selectFrom(baz).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL),
      "SELECT here.baz.id AS here_baz_id, here.baz.name AS here_baz_name, here.baz.meta AS here_baz_meta FROM here.baz",
    );
  });

  it("an explicit alias tells a schema-less table from a same-named one of another schema", () => {
    const m = new MetaData();
    const t1 = Table("some_table", m, { id: Column(Integer), q: Column(Integer) });
    const t2 = Table("some_table", m, { id: Column(Integer), p: Column(Integer) }, { schema: "foo" });
    assertCompile(
      select(t2, t1.alias()),
      "SELECT foo.some_table.id, foo.some_table.p, some_table_1.id AS id_1, some_table_1.q FROM foo.some_table, some_table AS some_table_1",
    );
    assertCompile(
      select(t1.alias(), t2.alias()),
      "SELECT some_table_1.id, some_table_1.q, some_table_2.id AS id_1, some_table_2.p FROM some_table AS some_table_1, foo.some_table AS some_table_2",
    );
  });
});

describe("ResultMapTest", () => {
  const t = Table("t", new MetaData(), { a: Column(Integer), b: Column(Integer) });
  const keys = (stmt: Parameters<typeof compile>[0]) => compile(stmt).resultColumns.map((r) => r.key);
  it("test_compound_populates / test_compound_only_top_populates: the first SELECT of a UNION names the result", () => {
    const c = compile(select(t).union(select(t)));
    expect(c.resultColumns.map((r) => [r.key, r.element])).toEqual([["a", t.c.a], ["b", t.c.b]]);
    const c2 = compile(select(t.c.a).union(select(t.c.b)));
    expect(c2.resultColumns.map((r) => [r.key, r.element])).toEqual([["a", t.c.a]]);
  });
  it("test_compound_not_toplevel_doesnt_populate: a UNION in a subquery adds no result columns", () => {
    const subq = select(t).union(select(t)).subquery();
    const stmt = select(t.c.a).selectFrom(t.join(subq, t.c.a.eq(subq.c.a)));
    expect(keys(stmt)).toEqual(["a"]);
    expect(compile(stmt).resultColumns[0]!.element).toBe(t.c.a);
  });
  it("test_label_conflict_union: table-qualified labels of a table and its alias", () => {
    const t1 = Table("t1", new MetaData(), { a: Column(Integer), b: Column(Integer) });
    const t2 = Table("t2", new MetaData(), { t1_a: Column(Integer) });
    const u = select(t2).union(select(t2)).alias();
    const stmt = select(t1, t1.alias()).selectFrom(t1.join(u, t1.c.a.eq(u.c.t1_a))).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL);
    const c = compile(stmt);
    expect(new Set(c.resultColumns.map((r) => r.key))).toEqual(new Set(["t1_1_b", "t1_1_a", "t1_a", "t1_b"]));
    expect(c.resultColumns.find((r) => r.key === "t1_a")!.element).toBe(t1.c.a);
  });
});

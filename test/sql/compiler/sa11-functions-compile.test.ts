/**
 * SQLAlchemy test/sql/test_functions.py, CompileTest (the part sa-functions.test.ts does not
 * cover) and ReturnTypeTest, ported by behaviour: return types of the known functions,
 * `count()` → `count(*)`, ANSI names with arguments, CUBE / ROLLUP / GROUPING SETS, `func.cast` /
 * `func.extract`, `.select()`, FILTER (empty, chained, under OVER / WITHIN GROUP), WITHIN GROUP
 * return types (mode, percentile_cont with several fractions, cume_dist…), array_agg's ARRAY
 * type, and explicit return types (`type_=` → `withType()`).
 *
 * Skipped classes / tests:
 * - RegisterTest and the GenericFunction tests of CompileTest (test_custom_*, test_replace_function*,
 *   test_case_sensitive, test_custom_registered_identifier, test_use_labels_function_element,
 *   the custom half of test_operators_custom): athanor has no GenericFunction class registry;
 *   typed functions are KnownFunctions entries, others generic by name.
 * - CollectionAggregateFunctionTest: `func.any` / `func.all` as collection aggregates are
 *   SQLAlchemy 2.1; athanor has `any_()` / `all_()` (covered in sa-operators.test.ts).
 * - test_pickle_*, the pickle half of test_assorted, test_generic_annotation,
 *   test_annotation_dialect_specific, test_as_comparison_annotate: Python-only (pickling, annotations).
 * - test_compile over all_dialects(): MySQL / Oracle / MSSQL output; PostgreSQL / SQLite checked.
 * - test_aggregate_order_by_*, test_aggregate_strings_order_by, FrameClause ranges and
 *   test_funcfilter_windowing_groups*: SQLAlchemy 2.1 API (aggregate_order_by, bound frame
 *   values, GROUPS frames).
 * - test_incorrect_none_type: a Python class attribute check; TS types forbid it.
 * - test_functions_with_cols: `unique_params()` is deprecated in 2.0.
 *
 * Known differences:
 * - `func.random()` is typed Float and `percent_rank()` / `cume_dist()` Float (PostgreSQL's
 *   double precision, a JS number); SQLAlchemy leaves random() untyped and types the others
 *   Numeric (Decimal). `func.localtime()` is Time (SQLAlchemy says DateTime, but the value is a
 *   time of day).
 * - A function's return type is given with `.withType(type)` rather than a `type_=` keyword.
 * - `array_agg()` of an untyped argument stays untyped (SQLAlchemy: ARRAY(NullType)), so the
 *   driver's own array parsing applies.
 * - `func.foo()` cannot be a FROM without `.alias()` (SQLAlchemy: `select_from(func.rows(…))`
 *   renders `FROM rows(:rows_1)`); `select(func.rows().alias("bar"))` (test_alias_method_columns,
 *   "not very useful old behaviour") has no columns here.
 * - `FunctionFilter.within_group()` (test_funcfilter_within_group) is not offered: it renders
 *   `FILTER … WITHIN GROUP`, which PostgreSQL rejects; `withinGroup(…).filter(…)` is the order it
 *   accepts.
 * - `over({ partitionBy: "description" })` by name (string) is not in the typed API.
 * - `func.as_comparison()` is not implemented.
 * - percentile_cont / percentile_disc with several arguments are typed ARRAY, as SQLAlchemy's
 *   rule says; PostgreSQL's several-fractions form takes one array argument, which keeps the sort
 *   type: give `.withType(ARRAY(Float()))` there (see sa11-functions-live.test.ts).
 * - On PostgreSQL, binds are cast (`$1::INTEGER`) in the SELECT list and as direct arguments of
 *   a function or EXTRACT (`generate_series($1::INTEGER, $2::INTEGER)`), not elsewhere (a WHERE
 *   comparison infers the type); SQLAlchemy's asyncpg / psycopg dialects cast every typed bind.
 *   String arguments stay untyped (SQLAlchemy's asyncpg: `::VARCHAR`).
 */
import { describe, expect, it } from "vitest";
import {
  ARRAY, ArgumentError, ArrayType, Cast, DateTimeType, DateType, Extract, Float, FloatType, FunctionElement, Integer, IntegerType, JSON, NULLTYPE,
  String, StringType, TimeType, column, func, literal, literalColumn, select, table, tuple_, typeCoerce,
} from "../../../src/index.js";
import { assertCompile, compile } from "./helpers.js";

const table1 = table("mytable", column("myid", Integer()), column("name", String()), column("description", String()), column("myfloat", Float()));

describe("CompileTest: generic functions", () => {
  it("test_generic_count: count() is count(*), Integer", () => {
    expect(func.count().type).toBeInstanceOf(IntegerType);
    assertCompile(func.count(), "count(*)");
    assertCompile(func.count(1), "count(:count_1)", { params: { count_1: 1 } });
    assertCompile(func.count(column("abc")), "count(abc)");
  });
  it("select(func.count()).selectFrom(table)", () => {
    assertCompile(select(func.count()).selectFrom(table1), "SELECT count(*) AS count_1 FROM mytable");
  });
  it("test_ansi_functions_with_args: an ANSI name keeps its spelling with arguments", () => {
    const loose = func as unknown as Record<string, (...a: unknown[]) => FunctionElement>;
    assertCompile(loose.current_timestamp!("somearg"), "CURRENT_TIMESTAMP(:current_timestamp_1)", { params: { current_timestamp_1: "somearg" } });
    assertCompile(select(loose.current_timestamp!("x")), "SELECT CURRENT_TIMESTAMP(:current_timestamp_2) AS current_timestamp_1");
    assertCompile(func.Current_Date(1), "CURRENT_DATE(:Current_Date_1)");
    // A package's function of the same name is not the ANSI one.
    assertCompile(func.pkg.current_date(), "pkg.current_date()");
  });
  it("test_char_length_fixed_args: char_length takes one argument", () => {
    expect(() => func.char_length("a", "b")).toThrow(ArgumentError);
    expect(() => func.char_length()).toThrow(ArgumentError);
    assertCompile(func.char_length("a"), "char_length(:char_length_1)");
    assertCompile(func.char_length("a"), "length(?)", { dialect: "sqlite" });
  });
  it("test_namespacing_conflicts: func.text is a function", () => {
    assertCompile(func.text("foo"), "text(:text_1)", { params: { text_1: "foo" } });
  });
  it("test_assorted", () => {
    const t1 = table("mytable", column("myid", Integer()));
    const t2 = table("myothertable", column("otherid", Integer()));
    assertCompile(
      func.lala(3, 4, literal("five"), t1.c.myid).mul(t2.c.otherid),
      "lala(:lala_1, :lala_2, :param_1, mytable.myid) * myothertable.otherid",
      { params: { lala_1: 3, lala_2: 4, param_1: "five" } },
    );
    assertCompile(select(func.count(t1.c.myid)), "SELECT count(mytable.myid) AS count_1 FROM mytable");
    assertCompile(select(func.foo.bar.lala(t1.c.myid)), "SELECT foo.bar.lala(mytable.myid) AS lala_1 FROM mytable");
    // The bind of a dotted function is named after the last name only.
    assertCompile(select(func.foo.bar.lala(12)), "SELECT foo.bar.lala(:lala_2) AS lala_1", { params: { lala_2: 12 } });
    assertCompile(func.lala.hoho(7), "lala.hoho(:hoho_1)");
    // null becomes NULL, not a parameter.
    assertCompile(func.my_func(1, 2, null, 3), "my_func(:my_func_1, :my_func_2, NULL, :my_func_3)", { params: { my_func_1: 1, my_func_2: 2, my_func_3: 3 } });
  });
  it("test_operators_custom: a typed function in comparisons and arithmetic", () => {
    const myfunc = () => func.myfunc().withType(Integer());
    assertCompile(select(1).where(myfunc().in([1, 2, 3])), "SELECT 1 WHERE myfunc() IN (1, 2, 3)", { literalBinds: true, renderPostcompile: true });
    assertCompile(select(1).where(myfunc().add(5).gt(0)), "SELECT 1 WHERE myfunc() + 5 > 0", { literalBinds: true });
    assertCompile(select(1).where(myfunc().eq(column("q"))), "SELECT 1 WHERE myfunc() = q");
  });
});

describe("CompileTest: CUBE, ROLLUP, GROUPING SETS (test_cube_operators)", () => {
  const t = table("t", column("value"), column("x"), column("y"), column("z"), column("q"));
  const stmt = select(func.sum(t.c.value));
  it("renders the grouping operations by their SQL names", () => {
    assertCompile(stmt.groupBy(func.cube(t.c.x, t.c.y)), "SELECT sum(t.value) AS sum_1 FROM t GROUP BY CUBE(t.x, t.y)");
    assertCompile(stmt.groupBy(func.rollup(t.c.x, t.c.y)), "SELECT sum(t.value) AS sum_1 FROM t GROUP BY ROLLUP(t.x, t.y)");
    assertCompile(stmt.groupBy(func.grouping_sets(t.c.x, t.c.y)), "SELECT sum(t.value) AS sum_1 FROM t GROUP BY GROUPING SETS(t.x, t.y)");
    assertCompile(
      stmt.groupBy(func.grouping_sets(tuple_(t.c.x, t.c.y), tuple_(t.c.z, t.c.q))),
      "SELECT sum(t.value) AS sum_1 FROM t GROUP BY GROUPING SETS((t.x, t.y), (t.z, t.q))",
    );
  });
  it("on PostgreSQL too", () => {
    assertCompile(stmt.groupBy(func.grouping_sets(t.c.x, tuple_())), "SELECT sum(t.value) AS sum_1 FROM t GROUP BY GROUPING SETS(t.x, ())", { dialect: "postgresql" });
  });
});

describe("CompileTest: func.cast and func.extract are not functions (test_non_functions)", () => {
  it("func.cast() is CAST", () => {
    const expr = func.cast("foo", Integer());
    expect(expr).toBeInstanceOf(Cast);
    assertCompile(expr, "CAST(:param_1 AS INTEGER)", { params: { param_1: "foo" } });
    assertCompile((func as unknown as Record<string, (...a: unknown[]) => Cast>).CAST!(column("x"), String(10)), "CAST(x AS VARCHAR(10))");
  });
  it("func.extract() is EXTRACT", () => {
    const expr = func.extract("year", new Date(Date.UTC(2010, 11, 5)));
    expect(expr).toBeInstanceOf(Extract);
    assertCompile(expr, "EXTRACT(year FROM :param_1)");
    assertCompile(func.extract("month", table1.c.name), "CAST(STRFTIME('%m', mytable.name) AS INTEGER)", { dialect: "sqlite" });
  });
  it("bad arguments are refused", () => {
    const loose = func as unknown as Record<string, (...a: unknown[]) => unknown>;
    expect(() => loose.cast!("foo")).toThrow(ArgumentError);
    expect(() => loose.cast!("foo", "INTEGER")).toThrow(ArgumentError);
    expect(() => loose.extract!(table1.c.myid, "year")).toThrow(ArgumentError);
  });
});

describe("CompileTest: select() and alias() of a function", () => {
  it("test_select_method_one / two", () => {
    assertCompile(func.rows("foo").select(), "SELECT rows(:rows_2) AS rows_1", { params: { rows_2: "foo" } });
    assertCompile(select("*").selectFrom(func.rows("foo").select().subquery()), "SELECT * FROM (SELECT rows(:rows_2) AS rows_1) AS anon_1");
  });
  it("test_alias_method_one: an alias compiled alone is its function", () => {
    assertCompile(func.rows("foo").alias(), "anon_1");
    assertCompile(select(func.rows("foo").alias().column), "SELECT anon_1 FROM rows(:rows_1) AS anon_1");
  });
});

describe("CompileTest: FILTER", () => {
  it("test_funcfilter_empty: no criteria, no FILTER", () => {
    assertCompile(func.count(1).filter(), "count(:count_1)");
    expect(func.count(1).filter()).toBeInstanceOf(FunctionElement);
  });
  it("test_funcfilter_criterion / compound criterion", () => {
    assertCompile(func.count(1).filter(table1.c.name.ne(null)), "count(:count_1) FILTER (WHERE mytable.name IS NOT NULL)");
    assertCompile(
      func.count(1).filter(table1.c.name.eq(null), table1.c.myid.gt(0)),
      "count(:count_1) FILTER (WHERE mytable.name IS NULL AND mytable.myid > :myid_1)",
      { params: { count_1: 1, myid_1: 0 } },
    );
  });
  it("test_funcfilter_label", () => {
    assertCompile(
      select(func.count(1).filter(table1.c.description.ne(null)).label("foo")),
      "SELECT count(:count_1) FILTER (WHERE mytable.description IS NOT NULL) AS foo FROM mytable",
    );
  });
  it("test_funcfilter_fromobj_fromfunc / fromcriterion", () => {
    assertCompile(
      select(func.max(table1.c.name).filter(literalColumn("description").ne(null))),
      "SELECT max(mytable.name) FILTER (WHERE description IS NOT NULL) AS anon_1 FROM mytable",
    );
    assertCompile(select(func.count(1).filter(table1.c.name.eq("name"))), "SELECT count(:count_1) FILTER (WHERE mytable.name = :name_1) AS anon_1 FROM mytable");
  });
  it("test_funcfilter_chaining: criteria of chained filter() calls are ANDed", () => {
    assertCompile(
      select(func.count(1).filter(table1.c.name.eq("name")).filter(table1.c.description.eq("description"))),
      "SELECT count(:count_1) FILTER (WHERE mytable.name = :name_1 AND mytable.description = :description_1) AS anon_1 FROM mytable",
      { params: { count_1: 1, name_1: "name", description_1: "description" } },
    );
  });
  it("test_funcfilter_more_criteria: the first filter is unchanged", () => {
    const ff = func.rank().filter(table1.c.name.gt("foo"));
    const ff2 = ff.filter(table1.c.myid.eq(1));
    assertCompile(
      select(ff, ff2),
      "SELECT rank() FILTER (WHERE mytable.name > :name_1) AS anon_1, rank() FILTER (WHERE mytable.name > :name_1 AND mytable.myid = :myid_1) AS anon_2 FROM mytable",
      { params: { name_1: "foo", myid_1: 1 } },
    );
    expect(ff.filter()).toBe(ff);
  });
  it("test_funcfilter_windowing_orderby / partitionby / rows / range", () => {
    const ff = () => func.rank().filter(table1.c.name.gt("foo"));
    assertCompile(select(ff().over({ orderBy: table1.c.name })), "SELECT rank() FILTER (WHERE mytable.name > :name_1) OVER (ORDER BY mytable.name) AS anon_1 FROM mytable");
    assertCompile(
      select(ff().over({ orderBy: table1.c.name, partitionBy: [table1.c.description] })),
      "SELECT rank() FILTER (WHERE mytable.name > :name_1) OVER (PARTITION BY mytable.description ORDER BY mytable.name) AS anon_1 FROM mytable",
    );
    assertCompile(
      select(ff().over({ rows: [1, 5], partitionBy: [table1.c.description] })),
      "SELECT rank() FILTER (WHERE mytable.name > :name_1) OVER (PARTITION BY mytable.description ROWS BETWEEN 1 FOLLOWING AND 5 FOLLOWING) AS anon_1 FROM mytable",
    );
    assertCompile(
      select(ff().over({ range: [1, 5], partitionBy: [table1.c.description] })),
      "SELECT rank() FILTER (WHERE mytable.name > ?) OVER (PARTITION BY mytable.description RANGE BETWEEN 1 FOLLOWING AND 5 FOLLOWING) AS anon_1 FROM mytable",
      { dialect: "sqlite", positional: ["foo"] },
    );
  });
  it("test_funcfilter_arrayagg_subscript (PostgreSQL; athanor casts binds in the SELECT list only)", () => {
    const num = column("q", Integer());
    assertCompile(
      func.array_agg(num).filter(num.mod(2).eq(0)).at(1),
      "(array_agg(q) FILTER (WHERE q % $1 = $2))[$3]",
      { dialect: "postgresql", positional: [2, 0, 1] },
    );
  });
});

describe("CompileTest: WITHIN GROUP", () => {
  it("test_within_group / multi / desc", () => {
    assertCompile(
      select(table1.c.myid, func.percentile_cont(0.5).withinGroup(table1.c.name)),
      "SELECT mytable.myid, percentile_cont(:percentile_cont_2) WITHIN GROUP (ORDER BY mytable.name) AS percentile_cont_1 FROM mytable",
      { params: { percentile_cont_2: 0.5 } },
    );
    assertCompile(
      select(table1.c.myid, func.percentile_cont(0.5).withinGroup(table1.c.name, table1.c.description)),
      "SELECT mytable.myid, percentile_cont(:percentile_cont_2) WITHIN GROUP (ORDER BY mytable.name, mytable.description) AS percentile_cont_1 FROM mytable",
    );
    assertCompile(
      select(table1.c.myid, func.percentile_cont(0.5).withinGroup(table1.c.name.desc())),
      "SELECT mytable.myid, percentile_cont(:percentile_cont_2) WITHIN GROUP (ORDER BY mytable.name DESC) AS percentile_cont_1 FROM mytable",
    );
  });
  it("test_within_group_filter", () => {
    assertCompile(
      select(table1.c.myid, func.percentile_cont(0.5).withinGroup(table1.c.name).filter(table1.c.myid.gt(42))),
      "SELECT mytable.myid, percentile_cont(:percentile_cont_1) WITHIN GROUP (ORDER BY mytable.name) FILTER (WHERE mytable.myid > :myid_1) AS anon_1 FROM mytable",
      { params: { percentile_cont_1: 0.5, myid_1: 42 } },
    );
    const wg = func.percentile_cont(0.5).withinGroup(table1.c.name);
    expect(wg.filter()).toBe(wg);
  });
  it("mode / rank / dense_rank / percent_rank / cume_dist render WITHIN GROUP", () => {
    const data = column("data", Integer());
    assertCompile(func.mode().withinGroup(data.desc()), "mode() WITHIN GROUP (ORDER BY data DESC)");
    const loose = func as unknown as Record<string, (...a: unknown[]) => FunctionElement>;
    assertCompile(loose.rank!(5).withinGroup(data), "rank(:rank_1) WITHIN GROUP (ORDER BY data)");
    assertCompile(loose.dense_rank!(5).withinGroup(data), "dense_rank(:dense_rank_1) WITHIN GROUP (ORDER BY data)");
    assertCompile(func.percent_rank(5).withinGroup(data), "percent_rank($1::INTEGER) WITHIN GROUP (ORDER BY data)", { dialect: "postgresql" });
    assertCompile(func.cume_dist(5).withinGroup(data), "cume_dist(:cume_dist_1) WITHIN GROUP (ORDER BY data)");
  });
});

describe("CompileTest: return types", () => {
  it("test_generic_now / test_generic_random", () => {
    expect(func.now().type).toBeInstanceOf(DateTimeType);
    assertCompile(func.now(), "CURRENT_TIMESTAMP", { dialect: "sqlite" });
    assertCompile(func.now(), "now()", { dialect: "postgresql" });
    expect(func.random().withType(Integer()).type).toBeInstanceOf(IntegerType);
  });
  it("test_return_type_detection: coalesce / max / min / sum take the arguments' type", () => {
    for (const fn of [func.coalesce, func.max, func.min, func.sum] as ((...a: unknown[]) => FunctionElement)[]) {
      expect(fn(new Date(2007, 9, 5), new Date(2005, 9, 15)).type).toBeInstanceOf(DateTimeType);
      expect(fn(3, 5).type).toBeInstanceOf(IntegerType);
      expect(fn(3.5, 5.25).type).toBeInstanceOf(FloatType);
      expect(fn("foo", "bar").type).toBeInstanceOf(StringType);
    }
    expect(func.concat("foo", "bar").type).toBeInstanceOf(StringType);
    expect(func.max(table1.c.myfloat).type).toBe(table1.c.myfloat.type);
  });
  it("fixed types of the known functions", () => {
    expect(func.char_length("x").type).toBeInstanceOf(IntegerType);
    expect(func.current_date().type).toBeInstanceOf(DateType);
    expect(func.current_timestamp().type).toBeInstanceOf(DateTimeType);
    expect(func.current_time().type).toBeInstanceOf(TimeType);
    expect(func.localtime().type).toBeInstanceOf(TimeType);
    expect(func.localtimestamp().type).toBeInstanceOf(DateTimeType);
    for (const n of ["current_user", "session_user", "user"]) expect(func[n]!().type).toBeInstanceOf(StringType);
    expect(func.nosuchfunction().type).toBe(NULLTYPE);
  });
  it("test_custom_type: withType() sets the type, SQL unchanged", () => {
    const fn = func.myfunc().withType(JSON());
    expect(fn.type.affinity).toBe("json");
    assertCompile(fn, "myfunc()");
    assertCompile(select(fn), "SELECT myfunc() AS myfunc_1");
    // typeCoerce() types an expression too, but labels it anonymously.
    assertCompile(select(typeCoerce(func.myfunc(), Integer())), "SELECT myfunc() AS anon_1");
  });
});

describe("ReturnTypeTest", () => {
  it("test_array_agg: ARRAY of the argument's type, one dimension", () => {
    const t = func.array_agg(column("data", Integer())).type as ArrayType;
    expect(t).toBeInstanceOf(ArrayType);
    expect(t.itemType).toBeInstanceOf(IntegerType);
    expect(t.dimensions).toBe(1);
  });
  it("test_array_agg_array_datatype: an ARRAY argument keeps its type", () => {
    const col = column("data", ARRAY(Integer()));
    const t = func.array_agg(col).type as ArrayType;
    expect(t).toBeInstanceOf(ArrayType);
    expect(t.itemType).toBeInstanceOf(IntegerType);
    expect(t.dimensions).toBe((col.type as ArrayType).dimensions);
  });
  it("test_array_agg_array_literal_explicit_type", () => {
    const agg = func.array_agg(column("data", Integer())).withType(ARRAY(Integer()));
    expect((agg.type as ArrayType).itemType).toBeInstanceOf(IntegerType);
    assertCompile(agg, "array_agg(data)", { dialect: "postgresql" });
  });
  it("test_mode / test_percentile_cont: the sort expression's type", () => {
    expect(func.mode(0.5).withinGroup(column("data", Integer()).desc()).type).toBeInstanceOf(IntegerType);
    expect(func.percentile_cont(0.5).withinGroup(column("data", Integer())).type).toBeInstanceOf(IntegerType);
  });
  it("test_percentile_cont_array (and _desc): several fractions give an ARRAY", () => {
    for (const order of [column("data", Integer()), column("data", Integer()).desc()]) {
      for (const fn of [func.percentile_cont, func.percentile_disc]) {
        const t = fn(0.5, 0.7).withinGroup(order).type as ArrayType;
        expect(t).toBeInstanceOf(ArrayType);
        expect(t.itemType).toBeInstanceOf(IntegerType);
      }
    }
  });
  it("test_cume_dist / test_percent_rank: a fixed type, not the sort expression's", () => {
    expect(func.cume_dist(0.5).withinGroup(column("data", Integer()).desc()).type).toBeInstanceOf(FloatType);
    expect(func.percent_rank(0.5).withinGroup(column("data", Integer())).type).toBeInstanceOf(FloatType);
  });
  it("test_return_type_aggregate_strings", () => {
    expect(func.aggregate_strings(column("value", String()), ",").type).toBeInstanceOf(StringType);
  });
});

describe("CompileTest: compiled on both dialects", () => {
  it("a function's binds are positional on PostgreSQL", () => {
    const c = compile(select(func.lala(1, 2)), "postgresql");
    expect(c.sql).toBe("SELECT lala($1::INTEGER, $2::INTEGER) AS lala_1");
  });
});

/**
 * Expression-language constructs added after the 12:40 probe (issue 2), compared with SQLAlchemy
 * 2.0's test_operators.py / test_compiler.py / test_functions.py strings for the display
 * dialect, and with SQLAlchemy's PostgreSQL and SQLite spellings.
 */
import { describe, expect, it } from "vitest";
import {
  ARRAY, ArgumentError, CompileError, DateTime, Integer, JSON, LABEL_STYLE_DISAMBIGUATE_ONLY, LABEL_STYLE_NONE, LABEL_STYLE_TABLENAME_PLUS_COL, Sequence, String,
  all_, any_, bindparam, cast, column, exceptAll, extract, func, insert, intersectAll, literal, not, select, table, tablesample, text, tuple, tuple_, typeCoerce,
} from "../../../src/index.js";
import { assertCompile, compile, mytable, postgresqlDialect, schema } from "./helpers.js";

const t = mytable.c;
const x = column("x", String());

describe("is() / isNot()", () => {
  it("renders IS NULL, IS true and IS :param", () => {
    assertCompile(t.myid.is(null), "mytable.myid IS NULL", { params: {} });
    assertCompile(t.myid.isNot(null), "mytable.myid IS NOT NULL");
    assertCompile(t.myid.is(true), "mytable.myid IS true");
    assertCompile(t.myid.is(true), "mytable.myid IS 1", { dialect: "sqlite" });
    assertCompile(t.myid.isNot(false), "mytable.myid IS NOT false", { dialect: "postgresql" });
    assertCompile(t.myid.is(5), "mytable.myid IS :myid_1", { params: { myid_1: 5 } });
  });
  it("not() flips IS to IS NOT", () => {
    assertCompile(not(t.myid.is(null)), "mytable.myid IS NOT NULL");
  });
});

describe("bitwise operators (2.0)", () => {
  it.each([
    ["bitwiseAnd", t.myid.bitwiseAnd(5), "&"],
    ["bitwiseOr", t.myid.bitwiseOr(5), "|"],
    ["bitwiseXor", t.myid.bitwiseXor(5), "^"],
    ["bitwiseLshift", t.myid.bitwiseLshift(5), "<<"],
    ["bitwiseRshift", t.myid.bitwiseRshift(5), ">>"],
  ] as const)("%s", (_n, expr, op) => {
    assertCompile(expr, `mytable.myid ${op} :myid_1`, { params: { myid_1: 5 } });
  });
  it("bitwiseNot", () => {
    assertCompile(t.myid.bitwiseNot(), "~mytable.myid");
  });
  it("XOR is # on PostgreSQL and (a | b) - (a & b) on SQLite", () => {
    assertCompile(t.myid.bitwiseXor(5), "mytable.myid # $1", { dialect: "postgresql", positional: [5] });
    assertCompile(t.myid.bitwiseXor(5), "((mytable.myid | ?) - (mytable.myid & ?))", { dialect: "sqlite", positional: [5, 5] });
  });
  it("precedence against custom operators (test_bitwise_op_precedence)", () => {
    assertCompile(t.myid.bitwiseAnd(5).op("lala", { precedence: 6 })(4), "mytable.myid & :myid_1 lala :param_1");
    assertCompile(t.myid.bitwiseAnd(5).op("lala", { precedence: 8 })(4), "(mytable.myid & :myid_1) lala :param_1");
    assertCompile(t.myid.bitwiseNot().op("lala", { precedence: 7 })(4), "~mytable.myid lala :param_1");
    assertCompile(t.myid.bitwiseNot().op("lala", { precedence: 9 })(4), "(~mytable.myid) lala :param_1");
  });
  it("binds tighter than comparison", () => {
    assertCompile(t.myid.bitwiseAnd(4).eq(4), "mytable.myid & :myid_1 = :param_1");
  });
});

describe("op() precedence and boolOp()", () => {
  it("custom precedence decides the parentheses (test_op_operators_custom_precedence)", () => {
    const op1 = t.myid.op("hoho", { precedence: 5 });
    assertCompile(op1(5).op("lala", { precedence: 4 })(4), "mytable.myid hoho :myid_1 lala :param_1");
    assertCompile(op1(5).op("lala", { precedence: 6 })(4), "(mytable.myid hoho :myid_1) lala :param_1");
  });
  it("boolOp() is a boolean condition usable in WHERE", () => {
    const cond = t.name.boolOp("@@")("x");
    expect(cond.type.affinity).toBe("boolean");
    assertCompile(select(t.myid).where(cond), "SELECT mytable.myid FROM mytable WHERE mytable.name @@ :name_1");
  });
});

describe("icontains / istartsWith / iendsWith (2.0)", () => {
  it("display and SQLite lower() both sides", () => {
    assertCompile(x.icontains("y"), "lower(x) LIKE '%' || lower(:x_1) || '%'", { params: { x_1: "y" } });
    assertCompile(not(x.icontains("y")), "lower(x) NOT LIKE '%' || lower(:x_1) || '%'");
    assertCompile(x.istartsWith("y"), "lower(x) LIKE lower(:x_1) || '%'");
    assertCompile(x.iendsWith("y"), "lower(x) LIKE '%' || lower(:x_1)");
    assertCompile(x.icontains("y"), "lower(x) LIKE '%' || lower(?) || '%'", { dialect: "sqlite" });
  });
  it("PostgreSQL uses ILIKE without lower()", () => {
    assertCompile(x.icontains("y"), "x ILIKE '%' || $1 || '%'", { dialect: "postgresql" });
    assertCompile(not(x.icontains("y")), "x NOT ILIKE '%' || $1 || '%'", { dialect: "postgresql" });
    assertCompile(x.istartsWith("y"), "x ILIKE $1 || '%'", { dialect: "postgresql" });
  });
  it("escape and autoescape as contains()", () => {
    assertCompile(x.icontains("a%b_c", { escape: "\\" }), "lower(x) LIKE '%' || lower(:x_1) || '%' ESCAPE '\\'", { params: { x_1: "a%b_c" } });
    assertCompile(x.icontains("a%b_c/d", { autoescape: true }), "lower(x) LIKE '%' || lower(:x_1) || '%' ESCAPE '/'", { params: { x_1: "a/%b/_c//d" } });
    assertCompile(x.icontains("foo%bar^bat", { escape: "^", autoescape: true }), "lower(x) LIKE '%' || lower(:x_1) || '%' ESCAPE '^'", {
      params: { x_1: "foo^%bar^^bat" },
    });
    expect(() => x.icontains(column("y"), { autoescape: true })).toThrow(ArgumentError);
  });
});

describe("regexpReplace / match / regexpMatch display", () => {
  it("regexpReplace per dialect (test_regexp_replace*)", () => {
    // @ts-expect-error: myid is an INTEGER, and string operators are typed to strings; the display form is still checked
    assertCompile(t.myid.regexpReplace("pattern", "replacement"), "<regexp replace>(mytable.myid, :myid_1, :myid_2)", {
      params: { myid_1: "pattern", myid_2: "replacement" },
    });
    // @ts-expect-error: as above
    assertCompile(t.myid.regexpReplace("pattern", t.name), "<regexp replace>(mytable.myid, :myid_1, mytable.name)");
    assertCompile(literal("string").regexpReplace("pattern", t.name), "<regexp replace>(:param_1, :param_2, mytable.name)");
    assertCompile(t.name.regexpReplace("p", "r"), "REGEXP_REPLACE(mytable.name, $1, $2)", { dialect: "postgresql" });
    assertCompile(t.name.regexpReplace("p", "r", "ig"), "REGEXP_REPLACE(mytable.name, $1, $2, 'ig')", { dialect: "postgresql" });
    expect(() => compile(t.name.regexpReplace("p", "r"), "sqlite")).toThrow(/sqlite dialect does not support regular expression replacements/);
    expect(() => compile(t.name.regexpReplace("p", "r"), "sqlite")).toThrow(CompileError);
  });
  it("regexpMatch in the display dialect (StrSQLCompiler)", () => {
    assertCompile(t.name.regexpMatch("pattern"), "mytable.name <regexp> :name_1");
    assertCompile(not(t.name.regexpMatch("pattern")), "mytable.name <not regexp> :name_1");
  });
  it("match() (MatchTest)", () => {
    assertCompile(t.name.match("somstr"), "mytable.name MATCH :name_1");
    assertCompile(t.name.match("somstr"), "mytable.name MATCH ?", { dialect: "sqlite" });
    assertCompile(t.name.match("somstr"), "mytable.name @@ plainto_tsquery($1)", { dialect: "postgresql" });
    assertCompile(not(t.name.match("somstr")), "NOT mytable.name @@ plainto_tsquery($1)", { dialect: "postgresql" });
  });
});

describe("functions: withinGroup, extract", () => {
  it("WITHIN GROUP with OVER and FILTER (test_functions.py)", () => {
    assertCompile(
      select(t.myid, func.percentile_cont(0.5).withinGroup(t.name, t.description)),
      "SELECT mytable.myid, percentile_cont(:percentile_cont_2) WITHIN GROUP (ORDER BY mytable.name, mytable.description) AS percentile_cont_1 FROM mytable",
      { params: { percentile_cont_2: 0.5 } },
    );
    assertCompile(
      select(t.myid, func.percentile_cont(0.5).withinGroup(t.name.desc()).over({ partitionBy: t.description })),
      "SELECT mytable.myid, percentile_cont(:percentile_cont_1) WITHIN GROUP (ORDER BY mytable.name DESC) OVER (PARTITION BY mytable.description) AS anon_1 FROM mytable",
      { params: { percentile_cont_1: 0.5 } },
    );
    assertCompile(
      select(t.myid, func.percentile_cont(0.5).withinGroup(t.name).filter(t.myid.gt(42))),
      "SELECT mytable.myid, percentile_cont(:percentile_cont_1) WITHIN GROUP (ORDER BY mytable.name) FILTER (WHERE mytable.myid > :myid_1) AS anon_1 FROM mytable",
      { params: { percentile_cont_1: 0.5, myid_1: 42 } },
    );
  });
  it("WITHIN GROUP (ORDER BY …)", () => {
    assertCompile(
      select(func.percentile_cont(0.5).withinGroup(t.myid)),
      "SELECT percentile_cont(:percentile_cont_2) WITHIN GROUP (ORDER BY mytable.myid) AS percentile_cont_1 FROM mytable",
    );
    assertCompile(func.mode().withinGroup(t.name.desc()), "mode() WITHIN GROUP (ORDER BY mytable.name DESC)");
    expect(func.mode().withinGroup(t.name).type.affinity).toBe("string");
    expect(() => func.mode().withinGroup()).toThrow(ArgumentError);
  });
  it("extract per dialect", () => {
    const ts = column("ts", DateTime());
    assertCompile(extract("year", ts), "EXTRACT(year FROM ts)");
    assertCompile(extract("year", ts), "EXTRACT(year FROM ts)", { dialect: "postgresql" });
    assertCompile(extract("year", ts), "CAST(STRFTIME('%Y', ts) AS INTEGER)", { dialect: "sqlite" });
    assertCompile(extract("dow", ts), "CAST(STRFTIME('%w', ts) AS INTEGER)", { dialect: "sqlite" });
    expect(() => compile(extract("millennium", ts), "sqlite")).toThrow(/millennium is not a valid extract argument/);
    expect(() => extract("year); DROP TABLE x; --", ts)).toThrow(ArgumentError);
  });
});

describe("any_ / all_", () => {
  const arr = table("tab", column("arr", ARRAY(Integer())), column("data", Integer()));
  it("renders the aggregate on the right, mirroring the comparison", () => {
    assertCompile(any_(arr.c.arr).eq(5), ":param_1 = ANY (tab.arr)", { params: { param_1: 5 } });
    assertCompile(all_(arr.c.arr).eq(5), ":param_1 = ALL (tab.arr)");
    assertCompile(any_(arr.c.arr).lt(5), ":param_1 > ANY (tab.arr)");
    assertCompile(arr.c.data.eq(any_(arr.c.arr)), "tab.data = ANY (tab.arr)");
    assertCompile(arr.c.data.eq(arr.c.arr.any_()), "tab.data = ANY (tab.arr)");
    assertCompile(any_(arr.c.arr).eq(5), "$1 = ANY (tab.arr)", { dialect: "postgresql" });
    assertCompile(arr.c.data.eq(any_(select(arr.c.data).scalarSubquery())), "tab.data = ANY (SELECT tab.data FROM tab)");
  });
  it("negates with NOT and compares NULL with = (test_array_modern_any_all, test_any_generic_null)", () => {
    assertCompile(not(any_(arr.c.arr).eq(5)), "NOT (:param_1 = ANY (tab.arr))");
    assertCompile(not(literal(5).eq(arr.c.arr.any_())), "NOT (:param_1 = ANY (tab.arr))");
    assertCompile(literal(5).ne(any_(arr.c.arr)), ":param_1 != ANY (tab.arr)");
    assertCompile(literal(6).gt(all_(arr.c.arr)), ":param_1 > ALL (tab.arr)");
    assertCompile(any_(arr.c.arr).eq(null), "NULL = ANY (tab.arr)");
    assertCompile(not(any_(arr.c.arr).eq(null)), "NOT (NULL = ANY (tab.arr))");
  });
  it("binds the compared value with the array's element type", () => {
    expect(any_(arr.c.arr).type.affinity).toBe("integer");
  });
  it("refuses non-comparisons and SQLite", () => {
    // @ts-expect-error: LIKE is typed to strings; the run-time refusal is what is tested here
    expect(() => any_(arr.c.arr).like("x")).toThrow(ArgumentError);
    expect(() => compile(any_(arr.c.arr).eq(5), "sqlite")).toThrow(CompileError);
  });
});

describe("typeCoerce, tuple_, Sequence.nextValue, literalExecute", () => {
  it("typeCoerce renders no CAST and labels a column by its name", () => {
    const e = typeCoerce(t.myid, String());
    expect(e.type.affinity).toBe("string");
    assertCompile(select(e), "SELECT mytable.myid AS myid FROM mytable");
    assertCompile(typeCoerce("5", Integer()).eq(t.myid), ":param_1 = mytable.myid");
  });
  it("tuple_ is tuple", () => {
    assertCompile(tuple_(t.myid, t.name).eq(tuple(1, "a")), "(mytable.myid, mytable.name) = (:param_1, :param_2)");
  });
  it("Sequence.nextValue()", () => {
    const seq = Sequence("my_seq");
    assertCompile(select(seq.nextValue()), "SELECT <next sequence value: my_seq> AS next_value_1");
    assertCompile(select(seq.nextValue()), "SELECT nextval('my_seq') AS next_value_1", { dialect: "postgresql" });
    expect(() => compile(select(seq.nextValue()), "sqlite")).toThrow("Dialect 'sqlite' does not support sequence increments.");
  });
  it("literalExecute binds are post-compile markers rendered at execution", () => {
    const stmt = select(t.myid).where(t.myid.eq(bindparam("q", 5, { literalExecute: true })));
    assertCompile(stmt, "SELECT mytable.myid FROM mytable WHERE mytable.myid = __[POSTCOMPILE_q]");
    const c = stmt.compile({ dialect: postgresqlDialect });
    expect(c.construct(undefined, undefined)).toEqual({ sql: "SELECT mytable.myid \nFROM mytable \nWHERE mytable.myid = 5", params: [] });
    expect(c.construct(undefined, { q: 7 }).sql).toMatch(/= 7$/);
    assertCompile(stmt, "SELECT mytable.myid FROM mytable WHERE mytable.myid = 5", { literalBinds: true });
    assertCompile(t.myid.eq(literal(5, Integer(), { literalExecute: true })), "mytable.myid = __[POSTCOMPILE_param_1]");
    const inStmt = select(t.myid).where(t.myid.in(bindparam("l", [1, 2], { literalExecute: true, expanding: true })));
    expect(inStmt.compile({ dialect: postgresqlDialect }).construct(undefined, undefined).sql).toMatch(/IN \(1, 2\)$/);
  });
});

describe("display dialect applies no driver-level wrappers", () => {
  it("PostgreSQL compile renders timestamp, JSON and ARRAY columns and binds bare; the engine's compile wraps them", () => {
    const ev = table("ev", column("at", DateTime()), column("doc", JSON()), column("tags", ARRAY(Integer())));
    assertCompile(select(ev), "SELECT ev.at, ev.doc, ev.tags FROM ev", { dialect: "postgresql" });
    assertCompile(insert(ev).values({ doc: { a: 1 } }), "INSERT INTO ev (doc) VALUES ($1)", { dialect: "postgresql" });
    expect(compile(select(ev), "postgresql", { forExecution: true }).sql.replace(/\n/g, "")).toBe(
      "SELECT CAST(ev.at AS TEXT) AS at, CAST(ev.doc AS TEXT) AS doc, CAST(ev.tags AS TEXT) AS tags FROM ev",
    );
    expect(compile(insert(ev).values({ doc: { a: 1 } }), "postgresql", { forExecution: true }).sql).toBe(
      "INSERT INTO ev (doc) VALUES (CAST(CAST($1 AS TEXT) AS JSON))",
    );
  });
  it("now() prints as SQLAlchemy does on every dialect; only the engine's compile adds the PostgreSQL wrapper", () => {
    assertCompile(select(func.now()), "SELECT now() AS now_1");
    assertCompile(select(func.now()), "SELECT now() AS now_1", { dialect: "postgresql" });
    expect(compile(select(func.now()), "postgresql", { forExecution: true }).sql).toContain("AT TIME ZONE");
  });
});

describe("fetch() and compound ALL", () => {
  it("FETCH FIRST per dialect", () => {
    assertCompile(select(t.myid).fetch(5), "SELECT mytable.myid FROM mytable FETCH FIRST :param_1 ROWS ONLY", { params: { param_1: 5 } });
    assertCompile(select(t.myid).orderBy(t.myid).offset(2).fetch(5, { withTies: true }), "SELECT mytable.myid FROM mytable ORDER BY mytable.myid OFFSET :param_1 ROWS FETCH FIRST :param_2 ROWS WITH TIES");
    assertCompile(select(t.myid).fetch(5, { percent: true }), "SELECT mytable.myid FROM mytable FETCH FIRST :param_1 PERCENT ROWS ONLY");
    assertCompile(select(t.myid).offset(2).fetch(5), "SELECT mytable.myid FROM mytable OFFSET ($1) ROWS FETCH FIRST ($2) ROWS ONLY", { dialect: "postgresql" });
    expect(() => compile(select(t.myid).fetch(5), "sqlite")).toThrow(/FETCH FIRST/);
    expect(() => select(t.myid).fetch(-1)).toThrow(ArgumentError);
  });
  it("limit() and fetch() replace each other", () => {
    assertCompile(select(t.myid).fetch(5).limit(3), "SELECT mytable.myid FROM mytable LIMIT :param_1", { params: { param_1: 3 } });
    assertCompile(select(t.myid).limit(3).fetch(5), "SELECT mytable.myid FROM mytable FETCH FIRST :param_1 ROWS ONLY", { params: { param_1: 5 } });
  });
  it("exceptAll / intersectAll functions", () => {
    const a = select(t.myid);
    assertCompile(exceptAll(a, a), "SELECT mytable.myid FROM mytable EXCEPT ALL SELECT mytable.myid FROM mytable");
    assertCompile(intersectAll(a, a), "SELECT mytable.myid FROM mytable INTERSECT ALL SELECT mytable.myid FROM mytable");
    expect(() => compile(exceptAll(a, a), "sqlite")).toThrow(CompileError);
  });
});

describe("label styles, reduceColumns (test_compiler.py / test_selectable.py)", () => {
  const foo = table("foo", column("id"), column("bar_id"));
  const fooBar = table("foo_bar", column("id"));
  const tt = table("t", column("a"), column("b"));
  it("LABEL_STYLE_TABLENAME_PLUS_COL labels <table>_<column>, de-duplicating", () => {
    assertCompile(
      select(foo, fooBar).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL),
      "SELECT foo.id AS foo_id, foo.bar_id AS foo_bar_id, foo_bar.id AS foo_bar_id_1 FROM foo, foo_bar",
    );
    assertCompile(select(tt.c.a, tt.c.a, tt.c.b, tt.c.a).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL), "SELECT t.a AS t_a, t.a AS t_a__1, t.b AS t_b, t.a AS t_a__2 FROM t");
    const sq = select(foo).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL).subquery();
    expect(Object.keys(sq.c)).toEqual(["foo_id", "foo_bar_id"]);
    expect(select(foo).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL).getLabelStyle()).toBe(LABEL_STYLE_TABLENAME_PLUS_COL);
  });
  it("DISAMBIGUATE_ONLY (default) and NONE", () => {
    expect(select(foo).getLabelStyle()).toBe(LABEL_STYLE_DISAMBIGUATE_ONLY);
    assertCompile(select(foo.c.id, fooBar.c.id).setLabelStyle(LABEL_STYLE_DISAMBIGUATE_ONLY), "SELECT foo.id, foo_bar.id AS id_1 FROM foo, foo_bar");
    assertCompile(select(foo.c.id, fooBar.c.id).setLabelStyle(LABEL_STYLE_NONE), "SELECT foo.id, foo_bar.id FROM foo, foo_bar");
    assertCompile(
      select(cast(tt.c.a, Integer()), cast(tt.c.a, String()), tt.c.a).setLabelStyle(LABEL_STYLE_NONE),
      "SELECT CAST(t.a AS INTEGER) AS a, CAST(t.a AS VARCHAR) AS a, t.a FROM t",
    );
    expect(Object.keys(select(foo.c.id, fooBar.c.id).subquery().c)).toEqual(["id", "id_1"]);
  });
  it("reduceColumns drops a foreign key column equal to its target, and WHERE-equated synonyms", () => {
    const { users, addresses } = schema();
    const t2 = table("t2", column("myid", Integer()), column("other", Integer()));
    assertCompile(select(t.myid, t2.c.myid, t2.c.other).where(t.myid.eq(t2.c.myid)).reduceColumns(), "SELECT mytable.myid, t2.other FROM mytable, t2 WHERE mytable.myid = t2.myid");
    assertCompile(select(users.c.id, addresses.c.user_id).join(addresses).reduceColumns(false), "SELECT users.id FROM users JOIN addresses ON users.id = addresses.user_id");
    assertCompile(select(users.c.id, addresses.c.user_id).join(addresses).reduceColumns(), "SELECT users.id, addresses.user_id FROM users JOIN addresses ON users.id = addresses.user_id");
  });
});

describe("tablesample and text().columns()", () => {
  it("TABLESAMPLE (test_compiler.py test_tablesample)", () => {
    assertCompile(
      select(tablesample(mytable, func.bernoulli(1), { name: "alias", seed: func.random() }).c.myid),
      "SELECT alias.myid FROM mytable AS alias TABLESAMPLE bernoulli(:bernoulli_1) REPEATABLE (random())",
      { params: { bernoulli_1: 1 } },
    );
    assertCompile(select(tablesample(mytable, 10).c.myid), "SELECT mytable_1.myid FROM mytable AS mytable_1 TABLESAMPLE system(:system_1)");
    // test_tablesample.py: standalone, the method form, and text() as the system() argument
    assertCompile(tablesample(mytable, 1, { name: "alias" }), "mytable AS alias TABLESAMPLE system(:system_1)");
    assertCompile(mytable.tablesample(1, { name: "alias" }), "mytable AS alias TABLESAMPLE system(:system_1)");
    assertCompile(select(mytable.tablesample(text("1"), { name: "alias" }).c.myid), "SELECT alias.myid FROM mytable AS alias TABLESAMPLE system(1)");
    assertCompile(select(tablesample(mytable, 10, { name: "s" }).c.myid), "SELECT s.myid FROM mytable AS s TABLESAMPLE system($1)", { dialect: "postgresql" });
    expect(() => compile(select(tablesample(mytable, 10).c.myid), "sqlite")).toThrow(/TABLESAMPLE/);
  });
  it("a TextualSelect is a statement and a subquery with typed columns", () => {
    const ts = text("SELECT id, name FROM users WHERE id > :n").columns(column("id", Integer()), { name: String() }).bindparams({ n: 1 });
    assertCompile(ts, "SELECT id, name FROM users WHERE id > :n", { params: { n: 1 } });
    const c = compile(ts);
    expect(c.resultColumns.map((r) => [r.key, r.type.affinity])).toEqual([["id", "integer"], ["name", "string"]]);
    const sq = ts.subquery("u");
    assertCompile(select(sq.c.name).where(sq.c.id.eq(3)), "SELECT u.name FROM (SELECT id, name FROM users WHERE id > :n) AS u WHERE u.id = :id_1");
    assertCompile(select(t.myid).where(t.myid.in(text("SELECT id FROM x").columns(column("id", Integer())))), "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (SELECT id FROM x)");
    expect(() => text("SELECT 1").columns()).toThrow(ArgumentError);
  });
  it("TextualSelect in CTEs, compounds, scalar subqueries and with labels (test_text.py)", () => {
    const ct = text("select id, name from user").columns({ id: Integer(), name: String() }).cte("t");
    assertCompile(
      select(mytable).where(t.myid.eq(ct.c.id)),
      "WITH t AS (select id, name from user) SELECT mytable.myid, mytable.name, mytable.description FROM mytable, t WHERE mytable.myid = t.id",
    );
    const rt = text("select id, name from user").columns({ id: Integer(), name: String() }).cte("t", { recursive: true });
    assertCompile(
      select(mytable).where(t.myid.eq(rt.c.id)),
      "WITH RECURSIVE t(id, name) AS (select id, name from user) SELECT mytable.myid, mytable.name, mytable.description FROM mytable, t WHERE mytable.myid = t.id",
    );
    const s1 = text("select id, name from user where id > 5").columns({ id: Integer(), name: String() });
    const s2 = text("select id, name from user where id < 15").columns({ id: Integer(), name: String() });
    assertCompile(s1.union(s2), "select id, name from user where id > 5 UNION select id, name from user where id < 15");
    const xt = table("t", column("x", Integer()), column("y", Integer()));
    assertCompile(select(text("SELECT x from t").columns(xt.c.x).scalarSubquery()), "SELECT (SELECT x from t) AS anon_1");
    const labelled = text("select x AS a, y AS b FROM t").columns(xt.c.x.label("a"), xt.c.y.label("b"));
    expect(compile(labelled).resultColumns.map((r) => r.key)).toEqual(["a", "b"]);
    assertCompile(select(labelled.subquery()), "SELECT anon_1.a, anon_1.b FROM (select x AS a, y AS b FROM t) AS anon_1");
  });
});

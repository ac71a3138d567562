/**
 * SQLAlchemy test/sql/test_operators.py, ported by behaviour: LikeTest, ComposedLikeOperatorsTest
 * (contains / startsWith / endsWith and their case-insensitive forms, escape, autoescape, NOT,
 * text() and literal operands), MatchTest, RegexpTest / RegexpTestStrCompiler, on the display
 * dialect, PostgreSQL (ILIKE, `~`, REGEXP_REPLACE) and SQLite. Cases already in
 * operators.test.ts (plain contains/startsWith/endsWith, autoescape with `/` and `\`) are not
 * repeated.
 *
 * Skipped:
 * - the *_mysql / *_concat cases and MatchTest's MySQL / MSSQL / Oracle forms: other dialects.
 * - test_endswith_autoescape_warning: Python's truthy non-bool `autoescape="P"`; athanor's
 *   option is a boolean.
 * - RegexpTest (plain DefaultDialect raising "does not support regular expressions"): athanor's
 *   display dialect is SQLAlchemy's StrSQLCompiler ("default_enhanced"), ported below.
 *
 * Known differences:
 * - PostgreSQL parameters carry no `::VARCHAR` casts outside the SELECT list (athanor's driver
 *   binds text parameters as text); the operator text is SQLAlchemy's.
 * - bytes operands (test_contains_encoded & co) bind as Uint8Array and render the same SQL.
 */
import { describe, expect, it } from "vitest";
import { ArgumentError, CompileError, Integer, String, and, column, literal, literalColumn, not, table, text } from "../../../src/index.js";
import { assertCompile, compile } from "./helpers.js";

const x = column("x", String());
const bytes = new Uint8Array([121]);

describe("LikeTest", () => {
  const t1 = table("mytable", column("myid", String()), column("name", String()));
  const { myid, name } = t1.c;

  it("like, NOT LIKE, ESCAPE (a quote escape doubles)", () => {
    assertCompile(myid.like("somstr"), "mytable.myid LIKE :myid_1", { params: { myid_1: "somstr" } });
    assertCompile(not(myid.like("somstr")), "mytable.myid NOT LIKE :myid_1");
    assertCompile(myid.like("somstr", { escape: "\\" }), "mytable.myid LIKE :myid_1 ESCAPE '\\'");
    assertCompile(myid.like("somstr", { escape: "'" }), "mytable.myid LIKE :myid_1 ESCAPE ''''");
    assertCompile(not(myid.like("somstr", { escape: "\\" })), "mytable.myid NOT LIKE :myid_1 ESCAPE '\\'");
  });

  it("ilike: lower() LIKE lower() by default, ILIKE on PostgreSQL, with ESCAPE and NOT", () => {
    assertCompile(myid.ilike("somstr", { escape: "\\" }), "lower(mytable.myid) LIKE lower(:myid_1) ESCAPE '\\'");
    assertCompile(not(myid.ilike("somstr", { escape: "\\" })), "lower(mytable.myid) NOT LIKE lower(:myid_1) ESCAPE '\\'");
    assertCompile(myid.ilike("somstr", { escape: "\\" }), "mytable.myid ILIKE $1 ESCAPE '\\'", { dialect: "postgresql" });
    assertCompile(not(myid.ilike("somstr", { escape: "\\" })), "mytable.myid NOT ILIKE $1 ESCAPE '\\'", { dialect: "postgresql" });
    assertCompile(name.ilike("%something%"), "lower(mytable.name) LIKE lower(:name_1)", { params: { name_1: "%something%" } });
    assertCompile(name.ilike("%something%"), "mytable.name ILIKE $1", { dialect: "postgresql", positional: ["%something%"] });
    assertCompile(not(name.ilike("%something%")), "lower(mytable.name) NOT LIKE lower(:name_1)");
    assertCompile(not(name.ilike("%something%")), "mytable.name NOT ILIKE $1", { dialect: "postgresql" });
    assertCompile(name.ilike("%something%"), "lower(mytable.name) LIKE lower(?)", { dialect: "sqlite" });
  });

  it("an empty escape renders ESCAPE '' (test_*_escape_empty)", () => {
    assertCompile(x.like("y", { escape: "" }), "x LIKE :x_1 ESCAPE ''", { params: { x_1: "y" } });
    assertCompile(x.ilike("y", { escape: "" }), "lower(x) LIKE lower(:x_1) ESCAPE ''");
    assertCompile(x.notLike("y", { escape: "" }), "x NOT LIKE :x_1 ESCAPE ''");
    assertCompile(x.notIlike("y", { escape: "" }), "lower(x) NOT LIKE lower(:x_1) ESCAPE ''");
    assertCompile(x.notIlike("a%b_c", { escape: "\\" }), "lower(x) NOT LIKE lower(:x_1) ESCAPE '\\'", { params: { x_1: "a%b_c" } });
  });
});

describe("ComposedLikeOperatorsTest", () => {
  it("text() and literal operands render as written", () => {
    assertCompile(x.contains(text("y")), "x LIKE '%' || y || '%'", { params: {} });
    assertCompile(x.startsWith(text("y")), "x LIKE y || '%'", { params: {} });
    assertCompile(x.startsWith(literalColumn("y")), "x LIKE y || '%'", { params: {} });
    assertCompile(x.endsWith(text("y")), "x LIKE '%' || y", { params: {} });
    assertCompile(x.endsWith(literalColumn("y")), "x LIKE '%' || y", { params: {} });
    assertCompile(x.icontains(text("y")), "lower(x) LIKE '%' || lower(y) || '%'", { params: {} });
    assertCompile(x.icontains(literalColumn("y")), "lower(x) LIKE '%' || lower(y) || '%'", { params: {} });
    assertCompile(x.istartsWith(text("y")), "lower(x) LIKE lower(y) || '%'", { params: {} });
    assertCompile(x.istartsWith(literalColumn("y")), "lower(x) LIKE lower(y) || '%'", { params: {} });
    assertCompile(x.iendsWith(text("y")), "lower(x) LIKE '%' || lower(y)", { params: {} });
    assertCompile(x.iendsWith(literalColumn("y")), "lower(x) LIKE '%' || lower(y)", { params: {} });
  });

  it("bytes operands (test_*_encoded)", () => {
    const b = column("x") as unknown as typeof x;
    assertCompile(b.contains(bytes as never), "x LIKE '%' || :x_1 || '%'", { params: { x_1: bytes } });
    assertCompile(not(b.contains(bytes as never)), "x NOT LIKE '%' || $1 || '%'", { dialect: "postgresql", params: { x_1: bytes } });
    assertCompile(not(b.startsWith(bytes as never)), "x NOT LIKE :x_1 || '%'", { params: { x_1: bytes } });
    assertCompile(b.endsWith(bytes as never), "x LIKE '%' || :x_1", { params: { x_1: bytes } });
    assertCompile(not(b.icontains(bytes as never)), "lower(x) NOT LIKE '%' || lower(:x_1) || '%'", { params: { x_1: bytes } });
    assertCompile(b.istartsWith(bytes as never), "lower(x) LIKE lower(:x_1) || '%'", { params: { x_1: bytes } });
    assertCompile(not(b.iendsWith(bytes as never)), "lower(x) NOT LIKE '%' || lower(:x_1)", { params: { x_1: bytes } });
  });

  it("escape and NOT with startsWith / endsWith", () => {
    assertCompile(x.startsWith("a%b_c", { escape: "\\" }), "x LIKE :x_1 || '%' ESCAPE '\\'", { params: { x_1: "a%b_c" } });
    assertCompile(not(x.startsWith("a%b_c", { escape: "\\" })), "x NOT LIKE :x_1 || '%' ESCAPE '\\'");
    assertCompile(not(x.startsWith("a%b_c/d", { autoescape: true })), "x NOT LIKE :x_1 || '%' ESCAPE '/'", { params: { x_1: "a/%b/_c//d" } });
    assertCompile(x.startsWith("a%b_c/d", { autoescape: true }), "x LIKE :x_1 || '%' ESCAPE '/'", { params: { x_1: "a/%b/_c//d" } });
    assertCompile(x.endsWith("a%b_c", { escape: "\\" }), "x LIKE '%' || :x_1 ESCAPE '\\'", { params: { x_1: "a%b_c" } });
    assertCompile(x.endsWith("a%b_c/d", { autoescape: true }), "x LIKE '%' || :x_1 ESCAPE '/'", { params: { x_1: "a/%b/_c//d" } });
    assertCompile(not(x.endsWith("y")), "x NOT LIKE '%' || :x_1", { params: { x_1: "y" } });
    assertCompile(not(x.endsWith("y")), "x NOT LIKE '%' || $1", { dialect: "postgresql" });
    assertCompile(not(x.endsWith("a%b_c", { escape: "\\" })), "x NOT LIKE '%' || :x_1 ESCAPE '\\'");
    assertCompile(not(x.endsWith("a%b_c/d", { autoescape: true })), "x NOT LIKE '%' || :x_1 ESCAPE '/'", { params: { x_1: "a/%b/_c//d" } });
  });

  it("autoescape with a custom escape character escapes it, not '/'", () => {
    assertCompile(x.startsWith("a%b_c/d^e", { autoescape: true, escape: "^" }), "x LIKE :x_1 || '%' ESCAPE '^'", { params: { x_1: "a^%b^_c/d^^e" } });
    assertCompile(x.endsWith("a%b_c/d^e", { autoescape: true, escape: "^" }), "x LIKE '%' || :x_1 ESCAPE '^'", { params: { x_1: "a^%b^_c/d^^e" } });
    assertCompile(x.icontains("foo%bar^bat", { autoescape: true, escape: "^" }), "lower(x) LIKE '%' || lower(:x_1) || '%' ESCAPE '^'", {
      params: { x_1: "foo^%bar^^bat" },
    });
    assertCompile(x.istartsWith("a%b_c/d^e", { autoescape: true, escape: "^" }), "lower(x) LIKE lower(:x_1) || '%' ESCAPE '^'", {
      params: { x_1: "a^%b^_c/d^^e" },
    });
    assertCompile(x.iendsWith("a%b_c/d^e", { autoescape: true, escape: "^" }), "lower(x) LIKE '%' || lower(:x_1) ESCAPE '^'", {
      params: { x_1: "a^%b^_c/d^^e" },
    });
  });

  it("test_endswith_autoescape_nosqlexpr: autoescape needs a string value", () => {
    expect(() => x.endsWith(literalColumn("'a%b_c/d'"), { autoescape: true })).toThrow(ArgumentError);
    expect(() => x.endsWith(literalColumn("'a%b_c/d'"), { autoescape: true })).toThrow(/autoescape requires a string value/);
  });

  it.each([
    ["icontains", () => x.icontains("y"), "lower(x) LIKE '%' || lower(:x_1) || '%'", "x ILIKE '%' || $1 || '%'"],
    ["not icontains", () => not(x.icontains("y")), "lower(x) NOT LIKE '%' || lower(:x_1) || '%'", "x NOT ILIKE '%' || $1 || '%'"],
    ["istartsWith", () => x.istartsWith("y"), "lower(x) LIKE lower(:x_1) || '%'", "x ILIKE $1 || '%'"],
    ["not istartsWith", () => not(x.istartsWith("y")), "lower(x) NOT LIKE lower(:x_1) || '%'", "x NOT ILIKE $1 || '%'"],
    ["iendsWith", () => x.iendsWith("y"), "lower(x) LIKE '%' || lower(:x_1)", "x ILIKE '%' || $1"],
    ["not iendsWith", () => not(x.iendsWith("y")), "lower(x) NOT LIKE '%' || lower(:x_1)", "x NOT ILIKE '%' || $1"],
  ] as const)("%s: lower() by default and on SQLite, ILIKE on PostgreSQL", (_n, build, dflt, pg) => {
    assertCompile(build(), dflt, { params: { x_1: "y" } });
    assertCompile(build(), pg, { dialect: "postgresql", positional: ["y"] });
    assertCompile(build(), dflt.replace(":x_1", "?"), { dialect: "sqlite", positional: ["y"] });
  });

  it("case-insensitive forms with escape and autoescape, negated", () => {
    assertCompile(x.icontains("a%b_c", { escape: "\\" }), "lower(x) LIKE '%' || lower(:x_1) || '%' ESCAPE '\\'", { params: { x_1: "a%b_c" } });
    assertCompile(not(x.icontains("a%b_c", { escape: "\\" })), "lower(x) NOT LIKE '%' || lower(:x_1) || '%' ESCAPE '\\'");
    assertCompile(x.icontains("a%b_c/d", { autoescape: true }), "lower(x) LIKE '%' || lower(:x_1) || '%' ESCAPE '/'", { params: { x_1: "a/%b/_c//d" } });
    assertCompile(not(x.icontains("a%b_c/d", { autoescape: true })), "lower(x) NOT LIKE '%' || lower(:x_1) || '%' ESCAPE '/'");
    assertCompile(x.istartsWith("a%b_c", { escape: "\\" }), "lower(x) LIKE lower(:x_1) || '%' ESCAPE '\\'");
    assertCompile(not(x.istartsWith("a%b_c", { escape: "\\" })), "lower(x) NOT LIKE lower(:x_1) || '%' ESCAPE '\\'");
    assertCompile(x.istartsWith("a%b_c/d", { autoescape: true }), "lower(x) LIKE lower(:x_1) || '%' ESCAPE '/'", { params: { x_1: "a/%b/_c//d" } });
    assertCompile(not(x.istartsWith("a%b_c/d", { autoescape: true })), "lower(x) NOT LIKE lower(:x_1) || '%' ESCAPE '/'");
    assertCompile(x.iendsWith("a%b_c", { escape: "\\" }), "lower(x) LIKE '%' || lower(:x_1) ESCAPE '\\'");
    assertCompile(not(x.iendsWith("a%b_c", { escape: "\\" })), "lower(x) NOT LIKE '%' || lower(:x_1) ESCAPE '\\'");
    assertCompile(x.iendsWith("a%b_c/d", { autoescape: true }), "lower(x) LIKE '%' || lower(:x_1) ESCAPE '/'", { params: { x_1: "a/%b/_c//d" } });
    assertCompile(not(x.iendsWith("a%b_c/d", { autoescape: true })), "lower(x) NOT LIKE '%' || lower(:x_1) ESCAPE '/'");
    assertCompile(not(x.iendsWith("a%b_c/d", { autoescape: true })), "x NOT ILIKE '%' || $1 ESCAPE '/'", { dialect: "postgresql" });
  });
});

describe("MatchTest", () => {
  const t1 = table("mytable", column("myid", String()), column("name", String()));
  it("SQLite MATCH, PostgreSQL @@ plainto_tsquery(), and their negation", () => {
    assertCompile(t1.c.myid.match("somstr"), "mytable.myid MATCH ?", { dialect: "sqlite", positional: ["somstr"] });
    assertCompile(t1.c.myid.match("somstr"), "mytable.myid @@ plainto_tsquery($1)", { dialect: "postgresql", positional: ["somstr"] });
    assertCompile(not(t1.c.myid.match("somstr")), "NOT mytable.myid @@ plainto_tsquery($1)", { dialect: "postgresql" });
    expect(t1.c.myid.match("somstr").type.affinity).toBe("boolean");
  });
});

describe("RegexpTestStrCompiler (display dialect)", () => {
  const t = table("mytable", column("myid", String()), column("name", String()), column("myinteger", Integer()));
  const { myid, name, myinteger } = t.c;

  it("regexpMatch and its negation, flags not rendered", () => {
    assertCompile(myid.regexpMatch("pattern"), "mytable.myid <regexp> :myid_1", { params: { myid_1: "pattern" } });
    assertCompile(myid.regexpMatch(name), "mytable.myid <regexp> mytable.name", { params: {} });
    assertCompile(literal("string").regexpMatch(name), ":param_1 <regexp> mytable.name", { params: { param_1: "string" } });
    assertCompile(myid.regexpMatch("pattern", "ig"), "mytable.myid <regexp> :myid_1", { params: { myid_1: "pattern" } });
    assertCompile(not(myid.regexpMatch("pattern")), "mytable.myid <not regexp> :myid_1", { params: { myid_1: "pattern" } });
    assertCompile(not(myid.regexpMatch(name)), "mytable.myid <not regexp> mytable.name", { params: {} });
    assertCompile(not(literal("string").regexpMatch(name)), ":param_1 <not regexp> mytable.name", { params: { param_1: "string" } });
    assertCompile(not(myid.regexpMatch("pattern", "ig")), "mytable.myid <not regexp> :myid_1");
  });

  it("regexpReplace", () => {
    assertCompile(myid.regexpReplace("pattern", "replacement"), "<regexp replace>(mytable.myid, :myid_1, :myid_2)", {
      params: { myid_1: "pattern", myid_2: "replacement" },
    });
    assertCompile(myid.regexpReplace("pattern", name), "<regexp replace>(mytable.myid, :myid_1, mytable.name)", { params: { myid_1: "pattern" } });
    assertCompile(myid.regexpReplace(name, "replacement"), "<regexp replace>(mytable.myid, mytable.name, :myid_1)", { params: { myid_1: "replacement" } });
    assertCompile(literal("string").regexpReplace("pattern", name), "<regexp replace>(:param_1, :param_2, mytable.name)", {
      params: { param_1: "string", param_2: "pattern" },
    });
    assertCompile(myid.regexpReplace("pattern", "replacement", "ig"), "<regexp replace>(mytable.myid, :myid_1, :myid_2)");
  });

  it("test_regexp_precedence_1: no parentheses under AND", () => {
    assertCompile(and(myid.match("foo"), myid.regexpMatch("xx")), "mytable.myid MATCH :myid_1 AND mytable.myid <regexp> :myid_2");
    assertCompile(and(myid.match("foo"), not(myid.regexpMatch("xx"))), "mytable.myid MATCH :myid_1 AND mytable.myid <not regexp> :myid_2");
    assertCompile(
      and(myid.match("foo"), myid.regexpReplace("xx", "yy") as never),
      "mytable.myid MATCH :myid_1 AND <regexp replace>(mytable.myid, :myid_2, :myid_3)",
    );
  });

  it("test_regexp_precedence_2: grouped as an operand of +", () => {
    const plus = (e: unknown) => (myinteger as unknown as { add(o: unknown): ReturnType<typeof myinteger.add> }).add(e);
    assertCompile(plus(myid.regexpMatch("xx")), "mytable.myinteger + (mytable.myid <regexp> :myid_1)");
    assertCompile(plus(not(myid.regexpMatch("xx"))), "mytable.myinteger + (mytable.myid <not regexp> :myid_1)");
    assertCompile(plus(myid.regexpReplace("xx", "yy")), "mytable.myinteger + (<regexp replace>(mytable.myid, :myid_1, :myid_2))");
    assertCompile(plus(myid.regexpReplace("xx", "yy")), "mytable.myinteger + (REGEXP_REPLACE(mytable.myid, $1, $2))", { dialect: "postgresql" });
  });

  it("test_all_match_precedence_against_concat: a concatenated pattern is grouped", () => {
    const r = name.concat("some text");
    assertCompile(myid.regexpMatch(r), "mytable.myid <regexp> (mytable.name || :name_1)");
    assertCompile(myid.like(r), "mytable.myid LIKE (mytable.name || :name_1)");
    assertCompile(not(myid.regexpMatch(r)), "mytable.myid <not regexp> (mytable.name || :name_1)");
    assertCompile(not(myid.match(r)), "NOT mytable.myid MATCH (mytable.name || :name_1)");
    assertCompile(myid.match(r), "mytable.myid MATCH (mytable.name || :name_1)");
  });
});

describe("regular expressions on PostgreSQL and SQLite", () => {
  const t = table("mytable", column("myid", String()), column("name", String()));
  const { myid, name } = t.c;

  it("PostgreSQL ~ / ~* / !~ / !~*, other flags inline (?flags)", () => {
    assertCompile(myid.regexpMatch(name), "mytable.myid ~ mytable.name", { dialect: "postgresql" });
    assertCompile(not(myid.regexpMatch("pattern", "i")), "mytable.myid !~* $1", { dialect: "postgresql" });
    assertCompile(myid.regexpMatch("pattern", "ig"), "mytable.myid ~ CONCAT('(?', 'ig', ')', $1)", { dialect: "postgresql", positional: ["pattern"] });
  });

  it("PostgreSQL REGEXP_REPLACE with flags as a literal; SQLite raises CompileError", () => {
    assertCompile(myid.regexpReplace("pattern", name, "g"), "REGEXP_REPLACE(mytable.myid, $1, mytable.name, 'g')", { dialect: "postgresql" });
    expect(() => compile(myid.regexpReplace("pattern", "rep"), "sqlite")).toThrow(CompileError);
  });

  it("SQLite REGEXP with flags prefixed", () => {
    assertCompile(myid.regexpMatch("pattern", "ig"), "mytable.myid REGEXP '(?ig)' || ?", { dialect: "sqlite", positional: ["pattern"] });
    assertCompile(not(myid.regexpMatch(name)), "mytable.myid NOT REGEXP mytable.name", { dialect: "sqlite" });
  });
});

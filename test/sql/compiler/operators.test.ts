/**
 * Operator methods on ColumnElement, boolean composition and precedence, negation, constants and
 * division, compared with SQLAlchemy 2.0's test_operators.py / test_compiler.py strings.
 */
import { describe, expect, it } from "vitest";
import {
  and, column, false_, Float, Integer, literal, literalColumn, not, null_, Numeric, or, select, String, true_, tuple,
} from "../../../src/index.js";
import { assertCompile, compile, mytable, schema } from "./helpers.js";

const t = mytable.c;
const x = column("x", String());
const a = column("a", Integer());
const b = column("b", Integer());

describe("comparison operators", () => {
  it.each([
    ["eq", t.myid.eq(5), "mytable.myid = :myid_1"],
    ["ne", t.myid.ne(5), "mytable.myid != :myid_1"],
    ["lt", t.myid.lt(5), "mytable.myid < :myid_1"],
    ["le", t.myid.le(5), "mytable.myid <= :myid_1"],
    ["gt", t.myid.gt(5), "mytable.myid > :myid_1"],
    ["ge", t.myid.ge(5), "mytable.myid >= :myid_1"],
  ] as const)("%s", (_n, expr, sql) => {
    assertCompile(expr, sql, { params: { myid_1: 5 } });
  });

  it("compares two columns without parameters", () => {
    assertCompile(t.myid.eq(mytable.c.myid), "mytable.myid = mytable.myid", { params: {} });
  });

  it("eq(null) / ne(null) become IS NULL / IS NOT NULL", () => {
    assertCompile(t.myid.eq(null), "mytable.myid IS NULL", { params: {} });
    assertCompile(t.myid.ne(null), "mytable.myid IS NOT NULL", { params: {} });
    assertCompile(t.myid.isNull(), "mytable.myid IS NULL");
    assertCompile(t.myid.isNotNull(), "mytable.myid IS NOT NULL");
  });

  it("IS DISTINCT FROM", () => {
    assertCompile(t.myid.isDistinctFrom(5), "mytable.myid IS DISTINCT FROM :myid_1", { params: { myid_1: 5 } });
    assertCompile(t.myid.isNotDistinctFrom(5), "mytable.myid IS NOT DISTINCT FROM :myid_1");
  });

  it("numbers anonymous parameters per column", () => {
    assertCompile(and(t.myid.eq(1), t.myid.eq(2), t.name.eq("x")), "mytable.myid = :myid_1 AND mytable.myid = :myid_2 AND mytable.name = :name_1", {
      params: { myid_1: 1, myid_2: 2, name_1: "x" },
    });
  });

  it("literal() on the left gets param_N names", () => {
    assertCompile(literal(5).lt(t.myid), ":param_1 < mytable.myid", { params: { param_1: 5 } });
  });

  it("between and symmetric between", () => {
    assertCompile(t.myid.between(1, 5), "mytable.myid BETWEEN :myid_1 AND :myid_2", { params: { myid_1: 1, myid_2: 5 } });
    assertCompile(t.myid.between(1, 5, { symmetric: true }), "mytable.myid BETWEEN SYMMETRIC :myid_1 AND :myid_2");
    assertCompile(not(t.myid.between(1, 5)), "mytable.myid NOT BETWEEN :myid_1 AND :myid_2");
  });
});

describe("LIKE family", () => {
  it("like / notLike / escape", () => {
    assertCompile(t.name.like("a%"), "mytable.name LIKE :name_1", { params: { name_1: "a%" } });
    assertCompile(t.name.notLike("a%"), "mytable.name NOT LIKE :name_1");
    assertCompile(t.name.like("a/%", { escape: "/" }), "mytable.name LIKE :name_1 ESCAPE '/'");
    assertCompile(t.name.notLike("a/%", { escape: "/" }), "mytable.name NOT LIKE :name_1 ESCAPE '/'");
  });

  it("ilike is lower() LIKE lower() by default and ILIKE on PostgreSQL", () => {
    assertCompile(t.name.ilike("a%"), "lower(mytable.name) LIKE lower(:name_1)", { params: { name_1: "a%" } });
    assertCompile(t.name.ilike("a%"), "mytable.name ILIKE $1", { dialect: "postgresql" });
    assertCompile(t.name.ilike("a%"), "lower(mytable.name) LIKE lower(?)", { dialect: "sqlite" });
    assertCompile(not(t.name.ilike("a%")), "mytable.name NOT ILIKE $1", { dialect: "postgresql" });
    assertCompile(t.name.ilike("a%", { escape: "\\" }), "lower(mytable.name) LIKE lower(:name_1) ESCAPE '\\'");
  });

  // SQLAlchemy ComposedLikeOperatorsTest
  it("contains / startsWith / endsWith compose the pattern without parentheses", () => {
    assertCompile(x.contains("y"), "x LIKE '%' || :x_1 || '%'", { params: { x_1: "y" } });
    assertCompile(x.startsWith("y"), "x LIKE :x_1 || '%'", { params: { x_1: "y" } });
    assertCompile(x.endsWith("y"), "x LIKE '%' || :x_1", { params: { x_1: "y" } });
    assertCompile(x.contains("y"), "x LIKE '%' || $1 || '%'", { dialect: "postgresql" });
    assertCompile(x.contains(literalColumn("y")), "x LIKE '%' || y || '%'", { params: {} });
  });

  it("negated contains is NOT LIKE", () => {
    assertCompile(not(x.contains("y")), "x NOT LIKE '%' || :x_1 || '%'", { params: { x_1: "y" } });
    assertCompile(not(x.startsWith("y")), "x NOT LIKE :x_1 || '%'");
  });

  it("autoescape escapes %, _ and the escape character", () => {
    assertCompile(x.contains("a%b_c/d", { autoescape: true }), "x LIKE '%' || :x_1 || '%' ESCAPE '/'", { params: { x_1: "a/%b/_c//d" } });
    assertCompile(x.startsWith("ab%c", { autoescape: true }), "x LIKE :x_1 || '%' ESCAPE '/'", { params: { x_1: "ab/%c" } });
    assertCompile(x.endsWith("ab_c", { autoescape: true }), "x LIKE '%' || :x_1 ESCAPE '/'", { params: { x_1: "ab/_c" } });
    assertCompile(not(x.contains("a%b_c/d", { autoescape: true })), "x NOT LIKE '%' || :x_1 || '%' ESCAPE '/'", { params: { x_1: "a/%b/_c//d" } });
  });

  it("escape and autoescape with another escape character", () => {
    assertCompile(x.contains("a%b_c", { escape: "\\" }), "x LIKE '%' || :x_1 || '%' ESCAPE '\\'", { params: { x_1: "a%b_c" } });
    assertCompile(x.startsWith("a%b_c\\d", { autoescape: true, escape: "\\" }), "x LIKE :x_1 || '%' ESCAPE '\\'", {
      params: { x_1: "a\\%b\\_c\\\\d" },
    });
  });

  it("regexpMatch per dialect", () => {
    assertCompile(t.name.regexpMatch("^a"), "mytable.name ~ $1", { dialect: "postgresql", positional: ["^a"] });
    assertCompile(t.name.regexpMatch("^a", "i"), "mytable.name ~* $1", { dialect: "postgresql" });
    assertCompile(not(t.name.regexpMatch("^a")), "mytable.name !~ $1", { dialect: "postgresql" });
    assertCompile(t.name.regexpMatch("^a"), "mytable.name REGEXP ?", { dialect: "sqlite" });
    assertCompile(t.name.regexpMatch("^a", "i"), "mytable.name REGEXP '(?i)' || ?", { dialect: "sqlite" });
    assertCompile(not(t.name.regexpMatch("^a")), "mytable.name NOT REGEXP ?", { dialect: "sqlite" });
  });
});

describe("IN", () => {
  it("in / notIn render one expanding parameter; NOT IN is parenthesised", () => {
    assertCompile(t.myid.in([1, 2, 3]), "mytable.myid IN (__[POSTCOMPILE_myid_1])", { params: { myid_1: [1, 2, 3] } });
    assertCompile(t.myid.notIn([1, 2, 3]), "(mytable.myid NOT IN (__[POSTCOMPILE_myid_1]))", { params: { myid_1: [1, 2, 3] } });
    assertCompile(not(t.myid.in([1, 2])), "(mytable.myid NOT IN (__[POSTCOMPILE_myid_1]))");
  });

  // SQLAlchemy names the negated copy's parameter a_2; athanor keeps the one shared parameter a_1.
  it("IN and its negation together (test_in_self_plus_negated)", () => {
    const e1 = a.in([5]);
    assertCompile(and(e1, not(e1)), "a IN (__[POSTCOMPILE_a_1]) AND (a NOT IN (__[POSTCOMPILE_a_1]))");
    assertCompile(and(e1, not(e1)), "a IN (5) AND (a NOT IN (5))", { literalBinds: true });
  });

  it("IN of expressions renders a parenthesised list", () => {
    assertCompile(t.myid.in([mytable.c.myid, literalColumn("7")]), "mytable.myid IN (mytable.myid, 7)");
  });

  it("IN a subquery", () => {
    assertCompile(t.myid.in(select(t.myid).where(t.name.eq("x"))), "mytable.myid IN (SELECT mytable.myid FROM mytable WHERE mytable.name = :name_1)");
    // Parenthesised as every NOT IN (SQLAlchemy test_in_21).
    assertCompile(t.myid.notIn(select(t.myid)), "(mytable.myid NOT IN (SELECT mytable.myid FROM mytable))");
  });

  it("tuple IN", () => {
    assertCompile(tuple(t.myid, t.name).in([[1, "a"], [2, "b"]]), "(mytable.myid, mytable.name) IN (__[POSTCOMPILE_param_1])", {
      params: { param_1: [[1, "a"], [2, "b"]] },
    });
    assertCompile(tuple(t.myid, t.name).in([[1, "a"], [2, "b"]]), "(mytable.myid, mytable.name) IN ((1, 'a'), (2, 'b'))", { literalBinds: true });
    assertCompile(tuple(t.myid, t.name).in([[1, "a"], [2, "b"]]), "(mytable.myid, mytable.name) IN ((:param_1_1_1, :param_1_1_2), (:param_1_2_1, :param_1_2_2))", {
      renderPostcompile: true,
      params: { param_1_1_1: 1, param_1_1_2: "a", param_1_2_1: 2, param_1_2_2: "b" },
    });
  });
});

describe("arithmetic and concatenation", () => {
  it.each([
    ["add", t.myid.add(5), "mytable.myid + :myid_1"],
    ["sub", t.myid.sub(5), "mytable.myid - :myid_1"],
    ["mul", t.myid.mul(5), "mytable.myid * :myid_1"],
    ["mod", t.myid.mod(5), "mytable.myid % :myid_1"],
  ] as const)("%s", (_n, expr, sql) => assertCompile(expr, sql, { params: { myid_1: 5 } }));

  it("concat and add on strings render ||", () => {
    assertCompile(t.name.concat("x"), "mytable.name || :name_1", { params: { name_1: "x" } });
    assertCompile(t.name.add("x"), "mytable.name || :name_1");
    assertCompile(t.name.concat(t.description).concat("!"), "mytable.name || mytable.description || :param_1");
  });

  it("parenthesises by precedence", () => {
    // A value compared with an expression binds as `param_N`, as in SQLAlchemy.
    assertCompile(a.add(b).mul(3), "(a + b) * :param_1");
    assertCompile(a.mul(b).add(3), "a * b + :param_1");
    assertCompile(a.sub(b.sub(3)), "a - (b - :b_1)");
    assertCompile(a.add(b).add(3), "a + b + :param_1");
    assertCompile(a.add(b).eq(a.mul(b)), "a + b = a * b");
    assertCompile(a.neg(), "-a");
  });

  it("unary minus groups its operand", () => {
    assertCompile(a.add(b).neg(), "-(a + b)");
  });
});

describe("true and floor division (SQLAlchemy 2.0)", () => {
  const { nums } = schema();
  const n = nums.c;

  it("integer / integer is true division per dialect; result type Numeric", () => {
    assertCompile(a.div(b), "a / CAST(b AS NUMERIC)");
    assertCompile(a.div(b), "a / CAST(b AS NUMERIC)", { dialect: "postgresql" });
    assertCompile(a.div(b), "a / (b + 0.0)", { dialect: "sqlite" });
    assertCompile(n.i.div(5), "nums.i / CAST($1 AS NUMERIC)", { dialect: "postgresql", positional: [5] });
    expect(a.div(b).type.affinity).toBe("numeric");
  });

  it("true division groups compound operands (test_operators precedence cases)", () => {
    assertCompile(a.div(a.sub(b)), "a / CAST((a - b) AS NUMERIC)");
    assertCompile(a.div(b).sub(a), "a / CAST(b AS NUMERIC) - a");
    assertCompile(a.sub(b).div(a), "(a - b) / CAST(a AS NUMERIC)");
    assertCompile(a.sub(a.div(b)), "a - a / CAST(b AS NUMERIC)");
  });

  it("integer // integer is plain / ; floats use FLOOR()", () => {
    assertCompile(a.floordiv(b), "a / b");
    assertCompile(a.floordiv(b), "a / b", { dialect: "postgresql" });
    // libSQL binds JS numbers as REAL; the CAST keeps integer-division results (athanor-specific).
    assertCompile(a.floordiv(b), "CAST(a / b AS INTEGER)", { dialect: "sqlite" });
    assertCompile(n.f.floordiv(n.i), "FLOOR(nums.f / nums.i)", { dialect: "postgresql" });
    assertCompile(n.n.floordiv(n.i), "FLOOR(nums.n / nums.i)", { dialect: "postgresql" });
    assertCompile(n.i.floordiv(n.f), "FLOOR(nums.i / nums.f)", { dialect: "sqlite" });
    assertCompile(column("f", Float()).floordiv(2.5), "FLOOR(f / :f_1)", { params: { f_1: 2.5 } });
    expect(a.floordiv(b).type.affinity).toBe("integer");
  });

  // SQLAlchemy casts the divisor of every true division: to its own type when numeric or float.
  it("non-integer division casts the divisor too", () => {
    assertCompile(n.f.div(n.i), "nums.f / CAST(nums.i AS NUMERIC)", { dialect: "postgresql" });
    assertCompile(column("q", Numeric()).div("2"), "q / CAST(:q_1 AS NUMERIC)");
    assertCompile(n.f.div(n.i), "nums.f / (nums.i + 0.0)", { dialect: "sqlite" });
  });
});

describe("and / or / not", () => {
  it("nests with parentheses only where precedence requires", () => {
    assertCompile(and(a.eq(1), or(a.eq(2), a.eq(3))), "a = :a_1 AND (a = :a_2 OR a = :a_3)");
    assertCompile(or(and(a.eq(1), b.eq(2)), a.eq(3)), "a = :a_1 AND b = :b_1 OR a = :a_2");
    assertCompile(and(and(a.eq(1), b.eq(2)), a.eq(3)), "a = :a_1 AND b = :b_1 AND a = :a_2");
    assertCompile(or(a.eq(1), or(b.eq(2), a.eq(3))), "a = :a_1 OR b = :b_1 OR a = :a_2");
  });

  it("and() of one clause returns it", () => {
    assertCompile(and(a.eq(1)), "a = :a_1");
  });

  it("not() flips comparison operators", () => {
    assertCompile(not(a.eq(b)), "a != b");
    assertCompile(not(a.ne(b)), "a = b");
    assertCompile(not(a.lt(b)), "a >= b");
    assertCompile(not(a.gt(b)), "a <= b");
    assertCompile(not(a.isNull()), "a IS NOT NULL");
    assertCompile(not(x.like("q")), "x NOT LIKE :x_1");
    assertCompile(not(not(a.eq(b))), "a = b");
  });

  it("not() of a conjunction renders NOT (…)", () => {
    assertCompile(not(and(a.eq(1), b.eq(2))), "NOT (a = :a_1 AND b = :b_1)");
    assertCompile(not(or(a.eq(1), b.eq(2))), "NOT (a = :a_1 OR b = :b_1)");
  });

  it("JS booleans become true/false constants", () => {
    assertCompile(and(true, a.eq(1)), "a = :a_1");
    assertCompile(select(a).where(false), "SELECT a WHERE false");
    assertCompile(select(a).where(false), "SELECT a WHERE 0", { dialect: "sqlite" });
  });
});

describe("true, false and null", () => {
  it("render per dialect", () => {
    assertCompile(select(true_(), false_(), null_()), "SELECT true AS anon_1, false AS anon_2, NULL AS anon_3");
    assertCompile(select(true_(), false_(), null_()), "SELECT true AS anon_1, false AS anon_2, NULL AS anon_3", { dialect: "postgresql" });
    assertCompile(select(true_(), false_(), null_()), "SELECT 1 AS anon_1, 0 AS anon_2, NULL AS anon_3", { dialect: "sqlite" });
  });

  it("in comparisons", () => {
    assertCompile(a.eq(null_()), "a IS NULL");
    assertCompile(a.ne(null_()), "a IS NOT NULL");
    assertCompile(a.eq(true_()), "a = true");
    // Chained criteria are joined as and_() joins them: true_() is dropped (SQLAlchemy's BooleanClauseList).
    assertCompile(select(a).where(a.eq(1)).where(true_()), "SELECT a WHERE a = :a_1");
    assertCompile(select(a).where(a.eq(1)).where(true_()), "SELECT a WHERE a = ?", { dialect: "sqlite" });
  });

  it("PostgreSQL casts numeric and boolean parameters in a SELECT list (untyped driver parameters)", () => {
    assertCompile(select(literal(5, Integer()), literal(1.5), literal(true), literal("s")), "SELECT $1::INTEGER AS anon_1, $2::DOUBLE PRECISION AS anon_2, $3::BOOLEAN AS anon_3, $4 AS anon_4", { dialect: "postgresql" });
    assertCompile(select(literal(5, Integer())), "SELECT :param_1 AS anon_1");
    assertCompile(select(literal(5, Integer())), "SELECT ? AS anon_1", { dialect: "sqlite" });
    assertCompile(select(a).where(a.eq(5)), "SELECT a WHERE a = $1", { dialect: "postgresql" });
  });

  it("boolean literals bind as parameters, never inline", () => {
    const c = compile(column("flag", Integer()).eq(literal(true)), "sqlite");
    expect(c.sql).toBe("flag = ?");
    expect(c.construct(undefined, undefined).params).toEqual([1]);
  });
});

describe("custom operators", () => {
  it("op() renders the operator verbatim", () => {
    assertCompile(a.op("&")(5), "a & :a_1", { params: { a_1: 5 } });
    assertCompile(a.op("@>")(b), "a @> b");
  });
});

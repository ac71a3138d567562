/**
 * SQLAlchemy test/sql/test_operators.py, ported by behaviour: NegationTest, MathOperatorTest,
 * ComparisonOperatorTest, IsDistinctFromTest, BetweenTest, MultiElementExprTest, CustomOpTest,
 * BitOpTest, AnyAllTest, JSONIndexOpTest / ArrayIndexOpTest (PostgreSQL forms), against the
 * display dialect, PostgreSQL and SQLite.
 *
 * Skipped:
 * - NonZeroTest, ComparisonOperatorTest pickling: Python `__bool__` / pickle.
 * - CustomUnaryOperatorTest, CustomOpDialectCompileTest, _CustomComparatorTests and its
 *   TypeDecorator / NewOperator / OperatorClass / ExtensionOperator subclasses,
 *   StandaloneOperatorTranslateTest, DefaultColumnComparatorTest: user-defined comparator
 *   classes, `custom_op` objects and compiler `visit_*` hooks, which athanor has no API for.
 * - DeprecatedAnyAllTest: the deprecated ARRAY `.any()` / `.all()`.
 * - test_custom_op_percent_escaping (format/pyformat): Python DBAPI paramstyles.
 * - MathOperatorTest.test_power_operator: Python's `**`; `func.pow()` is covered by sa-live.
 * - MultiElementExprTest literal-first cases: SQLAlchemy's `1 - p` is the reflected `__rsub__`
 *   (binds named `p_1`); ported with `literal()`, whose binds are `param_N`.
 * - JSONIndexOpTest / ArrayIndexOpTest custom-type cases (`MyType` comparators, zero_indexes,
 *   eager_grouping on a custom JSON + MATH type) and `in` on an ARRAY.
 *
 * Known differences:
 * - BooleanEvalTest without native booleans / NegationTest test_negate_operators_5: SQLAlchemy's
 *   SQLite dialect has no native boolean and renders `WHERE x = 1`, `WHERE x = 0`,
 *   `ON 1 = 1`, `NOT (:p = 1 AND :q = 1)`; athanor renders `WHERE x`, `WHERE NOT x`, `ON 1`
 *   (equivalent on SQLite, which stores booleans as 0/1). Asserted as athanor renders it below.
 * - BitOpTest.test_wraps_named_column_heuristic (label): `-literal(…).label("z")` in a SELECT
 *   list is `-:param_1 AS anon_1`; SQLAlchemy keeps the inner label name (`AS z`).
 * - AnyAllTest.test_array_expression: athanor has no `postgresql.array([…])` literal constructor;
 *   test_scalar_values: no `Values.scalarValues()`.
 */
import { describe, expect, it } from "vitest";
import {
  ARRAY, ArgumentError, Boolean, Column, DateTime, Float, Integer, JSON as JSONT, MetaData, NULLTYPE, Numeric, NullType, String, Table, all_, and, any_,
  column, false_, join, literal, not, null_, or, select, table, true_, values,
} from "../../../src/index.js";
import { BinaryExpression, Label, UnaryExpression } from "../../../src/sql/elements.js";
import { assertCompile } from "./helpers.js";

const table1 = table("mytable", column("myid", Integer()), column("name", String()));
const { myid, name } = table1.c;

describe("MathOperatorTest", () => {
  it.each([
    ["add", "+"],
    ["mul", "*"],
    ["sub", "-"],
    ["mod", "%"],
  ] as const)("test_math_op %s", (op, sql) => {
    type Arith = (o: unknown) => BinaryExpression<unknown>;
    const f = (l: unknown, r: unknown) => ((l as Record<string, Arith>)[op] as Arith).call(l, r);
    assertCompile(f(literal(5), myid), `:param_1 ${sql} mytable.myid`);
    assertCompile(f(literal(5), literal(5)), `:param_1 ${sql} :param_2`);
    assertCompile(f(myid, "b"), `mytable.myid ${sql} :myid_1`);
    assertCompile(f(myid, literal(2.7)), `mytable.myid ${sql} :param_1`);
    assertCompile(f(myid, myid), `mytable.myid ${sql} mytable.myid`);
    assertCompile(f(literal(5), 8), `:param_1 ${sql} :param_2`);
    assertCompile(f(literal(6), myid), `:param_1 ${sql} mytable.myid`);
    assertCompile(f(literal(7), literal(5.5)), `:param_1 ${sql} :param_2`);
  });

  it("true and floor division of literals", () => {
    assertCompile(literal(5).div(literal(5)), ":param_1 / CAST(:param_2 AS NUMERIC)");
    assertCompile(literal(5).floordiv(literal(5)), ":param_1 / :param_2");
    assertCompile(literal(5.1).floordiv(literal(5.5)), "FLOOR(:param_1 / :param_2)");
    assertCompile(column("a", Numeric()).floordiv(column("b", Integer())), "FLOOR(a / b)", { dialect: "postgresql" });
  });

  it("a custom % operator renders as written (test_custom_op_percent_escaping)", () => {
    assertCompile(myid.op("%")(5), "mytable.myid % :myid_1", { params: { myid_1: 5 } });
    assertCompile(myid.op("%")(5), "mytable.myid % ?", { dialect: "sqlite" });
    assertCompile(myid.op("%")(5), "mytable.myid % $1", { dialect: "postgresql" });
  });

  it("result types: integer with integer stays integer; numeric wins; / is numeric, // integer", () => {
    const bar = column("bar", Integer());
    const foo = column("foo", Integer());
    const dec = column("foo", Numeric(10, 2));
    for (const e of [bar.add(foo), bar.mul(foo), bar.sub(foo), bar.floordiv(foo)]) expect(e.type.affinity).toBe("integer");
    expect(bar.div(foo).type.affinity).toBe("numeric");
    for (const op of ["add", "mul", "sub", "div"] as const) {
      expect(dec[op](bar as never).type.affinity).toBe("numeric");
    }
  });
});

describe("ComparisonOperatorTest", () => {
  const t = table("mytable", column("myid", String()));
  const s = t.c.myid;
  const dt = new globalThis.Date(Date.UTC(2012, 4, 10, 15, 27, 18));
  it.each([
    ["lt", "<"],
    ["gt", ">"],
    ["eq", "="],
    ["ne", "!="],
    ["le", "<="],
    ["ge", ">="],
  ] as const)("test_comparison_op %s", (op, sql) => {
    assertCompile(s[op]("b"), `mytable.myid ${sql} :myid_1`);
    assertCompile(s[op](literal("b")), `mytable.myid ${sql} :param_1`);
    assertCompile(s[op](s), `mytable.myid ${sql} mytable.myid`);
    assertCompile(literal("a")[op]("b"), `:param_1 ${sql} :param_2`);
    assertCompile(literal("a")[op](s), `:param_1 ${sql} mytable.myid`);
    assertCompile(literal("a")[op](literal("b")), `:param_1 ${sql} :param_2`);
    assertCompile(literal("b")[op](dt as never), `:param_1 ${sql} :param_2`);
  });
});

describe("IsDistinctFromTest", () => {
  const t = table("mytable", column("myid", Integer()));
  const c = t.c.myid;
  it("display, SQLite (IS NOT / IS) and PostgreSQL, and their negations", () => {
    assertCompile(c.isDistinctFrom(1), "mytable.myid IS DISTINCT FROM :myid_1", { params: { myid_1: 1 } });
    assertCompile(c.isDistinctFrom(1), "mytable.myid IS NOT ?", { dialect: "sqlite", positional: [1] });
    assertCompile(c.isDistinctFrom(1), "mytable.myid IS DISTINCT FROM $1", { dialect: "postgresql" });
    assertCompile(not(c.isDistinctFrom(1)), "mytable.myid IS NOT DISTINCT FROM :myid_1");
    assertCompile(not(c.isDistinctFrom(1)), "mytable.myid IS NOT DISTINCT FROM $1", { dialect: "postgresql" });
    assertCompile(c.isNotDistinctFrom(1), "mytable.myid IS NOT DISTINCT FROM :myid_1");
    assertCompile(c.isNotDistinctFrom(1), "mytable.myid IS ?", { dialect: "sqlite" });
    assertCompile(c.isNotDistinctFrom(1), "mytable.myid IS NOT DISTINCT FROM $1", { dialect: "postgresql" });
    assertCompile(not(c.isNotDistinctFrom(1)), "mytable.myid IS DISTINCT FROM :myid_1");
    assertCompile(not(c.isNotDistinctFrom(1)), "mytable.myid IS DISTINCT FROM $1", { dialect: "postgresql" });
    assertCompile(not(c.isNotDistinctFrom(1)), "mytable.myid IS NOT ?", { dialect: "sqlite" });
  });
});

describe("BetweenTest", () => {
  it("symmetric and negated", () => {
    assertCompile(not(myid.between(1, 2, { symmetric: true })), "mytable.myid NOT BETWEEN SYMMETRIC :myid_1 AND :myid_2", { params: { myid_1: 1, myid_2: 2 } });
    assertCompile(not(not(myid.between(1, 2))), "mytable.myid BETWEEN :myid_1 AND :myid_2");
  });
});

describe("NegationTest", () => {
  it("test_nonsensical_negates / test_negate_operators_1", () => {
    assertCompile(not(literal(5, new NullType()) as never), "NOT :param_1");
    assertCompile(not(literal(5, new NullType()).neg() as never), "NOT -:param_1");
    assertCompile(myid.neg(), "-mytable.myid");
    assertCompile(literal(5, Integer()).neg(), "-:param_1");
    assertCompile(not(myid as never), "NOT mytable.myid");
    assertCompile(not(literal(5, Integer()) as never), "NOT :param_1");
  });

  it("test_negate_operators_2/3/4: flipped operators, NOT BETWEEN, NOT (…) of a conjunction", () => {
    assertCompile(
      select(table1).where(and(myid.ne(12), not(name.eq("john")))),
      "SELECT mytable.myid, mytable.name FROM mytable WHERE mytable.myid != :myid_1 AND mytable.name != :name_1",
    );
    assertCompile(
      select(table1).where(and(myid.ne(12), not(name.between("jack", "john")))),
      "SELECT mytable.myid, mytable.name FROM mytable WHERE mytable.myid != :myid_1 AND mytable.name NOT BETWEEN :name_1 AND :name_2",
    );
    assertCompile(
      select(table1).where(and(myid.ne(12), not(and(name.eq("john"), name.eq("ed"), name.eq("fred"))))),
      "SELECT mytable.myid, mytable.name FROM mytable WHERE mytable.myid != :myid_1 AND " +
        "NOT (mytable.name = :name_1 AND mytable.name = :name_2 AND mytable.name = :name_3)",
    );
  });

  it("test_negate_operators_5/6 (native booleans)", () => {
    const b = (v: string) => literal(v as never, Boolean()) as never;
    assertCompile(
      select(table1).where(and(myid.ne(12), not(and(b("somethingboolean"), b("q"))))),
      "SELECT mytable.myid, mytable.name FROM mytable WHERE mytable.myid != :myid_1 AND NOT (:param_1 AND :param_2)",
    );
    assertCompile(
      select(table1).where(and(myid.ne(12), not(b("somethingboolean")))),
      "SELECT mytable.myid, mytable.name FROM mytable WHERE mytable.myid != :myid_1 AND NOT :param_1",
    );
  });

  it("test_negate_operator_type", () => {
    expect(myid.neg().type).toBe(myid.type);
  });

  it("test_negate_operator_label: not() of a label is the same label over NOT (…)", () => {
    const orig = or(myid.eq(1), myid.eq(2)).label("foo");
    const expr = not(orig);
    expect(expr).toBeInstanceOf(Label);
    expect((expr as unknown as Label<boolean, string>).name).toBe("foo");
    expect(expr).not.toBe(orig);
    assertCompile(expr, "NOT (mytable.myid = :myid_1 OR mytable.myid = :myid_2)");
    assertCompile(select(expr), "SELECT NOT (mytable.myid = :myid_1 OR mytable.myid = :myid_2) AS foo FROM mytable");
  });

  it("test_scalar_select: NOT (SELECT …)", () => {
    const expr = select(myid).where(myid.gt(5)).scalarSubquery();
    assertCompile(not(expr as never), "NOT (SELECT mytable.myid FROM mytable WHERE mytable.myid > :myid_1)", { params: { myid_1: 5 } });
  });

  it("not() of an operator without a negation groups the whole expression", () => {
    const t = table("t", column("q"), column("p"));
    assertCompile(not(t.c.q.add(t.c.p) as never), "NOT (t.q + t.p)");
    assertCompile(not(t.c.q.op("@>")(t.c.p) as never), "NOT (t.q @> t.p)");
    assertCompile(not(t.c.q.bitwiseAnd(t.c.p) as never), "NOT (t.q & t.p)");
  });
});

describe("BooleanEvalTest on SQLite (athanor: native-style rendering, see Known differences)", () => {
  const c = column("x", Boolean());
  it("a boolean column criterion, NOT, constants", () => {
    assertCompile(select(c).where(c), "SELECT x WHERE x", { dialect: "sqlite" });
    assertCompile(select(c).where(not(c)), "SELECT x WHERE NOT x", { dialect: "sqlite" });
    assertCompile(select(c).where(not(not(c))), "SELECT x WHERE x", { dialect: "sqlite" });
    assertCompile(select(c).having(c), "SELECT x HAVING x", { dialect: "sqlite" });
    assertCompile(join(table("t1", column("a")), table("t2", column("b")), true_()), "t1 JOIN t2 ON 1", { dialect: "sqlite" });
    assertCompile(and(false_(), true_()), "0", { dialect: "sqlite" });
    assertCompile(or(false_(), true_()), "1", { dialect: "sqlite" });
    assertCompile(c.is(true_() as never), "x IS 1", { dialect: "sqlite" });
    assertCompile(c.eq(1 as never), "x = ?", { dialect: "sqlite" });
  });
  it("test_eight / test_eleven (native)", () => {
    assertCompile(and(false_(), true_()), "false");
    assertCompile(c.is(true_() as never), "x IS true");
  });
});

describe("MultiElementExprTest", () => {
  const t = table("t", column("q"), column("p"));
  const { q, p } = t.c;

  it("test_associatives_mismatched_type: a string || inside integer + keeps its parentheses", () => {
    const e1 = column("i1", Integer()).add(column("i2", Integer()));
    const e2 = column("d1", String()).add(column("d2", String()));
    assertCompile(select(e1.add(e2 as never)), "SELECT i1 + i2 + (d1 || d2) AS anon_1");
    // Known difference: SQLAlchemy renders `(d1 || d2) + i1 + i2`: a string left side concatenates in athanor.
    assertCompile(select(e2.add(e1 as never)), "SELECT d1 || d2 || i1 + i2 AS anon_1");
  });

  it.each(["add", "mul"] as const)("test_parenthesized_exprs (%s), forward, reverse and negated", (op) => {
    const inner = () => q.sub(p);
    const sql = op === "add" ? " + " : " * ";
    const exprs = Array.from({ length: 10 }, () => "(t.q - t.p)").join(sql);
    let fwd = inner()[op](inner());
    for (let i = 0; i < 8; i++) fwd = fwd[op](inner());
    let rev = inner()[op](inner());
    for (let i = 0; i < 8; i++) rev = inner()[op](rev);
    assertCompile(select(fwd), `SELECT ${exprs} AS anon_1 FROM t`);
    assertCompile(select(rev), `SELECT ${exprs} AS anon_1 FROM t`);
    assertCompile(select(not(fwd as never)), `SELECT NOT (${exprs}) AS anon_1 FROM t`);
  });

  it("test_other_exprs (with literal() for Python's reflected operators)", () => {
    const tt = table("t", column("q", Integer()), column("p", Integer()));
    const [P, Q] = [tt.c.p, tt.c.q];
    const L = (v: number) => literal(v, Integer());
    assertCompile(
      L(1).sub(P).mul(L(2).sub(Q)).add(L(10).mul(L(3).sub(P)).mul(L(4).sub(Q))),
      "(:param_1 - t.p) * (:param_2 - t.q) + :param_3 * (:param_4 - t.p) * (:param_5 - t.q)",
    );
    assertCompile(L(1).sub(P).mul(L(2).sub(Q)).mul(L(3).sub(P)).mul(L(4).sub(Q)), "(:param_1 - t.p) * (:param_2 - t.q) * (:param_3 - t.p) * (:param_4 - t.q)");
    assertCompile(
      L(1).add(P).add(5).mul(P.mul(Q.sub(5)).mul(P.add(8))).mul(Q.add(P.sub(3)).add(Q.sub(5)).add(P.sub(9))).mul(L(4).add(Q).add(9)),
      "(:param_1 + t.p + :param_2) * t.p * (t.q - :q_1) * (t.p + :p_1) * (t.q + (t.p - :p_2) + (t.q - :q_2) + (t.p - :p_3)) * (:param_3 + t.q + :param_4)",
    );
    assertCompile(L(1).floordiv(P).sub(L(2).floordiv(Q)).sub(L(3).floordiv(P)).sub(L(4).floordiv(Q)), "((:param_1 / t.p - :param_2 / t.q) - :param_3 / t.p) - :param_4 / t.q");
    assertCompile(L(1).add(P).sub(L(2).add(Q)).sub(L(3).add(P)).sub(L(4).add(Q)), "(((:param_1 + t.p) - (:param_2 + t.q)) - (:param_3 + t.p)) - (:param_4 + t.q)");
    assertCompile(
      L(1).add(P).mul(3).mul(L(2).add(Q)).mul(4).mul(L(3).add(P)).sub(L(4).add(Q)),
      "(:param_1 + t.p) * :param_2 * (:param_3 + t.q) * :param_4 * (:param_5 + t.p) - (:param_6 + t.q)",
    );
  });

  it("test_associatives: 500 operands flat, negation grouped", () => {
    const n = 500;
    const names = Array.from({ length: n }, (_, i) => `d${i}`);
    for (const [op, sql] of [["add", " + "], ["mul", " * "]] as const) {
      let fwd = q[op](p);
      for (const d of names) fwd = fwd[op](column(d));
      let rev = q[op](p);
      for (const d of [...names].reverse()) rev = column(d)[op](rev);
      assertCompile(select(fwd), `SELECT t.q${sql}t.p${sql}${names.join(sql)} AS anon_1 FROM t`);
      assertCompile(select(rev), `SELECT ${names.join(sql)}${sql}t.q${sql}t.p AS anon_1 FROM t`);
      assertCompile(select(not(fwd as never)), `SELECT NOT (t.q${sql}t.p${sql}${names.join(sql)}) AS anon_1 FROM t`);
    }
    for (const [fn, sql] of [[and, " AND "], [or, " OR "]] as const) {
      let fwd = fn(q as never, p as never);
      for (const d of names) fwd = fn(fwd, column(d) as never);
      let rev = fn(q as never, p as never);
      for (const d of [...names].reverse()) rev = fn(column(d) as never, rev);
      assertCompile(select(fwd), `SELECT t.q${sql}t.p${sql}${names.join(sql)} AS anon_1 FROM t`);
      assertCompile(select(not(rev)), `SELECT NOT (${names.join(sql)}${sql}t.q${sql}t.p) AS anon_1 FROM t`);
    }
  });

  it.each([
    ["gt", " > ", " <= "],
    ["eq", " = ", " != "],
    ["le", " <= ", " > "],
    ["sub", " - ", undefined],
  ] as const)("test_non_associatives (%s)", (op, sql, negSql) => {
    let fwd = q[op](p as never) as BinaryExpression<unknown>;
    for (let i = 0; i < 5; i++) fwd = (fwd as unknown as typeof q)[op](column(`d${i}`) as never) as BinaryExpression<unknown>;
    let rev = q[op](p as never) as BinaryExpression<unknown>;
    for (let i = 4; i >= 0; i--) rev = column(`d${i}`)[op](rev as never) as BinaryExpression<unknown>;
    const body = (last: string) => `(((((t.q${sql}t.p)${sql}d0)${sql}d1)${sql}d2)${sql}d3)${last}d4`;
    const revBody = (first: string) => `d0${first}(d1${sql}(d2${sql}(d3${sql}(d4${sql}(t.q${sql}t.p)))))`;
    assertCompile(select(fwd), `SELECT ${body(sql)} AS anon_1 FROM t`);
    assertCompile(select(rev), `SELECT ${revBody(sql)} AS anon_1 FROM t`);
    if (negSql) {
      assertCompile(select(not(fwd as never)), `SELECT ${body(negSql)} AS anon_1 FROM t`);
      assertCompile(select(not(rev as never)), `SELECT ${revBody(negSql)} AS anon_1 FROM t`);
    } else {
      assertCompile(select(not(fwd as never)), `SELECT NOT (${body(sql)}) AS anon_1 FROM t`);
      assertCompile(select(not(rev as never)), `SELECT NOT (${revBody(sql)}) AS anon_1 FROM t`);
    }
  });
});

describe("CustomOpTest", () => {
  it("isComparison / boolOp type the expression boolean; plain op() keeps the left type", () => {
    for (const typ of [NULLTYPE, Integer(), ARRAY(String()), String(50), Boolean(), DateTime(), JSONT(), Numeric(5, 2)]) {
      const c = column("x", typ);
      expect(c.op("$", { isComparison: true })(null).type.affinity).toBe("boolean");
      expect(c.boolOp("$")(null).type.affinity).toBe("boolean");
      expect(c.op("$")(null).type).toBe(c.type);
    }
  });
  it("op() precedence decides grouping", () => {
    const x = column("x");
    const y = column("y");
    assertCompile(and(x.op("@>")(y) as never, x.op("@>")(y) as never), "(x @> y) AND (x @> y)");
    assertCompile(x.op("$", { precedence: 5 })(y).eq(1), "(x $ y) = :param_1");
    assertCompile(x.op("->", { precedence: 15 })(y).add(1), "x -> y + :param_1");
    assertCompile(select(x).where(x.boolOp("~~")(y)), "SELECT x WHERE x ~~ y");
  });
});

describe("BitOpTest", () => {
  it("test_wraps_named_column_heuristic: a named column is unlabelled, others anon", () => {
    const q = column("q", Integer());
    const lit = () => literal(5, Integer());
    assertCompile(select(q.neg()), "SELECT -q");
    assertCompile(select(not(q as never)), "SELECT NOT q");
    assertCompile(select(q.bitwiseNot()), "SELECT ~q");
    assertCompile(select(q.distinct()), "SELECT DISTINCT q");
    assertCompile(select(lit().neg()), "SELECT -:param_1 AS anon_1");
    assertCompile(select(not(lit() as never)), "SELECT NOT :param_1 AS anon_1");
    assertCompile(select(lit().bitwiseNot()), "SELECT ~:param_1 AS anon_1");
    assertCompile(select(lit().distinct()), "SELECT DISTINCT :param_1 AS anon_1");
    // Label._negate: NOT over a label keeps its name.
    assertCompile(select(not(lit().label("z") as never)), "SELECT NOT :param_1 AS z");
    expect(q.bitwiseNot()).toBeInstanceOf(UnaryExpression);
  });

  it.each([
    ["bitwiseXor", "^", "#"],
    ["bitwiseOr", "|", "|"],
    ["bitwiseAnd", "&", "&"],
    ["bitwiseLshift", "<<", "<<"],
    ["bitwiseRshift", ">>", ">>"],
  ] as const)("test_compile_binary %s (PostgreSQL XOR is #)", (op, sql, pgSql) => {
    const c1 = column("c1", Integer());
    const c2 = column("c2", Integer());
    assertCompile(select(c1[op](c2)), `SELECT c1 ${sql} c2 AS anon_1`);
    assertCompile(select(c1[op](c2)), `SELECT c1 ${pgSql} c2 AS anon_1`, { dialect: "postgresql" });
  });

  it("SQLite has no XOR operator: (a | b) - (a & b)", () => {
    const c1 = column("c1", Integer());
    const c2 = column("c2", Integer());
    assertCompile(select(c1.bitwiseXor(c2)), "SELECT ((c1 | c2) - (c1 & c2)) AS anon_1", { dialect: "sqlite" });
  });
});

describe("AnyAllTest", () => {
  const md = new MetaData();
  const t = Table("tab1", md, {
    arrval: Column(ARRAY(Integer)),
    arrstring: Column(ARRAY(String)),
    data: Column(Integer),
  });
  const fns = [
    ["ANY", any_],
    ["ANY", (x: typeof t.c.arrval) => x.any_()],
    ["ALL", all_],
    ["ALL", (x: typeof t.c.arrval) => x.all_()],
  ] as const;

  it("test_any_generic_null (and negated)", () => {
    for (const col of [t.c.data, t.c.arrval] as const) {
      const name = col.name;
      assertCompile(any_(col).eq(null), `NULL = ANY (tab1.${name})`);
      assertCompile(any_(col).eq(null_()), `NULL = ANY (tab1.${name})`);
      assertCompile(not(any_(col).eq(null)), `NOT (NULL = ANY (tab1.${name}))`);
    }
    assertCompile(t.c.arrval.any_().eq(null_()), "NULL = ANY (tab1.arrval)");
  });

  it("test_what_type_is_any_all: the compared value takes the element type", () => {
    const left = (e: BinaryExpression<boolean>) => (e.left as unknown as { type: { affinity: string } }).type.affinity;
    expect(left(any_(t.c.arrval).eq(25))).toBe("integer");
    expect(left(all_(t.c.arrstring).eq("a string"))).toBe("string");
    expect(left(any_(t.c.data).eq(5))).toBe("integer");
  });

  it.each(fns)("%s: comparisons mirror, NOT groups, expressions and subqueries", (op, fn) => {
    assertCompile(fn(t.c.arrval).eq(5), `:param_1 = ${op} (tab1.arrval)`, { params: { param_1: 5 } });
    assertCompile(fn(t.c.arrval).ne(5), `:param_1 != ${op} (tab1.arrval)`, { params: { param_1: 5 } });
    // SQLAlchemy's `5 > any_(x)`: athanor writes the aggregate on the left and mirrors the operator.
    assertCompile(fn(t.c.arrval).lt(5), `:param_1 > ${op} (tab1.arrval)`, { params: { param_1: 5 } });
    for (const [m, sql] of [["eq", "="], ["ne", "!="], ["lt", ">"], ["ge", "<="]] as const) {
      assertCompile(not(fn(t.c.arrval)[m](5)), `NOT (:param_1 ${sql} ${op} (tab1.arrval))`, { params: { param_1: 5 } });
    }
    assertCompile(t.c.data.gt(fn(t.c.arrval) as never), `tab1.data > ${op} (tab1.arrval)`, { params: {} });
    const sub = fn(select(t.c.data).where(t.c.data.lt(10)).scalarSubquery() as never);
    assertCompile(sub.eq(5 as never), `:param_1 = ${op} (SELECT tab1.data FROM tab1 WHERE tab1.data < :data_1)`, { params: { data_1: 10, param_1: 5 } });
  });

  it.each(fns)("test_illegal_ops %s: arithmetic on ANY/ALL raises", (_op, fn) => {
    expect(() => fn(t.c.arrval).add(5 as never)).toThrow(new ArgumentError("Only comparison operators may be used with ANY/ALL; got 'add'"));
    expect(() => fn(t.c.arrval).mul(5 as never)).toThrow(/Only comparison operators may be used with ANY\/ALL/);
  });

  it("test_values_illegal: a VALUES is not a column expression", () => {
    expect(() => any_(values([t.c.data]).data([[1], [42]]) as never)).toThrow(ArgumentError);
  });
});

describe("JSONIndexOpTest / ArrayIndexOpTest (PostgreSQL)", () => {
  const md = new MetaData();
  const t = Table("t", md, { x: Column(JSONT), a: Column(ARRAY(Integer)), a3: Column(ARRAY(Integer, { dimensions: 3 })), y: Column(Integer) });
  const { x, a, a3, y } = t.c;

  it("test_setup_getitem: JSON elements stay JSON; ARRAY dimensions drop one per index", () => {
    expect(x.at(5).type.affinity).toBe("json");
    expect(x.at(5).at("foo").type.affinity).toBe("json");
    expect(x.at(["a", "b", "c"]).type.affinity).toBe("json");
    expect(globalThis.String(a3.at(5).type)).toBe("ARRAY(INTEGER, 2)");
    expect(globalThis.String(a3.at(5).at(6).type)).toBe("ARRAY(INTEGER, 1)");
    expect(a3.at(5).at(6).at(7).type.affinity).toBe("integer");
  });

  it("test_cast_ops: as…() types", () => {
    expect(x.at("foo").asInteger().type.affinity).toBe("integer");
    expect(x.at("foo").asBoolean().type.affinity).toBe("boolean");
    expect(x.at("foo").asFloat().type.affinity).toBe("float");
    expect(x.at("foo").asString().type.affinity).toBe("string");
    expect(Float().affinity).toBe("float");
  });

  it("JSON index by SQL expression, grouped on either side (test_getindex_sqlexpr*)", () => {
    assertCompile(x.at(y), "t.x -> t.y", { dialect: "postgresql", params: {} });
    assertCompile(x.at(y.add(8)), "t.x -> (t.y + $1)", { dialect: "postgresql", params: { y_1: 8 } });
    assertCompile(x.at(8).ne(null), "(t.x -> $1::INTEGER) IS NOT NULL", { dialect: "postgresql" });
    assertCompile(x.at(y.add(8)).ne(null), "(t.x -> (t.y + $1)) IS NOT NULL", { dialect: "postgresql", params: { y_1: 8 } });
    assertCompile(x.at(["a", "b", 3, 4, "d"]), "t.x #> $1", { dialect: "postgresql", params: { x_1: ["a", "b", 3, 4, "d"] } });
  });

  it("ARRAY index and slice by SQL expression", () => {
    assertCompile(a.at(5), "t.a[:a_1]", { params: { a_1: 5 } });
    assertCompile(a.at(y), "t.a[t.y]", { params: {} });
    assertCompile(a.at(y.add(8)), "t.a[(t.y + :y_1)]", { params: { y_1: 8 } });
    assertCompile(a.slice(5, 6), "t.a[:a_1::a_2]", { params: { a_1: 5, a_2: 6 } });
    assertCompile(a.slice(y, y.add(5)), "t.a[t.y:t.y + :y_1]", { params: { y_1: 5 } });
    assertCompile(a.slice(y, y.add(5)), "t.a[t.y:t.y + $1]", { dialect: "postgresql" });
  });
});

/**
 * SQLAlchemy test/sql/test_operators.py, ported by behaviour: conjunctions with the true/false
 * constants (ConjunctionTest), operator precedence and associativity, custom operator
 * precedence and COLLATE grouping, compiled against the default dialect.
 */
import { describe, it } from "vitest";
import {
  Boolean, Integer, String, and, column, false_, func, literal, not, null_, or, select, table, true_, typeCoerce,
} from "../../../src/index.js";
import { assertCompile, mytable } from "./helpers.js";

const x = column("x");
const t1 = mytable;

describe("ConjunctionTest: and/or with true_()/false_()", () => {
  it("a lone constant negates to its opposite", () => {
    assertCompile(not(and(true_())), "false");
    assertCompile(or(not(and(true_()))), "false");
    assertCompile(not(or(false_())), "true");
    assertCompile(and(not(or(false_()))), "true");
  });
  it("nested single-element conjunctions unwrap", () => {
    assertCompile(and(or(x.eq(5)), or(x.eq(7))), "x = :x_1 AND x = :x_2");
  });
  it("true_() absorbs an OR, false_() an AND, wherever it appears", () => {
    assertCompile(or(true_(), x.eq(7)), "true");
    assertCompile(or(x.eq(7), true_()), "true");
    assertCompile(not(or(x.eq(7), true_())), "false");
    assertCompile(select(x).where(or(x.eq(7), true_())), "SELECT x WHERE true");
    assertCompile(and(x.eq(7), x.eq(9), false_(), x.eq(5)), "false");
    assertCompile(not(and(x.eq(7), x.eq(9), false_(), x.eq(5))), "true");
  });
  it("the neutral constant is dropped", () => {
    assertCompile(and(true_(), x.eq(7), true_(), x.eq(9)), "x = :x_1 AND x = :x_2");
    assertCompile(or(false_(), x.eq(7), false_(), x.eq(9)), "x = :x_1 OR x = :x_2");
  });
  it("NOT NULL, and repeated constants are one column each", () => {
    assertCompile(select(x).where(not(null_())), "SELECT x WHERE NOT NULL");
    assertCompile(select(null_(), null_()), "SELECT NULL AS anon_1, NULL AS anon__1");
    assertCompile(select(true_(), true_()), "SELECT true AS anon_1, true AS anon__1");
    assertCompile(select(false_(), false_()), "SELECT false AS anon_1, false AS anon__1");
  });
  it("is(true) / is(false) render the constants", () => {
    const c = column("x", Boolean());
    assertCompile(c.is(true), "x IS true");
    assertCompile(c.is(false), "x IS false");
  });
});

describe("BooleanEvalTest (native boolean)", () => {
  const c = column("x", Boolean());
  it("a boolean column is its own criterion; NOT and double NOT", () => {
    assertCompile(select(c).where(c), "SELECT x WHERE x");
    assertCompile(select(c).where(not(c)), "SELECT x WHERE NOT x");
    assertCompile(select(c).where(not(not(c))), "SELECT x WHERE x");
  });
  it("test_boolean_auto_label: NOT of a named column is not labelled", () => {
    assertCompile(select(not(c), c), "SELECT NOT x, x");
    const t = table("mytable", column("myid", Integer()));
    assertCompile(select(t.c.myid.neg()), "SELECT -mytable.myid FROM mytable");
    assertCompile(select(t.c.myid.add(1).neg()), "SELECT -(mytable.myid + :myid_1) AS anon_1 FROM mytable");
  });
  it("JOIN ON true_()", () => {
    assertCompile(table("t1", column("a")).join(table("t2", column("b")), true_()), "t1 JOIN t2 ON true");
    assertCompile(table("t1", column("a")).join(table("t2", column("b")), false_()), "t1 JOIN t2 ON false");
  });
});

describe("OperatorPrecedenceTest", () => {
  const op = table("op", column("field"));
  const f = op.c.field;
  it("comparisons and arithmetic", () => {
    assertCompile(select(op).where(f.eq(5).eq(null)), "SELECT op.field FROM op WHERE (op.field = :field_1) IS NULL");
    assertCompile(select(op).where(f.add(5).eq(f)), "SELECT op.field FROM op WHERE op.field + :field_1 = op.field");
    assertCompile(f.add(5).mul(6), "(op.field + :field_1) * :param_1");
    assertCompile(f.mul(5).add(6), "op.field * :field_1 + :param_1");
  });
  it("IN inside arithmetic and arithmetic inside IN", () => {
    assertCompile(literal(5).add(typeCoerce(f.in([5, 6]), Integer())), ":param_1 + (op.field IN (__[POSTCOMPILE_field_1]))");
    assertCompile(select(op).where(literal(5).add(f).in([5, 6])), "SELECT op.field FROM op WHERE :param_1 + op.field IN (__[POSTCOMPILE_param_2])");
  });
  it("NOT of conjunctions, comparisons and BETWEEN", () => {
    assertCompile(select(op).where(not(and(f.eq(5), f.eq(7)))), "SELECT op.field FROM op WHERE NOT (op.field = :field_1 AND op.field = :field_2)");
    assertCompile(select(op).where(not(f.eq(5))), "SELECT op.field FROM op WHERE op.field != :field_1");
    assertCompile(select(op).where(not(f.between(5, 6))), "SELECT op.field FROM op WHERE op.field NOT BETWEEN :field_1 AND :field_2");
    assertCompile(select(op).where(not(f).eq(5 as never)), "SELECT op.field FROM op WHERE (NOT op.field) = :param_1");
  });
  it("a comparison as the left side of BETWEEN and MATCH under IS", () => {
    assertCompile(select(op).where(f.eq(f).between(false, true)), "SELECT op.field FROM op WHERE (op.field = op.field) BETWEEN :param_1 AND :param_2");
    assertCompile(select(op).where(f.match(f as never).is(null)), "SELECT op.field FROM op WHERE (op.field MATCH op.field) IS NULL");
  });
  it("COLLATE groups inside comparisons, not under ORDER BY modifiers", () => {
    assertCompile(t1.c.name.eq(literal("foo").collate("utf-8")), 'mytable.name = (:param_1 COLLATE "utf-8")');
    assertCompile(t1.c.name.collate("utf-8").eq("foo"), '(mytable.name COLLATE "utf-8") = :param_1');
    assertCompile(select(t1.c.name).orderBy(t1.c.name.collate("utf-8").desc()), 'SELECT mytable.name FROM mytable ORDER BY mytable.name COLLATE "utf-8" DESC');
    assertCompile(select(t1.c.name).orderBy(t1.c.name.collate("utf-8").desc().nullsLast()), 'SELECT mytable.name FROM mytable ORDER BY mytable.name COLLATE "utf-8" DESC NULLS LAST');
    assertCompile(select(t1.c.name).orderBy(t1.c.name.collate("utf-8").asc()), 'SELECT mytable.name FROM mytable ORDER BY mytable.name COLLATE "utf-8" ASC');
  });
  it("custom operators: default and explicit precedence", () => {
    assertCompile(select(t1).where(t1.c.myid.op("hoho")(12).eq(14)), "SELECT mytable.myid, mytable.name, mytable.description FROM mytable WHERE (mytable.myid hoho :myid_1) = :param_1");
    assertCompile(func.foo(t1.c.myid.op("hoho")(12)), "foo(mytable.myid hoho :myid_1)");
    const op1 = t1.c.myid.op("hoho", { precedence: 5 });
    assertCompile(op1(5).op("lala", { precedence: 4 })(4), "mytable.myid hoho :myid_1 lala :param_1");
    assertCompile(op1(5).op("lala", { precedence: 6 })(4), "(mytable.myid hoho :myid_1) lala :param_1");
    assertCompile(t1.c.myid.bitwiseNot().op("lala", { precedence: 7 })(4), "~mytable.myid lala :param_1");
    assertCompile(t1.c.myid.bitwiseNot().op("lala", { precedence: 9 })(4), "(~mytable.myid) lala :param_1");
  });
  it("bitwise operators under a custom operator", () => {
    const c = t1.c.myid;
    const cases = [
      [c.bitwiseXor(5), "^"], [c.bitwiseOr(5), "|"], [c.bitwiseAnd(5), "&"], [c.bitwiseLshift(5), "<<"], [c.bitwiseRshift(5), ">>"],
    ] as const;
    for (const [e, sym] of cases) {
      assertCompile(e.op("lala", { precedence: 6 })(4), `mytable.myid ${sym} :myid_1 lala :param_1`);
      assertCompile(e.op("lala", { precedence: 8 })(4), `(mytable.myid ${sym} :myid_1) lala :param_1`);
    }
  });
  it("IS NULL comparisons compared", () => {
    assertCompile(t1.c.name.eq(null).ne(t1.c.description.eq(null)), "(mytable.name IS NULL) != (mytable.description IS NULL)");
  });
});

describe("OperatorAssociativityTest", () => {
  const f = column("f");
  it("subtraction groups on the right, and through labels", () => {
    assertCompile(f.sub(f), "f - f");
    assertCompile(f.sub(f).sub(f), "(f - f) - f");
    assertCompile(f.sub(f).label("foo").sub(f), "(f - f) - f");
    assertCompile(f.sub(f.sub(f)), "f - (f - f)");
    assertCompile(f.sub(f.sub(f).label("foo")), "f - (f - f)");
  });
  it("comparisons of comparisons", () => {
    assertCompile(f.eq(f).eq(f), "(f = f) = f");
    assertCompile(f.ne(f).ne(f), "(f != f) != f");
  });
});

describe("MathOperatorTest", () => {
  const t = table("mytable", column("myid", Integer()));
  it("binary arithmetic with literals and columns on either side", () => {
    const ops = [["add", "+"], ["mul", "*"], ["sub", "-"], ["mod", "%"]] as const;
    for (const [m, sym] of ops) {
      assertCompile(literal(5)[m](t.c.myid), `:param_1 ${sym} mytable.myid`);
      assertCompile(literal(5)[m](literal(5)), `:param_1 ${sym} :param_2`);
      assertCompile(t.c.myid[m](literal(2.7) as never), `mytable.myid ${sym} :param_1`);
      assertCompile(t.c.myid[m](t.c.myid), `mytable.myid ${sym} mytable.myid`);
      assertCompile(literal(5)[m](8), `:param_1 ${sym} :param_2`);
      assertCompile(literal(7)[m](literal(5.5)), `:param_1 ${sym} :param_2`);
    }
  });
  it("true and floor division of integer literals", () => {
    assertCompile(literal(5).div(literal(5)), ":param_1 / CAST(:param_2 AS NUMERIC)");
    assertCompile(literal(5).floordiv(literal(5)), ":param_1 / :param_2");
    assertCompile(literal(5.1).floordiv(literal(5.5)), "FLOOR(:param_1 / :param_2)");
  });
  it("a string column's + is concatenation", () => {
    assertCompile(column("s", String()).add("x"), "s || :s_1");
  });
});

describe("NegationTest", () => {
  const t = table("mytable", column("myid", Integer()), column("name", String()));
  it("NOT and unary minus of columns and literals", () => {
    assertCompile(not(t.c.myid as never), "NOT mytable.myid");
    assertCompile(t.c.myid.neg(), "-mytable.myid");
    assertCompile(literal(5, Integer()).neg(), "-:param_1");
  });
  it("negated comparisons flip; conjunctions are wrapped", () => {
    assertCompile(select(t).where(and(t.c.myid.ne(12), not(t.c.name.eq("john")))), "SELECT mytable.myid, mytable.name FROM mytable WHERE mytable.myid != :myid_1 AND mytable.name != :name_1");
    assertCompile(
      select(t).where(and(t.c.myid.ne(12), not(t.c.name.between("jack", "john")))),
      "SELECT mytable.myid, mytable.name FROM mytable WHERE mytable.myid != :myid_1 AND mytable.name NOT BETWEEN :name_1 AND :name_2",
    );
    assertCompile(
      select(t).where(and(t.c.myid.ne(12), not(and(t.c.name.eq("john"), t.c.name.eq("ed"), t.c.name.eq("fred"))))),
      "SELECT mytable.myid, mytable.name FROM mytable WHERE mytable.myid != :myid_1 AND NOT (mytable.name = :name_1 AND mytable.name = :name_2 AND mytable.name = :name_3)",
    );
    assertCompile(select(t).where(and(t.c.myid.ne(12), not(literal<boolean>("somethingboolean" as never, Boolean())))), "SELECT mytable.myid, mytable.name FROM mytable WHERE mytable.myid != :myid_1 AND NOT :param_1");
  });
  it("a negated OR keeps its label name and parentheses; NOT of a scalar subquery", () => {
    const e = not(or(t.c.myid.eq(1), t.c.myid.eq(2))).label("foo");
    assertCompile(e, "NOT (mytable.myid = :myid_1 OR mytable.myid = :myid_2)");
    assertCompile(not(select(t.c.myid).where(t.c.myid.gt(5)).scalarSubquery() as never), "NOT (SELECT mytable.myid FROM mytable WHERE mytable.myid > :myid_1)", { params: { myid_1: 5 } });
  });
});

describe("LikeTest / ComposedLikeOperatorsTest", () => {
  const t = table("mytable", column("myid", String()), column("name", String()));
  it("LIKE and ILIKE with ESCAPE, negated", () => {
    assertCompile(t.c.myid.like("somstr", { escape: "'" }), "mytable.myid LIKE :myid_1 ESCAPE ''''");
    assertCompile(not(t.c.myid.like("somstr", { escape: "\\" })), "mytable.myid NOT LIKE :myid_1 ESCAPE '\\'");
    assertCompile(t.c.myid.ilike("somstr", { escape: "\\" }), "lower(mytable.myid) LIKE lower(:myid_1) ESCAPE '\\'");
    assertCompile(not(t.c.myid.ilike("somstr", { escape: "\\" })), "lower(mytable.myid) NOT LIKE lower(:myid_1) ESCAPE '\\'");
    assertCompile(not(t.c.name.ilike("%something%")), "mytable.name NOT ILIKE $1", { dialect: "postgresql" });
  });
  it("autoescape escapes the value with the escape character", () => {
    assertCompile(t.c.name.contains("a%b", { autoescape: true }), "mytable.name LIKE '%' || :name_1 || '%' ESCAPE '/'", { params: { name_1: "a/%b" } });
    assertCompile(t.c.name.startsWith("a/b_", { autoescape: true, escape: "^" }), "mytable.name LIKE :name_1 || '%' ESCAPE '^'", { params: { name_1: "a/b^_" } });
    assertCompile(not(t.c.name.contains("x")), "mytable.name NOT LIKE '%' || :name_1 || '%'");
  });
});

describe("IsDistinctFromTest / BetweenTest / concat", () => {
  const t = table("mytable", column("myid", Integer()), column("name", String()));
  it("SQLite spells IS [NOT] DISTINCT FROM as IS NOT / IS", () => {
    assertCompile(t.c.myid.isDistinctFrom(1), "mytable.myid IS NOT ?", { dialect: "sqlite" });
    assertCompile(t.c.myid.isNotDistinctFrom(1), "mytable.myid IS ?", { dialect: "sqlite" });
    assertCompile(not(t.c.myid.isDistinctFrom(1)), "mytable.myid IS ?", { dialect: "sqlite" });
    assertCompile(t.c.myid.isDistinctFrom(1), "mytable.myid IS DISTINCT FROM $1", { dialect: "postgresql" });
  });
  it("BETWEEN SYMMETRIC, negated; arithmetic on the left stays bare", () => {
    assertCompile(t.c.myid.between(1, 2, { symmetric: true }), "mytable.myid BETWEEN SYMMETRIC :myid_1 AND :myid_2");
    assertCompile(not(t.c.myid.between(1, 2, { symmetric: true })), "mytable.myid NOT BETWEEN SYMMETRIC :myid_1 AND :myid_2");
    assertCompile(t.c.myid.add(t.c.myid).between(1, 2), "mytable.myid + mytable.myid BETWEEN :param_1 AND :param_2");
  });
  it("concatenation is associative", () => {
    assertCompile(t.c.name.concat("a").concat("b"), "mytable.name || :name_1 || :param_1");
    assertCompile(t.c.name.concat(t.c.name.concat("b")), "mytable.name || mytable.name || :name_1");
  });
});

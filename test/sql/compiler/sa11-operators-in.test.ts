/**
 * SQLAlchemy test/sql/test_operators.py, ported by behaviour: InTest, InSelectableTest and
 * TupleTypingTest (IN with lists, expressions, empty lists, tuples, SELECTs, text(), tables,
 * subqueries and CTEs; NOT IN grouping; `renderPostcompile`), against the display dialect
 * (SQLAlchemy's "default" / "default_enhanced") and PostgreSQL / SQLite.
 *
 * Skipped:
 * - test_in_4 / test_in_set / test_in_arbitrary_sequence: Python iterables, sets and sequence
 *   protocols; athanor's `in()` takes a typed array.
 * - test_in_14_5: a Python duck-typed `__clause_element__` object.
 * - test_in_18: `"a" + col` is Python's reflected `__radd__`; athanor has no reflected operators.
 *
 * Known differences:
 * - test_in_self_plus_negated(_empty): the negated copy shares the IN's parameter (`a_1` twice);
 *   SQLAlchemy names it `a_2` (already noted in operators.test.ts).
 * - test_type_inference_one: an untyped `column("q").in([1, 2, 3])` keeps NULLTYPE on the
 *   expanding parameter (SQLAlchemy infers Integer from the first value); the values still
 *   render and bind by their own JS types.
 * - test_in_values: `in(values(…))` (and `scalarValues()`, which athanor lacks) raises
 *   ArgumentError; SQLAlchemy renders `IN (VALUES (:param_1), (:param_2))`.
 */
import { describe, expect, it } from "vitest";
import {
  ArgumentError, Date as DateT, DateTime, Float, Integer, LargeBinary, NULLTYPE, String, and, column, intersect, literal,
  literalColumn, not, select, table, text, tuple, union, warnings,
} from "../../../src/index.js";
import { TupleType } from "../../../src/sql/elements.js";
import { assertCompile, compile } from "./helpers.js";

const table1 = table("mytable", column("myid", Integer()));
const table2 = table("myothertable", column("otherid", Integer()), column("othername", String()));
const myid = table1.c.myid;
// IN lists of mixed or non-integer values, as SQLAlchemy's untyped-by-Python tests build them.
const loose = myid as unknown as ReturnType<typeof column>;

describe("InTest: lists of values", () => {
  it("test_in_1/2/3/19: one expanding parameter; NOT IN parenthesised", () => {
    assertCompile(loose.in(["a"]), "mytable.myid IN (__[POSTCOMPILE_myid_1])", { params: { myid_1: ["a"] } });
    assertCompile(not(loose.in(["a"])), "(mytable.myid NOT IN (__[POSTCOMPILE_myid_1]))", { params: { myid_1: ["a"] } });
    assertCompile(loose.in(["a", "b"]), "mytable.myid IN (__[POSTCOMPILE_myid_1])", { params: { myid_1: ["a", "b"] } });
    assertCompile(myid.in([1, 2, 3]), "mytable.myid IN (__[POSTCOMPILE_myid_1])", { params: { myid_1: [1, 2, 3] } });
  });

  it("test_in_28 / test_in_null_combinations: NULLs stay inside the expanding list", () => {
    assertCompile(myid.in([null]), "mytable.myid IN (__[POSTCOMPILE_myid_1])", { params: { myid_1: [null] } });
    for (const list of [[1, 2, null, 3], [null, null, null], [null, 2, 3, 3]]) {
      assertCompile(myid.in(list), "mytable.myid IN (__[POSTCOMPILE_myid_1])", { params: { myid_1: list } });
    }
  });

  it("renderPostcompile expands the list into one parameter per value", () => {
    assertCompile(myid.in([1, 2, 3]), "mytable.myid IN (:myid_1_1, :myid_1_2, :myid_1_3)", {
      renderPostcompile: true,
      params: { myid_1_1: 1, myid_1_2: 2, myid_1_3: 3 },
    });
    assertCompile(myid.in([1, 2]), "mytable.myid IN ($1, $2)", { dialect: "postgresql", renderPostcompile: true, positional: [1, 2] });
    assertCompile(myid.notIn([1, 2]), "(mytable.myid NOT IN (?, ?))", { dialect: "sqlite", renderPostcompile: true, positional: [1, 2] });
  });

  it("literal binds render the values inline", () => {
    assertCompile(myid.in([1, 2, 3]), "mytable.myid IN (1, 2, 3)", { literalBinds: true });
    assertCompile(column("q").in([1, 2, 3]), "q IN (1, 2, 3)", { literalBinds: true });
    assertCompile(column("q").in(["a", "b"]), "q IN ('a', 'b')", { literalBinds: true });
  });
});

describe("InTest: lists with expressions render up front", () => {
  it.each([
    ["test_in_5", () => loose.in([literal("a")]), "mytable.myid IN (:param_1)"],
    ["test_in_6", () => loose.in([literal("a"), "b"]), "mytable.myid IN (:param_1, :myid_1)"],
    ["test_in_7", () => loose.in([literal("a"), literal("b")]), "mytable.myid IN (:param_1, :param_2)"],
    ["test_in_8", () => loose.in(["a", literal("b")]), "mytable.myid IN (:myid_1, :param_1)"],
    ["test_in_9", () => myid.in([literal(1).add("a" as never)]), "mytable.myid IN (:param_1 + :param_2)"],
    ["test_in_10", () => loose.in([literal("a").add("a"), "b"]), "mytable.myid IN (:param_1 || :param_2, :myid_1)"],
    ["test_in_11", () => loose.in([literal("a").add(literal("a")), literal("b")]), "mytable.myid IN (:param_1 || :param_2, :param_3)"],
    ["test_in_12", () => myid.in([1, literal(3).add(4)]), "mytable.myid IN (:myid_1, :param_1 + :param_2)"],
    ["test_in_13", () => loose.in([literal("a").lt("b")]), "mytable.myid IN (:param_1 < :param_2)"],
    ["test_in_14", () => myid.in([myid]), "mytable.myid IN (mytable.myid)"],
    ["test_in_15", () => loose.in(["a", myid]), "mytable.myid IN (:myid_1, mytable.myid)"],
    ["test_in_16", () => loose.in([literal("a"), myid]), "mytable.myid IN (:param_1, mytable.myid)"],
    ["test_in_17", () => loose.in([literal("a"), myid.add("a" as never)]), "mytable.myid IN (:param_1, mytable.myid + :myid_1)"],
  ] as const)("%s", (_name, build, sql) => {
    assertCompile(build(), sql);
  });

  it("NOT IN of an expression list is parenthesised too", () => {
    assertCompile(myid.notIn([literal(1), literalColumn("7")]), "(mytable.myid NOT IN (:param_1, 7))", { params: { param_1: 1 } });
    assertCompile(not(myid.in([myid, literal(2)])), "(mytable.myid NOT IN (mytable.myid, :param_1))");
  });
});

describe("InTest: IN a SELECT", () => {
  it("test_in_20/21: IN and NOT IN a select; NOT IN is parenthesised", () => {
    assertCompile(myid.in(select(table2.c.otherid)), "mytable.myid IN (SELECT myothertable.otherid FROM myothertable)");
    assertCompile(not(myid.in(select(table2.c.otherid))), "(mytable.myid NOT IN (SELECT myothertable.otherid FROM myothertable))");
    assertCompile(myid.notIn(select(table2.c.otherid)), "(mytable.myid NOT IN (SELECT myothertable.otherid FROM myothertable))", { dialect: "postgresql" });
  });

  it("test_in_22: IN a text() SELECT", () => {
    assertCompile(myid.in(text("SELECT myothertable.otherid FROM myothertable")), "mytable.myid IN (SELECT myothertable.otherid FROM myothertable)");
    assertCompile(myid.notIn(text("SELECT myothertable.otherid FROM myothertable")), "(mytable.myid NOT IN (SELECT myothertable.otherid FROM myothertable))");
  });

  it("test_in_24/25: in the columns clause, select and scalar subquery alike", () => {
    const expected = "SELECT mytable.myid IN (SELECT myothertable.otherid FROM myothertable) AS anon_1 FROM mytable";
    assertCompile(select(myid.in(select(table2.c.otherid))), expected);
    assertCompile(select(myid.in(select(table2.c.otherid).scalarSubquery())), expected);
    assertCompile(select(myid.notIn(select(table2.c.otherid))), "SELECT (mytable.myid NOT IN (SELECT myothertable.otherid FROM myothertable)) AS anon_1 FROM mytable");
  });

  it("test_in_26: IN a UNION", () => {
    assertCompile(
      myid.in(union(select(myid).where(myid.eq(5)), select(myid).where(myid.eq(12)))),
      "mytable.myid IN (SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1 UNION SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_2)",
      { params: { myid_1: 5, myid_2: 12 } },
    );
  });

  it("test_in_27: the SELECT keeps its ORDER BY and LIMIT", () => {
    assertCompile(
      select(table1, table2)
        .where(table2.c.otherid.in(select(table2.c.otherid).orderBy(table2.c.othername).limit(10).correlate(false)))
        .selectFrom(table1.join(table2, myid.eq(table2.c.otherid)))
        .orderBy(myid),
      "SELECT mytable.myid, myothertable.otherid, myothertable.othername FROM mytable " +
        "JOIN myothertable ON mytable.myid = myothertable.otherid " +
        "WHERE myothertable.otherid IN (SELECT myothertable.otherid FROM myothertable ORDER BY myothertable.othername " +
        "LIMIT :param_1) ORDER BY mytable.myid",
      { params: { param_1: 10 } },
    );
  });

  it("test_in_scalar_grouping: nested compound selects group the inner compound", () => {
    const inner = union(select(myid).where(myid.eq(5)), select(myid).where(myid.eq(6)));
    const simple = select(myid).where(myid.eq(7));
    assertCompile(
      select(table1).where(myid.in(intersect(simple, inner))),
      "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1 " +
        "INTERSECT (SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_2 UNION SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_3))",
    );
    assertCompile(
      select(table1).where(myid.in(intersect(inner, simple))),
      "SELECT mytable.myid FROM mytable WHERE mytable.myid IN ((SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1 " +
        "UNION SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_2) INTERSECT SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_3)",
    );
  });

  it("test_scalar_subquery_wo_type: an untyped one-column select", () => {
    const t = table("t", column("a", Integer()));
    assertCompile(select(t.c.a).where(t.c.a.in(select(column("scan")))), "SELECT t.a FROM t WHERE t.a IN (SELECT scan)");
  });
});

describe("InTest: empty lists", () => {
  const a = column("a", Integer());

  it.each([
    ["in", () => a.in([])],
    ["not notIn", () => not(a.notIn([]))],
  ] as const)("test_in_empty_single (%s)", (_n, build) => {
    assertCompile(build(), "a IN (__[POSTCOMPILE_a_1])", { params: { a_1: [] } });
    assertCompile(build(), "a IN (NULL) AND (1 != 1)", { literalBinds: true });
    assertCompile(build(), "a IN (NULL) AND (1 != 1)", { renderPostcompile: true });
  });

  it.each([
    ["notIn", () => a.notIn([])],
    ["not in", () => not(a.in([]))],
  ] as const)("test_in_empty_single (%s)", (_n, build) => {
    assertCompile(build(), "(a NOT IN (__[POSTCOMPILE_a_1]))", { params: { a_1: [] } });
    assertCompile(build(), "(a NOT IN (NULL) OR (1 = 1))", { literalBinds: true });
  });

  it("test_in_empty_tuple: one NULL per tuple member", () => {
    const t1 = tuple(column("a", Integer()), column("b", String()), column("c", LargeBinary()));
    for (const e of [t1.in([]), not(t1.notIn([]))]) {
      assertCompile(e, "(a, b, c) IN (__[POSTCOMPILE_param_1])", { params: { param_1: [] } });
      assertCompile(e, "(a, b, c) IN ((NULL, NULL, NULL)) AND (1 != 1)", { literalBinds: true });
    }
    for (const e of [t1.notIn([]), not(t1.in([]))]) {
      assertCompile(e, "((a, b, c) NOT IN (__[POSTCOMPILE_param_1]))", { params: { param_1: [] } });
      assertCompile(e, "((a, b, c) NOT IN ((NULL, NULL, NULL)) OR (1 = 1))", { literalBinds: true });
    }
  });

  it("test_in_self_plus_negated_empty / test_type_inference_two", () => {
    const e1 = a.in([]);
    assertCompile(and(e1, not(e1)), "a IN (NULL) AND (1 != 1) AND (a NOT IN (NULL) OR (1 = 1))", { literalBinds: true });
    assertCompile(column("q").in([]), "q IN (NULL) AND (1 != 1)", { literalBinds: true });
  });

  it("the empty form is rendered per execution on PostgreSQL and SQLite", () => {
    const pg = compile(select(a).where(a.in([])), "postgresql", { forExecution: true });
    expect(pg.construct(undefined, undefined)).toEqual({ sql: "SELECT a \nWHERE a IN (NULL) AND (1 != 1)", params: [] });
    const lite = compile(select(a).where(a.notIn([])), "sqlite", { forExecution: true });
    expect(lite.construct(undefined, undefined)).toEqual({ sql: "SELECT a \nWHERE (a NOT IN (NULL) OR (1 = 1))", params: [] });
  });
});

describe("InTest: tuples (test_in_29)", () => {
  const a = column("a", Integer());
  const b = column("b", String());
  const c = column("c", LargeBinary());
  const bytes = (s: string) => new TextEncoder().encode(s);
  const rows = [[3, "hi", bytes("there")], [4, "Q", bytes("P")]];

  it("IN", () => {
    assertCompile(tuple(a, b, c).in(rows), "(a, b, c) IN (__[POSTCOMPILE_param_1])", { params: { param_1: rows } });
  });
  it("NOT IN", () => {
    assertCompile(not(tuple(a, b, c).in(rows)), "((a, b, c) NOT IN (__[POSTCOMPILE_param_1]))", { params: { param_1: rows } });
  });
  // SQLAlchemy's default dialect renders bytes as a string literal ('there'); athanor renders an
  // X'…' blob literal, which PostgreSQL and SQLite read as bytes.
  it("literal binds", () => {
    assertCompile(tuple(a, b, c).in(rows), "(a, b, c) IN ((3, 'hi', X'7468657265'), (4, 'Q', X'50'))", { literalBinds: true });
    assertCompile(not(tuple(a, b, c).in(rows)), "((a, b, c) NOT IN ((3, 'hi', X'7468657265'), (4, 'Q', X'50')))", { literalBinds: true });
  });
});

describe("TupleTypingTest", () => {
  const affinities = (types: readonly { affinity: string }[]) => types.map((t) => t.affinity);

  it("test_type_coercion_on_in: members bind with the tuple's column types", () => {
    const t1 = tuple(column("a", Integer()), column("b", String()), column("c", LargeBinary()));
    const expr = t1.in([[3, "hi", "there"], [4, "Q", "P"]]);
    const right = expr.right as unknown as { value: unknown[]; type: TupleType };
    expect(right.value).toHaveLength(2);
    expect(right.type).toBeInstanceOf(TupleType);
    expect(affinities(right.type.types)).toEqual(["integer", "string", "binary"]);
  });

  // Known difference: SQLAlchemy infers the member types of an untyped tuple from the first
  // row's values (test_tuple_type_expanding_inference / _left_type_ignored); athanor keeps the
  // columns' own types, and untyped members bind by each value's JS type at execution.
  it("untyped tuple members stay untyped; typed members keep their column types", () => {
    const untyped = tuple(column("a"), column("b"), column("c")).in([[3, "hi", new Uint8Array([1])]]);
    expect((untyped.right as unknown as { type: TupleType }).type.types.every((t) => t === NULLTYPE)).toBe(true);
    const typed = tuple(column("a", DateT()), column("b", DateTime()), column("c", Float())).in([[new Date(0), new Date(0), 1.5]]);
    expect(affinities((typed.right as unknown as { type: TupleType }).type.types)).toEqual(["date", "datetime", "float"]);
  });
});

describe("InSelectableTest", () => {
  const t = table("t", column("x"));
  const q = column("q");
  const coerced = (build: () => ReturnType<typeof q.in>, expectedWarning: string) => {
    let expr: ReturnType<typeof q.in> | undefined;
    const seen = warnings.catch(() => {
      expr = build();
    });
    expect(seen.map((w) => w.message)).toEqual([expectedWarning]);
    return expr!;
  };
  const msg = (cls: string) => `Coercing ${cls} object into a select() for use in IN(); please pass a select() construct explicitly`;

  it("test_in_select", () => {
    assertCompile(q.in(select(t.c.x)), "q IN (SELECT t.x FROM t)");
  });

  it("test_in_subquery_warning / test_in_subquery_explicit", () => {
    const sub = select(t.c.x).subquery();
    assertCompile(coerced(() => q.in(sub), msg("Subquery")), "q IN (SELECT anon_1.x FROM (SELECT t.x AS x FROM t) AS anon_1)");
    assertCompile(q.in(sub.select()), "q IN (SELECT anon_1.x FROM (SELECT t.x AS x FROM t) AS anon_1)");
  });

  it("test_in_table / test_in_table_alias", () => {
    assertCompile(coerced(() => q.in(t), msg("TableClause")), "q IN (SELECT t.x FROM t)");
    assertCompile(coerced(() => q.in(t.alias()), msg("Alias")), "q IN (SELECT t_1.x FROM t AS t_1)");
    assertCompile(coerced(() => q.notIn(t), msg("TableClause")), "(q NOT IN (SELECT t.x FROM t))");
  });

  it("test_in_cte_implicit / test_in_cte_explicit / test_in_cte_select", () => {
    const cte = select(t.c.x).cte();
    const expected = "WITH anon_2 AS (SELECT t.x AS x FROM t) SELECT q IN (SELECT anon_2.x FROM anon_2) AS anon_1";
    assertCompile(select(coerced(() => q.in(cte), msg("CTE"))), expected);
    assertCompile(select(q.in(cte.select().scalarSubquery())), expected);
    assertCompile(select(q.in(cte.select())), expected);
  });

  it("other clauses raise ArgumentError", () => {
    expect(() => q.in(t.c.x.eq(1) as never)).toThrow(ArgumentError);
  });
});

/**
 * Follows SQLAlchemy's test/sql/test_compare.py CacheKeyTest.test_cache_key rule (distinct
 * statements, distinct keys) for what SQLAlchemy's tuple-shaped keys get for free and athanor's
 * flat token keys must state: where a nested statement's optional sections end, how many items
 * a list has, and the fields athanor adds (addCte nestHere, returning sortByParameterOrder,
 * a column's quote=, ON CONFLICT targets). Each group pairs two statements whose keys were once
 * equal while their SQL differed; the harness also checks that each one, built twice, keys
 * and executes alike.
 *
 * Adapted: SQLAlchemy has no flat key to confuse, so these are athanor's own cases; the
 * constructs are SQLAlchemy's (scalar_subquery, add_cte(nest_here=True),
 * returning(sort_by_parameter_order=True), quoted_name, on_conflict_do_update).
 */
import { describe, it } from "vitest";
import { Boolean as BooleanT, Column, ColumnClause, Integer, MetaData, String, Table, column, insert, select, text, update } from "../../../src/index.js";
import { insert as pgInsert } from "../../../src/dialects/postgresql/index.js";
import { runKeyGroup, type KeyGroup } from "./sa10-harness.js";

const md = new MetaData();
const t = Table("t", md, { id: Column(Integer, { primaryKey: true }), a: Column(Integer), b: Column(String), flag: Column(BooleanT) });
const t2 = Table("t2", md, { x: Column(Integer) });

const groups: KeyGroup[] = [
  {
    name: "ORDER BY inside or after a labelled scalar subquery",
    build: () => [
      select(select(t.c.a).scalarSubquery().label("x")).orderBy(t2.c.x),
      select(select(t.c.a).orderBy(t2.c.x).scalarSubquery().label("x")),
    ],
  },
  {
    name: "FROM of the subquery or of the enclosing SELECT",
    build: () => [select(select(t.c.a).scalarSubquery()).selectFrom(t2), select(select(t.c.a).selectFrom(t2).scalarSubquery())],
  },
  {
    name: "prefix of the SELECT or of the INSERT in its CTE",
    build: () => [
      select(t2.c.x).addCte(insert(t).values({ a: 1 }).cte("i")).prefixWith("foo"),
      select(t2.c.x).addCte(insert(t).values({ a: 1 }).prefixWith("foo").cte("i")),
    ],
  },
  {
    name: "an UPDATE CTE with or without RETURNING",
    build: () => {
      const u = (ret: boolean) => {
        const s = update(t).values({ a: 1 });
        return (ret ? s.returning(t.c.a) : s).cte("u");
      };
      return [select(t2.c.x).addCte(u(true)), select(t2.c.x).addCte(u(false))];
    },
  },
  {
    name: "addCte(nestHere) in a subquery",
    build: () => {
      const c1 = select(t.c.a).cte("c1");
      return [
        select(select(c1.c.a).addCte(c1, { nestHere: true }).subquery().c.a),
        select(select(c1.c.a).addCte(c1).subquery().c.a),
      ];
    },
  },
  {
    name: "text().columns().addCte(nestHere) in a subquery",
    build: () => {
      const c1 = select(t.c.a).cte("c1");
      const ts = text("SELECT a FROM t").columns(column("a", Integer()));
      return [select(ts.addCte(c1, { nestHere: true }).subquery().c.a), select(ts.addCte(c1).subquery().c.a)];
    },
  },
  {
    name: "returning(sortByParameterOrder) with multi-row VALUES",
    build: () => [
      insert(t).values([{ a: 1, b: "x" }, { a: 2, b: "y" }]).returning(t.c.id),
      insert(t).values([{ a: 1, b: "x" }, { a: 2, b: "y" }]).returning(t.c.id, { sortByParameterOrder: true }),
    ],
  },
  {
    name: "quote= of a column",
    build: () => [select(new ColumnClause("x", undefined, { quote: true })), select(column("x")), select(new ColumnClause("X", undefined, { quote: false }))],
  },
  {
    name: "ON CONFLICT target columns and index predicate",
    build: () => [
      pgInsert(t).values({ id: 1, a: 1 }).onConflictDoNothing({ indexElements: [t.c.a, t.c.flag] }),
      pgInsert(t).values({ id: 1, a: 1 }).onConflictDoNothing({ indexElements: [t.c.a], indexWhere: t.c.flag }),
      pgInsert(t).values({ id: 1, a: 1 }).onConflictDoUpdate({ indexElements: [t.c.a], set: { b: "x" }, where: t.c.flag }),
      pgInsert(t).values({ id: 1, a: 1 }).onConflictDoUpdate({ indexElements: [t.c.a], indexWhere: t.c.flag, set: { b: "x" } }),
    ],
  },
];

describe("cache keys mark where nested sections and lists end", () => {
  it.each(groups.map((g) => [g.name, g] as const))("%s", (_name, group) => runKeyGroup(group));
});

describe("text() and values() count what they list", () => {
  it("text() bound parameters: which placeholders are bound", () =>
    runKeyGroup({
      name: "text binds",
      build: () => [
        text("SELECT 1 WHERE x = :a AND y = :b").bindparams({ a: 1 }),
        text("SELECT 1 WHERE x = :a AND y = :b").bindparams({ b: 1 }),
        text("SELECT 1 WHERE x = :a AND y = :b").bindparams({ a: 1, b: 2 }),
        text("SELECT 1 WHERE x = :a AND y = :b"),
      ],
      // Binding a placeholder gives it a value, not other SQL.
      sameSql: [[0, 1, 2, 3]],
    }));
});

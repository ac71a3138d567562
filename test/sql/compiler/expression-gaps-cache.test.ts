/**
 * Cache keys of the issue-2 constructs: statements that differ in an operator, a flag or a type
 * get different keys; statements that differ only in bound values share one, and the shared
 * compiled form still renders each statement's own values (literal-execute binds included).
 */
import { describe, expect, it } from "vitest";
import {
  ARRAY, Integer, LABEL_STYLE_NONE, LABEL_STYLE_TABLENAME_PLUS_COL, Sequence, String, text, all_, any_, bindparam, column, exceptAll, extract, func, generateCacheKey, intersectAll, select, table, typeCoerce,
  type ClauseElement,
  tablesample,
} from "../../../src/index.js";
import { postgresqlDialect, sqliteDialect } from "./helpers.js";

const t = table("ck", column("id", Integer()), column("name", String()), column("arr", ARRAY(Integer())));
const c = t.c;

/** Each group: builders of statements that must all get distinct keys. */
const distinct: [string, () => ClauseElement][] = [
  ["contains", () => select(c.id).where(c.name.contains("a"))],
  ["icontains", () => select(c.id).where(c.name.icontains("a"))],
  ["istartsWith", () => select(c.id).where(c.name.istartsWith("a"))],
  ["iendsWith", () => select(c.id).where(c.name.iendsWith("a"))],
  ["icontains autoescape", () => select(c.id).where(c.name.icontains("a", { autoescape: true }))],
  ["is", () => select(c.id).where(c.id.is(5))],
  ["isNot", () => select(c.id).where(c.id.isNot(5))],
  ["is true", () => select(c.id).where(c.id.is(true))],
  ["is false", () => select(c.id).where(c.id.is(false))],
  ["and", () => select(c.id.bitwiseAnd(3))],
  ["or", () => select(c.id.bitwiseOr(3))],
  ["xor", () => select(c.id.bitwiseXor(3))],
  ["lshift", () => select(c.id.bitwiseLshift(3))],
  ["rshift", () => select(c.id.bitwiseRshift(3))],
  ["not", () => select(c.id.bitwiseNot())],
  ["op p5", () => select(c.id.op("+", { precedence: 5 })(1).op("*", { precedence: 6 })(2))],
  ["op p4", () => select(c.id.op("+", { precedence: 5 })(1).op("*", { precedence: 4 })(2))],
  ["op", () => select(c.id).where(c.name.op("@@")("x").eq(true))],
  ["boolOp", () => select(c.id).where(c.name.boolOp("@@")("x"))],
  ["rr", () => select(c.name.regexpReplace("a", "b"))],
  ["rr g", () => select(c.name.regexpReplace("a", "b", "g"))],
  ["rr i", () => select(c.name.regexpReplace("a", "b", "i"))],
  ["match", () => select(c.id).where(c.name.match("a"))],
  ["wg", () => select(func.percentile_cont(0.5).withinGroup(c.id))],
  ["wg desc", () => select(func.percentile_cont(0.5).withinGroup(c.id.desc()))],
  ["extract year", () => select(extract("year", c.name))],
  ["extract month", () => select(extract("month", c.name))],
  ["any", () => select(c.id).where(any_(c.arr).eq(1))],
  ["all", () => select(c.id).where(all_(c.arr).eq(1))],
  ["any lt", () => select(c.id).where(any_(c.arr).lt(1))],
  ["tc int", () => select(typeCoerce(c.name, Integer()))],
  ["tc str", () => select(typeCoerce(c.name, String()))],
  ["seq a", () => select(Sequence("seq_a").nextValue())],
  ["seq b", () => select(Sequence("seq_b").nextValue())],
  ["limit", () => select(c.id).limit(3)],
  ["fetch", () => select(c.id).fetch(3)],
  ["fetch ties", () => select(c.id).orderBy(c.id).fetch(3, { withTies: true })],
  ["fetch pct", () => select(c.id).orderBy(c.id).fetch(3, { percent: true })],
  ["fetch both", () => select(c.id).orderBy(c.id).fetch(3, { withTies: true, percent: true })],
  ["exceptAll", () => exceptAll(select(c.id), select(c.id))],
  ["intersectAll", () => intersectAll(select(c.id), select(c.id))],
  ["bind", () => select(c.id).where(c.id.eq(bindparam("q", 5)))],
  ["label default", () => select(c.id, c.name)],
  ["label tq", () => select(c.id, c.name).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL)],
  ["label none", () => select(c.id, c.name).setLabelStyle(LABEL_STYLE_NONE)],
  ["tablesample bernoulli", () => select(tablesample(t, func.bernoulli(1)).c.id)],
  ["tablesample system", () => select(tablesample(t, func.system(1)).c.id)],
  ["tablesample seed", () => select(tablesample(t, func.system(1), { seed: 3 }).c.id)],
  ["tablesample number", () => select(tablesample(t, 1).c.id)],
  ["tablesample text", () => select(tablesample(t, text("1")).c.id)],
  ["tablesample named", () => select(tablesample(t, func.system(1), { name: "s" }).c.id)],
  ["textual int", () => text("SELECT 1 AS x").columns(column("x", Integer()))],
  ["textual str", () => text("SELECT 1 AS x").columns(column("x", String()))],
  ["textual other name", () => text("SELECT 1 AS x").columns(column("y", Integer()))],
  ["literal execute", () => select(c.id).where(c.id.eq(bindparam("q", 5, { literalExecute: true })))],
];

describe("cache keys of new constructs", () => {
  it("differ whenever the SQL differs", () => {
    const keys = new Map<string, string>();
    for (const [name, build] of distinct) {
      const k = generateCacheKey(build()).key;
      expect(keys.get(k), `${name} shares a key with ${keys.get(k)}`).toBeUndefined();
      keys.set(k, name);
    }
  });

  it("are stable across rebuilds and leave values out", () => {
    for (const [name, build] of distinct) expect(generateCacheKey(build()).key, name).toBe(generateCacheKey(build()).key);
    const a = select(c.id).where(c.name.icontains("a")).fetch(3);
    const b = select(c.id).where(c.name.icontains("zz")).fetch(9);
    expect(generateCacheKey(a).key).toBe(generateCacheKey(b).key);
    const ka = generateCacheKey(a);
    const compiled = a.compile({ dialect: postgresqlDialect, bindIndex: new Map(ka.binds.map((x, i) => [x, i])) });
    expect(compiled.construct(generateCacheKey(b).binds, undefined).params).toEqual(["zz", 9]);
  });

  it("a literal-execute value is rendered per execution, not frozen in the cached SQL", () => {
    const s5 = select(c.id).where(c.id.eq(bindparam("q", 5, { literalExecute: true })));
    const s7 = select(c.id).where(c.id.eq(bindparam("q", 7, { literalExecute: true })));
    const k5 = generateCacheKey(s5);
    const k7 = generateCacheKey(s7);
    expect(k5.key).toBe(k7.key);
    for (const d of [postgresqlDialect, sqliteDialect]) {
      const compiled = s5.compile({ dialect: d, bindIndex: new Map(k5.binds.map((b, i) => [b, i])) });
      expect(compiled.construct(k7.binds, undefined).sql).toMatch(/ck\.id = 7$/);
      expect(compiled.construct(k5.binds, undefined).sql).toMatch(/ck\.id = 5$/);
    }
  });
});

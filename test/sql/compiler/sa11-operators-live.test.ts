/**
 * SQLAlchemy test_operators.py behaviours whose meaning is in the rows, executed on real
 * PostgreSQL and libSQL: empty IN / NOT IN, NOT IN a subquery and a text() SELECT, IN a tuple
 * list, LIKE autoescape with `%` and `_` in the data, icontains, IS [NOT] DISTINCT FROM with
 * NULLs, and the bitwise operators (SQLite's XOR emulation included).
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  Column, Integer, MetaData, String, Table, insert, not, select, text, tuple, type AsyncEngine, type ClauseElement,
} from "../../../src/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSchemaEngine } from "../../fixtures/schema-engine.js";

const md = new MetaData();
const items = Table(uniqueName("sa11_items"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  name: Column(String(30)),
  n: Column(Integer),
  tag: Column(String(10)),
});
const c = items.c;

describe.each(dialectTargets())("SQLAlchemy operators executed on $name", (target) => {
  let engine: AsyncEngine;
  const ids = async (stmt: ClauseElement) => {
    await using conn = await engine.connect();
    return (await conn.execute(stmt as never)).all().map((r) => (r as unknown as unknown[])[0]);
  };
  const values = async (stmt: ClauseElement) => {
    await using conn = await engine.connect();
    return (await conn.execute(stmt as never)).all().map((r) => [...(r as unknown as unknown[])].map(Number));
  };

  // Tables created (and dropped, with the engine closed, after the suite) by the shared fixture.
  useSchemaEngine(target, md, (e) => {
    engine = e;
  });
  beforeAll(async () => {
    await engine.begin(async (conn) => {
      await conn.execute(insert(items).values([
        { id: 1, name: "100% pure", n: 12, tag: "a" },
        { id: 2, name: "1000 pure", n: 10, tag: null },
        { id: 3, name: "snake_case", n: 5, tag: "b" },
        { id: 4, name: "snakeXcase", n: 3, tag: null },
        { id: 5, name: "Back/Slash", n: 0, tag: "a" },
      ]));
    });
  });

  it("empty IN matches no row, empty NOT IN every row (NULLs included)", async () => {
    expect(await ids(select(c.id).where(c.id.in([])))).toEqual([]);
    expect(await ids(select(c.id).where(c.tag.notIn([])).orderBy(c.id))).toEqual([1, 2, 3, 4, 5]);
    expect(await ids(select(c.id).where(not(c.tag.in([]))).orderBy(c.id))).toEqual([1, 2, 3, 4, 5]);
    expect(await ids(select(c.id).where(tuple(c.id, c.tag).in([])))).toEqual([]);
  });

  it("NOT IN a subquery and IN a text() SELECT", async () => {
    const big = select(c.id).where(c.n.gt(5));
    expect(await ids(select(c.id).where(c.id.notIn(big)).orderBy(c.id))).toEqual([3, 4, 5]);
    expect(await ids(select(c.id).where(c.id.in(text(`SELECT id FROM ${items.name} WHERE n < 4`))).orderBy(c.id))).toEqual([4, 5]);
  });

  it("tuple IN a list of rows", async () => {
    expect(await ids(select(c.id).where(tuple(c.id, c.tag).in([[1, "a"], [3, "b"], [4, "zz"]])).orderBy(c.id))).toEqual([1, 3]);
  });

  it("autoescape matches % and _ literally; without it they are wildcards", async () => {
    expect(await ids(select(c.id).where(c.name.contains("0%", { autoescape: true })))).toEqual([1]);
    expect(await ids(select(c.id).where(c.name.contains("0%")).orderBy(c.id))).toEqual([1, 2]);
    expect(await ids(select(c.id).where(c.name.startsWith("snake_", { autoescape: true })))).toEqual([3]);
    expect(await ids(select(c.id).where(c.name.startsWith("snake_")).orderBy(c.id))).toEqual([3, 4]);
    expect(await ids(select(c.id).where(c.name.endsWith("k/Slash", { autoescape: true })))).toEqual([5]);
    expect(await ids(select(c.id).where(c.name.iendsWith("k/slash", { autoescape: true })))).toEqual([5]);
    expect(await ids(select(c.id).where(not(c.name.icontains("PURE"))).orderBy(c.id))).toEqual([3, 4, 5]);
  });

  it("IS DISTINCT FROM treats NULL as a value", async () => {
    expect(await ids(select(c.id).where(c.tag.isDistinctFrom("a")).orderBy(c.id))).toEqual([2, 3, 4]);
    expect(await ids(select(c.id).where(c.tag.isNotDistinctFrom(null)).orderBy(c.id))).toEqual([2, 4]);
    expect(await ids(select(c.id).where(not(c.tag.isNotDistinctFrom("a"))).orderBy(c.id))).toEqual([2, 3, 4]);
    // `!=` drops the NULL rows.
    expect(await ids(select(c.id).where(c.tag.ne("a")).orderBy(c.id))).toEqual([3]);
  });

  it("bitwise operators", async () => {
    const rows = await values(select(c.n.bitwiseAnd(6), c.n.bitwiseOr(1), c.n.bitwiseXor(6), c.n.bitwiseLshift(1), c.n.bitwiseRshift(1), c.n.bitwiseNot()).where(c.id.eq(1)));
    expect(rows).toEqual([[12 & 6, 12 | 1, 12 ^ 6, 12 << 1, 12 >> 1, ~12]]);
    expect(await ids(select(c.id).where(c.n.bitwiseAnd(4).ne(0)).orderBy(c.id))).toEqual([1, 3]);
  });
});

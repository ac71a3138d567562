/**
 * Live checks for sa12-compiler-select / sa12-compiler-binds on real PostgreSQL and libSQL: the
 * GROUPS window frame, an untyped expanding `bindparam()` typed by its values, an empty `and()`
 * adding no WHERE, and an anonymous alias of a named alias.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  Column, Integer, MetaData, String, Table, and, bindparam, func, insert, or, select,
  type AsyncEngine, type ClauseElement,
} from "../../../src/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSchemaEngine } from "../../fixtures/schema-engine.js";

const md = new MetaData();
const t = Table(uniqueName("sa12_t"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  g: Column(Integer),
  name: Column(String(10)),
});

describe.each(dialectTargets())("test_compiler.py live checks on $name", (target) => {
  let engine: AsyncEngine;
  const rows = async (stmt: ClauseElement) => {
    await using conn = await engine.connect();
    return (await conn.execute(stmt as never)).all().map((r) => [...(r as unknown as unknown[])]);
  };

  // Tables created (and dropped, with the engine closed, after the suite) by the shared fixture.
  useSchemaEngine(target, md, (e) => {
    engine = e;
  });
  beforeAll(async () => {
    await engine.begin(async (conn) => {
      await conn.execute(insert(t).values([
        { id: 1, g: 1, name: "a" },
        { id: 2, g: 1, name: "b" },
        { id: 3, g: 2, name: "c" },
        { id: 4, g: 3, name: "d" },
      ]));
    });
  });

  it("GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW counts the peer groups", async () => {
    const w = func.count().over({ orderBy: t.c.g, groups: [-1, 0] });
    expect(await rows(select(t.c.id, w).orderBy(t.c.id))).toEqual([[1, 2], [2, 2], [3, 3], [4, 2]]);
  });

  it("an untyped expanding bindparam() of numbers matches an INTEGER column", async () => {
    expect(await rows(select(t.c.id).where(t.c.id.in(bindparam("ids", [2, 4], { expanding: true }))).orderBy(t.c.id))).toEqual([[2], [4]]);
  });

  it("an empty and() / or() adds no WHERE, alone or inside another conjunction", async () => {
    expect(await rows(select(t.c.id).where(and()).orderBy(t.c.id))).toEqual([[1], [2], [3], [4]]);
    expect(await rows(select(t.c.id).where(or(t.c.id.eq(3), and())))).toEqual([[3]]);
  });

  it("an anonymous alias of an alias is named after it and runs", async () => {
    const a = t.alias("bar").alias();
    expect(await rows(select(a.c.name).where(a.c.id.eq(1)))).toEqual([["a"]]);
  });
});

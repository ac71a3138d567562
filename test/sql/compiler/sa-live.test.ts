/**
 * The SQLAlchemy-parity compiler changes executed on real PostgreSQL and libSQL, with rows
 * compared: aggregate_strings() (literal-execute separator), ORDER BY / GROUP BY by name,
 * a join nested on the right of an outer join, compound members with OFFSET, short-circuited
 * and()/or() with true_()/false_(), and EXISTS with selectFrom()/correlate().
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Column, Integer, MetaData, String, Table, and, createAsyncEngine, desc, exists, false_, func, insert, literalColumn, not, or, select, true_, union,
  type AsyncEngine, type ClauseElement,
} from "../../../src/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";

const md = new MetaData();
const people = Table(uniqueName("sa_people"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  name: Column(String(30)),
  team: Column(String(10)),
});
const pets = Table(uniqueName("sa_pets"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  owner: Column(Integer),
  kind: Column(String(10)),
});
const toys = Table(uniqueName("sa_toys"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  pet: Column(Integer),
});
const p = people.c;
const q = pets.c;
const y = toys.c;

describe.each(dialectTargets())("SQLAlchemy compiler parity on $name", (target) => {
  let engine: AsyncEngine;
  let cleanup: () => Promise<void>;
  const all = async (stmt: ClauseElement) => {
    await using conn = await engine.connect();
    return (await conn.execute(stmt as never)).all().map((r) => [...(r as unknown as unknown[])]);
  };

  beforeAll(async () => {
    const d = await target.make();
    engine = createAsyncEngine(d.driver);
    cleanup = async () => {
      await engine.dispose();
      await d.cleanup();
    };
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(insert(people).values([
        { id: 1, name: "ann", team: "a" }, { id: 2, name: "bob", team: "a" }, { id: 3, name: "cy", team: "b" },
      ]));
      await conn.execute(insert(pets).values([{ id: 10, owner: 1, kind: "cat" }, { id: 11, owner: 1, kind: "dog" }, { id: 12, owner: 3, kind: "fish" }]));
      await conn.execute(insert(toys).values([{ id: 100, pet: 10 }]));
    });
  });
  afterAll(async () => {
    await engine.begin((conn) => md.dropAll(conn));
    await cleanup();
  });

  it("aggregate_strings() joins with its separator", async () => {
    const rows = await all(select(p.team, func.aggregate_strings(p.name, "|")).groupBy(p.team).orderBy(p.team));
    expect(rows.map(([team, names]) => [team, globalThis.String(names).split("|").sort().join("|")])).toEqual([["a", "ann|bob"], ["b", "cy"]]);
  });

  it("ORDER BY / GROUP BY a label or column by name", async () => {
    const n = func.count(p.id).label("n");
    expect(await all(select(p.team, n).groupBy("team").orderBy(desc("n"), "team"))).toEqual([["a", 2], ["b", 1]]);
    expect(await all(select(p.id).orderBy(desc("name")))).toEqual([[3], [2], [1]]);
  });

  it("OFFSET without LIMIT, alone and as a compound member", async () => {
    expect(await all(select(p.id).orderBy(p.id).offset(1))).toEqual([[2], [3]]);
    const rows = await all(union(select(p.id).where(p.id.eq(1)), select(q.id).orderBy(q.id).offset(2)).orderBy("id"));
    expect(rows).toEqual([[1], [12]]);
  });

  it("a join nested on the right of an outer join", async () => {
    const j = people.outerjoin(pets.join(toys, y.pet.eq(q.id)), p.id.eq(q.owner));
    expect(await all(select(p.id, q.id, y.id).selectFrom(j).orderBy(p.id))).toEqual([[1, 10, 100], [2, null, null], [3, null, null]]);
  });

  it("and()/or() with the true_()/false_() constants", async () => {
    expect(await all(select(p.id).where(or(p.id.eq(1), true_())).orderBy(p.id))).toEqual([[1], [2], [3]]);
    expect(await all(select(p.id).where(and(p.id.eq(1), false_())))).toEqual([]);
    expect(await all(select(p.id).where(and(true_(), p.id.eq(2))))).toEqual([[2]]);
  });

  it("substring(), pow() and FOR UPDATE OF a column run on each dialect", async () => {
    expect(await all(select(func.substring(p.name, 2, 2)).where(p.id.eq(1)))).toEqual([["nn"]]);
    expect(await all(select(func.substring(p.name, 2)).where(p.id.eq(2)))).toEqual([["ob"]]);
    if (target.name === "postgresql") {
      expect((await all(select(func.pow(p.id, 2)).where(p.id.eq(3))))[0]!.map(Number)).toEqual([9]);
      await engine.begin(async (conn) => {
        const rows = (await conn.execute(select(p.id).where(p.id.eq(1)).withForUpdate({ of: [p.id], nowait: true }))).all();
        expect(rows.length).toBe(1);
      });
    }
  });

  it("an unlabelled -column is read back by position and by the column's key", async () => {
    await using conn = await engine.connect();
    const row = (await conn.execute(select(p.id.neg()).where(p.id.eq(2)))).one();
    expect(Number(row[0])).toBe(-2);
    expect(Number((row as unknown as { _mapping: Record<string, unknown> })._mapping["id"])).toBe(-2);
  });

  it("IS [NOT] DISTINCT FROM (IS NOT / IS on SQLite)", async () => {
    expect(await all(select(q.id).where(q.kind.isDistinctFrom("cat")).orderBy(q.id))).toEqual([[11], [12]]);
    expect(await all(select(q.id).where(q.kind.isNotDistinctFrom("cat")))).toEqual([[10]]);
  });

  it("EXISTS built with selectFrom() and correlate(), negated", async () => {
    const hasPet = exists(literalColumn("1")).selectFrom(pets).where(q.owner.eq(p.id)).correlate(people);
    expect(await all(select(p.id).where(hasPet).orderBy(p.id))).toEqual([[1], [3]]);
    expect(await all(select(p.id).where(not(hasPet)))).toEqual([[2]]);
    expect(await all(select(p.id).where(not(not(hasPet))).orderBy(p.id))).toEqual([[1], [3]]);
  });
});

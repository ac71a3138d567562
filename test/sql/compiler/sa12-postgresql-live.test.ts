/**
 * Live checks, on PostgreSQL, of sa12-postgresql-compiler cases whose execution semantics
 * matter: ON CONFLICT ON CONSTRAINT naming a long naming-convention constraint (the name DDL
 * created, SQLAlchemy #6755), DISTINCT ON a column or label named by a string, a text-search
 * configuration bound as an untyped string (coerced to `regconfig`), UPDATE … FROM and
 * DELETE … USING an alias.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Column, Integer, MetaData, String, Table, UniqueConstraint, createAsyncEngine, delete_, func, literal, select, update,
  type AsyncEngine, type ClauseElement,
} from "../../../src/index.js";
import { insert } from "../../../src/dialects/postgresql/index.js";
import { makePgDriver, uniqueName } from "../../fixtures/databases.js";

const md = new MetaData({ namingConvention: { uq: "%(table_name)s_%(column_0_N_name)s_key" } });
const longName = uniqueName("pgc_table_name_thats_really_really");
const uq = new UniqueConstraint("some_column_name_thats_really_really_long_too");
const longT = Table(longName, md, {
  id: Column(Integer, { primaryKey: true }),
  some_column_name_thats_really_really_long_too: Column(Integer),
  note: Column(String(20)),
}, uq);
const people = Table(uniqueName("pgc_people"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  team: Column(String(10)),
  score: Column(Integer),
});
const teams = Table(uniqueName("pgc_teams"), md, {
  name: Column(String(10), { primaryKey: true }),
  bonus: Column(Integer),
});

describe("sa12 PostgreSQL compiler cases, executed", () => {
  let engine: AsyncEngine;
  const rows = async (stmt: ClauseElement) => {
    await using conn = await engine.connect();
    return (await conn.execute(stmt as never)).all().map((r) => [...(r as unknown as unknown[])]);
  };

  beforeAll(async () => {
    engine = createAsyncEngine(await makePgDriver());
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(insert(people).values([
        { id: 1, team: "a", score: 5 },
        { id: 2, team: "a", score: 9 },
        { id: 3, team: "b", score: 7 },
      ]));
      await conn.execute(insert(teams).values([{ name: "a", bonus: 100 }, { name: "b", bonus: 200 }]));
    });
  }, 60_000);
  afterAll(async () => {
    await engine.begin(async (conn) => md.dropAll(conn));
    await engine.dispose();
  });

  it("ON CONFLICT ON CONSTRAINT names the truncated convention name CREATE TABLE used", async () => {
    expect(uq.name!.length).toBeGreaterThan(63);
    await using conn = await engine.connect();
    const col = longT.c.some_column_name_thats_really_really_long_too;
    await conn.execute(insert(longT).values({ id: 1, some_column_name_thats_really_really_long_too: 10, note: "first" }));
    await conn.execute(insert(longT).values({ id: 2, some_column_name_thats_really_really_long_too: 10, note: "dupe" }).onConflictDoNothing({ constraint: uq }));
    const stmt = insert(longT).values({ id: 3, some_column_name_thats_really_really_long_too: 10, note: "upsert" });
    await conn.execute(stmt.onConflictDoUpdate({ constraint: uq, set: { note: stmt.excluded.note } }));
    expect((await conn.execute(select(longT.c.id, col, longT.c.note))).all().map((r) => [...r])).toEqual([[1, 10, "upsert"]]);
    await conn.commit();
  });

  it("DISTINCT ON a column named by a string, and by a label", async () => {
    const byTeam = select(people.c.team, people.c.score).distinct("team").orderBy(people.c.team, people.c.score.desc());
    expect(await rows(byTeam)).toEqual([["a", 9], ["b", 7]]);
    const labelled = select(people.c.team.label("t"), people.c.id).distinct("t").orderBy("t", people.c.id);
    expect(await rows(labelled)).toEqual([["a", 1], ["b", 3]]);
  });

  it("a text-search configuration bound as a string is coerced to regconfig", async () => {
    const doc = func.to_tsvector("english", literal("The fat cats sat"));
    expect(await rows(select(doc.match("cat")))).toEqual([[true]]);
    expect(await rows(select(doc.match("dog")))).toEqual([[false]]);
  });

  it("UPDATE … FROM and DELETE … USING an alias", async () => {
    await using conn = await engine.connect();
    await conn.execute(update(people).values({ score: people.c.score.add(teams.c.bonus) }).where(people.c.team.eq(teams.c.name)));
    expect((await conn.execute(select(people.c.id, people.c.score).orderBy(people.c.id))).all().map((r) => [...r])).toEqual([[1, 105], [2, 109], [3, 207]]);
    const p = people.alias("p");
    await conn.execute(delete_(p).where(p.c.team.eq(teams.c.name), teams.c.bonus.gt(150)));
    expect((await conn.execute(select(people.c.id).orderBy(people.c.id))).all().map((r) => [...r])).toEqual([[1], [2]]);
    await conn.rollback();
  });
});

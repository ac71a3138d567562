/**
 * The issue-2 constructs executed on real PostgreSQL and libSQL, with rows compared: IS,
 * bitwise operators (SQLite's XOR rewrite included), icontains & co, EXTRACT (SQLite's
 * STRFTIME form), typeCoerce result processing, literal-execute binds through the compiled
 * cache, and the PostgreSQL-only REGEXP_REPLACE, WITHIN GROUP, ANY/ALL, nextval, FETCH FIRST
 * and EXCEPT ALL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ARRAY, Column, DateTime, column, text, Integer, MetaData, Sequence, String, Table, all_, any_, bindparam, createAsyncEngine, exceptAll, extract, func, insert,
  literal, select, typeCoerce, type AsyncEngine, type ClauseElement,
  tablesample,
} from "../../../src/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";

const md = new MetaData();
const items = Table(uniqueName("gap_items"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  name: Column(String(30)),
  flags: Column(Integer),
  at: Column(DateTime),
});
const c = items.c;
const SEED = [
  { id: 1, name: "Alpha", flags: 5, at: new Date("2021-03-04T05:06:07Z") },
  { id: 2, name: "beta", flags: 3, at: new Date("2022-11-30T23:00:00Z") },
  { id: 3, name: "GAMMA", flags: null, at: null },
  { id: 4, name: "al%pha", flags: 12, at: new Date("2024-02-29T12:00:00Z") },
];

describe.each(dialectTargets())("$name", (target) => {
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
      await conn.execute(insert(items).values(SEED));
    });
  });
  afterAll(async () => {
    await engine.begin((conn) => md.dropAll(conn));
    await cleanup();
  });

  it("is() / isNot()", async () => {
    expect(await all(select(c.id).where(c.flags.is(null)))).toEqual([[3]]);
    expect(await all(select(c.id).where(c.flags.isNot(null)).orderBy(c.id))).toEqual([[1], [2], [4]]);
    // PostgreSQL takes IS only before NULL/TRUE/FALSE; SQLite's IS compares any values.
    if (target.name === "sqlite") expect(await all(select(c.id).where(c.flags.is(3)))).toEqual([[2]]);
  });

  it("bitwise operators compute as in JS (XOR too)", async () => {
    const rows = await all(
      select(c.id, c.flags.bitwiseAnd(6), c.flags.bitwiseOr(6), c.flags.bitwiseXor(6), c.flags.bitwiseLshift(2), c.flags.bitwiseRshift(1), c.flags.bitwiseNot())
        .where(c.flags.isNot(null))
        .orderBy(c.id),
    );
    const expected = SEED.filter((s) => s.flags !== null).map((s) => {
      const f = s.flags!;
      return [s.id, f & 6, f | 6, f ^ 6, f << 2, f >> 1, ~f];
    });
    expect(rows.map((r) => r.map(Number))).toEqual(expected);
  });

  it("icontains / istartsWith / iendsWith ignore case; autoescape matches % literally", async () => {
    expect(await all(select(c.id).where(c.name.icontains("PH")).orderBy(c.id))).toEqual([[1], [4]]);
    expect(await all(select(c.id).where(c.name.istartsWith("ga")))).toEqual([[3]]);
    expect(await all(select(c.id).where(c.name.iendsWith("TA")))).toEqual([[2]]);
    expect(await all(select(c.id).where(c.name.icontains("L%P", { autoescape: true })))).toEqual([[4]]);
  });

  it("extract() gives integers", async () => {
    const rows = await all(select(c.id, extract("year", c.at), extract("month", c.at), extract("day", c.at)).where(c.at.isNot(null)).orderBy(c.id));
    expect(rows.map((r) => r.map(Number))).toEqual([[1, 2021, 3, 4], [2, 2022, 11, 30], [4, 2024, 2, 29]]);
  });

  it("typeCoerce changes result processing without SQL changes", async () => {
    const [[asText]] = await all(select(typeCoerce(literal("42", String()), String())));
    expect(asText).toBe("42");
    const rows = await all(select(typeCoerce(c.flags, Integer())).where(c.id.eq(1)));
    expect(rows).toEqual([[5]]);
  });

  it("literal-execute binds render each execution's value through the compiled cache", async () => {
    const q = (n: number) => select(c.id).where(c.id.eq(bindparam("n", n, { literalExecute: true })));
    expect(await all(q(1))).toEqual([[1]]);
    expect(await all(q(2))).toEqual([[2]]);
    const inq = (ids: number[]) => select(c.id).where(c.id.in(bindparam("ids", ids, { literalExecute: true, expanding: true }))).orderBy(c.id);
    expect(await all(inq([2, 4]))).toEqual([[2], [4]]);
    expect(await all(inq([]))).toEqual([]);
  });

  it("text().columns(): typed rows, and usable as a subquery", async () => {
    const ts = text(`SELECT id, name FROM ${items.name} WHERE id < :n ORDER BY id`).columns(column("id", Integer()), { name: String() }).bindparams({ n: 3 });
    expect(await all(ts)).toEqual([[1, "Alpha"], [2, "beta"]]);
    await using conn = await engine.connect();
    const rows = (await conn.execute(ts)).all();
    const first: { id: number; name: string } = rows[0]!;
    expect([first.id, first.name]).toEqual([1, "Alpha"]);
    const sq = text(`SELECT id, flags FROM ${items.name}`).columns(column("id", Integer()), column("flags", Integer())).subquery("s");
    expect(await all(select(sq.c.id).where(sq.c.flags.gt(4)).orderBy(sq.c.id))).toEqual([[1], [4]]);
  });

  if (target.name === "postgresql") {
    it("TABLESAMPLE with a seed returns a subset, repeatably", async () => {
      const s = tablesample(items, func.bernoulli(100), { name: "s", seed: 7 });
      expect(await all(select(s.c.id).orderBy(s.c.id))).toEqual([[1], [2], [3], [4]]);
      expect(await all(select(tablesample(items, func.system(0)).c.id))).toEqual([]);
    });
    it("regexpReplace, match", async () => {
      expect(await all(select(c.name.regexpReplace("a", "_", "gi")).where(c.id.eq(1)))).toEqual([["_lph_"]]);
      expect(await all(select(c.name.regexpReplace("a", "_")).where(c.id.eq(1)))).toEqual([["Alph_"]]);
      expect(await all(select(c.id).where(func.to_tsvector(c.name).match("beta")))).toEqual([[2]]);
    });
    it("percentile_cont WITHIN GROUP", async () => {
      const [[median]] = await all(select(func.percentile_cont(0.5).withinGroup(c.flags)));
      expect(Number(median)).toBe(5);
    });
    it("any_ / all_ against an array", async () => {
      const arr = literal([3, 5], ARRAY(Integer()));
      expect(await all(select(c.id).where(c.flags.eq(any_(arr))).orderBy(c.id))).toEqual([[1], [2]]);
      expect(await all(select(c.id).where(c.flags.gt(all_(arr))))).toEqual([[4]]);
      expect(await all(select(c.id).where(any_(arr).eq(c.flags)).orderBy(c.id))).toEqual([[1], [2]]);
    });
    it("Sequence.nextValue()", async () => {
      const seq = Sequence(uniqueName("gap_seq"));
      await using conn = await engine.connect();
      await conn.execDriverSql(`CREATE SEQUENCE ${seq.name}`);
      try {
        const first = await conn.execute(select(seq.nextValue()));
        const second = await conn.execute(select(seq.nextValue()));
        expect([Number(first.scalar()), Number(second.scalar())]).toEqual([1, 2]);
      } finally {
        await conn.execDriverSql(`DROP SEQUENCE ${seq.name}`);
      }
    });
    it("FETCH FIRST … ROWS ONLY / WITH TIES, EXCEPT ALL", async () => {
      expect(await all(select(c.id).orderBy(c.id).offset(1).fetch(2))).toEqual([[2], [3]]);
      expect(await all(select(c.flags).where(c.flags.isNot(null)).orderBy(c.flags.bitwiseAnd(1)).fetch(1, { withTies: true }))).toEqual([[12]]);
      const dupes = select(c.flags).where(c.flags.isNot(null)).unionAll(select(c.flags).where(c.flags.eq(5)));
      const rows = await all(exceptAll(dupes, select(c.flags).where(c.flags.isNot(null))));
      expect(rows).toEqual([[5]]);
    });
  }
});

/**
 * The compiled cache never serves the wrong SQL: statements that differ only in values, or in
 * details a careless cache key would miss, are executed in sequence on one connection through
 * the cache and compared with the same statements compiled fresh (compiledCache: null), on
 * PostgreSQL, libSQL file and :memory:.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Column, MetaData, Table } from "../../src/sql/schema.js";
import { Integer, String as StringT } from "../../src/sql/types/index.js";
import {
  and, bindparam, case_, cast, delete_, func, insert, literal, literalColumn, not, or, select, text, tuple, union, update,
  type ClauseElement,
} from "../../src/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

describe.each(engineTargets())("$name", (target) => {
  const metadata = new MetaData();
  const t = Table(uniqueName("engck"), metadata, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    name: Column(StringT(20)),
    n: Column(Integer),
  });
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin(async (c) => {
      await metadata.createAll(c);
      await c.execute(
        insert(t),
        Array.from({ length: 12 }, (_, i) => ({ id: i + 1, name: i % 4 === 0 ? null : `nm${i % 5}`, n: i % 3 === 0 ? null : i * 10 })),
      );
    });
  });
  afterAll(async () => {
    await h.engine.begin((c) => metadata.dropAll(c));
    await h.cleanup();
  });

  /** Pairs (or more) of statements one cache key must keep apart, or may share safely. */
  const variants = (): [string, () => ClauseElement][] => [
    ["eq 1", () => select(t.c.id).where(t.c.n.eq(10)).orderBy(t.c.id)],
    ["eq 2", () => select(t.c.id).where(t.c.n.eq(20)).orderBy(t.c.id)],
    ["eq null", () => select(t.c.id).where(t.c.n.eq(null)).orderBy(t.c.id)],
    ["ne null", () => select(t.c.id).where(t.c.n.ne(null)).orderBy(t.c.id)],
    ["limit 2", () => select(t.c.id).orderBy(t.c.id).limit(2)],
    ["limit 5", () => select(t.c.id).orderBy(t.c.id).limit(5)],
    ["limit 5 offset 3", () => select(t.c.id).orderBy(t.c.id).limit(5).offset(3)],
    ["offset 7", () => select(t.c.id).orderBy(t.c.id).offset(7)],
    ["in 2", () => select(t.c.id).where(t.c.id.in([1, 2])).orderBy(t.c.id)],
    ["in 3", () => select(t.c.id).where(t.c.id.in([1, 2, 3])).orderBy(t.c.id)],
    ["in empty", () => select(t.c.id).where(t.c.id.in([])).orderBy(t.c.id)],
    ["notIn empty", () => select(t.c.id).where(t.c.id.notIn([])).orderBy(t.c.id)],
    ["notIn 2", () => select(t.c.id).where(t.c.id.notIn([1, 2])).orderBy(t.c.id)],
    ["between", () => select(t.c.id).where(t.c.id.between(3, 5)).orderBy(t.c.id)],
    ["between 2", () => select(t.c.id).where(t.c.id.between(6, 9)).orderBy(t.c.id)],
    ["like a", () => select(t.c.id).where(t.c.name.like("nm1%")).orderBy(t.c.id)],
    ["like b", () => select(t.c.id).where(t.c.name.like("nm2%")).orderBy(t.c.id)],
    ["startsWith", () => select(t.c.id).where(t.c.name.startsWith("nm3")).orderBy(t.c.id)],
    ["order asc", () => select(t.c.id).orderBy(t.c.n.asc(), t.c.id)],
    ["order desc", () => select(t.c.id).orderBy(t.c.n.desc(), t.c.id)],
    ["order nullsFirst", () => select(t.c.id).orderBy(t.c.n.asc().nullsFirst(), t.c.id)],
    ["order nullsLast", () => select(t.c.id).orderBy(t.c.n.asc().nullsLast(), t.c.id)],
    ["label a", () => select(t.c.id.label("a")).orderBy(t.c.id).limit(1)],
    ["label b", () => select(t.c.id.label("b")).orderBy(t.c.id).limit(1)],
    ["literal 1", () => select(literal(1).label("v"))],
    ["literal 2", () => select(literal(2).label("v"))],
    ["literal str", () => select(literal("x").label("v"))],
    ["literalColumn 1", () => select(literalColumn("1").label("v"))],
    ["literalColumn 2", () => select(literalColumn("2").label("v"))],
    ["text 1", () => text("SELECT 1 AS v")],
    ["text 2", () => text("SELECT 2 AS v")],
    ["text bind", () => text("SELECT :x AS v").bindparams({ x: "p" })],
    ["text bind 2", () => text("SELECT :x AS v").bindparams({ x: "q" })],
    ["cast 1", () => select(cast(t.c.id, StringT(1)).label("v")).where(t.c.id.eq(12))],
    ["cast 5", () => select(cast(t.c.id, StringT(5)).label("v")).where(t.c.id.eq(12))],
    ["case a", () => select(case_([[t.c.id.lt(3), "lo"]], { else_: "hi" }).label("v")).orderBy(t.c.id)],
    ["case b", () => select(case_([[t.c.id.lt(6), "LO"]], { else_: "HI" }).label("v")).orderBy(t.c.id)],
    ["and 2", () => select(t.c.id).where(and(t.c.id.gt(1), t.c.id.lt(4))).orderBy(t.c.id)],
    ["and 3", () => select(t.c.id).where(and(t.c.id.gt(1), t.c.id.lt(4), t.c.id.ne(2))).orderBy(t.c.id)],
    ["or", () => select(t.c.id).where(or(t.c.id.eq(1), t.c.id.eq(4))).orderBy(t.c.id)],
    ["not", () => select(t.c.id).where(not(t.c.id.gt(2))).orderBy(t.c.id)],
    ["coalesce 0", () => select(func.coalesce(t.c.n, 0).label("v")).orderBy(t.c.id)],
    ["coalesce -1", () => select(func.coalesce(t.c.n, -1).label("v")).orderBy(t.c.id)],
    ["count", () => select(func.count(t.c.n))],
    ["count distinct", () => select(func.count(t.c.n.distinct()))],
    ["distinct", () => select(t.c.name).distinct().orderBy(t.c.name)],
    ["no distinct", () => select(t.c.name).orderBy(t.c.name)],
    ["group having 1", () => select(t.c.name, func.count(t.c.id).label("c")).groupBy(t.c.name).having(func.count(t.c.id).gt(1)).orderBy(t.c.name)],
    ["group having 2", () => select(t.c.name, func.count(t.c.id).label("c")).groupBy(t.c.name).having(func.count(t.c.id).gt(2)).orderBy(t.c.name)],
    ["tuple in", () => select(t.c.id).where(tuple(t.c.id, t.c.n).in([[2, 10], [3, 20]])).orderBy(t.c.id)],
    ["tuple in 1", () => select(t.c.id).where(tuple(t.c.id, t.c.n).in([[3, 20]])).orderBy(t.c.id)],
    ["union", () => union(select(t.c.id).where(t.c.id.eq(1)), select(t.c.id).where(t.c.id.eq(2))).orderBy(literalColumn("id"))],
    ["union 3", () => union(select(t.c.id).where(t.c.id.eq(3)), select(t.c.id).where(t.c.id.eq(5))).orderBy(literalColumn("id"))],
    ["subquery", () => {
      const sq = select(t.c.id).where(t.c.n.gt(50)).subquery("sq");
      return select(func.count(sq.c.id));
    }],
    ["scalar subquery", () => {
      const t2 = t.alias("t2");
      return select(t.c.id).where(t.c.n.eq(select(func.max(t2.c.n)).scalarSubquery())).orderBy(t.c.id);
    }],
    ["correlated", () => {
      const t2 = t.alias("t2");
      return select(t.c.id, select(func.count(t2.c.id)).where(t2.c.id.lt(t.c.id)).scalarSubquery().label("c")).orderBy(t.c.id);
    }],
    ["exists none", () => {
      const t2 = t.alias("t2");
      return select(t.c.id).where(select(t2.c.id).where(t2.c.id.eq(99)).exists()).orderBy(t.c.id);
    }],
    ["exists some", () => {
      const t2 = t.alias("t2");
      return select(t.c.id).where(select(t2.c.id).where(t2.c.id.eq(3)).exists()).orderBy(t.c.id);
    }],
    ["bindparam", () => select(t.c.id).where(t.c.id.eq(bindparam("k", 4)))],
    ["bindparam 2", () => select(t.c.id).where(t.c.id.eq(bindparam("k", 6)))],
    ["add", () => select(t.c.n.add(1).label("v")).where(t.c.id.eq(2))],
    ["add 2", () => select(t.c.n.add(2).label("v")).where(t.c.id.eq(2))],
    ["div", () => select(t.c.n.div(4).label("v")).where(t.c.id.eq(2))],
    ["floordiv", () => select(t.c.n.floordiv(4).label("v")).where(t.c.id.eq(2))],
    ["mod", () => select(t.c.n.mod(3).label("v")).where(t.c.id.eq(2))],
    ["concat", () => select(t.c.name.concat("!").label("v")).where(t.c.id.eq(2))],
    ["concat 2", () => select(t.c.name.concat("?").label("v")).where(t.c.id.eq(2))],
  ];

  it("every variant gives the same rows cached as compiled fresh", async () => {
    // One connection, switching caches: two connections in one task would wait on each other
    // on libSQL (each autobegun transaction holds the database lock).
    await using conn = await h.engine.connect();
    const cache = h.engine.compiledCache;
    const run = async (useCache: boolean, s: ClauseElement) =>
      (await conn.executionOptions({ compiledCache: useCache ? cache : null }).execute(s)).all().map((r) => [...r].map((v) => (typeof v === "number" ? Number(v.toFixed(6)) : v)));
    const mismatches: string[] = [];
    // twice, so the second pass hits entries made by other variants first
    for (let pass = 0; pass < 2; pass++) {
      for (const [name, make] of variants()) {
        const want = await run(false, make());
        const got = await run(true, make());
        if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${name}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`);
      }
      await conn.rollback();
    }
    expect(mismatches).toEqual([]);
  });

  it("DML variants: insert values, update values and delete where are kept apart", async () => {
    await using conn = await h.engine.connect();
    await conn.execute(insert(t).values({ id: 100, name: "a" }));
    await conn.execute(insert(t).values({ id: 101, n: 5 }));
    await conn.execute(insert(t).values({ id: 102, name: "c", n: 7 }));
    await conn.execute(update(t).values({ name: "A" }).where(t.c.id.eq(100)));
    await conn.execute(update(t).values({ n: 55 }).where(t.c.id.eq(101)));
    await conn.execute(update(t).values({ n: t.c.n.add(1) }).where(t.c.id.eq(102)));
    await conn.execute(delete_(t).where(t.c.id.eq(-1)));
    const rows = (await conn.execute(select(t.c.id, t.c.name, t.c.n).where(t.c.id.ge(100)).orderBy(t.c.id))).all().map((r) => [...r]);
    expect(rows).toEqual([
      [100, "A", null],
      [101, null, 55],
      [102, "c", 8],
    ]);
    await conn.execute(delete_(t).where(t.c.id.eq(101)));
    expect((await conn.execute(select(t.c.id).where(t.c.id.ge(100)).orderBy(t.c.id))).scalars().all()).toEqual([100, 102]);
    await conn.rollback();
  });
});

describe.each(engineTargets())("$name column keys in cache keys", (target) => {
  const metadata = new MetaData();
  const t = Table(uniqueName("engck_keys"), metadata, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    a: Column(Integer),
    b: Column(Integer),
    "a,b": Column(Integer),
  });
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin((c) => metadata.createAll(c));
  });
  afterAll(async () => {
    await h.engine.begin((c) => metadata.dropAll(c));
    await h.cleanup();
  });

  it("INSERT parameter keys that join to the same text are different cache entries", async () => {
    await h.engine.begin(async (c) => {
      await c.execute(insert(t), { id: 1, a: 10, b: 20 });
      await c.execute(insert(t), { id: 2, "a,b": 30 });
      await c.execute(update(t).where(t.c.id.eq(1)), { a: 11, b: 21 });
      await c.execute(update(t).where(t.c.id.eq(2)), { "a,b": 31 });
    });
    const rows = await h.engine.connect(async (c) =>
      (await c.execute(select(t.c.id, t.c.a, t.c.b, t.c["a,b"]!).orderBy(t.c.id))).all().map((r) => [...r]),
    );
    expect(rows).toEqual([
      [1, 11, 21, null],
      [2, null, null, 31],
    ]);
  });
});

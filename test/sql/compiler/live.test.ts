/**
 * The same Core statements compiled and executed on PostgreSQL and on libSQL (:memory:), with
 * the rows compared: true/floor division, empty IN, LIKE autoescape, recursive CTEs, compound
 * selects, UPDATE…FROM, upserts, DISTINCT ON / FOR UPDATE where supported, and DDL
 * (createAll/dropAll with ddlIf indexes, enums, identity, computed and server defaults).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError, CheckConstraint, Column, DBAPIError, Computed, Enum, Float, ForeignKey, Identity, Index, IntegrityError, Integer, MetaData, String, Table,
  UniqueConstraint, createAsyncEngine, delete as delete_, func, insert, literal, not, select, text, tuple, update, values, column,
  type AsyncEngine,
} from "../../../src/index.js";
import { insert as pgInsert } from "../../../src/dialects/postgresql/index.js";
import { insert as sqliteInsert } from "../../../src/dialects/sqlite/index.js";
import { makeLibsqlDriver, makePgDriver, uniqueName } from "../../fixtures/databases.js";

interface Target {
  readonly name: "postgresql" | "sqlite";
  make(): Promise<{ engine: AsyncEngine; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: "postgresql",
    async make() {
      const engine = createAsyncEngine(await makePgDriver());
      return { engine, cleanup: () => engine.dispose() };
    },
  },
  {
    name: "sqlite",
    async make() {
      const d = await makeLibsqlDriver("memory");
      const engine = createAsyncEngine(d.driver);
      return { engine, cleanup: async () => { await engine.dispose(); await d.cleanup(); } };
    },
  },
];

const md = new MetaData();
const users = Table(uniqueName("cmp_users"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  name: Column(String(50), { nullable: false }),
  score: Column(Integer),
  ratio: Column(Float),
});
const tags = Table(uniqueName("cmp_tags"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  user_id: Column(Integer, { foreignKey: new ForeignKey(`${users.name}.id`, { onDelete: "CASCADE" }) }),
  tag: Column(String(20)),
}, new UniqueConstraint("user_id", "tag", { name: `${uniqueName("uq")}` }));
const u = users.c;
const g = tags.c;

const SEED = [
  { id: 1, name: "ann", score: 10, ratio: 7.5 },
  { id: 2, name: "bob", score: 5, ratio: -2.5 },
  { id: 3, name: "a%b", score: null, ratio: 1 },
  { id: 4, name: "a_b", score: 7, ratio: 0.25 },
];

describe.each(targets)("$name", (target) => {
  let engine: AsyncEngine;
  let cleanup: () => Promise<void>;
  const all = async (stmt: Parameters<AsyncEngine["connect"]>[0] extends never ? never : unknown) => {
    await using conn = await engine.connect();
    return (await conn.execute(stmt as never)).all().map((r) => [...(r as unknown as unknown[])]);
  };

  beforeAll(async () => {
    ({ engine, cleanup } = await target.make());
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(insert(users).values(SEED));
      await conn.execute(insert(tags).values([{ id: 1, user_id: 1, tag: "x" }, { id: 2, user_id: 1, tag: "y" }, { id: 3, user_id: 2, tag: "x" }]));
    });
  });
  afterAll(async () => {
    await engine.begin((conn) => md.dropAll(conn));
    await cleanup();
  });

  it("true division: 5 / 10 is 0.5; integer columns too", async () => {
    const [[half]] = await all(select(literal(5, Integer()).div(literal(10, Integer()))));
    expect(Number(half)).toBe(0.5);
    const rows = await all(select(u.id, u.score.div(4)).where(u.score.isNotNull()).orderBy(u.id));
    expect(rows.map(([id, q]) => [id, Number(q)])).toEqual([[1, 2.5], [2, 1.25], [4, 1.75]]);
  });

  it("floor division: integers divide as integers, floats take FLOOR", async () => {
    const [[a, b]] = await all(select(literal(7, Integer()).floordiv(literal(2, Integer())), literal(7.5, Float()).floordiv(literal(2, Integer()))));
    expect(Number(a)).toBe(3);
    expect(Number(b)).toBe(3);
    const rows = await all(select(u.id, u.ratio.floordiv(2)).orderBy(u.id));
    expect(rows.map(([id, q]) => [id, Number(q)])).toEqual([[1, 3], [2, -2], [3, 0], [4, 0]]);
  });

  it("IN, empty IN and empty NOT IN", async () => {
    expect(await all(select(u.id).where(u.id.in([2, 4, 99])).orderBy(u.id))).toEqual([[2], [4]]);
    expect(await all(select(u.id).where(u.id.in([])))).toEqual([]);
    expect(await all(select(u.id).where(u.id.notIn([])).where(u.id.lt(3)).orderBy(u.id))).toEqual([[1], [2]]);
    expect(await all(select(u.id).where(not(u.id.in([1, 2]))).orderBy(u.id))).toEqual([[3], [4]]);
    expect(await all(select(u.id).where(tuple(u.id, u.name).in([[1, "ann"], [2, "nope"]])))).toEqual([[1]]);
    expect(await all(select(u.id).where(tuple(u.id, u.name).notIn([])).where(u.id.eq(1)))).toEqual([[1]]);
  });

  it("LIKE with autoescape matches % and _ literally", async () => {
    expect(await all(select(u.name).where(u.name.contains("%", { autoescape: true })))).toEqual([["a%b"]]);
    expect(await all(select(u.name).where(u.name.startsWith("a_", { autoescape: true })))).toEqual([["a_b"]]);
    expect(await all(select(u.name).where(u.name.startsWith("a_")).orderBy(u.id))).toEqual([["ann"], ["a%b"], ["a_b"]]);
    expect(await all(select(u.name).where(u.name.endsWith("b")).orderBy(u.id))).toEqual([["bob"], ["a%b"], ["a_b"]]);
    expect(await all(select(u.name).where(u.name.ilike("ANN")))).toEqual([["ann"]]);
  });

  it("NULL handling: eq(null), isNotNull, coalesce", async () => {
    expect(await all(select(u.id).where(u.score.eq(null)))).toEqual([[3]]);
    expect(await all(select(u.id, func.coalesce(u.score, -1)).orderBy(u.id))).toEqual([[1, 10], [2, 5], [3, -1], [4, 7]]);
  });

  it("joins inferred from the foreign key, group by / having, window function", async () => {
    const rows = await all(select(u.name, func.count(g.id).label("n")).join(tags).groupBy(u.name).having(func.count(g.id).gt(1)));
    expect(rows).toEqual([["ann", 2]]);
    const ranked = await all(select(u.id, func.row_number().over({ orderBy: u.score.desc().nullsLast() })).orderBy(u.id));
    expect(ranked).toEqual([[1, 1], [2, 3], [3, 4], [4, 2]]);
  });

  it("correlated scalar subquery and exists", async () => {
    const cnt = select(func.count(g.id)).where(g.user_id.eq(u.id)).scalarSubquery();
    expect(await all(select(u.id, cnt.label("n")).orderBy(u.id))).toEqual([[1, 2], [2, 1], [3, 0], [4, 0]]);
    expect(await all(select(u.id).where(select(g.id).where(g.user_id.eq(u.id)).exists()).orderBy(u.id))).toEqual([[1], [2]]);
  });

  it("recursive CTE", async () => {
    let c = select(literal(1, Integer()).label("n")).cte("cnt", { recursive: true });
    const prev = c.alias("prev");
    c = c.unionAll(select(prev.c.n.add(1)).where(prev.c.n.lt(5)));
    expect(await all(select(func.sum(c.c.n)))).toEqual([[15]]);
  });

  it("compound selects with ORDER BY / LIMIT, and a LIMITed member", async () => {
    expect(await all(select(u.id).where(u.id.lt(3)).union(select(g.user_id)).orderBy(u.id.desc()))).toEqual([[2], [1]]);
    expect(await all(select(u.id).unionAll(select(g.id)).orderBy(u.id).limit(3).offset(2))).toEqual([[2], [2], [3]]);
    expect(await all(select(u.id).orderBy(u.id.desc()).limit(1).union(select(g.id).where(g.id.eq(1))).orderBy(u.id))).toEqual([[1], [4]]);
    expect(await all(select(u.id).except(select(g.user_id)).orderBy(u.id))).toEqual([[3], [4]]);
  });

  it("VALUES as a FROM", async () => {
    const v = values([column("vid", Integer()), column("label", String())], { name: "v" }).data([[1, "one"], [2, "two"]]);
    expect(await all(select(u.name, v.c.label).join(v, v.c.vid.eq(u.id)).orderBy(u.id))).toEqual([["ann", "one"], ["bob", "two"]]);
  });

  it("OFFSET without LIMIT", async () => {
    expect(await all(select(u.id).orderBy(u.id).offset(2))).toEqual([[3], [4]]);
  });

  it("text() with named binds", async () => {
    expect(await all(text(`SELECT name FROM ${users.name} WHERE id = :id`).bindparams({ id: 2 }))).toEqual([["bob"]]);
  });

  it("DML with RETURNING, UPDATE…FROM and DELETE (USING on PostgreSQL)", async () => {
    await using conn = await engine.connect();
    const ins = await conn.execute(insert(users).values({ id: 10, name: "tmp", score: 1 }).returning(u.id, u.name));
    expect(ins.all().map((r) => [...(r as unknown as unknown[])])).toEqual([[10, "tmp"]]);
    await conn.execute(insert(tags).values({ id: 10, user_id: 10, tag: "zz" }));
    const upd = await conn.execute(update(users).values({ name: g.tag }).where(u.id.eq(g.user_id)).where(g.tag.eq("zz")).returning(u.name));
    expect(upd.scalars().all()).toEqual(["zz"]);
    if (target.name === "postgresql") {
      const del = await conn.execute(delete_(tags).where(g.user_id.eq(u.id)).where(u.name.eq("zz")).returning(g.id));
      expect(del.scalars().all()).toEqual([10]);
    }
    const d2 = await conn.execute(delete_(users).where(u.id.eq(10)).returning(u.id));
    expect(d2.scalars().all()).toEqual([10]);
    await conn.rollback();
  });

  it("upserts: DO NOTHING and DO UPDATE with excluded and WHERE", async () => {
    const ins = target.name === "postgresql" ? pgInsert : sqliteInsert;
    await using conn = await engine.connect();
    const s1 = ins(users).values({ id: 1, name: "dupe", score: 0 });
    await conn.execute(s1.onConflictDoNothing());
    await conn.execute(s1.onConflictDoNothing({ indexElements: ["id"] }));
    expect((await conn.execute(select(u.name).where(u.id.eq(1)))).scalar()).toBe("ann");
    const s2 = ins(users).values([{ id: 1, name: "ann2", score: 100 }, { id: 20, name: "new", score: 1 }]);
    await conn.execute(s2.onConflictDoUpdate({ indexElements: [u.id], set: { name: s2.excluded.name, score: u.score.add(s2.excluded.score) } }));
    expect((await conn.execute(select(u.id, u.name, u.score).where(u.id.in([1, 20])).orderBy(u.id))).all().map((r) => [...(r as unknown as unknown[])])).toEqual([
      [1, "ann2", 110],
      [20, "new", 1],
    ]);
    const s3 = ins(users).values({ id: 2, name: "never", score: 0 });
    await conn.execute(s3.onConflictDoUpdate({ indexElements: ["id"], set: { name: s3.excluded.name }, where: u.score.gt(100) }));
    expect((await conn.execute(select(u.name).where(u.id.eq(2)))).scalar()).toBe("bob");
    const s4 = ins(tags).values({ id: 99, user_id: 1, tag: "x" });
    const r = await conn.execute(s4.onConflictDoUpdate({ indexElements: ["user_id", "tag"], set: { tag: "x2" } }).returning(g.id, g.tag));
    expect(r.all().map((x) => [...(x as unknown as unknown[])])).toEqual([[1, "x2"]]);
    await conn.rollback();
  });

  it("DISTINCT ON and FOR UPDATE run on PostgreSQL; SQLite refuses DISTINCT ON and drops FOR UPDATE", async () => {
    await using conn = await engine.connect();
    if (target.name === "postgresql") {
      const r = await conn.execute(select(g.user_id, g.tag).distinct(g.user_id).orderBy(g.user_id, g.tag.desc()));
      expect(r.all().map((x) => [...(x as unknown as unknown[])])).toEqual([[1, "y"], [2, "x"]]);
      expect((await conn.execute(select(u.id).where(u.id.eq(1)).forUpdate({ nowait: true }))).scalars().all()).toEqual([1]);
      await conn.rollback();
    } else {
      await expect(conn.execute(select(g.user_id).distinct(g.user_id))).rejects.toThrow(/DISTINCT ON/);
      expect((await conn.execute(select(u.id).where(u.id.eq(1)).forUpdate())).scalars().all()).toEqual([1]);
    }
  });
});

describe.each(targets)("DDL on $name", (target) => {
  const ddl = new MetaData();
  const mood = uniqueName("cmp_mood");
  const parent = Table(uniqueName("cmp_parent"), ddl, {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false, serverDefault: "anon" }),
    flag: Column(Integer, { serverDefault: text("7") }),
    feel: Column(Enum(["happy", "sad"], { name: mood, createConstraint: true })),
    twice: Column(Integer, { computed: new Computed("id * 2") }),
    late: Column(Integer, { sortOrder: -1 }),
  }, new CheckConstraint("id < 1000", { name: uniqueName("ck") }));
  const pgIx = uniqueName("ix_pg_only");
  const allIx = uniqueName("ix_all");
  new Index(pgIx, parent.c.name).ddlIf({ dialect: "postgresql" });
  new Index(allIx, parent.c.flag);
  const ident = target.name === "postgresql"
    ? Table(uniqueName("cmp_ident"), ddl, { id: Column(Integer, { primaryKey: true, identity: new Identity({ start: 100 }) }), v: Column(Integer) })
    : undefined;
  let engine: AsyncEngine;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ engine, cleanup } = await target.make());
    await engine.begin((conn) => ddl.createAll(conn));
  });
  afterAll(async () => {
    await engine.begin((conn) => ddl.dropAll(conn));
    await cleanup();
  });

  it("server defaults, computed columns and autoincrement", async () => {
    await using conn = await engine.connect();
    await conn.execute(insert(parent).values({ feel: "happy" }));
    const row = (await conn.execute(select(parent.c.id, parent.c.name, parent.c.flag, parent.c.twice, parent.c.feel))).all()[0];
    expect([...(row as unknown as unknown[])]).toEqual([1, "anon", 7, 2, "happy"]);
    await conn.rollback();
  });

  it("enum values outside the set and the CHECK constraint are rejected", async () => {
    await using conn = await engine.connect();
    await expect(conn.execute(insert(parent).values({ id: 5000 }))).rejects.toBeInstanceOf(IntegrityError);
    await conn.rollback();
    // The Enum type refuses the value before it reaches the database...
    await expect(conn.execute(insert(parent).values({ feel: "angry" as "happy" }))).rejects.toBeInstanceOf(ArgumentError);
    // ...and the database refuses it too: CHECK on SQLite (createConstraint), the native type on PostgreSQL.
    await expect(conn.execute(text(`INSERT INTO ${parent.name} (id, feel) VALUES (9, 'angry')`))).rejects.toBeInstanceOf(target.name === "sqlite" ? IntegrityError : DBAPIError);
    await conn.rollback();
  });

  it("ddlIf indexes exist only on their dialect; Enum is a native type on PostgreSQL", async () => {
    await using conn = await engine.connect();
    if (target.name === "postgresql") {
      const names = (await conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = :t ORDER BY indexname").bindparams({ t: parent.name }))).scalars().all();
      expect(names).toEqual(expect.arrayContaining([allIx, pgIx]));
      expect(Number((await conn.execute(text("SELECT count(*) FROM pg_type WHERE typname = :n").bindparams({ n: mood }))).scalar())).toBe(1);
    } else {
      const names = (await conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t").bindparams({ t: parent.name }))).scalars().all();
      expect(names).toContain(allIx);
      expect(names).not.toContain(pgIx);
    }
  });

  it("column sortOrder puts 'late' first", async () => {
    await using conn = await engine.connect();
    const cols = target.name === "postgresql"
      ? (await conn.execute(text("SELECT column_name FROM information_schema.columns WHERE table_name = :t ORDER BY ordinal_position").bindparams({ t: parent.name }))).scalars().all()
      : (await conn.execute(text(`SELECT name FROM pragma_table_info('${parent.name}')`))).scalars().all();
    expect(cols[0]).toBe("late");
  });

  it("Identity columns generate values on PostgreSQL", async () => {
    if (!ident) return;
    await using conn = await engine.connect();
    const id = (await conn.execute(insert(ident).values({ v: 1 }).returning(ident.c.id))).scalar();
    expect(id).toBe(100);
    await conn.rollback();
  });
});

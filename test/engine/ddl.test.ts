/**
 * metadata.createAll(conn) / dropAll(conn) through the engine on PostgreSQL, libSQL file and
 * :memory:: dependency order, checkFirst, and the schema actually working afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckConstraint, Column, ForeignKey, Index, MetaData, Table, UniqueConstraint } from "../../src/sql/schema.js";
import { Enum, Integer, String } from "../../src/sql/types/index.js";
import { insert, select } from "../../src/index.js";
import { IntegrityError, ProgrammingError, DBAPIError } from "../../src/errors.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

describe.each(engineTargets())("$name", (target) => {
  const metadata = new MetaData();
  const base = uniqueName("engddl");
  const names = { a: `${base}_a`, b: `${base}_b`, c: `${base}_c` };
  // Declared child-first, so only a dependency sort gets the order right.
  const c = Table(
    names.c,
    metadata,
    {
      id: Column(Integer, { primaryKey: true }),
      bId: Column(new ForeignKey(`${names.b}.id`, { onDelete: "CASCADE" }), { name: "b_id", nullable: false }),
      qty: Column(Integer, { nullable: false }),
    },
    new CheckConstraint("qty >= 0", { name: `${base}_qty_ck` }),
    new Index(`${base}_c_qty_ix`, "qty"),
  );
  const b = Table(
    names.b,
    metadata,
    {
      id: Column(Integer, { primaryKey: true }),
      aId: Column(new ForeignKey(`${names.a}.id`), { name: "a_id" }),
      code: Column(String(10), { nullable: false }),
    },
    new UniqueConstraint("a_id", "code", { name: `${base}_b_uq` }),
  );
  const a = Table(names.a, metadata, {
    id: Column(Integer, { primaryKey: true }),
    mood: Column(Enum(["happy", "sad"], { name: `${base}_mood` })),
  });
  let h: EngineHandle;

  beforeAll(async () => {
    h = await target.make();
  });
  afterAll(async () => {
    await h.engine.begin((conn) => metadata.dropAll(conn));
    await h.cleanup();
  });

  const created = () =>
    h.counting.statements
      .map((s) => /^CREATE TABLE (\S+)/.exec(s)?.[1])
      .filter((x): x is string => x !== undefined);
  const dropped = () =>
    h.counting.statements
      .map((s) => /^DROP TABLE (?:IF EXISTS )?(\S+)/.exec(s)?.[1])
      .filter((x): x is string => x !== undefined);

  it("createAll creates parents before children; the schema enforces its constraints", async () => {
    h.counting.reset();
    await h.engine.begin((conn) => metadata.createAll(conn));
    expect(created()).toEqual([names.a, names.b, names.c]);
    if (target.dialect === "postgresql") {
      expect(h.counting.statements.some((s) => s.startsWith(`CREATE TYPE ${base}_mood AS ENUM ('happy', 'sad')`))).toBe(true);
    }
    expect(h.counting.statements.some((s) => s.startsWith(`CREATE INDEX ${base}_c_qty_ix ON ${names.c} (qty)`))).toBe(true);
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(a).values({ id: 1, mood: "happy" }));
      await conn.execute(insert(b).values({ id: 1, aId: 1, code: "x" }));
      await conn.execute(insert(c).values({ id: 1, bId: 1, qty: 3 }));
    });
    await h.engine.connect(async (conn) => {
      if (target.dialect === "sqlite") await conn.execDriverSql("PRAGMA foreign_keys = ON");
      await expect(conn.execute(insert(b).values({ id: 2, aId: 1, code: "x" }))).rejects.toThrow(IntegrityError);
      await conn.rollback();
      await expect(conn.execute(insert(c).values({ id: 2, bId: 1, qty: -1 }))).rejects.toThrow(IntegrityError);
      await conn.rollback();
      if (target.dialect === "postgresql") {
        await expect(conn.execute(insert(c).values({ id: 3, bId: 99, qty: 1 }))).rejects.toThrow(IntegrityError);
        await conn.rollback();
        await expect(conn.execute(insert(a).values({ id: 9, mood: "meh" as never }))).rejects.toThrow();
        await conn.rollback();
      }
    });
    const moods = await h.engine.connect(async (conn) => (await conn.scalars(select(a.c.mood))).all());
    expect(moods).toEqual(["happy"]);
  });

  it("createAll with checkFirst (the default) skips existing tables", async () => {
    h.counting.reset();
    await h.engine.begin((conn) => metadata.createAll(conn));
    expect(created()).toEqual([]);
    await h.engine.connect(async (conn) => {
      expect(await conn.hasTable(names.a)).toBe(true);
      expect(await conn.hasTable(`${base}_nope`)).toBe(false);
    });
  });

  it("createAll with checkFirst: false on existing tables fails with a database error", async () => {
    const err = await h.engine.begin((conn) => metadata.createAll(conn, { checkFirst: false })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DBAPIError);
    if (target.dialect === "sqlite") expect(err).toBeInstanceOf(ProgrammingError);
    await h.engine.connect(async (conn) => expect(await conn.hasTable(names.c)).toBe(true));
  });

  it("dropAll drops children before parents; checkFirst skips missing tables", async () => {
    h.counting.reset();
    await h.engine.begin((conn) => metadata.dropAll(conn));
    expect(dropped()).toEqual([names.c, names.b, names.a]);
    if (target.dialect === "postgresql") {
      expect(h.counting.statements.some((s) => s.includes(`DROP TYPE IF EXISTS ${base}_mood`))).toBe(true);
    }
    await h.engine.connect(async (conn) => {
      for (const n of Object.values(names)) expect(await conn.hasTable(n)).toBe(false);
    });
    h.counting.reset();
    await h.engine.begin((conn) => metadata.dropAll(conn));
    expect(dropped()).toEqual([]);
  });

  it("createAll({ tables }) creates only the given tables; a rolled-back createAll leaves nothing", async () => {
    await h.engine.begin((conn) => metadata.createAll(conn, { tables: [a] }));
    await h.engine.connect(async (conn) => {
      expect(await conn.hasTable(names.a)).toBe(true);
      expect(await conn.hasTable(names.b)).toBe(false);
    });
    await h.engine.begin((conn) => metadata.dropAll(conn));
    // DDL is transactional on both databases
    {
      await using conn = await h.engine.connect();
      await metadata.createAll(conn);
      expect(await conn.hasTable(names.c)).toBe(true);
      await conn.rollback();
      expect(await conn.hasTable(names.c)).toBe(false);
    }
  });
});

/**
 * SQLAlchemy's JSON null handling (test_types.py JSONTest, postgresql JSONRoundTripTest) on real
 * PostgreSQL and libSQL: `JSON.NULL` stores the JSON literal `null` (the column IS NOT NULL),
 * a JS `null` stores SQL NULL (athanor's JSON behaves as `none_as_null=True`); both read back
 * as `null`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Column, Integer, JSON as JSONT, JSONB, JSONType, MetaData, Table, func, insert, select } from "../../../src/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { createAsyncEngine, type AsyncEngine } from "../../../src/engine/engine.js";
import { PG, LITE, bind } from "./db.js";

describe("JSON.NULL binds the JSON text null", () => {
  it("is JSONType.NULL, and binds as 'null' on both dialects while JS null binds SQL NULL", () => {
    expect(JSONT.NULL).toBe(JSONType.NULL);
    for (const d of [PG.name, LITE.name] as const) {
      expect(bind(JSONT(), d, JSONT.NULL)).toBe("null");
      expect(bind(JSONT(), d, null)).toBeNull();
      expect(bind(JSONT(), d, { a: null })).toBe('{"a":null}');
    }
    expect(bind(JSONB(), PG.name, JSONT.NULL)).toBe("null");
  });
});

describe.each(dialectTargets())("JSON null round trips on $name", (target) => {
  const md = new MetaData();
  const pg = target.dialect === "postgresql";
  const t = Table(uniqueName("sajsonnull"), md, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    data: Column(JSONT<{ k?: unknown } | null>()),
    ...(pg ? { bdata: Column(JSONB()) } : {}),
  });
  let engine: AsyncEngine;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const d = await target.make();
    engine = createAsyncEngine(d.driver);
    cleanup = d.cleanup;
    await engine.begin((conn) => md.createAll(conn));
    await engine.begin(async (conn) => {
      await conn.execute(insert(t), [
        { id: 1, data: JSONT.NULL, ...(pg ? { bdata: JSONT.NULL } : {}) },
        { id: 2, data: null, ...(pg ? { bdata: null } : {}) },
        { id: 3, data: { k: null }, ...(pg ? { bdata: null } : {}) },
      ]);
    });
  });
  afterAll(async () => {
    await engine.begin((conn) => md.dropAll(conn));
    await engine.dispose();
    await cleanup();
  });

  it("JSON.NULL and SQL NULL both read back as null; a nested null stays in the document", async () => {
    const rows = await engine.connect(async (conn) => (await conn.execute(select(t.c.id, t.c.data).orderBy(t.c.id))).all().map((r) => [...r]));
    expect(rows).toEqual([[1, null], [2, null], [3, { k: null }]]);
  });

  it("only the SQL NULL row IS NULL", async () => {
    const ids = await engine.connect(async (conn) => (await conn.scalars(select(t.c.id).where(t.c.data.isNull()).orderBy(t.c.id))).all());
    expect(ids).toEqual([2]);
    const notNull = await engine.connect(async (conn) => (await conn.scalars(select(t.c.id).where(t.c.data.isNotNull()).orderBy(t.c.id))).all());
    expect(notNull).toEqual([1, 3]);
  });

  it("the database sees the JSON literal null", async () => {
    const kind = pg ? func.json_typeof(t.c.data) : func.json_type(t.c.data);
    const kinds = await engine.connect(async (conn) => (await conn.scalars(select(kind).where(t.c.id.eq(1)))).all());
    expect(kinds).toEqual(["null"]);
    if (pg) {
      const b = await engine.connect(async (conn) => conn.scalar(select(func.jsonb_typeof((t.c as unknown as { bdata: typeof t.c.data }).bdata)).where(t.c.id.eq(1))));
      expect(b).toBe("null");
    }
  });
});

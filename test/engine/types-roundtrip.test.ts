/**
 * Every type through the engine (insert, then select back) on PostgreSQL, libSQL file and
 * :memory:, plus the typed error for a JS value a column cannot bind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Column, MetaData, Table, type ColumnImpl } from "../../src/sql/schema.js";
import {
  ARRAY, BigInteger, Boolean as BooleanT, Date as DateT, DateTime, Double, Enum, Float, Integer, Interval, JSON as JSONT,
  JSONB, LargeBinary, Numeric, SmallInteger, String as StringT, Text, Time, Uuid,
} from "../../src/sql/types/index.js";
import { insert, select } from "../../src/index.js";
import { ArgumentError } from "../../src/errors.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

const utc = (iso: string) => new globalThis.Date(iso);

describe.each(engineTargets())("$name", (target) => {
  const pg = target.dialect === "postgresql";
  const metadata = new MetaData();
  const base = uniqueName("engtypes");
  const common = {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    i: Column(Integer),
    big: Column(BigInteger),
    small: Column(SmallInteger),
    s: Column(StringT(50)),
    txt: Column(Text),
    flag: Column(BooleanT),
    num: Column(Numeric(20, 6)),
    f: Column(Float),
    dbl: Column(Double),
    d: Column(DateT),
    ts: Column(DateTime),
    tstz: Column(DateTime({ timezone: true })),
    tm: Column(Time),
    js: Column(JSONT),
    u: Column(Uuid),
    e: Column(Enum(["happy", "sad"], { name: `${base}_mood` })),
    bin: Column(LargeBinary),
  };
  const pgOnly = {
    iv: Column(Interval),
    jsb: Column(JSONB),
    arr: Column(ARRAY(Integer)),
    arr2: Column(ARRAY(StringT(10), { dimensions: 2 })),
  };
  const t = Table(base, metadata, pg ? { ...common, ...pgOnly } : common) as ReturnType<typeof Table>;
  let h: EngineHandle;

  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin((c) => metadata.createAll(c));
  });
  afterAll(async () => {
    await h.engine.begin((c) => metadata.dropAll(c));
    await h.cleanup();
  });

  const full: Record<string, unknown> = {
    id: 1,
    i: -2147483648,
    big: 9223372036854775807n,
    small: -32768,
    s: `héllo 'quoted' "double" ✓ 🎉`,
    txt: "x".repeat(10_000) + "\n\t\0end".replace("\0", ""),
    flag: true,
    num: pg ? "12345678901234.123456" : "1234.5",
    f: 0.1,
    dbl: -1.7976931348623157e308,
    d: utc("2024-02-29T00:00:00Z"),
    ts: utc("2024-03-01T12:34:56.789Z"),
    tstz: utc("1999-12-31T23:59:59.999Z"),
    tm: "13:14:15.123456",
    js: { a: [1, "x", null, true], b: { c: 1.5, "key with space": "é" }, n: 9007199254740991 },
    u: "6f1c2a4e-1b2c-4d5e-8f90-a1b2c3d4e5f6",
    e: "sad",
    bin: new Uint8Array([0, 1, 2, 127, 128, 255]),
  };
  if (pg) {
    Object.assign(full, {
      iv: "1 day 02:03:04.5",
      jsb: { z: 1, a: [true, false], s: "text" },
      arr: [1, null, 3],
      arr2: [["a", "b,c"], ['q"uote', null]],
    });
  }

  /** What the database hands back where it normalizes the value. */
  const expected: Record<string, unknown> = {
    ...full,
    num: pg ? "12345678901234.123456" : "1234.500000",
    // JSONB sorts keys by length then bytes
    ...(pg ? { jsb: { a: [true, false], s: "text", z: 1 } } : {}),
  };

  it("inserts and selects back equal values for every column type", async () => {
    await h.engine.begin((c) => c.execute(insert(t).values(full)));
    const row = await h.engine.connect(async (c) => (await c.execute(select(t).where(t.c.id.eq(1)))).one());
    const got = Object.fromEntries(row._mapping.entries());
    for (const k of Object.keys(full)) expect([k, got[k]]).toEqual([k, expected[k]]);
    expect(typeof got.big).toBe("bigint");
    expect(got.bin).toBeInstanceOf(Uint8Array);
    expect(got.d).toBeInstanceOf(globalThis.Date);
  });

  it("NULL round-trips as null for every nullable column", async () => {
    await h.engine.begin((c) => c.execute(insert(t).values({ id: 2 })));
    const row = await h.engine.connect(async (c) => (await c.execute(select(t).where(t.c.id.eq(2)))).one());
    for (const [k, v] of row._mapping.entries()) if (k !== "id") expect([k, v]).toEqual([k, null]);
  });

  it("the same values round-trip through executemany and RETURNING", async () => {
    const rows = [3, 4].map((id) => ({ ...full, id, flag: id === 4 }));
    const ret = await h.engine.begin((c) => c.execute(insert(t).returning(t.c.id, t.c.big, t.c.ts, t.c.js, t.c.flag), rows));
    const got = ret.all().map((r) => [...r]);
    expect(got).toEqual([
      [3, full.big, full.ts, full.js, false],
      [4, full.big, full.ts, full.js, true],
    ]);
  });

  it("values compare in WHERE through their bind processors", async () => {
    await h.engine.connect(async (c) => {
      const col = (k: string) => (t.c as unknown as Record<string, ColumnImpl>)[k]!;
      for (const k of ["big", "d", "ts", "tstz", "u", "e", "flag", "num", "tm"]) {
        const ids = (await c.scalars(select(t.c.id).where(col(k).eq(full[k])).orderBy(t.c.id))).all();
        expect([k, ids.includes(1)]).toEqual([k, true]);
      }
    });
  });

  it("BigInteger keeps every digit at both ends of the int8 range", async () => {
    await h.engine.begin(async (c) => {
      await c.execute(insert(t), [
        { id: 10, big: -9223372036854775808n },
        { id: 11, big: 9007199254740993n },
      ]);
    });
    const bigs = await h.engine.connect(async (c) => (await c.scalars(select(t.c.big).where(t.c.id.ge(10)).orderBy(t.c.id))).all());
    expect(bigs).toEqual([-9223372036854775808n, 9007199254740993n]);
  });

  it("a JS value a column cannot bind raises ArgumentError naming the column", async () => {
    await using conn = await h.engine.connect();
    const bad: [string, unknown][] = [
      ["i", "abc"],
      ["i", 1.5],
      ["big", 1.5],
      ["flag", "yes"],
      ["d", "2023-02-30"],
      ["u", "not-a-uuid"],
      ["e", "meh"],
      ["bin", "bytes"],
      ["js", () => 1],
    ];
    for (const [k, v] of bad) {
      let err: unknown;
      try {
        await conn.execute(insert(t).values({ id: 100, [k]: v }));
      } catch (e) {
        err = e;
      }
      expect([k, err instanceof ArgumentError]).toEqual([k, true]);
      expect((err as Error).message).toContain(`${t.name}.${k}`);
    }
    // executemany names the column too
    await expect(conn.execute(insert(t), [{ id: 101, i: 1 }, { id: 102, i: "x" }])).rejects.toThrow(
      new RegExp(`${t.name}\\.i`),
    );
    await conn.rollback();
  });
});

/**
 * Storage and round trips of scalar types, ported from SQLAlchemy's test/dialect/sqlite/test_types.py
 * (`TestTypes.test_boolean`, `DateTimeTest`, `DateTest`, `TimeTest`), test/dialect/postgresql/test_types.py
 * (`UUIDTest`, `TimestampTest`, INTERVAL, BYTEA) and test/sql/test_types.py (`NumericRawSQLTest`,
 * `NumericDecimalReturnScaleTest`, `BinaryTest`, `IntervalTest`): what each database stores, and what
 * reads back through the type.
 */
import { describe, expect, it } from "vitest";
import {
  ARRAY, Boolean as BooleanT, Column, Date as DateT, DateTime, Float, Integer, Interval, LargeBinary, MetaData, Numeric, NumericType, Table, Time,
  Uuid, cast, insert, literalColumn, select, text, } from "../../../src/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useTablesOnce } from "../../fixtures/suite-tables.js";
import { bind, openDbs, result, type Dbs } from "./db.js";

describe("SQLite date/time storage (DateTimeTest, DateTest, TimeTest)", () => {
  it("test_time_microseconds: DateTime in string mode keeps microseconds in storage and back", () => {
    const t = DateTime({ mode: "string", precision: 6 });
    const stored = bind(t, "sqlite", "2008-06-27 12:00:00.000125");
    expect(stored).toBe("2008-06-27 12:00:00.000125");
    expect(result(t, "sqlite", stored)).toBe("2008-06-27 12:00:00.000125");
  });

  it("a JS Date is stored with millisecond text and reads back equal", () => {
    const d = new globalThis.Date(Date.UTC(2008, 5, 27, 12, 0, 0, 125));
    const stored = bind(DateTime(), "sqlite", d);
    expect(stored).toBe("2008-06-27 12:00:00.125");
    expect(result(DateTime(), "sqlite", stored)).toEqual(d);
  });

  it("DateTest.test_default: YYYY-MM-DD", () => {
    const d = new globalThis.Date(Date.UTC(2008, 5, 27));
    expect(bind(DateT(), "sqlite", d)).toBe("2008-06-27");
    expect(result(DateT(), "sqlite", "2008-06-27")).toEqual(d);
  });

  it("TimeTest: HH:MM:SS[.ffffff] text", () => {
    expect(bind(Time(), "sqlite", "12:00:00.000125")).toBe("12:00:00.000125");
    expect(() => bind(Time(), "sqlite", "25:00:00")).toThrow('Time cannot bind string "25:00:00": expected HH:MM:SS[.ffffff]');
  });

  it("test_cant_parse_datetime_message: unparseable stored text raises on read", () => {
    expect(() => result(DateTime(), "sqlite", "ASDF")).toThrow('DateTime cannot read string "ASDF"');
    expect(() => result(DateT(), "sqlite", "ASDF")).toThrow('Date cannot read string "ASDF"');
  });
});

describe("Numeric asDecimal / decimalReturnScale (NumericDecimalReturnScaleTest)", () => {
  it("asDecimal: false returns numbers; the default returns decimal strings", () => {
    const n = Numeric(10, 2, { asDecimal: false });
    expect(n.asDecimal).toBe(false);
    expect(result(n, "postgresql", "1.50")).toBe(1.5);
    expect(result(n, "sqlite", 1.5)).toBe(1.5);
    expect(result(Numeric(10, 2), "postgresql", "1.50")).toBe("1.50");
    expect(n.compileType({ name: "postgresql" })).toBe("NUMERIC(10, 2)");
    expect(n.cacheKey).not.toBe(Numeric(10, 2).cacheKey);
  });

  it("test_result_processor_decimal_return_scale on SQLite (doubles from the driver)", () => {
    expect(result(Numeric(10, 2, { decimalReturnScale: 5 }), "sqlite", 1.23456789)).toBe("1.23457");
    expect(result(Numeric(10, 2), "sqlite", 1.23456789)).toBe("1.23");
    expect(Numeric(10, 2, { decimalReturnScale: 5 })).toBeInstanceOf(NumericType);
  });
});

const md = new MetaData();
const nums = Table(uniqueName("sa5a_st_nums"), md, {
  id: Column(Integer, { primaryKey: true }),
  dec: Column(Numeric(10, 5)),
  flt: Column(Numeric(10, 5, { asDecimal: false })),
  ret: Column(Numeric(10, 5, { decimalReturnScale: 3 })),
  f: Column(Float),
  i: Column(Integer),
});
const misc = Table(uniqueName("sa5a_st_misc"), md, {
  id: Column(Integer, { primaryKey: true }),
  boo: Column(BooleanT),
  data: Column(LargeBinary),
  d: Column(DateT),
  ts: Column(DateTime()),
});

describe.each(dialectTargets())("scalar round trips on $name", (target) => {
  const sqlite = target.dialect === "sqlite";
  const db = useTablesOnce(target, md);

  it("NumericRawSQLTest / decimal return scale: values through the types and raw", async () => {
    const [typed, raw] = await db.engine.begin(async (conn) => {
      await conn.execute(insert(nums), { id: 1, dec: "45.5", flt: 45.5, ret: "1.12345", f: 46.583, i: 45 });
      return [
        [...(await conn.execute(select(nums.c.dec, nums.c.flt, nums.c.ret, nums.c.f, nums.c.i))).one()],
        [...(await conn.execute(text(`select i, f from ${nums.name}`))).one()],
      ];
    });
    // PostgreSQL returns the stored decimal, SQLite a double formatted to the scale
    expect(typed).toEqual(["45.50000", 45.5, sqlite ? "1.123" : "1.12345", 46.583, 45]);
    expect(raw).toEqual([45, 46.583]);
  });

  it("test_boolean (SQLite): only 1 is true; booleans read back as JS booleans", async () => {
    const rows = await db.engine.begin(async (conn) => {
      if (sqlite) {
        for (const [id, v] of [[1, "'false'"], [2, "'true'"], [3, "'1'"], [4, "'0'"], [5, "1"], [6, "0"]] as const) {
          await conn.execute(text(`INSERT INTO ${misc.name} (id, boo) VALUES (${id}, ${v})`));
        }
      } else {
        await conn.execute(insert(misc), [{ id: 3, boo: true }, { id: 5, boo: true }, { id: 6, boo: false }]);
      }
      return (await conn.execute(select(misc.c.id, misc.c.boo).where(misc.c.boo).orderBy(misc.c.id))).all().map((r) => [...r]);
    });
    expect(rows).toEqual([[3, true], [5, true]]);
  });

  it("BinaryTest.test_round_trip / test_comparison: bytes 0..255 and equality on bytes", async () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const [back, ids] = await db.engine.begin(async (conn) => {
      await conn.execute(insert(misc), { id: 10, data: bytes });
      return [
        await conn.scalar(select(misc.c.data).where(misc.c.id.eq(10))),
        (await conn.execute(select(misc.c.id).where(misc.c.data.eq(bytes)))).scalars().all(),
      ];
    });
    expect(back).toEqual(bytes);
    expect(back).toBeInstanceOf(Uint8Array);
    expect(ids).toEqual([10]);
  });

  it("dates and timestamps round trip; comparisons use the stored form", async () => {
    const d = new globalThis.Date(Date.UTC(2010, 4, 10));
    const ts = new globalThis.Date(Date.UTC(2010, 4, 10, 12, 15, 25));
    const [row, later] = await db.engine.begin(async (conn) => {
      await conn.execute(insert(misc), { id: 20, d, ts });
      return [
        [...(await conn.execute(select(misc.c.d, misc.c.ts).where(misc.c.id.eq(20)))).one()],
        (await conn.execute(select(misc.c.id).where(misc.c.ts.gt(new globalThis.Date(Date.UTC(2010, 4, 10, 12, 15, 24)))))).scalars().all(),
      ];
    });
    expect(row).toEqual([d, ts]);
    expect(later).toEqual([20]);
  });
});

const pgMd = new MetaData();
const utable = Table(uniqueName("sa5a_st_utable"), pgMd, {
  id: Column(Integer, { primaryKey: true }),
  data: Column(Uuid),
  arr: Column(ARRAY(Uuid)),
  span: Column(Interval),
});

describe.each(dialectTargets().filter((t) => t.dialect === "postgresql"))("PostgreSQL types on $name (UUIDTest, TimestampTest)", (target) => {
  const db = useTablesOnce(target, pgMd);

  const v1 = "8a7b1e5c-1f7e-4a55-9f1a-0c7e6f3b2a11";
  const v2 = "0f4c2d1e-9a8b-4c7d-8e6f-5a4b3c2d1e0f";

  it("test_round_trip / test_uuid_array: UUIDs and arrays of UUIDs", async () => {
    const [other, arr] = await db.engine.begin(async (conn) => {
      await conn.execute(insert(utable), [{ id: 1, data: v1, arr: [v1, v2] }, { id: 2, data: v2, arr: [v2] }]);
      return [
        (await conn.execute(select(utable.c.data).where(utable.c.data.ne(v1)))).scalars().all(),
        await conn.scalar(select(utable.c.arr).where(utable.c.id.eq(1))),
      ];
    });
    expect(other).toEqual([v2]);
    expect(arr).toEqual([v1, v2]);
  });

  it("test_timestamp / test_interval_arithmetic: raw PostgreSQL values", async () => {
    const [ts, span] = await db.engine.connect(async (conn) => [
      await conn.scalar(select(cast(literalColumn("timestamp '2007-12-25'"), DateTime()))),
      await conn.scalar(text("select (timestamp '2007-12-25' - timestamp '2007-11-15')::text")),
    ]);
    expect(ts).toEqual(new globalThis.Date(Date.UTC(2007, 11, 25)));
    expect(span).toBe("40 days");
  });

  it("IntervalTest.test_roundtrip: INTERVAL text in and out", async () => {
    const got = await db.engine.begin(async (conn) => {
      await conn.execute(insert(utable), { id: 3, span: "1 day 02:03:04" });
      return conn.scalar(select(utable.c.span).where(utable.c.id.eq(3)));
    });
    expect(got).toBe("1 day 02:03:04");
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { ArgumentError, CompileError } from "../../../src/errors.js";
import { Date as DateT, DateTime, DateTimeType, Interval, LossyValueError, Time } from "../../../src/sql/types/index.js";
import { LITE, PG, bind, openDbs, result } from "./db.js";

const dbs = openDbs("time");
afterAll(() => dbs.close());

const utc = (...a: [number, number, number, number?, number?, number?, number?]) =>
  new Date(Date.UTC(a[0], a[1] - 1, a[2], a[3] ?? 0, a[4] ?? 0, a[5] ?? 0, a[6] ?? 0));

describe("Date", () => {
  it("DDL", () => {
    expect(DateT().compileType(PG)).toBe("DATE");
    expect(DateT().compileType(LITE)).toBe("DATE");
  });
  it("binds YYYY-MM-DD from the UTC fields", () => {
    expect(bind(DateT(), "postgresql", utc(2024, 2, 29))).toBe("2024-02-29");
    expect(bind(DateT(), "sqlite", utc(2024, 2, 29, 23, 59))).toBe("2024-02-29");
    expect(bind(DateT(), "sqlite", "0999-01-05")).toBe("0999-01-05");
    expect(() => bind(DateT(), "sqlite", "2023-02-29")).toThrow('Date cannot bind string "2023-02-29": expected YYYY-MM-DD');
    expect(() => bind(DateT(), "sqlite", new Date(NaN))).toThrow("Date cannot bind object Date: invalid Date");
    expect(() => bind(DateT(), "sqlite", 20240101)).toThrow("Date cannot bind number 20240101");
  });
  it("results become UTC midnight, from text or from a local-midnight Date", () => {
    expect(result(DateT(), "postgresql", "2024-01-02")).toEqual(utc(2024, 1, 2));
    expect(result(DateT(), "postgresql", new Date(2024, 0, 2))).toEqual(utc(2024, 1, 2));
    expect(result(DateT(), "postgresql", "0044-03-15 BC")).toEqual(new Date(utc(2000, 3, 15).setUTCFullYear(-43)));
    expect(result(DateT(), "sqlite", "2024-01-02")).toEqual(utc(2024, 1, 2));
    expect(() => result(DateT(), "postgresql", "infinity")).toThrow(ArgumentError);
  });
  it.each(["postgresql", "sqlite"] as const)("UTC midnight round trips on %s", async (d) => {
    expect(await dbs.roundTrip(DateT(), d, utc(2024, 1, 1))).toEqual(utc(2024, 1, 1));
    expect(await dbs.roundTrip(DateT(), d, utc(1999, 12, 31))).toEqual(utc(1999, 12, 31));
    expect(await dbs.roundTrip(DateT(), d, "0050-06-30")).toEqual(new Date(utc(2000, 6, 30).setUTCFullYear(50)));
  });
  it("SQLite stores ISO text", async () => {
    expect(await dbs.rawStored(DateT(), "sqlite", utc(2024, 1, 1))).toBe("2024-01-01");
  });
});

describe("DateTime", () => {
  it("DDL", () => {
    expect(DateTime().compileType(PG)).toBe("TIMESTAMP(3)");
    expect(DateTime({ timezone: true }).compileType(PG)).toBe("TIMESTAMP(3) WITH TIME ZONE");
    expect(DateTime({ mode: "string" }).compileType(PG)).toBe("TIMESTAMP");
    expect(DateTime({ mode: "string", precision: 6, timezone: true }).compileType(PG)).toBe("TIMESTAMP(6) WITH TIME ZONE");
    expect(DateTime({ precision: 0 }).compileType(PG)).toBe("TIMESTAMP(0)");
    expect(DateTime().compileType(LITE)).toBe("DATETIME");
    expect(DateTime({ mode: "string" }).cacheKey).toBe("TIMESTAMP AS STRING");
    expect(DateTime).not.toBe(DateTimeType);
    expect(() => DateTime({ precision: 7 })).toThrow("DateTime precision must be an integer from 0 to 6, got 7");
  });
  it("column and bind expressions on PostgreSQL", () => {
    expect(DateTime().columnExpression("postgresql", "t.at")).toBe("CAST(t.at AS TEXT)");
    expect(DateTime({ timezone: true }).columnExpression("postgresql", "t.at")).toBe("CAST((t.at) AT TIME ZONE 'UTC' AS TEXT)");
    expect(DateTime().columnExpression("sqlite", "t.at")).toBeUndefined();
    expect(DateTime().bindExpression("postgresql", "$1")).toBeUndefined();
    expect(DateTime({ mode: "string" }).bindExpression("postgresql", "$1")).toBe("CAST(CAST($1 AS TEXT) AS TIMESTAMP)");
  });
  it("bind", () => {
    const d = utc(2024, 1, 2, 3, 4, 5, 120);
    expect(bind(DateTime(), "postgresql", d)).toBe("2024-01-02T03:04:05.120Z");
    expect(bind(DateTime(), "sqlite", d)).toBe("2024-01-02 03:04:05.120");
    expect(bind(DateTime({ timezone: true }), "sqlite", d)).toBe("2024-01-02 03:04:05.120+00:00");
    expect(bind(DateTime({ timezone: true }), "sqlite", "2024-01-02T05:04:05.12+02:00")).toBe("2024-01-02 03:04:05.120+00:00");
    expect(bind(DateTime(), "sqlite", "2024-01-02 03:04")).toBe("2024-01-02 03:04:00.000");
    const s = DateTime({ mode: "string" });
    expect(bind(s, "sqlite", "2024-01-02T03:04:05.123456Z")).toBe("2024-01-02 03:04:05.123456");
    expect(bind(s, "postgresql", "2024-01-02T03:04:05.123450-01:30")).toBe("2024-01-02 04:34:05.12345+00:00");
    expect(() => bind(DateTime(), "sqlite", "2024-01-02 03:04:05.123456")).toThrow(LossyValueError);
    expect(() => bind(DateTime({ precision: 0 }), "postgresql", d)).toThrow(/finer than 0 digits/);
    expect(() => bind(DateTime(), "postgresql", new Date(NaN))).toThrow("DateTime cannot bind object Date: invalid Date");
    expect(() => bind(DateTime(), "postgresql", "yesterday")).toThrow(/expected an ISO 8601 timestamp/);
    expect(() => bind(DateTime(), "postgresql", 0)).toThrow("DateTime cannot bind number 0");
  });
  it("results", () => {
    expect(result(DateTime(), "postgresql", "2024-01-02 03:04:05.12")).toEqual(utc(2024, 1, 2, 3, 4, 5, 120));
    expect(result(DateTime(), "postgresql", "2024-01-02 03:04:05+05:30")).toEqual(utc(2024, 1, 1, 21, 34, 5));
    expect(() => result(DateTime(), "postgresql", "2024-01-02 03:04:05.123456")).toThrow(LossyValueError);
    expect(result(DateTime(), "postgresql", "2024-01-02 03:04:05.123000")).toEqual(utc(2024, 1, 2, 3, 4, 5, 123));
    expect(() => result(DateTime(), "postgresql", "infinity")).toThrow(ArgumentError);
    expect(result(DateTime({ mode: "string" }), "postgresql", "infinity")).toBe("infinity");
    expect(result(DateTime({ mode: "string", timezone: true }), "sqlite", "2024-01-02 03:04:05.100+00:00")).toBe(
      "2024-01-02 03:04:05.1+00:00",
    );
    const d = new Date();
    expect(result(DateTime(), "postgresql", d)).toBe(d);
  });
  it("microseconds on PostgreSQL: mode date raises, mode string keeps them", async () => {
    const exact = "2024-06-01 12:34:56.123456";
    expect(await dbs.roundTrip(DateTime({ mode: "string" }), "postgresql", exact)).toBe(exact);
    expect(await dbs.roundTrip(DateTime({ mode: "string", timezone: true }), "postgresql", `${exact}-07:00`)).toBe(
      "2024-06-01 19:34:56.123456+00:00",
    );
    // Without the bind cast postgres.js sends timestamp parameters through new Date(x).
    await dbs.pg.unsafe("CREATE TEMP TABLE types_time_nocast (v TIMESTAMP)");
    await dbs.pg.unsafe("INSERT INTO types_time_nocast VALUES ($1)", [`${exact}+00:00`]);
    expect((await dbs.pg.unsafe("SELECT CAST(v AS TEXT) FROM types_time_nocast").values())[0]![0]).toBe("2024-06-01 12:34:56.123");
    // A column written by someone else with microseconds, read in mode "date".
    await dbs.pg.unsafe("CREATE TEMP TABLE types_time_us (v TIMESTAMP(6))");
    await dbs.pg.unsafe(`INSERT INTO types_time_us VALUES ('${exact}')`);
    const t = DateTime({ precision: 6 });
    const raw = (await dbs.pg.unsafe(`SELECT ${t.columnExpression("postgresql", "v")} FROM types_time_us`).values())[0]![0];
    expect(raw).toBe(exact);
    expect(() => result(t, "postgresql", raw)).toThrow(LossyValueError);
  });
  it.each(["postgresql", "sqlite"] as const)("Date values round trip on %s, naive = UTC", async (d) => {
    const v = utc(2024, 3, 10, 2, 30, 0, 999);
    expect(await dbs.roundTrip(DateTime(), d, v)).toEqual(v);
    expect(await dbs.roundTrip(DateTime({ timezone: true }), d, v)).toEqual(v);
    expect(await dbs.roundTrip(DateTime({ timezone: true }), d, "2024-03-10T04:30:00.999+02:00")).toEqual(v);
    expect(await dbs.roundTrip(DateTime(), d, null)).toBe(null);
    const early = new Date(utc(2000, 1, 1).setUTCFullYear(5));
    expect(await dbs.roundTrip(DateTime(), d, early)).toEqual(early);
  });
  it("naive PostgreSQL timestamps hold the UTC wall time", async () => {
    await dbs.pg.unsafe("SET TIME ZONE 'America/New_York'");
    try {
      const v = utc(2024, 7, 1, 12);
      const rows = await dbs.pg.unsafe("SELECT CAST(CAST($1 AS TIMESTAMP(3)) AS TEXT)", [bind(DateTime(), "postgresql", v) as string]).values();
      expect(rows[0]![0]).toBe("2024-07-01 12:00:00");
      expect(await dbs.roundTrip(DateTime({ timezone: true }), "postgresql", v)).toEqual(v);
    } finally {
      await dbs.pg.unsafe("SET TIME ZONE 'UTC'");
    }
  });
  it("SQLite storage text", async () => {
    expect(await dbs.rawStored(DateTime(), "sqlite", utc(2024, 1, 2, 3, 4, 5, 6))).toBe("2024-01-02 03:04:05.006");
    expect(await dbs.rawStored(DateTime({ mode: "string", timezone: true }), "sqlite", "2024-01-02T03:04:05.1234Z")).toBe(
      "2024-01-02 03:04:05.123400+00:00",
    );
    expect(await dbs.roundTrip(DateTime({ mode: "string" }), "sqlite", "2024-01-02 03:04:05.123456")).toBe(
      "2024-01-02 03:04:05.123456",
    );
  });
});

describe("Time / Interval", () => {
  it("DDL", () => {
    expect(Time().compileType(PG)).toBe("TIME");
    expect(Time().compileType(LITE)).toBe("TIME");
    expect(Interval().compileType(PG)).toBe("INTERVAL");
    expect(() => Interval().compileType(LITE)).toThrow(CompileError);
    expect(() => Interval().compileType(LITE)).toThrow("Interval is PostgreSQL-only; sqlite has no INTERVAL type");
  });
  it("Time bind validates", () => {
    expect(bind(Time(), "sqlite", "23:59:59.999999")).toBe("23:59:59.999999");
    expect(() => bind(Time(), "sqlite", "24:01")).toThrow('Time cannot bind string "24:01": expected HH:MM:SS[.ffffff]');
    expect(() => bind(Time(), "postgresql", new Date())).toThrow("Time cannot bind object Date");
    expect(() => bind(Interval(), "postgresql", 5)).toThrow("Interval cannot bind number 5");
  });
  it.each(["postgresql", "sqlite"] as const)("Time round trips on %s", async (d) => {
    expect(await dbs.roundTrip(Time(), d, "12:00:01.5")).toBe("12:00:01.5");
    expect(await dbs.roundTrip(Time(), d, "00:00:00")).toBe("00:00:00");
  });
  it("Interval round trips on PostgreSQL in its text form", async () => {
    expect(await dbs.roundTrip(Interval(), "postgresql", "1 day 2 hours")).toBe("1 day 02:00:00");
    expect(await dbs.roundTrip(Interval(), "postgresql", "P1Y2M")).toBe("1 year 2 mons");
  });
});

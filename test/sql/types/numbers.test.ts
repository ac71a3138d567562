import { afterAll, describe, expect, it } from "vitest";
import { ArgumentError } from "../../../src/errors.js";
import {
  BigInteger,
  BigIntegerType,
  Boolean,
  Double,
  Float,
  Integer,
  IntegerType,
  LossyValueError,
  Numeric,
  SmallInteger,
} from "../../../src/sql/types/index.js";
import { LITE, PG, bind, openDbs, result } from "./db.js";

const dbs = openDbs("num");
afterAll(() => dbs.close());

const INT8_MAX = 9223372036854775807n;
const INT8_MIN = -9223372036854775808n;

describe("Integer / SmallInteger", () => {
  it("DDL", () => {
    expect(Integer().compileType(PG)).toBe("INTEGER");
    expect(Integer().compileType(LITE)).toBe("INTEGER");
    expect(SmallInteger().compileType(PG)).toBe("SMALLINT");
    expect(SmallInteger().compileType(LITE)).toBe("INTEGER");
    expect(Integer().cacheKey).toBe("INTEGER");
    expect(SmallInteger()).toBeInstanceOf(IntegerType);
  });
  it("bind accepts integers and safe bigints, rejects the rest naming type and value", () => {
    const t = Integer();
    expect(bind(t, "postgresql", 42)).toBe(42);
    expect(bind(t, "sqlite", 7n)).toBe(7);
    expect(bind(t, "sqlite", null)).toBe(null);
    expect(bind(t, "sqlite", undefined)).toBe(null);
    expect(() => bind(t, "postgresql", "abc")).toThrow(new ArgumentError('Integer cannot bind string "abc"'));
    expect(() => bind(t, "postgresql", 1.5)).toThrow(/Integer cannot bind number 1.5: not an integer/);
    expect(() => bind(t, "sqlite", 2n ** 60n)).toThrow(/Integer cannot bind bigint 1152921504606846976n/);
    expect(() => bind(SmallInteger(), "sqlite", true)).toThrow("SmallInteger cannot bind boolean true");
  });
  it("PG result accepts the parsed number and its text; SQLite passes through", () => {
    expect(result(Integer(), "postgresql", "-12")).toBe(-12);
    expect(result(Integer(), "postgresql", 12)).toBe(12);
    expect(result(Integer(), "postgresql", null)).toBe(null);
    expect(Integer().resultProcessor("sqlite")).toBeUndefined();
  });
  it.each(["postgresql", "sqlite"] as const)("round trips on %s", async (d) => {
    expect(await dbs.roundTrip(Integer(), d, -2147483648)).toBe(-2147483648);
    expect(await dbs.roundTrip(SmallInteger(), d, 32767)).toBe(32767);
    expect(await dbs.roundTrip(Integer(), d, null)).toBe(null);
  });
});

describe("BigInteger", () => {
  it("DDL and column expression", () => {
    expect(BigInteger().compileType(PG)).toBe("BIGINT");
    expect(BigInteger().compileType(LITE)).toBe("INTEGER");
    expect(BigInteger().columnExpression("sqlite", "t.v")).toBe("CAST(t.v AS TEXT)");
    expect(BigInteger().columnExpression("postgresql", "t.v")).toBeUndefined();
    expect(BigInteger()).toBeInstanceOf(BigIntegerType);
  });
  it("binds decimal text on PG and bigint on SQLite", () => {
    expect(bind(BigInteger(), "postgresql", INT8_MAX)).toBe("9223372036854775807");
    expect(bind(BigInteger(), "postgresql", 5)).toBe("5");
    expect(bind(BigInteger(), "sqlite", 5)).toBe(5n);
    expect(() => bind(BigInteger(), "sqlite", 2 ** 60)).toThrow(/BigInteger cannot bind number .*not a safe integer/);
    expect(() => bind(BigInteger(), "sqlite", INT8_MAX + 1n)).toThrow(/outside the 64-bit integer range/);
    expect(() => bind(BigInteger(), "sqlite", "1")).toThrow('BigInteger cannot bind string "1"');
  });
  it("result turns text and numbers into bigint", () => {
    expect(result(BigInteger(), "postgresql", "-9223372036854775808")).toBe(INT8_MIN);
    expect(result(BigInteger(), "sqlite", 3)).toBe(3n);
    expect(result(BigInteger(), "sqlite", null)).toBe(null);
  });
  it.each(["postgresql", "sqlite"] as const)("2^63-1 and -2^63 survive on %s", async (d) => {
    expect(await dbs.roundTrip(BigInteger(), d, INT8_MAX)).toBe(INT8_MAX);
    expect(await dbs.roundTrip(BigInteger(), d, INT8_MIN)).toBe(INT8_MIN);
    expect(await dbs.roundTrip(BigInteger(), d, 0)).toBe(0n);
  });
  it("without the column expression libsql cannot read 2^63-1 (why the CAST exists)", async () => {
    await expect(dbs.rawStored(BigInteger(), "sqlite", INT8_MAX)).rejects.toThrow(RangeError);
  });
});

describe("Boolean", () => {
  it("DDL and processors", () => {
    expect(Boolean().compileType(PG)).toBe("BOOLEAN");
    expect(Boolean().compileType(LITE)).toBe("BOOLEAN");
    expect(bind(Boolean(), "sqlite", true)).toBe(1);
    expect(bind(Boolean(), "sqlite", false)).toBe(0);
    expect(bind(Boolean(), "postgresql", 1)).toBe(true);
    expect(() => bind(Boolean(), "postgresql", "true")).toThrow('Boolean cannot bind string "true"');
    expect(result(Boolean(), "sqlite", 0)).toBe(false);
    expect(result(Boolean(), "sqlite", 1)).toBe(true);
    for (const [raw, v] of [["t", true], ["f", false], ["true", true], ["false", false], [true, true]] as const) {
      expect(result(Boolean(), "postgresql", raw)).toBe(v);
    }
    expect(() => result(Boolean(), "postgresql", "yes")).toThrow(ArgumentError);
  });
  it.each(["postgresql", "sqlite"] as const)("round trips on %s", async (d) => {
    expect(await dbs.roundTrip(Boolean(), d, true)).toBe(true);
    expect(await dbs.roundTrip(Boolean(), d, false)).toBe(false);
    expect(await dbs.roundTrip(Boolean(), d, null)).toBe(null);
  });
  it("SQLite stores 0/1", async () => {
    expect(await dbs.rawStored(Boolean(), "sqlite", true)).toBe(1);
  });
});

describe("Numeric", () => {
  it("DDL", () => {
    expect(Numeric(10, 2).compileType(PG)).toBe("NUMERIC(10, 2)");
    expect(Numeric(10, 2).compileType(LITE)).toBe("NUMERIC(10, 2)");
    expect(Numeric(10).compileType(PG)).toBe("NUMERIC(10)");
    expect(Numeric().compileType(PG)).toBe("NUMERIC");
    expect(Numeric(10, 2).cacheKey).toBe("NUMERIC(10, 2)");
    expect(() => Numeric(0)).toThrow(ArgumentError);
    expect(() => Numeric(5, 6)).toThrow(/scale must be an integer from 0 to 5/);
    expect(() => Numeric(undefined, 2)).toThrow("Numeric scale requires a precision");
  });
  it("PG bind: decimal text, numbers and bigints as text; junk rejected", () => {
    const t = Numeric();
    expect(bind(t, "postgresql", "-12.50")).toBe("-12.50");
    expect(bind(t, "postgresql", "1e3")).toBe("1e3");
    expect(bind(t, "postgresql", "NaN")).toBe("NaN");
    expect(bind(t, "postgresql", 1.25)).toBe("1.25");
    expect(bind(t, "postgresql", 10n ** 30n)).toBe("1000000000000000000000000000000");
    expect(() => bind(t, "postgresql", "12,5")).toThrow('Numeric cannot bind string "12,5": not a decimal literal');
    expect(() => bind(t, "postgresql", {})).toThrow("Numeric cannot bind object Object");
  });
  it("SQLite bind: a number when the double holds the digits exactly, LossyValueError otherwise", () => {
    const t = Numeric(30, 9);
    expect(bind(t, "sqlite", "12.50")).toBe(12.5);
    expect(bind(t, "sqlite", "0.1")).toBe(0.1);
    expect(bind(t, "sqlite", "123456789012.345")).toBe(123456789012.345);
    expect(() => bind(t, "sqlite", "12345678901234567890.123456789")).toThrow(LossyValueError);
    expect(() => bind(t, "sqlite", "0.12345678901234567")).toThrow(/without losing digits/);
    expect(() => bind(t, "sqlite", "9007199254740993")).toThrow(LossyValueError);
    expect(() => bind(t, "sqlite", 2 ** 60)).toThrow(LossyValueError);
    expect(() => bind(t, "sqlite", 2n ** 70n + 1n)).toThrow(LossyValueError);
    expect(bind(t, "sqlite", 2n ** 70n)).toBe(2 ** 70);
    expect(bind(t, "sqlite", 12n)).toBe(12);
    expect(() => bind(t, "sqlite", "NaN")).toThrow(ArgumentError);
    expect(() => bind(t, "sqlite", "12345678901234567890.123456789")).toThrow(ArgumentError);
  });
  it("SQLite result: formatted with the scale, or shortest form", () => {
    expect(result(Numeric(10, 2), "sqlite", 12.5)).toBe("12.50");
    expect(result(Numeric(10), "sqlite", 12)).toBe("12");
    expect(result(Numeric(), "sqlite", 0.1)).toBe("0.1");
    expect(result(Numeric(), "sqlite", 1e21)).toBe("1000000000000000000000");
    expect(result(Numeric(), "sqlite", 1.5e-7)).toBe("0.00000015");
    expect(result(Numeric(), "postgresql", 1e21)).toBe("1000000000000000000000");
  });
  it("keeps every digit on PostgreSQL", async () => {
    const big = "12345678901234567890.123456789";
    expect(await dbs.roundTrip(Numeric(40, 9), "postgresql", big)).toBe(big);
    expect(await dbs.roundTrip(Numeric(), "postgresql", "-0.000000000000000000001")).toBe("-0.000000000000000000001");
    expect(await dbs.roundTrip(Numeric(10, 2), "postgresql", "12.5")).toBe("12.50");
    expect(await dbs.roundTrip(Numeric(), "postgresql", "NaN")).toBe("NaN");
  });
  it("round trips on SQLite within a double's digits", async () => {
    expect(await dbs.roundTrip(Numeric(10, 2), "sqlite", "12.50")).toBe("12.50");
    expect(await dbs.roundTrip(Numeric(15, 3), "sqlite", "123456789012.345")).toBe("123456789012.345");
    expect(await dbs.roundTrip(Numeric(10, 2), "sqlite", "-7")).toBe("-7.00");
    expect(await dbs.roundTrip(Numeric(), "sqlite", "0.1")).toBe("0.1");
    await expect(dbs.roundTrip(Numeric(40, 9), "sqlite", "12345678901234567890.123456789")).rejects.toThrow(LossyValueError);
  });
});

describe("Float / Double", () => {
  it("DDL follows PostgreSQL's FLOAT(p) mapping", () => {
    expect(Float().compileType(PG)).toBe("DOUBLE PRECISION");
    expect(Float(24).compileType(PG)).toBe("REAL");
    expect(Float(25).compileType(PG)).toBe("DOUBLE PRECISION");
    expect(Float(10).compileType(LITE)).toBe("REAL");
    expect(Double().compileType(PG)).toBe("DOUBLE PRECISION");
    expect(Double().compileType(LITE)).toBe("DOUBLE");
    expect(Float(24).cacheKey).toBe("FLOAT(24)");
    expect(() => Float(54)).toThrow(ArgumentError);
  });
  it("processors", () => {
    expect(result(Float(), "postgresql", "NaN")).toBeNaN();
    expect(result(Float(), "postgresql", "-Infinity")).toBe(-Infinity);
    expect(result(Double(), "postgresql", "1.5")).toBe(1.5);
    expect(Float().resultProcessor("sqlite")).toBeUndefined();
    expect(() => bind(Float(), "sqlite", NaN)).toThrow("Float cannot bind number NaN: SQLite cannot store NaN or Infinity");
    expect(() => bind(Double(), "postgresql", "1.5")).toThrow('Double cannot bind string "1.5"');
    expect(bind(Float(), "postgresql", Infinity)).toBe(Infinity);
  });
  it.each(["postgresql", "sqlite"] as const)("round trips on %s", async (d) => {
    expect(await dbs.roundTrip(Double(), d, 0.1 + 0.2)).toBe(0.1 + 0.2);
    expect(await dbs.roundTrip(Float(), d, -1.5e300)).toBe(-1.5e300);
    expect(await dbs.roundTrip(Float(24), d, 0.5)).toBe(0.5);
  });
  it("PostgreSQL keeps NaN and Infinity", async () => {
    expect(await dbs.roundTrip(Double(), "postgresql", NaN)).toBeNaN();
    expect(await dbs.roundTrip(Double(), "postgresql", Infinity)).toBe(Infinity);
  });
});

/**
 * Literal rendering of each type (`literalBinds`, SQLAlchemy's `literal_processor()`), ported from
 * test/sql/test_types.py (`ArrayTest.test_array_literal_*`, `IntegerTest`, `EnumTest`,
 * `UserDefinedTest.test_typedecorator_literal_render*`) and the PostgreSQL / SQLite type tests:
 * the `TypeEngine.literalProcessor()` hooks, checked by running the rendered SQL on both databases.
 *
 * The hooks take the compiler's generic rendering as an argument; `plain` below stands in for it
 * (bind-process with the type, then quote strings and spell numbers and booleans).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ARRAY, ArgumentError, Boolean as BooleanT, Date as DateT, DateTime, Enum, Integer, LargeBinary, Numeric, String, Time, TypeDecorator,
  literal, select, type DialectName, type TypeEngine,
} from "../../../src/index.js";
import { LossyValueError } from "../../../src/sql/types/errors.js";
import { assertCompile } from "../compiler/helpers.js";
import { openDbs, type Dbs } from "./db.js";

function plainFor(dialect: DialectName) {
  return (value: unknown, type: TypeEngine<unknown>): string => {
    const p = type.bindProcessor(dialect);
    const v = p ? p(value) : value;
    if (typeof v === "string") return `'${v.replace(/'/g, "''")}'`;
    if (typeof v === "boolean") return dialect === "sqlite" ? (v ? "1" : "0") : v ? "true" : "false";
    return globalThis.String(v);
  };
}
const lit = (type: TypeEngine<unknown>, dialect: DialectName, value: unknown): string => type.literalProcessor(dialect, plainFor(dialect))(value);

describe("literalProcessor() per type", () => {
  it("test_array_literal_simple / complex: PostgreSQL ARRAY[…] with each element rendered by its type", () => {
    expect(lit(ARRAY(Integer), "postgresql", [1, 2, 3])).toBe("ARRAY[1, 2, 3]");
    expect(lit(ARRAY(String(), { dimensions: 2 }), "postgresql", [["one", "two"], ["thr'ee", "réve🐍 illé"]])).toBe(
      "ARRAY[ARRAY['one', 'two'], ARRAY['thr''ee', 'réve🐍 illé']]",
    );
    expect(lit(ARRAY(Integer), "postgresql", [1, null])).toBe("ARRAY[1, NULL]");
    expect(lit(ARRAY(Integer), "postgresql", [])).toBe("ARRAY[]::INTEGER[]");
    expect(() => lit(ARRAY(Integer), "postgresql", 5)).toThrow(new ArgumentError("ARRAY cannot bind number 5: expected an array"));
  });

  it("Numeric renders the decimal unquoted and as written; PostgreSQL's NaN is quoted", () => {
    expect(lit(Numeric(10, 2), "postgresql", "1.50")).toBe("1.50");
    expect(lit(Numeric(10, 2), "sqlite", "1.50")).toBe("1.50");
    expect(lit(Numeric(), "postgresql", 2.5)).toBe("2.5");
    expect(lit(Numeric(), "sqlite", 10n)).toBe("10");
    expect(lit(Numeric(), "postgresql", "NaN")).toBe("'NaN'");
    expect(() => lit(Numeric(), "postgresql", "1; DROP TABLE x")).toThrow('Numeric cannot bind string "1; DROP TABLE x": not a decimal literal');
    expect(() => lit(Numeric(), "sqlite", "12345678901234567890.5")).toThrow(LossyValueError);
  });

  it("DateTime on PostgreSQL: ISO text without the T, microseconds only when non-zero", () => {
    const d = new globalThis.Date(Date.UTC(2020, 0, 2, 3, 4, 5));
    expect(lit(DateTime(), "postgresql", d)).toBe("'2020-01-02 03:04:05'");
    expect(lit(DateTime(), "postgresql", new globalThis.Date(Date.UTC(2020, 0, 2, 3, 4, 5, 120)))).toBe("'2020-01-02 03:04:05.120000'");
    expect(lit(DateTime({ timezone: true }), "postgresql", d)).toBe("'2020-01-02 03:04:05+00:00'");
    expect(lit(DateTime({ mode: "string", precision: 6 }), "postgresql", "2020-01-02 03:04:05.000001")).toBe("'2020-01-02 03:04:05.000001'");
    // SQLite: the stored form, so comparisons with stored text line up
    expect(lit(DateTime(), "sqlite", d)).toBe("'2020-01-02 03:04:05.000'");
  });

  it("Date, Time, String, Boolean, Enum and Integer keep the generic rendering", () => {
    expect(lit(DateT(), "postgresql", new globalThis.Date(Date.UTC(2020, 0, 2)))).toBe("'2020-01-02'");
    expect(lit(Time(), "sqlite", "12:30:00")).toBe("'12:30:00'");
    expect(lit(String(), "postgresql", "it's")).toBe("'it''s'");
    expect(lit(BooleanT(), "sqlite", true)).toBe("1");
    expect(lit(Enum(["one", "two"]), "postgresql", "one")).toBe("'one'");
    expect(lit(Integer(), "postgresql", 5)).toBe("5");
  });

  it("a TypeDecorator's literal goes through processLiteralParam (or processBindParam) and then the impl's literal", () => {
    class Nums extends TypeDecorator<number[]> {
      override readonly impl = ARRAY(Integer);
      override readonly cacheOk = true;
      override processBindParam(v: number[]) {
        return v.map((x) => x * 2);
      }
    }
    expect(lit(new Nums(), "postgresql", [1, 2])).toBe("ARRAY[2, 4]");
  });
});

describe("literalBinds compile output that already matches SQLAlchemy", () => {
  it("strings, integers, booleans and dates", () => {
    assertCompile(select(literal("it's", String())), "SELECT 'it''s' AS anon_1", { literalBinds: true });
    assertCompile(select(literal(5, Integer())), "SELECT 5 AS anon_1", { literalBinds: true });
    assertCompile(select(literal(true, BooleanT())), "SELECT 1 AS anon_1", { literalBinds: true, dialect: "sqlite" });
    assertCompile(select(literal(new globalThis.Date(Date.UTC(2020, 0, 2)), DateT())), "SELECT '2020-01-02' AS anon_1", { literalBinds: true, dialect: "postgresql" });
  });

  it("an Enum validates values rendered inline", () => {
    expect(() => select(literal("three" as "one", Enum(["one", "two"]))).compile({ literalBinds: true })).toThrow(
      `Enum cannot bind string "three": allowed values are 'one', 'two'`,
    );
  });

  it("bytes: X'…' on SQLite, '\\x…'::bytea on PostgreSQL", () => {
    assertCompile(select(literal(new Uint8Array([1, 255]), LargeBinary())), "SELECT X'01ff' AS anon_1", { literalBinds: true, dialect: "sqlite" });
    assertCompile(select(literal(new Uint8Array([1, 255]), LargeBinary())), "SELECT '\\x01ff'::bytea AS anon_1", { literalBinds: true, dialect: "postgresql" });
  });
});

describe("rendered literals are valid SQL with the right value on the real databases", () => {
  let dbs: Dbs;
  beforeAll(() => {
    dbs = openDbs("sa5a_lit");
  });
  afterAll(() => dbs.close());

  it("PostgreSQL reads back ARRAY, Numeric and DateTime literals", async () => {
    const sql =
      `SELECT ${lit(ARRAY(String(), { dimensions: 2 }), "postgresql", [["one", "two"], ["thr'ee", null]])}::text AS a, ` +
      `${lit(Numeric(10, 2), "postgresql", "1.50")}::text AS n, ` +
      `(${lit(DateTime(), "postgresql", new globalThis.Date(Date.UTC(2020, 0, 2, 3, 4, 5, 120)))})::timestamp::text AS ts, ` +
      `${lit(ARRAY(Integer), "postgresql", [])}::text AS e`;
    const [row] = await dbs.pg.unsafe(sql);
    expect(row).toEqual({ a: `{{one,two},{thr'ee,NULL}}`, n: "1.50", ts: "2020-01-02 03:04:05.12", e: "{}" });
  });

  it("SQLite reads back Numeric and DateTime literals", async () => {
    const rs = await dbs.lite.execute(`SELECT ${lit(Numeric(10, 2), "sqlite", "1.50")} AS n, ${lit(DateTime(), "sqlite", new globalThis.Date(Date.UTC(2020, 0, 2)))} AS ts`);
    expect([rs.rows[0]!.n, rs.rows[0]!.ts]).toEqual([1.5, "2020-01-02 00:00:00.000"]);
  });

  it("a text() statement over the same literal finds the stored DateTime row on SQLite", async () => {
    await dbs.lite.execute("CREATE TABLE sa5a_lit_dt (v DATETIME)");
    const d = new globalThis.Date(Date.UTC(2021, 5, 7, 8, 9, 10, 11));
    await dbs.lite.execute({ sql: "INSERT INTO sa5a_lit_dt VALUES (?)", args: [DateTime().bindProcessor("sqlite")!(d) as string] });
    const rs = await dbs.lite.execute(`SELECT count(*) AS c FROM sa5a_lit_dt WHERE v = ${lit(DateTime(), "sqlite", d)}`);
    expect(rs.rows[0]!.c).toBe(1);
  });
});

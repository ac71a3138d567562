import { afterAll, describe, expect, it } from "vitest";
import { ArgumentError, CompileError } from "../../../src/errors.js";
import {
  ARRAY,
  BigInteger,
  Boolean,
  Date as DateT,
  DateTime,
  Enum,
  Integer,
  JSON as JSONT,
  JSONB,
  LargeBinary,
  Numeric,
  String,
  Text,
  Uuid,
  parseArrayLiteral,
  serializeArrayLiteral,
} from "../../../src/sql/types/index.js";
import { LITE, PG, bind, openDbs, result } from "./db.js";

const dbs = openDbs("jsa");
afterAll(() => dbs.close());

const doc = { a: 1, b: [true, null, "x\"y"], c: { d: { e: "ünï" } }, f: 1.5 };

describe("JSON / JSONB", () => {
  it("DDL and expressions", () => {
    expect(JSONT().compileType(PG)).toBe("JSON");
    expect(JSONT().compileType(LITE)).toBe("JSON");
    expect(JSONB().compileType(PG)).toBe("JSONB");
    expect(() => JSONB().compileType(LITE)).toThrow(new CompileError("JSONB is PostgreSQL-only; use JSON on sqlite"));
    expect(JSONT().bindExpression("postgresql", "$1")).toBe("CAST(CAST($1 AS TEXT) AS JSON)");
    expect(JSONB().bindExpression("postgresql", "$2")).toBe("CAST(CAST($2 AS TEXT) AS JSONB)");
    expect(JSONT().bindExpression("sqlite", "?")).toBeUndefined();
    expect(JSONT().columnExpression("postgresql", "t.doc")).toBe("CAST(t.doc AS TEXT)");
    expect(JSONT().columnExpression("sqlite", "t.doc")).toBeUndefined();
  });
  it("processors", () => {
    expect(bind(JSONT(), "postgresql", doc)).toBe(globalThis.JSON.stringify(doc));
    expect(bind(JSONT(), "sqlite", "s")).toBe('"s"');
    expect(bind(JSONT(), "sqlite", null)).toBe(null);
    expect(() => bind(JSONT(), "sqlite", 1n)).toThrow(/^JSON cannot bind bigint 1n: /);
    expect(() => bind(JSONB(), "postgresql", () => 1)).toThrow("JSONB cannot bind function: not representable as JSON");
    expect(result(JSONT(), "postgresql", { a: 1 })).toEqual({ a: 1 });
    expect(result(JSONT(), "postgresql", '"s"')).toBe("s");
    expect(result(JSONT(), "sqlite", "[1,2]")).toEqual([1, 2]);
    expect(result(JSONT(), "sqlite", 5)).toBe(5);
    expect(() => result(JSONT(), "sqlite", "{nope")).toThrow(ArgumentError);
  });
  it.each([
    ["postgresql", JSONT()],
    ["postgresql", JSONB()],
    ["sqlite", JSONT()],
  ] as const)("nested objects, strings, numbers, arrays round trip on %s %s", async (d, t) => {
    expect(await dbs.roundTrip(t, d, doc)).toEqual(doc);
    expect(await dbs.roundTrip(t, d, "just a string")).toBe("just a string");
    expect(await dbs.roundTrip(t, d, '{"looks":"like json"}')).toBe('{"looks":"like json"}');
    expect(await dbs.roundTrip(t, d, "123")).toBe("123");
    expect(await dbs.roundTrip(t, d, 42)).toBe(42);
    expect(await dbs.roundTrip(t, d, [1, "two", null])).toEqual([1, "two", null]);
    expect(await dbs.roundTrip(t, d, false)).toBe(false);
    expect(await dbs.roundTrip(t, d, null)).toBe(null);
  });
  it("a JSON string value is stored as a JSON string, not double-encoded (why the bind cast exists)", async () => {
    await dbs.pg.unsafe("CREATE TEMP TABLE types_jsa_str (v JSON)");
    await dbs.pg.unsafe(`INSERT INTO types_jsa_str VALUES (${JSONT().bindExpression("postgresql", "$1")})`, [
      bind(JSONT(), "postgresql", "s") as string,
    ]);
    const rows = await dbs.pg.unsafe("SELECT json_typeof(v), CAST(v AS TEXT) FROM types_jsa_str").values();
    expect(rows[0]).toEqual(["string", '"s"']);
    // Without the cast postgres.js JSON.stringify-s the already encoded text a second time.
    await dbs.pg.unsafe("INSERT INTO types_jsa_str VALUES ($1)", [bind(JSONT(), "postgresql", "s") as string]);
    const both = await dbs.pg.unsafe("SELECT CAST(v AS TEXT) FROM types_jsa_str ORDER BY 1").values();
    expect(both.map((r) => r[0])).toEqual(['"\\"s\\""', '"s"']);
  });
});

describe("array literals", () => {
  it("serializes with quoting of NULL, quotes, backslashes, commas, braces", () => {
    const always = () => false;
    expect(serializeArrayLiteral([], always)).toBe("{}");
    expect(serializeArrayLiteral(["a,b", null, 'q"', "back\\slash", "{x}", "NULL", " "], always)).toBe(
      '{"a,b",NULL,"q\\"","back\\\\slash","{x}","NULL"," "}',
    );
    expect(serializeArrayLiteral([[1, 2], [3, null]], (v) => Array.isArray(v))).toBe('{{"1","2"},{"3",NULL}}');
    expect(serializeArrayLiteral([true, 5n, new Uint8Array([1, 255])], always)).toBe('{"t","5","\\\\x01ff"}');
  });
  it("parses quoted, unquoted, nested and decorated literals", () => {
    expect(parseArrayLiteral("{}")).toEqual([]);
    expect(parseArrayLiteral("{1,2,NULL,null}")).toEqual(["1", "2", null, null]);
    expect(parseArrayLiteral('{"a,b","NULL","q\\"x","b\\\\s",plain}')).toEqual(["a,b", "NULL", 'q"x', "b\\s", "plain"]);
    expect(parseArrayLiteral("{{1,2},{3,4}}")).toEqual([["1", "2"], ["3", "4"]]);
    expect(parseArrayLiteral("{ a b , c\\ }")).toEqual(["a b", "c "]);
    expect(parseArrayLiteral("[0:1]={7,8}")).toEqual(["7", "8"]);
    expect(parseArrayLiteral('{"",""}')).toEqual(["", ""]);
    expect(parseArrayLiteral("{{},{}}")).toEqual([[], []]);
    for (const bad of ["", "{", "{1,}", '{"a}', "{1}x", "{a{b}}", "1,2"]) {
      expect(() => parseArrayLiteral(bad)).toThrow(ArgumentError);
    }
  });
  it("serialize then parse is the identity on strings", () => {
    const values = ["", " lead", "trail ", "a,b", "{}", '"', "\\", "NULL", "null", "x\ny", "é\u{1F600}"];
    expect(parseArrayLiteral(serializeArrayLiteral(values, () => false))).toEqual(values);
  });
});

describe("ARRAY", () => {
  it("DDL", () => {
    expect(ARRAY(Integer).compileType(PG)).toBe("INTEGER[]");
    expect(ARRAY(String(20), { dimensions: 2 }).compileType(PG)).toBe("VARCHAR(20)[][]");
    expect(ARRAY(Integer).cacheKey).toBe("ARRAY(INTEGER, *)");
    expect(() => ARRAY(Integer).compileType(LITE)).toThrow(new CompileError("ARRAY is PostgreSQL-only; sqlite has no array type"));
    expect(() => ARRAY(ARRAY(Integer))).toThrow(ArgumentError);
    expect(ARRAY(Integer).columnExpression("postgresql", "t.xs")).toBe("CAST(t.xs AS TEXT)");
  });
  it("bind applies the item processor then builds the literal", () => {
    expect(bind(ARRAY(Integer), "postgresql", [1, null, 3])).toBe('{"1",NULL,"3"}');
    expect(bind(ARRAY(BigInteger), "postgresql", [2n ** 63n - 1n])).toBe('{"9223372036854775807"}');
    expect(bind(ARRAY(JSONT()), "postgresql", [{ a: "b" }, [1]])).toBe('{"{\\"a\\":\\"b\\"}","[1]"}');
    expect(() => bind(ARRAY(Integer), "postgresql", ["x"])).toThrow('Integer cannot bind string "x"');
    expect(() => bind(ARRAY(Integer), "postgresql", 1)).toThrow("ARRAY cannot bind number 1: expected an array");
  });
  it("result accepts literal text and JS arrays", () => {
    expect(result(ARRAY(Integer), "postgresql", "{1,NULL,3}")).toEqual([1, null, 3]);
    expect(result(ARRAY(Integer), "postgresql", [1, null, 3])).toEqual([1, null, 3]);
    expect(result(ARRAY(BigInteger), "postgresql", ["1"])).toEqual([1n]);
    expect(result(ARRAY(JSONT()), "postgresql", [[1, 2]])).toEqual([[1, 2]]);
    expect(result(ARRAY(Text), "postgresql", null)).toBe(null);
  });
  const cases: [string, Parameters<typeof ARRAY>[0], unknown[]][] = [
    ["text with NULLs, quotes, commas", Text, ["a,b", null, 'q"x', "NULL", "back\\slash", "{}", " sp ", ""]],
    ["integers", Integer, [1, null, -3]],
    ["bigints", BigInteger, [2n ** 63n - 1n, null]],
    ["numerics", Numeric(), ["12345678901234567890.123456789", null, "NaN"]],
    ["booleans", Boolean, [true, false, null]],
    ["dates", DateT, [new Date(Date.UTC(2024, 0, 1)), null]],
    ["timestamps", DateTime({ timezone: true }), [new Date(Date.UTC(2024, 0, 1, 5, 6, 7, 890))]],
    ["bytea", LargeBinary, [new Uint8Array([0, 34, 44, 92, 123, 255]), null]],
    ["json", JSONT(), [{ a: [1, "x,\"y"] }, "str", null, [1, 2]]],
    ["uuid", Uuid, ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"]],
    ["enum", Enum(["a b", "c,d"] as const), ["c,d", "a b"]],
    ["empty", Integer, []],
  ];
  it.each(cases)("round trips %s on PostgreSQL", async (_label, item, value) => {
    expect(await dbs.roundTrip(ARRAY(item), "postgresql", value)).toEqual(value);
  });
  it("two-dimensional arrays round trip", async () => {
    const t = ARRAY(Integer, { dimensions: 2 });
    expect(await dbs.roundTrip(t, "postgresql", [[1, 2], [3, null]])).toEqual([[1, 2], [3, null]]);
    expect(await dbs.roundTrip(ARRAY(String(), { dimensions: 2 }), "postgresql", [["{", "}"], ['"', ","]])).toEqual([
      ["{", "}"],
      ['"', ","],
    ]);
  });
  it("postgres.js parses NULL in text arrays as 'NULL' (why the column expression exists)", async () => {
    expect(await dbs.rawStored(ARRAY(Text), "postgresql", ["x", null])).toEqual(["x", "NULL"]);
  });
});

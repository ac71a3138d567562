import { describe, expect, expectTypeOf, it } from "vitest";
import { NULLTYPE, toType, type JsTypeOf, type TypeArg } from "../../../src/sql/type-api.js";
import {
  ARRAY,
  BigInteger,
  BigIntegerType,
  Boolean,
  BooleanType,
  Date as DateT,
  DateTime,
  DateTimeType,
  Double,
  Enum,
  Float,
  FloatType,
  Integer,
  IntegerType,
  Interval,
  JSON as JSONT,
  JSONB,
  JSONType,
  LargeBinary,
  LargeBinaryType,
  Numeric,
  SmallInteger,
  String,
  StringType,
  Text,
  Time,
  Uuid,
  typeFromJsValue,
} from "../../../src/sql/types/index.js";

/** What a column API accepting a TypeArg would infer. */
const js = <A extends TypeArg>(_a: A): JsTypeOf<A> => undefined as JsTypeOf<A>;

describe("factories", () => {
  it("work bare or called, and share instances when parameterless", () => {
    expect(toType(Integer)).toBe(Integer());
    expect(toType(String)).toBe(String());
    expect(toType(String(30))).toBeInstanceOf(StringType);
    expect(String(30)).not.toBe(String(30));
    expect(toType(DateTime)).toBeInstanceOf(DateTimeType);
    expect(toType(JSONT)).toBe(JSONT());
    expect(Numeric(10, 2).scale).toBe(2);
    expect(DateTime({ timezone: true }).timezone).toBe(true);
  });
  it("carry the JS type", () => {
    expectTypeOf(js(Integer)).toEqualTypeOf<number>();
    expectTypeOf(js(SmallInteger())).toEqualTypeOf<number>();
    expectTypeOf(js(BigInteger)).toEqualTypeOf<bigint>();
    expectTypeOf(js(String)).toEqualTypeOf<string>();
    expectTypeOf(js(String(30))).toEqualTypeOf<string>();
    expectTypeOf(js(Text)).toEqualTypeOf<string>();
    expectTypeOf(js(Boolean)).toEqualTypeOf<boolean>();
    expectTypeOf(js(Numeric(10, 2))).toEqualTypeOf<string>();
    expectTypeOf(js(Float)).toEqualTypeOf<number>();
    expectTypeOf(js(Double())).toEqualTypeOf<number>();
    expectTypeOf(js(DateT)).toEqualTypeOf<Date>();
    expectTypeOf(js(DateTime)).toEqualTypeOf<Date>();
    expectTypeOf(js(DateTime({ timezone: true }))).toEqualTypeOf<Date>();
    expectTypeOf(js(DateTime({ mode: "string" }))).toEqualTypeOf<string>();
    expectTypeOf(js(Time)).toEqualTypeOf<string>();
    expectTypeOf(js(Interval)).toEqualTypeOf<string>();
    expectTypeOf(js(JSONT)).toEqualTypeOf<unknown>();
    expectTypeOf(js(JSONT<{ a: number }>())).toEqualTypeOf<{ a: number }>();
    expectTypeOf(js(JSONB<string[]>())).toEqualTypeOf<string[]>();
    expectTypeOf(js(Uuid)).toEqualTypeOf<string>();
    expectTypeOf(js(Enum(["a", "b"]))).toEqualTypeOf<"a" | "b">();
    expectTypeOf(js(LargeBinary)).toEqualTypeOf<Uint8Array>();
    expectTypeOf(js(ARRAY(Integer))).toEqualTypeOf<number[]>();
    expectTypeOf(js(ARRAY(String(5), { dimensions: 2 }))).toEqualTypeOf<string[][]>();
    expectTypeOf(js(ARRAY(BigInteger()))).toEqualTypeOf<bigint[]>();
  });
});

describe("typeFromJsValue", () => {
  it("follows SQLAlchemy's _resolve_value_to_type", () => {
    expect(typeFromJsValue(5)).toBeInstanceOf(IntegerType);
    expect(typeFromJsValue(2 ** 60)).toBeInstanceOf(FloatType);
    expect(typeFromJsValue(1.5)).toBeInstanceOf(FloatType);
    expect(typeFromJsValue(5n)).toBeInstanceOf(BigIntegerType);
    expect(typeFromJsValue("x")).toBeInstanceOf(StringType);
    expect(typeFromJsValue(true)).toBeInstanceOf(BooleanType);
    expect(typeFromJsValue(new Date())).toBeInstanceOf(DateTimeType);
    expect(typeFromJsValue(new Uint8Array(1))).toBeInstanceOf(LargeBinaryType);
    expect(typeFromJsValue([1])).toBeInstanceOf(JSONType);
    expect(typeFromJsValue({ a: 1 })).toBeInstanceOf(JSONType);
    expect(typeFromJsValue(null)).toBe(NULLTYPE);
    expect(typeFromJsValue(undefined)).toBe(NULLTYPE);
    expect(typeFromJsValue(5)).toBe(typeFromJsValue(6));
  });
});

describe("processors", () => {
  it("are built once per dialect and undefined for pass-through", () => {
    const t = Integer();
    expect(t.bindProcessor("sqlite")).toBe(t.bindProcessor("sqlite"));
    expect(t.resultProcessor("sqlite")).toBeUndefined();
    expect(String().resultProcessor("sqlite")).toBeUndefined();
    expect(Time().resultProcessor("postgresql")).toBeUndefined();
  });
  it("pass null and undefined through as null", () => {
    const types = [Integer(), BigInteger(), String(), Boolean(), Numeric(5, 2), Float(), DateT(), DateTime(), DateTime({ mode: "string" }),
      Time(), Interval(), JSONT(), Uuid(), Enum(["a"]), LargeBinary(), ARRAY(Integer)];
    for (const t of types) {
      for (const d of ["postgresql", "sqlite"] as const) {
        for (const p of [t.bindProcessor(d), t.resultProcessor(d)]) {
          if (p) {
            expect(p(null)).toBe(null);
            expect(p(undefined)).toBe(null);
          }
        }
      }
    }
  });
});

/**
 * Integer types: `Integer`, `SmallInteger` (JS `number`) and `BigInteger` (JS `bigint`).
 * Follows SQLAlchemy's `Integer`, `SmallInteger`, `BigInteger`.
 * @module
 */
import type { DialectName } from "../../engine/driver/contract.js";
import { TypeEngine, type BindProcessor, type ResultProcessor, type TypeCompileTarget } from "../type-api.js";
import { cannotBind, cannotRead } from "./errors.js";

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;
const INT8_MAX = 9223372036854775807n;
const INT8_MIN = -9223372036854775808n;

function numberBinder(name: string): BindProcessor {
  return (v) => {
    if (v == null) return null;
    if (typeof v === "number") {
      if (Number.isInteger(v)) return v;
      throw cannotBind(name, v, "not an integer");
    }
    if (typeof v === "bigint") {
      if (v >= MIN_SAFE && v <= MAX_SAFE) return Number(v);
      throw cannotBind(name, v, "outside the safe integer range (use BigInteger)");
    }
    throw cannotBind(name, v);
  };
}

/** Text drivers (Neon HTTP, PGlite in text mode) return int2/int4 as strings. */
const pgIntResult: ResultProcessor = (v) => (v == null ? null : typeof v === "number" ? v : Number(v));

/**
 * 32-bit integer as a JS `number`. DDL: `INTEGER` on both dialects.
 *
 * Bind: accepts integral numbers and `bigint`s within ±(2^53-1); anything else raises
 * `ArgumentError` (`Integer cannot bind string "abc"`). Result: PostgreSQL drivers return a number
 * (postgres.js) or its text (text-mode drivers); both become a number. SQLite passes through.
 */
export class IntegerType extends TypeEngine<number> {
  readonly affinity = "integer" as const;
  /** Name used in error messages. */
  protected readonly typeName: string = "Integer";
  get cacheKey(): string {
    return "INTEGER";
  }
  compileType(_dialect: TypeCompileTarget): string {
    return "INTEGER";
  }
  protected override makeBindProcessor(): BindProcessor {
    return numberBinder(this.typeName);
  }
  protected override makeResultProcessor(dialect: DialectName): ResultProcessor | undefined {
    return dialect === "postgresql" ? pgIntResult : undefined;
  }
}

/** 16-bit integer as a JS `number`. DDL: PostgreSQL `SMALLINT`, SQLite `INTEGER`. */
export class SmallIntegerType extends IntegerType {
  protected override readonly typeName: string = "SmallInteger";
  override get cacheKey(): string {
    return "SMALLINT";
  }
  override compileType(dialect: TypeCompileTarget): string {
    return dialect.name === "postgresql" ? "SMALLINT" : "INTEGER";
  }
}

/**
 * 64-bit integer as a JS `bigint`, exact over the whole int8 range.
 *
 * DDL: PostgreSQL `BIGINT`, SQLite `INTEGER`. PostgreSQL: bound as its decimal string (drivers
 * send int8 as text), read back with `BigInt()` from the string postgres.js returns.
 * SQLite: @libsql/client throws `RangeError` for integers beyond 2^53 in its default
 * `intMode: "number"`, so {@link columnExpression} selects `CAST(x AS TEXT)` and the result
 * processor turns that text into a `bigint`; binds are sent as `bigint`, which libsql accepts.
 * Bind accepts a `bigint` in the int8 range or a safe-integer `number`.
 */
export class BigIntegerType extends TypeEngine<bigint> {
  readonly affinity = "integer" as const;
  get cacheKey(): string {
    return "BIGINT";
  }
  compileType(dialect: TypeCompileTarget): string {
    return dialect.name === "postgresql" ? "BIGINT" : "INTEGER";
  }
  override columnExpression(dialect: DialectName, sql: string): string | undefined {
    return dialect === "sqlite" ? `CAST(${sql} AS TEXT)` : undefined;
  }
  protected override makeBindProcessor(dialect: DialectName): BindProcessor {
    const asText = dialect === "postgresql";
    return (v) => {
      if (v == null) return null;
      let b: bigint;
      if (typeof v === "bigint") b = v;
      else if (typeof v === "number" && Number.isSafeInteger(v)) b = BigInt(v);
      else throw cannotBind("BigInteger", v, typeof v === "number" ? "not a safe integer (pass a bigint)" : undefined);
      if (b < INT8_MIN || b > INT8_MAX) throw cannotBind("BigInteger", v, "outside the 64-bit integer range");
      return asText ? b.toString() : b;
    };
  }
  protected override makeResultProcessor(): ResultProcessor {
    return (v) => {
      if (v == null) return null;
      if (typeof v === "bigint") return v;
      if (typeof v === "string" || (typeof v === "number" && Number.isInteger(v))) return BigInt(v);
      throw cannotRead("BigInteger", v);
    };
  }
}

const INTEGER = /* @__PURE__ */ new IntegerType();
const SMALLINT = /* @__PURE__ */ new SmallIntegerType();
const BIGINT = /* @__PURE__ */ new BigIntegerType();

/** SQLAlchemy `Integer`: use bare (`Integer`) or called (`Integer()`); returns a shared instance. */
export const Integer = (): IntegerType => INTEGER;
/** SQLAlchemy `SmallInteger`. */
export const SmallInteger = (): SmallIntegerType => SMALLINT;
/** SQLAlchemy `BigInteger` (JS `bigint`). */
export const BigInteger = (): BigIntegerType => BIGINT;

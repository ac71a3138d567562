/**
 * Fixed- and floating-point types: `Numeric(precision?, scale?)` (decimal kept as a JS `string`),
 * `Float(precision?)` and `Double` (JS `number`). Follows SQLAlchemy's `Numeric(asdecimal=True)`
 * with JS strings standing in for Python's `Decimal`, `Float` and `Double`.
 * @module
 */
import type { DialectName } from "../../engine/driver/contract.js";
import { ArgumentError } from "../../errors.js";
import {
  TypeEngine,
  type BindProcessor,
  type LiteralProcessor,
  type LiteralRenderer,
  type ResultProcessor,
  type TypeCompileTarget,
} from "../type-api.js";
import { DECIMAL_LITERAL, fitsDouble, formatDouble, plainDecimal } from "./decimal.js";
import { LossyValueError, cannotBind, cannotRead, describeValue } from "./errors.js";

const PG_SPECIAL = /^(?:NaN|[+-]?Infinity)$/;
const TWO_53 = 2 ** 53;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Options checked by both `Numeric` and `Float`. */
function checkInt(name: string, what: string, v: number | undefined, min: number, max: number): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= max)) {
    throw new ArgumentError(`${name} ${what} must be an integer from ${min} to ${max}, got ${String(v)}`);
  }
}

/** Options of {@link Numeric}. */
export interface NumericOptions {
  /**
   * Return values as decimal strings (default true, SQLAlchemy's `asdecimal=True` with strings
   * standing in for `Decimal`) or, when false, as JS numbers (`asdecimal=False`, which returns
   * floats): `Numeric(10, 2, { asDecimal: false })`.
   */
  readonly asDecimal?: boolean;
  /**
   * Decimals kept in SQLite results, which arrive as doubles (SQLAlchemy's
   * `decimal_return_scale`); default: the scale. PostgreSQL returns the stored decimal as is.
   */
  readonly decimalReturnScale?: number;
}

/** `asDecimal: false` results: what the driver returned, as a JS number. */
const numberResults: ResultProcessor = (v) => {
  if (v == null) return null;
  if (typeof v === "number") return v;
  if (typeof v === "string" || typeof v === "bigint") return Number(v);
  throw cannotRead("Numeric", v);
};

/**
 * Exact decimal, JS `string` (e.g. `"12345678901234567890.123456789"`), so no digit is lost.
 * DDL: `NUMERIC(p, s)`, `NUMERIC(p)` or `NUMERIC` on both dialects.
 *
 * Bind accepts a decimal-literal string (`"-1.5"`, `"2e3"`; on PostgreSQL also `"NaN"`,
 * `"Infinity"`, `"-Infinity"`), a `number` or a `bigint`; other values raise `ArgumentError`.
 *
 * PostgreSQL stores the exact decimal: binds are sent as text and drivers return numeric as text
 * (a number from another driver is turned into its shortest decimal text).
 *
 * SQLite has no decimal type: a column declared `NUMERIC(p, s)` has NUMERIC affinity and stores
 * numeric text as a REAL (an IEEE-754 double, 15–17 significant digits) or an INTEGER. So on
 * SQLite a value is bound as a JS number, and the bind raises {@link LossyValueError} when the
 * double would not print back as the same decimal (too many significant digits, out of range),
 * or when it is an integer beyond 2^53 (SQLite would store it as an INTEGER that
 * @libsql/client refuses to read into a number). Results (numbers) are formatted back to text
 * with `scale` decimals (`NUMERIC(p)` means scale 0, as in PostgreSQL), or in shortest form
 * when no precision is declared. Digits beyond `scale` are rounded on read, as PostgreSQL rounds
 * them on write. Use PostgreSQL, or `String`, when more than 15 significant digits matter.
 * @throws ArgumentError for a precision outside 1–1000, a scale outside 0–precision, or a scale
 * without a precision.
 */
export class NumericType<T extends string | number = string> extends TypeEngine<T> {
  readonly affinity = "numeric" as const;
  readonly precision: number | undefined;
  readonly scale: number | undefined;
  /** Results as decimal strings (true, the default) or JS numbers ({@link NumericOptions.asDecimal}). */
  readonly asDecimal: boolean;
  /** Decimals of SQLite results ({@link NumericOptions.decimalReturnScale}). */
  readonly decimalReturnScale: number | undefined;
  constructor(precision?: number, scale?: number, options: NumericOptions = {}) {
    super();
    checkInt("Numeric", "precision", precision, 1, 1000);
    if (scale !== undefined && precision === undefined) throw new ArgumentError("Numeric scale requires a precision");
    checkInt("Numeric", "scale", scale, 0, precision ?? 0);
    checkInt("Numeric", "decimalReturnScale", options.decimalReturnScale, 0, 1000);
    this.precision = precision;
    this.scale = scale;
    this.asDecimal = options.asDecimal ?? true;
    this.decimalReturnScale = options.decimalReturnScale;
  }
  get cacheKey(): string {
    const opts = (this.asDecimal ? "" : " AS FLOAT") + (this.decimalReturnScale === undefined ? "" : ` RETURN SCALE ${this.decimalReturnScale}`);
    return this.ddl() + opts;
  }
  private ddl(): string {
    if (this.precision === undefined) return "NUMERIC";
    return this.scale === undefined ? `NUMERIC(${this.precision})` : `NUMERIC(${this.precision}, ${this.scale})`;
  }
  compileType(_dialect: TypeCompileTarget): string {
    return this.ddl();
  }
  /**
   * The decimal unquoted, as written (SQLAlchemy renders `str(Decimal)`: `1.50` stays `1.50`),
   * after the bind checks. PostgreSQL's `NaN` / `Infinity` are quoted, as they are not numbers
   * in SQL syntax.
   */
  override literalProcessor(dialect: DialectName, _render: LiteralRenderer): LiteralProcessor {
    const check = this.bindProcessor(dialect)!;
    return (v) => {
      const bound = check(v);
      if (typeof v === "string") return PG_SPECIAL.test(v) ? `'${v}'` : v;
      return typeof bound === "number" ? formatDouble(bound, undefined) : String(bound);
    };
  }

  protected override makeBindProcessor(dialect: DialectName): BindProcessor | undefined {
    if (dialect === "postgresql") {
      return (v) => {
        if (v == null) return null;
        if (typeof v === "string") {
          if (DECIMAL_LITERAL.test(v) || PG_SPECIAL.test(v)) return v;
          throw cannotBind("Numeric", v, "not a decimal literal");
        }
        if (typeof v === "number" || typeof v === "bigint") return String(v);
        throw cannotBind("Numeric", v);
      };
    }
    return (v) => {
      if (v == null) return null;
      let n: number;
      if (typeof v === "string") {
        if (!DECIMAL_LITERAL.test(v)) throw cannotBind("Numeric", v, "not a decimal literal");
        if (!fitsDouble(v)) throw lossy(v);
        n = Number(v);
      } else if (typeof v === "number") {
        if (!Number.isFinite(v)) throw cannotBind("Numeric", v, "SQLite cannot store NaN or Infinity");
        n = v;
      } else if (typeof v === "bigint") {
        n = Number(v);
        if (BigInt(n) !== v) throw lossy(v);
      } else {
        throw cannotBind("Numeric", v);
      }
      if (Number.isInteger(n) && Math.abs(n) >= TWO_53 && Math.abs(n) < 2 ** 63) throw lossy(v);
      return n;
    };
  }
  protected override makeResultProcessor(dialect: DialectName): ResultProcessor {
    return this.asDecimal ? this.decimalResults(dialect) : numberResults;
  }
  private decimalResults(dialect: DialectName): ResultProcessor {
    if (dialect === "postgresql") {
      return (v) => {
        if (v == null) return null;
        if (typeof v === "string") return v;
        if (typeof v === "number") return plainDecimal(String(v));
        if (typeof v === "bigint") return v.toString();
        throw cannotRead("Numeric", v);
      };
    }
    const scale = this.decimalReturnScale ?? this.scale ?? (this.precision === undefined ? undefined : 0);
    return (v) => {
      if (v == null) return null;
      if (typeof v === "number") return formatDouble(v, scale);
      if (typeof v === "string") return v;
      if (typeof v === "bigint") return v.toString();
      throw cannotRead("Numeric", v);
    };
  }
}

function lossy(v: unknown): LossyValueError {
  return new LossyValueError(
    `Numeric cannot bind ${describeValue(v)} on SQLite without losing digits: SQLite stores NUMERIC ` +
      "values as a REAL double (15-17 significant digits) or a 53-bit-safe integer",
  );
}

/**
 * Floating point, JS `number`. DDL on PostgreSQL: `REAL` for precision 1–24, otherwise (and
 * without precision) `DOUBLE PRECISION`, the mapping PostgreSQL applies to `FLOAT(p)`.
 * SQLite: `REAL`.
 *
 * Bind accepts numbers (and safe-integer `bigint`s). SQLite cannot store NaN (it becomes NULL) and
 * @libsql/client refuses non-finite numbers, so NaN/±Infinity raise `ArgumentError` there.
 * PostgreSQL results: a number, or text including `NaN`, `Infinity`, `-Infinity`.
 * @throws ArgumentError for a precision outside 1–53.
 */
export class FloatType extends TypeEngine<number> {
  readonly affinity = "float" as const;
  readonly precision: number | undefined;
  /** Name used in error messages. */
  protected readonly typeName: string = "Float";
  constructor(precision?: number) {
    super();
    checkInt("Float", "precision", precision, 1, 53);
    this.precision = precision;
  }
  get cacheKey(): string {
    return this.precision === undefined ? "FLOAT" : `FLOAT(${this.precision})`;
  }
  compileType(dialect: TypeCompileTarget): string {
    if (dialect.generic) return this.cacheKey;
    if (dialect.name === "sqlite") return "REAL";
    return this.precision !== undefined && this.precision <= 24 ? "REAL" : "DOUBLE PRECISION";
  }
  protected override makeBindProcessor(dialect: DialectName): BindProcessor {
    const finiteOnly = dialect === "sqlite";
    const name = this.typeName;
    return (v) => {
      if (v == null) return null;
      if (typeof v === "number") {
        if (finiteOnly && !Number.isFinite(v)) throw cannotBind(name, v, "SQLite cannot store NaN or Infinity");
        return v;
      }
      if (typeof v === "bigint" && v >= -MAX_SAFE && v <= MAX_SAFE) {
        return Number(v);
      }
      throw cannotBind(name, v);
    };
  }
  protected override makeResultProcessor(dialect: DialectName): ResultProcessor | undefined {
    if (dialect === "sqlite") return undefined;
    return (v) => (v == null ? null : typeof v === "number" ? v : Number(v));
  }
}

/** Double precision, JS `number`. DDL: PostgreSQL `DOUBLE PRECISION`, SQLite `DOUBLE`. */
export class DoubleType extends FloatType {
  protected override readonly typeName: string = "Double";
  constructor() {
    super();
  }
  override get cacheKey(): string {
    return "DOUBLE";
  }
  override compileType(dialect: TypeCompileTarget): string {
    return dialect.name === "sqlite" || dialect.generic ? "DOUBLE" : "DOUBLE PRECISION";
  }
}

const NUMERIC = /* @__PURE__ */ new NumericType();
const FLOAT = /* @__PURE__ */ new FloatType();
const DOUBLE = /* @__PURE__ */ new DoubleType();

/**
 * SQLAlchemy `Numeric(precision?, scale?, options?)`: values as decimal strings, or as numbers
 * with `{ asDecimal: false }`.
 */
export function Numeric(precision: number | undefined, scale: number | undefined, options: NumericOptions & { readonly asDecimal: false }): NumericType<number>;
export function Numeric(precision?: number, scale?: number, options?: NumericOptions & { readonly asDecimal?: true }): NumericType;
export function Numeric(precision?: number, scale?: number, options?: NumericOptions): NumericType<string> | NumericType<number> {
  if (options && (options.asDecimal !== undefined || options.decimalReturnScale !== undefined)) {
    return options.asDecimal === false ? new NumericType<number>(precision, scale, options) : new NumericType<string>(precision, scale, options);
  }
  return precision === undefined && scale === undefined ? NUMERIC : new NumericType<string>(precision, scale);
}
/** SQLAlchemy `Float(precision?)`. */
export const Float = (precision?: number): FloatType => (precision === undefined ? FLOAT : new FloatType(precision));
/** SQLAlchemy `Double`. */
export const Double = (): DoubleType => DOUBLE;

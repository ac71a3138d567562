/**
 * Temporal types: `Date`, `DateTime`, `Time`, `Interval`, following SQLAlchemy's types of the
 * same names. Naive values (no time zone) are UTC on the JS side, in both directions.
 * @module
 */
import type { DialectName } from "../../engine/driver/contract.js";
import { ArgumentError, CompileError } from "../../errors.js";
import {
  TypeEngine,
  type BindProcessor,
  type LiteralProcessor,
  type LiteralRenderer,
  type ResultProcessor,
  type TypeCompileTarget,
} from "../type-api.js";
import { LossyValueError, cannotBind, cannotRead, describeValue } from "./errors.js";
import {
  type Instant,
  formatDate,
  formatTimestamp,
  fractionDigits,
  parseDate,
  parseTimestamp,
  utcMs,
} from "./temporal-text.js";

/**
 * Calendar date, JS `Date` at UTC midnight. DDL: `DATE` on both dialects.
 *
 * Bind: a valid `Date` (its UTC calendar date is used, the time of day is dropped) or a
 * `"YYYY-MM-DD"` string, sent as `"YYYY-MM-DD"` text. SQLite stores that ISO text.
 * PostgreSQL results: the `"YYYY-MM-DD"` text (text drivers) or a `Date` (postgres.js builds it
 * with `new Date(text)`); a `Date` that is not at UTC midnight is taken to be a local-time midnight
 * and is normalised to UTC midnight of the same local calendar date. `infinity` raises.
 */
export class DateType extends TypeEngine<Date> {
  readonly affinity = "date" as const;
  get cacheKey(): string {
    return "DATE";
  }
  compileType(_dialect: TypeCompileTarget): string {
    return "DATE";
  }
  protected override makeBindProcessor(): BindProcessor {
    return (v) => {
      if (v == null) return null;
      if (v instanceof Date) {
        if (Number.isNaN(v.getTime())) throw cannotBind("Date", v, "invalid Date");
        return formatDate(v);
      }
      if (typeof v === "string") {
        const ms = parseDate(v);
        if (ms === undefined) throw cannotBind("Date", v, "expected YYYY-MM-DD");
        return formatDate(new Date(ms));
      }
      throw cannotBind("Date", v);
    };
  }
  protected override makeResultProcessor(): ResultProcessor {
    return (v) => {
      if (v == null) return null;
      if (typeof v === "string") {
        const ms = parseDate(v);
        if (ms === undefined) throw cannotRead("Date", v);
        return new Date(ms);
      }
      if (v instanceof Date) {
        if (v.getUTCHours() === 0 && v.getUTCMinutes() === 0 && v.getUTCSeconds() === 0 && v.getUTCMilliseconds() === 0) {
          return v;
        }
        return new Date(utcMs(v.getFullYear(), v.getMonth() + 1, v.getDate()));
      }
      throw cannotRead("Date", v);
    };
  }
}

/** Options of {@link DateTime}. */
export interface DateTimeOptions<M extends "date" | "string" = "date" | "string"> {
  /** `TIMESTAMP WITH TIME ZONE` on PostgreSQL; a `+00:00` suffix on SQLite. Default false. */
  readonly timezone?: boolean;
  /**
   * Fractional-second digits, 0–6. Default: 3 in mode `"date"` (a `Date` holds milliseconds, so
   * `TIMESTAMP(3)` loses nothing silently), none in mode `"string"` (PostgreSQL's default, 6).
   */
  readonly precision?: number;
  /** JS representation: `"date"` (default) for `Date`, `"string"` for exact text. */
  readonly mode?: M;
}

/**
 * Timestamp, JS `Date` (mode `"date"`) or canonical text (mode `"string"`,
 * `"YYYY-MM-DD HH:MM:SS[.ffffff][+00:00]"`, UTC, trailing fractional zeros removed).
 *
 * DDL: PostgreSQL `TIMESTAMP(p)` / `TIMESTAMP(p) WITH TIME ZONE` (no `(p)` in mode `"string"`
 * without a precision); SQLite `DATETIME`, stored as ISO text `"YYYY-MM-DD HH:MM:SS.fff"` in UTC
 * (fraction width 3 in mode `"date"`, else the precision, default 6), with `+00:00` appended when
 * `timezone` is set, so text order is time order.
 *
 * Bind: a valid `Date` or an ISO 8601 / PostgreSQL timestamp string; strings without an offset
 * are UTC. Fractional digits beyond the precision that are not zero raise
 * {@link LossyValueError} (in mode `"date"` also any sub-millisecond digit). PostgreSQL receives
 * ISO text with an explicit UTC offset (a naive column ignores it, so it stores the UTC wall time).
 * In mode `"string"`, {@link bindExpression} wraps the placeholder in
 * `CAST(CAST($n AS TEXT) AS TIMESTAMP…)`: postgres.js otherwise serialises timestamp parameters
 * through `new Date(x)`, which would drop microseconds.
 *
 * Results on PostgreSQL come through {@link columnExpression} as text (`CAST(x AS TEXT)`, and for
 * `timezone` `CAST((x) AT TIME ZONE 'UTC' AS TEXT)` so the session TimeZone does not matter),
 * because postgres.js parses timestamps into a `Date` and silently drops microseconds. The text is
 * assumed to be in PostgreSQL's default `DateStyle` (ISO). In mode `"date"` a stored value with
 * non-zero sub-millisecond digits raises {@link LossyValueError} instead of being truncated;
 * `infinity` raises `ArgumentError` (mode `"string"` returns it as text). A `Date` from a driver
 * (expression not applied) is accepted as is.
 * @throws ArgumentError for a precision outside 0–6 or an unknown mode.
 */
export class DateTimeType<T extends Date | string = Date> extends TypeEngine<T> {
  readonly affinity = "datetime" as const;
  readonly timezone: boolean;
  readonly precision: number | undefined;
  readonly mode: "date" | "string";
  /** Fractional digits that may be non-zero. */
  private readonly digits: number;
  constructor(options: DateTimeOptions = {}) {
    super();
    const { timezone = false, precision, mode = "date" } = options;
    if (precision !== undefined && !(Number.isInteger(precision) && precision >= 0 && precision <= 6)) {
      throw new ArgumentError(`DateTime precision must be an integer from 0 to 6, got ${String(precision)}`);
    }
    if (mode !== "date" && mode !== "string") throw new ArgumentError(`DateTime mode must be "date" or "string", got ${String(mode)}`);
    this.timezone = timezone;
    this.mode = mode;
    this.precision = precision ?? (mode === "date" ? 3 : undefined);
    this.digits = Math.min(this.precision ?? 6, mode === "date" ? 3 : 6);
  }
  get cacheKey(): string {
    return this.pgSpelling() + (this.mode === "string" ? " AS STRING" : "");
  }
  private pgSpelling(): string {
    const p = this.precision === undefined ? "" : `(${this.precision})`;
    return `TIMESTAMP${p}${this.timezone ? " WITH TIME ZONE" : ""}`;
  }
  compileType(dialect: TypeCompileTarget): string {
    return dialect.name === "postgresql" && !dialect.generic ? this.pgSpelling() : "DATETIME";
  }
  override columnExpression(dialect: DialectName, sql: string): string | undefined {
    if (dialect !== "postgresql") return undefined;
    return this.timezone ? `CAST((${sql}) AT TIME ZONE 'UTC' AS TEXT)` : `CAST(${sql} AS TEXT)`;
  }
  override bindExpression(dialect: DialectName, placeholder: string): string | undefined {
    if (dialect !== "postgresql" || this.mode !== "string") return undefined;
    return `CAST(CAST(${placeholder} AS TEXT) AS ${this.pgSpelling()})`;
  }

  /** Bound value → instant, raising for anything that would lose digits. */
  private toInstant(v: unknown): Instant {
    let i: Instant | undefined;
    if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) throw cannotBind("DateTime", v, "invalid Date");
      i = { ms: v.getTime(), sub: "" };
    } else if (typeof v === "string") {
      i = parseTimestamp(v);
      if (!i) throw cannotBind("DateTime", v, "expected an ISO 8601 timestamp");
    } else {
      throw cannotBind("DateTime", v);
    }
    if ((i.sub !== "" || this.digits < 3) && /[1-9]/.test(fractionDigits(i).slice(this.digits))) {
      throw new LossyValueError(
        `DateTime cannot bind ${describeValue(v)}: it has fractional seconds finer than ` +
          (this.mode === "date" ? `${this.digits} digits (a JS Date holds milliseconds)` : `the column precision (${this.digits})`),
      );
    }
    return i;
  }

  protected override makeBindProcessor(dialect: DialectName): BindProcessor {
    if (dialect === "sqlite") {
      const width = this.mode === "date" ? 3 : this.digits;
      const suffix = this.timezone ? "+00:00" : "";
      return (v) => (v == null ? null : formatTimestamp(this.toInstant(v), width, suffix));
    }
    if (this.mode === "date") {
      return (v) => {
        if (v == null) return null;
        const i = this.toInstant(v);
        const d = new Date(i.ms);
        const y = d.getUTCFullYear();
        // toISOString is what postgres.js itself sends; years outside 1–9999 need PG's own form.
        return y >= 1 && y <= 9999 ? d.toISOString() : formatTimestamp(i, 3, "+00:00");
      };
    }
    return (v) => (v == null ? null : formatTimestamp(this.toInstant(v), "trim", "+00:00"));
  }

  /**
   * PostgreSQL: `'YYYY-MM-DD HH:MM:SS[.ffffff][+00:00]'`, SQLAlchemy's ISO form without the `T`
   * (six fractional digits when any is non-zero). SQLite: the stored text, so that literal
   * comparisons against stored values compare like with like.
   */
  override literalProcessor(dialect: DialectName, render: LiteralRenderer): LiteralProcessor {
    if (dialect !== "postgresql") return super.literalProcessor(dialect, render);
    const suffix = this.timezone ? "+00:00" : "";
    return (v) => {
      const i = this.toInstant(v);
      return `'${formatTimestamp(i, /[1-9]/.test(fractionDigits(i)) ? 6 : 0, suffix)}'`;
    };
  }

  protected override makeResultProcessor(): ResultProcessor {
    const asDate = this.mode === "date";
    const suffix = this.timezone ? "+00:00" : "";
    return (v) => {
      if (v == null) return null;
      if (typeof v === "string") {
        const i = parseTimestamp(v);
        if (!i) {
          if (!asDate && /^-?infinity$/i.test(v)) return v;
          throw cannotRead("DateTime", v);
        }
        if (!asDate) return formatTimestamp(i, "trim", suffix);
        if (i.sub !== "") {
          throw new LossyValueError(
            `DateTime cannot read ${describeValue(v)} into a JS Date without dropping its sub-millisecond digits; ` +
              'use DateTime({ mode: "string" }) or a precision of 3 or less',
          );
        }
        return new Date(i.ms);
      }
      if (v instanceof Date) return asDate ? v : formatTimestamp({ ms: v.getTime(), sub: "" }, "trim", suffix);
      throw cannotRead("DateTime", v);
    };
  }
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?$|^24:00(?::00(?:\.0{1,6})?)?$/;

/**
 * Time of day without time zone, JS `string` `"HH:MM:SS[.ffffff]"`. DDL: `TIME` on both dialects
 * (SQLite stores the text). Bind validates `HH:MM[:SS[.f…]]` (up to 6 fractional digits, as
 * PostgreSQL's microsecond resolution) and sends it unchanged; results pass through as text.
 */
export class TimeType extends TypeEngine<string> {
  readonly affinity = "time" as const;
  get cacheKey(): string {
    return "TIME";
  }
  compileType(_dialect: TypeCompileTarget): string {
    return "TIME";
  }
  protected override makeBindProcessor(): BindProcessor {
    return (v) => {
      if (v == null) return null;
      if (typeof v === "string" && TIME.test(v)) return v;
      throw cannotBind("Time", v, typeof v === "string" ? "expected HH:MM:SS[.ffffff]" : undefined);
    };
  }
}

/**
 * PostgreSQL `INTERVAL`, JS `string` in PostgreSQL's interval text form (`"1 day 02:00:00"`,
 * per the session's `IntervalStyle`). Bind: strings only, sent as text for PostgreSQL to parse.
 * @throws CompileError from `compileType` on SQLite, which has no interval type.
 */
export class IntervalType extends TypeEngine<string> {
  readonly affinity = "interval" as const;
  get cacheKey(): string {
    return "INTERVAL";
  }
  compileType(dialect: TypeCompileTarget): string {
    // SQLAlchemy's generic Interval is stored as a DATETIME where there is no native type.
    if (dialect.generic) return "DATETIME";
    if (dialect.name !== "postgresql") throw new CompileError(`Interval is PostgreSQL-only; ${dialect.name} has no INTERVAL type`);
    return "INTERVAL";
  }
  protected override makeBindProcessor(): BindProcessor {
    return (v) => {
      if (v == null) return null;
      if (typeof v === "string") return v;
      throw cannotBind("Interval", v);
    };
  }
}

const DATE = /* @__PURE__ */ new DateType();
const TIME_TYPE = /* @__PURE__ */ new TimeType();
const INTERVAL = /* @__PURE__ */ new IntervalType();
const TIMESTAMP_DEFAULT = /* @__PURE__ */ new DateTimeType<Date>();

/** SQLAlchemy `Date` (JS `Date` at UTC midnight). */
const DateFactory = (): DateType => DATE;

/**
 * SQLAlchemy `DateTime`: `DateTime`, `DateTime()`, `DateTime({ timezone: true })`,
 * `DateTime({ mode: "string", precision: 6 })`.
 */
function DateTimeFactory(options: DateTimeOptions<"string"> & { readonly mode: "string" }): DateTimeType<string>;
function DateTimeFactory(options?: DateTimeOptions<"date">): DateTimeType<Date>;
function DateTimeFactory(options?: DateTimeOptions): DateTimeType<Date> | DateTimeType<string> {
  if (!options || (options.timezone === undefined && options.precision === undefined && options.mode === undefined)) {
    return TIMESTAMP_DEFAULT;
  }
  return new DateTimeType(options) as DateTimeType<Date> | DateTimeType<string>;
}

/** SQLAlchemy `Time`. */
export const Time = (): TimeType => TIME_TYPE;
/** SQLAlchemy `Interval` (PostgreSQL only). */
export const Interval = (): IntervalType => INTERVAL;
// Declared under other names so this module keeps the global `Date`.
export { DateFactory as Date, DateTimeFactory as DateTime };

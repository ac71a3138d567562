/**
 * `TypeDecorator`: a user type that wraps an existing type (`impl`) and adds JS-side processing
 * or SQL-side wrapping, following SQLAlchemy's `types.TypeDecorator`.
 * @module
 */
import type { DialectName } from "../../engine/driver/contract.js";
import { warn } from "../../warnings.js";
import { markProcessesNull, processesNull } from "../null-aware.js";
import {
  TypeEngine,
  toType,
  type BindProcessor,
  type LiteralProcessor,
  type LiteralRenderer,
  type ResultProcessor,
  type TypeAffinity,
  type TypeArg,
  type TypeCompileTarget,
} from "../type-api.js";

/** Classes already warned about a missing `cacheOk`, so the warning is issued once per class. */
const warnedUncacheable = new WeakSet<object>();
/** Per-instance tokens that keep the statements of uncacheable decorators apart. */
let uncacheableSerial = 0;

/**
 * A type built on another type, `impl`, which gives the DDL spelling, the operators (its
 * affinity: a decorator of `Integer` adds like an integer, of `ARRAY` indexes like an array)
 * and the driver-level processing. The decorator adds its own steps around the impl's:
 *
 * - {@link processBindParam} runs on each bound value before the impl's bind processor;
 * - {@link processResultValue} runs on each fetched value after the impl's result processor;
 * - {@link processLiteralParam} runs on each value rendered inline (`literalBinds`), before the
 *   impl's literal rendering; when it is not defined, {@link processBindParam} is used instead;
 * - {@link bindExpression} / {@link columnExpression} wrap the SQL of bound parameters and of
 *   selected columns (they default to the impl's);
 * - {@link loadDialectImpl} picks a different impl per dialect.
 *
 * SQL NULL (JS `null` / `undefined`) is passed to {@link processBindParam} and
 * {@link processResultValue} as `null`, as SQLAlchemy calls them with `None`; the impl's own
 * processors still see only non-null values.
 *
 * Subclasses declare `impl` and `cacheOk` as fields, as SQLAlchemy's class attributes:
 * ```ts
 * class Upper extends TypeDecorator<string> {
 *   readonly impl = String(50);
 *   readonly cacheOk = true;
 *   processBindParam(v: string) { return v.toUpperCase(); }
 * }
 * ```
 *
 * Caching (SQLAlchemy's `cache_ok`): with `cacheOk: true` the cache key is the class name, the
 * impl's key and the decorator's own plain fields (strings, numbers, booleans, null), so two
 * instances with equal fields share compiled statements. Otherwise each instance has a key of
 * its own, and with `cacheOk` left undefined an {@link AthanorWarning} says so, once per class.
 * @typeParam T JS type of the decorator's values, as the application sees them.
 */
export abstract class TypeDecorator<T = unknown> extends TypeEngine<T> {
  /** The wrapped type (an instance or a factory such as `Integer`). */
  abstract readonly impl: TypeArg;
  /**
   * Whether the decorator's plain fields describe its behaviour completely, so statements using
   * it may share compiled forms (SQLAlchemy's `cache_ok`). Leave undefined to get a warning.
   */
  readonly cacheOk?: boolean;

  /**
   * Converts a JS value before the impl's bind processor sees it (SQLAlchemy's
   * `process_bind_param`); called with `null` for SQL NULL too. Errors thrown here surface as
   * the bind's `ArgumentError`.
   */
  processBindParam?(value: T | null, dialect: DialectName): unknown;
  /**
   * Converts a fetched value after the impl's result processor (SQLAlchemy's
   * `process_result_value`); called with `null` for SQL NULL too.
   */
  processResultValue?(value: unknown, dialect: DialectName): T;
  /**
   * Converts a non-null value rendered inline as a literal, before the impl renders it
   * (SQLAlchemy's `process_literal_param`).
   */
  processLiteralParam?(value: T, dialect: DialectName): unknown;

  private _impl?: TypeEngine;
  private _dialectImpls?: Map<DialectName, TypeEngine>;
  private _uncacheableKey?: string;

  /** The impl as an instance (SQLAlchemy's `impl_instance`). */
  get implInstance(): TypeEngine {
    return (this._impl ??= toType(this.impl));
  }

  /**
   * The type that does the work on `dialect`: {@link impl} unless overridden (SQLAlchemy's
   * `load_dialect_impl()`, e.g. PostgreSQL `UUID` and `CHAR(32)` elsewhere). Called once per
   * dialect; the result is cached.
   */
  loadDialectImpl(_dialect: DialectName): TypeArg {
    return this.implInstance;
  }

  /** {@link loadDialectImpl}'s type as an instance, cached per dialect. */
  dialectImpl(dialect: DialectName): TypeEngine {
    const m = (this._dialectImpls ??= new Map());
    let t = m.get(dialect);
    if (t === undefined) m.set(dialect, (t = toType(this.loadDialectImpl(dialect))));
    return t;
  }

  /** The impl's operator family, so operators behave as on the impl (SQLAlchemy's comparator). */
  get affinity(): TypeAffinity {
    return this.implInstance.affinity;
  }
  /** The impl's JSONB-ness, which gates the JSONB-only operators. */
  get isJsonb(): boolean {
    return (this.implInstance as { isJsonb?: boolean }).isJsonb === true;
  }
  /** The impl's element type when it is an ARRAY, so `at(i)` is typed as the element. */
  get itemType(): TypeEngine | undefined {
    return (this.implInstance as { itemType?: TypeEngine }).itemType;
  }
  /** The impl's dimensions when it is an ARRAY. */
  get dimensions(): number | undefined {
    return (this.implInstance as { dimensions?: number }).dimensions;
  }
  /** The impl's ARRAY of fewer dimensions, the type of `at(i)` on a multi-dimensional array. */
  get withDimensions(): ((n: number) => TypeEngine) | undefined {
    return this.implMethod<(n: number) => TypeEngine>("withDimensions");
  }

  // Schema-type hooks (SQLAlchemy's SchemaType events): the DDL layer looks for these members on
  // a column's type, so a decorated Enum still gets its CHECK constraint or PostgreSQL type.
  /** The impl's type name when it is a named Enum. */
  get name(): string | undefined {
    const n = (this.implInstance as { name?: unknown }).name;
    return typeof n === "string" ? n : undefined;
  }
  /** The impl's `nativeEnum` when it is an Enum. */
  get nativeEnum(): boolean | undefined {
    return (this.implInstance as { nativeEnum?: boolean }).nativeEnum;
  }
  /** The impl's `createConstraint` when it is an Enum. */
  get createConstraint(): boolean | undefined {
    return (this.implInstance as { createConstraint?: boolean }).createConstraint;
  }
  /** The impl's CHECK condition builder when it is an Enum. */
  get checkConstraintSql(): ((columnSql: string) => string) | undefined {
    return this.implMethod<(columnSql: string) => string>("checkConstraintSql");
  }
  /** The impl's `CREATE TYPE` builder when it is a native Enum. */
  get createTypeDDL(): (() => string) | undefined {
    return this.implMethod<() => string>("createTypeDDL");
  }
  /** The impl's `DROP TYPE` builder when it is a native Enum. */
  get dropTypeDDL(): ((options?: { readonly ifExists?: boolean }) => string) | undefined {
    return this.implMethod<(options?: { readonly ifExists?: boolean }) => string>("dropTypeDDL");
  }
  private implMethod<F extends (...args: never[]) => unknown>(key: string): F | undefined {
    const impl = this.implInstance as unknown as Record<string, unknown>;
    const f = impl[key];
    return typeof f === "function" ? ((f as F).bind(impl) as F) : undefined;
  }

  get cacheKey(): string {
    const base = `${this.constructor.name}(${this.implInstance.cacheKey})`;
    if (this.cacheOk === true) return `${base}${this.ownFieldsKey()}`;
    if (this.cacheOk === undefined) this.warnUncacheable();
    return (this._uncacheableKey ??= `${base}#${++uncacheableSerial}`);
  }

  /** The subclass's own plain-valued fields, as `{name=value,…}` in name order. */
  private ownFieldsKey(): string {
    const parts: string[] = [];
    for (const k of Object.keys(this).sort()) {
      if (k === "impl" || k === "cacheOk" || k.startsWith("_")) continue;
      const v = (this as Record<string, unknown>)[k];
      if (v === null || ["string", "number", "boolean", "bigint"].includes(typeof v)) parts.push(`${k}=${typeof v === "string" ? JSON.stringify(v) : String(v)}`);
      else if (v instanceof TypeEngine) parts.push(`${k}=${v.cacheKey}`);
    }
    return parts.length ? `{${parts.join(",")}}` : "";
  }

  private warnUncacheable(): void {
    const cls = this.constructor;
    if (warnedUncacheable.has(cls)) return;
    warnedUncacheable.add(cls);
    warn(
      `TypeDecorator ${cls.name}() will not produce a cache key because the cacheOk attribute is not set to true. ` +
        "This can have significant performance implications including some performance degradations in comparison " +
        "to prior SQLAlchemy versions. Set this attribute to true if this type object's state is safe to use in a " +
        "cache key, or false to disable this warning.",
    );
  }

  compileType(dialect: TypeCompileTarget): string {
    return this.dialectImpl(dialect.name).compileType(dialect);
  }
  override bindExpression(dialect: DialectName, placeholder: string): string | undefined {
    return this.dialectImpl(dialect).bindExpression(dialect, placeholder);
  }
  override columnExpression(dialect: DialectName, sql: string): string | undefined {
    return this.dialectImpl(dialect).columnExpression(dialect, sql);
  }

  protected override makeBindProcessor(dialect: DialectName): BindProcessor | undefined {
    const inner = this.dialectImpl(dialect).bindProcessor(dialect);
    const own = this.processBindParam;
    if (own === undefined) return inner;
    const step = (v: unknown): unknown => own.call(this, (v ?? null) as T | null, dialect);
    // The decorator sees NULL (as SQLAlchemy's); the impl sees only what is not NULL after it.
    if (inner === undefined) return markProcessesNull((v: unknown) => step(v) ?? null);
    // A decorated decorator sees NULL too.
    const innerNull = processesNull(inner);
    return markProcessesNull((v: unknown) => {
      const out = step(v);
      return out == null && !innerNull ? null : inner(out ?? null);
    });
  }

  protected override makeResultProcessor(dialect: DialectName): ResultProcessor | undefined {
    const inner = this.dialectImpl(dialect).resultProcessor(dialect);
    const own = this.processResultValue;
    if (own === undefined) return inner;
    const step = (v: unknown): unknown => own.call(this, v, dialect);
    if (inner === undefined) return markProcessesNull((v: unknown) => step(v ?? null));
    const innerNull = processesNull(inner);
    return markProcessesNull((v: unknown) => step(v == null && !innerNull ? null : inner(v ?? null)));
  }

  override literalProcessor(dialect: DialectName, render: LiteralRenderer): LiteralProcessor {
    const impl = this.dialectImpl(dialect);
    const own = this.processLiteralParam ?? this.processBindParam;
    if (own === undefined) return impl.literalProcessor(dialect, render);
    // The impl renders what the decorator produced, with the impl's own bind processing.
    const inner = impl.literalProcessor(dialect, render);
    return (v) => inner(own.call(this, v as T, dialect));
  }
}

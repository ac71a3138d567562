/**
 * TypeEngine: the base of every SQL type. A type knows its DDL spelling per dialect and how JS
 * values cross the wire in each direction (bind and result processors), as in SQLAlchemy's
 * `TypeEngine.bind_processor()` / `result_processor()` / `column_expression()`.
 * @module
 */
import type { DialectName } from "../engine/driver/contract.js";
import { ArgumentError } from "../errors.js";

/** Converts a JS value into what the driver sends. */
export type BindProcessor = (value: unknown) => unknown;
/** Converts what the driver returns into the JS representation. */
export type ResultProcessor = (value: unknown) => unknown;
/** Renders a non-null JS value as SQL literal text (for `literalBinds` and DDL defaults). */
export type LiteralProcessor = (value: unknown) => string;
/**
 * The compiler's generic literal rendering, handed to {@link TypeEngine.literalProcessor}: runs
 * `type`'s bind processor on the value, then spells the result (quoted string, number, boolean
 * as the dialect writes it, bytes, …).
 */
export type LiteralRenderer = (value: unknown, type: TypeEngine<unknown>) => string;

/**
 * Operator family of a type, used to pick comparison semantics (e.g. `+` on strings is concat,
 * `/` on integers is floor or true division).
 */
export type TypeAffinity =
  | "integer"
  | "numeric"
  | "float"
  | "string"
  | "boolean"
  | "date"
  | "datetime"
  | "time"
  | "interval"
  | "json"
  | "uuid"
  | "binary"
  | "array"
  | "enum"
  | "null";

/** Where a type is compiled: enough of the dialect for DDL and processors. */
export interface TypeCompileTarget {
  readonly name: DialectName;
  /**
   * DDL for the display ("default") dialect: SQLAlchemy's generic spellings (`DATETIME`,
   * `FLOAT`, `BLOB`, `CHAR(32)` for Uuid, `VARCHAR(n)` for Enum) rather than `name`'s.
   */
  readonly generic?: boolean;
}

/**
 * Base class of SQL types. `T` is the JS representation of a non-null value.
 * Subclasses override the processor hooks; results are cached per dialect.
 */
export abstract class TypeEngine<T = unknown> {
  /** Phantom: the JS type of values of this SQL type. Never set at runtime. */
  declare readonly __js: T;
  /** Operator family. */
  abstract readonly affinity: TypeAffinity;
  /** A short structural description used in statement cache keys, e.g. "VARCHAR(30)". */
  abstract get cacheKey(): string;
  /** DDL spelling, e.g. `VARCHAR(30)`, `TIMESTAMP(3) WITH TIME ZONE`. */
  abstract compileType(dialect: TypeCompileTarget): string;

  private _bind?: Map<DialectName, BindProcessor | null>;
  private _result?: Map<DialectName, ResultProcessor | null>;

  /** Override: build the bind processor for a dialect, or `undefined` for pass-through. */
  protected makeBindProcessor(_dialect: DialectName): BindProcessor | undefined {
    return undefined;
  }
  /** Override: build the result processor for a dialect, or `undefined` for pass-through. */
  protected makeResultProcessor(_dialect: DialectName): ResultProcessor | undefined {
    return undefined;
  }
  /**
   * Override: wrap a column's SQL in the SELECT list, e.g. SQLite BIGINT → `CAST(x AS TEXT)` so
   * that values above 2^53 survive. Returns `undefined` to leave the expression alone.
   */
  columnExpression(_dialect: DialectName, _sql: string): string | undefined {
    return undefined;
  }
  /** Override: wrap a bound parameter's placeholder, e.g. `CAST($1 AS JSONB)`. */
  bindExpression(_dialect: DialectName, _placeholder: string): string | undefined {
    return undefined;
  }

  /**
   * How a non-null value of this type is rendered inline (SQLAlchemy's `literal_processor()`):
   * by default the compiler's generic rendering `render(value, this)`. Types whose literal
   * form differs from their bound form override it; `TypeDecorator` runs its
   * `processLiteralParam` first.
   */
  literalProcessor(_dialect: DialectName, render: LiteralRenderer): LiteralProcessor {
    return (value) => render(value, this as TypeEngine<unknown>);
  }

  /** Cached bind processor for a dialect (`undefined` when values pass through). */
  bindProcessor(dialect: DialectName): BindProcessor | undefined {
    const m = (this._bind ??= new Map());
    let p = m.get(dialect);
    if (p === undefined) m.set(dialect, (p = this.makeBindProcessor(dialect) ?? null));
    return p ?? undefined;
  }
  /** Cached result processor for a dialect (`undefined` when values pass through). */
  resultProcessor(dialect: DialectName): ResultProcessor | undefined {
    const m = (this._result ??= new Map());
    let p = m.get(dialect);
    if (p === undefined) m.set(dialect, (p = this.makeResultProcessor(dialect) ?? null));
    return p ?? undefined;
  }

  /**
   * A copy of this type that acts as `variant` on the given dialect(s) and as this type
   * elsewhere (SQLAlchemy's `TypeEngine.with_variant()`; since 2.0 it returns a copy and leaves
   * the original alone). The variant decides the DDL spelling, bind and result processing and
   * driver-level wrappers on its dialects; operators and the JS value type stay this type's.
   * Chain calls to add more dialects: `Integer().withVariant(BigInteger(), "postgresql")`. The
   * JS value type is the union of both types' (there: `number | bigint`), since each dialect
   * reads values through its own type.
   * @throws ArgumentError when a dialect already has a variant on this type.
   */
  withVariant<V>(variant: TypeArg<V>, ...dialects: [DialectName, ...DialectName[]]): TypeEngine<T | V> {
    const v = toType(variant) as TypeEngine<unknown>;
    const mapping = new Map<DialectName, TypeEngine<unknown>>(this.variantMapping);
    for (const d of dialects) {
      if (mapping.has(d)) throw new ArgumentError(`withVariant(): dialect '${d}' already has a variant (${String(mapping.get(d))}) on type ${this.cacheKey}`);
      mapping.set(d, v);
    }
    return withVariants(this as TypeEngine<unknown>, mapping) as TypeEngine<T | V>;
  }

  /** Per-dialect variants set by {@link withVariant}; empty for a plain type. */
  get variantMapping(): ReadonlyMap<DialectName, TypeEngine<unknown>> {
    return NO_VARIANTS;
  }

  /** Human-readable name used in error messages. */
  toString(): string {
    return this.cacheKey;
  }
}

const NO_VARIANTS: ReadonlyMap<DialectName, never> = new Map<DialectName, never>();

/**
 * The copy behind {@link TypeEngine.withVariant}: same class and fields as `base` (so `instanceof`
 * and type options such as length still hold), with the dialect-dependent methods routed to the
 * variant on its dialects. Own methods on an instance, not generated code: Workers refuse
 * `new Function`.
 */
function withVariants(base: TypeEngine<unknown>, mapping: ReadonlyMap<DialectName, TypeEngine<unknown>>): TypeEngine<unknown> {
  // Start from the original type, not from an earlier variant copy, so variants never nest.
  const origin = base.variantMapping.size ? (Object.getPrototypeOf(base) as TypeEngine<unknown>) : base;
  const copy = Object.create(origin) as TypeEngine<unknown>;
  const pick = (d: DialectName): TypeEngine<unknown> => mapping.get(d) ?? origin;
  const key = `${origin.cacheKey}/variant(${[...mapping].map(([d, v]) => `${d}:${v.cacheKey}`).join(",")})`;
  Object.defineProperties(copy, {
    variantMapping: { value: mapping },
    cacheKey: { value: key },
    compileType: { value: (target: TypeCompileTarget) => pick(target.name).compileType(target) },
    bindProcessor: { value: (d: DialectName) => pick(d).bindProcessor(d) },
    resultProcessor: { value: (d: DialectName) => pick(d).resultProcessor(d) },
    columnExpression: { value: (d: DialectName, sql: string) => pick(d).columnExpression(d, sql) },
    bindExpression: { value: (d: DialectName, placeholder: string) => pick(d).bindExpression(d, placeholder) },
    literalProcessor: { value: (d: DialectName, render: LiteralRenderer) => pick(d).literalProcessor(d, render) },
    toString: { value: () => key },
  });
  return copy;
}

/** A type as users pass it: an instance (`String(30)`) or a zero-argument factory (`Integer`). */
export type TypeArg<T = unknown> = TypeEngine<T> | (() => TypeEngine<T>);

/** The JS type of a {@link TypeArg}. */
export type JsTypeOf<A> = A extends TypeEngine<infer T> ? T : A extends () => TypeEngine<infer T> ? T : unknown;

/** Resolve a {@link TypeArg} to an instance. */
export function toType<T>(arg: TypeArg<T>): TypeEngine<T> {
  return typeof arg === "function" ? arg() : arg;
}

/** The type of expressions whose type is unknown (e.g. `literalColumn("x")`, `text()` binds). */
export class NullType extends TypeEngine<unknown> {
  readonly affinity = "null" as const;
  get cacheKey() {
    return "NULLTYPE";
  }
  compileType(): string {
    return "NULL";
  }
}
export const NULLTYPE = /* @__PURE__ */ new NullType();

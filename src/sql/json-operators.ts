/**
 * Support for the index and containment operators of JSON, JSONB and ARRAY expressions
 * (SQLAlchemy's `JSON.Comparator`, `postgresql.JSONB.Comparator`, `postgresql.ARRAY.Comparator`):
 * the types keys and paths are bound as, and the operand typing of the operator methods of
 * `ColumnElement`. The methods themselves live on `ColumnElement` (elements.ts) and pick their
 * meaning from the expression's SQL type at run time, as SQLAlchemy's type comparators do.
 * @module
 */
import type { DialectName } from "../engine/driver/contract.js";
import { TypeEngine, type BindProcessor, type TypeCompileTarget } from "./type-api.js";
import { serializeArrayLiteral } from "./types/array-literal.js";
import { cannotBind } from "./types/errors.js";
import type { ColumnElement } from "./elements.js";

/** One step of a JSON path: an object key or an array index (0-based, JSON's own indexing). */
export type JsonPathElement = string | number;

const flat = (): boolean => false;

function checkIndex(name: string, v: unknown): string | number {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  throw cannotBind(name, v, "a JSON key is a string and an index an integer");
}

/** SQLite JSON path subscript: `[2]`; a negative index counts from the end, which SQLite spells `[#-1]`. */
function sqliteIndex(i: number): string {
  return i < 0 ? `[#${i}]` : `[${i}]`;
}

/** SQLite JSON path label: `."key"`; SQLite has no escape for `"` inside a quoted label. */
function sqliteKey(name: string, key: string): string {
  if (key.includes('"')) throw cannotBind(name, key, 'SQLite JSON paths cannot name a key containing \'"\'');
  return `."${key}"`;
}

/**
 * The type a JSON key or index is bound as (SQLAlchemy's `JSON.JSONIndexType` and its SQLite
 * form). PostgreSQL takes the value as is (`->` with TEXT or INTEGER); SQLite gets the path
 * string `$."key"` or `$[0]` that `JSON_EXTRACT` wants. Negative indexes count from the end on
 * both (`$[#-1]` on SQLite). `kind` is part of the cache key, since
 * PostgreSQL renders a string key and an integer index with different casts.
 */
export class JSONIndexType extends TypeEngine<string | number> {
  readonly affinity = "string" as const;
  constructor(readonly kind: "str" | "int") {
    super();
  }
  get cacheKey(): string {
    return `JSON_INDEX_${this.kind}`;
  }
  compileType(_dialect: TypeCompileTarget): string {
    return this.kind === "int" ? "INTEGER" : "TEXT";
  }
  protected override makeBindProcessor(dialect: DialectName): BindProcessor | undefined {
    if (dialect !== "sqlite") return (v) => (v == null ? v : checkIndex("JSON index", v));
    return (v) => {
      if (v == null) return v;
      const k = checkIndex("JSON index", v);
      return typeof k === "number" ? `$${sqliteIndex(k)}` : `$${sqliteKey("JSON index", k)}`;
    };
  }
}

/**
 * The type a JSON path (`["a", 1, "b"]`) is bound as (SQLAlchemy's `JSON.JSONPathType`):
 * PostgreSQL gets a `text[]` literal for `#>` / `#>>` / `#-` (`{"a","1","b"}`, every element
 * quoted, so keys holding commas or braces stay data); SQLite gets `$."a"[1]."b"`.
 */
export class JSONPathType extends TypeEngine<readonly JsonPathElement[]> {
  readonly affinity = "string" as const;
  get cacheKey(): string {
    return "JSON_PATH";
  }
  compileType(_dialect: TypeCompileTarget): string {
    return "TEXT[]";
  }
  protected override makeBindProcessor(dialect: DialectName): BindProcessor {
    return (v) => {
      if (v == null) return v;
      if (!Array.isArray(v)) throw cannotBind("JSON path", v, "expected an array of keys and indexes");
      const path = v.map((x) => checkIndex("JSON path", x));
      if (dialect !== "sqlite") return serializeArrayLiteral(path.map(String), flat);
      return `$${path.map((x) => (typeof x === "number" ? sqliteIndex(x) : sqliteKey("JSON path", x))).join("")}`;
    };
  }
}

/**
 * A PostgreSQL `text[]` bound from a JS string array (the keys of `hasAll()` / `hasAny()`), sent
 * as an array literal so it needs no ARRAY type in the bundle.
 */
export class TextArrayType extends TypeEngine<readonly string[]> {
  readonly affinity = "string" as const;
  get cacheKey(): string {
    return "TEXT[]";
  }
  compileType(_dialect: TypeCompileTarget): string {
    return "TEXT[]";
  }
  protected override makeBindProcessor(): BindProcessor {
    return (v) => {
      if (v == null) return v;
      if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw cannotBind("TEXT[]", v, "expected an array of strings");
      return serializeArrayLiteral(v as string[], flat);
    };
  }
}

// ------------------------------------------------------------------------------------------------
// operand typing

/** Stands in for the receiver of a string operator called on a typed non-string expression. */
export interface StringOperatorOnNonString<T> {
  readonly __stringOperatorNeedsAString: T;
}
/** Stands in for the receiver of a JSON/ARRAY operator called on an expression of another JS type. */
export interface IndexOperatorOnScalar<T> {
  readonly __operatorNeedsJsonOrArray: T;
}

/**
 * `this` of the string operators (`like`, `startsWith`, `concat`, …): any expression whose
 * values are strings, or untyped ones (`column("x")`, `literalColumn()`, `text()`-derived).
 */
export type StringReceiver<T> = unknown extends T ? unknown : [NonNullable<T>] extends [string] ? unknown : StringOperatorOnNonString<T>;

/** Values no JSON document or array is: strings, numbers, booleans, dates, bytes. */
type Scalar = string | number | bigint | boolean | Date | Uint8Array;

/**
 * `this` of the JSON/ARRAY operators (`at`, `hasKey`, `contains` as containment, …): untyped
 * expressions (JSON columns are `unknown` unless typed), JSON documents typed as objects, and
 * arrays. Whether the SQL type is JSON, JSONB or ARRAY is checked when the expression is built.
 */
export type ContainerReceiver<T> = unknown extends T ? unknown : [NonNullable<T>] extends [never] ? unknown : NonNullable<T> extends Scalar ? IndexOperatorOnScalar<T> : unknown;

/** The value of a JSON document `T` at key or index `K` (`unknown` when `T` does not say). */
export type JsonAt<T, K> = unknown extends T
  ? unknown
  : NonNullable<T> extends readonly (infer E)[]
    ? K extends number
      ? E
      : unknown
    : K extends keyof NonNullable<T>
      ? NonNullable<T>[K]
      : unknown;
/** The value of a JSON document `T` at a path. */
export type JsonAtPath<T, P> = P extends readonly [infer H, ...infer R] ? JsonAtPath<JsonAt<T, H>, R> : P extends readonly [] ? T : unknown;

/** An index argument of `at()`: a key, an index, a path of them, or an expression. */
export type IndexArg = JsonPathElement | readonly JsonPathElement[] | ColumnElement<unknown, string>;

/** The element type of an array type, `never` for others. */
export type ArrayItem<T> = NonNullable<T> extends readonly (infer E)[] ? E : never;

/** A value a JSON document may contain (`@>`): for typed objects, any part of the object. */
export type JsonContained<T> = unknown extends T
  ? unknown
  : NonNullable<T> extends readonly (infer E)[]
    ? readonly JsonContained<E>[] | JsonContained<E>
    : NonNullable<T> extends object
      ? { readonly [P in keyof NonNullable<T>]?: JsonContained<NonNullable<T>[P]> }
      : NonNullable<T>;

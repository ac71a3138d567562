/**
 * `JSON<T>` and PostgreSQL `JSONB<T>`, following SQLAlchemy's `JSON` / `postgresql.JSONB`.
 * @module
 */
import type { DialectName } from "../../engine/driver/contract.js";
import { CompileError } from "../../errors.js";
import { TypeEngine, type BindProcessor, type ResultProcessor, type TypeCompileTarget } from "../type-api.js";
import { cannotBind, cannotRead } from "./errors.js";

const NativeJSON = globalThis.JSON;

/**
 * The JSON `null` value, as opposed to SQL NULL (SQLAlchemy's `JSON.NULL`): binding it stores
 * the JSON text `null`, so the column `IS NOT NULL`; it reads back as JS `null`.
 */
const JSON_NULL: unique symbol = Symbol("JSON.NULL");

/**
 * A JSON document of JS type `T` (unchecked: `T` is a promise the caller makes).
 * DDL: `JSON` on both dialects (SQLite stores the text).
 *
 * Bind: `JSON.stringify(value)` on both dialects; values it cannot encode (functions, `undefined`,
 * `bigint`, cycles) raise `ArgumentError`. A JS `null`/`undefined` binds SQL NULL, not the JSON
 * literal `null` (SQLAlchemy's `none_as_null=True`); bind {@link JSONType.NULL} (`JSON.NULL`) to
 * store the JSON literal `null`. On PostgreSQL {@link bindExpression} renders
 * `CAST(CAST($n AS TEXT) AS JSON)`: postgres.js applies `JSON.stringify` itself to parameters the
 * server types as json, which would encode the text a second time.
 *
 * Results — the rule for JSON strings: on PostgreSQL {@link columnExpression} selects
 * `CAST(x AS TEXT)`, so every driver returns the document's JSON text and the result processor
 * parses it; a JSON string value `"abc"` therefore reads back as `abc` on postgres.js and text
 * drivers alike. When a driver hands over an already-parsed value (expression not applied), a
 * non-string is taken as parsed, but a **string is always parsed as JSON text**. SQLite returns
 * the stored text, parsed with `JSON.parse`; a column declared `JSON` has NUMERIC affinity, so a
 * top-level JSON number may come back stored as a number, which is returned as is.
 */
export class JSONType<T = unknown> extends TypeEngine<T> {
  /**
   * Bind this to store the JSON literal `null` rather than SQL NULL (SQLAlchemy's `JSON.NULL`).
   * Typed `never` so that it fits the value type of any JSON column, nullable or not.
   */
  static readonly NULL: never = JSON_NULL as never;
  readonly affinity = "json" as const;
  /** Name used in messages and DDL. */
  protected readonly typeName: string = "JSON";
  /**
   * PostgreSQL's binary `jsonb`, which has the containment and key operators (`@>`, `?`, `#-`,
   * `@?`, …) that `json` lacks; `hasKey()` & co check it.
   */
  get isJsonb(): boolean {
    return false;
  }
  get cacheKey(): string {
    return this.typeName;
  }
  compileType(_dialect: TypeCompileTarget): string {
    return "JSON";
  }
  override columnExpression(dialect: DialectName, sql: string): string | undefined {
    return dialect === "postgresql" ? `CAST(${sql} AS TEXT)` : undefined;
  }
  override bindExpression(dialect: DialectName, placeholder: string): string | undefined {
    return dialect === "postgresql" ? `CAST(CAST(${placeholder} AS TEXT) AS ${this.typeName})` : undefined;
  }
  protected override makeBindProcessor(): BindProcessor {
    const name = this.typeName;
    return (v) => {
      if (v == null) return null;
      if (v === JSON_NULL) return "null";
      let s: string | undefined;
      try {
        s = NativeJSON.stringify(v);
      } catch (e) {
        throw cannotBind(name, v, e instanceof Error ? e.message : undefined);
      }
      if (s === undefined) throw cannotBind(name, v, "not representable as JSON");
      return s;
    };
  }
  protected override makeResultProcessor(): ResultProcessor {
    const name = this.typeName;
    return (v) => {
      if (v == null) return null;
      if (typeof v !== "string") return v;
      try {
        return NativeJSON.parse(v) as unknown;
      } catch {
        throw cannotRead(name, v, "invalid JSON text");
      }
    };
  }
}

/**
 * PostgreSQL `JSONB<T>`: like {@link JSONType}, stored in PostgreSQL's binary form (keys
 * de-duplicated and reordered, whitespace dropped).
 * @throws CompileError from `compileType` on SQLite.
 */
export class JSONBType<T = unknown> extends JSONType<T> {
  protected override readonly typeName: string = "JSONB";
  override get isJsonb(): boolean {
    return true;
  }
  override compileType(dialect: TypeCompileTarget): string {
    if (dialect.name !== "postgresql") throw new CompileError(`JSONB is PostgreSQL-only; use JSON on ${dialect.name}`);
    return "JSONB";
  }
}

const JSON_TYPE = /* @__PURE__ */ new JSONType();
const JSONB_TYPE = /* @__PURE__ */ new JSONBType();

/**
 * SQLAlchemy `JSON`: `JSON`, `JSON()`, or `JSON<MyShape>()` to type the documents.
 * `JSON.NULL` is {@link JSONType.NULL}, the JSON literal `null`.
 */
function JSONFactory<T = unknown>(): JSONType<T> {
  return JSON_TYPE as JSONType<T>;
}
JSONFactory.NULL = JSONType.NULL;
/** SQLAlchemy `postgresql.JSONB` (PostgreSQL only). */
export function JSONB<T = unknown>(): JSONBType<T> {
  return JSONB_TYPE as JSONBType<T>;
}
// Declared under another name so this module keeps the global `JSON`.
export { JSONFactory as JSON };

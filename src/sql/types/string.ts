/**
 * Character types: `String(length?)` (VARCHAR) and `Text`, following SQLAlchemy's `String`/`Text`.
 * @module
 */
import { ArgumentError } from "../../errors.js";
import { TypeEngine, type BindProcessor, type TypeCompileTarget } from "../type-api.js";
import { cannotBind } from "./errors.js";

function stringBinder(name: string): BindProcessor {
  return (v) => {
    if (v == null) return null;
    if (typeof v === "string") return v;
    throw cannotBind(name, v);
  };
}

/**
 * Variable-length string, JS `string`. DDL: `VARCHAR(n)`, or `VARCHAR` without a length, on both
 * dialects (SQLite ignores the length; PostgreSQL enforces it in characters).
 *
 * Bind: strings only, anything else raises `ArgumentError` (no implicit `String(x)`, which would
 * hide bugs such as binding an object). Result: passes through.
 * @throws ArgumentError when `length` is not a positive integer.
 */
export class StringType extends TypeEngine<string> {
  readonly affinity = "string" as const;
  /** Declared length in characters, if any. */
  readonly length: number | undefined;
  constructor(length?: number) {
    super();
    if (length !== undefined && !(Number.isInteger(length) && length > 0)) {
      throw new ArgumentError(`String length must be a positive integer, got ${String(length)}`);
    }
    this.length = length;
  }
  get cacheKey(): string {
    return this.length === undefined ? "VARCHAR" : `VARCHAR(${this.length})`;
  }
  compileType(_dialect: TypeCompileTarget): string {
    return this.cacheKey;
  }
  protected override makeBindProcessor(): BindProcessor {
    return stringBinder("String");
  }
}

/** Unbounded text, JS `string`. DDL: `TEXT` on both dialects. */
export class TextType extends StringType {
  constructor() {
    super();
  }
  override get cacheKey(): string {
    return "TEXT";
  }
  override compileType(_dialect: TypeCompileTarget): string {
    return "TEXT";
  }
  protected override makeBindProcessor(): BindProcessor {
    return stringBinder("Text");
  }
}

const VARCHAR = /* @__PURE__ */ new StringType();
const TEXT = /* @__PURE__ */ new TextType();

/** SQLAlchemy `String(length?)`: `String`, `String()` and `String(30)` all work as a type. */
const StringFactory = (length?: number): StringType => (length === undefined ? VARCHAR : new StringType(length));
// Declared under another name so this module keeps the global `String`.
export { StringFactory as String };
/** SQLAlchemy `Text`. */
export const Text = (): TextType => TEXT;

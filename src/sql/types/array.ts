/**
 * PostgreSQL `ARRAY`, following SQLAlchemy's `ARRAY(item_type, dimensions=…)`.
 * @module
 */
import type { DialectName } from "../../engine/driver/contract.js";
import { ArgumentError, CompileError } from "../../errors.js";
import {
  TypeEngine,
  toType,
  type BindProcessor,
  type JsTypeOf,
  type LiteralProcessor,
  type LiteralRenderer,
  type ResultProcessor,
  type TypeArg,
  type TypeCompileTarget,
} from "../type-api.js";
import { parseArrayLiteral, serializeArrayLiteral } from "./array-literal.js";
import { cannotBind, cannotRead } from "./errors.js";

/** Options of {@link ARRAY}. */
export interface ArrayOptions<D extends number = number> {
  /**
   * Number of dimensions (1–6). Rendered as that many `[]` and used to tell nested dimensions
   * from elements that are themselves JS arrays (JSON items). Without it, any nested JS array is a
   * dimension, except for JSON items, where only the top level is.
   */
  readonly dimensions?: D;
}

/** `T[]`, `T[][]` or `T[][][]` for 1, 2, 3 dimensions. */
export type NestedArray<T, D extends number> = D extends 3 ? T[][][] : D extends 2 ? T[][] : T[];

/**
 * A PostgreSQL array of `itemType`, JS `T[]` (nested for several dimensions); elements may be
 * `null`. DDL: `<item>[]` (e.g. `INTEGER[]`, `VARCHAR(20)[][]`).
 *
 * Bind: the item bind processor runs on each element, then the array is sent as an array
 * literal string `{…}` (every element quoted and escaped, `null` as `NULL`), which any driver can
 * send as text. Results: {@link columnExpression} selects `CAST(x AS TEXT)` because postgres.js
 * parses `NULL` elements of text arrays as the string `"NULL"` (and as `NaN` in number arrays);
 * the literal is parsed here and the item result processor runs on each element text. A JS array
 * from a driver (expression not applied) is accepted too, its elements passed to the item result
 * processor.
 * @throws ArgumentError for an ARRAY item type (use `dimensions`) or dimensions outside 1–6.
 * @throws CompileError from `compileType` on SQLite, which has no array type.
 */
export class ArrayType<A extends readonly unknown[] = unknown[]> extends TypeEngine<A> {
  readonly affinity = "array" as const;
  readonly itemType: TypeEngine;
  readonly dimensions: number | undefined;
  constructor(itemType: TypeArg, options: ArrayOptions = {}) {
    super();
    const item = toType(itemType);
    if (item instanceof ArrayType) throw new ArgumentError("ARRAY of ARRAY is not supported; use ARRAY(item, { dimensions: n })");
    const d = options.dimensions;
    if (d !== undefined && !(Number.isInteger(d) && d >= 1 && d <= 6)) {
      throw new ArgumentError(`ARRAY dimensions must be an integer from 1 to 6, got ${String(d)}`);
    }
    this.itemType = item;
    this.dimensions = d;
  }
  get cacheKey(): string {
    return `ARRAY(${this.itemType.cacheKey}, ${this.dimensions ?? "*"})`;
  }
  /** The same item type with `n` dimensions: the type of `at(i)` on a multi-dimensional array. */
  withDimensions(n: number): ArrayType<unknown[]> {
    return new ArrayType<unknown[]>(this.itemType, { dimensions: n });
  }
  compileType(dialect: TypeCompileTarget): string {
    if (dialect.name !== "postgresql") throw new CompileError(`ARRAY is PostgreSQL-only; ${dialect.name} has no array type`);
    return this.itemType.compileType(dialect) + "[]".repeat(this.dimensions ?? 1);
  }
  override columnExpression(dialect: DialectName, sql: string): string | undefined {
    return dialect === "postgresql" ? `CAST(${sql} AS TEXT)` : undefined;
  }
  /** Whether a JS array at `depth` (1 = an element of the top level) is a nested dimension. */
  private isLevel(): (v: unknown, depth: number) => boolean {
    const dims = this.dimensions;
    if (dims !== undefined) return (v, depth) => depth < dims && Array.isArray(v);
    if (this.itemType.affinity === "json") return () => false;
    return (v) => Array.isArray(v);
  }
  /**
   * `ARRAY[1, 2, 3]` (nested `ARRAY[ARRAY[…], …]` for more dimensions), each element rendered by
   * the item type's literal processor and `NULL` for null (SQLAlchemy's PostgreSQL ARRAY
   * literal). An empty array needs a type, so it renders as `ARRAY[]::<item>[]`.
   * @throws ArgumentError for a value that is not an array.
   */
  override literalProcessor(dialect: DialectName, render: LiteralRenderer): LiteralProcessor {
    const item = this.itemType.literalProcessor(dialect, render);
    const isLevel = this.isLevel();
    const level = (xs: readonly unknown[], depth: number): string =>
      `ARRAY[${xs.map((x) => (x == null ? "NULL" : isLevel(x, depth + 1) ? level(x as unknown[], depth + 1) : item(x))).join(", ")}]`;
    return (v) => {
      if (!Array.isArray(v)) throw cannotBind("ARRAY", v, "expected an array");
      return v.length === 0 ? `ARRAY[]::${this.compileType({ name: "postgresql" })}` : level(v, 0);
    };
  }

  protected override makeBindProcessor(dialect: DialectName): BindProcessor {
    const item = this.itemType.bindProcessor(dialect);
    const isLevel = this.isLevel();
    const mapLeaves = (xs: readonly unknown[], depth: number): unknown[] =>
      xs.map((x) => (x == null ? null : isLevel(x, depth + 1) ? mapLeaves(x as unknown[], depth + 1) : item!(x)));
    return (v) => {
      if (v == null) return null;
      if (!Array.isArray(v)) throw cannotBind("ARRAY", v, "expected an array");
      return serializeArrayLiteral(item ? mapLeaves(v, 0) : v, isLevel);
    };
  }
  protected override makeResultProcessor(dialect: DialectName): ResultProcessor | undefined {
    const item = this.itemType.resultProcessor(dialect);
    const isLevel = this.isLevel();
    // Parsed literal text: nesting is given by the braces, leaves are strings or null.
    const mapText = (xs: unknown[]): unknown[] =>
      xs.map((x) => (x == null ? null : Array.isArray(x) ? mapText(x) : item!(x)));
    const mapJs = (xs: readonly unknown[], depth: number): unknown[] =>
      xs.map((x) => (x == null ? null : isLevel(x, depth + 1) ? mapJs(x as unknown[], depth + 1) : item!(x)));
    return (v) => {
      if (v == null) return null;
      if (typeof v === "string") {
        const parsed = parseArrayLiteral(v);
        return item ? mapText(parsed) : parsed;
      }
      if (Array.isArray(v)) return item ? mapJs(v, 0) : v;
      throw cannotRead("ARRAY", v);
    };
  }
}

/**
 * SQLAlchemy `ARRAY(itemType, { dimensions })` (PostgreSQL only):
 * `ARRAY(Integer)`, `ARRAY(String(20), { dimensions: 2 })`.
 */
export function ARRAY<I extends TypeArg, const D extends number = 1>(
  itemType: I,
  options?: ArrayOptions<D>,
): ArrayType<NestedArray<JsTypeOf<I>, D>> {
  return new ArrayType<NestedArray<JsTypeOf<I>, D>>(itemType, options);
}

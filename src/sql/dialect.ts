/**
 * Dialect: how one database spells SQL. The base class renders SQLAlchemy's generic ("default")
 * SQL with `:name` parameters, which is what `String(stmt)` shows. PostgreSQL and SQLite subclass
 * it in src/dialects/.
 * @module
 */
import type { DialectName } from "../engine/driver/contract.js";
import type { CompileOptions, SQLCompiler } from "./compiler.js";
import type { ClauseElement } from "./elements.js";

/** Parameter style of compiled SQL: `:name` (display), `?` (SQLite drivers) or `$1` (PostgreSQL drivers). */
export type CompiledParamstyle = "named" | "qmark" | "numeric_dollar";

/** SQL words that are always quoted when used as identifiers (ANSI SQL plus PostgreSQL and SQLite). */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    "all analyse analyze and any array as asc asymmetric authorization between binary both case cast check collate " +
    "collation column concurrently constraint create cross current_catalog current_date current_role current_schema " +
    "current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for " +
    "foreign freeze from full grant group having ilike in initially inner intersect into is isnull join lateral leading " +
    "left like limit localtime localtimestamp natural not notnull null offset on only or order outer over overlaps placing " +
    "primary references returning right select session_user similar some symmetric table tablesample then to trailing " +
    "true union unique user using variadic verbose when where window with abort action add after alter attach autoincrement " +
    "before begin by cascade conflict database deferred delete detach each escape exclusive exists explain fail filter " +
    "following glob if ignore immediate index indexed insert instead key match materialized no nothing of others partition " +
    "plan pragma preceding query raise range recursive regexp reindex release rename replace restrict row rows rollback " +
    "savepoint set temp temporary ties transaction trigger unbounded update vacuum values view virtual without"
  ).split(" "),
);

const LEGAL = /^[a-z_][a-z0-9_$]*$/;

/** Dialect base class; `name` "default" is the display dialect. */
export class Dialect {
  /** Dialect name; "default" renders generic SQL for display. */
  readonly name: DialectName | "default" = "default";
  readonly paramstyle: CompiledParamstyle = "named";
  /** Largest number of bound parameters per statement. */
  readonly maxParams: number = 32766;
  /** Name used for type processors and DDL type spelling. */
  get typeDialect(): DialectName {
    return this.name === "default" ? "postgresql" : this.name;
  }
  /** Whether `ident` must be quoted (reserved, mixed case, or not a plain identifier). */
  requiresQuotes(ident: string): boolean {
    return RESERVED_WORDS.has(ident.toLowerCase()) || !LEGAL.test(ident);
  }
  /**
   * Quote an identifier when needed, doubling embedded quotes. `force` is SQLAlchemy's
   * `quote=` flag of a name: `true` always quotes, `false` never does, `undefined` decides.
   */
  quoteIdentifier(ident: string, force?: boolean): string {
    return (force ?? this.requiresQuotes(ident)) ? `"${ident.replace(/"/g, '""')}"` : ident;
  }
  /**
   * What an empty expanding IN list renders as, inside `IN (…)`: SQLAlchemy 1.4's
   * `IN (NULL) AND (1 != 1)` (always false) and `NOT IN (NULL) OR (1 = 1)` (always true);
   * a tuple IN of `width` members uses `((NULL, NULL, …))`.
   */
  emptySetOp(op: "in" | "notIn", width = 1): string {
    const nulls = width > 1 ? `(${Array.from({ length: width }, () => "NULL").join(", ")})` : "NULL";
    return op === "notIn" ? `${nulls}) OR (1 = 1` : `${nulls}) AND (1 != 1`;
  }
  /** Make a statement compiler for this dialect. */
  createCompiler(stmt: ClauseElement, opts: CompileOptions): SQLCompiler {
    return new (this.compilerClass())(this, stmt, opts);
  }
  /** The compiler class; dialect subclasses override. */
  compilerClass(): new (dialect: Dialect, stmt: ClauseElement, opts: CompileOptions) => SQLCompiler {
    return defaultCompilerClass!;
  }
}

let defaultCompilerClass: (new (dialect: Dialect, stmt: ClauseElement, opts: CompileOptions) => SQLCompiler) | undefined;
/** @internal Registered by compiler.ts to avoid an import cycle. */
export function registerDefaultCompiler(cls: new (dialect: Dialect, stmt: ClauseElement, opts: CompileOptions) => SQLCompiler): void {
  defaultCompilerClass = cls;
}

/** The display dialect used by `String(stmt)`. */
export const defaultDialect = /* @__PURE__ */ new Dialect();

/** The SQLite dialect: `?` parameters, 32766 parameters per statement (SQLITE_MAX_VARIABLE_NUMBER). @module */
import { Dialect } from "../../sql/dialect.js";
import { SQLiteCompiler } from "./compiler.js";
import type { CompileOptions, SQLCompiler } from "../../sql/compiler.js";
import type { ClauseElement } from "../../sql/elements.js";

/** SQLite dialect. */
export class SQLiteDialect extends Dialect {
  override readonly name = "sqlite" as const;
  override readonly paramstyle = "qmark" as const;
  override readonly maxParams = 32766;
  /** SQLite has no sequences: a column's Sequence is ignored on INSERT, as SQLAlchemy's `supports_sequences = False`. */
  readonly supportsSequences = false;
  override compilerClass(): new (dialect: Dialect, stmt: ClauseElement, opts: CompileOptions) => SQLCompiler {
    return SQLiteCompiler;
  }
}
/** Shared SQLite dialect instance. */
export const sqliteDialect = /* @__PURE__ */ new SQLiteDialect();

/**
 * `athanor/dialects/sqlite`: the SQLite dialect and its constructs.
 * @module
 */
import { UpsertInsert } from "../on-conflict.js";
import type { ColumnMap, TableClause } from "../../sql/selectable.js";
import type { DmlTarget } from "../../sql/dml.js";

export { SQLiteDialect, sqliteDialect } from "./dialect.js";
import { sqliteDialect as _sqliteDialect, type SQLiteDialect as _SQLiteDialect } from "./dialect.js";
/**
 * The SQLite dialect, as SQLAlchemy's `sqlite.dialect()`:
 * `stmt.compile({ dialect: dialect() })`. Dialects hold no state, so this is the shared instance.
 */
export function dialect(): _SQLiteDialect {
  return _sqliteDialect;
}
export { SQLiteCompiler } from "./compiler.js";
export { OnConflictClause, UpsertInsert, type OnConflictDoNothingOptions, type OnConflictDoUpdateOptions } from "../on-conflict.js";

/**
 * SQLite `insert(table)`: an INSERT with `onConflictDoNothing()`, `onConflictDoUpdate()` and
 * `excluded` (SQLAlchemy's `sqlalchemy.dialects.sqlite.insert`). `constraint` is not supported.
 */
export function insert<C extends ColumnMap>(table: TableClause<C> | DmlTarget<C>): UpsertInsert<C> {
  return new UpsertInsert<C>(table);
}

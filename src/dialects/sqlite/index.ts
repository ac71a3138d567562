/**
 * `athanor/dialects/sqlite`: the SQLite dialect and its constructs.
 * @module
 */
import { UpsertInsert } from "../on-conflict.js";
import type { ColumnMap, TableClause } from "../../sql/selectable.js";
import type { DmlTarget } from "../../sql/dml.js";

export { SQLiteDialect, sqliteDialect } from "./dialect.js";
export { SQLiteCompiler } from "./compiler.js";
export { OnConflictClause, UpsertInsert, type OnConflictDoNothingOptions, type OnConflictDoUpdateOptions } from "../on-conflict.js";

/**
 * SQLite `insert(table)`: an INSERT with `onConflictDoNothing()`, `onConflictDoUpdate()` and
 * `excluded` (SQLAlchemy's `sqlalchemy.dialects.sqlite.insert`). `constraint` is not supported.
 */
export function insert<C extends ColumnMap>(table: TableClause<C> | DmlTarget<C>): UpsertInsert<C> {
  return new UpsertInsert<C>(table);
}

/**
 * `athanor/dialects/postgresql`: the PostgreSQL dialect and its constructs.
 * @module
 */
import { UpsertInsert } from "../on-conflict.js";
import type { ColumnMap, TableClause } from "../../sql/selectable.js";
import type { DmlTarget } from "../../sql/dml.js";

export { PGDialect, postgresqlDialect } from "./dialect.js";
export { PGCompiler } from "./compiler.js";
export { OnConflictClause, UpsertInsert, type OnConflictDoNothingOptions, type OnConflictDoUpdateOptions } from "../on-conflict.js";

/**
 * PostgreSQL `insert(table)`: an INSERT with `onConflictDoNothing()`, `onConflictDoUpdate()` and
 * `excluded` (SQLAlchemy's `sqlalchemy.dialects.postgresql.insert`).
 */
export function insert<C extends ColumnMap>(table: TableClause<C> | DmlTarget<C>): UpsertInsert<C> {
  return new UpsertInsert<C>(table);
}

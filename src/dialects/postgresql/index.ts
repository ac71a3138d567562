/**
 * `athanor/dialects/postgresql`: the PostgreSQL dialect and its constructs.
 * @module
 */
import { UpsertInsert } from "../on-conflict.js";
import type { ColumnMap, TableClause } from "../../sql/selectable.js";
import type { DmlTarget } from "../../sql/dml.js";

export { PGDialect, postgresqlDialect } from "./dialect.js";
import { postgresqlDialect as _postgresqlDialect, type PGDialect as _PGDialect } from "./dialect.js";
/**
 * The PostgreSQL dialect, as SQLAlchemy's `postgresql.dialect()`:
 * `stmt.compile({ dialect: dialect() })`. Dialects hold no state, so this is the shared instance.
 */
export function dialect(): _PGDialect {
  return _postgresqlDialect;
}
export { PGCompiler } from "./compiler.js";
export { OnConflictClause, UpsertInsert, type OnConflictDoNothingOptions, type OnConflictDoUpdateOptions } from "../on-conflict.js";

/**
 * PostgreSQL `insert(table)`: an INSERT with `onConflictDoNothing()`, `onConflictDoUpdate()` and
 * `excluded` (SQLAlchemy's `sqlalchemy.dialects.postgresql.insert`).
 */
export function insert<C extends ColumnMap>(table: TableClause<C> | DmlTarget<C>): UpsertInsert<C> {
  return new UpsertInsert<C>(table);
}

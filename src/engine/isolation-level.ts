/**
 * Isolation level names per dialect, as SQLAlchemy's dialects list them
 * (`get_isolation_level_values()`), and the check SQLAlchemy runs when a connection starts or
 * `executionOptions({ isolationLevel })` is called.
 * @module
 */
import { ArgumentError } from "../errors.js";
import type { DialectName } from "./driver/contract.js";

const LEVELS: Readonly<Record<DialectName, readonly string[]>> = {
  postgresql: ["AUTOCOMMIT", "READ COMMITTED", "READ UNCOMMITTED", "REPEATABLE READ", "SERIALIZABLE"],
  sqlite: ["AUTOCOMMIT", "READ UNCOMMITTED", "SERIALIZABLE"],
};

/** SQLAlchemy's spelling of a level: upper case, underscores as spaces ("repeatable_read" → "REPEATABLE READ"). */
export function normalizeIsolationLevel(level: string): string {
  return level.replace(/_/g, " ").trim().toUpperCase();
}

/**
 * Check `level` against the dialect's isolation levels.
 * @throws ArgumentError with SQLAlchemy's message ("Invalid value 'FOO' for isolation_level.
 *   Valid isolation levels for 'sqlite' are AUTOCOMMIT, READ UNCOMMITTED, SERIALIZABLE").
 */
export function checkIsolationLevel(dialect: DialectName, level: string | undefined): void {
  if (level === undefined) return;
  const valid = LEVELS[dialect];
  if (!valid.includes(normalizeIsolationLevel(level))) {
    throw new ArgumentError(
      `Invalid value '${level}' for isolation_level. Valid isolation levels for '${dialect}' are ${valid.join(", ")}`,
    );
  }
}

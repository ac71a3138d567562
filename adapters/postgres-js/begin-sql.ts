/**
 * BEGIN statement text for PostgreSQL adapters (postgres.js, PGlite).
 * @module
 */
import type { BeginOptions } from "../../src/engine/driver/contract.js";
import { PgAdapterError } from "./sqlstate.js";

/** The isolation levels PostgreSQL accepts in BEGIN ISOLATION LEVEL. */
export const ISOLATION_LEVELS = new Set(["READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"]);

/**
 * `BEGIN [ISOLATION LEVEL x] [READ ONLY]` for PostgreSQL.
 * @throws PgAdapterError ("notSupported") for an isolation level PostgreSQL does not know;
 *   the level is validated because it is spliced into SQL text.
 */
export function beginSql(opts: BeginOptions | undefined): string {
  let sql = "BEGIN";
  if (opts?.isolationLevel !== undefined) {
    const level = opts.isolationLevel.trim().toUpperCase().replace(/\s+/g, " ");
    if (!ISOLATION_LEVELS.has(level)) {
      throw new PgAdapterError(
        "notSupported",
        "ISOLATION_LEVEL_NOT_SUPPORTED",
        `postgresql: unknown isolation level ${JSON.stringify(opts.isolationLevel)}; expected one of ${[...ISOLATION_LEVELS].join(", ")}`,
      );
    }
    sql += ` ISOLATION LEVEL ${level}`;
  }
  if (opts?.readOnly) sql += " READ ONLY";
  return sql;
}

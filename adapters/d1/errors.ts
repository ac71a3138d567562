/**
 * Classification of Cloudflare D1 errors into the driver contract's PEP 249 categories.
 *
 * D1 throws plain `Error`s whose message carries everything: a D1 prefix, SQLite's message,
 * and SQLite's result code names, e.g.
 * `D1_ERROR: UNIQUE constraint failed: t.name: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)`,
 * `D1_ERROR: no such table: nope: SQLITE_ERROR`, `D1_TYPE_ERROR: Type 'bigint' not supported …`.
 * @module
 */
import { sqliteErrorKind, type DriverErrorInfo, type DriverErrorKind } from "../../src/engine/driver/contract.js";

/** An error raised by the adapter itself (a statement D1 cannot run, a value it cannot bind). */
export class D1AdapterError extends Error {
  constructor(
    /** Category the engine should map this error to. */
    readonly kind: DriverErrorKind,
    /** Stable machine-readable code, e.g. "D1_NO_TRANSACTIONS". */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "D1AdapterError";
  }
}

const D1_PREFIX = /^(D1_[A-Z_]+):\s*/;
const SQLITE_CODES = /:\s*(SQLITE_[A-Z]+)(?:\s*\(extended:\s*(SQLITE_[A-Z_]+)\))?\s*$/;

/** The CHECK constraint name SQLite puts in its message ("CHECK constraint failed: ck_x"). */
function constraintFrom(message: string): string | undefined {
  const m = /CHECK constraint failed: ([A-Za-z_][\w$]*)/.exec(message);
  return m ? m[1] : undefined;
}

/**
 * Classify an error thrown through the D1 adapter.
 *
 * - Messages ending in a SQLite code: by SQLite's primary code, as for every SQLite driver —
 *   SQLITE_CONSTRAINT → "integrity" (`code` is the extended code, e.g.
 *   "SQLITE_CONSTRAINT_UNIQUE"), SQLITE_ERROR (unknown table, syntax error, too many SQL
 *   variables) → "programming", SQLITE_MISMATCH/TOOBIG/RANGE → "data", busy/I/O → "operational".
 * - `D1_TYPE_ERROR` (a value D1 cannot bind) → "interface".
 * - D1's refusal of BEGIN/SAVEPOINT ("…use the state.storage.transaction()…") → "notSupported".
 * - `D1_COLUMN_NOTFOUND` and "No SQL statements detected" → "programming".
 * - Other `D1_*` errors (network connection lost, overloaded, storage reset, timeouts) →
 *   "operational": the statement may not have run; nothing about the SQL was wrong.
 * @returns undefined when `err` did not come from D1 or this adapter.
 */
export function describeD1Error(err: unknown): DriverErrorInfo | undefined {
  if (err instanceof D1AdapterError) return { kind: err.kind, code: err.code, message: err.message };
  if (!(err instanceof Error)) return undefined;
  const message = err.message;
  const prefix = D1_PREFIX.exec(message);
  if (prefix === null) return undefined;
  const d1Code = prefix[1]!;
  const codes = SQLITE_CODES.exec(message);
  if (codes !== null) {
    const primary = codes[1]!;
    const kind = (sqliteErrorKind(primary) ?? "database");
    const constraint = kind === "integrity" ? constraintFrom(message) : undefined;
    return { kind, code: codes[2] ?? primary, message, ...(constraint !== undefined ? { constraint } : {}) };
  }
  if (d1Code === "D1_TYPE_ERROR") return { kind: "interface", code: d1Code, message };
  if (/BEGIN TRANSACTION or SAVEPOINT|state\.storage\.transaction/.test(message)) {
    return { kind: "notSupported", code: d1Code, message };
  }
  if (d1Code === "D1_COLUMN_NOTFOUND" || /No SQL statements detected/i.test(message)) {
    return { kind: "programming", code: d1Code, message };
  }
  return { kind: "operational", code: d1Code, message };
}

/**
 * Classification of errors raised by @libsql/client (and by this adapter) into the driver
 * contract's PEP 249 categories.
 *
 * `LibsqlError.code` is SQLite's primary result code name ("SQLITE_CONSTRAINT") or a client
 * code ("TRANSACTION_ACTIVE", "CLIENT_CLOSED", "HRANA_WEBSOCKET_ERROR"…); `extendedCode`
 * carries the extended result code ("SQLITE_CONSTRAINT_UNIQUE") where SQLite gives one.
 * @module
 */
import { sqliteErrorKind, type DriverErrorInfo, type DriverErrorKind } from "../../src/engine/driver/contract.js";
import { LockTimeoutError } from "./async-lock.js";

/** An error raised by the adapter itself (misuse of a connection, unsupported option). */
export class LibsqlAdapterError extends Error {
  constructor(
    /** Category the engine should map this error to. */
    readonly kind: DriverErrorKind,
    /** Stable machine-readable code, e.g. "CONNECTION_RELEASED". */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "LibsqlAdapterError";
  }
}

/** Client and sqld / Turso (Hrana) codes for connection-level failures. */
const OPERATIONAL = new Set([
  "TRANSACTION_ACTIVE",
  "TRANSACTION_CLOSED",
  "TRANSACTION_TIMEOUT",
  "CLIENT_CLOSED",
  "SERVER_ERROR",
  "PROTOCOL_VERSION_UNKNOWN",
  "STREAM_EXPIRED",
  "STREAM_CLOSED",
  "TRANSACTION_BUSY",
  "BLOCKED",
  "RESPONSE_TOO_LARGE",
  "HRANA_PROTO_ERROR",
  "PROTOCOL_VERSION_ERROR",
  "PROXY_ERROR",
]);
/** Hrana codes for statements the server refused to run as written. */
const PROGRAMMING = new Set([
  "SQL_INPUT_ERROR",
  "SQL_PARSE_ERROR",
  "SQL_NO_STATEMENT",
  "SQL_MANY_STATEMENTS",
  "SQL_NOT_FOUND",
  "ARGS_INVALID",
  "ARGS_BOTH_POSITIONAL_AND_NAMED",
]);
/** Client codes after which the client (or its stream) cannot be used again. */
const INVALIDATING = new Set([
  "CLIENT_CLOSED",
  "STREAM_EXPIRED",
  "STREAM_CLOSED",
  "TRANSACTION_TIMEOUT",
  "HRANA_WEBSOCKET_ERROR",
  "HRANA_CLOSED_ERROR",
]);

interface LibsqlErrorShape {
  readonly name: string;
  readonly message: string;
  readonly code?: unknown;
  readonly extendedCode?: unknown;
}

function isLibsqlError(err: unknown): err is LibsqlErrorShape & Error {
  return err instanceof Error && err.name.startsWith("Libsql") && "code" in err;
}

/** The primary code of an extended one: "SQLITE_CONSTRAINT_UNIQUE" -> "SQLITE_CONSTRAINT". */
function primaryCode(code: string): string {
  const m = /^SQLITE_[A-Z]+/.exec(code);
  return m ? m[0] : code;
}

function kindOf(primary: string, code: string): DriverErrorKind {
  if (PROGRAMMING.has(code)) return "programming";
  if (OPERATIONAL.has(code)) return "operational";
  const sqlite = sqliteErrorKind(primary);
  if (sqlite !== undefined) return sqlite;
  if (code.startsWith("URL_")) return "interface";
  if (code.startsWith("HRANA_")) return "operational";
  return "database";
}

/**
 * Remote errors carry only SQLite's primary code (Hrana has no extended codes). Where the
 * message names the constraint kind unambiguously, recover the extended code local clients
 * report, so the same violation has the same code on every libSQL transport. ("UNIQUE
 * constraint failed" stays primary: SQLite also words rowid PRIMARY KEY violations that way.)
 */
function extendedFromMessage(message: string): string | undefined {
  if (message.includes("FOREIGN KEY constraint failed")) return "SQLITE_CONSTRAINT_FOREIGNKEY";
  if (message.includes("NOT NULL constraint failed")) return "SQLITE_CONSTRAINT_NOTNULL";
  if (message.includes("CHECK constraint failed")) return "SQLITE_CONSTRAINT_CHECK";
  return undefined;
}

/** The CHECK constraint name SQLite puts in its message ("CHECK constraint failed: ck_x"). */
function constraintFrom(message: string): string | undefined {
  const m = /CHECK constraint failed: ([A-Za-z_][\w$]*)/.exec(message);
  return m ? m[1] : undefined;
}

/**
 * Classify an error thrown through the libSQL adapter.
 *
 * - SQLite constraint failures → "integrity"; `code` is the extended code when known
 *   (e.g. "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_FOREIGNKEY"; remote servers send only
 *   "SQLITE_CONSTRAINT", refined from the message for FOREIGN KEY / NOT NULL / CHECK).
 * - SQLITE_ERROR ("no such table", "syntax error", …), SQLITE_MISUSE, and sqld's refusals
 *   (SQL_INPUT_ERROR, SQL_PARSE_ERROR, SQL_MANY_STATEMENTS, ARGS_INVALID, …) → "programming".
 * - sqld's SQLITE_UNKNOWN (its name for a run-time SQLITE_ERROR) → "database".
 * - Server-side faults (TRANSACTION_TIMEOUT/BUSY, STREAM_EXPIRED, SERVER_ERROR, HTTP and
 *   protocol errors) → "operational"; expired/closed streams mark the connection invalidated.
 * - SQLITE_MISMATCH/TOOBIG/RANGE, and the client's RangeError for integers outside ±2^53
 *   (intMode "number") or out-of-range bigint arguments → "data".
 * - Busy/locked/I/O/open failures, TRANSACTION_ACTIVE, client/network errors, and this
 *   adapter's lock timeout → "operational".
 * @returns undefined when `err` did not come from libSQL or this adapter.
 */
export function describeLibsqlError(err: unknown): DriverErrorInfo | undefined {
  if (err instanceof LockTimeoutError) {
    return { kind: "operational", code: err.code, message: err.message };
  }
  if (err instanceof LibsqlAdapterError) {
    return { kind: err.kind, code: err.code, message: err.message };
  }
  if (isLibsqlError(err)) {
    const base = typeof err.code === "string" ? err.code : "SQLITE_UNKNOWN";
    const extended =
      typeof err.extendedCode === "string" && err.extendedCode !== ""
        ? err.extendedCode
        : base === "SQLITE_CONSTRAINT"
          ? extendedFromMessage(err.message)
          : undefined;
    const code = extended ?? base;
    const kind = kindOf(primaryCode(base), base);
    const constraint = kind === "integrity" ? constraintFrom(err.message) : undefined;
    return {
      kind,
      code,
      message: err.message,
      ...(constraint !== undefined ? { constraint } : {}),
      ...(INVALIDATING.has(base) ? { connectionInvalidated: true } : {}),
    };
  }
  if (err instanceof RangeError && /integer|bigint|finite numbers/i.test(err.message)) {
    return { kind: "data", message: err.message };
  }
  if (err instanceof TypeError && /cannot be passed as argument/i.test(err.message)) {
    return { kind: "interface", message: err.message };
  }
  return undefined;
}

/**
 * PostgreSQL SQLSTATE → PEP 249 category, shared by every PostgreSQL adapter (postgres.js,
 * PGlite). No driver import: errors are recognised by shape.
 *
 * The class table follows psycopg2's mapping of SQLSTATE classes to DBAPI exceptions (which
 * SQLAlchemy re-raises as IntegrityError, DataError, …), see PostgreSQL's Appendix A.
 * @module
 */
import type { DriverErrorInfo, DriverErrorKind } from "../../src/engine/driver/contract.js";

const CLASS_KIND: Readonly<Record<string, DriverErrorKind>> = {
  "0A": "notSupported",
  "08": "operational",
  "20": "programming",
  "21": "programming",
  "22": "data",
  "23": "integrity",
  "24": "internal",
  "25": "internal",
  "26": "operational",
  "27": "operational",
  "28": "operational",
  "2B": "internal",
  "2D": "internal",
  "2F": "internal",
  "34": "operational",
  "38": "internal",
  "39": "internal",
  "3B": "internal",
  "3D": "programming",
  "3F": "programming",
  "40": "operational",
  "42": "programming",
  "44": "programming",
  "53": "operational",
  "54": "operational",
  "55": "operational",
  "57": "operational",
  "58": "operational",
  F0: "operational",
  HV: "operational",
  P0: "internal",
  XX: "internal",
};

/** SQLSTATEs after which the session is gone (connection failure, server shutdown). */
function invalidates(code: string): boolean {
  return code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03";
}

/** The category of a SQLSTATE; "database" for classes without a more specific one. */
export function kindOfSqlstate(code: string): DriverErrorKind {
  return CLASS_KIND[code.slice(0, 2)] ?? "database";
}

interface ServerErrorShape {
  readonly message: string;
  readonly code: string;
  readonly constraint_name?: unknown;
  readonly constraint?: unknown;
}

/**
 * True for an error reported by a PostgreSQL server (or PGlite's in-process one): it carries a
 * five-character SQLSTATE and either a severity or postgres.js's PostgresError name. A plain
 * Error whose code is five digits (postgres.js raises "57014" itself on cancel) also counts.
 */
export function isServerError(err: unknown): err is Error & ServerErrorShape {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) return false;
  return err.name === "PostgresError" || "severity" in err || /^\d{5}$/.test(code);
}

/** Classify a server error; `code` is the SQLSTATE, `constraint` the violated constraint. */
export function describeServerError(err: Error & ServerErrorShape): DriverErrorInfo {
  const c = err.constraint_name ?? err.constraint;
  const constraint = typeof c === "string" && c !== "" ? c : undefined;
  return {
    kind: kindOfSqlstate(err.code),
    code: err.code,
    message: err.message,
    ...(constraint !== undefined ? { constraint } : {}),
    ...(invalidates(err.code) ? { connectionInvalidated: true } : {}),
  };
}

/** An error raised by a PostgreSQL adapter itself (misuse, unsupported option). */
export class PgAdapterError extends Error {
  constructor(
    /** Category the engine should map this error to. */
    readonly kind: DriverErrorKind,
    /** Stable machine-readable code, e.g. "CURSOR_OPEN". */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "PgAdapterError";
  }
}

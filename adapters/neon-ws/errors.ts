/**
 * Classification of errors raised through the Neon WebSocket adapter (node-postgres over a
 * WebSocket).
 * @module
 */
import type { DriverErrorInfo } from "../../src/engine/driver/contract.js";
import { describeServerError, isServerError, PgAdapterError } from "../postgres-js/sqlstate.js";

/** node-postgres messages (no error codes) meaning the connection is gone. */
const LOST = [
  /Connection terminated/i,
  /connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /timeout exceeded when trying to connect/i,
  /WebSocket/i,
  /socket hang up/i,
];

/** Network error codes meaning the connection is gone or was never made. */
const LOST_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

/** True when `err` leaves the connection unusable (the adapter then destroys it on release). */
export function isConnectionLost(err: unknown): boolean {
  if (!(err instanceof Error) || isServerError(err)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && LOST_CODES.has(code)) return true;
  return LOST.some((re) => re.test(err.message));
}

/**
 * Classify an error thrown through the neon-ws adapter: server errors by SQLSTATE class (as
 * the postgres.js adapter; node-postgres's DatabaseError carries `code`, `severity` and
 * `constraint`), lost connections as "operational" with `connectionInvalidated`, this
 * adapter's misuse errors by their own kind.
 * @returns undefined for errors that are none of these.
 */
export function describeNeonWsError(err: unknown): DriverErrorInfo | undefined {
  if (err instanceof PgAdapterError) return { kind: err.kind, code: err.code, message: err.message };
  if (isServerError(err)) return describeServerError(err);
  if (isConnectionLost(err)) {
    const code = (err as { code?: unknown }).code;
    return {
      kind: "operational",
      code: typeof code === "string" ? code : "CONNECTION_LOST",
      message: (err as Error).message,
      connectionInvalidated: true,
    };
  }
  return undefined;
}

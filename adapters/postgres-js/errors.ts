/**
 * Classification of errors raised through postgres.js.
 * @module
 */
import type { DriverErrorInfo } from "../../src/engine/driver/contract.js";
import { describeServerError, isServerError, PgAdapterError } from "./sqlstate.js";

/** postgres.js client-side codes meaning the socket is gone. */
const CONNECTION_LOST = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/** Other postgres.js client-side codes. */
const CLIENT_KIND: Readonly<Record<string, DriverErrorInfo["kind"]>> = {
  UNDEFINED_VALUE: "interface",
  MAX_PARAMETERS_EXCEEDED: "programming",
  UNSAFE_TRANSACTION: "interface",
  NOT_TAGGED_CALL: "interface",
  COPY_IN_PROGRESS: "interface",
  MESSAGE_NOT_SUPPORTED: "notSupported",
  SASL_SIGNATURE_MISMATCH: "operational",
  AUTH_TYPE_NOT_IMPLEMENTED: "notSupported",
};

/**
 * Classify an error thrown through the postgres.js adapter.
 *
 * Server errors map by SQLSTATE class (23 integrity, 22 data, 42 programming, 08/53/57/40
 * operational, 0A notSupported, XX internal, …) with `code` = SQLSTATE and `constraint` =
 * `constraint_name`. Lost connections (ECONNREFUSED, CONNECTION_CLOSED, CONNECT_TIMEOUT, …)
 * are "operational" with `connectionInvalidated`.
 * @returns undefined for errors that are neither from postgres.js nor from this adapter.
 */
export function describePostgresJsError(err: unknown): DriverErrorInfo | undefined {
  if (err instanceof PgAdapterError) return { kind: err.kind, code: err.code, message: err.message };
  if (isServerError(err)) return describeServerError(err);
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string") return undefined;
  if (CONNECTION_LOST.has(code)) {
    return { kind: "operational", code, message: err.message, connectionInvalidated: true };
  }
  const kind = CLIENT_KIND[code];
  return kind !== undefined ? { kind, code, message: err.message } : undefined;
}

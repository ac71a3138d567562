/**
 * Errors of the Neon HTTP adapter: classification by SQLSTATE class (as the postgres.js
 * adapter), plus what a failed request means for the data: whether it was rolled back or its
 * outcome is unknown, and whether sending it again is safe.
 *
 * What Neon guarantees (neondatabase/neon `proxy/src/serverless/sql_over_http.rs`):
 * - A batch (`transaction([...])`) runs BEGIN, the statements, then COMMIT, and only then
 *   answers 200. The first failing statement rolls the batch back and answers 400 with the
 *   Postgres error (SQLSTATE in `code`). A COMMIT that fails with a Postgres error (deferred
 *   constraint, serialization failure) answers 400 with that error: PostgreSQL rolled back.
 * - Neon answers 500 (JSON `{message, code: "", …}`) for failures before or instead of COMMIT:
 *   the compute could not be reached or woken, a proxy-side query failed, the result could not
 *   be converted, or the query was cancelled; in each case the transaction is discarded.
 * - A 400 whose `code` is "" is a proxy-side failure without a Postgres error: a malformed
 *   request, or the compute connection lost while running a statement or during COMMIT. The
 *   latter leaves the outcome unknown.
 * - When the HTTP exchange itself fails (connection reset or dropped, timeout), the client
 *   cannot know whether COMMIT happened: the proxy may have committed and then failed to
 *   deliver the answer. Only a refused connection / failed DNS lookup proves nothing was sent.
 * - 5xx answers that are not Neon's JSON (502/503/504 from gateways and CDNs) and 507
 *   ("response is too large", raised after a single autocommit statement ran) are not proof
 *   of a rollback either.
 * @module
 */
import type { DriverErrorInfo, DriverErrorKind } from "../../src/engine/driver/contract.js";
import { kindOfSqlstate } from "../postgres-js/sqlstate.js";

/** Whether a failed request's writes are known not to have persisted. */
export type NeonRequestOutcome =
  /** Nothing from the request persisted: it failed before COMMIT, or was never sent. */
  | "rolledBack"
  /** The request may or may not have committed (e.g. the connection dropped before the answer). */
  | "unknown";

/** {@link DriverErrorInfo} plus the Neon HTTP request's outcome. */
export interface NeonHttpErrorInfo extends DriverErrorInfo {
  readonly outcome: NeonRequestOutcome;
  /**
   * True when sending the same request again cannot apply its writes twice and may succeed:
   * the outcome is "rolledBack" and the failure is transient (HTTP 500 from Neon, a refused
   * connection, serialization failure 40001, deadlock 40P01, …). False for a deterministic SQL
   * error (a retry would fail the same way) and whenever the outcome is unknown.
   */
  readonly retrySafe: boolean;
  /** HTTP status of the answer, when there was one. */
  readonly httpStatus?: number;
}

/** Postgres error fields Neon forwards (its `errorFields`). */
export interface NeonPgErrorFields {
  readonly severity?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: string;
  readonly internalPosition?: string;
  readonly internalQuery?: string;
  readonly where?: string;
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly dataType?: string;
  readonly file?: string;
  readonly line?: string;
  readonly routine?: string;
}

const PG_FIELDS = [
  "severity", "detail", "hint", "position", "internalPosition", "internalQuery", "where", "schema",
  "table", "column", "dataType", "file", "line", "routine",
] as const;

/**
 * An error from a Neon HTTP request, raised by this adapter's connections (the engine wraps it
 * as a DBAPIError subclass; find it as `err.orig`). `cause` is the @neondatabase/serverless
 * error (`NeonDbError`) or the fetch error.
 */
export class NeonHttpError extends Error implements NeonHttpErrorInfo {
  override name = "NeonHttpError";
  readonly kind: DriverErrorKind;
  /** SQLSTATE for database errors; otherwise NEON_FETCH_FAILED, NEON_HTTP_<status>, NEON_PROXY, NEON_CLIENT or NEON_RESPONSE. */
  readonly code: string;
  readonly constraint?: string;
  readonly connectionInvalidated: boolean;
  readonly outcome: NeonRequestOutcome;
  readonly retrySafe: boolean;
  readonly httpStatus?: number;
  /** "query" for one autocommit statement, "batch" for a `transaction([...])` request. */
  readonly request: "query" | "batch";
  /** The Postgres error fields Neon sent (detail, hint, table, …), where present. */
  readonly pg: NeonPgErrorFields;

  constructor(info: NeonHttpErrorInfo & { code: string; request: "query" | "batch"; pg?: NeonPgErrorFields }, cause: unknown) {
    super(info.message, { cause });
    this.kind = info.kind;
    this.code = info.code;
    if (info.constraint !== undefined) this.constraint = info.constraint;
    this.connectionInvalidated = info.connectionInvalidated ?? false;
    this.outcome = info.outcome;
    this.retrySafe = info.retrySafe;
    if (info.httpStatus !== undefined) this.httpStatus = info.httpStatus;
    this.request = info.request;
    this.pg = info.pg ?? {};
  }

  /** The classification the engine reads through `describeError`. */
  info(): NeonHttpErrorInfo {
    return {
      kind: this.kind,
      code: this.code,
      message: this.message,
      ...(this.constraint !== undefined ? { constraint: this.constraint } : {}),
      ...(this.connectionInvalidated ? { connectionInvalidated: true } : {}),
      outcome: this.outcome,
      retrySafe: this.retrySafe,
      ...(this.httpStatus !== undefined ? { httpStatus: this.httpStatus } : {}),
    };
  }
}

/** Network error codes proving the request never reached the server. */
const NEVER_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** SQLSTATEs after which the transaction was rolled back and a retry may succeed. */
function transientSqlstate(code: string): boolean {
  return code.startsWith("40") || code.startsWith("53") || code === "55P03" || code === "57P01" || code === "57P02" || code === "57P03";
}

function invalidatesSqlstate(code: string): boolean {
  return code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03";
}

interface NeonDbErrorShape extends Error {
  readonly code?: string;
  readonly constraint?: string;
  readonly sourceError?: unknown;
  readonly [field: string]: unknown;
}

/** True for @neondatabase/serverless's `NeonDbError` (recognised by name: no driver import). */
export function isNeonDbError(err: unknown): err is NeonDbErrorShape {
  return err instanceof Error && err.name === "NeonDbError";
}

function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

function pgFields(err: NeonDbErrorShape): NeonPgErrorFields {
  const out: Record<string, string> = {};
  for (const f of PG_FIELDS) {
    const v = err[f];
    if (typeof v === "string" && v !== "") out[f] = v;
  }
  return out;
}

const HTTP_STATUS = /^Server error \(HTTP status (\d{3})\): ([\s\S]*)$/;

/**
 * Turn whatever a `neon()` query or `transaction()` threw into a {@link NeonHttpError}.
 * `request` says whether it was a batch (affects 507, see the module notes).
 */
export function toNeonHttpError(err: unknown, request: "query" | "batch"): NeonHttpError {
  if (err instanceof NeonHttpError) return err;
  if (!isNeonDbError(err)) {
    // Not from the HTTP exchange's status handling: reading or parsing the answer failed after
    // a 2xx (the request ran), or a parameter could not be prepared (nothing was sent).
    const message = err instanceof Error ? err.message : String(err);
    return new NeonHttpError(
      { kind: "interface", code: "NEON_RESPONSE", message: `neon-http: ${message}`, outcome: "unknown", retrySafe: false, request },
      err,
    );
  }
  if (err.sourceError !== undefined) {
    const net = networkCode(err.sourceError);
    const neverSent = net !== undefined && NEVER_SENT.has(net);
    return new NeonHttpError(
      {
        kind: "operational",
        code: "NEON_FETCH_FAILED",
        message:
          `neon-http: the HTTP request failed (${net ?? "no error code"}): ${err.message}. ` +
          (neverSent
            ? "The request never reached the server; nothing ran."
            : "The server may or may not have run and committed it; do not resend writes blindly."),
        connectionInvalidated: true,
        outcome: neverSent ? "rolledBack" : "unknown",
        retrySafe: neverSent,
        request,
      },
      err,
    );
  }
  const http = HTTP_STATUS.exec(err.message);
  if (http) {
    const status = Number(http[1]);
    let neonShaped = false;
    let detail = http[2];
    try {
      const body = JSON.parse(http[2]) as { message?: unknown };
      if (typeof body.message === "string") {
        neonShaped = true;
        detail = body.message;
      }
    } catch {
      // a gateway's HTML or plain-text page
    }
    const rolledBack = (status === 500 && neonShaped) || (status === 507 && request === "batch");
    return new NeonHttpError(
      {
        kind: "operational",
        code: `NEON_HTTP_${status}`,
        message: `neon-http: HTTP ${status} from the SQL endpoint: ${detail}`,
        connectionInvalidated: true,
        outcome: rolledBack ? "rolledBack" : "unknown",
        retrySafe: rolledBack && status === 500,
        httpStatus: status,
        request,
      },
      err,
    );
  }
  const code = err.code;
  const constraint = typeof err.constraint === "string" && err.constraint !== "" ? err.constraint : undefined;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
    return new NeonHttpError(
      {
        kind: kindOfSqlstate(code),
        code,
        message: err.message,
        ...(constraint !== undefined ? { constraint } : {}),
        ...(invalidatesSqlstate(code) ? { connectionInvalidated: true } : {}),
        outcome: "rolledBack",
        retrySafe: transientSqlstate(code),
        httpStatus: 400,
        request,
        pg: pgFields(err),
      },
      err,
    );
  }
  if (code === "") {
    return new NeonHttpError(
      {
        kind: "operational",
        code: "NEON_PROXY",
        message: `neon-http: the SQL endpoint rejected the request: ${err.message}`,
        outcome: "unknown",
        retrySafe: false,
        httpStatus: 400,
        request,
        pg: pgFields(err),
      },
      err,
    );
  }
  // Raised by the client before sending (bad connection string, bad transaction() input).
  return new NeonHttpError(
    { kind: "interface", code: "NEON_CLIENT", message: `neon-http: ${err.message}`, outcome: "rolledBack", retrySafe: false, request },
    err,
  );
}

/** An error raised by the adapter itself (misuse); never reaches the network. */
export class NeonAdapterError extends Error {
  override name = "NeonAdapterError";
  constructor(
    readonly kind: DriverErrorKind,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Classify an error thrown through the Neon HTTP adapter (the engine's `describeError`).
 * @returns {@link NeonHttpErrorInfo} for request failures; undefined for unrelated errors.
 */
export function describeNeonHttpError(err: unknown): NeonHttpErrorInfo | DriverErrorInfo | undefined {
  if (err instanceof NeonHttpError) return err.info();
  if (err instanceof NeonAdapterError) return { kind: err.kind, code: err.code, message: err.message };
  if (isNeonDbError(err)) return toNeonHttpError(err, "query").info();
  return undefined;
}

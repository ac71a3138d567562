/**
 * Turn a driver's error into athanor's DBAPIError hierarchy (SQLAlchemy's
 * `DBAPIError.instance()`), keeping the SQLSTATE / SQLite code, the statement and the
 * parameters (unless hidden).
 * @module
 */
import {
  DatabaseError, DataError, DBAPIError, IntegrityError, InterfaceError, InternalError, NotSupportedError,
  OperationalError, ProgrammingError, type DBAPIErrorInit,
} from "../errors.js";
import type { Driver, DriverErrorKind } from "./driver/contract.js";

const CLASSES: Record<DriverErrorKind, new (message: string, init?: DBAPIErrorInit) => DBAPIError> = {
  integrity: IntegrityError,
  operational: OperationalError,
  programming: ProgrammingError,
  data: DataError,
  notSupported: NotSupportedError,
  internal: InternalError,
  interface: InterfaceError,
  database: DatabaseError,
};

/** workerd's refusal to let one request use I/O objects of another. */
const CROSS_REQUEST = /Cannot perform I\/O on behalf of a different request|I\/O objects .* cannot be used .* different request/i;

/** Wrap `err` (thrown by `driver`) as a DBAPIError subclass; athanor errors pass through. */
export function translateDriverError(
  driver: Driver,
  err: unknown,
  statement: string | undefined,
  params: readonly unknown[] | undefined,
  hideParameters: boolean,
): Error {
  if (err instanceof DBAPIError) return err;
  if (err instanceof Error && CROSS_REQUEST.test(err.message)) {
    return new InterfaceError(
      "A connection (or session) made while handling one Worker request was used in another. Workers tie I/O objects to the request that created them: " +
        "create the engine and session inside the fetch handler for each request (and never share a client in module scope).",
      { orig: err, connectionInvalidated: true, hideParameters },
    );
  }
  const info = driver.describeError(err);
  if (!info) return err instanceof Error ? err : new InterfaceError(String(err), { orig: err });
  const cls = CLASSES[info.kind] ?? DatabaseError;
  const prefix = info.code ? `(${driver.name}) ${info.code}: ` : `(${driver.name}) `;
  return new cls(prefix + info.message, {
    ...(statement !== undefined ? { statement } : {}),
    ...(params !== undefined ? { params } : {}),
    hideParameters,
    ...(info.code !== undefined ? { sqlstate: info.code } : {}),
    ...(info.constraint !== undefined ? { constraint: info.constraint } : {}),
    connectionInvalidated: info.connectionInvalidated ?? false,
    ...(info.outcome !== undefined ? { outcome: info.outcome } : {}),
    ...(info.retrySafe !== undefined ? { retrySafe: info.retrySafe } : {}),
    orig: err,
  });
}

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

/** Wrap `err` (thrown by `driver`) as a DBAPIError subclass; athanor errors pass through. */
export function translateDriverError(
  driver: Driver,
  err: unknown,
  statement: string | undefined,
  params: readonly unknown[] | undefined,
  hideParameters: boolean,
): Error {
  if (err instanceof DBAPIError) return err;
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
    orig: err,
  });
}

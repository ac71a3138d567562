/**
 * Errors raised by result objects, with SQLAlchemy's wording.
 * @module
 */
import {
  ArgumentError,
  MultipleResultsFound,
  NoResultFound,
  ResourceClosedError,
} from "../../errors.js";

/** @internal Using a result after `close()` (or after `first()`, `one()`, `scalar()`…). */
export function closedError(): ResourceClosedError {
  return new ResourceClosedError("This result object is closed.");
}

/** @internal Fetching from a result of a statement that returns no rows. */
export function noRowsError(): ResourceClosedError {
  return new ResourceClosedError(
    "This result object does not return rows. It has been closed automatically.",
  );
}

/** @internal `one()` / `scalarOne()` without a row. */
export function noResultFound(): NoResultFound {
  return new NoResultFound("No row was found when one was required");
}

/** @internal `one()` (`exactly`) or `oneOrNone()` with a second row. */
export function multipleResultsFound(exactly: boolean): MultipleResultsFound {
  return new MultipleResultsFound(
    exactly
      ? "Multiple rows were found when exactly one was required"
      : "Multiple rows were found when one or none was required",
  );
}

/**
 * @internal Validates a row count argument.
 * @throws ArgumentError naming the method when `n` is not a positive integer.
 */
export function checkSize(n: number, method: string): number {
  if (!Number.isInteger(n) || n < 1) {
    throw new ArgumentError(`${method}: size must be a positive integer, got ${String(n)}`);
  }
  return n;
}

/** Why `insertedPrimaryKey` (one row) is refused after an executemany, in SQLAlchemy's words. */
export const EXECUTEMANY_PK_MESSAGE =
  "This statement was an executemany call; if primary key returning is supported, please use .inserted_primary_key_rows.";

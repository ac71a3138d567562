/**
 * Errors raised by type processors, and the value description used in their messages.
 * @module
 */
import { ArgumentError } from "../../errors.js";

/**
 * A value that would be silently changed crossing the wire: a decimal with more significant
 * digits than SQLite's REAL holds, a timestamp with sub-millisecond digits read into a JS `Date`,
 * fractional seconds finer than the column's declared precision.
 *
 * It is an {@link ArgumentError} rather than a `DataError`: `DataError` is a `DBAPIError`, meaning
 * the database or driver raised it and a statement is attached; here athanor itself detects the
 * loss, before the bind is sent or after the row is fetched, at a layer that knows no statement.
 * The engine may wrap it (with the column name and SQL) as it does for other processor errors.
 */
export class LossyValueError extends ArgumentError {
  override name = "LossyValueError";
}

/**
 * A value outside an `Enum`'s values, on bind or on read (SQLAlchemy raises Python's
 * `LookupError` there). An {@link ArgumentError}, so code catching those still catches it; the
 * statement layer wraps a bind-side one as it does other processor errors.
 */
export class EnumLookupError extends ArgumentError {
  // `name` stays "ArgumentError": it was the error's name before this class existed, and callers
  // compare errors by name; `instanceof EnumLookupError` tells the lookup failure apart.
}

/** A short description of a JS value for error messages: `string "abc"`, `number 1.5`, `object Map`. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string": {
      const s = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      return `string ${globalThis.JSON.stringify(s)}`;
    }
    case "number":
    case "boolean":
      return `${typeof value} ${String(value)}`;
    case "bigint":
      return `bigint ${value}n`;
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) return "object Array";
      const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
      return `object ${ctor || "Object"}`;
    }
    default:
      return typeof value;
  }
}

/** `<Type> cannot bind <value>[: reason]`, the bind-side error every type raises. */
export function cannotBind(typeName: string, value: unknown, reason?: string): ArgumentError {
  return new ArgumentError(`${typeName} cannot bind ${describeValue(value)}${reason ? `: ${reason}` : ""}`);
}

/** `<Type> cannot read <value>[: reason]`, raised when a driver returns something unexpected. */
export function cannotRead(typeName: string, value: unknown, reason?: string): ArgumentError {
  return new ArgumentError(`${typeName} cannot read ${describeValue(value)}${reason ? `: ${reason}` : ""}`);
}

/**
 * Type inference for bare JS values, as SQLAlchemy's `_resolve_value_to_type`.
 * @module
 */
import { NULLTYPE, type TypeEngine } from "../type-api.js";
import { BigInteger, Integer } from "./integer.js";
import { Float } from "./numeric.js";
import { String as StringFactory } from "./string.js";
import { Boolean as BooleanFactory } from "./boolean.js";
import { DateTime } from "./datetime.js";
import { LargeBinary } from "./binary.js";
import { JSON as JSONFactory } from "./json.js";

/**
 * The type of a literal bound without an explicit type (`col.eq(5)` takes the column's type;
 * `literal(5)`, `text()` binds and `values()` rows use this): safe-integer number → `Integer`,
 * other number → `Float`, bigint → `BigInteger`, string → `String`, boolean → `Boolean`,
 * `Date` → `DateTime`, `Uint8Array` → `LargeBinary`, array or plain object → `JSON`,
 * null/undefined (and anything else) → `NULLTYPE`. Returns shared instances.
 */
export function typeFromJsValue(value: unknown): TypeEngine {
  switch (typeof value) {
    case "number":
      return Number.isSafeInteger(value) ? Integer() : Float();
    case "bigint":
      return BigInteger();
    case "string":
      return StringFactory();
    case "boolean":
      return BooleanFactory();
    case "object":
      if (value === null) return NULLTYPE;
      if (value instanceof Date) return DateTime();
      if (value instanceof Uint8Array) return LargeBinary();
      return JSONFactory();
    default:
      return NULLTYPE;
  }
}

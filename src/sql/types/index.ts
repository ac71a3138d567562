/**
 * athanor's SQL type library: SQLAlchemy's generic types with per-dialect DDL spellings and
 * bind/result processors for PostgreSQL and SQLite.
 *
 * Every type is exported as a factory usable bare or called (`Integer`, `Integer()`,
 * `String(30)`, `Numeric(10, 2)`, `DateTime({ timezone: true })`) plus its class for
 * `instanceof` checks. Note that `String`, `Boolean`, `Date` and `JSON` shadow JS globals when
 * imported under those names; import them under aliases where the globals are needed.
 * @module
 */
export { BigInteger, BigIntegerType, Integer, IntegerType, SmallInteger, SmallIntegerType } from "./integer.js";
export { String, StringType, Text, TextType } from "./string.js";
export { Boolean, BooleanType } from "./boolean.js";
export { Double, DoubleType, Float, FloatType, Numeric, NumericType, type NumericOptions } from "./numeric.js";
export {
  Date,
  DateTime,
  DateTimeType,
  DateType,
  Interval,
  IntervalType,
  Time,
  TimeType,
  type DateTimeOptions,
} from "./datetime.js";
export { JSON, JSONB, JSONBType, JSONType } from "./json.js";
export { Uuid, UuidType } from "./uuid.js";
export { Enum, EnumType, type EnumOptions } from "./enum.js";
export { LargeBinary, LargeBinaryType } from "./binary.js";
export { ARRAY, ArrayType, type ArrayOptions, type NestedArray } from "./array.js";
export { parseArrayLiteral, serializeArrayLiteral } from "./array-literal.js";
export { typeFromJsValue } from "./resolve.js";
export { EnumLookupError, LossyValueError, describeValue } from "./errors.js";
export { quoteIdentifier, quoteString } from "./identifier.js";
export { NULLTYPE, NullType, TypeEngine, type LiteralProcessor, type LiteralRenderer } from "../type-api.js";
export { TypeDecorator } from "./type-decorator.js";

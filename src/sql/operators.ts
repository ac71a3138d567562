/**
 * SQL operators: their spelling, precedence and negation, following SQLAlchemy's
 * `sqlalchemy.sql.operators` precedence table so expressions are parenthesised the same way.
 * @module
 */

/** An operator a {@link BinaryExpression} or unary expression can carry. */
export type OperatorName =
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge"
  | "isNull" | "isNotNull" | "is" | "isNot" | "isDistinctFrom" | "isNotDistinctFrom"
  | "like" | "notLike" | "ilike" | "notIlike"
  | "in" | "notIn" | "between" | "notBetween"
  | "regexpMatch" | "notRegexpMatch" | "regexpReplace" | "match" | "notMatch"
  | "bitwiseAnd" | "bitwiseOr" | "bitwiseXor" | "bitwiseNot" | "bitwiseLshift" | "bitwiseRshift"
  | "add" | "sub" | "mul" | "truediv" | "floordiv" | "mod" | "concat"
  | "and" | "or" | "not" | "neg"
  | "collate" | "asc" | "desc" | "nullsFirst" | "nullsLast" | "distinct" | "exists"
  | "getitem" | "jsonGetitem" | "jsonPathGetitem" | "contains" | "as" | "comma" | "filter"
  | "containedBy" | "overlap" | "hasKey" | "hasAll" | "hasAny" | "deletePath" | "pathExists" | "pathMatch"
  | "custom";

/** Precedence: higher binds tighter. Values follow SQLAlchemy's `_PRECEDENCE`. */
export const PRECEDENCE: Readonly<Record<OperatorName, number>> = {
  getitem: 15, jsonGetitem: 15, jsonPathGetitem: 15, deletePath: 15,
  mul: 8, truediv: 8, floordiv: 8, mod: 8, neg: 8, bitwiseNot: 8,
  add: 7, sub: 7, bitwiseAnd: 7, bitwiseOr: 7, bitwiseXor: 7, bitwiseLshift: 7, bitwiseRshift: 7,
  filter: 6,
  concat: 5, regexpMatch: 5, notRegexpMatch: 5, regexpReplace: 5, match: 5, notMatch: 5, ilike: 5, notIlike: 5, like: 5, notLike: 5,
  in: 5, notIn: 5, is: 5, isNot: 5, isNull: 5, isNotNull: 5, eq: 5, ne: 5,
  isDistinctFrom: 5, isNotDistinctFrom: 5, gt: 5, lt: 5, ge: 5, le: 5,
  between: 5, notBetween: 5, distinct: 5, not: 5, contains: 5,
  // A custom `op()` without a precedence binds loosest, as SQLAlchemy's `custom_op(precedence=0)`:
  // `(a @> b) AND (c @> d)`.
  custom: 0,
  containedBy: 5, overlap: 5, hasKey: 5, hasAll: 5, hasAny: 5, pathExists: 5, pathMatch: 5,
  collate: 4,
  and: 3, asc: 3, desc: 3, nullsFirst: 3, nullsLast: 3,
  or: 2,
  exists: 0,
  comma: -1, as: -1,
};

const ASSOCIATIVE = new Set<OperatorName>(["concat", "and", "or", "add", "mul", "getitem", "jsonGetitem", "jsonPathGetitem"]);

/**
 * Whether an expression built with `op` must be parenthesised when it appears as an operand of
 * `against` (SQLAlchemy's `is_precedent`).
 */
export function isPrecedent(op: OperatorName, against: OperatorName): boolean {
  if (op === against && ASSOCIATIVE.has(op)) return false;
  return PRECEDENCE[op] <= PRECEDENCE[against];
}

/** SQL spelling of binary operators (dialects may override some). */
export const BINARY_SQL: Partial<Record<OperatorName, string>> = {
  eq: " = ", ne: " != ", lt: " < ", le: " <= ", gt: " > ", ge: " >= ",
  is: " IS ", isNot: " IS NOT ", isDistinctFrom: " IS DISTINCT FROM ", isNotDistinctFrom: " IS NOT DISTINCT FROM ",
  like: " LIKE ", notLike: " NOT LIKE ", ilike: " ILIKE ", notIlike: " NOT ILIKE ",
  in: " IN ", notIn: " NOT IN ",
  add: " + ", sub: " - ", mul: " * ", truediv: " / ", floordiv: " / ", mod: " % ", concat: " || ",
  collate: " COLLATE ",
  bitwiseAnd: " & ", bitwiseOr: " | ", bitwiseXor: " ^ ", bitwiseLshift: " << ", bitwiseRshift: " >> ",
  // PostgreSQL JSONB and ARRAY operators (SQLAlchemy's `postgresql.operators`).
  contains: " @> ", containedBy: " <@ ", overlap: " && ", hasKey: " ? ", hasAll: " ?& ", hasAny: " ?| ",
  deletePath: " #- ", pathExists: " @? ", pathMatch: " @@ ",
};

/** Operators only PostgreSQL has (JSONB and ARRAY); other dialects raise a CompileError. */
export const POSTGRESQL_ONLY: ReadonlySet<OperatorName> = /* @__PURE__ */ new Set<OperatorName>([
  "contains", "containedBy", "overlap", "hasKey", "hasAll", "hasAny", "deletePath", "pathExists", "pathMatch",
]);

/** The operator that negates each comparison, so `not(a.eq(b))` renders `a != b`. */
export const NEGATION: Partial<Record<OperatorName, OperatorName>> = {
  eq: "ne", ne: "eq", lt: "ge", ge: "lt", gt: "le", le: "gt",
  is: "isNot", isNot: "is", like: "notLike", notLike: "like", ilike: "notIlike", notIlike: "ilike",
  in: "notIn", notIn: "in", between: "notBetween", notBetween: "between",
  regexpMatch: "notRegexpMatch", notRegexpMatch: "regexpMatch", match: "notMatch", notMatch: "match",
  isDistinctFrom: "isNotDistinctFrom", isNotDistinctFrom: "isDistinctFrom",
};

/**
 * Comparison operators (SQLAlchemy's `operators.is_comparison`): only these connect FROMs for
 * the cartesian-product linter, so `a.x + b.y = 5` does not join `a` to `b`.
 */
export const COMPARISON_OPERATORS: ReadonlySet<OperatorName> = /* @__PURE__ */ new Set<OperatorName>([
  "eq", "ne", "lt", "le", "gt", "ge", "is", "isNot", "isDistinctFrom", "isNotDistinctFrom",
  "like", "notLike", "ilike", "notIlike", "in", "notIn", "between", "notBetween",
  "regexpMatch", "notRegexpMatch", "match", "notMatch",
]);

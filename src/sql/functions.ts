/**
 * `func`: SQL function calls (SQLAlchemy's `sqlalchemy.sql.functions`). Known functions carry
 * their return types; any other name renders as a generic function (`func.my_fn(x)` →
 * `my_fn(x)`, `func.pkg.fn()` → `pkg.fn()`).
 * @module
 */
import { ArgumentError } from "../errors.js";
import { BindParameter, cast, ClauseElement, coerceExpression, extract, FunctionElement, isSelectStatement, type AnyColumn, type Cast, type Extract, LiteralColumn } from "./elements.js";
import { NULLTYPE, TypeEngine, type TypeArg } from "./type-api.js";
import { ARRAY, ArrayType, DateTime, Date as DateT, Float, Integer, Numeric, String as StringT, Time } from "./types/index.js";
import type { ColumnElement } from "./elements.js";

type Arg = unknown;
type ValueOf<E> = E extends ColumnElement<infer T, string> ? T : E;
/** A plain value's literal type widened (`"x"` → string): a bound value's column type is its base type. */
type Widen<V> = V extends string ? string : V extends number ? number : V extends bigint ? bigint : V extends boolean ? boolean : V;
/** The value type of the first argument that is not only NULL; `never` when all are. */
type CoalesceBase<A extends readonly unknown[]> = A extends readonly [infer H, ...infer R]
  ? unknown extends ValueOf<H>
    ? unknown
    : [NonNullable<ValueOf<H>>] extends [never]
      ? CoalesceBase<R>
      : H extends ColumnElement<infer T, string>
        ? NonNullable<T>
        : Widen<NonNullable<H>>
  : never;
/** True when some argument can never be NULL (an untyped argument may be). */
type AnyNonNull<A extends readonly unknown[]> = A extends readonly [infer H, ...infer R]
  ? null extends ValueOf<H>
    ? AnyNonNull<R>
    : true
  : false;
/** Result type of `coalesce(...A)`. @internal */
export type CoalesceResult<A extends readonly unknown[]> = [CoalesceBase<A>] extends [never]
  ? null
  : unknown extends CoalesceBase<A>
    ? unknown
    : AnyNonNull<A> extends true
      ? CoalesceBase<A>
      : CoalesceBase<A> | null;

/** Functions SQL knows without parentheses (ANSI). */
const BARE = new Set(["current_timestamp", "current_date", "current_time", "localtime", "localtimestamp", "current_user", "session_user", "user"]);

function argsOf(args: readonly Arg[], name: string): ClauseElement[] {
  return args.map((a, i) => {
    // A SELECT is not a value: SQLAlchemy 1.4+ wants an explicit scalar subquery.
    if (isSelectStatement(a)) {
      throw new ArgumentError(`${name}(): argument ${i + 1} is a SELECT; call .scalarSubquery() to use it as a function argument`);
    }
    if (a instanceof ClauseElement) return a;
    // Named after the function, as SQLAlchemy does: `lala(:lala_1, :lala_2)`.
    const e = coerceExpression(a);
    return e instanceof BindParameter ? new BindParameter(name.split(".").pop()!, e.value, e.type, { unique: true }) : e;
  });
}
function firstType(args: readonly ClauseElement[]): TypeEngine<unknown> {
  for (const a of args) {
    const t = (a as { type?: TypeEngine<unknown> }).type;
    if (t && t !== NULLTYPE) return t;
  }
  return NULLTYPE;
}

const STAR = /* @__PURE__ */ new LiteralColumn("*");

/**
 * Build a function call with an explicit return type.
 * @throws ArgumentError when an argument is a SELECT (use `.scalarSubquery()`).
 */
export function makeFunction<T>(name: string, args: readonly Arg[], type?: TypeEngine<unknown>): FunctionElement<T> {
  const lower = name.toLowerCase();
  const cargs = lower === "aggregate_strings" ? aggregateStringsArgs(args) : argsOf(args, name);
  if (lower === "char_length" && cargs.length !== 1) {
    // SQLAlchemy's char_length takes exactly one argument (a TypeError there).
    throw new ArgumentError(`char_length() takes exactly one argument; got ${cargs.length}`);
  }
  const known = KNOWN_TYPES[lower];
  const t = type ?? (known === "arg" ? firstType(cargs) : known === "array" ? arrayOf(firstType(cargs)) : known ? known() : NULLTYPE);
  return new FunctionElement<T>(name, cargs, t, cargs.length === 0 && BARE.has(lower));
}

/**
 * `aggregate_strings(expr, separator)` (SQLAlchemy 2.0.21): the separator is rendered inline
 * at execution (a literal-execute parameter), as SQLAlchemy does for `string_agg()` /
 * `group_concat()`.
 * @throws ArgumentError unless given an expression and a string separator.
 */
function aggregateStringsArgs(args: readonly Arg[]): ClauseElement[] {
  if (args.length !== 2 || typeof args[1] !== "string") {
    throw new ArgumentError("aggregate_strings() takes an expression and a string separator");
  }
  const [expr] = argsOf([args[0]], "aggregate_strings");
  return [expr, new BindParameter("aggregate_strings", args[1], StringT(), { unique: true, literalExecute: true })];
}

/**
 * `array_agg(x)`'s type (SQLAlchemy's array_agg): an ARRAY of the argument's type, or the
 * argument's own type when it is an ARRAY already. An untyped argument leaves the result untyped,
 * so the driver's own array parsing applies rather than ARRAY's text parsing of NullType items.
 */
function arrayOf(t: TypeEngine<unknown>): TypeEngine<unknown> {
  if (t === NULLTYPE || t instanceof ArrayType) return t;
  return ARRAY(t, { dimensions: 1 });
}

/**
 * Return types of known functions: "arg" takes the first typed argument's, "array" an ARRAY of
 * it (array_agg); others are fixed (SQLAlchemy's GenericFunction subclasses).
 */
const KNOWN_TYPES: Record<string, "arg" | "array" | (() => TypeEngine<unknown>)> = {
  aggregate_strings: () => StringT(),
  count: () => Integer(), sum: "arg", min: "arg", max: "arg", avg: () => Numeric(), coalesce: "arg", abs: "arg", round: "arg",
  lower: () => StringT(), upper: () => StringT(), trim: () => StringT(), concat: () => StringT(), substr: () => StringT(),
  substring: () => StringT(), replace: () => StringT(), length: () => Integer(), char_length: () => Integer(),
  group_concat: () => StringT(), string_agg: () => StringT(),
  now: () => DateTime({ timezone: true }), current_timestamp: () => DateTime({ timezone: true }), localtimestamp: () => DateTime(),
  current_date: () => DateT(), current_time: () => Time(), localtime: () => Time(), random: () => Float(),
  current_user: () => StringT(), session_user: () => StringT(), user: () => StringT(), array_agg: "array",
  row_number: () => Integer(), rank: () => Integer(), dense_rank: () => Integer(), ntile: () => Integer(),
  percent_rank: () => Float(), cume_dist: () => Float(), lag: "arg", lead: "arg", first_value: "arg", last_value: "arg", nth_value: "arg",
  nullif: "arg", greatest: "arg", least: "arg",
};

/** Typed entries of `func`; any other property is a generic function. */
export interface KnownFunctions {
  /** `count(expr)`; `count()` renders `count(*)`. Integer. */
  count(expr?: Arg): FunctionElement<number>;
  sum<E>(expr: E): FunctionElement<ValueOf<E> | null>;
  min<E>(expr: E): FunctionElement<ValueOf<E> | null>;
  max<E>(expr: E): FunctionElement<ValueOf<E> | null>;
  /** avg() is NUMERIC: a decimal string. */
  avg(expr: Arg): FunctionElement<string | null>;
  /**
   * `coalesce(a, b, …)`: typed after the first argument that is not only NULL (as SQL takes the
   * result type from the arguments), and non-null when any argument is non-null (the first
   * non-null argument ends the search). Arguments may be plain values (bound) or expressions.
   */
  coalesce<const A extends readonly Arg[]>(...args: A): FunctionElement<CoalesceResult<A>>;
  lower(expr: Arg): FunctionElement<string>;
  upper(expr: Arg): FunctionElement<string>;
  length(expr: Arg): FunctionElement<number>;
  /** `now()`; `CURRENT_TIMESTAMP` on SQLite. */
  now(): FunctionElement<Date>;
  current_timestamp(): FunctionElement<Date>;
  current_date(): FunctionElement<Date>;
  random(): FunctionElement<number>;
  abs<E>(expr: E): FunctionElement<ValueOf<E>>;
  round<E>(expr: E, digits?: Arg): FunctionElement<ValueOf<E>>;
  row_number(): FunctionElement<number>;
  rank(): FunctionElement<number>;
  dense_rank(): FunctionElement<number>;
  lag<E>(expr: E, offset?: Arg, dflt?: Arg): FunctionElement<ValueOf<E> | null>;
  lead<E>(expr: E, offset?: Arg, dflt?: Arg): FunctionElement<ValueOf<E> | null>;
  /**
   * The values of `expr` joined by `separator` (SQLAlchemy 2.0's `aggregate_strings()`):
   * PostgreSQL `string_agg()`, SQLite `group_concat()`; the separator is rendered inline.
   * @throws ArgumentError unless the separator is a string.
   */
  aggregate_strings(expr: Arg, separator: string): FunctionElement<string | null>;
  /**
   * Not a function call: `func.cast(x, type)` is {@link cast} (`CAST(x AS type)`), as SQLAlchemy
   * registers `cast` in its function namespace.
   * @throws ArgumentError unless given an expression and a type.
   */
  cast<T>(expr: Arg, type: TypeArg<T>): Cast<T>;
  /**
   * Not a function call: `func.extract(field, x)` is {@link extract} (`EXTRACT(field FROM x)`),
   * as SQLAlchemy registers `extract` in its function namespace.
   * @throws ArgumentError unless given a field word and an expression.
   */
  extract(field: string, expr: Arg): Extract;
}
/** `func`: typed known functions plus any other name as a generic function. */
export type FuncNamespace = KnownFunctions & { readonly [name: string]: GenericFunction };
/** A generic function: call it, or reach a dotted name (`func.pkg.fn()`). */
export type GenericFunction = ((...args: Arg[]) => FunctionElement<unknown>) & { readonly [sub: string]: GenericFunction };

function namespace(prefix: string[]): GenericFunction {
  const call = (...args: Arg[]) => {
    const name = prefix.join(".");
    const lower = prefix.length === 1 ? name.toLowerCase() : undefined;
    if (lower === "count" && args.length === 0) return makeFunction("count", [STAR]);
    if (lower === "cast" || lower === "extract") return notAFunction(lower, args);
    return makeFunction(name, args);
  };
  return new Proxy(call, {
    get(target, prop) {
      if (typeof prop !== "string") return (target as unknown as Record<symbol, unknown>)[prop as symbol];
      return namespace([...prefix, sqlName(prop)]);
    },
  }) as GenericFunction;
}

/** `func.cast()` / `func.extract()`: the CAST / EXTRACT constructs, as SQLAlchemy's registry maps them. */
function notAFunction(name: "cast" | "extract", args: readonly Arg[]): Cast<unknown> | Extract {
  if (args.length !== 2) throw new ArgumentError(`func.${name}() takes exactly two arguments; got ${args.length}`);
  if (name === "extract") {
    if (typeof args[0] !== "string") throw new ArgumentError("func.extract(): the first argument is the field name, such as 'year'");
    return extract(args[0], args[1]);
  }
  const type = args[1];
  if (!(type instanceof TypeEngine) && typeof type !== "function") throw new ArgumentError("func.cast(): the second argument is the type to cast to");
  return cast(args[0], type as TypeArg);
}

/** A trailing underscore is dropped, as SQLAlchemy does for reserved words: `func.if_()` is `if()`. */
function sqlName(prop: string): string {
  return prop.length > 1 && prop.endsWith("_") ? prop.slice(0, -1) : prop;
}

/** `func.<name>(...)`: SQL function calls. */
export const func: FuncNamespace = /* @__PURE__ */ new Proxy({} as FuncNamespace, {
  get(_t, prop) {
    if (typeof prop !== "string") return undefined;
    return namespace([sqlName(prop)]);
  },
});

/** Shorthand used by other modules: `count(*)` typed Integer. @internal */
export function countStar(): FunctionElement<number> {
  return makeFunction<number>("count", [STAR]);
}
export type { AnyColumn };

/**
 * Core expression elements: the immutable nodes that SQL expressions are built from
 * (SQLAlchemy's `sqlalchemy.sql.elements`). Every node can render itself through a compiler and
 * contribute to a structural cache key that leaves bound values out.
 * @module
 */
import { ArgumentError } from "../errors.js";
import { warn } from "../warnings.js";
import { isPrecedent, NEGATION, PRECEDENCE, type OperatorName } from "./operators.js";
import { NULLTYPE, NullType, toType, type TypeArg, type TypeEngine } from "./type-api.js";
import { ARRAY, Boolean as BooleanT, Float, Integer, Numeric, String as StringT, typeFromJsValue } from "./types/index.js";
import type { CacheKeyBuilder, MemoizedCacheKey } from "./cache-key.js";
import type { Compiled, CompileKw, CompileOptions, SQLCompiler } from "./compiler.js";
import type { Dialect } from "./dialect.js";
import type { Select, TableValuedAlias } from "./selectable.js";
import {
  JSONIndexType, JSONPathType, TextArrayType,
  type ArrayItem, type ContainerReceiver, type IndexArg, type JsonAt, type JsonAtPath, type JsonContained, type JsonPathElement, type StringReceiver,
} from "./json-operators.js";

let uidCounter = 0;
/** Process-unique identity used in cache keys for schema objects and anonymous names. */
export function nextUid(): number {
  return ++uidCounter;
}

/** Base of every SQL construct. Instances are immutable. */
export abstract class ClauseElement {
  /** Discriminator used by the compiler and by error messages. */
  abstract readonly kind: string;
  /** Render through a compiler (double dispatch). @internal */
  abstract _compile(c: SQLCompiler, kw: CompileKw): string;
  /** Append this node's structure (without bound values) to a cache key. @internal */
  abstract _key(k: CacheKeyBuilder): void;
  /** Wrap in parentheses when used as an operand of `against`. @internal */
  selfGroup(_against?: OperatorName): ClauseElement {
    return this;
  }
  /** A short description for error messages. */
  describe(): string {
    return this.kind;
  }
  /**
   * Compile to SQL text and parameters for a dialect (default: the generic display dialect with
   * `:name` parameters). See {@link CompileOptions}.
   * @throws CompileError when the statement cannot be rendered.
   */
  compile(opts: CompileOptions & { readonly dialect?: Dialect } = {}): Compiled {
    if (!compileImpl) throw new Error("athanor compiler not loaded");
    return compileImpl(this, opts);
  }
  /** SQL text in the display dialect (`:name` parameters), like `str(stmt)` in SQLAlchemy. */
  toString(): string {
    return this.compile().sql;
  }
}

/** Builds a function's FROM-clause form; registered by selectable.ts to avoid an import cycle. */
type TableValuedFactory = (fn: FunctionElement<unknown, string>, name: string | undefined, opts: TableValuedOptions) => TableValuedAlias;
let tableValuedFactory: TableValuedFactory | undefined;
/** @internal */
export function registerTableValued(f: TableValuedFactory): void {
  tableValuedFactory = f;
}
/** Builds `SELECT fn(…)`; registered by selectable.ts to avoid an import cycle. */
type FunctionSelectFactory = (fn: FunctionElement<unknown, string>) => Select<[unknown]>;
let functionSelectFactory: FunctionSelectFactory | undefined;
/** @internal */
export function registerFunctionSelect(f: FunctionSelectFactory): void {
  functionSelectFactory = f;
}
/** Options of a function used as a FROM (see `FunctionElement.alias()`). @internal */
export interface TableValuedOptions {
  readonly lateral?: boolean;
  readonly columns?: readonly ColumnElement<unknown, string>[];
  readonly joinsImplicitly?: boolean;
  /** `WITH ORDINALITY`, with this name for the ordinality column. */
  readonly withOrdinality?: string;
  /** Render the column names after the alias name: `AS name(a, b)`. */
  readonly renderDerived?: boolean;
  /** With {@link renderDerived}, render each column's type too: `AS name(a INTEGER, b VARCHAR)`. */
  readonly derivedWithTypes?: boolean;
}
/** Options of {@link FunctionElement.tableValued} (SQLAlchemy's `table_valued()` keywords). */
export interface TableValuedArgs {
  /** Name of the FROM; anonymous (`anon_1`) when omitted. */
  readonly name?: string;
  /** `fn(…) WITH ORDINALITY`, adding an ordinality column of this name to `.c`. */
  readonly withOrdinality?: string;
  /** The function needs no JOIN to the other FROMs (no cartesian-product warning). */
  readonly joinsImplicitly?: boolean;
}

let compileImpl: ((e: ClauseElement, opts: CompileOptions & { readonly dialect?: Dialect }) => Compiled) | undefined;
/** @internal Installed by compiler.ts (breaks an import cycle). */
export function registerCompileImpl(fn: (e: ClauseElement, opts: CompileOptions & { readonly dialect?: Dialect }) => Compiled): void {
  compileImpl = fn;
}

/** Any column expression, whatever its type and name. */
export type AnyColumn = ColumnElement<unknown, string>;
/**
 * A value or an expression usable as an operand; `text()` is rendered as written, as
 * SQLAlchemy accepts it in a binary expression (`x LIKE '%' || y || '%'`).
 */
export type Operand<T> = T | AnyColumn | TextClause | null;

/**
 * True when an operand of JS type `U` may meet an expression of type `T` in a comparison or
 * arithmetic: either side untyped (`unknown`: `text()`-derived, `literalColumn()`, `column("x")`,
 * NullType), either side only NULL, or the non-null types overlap (`"a" | "b"` meets `string`).
 * SQL compares across types only through implicit casts that differ per database, so typed
 * columns of unrelated JS types (`number` vs `string`) are refused at compile time.
 */
export type OperandTypesMatch<T, U> = unknown extends T
  ? true
  : unknown extends U
    ? true
    : [NonNullable<U>] extends [never]
      ? true
      : [NonNullable<T>] extends [never]
        ? true
        : TypesOverlap<NumericWiden<NonNullable<T>>, NumericWiden<NonNullable<U>>>;

/** `number` and `bigint` meet (INTEGER vs BIGINT columns). */
type NumericWiden<T> = T extends number | bigint ? number | bigint : T;
type TypesOverlap<A, B> = [Members<B, A>] extends [never] ? ([Members<A, B>] extends [never] ? false : true) : true;
/** TypeScript's `Extract` (that name is taken here by SQLAlchemy's `Extract` construct). */
type Members<T, U> = T extends U ? T : never;

/**
 * Arithmetic is looser: NUMERIC values are decimal strings in JS, so `numeric + integer`
 * mixes `string` and `number` legitimately.
 */
export type ArithmeticTypesMatch<T, U> = OperandTypesMatch<T, U> extends true
  ? true
  : [NonNullable<T> | NonNullable<U>] extends [number | bigint | string]
    ? true
    : false;

/** Stands in for an operand whose column type does not match (shown in the compiler's error). */
export interface IncompatibleOperand<T, U> {
  readonly __incompatibleOperand: { readonly expected: T; readonly got: U };
}

/**
 * `O` checked against an expression of type `T`: plain values are checked by the `Operand<T>`
 * bound; explicit bound values and constants (`bindparam()`, `literal()`, `true_()`) pass as the
 * caller typed them (e.g. `literal(true)` against an INTEGER flag on SQLite); other column
 * expressions are checked by {@link OperandTypesMatch}. Used as `other: CheckedOperand<T, O>`
 * with `O extends Operand<T>` inferred from the argument.
 */
export type CheckedOperand<T, O> = O extends BindParameter<unknown, string> | Constant<unknown>
  ? O
  : O extends ColumnElement<infer U, string>
    ? OperandTypesMatch<T, U> extends true
      ? O
      : IncompatibleOperand<T, U>
    : O;

/** An IN list checked element by element ({@link CheckedOperand}); a subquery passes as is. */
export type CheckedOperandList<T, O> = O extends readonly unknown[] ? { readonly [I in keyof O]: CheckedOperand<T, O[I]> } : O;

/** {@link CheckedOperand} for arithmetic operators ({@link ArithmeticTypesMatch}). */
export type CheckedArithmeticOperand<T, O> = O extends BindParameter<unknown, string> | Constant<unknown>
  ? O
  : O extends ColumnElement<infer U, string>
    ? ArithmeticTypesMatch<T, U> extends true
      ? O
      : IncompatibleOperand<T, U>
    : O;

/** True for Select, CompoundSelect and other SELECT statements (set by those classes). */
export function isSelectStatement(x: unknown): x is ClauseElement & { _isSelectStatement: true } {
  return typeof x === "object" && x !== null && (x as { _isSelectStatement?: boolean })._isSelectStatement === true;
}

/**
 * A SQL expression producing a value of JS type `T`. `K` is the name it gets in a result row
 * (a column's key, a label's name), `never` when anonymous.
 *
 * Operators are methods (`a.eq(b)`, `a.add(1)`), following SQLAlchemy's `ColumnOperators`.
 */
export abstract class ColumnElement<T = unknown, K extends string = never> extends ClauseElement {
  /** Phantom: JS type of values. */
  declare readonly __js: T;
  /** Phantom: name in result rows. */
  declare readonly __name: K;
  abstract readonly type: TypeEngine<unknown>;
  /** Key used in result rows and `c` collections; undefined for anonymous expressions. */
  get key(): string | undefined {
    return undefined;
  }
  /** Name used when rendered in a SELECT list (a label name, or a column name). */
  get resultName(): string | undefined {
    return this.key;
  }
  /** Base for anonymous bind names (`id` gives `id_1`). @internal */
  get anonBindBase(): string {
    return "param";
  }

  // ---- comparison -------------------------------------------------------------------------
  /** `=`; comparing to `null` (or `null_()`) renders `IS NULL`, as SQLAlchemy's `== None`. */
  eq<const O extends Operand<T>>(other: CheckedOperand<T, O>): BinaryExpression<boolean> {
    return isNullOperand(other) && this.kind !== "collectionAggregate" ? this.isNull() : compare(this, "eq", boolConstant(other));
  }
  /** `!=`; comparing to `null` (or `null_()`) renders `IS NOT NULL`. */
  ne<const O extends Operand<T>>(other: CheckedOperand<T, O>): BinaryExpression<boolean> {
    return isNullOperand(other) && this.kind !== "collectionAggregate" ? this.isNotNull() : compare(this, "ne", boolConstant(other));
  }
  lt<const O extends Operand<T>>(other: CheckedOperand<T, O>): BinaryExpression<boolean> {
    return compare(this, "lt", other);
  }
  le<const O extends Operand<T>>(other: CheckedOperand<T, O>): BinaryExpression<boolean> {
    return compare(this, "le", other);
  }
  gt<const O extends Operand<T>>(other: CheckedOperand<T, O>): BinaryExpression<boolean> {
    return compare(this, "gt", other);
  }
  ge<const O extends Operand<T>>(other: CheckedOperand<T, O>): BinaryExpression<boolean> {
    return compare(this, "ge", other);
  }
  /** `IS NULL`. */
  isNull(): BinaryExpression<boolean> {
    return new BinaryExpression(this, "is", NULL, BooleanT());
  }
  /** `IS NOT NULL`. */
  isNotNull(): BinaryExpression<boolean> {
    return new BinaryExpression(this, "isNot", NULL, BooleanT());
  }
  isDistinctFrom<const O extends Operand<T>>(other: CheckedOperand<T, O>): BinaryExpression<boolean> {
    // As SQLAlchemy's IS-family operators, True/False become the true/false constants (`x IS 0` on SQLite).
    return new BinaryExpression(this, "isDistinctFrom", isOperand(this, other), BooleanT());
  }
  isNotDistinctFrom<const O extends Operand<T>>(other: CheckedOperand<T, O>): BinaryExpression<boolean> {
    return new BinaryExpression(this, "isNotDistinctFrom", isOperand(this, other), BooleanT());
  }
  /** `LIKE`; `escape` renders `ESCAPE '<char>'`. */
  like<S extends AnyColumn>(this: S & StringReceiver<ValueOf<S>>, pattern: Operand<string>, opts?: { escape?: string }): BinaryExpression<boolean> {
    return compare(self(this), "like", pattern, StringT(), opts?.escape);
  }
  notLike<S extends AnyColumn>(this: S & StringReceiver<ValueOf<S>>, pattern: Operand<string>, opts?: { escape?: string }): BinaryExpression<boolean> {
    return compare(self(this), "notLike", pattern, StringT(), opts?.escape);
  }
  /** Case-insensitive LIKE: `ILIKE` on PostgreSQL, `lower(x) LIKE lower(y)` elsewhere. */
  ilike<S extends AnyColumn>(this: S & StringReceiver<ValueOf<S>>, pattern: Operand<string>, opts?: { escape?: string }): BinaryExpression<boolean> {
    return compare(self(this), "ilike", pattern, StringT(), opts?.escape);
  }
  notIlike<S extends AnyColumn>(this: S & StringReceiver<ValueOf<S>>, pattern: Operand<string>, opts?: { escape?: string }): BinaryExpression<boolean> {
    return compare(self(this), "notIlike", pattern, StringT(), opts?.escape);
  }
  /**
   * On strings, `LIKE '%' || :x || '%'` (SQLAlchemy's `contains()`). `autoescape` escapes `%`,
   * `_` and the escape character inside the value (escape character `/` unless `escape` names
   * another); `escape` alone only renders `ESCAPE '<char>'`.
   *
   * On a JSONB or ARRAY expression it is containment instead, `x @> :x_1` (SQLAlchemy's
   * type-specific comparators): the operand is bound with the expression's type.
   * @throws ArgumentError on a JSON (not JSONB) expression, which has no containment operator, or
   *   when LIKE options are given to containment.
   * @throws CompileError (containment) on SQLite.
   */
  contains<S extends AnyColumn>(this: S & StringReceiver<ValueOf<S>>, other: Operand<string>, opts?: LikeAroundOptions): BinaryExpression<boolean>;
  contains<S extends AnyColumn>(this: S & ContainerReceiver<ValueOf<S>>, other: JsonContained<ValueOf<S>> | AnyColumn): BinaryExpression<boolean>;
  contains(other: unknown, opts?: LikeAroundOptions): BinaryExpression<boolean> {
    const me = self(this);
    const aff = me.type.affinity;
    if (aff !== "json" && aff !== "array") return likeAround(me, other, true, true, opts);
    if (opts !== undefined) throw new ArgumentError(`contains() on ${me.describe()} (${me.type}) is containment (@>) and takes no LIKE options`);
    return containment(me, "contains", other);
  }
  /** `LIKE :x || '%'`; options as {@link ColumnElement.contains}. */
  startsWith<S extends AnyColumn>(this: S & StringReceiver<ValueOf<S>>, other: Operand<string>, opts?: LikeAroundOptions): BinaryExpression<boolean> {
    return likeAround(self(this), other, false, true, opts);
  }
  /** `LIKE '%' || :x`; options as {@link ColumnElement.contains}. */
  endsWith<S extends AnyColumn>(this: S & StringReceiver<ValueOf<S>>, other: Operand<string>, opts?: LikeAroundOptions): BinaryExpression<boolean> {
    return likeAround(self(this), other, true, false, opts);
  }
  /** Regular-expression match: `~` on PostgreSQL, `REGEXP` on SQLite. `flags` "i" is case-insensitive. */
  regexpMatch<S extends AnyColumn>(this: S & StringReceiver<ValueOf<S>>, pattern: Operand<string>, flags?: string): BinaryExpression<boolean> {
    return compare(self(this), "regexpMatch", pattern, StringT(), undefined, flags);
  }
  /**
   * Regular-expression replacement (SQLAlchemy 1.4 `regexp_replace()`): PostgreSQL
   * `REGEXP_REPLACE(x, pattern, replacement[, 'flags'])`; the display dialect shows
   * `<regexp replace>(x, pattern, replacement)`. `flags` is rendered as a SQL string literal.
   * @throws CompileError on SQLite, which has no regular-expression replacement.
   */
  regexpReplace<S extends AnyColumn>(this: S & StringReceiver<ValueOf<S>>, pattern: Operand<string>, replacement: Operand<string>, flags?: string): BinaryExpression<string> {
    const me = self(this);
    const args = new ClauseList([coerceOperand(me, pattern, StringT()), coerceOperand(me, replacement, StringT())], ", ");
    return new BinaryExpression(me, "regexpReplace", args, StringT(), { flags });
  }
  /**
   * Full-text match (SQLAlchemy's `match()`): PostgreSQL `x @@ plainto_tsquery(:p)`, SQLite and
   * the display dialect `x MATCH :p`. `not()` gives `NOT x @@ …`.
   */
  match(other: Operand<string>): BinaryExpression<boolean> {
    return compare(this, "match", other, StringT());
  }
  /**
   * `IS` (SQLAlchemy's `is_()`): `x IS NULL` for `null`, `x IS true` / `x IS false` for booleans
   * (`1`/`0` on SQLite), `x IS :x_1` for other values.
   */
  is(other: Operand<T> | boolean): BinaryExpression<boolean> {
    return new BinaryExpression(this, "is", isOperand(this, other), BooleanT());
  }
  /** `IS NOT` (SQLAlchemy's `is_not()`); operands as {@link ColumnElement.is}. */
  isNot(other: Operand<T> | boolean): BinaryExpression<boolean> {
    return new BinaryExpression(this, "isNot", isOperand(this, other), BooleanT());
  }
  /**
   * Case-insensitive {@link ColumnElement.contains} (SQLAlchemy 2.0 `icontains()`):
   * `lower(x) LIKE '%' || lower(:p) || '%'`; PostgreSQL `x ILIKE '%' || :p || '%'`.
   * `autoescape` and `escape` behave as in `contains()`.
   */
  icontains<S extends AnyColumn>(this: S & StringReceiver<ValueOf<S>>, other: Operand<string>, opts?: LikeAroundOptions): BinaryExpression<boolean> {
    return likeAround(self(this), other, true, true, opts, true);
  }
  /** Case-insensitive {@link ColumnElement.startsWith} (SQLAlchemy 2.0 `istartswith()`). */
  istartsWith<S extends AnyColumn>(this: S & StringReceiver<ValueOf<S>>, other: Operand<string>, opts?: LikeAroundOptions): BinaryExpression<boolean> {
    return likeAround(self(this), other, false, true, opts, true);
  }
  /** Case-insensitive {@link ColumnElement.endsWith} (SQLAlchemy 2.0 `iendswith()`). */
  iendsWith<S extends AnyColumn>(this: S & StringReceiver<ValueOf<S>>, other: Operand<string>, opts?: LikeAroundOptions): BinaryExpression<boolean> {
    return likeAround(self(this), other, true, false, opts, true);
  }
  /** `x & y` (SQLAlchemy 2.0 `bitwise_and()`). */
  bitwiseAnd<const O extends Operand<T>>(other: CheckedArithmeticOperand<T, O>): BinaryExpression<T> {
    return arith(this, "bitwiseAnd", other);
  }
  /** `x | y` (SQLAlchemy 2.0 `bitwise_or()`). */
  bitwiseOr<const O extends Operand<T>>(other: CheckedArithmeticOperand<T, O>): BinaryExpression<T> {
    return arith(this, "bitwiseOr", other);
  }
  /**
   * Exclusive or (SQLAlchemy 2.0 `bitwise_xor()`): `x ^ y`, PostgreSQL `x # y`; SQLite has no XOR
   * operator and renders `((x | y) - (x & y))`.
   */
  bitwiseXor<const O extends Operand<T>>(other: CheckedArithmeticOperand<T, O>): BinaryExpression<T> {
    return arith(this, "bitwiseXor", other);
  }
  /** `~x` (SQLAlchemy 2.0 `bitwise_not()`). */
  bitwiseNot(): UnaryExpression<T> {
    return new UnaryExpression(this, { operator: "bitwiseNot", type: this.type });
  }
  /** `x << y` (SQLAlchemy 2.0 `bitwise_lshift()`). */
  bitwiseLshift<const O extends Operand<T>>(other: CheckedArithmeticOperand<T, O>): BinaryExpression<T> {
    return arith(this, "bitwiseLshift", other);
  }
  /** `x >> y` (SQLAlchemy 2.0 `bitwise_rshift()`). */
  bitwiseRshift<const O extends Operand<T>>(other: CheckedArithmeticOperand<T, O>): BinaryExpression<T> {
    return arith(this, "bitwiseRshift", other);
  }
  /** `ANY (x)` for `other.eq(x.any_())` (SQLAlchemy's `any_()`); see {@link any_}. */
  any_(): CollectionAggregate<T extends readonly (infer E)[] ? E : unknown> {
    return new CollectionAggregate("ANY", this);
  }
  /** `ALL (x)`; see {@link all_}. */
  all_(): CollectionAggregate<T extends readonly (infer E)[] ? E : unknown> {
    return new CollectionAggregate("ALL", this);
  }

  // ---- JSON, JSONB and ARRAY ----------------------------------------------------------------
  /**
   * Element access (SQLAlchemy's `col[index]`), typed by the expression's SQL type:
   * - JSON / JSONB: `at("key")`, `at(0)` (0-based, as JSON arrays are) or a path
   *   `at(["a", 1, "b"])` gives a {@link JSONElement}: a JSON value (read back as a JS value),
   *   with `asString()`, `asInteger()`, … for SQL-typed values. PostgreSQL renders `x -> $1::TEXT`,
   *   `x -> $1::INTEGER` and `x #> $1` (a `text[]` path); SQLite `JSON_QUOTE(JSON_EXTRACT(x, ?))`
   *   with the path bound as `$."key"`, `$[0]`, `$."a"[1]."b"`. A missing key reads back as
   *   `null` (in SQL it is NULL on PostgreSQL, the JSON text `'null'` on SQLite, as in SQLAlchemy;
   *   SQLite also gives JSON `true`/`false` as 1/0: use `asBoolean()`).
   * - ARRAY (PostgreSQL): `at(i)` is `x[$1]` with `i` as written: PostgreSQL arrays are 1-based.
   *   The element has the item type (an ARRAY of one dimension less for several dimensions).
   *
   * Keys and paths are always bound parameters.
   * @throws ArgumentError on an expression of another SQL type, for a path or a string on an
   *   ARRAY, or for an index that is not an integer.
   * @throws CompileError for ARRAY indexes on SQLite.
   */
  at<S extends AnyColumn, const I extends IndexArg>(this: S & ContainerReceiver<ValueOf<S>>, index: I): AtResult<ValueOf<S>, I> {
    return indexOp(self(this), index) as AtResult<ValueOf<S>, I>;
  }
  /**
   * An ARRAY slice `x[$1:$2]` (SQLAlchemy's `col[a:b]`), bounds inclusive and as written
   * (1-based); the result is an array of the same type.
   * @throws ArgumentError on an expression that is not an ARRAY.
   * @throws CompileError on SQLite.
   */
  slice<S extends AnyColumn>(this: S & ContainerReceiver<ValueOf<S>>, start: number | AnyColumn, stop: number | AnyColumn): IndexExpression<ValueOf<S>> {
    const me = self(this);
    requireAffinity(me, "array", "slice()");
    const bound = (v: unknown) => (v instanceof ColumnElement ? v : new BindParameter(me.anonBindBase, checkInt(me, "slice()", v), Integer(), { unique: true }));
    return new IndexExpression<ValueOf<S>>(me, "getitem", new ClauseList([bound(start), bound(stop)], ":"), me.type, {});
  }
  /**
   * Containment the other way round: `x <@ :x_1` (SQLAlchemy's `contained_by()`), JSONB or ARRAY.
   * @throws ArgumentError on other SQL types (JSON included). @throws CompileError on SQLite.
   */
  containedBy<S extends AnyColumn>(this: S & ContainerReceiver<ValueOf<S>>, other: JsonContained<ValueOf<S>> | AnyColumn): BinaryExpression<boolean> {
    return containment(self(this), "containedBy", other);
  }
  /**
   * ARRAY overlap: `x && :x_1`, true when the arrays share an element (SQLAlchemy's `overlap()`).
   * @throws ArgumentError on an expression that is not an ARRAY. @throws CompileError on SQLite.
   */
  overlap<S extends AnyColumn>(this: S & ContainerReceiver<ValueOf<S>>, other: readonly (ArrayItem<ValueOf<S>> | null)[] | AnyColumn): BinaryExpression<boolean> {
    const me = self(this);
    requireAffinity(me, "array", "overlap()");
    if (!Array.isArray(other) && !(other instanceof ClauseElement)) throw new ArgumentError(`overlap() on ${me.describe()} takes an array; got ${describeValue(other)}`);
    return new BinaryExpression(me, "overlap", coerceOperand(me, other), BooleanT());
  }
  /**
   * JSONB `x ? $1`: the document is an object with this key, or an array with this string
   * element (SQLAlchemy's `has_key()`).
   * @throws ArgumentError unless the expression is JSONB. @throws CompileError on SQLite.
   */
  hasKey<S extends AnyColumn>(this: S & ContainerReceiver<ValueOf<S>>, key: string | AnyColumn): BinaryExpression<boolean> {
    const me = jsonb(self(this), "hasKey()");
    return new BinaryExpression(me, "hasKey", coerceOperand(me, key, StringT()), BooleanT());
  }
  /**
   * JSONB `x ?& $1`: every key is present (SQLAlchemy's `has_all()`); keys bound as `text[]`.
   * @throws ArgumentError unless the expression is JSONB. @throws CompileError on SQLite.
   */
  hasAll<S extends AnyColumn>(this: S & ContainerReceiver<ValueOf<S>>, keys: readonly string[] | AnyColumn): BinaryExpression<boolean> {
    const me = jsonb(self(this), "hasAll()");
    return new BinaryExpression(me, "hasAll", coerceOperand(me, keys, new TextArrayType()), BooleanT());
  }
  /**
   * JSONB `x ?| $1`: some key is present (SQLAlchemy's `has_any()`); keys bound as `text[]`.
   * @throws ArgumentError unless the expression is JSONB. @throws CompileError on SQLite.
   */
  hasAny<S extends AnyColumn>(this: S & ContainerReceiver<ValueOf<S>>, keys: readonly string[] | AnyColumn): BinaryExpression<boolean> {
    const me = jsonb(self(this), "hasAny()");
    return new BinaryExpression(me, "hasAny", coerceOperand(me, keys, new TextArrayType()), BooleanT());
  }
  /**
   * JSONB `x #- CAST($1 AS TEXT[])`: the document without the element at `path` (SQLAlchemy's
   * `delete_path()`); indexes in the path are 0-based.
   * @throws ArgumentError unless the expression is JSONB. @throws CompileError on SQLite.
   */
  deletePath<S extends AnyColumn>(this: S & ContainerReceiver<ValueOf<S>>, path: readonly JsonPathElement[]): BinaryExpression<ValueOf<S>> {
    const me = jsonb(self(this), "deletePath()");
    const p = new Cast(new BindParameter(me.anonBindBase, checkPath(me, "deletePath()", path), new JSONPathType(), { unique: true }), new TextArrayType());
    return new BinaryExpression(me, "deletePath", p, me.type) as BinaryExpression<ValueOf<S>>;
  }
  /**
   * JSONB `x @? $1`: the SQL/JSON path (a `jsonpath` string such as `'$.tags[*] ? (@ == "a")'`)
   * returns an item (SQLAlchemy's `path_exists()`).
   * @throws ArgumentError unless the expression is JSONB. @throws CompileError on SQLite.
   */
  pathExists<S extends AnyColumn>(this: S & ContainerReceiver<ValueOf<S>>, jsonpath: string | AnyColumn): BinaryExpression<boolean> {
    const me = jsonb(self(this), "pathExists()");
    return new BinaryExpression(me, "pathExists", coerceOperand(me, jsonpath, StringT()), BooleanT());
  }
  /**
   * JSONB `x @@ $1`: the SQL/JSON path predicate (`'$.count > 2'`) is true (SQLAlchemy's
   * `path_match()`).
   * @throws ArgumentError unless the expression is JSONB. @throws CompileError on SQLite.
   */
  pathMatch<S extends AnyColumn>(this: S & ContainerReceiver<ValueOf<S>>, jsonpath: string | AnyColumn): BinaryExpression<boolean> {
    const me = jsonb(self(this), "pathMatch()");
    return new BinaryExpression(me, "pathMatch", coerceOperand(me, jsonpath, StringT()), BooleanT());
  }
  /**
   * `IN`. A list becomes one "expanding" bound parameter rendered at execution time, so a
   * statement compiled once serves any list length; an empty list renders the dialect's
   * empty-set form. A SELECT or a `text()` SELECT gives `IN (SELECT …)`; a table, alias,
   * subquery or CTE is selected from (`IN (SELECT t.x FROM t)`) with SQLAlchemy's warning to pass
   * a `select()` explicitly. `NOT IN` is always parenthesised: `(x NOT IN (…))`.
   */
  in<const O extends readonly Operand<T>[] | ClauseElement>(values: CheckedOperandList<T, O>): BinaryExpression<boolean> {
    return inOp(this, "in", values);
  }
  /** `NOT IN`; see {@link ColumnElement.in}. */
  notIn<const O extends readonly Operand<T>[] | ClauseElement>(values: CheckedOperandList<T, O>): BinaryExpression<boolean> {
    return inOp(this, "notIn", values);
  }
  /** `BETWEEN lower AND upper` (`symmetric` renders `BETWEEN SYMMETRIC`). */
  between<const L extends Operand<T>, const U extends Operand<T>>(
    lower: CheckedOperand<T, L>,
    upper: CheckedOperand<T, U>,
    opts?: { symmetric?: boolean },
  ): BinaryExpression<boolean> {
    const pair = new ClauseList([coerceOperand(this, lower), coerceOperand(this, upper)], " AND ");
    return new BinaryExpression(this, "between", pair, BooleanT(), { symmetric: opts?.symmetric ?? false });
  }

  // ---- arithmetic and strings ---------------------------------------------------------------
  /**
   * `+` (numbers) — on string and ARRAY types renders `||` like SQLAlchemy's `Concatenable`
   * (`x || ARRAY[...]` on PostgreSQL, the result keeping the array type).
   */
  add<const O extends Operand<T>>(other: CheckedArithmeticOperand<T, O>): BinaryExpression<T> {
    const a = this.type.affinity;
    if (a === "string" || a === "array") return concatOp(this, other) as unknown as BinaryExpression<T>;
    return arith(this, "add", other);
  }
  sub<const O extends Operand<T>>(other: CheckedArithmeticOperand<T, O>): BinaryExpression<T> {
    return arith(this, "sub", other);
  }
  mul<const O extends Operand<T>>(other: CheckedArithmeticOperand<T, O>): BinaryExpression<T> {
    return arith(this, "mul", other);
  }
  /**
   * True division (SQLAlchemy 2.0): integer / integer renders `a / CAST(b AS NUMERIC)` on
   * PostgreSQL and `a / (b + 0.0)` on SQLite, so `5 / 10` is 0.5 on both. Result type Numeric.
   */
  div<const O extends Operand<T>>(other: CheckedArithmeticOperand<T, O>): BinaryExpression<T> {
    const right = coerceOperand(this, other);
    const ints = isIntegerish(this) && isIntegerish(right);
    return new BinaryExpression(this, "truediv", right, ints ? Numeric() : this.type, { intDiv: ints }) as BinaryExpression<T>;
  }
  /** Floor division (SQLAlchemy 2.0 `//`): `a / b` for integers, `FLOOR(a / b)` otherwise. */
  floordiv<const O extends Operand<T>>(other: CheckedArithmeticOperand<T, O>): BinaryExpression<T> {
    const right = coerceOperand(this, other);
    const ints = isIntegerish(this) && isIntegerish(right);
    return new BinaryExpression(this, "floordiv", right, ints ? this.type : Integer(), { intDiv: ints }) as BinaryExpression<T>;
  }
  mod<const O extends Operand<T>>(other: CheckedArithmeticOperand<T, O>): BinaryExpression<T> {
    return arith(this, "mod", other);
  }
  /** String concatenation `||`. */
  concat<S extends AnyColumn>(this: S & StringReceiver<ValueOf<S>>, other: Operand<string>): BinaryExpression<string> {
    return concatOp(self(this), other);
  }
  /** Unary minus. */
  neg(): UnaryExpression<T> {
    return new UnaryExpression(this, { operator: "neg", type: this.type });
  }

  // ---- modifiers ------------------------------------------------------------------------------
  /**
   * `AS name` in a SELECT list; the row key becomes `name`. Without a name (or with `null`) the
   * label is anonymous, as SQLAlchemy's `label(None)`: the compiler names it `<column>_N`
   * (`myid_1`), `<function>_N` (`count_1`) or `anon_N`, unique within the statement.
   */
  label<L extends string>(name: L): Label<T, L>;
  label(name?: null): Label<T, string>;
  label(name?: string | null): Label<T, string> {
    return new Label(name ?? null, this);
  }
  /** `expr COLLATE name`; the collation is quoted as an identifier when needed. */
  collate(collation: string): BinaryExpression<T> {
    return new BinaryExpression(this, "collate", new CollationClause(collation), this.type) as BinaryExpression<T>;
  }
  /** `CAST(expr AS type)`. */
  cast<A extends TypeArg>(type: A): Cast<A extends TypeArg<infer U> ? U : unknown> {
    return new Cast(this, type) as Cast<A extends TypeArg<infer U> ? U : unknown>;
  }
  /** `expr ASC` for ORDER BY. */
  asc(): UnaryExpression<T> {
    return new UnaryExpression(this, { modifier: "asc", type: this.type });
  }
  /** `expr DESC` for ORDER BY. */
  desc(): UnaryExpression<T> {
    return new UnaryExpression(this, { modifier: "desc", type: this.type });
  }
  /** `expr NULLS FIRST`. */
  nullsFirst(): UnaryExpression<T> {
    return new UnaryExpression(this, { modifier: "nullsFirst", type: this.type });
  }
  /** `expr NULLS LAST`. */
  nullsLast(): UnaryExpression<T> {
    return new UnaryExpression(this, { modifier: "nullsLast", type: this.type });
  }
  /** `DISTINCT expr`, e.g. inside `count()`. */
  distinct(): UnaryExpression<T> {
    return new UnaryExpression(this, { operator: "distinct", type: this.type });
  }
  /**
   * Apply a SQL operator by name, e.g. `col.op("@>")(other)` (SQLAlchemy's `op()`);
   * `isComparison` types it boolean; `precedence` (SQLAlchemy's numbers: 5 for comparisons, 7 for
   * `+`, 8 for `*`) decides the parentheses around operands and around the expression itself.
   */
  op(sqlOperator: string, opts?: { isComparison?: boolean; precedence?: number }): (other: unknown) => BinaryExpression<unknown> {
    return (other) =>
      new BinaryExpression(this, "custom", coerceOperand(this, other), opts?.isComparison ? BooleanT() : this.type, {
        customSql: ` ${sqlOperator} `,
        ...(opts?.precedence !== undefined ? { precedence: opts.precedence } : {}),
      });
  }
  /**
   * A custom boolean operator (SQLAlchemy's `bool_op()`): `op(opstring, { isComparison: true })`,
   * usable in WHERE.
   */
  boolOp(sqlOperator: string, opts?: { precedence?: number }): (other: unknown) => BinaryExpression<boolean> {
    return this.op(sqlOperator, { ...opts, isComparison: true }) as (other: unknown) => BinaryExpression<boolean>;
  }
}

// ------------------------------------------------------------------------------------------------
// helpers building operator expressions

/** The receiver of a method declared with a `this:` operand check, as the expression it is. */
function self(x: unknown): AnyColumn {
  return x as AnyColumn;
}

function concatOp(left: AnyColumn, other: unknown): BinaryExpression<string> {
  // ARRAY || ARRAY: the operand binds as the array type and so does the result.
  if (left.type.affinity === "array") return new BinaryExpression(left, "concat", coerceOperand(left, other), left.type) as BinaryExpression<string>;
  return new BinaryExpression(left, "concat", coerceOperand(left, other, StringT()), StringT());
}

function typeMismatch(e: AnyColumn, what: string, wanted: string): ArgumentError {
  return new ArgumentError(`${what} needs ${wanted} expression; ${e.describe()} is ${e.type === NULLTYPE ? "untyped" : String(e.type)}`);
}
function requireAffinity(e: AnyColumn, affinity: "array", what: string): void {
  if (e.type.affinity !== affinity) throw typeMismatch(e, what, "an ARRAY");
}
/** The JSONB-only operators (PostgreSQL's `jsonb` has them, `json` does not). */
function jsonb(e: AnyColumn, what: string): AnyColumn {
  if (e.type.affinity !== "json" || (e.type as { isJsonb?: boolean }).isJsonb !== true) throw typeMismatch(e, what, "a JSONB");
  return e;
}
function checkInt(e: AnyColumn, what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new ArgumentError(`${what} on ${e.describe()} takes integer indexes; got ${describeValue(v)}`);
  return v;
}
function checkPath(e: AnyColumn, what: string, path: unknown): JsonPathElement[] {
  if (!Array.isArray(path) || path.length === 0) throw new ArgumentError(`${what} on ${e.describe()} takes a non-empty array of keys and indexes; got ${describeValue(path)}`);
  for (const x of path) if (typeof x !== "string") checkInt(e, what, x);
  return path as JsonPathElement[];
}

/** `@>` / `<@`: JSONB or ARRAY containment, the operand bound with the expression's own type. */
function containment(e: AnyColumn, op: "contains" | "containedBy", other: unknown): BinaryExpression<boolean> {
  const aff = e.type.affinity;
  if (aff === "json") jsonb(e, `${op}()`);
  else if (aff !== "array") throw typeMismatch(e, `${op}()`, "a JSONB or ARRAY");
  // JSONB containment takes any document; an ARRAY only another array (or an expression).
  else if (!Array.isArray(other) && !(other instanceof ClauseElement)) {
    throw new ArgumentError(`${op}() on ${e.describe()} (${e.type}) takes an array; got ${describeValue(other)}`);
  }
  return new BinaryExpression(e, op, coerceOperand(e, other), BooleanT());
}

/** `at()`: JSON element access, JSON path access, or an ARRAY index. */
function indexOp(e: AnyColumn, index: unknown): IndexExpression<unknown> {
  const t = e.type;
  if (t.affinity === "array") {
    if (index instanceof ColumnElement) return new IndexExpression(e, "getitem", index, arrayItemType(t), {});
    return new IndexExpression(e, "getitem", new BindParameter(e.anonBindBase, checkInt(e, "at()", index), Integer(), { unique: true }), arrayItemType(t), {});
  }
  if (t.affinity !== "json") throw typeMismatch(e, "at()", "a JSON, JSONB or ARRAY");
  if (index instanceof ColumnElement) return new JSONElement(e, "jsonGetitem", index, t, {});
  if (Array.isArray(index)) {
    const path = checkPath(e, "at()", index);
    return new JSONElement(e, "jsonPathGetitem", new BindParameter(e.anonBindBase, path, new JSONPathType(), { unique: true }), t, {});
  }
  if (typeof index !== "string") checkInt(e, "at()", index);
  const kind = typeof index === "string" ? "str" : "int";
  return new JSONElement(e, "jsonGetitem", new BindParameter(e.anonBindBase, index, new JSONIndexType(kind), { unique: true }), t, {});
}

/** An ARRAY's element type: the item type, or an ARRAY of one dimension less (SQLAlchemy). */
function arrayItemType(t: TypeEngine<unknown>): TypeEngine<unknown> {
  const a = t as TypeEngine<unknown> & { itemType: TypeEngine<unknown>; dimensions?: number; withDimensions?(n: number): TypeEngine<unknown> };
  return a.dimensions !== undefined && a.dimensions > 1 && a.withDimensions ? a.withDimensions(a.dimensions - 1) : a.itemType;
}

function isNullOperand(x: unknown): boolean {
  return x === null || (x instanceof Constant && x.which === "null");
}

/** `is()` operands: null → NULL, booleans → TRUE/FALSE constants (not parameters), as SQLAlchemy. */
function isOperand(left: ColumnElement<unknown, string>, other: unknown): ColumnElement<unknown, string> {
  if (other === null || other === undefined) return NULL;
  if (typeof other === "boolean") return other ? true_() : false_();
  return coerceOperand(left, other);
}

function isIntegerish(e: ClauseElement): boolean {
  return e instanceof ColumnElement && e.type.affinity === "integer";
}

/** Turn a JS value into a bound parameter typed like `against` (SQLAlchemy's coercion). */
export function coerceOperand(against: ColumnElement<unknown, string>, other: unknown, type?: TypeEngine<unknown>): ColumnElement<unknown, string> {
  if (other instanceof BindParameter) return other.withBinaryElementType(type ?? against.type);
  if (other instanceof ColumnElement) return other;
  // text() is accepted as an operand and rendered as written (SQLAlchemy's BinaryElementRole).
  if (other instanceof TextClause) return new TextExpression(other);
  if (other instanceof ClauseElement) {
    if (isSelectStatement(other)) {
      throw new ArgumentError(
        `A SELECT statement was used where a column expression is expected (against ${against.describe()}); call .scalarSubquery() to use it as a value`,
      );
    }
    throw new ArgumentError(`${other.describe()} is not a column expression and cannot be an operand of ${against.describe()}`);
  }
  if (other === null || other === undefined) return NULL;
  const entity = describeEntity(other);
  if (entity !== undefined) throw new ArgumentError(`SQL expression element or literal value expected, got ${entity}`);
  let t = type ?? against.type;
  if (t === NULLTYPE || t.affinity === "null") t = typeFromJsValue(other);
  return new BindParameter(against.anonBindBase, other, t, { unique: true });
}

/** Coerce a standalone value (no left side) into an expression: `literal()` semantics. */
export function coerceExpression(value: unknown, type?: TypeEngine<unknown>): ColumnElement<unknown, string> {
  if (value instanceof ColumnElement) return value;
  if (value instanceof ClauseElement) {
    if (isSelectStatement(value)) {
      throw new ArgumentError("A SELECT statement was used where a column expression is expected; call .scalarSubquery() to use it as a value");
    }
    throw new ArgumentError(`${value.describe()} is not a column expression`);
  }
  if (value === null || value === undefined) return NULL;
  return new BindParameter("param", value, type ?? typeFromJsValue(value), { unique: true });
}

/** Comparison operators flipped when their operands swap sides (SQLAlchemy's `operators.mirror`). */
const MIRROR: Partial<Record<OperatorName, OperatorName>> = { lt: "gt", gt: "lt", le: "ge", ge: "le" };

/**
 * A JS boolean compared with `=` / `!=` is the SQL constant `true` / `false` (`1` / `0` where
 * there are none), not a bound parameter, as SQLAlchemy's `x == True`.
 */
function boolConstant(other: unknown): unknown {
  return typeof other === "boolean" ? new Constant<boolean>(other ? "true" : "false", BooleanT()) : other;
}

function compare(
  left: ColumnElement<unknown, string>,
  op: OperatorName,
  other: unknown,
  type?: TypeEngine<unknown>,
  escape?: string,
  flags?: string,
): BinaryExpression<boolean> {
  if (left.kind === "collectionAggregate") {
    // ANY/ALL must be the right operand: `any_(x).lt(5)` is `5 > ANY (x)`.
    const MIRRORABLE = ["eq", "ne", "lt", "le", "gt", "ge"];
    if (!MIRRORABLE.includes(op)) throw new ArgumentError(`Only comparison operators may be used with ANY/ALL; got '${op}'`);
    return new BinaryExpression(coerceOperand(left, other, type), MIRROR[op] ?? op, left, BooleanT());
  }
  return new BinaryExpression(left, op, coerceOperand(left, other, type), BooleanT(), { escape, flags });
}

function arith<T>(left: ColumnElement<T, string>, op: OperatorName, other: unknown): BinaryExpression<T> {
  if (left.kind === "collectionAggregate") throw new ArgumentError(`Only comparison operators may be used with ANY/ALL; got '${op}'`);
  return new BinaryExpression(left, op, coerceOperand(left, other), left.type) as BinaryExpression<T>;
}

/** Options of `contains()`, `startsWith()` and `endsWith()`. */
export interface LikeAroundOptions {
  /** Escape `%`, `_` and the escape character in the (string) value. */
  readonly autoescape?: boolean;
  /** The escape character, rendered as `ESCAPE '<char>'` (default `/` with autoescape). */
  readonly escape?: string;
}

function likeAround(
  left: ColumnElement<unknown, string>,
  other: unknown,
  before: boolean,
  after: boolean,
  opts: LikeAroundOptions = {},
  caseInsensitive = false,
): BinaryExpression<boolean> {
  let escape = opts.escape;
  if (opts.autoescape) {
    if (typeof other !== "string") throw new ArgumentError(`autoescape requires a string value (against ${left.describe()})`);
    const esc = (escape ??= "/");
    other = other.split(esc).join(esc + esc).replace(/[%_]/g, (ch) => `${esc}${ch}`);
  }
  let pattern: ColumnElement<unknown, string> = coerceOperand(left, other, StringT());
  if (caseInsensitive) pattern = new IlikeOperand(pattern);
  const pct = new LiteralString("%");
  // SQLAlchemy renders the composed pattern unparenthesised: `x LIKE '%' || :x_1 || '%'`.
  if (before) pattern = new BinaryExpression(pct, "concat", pattern, StringT(), { composedLike: true });
  if (after) pattern = new BinaryExpression(pattern, "concat", pct, StringT(), { composedLike: true });
  if (caseInsensitive) return new BinaryExpression(new IlikeOperand(left), "ilike", pattern, BooleanT(), { escape, preLowered: true });
  return new BinaryExpression(left, "like", pattern, BooleanT(), { escape });
}

/**
 * An operand of icontains/istartsWith/iendsWith: `lower(x)`, or `x` alone where the dialect has
 * ILIKE (SQLAlchemy's `ilike_case_insensitive`). @internal
 */
export class IlikeOperand extends ColumnElement<string> {
  readonly kind = "ilikeOperand";
  readonly type = StringT();
  constructor(readonly element: ColumnElement<unknown, string>) {
    super();
  }
  override get anonBindBase(): string {
    return this.element.anonBindBase;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitIlikeOperand(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("ilo");
    this.element._key(k);
  }
}

function tupleTypeOf(t: Tuple): TupleType {
  return new TupleType(t.clauses.map((c) => (c instanceof ColumnElement ? c.type : NULLTYPE)));
}

function inOp(left: ColumnElement<unknown, string>, op: "in" | "notIn", values: readonly unknown[] | ClauseElement): BinaryExpression<boolean> {
  if (values instanceof ClauseElement) {
    if (values instanceof BindParameter) {
      // An untyped bind against a tuple takes the tuple's member types, so each value expands
      // to `(?, ?)` (SQLAlchemy's `_with_binary_element_type`).
      const typed = left instanceof Tuple && values.type === NULLTYPE ? values.withTupleType(tupleTypeOf(left)) : values.withBinaryElementType(left.type);
      return new BinaryExpression(left, op, typed.asExpanding(), BooleanT());
    }
    // A textual SELECT: `IN (SELECT …)` as written (SQLAlchemy's TextClause is an InElementRole).
    if (isSelectStatement(values) || values instanceof TextClause) {
      return new BinaryExpression(left, op, new Grouping(values), BooleanT());
    }
    const asSelect = fromClauseAsSelect(values);
    if (asSelect !== undefined) return new BinaryExpression(left, op, new Grouping(asSelect), BooleanT());
    // A scalar subquery renders parenthesized already: `IN (SELECT …)`, as SQLAlchemy's
    // `col.in_(q.scalar_subquery())`.
    if (values.kind === "scalarSelect") return new BinaryExpression(left, op, values, BooleanT());
    if (values instanceof Tuple) return new BinaryExpression(left, op, values, BooleanT());
    throw new ArgumentError(`IN() expects a list of values, a bindparam or a SELECT; got ${values.describe()}`);
  }
  if (!Array.isArray(values)) throw new ArgumentError(`IN() expects a list of values against ${left.describe()}`);
  if (values.some((v) => v instanceof ClauseElement)) {
    return new BinaryExpression(left, op, new Tuple(values.map((v) => coerceOperand(left, v))), BooleanT());
  }
  // A tuple's list holds one tuple per element; each member is bound with its column's type.
  const type = left instanceof Tuple ? tupleTypeOf(left) : left.type;
  const bp = new BindParameter(left.anonBindBase, values, type, { unique: true, expanding: true });
  return new BinaryExpression(left, op, bp, BooleanT());
}

/** SQLAlchemy's class names of FROM clauses, for its IN-coercion warning. */
const FROM_CLASS_NAMES: Readonly<Record<string, string>> = {
  table: "TableClause", alias: "Alias", subquery: "Subquery", cte: "CTE", lateral: "Lateral", tablesample: "TableSample", join: "Join",
};

/**
 * A table, alias, subquery, CTE or join given to `in()`: its `SELECT` (SQLAlchemy's
 * InElementImpl coerces it, warning "Coercing Subquery object into a select() for use in IN();
 * please pass a select() construct explicitly"). Undefined for anything else (VALUES included).
 */
function fromClauseAsSelect(x: ClauseElement): ClauseElement | undefined {
  const name = FROM_CLASS_NAMES[x.kind];
  const select = (x as { select?: () => ClauseElement }).select;
  if (name === undefined || typeof select !== "function") return undefined;
  const cls = x.kind === "table" && (x as { metadata?: unknown }).metadata !== undefined ? "Table" : name;
  warn(`Coercing ${cls} object into a select() for use in IN(); please pass a select() construct explicitly`);
  return select.call(x);
}

// ------------------------------------------------------------------------------------------------
// leaf nodes

/** Options for {@link BindParameter}. */
export interface BindParameterOptions {
  /** Anonymous: the compiler names it `<key>_<n>`. */
  readonly unique?: boolean;
  /** A list bound as one parameter and expanded to `(?, ?, …)` at execution time. */
  readonly expanding?: boolean;
  /** Value must come from execution parameters. */
  readonly required?: boolean;
  /** Computes the value at execution time. */
  readonly callable?: () => unknown;
  /** Render the value inline at execution time (post-compile), e.g. LIMIT on some backends. */
  readonly literalExecute?: boolean;
  /** The type was taken from the other operand, not given. @internal */
  readonly typeFromOperand?: boolean;
}

/**
 * A bound parameter (SQLAlchemy's `bindparam()`): its value is always sent separately from the SQL
 * text, never interpolated. Named ones (`bindparam("name")`) take their value from execution
 * parameters; anonymous ones carry the value given when the expression was built.
 */
export class BindParameter<T = unknown, K extends string = never> extends ColumnElement<T, K> {
  readonly kind = "bindparam";
  readonly type: TypeEngine<unknown>;
  readonly unique: boolean;
  readonly expanding: boolean;
  readonly required: boolean;
  readonly literalExecute: boolean;
  readonly callable?: () => unknown;
  /**
   * Typed after the other side of its expression rather than by the caller: a value that type
   * refuses is then bound after its own JS type, as an untyped bind would be. @internal
   */
  readonly typeFromOperand: boolean;
  constructor(
    /** The parameter name (anonymous ones get a numeric suffix at compile time). */
    readonly bindKey: string,
    readonly value: unknown,
    type?: TypeArg<unknown>,
    opts: BindParameterOptions = {},
  ) {
    super();
    this.type = type ? toType(type) : opts.expanding ? expandingValueType(value) : value === undefined ? NULLTYPE : typeFromJsValue(value);
    this.unique = opts.unique ?? false;
    this.expanding = opts.expanding ?? false;
    this.required = opts.required ?? (value === undefined && !opts.callable);
    this.literalExecute = opts.literalExecute ?? false;
    this.typeFromOperand = opts.typeFromOperand ?? false;
    if (opts.callable) this.callable = opts.callable;
  }
  /** The value to send: the callable's result or the stored value. */
  effectiveValue(): unknown {
    return this.callable ? this.callable() : this.value;
  }
  /** @internal */
  /** A copy typed as a tuple of `type`'s members (for `tuple_(…).in(bindparam(…))`). @internal */
  withTupleType(type: TupleType): BindParameter<T, K> {
    return new BindParameter<T, K>(this.bindKey, this.value, type, {
      unique: this.unique, expanding: this.expanding, required: this.required,
      ...(this.callable ? { callable: this.callable } : {}),
    });
  }
  /**
   * This bind typed as the other side of a binary expression when it has no type of its own
   * (SQLAlchemy's `_with_binary_element_type`), so `col.eq(bindparam("x"))` binds through
   * `col`'s type (TypeDecorator processing included). A typed bind is returned unchanged.
   * @internal
   */
  withBinaryElementType(type: TypeEngine<unknown>): BindParameter<T, K> {
    if (this.type !== NULLTYPE || type === NULLTYPE || type.affinity === "null" || type instanceof TupleType) return this;
    return new BindParameter<T, K>(this.bindKey, this.value, type, {
      unique: this.unique, expanding: this.expanding, required: this.required, literalExecute: this.literalExecute, typeFromOperand: true,
      ...(this.callable ? { callable: this.callable } : {}),
    });
  }
  asExpanding(): BindParameter<T, K> {
    if (this.expanding) return this;
    return new BindParameter<T, K>(this.bindKey, this.value, this.type, {
      unique: this.unique, expanding: true, required: this.required, typeFromOperand: this.typeFromOperand,
      ...(this.callable ? { callable: this.callable } : {}),
    });
  }
  /** A copy with a new value (same name and type). */
  withValue(value: unknown): BindParameter<T, K> {
    return new BindParameter<T, K>(this.bindKey, value, this.type, {
      unique: this.unique, expanding: this.expanding, required: false, literalExecute: this.literalExecute, typeFromOperand: this.typeFromOperand,
    });
  }
  override get anonBindBase(): string {
    return this.bindKey;
  }
  override describe(): string {
    return `bindparam(${JSON.stringify(this.bindKey)})`;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitBindParam(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.bind(this);
  }
}

/** Options of {@link bindparam} given in place of the type: `bindparam("x", 5, { literalExecute: true })`. */
export interface BindparamOptions extends BindParameterOptions {
  readonly type?: TypeArg<unknown>;
}

/**
 * `bindparam(key, value?, type?, opts?)`: a named bound parameter. Without a value, the value comes
 * from the execution parameters (`conn.execute(stmt, { key: 5 })`). The third argument may be the
 * options object instead of a type (`{ type, literalExecute, expanding, … }`).
 * `literalExecute` (SQLAlchemy's `literal_execute=True`) renders the value inline as a SQL literal
 * at execution time, never in the cached SQL: `String(stmt)` shows `__[POSTCOMPILE_key]`.
 */
export function bindparam<T = unknown>(key: string, value?: T, type?: TypeArg<T> | BindparamOptions, opts?: BindParameterOptions): BindParameter<T> {
  if (type !== undefined && typeof type === "object" && !isTypeEngine(type)) {
    const { type: t, ...rest } = type;
    return new BindParameter<T>(key, value, t, { ...rest, ...opts });
  }
  return new BindParameter<T>(key, value, type as TypeArg<T> | undefined, opts);
}

/**
 * The type of an untyped expanding bind: its first value's, as SQLAlchemy's BindParameter does
 * (`bindparam("x", [1, 2], expanding=True)` is Integer, not an array). Tuples and an empty or
 * absent list stay untyped, to be typed by the other side of the IN.
 */
function expandingValueType(value: unknown): TypeEngine<unknown> {
  const first: unknown = Array.isArray(value) && value.length > 0 ? value[0] : undefined;
  return first === undefined || first === null || Array.isArray(first) ? NULLTYPE : typeFromJsValue(first);
}

function isTypeEngine(x: object): x is TypeEngine<unknown> {
  return typeof (x as TypeEngine<unknown>).bindProcessor === "function" && typeof (x as TypeEngine<unknown>).compileType === "function";
}

/**
 * `literal(value, type?, opts?)`: a value as an anonymous bound parameter usable as an expression.
 * `literalExecute` renders it inline at execution, as SQLAlchemy's `literal(…, literal_execute=True)`.
 */
export function literal<T>(value: T, type?: TypeArg<T>, opts: { readonly literalExecute?: boolean } = {}): BindParameter<T> {
  return new BindParameter<T>("param", value, type, { unique: true, ...(opts.literalExecute ? { literalExecute: true } : {}) });
}

/** An internal string constant rendered inline (`'%'` in LIKE helpers). @internal */
export class LiteralString extends ColumnElement<string> {
  readonly kind = "literalString";
  readonly type = StringT();
  constructor(readonly text: string) {
    super();
  }
  _compile(c: SQLCompiler): string {
    return c.renderStringLiteral(this.text);
  }
  _key(k: CacheKeyBuilder): void {
    // Not "ls": that token marks a SELECT's label style, and element keys must not start with a
    // section mark.
    k.push("lstr", this.text);
  }
}

/** Raw SQL treated as a column expression (`literalColumn("x")`), or a column that belongs to no table. */
export class LiteralColumn<T = unknown, K extends string = never> extends ColumnElement<T, K> {
  readonly kind = "literalColumn";
  readonly type: TypeEngine<unknown>;
  constructor(readonly text: string, type?: TypeArg<T>) {
    super();
    this.type = type ? toType(type) : NULLTYPE;
  }
  override get key(): string {
    return this.text;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitLiteralColumn(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("lc", this.text, this.type.cacheKey);
  }
}

/** `literalColumn(text, type?)`: raw SQL text usable as a column (rendered verbatim, never quoted). */
export function literalColumn<T = unknown, K extends string = never>(text: string, type?: TypeArg<T>): LiteralColumn<T, K> {
  return new LiteralColumn<T, K>(text, type);
}

/** SQL `NULL`, `TRUE`, `FALSE` constants. */
export class Constant<T> extends ColumnElement<T> {
  readonly kind = "constant";
  constructor(readonly which: "null" | "true" | "false", readonly type: TypeEngine<unknown>) {
    super();
  }
  _compile(c: SQLCompiler): string {
    return c.visitConstant(this);
  }
  _key(k: CacheKeyBuilder): void {
    k.push(this.which);
  }
}
/** SQL NULL. */
export const NULL: Constant<null> = /* @__PURE__ */ new Constant<null>("null", NULLTYPE);
/** `null_()`: SQL NULL. */
export const null_ = (): Constant<null> => NULL;
// One TRUE and one FALSE, as SQLAlchemy's singletons: `select(true_(), true_())` repeats one column.
let TRUE: Constant<boolean> | undefined;
let FALSE: Constant<boolean> | undefined;
/** `true_()`: SQL TRUE (renders `1` on SQLite). */
export const true_ = (): Constant<boolean> => (TRUE ??= new Constant<boolean>("true", BooleanT()));
/** `false_()`: SQL FALSE (renders `0` on SQLite). */
export const false_ = (): Constant<boolean> => (FALSE ??= new Constant<boolean>("false", BooleanT()));

/** A collation name after COLLATE. */
export class CollationClause extends ClauseElement {
  readonly kind = "collation";
  constructor(readonly collation: string) {
    super();
  }
  _compile(c: SQLCompiler): string {
    return c.quoteIdentifier(this.collation);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("coll", this.collation);
  }
}

// ------------------------------------------------------------------------------------------------
// composite nodes

/** Extra rendering options of a binary expression. @internal */
export interface BinaryModifiers {
  readonly escape?: string | undefined;
  readonly flags?: string | undefined;
  readonly symmetric?: boolean;
  readonly intDiv?: boolean;
  readonly customSql?: string;
  /** The pattern of contains/startsWith/endsWith: never parenthesised as a LIKE operand. */
  readonly composedLike?: boolean;
  /** icontains & co: both operands are {@link IlikeOperand}s, so ILIKE needs no further lower(). */
  readonly preLowered?: boolean;
  /** The precedence of a custom `op()`, as SQLAlchemy's `precedence=` argument. */
  readonly precedence?: number;
  /**
   * A JSON element that is an operand of another operator: PostgreSQL parenthesises it
   * (`(x -> $1) = $2`, `CAST((x ->> $1) AS INTEGER)`), as SQLAlchemy's `eager_grouping`.
   */
  readonly eagerGroup?: boolean;
}

/** The modifiers of a plain binary expression: one shared object, not a new `{}` per expression. */
const NO_MODIFIERS: BinaryModifiers = Object.freeze({});

/** `left <op> right`. */
export class BinaryExpression<T = unknown> extends ColumnElement<T> {
  readonly kind = "binary";
  readonly left: ClauseElement;
  readonly right: ClauseElement;
  constructor(
    left: ClauseElement,
    readonly operator: OperatorName,
    right: ClauseElement,
    readonly type: TypeEngine<unknown>,
    readonly modifiers: BinaryModifiers = NO_MODIFIERS,
  ) {
    super();
    const p = modifiers.precedence;
    if (p === undefined) {
      this.left = left.selfGroup(operator);
      this.right = right.selfGroup(operator);
    } else {
      // A custom precedence: group operands whose own operator binds no tighter.
      this.left = groupForPrecedence(left, p);
      this.right = groupForPrecedence(right, p);
    }
  }
  /** This expression's precedence: the custom one of `op(…, { precedence })`, else its operator's. @internal */
  get precedence(): number {
    return this.modifiers.precedence ?? PRECEDENCE[this.operator];
  }
  override selfGroup(against?: OperatorName): ClauseElement {
    if (this.modifiers.composedLike && (against === "like" || against === "notLike" || against === "ilike" || against === "notIlike" || against === "concat")) return this;
    if (this.modifiers.precedence !== undefined) return against && this.modifiers.precedence <= PRECEDENCE[against] ? new Grouping(this) : this;
    return against && isPrecedent(this.operator, against) ? new Grouping(this) : this;
  }
  /** The negated form (`=` ↔ `!=`, `IN` ↔ `NOT IN`, …) or undefined when there is none. @internal */
  negated(): BinaryExpression<T> | undefined {
    const neg = NEGATION[this.operator];
    // NOT (x = ANY (a)) is not x != ANY (a): comparisons with ANY/ALL are negated with NOT.
    if (!neg || this.right.kind === "collectionAggregate") return undefined;
    const b = Object.create(BinaryExpression.prototype) as BinaryExpression<T>;
    Object.assign(b, this, { operator: neg });
    return b;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitBinary(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    const m = this.modifiers;
    k.push("bin", this.operator, this.type.cacheKey);
    if (m.escape !== undefined || m.flags !== undefined || m.symmetric || m.intDiv || m.customSql || m.preLowered || m.precedence !== undefined || m.eagerGroup) {
      k.push(m.escape ?? "", m.flags ?? "", m.symmetric ? "s" : "", m.intDiv ? "i" : "", m.customSql ?? "", m.preLowered ? "L" : "", String(m.precedence ?? ""), m.eagerGroup ? "g" : "");
    }
    this.left._key(k);
    this.right._key(k);
    k.push(")");
  }
}

/** Compiler support for {@link IndexExpression}; dialect compilers implement it. @internal */
export interface IndexCompiler {
  visitIndex(e: IndexExpression<unknown>, kw: CompileKw): string;
}

/**
 * Element access `x[i]`, `x[a:b]` (ARRAY, operator `getitem`) or a JSON element (operators
 * `jsonGetitem` / `jsonPathGetitem`, see {@link JSONElement}). Built by `at()` and `slice()`.
 * Without a dialect it renders as SQLAlchemy's string compiler does: `x[:x_1]`.
 */
export class IndexExpression<T = unknown> extends BinaryExpression<T> {
  override _compile(c: SQLCompiler, kw: CompileKw): string {
    const dialectForm = (c as SQLCompiler & Partial<IndexCompiler>).visitIndex;
    if (dialectForm) return dialectForm.call(c, this, kw);
    return `${c.process(this.left, kw)}[${c.process(this.right, kw)}]`;
  }
}

/** Operators whose operands SQLAlchemy compiles "in an operator expression" (not AND/OR, not unary ones). */
const NOT_EAGER: ReadonlySet<OperatorName> = /* @__PURE__ */ new Set<OperatorName>([
  "and", "or", "not", "neg", "bitwiseNot", "distinct", "exists", "asc", "desc", "nullsFirst", "nullsLast", "as", "comma", "filter",
]);

/**
 * A JSON element: `doc.at("key")`, `doc.at(0)`, `doc.at(["a", 1])` (SQLAlchemy's JSON index
 * expression). Typed JSON (or JSONB) like its document, its value reads back as a JS value; the
 * `as…()` methods give the element as a SQL value instead (SQLAlchemy's `as_string()`, …):
 * PostgreSQL `CAST(x ->> $1 AS INTEGER)` (`#>>` for paths), SQLite `CAST(JSON_EXTRACT(x, ?) AS
 * INTEGER)`. `T` is the element's JS type (`unknown` unless the document type says).
 */
export class JSONElement<T = unknown> extends IndexExpression<T> {
  /** As an operand of another operator it is parenthesised on PostgreSQL (SQLAlchemy's eager grouping). */
  override selfGroup(against?: OperatorName): ClauseElement {
    if (against === undefined || NOT_EAGER.has(against) || this.modifiers.eagerGroup) return this;
    return this.retyped(this.type, true);
  }
  private retyped<U>(type: TypeEngine<unknown>, eagerGroup = this.modifiers.eagerGroup ?? false): JSONElement<U> {
    const e = Object.create(JSONElement.prototype) as JSONElement<U>;
    Object.assign(e, this, { type, modifiers: { ...this.modifiers, eagerGroup } });
    return e;
  }
  /** The element as text: PostgreSQL `CAST(x ->> $1 AS VARCHAR)`, SQLite `CAST(JSON_EXTRACT(x, ?) AS VARCHAR)`. */
  asString(): IndexExpression<string | null> {
    return this.retyped(StringT());
  }
  /** The element as an INTEGER (SQLAlchemy's `as_integer()`). */
  asInteger(): IndexExpression<number | null> {
    return this.retyped(Integer());
  }
  /** The element as a FLOAT (SQLAlchemy's `as_float()`). */
  asFloat(): IndexExpression<number | null> {
    return this.retyped(Float());
  }
  /** The element as a BOOLEAN (SQLAlchemy's `as_boolean()`); SQLite stores JSON true as 1. */
  asBoolean(): IndexExpression<boolean | null> {
    return this.retyped(BooleanT());
  }
  /** The element as `NUMERIC(precision, scale)`, read as a decimal string (SQLAlchemy's `as_numeric()`). */
  asNumeric(precision: number, scale: number): IndexExpression<string | null> {
    return this.retyped(Numeric(precision, scale));
  }
  /** The element as JSON (SQLAlchemy's `as_json()`): the same expression, spelled out. */
  asJson(): JSONElement<T> {
    return this;
  }
}

/** The JS type of an expression's values. */
export type ValueOf<E> = E extends ColumnElement<infer T, string> ? T : never;

/** The result of `at(index)` on an expression of JS type `T`. */
export type AtResult<T, I> = I extends readonly unknown[]
  ? JSONElement<JsonAtPath<T, I> | null>
  : NonNullable<T> extends readonly unknown[]
    ? I extends number | AnyColumn
      ? IndexExpression<ArrayItem<T> | null>
      : JSONElement<unknown>
    : JSONElement<JsonAt<T, I> | null>;

/** Parenthesise `e` as an operand of an operator of precedence `p` (custom `op()` precedence). */
function groupForPrecedence(e: ClauseElement, p: number): ClauseElement {
  let own: number | undefined;
  if (e instanceof BinaryExpression) own = e.precedence;
  else if (e instanceof UnaryExpression && e.operator) own = PRECEDENCE[e.operator];
  else if (e instanceof BooleanClauseList && e.clauses.length > 1) own = PRECEDENCE[e.operator];
  return own !== undefined && own <= p ? new Grouping(e) : e;
}

/** A comma- (or other) separated list of clauses. */
export class ClauseList extends ClauseElement {
  readonly kind = "clauseList";
  constructor(readonly clauses: readonly ClauseElement[], readonly separator = ", ") {
    super();
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return this.clauses.map((e) => e._compile(c, kw)).join(this.separator);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("cl", this.separator);
    for (const e of this.clauses) e._key(k);
    k.push(")");
  }
}

/** `a AND b AND …` / `a OR b OR …`. */
export class BooleanClauseList extends ColumnElement<boolean> {
  readonly kind = "booleanList";
  readonly type = BooleanT();
  readonly clauses: readonly ClauseElement[];
  constructor(readonly operator: "and" | "or", clauses: readonly ClauseElement[]) {
    super();
    this.clauses = clauses.map((c) => c.selfGroup(operator));
  }
  override selfGroup(against?: OperatorName): ClauseElement {
    return against && this.clauses.length > 1 && isPrecedent(this.operator, against) ? new Grouping(this) : this;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitBooleanList(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push(this.operator);
    for (const e of this.clauses) e._key(k);
    k.push(")");
  }
}

function whereClause(x: unknown, fn: string): ClauseElement {
  if (x instanceof ColumnElement) return x;
  if (x instanceof TextClause) return x;
  // As SQLAlchemy's WhereHavingRole coercion: True/False are the true_()/false_() singletons
  // (so `and(x, true)` drops the `true`), None is NULL.
  if (typeof x === "boolean") return x ? true_() : false_();
  if (x === null) return null_();
  // SQLAlchemy 1.4+ refuses plain strings as SQL, naming text() as the way to say it.
  if (typeof x === "string") throw new ArgumentError(`Textual SQL expression ${pyStrRepr(x)} should be explicitly declared as text(${pyStrRepr(x)})`);
  if (isSelectStatement(x)) {
    throw new ArgumentError(`${fn}() got a SELECT; use exists(…) or .scalarSubquery() to use a SELECT as a condition`);
  }
  const asClause = typeof x === "object" && x !== null ? whereClauseHooks.relationship?.(x) : undefined;
  if (asClause !== undefined) return asClause;
  throw new ArgumentError(`${fn}() expects SQL boolean expressions; got ${describeValue(x)}`);
}

/**
 * Conditions the ORM supplies: a relationship attribute used as a criterion renders its join
 * condition (SQLAlchemy's `RelationshipProperty.Comparator.__clause_element__`,
 * `select(User).where(User.addresses)`). Registered by the ORM so Core does not import it. @internal
 */
export const whereClauseHooks: { relationship?: (x: object) => ColumnElement<boolean> | undefined } = {};

/**
 * A string as SQLAlchemy's messages show it (Python's `repr` of `util.ellipses_string()`):
 * single-quoted, cut to 25 characters plus `...`. @internal
 */
export function pyStrRepr(x: string): string {
  const s = x.length > 25 ? `${x.slice(0, 25)}...` : x;
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Describe any value for an error message. @internal */
export function describeValue(x: unknown): string {
  if (x instanceof ClauseElement) return x.describe();
  if (x === null) return "null";
  if (typeof x === "string") return `string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`;
  if (typeof x === "object") return `${(x as object).constructor?.name ?? "object"} object`;
  return `${typeof x} ${String(x)}`;
}

/**
 * Conditions accepted by and/or/where: expressions, booleans (the `true_()`/`false_()`
 * constants), `null` (SQL NULL), text().
 */
export type Condition = ColumnElement<unknown, string> | TextClause | boolean | null;

/** Stands in for a WHERE/HAVING/and()/or() criterion that is a non-boolean expression. */
export interface NonBooleanCondition<T> {
  readonly __conditionMustBeBoolean: T;
}
/**
 * Criteria `A` checked: an expression must be boolean (or untyped: `text()`-derived,
 * `literalColumn()`, `column("x")`), as SQL's WHERE takes a truth value and PostgreSQL refuses
 * `WHERE id`. Used as `...criteria: CheckedConditions<A>` with `A` inferred from the arguments.
 */
export type CheckedConditions<A extends readonly unknown[]> = { readonly [I in keyof A]: CheckedCondition<A[I]> };
/** One criterion of {@link CheckedConditions}. */
export type CheckedCondition<C> = C extends ColumnElement<infer U, string>
  ? unknown extends U
    ? C
    : [NonNullable<U>] extends [boolean]
      ? C
      : NonBooleanCondition<U>
  : C;

/**
 * `and(a, b, …)`: conjunction; `and()` with one clause returns it unchanged. As SQLAlchemy's
 * `and_()`, a `true_()` operand is dropped unless it is the only one, and a `false_()` operand
 * makes the whole conjunction `false` (a JS `true`/`false` operand is kept as written).
 */
export function and<const A extends readonly Condition[]>(...clauses: CheckedConditions<A>): ColumnElement<boolean> {
  return conjunction("and", clauses.map((c) => whereClause(c, "and")));
}
/** `or(a, b, …)`: disjunction; `false_()` operands are dropped and `true_()` short-circuits, as `and()`. */
export function or<const A extends readonly Condition[]>(...clauses: CheckedConditions<A>): ColumnElement<boolean> {
  return conjunction("or", clauses.map((c) => whereClause(c, "or")));
}
function isConstant(c: ClauseElement, which: "true" | "false"): boolean {
  return c instanceof Constant && c.which === which;
}
/**
 * SQLAlchemy's `BooleanClauseList._construct`: the `true_()`/`false_()` singleton that is neutral
 * for the operator is skipped, the absorbing one wins (matched by identity, as SQLAlchemy does).
 */
function conjunction(op: "and" | "or", clauses: readonly ClauseElement[]): ColumnElement<boolean> {
  const [neutral, absorbing] = op === "and" ? [true_(), false_()] : [false_(), true_()];
  let sawNeutral: ClauseElement | undefined;
  const kept: ClauseElement[] = [];
  for (const c of clauses) {
    if (c === absorbing) return absorbing;
    if (c === neutral) sawNeutral = c;
    // An empty and()/or() inside another conjunction adds nothing (SQLAlchemy renders it as an
    // empty string, which the enclosing list skips).
    else if (!(c instanceof BooleanClauseList && c.clauses.length === 0)) kept.push(c);
  }
  if (kept.length === 0 && sawNeutral) return sawNeutral as ColumnElement<boolean>;
  if (kept.length === 1 && kept[0] instanceof ColumnElement) return kept[0] as ColumnElement<boolean>;
  return new BooleanClauseList(op, kept);
}
/**
 * The AND of a statement's accumulated WHERE/HAVING criteria, as SQLAlchemy joins them with
 * `and_()`: a `true_()` among other criteria is dropped, a `false_()` wins. @internal
 */
export function andCriteria(clauses: readonly ClauseElement[]): ClauseElement {
  return clauses.length === 1 ? clauses[0] : conjunction("and", clauses);
}
/**
 * `not(x)`: negation; comparisons flip their operator (`=` → `!=`), others render `NOT x`. A
 * criterion that states its own negation (SQLAlchemy's `negation_clause`, e.g. a many-to-many
 * `contains(obj)`, whose negation is NOT EXISTS) gives that.
 */
export function not<const C extends Condition>(clause: CheckedCondition<C>): ColumnElement<boolean> {
  const c = whereClause(clause, "not");
  const stated = NEGATIONS.get(c);
  if (stated !== undefined) return stated();
  // A labelled criterion stays labelled: `NOT (…) AS foo` (SQLAlchemy's Label._negate).
  if (c instanceof Label) return new Label(c.anonymous ? null : c.name, not(c.element as ColumnElement<boolean>), c.name) as unknown as ColumnElement<boolean>;
  if (isConstant(c, "true")) return false_();
  if (isConstant(c, "false")) return true_();
  if (c instanceof BinaryExpression) {
    const n = c.negated();
    if (n) return n as ColumnElement<boolean>;
    // No negated operator: the whole expression is grouped, `NOT (a + b)`, `NOT (x @> y)`
    // (SQLAlchemy's BinaryExpression._negate groups before wrapping in NOT).
    return new UnaryExpression(new Grouping(c), { operator: "not", type: BooleanT() }) as ColumnElement<boolean>;
  }
  // Only `NOT <boolean column>` (SQLAlchemy's AsBoolean) cancels out; the negation of a NOT
  // over a grouped or prefix expression nests: `NOT (NOT (EXISTS (…)))`, `NOT (NOT (a AND b))`.
  if (c instanceof UnaryExpression && c.operator === "not" && !(c.element instanceof Grouping) && !(c.element instanceof UnaryExpression)) {
    return c.element as ColumnElement<boolean>;
  }
  return new UnaryExpression(c, { operator: "not", type: BooleanT() }) as ColumnElement<boolean>;
}
/** @internal */
export { whereClause as coerceWhereClause };

/** Criteria whose negation is not `NOT (criteria)` (see {@link withNegation}). */
const NEGATIONS = new WeakMap<object, () => ColumnElement<boolean>>();

/**
 * `expr`, with `negation()` as what {@link not} returns for it (SQLAlchemy's `negation_clause`),
 * built only when negated:
 * a many-to-many `contains(obj)` is a comparison through the association table, which negated
 * column by column would match every other association row; its negation is NOT EXISTS.
 * @internal
 */
export function withNegation<E extends ColumnElement<boolean>>(expr: E, negation: () => ColumnElement<boolean>): E {
  NEGATIONS.set(expr, negation);
  return expr;
}

/** `(inner)`: explicit parentheses. */
export class Grouping<T = unknown> extends ColumnElement<T> {
  readonly kind = "grouping";
  constructor(readonly element: ClauseElement) {
    super();
  }
  get type(): TypeEngine<unknown> {
    return this.element instanceof ColumnElement ? this.element.type : NULLTYPE;
  }
  override get key(): string | undefined {
    return this.element instanceof ColumnElement ? this.element.key : undefined;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return `(${this.element._compile(c, kw)})`;
  }
  _key(k: CacheKeyBuilder): void {
    k.push("grp");
    this.element._key(k);
    k.push(")");
  }
}

/** A prefix operator (`NOT x`, `-x`, `DISTINCT x`, `EXISTS x`) or suffix modifier (`x DESC`). */
export class UnaryExpression<T = unknown> extends ColumnElement<T> {
  readonly kind = "unary";
  readonly element: ClauseElement;
  readonly operator?: OperatorName;
  readonly modifier?: OperatorName;
  readonly type: TypeEngine<unknown>;
  constructor(element: ClauseElement, opts: { operator?: OperatorName; modifier?: OperatorName; type: TypeEngine<unknown> }) {
    super();
    const against = opts.operator ?? opts.modifier;
    this.element = against ? element.selfGroup(against) : element;
    if (opts.operator) this.operator = opts.operator;
    if (opts.modifier) this.modifier = opts.modifier;
    this.type = opts.type;
  }
  override get key(): string | undefined {
    return this.modifier && this.element instanceof ColumnElement ? this.element.key : undefined;
  }
  /** `x ASC NULLS FIRST` when called on an ordered expression. */
  override nullsFirst(): UnaryExpression<T> {
    return new UnaryExpression(this, { modifier: "nullsFirst", type: this.type });
  }
  override nullsLast(): UnaryExpression<T> {
    return new UnaryExpression(this, { modifier: "nullsLast", type: this.type });
  }
  /** Only a prefix operator can need parentheses: `x DESC NULLS LAST` stays flat (SQLAlchemy). */
  override selfGroup(against?: OperatorName): ClauseElement {
    const op = this.operator;
    return op && against && isPrecedent(op, against) ? new Grouping(this) : this;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitUnary(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("un", this.operator ?? "", this.modifier ?? "");
    this.element._key(k);
    k.push(")");
  }
}

/**
 * A name given as a string to `orderBy()`, `groupBy()`, `asc()` or `desc()` (SQLAlchemy's
 * `_textual_label_reference`): it names a label of the SELECT list, or else a column of its
 * FROMs by key, and renders as that label's name or that column.
 * @throws CompileError (when compiled) if the enclosing SELECT has no such label or column.
 */
export class TextualLabelReference extends ColumnElement<unknown> {
  readonly kind = "textualLabelReference";
  readonly type = NULLTYPE;
  constructor(readonly name: string) {
    super();
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitTextualLabelReference(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("tlr", this.name);
  }
}
/** An ORDER BY / GROUP BY argument: a string is a {@link TextualLabelReference}. @internal */
export function coerceOrderBy<T>(e: ColumnElement<T, string> | string): ColumnElement<T, string> {
  return typeof e === "string" ? (new TextualLabelReference(e) as ColumnElement<T, string>) : e;
}
/** `expr ASC`; a string names a SELECT-list label or column (`asc("name")`). */
/** `asc(x)`, `desc(x)`, `nullsFirst(x)`, `nullsLast(x)`, `distinct(x)` as functions. */
export const asc = <T>(e: ColumnElement<T, string> | string): UnaryExpression<T> => coerceOrderBy(e).asc();
/** `expr DESC`; a string names a SELECT-list label or column (`desc("fb")`). */
export const desc = <T>(e: ColumnElement<T, string> | string): UnaryExpression<T> => coerceOrderBy(e).desc();
export const nullsFirst = <T>(e: ColumnElement<T, string> | string): UnaryExpression<T> => coerceOrderBy(e).nullsFirst();
export const nullsLast = <T>(e: ColumnElement<T, string> | string): UnaryExpression<T> => coerceOrderBy(e).nullsLast();
/**
 * `DISTINCT expr` as a function.
 * @throws ArgumentError when `e` is not a column expression (an entity, an instance):
 *   SQLAlchemy's "SQL expression element expected, got User".
 */
export const distinct = <T>(e: ColumnElement<T, string>): UnaryExpression<T> => {
  if (e instanceof ColumnElement) return e.distinct();
  throw new ArgumentError(`SQL expression element expected, got ${describeEntity(e) ?? describeValue(e)}`);
};

/**
 * A mapped class, an aliased class or a mapped instance, described for an error message
 * (`class User`, `aliased(User)`, `User object`); undefined for anything else. Known by duck
 * type so Core does not import the ORM.
 */
function describeEntity(x: unknown): string | undefined {
  if (typeof x !== "function" && (typeof x !== "object" || x === null)) return undefined;
  if (typeof x === "function") return (x as { _isColumnsClauseProvider?: boolean })._isColumnsClauseProvider === true ? `class ${entityClassName(x)}` : undefined;
  const a = x as { _isAliasedClass?: boolean; mapper?: { className?: string } };
  if (a._isAliasedClass === true) return `aliased(${a.mapper?.className ?? "?"})`;
  const ctor = (x as { constructor?: unknown }).constructor;
  return typeof ctor === "function" && (ctor as { _isColumnsClauseProvider?: boolean })._isColumnsClauseProvider === true ? `${entityClassName(ctor)} object` : undefined;
}

/** A class's name for an error message; a model with a `name` column shadows the class's own name, so it is read from the source. */
function entityClassName(f: unknown): string {
  const m = typeof f === "function" ? /^class\s+([\w$]+)/.exec(Function.prototype.toString.call(f)) : null;
  return m ? m[1] : "(anonymous)";
}

/** `expr AS name`. */
export class Label<T = unknown, K extends string = string> extends ColumnElement<T, K> {
  readonly kind = "label";
  /** The label's name; for an anonymous label, the base the compiler numbers (`myid` gives `myid_1`). */
  readonly name: K;
  /** True for `label()` / `label(null)`: the compiler picks a name unique within the statement. */
  readonly anonymous: boolean;
  constructor(name: K | null, readonly element: ColumnElement<unknown, string>, anonBase?: string) {
    super();
    this.anonymous = name === null;
    this.name = name ?? ((anonBase ?? anonLabelBase(element)) as K);
  }
  get type(): TypeEngine<unknown> {
    return this.element.type;
  }
  override get key(): string {
    return this.name;
  }
  /** A label used as an operand groups its element: `(f - f).label("x").sub(f)` is `(f - f) - f`. */
  override selfGroup(against?: OperatorName): ClauseElement {
    // Under ASC/DESC/NULLS the label stays itself, so ORDER BY can name it (`ORDER BY a DESC`).
    if (against === "asc" || against === "desc" || against === "nullsFirst" || against === "nullsLast") return this;
    const inner = this.element.selfGroup(against);
    return inner === this.element ? this : new Label(this.anonymous ? null : this.name, inner as ColumnElement<unknown, string>, this.name);
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitLabel(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push(this.anonymous ? "anonlbl" : "lbl", this.name);
    this.element._key(k);
  }
}

/** The base of an anonymous label's name: the element's name (SQLAlchemy's `getattr(element, "name", "anon")`). */
function anonLabelBase(element: ColumnElement<unknown, string>): string {
  if (element instanceof Label) return element.name;
  if (element.kind === "column" || isFunctionElement(element)) return (element as unknown as { name: string }).name;
  return "anon";
}

/** `CAST(expr AS type)`. */
export class Cast<T = unknown> extends ColumnElement<T> {
  readonly kind = "cast";
  readonly type: TypeEngine<unknown>;
  readonly element: ColumnElement<unknown, string>;
  constructor(element: unknown, type: TypeArg<unknown>) {
    super();
    this.type = toType(type);
    this.element = coerceExpression(element, this.type);
  }
  override get anonBindBase(): string {
    return this.element.anonBindBase;
  }
  /**
   * A CAST of a named column or label keeps that name in a SELECT list: `CAST(t.x AS INTEGER) AS x`
   * (SQLAlchemy 1.4 "Improved column labeling for simple column expressions using CAST").
   */
  override get resultName(): string | undefined {
    const e = this.element;
    return e.kind === "column" || e instanceof Label ? e.resultName : undefined;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitCast(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("cast", this.type.cacheKey);
    this.element._key(k);
  }
}
/** `cast(expr, type)`: SQL CAST; a JS value is bound as a parameter of the target type. */
export function cast<T>(expr: unknown, type: TypeArg<T>): Cast<T> {
  return new Cast<T>(expr, type);
}

/** `CASE WHEN … THEN … [ELSE …] END`. */
export class Case<T = unknown> extends ColumnElement<T> {
  readonly kind = "case";
  readonly type: TypeEngine<unknown>;
  constructor(
    readonly whens: readonly (readonly [ClauseElement, ColumnElement<unknown, string>])[],
    readonly value: ColumnElement<unknown, string> | undefined,
    readonly else_: ColumnElement<unknown, string> | undefined,
  ) {
    super();
    const typed = [...whens.map((w) => w[1]), ...(else_ ? [else_] : [])].find((e) => e.type !== NULLTYPE);
    this.type = typed?.type ?? NULLTYPE;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitCase(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("case", this.value ? "v" : "", this.else_ ? "e" : "", String(this.whens.length));
    this.value?._key(k);
    for (const [w, t] of this.whens) {
      w._key(k);
      t._key(k);
    }
    this.else_?._key(k);
    k.push(")");
  }
}

/** One `[condition, result]` WHEN pair of {@link case_}. */
export type CaseWhen<T> = readonly [Condition | unknown, T | ColumnElement<T, string>];
/** Options of {@link case_}: the ELSE result and, for `CASE x WHEN …`, the compared value. */
export interface CaseOptions<T> {
  readonly else_?: T | ColumnElement<T, string>;
  readonly value?: ColumnElement<unknown, string>;
}

/**
 * `CASE WHEN … THEN … [ELSE …] END`. The WHEN pairs come as one list (`case_([[c1, r1], [c2, r2]],
 * opts)`), as a record of value → result (with `value`), or positionally as in SQLAlchemy 2.0's
 * `case((c1, r1), (c2, r2), else_=…)`: `case_([c1, r1], [c2, r2], { else_ })`. With `value`,
 * conditions are values compared to it (`CASE x WHEN 1 THEN …`). Results given as JS values
 * become bound parameters.
 * @throws ArgumentError without any WHEN pair.
 */
export function case_<T>(whens: readonly CaseWhen<T>[] | Record<string, T>, opts?: CaseOptions<T>): Case<T>;
export function case_<T>(...args: [CaseWhen<T>, ...(CaseWhen<T> | CaseOptions<T>)[]]): Case<T>;
export function case_<T>(...args: unknown[]): Case<T> {
  const [pairs, opts] = caseArgs<T>(args);
  if (pairs.length === 0) throw new ArgumentError("case() needs at least one WHEN clause");
  const value = opts.value;
  const conv = pairs.map(([w, t]) => {
    // A WHEN value is an anonymous literal (`:param_1`), as SQLAlchemy coerces it without the
    // compared expression; it keeps that expression's type for bind processing.
    const cond = value ? coerceExpression(w, value.type === NULLTYPE ? undefined : value.type) : whereClause(w, "case");
    return [cond, coerceExpression(t)] as const;
  });
  const elseE = opts.else_ === undefined ? undefined : coerceExpression(opts.else_);
  return new Case<T>(conv, value, elseE);
}
/** The WHEN pairs and options of either calling form of {@link case_}. */
function caseArgs<T>(args: readonly unknown[]): [readonly (readonly [unknown, unknown])[], CaseOptions<T>] {
  const first = args[0];
  const isPairList = Array.isArray(first) && (first.length === 0 || Array.isArray(first[0]));
  if (isPairList || (first !== null && typeof first === "object" && !Array.isArray(first))) {
    const pairs = Array.isArray(first) ? (first as (readonly [unknown, unknown])[]) : Object.entries(first as Record<string, unknown>);
    return [pairs, (args[1] ?? {}) as CaseOptions<T>];
  }
  const last = args[args.length - 1];
  const hasOpts = args.length > 1 && !Array.isArray(last);
  const pairs = (hasOpts ? args.slice(0, -1) : args) as (readonly [unknown, unknown])[];
  return [pairs, (hasOpts ? last : {}) as CaseOptions<T>];
}

/** `(a, b, …)`: a tuple expression for composite comparisons and IN. */
export class Tuple extends ColumnElement<unknown[]> {
  readonly kind = "tuple";
  readonly type = NULLTYPE;
  constructor(readonly clauses: readonly ClauseElement[]) {
    super();
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return `(${this.clauses.map((e) => e._compile(c, kw)).join(", ")})`;
  }
  _key(k: CacheKeyBuilder): void {
    k.push("tup");
    for (const e of this.clauses) e._key(k);
    k.push(")");
  }
}
/** `tuple(a, b, …)`. */
export function tuple(...clauses: unknown[]): Tuple {
  return new Tuple(clauses.map((c) => coerceExpression(c)));
}

/** The type of tuple-valued expanding parameters. @internal */
export class TupleType extends NullType {
  constructor(readonly types: readonly TypeEngine<unknown>[]) {
    super();
  }
  override get cacheKey(): string {
    return `TUPLE(${this.types.map((t) => t.cacheKey).join(",")})`;
  }
}

/** Raw SQL with `:name` bound parameters (SQLAlchemy's `text()`). */
export class TextClause extends ClauseElement {
  readonly kind = "text";
  readonly _isSelectStatement = false;
  /** The statement's own cache key once computed (see generateCacheKey). @internal */
  _keyMemo: MemoizedCacheKey | null = null;
  constructor(readonly text: string, readonly binds: ReadonlyMap<string, BindParameter<unknown, string>> = new Map()) {
    super();
  }
  /**
   * Attach values or typed bind parameters for the `:name` placeholders (SQLAlchemy's
   * `TextClause.bindparams()`); a value keeps the type given earlier for that name.
   * @throws ArgumentError for a name the text has no placeholder for: "This text() construct
   *   doesn't define a bound parameter named 'bar'".
   */
  bindparams(values: Record<string, unknown> | BindParameter<unknown, string>[]): TextClause {
    const m = new Map(this.binds);
    const names = new Set(textBindNames(this.text));
    const check = (k: string) => {
      if (!names.has(k)) throw new ArgumentError(`This text() construct doesn't define a bound parameter named '${k}'`);
    };
    if (Array.isArray(values)) for (const b of values) {
      check(b.bindKey);
      m.set(b.bindKey, b);
    }
    else for (const [k, v] of Object.entries(values)) {
      check(k);
      m.set(k, v instanceof BindParameter ? v : new BindParameter(k, v, m.get(k)?.type));
    }
    return new TextClause(this.text, m);
  }
  override describe(): string {
    return `text(${JSON.stringify(this.text.length > 40 ? `${this.text.slice(0, 40)}…` : this.text)})`;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitText(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    // Not every placeholder need be bound here, so the text alone does not say how many follow.
    k.push("text", this.text, String(this.binds.size));
    for (const [name, b] of this.binds) {
      k.push(name);
      b._key(k);
    }
  }
}
/**
 * The `:name` placeholders of a text() string, in order: a colon preceded by neither a word
 * character nor a colon and not followed by one (`a::int` is a cast), and not escaped as `\\:`.
 * The same rule as the compiler's. @internal
 */
export const TEXT_BIND_RE = /(\\:)|(?<![:\w])(:)(\w+)(?!:)/g;
function textBindNames(sql: string): string[] {
  const out: string[] = [];
  for (const m of sql.matchAll(TEXT_BIND_RE)) if (m[3] !== undefined) out.push(m[3]);
  return out;
}

/**
 * `text("SELECT * FROM t WHERE id = :id")`: raw SQL. `:name` placeholders become bound
 * parameters (values from `.bindparams()` or from execution parameters); `\:` escapes a colon.
 */
export function text(sql: string): TextClause {
  return new TextClause(sql);
}

// ------------------------------------------------------------------------------------------------
// functions and windows

/**
 * True for a SQL function call (`func.count(x)`). Tested by `kind`, not `instanceof`: an
 * `instanceof` in the compiler would keep FunctionElement (and Over, FunctionFilter) in every
 * bundle, including those of applications that never call a SQL function.
 */
export function isFunctionElement(x: ClauseElement): x is FunctionElement<unknown, string> {
  return x.kind === "function";
}

/** A SQL function call `name(args…)`. */
export class FunctionElement<T = unknown, K extends string = never> extends ColumnElement<T, K> {
  readonly kind = "function";
  constructor(
    /** Function name, possibly dotted (`pg_catalog.now`). */
    readonly name: string,
    readonly args: readonly ClauseElement[],
    readonly type: TypeEngine<unknown>,
    /** Render without parentheses (`CURRENT_TIMESTAMP`). */
    readonly bare = false,
  ) {
    super();
  }
  override get anonBindBase(): string {
    return this.name;
  }
  /** Name used for the anonymous label in a SELECT list (`count(*) AS count_1`). */
  override get resultName(): string | undefined {
    return undefined;
  }
  /** `fn(...) OVER (PARTITION BY … ORDER BY … ROWS/RANGE …)`. */
  over(opts: OverOptions = {}): Over<T> {
    return new Over<T>(this, opts);
  }
  /**
   * `fn(...) FILTER (WHERE …)`, several criteria joined by AND. Without criteria the function
   * itself is returned, as in SQLAlchemy.
   */
  filter(): this;
  filter(...criteria: [Condition, ...Condition[]]): FunctionFilter<T>;
  filter(...criteria: Condition[]): FunctionFilter<T> | this;
  filter(...criteria: Condition[]): FunctionFilter<T> | this {
    return criteria.length === 0 ? this : new FunctionFilter<T>(this, and(...criteria));
  }
  /**
   * `fn(...) WITHIN GROUP (ORDER BY …)` for ordered-set aggregates (SQLAlchemy's
   * `within_group()`): `func.percentile_cont(0.5).withinGroup(t.c.x)`. An untyped function takes
   * the SQL type of the first ORDER BY expression for result processing.
   * @throws ArgumentError without ORDER BY expressions.
   */
  withinGroup(...orderBy: AnyColumn[]): WithinGroup<T> {
    if (orderBy.length === 0) throw new ArgumentError(`withinGroup() on ${this.describe()} needs at least one ORDER BY expression`);
    return new WithinGroup(this, orderBy.map((o) => coerceExpression(o)));
  }
  /**
   * The function as a FROM: `fn(…) AS name` (SQLAlchemy's `FunctionElement.alias()`), anonymous
   * (`anon_1`) without a name. Its `.column` is the function's output as a scalar column
   * (`SELECT name FROM unnest(…) AS name`).
   */
  alias(name?: string, opts: { readonly joinsImplicitly?: boolean } = {}): TableValuedAlias {
    return tableValuedFactory!(this, name, opts);
  }
  /** `LATERAL fn(…) AS name` (SQLAlchemy's `lateral(func.x(…))`). */
  lateral(name?: string): TableValuedAlias {
    return tableValuedFactory!(this, name, { lateral: true });
  }
  /**
   * A table-valued function (SQLAlchemy 1.4's `table_valued()`): a FROM whose `.c` holds the
   * named output columns, `column("x")` or plain names, rendered `fn(…) AS anon_1`.
   */
  tableValued(...columns: (string | ColumnElement<unknown, string> | TableValuedArgs)[]): TableValuedAlias {
    const last = columns[columns.length - 1];
    const args: TableValuedArgs = last !== undefined && typeof last === "object" && !(last instanceof ClauseElement) ? (columns.pop() as TableValuedArgs) : {};
    const cols = (columns as (string | ColumnElement<unknown, string>)[]).map((c) => (typeof c === "string" ? new LiteralColumn<unknown, string>(c) : c));
    return tableValuedFactory!(this, args.name, {
      columns: cols,
      ...(args.withOrdinality !== undefined ? { withOrdinality: args.withOrdinality } : {}),
      ...(args.joinsImplicitly !== undefined ? { joinsImplicitly: args.joinsImplicitly } : {}),
    });
  }
  /**
   * One named field of the function's composite result as a column expression, the function
   * staying in the column list (SQLAlchemy's `scalar_table_valued()`):
   * `func.jsonb_each(doc).scalarTableValued("key")` → `(jsonb_each(doc)).key`.
   */
  scalarTableValued<const N extends string, U = unknown>(name: N, type?: TypeArg<U>): ScalarFunctionColumn<U, N> {
    return new ScalarFunctionColumn<U, N>(this, name, type ? toType(type) : NULLTYPE);
  }
  /**
   * The function's output as one column of a FROM (SQLAlchemy's `column_valued()`):
   * `SELECT anon_1 FROM unnest(:unnest_1) AS anon_1`.
   */
  columnValued(name?: string, opts: { readonly joinsImplicitly?: boolean } = {}): ColumnElement<T, string> {
    return tableValuedFactory!(this, name, opts).column as ColumnElement<T, string>;
  }
  /** `SELECT fn(…) AS fn_1` (SQLAlchemy's `FunctionElement.select()`). */
  select(): Select<[T]> {
    return functionSelectFactory!(this) as unknown as Select<[T]>;
  }
  /**
   * The same call with an explicit return type (SQLAlchemy's `type_=` argument of `func.x(…)`),
   * e.g. `func.json_array_elements(doc).withType(JSON())`: the SQL is unchanged; the type sets the
   * operators available and bind / result processing, also of the function's `.column` in FROM.
   */
  withType<U>(type: TypeArg<U>): FunctionElement<U> {
    return new FunctionElement<U>(this.name, this.args, toType(type), this.bare);
  }
  override describe(): string {
    return `function ${this.name}()`;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitFunction(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("fn", this.name, this.type.cacheKey, this.bare ? "b" : "");
    for (const a of this.args) a._key(k);
    k.push(")");
  }
}

/** A field of a function's composite result: `(fn(…)).name` (SQLAlchemy's `ScalarFunctionColumn`). */
export class ScalarFunctionColumn<T = unknown, K extends string = string> extends ColumnElement<T, K> {
  readonly kind = "scalarFunctionColumn";
  constructor(readonly fn: FunctionElement<unknown, string>, readonly name: K, readonly type: TypeEngine<unknown>) {
    super();
  }
  override get resultName(): string | undefined {
    return this.name;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return `(${c.visitFunction(this.fn, kw)}).${c.quoteIdentifier(this.name)}`;
  }
  _key(k: CacheKeyBuilder): void {
    k.push("sfcol", this.name, this.type.cacheKey);
    this.fn._key(k);
  }
}

/** Frame bound: a number of rows (negative = PRECEDING, positive = FOLLOWING, 0 = CURRENT ROW) or null (UNBOUNDED). */
export type FrameBound = number | null;
/** Options of a window (OVER clause). */
export interface OverOptions {
  readonly partitionBy?: AnyColumn | readonly AnyColumn[];
  readonly orderBy?: AnyColumn | readonly AnyColumn[];
  /** `ROWS BETWEEN a AND b` as `[a, b]`. */
  readonly rows?: readonly [FrameBound, FrameBound];
  /** `RANGE BETWEEN a AND b` as `[a, b]`. */
  readonly range?: readonly [FrameBound, FrameBound];
  /** `GROUPS BETWEEN a AND b` as `[a, b]` (SQLAlchemy 2.0.40 `groups=`; PostgreSQL 11+, SQLite 3.28+). */
  readonly groups?: readonly [FrameBound, FrameBound];
}

/** A window function: `fn OVER (…)`. */
export class Over<T = unknown, K extends string = never> extends ColumnElement<T, K> {
  readonly kind = "over";
  readonly partitionBy: readonly AnyColumn[];
  readonly orderBy: readonly AnyColumn[];
  readonly rows: readonly [FrameBound, FrameBound] | undefined;
  readonly range: readonly [FrameBound, FrameBound] | undefined;
  readonly groups: readonly [FrameBound, FrameBound] | undefined;
  /**
   * @throws ArgumentError when more than one of `rows`, `range` and `groups` is given, or a
   * frame bound is neither an integer nor null.
   */
  constructor(readonly element: ColumnElement<unknown, string>, opts: OverOptions) {
    super();
    const list = (x: AnyColumn | readonly AnyColumn[] | undefined) => (x === undefined ? [] : Array.isArray(x) ? x : [x as AnyColumn]);
    this.partitionBy = list(opts.partitionBy);
    this.orderBy = list(opts.orderBy);
    const frames = [opts.rows, opts.range, opts.groups].filter((f) => f !== undefined);
    if (frames.length > 1) throw new ArgumentError("only one of 'rows', 'range', or 'groups' may be provided");
    for (const f of frames) {
      for (const b of f) if (b !== null && !Number.isInteger(b)) throw new ArgumentError(`Integer or None expected for range value; got ${describeValue(b)}`);
    }
    this.rows = opts.rows;
    this.range = opts.range;
    this.groups = opts.groups;
  }
  get type(): TypeEngine<unknown> {
    return this.element.type;
  }
  override get anonBindBase(): string {
    return this.element.anonBindBase;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitOver(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("over", String(this.partitionBy.length), String(this.orderBy.length), JSON.stringify(this.rows ?? null), JSON.stringify(this.range ?? null), JSON.stringify(this.groups ?? null));
    this.element._key(k);
    for (const p of this.partitionBy) p._key(k);
    for (const o of this.orderBy) o._key(k);
    k.push(")");
  }
}

/** `fn(...) FILTER (WHERE …)`. */
export class FunctionFilter<T = unknown> extends ColumnElement<T> {
  readonly kind = "functionFilter";
  constructor(readonly func: FunctionElement<unknown, string> | WithinGroup<unknown>, readonly criterion: ClauseElement) {
    super();
  }
  get type(): TypeEngine<unknown> {
    return this.func.type;
  }
  over(opts: OverOptions = {}): Over<T> {
    return new Over<T>(this, opts);
  }
  /**
   * More criteria for the same FILTER, joined to the present ones by AND (SQLAlchemy's
   * `FunctionFilter.filter()`); without criteria, this filter unchanged.
   */
  filter(...criteria: Condition[]): FunctionFilter<T> {
    return criteria.length === 0 ? this : new FunctionFilter<T>(this.func, and(this.criterion as ColumnElement<unknown, string>, ...criteria));
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return `${this.func._compile(c, kw)} FILTER (WHERE ${this.criterion._compile(c, kw)})`;
  }
  _key(k: CacheKeyBuilder): void {
    k.push("filter");
    this.func._key(k);
    this.criterion._key(k);
  }
}

// ------------------------------------------------------------------------------------------------
// WITHIN GROUP, EXTRACT, ANY/ALL, type_coerce

/** `fn(...) WITHIN GROUP (ORDER BY …)`: an ordered-set aggregate (SQLAlchemy's `WithinGroup`). */
export class WithinGroup<T = unknown> extends ColumnElement<T> {
  readonly kind = "withinGroup";
  constructor(readonly element: FunctionElement<unknown, string>, readonly orderBy: readonly ColumnElement<unknown, string>[]) {
    super();
  }
  /**
   * The function's type, or (for untyped functions such as `percentile_cont`, `mode`) the first
   * ORDER BY expression's type, as SQLAlchemy's ordered-set aggregates take it; an ARRAY of it for
   * `percentile_cont` / `percentile_disc` given several fractions (one result per fraction).
   */
  get type(): TypeEngine<unknown> {
    const t = this.element.type;
    if (t !== NULLTYPE) return t;
    const sortType = this.orderBy[0]?.type ?? NULLTYPE;
    const name = this.element.name.toLowerCase();
    if ((name === "percentile_cont" || name === "percentile_disc") && this.element.args.length > 1 && sortType !== NULLTYPE) {
      return ARRAY(sortType, { dimensions: 1 });
    }
    return sortType;
  }
  override get anonBindBase(): string {
    return this.element.anonBindBase;
  }
  /** `… WITHIN GROUP (…) OVER (…)`. */
  over(opts: OverOptions = {}): Over<T> {
    return new Over<T>(this, opts);
  }
  /** `… WITHIN GROUP (…) FILTER (WHERE …)`; without criteria, this unchanged. */
  filter(): this;
  filter(...criteria: [Condition, ...Condition[]]): FunctionFilter<T>;
  filter(...criteria: Condition[]): FunctionFilter<T> | this;
  filter(...criteria: Condition[]): FunctionFilter<T> | this {
    return criteria.length === 0 ? this : new FunctionFilter<T>(this, and(...criteria));
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitWithinGroup(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("wg", String(this.orderBy.length));
    this.element._key(k);
    for (const o of this.orderBy) o._key(k);
  }
}

/** `EXTRACT(field FROM expr)` (SQLAlchemy's `Extract`); typed Integer. */
export class Extract extends ColumnElement<number> {
  readonly kind = "extract";
  readonly type = Integer();
  constructor(readonly field: string, readonly expr: ColumnElement<unknown, string>) {
    super();
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitExtract(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("extract", this.field);
    this.expr._key(k);
  }
}

/**
 * `extract(field, expr)`: `EXTRACT(year FROM x)` (SQLAlchemy's `extract()`); SQLite renders
 * `CAST(STRFTIME('%Y', x) AS INTEGER)` for the fields it can express.
 * @throws ArgumentError when `field` is not a plain word (it is rendered into the SQL text).
 * @throws CompileError (SQLite) for a field STRFTIME cannot give.
 */
export function extract(field: string, expr: unknown): Extract {
  if (!/^[A-Za-z_]+$/.test(field)) throw new ArgumentError(`extract(): field must be a word such as 'year'; got ${describeValue(field)}`);
  return new Extract(field, expr instanceof TextClause ? new TextExpression(expr) : coerceExpression(expr));
}

/**
 * text() where a column expression is expected (SQLAlchemy's ExpressionElementRole accepts it,
 * #7287): rendered as written, untyped. @internal
 */
export class TextExpression extends ColumnElement<unknown> {
  /** "textColumns" for the subclass that sits in a SELECT list (selectable.ts). */
  readonly kind: "textExpression" | "textColumns" = "textExpression";
  readonly type = NULLTYPE;
  constructor(readonly element: TextClause) {
    super();
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.process(this.element, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push(this.kind);
    this.element._key(k);
  }
}

/**
 * `ANY (expr)` / `ALL (expr)` (SQLAlchemy's `CollectionAggregate`). Only comparisons apply, and the
 * aggregate always renders on the right: `any_(t.c.arr).eq(5)` is `:param_1 = ANY (t.arr)`.
 * `T` is the element type of the array.
 */
export class CollectionAggregate<T = unknown> extends ColumnElement<T> {
  readonly kind = "collectionAggregate";
  constructor(readonly operator: "ANY" | "ALL", readonly element: ColumnElement<unknown, string>) {
    super();
  }
  /** The array's element type, so a compared value binds as one element. */
  get type(): TypeEngine<unknown> {
    const t = this.element.type as TypeEngine<unknown> & { itemType?: TypeEngine<unknown> };
    return t.affinity === "array" && t.itemType ? t.itemType : t;
  }
  override selfGroup(): ClauseElement {
    return this;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitCollectionAggregate(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    // Not "coll" (a COLLATE name): distinct first tokens keep element keys apart.
    k.push("collagg", this.operator);
    this.element._key(k);
  }
}

type ElementOf<E> = E extends ColumnElement<infer T, string> ? (NonNullable<T> extends readonly (infer I)[] ? I : unknown) : unknown;

/**
 * `any_(expr)`: `value = ANY (expr)` where `expr` is an array or a scalar subquery (SQLAlchemy's
 * `any_()`). PostgreSQL only.
 * @throws CompileError on SQLite.
 */
export function any_<E extends ColumnElement<unknown, string>>(expr: E): CollectionAggregate<ElementOf<E>> {
  return new CollectionAggregate<ElementOf<E>>("ANY", coerceExpression(expr));
}
/** `all_(expr)`: `value = ALL (expr)`; see {@link any_}. */
export function all_<E extends ColumnElement<unknown, string>>(expr: E): CollectionAggregate<ElementOf<E>> {
  return new CollectionAggregate<ElementOf<E>>("ALL", coerceExpression(expr));
}

/**
 * An expression that wraps another and goes by its names: the key, result column name and
 * anonymous bind-parameter base are those of `element` (`typeCoerce()`, and the ORM's
 * `remote()` / `foreign()` marks, whose SQL is the wrapped expression's own).
 */
export abstract class ElementProxy<T = unknown, K extends string = never> extends ColumnElement<T, K> {
  constructor(readonly element: ColumnElement<unknown, string>) {
    super();
  }
  override get key(): string | undefined {
    return this.element.key;
  }
  override get resultName(): string | undefined {
    return this.element.resultName;
  }
  override get anonBindBase(): string {
    return this.element.anonBindBase;
  }
}

/**
 * An expression given another type without a CAST (SQLAlchemy's `type_coerce()`): the SQL is
 * unchanged, the bind and result processing follow the new type.
 */
export class TypeCoerce<T = unknown> extends ElementProxy<T> {
  readonly kind = "typeCoerce";
  constructor(element: ColumnElement<unknown, string>, readonly type: TypeEngine<unknown>) {
    super(element);
  }
  override selfGroup(against?: OperatorName): ClauseElement {
    const g = this.element.selfGroup(against);
    return g === this.element ? this : new TypeCoerce<T>(g as ColumnElement<unknown, string>, this.type);
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.process(this.element, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("tc", this.type.cacheKey);
    this.element._key(k);
  }
}

/**
 * `typeCoerce(expr, type)`: treat `expr` as `type` in Python-side processing without rendering a
 * CAST (SQLAlchemy's `type_coerce()`). A plain value becomes a bound parameter of `type`.
 */
export function typeCoerce<A extends TypeArg>(expr: unknown, type: A): TypeCoerce<A extends TypeArg<infer U> ? U : unknown> {
  const t = toType(type);
  const e = expr instanceof ColumnElement ? expr : coerceExpression(expr, t);
  return new TypeCoerce(e instanceof BindParameter && e.unique && e.type !== t ? new BindParameter(e.bindKey, e.value, t, { unique: true }) : e, t);
}

/** `tuple_(a, b, …)`: SQLAlchemy's name for {@link tuple}. */
export const tuple_ = (...clauses: unknown[]): Tuple => tuple(...clauses);

/**
 * Core expression elements: the immutable nodes that SQL expressions are built from
 * (SQLAlchemy's `sqlalchemy.sql.elements`). Every node can render itself through a compiler and
 * contribute to a structural cache key that leaves bound values out.
 * @module
 */
import { ArgumentError } from "../errors.js";
import { isPrecedent, NEGATION, type OperatorName } from "./operators.js";
import { NULLTYPE, NullType, toType, type TypeArg, type TypeEngine } from "./type-api.js";
import { Boolean as BooleanT, Integer, Numeric, String as StringT, typeFromJsValue } from "./types/index.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import type { Compiled, CompileKw, CompileOptions, SQLCompiler } from "./compiler.js";
import type { Dialect } from "./dialect.js";

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

let compileImpl: ((e: ClauseElement, opts: CompileOptions & { readonly dialect?: Dialect }) => Compiled) | undefined;
/** @internal Installed by compiler.ts (breaks an import cycle). */
export function registerCompileImpl(fn: (e: ClauseElement, opts: CompileOptions & { readonly dialect?: Dialect }) => Compiled): void {
  compileImpl = fn;
}

/** Any column expression, whatever its type and name. */
export type AnyColumn = ColumnElement<unknown, string>;
/** A value or an expression usable as an operand. */
export type Operand<T> = T | AnyColumn | null;

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
type TypesOverlap<A, B> = [Extract<B, A>] extends [never] ? ([Extract<A, B>] extends [never] ? false : true) : true;

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
    return isNullOperand(other) ? this.isNull() : compare(this, "eq", other);
  }
  /** `!=`; comparing to `null` (or `null_()`) renders `IS NOT NULL`. */
  ne<const O extends Operand<T>>(other: CheckedOperand<T, O>): BinaryExpression<boolean> {
    return isNullOperand(other) ? this.isNotNull() : compare(this, "ne", other);
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
    return compare(this, "isDistinctFrom", other);
  }
  isNotDistinctFrom<const O extends Operand<T>>(other: CheckedOperand<T, O>): BinaryExpression<boolean> {
    return compare(this, "isNotDistinctFrom", other);
  }
  /** `LIKE`; `escape` renders `ESCAPE '<char>'`. */
  like(pattern: Operand<string>, opts?: { escape?: string }): BinaryExpression<boolean> {
    return compare(this, "like", pattern, StringT(), opts?.escape);
  }
  notLike(pattern: Operand<string>, opts?: { escape?: string }): BinaryExpression<boolean> {
    return compare(this, "notLike", pattern, StringT(), opts?.escape);
  }
  /** Case-insensitive LIKE: `ILIKE` on PostgreSQL, `lower(x) LIKE lower(y)` elsewhere. */
  ilike(pattern: Operand<string>, opts?: { escape?: string }): BinaryExpression<boolean> {
    return compare(this, "ilike", pattern, StringT(), opts?.escape);
  }
  notIlike(pattern: Operand<string>, opts?: { escape?: string }): BinaryExpression<boolean> {
    return compare(this, "notIlike", pattern, StringT(), opts?.escape);
  }
  /**
   * `LIKE '%' || :x || '%'` (SQLAlchemy's `contains()`). `autoescape` escapes `%`, `_` and the
   * escape character inside the value (escape character `/` unless `escape` names another);
   * `escape` alone only renders `ESCAPE '<char>'`.
   */
  contains(other: Operand<string>, opts?: LikeAroundOptions): BinaryExpression<boolean> {
    return likeAround(this, other, true, true, opts);
  }
  /** `LIKE :x || '%'`; options as {@link ColumnElement.contains}. */
  startsWith(other: Operand<string>, opts?: LikeAroundOptions): BinaryExpression<boolean> {
    return likeAround(this, other, false, true, opts);
  }
  /** `LIKE '%' || :x`; options as {@link ColumnElement.contains}. */
  endsWith(other: Operand<string>, opts?: LikeAroundOptions): BinaryExpression<boolean> {
    return likeAround(this, other, true, false, opts);
  }
  /** Regular-expression match: `~` on PostgreSQL, `REGEXP` on SQLite. `flags` "i" is case-insensitive. */
  regexpMatch(pattern: Operand<string>, flags?: string): BinaryExpression<boolean> {
    return compare(this, "regexpMatch", pattern, StringT(), undefined, flags);
  }
  /**
   * `IN`. A list becomes one "expanding" bound parameter rendered at execution time, so a
   * statement compiled once serves any list length; an empty list renders the dialect's
   * empty-set form. A SELECT (or `.subquery()`) gives `IN (SELECT …)`.
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
  /** `+` (numbers) — on string types renders `||` like SQLAlchemy. */
  add<const O extends Operand<T>>(other: CheckedArithmeticOperand<T, O>): BinaryExpression<T> {
    if (this.type.affinity === "string") return this.concat(other as Operand<string>) as unknown as BinaryExpression<T>;
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
  concat(other: Operand<string>): BinaryExpression<string> {
    return new BinaryExpression(this, "concat", coerceOperand(this, other, StringT()), StringT());
  }
  /** Unary minus. */
  neg(): UnaryExpression<T> {
    return new UnaryExpression(this, { operator: "neg", type: this.type });
  }

  // ---- modifiers ------------------------------------------------------------------------------
  /** `AS name` in a SELECT list; the row key becomes `name`. */
  label<L extends string>(name: L): Label<T, L> {
    return new Label(name, this);
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
  /** Apply a SQL operator by name, e.g. `col.op("@>")(other)`; `isComparison` types it boolean. */
  op(sqlOperator: string, opts?: { isComparison?: boolean; precedence?: number }): (other: unknown) => BinaryExpression<unknown> {
    return (other) =>
      new BinaryExpression(this, "custom", coerceOperand(this, other), opts?.isComparison ? BooleanT() : this.type, {
        customSql: ` ${sqlOperator} `,
      });
  }
}

// ------------------------------------------------------------------------------------------------
// helpers building operator expressions

function isNullOperand(x: unknown): boolean {
  return x === null || (x instanceof Constant && x.which === "null");
}

function isIntegerish(e: ClauseElement): boolean {
  return e instanceof ColumnElement && e.type.affinity === "integer";
}

/** Turn a JS value into a bound parameter typed like `against` (SQLAlchemy's coercion). */
export function coerceOperand(against: ColumnElement<unknown, string>, other: unknown, type?: TypeEngine<unknown>): ColumnElement<unknown, string> {
  if (other instanceof ColumnElement) return other;
  if (other instanceof ClauseElement) {
    if (isSelectStatement(other)) {
      throw new ArgumentError(
        `A SELECT statement was used where a column expression is expected (against ${against.describe()}); call .scalarSubquery() to use it as a value`,
      );
    }
    throw new ArgumentError(`${other.describe()} is not a column expression and cannot be an operand of ${against.describe()}`);
  }
  if (other === null || other === undefined) return NULL;
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

function compare(
  left: ColumnElement<unknown, string>,
  op: OperatorName,
  other: unknown,
  type?: TypeEngine<unknown>,
  escape?: string,
  flags?: string,
): BinaryExpression<boolean> {
  return new BinaryExpression(left, op, coerceOperand(left, other, type), BooleanT(), { escape, flags });
}

function arith<T>(left: ColumnElement<T, string>, op: OperatorName, other: unknown): BinaryExpression<T> {
  return new BinaryExpression(left, op, coerceOperand(left, other), left.type) as BinaryExpression<T>;
}

/** Options of `contains()`, `startsWith()` and `endsWith()`. */
export interface LikeAroundOptions {
  /** Escape `%`, `_` and the escape character in the (string) value. */
  readonly autoescape?: boolean;
  /** The escape character, rendered as `ESCAPE '<char>'` (default `/` with autoescape). */
  readonly escape?: string;
}

function likeAround(left: ColumnElement<unknown, string>, other: unknown, before: boolean, after: boolean, opts: LikeAroundOptions = {}): BinaryExpression<boolean> {
  let escape = opts.escape;
  if (opts.autoescape) {
    if (typeof other !== "string") throw new ArgumentError(`autoescape requires a string value (against ${left.describe()})`);
    const esc = (escape ??= "/");
    other = other.split(esc).join(esc + esc).replace(/[%_]/g, (ch) => `${esc}${ch}`);
  }
  let pattern: ColumnElement<unknown, string> = coerceOperand(left, other, StringT());
  const pct = new LiteralString("%");
  // SQLAlchemy renders the composed pattern unparenthesised: `x LIKE '%' || :x_1 || '%'`.
  if (before) pattern = new BinaryExpression(pct, "concat", pattern, StringT(), { composedLike: true });
  if (after) pattern = new BinaryExpression(pattern, "concat", pct, StringT(), { composedLike: true });
  return new BinaryExpression(left, "like", pattern, BooleanT(), { escape });
}

function inOp(left: ColumnElement<unknown, string>, op: "in" | "notIn", values: readonly unknown[] | ClauseElement): BinaryExpression<boolean> {
  if (values instanceof ClauseElement) {
    if (values instanceof BindParameter) {
      return new BinaryExpression(left, op, values.asExpanding(), BooleanT());
    }
    if (isSelectStatement(values) || values.kind === "subquery") {
      return new BinaryExpression(left, op, new Grouping(values), BooleanT());
    }
    if (values instanceof Tuple) return new BinaryExpression(left, op, values, BooleanT());
    throw new ArgumentError(`IN() expects a list of values, a bindparam or a SELECT; got ${values.describe()}`);
  }
  if (!Array.isArray(values)) throw new ArgumentError(`IN() expects a list of values against ${left.describe()}`);
  if (values.some((v) => v instanceof ClauseElement)) {
    return new BinaryExpression(left, op, new Tuple(values.map((v) => coerceOperand(left, v))), BooleanT());
  }
  // A tuple's list holds one tuple per element; each member is bound with its column's type.
  const type = left instanceof Tuple ? new TupleType(left.clauses.map((c) => (c instanceof ColumnElement ? c.type : NULLTYPE))) : left.type;
  const bp = new BindParameter(left.anonBindBase, values, type, { unique: true, expanding: true });
  return new BinaryExpression(left, op, bp, BooleanT());
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
  constructor(
    /** The parameter name (anonymous ones get a numeric suffix at compile time). */
    readonly bindKey: string,
    readonly value: unknown,
    type?: TypeArg<unknown>,
    opts: BindParameterOptions = {},
  ) {
    super();
    this.type = type ? toType(type) : value === undefined ? NULLTYPE : typeFromJsValue(value);
    this.unique = opts.unique ?? false;
    this.expanding = opts.expanding ?? false;
    this.required = opts.required ?? (value === undefined && !opts.callable);
    this.literalExecute = opts.literalExecute ?? false;
    if (opts.callable) this.callable = opts.callable;
  }
  /** The value to send: the callable's result or the stored value. */
  effectiveValue(): unknown {
    return this.callable ? this.callable() : this.value;
  }
  /** @internal */
  asExpanding(): BindParameter<T, K> {
    if (this.expanding) return this;
    return new BindParameter<T, K>(this.bindKey, this.value, this.type, {
      unique: this.unique, expanding: true, required: this.required,
      ...(this.callable ? { callable: this.callable } : {}),
    });
  }
  /** A copy with a new value (same name and type). */
  withValue(value: unknown): BindParameter<T, K> {
    return new BindParameter<T, K>(this.bindKey, value, this.type, { unique: this.unique, expanding: this.expanding, required: false });
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

/**
 * `bindparam(key, value?, type?)`: a named bound parameter. Without a value, the value comes from
 * the execution parameters (`conn.execute(stmt, { key: 5 })`).
 */
export function bindparam<T = unknown>(key: string, value?: T, type?: TypeArg<T>, opts?: BindParameterOptions): BindParameter<T> {
  return new BindParameter<T>(key, value, type, opts);
}

/** `literal(value, type?)`: a value as an anonymous bound parameter usable as an expression. */
export function literal<T>(value: T, type?: TypeArg<T>): BindParameter<T> {
  return new BindParameter<T>("param", value, type, { unique: true });
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
    k.push("ls", this.text);
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
export const NULL: Constant<null> = new Constant<null>("null", NULLTYPE);
/** `null_()`: SQL NULL. */
export const null_ = (): Constant<null> => NULL;
/** `true_()`: SQL TRUE (renders `1` on SQLite). */
export const true_ = (): Constant<boolean> => new Constant<boolean>("true", BooleanT());
/** `false_()`: SQL FALSE (renders `0` on SQLite). */
export const false_ = (): Constant<boolean> => new Constant<boolean>("false", BooleanT());

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
}

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
    readonly modifiers: BinaryModifiers = {},
  ) {
    super();
    this.left = left.selfGroup(operator);
    this.right = right.selfGroup(operator);
  }
  override selfGroup(against?: OperatorName): ClauseElement {
    if (this.modifiers.composedLike && (against === "like" || against === "notLike" || against === "concat")) return this;
    return against && isPrecedent(this.operator, against) ? new Grouping(this) : this;
  }
  /** The negated form (`=` ↔ `!=`, `IN` ↔ `NOT IN`, …) or undefined when there is none. @internal */
  negated(): BinaryExpression<T> | undefined {
    const neg = NEGATION[this.operator];
    if (!neg) return undefined;
    const b = Object.create(BinaryExpression.prototype) as BinaryExpression<T>;
    Object.assign(b, this, { operator: neg });
    return b;
  }
  override get anonBindBase(): string {
    return this.left instanceof ColumnElement ? this.left.anonBindBase : "param";
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitBinary(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    const m = this.modifiers;
    k.push("bin", this.operator, this.type.cacheKey);
    if (m.escape !== undefined || m.flags !== undefined || m.symmetric || m.intDiv || m.customSql) {
      k.push(m.escape ?? "", m.flags ?? "", m.symmetric ? "s" : "", m.intDiv ? "i" : "", m.customSql ?? "");
    }
    this.left._key(k);
    this.right._key(k);
    k.push(")");
  }
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
  if (typeof x === "boolean") return x ? true_() : false_();
  if (isSelectStatement(x)) {
    throw new ArgumentError(`${fn}() got a SELECT; use exists(…) or .scalarSubquery() to use a SELECT as a condition`);
  }
  throw new ArgumentError(`${fn}() expects SQL boolean expressions; got ${describeValue(x)}`);
}

/** Describe any value for an error message. @internal */
export function describeValue(x: unknown): string {
  if (x instanceof ClauseElement) return x.describe();
  if (x === null) return "null";
  if (typeof x === "string") return `string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`;
  if (typeof x === "object") return `${(x as object).constructor?.name ?? "object"} object`;
  return `${typeof x} ${String(x)}`;
}

/** Conditions accepted by and/or/where: expressions, booleans, text(). */
export type Condition = ColumnElement<unknown, string> | TextClause | boolean;

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

/** `and(a, b, …)`: conjunction; `and()` with one clause returns it unchanged. */
export function and<const A extends readonly Condition[]>(...clauses: CheckedConditions<A>): ColumnElement<boolean> {
  const flat = clauses.map((c) => whereClause(c, "and"));
  if (flat.length === 1 && flat[0] instanceof ColumnElement) return flat[0] as ColumnElement<boolean>;
  return new BooleanClauseList("and", flat);
}
/** `or(a, b, …)`: disjunction. */
export function or<const A extends readonly Condition[]>(...clauses: CheckedConditions<A>): ColumnElement<boolean> {
  const flat = clauses.map((c) => whereClause(c, "or"));
  if (flat.length === 1 && flat[0] instanceof ColumnElement) return flat[0] as ColumnElement<boolean>;
  return new BooleanClauseList("or", flat);
}
/** `not(x)`: negation; comparisons flip their operator (`=` → `!=`), others render `NOT x`. */
export function not<const C extends Condition>(clause: CheckedCondition<C>): ColumnElement<boolean> {
  const c = whereClause(clause, "not");
  if (c instanceof BinaryExpression) {
    const n = c.negated();
    if (n) return n as ColumnElement<boolean>;
  }
  if (c instanceof UnaryExpression && c.operator === "not") return c.element as ColumnElement<boolean>;
  return new UnaryExpression(c, { operator: "not", type: BooleanT() }) as ColumnElement<boolean>;
}
/** @internal */
export { whereClause as coerceWhereClause };

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

/** `asc(x)`, `desc(x)`, `nullsFirst(x)`, `nullsLast(x)`, `distinct(x)` as functions. */
export const asc = <T>(e: ColumnElement<T, string>): UnaryExpression<T> => e.asc();
export const desc = <T>(e: ColumnElement<T, string>): UnaryExpression<T> => e.desc();
export const nullsFirst = <T>(e: ColumnElement<T, string>): UnaryExpression<T> => e.nullsFirst();
export const nullsLast = <T>(e: ColumnElement<T, string>): UnaryExpression<T> => e.nullsLast();
export const distinct = <T>(e: ColumnElement<T, string>): UnaryExpression<T> => e.distinct();

/** `expr AS name`. */
export class Label<T = unknown, K extends string = string> extends ColumnElement<T, K> {
  readonly kind = "label";
  constructor(readonly name: K, readonly element: ColumnElement<unknown, string>) {
    super();
  }
  get type(): TypeEngine<unknown> {
    return this.element.type;
  }
  override get key(): string {
    return this.name;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitLabel(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("lbl", this.name);
    this.element._key(k);
  }
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

/**
 * `case([cond, result], …, { else_, value })`. With `value`, conditions are values compared to it
 * (`CASE x WHEN 1 THEN …`). Results given as JS values become bound parameters.
 */
export function case_<T>(
  whens: readonly (readonly [Condition | unknown, T | ColumnElement<T, string>])[] | Record<string, T>,
  opts: { else_?: T | ColumnElement<T, string>; value?: ColumnElement<unknown, string> } = {},
): Case<T> {
  const pairs: (readonly [unknown, unknown])[] = Array.isArray(whens) ? whens : Object.entries(whens);
  if (pairs.length === 0) throw new ArgumentError("case() needs at least one WHEN clause");
  const value = opts.value;
  const conv = pairs.map(([w, t]) => {
    const cond = value ? coerceOperand(value, w) : whereClause(w, "case");
    return [cond, coerceExpression(t)] as const;
  });
  const elseE = opts.else_ === undefined ? undefined : coerceExpression(opts.else_);
  return new Case<T>(conv, value, elseE);
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
  constructor(readonly text: string, readonly binds: ReadonlyMap<string, BindParameter<unknown, string>> = new Map()) {
    super();
  }
  /** Attach values or typed bind parameters for the `:name` placeholders. */
  bindparams(values: Record<string, unknown> | BindParameter<unknown, string>[]): TextClause {
    const m = new Map(this.binds);
    if (Array.isArray(values)) for (const b of values) m.set(b.bindKey, b);
    else for (const [k, v] of Object.entries(values)) m.set(k, v instanceof BindParameter ? v : new BindParameter(k, v, m.get(k)?.type));
    return new TextClause(this.text, m);
  }
  override describe(): string {
    return `text(${JSON.stringify(this.text.length > 40 ? `${this.text.slice(0, 40)}…` : this.text)})`;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitText(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("text", this.text);
    for (const [name, b] of this.binds) {
      k.push(name);
      b._key(k);
    }
  }
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
  /** `fn(...) FILTER (WHERE …)`. */
  filter(...criteria: Condition[]): FunctionFilter<T> {
    return new FunctionFilter<T>(this, and(...criteria));
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
}

/** A window function: `fn OVER (…)`. */
export class Over<T = unknown, K extends string = never> extends ColumnElement<T, K> {
  readonly kind = "over";
  readonly partitionBy: readonly AnyColumn[];
  readonly orderBy: readonly AnyColumn[];
  readonly rows: readonly [FrameBound, FrameBound] | undefined;
  readonly range: readonly [FrameBound, FrameBound] | undefined;
  constructor(readonly element: ColumnElement<unknown, string>, opts: OverOptions) {
    super();
    const list = (x: AnyColumn | readonly AnyColumn[] | undefined) => (x === undefined ? [] : Array.isArray(x) ? x : [x as AnyColumn]);
    this.partitionBy = list(opts.partitionBy);
    this.orderBy = list(opts.orderBy);
    if (opts.rows && opts.range) throw new ArgumentError("over(): give 'rows' or 'range', not both");
    this.rows = opts.rows;
    this.range = opts.range;
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
    k.push("over", String(this.partitionBy.length), String(this.orderBy.length), JSON.stringify(this.rows ?? null), JSON.stringify(this.range ?? null));
    this.element._key(k);
    for (const p of this.partitionBy) p._key(k);
    for (const o of this.orderBy) o._key(k);
    k.push(")");
  }
}

/** `fn(...) FILTER (WHERE …)`. */
export class FunctionFilter<T = unknown> extends ColumnElement<T> {
  readonly kind = "functionFilter";
  constructor(readonly func: FunctionElement<unknown, string>, readonly criterion: ClauseElement) {
    super();
  }
  get type(): TypeEngine<unknown> {
    return this.func.type;
  }
  over(opts: OverOptions = {}): Over<T> {
    return new Over<T>(this, opts);
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

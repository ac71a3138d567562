/**
 * FROM clauses and SELECT statements (SQLAlchemy's `sqlalchemy.sql.selectable`).
 *
 * As in SQLAlchemy 1.4, a SELECT is not a FROM clause: to select from a SELECT, call
 * `.subquery()`; to use one as a value, `.scalarSubquery()`.
 * @module
 */
import { AmbiguousForeignKeysError, ArgumentError, InvalidRequestError, NoForeignKeysError } from "../errors.js";
import {
  and, BindParameter, ClauseElement, coerceExpression, coerceOrderBy, coerceWhereClause, ColumnElement, describeValue,
  isFunctionElement, Label, LiteralColumn, pyStrRepr, registerFunctionSelect, registerTableValued, type TableValuedOptions, TextClause, TextExpression, UnaryExpression, type FunctionElement, type AnyColumn, type CheckedConditions, type Condition,
} from "./elements.js";
import { ColumnClause } from "./column.js";
import { Boolean as BooleanT, Integer } from "./types/index.js";
import { NULLTYPE, type JsTypeOf, type TypeArg, type TypeEngine } from "./type-api.js";
import type { OperatorName } from "./operators.js";
import type { CacheKeyBuilder, MemoizedCacheKey } from "./cache-key.js";
import type { CompileKw, SQLCompiler } from "./compiler.js";

/** Columns of a FROM clause by key. */
export type ColumnMap = { readonly [key: string]: ColumnClause<unknown, string> };

/** A foreign-key link used to infer join conditions. */
export interface ForeignKeyRef {
  /** The referencing column. */
  readonly parent: ColumnClause<unknown, string>;
  /** The referenced column, resolved through the MetaData; undefined when not (yet) resolvable. */
  readonly target: ColumnClause<unknown, string> | undefined;
  /** Identity of the constraint the key belongs to (composite keys share one). */
  readonly constraint: object;
}

/** Something that contributes FROM clauses to a SELECT (tables of its columns). */
/** The FROMs an expression refers to, outside nested SELECTs (SQLAlchemy's `_from_objects`). @internal */
export function fromsOf(e: ClauseElement, out: FromClause[]): void {
  if (e instanceof ColumnClause) {
    if (e.table) out.push(e.table);
    return;
  }
  const v = e as unknown as Record<string, unknown>;
  // An ORM column property (`select(User.fullname)`) stands for its expression, which is
  // resolved on first use: its FROMs are the expression's (SQLAlchemy: FROM users).
  if (v._isColumnExpressionProperty === true && typeof v.resolve === "function") {
    const resolved = (v.resolve as () => unknown).call(e);
    if (resolved instanceof ClauseElement) fromsOf(resolved, out);
    return;
  }
  for (const key of ["left", "right", "element", "func", "criterion", "value", "else_", "expr"]) {
    const child = v[key];
    if (child instanceof ClauseElement && !(child instanceof ScalarSelect) && !(child instanceof Exists)) fromsOf(child, out);
  }
  for (const key of ["clauses", "args", "partitionBy", "orderBy"]) {
    const list = v[key];
    if (Array.isArray(list)) for (const c of list) if (c instanceof ClauseElement) fromsOf(c, out);
  }
  if (Array.isArray(v.whens)) for (const [w, t] of v.whens as [ClauseElement, ClauseElement][]) {
    fromsOf(w, out);
    fromsOf(t, out);
  }
}

/**
 * Base of everything that can appear in a FROM clause: tables, aliases, subqueries, CTEs, joins,
 * VALUES. `C` is the shape of its `c` collection.
 */
export abstract class FromClause<C extends ColumnMap = ColumnMap> extends ClauseElement {
  readonly _isFromClause = true;
  private _c?: C;
  /** Exported columns in order. */
  abstract get columnList(): readonly ColumnClause<unknown, string>[];
  /** Columns by key: `t.c.id`. */
  get c(): C {
    if (!this._c) {
      const m: Record<string, ColumnClause<unknown, string>> = Object.create(null);
      for (const col of this.columnList) if (!(col.key in m)) m[col.key] = col;
      this._c = Object.freeze(m) as C;
    }
    return this._c;
  }
  /** Alias of `c`. */
  get columns(): C {
    return this.c;
  }
  /** True when the name is generated at compile time (anonymous alias/subquery). @internal */
  get hasAnonKey(): boolean {
    return false;
  }
  /** Identity token for cache keys. @internal */
  abstract keyId(k: CacheKeyBuilder): string;
  /** Name for error messages. */
  abstract describeName(): string;
  override describe(): string {
    return `${this.kind} '${this.describeName()}'`;
  }
  /** FROM clauses this one stands for, for de-duplication (a join covers both sides). @internal */
  coveredFroms(): readonly FromClause[] {
    return [this];
  }
  /** Foreign keys of this FROM's columns. @internal */
  foreignKeys(): readonly ForeignKeyRef[] {
    return [];
  }
  /** An aliased copy: `users AS u` (anonymous names render as `users_1`). */
  alias(name?: string): Alias<C> {
    return new Alias<C>(this as FromClause<ColumnMap>, name, "alias");
  }
  /** `this AS name TABLESAMPLE …` (SQLAlchemy's `FromClause.tablesample()`); see {@link tablesample}. */
  tablesample(sampling: number | ColumnElement<unknown, string> | TextClause, opts: { readonly name?: string; readonly seed?: unknown } = {}): TableSample<C> {
    return tablesample(this as FromClause<C>, sampling, opts);
  }
  /** `this JOIN right ON …`; the ON clause is inferred from foreign keys when omitted. */
  join(right: FromClause, onclause?: Condition, opts: { isOuter?: boolean; full?: boolean } = {}): Join {
    return new Join(this as FromClause, right, onclause, opts.isOuter ?? false, opts.full ?? false);
  }
  /** `this LEFT OUTER JOIN right ON …` (`full: true` for FULL OUTER JOIN). */
  outerjoin(right: FromClause, onclause?: Condition, opts: { full?: boolean } = {}): Join {
    return new Join(this as FromClause, right, onclause, true, opts.full ?? false);
  }
  /** `SELECT * FROM this` as a Select of all columns. */
  select(): Select<unknown[], NamesOfMap<C>> {
    return select(this as FromClause<C>) as Select<unknown[], NamesOfMap<C>>;
  }
  /** The column of this FROM corresponding to `col` (same lineage), if any. */
  correspondingColumn(col: ColumnElement<unknown, string>): ColumnClause<unknown, string> | undefined {
    // Any expression corresponds through the proxies of its columns: a table column, an ORM
    // attribute (like its column), or a label a subquery exports (`select(x.label("foo")).subquery()`).
    for (const mine of this.columnList) if (mine === col || mine.sharesLineage(col)) return mine;
    return undefined;
  }
}

/** JS row shape `{key: T}` of a column map. */
export type NamesOfMap<C extends ColumnMap> = { [K in keyof C & string]: C[K] extends ColumnElement<infer T, string> ? T : unknown };
/** Proxy columns typed after a named row shape. */
export type MapOfNames<N> = { readonly [K in keyof N & string]: ColumnClause<N[K], K> };

/** Check that a FROM argument is a FromClause and explain the usual mistakes. @internal */
export function coerceFrom(x: unknown, where: string): FromClause {
  if (x instanceof FromClause) return x;
  if ((typeof x === "function" || typeof x === "object") && x !== null && typeof (x as FromClauseProvider)._asFromClause === "function") {
    return (x as FromClauseProvider)._asFromClause();
  }
  if (x instanceof SelectBase) {
    throw new ArgumentError(`${where}: a SELECT is not a FROM clause (SQLAlchemy 1.4); call .subquery() on it first`);
  }
  if (x instanceof TextClause) return new TextualFrom(x);
  if (typeof x === "string") {
    throw new ArgumentError(`Textual SQL FROM expression ${pyStrRepr(x)} should be explicitly declared as text(${pyStrRepr(x)}), or use table(${pyStrRepr(x)}) for more specificity`);
  }
  throw new ArgumentError(`${where}: expected a table, alias, subquery or join; got ${describeValue(x)}`);
}

/** Something that stands for a FROM clause (ORM entities and aliases). @internal */
export interface FromClauseProvider {
  _asFromClause(): FromClause;
}

/**
 * `text()` given to `selectFrom()`: raw SQL in the FROM list, rendered as written (SQLAlchemy's
 * TextClause in a FROM role). It exports no columns.
 */
export class TextualFrom extends FromClause {
  readonly kind = "textFrom";
  constructor(readonly element: TextClause) {
    super();
  }
  get columnList(): readonly ColumnClause<unknown, string>[] {
    return [];
  }
  keyId(k: CacheKeyBuilder): string {
    return `X${k.anonId(this)}`;
  }
  describeName(): string {
    return this.element.text;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.process(this.element, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("textfrom");
    this.element._key(k);
  }
}

/**
 * `text()` given to `select()` as a column: rendered as written in the SELECT list, never
 * labelled, and not one of the statement's `selectedColumns` (SQLAlchemy 2.0). @internal
 */
export class TextColumnsClause extends TextExpression {
  override readonly kind = "textColumns";
}
/** @internal */
export function isTextColumns(x: unknown): x is TextColumnsClause {
  return x instanceof ClauseElement && x.kind === "textColumns";
}

/**
 * A lightweight table (`table("users", column("id"))`) with no MetaData or constraints. `P` is
 * the JS tuple of its columns in order when it is known (`table()` declares its columns as a
 * tuple), so `select(t)` rows are typed by position too; `unknown[]` otherwise (an object-declared
 * `Table` has no column order at the type level).
 */
export class TableClause<C extends ColumnMap = ColumnMap, P extends unknown[] = unknown[]> extends FromClause<C> {
  /** Phantom: the row tuple of `select(this)`. */
  declare readonly __columnTuple: P;
  readonly kind: string = "table";
  private readonly _uid = nextTableUid();
  protected readonly _columns: ColumnClause<unknown, string>[] = [];
  /** SQLAlchemy's `quote=`: `true` always quotes the name, `false` never, `undefined` as needed. */
  readonly quote: boolean | undefined;
  /** SQLAlchemy's `quote_schema=`, the same for the schema name. */
  readonly quoteSchema: boolean | undefined;
  constructor(
    readonly name: string,
    columns: readonly ColumnClause<unknown, string>[] = [],
    /** Schema (namespace) name, e.g. "public". */
    readonly schema?: string,
    quoting: { readonly quote?: boolean; readonly quoteSchema?: boolean } = {},
  ) {
    super();
    this.quote = quoting.quote;
    this.quoteSchema = quoting.quoteSchema;
    for (const c of columns) this.appendColumn(c);
  }
  /** Attach a column. @internal */
  protected appendColumn(col: ColumnClause<unknown, string>): void {
    if (col.table && col.table !== this) {
      throw new ArgumentError(`${col.describe()} already belongs to ${col.table.describe()}; a column object belongs to one table`);
    }
    col.table = this;
    this._columns.push(col);
  }
  get columnList(): readonly ColumnClause<unknown, string>[] {
    return this._columns;
  }
  /** Qualified name, `schema.name` when a schema is set. */
  get fullname(): string {
    return this.schema ? `${this.schema}.${this.name}` : this.name;
  }
  keyId(_k?: CacheKeyBuilder): string {
    return `T${this._uid}`;
  }
  describeName(): string {
    return this.fullname;
  }
  override foreignKeys(): readonly ForeignKeyRef[] {
    const out: ForeignKeyRef[] = [];
    for (const c of this._columns) {
      const fks = (c as { foreignKeys?: readonly ForeignKeyRef[] }).foreignKeys;
      if (fks) out.push(...fks);
    }
    return out;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitTable(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push(this.keyId());
  }
}
let tableUid = 0;
function nextTableUid(): number {
  return ++tableUid;
}

/**
 * A column tuple as a `c` collection keyed by each column's key. Only the tuple's own indices
 * ("0", "1", …) are mapped: the `number` index would merge every column into each key.
 */
export type ColumnsByKey<Cols extends readonly ColumnClause<unknown, string>[]> = {
  readonly [I in keyof Cols as I extends `${number}` ? (Cols[I] extends ColumnClause<unknown, infer K> ? K : never) : never]: Cols[I] extends ColumnClause<unknown, string> ? Cols[I] : never;
};

/** JS types of a column tuple, in order. */
export type ColumnTupleValues<Cols extends readonly ColumnClause<unknown, string>[]> = {
  -readonly [I in keyof Cols]: Cols[I] extends ColumnElement<infer V, string> ? V : unknown;
};

/**
 * `table(name, ...columns)`: a lightweight table construct (SQLAlchemy's `table()`). Its columns
 * keep their order in the type: `select(table("t", column("a", Integer), column("b", String)))`
 * gives `[number, string]` rows with `.a` and `.b`.
 */
export function table<const Cols extends readonly ColumnClause<unknown, string>[]>(
  name: string,
  ...columns: Cols
): TableClause<ColumnsByKey<Cols>, ColumnTupleValues<Cols>> {
  return new TableClause(name, columns) as never;
}

/**
 * `lateral(select | subquery, name?)`: `LATERAL (SELECT …) AS name` (SQLAlchemy's `lateral()`).
 * The SELECT may refer to FROMs to its left in the enclosing FROM list. Given a function,
 * `LATERAL fn(…) AS name` (`lateral(func.generate_series(1, t.c.n))`).
 * @throws ArgumentError when given something other than a SELECT, a subquery or a function.
 */
export function lateral(selectable: FunctionElement<unknown, string> | TableValuedAlias, name?: string): TableValuedAlias;
export function lateral<N extends object>(selectable: SelectBase<readonly unknown[], N> | Alias<MapOfNames<N>>, name?: string): Alias<MapOfNames<N>>;
export function lateral<N extends object>(
  selectable: SelectBase<readonly unknown[], N> | Alias<MapOfNames<N>> | FunctionElement<unknown, string> | TableValuedAlias,
  name?: string,
): Alias<MapOfNames<N>> | TableValuedAlias {
  if (selectable instanceof SelectBase) return selectable.lateral(name);
  if (selectable instanceof Alias) return selectable.lateral(name);
  // SQLAlchemy's lateral(func.generate_series(…)): `LATERAL generate_series(…) AS anon_1`.
  if (selectable instanceof TableValuedAlias) return selectable.lateral(name);
  if (selectable instanceof ColumnElement && isFunctionElement(selectable)) return selectable.lateral(name);
  throw new ArgumentError(`lateral(): expected a SELECT or a subquery; got ${describeValue(selectable)}`);
}

/**
 * `join(left, right, onclause?, { isOuter, full })`: a JOIN as a FROM clause (SQLAlchemy's
 * standalone `join()`); the ON clause is inferred from foreign keys when omitted.
 * @throws NoForeignKeysError / AmbiguousForeignKeysError when ON cannot be inferred.
 */
export function join(left: FromClause, right: FromClause, onclause?: Condition, opts: { isOuter?: boolean; full?: boolean } = {}): Join {
  return new Join(coerceFrom(left, "join()"), right, onclause, opts.isOuter ?? false, opts.full ?? false);
}
/** `left LEFT OUTER JOIN right` as a FROM clause (SQLAlchemy's standalone `outerjoin()`). */
export function outerjoin(left: FromClause, right: FromClause, onclause?: Condition, opts: { full?: boolean } = {}): Join {
  return new Join(coerceFrom(left, "outerjoin()"), right, onclause, true, opts.full ?? false);
}

/** Kinds of named FROM wrappers. */
export type AliasKind = "alias" | "subquery" | "cte" | "lateral" | "tablesample";

/** Aliases whose columns a textual ORDER BY / GROUP BY name never resolves to. */
const labelHidden = new WeakSet<FromClause>();

/**
 * Keep `alias`'s columns out of the resolution of `orderBy("name")` / `groupBy("name")`: the
 * ORM's eager-load aliases are not the statement's own FROMs, and a name must not reach them
 * (SQLAlchemy's `_allow_label_resolve = False` on the joined loader's adapted columns). The mark
 * is part of the alias's cache key.
 */
export function hideFromLabelResolve(alias: Alias): void {
  labelHidden.add(alias);
}

/** Whether a textual ORDER BY / GROUP BY name may resolve to `col` (see {@link hideFromLabelResolve}). */
export function labelResolvable(col: ColumnClause<unknown, string>): boolean {
  return col.table === undefined || !labelHidden.has(col.table);
}

/** `element AS name`: an alias of a table, or a subquery/CTE/LATERAL over a SELECT. */
export class Alias<C extends ColumnMap = ColumnMap> extends FromClause<C> {
  readonly kind: string;
  private _cols?: ColumnClause<unknown, string>[];
  constructor(
    readonly element: FromClause | SelectBase,
    /** Explicit name; anonymous when undefined (named `anon_1`, or `<table>_1` for a table alias). */
    readonly name: string | undefined,
    readonly aliasKind: AliasKind,
  ) {
    super();
    this.kind = aliasKind;
  }
  override get hasAnonKey(): boolean {
    return this.name === undefined;
  }
  /**
   * `LATERAL (SELECT …) AS name` from a subquery (SQLAlchemy's `Subquery.lateral()`): the same
   * SELECT as a LATERAL. On a table alias, an alias of the alias.
   */
  lateral(name?: string): Alias<C> {
    if (this.element instanceof SelectBase && !(this instanceof CTE)) return new Alias<C>(this.element, name, "lateral");
    return this.alias(name);
  }
  get columnList(): readonly ColumnClause<unknown, string>[] {
    if (!this._cols) {
      const src = this.element;
      if (src instanceof FromClause) {
        this._cols = src.columnList.map((col) => new ColumnClause(col.name, col.type, { table: this, key: col.key, proxyOf: col, quote: col.quote }));
      } else {
        this._cols = src.exportedColumns().map(({ name, element, key, ref, tqOf }) => {
          const deferred = ref === undefined && tqOf !== undefined ? { tqOf } : {};
          // A column exported under its own name keeps its quoting (SQLAlchemy's quoted_name).
          const quote = element instanceof ColumnClause && element.name === (ref ?? name) ? element.quote : undefined;
          return new ColumnClause(ref ?? name, element.type, { table: this, key: key ?? name, proxyOf: element, ...deferred, quote });
        });
      }
    }
    return this._cols;
  }
  keyId(k: CacheKeyBuilder): string {
    const hidden = labelHidden.has(this) ? "!" : "";
    return this.name === undefined ? `A${hidden}${k.anonId(this)}` : `A${hidden}:${this.name}`;
  }
  describeName(): string {
    return this.name ?? (this.element instanceof FromClause ? `anonymous alias of ${this.element.describeName()}` : "anonymous subquery");
  }
  override foreignKeys(): readonly ForeignKeyRef[] {
    if (!(this.element instanceof FromClause)) return [];
    const mine = this.columnList;
    return this.element.foreignKeys().map((fk) => ({
      parent: mine.find((c) => c.proxyOf === fk.parent) ?? fk.parent,
      target: fk.target,
      constraint: fk.constraint,
    }));
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitAlias(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push(this.aliasKind, this.keyId(k));
    if (!k.seen(this)) this.element._key(k);
  }
}

/**
 * `table AS name TABLESAMPLE method(…) [REPEATABLE (seed)]` (SQLAlchemy 1.4 `TableSample`),
 * PostgreSQL only.
 */
export class TableSample<C extends ColumnMap = ColumnMap> extends Alias<C> {
  constructor(
    element: FromClause,
    name: string | undefined,
    /** The sampling method call, e.g. `bernoulli(:bernoulli_1)`. */
    readonly sampling: ColumnElement<unknown, string>,
    /** `REPEATABLE (seed)` when given. */
    readonly seed: ColumnElement<unknown, string> | undefined,
  ) {
    super(element, name, "tablesample");
  }
  override _key(k: CacheKeyBuilder): void {
    k.push("tsample", this.keyId(k), this.seed ? "s" : "");
    if (!k.seen(this)) {
      this.element._key(k);
      this.sampling._key(k);
      this.seed?._key(k);
    }
  }
}

/**
 * `system(arg)`, the default TABLESAMPLE method. A node of its own rather than `func.system()`,
 * so FROM clauses can offer `.tablesample()` without pulling SQL functions into every bundle.
 * @internal
 */
export class SystemSampling extends ColumnElement<unknown> {
  readonly kind = "systemSampling";
  readonly type = NULLTYPE;
  constructor(readonly arg: ClauseElement) {
    super();
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return `system(${c.process(this.arg, kw)})`;
  }
  _key(k: CacheKeyBuilder): void {
    k.push("system");
    this.arg._key(k);
  }
}

/**
 * `tablesample(table, sampling, { name, seed })`: `table AS name TABLESAMPLE method(…)
 * [REPEATABLE (seed)]` for FROM (SQLAlchemy 1.4 `tablesample()`). `sampling` is a function call
 * such as `func.bernoulli(10)`; anything else (a number, `text("1")`) is the argument of the
 * default method, `system(…)`. Both methods take a percentage. Also `table.tablesample(…)`.
 * @throws ArgumentError when `selectable` is not a FROM clause.
 * @throws CompileError when compiled for SQLite, which has no TABLESAMPLE.
 */
export function tablesample<C extends ColumnMap>(
  selectable: FromClause<C>,
  sampling: number | ColumnElement<unknown, string> | TextClause,
  opts: { readonly name?: string; readonly seed?: unknown } = {},
): TableSample<C> {
  const from = coerceFrom(selectable, "tablesample()");
  let method: ColumnElement<unknown, string>;
  if (sampling instanceof ColumnElement && isFunctionElement(sampling)) method = sampling;
  else if (sampling instanceof TextClause) method = new SystemSampling(sampling);
  else method = new SystemSampling(sampling instanceof ColumnElement ? sampling : new BindParameter("system", sampling, undefined, { unique: true }));
  const seed = opts.seed === undefined ? undefined : coerceExpression(opts.seed);
  return new TableSample<C>(from, opts.name, method, seed);
}

/** Options of `addCte()`. */
export interface AddCteOptions {
  /**
   * Render the CTEs in this statement's own WITH clause, as if made with `nesting: true`
   * (SQLAlchemy's `add_cte(nest_here=True)`). A CTE may be stated so in one place only.
   */
  readonly nestHere?: boolean;
}
function addCteArgs(args: readonly (CTE | AddCteOptions)[]): { ctes: CTE[]; nestHere: boolean } {
  const last = args.at(-1);
  const opts = last !== undefined && !(last instanceof CTE) ? last : undefined;
  return { ctes: args.filter((a): a is CTE => a instanceof CTE), nestHere: opts?.nestHere === true };
}

/** A prefix or suffix of a CTE, for one dialect (by name) or all. */
export interface CteAffix {
  readonly text: string;
  readonly dialect: string | undefined;
}

/** A common table expression (`WITH name AS (…)`), built by `select.cte()`. */
export class CTE<C extends ColumnMap = ColumnMap> extends Alias<C> {
  constructor(
    /** The SELECT (or, from `values().cte()`, the VALUES) the CTE names. */
    element: SelectBase | Values,
    name: string | undefined,
    readonly recursive: boolean,
    /**
     * The CTE this one restates: `cte.unionAll(recursiveMember)` builds a new CTE that replaces
     * the anchor under the same name (SQLAlchemy's `_restates`), so references to either render
     * one WITH entry.
     */
    readonly restates?: CTE,
    /**
     * The CTE this one is an alias of (SQLAlchemy's `_cte_alias`): it renders `orig AS name` in
     * FROM, and WITH names the original.
     */
    readonly aliasOf?: CTE,
  ) {
    super(element, name, "cte");
  }
  /**
   * `cte AS name` (SQLAlchemy's `CTE.alias()`): the same WITH entry under another name. The
   * alias is itself a CTE, so `alias.union(…)` restates it under the alias's name.
   */
  override alias(name?: string): CTE<C> {
    const c = new CTE<C>(this.element as SelectBase, name, this.recursive, undefined, this as CTE);
    (c as { nesting: boolean }).nesting = this.nesting;
    return c;
  }
  /** Rendered in the WITH of the SELECT that refers to it; see {@link SelectBase.cte}. */
  readonly nesting: boolean = false;
  /** Text before the body (`AS NOT MATERIALIZED (…)`), per dialect; see {@link CTE.prefixWith}. */
  readonly prefixes: readonly CteAffix[] = [];
  /** Text after the body; see {@link CTE.suffixWith}. */
  readonly suffixes: readonly CteAffix[] = [];
  /**
   * Text rendered between `AS` and the body, e.g. PostgreSQL's `MATERIALIZED` / `NOT
   * MATERIALIZED` (SQLAlchemy's `CTE.prefix_with()`); with `dialect`, only when compiled for it.
   */
  prefixWith(...args: [...string[], { readonly dialect?: string }] | string[]): CTE<C> {
    return this.withAffixes("prefixes", args);
  }
  /** Text rendered after the body (SQLAlchemy's `CTE.suffix_with()`); with `dialect`, only for it. */
  suffixWith(...args: [...string[], { readonly dialect?: string }] | string[]): CTE<C> {
    return this.withAffixes("suffixes", args);
  }
  private withAffixes(which: "prefixes" | "suffixes", args: readonly (string | { readonly dialect?: string })[]): CTE<C> {
    const last = args.at(-1);
    const dialect = typeof last === "object" ? last.dialect : undefined;
    const texts = args.filter((a): a is string => typeof a === "string");
    const c = this.keepAffixes(new CTE<C>(this.element as SelectBase, this.name, this.recursive, this.restates, this.aliasOf));
    (c as Record<typeof which, readonly CteAffix[]>)[which] = [...this[which], ...texts.map((text) => ({ text, dialect }))];
    return c;
  }
  /** The first CTE of a chain of restatements: the identity shared by all of them. @internal */
  get rootCte(): CTE {
    let c: CTE = this as CTE;
    while (c.restates) c = c.restates;
    return c;
  }
  /** For recursive CTEs: `UNION ALL` the anchor with a recursive member. */
  unionAll(...others: SelectBase[]): CTE<C> {
    return this.keepAffixes(new CTE<C>((this.element as SelectBase).unionAll(...others), this.name, this.recursive, this as CTE));
  }
  /** For recursive CTEs: `UNION` the anchor with one or more recursive members. */
  union(...others: SelectBase[]): CTE<C> {
    return this.keepAffixes(new CTE<C>((this.element as SelectBase).union(...others), this.name, this.recursive, this as CTE));
  }
  /** A restatement keeps the prefixes and suffixes, as SQLAlchemy's `CTE.union()`. */
  private keepAffixes(c: CTE<C>): CTE<C> {
    (c as { nesting: boolean }).nesting = this.nesting;
    (c as { prefixes: readonly CteAffix[] }).prefixes = this.prefixes;
    (c as { suffixes: readonly CteAffix[] }).suffixes = this.suffixes;
    return c;
  }
  override keyId(k: CacheKeyBuilder): string {
    return this.name === undefined ? `A${k.anonId(this.rootCte)}` : `A:${this.name}`;
  }
  override _key(k: CacheKeyBuilder): void {
    k.push(this.recursive ? "rcte" : "cte", this.keyId(k), this.nesting ? "n" : "");
    for (const a of this.prefixes) k.push("pre", a.text, a.dialect ?? "");
    for (const a of this.suffixes) k.push("suf", a.text, a.dialect ?? "");
    if (this.aliasOf) {
      k.push("aliasof");
      this.aliasOf._key(k);
    }
    if (!k.seen(this)) this.element._key(k);
  }
}

/**
 * `cte(select, name?, { recursive, nesting })`: the standalone form of {@link SelectBase.cte}
 * (SQLAlchemy's `cte()`).
 */
export function cte<N extends object>(selectable: SelectBase<readonly unknown[], N>, name?: string, opts: { recursive?: boolean; nesting?: boolean } = {}): CTE<MapOfNames<N>> {
  if (!(selectable instanceof SelectBase)) throw new ArgumentError(`cte(): expected a SELECT; got ${describeValue(selectable)}`);
  return selectable.cte(name, opts);
}

/** `left [LEFT OUTER | FULL OUTER] JOIN right ON onclause`. */
export class Join extends FromClause {
  readonly kind = "join";
  readonly onclause: ClauseElement;
  readonly left: FromClause;
  readonly right: FromClause;
  constructor(left: FromClause, right: FromClause, onclause: Condition | undefined, readonly isOuter: boolean, readonly full: boolean) {
    super();
    this.left = coerceFrom(left, "join()");
    this.right = coerceFrom(right, "join()");
    this.onclause = onclause === undefined ? inferJoinCondition(this.left, this.right) : coerceWhereClause(onclause, "join");
  }
  get columnList(): readonly ColumnClause<unknown, string>[] {
    return [...this.left.columnList, ...this.right.columnList];
  }
  override coveredFroms(): readonly FromClause[] {
    return [this, ...this.left.coveredFroms(), ...this.right.coveredFroms()];
  }
  override foreignKeys(): readonly ForeignKeyRef[] {
    return [...this.left.foreignKeys(), ...this.right.foreignKeys()];
  }
  keyId(k: CacheKeyBuilder): string {
    return `J(${this.left.keyId(k)},${this.right.keyId(k)})`;
  }
  describeName(): string {
    return `${this.left.describeName()} JOIN ${this.right.describeName()}`;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitJoin(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("join", this.isOuter ? "o" : "", this.full ? "f" : "");
    this.left._key(k);
    this.right._key(k);
    this.onclause._key(k);
    k.push(")");
  }
}

/** The leaf FROMs (tables, aliases) a FROM is built of. */
function leafFroms(f: FromClause): FromClause[] {
  return f instanceof Join ? [...leafFroms(f.left), ...leafFroms(f.right)] : [f];
}

/**
 * Infer `ON` from foreign keys between `left` (any of its leaf FROMs) and `right`, as
 * SQLAlchemy's `join_condition()`. Throws NoForeignKeysError / AmbiguousForeignKeysError.
 */
export function inferJoinCondition(left: FromClause, right: FromClause): ColumnElement<boolean> {
  const lefts = leafFroms(left);
  const rights = leafFroms(right);
  const found = new Map<object, [ColumnClause<unknown, string>, ColumnClause<unknown, string>][]>();
  const scan = (from: FromClause[], to: FromClause[]) => {
    for (const f of from)
      for (const fk of f.foreignKeys()) {
        if (!fk.target) continue;
        for (const t of to) {
          const tc = t.correspondingColumn(fk.target);
          if (!tc) continue;
          const pc = f.correspondingColumn(fk.parent) ?? fk.parent;
          const key = { c: fk.constraint, t };
          const existing = [...found.keys()].find((k) => (k as typeof key).c === fk.constraint && (k as typeof key).t === t);
          const list = found.get(existing ?? key) ?? [];
          list.push([pc, tc]);
          found.set(existing ?? key, list);
        }
      }
  };
  scan(rights, lefts);
  if (found.size === 0) scan(lefts, rights);
  if (found.size === 0) {
    throw new NoForeignKeysError(
      `Can't find any foreign key relationships between '${left.describeName()}' and '${right.describeName()}'; give the ON clause explicitly`,
    );
  }
  if (found.size > 1) {
    throw new AmbiguousForeignKeysError(
      `Can't determine join between '${left.describeName()}' and '${right.describeName()}'; tables have more than one foreign key constraint relationship between them. Please specify the 'onclause' of this join explicitly.`,
    );
  }
  const pairs = [...found.values()][0];
  const conds = pairs.map(([a, b]) => b.eq(a));
  return conds.length === 1 ? conds[0] : and(...conds);
}

/** True for a `values()` construct; by `kind`, so the compiler's check does not keep Values in every bundle. */
export function isValues(f: FromClause): f is Values {
  return f.kind === "values";
}

/** `VALUES (…), (…) AS name (col, …)` as a FROM clause (SQLAlchemy's `values()`). */
export class Values<C extends ColumnMap = ColumnMap> extends FromClause<C> {
  readonly kind = "values";
  private readonly _cols: ColumnClause<unknown, string>[];
  /** Rendering options: `literalBinds` inlines the values; `lateral` renders `LATERAL (VALUES …)`. */
  readonly opts: { readonly literalBinds?: boolean; readonly lateral?: boolean; readonly unnamed?: boolean; readonly invalid?: string };
  constructor(
    columns: readonly ColumnClause<unknown, string>[],
    readonly name: string | undefined,
    readonly rows: readonly (readonly ColumnElement<unknown, string>[])[] = [],
    opts: { readonly literalBinds?: boolean; readonly lateral?: boolean; readonly unnamed?: boolean; readonly invalid?: string } = {},
  ) {
    super();
    this.opts = { unnamed: name === undefined, ...opts };
    this._cols = columns.map((c) => new ColumnClause(c.name, c.type, { table: this, key: c.key }));
  }
  /**
   * True for `values(…)` created without a name (SQLAlchemy's `_unnamed`): it renders as a bare
   * `(VALUES …)` and its columns unqualified. An `.alias()` without a name is anonymous instead
   * (`AS anon_1`).
   */
  get unnamed(): boolean {
    return this.opts.unnamed === true;
  }
  /**
   * Add rows of values. Each value is a bound parameter named `param_<n>` (or an expression),
   * typed after its column. A row with the wrong number of values raises when compiled, as in
   * SQLAlchemy: ArgumentError "Wrong number of elements for 2-tuple: (1, 'textA', 99)".
   */
  data(rows: readonly (readonly unknown[])[]): Values<C> {
    const n = this._cols.length;
    let invalid = this.opts.invalid;
    const bound = rows.map((r) => {
      if (r.length !== n && invalid === undefined) invalid = `Wrong number of elements for ${n}-tuple: ${pyTupleRepr(r)}`;
      return r.map((v, j) => (v instanceof ColumnElement ? v : new BindParameter("param", v, this._cols[j]?.type ?? NULLTYPE, { unique: true })));
    });
    return new Values<C>(this._cols, this.name, [...this.rows, ...bound], { ...this.opts, ...(invalid !== undefined ? { invalid } : {}) });
  }
  /**
   * `WITH name(cols) AS (VALUES …)` (SQLAlchemy's `Values.cte()`); an anonymous CTE of a named
   * VALUES takes its name as the base of its anonymous name (`some_name_1`).
   * @throws CompileError when compiled for a LATERAL VALUES.
   */
  cte(name?: string, opts: { recursive?: boolean } = {}): CTE<C> {
    return new CTE<C>(this, name, opts.recursive ?? false);
  }
  /** `LATERAL (VALUES …) AS name (cols)` (SQLAlchemy's `Values.lateral()`). */
  lateral(name?: string): Values<C> {
    return new Values<C>(this._cols, name ?? this.name, this.rows, { ...this.opts, lateral: true, unnamed: false });
  }
  get columnList(): readonly ColumnClause<unknown, string>[] {
    return this._cols;
  }
  override get hasAnonKey(): boolean {
    return this.name === undefined;
  }
  keyId(k: CacheKeyBuilder): string {
    return this.name === undefined ? `V${k.anonId(this)}` : `V:${this.name}`;
  }
  describeName(): string {
    return this.name ?? "(unnamed VALUES element)";
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitValues(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("values", this.keyId(k), String(this.rows.length), this.opts.literalBinds ? "L" : "", this.opts.lateral ? "l" : "", this.unnamed ? "u" : "", String(this._cols.length), ...this._cols.map((c) => `${c.name}:${c.type.cacheKey}`));
    for (const r of this.rows) for (const v of r) v._key(k);
  }
}

/** Python's repr of a tuple, for SQLAlchemy's messages: `(1, 'textA', 99)`. */
function pyTupleRepr(r: readonly unknown[]): string {
  const item = (v: unknown) => (typeof v === "string" ? `'${v}'` : v === null || v === undefined ? "None" : v instanceof ClauseElement ? v.describe() : globalThis.String(v));
  return `(${r.map(item).join(", ")}${r.length === 1 ? "," : ""})`;
}

/**
 * `values(column("a", Integer), …, { name, literalBinds })`: a VALUES construct (SQLAlchemy's
 * `values()`); add rows with `.data([...])`. Without a name it renders as a bare `(VALUES …)`
 * with unqualified columns; `literalBinds` renders the values inline as SQL literals.
 */
export function values<const Cols extends readonly ColumnClause<unknown, string>[]>(
  columns: Cols,
  opts: { name?: string; literalBinds?: boolean } = {},
): Values<ColumnsByKey<Cols>> {
  return new Values(columns, opts.name, [], opts.literalBinds ? { literalBinds: true } : {}) as never;
}

// ---------------------------------------------------------------------------------------------
// SELECT

/**
 * A function in FROM (SQLAlchemy's `TableValuedAlias`): `fn(…) AS name`, `LATERAL fn(…) AS
 * name` when lateral. Table-valued functions name their output columns in `.c`; `.column` is
 * the output as a scalar (`SELECT name FROM generate_series(…) AS name`).
 */
export class TableValuedAlias extends FromClause {
  readonly kind = "tableValuedAlias";
  private _cols?: ColumnClause<unknown, string>[];
  private _column?: TableValuedColumn;
  constructor(
    readonly fn: FunctionElement<unknown, string>,
    /** Explicit name; anonymous (`anon_1`) when undefined. */
    readonly name: string | undefined,
    readonly opts: TableValuedOptions,
  ) {
    super();
  }
  override get hasAnonKey(): boolean {
    return this.name === undefined;
  }
  get isLateral(): boolean {
    return this.opts.lateral === true;
  }
  get columnList(): readonly ColumnClause<unknown, string>[] {
    if (this._cols === undefined) {
      this._cols = (this.opts.columns ?? []).map((c) => {
        const name = c instanceof ColumnClause ? c.name : c instanceof LiteralColumn ? c.text : (c.key ?? "");
        return new ColumnClause(name, c.type, { table: this });
      });
      // WITH ORDINALITY adds the ordinality column last (untyped, as in SQLAlchemy).
      if (this.opts.withOrdinality !== undefined) this._cols.push(new ColumnClause(this.opts.withOrdinality, NULLTYPE, { table: this }));
    }
    return this._cols;
  }
  /** The function's output as a scalar column, rendered as the alias name. */
  get column(): ColumnElement<unknown, string> {
    return (this._column ??= new TableValuedColumn(this));
  }
  /** The same function under another name (or anonymous), keeping LATERAL and columns. */
  renamed(name?: string): TableValuedAlias {
    return new TableValuedAlias(this.fn, name, this.opts);
  }
  /** `LATERAL fn(…) AS name` (SQLAlchemy's `TableValuedAlias.lateral()`). */
  lateral(name?: string): TableValuedAlias {
    return new TableValuedAlias(this.fn, name, { ...this.opts, lateral: true });
  }
  /**
   * The same function with its column names listed after the alias name, `fn(…) AS name(a, b)`,
   * and with `withTypes` their types too, `AS name(a INTEGER, b VARCHAR)`, as PostgreSQL needs for
   * functions returning `record` (SQLAlchemy's `TableValuedAlias.render_derived()`).
   */
  renderDerived(name?: string, opts: { readonly withTypes?: boolean } = {}): TableValuedAlias {
    return new TableValuedAlias(this.fn, name, { ...this.opts, renderDerived: true, derivedWithTypes: opts.withTypes === true });
  }
  keyId(k: CacheKeyBuilder): string {
    return this.name === undefined ? `A${k.anonId(this)}` : `A:${this.name}`;
  }
  describeName(): string {
    return this.name ?? `anonymous alias of ${this.fn.describe()}`;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitTableValuedAlias(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    const o = this.opts;
    k.push("tvalias", this.keyId(k), this.isLateral ? "l" : "", o.withOrdinality ?? "", o.renderDerived ? (o.derivedWithTypes ? "dt" : "d") : "", String(this.columnList.length));
    for (const col of this.columnList) k.push(col.name, col.type.cacheKey);
    if (!k.seen(this)) this.fn._key(k);
  }
}

/** The scalar output of a {@link TableValuedAlias}: renders as the alias name. @internal */
export class TableValuedColumn extends ColumnClause<unknown, string> {
  override readonly kind: string = "tableValuedColumn";
  constructor(readonly alias: TableValuedAlias) {
    super(alias.name ?? "anon_1", alias.fn.type, { table: alias });
  }
  override _compile(c: SQLCompiler, _kw: CompileKw): string {
    return c.visitTableValuedColumn(this);
  }
}

registerTableValued((fn, name, opts) => new TableValuedAlias(fn, name, opts));
registerFunctionSelect((fn) => select(fn));

/** A named column exported by a SELECT for use as a subquery. */
export interface ExportedColumn {
  readonly name: string;
  readonly element: ColumnElement<unknown, string>;
  /** The key the subquery's `.c` holds it under when it differs from `name` (`Column("x", key="y")`). */
  readonly key?: string;
  /** For a repeated column, the exported name of its first occurrence, which its proxy renders. */
  readonly ref?: string;
  /** Set when `name` stands in for the table-qualified label of this column of an anonymous table. */
  readonly tqOf?: ColumnClause<unknown, string>;
}

/**
 * The default of a Select's list fields: one empty array shared by every statement. Generative
 * methods replace a list rather than change it, and a statement is copied on every
 * where()/orderBy()… call, so fresh empty arrays per copy would be ten allocations for nothing.
 * Not frozen: a frozen array has its own elements kind, which would make every list read
 * polymorphic.
 */
const NONE: readonly never[] = [];
/** The execution options of a Select that was given none (shared; `executionOptions()` makes a new object). */
const NO_EXECUTION_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({});
/** The default of {@link Select.annotations}, shared likewise (annotations are replaced, never changed). */
const NO_ANNOTATIONS: Readonly<Record<string, unknown>> = {};

/** Base of SELECT statements: Select and CompoundSelect. `T` row tuple, `N` named shape. */
export abstract class SelectBase<T extends readonly unknown[] = unknown[], N extends object = Record<string, unknown>> extends ClauseElement {
  declare readonly __row: T;
  declare readonly __named: N;
  readonly _isSelectStatement = true;
  /** The statement's own cache key once computed (see generateCacheKey). @internal */
  _keyMemo: MemoizedCacheKey | null = null;
  /** The columns this statement returns, expanded. */
  abstract get selectedColumns(): readonly ColumnElement<unknown, string>[];
  /** Columns and the names they are exported under in a subquery. @internal */
  abstract exportedColumns(): readonly ExportedColumn[];
  /** `(SELECT …) AS name` usable in FROM. */
  subquery(name?: string): Alias<MapOfNames<N>> {
    return new Alias<MapOfNames<N>>(this as unknown as SelectBase, name, "subquery");
  }
  /** Same as {@link SelectBase.subquery}. */
  alias(name?: string): Alias<MapOfNames<N>> {
    return this.subquery(name);
  }
  /** `LATERAL (SELECT …) AS name`. */
  lateral(name?: string): Alias<MapOfNames<N>> {
    return new Alias<MapOfNames<N>>(this as unknown as SelectBase, name, "lateral");
  }
  /**
   * `WITH name AS (SELECT …)`; `recursive: true` renders `WITH RECURSIVE`. With `nesting: true`
   * (SQLAlchemy 1.4.24), the WITH renders in the SELECT that refers to the CTE instead of at the
   * top of the statement: `WITH cte AS (WITH nesting AS (…) SELECT … FROM nesting) SELECT …`.
   */
  cte(name?: string, opts: { recursive?: boolean; nesting?: boolean } = {}): CTE<MapOfNames<N>> {
    const c = new CTE<MapOfNames<N>>(this as unknown as SelectBase, name, opts.recursive ?? false);
    if (opts.nesting) (c as { nesting: boolean }).nesting = true;
    return c;
  }
  /** `(SELECT …)` usable as a column value; the SELECT must return one column. */
  scalarSubquery(): ScalarSelect<T[0]> {
    return new ScalarSelect<T[0]>(this as unknown as SelectBase);
  }
  /** `EXISTS (SELECT …)`. */
  exists(): Exists {
    return new Exists(this as unknown as SelectBase);
  }
  /** Label the scalar subquery: `(SELECT …) AS name`. */
  label<L extends string>(name: L): Label<T[0], L> {
    return this.scalarSubquery().label(name);
  }
  union(...others: SelectBase[]): CompoundSelect<T, N> {
    return new CompoundSelect<T, N>("UNION", [this as unknown as SelectBase, ...others]);
  }
  unionAll(...others: SelectBase[]): CompoundSelect<T, N> {
    return new CompoundSelect<T, N>("UNION ALL", [this as unknown as SelectBase, ...others]);
  }
  except(...others: SelectBase[]): CompoundSelect<T, N> {
    return new CompoundSelect<T, N>("EXCEPT", [this as unknown as SelectBase, ...others]);
  }
  exceptAll(...others: SelectBase[]): CompoundSelect<T, N> {
    return new CompoundSelect<T, N>("EXCEPT ALL", [this as unknown as SelectBase, ...others]);
  }
  intersect(...others: SelectBase[]): CompoundSelect<T, N> {
    return new CompoundSelect<T, N>("INTERSECT", [this as unknown as SelectBase, ...others]);
  }
  intersectAll(...others: SelectBase[]): CompoundSelect<T, N> {
    return new CompoundSelect<T, N>("INTERSECT ALL", [this as unknown as SelectBase, ...others]);
  }
  override describe(): string {
    return "SELECT statement";
  }
}

/** A `prefixWith()` / `suffixWith()` word and the dialect it is limited to (undefined: every dialect). */
export interface StatementAffix {
  readonly text: string;
  readonly dialect: string | undefined;
}

/**
 * The words of a `prefixWith()` / `suffixWith()` call (SELECT and DML alike); a `{ dialect }`
 * argument applies to all of them. @internal
 * @throws ArgumentError for an argument that is neither a string nor `{ dialect }`.
 */
export function statementAffixes(method: string, args: readonly unknown[]): StatementAffix[] {
  let dialect: string | undefined;
  const words: string[] = [];
  for (const a of args) {
    if (typeof a === "string") words.push(a);
    else if (typeof a === "object" && a !== null && !(a instanceof ClauseElement)) dialect = (a as { dialect?: string }).dialect;
    else throw new ArgumentError(`${method}(): expected strings and an optional { dialect }; got ${describeValue(a)}`);
  }
  return words.map((text) => ({ text, dialect }));
}

/**
 * A SELECT that can be ordered and limited: Select and CompoundSelect (SQLAlchemy's
 * `GenerativeSelect`).
 */
export abstract class GenerativeSelect<T extends readonly unknown[] = unknown[], N extends object = Record<string, unknown>> extends SelectBase<T, N> {
  readonly orderByClauses: readonly ClauseElement[] = NONE;
  readonly limitClause: ColumnElement<unknown, string> | undefined = undefined;
  readonly offsetClause: ColumnElement<unknown, string> | undefined = undefined;
  /** A copy with `mutate` applied (statements are immutable). @internal */
  protected abstract gen(mutate: (s: Mutable<this>) => void): this;
  /**
   * Add ORDER BY expressions (`col`, `col.desc()`, `col.asc().nullsLast()`). `null` resets. A
   * string names a label of the SELECT list or a column of its FROMs (`orderBy("foo")`).
   */
  orderBy(...clauses: (AnyColumn | string | null)[]): this {
    if (clauses.length === 1 && clauses[0] === null) return this.gen((s) => { s.orderByClauses = []; });
    const cs = clauses.map((c) => (typeof c === "string" ? coerceOrderBy(c) : coerceExpression(c)));
    return this.gen((s) => {
      s.orderByClauses = [...this.orderByClauses, ...cs];
    });
  }
  /** `FETCH FIRST n ROWS …` (set by {@link GenerativeSelect.fetch}). */
  readonly fetchClause: ColumnElement<unknown, string> | undefined = undefined;
  readonly fetchOptions: FetchOptions | undefined = undefined;
  /** `LIMIT n` (a bound parameter); `null` removes it. Replaces a {@link GenerativeSelect.fetch}. */
  limit(n: number | AnyColumn | null): this {
    return this.gen((s) => {
      s.limitClause = n === null ? undefined : limitValue(n, "limit");
      s.fetchClause = undefined;
      s.fetchOptions = undefined;
    });
  }
  /**
   * SQL standard `FETCH FIRST n ROWS ONLY` (SQLAlchemy 1.4 `fetch()`); `withTies` renders
   * `WITH TIES`, `percent` `n PERCENT`. An OFFSET renders as `OFFSET n ROWS` before it. Replaces
   * a LIMIT; `null` removes it. PostgreSQL renders the count in parentheses.
   * @throws ArgumentError for a negative or fractional count.
   * @throws CompileError on SQLite, which has no FETCH clause (use limit()).
   */
  fetch(count: number | AnyColumn | null, opts: FetchOptions = {}): this {
    return this.gen((s) => {
      s.fetchClause = count === null ? undefined : limitValue(count, "fetch");
      s.fetchOptions = count === null ? undefined : { withTies: opts.withTies ?? false, percent: opts.percent ?? false };
      s.limitClause = undefined;
    });
  }
  /** CTEs rendered in this statement's WITH even when nothing refers to them; see {@link GenerativeSelect.addCte}. */
  readonly independentCtes: readonly CTE[] = NONE;
  /**
   * Render these CTEs in the statement's WITH clause whether or not the statement refers to
   * them (SQLAlchemy 1.4.21 `HasCTE.add_cte()`), e.g. a CTE whose body has side effects.
   */
  addCte(...args: [...CTE[], AddCteOptions] | CTE[]): this {
    const { ctes, nestHere } = addCteArgs(args);
    return this.gen((s) => {
      s.independentCtes = [...this.independentCtes, ...ctes];
      if (nestHere) s.nestHereCtes = [...this.nestHereCtes, ...ctes];
    });
  }
  /** The added CTEs stated `nestHere`. @internal */
  readonly nestHereCtes: readonly CTE[] = NONE;
  /** Cache-key tokens of LIMIT/OFFSET/FETCH (and of added CTEs). @internal */
  protected keyLimits(k: CacheKeyBuilder): void {
    if (this.independentCtes.length) {
      k.push("addcte", String(this.independentCtes.length));
      for (const c of this.independentCtes) {
        // nestHere moves the CTE's WITH into this statement when it is nested: other SQL.
        k.push(this.nestHereCtes.includes(c) ? "nh" : "");
        c._key(k);
      }
    }
    if (this.limitClause) {
      k.push("limit");
      this.limitClause._key(k);
    }
    if (this.offsetClause) {
      k.push("offset");
      this.offsetClause._key(k);
    }
    if (this.fetchClause) {
      k.push("fetch", this.fetchOptions?.withTies ? "t" : "", this.fetchOptions?.percent ? "p" : "");
      this.fetchClause._key(k);
    }
  }
  /**
   * LIMIT / OFFSET for rows `start` (inclusive) to `stop` (exclusive), as Python's slice
   * (SQLAlchemy's `GenerativeSelect.slice()`): `slice(2, 5)` is `LIMIT 3 OFFSET 2`. `start` adds to
   * an OFFSET already given (in SQL when that OFFSET is an expression). Replaces a FETCH.
   * @throws ArgumentError for negative or fractional bounds.
   */
  slice(start: number | null, stop: number | null): this {
    return this.gen((s) => {
      s.fetchClause = undefined;
      s.fetchOptions = undefined;
      if (start !== null) s.offsetClause = addedOffset(this.offsetClause, start);
      if (stop !== null) s.limitClause = limitValue(start === null ? stop : Math.max(stop - start, 0), "slice");
    });
  }
  /** `OFFSET n` (a bound parameter); `null` removes it. */
  offset(n: number | AnyColumn | null): this {
    return this.gen((s) => {
      s.offsetClause = n === null ? undefined : limitValue(n, "offset");
    });
  }
}

/** How a SELECT labels its columns (SQLAlchemy's `LABEL_STYLE_*`); see {@link Select.setLabelStyle}. */
export type LabelStyle = "disambiguateOnly" | "tablenamePlusCol" | "none";
/**
 * Label only names that would repeat (SQLAlchemy's default since 1.4): `SELECT a.id, b.id AS
 * id_1`, and `a.id AS id__1` for the same column repeated.
 */
export const LABEL_STYLE_DISAMBIGUATE_ONLY = "disambiguateOnly" as const;
/** Label every table column `<table>_<column>` (SQLAlchemy 1.x `apply_labels()`). */
export const LABEL_STYLE_TABLENAME_PLUS_COL = "tablenamePlusCol" as const;
/** Add no labels. */
export const LABEL_STYLE_NONE = "none" as const;
/** The default label style. */
export const LABEL_STYLE_DEFAULT = LABEL_STYLE_DISAMBIGUATE_ONLY;

/** The `<table>` of a `<table>_<column>` label; undefined for anonymous aliases. */
/** An argument of `correlate()` / `correlateExcept()`: a FROM, or `null` / `false` alone. */
export type CorrelateArg = FromClause | FromClauseProvider | null | false;

/** The FROMs of a `correlate()` call; `null` / `false` (SQLAlchemy's `None`) stands for none. */
function correlateArgs(froms: readonly CorrelateArg[], fn: string): FromClause[] {
  if (froms.length === 0 || froms[0] === null || froms[0] === false) {
    if (froms.length > 1) throw new ArgumentError(`additional FROM objects not accepted when passing None/False to ${fn}()`);
    return [];
  }
  return froms.map((f) => coerceFrom(f as FromClause | FromClauseProvider, `${fn}()`));
}

/**
 * Keys of a subquery's keyed columns, deduplicated as SQLAlchemy's `_column_naming_convention`:
 * a taken key becomes `key_<n>`, numbered per key and fixed per column, so a repeated column
 * keeps one key (`foo_bb`, `foo_bb_1`, `foo_bb_1`).
 */
class KeyDeduper {
  private readonly taken = new Set<string>();
  private readonly counters = new Map<string, number>();
  private readonly anon = new Map<object, Map<string, string>>();
  key(element: object, key: string): string {
    if (!this.taken.has(key)) {
      this.taken.add(key);
      return key;
    }
    let byBase = this.anon.get(element);
    if (byBase === undefined) this.anon.set(element, (byBase = new Map()));
    let k = byBase.get(key);
    if (k === undefined) {
      const n = (this.counters.get(key) ?? 0) + 1;
      this.counters.set(key, n);
      byBase.set(key, (k = `${key}_${n}`));
    }
    return k;
  }
}

/** `name__<n>`, numbered per name: SQLAlchemy's label for a repeated column. */
function dedupeLabel(counters: Map<string, number>, name: string): string {
  const n = (counters.get(name) ?? 0) + 1;
  counters.set(name, n);
  return `${name}__${n}`;
}

/** `name`, or `name_<n>` when `used` already holds it; records the name in `used`. */
function dedupeName(used: Map<string, number>, name: string): string {
  const n = used.get(name);
  if (n === undefined) {
    used.set(name, 0);
    return name;
  }
  used.set(name, n + 1);
  return `${name}_${n + 1}`;
}

/**
 * The subquery key of a column whose key is not its name (`keyed.c.colx` exports as `colx`),
 * or of any table column under the table-name label style (`keyed_colx`); undefined otherwise.
 */
function keyedColumnKey(c: ColumnElement<unknown, string>, plusCol: boolean): string | undefined {
  if (!(c instanceof ColumnClause)) return undefined;
  const prefix = plusCol && c.table ? tableLabelPrefix(c.table) : undefined;
  if (prefix !== undefined) return `${prefix}_${c.key}`;
  return c.key === c.name || plusCol ? undefined : c.key;
}

function tableLabelPrefix(t: FromClause, resolve?: FromNameResolver): string | undefined {
  if (t instanceof Alias) return t.name ?? resolve?.(t) ?? anonStandIn(t);
  if (t instanceof TableValuedAlias) return t.name ?? resolve?.(t) ?? "anon_1";
  if (t instanceof TableClause) return t.schema ? `${t.schema.replace(/\./g, "_")}_${t.name}` : t.name;
  return undefined;
}

/** The compile-time name of an anonymous FROM (`anon_1`, `t_1`), from the compiler. */
export type FromNameResolver = (f: FromClause) => string;

/** What an anonymous alias's name is taken as before compilation numbers it. */
function anonStandIn(a: Alias): string {
  return a.element instanceof TableClause ? `${a.element.name}_1` : "anon_1";
}

/**
 * A column's table-qualified label (SQLAlchemy's `_tq_label`): `<table>_<name>`; for an
 * anonymous table, its compile-time name when `resolve` is given. Undefined without a table.
 * @internal
 */
export function tqLabel(c: ColumnClause<unknown, string>, resolve?: FromNameResolver): string | undefined {
  const prefix = c.table ? tableLabelPrefix(c.table, resolve) : undefined;
  return prefix === undefined ? undefined : `${prefix}_${columnLabelName(c, resolve)}`;
}

/** A column's name, or the compile-time label it stands in for (see `ColumnClause.tqOf`). @internal */
export function columnLabelName(c: ColumnClause<unknown, string>, resolve?: FromNameResolver): string {
  return c.tqOf !== undefined && resolve ? (tqLabel(c.tqOf, resolve) ?? c.name) : c.name;
}

/**
 * The table column a SELECT-list entry is labelled after under LABEL_STYLE_TABLENAME_PLUS_COL:
 * the column itself, or the mapped column of an ORM attribute (`select(User.id)` renders
 * `users.id AS users_id`, as SQLAlchemy's Query). @internal
 */
export function labelledColumn(c: ColumnElement<unknown, string>): ColumnClause<unknown, string> | undefined {
  if (c instanceof ColumnClause) return c;
  const attr = c as unknown as { readonly kind?: string; readonly column?: unknown };
  return attr.kind === "ormAttribute" && attr.column instanceof ColumnClause ? attr.column : undefined;
}

/** Whether a column's table-qualified label is known only at compile time. */
function hasDeferredLabel(c: ColumnClause<unknown, string>): boolean {
  const t = c.table;
  return ((t instanceof Alias || t instanceof TableValuedAlias) && t.name === undefined) || c.tqOf !== undefined;
}

/** Options of {@link GenerativeSelect.fetch}. */
export interface FetchOptions {
  /** `FETCH FIRST n ROWS WITH TIES` (needs ORDER BY). */
  readonly withTies?: boolean;
  /** `FETCH FIRST n PERCENT ROWS`. */
  readonly percent?: boolean;
}

/** FOR UPDATE options. */
export interface ForUpdateOptions {
  readonly nowait?: boolean;
  /** `FOR SHARE` (PostgreSQL). */
  readonly read?: boolean;
  readonly skipLocked?: boolean;
  /** `FOR NO KEY UPDATE` / `FOR KEY SHARE` (PostgreSQL). */
  readonly keyShare?: boolean;
  readonly of?: readonly (FromClause | AnyColumn)[];
}

/** A pending `select().join(target)` applied when FROMs are resolved. @internal */
export interface SetupJoin {
  readonly target: FromClause;
  readonly onclause: ClauseElement | undefined;
  readonly from: FromClause | undefined;
  readonly isOuter: boolean;
  readonly full: boolean;
  /**
   * A relationship join's left side: the FROM the relationship's parent stands for, which the
   * join starts from wherever it is in the FROM list, else as a new FROM (SQLAlchemy's
   * `_join_place_explicit_left_side`).
   */
  readonly left?: FromClause;
  /** A relationship join's (left, right, relationship) path, which a repeat of does not re-join. */
  readonly edge?: readonly [FromClause, FromClause, string];
  /** The join target as given (`<class 'Item'>`), for error messages. */
  readonly shown?: string;
}

/** Something other than a column or FROM accepted in `select()` (ORM entities). @internal */
export interface ColumnsClauseProvider {
  readonly _isColumnsClauseProvider: true;
  _columnsClauseElements(): readonly ColumnElement<unknown, string>[];
  /** The entity's own cache key, when its columns alone do not determine its SQL. @internal */
  _key?(k: CacheKeyBuilder): void;
}
function isProvider(x: unknown): x is ColumnsClauseProvider {
  return (typeof x === "object" || typeof x === "function") && x !== null && (x as ColumnsClauseProvider)._isColumnsClauseProvider === true;
}

/**
 * An argument of `select()`: a column expression, a FROM (all its columns), an ORM entity,
 * `text()`, a number (rendered as written, SQLAlchemy's `select(1)`) or `"*"`.
 */
export type SelectArg = ColumnElement<unknown, string> | FromClause<ColumnMap> | ColumnsClauseProvider | TextClause | number | "*";

type TupleOfArg<H> = H extends ColumnElement<infer V, string>
  ? [V]
  : H extends number
    ? [number]
    : H extends TableClause<ColumnMap, infer P>
    ? P
    : H extends FromClause<ColumnMap>
      ? unknown[]
      : H extends abstract new (...args: never[]) => infer E
        ? [E]
        : H extends { readonly __entity: infer E }
          ? [E]
          : [unknown];
/** Row tuple of `select(...args)`. */
export type RowTupleOf<A extends readonly unknown[]> = A extends readonly [infer H, ...infer R] ? [...TupleOfArg<H>, ...RowTupleOf<R>] : [];
type NamesOfArg<H> = H extends ColumnElement<infer V, infer K> ? { [P in K]: V } : H extends FromClause<infer C> ? NamesOfMap<C> : {};
type Simplify<O> = { [K in keyof O]: O[K] } & {};
/**
 * Fold the names of `A` into `Acc` as the default label style names the row (`Taken`: names seen
 * so far). A later column of a taken name is relabelled (`id_1`), so the first keeps the name;
 * a later explicit label keeps its name, which makes it ambiguous (access raises), so it is dropped.
 */
type NamesFold<A extends readonly unknown[], Acc, Taken> = A extends readonly [infer H, ...infer R]
  ? string extends keyof NamesOfArg<H>
    ? NamesFold<R, Acc & NamesOfArg<H>, Taken> // names unknown to the type (`string` keys): nothing to track
    : H extends Label<unknown, infer K>
      ? [K] extends [Taken]
        ? NamesFold<R, Without<Acc, K>, Taken>
        : NamesFold<R, Acc & NamesOfArg<H>, Taken | K>
      : NamesFold<R, Acc & Without<NamesOfArg<H>, Taken>, Taken | keyof NamesOfArg<H>>
  : Acc;
/** `O` without the literal keys `K` (unlike `Omit`, index signatures and other keys survive). */
type Without<O, K> = { [P in keyof O as P extends K ? never : P]: O[P] };
/**
 * Named row shape of `select(...args)`: each key typed after the first column of that name
 * (SQLAlchemy 2.0's LABEL_STYLE_DISAMBIGUATE_ONLY keys later ones `name_1`, which the type does
 * not list); a name an explicit label repeats is left out, as reading it raises.
 */
export type RowNamesOf<A extends readonly unknown[]> = Simplify<NamesFold<A, {}, never>>;
/** Named row shape after `addColumns(...args)` on a SELECT named `N`. */
export type AddedNamesOf<N, A extends readonly unknown[]> = Simplify<NamesFold<A, N, keyof N>>;

/** A relationship attribute usable as a join target (`select(User).join(User.addresses)`). @internal */
export interface RelationshipJoinTarget {
  /** `to`: the join target given with the relationship as ON clause (`join(alias, User.addresses)`). */
  _joinTargets(to?: unknown): readonly { target: FromClause; onclause: ColumnElement<unknown, string> }[];
}
function isRelationshipTarget(x: unknown): x is RelationshipJoinTarget {
  return typeof x === "object" && x !== null && typeof (x as RelationshipJoinTarget)._joinTargets === "function";
}
/** What `join()` accepts: a FROM clause, an ORM entity or alias, or a relationship attribute. */
export type JoinTarget = FromClause | FromClauseProvider | RelationshipJoinTarget;

/** Mutable view used by generative methods on their own fresh copy. @internal */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The annotation under which {@link Select.fromStatement} keeps its statement. @internal */
export const FROM_STATEMENT_ANNOTATION = "ormFromStatement";

/**
 * Extension points of {@link Select} filled in by the ORM. `noteFroms` sees every
 * `selectFrom()` / `joinFrom()` given a class (an ORM entity) and may annotate the new
 * statement, e.g. to restrict a single-table subclass's FROM to its rows. @internal
 */
export const selectPlugins: {
  noteFroms?: (stmt: Select, prior: Select, froms: readonly unknown[]) => Select;
} = {};

function describeObject(x: unknown): string {
  return x === null || typeof x !== "object" ? String(x) : `${(x as object).constructor?.name ?? "object"} object`;
}

/**
 * A SELECT statement (SQLAlchemy 2.0's unified `select()`). Immutable: every method returns a new
 * Select.
 */
/**
 * Copy every field of a Select that its generative methods change into `to`, a new instance
 * (`_expanded`, the cached column expansion, starts empty). Field by field rather than
 * `Object.assign`: onto a class instance that takes V8's generic path, about 0.4 µs for a
 * Select's fields, more than the rest of building `select(t).where(…)`. A new field must be
 * added here; the test "gen() copies every field" sets each own field and fails otherwise.
 */
function copySelectState(to: Mutable<Select>, from: Select): void {
  to.orderByClauses = from.orderByClauses;
  to.limitClause = from.limitClause;
  to.offsetClause = from.offsetClause;
  to.fetchClause = from.fetchClause;
  to.fetchOptions = from.fetchOptions;
  to.independentCtes = from.independentCtes;
  to.nestHereCtes = from.nestHereCtes;
  to.rawColumns = from.rawColumns;
  to.whereCriteria = from.whereCriteria;
  to.havingCriteria = from.havingCriteria;
  to.fromObjs = from.fromObjs;
  to.setupJoins = from.setupJoins;
  to.groupByClauses = from.groupByClauses;
  to.isDistinct = from.isDistinct;
  to.distinctOn = from.distinctOn;
  to.forUpdateArg = from.forUpdateArg;
  to.correlateTo = from.correlateTo;
  to.correlateExceptTo = from.correlateExceptTo;
  to.annotations = from.annotations;
  to.labelStyle = from.labelStyle;
  to.prefixes = from.prefixes;
  to.suffixes = from.suffixes;
  to.loaderOptions = from.loaderOptions;
  to.statementExecutionOptions = from.statementExecutionOptions;
}

export class Select<T extends readonly unknown[] = unknown[], N extends object = Record<string, unknown>> extends GenerativeSelect<T, N> {
  readonly kind = "select";
  readonly rawColumns: readonly (ColumnElement<unknown, string> | FromClause | ColumnsClauseProvider)[] = NONE;
  readonly whereCriteria: readonly ClauseElement[] = NONE;
  readonly havingCriteria: readonly ClauseElement[] = NONE;
  readonly fromObjs: readonly FromClause[] = NONE;
  readonly setupJoins: readonly SetupJoin[] = NONE;
  readonly groupByClauses: readonly ClauseElement[] = NONE;
  readonly isDistinct: boolean = false;
  readonly distinctOn: readonly ColumnElement<unknown, string>[] = NONE;
  readonly forUpdateArg: ForUpdateOptions | undefined = undefined;
  /** undefined: auto-correlate; array: correlate exactly those (empty = none). */
  readonly correlateTo: readonly FromClause[] | undefined = undefined;
  readonly correlateExceptTo: readonly FromClause[] | undefined = undefined;
  /** Free-form annotations for plugins (the ORM keeps its compile state here). @internal */
  readonly annotations: Readonly<Record<string, unknown>> = NO_ANNOTATIONS;
  /** How the SELECT list is labelled; see {@link Select.setLabelStyle}. */
  readonly labelStyle: LabelStyle = LABEL_STYLE_DISAMBIGUATE_ONLY;
  /** `prefixWith()` words after `SELECT`, each with the dialect it is limited to (undefined: every dialect). */
  readonly prefixes: readonly StatementAffix[] = NONE;
  /** `suffixWith()` words after the whole statement, likewise. */
  readonly suffixes: readonly StatementAffix[] = NONE;
  private _expanded?: ColumnElement<unknown, string>[];

  /** @internal Use {@link select}. */
  constructor(columns: readonly unknown[] = NONE) {
    super();
    if (columns.length) this.rawColumns = columns.map((c, i) => coerceColumnsClause(c, i));
  }

  protected gen(mutate: (s: Mutable<this>) => void): this {
    // Constructing (rather than Object.create) keeps V8's object shape stable on this hot path.
    const s = new (this.constructor as new () => Select)() as unknown as Mutable<this>;
    copySelectState(s as unknown as Mutable<Select>, this as unknown as Select);
    mutate(s);
    return s as this;
  }

  get selectedColumns(): readonly ColumnElement<unknown, string>[] {
    if (!this._expanded) {
      const out: ColumnElement<unknown, string>[] = [];
      for (const c of this.rawColumns) {
        if (c instanceof FromClause) out.push(...c.columnList);
        else if (isProvider(c)) out.push(...c._columnsClauseElements());
        else if (!isTextColumns(c)) out.push(c);
      }
      this._expanded = out;
    }
    return this._expanded;
  }

  exportedColumns(): readonly ExportedColumn[] {
    const used = new Map<string, number>();
    const dupes = new Map<string, number>();
    const first = new Map<ColumnElement<unknown, string>, string>();
    const keys = new KeyDeduper();
    const names = this.labelNames();
    const plusCol = this.labelStyle === LABEL_STYLE_TABLENAME_PLUS_COL;
    return this.selectedColumns.map((element, i) => {
      const given = names[i] ?? (isFunctionElement(element) ? element.name : `anon_${i + 1}`);
      // A repeated column renders under a "dedupe" label (`x__1`) that nothing refers to: the
      // subquery's column for it stands for the first occurrence (SQLAlchemy #7153).
      const ref = element instanceof ColumnClause ? first.get(element) : undefined;
      const name = ref !== undefined && !plusCol ? dedupeLabel(dupes, given) : dedupeName(used, given);
      if (ref === undefined && element instanceof ColumnClause) first.set(element, name);
      // As SQLAlchemy's subquery `.c`, a column whose key differs from its name is found by key.
      const key = keys.key(element, keyedColumnKey(element, plusCol) ?? ref ?? name);
      const plain = plusCol && name === given ? labelledColumn(element) : undefined;
      const tqOf = plain !== undefined && hasDeferredLabel(plain) ? plain : undefined;
      return { name, element, key, ...(ref === undefined ? {} : { ref }), ...(tqOf ? { tqOf } : {}) };
    });
  }


  /** Add WHERE criteria, joined with AND. Expressions must be boolean or untyped (compile-time check). */
  where<const A extends readonly Condition[]>(...criteria: CheckedConditions<A>): this {
    const cs = criteria.map((c) => coerceWhereClause(c, "where"));
    return this.gen((s) => {
      s.whereCriteria = [...this.whereCriteria, ...cs];
    });
  }
  /** Alias of {@link Select.where}. */
  filter(...criteria: Condition[]): this {
    return this.where(...criteria);
  }
  /** The combined WHERE criterion, or undefined. */
  get whereClause(): ColumnElement<boolean> | undefined {
    const w = this.whereCriteria;
    return w.length === 0 ? undefined : and(...(w as ColumnElement<unknown, string>[]));
  }
  /** Add HAVING criteria (boolean or untyped expressions, as WHERE). */
  having<const A extends readonly Condition[]>(...criteria: CheckedConditions<A>): this {
    const cs = criteria.map((c) => coerceWhereClause(c, "having"));
    return this.gen((s) => {
      s.havingCriteria = [...this.havingCriteria, ...cs];
    });
  }
  /** Add explicit FROM clauses (`SELECT … FROM a, b`): tables, aliases, ORM entities; a `text()` renders as written in the FROM list. */
  selectFrom(...froms: (FromClause | FromClauseProvider | TextClause)[]): this {
    const fs = froms.map((f) => coerceFrom(f, "selectFrom()"));
    const out = this.gen((s) => {
      s.fromObjs = [...this.fromObjs, ...fs];
    });
    return this.noteFroms(out, froms);
  }
  /**
   * `JOIN target [ON onclause]` from the leftmost FROM that can join to it (SQLAlchemy 1.4's
   * `Select.join()`); the ON clause is inferred from foreign keys when omitted.
   */
  join(target: JoinTarget, onclause?: Condition | RelationshipJoinTarget, opts: { isOuter?: boolean; full?: boolean } = {}): this {
    const isOuter = opts.isOuter ?? false;
    const full = opts.full ?? false;
    if ((isRelationshipTarget(target) && onclause === undefined) || isRelationshipTarget(onclause)) {
      // 1.4's join(alias, User.addresses): the relationship's ON clause, re-targeted to `target`.
      const rel = isRelationshipTarget(onclause) ? onclause : (target as RelationshipJoinTarget);
      const steps = isRelationshipTarget(onclause) ? onclause._joinTargets(target) : rel._joinTargets();
      const lefts = steps.map((st) => relationshipLeft(st.target, st.onclause));
      const name = typeof (rel as { describe?: unknown }).describe === "function" ? (rel as unknown as { describe(): string }).describe() : "";
      const first = lefts[0];
      const edge = first && name ? ([first, steps.at(-1)!.target, name] as const) : undefined;
      // SQLAlchemy's _already_joined_edges: a path already joined along is not joined again.
      if (edge && this.setupJoins.some((j) => j.edge && j.edge[0] === edge[0] && j.edge[1] === edge[1] && j.edge[2] === edge[2])) return this;
      return this.gen((s) => {
        s.setupJoins = [
          ...this.setupJoins,
          ...steps.map((st, i) => ({ target: st.target, onclause: st.onclause, from: undefined, isOuter, full, left: lefts[i], edge: i === 0 ? edge : undefined })),
        ];
      });
    }
    const t = coerceFrom(isRelationshipTarget(target) ? target._joinTargets().at(-1)!.target : target, "join()");
    const on = onclause === undefined ? undefined : coerceWhereClause(onclause, "join");
    const shown = typeof target === "function" && typeof (target as { name?: unknown }).name === "string" ? `<class '${(target as { name: string }).name}'>` : undefined;
    return this.gen((s) => {
      s.setupJoins = [...this.setupJoins, { target: t, onclause: on, from: undefined, isOuter, full, shown }];
    });
  }
  /** `LEFT OUTER JOIN target`. */
  outerjoin(target: JoinTarget, onclause?: Condition | RelationshipJoinTarget, opts: { full?: boolean } = {}): this {
    return this.join(target, onclause, { isOuter: true, full: opts.full ?? false });
  }
  /** `FROM from JOIN target` with an explicit left side (SQLAlchemy's `join_from()`). */
  joinFrom(from: FromClause | FromClauseProvider, target: FromClause | FromClauseProvider, onclause?: Condition | RelationshipJoinTarget, opts: { isOuter?: boolean; full?: boolean } = {}): this {
    const f = coerceFrom(from, "joinFrom()");
    const isOuter = opts.isOuter ?? false;
    const full = opts.full ?? false;
    if (isRelationshipTarget(onclause)) {
      // joinFrom(A, B, A.bs): the relationship's ON clause re-targeted to `target`, as join() does.
      const steps = onclause._joinTargets(target);
      const out = this.gen((s) => {
        s.setupJoins = [...this.setupJoins, ...steps.map((st, i) => ({ target: st.target, onclause: st.onclause, from: i === 0 ? f : undefined, isOuter, full }))];
      });
      return this.noteFroms(out, [from]);
    }
    const t = coerceFrom(target, "joinFrom()");
    const on = onclause === undefined ? undefined : coerceWhereClause(onclause, "joinFrom");
    const out = this.gen((s) => {
      s.setupJoins = [...this.setupJoins, { target: t, onclause: on, from: f, isOuter, full }];
    });
    return this.noteFroms(out, [from]);
  }
  /** `LEFT OUTER JOIN` with an explicit left side. */
  outerjoinFrom(from: FromClause | FromClauseProvider, target: FromClause | FromClauseProvider, onclause?: Condition | RelationshipJoinTarget): this {
    return this.joinFrom(from, target, onclause, { isOuter: true });
  }
  /**
   * Add GROUP BY expressions; a string names a SELECT-list label or a FROM column, as in
   * {@link GenerativeSelect.orderBy}. A lone `null` removes the GROUP BY (SQLAlchemy's `group_by(None)`).
   * @throws ArgumentError when `null` is given along with expressions.
   */
  groupBy(...clauses: (AnyColumn | string | null)[]): this {
    // SQLAlchemy's group_by(None): a lone null cancels the GROUP BY given so far.
    if (clauses.length === 1 && clauses[0] === null) return this.gen((s) => { s.groupByClauses = []; });
    if (clauses.includes(null)) throw new ArgumentError("groupBy(): null resets the GROUP BY and must be the only argument");
    const cs = (clauses as (AnyColumn | string)[]).map((c) => (typeof c === "string" ? coerceOrderBy(c) : coerceExpression(c)));
    return this.gen((s) => {
      s.groupByClauses = [...this.groupByClauses, ...cs];
    });
  }
  /**
   * `SELECT DISTINCT`; with expressions, PostgreSQL's `DISTINCT ON (…)`. A string names a
   * SELECT-list label or a FROM column, as in {@link GenerativeSelect.orderBy}
   * (`distinct("name")` → `DISTINCT ON (t.name)`; an unknown name raises CompileError).
   */
  distinct(...on: (AnyColumn | string)[]): this {
    return this.gen((s) => {
      s.isDistinct = true;
      s.distinctOn = [...this.distinctOn, ...on.map((c) => (typeof c === "string" ? coerceOrderBy(c) : coerceExpression(c)))];
    });
  }
  /**
   * Words right after `SELECT` (SQLAlchemy's `prefix_with()`): `select(t).prefixWith("SQL_NO_CACHE")`.
   * A trailing `{ dialect: "postgresql" }` limits them to that dialect. Rendered as given: never
   * pass user input.
   * @throws ArgumentError for an argument that is neither a string nor `{ dialect }`.
   */
  prefixWith(...args: (string | { readonly dialect?: string })[]): this {
    const added = statementAffixes("prefixWith", args);
    return this.gen((s) => {
      s.prefixes = [...this.prefixes, ...added];
    });
  }
  /**
   * Words after the whole statement (SQLAlchemy's `suffix_with()`), rendered as SQLAlchemy does
   * with a trailing space; `{ dialect }` as for {@link prefixWith}.
   * @throws ArgumentError for an argument that is neither a string nor `{ dialect }`.
   */
  suffixWith(...args: (string | { readonly dialect?: string })[]): this {
    const added = statementAffixes("suffixWith", args);
    return this.gen((s) => {
      s.suffixes = [...this.suffixes, ...added];
    });
  }
  /** `FOR UPDATE [OF …] [NOWAIT | SKIP LOCKED]` (`read` gives `FOR SHARE`). SQLite ignores it. */
  forUpdate(opts: ForUpdateOptions = {}): this {
    return this.gen((s) => {
      s.forUpdateArg = opts;
    });
  }
  /** SQLAlchemy's spelling of {@link Select.forUpdate}. */
  withForUpdate(opts: ForUpdateOptions = {}): this {
    return this.forUpdate(opts);
  }
  /**
   * Correlate these FROMs to an enclosing SELECT, adding to earlier calls (SQLAlchemy's
   * `Select.correlate()`); called without arguments, or with `null` / `false`, the SELECT
   * correlates nothing, not even automatically.
   * @throws ArgumentError when `null` / `false` comes with other arguments.
   */
  correlate(...froms: CorrelateArg[]): this {
    const fs = correlateArgs(froms, "correlate");
    return this.gen((s) => {
      s.correlateTo = fs.length === 0 ? [] : [...(this.correlateTo ?? []), ...fs];
    });
  }
  /**
   * Correlate every enclosing FROM except these, adding to earlier calls (SQLAlchemy's
   * `Select.correlate_except()`); without arguments, or with `null` / `false`, every enclosing
   * FROM is correlated.
   * @throws ArgumentError when `null` / `false` comes with other arguments.
   */
  correlateExcept(...froms: CorrelateArg[]): this {
    const fs = correlateArgs(froms, "correlateExcept");
    return this.gen((s) => {
      s.correlateExceptTo = fs.length === 0 ? [] : [...(this.correlateExceptTo ?? []), ...fs];
    });
  }
  /**
   * How columns are labelled (SQLAlchemy 1.4 `set_label_style()`):
   * - {@link LABEL_STYLE_DISAMBIGUATE_ONLY} (default, as in SQLAlchemy 2.0): the first column of
   *   a name renders plain; another table column of that name renders `AS <name>_1` (`_2`, …),
   *   the same column repeated `AS <name>__1` (a "dedupe" label, one per occurrence). Result
   *   keys follow the rendered names. Explicit labels are never renamed, even when they repeat a
   *   name (reading such a key raises as ambiguous). In a subquery, another column of a taken
   *   name is exported as `name_1`; a repeated column renders `AS name__1` and its subquery
   *   column refers to the first occurrence (SQLAlchemy #7153). Anonymous tables and subqueries
   *   take their compile-time names in table-name labels (`anon_1_myid`);
   * - {@link LABEL_STYLE_TABLENAME_PLUS_COL}: every table column is `AS <table>_<column>`
   *   (the 1.x `apply_labels()` style); the same column repeated gets `AS <table>_<column>__1`,
   *   another column with a taken label `AS <label>_1`;
   * - {@link LABEL_STYLE_NONE}: no labels are added; repeated names stay repeated (ambiguous by
   *   name, still reachable by position or column object).
   */
  setLabelStyle(style: LabelStyle): this {
    return this.gen((s) => {
      s.labelStyle = style;
    });
  }
  /** The label style; see {@link Select.setLabelStyle}. */
  getLabelStyle(): LabelStyle {
    return this.labelStyle;
  }
  /**
   * The name each SELECT-list column is rendered (and keyed) under, per the label style;
   * undefined for anonymous expressions, which the compiler names (`count_1`, `anon_1`). @internal
   */
  labelNames(resolve?: FromNameResolver): readonly (string | undefined)[] {
    const style = this.labelStyle;
    const used = new Map<string, ColumnElement<unknown, string>>();
    const dupes = new Map<string, number>();
    const anon = new Map<ColumnElement<unknown, string>, string>();
    const anonCounters = new Map<string, number>();
    return this.selectedColumns.map((c) => {
      const plain = style === LABEL_STYLE_TABLENAME_PLUS_COL ? labelledColumn(c) : undefined;
      const tq = plain !== undefined ? tqLabel(plain, resolve) : undefined;
      let n = tq ?? c.resultName;
      // The default style is disambiguated by the compiler, whose anonymous names it shares.
      if (n === undefined || style !== LABEL_STYLE_TABLENAME_PLUS_COL) return n;
      const prev = used.get(n);
      if (prev !== undefined) {
        // SQLAlchemy's _generate_columns_plus_names: another column under the name takes its
        // own disambiguating label (`foo_bar_id_1`); a column repeated under its label takes a
        // "dedupe" label (`foo_bar_id__1`) numbered per name.
        const base = n;
        let label = prev === c ? undefined : anon.get(c);
        if (prev !== c && label === undefined) {
          let k = anonCounters.get(base) ?? 0;
          do k++;
          while (used.has(`${base}_${k}`));
          anonCounters.set(base, k);
          anon.set(c, (label = `${base}_${k}`));
        }
        n = label !== undefined && !used.has(label) ? label : dedupeLabel(dupes, base);
      }
      used.set(n, c);
      return n;
    });
  }

  /**
   * Drop columns that repeat another column's value under the same name (SQLAlchemy's
   * `reduce_columns(only_synonyms=True)`): a column whose foreign key references another
   * selected column, or which WHERE equates to an earlier one (`a.id = b.id` drops `b.id`).
   * `onlySynonyms: false` drops such columns whatever their names.
   */
  reduceColumns(onlySynonyms = true): this {
    const cols = this.selectedColumns;
    // ORM attributes stand for their mapped columns (`select(User.id, ua.id).where(User.id == ua.id)`).
    const plain = cols.map((c) => labelledColumn(c));
    const indexOf = (e: ClauseElement): number => {
      const c = e instanceof ColumnElement ? labelledColumn(e) : undefined;
      return c === undefined ? -1 : plain.indexOf(c);
    };
    const omit = new Set<number>();
    const named = (a: ColumnClause<unknown, string>, b: ColumnClause<unknown, string>) => !onlySynonyms || a.name === b.name;
    plain.forEach((col, i) => {
      if (col === undefined) return;
      const fks = (col as { foreignKeys?: readonly ForeignKeyRef[] }).foreignKeys ?? [];
      for (const fk of fks) {
        const target = fk.target;
        if (target && plain.some((o) => o !== undefined && o !== col && (o === target || o.sharesLineage(target)) && named(col, o))) omit.add(i);
      }
    });
    const visit = (e: ClauseElement) => {
      if (e instanceof ColumnElement && e.kind === "binary") {
        const b = e as unknown as { operator: string; left: ClauseElement; right: ClauseElement };
        if (b.operator === "eq") {
          const l = indexOf(b.left);
          const r = indexOf(b.right);
          if (l >= 0 && r >= 0 && l !== r && !omit.has(Math.min(l, r)) && named(plain[l]!, plain[r]!)) omit.add(Math.max(l, r));
        }
      }
      if (e instanceof ColumnElement && e.kind === "booleanList") for (const x of (e as unknown as { clauses: ClauseElement[] }).clauses) visit(x);
    };
    for (const w of this.whereCriteria) visit(w);
    if (omit.size === 0) return this;
    return this.gen((s) => {
      s.rawColumns = cols.filter((_, i) => !omit.has(i));
    });
  }
  /** Replace the columns clause, keeping everything else. */
  withOnlyColumns<const A extends readonly SelectArg[]>(...columns: A): Select<RowTupleOf<A>, RowNamesOf<A>> {
    const cols = columns.map((c, i) => coerceColumnsClause(c, i));
    return this.gen((s) => {
      s.rawColumns = cols;
    }) as unknown as Select<RowTupleOf<A>, RowNamesOf<A>>;
  }
  /** Append columns to the columns clause. */
  addColumns<const A extends readonly SelectArg[]>(...columns: A): Select<[...T, ...RowTupleOf<A>], AddedNamesOf<N, A>> {
    const cols = columns.map((c, i) => coerceColumnsClause(c, i));
    return this.gen((s) => {
      s.rawColumns = [...this.rawColumns, ...cols];
    }) as unknown as Select<[...T, ...RowTupleOf<A>], AddedNamesOf<N, A>>;
  }
  /** ORM loader options attached by `.options()` (interpreted by the ORM session). */
  readonly loaderOptions: readonly unknown[] = NONE;
  /** Statement-level execution options (`populateExisting`, `yieldPer`, …). */
  readonly statementExecutionOptions: Readonly<Record<string, unknown>> = NO_EXECUTION_OPTIONS;
  /** Attach ORM loader options (`selectinload(User.addresses)`, `defer(User.bio)`, …). */
  options(...opts: unknown[]): this {
    return this.gen((s) => {
      s.loaderOptions = [...this.loaderOptions, ...opts];
    });
  }
  /** Statement execution options, merged over the connection's and session's. */
  executionOptions(opts: Readonly<Record<string, unknown>>): this {
    return this.gen((s) => {
      s.statementExecutionOptions = { ...this.statementExecutionOptions, ...opts };
    });
  }
  /**
   * `filterBy({ name: "sandy" })`: equality criteria against the last joined entity or table,
   * else the first entity in the columns clause (SQLAlchemy's `filter_by()`); an ORM attribute
   * there stands for its entity (`select(User.id).filterBy({ name })`). A relationship key
   * compares with an object or null as its `eq()` does (`filterBy({ user: u })`,
   * `filterBy({ addresses: null })` → NOT EXISTS).
   * @throws ArgumentError when a key is not an attribute of that entity.
   */
  filterBy(criteria: Readonly<Record<string, unknown>>): this {
    const target = this.filterByTarget();
    const conds = Object.entries(criteria).map(([k, v]) => {
      const col = target(k);
      if (!col) throw new ArgumentError(`filterBy(): '${k}' is not an attribute of the filtered entity`);
      return col.eq(v);
    });
    return this.where(...conds);
  }
  private filterByTarget(): (key: string) => FilterByAttribute | undefined {
    const last = this.setupJoins.at(-1)?.target;
    if (last) return (k) => filterByAttribute(last, k);
    const first = this.rawColumns[0] ?? this.fromObjs[0];
    return (k) => (first ? filterByAttribute(first, k) : undefined);
  }
  /**
   * `select(User).fromStatement(stmt)` (SQLAlchemy's `Select.from_statement()`): load the
   * entities and columns of this SELECT from the rows of another statement instead of
   * generating SQL. `stmt` is run as given: a `text(…).columns(…)` textual SELECT, a Core
   * `select()` or a compound SELECT (`union()`, `q1.unionAll(q2)`: its first SELECT's columns)
   * has its columns matched to the entities' columns by lineage, then by name;
   * a bare `text(…)` is matched by column name (it is selected from as a subquery, the only
   * way to learn its column names before it runs). Entity columns the statement lacks stay
   * unloaded; a joined eager load whose target columns are absent is not populated;
   * selectin loads run as usual. Only ORM execution (`session.execute()`) honours it.
   * @throws ArgumentError when `stmt` is not a text(), textual SELECT, SELECT or compound SELECT.
   * @throws NoSuchColumnError (at execution) when the rows lack a selected entity's primary
   *   key column or a selected column: "Could not locate column in row for column 'users.id'".
   */
  fromStatement(statement: TextClause | TextualSelect | Select | CompoundSelect): this {
    if (!(statement instanceof TextClause || statement instanceof TextualSelect || statement instanceof Select || statement instanceof CompoundSelect)) {
      throw new ArgumentError(`fromStatement(): expected text(), a textual SELECT, a SELECT or a compound SELECT; got ${describeObject(statement)}`);
    }
    return this.withAnnotations({ [FROM_STATEMENT_ANNOTATION]: statement });
  }
  /** The statement given to {@link Select.fromStatement}, which the ORM loads from. @internal */
  get fromStatementArg(): TextClause | TextualSelect | Select | CompoundSelect | undefined {
    return this.annotations[FROM_STATEMENT_ANNOTATION] as TextClause | TextualSelect | Select | CompoundSelect | undefined;
  }
  /** selectFrom()/joinFrom() result, passed to the plugin that notes ORM classes given as FROMs. */
  private noteFroms(out: this, froms: readonly unknown[]): this {
    const note = selectPlugins.noteFroms;
    return note === undefined || !froms.some((f) => typeof f === "function") ? out : (note(out as unknown as Select, this as unknown as Select, froms) as unknown as this);
  }
  /** Set plugin annotations. @internal */
  withAnnotations(extra: Record<string, unknown>): this {
    return this.gen((s) => {
      s.annotations = { ...this.annotations, ...extra };
    });
  }

  /** Compute the FROM list: explicit FROMs, joins, then FROMs implied by columns and criteria. @internal */
  resolveFroms(): FromClause[] {
    const implied: FromClause[] = [];
    for (const f of this.fromObjs) implied.push(f);
    for (const c of this.rawColumns) {
      if (c instanceof FromClause) implied.push(c);
      else if (isProvider(c)) for (const e of c._columnsClauseElements()) fromsOf(e, implied);
      else fromsOf(c, implied);
    }
    for (const w of this.whereCriteria) fromsOf(w, implied);
    let froms = dedupeFroms(implied);
    const explicit = new Set<FromClause>(this.fromObjs);
    for (const j of this.setupJoins) froms = applySetupJoin(froms, j, explicit);
    return dedupeFroms(froms);
  }

  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitSelect(this as unknown as Select, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("select", this.isDistinct ? "d" : "", String(this.rawColumns.length));
    for (const col of this.rawColumns) {
      // An ORM entity whose FROM its columns do not tell (a withPolymorphic() join) keys itself.
      if (isProvider(col)) {
        if (col._key !== undefined) col._key(k);
        else for (const e of col._columnsClauseElements()) e._key(k);
      } else col._key(k);
    }
    if (this.fromObjs.length) {
      k.push("from");
      for (const f of this.fromObjs) f._key(k);
    }
    for (const j of this.setupJoins) {
      k.push("sj", j.isOuter ? "o" : "", j.full ? "f" : "");
      j.from?._key(k);
      j.target._key(k);
      j.onclause?._key(k);
    }
    if (this.whereCriteria.length) {
      k.push("where");
      for (const w of this.whereCriteria) w._key(k);
    }
    if (this.groupByClauses.length) {
      k.push("group");
      for (const g of this.groupByClauses) g._key(k);
    }
    if (this.havingCriteria.length) {
      k.push("having");
      for (const h of this.havingCriteria) h._key(k);
    }
    if (this.orderByClauses.length) {
      k.push("order");
      for (const o of this.orderByClauses) o._key(k);
    }
    if (this.distinctOn.length) {
      k.push("don");
      for (const o of this.distinctOn) o._key(k);
    }
    this.keyLimits(k);
    if (this.prefixes.length) k.push("pfx", String(this.prefixes.length), ...this.prefixes.map((p) => `${p.dialect ?? ""}:${p.text}`));
    if (this.suffixes.length) k.push("sfx", String(this.suffixes.length), ...this.suffixes.map((p) => `${p.dialect ?? ""}:${p.text}`));
    if (this.forUpdateArg) {
      const f = this.forUpdateArg;
      k.push("fu", f.nowait ? "n" : "", f.read ? "r" : "", f.skipLocked ? "s" : "", f.keyShare ? "k" : "");
      for (const o of f.of ?? []) o._key(k);
    }
    if (this.correlateTo) {
      k.push("corr", String(this.correlateTo.length));
      for (const f of this.correlateTo) k.push(f.keyId(k));
    }
    if (this.correlateExceptTo) {
      k.push("corrx", String(this.correlateExceptTo.length));
      for (const f of this.correlateExceptTo) k.push(f.keyId(k));
    }
    if (this.labelStyle !== LABEL_STYLE_DISAMBIGUATE_ONLY) k.push("ls", this.labelStyle);
    const plugin = this.annotations.cacheKey;
    if (typeof plugin === "string") k.push("ann", plugin);
    // ORM parts (SQLAlchemy keys `_with_options` and the FromStatement): they change the SQL
    // the ORM plans, and how rows load. Options key themselves; the ORM gives them `_key`.
    const fromStatement = this.annotations[FROM_STATEMENT_ANNOTATION] as ClauseElement | undefined;
    if (fromStatement !== undefined) {
      k.push("fromstmt");
      fromStatement._key(k);
    }
    if (this.loaderOptions.length) {
      k.push("opts", String(this.loaderOptions.length));
      for (const o of this.loaderOptions) {
        const keyed = o as { _key?: (k: CacheKeyBuilder) => void } | null;
        if (typeof keyed?._key === "function") keyed._key(k);
        else k.push("?opt");
      }
    }
    // Every section above is optional: without an end mark, the sections of a SELECT nested
    // last in an element (a labelled scalar subquery, a CTE's body) read the same as the
    // enclosing SELECT's own (`ORDER BY` inside or outside the subquery).
    k.push(")");
  }
}

/** What filterBy() can compare with `eq()`: a column, or a relationship comparator (object / null). */
type FilterByAttribute = { eq(v: unknown): Condition };

/**
 * The attribute `key` of a filterBy() target (SQLAlchemy's entity namespace): a column, or a
 * relationship of an entity or alias, compared to an object or null as `Address.user.eq(u)`.
 * An ORM attribute in the columns clause (`select(User.id)`) stands for its entity, so its
 * siblings are reachable too (`select(User.id).filterBy({ name: "ed" })`).
 */
function filterByAttribute(x: unknown, key: string): FilterByAttribute | undefined {
  const attr = x as { readonly kind?: string; readonly entity?: unknown };
  const ns = attr?.kind === "ormAttribute" && attr.entity !== undefined ? attr.entity : x;
  const col = attributeOf(ns, key) ?? (ns !== x ? attributeOf(x, key) : undefined);
  if (col) return col;
  if (typeof ns !== "function" && !(typeof ns === "object" && ns !== null && "_attributeFor" in ns)) return undefined;
  const rel = (ns as Record<string, unknown>)[key] as { _isRelationshipComparator?: boolean; eq?: unknown } | undefined;
  return rel?._isRelationshipComparator === true && typeof rel.eq === "function" ? (rel as unknown as FilterByAttribute) : undefined;
}

function attributeOf(x: unknown, key: string): ColumnElement<unknown, string> | undefined {
  const holder = x as { _attributeFor?: (k: string) => ColumnElement<unknown, string> | undefined };
  if (typeof holder?._attributeFor === "function") return holder._attributeFor(key);
  if (x instanceof FromClause) return x.c[key];
  if (x instanceof ColumnClause && x.table) return x.table.c[key];
  return undefined;
}

/** An OFFSET moved on by `start` rows: computed here when it is a plain integer, else in SQL; none when 0. */
function addedOffset(offset: ColumnElement<unknown, string> | undefined, start: number): ColumnElement<unknown, string> | undefined {
  const current = offset instanceof BindParameter && typeof offset.value === "number" ? offset.value : offset === undefined ? 0 : undefined;
  if (current === undefined) return start === 0 ? offset : (offset as ColumnElement<number, string>).add(start);
  const total = current + start;
  return total === 0 ? undefined : limitValue(total, "slice");
}

function limitValue(n: number | AnyColumn, what: string): ColumnElement<unknown, string> {
  if (n instanceof ColumnElement) return n;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    throw new ArgumentError(`${what}() expects a non-negative integer; got ${describeValue(n)}`);
  }
  return new BindParameter("param", n, Integer(), { unique: true });
}

function coerceColumnsClause(c: unknown, i: number): ColumnElement<unknown, string> | FromClause | ColumnsClauseProvider {
  if (c instanceof ColumnElement || c instanceof FromClause || isProvider(c)) return c;
  if (c instanceof SelectBase) {
    throw new ArgumentError(`select(): argument ${i + 1} is a SELECT; call .scalarSubquery() to use it as a column or .subquery() to select from it`);
  }
  // text() in the columns clause renders as written and adds no column (SQLAlchemy 2.0).
  if (c instanceof TextClause) return new TextColumnsClause(c);
  // SQLAlchemy's ColumnsClauseImpl coerces numbers and "*" to literal columns: `SELECT 1`, `SELECT *`.
  if (typeof c === "number" && Number.isFinite(c)) return new LiteralColumn(String(c));
  if (c === "*") return new LiteralStar();
  if (typeof c === "string") {
    throw new ArgumentError(`Textual column expression ${pyStrRepr(c)} should be explicitly declared with text(${pyStrRepr(c)}), or use column(${pyStrRepr(c)}) for more specificity`);
  }
  throw new ArgumentError(`select(): argument ${i + 1} must be a column expression, table or entity; got ${describeValue(c)}`);
}

/** Remove duplicates and FROMs already covered by a join in the list. @internal */
export function dedupeFroms(froms: readonly FromClause[]): FromClause[] {
  const covered = new Set<FromClause>();
  for (const f of froms) if (f instanceof Join) for (const x of f.coveredFroms()) if (x !== f) covered.add(x);
  const out: FromClause[] = [];
  const seen = new Set<FromClause>();
  for (const f of froms) {
    if (seen.has(f) || covered.has(f)) continue;
    seen.add(f);
    out.push(f);
  }
  return out;
}

/** The FROM a relationship join step's ON clause starts from: the one it names besides the target. */
function relationshipLeft(target: FromClause, onclause: ClauseElement): FromClause | undefined {
  const referenced: FromClause[] = [];
  fromsOf(onclause, referenced);
  const covered = target.coveredFroms();
  return referenced.find((r) => !covered.includes(r));
}

const AMBIGUITY_HINT =
  "Please use the .select_from() method to establish an explicit left side, as well as providing an explicit ON clause if not present already to help resolve the ambiguity.";

function applySetupJoin(froms: FromClause[], j: SetupJoin, explicit: Set<FromClause>): FromClause[] {
  // The left side: explicit `from`, the relationship's parent, else the one FROM that can join the target.
  let idx = -1;
  let left: FromClause | undefined;
  if (j.from) {
    idx = froms.findIndex((f) => f.coveredFroms().includes(j.from!));
    if (idx < 0) {
      froms = [...froms, j.from];
      idx = froms.length - 1;
    }
  } else if (j.left) {
    // SQLAlchemy's find_left_clause_that_matches_given: the FROMs holding the parent, else those
    // holding an alias of it; more than one is ambiguous.
    const jl = j.left;
    let matches = froms.flatMap((f, i) => (f.coveredFroms().includes(jl) ? [i] : []));
    if (!matches.length) matches = froms.flatMap((f, i) => (f.coveredFroms().some((x) => x instanceof Alias && x.element === jl) ? [i] : []));
    if (matches.length > 1) {
      throw new InvalidRequestError("Can't identify which entity in which to assign the left side of this join.   Please use a more specific ON clause.");
    }
    if (matches.length === 1 && froms[matches[0]].coveredFroms().includes(jl)) idx = matches[0];
    else left = jl;
  } else {
    // SQLAlchemy's find_left_clause_to_join_from.
    // Only the explicit FROMs (selectFrom() and earlier joins) when there are any, else those the
    // columns and criteria imply (SQLAlchemy's SelectState._join_determine_implicit_left_side).
    const pool = froms.some((f) => explicit.has(f)) ? froms.filter((f) => explicit.has(f)) : froms;
    const cands = froms.map((f, i) => [f, i] as const).filter(([f]) => pool.includes(f) && !f.coveredFroms().includes(j.target));
    let matches: number[];
    if (j.onclause && cands.length > 1) {
      const referenced: FromClause[] = [];
      fromsOf(j.onclause, referenced);
      const others = referenced.filter((r) => !j.target.coveredFroms().includes(r));
      matches = cands.filter(([f]) => others.every((r) => f.coveredFroms().includes(r))).map(([, i]) => i);
      if (!matches.length) matches = cands.map(([, i]) => i);
    } else if (j.onclause) {
      matches = cands.map(([, i]) => i);
    } else {
      matches = cands.filter(([f]) => canJoin(f, j.target)).map(([, i]) => i);
    }
    if (matches.length > 1) {
      // Selectable._get_display_froms: a FROM a join of the list hides does not count.
      const hidden = new Set(froms.flatMap((f) => (f instanceof Join ? f.coveredFroms().filter((x) => x !== f) : [])));
      matches = matches.filter((i) => !hidden.has(froms[i]));
    }
    if (matches.length > 1) {
      throw new InvalidRequestError(`Can't determine which FROM clause to join from, there are multiple FROMS which can join to this entity. ${AMBIGUITY_HINT}`);
    }
    if (!matches.length) {
      if (!froms.length) throw new ArgumentError(`join(): no FROM clause to join ${j.target.describe()} from; add one with selectFrom() or use joinFrom()`);
      throw new InvalidRequestError(`Don't know how to join to ${j.shown ?? j.target.describe()}. ${AMBIGUITY_HINT}`);
    }
    idx = matches[0];
  }
  if (left) {
    // A new FROM, after the explicit ones and earlier joins (SQLAlchemy appends to from_clauses).
    const joined = new Join(left, j.target, j.onclause as Condition | undefined, j.isOuter, j.full);
    explicit.add(joined);
    let at = 0;
    froms.forEach((f, i) => {
      if (explicit.has(f)) at = i + 1;
    });
    const covered = joined.coveredFroms();
    const before = froms.slice(0, at).filter((f) => !covered.includes(f));
    const after = froms.slice(at).filter((f) => !covered.includes(f));
    return [...before, joined, ...after];
  }
  const l = froms[idx];
  const joined = new Join(l, j.target, j.onclause as Condition | undefined, j.isOuter, j.full);
  explicit.add(joined);
  const rest = froms.filter((f, i) => i !== idx && !joined.coveredFroms().includes(f));
  return [...rest.slice(0, idx), joined, ...rest.slice(idx)];
}

/** Whether foreign keys relate `left` to `right` (SQLAlchemy's Selectable._can_join). */
function canJoin(left: FromClause, right: FromClause): boolean {
  try {
    inferJoinCondition(left, right);
    return true;
  } catch (e) {
    // Several foreign keys still relate them; the join then raises its own ambiguity error.
    return e instanceof AmbiguousForeignKeysError;
  }
}

/**
 * `select(...columns)`: SQLAlchemy 2.0's unified select. Accepts column expressions, tables and
 * other FROM clauses (all their columns), and ORM entities. Rows are typed: `select(t.c.id,
 * t.c.name)` gives `[number, string]` rows with `.id` and `.name`; `select(table)` gives named
 * access to every column, and positions too for a `table()` declared with its columns in order.
 * Repeated names render as SQLAlchemy 2.0 does (see {@link LABEL_STYLE_DISAMBIGUATE_ONLY}); the
 * row type names each key after its first column.
 */
export function select<const A extends readonly SelectArg[]>(...columns: A): Select<RowTupleOf<A>, RowNamesOf<A>> {
  return new Select<RowTupleOf<A>, RowNamesOf<A>>(columns);
}

/** `UNION` / `UNION ALL` / `EXCEPT` / `INTERSECT` of SELECTs. */
export class CompoundSelect<T extends readonly unknown[] = unknown[], N extends object = Record<string, unknown>> extends GenerativeSelect<T, N> {
  readonly kind = "compoundSelect";
  constructor(readonly keyword: string, readonly selects: readonly SelectBase[]) {
    super();
    // Unequal column counts are a CompileError when compiled, as in SQLAlchemy 2.0.
    selects.forEach((s, i) => {
      if (!(s instanceof SelectBase)) throw new ArgumentError(`${keyword}: argument ${i + 1} is not a SELECT; got ${describeValue(s)}`);
    });
  }
  protected gen(mutate: (s: Mutable<this>) => void): this {
    const s = Object.create(Object.getPrototypeOf(this)) as Mutable<this>;
    Object.assign(s, this);
    mutate(s);
    return s as this;
  }
  get selectedColumns(): readonly ColumnElement<unknown, string>[] {
    return this.selects[0].selectedColumns;
  }
  exportedColumns(): readonly ExportedColumn[] {
    return this.selects[0].exportedColumns();
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitCompoundSelect(this as unknown as CompoundSelect, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("compound", this.keyword, String(this.selects.length));
    for (const s of this.selects) s._key(k);
    for (const o of this.orderByClauses) o._key(k);
    this.keyLimits(k);
    k.push(")");
  }
}

/**
 * `union(a, b, …)` and friends as functions (SQLAlchemy's `union()`, `union_all()`, `except_()`,
 * `intersect()`). The result rows take the first SELECT's types, as SQL names and types a
 * compound's columns after its first member.
 */
export function union<T extends readonly unknown[], N extends object>(a: SelectBase<T, N>, ...rest: SelectBase[]): CompoundSelect<T, N> {
  return a.union(...rest);
}
/** `UNION ALL` of the statements; rows typed after the first. */
export function unionAll<T extends readonly unknown[], N extends object>(a: SelectBase<T, N>, ...rest: SelectBase[]): CompoundSelect<T, N> {
  return a.unionAll(...rest);
}
/** `EXCEPT` of the statements; rows typed after the first. */
export function except_<T extends readonly unknown[], N extends object>(a: SelectBase<T, N>, ...rest: SelectBase[]): CompoundSelect<T, N> {
  return a.except(...rest);
}
/** `INTERSECT` of the statements; rows typed after the first. */
export function intersect<T extends readonly unknown[], N extends object>(a: SelectBase<T, N>, ...rest: SelectBase[]): CompoundSelect<T, N> {
  return a.intersect(...rest);
}

/** `EXCEPT ALL` of the statements (SQLAlchemy's `except_all()`); rows typed after the first. */
export function exceptAll<T extends readonly unknown[], N extends object>(a: SelectBase<T, N>, ...rest: SelectBase[]): CompoundSelect<T, N> {
  return a.exceptAll(...rest);
}
/** `INTERSECT ALL` of the statements (SQLAlchemy's `intersect_all()`); rows typed after the first. */
export function intersectAll<T extends readonly unknown[], N extends object>(a: SelectBase<T, N>, ...rest: SelectBase[]): CompoundSelect<T, N> {
  return a.intersectAll(...rest);
}

/**
 * A `text()` statement with declared result columns (SQLAlchemy 1.4 `TextualSelect`, built by
 * `text("SELECT …").columns(...)`): usable as a statement with typed rows, in `.subquery()`,
 * `.cte()`, IN and EXISTS like any SELECT.
 */
export class TextualSelect<T extends readonly unknown[] = unknown[], N extends object = Record<string, unknown>> extends SelectBase<T, N> {
  readonly kind = "textualSelect";
  constructor(
    readonly element: TextClause,
    readonly columnList: readonly ColumnElement<unknown, string>[],
    /** CTEs rendered in the WITH clause before the text; see {@link TextualSelect.addCte}. */
    readonly independentCtes: readonly CTE[] = [],
    /** The added CTEs stated `nestHere`. @internal */
    readonly nestHereCtes: readonly CTE[] = [],
  ) {
    super();
  }
  /**
   * `WITH cte AS (…) <text>`: render these CTEs before the text (SQLAlchemy's `add_cte()`).
   * With `{ nestHere: true }` they render in this statement's own WITH when it is nested in
   * another (a subquery or CTE), as {@link GenerativeSelect.addCte} does.
   */
  addCte(...args: [...CTE[], AddCteOptions] | CTE[]): TextualSelect<T, N> {
    const { ctes, nestHere } = addCteArgs(args);
    return new TextualSelect<T, N>(this.element, this.columnList, [...this.independentCtes, ...ctes], nestHere ? [...this.nestHereCtes, ...ctes] : this.nestHereCtes);
  }
  get selectedColumns(): readonly ColumnElement<unknown, string>[] {
    return this.columnList;
  }
  exportedColumns(): readonly ExportedColumn[] {
    return this.columnList.map((element) => ({ name: element.resultName ?? element.key ?? "", element }));
  }
  /** Attach values for the text's `:name` placeholders (see `TextClause.bindparams`). */
  bindparams(values: Record<string, unknown> | BindParameter<unknown, string>[]): TextualSelect<T, N> {
    return new TextualSelect<T, N>(this.element.bindparams(values), this.columnList, this.independentCtes, this.nestHereCtes);
  }
  override describe(): string {
    return `${this.element.describe()}.columns()`;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitTextualSelect(this as unknown as TextualSelect, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("textsel", String(this.columnList.length), String(this.independentCtes.length));
    for (const c of this.independentCtes) {
      k.push(this.nestHereCtes.includes(c) ? "nh" : "");
      c._key(k);
    }
    for (const col of this.columnList) col._key(k);
    this.element._key(k);
  }
}

/**
 * A column declared by `text().columns()`: a column, a label, `{ name: type }`, or an ORM
 * attribute (`User.id`, standing for its mapped column).
 */
export type TextColumnArg = ColumnClause<unknown, string> | Label<unknown, string> | ColumnElement<unknown, string> | Readonly<Record<string, TypeArg>>;
type TextColumnsTuple<A extends readonly unknown[]> = A extends readonly [infer H, ...infer R]
  ? [...(H extends ColumnElement<infer V, string> ? [V] : H extends Readonly<Record<string, TypeArg>> ? { [K in keyof H]: JsTypeOf<H[K]> }[keyof H][] : [unknown]), ...TextColumnsTuple<R>]
  : [];
type TextColumnsNames<A extends readonly unknown[]> = A extends readonly [infer H, ...infer R]
  ? (H extends ColumnElement<infer V, infer K> ? { [P in K]: V } : H extends Readonly<Record<string, TypeArg>> ? { [K in keyof H & string]: JsTypeOf<H[K]> } : {}) & TextColumnsNames<R>
  : {};

/**
 * The column behind an ORM attribute (`User.id`): `text().columns(User.id)` selects the mapped
 * column, as SQLAlchemy coerces an attribute through its `__clause_element__()`.
 */
function ormAttributeColumn(c: unknown): ColumnClause<unknown, string> | undefined {
  if (!(c instanceof ColumnElement) || c.kind !== "ormAttribute") return undefined;
  const inner = (c as { column?: unknown }).column;
  return inner instanceof ColumnClause ? inner : undefined;
}

/** @internal Installed as `TextClause.prototype.columns`. */
function textColumns<const A extends readonly TextColumnArg[]>(this: TextClause, ...cols: A): TextualSelect<TextColumnsTuple<A>, Simplify<TextColumnsNames<A>>> {
  const out: ColumnElement<unknown, string>[] = [];
  for (const [i, c] of cols.entries()) {
    if (c instanceof ColumnClause || c instanceof Label) out.push(c);
    else if (ormAttributeColumn(c) !== undefined) out.push(ormAttributeColumn(c)!);
    else if (c instanceof ColumnElement) throw new ArgumentError(`text().columns(): argument ${i + 1} must be a column or a label; got ${describeValue(c)}`);
    else if (typeof c === "object" && c !== null) for (const [name, type] of Object.entries(c)) out.push(new ColumnClause(name, type));
    else throw new ArgumentError(`text().columns(): argument ${i + 1} must be a column or { name: type }; got ${describeValue(c)}`);
  }
  if (out.length === 0) throw new ArgumentError("text().columns() needs at least one column");
  return new TextualSelect(this, out) as never;
}
declare module "./elements.js" {
  interface TextClause {
    /**
     * Declare the result columns of a textual SELECT (SQLAlchemy 1.4 `TextClause.columns()`),
     * giving a {@link TextualSelect}: `text("SELECT id, name FROM t").columns(column("id",
     * Integer), { name: String })`. Rows are typed and processed after these columns.
     * @throws ArgumentError without columns.
     */
    columns<const A extends readonly TextColumnArg[]>(...cols: A): TextualSelect<TextColumnsTuple<A>, Simplify<TextColumnsNames<A>>>;
  }
}
(TextClause.prototype as unknown as { columns: typeof textColumns }).columns = textColumns;

/** `(SELECT …)` used as a value. */
export class ScalarSelect<T = unknown> extends ColumnElement<T> {
  readonly kind = "scalarSelect";
  constructor(readonly element: SelectBase) {
    super();
    const n = element.selectedColumns.length;
    if (n !== 1) throw new ArgumentError(`scalarSubquery(): the SELECT must return exactly one column; it returns ${n}`);
  }
  get type(): TypeEngine<unknown> {
    return this.element.selectedColumns[0]?.type ?? NULLTYPE;
  }
  /** Add WHERE criteria to the inner select. */
  where(...criteria: Condition[]): ScalarSelect<T> {
    if (!(this.element instanceof Select)) throw new ArgumentError("where() on a scalar subquery needs a plain SELECT");
    return new ScalarSelect<T>(this.element.where(...criteria));
  }
  /** Correlate the inner SELECT (SQLAlchemy's `ScalarSelect.correlate()`); see {@link Select.correlate}. */
  correlate(...froms: CorrelateArg[]): ScalarSelect<T> {
    return new ScalarSelect<T>(this.innerSelect("correlate").correlate(...froms));
  }
  /** Correlate the inner SELECT to all but these (SQLAlchemy's `ScalarSelect.correlate_except()`). */
  correlateExcept(...froms: CorrelateArg[]): ScalarSelect<T> {
    return new ScalarSelect<T>(this.innerSelect("correlateExcept").correlateExcept(...froms));
  }
  private innerSelect(what: string): Select {
    if (!(this.element instanceof Select)) throw new ArgumentError(`${what}() on a scalar subquery needs a plain SELECT`);
    return this.element;
  }
  override selfGroup(_against?: OperatorName): ClauseElement {
    return this;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitScalarSelect(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("scalar");
    this.element._key(k);
  }
}

/**
 * `EXISTS (SELECT …)`. Its generative methods (`where`, `selectFrom`, `correlate`,
 * `correlateExcept`) change the inner SELECT, as SQLAlchemy's `Exists` does; they throw
 * ArgumentError when the EXISTS wraps a compound SELECT.
 */
export class Exists extends UnaryExpression<boolean> {
  constructor(readonly statement: SelectBase) {
    super(new ScalarSelectAny(statement), { operator: "exists", type: BooleanT() });
  }
  /** Add WHERE criteria to the inner SELECT. */
  where(...criteria: Condition[]): Exists {
    return new Exists(this.inner("where").where(...criteria));
  }
  /** Add FROMs to the inner SELECT (SQLAlchemy's `Exists.select_from()`): `EXISTS (SELECT 1 FROM t)`. */
  selectFrom(...froms: FromClause[]): Exists {
    return new Exists(this.inner("selectFrom").selectFrom(...froms));
  }
  /** Correlate the inner SELECT to these enclosing FROMs; see {@link Select.correlate}. */
  correlate(...froms: CorrelateArg[]): Exists {
    return new Exists(this.inner("correlate").correlate(...froms));
  }
  /** Correlate the inner SELECT to every enclosing FROM but these; see {@link Select.correlateExcept}. */
  correlateExcept(...froms: CorrelateArg[]): Exists {
    return new Exists(this.inner("correlateExcept").correlateExcept(...froms));
  }
  /** `SELECT EXISTS (…) AS anon_1` (SQLAlchemy's `Exists.select()`). */
  select(): Select<[boolean], Record<never, never>> {
    return new Select([this]) as unknown as Select<[boolean], Record<never, never>>;
  }
  private inner(what: string): Select {
    if (!(this.statement instanceof Select)) throw new ArgumentError(`${what}() on exists() needs a plain SELECT`);
    return this.statement;
  }
}

/** A parenthesised SELECT of any width (inside EXISTS / IN). @internal */
export class ScalarSelectAny extends ColumnElement<unknown> {
  readonly kind = "scalarSelect";
  readonly type = NULLTYPE;
  constructor(readonly element: SelectBase) {
    super();
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitScalarSelect(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("subsel");
    this.element._key(k);
  }
}

/**
 * `exists(select)` or `exists(...columns)`: `EXISTS (SELECT …)`. With columns (or no argument),
 * builds `SELECT *` style subqueries: `exists().where(…)` is `EXISTS (SELECT * WHERE …)`.
 */
export function exists(arg?: SelectBase | SelectArg, ...more: SelectArg[]): Exists {
  if (arg instanceof SelectBase) return new Exists(arg);
  // SQLAlchemy accepts `exists(stmt.scalar_subquery())` as the statement itself.
  if (arg instanceof ScalarSelect && more.length === 0) return new Exists(arg.element);
  const cols = arg === undefined ? [new LiteralStar()] : [arg, ...more];
  return new Exists(new Select(cols));
}

/** `*` in a columns clause. @internal */
export class LiteralStar extends ColumnElement<unknown> {
  readonly kind = "star";
  readonly type = NULLTYPE;
  _compile(): string {
    return "*";
  }
  _key(k: CacheKeyBuilder): void {
    k.push("*");
  }
}

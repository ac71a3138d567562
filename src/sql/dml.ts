/**
 * INSERT, UPDATE and DELETE statements with RETURNING (SQLAlchemy's `sqlalchemy.sql.dml`).
 * @module
 */
import { ArgumentError, InvalidRequestError } from "../errors.js";
import {
  BindParameter, ClauseElement, coerceWhereClause, ColumnElement, describeValue, TextClause, type CheckedConditions, type Condition,
} from "./elements.js";
import { ColumnClause } from "./column.js";
import { Alias, coerceFrom, CTE, FromClause, SelectBase, statementAffixes, TableClause, type StatementAffix, type ExportedColumn, type MapOfNames, type RowNamesOf, type RowTupleOf, type SelectArg, type ColumnMap, type NamesOfMap } from "./selectable.js";
import type { CacheKeyBuilder, MemoizedCacheKey } from "./cache-key.js";
import type { TypeEngine } from "./type-api.js";
import type { CompileKw, SQLCompiler } from "./compiler.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** Named RETURNING columns after adding `A` to `RN` (calls to `returning()` accumulate). */
export type ReturningNames<RN extends object, A extends readonly unknown[]> = { [K in keyof (RN & RowNamesOf<A>)]: (RN & RowNamesOf<A>)[K] } & {};

/** A mapped class (or anything standing for a table) as a DML target. */
export interface DmlTarget<C extends ColumnMap = ColumnMap> {
  _asFromClause(): FromClause<C> | FromClause;
}

/** Values for a DML statement: JS values (bound), SQL expressions or `text()` (rendered as written), by column key or name. */
export type ValuesOf<C extends ColumnMap> = { [K in keyof C & string]?: NamesOfMap<C>[K] | ColumnElement<unknown, string> | TextClause };
/** Values keyed by the target table's column objects (SQLAlchemy's `values({table.c.x: 5})`). */
export type ColumnKeyedValues = ReadonlyMap<ColumnClause<unknown, string>, unknown>;
/**
 * UPDATE values keyed by column objects or by other expressions of the target's columns, such as
 * an ARRAY element: `new Map([[t.c.data.at(5), 7]])` renders `SET data[:param_1]=:param_2`
 * (SQLAlchemy's `values({expr: value})`).
 */
export type ExpressionKeyedValues = ReadonlyMap<ColumnElement<unknown, string>, unknown>;
/** One value of a positional row: a JS scalar, an array (ARRAY values), or a SQL expression. */
export type PositionalValue = string | number | bigint | boolean | null | Date | Uint8Array | readonly unknown[] | ColumnElement<unknown, string> | TextClause;
/**
 * A row given by position (SQLAlchemy's `values((1, "a", "b"))`): the values of the table's
 * columns in table order; a shorter row leaves out the remaining columns.
 */
export type PositionalRow = readonly PositionalValue[];

/**
 * Bound parameters that `values()` made for plain JS values (SQLAlchemy's "crud" binds): their
 * names belong to the statement's VALUES/SET clause, so a `bindparam()` of the same name elsewhere
 * is refused when compiling. @internal
 */
export const crudBinds = new WeakSet<BindParameter<unknown, string>>();

/**
 * A SET key that is an expression rather than a column: not a column, and not an ORM attribute
 * (which stands for its column).
 */
function isSetExpressionKey(k: unknown): k is ColumnElement<unknown, string> {
  return k instanceof ColumnElement && !(k instanceof ColumnClause) && !((k as { column?: unknown }).column instanceof ColumnClause);
}

/** A SQL value for SET: a SELECT becomes its scalar subquery; text() renders as written. */
function coerceSetValue(v: ClauseElement, what: string): ColumnElement<unknown, string> {
  if (v instanceof SelectBase) return v.scalarSubquery();
  if (v instanceof ColumnElement) return v;
  if (v instanceof TextClause) return v as unknown as ColumnElement<unknown, string>;
  throw new ArgumentError(`${what}: a SET value must be a column expression; got ${v.describe()}`);
}

/** A dict-style row (plain object or Map), as opposed to a positional row. */
function isRowObject(v: unknown): boolean {
  return v instanceof Map || (typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof ClauseElement) && !(v instanceof Date) && !(v instanceof Uint8Array));
}

/**
 * Keyword options of `returning()` (SQLAlchemy's `returning(*cols, sort_by_parameter_order=…)`),
 * given as a plain object after the columns: `insert(A).returning(A, { sortByParameterOrder: true })`.
 */
export interface ReturningOptions {
  /** Return the rows of an executemany INSERT in parameter-set order. */
  readonly sortByParameterOrder?: boolean;
}

/** A trailing plain `{ sortByParameterOrder }` object is the options, not a column. */
function splitReturningOptions(cols: readonly unknown[]): { cols: readonly unknown[]; options: ReturningOptions | undefined } {
  const last = cols[cols.length - 1];
  if (typeof last !== "object" || last === null || Object.getPrototypeOf(last) !== Object.prototype || "_columnsClauseElements" in last) {
    return { cols, options: undefined };
  }
  for (const k of Object.keys(last)) {
    if (k !== "sortByParameterOrder") throw new ArgumentError(`returning(): unknown option '${k}'; the only option is sortByParameterOrder`);
  }
  return { cols: cols.slice(0, -1), options: last as ReturningOptions };
}

/** A dialect-specific clause attached to a statement (ON CONFLICT …). @internal */
export interface DmlExtension extends ClauseElement {
  readonly extensionKind: string;
}

/** Options of `returnDefaults()` (SQLAlchemy's `return_defaults(supplemental_cols=…)`). */
export interface ReturnDefaultsOptions {
  /** Columns returned besides the defaults; the result's rows carry them. */
  readonly supplementalCols?: readonly ColumnElement<unknown, string>[];
}

function checkSupplemental(o: object): readonly ColumnElement<unknown, string>[] {
  for (const k of Object.keys(o)) if (k !== "supplementalCols") throw new ArgumentError(`returnDefaults(): unknown option '${k}'; the only option is supplementalCols`);
  const cols = (o as ReturnDefaultsOptions).supplementalCols ?? [];
  cols.forEach((c, i) => {
    if (!(c instanceof ColumnElement)) throw new ArgumentError(`returnDefaults(): supplementalCols[${i}] must be a column expression; got ${describeValue(c)}`);
  });
  return cols;
}

/** Base of INSERT/UPDATE/DELETE. `R` / `RN` are the RETURNING row shape. */
export abstract class UpdateBase<C extends ColumnMap = ColumnMap, R extends readonly unknown[] = [], RN extends object = {}> extends ClauseElement {
  declare readonly __row: R;
  declare readonly __named: RN;
  readonly _isDml = true;
  /** The statement's own cache key once computed (see generateCacheKey). @internal */
  _keyMemo: MemoizedCacheKey | null = null;
  readonly table: TableClause<C>;
  readonly returningColumns: readonly (ColumnElement<unknown, string> | FromClause)[] = [];
  /** Dialect extensions, e.g. PostgreSQL/SQLite `ON CONFLICT`. @internal */
  readonly extensions: readonly DmlExtension[] = [];
  /** Plugin annotations (ORM). @internal */
  readonly annotations: Readonly<Record<string, unknown>> = {};
  /** The ORM entity (mapped class) the statement targets, when it was given one. */
  readonly entity: unknown = undefined;
  /** `prefixWith()` words, each with the dialect it is limited to (undefined: every dialect). */
  readonly prefixes: readonly StatementAffix[] = [];
  /**
   * Keys given to `values()` that name no column of the target table. SQLAlchemy reports them
   * when the statement compiles ("Unconsumed column names: …"), so they are kept until then. @internal
   */
  readonly unconsumedKeys: readonly string[] = [];
  /**
   * The alias an UPDATE/DELETE targets (`update(t.alias("t1"))` renders `UPDATE t AS t1`, as
   * SQLAlchemy); `table` is then the aliased table. Undefined for a plain table.
   */
  readonly targetAlias: Alias | undefined = undefined;
  constructor(table: TableClause<C> | Alias<C> | DmlTarget<C>) {
    super();
    const what = `${this.constructor.name.toLowerCase()}()`;
    const t = coerceFrom(table, what);
    if (t instanceof Alias && t.element instanceof TableClause) {
      this.table = t.element as TableClause<C>;
      this.targetAlias = t;
      return;
    }
    if (!(t instanceof TableClause)) throw new ArgumentError(`DML target must be a table or an alias of one; got ${t.describe()}`);
    this.table = t as TableClause<C>;
    if (!(table instanceof TableClause)) this.entity = table;
  }
  protected gen(mutate: (s: Mutable<this>) => void): this {
    // Constructing (rather than Object.create) keeps V8's object shape stable on this hot path.
    const s = new (this.constructor as new (t: TableClause) => UpdateBase)(this.table) as unknown as Mutable<this>;
    Object.assign(s, this);
    mutate(s);
    return s as this;
  }
  /**
   * `RETURNING …` columns (a table gives all its columns). Works on PostgreSQL and SQLite ≥ 3.35.
   * Calls accumulate: `returning(a).returning(b)` returns a and b, as SQLAlchemy 2.0. The base
   * class types the rows loosely; Insert/Update/Delete narrow them. A plain object after the
   * columns gives {@link ReturningOptions} (`{ sortByParameterOrder: true }`).
   * @throws ArgumentError for an argument that is not a column or table, or an unknown option.
   */
  returning<const A extends readonly SelectArg[]>(...cols: A): UpdateBase<C, readonly unknown[], object> {
    if (this.returnDefaultsColumns !== undefined) throw new InvalidRequestError("return_defaults() is already configured on this statement");
    const { cols: given, options } = splitReturningOptions(cols);
    const cs = given.map((c, i) => {
      if (c instanceof ColumnElement || c instanceof FromClause) return c;
      if ((typeof c === "object" || typeof c === "function") && c !== null && "_columnsClauseElements" in c) return c as never;
      throw new ArgumentError(`returning(): argument ${i + 1} must be a column expression or table; got ${describeValue(c)}`);
    });
    return this.gen((s) => {
      s.returningColumns = [...this.returningColumns, ...cs];
      if (options?.sortByParameterOrder !== undefined) s.sortByParameterOrder = options.sortByParameterOrder;
    }) as never;
  }
  /**
   * The columns given to {@link returnDefaults} (empty: none named, the table's defaults);
   * undefined when it was not called.
   */
  readonly returnDefaultsColumns: readonly ColumnElement<unknown, string>[] | undefined = undefined;
  /**
   * Fetch server-generated values of the row written (SQLAlchemy's `return_defaults()`): on
   * execution the engine adds a RETURNING of the primary key (INSERT, when not given), of the
   * columns whose value the database computes (server defaults, SQL-expression defaults and
   * onupdates, SQL expressions in `values()`), and of `cols` when they are not given as plain
   * values. The Result reports them as `returnedDefaults` (a Row, or null) and, for an
   * executemany, `returnedDefaultsRows`; `insertedPrimaryKey` keeps working. Calls accumulate
   * (without repeats); a call without columns, before or after, means all the defaults again.
   * A last `{ supplementalCols }` argument (SQLAlchemy's `supplemental_cols`) returns more
   * columns, whether given or not; the result then keeps its rows (all the columns returned).
   * @throws ArgumentError for an argument that is not a column expression, or unknown options.
   * A later `returning()` raises InvalidRequestError ("return_defaults() is already configured
   * on this statement"); executing a statement with both raises CompileError.
   */
  returnDefaults(...args: readonly (ColumnElement<unknown, string> | ReturnDefaultsOptions)[]): this {
    const cols: ColumnElement<unknown, string>[] = [];
    let supplemental: readonly ColumnElement<unknown, string>[] = [];
    args.forEach((c, i) => {
      if (c instanceof ColumnElement) cols.push(c);
      else if (i === args.length - 1 && typeof c === "object" && c !== null && !(c instanceof ClauseElement)) supplemental = checkSupplemental(c);
      else throw new ArgumentError(`returnDefaults(): argument ${i + 1} must be a column expression; got ${describeValue(c)}`);
    });
    const prev = this.returnDefaultsColumns;
    // As SQLAlchemy: no columns means every default, and that stays once asked for (by either call).
    const merged = prev === undefined ? cols : prev.length === 0 || cols.length === 0 ? [] : [...prev, ...cols.filter((c) => !prev.includes(c))];
    return this.gen((s) => {
      s.returnDefaultsColumns = merged;
      s.returnDefaultsSupplemental = [...this.returnDefaultsSupplemental, ...supplemental];
    });
  }
  /** `returnDefaults(…, { supplementalCols })`: columns returned as rows of the result too. */
  readonly returnDefaultsSupplemental: readonly ColumnElement<unknown, string>[] = [];
  /** Adds RETURNING columns for {@link returnDefaults}, bypassing the public check. @internal */
  _returningForDefaults(cols: readonly ColumnElement<unknown, string>[]): this {
    return this.gen((s) => {
      s.returningColumns = [...this.returningColumns, ...cols];
    });
  }
  /**
   * `returning(…, { sortByParameterOrder: true })` was given (SQLAlchemy's
   * `sort_by_parameter_order`): an executemany INSERT … RETURNING returns its rows in the order
   * of the parameter sets. athanor's executemany always does (one multi-row INSERT per page, rows
   * read back in VALUES order, pages in order), so the flag records the request.
   */
  readonly sortByParameterOrder: boolean = false;
  /**
   * Statement execution options (SQLAlchemy's `Executable.execution_options()` on DML):
   * `synchronizeSession`, `populateExisting`, `renderNulls`, `autoflush`, … read by the ORM
   * session under the options passed to `execute()` (those win).
   */
  readonly statementExecutionOptions: Readonly<Record<string, unknown>> = {};
  /** Merge execution options into the statement's (later calls win per key). */
  executionOptions(opts: Readonly<Record<string, unknown>>): this {
    return this.gen((s) => {
      s.statementExecutionOptions = { ...this.statementExecutionOptions, ...opts };
    });
  }
  /** ORM options attached by {@link options} (interpreted by the ORM session). */
  readonly loaderOptions: readonly unknown[] = [];
  /**
   * Attach ORM options (SQLAlchemy's `Executable.options()` on DML): an ORM-enabled UPDATE or
   * DELETE applies `withLoaderCriteria(Entity, criteria)` for its entity (or a superclass of it)
   * as extra WHERE criteria, which "evaluate" synchronization evaluates too. Calls accumulate.
   */
  options(...opts: readonly unknown[]): this {
    return this.gen((s) => {
      s.loaderOptions = [...this.loaderOptions, ...opts];
    });
  }
  /**
   * Words between the verb and the table: `insert(t).prefixWith("OR REPLACE")` renders
   * `INSERT OR REPLACE INTO t …`, `update(t).prefixWith("LOW_PRIORITY")` renders
   * `UPDATE LOW_PRIORITY t …` (SQLAlchemy's `prefix_with()`). With `{ dialect }` the prefixes
   * render only when compiling for that dialect name ("postgresql", "sqlite", "default").
   * Calls accumulate.
   */
  prefixWith(...args: (string | { readonly dialect?: string })[]): this {
    const added = statementAffixes("prefixWith", args);
    return this.gen((s) => {
      s.prefixes = [...this.prefixes, ...added];
    });
  }
  /**
   * One `{ name, type, expr }` per RETURNING column (SQLAlchemy's
   * `returning_column_descriptions`): `name` is the column key or label name, `expr` the
   * expression given (a table expands to its columns).
   */
  get returningColumnDescriptions(): { readonly name: string | undefined; readonly type: TypeEngine<unknown>; readonly expr: ColumnElement<unknown, string> }[] {
    return this.returningExpanded.map((expr) => ({ name: (expr as { key?: string }).key, type: expr.type, expr }));
  }
  /**
   * The statement as a common table expression: `WITH name AS (INSERT … RETURNING …) SELECT …
   * FROM name` (SQLAlchemy's `HasCTE.cte()` on DML, a PostgreSQL feature). The CTE's columns are
   * the RETURNING columns, under their names. `nesting: true` renders the WITH in the SELECT
   * that refers to the CTE, as for a SELECT's CTE. Without RETURNING the CTE exports no columns
   * and serves as an independent CTE (`select(…).addCte(update(t).values(…).cte())`).
   */
  cte(name?: string, opts: { nesting?: boolean } = {}): CTE<MapOfNames<RN>> {
    const c = new CTE<MapOfNames<RN>>(this as unknown as SelectBase, name, false);
    if (opts.nesting) (c as { nesting: boolean }).nesting = true;
    return c;
  }
  /** The columns a CTE of this statement exports: its RETURNING columns, by name. @internal */
  exportedColumns(): readonly ExportedColumn[] {
    const used = new Set<string>();
    return this.returningExpanded.map((element, i) => {
      let name = (element as { name?: unknown }).name;
      if (typeof name !== "string" || used.has(name)) name = `anon_${i + 1}`;
      used.add(name as string);
      return { name: name as string, element };
    });
  }
  /** RETURNING columns, expanded. */
  get returningExpanded(): ColumnElement<unknown, string>[] {
    const out: ColumnElement<unknown, string>[] = [];
    for (const c of this.returningColumns) {
      if (c instanceof FromClause) out.push(...c.columnList);
      else if (c instanceof ColumnElement) out.push(c);
      else out.push(...(c as { _columnsClauseElements(): ColumnElement<unknown, string>[] })._columnsClauseElements());
    }
    return out;
  }
  /** @internal */
  withExtension(ext: DmlExtension): this {
    return this.gen((s) => {
      s.extensions = [...this.extensions.filter((e) => e.extensionKind !== ext.extensionKind), ext];
    });
  }
  /** @internal */
  withAnnotations(extra: Record<string, unknown>): this {
    return this.gen((s) => {
      s.annotations = { ...this.annotations, ...extra };
    });
  }
  /** Resolve a column key or name of the target table. @internal */
  columnFor(key: string, what: string): ColumnClause<unknown, string> {
    let c = this.table.c[key] ?? this.table.columnList.find((x) => x.name === key);
    if (!c && this.entity) {
      // An ORM entity maps attributes of several tables (joined-table inheritance): `update(Engineer).values({ name })`.
      const attr = (this.entity as { _attributeFor?: (k: string) => ColumnElement<unknown, string> | undefined })._attributeFor?.(key);
      const col = (attr as { column?: unknown } | undefined)?.column;
      if (col instanceof ColumnClause) c = col as ColumnClause<unknown, string>;
    }
    if (!c) {
      throw new ArgumentError(`${what}: unknown column '${key}' for table '${this.table.describeName()}' (Unconsumed column names: ${key})`);
    }
    return c;
  }
  protected normalizeValues(
    row: Record<string, unknown> | ColumnKeyedValues, what: string, suffix = "", unconsumed?: string[], extraTables?: string[],
  ): Map<ColumnClause<unknown, string>, ColumnElement<unknown, string>> {
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw new ArgumentError(`${what} expects an object of column values; got ${describeValue(row)}`);
    }
    const m = new Map<ColumnClause<unknown, string>, ColumnElement<unknown, string>>();
    const entries: [string | ColumnClause<unknown, string>, unknown][] = row instanceof Map ? [...row] : Object.entries(row);
    for (const [k, v] of entries) {
      if (v === undefined) continue;
      if (unconsumed && typeof k === "string" && !this.hasColumn(k)) {
        if (!unconsumed.includes(k)) unconsumed.push(k);
        continue;
      }
      if (extraTables && k instanceof ColumnClause && k.table !== undefined && !this.isTargetColumn(k)) {
        // SQLAlchemy reports another table's column in SET when the statement compiles.
        const t = k.table;
        const desc = t instanceof Alias && t.name === undefined && t.element instanceof FromClause ? `Anonymous alias of ${t.element.describeName()}` : t.describeName();
        if (!extraTables.includes(desc)) extraTables.push(desc);
        continue;
      }
      const col = this.columnOf(k, what);
      if (v instanceof ClauseElement) {
        if (v instanceof SelectBase) m.set(col, v.scalarSubquery());
        // An untyped bindparam() binds through the column's type (SQLAlchemy's crud.py clones it
        // with `c.type`), so a TypeDecorator's processBindParam runs on it.
        else if (v instanceof BindParameter) m.set(col, v.withBinaryElementType(col.type));
        else if (v instanceof ColumnElement) m.set(col, v);
        // SQLAlchemy accepts text() as a SET/VALUES expression; it renders as written.
        else if (v instanceof TextClause) m.set(col, v as unknown as ColumnElement<unknown, string>);
        else throw new ArgumentError(`${what}: value for '${k}' must be a column expression; got ${v.describe()}`);
      } else {
        // SQLAlchemy: a Sequence or server default object is no value ("SQL expression element
        // expected, got Sequence"); `seq.nextValue()` is the expression for a sequence.
        const gen = typeof v === "object" && v !== null ? (v as { defaultGeneratorName?: unknown }).defaultGeneratorName : undefined;
        if (typeof gen === "string") throw new ArgumentError(`SQL expression element expected, got ${gen}`);
        const b = new BindParameter(`${col.key}${suffix}`, v, col.type);
        crudBinds.add(b);
        m.set(col, b);
      }
    }
    return m;
  }
  /** Whether `k` is a column of the target table or of the target alias. */
  private isTargetColumn(k: ColumnClause<unknown, string>): boolean {
    return this.table.columnList.includes(k) || (this.targetAlias !== undefined && k.table === this.targetAlias);
  }
  /** Whether `key` names a column of the target (by key or name, or an attribute of the entity). */
  private hasColumn(key: string): boolean {
    if (this.table.c[key] ?? this.table.columnList.find((x) => x.name === key)) return true;
    if (!this.entity) return false;
    const attr = (this.entity as { _attributeFor?: (k: string) => ColumnElement<unknown, string> | undefined })._attributeFor?.(key);
    return (attr as { column?: unknown } | undefined)?.column instanceof ColumnClause;
  }
  protected keyPrefixes(k: CacheKeyBuilder): void {
    if (this.prefixes.length) k.push("pfx", String(this.prefixes.length), ...this.prefixes.map((p) => `${p.dialect ?? ""}:${p.text}`));
    if (this.unconsumedKeys.length) k.push("unc", String(this.unconsumedKeys.length), ...this.unconsumedKeys);
  }
  /**
   * A values key: a column key or name, or a column object of the target table.
   * @throws ArgumentError for another table's column.
   */
  private columnOf(k: string | ColumnClause<unknown, string>, what: string): ColumnClause<unknown, string> {
    if (typeof k === "string") return this.columnFor(k, what);
    if (!(k instanceof ClauseElement)) throw new ArgumentError(`SET/VALUES column expression or string key expected, got ${describeValue(k)}`);
    // An ORM attribute key (`new Map([[User.name, "x"]])`, a synonym's too) stands for its column,
    // as SQLAlchemy coerces `{User.name: "x"}`; a joined subclass's attribute resolves through the entity.
    const attrColumn = k instanceof ColumnClause ? undefined : (k as { readonly column?: unknown }).column;
    if (attrColumn instanceof ColumnClause) {
      const attrKey = (k as { readonly attrKey?: unknown }).attrKey;
      if (this.entity && typeof attrKey === "string" && this.hasColumn(attrKey) && this.columnFor(attrKey, what) === attrColumn) return attrColumn as ColumnClause<unknown, string>;
      if (this.table.columnList.includes(attrColumn)) return attrColumn as ColumnClause<unknown, string>;
      return this.columnOf(attrColumn as ColumnClause<unknown, string>, what);
    }
    // A column of the target alias stands for its table column.
    if (k instanceof ColumnClause && this.targetAlias !== undefined && k.table === this.targetAlias) return this.columnFor(k.key, what);
    if (!(k instanceof ColumnClause) || !this.table.columnList.includes(k)) {
      throw new ArgumentError(`${what}: ${describeValue(k)} is not a column of table '${this.table.describeName()}'`);
    }
    return k;
  }
  /** The alias target in the cache key: a differently named alias is different SQL. */
  protected keyTarget(k: CacheKeyBuilder): void {
    if (this.targetAlias) k.push("as", this.targetAlias.keyId(k));
  }
  /** CTEs given to {@link addCte}, in order. */
  readonly independentCtes: readonly CTE[] = [];
  /**
   * Render these CTEs in the statement's WITH clause whether or not the statement refers to them
   * (SQLAlchemy's `HasCTE.add_cte()` on DML): `insert(t).values({ z: select(inst.c.id).scalarSubquery() }).addCte(inst)`
   * renders `WITH inst AS (INSERT … RETURNING …) INSERT INTO t …`. Calls accumulate.
   * @throws ArgumentError for an argument that is not a CTE.
   */
  addCte(...ctes: readonly CTE[]): this {
    ctes.forEach((c, i) => {
      if (!(c instanceof CTE)) throw new ArgumentError(`addCte(): argument ${i + 1} must be a CTE; got ${describeValue(c)}`);
    });
    return this.gen((s) => {
      s.independentCtes = [...this.independentCtes, ...ctes];
    });
  }
  protected keyReturningAndExtensions(k: CacheKeyBuilder): void {
    if (this.independentCtes.length) {
      k.push("addcte", String(this.independentCtes.length));
      for (const c of this.independentCtes) c._key(k);
    }
    if (this.returningColumns.length) {
      // sortByParameterOrder decides whether a multi-row VALUES with RETURNING compiles at all.
      k.push("ret", String(this.returningExpanded.length), this.sortByParameterOrder ? "sort" : "");
      for (const c of this.returningExpanded) c._key(k);
    }
    for (const e of this.extensions) e._key(k);
    const plugin = this.annotations.cacheKey;
    if (typeof plugin === "string") k.push("ann", plugin);
    // The sections above are optional: the end mark keeps a DML statement inside a CTE from
    // reading the same as the enclosing statement's sections (a prefix of either).
    k.push(")");
  }
}

/** `INSERT INTO table (…) VALUES (…)` / `… SELECT …`. */
export class Insert<C extends ColumnMap = ColumnMap, R extends readonly unknown[] = [], RN extends object = {}> extends UpdateBase<C, R, RN> {
  readonly kind = "insert";
  /** @throws ArgumentError for an alias target: INSERT has no table alias in SQL. */
  constructor(table: TableClause<C> | DmlTarget<C>) {
    super(table);
    if (this.targetAlias) throw new ArgumentError(`insert() target must be a table; got ${this.targetAlias.describe()}`);
  }
  /**
   * `RETURNING …`: rows typed after the returned columns. Calls accumulate at run time, but the
   * type keeps only the last call's columns: the dialects' `UpsertInsert` (on-conflict.ts)
   * overrides this signature and must accumulate too before this one can.
   */
  override returning<const A extends readonly SelectArg[]>(...cols: A): Insert<C, [...R, ...RowTupleOf<A>], ReturningNames<RN, A>>;
  /** `returning(...cols, { sortByParameterOrder })`: the columns, then {@link ReturningOptions}. */
  override returning<const A extends readonly SelectArg[]>(...args: [...A, ReturningOptions]): Insert<C, [...R, ...RowTupleOf<A>], ReturningNames<RN, A>>;
  override returning(...cols: readonly SelectArg[]): unknown {
    return super.returning(...cols);
  }
  /**
   * One row of values, or several for a multi-row VALUES. Undefined: columns come from execution
   * parameters. Rows after the first may leave out columns of the first row: those take the
   * column's default, as SQLAlchemy's multi-VALUES does.
   */
  readonly valueRows: readonly Map<ColumnClause<unknown, string>, ColumnElement<unknown, string>>[] | undefined = undefined;
  readonly isMultiValues: boolean = false;
  readonly fromSelectColumns: readonly ColumnClause<unknown, string>[] | undefined = undefined;
  readonly fromSelectStmt: SelectBase | FromClause | undefined = undefined;
  /** `fromSelect(…, { includeDefaults })`: add columns with client defaults to the SELECT (default true). */
  readonly includeDefaults: boolean = true;
  /**
   * Set when single-row and multi-row `values()` calls were mixed; SQLAlchemy raises
   * InvalidRequestError when such a statement compiles. @internal
   */
  readonly mixedValueFormats: boolean = false;
  /** The multi-row `values()` input, kept so that a further multi-row call can renumber all rows. */
  /** @internal */
  readonly multiRaw: readonly (Record<string, unknown> | ColumnKeyedValues)[] | undefined = undefined;

  /**
   * `values({ col: value })` for one row, `values([{…}, {…}])` for a multi-row VALUES clause
   * (SQLAlchemy's `Insert.values()`). Calling `values()` again with one row merges the columns; a
   * further list appends its rows. Keys that name no column raise CompileError
   * ("Unconsumed column names: …") when the statement compiles, and mixing a single row with a
   * list raises InvalidRequestError then, as in SQLAlchemy. A Map may be keyed by the table's
   * columns or by mapped ORM attributes (`new Map([[User.name, "x"]])`, SQLAlchemy's
   * `values({User.name: "x"})`).
   * @throws InvalidRequestError when the statement already inserts from a SELECT.
   * @throws ArgumentError for a Map key that is not a column (or mapped attribute) of the target.
   */
  values(rows: ValuesOf<C> | ColumnKeyedValues | ExpressionKeyedValues | readonly (ValuesOf<C> | ColumnKeyedValues | ExpressionKeyedValues)[]): this;
  /**
   * One row by position (SQLAlchemy's `values((3, "jack", "d"))`): values for the table's
   * columns in table order; a shorter row names only the first columns, extra values are
   * ignored (Python's `zip`, as SQLAlchemy).
   */
  values(row: PositionalRow): this;
  /** Several rows by position: a multi-row VALUES (SQLAlchemy's `values([(1, "a"), (2, "b")])`). */
  values(rows: readonly PositionalRow[]): this;
  values(rows: ValuesOf<C> | ColumnKeyedValues | ExpressionKeyedValues | readonly (ValuesOf<C> | ColumnKeyedValues | ExpressionKeyedValues)[] | PositionalRow | readonly PositionalRow[]): this {
    if (this.fromSelectStmt) throw new InvalidRequestError("This construct already inserts from a SELECT");
    if (Array.isArray(rows) && rows.length > 0 && !isRowObject(rows[0])) {
      // As SQLAlchemy: a list whose first element is itself a sequence is several positional rows.
      if (Array.isArray(rows[0])) return this.values((rows as readonly PositionalRow[]).map((r) => this.positionalRow(r)) as never);
      return this.values(this.positionalRow(rows as PositionalRow) as never);
    }
    const unconsumed = [...this.unconsumedKeys];
    if (Array.isArray(rows)) {
      if (rows.length === 0) {
        // SQLAlchemy: an empty collection is an empty row, filled by a later values() call.
        return this.valueRows ? this : this.gen((s) => {
          s.valueRows = [new Map()];
        });
      }
      const raw = [...(this.multiRaw ?? []), ...(rows as readonly (Record<string, unknown> | ColumnKeyedValues)[])];
      const multi = raw.length > 1;
      const maps = raw.map((r, i) => this.normalizeValues(r as Record<string, unknown> | ColumnKeyedValues, "insert().values()", multi ? `_m${i}` : "", unconsumed));
      const mixed = this.mixedValueFormats || (this.valueRows !== undefined && this.multiRaw === undefined && this.valueRows[0].size > 0);
      return this.gen((s) => {
        s.valueRows = maps;
        s.isMultiValues = multi;
        s.multiRaw = raw;
        s.unconsumedKeys = unconsumed;
        s.mixedValueFormats = mixed;
      });
    }
    const m = this.normalizeValues(rows as Record<string, unknown> | ColumnKeyedValues, "insert().values()", "", unconsumed);
    return this.gen((s) => {
      s.unconsumedKeys = unconsumed;
      if (this.multiRaw !== undefined) {
        if (m.size > 0) s.mixedValueFormats = true;
        return;
      }
      if (this.valueRows) s.valueRows = [new Map([...this.valueRows[0], ...m])];
      else s.valueRows = [m];
      s.isMultiValues = false;
    });
  }
  /** A positional row as a Map keyed by the table's columns, zipped in table order. */
  private positionalRow(row: PositionalRow): ColumnKeyedValues {
    if (!Array.isArray(row)) throw new ArgumentError(`insert().values(): a positional row must be an array; got ${describeValue(row)}`);
    const cols = this.table.columnList;
    return new Map(row.slice(0, cols.length).map((v, i) => [cols[i], v] as const));
  }
  /**
   * `INSERT INTO t (cols) SELECT …` (SQLAlchemy's `Insert.from_select()`). A table or other FROM
   * selects all its columns. Columns of the table with client-side defaults (and sequences) that
   * are not named are added to the SELECT unless `includeDefaults: false`.
   * @throws InvalidRequestError when `values()` was already called.
   */
  fromSelect(columns: readonly (string | ColumnClause<unknown, string>)[], stmt: SelectBase | FromClause, opts: { readonly includeDefaults?: boolean } = {}): this {
    if (this.valueRows) throw new InvalidRequestError("This construct already inserts value expressions");
    const cols = columns.map((c) => (typeof c === "string" ? this.columnFor(c, "fromSelect()") : c));
    if (stmt instanceof SelectBase && stmt.selectedColumns.length !== cols.length) {
      throw new ArgumentError(`fromSelect(): ${cols.length} columns but the SELECT returns ${stmt.selectedColumns.length}`);
    }
    return this.gen((s) => {
      s.fromSelectColumns = cols;
      s.fromSelectStmt = stmt;
      s.includeDefaults = opts.includeDefaults ?? true;
    });
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitInsert(this as unknown as AnyInsert, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("insert", this.table.keyId(k));
    if (this.valueRows) {
      k.push(this.isMultiValues ? "mv" : "v", String(this.valueRows.length));
      for (const row of this.valueRows) {
        k.push(String(row.size));
        for (const [col, v] of row) {
          k.push(col.key);
          v._key(k);
        }
      }
    }
    if (this.fromSelectStmt) {
      k.push("fs", this.includeDefaults ? "d" : "", String(this.fromSelectColumns!.length), ...this.fromSelectColumns!.map((c) => c.key));
      this.fromSelectStmt._key(k);
    }
    if (this.mixedValueFormats) k.push("mixed");
    this.keyPrefixes(k);
    this.keyReturningAndExtensions(k);
  }
}

/**
 * The value of a column's client-side default as a bound parameter, evaluated per row at
 * execution: the element INSERT … FROM SELECT adds to the SELECT for such a column
 * (SQLAlchemy renders `:foo AS anon_1`). @internal
 */
export class InsertDefaultValue extends ColumnElement<unknown, string> {
  readonly kind = "insertDefaultValue";
  private readonly bind: BindParameter<unknown, string>;
  constructor(readonly column: ColumnClause<unknown, string>) {
    super();
    this.bind = new BindParameter(column.key, undefined, column.type, { required: false });
  }
  get type(): TypeEngine<unknown> {
    return this.column.type;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitBindParam(this.bind, kw, { column: this.column as never, source: "default" });
  }
  _key(k: CacheKeyBuilder): void {
    k.push("insdefault", this.column.key);
  }
}

/** Shared by UPDATE and DELETE: WHERE criteria. */
abstract class DmlWhereBase<C extends ColumnMap, R extends readonly unknown[], RN extends object> extends UpdateBase<C, R, RN> {
  readonly whereCriteria: readonly ClauseElement[] = [];
  /** Add WHERE criteria (AND). Criteria naming other tables produce UPDATE … FROM / DELETE … USING. */
  where<const A extends readonly Condition[]>(...criteria: CheckedConditions<A>): this {
    const cs = criteria.map((c) => coerceWhereClause(c, "where"));
    return this.gen((s) => {
      s.whereCriteria = [...this.whereCriteria, ...cs];
    });
  }
  /** Alias of `where`. */
  filter(...criteria: Condition[]): this {
    return this.where(...criteria);
  }
  /**
   * `filterBy({ name: "x" })`: equality criteria (AND) by attribute or column key, looked up in
   * every entity of the statement's FROM — its target, then the tables its WHERE criteria name
   * (SQLAlchemy 2.1's `DMLWhereBase.filter_by()`).
   * @throws AmbiguousColumnError when more than one of them has the key;
   *   InvalidRequestError when none has it.
   */
  filterBy(criteria: Readonly<Record<string, unknown>>): this {
    const entities = this.filterByEntities();
    const conds = Object.entries(criteria).map(([key, value]) => searchEntities(entities, key).eq(value));
    return conds.length ? this.filter(...conds) : this;
  }
  private filterByEntities(): FilterByEntity[] {
    const out: FilterByEntity[] = [];
    const seen = new Set<FromClause>();
    const add = (table: FromClause, lookup: (key: string) => ColumnElement<unknown, string> | undefined): void => {
      if (seen.has(table)) return;
      seen.add(table);
      out.push({ name: String((table as { name?: unknown }).name ?? table.describe()), lookup });
    };
    const target = this.entity as { _attributeFor?: (k: string) => ColumnElement<unknown, string> | undefined } | undefined;
    const table = this.targetAlias ?? this.table;
    add(this.table, (k) => target?._attributeFor?.(k) ?? table.c[k]);
    for (const w of this.whereCriteria) collectEntities(w, add);
    return out;
  }
  protected keyWhere(k: CacheKeyBuilder): void {
    if (this.whereCriteria.length) {
      k.push("where");
      for (const w of this.whereCriteria) w._key(k);
    }
  }
}

/** One entity `filterBy()` searches: its name for messages, and its attribute or column by key. */
interface FilterByEntity {
  readonly name: string;
  readonly lookup: (key: string) => ColumnElement<unknown, string> | undefined;
}

/**
 * The entities a WHERE clause refers to, in order of appearance: a mapped attribute's class
 * (looked up by attribute key) or a column's table (by column key). Subqueries are not entered.
 */
function collectEntities(e: ClauseElement, add: (table: FromClause, lookup: (key: string) => ColumnElement<unknown, string> | undefined) => void): void {
  const attr = e as unknown as { readonly kind?: string; readonly column?: unknown; readonly entity?: { _attributeFor?: (k: string) => ColumnElement<unknown, string> | undefined } };
  if (attr.kind === "ormAttribute" && attr.column instanceof ColumnClause && attr.column.table) {
    const table = attr.column.table;
    const ns = attr.entity;
    add(table, (k) => ns?._attributeFor?.(k) ?? table.c[k]);
    return;
  }
  if (e instanceof ColumnClause) {
    const table = e.table;
    if (table) add(table, (k) => table.c[k]);
    return;
  }
  if (e instanceof SelectBase) return;
  const v = e as unknown as Record<string, unknown>;
  for (const key of ["left", "right", "element", "func", "criterion", "value", "else_"]) {
    const child = v[key];
    if (child instanceof ClauseElement) collectEntities(child, add);
  }
  for (const key of ["clauses", "args"]) {
    const list = v[key];
    if (Array.isArray(list)) for (const c of list) if (c instanceof ClauseElement) collectEntities(c, add);
  }
}

/** "a, b, c" or "a, b, c, ... (5 total)", as SQLAlchemy names the searched entities. */
function describeEntities(entities: readonly FilterByEntity[]): string {
  const names = entities.slice(0, 3).map((x) => x.name).join(", ");
  return entities.length > 3 ? `${names}, ... (${entities.length} total)` : names;
}

function searchEntities(entities: readonly FilterByEntity[], key: string): ColumnElement<unknown, string> {
  let match: ColumnElement<unknown, string> | undefined;
  for (const ent of entities) {
    const found = ent.lookup(key);
    if (found === undefined) continue;
    if (match !== undefined) {
      throw new AmbiguousColumnError(
        `Attribute name "${key}" is ambiguous; it exists in multiple FROM clause entities (${describeEntities(entities)}). Use filter() with explicit column references instead of filter_by().`,
      );
    }
    match = found;
  }
  if (match === undefined) throw new InvalidRequestError(`None of the FROM clause entities have a property "${key}". Searched entities: ${describeEntities(entities)}`);
  return match;
}

/**
 * A `filterBy()` key names an attribute of more than one entity of the statement (SQLAlchemy's
 * `AmbiguousColumnError`, a subclass of InvalidRequestError).
 */
export class AmbiguousColumnError extends InvalidRequestError {
  override name = "AmbiguousColumnError";
}

/** `UPDATE table SET … WHERE …`. */
export class Update<C extends ColumnMap = ColumnMap, R extends readonly unknown[] = [], RN extends object = {}> extends DmlWhereBase<C, R, RN> {
  readonly kind = "update";
  /** `RETURNING …`: rows typed after the returned columns; calls accumulate (`[...R, ...A]`). */
  override returning<const A extends readonly SelectArg[]>(...cols: A): Update<C, [...R, ...RowTupleOf<A>], ReturningNames<RN, A>> {
    return super.returning(...cols) as unknown as Update<C, [...R, ...RowTupleOf<A>], ReturningNames<RN, A>>;
  }
  readonly setValues: ReadonlyMap<ColumnClause<unknown, string>, ColumnElement<unknown, string>> | undefined = undefined;
  /** Render SET in this column order (SQLAlchemy's `ordered_values`). */
  readonly preserveParameterOrder: boolean = false;
  /**
   * Set when `values()` was given a list of rows: SQLAlchemy raises InvalidRequestError ("UPDATE
   * construct does not support multiple parameter sets.") when such a statement compiles. @internal
   */
  readonly multipleParameterSets: boolean = false;
  /**
   * Tables (described) whose columns were given to `values()`: SQLAlchemy raises CompileError
   * when compiling, as no supported backend can SET another table's columns. @internal
   */
  readonly extraSetTables: readonly string[] = [];
  /**
   * `values({ col: value | expression })`: the SET clause; a Map keyed by the table's column
   * objects, or by an ORM entity's attributes (`new Map([[User.age, User.age.add(1)]])`, a
   * synonym standing for its column), also works. Keys naming no column raise CompileError when the statement compiles.
   * A Map key may also be an expression of the target's columns (SQLAlchemy's "update to
   * expression", e.g. an ARRAY element `t.c.data.at(5)`): it renders unqualified as the SET
   * target, after the columns, with a plain value bound as an anonymous parameter typed like the
   * key (`SET data[$1]=$2`). Values naming another table's columns add that table to
   * `UPDATE … FROM`, as SQLAlchemy does for WHERE criteria.
   * @throws InvalidRequestError after `orderedValues()` ("This statement already has ordered values present").
   * @throws ArgumentError for a Map key that is neither a string nor a SQL expression
   *   ("SET/VALUES column expression or string key expected, got …").
   */
  values(vals: ValuesOf<C> | ColumnKeyedValues | ExpressionKeyedValues): this {
    if (this.preserveParameterOrder) throw new InvalidRequestError("This statement already has ordered values present");
    if (Array.isArray(vals)) {
      return this.gen((s) => {
        s.multipleParameterSets = true;
      });
    }
    const unconsumed = [...this.unconsumedKeys];
    const extra = [...this.extraSetTables];
    let exprs = this.setExpressions;
    if (vals instanceof Map) {
      // Keys that are expressions rather than columns (an ARRAY element) SET that expression.
      const rest = new Map<unknown, unknown>();
      const added: [ColumnElement<unknown, string>, ColumnElement<unknown, string>][] = [];
      for (const [k, v] of vals as ReadonlyMap<unknown, unknown>) {
        if (isSetExpressionKey(k)) {
          if (v === undefined) continue;
          added.push([k, v instanceof ClauseElement ? coerceSetValue(v, "update().values()") : new BindParameter("param", v, k.type, { unique: true })]);
        } else rest.set(k, v);
      }
      if (added.length) {
        exprs = [...exprs.filter(([k]) => !added.some(([a]) => a === k)), ...added];
        vals = rest as ColumnKeyedValues;
      }
    }
    const m = this.normalizeValues(vals as Record<string, unknown> | ColumnKeyedValues, "update().values()", "", unconsumed, extra);
    return this.gen((s) => {
      s.setValues = new Map([...(this.setValues ?? []), ...m]);
      s.setExpressions = exprs;
      s.unconsumedKeys = unconsumed;
      s.extraSetTables = extra;
    });
  }
  /**
   * SET entries whose target is an expression of the table's columns rather than a column (an
   * ARRAY element), in the order given; they render after the columns. @internal
   */
  readonly setExpressions: readonly (readonly [ColumnElement<unknown, string>, ColumnElement<unknown, string>])[] = [];
  /**
   * SET columns in the given order (SQLAlchemy's `ordered_values()`); keys are column keys,
   * column objects or expressions (see {@link values}); expression targets keep their order
   * after the columns.
   * @throws ArgumentError when ordered values are already present.
   */
  orderedValues(...pairs: [string | ColumnElement<unknown, string>, unknown][]): this {
    if (this.preserveParameterOrder) throw new ArgumentError("This statement already has ordered values present");
    const m = new Map<string | ColumnElement<unknown, string>, unknown>(pairs);
    return this.values(m as unknown as ColumnKeyedValues).gen((s) => {
      s.preserveParameterOrder = true;
    });
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitUpdate(this as unknown as AnyUpdate, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("update", this.table.keyId(k));
    this.keyTarget(k);
    if (this.preserveParameterOrder) k.push("ordered");
    if (this.multipleParameterSets) k.push("multi");
    if (this.extraSetTables.length) k.push("xset", String(this.extraSetTables.length), ...this.extraSetTables);
    if (this.setValues) {
      k.push("set", String(this.setValues.size));
      for (const [col, v] of this.setValues) {
        k.push(col.key);
        v._key(k);
      }
    }
    if (this.setExpressions.length) {
      k.push("setx", String(this.setExpressions.length));
      for (const [e, v] of this.setExpressions) {
        e._key(k);
        v._key(k);
      }
    }
    this.keyWhere(k);
    this.keyPrefixes(k);
    this.keyReturningAndExtensions(k);
  }
}

/** `DELETE FROM table WHERE …`. */
export class Delete<C extends ColumnMap = ColumnMap, R extends readonly unknown[] = [], RN extends object = {}> extends DmlWhereBase<C, R, RN> {
  readonly kind = "delete";
  /** `RETURNING …`: rows typed after the returned columns; calls accumulate (`[...R, ...A]`). */
  override returning<const A extends readonly SelectArg[]>(...cols: A): Delete<C, [...R, ...RowTupleOf<A>], ReturningNames<RN, A>> {
    return super.returning(...cols) as unknown as Delete<C, [...R, ...RowTupleOf<A>], ReturningNames<RN, A>>;
  }
  /** FROM elements given to {@link using}, in order. */
  readonly usingFroms: readonly FromClause[] = [];
  /**
   * Name other FROM elements of a multi-table DELETE explicitly (SQLAlchemy 2.1's
   * `Delete.using()`): PostgreSQL renders `DELETE FROM t USING a, b …`, before the tables the
   * WHERE criteria add; an element already covering a table the WHERE names (a join) keeps that
   * table from being listed twice. Calls accumulate. SQLite has no multi-table DELETE: compiling
   * there raises CompileError.
   * @throws ArgumentError for an argument that is not a FROM element (table, alias, join, subquery, entity).
   */
  using(...froms: readonly (FromClause | DmlTarget)[]): this {
    const fs = froms.map((f) => coerceFrom(f, "using()"));
    return this.gen((s) => {
      s.usingFroms = [...this.usingFroms, ...fs];
    });
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitDelete(this as unknown as AnyDelete, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("delete", this.table.keyId(k));
    this.keyTarget(k);
    if (this.usingFroms.length) {
      k.push("using");
      for (const f of this.usingFroms) f._key(k);
    }
    this.keyWhere(k);
    this.keyPrefixes(k);
    this.keyReturningAndExtensions(k);
  }
}

/**
 * The value an INSERT or UPDATE gives another column of its target, in place of that column
 * (SQLAlchemy 2.1's `from_dml_column()`, the element `DMLTargetCopy`): made by {@link fromDmlColumn}.
 */
export class FromDmlColumn<T = unknown> extends ColumnElement<T, string> {
  readonly kind = "fromDmlColumn";
  constructor(readonly column: ColumnClause<T, string>) {
    super();
  }
  get type(): TypeEngine<T> {
    return this.column.type as TypeEngine<T>;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitFromDmlColumn(this as FromDmlColumn, kw);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("fromdml");
    this.column._key(k);
  }
}

/**
 * Refer to the value an INSERT or UPDATE statement gives `column` (SQLAlchemy 2.1's
 * `from_dml_column()`): `insert(t).values({ x: func.foo(3), y: fromDmlColumn(t.c.x).add(5) })`
 * renders `VALUES (foo(:foo_1), (foo(:foo_1) + :param_1))`. The referenced value is the one
 * given in `values()` (a bound value renders the same parameter again), else the column's
 * SQL-expression default (INSERT) or onupdate (UPDATE). In an UPDATE a column without a new
 * value renders as itself (`SET description=mytable.name`).
 * Compiling raises CompileError for an INSERT column with no such value ("Can't resolve
 * referenced column name in INSERT statement: 'name'"), and outside the VALUES/SET of an INSERT
 * or UPDATE ("DML target objects may only be used with compiled INSERT or UPDATE statements").
 * @throws ArgumentError when `column` is not a column.
 */
export function fromDmlColumn<T>(column: ColumnClause<T, string>): FromDmlColumn<T> {
  if (!(column instanceof ColumnClause)) throw new ArgumentError(`fromDmlColumn() takes a table column; got ${describeValue(column)}`);
  return new FromDmlColumn(column);
}

/** Any INSERT, whatever its RETURNING shape. */
export type AnyInsert = Insert<ColumnMap, readonly unknown[], object>;
/** Any UPDATE. */
export type AnyUpdate = Update<ColumnMap, readonly unknown[], object>;
/** Any DELETE. */
export type AnyDelete = Delete<ColumnMap, readonly unknown[], object>;
/** Any DML statement. */
export type AnyDml = UpdateBase<ColumnMap, readonly unknown[], object>;

/** `insert(table)`: an INSERT statement. */
export function insert<C extends ColumnMap>(table: TableClause<C> | DmlTarget<C>): Insert<C> {
  return new Insert<C>(table);
}
/** `update(table)`: an UPDATE statement; `update(table.alias("t1"))` renders `UPDATE table AS t1`. */
export function update<C extends ColumnMap>(table: TableClause<C> | Alias<C> | DmlTarget<C>): Update<C> {
  return new Update<C>(table);
}
/**
 * `delete_(table)` (also exported as `delete` from the package root): a DELETE statement;
 * `delete_(table.alias("t1"))` renders `DELETE FROM table AS t1`.
 */
export function delete_<C extends ColumnMap>(table: TableClause<C> | Alias<C> | DmlTarget<C>): Delete<C> {
  return new Delete<C>(table);
}

/**
 * `INSERT … ON CONFLICT` (upsert), shared by PostgreSQL and SQLite, which spell it almost the
 * same way (SQLAlchemy's `postgresql.insert().on_conflict_do_update()` and the SQLite twin).
 * @module
 */
import { ArgumentError, CompileError, InvalidRequestError } from "../errors.js";
import { BindParameter, ClauseElement, coerceWhereClause, ColumnElement, type Condition } from "../sql/elements.js";
import { ColumnClause } from "../sql/column.js";
import { Alias, SelectBase, type ColumnMap, type RowNamesOf, type RowTupleOf, type SelectArg } from "../sql/selectable.js";
import { Insert, type DmlExtension, type ReturningNames, type ReturningOptions, type ValuesOf } from "../sql/dml.js";
import type { CacheKeyBuilder } from "../sql/cache-key.js";
import { Constraint, Index } from "../sql/schema.js";
import type { CompileKw, SQLCompiler } from "../sql/compiler.js";
import { fitName } from "../sql/ddl.js";

/** Options of `onConflictDoNothing()`. */
export interface OnConflictDoNothingOptions {
  /** Conflict target: columns (or their keys) of a unique index. */
  readonly indexElements?: readonly (string | ColumnClause<unknown, string>)[];
  /** Partial-index predicate for the conflict target. */
  readonly indexWhere?: Condition;
  /**
   * The constraint (`ON CONFLICT ON CONSTRAINT name`, PostgreSQL only) by name or as a named
   * Constraint object; an unnamed constraint and any Index stand for their columns (and the
   * index's WHERE), as SQLAlchemy's `constraint=`.
   * Mutually exclusive with `indexElements`.
   */
  readonly constraint?: string | Constraint | Index;
}
/** Options of `onConflictDoUpdate()`. */
export interface OnConflictDoUpdateOptions<C extends ColumnMap> extends OnConflictDoNothingOptions {
  /**
   * SET values: JS values (bound), or expressions such as `stmt.excluded.name`; keyed by column
   * key, or a Map keyed by the table's columns. `stmt.excluded` itself sets every column from
   * the proposed row (SQLAlchemy's `set_=stmt.excluded`).
   */
  readonly set: ValuesOf<C> | ReadonlyMap<ColumnClause<unknown, string>, unknown>;
  /** `DO UPDATE … WHERE` condition. */
  readonly where?: Condition;
}

/** The ON CONFLICT clause attached to an INSERT. */
export class OnConflictClause extends ClauseElement implements DmlExtension {
  readonly kind = "onConflict";
  readonly extensionKind = "onConflict";
  constructor(
    readonly indexElements: readonly ColumnClause<unknown, string>[] | undefined,
    readonly indexWhere: ClauseElement | undefined,
    readonly constraint: string | undefined,
    readonly set: ReadonlyMap<ColumnClause<unknown, string>, ColumnElement<unknown, string>> | undefined,
    readonly where: ClauseElement | undefined,
    /** The constraint's name is a naming-convention (or `conv()`) name, cut to fit as DDL cuts it. */
    readonly constraintIsConv = false,
  ) {
    super();
  }
  _compile(c: SQLCompiler, _kw: CompileKw): string {
    let s = "ON CONFLICT";
    if (this.constraint !== undefined && c.dialect.name === "sqlite") {
      throw new CompileError("ON CONFLICT ON CONSTRAINT is PostgreSQL only; on SQLite give indexElements");
    }
    // A long convention name is truncated as CREATE TABLE truncated it (SQLAlchemy #6755).
    if (this.constraint !== undefined) s += ` ON CONSTRAINT ${c.quoteIdentifier(this.constraintIsConv ? fitName(c, this.constraint, true) : this.constraint)}`;
    else if (this.indexElements) {
      s += ` (${this.indexElements.map((e) => c.quoteIdentifier(e.name)).join(", ")})`;
      // The index predicate names columns without their table, as in CREATE INDEX … WHERE.
      if (this.indexWhere) s += ` WHERE ${c.process(this.indexWhere, { unqualified: true })}`;
    }
    if (!this.set) return `${s} DO NOTHING`;
    const sets = [...this.set].map(([col, v]) => `${c.quoteIdentifier(col.name)} = ${c.processDmlValue(v)}`);
    s += ` DO UPDATE SET ${sets.join(", ")}`;
    if (this.where) s += ` WHERE ${c.process(this.where, {})}`;
    return s;
  }
  _key(k: CacheKeyBuilder): void {
    // Counts and presence flags: `(a, flag)` and `(a) WHERE flag` must not read alike.
    k.push(
      "onconflict", this.constraint === undefined ? "" : `c${this.constraintIsConv ? "v" : ""}:${this.constraint}`, this.set ? `u${this.set.size}` : "n",
      this.indexElements ? String(this.indexElements.length) : "", this.indexWhere ? "iw" : "", this.where ? "w" : "",
    );
    for (const e of this.indexElements ?? []) e._key(k);
    this.indexWhere?._key(k);
    for (const [col, v] of this.set ?? []) {
      k.push(col.key);
      v._key(k);
    }
    this.where?._key(k);
  }
}

/** An INSERT with ON CONFLICT support and the `excluded` pseudo-table. */
export class UpsertInsert<C extends ColumnMap = ColumnMap, R extends readonly unknown[] = [], RN extends object = {}> extends Insert<C, R, RN> {
  private _excluded?: Alias<C>;
  /** `RETURNING …`: rows typed after the returned columns. */
  override returning<const A extends readonly SelectArg[]>(...cols: A): UpsertInsert<C, [...R, ...RowTupleOf<A>], ReturningNames<RN, A>>;
  /** `returning(...cols, { sortByParameterOrder })`: the columns, then the options. */
  override returning<const A extends readonly SelectArg[]>(...args: [...A, ReturningOptions]): UpsertInsert<C, [...R, ...RowTupleOf<A>], ReturningNames<RN, A>>;
  override returning(...cols: readonly SelectArg[]): unknown {
    return super.returning(...cols);
  }
  /** The row proposed for insertion: `stmt.excluded.name` renders `excluded.name`. */
  get excluded(): C {
    return (this._excluded ??= new Alias<C>(this.table, "excluded", "alias")).c;
  }
  /**
   * `ON CONFLICT [target] DO NOTHING`.
   * @throws ArgumentError when both `constraint` and `indexElements` are given.
   */
  onConflictDoNothing(opts: OnConflictDoNothingOptions = {}): this {
    this.checkNoOnConflict();
    return this.withExtension(this.buildClause(opts, undefined, undefined));
  }
  /**
   * `ON CONFLICT target DO UPDATE SET … [WHERE …]` (SQLAlchemy's `on_conflict_do_update()`).
   * @throws ArgumentError without a target (`indexElements` or `constraint`, not both) or with an
   *   empty `set`; the messages are SQLAlchemy's.
   */
  onConflictDoUpdate(opts: OnConflictDoUpdateOptions<C>): this {
    this.checkNoOnConflict();
    const base = this.resolveTarget(opts);
    if (!base.indexElements && base.constraint === undefined) {
      throw new ArgumentError("Either constraint or index_elements, but not both, must be specified unless DO NOTHING");
    }
    const given = opts.set as unknown;
    if (typeof given !== "object" || given === null) {
      throw new ArgumentError("set parameter must be a non-empty dictionary or a ColumnCollection such as the `.c.` collection of a Table object");
    }
    const entries: [string | ColumnClause<unknown, string>, unknown][] = given instanceof Map ? [...given] : Object.entries(given);
    if (entries.length === 0) throw new ArgumentError("set parameter dictionary must not be empty");
    const set = new Map<ColumnClause<unknown, string>, ColumnElement<unknown, string>>();
    for (const [k, v] of entries) {
      if (v === undefined) continue;
      const col = typeof k === "string" ? this.columnFor(k, "onConflictDoUpdate({ set })") : this.columnFor(k.key, "onConflictDoUpdate({ set })");
      if (v instanceof SelectBase) set.set(col, v.scalarSubquery());
      else if (v instanceof ColumnElement) set.set(col, v);
      else if (v instanceof ClauseElement) throw new ArgumentError(`onConflictDoUpdate(): value for '${typeof k === "string" ? k : k.key}' is not a column expression`);
      else set.set(col, new BindParameter("param", v, col.type, { unique: true }));
    }
    const where = opts.where === undefined ? undefined : coerceWhereClause(opts.where, "onConflictDoUpdate");
    return this.withExtension(this.buildClause(opts, set, where));
  }
  /** SQLAlchemy allows one ON CONFLICT clause per statement. */
  private checkNoOnConflict(): void {
    if (this.extensions.some((e) => e.extensionKind === "onConflict")) {
      throw new InvalidRequestError("This Insert construct already has an ON CONFLICT clause established");
    }
  }
  /** The conflict target: a Constraint gives its name, an Index its columns and WHERE. */
  private resolveTarget(opts: OnConflictDoNothingOptions): { indexElements?: OnConflictDoNothingOptions["indexElements"]; indexWhere?: Condition; constraint?: string; constraintIsConv?: boolean } {
    let { indexElements, indexWhere } = opts;
    let constraint: string | undefined;
    let constraintIsConv = false;
    const c = opts.constraint;
    if (c !== undefined) {
      if (indexElements !== undefined) throw new ArgumentError("'constraint' and 'index_elements' are mutually exclusive");
      // As SQLAlchemy: an Index (named or not) stands for its columns and WHERE; a named
      // constraint is targeted by name, an unnamed one (a table's primary key) by its columns.
      if (typeof c === "string") constraint = c;
      else if (c instanceof Index) {
        indexElements = c.expressions as never;
        indexWhere = c.where as never;
      } else if (c.name) {
        constraint = c.name;
        constraintIsConv = c.nameIsConv;
      }
      else {
        const cols = (c as { columns?: readonly ColumnClause<unknown, string>[] }).columns;
        if (!cols) throw new ArgumentError("onConflict({ constraint }): an unnamed constraint needs columns; give indexElements instead");
        indexElements = cols;
      }
    }
    return { ...(indexElements ? { indexElements } : {}), ...(indexWhere !== undefined ? { indexWhere } : {}), ...(constraint !== undefined ? { constraint, constraintIsConv } : {}) };
  }
  private buildClause(opts: OnConflictDoNothingOptions, set: OnConflictClause["set"], where: ClauseElement | undefined): OnConflictClause {
    const t = this.resolveTarget(opts);
    const elements = t.indexElements?.map((e) => (typeof e === "string" ? this.columnFor(e, "onConflict({ indexElements })") : e));
    const iw = t.indexWhere === undefined ? undefined : coerceWhereClause(t.indexWhere, "onConflict({ indexWhere })");
    return new OnConflictClause(elements, iw, t.constraint, set, where, t.constraintIsConv === true);
  }
}

/**
 * `INSERT … ON CONFLICT` (upsert), shared by PostgreSQL and SQLite, which spell it almost the
 * same way (SQLAlchemy's `postgresql.insert().on_conflict_do_update()` and the SQLite twin).
 * @module
 */
import { ArgumentError, CompileError } from "../errors.js";
import { BindParameter, ClauseElement, coerceWhereClause, ColumnElement, type Condition } from "../sql/elements.js";
import { ColumnClause } from "../sql/column.js";
import { Alias, SelectBase, type ColumnMap, type RowNamesOf, type RowTupleOf, type SelectArg } from "../sql/selectable.js";
import { Insert, type DmlExtension, type ReturningNames, type ValuesOf } from "../sql/dml.js";
import type { CacheKeyBuilder } from "../sql/cache-key.js";
import type { CompileKw, SQLCompiler } from "../sql/compiler.js";

/** Options of `onConflictDoNothing()`. */
export interface OnConflictDoNothingOptions {
  /** Conflict target: columns (or their keys) of a unique index. */
  readonly indexElements?: readonly (string | ColumnClause<unknown, string>)[];
  /** Partial-index predicate for the conflict target. */
  readonly indexWhere?: Condition;
  /** PostgreSQL only: the name of the constraint (`ON CONFLICT ON CONSTRAINT name`). */
  readonly constraint?: string;
}
/** Options of `onConflictDoUpdate()`. */
export interface OnConflictDoUpdateOptions<C extends ColumnMap> extends OnConflictDoNothingOptions {
  /** SET values: JS values (bound), or expressions such as `stmt.excluded.name`. */
  readonly set: ValuesOf<C>;
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
  ) {
    super();
  }
  _compile(c: SQLCompiler, _kw: CompileKw): string {
    let s = "ON CONFLICT";
    if (this.constraint !== undefined && c.dialect.name === "sqlite") {
      throw new CompileError("ON CONFLICT ON CONSTRAINT is PostgreSQL only; on SQLite give indexElements");
    }
    if (this.constraint !== undefined) s += ` ON CONSTRAINT ${c.quoteIdentifier(this.constraint)}`;
    else if (this.indexElements) {
      s += ` (${this.indexElements.map((e) => c.quoteIdentifier(e.name)).join(", ")})`;
      if (this.indexWhere) s += ` WHERE ${c.process(this.indexWhere, {})}`;
    }
    if (!this.set) return `${s} DO NOTHING`;
    const sets = [...this.set].map(([col, v]) => `${c.quoteIdentifier(col.name)} = ${c.processDmlValue(v)}`);
    s += ` DO UPDATE SET ${sets.join(", ")}`;
    if (this.where) s += ` WHERE ${c.process(this.where, {})}`;
    return s;
  }
  _key(k: CacheKeyBuilder): void {
    k.push("onconflict", this.constraint ?? "", this.set ? "u" : "n");
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
  override returning<const A extends readonly SelectArg[]>(...cols: A): UpsertInsert<C, [...R, ...RowTupleOf<A>], ReturningNames<RN, A>> {
    return super.returning(...cols) as unknown as UpsertInsert<C, [...R, ...RowTupleOf<A>], ReturningNames<RN, A>>;
  }
  /** The row proposed for insertion: `stmt.excluded.name` renders `excluded.name`. */
  get excluded(): C {
    return (this._excluded ??= new Alias<C>(this.table, "excluded", "alias")).c;
  }
  /** `ON CONFLICT [target] DO NOTHING`. */
  onConflictDoNothing(opts: OnConflictDoNothingOptions = {}): this {
    return this.withExtension(this.buildClause(opts, undefined, undefined));
  }
  /** `ON CONFLICT target DO UPDATE SET … [WHERE …]`; a target (indexElements or constraint) is required. */
  onConflictDoUpdate(opts: OnConflictDoUpdateOptions<C>): this {
    if (!opts.indexElements && opts.constraint === undefined) {
      throw new ArgumentError("onConflictDoUpdate() needs a conflict target: indexElements or constraint");
    }
    if (!opts.set || Object.keys(opts.set).length === 0) throw new ArgumentError("onConflictDoUpdate() needs a non-empty 'set'");
    const set = new Map<ColumnClause<unknown, string>, ColumnElement<unknown, string>>();
    for (const [k, v] of Object.entries(opts.set)) {
      if (v === undefined) continue;
      const col = this.columnFor(k, "onConflictDoUpdate({ set })");
      if (v instanceof SelectBase) set.set(col, v.scalarSubquery());
      else if (v instanceof ColumnElement) set.set(col, v);
      else if (v instanceof ClauseElement) throw new ArgumentError(`onConflictDoUpdate(): value for '${k}' is not a column expression`);
      else set.set(col, new BindParameter("param", v, col.type, { unique: true }));
    }
    const where = opts.where === undefined ? undefined : coerceWhereClause(opts.where, "onConflictDoUpdate");
    return this.withExtension(this.buildClause(opts, set, where));
  }
  private buildClause(opts: OnConflictDoNothingOptions, set: OnConflictClause["set"], where: ClauseElement | undefined): OnConflictClause {
    const elements = opts.indexElements?.map((e) => (typeof e === "string" ? this.columnFor(e, "onConflict({ indexElements })") : e));
    const iw = opts.indexWhere === undefined ? undefined : coerceWhereClause(opts.indexWhere, "onConflict({ indexWhere })");
    return new OnConflictClause(elements, iw, opts.constraint, set, where);
  }
}

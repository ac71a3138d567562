/**
 * `Result`: a buffered result (every row already fetched), following SQLAlchemy 1.4/2.0's
 * "new Result object": `all()`, `first()`, `one()`, `oneOrNone()`, `scalar()`, `scalars()`,
 * `mappings()`, `columns()`, `unique()`, `partitions()`, `fetch*()`, iteration and context
 * management (`using`). All methods are synchronous.
 * @module
 */
import { InvalidRequestError } from "../../errors.js";
import type { ColumnElement } from "../../sql/elements.js";
import { ArraySource } from "./array-source.js";
import type { ColumnRef, ColumnValue, PickColumns, PickNamed } from "./columns-types.js";
import { MappingResult } from "./mapping-result.js";
import { frozenMetadata, makeFrozenResult, type FrozenResult } from "./frozen-result.js";
import { EXECUTEMANY_PK_MESSAGE, noRowsError } from "./messages.js";
import type { ResultInfo, ResultMetadata } from "./metadata.js";
import { SyncResultBase, type SyncView } from "./result-base.js";
import { ROW_DATA, type Row } from "./row.js";
import type { RowMapping } from "./row-mapping.js";
import { projectShape, resolveColumn, scalarGetter, shapeFor, rowKey, rowStrategyForMappings, type RawRow, type RowShape } from "./row-shape.js";
import { ScalarResult } from "./scalar-result.js";

/** @internal How `columns()` hands a new Result its view of shared rows. */
interface ResultView {
  readonly src: ArraySource;
  readonly shape: RowShape;
  readonly info: ResultInfo;
  readonly unique: boolean;
}

/**
 * A buffered result of rows typed `Row<T, N>`: `T` is the tuple of column JS types, `N` the
 * named view (`{ id: number; name: string | null }`).
 *
 * Rows are built lazily as they are fetched; result processors run once per value when its row
 * is built. A statement that returns no rows (an INSERT without RETURNING) gives a result whose
 * fetch methods raise `ResourceClosedError("This result object does not return rows. …")`
 * while `rowsAffected` is available.
 */
export class Result<
  T extends readonly unknown[] = unknown[],
  N extends Record<string, unknown> = Record<string, unknown>,
> extends SyncResultBase<Row<T, N>> {
  /** Rows inserted, updated or deleted; -1 when the driver cannot tell (DBAPI `rowcount`). */
  readonly rowsAffected: number;
  /** SQLite's `last_insert_rowid()`, where the driver reports it. */
  readonly lastInsertRowid: number | bigint | undefined;
  /** @internal */
  private readonly _shape: RowShape;
  /** @internal */
  private readonly _info: ResultInfo;

  /**
   * @param meta column keys and processors (reuse one object per statement shape).
   * @param rawRows rows as arrays in column order; kept, not copied.
   * @param info rows affected and last insert rowid.
   */
  constructor(meta: ResultMetadata, rawRows: readonly RawRow[], info: ResultInfo);
  /** @internal */
  constructor(meta: ResultMetadata, rawRows: readonly RawRow[], info: ResultInfo, view: ResultView);
  constructor(meta: ResultMetadata, rawRows: readonly RawRow[], info: ResultInfo, view?: ResultView) {
    const shape = view?.shape ?? shapeFor(meta);
    super({
      src: view?.src ?? new ArraySource(rawRows, info.returnsRows ?? meta.keys.length > 0),
      make: shape.makeRow as unknown as (raw: RawRow) => Row<T, N>,
      defaultKey: rowKey,
      unique: view?.unique ?? false,
    });
    this._shape = shape;
    this._info = view?.info ?? info;
    this.rowsAffected = this._info.rowsAffected;
    this.lastInsertRowid = this._info.lastInsertRowid;
  }

  /** False for statements that return no rows (SQLAlchemy's `returns_rows`). */
  get returnsRows(): boolean {
    return this._src.returnsRows;
  }

  /**
   * The primary key of the row a single-row `insert()` wrote, as a Row in the table's
   * primary-key order with named access (SQLAlchemy's `CursorResult.inserted_primary_key`).
   * Values given to the statement are reported as given; a key the database generated comes
   * from SQLite's last insert rowid or from a `RETURNING` the engine added to the INSERT.
   * `null` when that RETURNING gave no row because nothing was inserted (an
   * `ON CONFLICT DO NOTHING` that conflicted), as SQLAlchemy 2.0 reports `None`.
   * @throws InvalidRequestError for a statement that is not an INSERT, an executemany, a
   *   multi-row VALUES, an INSERT … SELECT, an INSERT with `returning()` (read its rows instead),
   *   a table without a primary key, or a generated key on a batch-only driver before commit.
   */
  get insertedPrimaryKey(): Row<unknown[], Record<string, unknown>> | null {
    const pk = this._info.insertedPrimaryKey;
    if (pk === undefined) throw new InvalidRequestError("Statement is not an insert() expression construct.");
    if ("unavailable" in pk) throw new InvalidRequestError(`insertedPrimaryKey is not available: ${pk.unavailable}`);
    if (pk.rows !== undefined) throw new InvalidRequestError(EXECUTEMANY_PK_MESSAGE);
    if (pk.values === null) return null;
    return shapeFor({ keys: pk.keys, processors: pk.keys.map(() => undefined) }).makeRow(pk.values) as unknown as Row<unknown[], Record<string, unknown>>;
  }

  /**
   * The primary keys an `insert()` wrote, one Row per row (SQLAlchemy 1.4's
   * `CursorResult.inserted_primary_key_rows`): after a single-row INSERT, `[insertedPrimaryKey]`
   * (empty when ON CONFLICT DO NOTHING inserted nothing); after an executemany, one Row per
   * parameter set in input order, holding the keys given and, with `returnDefaults()`, the keys
   * the database generated ("insertmanyvalues" with RETURNING); a generated key that was not
   * fetched is null, as SQLAlchemy's `None`.
   * @throws InvalidRequestError for a statement that is not an INSERT, an INSERT with
   *   `returning()` (read its rows instead), or where {@link insertedPrimaryKey} says why none is known.
   */
  get insertedPrimaryKeyRows(): Row<unknown[], Record<string, unknown>>[] {
    const pk = this._info.insertedPrimaryKey;
    if (pk === undefined) throw new InvalidRequestError("Statement is not an insert() expression construct.");
    if ("unavailable" in pk) throw new InvalidRequestError(`insertedPrimaryKey is not available: ${pk.unavailable}`);
    const shape = shapeFor({ keys: pk.keys, processors: pk.keys.map(() => undefined) });
    const rows = pk.rows ?? (pk.values === null ? [] : [pk.values]);
    return rows.map((r) => shape.makeRow(r) as unknown as Row<unknown[], Record<string, unknown>>);
  }

  /**
   * The values a statement with `returnDefaults()` fetched for the row it wrote, as a Row of
   * the RETURNING columns the engine added (SQLAlchemy's `CursorResult.returned_defaults`);
   * null without `returnDefaults()`, when nothing was to be fetched, or when no row came back.
   * @throws InvalidRequestError after an executemany: read {@link returnedDefaultsRows}.
   */
  get returnedDefaults(): Row<unknown[], Record<string, unknown>> | null {
    const rd = this._info.returnedDefaults;
    if (rd === undefined) return null;
    if (rd.many) throw new InvalidRequestError("This statement was an executemany call; if return defaults is supported, please use .returned_defaults_rows.");
    const raw = rd.rows[0];
    return raw === undefined ? null : (shapeFor(rd.meta).makeRow(raw) as unknown as Row<unknown[], Record<string, unknown>>);
  }

  /**
   * Every row {@link returnedDefaults} would give, one per parameter set of an executemany
   * (SQLAlchemy's `CursorResult.returned_defaults_rows`); null without `returnDefaults()`.
   */
  get returnedDefaultsRows(): Row<unknown[], Record<string, unknown>>[] | null {
    const rd = this._info.returnedDefaults;
    if (rd === undefined) return null;
    const shape = shapeFor(rd.meta);
    return rd.rows.map((raw) => shape.makeRow(raw) as unknown as Row<unknown[], Record<string, unknown>>);
  }

  /**
   * Column keys in order (a new array; duplicates included).
   * @throws ResourceClosedError for a statement that returns no rows ("This result object does
   *   not return rows. …"), as SQLAlchemy's `CursorResult.keys()`.
   */
  keys(): string[] {
    if (!this._src.returnsRows) throw noRowsError();
    return this._shape.keys.slice();
  }

  /** Whether the statement was an `insert()` construct (SQLAlchemy's `CursorResult.is_insert`). */
  get isInsert(): boolean {
    return this._info.insertedPrimaryKey !== undefined;
  }

  /** Rows inserted, updated or deleted; SQLAlchemy's spelling of {@link rowsAffected}. */
  get rowcount(): number {
    return this.rowsAffected;
  }

  /** SQLite's last insert rowid; SQLAlchemy's spelling of {@link lastInsertRowid}. */
  get lastrowid(): number | bigint | undefined {
    return this.lastInsertRowid;
  }

  /**
   * This result: rows already are typed tuples (SQLAlchemy 2.0's `Result.tuples()`, kept for
   * code written against it).
   */
  tuples(): this {
    return this;
  }

  /** This result (SQLAlchemy 2.0's `Result.t`); see {@link tuples}. */
  get t(): this {
    return this;
  }

  /**
   * Fetches the remaining rows (through `unique()` and `columns()`, as `all()` does) into a
   * {@link FrozenResult}: calling it returns a new Result over those rows each time
   * (SQLAlchemy's `Result.freeze()`). Consumes this result.
   * @throws ResourceClosedError when closed or for a statement that returns no rows.
   */
  freeze(): FrozenResult<Result<T, N>> {
    const rows = this.all();
    const data = rows.map((r) => r[ROW_DATA]);
    return makeFrozenResult(frozenMetadata(this._shape), data, (meta, raw) => new Result<T, N>(meta, raw, { rowsAffected: -1, returnsRows: true }));
  }

  /**
   * A Result over the remaining rows of this result followed by those of `others`, in order
   * (SQLAlchemy's `Result.merge()`): same columns (this result's `columns()` view applies to
   * all), `unique()` carried over. The rows are taken: the merged results are left exhausted,
   * and closing the merged result (`close()`, `first()`, `one()`, …) closes them, as in
   * SQLAlchemy. The others must come from statements with the same columns.
   * @throws ResourceClosedError when one of them is closed or returns no rows.
   */
  merge(...others: readonly Result<T, N>[]): Result<T, N> {
    const rows: RawRow[] = [];
    const sources = [this, ...others].map((r) => r._src);
    for (const src of sources) src.check();
    for (const src of sources) {
      for (let i = src.pos; i < src.rows.length; i++) rows.push(src.rows[i]);
      src.exhaust();
    }
    const merged = new ArraySource(rows, true);
    merged.onClose = () => {
      for (const src of sources) src.close();
    };
    return new Result<T, N>(this._shape.meta, rows, this._info, {
      src: merged,
      shape: this._shape,
      info: this._info,
      unique: this._uniq !== undefined,
    });
  }

  /** First column of the first row, or `null` when there is no row; closes the result. */
  scalar(): T[0] | null {
    const row = this.first();
    return row === null ? null : (row[ROW_DATA][0] as T[0]);
  }

  /**
   * First column of the only row; closes the result.
   * @throws NoResultFound / MultipleResultsFound as {@link one}.
   */
  scalarOne(): T[0] {
    return this.one()[ROW_DATA][0] as T[0];
  }

  /**
   * First column of the only row, or `null` when there is none; closes the result.
   * @throws MultipleResultsFound as {@link oneOrNone}.
   */
  scalarOneOrNone(): T[0] | null {
    const row = this.oneOrNone();
    return row === null ? null : (row[ROW_DATA][0] as T[0]);
  }

  /**
   * Values of one column instead of rows (default: the first). Only that column's processor
   * runs. Shares this result's rows; `unique()` carries over (comparing the values).
   * @param column position, key, or column object (see `RowMapping.get()`) of the column.
   * @throws ArgumentError for an unknown key or a position out of range.
   * @throws InvalidRequestError for a key that occurs more than once.
   */
  scalars(): ScalarResult<T[0]>;
  scalars<I extends number>(column: I): ScalarResult<ColumnValue<T, N, I>>;
  scalars<K extends keyof N & string>(column: K): ScalarResult<N[K]>;
  scalars<V>(column: ColumnElement<V, string>): ScalarResult<V>;
  scalars(column: number | string | ColumnElement<unknown, string> = 0): ScalarResult<unknown> {
    // Without rows there is no column to resolve; fetching raises ResourceClosedError.
    const i = this._src.returnsRows ? resolveColumn(this._shape, column, "scalars()") : 0;
    return new ScalarResult({
      src: this._src,
      make: scalarGetter(this._shape, i),
      defaultKey: (v) => v,
      unique: this._uniq !== undefined,
    });
  }

  /** Rows as {@link RowMapping} objects. Shares this result's rows; `unique()` carries over. */
  mappings(): MappingResult<N> {
    return new MappingResult<N>(this._src, this._shape, this._uniq !== undefined, rowStrategyForMappings<RowMapping<N>>(this._shape, this._key));
  }

  /**
   * A result whose rows hold only the given columns, in the given order (SQLAlchemy's
   * `columns()`): `for (const [y, x] of result.columns("y", "x"))`. Shares this result's rows.
   * @throws ArgumentError for an unknown key or a position out of range.
   * @throws InvalidRequestError for a key that occurs more than once.
   */
  columns<const K extends readonly ColumnRef<N>[]>(
    ...columns: K
  ): Result<PickColumns<T, N, K>, PickNamed<N, K>> {
    if (!this._src.returnsRows) throw noRowsError();
    const idx = columns.map((c) => resolveColumn(this._shape, c, "columns()"));
    const shape = projectShape(this._shape, idx);
    return new Result<PickColumns<T, N, K>, PickNamed<N, K>>(shape.meta, [], this._info, {
      src: this._src,
      shape,
      info: this._info,
      unique: this._uniq !== undefined,
    });
  }
}

/**
 * Results built on purpose and kept: one live instance keeps the hidden classes of Result and
 * ArraySource, and the optimized code that uses them, across full GCs that happen while no
 * other result is alive (see the note in src/sql/cache-key.ts). Both `lastInsertRowid` kinds.
 */
const ANCHORS = [
  new Result({ keys: [], processors: [] }, [], { rowsAffected: -1 }),
  new Result({ keys: [], processors: [] }, [], { rowsAffected: 1, lastInsertRowid: 1 }),
];
/** @internal */
export function _resultAnchors(): readonly unknown[] {
  return ANCHORS;
}

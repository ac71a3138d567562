/**
 * `AsyncResult`: a streaming result over a driver cursor, following SQLAlchemy's asyncio
 * `AsyncResult` (what `AsyncConnection.stream()` returns): the methods of `Result`, returning
 * Promises, with `for await` iteration, async `partitions()` and `await using`.
 * @module
 */
import type { ColumnElement } from "../../sql/elements.js";
import type { DriverCursor } from "../driver/contract.js";
import { AsyncMappingResult } from "./async-mapping-result.js";
import { AsyncResultBase } from "./async-result-base.js";
import { AsyncScalarResult } from "./async-scalar-result.js";
import type { ColumnRef, ColumnValue, PickColumns, PickNamed } from "./columns-types.js";
import { CursorSource } from "./cursor-source.js";
import { frozenMetadata, makeFrozenResult, type FrozenResult } from "./frozen-result.js";
import { checkSize } from "./messages.js";
import { Result } from "./result.js";
import type { AsyncResultOptions, ResultMetadata } from "./metadata.js";
import { ROW_DATA, type Row } from "./row.js";
import type { RowMapping } from "./row-mapping.js";
import { projectShape, resolveColumn, scalarGetter, shapeFor, rowKey, rowStrategyForMappings, type RawRow, type RowShape } from "./row-shape.js";

/** @internal How `columns()` hands a new AsyncResult its view of a shared cursor. */
interface AsyncResultView {
  readonly src: CursorSource;
  readonly shape: RowShape;
  readonly unique: boolean;
}

/**
 * A streaming result of rows typed `Row<T, N>` (see `Result`). Rows are fetched `chunkSize`
 * at a time (`yieldPer()` changes it) and built as they are consumed; processors run once per
 * value. The cursor is closed and `onClose` called exactly once, when the result is exhausted or
 * closed (`close()`, `first()`, `one()`, `scalar()`, `await using`, early exit from `for await`).
 *
 * Using a closed result raises `ResourceClosedError("This result object is closed.")`.
 */
export class AsyncResult<
  T extends readonly unknown[] = unknown[],
  N extends Record<string, unknown> = Record<string, unknown>,
> extends AsyncResultBase<Row<T, N>> {
  /** @internal */
  private readonly _shape: RowShape;

  /**
   * @param meta column keys and processors (reuse one object per statement shape).
   * @param cursor an open driver cursor; this result owns it from now on.
   * @param opts fetch size and the close callback.
   * @throws ArgumentError when `opts.chunkSize` is not a positive integer.
   */
  constructor(meta: ResultMetadata, cursor: DriverCursor, opts: AsyncResultOptions);
  /** @internal */
  constructor(meta: ResultMetadata, cursor: DriverCursor | undefined, opts: AsyncResultOptions, view: AsyncResultView);
  constructor(
    meta: ResultMetadata,
    cursor: DriverCursor | undefined,
    opts: AsyncResultOptions,
    view?: AsyncResultView,
  ) {
    const shape = view?.shape ?? shapeFor(meta);
    super({
      src: view?.src ?? new CursorSource(cursor as DriverCursor, checkSize(opts.chunkSize, "AsyncResult chunkSize"), opts.onClose),
      make: shape.makeRow as unknown as (raw: RawRow) => Row<T, N>,
      defaultKey: rowKey,
      unique: view?.unique ?? false,
    });
    this._shape = shape;
  }

  /** Column keys in order (a new array; duplicates included). */
  keys(): string[] {
    return this._shape.keys.slice();
  }

  /** This result: rows already are typed tuples (SQLAlchemy 2.0's `AsyncResult.tuples()`). */
  tuples(): this {
    return this;
  }

  /** This result (SQLAlchemy 2.0's `AsyncResult.t`); see {@link tuples}. */
  get t(): this {
    return this;
  }

  /**
   * Fetches the remaining rows into a {@link FrozenResult}; calling it returns a new buffered
   * `Result` over them each time (SQLAlchemy's `AsyncResult.freeze()`). Closes the cursor.
   * @throws ResourceClosedError when closed.
   */
  async freeze(): Promise<FrozenResult<Result<T, N>>> {
    const rows = await this.all();
    const data = rows.map((r) => r[ROW_DATA]);
    return makeFrozenResult(frozenMetadata(this._shape), data, (meta, raw) => new Result<T, N>(meta, raw, { rowsAffected: -1, returnsRows: true }));
  }

  /** First column of the first row, or `null`; closes the result (fetches one row only). */
  async scalar(): Promise<T[0] | null> {
    const row = await this.first();
    return row === null ? null : (row[ROW_DATA][0] as T[0]);
  }

  /**
   * First column of the only row; closes the result.
   * @throws NoResultFound / MultipleResultsFound as {@link one}.
   */
  async scalarOne(): Promise<T[0]> {
    return (await this.one())[ROW_DATA][0] as T[0];
  }

  /**
   * First column of the only row, or `null`; closes the result.
   * @throws MultipleResultsFound as {@link oneOrNone}.
   */
  async scalarOneOrNone(): Promise<T[0] | null> {
    const row = await this.oneOrNone();
    return row === null ? null : (row[ROW_DATA][0] as T[0]);
  }

  /**
   * Values of one column instead of rows (default: the first); shares this result's cursor and
   * carries `unique()` over.
   * @throws ArgumentError for an unknown key or a position out of range.
   * @throws InvalidRequestError for a key that occurs more than once.
   */
  scalars(): AsyncScalarResult<T[0]>;
  scalars<I extends number>(column: I): AsyncScalarResult<ColumnValue<T, N, I>>;
  scalars<K extends keyof N & string>(column: K): AsyncScalarResult<N[K]>;
  scalars<V>(column: ColumnElement<V, string>): AsyncScalarResult<V>;
  scalars(column: number | string | ColumnElement<unknown, string> = 0): AsyncScalarResult<unknown> {
    const i = resolveColumn(this._shape, column, "scalars()");
    return new AsyncScalarResult({
      src: this._src,
      make: scalarGetter(this._shape, i),
      defaultKey: (v) => v,
      unique: this._uniq !== undefined,
    });
  }

  /** Rows as {@link RowMapping} objects; shares this result's cursor and carries `unique()` over. */
  mappings(): AsyncMappingResult<N> {
    return new AsyncMappingResult<N>(this._src, this._shape, this._uniq !== undefined, rowStrategyForMappings<RowMapping<N>>(this._shape, this._key));
  }

  /**
   * A result whose rows hold only the given columns, in the given order; shares this result's
   * cursor.
   * @throws ArgumentError for an unknown key or a position out of range.
   * @throws InvalidRequestError for a key that occurs more than once.
   */
  columns<const K extends readonly ColumnRef<N>[]>(
    ...columns: K
  ): AsyncResult<PickColumns<T, N, K>, PickNamed<N, K>> {
    const idx = columns.map((c) => resolveColumn(this._shape, c, "columns()"));
    const shape = projectShape(this._shape, idx);
    return new AsyncResult<PickColumns<T, N, K>, PickNamed<N, K>>(
      shape.meta,
      undefined,
      { chunkSize: this._src.chunkSize },
      { src: this._src, shape, unique: this._uniq !== undefined },
    );
  }
}

/**
 * Fetch methods shared by the buffered results ({@link Result}, {@link ScalarResult},
 * {@link MappingResult}), following SQLAlchemy 2.0's `Result` / `FilterResult` semantics:
 *
 * - `first()`, `one()`, `oneOrNone()` (and the `scalar*()` methods built on them) close the
 *   result; using it afterwards raises `ResourceClosedError("This result object is closed.")`.
 * - Exhausting the rows (`all()`, iteration, `fetch*()` returning fewer rows) does not close it:
 *   further fetches return nothing.
 * - Leaving a `for…of` / `for await` loop early (break, return, throw) closes it.
 * @module
 */
import { HARD_CLOSED, OPEN, type ArraySource } from "./array-source.js";
import { asyncDisposeSymbol, disposeSymbol } from "./dispose.js";
import { checkSize, multipleResultsFound, noResultFound } from "./messages.js";
import type { UniqueStrategy } from "./metadata.js";
import type { RawRow } from "./row-shape.js";
import { UniqueFilter } from "./unique.js";

/** @internal Marks "no more rows" where `null` may be a value. */
export const NO_ROW: unique symbol = Symbol("athanor.noRow");

/** @internal What a result view is made of. */
export interface SyncView<Out> {
  readonly src: ArraySource;
  readonly make: (raw: RawRow) => Out;
  readonly defaultKey: UniqueStrategy<Out>;
  /** Carry `unique()` over from the result the view was made from. */
  readonly unique: boolean;
}

/** Base of the buffered result classes; `Out` is a row, a scalar or a mapping. */
export abstract class SyncResultBase<Out> implements Iterable<Out>, AsyncIterable<Out>, Disposable, AsyncDisposable {
  /** @internal */
  protected readonly _src: ArraySource;
  /** @internal */
  protected readonly _make: (raw: RawRow) => Out;
  /** @internal */
  protected _uniq: UniqueFilter | undefined;
  /** @internal */
  protected _key: UniqueStrategy<Out>;

  /** @internal */
  protected constructor(view: SyncView<Out>) {
    this._src = view.src;
    this._make = view.make;
    this._key = view.defaultKey;
    this._uniq = view.unique ? new UniqueFilter() : undefined;
  }

  /** True once the result is closed (`close()`, `first()`, `one()`, …); SQLAlchemy's `closed`. */
  get closed(): boolean {
    return this._src.state === HARD_CLOSED;
  }

  /**
   * True once the rows are used up (exhausted, or `_softClose()`), or the result is closed, or
   * the statement returns no rows (SQLAlchemy's `_soft_closed`).
   */
  get _softClosed(): boolean {
    return this._src.state !== OPEN || !this._src.returnsRows;
  }

  /**
   * Drops the remaining rows without closing the result: fetches then return nothing
   * (SQLAlchemy's `_soft_close()`).
   * @throws ResourceClosedError when closed.
   */
  _softClose(): void {
    if (this._src.state === HARD_CLOSED) return;
    this._src.exhaust();
  }

  /**
   * Skips items equal to one already returned (SQLAlchemy 2.0 `unique()`): rows compare by
   * their values, scalars by value, mappings by their values. `strategy` maps an item to the key
   * to compare instead. Applies to the items fetched from now on; returns this result.
   */
  unique(strategy?: UniqueStrategy<Out>): this {
    this._uniq = new UniqueFilter();
    if (strategy !== undefined) this._key = strategy;
    return this;
  }

  /** @internal The next item passing the unique filter, or NO_ROW (rows are then exhausted). */
  protected _next(): Out | typeof NO_ROW {
    const src = this._src;
    src.check();
    const rows = src.rows;
    const make = this._make;
    const uniq = this._uniq;
    while (src.pos < rows.length) {
      const item = make(rows[src.pos++]);
      if (uniq === undefined || uniq.add(this._key(item))) return item;
    }
    src.exhaust();
    return NO_ROW;
  }

  /** @internal Up to `n` items. */
  protected _many(n: number): Out[] {
    const src = this._src;
    src.check();
    const rows = src.rows;
    const make = this._make;
    const uniq = this._uniq;
    let out: Out[];
    if (uniq === undefined) {
      const start = src.pos;
      const end = Math.min(rows.length, start + n);
      out = new Array<Out>(end - start);
      for (let i = start; i < end; i++) out[i - start] = make(rows[i]);
      src.pos = end;
    } else {
      out = [];
      while (out.length < n && src.pos < rows.length) {
        const item = make(rows[src.pos++]);
        if (uniq.add(this._key(item))) out.push(item);
      }
    }
    if (src.pos >= rows.length) src.exhaust();
    return out;
  }

  /**
   * Sets the default size of `fetchmany()` / `partitions()` (SQLAlchemy's `yield_per()`, on
   * results and their `scalars()` / `mappings()` views alike; the rows are already buffered, so
   * nothing else changes). Applies to every view of the same rows. Returns this result.
   * @throws ArgumentError when `n` is not a positive integer.
   */
  yieldPer(n: number): this {
    this._src.yieldPer = checkSize(n, "yieldPer()");
    return this;
  }

  /** @internal Default size of `fetchmany()` / `partitions()`: `yieldPer()`, else all that remain. */
  protected _defaultSize(): number {
    return this._src.yieldPer ?? Number.POSITIVE_INFINITY;
  }

  /**
   * All remaining items.
   * @throws ResourceClosedError when closed.
   */
  all(): Out[] {
    return this._many(Number.POSITIVE_INFINITY);
  }

  /** All remaining items (DBAPI spelling of {@link all}). */
  fetchall(): Out[] {
    return this.all();
  }

  /** The next item, or `null` when none remain. Does not close the result. */
  fetchone(): Out | null {
    const item = this._next();
    return item === NO_ROW ? null : item;
  }

  /**
   * Up to `size` next items; fewer (or none) when the rows run out.
   * @param size positive integer; defaults to the `yieldPer()` size, else all remaining rows.
   * @throws ArgumentError when `size` is not a positive integer.
   */
  fetchmany(size?: number): Out[] {
    return this._many(size === undefined ? this._defaultSize() : checkSize(size, "fetchmany()"));
  }

  /**
   * Iterates over the remaining items in arrays of up to `size` (SQLAlchemy's `partitions()`).
   * @param size positive integer; defaults to the `yieldPer()` size, else one partition.
   */
  *partitions(size?: number): Generator<Out[], void, undefined> {
    const n = size === undefined ? this._defaultSize() : checkSize(size, "partitions()");
    let done = false;
    try {
      for (;;) {
        const part = this._many(n);
        if (part.length === 0) {
          done = true;
          return;
        }
        yield part;
      }
    } finally {
      if (!done) this.close();
    }
  }

  /** The first item, or `null` when there is none; closes the result (remaining rows are discarded). */
  first(): Out | null {
    try {
      const item = this._next();
      return item === NO_ROW ? null : item;
    } finally {
      this.close();
    }
  }

  /**
   * Exactly one item; closes the result.
   * @throws NoResultFound "No row was found when one was required"
   * @throws MultipleResultsFound "Multiple rows were found when exactly one was required"
   */
  one(): Out {
    try {
      const item = this._next();
      if (item === NO_ROW) throw noResultFound();
      if (this._next() !== NO_ROW) throw multipleResultsFound(true);
      return item;
    } finally {
      this.close();
    }
  }

  /**
   * One item or `null`; closes the result.
   * @throws MultipleResultsFound "Multiple rows were found when one or none was required"
   */
  oneOrNone(): Out | null {
    try {
      const item = this._next();
      if (item === NO_ROW) return null;
      if (this._next() !== NO_ROW) throw multipleResultsFound(false);
      return item;
    } finally {
      this.close();
    }
  }

  /** Closes the result and drops its rows. Idempotent. */
  close(): void {
    this._src.close();
  }

  /** Iterates over the remaining items; leaving the loop early closes the result. */
  *[Symbol.iterator](): Generator<Out, void, undefined> {
    let done = false;
    try {
      for (;;) {
        const item = this._next();
        if (item === NO_ROW) {
          done = true;
          return;
        }
        yield item;
      }
    } finally {
      if (!done) this.close();
    }
  }

  /** `for await` over the remaining items (same semantics as sync iteration). */
  async *[Symbol.asyncIterator](): AsyncGenerator<Out, void, undefined> {
    yield* this[Symbol.iterator]();
  }

  /** `using result = …` closes the result at the end of the block. */
  [disposeSymbol](): void {
    this.close();
  }

  /** `await using result = …` closes the result at the end of the block. */
  [asyncDisposeSymbol](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

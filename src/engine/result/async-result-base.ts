/**
 * Fetch methods shared by the streaming results ({@link AsyncResult}, {@link AsyncScalarResult},
 * {@link AsyncMappingResult}), following SQLAlchemy's asyncio `AsyncResult`: the same methods as
 * the buffered results, returning Promises, with async iteration.
 *
 * Memory stays flat: rows are fetched from the driver cursor `chunkSize` at a time and built as
 * they are consumed; only `all()` / `fetchall()` gather every row. The cursor is closed and the
 * result's `onClose` called exactly once: on exhaustion, on `close()`, on `await using`, or when
 * a `for await` loop exits early.
 * @module
 */
import { HARD_CLOSED, OPEN, SOFT_CLOSED } from "./array-source.js";
import type { CursorSource } from "./cursor-source.js";
import { asyncDisposeSymbol } from "./dispose.js";
import { checkSize, multipleResultsFound, noResultFound } from "./messages.js";
import type { UniqueStrategy } from "./metadata.js";
import { NO_ROW } from "./result-base.js";
import type { RawRow } from "./row-shape.js";
import { RowIterator } from "./row-iterator.js";
import { UniqueFilter } from "./unique.js";

const EMPTY_ROWS: readonly RawRow[] = [];

/** Largest fetch hint passed to a cursor (for "all remaining rows"). */
const MAX_HINT = 2 ** 31 - 1;

/** @internal What an async result view is made of. */
export interface AsyncView<Out> {
  readonly src: CursorSource;
  readonly make: (raw: RawRow) => Out;
  readonly defaultKey: UniqueStrategy<Out>;
  readonly unique: boolean;
}

/** Base of the streaming result classes; `Out` is a row, a scalar or a mapping. */
export abstract class AsyncResultBase<Out> implements AsyncIterable<Out>, AsyncDisposable {
  /** @internal */
  protected readonly _src: CursorSource;
  /** @internal */
  protected readonly _make: (raw: RawRow) => Out;
  /** @internal */
  protected _uniq: UniqueFilter | undefined;
  /** @internal */
  protected _key: UniqueStrategy<Out>;

  /** @internal */
  protected constructor(view: AsyncView<Out>) {
    this._src = view.src;
    this._make = view.make;
    this._key = view.defaultKey;
    this._uniq = view.unique ? new UniqueFilter() : undefined;
  }

  /** True once the result is closed (`close()`, `first()`, `one()`, an early loop exit, …). */
  get closed(): boolean {
    return this._src.state === HARD_CLOSED;
  }

  /**
   * True once the cursor is used up (exhausted, or `_softClose()`) or the result is closed
   * (SQLAlchemy's `_soft_closed`).
   */
  get _softClosed(): boolean {
    return this._src.state !== OPEN;
  }

  /**
   * Releases the cursor and drops the buffered rows without closing the result: fetches then
   * return nothing (SQLAlchemy's `_soft_close()`).
   */
  async _softClose(): Promise<void> {
    if (this._src.state === HARD_CLOSED) return;
    this._src.buf = EMPTY_ROWS;
    this._src.pos = 0;
    await this._src.release(SOFT_CLOSED);
  }

  /**
   * Skips items equal to one already returned (SQLAlchemy 2.0 `unique()`); see
   * `Result.unique()`. Returns this result.
   */
  unique(strategy?: UniqueStrategy<Out>): this {
    this._uniq = new UniqueFilter();
    if (strategy !== undefined) this._key = strategy;
    return this;
  }

  /**
   * Sets the number of rows fetched per round trip from now on (SQLAlchemy's `yield_per()`, on
   * results and their `scalars()` / `mappings()` views alike), also the default size of
   * `fetchmany()` / `partitions()`. Applies to every view of the same cursor. Returns this result.
   * @throws ArgumentError when `n` is not a positive integer.
   */
  yieldPer(n: number): this {
    this._src.chunkSize = checkSize(n, "yieldPer()");
    return this;
  }

  /** @internal Next item passing the unique filter, fetching `hint` rows when the chunk is used up. */
  protected async _next(hint: number): Promise<Out | typeof NO_ROW> {
    const src = this._src;
    const make = this._make;
    for (;;) {
      // Re-checked after each await: a concurrent call may have taken the buffered rows.
      while (src.pos >= src.buf.length) if (!(await src.fill(hint))) return NO_ROW;
      const item = make(src.buf[src.pos++]);
      const uniq = this._uniq;
      if (uniq === undefined || uniq.add(this._key(item))) return item;
    }
  }

  /** @internal Up to `n` items, fetching at least `chunkSize` rows per round trip. */
  protected async _many(n: number): Promise<Out[]> {
    const src = this._src;
    src.check();
    const make = this._make;
    const out: Out[] = [];
    while (out.length < n) {
      if (src.pos >= src.buf.length) {
        // A finite request is fetched in one round trip when larger than the chunk size.
        const hint = n === Infinity ? src.chunkSize : Math.max(src.chunkSize, Math.min(n - out.length, MAX_HINT));
        if (!(await src.fill(hint))) break;
      }
      const buf = src.buf;
      const uniq = this._uniq;
      if (uniq === undefined) {
        const end = Math.min(buf.length, src.pos + (n - out.length));
        for (let i = src.pos; i < end; i++) out.push(make(buf[i]));
        src.pos = end;
      } else {
        while (out.length < n && src.pos < buf.length) {
          const item = make(buf[src.pos++]);
          if (uniq.add(this._key(item))) out.push(item);
        }
      }
    }
    return out;
  }

  /** @internal Closes the result after `fn`, whatever its outcome. */
  protected async _closing<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } finally {
      await this.close();
    }
  }

  /**
   * All remaining items (fetched `chunkSize` rows at a time). An error while fetching or
   * processing closes the result.
   * @throws ResourceClosedError when closed.
   */
  async all(): Promise<Out[]> {
    try {
      return await this._many(Number.POSITIVE_INFINITY);
    } catch (err) {
      if (!this.closed) await this.close().catch(() => undefined);
      throw err;
    }
  }

  /** All remaining items (DBAPI spelling of {@link all}). */
  fetchall(): Promise<Out[]> {
    return this.all();
  }

  /** The next item, or `null` when none remain. Does not close the result. */
  async fetchone(): Promise<Out | null> {
    this._src.check();
    const item = await this._next(this._src.chunkSize);
    return item === NO_ROW ? null : item;
  }

  /**
   * Up to `size` next items; fewer (or none) when the rows run out.
   * @param size positive integer; defaults to the fetch size (`chunkSize` / `yieldPer()`).
   * @throws ArgumentError when `size` is not a positive integer.
   */
  async fetchmany(size?: number): Promise<Out[]> {
    const n = size === undefined ? this._src.chunkSize : checkSize(size, "fetchmany()");
    return this._many(n);
  }

  /**
   * Async iterable of arrays of up to `size` items (SQLAlchemy's `partitions()`); leaving the
   * loop early closes the result.
   * @param size positive integer; defaults to the fetch size (`chunkSize` / `yieldPer()`).
   */
  async *partitions(size?: number): AsyncGenerator<Out[], void, undefined> {
    const n = size === undefined ? undefined : checkSize(size, "partitions()");
    let done = false;
    try {
      for (;;) {
        const part = await this._many(n ?? this._src.chunkSize);
        if (part.length === 0) {
          done = true;
          return;
        }
        yield part;
      }
    } finally {
      if (!done) await this.close();
    }
  }

  /** The first item, or `null`; closes the result (fetches one row only). */
  first(): Promise<Out | null> {
    return this._closing(async () => {
      this._src.check();
      const item = await this._next(1);
      return item === NO_ROW ? null : item;
    });
  }

  /**
   * Exactly one item; closes the result.
   * @throws NoResultFound "No row was found when one was required"
   * @throws MultipleResultsFound "Multiple rows were found when exactly one was required"
   */
  one(): Promise<Out> {
    return this._closing(async () => {
      this._src.check();
      const item = await this._next(2);
      if (item === NO_ROW) throw noResultFound();
      if ((await this._next(1)) !== NO_ROW) throw multipleResultsFound(true);
      return item;
    });
  }

  /**
   * One item or `null`; closes the result.
   * @throws MultipleResultsFound "Multiple rows were found when one or none was required"
   */
  oneOrNone(): Promise<Out | null> {
    return this._closing(async () => {
      this._src.check();
      const item = await this._next(2);
      if (item === NO_ROW) return null;
      if ((await this._next(1)) !== NO_ROW) throw multipleResultsFound(false);
      return item;
    });
  }

  /** Closes the cursor (then calls `onClose`, once). Idempotent. */
  close(): Promise<void> {
    return this._src.release(HARD_CLOSED);
  }

  /** `for await` over the remaining items; leaving the loop early closes the result. */
  [Symbol.asyncIterator](): AsyncGenerator<Out, void, undefined> {
    return new RowIterator<Out>({
      src: this._src,
      make: this._make,
      uniq: () => this._uniq,
      key: () => this._key,
      close: () => this.close(),
    });
  }

  /** `await using result = …` closes the result at the end of the block. */
  [asyncDisposeSymbol](): Promise<void> {
    return this.close();
  }
}

/**
 * The `for await` iterator of streaming results: a plain object rather than an async generator.
 *
 * An async generator costs several promises and microtask turns per `yield` (the yielded value
 * is awaited, then the pending `next()` promise resolved); streaming 500,000 rows paid that
 * half a million times. Here a buffered row is one already-resolved promise, and only a row
 * that needs a fetch goes through an async path. Semantics are the generator's: the first
 * `next()` checks that the result is open, exhausting the rows does not close the result,
 * leaving a loop early (`return()` / `throw()`) closes it, and a failed fetch closes it before
 * the error propagates.
 * @module
 */
import type { CursorSource } from "./cursor-source.js";
import type { UniqueStrategy } from "./metadata.js";
import type { RawRow } from "./row-shape.js";
import type { UniqueFilter } from "./unique.js";

/** What the iterator reads from its result (live: `unique()` may be called before iterating). */
export interface RowIteratorHost<Out> {
  readonly src: CursorSource;
  readonly make: (raw: RawRow) => Out;
  uniq(): UniqueFilter | undefined;
  key(): UniqueStrategy<Out>;
  close(): Promise<void>;
}

const DONE: IteratorReturnResult<void> = Object.freeze({ value: undefined, done: true });

/** @internal An async iterator over a streaming result's remaining items. */
export class RowIterator<Out> implements AsyncGenerator<Out, void, undefined> {
  private started = false;
  /** Exhausted (rows ran out) or closed by return()/throw()/a failed fetch. */
  private finished = false;

  constructor(private readonly host: RowIteratorHost<Out>) {}

  next(): Promise<IteratorResult<Out, void>> {
    if (this.finished) return Promise.resolve(DONE);
    const src = this.host.src;
    if (!this.started) {
      this.started = true;
      try {
        src.check();
      } catch (err) {
        this.finished = true;
        return Promise.reject(err);
      }
    }
    // Fast path: a buffered row and no unique() filter.
    if (src.pos < src.buf.length && this.host.uniq() === undefined) {
      let value: Out;
      try {
        value = this.host.make(src.buf[src.pos++]!);
      } catch (err) {
        return this.fail(err); // a result processor failed
      }
      return Promise.resolve({ value, done: false });
    }
    return this.slowNext();
  }

  /** As the generator's `finally`: close the result, then propagate the error. */
  private async fail(err: unknown): Promise<never> {
    this.finished = true;
    await this.host.close();
    throw err;
  }

  private async slowNext(): Promise<IteratorResult<Out, void>> {
    const { src, make } = this.host;
    try {
      for (;;) {
        while (src.pos >= src.buf.length) {
          if (!(await src.fill(src.chunkSize))) {
            this.finished = true;
            return DONE;
          }
        }
        const item = make(src.buf[src.pos++]!);
        const uniq = this.host.uniq();
        if (uniq === undefined || uniq.add(this.host.key()(item))) return { value: item, done: false };
      }
    } catch (err) {
      return this.fail(err); // a failed fetch or processor
    }
  }

  /** Leaving a `for await` early: closes the result (unless the rows had run out). */
  async return(): Promise<IteratorResult<Out, void>> {
    if (!this.finished) {
      this.finished = true;
      await this.host.close();
    }
    return DONE;
  }

  /** Closes the result (unless the rows had run out), then rejects with `err`. */
  async throw(err: unknown): Promise<IteratorResult<Out, void>> {
    if (!this.finished) {
      this.finished = true;
      await this.host.close();
    }
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }
}

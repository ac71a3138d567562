/**
 * The rows behind a streaming {@link AsyncResult}: a driver cursor read one chunk at a time.
 * At most one chunk is held in memory. The cursor is closed, and `onClose` called, exactly once:
 * on exhaustion, on `close()`, or when a fetch fails.
 * @module
 */
import type { DriverCursor } from "../driver/contract.js";
import { HARD_CLOSED, OPEN, SOFT_CLOSED, type SourceState } from "./array-source.js";
import { closedError } from "./messages.js";
import type { RawRow } from "./row-shape.js";

const EMPTY: readonly RawRow[] = [];

/** @internal */
export class CursorSource {
  /** The current chunk; rows before `pos` are consumed. */
  buf: readonly RawRow[] = EMPTY;
  pos = 0;
  state: SourceState = OPEN;
  private pending: Promise<void> | undefined;
  private released: Promise<void> | undefined;

  constructor(
    private readonly cursor: DriverCursor,
    /** Rows per fetch; changed by `yieldPer()`. */
    public chunkSize: number,
    private readonly onClose: (() => Promise<void>) | undefined,
  ) {}

  /**
   * Ensures a row is buffered at `pos`, fetching up to `hint` rows when the chunk is used up.
   * Resolves false once the cursor is exhausted. Concurrent callers share one fetch.
   * @throws ResourceClosedError when closed; the driver's error when a fetch fails (the result is
   * then closed).
   */
  async fill(hint: number): Promise<boolean> {
    for (;;) {
      if (this.state === HARD_CLOSED) throw closedError();
      if (this.pos < this.buf.length) return true;
      if (this.state === SOFT_CLOSED) return false;
      if (this.pending === undefined) {
        this.pending = this.fetchChunk(hint).finally(() => {
          this.pending = undefined;
        });
      }
      await this.pending;
    }
  }

  /** Throws when closed (used by methods that may not need to fetch). */
  check(): void {
    if (this.state === HARD_CLOSED) throw closedError();
  }

  private async fetchChunk(n: number): Promise<void> {
    let rows: readonly RawRow[];
    try {
      rows = await this.cursor.fetch(n);
    } catch (err) {
      await this.release(HARD_CLOSED).catch(() => undefined);
      throw err;
    }
    if (this.state === HARD_CLOSED) return;
    this.pos = 0;
    if (rows.length === 0) {
      this.buf = EMPTY;
      await this.release(SOFT_CLOSED);
    } else {
      this.buf = rows;
    }
  }

  /**
   * Moves to `to` (soft: exhausted; hard: closed) and releases the cursor once: `cursor.close()`
   * then `onClose()`. Later calls return the same promise.
   */
  release(to: typeof SOFT_CLOSED | typeof HARD_CLOSED): Promise<void> {
    if (to > this.state) this.state = to;
    if (to === HARD_CLOSED) {
      this.buf = EMPTY;
      this.pos = 0;
    }
    return (this.released ??= this.releaseOnce());
  }

  private async releaseOnce(): Promise<void> {
    try {
      await this.cursor.close();
    } finally {
      if (this.onClose !== undefined) await this.onClose();
    }
  }
}

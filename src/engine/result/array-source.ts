/**
 * The rows behind a buffered {@link Result}: an array already fetched, read with a cursor
 * position. Shared by a result and the views made from it (`scalars()`, `mappings()`,
 * `columns()`), so consuming one advances the others, as in SQLAlchemy.
 * @module
 */
import { closedError, noRowsError } from "./messages.js";
import type { RawRow } from "./row-shape.js";

/** Rows remain. */
export const OPEN = 0;
/** Exhausted: fetches return nothing (SQLAlchemy's "soft close"). */
export const SOFT_CLOSED = 1;
/** Closed: any fetch raises ResourceClosedError (SQLAlchemy's "hard close"). */
export const HARD_CLOSED = 2;
export type SourceState = typeof OPEN | typeof SOFT_CLOSED | typeof HARD_CLOSED;

const EMPTY: readonly RawRow[] = [];

/** @internal */
export class ArraySource {
  rows: readonly RawRow[];
  pos = 0;
  state: SourceState = OPEN;
  /** Default size of `fetchmany()` / `partitions()`, set by `yieldPer()`. */
  yieldPer: number | undefined = undefined;

  constructor(
    rows: readonly RawRow[],
    readonly returnsRows: boolean,
  ) {
    this.rows = rows;
  }

  /** Throws unless rows may be read. */
  check(): void {
    if (this.state === HARD_CLOSED) throw closedError();
    if (!this.returnsRows) throw noRowsError();
  }

  /** Marks the rows as consumed and drops them. */
  exhaust(): void {
    if (this.state === OPEN) this.state = SOFT_CLOSED;
    this.rows = EMPTY;
    this.pos = 0;
  }

  /** Called once, on the first close(): a merged result closes the results it merged. */
  onClose: (() => void) | undefined = undefined;

  close(): void {
    const onClose = this.onClose;
    this.onClose = undefined;
    onClose?.();
    this.state = HARD_CLOSED;
    this.rows = EMPTY;
    this.pos = 0;
  }
}

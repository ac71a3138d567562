/**
 * A DriverCursor over an in-memory array, recording every call, for testing result logic
 * (chunking, closing) without a database.
 */
import type { DriverCursor } from "../../../src/engine/driver/contract.js";

export interface MemoryCursor extends DriverCursor {
  /** `maxRows` of each fetch call, in order. */
  readonly fetches: number[];
  /** Number of `close()` calls. */
  closes: number;
  /** Rows handed out so far. */
  readonly delivered: () => number;
  /** Shared event log ("fetch:n", "close"). */
  readonly log: string[];
}

export function memoryCursor(
  rows: readonly (readonly unknown[])[],
  opts: { failOnFetch?: number; log?: string[] } = {},
): MemoryCursor {
  let pos = 0;
  const log = opts.log ?? [];
  const cursor: MemoryCursor = {
    columns: [],
    fetches: [],
    closes: 0,
    log,
    delivered: () => pos,
    async fetch(maxRows: number) {
      cursor.fetches.push(maxRows);
      log.push(`fetch:${maxRows}`);
      if (opts.failOnFetch === cursor.fetches.length) throw new Error("connection reset");
      await Promise.resolve();
      const chunk = rows.slice(pos, pos + maxRows);
      pos += chunk.length;
      return chunk;
    },
    async close() {
      cursor.closes++;
      log.push("close");
    },
  };
  return cursor;
}

/** Rows `[i, "name i"]` for i in 1..n. */
export function numbered(n: number): unknown[][] {
  return Array.from({ length: n }, (_, k) => [k + 1, `name ${k + 1}`]);
}

/**
 * Bounds how many statements the local libSQL client runs without the event loop turning.
 *
 * Why: the local @libsql/client (libsql-js) prepares a native statement for every `execute()` and
 * frees it in an N-API finalizer, and Node runs those finalizers from its immediate queue, that is
 * only when the event loop turns. A loop of awaited statements on a local database never turns
 * it, because the client resolves each promise at once. Native memory then grows by about 5 KB
 * per statement and every statement gets slower: measured on `:memory:`, 240,000 primary-key
 * lookups grew RSS to 1.3 GB and each lookup went from 26 µs to 45 µs; with a macrotask every
 * 1,000 statements RSS stayed at 80 MB (libsql-js issue #153 reports the same growth).
 *
 * A program that does real I/O between statements turns the loop anyway and never waits here.
 * @module
 */
import { nextMacrotask, onNextMacrotask } from "./macrotask.js";

/** Statements after which a reset is scheduled for the next turn of the event loop. */
const WATCH_AFTER = 64;
/** Statements without a turn after which the next one waits for a macrotask (≈1.3 MB native). */
const YIELD_AFTER = 256;

let sinceTurn = 0;
const reset = (): void => {
  sinceTurn = 0;
};

/**
 * Count one statement. Returns a promise to await before running it when the event loop has not
 * turned for {@link YIELD_AFTER} statements, else undefined (no allocation on the common path).
 * The reset scheduled at {@link WATCH_AFTER} runs before that promise settles (callbacks run in
 * order), so the count starts again from zero.
 */
export function countStatement(): Promise<void> | undefined {
  const n = ++sinceTurn;
  if (n === WATCH_AFTER) onNextMacrotask(reset);
  else if (n >= YIELD_AFTER) return nextMacrotask();
  return undefined;
}

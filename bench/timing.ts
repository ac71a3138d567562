/**
 * Timing helpers shared by the benchmarks: a forced GC, medians, and interleaved A/B runs.
 *
 * Interleaving (athanor, raw, athanor, raw, …) keeps slow drift of the machine (CPU frequency,
 * other processes, PostgreSQL autovacuum) from landing on one side only; figures are medians,
 * so one descheduled run does not move them.
 * @module
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** A full garbage collection (exposed at runtime when node was not started with --expose-gc). */
export const gc: () => void = (() => {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Seconds taken by `fn`. */
export async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/** Medians (seconds) of both sides of an A/B comparison, and their ratio. */
export interface Comparison {
  readonly athanor: number;
  readonly raw: number;
  /** athanor / raw. */
  readonly ratio: number;
  readonly athanorRuns: readonly number[];
  readonly rawRuns: readonly number[];
}

/** One side of a comparison: optional untimed setup, then the timed body. */
export interface Side {
  readonly setup?: () => Promise<void>;
  readonly run: () => Promise<unknown>;
}

/**
 * Run `warmup` untimed and `iterations` timed rounds, each round running athanor then raw
 * (order alternates per round), with a GC and each side's setup before its timed run.
 */
export async function compare(
  athanor: Side,
  raw: Side,
  opts: { readonly warmup: number; readonly iterations: number },
): Promise<Comparison> {
  const a: number[] = [];
  const r: number[] = [];
  const one = async (side: Side, out: number[] | undefined): Promise<void> => {
    if (side.setup) await side.setup();
    gc();
    const s = await timeOnce(side.run);
    out?.push(s);
  };
  for (let i = 0; i < opts.warmup + opts.iterations; i++) {
    const timed = i >= opts.warmup;
    if (i % 2 === 0) {
      await one(athanor, timed ? a : undefined);
      await one(raw, timed ? r : undefined);
    } else {
      await one(raw, timed ? r : undefined);
      await one(athanor, timed ? a : undefined);
    }
  }
  const ma = median(a);
  const mr = median(r);
  return { athanor: ma, raw: mr, ratio: ma / mr, athanorRuns: a, rawRuns: r };
}

/** Median seconds of `iterations` timed runs of `fn` after `warmup` untimed ones. */
export async function measure(
  fn: () => Promise<unknown>,
  opts: { readonly warmup: number; readonly iterations: number },
): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < opts.warmup + opts.iterations; i++) {
    gc();
    const s = await timeOnce(fn);
    if (i >= opts.warmup) runs.push(s);
  }
  return median(runs);
}

/**
 * One turn of the event loop (a `setImmediate`). Statement loops in the benchmarks await this
 * every few hundred statements, on both sides, as a server between requests would: the local
 * libSQL client frees each native statement only from Node's immediate queue, so a loop that
 * never turns the event loop grows native memory by about 5 KB per statement and slows down
 * as it goes (see adapters/libsql/statement-budget.ts).
 */
export function turnEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

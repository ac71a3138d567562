/**
 * Running the variants of one suite on one database: a warm-up at a fraction of the size, then
 * timed runs at full size, each after a full GC.
 *
 * Every other variant is timed in pairs with the raw baseline (the raw variant that was fastest
 * in a first pass): raw, then the variant, seven pairs when both runs take under half the
 * budget, else one. Its ratio is the median of the pairs' ratios. Measured next to each other, both
 * sides of a pair share the process's state and the machine's load at that moment (heap size,
 * JIT, what earlier variants left behind, other processes), which a single raw baseline timed at
 * the start did not; a median of per-pair ratios also keeps one slow raw run from flattering the
 * variant. The process's CPU time (user + system, all threads: V8's parallel GC included) is
 * measured beside wall time, and its ratio is reported too.
 *
 * A variant that runs past the time budget (raw ones too) stops at its next chunk boundary; its
 * time is extrapolated linearly to the full size and flagged. For raw variants and for single
 * inserts the cost per row is constant, so the extrapolation is close; the ORM variants that
 * hit it are the ones whose cost per row grows as they go, so their figure is a lower bound.
 * @module
 */
import { event, type AsyncEngine } from "../../src/index.js";
import { gc, timeOnce } from "../timing.js";

/** Time limit of one timed run. */
export interface Budget {
  /** Whether the run should stop now (checked between chunks). */
  expired(): boolean;
}

const UNLIMITED: Budget = { expired: () => false };

/** A timed run shorter than budget / REPEAT_BELOW is repeated; the median counts. */
const REPEAT_BELOW = 6;
/** Raw/variant pairs timed for a short variant (one for a long one). */
const PAIRS = 7;
/**
 * A variant whose run (and its paired raw run) takes under budget / PAIR_BELOW gets all
 * {@link PAIRS} pairs. On a slow moment of this shared host, the lookup loops take about a
 * second, which left them with one pair, and one pair is one sample of a noise that moves the
 * same raw loop by ±30%.
 */
const PAIR_BELOW = 2;

/** One way of doing the suite's work. */
export interface Variant {
  readonly name: string;
  /** The raw driver's hand-written version: the baseline of the ratios. */
  readonly raw?: boolean;
  /** Goal: at most this many times the raw baseline. */
  readonly goal?: number;
  /** Untimed, before every run (e.g. empty the table). */
  readonly setup?: () => Promise<void>;
  /** Do `n` units of work; return how many were done (fewer when the budget ran out). */
  run(n: number, budget: Budget): Promise<number>;
}

/** The measurement of one variant. */
export interface Timing {
  readonly name: string;
  readonly raw: boolean;
  readonly goal: number | undefined;
  /** Seconds for `n` units: measured, or extrapolated from `done` units. */
  readonly seconds: number;
  /** Seconds of the raw baseline runs paired with this variant (median, for `n` units). */
  readonly baseline?: number;
  /** Median over the raw/variant pairs of variant seconds ÷ raw seconds (for `n` units). */
  readonly pairRatio?: number;
  /** The same median for process CPU time (user + system, every thread). */
  readonly cpuRatio?: number;
  /** The variant's fastest run over the fastest of its paired raw runs: the ratio with the least machine noise in it. */
  readonly bestRatio?: number;
  readonly n: number;
  readonly done: number;
  readonly extrapolated: boolean;
}

/**
 * A full GC, then a turn of the event loop (twice), before the clock starts. The local libSQL
 * client answers synchronously, so without it a whole suite ran as one macrotask: Node runs the
 * N-API finalizers that free libSQL's native prepared statements (~5 KB each) only from the
 * event loop, so none was freed (RSS grew by ~10 MB per 2,000 lookups, ~1 GB over
 * short_selects), and the ORM's identity-map settle timers never ran. Every variant after the
 * first raw runs was measured in that state; a server returns to the event loop between
 * requests, so the settled state is the one users see.
 */
async function settle(): Promise<void> {
  gc();
  await new Promise<void>((resolve) => setImmediate(resolve));
  gc();
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** One timed run: wall seconds, units done, and process CPU seconds (user + system). */
interface Run {
  readonly seconds: number;
  readonly done: number;
  readonly cpu: number;
}

async function timedRun(v: Variant, n: number, budgetSeconds: number): Promise<Run> {
  if (v.setup) await v.setup();
  await settle();
  let deadline = Infinity;
  const budget: Budget = { expired: () => performance.now() > deadline };
  let done = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  deadline = t0 + budgetSeconds * 1000;
  done = await v.run(n, budget);
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { seconds, done, cpu: (c.user + c.system) / 1e6 };
}

/**
 * Warm up and time every variant; raw variants run before and after the others.
 * @param log progress lines (stderr)
 */
export async function runVariants(
  variants: readonly Variant[],
  n: number,
  opts: { readonly warmupN: number; readonly budgetSeconds: number; readonly log: (msg: string) => void },
): Promise<Timing[]> {
  for (const v of variants) {
    if (v.setup) await v.setup();
    const warm = await v.run(opts.warmupN, UNLIMITED);
    if (warm !== opts.warmupN) throw new Error(`${v.name}: warm-up did ${warm} of ${opts.warmupN}`);
    await settle();
  }
  const raws = variants.filter((v) => v.raw);
  const perN = (r: { seconds: number; done: number }) => (r.done < n ? (r.seconds * n) / Math.max(1, r.done) : r.seconds);
  const cpuPerN = (r: Run) => (r.done < n ? (r.cpu * n) / Math.max(1, r.done) : r.cpu);
  const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const show = (v: Variant, runs: readonly { seconds: number; done: number }[]) => {
    const r = runs.length === 1 ? runs[0]! : [...runs].sort((a, b) => a.seconds - b.seconds)[runs.length >> 1]!;
    const all = runs.map((x) => x.seconds.toFixed(3)).join(", ");
    opts.log(`  ${v.name}: ${r.seconds.toFixed(3)} s${runs.length > 1 ? ` (median of ${all})` : ""}${r.done < n ? ` (stopped after ${r.done} of ${n})` : ""}`);
    return r;
  };
  const short = (r: { seconds: number; done: number }) => r.done === n && r.seconds * REPEAT_BELOW < opts.budgetSeconds;
  const pairable = (r: { seconds: number; done: number }) => r.done === n && r.seconds * PAIR_BELOW < opts.budgetSeconds;
  const results = new Map<Variant, { seconds: number; done: number; baseline?: number; pairRatio?: number; cpuRatio?: number; bestRatio?: number }>();
  // First pass over the raw variants: their own figures, and the fastest is the baseline.
  for (const v of raws) {
    const runs = [await timedRun(v, n, opts.budgetSeconds)];
    if (short(runs[0]!)) for (let i = 0; i < 2; i++) runs.push(await timedRun(v, n, opts.budgetSeconds));
    results.set(v, show(v, runs));
  }
  const baseline = raws.length ? raws.reduce((a, b) => (perN(results.get(b)!) < perN(results.get(a)!) ? b : a)) : undefined;
  for (const v of variants) {
    if (v.raw) continue;
    const runs: Run[] = [];
    const rawRuns: Run[] = [];
    for (let i = 0; i < PAIRS; i++) {
      if (baseline) rawRuns.push(await timedRun(baseline, n, opts.budgetSeconds));
      runs.push(await timedRun(v, n, opts.budgetSeconds));
      if (!pairable(runs[0]!) || (rawRuns.length && !pairable(rawRuns[0]!))) break;
    }
    const r = show(v, runs);
    if (rawRuns.length === 0) {
      results.set(v, r);
      continue;
    }
    const pairRatio = median(runs.map((x, i) => perN(x) / perN(rawRuns[i]!)));
    const cpuRatio = median(runs.map((x, i) => cpuPerN(x) / cpuPerN(rawRuns[i]!)));
    const bestRatio = Math.min(...runs.map(perN)) / Math.min(...rawRuns.map(perN));
    opts.log(`    pairs: ${runs.map((x, i) => (perN(x) / perN(rawRuns[i]!)).toFixed(2)).join(", ")} → ${pairRatio.toFixed(2)}×; best ${bestRatio.toFixed(2)}×; CPU ${cpuRatio.toFixed(2)}×`);
    results.set(v, { ...r, baseline: median(rawRuns.map(perN)), pairRatio, cpuRatio, bestRatio });
  }
  return variants.map((v) => {
    const r = results.get(v)!;
    const extrapolated = r.done < n;
    return {
      name: v.name,
      raw: v.raw ?? false,
      goal: v.goal,
      seconds: extrapolated ? (r.seconds * n) / Math.max(1, r.done) : r.seconds,
      ...(r.baseline !== undefined ? { baseline: r.baseline } : {}),
      ...(r.pairRatio !== undefined ? { pairRatio: r.pairRatio } : {}),
      ...(r.cpuRatio !== undefined ? { cpuRatio: r.cpuRatio } : {}),
      ...(r.bestRatio !== undefined ? { bestRatio: r.bestRatio } : {}),
      n,
      done: r.done,
      extrapolated,
    };
  });
}

/** Time one function once (after a GC); for figures outside the variant scheme. */
export async function timeAfterGc(fn: () => Promise<unknown>): Promise<number> {
  await settle();
  return timeOnce(fn);
}

/** Statements the engine sends to the driver while `fn` runs (a `beforeCursorExecute` listener). */
export async function countStatements(engine: AsyncEngine, fn: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const listener = () => {
    count++;
  };
  event.listen(engine, "beforeCursorExecute", listener);
  try {
    await fn();
  } finally {
    event.remove(engine, "beforeCursorExecute", listener);
  }
  return count;
}

/** A deterministic shuffle (mulberry32) so every variant looks up the same ids in the same order. */
export function sampleIds(population: number, n: number, seed = 42): number[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const ids = Array.from({ length: population }, (_, i) => i + 1);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, n);
}

/** A suite ready to run on one database: its size, warm-up size and variants. */
export interface PreparedSuite {
  /** Row label, e.g. "bulk_inserts (100,000 rows)". */
  readonly title: string;
  readonly n: number;
  readonly warmupN: number;
  /** Seconds each timed variant may run (Infinity: no limit). */
  readonly budgetSeconds: number;
  readonly variants: readonly Variant[];
}

/**
 * Sizes and switches of the ORM benchmarks (SQLAlchemy's examples/performance, ported).
 *
 *   npm run bench:orm                         full sizes (the issue's), about 6-8 minutes
 *   npm run bench:orm -- --quick              sizes ÷ 10 for development (or ATHANOR_BENCH_QUICK=1)
 *   npm run bench:orm -- --only=short_selects,bulk_updates
 *   npm run bench:orm -- --dialects=postgresql,libsql-file,libsql-memory
 *   npm run bench:orm -- --budget=30          seconds one variant may run before it is stopped
 *   ATHANOR_PG_URL=postgres://…               PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test)
 * @module
 */

/** The suites, in run order, named as SQLAlchemy's modules. */
export const SUITES = ["bulk_inserts", "short_selects", "large_resultsets", "bulk_updates", "single_inserts"] as const;
export type SuiteName = (typeof SUITES)[number];

/** Databases: PostgreSQL via postgres.js, libSQL on a temp file, libSQL on `:memory:`. */
export const DIALECTS = ["postgresql", "libsql-file", "libsql-memory"] as const;
export type DialectKey = (typeof DIALECTS)[number];
/** Run when `--dialects` is not given (`:memory:` is opt-in to keep the run short). */
export const DEFAULT_DIALECTS: readonly DialectKey[] = ["postgresql", "libsql-file"];

/** Everything the suites need to know. */
export interface OrmBenchConfig {
  readonly quick: boolean;
  readonly pgUrl: string;
  readonly suites: readonly SuiteName[];
  readonly dialects: readonly DialectKey[];
  /**
   * Seconds one timed variant may run. A variant past it stops at the next chunk boundary and
   * its time is extrapolated linearly to the full size (reported as "≥", since the variants
   * that hit it slow down as they go).
   */
  readonly budgetSeconds: number;
  /** Rows per ORM flush / add batch (SQLAlchemy's 1,000). */
  readonly chunk: number;
  /** Warm-up runs use this fraction of the size (JIT, prepared statements, compiled cache). */
  readonly warmupFraction: number;
  /** Warm-up size of single_inserts (each insert is a commit: a file sync on libSQL). */
  readonly singleInsertsWarmup: number;
  readonly bulkInserts: number;
  readonly shortSelects: number;
  /** Rows in the table the short selects look up (SQLAlchemy: ids 1..10,999). */
  readonly shortSelectsTable: number;
  readonly largeResultsets: number;
  readonly bulkUpdates: number;
  readonly singleInserts: number;
  /** RSS samples while streaming: every this many rows, after a full GC. */
  readonly streamSampleEvery: number;
}

function listOption(argv: readonly string[], flag: string): string[] | undefined {
  const arg = argv.find((a) => a.startsWith(`--${flag}=`));
  if (!arg) return undefined;
  return arg.slice(flag.length + 3).split(",").map((s) => s.trim()).filter(Boolean);
}

function pick<T extends string>(all: readonly T[], wanted: string[] | undefined, fallback: readonly T[], what: string): T[] {
  if (!wanted) return [...fallback];
  const bad = wanted.filter((w) => !(all as readonly string[]).includes(w));
  if (bad.length) throw new Error(`Unknown ${what}: ${bad.join(", ")} (known: ${all.join(", ")})`);
  return all.filter((a) => wanted.includes(a));
}

/**
 * Read the configuration from argv and the environment.
 * @throws Error naming an unknown suite or dialect, or a budget that is not a positive number.
 */
export function loadConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): OrmBenchConfig {
  const quick = argv.includes("--quick") || env.ATHANOR_BENCH_QUICK === "1";
  const budgetArg = argv.find((a) => a.startsWith("--budget="));
  const budgetSeconds = budgetArg ? Number(budgetArg.slice(9)) : quick ? 3 : 6;
  if (!(budgetSeconds > 0)) throw new Error(`--budget must be a positive number of seconds, got ${budgetArg}`);
  const scale = quick ? 10 : 1;
  return {
    quick,
    pgUrl: env.ATHANOR_PG_URL || "postgres://postgres@127.0.0.1:5432/test",
    suites: pick(SUITES, listOption(argv, "only"), SUITES, "suite"),
    dialects: pick(DIALECTS, listOption(argv, "dialects"), DEFAULT_DIALECTS, "dialect"),
    budgetSeconds,
    chunk: 1_000,
    warmupFraction: 0.05,
    singleInsertsWarmup: 50,
    bulkInserts: 100_000 / scale,
    shortSelects: 10_000 / scale,
    shortSelectsTable: 11_000 / scale,
    largeResultsets: 500_000 / scale,
    bulkUpdates: 100_000 / scale,
    singleInserts: 10_000 / scale,
    streamSampleEvery: 25_000 / scale,
  };
}

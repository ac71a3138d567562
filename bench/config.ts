/**
 * Benchmark sizes and switches, from the command line and the environment.
 *
 *   npm run bench                      full sizes (the figures), about 3-4 minutes
 *   npm run bench -- --quick           small sizes for a smoke run (or ATHANOR_BENCH_QUICK=1)
 *   npm run bench -- --only=read,insert  run some benchmarks (lookup, read, stream, insert)
 *   ATHANOR_PG_URL=postgres://…        PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test)
 *   ATHANOR_BENCH_DIALECTS=libsql      restrict to one dialect (libsql, postgresql)
 * @module
 */

/** Names of the benchmarks, in run order. */
export const BENCHMARKS = ["lookup", "read", "stream", "insert"] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

/** Databases the benchmarks run against. */
export const DIALECTS = ["libsql", "postgresql"] as const;
export type DialectKey = (typeof DIALECTS)[number];

/** Everything a benchmark needs to know about sizes. */
export interface BenchConfig {
  readonly quick: boolean;
  readonly pgUrl: string;
  readonly benchmarks: readonly BenchmarkName[];
  readonly dialects: readonly DialectKey[];
  /** Untimed runs before measuring (JIT warm-up, prepared statements, caches). */
  readonly warmup: number;
  /** Timed runs per side; figures are medians of these. */
  readonly iterations: Readonly<Record<BenchmarkName, number>>;
  /** Statements per run of the compiled-cache benchmark. */
  readonly lookups: number;
  /** Rows per run of the read benchmark. */
  readonly readRows: number;
  /** Rows streamed; RSS is reported at `streamCheckpoint` and at `streamRows`. */
  readonly streamRows: number;
  readonly streamCheckpoint: number;
  /** Rows between two RSS samples while streaming. */
  readonly streamSampleEvery: number;
  /** Rows per run of the executemany benchmark. */
  readonly insertRows: number;
}

function listOption(argv: readonly string[], flag: string, env: string | undefined): string[] | undefined {
  const arg = argv.find((a) => a.startsWith(`--${flag}=`));
  const raw = arg ? arg.slice(flag.length + 3) : env;
  if (raw === undefined || raw.trim() === "") return undefined;
  return raw.split(",").map((s) => s.trim()).filter(Boolean);
}

function pick<T extends string>(all: readonly T[], wanted: string[] | undefined, what: string): T[] {
  if (!wanted) return [...all];
  const bad = wanted.filter((w) => !(all as readonly string[]).includes(w));
  if (bad.length) throw new Error(`Unknown ${what}: ${bad.join(", ")} (known: ${all.join(", ")})`);
  return all.filter((a) => wanted.includes(a));
}

/**
 * Read the configuration.
 * @throws Error naming an unknown benchmark or dialect in `--only` / ATHANOR_BENCH_DIALECTS.
 */
export function loadConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): BenchConfig {
  const quick = argv.includes("--quick") || env.ATHANOR_BENCH_QUICK === "1";
  const benchmarks = pick(BENCHMARKS, listOption(argv, "only", env.ATHANOR_BENCH_ONLY), "benchmark");
  const dialects = pick(DIALECTS, listOption(argv, "dialects", env.ATHANOR_BENCH_DIALECTS), "dialect");
  const pgUrl = env.ATHANOR_PG_URL || "postgres://postgres@127.0.0.1:5432/test";
  return quick
    ? {
        quick, pgUrl, benchmarks, dialects,
        warmup: 1, iterations: { lookup: 3, read: 3, stream: 3, insert: 3 },
        lookups: 2_000, readRows: 50_000,
        streamRows: 50_000, streamCheckpoint: 5_000, streamSampleEvery: 1_000,
        insertRows: 10_000,
      }
    : {
        quick, pgUrl, benchmarks, dialects,
        // Sized so the whole run takes about 5 minutes on a busy 2-core machine.
        warmup: 1, iterations: { lookup: 7, read: 3, stream: 3, insert: 5 },
        lookups: 10_000, readRows: 500_000,
        streamRows: 500_000, streamCheckpoint: 50_000, streamSampleEvery: 5_000,
        insertRows: 100_000,
      };
}

/**
 * Benchmark 3: stream N rows with `conn.stream(select(t))` (yieldPer 1,000) and show that peak
 * memory stays flat: RSS is sampled every `streamSampleEvery` rows, right after a full GC, and
 * the peak up to `streamCheckpoint` rows is compared with the peak over all N rows.
 *
 * Runs in a child process per dialect (`node --expose-gc --import tsx bench/stream-child.ts`),
 * so RSS is not inflated by the 500,000-row reads of the other benchmarks (V8 rarely returns
 * freed pages to the OS). Also times the stream, without GC sampling, against the raw driver
 * streaming the same query by the same strategy:
 * - postgres.js: `sql.unsafe(sql, [], { prepare: true }).values().cursor(1000)` (a portal read
 *   1,000 rows at a time; athanor's connection is in its autobegun transaction, so the adapter
 *   uses `DECLARE … CURSOR` + `FETCH 1000` instead);
 * - libSQL, which has no cursor in @libsql/client: one `client.execute(sql)` of all rows, the
 *   fastest way the raw client reads them (memory is not bounded: the whole result is held).
 *   The adapter pages with `LIMIT ? OFFSET ?` in a deferred transaction, in pages that grow to
 *   16,384 rows (adapters/libsql/cursor.ts), so skipped rows stay a small share of the work.
 * Last, for contrast, the RSS after holding `execute(select(t)).all()` of the same rows.
 * @module
 */
import { runJsonChild } from "./compiled.js";
import { select } from "../src/index.js";
import type { BenchConfig, DialectKey } from "./config.js";
import { markdownTable, type BenchOutcome } from "./report.js";
import { benchTable, drop, recreate, type BenchTable } from "./schema.js";
import { fillRows, type BenchTarget } from "./targets.js";
import { compare, gc } from "./timing.js";

const CHUNK = 1_000;
/** "Flat": peak RSS may grow at most this much between the checkpoint and the end. */
const FLAT_MB = 20;
const MB = 1024 * 1024;

/** What the child process reports (bytes and seconds). */
export interface StreamMeasurements {
  readonly rows: number;
  readonly checkpoint: number;
  readonly rssBefore: number;
  readonly peakAtCheckpoint: number;
  readonly peakAtEnd: number;
  readonly heapAtCheckpoint: number;
  readonly heapAtEnd: number;
  readonly rssBuffered: number;
  readonly athanor: number;
  readonly raw: number;
  readonly runs: number;
}

async function streamAthanor(target: BenchTarget, t: BenchTable, onRow?: (i: number) => void): Promise<number> {
  let count = 0;
  let sum = 0;
  await target.engine.connect(async (conn) => {
    for await (const row of await conn.stream(select(t))) {
      sum += row.id;
      count++;
      onRow?.(count);
    }
  });
  if (sum === 0) throw new Error("stream: no rows");
  return count;
}

async function streamRaw(target: BenchTarget, table: string): Promise<number> {
  let count = 0;
  if (target.kind === "postgresql") {
    const q = target.sql.unsafe(`SELECT id, name, value FROM ${table}`, [], { prepare: true }).values();
    for await (const rows of q.cursor(CHUNK)) {
      for (const row of rows) count += row[0] === null ? 0 : 1;
    }
    return count;
  }
  const rs = await target.client.execute(`SELECT id, name, value FROM ${table}`);
  for (const row of rs.rows) count += row.id === null ? 0 : 1;
  return count;
}

/** Everything measured inside the child process. */
export async function measureStream(target: BenchTarget, config: BenchConfig): Promise<StreamMeasurements> {
  const def = benchTable("athanor_bench_stream");
  const n = config.streamRows;
  await recreate(target, def);
  await fillRows(target, def.table.name, n);

  // Memory pass: GC then sample RSS every `streamSampleEvery` rows.
  gc();
  const rssBefore = process.memoryUsage().rss;
  let peakAtCheckpoint = rssBefore;
  let peakAtEnd = rssBefore;
  let heapAtCheckpoint = 0;
  let heapAtEnd = 0;
  const seen = await streamAthanor(target, def.table, (i) => {
    if (i % config.streamSampleEvery !== 0) return;
    gc();
    const m = process.memoryUsage();
    peakAtEnd = Math.max(peakAtEnd, m.rss);
    if (i <= config.streamCheckpoint) peakAtCheckpoint = Math.max(peakAtCheckpoint, m.rss);
    if (i === config.streamCheckpoint) heapAtCheckpoint = m.heapUsed;
    heapAtEnd = m.heapUsed;
  });
  if (seen !== n) throw new Error(`stream: read ${seen} rows, expected ${n}`);

  // Time passes (no sampling); the memory pass was the warm-up. A full-size pass takes seconds,
  // so fewer runs at full size.
  const runs = config.iterations.stream;
  const cmp = await compare(
    { run: () => streamAthanor(target, def.table) },
    { run: () => streamRaw(target, def.table.name) },
    { warmup: 0, iterations: runs },
  );

  // Contrast: the same rows buffered.
  gc();
  let rssBuffered = 0;
  await target.engine.connect(async (conn) => {
    const rows = (await conn.execute(select(def.table))).all();
    gc();
    rssBuffered = process.memoryUsage().rss;
    if (rows.length !== n) throw new Error("stream: buffered read is short");
  });
  await drop(target, def);
  return {
    rows: n, checkpoint: config.streamCheckpoint,
    rssBefore, peakAtCheckpoint, peakAtEnd, heapAtCheckpoint, heapAtEnd, rssBuffered,
    athanor: cmp.athanor, raw: cmp.raw, runs,
  };
}


/** Run {@link measureStream} in a fresh `node --expose-gc` process and read its JSON. */
function runChild(kind: DialectKey, config: BenchConfig): Promise<StreamMeasurements> {
  return runJsonChild<StreamMeasurements>("./stream-child", import.meta.url, 1, [kind, JSON.stringify(config)], `stream child (${kind})`);
}

/** Run the streaming benchmark for one dialect (in a child process). */
export async function benchStream(kind: DialectKey, label: string, config: BenchConfig): Promise<BenchOutcome> {
  const m = await runChild(kind, config);
  const mb = (b: number) => (b / MB).toFixed(1);
  const growth = (m.peakAtEnd - m.peakAtCheckpoint) / MB;
  const cp = m.checkpoint.toLocaleString("en-US");
  const all = m.rows.toLocaleString("en-US");
  return {
    rows: [
      {
        benchmark: `stream ${all} rows: stream() (time; pass = flat RSS)`,
        dialect: kind,
        athanor: m.athanor,
        raw: m.raw,
        ratio: m.athanor / m.raw,
        target: `RSS +≤ ${FLAT_MB} MB ${cp}→${all}`,
        pass: growth <= FLAT_MB,
      },
    ],
    sections: [
      {
        title: `Streaming memory, ${label} (MB, RSS after a full GC; time median of ${m.runs})`,
        markdown: markdownTable(
          ["RSS before", `peak RSS ≤ ${cp} rows`, `peak RSS ≤ ${all} rows`, "growth", `heap at ${cp}`, `heap at ${all}`, `RSS holding all() of ${all}`],
          [[mb(m.rssBefore), mb(m.peakAtCheckpoint), mb(m.peakAtEnd), `${growth >= 0 ? "+" : ""}${growth.toFixed(1)}`, mb(m.heapAtCheckpoint), mb(m.heapAtEnd), mb(m.rssBuffered)]],
        ),
      },
    ],
  };
}

/**
 * `npm run bench`: athanor's Core/engine benchmarks, each figure a ratio to the raw driver
 * measured in the same run (medians after warm-up). Prints a markdown report and writes it to
 * bench/results.md (a partial run, with `--quick`, `--only` or `--dialects`, to the gitignored
 * bench/results-partial.md). See config.ts for `--quick`, `--only=…`, `--dialects=…` and the environment.
 *
 *   lookup  compiled cache: N freshly built select(t).where(t.c.id.eq(i))   (lookup.ts)
 *   read    500,000 rows as Core rows with execute().all()                  (read-rows.ts)
 *   stream  500,000 rows with stream(): peak RSS at 50k and 500k rows        (stream-rows.ts)
 *   insert  executemany INSERT … RETURNING of 100,000 rows                  (insert-many.ts)
 * @module
 */
import { writeFile } from "node:fs/promises";
import { sourceUrl } from "./compiled.js";
import { cpus, loadavg } from "node:os";
import { BENCHMARKS, DIALECTS, loadConfig, type BenchmarkName, type DialectKey } from "./config.js";
import { benchInsert } from "./insert-many.js";
import { benchLookup } from "./lookup.js";
import { benchRead } from "./read-rows.js";
import { renderReport, type BenchOutcome } from "./report.js";
import { benchStream } from "./stream-rows.js";
import { openTarget, type BenchTarget } from "./targets.js";

const config = loadConfig(process.argv.slice(2), process.env);
const LABELS: Record<DialectKey, string> = { libsql: "libSQL :memory:", postgresql: "PostgreSQL 15 (postgres.js)" };
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

const inProcess: Partial<Record<BenchmarkName, (t: BenchTarget) => Promise<BenchOutcome>>> = {
  lookup: (t) => benchLookup(t, config),
  read: (t) => benchRead(t, config),
  insert: (t) => benchInsert(t, config),
};

async function runOne(name: BenchmarkName, kind: DialectKey): Promise<BenchOutcome> {
  const run = inProcess[name];
  if (!run) return benchStream(kind, LABELS[kind], config);
  const target = await openTarget(kind, config);
  try {
    return await run(target);
  } finally {
    await target.close();
  }
}

const outcomes: BenchOutcome[] = [];
const loadBefore = loadavg()[0]!;
const started = performance.now();
for (const name of config.benchmarks) {
  for (const kind of config.dialects) {
    const t0 = performance.now();
    log(`${name} on ${LABELS[kind]} …`);
    try {
      outcomes.push(await runOne(name, kind));
    } catch (e) {
      // Report the failure and go on: one broken benchmark should not hide the others.
      log(`${name} on ${LABELS[kind]} failed: ${(e as Error).stack ?? String(e)}`);
      outcomes.push({
        rows: [{ benchmark: `${name}: ERROR ${(e as Error).message.slice(0, 80)}`, dialect: kind, athanor: undefined, raw: undefined, ratio: undefined, target: "—", pass: false }],
        sections: [],
      });
    }
    log(`${name} on ${LABELS[kind]} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}
const total = (performance.now() - started) / 1000;

const preamble = [
  `Run: \`npm run bench${config.quick ? " -- --quick" : ""}\` on ${new Date().toISOString().slice(0, 10)}, ` +
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, total ${total.toFixed(0)} s, ` +
    `1-min load average ${loadBefore.toFixed(1)} at start and ${loadavg()[0]!.toFixed(1)} at end (other work on the machine skews ratios; rerun when it is busy). ` +
    `Figures are medians of timed runs (${Object.entries(config.iterations).map(([k, v]) => `${k} ${v}`).join(", ")}) after ${config.warmup} warm-up run(s), athanor and raw interleaved; ratio = athanor / raw.`,
  "",
  "- libSQL: `@libsql/client` on `:memory:` (`intMode: \"number\"`) under `libsql(client)`; raw = `client.execute({ sql, args })`.",
  "- PostgreSQL 15 on localhost through postgres.js (pool of 1, ATHANOR_PG_TYPES) under `postgresjs(sql)`; raw = `sql.unsafe(text, args, { prepare: true }).values()` (arrays; the default object rows are slower, so this is the stricter baseline).",
  "- Statement loops (lookups, single inserts) on both sides yield to the event loop (`setImmediate`) every 100 statements, as a server does between requests: the local libSQL client frees native statements only when the event loop turns, so a loop that never yields grows native memory by ~5 KB per statement and slows both sides as it goes (libsql-js #153; athanor's adapter also yields by itself every 256 statements).",
  "- athanor runs on `engine.connect()` / `engine.begin()` connections, which autobegin a transaction (SQLAlchemy 2.0); raw lookups and reads run in autocommit, raw inserts in one transaction.",
].join("\n");
const report = renderReport(`athanor benchmarks${config.quick ? " (quick sizes)" : ""}`, preamble, outcomes);
process.stdout.write(`\n${report}`);
// Only a full run (every benchmark on both databases, full sizes) replaces the published table.
const full = !config.quick && config.benchmarks.length === BENCHMARKS.length && config.dialects.length === DIALECTS.length;
const outName = full ? "results.md" : "results-partial.md";
await writeFile(sourceUrl(`./${outName}`, import.meta.url), report);
log(`written to bench/${outName}`);
const failed = outcomes.flatMap((o) => o.rows).filter((r) => r.pass === false);
if (failed.length) log(`${failed.length} figure(s) miss their target`);
process.exitCode = failed.some((r) => r.athanor === undefined) ? 1 : 0;

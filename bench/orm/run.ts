/**
 * `npm run bench:orm`: SQLAlchemy's examples/performance suite ported to athanor's ORM
 * (bulk_inserts, short_selects, large_resultsets, bulk_updates, single_inserts), on
 * PostgreSQL and libSQL, every variant beside the raw driver measured in the same run.
 * Prints a markdown report and writes it to bench/orm/results.md (a full run) or
 * bench/orm/results-partial.md (`--quick`, `--only`, `--dialects`). See config.ts for `--quick`,
 * `--only=…`, `--dialects=…`, `--budget=…`.
 * @module
 */
import { writeFile } from "node:fs/promises";
import { runJsonChild, sourceUrl } from "../compiled.js";
import { cpus } from "node:os";
import { DEFAULT_DIALECTS, loadConfig, SUITES, type DialectKey } from "./config.js";
import { renderReport, type SuiteOutcome } from "./report.js";

const config = loadConfig(process.argv.slice(2), process.env);
const log = (msg: string) => process.stderr.write(`[bench:orm] ${msg}\n`);

/** Run every configured suite on `key` in a child process of its own (see dialect-child.ts). */
function runDialect(key: DialectKey): Promise<SuiteOutcome[]> {
  return runJsonChild<SuiteOutcome[]>("./dialect-child", import.meta.url, 2, [key, ...process.argv.slice(2)], `bench:orm on ${key}`);
}

const outcomes: SuiteOutcome[] = [];
const started = performance.now();
for (const key of config.dialects as readonly DialectKey[]) outcomes.push(...(await runDialect(key)));
const total = (performance.now() - started) / 1000;

const preamble = [
  `Run: \`npm run bench:orm${config.quick ? " -- --quick" : ""}\` on ${new Date().toISOString().slice(0, 10)}, ` +
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, total ${total.toFixed(0)} s.`,
  "",
  "Port of SQLAlchemy's examples/performance (table `customer`: id identity primary key, name varchar(255), description varchar(255)). " +
    `Each variant: one warm-up at ${Math.round(config.warmupFraction * 100)}% of the size; every timed run starts after a full GC. Raw variants: one timed run (the median of three when a run takes under a sixth of the budget). ` +
    "Each other variant is timed in pairs with the suite's fastest raw variant (raw, then the variant; seven pairs when both runs take under half the budget, else one), and its ratio is the median of the pairs' ratios; [paired raw …] shows the median of those raw runs, the best ratio (the variant's fastest run over the fastest paired raw run: the figure with the least noise of this shared 2-vCPU machine, where the same raw loop can take 0.36 s or 0.6 s from one run to the next) and the median ratio of process CPU time (user + system, all threads, so V8's parallel GC counts). Raw rows show their own first-pass times. " +
    `A variant still running after ${config.budgetSeconds} s stops at its next chunk and its time is extrapolated linearly to the full size (marked ≥: those variants slow down as they go).`,
  "",
  "- PostgreSQL 15 on localhost via postgres.js (pool max 2, ATHANOR_PG_TYPES) under `postgresjs(sql)`; raw = `sql.unsafe(text, args, { prepare: true }).values()`.",
  "- libSQL: `@libsql/client` (`intMode: \"number\"`) under `libsql(client)` on a file in a temp directory (rollback journal, synchronous FULL)" +
    `${config.dialects.includes("libsql-memory") ? " and on `:memory:`" : ""}; raw = \`client.execute({ sql, args })\` / \`client.transaction("write")\`.`,
  "- Statement loops (lookups, single inserts) on both sides yield to the event loop (`setImmediate`) every 100 statements, as a server does between requests: the local libSQL client frees native statements only when the event loop turns, so a loop that never yields grows native memory by ~5 KB per statement and slows both sides as it goes (libsql-js #153; athanor's adapter also yields by itself every 256 statements).",
  "- athanor sessions and connections autobegin a transaction (SQLAlchemy 2.0); raw lookups and reads run in autocommit.",
  "- Each database's suites run in a child process of their own, as an application talks to one kind of database: in one shared process athanor's engine code met both drivers' result objects and its property accesses turned polymorphic, a cost neither raw driver shares.",
].join("\n");
const report = renderReport(`athanor ORM benchmarks${config.quick ? " (quick sizes)" : ""}`, preamble, outcomes);
process.stdout.write(`\n${report}`);
// Only a full run (all suites, default databases, full sizes) replaces the published table.
const full = !config.quick && config.suites.length === SUITES.length && config.dialects.join() === DEFAULT_DIALECTS.join();
const outName = full ? "results.md" : "results-partial.md";
await writeFile(sourceUrl(`./${outName}`, import.meta.url), report);
log(`written to bench/orm/${outName}`);
const rows = outcomes.flatMap((o) => o.rows);
const failed = rows.filter((r) => r.pass === false);
if (failed.length) log(`${failed.length} figure(s) miss their goal`);
process.exitCode = rows.some((r) => r.variant.startsWith("ERROR")) ? 1 : 0;

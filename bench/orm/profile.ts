/**
 * Profile one variant of one suite, for finding where the ORM spends its time:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/orm-prof --import tsx bench/orm/profile.ts \
 *     <suite> <dialect> "<variant name substring>" [--quick] [--n=5000]
 *   node bench/profile-summary.mjs /tmp/orm-prof/<file>.cpuprofile 30
 *
 * Prepares the suite as the benchmark does, warms the variant up, then runs it once at full (or
 * `--n`) size without a time budget and prints the seconds.
 * @module
 */
import { loadConfig, DIALECTS, SUITES, type DialectKey, type OrmBenchConfig, type SuiteName } from "./config.js";
import { prepareBulkInserts } from "./bulk-inserts.js";
import { prepareBulkUpdates } from "./bulk-updates.js";
import { prepareLargeResultsets } from "./large-resultsets.js";
import type { PreparedSuite } from "./measure.js";
import { prepareShortSelects } from "./short-selects.js";
import { prepareSingleInserts } from "./single-inserts.js";
import { openTarget, type OrmTarget } from "./targets.js";
import { gc } from "../timing.js";

const PREPARE: Record<SuiteName, (t: OrmTarget, c: OrmBenchConfig) => Promise<PreparedSuite>> = {
  bulk_inserts: prepareBulkInserts,
  short_selects: prepareShortSelects,
  large_resultsets: prepareLargeResultsets,
  bulk_updates: prepareBulkUpdates,
  single_inserts: prepareSingleInserts,
};

const [suite, dialect, pattern] = process.argv.slice(2);
if (!SUITES.includes(suite as SuiteName) || !DIALECTS.includes(dialect as DialectKey) || !pattern) {
  throw new Error(`usage: profile.ts <${SUITES.join("|")}> <${DIALECTS.join("|")}> "<variant substring>" [--quick] [--n=N]`);
}
const config = loadConfig(process.argv.slice(2), process.env);
const nArg = process.argv.find((a) => a.startsWith("--n="));
const target = await openTarget(dialect as DialectKey, config.pgUrl);
try {
  const s = await PREPARE[suite as SuiteName](target, config);
  const v = s.variants.find((x) => x.name.includes(pattern));
  if (!v) throw new Error(`no variant matching "${pattern}" in ${suite}: ${s.variants.map((x) => x.name).join(" | ")}`);
  const n = nArg ? Number(nArg.slice(4)) : s.n;
  const never = { expired: () => false };
  if (v.setup) await v.setup();
  await v.run(s.warmupN, never);
  if (v.setup) await v.setup();
  gc();
  const t0 = performance.now();
  const done = await v.run(n, never);
  process.stdout.write(`${suite} / ${v.name} on ${target.label}: ${done} in ${((performance.now() - t0) / 1000).toFixed(3)} s\n`);
} finally {
  await target.close();
}

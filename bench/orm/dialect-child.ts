/**
 * Child process of `npm run bench:orm`: every configured suite on one database, in a process of
 * its own. An application talks to one kind of database, so athanor's engine code sees one
 * driver's result shapes; measured in one process after the other database's suites, its
 * property accesses had met both drivers' objects and turned polymorphic, a cost the raw side
 * (the driver alone) never shares and no single-database application pays.
 *
 *   node bench/orm/dialect-child.js <dialect> [bench:orm flags…]
 *
 * Progress goes to stderr; the suites' outcomes go to stdout as one JSON document.
 * @module
 */
import { DIALECTS, loadConfig, type DialectKey, type OrmBenchConfig, type SuiteName } from "./config.js";
import { benchBulkInserts } from "./bulk-inserts.js";
import { benchBulkUpdates } from "./bulk-updates.js";
import { benchLargeResultsets } from "./large-resultsets.js";
import type { SuiteOutcome } from "./report.js";
import { benchShortSelects } from "./short-selects.js";
import { benchSingleInserts } from "./single-inserts.js";
import { openTarget, type OrmTarget } from "./targets.js";
import { CUSTOMER_TABLE } from "./model.js";

const SUITE_RUNNERS: Record<SuiteName, (t: OrmTarget, c: OrmBenchConfig, l: (m: string) => void) => Promise<SuiteOutcome>> = {
  bulk_inserts: benchBulkInserts,
  short_selects: benchShortSelects,
  large_resultsets: benchLargeResultsets,
  bulk_updates: benchBulkUpdates,
  single_inserts: benchSingleInserts,
};

const [key, ...flags] = process.argv.slice(2);
if (!DIALECTS.includes(key as DialectKey)) throw new Error(`usage: dialect-child <${DIALECTS.join("|")}> [flags…]`);
const config = loadConfig(flags, process.env);
const log = (msg: string) => process.stderr.write(`[bench:orm] ${msg}\n`);

const outcomes: SuiteOutcome[] = [];
const target = await openTarget(key as DialectKey, config.pgUrl);
try {
  for (const suite of config.suites) {
    const t0 = performance.now();
    log(`${suite} on ${target.label} …`);
    try {
      outcomes.push(await SUITE_RUNNERS[suite](target, config, log));
    } catch (e) {
      // Report the failure and go on: one broken suite should not hide the others.
      log(`${suite} on ${target.label} failed: ${(e as Error).stack ?? String(e)}`);
      outcomes.push({
        rows: [{ suite, variant: `ERROR: ${(e as Error).message.slice(0, 120)}`, dialect: key!, seconds: undefined, ratio: undefined, goal: "—", pass: false }],
        sections: [],
      });
    }
    log(`${suite} on ${target.label} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  await target.exec(`DROP TABLE IF EXISTS ${CUSTOMER_TABLE}`);
} finally {
  await target.close();
}
process.stdout.write(JSON.stringify(outcomes));

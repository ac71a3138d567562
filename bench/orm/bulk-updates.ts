/**
 * bulk_updates (SQLAlchemy examples/performance/bulk_updates.py): UPDATE the description of N
 * rows, 1,000 at a time.
 *
 * - ORM flush: per chunk, `select(Customer).where(Customer.id.between(k, k + 1000))` (inclusive,
 *   as the Python original: one row per chunk is loaded and updated twice), append "updated" to
 *   each description, flush (UPDATEs of one shape, sent as one executemany); commit at the end.
 * - ORM bulk UPDATE by primary key: per chunk, the same SELECT of id and description as raw,
 *   then `session.execute(update(Customer), [{ id, description }, …])` (informational).
 * - raw: per chunk, `SELECT id, description … BETWEEN`, then one `UPDATE … SET description = ?
 *   WHERE id = ?` per row sent as a batch (libSQL `tx.batch`; postgres.js pipelined prepared
 *   statements), all in one transaction.
 * The table is refilled before every run, outside the timing.
 * @module
 */
import { AsyncSession, select, update } from "../../src/index.js";
import type { OrmBenchConfig } from "./config.js";
import { runVariants, type PreparedSuite, type Variant } from "./measure.js";
import { Customer, CUSTOMER_TABLE } from "./model.js";
import { pgValues } from "./raw.js";
import { timingRows, type SuiteOutcome } from "./report.js";
import { fillCustomer, ph, recreateCustomer, type OrmTarget } from "./targets.js";

/** The variants on one target whose table holds `rows` rows. */
export function bulkUpdateVariants(t: OrmTarget, rows: number, chunk: number): Variant[] {
  const setup = () => fillCustomer(t, rows);
  const selectSql = `SELECT id, description FROM ${CUSTOMER_TABLE} WHERE id BETWEEN ${ph(t, 1)} AND ${ph(t, 2)}`;
  const updateSql = `UPDATE ${CUSTOMER_TABLE} SET description = ${ph(t, 1)} WHERE id = ${ph(t, 2)}`;
  return [
    {
      name: "raw: SELECT the chunk, then one UPDATE per row as a batch",
      raw: true,
      setup,
      run: async (n, budget) => {
        let updated = 0;
        let done = 0;
        if (t.kind === "libsql") {
          const tx = await t.client.transaction("write");
          try {
            for (let k = 0; k < n && !budget.expired(); k += chunk) {
              const got = (await tx.execute({ sql: selectSql, args: [k, k + chunk] })).rows;
              await tx.batch(got.map((r) => ({ sql: updateSql, args: [`${r[1] as string}updated`, r[0] as number] })));
              updated += got.length;
              done = Math.min(n, k + chunk);
            }
            await tx.commit();
          } finally {
            tx.close();
          }
        } else {
          await t.sql.begin(async (tx) => {
            for (let k = 0; k < n && !budget.expired(); k += chunk) {
              const got = await pgValues(tx, selectSql, [k, k + chunk]);
              await Promise.all(got.map((r) => pgValues(tx, updateSql, [`${r[1] as string}updated`, r[0] as number])));
              updated += got.length;
              done = Math.min(n, k + chunk);
            }
          });
        }
        if (updated < done) throw new Error(`bulk_updates raw: updated ${updated} rows, expected ≥ ${done}`);
        return done;
      },
    },
    {
      name: "ORM flush of modified descriptions, 1,000 at a time",
      setup,
      run: async (n, budget) => {
        await using session = new AsyncSession(t.engine);
        let done = 0;
        for (let k = 0; k < n && !budget.expired(); k += chunk) {
          const customers = (await session.scalars(select(Customer).where(Customer.id.between(k, k + chunk)))).all();
          for (const c of customers) c.description += "updated";
          await session.flush();
          done = Math.min(n, k + chunk);
        }
        await session.commit();
        return done;
      },
    },
    {
      name: "ORM bulk UPDATE by PK: session.execute(update(Customer), rows)",
      setup,
      run: async (n, budget) => {
        await using session = new AsyncSession(t.engine);
        let done = 0;
        for (let k = 0; k < n && !budget.expired(); k += chunk) {
          const got = (await session.execute(select(Customer.id, Customer.description).where(Customer.id.between(k, k + chunk)))).all();
          await session.execute(update(Customer), got.map((r) => ({ id: r.id, description: `${r.description}updated` })));
          done = Math.min(n, k + chunk);
        }
        await session.commit();
        return done;
      },
    },
  ];
}

/** Create the table and the variants on one target (each run refills it). */
export async function prepareBulkUpdates(t: OrmTarget, config: OrmBenchConfig): Promise<PreparedSuite> {
  const n = config.bulkUpdates;
  await recreateCustomer(t);
  return {
    title: `bulk_updates (${n.toLocaleString("en-US")} rows)`,
    n,
    warmupN: Math.max(config.chunk, Math.round(n * config.warmupFraction)),
    budgetSeconds: config.budgetSeconds,
    variants: bulkUpdateVariants(t, n, config.chunk),
  };
}

/** Run the suite on one target. */
export async function benchBulkUpdates(t: OrmTarget, config: OrmBenchConfig, log: (m: string) => void): Promise<SuiteOutcome> {
  const s = await prepareBulkUpdates(t, config);
  const timings = await runVariants(s.variants, s.n, { ...s, log });
  return { rows: timingRows(s.title, t.key, timings), sections: [] };
}

/**
 * bulk_inserts (SQLAlchemy examples/performance/bulk_inserts.py): INSERT N customers.
 *
 * - flush, no PK: add 1,000 new objects, flush (one multi-row INSERT … RETURNING id per flush,
 *   fetching the generated ids), repeat; commit at the end.                 goal ≤ 1.5× raw
 * - flush, PK given: the same with ids set on the objects.
 * - ORM bulk insert: `session.execute(insert(Customer), rows)`, no objects, no RETURNING.
 * - ORM insert returning objects: `session.scalars(insert(Customer).returning(Customer), rows).all()`.
 * - Core insert: `conn.execute(insert(table), rows)` (executemany) in `engine.begin()`.
 * - raw: hand-written `INSERT … VALUES (…), (…) … RETURNING id` pages in one transaction, with
 *   pages of 1,000 rows (what a flush of 1,000 objects sends) and the largest page the
 *   parameter limit allows; the faster is the baseline.
 * Every variant builds its values inside the timing, as the Python original does; the table is
 * emptied (ids restarted) before every run, outside the timing.
 * @module
 */
import { AsyncSession, insert } from "../../src/index.js";
import type { OrmBenchConfig } from "./config.js";
import { runVariants, type PreparedSuite, type Variant } from "./measure.js";
import { Customer, customerValues } from "./model.js";
import { insertPageSql, maxPageRows, rawTransaction } from "./raw.js";
import { timingRows, type SuiteOutcome } from "./report.js";
import { emptyCustomer, recreateCustomer, type OrmTarget } from "./targets.js";

function check(what: string, got: unknown, want: unknown): void {
  if (got !== want) throw new Error(`bulk_inserts ${what}: got ${String(got)}, expected ${String(want)}`);
}

/** The variants on one target. */
export function bulkInsertVariants(t: OrmTarget, chunk: number): Variant[] {
  const setup = () => emptyCustomer(t);
  const flushLoop = (withPk: boolean): Variant["run"] => async (n, budget) => {
    await using session = new AsyncSession(t.engine);
    let done = 0;
    let last: Customer | undefined;
    for (let start = 0; start < n && !budget.expired(); start += chunk) {
      // Objects built straight from their values, as the Python original's list comprehension.
      const k = Math.min(chunk, n - start);
      const objs: Customer[] = new Array(k);
      for (let i = 0; i < k; i++) {
        const name = `customer name ${start + i}`;
        const description = `customer description ${start + i}`;
        objs[i] = new Customer(withPk ? { id: start + i + 1, name, description } : { name, description });
      }
      session.addAll(objs);
      await session.flush();
      last = objs[objs.length - 1];
      done += objs.length;
    }
    await session.commit();
    if (!withPk && done > 0) check("flush no PK: last generated id", typeof (last as unknown as { id: unknown }).id, "number");
    return done;
  };
  const rawPages = (pageRows: number): Variant["run"] => async (n) => {
    const sqlFor = new Map<number, string>();
    let ids = 0;
    await rawTransaction(t, async (exec) => {
      for (let start = 0; start < n; start += pageRows) {
        const k = Math.min(pageRows, n - start);
        const args: string[] = new Array(k * 2);
        for (let i = 0, j = 0; i < k; i++) {
          args[j++] = `customer name ${start + i}`;
          args[j++] = `customer description ${start + i}`;
        }
        let sql = sqlFor.get(k);
        if (sql === undefined) sqlFor.set(k, (sql = insertPageSql(t, k)));
        ids += (await exec(sql, args)).length;
      }
    });
    check(`raw (${pageRows}-row pages) ids`, ids, n);
    return n;
  };
  const maxRows = maxPageRows(t);
  return [
    { name: `raw multi-row INSERT … RETURNING id, ${chunk.toLocaleString("en-US")}-row pages`, raw: true, setup, run: rawPages(chunk) },
    { name: `raw multi-row INSERT … RETURNING id, ${maxRows.toLocaleString("en-US")}-row pages`, raw: true, setup, run: rawPages(maxRows) },
    { name: "ORM flush, no PK (fetch generated ids)", goal: 1.5, setup, run: flushLoop(false) },
    { name: "ORM flush, PK given", setup, run: flushLoop(true) },
    {
      name: "ORM bulk insert: session.execute(insert(Customer), rows)",
      setup,
      run: async (n) => {
        await using session = new AsyncSession(t.engine);
        await session.execute(insert(Customer), customerValues(0, n));
        await session.commit();
        return n;
      },
    },
    {
      name: "ORM insert returning objects: insert(Customer).returning(Customer)",
      setup,
      run: async (n) => {
        await using session = new AsyncSession(t.engine);
        const customers = (await session.scalars(insert(Customer).returning(Customer), customerValues(0, n))).all();
        check("insert returning: objects", customers.length, n);
        await session.commit();
        return n;
      },
    },
    {
      name: "Core insert (executemany): conn.execute(insert(table), rows)",
      setup,
      run: async (n) => {
        await t.engine.begin(async (conn) => {
          await conn.execute(insert(Customer.__table__), customerValues(0, n));
        });
        return n;
      },
    },
  ];
}

/** Create the table and the variants on one target. */
export async function prepareBulkInserts(t: OrmTarget, config: OrmBenchConfig): Promise<PreparedSuite> {
  await recreateCustomer(t);
  const n = config.bulkInserts;
  return {
    title: `bulk_inserts (${n.toLocaleString("en-US")} rows)`,
    n,
    warmupN: Math.max(config.chunk, Math.round(n * config.warmupFraction)),
    budgetSeconds: config.budgetSeconds,
    variants: bulkInsertVariants(t, config.chunk),
  };
}

/** Run the suite on one target. */
export async function benchBulkInserts(t: OrmTarget, config: OrmBenchConfig, log: (m: string) => void): Promise<SuiteOutcome> {
  const s = await prepareBulkInserts(t, config);
  const timings = await runVariants(s.variants, s.n, { ...s, log });
  await emptyCustomer(t);
  return { rows: timingRows(s.title, t.key, timings), sections: [] };
}

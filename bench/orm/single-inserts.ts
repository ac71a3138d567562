/**
 * single_inserts (SQLAlchemy examples/performance/single_inserts.py): N times, INSERT one row
 * in its own transaction and commit, fetching the new id, as an API call would.
 *
 * - ORM: a new `AsyncSession`, `add(new Customer(…))`, `commit()`, close.
 * - Core: `engine.begin(conn => conn.execute(insert(table), { name, description }))`.
 * - raw, autocommit: one `INSERT … RETURNING id` (the statement is its own transaction; on
 *   PostgreSQL 1 round trip where athanor sends BEGIN, INSERT, COMMIT).
 * - raw, explicit transaction: BEGIN, `INSERT … RETURNING id`, COMMIT (libSQL
 *   `client.transaction("write")`, postgres.js `sql.begin()`).
 * The table is emptied before every run, outside the timing.
 * @module
 */
import { AsyncSession, insert } from "../../src/index.js";
import type { OrmBenchConfig } from "./config.js";
import { runVariants, type PreparedSuite, type Variant } from "./measure.js";
import { Customer, CUSTOMER_TABLE } from "./model.js";
import { pgValues, rawTransaction } from "./raw.js";
import { timingRows, type SuiteOutcome } from "./report.js";
import { emptyCustomer, ph, recreateCustomer, type OrmTarget } from "./targets.js";
import { turnEventLoop } from "../timing.js";

const STEP = 100;

/** The variants on one target. */
export function singleInsertVariants(t: OrmTarget): Variant[] {
  const setup = () => emptyCustomer(t);
  const loop = async (n: number, budget: { expired(): boolean }, one: (i: number) => Promise<void>): Promise<number> => {
    let i = 0;
    for (; i < n; i++) {
      if (i % STEP === 0) {
        if (budget.expired()) break;
        await turnEventLoop();
      }
      await one(i);
    }
    return i;
  };
  const sql = `INSERT INTO ${CUSTOMER_TABLE} (name, description) VALUES (${ph(t, 1)}, ${ph(t, 2)}) RETURNING id`;
  const args = (i: number) => [`customer name ${i}`, `customer description ${i}`];
  const checkId = (id: unknown) => {
    if (typeof id !== "number") throw new Error(`single_inserts: no id returned (${String(id)})`);
  };
  return [
    {
      name: "raw, autocommit INSERT … RETURNING id",
      raw: true,
      setup,
      run: (n, b) =>
        loop(n, b, async (i) => {
          const row = t.kind === "libsql" ? (await t.client.execute({ sql, args: args(i) })).rows[0]! : (await pgValues(t.sql, sql, args(i)))[0]!;
          checkId(row[0]);
        }),
    },
    {
      name: "raw, BEGIN / INSERT … RETURNING id / COMMIT",
      raw: true,
      setup,
      run: (n, b) => loop(n, b, async (i) => checkId((await rawTransaction(t, (exec) => exec(sql, args(i))))[0]![0])),
    },
    {
      name: "ORM: new session, add, commit",
      setup,
      run: (n, b) =>
        loop(n, b, async (i) => {
          await using session = new AsyncSession(t.engine);
          const c = new Customer({ name: `customer name ${i}`, description: `customer description ${i}` });
          session.add(c);
          await session.commit();
        }),
    },
    {
      name: "Core: engine.begin(), execute(insert(table), row)",
      setup,
      run: (n, b) =>
        loop(n, b, async (i) => {
          await t.engine.begin(async (conn) => {
            await conn.execute(insert(Customer.__table__), { name: `customer name ${i}`, description: `customer description ${i}` });
          });
        }),
    },
  ];
}

/** Create the table and the variants on one target. */
export async function prepareSingleInserts(t: OrmTarget, config: OrmBenchConfig): Promise<PreparedSuite> {
  const n = config.singleInserts;
  await recreateCustomer(t);
  return {
    title: `single_inserts (${n.toLocaleString("en-US")})`,
    n,
    warmupN: config.singleInsertsWarmup,
    budgetSeconds: config.budgetSeconds,
    variants: singleInsertVariants(t),
  };
}

/** Run the suite on one target. */
export async function benchSingleInserts(t: OrmTarget, config: OrmBenchConfig, log: (m: string) => void): Promise<SuiteOutcome> {
  const s = await prepareSingleInserts(t, config);
  const timings = await runVariants(s.variants, s.n, { ...s, log });
  return { rows: timingRows(s.title, t.key, timings), sections: [] };
}

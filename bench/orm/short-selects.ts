/**
 * short_selects (SQLAlchemy examples/performance/short_selects.py): N lookups of one row by
 * primary key, ids drawn without repetition (a fixed shuffle) from a table of N × 1.1 rows.
 *
 * - ORM entity select: `session.execute(select(Customer).where(Customer.id.eq(id))).scalarOne()`
 *   in one session (a new statement each time, compiled cache on).        goal ≤ 1.6× raw
 * - ORM column select: `select(Customer.id, Customer.name, Customer.description)`.
 * - session.get, cold: a new session, each get() one SELECT.
 * - session.get, identity-map hit: the objects are already in the session (loaded untimed);
 *   each get() must cost no round trip, and the statement count is asserted to be 0.
 * - Core, new statement each time: `conn.execute(select(table).where(table.c.id.eq(id))).first()`.
 * - Core, one statement reused: `select(table).where(table.c.id.eq(bindparam("id")))`, `{ id }`.
 *                                                                            goals ≤ 1.15× raw
 * - raw: libSQL `client.execute({ sql, args: [id] })`; postgres.js
 *   `sql.unsafe(text, [id], { prepare: true }).values()`, in autocommit. athanor's session and
 *   connections autobegin one transaction for the whole loop (SQLAlchemy 2.0 semantics).
 * @module
 */
import { AsyncSession, bindparam, select } from "../../src/index.js";
import type { OrmBenchConfig } from "./config.js";
import { countStatements, runVariants, sampleIds, type PreparedSuite, type Variant } from "./measure.js";
import { Customer, CUSTOMER_TABLE } from "./model.js";
import { pgValues } from "./raw.js";
import { markdownTable, timingRows, type SuiteOutcome } from "./report.js";
import { fillCustomer, ph, recreateCustomer, type OrmTarget } from "./targets.js";
import { turnEventLoop } from "../timing.js";

/** Budget checks every this many lookups. */
const STEP = 100;

function sinkCheck(what: string, sink: number): void {
  if (sink === 0) throw new Error(`short_selects ${what}: no rows read`);
}

/** The variants on one target, looking up `ids` (in order; runs take the first n). */
export function shortSelectVariants(t: OrmTarget, ids: readonly number[]): Variant[] {
  const table = Customer.__table__;
  const loop = async (n: number, budget: { expired(): boolean }, one: (id: number) => Promise<number>): Promise<number> => {
    let sink = 0;
    let i = 0;
    for (; i < n; i++) {
      if (i % STEP === 0) {
        if (budget.expired()) break;
        await turnEventLoop();
      }
      sink += await one(ids[i]!);
    }
    sinkCheck("loop", sink);
    return i;
  };
  const rawSql = `SELECT id, name, description FROM ${CUSTOMER_TABLE} WHERE id = ${ph(t, 1)}`;
  let warmSession: AsyncSession | undefined;
  // Held by the benchmark as an application would hold what it loaded: the identity map is weak
  // (as SQLAlchemy's), so objects nobody references may be collected once the loading task ends.
  let warmObjects: readonly Customer[] = [];
  return [
    {
      name: "raw driver, one SELECT per lookup",
      raw: true,
      run: (n, b) =>
        t.kind === "libsql"
          ? loop(n, b, async (id) => ((await t.client.execute({ sql: rawSql, args: [id] })).rows[0]!.name as string).length)
          : loop(n, b, async (id) => ((await pgValues(t.sql, rawSql, [id]))[0]![1] as string).length),
    },
    {
      name: "ORM entity select: select(Customer).where(Customer.id.eq(id))",
      goal: 1.6,
      run: async (n, b) => {
        await using session = new AsyncSession(t.engine);
        return await loop(n, b, async (id) => (await session.execute(select(Customer).where(Customer.id.eq(id)))).scalarOne().name!.length);
      },
    },
    {
      name: "ORM column select: select(Customer.id, Customer.name, Customer.description)",
      run: async (n, b) => {
        await using session = new AsyncSession(t.engine);
        return await loop(n, b, async (id) => {
          const row = (await session.execute(select(Customer.id, Customer.name, Customer.description).where(Customer.id.eq(id)))).one();
          return row[1]!.length;
        });
      },
    },
    {
      name: "session.get, cold session (one SELECT each)",
      run: async (n, b) => {
        await using session = new AsyncSession(t.engine);
        return await loop(n, b, async (id) => (await session.get(Customer, id))!.name!.length);
      },
    },
    {
      name: "session.get, identity-map hit (0 statements)",
      setup: async () => {
        warmSession = new AsyncSession(t.engine);
        warmObjects = (await warmSession.scalars(select(Customer))).all();
      },
      run: async (n, b) => {
        const session = warmSession!;
        try {
          let done = 0;
          const statements = await countStatements(t.engine, async () => {
            done = await loop(n, b, async (id) => (await session.get(Customer, id))!.name!.length);
          });
          if (statements !== 0) throw new Error(`short_selects: session.get of loaded objects ran ${statements} statements, expected 0`);
          return done;
        } finally {
          warmObjects = [];
          await session.close();
        }
      },
    },
    {
      name: "Core, new statement each time",
      goal: 1.15,
      run: (n, b) =>
        t.engine.connect((conn) => loop(n, b, async (id) => (await conn.execute(select(table).where(table.c.id.eq(id)))).first()!.name!.length)),
    },
    {
      name: "Core, one statement reused with bindparam",
      goal: 1.15,
      run: (n, b) => {
        const stmt = select(table).where(table.c.id.eq(bindparam<number>("id")));
        return t.engine.connect((conn) => loop(n, b, async (id) => (await conn.execute(stmt, { id })).first()!.name!.length));
      },
    },
  ];
}

/** Create and fill the table, and the variants on one target. */
export async function prepareShortSelects(t: OrmTarget, config: OrmBenchConfig): Promise<PreparedSuite> {
  await recreateCustomer(t);
  await fillCustomer(t, config.shortSelectsTable);
  const n = config.shortSelects;
  return {
    title: `short_selects (${n.toLocaleString("en-US")} lookups)`,
    n,
    warmupN: Math.max(100, Math.round(n * config.warmupFraction)),
    budgetSeconds: config.budgetSeconds,
    variants: shortSelectVariants(t, sampleIds(config.shortSelectsTable - 1, n)),
  };
}

/** Run the suite on one target. */
export async function benchShortSelects(t: OrmTarget, config: OrmBenchConfig, log: (m: string) => void): Promise<SuiteOutcome> {
  const s = await prepareShortSelects(t, config);
  const timings = await runVariants(s.variants, s.n, { ...s, log });
  const perLookup = timings.map((x) => [x.name, ((x.seconds / x.n) * 1e6).toFixed(1)]);
  return {
    rows: timingRows(s.title, t.key, timings),
    sections: [{ title: `short_selects per lookup, ${t.label} (µs)`, markdown: markdownTable(["variant", "µs per lookup"], perLookup) }],
  };
}

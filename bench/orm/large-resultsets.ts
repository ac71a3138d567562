/**
 * large_resultsets (SQLAlchemy examples/performance/large_resultsets.py): read N small rows
 * (`SELECT … LIMIT n`), touching every column of every row.
 *
 * - ORM full objects as one list: `session.scalars(select(Customer).limit(n)).all()`.
 *                                                                            goal ≤ 2.5× raw
 * - ORM objects in chunks of 1,000: `session.streamScalars(… yieldPer 1,000).partitions(1000)`;
 *   its memory is checked in a child process (stream-child.ts): peak RSS after a full GC may
 *   grow at most 20 MB between 10% and 100% of the rows.                     goal: flat RSS
 * - ORM columns: `session.execute(select(Customer.id, Customer.name, Customer.description))`.
 * - Core all(), Core mappings().all(), Core stream() (`conn.stream`, yieldPer 1,000).
 * - raw: libSQL `client.execute`, postgres.js `sql.unsafe(…, { prepare: true }).values()`,
 *   reading `row[0..2]` of every row; and the same building a plain object per row (as the
 *   Python suite's "dbapi fetchall plus append objects", informational).
 * @module
 */
import { runJsonChild } from "../compiled.js";
import { AsyncSession, select } from "../../src/index.js";
import type { OrmBenchConfig } from "./config.js";
import { runVariants, type PreparedSuite, type Variant } from "./measure.js";
import { Customer, CUSTOMER_TABLE } from "./model.js";
import { pgValues } from "./raw.js";
import { markdownTable, timingRows, type ReportRow, type SuiteOutcome } from "./report.js";
import type { StreamChildArgs, StreamMemory } from "./stream-child.js";
import { fillCustomer, ph, recreateCustomer, type OrmTarget } from "./targets.js";

/** "Flat": peak RSS may grow at most this much between 10% and 100% of the rows. */
const FLAT_MB = 20;
const MB = 1024 * 1024;

function expectRows(what: string, got: number, n: number): number {
  if (got !== n) throw new Error(`large_resultsets ${what}: read ${got} rows, expected ${n}`);
  return n;
}

class SimpleCustomer {
  constructor(
    readonly id: unknown,
    readonly name: unknown,
    readonly description: unknown,
  ) {}
}

/** The variants on one target. */
export function largeResultsetVariants(t: OrmTarget, chunk: number): Variant[] {
  const table = Customer.__table__;
  const rawSql = `SELECT id, name, description FROM ${CUSTOMER_TABLE} LIMIT ${ph(t, 1)}`;
  const rawRows = async (n: number): Promise<readonly ArrayLike<unknown>[]> =>
    t.kind === "libsql" ? (await t.client.execute({ sql: rawSql, args: [n] })).rows : pgValues(t.sql, rawSql, [n]);
  return [
    {
      name: "raw driver, read row[0..2]",
      raw: true,
      run: async (n) => {
        let k = 0;
        for (const r of await rawRows(n)) if (r[0] !== undefined && r[1] !== undefined && r[2] !== undefined) k++;
        return expectRows("raw", k, n);
      },
    },
    {
      name: "raw driver + a plain object per row",
      run: async (n) => {
        const out: SimpleCustomer[] = [];
        for (const r of await rawRows(n)) out.push(new SimpleCustomer(r[0], r[1], r[2]));
        return expectRows("raw objects", out.length, n);
      },
    },
    {
      name: "ORM full objects, one list: scalars(select(Customer)).all()",
      goal: 2.5,
      run: async (n) => {
        await using session = new AsyncSession(t.engine);
        const all = (await session.scalars(select(Customer).limit(n))).all();
        let k = 0;
        for (const c of all) if (c.id > 0 && c.name !== undefined && c.description !== undefined) k++;
        return expectRows("ORM objects", k, n);
      },
    },
    {
      name: `ORM objects in chunks of ${chunk.toLocaleString("en-US")}: session.streamScalars(…).partitions()`,
      run: async (n) => {
        await using session = new AsyncSession(t.engine);
        const stream = await session.streamScalars(select(Customer).limit(n).executionOptions({ yieldPer: chunk }));
        let k = 0;
        for await (const objs of stream.partitions(chunk)) for (const c of objs) if (c.id > 0 && c.name !== undefined && c.description !== undefined) k++;
        return expectRows("ORM stream", k, n);
      },
    },
    {
      name: "ORM columns: execute(select(Customer.id, Customer.name, Customer.description))",
      run: async (n) => {
        await using session = new AsyncSession(t.engine);
        let k = 0;
        for (const r of (await session.execute(select(Customer.id, Customer.name, Customer.description).limit(n))).all()) {
          if (r.id > 0 && r.name !== undefined && r.description !== undefined) k++;
        }
        return expectRows("ORM columns", k, n);
      },
    },
    {
      name: "Core all(): conn.execute(select(table)).all()",
      run: (n) =>
        t.engine.connect(async (conn) => {
          let k = 0;
          for (const r of (await conn.execute(select(table).limit(n))).all()) if (r.id > 0 && r.name !== undefined && r.description !== undefined) k++;
          return expectRows("Core all", k, n);
        }),
    },
    {
      name: "Core mappings().all()",
      run: (n) =>
        t.engine.connect(async (conn) => {
          let k = 0;
          for (const m of (await conn.execute(select(table).limit(n))).mappings().all()) {
            if (m.id > 0 && m.name !== undefined && m.description !== undefined) k++;
          }
          return expectRows("Core mappings", k, n);
        }),
    },
    {
      name: `Core streamed: conn.stream(select(table)), yieldPer ${chunk.toLocaleString("en-US")}`,
      run: (n) =>
        t.engine.connect(async (conn) => {
          let k = 0;
          for await (const r of await conn.stream(select(table).limit(n))) if (r.id > 0 && r.name !== undefined && r.description !== undefined) k++;
          return expectRows("Core stream", k, n);
        }),
    },
  ];
}


function runChild(args: StreamChildArgs): Promise<StreamMemory> {
  return runJsonChild<StreamMemory>("./stream-child", import.meta.url, 2, [JSON.stringify(args)], `stream child (${args.dialect})`);
}

/** Create and fill the table, and the variants on one target. */
export async function prepareLargeResultsets(t: OrmTarget, config: OrmBenchConfig): Promise<PreparedSuite> {
  const n = config.largeResultsets;
  await recreateCustomer(t);
  await fillCustomer(t, n);
  return {
    title: `large_resultsets (${n.toLocaleString("en-US")} rows)`,
    n,
    warmupN: Math.round(n * config.warmupFraction),
    // One statement per variant, so nothing stops early; the budget only decides repeats.
    budgetSeconds: config.budgetSeconds,
    variants: largeResultsetVariants(t, config.chunk),
  };
}

/** Run the suite on one target. */
export async function benchLargeResultsets(t: OrmTarget, config: OrmBenchConfig, log: (m: string) => void): Promise<SuiteOutcome> {
  const s = await prepareLargeResultsets(t, config);
  const n = s.n;
  const timings = await runVariants(s.variants, n, { ...s, log });
  const suite = s.title;
  const rows: ReportRow[] = timingRows(suite, t.key, timings);
  log("  memory of session.stream in a child process …");
  const m = await runChild({ dialect: t.key, pgUrl: config.pgUrl, location: t.location, rows: n, sampleEvery: config.streamSampleEvery, chunk: config.chunk });
  const growth = (m.peakAtEnd - m.peakAtCheckpoint) / MB;
  const mb = (b: number) => (b / MB).toFixed(1);
  const cp = m.checkpoint.toLocaleString("en-US");
  const all = m.rows.toLocaleString("en-US");
  rows.push({
    suite,
    variant: `ORM session.stream memory: peak RSS ${mb(m.peakAtCheckpoint)} MB at ${cp} rows → ${mb(m.peakAtEnd)} MB at ${all} (${growth >= 0 ? "+" : ""}${growth.toFixed(1)} MB)`,
    dialect: t.key,
    seconds: undefined,
    ratio: undefined,
    goal: `flat: +≤ ${FLAT_MB} MB`,
    pass: growth <= FLAT_MB,
  });
  return {
    rows,
    sections: [
      {
        title: `session.stream memory, ${t.label} (MB after a full GC, sampled every ${config.streamSampleEvery.toLocaleString("en-US")} rows, child process)`,
        markdown: markdownTable(
          ["RSS before", `peak RSS ≤ ${cp} rows`, `peak RSS ≤ ${all} rows`, "growth", `heap at ${cp}`, `heap at ${all}`, "identity map size after"],
          [[mb(m.rssBefore), mb(m.peakAtCheckpoint), mb(m.peakAtEnd), growth.toFixed(1), mb(m.heapAtCheckpoint), mb(m.heapAtEnd), m.identityMapSize.toLocaleString("en-US")]],
        ),
      },
    ],
  };
}

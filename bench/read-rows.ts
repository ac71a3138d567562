/**
 * Benchmark 2: read N rows (id integer, name text, value double) as Core rows with
 * `conn.execute(select(t)).all()`, against the raw driver reading the same rows in one query:
 * - libSQL: `client.execute(sql)` (its rows are array-like objects with named keys);
 * - postgres.js: `sql.unsafe(sql, [], { prepare: true }).values()` (arrays, as the adapter
 *   requests them; the plain form builds one object per row and is slower).
 * Both sides touch one column of every row (named access on athanor rows), so lazily built rows
 * cannot look free.
 * @module
 */
import { select } from "../src/index.js";
import type { BenchConfig } from "./config.js";
import { ratioRow, type BenchOutcome } from "./report.js";
import { benchTable, drop, recreate, type BenchTable } from "./schema.js";
import { fillRows, type BenchTarget } from "./targets.js";
import { compare } from "./timing.js";

const TARGET = 1.3;

async function athanorRead(target: BenchTarget, t: BenchTable, n: number): Promise<void> {
  let sum = 0;
  let count = 0;
  await target.engine.connect(async (conn) => {
    const rows = (await conn.execute(select(t))).all();
    for (const row of rows) sum += row.id;
    count = rows.length;
  });
  if (count !== n || sum !== (n * (n + 1)) / 2) throw new Error(`read: athanor read ${count} rows, expected ${n}`);
}

async function rawRead(target: BenchTarget, table: string, n: number): Promise<void> {
  const sql = `SELECT id, name, value FROM ${table}`;
  let sum = 0;
  let count = 0;
  if (target.kind === "libsql") {
    const rs = await target.client.execute(sql);
    for (const row of rs.rows) sum += row.id as number;
    count = rs.rows.length;
  } else {
    const rows = await target.sql.unsafe(sql, [], { prepare: true }).values();
    for (const row of rows) sum += row[0] as number;
    count = rows.length;
  }
  if (count !== n || sum !== (n * (n + 1)) / 2) throw new Error(`read: raw read ${count} rows, expected ${n}`);
}

/** Run the read benchmark on one target. */
export async function benchRead(target: BenchTarget, config: BenchConfig): Promise<BenchOutcome> {
  const def = benchTable("athanor_bench_read");
  await recreate(target, def);
  const n = config.readRows;
  await fillRows(target, def.table.name, n);
  const cmp = await compare(
    { run: () => athanorRead(target, def.table, n) },
    { run: () => rawRead(target, def.table.name, n) },
    { warmup: config.warmup, iterations: config.iterations.read },
  );
  await drop(target, def);
  return {
    rows: [ratioRow(`read ${n.toLocaleString("en-US")} rows: execute().all()`, target.kind, cmp.athanor, cmp.raw, TARGET)],
    sections: [],
  };
}

/**
 * Benchmark 4: executemany INSERT of N rows with RETURNING,
 * `conn.execute(insert(t).returning(t.c.id), rows)` in one `engine.begin()` transaction, against
 * the best hand-written multi-row `INSERT … VALUES (…), (…) … RETURNING id` through the raw
 * driver, in one transaction too (libSQL `client.transaction("write")`, postgres.js
 * `sql.begin()`, prepared), pages of rows per statement within the parameter limit.
 *
 * "Best" is measured: before timing, the raw loop runs with several page sizes (1,000 rows,
 * 5,000 rows, and as many as the parameter limit allows) and the fastest is kept. The table is
 * emptied before every run, outside the timing.
 * @module
 */
import { insert } from "../src/index.js";
import type { BenchConfig } from "./config.js";
import { markdownTable, ratioRow, type BenchOutcome } from "./report.js";
import { benchTable, drop, recreate, type BenchTable } from "./schema.js";
import { placeholder, type BenchTarget } from "./targets.js";
import { compare, median, timeOnce, gc } from "./timing.js";

const TARGET = 1.2;
/**
 * Parameter limits: SQLite's SQLITE_MAX_VARIABLE_NUMBER; postgres.js refuses 65,534 or more
 * (MAX_PARAMETERS_EXCEEDED), one below the protocol's 65,535.
 */
const MAX_PARAMS = { libsql: 32_766, postgresql: 65_533 } as const;

type InRow = {
  readonly name: string;
  readonly value: number;
};

function makeRows(n: number): InRow[] {
  const rows: InRow[] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = { name: `name ${i}`, value: i * 1.5 };
  return rows;
}

async function empty(target: BenchTarget, table: string): Promise<void> {
  await target.exec(target.kind === "libsql" ? `DELETE FROM ${table}` : `TRUNCATE ${table} RESTART IDENTITY`);
}

async function athanorInsert(target: BenchTarget, t: BenchTable, rows: readonly InRow[]): Promise<void> {
  const count = await target.engine.begin(async (conn) => (await conn.execute(insert(t).returning(t.c.id), rows)).all().length);
  if (count !== rows.length) throw new Error(`insert: athanor returned ${count} ids for ${rows.length} rows`);
}

/** The hand-written statement for `k` rows. */
function pageSql(target: BenchTarget, table: string, k: number): string {
  const tuples: string[] = new Array(k);
  for (let i = 0, p = 1; i < k; i++, p += 2) tuples[i] = `(${placeholder(target, p)}, ${placeholder(target, p + 1)})`;
  return `INSERT INTO ${table} (name, value) VALUES ${tuples.join(", ")} RETURNING id`;
}

async function rawInsert(target: BenchTarget, table: string, rows: readonly InRow[], pageRows: number): Promise<void> {
  const sqlFor = new Map<number, string>();
  let ids = 0;
  const pages = async (run: (sql: string, args: (string | number)[]) => Promise<number>) => {
    for (let start = 0; start < rows.length; start += pageRows) {
      const end = Math.min(rows.length, start + pageRows);
      const args: (string | number)[] = new Array((end - start) * 2);
      for (let i = start, j = 0; i < end; i++) {
        args[j++] = rows[i]!.name;
        args[j++] = rows[i]!.value;
      }
      let sql = sqlFor.get(end - start);
      if (sql === undefined) sqlFor.set(end - start, (sql = pageSql(target, table, end - start)));
      ids += await run(sql, args);
    }
  };
  if (target.kind === "libsql") {
    const tx = await target.client.transaction("write");
    try {
      await pages(async (sql, args) => (await tx.execute({ sql, args })).rows.length);
      await tx.commit();
    } finally {
      tx.close();
    }
  } else {
    await target.sql.begin(async (tx) => {
      await pages(async (sql, args) => (await tx.unsafe(sql, args, { prepare: true }).values()).length);
    });
  }
  if (ids !== rows.length) throw new Error(`insert: raw returned ${ids} ids for ${rows.length} rows`);
}

/** Run the executemany benchmark on one target. */
export async function benchInsert(target: BenchTarget, config: BenchConfig): Promise<BenchOutcome> {
  const def = benchTable("athanor_bench_insert");
  const table = def.table.name;
  await recreate(target, def);
  const n = config.insertRows;
  const rows = makeRows(n);

  // Pick the raw page size: two runs each, the fastest median wins.
  const candidates = [...new Set([1_000, 5_000, Math.floor(MAX_PARAMS[target.kind] / 2)].map((k) => Math.min(k, n)))];
  const calib: [number, number][] = [];
  for (const k of candidates) {
    const runs: number[] = [];
    for (let r = 0; r < 2; r++) {
      await empty(target, table);
      gc();
      runs.push(await timeOnce(() => rawInsert(target, table, rows, k)));
    }
    calib.push([k, median(runs)]);
  }
  const best = calib.reduce((a, b) => (b[1] < a[1] ? b : a))[0];

  const cmp = await compare(
    { setup: () => empty(target, table), run: () => athanorInsert(target, def.table, rows) },
    { setup: () => empty(target, table), run: () => rawInsert(target, table, rows, best) },
    { warmup: config.warmup, iterations: config.iterations.insert },
  );
  await drop(target, def);
  return {
    rows: [
      ratioRow(`executemany INSERT … RETURNING, ${n.toLocaleString("en-US")} rows`, target.kind, cmp.athanor, cmp.raw, TARGET),
    ],
    sections: [
      {
        title: `Raw multi-row INSERT page sizes, ${target.label} (s, median of 2; fastest used)`,
        markdown: markdownTable(
          ["rows per statement", "seconds"],
          calib.map(([k, s]) => [`${k.toLocaleString("en-US")}${k === best ? " (used)" : ""}`, s.toFixed(3)]),
        ),
      },
    ],
  };
}

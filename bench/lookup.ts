/**
 * Benchmark 1, the compiled cache: N freshly built `select(t).where(t.c.id.eq(i))` executed one
 * after another on one connection, reading the row each time, against the raw driver running
 * the same lookups with a hand-written SQL string:
 * - libSQL: `client.execute({ sql, args: [i] })`;
 * - postgres.js: `sql.unsafe(text, [i], { prepare: true }).values()` (arrays, as the adapter
 *   requests them; athanor also uses a prepared statement).
 * The athanor loop runs on one `engine.connect()` connection, which autobegins a transaction on
 * its first statement (SQLAlchemy 2.0 semantics); the raw loop runs in autocommit.
 *
 * Also measures, without any database, the per-statement cost of building the statement, of
 * the cached path (cache key + LRU hit + wire parameters) and of the uncached path (cache key +
 * full compile + wire parameters), and runs the athanor loop once more on an engine with
 * `queryCacheSize: 0`.
 * @module
 */
import { CompiledCache, generateCacheKey, select, type BindParameter } from "../src/index.js";
import type { BenchConfig } from "./config.js";
import { markdownTable, ratioRow, type BenchOutcome } from "./report.js";
import { benchTable, drop, recreate, type BenchTable } from "./schema.js";
import { fillRows, placeholder, type BenchTarget } from "./targets.js";
import { compare, measure, median, gc, turnEventLoop } from "./timing.js";

const TABLE_ROWS = 1_000;
/** Both loops turn the event loop every this many lookups (see turnEventLoop). */
const TURN_EVERY = 100;
const TARGET = { libsql: 1.25, postgresql: 1.15 } as const;

const lookupStmt = (t: BenchTable, id: number) => select(t).where(t.c.id.eq(id));

async function athanorLoop(target: BenchTarget, engine: BenchTarget["engine"], t: BenchTable, n: number): Promise<number> {
  let sink = 0;
  await engine.connect(async (conn) => {
    for (let i = 0; i < n; i++) {
      if (i % TURN_EVERY === 0) await turnEventLoop();
      const row = (await conn.execute(lookupStmt(t, (i % TABLE_ROWS) + 1))).one();
      sink += row.name.length;
    }
  });
  if (sink === 0) throw new Error(`lookup: no rows read on ${target.label}`);
  return sink;
}

async function rawLoop(target: BenchTarget, table: string, n: number): Promise<number> {
  const sql = `SELECT id, name, value FROM ${table} WHERE id = ${placeholder(target, 1)}`;
  let sink = 0;
  if (target.kind === "libsql") {
    const client = target.client;
    for (let i = 0; i < n; i++) {
      if (i % TURN_EVERY === 0) await turnEventLoop();
      const rs = await client.execute({ sql, args: [(i % TABLE_ROWS) + 1] });
      sink += (rs.rows[0]!.name as string).length;
    }
  } else {
    const pg = target.sql;
    for (let i = 0; i < n; i++) {
      if (i % TURN_EVERY === 0) await turnEventLoop();
      const rows = await pg.unsafe(sql, [(i % TABLE_ROWS) + 1], { prepare: true }).values();
      sink += (rows[0]![1] as string).length;
    }
  }
  if (sink === 0) throw new Error(`lookup: no raw rows read on ${target.label}`);
  return sink;
}

/** Per-statement cost in microseconds: median and best of the timed runs. */
export interface PerStatement {
  readonly median: number;
  readonly best: number;
}

/** Per-statement costs of building and compiling the lookup statement. */
export interface CompileTimes {
  readonly build: PerStatement;
  readonly cached: PerStatement;
  readonly uncached: PerStatement;
}

function perStatementUs(n: number, iterations: number, fn: (i: number) => unknown): PerStatement {
  const runs: number[] = [];
  for (let r = 0; r < iterations + 2; r++) {
    gc();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn(i);
    if (r >= 2) runs.push(((performance.now() - t0) * 1000) / n);
  }
  return { median: median(runs), best: Math.min(...runs) };
}

/**
 * Costs of the engine's compile step, outside the engine, on statements built beforehand: the
 * steps `AsyncConnection` takes (cache key, then LRU hit or full compile, then `construct` for
 * the wire parameters). Building the statement is timed on its own.
 */
export function compileTimes(target: BenchTarget, t: BenchTable, n: number, iterations: number): CompileTimes {
  const dialect = target.engine.dialect;
  const compileFor = (stmt: ReturnType<typeof lookupStmt>, binds: readonly BindParameter<unknown, string>[]) => {
    const bindIndex = new Map<BindParameter<unknown, string>, number>();
    binds.forEach((b, i) => bindIndex.set(b, i));
    return stmt.compile({ dialect, bindIndex });
  };
  const stmts = Array.from({ length: n }, (_, i) => lookupStmt(t, (i % TABLE_ROWS) + 1));
  const cache = new CompiledCache(500);
  let sink = 0;
  const build = perStatementUs(n, iterations, (i) => {
    sink += lookupStmt(t, i).whereCriteria.length;
  });
  const cached = perStatementUs(n, iterations, (i) => {
    const stmt = stmts[i]!;
    const ck = generateCacheKey(stmt);
    let compiled = cache.get(ck.key);
    if (!compiled) {
      compiled = compileFor(stmt, ck.binds);
      cache.set(ck.key, compiled);
    }
    sink += compiled.construct(ck.binds, undefined).params.length;
  });
  const uncached = perStatementUs(n, iterations, (i) => {
    const stmt = stmts[i]!;
    const ck = generateCacheKey(stmt);
    sink += compileFor(stmt, ck.binds).construct(ck.binds, undefined).params.length;
  });
  if (sink === 0) throw new Error("compileTimes: nothing compiled");
  return { build, cached, uncached };
}

/** Run the compiled-cache benchmark on one target. */
export async function benchLookup(target: BenchTarget, config: BenchConfig): Promise<BenchOutcome> {
  const def = benchTable("athanor_bench_lookup");
  const t = def.table;
  await recreate(target, def);
  await fillRows(target, t.name, TABLE_ROWS);
  const n = config.lookups;
  const iterations = config.iterations.lookup;
  const cmp = await compare(
    { run: () => athanorLoop(target, target.engine, t, n) },
    { run: () => rawLoop(target, t.name, n) },
    { warmup: config.warmup, iterations },
  );
  // Informational, so fewer runs; the JIT is warm by now.
  const uncachedEngine = target.engineWith({ queryCacheSize: 0 });
  const noCache = await measure(() => athanorLoop(target, uncachedEngine, t, n), { warmup: 0, iterations: 3 });
  const times = compileTimes(target, t, n, 7);
  await drop(target, def);
  const name = `compiled cache: ${n.toLocaleString("en-US")} lookups`;
  const us = (x: PerStatement) => `${x.median.toFixed(2)} (best ${x.best.toFixed(2)})`;
  return {
    rows: [
      ratioRow(name, target.kind, cmp.athanor, cmp.raw, TARGET[target.kind]),
      ratioRow(`${name}, queryCacheSize: 0`, target.kind, noCache, cmp.raw, undefined),
    ],
    sections: [
      {
        title: `Per-statement compile time, ${target.label} (µs per statement, median and best of 7 runs of ${n.toLocaleString("en-US")})`,
        markdown: markdownTable(
          ["build select(t).where(t.c.id.eq(i))", "cached: key + LRU hit + params", "uncached: key + compile + params", "uncached / cached"],
          [[us(times.build), us(times.cached), us(times.uncached), `${(times.uncached.median / times.cached.median).toFixed(1)}×`]],
        ),
      },
    ],
  };
}

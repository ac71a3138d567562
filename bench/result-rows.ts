/**
 * Micro-benchmark: per-row cost of building result rows.
 *
 * Builds 500,000 rows from arrays through `Result.all()` (with and without result processors),
 * through `ScalarResult`, and through `AsyncResult` over an in-memory cursor, and compares each
 * with a plain loop over the same arrays. Prints the best ns/row of several rounds.
 *
 * Run: `node --expose-gc --import tsx bench/result-rows.ts` (with `--expose-gc` a full GC runs
 * before each round, so retained rows of one round do not bill the next; `npx tsx` works too,
 * noisier). When all 500,000 rows are kept (`all()`), numbers are dominated by the garbage
 * collector promoting them, for rows and baselines alike; the "dropped" cases show the cost of
 * building rows itself. A row is one object around its data array (plus a copy of the array when
 * a processor runs). Positional access (`row[0]`) goes through an accessor on the prototype's
 * elements, which V8 serves on a slower path than named access (`row.id`).
 */
import type { DriverCursor } from "../src/engine/driver/contract.js";
import { AsyncResult, Result, type ResultMetadata } from "../src/engine/result/index.js";

const N = 500_000;
const ROUNDS = 9;
const gc = (globalThis as { gc?: () => void }).gc;

const raw: unknown[][] = [];
for (let i = 0; i < N; i++) raw.push([i, `name ${i}`, i % 3 === 0 ? null : "2024-01-02", i * 1.5, i % 2]);

const keys = ["id", "name", "created", "score", "flag"];
const plain: ResultMetadata = { keys, processors: [] };
const toBool = (v: unknown): unknown => v === 1;
const withProcs: ResultMetadata = { keys, processors: [undefined, undefined, undefined, undefined, toBool] };
const threeProcs: ResultMetadata = {
  keys,
  processors: [undefined, (v) => String(v), undefined, (v) => Number(v), toBool],
};

let sink = 0;

function time(label: string, fn: () => number): void {
  fn(); // warm-up
  fn();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    gc?.();
    const t0 = performance.now();
    sink += fn();
    best = Math.min(best, performance.now() - t0);
  }
  console.log(`${label.padEnd(46)} ${((best * 1e6) / N).toFixed(1).padStart(7)} ns/row`);
}

async function timeAsync(label: string, fn: () => Promise<number>): Promise<void> {
  await fn();
  await fn();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    gc?.();
    const t0 = performance.now();
    sink += await fn();
    best = Math.min(best, performance.now() - t0);
  }
  console.log(`${label.padEnd(46)} ${((best * 1e6) / N).toFixed(1).padStart(7)} ns/row`);
}

function cursor(rows: unknown[][]): DriverCursor {
  let pos = 0;
  return {
    columns: [],
    fetch: async (n) => {
      const chunk = rows.slice(pos, pos + n);
      pos += chunk.length;
      return chunk;
    },
    close: async () => undefined,
  };
}

time("baseline: plain loop, copy arrays", () => {
  const out: unknown[][] = new Array(N);
  for (let i = 0; i < N; i++) out[i] = raw[i].slice();
  return out.length;
});
time("baseline: plain loop, wrap in {values}", () => {
  const out: { values: unknown[] }[] = new Array(N);
  for (let i = 0; i < N; i++) out[i] = { values: raw[i] };
  return out.length;
});
time("Result.all(), no processors", () => new Result(plain, raw, { rowsAffected: -1 }).all().length);
time("Result.all(), 1 processor", () => new Result(withProcs, raw, { rowsAffected: -1 }).all().length);
time("Result.all(), 3 processors", () => new Result(threeProcs, raw, { rowsAffected: -1 }).all().length);
time("Result.all() + read row[0] and row.name", () => {
  let s = 0;
  for (const row of new Result<[number, string]>(plain, raw, { rowsAffected: -1 }).all()) {
    s += row[0] + (row.name as string).length;
  }
  return s;
});
{
  const kept = new Result<[number, string]>(plain, raw, { rowsAffected: -1 }).all();
  time("read row.id (name getter) of built rows", () => {
    let s = 0;
    for (let i = 0; i < N; i++) s += kept[i].id as number;
    return s;
  });
  time("read row[0] (index getter) of built rows", () => {
    let s = 0;
    for (let i = 0; i < N; i++) s += kept[i][0];
    return s;
  });
  time("baseline: read a[0] of the arrays", () => {
    let s = 0;
    for (let i = 0; i < N; i++) s += raw[i][0] as number;
    return s;
  });
}
time("baseline: plain loop, read a[0] and a[1]", () => {
  let s = 0;
  for (let i = 0; i < N; i++) s += (raw[i][0] as number) + (raw[i][1] as string).length;
  return s;
});
time("Result.fetchmany(1000) loop, rows dropped", () => {
  const r = new Result(plain, raw, { rowsAffected: -1 });
  let c = 0;
  for (let part = r.fetchmany(1000); part.length > 0; part = r.fetchmany(1000)) c += part.length;
  return c;
});
time("same, 1 processor", () => {
  const r = new Result(withProcs, raw, { rowsAffected: -1 });
  let c = 0;
  for (let part = r.fetchmany(1000); part.length > 0; part = r.fetchmany(1000)) c += part.length;
  return c;
});
time("baseline: wrap 1000 at a time, dropped", () => {
  let c = 0;
  for (let s = 0; s < N; s += 1000) {
    const part: { values: unknown[] }[] = [];
    for (let i = s; i < s + 1000 && i < N; i++) part.push({ values: raw[i] });
    c += part.length;
  }
  return c;
});
time("for…of Result, no processors", () => {
  let c = 0;
  for (const _row of new Result(plain, raw, { rowsAffected: -1 })) c++;
  return c;
});
time("Result.scalars().all()", () => new Result(plain, raw, { rowsAffected: -1 }).scalars().all().length);
time("Result.mappings().all()", () => new Result(plain, raw, { rowsAffected: -1 }).mappings().all().length);
await timeAsync("AsyncResult.all(), chunk 1000, no processors", async () => {
  const r = new AsyncResult(plain, cursor(raw), { chunkSize: 1000 });
  return (await r.all()).length;
});
await timeAsync("for await AsyncResult, chunk 1000, 1 processor", async () => {
  let c = 0;
  for await (const _row of new AsyncResult(withProcs, cursor(raw), { chunkSize: 1000 })) c++;
  return c;
});
await timeAsync("baseline: for await over async generator", async () => {
  let c = 0;
  async function* gen() {
    for (let i = 0; i < N; i++) yield raw[i];
  }
  for await (const _r of gen()) c++;
  return c;
});
console.log(`(checksum ${sink}${gc ? "" : "; run with node --expose-gc --import tsx for steadier numbers"})`);

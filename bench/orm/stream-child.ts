/**
 * Child process of large_resultsets' memory check, so RSS is not inflated by the suite's
 * buffered 500,000-object reads (V8 rarely returns freed pages to the OS):
 *
 *   node --expose-gc --import tsx bench/orm/stream-child.ts '<StreamChildArgs JSON>'
 *
 * Streams `select(Customer)` through `session.stream()` (yieldPer 1,000, partitions of 1,000
 * objects, each chunk dropped after use) and samples `process.memoryUsage()` after a full GC
 * every `sampleEvery` rows. Prints one JSON line ({@link StreamMemory}).
 * @module
 */
import { AsyncSession, select } from "../../src/index.js";
import type { DialectKey } from "./config.js";
import { Customer } from "./model.js";
import { fillCustomer, openTarget, recreateCustomer } from "./targets.js";
import { gc } from "../timing.js";

/** What the parent passes. */
export interface StreamChildArgs {
  readonly dialect: DialectKey;
  readonly pgUrl: string;
  /** The parent's database (undefined for `:memory:`: the child fills its own). */
  readonly location: string | undefined;
  readonly rows: number;
  readonly sampleEvery: number;
  readonly chunk: number;
}

/** What the child reports (bytes). */
export interface StreamMemory {
  readonly rows: number;
  readonly checkpoint: number;
  readonly rssBefore: number;
  readonly peakAtCheckpoint: number;
  readonly peakAtEnd: number;
  readonly heapAtCheckpoint: number;
  readonly heapAtEnd: number;
  /** Objects still in the session's identity map after the stream. */
  readonly identityMapSize: number;
}

const args = JSON.parse(process.argv[2] ?? "{}") as StreamChildArgs;
const target = await openTarget(args.dialect, args.pgUrl, args.location);
try {
  if (args.location === undefined) {
    await recreateCustomer(target);
    await fillCustomer(target, args.rows);
  }
  const checkpoint = Math.max(args.sampleEvery, Math.round(args.rows / 10));
  gc();
  const rssBefore = process.memoryUsage().rss;
  let peakAtCheckpoint = rssBefore;
  let peakAtEnd = rssBefore;
  let heapAtCheckpoint = 0;
  let heapAtEnd = 0;
  let seen = 0;
  let identityMapSize = 0;
  {
    await using session = new AsyncSession(target.engine);
    const stream = await session.streamScalars(select(Customer).limit(args.rows).executionOptions({ yieldPer: args.chunk }));
    for await (const objs of stream.partitions(args.chunk)) {
      for (const c of objs) if (c.id > 0) seen++;
      if (seen % args.sampleEvery !== 0) continue;
      gc();
      const m = process.memoryUsage();
      peakAtEnd = Math.max(peakAtEnd, m.rss);
      heapAtEnd = m.heapUsed;
      if (seen <= checkpoint) {
        peakAtCheckpoint = Math.max(peakAtCheckpoint, m.rss);
        heapAtCheckpoint = m.heapUsed;
      }
    }
    identityMapSize = session.identityMap.size;
  }
  if (seen !== args.rows) throw new Error(`stream-child: streamed ${seen} rows, expected ${args.rows}`);
  const out: StreamMemory = { rows: seen, checkpoint, rssBefore, peakAtCheckpoint, peakAtEnd, heapAtCheckpoint, heapAtEnd, identityMapSize };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await target.close();
}

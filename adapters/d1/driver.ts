/**
 * The D1 driver: a Cloudflare D1 binding behind athanor's driver contract.
 * @module
 */
import type { Driver, DriverCapabilities, DriverConnection, DriverErrorInfo } from "../../src/engine/driver/contract.js";
import { D1Connection } from "./connection.js";
import { describeD1Error } from "./errors.js";
import type { D1DatabaseLike } from "./types.js";

/**
 * D1's capabilities.
 * - No interactive transactions, no savepoints: D1 rejects BEGIN and SAVEPOINT.
 * - Atomic batch: `db.batch()` runs its statements in one request and one transaction.
 * - No streaming: every result arrives whole.
 * - Concurrent connections: connections are stateless handles; D1 serializes writes itself.
 * - maxParams 100: D1's documented "maximum bound parameters per query" (Cloudflare D1
 *   limits page), which miniflare enforces too ("too many SQL variables" at the 101st).
 */
const CAPABILITIES: DriverCapabilities = Object.freeze({
  interactiveTransactions: false,
  atomicBatch: true,
  streaming: false,
  savepoints: false,
  returning: true,
  concurrentConnections: true,
  maxParams: 100,
});

class D1Driver implements Driver {
  readonly dialect = "sqlite" as const;
  readonly paramstyle = "qmark" as const;
  readonly capabilities = CAPABILITIES;
  readonly name = "d1";

  constructor(private readonly db: D1DatabaseLike) {}

  async connect(): Promise<DriverConnection> {
    return new D1Connection(this.db);
  }

  describeError(err: unknown): DriverErrorInfo | undefined {
    return describeD1Error(err);
  }

  /** The binding belongs to the Worker runtime: nothing to close. */
  async dispose(): Promise<void> {}
}

/**
 * A driver over a D1 binding (`env.DB` in a Worker, or a session from `env.DB.withSession()`,
 * or miniflare's `getD1Database()` in tests). There is no URL form: bindings come from the
 * Worker's `env`, so create the engine per request: `createAsyncEngine(d1(env.DB))`.
 *
 * Dialect sqlite, paramstyle qmark; capabilities as documented on CAPABILITIES above. Values: see
 * values.ts (bigint within ±2^53 becomes a number, booleans 1/0, BLOBs as Uint8Array both
 * ways). Integers beyond ±2^53 stored in D1 come back rounded: D1 returns JavaScript numbers.
 */
export function d1(db: D1DatabaseLike): Driver {
  return new D1Driver(db);
}

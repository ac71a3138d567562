/**
 * The PGlite driver: in-process PostgreSQL (WASM) behind athanor's driver contract.
 * @module
 */
import { PGlite } from "@electric-sql/pglite";
import type { Driver, DriverCapabilities, DriverConnection, DriverErrorInfo } from "../../src/engine/driver/contract.js";
import { AsyncLock, LockTimeoutError } from "../libsql/async-lock.js";
import { describeServerError, isServerError, PgAdapterError } from "../postgres-js/sqlstate.js";
import { PgliteConnection } from "./connection.js";

/** Options shared by {@link pglite} and {@link createPgliteDriver}. */
export interface PgliteDriverOptions {
  /** Milliseconds a connection waits for another's transaction to end. Default 5000. */
  readonly lockTimeoutMs?: number;
}

/** Configuration for {@link createPgliteDriver}. */
export interface PgliteDriverConfig extends PgliteDriverOptions {
  /** Where PGlite keeps its data (a directory, `idb://name`, `memory://`); in memory when omitted. */
  readonly dataDir?: string;
}

const CAPABILITIES: DriverCapabilities = Object.freeze({
  interactiveTransactions: true,
  atomicBatch: false,
  streaming: false,
  savepoints: true,
  returning: true,
  concurrentConnections: false,
  maxParams: 65535,
});

const locks = new WeakMap<PGlite, AsyncLock>();

function lockFor(db: PGlite): AsyncLock {
  let lock = locks.get(db);
  if (lock === undefined) {
    lock = new AsyncLock(
      (ms) =>
        `pglite: waited ${ms} ms for the database: another connection of this driver holds ` +
        "PGlite's single session in a transaction. Commit, roll back or release it first, or raise lockTimeoutMs.",
    );
    locks.set(db, lock);
  }
  return lock;
}

/**
 * Classify a PGlite error: server errors by SQLSTATE class (as the postgres.js adapter),
 * this adapter's lock timeout as "operational".
 */
export function describePgliteError(err: unknown): DriverErrorInfo | undefined {
  if (err instanceof LockTimeoutError) return { kind: "operational", code: err.code, message: err.message };
  if (err instanceof PgAdapterError) return { kind: err.kind, code: err.code, message: err.message };
  if (isServerError(err)) return describeServerError(err);
  return undefined;
}

class PgliteDriver implements Driver {
  readonly dialect = "postgresql" as const;
  readonly paramstyle = "numeric_dollar" as const;
  readonly capabilities = CAPABILITIES;
  readonly name = "pglite";
  private readonly lock: AsyncLock;
  private readonly lockTimeoutMs: number;

  constructor(
    private readonly db: PGlite,
    private readonly ownsDb: boolean,
    opts: PgliteDriverOptions | undefined,
  ) {
    this.lock = lockFor(db);
    this.lockTimeoutMs = opts?.lockTimeoutMs ?? 5000;
  }

  async connect(): Promise<DriverConnection> {
    return new PgliteConnection(this.db, this.lock, this.lockTimeoutMs);
  }

  describeError(err: unknown): DriverErrorInfo | undefined {
    return describePgliteError(err);
  }

  async dispose(): Promise<void> {
    if (this.ownsDb && !this.db.closed) await this.db.close();
  }
}

/**
 * Wrap a PGlite instance you created; `dispose()` leaves it open. int8, date, timestamp and
 * timestamptz come back as text whatever the instance's own parsers (they are set per query).
 * Do not run your own BEGIN on the instance while athanor uses it: PGlite has one session.
 */
export function pglite(db: PGlite, opts?: PgliteDriverOptions): Driver {
  return new PgliteDriver(db, false, opts);
}

/** Create a PGlite instance and a driver owning it; `dispose()` closes it. Starts lazily. */
export function createPgliteDriver(config: PgliteDriverConfig = {}): Driver {
  const db = config.dataDir !== undefined ? new PGlite(config.dataDir) : new PGlite();
  return new PgliteDriver(db, true, config);
}

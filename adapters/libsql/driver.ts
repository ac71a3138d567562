/**
 * The libSQL driver: @libsql/client behind athanor's driver contract.
 * @module
 */
import { createClient, type Client } from "@libsql/client";
import type {
  Driver,
  DriverCapabilities,
  DriverConnection,
  DriverErrorInfo,
} from "../../src/engine/driver/contract.js";
import { AsyncLock } from "./async-lock.js";
import { LibsqlConnection } from "./connection.js";
import { describeLibsqlError } from "./errors.js";

/** Options shared by {@link libsql} and {@link createLibsqlDriver}. */
export interface LibsqlDriverOptions {
  /**
   * Milliseconds a connection waits for another connection's SQLite transaction to end before
   * failing with an "operational" error (code "ATHANOR_LOCK_TIMEOUT"). Default 5000.
   * The wait is asynchronous: the event loop keeps running.
   */
  readonly lockTimeoutMs?: number;
  /**
   * When `begin()` takes SQLite's write lock:
   * - `"deferred"` (default, as Python's sqlite3 driver that SQLAlchemy uses): at the first
   *   statement that is not a plain query. Reads before it run in autocommit and never block
   *   other connections, but a read-then-write transaction can interleave with another writer.
   * - `"immediate"`: at `begin()` (BEGIN IMMEDIATE), so each transaction is serializable, and a
   *   second connection waits for the first one's transaction even if that one only reads.
   */
  readonly beginMode?: "deferred" | "immediate";
}

/** Configuration for {@link createLibsqlDriver}. */
export interface LibsqlDriverConfig extends LibsqlDriverOptions {
  /** `file:/abs/path.db`, `file:relative.db`, `:memory:`, or a remote `libsql:`/`https:`/`wss:` URL. */
  readonly url: string;
  /** Auth token for remote databases. */
  readonly authToken?: string;
  /** Encryption key for encrypted local databases. */
  readonly encryptionKey?: string;
  /**
   * SQLite busy timeout in milliseconds for contention with *other processes* on a file
   * (this driver's own connections never contend: they share a lock). Default 0: fail at once
   * with SQLITE_BUSY, because libSQL's native busy wait blocks the JavaScript event loop.
   */
  readonly busyTimeoutMs?: number;
}

const CAPABILITIES: DriverCapabilities = Object.freeze({
  interactiveTransactions: true,
  atomicBatch: true,
  streaming: true,
  savepoints: true,
  returning: true,
  concurrentConnections: false,
  maxParams: 32766,
});

/** One lock per Client, so two drivers wrapping the same client still serialize. */
const locks = new WeakMap<Client, AsyncLock>();

function lockFor(client: Client): AsyncLock {
  let lock = locks.get(client);
  if (lock === undefined) {
    lock = new AsyncLock(
      (ms) =>
        `libsql: waited ${ms} ms for the database: another connection of this driver holds the ` +
        "SQLite transaction (SQLite allows one writer at a time). Commit, roll back or release " +
        "that connection first, or raise lockTimeoutMs.",
    );
    locks.set(client, lock);
  }
  return lock;
}

class LibsqlDriver implements Driver {
  readonly dialect = "sqlite" as const;
  readonly paramstyle = "qmark" as const;
  readonly capabilities = CAPABILITIES;
  readonly name = "libsql";
  private readonly lock: AsyncLock;
  private readonly lockTimeoutMs: number;
  private readonly beginMode: "deferred" | "immediate";

  constructor(
    private readonly client: Client,
    private readonly ownsClient: boolean,
    opts: LibsqlDriverOptions | undefined,
  ) {
    this.lock = lockFor(client);
    this.lockTimeoutMs = opts?.lockTimeoutMs ?? 5000;
    this.beginMode = opts?.beginMode ?? "deferred";
  }

  async connect(): Promise<DriverConnection> {
    return new LibsqlConnection(this.client, this.lock, this.lockTimeoutMs, this.beginMode);
  }

  describeError(err: unknown): DriverErrorInfo | undefined {
    return describeLibsqlError(err);
  }

  async dispose(): Promise<void> {
    if (this.ownsClient && !this.client.closed) this.client.close();
  }
}

/**
 * Wrap a @libsql/client Client you created. `dispose()` leaves it open.
 *
 * Values come back as the client's `intMode` makes them (athanor's own drivers use "number",
 * which raises a "data" error for integers beyond ±2^53); BLOBs come back as Uint8Array.
 * Capabilities: interactive transactions, atomic batch, streaming by paging (see cursor.ts),
 * savepoints, RETURNING; no concurrent connections (all connections share one lock).
 */
export function libsql(client: Client, opts?: LibsqlDriverOptions): Driver {
  return new LibsqlDriver(client, false, opts);
}

/**
 * Create a libSQL client (intMode "number") and a driver owning it; `dispose()` closes it.
 * @throws LibsqlError (URL_INVALID, URL_SCHEME_NOT_SUPPORTED, SQLITE_CANTOPEN) when the URL
 *   is malformed or the database cannot be opened.
 */
export function createLibsqlDriver(config: LibsqlDriverConfig): Driver {
  const client = createClient({
    url: config.url,
    intMode: "number",
    ...(config.authToken !== undefined ? { authToken: config.authToken } : {}),
    ...(config.encryptionKey !== undefined ? { encryptionKey: config.encryptionKey } : {}),
    ...(config.busyTimeoutMs !== undefined ? { timeout: config.busyTimeoutMs } : {}),
  });
  return new LibsqlDriver(client, true, config);
}

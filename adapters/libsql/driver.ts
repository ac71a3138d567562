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
   * Local databases only: milliseconds a connection waits for another connection's SQLite
   * transaction to end before failing with an "operational" error (code
   * "ATHANOR_LOCK_TIMEOUT"). Default 5000. The wait is asynchronous: the event loop keeps
   * running. Remote connections never wait in the client; the server queues writers.
   */
  readonly lockTimeoutMs?: number;
  /**
   * When `begin()` takes SQLite's write lock:
   * - `"deferred"` (default, as Python's sqlite3 driver that SQLAlchemy uses): at the first
   *   statement that is not a plain query. Reads before it run in autocommit and never block
   *   other connections, but a read-then-write transaction can interleave with another writer.
   * - `"immediate"`: at `begin()` (BEGIN IMMEDIATE), so each transaction is serializable, and a
   *   second connection waits for the first one's transaction even if that one only reads.
   *
   * On a remote URL neither mode costs a request of its own: @libsql/client sends the BEGIN in
   * the same request as the transaction's first statement, and COMMIT in the request that
   * closes the server-side stream. "deferred" keeps read-only work out of server-side streams
   * (no COMMIT request, no stream left open when a session only read).
   */
  readonly beginMode?: "deferred" | "immediate";
}

/** Configuration for {@link createLibsqlDriver}. */
export interface LibsqlDriverConfig extends LibsqlDriverOptions {
  /**
   * `file:/abs/path.db`, `file:relative.db`, `:memory:`, or a remote URL: `libsql://host`
   * (HTTPS; `?tls=0` with an explicit port for plain HTTP), `https://`/`http://` (Hrana over
   * HTTP: one fetch per request, the transport for Workers and serverless functions), or
   * `wss://`/`ws://` (Hrana over WebSocket).
   */
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

const LOCAL_CAPABILITIES: DriverCapabilities = Object.freeze({
  interactiveTransactions: true,
  atomicBatch: true,
  streaming: true,
  savepoints: true,
  returning: true,
  concurrentConnections: false,
  maxParams: 32766,
});

/**
 * A remote database (sqld / Turso over Hrana) serializes writers itself: every
 * `client.transaction()` is its own server-side stream with its own SQLite connection, and the
 * client has none of the local traps (TRANSACTION_ACTIVE on `:memory:`, SQLITE_BUSY spinning in
 * native code). So remote connections run side by side; a second writer waits on the server
 * for the first one's COMMIT (or fails with SQLITE_BUSY after the server's busy timeout).
 */
const REMOTE_CAPABILITIES: DriverCapabilities = Object.freeze({ ...LOCAL_CAPABILITIES, concurrentConnections: true });

/** True for clients that talk to a server (`http:`, `https:`, `ws:`, `wss:`, `libsql:` URLs). */
export function isRemoteClient(client: Client): boolean {
  return client.protocol !== "file";
}

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
  readonly capabilities: DriverCapabilities;
  readonly name = "libsql";
  /** The client-wide lock of a local database; undefined for remote clients (see REMOTE_CAPABILITIES). */
  private readonly lock: AsyncLock | undefined;
  private readonly lockTimeoutMs: number;
  private readonly beginMode: "deferred" | "immediate";

  constructor(
    private readonly client: Client,
    private readonly ownsClient: boolean,
    opts: LibsqlDriverOptions | undefined,
  ) {
    const remote = isRemoteClient(client);
    this.capabilities = remote ? REMOTE_CAPABILITIES : LOCAL_CAPABILITIES;
    this.lock = remote ? undefined : lockFor(client);
    this.lockTimeoutMs = opts?.lockTimeoutMs ?? 5000;
    this.beginMode = opts?.beginMode ?? "deferred";
  }

  async connect(): Promise<DriverConnection> {
    // A remote connection gets a lock of its own: it only orders that connection's own calls
    // (which the engine never overlaps), so connections never wait for each other here.
    const lock = this.lock ?? new AsyncLock(() => "libsql: internal error: a remote connection waited for itself");
    return new LibsqlConnection(this.client, lock, this.lockTimeoutMs, this.beginMode);
  }

  describeError(err: unknown): DriverErrorInfo | undefined {
    return describeLibsqlError(err);
  }

  async dispose(): Promise<void> {
    if (this.ownsClient && !this.client.closed) this.client.close();
  }
}

/**
 * Wrap a @libsql/client Client you created — from `@libsql/client` (Node, Deno, Bun) or from
 * `@libsql/client/web` (Cloudflare Workers, Vercel Edge, browsers; remote URLs only).
 * `dispose()` leaves it open.
 *
 * Values come back as the client's `intMode` makes them (athanor's own drivers use "number",
 * which raises a "data" error for integers beyond ±2^53); BLOBs come back as Uint8Array.
 * Capabilities: interactive transactions (remote: `client.transaction()`, a server-side
 * stream), atomic batch (`client.batch(…, "write")`: one request, BEGIN … COMMIT with
 * ROLLBACK on the first error), streaming by paging (see cursor.ts), savepoints, RETURNING.
 * Local clients (`file:`, `:memory:`) serialize all connections behind one lock
 * (`concurrentConnections: false`); remote clients do not (`concurrentConnections: true`).
 */
export function libsql(client: Client, opts?: LibsqlDriverOptions): Driver {
  return new LibsqlDriver(client, false, opts);
}

/**
 * Create a libSQL client (intMode "number") and a driver owning it; `dispose()` closes it.
 * In a Worker, bundlers resolve `@libsql/client` to its web entry (export condition
 * "workerd"), which accepts remote URLs only.
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

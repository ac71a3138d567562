/**
 * One logical connection of the libSQL adapter.
 *
 * SQLite allows one writer, and @libsql/client surfaces that badly for a pool of logical
 * connections: on `:memory:` any call made while a `client.transaction()` is open is rejected
 * with TRANSACTION_ACTIVE; on a file the transaction owns a separate native connection, so a
 * write from elsewhere fails with SQLITE_BUSY (or, with a busy timeout, blocks the event loop
 * inside synchronous native code). Every connection of a client therefore shares one
 * {@link AsyncLock}: a connection holds it while its transaction is open (or while a cursor
 * reads outside a transaction), and statements outside a transaction take it per call.
 *
 * Remote clients (sqld / Turso over HTTP or WebSocket) get a lock per connection instead of a
 * shared one (see driver.ts): their transactions are server-side streams, so connections do
 * not exclude each other in the client.
 *
 * `begin()` is deferred, as in Python's sqlite3 driver (which SQLAlchemy uses): the real
 * `BEGIN IMMEDIATE` is issued by the first statement that is not a plain query (a write, DDL or
 * SAVEPOINT), a batch, or a cursor. Until then queries run in autocommit and take the lock only
 * per call, so a connection that only reads never blocks other connections — two sessions or
 * connections used one after the other in one task do not wait on each other.
 * @module
 */
import type { Client, ResultSet, Transaction } from "@libsql/client";
import type {
  BeginOptions,
  DriverConnection,
  DriverCursor,
  DriverResult,
  DriverStatement,
} from "../../src/engine/driver/contract.js";
import type { AsyncLock } from "./async-lock.js";
import { BufferedCursor, PagingCursor, type PagingHost } from "./cursor.js";
import { LibsqlAdapterError } from "./errors.js";
import { toDriverResult, toLibsqlStatement } from "./result.js";
import { isPageableQuery } from "./sql-shape.js";
import { countStatement } from "./statement-budget.js";

/** Isolation levels SQLite honours without extra PRAGMAs: transactions are serializable. */
const SUPPORTED_ISOLATION = new Set(["SERIALIZABLE"]);

const BATCH_SAVEPOINT = "athanor_batch";

/** {@link isPageableQuery} per SQL text: the engine sends the same cached SQL strings over and over. */
const pageableBySql = new Map<string, boolean>();
function isPageableCached(sql: string): boolean {
  let v = pageableBySql.get(sql);
  if (v === undefined) {
    v = isPageableQuery(sql);
    // Bounded: ad-hoc SQL (text() with literals) must not grow it without limit.
    if (pageableBySql.size >= 2000) pageableBySql.clear();
    pageableBySql.set(sql, v);
  }
  return v;
}

/**
 * The last released connection, kept reachable on purpose: its hidden class (and the optimized
 * execute path that relies on it) then survives a full GC between two connections (see the
 * note in src/sql/cache-key.ts). A released connection holds only the shared client and lock.
 */
const released: { last: LibsqlConnection | undefined } = { last: undefined };
/** @internal */
export function _connectionAnchor(): unknown {
  return released.last;
}

/** A {@link DriverConnection} over a shared @libsql/client Client. */
export class LibsqlConnection implements DriverConnection, PagingHost {
  private tx: Transaction | null = null;
  /** A begin() whose BEGIN waits for the first write (see the module note). */
  private pendingBegin: BeginOptions | undefined;
  /** True when `tx` was opened by a cursor outside any user transaction. */
  private txForCursors = false;
  private readonly cursors = new Set<PagingCursor>();
  private released = false;

  constructor(
    private readonly client: Client,
    private readonly lock: AsyncLock,
    private readonly lockTimeoutMs: number,
    private readonly beginMode: "deferred" | "immediate" = "deferred",
  ) {}

  currentTransaction(): Transaction | null {
    return this.tx;
  }

  private checkOpen(): void {
    if (this.released) {
      throw new LibsqlAdapterError("interface", "CONNECTION_RELEASED", "libsql: this connection has been released");
    }
  }

  /** Run `fn` with exclusive use of the client: inside our transaction, or under the lock. */
  private async exclusive<T>(fn: (runner: Client | Transaction) => Promise<T>): Promise<T> {
    this.checkOpen();
    if (this.tx !== null) return fn(this.tx);
    return this.lock.run(this, this.lockTimeoutMs, () => {
      this.checkOpen(); // released while waiting for the lock
      return fn(this.client);
    });
  }

  /** Issue the BEGIN a deferred begin() postponed. */
  private async startPending(): Promise<void> {
    const opts = this.pendingBegin;
    if (opts === undefined || this.tx !== null) return;
    this.pendingBegin = undefined;
    await this.lock.acquire(this, this.lockTimeoutMs);
    await this.openTransaction(opts.readOnly ? "deferred" : "write", false);
  }

  /**
   * The per-statement hot path. Not an async function: unless the event loop must turn first or
   * a deferred BEGIN is due, it goes straight to {@link send}, which chains the client's promise
   * with `then`: that allocates a fraction of what a suspended async call does (its frame,
   * promise and await closures, about 500 B per statement).
   */
  execute(stmt: DriverStatement): Promise<DriverResult> {
    const turn = countStatement();
    if (turn !== undefined || (this.pendingBegin !== undefined && !isPageableCached(stmt.sql))) return this.executeAfter(stmt, turn);
    return this.send(stmt);
  }

  /** {@link execute} after a turn of the event loop, or after issuing the deferred BEGIN. */
  private async executeAfter(stmt: DriverStatement, turn: Promise<void> | undefined): Promise<DriverResult> {
    if (turn !== undefined) await turn;
    if (this.pendingBegin !== undefined && !isPageableCached(stmt.sql)) await this.startPending();
    return this.send(stmt);
  }

  /** Run one statement: in our transaction, or under the client's lock (waiting for it if taken). */
  private send(stmt: DriverStatement): Promise<DriverResult> {
    try {
      this.checkOpen();
    } catch (e) {
      return Promise.reject(e);
    }
    const lib = toLibsqlStatement(stmt);
    const sql = stmt.sql;
    if (this.tx !== null) return this.tx.execute(lib).then((rs) => toDriverResult(rs, sql));
    if (!this.lock.tryAcquire(this)) {
      return this.lock
        .run(this, this.lockTimeoutMs, () => {
          this.checkOpen(); // released while waiting for the lock
          return this.client.execute(lib);
        })
        .then((rs) => toDriverResult(rs, sql));
    }
    let sent: Promise<ResultSet>;
    try {
      sent = this.client.execute(lib);
    } catch (e) {
      this.lock.release(this);
      return Promise.reject(e);
    }
    return sent.then(
      (rs) => {
        this.lock.release(this);
        return toDriverResult(rs, sql);
      },
      (e: unknown) => {
        this.lock.release(this);
        throw e;
      },
    );
  }

  /**
   * With `transaction: true` the statements commit or roll back together: outside a
   * transaction through `client.batch(stmts, "write")` (one request: BEGIN IMMEDIATE, the
   * statements, COMMIT, and a ROLLBACK step that runs when any of them failed), inside one
   * through a savepoint around them (one request on success, a second to roll back on error). With `transaction: false` they run in order and stop at the first
   * error, earlier ones staying applied.
   */
  async batch(stmts: readonly DriverStatement[], opts: { transaction: boolean }): Promise<DriverResult[]> {
    const turn = countStatement();
    if (turn !== undefined) await turn;
    if (this.pendingBegin !== undefined) await this.startPending();
    const lib = stmts.map(toLibsqlStatement);
    return this.exclusive(async (r) => {
      const convert = (out: ResultSet[]) => out.map((rs, i) => toDriverResult(rs, stmts[i]!.sql));
      if (r === this.client && opts.transaction) return convert(await this.client.batch(lib, "write"));
      if (r !== this.client && opts.transaction) {
        // One `batch` call (one request on a remote database): the SAVEPOINT, the statements
        // and the RELEASE; a failing statement stops the batch before the RELEASE.
        try {
          const out = await r.batch([`SAVEPOINT ${BATCH_SAVEPOINT}`, ...lib, `RELEASE ${BATCH_SAVEPOINT}`]);
          return convert(out.slice(1, -1));
        } catch (err) {
          await r.batch([`ROLLBACK TO ${BATCH_SAVEPOINT}`, `RELEASE ${BATCH_SAVEPOINT}`]);
          throw err;
        }
      }
      // Converted one by one: each client ResultSet (one object per row, built with
      // defineProperty) then dies young instead of surviving into the old generation while
      // the other statements run — an executemany of 100,000 rows spent a sixth of its time in GC.
      const out: DriverResult[] = new Array(lib.length);
      for (let i = 0; i < lib.length; i++) out[i] = toDriverResult(await r.execute(lib[i]!), stmts[i]!.sql);
      return out;
    });
  }

  /**
   * Begin a transaction: BEGIN IMMEDIATE (`client.transaction("write")`), or BEGIN DEFERRED when
   * `readOnly`, issued by the first non-query statement (see the module note). From then on the
   * connection holds the client's lock until commit/rollback/release.
   * @throws LockTimeoutError after `lockTimeoutMs` when another connection keeps a transaction.
   * @throws LibsqlAdapterError ("notSupported") for isolation levels other than SERIALIZABLE.
   * @throws LibsqlAdapterError ("interface") when a transaction is already open.
   */
  async begin(opts?: BeginOptions): Promise<void> {
    this.checkOpen();
    const level = opts?.isolationLevel?.toUpperCase();
    if (level !== undefined && !SUPPORTED_ISOLATION.has(level)) {
      throw new LibsqlAdapterError(
        "notSupported",
        "ISOLATION_LEVEL_NOT_SUPPORTED",
        `libsql: isolation level ${JSON.stringify(opts?.isolationLevel)} is not supported; SQLite transactions are SERIALIZABLE`,
      );
    }
    if (this.tx !== null || this.pendingBegin !== undefined) {
      throw new LibsqlAdapterError(
        "interface",
        this.txForCursors ? "CURSOR_OPEN" : "TRANSACTION_ALREADY_BEGUN",
        this.txForCursors
          ? "libsql: close the open streaming cursor before beginning a transaction on this connection"
          : "libsql: a transaction is already open on this connection",
      );
    }
    this.pendingBegin = opts ?? {};
    if (this.beginMode === "immediate") await this.startPending();
  }

  /**
   * Open the client transaction while holding the lock. A release() that happened while we
   * waited for the lock or for the transaction must win: otherwise the lock would stay held by
   * a released connection and every other connection of the client would time out.
   */
  private async openTransaction(mode: "write" | "deferred", forCursors: boolean): Promise<Transaction> {
    let tx: Transaction;
    try {
      this.checkOpen();
      tx = await this.client.transaction(mode);
    } catch (err) {
      this.lock.release(this);
      throw err;
    }
    if (this.released) {
      try {
        await tx.rollback();
      } finally {
        tx.close();
        this.lock.release(this);
      }
      this.checkOpen();
    }
    this.tx = tx;
    this.txForCursors = forCursors;
    return tx;
  }

  /** COMMIT the open transaction; a no-op without one (as sqlite3's DBAPI commit). */
  async commit(): Promise<void> {
    await this.endTransaction("commit");
  }

  /** ROLLBACK the open transaction; a no-op without one. */
  async rollback(): Promise<void> {
    await this.endTransaction("rollback");
  }

  private async endTransaction(how: "commit" | "rollback"): Promise<void> {
    this.checkOpen();
    this.pendingBegin = undefined;
    const tx = this.tx;
    if (tx === null || this.txForCursors) return;
    this.tx = null;
    this.cursors.clear();
    try {
      await (how === "commit" ? tx.commit() : tx.rollback());
    } finally {
      // libSQL settles the transaction's connection even when COMMIT fails (it rolls back).
      tx.close();
      this.lock.release(this);
    }
  }

  /**
   * Open a cursor. Pure queries are paged (see cursor.ts) inside the open transaction, or
   * inside a deferred transaction opened for the cursor (statements run on this connection
   * meanwhile join it, and it commits when the last such cursor is done, so they keep their
   * autocommit outcome). Other statements run once and are handed out from memory.
   */
  async openCursor(stmt: DriverStatement, chunkSize: number): Promise<DriverCursor> {
    this.checkOpen();
    if (!isPageableQuery(stmt.sql)) {
      const res = await this.execute(stmt);
      return new BufferedCursor(res.columns, res.rows);
    }
    if (this.pendingBegin !== undefined) await this.startPending();
    let tx = this.tx;
    if (tx === null) {
      await this.lock.acquire(this, this.lockTimeoutMs);
      tx = await this.openTransaction("deferred", true);
    }
    const cursor = new PagingCursor(this, tx, stmt, Math.max(1, Math.floor(chunkSize)));
    this.cursors.add(cursor);
    try {
      await cursor.open();
    } catch (err) {
      await cursor.close();
      throw err;
    }
    return cursor;
  }

  async cursorDone(cursor: PagingCursor): Promise<void> {
    if (!this.cursors.delete(cursor)) return;
    if (this.txForCursors && this.cursors.size === 0) await this.endCursorTransaction();
  }

  private async endCursorTransaction(): Promise<void> {
    const tx = this.tx;
    if (tx === null) return;
    this.tx = null;
    this.txForCursors = false;
    try {
      await tx.commit();
    } finally {
      tx.close();
      this.lock.release(this);
    }
  }

  /** Close cursors, roll back a user transaction (a cursor's own one commits), free the lock. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    released.last = this;
    this.pendingBegin = undefined;
    const tx = this.tx;
    this.tx = null;
    this.cursors.clear();
    if (tx === null) return;
    try {
      if (this.txForCursors) await tx.commit();
    } finally {
      tx.close();
      this.txForCursors = false;
      this.lock.release(this);
    }
  }
}

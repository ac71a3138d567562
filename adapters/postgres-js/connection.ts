/**
 * One reserved postgres.js connection behind the driver contract.
 * @module
 */
import type postgres from "postgres";
import type {
  BatchOptions,
  BeginOptions,
  DriverColumn,
  DriverConnection,
  DriverCursor,
  DriverResult,
  DriverStatement,
} from "../../src/engine/driver/contract.js";
import { isPageableQuery } from "../libsql/sql-shape.js";
import { DeclaredCursor, PortalCursor, toColumns, type CursorHost } from "./cursor.js";
import { beginSql } from "./begin-sql.js";
import { PgAdapterError } from "./sqlstate.js";

type Reserved = postgres.ReservedSql<Record<string, unknown>>;

let cursorSeq = 0;

const PREPARE = { prepare: true } as const;
const NO_PREPARE = { prepare: false } as const;

/**
 * A {@link DriverResult} whose `columns` are built on first read: the engine reads them only
 * for statements it did not compile itself (text(), DDL) or for debug echo, so a compiled
 * SELECT does not pay for the array per execution.
 */
class PgDriverResult implements DriverResult {
  private _columns: DriverColumn[] | undefined;
  readonly rows: unknown[][];
  readonly rowsAffected: number;
  constructor(private readonly res: postgres.RowList<postgres.Row[]> | postgres.RowList<never[][]>) {
    this.rows = res as unknown as unknown[][];
    this.rowsAffected = typeof res.count === "number" ? res.count : -1;
  }
  get columns(): DriverColumn[] {
    return (this._columns ??= toColumns(this.res.columns));
  }
}

/**
 * A driver result and the last released connection, kept reachable on purpose: their hidden
 * classes (and the optimized code relying on them) then survive full GCs that happen while none
 * is alive (see the note in src/sql/cache-key.ts). A released connection keeps only the
 * postgres.js client it came from.
 */
const anchors: { result: PgDriverResult; connection: PostgresJsConnection | undefined } = {
  result: new PgDriverResult(Object.assign([], { count: 0, columns: [] }) as unknown as postgres.RowList<never[][]>),
  connection: undefined,
};
/** @internal */
export function _connectionAnchors(): unknown {
  return anchors;
}

/** A {@link DriverConnection} over `sql.reserve()`. */
export class PostgresJsConnection implements DriverConnection, CursorHost {
  private inTransaction = false;
  /**
   * The BEGIN of the open transaction while it has not been sent: it goes out pipelined with the
   * transaction's first statement (one round trip for both), and a transaction that ran nothing
   * ends without any round trip.
   */
  private unsentBegin: string | undefined;
  private generation = 0;
  private portal: PortalCursor | null = null;
  private readonly declared = new Set<DriverCursor>();
  private released = false;

  constructor(
    private readonly reserved: Reserved,
    private readonly prepare: boolean,
    /** Called once when the reservation is handed back (the driver's reservation count). */
    private readonly onRelease?: () => void,
  ) {}

  transactionGeneration(): number {
    return this.generation;
  }

  cursorDone(cursor: DriverCursor): void {
    if (cursor === this.portal) this.portal = null;
    this.declared.delete(cursor);
  }

  private checkUsable(): void {
    if (this.released) {
      throw new PgAdapterError("interface", "CONNECTION_RELEASED", "postgres-js: this connection has been released");
    }
    if (this.portal !== null) {
      // The portal holds the socket until it is read to the end: waiting would deadlock.
      throw new PgAdapterError(
        "interface",
        "CURSOR_OPEN",
        "postgres-js: a streaming cursor opened outside a transaction is still reading on this " +
          "connection; read it to the end or close it first (cursors opened inside a transaction " +
          "allow other statements meanwhile)",
      );
    }
  }

  /** Runs `stmt` as a prepared statement (unless disabled), rows as arrays. */
  async execute(stmt: DriverStatement): Promise<DriverResult> {
    this.checkUsable();
    if (this.unsentBegin !== undefined) return this.executeWithBegin(stmt);
    const res = await this.reserved.unsafe(stmt.sql, stmt.params as never[], this.prepare ? PREPARE : NO_PREPARE).values();
    return new PgDriverResult(res);
  }
  private async executeWithBegin(stmt: DriverStatement): Promise<DriverResult> {
    const [res] = await this.withBegin([this.reserved.unsafe(stmt.sql, stmt.params as never[], this.prepare ? PREPARE : NO_PREPARE).values()]);
    return new PgDriverResult(res!);
  }

  /**
   * Sends the postponed BEGIN now, pipelined ahead of `queries` (already issued on the same
   * connection, so postgres.js writes them after it). A failed BEGIN leaves no transaction open.
   */
  private async withBegin<T>(queries: Promise<T>[]): Promise<T[]> {
    const begin = this.reserved.unsafe(this.unsentBegin!, [], { prepare: this.prepare });
    this.unsentBegin = undefined;
    const settled = await Promise.allSettled([begin, ...queries]);
    if (settled[0]!.status === "rejected") {
      this.inTransaction = false;
      throw settled[0].reason;
    }
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    return settled.slice(1).map((r) => (r as PromiseFulfilledResult<T>).value);
  }

  /** Sends a postponed BEGIN on its own (before statements that cannot be pipelined with it). */
  private async sendBegin(): Promise<void> {
    if (this.unsentBegin !== undefined) await this.withBegin([]);
  }

  /**
   * Several statements in one round trip: postgres.js pipelines queries issued together on one
   * connection. With `transaction: true` outside a transaction they are wrapped in
   * BEGIN … COMMIT (rolled back on the first error). Inside a transaction they are pipelined;
   * after a failure PostgreSQL aborts the transaction, so later statements do not apply.
   * Outside a transaction without `transaction`, they run one after another, stopping at the
   * first error.
   */
  async batch(stmts: readonly DriverStatement[], opts: BatchOptions): Promise<DriverResult[]> {
    this.checkUsable();
    const run = (st: DriverStatement) => this.reserved.unsafe(st.sql, st.params as never[], { prepare: this.prepare }).values();
    const toResult = (res: Awaited<ReturnType<typeof run>>): DriverResult => ({
      columns: toColumns(res.columns),
      rows: res as unknown as unknown[][],
      rowsAffected: typeof res.count === "number" ? res.count : -1,
    });
    if (!this.inTransaction && !opts.transaction) {
      const out: DriverResult[] = [];
      for (const st of stmts) out.push(toResult(await run(st)));
      return out;
    }
    if (this.unsentBegin !== undefined) return (await this.withBegin(stmts.map(run))).map(toResult);
    const wrap = !this.inTransaction;
    const pending = [
      ...(wrap ? [this.reserved.unsafe(beginSql(opts), [], { prepare: this.prepare })] : []),
      ...stmts.map(run),
      ...(wrap ? [this.reserved.unsafe("COMMIT", [], { prepare: this.prepare })] : []),
    ];
    const settled = await Promise.allSettled(pending);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) {
      if (wrap) await this.reserved.unsafe("ROLLBACK", [], { prepare: this.prepare }).catch(() => {});
      throw failed.reason;
    }
    const values = settled.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof run>>>).value);
    return (wrap ? values.slice(1, -1) : values).map(toResult);
  }

  /** @throws PgAdapterError for unknown isolation levels; PostgresError from the server. */
  async begin(opts?: BeginOptions): Promise<void> {
    this.checkUsable();
    // Validated now (unknown isolation levels throw here), sent with the first statement.
    this.unsentBegin = beginSql(opts);
    this.inTransaction = true;
    this.generation++;
  }

  async commit(): Promise<void> {
    await this.end("COMMIT");
  }

  async rollback(): Promise<void> {
    await this.end("ROLLBACK");
  }

  private async end(sql: "COMMIT" | "ROLLBACK"): Promise<void> {
    this.checkUsable();
    if (this.unsentBegin !== undefined) {
      // Nothing ran: the server never saw the transaction.
      this.unsentBegin = undefined;
      this.inTransaction = false;
      this.generation++;
      return;
    }
    try {
      await this.reserved.unsafe(sql, [], { prepare: this.prepare });
    } finally {
      // Whether or not COMMIT succeeded, the server has left the transaction (a failed
      // COMMIT rolls back), and its DECLAREd cursors are gone.
      this.inTransaction = false;
      this.generation++;
      this.declared.clear();
    }
  }

  /**
   * A real server cursor (see cursor.ts): DECLARE/FETCH for a pure query inside a
   * transaction, else a postgres.js portal read `chunkSize` rows per round trip.
   */
  async openCursor(stmt: DriverStatement, chunkSize: number): Promise<DriverCursor> {
    this.checkUsable();
    await this.sendBegin();
    const n = Math.max(1, Math.floor(chunkSize));
    if (this.inTransaction && isPageableQuery(stmt.sql)) {
      const cursor = new DeclaredCursor(this, this.reserved, `athanor_cursor_${++cursorSeq}`, stmt, n);
      this.declared.add(cursor);
      await cursor.open();
      return cursor;
    }
    const cursor = new PortalCursor(this, this.reserved, stmt, n, this.prepare);
    this.portal = cursor;
    try {
      await cursor.open();
    } catch (err) {
      this.portal = null;
      throw err;
    }
    return cursor;
  }

  /** Closes an open portal, rolls back an open transaction, and returns the connection to the pool. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    anchors.connection = this;
    try {
      if (this.portal !== null) await this.portal.close();
      const begun = this.unsentBegin === undefined;
      this.unsentBegin = undefined;
      if (this.inTransaction) {
        this.inTransaction = false;
        if (begun) await this.reserved.unsafe("ROLLBACK", [], { prepare: this.prepare });
      }
    } catch {
      // A broken connection cannot roll back; the server discards its transaction anyway.
    } finally {
      this.reserved.release();
      this.onRelease?.();
    }
  }
}

/**
 * Incremental fetching for libSQL, which has no server-side cursor in @libsql/client.
 *
 * Design (documented trade-off): a pure query is paged by wrapping it as
 * `SELECT * FROM (<query>) LIMIT ? OFFSET ?`, one page per round trip, always inside a
 * transaction that the connection holds for the cursor's lifetime. SQLite gives a transaction
 * a stable snapshot (WAL) or blocks writers (rollback journal), and the adapter's lock keeps
 * this process's other connections out, so every page sees the same rows in the same order;
 * an ORDER BY in the query is kept by SQLite for the outer query.
 *
 * Costs: each page re-runs the query and skips `OFFSET` rows, so a full scan visits
 * O(n²/page) rows. Pages therefore grow: the first is the fetch size the engine asked for
 * (`yieldPer`, so the first rows and the column metadata come back quickly), and each next one
 * doubles, up to {@link PAGE_GROWTH}× that size and at most {@link MAX_PAGE_ROWS} rows (never
 * below the fetch size). With the default `yieldPer` of 1,000 that is 1k, 2k, 4k, 8k, then 16k
 * rows per page: memory stays bounded by one page, and 500,000 rows skip ~8 M rows instead
 * of ~125 M. Rows are handed out from the page buffer by position (no array shifting).
 *
 * Between fetches the cursor yields to the event loop (see macrotask.ts): the local client
 * resolves synchronously, and without a macrotask boundary the WeakRef targets the ORM creates
 * while streaming would all stay alive until the stream ends.
 *
 * Writes made by the cursor's own transaction between fetches are visible to later pages and
 * can shift them (skipped or repeated rows), as with any OFFSET paging; a cursor whose
 * transaction ends fails its next page with CURSOR_TRANSACTION_ENDED. Statements that are not
 * pure queries (DML … RETURNING, PRAGMA) run once and are handed out from memory
 * ({@link BufferedCursor}).
 * @module
 */
import type { ResultSet, Transaction } from "@libsql/client";
import type { DriverColumn, DriverCursor, DriverStatement } from "../../src/engine/driver/contract.js";
import { LibsqlAdapterError } from "./errors.js";
import { nextMacrotask } from "./macrotask.js";
import { toColumns, toRowArray } from "./result.js";
import { restoreDuplicateColumnNames, stripTrailingSemicolons } from "./sql-shape.js";

type Row = readonly unknown[];

/** A cursor over rows already in memory. */
export class BufferedCursor implements DriverCursor {
  private rows: Row[];

  constructor(
    readonly columns: readonly DriverColumn[],
    rows: readonly Row[],
  ) {
    this.rows = rows.slice();
  }

  async fetch(maxRows: number): Promise<readonly Row[]> {
    return this.rows.splice(0, Math.max(1, maxRows));
  }

  async close(): Promise<void> {
    this.rows = [];
  }
}

/** What a paging cursor needs from its connection. */
export interface PagingHost {
  /** The transaction currently open on the connection (null when none). */
  currentTransaction(): Transaction | null;
  /** Called once when the cursor is exhausted or closed. */
  cursorDone(cursor: PagingCursor): Promise<void>;
}

/** A page grows to at most this multiple of the fetch size… */
export const PAGE_GROWTH = 16;
/** …and to at most this many rows, unless the fetch size itself is larger. */
export const MAX_PAGE_ROWS = 16_384;

/** A LIMIT/OFFSET paging cursor bound to one transaction (see the module comment). */
export class PagingCursor implements DriverCursor {
  columns: readonly DriverColumn[] = [];
  /** The current page; rows before `pos` were handed out already. */
  private buffer: Row[] = [];
  private pos = 0;
  private offset = 0;
  /** Rows the next page asks for. */
  private pageRows: number;
  private readonly maxPageRows: number;
  private exhausted = false;
  private finished = false;
  private closed = false;
  private readonly pagedSql: string;

  constructor(
    private readonly host: PagingHost,
    private readonly tx: Transaction,
    private readonly stmt: DriverStatement,
    chunkSize: number,
  ) {
    // The newline keeps a trailing `-- comment` from swallowing the closing parenthesis.
    this.pagedSql = `SELECT * FROM (${stripTrailingSemicolons(stmt.sql)}\n) LIMIT ? OFFSET ?`;
    this.pageRows = chunkSize;
    this.maxPageRows = Math.max(chunkSize, Math.min(chunkSize * PAGE_GROWTH, MAX_PAGE_ROWS));
  }

  /** Fetch the first page, which also yields the column metadata. */
  async open(): Promise<void> {
    const rs = await this.page(this.pageRows);
    const names = restoreDuplicateColumnNames(rs.columns);
    this.columns = toColumns(names, rs.columnTypes);
    // Everything fit in one page: give the transaction and lock back now.
    if (this.exhausted) await this.finish();
  }

  /** Read the next page into the buffer (after the rows not handed out yet). */
  private async page(limit: number): Promise<ResultSet> {
    const rs = await this.tx.execute({
      sql: this.pagedSql,
      args: [...(this.stmt.params as never[]), limit, this.offset],
    });
    const src = rs.rows;
    const n = src.length;
    this.offset += n;
    if (n < limit) this.exhausted = true;
    const rest = this.buffer.length - this.pos;
    const buf = new Array<Row>(rest + n);
    for (let i = 0; i < rest; i++) buf[i] = this.buffer[this.pos + i]!;
    for (let i = 0; i < n; i++) buf[rest + i] = toRowArray(src[i]!);
    this.buffer = buf;
    this.pos = 0;
    this.pageRows = Math.min(this.pageRows * 2, this.maxPageRows);
    return rs;
  }

  async fetch(maxRows: number): Promise<readonly Row[]> {
    if (this.closed) return [];
    const want = Math.max(1, maxRows);
    await nextMacrotask();
    if (this.closed) return [];
    while (this.buffer.length - this.pos < want && !this.exhausted) {
      if (this.host.currentTransaction() !== this.tx) {
        throw new LibsqlAdapterError(
          "interface",
          "CURSOR_TRANSACTION_ENDED",
          "libsql: the transaction this cursor reads from has ended (commit/rollback); " +
            "fetch all rows before ending the transaction",
        );
      }
      await this.page(Math.max(this.pageRows, want - (this.buffer.length - this.pos)));
    }
    if (this.exhausted) await this.finish();
    const end = Math.min(this.buffer.length, this.pos + want);
    const out = this.buffer.slice(this.pos, end);
    this.pos = end;
    if (end === this.buffer.length) {
      this.buffer = [];
      this.pos = 0;
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.buffer = [];
    this.pos = 0;
    await this.finish();
  }

  private async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.host.cursorDone(this);
  }
}

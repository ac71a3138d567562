/**
 * Incremental fetching for libSQL, which has no server-side cursor in @libsql/client.
 *
 * Design (documented trade-off): a pure query is paged by wrapping it as
 * `SELECT * FROM (<query>) LIMIT ? OFFSET ?`, one page per round trip, always inside a
 * transaction that the connection holds for the cursor's lifetime. SQLite gives a transaction
 * a stable snapshot (WAL) or blocks writers (rollback journal), and the adapter's lock keeps
 * this process's other connections out, so every page sees the same rows in the same order;
 * an ORDER BY in the query is kept by SQLite for the outer query. Costs: each page re-runs the
 * query and skips `OFFSET` rows, so a full scan is O(n²/chunk) row visits; what it buys is
 * bounded memory, which is the point of `stream()`. Writes made by the cursor's own transaction
 * between fetches are visible to later pages and can shift them (skipped or repeated rows), as
 * with any OFFSET paging; a cursor whose transaction ends fails its next page with
 * CURSOR_TRANSACTION_ENDED. Statements that are not pure queries
 * (DML … RETURNING, PRAGMA) run once and are handed out from memory ({@link BufferedCursor}).
 * @module
 */
import type { ResultSet, Transaction } from "@libsql/client";
import type { DriverColumn, DriverCursor, DriverStatement } from "../../src/engine/driver/contract.js";
import { LibsqlAdapterError } from "./errors.js";
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

/** A LIMIT/OFFSET paging cursor bound to one transaction (see the module comment). */
export class PagingCursor implements DriverCursor {
  columns: readonly DriverColumn[] = [];
  private buffer: Row[] = [];
  private offset = 0;
  private exhausted = false;
  private finished = false;
  private closed = false;
  private readonly pagedSql: string;

  constructor(
    private readonly host: PagingHost,
    private readonly tx: Transaction,
    private readonly stmt: DriverStatement,
    private readonly chunkSize: number,
  ) {
    // The newline keeps a trailing `-- comment` from swallowing the closing parenthesis.
    this.pagedSql = `SELECT * FROM (${stripTrailingSemicolons(stmt.sql)}\n) LIMIT ? OFFSET ?`;
  }

  /** Fetch the first page, which also yields the column metadata. */
  async open(): Promise<void> {
    const rs = await this.page(this.chunkSize);
    const names = restoreDuplicateColumnNames(rs.columns);
    this.columns = toColumns(names, rs.columnTypes);
    // Everything fit in one page: give the transaction and lock back now.
    if (this.exhausted) await this.finish();
  }

  private async page(limit: number): Promise<ResultSet> {
    const rs = await this.tx.execute({
      sql: this.pagedSql,
      args: [...(this.stmt.params as never[]), limit, this.offset],
    });
    this.offset += rs.rows.length;
    if (rs.rows.length < limit) this.exhausted = true;
    for (const row of rs.rows) this.buffer.push(toRowArray(row));
    return rs;
  }

  async fetch(maxRows: number): Promise<readonly Row[]> {
    if (this.closed) return [];
    const want = Math.max(1, maxRows);
    while (this.buffer.length < want && !this.exhausted) {
      if (this.host.currentTransaction() !== this.tx) {
        throw new LibsqlAdapterError(
          "interface",
          "CURSOR_TRANSACTION_ENDED",
          "libsql: the transaction this cursor reads from has ended (commit/rollback); " +
            "fetch all rows before ending the transaction",
        );
      }
      await this.page(Math.max(this.chunkSize, want - this.buffer.length));
    }
    if (this.exhausted) await this.finish();
    return this.buffer.splice(0, want);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.buffer = [];
    await this.finish();
  }

  private async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.host.cursorDone(this);
  }
}

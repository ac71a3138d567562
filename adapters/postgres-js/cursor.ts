/**
 * Server-side cursors for the postgres.js adapter.
 *
 * Two real cursors, picked by the connection:
 * - {@link DeclaredCursor}: inside a transaction, a pure query runs as
 *   `DECLARE c NO SCROLL CURSOR FOR …` and is read with `FETCH FORWARD n`. The connection stays
 *   usable between fetches, so the ORM can run other statements (e.g. selectin loads) while
 *   streaming, as SQLAlchemy does with psycopg's named cursors.
 * - {@link PortalCursor}: otherwise, postgres.js's own `.cursor(n)` (an extended-protocol portal
 *   executed n rows at a time). The connection is busy until the cursor is exhausted or closed;
 *   closing early sends Close for the portal and frees the connection.
 * @module
 */
import type postgres from "postgres";
import type { DriverColumn, DriverCursor, DriverStatement } from "../../src/engine/driver/contract.js";
import { stripTrailingSemicolons } from "../libsql/sql-shape.js";

type Row = readonly unknown[];
type Reserved = postgres.ReservedSql<Record<string, unknown>>;

interface ColumnLike {
  readonly name: string;
  readonly type: number;
}

/** postgres.js column metadata as driver columns (type = PostgreSQL type OID). */
export function toColumns(cols: readonly ColumnLike[] | undefined): DriverColumn[] {
  return (cols ?? []).map((c) => ({ name: c.name, type: c.type }));
}

/** What a cursor tells its connection. */
export interface CursorHost {
  cursorDone(cursor: DriverCursor): void;
  /** Identifies the current transaction; changes at every BEGIN, COMMIT and ROLLBACK. */
  transactionGeneration(): number;
}

/** A portal cursor through postgres.js's `.cursor(n)` async iterator. */
export class PortalCursor implements DriverCursor {
  columns: readonly DriverColumn[] = [];
  private buffer: Row[] = [];
  private done = false;
  private closed = false;
  private iterator: AsyncIterator<Row[]> | undefined;
  private query: { statement?: { columns?: readonly ColumnLike[] } } | undefined;

  constructor(
    private readonly host: CursorHost,
    private readonly reserved: Reserved,
    private readonly stmt: DriverStatement,
    private readonly chunkSize: number,
    private readonly prepare: boolean,
  ) {}

  /** Start the portal and read the first chunk (which carries the column metadata). */
  async open(): Promise<void> {
    const query = this.reserved.unsafe(this.stmt.sql, this.stmt.params as never[], { prepare: this.prepare }).values();
    this.query = query as unknown as { statement?: { columns?: readonly ColumnLike[] } };
    this.iterator = query.cursor(this.chunkSize)[Symbol.asyncIterator]() as AsyncIterator<Row[]>;
    const first = await this.pull();
    // An empty result never yields a chunk; the prepared statement still knows its columns.
    this.columns = toColumns(
      (first as { columns?: readonly ColumnLike[] } | undefined)?.columns ?? this.query.statement?.columns,
    );
  }

  private async pull(): Promise<Row[] | undefined> {
    const r = await this.iterator!.next();
    if (r.done) {
      this.finish();
      return undefined;
    }
    this.buffer.push(...r.value);
    return r.value;
  }

  async fetch(maxRows: number): Promise<readonly Row[]> {
    if (this.closed) return [];
    const want = Math.max(1, maxRows);
    while (this.buffer.length < want && !this.done) await this.pull();
    return this.buffer.splice(0, want);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.buffer = [];
    if (!this.done) {
      // Resumes postgres.js's suspended portal with CLOSE: it sends Close and frees the socket.
      await this.iterator?.return?.();
    }
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.host.cursorDone(this);
  }

  /** True while the portal occupies the connection. */
  get active(): boolean {
    return !this.done;
  }
}

/** FETCH sizes grow to at most this multiple of the fetch size the engine asked for… */
export const FETCH_GROWTH = 16;
/** …and to at most this many rows, unless the fetch size itself is larger. */
export const MAX_FETCH_ROWS = 16_384;

/**
 * A `DECLARE … CURSOR` read with FETCH; lives until CLOSE or the end of its transaction.
 *
 * Every FETCH is a round trip, so FETCH sizes grow: the first is the engine's fetch size
 * (`yieldPer`: first rows come back quickly), each next one doubles, up to
 * {@link FETCH_GROWTH}× that size and {@link MAX_FETCH_ROWS} rows. Memory stays bounded by one
 * FETCH; 500,000 rows take ~40 round trips instead of 500 at the default `yieldPer`.
 */
export class DeclaredCursor implements DriverCursor {
  columns: readonly DriverColumn[] = [];
  /** Rows fetched; those before `pos` were handed out already. */
  private buffer: Row[] = [];
  private pos = 0;
  private exhausted = false;
  private closed = false;
  private readonly generation: number;
  /** Rows the next FETCH asks for. */
  private fetchRows: number;
  private readonly maxFetchRows: number;

  constructor(
    private readonly host: CursorHost,
    private readonly reserved: Reserved,
    private readonly name: string,
    private readonly stmt: DriverStatement,
    chunkSize: number,
  ) {
    this.generation = host.transactionGeneration();
    this.fetchRows = chunkSize;
    this.maxFetchRows = Math.max(chunkSize, Math.min(chunkSize * FETCH_GROWTH, MAX_FETCH_ROWS));
  }

  async open(): Promise<void> {
    // Unprepared: cursor names differ per cursor, and a cached FETCH would keep stale columns.
    await this.reserved.unsafe(
      `DECLARE ${this.name} NO SCROLL CURSOR FOR ${stripTrailingSemicolons(this.stmt.sql)}`,
      this.stmt.params as never[],
      { prepare: false },
    );
    const cols = await this.fetchChunk(this.fetchRows);
    this.columns = toColumns(cols);
  }

  private async fetchChunk(n: number): Promise<readonly ColumnLike[] | undefined> {
    const res = await this.reserved.unsafe(`FETCH FORWARD ${n} FROM ${this.name}`, [], { prepare: false }).values();
    const got = res as unknown as Row[];
    if (got.length < n) this.exhausted = true;
    if (this.pos === this.buffer.length) {
      this.buffer = got;
    } else {
      const rest = this.buffer.slice(this.pos);
      for (let i = 0; i < got.length; i++) rest.push(got[i]!);
      this.buffer = rest;
    }
    this.pos = 0;
    this.fetchRows = Math.min(this.fetchRows * 2, this.maxFetchRows);
    return res.columns as readonly ColumnLike[] | undefined;
  }

  async fetch(maxRows: number): Promise<readonly Row[]> {
    if (this.closed) return [];
    const want = Math.max(1, maxRows);
    while (this.buffer.length - this.pos < want && !this.exhausted) {
      await this.fetchChunk(Math.max(this.fetchRows, want - (this.buffer.length - this.pos)));
    }
    const end = Math.min(this.buffer.length, this.pos + want);
    const out = this.pos === 0 && end === this.buffer.length ? this.buffer : this.buffer.slice(this.pos, end);
    this.pos = end;
    if (end === this.buffer.length) {
      this.buffer = [];
      this.pos = 0;
    }
    return out;
  }

  /**
   * CLOSE the cursor if its transaction is still the current one (after COMMIT/ROLLBACK the
   * server has dropped it already, and a CLOSE then would fail and abort a newer transaction).
   * An exhausted cursor is closed too: the server keeps it until CLOSE or the transaction's end.
   * Errors from CLOSE are ignored: close() runs in cleanup paths, where it must not mask the
   * error being handled (e.g. an already aborted transaction).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.buffer = [];
    this.pos = 0;
    this.host.cursorDone(this);
    if (this.host.transactionGeneration() !== this.generation) return;
    try {
      await this.reserved.unsafe(`CLOSE ${this.name}`, [], { prepare: false });
    } catch {
      // see above
    }
  }
}

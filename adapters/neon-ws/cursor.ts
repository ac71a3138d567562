/**
 * Server-side cursors for the Neon WebSocket adapter: `DECLARE … NO SCROLL CURSOR FOR …` read
 * with `FETCH FORWARD n`, inside a transaction (a cursor without HOLD lives only there). The
 * connection stays usable between fetches, as with psycopg's named cursors in SQLAlchemy.
 * @module
 */
import type { DriverColumn, DriverCursor, DriverStatement } from "../../src/engine/driver/contract.js";
import { stripTrailingSemicolons } from "../libsql/sql-shape.js";

type Row = readonly unknown[];

/** What a cursor needs from its connection. */
export interface DeclaredCursorHost {
  /** Run one statement on the connection, rows as arrays. */
  run(sql: string, params: readonly unknown[]): Promise<{ columns: DriverColumn[]; rows: Row[] }>;
  /** Identifies the current transaction; changes at every BEGIN, COMMIT and ROLLBACK. */
  transactionGeneration(): number;
  /** Called once when the cursor is closed or exhausted. */
  cursorDone(cursor: NeonDeclaredCursor): Promise<void>;
}

/** A `DECLARE`d cursor; lives until CLOSE or the end of its transaction. */
export class NeonDeclaredCursor implements DriverCursor {
  columns: readonly DriverColumn[] = [];
  private buffer: Row[] = [];
  private exhausted = false;
  private closed = false;
  private readonly generation: number;

  constructor(
    private readonly host: DeclaredCursorHost,
    private readonly name: string,
    private readonly stmt: DriverStatement,
    private readonly chunkSize: number,
  ) {
    this.generation = host.transactionGeneration();
  }

  /** DECLARE, then FETCH the first chunk (which carries the column metadata). */
  async open(): Promise<void> {
    await this.host.run(`DECLARE ${this.name} NO SCROLL CURSOR FOR ${stripTrailingSemicolons(this.stmt.sql)}`, this.stmt.params);
    this.columns = await this.fetchChunk(this.chunkSize);
  }

  private async fetchChunk(n: number): Promise<DriverColumn[]> {
    const res = await this.host.run(`FETCH FORWARD ${n} FROM ${this.name}`, []);
    if (res.rows.length < n) this.exhausted = true;
    this.buffer.push(...res.rows);
    return res.columns;
  }

  async fetch(maxRows: number): Promise<readonly Row[]> {
    if (this.closed) return [];
    const want = Math.max(1, maxRows);
    while (this.buffer.length < want && !this.exhausted) {
      await this.fetchChunk(Math.max(this.chunkSize, want - this.buffer.length));
    }
    const out = this.buffer.splice(0, want);
    if (this.exhausted && this.buffer.length === 0) await this.close();
    return out;
  }

  /**
   * CLOSE the cursor if it may still hold rows and its transaction is still current (after
   * COMMIT/ROLLBACK it is gone, and a CLOSE would fail and abort a newer transaction). Errors
   * are swallowed: close() runs in cleanup paths, where it must not mask the error in flight.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.buffer = [];
    try {
      if (!this.exhausted && this.host.transactionGeneration() === this.generation) {
        await this.host.run(`CLOSE ${this.name}`, []);
      }
    } catch {
      // see above
    }
    await this.host.cursorDone(this);
  }
}

/** A fully fetched result served through the cursor interface (for statements that cannot be DECLAREd). */
export class BufferedCursor implements DriverCursor {
  private rows: Row[];
  constructor(
    readonly columns: readonly DriverColumn[],
    rows: readonly Row[],
  ) {
    this.rows = [...rows];
  }
  async fetch(maxRows: number): Promise<readonly Row[]> {
    return this.rows.splice(0, Math.max(1, maxRows));
  }
  async close(): Promise<void> {
    this.rows = [];
  }
}

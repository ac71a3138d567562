/**
 * One pooled Neon WebSocket client (node-postgres `PoolClient`) behind the driver contract.
 * @module
 */
import type { PoolClient, QueryArrayResult } from "@neondatabase/serverless";
import type {
  BeginOptions,
  DriverColumn,
  DriverConnection,
  DriverCursor,
  DriverResult,
  DriverStatement,
} from "../../src/engine/driver/contract.js";
import { isPageableQuery } from "../libsql/sql-shape.js";
import { NEON_TEXT_TYPES, toTextParams } from "../neon-http/text-values.js";
import { beginSql } from "../postgres-js/begin-sql.js";
import { PgAdapterError } from "../postgres-js/sqlstate.js";
import { BufferedCursor, NeonDeclaredCursor, type DeclaredCursorHost } from "./cursor.js";
import { describeNeonWsError } from "./errors.js";

let cursorSeq = 0;

/** A {@link DriverConnection} over a node-postgres client checked out of a Neon `Pool`. */
export class NeonWsConnection implements DriverConnection, DeclaredCursorHost {
  private inTransaction = false;
  /** True while a cursor opened outside a transaction holds the BEGIN it started for itself. */
  private implicitTx: NeonDeclaredCursor | null = null;
  private readonly cursors = new Set<NeonDeclaredCursor>();
  private generation = 0;
  private released = false;
  private lost: Error | undefined;

  /**
   * node-postgres emits "error" on a checked-out client whose connection dies between queries
   * (server restart, dropped WebSocket); without a listener that is an uncaught exception.
   */
  private readonly onClientError = (err: Error): void => {
    this.lost ??= err;
  };

  constructor(private readonly client: PoolClient) {
    client.on("error", this.onClientError);
  }

  transactionGeneration(): number {
    return this.generation;
  }

  private checkUsable(): void {
    if (this.released) throw new PgAdapterError("interface", "CONNECTION_RELEASED", "neon-ws: this connection has been released");
    if (this.implicitTx !== null) {
      throw new PgAdapterError(
        "interface",
        "CURSOR_OPEN",
        "neon-ws: a streaming cursor opened outside a transaction is still open on this connection " +
          "(it runs in a transaction of its own); read it to the end or close it first, or stream inside a transaction",
      );
    }
  }

  /** Runs one statement (unnamed prepared statement), rows as arrays, values as text except exact types. */
  async run(sql: string, params: readonly unknown[]): Promise<{ columns: DriverColumn[]; rows: unknown[][]; rowsAffected: number }> {
    let res: QueryArrayResult<unknown[]>;
    try {
      res = await this.client.query({ text: sql, values: toTextParams(params), rowMode: "array", types: NEON_TEXT_TYPES });
    } catch (err) {
      if (describeNeonWsError(err)?.connectionInvalidated) this.lost ??= err as Error;
      throw err;
    }
    return {
      columns: (res.fields ?? []).map((f) => ({ name: f.name, type: f.dataTypeID })),
      rows: res.rows,
      rowsAffected: typeof res.rowCount === "number" ? res.rowCount : -1,
    };
  }

  async execute(stmt: DriverStatement): Promise<DriverResult> {
    this.checkUsable();
    if (this.lost !== undefined) throw this.lost;
    return this.run(stmt.sql, stmt.params);
  }

  /** @throws PgAdapterError for an unknown isolation level or a transaction already open. */
  async begin(opts?: BeginOptions): Promise<void> {
    this.checkUsable();
    if (this.inTransaction) {
      throw new PgAdapterError("interface", "TRANSACTION_ALREADY_BEGUN", "neon-ws: a transaction is already open on this connection");
    }
    await this.run(beginSql(opts), []);
    this.inTransaction = true;
    this.generation++;
  }

  async commit(): Promise<void> {
    this.checkUsable();
    await this.end("COMMIT");
  }

  async rollback(): Promise<void> {
    this.checkUsable();
    await this.end("ROLLBACK");
  }

  private async end(sql: "COMMIT" | "ROLLBACK"): Promise<void> {
    try {
      await this.run(sql, []);
    } finally {
      // Whether or not COMMIT succeeded, the server has left the transaction and dropped its cursors.
      this.inTransaction = false;
      this.generation++;
      this.cursors.clear();
    }
  }

  /**
   * A real server cursor: `DECLARE … NO SCROLL CURSOR` + `FETCH FORWARD n` for a pure query
   * (SELECT/VALUES/TABLE/WITH without DML). Inside a transaction the connection stays usable
   * between fetches. Outside one, the cursor runs in a transaction of its own (BEGIN before
   * DECLARE, COMMIT when it is exhausted or closed), and other statements on this connection
   * are refused meanwhile. DML … RETURNING cannot be DECLAREd: it runs once and its rows are
   * served from memory.
   */
  async openCursor(stmt: DriverStatement, chunkSize: number): Promise<DriverCursor> {
    this.checkUsable();
    const n = Math.max(1, Math.floor(chunkSize));
    if (!isPageableQuery(stmt.sql)) {
      const res = await this.run(stmt.sql, stmt.params);
      return new BufferedCursor(res.columns, res.rows);
    }
    const implicit = !this.inTransaction;
    if (implicit) {
      await this.run("BEGIN", []);
      this.generation++;
    }
    const cursor = new NeonDeclaredCursor(this, `athanor_cursor_${++cursorSeq}`, stmt, n);
    this.cursors.add(cursor);
    if (implicit) this.implicitTx = cursor;
    try {
      await cursor.open();
    } catch (err) {
      this.cursors.delete(cursor);
      if (implicit) {
        this.implicitTx = null;
        this.generation++;
        await this.run("ROLLBACK", []).catch(() => {});
      }
      throw err;
    }
    return cursor;
  }

  async cursorDone(cursor: NeonDeclaredCursor): Promise<void> {
    this.cursors.delete(cursor);
    if (this.implicitTx === cursor) {
      this.implicitTx = null;
      this.generation++;
      await this.run("COMMIT", []).catch(() => {});
    }
  }

  /**
   * Rolls back an open transaction (explicit, or a cursor's own) and returns the client to the
   * pool; a client whose connection was lost is destroyed instead (`release(err)`).
   */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    try {
      if ((this.inTransaction || this.implicitTx !== null) && this.lost === undefined) {
        this.inTransaction = false;
        this.implicitTx = null;
        await this.run("ROLLBACK", []);
      }
    } catch (err) {
      this.lost ??= err instanceof Error ? err : new Error(String(err));
    } finally {
      // A lost client is destroyed and may still emit "error" as its socket closes: keep the
      // listener then. A healthy one goes back to the pool, which listens while it is idle.
      if (this.lost === undefined) this.client.removeListener("error", this.onClientError);
      this.client.release(this.lost ?? undefined);
    }
  }
}

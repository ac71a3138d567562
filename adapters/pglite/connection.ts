/**
 * One logical connection of the PGlite adapter.
 *
 * PGlite runs one PostgreSQL backend in-process: a single session. Two logical connections
 * sending BEGIN … COMMIT through it would silently share one transaction, so every connection
 * of a PGlite instance shares an {@link AsyncLock}, held from BEGIN to COMMIT/ROLLBACK/release
 * and per statement outside a transaction.
 * @module
 */
import type { PGlite, Results } from "@electric-sql/pglite";
import type { BeginOptions, DriverConnection, DriverResult, DriverStatement } from "../../src/engine/driver/contract.js";
import type { AsyncLock } from "../libsql/async-lock.js";
import { beginSql } from "../postgres-js/begin-sql.js";
import { PgAdapterError } from "../postgres-js/sqlstate.js";

const identity = (x: string): string => x;

/**
 * Parsers that keep int8 (20), date (1082), timestamp (1114) and timestamptz (1184) as
 * PostgreSQL's text, like the postgres.js adapter: PGlite would otherwise turn int8 into a
 * lossy number and timestamps into millisecond Dates.
 */
export const PGLITE_TEXT_PARSERS: Readonly<Record<number, (value: string) => unknown>> = Object.freeze({
  20: identity,
  1082: identity,
  1114: identity,
  1184: identity,
});

/** A PGlite result as a {@link DriverResult}; `rowsAffected` is the command tag's count. */
export function toDriverResult(res: Results<unknown[]>): DriverResult {
  return {
    columns: res.fields.map((f) => ({ name: f.name, type: f.dataTypeID })),
    rows: res.rows,
    rowsAffected: res.rowCount ?? res.affectedRows ?? -1,
  };
}

/** A {@link DriverConnection} over a shared PGlite instance. */
export class PgliteConnection implements DriverConnection {
  private inTransaction = false;
  private released = false;

  constructor(
    private readonly db: PGlite,
    private readonly lock: AsyncLock,
    private readonly lockTimeoutMs: number,
  ) {}

  private checkOpen(): void {
    if (this.released) {
      throw new PgAdapterError("interface", "CONNECTION_RELEASED", "pglite: this connection has been released");
    }
  }

  private run(sql: string, params: readonly unknown[]): Promise<Results<unknown[]>> {
    return this.db.query<unknown[]>(sql, params as unknown[], { rowMode: "array", parsers: PGLITE_TEXT_PARSERS });
  }

  async execute(stmt: DriverStatement): Promise<DriverResult> {
    this.checkOpen();
    const res = this.inTransaction
      ? await this.run(stmt.sql, stmt.params)
      : await this.lock.run(this, this.lockTimeoutMs, () => this.run(stmt.sql, stmt.params));
    return toDriverResult(res);
  }

  /**
   * Waits for the instance's lock, then BEGIN [ISOLATION LEVEL x] [READ ONLY].
   * @throws LockTimeoutError when another connection keeps its transaction past the timeout.
   */
  async begin(opts?: BeginOptions): Promise<void> {
    this.checkOpen();
    if (this.inTransaction) {
      throw new PgAdapterError("interface", "TRANSACTION_ALREADY_BEGUN", "pglite: a transaction is already open on this connection");
    }
    const sql = beginSql(opts);
    await this.lock.acquire(this, this.lockTimeoutMs);
    try {
      await this.run(sql, []);
      this.inTransaction = true;
    } catch (err) {
      this.lock.release(this);
      throw err;
    }
  }

  async commit(): Promise<void> {
    await this.end("COMMIT");
  }

  async rollback(): Promise<void> {
    await this.end("ROLLBACK");
  }

  private async end(sql: "COMMIT" | "ROLLBACK"): Promise<void> {
    this.checkOpen();
    if (!this.inTransaction) return;
    try {
      await this.run(sql, []);
    } finally {
      this.inTransaction = false;
      this.lock.release(this);
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (!this.inTransaction) return;
    try {
      await this.run("ROLLBACK", []);
    } finally {
      this.inTransaction = false;
      this.lock.release(this);
    }
  }
}

/**
 * One logical connection of the D1 adapter. D1 has no connections and no sessions spanning
 * requests: every call is one HTTP-like request to the database, so a "connection" here is
 * only a handle with a released flag.
 *
 * Never sends BEGIN: D1 rejects BEGIN/SAVEPOINT ("use the state.storage.transaction() …"), so
 * the connection has no begin/commit/rollback and refuses transaction-control statements
 * itself with a clear error. Atomicity comes from `db.batch()`: one request, one implicit
 * transaction, rolled back entirely when any statement fails.
 * @module
 */
import type { DriverColumn, DriverConnection, DriverResult, DriverStatement } from "../../src/engine/driver/contract.js";
import { D1AdapterError } from "./errors.js";
import { isDml, isTransactionControl, returnsRows } from "./sql-shape.js";
import type { D1DatabaseLike, D1PreparedStatementLike, D1ResultLike } from "./types.js";
import { fromD1Value, toD1Value } from "./values.js";

type Row = readonly unknown[];

/** A canonical array index ("0", "1", …), which JavaScript objects order before other keys. */
function isIndexKey(k: string): boolean {
  return /^(0|[1-9]\d*)$/.test(k) && Number(k) < 4294967295;
}

function columnsOf(names: readonly string[]): DriverColumn[] {
  return names.map((name) => ({ name }));
}

/** A {@link DriverConnection} over a D1 binding. */
export class D1Connection implements DriverConnection {
  private released = false;

  constructor(private readonly db: D1DatabaseLike) {}

  private check(stmt: DriverStatement): void {
    if (this.released) throw new D1AdapterError("interface", "CONNECTION_RELEASED", "d1: this connection has been released");
    if (isTransactionControl(stmt.sql)) {
      throw new D1AdapterError(
        "notSupported",
        "D1_NO_TRANSACTIONS",
        "d1: D1 rejects BEGIN, COMMIT, ROLLBACK and SAVEPOINT (it has no interactive transactions). " +
          "Atomic writes go through db.batch(): athanor sends a transaction's writes as one batch at commit. " +
          `Statement: ${stmt.sql.slice(0, 80)}`,
      );
    }
  }

  private prepare(stmt: DriverStatement): D1PreparedStatementLike {
    const p = this.db.prepare(stmt.sql);
    return stmt.params.length > 0 ? p.bind(...stmt.params.map(toD1Value)) : p;
  }

  /**
   * Run one statement (one D1 request). Statements that yield rows (queries, PRAGMA,
   * DML … RETURNING) go through `raw({ columnNames: true })`: rows as arrays, duplicate column
   * names kept; DML … RETURNING reports its row count as rowsAffected (one row per affected
   * row), queries report -1. Other statements go through `run()`: rowsAffected is D1's
   * `meta.changes`, lastInsertRowid its `meta.last_row_id` for DML.
   */
  async execute(stmt: DriverStatement): Promise<DriverResult> {
    this.check(stmt);
    const prepared = this.prepare(stmt);
    if (returnsRows(stmt.sql)) {
      const out = await prepared.raw({ columnNames: true });
      const names = (out[0] ?? []) as string[];
      const rows = (out.slice(1) as unknown[][]).map((r) => r.map(fromD1Value));
      return { columns: columnsOf(names), rows, rowsAffected: isDml(stmt.sql) ? rows.length : -1 };
    }
    const res = await prepared.run();
    return this.fromRun(stmt, res);
  }

  private fromRun(stmt: DriverStatement, res: D1ResultLike): DriverResult {
    const changes = res.meta.changes ?? -1;
    const rowid = res.meta.last_row_id;
    return {
      columns: [],
      rows: [],
      rowsAffected: changes,
      ...(isDml(stmt.sql) && changes > 0 && rowid !== undefined ? { lastInsertRowid: rowid } : {}),
    };
  }

  /**
   * With `transaction: true`: one `db.batch()` — one request, one transaction; the first
   * failing statement rolls back all of them and its error is thrown. With `transaction:
   * false`: one request per statement, stopping at the first error (earlier ones stay).
   *
   * `db.batch()` returns rows as objects only, so rows are rebuilt from their keys in order;
   * a row with duplicate column names cannot be rebuilt (D1 keeps the last), and columns named
   * like array indices ("0", "1") would be reordered, which raises an error instead.
   * @throws D1AdapterError ("notSupported", "D1_BATCH_COLUMN_ORDER") for such rows.
   */
  async batch(stmts: readonly DriverStatement[], opts: { transaction: boolean }): Promise<DriverResult[]> {
    for (const s of stmts) this.check(s);
    if (stmts.length === 0) return [];
    if (!opts.transaction) {
      const out: DriverResult[] = [];
      for (const s of stmts) out.push(await this.execute(s));
      return out;
    }
    const results = await this.db.batch(stmts.map((s) => this.prepare(s)));
    return results.map((res, i) => {
      const stmt = stmts[i]!;
      if (!returnsRows(stmt.sql)) return this.fromRun(stmt, res);
      const objects = res.results ?? [];
      const names = objects.length > 0 ? Object.keys(objects[0]!) : [];
      if (names.length > 1 && names.some(isIndexKey)) {
        throw new D1AdapterError(
          "notSupported",
          "D1_BATCH_COLUMN_ORDER",
          `d1: a batched statement returns a column named like an array index (${names.filter(isIndexKey).join(", ")}); ` +
            "db.batch() returns rows as objects, which reorder such keys. Label the column. " +
            `Statement: ${stmt.sql.slice(0, 80)}`,
        );
      }
      const rows: Row[] = objects.map((o) => names.map((n) => fromD1Value(o[n])));
      return {
        columns: columnsOf(names),
        rows,
        rowsAffected: isDml(stmt.sql) ? (res.meta.changes ?? rows.length) : -1,
      };
    });
  }

  /** Nothing to give back: D1 holds no connection state between requests. */
  async release(): Promise<void> {
    this.released = true;
  }
}

/**
 * One logical connection of the Neon HTTP adapter. HTTP has no session: every `execute` is
 * one autocommit request and every `batch` one transaction request, so "connecting" costs
 * nothing and there is no begin/commit/rollback.
 * @module
 */
import type { NeonQueryFunction, FullQueryResults, HTTPTransactionOptions } from "@neondatabase/serverless";
import type { BatchOptions, DriverConnection, DriverResult, DriverStatement } from "../../src/engine/driver/contract.js";
import { NeonAdapterError, toNeonHttpError } from "./errors.js";
import { NEON_TEXT_TYPES, toTextParams } from "./text-values.js";

/** A `neon()` query function in any result mode; this adapter always asks for full array results. */
export type AnyNeonQueryFunction = NeonQueryFunction<boolean, boolean>;

/**
 * Options of {@link NeonHttpConnection.batch}: the contract's {@link BatchOptions}
 * (`transaction`, `isolationLevel` in SQL spelling such as "SERIALIZABLE", `readOnly`), sent
 * as Neon's `Neon-Batch-*` headers, plus `deferrable`.
 */
export interface NeonBatchOptions extends BatchOptions {
  /** DEFERRABLE (effective with SERIALIZABLE READ ONLY only). */
  readonly deferrable?: boolean;
}

const QUERY_OPTS = { arrayMode: true, fullResults: true, types: NEON_TEXT_TYPES } as const;

const NEON_ISOLATION: Readonly<Record<string, NonNullable<HTTPTransactionOptions<true, true>["isolationLevel"]>>> = {
  "READ UNCOMMITTED": "ReadUncommitted",
  "READ COMMITTED": "ReadCommitted",
  "REPEATABLE READ": "RepeatableRead",
  SERIALIZABLE: "Serializable",
};

/**
 * Neon's header value for an isolation level.
 * @throws NeonAdapterError ("notSupported") for a level PostgreSQL does not know.
 */
export function neonIsolationLevel(level: string): NonNullable<HTTPTransactionOptions<true, true>["isolationLevel"]> {
  const key = level.trim().toUpperCase().replace(/[\s_]+/g, " ");
  const v = NEON_ISOLATION[key];
  if (v === undefined) {
    throw new NeonAdapterError(
      "notSupported",
      "ISOLATION_LEVEL_NOT_SUPPORTED",
      `neon-http: unknown isolation level ${JSON.stringify(level)}; expected one of ${Object.keys(NEON_ISOLATION).join(", ")}`,
    );
  }
  return v;
}

function toDriverResult(r: FullQueryResults<boolean>): DriverResult {
  return {
    columns: r.fields.map((f) => ({ name: f.name, type: f.dataTypeID })),
    rows: r.rows as unknown as unknown[][],
    // Neon sends null for command tags without a count (CREATE TABLE, BEGIN, …).
    rowsAffected: typeof r.rowCount === "number" ? r.rowCount : -1,
  };
}

/** A {@link DriverConnection} over a `neon()` query function. */
export class NeonHttpConnection implements DriverConnection {
  private released = false;

  constructor(private readonly sql: AnyNeonQueryFunction) {}

  private checkOpen(): void {
    if (this.released) throw new NeonAdapterError("interface", "CONNECTION_RELEASED", "neon-http: this connection has been released");
  }

  /**
   * One autocommit request (`POST /sql` with `{query, params}`).
   * @throws NeonHttpError with the SQLSTATE, outcome and retry safety.
   */
  async execute(stmt: DriverStatement): Promise<DriverResult> {
    this.checkOpen();
    try {
      const r = await this.sql.query(stmt.sql, toTextParams(stmt.params), QUERY_OPTS);
      return toDriverResult(r as unknown as FullQueryResults<boolean>);
    } catch (err) {
      throw toNeonHttpError(err, "query");
    }
  }

  /**
   * With `transaction: true` (the form the engine uses for atomic work), all statements go in
   * one request (`sql.transaction([...])`), which Neon runs as BEGIN … COMMIT and rolls back at
   * the first error: either every statement's effect persists, or none does. Statements cannot
   * see each other's results client-side; each may use the previous ones' effects in SQL
   * (CTEs, `currval()`, subqueries). With `transaction: false`, Neon has no non-transactional
   * batch, so each statement is its own request, in order, stopping at the first error.
   * @throws NeonHttpError; for a batch, `outcome`/`retrySafe` say whether it is known to be rolled back.
   */
  async batch(stmts: readonly DriverStatement[], opts: NeonBatchOptions): Promise<DriverResult[]> {
    this.checkOpen();
    if (stmts.length === 0) return [];
    if (!opts.transaction) {
      const out: DriverResult[] = [];
      for (const s of stmts) out.push(await this.execute(s));
      return out;
    }
    const txOpts: HTTPTransactionOptions<true, true> = {
      arrayMode: true,
      fullResults: true,
      ...(opts.isolationLevel !== undefined ? { isolationLevel: neonIsolationLevel(opts.isolationLevel) } : {}),
      ...(opts.readOnly !== undefined ? { readOnly: opts.readOnly } : {}),
      ...(opts.deferrable !== undefined ? { deferrable: opts.deferrable } : {}),
    };
    try {
      const queries = stmts.map((s) => this.sql.query(s.sql, toTextParams(s.params), QUERY_OPTS));
      const results = await this.sql.transaction(queries as never, txOpts);
      return (results as unknown as FullQueryResults<boolean>[]).map(toDriverResult);
    } catch (err) {
      throw toNeonHttpError(err, "batch");
    }
  }

  /** Nothing to give back: HTTP holds no session. Later calls raise. */
  async release(): Promise<void> {
    this.released = true;
  }
}

/**
 * The slice of Cloudflare's D1 binding API the adapter uses, declared structurally so the
 * adapter needs neither @cloudflare/workers-types nor a particular compatibility date: the
 * `D1Database` binding from `env` (workerd) and miniflare's `getD1Database()` proxy both fit.
 * @module
 */

/** `meta` of a D1 result (only the fields the adapter reads). */
export interface D1MetaLike {
  /** Rows changed by an INSERT/UPDATE/DELETE (SQLite's changes()). */
  readonly changes?: number;
  /** SQLite's last_insert_rowid() of the connection. */
  readonly last_row_id?: number;
}

/** What `run()`, `all()` and each element of `batch()` resolve to. */
export interface D1ResultLike {
  readonly results?: readonly Record<string, unknown>[];
  readonly meta: D1MetaLike;
}

/** A prepared statement (`db.prepare(sql)`). */
export interface D1PreparedStatementLike {
  bind(...values: unknown[]): D1PreparedStatementLike;
  run(): Promise<D1ResultLike>;
  all(): Promise<D1ResultLike>;
  /** Rows as arrays; with `columnNames: true` the first element is the column names. */
  raw(options: { columnNames: true }): Promise<[string[], ...unknown[][]]>;
}

/** A D1 database binding (`env.DB`) or a D1 session (`env.DB.withSession()`). */
export interface D1DatabaseLike {
  prepare(query: string): D1PreparedStatementLike;
  batch(statements: D1PreparedStatementLike[]): Promise<D1ResultLike[]>;
}

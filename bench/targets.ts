/**
 * The databases benchmarked, each as an athanor engine and the raw driver client under it (the
 * same client object, so both sides share connection, prepared-statement cache and types).
 *
 * - libSQL: an `@libsql/client` on `:memory:` with `intMode: "number"` (as the adapter's own
 *   `createLibsqlDriver` configures it), wrapped by `libsql(client)`.
 * - PostgreSQL: a postgres.js pool of one connection with the adapter's ATHANOR_PG_TYPES,
 *   wrapped by `postgresjs(sql)`; one connection so the raw side cannot gain from parallelism.
 * @module
 */
import { createClient, type Client } from "@libsql/client";
import postgres from "postgres";
import { createAsyncEngine, type AsyncEngine, type EngineOptions } from "../src/index.js";
import { libsql } from "../adapters/libsql/index.js";
import { ATHANOR_PG_TYPES, postgresjs } from "../adapters/postgres-js/index.js";
import type { BenchConfig, DialectKey } from "./config.js";

/** A postgres.js client as the adapter accepts it. */
export type PgSql = postgres.Sql<Record<string, unknown>>;

interface TargetBase {
  /** Display name for the report. */
  readonly label: string;
  /** The athanor engine over the raw client (default compiled cache). */
  readonly engine: AsyncEngine;
  /** Another engine over the same client, with other options (e.g. `queryCacheSize: 0`). */
  engineWith(options: EngineOptions): AsyncEngine;
  /** Run a SQL string through the raw client (DDL, fixtures). */
  exec(sql: string): Promise<void>;
  /** Close the client. */
  close(): Promise<void>;
}

/** libSQL :memory: through @libsql/client. */
export interface LibsqlTarget extends TargetBase {
  readonly kind: "libsql";
  readonly client: Client;
}

/** PostgreSQL through postgres.js. */
export interface PgTarget extends TargetBase {
  readonly kind: "postgresql";
  readonly sql: PgSql;
}

export type BenchTarget = LibsqlTarget | PgTarget;

function openLibsql(): LibsqlTarget {
  const client = createClient({ url: ":memory:", intMode: "number" });
  return {
    kind: "libsql",
    label: "libSQL :memory:",
    client,
    engine: createAsyncEngine(libsql(client)),
    engineWith: (options) => createAsyncEngine(libsql(client), options),
    exec: async (sql) => {
      await client.executeMultiple(sql);
    },
    close: async () => client.close(),
  };
}

function openPg(url: string): PgTarget {
  const sql = postgres(url, {
    max: 1,
    onnotice: () => {},
    types: ATHANOR_PG_TYPES,
  }) as unknown as PgSql;
  return {
    kind: "postgresql",
    label: "PostgreSQL 15 (postgres.js)",
    sql,
    engine: createAsyncEngine(postgresjs(sql)),
    engineWith: (options) => createAsyncEngine(postgresjs(sql), options),
    exec: async (text) => {
      await sql.unsafe(text);
    },
    close: async () => sql.end({ timeout: 5 }),
  };
}

/**
 * Open one target.
 * @throws Error when PostgreSQL does not answer (benchmarks never fall back to PGlite: its
 *   figures would not be the issue's).
 */
export async function openTarget(kind: DialectKey, config: BenchConfig): Promise<BenchTarget> {
  if (kind === "libsql") return openLibsql();
  const t = openPg(config.pgUrl);
  try {
    await t.sql`select 1`;
  } catch (e) {
    await t.sql.end({ timeout: 0 }).catch(() => {});
    throw new Error(`PostgreSQL is unreachable at ${config.pgUrl}: ${(e as Error).message}. Set ATHANOR_PG_URL or run with --dialects=libsql.`);
  }
  return t;
}

/** Placeholder for the n-th (1-based) parameter in the target's raw SQL. */
export function placeholder(t: BenchTarget, n: number): string {
  return t.kind === "libsql" ? "?" : `$${n}`;
}

/**
 * Fill `table` (columns id, name, value) with rows 1..n in one statement on the server side, so
 * fixtures cost seconds, not minutes: a recursive CTE on SQLite, generate_series on PostgreSQL.
 */
export async function fillRows(t: BenchTarget, table: string, n: number): Promise<void> {
  if (t.kind === "libsql") {
    await t.exec(
      `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n}) ` +
        `INSERT INTO ${table} (id, name, value) SELECT i, 'name ' || i, i * 1.5 FROM seq`,
    );
  } else {
    await t.exec(`INSERT INTO ${table} (id, name, value) SELECT i, 'name ' || i, i * 1.5 FROM generate_series(1, ${n}) AS i`);
    await t.exec(`ANALYZE ${table}`);
  }
}

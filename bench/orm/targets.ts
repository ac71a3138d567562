/**
 * The databases of the ORM benchmarks, each as an athanor engine and the raw driver client under
 * it (the same client object, so both sides share connection, prepared statements and types):
 * - `postgresql`: a postgres.js pool (max 2, ATHANOR_PG_TYPES) under `postgresjs(sql)`;
 * - `libsql-file`: an `@libsql/client` on a file in a fresh temp directory (`intMode: "number"`,
 *   as the adapter's own driver sets it) under `libsql(client)`; SQLite's defaults (rollback
 *   journal, synchronous FULL), so each commit is a real file commit on both sides;
 * - `libsql-memory`: the same on `:memory:`.
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type Client } from "@libsql/client";
import postgres from "postgres";
import { createAsyncEngine, type AsyncEngine } from "../../src/index.js";
import { libsql } from "../../adapters/libsql/index.js";
import { ATHANOR_PG_TYPES, postgresjs } from "../../adapters/postgres-js/index.js";
import type { DialectKey } from "./config.js";
import { BenchBase, CUSTOMER_TABLE } from "./model.js";

/** A postgres.js client as the adapter accepts it. */
export type PgSql = postgres.Sql<Record<string, unknown>>;

interface TargetBase {
  readonly key: DialectKey;
  readonly label: string;
  readonly engine: AsyncEngine;
  /** Where a child process finds the same database (`libsql-memory` has none: it is per process). */
  readonly location: string | undefined;
  /** Run SQL text through the raw client (DDL, fixtures). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface LibsqlTarget extends TargetBase {
  readonly kind: "libsql";
  readonly client: Client;
}

export interface PgTarget extends TargetBase {
  readonly kind: "postgresql";
  readonly sql: PgSql;
}

export type OrmTarget = LibsqlTarget | PgTarget;

const LABELS: Record<DialectKey, string> = {
  postgresql: "PostgreSQL 15 (postgres.js)",
  "libsql-file": "libSQL file",
  "libsql-memory": "libSQL :memory:",
};

function openLibsql(key: "libsql-file" | "libsql-memory", file?: string): LibsqlTarget {
  let dir: string | undefined;
  let url = ":memory:";
  if (key === "libsql-file") {
    if (file === undefined) {
      dir = mkdtempSync(join(tmpdir(), "athanor-orm-bench-"));
      file = join(dir, "bench.db");
    }
    url = `file:${file}`;
  }
  const client = createClient({ url, intMode: "number" });
  return {
    key,
    kind: "libsql",
    label: LABELS[key],
    client,
    location: file,
    engine: createAsyncEngine(libsql(client)),
    exec: async (sql) => {
      await client.executeMultiple(sql);
    },
    close: async () => {
      client.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPg(url: string): Promise<PgTarget> {
  const sql = postgres(url, { max: 2, onnotice: () => {}, types: ATHANOR_PG_TYPES }) as unknown as PgSql;
  try {
    await sql`select 1`;
  } catch (e) {
    await sql.end({ timeout: 0 }).catch(() => {});
    throw new Error(`PostgreSQL is unreachable at ${url}: ${(e as Error).message}. Set ATHANOR_PG_URL or run with --dialects=libsql-file.`);
  }
  return {
    key: "postgresql",
    kind: "postgresql",
    label: LABELS.postgresql,
    sql,
    location: url,
    engine: createAsyncEngine(postgresjs(sql)),
    exec: async (text) => {
      await sql.unsafe(text);
    },
    close: async () => sql.end({ timeout: 5 }),
  };
}

/**
 * Open one database. `location` reopens an existing one (a child process reading the parent's
 * libSQL file or PostgreSQL URL).
 * @throws Error when PostgreSQL does not answer.
 */
export async function openTarget(key: DialectKey, pgUrl: string, location?: string): Promise<OrmTarget> {
  if (key === "postgresql") return openPg(location ?? pgUrl);
  return openLibsql(key, location);
}

/** Drop and re-create the customer table through athanor's DDL. */
export async function recreateCustomer(t: OrmTarget): Promise<void> {
  await t.engine.begin(async (conn) => {
    await BenchBase.metadata.dropAll(conn);
    await BenchBase.metadata.createAll(conn);
  });
}

/** Empty the table and restart its ids (outside any timing). */
export async function emptyCustomer(t: OrmTarget): Promise<void> {
  if (t.kind === "postgresql") await t.exec(`TRUNCATE ${CUSTOMER_TABLE} RESTART IDENTITY`);
  else await t.exec(`DELETE FROM ${CUSTOMER_TABLE}`);
}

/**
 * Fill the table with ids 1..n server-side, as SQLAlchemy's setups do row by row: name
 * `customer name <i-1>`, description `customer description <i-1>`.
 */
export async function fillCustomer(t: OrmTarget, n: number): Promise<void> {
  await emptyCustomer(t);
  const cols = `(id, name, description)`;
  if (t.kind === "libsql") {
    await t.exec(
      `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n}) ` +
        `INSERT INTO ${CUSTOMER_TABLE} ${cols} SELECT i, 'customer name ' || (i - 1), 'customer description ' || (i - 1) FROM seq`,
    );
  } else {
    await t.exec(
      `INSERT INTO ${CUSTOMER_TABLE} ${cols} SELECT i, 'customer name ' || (i - 1), 'customer description ' || (i - 1) FROM generate_series(1, ${n}) AS i`,
    );
    // Ids were given explicitly: move the identity past them for later inserts.
    await t.exec(`SELECT setval(pg_get_serial_sequence('${CUSTOMER_TABLE}', 'id'), ${n})`);
    await t.exec(`ANALYZE ${CUSTOMER_TABLE}`);
  }
}

/** Placeholder for the n-th (1-based) parameter in raw SQL. */
export function ph(t: OrmTarget, n: number): string {
  return t.kind === "libsql" ? "?" : `$${n}`;
}

/**
 * Hand-written raw-driver helpers shared by the suites: multi-row INSERT pages and running a
 * callback inside one raw transaction.
 *
 * Raw transactions: postgres.js `sql.begin()`; libSQL `client.transaction("write")` (BEGIN
 * IMMEDIATE on the same file, as athanor's adapter ends up doing at the first write).
 * @module
 */
import type { Transaction as LibsqlTx } from "@libsql/client";
import type postgres from "postgres";
import { CUSTOMER_TABLE } from "./model.js";
import { ph, type OrmTarget, type PgSql } from "./targets.js";

/**
 * Parameter limits: SQLite's SQLITE_MAX_VARIABLE_NUMBER; postgres.js refuses 65,534 or more
 * (MAX_PARAMETERS_EXCEEDED).
 */
export const MAX_PARAMS = { libsql: 32_766, postgresql: 65_533 } as const;

/** A statement runner inside a raw transaction: returns the rows as arrays. */
export type RawExec = (sql: string, args: readonly (string | number)[]) => Promise<readonly (readonly unknown[])[]>;

/** Run `fn` in one raw transaction and commit. */
export async function rawTransaction<R>(t: OrmTarget, fn: (exec: RawExec) => Promise<R>): Promise<R> {
  if (t.kind === "postgresql") {
    return (await t.sql.begin((tx) => fn((sql, args) => pgValues(tx, sql, args)))) as R;
  }
  const tx: LibsqlTx = await t.client.transaction("write");
  try {
    const r = await fn(async (sql, args) => (await tx.execute({ sql, args: args as (string | number)[] })).rows as unknown as unknown[][]);
    await tx.commit();
    return r;
  } finally {
    tx.close();
  }
}

/** postgres.js: a prepared statement returning array rows (its fastest row shape). */
export function pgValues(sql: PgSql | postgres.TransactionSql<Record<string, unknown>>, text: string, args: readonly (string | number)[]): Promise<unknown[][]> {
  return sql.unsafe(text, args as (string | number)[], { prepare: true }).values() as unknown as Promise<unknown[][]>;
}

/** `INSERT INTO customer (name, description) VALUES (…), … RETURNING id` for `k` rows. */
export function insertPageSql(t: OrmTarget, k: number): string {
  const tuples: string[] = new Array(k);
  for (let i = 0, p = 1; i < k; i++, p += 2) tuples[i] = `(${ph(t, p)}, ${ph(t, p + 1)})`;
  return `INSERT INTO ${CUSTOMER_TABLE} (name, description) VALUES ${tuples.join(", ")} RETURNING id`;
}

/** Largest page (rows) of a two-column multi-row INSERT within the driver's parameter limit. */
export function maxPageRows(t: OrmTarget): number {
  return Math.floor(MAX_PARAMS[t.kind] / 2);
}


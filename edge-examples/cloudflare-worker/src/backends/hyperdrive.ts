/**
 * PostgreSQL through Hyperdrive: postgres.js over `cloudflare:sockets`, connecting to
 * `env.HYPERDRIVE.connectionString`. postgres.js's Workers build imports `node:buffer`,
 * `node:events` and `node:stream`, so a Worker using this backend needs the `nodejs_compat`
 * flag; the D1 and Neon HTTP backends live in modules that never import it.
 *
 * The client is created per request (a module-global client's socket belongs to the request
 * that opened it and breaks in the next one) and never ended with `sql.end()` inside the
 * Worker (that causes unhandled "socket closed" rejections); the runtime closes the socket
 * when the request ends.
 *
 * `fetch_types: false`: postgres.js would otherwise read the server's array-type catalog (about
 * 415 rows, ~10 KB) on every new connection, i.e. on every request here. postgres.js 3.4.9's
 * `reserve()` hangs on a fresh client with that option (porsager/postgres#751, #1219); athanor's
 * postgres-js adapter works around it by opening the connection with one pooled `SELECT 1`
 * first. Array columns then come back as text (this blog has none).
 * @module
 */
import postgres from "postgres";
import { ATHANOR_PG_TYPES, postgresjs } from "athanor/adapters/postgres-js";
import type { Driver } from "athanor";
import { countDriverRequests, type RequestCounter } from "../request-count.js";

/** Bindings this backend reads. */
export interface HyperdriveEnv {
  readonly HYPERDRIVE: { readonly connectionString: string };
}

/** A driver over a postgres.js client made for this request. */
export function hyperdriveBackend(env: HyperdriveEnv, counter: RequestCounter): Driver {
  const sql = postgres(env.HYPERDRIVE.connectionString, {
    max: 1,
    fetch_types: false,
    onnotice: () => {},
    // Count the queries postgres.js sends to open the connection (not driver calls).
    debug: (_conn: number, query: string) => {
      if (query === "SELECT 1" || query.includes("pg_catalog.pg_type")) {
        counter.requests++;
        counter.statements++;
      }
    },
    types: ATHANOR_PG_TYPES,
  });
  return countDriverRequests(postgresjs(sql as unknown as Parameters<typeof postgresjs>[0]), counter);
}

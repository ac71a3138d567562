/**
 * libSQL backend (Turso / sqld): `libsql(createClient(...))` with the `@libsql/client/web`
 * client, which speaks Hrana over `fetch` and imports no `node:*` module, so it runs without
 * `nodejs_compat`. Reads are one HTTP request each; a session's commit is an interactive libSQL
 * transaction on the remote stream (athanor's libSQL adapter: BEGIN pipelined with the first
 * statement, the baton kept between requests).
 *
 * Like every backend the client is created per request: its HTTP streams belong to the request
 * that opened them.
 * @module
 */
import { createClient } from "@libsql/client/web";
import { libsql } from "athanor/adapters/libsql";
import type { Driver } from "athanor";
import { countDriverRequests, type RequestCounter } from "../request-count.js";

/** Bindings this backend reads. */
export interface LibsqlEnv {
  /** `libsql://db-org.turso.io`, or `http://127.0.0.1:8080` for a local sqld. */
  readonly LIBSQL_URL: string;
  /** Turso database token (a Worker secret); omit for a server without auth. */
  readonly LIBSQL_AUTH_TOKEN?: string;
}

/** A driver over a `@libsql/client/web` client made for this request. */
export function libsqlBackend(env: LibsqlEnv, counter: RequestCounter): Driver {
  const client = createClient({ url: env.LIBSQL_URL, ...(env.LIBSQL_AUTH_TOKEN ? { authToken: env.LIBSQL_AUTH_TOKEN } : {}) });
  return countDriverRequests(libsql(client), counter);
}

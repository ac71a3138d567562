/**
 * Neon HTTP backend: `neonHttp(neon(env.NEON_URL))`, SQL over `fetch`. No `nodejs_compat`
 * needed. Reads are one HTTP request each; a session's commit is one `transaction([...])`
 * request, which Neon runs in one BEGIN … COMMIT.
 *
 * `NEON_FETCH_ENDPOINT` (optional) sends this URL's requests to another SQL endpoint, e.g. a
 * local Neon HTTP peer in tests or `wrangler dev`.
 * @module
 */
import { neon } from "@neondatabase/serverless";
import { neonHttp, routeNeonFetchEndpoint } from "athanor/adapters/neon-http";
import type { Driver } from "athanor";
import { countDriverRequests, type RequestCounter } from "../request-count.js";

/** Bindings this backend reads. */
export interface NeonEnv {
  /** `postgresql://user:password@host/db` */
  readonly NEON_URL: string;
  /** e.g. `http://127.0.0.1:PORT/sql`; default Neon's own endpoint for the URL's host. */
  readonly NEON_FETCH_ENDPOINT?: string;
}

/** A driver over a `neon()` query function made for this request. */
export function neonBackend(env: NeonEnv, counter: RequestCounter): Driver {
  if (env.NEON_FETCH_ENDPOINT) routeNeonFetchEndpoint(env.NEON_URL, env.NEON_FETCH_ENDPOINT);
  return countDriverRequests(neonHttp(neon(env.NEON_URL)), counter);
}

/**
 * The blog Worker over D1, Neon HTTP and libSQL (`@libsql/client/web`) only: runs without `nodejs_compat` (wrangler.toml's
 * `[env.http]`). Same routes as index.ts.
 * @module
 */
import { createApp } from "./app.js";
import { d1Backend, type D1Env } from "./backends/d1.js";
import { libsqlBackend, type LibsqlEnv } from "./backends/libsql.js";
import { neonBackend, type NeonEnv } from "./backends/neon-http.js";

/** Bindings of this Worker. */
export type HttpEnv = D1Env & NeonEnv & LibsqlEnv;

export default createApp<HttpEnv>({ d1: d1Backend, neon: neonBackend, libsql: libsqlBackend });

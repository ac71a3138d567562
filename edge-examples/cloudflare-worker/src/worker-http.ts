/**
 * The blog Worker over D1 and Neon HTTP only: runs without `nodejs_compat` (wrangler.toml's
 * `[env.http]`). Same routes as index.ts.
 * @module
 */
import { createApp } from "./app.js";
import { d1Backend, type D1Env } from "./backends/d1.js";
import { neonBackend, type NeonEnv } from "./backends/neon-http.js";

/** Bindings of this Worker. */
export type HttpEnv = D1Env & NeonEnv;

export default createApp<HttpEnv>({ d1: d1Backend, neon: neonBackend });

/**
 * The blog Worker over D1, Neon HTTP and PostgreSQL through Hyperdrive, chosen per request
 * (`?db=d1|neon|hyperdrive|libsql`). The Hyperdrive backend (postgres.js) needs `nodejs_compat`;
 * the root wrangler.toml enables it for this entry, and `[env.http]` deploys worker-http.ts (D1,
 * Neon HTTP and libSQL only) without it.
 * @module
 */
import { createApp } from "./app.js";
import { d1Backend, type D1Env } from "./backends/d1.js";
import { hyperdriveBackend, type HyperdriveEnv } from "./backends/hyperdrive.js";
import { libsqlBackend, type LibsqlEnv } from "./backends/libsql.js";
import { neonBackend, type NeonEnv } from "./backends/neon-http.js";

/** Bindings of this Worker (see wrangler.toml). */
export type Env = D1Env & NeonEnv & HyperdriveEnv & LibsqlEnv;

export default createApp<Env>({ d1: d1Backend, neon: neonBackend, hyperdrive: hyperdriveBackend, libsql: libsqlBackend });

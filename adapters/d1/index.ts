/**
 * athanor's Cloudflare D1 adapter: `createAsyncEngine(d1(env.DB))`. No URL scheme is
 * registered: D1 databases are bindings in the Worker's `env`, not URLs.
 * @module
 */
export { d1 } from "./driver.js";
export { describeD1Error, D1AdapterError } from "./errors.js";
export type { D1DatabaseLike, D1PreparedStatementLike, D1ResultLike, D1MetaLike } from "./types.js";

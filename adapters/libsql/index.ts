/**
 * athanor's libSQL adapter (@libsql/client ≥ 0.14): local files and `:memory:`, and remote
 * sqld / Turso databases over `libsql://`, `http(s)://` and `ws(s)://` — including the
 * `@libsql/client/web` client that Cloudflare Workers use (`libsql(createClient(…))`).
 * @module
 */
export {
  libsql,
  createLibsqlDriver,
  isRemoteClient,
  type LibsqlDriverOptions,
  type LibsqlDriverConfig,
} from "./driver.js";
export { describeLibsqlError, LibsqlAdapterError } from "./errors.js";
export { LockTimeoutError } from "./async-lock.js";
import "./register.js";

/**
 * athanor's libSQL adapter (@libsql/client ≥ 0.14): local files, `:memory:`, and Turso/sqld.
 * @module
 */
export { libsql, createLibsqlDriver, type LibsqlDriverOptions, type LibsqlDriverConfig } from "./driver.js";
export { describeLibsqlError, LibsqlAdapterError } from "./errors.js";
export { LockTimeoutError } from "./async-lock.js";
import "./register.js";

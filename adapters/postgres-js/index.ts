/**
 * athanor's postgres.js adapter (postgres ≥ 3.4): PostgreSQL over TCP with a connection pool.
 * @module
 */
export {
  postgresjs,
  createPostgresJsDriver,
  ATHANOR_PG_TYPES,
  type PostgresJsDriverOptions,
  type PostgresJsDriverConfig,
} from "./driver.js";
export { describePostgresJsError } from "./errors.js";
export { PgAdapterError, kindOfSqlstate } from "./sqlstate.js";
import "./register.js";

/**
 * athanor's PGlite adapter (@electric-sql/pglite ≥ 0.2): PostgreSQL in-process.
 * @module
 */
export { pglite, createPgliteDriver, describePgliteError, type PgliteDriverOptions, type PgliteDriverConfig } from "./driver.js";
export { PGLITE_TEXT_PARSERS } from "./connection.js";
import "./register.js";

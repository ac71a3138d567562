/**
 * athanor's Neon HTTP adapter (@neondatabase/serverless ≥ 1.0, `neon()` over fetch).
 *
 * Capabilities: no interactive transactions; atomic batches (`transaction([...])`, one request,
 * one BEGIN … COMMIT, rolled back at the first error); no streaming or savepoints.
 * Importing this module registers `postgresql+neonhttp://` URLs.
 * @module
 */
export { neonHttp, createNeonHttpDriver, routeNeonFetchEndpoint, type NeonHttpDriverConfig } from "./driver.js";
export { NeonHttpConnection, neonIsolationLevel, type NeonBatchOptions, type AnyNeonQueryFunction } from "./connection.js";
export {
  NeonHttpError,
  NeonAdapterError,
  describeNeonHttpError,
  toNeonHttpError,
  type NeonHttpErrorInfo,
  type NeonRequestOutcome,
  type NeonPgErrorFields,
} from "./errors.js";
export { NEON_TEXT_TYPES, NEON_RESULT_PARSERS, toTextParam, toTextParams } from "./text-values.js";
export { neonConnectionString } from "./connection-string.js";
import "./register.js";

/**
 * athanor's Neon WebSocket adapter (@neondatabase/serverless ≥ 1.0, `Pool` over WebSocket):
 * interactive transactions, savepoints and server-side cursors.
 * Importing this module registers `postgresql+neonws://` URLs.
 * @module
 */
export { neonWs, createNeonWsDriver, type NeonWsDriverConfig } from "./driver.js";
export { NeonWsConnection } from "./connection.js";
export { describeNeonWsError, isConnectionLost } from "./errors.js";
import "./register.js";

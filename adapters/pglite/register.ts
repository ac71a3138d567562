/**
 * Registers `postgresql+pglite://` URLs: `postgresql+pglite://` (in memory) or
 * `postgresql+pglite:///path/to/datadir`.
 * @module
 */
import { registerDriver } from "../../src/engine/driver/registry.js";
import { createPgliteDriver } from "./driver.js";

registerDriver("postgresql+pglite", (args) =>
  createPgliteDriver({
    ...(args.database ? { dataDir: args.database } : {}),
    ...(args.connectArgs as Record<string, never> | undefined),
  }),
);

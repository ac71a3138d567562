/**
 * Registers `postgresql+neonws://user:password@host/db` URLs with the engine. The engine's
 * `poolSize` becomes the Pool's `max`; `connectArgs` pass through to {@link createNeonWsDriver}.
 * @module
 */
import { registerDriver } from "../../src/engine/driver/registry.js";
import { neonConnectionString } from "../neon-http/connection-string.js";
import { createNeonWsDriver, type NeonWsDriverConfig } from "./driver.js";

registerDriver("postgresql+neonws", (args) =>
  createNeonWsDriver({
    url: neonConnectionString(args),
    ...(args.poolSize !== undefined ? { max: args.poolSize } : {}),
    ...(args.connectArgs as Partial<NeonWsDriverConfig> | undefined),
  }),
);

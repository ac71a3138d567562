/**
 * Registers `postgresql+neonhttp://user:password@host/db` URLs with the engine. Engine
 * `connectArgs` pass through to {@link createNeonHttpDriver} (`fetchEndpoint`, `fetchOptions`,
 * `authToken`); URL query parameters stay in the connection string Neon receives.
 * @module
 */
import { registerDriver } from "../../src/engine/driver/registry.js";
import { neonConnectionString } from "./connection-string.js";
import { createNeonHttpDriver, type NeonHttpDriverConfig } from "./driver.js";

registerDriver("postgresql+neonhttp", (args) =>
  createNeonHttpDriver({
    url: neonConnectionString(args),
    ...(args.connectArgs as Partial<NeonHttpDriverConfig> | undefined),
  }),
);

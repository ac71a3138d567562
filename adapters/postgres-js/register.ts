/**
 * Registers `postgresql+postgresjs://user:pw@host:port/db` URLs with the engine. The engine's
 * `poolSize` becomes postgres.js `max`; query parameters (e.g. `sslmode`) pass through.
 * @module
 */
import { registerDriver, type DriverFactoryArgs } from "../../src/engine/driver/registry.js";
import { createPostgresJsDriver } from "./driver.js";

/** Map URL parts to a `postgres://` URL for postgres.js. */
export function postgresClientUrl(args: DriverFactoryArgs): string {
  const enc = encodeURIComponent;
  const auth = args.username !== undefined ? `${enc(args.username)}${args.password !== undefined ? `:${enc(args.password)}` : ""}@` : "";
  const host = args.host ? (args.host.includes(":") ? `[${args.host}]` : args.host) : "localhost";
  const port = args.port !== undefined ? `:${args.port}` : "";
  const q = Object.entries(args.query)
    .flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : v.map((x) => [k, x])))
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join("&");
  return `postgres://${auth}${host}${port}/${enc(args.database ?? "")}${q ? `?${q}` : ""}`;
}

registerDriver("postgresql+postgresjs", (args) =>
  createPostgresJsDriver({
    url: postgresClientUrl(args),
    ...(args.poolSize !== undefined ? { max: args.poolSize } : {}),
    ...(args.connectArgs as Record<string, never> | undefined),
  }),
);

/**
 * Engine URL parts → the `postgresql://` connection string @neondatabase/serverless expects
 * (shared by the neon-http and neon-ws URL registrations; no side effects).
 * @module
 */
import type { DriverFactoryArgs } from "../../src/engine/driver/registry.js";

/** Rebuild a `postgresql://` connection string (password and query parameters included) from the engine URL's parts. */
export function neonConnectionString(args: DriverFactoryArgs): string {
  const enc = encodeURIComponent;
  const auth = args.username !== undefined ? `${enc(args.username)}${args.password !== undefined ? `:${enc(args.password)}` : ""}@` : "";
  const host = args.host ? (args.host.includes(":") ? `[${args.host}]` : args.host) : "localhost";
  const port = args.port !== undefined ? `:${args.port}` : "";
  const q = Object.entries(args.query)
    .flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : v.map((x) => [k, x])))
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join("&");
  return `postgresql://${auth}${host}${port}/${enc(args.database ?? "")}${q ? `?${q}` : ""}`;
}


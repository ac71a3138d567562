/**
 * Registers `sqlite+libsql://` URLs with the engine: `sqlite+libsql:///rel.db`,
 * `sqlite+libsql:////abs/path.db`, `sqlite+libsql://:memory:`. A host makes a remote URL:
 * `sqlite+libsql://host:port/?authToken=…&secure=true` → `libsql://host:port` (or `http(s)`).
 * @module
 */
import { registerDriver, type DriverFactoryArgs } from "../../src/engine/driver/registry.js";
import { createLibsqlDriver } from "./driver.js";

function first(v: string | readonly string[] | undefined): string | undefined {
  return typeof v === "string" ? v : v?.[0];
}

/** Map URL parts to a @libsql/client URL. */
export function libsqlClientUrl(args: DriverFactoryArgs): string {
  const db = args.database;
  if (args.host) {
    const secure = first(args.query.secure) !== "false";
    const scheme = first(args.query.protocol) ?? (secure ? "libsql" : "http");
    return `${scheme}://${args.host}${args.port !== undefined ? `:${args.port}` : ""}${db ? `/${db}` : ""}`;
  }
  if (db === undefined || db === "" || db === ":memory:") return ":memory:";
  return `file:${db}`;
}

registerDriver("sqlite+libsql", (args) => {
  const authToken = first(args.query.authToken);
  return createLibsqlDriver({
    url: libsqlClientUrl(args),
    ...(authToken !== undefined ? { authToken } : {}),
    ...(args.connectArgs as Record<string, never> | undefined),
  });
});

/**
 * Registers `sqlite+libsql://` URLs with the engine.
 *
 * Local: `sqlite+libsql:///rel.db`, `sqlite+libsql:////abs/path.db`, `sqlite+libsql://:memory:`.
 *
 * Remote (a host makes the URL remote), following sqlalchemy-libsql's `secure` flag:
 * `sqlite+libsql://host[:port][/path]?authToken=…&secure=true&transport=http`
 * - `secure=true|false` (default false, as in sqlalchemy-libsql): TLS or not.
 * - `transport=http|ws` (default http): Hrana over HTTP (fetch; works in Workers and serverless
 *   functions, no WebSocket needed) or over WebSocket.
 * - `authToken=…`: the database token (Turso: `turso db tokens create`).
 * - `protocol=libsql|http|https|ws|wss`: the @libsql/client scheme itself, overriding both.
 *
 * So `sqlite+libsql://db-org.turso.io?secure=true&authToken=T` → `https://db-org.turso.io`, and
 * `sqlite+libsql://127.0.0.1:8080` → `http://127.0.0.1:8080`.
 * @module
 */
import { registerDriver, type DriverFactoryArgs } from "../../src/engine/driver/registry.js";
import { createLibsqlDriver } from "./driver.js";
import { LibsqlAdapterError } from "./errors.js";

/**
 * Adapters may import only the driver contract and registry from src/ (test/purity.test.ts),
 * so URL faults are LibsqlAdapterErrors (kind "interface") with @libsql/client's own codes.
 */
function urlError(code: "URL_INVALID" | "URL_PARAM_NOT_SUPPORTED", message: string): LibsqlAdapterError {
  return new LibsqlAdapterError("interface", code, message);
}

const REMOTE_PARAMS = new Set(["authToken", "secure", "transport", "protocol"]);
const PROTOCOLS = new Set(["libsql", "http", "https", "ws", "wss"]);

function first(v: string | readonly string[] | undefined): string | undefined {
  return typeof v === "string" ? v : v?.[0];
}

function flag(args: DriverFactoryArgs, name: string, allowed: readonly string[], dflt: string): string {
  const v = first(args.query[name]) ?? dflt;
  if (!allowed.includes(v)) {
    throw urlError("URL_INVALID", `sqlite+libsql URL: query parameter ${name}=${JSON.stringify(v)} must be one of ${allowed.join(", ")}`);
  }
  return v;
}

/**
 * Map URL parts to a @libsql/client URL (see the module comment).
 * @throws LibsqlAdapterError (kind "interface"): code "URL_PARAM_NOT_SUPPORTED" for an
 *   unknown query parameter on a remote URL; "URL_INVALID" for a bad `secure`, `transport` or
 *   `protocol` value, or a username/password (libSQL servers take a token: `?authToken=`).
 */
export function libsqlClientUrl(args: DriverFactoryArgs): string {
  const db = args.database;
  if (args.host) {
    for (const key of Object.keys(args.query)) {
      if (!REMOTE_PARAMS.has(key)) {
        throw urlError(
          "URL_PARAM_NOT_SUPPORTED",
          `sqlite+libsql URL: unknown query parameter ${JSON.stringify(key)}; remote URLs accept ${[...REMOTE_PARAMS].join(", ")}`,
        );
      }
    }
    if (args.username !== undefined || args.password !== undefined) {
      throw urlError("URL_INVALID", "sqlite+libsql URL: libSQL servers authenticate with a token, not a username/password; pass ?authToken=…");
    }
    const secure = flag(args, "secure", ["true", "false"], "false") === "true";
    const transport = flag(args, "transport", ["http", "ws"], "http");
    const protocol = first(args.query.protocol);
    if (protocol !== undefined && !PROTOCOLS.has(protocol)) {
      throw urlError("URL_INVALID", `sqlite+libsql URL: protocol=${JSON.stringify(protocol)} must be one of ${[...PROTOCOLS].join(", ")}`);
    }
    const scheme = protocol ?? (transport === "ws" ? (secure ? "wss" : "ws") : secure ? "https" : "http");
    const host = args.host.includes(":") ? `[${args.host}]` : args.host;
    return `${scheme}://${host}${args.port !== undefined ? `:${args.port}` : ""}${db ? `/${db}` : ""}`;
  }
  if (db === undefined || db === "" || db === ":memory:") return ":memory:";
  return `file:${db}`;
}

registerDriver("sqlite+libsql", (args) => {
  const authToken = args.host ? first(args.query.authToken) : undefined;
  return createLibsqlDriver({
    url: libsqlClientUrl(args),
    ...(authToken !== undefined ? { authToken } : {}),
    ...(args.connectArgs as Record<string, never> | undefined),
  });
});

/**
 * The Neon HTTP driver: `neon()` from @neondatabase/serverless (SQL over `fetch`) behind
 * athanor's driver contract. Runs wherever `fetch` does (Workers without `nodejs_compat`,
 * Deno, Bun, Node ≥ 19).
 * @module
 */
import { neon, neonConfig } from "@neondatabase/serverless";
import type { Driver, DriverCapabilities, DriverConnection, DriverErrorInfo } from "../../src/engine/driver/contract.js";
import { NeonHttpConnection, type AnyNeonQueryFunction } from "./connection.js";
import { describeNeonHttpError, NeonAdapterError } from "./errors.js";

/**
 * Neon HTTP can do: one autocommit statement per request, or several statements in one
 * transaction per request (`atomicBatch`). No session, hence no interactive transactions,
 * savepoints or cursors; requests are independent, hence `concurrentConnections`.
 */
const CAPABILITIES: DriverCapabilities = Object.freeze({
  interactiveTransactions: false,
  atomicBatch: true,
  streaming: false,
  savepoints: false,
  returning: true,
  concurrentConnections: true,
  maxParams: 65535,
});

/** Configuration for {@link createNeonHttpDriver}. */
export interface NeonHttpDriverConfig {
  /** `postgresql://user:password@host/db` (Neon requires user, host and database). */
  readonly url: string;
  /**
   * The SQL endpoint for this URL's host, e.g. a local peer's `http://127.0.0.1:PORT/sql`.
   * Default: Neon's (`https://api.<host>/sql`). @neondatabase/serverless reads the endpoint
   * only from the global `neonConfig.fetchEndpoint`, so setting this installs a router there
   * (once per process) that sends requests for this URL's `host:port` to this endpoint and
   * every other host to whatever was configured before. Assigning
   * `neonConfig.fetchEndpoint` yourself afterwards replaces the router.
   */
  readonly fetchEndpoint?: string;
  /** Merged into every `fetch()` init (e.g. `{ priority: "high" }`, a `signal`). */
  readonly fetchOptions?: Record<string, unknown>;
  /** JWT for Neon RLS (`Authorization: Bearer …`): a string or a (sync or async) function returning one. */
  readonly authToken?: string | (() => Promise<string> | string);
}

type EndpointFn = (host: string, port: number | string, opts?: { jwtAuth?: boolean }) => string;

const routes = new Map<string, string>();
let previousEndpoint: string | EndpointFn | undefined;
let routerInstalled = false;

function routeKey(host: string, port: number | string | undefined): string {
  return `${host.toLowerCase()}:${port === undefined ? "" : String(port)}`;
}

/** Send `neon()` requests for `url`'s host:port to `endpoint` (see {@link NeonHttpDriverConfig.fetchEndpoint}). */
export function routeNeonFetchEndpoint(url: string, endpoint: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/^[a-z+]+:/i, "http:"));
  } catch {
    throw new NeonAdapterError("interface", "INVALID_URL", "neon-http: the connection URL is not a valid URL");
  }
  if (!routerInstalled) {
    previousEndpoint = neonConfig.fetchEndpoint as string | EndpointFn | undefined;
    const router: EndpointFn = (host, port, opts) => {
      const hit = routes.get(routeKey(host, port));
      if (hit !== undefined) return hit;
      if (typeof previousEndpoint === "function") return previousEndpoint(host, port, opts);
      if (typeof previousEndpoint === "string") return previousEndpoint;
      return `https://${host}/sql`;
    };
    neonConfig.fetchEndpoint = router;
    routerInstalled = true;
  }
  routes.set(routeKey(parsed.hostname, parsed.port), endpoint);
}

class NeonHttpDriver implements Driver {
  readonly dialect = "postgresql" as const;
  readonly paramstyle = "numeric_dollar" as const;
  readonly capabilities = CAPABILITIES;
  readonly name = "neon-http";

  constructor(private readonly sql: AnyNeonQueryFunction) {}

  /** A session-less connection; opens nothing. */
  async connect(): Promise<DriverConnection> {
    return new NeonHttpConnection(this.sql);
  }

  describeError(err: unknown): DriverErrorInfo | undefined {
    return describeNeonHttpError(err);
  }

  /** Nothing to close: HTTP keeps no connection. */
  async dispose(): Promise<void> {}
}

/**
 * Wrap a `neon()` query function you created. Its own `arrayMode`/`fullResults` settings do
 * not matter (every query asks for full array results); results come back as text except
 * exact types (see text-values.ts), whatever the function's own `types`.
 */
export function neonHttp(sql: AnyNeonQueryFunction): Driver {
  return new NeonHttpDriver(sql);
}

/**
 * Create `neon(url, …)` and a driver over it.
 * @throws NeonAdapterError when `fetchEndpoint` is given and `url` does not parse.
 */
export function createNeonHttpDriver(config: NeonHttpDriverConfig): Driver {
  if (config.fetchEndpoint !== undefined) routeNeonFetchEndpoint(config.url, config.fetchEndpoint);
  const sql = neon(config.url, {
    ...(config.fetchOptions !== undefined ? { fetchOptions: config.fetchOptions } : {}),
    ...(config.authToken !== undefined ? { authToken: config.authToken } : {}),
  });
  return new NeonHttpDriver(sql as unknown as AnyNeonQueryFunction);
}

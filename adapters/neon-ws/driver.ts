/**
 * The Neon WebSocket driver: @neondatabase/serverless's `Pool` (node-postgres over a
 * WebSocket) behind athanor's driver contract, with interactive transactions, savepoints and
 * cursors. Configure the transport through `neonConfig` (e.g. `webSocketConstructor` on
 * runtimes without a global WebSocket, such as Node 20).
 * @module
 */
import { Pool, type PoolConfig } from "@neondatabase/serverless";
import type { Driver, DriverCapabilities, DriverConnection, DriverErrorInfo } from "../../src/engine/driver/contract.js";
import { PgAdapterError } from "../postgres-js/sqlstate.js";
import { NeonWsConnection } from "./connection.js";
import { describeNeonWsError } from "./errors.js";

const CAPABILITIES: DriverCapabilities = Object.freeze({
  interactiveTransactions: true,
  atomicBatch: false,
  streaming: true,
  savepoints: true,
  returning: true,
  concurrentConnections: true,
  maxParams: 65535,
});

/** Configuration for {@link createNeonWsDriver}. */
export interface NeonWsDriverConfig {
  /** `postgresql://user:password@host/db`. */
  readonly url: string;
  /** Pool size (node-postgres `max`). Default 10. */
  readonly max?: number;
  /** Milliseconds an idle client stays open (node-postgres `idleTimeoutMillis`). Default 10000. */
  readonly idleTimeoutMillis?: number;
  /** Milliseconds to wait for a connection (node-postgres `connectionTimeoutMillis`). Default: no limit. */
  readonly connectionTimeoutMillis?: number;
  /** Any further Pool options; they override the ones above. */
  readonly options?: PoolConfig;
}

/** The @neondatabase/serverless Pool shape this adapter uses. */
type NeonPool = Pool;

class NeonWsDriver implements Driver {
  readonly dialect = "postgresql" as const;
  readonly paramstyle = "numeric_dollar" as const;
  readonly capabilities = CAPABILITIES;
  readonly name = "neon-ws";
  private disposed = false;

  constructor(
    private readonly pool: NeonPool,
    private readonly ownsPool: boolean,
  ) {}

  /** Checks out a pooled client (connecting a new WebSocket when none is idle). */
  async connect(): Promise<DriverConnection> {
    if (this.disposed || this.pool.ended || this.pool.ending) {
      throw new PgAdapterError("interface", "DRIVER_DISPOSED", "neon-ws: this driver has been disposed (its pool is ended)");
    }
    return new NeonWsConnection(await this.pool.connect());
  }

  describeError(err: unknown): DriverErrorInfo | undefined {
    return describeNeonWsError(err);
  }

  async dispose(): Promise<void> {
    if (!this.ownsPool || this.disposed) return;
    this.disposed = true;
    await this.pool.end();
  }
}

/**
 * Wrap a `Pool` you created; `dispose()` does not end it. Values come back as text except
 * exact types (see neon-http/text-values.ts), whatever the pool's own type parsers. Add a
 * `pool.on("error", …)` listener yourself: node-postgres emits errors of idle clients there.
 */
export function neonWs(pool: Pool): Driver {
  return new NeonWsDriver(pool, false);
}

/**
 * Create a `Pool` for `url` and a driver owning it; `dispose()` ends the pool. No WebSocket is
 * opened until first use. Errors of idle clients (a dropped WebSocket) are absorbed: the pool
 * discards such clients and the next checkout connects afresh.
 */
export function createNeonWsDriver(config: NeonWsDriverConfig): Driver {
  const pool = new Pool({
    connectionString: config.url,
    max: config.max ?? 10,
    idleTimeoutMillis: config.idleTimeoutMillis ?? 10_000,
    ...(config.connectionTimeoutMillis !== undefined ? { connectionTimeoutMillis: config.connectionTimeoutMillis } : {}),
    ...config.options,
  });
  pool.on("error", () => {});
  return new NeonWsDriver(pool, true);
}

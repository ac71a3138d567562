/**
 * The postgres.js driver: a TCP pool behind athanor's driver contract.
 * @module
 */
import postgres from "postgres";
import type {
  Driver,
  DriverCapabilities,
  DriverConnection,
  DriverErrorInfo,
} from "../../src/engine/driver/contract.js";
import { PostgresJsConnection } from "./connection.js";
import { describePostgresJsError } from "./errors.js";
import { PgAdapterError } from "./sqlstate.js";

/** Options shared by {@link postgresjs} and {@link createPostgresJsDriver}. */
export interface PostgresJsDriverOptions {
  /** Use named prepared statements (postgres.js `prepare`). Default true; turn off behind PgBouncer in transaction mode. */
  readonly prepare?: boolean;
}

/** Configuration for {@link createPostgresJsDriver}. */
export interface PostgresJsDriverConfig extends PostgresJsDriverOptions {
  /** `postgres://user:pass@host:port/db?sslmode=…` */
  readonly url: string;
  /** Pool size (postgres.js `max`). Default 10. */
  readonly max?: number;
  /** Seconds an idle pooled connection lives (postgres.js `idle_timeout`). Default: forever. */
  readonly idleTimeoutSeconds?: number;
  /** Seconds to wait for a connection (postgres.js `connect_timeout`). Default 30. */
  readonly connectTimeoutSeconds?: number;
  /** Server NOTICE handler. Default: notices are dropped (postgres.js would log them). */
  readonly onNotice?: (notice: postgres.Notice) => void;
  /** Any further postgres.js options; they override the ones above, `types` are merged. */
  readonly options?: postgres.Options<Record<string, postgres.PostgresType>>;
}

const CAPABILITIES: DriverCapabilities = Object.freeze({
  interactiveTransactions: true,
  atomicBatch: true,
  streaming: true,
  savepoints: true,
  returning: true,
  concurrentConnections: true,
  // The wire protocol counts parameters in an Int16 (65535), but postgres.js refuses any query
  // with 65534 or more ("MAX_PARAMETERS_EXCEEDED"), so insertmanyvalues pages must stay below.
  maxParams: 65533,
});

/**
 * postgres.js type overrides used by {@link createPostgresJsDriver}, so values reach athanor's
 * type layer without loss and parameters serialize as PGlite's do:
 * - date (1082), timestamp (1114), timestamptz (1184) come back as PostgreSQL's text
 *   (microseconds and out-of-range years survive; a JS Date has milliseconds only). Parameters
 *   of these types accept text (sent as-is) or Date (sent as ISO 8601).
 * - json/jsonb parameters given as a string are sent as-is (already JSON text); other values
 *   are JSON.stringify'd. Results are still parsed.
 * - bool parameters accept true/false, 1/0 and "t"/"f"/"true"/"false".
 * int8 stays text (postgres.js's default), int2/int4/float/bool/json are parsed as usual.
 */
export const ATHANOR_PG_TYPES = {
  athanorDatetime: {
    to: 1184,
    from: [1082, 1114, 1184],
    serialize: (x: unknown): string => (x instanceof Date ? x.toISOString() : String(x)),
    parse: (x: string): string => x,
  },
  athanorJson: {
    to: 114,
    from: [114, 3802],
    serialize: (x: unknown): string => (typeof x === "string" ? x : JSON.stringify(x)),
    parse: (x: string): unknown => JSON.parse(x),
  },
  athanorBool: {
    to: 16,
    from: [16],
    serialize: (x: unknown): string =>
      x === true || x === 1 || x === "t" || x === "true" ? "t" : x === false || x === 0 || x === "f" || x === "false" ? "f" : String(x),
    parse: (x: string): boolean => x === "t",
  },
} satisfies Record<string, postgres.PostgresType>;

class PostgresJsDriver implements Driver {
  readonly dialect = "postgresql" as const;
  readonly paramstyle = "numeric_dollar" as const;
  readonly capabilities = CAPABILITIES;
  readonly name = "postgres-js";
  private readonly prepare: boolean;
  private disposed = false;
  /** Connections reserved and not yet released (fetch_types workaround). */
  private reservations = 0;
  /** Pooled connections opened by a warm-up query (fetch_types workaround). */
  private warmed = 0;

  constructor(
    private readonly sql: postgres.Sql<Record<string, unknown>>,
    private readonly ownsClient: boolean,
    opts: PostgresJsDriverOptions | undefined,
  ) {
    this.prepare = opts?.prepare ?? true;
  }

  /** Reserves one pooled connection (`sql.reserve()`), waiting while the pool is exhausted. */
  async connect(): Promise<DriverConnection> {
    // postgres.js's reserve() on an ended pool never settles: refuse instead of hanging.
    if (this.disposed) {
      throw new PgAdapterError("interface", "DRIVER_DISPOSED", "postgres-js: this driver has been disposed (its pool is ended)");
    }
    await this.warmForReserve();
    this.reservations++;
    try {
      return new PostgresJsConnection(await this.sql.reserve(), this.prepare, () => this.reservations--);
    } catch (e) {
      this.reservations--;
      throw e;
    }
  }

  /**
   * postgres.js 3.4.9 with `fetch_types: false`: `reserve()` never settles when it is the first
   * thing a new connection does (porsager/postgres#751, #1219 — the startup ReadyForQuery skips
   * the hand-over that the array-types query would otherwise trigger). A pooled query does not
   * have that problem, so when every connection opened so far is reserved by this driver, one
   * pooled `SELECT 1` opens (or reuses) a connection before reserving. That costs one small round
   * trip per connection — what the array-types query would cost, without its ~10 KB of catalog
   * rows — and nothing when `fetch_types` is on. A connection closed by `idle_timeout` and reopened
   * by `reserve()` itself would hang again, so keep `idle_timeout` off with `fetch_types: false`
   * (the default; Workers clients live one request anyway).
   */
  private async warmForReserve(): Promise<void> {
    const opts = (this.sql as { options?: { fetch_types?: boolean; max?: number } }).options;
    if (opts?.fetch_types !== false) return;
    if (this.reservations < this.warmed || this.warmed >= (opts.max ?? 10)) return;
    this.warmed++;
    try {
      await this.sql.unsafe("SELECT 1");
    } catch (e) {
      this.warmed--;
      throw e;
    }
  }

  describeError(err: unknown): DriverErrorInfo | undefined {
    return describePostgresJsError(err);
  }

  async dispose(): Promise<void> {
    if (!this.ownsClient || this.disposed) return;
    this.disposed = true;
    await this.sql.end({ timeout: 5 });
  }
}

/**
 * Wrap a postgres.js client you created; `dispose()` does not end it.
 *
 * Its own type configuration applies: by default postgres.js parses date/timestamp/timestamptz
 * into JS Date (milliseconds only) and athanor's type layer accepts a Date there too; use
 * {@link ATHANOR_PG_TYPES} as `types` to receive text instead. Do not configure
 * `types.bigint` unless the engine expects bigint for int8 (the default is text).
 */
export function postgresjs(sql: postgres.Sql<Record<string, unknown>>, opts?: PostgresJsDriverOptions): Driver {
  return new PostgresJsDriver(sql, false, opts);
}

/**
 * Create a postgres.js pool configured for athanor ({@link ATHANOR_PG_TYPES}, NOTICEs dropped)
 * and a driver owning it; `dispose()` ends the pool. No connection is opened until first use.
 */
export function createPostgresJsDriver(config: PostgresJsDriverConfig): Driver {
  const options: postgres.Options<Record<string, postgres.PostgresType>> = {
    ...(config.max !== undefined ? { max: config.max } : {}),
    ...(config.idleTimeoutSeconds !== undefined ? { idle_timeout: config.idleTimeoutSeconds } : {}),
    ...(config.connectTimeoutSeconds !== undefined ? { connect_timeout: config.connectTimeoutSeconds } : {}),
    onnotice: config.onNotice ?? (() => {}),
    ...config.options,
    types: { ...ATHANOR_PG_TYPES, ...config.options?.types },
  };
  const sql = postgres(config.url, options) as unknown as postgres.Sql<Record<string, unknown>>;
  return new PostgresJsDriver(sql, true, config);
}

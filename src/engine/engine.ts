/**
 * AsyncEngine and `createAsyncEngine()` (SQLAlchemy 2.0's `create_async_engine`).
 * @module
 */
import { checkIsolationLevel } from "./isolation-level.js";
import { ArgumentError, ResourceClosedError } from "../errors.js";
import { Dialect } from "../sql/dialect.js";
import { postgresqlDialect } from "../dialects/postgresql/dialect.js";
import { sqliteDialect } from "../dialects/sqlite/dialect.js";
import { CompiledCache, type CacheStats } from "./compiled-cache.js";
import { AsyncConnection, type ExecutionOptions } from "./connection.js";
import type { Transaction } from "./transaction.js";
import { createEchoLogger, type EchoLogger, type EchoOption } from "./echo.js";
import { connectionEventSpecsFor, Dispatcher, DISPATCH, type ConnectionEvents } from "./events.js";
import type { URL } from "./url.js";
import { driverFromUrl, isDriver } from "./driver/registry.js";
import { translateDriverError } from "./error-translation.js";
import type { Driver } from "./driver/contract.js";

/** Options of {@link createAsyncEngine}. */
export interface EngineOptions {
  /** Log SQL (`true`), SQL and rows (`"debug"`), or send lines to a function. Default off. */
  readonly echo?: EchoOption;
  /** Never show parameter values in logs and errors (SQLAlchemy's `hide_parameters`). */
  readonly hideParameters?: boolean;
  /** Connections in the pool, for TCP drivers (postgres.js `max`). */
  readonly poolSize?: number;
  /** Compiled statements kept in the LRU cache (default 500; 0 disables). */
  readonly queryCacheSize?: number;
  /** Default isolation level for transactions ("READ COMMITTED", "SERIALIZABLE", "AUTOCOMMIT", …). */
  readonly isolationLevel?: string;
  /** Default execution options for every connection. */
  readonly executionOptions?: ExecutionOptions;
  /** Warn about cartesian products in SELECTs (1.4 FROM linting). Default true. */
  readonly enableFromLinting?: boolean;
  /**
   * Rows per statement for executemany INSERTs ("insertmanyvalues"), within the dialect's
   * parameter limit; default 1000 (SQLAlchemy's `insertmanyvalues_page_size`). Very large
   * statements are slower to prepare, notably on SQLite.
   */
  readonly insertmanyvaluesPageSize?: number;
  /** Extra options passed to the driver factory when the engine is created from a URL. */
  readonly connectArgs?: Readonly<Record<string, unknown>>;
}

function dialectFor(driver: Driver): Dialect {
  return driver.dialect === "postgresql" ? postgresqlDialect : sqliteDialect;
}

interface EngineShared {
  readonly driver: Driver;
  readonly url: URL | undefined;
  readonly compiledCache: CompiledCache;
  readonly dispatch: Dispatcher<ConnectionEvents<AsyncConnection, AsyncEngine>>;
  readonly echo: EchoLogger;
  /** Set by `dispose()`; shared by every executionOptions() copy of the engine. */
  disposed: boolean;
}

/**
 * A source of connections to one database. Create with {@link createAsyncEngine}; share one per
 * application (per request in Workers). Holds the compiled-statement cache and event listeners.
 */
export class AsyncEngine {
  readonly [DISPATCH]: Dispatcher<ConnectionEvents<AsyncConnection, AsyncEngine>>;
  /** The SQL dialect. */
  readonly dialect: Dialect;
  private readonly shared: EngineShared;

  /** @internal Use createAsyncEngine(). */
  constructor(shared: EngineShared, readonly options: EngineOptions, private readonly execOptions: ExecutionOptions) {
    this.shared = shared;
    this.dialect = dialectFor(shared.driver);
    this[DISPATCH] = shared.dispatch;
  }
  /** The driver behind this engine. */
  get driver(): Driver {
    return this.shared.driver;
  }
  /** The URL the engine was created from (its string form hides the password). */
  get url(): URL | undefined {
    return this.shared.url;
  }
  /** The compiled-statement cache. */
  get compiledCache(): CompiledCache {
    return this.shared.compiledCache;
  }
  /** Compiled cache hit/miss counters. */
  get cacheStats(): CacheStats {
    return this.shared.compiledCache.stats;
  }
  /** @internal */
  get echo(): EchoLogger {
    return this.shared.echo;
  }

  /** The default execution options of this engine's connections (SQLAlchemy's `get_execution_options()`). */
  getExecutionOptions(): ExecutionOptions {
    return this.execOptions;
  }

  /**
   * Empty the compiled-statement cache shared by this engine and its executionOptions() copies
   * (SQLAlchemy's `clear_compiled_cache()`); statements compile again on next use.
   */
  clearCompiledCache(): void {
    this.compiledCache.clear();
  }

  /** An engine sharing this one's driver, cache and listeners, with other default execution options. */
  executionOptions(opts: ExecutionOptions): AsyncEngine {
    return new AsyncEngine(this.shared, this.options, { ...this.execOptions, ...opts });
  }

  /**
   * Check out a connection. Use `await using conn = await engine.connect()` or the callback
   * form `engine.connect(async (conn) => …)`, which closes the connection afterwards; either way
   * uncommitted work is rolled back on close.
   * @throws ArgumentError when the `isolationLevel` option is not one of the dialect's levels
   *   (checked here, on connect, as SQLAlchemy does).
   */
  connect(): Promise<AsyncConnection>;
  connect<R>(fn: (conn: AsyncConnection) => Promise<R>): Promise<R>;
  async connect<R>(fn?: (conn: AsyncConnection) => Promise<R>): Promise<AsyncConnection | R> {
    // A disposed driver may have ended its client; some (postgres.js) would then wait forever.
    if (this.shared.disposed) throw new ResourceClosedError(`${this.toString()} has been disposed; create a new engine`);
    checkIsolationLevel(this.driver.dialect, this.execOptions.isolationLevel);
    let raw;
    try {
      raw = await this.driver.connect();
    } catch (e) {
      throw translateDriverError(this.driver, e, undefined, undefined, this.options.hideParameters ?? false);
    }
    const conn = new AsyncConnection(this, raw, this.execOptions);
    if (this[DISPATCH].has("engineConnect")) await this[DISPATCH].fireAsync("engineConnect", conn);
    if (!fn) return conn;
    try {
      return await fn(conn);
    } finally {
      await conn.close();
    }
  }

  /**
   * A connection with a transaction begun. Callback form (`engine.begin(async (conn) => …)`)
   * commits when the callback returns and rolls back when it throws; inside it, once the
   * transaction was ended early (`conn.commit()` / `conn.rollback()`), beginning another
   * (autobegin included) raises InvalidRequestError "Can't operate on closed transaction
   * inside context manager. …", as SQLAlchemy's `with engine.begin()` block does. With `await using`, the
   * transaction is rolled back on disposal unless `await conn.commit()` was called, because
   * disposal cannot tell whether the block threw.
   */
  begin(): Promise<AsyncConnection>;
  begin<R>(fn: (conn: AsyncConnection) => Promise<R>): Promise<R>;
  async begin<R>(fn?: (conn: AsyncConnection) => Promise<R>): Promise<AsyncConnection | R> {
    const conn = await this.connect();
    let tx: Transaction;
    try {
      tx = await conn.begin();
    } catch (e) {
      await conn.close();
      throw e;
    }
    if (!fn) return conn;
    try {
      // As SQLAlchemy's `with engine.begin() as conn`: the block is the transaction's context.
      return await conn._runInContext(tx, () => fn(conn));
    } finally {
      await conn.close();
    }
  }

  /**
   * Close the driver's connections (and the client, when the engine created it). Unlike
   * SQLAlchemy, whose `dispose()` swaps in a fresh pool, the engine is finished afterwards:
   * `connect()` / `begin()` raise ResourceClosedError. Idempotent.
   */
  async dispose(): Promise<void> {
    if (this.shared.disposed) return;
    this.shared.disposed = true;
    await this.driver.dispose();
    if (this[DISPATCH].has("engineDisposed")) await this[DISPATCH].fireAsync("engineDisposed", this);
  }
  /** `await using engine = createAsyncEngine(…)` disposes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
  /** `AsyncEngine(<url without password>)`. */
  toString(): string {
    return `AsyncEngine(${this.url?.toString() ?? this.driver.name})`;
  }
}

/**
 * Create an engine from a URL (`sqlite+libsql:///app.db`, `sqlite+libsql://:memory:`,
 * `postgresql+postgresjs://user:pw@host:5432/db`) or from a driver made by an adapter
 * (`libsql(client)`, `postgresjs(sql)`).
 *
 * URLs need their adapter imported once (e.g. `import "athanor/adapters/libsql"`): adapters
 * register their URL schemes, so the core never loads a driver package you do not use.
 * @throws ArgumentError for an unparseable URL or one whose driver is not registered.
 */
export function createAsyncEngine(urlOrDriver: string | URL | Driver, options: EngineOptions = {}): AsyncEngine {
  let url: URL | undefined;
  let driver: Driver;
  if (isDriver(urlOrDriver)) driver = urlOrDriver;
  else ({ url, driver } = driverFromUrl(urlOrDriver, options));
  const shared: EngineShared = {
    driver,
    url,
    compiledCache: new CompiledCache(options.queryCacheSize ?? 500),
    dispatch: new Dispatcher(connectionEventSpecsFor<AsyncConnection, AsyncEngine>(), { targetName: "AsyncEngine" }),
    echo: createEchoLogger(options.echo ?? false, { hideParameters: options.hideParameters ?? false }),
    disposed: false,
  };
  const exec: ExecutionOptions = { ...(options.isolationLevel ? { isolationLevel: options.isolationLevel } : {}), ...options.executionOptions };
  return new AsyncEngine(shared, options, exec);
}

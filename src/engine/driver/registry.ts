/**
 * URL scheme → driver factory registry. Adapters register their schemes when imported
 * (`import "athanor/adapters/libsql"` makes `sqlite+libsql://` URLs work), so the core never
 * imports a driver package and bundles carry only the adapters an application uses.
 * @module
 */
import { ArgumentError } from "../../errors.js";
import { DEFAULT_DRIVERS, makeUrl, type URL } from "../url.js";
import type { Driver } from "./contract.js";

/** What a driver factory receives from `createAsyncEngine(url, options)`. */
export interface DriverFactoryArgs {
  /** The parsed URL's parts (password included; never log this object). */
  readonly drivername: string;
  readonly username?: string;
  readonly password?: string;
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  /** Engine `poolSize`, for TCP drivers. */
  readonly poolSize?: number;
  /** Engine `connectArgs`, passed through to the driver. */
  readonly connectArgs?: Readonly<Record<string, unknown>>;
}

/** Makes a driver for a URL. */
export type DriverFactory = (args: DriverFactoryArgs) => Driver | Promise<Driver>;

const factories = new Map<string, DriverFactory>();

/** Engine options a URL's driver factory receives (see {@link DriverFactoryArgs}). */
export interface UrlDriverOptions {
  readonly poolSize?: number;
  readonly connectArgs?: Readonly<Record<string, unknown>>;
}

/** A URL resolved to a driver by {@link driverFromUrl}. */
export interface UrlDriver {
  /** The parsed URL (its string form hides the password). */
  readonly url: URL;
  readonly driver: Driver;
}

// URL parsing (engine/url.ts, ~6 KB minified) is reached only through this slot, which the
// first registerDriver() fills: a bundle whose adapters register no URL scheme (an application
// that passes a driver object, such as D1's `d1(env.DB)`) never carries the parser.
let resolveUrl: ((input: string | URL, opts: UrlDriverOptions) => UrlDriver) | undefined;

/**
 * Register the driver for a `backend+driver` name, e.g. "sqlite+libsql". The first driver
 * registered for a backend also serves URLs that name only the backend (`sqlite://`).
 */
export function registerDriver(drivername: string, factory: DriverFactory): void {
  factories.set(drivername, factory);
  resolveUrl ??= resolveRegisteredUrl;
  const backend = drivername.split("+")[0];
  if (!factories.has(backend)) factories.set(backend, factory);
}

/** The registered factory for a drivername, if any. */
export function lookupDriver(drivername: string): DriverFactory | undefined {
  return factories.get(drivername);
}

/** Registered drivernames (for error messages). */
export function registeredDrivers(): string[] {
  return [...factories.keys()].filter((k) => k.includes("+"));
}

/** True for a driver object (anything with `connect()`), false for a URL string or {@link URL}. */
export function isDriver(x: string | URL | Driver): x is Driver {
  return typeof x === "object" && x !== null && typeof (x as Partial<Driver>).connect === "function";
}

/**
 * Parse a database URL and make its registered driver, as `createAsyncEngine(url)` does.
 * @throws ArgumentError for an unparseable URL, a URL whose driver no imported adapter
 *   registered (the message names the adapter to import, never the password), or an
 *   asynchronous driver factory.
 */
export function driverFromUrl(input: string | URL, opts: UrlDriverOptions = {}): UrlDriver {
  if (resolveUrl !== undefined) return resolveUrl(input, opts);
  // No adapter registered a scheme, so no URL can resolve: name the scheme without parsing.
  const name = typeof input === "string" ? /^([A-Za-z0-9_+]+):\/\//.exec(input)?.[1] : input.drivername;
  if (name === undefined) {
    throw new ArgumentError("Could not parse a database URL: expected 'dialect+driver://username:password@host:port/database'");
  }
  const plus = name.indexOf("+");
  throw noDriver(name, plus >= 0 ? name.slice(plus + 1) : (DEFAULT_DRIVERS[name] ?? name));
}

function noDriver(drivername: string, driverName: string): ArgumentError {
  const known = registeredDrivers();
  return new ArgumentError(
    `No driver registered for '${drivername}'. Import its adapter first, e.g. import "athanor/adapters/${driverName === "postgresjs" ? "postgres-js" : driverName}"` +
      (known.length ? ` (registered: ${known.join(", ")})` : ""),
  );
}

function resolveRegisteredUrl(input: string | URL, opts: UrlDriverOptions): UrlDriver {
  const url = makeUrl(input);
  const factory = lookupDriver(url.drivername) ?? lookupDriver(`${url.backendName}+${url.driverName}`);
  if (!factory) throw noDriver(url.drivername, url.driverName);
  const driver = factory({
    drivername: url.drivername,
    query: url.query,
    ...(url.username !== undefined ? { username: url.username } : {}),
    ...(url.password !== undefined ? { password: url.password } : {}),
    ...(url.host !== undefined ? { host: url.host } : {}),
    ...(url.port !== undefined ? { port: url.port } : {}),
    ...(url.database !== undefined ? { database: url.database } : {}),
    ...(opts.poolSize !== undefined ? { poolSize: opts.poolSize } : {}),
    ...(opts.connectArgs ? { connectArgs: opts.connectArgs } : {}),
  });
  if (driver instanceof Promise) throw new ArgumentError(`The driver factory for '${url.drivername}' must be synchronous`);
  return { url, driver };
}

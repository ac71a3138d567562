/**
 * URL scheme → driver factory registry. Adapters register their schemes when imported
 * (`import "athanor/adapters/libsql"` makes `sqlite+libsql://` URLs work), so the core never
 * imports a driver package and bundles carry only the adapters an application uses.
 * @module
 */
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

/**
 * Register the driver for a `backend+driver` name, e.g. "sqlite+libsql". The first driver
 * registered for a backend also serves URLs that name only the backend (`sqlite://`).
 */
export function registerDriver(drivername: string, factory: DriverFactory): void {
  factories.set(drivername, factory);
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

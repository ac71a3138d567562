/**
 * Database URLs, following SQLAlchemy 1.4's immutable `URL` object (`sqlalchemy.engine.URL`,
 * `make_url()`), including 2.0's "`str(url)` hides the password" rule.
 *
 * Form: `dialect+driver://username:password@host:port/database?key=value&key=value2`
 * (RFC-1738 style). SQLite forms: `sqlite+libsql:///relative.db`, `sqlite+libsql:////abs/path.db`,
 * `sqlite+libsql://:memory:` and `sqlite+libsql://` (both in-memory).
 *
 * The password never leaves the object in clear text unless asked for explicitly with
 * `renderAsString({ hidePassword: false })`: `toString()`, `toJSON()`, `util.inspect`, error
 * messages and enumeration (`{ ...url }`, test-runner diffs) all omit or mask it.
 * @module
 */
import { ArgumentError } from "../errors.js";

/** Query-string values: one string, or several for a repeated key (`?h=a&h=b`). */
export type URLQueryValue = string | readonly string[];

/** The query-string mapping of a {@link URL}; frozen. */
export type URLQuery = Readonly<Record<string, URLQueryValue>>;

/** Fields accepted by {@link URL.create} and {@link URL.set}. */
export interface URLFields {
  /** `backend` or `backend+driver`, e.g. `"postgresql+postgresjs"`, `"sqlite"`. */
  readonly drivername: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** Host name or address; IPv6 addresses without brackets (`"::1"`). */
  readonly host?: string | undefined;
  /** TCP port, an integer 0–65535. */
  readonly port?: number | undefined;
  /** Database name, or file path for SQLite (`":memory:"` for an in-memory database). */
  readonly database?: string | undefined;
  readonly query?: Readonly<Record<string, URLQueryValue>> | undefined;
}

/** Options for {@link URL.renderAsString}. */
export interface RenderOptions {
  /** Render the password (and secret-looking query values) as `***`. Default `true`. */
  readonly hidePassword?: boolean;
}

/** Driver used for a backend when the URL names none (`postgresql://` → `postgresjs`). */
export const DEFAULT_DRIVERS: Readonly<Record<string, string>> = /* @__PURE__ */ Object.freeze({
  postgresql: "postgresjs",
  sqlite: "libsql",
});

const MASK = "***";
const DRIVERNAME_RE = /^[A-Za-z0-9_]+(?:\+[A-Za-z0-9_]+)?$/;
// Query keys whose values are credentials (libSQL's `authToken`, libpq's `sslpassword`);
// masked with the password so a Turso token does not leak through logs either.
const SECRET_QUERY_KEY_RE = /pass(?:word|wd)?|token|secret/i;

// Characters left as-is when rendering each part; everything else is percent-encoded (UTF-8).
const USERINFO_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=]/;
const DATABASE_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=/:]/;
const QUERY_SAFE = /[A-Za-z0-9\-._~]/;

const encoder = /* @__PURE__ */ new TextEncoder();
const INSPECT = /* @__PURE__ */ Symbol.for("nodejs.util.inspect.custom");

/** Node's `util.inspect` / `console.log` form of a {@link URL}: the password-hidden string. */
function inspectUrl(this: URL): string {
  return this.renderAsString();
}

function quote(text: string, safe: RegExp): string {
  let out = "";
  for (const ch of text) {
    if (safe.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of encoder.encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function unquote(text: string, part: string, input: string, plusIsSpace = false): string {
  const src = plusIsSpace ? text.replace(/\+/g, " ") : text;
  try {
    return decodeURIComponent(src);
  } catch {
    throw parseError(input, `${part} contains a malformed percent-escape`);
  }
}

/**
 * Mask whatever sits in the password position of a URL-like string, so error messages can
 * quote the caller's input. Without an `@`, a non-numeric "port" is masked as well: it is most
 * likely a password whose `@host` part is missing.
 */
function maskUrlString(input: string): string {
  const withUserinfo = /^((?:[^:/?#]*:\/\/)?[^:/@?#]*:)([^@]*)(@)/;
  if (withUserinfo.test(input)) return input.replace(withUserinfo, `$1${MASK}$3`);
  return input.replace(/^([^:/?#]*:\/\/[^:/?#]*:)([^/?#]*)/, (whole, head: string, port: string) =>
    /^\d*$/.test(port) ? whole : `${head}${MASK}`,
  );
}

function parseError(input: string, why: string): ArgumentError {
  return new ArgumentError(`Could not parse database URL from string '${maskUrlString(input)}': ${why}`);
}

function freezeQuery(query: Readonly<Record<string, URLQueryValue>>, where: string): URLQuery {
  const entries: [string, URLQueryValue][] = [];
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === "string") entries.push([key, value]);
    else if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
      entries.push([key, Object.freeze([...(value as readonly string[])])]);
    } else {
      throw new ArgumentError(
        `${where}: query value for key '${key}' must be a string or an array of strings, got ${typeof value}`,
      );
    }
  }
  // Object.fromEntries defines own data properties, so a "__proto__" key stays a plain key.
  return Object.freeze(Object.fromEntries(entries));
}

function appendQuery(
  base: URLQuery,
  pairs: Iterable<readonly [string, URLQueryValue]>,
  append: boolean,
): Record<string, URLQueryValue> {
  const out = new Map<string, URLQueryValue>(Object.entries(base));
  // Repeated keys within the new pairs always accumulate (`a=1&a=2`); `append` decides whether
  // they also accumulate onto values already in the URL, as SQLAlchemy's update_query_pairs.
  const fresh = new Map<string, string[]>();
  for (const [key, value] of pairs) {
    const list = fresh.get(key) ?? [];
    list.push(...(typeof value === "string" ? [value] : value));
    fresh.set(key, list);
  }
  for (const [key, values] of fresh) {
    const existing = out.get(key);
    const merged = append && existing !== undefined ? [...toList(existing), ...values] : values;
    out.set(key, merged.length === 1 ? merged[0] : merged);
  }
  return Object.fromEntries(out);
}

function toList(value: URLQueryValue): readonly string[] {
  return typeof value === "string" ? [value] : value;
}

function parseQueryString(qs: string, input: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of qs.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? "" : part.slice(eq + 1);
    pairs.push([unquote(rawKey, "query key", input, true), unquote(rawValue, "query value", input, true)]);
  }
  return pairs;
}

/**
 * An immutable database URL. Build one with {@link makeUrl} (from a string) or
 * {@link URL.create} (from fields); derive new ones with {@link URL.set} and the query methods.
 * The object and its `query` are frozen.
 *
 * The password is held privately and exposed through a (non-enumerable) getter, so spreading,
 * `Object.entries` and test-runner diffs do not show it.
 */
export class URL {
  /** `backend` or `backend+driver`, e.g. `"postgresql+postgresjs"`. */
  readonly drivername: string;
  readonly username: string | undefined;
  readonly host: string | undefined;
  /** TCP port (integer). */
  readonly port: number | undefined;
  /** Database name or SQLite file path (`":memory:"` / undefined for in-memory). */
  readonly database: string | undefined;
  /** Frozen query mapping; repeated keys hold arrays. */
  readonly query: URLQuery;
  readonly #password: string | undefined;

  private constructor(fields: URLFields) {
    this.drivername = fields.drivername;
    this.username = fields.username;
    this.#password = fields.password;
    this.host = fields.host;
    this.port = fields.port;
    this.database = fields.database;
    this.query = fields.query === undefined ? Object.freeze({}) : freezeQuery(fields.query, "URL.create()");
    // Set here rather than declared as a `[Symbol.for(…)]()` method: a computed method key makes
    // bundlers keep the whole class (and the parser) in bundles that never use URLs.
    Object.defineProperty(this, INSPECT, { value: inspectUrl });
    Object.freeze(this);
  }

  /**
   * Build a URL from fields, as SQLAlchemy's `URL.create()`.
   * @throws ArgumentError when `drivername` is not `backend` / `backend+driver`, `port` is not
   *   an integer in 0–65535, `host` contains `/ ? # @` or whitespace, or a query value is not a
   *   string / string array. Messages name the field, never the password.
   */
  static create(fields: URLFields): URL {
    if (typeof fields.drivername !== "string" || !DRIVERNAME_RE.test(fields.drivername)) {
      throw new ArgumentError(
        `URL.create(): drivername must look like 'backend' or 'backend+driver', got ${JSON.stringify(fields.drivername)}`,
      );
    }
    for (const key of ["username", "password", "host", "database"] as const) {
      const v = fields[key];
      if (v !== undefined && typeof v !== "string") {
        throw new ArgumentError(`URL.create(): ${key} must be a string, got ${typeof v}`);
      }
    }
    const { port, host } = fields;
    if (port !== undefined && (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535)) {
      throw new ArgumentError(`URL.create(): port must be an integer between 0 and 65535, got ${String(port)}`);
    }
    if (host !== undefined && /[/?#@\s\[\]]/.test(host)) {
      throw new ArgumentError(`URL.create(): host ${JSON.stringify(host)} contains a character not allowed in a host`);
    }
    return new URL(fields);
  }

  /** The password, in clear text. Never rendered by `toString()` / `toJSON()` / inspect. */
  get password(): string | undefined {
    return this.#password;
  }

  /** Backend part of `drivername`: `"postgresql"` for `"postgresql+postgresjs"`. */
  get backendName(): string {
    const plus = this.drivername.indexOf("+");
    return plus < 0 ? this.drivername : this.drivername.slice(0, plus);
  }

  /**
   * Driver part of `drivername`, or the backend's default driver ({@link DEFAULT_DRIVERS}).
   * @throws ArgumentError for a backend without a default driver and none named.
   */
  get driverName(): string {
    const plus = this.drivername.indexOf("+");
    if (plus >= 0) return this.drivername.slice(plus + 1);
    const dflt = DEFAULT_DRIVERS[this.backendName];
    if (dflt === undefined) {
      throw new ArgumentError(
        `URL names no driver for backend '${this.backendName}' and it has no default; use '${this.backendName}+<driver>://…'`,
      );
    }
    return dflt;
  }

  /** Every query value as an array, as SQLAlchemy's `URL.normalized_query`. */
  get normalizedQuery(): Readonly<Record<string, readonly string[]>> {
    return Object.freeze(Object.fromEntries(Object.entries(this.query).map(([k, v]) => [k, toList(v)])));
  }

  /**
   * A new URL with the given fields replaced. A field present with value `undefined` is cleared
   * (`url.set({ password: undefined })`); absent fields are kept. `query` replaces the whole
   * mapping. Validation as {@link URL.create}.
   */
  set(changes: Partial<URLFields>): URL {
    const current: URLFields = {
      drivername: this.drivername,
      username: this.username,
      password: this.#password,
      host: this.host,
      port: this.port,
      database: this.database,
      query: this.query,
    };
    const next: Record<string, unknown> = { ...current };
    for (const key of Object.keys(changes) as (keyof URLFields)[]) next[key] = changes[key];
    return URL.create(next as unknown as URLFields);
  }

  /**
   * A new URL with keys from a query string (`"a=1&b=2"`, leading `?` allowed) added.
   * Existing keys are replaced unless `append` is true, in which case values accumulate.
   */
  updateQueryString(queryString: string, append = false): URL {
    const qs = queryString.startsWith("?") ? queryString.slice(1) : queryString;
    return this.set({ query: appendQuery(this.query, parseQueryString(qs, queryString), append) });
  }

  /** A new URL with `[key, value]` pairs added; see {@link URL.updateQueryString} for `append`. */
  updateQueryPairs(pairs: Iterable<readonly [string, URLQueryValue]>, append = false): URL {
    return this.set({ query: appendQuery(this.query, pairs, append) });
  }

  /** A new URL with the mapping's keys added; see {@link URL.updateQueryString} for `append`. */
  updateQueryDict(dict: Readonly<Record<string, URLQueryValue>>, append = false): URL {
    return this.set({ query: appendQuery(this.query, Object.entries(dict), append) });
  }

  /** A new URL without the given query keys (missing keys are ignored). */
  differenceUpdateQuery(keys: Iterable<string>): URL {
    const drop = new Set(keys);
    return this.set({ query: Object.fromEntries(Object.entries(this.query).filter(([k]) => !drop.has(k))) });
  }

  /**
   * Render as a URL string. With `hidePassword` (the default) the password and secret-looking
   * query values (`authToken`, `sslpassword`, …) render as `***`. With `hidePassword: false`
   * every special character is percent-escaped so `makeUrl()` gives back an equal URL.
   * Query keys render sorted, as SQLAlchemy.
   */
  renderAsString(options: RenderOptions = {}): string {
    const hide = options.hidePassword ?? true;
    let s = `${this.drivername}://`;
    const password = this.#password;
    if (this.username !== undefined || password !== undefined) {
      s += quote(this.username ?? "", USERINFO_SAFE);
      if (password !== undefined) s += `:${hide ? MASK : quote(password, USERINFO_SAFE)}`;
      s += "@";
    }
    if (this.host !== undefined) s += this.host.includes(":") ? `[${this.host}]` : this.host;
    if (this.port !== undefined) s += `:${this.port}`;
    if (this.database !== undefined) s += `/${quote(this.database, DATABASE_SAFE)}`;
    const keys = Object.keys(this.query).sort();
    if (keys.length > 0) {
      const parts: string[] = [];
      for (const key of keys) {
        const secret = hide && SECRET_QUERY_KEY_RE.test(key);
        for (const value of toList(this.query[key])) {
          parts.push(`${quote(key, QUERY_SAFE)}=${secret ? MASK : quote(value, QUERY_SAFE)}`);
        }
      }
      s += `?${parts.join("&")}`;
    }
    return s;
  }

  /** The URL with the password hidden (SQLAlchemy 2.0 `str(url)`). */
  toString(): string {
    return this.renderAsString();
  }

  /** JSON form: the password-hidden string. */
  toJSON(): string {
    return this.renderAsString();
  }

  /** Structural equality (all fields, query order-insensitive). */
  equals(other: URL): boolean {
    return this.renderAsString({ hidePassword: false }) === other.renderAsString({ hidePassword: false });
  }
}

const URL_RE =
  /^(?<name>[A-Za-z0-9_+]+):\/\/(?:(?<username>[^:/@?]*)(?::(?<password>[^@]*))?@)?(?:\[(?<ipv6host>[^\]/?]+)\]|(?<host>[^/:?@[\]]+))?(?::(?<port>[^/?]*))?(?:\/(?<database>[^?]*))?(?:\?(?<query>.*))?$/s;

/**
 * Parse a URL string, as SQLAlchemy's `make_url()`; a {@link URL} is returned unchanged.
 * Username, password, database and query parts are percent-decoded (`+` means space in the
 * query only).
 * @throws ArgumentError naming the input (password masked) when the string is not a URL, the
 *   port is not an integer, or a percent-escape is malformed.
 */
export function makeUrl(input: string | URL): URL {
  if (input instanceof URL) return input;
  if (typeof input !== "string") {
    throw new ArgumentError(`makeUrl() expects a URL string or a URL object, got ${typeof input}`);
  }
  // `sqlite://:memory:` is SQLite's conventional spelling but reads as an empty host with a
  // non-numeric port, so it gets its own rule.
  const memory = /^([A-Za-z0-9_+]+):\/\/:memory:(?:\?(.*))?$/s.exec(input);
  if (memory !== null) return fromParts(input, memory[1], {}, ":memory:", memory[2]);
  const m = URL_RE.exec(input);
  if (m === null || m.groups === undefined) {
    throw parseError(input, "expected 'dialect+driver://username:password@host:port/database'");
  }
  const g = m.groups;
  if (g.port !== undefined && g.port !== "" && !/^\d+$/.test(g.port)) {
    throw parseError(input, "port is not an integer");
  }
  const fields: Omit<URLFields, "drivername"> = {
    username: g.username === undefined ? undefined : unquote(g.username, "username", input),
    password: g.password === undefined ? undefined : unquote(g.password, "password", input),
    host: g.ipv6host ?? g.host,
    port: g.port === undefined || g.port === "" ? undefined : Number(g.port),
  };
  const database = g.database === undefined ? undefined : unquote(g.database, "database", input);
  return fromParts(input, g.name, fields, database, g.query);
}

function fromParts(
  input: string,
  drivername: string,
  fields: Omit<URLFields, "drivername">,
  database: string | undefined,
  queryString: string | undefined,
): URL {
  if (!DRIVERNAME_RE.test(drivername)) throw parseError(input, `invalid dialect name '${drivername}'`);
  const pairs = queryString === undefined ? [] : parseQueryString(queryString, input);
  try {
    return URL.create({ drivername, ...fields, database }).updateQueryPairs(pairs);
  } catch (e) {
    if (e instanceof ArgumentError) throw parseError(input, e.message);
    throw e;
  }
}

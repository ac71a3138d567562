/**
 * Echo logging, following SQLAlchemy's `create_engine(echo=True | "debug")` output of the
 * `sqlalchemy.engine.Engine` logger (2.0 format, including the compiled-cache statistics).
 *
 * For each statement two lines are written:
 * ```
 * SELECT users.id, users.name FROM users WHERE users.id = $1
 * [generated in 0.00012s] (5,)
 * ```
 * The bracketed statistics are `generated in Ns` (cache miss: compile time),
 * `cached since Ns ago` (cache hit: age of the cache entry), `no key Ns` (the statement has no
 * cache key: compile time) or `raw sql` (text executed directly). Parameters are rendered with
 * SQLAlchemy's `_repr_params` bounds (at most 10 parameters per set, 10 sets, 300 characters per
 * value), or replaced by `[SQL parameters hidden due to hideParameters=true]`.
 *
 * With echo off the engine checks {@link EchoLogger.enabled} and does no formatting at all.
 * @module
 */

/** `true` / `"debug"` log to `console.info`; a function receives each line instead (info level). */
export type EchoOption = boolean | "debug" | ((line: string) => void);

/** Options for {@link createEchoLogger}. */
export interface EchoLoggerOptions {
  /** Never render bound parameter values (SQLAlchemy's `hide_parameters`). */
  readonly hideParameters?: boolean;
  /** Where lines go for `true` / `"debug"`; defaults to `console.info`. */
  readonly sink?: (line: string) => void;
}

/** Compiled-cache statistics for one statement. */
export interface EchoStatementInfo {
  /**
   * - `"generated"`: compiled now (cache miss); `elapsedMs` is the compile time.
   * - `"cached"`: compiled form reused; `elapsedMs` is how long ago it was cached.
   * - `"no key"`: the statement cannot be cached; `elapsedMs` is the compile time.
   * - `"raw"`: SQL text run as given; `elapsedMs` is ignored.
   */
  readonly cache: "generated" | "cached" | "no key" | "raw";
  /** Milliseconds, see `cache`. */
  readonly elapsedMs: number;
  /** Set (to the number of parameter sets) when `params` is a list of parameter sets. */
  readonly executemany?: number;
}

/** Parameters as the engine holds them: positional, named, or (executemany) a list of sets. */
export type EchoParams = readonly unknown[] | Readonly<Record<string, unknown>>;

/** The logger the engine calls. Every method is a no-op when {@link enabled} is false. */
export interface EchoLogger {
  /** Echo is on: the engine may build log lines. */
  readonly enabled: boolean;
  /** `"debug"` echo: result rows are logged too. */
  readonly debug: boolean;
  /** Log a statement and its parameters (two lines). */
  statement(sql: string, params: EchoParams | undefined, info: EchoStatementInfo): void;
  /** `BEGIN (implicit)`. */
  begin(): void;
  /** `COMMIT`. */
  commit(): void;
  /** `ROLLBACK`. */
  rollback(): void;
  /** Debug only: `Col ('id', 'name')` then one `Row (1, 'x')` line per row. */
  rows(keys: readonly string[], rows: Iterable<readonly unknown[]>): void;
  /** Any other engine line (e.g. `SAVEPOINT sa_savepoint_1`). */
  line(text: string): void;
}

const noop = (): void => {};

/** The shared logger for echo off: no state, no work. */
export const DISABLED_ECHO_LOGGER: EchoLogger = Object.freeze({
  enabled: false,
  debug: false,
  statement: noop,
  begin: noop,
  commit: noop,
  rollback: noop,
  rows: noop,
  line: noop,
});

/** Most parameters (per set) and parameter sets rendered, as SQLAlchemy's `max_params`. */
export const MAX_PARAMS = 10;
/** Longest rendering of one value before its middle is cut, as SQLAlchemy's `max_chars`. */
export const MAX_CHARS = 300;

/**
 * Build the echo logger for an engine's `echo` option.
 * `false` returns {@link DISABLED_ECHO_LOGGER}.
 */
export function createEchoLogger(option: EchoOption, opts: EchoLoggerOptions = {}): EchoLogger {
  if (option === false) return DISABLED_ECHO_LOGGER;
  const sink: (line: string) => void =
    typeof option === "function" ? option : (opts.sink ?? ((line: string) => console.info(line)));
  const debug = option === "debug";
  const hide = opts.hideParameters ?? false;
  return Object.freeze({
    enabled: true,
    debug,
    statement(sql: string, params: EchoParams | undefined, info: EchoStatementInfo): void {
      sink(sql);
      const stats = `[${formatStats(info)}]`;
      if (hide) sink(`${stats} [SQL parameters hidden due to hideParameters=true]`);
      else sink(`${stats} ${reprParams(params, info.executemany !== undefined)}`);
    },
    begin: () => sink("BEGIN (implicit)"),
    commit: () => sink("COMMIT"),
    rollback: () => sink("ROLLBACK"),
    rows(keys: readonly string[], rows: Iterable<readonly unknown[]>): void {
      if (!debug) return;
      sink(`Col ${reprTuple(keys)}`);
      for (const row of rows) sink(`Row ${reprTuple(row)}`);
    },
    line: (text: string) => sink(text),
  });
}

/** The bracketed cache statistics, without brackets: `generated in 0.00012s`. */
export function formatStats(info: EchoStatementInfo): string {
  const seconds = info.elapsedMs / 1000;
  switch (info.cache) {
    case "generated":
      return `generated in ${seconds.toFixed(5)}s`;
    case "cached":
      return `cached since ${formatG4(seconds)}s ago`;
    case "no key":
      return `no key ${seconds.toFixed(5)}s`;
    case "raw":
      return "raw sql";
  }
}

// printf's "%.4g": four significant digits, trailing zeros dropped.
function formatG4(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/**
 * Render parameters as SQLAlchemy's `_repr_params`: a positional set as a tuple `(1, 'x')`,
 * a named set as `{'a': 1}`, several sets as a list of those; bounded by {@link MAX_PARAMS}
 * and {@link MAX_CHARS}.
 */
export function reprParams(params: EchoParams | undefined, executemany = false): string {
  if (params === undefined) return "()";
  if (executemany && Array.isArray(params)) {
    const sets = params as readonly unknown[];
    const render = (s: unknown): string => (Array.isArray(s) || isRecord(s) ? reprSet(s as EchoParams) : reprValue(s));
    if (sets.length > MAX_PARAMS) {
      const head = sets.slice(0, MAX_PARAMS - 2).map(render).join(", ");
      const tail = sets.slice(-2).map(render).join(", ");
      return `[${head} ... displaying ${MAX_PARAMS} of ${sets.length} total bound parameter sets ... ${tail}]`;
    }
    return `[${sets.map(render).join(", ")}]`;
  }
  return reprSet(params);
}

function reprSet(params: EchoParams): string {
  if (Array.isArray(params)) return reprTuple(params as readonly unknown[]);
  const entries = Object.entries(params);
  const item = ([k, v]: [string, unknown]): string => `${reprString(k)}: ${reprValue(v)}`;
  if (entries.length > MAX_PARAMS) {
    const half = MAX_PARAMS / 2;
    return `{${entries.slice(0, half).map(item).join(", ")} ... ${entries.length - MAX_PARAMS} parameters truncated ... ${entries.slice(-half).map(item).join(", ")}}`;
  }
  return `{${entries.map(item).join(", ")}}`;
}

function reprTuple(values: readonly unknown[]): string {
  if (values.length > MAX_PARAMS) {
    const half = MAX_PARAMS / 2;
    const head = values.slice(0, half).map(reprValue).join(", ");
    const tail = values.slice(-half).map(reprValue).join(", ");
    return `(${head} ... ${values.length - MAX_PARAMS} parameters truncated ... ${tail})`;
  }
  if (values.length === 1) return `(${reprValue(values[0])},)`;
  return `(${values.map(reprValue).join(", ")})`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function reprString(s: string): string {
  const body = JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${body}'`;
}

/** One value, Python-repr style, middle-truncated beyond {@link MAX_CHARS}. */
export function reprValue(value: unknown): string {
  return truncate(reprInner(value, 0));
}

function truncate(rep: string): string {
  if (rep.length <= MAX_CHARS) return rep;
  const seg = MAX_CHARS / 2;
  return `${rep.slice(0, seg)} ... (${rep.length - MAX_CHARS} characters truncated) ... ${rep.slice(-seg)}`;
}

function reprInner(value: unknown, depth: number): string {
  switch (typeof value) {
    case "string":
      return reprString(value);
    case "bigint":
      return `${value}n`;
    case "number":
    case "boolean":
    case "undefined":
      return String(value);
    case "symbol":
      return value.toString();
    case "function":
      return `<function ${value.name || "anonymous"}>`;
  }
  if (value === null) return "null";
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `<${value.byteLength} bytes>`;
  if (ArrayBuffer.isView(value)) return `<${value.constructor.name} ${value.byteLength} bytes>`;
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? "Invalid" : value.toISOString()})`;
  if (depth >= 3) return Array.isArray(value) ? "[...]" : "{...}";
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_PARAMS).map((v: unknown) => reprInner(v, depth + 1));
    if (value.length > MAX_PARAMS) items.push(`... ${value.length - MAX_PARAMS} more`);
    return `[${items.join(", ")}]`;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value);
    const items = entries.slice(0, MAX_PARAMS).map(([k, v]) => `${reprString(k)}: ${reprInner(v, depth + 1)}`);
    if (entries.length > MAX_PARAMS) items.push(`... ${entries.length - MAX_PARAMS} more`);
    return `{${items.join(", ")}}`;
  }
  const name = (value as object).constructor?.name ?? "Object";
  try {
    return `${name}(${String(value)})`;
  } catch {
    return `<${name}>`;
  }
}

/**
 * The driver contract: the DBAPI of the edge.
 *
 * Every adapter (libSQL, postgres.js, Neon, D1, PGlite) implements {@link Driver}. The engine
 * never looks at an adapter's name, only at its {@link DriverCapabilities}. Adapters import this
 * file and nothing else of athanor's internals.
 *
 * Source: the role of PEP 249 (DBAPI) in SQLAlchemy's engine, cut down to what fetch- and
 * socket-based drivers can honour.
 * @module
 */

/** SQL dialect a driver speaks. */
export type DialectName = "postgresql" | "sqlite";

/** How positional parameters are written in SQL text: `$1, $2` or `?`. */
export type Paramstyle = "numeric_dollar" | "qmark";

/** What a driver can do. The engine and ORM plan work from these flags alone. */
export interface DriverCapabilities {
  /** BEGIN … COMMIT spanning several requests, with results visible in between. */
  readonly interactiveTransactions: boolean;
  /** Several statements sent in one request and run in one transaction (`batch()`). */
  readonly atomicBatch: boolean;
  /** Rows can be fetched incrementally (server cursor or chunked fetch) through `stream()`. */
  readonly streaming: boolean;
  /** SAVEPOINT / RELEASE / ROLLBACK TO inside an interactive transaction. */
  readonly savepoints: boolean;
  /** INSERT/UPDATE/DELETE … RETURNING. */
  readonly returning: boolean;
  /** Several connections may run statements at the same time (TCP pools). */
  readonly concurrentConnections: boolean;
  /** Largest number of bound parameters in one statement (SQLite 32766, PostgreSQL 65535). */
  readonly maxParams: number;
}

/** One statement ready for the wire: final SQL text and positional parameters. */
export interface DriverStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** Metadata of one result column as the driver reports it. */
export interface DriverColumn {
  readonly name: string;
  /** Driver type identifier where known: a PostgreSQL type OID, or SQLite's declared type. */
  readonly type?: number | string;
}

/** A fully fetched result. Rows are arrays in column order. */
export interface DriverResult {
  readonly columns: readonly DriverColumn[];
  readonly rows: readonly (readonly unknown[])[];
  /** Rows inserted, updated or deleted; -1 when the driver cannot tell. */
  readonly rowsAffected: number;
  /** SQLite's last_insert_rowid(), where the driver reports it. */
  readonly lastInsertRowid?: number | bigint;
}

/** Options for {@link DriverConnection.begin}. */
export interface BeginOptions {
  /** SQL isolation level, e.g. "READ COMMITTED", "SERIALIZABLE". */
  readonly isolationLevel?: string;
  readonly readOnly?: boolean;
}

/** Options for {@link DriverConnection.batch}. */
export interface BatchOptions {
  /** Run all statements in one transaction that rolls back on the first error. */
  readonly transaction: boolean;
  /** Isolation level of that transaction, where the driver supports choosing one. */
  readonly isolationLevel?: string;
  readonly readOnly?: boolean;
}

/** An open streaming cursor. `close()` may be called at any time and more than once. */
export interface DriverCursor {
  readonly columns: readonly DriverColumn[];
  /** Up to `maxRows` more rows; an empty array means the cursor is exhausted. */
  fetch(maxRows: number): Promise<readonly (readonly unknown[])[]>;
  close(): Promise<void>;
}

/**
 * One logical database connection, checked out from a {@link Driver}.
 *
 * Calls on one DriverConnection are never issued concurrently by the engine; adapters may rely
 * on that. Errors thrown are the driver's own; the engine turns them into athanor errors with
 * {@link Driver.describeError}.
 */
export interface DriverConnection {
  execute(stmt: DriverStatement): Promise<DriverResult>;
  /** Present when `capabilities.streaming`. Opens a cursor; `chunkSize` is a hint in rows. */
  openCursor?(stmt: DriverStatement, chunkSize: number): Promise<DriverCursor>;
  /**
   * Present when `capabilities.atomicBatch`. Runs all statements in one request; with
   * `transaction: true` they run in one transaction that rolls back on the first error.
   */
  batch?(stmts: readonly DriverStatement[], opts: BatchOptions): Promise<DriverResult[]>;
  /** Present when `capabilities.interactiveTransactions`. */
  begin?(opts?: BeginOptions): Promise<void>;
  commit?(): Promise<void>;
  rollback?(): Promise<void>;
  /** Give the connection back (to the pool, or close it). Rolls back an open transaction. */
  release(): Promise<void>;
}

/** Category of a database error, mirroring PEP 249's exception classes. */
export type DriverErrorKind =
  | "integrity"
  | "operational"
  | "programming"
  | "data"
  | "notSupported"
  | "internal"
  | "interface"
  | "database";

const SQLITE_OPERATIONAL: ReadonlySet<string> = new Set([
  "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_FULL", "SQLITE_NOMEM", "SQLITE_PROTOCOL",
  "SQLITE_READONLY", "SQLITE_INTERRUPT", "SQLITE_ABORT", "SQLITE_PERM", "SQLITE_AUTH", "SQLITE_NOLFS",
]);
const SQLITE_DATA: ReadonlySet<string> = new Set(["SQLITE_MISMATCH", "SQLITE_TOOBIG", "SQLITE_RANGE"]);

/**
 * The {@link DriverErrorKind} of a SQLite primary result code (`"SQLITE_CONSTRAINT"`, not the
 * extended `"SQLITE_CONSTRAINT_UNIQUE"`), for every SQLite-based adapter (libSQL, D1): the
 * mapping pysqlite and SQLAlchemy's SQLite dialect use — CONSTRAINT → integrity, ERROR/MISUSE →
 * programming, MISMATCH/TOOBIG/RANGE → data, INTERNAL → internal, BUSY/LOCKED/IOERR/… →
 * operational, and anything else (CORRUPT, NOTADB, SCHEMA, unknown codes) → database.
 * `undefined` for a code that is not a SQLite result code, so an adapter can classify its own.
 */
export function sqliteErrorKind(primary: string): DriverErrorKind | undefined {
  if (!primary.startsWith("SQLITE_")) return undefined;
  if (primary === "SQLITE_CONSTRAINT") return "integrity";
  if (primary === "SQLITE_ERROR" || primary === "SQLITE_MISUSE") return "programming";
  if (SQLITE_DATA.has(primary)) return "data";
  if (primary === "SQLITE_INTERNAL") return "internal";
  if (SQLITE_OPERATIONAL.has(primary)) return "operational";
  return "database";
}

/** What the engine needs to know about an error a driver threw. */
export interface DriverErrorInfo {
  readonly kind: DriverErrorKind;
  /** SQLSTATE (PostgreSQL) or SQLite result code name (e.g. "SQLITE_CONSTRAINT_UNIQUE"). */
  readonly code?: string;
  readonly message: string;
  /** Constraint name, where the database reports one. */
  readonly constraint?: string;
  /** True when the connection is unusable afterwards. */
  readonly connectionInvalidated?: boolean;
  /**
   * For a failed commit or batch: whether it was rolled back ("rolledBack") or its outcome is
   * not known ("unknown", e.g. the connection dropped after the request was sent).
   */
  readonly outcome?: "rolledBack" | "unknown";
  /** Whether running the same work again is safe (it did not apply, and the failure is transient). */
  readonly retrySafe?: boolean;
}

/** A database driver behind athanor's engine. */
export interface Driver {
  readonly dialect: DialectName;
  readonly paramstyle: Paramstyle;
  readonly capabilities: DriverCapabilities;
  /** Short name shown in logs, e.g. "libsql" or "postgres-js". */
  readonly name: string;
  connect(): Promise<DriverConnection>;
  /** Classify an error thrown by this driver; `undefined` when it is not a database error. */
  describeError(err: unknown): DriverErrorInfo | undefined;
  /** Close every connection the driver owns. Drivers wrapping a user-made client leave it open. */
  dispose(): Promise<void>;
}

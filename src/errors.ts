/**
 * athanor's error hierarchy, following SQLAlchemy's `sqlalchemy.exc`:
 *
 * ```
 * AthanorError
 * ├── ArgumentError            bad arguments to an API (unknown column key, unbindable value…)
 * ├── CompileError             a statement that cannot be rendered (names the construct)
 * ├── InvalidRequestError      an operation not valid in the current state
 * │   ├── NoResultFound / MultipleResultsFound
 * │   ├── ResourceClosedError  a closed connection, result or engine
 * │   └── PendingRollbackError a transaction that must be rolled back first
 * └── StatementError           an error while executing a statement (carries SQL and params)
 *     └── DBAPIError           raised by the database / driver
 *         ├── InterfaceError
 *         └── DatabaseError
 *             ├── DataError, OperationalError, IntegrityError,
 *             └── InternalError, ProgrammingError, NotSupportedError
 * ```
 * @module
 */

/** Base of every error athanor raises. */
export class AthanorError extends Error {
  override name = "AthanorError";
  /** Short code linking the error to its documentation, as SQLAlchemy's `code`. */
  readonly code?: string;
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.code) this.code = options.code;
  }
}

/** Invalid arguments passed to an athanor API. */
export class ArgumentError extends AthanorError {
  override name = "ArgumentError";
}

/**
 * A table would get two columns with the same SQL name (SQLAlchemy 2.0's
 * `DuplicateColumnError`, raised by the stricter rules for columns in Table objects).
 */
export class DuplicateColumnError extends ArgumentError {
  override name = "DuplicateColumnError";
}

/**
 * A table, index or constraint name is longer than the database accepts (PostgreSQL: 63
 * characters), so the database would cut it silently (SQLAlchemy's `IdentifierError`, from
 * `Dialect.validate_identifier`). Names made by a naming convention are cut to fit instead.
 */
export class IdentifierError extends AthanorError {
  override name = "IdentifierError";
}

/**
 * A flush cannot complete (SQLAlchemy's `orm.exc.FlushError`): for example listeners that keep
 * adding objects, so that commit() would flush without end.
 */
export class FlushError extends AthanorError {
  override name = "FlushError";
}

/** A statement cannot be compiled; the message names the construct at fault. */
export class CompileError extends AthanorError {
  override name = "CompileError";
}

/** An operation is not valid in the object's current state. */
export class InvalidRequestError extends AthanorError {
  override name = "InvalidRequestError";
}

/**
 * Reflection found no table or view of that name (SQLAlchemy's `NoSuchTableError`, a subclass
 * of `InvalidRequestError`); the message is the table's name, schema-qualified when a schema
 * was given, as SQLAlchemy's.
 */
export class NoSuchTableError extends InvalidRequestError {
  override name = "NoSuchTableError";
  constructor(
    /** The table name looked for. */
    readonly tableName: string,
    /** The schema it was looked for in, when one was given. */
    readonly schema?: string,
  ) {
    super(schema ? `${schema}.${tableName}` : tableName);
  }
}

/** `one()` / `scalarOne()` found no row. */
export class NoResultFound extends InvalidRequestError {
  override name = "NoResultFound";
}

/** `one()` / `oneOrNone()` found more than one row. */
export class MultipleResultsFound extends InvalidRequestError {
  override name = "MultipleResultsFound";
}

/** A connection, result, cursor or engine was used after it was closed. */
export class ResourceClosedError extends InvalidRequestError {
  override name = "ResourceClosedError";
}

/**
 * A buffered-result method was called for a server-side cursor (`streamResults`); use
 * stream() instead (SQLAlchemy's `sqlalchemy.ext.asyncio.exc.AsyncMethodRequired`).
 */
export class AsyncMethodRequired extends InvalidRequestError {
  override name = "AsyncMethodRequired";
}

/** A transaction failed or was rolled back from within; it must be rolled back before reuse. */
export class PendingRollbackError extends InvalidRequestError {
  override name = "PendingRollbackError";
}

/** Options describing the statement an error happened in. */
export interface StatementErrorInit {
  readonly statement?: string;
  /** Parameters; omitted when the engine hides parameters (`hideParameters`). */
  readonly params?: readonly unknown[] | Record<string, unknown>;
  readonly hideParameters?: boolean;
  readonly cause?: unknown;
}

/** An error raised while executing a statement. Carries the SQL and (unless hidden) params. */
export class StatementError extends AthanorError {
  override name = "StatementError";
  /** SQL text of the failing statement. */
  readonly statement?: string;
  /** Bound parameters, unless hidden by the engine's `hideParameters` option. */
  readonly params?: readonly unknown[] | Record<string, unknown>;
  readonly hideParameters: boolean;
  /** The message without the statement appendix. */
  readonly detail: string;
  constructor(message: string, init: StatementErrorInit = {}) {
    const hide = init.hideParameters ?? false;
    let full = message;
    if (init.statement) full += `\n[SQL: ${init.statement}]`;
    if (init.params !== undefined && !hide) full += `\n[parameters: ${safeRepr(init.params)}]`;
    else if (hide) full += "\n[SQL parameters hidden due to hideParameters=true]";
    super(full, { cause: init.cause });
    this.detail = message;
    this.hideParameters = hide;
    if (init.statement !== undefined) this.statement = init.statement;
    if (!hide && init.params !== undefined) this.params = init.params;
  }
}

/** Options for database errors. */
export interface DBAPIErrorInit extends StatementErrorInit {
  /** SQLSTATE (PostgreSQL) or SQLite result code name. */
  readonly sqlstate?: string;
  /** Constraint name reported by the database. */
  readonly constraint?: string;
  /** The connection can no longer be used. */
  readonly connectionInvalidated?: boolean;
  /** The driver's error object. */
  readonly orig?: unknown;
  /** Whether a failed commit/batch was rolled back or its outcome is unknown. */
  readonly outcome?: "rolledBack" | "unknown";
  /** Whether retrying the same work is safe. */
  readonly retrySafe?: boolean;
}

/** An error raised by the database or its driver. `orig` is the driver's own error. */
export class DBAPIError extends StatementError {
  override name = "DBAPIError";
  /** SQLSTATE on PostgreSQL (e.g. "23505"); SQLite result code name (e.g. "SQLITE_CONSTRAINT_UNIQUE"). */
  readonly sqlstate?: string;
  readonly constraint?: string;
  readonly connectionInvalidated: boolean;
  readonly orig?: unknown;
  /**
   * For a failed commit or batch (notably over HTTP drivers): "rolledBack" when nothing was
   * applied, "unknown" when the request may or may not have committed (connection dropped after
   * sending). Undefined when the driver cannot tell.
   */
  readonly outcome?: "rolledBack" | "unknown";
  /** True when running the same work again is safe: it did not apply and the failure is transient. */
  readonly retrySafe?: boolean;
  constructor(message: string, init: DBAPIErrorInit = {}) {
    super(message, { ...init, cause: init.cause ?? init.orig });
    if (init.outcome !== undefined) this.outcome = init.outcome;
    if (init.retrySafe !== undefined) this.retrySafe = init.retrySafe;
    if (init.sqlstate !== undefined) this.sqlstate = init.sqlstate;
    if (init.constraint !== undefined) this.constraint = init.constraint;
    this.connectionInvalidated = init.connectionInvalidated ?? false;
    if (init.orig !== undefined) this.orig = init.orig;
  }
}
/** PEP 249 InterfaceError: a problem with the driver itself rather than the database. */
export class InterfaceError extends DBAPIError {
  override name = "InterfaceError";
}
/** PEP 249 DatabaseError. */
export class DatabaseError extends DBAPIError {
  override name = "DatabaseError";
}
/** Bad data: value out of range, invalid text representation, division by zero. */
export class DataError extends DatabaseError {
  override name = "DataError";
}
/** Not under the program's control: lost connection, locked database, serialization failure. */
export class OperationalError extends DatabaseError {
  override name = "OperationalError";
}
/** A constraint was violated: unique, foreign key, not null, check. */
export class IntegrityError extends DatabaseError {
  override name = "IntegrityError";
}
/** The database hit an internal error. */
export class InternalError extends DatabaseError {
  override name = "InternalError";
}
/** SQL syntax errors, missing tables or columns, wrong number of parameters. */
export class ProgrammingError extends DatabaseError {
  override name = "ProgrammingError";
}
/** A feature the database does not support. */
export class NotSupportedError extends DatabaseError {
  override name = "NotSupportedError";
}

function safeRepr(params: unknown): string {
  try {
    const s = JSON.stringify(params, (_k, v) =>
      typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v,
    );
    return s.length > 1000 ? `${s.slice(0, 1000)}… (${s.length} chars)` : s;
  } catch {
    return "<unrepresentable>";
  }
}

/** No foreign key links the two sides of a join whose ON clause was to be inferred. */
export class NoForeignKeysError extends ArgumentError {
  override name = "NoForeignKeysError";
}
/** More than one foreign key links the two sides of a join; give the ON clause explicitly. */
export class AmbiguousForeignKeysError extends ArgumentError {
  override name = "AmbiguousForeignKeysError";
}

/** An UPDATE or DELETE matched fewer rows than the unit of work expected (stale version id). */
export class StaleDataError extends AthanorError {
  override name = "StaleDataError";
}
/** The unit of work found a dependency cycle between rows that no `postUpdate` breaks. */
export class CircularDependencyError extends InvalidRequestError {
  override name = "CircularDependencyError";
}
/** An object was used with a session it does not belong to, or in the wrong state. */
export class ObjectStateError extends InvalidRequestError {
  override name = "ObjectStateError";
}
/** `inspect()` was given something with no inspection interface (SQLAlchemy's `NoInspectionAvailable`). */
export class NoInspectionAvailable extends InvalidRequestError {
  override name = "NoInspectionAvailable";
}

/**
 * A result row has no column for the key or column object given (SQLAlchemy's
 * `NoSuchColumnError`, raised by `row._mapping[key]`, `Result.columns()`, `Result.scalars()`).
 * Message: "… Could not locate column in row for column 'x'".
 *
 * An {@link InvalidRequestError}, as SQLAlchemy's (which is also a `KeyError`).
 */
export class NoSuchColumnError extends InvalidRequestError {
  override name = "NoSuchColumnError";
}

/**
 * Something that is not a statement was given to `execute()` / `stream()` (SQLAlchemy's
 * `ObjectNotExecutableError`): a string (wrap it in `text()`), a table, a column, a CTE, …
 * Message: "Not an executable object: …".
 */
export class ObjectNotExecutableError extends ArgumentError {
  override name = "ObjectNotExecutableError";
}

/**
 * An object that is not an instance of a mapped class was given where the ORM needs one
 * (`session.add({})`, `objectSession(new Date())`, …): SQLAlchemy's `UnmappedInstanceError`,
 * a kind of {@link InvalidRequestError}.
 */
export class UnmappedInstanceError extends InvalidRequestError {
  override name = "UnmappedInstanceError";
}

/**
 * A class that is not mapped was given where a mapped class is needed, such as the target of a
 * relationship (SQLAlchemy's `UnmappedClassError`, a kind of {@link InvalidRequestError}).
 */
export class UnmappedClassError extends InvalidRequestError {
  override name = "UnmappedClassError";
}

/**
 * A ForeignKey names a table the MetaData does not hold (SQLAlchemy's `NoReferencedTableError`,
 * raised on resolving `ForeignKey.column`). `tableName` is the missing table.
 */
export class NoReferencedTableError extends InvalidRequestError {
  override name = "NoReferencedTableError";
  constructor(message: string, readonly tableName: string) {
    super(message);
  }
}

/**
 * A ForeignKey names a column its target table does not have (SQLAlchemy's
 * `NoReferencedColumnError`). `tableName` and `columnName` name the missing target.
 */
export class NoReferencedColumnError extends InvalidRequestError {
  override name = "NoReferencedColumnError";
  constructor(message: string, readonly tableName: string, readonly columnName: string) {
    super(message);
  }
}

/**
 * AsyncConnection: one database connection with commit-as-you-go transactions, SAVEPOINTs,
 * buffered and streaming execution (SQLAlchemy 2.0's `AsyncConnection`).
 * @module
 */
import { checkIsolationLevel, normalizeIsolationLevel } from "./isolation-level.js";
import { ArgumentError, AsyncMethodRequired, CompileError, InvalidRequestError, ObjectNotExecutableError, ResourceClosedError } from "../errors.js";
import { ClauseElement, ColumnElement, TextClause, text as textClause } from "../sql/elements.js";
import { FromClause, Select, select } from "../sql/selectable.js";
import { ColumnClause } from "../sql/column.js";
import { generateCacheKey } from "../sql/cache-key.js";
import { Compiled, resultProcessors, resultTargets } from "../sql/compiler.js";
import { DDLElement } from "../sql/ddl.js";
import { Insert, Update, UpdateBase } from "../sql/dml.js";
import { Dispatcher, DISPATCH, type ConnectionEvents } from "./events.js";
import { AsyncResult, Result, type AsyncScalarResult, type ResultMetadata, type ScalarResult } from "./result/index.js";
import type { InsertedPrimaryKeyInfo, ResultInfo } from "./result/metadata.js";
import { Transaction } from "./transaction.js";
import { translateDriverError } from "./error-translation.js";
import type { AsyncEngine } from "./engine.js";
import type { DialectName, DriverConnection, DriverResult, DriverStatement } from "./driver/contract.js";
import type { Dialect } from "../sql/dialect.js";
import type { BindParameter } from "../sql/elements.js";
import type { CompiledCache } from "./compiled-cache.js";
import type { DdlExecutor } from "../sql/schema.js";
import { returnDefaultsColumns } from "./return-defaults.js";
import { shapeFor } from "./result/row-shape.js";
import { insertedManyPkInfo, insertedPkInfo, needsImplicitReturning, planInsertManyPk, planInsertPk, queuedManyPkInfo, queuedPkInfo, type InsertPkPlan } from "./inserted-primary-key.js";

/** Per-connection or per-engine execution options (SQLAlchemy's `execution_options`). */
export interface ExecutionOptions {
  /** Rows per fetch for `stream()` (default 1000). */
  readonly yieldPer?: number;
  /**
   * Server-side cursor (SQLAlchemy's `stream_results`): `stream()` always streams; with this
   * option set on the connection, the engine or the statement, the buffering `execute()` and
   * `execDriverSql()` raise AsyncMethodRequired, as SQLAlchemy's asyncio extension does.
   */
  readonly streamResults?: boolean;
  /** Isolation level for transactions begun from now on, e.g. "SERIALIZABLE", or "AUTOCOMMIT". */
  readonly isolationLevel?: string;
  /** `null` disables the compiled cache; a CompiledCache replaces the engine's. */
  readonly compiledCache?: CompiledCache | null;
}

/** Parameters for one execution (by bind name / column key), or a list for executemany. */
export type ExecuteParams = ParamRow | readonly ParamRow[];
/**
 * One parameter set: an object keyed by bind name or column key. Typed as `object` so that rows
 * declared as interfaces (which have no index signature) are accepted too.
 */
export type ParamRow = object;

/** Anything executable: statements carry their row shape as phantom types. */
export interface Executable<T extends readonly unknown[] = unknown[], N extends object = Record<string, unknown>> extends ClauseElement {
  readonly __row?: T;
  readonly __named?: N;
}

type RowOf<S> = S extends { readonly __row: infer T } ? (T extends readonly unknown[] ? T : unknown[]) : unknown[];
type NamedOf<S> = S extends { readonly __named: infer N } ? (N extends object ? N : Record<string, unknown>) : Record<string, unknown>;

interface Prepared {
  readonly compiled: Compiled | undefined;
  /** For an INSERT: how its result reports the primary key. */
  readonly pk?: InsertPkPlan | undefined;
  /** For a statement with `returnDefaults()`: the RETURNING columns the engine added (maybe none). */
  readonly rd?: { readonly columns: readonly ColumnElement<unknown, string>[]; readonly keepRows: boolean } | undefined;
  readonly binds: readonly BindParameter<unknown, string>[] | undefined;
  readonly cache: "generated" | "cached" | "no key" | "raw";
  /** Compile time; for "cached", 0: {@link echoElapsedMs} reads the age of the compiled form when echo asks. */
  readonly elapsedMs: number;
}

/** What echo reports as a statement's time: its compile time, or how long ago it was cached. */
function echoElapsedMs(p: Prepared): number {
  return p.cache === "cached" && p.compiled !== undefined ? Date.now() - p.compiled.compiledAt : p.elapsedMs;
}

/**
 * The last statement executed and the last connection closed, kept reachable on purpose: V8
 * frees the hidden classes of objects once none is alive, and a full GC that does so discards
 * all optimized code relying on them, so after an idle moment every function on the execute
 * path (statement building included) ran in the interpreter again (see the note in
 * src/sql/cache-key.ts). Costs one statement (with its bound values) and one closed connection.
 */
const anchors: { statement: ClauseElement | undefined; connection: AsyncConnection | undefined } = { statement: undefined, connection: undefined };
/** @internal */
export function _executeAnchors(): { readonly statement: unknown; readonly connection: unknown } {
  return anchors;
}

const metaCache = new WeakMap<Compiled, ResultMetadata>();
function metadataFor(compiled: Compiled): ResultMetadata {
  let m = metaCache.get(compiled);
  if (!m) {
    const named = resultNames(compiled);
    const targets = resultTargets(compiled);
    m = { keys: named.keys, processors: resultProcessors(compiled), targets, matchTarget: structuralMatcher(targets), ...(named.aliases ? { aliases: named.aliases } : {}) };
    metaCache.set(compiled, m);
  }
  return m;
}
/**
 * {@link ResultMetadata.matchTarget} for a compiled statement: an expression equal in structure
 * to exactly one selected expression (the same cache key) addresses that column. A compiled
 * form from the cache holds the objects of the statement first compiled; SQLAlchemy adapts its
 * result map to the invoked statement by position (`_adapt_to_context`), which lets
 * `row._mapping[expr]` find a `case()` or function built anew for each execution. Matching by
 * structure gives the same answer without work per execution; two selected expressions of one
 * structure answer to neither. The index is built on the first miss.
 */
function structuralMatcher(targets: readonly (readonly object[])[]): (ref: object) => number | undefined {
  let byKey: Map<string, number> | undefined;
  return (ref) => {
    if (!(ref instanceof ClauseElement)) return undefined;
    if (byKey === undefined) {
      byKey = new Map();
      targets.forEach((objs, i) => {
        const e = objs[0];
        if (!(e instanceof ClauseElement)) return;
        const k = generateCacheKey(e).key;
        byKey!.set(k, byKey!.has(k) ? -1 : i);
      });
    }
    const i = byKey.get(generateCacheKey(ref).key);
    return i === undefined || i < 0 ? undefined : i;
  };
}
const NO_ALIASES: readonly string[] = [];
/**
 * The result keys of a compiled statement and the secondary names each column also answers to.
 * As in SQLAlchemy's result map, a column whose key differs from its SQL name
 * (`Column(…, { name: "a" })` under key `b`) is keyed by the name it has in the SQL (`a`, or
 * `<table>_a` under LABEL_STYLE_TABLENAME_PLUS_COL) and also answers to its key (`b`,
 * `<table>_b`); aliases is undefined when no column has a second name.
 */
function resultNames(compiled: Compiled): { keys: string[]; aliases: (readonly string[])[] | undefined } {
  // ORM-enabled DML (`insert(User)`) keys its RETURNING rows by attribute, as SQLAlchemy's ORM.
  const orm = compiled.statement instanceof UpdateBase && compiled.statement.entity !== undefined;
  let any = false;
  const keys: string[] = [];
  const aliases = compiled.resultColumns.map(({ key, element }) => {
    let second = secondaryName(key, element);
    if (orm && second !== undefined) second = { primary: second.alias, alias: second.primary };
    if (second === undefined) {
      keys.push(key);
      return NO_ALIASES;
    }
    any = true;
    keys.push(second.primary);
    return [second.alias];
  });
  return { keys, aliases: any ? aliases : undefined };
}
/** For a column selected under a key that differs from its SQL name: the SQL name and the key. */
function secondaryName(key: string, element: ColumnElement<unknown, string>): { primary: string; alias: string } | undefined {
  if (!(element instanceof ColumnClause) || element.key === element.name) return undefined;
  if (element.key === key) return { primary: element.name, alias: key };
  const table = (element.table as { readonly name?: unknown } | undefined)?.name;
  // LABEL_STYLE_TABLENAME_PLUS_COL labels by name; the key's `<table>_<key>` label also targets it.
  if (typeof table === "string" && key === `${table}_${element.name}`) return { primary: key, alias: `${table}_${element.key}` };
  return undefined;
}
const driverMetaCache = new Map<string, ResultMetadata>();
function metadataFromDriver(columns: DriverResult["columns"]): ResultMetadata {
  const sig = JSON.stringify(columns.map((c) => c.name));
  let m = driverMetaCache.get(sig);
  if (!m) {
    m = { keys: columns.map((c) => c.name), processors: columns.map(() => undefined) };
    if (driverMetaCache.size < 1000) driverMetaCache.set(sig, m);
  }
  return m;
}

/** A result's metadata: the compiled statement's columns, else the ones the driver reported. */
function resultMetadata(compiled: Compiled, driver: { readonly columns: DriverResult["columns"] } | undefined): ResultMetadata {
  // `columns` is read only when needed: some drivers build it lazily.
  return compiled.resultColumns.length ? metadataFor(compiled) : metadataFromDriver(driver?.columns ?? []);
}

/** Metadata of a result without columns. */
const NO_COLUMNS: ResultMetadata = { keys: [], processors: [] };

/** An open connection from an {@link AsyncEngine}. Use one per task; it is not safe for concurrent use. */
export class AsyncConnection implements DdlExecutor {
  /** Connection-level event listeners (the engine's listeners also fire). */
  readonly [DISPATCH]: Dispatcher<ConnectionEvents<AsyncConnection, AsyncEngine>>;
  private _raw: DriverConnection | undefined;
  private _closed = false;
  private _busy = false;
  private _tx: Transaction | undefined;
  private _nested: Transaction[] = [];
  private _savepointSeq = 0;
  private _options: ExecutionOptions;
  private _openStreams = 0;
  /**
   * Writes of the open transaction on a batch-only driver (no interactive transactions, atomic
   * batch): sent as one atomic batch at commit.
   */
  private _batch: QueuedStatement[] = [];
  /** Set while {@link AsyncConnection.executeDirect} runs. */
  private _direct = false;
  /** Open stream() results, closed by close() so none outlives its driver connection. */
  private readonly _streams = new Set<{ close(): Promise<void> }>();
  /** close() calls waiting for the operation in progress to end (see `_inflight`). */
  private _idleWaiters: (() => void)[] | undefined;
  /** Set while close() runs: new operations are refused, close() itself may still end the transaction. */
  private _closing = false;
  /** The transaction of the innermost callback-form `begin(fn)` / `beginNested(fn)` running. */
  private _txContext: Transaction | undefined = undefined;

  /**
   * A dictionary for the application's own data about this connection (SQLAlchemy's
   * `Connection.info`); athanor never reads it. Lives as long as this AsyncConnection.
   */
  readonly info: Record<string, unknown> = {};
  /** @internal Use `engine.connect()`. */
  constructor(readonly engine: AsyncEngine, raw: DriverConnection, options: ExecutionOptions) {
    this._raw = raw;
    this._options = options;
    this[DISPATCH] = engine[DISPATCH].child("AsyncConnection");
    const caps = engine.driver.capabilities;
    this._batchOnly = !caps.interactiveTransactions && caps.atomicBatch;
  }

  /** The engine's SQL dialect (SQLAlchemy's `Connection.dialect`). */
  get dialect(): Dialect {
    return this.engine.dialect;
  }
  /** The dialect name ("postgresql" | "sqlite"). */
  get dialectName(): DialectName {
    return this.engine.driver.dialect;
  }
  /** Whether `close()` was called. */
  get closed(): boolean {
    return this._closed;
  }
  /** The execution options in effect: the engine's, then this connection's (SQLAlchemy's `get_execution_options()`). */
  getExecutionOptions(): ExecutionOptions {
    return this._options;
  }
  /**
   * Set execution options on this connection (in place, as SQLAlchemy 2.0) and return it.
   * @throws InvalidRequestError when `isolationLevel` changes inside a transaction;
   *   ArgumentError when it is not one of the dialect's levels.
   */
  executionOptions(opts: ExecutionOptions): this {
    if (opts.isolationLevel !== undefined && this._tx) {
      throw new InvalidRequestError("isolationLevel cannot change while a transaction is in progress; commit or roll back first");
    }
    checkIsolationLevel(this.dialectName, opts.isolationLevel);
    this._options = { ...this._options, ...opts };
    return this;
  }
  /**
   * The isolation level this connection's transactions run at (SQLAlchemy's
   * `Connection.get_isolation_level()`): the `isolationLevel` execution option when set, in
   * SQLAlchemy's spelling (upper case, underscores as spaces: "REPEATABLE READ", "AUTOCOMMIT"),
   * else the database's own default, read from it without beginning a transaction
   * (PostgreSQL's `SHOW TRANSACTION ISOLATION LEVEL`; SQLite's `PRAGMA read_uncommitted`:
   * "SERIALIZABLE" or "READ UNCOMMITTED").
   * @throws ResourceClosedError on a closed connection; DBAPIError subclasses from the database.
   */
  async getIsolationLevel(): Promise<string> {
    const set = this._options.isolationLevel;
    if (set !== undefined) return normalizeIsolationLevel(set);
    return this.enter(async (raw) => {
      const pg = this.dialectName === "postgresql";
      const sql = pg ? "SHOW TRANSACTION ISOLATION LEVEL" : "PRAGMA read_uncommitted";
      const res = await this.wrapDriver(() => raw.execute({ sql, params: [] }), sql);
      const value = res.rows[0]?.[0];
      if (pg) return String(value).toUpperCase();
      return Number(value) === 1 ? "READ UNCOMMITTED" : "SERIALIZABLE";
    });
  }
  /** Whether a transaction is in progress. */
  inTransaction(): boolean {
    return this._tx !== undefined;
  }
  /** Whether a SAVEPOINT is in progress. */
  inNestedTransaction(): boolean {
    return this._nested.length > 0;
  }
  /** The root transaction, if any. */
  getTransaction(): Transaction | undefined {
    return this._tx;
  }
  /** The innermost SAVEPOINT, if any. */
  getNestedTransaction(): Transaction | undefined {
    return this._nested[this._nested.length - 1];
  }

  private raw(fromClose = false): DriverConnection {
    if (this._closed || !this._raw || (this._closing && !fromClose)) throw new ResourceClosedError("This Connection is closed");
    return this._raw;
  }

  /**
   * Claim the connection for one operation (the checks `enter` makes) and return the driver
   * connection; pair with {@link AsyncConnection.leave} in a `finally`. Synchronous so the hot
   * execute path needs no extra async frame or closure.
   */
  private claim(fromClose = false): DriverConnection {
    const raw = this.raw(fromClose);
    if (this._busy) {
      throw new InvalidRequestError(
        "This AsyncConnection is already running an operation; a connection (and a session) must not be used by two concurrent tasks. Await each call, or use one connection per task.",
      );
    }
    if (this._openStreams > 0) {
      throw new InvalidRequestError("A stream() result is still open on this connection; consume or close it before running another statement");
    }
    this._busy = true;
    return raw;
  }
  /** End the operation begun by {@link AsyncConnection.claim}, waking a waiting close(). */
  private leave(): void {
    this._busy = false;
    const waiters = this._idleWaiters;
    if (waiters !== undefined) {
      this._idleWaiters = undefined;
      for (const w of waiters) w();
    }
  }
  /**
   * Settles when the operation in progress ends; undefined when idle. Created only when someone
   * (close()) waits, so an operation allocates no promise of its own.
   */
  private get _inflight(): Promise<void> | undefined {
    if (!this._busy) return undefined;
    return new Promise<void>((resolve) => (this._idleWaiters ??= []).push(resolve));
  }

  private async enter<T>(fn: (raw: DriverConnection) => Promise<T>, fromClose = false): Promise<T> {
    const raw = this.claim(fromClose);
    try {
      return await fn(raw);
    } finally {
      this.leave();
    }
  }

  // ---- transactions -------------------------------------------------------------------------
  /**
   * The driver cannot hold a transaction open across requests but can run a batch atomically
   * (Neon HTTP, D1): a transaction's writes are queued and sent as one batch at commit.
   */
  get batchOnly(): boolean {
    return this._batchOnly;
  }
  /** {@link batchOnly}, fixed by the driver's capabilities. */
  private readonly _batchOnly: boolean;
  private get autocommit(): boolean {
    const iso = this._options.isolationLevel;
    return iso !== undefined && normalizeIsolationLevel(iso) === "AUTOCOMMIT";
  }
  private async beginRoot(raw: DriverConnection): Promise<Transaction> {
    this.checkTransactionContext();
    const tx = new Transaction(this, undefined, undefined);
    if (raw.begin && !this.autocommit && !this.batchOnly) {
      const given = this._options.isolationLevel;
      const iso = given === undefined ? undefined : normalizeIsolationLevel(given);
      this.engine.echo.begin();
      await this.wrapDriver(() => raw.begin!(iso ? { isolationLevel: iso } : undefined), "BEGIN");
    }
    this._tx = tx;
    if (this[DISPATCH].has("begin")) await this[DISPATCH].fireAsync("begin", this);
    return tx;
  }
  /**
   * Inside a `begin(fn)` / `beginNested(fn)` callback whose transaction was ended early, no new
   * transaction may begin (autobegin included), as SQLAlchemy's `TransactionalContext` check.
   * @throws InvalidRequestError "Can't operate on closed transaction inside context manager. …"
   */
  private checkTransactionContext(): void {
    const ctx = this._txContext;
    if (ctx !== undefined && !ctx.isActive) {
      throw new InvalidRequestError(
        "Can't operate on closed transaction inside context manager.  Please complete the context manager before emitting further commands.",
      );
    }
  }

  /**
   * @internal Runs `fn` as the body of `tx`'s context (the callback forms of `begin()`,
   * `beginNested()`, `engine.begin()`): commits when it returns, rolls back when it throws,
   * and in between refuses to begin another transaction once `tx` has ended.
   */
  async _runInContext<R>(tx: Transaction, fn: () => Promise<R>): Promise<R> {
    const outer = this._txContext;
    this._txContext = tx;
    try {
      return await runInTransaction(tx, fn);
    } finally {
      this._txContext = outer;
    }
  }

  /** @internal */
  async _autobegin(raw: DriverConnection): Promise<void> {
    this.checkTransactionContext();
    if (!this._tx) await this.beginRoot(raw);
  }

  /**
   * Begin a transaction explicitly. Callback form: commits when `fn` returns, rolls back when
   * it throws; within `fn`, after the transaction was ended early no other may begin.
   * @throws InvalidRequestError "This connection has already initialized a SQLAlchemy
   *   Transaction() object via begin() or autobegin; …" when one is in progress (SQLAlchemy 2.0
   *   has no subtransactions); "Can't operate on closed transaction inside context manager. …"
   *   inside the callback of a transaction already ended.
   */
  begin(): Promise<Transaction>;
  begin<R>(fn: (conn: AsyncConnection) => Promise<R>): Promise<R>;
  async begin<R>(fn?: (conn: AsyncConnection) => Promise<R>): Promise<Transaction | R> {
    if (this._tx) {
      throw new InvalidRequestError(
        "This connection has already initialized a SQLAlchemy Transaction() object via begin() or autobegin; can't call begin() here unless rollback() or commit() is called first. " +
          "(A transaction is already begun: use beginNested() for a SAVEPOINT.)",
      );
    }
    const tx = await this.enter((raw) => this.beginRoot(raw));
    if (!fn) return tx;
    return this._runInContext(tx, () => fn(this));
  }

  /**
   * Begin a SAVEPOINT (autobeginning the outer transaction). Rolling back the SAVEPOINT undoes
   * only the work since it began; the outer transaction stays usable. Callback form releases
   * the SAVEPOINT on return and rolls back to it on throw.
   */
  beginNested(): Promise<Transaction>;
  beginNested<R>(fn: (conn: AsyncConnection) => Promise<R>): Promise<R>;
  async beginNested<R>(fn?: (conn: AsyncConnection) => Promise<R>): Promise<Transaction | R> {
    const tx = await this.enter(async (raw) => {
      this.checkTransactionContext();
      if (!this.engine.driver.capabilities.savepoints) {
        throw new InvalidRequestError(`The ${this.engine.driver.name} driver does not support SAVEPOINTs`);
      }
      await this._autobegin(raw);
      const name = `sa_savepoint_${++this._savepointSeq}`;
      this.engine.echo.line(`SAVEPOINT ${name}`);
      await this.wrapDriver(() => raw.execute({ sql: `SAVEPOINT ${name}`, params: [] }), `SAVEPOINT ${name}`);
      const t = new Transaction(this, name, this.getNestedTransaction() ?? this._tx);
      this._nested.push(t);
      if (this[DISPATCH].has("savepoint")) await this[DISPATCH].fireAsync("savepoint", this, name);
      return t;
    });
    if (!fn) return tx;
    return this._runInContext(tx, () => fn(this));
  }

  /** Commit the transaction in progress (commit-as-you-go). No-op without one. */
  async commit(): Promise<void> {
    if (this._tx) await this._endTransaction(this._tx, "commit");
  }
  /** Roll back the transaction in progress. No-op without one. */
  async rollback(): Promise<void> {
    if (this._tx) await this._endTransaction(this._tx, "rollback");
  }

  /** @internal Commit or roll back a transaction (root or SAVEPOINT) and everything inside it. */
  async _endTransaction(tx: Transaction, op: "commit" | "rollback", fromClose = false): Promise<void> {
    await this.enter(async (raw) => {
      if (tx.savepointName) {
        const idx = this._nested.indexOf(tx);
        if (idx < 0) throw new InvalidRequestError("This SAVEPOINT is no longer in progress");
        for (const inner of this._nested.splice(idx)) inner.deactivate();
        const sql = op === "commit" ? `RELEASE SAVEPOINT ${tx.savepointName}` : `ROLLBACK TO SAVEPOINT ${tx.savepointName}`;
        this.engine.echo.line(sql);
        await this.wrapDriver(() => raw.execute({ sql, params: [] }), sql);
        const ev = op === "commit" ? "releaseSavepoint" : "rollbackSavepoint";
        if (this[DISPATCH].has(ev)) await this[DISPATCH].fireAsync(ev, this, tx.savepointName, undefined);
        return;
      }
      for (const inner of this._nested) inner.deactivate();
      this._nested = [];
      tx.deactivate();
      this._tx = undefined;
      const queued = this._batch;
      this._batch = [];
      if (op === "commit" && queued.length) await this.sendBatch(raw, queued);
      if (op === "commit") {
        this.engine.echo.commit();
        if (raw.commit && !this.autocommit) {
          try {
            await this.wrapDriver(() => raw.commit!(), "COMMIT");
          } catch (e) {
            // A COMMIT the database refused (a deferred constraint) ends the transaction on
            // PostgreSQL but leaves it open on SQLite; roll it back so the connection holds no
            // locks or half-done work (SQLAlchemy's pool resets the DBAPI connection likewise).
            if (raw.rollback) await raw.rollback().catch(() => {});
            throw e;
          }
        }
        if (this[DISPATCH].has("commit")) await this[DISPATCH].fireAsync("commit", this);
      } else {
        this.engine.echo.rollback();
        if (raw.rollback && !this.autocommit) await this.wrapDriver(() => raw.rollback!(), "ROLLBACK");
        if (this[DISPATCH].has("rollback")) await this[DISPATCH].fireAsync("rollback", this);
      }
    }, fromClose);
  }

  private async wrapDriver<T>(fn: () => Promise<T>, sql: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw await this.handleError(e, sql, []);
    }
  }

  // ---- execution ----------------------------------------------------------------------------
  private prepare(stmt: ClauseElement, params: ExecuteParams | undefined): Prepared {
    // A SELECT (the common statement) has none of the INSERT/UPDATE/DDL handling below.
    if (stmt instanceof Select && !Array.isArray(params)) return this.prepareKeyed(stmt, undefined, false, undefined, undefined);
    if (stmt instanceof DDLElement) {
      const t0 = performance.now();
      const compiled = this.engine.dialect.createCompiler(stmt, { forExecution: true }).compile();
      return { compiled, binds: undefined, cache: "no key", elapsedMs: performance.now() - t0 };
    }
    const many = Array.isArray(params);
    const first = (many ? (params as readonly Record<string, unknown>[])[0] : params) as Record<string, unknown> | undefined;
    let pk: InsertPkPlan | undefined;
    const canReturn = this.engine.driver.capabilities.returning && !this._batchOnly;
    const wantsDefaults = stmt instanceof UpdateBase && stmt.returnDefaultsColumns !== undefined;
    if (wantsDefaults && (stmt as UpdateBase).returningColumns.length) {
      throw new CompileError("Can't compile statement that includes returning() and return_defaults() simultaneously");
    }
    if (stmt instanceof Insert) {
      if (many) pk = planInsertManyPk(stmt);
      else {
        pk = planInsertPk(stmt, first, this.engine.driver.dialect, canReturn);
        // SQLAlchemy 2.0's implicit returning: the generated key comes back with the INSERT
        // (with returnDefaults(), as part of its RETURNING).
        if (needsImplicitReturning(pk) && !wantsDefaults) stmt = stmt.returning(...pk.columns);
      }
    }
    let rd: Prepared["rd"];
    if (wantsDefaults) {
      const columns = canReturn ? returnDefaultsColumns(stmt as UpdateBase, first) : [];
      if (columns.length) stmt = (stmt as UpdateBase)._returningForDefaults(columns);
      rd = { columns, keepRows: (stmt as UpdateBase).returnDefaultsSupplemental.length > 0 };
    }
    let columnKeys: string[] | undefined;
    // Execution parameters add columns to a values() clause too, as SQLAlchemy merges them.
    if (stmt instanceof Insert && !stmt.fromSelectStmt && !stmt.isMultiValues && (first !== undefined || !stmt.valueRows)) columnKeys = first ? Object.keys(first) : [];
    else if (stmt instanceof Update && first) columnKeys = Object.keys(first);
    return this.prepareKeyed(stmt, columnKeys, many && stmt instanceof Insert && columnKeys !== undefined, pk, rd);
  }

  /** {@link prepare}'s cache lookup, or compilation on a miss. */
  private prepareKeyed(stmt: ClauseElement, columnKeys: string[] | undefined, forExecutemany: boolean, pk: InsertPkPlan | undefined, rd: Prepared["rd"]): Prepared {
    const ck = generateCacheKey(stmt);
    let key = ck.key;
    // JSON, not join(","): a column key may itself contain the separator.
    if (columnKeys) key += `\u0002${JSON.stringify(columnKeys)}`;
    if (forExecutemany) key += "\u0002m";
    const cache = this._options.compiledCache === undefined ? this.engine.compiledCache : this._options.compiledCache;
    const hit = cache?.get(key);
    // One object shape for every statement (pk and rd set, maybe undefined): no spread per execution.
    if (hit) return { compiled: hit, binds: ck.binds, cache: "cached", elapsedMs: 0, pk, rd };
    const t0 = performance.now();
    const bindIndex = new Map<BindParameter<unknown, string>, number>();
    ck.binds.forEach((b, i) => bindIndex.set(b, i));
    const compiled = this.engine.dialect
      .createCompiler(stmt, {
        forExecution: true,
        bindIndex,
        lintFroms: this.engine.options.enableFromLinting ?? true,
        ...(columnKeys ? { columnKeys } : {}),
        ...(forExecutemany ? { forExecutemany } : {}),
      })
      .compile();
    cache?.set(key, compiled);
    return { compiled, binds: ck.binds, cache: cache ? "generated" : "no key", elapsedMs: performance.now() - t0, pk, rd };
  }

  private async handleError(e: unknown, sql: string | undefined, params: readonly unknown[] | undefined): Promise<Error> {
    const hide = this.engine.options.hideParameters ?? false;
    let err = translateDriverError(this.engine.driver, e, sql, params, hide);
    if (this[DISPATCH].has("handleError")) {
      const replaced = await this[DISPATCH].fireAsync("handleError", {
        originalException: e,
        sqlalchemyException: err,
        ...(sql !== undefined ? { statement: sql } : {}),
        ...(params !== undefined ? { parameters: params } : {}),
        connection: this,
        isDisconnect: (err as { connectionInvalidated?: boolean }).connectionInvalidated ?? false,
      });
      if (replaced instanceof Error) err = replaced;
    }
    return err;
  }

  /** Run wire SQL on the driver with events, echo and error translation. */
  private async runWire(raw: DriverConnection, sql: string, params: unknown[], info: Prepared, executemany: boolean): Promise<DriverResult> {
    const d = this[DISPATCH];
    if (d.has("beforeCursorExecute")) {
      const r = await d.fireAsync("beforeCursorExecute", this, raw, sql, params, info, executemany);
      if (r) [sql, params] = [r[0], [...r[1]]];
    }
    const echo = this.engine.echo;
    if (echo.enabled) echo.statement(sql, params, { cache: info.cache, elapsedMs: echoElapsedMs(info) });
    let res: DriverResult;
    try {
      res = await raw.execute({ sql, params });
    } catch (e) {
      throw await this.handleError(e, sql, params);
    }
    if (d.has("afterCursorExecute")) await d.fireAsync("afterCursorExecute", this, raw, sql, params, info, executemany);
    if (echo.debug) echo.rows(res.columns.map((c) => c.name), res.rows);
    return res;
  }

  /** Several wire statements through the driver's batch (one request), with events and echo. */
  private async runWireBatch(raw: DriverConnection, pages: readonly { sql: string; params: unknown[] }[], info: Prepared): Promise<DriverResult[]> {
    const d = this[DISPATCH];
    const stmts: { sql: string; params: unknown[] }[] = [];
    for (const p of pages) {
      let { sql, params } = p;
      if (d.has("beforeCursorExecute")) {
        const r = await d.fireAsync("beforeCursorExecute", this, raw, sql, params, info, true);
        if (r) [sql, params] = [r[0], [...r[1]]];
      }
      if (this.engine.echo.enabled) this.engine.echo.statement(sql, params, { cache: info.cache, elapsedMs: echoElapsedMs(info) });
      stmts.push({ sql, params });
    }
    let res: DriverResult[];
    try {
      res = await raw.batch!(stmts, { transaction: false });
    } catch (e) {
      throw await this.handleError(e, stmts[0]?.sql, undefined);
    }
    if (d.has("afterCursorExecute")) for (const st of stmts) await d.fireAsync("afterCursorExecute", this, raw, st.sql, st.params, info, true);
    return res;
  }

  /**
   * The statement to run when `stmt` can be executed (SQLAlchemy's `Executable`: a SELECT, DML,
   * text(), DDL as given; a SQL function or sequence value as `SELECT` of it).
   * @throws ObjectNotExecutableError "Not an executable object: …" for a string, a table,
   *   alias, CTE or join, a column or other expression, or any other object.
   */
  private coerceStatement(stmt: unknown): ClauseElement {
    if (stmt instanceof ClauseElement && isExecutable(stmt)) {
      // A function or sequence value executed on its own runs as `SELECT f()`, as in SQLAlchemy.
      return stmt instanceof ColumnElement ? select(stmt) : stmt;
    }
    if (typeof stmt === "string") {
      throw new ObjectNotExecutableError(
        `Not an executable object: '${stmt}'. Textual SQL must be wrapped in text(): conn.execute(text(${JSON.stringify(stmt.slice(0, 40))}))`,
      );
    }
    throw new ObjectNotExecutableError(`Not an executable object: ${describeObject(stmt)}`);
  }

  /**
   * Execute a statement and buffer its rows. A list of parameter sets runs "executemany": an
   * INSERT without `.values()` goes out as multi-row INSERTs ("insertmanyvalues") in pages that
   * fit the dialect's parameter limit, with RETURNING rows in input order.
   * @throws DBAPIError subclasses for database errors; ArgumentError for bad parameters;
   *   ResourceClosedError on a closed connection.
   */
  execute<S extends ClauseElement>(stmt: S, params?: ExecuteParams): Promise<Result<RowOf<S>, NamedOf<S>>> {
    let s: ClauseElement;
    try {
      s = this.coerceStatement(stmt);
      if (this._options.streamResults === true || wantsServerSideCursor(s)) throw asyncMethodRequired("AsyncConnection", "execute");
      // As SQLAlchemy's _execute_context(): every statement, not only an autobegin, is refused
      // inside a begin(fn) / beginNested(fn) whose transaction was ended early.
      if (this._txContext !== undefined) this.checkTransactionContext();
    } catch (e) {
      return Promise.reject(e);
    }
    anchors.statement = s;
    // Fast path: a single statement inside the open transaction, with no listener, no echo and
    // no batch queue. It has an async function of its own: a suspended async call keeps all of
    // its function's registers, so the small one allocates a fraction of the general path's frame
    // per statement.
    if (this._tx !== undefined && !Array.isArray(params) && !this[DISPATCH].hasAny() && !this.engine.echo.enabled && !this.engine.echo.debug && !this._batchOnly) {
      return this.executeSimple(s, params as Record<string, unknown> | undefined) as unknown as Promise<Result<RowOf<S>, NamedOf<S>>>;
    }
    return this.executeGeneral(s, params) as unknown as Promise<Result<RowOf<S>, NamedOf<S>>>;
  }

  /**
   * {@link execute}'s fast path: prepare, one driver call, buffer. Chained with `then` rather
   * than written as an async function: a suspended async call allocates its frame, its promise
   * and the await's closures (about 500 B per statement here, measured with V8's sampling heap
   * profiler); the chain allocates one promise, one reaction and two small closures.
   */
  private executeSimple(s: ClauseElement, params: Record<string, unknown> | undefined): Promise<Result<unknown[], Record<string, unknown>>> {
    let compiled: Compiled;
    let prep: Prepared;
    let wire: DriverStatement;
    let sent: Promise<DriverResult>;
    try {
      const raw = this.claim();
      try {
        prep = this.prepare(s, params);
        compiled = prep.compiled!;
        wire = compiled.construct(prep.binds, params);
        sent = raw.execute(wire);
      } catch (e) {
        this.leave();
        throw e;
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return sent.then(
      (res) => {
        this.leave();
        return bufferedResult(compiled, res, prep);
      },
      (e: unknown) =>
        this.handleError(e, wire.sql, wire.params).then((err) => {
          this.leave();
          throw err;
        }),
    );
  }

  /** {@link execute} with events, echo, executemany or autobegin. */
  private async executeGeneral(s: ClauseElement, params: ExecuteParams | undefined): Promise<Result<unknown[], Record<string, unknown>>> {
    const raw = this.claim();
    try {
      const d = this[DISPATCH];
      let st: ClauseElement = s;
      let ps = params;
      if (d.has("beforeExecute")) {
        const r = await d.fireAsync("beforeExecute", this, st, ps, undefined, this._options as Record<string, unknown>);
        if (r) [st, ps] = [r[0] as ClauseElement, r[1] as ExecuteParams | undefined];
      }
      const result = await this.executeInner(raw, st, ps);
      if (d.has("afterExecute")) await d.fireAsync("afterExecute", this, st, ps, undefined, this._options as Record<string, unknown>, result);
      return result;
    } finally {
      this.leave();
    }
  }

  private async executeInner(raw: DriverConnection, stmt: ClauseElement, params: ExecuteParams | undefined): Promise<Result<unknown[], Record<string, unknown>>> {
    const prep = this.prepare(stmt, params);
    const compiled = prep.compiled!;
    if (!this._tx) await this.beginRoot(raw);
    if (this._tx && !this._direct && this.batchOnly && !this.autocommit) {
      if (isReadStatement(compiled)) {
        if (this._batch.length) throw this.readAfterWriteError(compiled.sql);
      } else {
        if (compiled.resultColumns.length) throw this.returningInBatchError(compiled.sql);
        this.queueWrite(compiled, prep, params);
        const info = { rowsAffected: -1, returnsRows: false };
        const pk = prep.pk && (Array.isArray(params) ? queuedManyPkInfo(prep.pk, params as readonly Record<string, unknown>[]) : queuedPkInfo(prep.pk));
        return new Result(NO_COLUMNS, [], pk ? { ...info, insertedPrimaryKey: pk } : info);
      }
    }
    if (Array.isArray(params)) {
      const rowsIn = params as readonly Record<string, unknown>[];
      if (rowsIn.length === 0) throw new ArgumentError("executemany needs at least one parameter set");
      let rows: (readonly unknown[])[] = [];
      let affected = 0;
      const pages = compiled.insertMany
        ? compiled.constructMany(
            rowsIn,
            Math.min(this.engine.dialect.maxParams, this.engine.driver.capabilities.maxParams),
            this.engine.options.insertmanyvaluesPageSize ?? 1000,
          )
        : rowsIn.map((r, i) => ({ ...constructGroup(compiled, prep.binds, r, i), rows: 1 }));
      let last: DriverResult | undefined;
      // Inside a transaction, a driver that can batch sends all parameter sets in one round trip.
      const results = pages.length > 1 && raw.batch && this._tx && !this.autocommit
        ? await this.runWireBatch(raw, pages, prep)
        : undefined;
      const pageRows: (readonly (readonly unknown[])[])[] = new Array(pages.length);
      for (let i = 0; i < pages.length; i++) {
        last = results ? results[i] : await this.runWire(raw, pages[i].sql, pages[i].params, prep, true);
        pageRows[i] = last.rows;
        affected += last.rowsAffected;
      }
      // One native concat rather than a push per returned row.
      rows = pageRows.length === 1 ? (pageRows[0] as (readonly unknown[])[]) : rows.concat(...pageRows);
      const info = { rowsAffected: affected };
      const withPk = prep.pk ? { ...info, insertedPrimaryKey: insertedManyPkInfo(prep.pk, rowsIn, prep.rd && returnedByColumn(compiled, prep.rd, rows)) } : info;
      if (prep.rd) return defaultsResult(compiled, prep.rd, rows, withPk, true);
      return new Result(resultMetadata(compiled, last), rows, withPk);
    }
    const wire = compiled.construct(prep.binds, params as Record<string, unknown> | undefined);
    let res: DriverResult;
    const d = this[DISPATCH];
    const echo = this.engine.echo;
    if (echo.enabled || echo.debug || d.has("beforeCursorExecute") || d.has("afterCursorExecute")) {
      res = await this.runWire(raw, wire.sql, wire.params, prep, false);
    } else {
      // runWire without hooks, inlined: one async frame fewer per statement.
      try {
        res = await raw.execute(wire);
      } catch (e) {
        throw await this.handleError(e, wire.sql, wire.params);
      }
    }
    return bufferedResult(compiled, res, prep);
  }

  private queueWrite(compiled: Compiled, prep: Prepared, params: ExecuteParams | undefined, onResult?: QueuedStatement["onResult"]): void {
    if (Array.isArray(params)) {
      const rowsIn = params as readonly Record<string, unknown>[];
      const pages = compiled.insertMany
        ? compiled.constructMany(rowsIn, Math.min(this.engine.dialect.maxParams, this.engine.driver.capabilities.maxParams), this.engine.options.insertmanyvaluesPageSize ?? 1000)
        : rowsIn.map((r, i) => ({ ...constructGroup(compiled, prep.binds, r, i), rows: 1 }));
      for (const p of pages) this._batch.push({ sql: p.sql, params: p.params, compiled, onResult });
      return;
    }
    const wire = compiled.construct(prep.binds, params as Record<string, unknown> | undefined);
    this._batch.push({ sql: wire.sql, params: wire.params, compiled, onResult });
  }

  /**
   * Queue a statement for the commit batch of a batch-only driver; `onResult` receives its
   * result once the batch has run. Used by the ORM to plan a whole flush as one request. @internal
   */
  async queueForCommit(stmt: ClauseElement, params: ExecuteParams | undefined, onResult?: (r: Result<unknown[], Record<string, unknown>>) => void | Promise<void>): Promise<void> {
    if (!this.batchOnly) throw new InvalidRequestError("queueForCommit() is only for batch-only drivers");
    await this.enter(async (raw) => {
      const prep = this.prepare(stmt, params);
      await this._autobegin(raw);
      this.queueWrite(prep.compiled!, prep, params, onResult);
    });
  }
  /**
   * Run a statement directly even while writes are queued for the commit batch — for reads that
   * do not depend on them (sequence values, key allocation). @internal
   */
  async executeDirect<S extends ClauseElement>(stmt: S, params?: ExecuteParams): Promise<Result<RowOf<S>, NamedOf<S>>> {
    this._direct = true;
    try {
      return await this.execute(stmt, params);
    } finally {
      this._direct = false;
    }
  }
  /** Statements queued for the commit batch (batch-only drivers). */
  get pendingBatchSize(): number {
    return this._batch.length;
  }

  private async sendBatch(raw: DriverConnection, queued: readonly QueuedStatement[]): Promise<void> {
    const echo = this.engine.echo;
    if (echo.enabled) {
      echo.line(`BATCH (${queued.length} statement${queued.length === 1 ? "" : "s"}, one transaction)`);
      for (const q of queued) echo.statement(q.sql, q.params, { cache: "cached", elapsedMs: 0 });
    }
    let results: DriverResult[];
    try {
      const given = this._options.isolationLevel;
      const iso = given === undefined ? undefined : normalizeIsolationLevel(given);
      results = await raw.batch!(queued.map((q) => ({ sql: q.sql, params: q.params })), { transaction: true, ...(iso ? { isolationLevel: iso } : {}) });
    } catch (e) {
      throw await this.handleError(e, queued.map((q) => q.sql).join(";\n"), undefined);
    }
    for (let i = 0; i < queued.length; i++) {
      const q = queued[i];
      if (!q.onResult) continue;
      const res = results[i];
      const meta = resultMetadata(q.compiled, res);
      await q.onResult(new Result(meta, res.rows, { rowsAffected: res.rowsAffected }));
    }
  }

  private readAfterWriteError(sql: string): InvalidRequestError {
    const name = this.engine.driver.name;
    return new InvalidRequestError(
      `The ${name} driver has no interactive transactions: this transaction's writes are sent as one atomic batch at commit, so a read after them cannot see them. ` +
        `Read before writing, commit first, or use a driver with interactive transactions (neon-ws, postgres.js, or a libSQL interactive transaction). Statement: ${sql.slice(0, 120)}`,
    );
  }
  private returningInBatchError(sql: string): InvalidRequestError {
    const name = this.engine.driver.name;
    return new InvalidRequestError(
      `The ${name} driver has no interactive transactions: this transaction's writes run as one atomic batch at commit, so RETURNING rows are not available here. ` +
        `Run the statement outside a transaction (executionOptions({ isolationLevel: "AUTOCOMMIT" })), use the ORM session (which plans RETURNING into the commit batch), or a driver with interactive transactions (neon-ws, postgres.js, libSQL). Statement: ${sql.slice(0, 120)}`,
    );
  }

  /** `execute(stmt).scalar()`: first column of the first row, or null. */
  async scalar<S extends ClauseElement>(stmt: S, params?: ExecuteParams): Promise<RowOf<S>[0] | null> {
    return (await this.execute(stmt, params)).scalar() as RowOf<S>[0] | null;
  }
  /** `execute(stmt).scalars()`: the first column of every row. */
  async scalars<S extends ClauseElement>(stmt: S, params?: ExecuteParams): Promise<ScalarResult<RowOf<S>[0]>> {
    return (await this.execute(stmt, params)).scalars() as ScalarResult<RowOf<S>[0]>;
  }

  /**
   * Execute and stream rows: a server-side cursor on postgres.js, chunked fetching on libSQL.
   * Rows are fetched `yieldPer` (default 1000) at a time; memory stays flat. The connection is
   * reserved for the stream until it is exhausted or closed (`await using`, `break`, `close()`).
   * Drivers without streaming buffer the rows and hand them out through the same interface.
   */
  async stream<S extends ClauseElement>(stmt: S, params?: Readonly<Record<string, unknown>>): Promise<AsyncResult<RowOf<S>, NamedOf<S>>> {
    const s = this.coerceStatement(stmt);
    // The statement's own yieldPer wins over the connection's (SQLAlchemy merges the
    // statement's execution options over the connection's).
    const chunk = statementYieldPer(s) ?? this._options.yieldPer ?? 1000;
    if (!Number.isInteger(chunk) || chunk <= 0) throw new ArgumentError(`yieldPer must be a positive integer; got ${chunk}`);
    const result = await this.enter(async (raw) => {
      const prep = this.prepare(s, params);
      const compiled = prep.compiled!;
      await this._autobegin(raw);
      const wire = compiled.construct(prep.binds, params);
      if (!raw.openCursor) {
        const res = await this.runWire(raw, wire.sql, wire.params, prep, false);
        const meta = resultMetadata(compiled, res);
        let done = false;
        const cursor = {
          columns: res.columns,
          fetch: async (n: number) => {
            if (done) return [];
            done = true;
            void n;
            return res.rows;
          },
          close: async () => {},
        };
        return new AsyncResult(meta, cursor, { chunkSize: Math.max(chunk, res.rows.length || 1) });
      }
      let sql = wire.sql;
      let ps = wire.params;
      const d = this[DISPATCH];
      if (d.has("beforeCursorExecute")) {
        const r = await d.fireAsync("beforeCursorExecute", this, raw, sql, ps, prep, false);
        if (r) [sql, ps] = [r[0], [...r[1]]];
      }
      if (this.engine.echo.enabled) this.engine.echo.statement(sql, ps, { cache: prep.cache, elapsedMs: echoElapsedMs(prep) });
      let cursor;
      try {
        cursor = await raw.openCursor({ sql, params: ps }, chunk);
      } catch (e) {
        throw await this.handleError(e, sql, ps);
      }
      if (d.has("afterCursorExecute")) await d.fireAsync("afterCursorExecute", this, raw, sql, ps, prep, false);
      const meta = resultMetadata(compiled, cursor);
      this._openStreams++;
      let self: AsyncResult<unknown[], Record<string, unknown>> | undefined;
      const conn = this;
      const guarded = {
        columns: cursor.columns,
        async fetch(n: number) {
          try {
            return await cursor.fetch(n);
          } catch (e) {
            throw await conn.handleError(e, sql, ps);
          }
        },
        close: () => cursor.close(),
      };
      self = new AsyncResult(meta, guarded, {
        chunkSize: chunk,
        onClose: async () => {
          this._openStreams--;
          if (self) this._streams.delete(self);
        },
      });
      this._streams.add(self);
      return self;
    });
    return result as unknown as AsyncResult<RowOf<S>, NamedOf<S>>;
  }

  /** `stream(stmt).scalars()`. */
  async streamScalars<S extends ClauseElement>(stmt: S, params?: Readonly<Record<string, unknown>>): Promise<AsyncScalarResult<RowOf<S>[0]>> {
    return (await this.stream(stmt, params)).scalars() as AsyncScalarResult<RowOf<S>[0]>;
  }

  /** Run a SQL string (wrapped in `text()`), for DDL and maintenance. */
  async execDriverSql(sql: string): Promise<Result<unknown[], Record<string, unknown>>> {
    if (this._options.streamResults === true) throw asyncMethodRequired("AsyncConnection", "execDriverSql");
    return this.execute(textClause(sql.replace(/:/g, "\\:")));
  }

  /** Whether a table exists (used by `createAll({ checkFirst })`). */
  async hasTable(name: string, schema?: string): Promise<boolean> {
    const q = this.engine.dialect.name === "postgresql"
      ? new TextClause(
          "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE c.relname = :name AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname = COALESCE(CAST(:schema AS TEXT), current_schema())",
        ).bindparams({ name, schema: schema ?? null })
      : new TextClause(`SELECT name FROM ${schema ? `${this.engine.dialect.quoteIdentifier(schema)}.` : ""}sqlite_master WHERE type IN ('table', 'view') AND name = :name`).bindparams({ name });
    const r = await this.execute(q);
    return r.first() !== null;
  }

  /** Roll back any transaction and release the driver connection. Idempotent. */
  async close(): Promise<void> {
    if (this._closed || this._closing) return;
    this._closing = true;
    try {
      // An operation still running (not awaited by the caller) owns the driver connection:
      // releasing it underneath would run its statements on a pooled connection someone else
      // may get, or (libSQL) leave the database lock held forever. Let it finish first.
      while (this._busy) await this._inflight;
      // Open streams read from this connection's transaction: close them before it ends, so
      // they raise ResourceClosedError instead of a driver error about a vanished cursor.
      for (const s of [...this._streams]) await s.close().catch(() => {});
      if (this._tx) await this._endTransaction(this._tx, "rollback", true).catch(() => {});
    } finally {
      this._closed = true;
      anchors.connection = this;
      const raw = this._raw;
      this._raw = undefined;
      if (raw) await raw.release();
      if (this[DISPATCH].has("close")) await this[DISPATCH].fireAsync("close", this);
    }
  }
  /** `await using conn = await engine.connect()` closes (rolling back uncommitted work). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** The `yieldPer` of a statement's own execution options, if set. */
function statementYieldPer(stmt: ClauseElement): number | undefined {
  const v = (stmt as { readonly statementExecutionOptions?: Readonly<Record<string, unknown>> }).statementExecutionOptions?.yieldPer;
  return typeof v === "number" ? v : undefined;
}

/** SQLAlchemy's spelling of an isolation level: "repeatable_read" is "REPEATABLE READ". */

/** Whether a statement's own execution options ask for a server-side cursor (`streamResults`). @internal */
export function wantsServerSideCursor(stmt: ClauseElement): boolean {
  return (stmt as { readonly statementExecutionOptions?: Readonly<Record<string, unknown>> }).statementExecutionOptions?.streamResults === true;
}
/** SQLAlchemy's AsyncMethodRequired for a buffered call on a server-side cursor. @internal */
export function asyncMethodRequired(cls: string, method: string): AsyncMethodRequired {
  return new AsyncMethodRequired(
    `Can't use the ${cls}.${method}() method with a server-side cursor. Use the ${cls}.stream() method for an async streaming result set.`,
  );
}

/**
 * Whether a SQL element is a statement: tables, aliases, CTEs, joins and column expressions are
 * parts of statements (SQLAlchemy does not make them `Executable`); functions and sequence
 * values are, as `SELECT f()`.
 */
function isExecutable(e: ClauseElement): boolean {
  if (e instanceof FromClause) return false;
  // By `kind`, not instanceof: importing the function and sequence classes here would keep them
  // in every bundle, also in applications that never use them.
  return !(e instanceof ColumnElement) || e.kind === "function" || e.kind === "nextValue";
}

/** An object named in an error: a SQL element's own description, else its string form. */
function describeObject(o: unknown): string {
  const d = (o as { describe?: unknown } | null | undefined)?.describe;
  if (typeof d === "function") {
    try {
      return String((d as () => unknown).call(o));
    } catch {
      // fall through to the string form
    }
  }
  try {
    return String(o);
  } catch {
    return "<unprintable object>";
  }
}

/** The buffered {@link Result} of one driver result. */
function bufferedResult(compiled: Compiled, res: DriverResult, prep: Prepared): Result<unknown[], Record<string, unknown>> {
  const pk = prep.pk;
  const rowid = res.lastInsertRowid;
  const info = rowid !== undefined ? { rowsAffected: res.rowsAffected, lastInsertRowid: rowid } : { rowsAffected: res.rowsAffected };
  if (prep.rd) return defaultsResult(compiled, prep.rd, res.rows, pk === undefined ? info : { ...info, insertedPrimaryKey: defaultsPkInfo(compiled, prep.rd, pk, rowid, res.rows[0]) }, false);
  if (pk === undefined) return new Result(resultMetadata(compiled, res), res.rows, info);
  if (!needsImplicitReturning(pk)) {
    return new Result(resultMetadata(compiled, res), res.rows, { ...info, insertedPrimaryKey: insertedPkInfo(pk, rowid, undefined) });
  }
  // The RETURNING the engine added for the key is not the user's: the result has no rows.
  const raw = res.rows[0];
  const procs = metadataFor(compiled).processors;
  const returned = raw === undefined ? undefined : pk.columns.map((_, i) => (procs[i] ? procs[i]!(raw[i]) : raw[i]));
  return new Result(NO_COLUMNS, [], { ...info, returnsRows: false, insertedPrimaryKey: insertedPkInfo(pk, rowid, returned) });
}

/**
 * The Result of a statement with `returnDefaults()`: the RETURNING rows the engine added are
 * read into `returnedDefaults` / `returnedDefaultsRows`, and the result itself is left with its
 * columns but no rows, as SQLAlchemy's (whose rows were consumed for the defaults).
 */
function defaultsResult(
  compiled: Compiled,
  rd: NonNullable<Prepared["rd"]>,
  rows: readonly (readonly unknown[])[],
  info: ResultInfo,
  many: boolean,
): Result<unknown[], Record<string, unknown>> {
  if (rd.columns.length === 0) return new Result(NO_COLUMNS, [], { ...info, returnsRows: false, returnedDefaults: { meta: NO_COLUMNS, rows: [], many } });
  const meta = metadataFor(compiled);
  // With supplementalCols the rows stay readable too (SQLAlchemy "rewinds" the cursor).
  const kept = rd.keepRows ? rows : [];
  return new Result(meta, kept, { ...info, returnsRows: true, returnedDefaults: { meta, rows, many } });
}

/** The processed RETURNING value of a column for the n-th parameter set of an executemany with `returnDefaults()`. */
function returnedByColumn(compiled: Compiled, rd: NonNullable<Prepared["rd"]>, rows: readonly (readonly unknown[])[]): ((row: number, column: ColumnElement<unknown, string>) => unknown) | undefined {
  if (rd.columns.length === 0) return undefined;
  const build = shapeFor(metadataFor(compiled)).build;
  const built = new Map<number, readonly unknown[]>();
  return (row, column) => {
    const i = rd.columns.indexOf(column);
    const raw = rows[row];
    if (i < 0 || raw === undefined) return undefined;
    let values = built.get(row);
    if (values === undefined) built.set(row, (values = build(raw)));
    return values[i];
  };
}

/** `insertedPrimaryKey` of an INSERT with `returnDefaults()`: a generated key is in its RETURNING row. */
function defaultsPkInfo(compiled: Compiled, rd: NonNullable<Prepared["rd"]>, pk: InsertPkPlan, rowid: number | bigint | undefined, raw: readonly unknown[] | undefined): InsertedPrimaryKeyInfo {
  // The RETURNING holds every key column not given, also where SQLite's rowid would have served
  // (a driver need not report the rowid of an INSERT … RETURNING).
  if (pk.kind !== "known" || rd.columns.length === 0 || (pk.source !== "returning" && pk.source !== "lastrowid")) return insertedPkInfo(pk, rowid, undefined);
  const plan: InsertPkPlan = { ...pk, source: "returning" };
  if (raw === undefined) return insertedPkInfo(plan, rowid, undefined);
  const values = shapeFor(metadataFor(compiled)).build(raw);
  return insertedPkInfo(plan, rowid, pk.columns.map((c) => values[rd.columns.indexOf(c)]));
}

/**
 * One parameter set of an executemany that is not an "insertmanyvalues" INSERT. Bind errors
 * name the parameter group (0-based), as SQLAlchemy's "in parameter group N".
 */
function constructGroup(
  compiled: Compiled,
  binds: readonly BindParameter<unknown, string>[] | undefined,
  params: Readonly<Record<string, unknown>>,
  group: number,
): { sql: string; params: unknown[] } {
  try {
    return compiled.construct(binds, params);
  } catch (e) {
    if (e instanceof ArgumentError) throw new ArgumentError(`${e.message}, in parameter group ${group}`, { cause: e });
    throw e;
  }
}

/** A write waiting for the commit batch. */
interface QueuedStatement {
  readonly sql: string;
  readonly params: unknown[];
  readonly compiled: Compiled;
  readonly onResult: ((r: Result<unknown[], Record<string, unknown>>) => void | Promise<void>) | undefined;
}

const READ_SQL = /^\s*(select|values|show|explain|pragma)\b/i;
const WITH_SQL = /^\s*with\b/i;
const DML_WORD = /\b(insert|update|delete|merge)\b/i;
/** Whether a compiled statement only reads (SELECT, or text that reads). */
function isReadStatement(c: Compiled): boolean {
  if (c.statementKind === "select") return true;
  if (c.statementKind !== "text") return false;
  const sql = c.sql;
  return READ_SQL.test(sql) || (WITH_SQL.test(sql) && !DML_WORD.test(sql));
}

/** Commit on return, roll back on throw (the callback forms of begin/beginNested). */
async function runInTransaction<R>(tx: Transaction, fn: () => Promise<R>): Promise<R> {
  let result: R;
  try {
    result = await fn();
  } catch (e) {
    if (tx.isActive) await tx.rollback();
    throw e;
  }
  if (tx.isActive) await tx.commit();
  return result;
}

/** @internal */
export { UpdateBase };

/**
 * AsyncSession (SQLAlchemy 2.0's `AsyncSession`): identity map, unit of work, ORM execution,
 * transactions and savepoints, and `asyncSessionmaker`.
 *
 * Nothing loads implicitly: relationships load through loader options, expired attributes
 * through `refresh()`. Using one session from two concurrent tasks raises.
 * @module
 */
import { ArgumentError, InvalidRequestError, NoResultFound, ObjectStateError, PendingRollbackError } from "../errors.js";
import { and, ClauseElement } from "../sql/elements.js";
import { Select, select } from "../sql/selectable.js";
import { AsyncConnection, type ExecuteParams } from "../engine/connection.js";
import { AsyncEngine } from "../engine/engine.js";
import { Transaction } from "../engine/transaction.js";
import { AsyncResult, Result, type AsyncScalarResult, type ScalarResult } from "../engine/result/index.js";
import { Dispatcher, DISPATCH, type EventSpecs } from "../engine/events.js";
import { isOrmStatement, planOrmSelect, postLoad, processRows, type LoadContext, type OrmPlan } from "./loading.js";
import { mapperOf, requireMapper, type Mapper } from "./mapper.js";
import { flush as runFlush } from "./unitofwork.js";
import { STATE, stateOf, type InstanceState } from "./state.js";
import { executeOrmDml, isOrmDml } from "./orm-dml.js";

/** How a session bound to an external connection treats that connection's transaction (SQLAlchemy 2.0). */
export type JoinTransactionMode = "conditional_savepoint" | "create_savepoint" | "rollback_only" | "control_fully";

/** Options of {@link AsyncSession}. */
export interface SessionOptions {
  /** Expire every instance after commit (default true, as SQLAlchemy); reading then needs refresh(). */
  readonly expireOnCommit?: boolean;
  /** Flush pending changes before queries (default true). */
  readonly autoflush?: boolean;
  /** Begin a transaction on first use (default true); false raises when no begin() was called. */
  readonly autobegin?: boolean;
  /** For sessions bound to a connection: default "conditional_savepoint". */
  readonly joinTransactionMode?: JoinTransactionMode;
}

/** Session events (SQLAlchemy's `SessionEvents`, camelCased). */
export type SessionEvents = {
  beforeFlush(session: AsyncSession): void | Promise<void>;
  afterFlush(session: AsyncSession): void | Promise<void>;
  afterCommit(session: AsyncSession): void | Promise<void>;
  afterRollback(session: AsyncSession): void | Promise<void>;
  /**
   * Before an ORM statement runs; may return a replacement statement (e.g. with
   * `withLoaderCriteria` options added for multi-tenancy).
   */
  doOrmExecute(ctx: OrmExecuteState): void | ClauseElement | Promise<void | ClauseElement>;
  beforeInsert(mapper: Mapper, obj: object): void | Promise<void>;
  afterInsert(mapper: Mapper, obj: object): void | Promise<void>;
  beforeUpdate(mapper: Mapper, obj: object): void | Promise<void>;
  afterUpdate(mapper: Mapper, obj: object): void | Promise<void>;
  beforeDelete(mapper: Mapper, obj: object): void | Promise<void>;
  afterDelete(mapper: Mapper, obj: object): void | Promise<void>;
};
const sessionEventSpecs: EventSpecs<SessionEvents> = Object.freeze({
  beforeFlush: {}, afterFlush: {}, afterCommit: {}, afterRollback: {},
  doOrmExecute: { retval: "always" as const },
  beforeInsert: {}, afterInsert: {}, beforeUpdate: {}, afterUpdate: {}, beforeDelete: {}, afterDelete: {},
}) as unknown as EventSpecs<SessionEvents>;

/** What `doOrmExecute` listeners see. */
export interface OrmExecuteState {
  readonly session: AsyncSession;
  readonly statement: ClauseElement;
  readonly parameters: ExecuteParams | undefined;
  readonly isSelect: boolean;
}

/** Per-call execution options of session.execute(). */
export interface SessionExecuteOptions {
  /** Overwrite already-loaded objects with the rows' values (SQLAlchemy's `populate_existing`). */
  readonly populateExisting?: boolean;
  /** ORM UPDATE/DELETE: "auto" (default), "evaluate", "fetch" or false. */
  readonly synchronizeSession?: "auto" | "evaluate" | "fetch" | false;
}

type RowOf<S> = S extends { readonly __row: infer T } ? (T extends readonly unknown[] ? T : unknown[]) : unknown[];
type NamedOf<S> = S extends { readonly __named: infer N } ? (N extends Record<string, unknown> ? N : Record<string, unknown>) : Record<string, unknown>;

let sessionSeq = 0;

/** The ORM session. One per task (per request in Workers). */
export class AsyncSession {
  readonly id = ++sessionSeq;
  readonly [DISPATCH]: Dispatcher<SessionEvents>;
  /** Persistent objects by identity key. */
  readonly identityMap = new Map<string, object>();
  /** @internal */
  readonly newStates = new Set<InstanceState>();
  /** @internal */
  readonly deletedStates = new Set<InstanceState>();
  readonly options: Required<SessionOptions>;
  private conn: AsyncConnection | undefined;
  private readonly engine: AsyncEngine | undefined;
  private readonly outer: AsyncConnection | undefined;
  private sessionTx: Transaction | undefined;
  private effectiveMode: JoinTransactionMode | undefined;
  private savepoints: Transaction[] = [];
  private needsRollback: Error | undefined;
  private busy: string | undefined;
  private txStarted = false;

  /** @param bind an engine (the session checks out a connection per transaction) or a connection to join. */
  constructor(bind: AsyncEngine | AsyncConnection, options: SessionOptions = {}) {
    if (bind instanceof AsyncEngine) this.engine = bind;
    else if (bind instanceof AsyncConnection) this.outer = bind;
    else throw new ArgumentError("AsyncSession needs an AsyncEngine or AsyncConnection to bind to");
    this.options = {
      expireOnCommit: options.expireOnCommit ?? true,
      autoflush: options.autoflush ?? true,
      autobegin: options.autobegin ?? true,
      joinTransactionMode: options.joinTransactionMode ?? "conditional_savepoint",
    };
    this[DISPATCH] = new Dispatcher(sessionEventSpecs, { targetName: "AsyncSession" });
  }

  // ---- concurrency guard ----------------------------------------------------------------------
  private async guard<R>(what: string, fn: () => Promise<R>): Promise<R> {
    if (this.busy) {
      throw new InvalidRequestError(
        `This session is already running ${this.busy}; concurrent ${what} is not permitted. An AsyncSession must not be shared between concurrent tasks: await each call, or use one session per task.`,
      );
    }
    this.busy = what;
    try {
      return await fn();
    } finally {
      this.busy = undefined;
    }
  }
  private checkUsable(): void {
    if (this.needsRollback) {
      throw new PendingRollbackError(
        `This Session's transaction has been rolled back due to a previous exception during flush. To begin a new transaction with this Session, first issue session.rollback(). Original exception was: ${this.needsRollback.message}`,
      );
    }
  }

  // ---- connection and transaction ---------------------------------------------------------------
  /** The connection of the current transaction (beginning one if needed). */
  async connection(): Promise<AsyncConnection> {
    this.checkUsable();
    if (this.conn) return this.conn;
    if (!this.options.autobegin && !this.txStarted) {
      throw new InvalidRequestError("Autobegin is disabled on this Session; call session.begin() first");
    }
    return this.startTransaction();
  }
  private async startTransaction(): Promise<AsyncConnection> {
    this.txStarted = true;
    if (this.engine) {
      this.conn = await this.engine.connect();
      this.effectiveMode = "control_fully";
      return this.conn;
    }
    const outer = this.outer!;
    let mode = this.options.joinTransactionMode;
    if (mode === "conditional_savepoint") {
      mode = outer.inNestedTransaction() ? "create_savepoint" : outer.inTransaction() ? "rollback_only" : "control_fully";
    }
    this.effectiveMode = mode;
    this.conn = outer;
    if (mode === "create_savepoint") this.sessionTx = await outer.beginNested();
    return outer;
  }

  /** Whether a transaction is in progress. */
  inTransaction(): boolean {
    return this.conn !== undefined;
  }
  /** Whether a session-level SAVEPOINT is in progress. */
  inNestedTransaction(): boolean {
    return this.savepoints.length > 0;
  }

  /**
   * Begin explicitly. Callback form commits when `fn` returns and rolls back when it throws.
   * `await using tx = await session.begin()` rolls back on disposal unless committed.
   */
  begin(): Promise<SessionTransaction>;
  begin<R>(fn: (session: AsyncSession) => Promise<R>): Promise<R>;
  async begin<R>(fn?: (session: AsyncSession) => Promise<R>): Promise<SessionTransaction | R> {
    if (this.conn) throw new InvalidRequestError("A transaction is already begun on this Session; use beginNested() for a SAVEPOINT");
    await this.guard("begin()", () => this.startTransaction());
    const tx = new SessionTransaction(this, undefined);
    if (!fn) return tx;
    try {
      const r = await fn(this);
      await this.commit();
      return r;
    } catch (e) {
      await this.rollback();
      throw e;
    }
  }

  /** Begin a SAVEPOINT (flushing first). Callback form releases on return, rolls back to it on throw. */
  beginNested(): Promise<SessionTransaction>;
  beginNested<R>(fn: (session: AsyncSession) => Promise<R>): Promise<R>;
  async beginNested<R>(fn?: (session: AsyncSession) => Promise<R>): Promise<SessionTransaction | R> {
    await this.flush();
    const sp = await this.guard("beginNested()", async () => (await this.connection()).beginNested());
    this.savepoints.push(sp);
    const tx = new SessionTransaction(this, sp);
    if (!fn) return tx;
    try {
      const r = await fn(this);
      await tx.commit();
      return r;
    } catch (e) {
      await tx.rollback();
      throw e;
    }
  }

  /** @internal Commit (release) or roll back a session SAVEPOINT. */
  async _endSavepoint(sp: Transaction, op: "commit" | "rollback"): Promise<void> {
    if (op === "commit") await this.flush();
    await this.guard(`${op}()`, async () => {
      const i = this.savepoints.indexOf(sp);
      if (i < 0) return;
      this.savepoints.splice(i);
      if (op === "commit") await sp.commit();
      else {
        await sp.rollback();
        // Objects changed inside the SAVEPOINT no longer match the database.
        this.needsRollback = undefined;
        this.expireAllInternal();
        for (const st of this.newStates) this.expungeState(st);
      }
    });
  }

  /** Flush, then commit the transaction (per joinTransactionMode) and, by default, expire all objects. */
  async commit(): Promise<void> {
    await this.flush();
    if (!this.conn) return;
    await this.guard("commit()", async () => {
      const conn = this.conn!;
      const mode = this.effectiveMode;
      if (mode === "control_fully") await conn.commit();
      else if (mode === "create_savepoint" && this.sessionTx?.isActive) await this.sessionTx.commit();
      this.finishTransaction();
      for (const st of this.deletedStates) this.detach(st);
      this.deletedStates.clear();
      if (this.options.expireOnCommit) this.expireAllInternal();
    });
    if (this[DISPATCH].has("afterCommit")) await this[DISPATCH].fireAsync("afterCommit", this);
  }

  /** Roll back the transaction: pending objects are expunged, persistent ones expired, deleted ones restored. */
  async rollback(): Promise<void> {
    await this.guard("rollback()", async () => {
      const conn = this.conn;
      if (conn) {
        const mode = this.effectiveMode;
        if (mode === "control_fully" || mode === "rollback_only") await conn.rollback();
        else if (mode === "create_savepoint" && this.sessionTx?.isActive) await this.sessionTx.rollback();
        this.finishTransaction();
      }
      this.needsRollback = undefined;
      for (const st of this.newStates) this.expungeState(st);
      this.newStates.clear();
      for (const st of this.deletedStates) {
        st.markedDeleted = false;
        if (st.status === "deleted") {
          st.status = "persistent";
          if (st.key) this.identityMap.set(st.key, st.obj);
        }
      }
      this.deletedStates.clear();
      this.expireAllInternal();
    });
    if (this[DISPATCH].has("afterRollback")) await this[DISPATCH].fireAsync("afterRollback", this);
  }

  private finishTransaction(): void {
    const conn = this.conn;
    this.conn = undefined;
    this.sessionTx = undefined;
    this.savepoints = [];
    this.txStarted = false;
    if (conn && this.engine) void conn.close();
  }

  /** Roll back any transaction, release the connection and detach every object. */
  async close(): Promise<void> {
    if (this.conn) await this.rollback().catch(() => {});
    for (const o of this.identityMap.values()) this.detach(stateOf(o)!);
    this.identityMap.clear();
    this.newStates.clear();
    this.deletedStates.clear();
    this.needsRollback = undefined;
  }
  /** `await using session = new AsyncSession(engine)` closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- object state -----------------------------------------------------------------------------
  private stateFor(obj: unknown, op: string): InstanceState {
    const st = stateOf(obj);
    if (!st) throw new ArgumentError(`${op}(): ${String(obj)} is not a mapped instance`);
    if (st.sessionId !== undefined && st.sessionId !== this.id && (st.status === "pending" || st.status === "persistent")) {
      throw new ObjectStateError(`${op}(): object is already attached to another session (${st.sessionId}); expunge it there first`);
    }
    return st;
  }
  /** Add a transient (→ pending) or detached (→ persistent) object. Related objects cascade at flush. */
  add(obj: object): void {
    const st = this.stateFor(obj, "add");
    if (st.status === "transient") {
      st.status = "pending";
      st.sessionId = this.id;
      this.newStates.add(st);
    } else if (st.status === "detached") {
      const existing = st.key ? this.identityMap.get(st.key) : undefined;
      if (existing && existing !== obj) {
        throw new ObjectStateError(`Can't attach instance; another instance with key ${st.key} is already present in this session`);
      }
      st.status = "persistent";
      st.sessionId = this.id;
      if (st.key) this.identityMap.set(st.key, obj);
    } else if (st.status === "deleted") {
      throw new ObjectStateError("add(): the object was deleted in this session");
    }
  }
  /** Add several objects. */
  addAll(objs: Iterable<object>): void {
    for (const o of objs) this.add(o);
  }
  /** Mark a persistent object for deletion at the next flush (a pending one is expunged). */
  delete(obj: object): void {
    const st = this.stateFor(obj, "delete");
    if (st.status === "pending") {
      this.newStates.delete(st);
      this.expungeState(st);
      return;
    }
    if (st.status !== "persistent") throw new ObjectStateError(`delete(): instance is not persisted (${st.status})`);
    st.markedDeleted = true;
    this.deletedStates.add(st);
  }
  /** Remove an object from the session (it becomes detached, or transient if pending). */
  expunge(obj: object): void {
    const st = this.stateFor(obj, "expunge");
    if (st.sessionId !== this.id) throw new ObjectStateError("expunge(): instance is not present in this Session");
    this.expungeState(st);
  }
  /** Remove every object from the session. */
  expungeAll(): void {
    for (const o of [...this.identityMap.values()]) this.expungeState(stateOf(o)!);
    for (const st of [...this.newStates]) this.expungeState(st);
  }
  private expungeState(st: InstanceState): void {
    this.newStates.delete(st);
    this.deletedStates.delete(st);
    if (st.key && this.identityMap.get(st.key) === st.obj) this.identityMap.delete(st.key);
    st.status = st.status === "pending" ? "transient" : "detached";
    st.sessionId = undefined;
  }
  private detach(st: InstanceState): void {
    if (st.key && this.identityMap.get(st.key) === st.obj) this.identityMap.delete(st.key);
    st.status = "detached";
    st.sessionId = undefined;
  }
  /** Expire attributes (all, or the named ones) of a persistent object; reading them then needs refresh(). */
  expire(obj: object, attrs?: readonly string[]): void {
    const st = this.stateFor(obj, "expire");
    expireState(st, attrs);
  }
  /** Expire every persistent object. */
  expireAll(): void {
    this.expireAllInternal();
  }
  private expireAllInternal(): void {
    for (const o of this.identityMap.values()) expireState(stateOf(o)!, undefined);
  }
  /** Pending objects. */
  get new(): object[] {
    return [...this.newStates].map((s) => s.obj);
  }
  /** Persistent objects with changed column attributes or collections. */
  get dirty(): object[] {
    return [...this.identityMap.values()].filter((o) => this.isModified(o));
  }
  /** Objects marked for deletion. */
  get deleted(): object[] {
    return [...this.deletedStates].filter((s) => s.markedDeleted).map((s) => s.obj);
  }
  /** Whether an object has changes to flush. */
  isModified(obj: object): boolean {
    const st = stateOf(obj);
    if (!st || st.status !== "persistent") return false;
    if (st.changedColumnKeys().length) return true;
    for (const rel of st.mapper.relationships.values()) {
      if (!(rel.key in st.dict)) continue;
      const cur = st.dict[rel.key];
      if (rel.uselist) {
        const c = st.committedCollections.get(rel.key) ?? [];
        if (!Array.isArray(cur) || cur.length !== c.length || cur.some((x, i) => x !== c[i])) return true;
      } else if (cur !== st.committed[rel.key]) return true;
    }
    return false;
  }
  /** Whether the object is in this session (pending or persistent). */
  contains(obj: object): boolean {
    const st = stateOf(obj);
    return !!st && st.sessionId === this.id && (st.status === "pending" || st.status === "persistent");
  }

  // ---- flush ---------------------------------------------------------------------------------
  private hasChanges(): boolean {
    if (this.newStates.size || this.deletedStates.size) return true;
    for (const o of this.identityMap.values()) if (this.isModified(o)) return true;
    return false;
  }
  /**
   * Write pending changes (INSERT/UPDATE/DELETE in dependency order) within the transaction.
   * On failure the transaction is rolled back, in-memory objects are restored, and the session
   * raises PendingRollbackError until `rollback()` is called.
   */
  async flush(): Promise<void> {
    this.checkUsable();
    if (!this.hasChanges()) return;
    if (this[DISPATCH].has("beforeFlush")) await this[DISPATCH].fireAsync("beforeFlush", this);
    await this.guard("flush()", async () => {
      const conn = await this.connection();
      const sp = conn.inTransaction() && this.effectiveMode !== "control_fully" ? undefined : undefined;
      void sp;
      try {
        await runFlush({
          connection: conn,
          identityMap: this.identityMap,
          sessionId: this.id,
          newStates: this.newStates,
          deletedStates: this.deletedStates,
          fireMapperEvent: async (event, mapper, obj) => {
            if (mapper.dispatch.has(event)) await mapper.dispatch.fireAsync(event, mapper, conn, obj);
            if (this[DISPATCH].has(event)) await this[DISPATCH].fireAsync(event, mapper, obj);
          },
        });
      } catch (e) {
        if (this.savepoints.length === 0) {
          this.needsRollback = e as Error;
          const mode = this.effectiveMode;
          if (mode === "control_fully" || mode === "rollback_only") await conn.rollback().catch(() => {});
          else if (this.sessionTx?.isActive) await this.sessionTx.rollback().catch(() => {});
        }
        throw e;
      }
      for (const st of this.deletedStates) if (st.status === "deleted") st.markedDeleted = false;
    });
    if (this[DISPATCH].has("afterFlush")) await this[DISPATCH].fireAsync("afterFlush", this);
  }

  // ---- execution -----------------------------------------------------------------------------
  /** @internal */
  loadContext(populateExisting: boolean): LoadContext {
    return {
      identityMap: this.identityMap,
      sessionId: this.id,
      populateExisting,
      executeOrm: async (stmt, loads) => {
        const plan = planOrmSelect(stmt, loads);
        const conn = await this.connection();
        const res = await conn.execute(plan.stmt);
        const tuples = processRows(this.loadContext(populateExisting), plan, res.all().map((r) => r._tuple() as unknown[]));
        await postLoad(this.loadContext(populateExisting), plan, tuples);
        return tuples as object[][];
      },
    };
  }

  /**
   * Execute a statement: ORM selects return entities (identity-mapped, with eager loads), ORM
   * DML (insert/update/delete of a model) handles bulk and synchronizeSession, and anything else
   * runs on the session's connection. Autoflushes first.
   */
  async execute<S extends ClauseElement>(stmt: S, params?: ExecuteParams, opts: SessionExecuteOptions = {}): Promise<Result<RowOf<S>, NamedOf<S>>> {
    if (this.options.autoflush) await this.flush();
    let statement: ClauseElement = stmt;
    if (this[DISPATCH].has("doOrmExecute")) {
      const replaced = await this[DISPATCH].fireAsync("doOrmExecute", { session: this, statement, parameters: params, isSelect: statement instanceof Select });
      if (replaced instanceof ClauseElement) statement = replaced;
    }
    return this.guard("execute()", async () => {
      const conn = await this.connection();
      if (statement instanceof Select && isOrmStatement(statement)) {
        const populate = opts.populateExisting ?? (statement.statementExecutionOptions.populateExisting as boolean | undefined) ?? false;
        const plan = planOrmSelect(statement);
        const res = await conn.execute(plan.stmt, params as Readonly<Record<string, unknown>> | undefined);
        const ctx = this.loadContext(populate);
        const tuples = processRows(ctx, plan, res.all().map((r) => r._tuple() as unknown[]));
        await postLoad(ctx, plan, tuples);
        return ormResult(plan, tuples) as unknown as Result<RowOf<S>, NamedOf<S>>;
      }
      if (isOrmDml(statement)) {
        return (await executeOrmDml(this, conn, statement, params, opts)) as unknown as Result<RowOf<S>, NamedOf<S>>;
      }
      return (await conn.execute(statement, params)) as unknown as Result<RowOf<S>, NamedOf<S>>;
    });
  }
  /** `execute(stmt).scalars()`: entities (or first column values). */
  async scalars<S extends ClauseElement>(stmt: S, params?: ExecuteParams, opts?: SessionExecuteOptions): Promise<ScalarResult<RowOf<S>[0]>> {
    const r = await this.execute(stmt, params, opts);
    return r.scalars() as ScalarResult<RowOf<S>[0]>;
  }
  /** `execute(stmt).scalar()`. */
  async scalar<S extends ClauseElement>(stmt: S, params?: ExecuteParams, opts?: SessionExecuteOptions): Promise<RowOf<S>[0] | null> {
    return (await this.execute(stmt, params, opts)).scalar() as RowOf<S>[0] | null;
  }
  /**
   * Stream an ORM select: rows are fetched `yieldPer` at a time (execution option, default
   * 1000) and turned into objects chunk by chunk.
   */
  async stream<S extends ClauseElement>(stmt: S, params?: Readonly<Record<string, unknown>>): Promise<AsyncResult<RowOf<S>, NamedOf<S>>> {
    if (this.options.autoflush) await this.flush();
    const conn = await this.connection();
    if (!(stmt instanceof Select) || !isOrmStatement(stmt)) return conn.stream(stmt, params) as unknown as AsyncResult<RowOf<S>, NamedOf<S>>;
    const plan = planOrmSelect(stmt);
    const yieldPer = (stmt.statementExecutionOptions.yieldPer as number | undefined) ?? conn.executionOptionsValue.yieldPer ?? 1000;
    const inner = await conn.stream(plan.stmt, params);
    const ctx = this.loadContext(false);
    const iter = inner.partitions(yieldPer)[Symbol.asyncIterator]();
    let buffer: unknown[][] = [];
    const cursor = {
      columns: plan.slots.map((s) => ({ name: s.name })),
      fetch: async (n: number) => {
        while (buffer.length < n) {
          const next = await iter.next();
          if (next.done) break;
          const tuples = processRows(ctx, plan, next.value.map((r) => r._tuple() as unknown[]));
          await postLoad(ctx, plan, tuples);
          buffer.push(...tuples);
        }
        const out = buffer.slice(0, n);
        buffer = buffer.slice(n);
        return out;
      },
      close: async () => {
        await inner.close();
      },
    };
    return new AsyncResult({ keys: plan.slots.map((s) => s.name), processors: plan.slots.map(() => undefined) }, cursor, { chunkSize: yieldPer }) as unknown as AsyncResult<RowOf<S>, NamedOf<S>>;
  }
  /** `stream(stmt).scalars()`. */
  async streamScalars<S extends ClauseElement>(stmt: S, params?: Readonly<Record<string, unknown>>): Promise<AsyncScalarResult<RowOf<S>[0]>> {
    return (await this.stream(stmt, params)).scalars() as AsyncScalarResult<RowOf<S>[0]>;
  }

  /**
   * Object by primary key: an identity-map hit returns it with no round trip; otherwise one
   * SELECT (with `options` applied). `pk` is a value or an array/record for composite keys.
   */
  async get<C extends abstract new (...args: never[]) => object>(
    cls: C,
    pk: unknown,
    opts: { options?: readonly unknown[]; populateExisting?: boolean; withForUpdate?: boolean } = {},
  ): Promise<InstanceType<C> | null> {
    const mapper = requireMapper(cls);
    const values = normalizePk(mapper, pk);
    const key = mapper.identityKey(values);
    const hit = this.identityMap.get(key);
    if (hit && !opts.populateExisting && !(opts.options?.length)) {
      const st = stateOf(hit)!;
      if (st.status === "deleted" || st.markedDeleted) return null;
      if (!st.expired || st.expired.size === 0) return hit as InstanceType<C>;
    }
    let stmt = select(cls as never).where(and(...mapper.pkProps.map((p, i) => p.column.eq(values[i])))) as unknown as Select;
    if (opts.options?.length) stmt = stmt.options(...opts.options);
    if (opts.withForUpdate) stmt = stmt.forUpdate();
    const r = await this.execute(stmt, undefined, { populateExisting: opts.populateExisting ?? !!hit });
    return (r.scalars().first() as InstanceType<C> | null) ?? null;
  }
  /** Like get(), but raises NoResultFound when there is no such row. */
  async getOne<C extends abstract new (...args: never[]) => object>(cls: C, pk: unknown, opts: { options?: readonly unknown[]; populateExisting?: boolean } = {}): Promise<InstanceType<C>> {
    const o = await this.get(cls, pk, opts);
    if (!o) throw new NoResultFound(`No row was found when one was required (${requireMapper(cls).className} ${JSON.stringify(pk)})`);
    return o;
  }

  /**
   * Reload an object's column attributes (or the named attributes, which may include
   * relationships — loaded with selectin) from the database, overwriting in-memory values.
   */
  async refresh(obj: object, attrs?: readonly string[], opts: { withForUpdate?: boolean } = {}): Promise<void> {
    const st = this.stateFor(obj, "refresh");
    if (st.status !== "persistent") throw new ObjectStateError(`refresh(): instance is not persistent (${st.status})`);
    const mapper = st.mapper;
    const { selectinload } = await import("./options.js");
    const rels = (attrs ?? []).filter((a) => mapper.relationships.has(a));
    const cols = (attrs ?? []).filter((a) => mapper.columnPropsByKey.has(a));
    for (const a of attrs ?? []) if (!mapper.relationships.has(a) && !mapper.columnPropsByKey.has(a)) throw new ArgumentError(`refresh(): '${a}' is not an attribute of ${mapper.className}`);
    const options: unknown[] = rels.map((r) => selectinload((mapper.class_ as unknown as Record<string, Parameters<typeof selectinload>[0]>)[r]));
    for (const r of rels) delete st.dict[r];
    const pk = mapper.pkValues(st);
    let stmt = select(mapper.class_ as never).where(and(...mapper.pkProps.map((p, i) => p.column.eq(pk[i])))) as unknown as Select;
    if (cols.length) {
      const { undefer } = await import("./options.js");
      for (const c of cols) {
        const p = mapper.columnPropsByKey.get(c)!;
        if (p.deferred) options.push(undefer(mapper.attributes.get(c)!));
      }
    }
    if (options.length) stmt = stmt.options(...options);
    if (opts.withForUpdate) stmt = stmt.forUpdate();
    for (const c of cols.length ? cols : mapper.columnProps.map((p) => p.key)) if (!mapper.columnPropsByKey.get(c)?.column.primaryKey) st.expired?.delete(c);
    const r = await this.execute(stmt, undefined, { populateExisting: true });
    if (!r.scalars().first()) throw new InvalidRequestError(`Could not refresh instance '${mapper.className}': the row no longer exists`);
    st.expired?.clear();
  }

  /**
   * Copy the state of `obj` onto the persistent instance with the same key in this session
   * (loading it if needed), or add a copy; returns the persistent instance (SQLAlchemy's merge).
   */
  async merge<T extends object>(obj: T, opts: { load?: boolean } = {}): Promise<T> {
    const st = stateOf(obj);
    if (!st) throw new ArgumentError("merge(): not a mapped instance");
    const mapper = st.mapper;
    const pk = mapper.pkValues(st);
    let target: object | null = null;
    if (pk.every((v) => v !== undefined && v !== null)) {
      target = opts.load === false ? this.identityMap.get(mapper.identityKey(pk)) ?? null : await this.get(mapper.class_ as never, pk);
    }
    if (!target) {
      const { obj: fresh, state } = mapper.newInstanceForLoad();
      state.status = "transient";
      target = fresh;
      this.add(target);
    }
    const ts = stateOf(target)!;
    for (const p of mapper.columnProps) if (p.key in st.dict) ts.dict[p.key] = st.dict[p.key];
    for (const rel of mapper.relationships.values()) {
      if (!rel.cascade.merge || !(rel.key in st.dict)) continue;
      const v = st.dict[rel.key];
      if (rel.uselist) {
        const out: object[] = [];
        for (const c of (v as object[]) ?? []) out.push(await this.merge(c, opts));
        ts.dict[rel.key] = out;
      } else ts.dict[rel.key] = v ? await this.merge(v as object, opts) : null;
    }
    return target as T;
  }
}

/** Expire attributes of a state. */
function expireState(st: InstanceState, attrs: readonly string[] | undefined): void {
  if (st.status !== "persistent") return;
  const keys = attrs ?? [...st.mapper.columnProps.map((p) => p.key), ...st.mapper.relationships.keys()];
  for (const k of keys) {
    const p = st.mapper.columnPropsByKey.get(k);
    if (p?.column.primaryKey) continue;
    if (!p && !st.mapper.relationships.has(k)) throw new ArgumentError(`expire(): '${k}' is not an attribute of ${st.mapper.className}`);
    delete st.dict[k];
    delete st.committed[k];
    st.committedCollections.delete(k);
    if (p) (st.expired ??= new Set()).add(k);
  }
}

function normalizePk(mapper: Mapper, pk: unknown): unknown[] {
  const n = mapper.pkProps.length;
  if (Array.isArray(pk)) {
    if (pk.length !== n) throw new ArgumentError(`${mapper.className} has ${n} primary key column(s); got ${pk.length} value(s)`);
    return pk;
  }
  if (pk !== null && typeof pk === "object" && !(pk instanceof Date)) {
    return mapper.pkProps.map((p) => {
      const v = (pk as Record<string, unknown>)[p.key];
      if (v === undefined) throw new ArgumentError(`get(): missing primary key value '${p.key}' for ${mapper.className}`);
      return v;
    });
  }
  if (n !== 1) throw new ArgumentError(`${mapper.className} has a composite primary key; pass an array or object`);
  return [pk];
}

/** Wrap ORM tuples as a Result (one column per slot). */
function ormResult(plan: OrmPlan, tuples: unknown[][]): Result<unknown[], Record<string, unknown>> {
  const keys = plan.slots.map((s) => s.name);
  const res = new Result({ keys, processors: keys.map(() => undefined) }, tuples, { rowsAffected: -1, returnsRows: true });
  // Joined eager loads against collections repeat parent rows; 2.0 requires unique().
  return plan.hasJoinedCollections && plan.slots.length === 1 ? res.unique() : res;
}

/** A session transaction handle from begin()/beginNested(). */
export class SessionTransaction {
  /** @internal */
  constructor(readonly session: AsyncSession, private readonly savepoint: Transaction | undefined) {}
  /** Whether this is a SAVEPOINT. */
  get nested(): boolean {
    return this.savepoint !== undefined;
  }
  async commit(): Promise<void> {
    if (this.savepoint) await this.session._endSavepoint(this.savepoint, "commit");
    else await this.session.commit();
  }
  async rollback(): Promise<void> {
    if (this.savepoint) await this.session._endSavepoint(this.savepoint, "rollback");
    else await this.session.rollback();
  }
  /** Rolls back unless committed (disposal cannot see exceptions). */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.savepoint ? this.savepoint.isActive : this.session.inTransaction()) await this.rollback();
  }
}

/** A session factory with fixed options (SQLAlchemy's `async_sessionmaker`). */
export interface AsyncSessionmaker {
  (overrides?: SessionOptions): AsyncSession;
  /** `await maker.begin(async (session) => …)`: a session in a transaction, committed on return. */
  begin<R>(fn: (session: AsyncSession) => Promise<R>): Promise<R>;
}
/** `asyncSessionmaker(engine, { expireOnCommit: false })`: make sessions with shared options. */
export function asyncSessionmaker(bind: AsyncEngine | AsyncConnection, options: SessionOptions = {}): AsyncSessionmaker {
  const maker = ((overrides?: SessionOptions) => new AsyncSession(bind, { ...options, ...overrides })) as AsyncSessionmaker;
  maker.begin = async <R>(fn: (session: AsyncSession) => Promise<R>): Promise<R> => {
    const s = maker();
    try {
      return await s.begin(fn);
    } finally {
      await s.close();
    }
  };
  return maker;
}
export { STATE, mapperOf };

/**
 * AsyncSession (SQLAlchemy 2.0's `AsyncSession`): identity map, unit of work, ORM execution,
 * transactions and savepoints, and `asyncSessionmaker`.
 *
 * Nothing loads implicitly: relationships load through loader options, expired attributes
 * through `refresh()`. Using one session from two concurrent tasks raises.
 * @module
 */
import { WeakIdentityMap, type IdentityMap } from "./identity-map.js";
import { ArgumentError, FlushError, InvalidRequestError, NoResultFound, UnmappedInstanceError, ObjectStateError, PendingRollbackError, ResourceClosedError, StaleDataError, StatementError } from "../errors.js";
import { warn } from "../warnings.js";
import { and, ClauseElement } from "../sql/elements.js";
import { Select, select } from "../sql/selectable.js";
import { Delete, Insert, Update } from "../sql/dml.js";
import { AsyncConnection, asyncMethodRequired, wantsServerSideCursor, type ExecuteParams } from "../engine/connection.js";
import { AsyncEngine } from "../engine/engine.js";
import { Transaction } from "../engine/transaction.js";
import { AsyncResult, Result, type AsyncScalarResult, type ScalarResult } from "../engine/result/index.js";
import { Dispatcher, DISPATCH, type EventSpecs } from "../engine/events.js";
import { isOrmStatement, ormResult, planOrmSelect, postLoad, processRawRows, rememberLoadOptions, type LoadContext, type OrmPlan } from "./loading.js";
import { nextRawValueRows, takeRawValueRows } from "../engine/orm-rows.js";
import { instanceEventListened, mapperLoadListened, mapperOf, requireMapper, type Mapper, type RelationshipProperty } from "./mapper.js";
import { flush as runFlush, type KeySwitch } from "./unitofwork.js";
import { endAttachments, expireAttached, forgetSession, type ExpireAllPlan, hasModifiedStates, modifiedStates, newDict, sameValue, STATE, stateOf, stateStr, type InstanceState } from "./state.js";
import { isImplicitEmptyCollection } from "./instrumentation.js";
import { executeOrmDml, isOrmDml } from "./orm-dml.js";
import { joinedload, raiseload, selectinload, undefer, type Load } from "./options.js";
import type { RelationshipSpec } from "./relationship.js";
import { assignWriteOnly, hasPendingWriteOnly, pendingWriteOnly, stageWriteOnly, writeOnlyCollection, writeOnlyReplaceError, type WriteOnlyCollection } from "./write-only.js";
import { liveSessions, registerSession, sessionById } from "./session-registry.js";
import { objectSession } from "./session-utils.js";

/**
 * How a session bound to an {@link AsyncConnection} that is already in a transaction joins it
 * (SQLAlchemy 2.0's `join_transaction_mode`):
 * - "conditional_savepoint" (default): "create_savepoint" when the connection is inside a
 *   SAVEPOINT, else "rollback_only".
 * - "create_savepoint": the session works inside its own SAVEPOINT; commit releases it,
 *   rollback and close roll back to it; the outer transaction is never touched.
 * - "rollback_only": commit does not commit the outer transaction; rollback rolls it back;
 *   close leaves it alone.
 * - "control_fully": the session owns the transaction (the innermost SAVEPOINT when there is
 *   one): commit commits it, rollback and close roll it back.
 * A connection not in a transaction is always begun and controlled fully by the session.
 */
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
  /**
   * Initial contents of {@link AsyncSession.info} (copied; SQLAlchemy's `info`). With
   * asyncSessionmaker, the maker's info and the per-session info are merged, the latter winning.
   */
  readonly info?: Readonly<Record<string, unknown>>;
  /**
   * SQLAlchemy 2.0.22's `close_resets_only` (default true): close() only resets the session,
   * which stays usable. false: close() closes it for good; afterwards anything that would begin
   * a transaction raises InvalidRequestError (reset() still only resets).
   */
  readonly closeResetsOnly?: boolean;
  /**
   * Default execution options of every execute(), scalars(), scalar(), stream() and get() of
   * the session (SQLAlchemy's `Session(execution_options=…)`): a statement's own
   * `executionOptions()` override them, and the per-call options override both.
   */
  readonly executionOptions?: SessionExecuteOptions;
}

/**
 * What `afterBulkUpdate` / `afterBulkDelete` listeners receive (SQLAlchemy's `update_context` /
 * `delete_context` of `after_bulk_update` / `after_bulk_delete`).
 */
export interface OrmBulkContext {
  readonly session: AsyncSession;
  /** The ORM-enabled UPDATE or DELETE that ran (after doOrmExecute replacements). */
  readonly statement: Update | Delete;
  /** Its result: `result.rowcount` is the number of rows matched. */
  readonly result: Result<unknown[], Record<string, unknown>>;
  readonly executionOptions: SessionExecuteOptions;
}

/**
 * Session events (SQLAlchemy's `SessionEvents`, camelCased), registered with
 * `event.listen(session, "beforeFlush", (session) => …)`, fired in SQLAlchemy 2.0's order.
 *
 * Listeners of the events typed `void | Promise<void>` may be async: the session awaits them.
 * The object life-cycle events (`transientToPending` … `loadedAsPersistent`),
 * `beforeAttach` / `afterAttach` and `afterTransactionCreate` fire from synchronous methods
 * (add(), delete(), expunge(), an attribute change that autobegins) and are called
 * synchronously: a listener returning a Promise raises InvalidRequestError.
 *
 * While a listener runs, it may call the session's methods, queries and flushes included, as in
 * SQLAlchemy (the concurrent-use check is relaxed for that time, since a call cannot be told from
 * one by another task). A flush() from inside a flush raises "Session is already flushing";
 * queries inside a flush do not autoflush; SQL from `afterCommit` / `afterRollback` raises, as
 * the transaction is over.
 */
export type SessionEvents = {
  /**
   * Before the unit of work computes the flush (SQLAlchemy's `before_flush`); objects added,
   * changed or deleted here are flushed too. Not fired when there is nothing to flush.
   */
  beforeFlush(session: AsyncSession): void | Promise<void>;
  /**
   * After the flush's statements ran (SQLAlchemy's `after_flush`): `session.new`,
   * `session.deleted` still list what was flushed; the life-cycle events of the flushed objects
   * (`pendingToPersistent`, `persistentToDeleted`) come next.
   */
  afterFlush(session: AsyncSession): void | Promise<void>;
  /**
   * At the very end of a flush, objects in their final state (SQLAlchemy's
   * `after_flush_postexec`). Objects added here are flushed by the next flush; commit() flushes
   * again until nothing is left (at most 100 times).
   */
  afterFlushPostexec(session: AsyncSession): void | Promise<void>;
  /**
   * At the start of commit(), before the final flush (SQLAlchemy's `before_commit`); also for a
   * commit with nothing to write, such as the end of a `begin(fn)` block, and for the release
   * of a beginNested() SAVEPOINT.
   */
  beforeCommit(session: AsyncSession): void | Promise<void>;
  /**
   * After the COMMIT (or SAVEPOINT release), before objects are expired (SQLAlchemy's
   * `after_commit`): loaded values are still readable; SQL through the session raises
   * InvalidRequestError "This session is in 'committed' state…".
   */
  afterCommit(session: AsyncSession): void | Promise<void>;
  /**
   * After the database transaction (or a SAVEPOINT) was actually rolled back, before objects are
   * expired or made transient (SQLAlchemy's `after_rollback`): fired once per real rollback (a
   * failed flush rolls back, and the rollback() that follows does not fire it again). SQL through
   * the session raises InvalidRequestError "This session is in 'inactive' state…".
   */
  afterRollback(session: AsyncSession): void | Promise<void>;
  /**
   * After any rollback of a session transaction, real or not (SQLAlchemy's
   * `after_soft_rollback`): `previousTransaction` is the one that ended — the flush's
   * subtransaction after a failed flush, the root one after rollback(). The session is usable
   * again (`session.isActive`) once the root transaction was rolled back.
   */
  afterSoftRollback(session: AsyncSession, previousTransaction: SessionTransaction): void | Promise<void>;
  /**
   * A session transaction began (SQLAlchemy's `after_transaction_create`): the root one, logical
   * until SQL runs (begin(), or autobegun by add(), delete(), a change, a statement or commit()),
   * a beginNested() SAVEPOINT, or the subtransaction each flush runs in. Synchronous.
   */
  afterTransactionCreate(session: AsyncSession, transaction: SessionTransaction): void;
  /** A session transaction of {@link afterTransactionCreate} ended: committed, rolled back or closed. */
  afterTransactionEnd(session: AsyncSession, transaction: SessionTransaction): void | Promise<void>;
  /**
   * The session's transaction got its connection and the database transaction began on it
   * (SQLAlchemy's `after_begin`), or a beginNested() SAVEPOINT began; `transaction` is the root
   * transaction or that SAVEPOINT.
   */
  afterBegin(session: AsyncSession, transaction: SessionTransaction, connection: AsyncConnection): void | Promise<void>;
  /** An object is about to join the session through add(), delete(), merge() or a cascade (not a load). Synchronous. */
  beforeAttach(session: AsyncSession, obj: object): void;
  /** An object joined the session: in `session.new` or the identity map already. Synchronous. */
  afterAttach(session: AsyncSession, obj: object): void;
  /** A transient object became pending (add() or a save-update cascade). Synchronous. */
  transientToPending(session: AsyncSession, obj: object): void;
  /** A pending object became transient again: expunged, or its transaction rolled back. Synchronous. */
  pendingToTransient(session: AsyncSession, obj: object): void;
  /** A pending object was INSERTed by a flush (fired after `afterFlush`). Synchronous. */
  pendingToPersistent(session: AsyncSession, obj: object): void;
  /** An object INSERTed in a transaction that was rolled back is transient again. Synchronous. */
  persistentToTransient(session: AsyncSession, obj: object): void;
  /**
   * A flush DELETEd a persistent object (or an ORM DELETE / get() found its row gone): it left the
   * identity map and is "deleted" until the transaction ends. Synchronous.
   */
  persistentToDeleted(session: AsyncSession, obj: object): void;
  /** A flushed DELETE was rolled back: the object is persistent again. Synchronous. */
  deletedToPersistent(session: AsyncSession, obj: object): void;
  /** A deleted object left the session: its transaction committed, or it was expunged. Synchronous. */
  deletedToDetached(session: AsyncSession, obj: object): void;
  /** A persistent object left the session: expunge(), expungeAll(), close(). Synchronous. */
  persistentToDetached(session: AsyncSession, obj: object): void;
  /** A detached object joined the session again (add(), delete(), a cascade). Synchronous. */
  detachedToPersistent(session: AsyncSession, obj: object): void;
  /**
   * A row loaded an object not yet in the session: it is persistent and in the identity map
   * (SQLAlchemy's `loaded_as_persistent`); rows for objects already present do not fire it.
   * Synchronous; fired during the load, before eager-loaded relationships are populated.
   */
  loadedAsPersistent(session: AsyncSession, obj: object): void;
  /** After an ORM-enabled UPDATE ran through session.execute() (SQLAlchemy's `after_bulk_update`). */
  afterBulkUpdate(context: OrmBulkContext): void | Promise<void>;
  /** After an ORM-enabled DELETE ran through session.execute() (SQLAlchemy's `after_bulk_delete`). */
  afterBulkDelete(context: OrmBulkContext): void | Promise<void>;
  /**
   * Before any `session.execute()` (also get(), refresh(), scalars(), stream()): may replace
   * the statement by assigning `state.statement` or returning a new one — e.g. adding
   * `withLoaderCriteria(...)` options for multi-tenancy. Several listeners chain.
   */
  doOrmExecute(state: OrmExecuteState): void | ClauseElement | Promise<void | ClauseElement>;
  beforeInsert(mapper: Mapper, obj: object): void | Promise<void>;
  afterInsert(mapper: Mapper, obj: object): void | Promise<void>;
  beforeUpdate(mapper: Mapper, obj: object): void | Promise<void>;
  afterUpdate(mapper: Mapper, obj: object): void | Promise<void>;
  beforeDelete(mapper: Mapper, obj: object): void | Promise<void>;
  afterDelete(mapper: Mapper, obj: object): void | Promise<void>;
};
const sessionEventSpecs: EventSpecs<SessionEvents> = Object.freeze({
  beforeFlush: {}, afterFlush: {}, afterFlushPostexec: {}, beforeCommit: {}, afterCommit: {}, afterRollback: {},
  afterSoftRollback: {}, afterTransactionCreate: {}, afterTransactionEnd: {}, afterBegin: {},
  beforeAttach: {}, afterAttach: {}, transientToPending: {}, pendingToTransient: {}, pendingToPersistent: {},
  persistentToTransient: {}, persistentToDeleted: {}, deletedToPersistent: {}, deletedToDetached: {},
  persistentToDetached: {}, detachedToPersistent: {}, loadedAsPersistent: {}, afterBulkUpdate: {}, afterBulkDelete: {},
  doOrmExecute: {
    retval: "always" as const,
    chain: (args: [OrmExecuteState], result: unknown) => {
      if (result instanceof ClauseElement) args[0].statement = result;
      return args;
    },
  },
  beforeInsert: {}, afterInsert: {}, beforeUpdate: {}, afterUpdate: {}, beforeDelete: {}, afterDelete: {},
}) as unknown as EventSpecs<SessionEvents>;

/** What `doOrmExecute` listeners see (SQLAlchemy's `ORMExecuteState`). */
export class OrmExecuteState {
  /** @internal */
  constructor(
    readonly session: AsyncSession,
    /** The statement to run; assign a new one to replace it. */
    public statement: ClauseElement,
    readonly parameters: ExecuteParams | undefined,
    readonly executionOptions: SessionExecuteOptions,
  ) {}
  /** A SELECT (ORM or Core). */
  get isSelect(): boolean {
    return this.statement instanceof Select;
  }
  get isInsert(): boolean {
    return this.statement instanceof Insert;
  }
  get isUpdate(): boolean {
    return this.statement instanceof Update;
  }
  get isDelete(): boolean {
    return this.statement instanceof Delete;
  }
  /** Whether the statement selects or targets mapped entities. */
  get isOrmStatement(): boolean {
    return isOrmStatement(this.statement) || isOrmDml(this.statement);
  }
}

/** Options of {@link AsyncSession.merge}. */
export interface MergeOptions {
  /** false: no SELECT; the merged objects are made persistent and clean (default true). */
  readonly load?: boolean;
  /** Loader options for the get() that loads an object not yet in the session (SQLAlchemy 1.4.24). */
  readonly options?: readonly unknown[];
}

/** Options of {@link AsyncSession.get} and {@link AsyncSession.getOne}. */
export interface GetOptions {
  /** Loader options for the SELECT, when one runs (SQLAlchemy's `options`). */
  readonly options?: readonly unknown[];
  /** Load the row even when the object is in the identity map, overwriting its values. */
  readonly populateExisting?: boolean;
  /** SELECT … FOR UPDATE (always runs the SELECT). */
  readonly withForUpdate?: boolean;
  /** Execution options of the SELECT, over the session's (SQLAlchemy's `execution_options`). */
  readonly executionOptions?: SessionExecuteOptions;
}

/** Per-call execution options of session.execute(). */
export interface SessionExecuteOptions {
  /** Overwrite already-loaded objects with the rows' values (SQLAlchemy's `populate_existing`). */
  readonly populateExisting?: boolean;
  /** ORM UPDATE/DELETE: "auto" (default), "evaluate", "fetch" or false. */
  readonly synchronizeSession?: "auto" | "evaluate" | "fetch" | false | null;
  /** stream(): rows fetched and turned into objects per chunk (default: the statement's, else 1000). */
  readonly yieldPer?: number;
  /**
   * Server-side cursor (SQLAlchemy's `stream_results`): stream() always streams; execute(),
   * scalars() and scalar() raise AsyncMethodRequired when it is set here or on the statement.
   */
  readonly streamResults?: boolean;
  /** false: this statement does not autoflush first (SQLAlchemy's `autoflush` execution option). */
  readonly autoflush?: boolean;
  /**
   * Other options are carried to `doOrmExecute` listeners in
   * {@link OrmExecuteState.executionOptions} (SQLAlchemy accepts arbitrary keys too).
   */
  readonly [option: string]: unknown;
}

type RowOf<S> = S extends { readonly __row: infer T } ? (T extends readonly unknown[] ? T : unknown[]) : unknown[];
type NamedOf<S> = S extends { readonly __named: infer N } ? (N extends Record<string, unknown> ? N : Record<string, unknown>) : Record<string, unknown>;

let sessionSeq = 0;
/** Set by an asyncSessionmaker while it constructs a session: the parent of the session's dispatcher. */
let makerDispatch: Dispatcher<SessionEvents> | undefined;

/**
 * A transaction scope objects are made pending in: the root transaction or a beginNested()
 * SAVEPOINT. Rolling the scope back makes them transient again. Membership is a mark on the
 * object's state ({@link InstanceState.insertScope}), found through the identity map and the
 * pending set at rollback, so the session holds inserted objects no more strongly than
 * SQLAlchemy's weak `SessionTransaction._new` does: a bulk load of objects the application drops
 * after each flush leaves nothing behind but identity-map entries.
 */
class InsertScope {
  /** Set when a released SAVEPOINT's objects now belong to the enclosing scope. */
  mergedInto: InsertScope | undefined;
  /**
   * Objects made pending here, also held strongly — only on batch-only drivers, where a flushed
   * object stays persistent without an identity key until the commit batch has run, out of the
   * identity map's reach.
   */
  readonly strong: Set<InstanceState> | undefined;
  constructor(strong: boolean) {
    this.strong = strong ? new Set() : undefined;
  }
  /** The scope the mark stands for now (following released SAVEPOINTs outwards). */
  resolve(): InsertScope {
    let s: InsertScope = this;
    while (s.mergedInto) s = s.mergedInto;
    return s;
  }
}

/** The pending objects of a session; each addition is marked with the current {@link InsertScope}. */
class TrackingSet extends Set<InstanceState> {
  /** The scope additions belong to. */
  scope: (() => InsertScope) | undefined;
  override add(st: InstanceState): this {
    super.add(st);
    const sc = this.scope?.();
    if (sc) {
      st.insertScope = sc;
      sc.strong?.add(st);
    }
    return this;
  }
}

/** A beginNested() SAVEPOINT of the session: what was inserted, deleted and updated inside it. */
interface SavepointScope {
  readonly tx: Transaction;
  readonly inserted: InsertScope;
  readonly deleted: Set<InstanceState>;
  /** Persistent objects a flush inside the SAVEPOINT wrote: rolling it back expires them. */
  readonly dirty: Set<InstanceState>;
  /** Identity keys objects had before a flush inside the SAVEPOINT changed their primary key. */
  readonly keySwitches: Map<InstanceState, KeySwitch>;
  /** The handle beginNested() returned (getNestedTransaction() gives it again). */
  handle: SessionTransaction | undefined;
}

/** The identity map's chunk link (see `WeakIdentityMap`): an object's state keeps its chunk alive. */
function linkIdentityChunk(obj: object, chunk: readonly object[]): void {
  const st = stateOf(obj);
  if (st !== undefined) st.identityChunk = chunk;
}

/**
 * The ORM session (SQLAlchemy 2.0's `AsyncSession`): identity map, unit of work, ORM execution
 * and transactions. One per task (per request in Workers): concurrent use from two async tasks
 * raises InvalidRequestError.
 */
export class AsyncSession {
  readonly id = ++sessionSeq;
  readonly [DISPATCH]: Dispatcher<SessionEvents>;
  /**
   * Class-level session events: `event.listen(AsyncSession, "beforeFlush", fn)` listens on every
   * session, existing and future (SQLAlchemy's `event.listen(Session, …)`). A session's own
   * listeners run before its maker's, which run before these.
   */
  static readonly [DISPATCH]: Dispatcher<SessionEvents> = new Dispatcher(sessionEventSpecs, { targetName: "AsyncSession" });
  /** Batch-only drivers: keys handed out per table in this transaction. */
  private batchKeys: Map<import("../sql/schema.js").Table, number> | undefined;
  /** Persistent objects by identity key. */
  readonly identityMap: IdentityMap = new WeakIdentityMap(linkIdentityChunk);
  /** @internal */
  readonly newStates: Set<InstanceState> = new TrackingSet();
  /** @internal */
  readonly deletedStates = new Set<InstanceState>();
  readonly options: Required<Omit<SessionOptions, "info" | "executionOptions">>;
  /** The session's default execution options (SessionOptions.executionOptions). */
  private readonly execDefaults: SessionExecuteOptions | undefined;
  /**
   * A dictionary for the application's own data about this session (SQLAlchemy's
   * `Session.info`); athanor never reads it.
   */
  readonly info: Record<string, unknown>;
  /** The handle of the root transaction (begin()'s return value, getTransaction()). */
  private rootHandle: SessionTransaction | undefined;
  /** Set by close() with `closeResetsOnly: false`: no transaction can begin any more. */
  private permanentlyClosed = false;
  private conn: AsyncConnection | undefined;
  private readonly engine: AsyncEngine | undefined;
  private readonly outer: AsyncConnection | undefined;
  /** The transaction the session ends (undefined: engine-bound, the connection's own). */
  private rootTx: Transaction | undefined;
  /** Whether commit() commits the root transaction (false for "rollback_only"). */
  private shouldCommit = true;
  private resolvedMode: JoinTransactionMode | undefined;
  private savepoints: SavepointScope[] = [];
  /** Objects made pending in the root transaction (outside any SAVEPOINT scope). */
  private rootInserted: InsertScope;
  /** Objects whose DELETE was flushed in the root transaction (outside any SAVEPOINT scope). */
  private rootDeleted = new Set<InstanceState>();
  /** Identity keys objects had before a flush in the root transaction changed their primary key. */
  private rootKeySwitches = new Map<InstanceState, KeySwitch>();
  private needsRollback: Error | undefined;
  /**
   * Set when COMMIT failed after a successful flush (a deferred constraint): SQLAlchemy's
   * session transaction then stays "prepared" — no further SQL until rollback().
   */
  private commitFailed = false;
  /**
   * Objects made pending by the save-update cascade along a delete-orphan relationship, with the
   * parent that brought them in: one that parent no longer holds when the flush comes is a
   * pending orphan and is expunged rather than INSERTed (SQLAlchemy expunges it when it is
   * removed from the collection, which a plain array cannot report).
   */
  private readonly cascadedFrom = new WeakMap<InstanceState, { readonly parent: InstanceState; readonly key: string }>();
  /** Whether {@link cascadedFrom} gained entries since the last flush (else the flush skips the orphan pass). */
  private cascadedSinceFlush = false;
  /** Whether {@link cascadedFrom} ever had an entry (add() then skips its per-object delete). */
  private cascadedEver = false;
  /** Above zero while queries must not autoflush (merge(), noAutoflush()). */
  private noAutoflushDepth = 0;
  private busy: string | undefined;
  /** Guarded operations in progress: more than one only for calls made from event listeners. */
  private busyCount = 0;
  /** Above zero while a session event listener runs: the session may then be called re-entrantly. */
  private listenerDepth = 0;
  /** Above zero while mapper persistence listeners run inside a flush (SQLAlchemy's `_warn_on_events`). */
  private warnOnEvents = 0;
  /** Set during a flush (SQLAlchemy's `_flushing`): no autoflush, and flush() raises. */
  private flushing = false;
  /** Set while afterCommit / afterRollback listeners run: the transaction is over, SQL raises. */
  private txPhase: "committed" | "inactive" | undefined;
  private txStarted = false;
  /**
   * The transaction of the innermost `begin(fn)` / `beginNested(fn)` callback running
   * (SQLAlchemy's `_trans_context_manager`): once it has ended, no SQL and no new transaction.
   */
  private txContext: SessionTransaction | undefined;

  /** @param bind an engine (the session checks out a connection per transaction) or a connection to join. */
  constructor(bind: AsyncEngine | AsyncConnection, options: SessionOptions = {}) {
    if (bind instanceof AsyncEngine) this.engine = bind;
    else if (bind instanceof AsyncConnection) this.outer = bind;
    else throw new ArgumentError("AsyncSession needs an AsyncEngine or AsyncConnection to bind to");
    const mode = options.joinTransactionMode ?? "conditional_savepoint";
    if (!["conditional_savepoint", "create_savepoint", "rollback_only", "control_fully"].includes(mode)) {
      // SQLAlchemy's message, naming the option as SQLAlchemy spells it.
      throw new ArgumentError(`invalid selection for join_transaction_mode: "${String(mode)}"`);
    }
    this.options = {
      expireOnCommit: options.expireOnCommit ?? true,
      autoflush: options.autoflush ?? true,
      autobegin: options.autobegin ?? true,
      joinTransactionMode: mode,
      closeResetsOnly: options.closeResetsOnly ?? true,
    };
    this.info = { ...options.info };
    this.execDefaults = options.executionOptions && Object.keys(options.executionOptions).length ? { ...options.executionOptions } : undefined;
    this[DISPATCH] = (makerDispatch ?? AsyncSession[DISPATCH]).child("AsyncSession");
    this.rootInserted = this.newInsertScope();
    (this.newStates as TrackingSet).scope = () => this.currentInserted();
    registerSession(this);
  }

  /**
   * The session `obj` belongs to (pending, persistent, or deleted in a transaction not yet
   * ended), or null (SQLAlchemy's `AsyncSession.object_session()` / `object_session()`).
   * @throws UnmappedInstanceError when `obj` is not a mapped instance.
   */
  static objectSession(obj: object): AsyncSession | null {
    return objectSession(obj);
  }

  /** The AsyncEngine or AsyncConnection the session was created with (SQLAlchemy's `Session.bind`). */
  get bind(): AsyncEngine | AsyncConnection {
    return (this.engine ?? this.outer)!;
  }

  /**
   * False only in the "partial rollback" state (SQLAlchemy 2.0's `Session.is_active`): after a
   * failed flush, until rollback() is called (meanwhile statements raise PendingRollbackError),
   * and after a failed COMMIT (the "prepared" state), until rollback().
   * With autobegin there is no inactive state between transactions, so it is otherwise true.
   */
  get isActive(): boolean {
    return !this.needsRollback && !this.commitFailed;
  }

  private newInsertScope(): InsertScope {
    return new InsertScope(this.batchOnlyBind);
  }
  private currentInserted(): InsertScope {
    return this.savepoints.length ? this.savepoints[this.savepoints.length - 1].inserted : this.rootInserted;
  }
  private currentDeleted(): Set<InstanceState> {
    return this.savepoints.length ? this.savepoints[this.savepoints.length - 1].deleted : this.rootDeleted;
  }

  // ---- concurrency guard ----------------------------------------------------------------------
  /**
   * Run `fn` as the session's one operation in progress. Public methods enter here before their
   * first await, so a second task calling in while the first awaits the database is refused
   * (SQLAlchemy 2.0 "Session raises proactively when illegal concurrent access is detected").
   */
  private guard<R>(what: string, fn: () => Promise<R>): Promise<R> {
    // A call from an event listener is let in (SQLAlchemy listeners may use the session); which
    // task made a call cannot be known, so the check is relaxed while any listener runs.
    if (this.busyCount > 0 && this.listenerDepth === 0) {
      return Promise.reject(
        new InvalidRequestError(
          `This session is already running ${this.busy}; concurrent ${what} is not permitted. An AsyncSession must not be shared between concurrent tasks: await each call, or use one session per task.`,
        ),
      );
    }
    const outer = this.busy;
    this.busy = what;
    this.busyCount++;
    const done = (): void => {
      this.busy = --this.busyCount === 0 ? undefined : outer;
    };
    let p: Promise<R>;
    try {
      p = fn();
    } catch (e) {
      done();
      return Promise.reject(e);
    }
    return p.finally(done);
  }

  // ---- session events ---------------------------------------------------------------------------
  /** Fire a session event, awaiting async listeners; the session may be used from inside them. */
  private async emit<K extends keyof SessionEvents & string>(name: K, ...args: Parameters<SessionEvents[K]>): Promise<void> {
    const d = this[DISPATCH];
    // hasAny() first: size checks only, no lookup, in the usual case of no listeners at all.
    if (!d.hasAny() || !d.has(name)) return;
    this.listenerDepth++;
    try {
      await d.fireAsync(name, ...args);
    } finally {
      this.listenerDepth--;
    }
  }
  /** Fire a session event from a synchronous method; a listener returning a Promise raises. */
  private emitSync<K extends keyof SessionEvents & string>(name: K, ...args: Parameters<SessionEvents[K]>): void {
    const d = this[DISPATCH];
    // hasAny() first: size checks only, no lookup, in the usual case of no listeners at all.
    if (!d.hasAny() || !d.has(name)) return;
    this.listenerDepth++;
    try {
      d.fire(name, ...args);
    } finally {
      this.listenerDepth--;
    }
  }
  /** Whether any session listener is registered: lets the hot paths skip their event awaits. */
  private get listened(): boolean {
    return this[DISPATCH].hasAny();
  }
  /** Fire afterRollback: the transaction is over while it runs (SQL raises "inactive"). */
  private async emitAfterRollback(): Promise<void> {
    if (!this[DISPATCH].has("afterRollback")) return;
    this.txPhase = "inactive";
    try {
      await this.emit("afterRollback", this);
    } finally {
      this.txPhase = undefined;
    }
  }
  /** afterTransactionEnd (and afterSoftRollback when `soft`) for `h`, now ended. */
  private async endHandle(h: SessionTransaction | undefined, soft: boolean): Promise<void> {
    if (!h || h._closed) return;
    h._closed = true;
    await this.emit("afterTransactionEnd", this, h);
    if (soft) await this.emit("afterSoftRollback", this, h);
  }
  /** The innermost session transaction: the last SAVEPOINT's, else the root one. */
  private currentHandle(): SessionTransaction | null {
    const sp = this.savepoints[this.savepoints.length - 1];
    if (sp) return (sp.handle ??= new SessionTransaction(this, sp.tx, this.getTransaction(), "beginNested"));
    return this.getTransaction();
  }
  /** Begin the root session transaction in memory and announce it (afterTransactionCreate). */
  private beginRoot(origin: "autobegin" | "begin"): void {
    this.txStarted = true;
    const h = (this.rootHandle = new SessionTransaction(this, undefined, null, origin));
    this.emitSync("afterTransactionCreate", this, h);
  }
  private checkNotClosed(): void {
    if (this.permanentlyClosed) {
      throw new InvalidRequestError("This Session has been permanently closed and is unable to handle any more transaction requests.");
    }
  }
  /**
   * Inside a `begin(fn)` / `beginNested(fn)` callback whose transaction was ended early (commit(),
   * rollback() or close() in the callback), refuse SQL and new transactions, as SQLAlchemy's
   * `TransactionalContext._trans_ctx_check()`.
   * @throws InvalidRequestError "Can't operate on closed transaction inside context manager. …"
   */
  private checkTransactionContext(): void {
    const ctx = this.txContext;
    if (ctx !== undefined && ctx._closed) {
      throw new InvalidRequestError(
        "Can't operate on closed transaction inside context manager.  Please complete the context manager before emitting further commands.",
      );
    }
  }
  private checkUsable(): void {
    if (this.txContext !== undefined) this.checkTransactionContext();
    if (this.txPhase === "committed") throw new InvalidRequestError("This session is in 'committed' state; no further SQL can be emitted within this transaction.");
    if (this.txPhase === "inactive") {
      throw new InvalidRequestError("This session is in 'inactive' state, due to the SQL transaction being rolled back; no further SQL can be emitted within this transaction.");
    }
    if (this.commitFailed) throw new InvalidRequestError("This session is in 'prepared' state; no further SQL can be emitted within this transaction.");
    if (this.needsRollback) {
      throw new PendingRollbackError(
        `This Session's transaction has been rolled back due to a previous exception during flush. To begin a new transaction with this Session, first issue session.rollback(). Original exception was: ${this.needsRollback.message}`,
      );
    }
  }

  // ---- connection and transaction ---------------------------------------------------------------
  /** The connection of the current transaction (beginning one if needed). */
  connection(): Promise<AsyncConnection> {
    return this.guard("connection()", () => this.connectionInner());
  }
  private async connectionInner(): Promise<AsyncConnection> {
    this.checkUsable();
    if (this.conn) return this.conn;
    this.autobeginT();
    return this.startTransaction();
  }
  /**
   * Begin the session's transaction if none is in progress (SQLAlchemy's `_autobegin_t()`): the
   * transaction is logical until a statement needs the connection, so add(), delete() and a
   * change to a persistent object begin it as in SQLAlchemy 2.0 (inTransaction() turns true,
   * and rollback() then has something to undo).
   * @throws InvalidRequestError when autobegin is disabled and begin() was not called.
   */
  private autobeginT(): void {
    if (this.txStarted) return;
    this.checkTransactionContext();
    this.checkNotClosed();
    if (!this.options.autobegin) {
      throw new InvalidRequestError("Autobegin is disabled on this Session; please call session.begin() to start a new transaction");
    }
    this.beginRoot("autobegin");
  }
  /**
   * A persistent object of this session had an attribute set (SQLAlchemy's `_modified_event`
   * autobegin); never raises: with autobegin disabled the change waits for begin(). @internal
   */
  _noteModified(): void {
    if (!this.txStarted && this.options.autobegin) this.beginRoot("autobegin");
  }
  private async startTransaction(): Promise<AsyncConnection> {
    if (this.engine) {
      const conn = await this.engine.connect();
      this.conn = conn;
      this.rootTx = undefined;
      this.shouldCommit = true;
      this.resolvedMode = "control_fully";
      this.txStarted = true;
      if (this.listened) await this.emit("afterBegin", this, this.getTransaction()!, conn);
      return conn;
    }
    const outer = this.outer!;
    if (outer.closed) throw new InvalidRequestError("The connection this Session is bound to is closed");
    let mode: JoinTransactionMode;
    if (!outer.inTransaction()) {
      // SQLAlchemy: a connection without a transaction is begun, and owned, by the session.
      this.rootTx = await outer.begin();
      mode = "control_fully";
    } else {
      mode = this.options.joinTransactionMode;
      if (mode === "conditional_savepoint") mode = outer.inNestedTransaction() ? "create_savepoint" : "rollback_only";
      if (mode === "create_savepoint") this.rootTx = await outer.beginNested();
      else this.rootTx = outer.getNestedTransaction() ?? outer.getTransaction();
    }
    this.resolvedMode = mode;
    this.shouldCommit = mode !== "rollback_only";
    this.conn = outer;
    this.txStarted = true;
    if (this.listened) await this.emit("afterBegin", this, this.getTransaction()!, outer);
    return outer;
  }

  /** The bound driver runs transactions only as one atomic batch (no interactive transactions). */
  private get batchOnlyBind(): boolean {
    const caps = (this.engine ?? this.outer!.engine).driver.capabilities;
    return !caps.interactiveTransactions && caps.atomicBatch;
  }

  /**
   * Whether a transaction is in progress (SQLAlchemy 2.0's `in_transaction()`): begun by begin(),
   * or autobegun by a statement, a flush, add(), delete() or a change to a persistent object.
   */
  inTransaction(): boolean {
    return this.txStarted || this.conn !== undefined;
  }
  /** Whether a session-level SAVEPOINT (beginNested()) is in progress. */
  inNestedTransaction(): boolean {
    return this.savepoints.length > 0;
  }
  /**
   * The root transaction in progress, or null (SQLAlchemy's `get_transaction()`): the handle
   * begin() returned, or for an autobegun transaction one made on first request, the same one
   * each time.
   */
  getTransaction(): SessionTransaction | null {
    if (!this.inTransaction()) return null;
    return (this.rootHandle ??= new SessionTransaction(this, undefined, null, "autobegin"));
  }
  /** The innermost beginNested() SAVEPOINT in progress, or null (SQLAlchemy's `get_nested_transaction()`). */
  getNestedTransaction(): SessionTransaction | null {
    const sp = this.savepoints[this.savepoints.length - 1];
    if (!sp) return null;
    return (sp.handle ??= new SessionTransaction(this, sp.tx, this.getTransaction(), "beginNested"));
  }
  /**
   * How the current transaction joined its connection: "control_fully" for engine-bound
   * sessions; for connection-bound ones the resolved {@link JoinTransactionMode} (never
   * "conditional_savepoint"); undefined outside a transaction.
   */
  get joinedTransactionMode(): Exclude<JoinTransactionMode, "conditional_savepoint"> | undefined {
    return this.conn ? (this.resolvedMode as Exclude<JoinTransactionMode, "conditional_savepoint">) : undefined;
  }

  /**
   * Begin explicitly. Callback form commits when `fn` returns and rolls back when it throws.
   * `await using tx = await session.begin()` rolls back on disposal unless committed.
   * @throws InvalidRequestError "A transaction is already begun on this Session." when one is in
   *   progress, autobegun ones included (add(), delete(), a change or a statement begin one).
   */
  begin(): Promise<SessionTransaction>;
  begin<R>(fn: (session: AsyncSession) => Promise<R>): Promise<R>;
  async begin<R>(fn?: (session: AsyncSession) => Promise<R>): Promise<SessionTransaction | R> {
    await this.guard("begin()", async () => {
      if (this.txStarted || this.conn) throw new InvalidRequestError("A transaction is already begun on this Session.  Use beginNested() for a SAVEPOINT");
      this.checkNotClosed();
      this.checkUsable();
      this.beginRoot("begin");
      try {
        await this.startTransaction();
      } catch (e) {
        // No connection: no transaction either (SQLAlchemy's would fail at its first statement).
        this.txStarted = false;
        await this.endHandle(this.rootHandle, false);
        this.rootHandle = undefined;
        throw e;
      }
    });
    const tx = this.getTransaction()!;
    if (!fn) return tx;
    return this.runInContext(tx, fn);
  }

  /**
   * The callback forms of begin() / beginNested() (SQLAlchemy's `TransactionalContext`): run `fn`
   * with `h` as the transaction context; when it returns, commit `h` if still active; when it
   * throws, roll `h` back. A transaction `fn` ended itself is left as it is, and inside `fn` after
   * that, SQL and new transactions raise (see {@link checkTransactionContext}).
   */
  private async runInContext<R>(h: SessionTransaction, fn: (session: AsyncSession) => Promise<R>): Promise<R> {
    const outer = this.txContext;
    this.txContext = h;
    try {
      const r = await fn(this);
      if (h.isActive) await h.commit();
      // Deactivated by a failed flush the callback caught: closed without commit, as SQLAlchemy.
      else if (!h._closed) await h.rollback();
      return r;
    } catch (e) {
      if (!h._closed) await h.rollback();
      throw e;
    } finally {
      this.txContext = outer;
    }
  }

  /**
   * Flush, then begin a SAVEPOINT. Callback form releases it when `fn` returns and rolls back
   * to it when `fn` throws; rolling back expunges objects added inside it, restores objects
   * deleted inside it, and expires only objects a flush inside it wrote or that have unflushed
   * changes (SQLAlchemy's savepoint rollback); the others keep their loaded values.
   */
  beginNested(): Promise<SessionTransaction>;
  beginNested<R>(fn: (session: AsyncSession) => Promise<R>): Promise<R>;
  async beginNested<R>(fn?: (session: AsyncSession) => Promise<R>): Promise<SessionTransaction | R> {
    const sp = await this.guard("beginNested()", async () => {
      await this.flushInner();
      const conn = await this.connectionInner();
      const parent = this.currentHandle();
      const t = await conn.beginNested();
      const scope: SavepointScope = { tx: t, inserted: this.newInsertScope(), deleted: new Set(), dirty: new Set(), keySwitches: new Map(), handle: undefined };
      this.savepoints.push(scope);
      const h = (scope.handle = new SessionTransaction(this, t, parent, "beginNested"));
      this.emitSync("afterTransactionCreate", this, h);
      await this.emit("afterBegin", this, h, conn);
      return scope;
    });
    const tx = sp.handle!;
    if (!fn) return tx;
    return this.runInContext(tx, fn);
  }

  /** @internal Release (commit) or roll back a session SAVEPOINT. */
  _endSavepoint(sp: Transaction, op: "commit" | "rollback"): Promise<void> {
    return this.guard(`${op}()`, async () => {
      const i = this.savepoints.findIndex((s) => s.tx === sp);
      if (i < 0) return;
      // The ended SAVEPOINT and any opened inside it, innermost first.
      const handles = this.savepoints.slice(i).map((s) => s.handle).reverse();
      if (op === "commit") {
        // SQLAlchemy's nested SessionTransaction.commit(): before_commit, flush, RELEASE, after_commit.
        await this.emit("beforeCommit", this);
        await this.flushInner();
        const scopes = this.savepoints.splice(i);
        const inserted = i > 0 ? this.savepoints[i - 1].inserted : this.rootInserted;
        const deleted = i > 0 ? this.savepoints[i - 1].deleted : this.rootDeleted;
        const dirty = i > 0 ? this.savepoints[i - 1].dirty : undefined;
        const switches = i > 0 ? this.savepoints[i - 1].keySwitches : this.rootKeySwitches;
        for (const s of scopes) {
          // The enclosing scope keeps the key an object had when it began.
          for (const [st, key] of s.keySwitches) if (!switches.has(st)) switches.set(st, key);
          s.inserted.mergedInto = inserted;
          if (s.inserted.strong) for (const st of s.inserted.strong) inserted.strong?.add(st);
          s.inserted.strong?.clear();
          for (const st of s.deleted) deleted.add(st);
          if (dirty) for (const st of s.dirty) dirty.add(st);
        }
        if (sp.isActive) await sp.commit();
        await this.emit("afterCommit", this);
        for (const h of handles) await this.endHandle(h, false);
        return;
      }
      const scopes = this.savepoints.splice(i);
      if (sp.isActive) await sp.rollback();
      // One afterRollback for the SAVEPOINT rolled back now (not again after a failed flush did it).
      if (handles.every((h) => !h?._deactivated)) await this.emitAfterRollback();
      this.needsRollback = undefined;
      this.restoreKeys(scopes.map((s) => s.keySwitches));
      // Objects added inside the SAVEPOINT and not flushed are expunged with the flushed ones.
      for (const st of [...this.newStates]) this.expungeState(st);
      this.unInsertScopes(scopes.map((s) => s.inserted));
      for (const s of scopes) this.restoreDeleted(s.deleted);
      this.expireChangedIn(scopes);
      for (const h of handles) await this.endHandle(h, true);
    });
  }

  /**
   * Flush, then commit the transaction (per {@link JoinTransactionMode}), end it and, by default
   * (`expireOnCommit`), expire every object. Deleted objects become detached. With no
   * transaction in progress one is autobegun and committed, so objects are still expired.
   * @throws InvalidRequestError when autobegin is disabled and no transaction was begun.
   */
  commit(): Promise<void> {
    return this.guard("commit()", async () => {
      // SQLAlchemy autobegins a transaction to commit: expire-on-commit applies even with no
      // statement run, and a session with autobegin disabled refuses.
      this.autobeginT();
      const root = this.getTransaction()!;
      const nested = this.savepoints.map((sp) => sp.handle).reverse();
      if (this.listened) await this.emit("beforeCommit", this);
      await this.flushInner();
      // Flush listeners may add objects: flush again until nothing is left (SQLAlchemy's
      // _prepare_impl() loop). Without session listeners one flush leaves nothing to do.
      if (this[DISPATCH].hasAny()) {
        for (let flushes = 1; this.hasChanges(); flushes++) {
          if (flushes >= 100) {
            throw new FlushError("Over 100 subsequent flushes have occurred within session.commit() - is an after_flush() hook creating new objects?");
          }
          await this.flushInner();
        }
      }
      if (!this.conn) {
        /* nothing reached the database: only the in-memory end of the transaction */
      } else if (this.engine && this.conn.batchOnly) {
        // The flush only queued the writes: this one request applies (or rejects) all of them.
        try {
          await this.conn.commit();
        } catch (e) {
          await this.rollbackInner();
          throw e;
        }
      } else {
        try {
          if (this.engine) await this.conn.commit();
          else if (this.shouldCommit && this.rootTx?.isActive) await this.rootTx.commit();
        } catch (e) {
          // The flush succeeded and the database refused the COMMIT: objects keep their flushed
          // state until rollback() undoes the transaction in memory (SQLAlchemy's PREPARED state).
          this.commitFailed = true;
          throw e;
        }
      }
      const deleted = [...this.rootDeleted, ...this.savepoints.flatMap((sp) => [...sp.deleted])];
      // Before objects are expired or detached: listeners still read the committed values.
      if (this[DISPATCH].has("afterCommit")) {
        this.txPhase = "committed";
        try {
          await this.emit("afterCommit", this);
        } finally {
          this.txPhase = undefined;
        }
      }
      await this.finishTransaction();
      for (const st of deleted) if (st.status === "deleted") this.detach(st);
      if (this.options.expireOnCommit) this.expireAllInternal();
      for (const h of nested) await this.endHandle(h, false);
      await this.endHandle(root, false);
    });
  }

  /**
   * Roll back the whole transaction (SAVEPOINTs included): objects added in it are expunged
   * (back to transient), deleted ones restored, and every persistent object expired. With no
   * transaction in progress it does nothing (no expiry, no afterRollback event), as SQLAlchemy.
   */
  rollback(): Promise<void> {
    // No transaction in progress: nothing to undo, nothing expired (SQLAlchemy).
    return this.guard("rollback()", async () => {
      if (!this.inTransaction()) return;
      await this.rollbackInner();
    });
  }
  /**
   * Roll back the root transaction and every SAVEPOINT, with SQLAlchemy's events per level,
   * innermost first: afterRollback (unless a failed flush already rolled that level back),
   * afterTransactionEnd, afterSoftRollback; the root's afterRollback comes before objects are
   * expunged or expired.
   */
  private async rollbackInner(): Promise<void> {
    const inserted = [this.rootInserted, ...this.savepoints.map((sp) => sp.inserted)];
    const deleted = new Set([...this.rootDeleted, ...this.savepoints.flatMap((sp) => [...sp.deleted])]);
    const switches = [new Map(this.rootKeySwitches), ...this.savepoints.map((sp) => sp.keySwitches)];
    const root = this.getTransaction()!;
    const nested = this.savepoints.map((sp) => sp.handle).reverse();
    if (this.conn) {
      if (this.engine) await this.conn.rollback();
      else if (this.rootTx?.isActive) await this.rootTx.rollback();
    }
    for (const h of nested) {
      if (h && !h._deactivated) await this.emitAfterRollback();
      await this.endHandle(h, true);
    }
    if (this.listened && !root._deactivated) await this.emitAfterRollback();
    await this.finishTransaction(true);
    this.needsRollback = undefined;
    this.commitFailed = false;
    this.restoreKeys(switches);
    for (const st of [...this.newStates]) this.expungeState(st);
    this.unInsertScopes(inserted);
    this.restoreDeleted(deleted);
    this.expireAllInternal();
    await this.endHandle(root, true);
  }

  /**
   * Objects whose loaded values an ORM-enabled UPDATE/DELETE changed in memory (synchronizeSession):
   * inside a SAVEPOINT they are expired if it is rolled back (SQLAlchemy's `_register_altered()`).
   * @internal
   */
  _registerAltered(states: Iterable<InstanceState>): void {
    const sp = this.savepoints[this.savepoints.length - 1];
    if (sp) for (const st of states) sp.dirty.add(st);
  }

  /**
   * After a SAVEPOINT rollback, expire only what no longer matches the database: objects a flush
   * inside it wrote, and objects with unflushed changes (SQLAlchemy's `_restore_snapshot(
   * dirty_only=True)`); objects left clean keep their loaded values.
   */
  private expireChangedIn(scopes: readonly SavepointScope[]): void {
    const expire = new Set<InstanceState>();
    for (const s of scopes) for (const st of s.dirty) expire.add(st);
    for (const st of modifiedStates(this.id)) if (st.status === "persistent" && st.sessionId === this.id && st.hasChanges()) expire.add(st);
    for (const st of expire) {
      if (st.status !== "persistent" || st.sessionId !== this.id) continue;
      expireState(st, undefined);
      announceExpired(st, null);
    }
  }

  /**
   * Objects made pending in any of `scopes` (rolled back): found by their mark among the
   * identity map, the pending set and the scopes' strong sets, then made transient.
   */
  private unInsertScopes(scopes: readonly InsertScope[]): void {
    const rolled = new Set(scopes);
    const visit = (st: InstanceState): void => {
      const sc = st.insertScope;
      if (sc instanceof InsertScope && rolled.has(sc.resolve())) this.unInsert(st);
    };
    for (const o of this.identityMap.values()) visit(stateOf(o)!);
    for (const st of [...this.newStates]) visit(st);
    for (const sc of scopes) if (sc.strong) for (const st of sc.strong) visit(st);
    for (const sc of scopes) sc.strong?.clear();
  }
  /** An object inserted in a rolled-back scope: its row is gone, so it is transient again. */
  private unInsert(st: InstanceState): void {
    if (st.sessionId !== this.id) return;
    const was = st.status;
    if (was !== "persistent" && was !== "pending") return;
    this.newStates.delete(st);
    if (st.key && this.identityMap.get(st.key) === st.obj) this.identityMap.delete(st.key);
    st.key = undefined;
    st.status = "transient";
    st.sessionId = undefined;
    st.insertScope = undefined;
    st.committed = Object.create(null) as Record<string, unknown>;
    st.committedCollections.clear();
    st.expiredMutable?.clear();
    this.emitSync(was === "pending" ? "pendingToTransient" : "persistentToTransient", this, st.obj);
  }
  /**
   * Put objects whose primary key a rolled-back flush changed back under the identity key they
   * had when the rolled-back scope began (SQLAlchemy's `_restore_snapshot()` undoing
   * `_key_switches`). `scopes` go outermost first: an outer scope's key wins. All moved objects
   * leave their new keys before any takes an old one, so a swap of two keys restores cleanly.
   */
  private restoreKeys(scopes: readonly Map<InstanceState, KeySwitch>[]): void {
    const old = new Map<InstanceState, KeySwitch>();
    for (let i = scopes.length - 1; i >= 0; i--) for (const [st, key] of scopes[i]) old.set(st, key);
    for (const s of scopes) s.clear();
    if (!old.size) return;
    for (const st of old.keys()) {
      const k = st.key;
      if (st.sessionId === this.id && k !== undefined && this.identityMap.get(k) === st.obj) this.identityMap.delete(k);
    }
    for (const [st, { key, pk }] of old) {
      if (st.sessionId !== this.id || st.key === undefined) continue;
      st.key = key;
      // Primary-key attributes are never expired: they take back the values of the restored key.
      const d = st.dict;
      const c = st.committed;
      st.mapper.pkProps.forEach((p, i) => {
        d[p.key] = pk[i];
        c[p.key] = pk[i];
      });
      if (st.status === "persistent") this.identityMap.set(key, st.obj);
    }
  }
  /**
   * Objects whose DELETE was rolled back are persistent again; unflushed delete() marks are dropped.
   * An object loaded meanwhile under the same identity (a row INSERTed out of band after the
   * DELETE) is replaced and leaves the session, as SQLAlchemy's `identity_map.replace()`.
   */
  private restoreDeleted(flushed: Iterable<InstanceState>): void {
    for (const st of flushed) {
      if (st.status !== "deleted" || st.sessionId !== this.id) continue;
      st.status = "persistent";
      if (st.key) {
        const existing = this.identityMap.get(st.key);
        if (existing !== undefined && existing !== st.obj) this.detach(stateOf(existing)!);
        this.identityMap.set(st.key, st.obj);
      }
      this.emitSync("deletedToPersistent", this, st.obj);
    }
    for (const st of this.deletedStates) st.markedDeleted = false;
    this.deletedStates.clear();
  }

  /** @param keepScopes the caller still reads the ended scopes' strong sets (rollback), and clears them. */
  private async finishTransaction(keepScopes = false): Promise<void> {
    this.batchKeys = undefined;
    const conn = this.conn;
    this.conn = undefined;
    this.rootTx = undefined;
    if (!keepScopes) {
      // An object keeps its scope mark after the transaction; the scope must not keep the objects.
      this.rootInserted.strong?.clear();
      for (const sp of this.savepoints) sp.inserted.strong?.clear();
    }
    this.savepoints = [];
    this.rootInserted = this.newInsertScope();
    this.rootDeleted.clear();
    this.rootKeySwitches.clear();
    this.txStarted = false;
    this.rootHandle = undefined;
    this.resolvedMode = undefined;
    if (conn && this.engine) await conn.close();
  }

  /**
   * End the transaction and detach every object. Engine-bound: rolls back and returns the
   * connection. Connection-bound: rolls back what the session controls ("create_savepoint":
   * its SAVEPOINT; "control_fully": the joined transaction) and leaves a "rollback_only"
   * outer transaction alone; the connection itself stays open. The session can be used again.
   */
  close(): Promise<void> {
    return this.closeImpl("close()", !this.options.closeResetsOnly);
  }
  /**
   * End the transaction and detach every object, as close() does, leaving the session usable
   * even when it was made with `closeResetsOnly: false` (SQLAlchemy 2.0.22's `Session.reset()`).
   */
  reset(): Promise<void> {
    return this.closeImpl("reset()", false);
  }
  /**
   * Close the session, discarding its connection rather than reusing it (SQLAlchemy's
   * `Session.invalidate()`, for when the connection's state is unknown, e.g. after a
   * cancelled operation): an engine-bound session's connection is rolled back if possible and
   * released, and every object is detached. The session stays usable with a new connection.
   */
  invalidate(): Promise<void> {
    return this.closeImpl("invalidate()", false);
  }
  private closeImpl(what: string, permanently: boolean): Promise<void> {
    return this.guard(what, async () => {
      if (permanently) this.permanentlyClosed = true;
      // SQLAlchemy's _close_impl(): objects are detached first, then each transaction is closed
      // (afterTransactionEnd, innermost first; no rollback events).
      const handles = [...this.savepoints.map((sp) => sp.handle).reverse(), this.inTransaction() ? this.getTransaction()! : undefined];
      this.expungeAllInternal();
      this.deletedStates.clear();
      if (this.conn) {
        try {
          if (this.engine) await this.conn.rollback();
          else if (this.shouldCommit && this.rootTx?.isActive) await this.rootTx.rollback();
        } finally {
          await this.finishTransaction();
        }
      }
      this.txStarted = false;
      this.rootHandle = undefined;
      this.savepoints = [];
      this.needsRollback = undefined;
      this.commitFailed = false;
      forgetSession(this.id);
      for (const h of handles) await this.endHandle(h, false);
    });
  }
  /** `await using session = new AsyncSession(engine)` closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- object state -----------------------------------------------------------------------------
  private stateFor(obj: unknown, _op: string): InstanceState {
    const st = stateOf(obj);
    if (!st) throw unmappedInstance(obj);
    return st;
  }
  /**
   * Refuse an object that belongs to another live session, and autobegin (SQLAlchemy's
   * `_before_attach()`).
   * @throws ObjectStateError "Object '<User at 0x…>' is already attached to session 'n' (this is 'm')".
   */
  private beforeAttach(st: InstanceState): void {
    this.autobeginT();
    const sid = st.sessionId;
    if (sid !== undefined && sid !== this.id && sessionById(sid) !== null) {
      throw new ObjectStateError(`Object '${stateStr(st)}' is already attached to session '${sid}' (this is '${this.id}')`);
    }
  }
  /**
   * Put a state with an identity into the identity map (SQLAlchemy's `IdentityMap.add()`).
   * @throws ObjectStateError when another instance holds the same identity in this session.
   */
  private identityMapAdd(st: InstanceState): void {
    const existing = this.identityMap.get(st.key!);
    if (existing && existing !== st.obj) {
      throw new ObjectStateError(`Can't attach instance ${stateStr(st)}; another instance with key ${identityKeyStr(st)} is already present in this session.`);
    }
    if (!existing) this.identityMap.set(st.key!, st.obj);
  }
  /**
   * Add a transient object (→ pending, INSERTed at the next flush) or a detached one
   * (→ persistent); a persistent object of this session is left as it is. Loaded related
   * objects join at once through the save-update cascade (SQLAlchemy's cascade on add), and
   * objects related after that at the next flush. Autobegins the session's transaction.
   * @throws ObjectStateError (an InvalidRequestError) for an object of another session, a deleted
   *   one ("has been deleted. Use the make_transient() function …"), or a detached one whose
   *   identity is already taken by another instance in this session.
   * @throws InvalidRequestError when autobegin is disabled and no transaction was begun.
   * Warns (SQLAlchemy's flush warning) when called from a mapper persistence listener during a flush.
   */
  add(obj: object): void {
    if (this.warnOnEvents) flushWarning("Session.add()");
    this.addOne(obj);
  }
  private addOne(obj: object): void {
    const st = this.stateFor(obj, "add");
    this.saveOrUpdate(st);
    if (this.cascadedEver) this.cascadedFrom.delete(st);
    if (st.mapper.relationships.size) this._cascadeSaveUpdate(st);
  }
  /**
   * The save-update cascade from `st` (SQLAlchemy's `_save_or_update_state()`): loaded related
   * objects not yet in this session join it now (transient → pending, detached → persistent),
   * not at the next flush; objects already in the session are neither re-added nor descended
   * into. Called by add(), and when relationship `onlyKey` of an object in this session is assigned.
   * @internal
   */
  _cascadeSaveUpdate(root: InstanceState, onlyKey?: string): void {
    const queue = [root];
    const seen = new Set(queue);
    while (queue.length) {
      const cur = queue.pop()!;
      const d = cur.current;
      for (const rel of cur.mapper.relationships.values()) {
        if (cur === root && onlyKey !== undefined && rel.key !== onlyKey) continue;
        if (!rel.cascade.saveUpdate || rel.viewonly || rel.lazy === "write_only" || !(rel.key in d)) continue;
        const v = d[rel.key];
        const items = rel.uselist ? [...((v as object[] | null) ?? [])] : v ? [v as object] : [];
        // Objects removed from a loaded collection cascade too (SQLAlchemy's `get_all_pending`).
        if (rel.uselist && cur.hasCommittedCollections) for (const o of cur.committedCollections.get(rel.key) ?? []) items.push(o);
        else if (!rel.uselist && !cur.committedIsCurrent) {
          // ... and so does the replaced value of a scalar (the history's deleted side).
          const old = cur.committed[rel.key];
          if (old && old !== v) items.push(old as object);
        }
        for (const o of items) {
          const os = stateOf(o);
          if (!os || seen.has(os)) continue;
          if (os.mapper !== rel.mapper) rel.checkCascadeType(os);
          seen.add(os);
          if (this.contains(o)) continue;
          const wasTransient = os.key === undefined;
          this.saveOrUpdate(os);
          if (wasTransient && rel.cascade.deleteOrphan) {
            this.cascadedFrom.set(os, { parent: cur, key: rel.key });
            this.cascadedSinceFlush = this.cascadedEver = true;
          }
          queue.push(os);
        }
      }
    }
  }
  /**
   * Relationship `key` of `st`, an object of this session, was assigned (SQLAlchemy's cascade
   * "set" / "remove" events): the new related objects join the session, and pending objects the
   * assignment orphaned along a delete-orphan relationship leave it. @internal
   */
  _relationshipAssigned(st: InstanceState, key: string, oldValue: unknown): void {
    const rel = st.mapper.relationships.get(key);
    if (!rel || rel.viewonly) return;
    if (rel.cascade.saveUpdate) this._cascadeSaveUpdate(st, key);
    if (rel.cascade.deleteOrphan && oldValue) this.dropPendingOrphans(st, key, Array.isArray(oldValue) ? oldValue : [oldValue as object]);
  }
  /**
   * Items pushed onto or taken out of collection `key` of `st`, an object in this session
   * (SQLAlchemy's append / remove events): with the save-update cascade the appended objects
   * (and what they reach) join the session now; pending orphans that delete-orphan made leave
   * it. Only the changed items are visited, so building a collection item by item stays linear.
   * @internal
   */
  _collectionChanged(st: InstanceState, key: string, added: readonly object[], removed: readonly object[]): void {
    const rel = st.mapper.relationships.get(key);
    if (!rel || rel.viewonly) return;
    if (rel.cascade.saveUpdate && rel.lazy !== "write_only") {
      for (const o of added) {
        const os = stateOf(o);
        if (!os) continue;
        if (os.mapper !== rel.mapper) rel.checkCascadeType(os);
        if (this.contains(o)) continue;
        const wasTransient = os.key === undefined;
        this.saveOrUpdate(os);
        if (wasTransient && rel.cascade.deleteOrphan) {
          this.cascadedFrom.set(os, { parent: st, key });
          this.cascadedSinceFlush = this.cascadedEver = true;
        }
        if (os.mapper.relationships.size) this._cascadeSaveUpdate(os);
      }
    }
    if (rel.cascade.deleteOrphan && removed.length) this.dropPendingOrphans(st, key, removed);
  }
  /** Pending objects no longer held by `st.key` (nor through a reverse relationship) that the delete-orphan cascade brought in leave the session. */
  private dropPendingOrphans(st: InstanceState, key: string, olds: readonly object[]): void {
    for (const o of olds) {
      const os = stateOf(o);
      if (!os || !this.newStates.has(os) || holds(st, key, os) || this.heldThroughReverse(st, key, os)) continue;
      this.cascadedFrom.delete(os);
      this.expungeOrphan(os);
    }
  }
  /** SQLAlchemy's `_save_or_update_impl()`: one object, no cascade. */
  private saveOrUpdate(st: InstanceState): void {
    this.beforeAttach(st);
    // Attach events only for an object not yet in this session (SQLAlchemy's `to_attach`).
    const toAttach = st.sessionId !== this.id;
    if (st.key === undefined) {
      if (st.status === "pending" && !toAttach) return;
      if (toAttach) this.emitSync("beforeAttach", this, st.obj);
      st.addedTo(this.id);
      this.newStates.add(st);
      if (toAttach) {
        this.emitSync("afterAttach", this, st.obj);
        this.emitSync("transientToPending", this, st.obj);
      }
      return;
    }
    if (st.status === "deleted" || st.wasDeleted) {
      throw new ObjectStateError(`Instance '${stateStr(st)}' has been deleted.  Use the make_transient() function to send this object back to the transient state.`);
    }
    if (st.status !== "persistent" || toAttach) {
      if (toAttach) this.emitSync("beforeAttach", this, st.obj);
      this.identityMapAdd(st);
      st.status = "persistent";
      st.sessionId = this.id;
      if (toAttach) {
        this.emitSync("afterAttach", this, st.obj);
        this.emitSync("detachedToPersistent", this, st.obj);
      }
    }
    // SQLAlchemy's `_update_impl()`: adding an object marked for deletion takes the mark back.
    if (st.markedDeleted) {
      st.markedDeleted = false;
      this.deletedStates.delete(st);
    }
  }
  /** Add several objects. */
  addAll(objs: Iterable<object>): void {
    if (this.warnOnEvents) flushWarning("Session.addAll()");
    for (const o of objs) this.addOne(o);
  }
  /**
   * Mark a persistent or detached object for deletion at the next flush (SQLAlchemy's
   * `Session.delete()`): a detached object is attached again first; an object whose DELETE was
   * already flushed in this transaction is marked again (its next DELETE matches no row and
   * warns). Its state becomes "deleted" after the flush, "detached" after commit.
   * @throws InvalidRequestError "Instance '<User at 0x…>' is not persisted" for a transient or
   *   pending object.
   * @throws ObjectStateError (an InvalidRequestError) for an object of another session, or a
   *   detached one whose identity another instance holds in this session.
   * Warns (SQLAlchemy's flush warning) when called from a mapper persistence listener during a flush.
   */
  delete(obj: object): void {
    if (this.warnOnEvents) flushWarning("Session.delete()");
    this.deleteOne(obj);
  }
  private deleteOne(obj: object): void {
    const st = this.stateFor(obj, "delete");
    if (st.key === undefined) throw new InvalidRequestError(`Instance '${stateStr(st)}' is not persisted`);
    // The delete cascade is collected first, as SQLAlchemy does, so `session.deleted` lists the
    // loaded children at once; unloaded ones are found (and loaded) by the flush.
    const cascaded = cascadeStates(st, "delete");
    for (const s of cascaded) if (s.key !== undefined) this.markDeleted(s);
  }
  /** delete() each object in turn (SQLAlchemy 2.1's `Session.delete_all()`). */
  deleteAll(objs: Iterable<object>): void {
    if (this.warnOnEvents) flushWarning("Session.deleteAll()");
    for (const o of objs) this.deleteOne(o);
  }
  private markDeleted(st: InstanceState): void {
    this.beforeAttach(st);
    if (st.markedDeleted && this.deletedStates.has(st)) return;
    const toAttach = st.sessionId !== this.id;
    if (toAttach) this.emitSync("beforeAttach", this, st.obj);
    this.identityMapAdd(st);
    if (st.status !== "persistent") {
      st.status = "persistent";
      st.sessionId = this.id;
    }
    // Persistent (and not yet in `session.deleted`) when the attach events run, as SQLAlchemy's _delete_impl().
    if (toAttach) {
      this.emitSync("afterAttach", this, st.obj);
      this.emitSync("detachedToPersistent", this, st.obj);
    }
    st.markedDeleted = true;
    this.deletedStates.add(st);
  }
  /**
   * Remove an object from the session, and the loaded objects its relationships reach through
   * the expunge cascade: persistent → detached, pending → transient.
   * @throws InvalidRequestError "Instance <User at 0x…> is not present in this Session".
   */
  expunge(obj: object): void {
    const st = this.stateFor(obj, "expunge");
    if (st.sessionId !== this.id) throw new ObjectStateError(`Instance ${stateStr(st)} is not present in this Session`);
    for (const s of cascadeStates(st, "expunge")) if (s.sessionId === this.id) this.expungeState(s);
  }
  /** Expunge one object of this session, without the expunge cascade (makeTransient()). @internal */
  _expungeOne(st: InstanceState): void {
    if (st.sessionId === this.id) this.expungeState(st);
  }
  /** Remove every object from the session. */
  expungeAll(): void {
    this.expungeAllInternal();
  }
  private expungeAllInternal(): void {
    const d = this[DISPATCH];
    // Listened to: the identity map and pending objects are visited for their events (SQLAlchemy's
    // expunge_all() → persistent_to_detached / pending_to_transient); flushed DELETEs, outside the
    // identity map, get none, as there.
    const visited =
      d.has("persistentToDetached") || d.has("pendingToTransient")
        ? [...[...this.identityMap.values()].map((o) => stateOf(o)!), ...this.newStates].map((st) => [st, st.status] as const)
        : undefined;
    // Every attached state (identity-mapped, pending, deleted) applies the expunge when next
    // read: no pass over the identity map, which may hold every object of a large load.
    endAttachments(this.id);
    this.identityMap.clear();
    this.newStates.clear();
    this.deletedStates.clear();
    if (visited) {
      for (const [st, was] of visited) {
        if (was === "pending") this.emitSync("pendingToTransient", this, st.obj);
        else if (was === "persistent") this.emitSync("persistentToDetached", this, st.obj);
      }
    }
  }
  private expungeState(st: InstanceState): void {
    const was = st.status;
    // Size checks first: a Set lookup hashes the state, and most expunged states are in neither.
    if (this.newStates.size) this.newStates.delete(st);
    if (this.deletedStates.size) this.deletedStates.delete(st);
    if (st.key && this.identityMap.get(st.key) === st.obj) this.identityMap.delete(st.key);
    // A flushed DELETE expunged is no longer the transaction's to restore or detach.
    if (st.status === "deleted") {
      this.rootDeleted.delete(st);
      for (const sp of this.savepoints) sp.deleted.delete(st);
    }
    st.status = st.status === "pending" ? "transient" : "detached";
    st.markedDeleted = false;
    st.sessionId = undefined;
    if (was === "pending") this.emitSync("pendingToTransient", this, st.obj);
    else if (was === "deleted") this.emitSync("deletedToDetached", this, st.obj);
    else if (was === "persistent") this.emitSync("persistentToDetached", this, st.obj);
  }
  private detach(st: InstanceState): void {
    if (st.key && this.identityMap.get(st.key) === st.obj) this.identityMap.delete(st.key);
    const was = st.status;
    st.status = "detached";
    st.sessionId = undefined;
    if (was === "deleted") this.emitSync("deletedToDetached", this, st.obj);
  }
  /**
   * Expire attributes (all, or the named ones) of a persistent object: reading them then raises
   * ExpiredAttributeError until `await session.refresh(obj)` (athanor never loads implicitly).
   * Pending changes to those attributes are discarded. Expiring the whole object also follows
   * loaded relationships with the refresh-expire cascade (included in "all"): related persistent
   * objects are expired, pending ones expunged.
   * @throws ArgumentError for a name that is not an attribute.
   * @throws InvalidRequestError "Instance '<User at 0x…>' is not persistent within this Session"
   *   for an object not in this session's identity map (transient, pending, detached).
   */
  expire(obj: object, attrs?: readonly string[]): void {
    const st = this.stateFor(obj, "expire");
    this.validatePersistent(st);
    if (attrs?.length) {
      expireState(st, attrs);
      return announceExpired(st, attrs);
    }
    // The refresh-expire cascade is gathered first: expiring `st` unloads its relationships.
    const cascaded = st.mapper.relationships.size ? cascadeStates(st, "refreshExpire") : [st];
    expireState(st, undefined);
    announceExpired(st, null);
    for (const c of cascaded.slice(1)) this.conditionalExpire(c);
  }
  /** SQLAlchemy's `_conditional_expire()`: expire a persistent object of this session, expunge a pending one. */
  private conditionalExpire(st: InstanceState): void {
    if (st.sessionId !== this.id) return;
    if (st.status === "persistent") {
      expireState(st, undefined);
      announceExpired(st, null);
    } else if (st.status === "pending") this.expungeState(st);
  }
  /**
   * SQLAlchemy's `_validate_persistent()`: the object is in this session's identity map.
   * @throws InvalidRequestError "Instance '<User at 0x…>' is not persistent within this Session".
   */
  private validatePersistent(st: InstanceState): void {
    if (st.key === undefined || st.sessionId !== this.id || st.status !== "persistent" || this.identityMap.get(st.key) !== st.obj) {
      throw new ObjectStateError(`Instance '${stateStr(st)}' is not persistent within this Session`);
    }
  }
  /** Expire every persistent object. */
  expireAll(): void {
    this.expireAllInternal();
  }
  private expireAllInternal(): void {
    // Lazily: each attached persistent object expires itself when next used (see expireAttached).
    expireAttached(this.id, expirePlan);
    // SQLAlchemy's expire event for every object of the identity map: only a listener makes
    // this pass over it.
    if (instanceEventListened("expire")) {
      for (const obj of this.identityMap.values()) {
        const st = stateOf(obj);
        if (st && st.status === "persistent" && st.sessionId === this.id) announceExpired(st, null);
      }
    }
  }
  /** Pending objects. */
  get new(): object[] {
    return [...this.newStates].map((s) => s.obj);
  }
  /**
   * Persistent objects not marked for deletion that had an attribute assigned since their last
   * load or flush, or have changed collections or queued write-only changes (SQLAlchemy's
   * optimistic `Session.dirty`: assigning the value an attribute already has counts; use
   * isModified() for net changes).
   */
  get dirty(): object[] {
    return [...modifiedStates(this.id)]
      .filter((st) => st.status === "persistent" && st.sessionId === this.id && !st.markedDeleted && (st.attributeSet || st.hasChanges() || hasPendingWriteOnly(st)))
      .map((st) => st.obj);
  }
  /** Objects marked for deletion. */
  get deleted(): object[] {
    return [...this.deletedStates].filter((s) => s.markedDeleted).map((s) => s.obj);
  }
  /**
   * Whether `obj` has net changes to its attributes (SQLAlchemy's `Session.is_modified()`, which
   * emits no SQL): for a persistent object, loaded values that differ from the committed ones;
   * for a transient or pending one, any attribute given a value. `includeCollections: false`
   * leaves collections out.
   * @throws UnmappedInstanceError when `obj` is not a mapped instance.
   */
  isModified(obj: object, opts: { includeCollections?: boolean } = {}): boolean {
    const st = this.stateFor(obj, "isModified");
    const collections = opts.includeCollections ?? true;
    if (st.key === undefined) return hasAssignedValues(st, collections);
    if (!collections) return st.changedColumnKeys().length > 0 || changedScalarRelationship(st);
    return st.hasChanges() || hasPendingWriteOnly(st);
  }
  /**
   * Whether the object is in this session (pending or persistent), as SQLAlchemy's `obj in session`.
   * @throws UnmappedInstanceError when `obj` is not a mapped instance.
   */
  contains(obj: object): boolean {
    // SQLAlchemy's `__contains__`: a non-mapped argument is an error, not "not contained".
    const st = this.stateFor(obj, "contains");
    return st.sessionId === this.id && (st.status === "pending" || st.status === "persistent");
  }
  /**
   * The write-only collection `rel` of `obj` (a relationship declared with `writeOnly()` /
   * `lazy: "write_only"`): add/remove are flushed by this session's unit of work; select(),
   * insert(), update() and delete() build statements over the related rows.
   * @throws ArgumentError when the relationship is not write-only.
   */
  writeOnly<T extends object>(obj: object, rel: RelationshipSpec<T>): WriteOnlyCollection<T>;
  writeOnly(obj: object, rel: string): WriteOnlyCollection<object>;
  writeOnly(obj: object, rel: RelationshipSpec<object> | string): WriteOnlyCollection<object> {
    return typeof rel === "string" ? writeOnlyCollection(obj, rel) : writeOnlyCollection(obj, rel);
  }

  /**
   * Run `fn` with autoflush off (SQLAlchemy's `Session.no_autoflush`): queries inside it do not
   * flush pending changes first. Returns what `fn` returns.
   */
  async noAutoflush<R>(fn: (session: AsyncSession) => Promise<R>): Promise<R> {
    this.noAutoflushDepth++;
    try {
      return await fn(this);
    } finally {
      this.noAutoflushDepth--;
    }
  }

  // ---- flush ---------------------------------------------------------------------------------
  /** Whether a flush has anything to do; looks only at flagged states, never the identity map. */
  private hasChanges(): boolean {
    if (this.newStates.size) return true;
    for (const st of this.deletedStates) if (st.status === "persistent") return true;
    // Before hasModifiedStates(), which unregisters states without column/collection changes.
    for (const st of modifiedStates(this.id)) if (hasPendingWriteOnly(st)) return true;
    return hasModifiedStates(this.id);
  }
  /**
   * Write pending changes (INSERT/UPDATE/DELETE in dependency order) within the transaction.
   * On failure the transaction (or the innermost beginNested() SAVEPOINT) is rolled back,
   * in-memory objects are restored, and the session raises PendingRollbackError until
   * `rollback()` is called.
   */
  flush(): Promise<void> {
    return this.guard("flush()", () => this.flushInner(true));
  }
  /** @param explicit a user's flush() (hands out every new key on batch-only drivers). */
  /**
   * Warn about objects whose discriminator names a class they cannot be loaded as (SQLAlchemy's
   * `_validate_polymorphic_identity()` at flush): the value must be the identity of the object's
   * class or of a subclass stored in the same tables, else the row written would load as another
   * class, or miss a subclass table row.
   */
  private validatePolymorphicIdentities(): void {
    const check = (st: InstanceState): void => {
      const mapper = st.mapper;
      const on = mapper.base.polymorphicOn;
      if (!on || st.markedDeleted) return;
      const value = st.dict[on.key];
      if (value === undefined || value === null) return;
      const n = mapper.tables.length;
      if (value === mapper.polymorphicIdentity) return;
      for (const d of mapper.descendants) if (d.polymorphicIdentity === value && d.tables.length === n) return;
      warn(`Flushing object ${stateStr(st)} with incompatible polymorphic identity ${pyRepr(value)}; the object may not refresh and/or load correctly`);
    };
    this.newStates.forEach(check);
    for (const st of modifiedStates(this.id)) if (st.sessionId === this.id && st.status === "persistent") check(st);
  }

  /**
   * @throws InvalidRequestError "Session is already flushing" when called from inside a flush
   *   (a flush event listener), as SQLAlchemy.
   */
  private async flushInner(explicit = false): Promise<void> {
    if (this.flushing) throw new InvalidRequestError("Session is already flushing");
    this.checkUsable();
    if (!this.hasChanges()) return;
    this.flushing = true;
    try {
      await this.flushBody(explicit);
    } finally {
      this.flushing = false;
    }
  }
  /**
   * The flush, in SQLAlchemy's order of events: beforeFlush; the flush's subtransaction
   * (afterTransactionCreate, afterBegin when it takes the connection); the statements (mapper
   * events); afterFlush; persistentToDeleted / pendingToPersistent; afterFlushPostexec;
   * afterTransactionEnd. A failed flush rolls back (afterRollback), then ends the subtransaction
   * (afterTransactionEnd, afterSoftRollback).
   */
  private async flushBody(explicit: boolean): Promise<void> {
    if (this.listened) await this.emit("beforeFlush", this);
    this.expungePendingOrphans();
    if (!this.hasChanges()) return;
    let sub: SessionTransaction | undefined;
    if (this[DISPATCH].hasAny()) {
      // Autobegun first: the subtransaction's parent is the innermost session transaction.
      this.autobeginT();
      sub = new SessionTransaction(this, undefined, this.currentHandle(), "subtransaction");
      this.emitSync("afterTransactionCreate", this, sub);
    }
    const conn = await this.connectionInner();
    this.validatePolymorphicIdentities();
    const pendingBefore = this[DISPATCH].has("pendingToPersistent") ? [...this.newStates] : undefined;
    const unstage = stageWriteOnly(this.newStates, modifiedStates(this.id));
    try {
      await runFlush({
        connection: conn,
        identityMap: this.identityMap,
        sessionId: this.id,
        newStates: this.newStates,
        deletedStates: this.deletedStates,
        ...(this.savepoints.length ? { flushedPersistent: this.savepoints[this.savepoints.length - 1].dirty } : {}),
        keySwitches: this.savepoints.length ? this.savepoints[this.savepoints.length - 1].keySwitches : this.rootKeySwitches,
        ...(conn.batchOnly
          ? {
              batch: {
                queue: (stmt, params, after) => conn.queueForCommit(stmt, params, after),
                direct: (stmt) => conn.executeDirect(stmt) as Promise<Result<unknown[], Record<string, unknown>>>,
                assignedKeys: (this.batchKeys ??= new Map()),
                allocateAll: explicit,
              },
            }
          : {}),
        fireMapperEvent: async (event, mapper, obj) => {
          // The unit of work has planned the flush: add()/delete() from here warn, as SQLAlchemy.
          this.warnOnEvents++;
          try {
            if (mapper.dispatch.has(event)) await mapper.dispatch.fireAsync(event, mapper, conn, obj);
            if (this[DISPATCH].has(event)) await this[DISPATCH].fireAsync(event, mapper, obj);
          } finally {
            this.warnOnEvents--;
          }
        },
        hasMapperListeners: (event, mapper) => mapper.dispatch.has(event) || this[DISPATCH].has(event),
      });
    } catch (e) {
      unstage(false);
      // Still pending after a failed flush: check them again next time.
      this.cascadedSinceFlush = true;
      const sp = this.savepoints[this.savepoints.length - 1];
      this.needsRollback = e as Error;
      if (sp) {
        if (sp.tx.isActive) await sp.tx.rollback().catch(() => {});
      } else if (this.engine) await conn.rollback().catch(() => {});
      else if (this.rootTx?.isActive) await this.rootTx.rollback().catch(() => {});
      // The rolled-back level no longer fires afterRollback when rollback() ends it.
      const boundary = sp ? sp.handle : this.rootHandle;
      if (boundary) boundary._deactivated = true;
      await this.emitAfterRollback();
      await this.endHandle(sub, true);
      throw e;
    }
    unstage(true);
    // Flushed DELETEs: remembered per transaction scope, for rollback (restore) and commit (detach).
    const scope = this.currentDeleted();
    const flushedDeletes: InstanceState[] = [];
    for (const st of [...this.deletedStates]) {
      if (st.status !== "deleted") continue;
      scope.add(st);
      this.deletedStates.delete(st);
      flushedDeletes.push(st);
    }
    if (this.listened) await this.emit("afterFlush", this);
    // SQLAlchemy's finalize_flush_changes(): deleted objects first, then the newly persistent.
    if (this[DISPATCH].has("persistentToDeleted")) for (const st of flushedDeletes) this.emitSync("persistentToDeleted", this, st.obj);
    if (pendingBefore) {
      for (const st of pendingBefore) if (st.status === "persistent" && st.sessionId === this.id) this.emitSync("pendingToPersistent", this, st.obj);
    }
    this.resetInnerFlushChanges();
    if (this.listened) await this.emit("afterFlushPostexec", this);
    await this.endHandle(sub, false);
  }

  /**
   * Changes listeners made inside the flush (persistence events, afterFlush) to objects the flush
   * left clean are not written: SQLAlchemy resets them (the in-memory values become the
   * committed ones) and warns. The flush leaves no flushed object modified, so this looks only
   * at objects flagged since.
   */
  private resetInnerFlushChanges(): void {
    const flagged = modifiedStates(this.id);
    if (!flagged.size) return;
    let n = 0;
    for (const st of [...flagged]) {
      if (st.status !== "persistent" || st.sessionId !== this.id || st.markedDeleted) continue;
      if (!(st.attributeSet || st.hasChanges())) continue;
      st.commitAll();
      // A watched state (JSON, collections handed out) stays registered for in-place changes.
      if (!st.modified) flagged.delete(st);
      n++;
    }
    if (n) {
      warn(
        `Attribute history events accumulated on ${n} previously clean instances within inner-flush event handlers have been reset, and will not result in database updates. Consider using set_committed_value() within inner-flush event handlers to avoid this warning.`,
      );
    }
  }

  /**
   * Whether another parent took `st` over: its many-to-one side of relationship `key` names an
   * object that holds it (or whose collection is not loaded, so cannot say otherwise).
   */
  private heldThroughReverse(parent: InstanceState, key: string, st: InstanceState): boolean {
    const rev = parent.mapper.relationships.get(key)?.reverse;
    if (!rev || rev.uselist || !(rev.key in st.current)) return false;
    const other = stateOf(st.current[rev.key]);
    return !!other && (!(key in other.current) || holds(other, key, st));
  }

  /** Expunge the pending orphans {@link cascadedFrom} describes (their parent let go of them). */
  private expungePendingOrphans(): void {
    if (!this.cascadedSinceFlush) return;
    this.cascadedSinceFlush = false;
    for (const st of [...this.newStates]) {
      const from = this.cascadedFrom.get(st);
      if (!from) continue;
      if (holds(from.parent, from.key, st) || this.heldThroughReverse(from.parent, from.key, st)) continue;
      this.cascadedFrom.delete(st);
      this.expungeOrphan(st);
    }
  }
  /**
   * A pending orphan leaves the session as SQLAlchemy's `sess.expunge()` in the delete-orphan
   * remove event does: with the expunge cascade, so pending objects it brought in leave too.
   */
  private expungeOrphan(st: InstanceState): void {
    for (const s of cascadeStates(st, "expunge")) if (s.sessionId === this.id && (s === st || s.status === "pending")) this.expungeState(s);
  }

  // ---- execution -----------------------------------------------------------------------------
  /** @internal */
  loadContext(populateExisting: boolean): LoadContext {
    // Per session, made on first use (every field is fixed): with and without populateExisting,
    // and, while loadedAsPersistent or a mapper's load event is listened to, ones that announce
    // each object the loader builds from a row.
    const announce = this[DISPATCH].has("loadedAsPersistent") || mapperLoadListened();
    const refreshed = instanceEventListened("refresh");
    const i = (populateExisting ? 1 : 0) + (announce ? 2 : 0) + (refreshed ? 4 : 0);
    const cached = this.loadContexts[i];
    if (cached) return cached;
    const ctx: LoadContext = {
      identityMap: this.identityMap,
      ...(announce ? { onLoaded: (obj: object) => this.announceLoaded(obj, "load") } : {}),
      ...(refreshed ? { onRefreshed: (obj: object, attrs: ReadonlySet<string> | null) => this.announceRefreshed(obj, attrs) } : {}),
      sessionId: this.id,
      populateExisting,
      maxParams: (this.engine ?? this.outer!.engine).driver.capabilities.maxParams,
      executeOrm: async (stmt, loads, pending) => {
        const plan = planOrmSelect(stmt, loads);
        const conn = await this.connectionInner();
        const res = await conn.execute(plan.stmt);
        const tuples = processRawRows(ctx, plan, takeRawValueRows(res));
        if (plan.needsPostLoad) {
          if (pending) pending.add(plan, tuples);
          else await postLoad(ctx, plan, tuples);
        }
        return tuples as object[][];
      },
    };
    this.loadContexts[i] = ctx;
    return ctx;
  }
  private readonly loadContexts: (LoadContext | undefined)[] = new Array<LoadContext | undefined>(8).fill(undefined);
  /** The object refresh() is reloading: its refresh event is fired by refresh() itself, with the names it was given. */
  private refreshing: InstanceState | undefined;
  /** The mapper's refresh event for an object a load filled (not the one refresh() reloads). */
  private announceRefreshed(obj: object, attrs: ReadonlySet<string> | null): void {
    const st = stateOf(obj)!;
    if (st === this.refreshing) return;
    const d = st.mapper.dispatch;
    if (d.has("refresh")) d.fire("refresh", obj, { session: this, origin: "load" }, attrs);
  }
  /** An object new to the session, built from a row or by merge(): the mapper's load event, then loadedAsPersistent (SQLAlchemy's order). */
  private announceLoaded(obj: object, origin: "load" | "merge"): void {
    const d = stateOf(obj)!.mapper.dispatch;
    if (d.has("load")) d.fire("load", obj, { session: this, origin });
    if (origin === "load") this.emitSync("loadedAsPersistent", this, obj);
  }

  /**
   * Execute a statement: ORM selects return entities (identity-mapped, with eager loads), ORM
   * DML (insert/update/delete of a model) handles bulk parameter lists and synchronizeSession,
   * anything else runs on the session's connection. Autoflushes first; fires doOrmExecute.
   * @throws InvalidRequestError when another call on this session is still in progress.
   */
  execute<S extends ClauseElement>(stmt: S, params?: ExecuteParams, opts: SessionExecuteOptions = {}): Promise<Result<RowOf<S>, NamedOf<S>>> {
    const merged = this.mergedOptions(stmt, opts);
    if (merged.streamResults === true || wantsServerSideCursor(stmt)) return Promise.reject(asyncMethodRequired("AsyncSession", "execute"));
    const direct = this.executeOrmSelectDirect(stmt, params, merged);
    if (direct !== undefined) return direct as unknown as Promise<Result<RowOf<S>, NamedOf<S>>>;
    return this.guard("execute()", () => this.executeInner(stmt, params, merged)) as unknown as Promise<Result<RowOf<S>, NamedOf<S>>>;
  }
  /**
   * {@link executeInner}'s ORM SELECT when nothing has to be awaited before the statement runs
   * (no changes to autoflush, no doOrmExecute listener, the connection checked out, no other
   * operation in progress), chained with `then` instead of going through {@link guard} and an
   * async function: each suspended async call and `finally` allocates its frame, promise and
   * closures, about 0.9 KB per statement together (V8's sampling heap profiler). Returns
   * undefined when the general path must run.
   */
  private executeOrmSelectDirect(stmt: ClauseElement, params: ExecuteParams | undefined, opts: SessionExecuteOptions): Promise<Result<unknown[], Record<string, unknown>>> | undefined {
    const conn = this.conn;
    if (conn === undefined || this.busyCount > 0 || !(stmt instanceof Select) || !isOrmStatement(stmt) || this[DISPATCH].has("doOrmExecute")) return undefined;
    if (this.options.autoflush && opts.autoflush !== false && !this.noAutoflushDepth && !this.flushing && !this.batchOnlyBind && this.hasChanges()) return undefined;
    this.busy = "execute()";
    this.busyCount++;
    let plan: OrmPlan;
    let populate: boolean;
    let sent: Promise<Result<unknown[], Record<string, unknown>>>;
    try {
      this.checkUsable();
      populate = opts.populateExisting ?? (stmt.statementExecutionOptions.populateExisting as boolean | undefined) ?? false;
      plan = planOrmSelect(stmt);
      sent = conn.execute(plan.stmt, params as Readonly<Record<string, unknown>> | undefined) as Promise<Result<unknown[], Record<string, unknown>>>;
    } catch (e) {
      this.endDirect();
      return Promise.reject(e);
    }
    return sent
      .then((res) => this.loadOrmRows(plan, populate, res))
      .then(
        (result) => {
          this.endDirect();
          return result;
        },
        (e: unknown) => {
          this.endDirect();
          throw e;
        },
      );
  }
  /** The end of an operation {@link executeOrmSelectDirect} began (no operation was in progress). */
  private endDirect(): void {
    if (--this.busyCount === 0) this.busy = undefined;
  }
  /** Entities (identity-mapped, eager loads run) from the rows of a planned ORM SELECT. */
  private loadOrmRows(plan: OrmPlan, populate: boolean, res: Result<unknown[], Record<string, unknown>>): Result<unknown[], Record<string, unknown>> | Promise<Result<unknown[], Record<string, unknown>>> {
    const ctx = this.loadContext(populate);
    // Driver rows and their processors: a plain entity load processes each value as it reads it.
    const tuples = processRawRows(ctx, plan, takeRawValueRows(res));
    if (plan.rememberedOptions) rememberLoadOptions(plan, tuples);
    if (plan.needsPostLoad) return postLoad(ctx, plan, tuples).then(() => ormResult(plan, tuples));
    return ormResult(plan, tuples);
  }
  /**
   * The flush a query runs first (SQLAlchemy's `_autoflush()`): a statement error it raises says
   * so, with SQLAlchemy's detail line put before the message.
   */
  private async autoflush(): Promise<void> {
    try {
      await this.flushInner();
    } catch (e) {
      if (e instanceof StatementError) {
        e.message = `(raised as a result of Query-invoked autoflush; consider using a session.no_autoflush block if this flush is occurring prematurely)\n${e.message}`;
      }
      throw e;
    }
  }
  /**
   * The execution options in effect for one call, as SQLAlchemy merges them: the session's,
   * then the statement's `executionOptions()`, then the call's. The common case (no session or
   * statement options) returns the call's object as it is.
   */
  private mergedOptions(stmt: ClauseElement, opts: SessionExecuteOptions): SessionExecuteOptions {
    // Select and DML statements both carry executionOptions() (autoflush, populateExisting, …).
    const own = (stmt as { readonly statementExecutionOptions?: Readonly<Record<string, unknown>> }).statementExecutionOptions;
    let hasOwn = false;
    // No key array allocated per statement on the hot path.
    if (own !== undefined) for (const _ in own) {
      hasOwn = true;
      break;
    }
    if (!this.execDefaults && !hasOwn) return opts;
    return { ...this.execDefaults, ...(hasOwn ? own : undefined), ...opts };
  }
  private async executeInner(stmt: ClauseElement, params: ExecuteParams | undefined, opts: SessionExecuteOptions): Promise<Result<unknown[], Record<string, unknown>>> {
    // Batch-only drivers (Neon HTTP, D1) cannot read what a flush queued, so queries do not
    // autoflush there: pending changes are written by commit() (or an explicit flush()).
    // The common no-op cases skip their await (one microtask hop each per statement): no
    // changes to autoflush, no doOrmExecute listener, a connection already checked out.
    if (this.options.autoflush && opts.autoflush !== false && !this.noAutoflushDepth && !this.flushing && !this.batchOnlyBind) {
      this.checkUsable();
      if (this.hasChanges()) await this.autoflush();
    }
    const statement = this[DISPATCH].has("doOrmExecute") ? await this.prepareStatement(stmt, params, opts) : stmt;
    this.checkUsable();
    const conn = this.conn ?? (await this.connectionInner());
    if (statement instanceof Select && isOrmStatement(statement)) {
      const populate = opts.populateExisting ?? (statement.statementExecutionOptions.populateExisting as boolean | undefined) ?? false;
      const plan = planOrmSelect(statement);
      const res = await conn.execute(plan.stmt, params as Readonly<Record<string, unknown>> | undefined);
      return await this.loadOrmRows(plan, populate, res as Result<unknown[], Record<string, unknown>>);
    }
    if (isOrmDml(statement)) {
      const sync = opts.synchronizeSession ?? (statement.annotations.synchronizeSession as SessionExecuteOptions["synchronizeSession"]);
      const result = await executeOrmDml(this, conn, statement, params, sync === undefined ? opts : { ...opts, synchronizeSession: sync });
      if (!this.listened) return result;
      if (statement instanceof Update) await this.emit("afterBulkUpdate", { session: this, statement, result, executionOptions: opts });
      else if (statement instanceof Delete) await this.emit("afterBulkDelete", { session: this, statement, result, executionOptions: opts });
      return result;
    }
    return (await conn.execute(statement, params)) as Result<unknown[], Record<string, unknown>>;
  }
  /** Fire doOrmExecute; returns the (possibly replaced) statement. */
  private async prepareStatement(stmt: ClauseElement, params: ExecuteParams | undefined, opts: SessionExecuteOptions): Promise<ClauseElement> {
    if (!this[DISPATCH].has("doOrmExecute")) return stmt;
    const state = new OrmExecuteState(this, stmt, params, opts);
    const replaced = await this[DISPATCH].fireAsync("doOrmExecute", state);
    return replaced instanceof ClauseElement ? replaced : state.statement;
  }
  /** `execute(stmt).scalars()`: entities (or first column values). */
  async scalars<S extends ClauseElement>(stmt: S, params?: ExecuteParams, opts?: SessionExecuteOptions): Promise<ScalarResult<RowOf<S>[0]>> {
    const r = await this.execute(stmt, params, opts);
    return r.scalars() as ScalarResult<RowOf<S>[0]>;
  }
  /** `execute(stmt).scalar()`: the first column of the first row, or null. */
  async scalar<S extends ClauseElement>(stmt: S, params?: ExecuteParams, opts?: SessionExecuteOptions): Promise<RowOf<S>[0] | null> {
    return (await this.execute(stmt, params, opts)).scalar() as RowOf<S>[0] | null;
  }
  /**
   * Stream a SELECT: rows are fetched `yieldPer` at a time (the `yieldPer` option, else the
   * statement's `executionOptions({ yieldPer })`, else 1000) and, for ORM selects, turned into
   * identity-mapped objects chunk by chunk (with eager loads per chunk), so memory stays flat.
   * The session's connection is reserved until the result is exhausted or closed.
   */
  stream<S extends ClauseElement>(stmt: S, params?: Readonly<Record<string, unknown>>, opts: SessionExecuteOptions = {}): Promise<AsyncResult<RowOf<S>, NamedOf<S>>> {
    return this.guard("stream()", () => this.streamInner(stmt, params, this.mergedOptions(stmt, opts))) as unknown as Promise<AsyncResult<RowOf<S>, NamedOf<S>>>;
  }
  private async streamInner(stmt0: ClauseElement, params: Readonly<Record<string, unknown>> | undefined, opts: SessionExecuteOptions): Promise<AsyncResult<unknown[], Record<string, unknown>>> {
    if (this.options.autoflush && opts.autoflush !== false && !this.noAutoflushDepth && !this.flushing && !this.batchOnlyBind) await this.autoflush();
    const stmt = await this.prepareStatement(stmt0, params, opts);
    const conn = await this.connectionInner();
    const stmtYield = stmt instanceof Select ? (stmt.statementExecutionOptions.yieldPer as number | undefined) : undefined;
    const yieldPer = opts.yieldPer ?? stmtYield ?? conn.getExecutionOptions().yieldPer ?? 1000;
    if (!Number.isInteger(yieldPer) || yieldPer <= 0) throw new ArgumentError(`stream(): yieldPer must be a positive integer; got ${yieldPer}`);
    const openStream = async (s: ClauseElement): Promise<AsyncResult<unknown[], Record<string, unknown>>> => {
      const saved = conn.getExecutionOptions().yieldPer;
      conn.executionOptions({ yieldPer });
      try {
        return (await conn.stream(s, params)) as AsyncResult<unknown[], Record<string, unknown>>;
      } finally {
        conn.executionOptions({ yieldPer: saved });
      }
    };
    if (!(stmt instanceof Select) || !isOrmStatement(stmt)) return openStream(stmt);
    const populate = opts.populateExisting ?? (stmt.statementExecutionOptions.populateExisting as boolean | undefined) ?? false;
    const plan = planOrmSelect(stmt);
    const inner = await openStream(plan.stmt);
    const ctx = this.loadContext(populate);
    let buffer: unknown[][] = [];
    const cursor = {
      columns: plan.slots.map((s) => ({ name: s.name })),
      fetch: async (n: number) => {
        while (buffer.length < n) {
          // Value arrays straight from the cursor's chunk: no Row object per row.
          const chunk = await nextRawValueRows(inner, yieldPer);
          if (chunk.rows.length === 0) break;
          const tuples = processRawRows(ctx, plan, chunk);
          if (plan.rememberedOptions) rememberLoadOptions(plan, tuples);
          // selectin loads of this chunk run once the chunk's rows are read; the stream's cursor
          // is still open, so eager loads on streamed results need a driver that allows a
          // statement while a cursor is open — they run after the chunk is buffered.
          if (plan.needsPostLoad) await postLoad(ctx, plan, tuples);
          for (const t of tuples) buffer.push(t);
        }
        const out = buffer.slice(0, n);
        buffer = buffer.slice(n);
        return out;
      },
      close: async () => {
        await inner.close();
      },
    };
    // Shared metadata per key list: the result layer caches its row class per metadata object.
    return new AsyncResult(plan.meta, cursor, { chunkSize: yieldPer });
  }
  /** `stream(stmt).scalars()`: entities (or first column values), streamed. */
  async streamScalars<S extends ClauseElement>(stmt: S, params?: Readonly<Record<string, unknown>>, opts?: SessionExecuteOptions): Promise<AsyncScalarResult<RowOf<S>[0]>> {
    return (await this.stream(stmt, params, opts)).scalars() as AsyncScalarResult<RowOf<S>[0]>;
  }

  /**
   * Object by primary key: an identity-map hit returns it with no round trip (unless
   * `options`, `populateExisting` or `withForUpdate` ask for a load); otherwise one SELECT
   * with `options` applied. `pk` is a value, or an array / record (by attribute key) for
   * composite keys. Returns null when there is no such row, or the object's DELETE was flushed
   * (an object only marked by delete() is returned, as in SQLAlchemy); an
   * expired identity-mapped object whose row is gone leaves the identity map as deleted in this
   * transaction (SQLAlchemy's get() of a vanished row).
   * @throws ArgumentError for a malformed primary key.
   */
  get<C extends abstract new (...args: never[]) => object>(
    cls: C,
    pk: unknown,
    opts: GetOptions = {},
  ): Promise<InstanceType<C> | null> {
    return this.guard("get()", () => this.getInner(cls, pk, opts));
  }
  private async getInner<C extends abstract new (...args: never[]) => object>(
    cls: C,
    pk: unknown,
    opts: GetOptions,
  ): Promise<InstanceType<C> | null> {
    const mapper = requireMapper(cls);
    const values = normalizePk(mapper, pk);
    // SQLAlchemy's get(): the session's execution options, then the call's executionOptions,
    // then its populate_existing argument.
    const given = opts.executionOptions;
    const execOpts: SessionExecuteOptions =
      this.execDefaults || given
        ? { ...this.execDefaults, ...given, ...(opts.populateExisting !== undefined ? { populateExisting: opts.populateExisting } : {}) }
        : opts.populateExisting !== undefined
          ? { populateExisting: opts.populateExisting }
          : {};
    const populateExisting = execOpts.populateExisting === true;
    // By the split key: no key string to build and parse again.
    const hit = this.identityMap.getByIdentity(mapper.identityId, mapper.identityPartOf(values));
    let expiredHit: InstanceState | undefined;
    if (hit) {
      const st = stateOf(hit)!;
      // An object marked for deletion is still returned until its DELETE is flushed (SQLAlchemy).
      if (st.status === "deleted") return null;
      // The key is the hierarchy's: an object of a class outside the one asked for is not it
      // (SQLAlchemy's get() of `Blub` for a `Foo`'s key gives None, without a statement).
      if (st.mapper !== mapper && !st.mapper.isA(mapper)) return null;
      const expired = !!st.expiredKeys && st.expiredKeys.size > 0;
      if (!populateExisting && !opts.options?.length && !opts.withForUpdate && !expired) return hit as InstanceType<C>;
      if (expired) expiredHit = st;
    }
    if (hit && opts.withForUpdate && !expiredHit && !populateExisting && mapper.versionProp) {
      return (await this.getCheckingVersion(cls, values, stateOf(hit)!, opts, execOpts)) as InstanceType<C> | null;
    }
    let stmt: Select;
    let params: Record<string, unknown> | undefined;
    // A NULL key column (a partial key, SQLAlchemy's allow_partial_pks) is compared by IS NULL,
    // which the mapper's `pk = :pk_n` statement cannot say.
    let nullKey = false;
    for (let i = 0; i < values.length; i++) if (values[i] == null) nullKey = true;
    if (!opts.options?.length && !opts.withForUpdate && !nullKey) {
      // The mapper's one parameterized statement: no statement built or planned per lookup.
      stmt = mapper.getStatement;
      params = {};
      for (let i = 0; i < values.length; i++) params[`pk_${i}`] = values[i];
    } else {
      stmt = select(cls as never).where(and(...mapper.pkProps.map((p, i) => p.column.eq(values[i])))) as unknown as Select;
      if (opts.options?.length) stmt = stmt.options(...opts.options);
      if (opts.withForUpdate) stmt = stmt.forUpdate();
    }
    const r = await this.executeInner(stmt, params, execOpts);
    const found = (r.scalars().first() as InstanceType<C> | null) ?? null;
    if (!found && expiredHit) this._removeNewlyDeleted(expiredHit);
    return found;
  }
  /**
   * get(withForUpdate) of an identity-mapped versioned object: the locked row's version id must
   * be the one the object was loaded with (SQLAlchemy's version check on a FOR UPDATE load of an
   * already-present instance). The SELECT adds the version column to read it without
   * overwriting the object.
   * @throws StaleDataError "Instance '<Foo at 0x…>' has version id '1' which does not match
   *   database-loaded version id '2'." when another transaction changed the row.
   */
  private async getCheckingVersion(cls: unknown, values: readonly unknown[], st: InstanceState, opts: GetOptions, execOpts: SessionExecuteOptions): Promise<object | null> {
    const mapper = st.mapper;
    const vp = mapper.versionProp!;
    let stmt = select(cls as never, vp.column).where(and(...mapper.pkProps.map((p, i) => p.column.eq(values[i])))) as unknown as Select;
    if (opts.options?.length) stmt = stmt.options(...opts.options);
    stmt = stmt.forUpdate();
    const row = (await this.executeInner(stmt, undefined, execOpts)).first() as readonly unknown[] | null;
    if (!row) {
      this._removeNewlyDeleted(st);
      return null;
    }
    const mine = vp.key in st.committed ? st.committed[vp.key] : st.current[vp.key];
    const theirs = row[1];
    if (!sameValue(mine, theirs)) {
      throw new StaleDataError(`Instance '${stateStr(st)}' has version id '${String(mine)}' which does not match database-loaded version id '${String(theirs)}'.`);
    }
    return row[0] as object;
  }
  /**
   * An identity-mapped object whose row is gone (SQLAlchemy's `_remove_newly_deleted()`, run when
   * get() finds no row for an expired object, and by an ORM DELETE's synchronizeSession): it
   * leaves the identity map as deleted in this transaction, so rollback() restores it and
   * commit() detaches it. @internal
   */
  _removeNewlyDeleted(st: InstanceState): void {
    if (st.status !== "persistent" || st.sessionId !== this.id) return;
    if (st.key && this.identityMap.get(st.key) === st.obj) this.identityMap.delete(st.key);
    this.deletedStates.delete(st);
    st.markedDeleted = false;
    st.status = "deleted";
    this.currentDeleted().add(st);
    this.emitSync("persistentToDeleted", this, st.obj);
  }
  /**
   * Like get(), but raises when there is no such row.
   * @throws NoResultFound naming the class and key.
   */
  getOne<C extends abstract new (...args: never[]) => object>(
    cls: C,
    pk: unknown,
    opts: GetOptions = {},
  ): Promise<InstanceType<C>> {
    return this.guard("getOne()", async () => {
      const o = await this.getInner(cls, pk, opts);
      if (!o) throw new NoResultFound("No row was found when one was required");
      return o;
    });
  }

  /**
   * Expire, then reload an object's attributes from the database (SQLAlchemy's `refresh()`):
   * all column attributes, or the named ones, which may include relationships (loaded with
   * selectin, or joined when so configured). In-memory changes to refreshed attributes are
   * discarded. Without names, relationships configured with `lazy: "selectin"` / `"joined"` are
   * loaded again too, by that strategy (1.4's "eager loaders on refresh": a joined one inside
   * the same SELECT), as are those the statement that loaded the object named in selectinload()
   * / joinedload() (SQLAlchemy's `load_options`), and the others are left unloaded; with names,
   * only those load.
   * @throws ObjectStateError (an InvalidRequestError) "Instance '<User at 0x…>' is not persistent
   *   within this Session" when the object is not in this session's identity map.
   * @throws ArgumentError for an unknown attribute name.
   * @throws InvalidRequestError "Could not refresh instance '<User at 0x…>'" when the row no longer exists.
   */
  refresh(obj: object, attrs?: readonly string[], opts: { withForUpdate?: boolean } = {}): Promise<void> {
    return this.guard("refresh()", async () => {
      const st = this.stateFor(obj, "refresh");
      this.validatePersistent(st);
      const mapper = st.mapper;
      for (const a of attrs ?? []) {
        if (!mapper.relationships.has(a) && !mapper.columnPropsByKey.has(a) && !mapper.expressionProps.has(a)) throw new ArgumentError(`refresh(): '${a}' is not an attribute of ${mapper.className}`);
        if (mapper.relationships.get(a)?.lazy === "write_only") throw new ArgumentError(`refresh(): '${mapper.className}.${a}' is write-only and is never loaded; query it with session.writeOnly(obj, "${a}").select()`);
      }
      const eager = (r: RelationshipProperty): boolean => r.lazy === "selectin" || r.lazy === "joined";
      // The eager options the object was loaded with load their relationships again, that way.
      const remembered = attrs ? [] : ((st.loadOptions ?? []) as readonly Load[]).filter((o) => mapper.relationships.get((o.relationship as RelationshipProperty).key) === o.relationship);
      const rememberedKeys = remembered.map((o) => (o.relationship as RelationshipProperty).key);
      const rels = attrs
        ? attrs.filter((a) => mapper.relationships.has(a))
        : [...new Set([...[...mapper.relationships.values()].filter(eager).map((r) => r.key), ...rememberedKeys])];
      const cols = attrs ? attrs.filter((a) => mapper.columnPropsByKey.has(a)) : mapper.columnProps.filter((p) => !p.deferred || p.key in st.dict).map((p) => p.key);
      const classAttrs = mapper.class_ as unknown as Record<string, RelationshipSpec<unknown>>;
      // Each relationship by its own eager strategy: a `lazy: "joined"` one inside the refresh
      // SELECT (SQLAlchemy's test_eager_relations.py test_runs_query_on_refresh: one statement),
      // others by selectin. With names, the eager relationships not named are not loaded
      // (SQLAlchemy's only_load_props; test_selectin_relations.py test_no_query_on_deferred).
      const options: unknown[] = rels.filter((r) => !rememberedKeys.includes(r)).map((r) => (mapper.relationships.get(r)!.lazy === "joined" ? joinedload(classAttrs[r]) : selectinload(classAttrs[r])));
      options.push(...remembered);
      if (attrs) for (const r of mapper.relationships.values()) if (eager(r) && !rels.includes(r.key)) options.push(raiseload(classAttrs[r.key]));
      for (const c of cols) if (mapper.columnPropsByKey.get(c)!.deferred) options.push(undefer(mapper.attributes.get(c)!));
      // Column properties (columnProperty()): the named ones, else those loaded or loaded by default.
      const exprs = attrs
        ? attrs.filter((a) => mapper.expressionProps.has(a))
        : [...mapper.expressionProps].filter(([k, e]) => !e.isQueryExpression && (!e.deferred || k in st.dict)).map(([k]) => k);
      for (const e of exprs) if (mapper.expressionProps.get(e)!.deferred) options.push(undefer(mapper.expressionProps.get(e)!));
      // Expire first: pending changes are discarded, so autoflush has nothing of them to write.
      expireState(st, [...cols, ...rels, ...exprs]);
      announceExpired(st, attrs ? attrs : null);
      const pk = mapper.pkValues(st);
      let stmt = select(mapper.class_ as never).where(and(...mapper.pkProps.map((p, i) => p.column.eq(pk[i])))) as unknown as Select;
      if (options.length) stmt = stmt.options(...options);
      if (opts.withForUpdate) stmt = stmt.forUpdate();
      // Named columns were expired above, so a plain load fills exactly those and leaves the
      // other attributes (and their pending changes) alone, as SQLAlchemy's only_load_props.
      const populateExisting = attrs === undefined || cols.length + exprs.length === 0;
      this.refreshing = st;
      // The refresh's own options are not how the object was loaded: it keeps the original ones.
      const loadOptions = st.loadOptions;
      let r: Awaited<ReturnType<typeof this.executeInner>>;
      try {
        r = await this.executeInner(stmt, undefined, { populateExisting });
      } finally {
        this.refreshing = undefined;
        st.loadOptions = loadOptions;
      }
      if (!r.scalars().first()) throw new InvalidRequestError(`Could not refresh instance '${stateStr(st)}'`);
      for (const c of cols) st.expiredMutable?.delete(c);
      // Without names the other relationships end up expired too (SQLAlchemy's refresh() leaves
      // the lazy ones to load on next access; here they read as unloaded). Done after the load:
      // the autoflush before it still sees which parent holds each child.
      if (!attrs) {
        expireState(st, [...mapper.relationships.keys()].filter((k) => !rels.includes(k)));
        if (st.attributeSet && !st.hasChanges()) st.attributeSet = false;
      }
      if (instanceEventListened("refresh") && mapper.dispatch.has("refresh")) {
        mapper.dispatch.fire("refresh", obj, { session: this, origin: "refresh" }, attrs ? new Set(attrs) : null);
        // What the listeners assigned counts as loaded (SQLAlchemy commits after the event).
        const d = st.dict;
        const c = st.committed;
        for (const k of cols) if (k in d) c[k] = d[k];
      }
    });
  }

  /**
   * Copy the state of `obj` onto the instance with the same identity in this session
   * (SQLAlchemy's `Session.merge()`): the identity-mapped one, else the row loaded by get(),
   * else a new pending instance; loaded column attributes are copied, relationships with the
   * merge cascade are merged in turn (objects of one key in the graph become one instance).
   * Returns that instance; `obj` itself is not attached. With `load: false` nothing is read from
   * the database: an instance not yet in the session is made persistent from `obj`'s values,
   * and the result carries no changes to flush.
   * @throws UnmappedInstanceError when `obj` is not a mapped instance.
   * @throws InvalidRequestError with `load: false`, for an object with no identity or with
   *   unflushed changes.
   * @throws StaleDataError when `obj`'s version id differs from the merged instance's.
   */
  merge<T extends object>(obj: T, opts: MergeOptions = {}): Promise<T> {
    return this.guard("merge()", async () => (await this.mergeMany([obj], opts))[0]);
  }
  /** merge() of each object in turn (SQLAlchemy 2.1's `merge_all()`); returns the merged instances in order. */
  mergeAll<T extends object>(objs: Iterable<T>, opts: MergeOptions = {}): Promise<T[]> {
    return this.guard("mergeAll()", () => this.mergeMany([...objs], opts));
  }
  private async mergeMany<T extends object>(objs: readonly T[], opts: MergeOptions): Promise<T[]> {
    const load = opts.load !== false;
    // SQLAlchemy flushes first when it may load.
    if (load && this.options.autoflush && !this.noAutoflushDepth && !this.flushing && !this.batchOnlyBind && this.hasChanges()) await this.flushInner();
    // The loads merge() runs must not flush what it has half copied (SQLAlchemy's no_autoflush).
    this.noAutoflushDepth++;
    try {
      const out: T[] = [];
      for (const o of objs) out.push(await this.mergeInner(o, load, opts.options, new Map(), new Map()));
      return out;
    } finally {
      this.noAutoflushDepth--;
    }
  }
  private async mergeInner<T extends object>(
    obj: T,
    load: boolean,
    options: readonly unknown[] | undefined,
    recursive: Map<InstanceState, object>,
    resolved: Map<string, object>,
  ): Promise<T> {
    const st = stateOf(obj);
    if (!st) throw unmappedInstance(obj);
    const done = recursive.get(st);
    if (done) return done as T;
    const mapper = st.mapper;
    const { key, persistentKey } = this.mergeKey(st, load);
    let merged: object | undefined = key !== undefined ? this.identityMap.get(key) : undefined;
    let newInstance = false;
    // An expired instance is loaded again first (get() does): athanor never loads on access, and
    // the version check and the later UPDATE need its committed values.
    if (merged && load && persistentKey && stateOf(merged)!.expiredKeys?.size) {
      merged = (await this.getInner(mapper.class_ as never, mapper.pkValues(st), options ? { options } : {})) ?? undefined;
    }
    if (!merged && key !== undefined && persistentKey) merged = resolved.get(key);
    if (!merged && !load) {
      if (st.hasChanges()) {
        throw new InvalidRequestError("merge() with load=False option does not support objects marked as 'dirty'.  flush() all changes on mapped instances before merging with load=False.");
      }
      const made = mapper.newInstanceForLoad();
      made.state.key = key;
      made.state.status = "detached";
      this.addOne(made.obj);
      merged = made.obj;
      newInstance = true;
    } else if (!merged && persistentKey) {
      merged = (await this.getInner(mapper.class_ as never, mapper.pkValues(st), options ? { options } : {})) ?? undefined;
    }
    if (!merged) {
      const made = mapper.newInstanceForLoad();
      made.state.status = "transient";
      this.addOne(made.obj);
      merged = made.obj;
      newInstance = true;
    }
    const mergedSt = stateOf(merged)!;
    recursive.set(st, merged);
    if (key !== undefined) resolved.set(key, merged);
    if (mergedSt !== st) {
      checkMergeVersion(st, mergedSt);
      if (load) await this.loadForMerge(st, mergedSt);
      this.mergeColumns(st, mergedSt, load);
      // Loader options apply to the top-level get() only, as in SQLAlchemy.
      await this.mergeRelationships(st, mergedSt, load, recursive, resolved);
    }
    // load=false: the copied values are the committed ones (SQLAlchemy's `_commit_all()`).
    if (!load) mergedSt.commitAll();
    // SQLAlchemy's merge() fires the load event for an instance it made, once it is populated.
    if (newInstance && mergedSt.mapper.dispatch.has("load")) this.announceLoaded(merged, "merge");
    return merged as T;
  }
  /**
   * The identity key `st` merges under, and whether it names a row that may exist (every primary
   * key attribute set, not all of them null: SQLAlchemy's default `allow_partial_pks`).
   * @throws InvalidRequestError with load=false for an object without an identity.
   */
  private mergeKey(st: InstanceState, load: boolean): { key: string | undefined; persistentKey: boolean } {
    if (st.key !== undefined) return { key: st.key, persistentKey: true };
    if (this.newStates.has(st)) {
      warn(`Instance ${stateStr(st)} is already pending in this Session yet is being merged again; this is probably not what you want to do`);
    }
    if (!load) {
      throw new InvalidRequestError(
        "merge() with load=False option does not support objects transient (i.e. unpersisted) objects.  flush() all changes on mapped instances before merging with load=False.",
      );
    }
    const d = st.current;
    const pk = st.mapper.pkProps.map((p) => d[p.key]);
    const persistentKey = pk.every((v) => v !== undefined) && !pk.every((v) => v === null);
    return { key: persistentKey ? st.mapper.identityKey(pk) : undefined, persistentKey };
  }
  /**
   * Relationships the source carries but the session's instance has not loaded are loaded first
   * (SQLAlchemy's merge reads the target's value, lazy-loading it), so the merged value replaces
   * a known one: the history then names the old related objects, and a flush releases them (a
   * one-to-one's old child, delete-orphan). merge() is awaited, so this is explicit I/O.
   */
  private async loadForMerge(st: InstanceState, target: InstanceState): Promise<void> {
    if (target.status !== "persistent" || target.key === undefined) return;
    const src = st.current;
    const tgt = target.current;
    const keys: string[] = [];
    for (const rel of st.mapper.relationships.values()) {
      // Collections and one-to-ones: the members or the old child the merged value drops must be
      // known to be released (NULLed, deleted as orphans, association rows removed) by the
      // flush (test_merge test_transient_to_persistent_collection). A many-to-one needs no old
      // value (SQLAlchemy's history there is ([new], (), ())).
      if ((!rel.uselist && rel.direction !== "ONETOMANY") || !rel.cascade.merge || rel.viewonly || rel.lazy === "write_only") continue;
      if (!(rel.key in src) || rel.key in tgt || isImplicitEmptyCollection(src[rel.key])) continue;
      keys.push(rel.key);
    }
    if (!keys.length) return;
    const mapper = target.mapper;
    const classAttrs = mapper.class_ as unknown as Record<string, RelationshipSpec<unknown>>;
    const pk = mapper.pkValues(target);
    const stmt = select(mapper.class_ as never)
      .where(and(...mapper.pkProps.map((p, i) => p.column.eq(pk[i]))))
      .options(...keys.map((k) => selectinload(classAttrs[k]))) as unknown as Select;
    // Without populateExisting: loaded attributes of the instance (and of objects already in
    // the session) keep their values and unflushed changes; only the unloaded ones are filled.
    await this.executeInner(stmt, undefined, {});
  }
  /** Column attributes loaded on the source are set on the target (as changes, unless load=false). */
  private mergeColumns(st: InstanceState, target: InstanceState, load: boolean): void {
    const src = st.current;
    const obj = target.obj as Record<string, unknown>;
    for (const p of st.mapper.columnProps) {
      if (p.key in src) {
        if (!load) target.dict[p.key] = src[p.key];
        else if (!(p.key in target.current) || !sameValue(target.current[p.key], src[p.key])) obj[p.key] = src[p.key];
      } else if (target.key !== undefined && !(p.key in target.current)) {
        // Not loaded on either side: an object with an identity reads it as expired.
        (target.expiredMutable ??= new Set()).add(p.key);
      }
    }
  }
  private async mergeRelationships(
    st: InstanceState,
    target: InstanceState,
    load: boolean,
    recursive: Map<InstanceState, object>,
    resolved: Map<string, object>,
  ): Promise<void> {
    const src = st.current;
    const obj = target.obj as Record<string, unknown>;
    for (const rel of st.mapper.relationships.values()) {
      if (rel.lazy === "write_only") {
        if (rel.cascade.merge) await this.mergeWriteOnly(st, target, rel, load, recursive, resolved);
        continue;
      }
      if (!rel.cascade.merge || !(rel.key in src)) continue;
      const v = src[rel.key];
      // A transient object's collection that was only read (never assigned or added to) is not
      // a value to merge (SQLAlchemy keeps such empty collections out of the instance dict).
      if (rel.uselist && isImplicitEmptyCollection(v)) continue;
      let out: object[] | object | null;
      if (rel.uselist) {
        const list: object[] = [];
        for (const c of (v as object[] | null) ?? []) list.push(await this.mergeInner(c, load, undefined, recursive, resolved));
        out = list;
      } else out = v ? await this.mergeInner(v as object, load, undefined, recursive, resolved) : null;
      if (!load) target.dict[rel.key] = out;
      else if (target.current[rel.key] !== out) obj[rel.key] = out;
    }
  }
  /**
   * Items queued on the source's write-only collection are merged and queued on the target's,
   * as SQLAlchemy's merge assigns them: fine for a target without an identity; one with an
   * identity would need its current members loaded to replace them, which a write-only
   * collection never does. A source with nothing queued leaves the target's collection alone.
   * @throws InvalidRequestError (SQLAlchemy's "does not support implicit iteration") then.
   */
  private async mergeWriteOnly(
    st: InstanceState,
    target: InstanceState,
    rel: RelationshipProperty,
    load: boolean,
    recursive: Map<InstanceState, object>,
    resolved: Map<string, object>,
  ): Promise<void> {
    const queued = pendingWriteOnly(st, rel.key);
    if (!queued || (!queued.added.length && !queued.removed.length)) return;
    if (target.key !== undefined) throw writeOnlyReplaceError(rel);
    const list: object[] = [];
    for (const c of queued.added) list.push(await this.mergeInner(c, load, undefined, recursive, resolved));
    assignWriteOnly(target.obj, target, rel, list);
  }
}

/**
 * `st` and the loaded objects reachable from it through relationships with the `kind` cascade
 * (SQLAlchemy's `Mapper.cascade_iterator()`), each once; nothing is loaded.
 */
function cascadeStates(st: InstanceState, kind: "expunge" | "refreshExpire" | "delete"): InstanceState[] {
  const out = [st];
  const seen = new Set(out);
  for (let i = 0; i < out.length; i++) {
    const cur = out[i];
    const d = cur.current;
    for (const rel of cur.mapper.relationships.values()) {
      if (!rel.cascade[kind] || !(rel.key in d)) continue;
      const v = d[rel.key];
      for (const o of rel.uselist ? ((v as object[] | null) ?? []) : v ? [v as object] : []) {
        const rs = stateOf(o);
        if (rs && !seen.has(rs)) {
          seen.add(rs);
          out.push(rs);
        }
      }
    }
  }
  return out;
}

/** A new object's attributes with a value (columns, scalar relationships, non-empty collections). */
function hasAssignedValues(st: InstanceState, collections: boolean): boolean {
  const d = st.current;
  for (const p of st.mapper.columnProps) if (d[p.key] !== undefined) return true;
  for (const rel of st.mapper.relationships.values()) {
    const v = d[rel.key];
    if (rel.uselist ? collections && Array.isArray(v) && v.length > 0 : v !== undefined && v !== null) return true;
  }
  return false;
}
/** Whether a loaded many-to-one / one-to-one of a persistent object points elsewhere than committed. */
function changedScalarRelationship(st: InstanceState): boolean {
  const d = st.current;
  for (const rel of st.mapper.relationships.values()) {
    if (rel.uselist || rel.viewonly || !(rel.key in d)) continue;
    if (d[rel.key] !== st.committed[rel.key]) return true;
  }
  return false;
}

/** Whether relationship `key` of `parent`, as loaded, holds `st`'s object. */
function holds(parent: InstanceState, key: string, st: InstanceState): boolean {
  const v = parent.current[key];
  return Array.isArray(v) ? v.includes(st.obj) : v === st.obj;
}

/** `(User, (7,), None)`: an identity key in messages (SQLAlchemy's identity key tuple). */
function identityKeyStr(st: InstanceState): string {
  const pk = st.mapper.pkValues(st).map((v) => (typeof v === "string" ? `'${v}'` : String(v)));
  return `(${st.mapper.className}, (${pk.join(", ")}${pk.length === 1 ? "," : ""}), None)`;
}

/**
 * Merging a version-counted object onto an instance of another version would overwrite a newer
 * row with stale values (SQLAlchemy's merge version check).
 * @throws StaleDataError naming both versions.
 */
function checkMergeVersion(st: InstanceState, target: InstanceState): void {
  const vp = st.mapper.versionProp;
  if (!vp || !(vp.key in st.current) || !(vp.key in target.current)) return;
  const mine = st.current[vp.key];
  const theirs = target.current[vp.key];
  if (mine !== undefined && mine !== null && theirs !== undefined && !sameValue(mine, theirs)) {
    throw new StaleDataError(
      `Version id '${String(mine)}' on merged state ${stateStr(target)} does not match existing version '${String(theirs)}'. Leave the version attribute unset when merging to update the most recent version.`,
    );
  }
}

/** Expire attributes of a state. */
/** The mapper's `expire` event for `st` (SQLAlchemy's `InstanceEvents.expire`), when listened. */
function announceExpired(st: InstanceState, attrs: readonly string[] | null): void {
  if (!instanceEventListened("expire")) return;
  const d = st.mapper.dispatch;
  if (d.has("expire")) d.fire("expire", st.obj, attrs === null ? null : [...attrs]);
}

function expireState(st: InstanceState, attrs: readonly string[] | undefined): void {
  if (st.status !== "persistent") return;
  if (attrs === undefined) return st.expireAllAttributes(expirePlan(st.mapper));
  const keys = attrs;
  for (const k of keys) {
    const p = st.mapper.columnPropsByKey.get(k);
    if (p?.column.primaryKey) continue;
    if (!p && !st.mapper.relationships.has(k) && !st.mapper.expressionProps.has(k)) throw new ArgumentError(`expire(): '${k}' is not an attribute of ${st.mapper.className}`);
    delete st.dict[k];
    delete st.committed[k];
    st.committedCollections.delete(k);
    if (p) (st.expiredMutable ??= new Set()).add(k);
  }
}

/** Per mapper: what a whole-object expire removes, rebuilt when the mapper gains attributes. */
interface ExpirePlan extends ExpireAllPlan {
  readonly columns: number;
  readonly relationships: number;
}
const expirePlans = new WeakMap<Mapper, ExpirePlan>();
function expirePlan(m: Mapper): ExpirePlan {
  let plan = expirePlans.get(m);
  if (plan && plan.columns === m.columnProps.length && plan.relationships === m.relationships.size) return plan;
  const expiredColumns = m.columnProps.filter((p) => !p.column.primaryKey).map((p) => p.key);
  plan = { columns: m.columnProps.length, relationships: m.relationships.size, removed: new Set([...expiredColumns, ...m.relationships.keys()]), expiredColumns, expiredSet: new Set(expiredColumns) };
  expirePlans.set(m, plan);
  return plan;
}

function normalizePk(mapper: Mapper, pk: unknown): unknown[] {
  const n = mapper.pkProps.length;
  if (Array.isArray(pk)) {
    if (pk.length !== n) throw new ArgumentError(`${mapper.className} has ${n} primary key column(s); got ${pk.length} value(s)`);
    return pk;
  }
  if (pk !== null && typeof pk === "object" && !(pk instanceof Date)) {
    return mapper.pkProps.map((p) => {
      let v = (pk as Record<string, unknown>)[p.key];
      // A synonym of a key attribute names it too (SQLAlchemy #8753: get(User, { synId: 7 })).
      if (v === undefined) for (const k of mapper.synonymKeysFor(p.key)) v ??= (pk as Record<string, unknown>)[k];
      if (v === undefined) throw new ArgumentError(`get(): missing primary key value '${p.key}' for ${mapper.className}`);
      return v;
    });
  }
  if (n !== 1) throw new ArgumentError(`${mapper.className} has a composite primary key; pass an array or object`);
  return [pk];
}


/**
 * close() every AsyncSession still in memory (SQLAlchemy's `close_all_sessions()`): each ends
 * its transaction and detaches its objects. Sessions are closed one after another.
 */
export async function closeAllSessions(): Promise<void> {
  for (const s of liveSessions()) await s.close();
}

/**
 * SQLAlchemy's UnmappedInstanceError for an argument that is not a mapped instance: "Class
 * 'Unmapped' is not mapped", naming the argument's class (the class of a class is Function).
 */
function unmappedInstance(obj: unknown): UnmappedInstanceError {
  const name =
    obj === null ? "null" : obj === undefined ? "undefined" : ((Object.getPrototypeOf(obj) as { constructor?: { name?: string } } | null)?.constructor?.name ?? "Object");
  return new UnmappedInstanceError(`Class '${name}' is not mapped`);
}

/**
 * SQLAlchemy's `_flush_warning()`: a session method called from a mapper persistence listener,
 * after the flush was planned, may not take part in that flush.
 */
function flushWarning(method: string): void {
  warn(
    `Usage of the '${method}' operation is not currently supported within the execution stage of the flush process. Results may not be consistent.  Consider using alternative event listeners or connection-level operations instead.`,
  );
}

/** Python's repr() of a discriminator value in SQLAlchemy's messages: 'b' for strings. */
function pyRepr(v: unknown): string {
  return typeof v === "string" ? `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'` : String(v);
}

/**
 * How a session transaction began (SQLAlchemy's `SessionTransactionOrigin`): "autobegin" (the
 * first use of the session), "begin" (begin()), "beginNested" (a SAVEPOINT) or "subtransaction"
 * (the marker transaction a flush runs in; only event listeners see those).
 */
export type SessionTransactionOrigin = "autobegin" | "begin" | "beginNested" | "subtransaction";

/**
 * A session transaction (SQLAlchemy's `SessionTransaction`): the handle begin()/beginNested()
 * return and getTransaction() gives, also passed to the transaction events.
 */
export class SessionTransaction {
  /** @internal The database transaction (or SAVEPOINT) it stands for was rolled back. */
  _deactivated = false;
  /** @internal Ended: committed, rolled back or closed. */
  _closed = false;
  /** @internal */
  constructor(
    readonly session: AsyncSession,
    private readonly savepoint: Transaction | undefined,
    /** The enclosing transaction: null for the root one (SQLAlchemy's `SessionTransaction.parent`). */
    readonly parent: SessionTransaction | null = null,
    readonly origin: SessionTransactionOrigin = savepoint ? "beginNested" : "begin",
  ) {}
  /** Whether this is a SAVEPOINT. */
  get nested(): boolean {
    return this.savepoint !== undefined;
  }
  /** Not ended, and its database transaction not rolled back by a failed flush (SQLAlchemy's `is_active`). */
  get isActive(): boolean {
    return !this._closed && !this._deactivated;
  }
  /**
   * Commit: release the SAVEPOINT, or commit the session (root transaction).
   * @throws InvalidRequestError for a flush's subtransaction, which its flush ends;
   *   ResourceClosedError "This transaction is closed" once it has ended.
   */
  async commit(): Promise<void> {
    this.refuseSubtransaction("commit");
    this.refuseClosed();
    if (this.savepoint) await this.session._endSavepoint(this.savepoint, "commit");
    else await this.session.commit();
  }
  /**
   * Roll back to the SAVEPOINT, or roll the session back (root transaction).
   * @throws InvalidRequestError for a flush's subtransaction, which its flush ends;
   *   ResourceClosedError "This transaction is closed" once it has ended.
   */
  async rollback(): Promise<void> {
    this.refuseSubtransaction("rollback");
    this.refuseClosed();
    if (this.savepoint) await this.session._endSavepoint(this.savepoint, "rollback");
    else await this.session.rollback();
  }
  /**
   * An ended transaction (committed, rolled back, closed) takes no further commit or rollback
   * (SQLAlchemy's `_raise_for_prerequisite_state` in the CLOSED state).
   */
  private refuseClosed(): void {
    if (this._closed) throw new ResourceClosedError("This transaction is closed");
  }
  private refuseSubtransaction(op: string): void {
    if (this.origin === "subtransaction") throw new InvalidRequestError(`A flush's subtransaction is ended by its flush; ${op}() the session or its root transaction instead`);
  }
  /** Rolls back unless committed (disposal cannot see exceptions). */
  async [Symbol.asyncDispose](): Promise<void> {
    // A SAVEPOINT already rolled back by a failed flush still has to be closed in the session.
    if (!this._closed && (this.savepoint || this.session.inTransaction())) await this.rollback();
  }
}

/** A session factory with fixed options (SQLAlchemy's `async_sessionmaker`). */
export interface AsyncSessionmaker {
  (overrides?: SessionOptions): AsyncSession;
  /**
   * Session events for every session this maker makes, made before or after the listener was
   * registered (SQLAlchemy's `event.listen(sessionmaker, …)`): `event.listen(maker, "afterCommit", fn)`.
   */
  readonly [DISPATCH]: Dispatcher<SessionEvents>;
  /** `await maker.begin(async (session) => …)`: a session in a transaction, committed on return. */
  begin<R>(fn: (session: AsyncSession) => Promise<R>): Promise<R>;
}
/** `asyncSessionmaker(engine, { expireOnCommit: false })`: make sessions with shared options. */
export function asyncSessionmaker(bind: AsyncEngine | AsyncConnection, options: SessionOptions = {}): AsyncSessionmaker {
  // The maker's info and the session's are merged (SQLAlchemy's sessionmaker(info=…)), copied per session.
  const dispatch = AsyncSession[DISPATCH].child("asyncSessionmaker");
  const maker = ((overrides?: SessionOptions) => {
    // The constructor takes the maker's dispatcher as the parent of the session's (not an option:
    // only a maker may set it).
    makerDispatch = dispatch;
    try {
      return new AsyncSession(bind, { ...options, ...overrides, info: { ...options.info, ...overrides?.info } });
    } finally {
      makerDispatch = undefined;
    }
  }) as AsyncSessionmaker;
  Object.defineProperty(maker, DISPATCH, { value: dispatch, enumerable: false });
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

/**
 * The unit of work: turns pending, changed and deleted objects into batched INSERT, UPDATE and
 * DELETE statements in dependency order (SQLAlchemy's `unitofwork`, `persistence`,
 * `dependency`).
 *
 * - Only pending objects, objects marked deleted and persistent objects flagged as possibly
 *   modified (see state.ts) are examined: a flush scans the identity map only when a primary
 *   key changed (to carry it to the many-to-ones that point at the object).
 * - Mappers are ordered by foreign-key dependency (tables referenced first). Each run of a
 *   mapper's new rows (in the order added) with the same set of provided columns goes out as
 *   one multi-row `INSERT … VALUES … RETURNING`; generated keys, client defaults and server
 *   defaults come back in the same statement (SQLAlchemy 2.0 "insertmanyvalues" with eager
 *   defaults). Columns without any default are always sent, NULL when unset; `null` for a
 *   column with a default lets the default apply (SQLAlchemy's `_collect_insert_commands`).
 * - A column attribute set to a SQL expression is rendered into that object's INSERT or UPDATE
 *   (a statement of its own) and expired afterwards; a primary key comes back by RETURNING.
 * - A new object with the primary key of an object deleted in the same flush takes its row
 *   over: one UPDATE instead of DELETE + INSERT (SQLAlchemy's "row switch").
 * - A changed primary key (or a column a one-to-many refers to) is carried to the foreign keys
 *   of related objects: in memory only under `passiveUpdates` (ON UPDATE CASCADE), else by
 *   UPDATEs after the parent's.
 * - Rows of one mapper that depend on each other (self-referential trees), and mappers in a
 *   foreign-key cycle, are inserted in row-level waves; a row-level cycle needs
 *   `postUpdate: true` on one relationship (its FK is then set by an UPDATE of its own after
 *   every save, even of a row the flush also UPDATEs),
 *   else CircularDependencyError.
 * - UPDATEs set only changed columns; updates of the same shape run as one executemany in
 *   primary-key order; a version-id column is checked and incremented (StaleDataError when a
 *   row did not match). Foreign keys a flush clears (children of a deleted parent) are one
 *   executemany of `UPDATE … SET fk=NULL WHERE pk = ?`.
 * - Many-to-many association rows are inserted after the INSERTs and removed before DELETEs;
 *   a custom primaryjoin/secondaryjoin narrows those DELETEs to the rows it identifies and fills
 *   its `secondary.col = value` terms into new rows (association.ts).
 * - Joined-table inheritance writes one statement per table (inheritance.ts); on batch-only
 *   drivers its keys are always allocated before the batch, since each subclass row copies one.
 * - DELETEs run children first, batched by primary key (version-checked rows one by one).
 * - When the flush fails, every object it touched gets back its pre-flush state (values,
 *   committed snapshot, status, identity key); the caller rolls the transaction back. Plain new
 *   objects of mappers without relationships or insert listeners (a bulk load) are captured as
 *   bare dictionary copies that become their committed snapshot on success.
 * - Per-row work is kept to straight loops over value arrays: statements, insert shapes and the
 *   mapper order are cached per mapper (set), mapper events are only awaited when listened to,
 *   and new objects enter the identity map by (class, key part) without building key strings.
 * @module
 */
import type { IdentityMap, IdentityPart } from "./identity-map.js";
import { CircularDependencyError, FlushError, InvalidRequestError, StaleDataError } from "../errors.js";
import { bindparam, ClauseElement, ColumnElement, text, tuple } from "../sql/elements.js";
import { delete_, insert, update } from "../sql/dml.js";
import { select, type TableClause } from "../sql/selectable.js";
import { clientDefaultValue, sortTablesAndConstraints, type ColumnImpl, type MetaData, type Table } from "../sql/schema.js";
import type { AsyncConnection, ExecuteParams } from "../engine/connection.js";
import type { Result } from "../engine/result/index.js";
import { takeValueRows } from "../engine/orm-rows.js";
import { AthanorWarning, warn } from "../warnings.js";
import type { ColumnProperty, Mapper, RelationshipProperty } from "./mapper.js";
import { copyDict, modifiedStates, newDict, stateOf, stateStr, type InstanceState } from "./state.js";
import { associationCriteria } from "./association.js";
import { checkWriteOnlyDelete } from "./write-only.js";
import { sessionById } from "./session-registry.js";
import { linkedByBackrefOnly } from "./instrumentation.js";
import { deleteJoinedStates, insertJoinedBatch, isMultiTableMapper, rowSwitchJoined, updateJoinedGroup } from "./inheritance.js";

/** What the unit of work needs from the session. */
export interface FlushContext {
  readonly connection: AsyncConnection;
  readonly identityMap: IdentityMap;
  readonly sessionId: number;
  readonly newStates: Set<InstanceState>;
  readonly deletedStates: Set<InstanceState>;
  /** Mapper event hooks (mapper listeners, then session listeners). */
  fireMapperEvent(event: MapperEventName, mapper: Mapper, obj: object): Promise<void>;
  /** Whether {@link fireMapperEvent} has any listener to run for `event` on `mapper` (checked once per batch, not per object). */
  hasMapperListeners(event: MapperEventName, mapper: Mapper): boolean;
  /** Set on batch-only drivers (Neon HTTP, D1): statements are queued for the commit batch. */
  readonly batch?: BatchFlush;
  /**
   * Receives the persistent objects the flush wrote (UPDATEs, FK syncs) when given: a session
   * SAVEPOINT remembers them, since rolling it back expires only those (SQLAlchemy's
   * `SessionTransaction._dirty`).
   */
  readonly flushedPersistent?: Set<InstanceState>;
  /**
   * Receives, when given, the identity key a persistent object had before a flush changed its
   * primary key (the first one only: an entry already present is kept), so a rollback of the
   * transaction or SAVEPOINT can put the object back under it (SQLAlchemy's
   * `SessionTransaction._key_switches`).
   */
  readonly keySwitches?: Map<InstanceState, KeySwitch>;
}

/** An object's identity before a flush changed its primary key: the key string and the primary-key values. */
export interface KeySwitch {
  readonly key: string;
  readonly pk: readonly unknown[];
}

/** The per-object mapper events a flush fires (SQLAlchemy's `before_insert` … `after_delete`). */
export type MapperEventName = "beforeInsert" | "afterInsert" | "beforeUpdate" | "afterUpdate" | "beforeDelete" | "afterDelete";

/**
 * Fire `event` for every object of a batch, in order, awaiting each listener; without listeners
 * nothing is awaited (a thousand-row flush would otherwise await twice per row for nothing).
 */
export async function fireEach(ctx: FlushContext, event: MapperEventName, mapper: Mapper, states: readonly InstanceState[]): Promise<void> {
  if (!ctx.hasMapperListeners(event, mapper)) return;
  // beforeUpdate ran already for the flush's dirty objects (see fireBeforeUpdates).
  const done = event === "beforeUpdate" ? beforeUpdateFired.get(ctx) : undefined;
  for (const st of states) if (!done?.has(st)) await ctx.fireMapperEvent(event, mapper, st.obj);
}

/** Per flush context, the objects whose beforeUpdate listeners ran before their changes were collected. */
const beforeUpdateFired = new WeakMap<FlushContext, Set<InstanceState>>();

/**
 * SQLAlchemy's `_organize_states_for_save`: `before_update` fires for every dirty persistent
 * object — also one whose only change is a relationship collection — before the changed columns
 * are collected, so that values a listener sets are written by the same UPDATE. Returns the
 * objects it fired for, by mapper (referenced tables first, rows in primary-key order); those
 * not UPDATEd after all get their `afterUpdate` from {@link fireAfterUpdatesWithoutChanges}.
 */
async function fireBeforeUpdates(ctx: FlushContext, states: readonly InstanceState[]): Promise<Map<Mapper, InstanceState[]> | undefined> {
  // Only mappers with update listeners are grouped: a flush without any allocates nothing here.
  let byMapper: Map<Mapper, InstanceState[]> | undefined;
  const listened = new Map<Mapper, boolean>();
  for (const st of states) {
    const m = st.mapper;
    let has = listened.get(m);
    if (has === undefined) listened.set(m, (has = ctx.hasMapperListeners("beforeUpdate", m) || ctx.hasMapperListeners("afterUpdate", m)));
    if (!has) continue;
    const l = (byMapper ??= new Map()).get(m);
    if (l) l.push(st);
    else byMapper.set(m, [st]);
  }
  if (byMapper === undefined) return undefined;
  const mappers = [...byMapper.keys()];
  const fired = new Set<InstanceState>();
  const out = new Map<Mapper, InstanceState[]>();
  for (const mapper of mappers.sort((a, b) => tableIndex(a.table) - tableIndex(b.table))) {
    const ordered = sortByPk(byMapper.get(mapper)!, mapper.pkProps);
    out.set(mapper, ordered);
    for (const st of ordered) {
      if (ctx.hasMapperListeners("beforeUpdate", mapper)) await ctx.fireMapperEvent("beforeUpdate", mapper, st.obj);
      fired.add(st);
    }
  }
  beforeUpdateFired.set(ctx, fired);
  return out;
}

/** `afterUpdate` for the objects {@link fireBeforeUpdates} fired for that no UPDATE wrote (SQLAlchemy fires it for each). */
async function fireAfterUpdatesWithoutChanges(ctx: FlushContext, fired: Map<Mapper, InstanceState[]>, updated: ReadonlySet<InstanceState>): Promise<void> {
  for (const [mapper, states] of fired) await fireEach(ctx, "afterUpdate", mapper, states.filter((st) => !updated.has(st)));
}

/**
 * How a flush runs on a driver without interactive transactions: every write is queued for the
 * one atomic batch sent at commit, and its result (RETURNING values, row counts) is applied when
 * that batch has run. Keys that later rows need are assigned before queueing: client defaults in
 * JS, autoincrement keys from one request (PostgreSQL `nextval()` of the column's sequence;
 * SQLite `MAX(id)` of the table).
 */
export interface BatchFlush {
  queue(stmt: ClauseElement, params: ExecuteParams | undefined, after?: (r: Result<unknown[], Record<string, unknown>>) => void): Promise<void>;
  /** Run a read now, ahead of the queued writes. */
  direct(stmt: ClauseElement): Promise<Result<unknown[], Record<string, unknown>>>;
  /** SQLite: the highest key handed out per table in this transaction (MAX(id) does not see queued rows yet). */
  readonly assignedKeys: Map<Table, number>;
  /**
   * Allocate keys for every new row, not only those other rows reference: an explicit
   * `session.flush()` hands out keys (as on any driver); the flush inside `commit()` does not
   * need to, so a commit without dependent rows is a single request.
   */
  readonly allocateAll?: boolean;
}

/** Execute now, or queue for the commit batch; `after` sees the result either way. @internal */
export async function run(ctx: FlushContext, stmt: ClauseElement, params?: ExecuteParams, after?: (r: Result<unknown[], Record<string, unknown>>) => void): Promise<void> {
  if (ctx.batch) return ctx.batch.queue(stmt, params, after);
  const r = await ctx.connection.execute(stmt, params);
  after?.(r as Result<unknown[], Record<string, unknown>>);
}

/**
 * Warning for a pending object whose primary key equals that of a persistent object in the same
 * session (SQLAlchemy 1.4: "New instance conflicts with existing identity" is a warning, and the
 * INSERT then raises IntegrityError as it would for a row not loaded in the session).
 */
export class IdentityConflictWarning extends AthanorWarning {
  override name = "IdentityConflictWarning";
}

// ---- snapshots ---------------------------------------------------------------------------------

const NO_COLLECTIONS: Map<string, readonly object[]> = new Map();
const KEEP_KEY: unique symbol = Symbol("keep key");
/**
 * A state's pre-flush contents, for restoring in-memory objects when a flush fails. One is taken
 * for every object a flush touches, so it is a plain class (one shape) and the dictionary copy
 * keeps V8's fast property layout.
 */
class Snapshot {
  readonly dict: Record<string, unknown>;
  readonly arrays: [string, unknown[]][] | undefined;
  /** undefined: the committed snapshot was the dictionary itself (see `InstanceState.committedIsCurrent`). */
  readonly committed: Record<string, unknown> | undefined;
  readonly committedCollections: Map<string, readonly object[]>;
  readonly status: InstanceState["status"];
  /**
   * The identity key to restore, or {@link KEEP_KEY}: a flush changes the key of a persistent
   * object only after its last statement, so only pending objects need theirs (reading the key
   * of a loaded object would build its string, which the loader leaves unbuilt).
   */
  readonly key: string | undefined | typeof KEEP_KEY;
  readonly sessionId: number | undefined;
  readonly modified: boolean;
  constructor(st: InstanceState) {
    const dict = copyDict(st.current);
    let arrays: [string, unknown[]][] | undefined;
    const rels = st.mapper.relationships;
    if (rels.size) {
      for (const rel of rels.values()) {
        const v = dict[rel.key];
        if (Array.isArray(v)) (arrays ??= []).push([rel.key, [...(v as unknown[])]]);
      }
    }
    this.dict = dict;
    this.arrays = arrays;
    this.committed = st.committedIsCurrent ? undefined : st.committed;
    this.committedCollections = st.hasCommittedCollections ? new Map(st.committedCollections) : NO_COLLECTIONS;
    this.status = st.status;
    this.key = st.status === "pending" ? st.key : KEEP_KEY;
    this.sessionId = st.sessionId;
    this.modified = st.modified;
  }
}

/**
 * How to restore a new object after a failed light-mode flush. Such a flush (without a row
 * switch) writes into its dictionary only where a column was unset (absent, undefined or null):
 * the values its INSERT fetched, NULL for columns sent as NULL, the version counter. So two bits
 * per column property say what each held — {@link UNDO_KEEP} (a value: left alone),
 * {@link UNDO_ABSENT}, {@link UNDO_UNDEFINED}, {@link UNDO_NULL} — in one number for up to 15
 * columns, and no dictionary copy is made per object. An object with more columns, or with a SQL
 * expression value (a primary key given so is overwritten by RETURNING), keeps a copy instead.
 */
type LightUndo = number | Record<string, unknown>;
const UNDO_KEEP = 0;
const UNDO_ABSENT = 1;
const UNDO_UNDEFINED = 2;
const UNDO_NULL = 3;
function lightUndoOf(st: InstanceState): LightUndo {
  const d = st.current;
  const props = st.mapper.columnProps;
  if (props.length > 15) return copyDict(d);
  let undo = 0;
  for (let i = 0; i < props.length; i++) {
    const k = props[i].key;
    const v = d[k];
    let code = UNDO_KEEP;
    if (v === undefined) code = k in d ? UNDO_UNDEFINED : UNDO_ABSENT;
    else if (v === null) code = UNDO_NULL;
    else if (typeof v === "object" && v instanceof ClauseElement) return copyDict(d);
    undo |= code << (2 * i);
  }
  return undo;
}
/** The dictionary `st` had before a light-mode flush, from its {@link LightUndo} (keys in their old order). */
function undoLight(st: InstanceState, undo: LightUndo): Record<string, unknown> {
  if (typeof undo !== "number") return undo;
  const props = st.mapper.columnProps;
  const codes = new Map<string, number>();
  for (let i = 0; i < props.length; i++) codes.set(props[i].key, (undo >> (2 * i)) & 3);
  const cur = st.current;
  const out = newDict();
  // Keys the flush added come after the old ones in `cur`, and are exactly the absent ones.
  for (const k in cur) {
    const code = codes.get(k) ?? UNDO_KEEP;
    if (code === UNDO_ABSENT) continue;
    out[k] = code === UNDO_UNDEFINED ? undefined : code === UNDO_NULL ? null : cur[k];
  }
  return out;
}

/**
 * A new object in the plain state `session.add()` leaves it in: no identity key, no committed
 * values or collections, nothing watched or flagged — what a failed light-mode flush restores.
 */
function isPlainPending(st: InstanceState, sessionId: number): boolean {
  return st.isPlainPendingIn(sessionId);
}

function restore(st: InstanceState, s: Snapshot): void {
  // Collections keep the array identity the application holds, with their old contents.
  if (s.arrays) {
    for (const [k, items] of s.arrays) {
      const arr = s.dict[k] as unknown[];
      arr.length = 0;
      for (const x of items) arr.push(x);
    }
  }
  if (s.committed === undefined) st.replaceShared(s.dict);
  else {
    st.dict = s.dict;
    st.committed = s.committed;
  }
  st.committedCollections = s.committedCollections === NO_COLLECTIONS ? new Map() : s.committedCollections;
  if (s.key !== KEEP_KEY) st.key = s.key;
  st.modified = false;
  st.status = s.status;
  st.sessionId = s.sessionId;
  if (s.modified) st.markModified();
}

// ---- helpers -----------------------------------------------------------------------------------

/**
 * A just-inserted state becomes persistent under its primary key and enters the identity map,
 * addressed by the map's (class, key part) pair: no identity key string is built per object.
 */
export function enterIdentityMap(identityMap: IdentityMap, st: InstanceState, sessionId: number): void {
  const m = st.mapper;
  const pk = m.pkProps;
  let part: IdentityPart;
  if (pk.length === 1) {
    const v = st.current[pk[0].key];
    if (v == null) throw nullIdentityError(st);
    part = m.identityPart(v);
  } else {
    const vals = m.pkValues(st);
    if (vals.every((v) => v == null)) throw nullIdentityError(st);
    part = m.identityPartOf(vals);
  }
  st.loadedAs(part, sessionId);
  const classId = m.identityId;
  // Usually absent; otherwise set() replaces the entry (by the key string) as it always did.
  if (identityMap.getByIdentity(classId, part) === undefined) identityMap.addByIdentity(classId, part, st.obj);
  else identityMap.set(st.key!, st.obj);
}

/** A row flushed without any primary-key value (SQLAlchemy's `Session._register_persistent`). */
function nullIdentityError(st: InstanceState): FlushError {
  return new FlushError(
    `Instance ${stateStr(st)} has a NULL identity key.  If this is an auto-generated value, check that the database table allows generation of new primary key values, and that the mapped Column object is configured to expect these generated values.  Ensure also that this flush() is not occurring at an inappropriate time, such as within a load() event.`,
  );
}

/**
 * False when every primary-key value of a persistent state is the very value it was loaded or
 * flushed with, so its identity key cannot have changed (saves building the key string of every
 * updated object); true when one differs or was never recorded.
 */
function mayHaveNewKey(st: InstanceState): boolean {
  if (st.committedIsCurrent) return false;
  const c = st.committed;
  const d = st.dict;
  for (const p of st.mapper.pkProps) {
    const k = p.key;
    if (!(k in c) || !Object.is(c[k], d[k])) return true;
  }
  return false;
}

const propKey = (m: Mapper, col: ColumnImpl): string => {
  const p = m.propByColumn.get(col);
  if (!p) throw new InvalidRequestError(`Column ${col.describe()} is not mapped by ${m.className}`);
  return p.key;
};

/**
 * A SQL expression assigned to a column attribute (`obj.count = T.count.add(1)`,
 * `func.lower("X")`): the flush renders it into that object's INSERT or UPDATE instead of a
 * bound value, as SQLAlchemy embeds SQL expressions in a flush.
 */
function isSqlValue(v: unknown): v is ClauseElement {
  return typeof v === "object" && v !== null && v instanceof ClauseElement;
}

/**
 * Attributes a flush wrote as SQL expressions, expired once it succeeds (their value is the
 * database's; SQLAlchemy expires them too, except a primary key, which is fetched back by
 * RETURNING). Keyed by state, so concurrent flushes of other sessions don't meet.
 */
const sqlValueKeys = new WeakMap<InstanceState, string[]>();
/**
 * Count of {@link noteSqlValues} calls: a flush during which it did not move (the usual case)
 * skips {@link expireSqlValues}. Another session's flush interleaving only costs the lookups.
 */
let sqlValueNotes = 0;

function noteSqlValues(st: InstanceState, keys: readonly string[]): void {
  sqlValueNotes++;
  const l = sqlValueKeys.get(st);
  if (l) l.push(...keys);
  else sqlValueKeys.set(st, [...keys]);
}

/**
 * Attributes whose new value the database generated and the flush did not fetch (a server
 * default or computed value under `eagerDefaults: false`, a server-side onupdate unless
 * `eagerDefaults: true`): expired once the flush succeeds, as SQLAlchemy's `_postfetch`
 * expires its `postfetch_cols`.
 */
const serverValueKeys = new WeakMap<InstanceState, string[]>();

/** Note attributes of `st` the database generated without the flush fetching them. @internal */
export function noteServerValues(st: InstanceState, keys: readonly string[]): void {
  if (!keys.length) return;
  sqlValueNotes++;
  const l = serverValueKeys.get(st);
  if (l) l.push(...keys);
  else serverValueKeys.set(st, [...keys]);
}

/** A failed flush: the notes taken for `st` no longer apply. */
function forgetFlushNotes(st: InstanceState): void {
  sqlValueKeys.delete(st);
  serverValueKeys.delete(st);
}

/** After a successful flush: the attributes written as SQL expressions or generated by the database become expired. */
function expireSqlValues(st: InstanceState): void {
  const keys = sqlValueKeys.get(st);
  const server = serverValueKeys.get(st);
  if (!keys && !server) return;
  if (keys) sqlValueKeys.delete(st);
  if (server) serverValueKeys.delete(st);
  const expire = (k: string) => {
    delete st.dict[k];
    delete st.committed[k];
    (st.expiredMutable ??= new Set()).add(k);
  };
  if (keys) for (const k of keys) if (isSqlValue(st.dict[k])) expire(k);
  if (server) for (const k of server) expire(k);
}

/**
 * After a flush that wrote a persistent object: its loaded column properties are expired, so the
 * next load reads them again from the columns just written (SQLAlchemy's `expire_on_flush`,
 * `_finalize_insert_update_commands`). A new object has none loaded.
 */
function expireColumnProperties(st: InstanceState): void {
  for (const [k, e] of st.mapper.expressionProps) {
    if (!e.expireOnFlush || e.isQueryExpression || !(k in st.dict)) continue;
    delete st.dict[k];
    delete st.committed[k];
  }
}

/** Relationship values of a state as a list. */
function related(st: InstanceState, rel: RelationshipProperty): object[] {
  const v = st.dict[rel.key];
  if (rel.uselist) return Array.isArray(v) ? (v as object[]) : [];
  return v ? [v as object] : [];
}
function committedRelated(st: InstanceState, rel: RelationshipProperty): readonly object[] {
  if (rel.uselist) return st.committedCollections.get(rel.key) ?? [];
  const v = st.committed[rel.key];
  return v ? [v as object] : [];
}
/** Items of `a` not in `b` (by identity); sets only for large lists. */
function minus(a: readonly object[], b: readonly object[]): object[] {
  if (a.length === 0) return [];
  if (b.length === 0) return [...a];
  if (a.length * b.length <= 256) return a.filter((x) => !b.includes(x));
  const sb = new Set(b);
  return a.filter((x) => !sb.has(x));
}
/** Value of column `col` of `st` as the database has it now (committed, else current). */
function dbValue(st: InstanceState, m: Mapper, col: ColumnImpl): unknown {
  const k = propKey(m, col);
  return k in st.committed ? st.committed[k] : st.dict[k];
}

/** Table order (referenced tables first) per MetaData, recomputed only when tables are added. */
const tableOrderCache = new WeakMap<MetaData, { size: number; index: Map<Table, number> }>();
function tableIndex(t: Table): number {
  const md = t.metadata;
  const size = md.tables.size;
  let c = tableOrderCache.get(md);
  if (!c || c.size !== size) {
    const index = new Map<Table, number>();
    // sortTablesAndConstraints breaks foreign key cycles silently (their keys go to ALTER), so
    // a flush over mutually dependent tables never warns; MetaData.sortedTables would.
    const byName = [...md.tables.values()].sort((a, b) => (a.fullname < b.fullname ? -1 : a.fullname > b.fullname ? 1 : 0));
    sortTablesAndConstraints(byName).forEach(([x], i) => {
      if (x !== undefined) index.set(x, i);
    });
    c = { size, index };
    tableOrderCache.set(md, c);
  }
  return c.index.get(t) ?? 0;
}

/**
 * Tables a mapper's rows must wait for on INSERT: targets of its table's foreign keys, except
 * FK columns written by a `postUpdate` relationship (those are set after the INSERTs).
 */
const fkTargetCache = new WeakMap<Mapper, Table[]>();
function fkTargets(m: Mapper): Table[] {
  let out = fkTargetCache.get(m);
  if (out) return out;
  const postUpdateCols = new Set<ColumnImpl>();
  const collect = (mm: Mapper) => {
    for (const rel of mm.relationships.values()) {
      if (!rel.options.postUpdate) continue;
      if (rel.direction === "MANYTOONE") for (const [local] of rel.syncPairs) postUpdateCols.add(local);
      else if (rel.direction === "ONETOMANY") for (const [, remote] of rel.syncPairs) postUpdateCols.add(remote);
    }
  };
  collect(m);
  for (const other of (m.registry as { mappers?: readonly Mapper[] }).mappers ?? []) if (other !== m) collect(other);
  const targets = new Set<Table>();
  for (const fkc of m.table.foreignKeyConstraints) {
    for (const fk of fkc.elements) {
      const parent = fk.parent as ColumnImpl | undefined;
      if (parent && postUpdateCols.has(parent)) continue;
      const t = fk.target?.table as Table | undefined;
      if (t) targets.add(t);
    }
  }
  out = [...targets];
  fkTargetCache.set(m, out);
  return out;
}

/**
 * Order mappers for INSERT: strongly connected components (Tarjan) of the "must insert before"
 * graph, referenced mappers first. A component of several mappers, or one mapper referencing
 * itself, needs row-level ordering.
 */
function orderMappers(mappers: readonly Mapper[], rowEdges: Map<Mapper, Set<Mapper>>): { mappers: Mapper[]; rowLevel: boolean }[] {
  const byTable = new Map<Table, Mapper[]>();
  for (const m of mappers) {
    const l = byTable.get(m.table);
    if (l) l.push(m);
    else byTable.set(m.table, [m]);
  }
  // Edges before → after.
  const succ = new Map<Mapper, Set<Mapper>>();
  const addEdge = (a: Mapper, b: Mapper) => {
    let s = succ.get(a);
    if (!s) succ.set(a, (s = new Set()));
    s.add(b);
  };
  for (const m of mappers) {
    for (const t of fkTargets(m)) for (const before of byTable.get(t) ?? []) addEdge(before, m);
  }
  for (const [a, bs] of rowEdges) for (const b of bs) addEdge(a, b);
  // Tarjan: components come out in reverse topological order of `succ`.
  const sorted = [...mappers].sort((a, b) => tableIndex(a.table) - tableIndex(b.table) || a.id - b.id);
  let index = 0;
  const idx = new Map<Mapper, number>();
  const low = new Map<Mapper, number>();
  const onStack = new Set<Mapper>();
  const stack: Mapper[] = [];
  const comps: { mappers: Mapper[]; rowLevel: boolean }[] = [];
  const strong = (v: Mapper): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of succ.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: Mapper[] = [];
      let w: Mapper;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      comp.sort((a, b) => tableIndex(a.table) - tableIndex(b.table) || a.id - b.id);
      comps.push({ mappers: comp, rowLevel: comp.length > 1 || (succ.get(v)?.has(v) ?? false) });
    }
  };
  for (const m of [...sorted].reverse()) if (!idx.has(m)) strong(m);
  return comps.reverse();
}

/**
 * {@link orderMappers} without row-level edges, cached per set of mappers: a flush of the same
 * kinds of objects as an earlier one reuses its plan. Valid while the mappers' MetaData gain no
 * tables (which can change the table order).
 */
const mapperOrderCache = new Map<string, { readonly tables: number; readonly order: { mappers: Mapper[]; rowLevel: boolean }[] }>();
function mapperOrder(mappers: readonly Mapper[]): { mappers: Mapper[]; rowLevel: boolean }[] {
  let key: string;
  let tables = 0;
  if (mappers.length === 1) {
    key = String(mappers[0].id);
    tables = mappers[0].table.metadata.tables.size;
  } else {
    const ids: number[] = [];
    const seen = new Set<MetaData>();
    for (const m of mappers) {
      ids.push(m.id);
      const md = m.table.metadata;
      if (!seen.has(md)) {
        seen.add(md);
        tables += md.tables.size;
      }
    }
    key = ids.sort((a, b) => a - b).join(",");
  }
  const hit = mapperOrderCache.get(key);
  if (hit && hit.tables === tables) return hit.order;
  const order = orderMappers(mappers, new Map());
  // Bounded: a program has few distinct sets of mappers flushed together.
  if (mapperOrderCache.size >= 256) mapperOrderCache.clear();
  mapperOrderCache.set(key, { tables, order });
  return order;
}

// ---- the flush ---------------------------------------------------------------------------------

interface Sync {
  readonly child: InstanceState;
  readonly parent: InstanceState | null;
  /** (child column, parent column) pairs. */
  readonly pairs: readonly (readonly [ColumnImpl, ColumnImpl])[];
  readonly parentMapper: Mapper;
}
interface PostUpdate {
  readonly child: InstanceState;
  readonly rel: RelationshipProperty;
  readonly parent: InstanceState | null;
}
interface M2MRow {
  readonly rel: RelationshipProperty;
  readonly parent: InstanceState;
  readonly child: InstanceState;
}
interface Dep {
  readonly before: InstanceState;
  readonly rel: RelationshipProperty;
}

/**
 * Run a flush on `ctx.connection`. On failure the objects' in-memory state is restored and the
 * error rethrown (the session then rolls the transaction back and requires `rollback()`).
 * @throws CircularDependencyError for a row-level cycle without `postUpdate`;
 *   StaleDataError when an UPDATE/DELETE matched fewer rows than expected (version id or a row
 *   deleted elsewhere); the driver's DBAPIError subclasses for database errors.
 */
export async function flush(ctx: FlushContext): Promise<void> {
  const registry = modifiedStates(ctx.sessionId);
  const touched = new Map<InstanceState, Snapshot>();
  // Light mode (see below): new objects were captured as undo records, not snapshots.
  let lightUndo: LightUndo[] | undefined;
  const touch = (st: InstanceState): void => {
    if (lightUndo && pending.has(st)) return;
    if (!touched.has(st)) touched.set(st, new Snapshot(st));
  };

  // The three sets are disjoint (pending vs persistent states; dirty excludes deleted), so each
  // state is snapshotted once here without a lookup. Without a relationship on any of them
  // there is nothing to cascade and no row depends on another.
  let related = false;
  // Light mode: new objects that are plain (see isPlainPending) of mappers without
  // relationships, insert listeners or joined tables, on a driver with interactive
  // transactions, change during the flush only by the values their INSERT fills in. Which
  // columns were unset (see lightUndoOf) then suffices to restore each; on success the dictionary
  // itself becomes the committed snapshot (copy-on-write) — no snapshot object, no map entry, no copy.
  let light = ctx.batch === undefined;
  let lastMapper: Mapper | undefined;
  // Sized up front (trimmed below): no regrowth while a large flush collects its states.
  const newList = new Array<InstanceState>(ctx.newStates.size);
  let nNew = 0;
  // Whether the session's new set holds pending states only, and how many runs of one mapper.
  let allPending = true;
  let mapperRuns = 0;
  // forEach rather than for…of: no iterator result object per state.
  ctx.newStates.forEach((st) => {
    if (st.status !== "pending") {
      allPending = false;
      return;
    }
    newList[nNew++] = st;
    const m = st.mapper;
    if (m !== lastMapper) {
      lastMapper = m;
      mapperRuns++;
      if (m.relationships.size) related = true;
      if (light && (isMultiTableMapper(m) || ctx.hasMapperListeners("beforeInsert", m) || ctx.hasMapperListeners("afterInsert", m))) light = false;
    }
    if (light && !isPlainPending(st, ctx.sessionId)) light = false;
  });
  newList.length = nNew;
  const deleted = new Set<InstanceState>();
  for (const st of ctx.deletedStates) {
    if (st.status !== "persistent") continue;
    deleted.add(st);
    touched.set(st, new Snapshot(st));
    if (st.mapper.relationships.size) related = true;
  }
  const dirty = new Set<InstanceState>();
  for (const st of registry) {
    if (st.status !== "persistent" || st.sessionId !== ctx.sessionId || deleted.has(st)) continue;
    dirty.add(st);
    touched.set(st, new Snapshot(st));
    if (st.mapper.relationships.size) related = true;
  }
  // A flush of plain new rows only (light mode, nothing deleted or changed) neither changes the
  // pending set nor runs a listener that could: the session's own set serves as it, unbuilt.
  const pending = light && !related && allPending && !deleted.size && !dirty.size ? ctx.newStates : new Set(newList);
  // Without cascades the pending states are newList; of one mapper, it is their INSERT batch as is.
  const sole = !related && mapperRuns === 1 ? newList : undefined;
  const sqlNotesAtStart = sqlValueNotes;
  if (light && !related) {
    lightUndo = new Array<LightUndo>(newList.length);
    // A row switch (a new object taking a deleted one's row) may overwrite given values: copies then.
    if (deleted.size) for (let i = 0; i < newList.length; i++) lightUndo[i] = copyDict(newList[i].current);
    else for (let i = 0; i < newList.length; i++) lightUndo[i] = lightUndoOf(newList[i]);
  } else for (const st of newList) touched.set(st, new Snapshot(st));

  try {
    let plan: Plan;
    if (related) {
      // 1. save-update cascade: transient objects reachable from new and changed objects become pending.
      cascadeSaveUpdate(ctx, pending, dirty, touch);
      // 1b. The replaced target of a one-to-one whose old value was never loaded is loaded now,
      // so the steps below release it (SQLAlchemy's deferred history of a scalar one-to-many).
      await loadReplacedScalars(ctx, dirty);
      // 2. delete-orphan and delete cascades (loading unloaded children unless passiveDeletes).
      await cascadeDeletes(ctx, pending, dirty, deleted, touch);
      // 3. Dependencies between rows, FK syncs, post-updates, association rows.
      plan = planDependencies(pending, dirty, deleted, touch, ctx.sessionId);
    } else plan = emptyPlan();

    // 4. INSERTs in dependency order (on batch-only drivers, with the keys other rows need assigned up front).
    const deferred = ctx.batch ? await assignBatchKeys(ctx, ctx.batch, pending, dirty, deleted, plan) : undefined;
    if (deferred?.size) ctx = settleDeferredKeys(ctx, ctx.batch!, deferred);
    // onupdate columns the application set on new rows that get a post-update: that UPDATE
    // writes the value given rather than firing the onupdate (SQLAlchemy sends `history.added`).
    let givenOnupdate: Map<InstanceState, string[]> | undefined;
    for (const pu of plan.postUpdates) {
      if (!pending.has(pu.child) || givenOnupdate?.has(pu.child)) continue;
      const keys = pu.child.mapper.columnProps.filter((p) => p.column.onupdate !== undefined && pu.child.dict[p.key] !== undefined).map((p) => p.key);
      if (keys.length) (givenOnupdate ??= new Map()).set(pu.child, keys);
    }
    const switched = new Set<InstanceState>();
    // 5. Rows to UPDATE: changed objects and children whose foreign key follows a parent. Foreign
    // keys to rows that exist are known now; key changes cascade to children (SQLAlchemy reads
    // that history in its presort phase, before any statement).
    const updatable = new Set<InstanceState>(dirty);
    for (const s of plan.syncs) {
      if (pending.has(s.child) || deleted.has(s.child)) continue;
      updatable.add(s.child);
      if (s.parent === null || !pending.has(s.parent)) applySync(s);
    }
    const keyMoves: AssociationKeyMove[] = [];
    if (dirty.size) await keySwitches(ctx, dirty, pending, deleted, updatable, touch, keyMoves);
    const nulledInSaves = deleted.size ? nullLoadedChildren(deleted, pending, updatable, touch) : undefined;
    // 6. Association rows of deleted objects go first (SQLAlchemy's many-to-many before_delete
    // action precedes every save).
    if (deleted.size) await deleteAssociationRowsOf(ctx, deleted);
    // 7. Saves mapper by mapper, referenced tables first: each mapper's UPDATEs, then its INSERTs
    // (SQLAlchemy's save_obj). A changed row with a post-update gets its ordinary UPDATE here too.
    await runSaves(ctx, pending, deleted, updatable, plan, switched, touch, sole);
    for (const s of plan.syncs) if (!pending.has(s.child)) applySync(s);
    // 8. Post-updates: now that every row exists, the foreign keys the saves could not write, in
    // UPDATEs of their own (SQLAlchemy's post_update(): a second UPDATE of a row the saves
    // already updated, no before/after update events).
    if (plan.postUpdates.length) {
      const postKeys = postUpdateKeys(plan.postUpdates, touch);
      for (const st of deleted) postKeys.delete(st);
      await runUpdates(ctx, [], pending, deleted, postKeys, touch, givenOnupdate);
    }
    // 9. Association rows of changed collections (removed, re-keyed, added), children of deleted
    // parents, then DELETEs children first.
    await runManyToMany(ctx, plan.m2mAdds, plan.m2mRemoves, deleted, keyMoves);
    // Deleted objects whose row a new object took over (row switch) are not DELETEd.
    const toDelete = switched.size ? new Set([...deleted].filter((st) => !switched.has(st))) : deleted;
    await nullOutChildren(ctx, toDelete, touch, nulledInSaves);
    await runDeletes(ctx, toDelete, touch);

    // Success: the in-memory state becomes the committed state.
    const sessionId = ctx.sessionId;
    // No statement of this flush wrote a SQL expression value: nothing to expire (no lookup per object).
    const sqlValues = sqlValueNotes !== sqlNotesAtStart;
    if (lightUndo) {
      for (let i = 0; i < newList.length; i++) {
        const st = newList[i];
        enterIdentityMap(ctx.identityMap, st, sessionId);
        // commitAll() for a state without relationships or watched values: the snapshot is the dictionary.
        st.shareCommitted();
        st.modified = false;
        if (sqlValues) expireSqlValues(st);
      }
    } else for (const st of pending) {
      // A key generated inside the commit batch is known (and identity-mapped) once the batch ran.
      if (deferred?.has(st)) {
        st.status = "persistent";
        st.sessionId = sessionId;
      } else enterIdentityMap(ctx.identityMap, st, sessionId);
      st.commitAll();
      expireSqlValues(st);
    }
    const flushed = ctx.flushedPersistent;
    for (const st of touched.keys()) {
      if (st.status !== "persistent" || pending.has(st) || deleted.has(st)) continue;
      flushed?.add(st);
      // A changed primary key moves the object in the identity map.
      if (mayHaveNewKey(st)) {
        const key = st.mapper.identityKey(st.mapper.pkValues(st));
        if (st.key !== undefined && key !== st.key) {
          if (ctx.keySwitches && !ctx.keySwitches.has(st)) ctx.keySwitches.set(st, { key: st.key, pk: rowPk(st, st.mapper.pkProps) });
          if (ctx.identityMap.get(st.key) === st.obj) ctx.identityMap.delete(st.key);
          st.key = key;
          ctx.identityMap.set(key, st.obj);
        }
      }
      st.commitAll();
      expireSqlValues(st);
      if (st.mapper.expressionProps.size) expireColumnProperties(st);
    }
    for (const st of deleted) {
      if (st.key && ctx.identityMap.get(st.key) === st.obj) ctx.identityMap.delete(st.key);
      st.status = "deleted";
      st.markedDeleted = false;
      st.modified = false;
    }
  } catch (e) {
    if (lightUndo) {
      for (let i = 0; i < newList.length; i++) {
        const st = newList[i];
        forgetFlushNotes(st);
        st.dict = undoLight(st, lightUndo[i]);
        st.committed = newDict();
        st.key = undefined;
        st.status = "pending";
        st.sessionId = ctx.sessionId;
        st.modified = false;
      }
    }
    for (const [st, snap] of touched) {
      forgetFlushNotes(st);
      restore(st, snap);
      // Objects cascaded into (or out of) the session by this flush go back to where they were.
      if (st.status === "pending") ctx.newStates.add(st);
      else if (st.status === "transient") ctx.newStates.delete(st);
    }
    throw e;
  }
  for (const st of registry) if (!st.modified || st.status !== "persistent" || st.sessionId !== ctx.sessionId) registry.delete(st);
  ctx.newStates.clear();
  ctx.deletedStates.clear();
  for (const st of deleted) ctx.deletedStates.add(st);
}

function cascadeSaveUpdate(ctx: FlushContext, pending: Set<InstanceState>, dirty: Set<InstanceState>, touch: (st: InstanceState) => void): void {
  const queue: InstanceState[] = [];
  const seen = new Set<InstanceState>();
  for (const st of pending) if (st.mapper.relationships.size) queue.push(st);
  for (const st of dirty) if (st.mapper.relationships.size) queue.push(st);
  for (const st of queue) seen.add(st);
  while (queue.length) {
    const st = queue.pop()!;
    for (const rel of st.mapper.relationships.values()) {
      if (!rel.cascade.saveUpdate || rel.viewonly || !(rel.key in st.dict)) continue;
      for (const o of related(st, rel)) {
        const os = stateOf(o);
        if (!os || seen.has(os)) continue;
        if (os.status === "transient") {
          if (linkedByBackrefOnly(o, st.obj)) continue;
          // Cascaded into the session for good (as SQLAlchemy's cascade on add/attribute set):
          // it stays pending even if this flush fails.
          os.status = "pending";
          os.sessionId = ctx.sessionId;
          pending.add(os);
          ctx.newStates.add(os);
          touch(os);
        }
        if (os.status === "pending" && os.sessionId === ctx.sessionId) {
          seen.add(os);
          queue.push(os);
        }
      }
    }
  }
}

async function cascadeDeletes(
  ctx: FlushContext,
  pending: Set<InstanceState>,
  dirty: Set<InstanceState>,
  deleted: Set<InstanceState>,
  touch: (st: InstanceState) => void,
): Promise<void> {
  // delete-orphan: children removed from a collection (or replaced in a scalar) with no new parent.
  const adoptedBy = new Map<RelationshipProperty, Set<object>>();
  const candidates: { st: InstanceState; child: object; rel: RelationshipProperty }[] = [];
  const scan = (st: InstanceState, collectOrphans: boolean) => {
    for (const rel of st.mapper.relationships.values()) {
      if (!rel.cascade.deleteOrphan || rel.viewonly || !(rel.key in st.dict)) continue;
      const cur = related(st, rel);
      let s = adoptedBy.get(rel);
      if (!s) adoptedBy.set(rel, (s = new Set()));
      for (const o of cur) s.add(o);
      if (collectOrphans) for (const o of minus(committedRelated(st, rel), cur)) candidates.push({ st, child: o, rel });
    }
  };
  for (const st of pending) if (st.mapper.relationships.size) scan(st, false);
  for (const st of dirty) if (st.mapper.relationships.size) scan(st, true);
  let level: InstanceState[] = [...deleted];
  for (const { st, child, rel } of candidates) {
    const cs = stateOf(child);
    if (!cs || cs.status !== "persistent" || deleted.has(cs) || adoptedElsewhere(st, rel, child, adoptedBy)) continue;
    touch(cs);
    deleted.add(cs);
    level.push(cs);
  }
  // delete cascade, one level at a time so unloaded children load in one SELECT per relationship.
  while (level.length) {
    const next: InstanceState[] = [];
    const toLoad = new Map<RelationshipProperty, InstanceState[]>();
    const found: object[] = [];
    for (const st of level) {
      if (st.mapper.relationships.size) checkWriteOnlyDelete(st);
      for (const rel of st.mapper.relationships.values()) {
        if (!rel.cascade.delete || rel.viewonly) continue;
        if (rel.key in st.dict) {
          const cur = related(st, rel);
          for (const o of cur) found.push(o);
          // With delete-orphan, children removed from the collection go too, unless another
          // parent took them (SQLAlchemy's `history.sum()`, deleted only when `hasparent()` is
          // False); a plain delete cascade reaches the current members only (`non_deleted()`).
          if (rel.cascade.deleteOrphan) {
            for (const o of minus(committedRelated(st, rel), cur)) if (!adoptedElsewhere(st, rel, o, adoptedBy)) found.push(o);
          }
        } else if (!rel.options.passiveDeletes) {
          // Unloaded children are loaded here, whatever the relationship's lazy strategy, as
          // SQLAlchemy's delete cascade does (PASSIVE_OFF | NO_RAISE): one SELECT per
          // relationship and level, batched by IN over the parents' keys.
          const l = toLoad.get(rel);
          if (l) l.push(st);
          else toLoad.set(rel, [st]);
        }
      }
    }
    for (const [rel, parents] of toLoad) for (const o of await loadRelated(ctx, rel, parents)) found.push(o);
    for (const o of found) {
      const cs = stateOf(o);
      if (!cs || deleted.has(cs)) continue;
      if (cs.status === "persistent") {
        touch(cs);
        deleted.add(cs);
        next.push(cs);
      } else if (cs.status === "pending" && pending.has(cs)) {
        // A new object cascaded from a deleted parent is never inserted.
        touch(cs);
        pending.delete(cs);
        ctx.newStates.delete(cs);
        cs.status = "transient";
        cs.sessionId = undefined;
      }
    }
    level = next;
  }
}

/**
 * Whether `child`, removed from `parent`'s relationship `rel`, has another parent: a new or
 * changed object holds it in the same relationship, or its many-to-one side names another owner.
 */
function adoptedElsewhere(parent: InstanceState, rel: RelationshipProperty, child: object, adoptedBy: Map<RelationshipProperty, Set<object>>): boolean {
  if (adoptedBy.get(rel)?.has(child)) return true;
  const rev = rel.reverse;
  if (!rev || rev.uselist) return false;
  const cs = stateOf(child);
  const owner = cs?.current[rev.key];
  return !!owner && owner !== parent.obj;
}

/**
 * SQLAlchemy's "new style" deferred history (1.4+, `_legacy_inactive_history_style=False`) of a
 * scalar one-to-many (`uselist: false`): a one-to-one assigned (directly or by a backref) while
 * its old value was never loaded has no committed value to diff against, so the old child would
 * keep its foreign key and two rows would name the same parent. Here, at flush (explicit awaited
 * I/O), the old value is loaded against the parent's committed key — one SELECT per relationship
 * — and recorded as the committed value; the dependency and delete-orphan steps then NULL out or
 * delete the old child as they do for a loaded one.
 */
async function loadReplacedScalars(ctx: FlushContext, dirty: Set<InstanceState>): Promise<void> {
  let toLoad: Map<RelationshipProperty, InstanceState[]> | undefined;
  for (const st of dirty) {
    if (st.committedIsCurrent) continue;
    const rels = st.mapper.relationships;
    if (!rels.size) continue;
    for (const rel of rels.values()) {
      if (rel.uselist || rel.viewonly || rel.direction !== "ONETOMANY") continue;
      const k = rel.key;
      if (!(k in st.current) || k in st.committed) continue;
      toLoad ??= new Map();
      const l = toLoad.get(rel);
      if (l) l.push(st);
      else toLoad.set(rel, [st]);
    }
  }
  if (!toLoad) return;
  const keyOf = (vals: readonly unknown[]) => vals.map((v) => (v instanceof Date ? `d${v.getTime()}` : `${typeof v === "bigint" ? "number" : typeof v}:${String(v)}`)).join("\u0000");
  for (const [rel, parents] of toLoad) {
    const byKey = new Map<string, object>();
    await loadRelated(ctx, rel, parents, (obj, remote) => {
      const k = keyOf(remote);
      if (!byKey.has(k)) byKey.set(k, obj);
    });
    for (const st of parents) {
      const local = rel.syncPairs.map(([l]) => dbValue(st, rel.parent, l));
      const old = local.some((v) => v == null) ? undefined : byKey.get(keyOf(local));
      st.committed[rel.key] = old ?? null;
    }
  }
}

/**
 * Load the targets of `rel` for `parents` (one SELECT per 500 parents), identity-mapped; a
 * many-to-many selects through its association table.
 * @param onRow called per row (one-to-many only) with the object and the row's values of the
 *   remote (foreign key) columns, to match it to its parent
 */
async function loadRelated(
  ctx: FlushContext,
  rel: RelationshipProperty,
  parents: InstanceState[],
  onRow?: (obj: object, remote: readonly unknown[]) => void,
): Promise<object[]> {
  const target = rel.mapper;
  const m2m = rel.direction === "MANYTOMANY";
  const pairs = m2m ? rel.secondarySyncPairs : rel.syncPairs;
  const props = target.columnProps.filter((p) => !p.deferred);
  const pkPos = target.pkProps.map((p) => props.indexOf(p));
  const remotePos = onRow ? pairs.map(([, remote]) => props.findIndex((p) => p.column === remote)) : [];
  const out: object[] = [];
  for (let i = 0; i < parents.length; i += 500) {
    const chunk = parents.slice(i, i + 500);
    const vals = chunk.map((p) => pairs.map(([local]) => dbValue(p, rel.parent, local))).filter((v) => v.every((x) => x != null));
    if (!vals.length) continue;
    const cond: ColumnElement<unknown, string> = pairs.length === 1
      ? pairs[0][1].in(vals.map((v) => v[0]))
      : tuple(...pairs.map(([, remote]) => remote)).in(vals);
    const cols = select(...props.map((p) => p.column));
    // Many-to-many: only the association rows this relationship's join owns (e.g. `kind = 'fav'`).
    const q = m2m ? cols.join(rel.secondary!, rel.secondaryjoin as never).where(cond, ...associationCriteria(rel).where) : cols.where(cond);
    const res = ctx.batch ? await ctx.batch.direct(q) : await ctx.connection.execute(q);
    for (const row of res.all()) {
      const raw = row._tuple() as unknown[];
      const k = target.identityKey(pkPos.map((j) => raw[j]));
      let obj = ctx.identityMap.get(k);
      if (!obj) {
        const made = target.newInstanceForLoad();
        props.forEach((p, j) => {
          made.state.dict[p.key] = raw[j];
          made.state.committed[p.key] = raw[j];
        });
        made.state.key = k;
        made.state.status = "persistent";
        made.state.sessionId = ctx.sessionId;
        ctx.identityMap.set(k, made.obj);
        obj = made.obj;
      }
      out.push(obj);
      if (onRow) onRow(obj, remotePos.map((j, i) => (j >= 0 ? raw[j] : stateOf(obj)!.current[propKey(target, pairs[i][1])])));
    }
  }
  return out;
}

interface Plan {
  /** after → rows it must follow. */
  readonly deps: Map<InstanceState, Dep[]>;
  readonly syncs: Sync[];
  readonly syncsByChild: Map<InstanceState, Sync[]>;
  readonly postUpdates: PostUpdate[];
  readonly m2mAdds: M2MRow[];
  readonly m2mRemoves: M2MRow[];
}

function emptyPlan(): Plan {
  return { deps: new Map(), syncs: [], syncsByChild: new Map(), postUpdates: [], m2mAdds: [], m2mRemoves: [] };
}

function planDependencies(pending: Set<InstanceState>, dirty: Set<InstanceState>, deleted: Set<InstanceState>, touch: (st: InstanceState) => void, sessionId: number): Plan {
  const deps = new Map<InstanceState, Dep[]>();
  const syncs: Sync[] = [];
  const syncsByChild = new Map<InstanceState, Sync[]>();
  const postUpdates: PostUpdate[] = [];
  const m2mAdds: M2MRow[] = [];
  const m2mRemoves: M2MRow[] = [];
  const addDep = (before: InstanceState, after: InstanceState, rel: RelationshipProperty) => {
    // Only INSERT order matters here: a changed persistent row gets its FK in the UPDATE phase.
    if (before === after || !pending.has(after)) return;
    const l = deps.get(after);
    if (l) l.push({ before, rel });
    else deps.set(after, [{ before, rel }]);
  };
  const addSync = (s: Sync) => {
    syncs.push(s);
    const l = syncsByChild.get(s.child);
    if (l) l.push(s);
    else syncsByChild.set(s.child, [s]);
  };
  const isNew = (s: InstanceState) => pending.has(s);
  /** De-associations that NULL a foreign key: checked once every sync is known. */
  const blankable: { child: InstanceState; pairs: readonly (readonly [ColumnImpl, ColumnImpl])[] }[] = [];
  const visit = (st: InstanceState) => {
    for (const rel of st.mapper.relationships.values()) {
      if (rel.viewonly || !(rel.key in st.dict)) continue;
      const cur = related(st, rel);
      const before = committedRelated(st, rel);
      const added = minus(cur, before);
      const removed = minus(before, cur);
      if (rel.direction === "MANYTOONE") {
        const target = cur.length ? stateOf(cur[0]) : undefined;
        if (target && (added.length || isNew(st))) {
          if (outsideSession(target, sessionId)) {
            warnNotInSession(target, rel, "won't");
            continue;
          }
          if (target.status !== "pending" && target.status !== "persistent") continue;
          if (target.mapper !== rel.mapper) rel.checkFlushType(target);
          // A post_update foreign key is never part of the row's own INSERT / UPDATE: it is
          // written by a separate UPDATE after every save, whether the target is new or not
          // (SQLAlchemy's ManyToOneDP.process_saves runs after the row's save).
          if (rel.options.postUpdate) postUpdates.push({ child: st, rel, parent: target });
          else {
            if (isNew(target)) addDep(target, st, rel);
            addSync({ child: st, parent: target, pairs: rel.syncPairs, parentMapper: rel.mapper });
          }
        } else if (!target && (removed.length || (st.dict[rel.key] === null && !(rel.key in st.committed)))) {
          // Cleared (including `obj.rel = null` on a never-loaded many-to-one, or on a new object
          // whose FK was set directly: SQLAlchemy's set event wins over the column): the FK becomes NULL.
          if (rel.options.postUpdate && !isNew(st)) postUpdates.push({ child: st, rel, parent: null });
          else {
            blankable.push({ child: st, pairs: rel.clearPairs });
            addSync({ child: st, parent: null, pairs: rel.clearPairs, parentMapper: rel.mapper });
          }
        }
      } else if (rel.direction === "ONETOMANY") {
        const pairs = rel.syncPairs.map(([a, b]) => [b, a] as const);
        const rev = rel.reverse && !rel.reverse.uselist ? rel.reverse : undefined;
        if (rel.uselist) verifyAdded(rel, added);
        for (const o of added) {
          const cs = stateOf(o);
          if (cs && outsideSession(cs, sessionId)) {
            warnNotInSession(cs, rel, "will not");
            continue;
          }
          if (!cs || deleted.has(cs) || (cs.status !== "pending" && cs.status !== "persistent")) continue;
          // A collection's members were checked by verifyAdded() above.
          if (!rel.uselist && cs.mapper !== rel.mapper) rel.checkFlushType(cs);
          touch(cs);
          // A plain push onto the collection: set the child's many-to-one side in memory too.
          if (rev && cs.dict[rev.key] !== st.obj) cs.dict[rev.key] = st.obj;
          if (rel.options.postUpdate) postUpdates.push({ child: cs, rel, parent: st });
          else {
            if (isNew(st)) addDep(st, cs, rel);
            addSync({ child: cs, parent: st, pairs, parentMapper: st.mapper });
          }
        }
        for (const o of removed) {
          const cs = stateOf(o);
          if (!cs || deleted.has(cs) || cs.status !== "persistent") continue;
          // Moved to another parent: that parent's side sets the FK.
          if (rev) {
            const owner = cs.dict[rev.key];
            if (owner && owner !== st.obj) continue;
          }
          // passiveDeletes "all": a removed child keeps its foreign key (SQLAlchemy's should_null_fks).
          if (rel.options.passiveDeletes === "all") continue;
          touch(cs);
          if (rev && cs.dict[rev.key] === st.obj) cs.dict[rev.key] = null;
          // A delete-orphan child is deleted (or row-switched), not de-associated.
          const clear = rel.clearPairs.map(([a, b]) => [b, a] as const);
          if (!rel.cascade.deleteOrphan) blankable.push({ child: cs, pairs: clear });
          addSync({ child: cs, parent: null, pairs: clear, parentMapper: st.mapper });
        }
      } else {
        if (rel.uselist) verifyAdded(rel, added);
        for (const o of added) {
          const cs = stateOf(o);
          if (cs && !rel.uselist && cs.mapper !== rel.mapper) rel.checkFlushType(cs);
          if (cs && outsideSession(cs, sessionId)) warnNotInSession(cs, rel, "won't");
          else if (cs && (cs.status === "pending" || cs.status === "persistent")) m2mAdds.push({ rel, parent: st, child: cs });
        }
        for (const o of removed) {
          const cs = stateOf(o);
          // A removed child deleted in this flush (delete-orphan) loses its pair row here too:
          // without a reverse relationship nothing else deletes it before the child's DELETE.
          if (cs && cs.status === "persistent") m2mRemoves.push({ rel, parent: st, child: cs });
        }
      }
    }
  };
  for (const st of pending) if (st.mapper.relationships.size) visit(st);
  for (const st of dirty) if (st.mapper.relationships.size) visit(st);
  for (const b of blankable) {
    // Moved to another parent in the same flush (SQLAlchemy's hasparent()): its key is re-set, not blanked.
    if (syncsByChild.get(b.child)?.some((x) => x.parent !== null) || deleted.has(b.child)) continue;
    checkBlankOutPk(b.child, b.pairs);
  }
  return { deps, syncs, syncsByChild, postUpdates, m2mAdds, m2mRemoves };
}

/**
 * Whether a related object the flush would write a key from or to is outside the flushing
 * session: transient, detached (unless its row was deleted), or another session's. SQLAlchemy
 * skips such a link with a warning rather than cascading to it (`UOWTransaction.register_object`).
 */
function outsideSession(cs: InstanceState, sessionId: number): boolean {
  const status = cs.status;
  if (status === "transient") return true;
  if (status === "detached") return !cs.wasDeleted;
  return status !== "deleted" && cs.sessionId !== sessionId;
}

/**
 * SQLAlchemy's SAWarning for a link to an object outside the session (no save-update cascade
 * brought it in): the one-to-many form comes from `register_object` ("will not proceed"), the
 * many-to-one and many-to-many forms from their `_synchronize` ("won't proceed").
 */
function warnNotInSession(cs: InstanceState, rel: RelationshipProperty, verb: "will not" | "won't"): void {
  warn(`Object of type <${cs.mapper.className}> not in session, add operation along '${rel.parent.className}.${rel.key}' ${verb} proceed`);
}

/**
 * What was added to a collection must be an object of the target class (or a subclass mapped
 * in its hierarchy): a null has no row to write, an object of another class belongs to another
 * table (SQLAlchemy's `DependencyProcessor._verify_canload`).
 * @throws FlushError "Can't flush None value found in collection User.addresses", or
 *   "Attempting to flush an item of type <class 'X'> as a member of collection "User.addresses". …".
 */
function verifyAdded(rel: RelationshipProperty, added: readonly unknown[]): void {
  for (const o of added) {
    if (o == null) throw new FlushError(`Can't flush None value found in collection ${rel.parent.className}.${rel.key}`);
    const cs = stateOf(o);
    if (cs) rel.checkFlushType(cs);
  }
}

/** One association row whose parent key changed: `UPDATE secondary SET set WHERE where` (column key → value). */
interface AssociationKeyMove {
  readonly sec: TableClause;
  readonly set: Record<string, unknown>;
  readonly where: Record<string, unknown>;
}

/**
 * The association rows of a parent whose key changed, for its many-to-many relationships with
 * `passiveUpdates: false` (SQLAlchemy's ManyToManyDP `secondary_update`): one per item kept in
 * the collection (loading an unloaded collection first); added and removed items get their rows
 * inserted or deleted instead.
 */
async function associationKeyMoves(ctx: FlushContext, st: InstanceState, deleted: Set<InstanceState>, out: AssociationKeyMove[]): Promise<void> {
  if (deleted.has(st)) return;
  for (const rel of st.mapper.relationships.values()) {
    if (rel.viewonly || rel.direction !== "MANYTOMANY" || rel.options.passiveUpdates !== false) continue;
    const pairs = rel.secondarySyncPairs;
    const moved = pairs.filter(([local]) => !sameKeyValue(dbValue(st, rel.parent, local), st.dict[propKey(rel.parent, local)]));
    if (!moved.length) continue;
    let kept: readonly object[];
    if (rel.key in st.dict) {
      const now = new Set(related(st, rel));
      kept = committedRelated(st, rel).filter((o) => now.has(o));
    } else kept = await loadRelated(ctx, rel, [st]);
    for (const o of kept) {
      const cs = stateOf(o);
      if (!cs || deleted.has(cs)) continue;
      const set: Record<string, unknown> = {};
      const where: Record<string, unknown> = {};
      for (const [local, sec] of pairs) {
        set[sec.key] = st.dict[propKey(rel.parent, local)];
        where[sec.key] = dbValue(st, rel.parent, local);
      }
      for (const [tcol, sec] of rel.targetSecondaryPairs) where[sec.key] = dbValue(cs, rel.mapper, tcol);
      out.push({ sec: rel.secondary!, set, where });
    }
  }
}

/**
 * Primary-key changes of persistent objects carried to the foreign keys that refer to them
 * (SQLAlchemy's `sync.populate` of a key switch, and `DetectKeySwitch` for a many-to-one):
 * children in a loaded one-to-many collection, and objects in the session whose loaded
 * many-to-one points at the changed object. With `passiveUpdates` (the default) the new value
 * is set as already committed (ON UPDATE CASCADE moved the row); with `passiveUpdates: false`
 * the child joins the UPDATEs (which run parent tables first), and an unloaded collection is
 * loaded to find the children.
 */
async function keySwitches(
  ctx: FlushContext,
  dirty: Set<InstanceState>,
  pending: Set<InstanceState>,
  deleted: Set<InstanceState>,
  updatable: Set<InstanceState>,
  touch: (st: InstanceState) => void,
  keyMoves: AssociationKeyMove[],
): Promise<void> {
  // Objects whose primary key changed (found by many-to-ones too), and objects whose column
  // referred to by one of their one-to-many relationships changed (a non-key unique column).
  let switched: InstanceState[] | undefined;
  let o2mOnly: InstanceState[] | undefined;
  const changed = (st: InstanceState, p: ColumnProperty) =>
    p.key in st.committed && st.dict[p.key] !== undefined && !isSqlValue(st.dict[p.key]) && !sameKeyValue(st.committed[p.key], st.dict[p.key]);
  for (const st of dirty) {
    // Nothing written since the load or flush (reading `committed` would copy the dictionary).
    if (st.committedIsCurrent) continue;
    const m = st.mapper;
    if (m.pkProps.some((p) => changed(st, p))) (switched ??= []).push(st);
    else if (m.relationships.size) {
      for (const rel of m.relationships.values()) {
        if (rel.direction !== "ONETOMANY" || rel.viewonly) continue;
        if (rel.syncPairs.some(([local]) => changed(st, m.columnPropsByKey.get(propKey(m, local))!))) {
          (o2mOnly ??= []).push(st);
          break;
        }
      }
    }
  }
  if (!switched && !o2mOnly) return;
  const sync = (child: InstanceState, pairs: readonly (readonly [ColumnImpl, ColumnImpl])[], parent: InstanceState, parentMapper: Mapper, passive: boolean) => {
    if (pending.has(child) || deleted.has(child) || child.status !== "persistent") return;
    touch(child);
    for (const [childCol, parentCol] of pairs) {
      const k = propKey(child.mapper, childCol);
      const v = parent.dict[propKey(parentMapper, parentCol)];
      const old = dbValue(parent, parentMapper, parentCol);
      // Only foreign keys that referred to the old key value follow it.
      if (!sameKeyValue(child.dict[k], old) && !sameKeyValue(child.dict[k], v)) continue;
      child.dict[k] = v;
      if (passive) child.committed[k] = v;
      else updatable.add(child);
    }
  };
  for (const st of [...(switched ?? []), ...(o2mOnly ?? [])]) {
    for (const rel of st.mapper.relationships.values()) {
      if (rel.viewonly || rel.direction !== "ONETOMANY") continue;
      const passive = rel.options.passiveUpdates !== false;
      const pairs = rel.syncPairs.map(([a, b]) => [b, a] as const);
      const children = rel.key in st.dict ? related(st, rel) : passive ? [] : await loadRelated(ctx, rel, [st]);
      for (const o of children) {
        const cs = stateOf(o);
        if (cs) sync(cs, pairs, st, st.mapper, passive);
      }
    }
  }
  if (!switched) return;
  for (const st of switched) await associationKeyMoves(ctx, st, deleted, keyMoves);
  const targets = new Set(switched.map((st) => st.mapper));
  // Many-to-ones pointing at a switched object, found among the loaded objects of the session.
  const switchedObjs = new Set(switched.map((st) => st.obj));
  const m2osOf = new Map<Mapper, RelationshipProperty[]>();
  for (const o of ctx.identityMap.values()) {
    const cs = stateOf(o);
    if (!cs) continue;
    let rels = m2osOf.get(cs.mapper);
    if (!rels) {
      rels = [...cs.mapper.relationships.values()].filter((r) => !r.viewonly && r.direction === "MANYTOONE" && targets.has(r.mapper));
      m2osOf.set(cs.mapper, rels);
    }
    for (const rel of rels) {
      const passive = rel.options.passiveUpdates !== false;
      if (rel.key in cs.dict) {
        const v = cs.dict[rel.key];
        if (v != null && switchedObjs.has(v as object)) sync(cs, rel.syncPairs, stateOf(v as object)!, rel.mapper, passive);
        continue;
      }
      if (passive) continue;
      // Not loaded: SQLAlchemy loads it (from the identity map, no SQL) to compare; its foreign
      // key holding the old key value is the same test.
      for (const ps of switched) {
        if (ps.mapper !== rel.mapper) continue;
        if (rel.syncPairs.every(([local, remote]) => sameKeyValue(cs.dict[propKey(cs.mapper, local)], dbValue(ps, rel.mapper, remote)))) {
          sync(cs, rel.syncPairs, ps, rel.mapper, false);
          break;
        }
      }
    }
  }
}

/** Key values compared as the database would (a bigint and a number of the same value are one key). */
function sameKeyValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null || b == null) return false;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return (typeof a === "bigint" || typeof b === "bigint") && String(a) === String(b);
}

/**
 * SQLAlchemy's `sync.clear()` guard: de-associating a child whose foreign key is also its primary
 * key would NULL the key of a row that stays.
 * @throws InvalidRequestError "Dependency rule on column … tried to blank-out primary key column …"
 */
function checkBlankOutPk(child: InstanceState, pairs: readonly (readonly [ColumnImpl, ColumnImpl])[]): void {
  for (const [childCol, parentCol] of pairs) {
    if (!childCol.primaryKey) continue;
    const k = propKey(child.mapper, childCol);
    const v = k in child.current ? child.current[k] : child.committed[k];
    if (v === null || v === undefined) continue;
    const table = (c: ColumnImpl) => (c.table as { name?: string } | undefined)?.name ?? "?";
    throw new InvalidRequestError(
      `Dependency rule on column '${table(parentCol)}.${parentCol.name}' tried to blank-out primary key column '${table(childCol)}.${childCol.name}' on instance '${stateStr(child)}'`,
    );
  }
}

/** Copy the parent's key values into the child's FK attributes (or NULL without a parent). */
function applySync(s: Sync): void {
  const d = s.child.dict;
  const m = s.child.mapper;
  for (const [childCol, parentCol] of s.pairs) {
    d[propKey(m, childCol)] = s.parent ? s.parent.dict[propKey(s.parentMapper, parentCol)] : null;
  }
}

/** @param sole the pending states in order, when they are all of one mapper (then used as its batch, not copied). */
/**
 * The saves, mapper by mapper in dependency order (SQLAlchemy's SaveUpdateAll per mapper, each
 * running `save_obj`): a mapper's UPDATEs (rows in primary-key order), then its INSERTs, before
 * the next mapper's. Within a row-level cycle (a self-referential mapper, or mappers referencing
 * each other) the INSERTs go in waves, and an UPDATE that takes a new row's key waits for them.
 */
async function runSaves(
  ctx: FlushContext,
  pending: Set<InstanceState>,
  deleted: Set<InstanceState>,
  updatable: Set<InstanceState>,
  plan: Plan,
  switched: Set<InstanceState>,
  touch: (st: InstanceState) => void,
  sole?: InstanceState[],
): Promise<void> {
  const byMapper = new Map<Mapper, InstanceState[]>();
  if (sole) byMapper.set(sole[0].mapper, sole);
  else {
    for (const st of pending) {
      const l = byMapper.get(st.mapper);
      if (l) l.push(st);
      else byMapper.set(st.mapper, [st]);
    }
  }
  let updByMapper: Map<Mapper, InstanceState[]> | undefined;
  for (const st of updatable) {
    if (pending.has(st) || deleted.has(st)) continue;
    const l = (updByMapper ??= new Map()).get(st.mapper);
    if (l) l.push(st);
    else updByMapper.set(st.mapper, [st]);
  }
  if (!byMapper.size && !updByMapper) return;
  const rowEdges = new Map<Mapper, Set<Mapper>>();
  const edge = (before: Mapper, after: Mapper) => {
    let s = rowEdges.get(before);
    if (!s) rowEdges.set(before, (s = new Set()));
    s.add(after);
  };
  for (const [after, ds] of plan.deps) for (const d of ds) edge(d.before.mapper, after.mapper);
  // A changed row taking a new row's key waits for that INSERT, foreign key in the schema or not.
  const awaitsInsert = (st: InstanceState) => plan.syncsByChild.get(st)?.some((x) => x.parent !== null && pending.has(x.parent)) ?? false;
  if (updByMapper) {
    for (const states of updByMapper.values()) {
      for (const st of states) for (const x of plan.syncsByChild.get(st) ?? []) if (x.parent !== null && pending.has(x.parent)) edge(x.parent.mapper, st.mapper);
    }
  }
  const applyFor = (states: readonly InstanceState[]) => {
    // No foreign key to copy (no relationship in the flush): no lookup per row.
    if (!plan.syncsByChild.size) return;
    for (const st of states) {
      const ss = plan.syncsByChild.get(st);
      if (ss) for (const x of ss) applySync(x);
    }
  };
  const updateAll = async (states: readonly InstanceState[]) => {
    if (!states.length) return;
    applyFor(states);
    await runUpdates(ctx, states, pending, deleted, undefined, touch);
  };
  if (pending.size) warnIdentityConflicts(ctx, pending, deleted);
  const mappers: Mapper[] = [...byMapper.keys()];
  if (updByMapper) for (const m of updByMapper.keys()) if (!byMapper.has(m)) mappers.push(m);
  for (const comp of rowEdges.size ? orderMappers(mappers, rowEdges) : mapperOrder(mappers)) {
    if (!comp.rowLevel) {
      const m = comp.mappers[0];
      const upd = updByMapper?.get(m);
      if (upd) await updateAll(upd);
      const states = byMapper.get(m);
      if (!states) continue;
      applyFor(states);
      await insertBatch(ctx, m, deleted.size ? await rowSwitch(ctx, m, states, deleted, switched) : states);
      continue;
    }
    // UPDATEs not waiting on a new row of the cycle first, the others after its INSERTs.
    const early: InstanceState[] = [];
    const late: InstanceState[] = [];
    for (const m of comp.mappers) {
      for (const st of updByMapper?.get(m) ?? []) (awaitsInsert(st) ? late : early).push(st);
    }
    await updateAll(early);
    // Row-level waves (Kahn) within the component; rows outside it are already inserted.
    const inComp = new Set<InstanceState>();
    for (const m of comp.mappers) for (const st of byMapper.get(m) ?? []) inComp.add(st);
    const indeg = new Map<InstanceState, number>();
    const dependents = new Map<InstanceState, InstanceState[]>();
    for (const st of inComp) {
      let n = 0;
      for (const d of plan.deps.get(st) ?? []) {
        if (!inComp.has(d.before)) continue;
        n++;
        const l = dependents.get(d.before);
        if (l) l.push(st);
        else dependents.set(d.before, [st]);
      }
      indeg.set(st, n);
    }
    let wave = [...inComp].filter((st) => indeg.get(st) === 0);
    let done = 0;
    while (wave.length) {
      applyFor(wave);
      for (const m of comp.mappers) {
        let states = wave.filter((st) => st.mapper === m);
        if (states.length && deleted.size) states = await rowSwitch(ctx, m, states, deleted, switched);
        if (states.length) await insertBatch(ctx, m, states);
      }
      done += wave.length;
      const next: InstanceState[] = [];
      for (const st of wave) {
        for (const after of dependents.get(st) ?? []) {
          const n = indeg.get(after)! - 1;
          indeg.set(after, n);
          if (n === 0) next.push(after);
        }
      }
      wave = next;
    }
    if (done < inComp.size) throw cycleError([...inComp].filter((st) => indeg.get(st)! > 0), plan);
    await updateAll(late);
  }
}

/**
 * Row switch (SQLAlchemy's `_organize_states_for_save`): a new object whose primary key is that
 * of an object deleted in the same flush does not INSERT (and the old row is not DELETEd); the
 * row is UPDATEd instead, setting every column the new object was given (a many-to-one set to
 * null clears its foreign key), compared with nothing: a given value is written even when the
 * old row already held it. Nothing is sent when only the key was given. The old object is
 * recorded in `switched` (it ends up deleted, its row now belongs to the new one).
 * @returns the states that still need an INSERT.
 */
async function rowSwitch(ctx: FlushContext, mapper: Mapper, states: InstanceState[], deleted: Set<InstanceState>, switched: Set<InstanceState>): Promise<InstanceState[]> {
  const pk = mapper.pkProps;
  let rest: InstanceState[] | undefined;
  for (let i = 0; i < states.length; i++) {
    const st = states[i];
    let old: InstanceState | undefined;
    if (pk.every((p) => st.dict[p.key] != null && !isSqlValue(st.dict[p.key]))) {
      const part = pk.length === 1 ? mapper.identityPart(st.dict[pk[0].key]) : mapper.identityPartOf(mapper.pkValues(st));
      const existing = ctx.identityMap.getByIdentity(mapper.identityId, part);
      const es = existing && existing !== st.obj ? stateOf(existing) : undefined;
      if (es && es.mapper === mapper && deleted.has(es) && !switched.has(es)) old = es;
    }
    if (!old) {
      rest?.push(st);
      continue;
    }
    rest ??= states.slice(0, i);
    switched.add(old);
    const d = st.dict;
    // A many-to-one explicitly set to null on the new object clears its foreign key (#3060).
    for (const rel of mapper.relationships.values()) {
      if (rel.direction !== "MANYTOONE" || rel.viewonly || !(rel.key in d) || d[rel.key] != null) continue;
      for (const [local] of rel.syncPairs) {
        const k = propKey(mapper, local);
        if (d[k] === undefined) d[k] = null;
      }
    }
    const vp = mapper.versionProp;
    const setProps = mapper.columnProps.filter((p) => d[p.key] !== undefined && !pk.includes(p) && p !== vp);
    if (vp) d[vp.key] = ((old.committed[vp.key] as number | undefined) ?? 0) + 1;
    if (setProps.length && isMultiTableMapper(mapper)) {
      // Joined-table inheritance: one UPDATE per table holding a given column (inheritance.ts).
      await fireEach(ctx, "beforeUpdate", mapper, [st]);
      await rowSwitchJoined(ctx, mapper, st, setProps, old.committed[vp?.key ?? ""]);
      await fireEach(ctx, "afterUpdate", mapper, [st]);
    } else if (setProps.length) {
      await fireEach(ctx, "beforeUpdate", mapper, [st]);
      const setObj: Record<string, unknown> = {};
      const params: Record<string, unknown> = {};
      for (const p of setProps) {
        setObj[p.column.key] = bindparam(`_set_${p.key}`);
        params[`_set_${p.key}`] = d[p.key];
      }
      const where: ColumnElement<unknown, string>[] = pk.map((p) => p.column.eq(bindparam(`_pk_${p.column.key}`)));
      for (const p of pk) params[`_pk_${p.column.key}`] = d[p.key];
      if (vp) {
        setObj[vp.column.key] = bindparam("_version_new");
        params._version_new = d[vp.key];
        where.push(vp.column.eq(bindparam("_version_old")));
        params._version_old = old.committed[vp.key];
      }
      await run(ctx, update(mapper.table).where(...where).values(setObj as never), [params], (res) => applyUpdateResult(ctx, res, mapper.table.name, [st], []));
      await fireEach(ctx, "afterUpdate", mapper, [st]);
    }
    // Columns the UPDATE left alone keep the old row's values.
    for (const p of mapper.columnProps) if (d[p.key] === undefined && p.key in old.committed) d[p.key] = old.committed[p.key];
  }
  return rest ?? states;
}

function cycleError(stuck: InstanceState[], plan: Plan): CircularDependencyError {
  const stuckSet = new Set(stuck);
  const rels = new Set<string>();
  for (const st of stuck) for (const d of plan.deps.get(st) ?? []) if (stuckSet.has(d.before)) rels.add(`${d.rel.parent.className}.${d.rel.key}`);
  const names = [...new Set(stuck.map((s) => s.mapper.className))].join(", ");
  return new CircularDependencyError(
    `Circular dependency detected between new ${names} rows through relationship(s) ${[...rels].join(", ")}: ` +
      `each row's foreign key needs the other row's generated key first. Set postUpdate: true on one relationship of the cycle ` +
      `so its foreign key is written by an UPDATE after both INSERTs.`,
  );
}

/** SQLAlchemy 1.4: a new object with the key of a persistent one warns, then the INSERT fails. */
function warnIdentityConflicts(ctx: FlushContext, pending: Set<InstanceState>, deleted: Set<InstanceState>): void {
  if (!ctx.identityMap.size) return;
  pending.forEach((st) => {
    const m = st.mapper;
    const d = st.current;
    let full = true;
    for (const p of m.pkProps) {
      if (d[p.key] == null || isSqlValue(d[p.key])) {
        full = false;
        break;
      }
    }
    if (!full) return;
    const pk = m.pkProps;
    const part = pk.length === 1 ? m.identityPart(d[pk[0].key]) : m.identityPartOf(m.pkValues(st));
    const existing = ctx.identityMap.getByIdentity(m.identityId, part);
    if (!existing || existing === st.obj) return;
    const es = stateOf(existing);
    if (!es || es.status !== "persistent" || deleted.has(es)) return;
    warn(
      new IdentityConflictWarning(
        `New instance <${m.className}> with identity key (${m.className}, (${m.pkValues(st).map((v) => String(v)).join(", ")})) conflicts with persistent instance <${es.mapper.className}>`,
      ),
    );
  });
}

/** Columns whose value the database supplies on INSERT when not given (fetched by RETURNING). */
function fetchedOnInsert(p: ColumnProperty): boolean {
  const c = p.column;
  return c.primaryKey || c.default !== undefined || c.serverDefault !== undefined || c.sequence !== undefined || c.identity !== undefined || c.computed !== undefined;
}

/**
 * A non-key column whose INSERT value the database computes (server default, identity,
 * computed, SQL-expression default): what `eagerDefaults: false` leaves expired rather than
 * fetched, as SQLAlchemy's `postfetch_cols`.
 * @internal Shared with joined-table inserts (inheritance.ts).
 */
export function generatedByServerOnInsert(p: ColumnProperty): boolean {
  const c = p.column;
  if (c.primaryKey) return false;
  return c.serverDefault !== undefined || c.identity !== undefined || c.computed !== undefined || c.default instanceof ClauseElement;
}

/**
 * How one mapper's rows with a given set of provided columns are inserted, built once per
 * (mapper, set): which properties are sent (unset ones as NULL) and fetched back by RETURNING, and the
 * statement (immutable, so shared by every flush).
 */
interface InsertShape {
  /** Provided properties, and the column keys their values are bound under. */
  readonly given: readonly ColumnProperty[];
  readonly givenKeys: readonly string[];
  readonly fetch: readonly ColumnProperty[];
  /** Keys of database-generated columns not fetched (`eagerDefaults: false`): expired after the flush. */
  readonly expire: readonly string[];
  /**
   * When every primary-key column is given by the client: the primary-key properties, returned
   * after `fetch` so multi-row RETURNING rows are matched to objects by key rather than by
   * position (SQL doesn't promise RETURNING follows VALUES order; SQLAlchemy's
   * insertmanyvalues "sentinel" columns serve the same purpose).
   */
  readonly sentinel: readonly ColumnProperty[] | undefined;
  readonly stmt: ClauseElement;
  /** The statement for a single row: no sentinel columns in its RETURNING (nothing to match). */
  readonly stmtOne: ClauseElement;
  /**
   * Whether a row whose given values are all defined can be sent as the object's dictionary
   * itself (see {@link insertBatch}): every given property's key is its column's key, and no
   * column outside the given ones has a client-side default, whose evaluation would read the
   * dictionary's other keys as parameters.
   */
  readonly dictRows: boolean;
}
/** A mapper's insert shapes by signature, and {@link fetchedOnInsert} of each column property by position. */
interface MapperInsertShapes {
  readonly columns: number;
  readonly fetchable: readonly boolean[];
  readonly shapes: Map<number | string, InsertShape>;
}
const insertShapes = new WeakMap<Mapper, MapperInsertShapes>();
function insertShapesOf(mapper: Mapper): MapperInsertShapes {
  let cached = insertShapes.get(mapper);
  // Signature bits are positions in columnProps: a mapper that gained columns starts afresh.
  if (!cached || cached.columns !== mapper.columnProps.length) {
    insertShapes.set(mapper, (cached = { columns: mapper.columnProps.length, fetchable: mapper.columnProps.map(fetchedOnInsert), shapes: new Map() }));
  }
  return cached;
}
function insertShape(mapper: Mapper, sig: number | string): InsertShape {
  const byMapper = insertShapesOf(mapper).shapes;
  let shape = byMapper.get(sig);
  if (shape) return shape;
  const given: ColumnProperty[] = [];
  const fetch: ColumnProperty[] = [];
  const expire: string[] = [];
  const lazyServer = mapper.eagerDefaults === false;
  mapper.columnProps.forEach((p, i) => {
    if (typeof sig === "number" ? (sig & (1 << i)) !== 0 : sig[i] === "1") given.push(p);
    else if (lazyServer && generatedByServerOnInsert(p)) expire.push(p.key);
    else if (fetchedOnInsert(p)) fetch.push(p);
  });
  const pk = mapper.pkProps;
  const sentinel = fetch.length && pk.length && pk.every((p) => given.includes(p)) ? pk : undefined;
  const returned = sentinel ? [...fetch, ...sentinel] : fetch;
  const stmt = fetch.length ? insert(mapper.table).returning(...returned.map((p) => p.column)) : insert(mapper.table);
  const stmtOne = sentinel ? insert(mapper.table).returning(...fetch.map((p) => p.column)) : stmt;
  const givenColumns = new Set(given.map((p) => p.column));
  const dictRows = given.every((p) => p.column.key === p.key) && !mapper.table.columnList.some((c) => !givenColumns.has(c as ColumnImpl) && (c as ColumnImpl).default !== undefined);
  shape = { given, givenKeys: given.map((p) => p.column.key), fetch, expire, sentinel, stmt, stmtOne, dictRows };
  byMapper.set(sig, shape);
  return shape;
}

/**
 * The RETURNING row of each state, found by the client-given primary key that follows the
 * fetched columns in each row. Falls back to position (undefined) when a key doesn't match
 * exactly, e.g. a value the driver returns in another JS type than the one given.
 * @internal
 */
export function matchBySentinel(states: readonly InstanceState[], out: readonly (readonly unknown[])[], sentinel: readonly ColumnProperty[], offset: number): (readonly unknown[])[] | undefined {
  const n = sentinel.length;
  const keyAt = (vals: readonly unknown[]): unknown => (n === 1 ? vals[0] : JSON.stringify(vals, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)));
  const rows = new Map<unknown, readonly unknown[]>();
  for (const r of out) rows.set(keyAt(n === 1 ? [r[offset]] : r.slice(offset, offset + n)), r);
  const matched: (readonly unknown[])[] = new Array(states.length);
  for (let i = 0; i < states.length; i++) {
    const d = states[i].dict;
    const r = rows.get(keyAt(sentinel.map((p) => d[p.key])));
    if (!r) return undefined;
    matched[i] = r;
  }
  return matched;
}

/**
 * Which columns of a new row are sent: a bit mask (a string of 0/1 beyond 30 columns).
 * As SQLAlchemy's `_collect_insert_commands` does, `null`/undefined means "not given" for a
 * column the database or a default fills in (primary key, client or server default), so the
 * default applies; every other column is always sent, as NULL when unset
 * (`mapper._insert_cols_as_none`). Rows of one mapper thus mostly share one statement.
 * `fetchable` is {@link fetchedOnInsert} of each property.
 */
function providedSignature(props: readonly ColumnProperty[], fetchable: readonly boolean[], d: Record<string, unknown>): number | string {
  const n = props.length;
  if (n <= 30) {
    let sig = 0;
    for (let i = 0; i < n; i++) if (d[props[i].key] != null || !fetchable[i]) sig |= 1 << i;
    return sig;
  }
  let sig = "";
  for (let i = 0; i < n; i++) sig += d[props[i].key] != null || !fetchable[i] ? "1" : "0";
  return sig;
}

/** {@link rowSignature}'s answer for a row holding a SQL expression value. */
const SQL_VALUE_ROW = -1;
/**
 * {@link providedSignature} of a new row, or {@link SQL_VALUE_ROW} when one of its values is a
 * SQL expression (such a row is a statement of its own): one pass over the values for both.
 */
function rowSignature(props: readonly ColumnProperty[], fetchable: readonly boolean[], d: Record<string, unknown>): number | string {
  const n = props.length;
  if (n > 30) {
    for (let i = 0; i < n; i++) if (isSqlValue(d[props[i].key])) return SQL_VALUE_ROW;
    return providedSignature(props, fetchable, d);
  }
  let sig = 0;
  for (let i = 0; i < n; i++) {
    const v = d[props[i].key];
    if (v != null) {
      if (typeof v === "object" && v instanceof ClauseElement) return SQL_VALUE_ROW;
      sig |= 1 << i;
    } else if (!fetchable[i]) sig |= 1 << i;
  }
  return sig;
}

/** Consecutive new rows `[start, end)` of one insert shape (one executemany). */
interface InsertRun {
  readonly sig: number | string;
  readonly start: number;
  end: number;
  /** A single row with a SQL expression value. */
  readonly expr: boolean;
}

/**
 * The attributes an INSERT gave values the application did not (SQLAlchemy's `_postfetch`
 * `load_evt_attrs`): fetched by RETURNING (not the primary key, which the identity takes), the
 * scalar column defaults (athanor applies them in the constructor, SQLAlchemy prefetches them
 * for the INSERT) and the version counter.
 */
function insertRefreshKeys(mapper: Mapper, fetch: readonly ColumnProperty[]): string[] {
  const out: string[] = [];
  for (const p of fetch) if (!p.column.primaryKey) out.push(p.key);
  for (const p of mapper.columnProps) {
    const v = p.column.default;
    if (p.column.primaryKey || out.includes(p.key)) continue;
    if ((v !== undefined && v !== null && typeof v !== "object" && typeof v !== "function") || p === mapper.versionProp) out.push(p.key);
  }
  return out;
}
/** The mapper's `refreshFlush` event for each of `states`, when the flush brought values for `keys`. */
function announceRefreshFlush(ctx: FlushContext, mapper: Mapper, states: readonly InstanceState[], keys: readonly string[]): void {
  if (!keys.length) return;
  const session = sessionById(ctx.sessionId) ?? {};
  for (const st of states) mapper.dispatch.fire("refreshFlush", st.obj, { session, origin: "flush" }, [...keys]);
}

async function insertBatch(ctx: FlushContext, mapper: Mapper, states: readonly InstanceState[]): Promise<void> {
  if (isMultiTableMapper(mapper)) return insertJoinedBatch(ctx, mapper, states); // joined-table inheritance (inheritance.ts)
  await fireEach(ctx, "beforeInsert", mapper, states);
  const vp = mapper.versionProp;
  if (vp) for (const st of states) if (st.dict[vp.key] == null) st.dict[vp.key] = 1;
  const props = mapper.columnProps;
  const { fetchable } = insertShapesOf(mapper);
  // Consecutive rows with the same set of provided columns form one executemany
  // ("insertmanyvalues"), as SQLAlchemy's `_emit_insert_statements` batches them: rows keep
  // the order they were added in (autoincrement keys follow it) and a row of another shape
  // starts a new statement. Runs are index ranges: the usual single run is `states` itself.
  const runs: InsertRun[] = [];
  let last: InsertRun | undefined;
  for (let i = 0; i < states.length; i++) {
    const d = states[i].current;
    const sig = rowSignature(props, fetchable, d);
    if (sig === SQL_VALUE_ROW) {
      runs.push({ sig: providedSignature(props, fetchable, d), start: i, end: i + 1, expr: true });
      last = undefined;
    } else if (last !== undefined && last.sig === sig) last.end = i + 1;
    else runs.push((last = { sig, start: i, end: i + 1, expr: false }));
  }
  const table = mapper.table;
  // Returned values land in the objects when the statement ran; on a batch-only driver that is
  // at commit, after the flush made them persistent (their committed values are set too).
  const late = ctx.batch !== undefined;
  for (const r of runs) {
    const group = r.start === 0 && r.end === states.length ? states : states.slice(r.start, r.end);
    const { given, givenKeys, fetch, expire, sentinel, stmt: many, stmtOne, dictRows } = insertShape(mapper, r.sig);
    let stmt = group.length === 1 ? stmtOne : many;
    if (expire.length) for (const st of group) noteServerValues(st, expire);
    if (r.expr) {
      // The row's values, SQL expressions included, are part of the statement itself.
      const d = group[0].dict;
      const values: Record<string, unknown> = {};
      const exprKeys: string[] = [];
      for (let j = 0; j < given.length; j++) {
        const v = d[given[j].key];
        values[givenKeys[j]] = v === undefined ? null : v;
        if (isSqlValue(v)) exprKeys.push(given[j].key);
      }
      // A primary key given as an expression comes back by RETURNING (the identity needs it).
      const back = [...fetch, ...mapper.pkProps.filter((p) => isSqlValue(d[p.key]))];
      noteSqlValues(group[0], exprKeys.filter((k) => !back.some((p) => p.key === k)));
      const ins = insert(table).values(values as never);
      await run(ctx, back.length ? ins.returning(...back.map((p) => p.column)) : ins, undefined, (res) => {
        if (!back.length) return;
        const row = takeValueRows(res)[0];
        if (!row) throw insertRowsMissing(mapper, false);
        for (let j = 0; j < back.length; j++) d[back[j].key] = row[j];
      });
      if (mapper.dispatch.has("refreshFlush")) announceRefreshFlush(ctx, mapper, group, insertRefreshKeys(mapper, fetch));
      continue;
    }
    const ng = given.length;
    const rows: Record<string, unknown>[] = new Array(group.length);
    // Whether a column is sent as NULL because unset (the objects then get null, below).
    let unset = false;
    for (let i = 0; i < group.length; i++) {
      const d = group[i].current;
      // The executemany reads each row only by the columns of the first one, so every row but
      // the first (whose keys name the INSERT's columns) can be the dictionary itself when none
      // of its given values is missing: no parameter record per object.
      if (dictRows && i > 0) {
        let complete = true;
        for (let j = 0; j < ng; j++) {
          if (d[givenKeys[j]] === undefined) {
            complete = false;
            break;
          }
        }
        if (complete) {
          rows[i] = d;
          continue;
        }
      }
      const row: Record<string, unknown> = {};
      for (let j = 0; j < ng; j++) {
        const v = d[given[j].key];
        if (v === undefined) {
          unset = true;
          row[givenKeys[j]] = null;
        } else row[givenKeys[j]] = v;
      }
      rows[i] = row;
    }
    if (fetch.length) {
      const apply = (states: readonly InstanceState[]) => (res: Result<unknown[], Record<string, unknown>>) => {
        const out = takeValueRows(res);
        if (out.length !== states.length) throw insertRowsMissing(mapper, states.length > 1);
        const nf = fetch.length;
        const byKey = sentinel && states.length > 1 ? matchBySentinel(states, out, sentinel, nf) : undefined;
        for (let i = 0; i < states.length; i++) {
          const st = states[i];
          const row = byKey ? byKey[i] : out[i];
          const d = st.dict;
          for (let j = 0; j < nf; j++) d[fetch[j].key] = row[j];
          if (late && st.status === "persistent") for (let j = 0; j < nf; j++) st.committed[fetch[j].key] = row[j];
        }
      };
      if (ng) await run(ctx, stmt, rows, apply(group));
      // No column given at all: one INSERT … DEFAULT VALUES per row.
      else for (const st of group) await run(ctx, stmt, undefined, apply([st]));
    } else {
      await run(ctx, stmt, rows);
    }
    // Columns sent as NULL because unset hold null now, as loaded objects do.
    if (unset) {
      for (const st of group) {
        const d = st.dict;
        for (let j = 0; j < ng; j++) if (d[given[j].key] === undefined) d[given[j].key] = null;
      }
    }
    if (mapper.dispatch.has("refreshFlush")) announceRefreshFlush(ctx, mapper, group, insertRefreshKeys(mapper, fetch));
  }
  await fireEach(ctx, "afterInsert", mapper, states);
}

/**
 * Post-update (SQLAlchemy's `post_update`): the foreign keys a row could not get in its own
 * INSERT or UPDATE, copied from their (now saved) parents; returns the keys written per object.
 */
function postUpdateKeys(postUpdates: readonly PostUpdate[], touch: (st: InstanceState) => void): Map<InstanceState, Set<string>> {
  const postKeys = new Map<InstanceState, Set<string>>();
  for (const pu of postUpdates) {
    touch(pu.child);
    const m2o = pu.rel.direction === "MANYTOONE";
    const pairs = m2o ? pu.rel.syncPairs : pu.rel.syncPairs.map(([a, b]) => [b, a] as const);
    const parentMapper = m2o ? pu.rel.mapper : pu.rel.parent;
    let keys = postKeys.get(pu.child);
    if (!keys) postKeys.set(pu.child, (keys = new Set()));
    for (const [childCol, parentCol] of pairs) {
      const k = propKey(pu.child.mapper, childCol);
      pu.child.dict[k] = pu.parent ? pu.parent.dict[propKey(parentMapper, parentCol)] : null;
      keys.add(k);
    }
  }
  return postKeys;
}

/**
 * UPDATEs of `updatable` (pending and deleted ones skipped): changed columns, plus for objects in
 * `postKeys` the post-update foreign keys (a new object then writes those only).
 */
async function runUpdates(
  ctx: FlushContext,
  updatable: ReadonlySet<InstanceState> | readonly InstanceState[],
  pending: Set<InstanceState>,
  deleted: Set<InstanceState>,
  postKeys: ReadonlyMap<InstanceState, ReadonlySet<string>> | undefined,
  touch: (st: InstanceState) => void,
  givenOnupdate?: Map<InstanceState, string[]>,
): Promise<void> {
  type Shape = { mapper: Mapper; keys: string[]; states: InstanceState[]; expr?: boolean };
  type Entry = { st: InstanceState; keys: string[]; sig: string | undefined };
  const byMapper = new Map<Mapper, Entry[]>();
  const add = (st: InstanceState, keys: string[]) => {
    if (!keys.length) return;
    // SQL expression values: an UPDATE of this object alone, the expressions inline (no signature).
    // Keys come in column order; one changed column (the usual case) needs no joined signature.
    let sig = keys.some((k) => isSqlValue(st.dict[k])) ? undefined : keys.length === 1 ? keys[0] : keys.join("\u0000");
    // A post-update of a row inserted by this flush sets no new version: its own statement shape.
    if (sig !== undefined && postKeys && st.mapper.versionProp && pending.has(st)) sig += "\u0001";
    const l = byMapper.get(st.mapper);
    if (l) l.push({ st, keys, sig });
    else byMapper.set(st.mapper, [{ st, keys, sig }]);
  };
  const dirtyOnes: InstanceState[] = [];
  for (const st of updatable) if (!pending.has(st) && !deleted.has(st)) dirtyOnes.push(st);
  if (!dirtyOnes.length && !postKeys) return;
  const fired = await fireBeforeUpdates(ctx, dirtyOnes);
  for (const st of dirtyOnes) if (!postKeys?.has(st)) add(st, st.changedColumnKeys());
  if (postKeys) for (const [st, keys] of postKeys) {
    if (pending.has(st)) add(st, [...keys, ...(givenOnupdate?.get(st) ?? [])]);
    // A persistent row: the post-update keys whose value changed, and onupdate columns the
    // application set (SQLAlchemy's _collect_post_update_commands: `history.added` of those);
    // its other changes went out in its ordinary UPDATE.
    else add(st, st.changedColumnKeys().filter((k) => keys.has(k) || st.mapper.columnPropsByKey.get(k)!.column.onupdate !== undefined));
  }
  // Per mapper (referenced tables first), rows in primary-key order; consecutive rows of the
  // same shape form one executemany (SQLAlchemy's `_emit_update_statements` groupby).
  const groups: Shape[] = [];
  const mappers = [...byMapper.keys()].sort((a, b) => tableIndex(a.table) - tableIndex(b.table));
  for (const mapper of mappers) {
    const entries = byMapper.get(mapper)!;
    const order = new Map<InstanceState, Entry>();
    for (const e of entries) order.set(e.st, e);
    let last: Shape | undefined;
    let lastSig: string | undefined;
    for (const st of sortByPk(entries.map((e) => e.st), mapper.pkProps)) {
      const e = order.get(st)!;
      if (e.sig === undefined) {
        groups.push({ mapper, keys: e.keys, states: [st], expr: true });
        last = undefined;
        continue;
      }
      if (last && e.sig === lastSig) {
        last.states.push(st);
        continue;
      }
      last = { mapper, keys: e.keys, states: [st] };
      lastSig = e.sig;
      groups.push(last);
    }
  }
  for (const { mapper, keys, states: group, expr } of groups) {
    if (expr && !isMultiTableMapper(mapper)) {
      await updateWithSqlValues(ctx, mapper, keys, group[0], pending);
      continue;
    }
    if (isMultiTableMapper(mapper)) { await updateJoinedGroup(ctx, mapper, keys, group, postKeys ? { bump: !pending.has(group[0]) } : undefined); continue; } // joined-table inheritance (inheritance.ts)
    // A post-update fires no before/after update events (SQLAlchemy's post_update()).
    if (!postKeys) await fireEach(ctx, "beforeUpdate", mapper, group);
    const table = mapper.table;
    const vp = mapper.versionProp;
    const setKeys = keys.filter((k) => !vp || k !== vp.key);
    // SQLAlchemy's post-update bumps the version only of rows that had an identity before the
    // flush (_collect_post_update_commands: `bool(state.key)`); a new row's is only checked.
    const bump = vp !== undefined && !(postKeys && pending.has(group[0]));
    const pkProps = mapper.pkProps;
    const where: ColumnElement<unknown, string>[] = pkProps.map((p) => p.column.eq(bindparam(`_pk_${p.column.key}`)));
    if (vp) where.push(vp.column.eq(bindparam("_version_old")));
    const setObj: Record<string, unknown> = {};
    const { prefetch, returned, expire } = updateDefaults(mapper, mapper.columnProps, setKeys);
    for (const k of setKeys) setObj[mapper.columnPropsByKey.get(k)!.column.key] = bindparam(`_set_${k}`);
    for (const p of prefetch) setObj[p.column.key] = bindparam(`_set_${p.key}`);
    if (bump) setObj[vp!.column.key] = bindparam("_version_new");
    const base = update(table).where(...where).values(setObj as never);
    if (vp) await loadCommittedVersions(ctx, mapper, group.filter((st) => !pending.has(st)));
    const params = group.map((st) => {
      const r: Record<string, unknown> = {};
      for (const p of pkProps) {
        const v = p.key in st.committed ? st.committed[p.key] : st.dict[p.key];
        if (v == null) throw nullPkError("update", table, p.column);
        r[`_pk_${p.column.key}`] = v;
      }
      for (const k of setKeys) r[`_set_${k}`] = st.dict[k];
      if (prefetch.length) prefetchOnupdates(mapper, st, setKeys, prefetch, r);
      if (expire.length) noteServerValues(st, expire);
      if (vp) {
        // A new row (post-update) carries the version it was inserted with; a post-update of a
        // row its ordinary UPDATE already bumped starts from that version (SQLAlchemy reads the
        // current value), which is the committed one otherwise.
        const old = (pending.has(st) || postKeys ? st.dict[vp.key] : st.committed[vp.key]) as number;
        r._version_old = old;
        // A version the application set itself is written as is (SQLAlchemy's version bump).
        if (bump) r._version_new = !pending.has(st) && keys.includes(vp.key) ? st.dict[vp.key] : (old ?? 0) + 1;
      }
      return r;
    });
    await run(ctx, returned.length ? base.returning(...returned.map((p) => p.column)) : base, params, (res) =>
      applyUpdateResult(ctx, res, table.name, group, returned),
    );
    if (bump) group.forEach((st, i) => (st.dict[vp!.key] = params[i]._version_new));
    // Client-side onupdate values the flush computed count as brought back, as SQLAlchemy's prefetch columns.
    if (mapper.dispatch.has("refreshFlush")) announceRefreshFlush(ctx, mapper, group, [...returned.map((p) => p.key), ...prefetch.map((p) => p.key), ...(bump ? [vp!.key] : [])]);
    if (!postKeys) await fireEach(ctx, "afterUpdate", mapper, group);
  }
  if (fired) {
    const updated = new Set<InstanceState>();
    for (const g of groups) for (const st of g.states) updated.add(st);
    await fireAfterUpdatesWithoutChanges(ctx, fired, updated);
    beforeUpdateFired.delete(ctx);
  }
}

/**
 * The UPDATE of one object with SQL expression values: those render inline (`SET n=(t.n + ?)`),
 * the others are bound; a primary key set to an expression comes back by RETURNING (the
 * identity key follows it), other expression columns are expired after the flush.
 */
async function updateWithSqlValues(ctx: FlushContext, mapper: Mapper, keys: readonly string[], st: InstanceState, pending: Set<InstanceState>): Promise<void> {
  await fireEach(ctx, "beforeUpdate", mapper, [st]);
  const pk = mapper.pkProps;
  const vp = mapper.versionProp;
  const setObj: Record<string, unknown> = {};
  const exprKeys: string[] = [];
  for (const k of keys) {
    if (vp && k === vp.key) continue;
    const v = st.dict[k];
    setObj[mapper.columnPropsByKey.get(k)!.column.key] = v;
    if (isSqlValue(v)) exprKeys.push(k);
  }
  const where: ColumnElement<unknown, string>[] = pk.map((p) => {
    const v = p.key in st.committed ? st.committed[p.key] : st.dict[p.key];
    if (v == null) throw nullPkError("update", mapper.table, p.column);
    return p.column.eq(v);
  });
  let newVersion: number | undefined;
  if (vp) {
    const old = (pending.has(st) ? st.dict[vp.key] : st.committed[vp.key]) as number;
    newVersion = keys.includes(vp.key) && !pending.has(st) ? (st.dict[vp.key] as number) : (old ?? 0) + 1;
    where.push(vp.column.eq(old));
    setObj[vp.column.key] = newVersion;
  }
  const defaults = updateDefaults(mapper, mapper.columnProps, keys);
  if (defaults.prefetch.length) {
    const r: Record<string, unknown> = {};
    prefetchOnupdates(mapper, st, keys, defaults.prefetch, r);
    for (const p of defaults.prefetch) setObj[p.column.key] = r[`_set_${p.key}`];
  }
  noteServerValues(st, defaults.expire);
  const returned = [...pk.filter((p) => exprKeys.includes(p.key)), ...defaults.returned];
  const base = update(mapper.table).where(...where).values(setObj as never);
  await run(ctx, returned.length ? base.returning(...returned.map((p) => p.column)) : base, undefined, (res) => applyUpdateResult(ctx, res, mapper.table.name, [st], returned));
  if (vp) st.dict[vp.key] = newVersion;
  noteSqlValues(st, exprKeys.filter((k) => !returned.some((p) => p.key === k)));
  await fireEach(ctx, "afterUpdate", mapper, [st]);
}

/** What an UPDATE does about the columns it does not set that change with the row; see {@link updateDefaults}. @internal */
export interface UpdateDefaults {
  /** Client-side `onupdate` (a value or a function): computed by the flush and sent with the SET. */
  readonly prefetch: readonly ColumnProperty[];
  /** Values the database generates, fetched by RETURNING (`eagerDefaults: true`). */
  readonly returned: readonly ColumnProperty[];
  /** Keys of values the database generates that are not fetched: expired after the flush. */
  readonly expire: readonly string[];
}

/**
 * The columns of `props` an UPDATE setting `setKeys` changes besides those (SQLAlchemy's
 * `_postfetch`): a client-side `onupdate` value is computed here, so the object holds it
 * (SQLAlchemy's prefetch columns); a server-side `serverOnupdate`, a computed column or a
 * SQL-expression `onupdate` is the database's value, fetched with RETURNING when the mapper's
 * `eagerDefaults` is `true` and otherwise expired (SQLAlchemy's postfetch columns).
 * @internal Shared by single-table and joined-table (inheritance.ts) updates.
 */
export function updateDefaults(mapper: Mapper, props: readonly ColumnProperty[], setKeys: readonly string[]): UpdateDefaults {
  const prefetch: ColumnProperty[] = [];
  const returned: ColumnProperty[] = [];
  const expire: string[] = [];
  const eager = mapper.eagerDefaults === true;
  const vp = mapper.versionProp;
  for (const p of props) {
    if (p === vp || setKeys.includes(p.key)) continue;
    const c = p.column;
    const onupdate = c.onupdate;
    if (onupdate !== undefined && !(onupdate instanceof ClauseElement)) prefetch.push(p);
    else if (c.serverOnupdate || c.computed !== undefined || onupdate !== undefined) {
      if (eager) returned.push(p);
      else expire.push(p.key);
    }
  }
  return { prefetch, returned, expire };
}

/**
 * Compute the client-side `onupdate` values of one row into `params` (as `_set_<key>`) and the
 * object. A function receives the row's values by column key as `ctx.currentParameters`, the
 * column itself null (SQLAlchemy's `context.get_current_parameters()`).
 * @internal
 */
export function prefetchOnupdates(mapper: Mapper, st: InstanceState, setKeys: readonly string[], prefetch: readonly ColumnProperty[], params: Record<string, unknown>): void {
  let current: Record<string, unknown> | undefined;
  for (const p of prefetch) {
    const d = p.column.onupdate;
    let v: unknown = d;
    if (typeof d === "function") {
      if (!current) {
        current = {};
        for (const k of mapper.pkProps) current[k.column.key] = k.key in st.committed ? st.committed[k.key] : st.dict[k.key];
        for (const k of setKeys) {
          const cp = mapper.columnPropsByKey.get(k);
          if (cp) current[cp.column.key] = st.dict[k];
        }
      }
      v = clientDefaultValue(d, p.column.key, current);
    }
    params[`_set_${p.key}`] = v;
    st.dict[p.key] = v;
  }
}

/**
 * Check an UPDATE group's matched row count (StaleDataError when a row was gone or its version
 * changed) and copy the values its RETURNING brought back (`returned`, in RETURNING order) into
 * each object, in `group` order.
 * @internal Shared by single-table and joined-table (inheritance.ts) updates.
 */
export function applyUpdateResult(
  ctx: FlushContext,
  res: Result<unknown[], Record<string, unknown>>,
  tableName: string,
  group: readonly InstanceState[],
  returned: readonly ColumnProperty[],
): void {
  const rows = returned.length ? res.all() : undefined;
  const matched = rows ? rows.length : res.rowsAffected;
  if ((rows || matched >= 0) && matched !== group.length) {
    throw new StaleDataError(`UPDATE statement on table '${tableName}' expected to update ${group.length} row(s); ${matched} were matched.`);
  }
  if (!rows) return;
  group.forEach((st, i) =>
    returned.forEach((p, j) => {
      const v = (rows[i]!._tuple() as unknown[])[j];
      st.dict[p.key] = v;
      if (ctx.batch) st.committed[p.key] = v;
    }),
  );
}

async function runManyToMany(ctx: FlushContext, adds: M2MRow[], removes: M2MRow[], deleted: Set<InstanceState>, keyMoves: readonly AssociationKeyMove[] = []): Promise<void> {
  if (!adds.length && !removes.length && !keyMoves.length) return;
  // A bidirectional many-to-many shows each pair from both sides; write it once.
  const rowFor = (a: M2MRow): Record<string, unknown> => {
    const r: Record<string, unknown> = {};
    for (const [local, sec] of a.rel.secondarySyncPairs) r[sec.key] = a.parent.dict[propKey(a.rel.parent, local)];
    for (const [tcol, sec] of a.rel.targetSecondaryPairs) r[sec.key] = a.child.dict[propKey(a.rel.mapper, tcol)];
    // `secondary.kind = 'fav'` in the join: the new row must be one the relationship loads back.
    for (const [k, v] of associationCriteria(a.rel).fixed) if (!(k in r)) r[k] = v;
    return r;
  };
  // Grouped by association table and the relationship's own association-row terms: relationships
  // sharing a table through different discriminators own different rows.
  const bySecondary = (list: M2MRow[]) => {
    const out = new Map<string, { sec: TableClause; where: readonly ColumnElement<unknown, string>[]; keyCols: string[]; cols: string[]; rows: Record<string, unknown>[]; seen: Set<string> }>();
    for (const a of list) {
      const sec = a.rel.secondary!;
      const crit = associationCriteria(a.rel);
      const row = rowFor(a);
      const gk = `${sec.keyId()}|${crit.signature}`;
      let e = out.get(gk);
      if (!e) {
        // In the association table's column order, whichever side of a bidirectional pair comes first.
        const keys = new Set([...a.rel.secondarySyncPairs, ...a.rel.targetSecondaryPairs].map(([, c]) => c.key));
        const keyCols = sec.columnList.map((c) => c.key).filter((k) => keys.has(k));
        out.set(gk, (e = { sec, where: crit.where, keyCols, cols: Object.keys(row).sort(), rows: [], seen: new Set() }));
      }
      const sig = JSON.stringify(e.cols.map((c) => row[c]));
      if (e.seen.has(sig)) continue;
      e.seen.add(sig);
      e.rows.push(row);
    }
    return out;
  };
  // Removed pairs: one DELETE per association table (row-value IN for the key pairs).
  for (const { sec, where, keyCols: cols, rows } of bySecondary(removes).values()) {
    // The key columns identify the pair; the relationship's own terms (where) pick its rows.
    const c = cols.map((k) => sec.c[k]);
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const cond: ColumnElement<unknown, string> = c.length === 1 ? c[0].in(chunk.map((r) => r[cols[0]])) : tuple(...c).in(chunk.map((r) => cols.map((k) => r[k])));
      // SQLAlchemy's ManyToManyDP: a removed pair whose row has gone is a StaleDataError.
      await run(ctx, delete_(sec).where(cond, ...where), undefined, (r) => staleAssociationDelete(sec, r.rowsAffected, chunk.length));
    }
  }
  await runAssociationKeyMoves(ctx, keyMoves);
  // Added pairs: one multi-row INSERT per association table.
  const live = adds.filter((a) => !deleted.has(a.parent) && !deleted.has(a.child));
  for (const { sec, rows } of bySecondary(live).values()) await run(ctx, insert(sec as never), rows);
}

/**
 * Association rows of deleted objects (either side), by the deleted objects' keys whether or
 * not the collection is loaded (athanor never loads it for this): one DELETE per association
 * table and side, batched by IN (a tuple IN for composite keys). passiveDeletes leaves an
 * unloaded collection's rows to the database's ON DELETE CASCADE (SQLAlchemy's
 * passive_deletes=True does not load it either).
 * Runs before every save, as SQLAlchemy's many-to-many `before_delete` action.
 */
async function deleteAssociationRowsOf(ctx: FlushContext, deleted: Set<InstanceState>): Promise<void> {
  const del = new Map<string, { sec: TableClause; cols: ColumnElement<unknown, string>[]; where: readonly ColumnElement<unknown, string>[]; values: unknown[][] }>();
  for (const st of deleted) {
    for (const rel of st.mapper.relationships.values()) {
      if (rel.direction !== "MANYTOMANY" || rel.viewonly || !rel.secondarySyncPairs.length) continue;
      if (rel.options.passiveDeletes && !(rel.key in st.dict)) continue;
      const pairs = rel.secondarySyncPairs;
      const crit = associationCriteria(rel);
      const sig = `${rel.secondary!.keyId()}|${pairs.map(([, c]) => c.key).join(",")}|${crit.byParentSignature}`;
      let e = del.get(sig);
      if (!e) del.set(sig, (e = { sec: rel.secondary!, cols: pairs.map(([, c]) => c), where: crit.byParentWhere, values: [] }));
      const v = pairs.map(([local]) => dbValue(st, rel.parent, local));
      if (v.every((x) => x != null)) e.values.push(v);
    }
  }
  for (const { sec, cols, where, values } of del.values()) {
    for (let i = 0; i < values.length; i += 500) {
      const chunk = values.slice(i, i + 500);
      const cond: ColumnElement<unknown, string> = cols.length === 1 ? cols[0].in(chunk.map((v) => v[0])) : tuple(...cols).in(chunk);
      await run(ctx, delete_(sec).where(cond, ...where));
    }
  }
}

/**
 * Children in a loaded one-to-many collection of a deleted parent (no delete cascade) get their
 * foreign key set to NULL by their own mapper's UPDATE, among that mapper's saves (SQLAlchemy's
 * OneToManyDP.process_deletes syncs them before the child mapper's save_obj). A parent whose
 * mapper also has new rows may be row-switched and keep its children: left to
 * {@link nullOutChildren}. Returns the (relationship, parent) pairs handled here.
 */
function nullLoadedChildren(
  deleted: Set<InstanceState>,
  pending: Set<InstanceState>,
  updatable: Set<InstanceState>,
  touch: (st: InstanceState) => void,
): Map<RelationshipProperty, Set<InstanceState>> | undefined {
  let handled: Map<RelationshipProperty, Set<InstanceState>> | undefined;
  let pendingMappers: Set<Mapper> | undefined;
  for (const st of deleted) {
    for (const rel of st.mapper.relationships.values()) {
      if (rel.viewonly || rel.direction !== "ONETOMANY" || rel.cascade.delete || rel.options.passiveDeletes === "all" || !(rel.key in st.dict)) continue;
      if (!pendingMappers) {
        pendingMappers = new Set();
        for (const p of pending) pendingMappers.add(p.mapper);
      }
      if (pendingMappers.has(st.mapper)) continue;
      let parents = (handled ??= new Map()).get(rel);
      if (!parents) handled.set(rel, (parents = new Set<InstanceState>()));
      parents.add(st);
      const target = rel.mapper;
      const fkKeys = rel.syncPairs.map(([, remote]) => propKey(target, remote));
      const pkv = rel.syncPairs.map(([local]) => dbValue(st, rel.parent, local));
      const rev = rel.reverse && !rel.reverse.uselist ? rel.reverse : undefined;
      for (const o of [...related(st, rel), ...committedRelated(st, rel)]) {
        const cs = stateOf(o);
        if (!cs || deleted.has(cs) || cs.status !== "persistent") continue;
        // Only children still pointing at the deleted parent (not moved in this flush).
        if (!fkKeys.every((k, i) => cs.dict[k] === pkv[i])) continue;
        checkBlankOutPk(cs, rel.clearPairs.map(([local, remote]) => [remote, local] as const));
        touch(cs);
        for (const [, remote] of rel.clearPairs) cs.dict[propKey(target, remote)] = null;
        if (rev && cs.dict[rev.key] === st.obj) cs.dict[rev.key] = null;
        updatable.add(cs);
      }
    }
  }
  return handled;
}

/**
 * One-to-many children of deleted parents without delete cascade get their FK set to NULL
 * (SQLAlchemy's default "delete sets children's foreign key to NULL"), one UPDATE per
 * relationship; in-memory children follow.
 */
async function nullOutChildren(
  ctx: FlushContext,
  deleted: Set<InstanceState>,
  touch: (st: InstanceState) => void,
  nulledInSaves: ReadonlyMap<RelationshipProperty, ReadonlySet<InstanceState>> | undefined,
): Promise<void> {
  if (!deleted.size) return;
  const work = new Map<RelationshipProperty, InstanceState[]>();
  const postNull = new Map<RelationshipProperty, InstanceState[]>();
  for (const st of deleted) {
    for (const rel of st.mapper.relationships.values()) {
      if (rel.viewonly) continue;
      // passiveDeletes: true still clears the children already loaded; "all" leaves them to the database.
      const pd = rel.options.passiveDeletes;
      // With a delete cascade (no delete-orphan) the loaded collection's current members are
      // deleted, and those removed from it before the delete are cleared here (SQLAlchemy's
      // process_deletes nulls `history.deleted` whatever the cascade).
      const clears = rel.cascade.delete ? !rel.cascade.deleteOrphan && rel.key in st.dict : !pd || rel.key in st.dict;
      if (rel.direction === "ONETOMANY" && pd !== "all" && clears) {
        if (nulledInSaves?.get(rel)?.has(st)) continue;
        const l = work.get(rel);
        if (l) l.push(st);
        else work.set(rel, [st]);
      } else if (rel.direction === "MANYTOONE" && rel.options.postUpdate && pd !== "all" && rel.syncPairs.every(([local]) => dbValue(st, rel.parent, local) != null)) {
        // A post-update FK of a row being deleted is cleared first, breaking the cycle.
        const l = postNull.get(rel);
        if (l) l.push(st);
        else postNull.set(rel, [st]);
      }
    }
  }
  for (const [rel, rows] of postNull) {
    const m = rel.parent;
    const vals: Record<string, unknown> = {};
    for (const [local] of rel.clearPairs) vals[local.key] = null;
    await nullByPk(ctx, m, rows, vals);
  }
  for (const [rel, parents] of work) {
    const target = rel.mapper;
    const vals: Record<string, unknown> = {};
    for (const [, remote] of rel.clearPairs) vals[remote.key] = null;
    const fkKeys = rel.syncPairs.map(([, remote]) => propKey(target, remote));
    const children: InstanceState[] = [];
    if (parents.every((p) => rel.key in p.dict)) {
      // Loaded collections are the children: update those not being deleted themselves, by key.
      const seen = new Set<InstanceState>();
      for (const p of parents) {
        const pkv = rel.syncPairs.map(([local]) => dbValue(p, rel.parent, local));
        for (const o of [...related(p, rel), ...committedRelated(p, rel)]) {
          const cs = stateOf(o)!;
          if (seen.has(cs) || deleted.has(cs) || cs.status !== "persistent") continue;
          seen.add(cs);
          // Only children still pointing at the deleted parent (not moved in this flush).
          if (fkKeys.every((k, i) => cs.dict[k] === pkv[i])) {
            checkBlankOutPk(cs, rel.clearPairs.map(([local, remote]) => [remote, local] as const));
            children.push(cs);
          }
        }
      }
      if (children.length) await nullByPk(ctx, target, children, vals);
    } else {
      const keys = parents.map((p) => rel.syncPairs.map(([local]) => dbValue(p, rel.parent, local)));
      const gone = [...deleted].filter((st) => st.mapper === target);
      const pk = target.pkProps;
      for (let i = 0; i < keys.length; i += 500) {
        const chunk = keys.slice(i, i + 500);
        const conds: ColumnElement<unknown, string>[] = [
          rel.syncPairs.length === 1 ? rel.syncPairs[0][1].in(chunk.map((k) => k[0])) : tuple(...rel.syncPairs.map(([, r]) => r)).in(chunk),
        ];
        // Rows deleted in this flush are left alone.
        if (gone.length && pk.length === 1) conds.push(pk[0].column.notIn(gone.map((st) => dbValue(st, target, pk[0].column))));
        await run(ctx, update(target.table).where(...conds).values(vals as never));
      }
      const wanted = new Set(keys.map((k) => JSON.stringify(k)));
      for (const o of ctx.identityMap.values()) {
        const os = stateOf(o)!;
        if (os.mapper === target && wanted.has(JSON.stringify(fkKeys.map((k) => os.dict[k])))) children.push(os);
      }
    }
    const rev = rel.reverse && !rel.reverse.uselist ? rel.reverse : undefined;
    for (const cs of children) {
      if (deleted.has(cs) || cs.status !== "persistent") continue;
      touch(cs);
      for (const k of fkKeys) {
        cs.dict[k] = null;
        cs.committed[k] = null;
      }
      if (rev && cs.dict[rev.key] && deleted.has(stateOf(cs.dict[rev.key])!)) {
        cs.dict[rev.key] = null;
        cs.committed[rev.key] = null;
      }
    }
  }
}

/** A state's primary-key values as its row has them (the committed ones when loaded). */
function rowPk(st: InstanceState, pk: readonly ColumnProperty[]): unknown[] {
  return pk.map((p) => (p.key in st.committed ? st.committed[p.key] : st.dict[p.key]));
}

function comparePkValues(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x == null) return -1;
    if (y == null) return 1;
    const c = (typeof x === "number" || typeof x === "bigint") && (typeof y === "number" || typeof y === "bigint") ? (x < y ? -1 : x > y ? 1 : 0) : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
    if (c) return c;
  }
  return 0;
}

/**
 * Persistent states in primary-key order, as SQLAlchemy's `_sort_states` orders the UPDATEs
 * and DELETEs of one mapper (statements and parameters then don't depend on the order the
 * application changed objects in). Pending states (post-updates of new rows) keep their order, first.
 */
function sortByPk(states: readonly InstanceState[], pk: readonly ColumnProperty[]): InstanceState[] {
  if (states.length < 2) return [...states];
  const pending: InstanceState[] = [];
  const keyed: [unknown[], InstanceState][] = [];
  for (const st of states) {
    if (st.status === "pending") pending.push(st);
    else keyed.push([rowPk(st, pk), st]);
  }
  keyed.sort((a, b) => comparePkValues(a[0], b[0]));
  for (const [, st] of keyed) pending.push(st);
  return pending;
}

/**
 * One `UPDATE t SET fk=NULL WHERE t.pk = ?` run as an executemany over `rows` (in key order):
 * SQLAlchemy's form for foreign keys a flush clears (children of a deleted parent, post-update
 * keys of deleted rows).
 */
async function nullByPk(ctx: FlushContext, m: Mapper, rows: readonly InstanceState[], vals: Record<string, unknown>): Promise<void> {
  const pk = m.pkProps;
  const stmt = update(m.table).where(...pk.map((p) => p.column.eq(bindparam(`_pk_${p.column.key}`)))).values(vals as never);
  const params = sortByPk(rows, pk).map((st) => {
    const r: Record<string, unknown> = {};
    const v = rowPk(st, pk);
    pk.forEach((p, i) => (r[`_pk_${p.column.key}`] = v[i]));
    return r;
  });
  await run(ctx, stmt, params);
}

/** Run `make(pk IN (…))` over `rows` in chunks of 500. */
async function deleteOrUpdateByPk(
  ctx: FlushContext,
  m: Mapper,
  rows: InstanceState[],
  make: (cond: ColumnElement<unknown, string>) => Parameters<AsyncConnection["execute"]>[0],
  /** Called with (rows matched, rows expected) per statement, now or when the commit batch ran. */
  check?: (matched: number, expected: number) => void,
): Promise<void> {
  const pk = m.pkProps;
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const values = chunk.map((st) => pk.map((p) => (p.key in st.committed ? st.committed[p.key] : st.dict[p.key])));
    const cond: ColumnElement<unknown, string> = pk.length === 1 ? pk[0].column.in(values.map((v) => v[0])) : tuple(...pk.map((p) => p.column)).in(values);
    await run(ctx, make(cond), undefined, check ? (r) => check(r.rowsAffected, chunk.length) : undefined);
  }
}

/** Delete rows children first (reverse mapper order; self-referential rows leaf first). */
async function runDeletes(ctx: FlushContext, deleted: Set<InstanceState>, touch: (st: InstanceState) => void): Promise<void> {
  if (!deleted.size) return;
  const byMapper = new Map<Mapper, InstanceState[]>();
  for (const st of deleted) {
    touch(st);
    const l = byMapper.get(st.mapper);
    if (l) l.push(st);
    else byMapper.set(st.mapper, [st]);
  }
  const order = orderMappers([...byMapper.keys()], new Map()).reverse();
  for (const comp of order) {
    // Mappers in a foreign-key cycle: rows go in waves, each row after those referring to it.
    if (comp.mappers.length > 1 && !comp.mappers.some(isMultiTableMapper)) {
      for (const wave of crossMapperDeleteWaves(comp.mappers, byMapper)) {
        for (const [mapper, states] of wave) await deleteMapperRows(ctx, mapper, sortByPk(states, mapper.pkProps), false);
      }
      continue;
    }
    for (const mapper of [...comp.mappers].reverse()) {
      const states = sortByPk(byMapper.get(mapper)!, mapper.pkProps);
      if (isMultiTableMapper(mapper)) { await deleteJoinedStates(ctx, mapper, states); continue; } // joined-table inheritance (inheritance.ts)
      await deleteMapperRows(ctx, mapper, states, comp.rowLevel);
    }
  }
}

/** DELETE the rows of `states` (one mapper): events, version checks, batched by key. */
async function deleteMapperRows(ctx: FlushContext, mapper: Mapper, states: InstanceState[], rowLevel: boolean): Promise<void> {
  await fireEach(ctx, "beforeDelete", mapper, states);
  const pk = mapper.pkProps;
  for (const st of states) {
    for (const p of pk) if ((p.key in st.committed ? st.committed[p.key] : st.dict[p.key]) == null) throw nullPkError("delete from", mapper.table, p.column);
  }
  const vp = mapper.versionProp;
  for (const level of rowLevel ? selfRefLevels(mapper, states) : [states]) {
    if (vp) {
      await loadCommittedVersions(ctx, mapper, level);
      const stmt = delete_(mapper.table).where(...pk.map((p) => p.column.eq(bindparam(`_pk_${p.column.key}`))), vp.column.eq(bindparam("_version_old")));
      const params = level.map((st) => {
        const r: Record<string, unknown> = { _version_old: st.committed[vp.key] };
        for (const p of pk) r[`_pk_${p.column.key}`] = p.key in st.committed ? st.committed[p.key] : st.dict[p.key];
        return r;
      });
      await run(ctx, stmt, params, (r) => staleDelete(mapper, r.rowsAffected, level.length));
      continue;
    }
    await deleteOrUpdateByPk(ctx, mapper, level, (cond) => delete_(mapper.table).where(cond), (n, expected) => staleDelete(mapper, n, expected, true));
  }
  await fireEach(ctx, "afterDelete", mapper, states);
}

/**
 * Deleted rows of mappers in a foreign-key cycle, in waves: a row comes after every deleted
 * row whose foreign key (through a relationship, as the database has it) refers to it. Rows of
 * a row-level cycle (which the flush's post-update clearing didn't break) go last, together.
 */
function crossMapperDeleteWaves(mappers: readonly Mapper[], byMapper: Map<Mapper, InstanceState[]>): Map<Mapper, InstanceState[]>[] {
  const inComp = new Set(mappers);
  const all: InstanceState[] = [];
  for (const m of mappers) for (const st of byMapper.get(m)!) all.push(st);
  // Referenced rows by (mapper, referenced columns, values).
  const index = new Map<string, InstanceState>();
  const keyOf = (m: Mapper, cols: readonly ColumnImpl[], vals: readonly unknown[]) => `${m.identityId}|${cols.map((c) => c.key).join(",")}|${JSON.stringify(vals)}`;
  const links: { from: Mapper; to: Mapper; pairs: readonly (readonly [ColumnImpl, ColumnImpl])[] }[] = [];
  for (const m of mappers) {
    for (const r of m.relationships.values()) {
      if (r.viewonly || r.direction === "MANYTOMANY" || !inComp.has(r.mapper)) continue;
      // (referring column, referred column) pairs, from the referring mapper's side.
      if (r.direction === "MANYTOONE") links.push({ from: m, to: r.mapper, pairs: r.syncPairs });
      else links.push({ from: r.mapper, to: m, pairs: r.syncPairs.map(([a, b]) => [b, a] as const) });
    }
  }
  for (const l of links) {
    const refCols = l.pairs.map(([, ref]) => ref);
    for (const st of byMapper.get(l.to)!) index.set(keyOf(l.to, refCols, refCols.map((c) => dbValue(st, l.to, c))), st);
  }
  // waitsFor: how many deleted rows refer to a row; blocks: the rows a row refers to.
  const waitsFor = new Map<InstanceState, number>();
  const blocks = new Map<InstanceState, InstanceState[]>();
  for (const st of all) waitsFor.set(st, 0);
  for (const l of links) {
    const refCols = l.pairs.map(([, ref]) => ref);
    for (const st of byMapper.get(l.from)!) {
      const vals = l.pairs.map(([fk]) => dbValue(st, l.from, fk));
      if (vals.some((v) => v == null)) continue;
      const target = index.get(keyOf(l.to, refCols, vals));
      if (!target || target === st) continue;
      waitsFor.set(target, waitsFor.get(target)! + 1);
      const b = blocks.get(st);
      if (b) b.push(target);
      else blocks.set(st, [target]);
    }
  }
  const waves: Map<Mapper, InstanceState[]>[] = [];
  let ready = all.filter((st) => waitsFor.get(st) === 0);
  const done = new Set<InstanceState>();
  while (ready.length) {
    const wave = new Map<Mapper, InstanceState[]>();
    const next: InstanceState[] = [];
    for (const st of ready) {
      done.add(st);
      const l = wave.get(st.mapper);
      if (l) l.push(st);
      else wave.set(st.mapper, [st]);
      for (const t of blocks.get(st) ?? []) {
        const n = waitsFor.get(t)! - 1;
        waitsFor.set(t, n);
        if (n === 0) next.push(t);
      }
    }
    waves.push(wave);
    ready = next;
  }
  if (done.size < all.length) {
    const rest = new Map<Mapper, InstanceState[]>();
    for (const st of all) {
      if (done.has(st)) continue;
      const l = rest.get(st.mapper);
      if (l) l.push(st);
      else rest.set(st.mapper, [st]);
    }
    waves.push(rest);
  }
  return waves;
}

/**
 * The committed version ids of expired objects (expire-on-commit expires them), read in one
 * SELECT per 500 rows before their UPDATE or DELETE checks them, as SQLAlchemy loads an expired
 * version column in the flush.
 */
async function loadCommittedVersions(ctx: FlushContext, mapper: Mapper, states: readonly InstanceState[]): Promise<void> {
  const vp = mapper.versionProp!;
  const missing = states.filter((st) => !(vp.key in st.committed));
  const pk = mapper.pkProps;
  for (let i = 0; i < missing.length; i += 500) {
    const chunk = missing.slice(i, i + 500);
    const byKey = new Map<string, InstanceState>();
    for (const st of chunk) byKey.set(mapper.identityKey(pk.map((p) => (p.key in st.committed ? st.committed[p.key] : st.current[p.key]))), st);
    const values = chunk.map((st) => pk.map((p) => (p.key in st.committed ? st.committed[p.key] : st.current[p.key])));
    const cond: ColumnElement<unknown, string> = pk.length === 1 ? pk[0].column.in(values.map((v) => v[0])) : tuple(...pk.map((p) => p.column)).in(values);
    const q = select(...pk.map((p) => p.column), vp.column).where(cond);
    const res = ctx.batch ? await ctx.batch.direct(q) : await ctx.connection.execute(q);
    for (const row of res.all()) {
      const raw = row._tuple() as unknown[];
      const st = byKey.get(mapper.identityKey(raw.slice(0, pk.length)));
      if (!st) continue;
      const version = raw[pk.length];
      st.committed[vp.key] = version;
      if (!(vp.key in st.current)) st.dict[vp.key] = version;
      st.expiredMutable?.delete(vp.key);
    }
  }
}

/**
 * UPDATEs moving association rows to their parent's new key, one per row; as SQLAlchemy, the
 * rows matched per association table must add up to the rows named (StaleDataError otherwise,
 * when the driver counts rows).
 */
async function runAssociationKeyMoves(ctx: FlushContext, moves: readonly AssociationKeyMove[]): Promise<void> {
  const bySec = new Map<TableClause, AssociationKeyMove[]>();
  for (const m of moves) {
    const l = bySec.get(m.sec);
    if (l) l.push(m);
    else bySec.set(m.sec, [m]);
  }
  for (const [sec, rows] of bySec) {
    let matched = 0;
    let seen = 0;
    for (const m of rows) {
      const cond = Object.entries(m.where).map(([k, v]) => (sec.c[k] as ColumnElement<unknown, string>).eq(v as never) as ColumnElement<unknown, string>);
      await run(ctx, update(sec).where(...cond).values(m.set as never), undefined, (r) => {
        matched = r.rowsAffected < 0 || matched < 0 ? -1 : matched + r.rowsAffected;
        if (++seen === rows.length && matched >= 0 && matched !== rows.length) {
          throw new StaleDataError(`UPDATE statement on table '${sec.name}' expected to update ${rows.length} row(s); Only ${matched} were matched.`);
        }
      });
    }
  }
}

/** An association-row DELETE matched another number of rows than the pairs it named (when the driver counts rows). */
/**
 * An UPDATE or DELETE of a row whose primary key has a NULL column: `WHERE col = NULL` would
 * match nothing (SQLAlchemy's FlushError of `_collect_update_commands` / `_collect_delete_commands`;
 * only SQLite lets such a row exist).
 */
function nullPkError(verb: "update" | "delete from", table: Table, col: ColumnImpl): FlushError {
  return new FlushError(`Can't ${verb} table ${table.name} using NULL for primary key value on column ${table.name}.${col.name}`);
}

/**
 * An INSERT … RETURNING that came back with fewer rows than objects (a trigger or driver
 * swallowed the row): SQLAlchemy's FlushError of `_emit_insert_statements`, whose wording
 * depends on whether the statement inserted one row or several.
 */
export function insertRowsMissing(mapper: Mapper, multiRow: boolean): FlushError {
  return new FlushError(
    multiRow
      ? `Multi-row INSERT statement for ${mapper.describe()} did not produce the correct number of INSERTed rows for RETURNING.  Ensure there are no triggers or special driver issues preventing INSERT from functioning properly.`
      : `Single-row INSERT statement for ${mapper.describe()} did not produce a new primary key result being invoked.  Ensure there are no triggers or special driver issues preventing INSERT from functioning properly.`,
  );
}

function staleAssociationDelete(sec: TableClause, matched: number, expected: number): void {
  if (matched >= 0 && matched !== expected) {
    throw new StaleDataError(`DELETE statement on table '${sec.name}' expected to delete ${expected} row(s); Only ${matched} were matched.`);
  }
}

/**
 * A DELETE matched another number of rows than it named: StaleDataError with a version id, a
 * warning without one (SQLAlchemy's `confirm_deleted_rows`, which only warns when the mapper
 * is not versioned: the row is gone either way).
 */
function staleDelete(mapper: Mapper, matched: number, expected: number, onlyWarn = false): void {
  if (matched >= 0 && matched !== expected) {
    if (onlyWarn && !mapper.confirmDeletedRows) return;
    const msg = `DELETE statement on table '${mapper.table.name}' expected to delete ${expected} row(s); ${matched} were matched.  Please set confirm_deleted_rows=False within the mapper configuration to prevent this warning.`;
    if (onlyWarn) warn(msg);
    else throw new StaleDataError(msg);
  }
}

/** Objects whose database-generated key is returned by a queued INSERT (known once the commit batch ran). */
const awaitingBatchKey = new WeakSet<InstanceState>();
/**
 * SQLite: per transaction (keyed by its `assignedKeys` map), how many rows of each table were
 * queued without a key since the last allocation for that table. They take `MAX(rowid) + 1` when
 * the batch runs, ahead of the keys allocated next, which therefore start above them.
 */
const unallocatedRows = new WeakMap<Map<Table, number>, Map<Table, number>>();

/** The single autoincrement primary-key column a batch flush may allocate, if the mapper has one. */
function autoincrementKey(m: Mapper): ColumnProperty | undefined {
  const pk = m.pkProps;
  return pk.length === 1 && pk[0].column.autoincrement ? pk[0] : undefined;
}
/**
 * The table holding a mapper's autoincrement key: its own, or for a joined-table subclass the
 * base table (whose rows generate the key the subclass rows copy).
 */
function keyTable(m: Mapper): Table {
  return m.pkProps[0].column.table as Table;
}
/** True when a state's key is generated inside a queued INSERT that has not run yet. */
function keyAwaitsBatch(st: InstanceState): boolean {
  if (!awaitingBatchKey.has(st) || st.status !== "persistent") return false;
  const k = autoincrementKey(st.mapper);
  return k !== undefined && st.dict[k.key] == null;
}

/**
 * Batch-only drivers: give pending objects the values other statements of this flush need before
 * anything is queued. Client-side defaults are evaluated in JS. Autoincrement primary keys are
 * allocated with one request (PostgreSQL: `nextval()` of each column's sequence; SQLite: above
 * `MAX(key)`, which the atomic batch keeps valid unless another writer takes the same keys first,
 * in which case the batch fails with IntegrityError and nothing is written) — but only for rows
 * whose key another statement of the flush uses: a foreign key synced from it, a many-to-many
 * association row, a post-update (SQLAlchemy's row-level dependencies). Every other row's key
 * comes back from its `INSERT … RETURNING` inside the commit batch, so a flush without such
 * dependencies needs no request before the batch. On SQLite a table is allocated all-or-nothing
 * within one flush, so rows inserted without a key cannot take a key allocated to a later row.
 * @returns the pending states whose key is generated in the batch (applied when it has run).
 * Joined-table inheritance rows always get their key here: each subclass row copies it.
 * @throws InvalidRequestError when this flush needs the key of an object an earlier flush of the
 *   same transaction queued without one.
 */
async function assignBatchKeys(
  ctx: FlushContext,
  batch: BatchFlush,
  pending: Set<InstanceState>,
  dirty: Set<InstanceState>,
  deleted: Set<InstanceState>,
  plan: Plan,
): Promise<Set<InstanceState>> {
  // Rows whose key another statement of this flush reads.
  const needed = new Set<InstanceState>();
  const use = (st: InstanceState | null, via: string): void => {
    if (!st) return;
    if (pending.has(st)) needed.add(st);
    else if (keyAwaitsBatch(st)) throw awaitingKeyError(ctx, st, via);
  };
  for (const s of plan.syncs) {
    const k = s.parent && autoincrementKey(s.parentMapper);
    if (k && s.pairs.some(([, parentCol]) => parentCol === k.column)) use(s.parent, `the foreign key of a ${s.child.mapper.className}`);
  }
  for (const pu of plan.postUpdates) {
    use(pu.parent, `the post-update of ${pu.child.mapper.className}.${pu.rel.key}`);
    use(pu.child, `the post-update of ${pu.child.mapper.className}.${pu.rel.key}`);
  }
  for (const r of [...plan.m2mAdds, ...plan.m2mRemoves]) {
    use(r.parent, `an association row of ${r.parent.mapper.className}.${r.rel.key}`);
    use(r.child, `an association row of ${r.parent.mapper.className}.${r.rel.key}`);
  }
  if (batch.allocateAll) for (const st of pending) needed.add(st);
  for (const st of dirty) if (keyAwaitsBatch(st)) throw awaitingKeyError(ctx, st, "an UPDATE of it");
  for (const st of deleted) if (keyAwaitsBatch(st)) throw awaitingKeyError(ctx, st, "a DELETE of it");

  const pg = ctx.connection.dialectName === "postgresql";
  const byMapper = new Map<Mapper, InstanceState[]>();
  const neededMappers = new Set<Mapper>();
  for (const st of pending) {
    const m = st.mapper;
    // Joined-table inheritance: the subclass rows carry the base row's key, so it is always needed.
    if (isMultiTableMapper(m)) needed.add(st);
    for (const p of m.columnProps) {
      const d = p.column.default;
      if (st.dict[p.key] !== undefined || d === undefined || d instanceof ColumnElement) continue;
      st.dict[p.key] = typeof d === "function" ? (d as (ctx: object) => unknown)({}) : d;
    }
    const k = autoincrementKey(m);
    if (!k || st.dict[k.key] != null) continue;
    const l = byMapper.get(m);
    if (l) l.push(st);
    else byMapper.set(m, [st]);
    if (needed.has(st)) neededMappers.add(m);
  }
  const needs = new Map<Mapper, InstanceState[]>();
  const deferred = new Set<InstanceState>();
  // SQLite allocates a table all-or-nothing, also across the mappers of one inheritance hierarchy.
  const neededTables = new Set([...neededMappers].map(keyTable));
  for (const [m, states] of byMapper) {
    if (pg ? !neededMappers.has(m) : !neededTables.has(keyTable(m))) {
      for (const st of states) deferred.add(st);
      continue;
    }
    const alloc = pg ? states.filter((st) => needed.has(st)) : states;
    needs.set(m, alloc);
    if (alloc.length < states.length) for (const st of states) if (!needed.has(st)) deferred.add(st);
  }
  if (!pg) {
    let counts = unallocatedRows.get(batch.assignedKeys);
    if (!counts) unallocatedRows.set(batch.assignedKeys, (counts = new Map()));
    for (const st of deferred) {
      const table = keyTable(st.mapper);
      counts.set(table, (counts.get(table) ?? 0) + 1);
    }
  }
  for (const st of deferred) {
    awaitingBatchKey.add(st);
    // Loaded but not known yet: reads give null (not UnloadedAttributeError) until the batch ran.
    st.dict[autoincrementKey(st.mapper)!.key] = null;
  }
  if (!needs.size) return deferred;

  const entries = [...needs];
  const quote = (n: string) => ctx.connection.engine.dialect.quoteIdentifier(n);
  const binds: Record<string, unknown> = {};
  const parts = entries.map(([m, states], i) => {
    const col = m.pkProps[0].column;
    const table = keyTable(m);
    if (pg) {
      binds[`t${i}`] = table.schema ? `${quote(table.schema)}.${quote(table.name)}` : quote(table.name);
      binds[`c${i}`] = col.name;
      binds[`n${i}`] = states.length;
      return `SELECT ${i} AS t, nextval(pg_get_serial_sequence(:t${i}, :c${i})) AS v FROM generate_series(1, CAST(:n${i} AS INTEGER))`;
    }
    return `SELECT ${i} AS t, COALESCE(MAX(${quote(col.name)}), 0) AS v FROM ${quote(table.name)}`;
  });
  const res = await batch.direct(text(parts.join(" UNION ALL ")).bindparams(binds));
  const got = new Map<number, unknown[]>();
  for (const row of res.all()) {
    const [t, v] = row._tuple() as [number, unknown];
    const l = got.get(Number(t));
    if (l) l.push(v);
    else got.set(Number(t), [v]);
  }
  const counts = unallocatedRows.get(batch.assignedKeys);
  entries.forEach(([m, states], i) => {
    const key = m.pkProps[0].key;
    const vals = got.get(i) ?? [];
    if (pg) {
      states.forEach((st, j) => (st.dict[key] = Number(vals[j])));
      return;
    }
    // Rows queued earlier in this transaction without a key take the next keys when the batch runs.
    const table = keyTable(m);
    const base = Math.max(Number(vals[0] ?? 0), batch.assignedKeys.get(table) ?? 0) + (counts?.get(table) ?? 0);
    states.forEach((st, j) => (st.dict[key] = base + j + 1));
    batch.assignedKeys.set(table, base + states.length);
    counts?.delete(table);
  });
  return deferred;
}

function awaitingKeyError(ctx: FlushContext, st: InstanceState, via: string): InvalidRequestError {
  return new InvalidRequestError(
    `${via} needs the primary key of a ${st.mapper.className} that an earlier flush queued with a database-generated key; ` +
      `on ${ctx.connection.engine.driver.name} (no interactive transactions) that key exists only once commit() has sent the batch. ` +
      `Add related objects before the same flush (commit() flushes everything at once), commit first, or give the key a client-side default (e.g. UUIDv7).`,
  );
}

/**
 * Wrap the batch so that, as each queued statement's result is applied, objects whose key the
 * batch generated get their identity key and enter the identity map (the step a flush with
 * interactive transactions does right after its INSERTs).
 */
function settleDeferredKeys(ctx: FlushContext, batch: BatchFlush, deferred: Set<InstanceState>): FlushContext {
  const waiting = new Set(deferred);
  const settle = (): void => {
    for (const st of waiting) {
      const pk = st.mapper.pkValues(st);
      if (pk.some((v) => v == null)) continue;
      waiting.delete(st);
      awaitingBatchKey.delete(st);
      if (st.status !== "persistent" || st.sessionId !== ctx.sessionId) continue;
      st.key = st.mapper.identityKey(pk);
      ctx.identityMap.set(st.key, st.obj);
    }
  };
  const wrapped: BatchFlush = Object.create(batch, {
    queue: {
      value: (stmt: ClauseElement, params: ExecuteParams | undefined, after?: (r: Result<unknown[], Record<string, unknown>>) => void) =>
        batch.queue(stmt, params, after && ((r) => {
          after(r);
          if (waiting.size) settle();
        })),
    },
  }) as BatchFlush;
  return Object.create(ctx, { batch: { value: wrapped } }) as FlushContext;
}

/** For self-referential tables: rows grouped by depth, deepest (leaves) first. */
function selfRefLevels(mapper: Mapper, states: InstanceState[]): InstanceState[][] {
  // (child FK column, parent key column) pairs of each self-referential relationship.
  const links: (readonly (readonly [ColumnImpl, ColumnImpl])[])[] = [];
  for (const r of mapper.relationships.values()) {
    if (r.mapper !== mapper || r.direction === "MANYTOMANY") continue;
    links.push(r.direction === "MANYTOONE" ? r.syncPairs : r.syncPairs.map(([a, b]) => [b, a] as const));
  }
  if (!links.length) return [states];
  const index = new Map<string, InstanceState>();
  links.forEach((pairs, i) => {
    for (const st of states) index.set(`${i}|${JSON.stringify(pairs.map(([, ref]) => dbValue(st, mapper, ref)))}`, st);
  });
  const parentOf = (st: InstanceState): InstanceState | undefined => {
    for (let i = 0; i < links.length; i++) {
      const fk = links[i].map(([fkCol]) => dbValue(st, mapper, fkCol));
      if (fk.some((v) => v == null)) continue;
      const p = index.get(`${i}|${JSON.stringify(fk)}`);
      if (p && p !== st) return p;
    }
    return undefined;
  };
  const depth = new Map<InstanceState, number>();
  const depthOf = (st: InstanceState): number => {
    const chain: InstanceState[] = [];
    let cur: InstanceState | undefined = st;
    let base = 0;
    const onChain = new Set<InstanceState>();
    while (cur) {
      const known = depth.get(cur);
      if (known !== undefined) {
        base = known + 1;
        break;
      }
      if (onChain.has(cur)) throw new CircularDependencyError(`Circular parent references among ${mapper.className} rows being deleted`);
      onChain.add(cur);
      chain.push(cur);
      cur = parentOf(cur);
    }
    for (let i = chain.length - 1; i >= 0; i--) depth.set(chain[i], base++);
    return depth.get(st)!;
  };
  let max = 0;
  for (const st of states) max = Math.max(max, depthOf(st));
  const levels: InstanceState[][] = Array.from({ length: max + 1 }, () => []);
  for (const st of states) levels[max - depth.get(st)!].push(st);
  return levels.filter((l) => l.length);
}

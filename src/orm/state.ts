/**
 * Per-instance ORM bookkeeping (SQLAlchemy's `InstanceState`): attribute values, what is loaded,
 * the committed snapshot used to find changes, identity key and session membership.
 *
 * Change tracking follows SQLAlchemy's identity map `_modified` set: an attribute write on a
 * persistent (or detached) instance flags its state and registers it with its session, so a
 * flush looks only at flagged states instead of scanning the whole identity map. Two kinds of
 * in-place mutation are not seen by a setter and are handled by *watching* instead:
 * - a collection read from a persistent instance (`u.addresses.push(a)`),
 * - a mutable value (plain object or array, i.e. a JSON column) read from a persistent instance
 *   (`doc.data.x = 1`); a deep copy of it is kept as the committed value.
 * A watched state stays registered across flushes, so later mutations through a reference the
 * application kept are still found. Dates and byte arrays mutated in place are not detected:
 * assign a new value.
 *
 * Every state of a large load or flush is identity-mapped, and V8's young-generation collector
 * keeps `WeakRef` targets alive, so each such state and all it references is copied to the old
 * generation: the layout keeps what a state owns small. The committed snapshot is
 * copy-on-write (the attribute dictionary itself until the next write after a load or flush),
 * the seldom-used fields live in one side object made on demand, flags share one field, and
 * expire-all / expunge-all reach every state in one write to the session's {@link Attachment}
 * (applied by each state when next used) instead of a pass over the identity map.
 * @module
 */
import type { Mapper } from "./mapper.js";
import { attributeStates, type AttributeState } from "./attribute-history.js";
import type { AsyncSession } from "./session.js";
import { sessionById } from "./session-registry.js";

/** Where an object is in its life cycle (SQLAlchemy's object states). */
export type ObjectStatus = "transient" | "pending" | "persistent" | "deleted" | "detached";

/** Symbol under which each mapped instance keeps its {@link InstanceState}. */
export const STATE: unique symbol = Symbol.for("athanor.state");

/**
 * Prototype of every state dictionary: an empty object with no prototype of its own, so `key in
 * dict` never sees `Object.prototype` names (as with `Object.create(null)`), while objects made
 * with `Object.create(DICT_PROTO)` stay in V8's fast (hidden-class) mode — `Object.create(null)`
 * makes a hash-table ("dictionary mode") object, which is slower to build and to read.
 */
const DICT_PROTO: object = Object.freeze(Object.create(null) as object);

/** A new, empty attribute dictionary (no inherited keys, fast property layout). @internal */
export function newDict(): Record<string, unknown> {
  return Object.create(DICT_PROTO) as Record<string, unknown>;
}

/** A copy of an attribute dictionary (fast property layout, no inherited keys). @internal */
export function copyDict(src: Record<string, unknown>): Record<string, unknown> {
  const out = newDict();
  for (const k in src) out[k] = src[k];
  return out;
}

/** States that may have unflushed changes, per session id (SQLAlchemy's `identity_map._modified`). */
const modifiedBySession = new Map<number, Set<InstanceState>>();

/** What expiring every attribute removes from the states of one mapper (built by the session). */
export interface ExpireAllPlan {
  /** Keys removed from the dictionary and the committed snapshot (columns but the primary key, relationships). */
  readonly removed: ReadonlySet<string>;
  /** Column keys marked expired. */
  readonly expiredColumns: readonly string[];
  /** {@link expiredColumns} as the set whole-expired states share (copy-on-write). */
  readonly expiredSet: Set<string>;
}

/**
 * One period of membership in a session: every state attached to session `sessionId` points to
 * the session's current attachment, so the session-wide operations that touch every attached
 * object — expunge-all (close(), expungeAll(), {@link endAttachments}) and expire-all (commit,
 * rollback, expireAll(), {@link expireAttached}) — are one write each instead of a pass over
 * the identity map, whose every entry would have to be dereferenced (each `WeakRef.deref()`
 * also adds its target to the engine's kept-objects set). Each state applies what it missed
 * the next time any of its attribute, status or session fields is read or written.
 */
class Attachment {
  ended = false;
  /** Expire-alls so far; a state remembers the count it has applied (`InstanceState._seen`). */
  expires = 0;
  /** What the expire-alls expire, per mapper. */
  expirePlan: ((m: Mapper) => ExpireAllPlan) | undefined = undefined;
  constructor(readonly sessionId: number) {}
}
/** The current attachment of each session that has attached a state since it was last ended. */
const attachments = new Map<number, Attachment>();
/** The last attachment handed out: loads and flushes attach many states to one session in a row. */
let lastAttachment: Attachment | undefined;
function attachmentOf(sessionId: number): Attachment {
  const last = lastAttachment;
  // An attachment stays its session's current one until it ends.
  if (last !== undefined && last.sessionId === sessionId && !last.ended) return last;
  let a = attachments.get(sessionId);
  if (a === undefined) attachments.set(sessionId, (a = new Attachment(sessionId)));
  return (lastAttachment = a);
}
/**
 * Expunge every state attached to session `sessionId` (SQLAlchemy's `expunge_all()`): from now
 * on each reads as pending → transient, anything else → detached, with no session and no
 * delete mark. The session must also empty its identity map and pending/deleted sets. @internal
 */
export function endAttachments(sessionId: number): void {
  const a = attachments.get(sessionId);
  if (a === undefined) return;
  a.ended = true;
  attachments.delete(sessionId);
}
/**
 * Expire every attribute (but the primary key) of every persistent state attached to session
 * `sessionId` (SQLAlchemy's `expire_all()`, also run by commit and rollback), as `plan` says per
 * mapper; states attached later are not affected. @internal
 */
export function expireAttached(sessionId: number, plan: (m: Mapper) => ExpireAllPlan): void {
  const a = attachments.get(sessionId);
  if (a === undefined) return;
  a.expires++;
  a.expirePlan = plan;
}
/** Keys of `src` outside `removed`, in a fresh dictionary. */
function without(src: Record<string, unknown>, removed: ReadonlySet<string>): Record<string, unknown> {
  const out = newDict();
  for (const k in src) if (!removed.has(k)) out[k] = src[k];
  return out;
}

/**
 * The committed snapshot of a state that has none yet (new objects): an empty dictionary is made
 * only when something writes into it. Never written to itself.
 */
const NO_COMMITTED: Record<string, unknown> = newDict();

/** {@link InstanceState} flag bits. */
const MODIFIED = 1;
const MARKED_DELETED = 2;
/** `_key` holds the identity map's part, not yet the key string. */
const KEY_IS_PART = 4;
/** `_expired` is shared with other states (copy before changing it). */
const EXPIRED_SHARED = 8;
/** Deleted by a flush since it was last persistent (SQLAlchemy's `was_deleted`). */
const WAS_DELETED = 16;
/** An attribute was assigned since the last load, flush or expire (SQLAlchemy's `modified`). */
const ATTR_SET = 32;
/** Expired as a whole with no column to mark (a mapper whose columns are all primary key). */
const WHOLE_EXPIRED = 64;
/**
 * The {@link ObjectStatus}, as its index in {@link STATUSES}, in three bits of the flags: one
 * field less in every state (each flushed or loaded object's state is kept, so its size counts).
 */
const STATUS_SHIFT = 7;
const STATUS_BITS = 7 << STATUS_SHIFT;
const STATUSES: readonly ObjectStatus[] = ["transient", "pending", "persistent", "deleted", "detached"];
const TRANSIENT = 0;
const PENDING = 1 << STATUS_SHIFT;
const PERSISTENT = 2 << STATUS_SHIFT;
const DETACHED = 4 << STATUS_SHIFT;
function statusBits(v: ObjectStatus): number {
  return STATUSES.indexOf(v) << STATUS_SHIFT;
}

/** The seldom-used part of an {@link InstanceState}. */
class RareState {
  committedCollections: Map<string, readonly object[]> | undefined = undefined;
  raiseKeys: Set<string> | undefined = undefined;
  watched: Set<string> | undefined = undefined;
  loadOptions: readonly object[] | undefined = undefined;
}

/** The ORM state of one mapped instance. */
export class InstanceState {
  private _dict: Record<string, unknown> = newDict();
  /**
   * The committed snapshot, copy-on-write: `undefined` while it is identical to {@link _dict}
   * (after a flush or commitAll() of an object without relationships or watched values), so a
   * flushed object carries one dictionary instead of two until an attribute is written.
   * {@link NO_COMMITTED}: empty, not yet made.
   */
  private _committed: Record<string, unknown> | undefined = NO_COMMITTED;
  /**
   * Current attribute values by key, to read *or write*; a key absent here is not loaded.
   * Writing goes through this accessor, which first gives a committed snapshot that shares the
   * dictionary its own copy. Read-only hot paths use {@link current}.
   */
  get dict(): Record<string, unknown> {
    this.sync();
    if (this._committed === undefined) this._committed = copyDict(this._dict);
    return this._dict;
  }
  set dict(v: Record<string, unknown>) {
    this.sync();
    // The replaced dictionary is the committed snapshot it was shared with.
    if (this._committed === undefined) this._committed = this._dict;
    this._dict = v;
  }
  /**
   * Current attribute values for reading only (never write through it: the committed snapshot
   * may be the same object). @internal
   */
  get current(): Record<string, unknown> {
    this.sync();
    return this._dict;
  }
  /** Values as last loaded from or flushed to the database, for change detection (a dictionary of its own, made on first use). */
  get committed(): Record<string, unknown> {
    this.sync();
    const c = this._committed;
    if (c === undefined) return (this._committed = copyDict(this._dict));
    if (c === NO_COMMITTED) return (this._committed = newDict());
    return c;
  }
  set committed(v: Record<string, unknown>) {
    this.sync();
    this._committed = v;
  }
  /** Whether the committed snapshot is the current dictionary itself (no attribute written since load/flush). @internal */
  get committedIsCurrent(): boolean {
    this.sync();
    return this._committed === undefined;
  }
  /**
   * Replace the current dictionary by `v` and make the committed snapshot the same object
   * (expire of a state whose snapshot was shared: both lose the same keys). @internal
   */
  replaceShared(v: Record<string, unknown>): void {
    this.sync();
    this._dict = v;
    this._committed = undefined;
  }
  /** Whether no committed snapshot exists or it is empty (without making one). @internal */
  get committedEmpty(): boolean {
    this.sync();
    const c = this._committed;
    if (c === NO_COMMITTED) return true;
    for (const _ in c ?? this._dict) return false;
    return true;
  }
  /** Make the committed snapshot the current dictionary itself (nothing written since). @internal */
  shareCommitted(): void {
    this.sync();
    this._committed = undefined;
  }
  /**
   * What few states need (collection snapshots, noload/raise keys, watched keys), in one object
   * made on first use: every state of a large load or flush survives young-generation
   * collections (it is identity-mapped), so each field less is copied less.
   */
  private _rare: RareState | undefined;
  private rare(): RareState {
    return (this._rare ??= new RareState());
  }
  /** Collections as last loaded/flushed (shallow copies), to diff adds and removes (created on first use). */
  get committedCollections(): Map<string, readonly object[]> {
    this.sync();
    return (this.rare().committedCollections ??= new Map());
  }
  set committedCollections(v: Map<string, readonly object[]>) {
    this.sync();
    this.rare().committedCollections = v;
  }
  /** Whether any collection snapshot exists (without creating the map). */
  get hasCommittedCollections(): boolean {
    this.sync();
    const c = this._rare?.committedCollections;
    return c !== undefined && c.size > 0;
  }
  /**
   * The eager relationship options (`selectinload(User.addresses)`, `joinedload(…)`) of the
   * statement that loaded this object, which refresh() applies again (SQLAlchemy's
   * `InstanceState.load_options`). @internal
   */
  get loadOptions(): readonly object[] | undefined {
    return this._rare?.loadOptions;
  }
  set loadOptions(v: readonly object[] | undefined) {
    if (v !== undefined || this._rare !== undefined) this.rare().loadOptions = v;
  }
  /** Attribute keys whose loader was set to raise/noload by an option for this load. */
  get raiseKeys(): Set<string> | undefined {
    return this._rare?.raiseKeys;
  }
  set raiseKeys(v: Set<string> | undefined) {
    if (v !== undefined || this._rare !== undefined) this.rare().raiseKeys = v;
  }
  /**
   * Identity key once persistent (of a loaded or flushed instance: built from its identity part,
   * kept in the same field until then, on first read).
   */
  get key(): string | undefined {
    const k = this._key;
    if ((this._flags & KEY_IS_PART) !== 0) {
      this._flags &= ~KEY_IS_PART;
      return (this._key = this.mapper.identityKeyOf(k as number | string));
    }
    return k as string | undefined;
  }
  set key(v: string | undefined) {
    this._key = v;
    this._flags &= ~KEY_IS_PART;
  }
  /** The identity key, or (flag {@link KEY_IS_PART}) the identity map's part it is built from. */
  private _key: string | number | undefined;
  /** {@link MODIFIED} | {@link MARKED_DELETED} | {@link KEY_IS_PART} | {@link EXPIRED_SHARED} | {@link WAS_DELETED}: one field for five. */
  private _flags = 0;
  private _expired: Set<string> | undefined;
  /**
   * Keys whose values were expired (must be refreshed explicitly before reading); a set of the
   * state's own, copied first when it was shared ({@link shareExpired}). Read-only uses take
   * {@link expiredKeys}.
   */
  get expiredMutable(): Set<string> | undefined {
    this.sync();
    if ((this._flags & EXPIRED_SHARED) !== 0) {
      this._flags &= ~EXPIRED_SHARED;
      this._expired = new Set(this._expired);
    }
    return this._expired;
  }
  set expiredMutable(v: Set<string> | undefined) {
    this.sync();
    this._flags &= ~(EXPIRED_SHARED | WHOLE_EXPIRED);
    this._expired = v;
  }
  /** The expired keys, for reading only (no copy of a shared set). @internal */
  get expiredKeys(): ReadonlySet<string> | undefined {
    this.sync();
    return this._expired;
  }
  /**
   * Mark `keys` as the expired keys, sharing the set with other states (expire on commit gives
   * every object of a mapper the same set) until one of them changes its own. @internal
   */
  shareExpired(keys: Set<string>): void {
    this.sync();
    this._expired = keys;
    this._flags |= EXPIRED_SHARED;
  }
  /** Marked deleted by session.delete(), not yet flushed. */
  get markedDeleted(): boolean {
    this.sync();
    return (this._flags & MARKED_DELETED) !== 0;
  }
  set markedDeleted(v: boolean) {
    if (v) this._flags |= MARKED_DELETED;
    else this._flags &= ~MARKED_DELETED;
  }
  /**
   * The session transaction scope (root or SAVEPOINT) in which the object was last made pending,
   * opaque here: a rollback of that scope finds the objects to make transient again by this mark,
   * so the session need not hold every inserted object strongly (SQLAlchemy's weak
   * `SessionTransaction._new`). @internal
   */
  insertScope: object | undefined = undefined;
  /**
   * The chunk of objects the identity map weakened together with this one (see
   * `WeakIdentityMap`): held here so that the chunk lives while this object does. @internal
   */
  identityChunk: readonly object[] | undefined = undefined;
  /**
   * May have unflushed changes: set by attribute writes and by watched reads; the state is then
   * registered with its session (when persistent) for the next flush to examine.
   */
  get modified(): boolean {
    return (this._flags & MODIFIED) !== 0;
  }
  /**
   * An attribute was assigned since the object was last loaded, flushed or expired, whether or
   * not the value differs (SQLAlchemy's optimistic `Session.dirty`); reading a collection or
   * JSON value does not count. @internal
   */
  get attributeSet(): boolean {
    return (this._flags & ATTR_SET) !== 0;
  }
  set attributeSet(v: boolean) {
    if (v) this._flags |= ATTR_SET;
    else this._flags &= ~ATTR_SET;
  }
  set modified(v: boolean) {
    if (v) this._flags |= MODIFIED;
    else this._flags &= ~(MODIFIED | ATTR_SET);
  }
  /**
   * Keys whose collection or mutable (JSON) value was handed out to the application and may be
   * mutated in place; such states are examined at every flush.
   */
  get watched(): Set<string> | undefined {
    return this._rare?.watched;
  }
  set watched(v: Set<string> | undefined) {
    if (v !== undefined || this._rare !== undefined) this.rare().watched = v;
  }
  /** Membership of the owning session (its id); what happened to it since is applied by {@link sync}. */
  private _att: Attachment | undefined;
  /** `_att.expires` when the state was attached or last caught up. */
  private _seen = 0;
  constructor(readonly obj: object, readonly mapper: Mapper) {}

  /** Catch up with session-wide operations since the state was last read (see {@link Attachment}). */
  private sync(): void {
    const a = this._att;
    if (a !== undefined && (a.expires !== this._seen || a.ended)) this.catchUp(a);
  }
  private catchUp(a: Attachment): void {
    if (a.expires !== this._seen) {
      this._seen = a.expires;
      // Several expire-alls in a row amount to one.
      if ((this._flags & STATUS_BITS) === PERSISTENT) this.expireWhole(a.expirePlan!(this.mapper));
    }
    if (a.ended) {
      // Expunged: pending → transient, anything else → detached.
      this._att = undefined;
      this._flags = (this._flags & ~STATUS_BITS) | ((this._flags & STATUS_BITS) === PENDING ? TRANSIENT : DETACHED);
      this._flags &= ~MARKED_DELETED;
    }
  }
  /** Attach to session `sessionId`'s current membership (after {@link sync}). */
  private attach(sessionId: number): void {
    const a = attachmentOf(sessionId);
    this._att = a;
    this._seen = a.expires;
  }
  /**
   * Expire every column but the primary key and every relationship, on the fields directly (no
   * accessor: it runs inside {@link sync}): fresh dictionaries holding what stays, rather than a
   * `delete` per attribute (which would turn them into slow hash maps).
   */
  private expireWhole(plan: ExpireAllPlan): void {
    this._flags &= ~ATTR_SET;
    const c = this._committed;
    this._dict = without(this._dict, plan.removed);
    // A snapshot shared with the dictionary loses the same keys (it stays shared).
    if (c !== undefined && c !== NO_COMMITTED) this._committed = without(c, plan.removed);
    const cc = this._rare?.committedCollections;
    if (cc !== undefined && cc.size) for (const k of this.mapper.relationships.keys()) cc.delete(k);
    if (!plan.expiredColumns.length) {
      this._flags |= WHOLE_EXPIRED;
      return;
    }
    // One set per mapper, shared (copy-on-write) unless the state had other keys expired too.
    const had = this._expired;
    let within = true;
    if (had !== undefined && had !== plan.expiredSet) for (const k of had) if (!plan.expiredSet.has(k)) within = false;
    if (within) {
      this._expired = plan.expiredSet;
      this._flags |= EXPIRED_SHARED;
    } else {
      if ((this._flags & EXPIRED_SHARED) !== 0) {
        this._flags &= ~EXPIRED_SHARED;
        this._expired = new Set(had);
      }
      for (const k of plan.expiredColumns) this._expired!.add(k);
    }
  }
  /** Expire every attribute but the primary key (`session.expire(obj)` without names). @internal */
  expireAllAttributes(plan: ExpireAllPlan): void {
    this.sync();
    this.expireWhole(plan);
  }
  get status(): ObjectStatus {
    this.sync();
    return STATUSES[(this._flags & STATUS_BITS) >> STATUS_SHIFT];
  }
  set status(v: ObjectStatus) {
    this.sync();
    this._flags = (this._flags & ~STATUS_BITS) | statusBits(v);
    if (v === "deleted") this._flags |= WAS_DELETED;
    else if (v === "persistent" || v === "transient") this._flags &= ~WAS_DELETED;
    if (this.modified) this.register();
  }
  /** The owning session's id. */
  get sessionId(): number | undefined {
    this.sync();
    return this._att?.sessionId;
  }
  set sessionId(v: number | undefined) {
    this.sync();
    if (v === undefined) this._att = undefined;
    else this.attach(v);
    if (this.modified) this.register();
  }

  /** A transient state becomes pending in session `sessionId` (`session.add()`: one call instead of two setters). @internal */
  addedTo(sessionId: number): void {
    this.sync();
    this._flags = (this._flags & ~STATUS_BITS) | PENDING;
    this.attach(sessionId);
  }
  /**
   * Become persistent in session `sessionId` under identity `key`, as a fresh load does (one call
   * instead of three setters; a just-built state is never flagged modified). @internal
   */
  loaded(key: string, sessionId: number): void {
    this.sync();
    this._flags = (this._flags & ~STATUS_BITS) | PERSISTENT;
    this.key = key;
    this.attach(sessionId);
    if (this.modified) this.register();
  }
  /** {@link loaded} with the key given as the identity map's primary-key part (`Mapper.identityPart`). @internal */
  loadedAs(part: number | string, sessionId: number): void {
    this.sync();
    this._flags = (this._flags & ~STATUS_BITS) | PERSISTENT;
    this._key = part;
    this._flags |= KEY_IS_PART;
    this.attach(sessionId);
    if (this.modified) this.register();
  }

  /**
   * Whether this is a new object in the plain state `session.add()` leaves it in, in session
   * `sessionId`: no identity key, nothing flagged or watched, no committed values or collections.
   * One catch-up for what the unit of work checks of every new object. @internal
   */
  isPlainPendingIn(sessionId: number): boolean {
    this.sync();
    if (this._key !== undefined || (this._flags & MODIFIED) !== 0 || this._att?.sessionId !== sessionId) return false;
    const rare = this._rare;
    if (rare !== undefined && (rare.watched !== undefined || (rare.committedCollections !== undefined && rare.committedCollections.size > 0))) return false;
    const c = this._committed;
    if (c === NO_COMMITTED) return true;
    for (const _ in c ?? this._dict) return false;
    return true;
  }

  /** Whether the attribute has a value loaded. */
  isLoaded(key: string): boolean {
    this.sync();
    return key in this._dict;
  }

  /** Flag possible changes and register with the owning session (SQLAlchemy's `_modified_event`). */
  markModified(): void {
    if (this.modified) return;
    this.modified = true;
    this.register();
  }
  private register(): void {
    const sid = this.sessionId;
    if (sid === undefined || (this._flags & STATUS_BITS) !== PERSISTENT) return;
    let set = modifiedBySession.get(sid);
    if (!set) modifiedBySession.set(sid, (set = new Set()));
    set.add(this);
  }

  /**
   * Note that `key`'s value was handed out and may be mutated in place. For a mutable column
   * value whose committed entry is the same object, the committed entry becomes a deep copy.
   */
  watch(key: string, mutableColumn: boolean): void {
    this.sync();
    if (mutableColumn && this.committed[key] === this._dict[key]) this.committed[key] = cloneMutable(this._dict[key]);
    const rare = this.rare();
    (rare.watched ??= new Set()).add(key);
    this.markModified();
  }

  /** Column attributes whose current value differs from the committed one. */
  changedColumnKeys(): string[] {
    this.sync();
    const out: string[] = [];
    // A shared snapshot: nothing written since the load/flush.
    if (this._committed === undefined) return out;
    const d = this._dict;
    const c = this.committed;
    for (const p of this.mapper.columnProps) {
      const k = p.key;
      if (!(k in d)) continue;
      if (!(k in c) || !sameValue(d[k], c[k])) out.push(k);
    }
    return out;
  }

  /** Whether any loaded column or relationship differs from its committed value. */
  hasChanges(): boolean {
    this.sync();
    const d = this._dict;
    const shared = this._committed === undefined;
    const c = shared ? d : this.committed;
    if (!shared) {
      for (const p of this.mapper.columnProps) {
        const k = p.key;
        if (k in d && (!(k in c) || !sameValue(d[k], c[k]))) return true;
      }
    }
    for (const rel of this.mapper.relationships.values()) {
      const k = rel.key;
      if (!(k in d) || rel.viewonly) continue;
      const cur = d[k];
      if (rel.uselist) {
        const before = this.committedCollections.get(k) ?? [];
        if (!Array.isArray(cur) || cur.length !== before.length) return true;
        for (let i = 0; i < cur.length; i++) if (cur[i] !== before[i]) return true;
      } else if (!(k in c) || cur !== c[k]) return true;
    }
    return false;
  }

  /** Record the current values as committed (after load or flush). */
  commitAll(): void {
    this.sync();
    this._flags &= ~ATTR_SET;
    const src = this._dict;
    const rels = this.mapper.relationships;
    if (rels.size === 0 && this.watched === undefined) {
      // Nothing to keep apart (collections, deep copies): the snapshot is the dictionary itself
      // until the next write through `dict`.
      this._committed = undefined;
      this.modified = false;
      return;
    }
    const committed = newDict();
    for (const k in src) committed[k] = src[k];
    if (rels.size) for (const rel of rels.values()) {
      if (!rel.uselist) continue;
      const v = src[rel.key];
      if (Array.isArray(v)) {
        this.committedCollections.set(rel.key, [...v]);
        delete committed[rel.key];
      }
    }
    if (this.watched) {
      for (const k of this.watched) if (k in committed && isMutable(committed[k])) committed[k] = cloneMutable(committed[k]);
    }
    this.committed = committed;
    // Watched states stay registered so later in-place mutations are still found.
    this.modified = this.watched !== undefined && this.status === "persistent";
  }

  // ---- runtime inspection (`inspect(obj)`, SQLAlchemy's `InstanceState` accessors) ------------
  /** Not in a session and never persisted. */
  get transient(): boolean {
    return this.status === "transient";
  }
  /** Added to a session, not flushed yet. */
  get pending(): boolean {
    return this.status === "pending";
  }
  /** In a session with a database identity (including objects marked for deletion, not yet flushed). */
  get persistent(): boolean {
    return this.status === "persistent";
  }
  /** Deleted by a flush whose transaction has not committed yet. */
  get deleted(): boolean {
    return this.status === "deleted";
  }
  /** Has a database identity but belongs to no session. */
  get detached(): boolean {
    return this.status === "detached";
  }
  /** Whether the object has a database identity (persistent, deleted or detached). */
  get hasIdentity(): boolean {
    return this.key !== undefined;
  }
  /** Primary key values (table order) of an object with an identity, else null. */
  get identity(): readonly unknown[] | null {
    return this.key === undefined ? null : this.mapper.pkValues(this);
  }
  /**
   * `[class, primaryKey, identityToken]` of an object with an identity, else null (SQLAlchemy's
   * `identity_key`; the token, used by horizontal sharding, is always null).
   */
  get identityKey(): readonly [cls: abstract new (...args: never[]) => unknown, identity: readonly unknown[], token: null] | null {
    const id = this.identity;
    return id === null ? null : [this.mapper.base.class_, id, null];
  }
  /** Attribute keys (columns, SQL expressions, relationships) with no loaded value. */
  get unloaded(): ReadonlySet<string> {
    this.sync();
    const out = new Set<string>();
    const d = this._dict;
    for (const p of this.mapper.columnProps) if (!(p.key in d)) out.add(p.key);
    for (const k of this.mapper.expressionProps.keys()) if (!(k in d)) out.add(k);
    for (const k of this.mapper.relationships.keys()) if (!(k in d)) out.add(k);
    return out;
  }
  /** Same as {@link unloaded} (SQLAlchemy's `unloaded_expirable`). */
  get unloadedExpirable(): ReadonlySet<string> {
    return this.unloaded;
  }
  /**
   * Whether a flush deleted the object and it has not become persistent again since: true while
   * it is deleted and after the commit detaches it (SQLAlchemy's `was_deleted`).
   */
  get wasDeleted(): boolean {
    return (this._flags & WAS_DELETED) !== 0 && (this.status === "deleted" || this.status === "detached");
  }
  /**
   * Whether the object is expired as a whole: every column attribute other than the primary key
   * is expired (by `session.expire(obj)`, commit's expire-on-commit, or a SAVEPOINT rollback) and
   * not refreshed since. SQLAlchemy's `InstanceState.expired`; the keys themselves are
   * {@link expiredAttributes}.
   */
  get expired(): boolean {
    const keys = this.expiredKeys;
    if ((this._flags & WHOLE_EXPIRED) !== 0) return true;
    if (keys === undefined || keys.size === 0) return false;
    return this.mapper.columnProps.every((p) => p.column.primaryKey || keys.has(p.key));
  }
  /**
   * A row of the object was loaded: an object whose columns are all primary key is no longer
   * expired (SQLAlchemy's `_commit_all` resets `expired`). @internal
   */
  loadedRow(): void {
    this._flags &= ~WHOLE_EXPIRED;
  }
  /**
   * Whether the object was expired as a whole (`expire(obj)`, commit, rollback) rather than by
   * attribute names, and not reloaded since: a whole expiry shares its mapper's expired set. @internal
   */
  get expiredWhole(): boolean {
    this.sync();
    return (this._flags & (EXPIRED_SHARED | WHOLE_EXPIRED)) !== 0;
  }
  /** Attribute keys expired by `session.expire()` / commit and not refreshed since. */
  get expiredAttributes(): ReadonlySet<string> {
    this.sync();
    return new Set(this._expired ?? []);
  }
  /** The mapped instance this state belongs to. */
  get object(): object {
    return this.obj;
  }
  /**
   * The session the object belongs to, or null (SQLAlchemy's `InstanceState.session`): set for
   * pending and persistent objects, and for objects deleted by a flush until the transaction
   * ends. athanor's sessions are all async, so this is {@link asyncSession} too.
   */
  get session(): AsyncSession | null {
    return sessionById(this.sessionId);
  }
  /** The owning AsyncSession, or null (SQLAlchemy's `InstanceState.async_session`). */
  get asyncSession(): AsyncSession | null {
    return this.session;
  }
  /**
   * Per-attribute state by key (SQLAlchemy's `InstanceState.attrs`):
   * `inspect(user).attrs.name.history`, `.value`, `.loadedValue`. Built per read.
   */
  get attrs(): Readonly<Record<string, AttributeState>> {
    return attributeStates(this);
  }
}

/** Whether a column value can be mutated in place in a way the ORM should detect (JSON values). */
export function isMutable(v: unknown): v is object {
  if (typeof v !== "object" || v === null) return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
function cloneMutable(v: unknown): unknown {
  return isMutable(v) ? structuredClone(v) : v;
}

/** Value equality for change detection: dates by time, bytes by content, JSON by structure. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

/** Returns its argument from `constructor`, so a subclass can add a private field to any object. */
class ReturnsTarget {
  constructor(target: object) {
    return target;
  }
}

/**
 * Keeps the state of a loaded instance in a private field added to the instance (the
 * "return override" idiom). Adding a private field is an ordinary hidden-class transition, about
 * thirty times cheaper than `Object.defineProperty` of a non-enumerable symbol property, and is
 * just as invisible to `{...obj}`, `Object.assign`, `JSON.stringify`, `Object.keys` and
 * `Object.getOwnPropertySymbols`.
 */
class StateSlot extends ReturnsTarget {
  #state: InstanceState;
  constructor(target: object, state: InstanceState) {
    super(target);
    this.#state = state;
  }
  static read(obj: object): InstanceState | undefined {
    return #state in obj ? obj.#state : undefined;
  }
}

/**
 * Attach `state` to a freshly created instance (loading, and `new` through the declarative
 * constructor). `obj[STATE]` still reads it through the accessor {@link installStateAccessor}
 * puts on the class prototype. @internal
 */
export function attachState(obj: object, state: InstanceState): void {
  new StateSlot(obj, state);
}

/**
 * Make `obj[STATE]` read the state attached by {@link attachState} on instances of a class whose
 * prototype is `proto` (non-enumerable, like the own property `new` defines). @internal
 */
export function installStateAccessor(proto: object): void {
  if (Object.prototype.hasOwnProperty.call(proto, STATE)) return;
  Object.defineProperty(proto, STATE, {
    configurable: true,
    enumerable: false,
    get(this: object) {
      return StateSlot.read(this);
    },
  });
}

/** The state of a mapped instance, or undefined for anything else. */
export function stateOf(obj: unknown): InstanceState | undefined {
  if (typeof obj !== "object" || obj === null) return undefined;
  return StateSlot.read(obj) ?? (obj as { [STATE]?: InstanceState })[STATE];
}

/**
 * Persistent states of session `sessionId` that may have changes. The unit of work examines
 * these (plus pending and deleted ones) instead of the whole identity map. @internal
 */
export function modifiedStates(sessionId: number): Set<InstanceState> {
  let set = modifiedBySession.get(sessionId);
  if (!set) modifiedBySession.set(sessionId, (set = new Set()));
  return set;
}

/**
 * Whether session `sessionId` has a persistent object with real changes (SQLAlchemy's
 * `Session._is_clean()` negated, without the new/deleted collections). Costs one comparison per
 * flagged state, never a scan of the identity map. Flagged states without changes that are not
 * watched are unregistered on the way.
 */
export function hasModifiedStates(sessionId: number): boolean {
  const set = modifiedBySession.get(sessionId);
  if (!set) return false;
  for (const st of set) {
    if (st.status !== "persistent" || st.sessionId !== sessionId) {
      // Kept flagged: it registers again if it is attached (persistent) to a session later.
      set.delete(st);
      continue;
    }
    if (st.hasChanges()) return true;
    if (!st.watched) {
      set.delete(st);
      st.modified = false;
    }
  }
  return false;
}

/** Drop the change registry of a closed session. @internal */
export function forgetSession(sessionId: number): void {
  modifiedBySession.delete(sessionId);
}

/** Serial numbers for {@link stateStr}, handed out on first use (no field on every state). */
const stateSerials = new WeakMap<InstanceState, number>();
let stateSerial = 0;

/**
 * `<User at 0x1f>`: how error messages name an instance (SQLAlchemy's `state_str()`); the
 * number is a per-process serial standing in for Python's `id()`. @internal
 */
export function stateStr(st: InstanceState): string {
  let n = stateSerials.get(st);
  if (n === undefined) stateSerials.set(st, (n = ++stateSerial));
  return `<${st.mapper.className} at 0x${n.toString(16)}>`;
}

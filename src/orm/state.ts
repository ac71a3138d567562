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
 * @module
 */
import type { Mapper } from "./mapper.js";

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

/** States that may have unflushed changes, per session id (SQLAlchemy's `identity_map._modified`). */
const modifiedBySession = new Map<number, Set<InstanceState>>();

/** The ORM state of one mapped instance. */
export class InstanceState {
  /** Current attribute values by key; a key absent here is not loaded. */
  dict: Record<string, unknown> = newDict();
  /** Values as last loaded from or flushed to the database, for change detection. */
  committed: Record<string, unknown> = newDict();
  private _committedCollections: Map<string, readonly object[]> | undefined;
  /** Collections as last loaded/flushed (shallow copies), to diff adds and removes (created on first use). */
  get committedCollections(): Map<string, readonly object[]> {
    return (this._committedCollections ??= new Map());
  }
  set committedCollections(v: Map<string, readonly object[]>) {
    this._committedCollections = v;
  }
  /** Whether any collection snapshot exists (without creating the map). */
  get hasCommittedCollections(): boolean {
    return this._committedCollections !== undefined && this._committedCollections.size > 0;
  }
  /** Attribute keys whose loader was set to raise/noload by an option for this load. */
  raiseKeys: Set<string> | undefined;
  /** Identity key once persistent. */
  key: string | undefined;
  /** Keys whose values were expired (must be refreshed explicitly before reading). */
  expired: Set<string> | undefined;
  /** Marked deleted by session.delete(), not yet flushed. */
  markedDeleted = false;
  /**
   * May have unflushed changes: set by attribute writes and by watched reads; the state is then
   * registered with its session (when persistent) for the next flush to examine.
   */
  modified = false;
  /**
   * Keys whose collection or mutable (JSON) value was handed out to the application and may be
   * mutated in place; such states are examined at every flush.
   */
  watched: Set<string> | undefined;
  private _status: ObjectStatus = "transient";
  private _sessionId: number | undefined;
  constructor(readonly obj: object, readonly mapper: Mapper) {}

  get status(): ObjectStatus {
    return this._status;
  }
  set status(v: ObjectStatus) {
    this._status = v;
    if (this.modified) this.register();
  }
  /** The owning session's id. */
  get sessionId(): number | undefined {
    return this._sessionId;
  }
  set sessionId(v: number | undefined) {
    this._sessionId = v;
    if (this.modified) this.register();
  }

  /**
   * Become persistent in session `sessionId` under identity `key`, as a fresh load does (one call
   * instead of three setters; a just-built state is never flagged modified). @internal
   */
  loaded(key: string, sessionId: number): void {
    this._status = "persistent";
    this.key = key;
    this._sessionId = sessionId;
    if (this.modified) this.register();
  }

  /** Whether the attribute has a value loaded. */
  isLoaded(key: string): boolean {
    return key in this.dict;
  }

  /** Flag possible changes and register with the owning session (SQLAlchemy's `_modified_event`). */
  markModified(): void {
    if (this.modified) return;
    this.modified = true;
    this.register();
  }
  private register(): void {
    const sid = this._sessionId;
    if (sid === undefined || this._status !== "persistent") return;
    let set = modifiedBySession.get(sid);
    if (!set) modifiedBySession.set(sid, (set = new Set()));
    set.add(this);
  }

  /**
   * Note that `key`'s value was handed out and may be mutated in place. For a mutable column
   * value whose committed entry is the same object, the committed entry becomes a deep copy.
   */
  watch(key: string, mutableColumn: boolean): void {
    if (mutableColumn && this.committed[key] === this.dict[key]) this.committed[key] = cloneMutable(this.dict[key]);
    (this.watched ??= new Set()).add(key);
    this.markModified();
  }

  /** Column attributes whose current value differs from the committed one. */
  changedColumnKeys(): string[] {
    const out: string[] = [];
    const d = this.dict;
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
    const d = this.dict;
    const c = this.committed;
    for (const p of this.mapper.columnProps) {
      const k = p.key;
      if (k in d && (!(k in c) || !sameValue(d[k], c[k]))) return true;
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
    const src = this.dict;
    const committed = newDict();
    for (const k in src) committed[k] = src[k];
    const rels = this.mapper.relationships;
    if (rels.size) for (const rel of rels.values()) {
      if (!rel.uselist) continue;
      const v = this.dict[rel.key];
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
    this.modified = this.watched !== undefined && this._status === "persistent";
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
 * Attach `state` to a freshly created instance (loading; `new` goes through the declarative
 * constructor, which defines {@link STATE} itself). `obj[STATE]` still reads it through the
 * accessor {@link installStateAccessor} puts on the class prototype. @internal
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

/**
 * Instance attribute accessors: column and relationship attributes on mapped instances read and
 * write the instance's state, and reading something that is not loaded raises an error naming
 * the loader option that would load it (athanor never loads implicitly).
 * @module
 */
import { InvalidRequestError } from "../errors.js";
import type { Mapper, RelationshipProperty } from "./mapper.js";
import { isMutable, stateOf, type InstanceState } from "./state.js";
import { sessionById } from "./session-registry.js";
import { assignWriteOnly } from "./write-only.js";

/** Raised when reading an attribute that was not loaded (athanor's `lazy="raise"`). */
export class UnloadedAttributeError extends InvalidRequestError {
  override name = "UnloadedAttributeError";
}

/** Raised when reading an attribute that was expired and not refreshed. */
export class ExpiredAttributeError extends InvalidRequestError {
  override name = "ExpiredAttributeError";
}

function stateFor(obj: object): InstanceState {
  const st = stateOf(obj);
  if (!st) throw new InvalidRequestError("Object is not initialized as a mapped instance");
  return st;
}

/** Define the column attribute accessor `key` on a mapped class prototype. @internal */
export function defineColumnAccessor(proto: object, mapper: Mapper, key: string): void {
  Object.defineProperty(proto, key, {
    configurable: true,
    enumerable: true,
    get(this: object) {
      const st = stateFor(this);
      const d = st.current;
      if (key in d) {
        const v = d[key];
        // A JSON value handed out may be mutated in place: keep a deep copy to compare at flush.
        if (typeof v === "object" && v !== null && st.status === "persistent" && !st.watched?.has(key) && isMutable(v)) st.watch(key, true);
        return v;
      }
      return unloadedColumn(st, mapper, key);
    },
    set(this: object, value: unknown) {
      const st = stateFor(this);
      if (st.expiredKeys?.has(key)) st.expiredMutable!.delete(key);
      st.dict[key] = value;
      if (st.status === "persistent" || st.status === "detached") noteModified(st);
    },
  });
}

/**
 * Flag an attribute write on a persistent (or detached) object; the first write to a persistent
 * object autobegins its session's transaction, as SQLAlchemy's `_modified_event` does.
 */
function noteModified(st: InstanceState): void {
  st.attributeSet = true;
  if (st.modified) return;
  st.markModified();
  if (st.status === "persistent") sessionById(st.sessionId)?._noteModified();
}

function unloadedColumn(st: InstanceState, mapper: Mapper, key: string): unknown {
  if (st.status === "transient" || st.status === "pending") return undefined;
  const cls = mapper.className;
  if (st.expiredKeys?.has(key)) {
    throw new ExpiredAttributeError(
      `Attribute '${cls}.${key}' is expired; athanor does not load implicitly: await session.refresh(obj, ["${key}"]) before reading it`,
    );
  }
  const p = mapper.columnPropsByKey.get(key);
  // A persistent object's column is unloaded only when deferred (by declaration or by a defer()/
  // loadOnly() option of the query that loaded it), so undefer() is the loader option to name.
  const hint = `undefer(${cls}.${key})`;
  throw new UnloadedAttributeError(
    `Attribute '${cls}.${key}' is not loaded${p?.raiseload ? " (deferred with raiseload)" : p?.deferred ? " (deferred)" : ""}; load it with ${hint}, or await session.refresh(obj, ["${key}"])`,
  );
}

/** Define the relationship accessor on a mapped class prototype. @internal */
export function defineRelationshipAccessor(proto: object, rel: RelationshipProperty): void {
  const key = rel.key;
  Object.defineProperty(proto, key, {
    configurable: true,
    enumerable: true,
    get(this: object) {
      const st = stateFor(this);
      if (key in st.current) {
        const v = st.current[key];
        // A collection handed out may be changed in place (push/splice): examine it at flush.
        if (rel.uselist && st.status === "persistent" && !st.watched?.has(key) && !rel.viewonly) st.watch(key, false);
        if (rel.uselist && Array.isArray(v)) instrumentCollection(v, this, rel);
        return v;
      }
      if (rel.lazy === "write_only") {
        throw new InvalidRequestError(
          `'${rel.parent.className}.${key}' is a write-only collection; use session.writeOnly(obj, "${key}") (or writeOnlyCollection(obj, ${rel.parent.className}.${key})) to add, remove or query it`,
        );
      }
      if (st.status === "transient" || st.status === "pending" || st.raiseKeys?.has(`noload:${key}`)) {
        const empty = rel.uselist ? [] : null;
        // A new object's unset many-to-one reads as null without becoming a value: only an
        // explicit `obj.rel = null` makes the flush NULL a foreign key set directly.
        if (!empty && (st.status === "transient" || st.status === "pending")) return null;
        if (empty) {
          implicitEmpty.add(empty);
          instrumentCollection(empty, this, rel);
        }
        st.dict[key] = empty;
        // noload: the empty value is what is "loaded", not a change to flush.
        if (st.status !== "transient" && st.status !== "pending") {
          if (rel.uselist) st.committedCollections.set(key, []);
          else st.committed[key] = null;
        }
        return empty;
      }
      const cls = rel.parent.className;
      const onSql = rel.lazy === "raise_on_sql" || st.raiseKeys?.has(`raise_on_sql:${key}`) === true;
      if (onSql && rel.useGet) {
        // raise_on_sql: a many-to-one target already in the identity map costs no SQL (SQLAlchemy's use_get).
        const known = oldFromIdentityMap(st, rel);
        if (known !== undefined) {
          st.dict[key] = known;
          st.committed[key] = known;
          return known;
        }
      }
      throw new UnloadedAttributeError(
        `Relationship '${cls}.${key}' is not loaded; athanor loads relationships only through eager loading: ` +
          `add .options(selectinload(${cls}.${key})) or .options(joinedload(${cls}.${key})) to the query, or await session.refresh(obj, ["${key}"]) ` +
          `('${cls}.${key}' is not available due to lazy='${onSql ? "raise_on_sql" : "raise"}')`,
      );
    },
    set(this: object, value: unknown) {
      const st = stateFor(this);
      if (rel.uselist && !Array.isArray(value)) {
        throw new InvalidRequestError(`'${rel.parent.className}.${key}' is a collection; assign an array`);
      }
      // A write-only collection is never held: the list becomes queued additions.
      if (rel.lazy === "write_only") return assignWriteOnly(this, st, rel, value as object[]);
      let old = st.dict[key];
      // SQLAlchemy's PASSIVE_NO_FETCH: an unloaded many-to-one's old value is looked up in the
      // identity map by its foreign key (no SQL), so the backref can take the object out of the
      // old parent's loaded collection.
      if (old === undefined && rel.reverse && !(key in st.current)) old = oldFromIdentityMap(st, rel);
      st.dict[key] = value;
      if (st.status === "persistent" || st.status === "detached") {
        noteModified(st);
        // The new array is what the application holds now; watch it for pushes.
        if (rel.uselist && !rel.viewonly && st.status === "persistent") st.watch(key, false);
      }
      if (rel.reverse) syncBackref(rel, this, old, value);
      if (rel.uselist) instrumentCollection(value as object[], this, rel);
      // Assigning to an object in a session brings the new related objects into it and drops the
      // pending orphans it made (cascade on attribute set; a backref never cascades, as in
      // SQLAlchemy 2.0).
      if (st.status === "pending" || st.status === "persistent") sessionById(st.sessionId)?._relationshipAssigned(st, key, old);
    },
  });
}

/**
 * The object an unloaded many-to-one refers to, when its foreign key is loaded and the target
 * is in the session's identity map; `undefined` otherwise (nothing is loaded).
 */
function oldFromIdentityMap(st: InstanceState, rel: RelationshipProperty): object | undefined {
  if (rel.direction !== "MANYTOONE" || st.key === undefined) return undefined;
  const session = sessionById(st.sessionId);
  if (!session) return undefined;
  const d = st.current;
  const pk: unknown[] = [];
  for (const p of rel.mapper.pkProps) {
    const pair = rel.syncPairs.find(([, ref]) => ref === p.column);
    const fk = pair && rel.parent.propByColumn.get(pair[0]);
    if (!fk || !(fk.key in d)) return undefined;
    const v = d[fk.key];
    if (v === null || v === undefined) return undefined;
    pk.push(v);
  }
  return session.identityMap.get(rel.mapper.identityKey(pk));
}

/** Empty collections handed out for a relationship with nothing loaded or assigned (see {@link isImplicitEmptyCollection}). */
const implicitEmpty = new WeakSet<object>();
/**
 * Whether `v` is still the empty collection a read of an unset relationship produced (nothing
 * was added to it), which SQLAlchemy does not count as a value (`merge()` skips it). @internal
 */
export function isImplicitEmptyCollection(v: unknown): boolean {
  return Array.isArray(v) && v.length === 0 && implicitEmpty.has(v);
}

/** The owner and relationship of each collection array handed out or assigned. */
const collectionOwners = new WeakMap<object[], { readonly owner: object; readonly rel: RelationshipProperty }>();

/**
 * Array methods of a relationship collection that fire SQLAlchemy's collection events: items
 * added by `push` / `unshift` / `splice` are linked on the other side of a bidirectional
 * relationship (`a.user` becomes the owner, leaving its previous owner's loaded collection) and
 * cascaded into the owner's session (save-update cascade on append); items removed by `pop` /
 * `shift` / `splice` and no longer present are unlinked (`a.user` becomes null), as
 * SQLAlchemy's `append` / `remove` / `del coll[i]` do. Index assignment and `length = …` are
 * not seen (only the flush sees them).
 */
const collectionProto: object[] = Object.create(Array.prototype, {
  push: { value: function push(this: object[], ...items: object[]): number {
    const n = Array.prototype.push.apply(this, items);
    collectionChanged(this, items, []);
    return n;
  }, writable: true, configurable: true },
  unshift: { value: function unshift(this: object[], ...items: object[]): number {
    const n = Array.prototype.unshift.apply(this, items);
    collectionChanged(this, items, []);
    return n;
  }, writable: true, configurable: true },
  pop: { value: function pop(this: object[]): object | undefined {
    const o = Array.prototype.pop.call(this) as object | undefined;
    collectionChanged(this, [], o === undefined ? [] : [o]);
    return o;
  }, writable: true, configurable: true },
  shift: { value: function shift(this: object[]): object | undefined {
    const o = Array.prototype.shift.call(this) as object | undefined;
    collectionChanged(this, [], o === undefined ? [] : [o]);
    return o;
  }, writable: true, configurable: true },
  splice: { value: function splice(this: object[], ...args: unknown[]): object[] {
    const removed = (Array.prototype.splice as (...a: unknown[]) => object[]).apply(this, args);
    collectionChanged(this, args.slice(2) as object[], removed);
    return removed;
  }, writable: true, configurable: true },
  // Derived arrays (slice, filter, map) are plain arrays, not the owner's collection.
  constructor: { value: Array, writable: true, configurable: true },
});

/** Give `list` the event-firing methods, owned by `owner`'s relationship `rel`. */
function instrumentCollection(list: object[], owner: object, rel: RelationshipProperty): void {
  if (rel.viewonly) return;
  const cur = collectionOwners.get(list);
  if (cur?.owner === owner && cur.rel === rel) return;
  collectionOwners.set(list, { owner, rel });
  if (Object.getPrototypeOf(list) === Array.prototype) Object.setPrototypeOf(list, collectionProto);
}

function collectionChanged(list: object[], added: readonly object[], removed: readonly object[]): void {
  const info = collectionOwners.get(list);
  if (!info) return;
  const { owner, rel } = info;
  const st = stateOf(owner);
  if (!st || st.current[rel.key] !== list) return;
  if (rel.reverse) {
    for (const o of removed) if (!list.includes(o)) unlinkOther(rel.reverse, o, owner);
    for (const o of added) linkOther(rel.reverse, o, owner);
  }
  if (st.status === "persistent" || st.status === "detached") noteModified(st);
  if (st.status === "pending" || st.status === "persistent") sessionById(st.sessionId)?._collectionChanged(st, rel.key, added, removed);
}

/** Keep the other side of a bidirectional relationship in step, in memory only. */
function syncBackref(rel: RelationshipProperty, parent: object, oldValue: unknown, newValue: unknown): void {
  const rev = rel.reverse!;
  const olds = rel.uselist ? ((oldValue as object[] | undefined) ?? []) : oldValue ? [oldValue as object] : [];
  const news = rel.uselist ? (newValue as object[]) : newValue ? [newValue as object] : [];
  for (const o of olds) if (!news.includes(o)) unlinkOther(rev, o, parent);
  for (const n of news) if (!olds.includes(n)) linkOther(rev, n, parent);
}
/**
 * Transient objects a backref put into the relationship of an object already in a session,
 * with that object: SQLAlchemy 2.0 removed `cascade_backrefs`, so the flush's save-update
 * cascade leaves them out (and warns "not in session") unless they are added some other way.
 */
const backrefLinked = new WeakMap<object, object>();

/**
 * Whether transient `child` reached `owner`'s relationship only through a backref (see
 * {@link backrefLinked}). @internal
 */
export function linkedByBackrefOnly(child: object, owner: object): boolean {
  return backrefLinked.get(child) === owner;
}

function linkOther(rev: RelationshipProperty, target: object, parent: object): void {
  const st = stateOf(target);
  if (!st) return;
  if ((st.status === "pending" || st.status === "persistent") && stateOf(parent)?.status === "transient") backrefLinked.set(parent, target);
  const d = st.dict;
  if (rev.uselist) {
    const loaded = rev.key in d || st.status === "transient" || st.status === "pending";
    if (!loaded) return;
    const list = (d[rev.key] as object[] | undefined) ?? (d[rev.key] = []);
    if (!(list as object[]).includes(parent)) {
      Array.prototype.push.call(list, parent);
      st.markModified();
    }
  } else {
    const prev = rev.key in d ? (d[rev.key] as object | null | undefined) : oldFromIdentityMap(st, rev);
    if (prev === parent) return;
    d[rev.key] = parent;
    st.markModified();
    // Moved by a collection append: it leaves the previous owner's collection. Between two
    // scalars (one-to-one) SQLAlchemy leaves the previous owner's attribute as it is (the set
    // that started the exchange is the replace token that stops it), and so does athanor.
    if (prev && rev.reverse?.uselist) unlinkOther(rev.reverse, prev, target);
  }
}
function unlinkOther(rev: RelationshipProperty, target: object, parent: object): void {
  const st = stateOf(target);
  if (!st) return;
  const d = st.dict;
  if (!(rev.key in d)) return;
  if (rev.uselist) {
    const list = d[rev.key] as object[];
    const i = list.indexOf(parent);
    if (i >= 0) {
      Array.prototype.splice.call(list, i, 1);
      st.markModified();
    }
  } else if (d[rev.key] === parent) {
    d[rev.key] = null;
    st.markModified();
  }
}

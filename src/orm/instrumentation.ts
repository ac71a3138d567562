/**
 * Instance attribute accessors: column and relationship attributes on mapped instances read and
 * write the instance's state, and reading something that is not loaded raises an error naming
 * the loader option that would load it (athanor never loads implicitly).
 * @module
 */
import { InvalidRequestError } from "../errors.js";
import type { Mapper, RelationshipProperty } from "./mapper.js";
import { STATE, stateOf, type InstanceState } from "./state.js";

/** Raised when reading an attribute that was not loaded (athanor's `lazy="raise"`). */
export class UnloadedAttributeError extends InvalidRequestError {
  override name = "UnloadedAttributeError";
}

/** Raised when reading an attribute that was expired and not refreshed. */
export class ExpiredAttributeError extends InvalidRequestError {
  override name = "ExpiredAttributeError";
}

function stateFor(obj: object): InstanceState {
  const st = (obj as { [STATE]?: InstanceState })[STATE];
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
      const d = st.dict;
      if (key in d) return d[key];
      return unloadedColumn(st, mapper, key);
    },
    set(this: object, value: unknown) {
      const st = stateFor(this);
      if (st.expired?.has(key)) st.expired.delete(key);
      st.dict[key] = value;
    },
  });
}

function unloadedColumn(st: InstanceState, mapper: Mapper, key: string): unknown {
  if (st.status === "transient" || st.status === "pending") return undefined;
  const cls = mapper.className;
  if (st.expired?.has(key)) {
    throw new ExpiredAttributeError(
      `Attribute '${cls}.${key}' is expired; athanor does not load implicitly: await session.refresh(obj, ["${key}"]) before reading it`,
    );
  }
  const p = mapper.columnPropsByKey.get(key);
  const hint = p?.deferred ? `undefer(${cls}.${key})` : `a query that selects ${cls}.${key}`;
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
      const d = st.dict;
      if (key in d) return d[key];
      if (st.status === "transient" || st.status === "pending" || st.raiseKeys?.has(`noload:${key}`)) {
        const empty = rel.uselist ? [] : null;
        d[key] = empty;
        return empty;
      }
      if (rel.lazy === "write_only") {
        throw new InvalidRequestError(`'${rel.parent.className}.${key}' is a write-only collection; use session.writeOnly(obj, "${key}") to add, remove or query it`);
      }
      const cls = rel.parent.className;
      throw new UnloadedAttributeError(
        `Relationship '${cls}.${key}' is not loaded; athanor loads relationships only through eager loading: ` +
          `add .options(selectinload(${cls}.${key})) or .options(joinedload(${cls}.${key})) to the query, or await session.refresh(obj, ["${key}"])`,
      );
    },
    set(this: object, value: unknown) {
      const st = stateFor(this);
      if (rel.uselist && !Array.isArray(value)) {
        throw new InvalidRequestError(`'${rel.parent.className}.${key}' is a collection; assign an array`);
      }
      const old = st.dict[key];
      st.dict[key] = value;
      if (rel.reverse) syncBackref(rel, this, old, value);
    },
  });
}

/** Keep the other side of a bidirectional relationship in step, in memory only. */
function syncBackref(rel: RelationshipProperty, parent: object, oldValue: unknown, newValue: unknown): void {
  const rev = rel.reverse!;
  const olds = rel.uselist ? ((oldValue as object[] | undefined) ?? []) : oldValue ? [oldValue as object] : [];
  const news = rel.uselist ? (newValue as object[]) : newValue ? [newValue as object] : [];
  for (const o of olds) if (!news.includes(o)) unlinkOther(rev, o, parent);
  for (const n of news) if (!olds.includes(n)) linkOther(rev, n, parent);
}
function linkOther(rev: RelationshipProperty, target: object, parent: object): void {
  const st = stateOf(target);
  if (!st) return;
  const d = st.dict;
  if (rev.uselist) {
    const loaded = rev.key in d || st.status === "transient" || st.status === "pending";
    if (!loaded) return;
    const list = (d[rev.key] as object[] | undefined) ?? (d[rev.key] = []);
    if (!(list as object[]).includes(parent)) (list as object[]).push(parent);
  } else {
    const prev = d[rev.key] as object | null | undefined;
    if (prev === parent) return;
    d[rev.key] = parent;
    if (prev && rev.reverse) unlinkOther(rev.reverse, prev, target);
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
    if (i >= 0) list.splice(i, 1);
  } else if (d[rev.key] === parent) d[rev.key] = null;
}

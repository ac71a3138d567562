/**
 * Session-level helpers on single objects (SQLAlchemy's `sqlalchemy.orm.session` functions):
 * `objectSession()`, `makeTransient()`, `makeTransientToDetached()`, and `getHistory()`
 * (`sqlalchemy.orm.attributes.get_history`).
 * @module
 */
import { ArgumentError, InvalidRequestError, UnmappedInstanceError } from "../errors.js";
import { attributeHistory, type History } from "./attribute-history.js";
import type { AsyncSession } from "./session.js";
import { sessionById } from "./session-registry.js";
import { newDict, stateOf, type InstanceState } from "./state.js";

function requireState(obj: unknown, what: string): InstanceState {
  const st = stateOf(obj);
  if (!st) throw new UnmappedInstanceError(`${what}: ${describeObject(obj)} is not a mapped instance`);
  return st;
}

function describeObject(x: unknown): string {
  if (x === null || typeof x !== "object") return String(x);
  return `${(x as object).constructor?.name ?? "Object"} object`;
}

/**
 * The AsyncSession `obj` belongs to, or null (SQLAlchemy's `object_session()` and
 * `AsyncSession.object_session()`). A pending or persistent object gives its session, as does
 * one deleted by a flush whose transaction has not ended yet; transient and detached objects
 * give null.
 * @throws UnmappedInstanceError when `obj` is not a mapped instance.
 */
export function objectSession(obj: object): AsyncSession | null {
  return sessionById(requireState(obj, "objectSession()").sessionId);
}

/**
 * Make `obj` transient (SQLAlchemy's `make_transient()`): it leaves its session (as
 * `session.expunge()` does), loses its identity key and delete mark, and reads as never
 * persisted, so `session.add()` INSERTs it again. Loaded attribute values (columns and loaded
 * relationships) stay; expired and never-loaded ones are dropped and read as on a new object
 * (`undefined`, empty collection), and so is the primary key of a wholly expired object. The
 * expunge cascade is not followed. Every loaded value counts as new: its history is "added".
 * A transient object is left as it is.
 * @throws UnmappedInstanceError when `obj` is not a mapped instance.
 */
export function makeTransient(obj: object): void {
  const st = requireState(obj, "makeTransient()");
  const session = sessionById(st.sessionId);
  // This object only: make_transient() does not follow the expunge cascade.
  if (session !== null) session._expungeOne(st);
  // A wholly expired object had its primary key expired too in SQLAlchemy: it goes with the
  // rest, so the next INSERT does not reuse the old row's key.
  const mapper = st.mapper;
  const expired = st.expiredKeys;
  if (expired?.size && mapper.columnProps.every((p) => p.column.primaryKey || expired.has(p.key))) {
    const d = st.dict;
    for (const p of mapper.pkProps) delete d[p.key];
  }
  st.sessionId = undefined;
  st.key = undefined;
  st.status = "transient";
  st.markedDeleted = false;
  st.modified = false;
  st.insertScope = undefined;
  st.expiredMutable = undefined;
  st.raiseKeys = undefined;
  st.watched = undefined;
  // A new object's snapshot: nothing committed, so the next flush INSERTs every loaded value.
  st.committed = newDict();
  if (st.hasCommittedCollections) st.committedCollections = new Map();
}

/**
 * Give a transient object the identity its primary key values name and make it detached
 * (SQLAlchemy's `make_transient_to_detached()`), as if it had been loaded and then expunged:
 * `session.add(obj)` then makes it persistent without an INSERT, and later changes are
 * UPDATEs. Its current values become the committed ones; column attributes without a value are
 * marked expired (reading them raises ExpiredAttributeError until `session.refresh()`).
 * @throws InvalidRequestError "Given object must be transient…" when `obj` has a session or an
 *   identity key (SQLAlchemy's message), or when a primary key attribute has no value.
 * @throws UnmappedInstanceError when `obj` is not a mapped instance.
 */
export function makeTransientToDetached(obj: object): void {
  const st = requireState(obj, "makeTransientToDetached()");
  const mapper = st.mapper;
  if (st.sessionId !== undefined || st.key !== undefined) {
    throw new InvalidRequestError(
      `Given object must be transient (makeTransientToDetached(): the ${mapper.className} object must be transient; it is ${st.status}` +
        (st.sessionId !== undefined ? " in a session (expunge it or use makeTransient() first))" : " with an identity key (use makeTransient() first))"),
    );
  }
  const d = st.current;
  const missing = mapper.pkProps.filter((p) => d[p.key] === undefined || d[p.key] === null).map((p) => `${mapper.className}.${p.key}`);
  if (missing.length) {
    throw new InvalidRequestError(`makeTransientToDetached(): primary key attribute ${missing.join(", ")} of the ${mapper.className} object has no value; set it before giving the object an identity`);
  }
  st.key = mapper.identityKey(mapper.pkValues(st));
  st.markedDeleted = false;
  st.commitAll();
  const unloaded = mapper.columnProps.filter((p) => !(p.key in d)).map((p) => p.key);
  if (unloaded.length) {
    const expired = st.expiredMutable ?? new Set<string>();
    for (const k of unloaded) expired.add(k);
    st.expiredMutable = expired;
  }
  st.status = "detached";
  st.modified = false;
}

/**
 * The {@link History} of attribute `key` of `obj` since it was last loaded or flushed
 * (SQLAlchemy's `attributes.get_history()`, without its loading: nothing is read from the
 * database). Same as `inspect(obj).attrs[key].history`.
 * @throws UnmappedInstanceError when `obj` is not a mapped instance; ArgumentError when `key` is not one of its attributes.
 */
export function getHistory<T extends object>(obj: T, key: keyof T & string): History {
  return attributeHistory(requireState(obj, "getHistory()"), key);
}

/**
 * Per-attribute inspection (SQLAlchemy's `AttributeState` and `History`, reached through
 * `inspect(obj).attrs.<key>` and `getHistory(obj, key)`): the current value, the loaded value
 * without side effects, and the change history since the object was last loaded or flushed.
 * @module
 */
import { ArgumentError } from "../errors.js";
// A value import of state.js (which imports this module): used only at call time, never while modules load.
import { sameValue, type InstanceState } from "./state.js";
import { pendingWriteOnly } from "./write-only.js";
import { resolveSynonym } from "./synonym.js";

/**
 * The "no value loaded" sentinel (SQLAlchemy's `NO_VALUE`): what
 * {@link AttributeState.loadedValue} returns for an attribute absent from the instance's
 * dictionary (never loaded, deferred, expired, or never set on a new object).
 */
export const NO_VALUE: unique symbol = Symbol.for("athanor.NO_VALUE");
/** The type of {@link NO_VALUE}. */
export type NoValue = typeof NO_VALUE;

/**
 * What changed in one attribute since the object was last loaded or flushed (SQLAlchemy's
 * `History`): for a column or many-to-one, `added` holds the new value and `deleted` the
 * committed one it replaced, or `unchanged` the value when it did not change; for a collection,
 * the appended items, the items kept and the removed items. Arrays are new each time; identity
 * is compared for related objects, value equality (dates by time, JSON by structure) for columns.
 */
export class History<T = unknown> {
  /** @internal */
  constructor(
    readonly added: readonly T[],
    readonly unchanged: readonly T[],
    readonly deleted: readonly T[],
  ) {}
  /** Whether anything was added or deleted. */
  hasChanges(): boolean {
    return this.added.length > 0 || this.deleted.length > 0;
  }
  /** Whether all three lists are empty (nothing loaded, nothing set). */
  empty(): boolean {
    return !this.hasChanges() && this.unchanged.length === 0;
  }
  /** `added` + `unchanged`: the current value(s). */
  nonDeleted(): T[] {
    return [...this.added, ...this.unchanged];
  }
  /** `unchanged` + `deleted`: the committed value(s). */
  nonAdded(): T[] {
    return [...this.unchanged, ...this.deleted];
  }
  /** `added` + `unchanged` + `deleted`. */
  sum(): T[] {
    return [...this.added, ...this.unchanged, ...this.deleted];
  }
}

/** The state of one mapped attribute of one instance (SQLAlchemy's `AttributeState`). */
export class AttributeState {
  /** @internal */
  constructor(
    /** The owning instance's state. */
    readonly state: InstanceState,
    /** The attribute name (`User.name` → "name"). */
    readonly key: string,
  ) {}
  /**
   * The current value, read through the instance's attribute (as `obj[key]`). athanor never
   * loads implicitly, so for an attribute that is not loaded this raises as the attribute does.
   * @throws UnloadedAttributeError / ExpiredAttributeError for an unloaded or expired attribute
   *   of a persistent or detached instance.
   */
  get value(): unknown {
    return (this.state.obj as Record<string, unknown>)[this.key];
  }
  /** The value in the instance's dictionary, or {@link NO_VALUE} when none is loaded; never raises, never loads. */
  get loadedValue(): unknown {
    const d = this.state.current;
    return this.key in d ? d[this.key] : NO_VALUE;
  }
  /** The attribute's {@link History} since the last load or flush (no I/O). */
  get history(): History {
    return attributeHistory(this.state, this.key);
  }
}

/**
 * The {@link History} of attribute `key` of a state, by SQLAlchemy's rules
 * (`History.from_scalar_attribute`, `from_object_attribute`, `from_collection`); a viewonly
 * relationship's value is always unchanged.
 * @throws ArgumentError when `key` is not a mapped attribute of the instance's class.
 */
export function attributeHistory(st: InstanceState, key: string): History {
  const mapper = st.mapper;
  // A synonym's history is its target's (SQLAlchemy's test_synonym_get_history).
  if (mapper.synonyms.has(key)) key = resolveSynonym(mapper, key).key;
  const rel = mapper.relationships.get(key);
  const isColumn = mapper.columnPropsByKey.has(key) || mapper.expressionProps.has(key);
  if (!rel && !isColumn) {
    throw new ArgumentError(`history: '${key}' is not a mapped attribute of ${mapper.className} (attributes: ${attributeKeys(st).join(", ")})`);
  }
  const d = st.current;
  const loaded = key in d;
  const cur = d[key];
  if (rel?.lazy === "write_only") {
    // Never loaded: the queued changes only (SQLAlchemy's write-only history, PASSIVE_NO_FETCH).
    const p = pendingWriteOnly(st, key);
    return new History(p ? [...p.added] : [], [], p ? [...p.removed] : []);
  }
  if (rel?.viewonly) {
    // A viewonly relationship records no history: its value is always "unchanged"
    // (SQLAlchemy 1.3.17+, ViewOnlyHistoryTest).
    if (!loaded) return new History([], [], []);
    return new History([], rel.uselist ? [...((cur as object[] | null) ?? [])] : [cur], []);
  }
  if (rel?.uselist) {
    if (!loaded) return new History([], [], []);
    const items = Array.isArray(cur) ? (cur as object[]) : [];
    // No snapshot (never loaded or flushed): every item is new, as the flush sees it.
    const before = (st.hasCommittedCollections ? st.committedCollections.get(key) : undefined) ?? [];
    const was = new Set(before);
    const now = new Set(items);
    return new History(
      items.filter((o) => !was.has(o)),
      items.filter((o) => was.has(o)),
      before.filter((o) => !now.has(o)),
    );
  }
  if (st.committedIsCurrent) return loaded ? new History([], [cur], []) : new History([], [], []);
  const c = st.committed;
  if (!(key in c)) return loaded ? new History([cur], [], []) : new History([], [], []);
  const orig = c[key];
  if (!loaded) return new History([], [], [orig]);
  const same = rel ? orig === cur : sameValue(orig, cur);
  return same ? new History([], [cur], []) : new History([cur], [], [orig]);
}

/** Mapped attribute keys of the state's class: columns, SQL expressions, relationships. */
export function attributeKeys(st: InstanceState): string[] {
  const m = st.mapper;
  return [...m.columnProps.map((p) => p.key), ...m.expressionProps.keys(), ...m.relationships.keys()];
}

/**
 * `inspect(obj).attrs`: one {@link AttributeState} per mapped attribute, by key (SQLAlchemy's
 * `InstanceState.attrs`), in a prototype-less object so `attrs.name` and `attrs["name"]` read
 * alike and `Object.keys(attrs)` lists the attributes. @internal
 */
export function attributeStates(st: InstanceState): Readonly<Record<string, AttributeState>> {
  const out = Object.create(null) as Record<string, AttributeState>;
  for (const k of attributeKeys(st)) out[k] = new AttributeState(st, k);
  // Synonyms too (SQLAlchemy's InstanceState.attrs): their history is their target's.
  for (const k of st.mapper.synonyms.keys()) out[k] = new AttributeState(st, k);
  return Object.freeze(out);
}

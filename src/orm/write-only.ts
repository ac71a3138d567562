/**
 * Write-only collections (SQLAlchemy 2.0's `WriteOnlyMapped` / `WriteOnlyCollection`): a
 * relationship declared with `lazy: "write_only"` (or `writeOnly(() => Target)`) is never
 * loaded as a whole. Changes are queued with `add` / `addAll` / `remove` and written by the
 * next flush; reading goes through statements built by `.select()`, and bulk changes through
 * `.insert()`, `.update()` and `.delete()`, all limited to the parent's related rows.
 *
 * ```ts
 * const notes = writeOnlyCollection(user, User.notes);   // WriteOnlyCollection<Note>
 * notes.add(new Note({ body: "hi" }));
 * await session.flush();                                  // INSERT … with user_id = user.id
 * const recent = await session.scalars(notes.select().orderBy(Note.id.desc()).limit(10));
 * ```
 *
 * How it rides the unit of work: at flush time the queued items are staged as the collection's
 * current value and the removed ones as its committed value, so the ordinary one-to-many /
 * many-to-many dependency processing (FK sync, association rows, delete-orphan) writes them;
 * afterwards the attribute is unloaded again.
 * @module
 */
import { ArgumentError, InvalidRequestError, UnmappedInstanceError } from "../errors.js";
import { and, BindParameter, type ColumnElement } from "../sql/elements.js";
import { delete_, insert, update, type Delete, type Insert, type Update } from "../sql/dml.js";
import { select, type Select } from "../sql/selectable.js";
import type { ColumnImpl } from "../sql/schema.js";
import { mapperOf, type Mapper, type RelationshipProperty } from "./mapper.js";
import { RelationshipSpec } from "./relationship.js";
import { stateOf, type InstanceState } from "./state.js";

/** Annotation key under which `.insert()` carries the parent's FK values. @internal */
export const WRITE_ONLY_PARENT = "writeOnlyParentValues";

interface PendingOps {
  readonly added: object[];
  readonly removed: object[];
}

/** Queued changes per instance state and relationship key. */
const pendingByState = new WeakMap<InstanceState, Map<string, PendingOps>>();

function opsFor(st: InstanceState, key: string): PendingOps {
  let m = pendingByState.get(st);
  if (!m) pendingByState.set(st, (m = new Map()));
  let ops = m.get(key);
  if (!ops) m.set(key, (ops = { added: [], removed: [] }));
  return ops;
}

/**
 * The write-only collection `rel` of one parent instance. Obtain it with
 * {@link writeOnlyCollection} or `session.writeOnly(obj, User.notes)`. `T` is the target
 * instance type.
 */
export class WriteOnlyCollection<T extends object> {
  /** @internal */
  constructor(
    /** The parent instance. */
    readonly instance: object,
    /** The relationship (its `lazy` is "write_only"). */
    readonly relationship: RelationshipProperty,
  ) {}

  private get state(): InstanceState {
    return stateOf(this.instance)!;
  }

  /**
   * Queue `item` to be linked to the parent at the next flush (a transient item is cascaded
   * into the session, as `save-update` cascade does for ordinary collections).
   * @throws ArgumentError when `item` is not an instance of the relationship's target class.
   */
  add(item: T): void {
    this.checkItem(item, "add");
    const st = this.state;
    const ops = opsFor(st, this.relationship.key);
    const i = ops.removed.indexOf(item);
    if (i >= 0) ops.removed.splice(i, 1);
    else if (!ops.added.includes(item)) ops.added.push(item);
    // Flag the parent so the session's next flush examines it.
    st.markModified();
    this.linkReverse(item, true);
  }
  /** Queue several items; see {@link add}. */
  addAll(items: Iterable<T>): void {
    for (const item of items) this.add(item);
  }
  /**
   * Queue `item` to be unlinked at the next flush: for one-to-many its foreign key is set to
   * NULL (or the row is deleted with `delete-orphan` cascade), for many-to-many its association
   * row is deleted.
   */
  remove(item: T): void {
    this.checkItem(item, "remove");
    const st = this.state;
    const ops = opsFor(st, this.relationship.key);
    const i = ops.added.indexOf(item);
    if (i >= 0) ops.added.splice(i, 1);
    else if (!ops.removed.includes(item)) ops.removed.push(item);
    st.markModified();
    this.linkReverse(item, false);
  }
  /**
   * The in-memory side of a bidirectional relationship, as SQLAlchemy's backref events on a
   * write-only `add()` / `remove()`: the item's many-to-one is set to the parent (or cleared
   * when it still points at it). A many-to-many reverse collection is only touched when loaded.
   */
  private linkReverse(item: object, link: boolean): void {
    const rev = this.relationship.reverse;
    const ist = rev && stateOf(item);
    if (!rev || !ist || rev.lazy === "write_only") return;
    const d = ist.dict;
    const parent = this.instance;
    if (!rev.uselist) {
      if (link ? d[rev.key] === parent : d[rev.key] !== parent) return;
      d[rev.key] = link ? parent : null;
      ist.markModified();
      return;
    }
    const list = d[rev.key] as object[] | undefined;
    if (!Array.isArray(list)) return;
    const i = list.indexOf(parent);
    if (link && i < 0) Array.prototype.push.call(list, parent);
    else if (!link && i >= 0) Array.prototype.splice.call(list, i, 1);
    else return;
    ist.markModified();
  }
  /**
   * Items queued by add()/remove() and not flushed yet: SQLAlchemy's write-only history under
   * `PASSIVE_NO_FETCH` (`added` / `deleted`; nothing is loaded, so there is no `unchanged`). An
   * added item whose many-to-one back to the parent was since set to something else (`a.user =
   * null`) is no longer added, as SQLAlchemy's backref takes it out of the collection.
   */
  get pending(): { readonly added: readonly T[]; readonly removed: readonly T[] } {
    const ops = pendingByState.get(this.state)?.get(this.relationship.key);
    if (ops) pruneAdded(this.instance, this.relationship, ops);
    return { added: [...(ops?.added ?? [])] as T[], removed: [...(ops?.removed ?? [])] as T[] };
  }

  /**
   * `SELECT target … WHERE target.fk = :param_1` (for many-to-many `FROM target, assoc WHERE
   * assoc.parent_id = :param_1 AND target.id = assoc.target_id`), ordered by the relationship's
   * `orderBy`; SQLAlchemy's `WriteOnlyCollection.select()`. A pending parent's key is bound when
   * the statement runs (after autoflush). Refine it with `.where()`,
   * `.orderBy()`, `.limit()` and run it with `session.scalars()`.
   * @throws InvalidRequestError when the parent has no primary key yet and is not pending in a
   *   session (flush it first); for a pending parent, when the statement runs without the key
   *   having been assigned (autoflush off).
   */
  select(): Select<[T]> {
    const rel = this.relationship;
    const target = rel.mapper;
    let stmt = select(target.class_ as never) as unknown as Select<[T]>;
    // Many-to-many: the association table joins through WHERE (`FROM items, order_items WHERE
    // order_items.order_id = :param_1 AND items.id = order_items.item_id`), as SQLAlchemy's
    // write-only select() renders it, so a later join() still starts from the target.
    stmt = rel.direction === "MANYTOMANY" ? stmt.where(...this.criteria(), rel.secondaryjoin as ColumnElement<boolean>) : stmt.where(...this.criteria());
    const ob = rel.options.orderBy?.();
    if (ob !== undefined) stmt = stmt.orderBy(...(Array.isArray(ob) ? (ob as ColumnElement<unknown, string>[]) : [ob as ColumnElement<unknown, string>]));
    return stmt;
  }

  /**
   * `INSERT INTO target` with the foreign key set to the parent: run it with
   * `session.execute(coll.insert(), [{ … }, …])` (or chain `.values({…})` for one row).
   * Only for one-to-many collections, as in SQLAlchemy. The parent may still be pending: its key
   * is read when the statement runs, after the session's autoflush has inserted it.
   * @throws InvalidRequestError for many-to-many (insert the targets, then add() them), or when
   *   the parent has no key and is not pending in a session.
   */
  insert(): Insert {
    const rel = this.relationship;
    if (rel.direction !== "ONETOMANY") {
      throw new InvalidRequestError(
        `Write-only bulk INSERT is supported for one-to-many collections only; ${rel.describe()} is ${rel.direction}: insert the rows, then add() them to the collection`,
      );
    }
    const fixed: Record<string, unknown> = {};
    for (const [local, remote] of rel.syncPairs) {
      const key = attrKey(rel.mapper, remote);
      const v = this.state.current[attrKey(this.state.mapper, local)];
      if ((v !== undefined && v !== null) || this.state.status !== "pending") fixed[key] = this.parentValue(local);
      // A pending parent: read at execution (the ORM insert copies these values after its
      // autoflush), as SQLAlchemy's insert() over a pending parent binds a callable.
      else Object.defineProperty(fixed, key, { enumerable: true, get: () => this.parentValue(local) });
    }
    return insert(rel.mapper.class_ as never).withAnnotations({ [WRITE_ONLY_PARENT]: fixed }) as unknown as Insert;
  }

  /**
   * `UPDATE target … WHERE target.fk = :param_1` (many-to-many: target key IN the parent's
   * association rows); add `.values({…})`. A pending parent's key is bound when it runs.
   */
  update(): Update {
    return update(this.relationship.mapper.class_ as never).where(...this.dmlCriteria()) as unknown as Update;
  }

  /** `DELETE FROM target WHERE target.fk = :param_1` (many-to-many as {@link update}). */
  delete(): Delete {
    return delete_(this.relationship.mapper.class_ as never).where(...this.dmlCriteria()) as unknown as Delete;
  }

  /** Criteria relating target rows (or association rows) to the parent. */
  private criteria(): ColumnElement<boolean>[] {
    const rel = this.relationship;
    const pairs = rel.direction === "MANYTOMANY" ? rel.secondarySyncPairs : rel.syncPairs;
    if (rel.direction === "MANYTOONE") throw new InvalidRequestError(`${rel.describe()} is many-to-one; write-only applies to collections`);
    // `addresses.user_id = :param_1` (SQLAlchemy renders the bind first; athanor keeps the column
    // first, as its other relationship criteria do).
    return pairs.map(([local, remote]) => remote.eq(this.parentBind(local)) as ColumnElement<boolean>);
  }
  /**
   * The parent's value of `local` as a bound parameter. A pending parent's key is not known
   * until the flush, so (as SQLAlchemy does) the value is read when the statement runs, after
   * the session's autoflush has inserted the parent.
   */
  private parentBind(local: ColumnImpl): BindParameter<unknown, string> {
    const st = this.state;
    const v = st.current[attrKey(st.mapper, local)];
    if (v !== undefined && v !== null) return new BindParameter("param", v, local.type, { unique: true });
    if (st.status !== "pending") this.parentValue(local);
    return new BindParameter("param", undefined, local.type, { unique: true, callable: () => this.parentValue(local) });
  }
  /** For UPDATE/DELETE on many-to-many: target primary key IN (association rows of the parent). */
  private dmlCriteria(): ColumnElement<boolean>[] {
    const rel = this.relationship;
    if (rel.direction !== "MANYTOMANY") return this.criteria();
    const target = rel.mapper;
    if (rel.targetSecondaryPairs.length !== 1) {
      throw new InvalidRequestError(`Write-only UPDATE/DELETE over ${rel.describe()} needs a single-column association to the target`);
    }
    const [tcol, scol] = rel.targetSecondaryPairs[0];
    const sub = select(scol).where(and(...this.criteria()));
    return [tcol.in(sub as never) as ColumnElement<boolean>];
  }
  private parentValue(local: ColumnImpl): unknown {
    const st = this.state;
    const v = st.dict[attrKey(st.mapper, local)];
    if (v === undefined || v === null) {
      throw new InvalidRequestError(
        `${this.relationship.describe()}: the parent's '${attrKey(st.mapper, local)}' is not known yet; flush the parent before building statements over its write-only collection`,
      );
    }
    return v;
  }
  private checkItem(item: unknown, op: string): void {
    const st = stateOf(item);
    const target = this.relationship.mapper;
    if (!st || !isSubMapper(st.mapper, target)) {
      throw new ArgumentError(`${this.relationship.describe()}.${op}(): expected a ${target.className} instance; got ${String(item)}`);
    }
  }
}

/**
 * Drop added items whose loaded many-to-one back to `parent` now names another object (or
 * null): the backref's remove, which athanor's many-to-one setter cannot report here.
 */
function pruneAdded(parent: object, rel: RelationshipProperty, ops: PendingOps): void {
  const rev = rel.reverse;
  if (!rev || rev.uselist || !ops.added.length) return;
  for (let i = ops.added.length - 1; i >= 0; i--) {
    const d = stateOf(ops.added[i])?.current;
    if (d && rev.key in d && d[rev.key] !== parent) ops.added.splice(i, 1);
  }
}

function isSubMapper(m: Mapper, target: Mapper): boolean {
  return m === target || (typeof m.class_ === "function" && m.class_.prototype instanceof target.class_);
}

function attrKey(m: Mapper, col: ColumnImpl): string {
  const p = m.propByColumn.get(col);
  if (!p) throw new InvalidRequestError(`${m.className} maps no attribute for ${col.describe()}`);
  return p.key;
}

/**
 * The write-only collection `rel` of `obj`: `writeOnlyCollection(user, User.notes)` (typed
 * after the relationship) or `writeOnlyCollection(user, "notes")`.
 * @throws ArgumentError when `obj` is not mapped or the relationship is not write-only.
 */
export function writeOnlyCollection<T extends object>(obj: object, rel: RelationshipSpec<T>): WriteOnlyCollection<T>;
export function writeOnlyCollection(obj: object, rel: string): WriteOnlyCollection<object>;
export function writeOnlyCollection(obj: object, rel: RelationshipSpec<object> | string): WriteOnlyCollection<object> {
  const st = stateOf(obj);
  if (!st) throw new UnmappedInstanceError(`writeOnlyCollection(): ${String(obj)} is not a mapped instance`);
  const mapper = st.mapper;
  mapper.registry.configure();
  let prop: RelationshipProperty;
  if (rel instanceof RelationshipSpec) {
    prop = rel.property;
    if (prop.parent !== mapper && !isSubMapper(mapper, prop.parent)) {
      throw new ArgumentError(`writeOnlyCollection(): ${String(rel)} is not a relationship of ${mapper.className}`);
    }
  } else prop = mapper.relationship(rel);
  if (prop.lazy !== "write_only") {
    throw new ArgumentError(
      `${prop.describe()} is not a write-only relationship; declare it with writeOnly(() => ${prop.mapper.className}) or lazy: "write_only"`,
    );
  }
  return new WriteOnlyCollection<object>(obj, prop);
}

/** Write-only relationships of a mapper (cached). @internal */
const writeOnlyRels = new WeakMap<Mapper, RelationshipProperty[]>();
function writeOnlyOf(m: Mapper): RelationshipProperty[] {
  let l = writeOnlyRels.get(m);
  if (!l) writeOnlyRels.set(m, (l = [...m.relationships.values()].filter((r) => r.lazy === "write_only")));
  return l;
}

/**
 * Queued changes of write-only attribute `key` of a state, for `getHistory()` / `inspect(obj)
 * .attrs.<key>.history` (SQLAlchemy's write-only history under `PASSIVE_NO_FETCH`: added and
 * deleted, never unchanged); undefined when nothing is queued. @internal
 */
export function pendingWriteOnly(st: InstanceState, key: string): { readonly added: readonly object[]; readonly removed: readonly object[] } | undefined {
  const ops = pendingByState.get(st)?.get(key);
  if (!ops) return undefined;
  const rel = st.mapper.relationships.get(key);
  if (rel) pruneAdded(st.obj, rel, ops);
  return { added: [...ops.added], removed: [...ops.removed] };
}

/** Whether a state has queued write-only changes. @internal */
export function hasPendingWriteOnly(st: InstanceState): boolean {
  const m = pendingByState.get(st);
  if (!m) return false;
  for (const ops of m.values()) if (ops.added.length || ops.removed.length) return true;
  return false;
}

/**
 * Before a flush: expose queued changes of `states` to the unit of work as collection diffs.
 * Returns a function to call after the flush (`ok`: clear the queues) — either way the
 * attribute goes back to unloaded. @internal
 */
export function stageWriteOnly(...groups: Iterable<InstanceState>[]): (ok: boolean) => void {
  const staged: { st: InstanceState; rel: RelationshipProperty; ops: PendingOps }[] = [];
  const touched: { st: InstanceState; rel: RelationshipProperty }[] = [];
  // States of one mapper usually come in runs (a bulk add): look its relationships up once per run.
  let lastMapper: Mapper | undefined;
  let lastRels: RelationshipProperty[] = [];
  for (const states of groups) for (const st of states) {
    if (st.mapper !== lastMapper) {
      lastMapper = st.mapper;
      lastRels = writeOnlyOf(st.mapper);
    }
    const rels = lastRels;
    if (!rels.length) continue;
    const m = pendingByState.get(st);
    for (const rel of rels) {
      touched.push({ st, rel });
      const ops = m?.get(rel.key);
      if (ops) pruneAdded(st.obj, rel, ops);
      if (!ops || (!ops.added.length && !ops.removed.length)) continue;
      // A list assigned to a transient object's write-only attribute counts as added items.
      const assigned = Array.isArray(st.dict[rel.key]) ? (st.dict[rel.key] as object[]) : [];
      st.dict[rel.key] = [...assigned, ...ops.added.filter((o) => !assigned.includes(o))];
      st.committedCollections.set(rel.key, [...ops.removed]);
      st.markModified();
      staged.push({ st, rel, ops });
    }
  }
  const unload = (st: InstanceState, rel: RelationshipProperty) => {
    delete st.dict[rel.key];
    delete st.committed[rel.key];
    st.committedCollections.delete(rel.key);
  };
  return (ok: boolean) => {
    if (!ok) {
      // The queues stay; a retry stages them again.
      for (const { st, rel } of staged) unload(st, rel);
      return;
    }
    for (const { st, rel } of touched) unload(st, rel);
    for (const { ops } of staged) {
      ops.added.length = 0;
      ops.removed.length = 0;
    }
  };
}

/**
 * SQLAlchemy's refusal to replace a write-only collection of an object with an identity: the
 * replacement would need the current members, which are never loaded.
 */
export function writeOnlyReplaceError(rel: RelationshipProperty): InvalidRequestError {
  return new InvalidRequestError(
    `Collection "${rel.parent.className}.${rel.key}" does not support implicit iteration; collection replacement operations can't be used`,
  );
}

/**
 * `obj.addresses = [a1, a2]` on a write-only attribute (SQLAlchemy's `WriteOnlyAttributeImpl.set`):
 * on a transient or pending object the list replaces the queued additions (items no longer
 * listed are dropped from them, new ones queued as by add()); an object with an identity
 * (persistent, detached) has members that would have to be loaded to be replaced, so it raises.
 * @throws InvalidRequestError `Collection "User.addresses" does not support implicit iteration;
 *   collection replacement operations can't be used` for an object with an identity.
 * @internal
 */
export function assignWriteOnly(obj: object, st: InstanceState, rel: RelationshipProperty, value: readonly object[]): void {
  if (st.key !== undefined) throw writeOnlyReplaceError(rel);
  const coll = new WriteOnlyCollection<object>(obj, rel);
  const before = [...opsFor(st, rel.key).added];
  for (const o of before) if (!value.includes(o)) coll.remove(o);
  for (const o of value) if (!before.includes(o)) coll.add(o);
}

/**
 * Deleting an object whose write-only collection is not declared `passiveDeletes` (SQLAlchemy's
 * `WriteOnlyHistory` under a loading flag): the flush would have to load the collection to
 * detach or delete its rows, which a write-only collection never does.
 * @throws InvalidRequestError naming the relationship and the `passiveDeletes` remedy.
 * @internal
 */
export function checkWriteOnlyDelete(st: InstanceState): void {
  for (const rel of writeOnlyOf(st.mapper)) {
    if (rel.viewonly || rel.options.passiveDeletes) continue;
    const name = `${rel.parent.className}.${rel.key}`;
    throw new InvalidRequestError(
      `Attribute ${name} can't load the existing state from the database for this operation; full iteration is not permitted.  If this is a delete operation, configure passiveDeletes: true on the ${name} relationship in order to resolve this error.`,
    );
  }
}

/** Forget queued changes (session rollback / expunge). @internal */
export function discardWriteOnly(st: InstanceState): void {
  pendingByState.delete(st);
}

export { mapperOf };

/**
 * ORM SELECT execution: turn a statement over entities into a Core SELECT (applying loader
 * options, joined eager loads and loader criteria), then rows into identity-mapped objects, then
 * run selectin loads (SQLAlchemy's `ORMCompileState`, `loading.instances()`, `strategies`).
 * @module
 */
import { ArgumentError, InvalidRequestError } from "../errors.js";
import { and, ColumnElement, type Condition } from "../sql/elements.js";
import { ColumnClause } from "../sql/column.js";
import { Alias, FromClause, Select, select, type SelectArg } from "../sql/selectable.js";
import { tuple } from "../sql/elements.js";
import { AliasedClass } from "./aliased.js";
import { ColumnProperty, InstrumentedAttribute, mapperOf, type Mapper, type RelationshipProperty } from "./mapper.js";
import { ColumnOption, Load, LoaderCriteriaOption, isLoaderOption, type ColumnDirective } from "./options.js";
import { stateOf, type InstanceState } from "./state.js";

/** What a row slot holds. */
export type Slot = EntitySlot | ColumnSlot;

/** Columns of one entity in the row, and eager loads hanging off it. */
export interface EntitySlot {
  readonly kind: "entity";
  readonly mapper: Mapper;
  readonly from: FromClause;
  readonly props: readonly ColumnProperty[];
  readonly offset: number;
  readonly pkPositions: readonly number[];
  /** Joined eager loads below this entity. */
  readonly joined: JoinedLoad[];
  /** Loader option nodes that apply to this entity's relationships. */
  readonly loads: readonly Load[];
  /** Row key for `select(User, Address)` results. */
  readonly name: string;
}
/** A plain column in the row. */
export interface ColumnSlot {
  readonly kind: "column";
  readonly offset: number;
  readonly name: string;
}
/** A joined eager load: child entity columns appended to the row. */
export interface JoinedLoad {
  readonly rel: RelationshipProperty;
  readonly child: EntitySlot;
}

/** A compiled ORM SELECT. */
export interface OrmPlan {
  readonly stmt: Select;
  readonly slots: readonly Slot[];
  readonly hasJoinedCollections: boolean;
  readonly criteria: readonly LoaderCriteriaOption[];
}

function entityOf(x: unknown): { mapper: Mapper; from: FromClause; name: string } | undefined {
  if (x instanceof AliasedClass) return { mapper: x.mapper, from: x.alias, name: x.alias.name ?? x.mapper.className };
  if (typeof x === "function") {
    const m = mapperOf(x);
    if (m) return { mapper: m, from: m.table, name: m.className };
  }
  return undefined;
}

/** Whether a statement selects ORM entities or attributes (and so goes through the ORM). */
export function isOrmStatement(stmt: unknown): boolean {
  if (!(stmt instanceof Select)) return false;
  return stmt.rawColumns.some((c) => entityOf(c) !== undefined || c instanceof InstrumentedAttribute) || stmt.loaderOptions.length > 0;
}

/** Decide which column properties of `mapper` to load, given column directives. */
function propsToLoad(mapper: Mapper, directives: readonly ColumnDirective[]): ColumnProperty[] {
  let only: Set<string> | undefined;
  const deferred = new Set<string>();
  const undeferred = new Set<string>();
  for (const d of directives) {
    if (d.mapper && d.mapper !== mapper) continue;
    if (d.kind === "loadOnly") only = new Set(d.keys);
    else if (d.kind === "defer") deferred.add(d.key);
    else undeferred.add(d.key);
  }
  return mapper.columnProps.filter((p) => {
    if (p.column.primaryKey) return true;
    if (only) return only.has(p.key) || undeferred.has(p.key);
    if (deferred.has(p.key)) return false;
    return !p.deferred || undeferred.has(p.key);
  });
}

/** Build the Core statement and row layout for an ORM SELECT. */
export function planOrmSelect(stmt: Select, extraOptions: readonly unknown[] = []): OrmPlan {
  const options = [...stmt.loaderOptions, ...extraOptions];
  for (const o of options) if (!isLoaderOption(o)) throw new ArgumentError(`options(): ${String(o)} is not a loader option`);
  const loads = options.filter((o): o is Load => o instanceof Load).map((l) => l.root);
  const colDirectives = options.filter((o): o is ColumnOption => o instanceof ColumnOption).map((o) => o.directive);
  const criteria = options.filter((o): o is LoaderCriteriaOption => o instanceof LoaderCriteriaOption);
  const cols: SelectArg[] = [];
  const slots: Slot[] = [];
  const joins: { target: FromClause; onclause: ColumnElement<unknown, string>; inner: boolean }[] = [];
  let hasJoinedCollections = false;
  const extraWhere: Condition[] = [];

  const addEntity = (mapper: Mapper, from: FromClause, name: string, nodeLoads: readonly Load[], directives: readonly ColumnDirective[]): EntitySlot => {
    const props = propsToLoad(mapper, directives);
    const offset = cols.length;
    for (const p of props) cols.push(from === mapper.table ? p.column : from.correspondingColumn(p.column)!);
    const pkPositions = mapper.pkProps.map((pk) => props.indexOf(pk));
    const slot: EntitySlot = { kind: "entity", mapper, from, props, offset, pkPositions, joined: [], loads: nodeLoads, name };
    for (const l of nodeLoads) {
      if (l.strategy !== "joined" || !(l.relationship && l.relationship !== "*")) continue;
      const rel = l.relationship;
      if (rel.parent !== mapper) continue;
      const target = rel.mapper;
      if (rel.direction === "MANYTOMANY") {
        const secAlias = rel.secondary!.alias();
        const tAlias = target.table.alias();
        const pj = adaptTo(rel.primaryjoin, [[mapper.table, from], [rel.secondary!, secAlias]]);
        const sj = adaptTo(rel.secondaryjoin!, [[target.table, tAlias], [rel.secondary!, secAlias]]);
        joins.push({ target: secAlias, onclause: pj, inner: l.opts.innerJoin ?? false });
        joins.push({ target: tAlias, onclause: sj, inner: l.opts.innerJoin ?? false });
        const child = addEntity(target, tAlias, rel.key, l.children, l.columnDirectives);
        slot.joined.push({ rel, child });
      } else {
        const tAlias = target.table.alias();
        joins.push({ target: tAlias, onclause: rel.joinCondition(from, tAlias), inner: l.opts.innerJoin ?? rel.options.innerjoin ?? false });
        const child = addEntity(target, tAlias, rel.key, l.children, l.columnDirectives);
        slot.joined.push({ rel, child });
      }
      if (rel.uselist) hasJoinedCollections = true;
    }
    return slot;
  };

  for (const raw of stmt.rawColumns) {
    const ent = entityOf(raw);
    if (ent) {
      const nodeLoads = loads.filter((l) => l.relationship === "*" || (l.relationship && l.relationship.parent === ent.mapper));
      slots.push(addEntity(ent.mapper, ent.from, ent.name, nodeLoads, colDirectives));
      for (const c of criteria) if (c.mapper === ent.mapper && (ent.from === ent.mapper.table || c.includeAliases)) extraWhere.push(criteriaFor(c, ent.from));
    } else if (raw instanceof FromClause) {
      for (const c of raw.columnList) {
        slots.push({ kind: "column", offset: cols.length, name: c.key });
        cols.push(c);
      }
    } else if (raw instanceof ColumnElement) {
      slots.push({ kind: "column", offset: cols.length, name: raw.key ?? `col_${cols.length}` });
      cols.push(raw);
    } else throw new ArgumentError(`ORM select: unsupported columns-clause element ${String(raw)}`);
  }
  let core = stmt.withOnlyColumns(...cols) as unknown as Select;
  for (const j of joins) core = core.joinFrom(fromOf(core, j.target, j.onclause), j.target, j.onclause, { isOuter: !j.inner });
  if (extraWhere.length) core = core.where(...extraWhere);
  return { stmt: core, slots, hasJoinedCollections, criteria };
}

/** The left side for an eager join: whichever FROM of the statement the ON clause references. */
function fromOf(stmt: Select, target: FromClause, onclause: ColumnElement<unknown, string>): FromClause {
  const froms = stmt.resolveFroms();
  const referenced: FromClause[] = [];
  const visit = (e: unknown): void => {
    if (e instanceof ColumnClause && e.table && e.table !== target) referenced.push(e.table);
    const r = e as Record<string, unknown>;
    for (const k of ["left", "right", "element"]) if (r?.[k]) visit(r[k]);
    if (Array.isArray(r?.clauses)) for (const c of r.clauses as unknown[]) visit(c);
  };
  visit(onclause);
  for (const r of referenced) {
    const f = froms.find((x) => x.coveredFroms().includes(r));
    if (f) return r;
  }
  return referenced[0] ?? froms[0];
}

function adaptTo(cond: ColumnElement<unknown, string>, map: [FromClause, FromClause][]): ColumnElement<unknown, string> {
  const rewrite = (e: unknown): unknown => {
    if (e instanceof ColumnClause) {
      for (const [from, to] of map) if (e.table === from) return to.correspondingColumn(e) ?? e;
      return e;
    }
    return e;
  };
  const eqs: ColumnElement<boolean>[] = [];
  const collect = (e: unknown): void => {
    const r = e as { operator?: string; left?: unknown; right?: unknown; clauses?: unknown[] };
    if (r.operator === "eq") eqs.push((rewrite(r.left) as ColumnElement<unknown, string>).eq(rewrite(r.right) as ColumnElement<unknown, string>));
    else if (Array.isArray(r.clauses)) r.clauses.forEach(collect);
    else throw new InvalidRequestError("Eager loading needs join conditions made of column equalities");
  };
  collect(cond);
  return eqs.length === 1 ? eqs[0] : and(...eqs);
}

function criteriaFor(c: LoaderCriteriaOption, from: FromClause): Condition {
  const m = c.mapper;
  const entity = from === m.table ? m.class_ : new AliasedClassView(m, from);
  return c.criteria(entity as never);
}

/** A lightweight aliased view used to evaluate loader criteria against an alias. */
class AliasedClassView {
  constructor(mapper: Mapper, from: FromClause) {
    for (const p of mapper.columnProps) {
      const col = from.correspondingColumn(p.column);
      if (col) Object.defineProperty(this, p.key, { value: new InstrumentedAttribute(p.key, col, this), enumerable: true });
    }
  }
}

/** Identity-map access the loader needs from the session. */
export interface LoadContext {
  readonly identityMap: Map<string, object>;
  readonly sessionId: number;
  readonly populateExisting: boolean;
  /** Run a statement through the ORM (used by selectin loads). */
  executeOrm(stmt: Select, loads: readonly unknown[]): Promise<object[][]>;
}

/** Materialize (or find in the identity map) the entity of a slot from a raw row. */
export function instanceFromRow(ctx: LoadContext, slot: EntitySlot, row: readonly unknown[]): object | null {
  const { mapper, props, offset, pkPositions } = slot;
  const pk: unknown[] = [];
  for (const i of pkPositions) {
    const v = row[offset + i];
    if (v === null || v === undefined) return null;
    pk.push(v);
  }
  const key = mapper.identityKey(pk);
  const existing = ctx.identityMap.get(key);
  if (existing) {
    const st = stateOf(existing)!;
    if (st.status === "deleted") return existing;
    const modified = ctx.populateExisting ? undefined : new Set(st.changedColumnKeys());
    for (let i = 0; i < props.length; i++) {
      const k = props[i].key;
      if (ctx.populateExisting || !(k in st.dict) || (st.expired?.has(k) && !modified!.has(k))) {
        st.dict[k] = row[offset + i];
        st.committed[k] = row[offset + i];
        st.expired?.delete(k);
      }
    }
    return existing;
  }
  const { obj, state } = mapper.newInstanceForLoad();
  const d = state.dict;
  const c = state.committed;
  for (let i = 0; i < props.length; i++) {
    const v = row[offset + i];
    d[props[i].key] = v;
    c[props[i].key] = v;
  }
  state.status = "persistent";
  state.key = key;
  state.sessionId = ctx.sessionId;
  ctx.identityMap.set(key, obj);
  return obj;
}

/** Apply noload/raise marks and joined-load results for the relationships of loaded entities. */
export function applyLoadMarks(objs: Iterable<object>, loads: readonly Load[]): void {
  const noloads = loads.filter((l) => l.strategy === "noload" && l.relationship && l.relationship !== "*");
  if (!noloads.length) return;
  for (const o of objs) {
    const st = stateOf(o);
    if (!st) continue;
    for (const l of noloads) {
      const rel = l.relationship as RelationshipProperty;
      if (rel.parent !== st.mapper) continue;
      (st.raiseKeys ??= new Set()).add(`noload:${rel.key}`);
    }
  }
}

/** Rows of an ORM select → tuples of entities/values, with joined loads assembled. */
export function processRows(ctx: LoadContext, plan: OrmPlan, rows: readonly (readonly unknown[])[]): unknown[][] {
  const out: unknown[][] = [];
  const collections = new Map<InstanceState, Map<string, Set<object>>>();
  const seenParents: Map<EntitySlot, Set<object>> = new Map();
  const gather = (slot: EntitySlot, row: readonly unknown[]): object | null => {
    const obj = instanceFromRow(ctx, slot, row);
    if (obj && slot.joined.length) {
      let s = seenParents.get(slot);
      if (!s) seenParents.set(slot, (s = new Set()));
      s.add(obj);
      const st = stateOf(obj)!;
      for (const j of slot.joined) {
        const child = gather(j.child, row);
        let byKey = collections.get(st);
        if (!byKey) collections.set(st, (byKey = new Map()));
        let set = byKey.get(j.rel.key);
        if (!set) byKey.set(j.rel.key, (set = new Set()));
        if (child) set.add(child);
      }
    }
    return obj;
  };
  for (const row of rows) {
    const tup: unknown[] = [];
    for (const slot of plan.slots) tup.push(slot.kind === "entity" ? gather(slot, row) : row[slot.offset]);
    out.push(tup);
  }
  // Assign joined collections / scalars for every parent seen (empty when no child row matched).
  for (const [slot, parents] of seenParents) {
    for (const p of parents) {
      const st = stateOf(p)!;
      for (const j of slot.joined) {
        const set = collections.get(st)?.get(j.rel.key);
        const children = set ? [...set] : [];
        if (!ctx.populateExisting && j.rel.key in st.dict && st.status === "persistent" && isModifiedCollection(st, j.rel)) continue;
        assignRelationship(st, j.rel, children);
      }
    }
  }
  return out;
}

function isModifiedCollection(st: InstanceState, rel: RelationshipProperty): boolean {
  const cur = st.dict[rel.key];
  if (rel.uselist) {
    const committed = st.committedCollections.get(rel.key);
    return !(Array.isArray(cur) && committed !== undefined && cur.length === committed.length && cur.every((x, i) => x === committed[i]));
  }
  return cur !== st.committed[rel.key];
}

/** Set a loaded relationship value and record it as committed. */
export function assignRelationship(st: InstanceState, rel: RelationshipProperty, children: object[]): void {
  if (rel.uselist) {
    st.dict[rel.key] = children;
    st.committedCollections.set(rel.key, [...children]);
  } else {
    const v = children[0] ?? null;
    st.dict[rel.key] = v;
    st.committed[rel.key] = v;
  }
}

/** Entity objects of a slot across result tuples (unique, in order). */
export function entitiesOf(tuples: readonly unknown[][], index: number): object[] {
  const seen = new Set<object>();
  for (const t of tuples) {
    const o = t[index];
    if (o && typeof o === "object") seen.add(o);
  }
  return [...seen];
}

const SELECTIN_BATCH = 500;

/**
 * selectin loading: one SELECT per batch of 500 parents, `WHERE <fk> IN (…)`, then the nested
 * loads below it (SQLAlchemy's `SelectInLoader`).
 */
export async function selectinLoad(ctx: LoadContext, rel: RelationshipProperty, parents: readonly object[], node: Load, criteria: readonly LoaderCriteriaOption[]): Promise<void> {
  if (parents.length === 0) return;
  const target = rel.mapper;
  const childLoads = [...node.children, ...(node.columnDirectives.length ? [] : [])];
  const colOpts = node.columnDirectives.map((d) => new ColumnOption(d));
  const crit = criteria.filter((c) => c.mapper === target);
  const extra = [...childLoads, ...colOpts, ...crit];
  const states = parents.map((p) => stateOf(p)!);
  if (rel.direction === "MANYTOONE") {
    // Parents hold the FK: load targets by primary key, reusing identity-map hits.
    const wanted = new Map<string, unknown[]>();
    for (const st of states) {
      const fk = rel.syncPairs.map(([local]) => st.dict[propKey(rel.parent, local)]);
      if (fk.some((v) => v === null || v === undefined)) continue;
      const key = target.identityKey(rel.syncPairs.map((_, i) => fk[i]));
      if (!ctx.identityMap.has(key) || node.children.length || ctx.populateExisting) wanted.set(key, fk);
    }
    const keys = [...wanted.values()];
    for (let i = 0; i < keys.length; i += SELECTIN_BATCH) {
      const batch = keys.slice(i, i + SELECTIN_BATCH);
      const remoteCols = rel.syncPairs.map(([, remote]) => remote);
      const cond = remoteCols.length === 1 ? remoteCols[0].in(batch.map((k) => k[0])) : tuple(...remoteCols).in(batch);
      await ctx.executeOrm(select(target.class_ as never).where(cond), extra);
    }
    for (const st of states) {
      const fk = rel.syncPairs.map(([local]) => st.dict[propKey(rel.parent, local)]);
      const obj = fk.some((v) => v === null || v === undefined) ? null : ctx.identityMap.get(target.identityKey(fk)) ?? null;
      if (!ctx.populateExisting && rel.key in st.dict && isModifiedCollection(st, rel)) continue;
      assignRelationship(st, rel, obj ? [obj] : []);
    }
    if (node.children.length && wanted.size === 0) {
      const loaded = states.map((s) => s.dict[rel.key]).filter((x): x is object => !!x);
      await runNested(ctx, loaded, node.children, criteria);
    }
    return;
  }
  // ONETOMANY / MANYTOMANY: children by parent key.
  const parentCols = rel.direction === "MANYTOMANY" ? rel.secondarySyncPairs.map(([local]) => local) : rel.syncPairs.map(([local]) => local);
  const keyOf = (st: InstanceState) => parentCols.map((c) => st.dict[propKey(rel.parent, c)]);
  const groups = new Map<string, object[]>();
  const parentKeys: unknown[][] = [];
  const seenKeys = new Set<string>();
  for (const st of states) {
    const k = keyOf(st);
    const ks = JSON.stringify(k, (_x, v) => (typeof v === "bigint" ? `${v}n` : v));
    if (!seenKeys.has(ks)) {
      seenKeys.add(ks);
      parentKeys.push(k);
    }
  }
  const ob = rel.options.orderBy?.();
  const orderBy: ColumnElement<unknown, string>[] = ob === undefined ? [] : Array.isArray(ob) ? [...(ob as ColumnElement<unknown, string>[])] : [ob as ColumnElement<unknown, string>];
  for (let i = 0; i < parentKeys.length; i += SELECTIN_BATCH) {
    const batch = parentKeys.slice(i, i + SELECTIN_BATCH);
    let stmt: Select;
    let keyCols: ColumnElement<unknown, string>[];
    if (rel.direction === "MANYTOMANY") {
      keyCols = rel.secondarySyncPairs.map(([, sec]) => sec);
      stmt = (select(target.class_ as never, ...keyCols) as unknown as Select).join(rel.secondary!, rel.secondaryjoin as never);
    } else {
      keyCols = rel.syncPairs.map(([, remote]) => remote);
      stmt = select(target.class_ as never, ...keyCols) as unknown as Select;
    }
    const cond = keyCols.length === 1 ? keyCols[0].in(batch.map((k) => k[0])) : tuple(...keyCols).in(batch);
    stmt = stmt.where(cond);
    if (orderBy.length) stmt = stmt.orderBy(...orderBy);
    const tuples = await ctx.executeOrm(stmt, extra);
    for (const t of tuples) {
      const child = t[0] as object;
      const pk = t.slice(1);
      const ks = JSON.stringify(pk, (_x, v) => (typeof v === "bigint" ? `${v}n` : v));
      let g = groups.get(ks);
      if (!g) groups.set(ks, (g = []));
      if (!g.includes(child)) g.push(child);
    }
  }
  for (const st of states) {
    const ks = JSON.stringify(keyOf(st), (_x, v) => (typeof v === "bigint" ? `${v}n` : v));
    if (!ctx.populateExisting && rel.key in st.dict && isModifiedCollection(st, rel)) continue;
    assignRelationship(st, rel, groups.get(ks) ?? []);
  }
}

/** Run the nested loader options below a node on already-loaded objects. */
export async function runNested(ctx: LoadContext, objs: readonly object[], loads: readonly Load[], criteria: readonly LoaderCriteriaOption[]): Promise<void> {
  applyLoadMarks(objs, loads);
  for (const l of loads) {
    if (l.strategy !== "selectin" || !l.relationship || l.relationship === "*") continue;
    const rel = l.relationship;
    const parents = objs.filter((o) => stateOf(o)?.mapper === rel.parent);
    await selectinLoad(ctx, rel, parents, l, criteria);
  }
}

/** Attribute key of a mapper's column. */
function propKey(m: Mapper, col: ColumnClause<unknown, string>): string {
  const p = m.propByColumn.get(col as never);
  if (!p) throw new InvalidRequestError(`${m.className} maps no attribute for ${col.describe()}`);
  return p.key;
}

/** After rows are processed: selectin and nested loads for each entity slot. */
export async function postLoad(ctx: LoadContext, plan: OrmPlan, tuples: readonly unknown[][]): Promise<void> {
  const walk = async (slot: EntitySlot, objs: object[]) => {
    applyLoadMarks(objs, slot.loads);
    for (const l of slot.loads) {
      if (l.strategy === "selectin" && l.relationship && l.relationship !== "*" && l.relationship.parent === slot.mapper) {
        await selectinLoad(ctx, l.relationship, objs, l, plan.criteria);
      }
    }
    for (const j of slot.joined) {
      const children = objs.flatMap((o) => {
        const v = stateOf(o)!.dict[j.rel.key];
        return Array.isArray(v) ? (v as object[]) : v ? [v as object] : [];
      });
      await walk(j.child, [...new Set(children)]);
    }
  };
  for (let i = 0; i < plan.slots.length; i++) {
    const slot = plan.slots[i];
    if (slot.kind !== "entity") continue;
    await walk(slot, entitiesOf(tuples, i));
  }
}
export { Alias };

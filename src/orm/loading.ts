/**
 * ORM SELECT execution (SQLAlchemy's `ORMCompileState`, `loading.instances()` and the loader
 * strategies in `orm/strategies.py`):
 *
 * 1. {@link planOrmSelect} turns a statement over entities into a Core SELECT: entity columns
 *    (minus deferred ones), SQL expression attributes, joined eager loads as LEFT OUTER JOINs to
 *    anonymous aliases (wrapping a LIMITed parent SELECT in a subquery), `containsEager` columns
 *    and `withLoaderCriteria` criteria.
 * 2. {@link processRows} turns rows into identity-mapped objects and assembles joined
 *    collections.
 * 3. {@link postLoad} runs selectin loads: one `SELECT … WHERE key IN (…)` per relationship
 *    level and batch of 500 parents.
 * 4. {@link ormResult} wraps the tuples in a Result that enforces 2.0's `unique()` rule.
 *
 * Loader strategy of a relationship at one point of the load path: an explicit option for that
 * relationship wins; else a `"*"` option at that node (`raiseload("*")`); else the
 * relationship's own `lazy` ("selectin", "joined", "noload"; "raise" by default). Default eager
 * strategies stop where the target mapper already occurs higher up the path (SQLAlchemy's
 * `join_depth=None` rule), or after `joinDepth` levels of the same relationship.
 * @module
 */
import type { IdentityMap } from "./identity-map.js";
import { ArgumentError, InvalidRequestError } from "../errors.js";
import { and, ColumnElement, Label, tuple, type Condition } from "../sql/elements.js";
import { ColumnClause } from "../sql/column.js";
import { Alias, FromClause, Select, select, type SelectArg, type SetupJoin } from "../sql/selectable.js";
import { Result } from "../engine/result/result.js";
import { NO_ROW } from "../engine/result/result-base.js";
import { adaptExpression, adaptToFrom, AliasedClass } from "./aliased.js";
import { ColumnExpressionProperty } from "./mapped-column.js";
import { ColumnProperty, InstrumentedAttribute, mapperOf, RelationshipProperty, type Mapper } from "./mapper.js";
import {
  ColumnOption, Load, LoaderCriteriaOption, NestedLoadOptions, WithExpressionOption, isLoaderOption,
  type ColumnDirective, type RelationshipStrategy,
} from "./options.js";
import { stateOf, type InstanceState } from "./state.js";

/** What a row slot holds. */
export type Slot = EntitySlot | ColumnSlot;

/** A SQL expression attribute loaded with an entity. */
export interface ExpressionSlot {
  readonly key: string;
  readonly offset: number;
}

/** Columns of one entity in the row, and the loads hanging off it. */
export interface EntitySlot {
  readonly kind: "entity";
  readonly mapper: Mapper;
  readonly from: FromClause;
  readonly props: readonly ColumnProperty[];
  readonly offset: number;
  readonly pkPositions: readonly number[];
  /** Expression attributes (columnProperty / withExpression) in the row. */
  readonly exprs: readonly ExpressionSlot[];
  /** queryExpression attributes not supplied by this query: read as null. */
  readonly nullExprs: readonly string[];
  /** Joined eager loads and containsEager populations below this entity. */
  readonly joined: JoinedLoad[];
  /** selectin loads to run for this entity's objects. */
  readonly selectin: ResolvedLoad[];
  /** Relationships that read as empty/null (noload). */
  readonly noload: RelationshipProperty[];
  /** Row key for `select(User, Address)` results. */
  readonly name: string;
}
/** A plain column in the row. */
export interface ColumnSlot {
  readonly kind: "column";
  readonly offset: number;
  readonly name: string;
}
/** A joined eager load (or containsEager): child entity columns in the same row. */
export interface JoinedLoad {
  readonly rel: RelationshipProperty;
  readonly child: EntitySlot;
}

/** A compiled ORM SELECT. */
export interface OrmPlan {
  readonly stmt: Select;
  readonly slots: readonly Slot[];
  /** Joined eager loads (or containsEager) of collections: rows repeat parents, so unique() is required. */
  readonly hasJoinedCollections: boolean;
  readonly criteria: readonly LoaderCriteriaOption[];
  /** withExpression options, handed on to nested loads. @internal */
  readonly expressions: readonly WithExpressionOption[];
}

/** One relationship's strategy at one node of the load path. */
export interface ResolvedLoad {
  readonly rel: RelationshipProperty;
  readonly strategy: RelationshipStrategy;
  readonly innerJoin: boolean | undefined;
  readonly alias: unknown;
  /** Option nodes below this relationship. */
  readonly children: readonly Load[];
  /** Column directives for the target entity. */
  readonly columns: readonly ColumnDirective[];
  /** Mappers from the root to the parent of this relationship (inclusive). */
  readonly mapperPath: readonly Mapper[];
  /** Relationships from the root down to and including this one. */
  readonly relPath: readonly RelationshipProperty[];
}

/** Options in force at one entity of the load path. */
interface NodeOptions {
  readonly loads: readonly Load[];
  readonly columns: readonly ColumnDirective[];
  /** Mappers above this entity. */
  readonly mapperPath: readonly Mapper[];
  /** Relationships leading to this entity. */
  readonly relPath: readonly RelationshipProperty[];
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
  return (
    stmt.rawColumns.some((c) => entityOf(c) !== undefined || c instanceof InstrumentedAttribute || c instanceof ColumnExpressionProperty) ||
    stmt.loaderOptions.length > 0
  );
}

/** Whether `m` is `parent` or inherits from it (mapped inheritance, when present). */
function isa(m: Mapper, parent: Mapper): boolean {
  for (let x: Mapper | undefined = m; x; x = (x as { inherits?: Mapper }).inherits) if (x === parent) return true;
  return false;
}

/** Decide which column properties of `mapper` to load, given column directives. */
function propsToLoad(mapper: Mapper, directives: readonly ColumnDirective[]): ColumnProperty[] {
  let only: Set<string> | undefined;
  const deferred = new Set<string>();
  const undeferred = new Set<string>();
  for (const d of directives) {
    if (d.mapper && !isa(mapper, d.mapper)) continue;
    if (d.kind === "loadOnly") only = new Set(d.keys);
    else if (d.kind === "defer") deferred.add(d.key);
    else undeferred.add(d.key);
  }
  // polymorphicProps: a mapper's columns plus its subclasses' (mapped inheritance), else columnProps.
  return mapper.polymorphicProps.filter((p) => {
    if (p.column.primaryKey) return true;
    if (only) return only.has(p.key) || undeferred.has(p.key);
    if (deferred.has(p.key)) return false;
    return !p.deferred || undeferred.has(p.key);
  });
}

/** Expression attributes to load: non-deferred columnProperty()s, undeferred ones, withExpression()s. */
function exprsToLoad(mapper: Mapper, directives: readonly ColumnDirective[], withExprs: readonly WithExpressionOption[]): { key: string; expr: ColumnElement<unknown, string> | null }[] {
  const out: { key: string; expr: ColumnElement<unknown, string> | null }[] = [];
  if (mapper.expressionProps.size === 0) return out;
  let only: Set<string> | undefined;
  const deferred = new Set<string>();
  const undeferred = new Set<string>();
  for (const d of directives) {
    if (d.mapper && !isa(mapper, d.mapper)) continue;
    if (d.kind === "loadOnly") only = new Set(d.keys);
    else if (d.kind === "defer") deferred.add(d.key);
    else undeferred.add(d.key);
  }
  for (const [key, p] of mapper.expressionProps) {
    if (p.isQueryExpression) {
      const w = [...withExprs].reverse().find((o) => isa(mapper, o.mapper) && o.key === key);
      out.push({ key, expr: w ? w.expression : p.resolve() });
      continue;
    }
    const load = only ? only.has(key) || undeferred.has(key) : !deferred.has(key) && (!p.deferred || undeferred.has(key));
    if (load) out.push({ key, expr: p.resolve() });
  }
  return out;
}

/** Merge the option nodes for one relationship and pick the strategy. */
function resolveLoads(mapper: Mapper, node: NodeOptions): ResolvedLoad[] {
  const out: ResolvedLoad[] = [];
  const mapperPath = [...node.mapperPath, mapper];
  let wildcard: Load | undefined;
  for (const l of node.loads) if (l.relationship === "*") wildcard = l;
  for (const rel of mapper.relationships.values()) {
    const explicit = node.loads.filter((l) => l.relationship === rel || (l.relationship instanceof RelationshipProperty && l.relationship.key === rel.key && isa(mapper, l.relationship.parent) && l.relationship.parent !== mapper && !mapper.relationships.has(rel.key)));
    const relPath = [...node.relPath, rel];
    if (explicit.length) {
      const last = explicit[explicit.length - 1];
      const innerJoin = [...explicit].reverse().find((l) => l.opts.innerJoin !== undefined)?.opts.innerJoin;
      const alias = [...explicit].reverse().find((l) => l.opts.alias !== undefined)?.opts.alias;
      out.push({
        rel, strategy: last.strategy ?? "raise", innerJoin, alias,
        children: explicit.flatMap((l) => l.children), columns: explicit.flatMap((l) => l.columnDirectives), mapperPath, relPath,
      });
      continue;
    }
    if (wildcard) {
      out.push({ rel, strategy: wildcard.strategy ?? "raise", innerJoin: undefined, alias: undefined, children: [], columns: [], mapperPath, relPath });
      continue;
    }
    const lazy = rel.lazy;
    if (lazy === "noload") {
      out.push({ rel, strategy: "noload", innerJoin: undefined, alias: undefined, children: [], columns: [], mapperPath, relPath });
    } else if ((lazy === "selectin" || lazy === "joined") && defaultDepthAllows(rel, mapperPath, node.relPath)) {
      out.push({ rel, strategy: lazy, innerJoin: undefined, alias: undefined, children: [], columns: [], mapperPath, relPath });
    }
  }
  return out;
}

/** SQLAlchemy's join_depth rule for relationship-level eager strategies. */
function defaultDepthAllows(rel: RelationshipProperty, mapperPath: readonly Mapper[], relPath: readonly RelationshipProperty[]): boolean {
  const joinDepth = (rel.options as { readonly joinDepth?: number }).joinDepth;
  if (joinDepth !== undefined) return relPath.filter((r) => r === rel).length < joinDepth;
  return !mapperPath.includes(rel.mapper);
}

interface EagerJoin {
  readonly from: FromClause;
  readonly target: FromClause;
  onclause: ColumnElement<unknown, string>;
  readonly inner: boolean;
}

/**
 * Build the Core statement and row layout for an ORM SELECT.
 * @param extraOptions loader options added by the session (`get(…, { options })`, nested loads).
 * @throws ArgumentError for a non-option in `.options()` or an unsupported columns-clause element.
 */
export function planOrmSelect(stmt: Select, extraOptions: readonly unknown[] = []): OrmPlan {
  const options = [...stmt.loaderOptions, ...extraOptions];
  for (const o of options) if (!isLoaderOption(o)) throw new ArgumentError(`options(): ${String(o)} is not a loader option`);
  const nested = options.find((o): o is NestedLoadOptions => o instanceof NestedLoadOptions);
  const rootLoads = [...new Set(options.filter((o): o is Load => o instanceof Load).map((l) => l.root))];
  const colDirectives = options.filter((o): o is ColumnOption => o instanceof ColumnOption).map((o) => o.directive);
  const criteria = options.filter((o): o is LoaderCriteriaOption => o instanceof LoaderCriteriaOption);
  const withExprs = options.filter((o): o is WithExpressionOption => o instanceof WithExpressionOption);
  const cols: SelectArg[] = [];
  const slots: Slot[] = [];
  const joins: EagerJoin[] = [];
  const eagerOrder: ColumnElement<unknown, string>[] = [];
  let hasJoinedCollections = false;
  let hasJoinedEagerCollections = false;
  const extraWhere: Condition[] = [];

  const criteriaFor = (mapper: Mapper, from: FromClause): Condition[] => {
    const out: Condition[] = [];
    for (const c of criteria) {
      if (!isa(mapper, c.mapper)) continue;
      if (from !== mapper.table && !c.includeAliases && !joinedAliases.has(from)) continue;
      out.push(criteriaCondition(c, from));
    }
    return out;
  };
  /** Aliases the loader itself made: criteria always apply to them. */
  const joinedAliases = new Set<FromClause>();

  const addEntity = (mapper: Mapper, from: FromClause, name: string, node: NodeOptions, outerChain: boolean): EntitySlot => {
    const props = propsToLoad(mapper, node.columns);
    const offset = cols.length;
    for (const p of props) cols.push(from === mapper.table ? p.column : from.correspondingColumn(p.column)!);
    const exprs: ExpressionSlot[] = [];
    const nullExprs: string[] = [];
    for (const { key, expr } of exprsToLoad(mapper, node.columns, withExprs)) {
      if (expr === null) {
        nullExprs.push(key);
        continue;
      }
      exprs.push({ key, offset: cols.length });
      cols.push(new Label(key, adaptToFrom(expr, mapper.table, from)));
    }
    const pkPositions = mapper.pkProps.map((pk) => props.indexOf(pk));
    const slot: EntitySlot = { kind: "entity", mapper, from, props, offset, pkPositions, exprs, nullExprs, joined: [], selectin: [], noload: [], name };
    for (const l of resolveLoads(mapper, node)) {
      const rel = l.rel;
      const childNode: NodeOptions = { loads: l.children, columns: l.columns, mapperPath: l.mapperPath, relPath: l.relPath };
      if (l.strategy === "selectin") slot.selectin.push(l);
      else if (l.strategy === "noload") slot.noload.push(rel);
      else if (l.strategy === "joined") {
        const target = rel.mapper;
        // An INNER JOIN below an outer join would drop the outer parent rows: chain as outer
        // (SQLAlchemy's innerjoin="unnested" behaviour).
        const inner = !outerChain && (l.innerJoin ?? rel.options.innerjoin ?? false);
        const tAlias = target.table.alias();
        joinedAliases.add(tAlias);
        const crit = criteriaFor(target, tAlias);
        if (rel.direction === "MANYTOMANY") {
          const secAlias = rel.secondary!.alias();
          const pj = adaptToFrom(adaptToFrom(rel.primaryjoin, mapper.table, from), rel.secondary!, secAlias);
          const sj = adaptToFrom(adaptToFrom(rel.secondaryjoin!, target.table, tAlias), rel.secondary!, secAlias);
          joins.push({ from, target: secAlias, onclause: pj, inner });
          joins.push({ from: secAlias, target: tAlias, onclause: crit.length ? and(sj, ...crit) : sj, inner });
        } else {
          const on = rel.joinCondition(from, tAlias);
          joins.push({ from, target: tAlias, onclause: crit.length ? and(on, ...crit) : on, inner });
        }
        for (const o of relOrderBy(rel)) eagerOrder.push(adaptToFrom(o, target.table, tAlias));
        const child = addEntity(target, tAlias, rel.key, childNode, !inner);
        slot.joined.push({ rel, child });
        if (rel.uselist) {
          hasJoinedCollections = true;
          hasJoinedEagerCollections = true;
        }
      } else if (l.strategy === "containsEager") {
        const target = rel.mapper;
        const cFrom = l.alias === undefined ? target.table : aliasFrom(l.alias, target);
        const child = addEntity(target, cFrom, rel.key, childNode, outerChain);
        slot.joined.push({ rel, child });
        if (rel.uselist) hasJoinedCollections = true;
      }
    }
    return slot;
  };

  const rootNode: NodeOptions = nested
    ? { loads: nested.loads, columns: nested.columns, mapperPath: nested.mapperPath, relPath: nested.relPath }
    : { loads: rootLoads, columns: colDirectives, mapperPath: [], relPath: [] };
  for (const raw of stmt.rawColumns) {
    const ent = entityOf(raw);
    if (ent) noteMapper(ent.mapper);
  }
  for (const c of criteria) noteMapper(c.mapper);
  const criteriaDone = new Set<FromClause>();
  // Loader criteria on joins the statement makes itself go into the ON clause.
  let setupJoins: SetupJoin[] | undefined;
  if (criteria.length) {
    setupJoins = stmt.setupJoins.map((j) => {
      const ent = entityForFrom(j.target);
      if (!ent) return j;
      const crit = criteria.filter((c) => isa(ent, c.mapper) && (j.target === ent.table || c.includeAliases)).map((c) => criteriaCondition(c, j.target));
      if (!crit.length) return j;
      criteriaDone.add(j.target);
      return { ...j, onclause: j.onclause ? and(j.onclause as ColumnElement<unknown, string>, ...crit) : and(...crit) };
    });
  }
  const rootSlots: EntitySlot[] = [];
  const polyFroms: FromClause[] = [];
  for (const raw of stmt.rawColumns) {
    const ent = entityOf(raw);
    if (ent) {
      const slot = addEntity(ent.mapper, ent.from, ent.name, rootNode, false);
      slots.push(slot);
      rootSlots.push(slot);
      if (ent.from === ent.mapper.table) addInheritanceFroms(ent.mapper, polyFroms, extraWhere);
      if (!criteriaDone.has(ent.from)) {
        criteriaDone.add(ent.from);
        for (const c of criteria) if (isa(ent.mapper, c.mapper) && (ent.from === ent.mapper.table || c.includeAliases)) extraWhere.push(criteriaCondition(c, ent.from));
      }
    } else if (raw instanceof FromClause) {
      for (const c of raw.columnList) {
        slots.push({ kind: "column", offset: cols.length, name: c.key });
        cols.push(c);
      }
    } else if (raw instanceof ColumnExpressionProperty) {
      slots.push({ kind: "column", offset: cols.length, name: raw.key ?? `col_${cols.length}` });
      cols.push(raw.key ? new Label(raw.key, raw) : raw);
    } else if (raw instanceof ColumnElement) {
      slots.push({ kind: "column", offset: cols.length, name: raw.key ?? `col_${cols.length}` });
      cols.push(raw);
    } else throw new ArgumentError(`ORM select: unsupported columns-clause element ${String(raw)}`);
  }
  // Criteria for entities of the statement's explicit FROM list (selectFrom(User)).
  for (const f of stmt.fromObjs) {
    const ent = entityForFrom(f);
    if (!ent || criteriaDone.has(f)) continue;
    criteriaDone.add(f);
    for (const c of criteria) if (isa(ent, c.mapper) && (f === ent.table || c.includeAliases)) extraWhere.push(criteriaCondition(c, f));
  }

  let base = stmt;
  if (polyFroms.length) base = base.selectFrom(...polyFroms);
  if (setupJoins) base = withSetupJoins(base, setupJoins);
  if (extraWhere.length) base = base.where(...extraWhere);
  const wrap = hasJoinedEagerCollections && (stmt.limitClause !== undefined || stmt.offsetClause !== undefined);
  let core: Select;
  if (!wrap) {
    core = base.withOnlyColumns(...cols) as unknown as Select;
    for (const j of joins) core = core.joinFrom(j.from, j.target, j.onclause, { isOuter: !j.inner });
    if (eagerOrder.length) core = core.orderBy(...eagerOrder);
  } else {
    core = wrapLimited(base, cols as ColumnElement<unknown, string>[], joins, eagerOrder);
  }
  return { stmt: core, slots, hasJoinedCollections, criteria, expressions: withExprs };
}

/**
 * LIMIT/OFFSET with joined eager collections: limit the parents, not the joined rows. The
 * parent SELECT (with its WHERE, joins, ORDER BY, LIMIT) becomes an anonymous subquery; the
 * eager aliases join to it, and its ORDER BY is repeated outside (SQLAlchemy does the same).
 */
function wrapLimited(base: Select, cols: ColumnElement<unknown, string>[], joins: EagerJoin[], eagerOrder: ColumnElement<unknown, string>[]): Select {
  const eagerTargets = new Set(joins.map((j) => j.target));
  const isEagerCol = (c: ColumnElement<unknown, string>) => c instanceof ColumnClause && c.table !== undefined && eagerTargets.has(c.table);
  const innerIdx: number[] = [];
  const innerCols: ColumnElement<unknown, string>[] = [];
  cols.forEach((c, i) => {
    if (!isEagerCol(c)) {
      innerIdx.push(i);
      innerCols.push(c);
    }
  });
  // ORDER BY columns not selected by the parent query go into the subquery too.
  const orderCols: ColumnClause<unknown, string>[] = [];
  for (const o of base.orderByClauses) {
    adaptExpression(o, (c) => {
      if (!innerCols.includes(c) && !orderCols.includes(c)) orderCols.push(c);
      return undefined;
    });
  }
  const inner = base.withOnlyColumns(...innerCols, ...orderCols) as unknown as Select;
  const sub = inner.subquery();
  const subCols = sub.columnList;
  const colMap = new Map<ColumnElement<unknown, string>, ColumnElement<unknown, string>>();
  innerCols.forEach((c, i) => colMap.set(c, subCols[i]));
  orderCols.forEach((c, i) => colMap.set(c, subCols[innerCols.length + i]));
  const toSub = (c: ColumnClause<unknown, string>) => colMap.get(c);
  const outerCols = cols.map((c) => colMap.get(c) ?? c);
  let outer = select(...outerCols) as unknown as Select;
  for (const j of joins) {
    const from = eagerTargets.has(j.from) ? j.from : sub;
    outer = outer.joinFrom(from, j.target, adaptExpression(j.onclause, toSub), { isOuter: !j.inner });
  }
  const order = [...base.orderByClauses.map((o) => adaptExpression(o as ColumnElement<unknown, string>, toSub)), ...eagerOrder];
  if (order.length) outer = outer.orderBy(...order);
  if (base.forUpdateArg) outer = outer.forUpdate(base.forUpdateArg);
  void innerIdx;
  return outer;
}

/** A copy of `stmt` with its pending joins replaced. */
function withSetupJoins(stmt: Select, joins: SetupJoin[]): Select {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(stmt) as object) as Select, stmt);
  (copy as unknown as { setupJoins: SetupJoin[]; _expanded: unknown }).setupJoins = joins;
  (copy as unknown as { _expanded: unknown })._expanded = undefined;
  return copy;
}

/** The mapper whose table (or alias of it) `from` is. */
function entityForFrom(from: FromClause): Mapper | undefined {
  const table = from instanceof Alias && from.element instanceof FromClause ? from.element : from;
  const mapped = (table as { _mapper?: Mapper })._mapper;
  if (mapped) return mapped;
  return mapperByTable.get(table);
}
/** Tables of mappers seen by the loader (filled lazily from entities in statements). */
const mapperByTable = new WeakMap<FromClause, Mapper>();
const notedRegistries = new WeakMap<object, number>();
function noteMapper(m: Mapper): void {
  const all = (m.registry as { readonly mappers?: readonly Mapper[] }).mappers ?? [m];
  if (notedRegistries.get(m.registry) === all.length) return;
  notedRegistries.set(m.registry, all.length);
  for (const x of all) if (!mapperByTable.has(x.table)) mapperByTable.set(x.table, x);
}

function aliasFrom(alias: unknown, target: Mapper): FromClause {
  if (alias instanceof AliasedClass) {
    if (alias.mapper !== target) throw new ArgumentError(`containsEager(): alias of ${alias.mapper.className} given for a relationship to ${target.className}`);
    return alias.alias;
  }
  if (alias instanceof FromClause) return alias;
  throw new ArgumentError(`containsEager(): 'alias' must be aliased(${target.className}) or an alias of its table`);
}

function relOrderBy(rel: RelationshipProperty): ColumnElement<unknown, string>[] {
  const ob = rel.options.orderBy?.();
  if (ob === undefined) return [];
  return Array.isArray(ob) ? [...(ob as ColumnElement<unknown, string>[])] : [ob as ColumnElement<unknown, string>];
}

function criteriaCondition(c: LoaderCriteriaOption, from: FromClause): Condition {
  const m = c.mapper;
  const cond = c.criteria(m.class_ as never);
  return from === m.table ? cond : adaptToFrom(cond as ColumnElement<unknown, string>, m.table, from);
}

/**
 * Mapped inheritance: the FROM joining a joined-table hierarchy's tables, and the discriminator
 * criterion of a single-table subclass (both from the mapper; nothing for plain mappers).
 */
function addInheritanceFroms(mapper: Mapper, froms: FromClause[], where: Condition[]): void {
  const from = mapper.polymorphicFrom();
  if (from && !froms.includes(from)) froms.push(from);
  const crit = mapper.polymorphicCriterion();
  if (crit) where.push(crit);
}

/** Identity-map access the loader needs from the session. */
export interface LoadContext {
  readonly identityMap: IdentityMap;
  readonly sessionId: number;
  readonly populateExisting: boolean;
  /** Run a statement through the ORM (used by selectin loads). */
  executeOrm(stmt: Select, loads: readonly unknown[]): Promise<object[][]>;
  /** The driver's bound-parameter limit per statement (D1: 100); selectin batches stay below it. */
  readonly maxParams?: number;
}

/** Keys per selectin statement: 500 (SQLAlchemy's batch), fewer where the driver allows fewer parameters. */
function selectinBatchSize(ctx: LoadContext, keyWidth: number): number {
  const room = Math.floor(((ctx.maxParams ?? Infinity) - 10) / Math.max(1, keyWidth));
  return Math.max(1, Math.min(SELECTIN_BATCH, room));
}

/** Materialize (or find in the identity map) the entity of a slot from a raw row. */
export function instanceFromRow(ctx: LoadContext, slot: EntitySlot, row: readonly unknown[]): object | null {
  const { mapper, props, offset, pkPositions, exprs, nullExprs } = slot;
  let key: string;
  if (pkPositions.length === 1) {
    // The usual single-column key: no array per row.
    const v = row[offset + pkPositions[0]];
    if (v === null || v === undefined) return null;
    key = mapper.identityKeyOf(v);
  } else {
    const pk: unknown[] = [];
    for (const i of pkPositions) {
      const v = row[offset + i];
      if (v === null || v === undefined) return null;
      pk.push(v);
    }
    key = mapper.identityKey(pk);
  }
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
    for (const e of exprs) if (ctx.populateExisting || !(e.key in st.dict)) st.dict[e.key] = row[e.offset];
    for (const k of nullExprs) if (!(k in st.dict)) st.dict[k] = null;
    return existing;
  }
  // Mapped inheritance: the discriminator picks the subclass to build (the mapper itself otherwise).
  const { obj, state } = mapper.polymorphicMapperForRow(props, row, offset).newInstanceForLoad();
  const d = state.dict;
  const c = state.committed;
  for (let i = 0; i < props.length; i++) {
    const v = row[offset + i];
    d[props[i].key] = v;
    c[props[i].key] = v;
  }
  if (exprs.length) for (const e of exprs) d[e.key] = row[e.offset];
  if (nullExprs.length) for (const k of nullExprs) d[k] = null;
  state.loaded(key, ctx.sessionId);
  ctx.identityMap.set(key, obj);
  return obj;
}

/** Mark noload relationships of loaded objects: they read as empty / null. */
function applyNoload(objs: Iterable<object>, rels: readonly RelationshipProperty[]): void {
  if (!rels.length) return;
  for (const o of objs) {
    const st = stateOf(o);
    if (!st) continue;
    for (const rel of rels) if (isa(st.mapper, rel.parent)) (st.raiseKeys ??= new Set()).add(`noload:${rel.key}`);
  }
}

/**
 * Rows of an ORM select → tuples of entities/values, with joined loads assembled: every parent
 * seen gets its joined collection (empty when no child row matched) unless the collection was
 * changed in memory and the query does not populate existing objects.
 */
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
  st.raiseKeys?.delete(`noload:${rel.key}`);
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

/** Parents per selectin query (SQLAlchemy's `SelectInLoader._chunksize`). */
export const SELECTIN_BATCH = 500;

const keyString = (k: readonly unknown[]): string => JSON.stringify(k, (_x, v: unknown) => (typeof v === "bigint" ? `${v}n` : v instanceof Date ? v.toISOString() : v));

/**
 * selectin loading (SQLAlchemy's `SelectInLoader`): one SELECT per batch of 500 parents,
 * `WHERE <key> IN (…)` (a tuple IN for composite keys), ordered by the relationship's orderBy;
 * the options below the relationship run on the loaded children in their own queries.
 * Many-to-one loads the targets by primary key and skips the query when every target is
 * already in the identity map and nothing below it is to be loaded.
 */
export async function selectinLoad(ctx: LoadContext, load: ResolvedLoad, parents: readonly object[], plan: Pick<OrmPlan, "criteria" | "expressions">): Promise<void> {
  if (parents.length === 0) return;
  const rel = load.rel;
  const target = rel.mapper;
  const nestedOpts = new NestedLoadOptions(load.children, load.columns, load.mapperPath, load.relPath);
  const extra: unknown[] = [nestedOpts, ...plan.criteria, ...plan.expressions];
  const hasBelow = load.children.length > 0 || resolveLoads(target, { loads: load.children, columns: load.columns, mapperPath: load.mapperPath, relPath: load.relPath }).some((l) => l.strategy !== "raise");
  const states = parents.map((p) => stateOf(p)!);
  if (rel.direction === "MANYTOONE") {
    const wanted = new Map<string, unknown[]>();
    for (const st of states) {
      const fk = rel.syncPairs.map(([local]) => st.dict[propKey(rel.parent, local)]);
      if (fk.some((v) => v === null || v === undefined)) continue;
      const key = target.identityKey(fk);
      if (!ctx.identityMap.has(key) || hasBelow || ctx.populateExisting || load.columns.length) wanted.set(key, fk);
    }
    const keys = [...wanted.values()];
    const remoteCols = rel.syncPairs.map(([, remote]) => remote);
    const size = selectinBatchSize(ctx, remoteCols.length);
    for (let i = 0; i < keys.length; i += size) {
      const batch = keys.slice(i, i + size);
      const cond = remoteCols.length === 1 ? remoteCols[0].in(batch.map((k) => k[0])) : tuple(...remoteCols).in(batch);
      await ctx.executeOrm(select(target.class_ as never).where(cond) as unknown as Select, extra);
    }
    for (const st of states) {
      const fk = rel.syncPairs.map(([local]) => st.dict[propKey(rel.parent, local)]);
      const obj = fk.some((v) => v === null || v === undefined) ? null : ctx.identityMap.get(target.identityKey(fk)) ?? null;
      if (!ctx.populateExisting && rel.key in st.dict && isModifiedCollection(st, rel)) continue;
      assignRelationship(st, rel, obj ? [obj] : []);
    }
    return;
  }
  // ONETOMANY / MANYTOMANY: children grouped by the parent's key.
  const parentCols = rel.direction === "MANYTOMANY" ? rel.secondarySyncPairs.map(([local]) => local) : rel.syncPairs.map(([local]) => local);
  const keyOf = (st: InstanceState) => parentCols.map((c) => st.dict[propKey(rel.parent, c)]);
  const groups = new Map<string, object[]>();
  const parentKeys: unknown[][] = [];
  const seenKeys = new Set<string>();
  for (const st of states) {
    const k = keyOf(st);
    if (k.some((v) => v === null || v === undefined)) continue;
    const ks = keyString(k);
    if (!seenKeys.has(ks)) {
      seenKeys.add(ks);
      parentKeys.push(k);
    }
  }
  const orderBy = relOrderBy(rel);
  const size = selectinBatchSize(ctx, parentCols.length);
  for (let i = 0; i < parentKeys.length; i += size) {
    const batch = parentKeys.slice(i, i + size);
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
      const ks = keyString(t.slice(1));
      let g = groups.get(ks);
      if (!g) groups.set(ks, (g = []));
      if (!g.includes(child)) g.push(child);
    }
  }
  for (const st of states) {
    const k = keyOf(st);
    if (!ctx.populateExisting && rel.key in st.dict && isModifiedCollection(st, rel)) continue;
    assignRelationship(st, rel, k.some((v) => v === null || v === undefined) ? [] : groups.get(keyString(k)) ?? []);
  }
}

/** Attribute key of a mapper's column. */
function propKey(m: Mapper, col: ColumnClause<unknown, string>): string {
  const p = m.propByColumn.get(col as never);
  if (!p) throw new InvalidRequestError(`${m.className} maps no attribute for ${col.describe()}`);
  return p.key;
}

/** After rows are processed: noload marks and selectin loads for every entity slot, depth first. */
export async function postLoad(ctx: LoadContext, plan: OrmPlan, tuples: readonly unknown[][]): Promise<void> {
  const walk = async (slot: EntitySlot, objs: object[]) => {
    if (!objs.length) return;
    applyNoload(objs, slot.noload);
    for (const l of slot.selectin) await selectinLoad(ctx, l, objs.filter((o) => isa(stateOf(o)!.mapper, l.rel.parent)), plan);
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
    // A plain entity (no noload/selectin anywhere below it) needs no pass over its objects.
    if (slot.kind !== "entity" || !needsPostLoad(slot)) continue;
    await walk(slot, entitiesOf(tuples, i));
  }
}

/** Whether a slot or a joined slot below it has noload marks or selectin loads to apply. */
function needsPostLoad(slot: EntitySlot): boolean {
  return slot.noload.length > 0 || slot.selectin.length > 0 || slot.joined.some((j) => needsPostLoad(j.child));
}

/** The error SQLAlchemy 2.0 raises when rows with joined eager collections are fetched without unique(). */
export function requireUniqueError(): InvalidRequestError {
  return new InvalidRequestError(
    "The unique() method must be invoked on this Result, as it contains results that include joined eager loads against collections",
  );
}

type Guardable = { _uniq: unknown; _next(): unknown; _many(n: number): unknown[]; first(): unknown };

/**
 * Make a result raise {@link requireUniqueError} when rows are fetched before `unique()` was
 * called — SQLAlchemy 2.0's `require_unique` filter: all(), iteration, fetchone/fetchmany,
 * one()/oneOrNone() raise once a row is produced; first() and scalar() do not (they never
 * de-duplicate); an empty result does not raise. scalars(), mappings() and columns() derived
 * from it inherit the rule unless unique() was called first.
 */
function guardUnique<R extends object>(result: R): R {
  const r = result as unknown as Guardable & Record<string, unknown>;
  const next = r._next.bind(r);
  const many = r._many.bind(r);
  const first = r.first.bind(r);
  let inFirst = false;
  r._next = () => {
    const item = next();
    if (item !== NO_ROW && r._uniq === undefined && !inFirst) throw requireUniqueError();
    return item;
  };
  r._many = (n: number) => {
    const items = many(n);
    if (items.length && r._uniq === undefined) throw requireUniqueError();
    return items;
  };
  r.first = () => {
    inFirst = true;
    try {
      return first();
    } finally {
      inFirst = false;
    }
  };
  for (const m of ["scalars", "mappings", "columns"]) {
    const f = r[m];
    if (typeof f !== "function") continue;
    r[m] = (...args: unknown[]) => {
      const derived = (f as (...a: unknown[]) => object).apply(r, args);
      return r._uniq === undefined ? guardUnique(derived) : derived;
    };
  }
  return result;
}

/**
 * One metadata object per key list: the result layer caches its row class per metadata
 * object, so reusing it avoids rebuilding the row shape on every execution.
 */
const ormMetadataCache = new Map<string, ResultMetadataLike>();
interface ResultMetadataLike {
  readonly keys: readonly string[];
  readonly processors: readonly undefined[];
}
function ormResultMetadata(keys: string[]): ResultMetadataLike {
  const sig = keys.join("\u0000");
  let m = ormMetadataCache.get(sig);
  if (!m) {
    m = { keys, processors: keys.map(() => undefined) };
    if (ormMetadataCache.size < 1000) ormMetadataCache.set(sig, m);
  }
  return m;
}

/**
 * Wrap ORM tuples as a Result (one column per slot, keyed by entity class name or column key).
 * With joined eager loads of collections the rows repeat parents, and — as in SQLAlchemy 2.0 —
 * the result must be de-duplicated explicitly: `(await session.execute(stmt)).unique().scalars()`
 * or `(await session.scalars(stmt)).unique().all()`; fetching rows without it raises
 * InvalidRequestError.
 */
export function ormResult(plan: OrmPlan, tuples: unknown[][]): Result<unknown[], Record<string, unknown>> {
  const res = new Result(ormResultMetadata(plan.slots.map((s) => s.name)), tuples, { rowsAffected: -1, returnsRows: true });
  return plan.hasJoinedCollections ? guardUnique(res) : res;
}

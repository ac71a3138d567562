/**
 * ORM SELECT execution (SQLAlchemy's `ORMCompileState`, `loading.instances()` and the loader
 * strategies in `orm/strategies.py`):
 *
 * 1. {@link planOrmSelect} turns a statement over entities into a Core SELECT: entity columns
 *    (minus deferred ones), SQL expression attributes, joined eager loads as LEFT OUTER JOINs to
 *    anonymous aliases (wrapping a LIMITed parent SELECT in a subquery), `containsEager` columns
 *    and `withLoaderCriteria` criteria. The layout of a statement without loader options is
 *    cached per columns clause (SQLAlchemy caches the whole compile state per cache key); only
 *    its application to the statement's own clauses, which carry the bind values, runs per call.
 * 2. {@link processRows} turns rows into identity-mapped objects and assembles joined
 *    collections ({@link processRawRows}: from the driver's rows, processing values as they are
 *    read).
 * 3. {@link postLoad} runs selectin loads: one `SELECT … WHERE key IN (…)` per relationship
 *    level and batch of 500 parents, selecting each column once (the parent key is read from the
 *    loaded entity's own column when it loads it, as SQLAlchemy's SelectInLoader does).
 * 4. {@link ormResult} wraps the tuples in a Result that enforces 2.0's `unique()` rule. Its
 *    columns are addressed by key (SQLAlchemy's ORM keys: `select(User.id, Address.id)` →
 *    `["id", "id"]`) and by object: the entity, the ORM attribute or the column behind it
 *    (`row._mapping.get(Address.id)`, SQLAlchemy's `row._mapping[Address.id]`).
 *
 * Loader strategy of a relationship at one point of the load path: an explicit option for that
 * relationship wins; else a `"*"` option at that node (`defaultload(User.orders).joinedload("*")`)
 * or an unbound root one (`raiseload("*")`, `joinedload("*")`, in force at every depth, as
 * SQLAlchemy's default token); else the relationship's own `lazy` ("selectin", "joined",
 * "noload"; "raise" by default). Default and wildcard eager strategies stop where the target
 * mapper already occurs higher up the path (SQLAlchemy's `join_depth=None` rule), or after
 * `joinDepth` levels of the same relationship.
 *
 * Relationship criteria (`selectinload(User.addresses.and(crit))`, `ofType(Subclass)`) go into
 * the eager join's ON clause or the selectin query's WHERE, re-targeted to the alias used; the
 * collection then holds (and its committed snapshot is) only the matching rows, and one already
 * loaded is kept unless the query populates existing objects.
 * @module
 */
import type { IdentityMap, IdentityPart } from "./identity-map.js";
import { ArgumentError, InvalidRequestError, NoSuchColumnError } from "../errors.js";
import { and, BinaryExpression, BindParameter, BooleanClauseList, ClauseElement, ColumnElement, Label, TextClause, UnaryExpression, tuple, type Condition } from "../sql/elements.js";
import { ColumnClause } from "../sql/column.js";
import {
  Alias, FROM_STATEMENT_ANNOTATION, FromClause, hideFromLabelResolve, Join, LABEL_STYLE_NONE, LABEL_STYLE_TABLENAME_PLUS_COL, labelledColumn, Select, select, SelectBase, selectPlugins,
  TextualSelect, tqLabel, type CompoundSelect, type SelectArg, type SetupJoin,
} from "../sql/selectable.js";
import { Result } from "../engine/result/result.js";
import { NO_ROW } from "../engine/result/result-base.js";
import type { ResultProcessor } from "../engine/result/metadata.js";
import { adaptExpression, adaptToFrom, aliasedEntities, aliasedExpressionAttributes, tablesOf, type AliasedClass } from "./aliased.js";
import { retargetCriterion } from "./relationship-operators.js";
import { flatAlias } from "./flat-alias.js";
import { relationshipSecondaryAliases, type InnerJoinSetting } from "./relationship.js";
import type { ColumnExpressionProperty } from "./mapped-column.js";
import { ColumnProperty, correspondingIn, InstrumentedAttribute, mapperOf, RelationshipProperty, type Mapper } from "./mapper.js";
import {
  NestedLoadOptions, isLoaderOption,
  type ColumnDirective, type ColumnOption, type Load, type LoaderCriteriaOption, type LoaderOption, type RelationshipStrategy, type WithExpressionOption,
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
  /** `props[i].key`, read once per row instead of through each property. */
  readonly keys: readonly string[];
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
  /** Relationships under `raiseload(…, { sqlOnly: true })`: a many-to-one may read from the identity map. */
  readonly raiseOnSql: RelationshipProperty[];
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
  /**
   * Loaded with relationship criteria (`.and()` / `ofType(Subclass)`): a collection already
   * loaded is kept unless the query populates existing objects (SQLAlchemy's rule for them).
   */
  readonly filtered?: boolean;
}

/** A compiled ORM SELECT. */
export interface OrmPlan {
  /** The Core statement to run: a SELECT, or the textual SELECT given to `fromStatement()`. */
  readonly stmt: Select | TextualSelect | CompoundSelect;
  /**
   * `fromStatement()`: for each column the layout reads, its position in the statement's rows
   * (which the statement, not the ORM, laid out). @internal
   */
  readonly columnMap?: readonly number[];
  readonly slots: readonly Slot[];
  /** Joined eager loads (or containsEager) of collections: rows repeat parents, so unique() is required. */
  readonly hasJoinedCollections: boolean;
  readonly criteria: readonly LoaderCriteriaOption[];
  /** withExpression options, handed on to nested loads. @internal */
  readonly expressions: readonly WithExpressionOption[];
  /** Whether {@link postLoad} has anything to do (noload marks or selectin loads somewhere). @internal */
  readonly needsPostLoad: boolean;
  /** Result metadata of the ORM rows (one object per slot-name list). @internal */
  readonly meta: ResultMetadataLike;
  /** The statement's eager relationship options its entities' objects remember (see {@link rememberLoadOptions}). @internal */
  readonly rememberedOptions?: readonly Load[] | undefined;
}

/** One relationship's strategy at one node of the load path. */
export interface ResolvedLoad {
  readonly rel: RelationshipProperty;
  readonly strategy: RelationshipStrategy;
  readonly innerJoin: InnerJoinSetting | undefined;
  readonly alias: unknown;
  /** Criteria on the target (`.and()` / `ofType(Subclass)`), against its table or an alias of it. */
  readonly criteria: readonly ColumnElement<boolean>[];
  /** `ofType(JoinedSubclass)` in selectinload / containsEager: the entity the target loads as. */
  readonly ofType?: Mapper;
  /** Option nodes below this relationship. */
  readonly children: readonly Load[];
  /** Column directives for the target entity. */
  readonly columns: readonly ColumnDirective[];
  /** Mappers from the root to the parent of this relationship (inclusive). */
  readonly mapperPath: readonly Mapper[];
  /** Relationships from the root down to and including this one. */
  readonly relPath: readonly RelationshipProperty[];
  /** The statement-wide wildcard strategy (`joinedload("*")` unbound), in force below too. */
  readonly wildcard?: Load | undefined;
  /** selectinload's `chunksize`: parents per IN query. */
  readonly chunksize?: number;
}

/** Options in force at one entity of the load path. */
interface NodeOptions {
  readonly loads: readonly Load[];
  readonly columns: readonly ColumnDirective[];
  /**
   * An unbound root wildcard (`raiseload("*")`, `joinedload("*")`): SQLAlchemy's default token,
   * the strategy of every relationship at every depth that no option names.
   */
  readonly wildcard?: Load | undefined;
  /** Mappers above this entity. */
  readonly mapperPath: readonly Mapper[];
  /** Relationships leading to this entity. */
  readonly relPath: readonly RelationshipProperty[];
}

function entityOf(x: unknown): { mapper: Mapper; from: FromClause; name: string; aliased?: AliasedClass; polymorphic?: true } | undefined {
  // A brand, not instanceof: apps that never alias leave AliasedClass out of their bundle.
  if (isAliasedClass(x)) return { mapper: x.mapper, from: x.alias, name: x.entityName ?? x.alias.name ?? x.mapper.className, aliased: x };
  // withPolymorphic(Base, [Sub, …]): the base class over its join to the subclass tables.
  if ((x as { _isPolymorphicEntity?: true } | null)?._isPolymorphicEntity === true) {
    const wp = x as { mapper: Mapper; selectable: FromClause };
    return { mapper: wp.mapper, from: wp.selectable, name: wp.mapper.className, polymorphic: true };
  }
  if (typeof x === "function") {
    const m = mapperOf(x);
    if (m) return { mapper: m, from: m.table, name: m.className };
  }
  return undefined;
}

/** The single-table subclass an alias made by `aliased(Subclass)` stands for (none for other FROMs). */
function singleTableAliasMapper(from: FromClause): Mapper | undefined {
  const m = aliasedEntities.get(from)?.mapper;
  return m !== undefined && m.polymorphicCriterion() !== undefined ? m : undefined;
}

/** Whether `on` mentions `col` (a join's ON clause already restricting the discriminator). */
function mentionsColumn(on: ClauseElement, col: ColumnElement<unknown, string> | undefined): boolean {
  if (col === undefined) return false;
  let hit = false;
  adaptExpression(on, (c) => {
    if (c === col) hit = true;
    return undefined;
  });
  return hit;
}

function isAliasedClass(x: unknown): x is AliasedClass {
  return (x as { _isAliasedClass?: true } | null)?._isAliasedClass === true;
}
function isColumnExpressionProperty(x: unknown): x is ColumnExpressionProperty {
  return (x as { _isColumnExpressionProperty?: true } | null)?._isColumnExpressionProperty === true;
}

/** Whether an attribute's mapper restricts or widens a bare column's FROM (inheritance). */
function needsMapperFrom(m: Mapper | undefined): boolean {
  return m !== undefined && (m.polymorphicCriterion() !== undefined || m.localFrom() !== undefined);
}

/** Whether a statement selects ORM entities or attributes (and so goes through the ORM). */
export function isOrmStatement(stmt: unknown): boolean {
  if (!(stmt instanceof Select)) return false;
  return (
    stmt.rawColumns.some((c) => entityOf(c) !== undefined || c instanceof InstrumentedAttribute || isColumnExpressionProperty(c)) ||
    stmt.loaderOptions.length > 0 ||
    stmt.annotations[FROM_STATEMENT] !== undefined ||
    stmt.annotations[FROM_ENTITIES] !== undefined ||
    // `select(func.count(Manager.id))` still needs the single-table subclass's restriction, or
    // the joined subclass's own join (`FROM people JOIN managers`).
    stmt.rawColumns.some((c) => c instanceof ColumnElement && attributesIn(c).some((a) => needsMapperFrom(entityOf(a.entity)?.mapper))) ||
    // `select(Engineer, …)` only in selectFrom()/joinFrom() (through an alias of the subclass).
    stmt.fromObjs.some((f) => singleTableAliasMapper(f) !== undefined) ||
    stmt.setupJoins.some((j) => j.from !== undefined && singleTableAliasMapper(j.from) !== undefined) ||
    hasNestedOrmSelect(stmt)
  );
}

/**
 * Whether a statement's columns or WHERE hold a sub-SELECT (scalar subquery, EXISTS) of ORM
 * entities or attributes; those go through the ORM as well (their own discriminator criteria).
 */
function hasNestedOrmSelect(stmt: Select): boolean {
  let found = false;
  const visit = (e: unknown, depth: number): void => {
    // Columns and bound values hold no SELECT: the common `col = value` criterion is not walked.
    if (found || depth > 64 || !(e instanceof ClauseElement) || e instanceof FromClause || e instanceof InstrumentedAttribute || e instanceof ColumnClause || e instanceof BindParameter) return;
    if (e instanceof Select && depth > 0) {
      if (isOrmStatement(e)) {
        found = true;
        return;
      }
    } else if (e instanceof SelectBase && depth > 0) return;
    if (e instanceof BinaryExpression) {
      // The usual criterion (`col = value`): its two operands, without listing its fields.
      visit(e.left, depth + 1);
      visit(e.right, depth + 1);
      return;
    }
    const src = e as unknown as Record<string, unknown>;
    for (const k of Object.keys(src)) {
      if (k === "table" || k === "_expanded") continue;
      const v = src[k];
      if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
      else visit(v, depth + 1);
    }
  };
  for (const c of stmt.rawColumns) if (!found && !(c instanceof FromClause)) visit(c, 1);
  for (const w of stmt.whereCriteria) if (!found) visit(w, 1);
  for (const h of stmt.havingCriteria) if (!found) visit(h, 1);
  return found;
}

/**
 * The statement with each ORM sub-SELECT in its columns, WHERE or HAVING replaced by its planned
 * Core form: SQLAlchemy compiles a nested ORM select with its own ORM compile state, so a
 * single-table subclass inside a scalar subquery or EXISTS carries its discriminator criterion
 * (`(SELECT employees.employee_id FROM employees WHERE employees.type IN (…)) AS foo`).
 * Sub-SELECTs used as FROM clauses (subqueries) are left as they are. Returns `stmt` itself
 * when there is none.
 */
function planNestedOrmSelects(stmt: Select): Select {
  if (!hasNestedOrmSelect(stmt)) return stmt;
  const visit = (e: unknown, depth: number): unknown => {
    if (depth > 64 || !(e instanceof ClauseElement) || e instanceof FromClause || e instanceof InstrumentedAttribute) return e;
    // Planned afresh, not from the layout cache: two equal sub-SELECTs must not share the
    // criterion's bound parameter (SQLAlchemy renders type_1 and type_2, #6824).
    if (e instanceof Select && isOrmStatement(e)) {
      // Its SQL only: eager joins are not rendered inside it (SQLAlchemy's
      // test_exists_no_eagerloads), as no rows of it are loaded as entities.
      const inner = planNestedOrmSelects(e);
      return assembleOrmPlan(inner, analyzeOrmSelect(inner, [], true)).stmt;
    }
    if (e instanceof SelectBase && !(e instanceof Select)) return e;
    let copy: Record<string, unknown> | undefined;
    const src = e as unknown as Record<string, unknown>;
    for (const k of Object.keys(src)) {
      if (k === "table" || k === "_expanded") continue;
      const v = src[k];
      let nv: unknown = v;
      if (v instanceof ClauseElement) nv = visit(v, depth + 1);
      else if (Array.isArray(v)) {
        const mapped = v.map((x) => visit(x, depth + 1));
        if (mapped.some((x, i) => x !== v[i])) nv = mapped;
      }
      if (nv !== v) {
        copy ??= Object.assign(Object.create(Object.getPrototypeOf(e) as object) as Record<string, unknown>, src);
        copy[k] = nv;
      }
    }
    if (copy && e instanceof SelectBase) copy._expanded = undefined;
    return copy ?? e;
  };
  const out = Object.assign(Object.create(Object.getPrototypeOf(stmt) as object) as Select, stmt);
  const w = out as unknown as { rawColumns: unknown[]; whereCriteria: unknown[]; havingCriteria: unknown[]; _expanded: unknown };
  w.rawColumns = stmt.rawColumns.map((c) => (c instanceof FromClause ? c : visit(c, 1)));
  w.whereCriteria = stmt.whereCriteria.map((c) => visit(c, 1));
  w.havingCriteria = stmt.havingCriteria.map((c) => visit(c, 1));
  w._expanded = undefined;
  return out;
}

/** Whether `m` is `parent` or inherits from it (mapped inheritance, when present). */
function isa(m: Mapper, parent: Mapper): boolean {
  for (let x: Mapper | undefined = m; x; x = (x as { inherits?: Mapper }).inherits) if (x === parent) return true;
  return false;
}

/** Column directives folded for one entity. */
interface Deferrals {
  readonly only: Set<string> | undefined;
  readonly deferred: Set<string>;
  readonly undeferred: Set<string>;
  readonly groups: Set<string>;
}

/** The column directives that apply to `mapper`, folded; "*" in a set is SQLAlchemy's wildcard. */
function deferralsFor(mapper: Mapper, directives: readonly ColumnDirective[]): Deferrals {
  let only: Set<string> | undefined;
  const deferred = new Set<string>();
  const undeferred = new Set<string>();
  const groups = new Set<string>();
  for (const d of directives) {
    if (d.mapper && !isa(mapper, d.mapper)) continue;
    if (d.kind === "loadOnly") only = new Set(d.keys);
    else if (d.kind === "undeferGroup") groups.add(d.key);
    else if (d.kind === "defer") {
      // A wildcard gives way to options naming the column; naming it both ways is a conflict.
      if (d.key !== "*" && undeferred.has(d.key)) throw strategyConflict(d, "defer", "undefer");
      deferred.add(d.key);
    } else {
      if (d.key !== "*" && deferred.has(d.key)) throw strategyConflict(d, "undefer", "defer");
      undeferred.add(d.key);
    }
  }
  return { only, deferred, undeferred, groups };
}

/**
 * SQLAlchemy 2.0 refuses `defer(X)` and `undefer(X)` for the same attribute in one statement
 * rather than letting either win.
 */
function strategyConflict(d: { readonly mapper: Mapper | undefined; readonly key: string }, replacement: string, existing: string): InvalidRequestError {
  const attr = `${d.mapper?.className ?? "?"}.${d.key}`;
  return new InvalidRequestError(`Loader strategy replacement ${replacement}(${attr}) is in conflict with existing strategy ${existing}(${attr})`);
}

/** Whether a column (or expression) attribute loads under the folded directives. */
function loadsUnder(f: Deferrals, key: string, deferredByDefault: boolean, group: string | undefined): boolean {
  if (f.undeferred.has(key)) return true;
  if (f.deferred.has(key)) return false;
  if (f.only) return f.only.has(key);
  if (f.deferred.has("*")) return false;
  if (f.undeferred.has("*")) return true;
  return !deferredByDefault || (group !== undefined && f.groups.has(group));
}

/** Decide which column properties of `mapper` to load, given column directives. */
function propsToLoad(mapper: Mapper, directives: readonly ColumnDirective[]): ColumnProperty[] {
  const f = deferralsFor(mapper, directives);
  // polymorphicProps: a mapper's columns plus its subclasses' (mapped inheritance), else columnProps.
  // The primary key always loads: SQLAlchemy 2.0 ignores defer() of a key column.
  return mapper.polymorphicProps.filter((p) => p.column.primaryKey || loadsUnder(f, p.key, p.deferred, p.group));
}

/** Expression attributes to load: non-deferred columnProperty()s, undeferred ones, withExpression()s. */
function exprsToLoad(mapper: Mapper, directives: readonly ColumnDirective[], withExprs: readonly WithExpressionOption[]): { key: string; expr: ColumnElement<unknown, string> | null }[] {
  const out: { key: string; expr: ColumnElement<unknown, string> | null }[] = [];
  if (mapper.expressionProps.size === 0) return out;
  const f = deferralsFor(mapper, directives);
  for (const [key, p] of mapper.expressionProps) {
    if (p.isQueryExpression) {
      const w = [...withExprs].reverse().find((o) => isa(mapper, o.mapper) && o.key === key);
      out.push({ key, expr: w ? w.expression : p.resolve() });
      continue;
    }
    const load = loadsUnder(f, key, p.deferred, undefined);
    if (load) out.push({ key, expr: p.resolve() });
  }
  return out;
}

/**
 * How an expression attribute (columnProperty / withExpression) sits in an entity's SELECT list.
 * SQLAlchemy selects the expression itself, so the compiler gives it an anonymous label
 * (`users.id * :id_1 AS anon_1`, `foob(users.name) AS foob_1`), never the attribute's key; an
 * expression the user labelled (`.label("email_ad")`) keeps its label for the entity's own table.
 * Against an alias the label is dropped and the adapted expression is labelled anonymously
 * (test_query.py ColumnPropertyTest.test_order_by_column_labeled_prop_attr_aliased_one,
 * test_core_compilation.py test_joinedload_hard_labeled_selfref: `lower(a_1.data) AS lower_1`).
 * Rows are read by position, so the label's name never matters to loading.
 */
function expressionColumn(expr: ColumnElement<unknown, string>, table: FromClause, from: FromClause): ColumnElement<unknown, string> {
  // A withPolymorphic() join holds the base table itself: nothing to re-target.
  if (from === table || from instanceof Join) return expr;
  const inner = expr instanceof Label ? expr.element : expr;
  return adaptToFrom(inner, table, from);
}

/**
 * The relationships a load node resolves for `mapper`'s rows: its own, plus those of its
 * subclasses that an option names (`selectinload(Company.employees.ofType(Engineer))
 * .selectinload(Engineer.machines)`), loaded for the rows of that subclass only.
 */
function relationshipsToResolve(mapper: Mapper, node: NodeOptions): RelationshipProperty[] {
  const rels = [...mapper.relationships.values()];
  if (mapper.subMappers.length === 0 || node.loads.length === 0) return rels;
  for (const d of mapper.descendants) {
    for (const r of d.relationships.values()) {
      if (!rels.includes(r) && !mapper.relationships.has(r.key) && node.loads.some((l) => l.relationship === r)) rels.push(r);
    }
  }
  return rels;
}

/** Merge the option nodes for one relationship and pick the strategy. */
function resolveLoads(mapper: Mapper, node: NodeOptions): ResolvedLoad[] {
  const out: ResolvedLoad[] = [];
  const mapperPath = [...node.mapperPath, mapper];
  let levelWildcard: Load | undefined;
  for (const l of node.loads) if (l.relationship === "*") levelWildcard = l;
  const wildcard = levelWildcard ?? node.wildcard;
  const inherited = node.wildcard;
  for (const rel of relationshipsToResolve(mapper, node)) {
    const explicit = node.loads.filter((l) => l.relationship === rel || (l.relationship instanceof RelationshipProperty && l.relationship.key === rel.key && isa(mapper, l.relationship.parent) && l.relationship.parent !== mapper && !mapper.relationships.has(rel.key)));
    const relPath = [...node.relPath, rel];
    if (explicit.length) {
      const innerJoin = [...explicit].reverse().find((l) => l.opts.innerJoin !== undefined)?.opts.innerJoin;
      const alias = [...explicit].reverse().find((l) => l.opts.alias !== undefined)?.opts.alias;
      // defaultload() nodes carry no strategy: the last explicit one wins, else the relationship's own.
      let chosen = [...explicit].reverse().find((l) => l.strategy !== undefined)?.strategy ?? wildcardStrategy(wildcard, rel, mapperPath, node.relPath) ?? defaultStrategy(rel, mapperPath, node.relPath);
      // A subclass's relationship below a base entity's rows (`…ofType(Engineer)).joinedload(Engineer.machines)`):
      // the eager join cannot start from the base table's alias, so it loads by selectin.
      if (chosen === "joined" && !isa(mapper, rel.parent)) chosen = "selectin";
      const ofType = [...explicit].reverse().find((l) => l.opts.ofType !== undefined)?.opts.ofType;
      const recursion = [...explicit].reverse().find((l) => l.opts.recursionDepth !== undefined);
      const chunksize = [...explicit].reverse().find((l) => l.opts.chunksize !== undefined)?.opts.chunksize;
      const children = explicit.flatMap((l) => l.children);
      if (recursion && chosen === "selectin") children.push(...recursiveStep(rel, recursion));
      out.push({
        rel, strategy: chosen, innerJoin, alias, criteria: explicit.flatMap((l) => l.opts.criteria ?? []), ...(ofType ? { ofType } : {}),
        children, columns: explicit.flatMap((l) => l.columnDirectives), mapperPath, relPath, wildcard: inherited, ...(chunksize !== undefined ? { chunksize } : {}),
      });
      continue;
    }
    if (wildcard) {
      const strategy = wildcardStrategy(wildcard, rel, mapperPath, node.relPath);
      if (strategy !== undefined) out.push({ rel, strategy, innerJoin: wildcard.opts.innerJoin, alias: undefined, criteria: [], children: [], columns: [], mapperPath, relPath, wildcard: inherited });
      continue;
    }
    const lazy = rel.lazy;
    if (lazy === "noload") {
      out.push({ rel, strategy: "noload", innerJoin: undefined, alias: undefined, criteria: [], children: [], columns: [], mapperPath, relPath });
    } else if ((lazy === "selectin" || lazy === "joined") && defaultDepthAllows(rel, mapperPath, node.relPath)) {
      out.push({ rel, strategy: lazy, innerJoin: undefined, alias: undefined, criteria: [], children: [], columns: [], mapperPath, relPath });
    }
  }
  return out;
}

/**
 * `selectinload(Node.children, { recursionDepth })`: the option for the next level, one level
 * less deep (none after the last; -1 repeats until a level loads nothing, as SQLAlchemy does).
 * @throws InvalidRequestError when the relationship is not self-referential (SQLAlchemy's message).
 */
function recursiveStep(rel: RelationshipProperty, option: Load): Load[] {
  const depth = option.opts.recursionDepth!;
  if (!isa(rel.mapper, rel.parent) && !isa(rel.parent, rel.mapper)) {
    throw new InvalidRequestError(`recursion_depth option on relationship ${rel.parent.className}.${rel.key} not valid for non-self-referential relationship`);
  }
  if (depth === 0) return [];
  // The option's own class, not an import of it: loading.ts keeps option classes out of bundles.
  const LoadClass = option.constructor as new (...args: ConstructorParameters<typeof Load>) => Load;
  const next = new LoadClass(rel, "selectin", { ...option.opts, recursionDepth: depth === -1 ? -1 : depth - 1 });
  next.target = option.target;
  return [next];
}

/** The strategy a relationship's own `lazy` setting gives at this point of the load path. */
function defaultStrategy(rel: RelationshipProperty, mapperPath: readonly Mapper[], relPath: readonly RelationshipProperty[]): RelationshipStrategy {
  const lazy = rel.lazy;
  if (lazy === "noload") return "noload";
  if ((lazy === "selectin" || lazy === "joined") && defaultDepthAllows(rel, mapperPath, relPath)) return lazy;
  return "raise";
}

/**
 * The strategy a wildcard gives `rel`; an eager one stops where the path comes back to a mapper
 * already on it (as SQLAlchemy's default eager strategies do), leaving the relationship unloaded.
 */
function wildcardStrategy(wildcard: Load | undefined, rel: RelationshipProperty, mapperPath: readonly Mapper[], relPath: readonly RelationshipProperty[]): RelationshipStrategy | undefined {
  if (wildcard === undefined) return undefined;
  const s = wildcard.strategy ?? "raise";
  if ((s === "joined" || s === "selectin") && !defaultDepthAllows(rel, mapperPath, relPath)) return "raise";
  return s;
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
  const fromStatement = stmt.annotations[FROM_STATEMENT] as FromStatementArg | undefined;
  if (fromStatement !== undefined) return fromStatementPlan(fromStatement, analyzeOrmSelect(stmt, extraOptions, true));
  stmt = planNestedOrmSelects(stmt);
  // Without loader options the layout depends only on the columns clause (and the mappers'
  // configuration): it is cached per columns-clause objects. With options (fresh objects per
  // statement, criteria closures evaluated per plan) it is planned each time.
  // The layout cache is keyed by the columns clause alone: LABEL_STYLE_TABLENAME_PLUS_COL, which
  // renames the column slots, is planned each time.
  if (stmt.loaderOptions.length === 0 && extraOptions.length === 0 && stmt.labelStyle !== LABEL_STYLE_TABLENAME_PLUS_COL) {
    const layout = cachedLayout(stmt);
    // A statement object executed again (built once, run with parameters, as session.get()
    // does) reuses its whole plan: the layout remembers the last statement it was applied to.
    if (layout.last !== undefined && layout.last.stmt === stmt) return layout.last.plan;
    const plan = assembleOrmPlan(stmt, layout);
    layout.last = { stmt, plan };
    return plan;
  }
  return assembleOrmPlan(stmt, analyzeOrmSelect(stmt, extraOptions));
}

/** The annotation under which `fromStatement()` keeps its statement (set by Select.fromStatement). */
const FROM_STATEMENT = FROM_STATEMENT_ANNOTATION;
/** The annotation listing single-table subclasses given to `selectFrom()` as classes. */
const FROM_ENTITIES = "ormFromEntities";
/** What `fromStatement()` accepts. */
type FromStatementArg = TextClause | TextualSelect | Select | CompoundSelect;

/**
 * selectFrom() / joinFrom() given a single-table subclass as the left side
 * (`select(Report.name).selectFrom(Engineer)`): Core sees only the shared table, so the class
 * is noted for the ORM, which restricts that FROM to the subclass's rows as SQLAlchemy does
 * (`WHERE employees.type IN (…)`, #8721, #11412).
 */
function noteFromEntities(stmt: Select, prior: Select, froms: readonly unknown[]): Select {
  const seen = (prior.annotations[FROM_ENTITIES] as readonly Mapper[] | undefined) ?? [];
  const subs: Mapper[] = [];
  for (const f of froms) {
    const m = typeof f === "function" ? mapperOf(f) : undefined;
    if (m !== undefined && m.polymorphicCriterion() !== undefined && !seen.includes(m) && !subs.includes(m)) subs.push(m);
  }
  return subs.length === 0 ? stmt : stmt.withAnnotations({ [FROM_ENTITIES]: [...seen, ...subs] });
}
selectPlugins.noteFroms = noteFromEntities;

/** One result column of a `fromStatement()` statement. */
interface StatementColumn {
  readonly name: string;
  readonly element: ColumnElement<unknown, string>;
}

/** The name a layout column is looked up by in a statement's rows. */
function layoutColumnName(c: SelectArg): string | undefined {
  if (c instanceof Label) return c.name;
  if (c instanceof ColumnClause) return c.name;
  return c instanceof ColumnElement ? c.key : undefined;
}

/**
 * The plan of `select(…).fromStatement(stmt)`: the layout planned for the entities, read from
 * the rows of `stmt` (SQLAlchemy's `FromStatement` compile state, which matches the textual
 * statement's columns to the entities' columns).
 */
function fromStatementPlan(arg: FromStatementArg, t: OrmLayout): OrmPlan {
  let exec: Select | TextualSelect | CompoundSelect;
  let available: readonly StatementColumn[];
  if (arg instanceof TextClause) {
    // A bare text() has no declared columns: select the ones the layout needs from it by name.
    const wanted = new Map<string, ColumnClause<unknown, string>>();
    // Expression attributes are selected anonymously by the layout: the text names them by key.
    const exprKeys = new Map<number, string>();
    const collect = (slot: EntitySlot): void => {
      for (const e of slot.exprs) exprKeys.set(e.offset, e.key);
      for (const j of slot.joined) collect(j.child);
    };
    for (const slot of t.slots) if (slot.kind === "entity") collect(slot);
    for (const [i, c] of t.cols.entries()) {
      const name = exprKeys.get(i) ?? layoutColumnName(c);
      if (name !== undefined && !wanted.has(name)) wanted.set(name, new ColumnClause(name, (c as ColumnElement<unknown, string>).type));
    }
    const sub = arg.columns(...wanted.values()).subquery();
    exec = select(...sub.columnList) as unknown as Select;
    available = sub.columnList.map((c) => ({ name: c.name, element: c }));
  } else {
    exec = arg instanceof Select && isOrmStatement(arg) ? (planOrmSelect(arg).stmt as Select) : arg;
    available = exec.exportedColumns();
  }
  // By lineage (the same table column, through labels, aliases and ORM attributes), else by
  // name among the statement's columns of no table (text() columns, labels): a column of
  // another table that happens to share the name is not a match.
  const free = (a: StatementColumn): boolean => arg instanceof TextClause || !(baseColumnOf(a.element) instanceof ColumnClause && (baseColumnOf(a.element) as ColumnClause<unknown, string>).table !== undefined);
  // `byName`: an expression attribute is found under its attribute key (`'x' AS display`), as
  // the entity's SELECT labels it anonymously.
  const find = (c: SelectArg, byName?: string): number => {
    // The very expression (an ORM statement selecting a columnProperty under an anonymous label).
    if (byName !== undefined) {
      const same = available.findIndex((a) => a.element === c);
      if (same >= 0) return same;
    }
    const base = baseColumnOf(c);
    if (base !== undefined) {
      const i = available.findIndex((a) => a.element === c || baseColumnOf(a.element instanceof Label ? a.element.element : a.element) === base);
      if (i >= 0) return i;
    }
    const name = byName ?? layoutColumnName(c);
    return name === undefined ? -1 : available.findIndex((a) => a.name === name && free(a));
  };
  const map: number[] = [];
  const entity = (slot: EntitySlot): EntitySlot | undefined => {
    const offset = map.length;
    const props: ColumnProperty[] = [];
    slot.props.forEach((p, i) => {
      const j = find(t.cols[slot.offset + i]);
      if (j < 0) return;
      props.push(p);
      map.push(j);
    });
    const pkPositions = slot.mapper.pkProps.map((pk) => props.indexOf(pk));
    if (pkPositions.some((i) => i < 0)) {
      map.length = offset;
      return undefined;
    }
    const exprs: ExpressionSlot[] = [];
    for (const e of slot.exprs) {
      const j = find(t.cols[e.offset], e.key);
      if (j < 0) continue;
      exprs.push({ key: e.key, offset: map.length });
      map.push(j);
    }
    const joined: JoinedLoad[] = [];
    for (const jl of slot.joined) {
      const child = entity(jl.child);
      if (child !== undefined) joined.push({ ...jl, child });
    }
    return { ...slot, props, keys: props.map((p) => p.key), offset, pkPositions, exprs, joined };
  };
  const slots: Slot[] = t.slots.map((slot) => {
    if (slot.kind === "column") {
      const j = find(t.cols[slot.offset]);
      if (j < 0) throw new NoSuchColumnError(`Could not locate column in row for column '${slot.name}'`);
      map.push(j);
      return { ...slot, offset: map.length - 1 };
    }
    const out = entity(slot);
    if (out === undefined) {
      const pk = slot.mapper.pkProps.find((p) => find(p.column) < 0) ?? slot.mapper.pkProps[0];
      throw new NoSuchColumnError(`Could not locate column in row for column '${slot.mapper.table.name}.${pk.column.name}'`);
    }
    return out;
  });
  const collections = (s: EntitySlot): boolean => s.joined.some((j) => j.rel.uselist || collections(j.child));
  return {
    stmt: exec, columnMap: map, slots, criteria: t.criteria, expressions: t.expressions, meta: t.meta,
    hasJoinedCollections: slots.some((s) => s.kind === "entity" && collections(s)),
    needsPostLoad: slots.some((s) => s.kind === "entity" && needsPostLoad(s)),
  };
}

/**
 * The part of a plan that does not depend on the statement's WHERE, ORDER BY, LIMIT, … (which
 * carry its bind values): row layout, columns, eager joins, inheritance FROMs and criteria.
 */
interface OrmLayout {
  readonly slots: readonly Slot[];
  readonly cols: readonly SelectArg[];
  readonly joins: readonly EagerJoin[];
  readonly eagerOrder: readonly ColumnElement<unknown, string>[];
  readonly polyFroms: readonly FromClause[];
  readonly extraWhere: readonly Condition[];
  /** The (FROM, single-table subclass) pairs whose discriminator criterion extraWhere holds. */
  readonly singleDone: ReadonlyMap<FromClause, ReadonlySet<Mapper>>;
  readonly setupJoins: SetupJoin[] | undefined;
  readonly hasJoinedCollections: boolean;
  readonly hasJoinedEagerCollections: boolean;
  readonly criteria: readonly LoaderCriteriaOption[];
  readonly expressions: readonly WithExpressionOption[];
  readonly needsPostLoad: boolean;
  readonly meta: ResultMetadataLike;
  /** Entity expression columns an ORDER BY may name by their label (see orderByExpressionLabels). */
  readonly exprOrderTargets: readonly ExprOrderTarget[];
  /** The last statement this (cached) layout was applied to, and the plan made. */
  last?: { readonly stmt: Select; readonly plan: OrmPlan };
}

/** An entity's expression column and the attribute objects (`User.ead`, `ua.ead`) that stand for it. */
interface ExprOrderTarget {
  readonly col: number;
  readonly targets: readonly object[];
}

/** A cached layout and the mapper configuration it was planned against. */
interface CachedLayout {
  readonly layout: OrmLayout;
  readonly mappers: readonly Mapper[];
  readonly stamp: number;
}
interface LayoutNode {
  next: WeakMap<object, LayoutNode> | undefined;
  entry: CachedLayout | undefined;
}
/** Layouts of option-less ORM selects, in a trie keyed by the columns-clause objects (held weakly). */
const layoutRoots = new WeakMap<object, LayoutNode>();

/**
 * Sum of the sizes of what planning reads from the mappers (properties, relationships,
 * subclasses, registry): each only grows, so any configuration change moves the sum.
 */
function configStamp(mappers: readonly Mapper[]): number {
  let n = 0;
  for (const m of mappers) {
    n += m.columnProps.length + m.relationships.size + m.expressionProps.size + m.subMappers.length;
    n += (m.registry as { readonly mappers?: readonly Mapper[] }).mappers?.length ?? 0;
  }
  return n;
}

function layoutMappers(slots: readonly Slot[]): Mapper[] {
  const out: Mapper[] = [];
  const walk = (s: EntitySlot) => {
    if (!out.includes(s.mapper)) out.push(s.mapper);
    for (const j of s.joined) walk(j.child);
    for (const l of s.selectin) if (!out.includes(l.rel.mapper)) out.push(l.rel.mapper);
  };
  for (const s of slots) if (s.kind === "entity") walk(s);
  return out;
}

function cachedLayout(stmt: Select): OrmLayout {
  const raw = stmt.rawColumns;
  let map = layoutRoots;
  let node: LayoutNode | undefined;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as unknown;
    if ((typeof c !== "object" && typeof c !== "function") || c === null) return analyzeOrmSelect(stmt, []);
    node = map.get(c);
    if (node === undefined) map.set(c, (node = { next: undefined, entry: undefined }));
    if (i < raw.length - 1) map = node.next ??= new WeakMap();
  }
  if (node === undefined) return analyzeOrmSelect(stmt, []);
  const hit = node.entry;
  if (hit !== undefined && configStamp(hit.mappers) === hit.stamp) return hit.layout;
  const layout = analyzeOrmSelect(stmt, []);
  const mappers = layoutMappers(layout.slots);
  node.entry = { layout, mappers, stamp: configStamp(mappers) };
  return layout;
}

/**
 * Plan the layout of an ORM select (everything but the statement's own clauses).
 * `noEagerJoins`: the statement cannot take eager joins (a fromStatement() statement, or a
 * SELECT nested in another as a scalar subquery / EXISTS / IN, where SQLAlchemy processes
 * loader options at the top level only); joined loads become selectin loads, which add no SQL.
 */
function analyzeOrmSelect(stmt: Select, extraOptions: readonly unknown[], noEagerJoins = false): OrmLayout {
  // Row keys of column slots follow LABEL_STYLE_TABLENAME_PLUS_COL (`users_id`), as SQLAlchemy's
  // ORM rows do; entities keep their names.
  const plusColName = (c: ColumnElement<unknown, string>): string | undefined => {
    if (stmt.labelStyle !== LABEL_STYLE_TABLENAME_PLUS_COL) return undefined;
    const col = labelledColumn(c);
    return col === undefined ? undefined : tqLabel(col);
  };
  const options = [...stmt.loaderOptions, ...extraOptions];
  for (const o of options) if (!isLoaderOption(o)) throw new ArgumentError(`options(): ${String(o)} is not a loader option`);
  // optionKind, not instanceof: option classes an app never uses stay out of its bundle.
  const opts = options as readonly LoaderOption[];
  const nested = opts.find((o): o is NestedLoadOptions => o.optionKind === "nested");
  const colDirectives = opts.filter((o): o is ColumnOption => o.optionKind === "column").map((o) => o.directive);
  const rootLoads: Load[] = [];
  for (const l of new Set(opts.filter((o): o is Load => o.optionKind === "load").map((o) => o.root))) {
    // new Load(User): its column options name User alone; its relationship options are root paths.
    const entity = l.entity;
    if (entity === undefined) {
      rootLoads.push(l);
      continue;
    }
    // Bound to the entity's own FROM: Load(ua) does not reach the plain class, nor Load(User) an alias.
    colDirectives.push(...l.columnDirectives.map((d) => ({ ...d, mapper: d.mapper ?? entity, from: l.entityFrom })));
    rootLoads.push(...l.children);
  }
  const criteria = opts.filter((o): o is LoaderCriteriaOption => o.optionKind === "criteria");
  const withExprs = opts.filter((o): o is WithExpressionOption => o.optionKind === "expression");
  if (!nested) checkOptionRoots(stmt, rootLoads, colDirectives);
  const cols: SelectArg[] = [];
  const exprOrderTargets: ExprOrderTarget[] = [];
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

  // Where each entity column sits in the row, for the loader's own key columns (below).
  const entityColumnAt = new Map<unknown, number>();
  // Eager loads of the statement's own entities, planned once every entity and column of the
  // statement is placed: SQLAlchemy puts the loaders' columns after all of them.
  const pendingRootLoads: (() => void)[] = [];
  const addEntity = (mapper: Mapper, from: FromClause, name: string, node: NodeOptions, outerChain: boolean, isRoot = false, lead: readonly unknown[] = [], aliasedEntity?: AliasedClass): EntitySlot => {
    const directives = node.columns.filter((d) => d.from === undefined || d.from === from);
    let props = propsToLoad(mapper, directives);
    // An alias of a hierarchy's base table (`aliased(Person)`) has no columns of the subclass
    // tables: subclass rows load with those attributes unloaded (SQLAlchemy, without
    // with_polymorphic).
    if (from !== mapper.table && aliasedEntity?.adaptFrom === undefined) {
      props = props.filter((p) => (aliasedEntity !== undefined ? aliasedEntity.columnFor(p.column) : correspondingIn(from, p.column)) !== undefined);
    }
    if (lead.length) props = leadingProps(props, lead);
    const offset = cols.length;
    for (const p of props) {
      // An alias of an alias over a subquery (`aliased(ua, subq)`) knows which of the subquery's
      // columns are its own; otherwise the alias's column of the same lineage.
      // A subquery column under a label (`users.name AS foo`) is found through the alias too.
      const col = from === mapper.table ? p.column : aliasedEntity?.columnFor(p.column) ?? correspondingIn(from, p.column)!;
      if (!entityColumnAt.has(col)) entityColumnAt.set(col, cols.length);
      cols.push(col);
    }
    const exprs: ExpressionSlot[] = [];
    const nullExprs: string[] = [];
    for (const { key, expr } of exprsToLoad(mapper, directives, withExprs)) {
      if (expr === null) {
        nullExprs.push(key);
        continue;
      }
      exprs.push({ key, offset: cols.length });
      const prop = mapper.expressionProps.get(key);
      const onTable = from === mapper.table || from instanceof Join;
      // The alias's own attribute object (memoized), so `orderBy(ua.ead)` finds its column.
      const aliasAttr = !onTable && aliasedEntity !== undefined && from === aliasedEntity.alias && prop !== undefined && !prop.isQueryExpression && expr === prop.resolve()
        ? (aliasedEntity as unknown as Record<string, unknown>)[key] : undefined;
      const col = aliasAttr instanceof ColumnElement ? (aliasAttr as ColumnElement<unknown, string>) : expressionColumn(expr, mapper.table, from);
      if (prop !== undefined && !prop.isQueryExpression) {
        if (onTable) exprOrderTargets.push({ col: cols.length, targets: [prop, expr] });
        else if (col === aliasAttr) exprOrderTargets.push({ col: cols.length, targets: [col] });
      }
      cols.push(col);
    }
    const pkPositions = mapper.pkProps.map((pk) => props.indexOf(pk));
    const slot: EntitySlot = { kind: "entity", mapper, from, props, keys: props.map((p) => p.key), offset, pkPositions, exprs, nullExprs, joined: [], selectin: [], noload: [], raiseOnSql: [], name };
    if (isRoot) pendingRootLoads.push(() => addLoads(slot, mapper, from, node, outerChain, true));
    else addLoads(slot, mapper, from, node, outerChain);
    return slot;
  };
  const addLoads = (slot: EntitySlot, mapper: Mapper, from: FromClause, node: NodeOptions, outerChain: boolean, root = false): void => {
    for (const l of resolveLoads(mapper, node)) {
      const rel = l.rel;
      const childNode: NodeOptions = { loads: l.children, columns: l.columns, mapperPath: l.mapperPath, relPath: l.relPath, wildcard: l.wildcard };
      if (l.strategy === "selectin") slot.selectin.push(l);
      // fromStatement(): the statement cannot take eager joins; SQLAlchemy loads those
      // relationships lazily, this loader (which never loads lazily) with a selectin query.
      else if (l.strategy === "joined" && noEagerJoins) slot.selectin.push({ ...l, strategy: "selectin" });
      else if (l.strategy === "noload") slot.noload.push(rel);
      else if (l.strategy === "raise_on_sql") slot.raiseOnSql.push(rel);
      else if (l.strategy === "joined") {
        const target = rel.mapper;
        const setting = l.innerJoin ?? rel.options.innerjoin ?? false;
        // "unnested" under an outer eager join gives up the inner join rather than nesting.
        const wantsInner = setting === "unnested" ? !outerChain : setting !== false;
        const inner = !outerChain && wantsInner;
        // An INNER JOIN below an outer join goes inside the parent's outer join, so it drops only
        // the parent's rows, never the root's: `LEFT OUTER JOIN (orders_1 JOIN items_1 ON …) ON …`
        // (SQLAlchemy's innerjoin=True, "nested").
        const nestAt = outerChain && wantsInner ? joins.findIndex((j) => j.target.coveredFroms().includes(from)) : -1;
        const nestInto = (at: FromClause, right: FromClause, on: ColumnElement<unknown, string>): void => {
          const j = joins[nestAt]!;
          joins[nestAt] = { ...j, target: spliceNested(j.target, at, right, on) ?? j.target.join(right, on) };
        };
        // A joined-inheritance target joins its tables as one flat-aliased unit, so the rows
        // load as their subclasses with those columns (SQLAlchemy's eager join to a
        // with_polymorphic mapper; athanor loads a hierarchy's subclass columns eagerly).
        const poly = target.polymorphicFrom();
        const flat = poly === undefined ? undefined : flatAlias(poly);
        const tAlias = flat?.aliases.get(target.table) ?? target.table.alias();
        const tFrom = flat?.from ?? tAlias;
        if (flat) for (const a of flat.aliases.values()) joinedAliases.add(a);
        else joinedAliases.add(tAlias);
        for (const a of flat ? flat.aliases.values() : [tAlias]) if (a instanceof Alias) hideFromLabelResolve(a);
        // A single-table subclass target keeps to its rows in the eager join's ON clause
        // (SQLAlchemy's _create_joins: `child_1.discriminator IN (…)` after the join condition).
        const single = target.polymorphicCriterion();
        const crit = [
          ...(single ? [adaptToFrom(single, target.table, tAlias) as Condition] : []),
          ...criteriaFor(target, tAlias),
          ...l.criteria.map((c) => retargetCriterion(c, target.table, tAlias)),
        ];
        let secAlias: FromClause | undefined;
        if (rel.direction === "MANYTOMANY") {
          secAlias = rel.secondary!.alias();
          if (secAlias instanceof Alias) hideFromLabelResolve(secAlias);
          const pj = adaptToFrom(adaptToFrom(rel.primaryjoin, mapper.table, from), rel.secondary!, secAlias);
          const sj = adaptToFrom(adaptToFrom(rel.secondaryjoin!, target.table, tAlias), rel.secondary!, secAlias);
          const on = crit.length ? and(sj, ...crit) : sj;
          if (nestAt >= 0) {
            nestInto(from, secAlias, pj);
            nestInto(secAlias, tFrom, on);
          } else if (inner) {
            joins.push({ from, target: secAlias, onclause: pj, inner });
            joins.push({ from: secAlias, target: tFrom, onclause: on, inner });
          } else {
            // SQLAlchemy nests an outer many-to-many eager join: `LEFT OUTER JOIN (secondary AS s_1
            // JOIN target AS t_1 ON …) ON parent = s_1.…`, so a parent row keeps its NULLs as a unit.
            joins.push({ from, target: secAlias.join(tFrom, on), onclause: pj, inner });
          }
        } else {
          const cond = rel.joinCondition(from, tAlias);
          const on = crit.length ? and(cond, ...crit) : cond;
          if (nestAt >= 0) nestInto(from, tFrom, on);
          else joins.push({ from, target: tFrom, onclause: on, inner });
        }
        // An orderBy on the association table's columns follows its alias too.
        for (const o of relOrderBy(rel)) {
          const adapted = adaptToFrom(o, target.table, tAlias);
          eagerOrder.push(secAlias ? adaptToFrom(adapted, rel.secondary!, secAlias) : adapted);
        }
        // The statement's own entity selects every column of its side of the join, loaded or
        // not (loadOnly, deferred), so a LIMIT subquery exports it for the ON clause; the value
        // is not populated (SQLAlchemy's JoinedLoader, "if not parentmapper").
        if (root) {
          adaptExpression(rel.primaryjoin, (c) => {
            const own = c.table === mapper.table ? (from === mapper.table ? c : correspondingIn(from, c)) : undefined;
            if (own && !cols.includes(own)) cols.push(own);
            return undefined;
          });
        }
        const child = addEntity(target, tFrom, rel.key, childNode, nestAt >= 0 || !inner);
        slot.joined.push(l.criteria.length ? { rel, child, filtered: true } : { rel, child });
        if (rel.uselist) {
          hasJoinedCollections = true;
          hasJoinedEagerCollections = true;
        }
      } else if (l.strategy === "containsEager") {
        // ofType(JoinedSubclass): the statement joined the subclass's tables; read its columns.
        const target = l.ofType ?? rel.mapper;
        const cFrom = l.alias === undefined ? target.table : aliasFrom(l.alias, target);
        const child = addEntity(target, cFrom, rel.key, childNode, outerChain);
        slot.joined.push({ rel, child });
        if (rel.uselist) hasJoinedCollections = true;
      }
    }
  };

  const rootNode: NodeOptions = nested
    ? { loads: nested.loads, columns: nested.columns, mapperPath: nested.mapperPath, relPath: nested.relPath, wildcard: nested.wildcard }
    : { loads: rootLoads, columns: colDirectives, mapperPath: [], relPath: [], wildcard: [...rootLoads].reverse().find((l) => l.relationship === "*" && l.parent === undefined) };
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
  // FROMs already restricted to a single-table subclass's rows.
  const singleDone = new Map<FromClause, Set<Mapper>>();
  const markSingle = (from: FromClause, mapper: Mapper): void => {
    let set = singleDone.get(from);
    if (!set) singleDone.set(from, (set = new Set()));
    set.add(mapper);
  };
  /**
   * SQLAlchemy restricts a single-table subclass to its rows wherever the statement selects
   * it: as an entity, through an alias of its table, or through one of its attributes alone
   * (`select(Engineer.name)` adds `WHERE people.type IN (…)`).
   */
  const addSingleTableCriterion = (mapper: Mapper, from: FromClause): void => {
    // Once per (FROM, subclass): two sibling subclasses over one table each add their own, as
    // SQLAlchemy does (`type IN (…) AND type IN (…)`).
    if (singleDone.get(from)?.has(mapper)) return;
    const crit = mapper.polymorphicCriterion();
    if (!crit) return;
    if (from !== mapper.table && !(from instanceof Alias && from.element === mapper.table)) return;
    // Joined to by the statement: the join's ON clause carries the restriction (SQLAlchemy).
    if (from !== mapper.table && stmt.setupJoins.some((j) => j.target === from)) return;
    markSingle(from, mapper);
    extraWhere.push(from === mapper.table ? crit : adaptToFrom(crit, mapper.table, from));
  };
  // The FROMs addLocalFrom() added (only those may be dropped again as covered).
  const localFroms = new Set<FromClause>();
  /**
   * A joined subclass's column selects FROM the class's tables joined (`select(Engineer.name)` →
   * `FROM people JOIN engineers ON …`): SQLAlchemy's ORM column entity falls back to its
   * entity's selectable when the statement names no FROM, and only when the column is in it.
   */
  const addLocalFrom = (mapper: Mapper, from: FromClause, column: ClauseElement): void => {
    if (from !== mapper.table || stmt.fromObjs.length) return;
    const local = mapper.localFrom();
    if (local === undefined || polyFroms.includes(local)) return;
    const covered = local.coveredFroms();
    if (!attributesIn(column).some((a) => covered.includes(a.column.table as FromClause))) return;
    polyFroms.push(local);
    localFroms.add(local);
  };
  // Per slot, the objects that address it in the result (`row._mapping.get(Address.id)`).
  const targets: (readonly object[])[] = [];
  // A selectin load's IN query (`select(Address.userId, Address)`, built by the loader only)
  // selects its key columns first, each once, as SQLAlchemy's SelectInLoader: the entity puts
  // the key columns it maps ahead of its other columns and the leading key slots read them.
  const firstEntityAt = nested ? stmt.rawColumns.findIndex((r) => entityOf(r) !== undefined) : -1;
  const leadEntity = firstEntityAt > 0 ? entityOf(stmt.rawColumns[firstEntityAt]) : undefined;
  const leadCols: unknown[] = leadEntity ? stmt.rawColumns.slice(0, firstEntityAt).map((r) => (r instanceof InstrumentedAttribute ? r.column : r)) : [];
  const pendingLead = new Map<unknown, Slot>();
  for (const raw of stmt.rawColumns) {
    const ent = entityOf(raw);
    if (ent) {
      const slot = addEntity(ent.mapper, ent.from, ent.name, rootNode, false, true, leadEntity !== undefined && raw === stmt.rawColumns[firstEntityAt] ? leadCols : [], ent.aliased);
      for (const [col, colSlot] of pendingLead) (colSlot as { offset: number }).offset = entityColumnAt.get(col)!;
      pendingLead.clear();
      slots.push(slot);
      rootSlots.push(slot);
      targets.push([raw as object]);
      if (ent.from === ent.mapper.table) {
        if (!singleDone.get(ent.from)?.has(ent.mapper)) addInheritanceFroms(ent.mapper, polyFroms, extraWhere);
        markSingle(ent.from, ent.mapper);
      } else if (ent.polymorphic) {
        if (!polyFroms.includes(ent.from)) polyFroms.push(ent.from);
      } else addSingleTableCriterion(ent.mapper, ent.from);
      if (!criteriaDone.has(ent.from)) {
        criteriaDone.add(ent.from);
        for (const c of criteria) if (isa(ent.mapper, c.mapper) && (ent.from === ent.mapper.table || c.includeAliases)) extraWhere.push(criteriaCondition(c, ent.from));
      }
    } else if (raw instanceof FromClause) {
      for (const c of raw.columnList) {
        slots.push({ kind: "column", offset: cols.length, name: plusColName(c) ?? c.key });
        targets.push([c]);
        cols.push(c);
      }
    } else if (isColumnExpressionProperty(raw)) {
      slots.push({ kind: "column", offset: cols.length, name: raw.key ?? `col_${cols.length}` });
      targets.push([raw]);
      exprOrderTargets.push({ col: cols.length, targets: [raw] });
      // SQLAlchemy selects the expression itself: anonymously labelled (`foob(users.name) AS
      // foob_1`), or under the user's own label (test_query.py ColumnPropertyTest); the row
      // still names the value by the attribute's key.
      cols.push(raw.resolve() ?? raw);
    } else if (raw instanceof ColumnElement) {
      for (const attr of attributesIn(raw)) {
        const owner = entityOf(attr.entity);
        // withPolymorphic() over several tables: its join is the FROM (a single-table one is the class).
        if (owner?.polymorphic && owner.from !== owner.mapper.table) {
          if (!polyFroms.includes(owner.from)) polyFroms.push(owner.from);
        } else if (owner) {
          addSingleTableCriterion(owner.mapper, owner.from);
          addLocalFrom(owner.mapper, owner.from, raw);
        }
      }
      const name = plusColName(raw) ?? raw.key ?? `col_${cols.length}`;
      const column = raw instanceof InstrumentedAttribute ? raw.column : raw;
      targets.push(column === raw ? [raw] : [raw, column]);
      // A selectin load's key columns (`select(Address, Address.userId)`, built by the loader
      // only) are read where the entity already selects them: SQLAlchemy's ORM selects each of
      // those columns once. A user's statement keeps every column it names.
      const at = nested ? entityColumnAt.get(column) : undefined;
      if (at !== undefined) slots.push({ kind: "column", offset: at, name });
      else if (leadEntity !== undefined && leadCols.includes(column) && leadEntity.from === leadEntity.mapper.table && propsToLoad(leadEntity.mapper, rootNode.columns.filter((d) => d.from === undefined || d.from === leadEntity.from)).some((p) => p.column === column)) {
        // Read from the entity's own column, which the entity puts first; offset set once it is placed.
        const colSlot: Slot = { kind: "column", offset: -1, name };
        slots.push(colSlot);
        pendingLead.set(column, colSlot);
      }
      else {
        slots.push({ kind: "column", offset: cols.length, name });
        if (aliasedExpressionAttributes.has(raw)) exprOrderTargets.push({ col: cols.length, targets: [raw] });
        cols.push(raw);
      }
    } else throw new ArgumentError(`ORM select: unsupported columns-clause element ${String(raw)}`);
  }
  for (const plan of pendingRootLoads) plan();
  dropCoveredFroms(polyFroms, localFroms);
  // Criteria for entities of the statement's explicit FROM list (selectFrom(User)).
  for (const f of stmt.fromObjs) {
    const ent = entityForFrom(f);
    if (!ent || criteriaDone.has(f)) continue;
    criteriaDone.add(f);
    for (const c of criteria) if (isa(ent, c.mapper) && (f === ent.table || c.includeAliases)) extraWhere.push(criteriaCondition(c, f));
  }

  return {
    slots, cols, joins, eagerOrder, polyFroms, extraWhere, setupJoins, hasJoinedCollections, hasJoinedEagerCollections, criteria,
    singleDone, expressions: withExprs, exprOrderTargets,
    needsPostLoad: slots.some((s) => s.kind === "entity" && needsPostLoad(s)),
    meta: ormResultMetadata(slots.map((s) => s.name), targets),
  };
}

const OPTION_FN: Readonly<Record<RelationshipStrategy, string>> = {
  selectin: "selectinload", joined: "joinedload", raise: "raiseload", raise_on_sql: "raiseload", noload: "noload", containsEager: "containsEager",
};

/**
 * SQLAlchemy's check that every loader option starts at an entity the statement selects
 * (`_raise_for_no_match`): an option whose first attribute belongs to another class would
 * otherwise be ignored silently.
 * @throws ArgumentError naming the option and the statement's entities.
 */
function checkOptionRoots(stmt: Select, loads: readonly Load[], columns: readonly ColumnDirective[]): void {
  const entities: { mapper: Mapper; name: string }[] = [];
  for (const raw of stmt.rawColumns) {
    const ent = entityOf(raw);
    if (ent) entities.push({ mapper: ent.mapper, name: isAliasedClass(raw) ? `aliased(${ent.mapper.className})` : ent.mapper.className });
  }
  const applies = (m: Mapper) => entities.some((e) => isa(e.mapper, m) || isa(m, e.mapper));
  const fail = (m: Mapper, option: string): never => {
    if (!entities.length) throw new ArgumentError(`Query has only expression-based entities; attribute loader option ${option} can't be applied here.`);
    throw new ArgumentError(
      `Mapped class ${m.className} referenced in option ${option} does not apply to any of the root entities in this query, e.g. ${entities.map((e) => e.name).join(", ")}. Please specify the full path from one of the root entities to the target attribute. `,
    );
  };
  for (const l of loads) {
    // defaultload() roots carry no strategy and are not checked, as in SQLAlchemy.
    if (!(l.relationship instanceof RelationshipProperty) || l.strategy === undefined) continue;
    if (!applies(l.relationship.parent)) fail(l.relationship.parent, `${OPTION_FN[l.strategy]}(${l.relationship.parent.className}.${l.relationship.key})`);
  }
  for (const d of columns) {
    if (!d.mapper || applies(d.mapper)) continue;
    const keys = d.kind === "loadOnly" ? d.keys : [d.key];
    fail(d.mapper, `${d.kind}(${keys.map((k) => `${d.mapper!.className}.${k}`).join(", ")})`);
  }
}

/**
 * The statement without its loader options: the planned Core statement has applied them, and
 * they would otherwise enter its compiled-cache key (options key themselves, for the ORM
 * statement's own key), making the same SQL compile once per option variant.
 */
function withoutLoaderOptions(stmt: Select): Select {
  if (stmt.loaderOptions.length === 0) return stmt;
  const copy = stmt.options();
  (copy as { loaderOptions: readonly unknown[] }).loaderOptions = [];
  return copy;
}

/** The Core statement of a plan: the layout applied to this statement's clauses (and bind values). */
function assembleOrmPlan(stmt: Select, t: OrmLayout): OrmPlan {
  let base = withoutLoaderOptions(stmt);
  let setupJoins = t.setupJoins;
  if (t.polyFroms.length) {
    const { froms, joins } = inheritanceFroms(stmt, t.polyFroms);
    if (froms.length) base = base.selectFrom(...froms);
    if (joins.length) setupJoins = [...(setupJoins ?? stmt.setupJoins), ...joins];
  }
  const fromSingle = singleTableFromCriteria(stmt, t.singleDone);
  const joinsWithSingle = singleTableJoinCriteria(setupJoins ?? stmt.setupJoins);
  if (joinsWithSingle !== undefined) setupJoins = joinsWithSingle;
  const nestedOuter = nestOuterSecondaryJoins(setupJoins ?? stmt.setupJoins);
  if (nestedOuter !== undefined) setupJoins = nestedOuter;
  if (setupJoins) base = withSetupJoins(base, setupJoins);
  if (t.extraWhere.length || fromSingle.length) base = base.where(...t.extraWhere, ...fromSingle);
  const wrap = shouldNestForEagerJoins(stmt, t);
  let core: Select;
  if (!wrap) {
    const named = orderByExpressionLabels(base, t);
    core = named ? (base.orderBy(null).orderBy(...(named.order as never[])).withOnlyColumns(...named.cols) as unknown as Select) : (base.withOnlyColumns(...t.cols) as unknown as Select);
    for (const j of t.joins) core = core.joinFrom(j.from, j.target, j.onclause, { isOuter: !j.inner });
    if (t.eagerOrder.length) core = core.orderBy(...t.eagerOrder);
  } else {
    core = wrapLimited(base, t.cols as ColumnElement<unknown, string>[], t.joins, t.eagerOrder);
  }
  const remembered = eagerOptionsOf(stmt);
  return {
    stmt: core, slots: t.slots, hasJoinedCollections: t.hasJoinedCollections, criteria: t.criteria, expressions: t.expressions,
    needsPostLoad: t.needsPostLoad, meta: t.meta, rememberedOptions: remembered,
  };
}

/**
 * The options of a statement an object it loads keeps for refresh(): `selectinload()` /
 * `joinedload()` of a relationship, with what they chain. containsEager() reads the statement's
 * own join, which a refresh does not have: such a chain is not kept (SQLAlchemy downgrades it on
 * refresh, test_expire.py test_unexpire_eager_dont_include_contains_eager).
 */
function eagerOptionsOf(stmt: Select): Load[] | undefined {
  let out: Load[] | undefined;
  const hasContainsEager = (l: Load): boolean => l.strategy === "containsEager" || l.children.some(hasContainsEager);
  for (const o of stmt.loaderOptions) {
    const l = o as Load;
    if (l.optionKind !== "load" || l.parent !== undefined) continue;
    if (!(l.relationship instanceof RelationshipProperty) || (l.strategy !== "selectin" && l.strategy !== "joined") || hasContainsEager(l)) continue;
    (out ??= []).push(l);
  }
  return out;
}

/**
 * Note on each object of the statement's own entities the eager relationship options it was
 * loaded with, so refresh() loads those relationships again the same way (SQLAlchemy's
 * `state.load_options`; Session.refresh(): "relationship oriented attributes will also be
 * immediately loaded if they were already eagerly loaded on the object, using the same eager
 * loading strategy that they were loaded with originally"). @internal
 */
export function rememberLoadOptions(plan: OrmPlan, tuples: readonly unknown[][]): void {
  const options = plan.rememberedOptions;
  if (options === undefined) return;
  plan.slots.forEach((slot, i) => {
    if (slot.kind !== "entity") return;
    const mine = options.filter((o) => isa(slot.mapper, (o.relationship as RelationshipProperty).parent) || isa((o.relationship as RelationshipProperty).parent, slot.mapper));
    if (mine.length === 0) return;
    for (const t of tuples) {
      const st = t[i] == null ? undefined : stateOf(t[i] as object);
      if (st !== undefined) st.loadOptions = mine;
    }
  });
}

/**
 * `select(User).orderBy(User.ead)` with `ead` a columnProperty the entity selects: SQLAlchemy's
 * ORDER BY names the column's label (`ORDER BY email_ad`, `ORDER BY anon_1`, `ORDER BY
 * coalesce_1`) instead of repeating the expression (test_query.py ColumnPropertyTest
 * test_order_by_column_prop_attr, test_order_by_column_unlabeled_prop_attr_aliased_one;
 * test_core_compilation.py test_col_prop_builtin_function). The column is given a label object
 * (anonymous unless the user labelled it) and the ORDER BY names that very label, which the
 * compiler renders by name. Undefined when no ORDER BY element is such an attribute.
 */
function orderByExpressionLabels(stmt: Select, t: OrmLayout): { cols: SelectArg[]; order: ClauseElement[] } | undefined {
  if (t.exprOrderTargets.length === 0 || stmt.orderByClauses.length === 0) return undefined;
  let cols: SelectArg[] | undefined;
  const order = stmt.orderByClauses.map((o) => {
    // Under ASC / DESC / NULLS modifiers, the attribute itself.
    const chain: UnaryExpression[] = [];
    let e: ClauseElement = o;
    while (e instanceof UnaryExpression && e.operator === undefined && e.modifier !== undefined) {
      chain.push(e);
      e = e.element;
    }
    const hit = t.exprOrderTargets.find((x) => x.targets.includes(e));
    if (hit === undefined) return o;
    cols ??= [...t.cols];
    const c = cols[hit.col] as ColumnElement<unknown, string>;
    const label = c instanceof Label ? c : new Label(null, c);
    cols[hit.col] = label;
    let out: ClauseElement = label;
    for (let i = chain.length - 1; i >= 0; i--) {
      out = Object.assign(Object.create(Object.getPrototypeOf(chain[i]) as object) as UnaryExpression, chain[i], { element: out });
    }
    return out;
  });
  return cols ? { cols, order } : undefined;
}

/**
 * Discriminator criteria for aliased single-table subclasses named only in the statement's
 * selectFrom() or as a joinFrom() left side (SQLAlchemy #8721, #11412): per statement, not part
 * of the cached layout (which depends on the columns clause only).
 */
function singleTableFromCriteria(stmt: Select, done: ReadonlyMap<FromClause, ReadonlySet<Mapper>>): Condition[] {
  const out: Condition[] = [];
  if (stmt.fromObjs.length === 0 && stmt.setupJoins.length === 0 && stmt.annotations[FROM_ENTITIES] === undefined) return out;
  const seen = new Set<FromClause>();
  for (const f of [...stmt.fromObjs, ...stmt.setupJoins.map((j) => j.from)]) {
    if (f === undefined || seen.has(f)) continue;
    seen.add(f);
    const m = singleTableAliasMapper(f);
    if (m === undefined || done.get(f)?.has(m)) continue;
    // Joined to by the statement as well: the join's ON clause carries the restriction.
    if (stmt.setupJoins.some((j) => j.target === f)) continue;
    out.push(adaptToFrom(m.polymorphicCriterion()!, m.table, f));
  }
  // selectFrom(Engineer): the shared table itself, unless the statement selects the subclass.
  for (const m of (stmt.annotations[FROM_ENTITIES] as readonly Mapper[] | undefined) ?? []) {
    if (done.get(m.table)?.has(m)) continue;
    out.push(m.polymorphicCriterion()!);
  }
  return out;
}

/**
 * A join to an aliased single-table subclass with an ON clause of the statement's own
 * (`join(ealias, true())`): SQLAlchemy's _ORMJoin adds the discriminator criterion to the ON
 * clause. Relationship joins (`join(Report.employee.ofType(ealias))`) already carry it.
 * Returns undefined when no join changes.
 */
function singleTableJoinCriteria(joins: readonly SetupJoin[]): SetupJoin[] | undefined {
  if (joins.length === 0) return undefined;
  let changed = false;
  const out = joins.map((j) => {
    const m = singleTableAliasMapper(j.target);
    if (m === undefined || j.onclause === undefined) return j;
    const disc = correspondingIn(j.target, m.base.polymorphicOn!.column);
    if (mentionsColumn(j.onclause, disc)) return j;
    changed = true;
    const crit = adaptToFrom(m.polymorphicCriterion()!, m.table, j.target);
    return { ...j, onclause: and(j.onclause as ColumnElement<unknown, string>, crit) };
  });
  return changed ? out : undefined;
}

/**
 * An outer join along a many-to-many relationship (`outerjoin(Parent.children)`): SQLAlchemy's
 * _ORMJoin nests the association table and the target, inner-joined, as the right side —
 * `LEFT OUTER JOIN (m2m AS m2m_1 JOIN child ON child.id = m2m_1.child_id) ON parent.id =
 * m2m_1.parent_id` — so an association row whose target the ON clause rejects (a single-table
 * subclass's discriminator, relationship criteria) adds no row. Returns undefined when no join
 * changes.
 */
function nestOuterSecondaryJoins(joins: readonly SetupJoin[]): SetupJoin[] | undefined {
  let out: SetupJoin[] | undefined;
  for (let i = 0; i < joins.length; i++) {
    const j = joins[i];
    const next = joins[i + 1];
    if (j.isOuter && !j.full && relationshipSecondaryAliases.has(j.target) && next !== undefined && next.isOuter && next.from === undefined && next.onclause !== undefined) {
      out ??= joins.slice(0, i);
      out.push({ ...j, target: j.target.join(next.target, next.onclause as Condition) });
      i++;
      continue;
    }
    out?.push(j);
  }
  return out;
}

/**
 * SQLAlchemy's `_should_nest_selectable`: eager joins go outside the statement, made a subquery,
 * when adding them would change what it means — LIMIT/OFFSET with a joined collection (the
 * limit is on parents, not joined rows), DISTINCT, DISTINCT ON or GROUP BY (extra columns would
 * alter the grouping or de-duplication), with any joined eager load.
 */
function shouldNestForEagerJoins(stmt: Select, t: OrmLayout): boolean {
  if (t.joins.length === 0) return false;
  const limited = stmt.limitClause !== undefined || stmt.offsetClause !== undefined;
  return (limited && t.hasJoinedEagerCollections) || stmt.isDistinct || stmt.distinctOn.length > 0 || stmt.groupByClauses.length > 0;
}

/**
 * LIMIT/OFFSET with joined eager collections: limit the parents, not the joined rows. The
 * parent SELECT (with its WHERE, joins, ORDER BY, LIMIT) becomes an anonymous subquery; the
 * eager aliases join to it, and its ORDER BY is repeated outside (SQLAlchemy does the same).
 */
function wrapLimited(base: Select, cols: readonly ColumnElement<unknown, string>[], joins: readonly EagerJoin[], eagerOrder: readonly ColumnElement<unknown, string>[]): Select {
  // Every FROM an eager join brings in, including both sides of a nested many-to-many join.
  const eagerTargets = new Set(joins.flatMap((j) => j.target.coveredFroms()));
  // A column of an eager alias, or an expression over one (a columnProperty of the eager
  // target): it stays outside the subquery, which does not have that alias.
  const isEagerCol = (c: ColumnElement<unknown, string>): boolean => {
    let hit = false;
    adaptExpression(c, (col) => {
      if (col.table !== undefined && eagerTargets.has(col.table)) hit = true;
      return undefined;
    });
    return hit;
  };
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
  // FOR UPDATE goes on the limited subquery and, so every row of the result is locked, on the
  // outer query too; but not with OF, whose tables only the subquery has (SQLAlchemy's
  // _compound_eager_statement).
  if (base.forUpdateArg && !base.forUpdateArg.of?.length) outer = outer.forUpdate(base.forUpdateArg);
  void innerIdx;
  return outer;
}

/**
 * The inheritance FROMs a statement still needs. A joined-table entity whose tables the
 * statement already joins (`select(Company, Engineer).join(Company.employees.ofType(Engineer))`)
 * gets no second copy of them as a separate FROM (a cartesian product): once the statement joins
 * the hierarchy's base table, the tables the entity's FROM has and the statement lacks are
 * joined after the statement's own joins, as that FROM joins them (inherited tables inner,
 * subclass tables outer).
 */
function inheritanceFroms(stmt: Select, polyFroms: readonly FromClause[]): { froms: FromClause[]; joins: SetupJoin[] } {
  const froms: FromClause[] = [];
  const joins: SetupJoin[] = [];
  if (stmt.setupJoins.length === 0) return { froms: [...polyFroms], joins };
  // A nested join target (`JOIN (people JOIN engineers ON …) ON …`) brings each of its tables.
  const present = new Set<FromClause>(stmt.setupJoins.flatMap((j) => j.target.coveredFroms()));
  for (const f of polyFroms) {
    // The hierarchy's join as (table, how it joins) steps, base table first.
    const steps: { target: FromClause; onclause: ClauseElement; isOuter: boolean }[] = [];
    let left: FromClause = f;
    while (left instanceof Join) {
      steps.unshift({ target: left.right, onclause: left.onclause, isOuter: left.isOuter });
      left = left.left;
    }
    if (!present.has(left)) {
      froms.push(f);
      continue;
    }
    for (const st of steps) {
      if (present.has(st.target)) continue;
      present.add(st.target);
      joins.push({ target: st.target, onclause: st.onclause, from: undefined, isOuter: st.isOuter, full: false });
    }
  }
  return { froms, joins };
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
  if (isAliasedClass(alias)) {
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
 * The ORM attributes an expression is built from (`func.count(Manager.id)` → `Manager.id`), not
 * looking into sub-SELECTs: SQLAlchemy's "parententity" annotations of a column expression.
 */
function attributesIn(e: ClauseElement): InstrumentedAttribute[] {
  if (e instanceof InstrumentedAttribute) return [e];
  const out: InstrumentedAttribute[] = [];
  const visit = (x: unknown, depth: number): void => {
    if (depth > 64 || !(x instanceof ClauseElement) || x instanceof FromClause || x instanceof SelectBase) return;
    if (x instanceof InstrumentedAttribute) {
      out.push(x);
      return;
    }
    for (const v of Object.values(x as unknown as Record<string, unknown>)) {
      if (Array.isArray(v)) for (const y of v) visit(y, depth + 1);
      else visit(v, depth + 1);
    }
  };
  visit(e, 0);
  return out;
}

/**
 * Drop a column's hierarchy join (one of `candidates`) whose tables another FROM already brings
 * (`select(Manager, Manager.name)`: the entity's outer-joined FROM covers the column's `people
 * JOIN managers`). Entities' own FROMs are never dropped (`select(Person, Engineer)` keeps both).
 */
function dropCoveredFroms(froms: FromClause[], candidates: ReadonlySet<FromClause>): void {
  if (candidates.size === 0) return;
  const tables = (f: FromClause) => f.coveredFroms().filter((x) => !(x instanceof Join));
  for (let i = froms.length - 1; i >= 0; i--) {
    if (!candidates.has(froms[i])) continue;
    const mine = tables(froms[i]);
    if (froms.some((g, j) => j !== i && g instanceof Join && mine.every((t) => tables(g).includes(t)) && (tables(g).length > mine.length || j < i))) froms.splice(i, 1);
  }
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

/**
 * `tree` with an inner join to `right` spliced in right after `at` (SQLAlchemy's
 * `_splice_nested_inner_join`): after a right-hand `at` the join continues the chain
 * (`b_1 JOIN c1_1 … JOIN d1_1`); after a left-hand one it goes before what followed `at`
 * (`b_1 JOIN c2_1 … JOIN c1_1 …`). Undefined when `at` is not in the tree.
 */
function spliceNested(tree: FromClause, at: FromClause, right: FromClause, on: ColumnElement<unknown, string>): FromClause | undefined {
  if (tree === at) return tree.join(right, on);
  if (!(tree instanceof Join)) return undefined;
  if (tree.right === at) return tree.join(right, on);
  const r = spliceNested(tree.right, at, right, on);
  if (r) return new Join(tree.left, r, tree.onclause as Condition, tree.isOuter, tree.full);
  const l = spliceNested(tree.left, at, right, on);
  return l && new Join(l, tree.right, tree.onclause as Condition, tree.isOuter, tree.full);
}

/**
 * The rows of a selectin level's chunks whose own loads wait until every chunk is in, so the
 * level below runs once over all of them, chunked anew (SQLAlchemy's post-load per path).
 */
export class PendingPostLoad {
  plan: OrmPlan | undefined;
  readonly tuples: unknown[][] = [];
  /** Note one chunk's rows (its plan has the same slots as every other chunk's). */
  add(plan: OrmPlan, tuples: readonly unknown[][]): void {
    this.plan ??= plan;
    for (const t of tuples) this.tuples.push(t);
  }
  async run(ctx: LoadContext): Promise<void> {
    if (this.plan) await postLoad(ctx, this.plan, this.tuples);
  }
}

/** Identity-map access the loader needs from the session. */
export interface LoadContext {
  readonly identityMap: IdentityMap;
  readonly sessionId: number;
  readonly populateExisting: boolean;
  /**
   * Run a statement through the ORM (used by selectin loads). With `pending`, the loads below
   * the statement's entities are not run but collected there, to run once for every chunk.
   */
  executeOrm(stmt: Select, loads: readonly unknown[], pending?: PendingPostLoad): Promise<object[][]>;
  /** The driver's bound-parameter limit per statement (D1: 100); selectin batches stay below it. */
  readonly maxParams?: number;
  /**
   * Called for each object the loader has just built from a row and added to the identity map
   * (the mapper's `load` and the session's `loadedAsPersistent` events); not for objects found there.
   */
  readonly onLoaded?: (obj: object) => void;
  /**
   * Called when a row filled attributes of an object already in the identity map (the mapper's
   * `refresh` event): `attrs` are the previously expired or unloaded ones, or null when
   * populateExisting overwrote the object. Present only while a mapper listens for `refresh`.
   */
  readonly onRefreshed?: (obj: object, attrs: ReadonlySet<string> | null) => void;
}

/** Keys per selectin statement: 500 (SQLAlchemy's batch), fewer where the driver allows fewer parameters. */
function selectinBatchSize(ctx: LoadContext, keyWidth: number, chunksize = SELECTIN_BATCH): number {
  const room = Math.floor(((ctx.maxParams ?? Infinity) - 10) / Math.max(1, keyWidth));
  return Math.max(1, Math.min(chunksize, room));
}

/** Result processors per raw column (`undefined` where values pass through), for rows read unprocessed. */
export type RowProcessors = readonly (ResultProcessor | undefined)[];

/** A value of a raw row as the result would hand it out: its processor applied to a non-null value. */
function valueAt(row: readonly unknown[], i: number, procs: RowProcessors | undefined): unknown {
  const v = row[i];
  if (procs === undefined || v === null || v === undefined) return v;
  const p = procs[i];
  return p === undefined ? v : p(v);
}

/**
 * Materialize (or find in the identity map) the entity of a slot from a row. With `procs`, the
 * row is as the driver returned it and each value read is processed on the way (no processed
 * copy of the row).
 */
export function instanceFromRow(ctx: LoadContext, slot: EntitySlot, row: readonly unknown[], procs?: RowProcessors): object | null {
  const { mapper, props, offset, pkPositions, exprs, nullExprs } = slot;
  // The identity as the map stores it (class part + key part): no key string per row.
  let part: IdentityPart;
  if (pkPositions.length === 1) {
    // The usual single-column key: no array per row.
    const v = valueAt(row, offset + pkPositions[0], procs);
    if (v === null || v === undefined) return null;
    part = mapper.identityPart(v);
  } else {
    // A composite key with some NULL columns still names a row (SQLAlchemy's allow_partial_pks);
    // only an all-NULL key is "no object" (an outer join's missing side).
    const pk: unknown[] = [];
    let nulls = 0;
    for (const i of pkPositions) {
      const v = valueAt(row, offset + i, procs);
      if (v === null || v === undefined) {
        nulls++;
        pk.push(null);
      } else pk.push(v);
    }
    if (nulls === pk.length) return null;
    part = mapper.identityPartOf(pk);
  }
  const classId = mapper.identityId;
  const existing = ctx.identityMap.getByIdentity(classId, part);
  if (existing) {
    const st = stateOf(existing)!;
    if (st.status === "deleted") return existing;
    const onRefreshed = ctx.onRefreshed;
    // SQLAlchemy expires the primary key with the rest of a whole-expired object: its refresh
    // event names it among the reloaded attributes.
    const wholeExpired = onRefreshed !== undefined && st.expiredWhole;
    st.loadedRow();
    const populate = ctx.populateExisting;
    const d = st.dict;
    const keys = slot.keys;
    let filled: string[] | undefined;
    // Changed columns are computed only when an expired column is met (rare): a row for an
    // object already loaded usually leaves it untouched.
    let modified: Set<string> | undefined;
    let unexpired = false;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      let load = populate || !(k in d);
      if (!load && st.expiredMutable !== undefined && st.expiredMutable.has(k)) load = !(modified ??= new Set(st.changedColumnKeys())).has(k);
      if (load) {
        const v = valueAt(row, offset + i, procs);
        d[k] = v;
        st.committed[k] = v;
        if (st.expiredMutable?.delete(k)) unexpired = true;
        if (onRefreshed !== undefined) (filled ??= []).push(k);
      }
    }
    // The load that unexpires an object ends its expired state as a whole: deferred columns the
    // row did not carry stay unloaded, no longer expired (SQLAlchemy 1.4+, test_expire test_deferred).
    if (unexpired && st.expiredMutable?.size) st.expiredMutable.clear();
    if (onRefreshed !== undefined && (populate || filled !== undefined)) announceRefreshed(onRefreshed, st, populate, wholeExpired, filled ?? []);
    for (const e of exprs) if (populate || !(e.key in d)) d[e.key] = valueAt(row, e.offset, procs);
    for (const k of nullExprs) if (!(k in st.dict)) st.dict[k] = null;
    // populateExisting overwrote the assigned columns with the row: with nothing else changed the
    // object is no longer in session.dirty (SQLAlchemy commits the loaded state, _commit_all).
    if (populate && st.attributeSet && !st.hasChanges()) st.attributeSet = false;
    return existing;
  }
  // Mapped inheritance: the discriminator picks the subclass to build (the mapper itself otherwise;
  // rows come with processors only when there is no subclass to pick).
  const state = (mapper.base.polymorphicOn === undefined ? mapper : mapper.polymorphicMapperForRow(props, row, offset)).newStateForLoad();
  const d = state.dict;
  const keys = slot.keys;
  if (exprs.length === 0 && nullExprs.length === 0) {
    // The dictionary holds exactly the loaded columns: it is the committed snapshot too
    // (copy-on-write, see InstanceState.committedIsCurrent), one dictionary per object instead of two.
    if (procs === undefined) for (let i = 0; i < keys.length; i++) d[keys[i]] = row[offset + i];
    else for (let i = 0; i < keys.length; i++) d[keys[i]] = valueAt(row, offset + i, procs);
    state.shareCommitted();
  } else {
    const c = state.committed;
    for (let i = 0; i < keys.length; i++) {
      const v = procs === undefined ? row[offset + i] : valueAt(row, offset + i, procs);
      d[keys[i]] = v;
      c[keys[i]] = v;
    }
  }
  if (exprs.length) for (const e of exprs) d[e.key] = valueAt(row, e.offset, procs);
  if (nullExprs.length) for (const k of nullExprs) d[k] = null;
  state.loadedAs(part, ctx.sessionId);
  // The key was just looked up and found absent: addByIdentity() skips set()'s replace check.
  ctx.identityMap.addByIdentity(classId, part, state.obj);
  ctx.onLoaded?.(state.obj);
  return state.obj;
}

/**
 * The `refresh` event for an object a row filled; values its listeners assign to the filled
 * attributes count as loaded (SQLAlchemy commits them after the event), though the object is
 * left flagged as modified.
 */
function announceRefreshed(
  onRefreshed: (obj: object, attrs: ReadonlySet<string> | null) => void,
  st: InstanceState,
  populate: boolean,
  wholeExpired: boolean,
  filled: readonly string[],
): void {
  let attrs: Set<string> | null = null;
  if (!populate) {
    attrs = new Set(filled);
    if (wholeExpired) for (const p of st.mapper.pkProps) attrs.add(p.key);
  }
  onRefreshed(st.obj, attrs);
  const d = st.dict;
  const c = st.committed;
  for (const k of filled) c[k] = d[k];
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

/** Mark relationships loaded under `raiseload(…, { sqlOnly: true })` (SQLAlchemy's lazy="raise_on_sql"). */
function applyRaiseOnSql(objs: Iterable<object>, rels: readonly RelationshipProperty[]): void {
  if (!rels.length) return;
  for (const o of objs) {
    const st = stateOf(o);
    if (!st) continue;
    for (const rel of rels) if (isa(st.mapper, rel.parent)) (st.raiseKeys ??= new Set()).add(`raise_on_sql:${rel.key}`);
  }
}

/**
 * {@link processRows} for rows as the driver returned them plus their result processors
 * (engine/orm-rows.ts `takeRawValueRows`): a plain entity select applies each processor while
 * reading the value into the object; other layouts process the rows first.
 */
export function processRawRows(ctx: LoadContext, plan: OrmPlan, raw: { readonly rows: readonly (readonly unknown[])[]; readonly processors: RowProcessors | undefined }): unknown[][] {
  if (plan.columnMap !== undefined) raw = remapRawRows(raw, plan.columnMap);
  const procs = raw.processors;
  if (procs === undefined) return processLaidOutRows(ctx, plan, raw.rows);
  const slots = plan.slots;
  const first = slots[0];
  if (slots.length === 1 && first.kind === "entity" && first.joined.length === 0 && first.mapper.subMappers.length === 0) {
    // select(Entity): values are processed as they are read into the object.
    const rows = raw.rows;
    const n = rows.length;
    const single = new Array<unknown[]>(n);
    for (let r = 0; r < n; r++) single[r] = [instanceFromRow(ctx, first, rows[r], procs)];
    return single;
  }
  const processed = raw.rows.map((row) => row.map((v, i) => valueAt(row, i, procs)));
  return processLaidOutRows(ctx, plan, processed);
}

/** Rows of a `fromStatement()` statement put in the layout's column order (with their processors). */
function remapRawRows(raw: { readonly rows: readonly (readonly unknown[])[]; readonly processors: RowProcessors | undefined }, map: readonly number[]): { rows: unknown[][]; processors: RowProcessors | undefined } {
  const procs = raw.processors;
  return { rows: raw.rows.map((r) => map.map((i) => r[i])), processors: procs === undefined ? undefined : map.map((i) => procs[i]) };
}

/**
 * Rows of an ORM select → tuples of entities/values, with joined loads assembled: every parent
 * seen gets its joined collection (empty when no child row matched) unless the collection was
 * changed in memory and the query does not populate existing objects.
 */
export function processRows(ctx: LoadContext, plan: OrmPlan, rows: readonly (readonly unknown[])[]): unknown[][] {
  return processLaidOutRows(ctx, plan, plan.columnMap === undefined ? rows : remapRawRows({ rows, processors: undefined }, plan.columnMap).rows);
}

/** {@link processRows} for rows already in the layout's column order. */
function processLaidOutRows(ctx: LoadContext, plan: OrmPlan, rows: readonly (readonly unknown[])[]): unknown[][] {
  const slots = plan.slots;
  const first = slots[0];
  if (slots.length === 1 && first.kind === "entity" && first.joined.length === 0) {
    // The usual select(Entity): one object per row, no per-row closure or slot dispatch.
    const n = rows.length;
    const single = new Array<unknown[]>(n);
    for (let r = 0; r < n; r++) single[r] = [instanceFromRow(ctx, first, rows[r])];
    return single;
  }
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
        if (!ctx.populateExisting && j.rel.key in st.dict && st.status === "persistent" && (j.filtered === true || isModifiedCollection(st, j.rel))) continue;
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
 * the options below the relationship run on the loaded children in their own queries. The key
 * columns come first, each selected once (a key column the entity maps leads its columns):
 * `SELECT addresses.user_id, addresses.id, addresses.email_address FROM addresses WHERE
 * addresses.user_id IN (…)`; many-to-many selects FROM the association table joined to the target.
 * Many-to-one loads the targets by primary key and skips the query when every target is
 * already in the identity map and nothing below it is to be loaded.
 */
export async function selectinLoad(ctx: LoadContext, load: ResolvedLoad, parents: readonly object[], plan: Pick<OrmPlan, "criteria" | "expressions">): Promise<void> {
  if (parents.length === 0) return;
  const rel = load.rel;
  const target = rel.mapper;
  // ofType(JoinedSubclass): load the subclass entity (FROM its tables' join: only its rows).
  const entity = load.ofType ?? target;
  const nestedOpts = new NestedLoadOptions(load.children, load.columns, load.mapperPath, load.relPath, load.wildcard);
  const extra: unknown[] = [nestedOpts, ...plan.criteria, ...plan.expressions];
  const pending = new PendingPostLoad();
  const hasBelow = load.children.length > 0 || resolveLoads(target, { loads: load.children, columns: load.columns, mapperPath: load.mapperPath, relPath: load.relPath, wildcard: load.wildcard }).some((l) => l.strategy !== "raise");
  // Relationship criteria (`.and()` / `ofType(Subclass)`) go into the WHERE of each batch, with
  // their own bound values; a relationship already loaded is kept unless populateExisting.
  const extraJoin = joinExtras(rel);
  // A primaryjoin with more than key equalities narrows like relationship criteria: the
  // identity map can no longer answer a many-to-one, and a populated attribute is kept.
  const filtered = load.criteria.length > 0 || load.ofType !== undefined;
  const crit = [...load.criteria.map((c) => retargetCriterion(c, target.table, target.table)), ...extraJoin.where];
  const withParent = (stmt: Select): Select => (extraJoin.parentJoin ? stmt.join(extraJoin.parentJoin.alias, extraJoin.parentJoin.on as never) : stmt);
  let states = parents.map((p) => stateOf(p)!);
  if (filtered && !ctx.populateExisting) states = states.filter((st) => !(rel.key in st.dict));
  if (rel.nonSimpleJoin && rel.direction !== "MANYTOMANY") {
    await selectinThroughParent(ctx, rel, entity, states, extra, load.criteria.map((c) => retargetCriterion(c, target.table, target.table)), load.chunksize);
    return;
  }
  if (rel.direction === "MANYTOONE") {
    // A parent whose foreign key was not loaded (deferred): SQLAlchemy degrades to loading the
    // targets through the parents' primary keys, joined from an alias of the parent table.
    if (extraJoin.parentJoin === undefined && states.some((st) => rel.syncPairs.some(([local]) => !(propKey(rel.parent, local) in st.dict)))) {
      await selectinThroughParent(ctx, rel, entity, states, extra, crit, load.chunksize);
      return;
    }
    const wanted = new Map<string, unknown[]>();
    // The foreign key values in the target's primary key order: a composite primaryjoin may
    // name the key columns in another order (`emp_id = reports_to_id AND company_id = company_id`).
    const pkAt = target.pkProps.map((pp) => rel.syncPairs.findIndex(([, remote]) => remote === pp.column));
    const inPkOrder = (fk: unknown[]): unknown[] => (pkAt.length === fk.length && pkAt.every((j) => j >= 0) ? pkAt.map((j) => fk[j]) : fk);
    for (const st of states) {
      const fk = rel.syncPairs.map(([local]) => st.dict[propKey(rel.parent, local)]);
      if (fk.some((v) => v === null || v === undefined)) continue;
      const key = target.identityKey(inPkOrder(fk));
      // With criteria the identity map cannot tell whether the target matches: always ask.
      if (filtered || extraJoin.any || !ctx.identityMap.has(key) || hasBelow || ctx.populateExisting || load.columns.length) wanted.set(key, fk);
    }
    const matched = filtered || extraJoin.any ? new Set<object>() : undefined;
    const pj = extraJoin.parentJoin;
    const byParent = new Map<string, object>();
    const keys = [...wanted.values()];
    const remoteCols = rel.syncPairs.map(([, remote]) => remote);
    const size = selectinBatchSize(ctx, remoteCols.length, load.chunksize);
    for (let i = 0; i < keys.length; i += size) {
      const batch = keys.slice(i, i + size);
      const cond = remoteCols.length === 1 ? remoteCols[0].in(batch.map((k) => k[0])) : tuple(...remoteCols).in(batch);
      if (pj) {
        // The condition depends on the parent row: a target may match one parent and not another.
        const pkCols = rel.parent.pkProps.map((pp) => pj.alias.correspondingColumn(pp.column as never) as ColumnElement<unknown, string>);
        const rows = await ctx.executeOrm((withParent(select(entity.class_ as never, ...pkCols) as unknown as Select)).where(cond, ...crit), extra, pending);
        for (const r of rows) byParent.set(keyString(r.slice(1)), r[0] as object);
        continue;
      }
      // SQLAlchemy selects the target's primary key first (`SELECT users.id, users.name …`).
      const lead = entity === target && target.polymorphicFrom() === undefined ? target.pkProps.map((pp) => pp.column) : [];
      const rows = await ctx.executeOrm(withParent(select(...(lead as never[]), entity.class_ as never) as unknown as Select).where(cond, ...crit), extra, pending);
      if (matched) for (const r of rows) matched.add(r[lead.length] as object);
    }
    await pending.run(ctx);
    for (const st of states) {
      const fk = rel.syncPairs.map(([local]) => st.dict[propKey(rel.parent, local)]);
      let obj = fk.some((v) => v === null || v === undefined) ? null : ctx.identityMap.get(target.identityKey(inPkOrder(fk))) ?? null;
      if (pj) obj = byParent.get(keyString(rel.parent.pkProps.map((pp) => st.dict[pp.key]))) ?? null;
      else if (matched && obj && !matched.has(obj)) obj = null;
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
  const size = selectinBatchSize(ctx, parentCols.length, load.chunksize);
  for (let i = 0; i < parentKeys.length; i += size) {
    const batch = parentKeys.slice(i, i + size);
    const { stmt: base, keyCols, secondaryAlias } = selectinCollectionStatement(rel, entity, extraJoin.parentJoin);
    // The association table may be aliased in the IN query: its columns in the relationship's
    // orderBy and criteria follow the alias (SQLAlchemy adapts them to the loader's FROM).
    const toSec = <T extends ColumnElement<unknown, string>>(e: T): T => (secondaryAlias ? (adaptToFrom(e, rel.secondary!, secondaryAlias) as T) : e);
    const cond = keyCols.length === 1 ? keyCols[0].in(batch.map((k) => k[0])) : tuple(...keyCols).in(batch);
    let stmt = base.where(cond, ...crit.map(toSec));
    if (orderBy.length) stmt = stmt.orderBy(...orderBy.map(toSec));
    const tuples = await ctx.executeOrm(stmt, extra, pending);
    const n = keyCols.length;
    for (const t of tuples) {
      const child = t[n] as object;
      const ks = keyString(t.slice(0, n));
      let g = groups.get(ks);
      if (!g) groups.set(ks, (g = []));
      if (!g.includes(child)) g.push(child);
    }
  }
  await pending.run(ctx);
  for (const st of states) {
    const k = keyOf(st);
    if (!ctx.populateExisting && rel.key in st.dict && isModifiedCollection(st, rel)) continue;
    assignRelationship(st, rel, k.some((v) => v === null || v === undefined) ? [] : groups.get(keyString(k)) ?? []);
  }
}

/**
 * A selectin load keyed by the parents' primary keys, through an alias of the parent table
 * (SQLAlchemy's SelectInLoader when it cannot omit the join): `SELECT a_1.id, b.id, b.x FROM
 * a AS a_1 JOIN b ON b.id = a_1.b_id WHERE a_1.id IN (…)`, in batches. Used for a many-to-one
 * whose foreign key is not loaded, and for a viewonly join that is not a set of key equalities
 * (`foos_1.id > bars.fid`, an OR of equalities): each parent gets the rows its own row joins.
 */
async function selectinThroughParent(
  ctx: LoadContext,
  rel: RelationshipProperty,
  entity: Mapper,
  states: readonly InstanceState[],
  extra: readonly unknown[],
  crit: readonly ColumnElement<boolean>[],
  chunksize: number | undefined,
): Promise<void> {
  const pending = new PendingPostLoad();
  const parentTable = rel.parent.table;
  const alias = parentTable.alias();
  // A self-referential join marked with remote() adapts by its marks (only the parent's side goes to the alias).
  const on = rel.markedPrimaryjoin !== undefined ? rel.joinCondition(alias, rel.mapper.table) : adaptToFrom(rel.primaryjoin, parentTable, alias);
  const pkCols = rel.parent.pkProps.map((pp) => alias.correspondingColumn(pp.column as never) as ColumnElement<unknown, string>);
  const targetFrom = entity.polymorphicFrom() ?? entity.table;
  const keyOf = (st: InstanceState): unknown[] => rel.parent.pkProps.map((pp) => st.dict[pp.key]);
  const keys = states.map(keyOf).filter((k) => k.every((v) => v !== null && v !== undefined));
  const byParent = new Map<string, object[]>();
  const orderBy = relOrderBy(rel);
  const size = selectinBatchSize(ctx, pkCols.length, chunksize);
  for (let i = 0; i < keys.length; i += size) {
    const batch = keys.slice(i, i + size);
    const cond = pkCols.length === 1 ? pkCols[0].in(batch.map((k) => k[0])) : tuple(...pkCols).in(batch);
    // Unlabelled, as SQLAlchemy renders it (`a_1.id, b.id`): rows are read by position.
    let stmt = (select(...(pkCols as never[]), entity.class_ as never) as unknown as Select)
      .selectFrom(alias).join(targetFrom, on as never).where(cond, ...crit).setLabelStyle(LABEL_STYLE_NONE);
    if (orderBy.length) stmt = stmt.orderBy(...orderBy);
    const rows = await ctx.executeOrm(stmt, extra, pending);
    for (const r of rows) {
      const ks = keyString(r.slice(0, pkCols.length));
      const child = r[pkCols.length] as object;
      const g = byParent.get(ks);
      if (!g) byParent.set(ks, [child]);
      else if (!g.includes(child)) g.push(child);
    }
  }
  await pending.run(ctx);
  for (const st of states) {
    if (!ctx.populateExisting && rel.key in st.dict && isModifiedCollection(st, rel)) continue;
    assignRelationship(st, rel, byParent.get(keyString(keyOf(st))) ?? []);
  }
}

/**
 * The IN query of a one-to-many / many-to-many selectin load, before its WHERE, shaped as
 * SQLAlchemy 2.0's SelectInLoader: the key columns first, then the entity (a column the entity
 * selects too is selected once). Many-to-many selects FROM the association table joined to the
 * target on the secondaryjoin; a primaryjoin needing the parent row selects FROM the parent's
 * alias joined to the target, keyed by the alias's columns.
 */
function selectinCollectionStatement(
  rel: RelationshipProperty,
  entity: Mapper,
  parentJoin: JoinExtras["parentJoin"],
): { stmt: Select; keyCols: ColumnElement<unknown, string>[]; secondaryAlias?: FromClause } {
  const entityTable = entity.polymorphicFrom() === undefined ? rel.mapper.table : undefined;
  if (rel.direction === "MANYTOMANY") {
    const keyCols: ColumnElement<unknown, string>[] = rel.secondarySyncPairs.map(([, sec]) => sec);
    let stmt = select(...(keyCols as never[]), entity.class_ as never) as unknown as Select;
    if (parentJoin) return { stmt: stmt.join(rel.secondary!, rel.secondaryjoin as never).join(parentJoin.alias, parentJoin.on as never), keyCols };
    if (entityTable && rel.parent.table === rel.mapper.table) return selfReferentialM2M(rel, entity);
    stmt = entityTable ? stmt.selectFrom(rel.secondary!).join(entityTable, rel.secondaryjoin as never) : stmt.join(rel.secondary!, rel.secondaryjoin as never);
    return { stmt, keyCols };
  }
  if (parentJoin && entityTable) {
    const keyCols = rel.syncPairs.map(([local]) => parentJoin.alias.correspondingColumn(local as never) as ColumnElement<unknown, string>);
    const stmt = (select(...(keyCols as never[]), entity.class_ as never) as unknown as Select).selectFrom(parentJoin.alias).join(entityTable, parentJoin.on as never);
    return { stmt, keyCols };
  }
  const keyCols: ColumnElement<unknown, string>[] = rel.syncPairs.map(([, remote]) => remote);
  let stmt = select(...(keyCols as never[]), entity.class_ as never) as unknown as Select;
  if (parentJoin) stmt = stmt.join(parentJoin.alias, parentJoin.on as never);
  return { stmt, keyCols };
}

/**
 * A self-referential many-to-many's IN query: SQLAlchemy loads it through the parent (its
 * omit-join form does not apply), `SELECT people_1.id, people.… FROM people AS people_1 JOIN
 * follows AS follows_1 ON people_1.id = follows_1.follower_id JOIN people ON people.id =
 * follows_1.followed_id WHERE people_1.id IN (…)`.
 */
function selfReferentialM2M(rel: RelationshipProperty, entity: Mapper): { stmt: Select; keyCols: ColumnElement<unknown, string>[]; secondaryAlias: FromClause } {
  const table = rel.parent.table;
  const secondary = rel.secondary!;
  const alias = table.alias();
  const sec = secondary.alias();
  const keyCols = rel.secondarySyncPairs.map(([local]) => alias.correspondingColumn(local as never) as ColumnElement<unknown, string>);
  const toSecondary = adaptToFrom(adaptToFrom(rel.primaryjoin, table, alias), secondary, sec);
  const toTarget = adaptToFrom(rel.secondaryjoin!, secondary, sec);
  const stmt = (select(...(keyCols as never[]), entity.class_ as never) as unknown as Select).selectFrom(alias).join(sec, toSecondary as never).join(table, toTarget as never);
  return { stmt, keyCols, secondaryAlias: sec };
}

/** `props` with those mapping one of `lead`'s columns first, in `lead`'s order. */
function leadingProps(props: readonly ColumnProperty[], lead: readonly unknown[]): ColumnProperty[] {
  const first = lead.map((c) => props.find((p) => p.column === c)).filter((p): p is ColumnProperty => p !== undefined);
  return first.length ? [...first, ...props.filter((p) => !first.includes(p))] : [...props];
}

/** How a selectin query applies the parts of a primaryjoin beyond its key equalities. */
interface JoinExtras {
  /** Whether the primaryjoin has such parts at all. */
  readonly any: boolean;
  /** Parts over the target (or association) table only: AND-ed into the WHERE. */
  readonly where: readonly ColumnElement<boolean>[];
  /** Parts that need the parent row: the parent table joined (as an alias) on the whole primaryjoin. */
  readonly parentJoin?: { readonly alias: Alias; readonly on: ColumnElement<unknown, string> };
}
const NO_EXTRAS: JoinExtras = { any: false, where: [] };
const joinExtrasCache = new WeakMap<RelationshipProperty, JoinExtras>();

/**
 * The non-key parts of `rel`'s primaryjoin (`and(User.id.eq(Address.userId),
 * Address.email.like("%@x"))` → the LIKE), which a selectin load must apply as SQLAlchemy's
 * SelectInLoader does: its IN query filters only on the key columns, so these parts are added
 * to the WHERE, or, when they mention the parent table (or the relationship is
 * self-referential, where sides can't be told apart by table), the parent is joined on the
 * whole condition.
 */
function joinExtras(rel: RelationshipProperty): JoinExtras {
  let e = joinExtrasCache.get(rel);
  if (e) return e;
  const pj = rel.primaryjoin;
  const terms = pj instanceof BooleanClauseList && pj.operator === "and" ? pj.clauses : [pj];
  const keyPairs = rel.direction === "MANYTOMANY" ? rel.secondarySyncPairs : rel.syncPairs;
  const isKeyPair = (t: ClauseElement): boolean => {
    if (!(t instanceof BinaryExpression) || t.operator !== "eq") return false;
    const l = baseColumnOf(t.left);
    const r = baseColumnOf(t.right);
    return keyPairs.some(([a, b]) => (a === l && b === r) || (a === r && b === l));
  };
  const rest = terms.filter((t) => !isKeyPair(t)) as ColumnElement<boolean>[];
  if (!rest.length) e = NO_EXTRAS;
  else {
    const parentTable = rel.parent.table;
    const selfRef = rel.direction !== "MANYTOMANY" && parentTable === rel.mapper.table;
    const needsParent = selfRef || rest.some((t) => tablesOf(t).has(parentTable));
    const third = (t: ClauseElement): boolean => [...tablesOf(t)].some((x) => x !== parentTable && x !== rel.mapper.table && x !== rel.secondary);
    if (!needsParent) e = { any: true, where: rest };
    else if (!selfRef && rel.direction !== "MANYTOMANY" && rest.some(third)) {
      // A join ON may name only the tables it joins (PostgreSQL): parts over a third table
      // (`t3.data = t1.data`) go to the WHERE, which brings that table into the FROM.
      const alias = parentTable.alias();
      const adapt = (c: ClauseElement): ColumnElement<boolean> => adaptToFrom(c as ColumnElement<boolean>, parentTable, alias);
      const inOn = terms.filter((t) => !third(t)) as ColumnElement<boolean>[];
      const on = adapt(inOn.length === 1 ? inOn[0] : and(...inOn));
      e = { any: true, where: rest.filter(third).map(adapt), parentJoin: { alias, on } };
    } else {
      const alias = parentTable.alias();
      const on = rel.direction === "MANYTOMANY" ? adaptToFrom(pj, parentTable, alias) : rel.joinCondition(alias, rel.mapper.table);
      e = { any: true, where: [], parentJoin: { alias, on } };
    }
  }
  joinExtrasCache.set(rel, e);
  return e;
}
function baseColumnOf(x: unknown): unknown {
  const c = x instanceof ColumnElement && "column" in x && (x as { column?: unknown }).column instanceof ColumnClause ? (x as { column: ColumnClause<unknown, string> }).column : x;
  return c instanceof ColumnClause ? c.baseColumn : undefined;
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
    applyRaiseOnSql(objs, slot.raiseOnSql);
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
  return slot.noload.length > 0 || slot.raiseOnSql.length > 0 || slot.selectin.length > 0 || slot.joined.some((j) => needsPostLoad(j.child));
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

/** @internal Result metadata of ORM rows: one column per slot, values already final. */
export interface ResultMetadataLike {
  readonly keys: readonly string[];
  readonly processors: readonly undefined[];
  /** Per slot: the entity (class or aliased class), or the attribute and its column. */
  readonly targets: readonly (readonly object[])[];
}
interface MetaNode {
  next: WeakMap<object, MetaNode> | undefined;
  metas: ResultMetadataLike[] | undefined;
}
/**
 * Metadata objects in a trie keyed (weakly) by each slot's first target, each leaf holding the
 * metadata built for those objects: the result layer caches its row class (and its object
 * index) per metadata object, so a statement shape reuses one, and a lookup compares every key
 * and target, so no statement ever gets another's targets.
 */
const metaRoot: MetaNode = { next: undefined, metas: undefined };
/** Metadata kept per leaf; beyond it (a table whose columns keep changing) a fresh one is made. */
const METAS_PER_LEAF = 8;

function sameMeta(m: ResultMetadataLike, keys: readonly string[], targets: readonly (readonly object[])[]): boolean {
  if (m.keys.length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) {
    if (m.keys[i] !== keys[i]) return false;
    const a = m.targets[i];
    const b = targets[i];
    if (a.length !== b.length) return false;
    for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
  }
  return true;
}

/**
 * The metadata of ORM rows with these slot keys and per-slot target objects (see
 * `ResultMetadata.targets`: `row._mapping.get(Address.id)`, `result.scalars(Address.id)`),
 * shared by every statement of that shape. Runs once per planned statement, never per row.
 * @internal
 */
export function ormResultMetadata(keys: readonly string[], targets: readonly (readonly object[])[]): ResultMetadataLike {
  let node = metaRoot;
  for (const t of targets) {
    const first = t[0];
    const map: WeakMap<object, MetaNode> = (node.next ??= new WeakMap());
    let n = map.get(first);
    if (n === undefined) map.set(first, (n = { next: undefined, metas: undefined }));
    node = n;
  }
  const metas = (node.metas ??= []);
  for (const m of metas) if (sameMeta(m, keys, targets)) return m;
  const m: ResultMetadataLike = { keys: keys.slice(), processors: keys.map(() => undefined), targets: targets.map((t) => t.slice()) };
  if (metas.length < METAS_PER_LEAF) metas.push(m);
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
  const res = new Result(plan.meta, tuples, { rowsAffected: -1, returnsRows: true });
  return plan.hasJoinedCollections ? guardUnique(res) : res;
}

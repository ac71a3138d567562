/**
 * Loader options (SQLAlchemy's `sqlalchemy.orm.strategy_options`): eager loading of
 * relationships (`selectinload`, `joinedload`, `containsEager`), explicit no/raise loading, and
 * column deferral (`defer`, `undefer`, `loadOnly`), plus `withLoaderCriteria`. A relationship
 * may be given narrowed: `selectinload(User.addresses.and(crit))` / `joinedload(…)` load only
 * matching children, `ofType(Subclass)` adds the discriminator of a single-table subclass; a
 * joined-table subclass is a polymorphic-loading hint for selectinload / joinedload (every row
 * loads) and the entity containsEager reads; `containsEager(rel.ofType(a))` reads the children
 * from alias `a`.
 * @module
 */
import { ArgumentError, InvalidRequestError } from "../errors.js";
import { ColumnElement, type Condition } from "../sql/elements.js";
import { InstrumentedAttribute, mapperOf, RelationshipProperty, type ColumnProperty, type Mapper } from "./mapper.js";
import type { CacheKeyBuilder } from "../sql/cache-key.js";
import type { FromClause } from "../sql/selectable.js";
import type { InnerJoinSetting, RelationshipComparator } from "./relationship.js";

/** How a relationship on a path is loaded. */
export type RelationshipStrategy = "selectin" | "joined" | "raise" | "raise_on_sql" | "noload" | "containsEager";

/**
 * Anything naming a relationship: the class attribute (`User.addresses`), one seen from an
 * alias (`ua.addresses`), narrowed with `.ofType(…)` or `.and(…)`.
 */
export type RelationshipRef = RelationshipComparator<unknown>;

/** What a loader option keeps of a relationship reference. */
interface RelTarget {
  readonly prop: RelationshipProperty;
  /** `.and()` criteria plus the discriminator of an `ofType(SingleTableSubclass)`. */
  readonly criteria: readonly ColumnElement<boolean>[];
  /** Whether `.and()` criteria were given (not only an ofType discriminator). */
  readonly userCriteria: boolean;
  /** The alias of `ofType(aliased(Target))`. */
  readonly alias: FromClause | undefined;
  /** The mapper of `ofType(JoinedSubclass)`: a joined-table subclass of the target, loaded as that entity. */
  readonly ofType: Mapper | undefined;
  /** The entity the path continues from: the target class, or the class given to `ofType()`. */
  readonly target: Mapper;
}

function relOf(ref: unknown, where: string): RelTarget {
  // A brand, not instanceof: options.ts needs no value import of relationship.ts (an import cycle).
  const cmp = ref as Partial<RelationshipComparator<unknown>> | null;
  if (cmp?._isRelationshipComparator !== true || typeof cmp._sides !== "function") {
    if (ref instanceof InstrumentedAttribute || isExpressionProperty(ref)) throw wrongPropertyKind(STRATEGY_LABEL[where] ?? `${where} loader`, ref, "relationship property");
    throw new ArgumentError(`expected ORM mapped attribute for loader strategy argument: ${where}() expects a relationship attribute such as User.addresses; got ${String(ref)}`);
  }
  const sides = cmp._sides();
  const { prop, targetMapper, targetFrom } = sides;
  const criteria: ColumnElement<boolean>[] = [];
  // A joined-table subclass is loaded as its own entity (FROM the join of its tables, which
  // keeps only its rows); a single-table one through the discriminator.
  const joinedSub = targetFrom === undefined && targetMapper !== prop.mapper && targetMapper.table !== prop.mapper.table;
  if (targetMapper !== prop.mapper && !joinedSub) {
    const discriminator = targetMapper.polymorphicCriterion();
    if (discriminator) criteria.push(discriminator as ColumnElement<boolean>);
  }
  const extra = sides.extraCriteria ?? [];
  criteria.push(...extra);
  return { prop, criteria, userCriteria: extra.length > 0, alias: targetFrom, ofType: joinedSub ? targetMapper : undefined, target: targetMapper };
}

/** SQLAlchemy's plain names of the loader strategies behind each option (for its error messages). */
const STRATEGY_LABEL: Readonly<Record<string, string>> = {
  selectinload: "select in loader", joinedload: "joined loader", containsEager: "joined loader", raiseload: "lazy loader", noload: "no loader",
  defaultload: "lazy loader", defer: "deferred column loader", undefer: "column loader", loadOnly: "column loader",
};

function isExpressionProperty(x: unknown): boolean {
  return (x as { _isColumnExpressionProperty?: true } | null)?._isColumnExpressionProperty === true;
}

/** SQLAlchemy's `LoaderStrategyException`: a relationship option on a column, or a column option on a relationship. */
function wrongPropertyKind(strategy: string, ref: unknown, intended: "relationship property" | "column property"): InvalidRequestError {
  const isRel = (ref as { _isRelationshipComparator?: true } | null)?._isRelationshipComparator === true;
  const kind = isRel ? "relationship" : isExpressionProperty(ref) ? "mapped sql expression" : "column property";
  return new InvalidRequestError(
    `Can't apply "${strategy}" strategy to property "${describeAttr(ref)}", which is a "${kind}"; this loader strategy is intended to be used with a "${intended}".`,
  );
}

function describeAttr(ref: unknown): string {
  if (ref instanceof InstrumentedAttribute) {
    const m = mapperOf(ref.entity) ?? (ref.entity as { mapper?: Mapper }).mapper;
    return `${m?.className ?? "?"}.${ref.attrKey}`;
  }
  const expr = ref as { boundKey?: string; boundMapper?: Mapper };
  if (expr.boundMapper && expr.boundKey) return `${expr.boundMapper.className}.${expr.boundKey}`;
  return String(ref);
}

/**
 * SQLAlchemy's check when an option path is built: each attribute must belong to the entity
 * the path has reached (`joinedload(User.addresses).joinedload(User.orders)` does not link).
 */
function checkLinks(parent: Load, parentOf: Mapper, attr: string): void {
  const target = parent.target;
  if (target === undefined || parent.relationship === "*" || parent.relationship === undefined) return;
  if (!target.isA(parentOf)) {
    const of = target === parent.relationship.mapper ? "" : `.ofType(${target.className})`;
    throw new ArgumentError(
      `ORM mapped entity or attribute "${attr}" does not link from relationship "${parent.relationship.parent.className}.${parent.relationship.key}${of}".`,
    );
  }
}

/**
 * A plain relationship attribute of a class not adopted yet (`joinedload(User.addresses)` right
 * after `class User`, before any statement used User): JS gives a class no hook when it is
 * declared, so the option resolves the relationship when a statement plans with it, by which
 * time the statement's entities have adopted their classes. Undefined when `ref` is anything else.
 */
function pendingSpecOf(ref: unknown): { readonly property: RelationshipProperty } | undefined {
  const spec = ref as { _isRelationshipSpec?: true; _isBound?: () => boolean } | null;
  if (spec?._isRelationshipSpec !== true || typeof spec._isBound !== "function" || spec._isBound()) return undefined;
  return spec as unknown as { readonly property: RelationshipProperty };
}

/** A Load node for `ref`, refusing criteria where the strategy loads nothing to filter. */
function loadOf(ref: unknown, where: string, strategy: RelationshipStrategy | undefined, opts: LoadOpts, parent?: Load): Load {
  const pending = pendingSpecOf(ref);
  if (pending) {
    const load = new Load(undefined, strategy, opts, parent);
    load._pending = pending;
    return load;
  }
  const r = relOf(ref, where);
  if (r.userCriteria && strategy !== "selectin" && strategy !== "joined") {
    throw new ArgumentError(`${where}(): relationship criteria (.and()) apply to selectinload() and joinedload(); for containsEager() put them in the join`);
  }
  if (parent && parent._pending === undefined) checkLinks(parent, r.prop.parent, `${r.prop.parent.className}.${r.prop.key}`);
  const criteria = strategy === "selectin" || strategy === "joined" ? r.criteria : [];
  // On an eager loader, ofType(JoinedSubclass) is SQLAlchemy's polymorphic-loading hint, not a
  // filter: every target row loads, the subclass's columns with it (athanor's polymorphic load
  // already joins every subclass table), and the path may continue from the subclass. Only
  // containsEager reads the statement's subclass join as that entity.
  const ofType = r.ofType && strategy === "containsEager" ? r.ofType : undefined;
  const load = new Load(r.prop, strategy, { ...opts, alias: opts.alias ?? (strategy === "containsEager" ? r.alias : undefined), criteria, ...(ofType ? { ofType } : {}) }, parent);
  load.target = r.target;
  return load;
}

/** Per-node settings of a {@link Load}. */
export interface LoadOpts {
  readonly innerJoin?: InnerJoinSetting;
  /** containsEager: the alias (or aliased class) the statement joined the target as. */
  readonly alias?: unknown;
  /** Criteria on the target (from `.and()` / `ofType(Subclass)`), written against its table or an alias of it. */
  readonly criteria?: readonly ColumnElement<boolean>[];
  /** `containsEager(rel.ofType(JoinedSubclass))`: the subclass mapper the statement's join is read as. */
  readonly ofType?: Mapper;
  /**
   * selectinload of a self-referential relationship: further levels to load the same way
   * (SQLAlchemy 2.0's `recursion_depth`; -1 until a level finds no rows).
   */
  readonly recursionDepth?: number;
  /** selectinload: parents per IN query (SQLAlchemy's `chunksize`; default 500). */
  readonly chunksize?: number;
}

function colKeyOf(ref: unknown, where: string): { mapper: Mapper; key: string } {
  const expr = ref as { _isColumnExpressionProperty?: boolean; boundKey?: string; boundMapper?: Mapper } | null;
  if (expr?._isColumnExpressionProperty) {
    if (!expr.boundKey || !expr.boundMapper) throw new ArgumentError(`${where}(): the column property is not attached to a mapped class yet`);
    return { mapper: expr.boundMapper, key: expr.boundKey };
  }
  if (ref instanceof InstrumentedAttribute) {
    const m = mapperOf(ref.entity) ?? (ref.entity as { mapper?: Mapper }).mapper;
    if (!m) throw new ArgumentError(`${where}(): ${ref.describe()} does not belong to a mapped class`);
    // A synonym's attribute carries its target's property: the option applies to the target.
    return { mapper: m, key: (ref.prop as ColumnProperty | undefined)?.key ?? ref.attrKey };
  }
  if ((ref as { _isRelationshipComparator?: true } | null)?._isRelationshipComparator === true) throw wrongPropertyKind(STRATEGY_LABEL[where] ?? "column loader", ref, "column property");
  throw new ArgumentError(`${where}() expects a column attribute such as User.bio; got ${String(ref)}`);
}

/** A column-like attribute accepted by defer/undefer/loadOnly: `User.bio`, or a columnProperty. */
export type ColumnAttributeRef = InstrumentedAttribute | { readonly _isColumnExpressionProperty: true };

/** One node of a loader-option path: a relationship, its strategy, and options below it. */
export class Load {
  readonly _isLoaderOption = true;
  /** Which option this is, checked instead of `instanceof` (bundle size). @internal */
  readonly optionKind = "load" as const;
  /** Column directives on the target entity of this path node. */
  readonly columnDirectives: ColumnDirective[] = [];
  readonly children: Load[] = [];
  private _target: Mapper | undefined;
  private _relationship: RelationshipProperty | "*" | undefined;
  /** A relationship attribute of a class not adopted when the option was built (resolved on first use). @internal */
  _pending: { readonly property: RelationshipProperty } | undefined;
  /**
   * `new Load(User)`: a path rooted at an entity of the statement (SQLAlchemy's `Load(User)`), for
   * options that name that entity alone: `new Load(User).loadOnly(User.name)`,
   * `new Load(Order).undefer("*")`, `new Load(User).selectinload(User.orders)`.
   * @throws ArgumentError when `entity` is not a mapped class or an aliased() class.
   */
  constructor(entity: object);
  /** @internal The loader builds path nodes for relationships itself. */
  constructor(relationship: RelationshipProperty | "*" | undefined, strategy: RelationshipStrategy | undefined, opts?: LoadOpts, parent?: Load);
  constructor(
    relationship: RelationshipProperty | "*" | object | undefined,
    readonly strategy: RelationshipStrategy | undefined = undefined,
    readonly opts: LoadOpts = {},
    public parent: Load | undefined = undefined,
  ) {
    if (relationship === undefined || relationship === "*" || relationship instanceof RelationshipProperty) {
      this._relationship = relationship;
      return;
    }
    const aliased = relationship as { _isAliasedClass?: true; mapper?: Mapper; alias?: FromClause };
    const m = aliased._isAliasedClass === true ? aliased.mapper : mapperOf(relationship);
    if (!m) throw new ArgumentError(`Load() expects a mapped class or an aliased() class; got ${String(relationship)}`);
    this._relationship = undefined;
    this._target = m;
    this.entity = m;
    this.entityFrom = aliased._isAliasedClass === true ? aliased.alias : m.table;
  }
  /** For `new Load(Entity)`: the entity the path is rooted at (its options apply to it alone). @internal */
  entity: Mapper | undefined;
  /** For `new Load(Entity)`: the table, or the alias of an aliased() class, its column options apply to. @internal */
  entityFrom: FromClause | undefined;
  /** The relationship this path node follows (`"*"` for a wildcard). */
  get relationship(): RelationshipProperty | "*" | undefined {
    this.resolvePending();
    return this._relationship;
  }
  /** The entity this path node reaches (the relationship's target, or its `ofType()` class). @internal */
  get target(): Mapper | undefined {
    this.resolvePending();
    return this._target;
  }
  set target(m: Mapper | undefined) {
    this._target = m;
  }
  /** @throws InvalidRequestError when the relationship's class is still not mapped. */
  private resolvePending(): void {
    const pending = this._pending;
    if (pending === undefined) return;
    const prop = pending.property;
    this._pending = undefined;
    this._relationship = prop;
    this._target = prop.mapper;
    if (this.parent) checkLinks(this.parent, prop.parent, `${prop.parent.className}.${prop.key}`);
  }
  private chain(child: Load): Load {
    if (this._relationship === "*") throw new ArgumentError("Wildcard token cannot be followed by another entity");
    this.children.push(child);
    return child;
  }
  /** Continue the path: `selectinload(User.orders).selectinload(Order.items)`. */
  selectinload(attr: RelationshipRef | "*", opts: SelectinOptions = {}): Load {
    return this.chain(attr === "*" ? new Load("*", "selectin", {}, this) : loadOf(attr, "selectinload", "selectin", selectinOpts(opts), this));
  }
  joinedload(attr: RelationshipRef | "*", opts: { innerJoin?: InnerJoinSetting } = {}): Load {
    return this.chain(attr === "*" ? new Load("*", "joined", opts.innerJoin !== undefined ? { innerJoin: opts.innerJoin } : {}, this) : loadOf(attr, "joinedload", "joined", opts, this));
  }
  /** Continue the path through `attr` without changing how it loads (SQLAlchemy's `defaultload`). */
  defaultload(attr: RelationshipRef): Load {
    return this.chain(loadOf(attr, "defaultload", undefined, {}, this));
  }
  raiseload(attr: RelationshipRef | "*", opts: { sqlOnly?: boolean } = {}): Load {
    const strategy = opts.sqlOnly ? "raise_on_sql" : "raise";
    return this.chain(attr === "*" ? new Load("*", strategy, {}, this) : loadOf(attr, "raiseload", strategy, {}, this));
  }
  noload(attr: RelationshipRef | "*"): Load {
    return this.chain(attr === "*" ? new Load("*", "noload", {}, this) : loadOf(attr, "noload", "noload", {}, this));
  }
  containsEager(attr: RelationshipRef, opts: { alias?: unknown } = {}): Load {
    return this.chain(loadOf(attr, "containsEager", "containsEager", opts, this));
  }
  /** A column of this path's target entity (checked to link from it). */
  private linkedColumn(a: ColumnAttributeRef, where: string): { mapper: Mapper; key: string } {
    const k = colKeyOf(a, where);
    checkLinks(this, k.mapper, `${k.mapper.className}.${k.key}`);
    return k;
  }
  /**
   * Defer columns of this path's target entity; `"*"` defers every column but the primary key
   * (SQLAlchemy's `defer("*")` wildcard).
   */
  defer(...attrs: (ColumnAttributeRef | "*")[]): Load {
    for (const a of attrs) this.columnDirectives.push({ kind: "defer", ...(a === "*" ? WILDCARD : this.linkedColumn(a, "defer")) });
    return this;
  }
  /** Undefer columns of this path's target entity; `"*"` loads every deferred column (`undefer("*")`). */
  undefer(...attrs: (ColumnAttributeRef | "*")[]): Load {
    for (const a of attrs) this.columnDirectives.push({ kind: "undefer", ...(a === "*" ? WILDCARD : this.linkedColumn(a, "undefer")) });
    return this;
  }
  /** Load the deferred columns of this path's target entity in the named group (SQLAlchemy's `undefer_group()`). */
  undeferGroup(name: string): Load {
    this.columnDirectives.push(undeferGroup(name).directive);
    return this;
  }
  loadOnly(...attrs: ColumnAttributeRef[]): Load {
    const keys = attrs.map((a) => this.linkedColumn(a, "loadOnly"));
    this.columnDirectives.push({ kind: "loadOnly", mapper: keys[0]?.mapper, keys: keys.map((k) => k.key) });
    return this;
  }
  /**
   * Apply several options below this path node at once (SQLAlchemy's `Load.options()`):
   * `selectinload(User.orders).options(selectinload(Order.items), defer(Order.description))`.
   * Relationship options become children of this node; column options apply to its target.
   * @throws ArgumentError for anything that is not a loader option.
   */
  options(...opts: readonly (Load | ColumnOption)[]): Load {
    for (const o of opts) {
      if (o instanceof Load) {
        const r = o.root;
        if (r.relationship !== undefined && r.relationship !== "*") checkLinks(this, r.relationship.parent, `${r.relationship.parent.className}.${r.relationship.key}`);
        (r as { parent: Load | undefined }).parent = this;
        this.children.push(r);
      } else if (o instanceof ColumnOption) {
        const d = o.directive;
        if (d.mapper) checkLinks(this, d.mapper, `${d.mapper.className}.${d.kind === "loadOnly" ? d.keys[0] : d.key}`);
        this.columnDirectives.push(d);
      }
      else throw new ArgumentError(`Load.options(): ${String(o)} is not a loader option`);
    }
    return this;
  }
  /** The root of this option chain. */
  get root(): Load {
    let n: Load = this;
    while (n.parent) n = n.parent;
    return n;
  }
  /**
   * Cache key of the option chain this node belongs to (SQLAlchemy's `Load._generate_cache_key`):
   * the whole tree from its root, as the loader reads it from the root. Relationship criteria
   * are keyed by structure, their bound values collected.
   * @internal
   */
  _key(k: CacheKeyBuilder): void {
    keyLoadNode(this.root, k);
  }
}

function keyLoadNode(l: Load, k: CacheKeyBuilder): void {
  // The unresolved relationship without resolving it: keying must not check links (or throw).
  const rel = l._pending?.property ?? (l as unknown as { _relationship: RelationshipProperty | "*" | undefined })._relationship;
  const o = l.opts;
  k.push(
    "load",
    rel === "*" ? "*" : rel !== undefined ? `${rel.parent.id}.${rel.key}` : l.entity !== undefined ? `@${l.entity.id}` : "",
    l.strategy ?? "",
    o.innerJoin === undefined ? "" : String(o.innerJoin),
    o.ofType ? String(o.ofType.id) : "",
    o.recursionDepth === undefined ? "" : String(o.recursionDepth),
    o.chunksize === undefined ? "" : String(o.chunksize),
    String(o.criteria?.length ?? 0),
  );
  // new Load(aliased(User)): its column options apply to the alias only.
  if (l.entityFrom !== undefined && l.entityFrom !== l.entity?.table) l.entityFrom._key(k);
  // containsEager's alias: the FROM the related rows are read from.
  const alias = o.alias as { _isAliasedClass?: true; alias?: FromClause } | FromClause | undefined;
  if (alias !== undefined) {
    k.push("alias");
    const from = (alias as { _isAliasedClass?: true })._isAliasedClass === true ? (alias as { alias: FromClause }).alias : alias;
    if (typeof (from as FromClause)._key === "function") (from as FromClause)._key(k);
    else k.push(`?${k.anonId(from as object)}`);
  }
  for (const c of o.criteria ?? []) c._key(k);
  k.push("cols", String(l.columnDirectives.length));
  for (const d of l.columnDirectives) keyDirective(d, k);
  k.push("sub", String(l.children.length));
  for (const c of l.children) keyLoadNode(c, k);
}

function keyDirective(d: ColumnDirective, k: CacheKeyBuilder): void {
  if (d.kind === "loadOnly") k.push(d.kind, d.mapper ? String(d.mapper.id) : "", String(d.keys.length), ...d.keys);
  else k.push(d.kind, d.mapper ? String(d.mapper.id) : "", d.key, d.raiseload ? "r" : "");
  if (d.from !== undefined) d.from._key(k);
  else k.push("");
}

/**
 * A column deferral directive. `key` "*" (with no mapper) is a wildcard over the entity's
 * columns; "undeferGroup" names a deferred group in `key`. A directive without a mapper applies
 * to whatever entity its path node (or the statement, at the root) loads.
 */
export type ColumnDirective =
  | { readonly kind: "defer" | "undefer" | "undeferGroup"; readonly mapper: Mapper | undefined; readonly key: string; readonly raiseload?: boolean; readonly from?: FromClause }
  | { readonly kind: "loadOnly"; readonly mapper: Mapper | undefined; readonly keys: readonly string[]; readonly from?: FromClause };

const WILDCARD = { mapper: undefined, key: "*" } as const;

/** A root-level column option (not under a relationship path). */
export class ColumnOption {
  readonly _isLoaderOption = true;
  /** Which option this is, checked instead of `instanceof` (bundle size). @internal */
  readonly optionKind = "column" as const;
  constructor(readonly directive: ColumnDirective) {}
  /** Cache key of the option (SQLAlchemy keys `defer()` / `load_only()` by path and strategy). @internal */
  _key(k: CacheKeyBuilder): void {
    k.push("colopt");
    keyDirective(this.directive, k);
  }
}

/** Options of {@link selectinload}. */
export interface SelectinOptions {
  /**
   * For a self-referential relationship, load this many further levels the same way, or all of
   * them with -1 (SQLAlchemy 2.0's `recursion_depth`): `selectinload(Node.children, {
   * recursionDepth: -1 })` loads a whole tree, one SELECT per level.
   */
  readonly recursionDepth?: number;
  /**
   * Parents per `IN (…)` query, instead of 500 (SQLAlchemy 2.1's `chunksize`); it applies to this
   * relationship only, not to the loads chained below it.
   */
  readonly chunksize?: number;
}

function selectinOpts(opts: SelectinOptions): LoadOpts {
  const d = opts.recursionDepth;
  const n = opts.chunksize;
  if (d !== undefined && (!Number.isInteger(d) || d < -1)) throw new ArgumentError(`selectinload(): recursionDepth must be a whole number ≥ 0, or -1 for no limit; got ${String(d)}`);
  // SQLAlchemy's message (it raises when the load runs; athanor when the option is built).
  if (n !== undefined && (typeof n !== "number" || !Number.isInteger(n) || n < 1)) {
    throw new ArgumentError(`'chunksize=${String(n)}' is not an appropriate input, please use a positive non-zero integer.`);
  }
  return { ...(d !== undefined ? { recursionDepth: d } : {}), ...(n !== undefined ? { chunksize: n } : {}) };
}

/**
 * `selectinload(User.addresses, { recursionDepth?, chunksize? })`: load the relationship with a
 * second SELECT … WHERE fk IN (…), in batches of 500 parents (or `chunksize`).
 * @throws ArgumentError for a recursionDepth that is not a whole number ≥ -1, or a chunksize that
 *   is not a whole number ≥ 1 (SQLAlchemy's message); the statement
 *   raises InvalidRequestError when it is given for a relationship that is not
 *   self-referential (SQLAlchemy's message).
 */
export function selectinload(attr: RelationshipRef | "*", opts: SelectinOptions = {}): Load {
  if (attr === "*") return new Load("*", "selectin");
  return loadOf(attr, "selectinload", "selectin", selectinOpts(opts));
}
/**
 * `joinedload(User.addresses, { innerJoin })`: load it in the same statement with a LEFT OUTER
 * JOIN (or INNER). `joinedload("*")` joins every relationship of the statement's entities, and
 * below them, stopping where a path comes back to a class already on it (SQLAlchemy's wildcard
 * default strategy); chained from a path (`defaultload(User.orders).joinedload("*")`) it applies
 * to that level only.
 */
export function joinedload(attr: RelationshipRef | "*", opts: { innerJoin?: InnerJoinSetting } = {}): Load {
  if (attr === "*") return new Load("*", "joined", opts.innerJoin !== undefined ? { innerJoin: opts.innerJoin } : {});
  return loadOf(attr, "joinedload", "joined", opts);
}
/**
 * `defaultload(User.orders).selectinload(Order.items)`: a path step that keeps the relationship's
 * own loader (its `lazy` setting, or an option given for it elsewhere) and only carries the
 * options chained below it (SQLAlchemy's `defaultload`). With the default `lazy: "raise"` the
 * relationship itself still raises when read unless something else loads it.
 */
export function defaultload(attr: RelationshipRef): Load {
  return loadOf(attr, "defaultload", undefined, {});
}
/**
 * `raiseload(User.addresses)` or `raiseload("*")`: reading the relationship raises (the default in
 * athanor). `{ sqlOnly: true }` (SQLAlchemy's `sql_only=True`, lazy="raise_on_sql"): a many-to-one
 * whose target is already in the session's identity map reads it from there; otherwise it raises.
 */
export function raiseload(attr: RelationshipRef | "*", opts: { sqlOnly?: boolean } = {}): Load {
  const strategy = opts.sqlOnly ? "raise_on_sql" : "raise";
  return attr === "*" ? new Load("*", strategy) : loadOf(attr, "raiseload", strategy, {});
}
/** `noload(User.addresses)`: the relationship reads as empty / null without loading; `noload("*")` for all of them. */
export function noload(attr: RelationshipRef | "*"): Load {
  return attr === "*" ? new Load("*", "noload") : loadOf(attr, "noload", "noload", {});
}
/** `containsEager(User.addresses)`: the statement already joins and selects the related rows; populate from them. */
export function containsEager(attr: RelationshipRef, opts: { alias?: unknown } = {}): Load {
  return loadOf(attr, "containsEager", "containsEager", opts);
}
/**
 * `defer(User.bio, { raiseload })`: leave the column out of the SELECT. `defer("*")` defers every
 * column but the primary key of the statement's entities (SQLAlchemy's wildcard). Deferring a
 * primary key column is ignored, as in SQLAlchemy 2.0 (the key is always loaded).
 */
export function defer(attr: ColumnAttributeRef | "*", opts: { raiseload?: boolean } = {}): ColumnOption {
  return new ColumnOption({ kind: "defer", ...(attr === "*" ? WILDCARD : colKeyOf(attr, "defer")), raiseload: opts.raiseload ?? false });
}
/** `undefer(User.bio)`: load a column that is deferred by default; `undefer("*")` loads them all. */
export function undefer(attr: ColumnAttributeRef | "*"): ColumnOption {
  return new ColumnOption({ kind: "undefer", ...(attr === "*" ? WILDCARD : colKeyOf(attr, "undefer")) });
}
/**
 * `undeferGroup("photos")`: load every column declared `deferredGroup: "photos"` (SQLAlchemy's
 * `undefer_group()`); chain it from a path (`selectinload(User.orders).undeferGroup("g")`) for a
 * related entity.
 * @throws ArgumentError for an empty name.
 */
export function undeferGroup(name: string): ColumnOption {
  if (typeof name !== "string" || name === "") throw new ArgumentError("undeferGroup() expects the name of a deferred group");
  return new ColumnOption({ kind: "undeferGroup", mapper: undefined, key: name });
}
/** `loadOnly(User.id, User.name)`: load only these columns (plus the primary key) of the entity. */
export function loadOnly(...attrs: ColumnAttributeRef[]): ColumnOption {
  if (attrs.length === 0) throw new ArgumentError("loadOnly() needs at least one attribute");
  const keys = attrs.map((a) => colKeyOf(a, "loadOnly"));
  return new ColumnOption({ kind: "loadOnly", mapper: keys[0].mapper, keys: keys.map((k) => k.key) });
}

/** `withLoaderCriteria(Entity, criteria)`: extra WHERE criteria for every load of an entity in this statement. */
export class LoaderCriteriaOption {
  readonly _isLoaderOption = true;
  /** Which option this is, checked instead of `instanceof` (bundle size). @internal */
  readonly optionKind = "criteria" as const;
  constructor(
    readonly entity: unknown,
    readonly criteria: (entity: never) => Condition,
    readonly includeAliases: boolean,
  ) {}
  get mapper(): Mapper {
    const m = mapperOf(this.entity);
    if (!m) throw new ArgumentError("withLoaderCriteria() expects a mapped class");
    return m;
  }
  /**
   * Cache key of the option: the criteria as the loader builds them (the function called with
   * the entity's class), keyed by structure with their bound values collected, so that two
   * closures over different values key the same (SQLAlchemy's
   * test_loader_criteria_bound_param_thing).
   * @internal
   */
  _key(k: CacheKeyBuilder): void {
    const m = this.mapper;
    k.push("lcrit", String(m.id), this.includeAliases ? "a" : "");
    (this.criteria(m.class_ as never) as ColumnElement<boolean>)._key(k);
  }
}
/**
 * `withLoaderCriteria(User, (u) => u.tenantId.eq(1))` or with a fixed expression: applied to
 * the entity wherever the statement (and its eager loads) selects it — a multi-tenant filter.
 */
export function withLoaderCriteria<C>(entity: C, criteria: ((cls: C) => Condition) | ColumnElement<unknown, string>, opts: { includeAliases?: boolean } = {}): LoaderCriteriaOption {
  const fn = criteria instanceof ColumnElement ? () => criteria : (criteria as (cls: C) => Condition);
  return new LoaderCriteriaOption(entity, fn as (e: never) => Condition, opts.includeAliases ?? false);
}

/**
 * `withExpression(User.score, expr)`: populate a `queryExpression()` attribute with `expr` for
 * this query (SQLAlchemy's `with_expression()`). Objects already loaded keep their value unless
 * the query uses populateExisting, as in SQLAlchemy.
 */
export class WithExpressionOption {
  readonly _isLoaderOption = true;
  /** Which option this is, checked instead of `instanceof` (bundle size). @internal */
  readonly optionKind = "expression" as const;
  constructor(readonly mapper: Mapper, readonly key: string, readonly expression: ColumnElement<unknown, string>) {}
  /** Cache key of the option: the attribute and the expression's structure (SQLAlchemy's test_query_expr). @internal */
  _key(k: CacheKeyBuilder): void {
    k.push("wexpr", String(this.mapper.id), this.key);
    this.expression._key(k);
  }
}
/**
 * `withExpression(User.score, User.id.mul(10))`: the SQL expression that loads the
 * `queryExpression()` attribute `User.score` in this query.
 * @throws ArgumentError when `attr` is not a queryExpression() attribute of a mapped class.
 */
export function withExpression(attr: { readonly _isColumnExpressionProperty: true }, expression: ColumnElement<unknown, string>): WithExpressionOption {
  const { mapper, key } = colKeyOf(attr, "withExpression");
  const p = attr as { isQueryExpression?: boolean };
  if (!p.isQueryExpression) throw new ArgumentError(`withExpression(): ${mapper.className}.${key} is not a queryExpression() attribute`);
  if (!(expression instanceof ColumnElement)) throw new ArgumentError(`withExpression(${mapper.className}.${key}): expected a SQL expression`);
  return new WithExpressionOption(mapper, key, expression);
}

/**
 * Options handed to the nested SELECT of a selectin load: the option nodes below the loaded
 * relationship, column directives for its target, and the path so far (for the recursion
 * limits of default eager strategies). Built by the loader, not by users. @internal
 */
export class NestedLoadOptions {
  readonly _isLoaderOption = true;
  /** Which option this is, checked instead of `instanceof` (bundle size). @internal */
  readonly optionKind = "nested" as const;
  constructor(
    readonly loads: readonly Load[],
    readonly columns: readonly ColumnDirective[],
    readonly mapperPath: readonly Mapper[],
    readonly relPath: readonly RelationshipProperty[],
    /** The statement's unbound wildcard strategy, in force at every depth. */
    readonly wildcard: Load | undefined = undefined,
  ) {}
}

/** Any loader option. */
export type LoaderOption = Load | ColumnOption | LoaderCriteriaOption | WithExpressionOption | NestedLoadOptions;
/** @internal */
export function isLoaderOption(x: unknown): x is LoaderOption {
  // A brand, not instanceof: option classes an app never uses stay out of its bundle.
  return (x as { _isLoaderOption?: true } | null)?._isLoaderOption === true;
}

/**
 * Loader options (SQLAlchemy's `sqlalchemy.orm.strategy_options`): eager loading of
 * relationships (`selectinload`, `joinedload`, `containsEager`), explicit no/raise loading, and
 * column deferral (`defer`, `undefer`, `loadOnly`), plus `withLoaderCriteria`.
 * @module
 */
import { ArgumentError } from "../errors.js";
import { ColumnElement, type Condition } from "../sql/elements.js";
import { InstrumentedAttribute, mapperOf, type Mapper, type RelationshipProperty } from "./mapper.js";
import { RelationshipSpec } from "./relationship.js";

/** How a relationship on a path is loaded. */
export type RelationshipStrategy = "selectin" | "joined" | "raise" | "raise_on_sql" | "noload" | "containsEager";

/** Anything naming a relationship: the class attribute (`User.addresses`). */
export type RelationshipRef = RelationshipSpec<unknown>;

function relOf(ref: unknown, where: string): RelationshipProperty {
  if (ref instanceof RelationshipSpec) return ref.property;
  throw new ArgumentError(`${where}() expects a relationship attribute such as User.addresses; got ${String(ref)}`);
}
function colKeyOf(ref: unknown, where: string): { mapper: Mapper; key: string } {
  if (ref instanceof InstrumentedAttribute) {
    const m = mapperOf(ref.entity) ?? (ref.entity as { mapper?: Mapper }).mapper;
    if (!m) throw new ArgumentError(`${where}(): ${ref.describe()} does not belong to a mapped class`);
    return { mapper: m, key: ref.attrKey };
  }
  throw new ArgumentError(`${where}() expects a column attribute such as User.bio; got ${String(ref)}`);
}

/** One node of a loader-option path: a relationship, its strategy, and options below it. */
export class Load {
  readonly _isLoaderOption = true;
  /** Column directives on the target entity of this path node. */
  readonly columnDirectives: ColumnDirective[] = [];
  readonly children: Load[] = [];
  constructor(
    readonly relationship: RelationshipProperty | "*" | undefined,
    readonly strategy: RelationshipStrategy | undefined,
    readonly opts: { innerJoin?: boolean; alias?: unknown } = {},
    readonly parent: Load | undefined = undefined,
  ) {}
  private chain(child: Load): Load {
    this.children.push(child);
    return child;
  }
  /** Continue the path: `selectinload(User.orders).selectinload(Order.items)`. */
  selectinload(attr: RelationshipRef): Load {
    return this.chain(new Load(relOf(attr, "selectinload"), "selectin", {}, this));
  }
  joinedload(attr: RelationshipRef, opts: { innerJoin?: boolean } = {}): Load {
    return this.chain(new Load(relOf(attr, "joinedload"), "joined", opts, this));
  }
  raiseload(attr: RelationshipRef | "*"): Load {
    return this.chain(new Load(attr === "*" ? "*" : relOf(attr, "raiseload"), "raise", {}, this));
  }
  noload(attr: RelationshipRef): Load {
    return this.chain(new Load(relOf(attr, "noload"), "noload", {}, this));
  }
  containsEager(attr: RelationshipRef, opts: { alias?: unknown } = {}): Load {
    return this.chain(new Load(relOf(attr, "containsEager"), "containsEager", opts, this));
  }
  /** Defer columns of this path's target entity. */
  defer(...attrs: InstrumentedAttribute[]): Load {
    for (const a of attrs) this.columnDirectives.push({ kind: "defer", ...colKeyOf(a, "defer") });
    return this;
  }
  undefer(...attrs: InstrumentedAttribute[]): Load {
    for (const a of attrs) this.columnDirectives.push({ kind: "undefer", ...colKeyOf(a, "undefer") });
    return this;
  }
  loadOnly(...attrs: InstrumentedAttribute[]): Load {
    const keys = attrs.map((a) => colKeyOf(a, "loadOnly"));
    this.columnDirectives.push({ kind: "loadOnly", mapper: keys[0]?.mapper, keys: keys.map((k) => k.key) });
    return this;
  }
  /** The root of this option chain. */
  get root(): Load {
    let n: Load = this;
    while (n.parent) n = n.parent;
    return n;
  }
  /** Structural description, used in the ORM plan cache key. @internal */
  signature(): string {
    const rel = this.relationship === "*" ? "*" : this.relationship ? `${this.relationship.parent.id}.${this.relationship.key}` : "";
    const cols = this.columnDirectives.map((d) => `${d.kind}:${d.mapper?.id ?? ""}:${"key" in d ? d.key : d.keys.join("+")}`).join(",");
    return `${rel}/${this.strategy ?? ""}/${this.opts.innerJoin ? "i" : ""}[${cols}](${this.children.map((c) => c.signature()).join(";")})`;
  }
}

/** A column deferral directive. */
export type ColumnDirective =
  | { readonly kind: "defer" | "undefer"; readonly mapper: Mapper; readonly key: string; readonly raiseload?: boolean }
  | { readonly kind: "loadOnly"; readonly mapper: Mapper | undefined; readonly keys: readonly string[] };

/** A root-level column option (not under a relationship path). */
export class ColumnOption {
  readonly _isLoaderOption = true;
  constructor(readonly directive: ColumnDirective) {}
  signature(): string {
    const d = this.directive;
    return `col:${d.kind}:${d.mapper?.id ?? ""}:${"key" in d ? d.key : d.keys.join("+")}:${"raiseload" in d && d.raiseload ? "r" : ""}`;
  }
}

/** `selectinload(User.addresses)`: load the relationship with a second SELECT … WHERE fk IN (…), in batches of 500. */
export function selectinload(attr: RelationshipRef): Load {
  return new Load(relOf(attr, "selectinload"), "selectin");
}
/** `joinedload(User.addresses, { innerJoin })`: load it in the same statement with a LEFT OUTER JOIN (or INNER). */
export function joinedload(attr: RelationshipRef, opts: { innerJoin?: boolean } = {}): Load {
  return new Load(relOf(attr, "joinedload"), "joined", opts);
}
/** `raiseload(User.addresses)` or `raiseload("*")`: reading the relationship raises (the default in athanor). */
export function raiseload(attr: RelationshipRef | "*"): Load {
  return new Load(attr === "*" ? "*" : relOf(attr, "raiseload"), "raise");
}
/** `noload(User.addresses)`: the relationship reads as empty / null without loading. */
export function noload(attr: RelationshipRef): Load {
  return new Load(relOf(attr, "noload"), "noload");
}
/** `containsEager(User.addresses)`: the statement already joins and selects the related rows; populate from them. */
export function containsEager(attr: RelationshipRef, opts: { alias?: unknown } = {}): Load {
  return new Load(relOf(attr, "containsEager"), "containsEager", opts);
}
/** `defer(User.bio, { raiseload })`: leave the column out of the SELECT. */
export function defer(attr: InstrumentedAttribute, opts: { raiseload?: boolean } = {}): ColumnOption {
  return new ColumnOption({ kind: "defer", ...colKeyOf(attr, "defer"), raiseload: opts.raiseload ?? false });
}
/** `undefer(User.bio)`: load a column that is deferred by default. */
export function undefer(attr: InstrumentedAttribute): ColumnOption {
  return new ColumnOption({ kind: "undefer", ...colKeyOf(attr, "undefer") });
}
/** `loadOnly(User.id, User.name)`: load only these columns (plus the primary key) of the entity. */
export function loadOnly(...attrs: InstrumentedAttribute[]): ColumnOption {
  if (attrs.length === 0) throw new ArgumentError("loadOnly() needs at least one attribute");
  const keys = attrs.map((a) => colKeyOf(a, "loadOnly"));
  return new ColumnOption({ kind: "loadOnly", mapper: keys[0].mapper, keys: keys.map((k) => k.key) });
}

/** `withLoaderCriteria(Entity, criteria)`: extra WHERE criteria for every load of an entity in this statement. */
export class LoaderCriteriaOption {
  readonly _isLoaderOption = true;
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
  signature(): string {
    return `crit:${this.mapper.id}:${String(this.criteria)}`;
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

/** Any loader option. */
export type LoaderOption = Load | ColumnOption | LoaderCriteriaOption;
/** @internal */
export function isLoaderOption(x: unknown): x is LoaderOption {
  return x instanceof Load || x instanceof ColumnOption || x instanceof LoaderCriteriaOption;
}

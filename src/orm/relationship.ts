/**
 * `relationship()`: a link between two mapped classes (SQLAlchemy's `relationship()`), declared
 * as a static field in the model's class body so that circular references type-check.
 * @module
 */
import { ArgumentError, InvalidRequestError } from "../errors.js";
import { and, ClauseElement, ColumnElement, type CheckedCondition, type CheckedConditions, type Condition } from "../sql/elements.js";
import { Alias, FromClause, type TableClause } from "../sql/selectable.js";
import type { AliasedClass } from "./aliased.js";
import { adaptToFrom } from "./aliased.js";
import { classNameOf, mapperOf, type Mapper, type RelationshipProperty } from "./mapper.js";
import {
  relationshipAny, relationshipContains, relationshipEq, relationshipHas, relationshipNe, retargetCriterion, subclassDiscriminator,
  subclassJoins, type RelationshipSides,
} from "./relationship-operators.js";

/** Loader strategy used when no loader option says otherwise. athanor never loads implicitly. */
export type LazyStrategy = "raise" | "raise_on_sql" | "noload" | "selectin" | "joined" | "write_only";

/**
 * How a joined eager load joins: `false` LEFT OUTER JOIN; `true` or `"nested"` INNER JOIN, nested
 * inside an outer eager join above it; `"unnested"` INNER JOIN unless an outer eager join is
 * above it, then LEFT OUTER JOIN (SQLAlchemy's `innerjoin` values).
 */
export type InnerJoinSetting = boolean | "nested" | "unnested";

/** Options of {@link relationship}. */
export interface RelationshipOptions {
  /**
   * Attribute name of the reverse relationship on the target (kept in sync in memory); or a
   * callable returning that name or the target's relationship attribute (`() => Address.user`),
   * resolved at configure time, as SQLAlchemy's `back_populates` accepts.
   */
  readonly backPopulates?: string | (() => string | RelationshipComparator<unknown>);
  /**
   * Cascades: "save-update, merge, delete, delete-orphan", "all", "all, delete-orphan", or "". Default "save-update, merge".
   * With "delete", deleting the parent deletes the related objects; those not loaded are loaded
   * by the flush (one SELECT per relationship and level, through the association table for a
   * many-to-many) whatever `lazy` says, as SQLAlchemy's delete cascade does, unless
   * `passiveDeletes` is set.
   */
  readonly cascade?: string;
  /**
   * Let the database's ON DELETE handle children instead of loading them (`passive_deletes`).
   * For a many-to-many, deleting a parent whose collection is not loaded then emits no DELETE on
   * the association table (its foreign key needs ON DELETE CASCADE); without it the flush
   * deletes the parent's association rows by key (`DELETE FROM assoc WHERE parent_id IN (…)`,
   * one statement per relationship per flush) without loading the collection.
   * For a one-to-many, `true` still sets the foreign key of children already loaded to NULL
   * when the parent is deleted; `"all"` leaves every child row alone — on the parent's delete
   * and when a child is removed from the collection — so the database enforces (or cascades)
   * the foreign key (SQLAlchemy's `passive_deletes="all"`; not allowed with a delete or
   * delete-orphan cascade: ArgumentError).
   */
  readonly passiveDeletes?: boolean | "all";
  /**
   * What a flush does when the primary key this relationship's foreign key refers to changes
   * (SQLAlchemy's `passive_updates`). `true` (default): the database's ON UPDATE CASCADE moves
   * the rows; the flush only sets the foreign key of related objects already in memory, without
   * SQL. `false`: the flush UPDATEs the foreign key of each related row itself, after the
   * parent's UPDATE, loading an unloaded one-to-many collection first (one SELECT), and sets
   * many-to-ones in the session that refer to the old key; for a database or foreign key
   * without ON UPDATE CASCADE whose constraint is not checked at once (deferred or not enforced).
   */
  readonly passiveUpdates?: boolean;
  /** Join condition between parent and target; inferred from foreign keys when omitted. */
  readonly primaryjoin?: () => ClauseElement;
  /** Association table for many-to-many. */
  readonly secondary?: TableClause | (() => TableClause);
  readonly secondaryjoin?: () => ClauseElement;
  /** For self-referential many-to-one: the remote (parent) side column(s). */
  readonly remoteSide?: () => ColumnElement<unknown, string> | readonly ColumnElement<unknown, string>[];
  /** Foreign key columns to use when several could apply. */
  readonly foreignKeys?: () => readonly ColumnElement<unknown, string>[];
  /** ORDER BY for loaded collections. */
  readonly orderBy?: () => ColumnElement<unknown, string> | readonly ColumnElement<unknown, string>[];
  /** Read-only relationship: never written by flush. */
  readonly viewonly?: boolean;
  /**
   * Whether changes to this relationship update its backPopulates side in memory (SQLAlchemy's
   * `sync_backref`). Default: yes, unless either side is viewonly. `true` with `viewonly`, or
   * when the other side is viewonly, is a configuration error.
   */
  readonly syncBackref?: boolean;
  /** Collection (true) or scalar (false); inferred from the direction when omitted. */
  readonly uselist?: boolean;
  /** Default loader strategy (default "raise"). */
  readonly lazy?: LazyStrategy;
  /**
   * The target may be referenced by one parent at a time through this relationship
   * (`single_parent`); required for a delete-orphan cascade on a many-to-one or many-to-many.
   */
  readonly singleParent?: boolean;
  /**
   * Break a row-level dependency cycle (`post_update`): the foreign key is never part of the
   * row's own INSERT or UPDATE; after every save of the flush an UPDATE of its own writes it when
   * it changed (checking and, for a row that existed before the flush, bumping a version column),
   * also for a row the flush UPDATEs for other changes. That UPDATE fires no update events.
   */
  readonly postUpdate?: boolean;
  /**
   * For joined loading: INNER JOIN instead of LEFT OUTER JOIN. `true` / `"nested"`: below an
   * outer eager join the inner join nests inside it; `"unnested"`: below an outer eager join it
   * becomes a LEFT OUTER JOIN of its own (SQLAlchemy's `innerjoin`).
   */
  readonly innerjoin?: InnerJoinSetting;
  /**
   * How many levels a default `lazy: "joined" | "selectin"` strategy follows when the target
   * class already appears higher up the load path (self-referential); default 0 (SQLAlchemy's
   * `join_depth`).
   */
  readonly joinDepth?: number;
  /** `false`: left out of the parent instance's `toString()` (SQLAlchemy's dataclass `repr=False`). */
  readonly repr?: boolean;
  /** Documentation of the relationship (SQLAlchemy's `doc=`): `User.addresses.doc`. */
  readonly doc?: string;
  /** Application data of the relationship (SQLAlchemy's `info=`), copied into its `info`. */
  readonly info?: Readonly<Record<string, unknown>>;
}

/**
 * The SQL side of a relationship attribute (SQLAlchemy's `RelationshipProperty.Comparator`):
 * criteria (`any`, `has`, `contains`, `eq`, `ne`, `isNull`, `isNotNull`) and JOIN targets, for
 * `User.addresses`, `ua.addresses` (from an `aliased(User)`), `User.addresses.ofType(alias)` and
 * `User.addresses.and(criteria)`. `T` is the target instance type.
 *
 * Values taken from objects are bound parameters: criteria of the same shape over different
 * objects share a cache key and a compiled statement.
 */
export abstract class RelationshipComparator<T> {
  declare readonly __target: T;
  /** Brand checked instead of `instanceof`, so unused subclasses drop out of bundles. @internal */
  readonly _isRelationshipComparator = true;
  /** The configured property (raises before the owning class is mapped). */
  abstract get property(): RelationshipProperty;
  /** @internal The FROMs the comparison renders against. */
  abstract _sides(): RelationshipSides;

  /**
   * `EXISTS (SELECT 1 FROM target WHERE <join condition> AND criterion)` correlated to the
   * parent: parents with at least one related row matching `criterion` (SQLAlchemy's
   * `any()`). For many-to-many the subquery selects FROM the association table and the
   * target. On a self-referential relationship the target side is an anonymous alias and
   * `criterion`, written against the class, is re-targeted to it.
   * `filterBy` adds equality criteria by attribute key of the target, as SQLAlchemy's keyword
   * arguments (`User.addresses.any(undefined, { email: "x" })`, or `any({ email: "x" })` alone).
   * @throws InvalidRequestError on a scalar relationship (use {@link has}).
   */
  any<const C extends Condition>(criterion?: CheckedCondition<C> | FilterByRecord, filterBy?: FilterByRecord): ColumnElement<boolean> {
    const [crit, by] = splitFilterBy(criterion, filterBy);
    return relationshipAny(this._sides(), crit, `${this.describe()}.any()`, by);
  }
  /**
   * `EXISTS (SELECT 1 FROM target WHERE <join condition> AND criterion)` for a many-to-one or
   * one-to-one relationship (SQLAlchemy's `has()`); `filterBy` as for {@link any}.
   * @throws InvalidRequestError on a collection (use {@link any}).
   */
  has<const C extends Condition>(criterion?: CheckedCondition<C> | FilterByRecord, filterBy?: FilterByRecord): ColumnElement<boolean> {
    const [crit, by] = splitFilterBy(criterion, filterBy);
    return relationshipHas(this._sides(), crit, `${this.describe()}.has()`, by);
  }
  /**
   * Parents whose collection holds `obj` (SQLAlchemy's `contains()`): one-to-many compares the
   * parent's key columns with `obj`'s foreign-key values (`user.id = :user_id_1`);
   * many-to-many adds the association table (`user.id = assoc.user_id AND assoc.kw_id = :id_1`).
   * @throws InvalidRequestError on a scalar relationship, when `obj` is not a target instance,
   *   or when a column value it needs is not loaded.
   */
  contains(obj: T): ColumnElement<boolean> {
    return relationshipContains(this._sides(), obj as object, `${this.describe()}.contains()`);
  }
  /**
   * Many-to-one / one-to-one: rows related to `obj` (`address.user_id = :id_1`, the value bound
   * from `obj`'s primary key). `eq(null)`: `address.user_id IS NULL` for a many-to-one,
   * `NOT EXISTS (…)` for a collection or one-to-one (SQLAlchemy's `==`).
   * @throws InvalidRequestError comparing a collection with an object (use {@link contains}),
   *   or when a column value it needs is not loaded.
   */
  eq(obj: T | null): ColumnElement<boolean> {
    return relationshipEq(this._sides(), obj as object | null, `${this.describe()}.eq()`);
  }
  /**
   * The negation of {@link eq} (SQLAlchemy's `!=`): for a many-to-one
   * `address.user_id != :id_1 OR address.user_id IS NULL`; `ne(null)` is `IS NOT NULL` for a
   * many-to-one and `EXISTS (…)` for a collection or one-to-one.
   */
  ne(obj: T | null): ColumnElement<boolean> {
    return relationshipNe(this._sides(), obj as object | null, `${this.describe()}.ne()`);
  }
  /** `eq(null)`: no related row. */
  isNull(): ColumnElement<boolean> {
    return this.eq(null);
  }
  /** `ne(null)`: some related row. */
  isNotNull(): ColumnElement<boolean> {
    return this.ne(null);
  }
  /**
   * This relationship with its target side replaced by `entity` (SQLAlchemy's `of_type()`): an
   * aliased target class (`select(User, a).join(User.addresses.ofType(a))` joins to the alias;
   * `User.addresses.ofType(a).any(a.email.eq(…))` selects FROM the alias) or a mapped subclass
   * of the target: single-table inheritance adds the discriminator; joined-table inheritance
   * (`Company.employees.ofType(Engineer)`) joins the target table and the subclass tables nested
   * in `join()` (`JOIN (people JOIN engineers ON …) ON …`, as SQLAlchemy), selects FROM their join
   * in `any()` / `has()` / comparisons and is what `containsEager()` reads; in `selectinload()` /
   * `joinedload()` it only hints polymorphic loading (every target row loads, as SQLAlchemy).
   * `aliased(Engineer)` (a subquery of the subclass's tables) joins as that subquery; a
   * non-aliased `withPolymorphic(Job, [SubJob])` joins its outer join as a unit
   * (`JOIN (job LEFT OUTER JOIN subjob ON …) ON …`).
   * @throws ArgumentError when `entity` is neither an alias of the target class nor a subclass
   *   of it, is an alias of a joined-table subclass's own table alone (without its base table),
   *   or is a joined-table subclass on a self-referential relationship.
   */
  ofType<S extends T>(entity: AliasedClass<S> | (abstract new (...args: never[]) => S)): RelationshipOfType<S> {
    const sides = this._sides();
    const prop = sides.prop;
    const aliasedEntity = entity as unknown as { _isAliasedClass?: true; _isPolymorphicEntity?: true; mapper: Mapper; alias: FromClause; selectable: FromClause };
    let targetMapper: Mapper | undefined;
    let targetFrom: FromClause | undefined;
    let polymorphicFrom: FromClause | undefined;
    if (aliasedEntity._isPolymorphicEntity === true) {
      targetMapper = aliasedEntity.mapper;
      polymorphicFrom = aliasedEntity.selectable;
    } else if (aliasedEntity._isAliasedClass === true) {
      targetMapper = aliasedEntity.mapper;
      targetFrom = aliasedEntity.alias;
    } else {
      targetMapper = mapperOf(entity);
    }
    if (!targetMapper || !targetMapper.isA(prop.mapper)) {
      throw new ArgumentError(`${this.describe()}.ofType(): expected ${prop.mapper.className}, an aliased(${prop.mapper.className}) or a mapped subclass of it; got ${describeEntity(entity)}`);
    }
    // aliased(JoinedSubclass) is a subquery over the subclass's tables; only an alias of the
    // subclass's own table alone (aliased(Engineer, engineersTable.alias())) lacks the base table.
    if (targetFrom !== undefined && targetMapper !== prop.mapper && targetMapper.table !== prop.mapper.table && targetFrom instanceof Alias && targetFrom.element === targetMapper.table) {
      throw new ArgumentError(`${this.describe()}.ofType(aliased(${targetMapper.className})): an alias of a joined-table subclass is not supported; use ofType(${targetMapper.className})`);
    }
    if (polymorphicFrom !== undefined && prop.parent.table === prop.mapper.table) {
      throw new ArgumentError(`${this.describe()}.ofType(withPolymorphic(${targetMapper.className})): a non-aliased withPolymorphic() on a self-referential relationship is not supported; pass aliased: true`);
    }
    if (targetFrom === undefined && polymorphicFrom === undefined && targetMapper.table !== prop.mapper.table && prop.parent.table === prop.mapper.table) {
      throw new ArgumentError(`${this.describe()}.ofType(${targetMapper.className}): a joined-table subclass on a self-referential relationship is not supported`);
    }
    // Criteria given with and() follow the target onto the alias.
    const extraCriteria = sides.extraCriteria?.map((c) => retargetCriterion(c, prop.mapper.table, targetFrom ?? prop.mapper.table));
    return new RelationshipOfType<S>({ prop, parentFrom: sides.parentFrom, targetFrom, targetMapper, extraCriteria, ...(polymorphicFrom ? { polymorphicFrom } : {}) });
  }
  /**
   * This relationship narrowed by extra criteria on its target (SQLAlchemy 1.4's relationship
   * criteria, `User.addresses.and_(Address.email.like("%@x"))`): in `join()` they are AND-ed
   * into the ON clause; in `any()` / `has()` into the EXISTS; `eq(obj)` / `ne(obj)` /
   * `contains(obj)` and a many-to-one's `eq(null)` / `ne(null)` become a correlated EXISTS over
   * the target row carrying them; `withParent()` ANDs them in; in `selectinload()` /
   * `joinedload()` only the matching children are loaded (the collection, and what a later
   * flush compares it with, is that subset). Criteria are written against the target class
   * (or the `ofType()` alias) and re-targeted to the alias actually used; their values stay
   * bound parameters, so statements differing only in values share a compiled form.
   * @throws ArgumentError when a criterion is not a SQL boolean expression.
   */
  and<const A extends readonly Condition[]>(...criteria: CheckedConditions<A>): RelationshipOfType<T> {
    const sides = this._sides();
    const added = (criteria as readonly unknown[]).map((c) => {
      if (!(c instanceof ColumnElement)) throw new ArgumentError(`${this.describe()}.and(): expected SQL criteria such as Address.email.like("%@x"); got ${describeEntity(c)}`);
      return c as ColumnElement<boolean>;
    });
    return new RelationshipOfType<T>({ ...sides, extraCriteria: [...(sides.extraCriteria ?? []), ...added] });
  }
  /**
   * JOIN target(s) for `select(...).join(rel)`: the association table first for many-to-many.
   * With `to` (the 1.4 form `join(alias, User.addresses)`), the target side is `to`. @internal
   */
  _joinTargets(to?: unknown): { target: FromClause; onclause: ColumnElement<unknown, string> }[] {
    if (to !== undefined) {
      if (to instanceof FromClause) return this._joinTargetsTo(to);
      this._checkJoinTarget(to);
      return this.ofType(to as AliasedClass<T>)._joinTargets();
    }
    const sides = this._sides();
    const { prop: p, parentFrom, targetFrom: tf } = sides;
    const table = p.mapper.table;
    if (tf === undefined && parentFrom === table) {
      // SQLAlchemy raises rather than guess an alias for a self-referential join.
      throw new InvalidRequestError(`Can't construct a join from ${p.parent} to ${p.mapper}, they are the same entity`);
    }
    const targetFrom = tf ?? table;
    const tm = sides.targetMapper;
    // A joined-table subclass with a table of its own needs no discriminator: its rows are those
    // of its table, which the join (or the alias's subquery) inner-joins (SQLAlchemy renders none).
    const ownTable = tm.inherits !== undefined && tm.table !== tm.inherits.table && tm.table !== table;
    // A relationship to a single-table subclass (or ofType() one) carries its discriminator, as
    // SQLAlchemy's RelationshipProperty._create_joins adds the target's single-table criterion.
    const discriminator = ownTable ? undefined : (subclassDiscriminator(sides) ?? tm.polymorphicCriterion());
    const extra = sides.extraCriteria ?? [];
    // ofType(JoinedSubclass): the target is the base table joined to the subclass tables, nested
    // as SQLAlchemy renders it: `JOIN (people JOIN engineers ON people.person_id =
    // engineers.person_id) ON companies.company_id = people.company_id`, so an outer join keeps
    // the subclass rows as a unit. Criteria go into the outer ON clause.
    let joined: FromClause = sides.polymorphicFrom ?? targetFrom;
    if (sides.polymorphicFrom === undefined) for (const j of subclassJoins(sides)) joined = joined.join(j.table, j.on);
    const withDiscriminator = (on: ColumnElement<unknown, string>): ColumnElement<unknown, string> => {
      const terms = [on as ColumnElement<boolean>];
      if (discriminator) terms.push(adaptToFrom(discriminator, table, targetFrom) as ColumnElement<boolean>);
      for (const c of extra) terms.push(retargetCriterion(c, table, targetFrom));
      return terms.length === 1 ? on : and(...terms);
    };
    if (p.direction === "MANYTOMANY") {
      // The association table joins as an anonymous alias (`JOIN order_items AS order_items_1`),
      // as SQLAlchemy's relationship join always aliases the secondary.
      const secondary = p.secondary!;
      const sec = secondary.alias();
      relationshipSecondaryAliases.add(sec);
      return [
        { target: sec, onclause: adaptToFrom(adaptToFrom(p.primaryjoin, p.parent.table, parentFrom), secondary, sec) },
        { target: joined, onclause: withDiscriminator(adaptToFrom(adaptToFrom(p.secondaryjoin!, table, targetFrom), secondary, sec)) },
      ];
    }
    return [{ target: joined, onclause: withDiscriminator(p.joinCondition(parentFrom, targetFrom)) }];
  }
  /** `join(Target, rel)`: `Target` must be (an alias of) the relationship's target class or a relative of it. */
  private _checkJoinTarget(to: unknown): void {
    const entity = to as { _isAliasedClass?: true; mapper?: Mapper };
    const m = entity._isAliasedClass === true ? entity.mapper : mapperOf(to);
    const target = this._sides().prop.mapper;
    if (m !== undefined && !m.isA(target.base) && !target.isA(m.base)) {
      const shown = entity._isAliasedClass === true ? `aliased(${m.className})` : m.className;
      throw new InvalidRequestError(`Join target ${shown} does not correspond to the right side of join condition ${this.describe()}`);
    }
  }
  /** `join(table_or_alias, rel)`: the target table itself or an alias of it. */
  private _joinTargetsTo(to: FromClause): { target: FromClause; onclause: ColumnElement<unknown, string> }[] {
    const sides = this._sides();
    const table = sides.prop.mapper.table;
    if (to === table) return new RelationshipOfType<T>({ ...sides, targetFrom: undefined })._joinTargets();
    if (to instanceof Alias && to.element === table) return new RelationshipOfType<T>({ ...sides, targetFrom: to })._joinTargets();
    throw new ArgumentError(`join(${to.describeName()}, ${this.describe()}): the join target must be ${sides.prop.mapper.className}, its table or an alias of it`);
  }
  /** `Parent.key` for error messages. @internal */
  abstract describe(): string;
}

/**
 * The association-table aliases relationship joins made: an outer join through one is nested by
 * the ORM (`LEFT OUTER JOIN (m2m AS m2m_1 JOIN child ON …) ON …`, SQLAlchemy's _ORMJoin). @internal
 */
export const relationshipSecondaryAliases = new WeakSet<FromClause>();

/**
 * A relationship: declared with {@link relationship}, then (once its class is configured) the
 * class-level attribute used in joins, criteria and loader options
 * (`select(User).join(User.addresses)`, `User.addresses.any(…)`, `selectinload(User.addresses)`).
 * `T` is the target instance type.
 */
export class RelationshipSpec<T> extends RelationshipComparator<T> {
  readonly _isRelationshipSpec = true;
  private _prop: RelationshipProperty | undefined;
  private _parentClass: unknown;
  constructor(
    readonly argument: () => abstract new (...args: never[]) => T,
    readonly options: RelationshipOptions,
  ) {
    super();
  }
  /** @internal */
  bind(prop: RelationshipProperty, parentClass: unknown): void {
    pendingSpecs.delete(this as RelationshipSpec<unknown>);
    this._prop = prop;
    this._parentClass = parentClass;
  }
  /** Whether the owning class has been adopted (the property exists), after trying to adopt it. @internal */
  _isBound(): boolean {
    if (!this._prop) discoverHook?.();
    return this._prop !== undefined;
  }
  /** The configured property (raises before the owning class is mapped). */
  get property(): RelationshipProperty {
    if (!this._prop) discoverHook?.();
    if (!this._prop) {
      // The declaring class is unknown until it is adopted (a static field cannot see its
      // class), so the relationship is named by its target expression.
      throw new InvalidRequestError(
        `relationship(${String(this.argument)}) is not attached to a mapped class yet: the Base.model() subclass declaring it is adopted on its first use (reading a column attribute such as Cls.id, new Cls(), select(Cls)) or by configureModel(Cls); declare it as a static field of such a class`,
      );
    }
    this._prop.parent.registry.configure();
    return this._prop;
  }
  /** Documentation given as `doc` (SQLAlchemy's `InstrumentedAttribute.__doc__`). */
  get doc(): string | undefined {
    return this.options.doc;
  }
  private _info: Record<string, unknown> | undefined;
  /**
   * Application data of the relationship (SQLAlchemy's `RelationshipProperty.info`): the `info`
   * given (copied), else a record created empty on first access; the same object on every read,
   * also as `inspect(User).relationships.get(key).info`. Readable before the class is mapped.
   */
  get info(): Record<string, unknown> {
    return (this._info ??= { ...this.options.info });
  }
  /** The class that declares this relationship. */
  get parentClass(): unknown {
    return this._parentClass;
  }
  /** The relationship's key (attribute name). */
  get key(): string {
    return this.property.key;
  }
  /** @internal */
  _sides(): RelationshipSides {
    const p = this.property;
    return { prop: p, parentFrom: p.parent.table, targetFrom: undefined, targetMapper: p.mapper };
  }
  /** @internal */
  describe(): string {
    return this.toString();
  }
  override toString(): string {
    return this._prop ? `${this._prop.parent.className}.${this._prop.key}` : "relationship(unbound)";
  }
}

/**
 * A relationship narrowed or seen from elsewhere: `User.addresses.ofType(a)` (target side an
 * alias or single-table subclass of the target class, SQLAlchemy's `of_type()`),
 * `User.addresses.and(crit)` (extra criteria on the target, SQLAlchemy's `and_()`), or
 * `ua.addresses` (parent side an `aliased(User)`); usable in `join()`, in every criterion of
 * {@link RelationshipComparator} and in loader options.
 */
export class RelationshipOfType<T> extends RelationshipComparator<T> {
  /** @internal */
  constructor(private readonly sides: RelationshipSides) {
    super();
  }
  get property(): RelationshipProperty {
    return this.sides.prop;
  }
  /** @internal */
  _sides(): RelationshipSides {
    return this.sides;
  }
  /** @internal */
  describe(): string {
    return this.toString();
  }
  override toString(): string {
    const { prop: p, parentFrom, targetFrom, targetMapper, extraCriteria } = this.sides;
    const parent = parentFrom === p.parent.table ? p.parent.className : `aliased(${p.parent.className})`;
    const of = targetFrom ? `.ofType(aliased(${targetMapper.className}))` : targetMapper === p.mapper ? "" : `.ofType(${targetMapper.className})`;
    return `${parent}.${p.key}${of}${extraCriteria?.length ? ".and(…)" : ""}`;
  }
}

function describeEntity(x: unknown): string {
  if (typeof x === "function") return `class ${classNameOf(x)}`;
  if (x === null || typeof x !== "object") return String(x);
  return `${(x as object).constructor?.name ?? "object"} object`;
}

/**
 * `relationship(() => Target, options)`: declare a relationship on a model, as a static field:
 * `static addresses = relationship(() => Address, { backPopulates: "user" })`, together with
 * `declare addresses: Address[]` for the instance side. Loads only through loader options.
 *
 * A collection is an array whose `push` / `unshift` / `splice` / `pop` / `shift` fire
 * SQLAlchemy's collection events: with `backPopulates` the other side follows in memory
 * (`u.addresses.push(a)` sets `a.user`, and takes `a` out of its previous owner's loaded
 * collection), and appended objects join the owner's session (save-update cascade). Index
 * assignment (`coll[i] = x`) and `length = …` are seen by the flush only.
 */
export function relationship<T>(argument: () => abstract new (...args: never[]) => T, options: RelationshipOptions = {}): RelationshipSpec<T> {
  const spec = new RelationshipSpec<T>(argument, options);
  pendingSpecs.add(spec as RelationshipSpec<unknown>);
  specsVersion++;
  return spec;
}

/**
 * Relationships declared but not yet attached to a mapper. Their target thunks lead the registry
 * to the model classes, so models are adopted right after the module that defines them has run.
 * @internal
 */
export const pendingSpecs = new Set<RelationshipSpec<unknown>>();
/**
 * Adopts model classes reachable through pending relationships (declarative's discovery),
 * installed by declarative.ts so this module needs no import of it. @internal
 */
let discoverHook: (() => void) | undefined;
/** @internal */
export function setDiscoverHook(hook: () => void): void {
  discoverHook = hook;
}
/** Bumped per relationship() call, so discovery runs again only when there is something new. @internal */
export let specsVersion = 0;

/** `writeOnly(() => Target, options)`: a write-only collection (SQLAlchemy 2.0 `WriteOnlyMapped`). */
export function writeOnly<T>(argument: () => abstract new (...args: never[]) => T, options: RelationshipOptions = {}): RelationshipSpec<T> {
  return relationship<T>(argument, { ...options, lazy: "write_only" });
}

/** Equality criteria by attribute key (SQLAlchemy's keyword arguments to `any()` / `has()`). */
export type FilterByRecord = Readonly<Record<string, unknown>>;

/** `any(criterion, filterBy)` and `any(filterBy)`: a record that is not a SQL expression is filterBy. */
function splitFilterBy(criterion: unknown, filterBy: FilterByRecord | undefined): [Condition | undefined, FilterByRecord | undefined] {
  if (criterion !== undefined && !(criterion instanceof ClauseElement) && typeof criterion === "object" && criterion !== null) {
    return [undefined, { ...(criterion as FilterByRecord), ...filterBy }];
  }
  return [criterion as Condition | undefined, filterBy];
}

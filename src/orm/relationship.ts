/**
 * `relationship()`: a link between two mapped classes (SQLAlchemy's `relationship()`), declared
 * as a static field in the model's class body so that circular references type-check.
 * @module
 */
import { InvalidRequestError } from "../errors.js";
import type { ClauseElement, ColumnElement } from "../sql/elements.js";
import type { FromClause, TableClause } from "../sql/selectable.js";
import type { RelationshipProperty } from "./mapper.js";

/** Loader strategy used when no loader option says otherwise. athanor never loads implicitly. */
export type LazyStrategy = "raise" | "raise_on_sql" | "noload" | "selectin" | "joined" | "write_only";

/** Options of {@link relationship}. */
export interface RelationshipOptions {
  /** Attribute name of the reverse relationship on the target (kept in sync in memory). */
  readonly backPopulates?: string;
  /** Cascades: "save-update, merge, delete, delete-orphan", "all", "all, delete-orphan", or "". Default "save-update, merge". */
  readonly cascade?: string;
  /** Let the database's ON DELETE handle children instead of loading them (`passive_deletes`). */
  readonly passiveDeletes?: boolean;
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
  /** Collection (true) or scalar (false); inferred from the direction when omitted. */
  readonly uselist?: boolean;
  /** Default loader strategy (default "raise"). */
  readonly lazy?: LazyStrategy;
  /** Break a row-level dependency cycle with a second UPDATE after INSERT (`post_update`). */
  readonly postUpdate?: boolean;
  /** For joined loading: INNER JOIN instead of LEFT OUTER JOIN. */
  readonly innerjoin?: boolean;
  /**
   * How many levels a default `lazy: "joined" | "selectin"` strategy follows when the target
   * class already appears higher up the load path (self-referential); default 0 (SQLAlchemy's
   * `join_depth`).
   */
  readonly joinDepth?: number;
}

/**
 * A relationship: declared with {@link relationship}, then (once its class is configured) the
 * class-level attribute used in joins and loader options (`select(User).join(User.addresses)`,
 * `selectinload(User.addresses)`). `T` is the target instance type.
 */
export class RelationshipSpec<T> {
  declare readonly __target: T;
  readonly _isRelationshipSpec = true;
  private _prop: RelationshipProperty | undefined;
  private _parentClass: unknown;
  constructor(
    readonly argument: () => abstract new (...args: never[]) => T,
    readonly options: RelationshipOptions,
  ) {}
  /** @internal */
  bind(prop: RelationshipProperty, parentClass: unknown): void {
    pendingSpecs.delete(this as RelationshipSpec<unknown>);
    this._prop = prop;
    this._parentClass = parentClass;
  }
  /** The configured property (raises before the owning class is mapped). */
  get property(): RelationshipProperty {
    if (!this._prop) {
      throw new InvalidRequestError(
        "relationship() is not attached to a mapped class yet; declare it as a static field of a Base.model() subclass (it is attached when the class is first used)",
      );
    }
    this._prop.parent.registry.configure();
    return this._prop;
  }
  /** The class that declares this relationship. */
  get parentClass(): unknown {
    return this._parentClass;
  }
  /** The relationship's key (attribute name). */
  get key(): string {
    return this.property.key;
  }
  /** JOIN target(s) for `select(...).join(User.addresses)`: the secondary table first for many-to-many. @internal */
  _joinTargets(): { target: FromClause; onclause: ColumnElement<unknown, string> }[] {
    const p = this.property;
    if (p.direction === "MANYTOMANY") {
      return [
        { target: p.secondary!, onclause: p.primaryjoin },
        { target: p.mapper.table, onclause: p.secondaryjoin! },
      ];
    }
    return [{ target: p.mapper.table, onclause: p.joinCondition(p.parent.table, p.mapper.table) }];
  }
  toString(): string {
    return this._prop ? `${this._prop.parent.className}.${this._prop.key}` : "relationship(unbound)";
  }
}

/**
 * `relationship(() => Target, options)`: declare a relationship on a model, as a static field:
 * `static addresses = relationship(() => Address, { backPopulates: "user" })`, together with
 * `declare addresses: Address[]` for the instance side. Loads only through loader options.
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
/** Bumped per relationship() call, so discovery runs again only when there is something new. @internal */
export let specsVersion = 0;

/** `writeOnly(() => Target, options)`: a write-only collection (SQLAlchemy 2.0 `WriteOnlyMapped`). */
export function writeOnly<T>(argument: () => abstract new (...args: never[]) => T, options: RelationshipOptions = {}): RelationshipSpec<T> {
  return relationship<T>(argument, { ...options, lazy: "write_only" });
}

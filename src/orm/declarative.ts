/**
 * Typed declarative models (SQLAlchemy 2.0's `DeclarativeBase` + `mapped_column`):
 *
 * ```ts
 * class Base extends DeclarativeBase {}
 * class User extends Base.model("user_account", {
 *   id: mappedColumn(Integer, { primaryKey: true }),
 *   name: mappedColumn(String(30)),
 * }) {
 *   static addresses = relationship(() => Address, { backPopulates: "user" });
 *   declare addresses: Address[];
 * }
 * ```
 * `User.name` is a SQL expression (the column), `user.name` a string. JS gives every class its
 * own static `name` and `length`; the mapper replaces them on the model class with the column
 * attributes when the class is first used (any static access, `select(User)`, `new User()`),
 * or explicitly with `Base.registry.configure()`.
 * @module
 */
import { ArgumentError, InvalidRequestError } from "../errors.js";
import { warn } from "../warnings.js";
import { ColumnImpl, ForeignKey, ForeignKeyConstraint, Index, MetaData, TableImpl, UniqueConstraint, type TableArg } from "../sql/schema.js";
import type { ColumnElement } from "../sql/elements.js";
import { defineColumnAccessor, defineRelationshipAccessor } from "./instrumentation.js";
import { MappedColumn, type ColumnExpressionProperty } from "./mapped-column.js";
import { bindSynonyms, isSynonymSpec } from "./synonym.js";
import { bindExpressionProperty, instanceEventListened } from "./mapper.js";
import { ColumnProperty, InstrumentedAttribute, MAPPER, Mapper, RelationshipProperty, type MappedClass, type MapperEvents, type RegistryLike } from "./mapper.js";
import { DISPATCH, type Dispatcher } from "../engine/events.js";
import { pendingSpecs, RelationshipSpec, setDiscoverHook, specsVersion } from "./relationship.js";

let discoveredVersion = -1;
import { attachState, installStateAccessor, InstanceState, STATE } from "./state.js";

/** Column declarations of a model. */
export type ModelColumns = Record<string, MappedColumn<unknown>>;

/** Instance shape of a model's columns. */
export type ModelRow<C extends ModelColumns> = { -readonly [K in keyof C]: C[K] extends MappedColumn<infer T> ? T : never };

/** Column keys the constructor does not take: declared with `init: false` (dataclass `init=False`). */
export type NoInitKeys<C extends ModelColumns> = { [K in keyof C]: C[K] extends MappedColumn<unknown, boolean, false> ? K : never }[keyof C];

/** Keys a constructor argument must give: NOT NULL columns with no default that are not keys (nor `init: false`). */
export type RequiredInitKeys<C extends ModelColumns, D = never> = Exclude<{ [K in keyof C]: C[K] extends MappedColumn<unknown, false> ? K : never }[keyof C], D | NoInitKeys<C>>;

/**
 * Column values accepted by `new Model({...})`: NOT NULL columns without a default, primary key
 * or foreign key are required; `init: false` columns are refused (typed `never`, and the
 * constructor raises); the rest optional.
 */
export type ModelInitColumns<C extends ModelColumns, D = never> = {
  [K in keyof C as K extends RequiredInitKeys<C, D> ? K : never]: ModelRow<C>[K];
} & { [K in keyof C as K extends RequiredInitKeys<C, D> | NoInitKeys<C> ? never : K]?: ModelRow<C>[K] } & { readonly [K in NoInitKeys<C>]?: never };

/**
 * Constructor argument of a model: column values (see {@link ModelInitColumns}), plus
 * relationship values by name (the base class cannot see the subclass's relationships, so they
 * are accepted by name and checked at run time).
 */
export type ModelInit<C extends ModelColumns, D = never> = ModelInitColumns<C, D> & { readonly [relationship: string]: unknown };

type InitArgs<C extends ModelColumns, D, I> = [RequiredInitKeys<C, D>] extends [never] ? [init?: I] : [init: I];

/**
 * Construct signatures of a model: the first takes exactly the columns (so typed interfaces and
 * misspelt keys are checked), the second also relationships by name.
 */
export type ModelConstructor<C extends ModelColumns, I, D = never> = {
  new (...args: InitArgs<C, D, ModelInitColumns<C, D>>): I;
  new (...args: InitArgs<C, D, ModelInit<C, D>>): I;
};

/** Class-level attributes: SQL expressions for each column. */
export type ModelAttributes<C extends ModelColumns> = { readonly [K in keyof C & string]: InstrumentedAttribute<ModelRow<C>[K], K> };

/** The typed columns of a model's table. */
export type ModelTableColumns<C extends ModelColumns> = { readonly [K in keyof C & string]: ColumnImpl<ModelRow<C>[K], K> };

/** Options of `Employee.subclass(...)`. */
export interface SubclassOptions {
  /**
   * Joined-table inheritance: the subclass's own table. Without it the subclass shares its
   * parent's table (single-table inheritance).
   */
  readonly table?: string;
  /** Discriminator value stored for (and identifying rows of) this class. */
  readonly polymorphicIdentity?: unknown;
  /** Joined-table inheritance: constraints, indexes and table options of the subclass table. */
  readonly tableArgs?: readonly TableArg[];
  /** The subclass's own `eagerDefaults` (see {@link ModelOptions.eagerDefaults}); inherited when not given. */
  readonly eagerDefaults?: boolean | "auto";
}

type ColumnsOf<This> = This extends { readonly __mappedColumns: infer C extends ModelColumns } ? C : {};
type DiscriminatorOf<This> = This extends { readonly __discriminator: infer D } ? D : never;

/** The class returned by `Employee.subclass(...)`: the parent's instance type and columns plus the new columns. */
export type SubclassModel<This extends abstract new (...args: never[]) => object, C2 extends ModelColumns> = ModelConstructor<
  ColumnsOf<This> & C2,
  InstanceType<This> & ModelRow<C2>,
  DiscriminatorOf<This>
> &
  ModelAttributes<ColumnsOf<This> & C2> &
  // The parent's own statics (relationships, static methods) exist at run time but are not
  // repeated in this type: spelling them (Omit<This, …>) defeats declaration emit of inferred types.
  Omit<ModelStatics<ColumnsOf<This> & C2, DiscriminatorOf<This>>, "__table__" | "_asFromClause"> & {
    /** The subclass's own table (joined-table), or the shared base table (single-table). */
    readonly __table__: TableImpl;
    /** @internal The table, for ORM DML (`insert(Engineer)`, `update(Engineer)`). */
    _asFromClause(): TableImpl;
  };

/** Static members every model class has. */
export interface ModelStatics<C extends ModelColumns, D = never> {
  /** @internal Type-level key of the discriminator column (undefined at run time). */
  readonly __discriminator: D;
  /** The mapped Table. */
  readonly __table__: TableImpl<ModelTableColumns<C>>;
  /** @internal Type-level record of the class's columns (undefined at run time). */
  readonly __mappedColumns: C;
  /** @internal The table, for joins and DML (`insert(User)`). */
  _asFromClause(): TableImpl<ModelTableColumns<C>>;
  /** Mapper events: `event.listen(User, "beforeInsert", (mapper, connection, target) => …)`. */
  readonly [DISPATCH]: Dispatcher<MapperEvents>;
  /** @internal `select(User)` support. */
  readonly _isColumnsClauseProvider: true;
  /** @internal */
  _columnsClauseElements(): readonly ColumnElement<unknown, string>[];
  /**
   * Declare a mapped subclass (SQLAlchemy's mapper inheritance), to extend:
   * - single-table: `class Manager extends Employee.subclass({ managerData: … }, { polymorphicIdentity: "manager" }) {}`
   *   adds the columns to the base table (created NULL-able there, since other classes' rows leave them empty);
   * - joined-table: `class Engineer extends Employee.subclass({ info: … }, { table: "engineer", polymorphicIdentity: "engineer" }) {}`
   *   maps a new table whose primary key references the parent's (declared automatically, with
   *   ON DELETE CASCADE, when not given as `id: mappedColumn(ForeignKey("employee.id"), { primaryKey: true })`).
   *
   * The discriminator column is filled from `polymorphicIdentity` at construction. A subclass is
   * adopted on first use like any model; a polymorphic load of a row whose subclass was never
   * used (no `new`, no static access, not a relationship target) builds an instance of the class
   * `subclass()` returned — use the subclass once (e.g. `configureModel(Manager)`) at start-up.
   *
   * Querying the parent returns instances of the subclass its discriminator names; querying the
   * subclass filters by its identities (single-table) or joins its table (joined-table).
   * @throws ArgumentError for a column key the parent already maps, or a subclass of a hierarchy without `polymorphicOn`.
   */
  subclass<This extends abstract new (...args: never[]) => object, const C2 extends ModelColumns>(this: This, columns: C2, options?: SubclassOptions): SubclassModel<This, C2>;
}

/** The class returned by `Base.model()`; extend it. */
export type ModelClass<C extends ModelColumns, D = never> = ModelConstructor<C, ModelRow<C> & MappedInstance, D> & ModelAttributes<C> & ModelStatics<C, D>;

/** Marker interface of mapped instances. */
export interface MappedInstance {
  readonly [STATE]?: InstanceState;
}

/** Options of `Base.model()`. */
export interface ModelOptions<K extends string = string> {
  /** Constraints, indexes and table options (SQLAlchemy's `__table_args__`). */
  readonly tableArgs?: readonly TableArg[];
  /** Discriminator column of an inheritance hierarchy (SQLAlchemy's `polymorphic_on`). */
  readonly polymorphicOn?: K;
  /** Discriminator value of this class's rows (SQLAlchemy's `polymorphic_identity`). */
  readonly polymorphicIdentity?: unknown;
  /**
   * `false`: a flush DELETE matching fewer rows than it named (rows an ON DELETE CASCADE of the
   * same statement removed first) does not warn (SQLAlchemy's `confirm_deleted_rows`). Default
   * `true`; a versioned mapper raises StaleDataError whatever this says.
   */
  readonly confirmDeletedRows?: boolean;
  /**
   * Whether a flush fetches database-generated values with RETURNING (SQLAlchemy's
   * `eager_defaults`): `"auto"` (default) on INSERT only, `true` on INSERT and UPDATE, `false`
   * never (the primary key excepted); values not fetched are expired. Subclasses inherit it.
   */
  readonly eagerDefaults?: boolean | "auto";
}

let discoveryScheduled = false;
/**
 * After the current synchronous code (a module defining models) has run, adopt every model class
 * reachable through declared relationships, so `User.name` is the column from then on.
 */
function scheduleDiscovery(): void {
  if (discoveryScheduled) return;
  discoveryScheduled = true;
  queueMicrotask(() => {
    discoveryScheduled = false;
    discoverModels();
  });
}
/** Adopt model subclasses found through relationship targets (and their own relationships). @internal */
export function discoverModels(): void {
  let progress = true;
  while (progress) {
    progress = false;
    for (const spec of [...pendingSpecs]) {
      let cls: unknown;
      try {
        cls = spec.argument();
      } catch {
        continue; // not yet initialised (temporal dead zone); a later use adopts it
      }
      const m = typeof cls === "function" ? (cls as { [MAPPER]?: Mapper })[MAPPER] : undefined;
      if (m && !Object.prototype.hasOwnProperty.call(cls, MAPPER)) {
        m.registry.mapSubclass(cls as MappedClass, m);
        progress = true;
      }
    }
  }
}

setDiscoverHook(discoverModels);

/** The registry behind one declarative base: its MetaData and mappers. */
export class Registry implements RegistryLike {
  readonly metadata: MetaData;
  readonly mappers: Mapper[] = [];
  private configuring = false;
  private dirty = false;
  /** The first configuration error and the mapper that raised it, until a configuration succeeds. */
  private failure: { readonly mapper: Mapper; readonly error: unknown } | undefined;
  constructor(metadata?: MetaData) {
    this.metadata = metadata ?? new MetaData();
  }
  /** @internal */
  addMapper(m: Mapper): void {
    this.mappers.push(m);
    this.dirty = true;
  }
  /**
   * Adopt the user's subclass of a `Base.model()` class: the mapper now maps that class; its
   * statics (`User.name`, relationships) and accessors are installed. @internal
   */
  mapSubclass(cls: MappedClass, base: Mapper): Mapper {
    const own = (cls as unknown as { [MAPPER]?: Mapper });
    if (Object.prototype.hasOwnProperty.call(cls, MAPPER)) return own[MAPPER]!;
    if (base.configured && base.class_ !== (base as unknown as { _modelClass: unknown })._modelClass) {
      throw new InvalidRequestError(
        `Class '${cls.name}' is not mapped: it extends the already-mapped ${base.className}; declare a mapped subclass with ${base.className}.subclass(…)`,
      );
    }
    const ownName: unknown = Object.getOwnPropertyDescriptor(cls, "name")?.value;
    const clsName = typeof ownName === "string" ? ownName : base.className;
    for (const p of base.columnProps) {
      // A static relationship() / columnProperty() under a column's key would be replaced by
      // the column attribute below: refuse it, as SQLAlchemy's _property_from_column does.
      const declared = Object.getOwnPropertyDescriptor(cls, p.key)?.value as unknown;
      if (declared instanceof RelationshipSpec || (declared as { _isColumnExpressionProperty?: true } | null)?._isColumnExpressionProperty === true || isSynonymSpec(declared)) {
        const what = declared instanceof RelationshipSpec ? "relationship()" : isSynonymSpec(declared) ? "synonym()" : "columnProperty()";
        throw new ArgumentError(
          `WARNING: when configuring property '${p.key}' on Mapper[${clsName}(${base.table.name})], column '${p.column.key}' conflicts with property '${clsName}.${p.key}' (a ${what}). To resolve this, map the column to the class under a different name.`,
        );
      }
    }
    base.class_ = cls;
    (base as { className: string }).className = clsName;
    Mapper.attach(cls, base);
    for (const p of base.columnProps) {
      const attr = new InstrumentedAttribute(p.key, p.column, cls);
      attr.prop = p;
      base.attributes.set(p.key, attr);
      Object.defineProperty(cls, p.key, { value: attr, configurable: true, enumerable: false, writable: false });
    }
    for (const key of Object.getOwnPropertyNames(cls)) {
      const v = (cls as unknown as Record<string, unknown>)[key];
      if (v instanceof RelationshipSpec) {
        const rel = new RelationshipProperty(base, key, v);
        v.bind(rel, cls);
        base.relationships.set(key, rel);
      } else if ((v as { _isColumnExpressionProperty?: true } | null)?._isColumnExpressionProperty === true) bindExpressionProperty(base, key, v as ColumnExpressionProperty);
    }
    // After the columns and relationships: a synonym's thunk may name any of them.
    bindSynonyms(cls, base);
    this.dirty = true;
    return base;
  }
  /**
   * Resolve every relationship of every mapped class (SQLAlchemy's `configure_mappers()`).
   * Runs automatically on first use; call it to surface configuration errors early. A failure
   * is retried at each use: the first raises the error itself, the later ones (while it
   * persists) InvalidRequestError "One or more mappers failed to initialize - can't proceed
   * with initialization of other mappers. Triggering mapper: 'Mapper[…]'. Original exception
   * was: …", as SQLAlchemy's `configure_mappers()`.
   * @throws ArgumentError for relationships whose join conditions cannot be resolved or whose
   *   argument is not a class; UnmappedClassError for an unmapped target class;
   *   InvalidRequestError for a target expression that fails (see above for repeated failures).
   */
  configure(): void {
    if (this.configuring) return;
    // Adopt model classes reachable through relationships first (they may not be used yet).
    if (pendingSpecs.size && discoveredVersion !== specsVersion) {
      discoveredVersion = specsVersion;
      discoverModels();
    }
    if (!this.dirty) return;
    this.configuring = true;
    try {
      // Resolving a relationship target can adopt another class (dirtying the registry again):
      // repeat until a whole pass adopted nothing new.
      for (let pass = 0; this.dirty && pass < 100; pass++) {
        this.dirty = false;
        for (const m of this.mappers) {
          if (m.class_ === (m as unknown as { _modelClass: unknown })._modelClass) continue;
          for (const rel of m.relationships.values()) {
            if (!Object.prototype.hasOwnProperty.call(m.class_.prototype, rel.key)) defineRelationshipAccessor(m.class_.prototype, rel);
          }
        }
        let current: Mapper | undefined;
        try {
          for (const m of this.mappers) {
            current = m;
            m.configureRelationships();
          }
          for (const m of this.mappers) {
            current = m;
            checkWriteOnly(m);
          }
          this.failure = undefined;
        } catch (e) {
          this.dirty = true; // report the error again on the next use
          // The first failure raises as is; later attempts that still fail name it, as
          // SQLAlchemy's configure_mappers() does once a mapper failed.
          if (!this.failure) {
            this.failure = { mapper: current!, error: e };
            throw e;
          }
          const original = this.failure.error instanceof Error ? this.failure.error.message : String(this.failure.error);
          throw new InvalidRequestError(
            `One or more mappers failed to initialize - can't proceed with initialization of other mappers. Triggering mapper: '${this.failure.mapper.describe()}'. Original exception was: ${original}`,
          );
        }
      }
    } finally {
      this.configuring = false;
    }
  }
}

/**
 * A write-only relationship must be a collection (SQLAlchemy's WriteOnlyLoader check at
 * configure time).
 * @throws InvalidRequestError for a many-to-one, or one declared `uselist: false`.
 */
function checkWriteOnly(m: Mapper): void {
  for (const rel of m.relationships.values()) {
    if (rel.lazy !== "write_only" || rel.parent !== m) continue;
    if (rel.direction === "MANYTOONE" || !rel.uselist) {
      throw new InvalidRequestError(
        `On relationship ${m.className}.${rel.key}, 'write_only' loaders cannot be used with many-to-one/one-to-one relationships and/or uselist=False.`,
      );
    }
  }
}

/**
 * What `new Model(init)` needs per mapper, computed once: the construction defaults
 * (`defaultFactory` results and plain scalar `default`s, dataclass-style, plus the discriminator)
 * and which constructor keys are plain column values that can go straight into the state's
 * dictionary (an attribute write on a transient object does nothing more).
 */
interface ConstructionPlan {
  readonly defaults: readonly (readonly [string, () => unknown])[];
  /** Column keys written straight into the state (relationships and overridden setters go through the setter). */
  readonly columnKeys: ReadonlySet<string>;
  /** Column keys declared `init: false`: the constructor refuses them. */
  readonly noInit: ReadonlySet<string>;
  /** The class prototype whose `[STATE]` accessor is known installed (one identity check per construction). */
  accessorOn: object | undefined;
}
function constructionPlan(m: Mapper): ConstructionPlan {
  // Kept on the mapper, not in a WeakMap: this runs for every `new Model()`.
  let plan = m.constructionPlan as ConstructionPlan | undefined;
  if (plan) return plan;
  const defaults: (readonly [string, () => unknown])[] = [];
  for (const p of m.columnProps) {
    if (p.defaultFactory) defaults.push([p.key, p.defaultFactory]);
    else {
      const v = p.column.default;
      // Only plain values: callables and SQL expressions are INSERT-time defaults.
      if (v !== undefined && v !== null && (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || typeof v === "bigint")) defaults.push([p.key, () => v]);
    }
  }
  const on = m.base.polymorphicOn;
  if (on && m.polymorphicIdentity !== undefined) defaults.push([on.key, () => m.polymorphicIdentity]);
  const noInit = new Set<string>();
  for (const p of m.columnProps) if (noInitProps.has(p)) noInit.add(p.key);
  const columnKeys = directColumnKeys(m);
  for (const k of noInit) columnKeys.delete(k);
  plan = { defaults, columnKeys, noInit, accessorOn: undefined };
  m.constructionPlan = plan;
  return plan;
}

/**
 * Column keys whose accessor on the mapped class is the instrumented one: a subclass may define
 * its own `set name(v)`, which the constructor must then call rather than bypass.
 */
function directColumnKeys(m: Mapper): Set<string> {
  const instrumented = new Set<object>();
  for (let mm: Mapper | undefined = m; mm; mm = mm.inherits) {
    const cls = (mm as unknown as { _modelClass?: { prototype: object } })._modelClass;
    if (cls) instrumented.add(cls.prototype);
  }
  const out = new Set<string>();
  for (const p of m.columnProps) {
    let proto: object | null = m.class_.prototype as object;
    while (proto && !Object.prototype.hasOwnProperty.call(proto, p.key)) proto = Object.getPrototypeOf(proto) as object | null;
    if (proto && instrumented.has(proto)) out.add(p.key);
  }
  return out;
}

/** Construction defaults, then the constructor arguments. */
function populate(obj: object, m: Mapper, plan: ConstructionPlan, dict: Record<string, unknown>, init: Record<string, unknown> | undefined): void {
  const defaults = plan.defaults;
  for (let i = 0; i < defaults.length; i++) dict[defaults[i][0]] = defaults[i][1]();
  if (init) {
    for (const k in init) {
      if (!Object.prototype.hasOwnProperty.call(init, k)) continue;
      const v = init[k];
      // A transient object's column setter only stores the value: store it directly.
      if (plan.columnKeys.has(k)) dict[k] = v;
      else if (plan.noInit.has(k)) throw new ArgumentError(`'${k}' of ${m.className} is declared with init: false; the constructor does not take it`);
      else if (m.columnPropsByKey.has(k) || m.relationships.has(k) || m.synonyms.has(k)) (obj as Record<string, unknown>)[k] = v;
      else throw new ArgumentError(`'${k}' is not a mapped attribute of ${m.className}`);
    }
  }
}

/**
 * The constructor with SQLAlchemy's `init` (before the arguments are applied; listeners may
 * change them) and `init_failure` (the arguments could not be applied; the error is raised again).
 */
function initObserved(obj: object, m: Mapper, plan: ConstructionPlan, dict: Record<string, unknown>, init: Record<string, unknown> | undefined): void {
  const args = init ?? {};
  const d = m.dispatch;
  if (d.has("init")) d.fire("init", obj, args);
  try {
    populate(obj, m, plan, dict, args);
  } catch (e) {
    if (d.has("initFailure")) d.fire("initFailure", obj, args, e);
    throw e;
  }
}

/** Root of every mapped instance: sets up state and applies constructor arguments. */
class ModelRoot {
  constructor(init?: Record<string, unknown>) {
    const mapper = (new.target as unknown as { [MAPPER]?: Mapper })[MAPPER];
    if (!mapper) throw new InvalidRequestError("Model classes must be created with Base.model()");
    const m = mapper.class_ === new.target ? mapper : mapper.registry.mapSubclass(new.target as MappedClass, mapper);
    m.registry.configure();
    const state = new InstanceState(this, m);
    const plan = constructionPlan(m);
    // A private field rather than defineProperty of a symbol: the same invisibility at a fraction of the cost.
    const proto = new.target.prototype as object;
    if (plan.accessorOn !== proto) {
      installStateAccessor(proto);
      plan.accessorOn = proto;
    }
    attachState(this, state);
    // Instance events only when some mapper has listeners for them: one counter read otherwise.
    if (instanceEventListened("init") || instanceEventListened("initFailure")) initObserved(this, m, plan, state.dict, init);
    else populate(this, m, plan, state.dict, init);
  }

  /**
   * `User(id=1, name="ed", addresses=[Address(id=3, email="e@x", userId=1)])`, as SQLAlchemy's
   * dataclass `__repr__`: the class name, then the columns, SQL expression attributes
   * (`columnProperty()` / `queryExpression()`) and relationships in mapping order.
   * Strings are JSON-quoted; a column or relationship declared `repr: false` is left out, and so
   * is whatever a persistent object has not loaded (reading it would raise: athanor never loads
   * implicitly) and write-only collections. On a new object an unset column or many-to-one shows
   * `null` and an unset collection `[]`. An object met again while it is being rendered (a
   * bidirectional relationship) shows as `…`. Never raises, never runs SQL.
   */
  toString(): string {
    return reprOf(this);
  }
}

/** Instances whose toString() is running: a cycle through relationships renders as "…". */
const reprActive = new Set<object>();

function reprOf(obj: object): string {
  const st = (obj as { [STATE]?: InstanceState })[STATE];
  if (!st) return Object.prototype.toString.call(obj);
  const m = st.mapper;
  if (reprActive.has(obj)) return `${m.className}(…)`;
  reprActive.add(obj);
  try {
    const d = st.current;
    const isNew = st.status === "transient" || st.status === "pending";
    const parts: string[] = [];
    for (const p of m.columnProps) {
      if (noReprProps.has(p)) continue;
      if (p.key in d) parts.push(`${p.key}=${reprValue(d[p.key])}`);
      else if (isNew) parts.push(`${p.key}=null`);
    }
    for (const [key, e] of m.expressionProps) {
      if (!e.repr) continue;
      if (key in d) parts.push(`${key}=${reprValue(d[key])}`);
      else if (isNew) parts.push(`${key}=null`);
    }
    for (const rel of m.relationships.values()) {
      if (rel.lazy === "write_only" || rel.options.repr === false) continue;
      if (rel.key in d) parts.push(`${rel.key}=${reprValue(d[rel.key])}`);
      else if (isNew) parts.push(`${rel.key}=${rel.uselist ? "[]" : "null"}`);
    }
    return `${m.className}(${parts.join(", ")})`;
  } finally {
    reprActive.delete(obj);
  }
}

function reprValue(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v !== "object") return String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
  if (Array.isArray(v)) return `[${v.map(reprValue).join(", ")}]`;
  if ((v as { [STATE]?: InstanceState })[STATE]) return reprOf(v);
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `${x}n` : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

const REGISTRY: unique symbol = Symbol.for("athanor.registry");

/** A ForeignKey given a class attribute (`ForeignKey(User.id)`) points at the attribute's column. */
function normalizeFk(fk: ForeignKey): ForeignKey {
  const spec = fk.spec as unknown;
  if (spec instanceof InstrumentedAttribute) return new ForeignKey(spec.column as ColumnImpl, fk.opts);
  return fk;
}

/** A table column from a mapped column declaration. */
function columnFor(where: string, key: string, mc: unknown, forceNullable = false): ColumnImpl {
  if (!(mc instanceof MappedColumn)) throw new ArgumentError(`${where}: '${key}' must be a mappedColumn()`);
  const o = mc.options;
  if (o.versionId && o.nullable) throw new ArgumentError(`${where}: version column '${key}' cannot be nullable`);
  // As dataclasses' "cannot specify both default and default_factory".
  if (o.default !== undefined && o.default !== null && o.defaultFactory !== undefined) {
    throw new ArgumentError(`${where}: '${key}' cannot specify both default and defaultFactory`);
  }
  const typeOrFk = mc.typeOrFk instanceof ForeignKey ? normalizeFk(mc.typeOrFk) : mc.typeOrFk;
  const fkOpt = o.foreignKey instanceof ForeignKey ? normalizeFk(o.foreignKey) : o.foreignKey;
  return new ColumnImpl(typeOrFk, {
    ...(o.name !== undefined ? { name: o.name } : {}),
    primaryKey: o.primaryKey ?? false,
    nullable: forceNullable || (o.nullable ?? false),
    // `default: null` is no default (SQLAlchemy's `default=None`): the INSERT leaves the column out.
    ...(o.default !== undefined && o.default !== null ? { default: o.default } : {}),
    ...(o.serverDefault !== undefined ? { serverDefault: o.serverDefault } : {}),
    ...(o.onupdate !== undefined ? { onupdate: o.onupdate } : {}),
    ...(o.serverOnupdate !== undefined ? { serverOnupdate: o.serverOnupdate } : {}),
    ...(o.unique !== undefined ? { unique: o.unique } : {}),
    ...(o.index !== undefined ? { index: o.index } : {}),
    ...(o.autoincrement !== undefined ? { autoincrement: o.autoincrement } : {}),
    ...(fkOpt !== undefined ? { foreignKey: fkOpt } : {}),
    ...(o.identity !== undefined ? { identity: o.identity } : {}),
    ...(o.computed !== undefined ? { computed: o.computed } : {}),
    ...(o.sequence !== undefined ? { sequence: o.sequence } : {}),
    ...(o.comment !== undefined ? { comment: o.comment } : {}),
    ...(o.sortOrder !== undefined ? { sortOrder: o.sortOrder } : {}),
    ...(o.doc !== undefined ? { doc: o.doc } : {}),
    ...(o.info !== undefined ? { info: o.info } : {}),
  });
}

/**
 * Attribute names a mapped class cannot take: `prototype` (a class's own non-configurable
 * property), `constructor` (every prototype's own, so an instance would shadow it rather than
 * map it) and `__proto__`; SQLAlchemy refuses its instrumentation attribute names likewise
 * (MagicNamesTest).
 * @throws ArgumentError naming the attribute.
 */
function checkAttributeName(where: string, key: string): void {
  if (key === "prototype" || key === "constructor" || key === "__proto__") {
    throw new ArgumentError(`${where}: '${key}': requested attribute name conflicts with instrumentation attribute of the same name; map the column under another key (mappedColumn(…, { name: "${key}" }))`);
  }
}

/** Column properties declared `init: false` / `repr: false` (shared by subclass mappers). */
const noInitProps = new WeakSet<ColumnProperty>();
const noReprProps = new WeakSet<ColumnProperty>();

/**
 * Column declarations in table order: by `sortOrder`, declaration order among equals, as
 * SQLAlchemy's declarative orders a Table's columns by `sort_order`.
 */
function bySortOrder(columns: ModelColumns): [string, MappedColumn<unknown>][] {
  const entries = Object.entries(columns);
  const order = (mc: unknown): number => (mc instanceof MappedColumn ? (mc.options.sortOrder ?? 0) : 0);
  return entries.some(([, mc]) => order(mc) !== 0) ? entries.map((e, i) => ({ e, i })).sort((a, b) => order(a.e[1]) - order(b.e[1]) || a.i - b.i).map((x) => x.e) : entries;
}

/** Column property + class attribute + instance accessor for one mapped column. */
function mapColumn(mapper: Mapper, Model: Function, key: string, col: ColumnImpl, mc: MappedColumn<unknown>): void {
  const o = mc.options;
  // A group implies deferred unless `deferred: false` is given, as with SQLAlchemy's
  // mapped_column(deferred_group=…).
  const deferred = (o.deferred ?? o.deferredGroup !== undefined) || (o.deferredRaiseload ?? false);
  const prop = new ColumnProperty(key, col, deferred, o.deferredRaiseload ?? false, o.defaultFactory, o.deferredGroup);
  const attr = new InstrumentedAttribute(key, col, Model);
  mapper.addColumnProperty(prop, attr);
  if (o.init === false) noInitProps.add(prop);
  if (o.repr === false) noReprProps.add(prop);
  if (o.versionId) mapper.versionProp = prop;
  Object.defineProperty(Model, key, { value: attr, configurable: true, enumerable: false, writable: false });
  defineColumnAccessor(Model.prototype, mapper, key);
}

/** Statics every model class carries, and the Proxy that adopts the user's subclass on first static access. */
function finishModel<R>(Model: Function, mapper: Mapper, registry: Registry): R {
  Object.defineProperty(Model, "__table__", { value: mapper.table, enumerable: false, configurable: true });
  Object.defineProperty(Model, DISPATCH, { enumerable: false, configurable: true, get: () => mapper.dispatch });
  Object.defineProperty(Model, "_asFromClause", { enumerable: false, configurable: true, value: () => mapper.table });
  Object.defineProperty(Model, "_attributeFor", {
    enumerable: false,
    configurable: true,
    value(this: MappedClass, key: string): ColumnElement<unknown, string> | undefined {
      const v = (this as unknown as Record<string, unknown>)[key];
      return v instanceof InstrumentedAttribute ? v : undefined;
    },
  });
  Object.defineProperty(Model, "_isColumnsClauseProvider", { value: true, enumerable: false, configurable: true });
  Object.defineProperty(Model, "_columnsClauseElements", {
    enumerable: false,
    configurable: true,
    value(this: MappedClass): readonly ColumnElement<unknown, string>[] {
      const m = (this as unknown as { [MAPPER]: Mapper })[MAPPER];
      return m.defaultLoadProps.map((p) => p.column);
    },
  });
  Object.defineProperty(Model, "subclass", { enumerable: false, configurable: true, writable: true, value: subclassOf });
  registry.addMapper(mapper);
  scheduleDiscovery();
  // Static access through a subclass (User.id, select(User)) adopts the subclass first, so that
  // its own `name`/`length` statics are replaced by the column attributes.
  const proxy: unknown = new Proxy(Model, {
    get(target, prop, receiver) {
      if (receiver !== proxy && receiver !== target && typeof receiver === "function" && !Object.prototype.hasOwnProperty.call(receiver, MAPPER)) {
        registry.mapSubclass(receiver as MappedClass, mapper);
        if (typeof prop === "string" && Object.prototype.hasOwnProperty.call(receiver, prop)) return (receiver as unknown as Record<string, unknown>)[prop];
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return proxy as R;
}

/** Add a column to an existing table (single-table inheritance puts subclass columns on the base table). */
function appendColumn(table: TableImpl, key: string, col: ColumnImpl): void {
  const name = col.explicitName ? col.name : key;
  const existing = table.columnList.find((c) => c.key === key || c.name === name);
  if (existing) {
    // SQLAlchemy's declarative message for a single-table subclass column clashing with the table's.
    throw new ArgumentError(
      `Column '${name}' on single-table subclass attribute '${key}' conflicts with existing column '${table.name}.${existing.name}' (single-table inheritance: table '${table.name}' already has a column '${existing.name}')`,
    );
  }
  col.bindKey(key);
  (table as unknown as { appendColumn(c: ColumnImpl): void }).appendColumn(col);
  (table as unknown as { _c?: unknown })._c = undefined;
  // Through appendConstraint(), as the Table constructor does for its own columns, so the
  // MetaData's naming convention names them (`fk` / `uq` / `ix`; SQLAlchemy's _column_flag index).
  for (const fk of col.foreignKeys) {
    const fkc = new ForeignKeyConstraint([col], [fk.spec], fk.opts);
    fkc.elements.push(fk);
    fk.constraint = fkc;
    table.appendConstraint(fkc);
  }
  if (col.unique) table.appendConstraint(new UniqueConstraint(col));
  if (col.index) table.appendConstraint(new Index(null, col));
}

/** Implementation of `Model.subclass(...)` (see {@link ModelStatics.subclass}). */
function subclassOf(this: MappedClass, columns: ModelColumns, options: SubclassOptions = {}): unknown {
  const a = options.table;
  const joined = a !== undefined;
  const own = (this as unknown as { [MAPPER]?: Mapper })[MAPPER];
  if (!own) throw new ArgumentError("subclass() must be called on a mapped class");
  const parent = own.class_ === this ? own : own.registry.mapSubclass(this, own);
  const registry = parent.registry as Registry;
  const base = parent.base;
  const where = `${parent.className}.subclass(${joined ? `"${a}"` : ""})`;
  if (!base.polymorphicOn) {
    throw new ArgumentError(`${where}: the hierarchy's base ${base.className} needs Base.model(…, { polymorphicOn: "<discriminator column>" })`);
  }
  if (typeof columns !== "object" || columns === null) throw new ArgumentError(`${where}: expected a record of mappedColumn() declarations`);
  const id = options.polymorphicIdentity;
  const previous = id !== undefined ? base.polymorphicMap.get(id) : undefined;
  const Parent = this as unknown as new (...args: never[]) => object;
  const Sub = class extends Parent {};
  let table: TableImpl;
  const newCols: [string, ColumnImpl, MappedColumn<unknown>][] = [];
  const pkPairs: [ColumnImpl, ColumnProperty][] = [];
  if (joined) {
    const cols: Record<string, ColumnImpl> = {};
    for (const p of parent.pkProps) {
      const given = columns[p.key];
      if (given !== undefined) {
        if (!(given instanceof MappedColumn) || !given.options.primaryKey) {
          throw new ArgumentError(`${where}: '${p.key}' is the inherited primary key; declare it with primaryKey: true (and a ForeignKey to ${parent.table.name}) or leave it out`);
        }
        cols[p.key] = columnFor(where, p.key, given);
      } else {
        cols[p.key] = new ColumnImpl(new ForeignKey(p.column, { onDelete: "CASCADE" }), { primaryKey: true, name: p.column.name });
      }
      pkPairs.push([cols[p.key], p]);
    }
    for (const [key, mc] of bySortOrder(columns)) {
      if (key in cols) continue;
      checkAttributeName(where, key);
      if (parent.columnPropsByKey.has(key) || parent.relationships.has(key)) throw new ArgumentError(`${where}: '${key}' is already mapped by ${parent.className}`);
      cols[key] = columnFor(where, key, mc);
      newCols.push([key, cols[key], mc as MappedColumn<unknown>]);
    }
    table = new TableImpl(a as string, (parent.table as TableImpl).metadata, cols, ...(options.tableArgs ?? []));
  } else {
    if (options.tableArgs?.length) throw new ArgumentError(`${where}: tableArgs apply to a subclass table; single-table subclasses share ${parent.table.name}`);
    table = parent.table as TableImpl;
    for (const [key, mc] of Object.entries(columns)) {
      checkAttributeName(where, key);
      if (parent.columnPropsByKey.has(key) || parent.relationships.has(key)) throw new ArgumentError(`${where}: '${key}' is already mapped by ${parent.className}`);
      if (mc instanceof MappedColumn && mc.options.primaryKey) throw new ArgumentError(`${where}: single-table subclass column '${key}' cannot be a primary key`);
      // Rows of the other classes leave the column empty, so the SQL column is NULL-able.
      const col = columnFor(where, key, mc, true);
      appendColumn(table, key, col);
      newCols.push([key, col, mc as MappedColumn<unknown>]);
    }
  }
  const name = `${parent.className}:${id === undefined ? "subclass" : String(id)}`;
  const mapper = new Mapper(Sub, table, registry, name);
  (mapper as unknown as { _modelClass: unknown })._modelClass = Sub;
  mapper.inherits = parent;
  mapper.identityId = parent.identityId;
  mapper.inheritPkPairs = pkPairs;
  mapper.versionProp = parent.versionProp;
  mapper.eagerDefaults = options.eagerDefaults ?? parent.eagerDefaults;
  parent.subMappers.push(mapper);
  Mapper.attach(Sub, mapper);
  for (const p of parent.columnProps) {
    const attr = new InstrumentedAttribute(p.key, p.column, Sub);
    mapper.addColumnProperty(p, attr);
    Object.defineProperty(Sub, p.key, { value: attr, configurable: true, enumerable: false, writable: false });
  }
  for (const [col, p] of parent.propByColumn) mapper.propByColumn.set(col, p);
  for (const [col, p] of pkPairs) mapper.propByColumn.set(col, p);
  for (const [key, col, mc] of newCols) mapColumn(mapper, Sub, key, col, mc);
  for (const [k, r] of parent.relationships) mapper.relationships.set(k, r);
  for (const [k, e] of parent.expressionProps) mapper.expressionProps.set(k, e);
  if (id !== undefined) {
    mapper.polymorphicIdentity = id;
    if (previous) {
      // SQLAlchemy warns and lets the newer mapper take the identity over.
      const repr = typeof id === "string" ? `'${id}'` : String(id);
      warn(`Reassigning polymorphic association for identity ${repr} from ${previous.describe()} to ${mapper.describe()}: Check for duplicate use of ${repr} as value for polymorphic_identity.`);
    }
    base.polymorphicMap.set(id, mapper);
  }
  return finishModel(Sub, mapper, registry);
}

/**
 * Base class for declarative models. Subclass it once per set of models
 * (`class Base extends DeclarativeBase {}`); each subclass has its own registry and MetaData.
 */
export class DeclarativeBase {
  /** The registry of this base (one per subclass). */
  static get registry(): Registry {
    if (!Object.prototype.hasOwnProperty.call(this, REGISTRY)) {
      Object.defineProperty(this, REGISTRY, { value: new Registry(), enumerable: false });
    }
    return (this as unknown as { [REGISTRY]: Registry })[REGISTRY];
  }
  /** The MetaData holding this base's tables. */
  static get metadata(): MetaData {
    return this.registry.metadata;
  }

  /**
   * Declare a mapped table and return the class to extend:
   * `class User extends Base.model("user_account", { id: mappedColumn(Integer, { primaryKey: true }) }) { … }`.
   *
   * `User.name` and `User.length` are the columns once the class is adopted, which happens on
   * its first use: any other static access (`User.id`), `select(User)`, `new User()`, a
   * relationship naming it (after the defining module has run, one microtask later), or
   * `Base.registry.configure()` (for classes reachable from relationships). The one remaining
   * edge: a top-level read of `User.name`/`User.length` in the same synchronous module
   * evaluation, before any other use, gives JavaScript's own class name/arity — call
   * `configureModel(User)` first there.
   *
   * For an inheritance hierarchy give `polymorphicOn` (the discriminator column's key) and
   * `polymorphicIdentity`, then declare subclasses with `User.subclass(...)`.
   * @throws ArgumentError for a table without a primary key, a malformed column, or an unknown `polymorphicOn`.
   */
  static model<const C extends ModelColumns, const K extends keyof C & string = never>(tableName: string, columns: C, options: ModelOptions<K> = {}): ModelClass<C, K> {
    const registry = this.registry;
    const where = `Base.model("${tableName}")`;
    const cols: Record<string, ColumnImpl> = {};
    for (const [key, mc] of bySortOrder(columns)) {
      checkAttributeName(where, key);
      cols[key] = columnFor(where, key, mc);
    }
    const table = new TableImpl(tableName, registry.metadata, cols, ...(options.tableArgs ?? []));
    if (table.primaryKeyColumns.length === 0) {
      throw new ArgumentError(
        `Mapper Mapper[${tableName}(${tableName})] could not assemble any primary key columns for mapped table '${tableName}' (${where}: a mapped table needs a primary key, mappedColumn(…, { primaryKey: true }))`,
      );
    }
    // An explicit constructor: the implicit `constructor(...args) { super(...args); }` of a
    // derived class allocates its rest array on every `new` (V8 cannot drop it here).
    const Model = class extends ModelRoot {
      constructor(init?: Record<string, unknown>) {
        super(init);
      }
    };
    const mapper = new Mapper(Model, table, registry, tableName);
    (mapper as unknown as { _modelClass: unknown })._modelClass = Model;
    Mapper.attach(Model, mapper);
    for (const [key, col] of Object.entries(cols)) mapColumn(mapper, Model, key, col, columns[key]);
    if (options.polymorphicOn !== undefined) {
      const on = mapper.columnPropsByKey.get(options.polymorphicOn);
      if (!on) throw new ArgumentError(`${where}: polymorphicOn '${options.polymorphicOn}' is not a column of the model`);
      mapper.polymorphicOn = on;
    } else if (options.polymorphicIdentity !== undefined) {
      throw new ArgumentError(`${where}: polymorphicIdentity needs polymorphicOn (the discriminator column)`);
    }
    if (options.eagerDefaults !== undefined) {
      if (options.eagerDefaults !== true && options.eagerDefaults !== false && options.eagerDefaults !== "auto") {
        throw new ArgumentError(`${where}: eagerDefaults must be true, false or "auto"`);
      }
      mapper.eagerDefaults = options.eagerDefaults;
    }
    if (options.polymorphicIdentity !== undefined) {
      mapper.polymorphicIdentity = options.polymorphicIdentity;
      mapper.polymorphicMap.set(options.polymorphicIdentity, mapper);
    }
    if (options.confirmDeletedRows === false) mapper.confirmDeletedRows = false;
    return finishModel<ModelClass<C, K>>(Model, mapper, registry);
  }
}

/** Adopt a model subclass now (normally automatic on first use). */
export function configureModel(cls: MappedClass): void {
  const m = (cls as unknown as { [MAPPER]?: Mapper })[MAPPER];
  if (!m) throw new ArgumentError(`${cls.name} is not a mapped class`);
  m.registry.mapSubclass(cls, m);
  m.registry.configure();
}

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
import { ColumnImpl, MetaData, TableImpl, type TableArg } from "../sql/schema.js";
import type { ColumnElement } from "../sql/elements.js";
import { defineColumnAccessor, defineRelationshipAccessor } from "./instrumentation.js";
import { MappedColumn } from "./mapped-column.js";
import { ColumnProperty, InstrumentedAttribute, MAPPER, Mapper, RelationshipProperty, type MappedClass, type MapperEvents, type RegistryLike } from "./mapper.js";
import { DISPATCH, type Dispatcher } from "../engine/events.js";
import { pendingSpecs, RelationshipSpec } from "./relationship.js";
import { InstanceState, STATE } from "./state.js";

/** Column declarations of a model. */
export type ModelColumns = Record<string, MappedColumn<unknown>>;

/** Instance shape of a model's columns. */
export type ModelRow<C extends ModelColumns> = { -readonly [K in keyof C]: C[K] extends MappedColumn<infer T> ? T : never };

/** Keys a constructor argument must give: NOT NULL columns with no default that are not keys. */
export type RequiredInitKeys<C extends ModelColumns> = { [K in keyof C]: C[K] extends MappedColumn<unknown, false> ? K : never }[keyof C];

/**
 * Column values accepted by `new Model({...})`: NOT NULL columns without a default, primary key
 * or foreign key are required; the rest optional.
 */
export type ModelInitColumns<C extends ModelColumns> = {
  [K in keyof C as K extends RequiredInitKeys<C> ? K : never]: ModelRow<C>[K];
} & { [K in keyof C as K extends RequiredInitKeys<C> ? never : K]?: ModelRow<C>[K] };

/**
 * Constructor argument of a model: column values (see {@link ModelInitColumns}), plus
 * relationship values by name (the base class cannot see the subclass's relationships, so they
 * are accepted by name and checked at run time).
 */
export type ModelInit<C extends ModelColumns> = ModelInitColumns<C> & { readonly [relationship: string]: unknown };

type InitArgs<C extends ModelColumns, I> = [RequiredInitKeys<C>] extends [never] ? [init?: I] : [init: I];

/**
 * Construct signatures of a model: the first takes exactly the columns (so typed interfaces and
 * misspelt keys are checked), the second also relationships by name.
 */
export type ModelConstructor<C extends ModelColumns, I> = {
  new (...args: InitArgs<C, ModelInitColumns<C>>): I;
  new (...args: InitArgs<C, ModelInit<C>>): I;
};

/** Class-level attributes: SQL expressions for each column. */
export type ModelAttributes<C extends ModelColumns> = { readonly [K in keyof C & string]: InstrumentedAttribute<ModelRow<C>[K], K> };

/** The typed columns of a model's table. */
export type ModelTableColumns<C extends ModelColumns> = { readonly [K in keyof C & string]: ColumnImpl<ModelRow<C>[K], K> };

/** Options of `Employee.subclass(...)`. */
export interface SubclassOptions {
  /** Discriminator value stored for (and identifying rows of) this class. */
  readonly polymorphicIdentity?: unknown;
  /** Joined-table inheritance: constraints, indexes and table options of the subclass table. */
  readonly tableArgs?: readonly TableArg[];
}

type ColumnsOf<This> = This extends { readonly __mappedColumns: infer C extends ModelColumns } ? C : {};

/** The class returned by `Employee.subclass(...)`: the parent's statics and instance type plus the new columns. */
export type SubclassModel<This extends abstract new (...args: never[]) => object, C2 extends ModelColumns> = ModelConstructor<
  ColumnsOf<This> & C2,
  InstanceType<This> & ModelRow<C2>
> &
  Omit<This, "prototype" | "__mappedColumns" | "__table__"> &
  ModelAttributes<C2> & {
    /** The subclass's own table (joined-table), or the shared base table (single-table). */
    readonly __table__: TableImpl;
    /** @internal Type-level record of every column of the class. */
    readonly __mappedColumns: ColumnsOf<This> & C2;
  };

/** Static members every model class has. */
export interface ModelStatics<C extends ModelColumns> {
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
   * - joined-table: `class Engineer extends Employee.subclass("engineer", { info: … }, { polymorphicIdentity: "engineer" }) {}`
   *   maps a new table whose primary key references the parent's (declared automatically when
   *   not given as `id: mappedColumn(ForeignKey("employee.id"), { primaryKey: true })`).
   *
   * Querying the parent returns instances of the subclass its discriminator names; querying the
   * subclass filters by its identities (single-table) or joins its table (joined-table).
   * @throws ArgumentError for a column key the parent already maps, or a subclass of a hierarchy without `polymorphicOn`.
   */
  subclass<This extends abstract new (...args: never[]) => object, const C2 extends ModelColumns>(this: This, columns: C2, options?: SubclassOptions): SubclassModel<This, C2>;
  subclass<This extends abstract new (...args: never[]) => object, const C2 extends ModelColumns>(this: This, tableName: string, columns: C2, options?: SubclassOptions): SubclassModel<This, C2>;
}

/** The class returned by `Base.model()`; extend it. */
export type ModelClass<C extends ModelColumns> = ModelConstructor<C, ModelRow<C> & MappedInstance> & ModelAttributes<C> & ModelStatics<C>;

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

/** The registry behind one declarative base: its MetaData and mappers. */
export class Registry implements RegistryLike {
  readonly metadata: MetaData;
  readonly mappers: Mapper[] = [];
  private configuring = false;
  private dirty = false;
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
        `${cls.name} extends the already-mapped ${base.className}; mapped inheritance is declared with Base.model(…, { inherits })`,
      );
    }
    base.class_ = cls;
    (base as { className: string }).className = Object.getOwnPropertyDescriptor(cls, "name")?.value ?? base.className;
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
      }
    }
    this.dirty = true;
    return base;
  }
  /**
   * Resolve every relationship of every mapped class (SQLAlchemy's `configure_mappers()`).
   * Runs automatically on first use; call it to surface configuration errors early.
   * @throws ArgumentError for relationships whose targets or join conditions cannot be resolved.
   */
  configure(): void {
    if (!this.dirty || this.configuring) return;
    this.configuring = true;
    try {
      for (const m of this.mappers) {
        if (m.class_ === (m as unknown as { _modelClass: unknown })._modelClass) continue;
        for (const rel of m.relationships.values()) {
          if (!Object.prototype.hasOwnProperty.call(m.class_.prototype, rel.key)) defineRelationshipAccessor(m.class_.prototype, rel);
        }
      }
      for (const m of this.mappers) if (!m.configured || this.dirty) m.configureRelationships();
      this.dirty = false;
    } finally {
      this.configuring = false;
    }
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
    Object.defineProperty(this, STATE, { value: state, enumerable: false, writable: false });
    for (const p of m.columnProps) if (p.defaultFactory) state.dict[p.key] = p.defaultFactory();
    if (init) {
      for (const [k, v] of Object.entries(init)) {
        if (!m.columnPropsByKey.has(k) && !m.relationships.has(k)) {
          throw new ArgumentError(`'${k}' is not a mapped attribute of ${m.className}`);
        }
        (this as Record<string, unknown>)[k] = v;
      }
    }
  }
}

const REGISTRY: unique symbol = Symbol.for("athanor.registry");

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
   * @throws ArgumentError for a table without a primary key or a malformed column.
   */
  static model<const C extends ModelColumns>(tableName: string, columns: C, options: ModelOptions = {}): ModelClass<C> {
    const registry = this.registry;
    const cols: Record<string, ColumnImpl> = {};
    const extras = new Map<string, MappedColumn<unknown>>();
    for (const [key, mc] of Object.entries(columns)) {
      if (!(mc instanceof MappedColumn)) throw new ArgumentError(`Base.model("${tableName}"): '${key}' must be a mappedColumn()`);
      const o = mc.options;
      cols[key] = new ColumnImpl(mc.typeOrFk, {
        ...(o.name !== undefined ? { name: o.name } : {}),
        primaryKey: o.primaryKey ?? false,
        nullable: o.nullable ?? false,
        ...(o.default !== undefined ? { default: o.default } : {}),
        ...(o.serverDefault !== undefined ? { serverDefault: o.serverDefault } : {}),
        ...(o.onupdate !== undefined ? { onupdate: o.onupdate } : {}),
        ...(o.serverOnupdate !== undefined ? { serverOnupdate: o.serverOnupdate } : {}),
        ...(o.unique !== undefined ? { unique: o.unique } : {}),
        ...(o.index !== undefined ? { index: o.index } : {}),
        ...(o.autoincrement !== undefined ? { autoincrement: o.autoincrement } : {}),
        ...(o.foreignKey !== undefined ? { foreignKey: o.foreignKey } : {}),
        ...(o.identity !== undefined ? { identity: o.identity } : {}),
        ...(o.computed !== undefined ? { computed: o.computed } : {}),
        ...(o.sequence !== undefined ? { sequence: o.sequence } : {}),
        ...(o.comment !== undefined ? { comment: o.comment } : {}),
        ...(o.sortOrder !== undefined ? { sortOrder: o.sortOrder } : {}),
      });
      extras.set(key, mc);
    }
    const table = new TableImpl(tableName, registry.metadata, cols, ...(options.tableArgs ?? []));
    if (table.primaryKeyColumns.length === 0) {
      throw new ArgumentError(`Base.model("${tableName}"): a mapped table needs a primary key (mappedColumn(…, { primaryKey: true }))`);
    }
    const Model = class extends ModelRoot {};
    const mapper = new Mapper(Model, table, registry, tableName);
    (mapper as unknown as { _modelClass: unknown })._modelClass = Model;
    Mapper.attach(Model, mapper);
    for (const [key, col] of Object.entries(cols)) {
      const o = extras.get(key)!.options;
      const prop = new ColumnProperty(key, col, (o.deferred ?? false) || (o.deferredRaiseload ?? false), o.deferredRaiseload ?? false, o.defaultFactory);
      const attr = new InstrumentedAttribute(key, col, Model);
      mapper.addColumnProperty(prop, attr);
      if (o.versionId) mapper.versionProp = prop;
      Object.defineProperty(Model, key, { value: attr, configurable: true, enumerable: false, writable: false });
      defineColumnAccessor(Model.prototype, mapper, key);
    }
    Object.defineProperty(Model, "__table__", { value: table, enumerable: false });
    Object.defineProperty(Model, DISPATCH, { enumerable: false, get: () => mapper.dispatch });
    Object.defineProperty(Model, "_asFromClause", { enumerable: false, value: () => table });
    Object.defineProperty(Model, "_attributeFor", {
      enumerable: false,
      value(this: MappedClass, key: string): ColumnElement<unknown, string> | undefined {
        const v = (this as unknown as Record<string, unknown>)[key];
        return v instanceof InstrumentedAttribute ? v : undefined;
      },
    });
    Object.defineProperty(Model, "_isColumnsClauseProvider", { value: true, enumerable: false });
    Object.defineProperty(Model, "_columnsClauseElements", {
      enumerable: false,
      value(this: MappedClass): readonly ColumnElement<unknown, string>[] {
        const m = (this as unknown as { [MAPPER]: Mapper })[MAPPER];
        return m.defaultLoadProps.map((p) => p.column);
      },
    });
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
    return proxy as ModelClass<C>;
  }
}

/** Adopt a model subclass now (normally automatic on first use). */
export function configureModel(cls: MappedClass): void {
  const m = (cls as unknown as { [MAPPER]?: Mapper })[MAPPER];
  if (!m) throw new ArgumentError(`${cls.name} is not a mapped class`);
  m.registry.mapSubclass(cls, m);
  m.registry.configure();
}

/**
 * Schema objects: MetaData, Table, Column, keys and constraints, Index, Sequence, Identity and
 * Computed (SQLAlchemy's `sqlalchemy.sql.schema`).
 * @module
 */
import { ArgumentError, CircularDependencyError, DuplicateColumnError, InvalidRequestError, NoReferencedColumnError, NoReferencedTableError } from "../errors.js";
import { ClauseElement, ColumnElement, TextClause, type AnyColumn } from "./elements.js";
import { ColumnClause } from "./column.js";
import { TableClause, type ColumnMap, type ForeignKeyRef } from "./selectable.js";
import { NULLTYPE, toType, type JsTypeOf, type TypeArg, type TypeEngine } from "./type-api.js";
import type { DialectName } from "../engine/driver/contract.js";
// A static import, not `await import()`: a dynamic import makes bundlers wrap ddl.ts and every
// module it reaches in lazy initialisers, which costs more bytes than ddl.ts itself.
import { createAllStatements, dropAllStatements, type DdlRunOptions } from "./ddl.js";
import { Integer } from "./types/index.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import type { CompileKw, SQLCompiler } from "./compiler.js";
import { warn } from "../warnings.js";
import type { InspectorBind, ReflectedColumns, ReflectOptions, ReflectTableOptions } from "../engine/reflection/index.js";

/** Which dialects (or a predicate) a DDL element is emitted for (SQLAlchemy 2.0's `ddl_if`). */
export interface DdlIf {
  readonly dialect?: DialectName | readonly DialectName[];
  readonly callable?: (dialect: DialectName) => boolean;
}
function ddlApplies(cond: DdlIf | undefined, dialect: DialectName): boolean {
  if (!cond) return true;
  if (cond.dialect !== undefined) {
    const ds = typeof cond.dialect === "string" ? [cond.dialect] : cond.dialect;
    if (!ds.includes(dialect)) return false;
  }
  return cond.callable ? cond.callable(dialect) : true;
}

/** A client-side default or onupdate: a constant, a function of no arguments, or a SQL expression. */
export type ColumnDefault = unknown | (() => unknown) | ColumnElement<unknown, string> | TextClause;

/**
 * The value of a client-side `default` / `onupdate` for one row: a function is called with the
 * row's parameters by column key as `ctx.currentParameters`, the column being defaulted present
 * as null (SQLAlchemy's `context.get_current_parameters()`); anything else is the value itself.
 * SQL defaults are not values: callers render those inline. @internal
 */
export function clientDefaultValue(d: ColumnDefault, columnKey: string, row: Readonly<Record<string, unknown>> | undefined): unknown {
  if (typeof d !== "function") return d;
  return (d as (ctx: { currentParameters: Readonly<Record<string, unknown>> }) => unknown)({ currentParameters: { ...row, [columnKey]: null } });
}

/**
 * A server-side default: a string (rendered as a quoted literal), `text()`, a SQL expression, or
 * {@link FetchedValue} (the database fills the column by other means, e.g. a trigger).
 */
export type ServerDefault = string | number | boolean | TextClause | ColumnElement<unknown, string> | FetchedValue;

/**
 * A value the database generates by means the table's DDL does not show, such as a trigger
 * (SQLAlchemy's `FetchedValue`): as a `serverDefault`, CREATE TABLE renders no DEFAULT, and the
 * ORM treats the column as generated on INSERT (fetched or expired, per `eagerDefaults`);
 * `serverOnupdate: true` is its `for_update=True` counterpart.
 */
export class FetchedValue {
  readonly isFetchedValue = true;
  /** What this schema-level default is called in errors: it is not a SQL expression. @internal */
  readonly defaultGeneratorName: string = "FetchedValue";
}

/**
 * Options shared by sequences and identity columns (SQLAlchemy's `IdentityOptions`). `cycle:
 * false` renders `NO CYCLE`; `nominvalue` / `nomaxvalue` render `NO MINVALUE` / `NO MAXVALUE`.
 */
export interface IdentityOptions {
  readonly start?: number;
  readonly increment?: number;
  readonly minvalue?: number;
  readonly maxvalue?: number;
  readonly nominvalue?: boolean;
  readonly nomaxvalue?: boolean;
  readonly cycle?: boolean;
  readonly cache?: number;
}

/**
 * `GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY (…)` (SQLAlchemy 1.4's Identity). A column with
 * an Identity is NOT NULL unless it says `nullable: true`.
 */
export class Identity {
  constructor(readonly opts: IdentityOptions & { always?: boolean } = {}) {}
}

/** `GENERATED ALWAYS AS (expr) [STORED]` (SQLAlchemy's Computed). */
export class Computed {
  constructor(readonly sqltext: string | ClauseElement, readonly opts: { persisted?: boolean } = {}) {}
}

/** A named sequence (PostgreSQL): `CREATE SEQUENCE`, `nextval('name')` as a column default. */
export class Sequence {
  metadata: MetaData | undefined;
  /** What this schema-level default is called in errors: `nextValue()` is its SQL expression. @internal */
  readonly defaultGeneratorName = "Sequence";
  /**
   * @param opts.dataType the sequence's type (SQLAlchemy's `data_type`): PostgreSQL renders
   *   `CREATE SEQUENCE name AS <type>`, and `nextValue()` is typed after it (default Integer).
   */
  constructor(
    readonly name: string,
    readonly opts: IdentityOptions & { schema?: string; metadata?: MetaData; dataType?: TypeArg<unknown> } = {},
  ) {
    // Like a Table, a Sequence takes its MetaData's default schema (SQLAlchemy's MetaData(schema=)).
    const schema = opts.schema ?? opts.metadata?.opts.schema;
    if (schema !== opts.schema) this.opts = { ...opts, schema };
    if (opts.metadata) opts.metadata.addSequence(this);
    this.metadata = opts.metadata;
  }
  /**
   * `nextval('name')`: the sequence's next value as an expression (SQLAlchemy's
   * `Sequence.next_value()`), typed Integer.
   * @throws CompileError when compiled for SQLite, which has no sequences.
   */
  nextValue(): NextValue {
    return new NextValue(this);
  }
}

/** `nextval('seq')` (SQLAlchemy's `NextValueFunc`). */
export class NextValue extends ColumnElement<number> {
  readonly kind = "nextValue";
  readonly type: TypeEngine<unknown>;
  constructor(readonly sequence: Sequence) {
    super();
    this.type = sequence.opts.dataType !== undefined ? toType(sequence.opts.dataType) : Integer();
  }
  override get anonBindBase(): string {
    return "nextval";
  }
  override describe(): string {
    return `next value of sequence '${this.sequence.name}'`;
  }
  _compile(c: SQLCompiler, _kw: CompileKw): string {
    return c.visitNextValue(this);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("nextval", this.sequence.opts.schema ?? "", this.sequence.name);
  }
}

/** Options of {@link Column}. */
export interface ColumnOptions {
  /** SQL name when it differs from the attribute key. */
  readonly name?: string;
  /**
   * The attribute key of a column named positionally (`Column("user_name", String, { key: "name" })`,
   * SQLAlchemy's `key=`); in a table's record form the record key is the key.
   */
  readonly key?: string;
  readonly primaryKey?: boolean;
  /** Defaults to `!primaryKey`. */
  readonly nullable?: boolean;
  readonly default?: ColumnDefault;
  readonly onupdate?: ColumnDefault;
  readonly serverDefault?: ServerDefault;
  /** Marks a value the server computes on UPDATE (trigger etc.); fetched after UPDATE. */
  readonly serverOnupdate?: boolean;
  readonly unique?: boolean;
  readonly index?: boolean;
  /**
   * `"auto"` (default): integer single-column primary keys autoincrement. `"ignore_fk"`: as
   * `"auto"`, but a foreign key on the column does not turn it off (SQLAlchemy's
   * `autoincrement="ignore_fk"`).
   */
  readonly autoincrement?: boolean | "auto" | "ignore_fk";
  readonly foreignKey?: string | ForeignKey;
  readonly identity?: Identity;
  readonly computed?: Computed;
  readonly sequence?: Sequence;
  readonly comment?: string;
  /** Column order in CREATE TABLE (lower first; SQLAlchemy 2.0 `sort_order`). */
  readonly sortOrder?: number;
  /** Documentation of the column (SQLAlchemy's `doc=`): never rendered; a mapped attribute shows it as `doc`. */
  readonly doc?: string;
  /** Application data kept with the column (SQLAlchemy's `info=`), copied into {@link ColumnImpl.info}. */
  readonly info?: Readonly<Record<string, unknown>>;
  /**
   * SQLAlchemy's `quote=`: `true` always quotes the name (in DDL and statements), `false` never,
   * unset quotes it when needed (reserved word, not all lower case, not a plain identifier).
   */
  readonly quote?: boolean;
}

/**
 * SQLAlchemy's `Identity._set_parent` checks: the database generates the value, so a server
 * default or `autoincrement: false` contradicts it.
 */
function checkIdentityOptions(opts: ColumnOptions): void {
  if (opts.serverDefault !== undefined || opts.serverOnupdate) {
    throw new ArgumentError("A column with an Identity object cannot specify a server_default or a server_onupdate argument");
  }
  if (opts.autoincrement === false) throw new ArgumentError("A column with an Identity object cannot specify autoincrement=False");
}

/** JS type of a column built from type `A` and options `O` (nullable unless primary key or `nullable: false`). */
export type ColumnJs<A, O> = O extends { primaryKey: true }
  ? O extends { nullable: true } ? JsTypeOf<A> | null : JsTypeOf<A>
  : O extends { nullable: false } ? JsTypeOf<A> : JsTypeOf<A> | null;

/** A table column (SQLAlchemy's `Column`). `T` is the JS type of its values, `K` its key. */
export class ColumnImpl<T = unknown, K extends string = string> extends ColumnClause<T, K> {
  override readonly kind = "column";
  readonly primaryKey: boolean;
  readonly nullable: boolean;
  /** Whether `nullable` was given, so that a table's PRIMARY KEY may still flip it. @internal */
  readonly nullableGiven: boolean;
  readonly default: ColumnDefault | undefined;
  readonly onupdate: ColumnDefault | undefined;
  readonly serverDefault: ServerDefault | undefined;
  readonly serverOnupdate: boolean;
  readonly unique: boolean;
  readonly index: boolean;
  readonly autoincrementOption: boolean | "auto" | "ignore_fk";
  readonly identity: Identity | undefined;
  readonly computed: Computed | undefined;
  readonly sequence: Sequence | undefined;
  readonly comment: string | undefined;
  readonly sortOrder: number;
  /** Documentation given as `doc` (SQLAlchemy's `Column.doc`). */
  readonly doc: string | undefined;
  private _info: Record<string, unknown> | undefined;
  private readonly _fks: ForeignKey[] = [];
  /** Whether the name was given explicitly (otherwise it follows the key the table assigns). */
  readonly explicitName: boolean;

  constructor(typeOrFk: TypeArg<unknown> | ForeignKey, opts: ColumnOptions = {}) {
    const isFk = typeOrFk instanceof ForeignKey;
    super(opts.name ?? "", isFk ? NULLTYPE : typeOrFk, opts.quote === undefined ? {} : { quote: opts.quote });
    this.explicitName = opts.name !== undefined;
    this.primaryKey = opts.primaryKey ?? false;
    if (opts.identity) checkIdentityOptions(opts);
    if (opts.identity && opts.sequence) throw new ArgumentError("An column cannot specify both Identity and Sequence.");
    // SQLAlchemy's Computed._set_parent: the database computes the value, so a server default contradicts it.
    if (opts.computed && (opts.serverDefault !== undefined || opts.serverOnupdate)) {
      throw new ArgumentError("A generated column cannot specify a server_default or a server_onupdate argument");
    }
    // As in SQLAlchemy, an Identity makes a column NOT NULL unless nullability was stated.
    this.nullable = opts.nullable ?? !(this.primaryKey || opts.identity);
    this.nullableGiven = opts.nullable !== undefined;
    this.default = opts.default;
    this.onupdate = opts.onupdate;
    this.serverDefault = opts.serverDefault;
    this.serverOnupdate = opts.serverOnupdate ?? false;
    this.unique = opts.unique ?? false;
    this.index = opts.index ?? false;
    this.autoincrementOption = opts.autoincrement ?? "auto";
    this.identity = opts.identity;
    this.computed = opts.computed;
    this.sequence = opts.sequence;
    this.comment = opts.comment;
    this.sortOrder = opts.sortOrder ?? 0;
    this.doc = opts.doc;
    if (opts.info !== undefined) this._info = { ...opts.info };
    if (isFk) this.addForeignKey(typeOrFk);
    if (opts.foreignKey) this.addForeignKey(typeof opts.foreignKey === "string" ? new ForeignKey(opts.foreignKey) : opts.foreignKey);
  }
  /**
   * Application data of the column (SQLAlchemy's `SchemaItem.info`): a mutable record, created
   * empty on first access when no `info` was given, the same object on every read.
   */
  get info(): Record<string, unknown> {
    return (this._info ??= {});
  }
  /** @internal */
  addForeignKey(fk: ForeignKey): void {
    fk.attach(this);
    this._fks.push(fk);
  }
  /** The column's foreign keys. */
  get foreignKeys(): readonly ForeignKey[] {
    return this._fks;
  }
  override get type(): TypeEngine<unknown> {
    if (this._type === NULLTYPE && this._fks.length) {
      const target = this._fks[0].target;
      if (target) this._type = target.type;
    }
    return this._type;
  }
  /** The owning Table (throws when the column was never added to one). */
  get parentTable(): Table {
    if (!(this.table instanceof TableImpl)) throw new InvalidRequestError(`Column '${this.name}' is not attached to a Table`);
    return this.table;
  }
  /** Whether values are generated by the database on INSERT when omitted (SERIAL / rowid / identity). */
  get autoincrement(): boolean {
    if (this.autoincrementOption === true) return true;
    if (this.autoincrementOption === false || !this.primaryKey) return false;
    const t = this.table;
    if (!(t instanceof TableImpl)) return false;
    const pk = t.primaryKeyColumns;
    return pk.length === 1 && pk[0] === this && this.type.affinity === "integer" && (this._fks.length === 0 || this.autoincrementOption === "ignore_fk") && this.default === undefined && this.serverDefault === undefined;
  }
  /**
   * Mark as part of the table's primary key; NOT NULL unless `nullable` was given, as
   * SQLAlchemy's PrimaryKeyConstraint does. @internal
   */
  markPrimaryKey(): void {
    (this as { primaryKey: boolean }).primaryKey = true;
    if (!this.nullableGiven) (this as { nullable: boolean }).nullable = false;
  }
  /** Set the key/name the table assigns from its record key. @internal */
  bindKey(key: string): void {
    this._colKey = key;
    if (!this.explicitName) (this as { name: string }).name = key;
  }
}

/** Factory with and without `new`: `Column(Integer, { primaryKey: true })`. */
export interface ColumnFactory {
  <A extends TypeArg<unknown>, const O extends ColumnOptions = {}>(type: A, opts?: O): ColumnImpl<ColumnJs<A, O>>;
  /* ForeignKey overloads: `T` comes from `ForeignKey(users.c.id)` or is given (`Column<number>(…)`).
     The NOT NULL overload needs no options type parameter, so giving only `T` still reads them. */
  <T = unknown>(fk: ForeignKey<T>, opts: ColumnOptions & NotNullColumnOptions): ColumnImpl<ForeignKeyJs<T>>;
  <T = unknown, const O extends ColumnOptions = {}>(fk: ForeignKey<T>, opts?: O): ColumnImpl<ColumnJs<TypeArg<ForeignKeyJs<T>>, O>>;
  new <A extends TypeArg<unknown>, const O extends ColumnOptions = {}>(type: A, opts?: O): ColumnImpl<ColumnJs<A, O>>;
  new <T = unknown>(fk: ForeignKey<T>, opts: ColumnOptions & NotNullColumnOptions): ColumnImpl<ForeignKeyJs<T>>;
  new <T = unknown, const O extends ColumnOptions = {}>(fk: ForeignKey<T>, opts?: O): ColumnImpl<ColumnJs<TypeArg<ForeignKeyJs<T>>, O>>;
  /* SQLAlchemy's positional form: the name (the key too, unless `key` is given) comes first. */
  <const N extends string, A extends TypeArg<unknown>, const O extends ColumnOptions = {}>(name: N, type: A, opts?: O): ColumnImpl<ColumnJs<A, O>, PositionalKey<N, O>>;
  <const N extends string, A extends TypeArg<unknown>, const O extends ColumnOptions = {}>(name: N, type: A, ...itemsThenOptions: [...ColumnItem[], O]): ColumnImpl<ColumnJs<A, O>, PositionalKey<N, O>>;
  <const N extends string, A extends TypeArg<unknown>>(name: N, type: A, ...items: ColumnItem[]): ColumnImpl<ColumnJs<A, {}>, N>;
  <const N extends string, T = unknown, const O extends ColumnOptions = {}>(name: N, fk: ForeignKey<T>, opts?: O): ColumnImpl<ColumnJs<TypeArg<ForeignKeyJs<T>>, O>, PositionalKey<N, O>>;
  new <const N extends string, A extends TypeArg<unknown>, const O extends ColumnOptions = {}>(name: N, type: A, opts?: O): ColumnImpl<ColumnJs<A, O>, PositionalKey<N, O>>;
  new <const N extends string, A extends TypeArg<unknown>, const O extends ColumnOptions = {}>(name: N, type: A, ...itemsThenOptions: [...ColumnItem[], O]): ColumnImpl<ColumnJs<A, O>, PositionalKey<N, O>>;
  new <const N extends string, A extends TypeArg<unknown>>(name: N, type: A, ...items: ColumnItem[]): ColumnImpl<ColumnJs<A, {}>, N>;
  new <const N extends string, T = unknown, const O extends ColumnOptions = {}>(name: N, fk: ForeignKey<T>, opts?: O): ColumnImpl<ColumnJs<TypeArg<ForeignKeyJs<T>>, O>, PositionalKey<N, O>>;
  readonly prototype: ColumnImpl;
}
/** The key of a positionally named column: `key` when the options give one, else the name. */
export type PositionalKey<N extends string, O> = O extends { readonly key: infer K extends string } ? K : N;
/** Options that make a column NOT NULL (`nullable: false`, or a primary key not marked nullable). */
export type NotNullColumnOptions = { readonly nullable: false } | { readonly primaryKey: true; readonly nullable?: false };
/**
 * JS type of a column referencing a column of type `T`: the target's type without its NULL
 * (the referencing column's own options decide nullability); unknown stays unknown.
 */
export type ForeignKeyJs<T> = unknown extends T ? unknown : NonNullable<T>;
/**
 * `Column(type, options)`: a table column. Nullable unless `primaryKey` or `nullable: false`,
 * and the JS type follows (`string | null` for a nullable `String`). Pass a `ForeignKey` as the
 * type to take the referenced column's type: its SQL type when the table is built, its JS type
 * from `ForeignKey(users.c.id)` (a "table.column" string gives `unknown`; state it with
 * `Column<number>(ForeignKey("users.id"))`).
 */
export const Column = function Column(first: string | TypeArg<unknown> | ForeignKey, ...rest: unknown[]) {
  if (typeof first !== "string") return new ColumnImpl(first, rest[0] as ColumnOptions | undefined);
  return positionalColumn(first, rest);
} as unknown as ColumnFactory;

/** A schema item SQLAlchemy's `Column()` takes positionally after the name and type. */
export type ColumnItem = ForeignKey | Identity | Sequence | Computed;

/**
 * SQLAlchemy's positional form, `Column("id", Integer, ForeignKey("users.id"), { nullable: false })`:
 * the SQL name first (also the key, unless `key` is given), then the type or a ForeignKey, then
 * ForeignKey / Identity / Sequence / Computed items, then at most one options object.
 * @throws ArgumentError naming the column for a missing type or an argument of another kind.
 */
function positionalColumn(name: string, rest: readonly unknown[]): ColumnImpl {
  const [typeOrFk, ...items] = rest;
  if (typeOrFk === undefined) throw new ArgumentError(`Column '${name}': a type or ForeignKey is required after the name`);
  let opts: ColumnOptions = {};
  const fks: ForeignKey[] = [];
  items.forEach((item, i) => {
    if (item instanceof ForeignKey) fks.push(item);
    else if (item instanceof Identity) opts = { ...opts, identity: item };
    else if (item instanceof Sequence) opts = { ...opts, sequence: item };
    else if (item instanceof Computed) opts = { ...opts, computed: item };
    else if (i === items.length - 1 && item !== null && typeof item === "object" && !(item instanceof ClauseElement)) opts = { ...opts, ...(item as ColumnOptions) };
    else throw new ArgumentError(`Column '${name}': argument ${i + 3} is not a ForeignKey, Identity, Sequence, Computed or an options object (the options come last)`);
  });
  const col = new ColumnImpl(typeOrFk as TypeArg<unknown> | ForeignKey, { ...opts, name: opts.name ?? name });
  col.bindKey(opts.key ?? name);
  for (const fk of fks) col.addForeignKey(fk);
  return col;
}
(Column as { prototype: unknown }).prototype = ColumnImpl.prototype;
/** A table column with JS type `T` and key `K`. */
export type Column<T = unknown, K extends string = string> = ColumnImpl<T, K>;

// ---------------------------------------------------------------------------------------------
// constraints

/** Options every table constraint takes (SQLAlchemy's `Constraint(name, deferrable, initially)`). */
export interface ConstraintOptions {
  /** The name; a {@link conv} name is taken as final, past any naming convention. */
  readonly name?: ConstraintName;
  /** `DEFERRABLE` (true) or `NOT DEFERRABLE` (false) after the constraint. */
  readonly deferrable?: boolean;
  /** `INITIALLY <value>`, e.g. "DEFERRED" or "IMMEDIATE". */
  readonly initially?: string;
  /** Attach to this table now (SQLAlchemy's `table=` argument). */
  readonly table?: Table;
  /** PostgreSQL covering columns of a PRIMARY KEY or UNIQUE (`INCLUDE (…)`, SQLAlchemy's `postgresql_include`). */
  readonly postgresqlInclude?: readonly (string | AnyColumn)[];
  /** PostgreSQL `UNIQUE NULLS NOT DISTINCT` (true) or `NULLS DISTINCT` (false) (`postgresql_nulls_not_distinct`). */
  readonly postgresqlNullsNotDistinct?: boolean;
  /** PostgreSQL `NOT VALID` after a CHECK or FOREIGN KEY (`postgresql_not_valid`). */
  readonly postgresqlNotValid?: boolean;
}

/** The PostgreSQL-only options of a constraint. */
export type PostgresqlConstraintOptions = Pick<ConstraintOptions, "postgresqlInclude" | "postgresqlNullsNotDistinct" | "postgresqlNotValid">;

/** Base of table constraints. */
export abstract class Constraint implements ConventionNamed {
  table: Table | undefined;
  ddlIfCondition: DdlIf | undefined;
  readonly deferrable: boolean | undefined;
  readonly initially: string | undefined;
  /** The name: as given, or made by the MetaData's naming convention when attached to a table. */
  name: string | undefined;
  /** Whether the name is final (a {@link conv} or convention name), which DDL may truncate. */
  nameIsConv: boolean;
  /** A convention name waits for a foreign key's referred table; it is made at compile time. @internal */
  conventionPending = false;
  /** The naming convention key of this kind of constraint ("pk", "uq", "ck", "fk"). @internal */
  abstract readonly conventionKey: ConventionKey;
  /** Options only PostgreSQL renders. */
  readonly postgresql: PostgresqlConstraintOptions;
  constructor(name?: ConstraintName, opts: ConstraintOptions = {}) {
    this.name = name instanceof Conv ? name.value : name;
    this.nameIsConv = name instanceof Conv;
    this.deferrable = opts.deferrable;
    this.initially = opts.initially;
    this.postgresql = { postgresqlInclude: opts.postgresqlInclude, postgresqlNullsNotDistinct: opts.postgresqlNullsNotDistinct, postgresqlNotValid: opts.postgresqlNotValid };
  }
  /** The columns naming-convention tokens (`column_0_name` …) read. @internal */
  get conventionColumns(): readonly ColumnImpl[] {
    return [];
  }
  /**
   * Attach to the table of the Column objects the constraint was built from, when they all
   * belong to one (SQLAlchemy's `_autoattach`), so that the table lists it and names it.
   */
  protected autoAttach(): void {
    const tables = new Set(this.conventionColumns.map((c) => c.table));
    const [t] = tables;
    if (tables.size === 1 && t instanceof TableImpl && this.conventionColumns.length) t.appendConstraint(this);
  }
  /** Emit this constraint's DDL only for some dialects (SQLAlchemy 2.0 `ddl_if`). */
  ddlIf(cond: DdlIf): this {
    this.ddlIfCondition = cond;
    return this;
  }
  /** Whether it is emitted for `dialect`. @internal */
  appliesTo(dialect: DialectName): boolean {
    return ddlApplies(this.ddlIfCondition, dialect);
  }
  /** @internal */
  attach(table: Table): void {
    this.table = table;
  }
  /**
   * Attach to `table` when given (SQLAlchemy's `table=`). Subclasses call it last in their
   * constructor, once their own fields are set.
   */
  protected attachToOwnTable(table: Table | undefined): void {
    if (table) table.appendConstraint(this);
  }
  /** Column objects or expressions the constraint was built from (for {@link ownerTable}). @internal */
  protected get specElements(): readonly unknown[] {
    return [];
  }
  /**
   * The table this constraint belongs to: the one it is attached to, else the table of the
   * Column objects (or expression) it was built from, as SQLAlchemy attaches such constraints.
   */
  get ownerTable(): Table | undefined {
    return this.table ?? this.specElements.map((c) => (typeof c === "string" ? undefined : tableOfExpression(c, 0))).find((t) => t !== undefined);
  }
  protected resolveColumns(cols: readonly (string | AnyColumn)[], table: Table, what: string): ColumnImpl[] {
    return cols.map((c) => {
      if (typeof c !== "string") return c as ColumnImpl;
      const col = table.columnByNameOrKey(c);
      if (!col) throw new ArgumentError(`Can't create ${what} on table '${table.name}': no column named '${c}' is present.`);
      return col;
    });
  }
}

/** Before attachment, the Column objects among a constraint's specs (names resolve on attach). */
function unattachedColumns(specs: readonly (string | AnyColumn)[]): ColumnImpl[] {
  return specs.filter((c): c is ColumnImpl => c instanceof ColumnImpl);
}

/** `PRIMARY KEY (cols)`. */
export class PrimaryKeyConstraint extends Constraint {
  readonly conventionKey = "pk";
  private _cols: ColumnImpl[] = [];
  constructor(readonly columnSpecs: readonly (string | AnyColumn)[] = [], opts: ConstraintOptions = {}) {
    super(opts.name, opts);
    this.attachToOwnTable(opts.table);
  }
  protected override get specElements(): readonly unknown[] {
    return this.columnSpecs;
  }
  get columns(): readonly ColumnImpl[] {
    return this.table ? this._cols : unattachedColumns(this.columnSpecs);
  }
  override get conventionColumns(): readonly ColumnImpl[] {
    return this.columns;
  }
  override attach(table: Table): void {
    super.attach(table);
    this._cols = this.resolveColumns(this.columnSpecs, table, "PrimaryKeyConstraint");
  }
  /** @internal */
  setColumns(cols: ColumnImpl[]): void {
    this._cols = cols;
  }
}

/** `UNIQUE (cols)`. */
export class UniqueConstraint extends Constraint {
  readonly conventionKey = "uq";
  private _cols: ColumnImpl[] = [];
  readonly columnSpecs: readonly (string | AnyColumn)[];
  /**
   * Built from a table's Column objects, the constraint attaches to that table at once (and
   * takes its convention name), as in SQLAlchemy; from names, it waits for `table` or the Table.
   */
  constructor(...args: (string | AnyColumn | ConstraintOptions)[]) {
    const last = args[args.length - 1];
    const opts = typeof last === "object" && last !== null && !(last instanceof ClauseElement) ? (args.pop() as ConstraintOptions) : {};
    super(opts.name, opts);
    this.columnSpecs = args as (string | AnyColumn)[];
    this.attachToOwnTable(opts.table);
    if (!this.table) this.autoAttach();
  }
  override get conventionColumns(): readonly ColumnImpl[] {
    return this.columns;
  }
  protected override get specElements(): readonly unknown[] {
    return this.columnSpecs;
  }
  get columns(): readonly ColumnImpl[] {
    return this.table ? this._cols : unattachedColumns(this.columnSpecs);
  }
  override attach(table: Table): void {
    super.attach(table);
    this._cols = this.resolveColumns(this.columnSpecs, table, "UniqueConstraint");
  }
}

/** `CHECK (sqltext)`. */
export class CheckConstraint extends Constraint {
  readonly conventionKey = "ck";
  /**
   * An expression over one table's columns attaches the constraint to that table at once (and
   * names it by the convention), as SQLAlchemy's CheckConstraint does.
   * @throws InvalidRequestError when it attaches and the convention needs a name it lacks.
   */
  constructor(readonly sqltext: string | ClauseElement, opts: ConstraintOptions = {}) {
    super(opts.name, opts);
    this.attachToOwnTable(opts.table);
    if (!this.table) this.autoAttach();
  }
  /** The table columns the expression reads. */
  override get conventionColumns(): readonly ColumnImpl[] {
    return typeof this.sqltext === "string" ? [] : columnsOfExpression(this.sqltext);
  }
  protected override get specElements(): readonly unknown[] {
    return [this.sqltext];
  }
}

/**
 * Referential actions for ON DELETE / ON UPDATE. PostgreSQL also takes a column list after
 * SET NULL / SET DEFAULT on delete (`"SET NULL (col)"`); anything else raises CompileError.
 */
export type ReferentialAction = "CASCADE" | "SET NULL" | "SET DEFAULT" | "RESTRICT" | "NO ACTION" | (string & {});

/** Options of {@link ForeignKey} and {@link ForeignKeyConstraint}. */
export interface ForeignKeyOptions {
  /** The constraint name; a {@link conv} name is taken as final, past any naming convention. */
  readonly name?: ConstraintName;
  readonly onDelete?: ReferentialAction;
  readonly onUpdate?: ReferentialAction;
  readonly deferrable?: boolean;
  readonly initially?: "DEFERRED" | "IMMEDIATE";
  /** `MATCH <value>` (e.g. "FULL", "SIMPLE"), rendered before ON DELETE as in SQLAlchemy. */
  readonly match?: string;
  /** Attach a ForeignKeyConstraint to this table now (SQLAlchemy's `table=` argument). */
  readonly table?: Table;
  /** Emit the constraint with ALTER TABLE after both tables exist (for cycles). */
  readonly useAlter?: boolean;
  /** PostgreSQL `NOT VALID` (SQLAlchemy's `postgresql_not_valid`). */
  readonly postgresqlNotValid?: boolean;
}

/** `FOREIGN KEY(cols) REFERENCES table (cols)`, possibly composite. */
export class ForeignKeyConstraint extends Constraint {
  readonly conventionKey = "fk";
  readonly elements: ForeignKey[] = [];
  constructor(
    readonly columnSpecs: readonly (string | AnyColumn)[],
    readonly refColumns: readonly (string | AnyColumn)[],
    readonly opts: ForeignKeyOptions = {},
  ) {
    super(opts.name, opts);
    if (columnSpecs.length !== refColumns.length) {
      throw new ArgumentError("ForeignKeyConstraint number of constrained columns must match the number of referenced columns.");
    }
    if (new Set(columnSpecs).size !== columnSpecs.length) {
      throw new ArgumentError("ForeignKeyConstraint with duplicate source column references are not supported.");
    }
    this.attachToOwnTable(opts.table);
  }
  override attach(table: Table): void {
    super.attach(table);
    if (this.elements.length) return;
    const cols = this.resolveColumns(this.columnSpecs, table, "ForeignKeyConstraint");
    cols.forEach((col, i) => {
      const fk = new ForeignKey(this.refColumns[i], this.opts, this);
      fk.attach(col);
      (col as unknown as { _fks: ForeignKey[] })._fks.push(fk);
      this.elements.push(fk);
    });
  }
  /** The referencing columns. */
  protected override get specElements(): readonly unknown[] {
    return this.columnSpecs;
  }
  get columns(): readonly ColumnImpl[] {
    return this.elements.map((e) => e.parent);
  }
  override get conventionColumns(): readonly ColumnImpl[] {
    return this.columns;
  }
  /** The referenced table, once resolvable. */
  get referredTable(): Table | undefined {
    return this.elements[0]?.target?.table as Table | undefined;
  }
}

/**
 * SQLAlchemy's ForeignKey argument checks. ORM attributes (`User.id`) are ClauseElements that
 * stand for their column and pass.
 */
function checkForeignKeyTarget(spec: unknown): void {
  if (!(spec instanceof ClauseElement) || spec.kind === "bindparam") {
    const got = spec instanceof ClauseElement ? spec.describe() : typeof spec;
    throw new ArgumentError(`String column name or Column object for DDL foreign key constraint expected, got ${got}`);
  }
  if (spec instanceof ColumnClause && spec.table && !(spec.table instanceof TableClause)) {
    throw new ArgumentError(`ForeignKey received Column not bound to a Table, got: ${spec.table.describe()}`);
  }
}

/**
 * `ForeignKey("table.column")` or `ForeignKey(otherTable.c.id)`: a reference from a column.
 * String targets resolve through the MetaData when first needed.
 */
export class ForeignKey<T = unknown> implements ForeignKeyRef {
  /**
   * Phantom: JS type of the referenced column (`unknown` for a "table.column" string). Typed as
   * a method parameter so it is bivariant: `Column<number>(ForeignKey("t.id"))` may state the
   * type of an unresolved target, and any ForeignKey fits where `ForeignKey` is expected, while
   * `ForeignKey<string>` still does not fit `ForeignKey<number>`.
   */
  declare readonly __targetJs: { check(value: T): void }["check"];
  private _parent?: ColumnImpl;
  private _target?: ColumnImpl;
  readonly spec: string | AnyColumn;
  readonly opts: ForeignKeyOptions;
  constraint: ForeignKeyConstraint;
  /**
   * @throws ArgumentError when `spec` is neither a "table.column" string nor a column (e.g. a
   *   bound parameter), or is a column of an alias or subquery rather than of a table.
   */
  constructor(spec: string | ColumnElement<T, string>, opts: ForeignKeyOptions = {}, constraint?: ForeignKeyConstraint) {
    if (typeof spec !== "string") checkForeignKeyTarget(spec);
    this.spec = spec;
    this.opts = opts;
    this.constraint = constraint ?? (undefined as unknown as ForeignKeyConstraint);
    if (typeof spec !== "string") this._target = spec as ColumnImpl;
  }
  /** @internal */
  attach(col: ColumnImpl): void {
    this._parent = col;
  }
  get parent(): ColumnImpl {
    if (!this._parent) throw new InvalidRequestError(`ForeignKey(${this.describeSpec()}) is not attached to a column`);
    return this._parent;
  }
  /** "table.column" text of the reference. */
  describeSpec(): string {
    return typeof this.spec === "string" ? this.spec : `${(this.spec as ColumnImpl).table?.describeName()}.${(this.spec as ColumnImpl).name}`;
  }
  /** The referenced column; undefined while its table is not in the MetaData yet. */
  get target(): ColumnImpl | undefined {
    if (this._target) return this._target;
    if (typeof this.spec !== "string") return undefined;
    const md = (this._parent?.table as Table | undefined)?.metadata;
    if (!md) return undefined;
    const dot = this.spec.lastIndexOf(".");
    if (dot < 0) throw new ArgumentError(`ForeignKey("${this.spec}"): expected "table.column"`);
    const tname = this.spec.slice(0, dot);
    const cname = this.spec.slice(dot + 1);
    // An unqualified name refers to the MetaData's default schema first (SQLAlchemy's
    // `_resolve_col_tokens`), then to a table without a schema.
    const t = (md.opts.schema && !tname.includes(".") ? md.tables.get(`${md.opts.schema}.${tname}`) : undefined) ?? md.tables.get(tname);
    if (!t) return undefined;
    const c = t.columnByNameOrKey(cname);
    if (!c) {
      const parent = (this._parent?.table as Table | undefined)?.name;
      throw new NoReferencedColumnError(
        `Could not initialize target column for ForeignKey '${this.spec}' on table '${parent}': table '${tname}' has no column named '${cname}'`,
        tname,
        cname,
      );
    }
    return (this._target = c);
  }
  /** A "table.column" string resolves through the parent column's table's MetaData, so both must exist. */
  private checkParentTable(): void {
    if (!this._parent) throw new InvalidRequestError("this ForeignKey object does not yet have a parent Column associated with it.");
    if (!(this._parent.table instanceof TableImpl)) throw new InvalidRequestError("this ForeignKey's parent column is not yet associated with a Table.");
  }
  /**
   * Like `target`, but raises when unresolvable (SQLAlchemy's `ForeignKey.column`).
   * @throws InvalidRequestError for a "table.column" string whose ForeignKey has no parent
   *   column yet, or whose column has no table yet.
   * @throws NoReferencedTableError when the referenced table is not in the MetaData;
   *   NoReferencedColumnError when it has no such column (both InvalidRequestErrors, as SQLAlchemy's).
   */
  get column(): ColumnImpl {
    if (typeof this.spec === "string") this.checkParentTable();
    const t = this.target;
    if (!t) {
      const spec = this.describeSpec();
      const dot = spec.lastIndexOf(".");
      const parent = this._parent;
      const parentName = parent ? `${(parent.table as Table | undefined)?.name ?? ""}.${parent.name}` : "";
      throw new NoReferencedTableError(
        `Foreign key associated with column '${parentName}' could not find table '${spec.slice(0, dot)}' with which to generate a foreign key to target column '${spec.slice(dot + 1)}'`,
        spec.slice(0, dot),
      );
    }
    return t;
  }
}

/**
 * The Table a column expression reads from, found through its sub-expressions (`lower(t.c.x)`,
 * `t.c.x.desc()`), as SQLAlchemy's Index finds its table from `_col_expressions`.
 */
function tableOfExpression(e: unknown, depth: number): TableImpl | undefined {
  if (e instanceof ColumnClause && e.table instanceof TableImpl) return e.table;
  if (depth > 6 || e === null || typeof e !== "object") return undefined;
  const parts = Array.isArray(e) ? e : e instanceof ClauseElement ? Object.values(e) : [];
  for (const p of parts) {
    if (!(p instanceof ClauseElement) && !Array.isArray(p)) continue;
    const t = tableOfExpression(p, depth + 1);
    if (t) return t;
  }
  return undefined;
}

/**
 * Options of {@link Index}. The generic `where` and the dialect's own `postgresqlWhere` /
 * `sqliteWhere` make a partial index; the other `postgresql*` options are SQLAlchemy's
 * `postgresql_using`, `postgresql_ops`, `postgresql_include`, `postgresql_with`,
 * `postgresql_tablespace`, `postgresql_nulls_not_distinct` and `postgresql_concurrently`,
 * rendered by PostgreSQL only.
 */
export interface IndexOptions {
  readonly unique?: boolean;
  /** The partial-index predicate on every dialect. */
  readonly where?: ClauseElement;
  /** The predicate on PostgreSQL only (wins over `where` there). */
  readonly postgresqlWhere?: ClauseElement;
  /** The predicate on SQLite only (wins over `where` there). */
  readonly sqliteWhere?: ClauseElement;
  /** Index method (`USING btree|hash|gist|gin|…`), rendered lower case. */
  readonly postgresqlUsing?: string;
  /** Operator class per element, by column key or label name: `{ data: "text_pattern_ops" }`. */
  readonly postgresqlOps?: Readonly<Record<string, string>>;
  /** Covering columns (`INCLUDE (…)`), by name or Column. */
  readonly postgresqlInclude?: readonly (string | AnyColumn)[];
  /** Storage parameters (`WITH (fillfactor = 50)`); `null` renders the bare name, booleans true/false. */
  readonly postgresqlWith?: Readonly<Record<string, string | number | boolean | null>>;
  readonly postgresqlTablespace?: string;
  /** `NULLS NOT DISTINCT` (true) or `NULLS DISTINCT` (false). */
  readonly postgresqlNullsNotDistinct?: boolean;
  /** `CREATE INDEX CONCURRENTLY` / `DROP INDEX CONCURRENTLY`. */
  readonly postgresqlConcurrently?: boolean;
}

/** An index element: a column name, a column or expression, or `text()`. */
export type IndexElement = string | AnyColumn | TextClause;

function isIndexOptions(x: unknown): x is IndexOptions {
  return typeof x === "object" && x !== null && !(x instanceof ClauseElement) && !Array.isArray(x);
}

/** `CREATE [UNIQUE] INDEX name ON table (cols)`. */
export class Index implements ConventionNamed {
  table: Table | undefined;
  ddlIfCondition: DdlIf | undefined;
  readonly conventionKey = "ix";
  /** The name: as given, or made by the MetaData's naming convention (`ix`) when attached. */
  name: string | undefined;
  nameIsConv: boolean;
  /** @internal */
  conventionPending = false;
  readonly expressions: readonly IndexElement[];
  readonly unique: boolean;
  readonly where: ClauseElement | undefined;
  readonly opts: IndexOptions;
  /**
   * `Index(name, ...expressions, options?)`. A `null` name takes the MetaData's `ix` naming
   * convention when the index reaches its table (found through the expressions' columns).
   */
  constructor(name: string | Conv | null | undefined, ...args: (IndexElement | IndexOptions)[]) {
    const opts = isIndexOptions(args[args.length - 1]) ? (args.pop() as IndexOptions) : {};
    this.name = name instanceof Conv ? name.value : (name ?? undefined);
    this.nameIsConv = name instanceof Conv;
    this.expressions = args as IndexElement[];
    this.opts = opts;
    this.unique = opts.unique ?? false;
    this.where = opts.where;
    for (const e of this.expressions) {
      const t = typeof e === "string" ? undefined : tableOfExpression(e, 0);
      if (t) {
        t.addIndex(this);
        break;
      }
    }
  }
  /** Emit only for some dialects (SQLAlchemy 2.0's `Index.ddl_if`). */
  ddlIf(cond: DdlIf): this {
    this.ddlIfCondition = cond;
    return this;
  }
  appliesTo(dialect: DialectName): boolean {
    return ddlApplies(this.ddlIfCondition, dialect);
  }
  /** Resolved index expressions: column names become the table's Column objects. */
  columns(): (AnyColumn | TextClause)[] {
    const t = this.table;
    return this.expressions.map((e) => {
      if (typeof e !== "string") return e;
      const c = t?.columnByNameOrKey(e);
      if (!c) throw new ArgumentError(`Can't create Index on table '${t?.name}': no column named '${e}' is present.`);
      return c;
    });
  }
  /** The table columns the expressions read (SQLAlchemy's `Index.columns`), for naming tokens. @internal */
  get conventionColumns(): readonly ColumnImpl[] {
    const out: ColumnImpl[] = [];
    for (const e of this.table ? this.columns() : this.expressions) for (const c of columnsOfExpression(e)) if (!out.includes(c)) out.push(c);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// naming conventions

/**
 * A name that naming conventions leave alone and DDL may truncate to the dialect's identifier
 * length (SQLAlchemy's `conv`).
 */
export class Conv {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}
/** Mark a constraint or index name as final (SQLAlchemy's `sqlalchemy.sql.naming.conv`). */
export function conv(name: string): Conv {
  return new Conv(name);
}
/** A constraint or index name: plain, or final with {@link conv}. */
export type ConstraintName = string | Conv;

/** Keys of naming-convention templates: index, unique, check, foreign key, primary key. */
export type ConventionKey = "ix" | "uq" | "ck" | "fk" | "pk";
/** A custom token: computed from the constraint (or index) and its table. */
export type ConventionToken = (constraint: Constraint | Index, table: Table) => string;
/**
 * SQLAlchemy's `MetaData(naming_convention=)`: templates per kind with `%(token)s` tokens
 * (`table_name`, `constraint_name`, `column_0_name` / `_key` / `_label`, `column_0N_name`
 * (joined), `column_0_N_name` (joined by "_"), `referred_table_name`, `referred_column_0_name`)
 * plus custom tokens given as functions.
 */
export type NamingConvention = { readonly [K in ConventionKey]?: string } & { readonly [token: string]: string | ConventionToken | undefined };

/** SQLAlchemy's `DEFAULT_NAMING_CONVENTION`: only indexes are named. */
export const DEFAULT_NAMING_CONVENTION: NamingConvention = { ix: "ix_%(column_0_label)s" };

/** What naming conventions read and write on a constraint or index. @internal */
export interface ConventionNamed {
  name: string | undefined;
  nameIsConv: boolean;
  conventionPending: boolean;
  readonly conventionKey: ConventionKey;
  readonly conventionColumns: readonly ColumnImpl[];
}

/** Columns of an expression that belong to a Table, in order of appearance. */
function columnsOfExpression(e: unknown, out: ColumnImpl[] = [], depth = 0): ColumnImpl[] {
  if (e instanceof ColumnImpl) {
    if (!out.includes(e)) out.push(e);
    return out;
  }
  if (depth > 6 || e === null || typeof e !== "object") return out;
  const parts = Array.isArray(e) ? e : e instanceof ClauseElement ? Object.values(e) : [];
  for (const p of parts) if (p instanceof ClauseElement || Array.isArray(p)) columnsOfExpression(p, out, depth + 1);
  return out;
}

/** A column's label in DDL names: `[schema_]table_column`, as SQLAlchemy's `_ddl_label`. */
function ddlLabel(col: ColumnImpl): string {
  const t = col.table;
  if (!(t instanceof TableImpl)) return col.name;
  return `${t.schema ? `${t.schema.replace(/\./g, "_")}_` : ""}${t.name}_${col.name}`;
}

const CONSTRAINT_NAME_REQUIRED = "Naming convention including %(constraint_name)s token requires that constraint is explicitly named.";

/** The referenced table's name as the foreign key spells it (`schema.table.col` → `table`). */
function referredTableName(fkc: ForeignKeyConstraint): string {
  const fk = fkc.elements[0];
  if (!fk) return "";
  if (typeof fk.spec !== "string") return (fk.spec as ColumnImpl).table?.describeName().split(".").pop() ?? "";
  const parts = fk.spec.split(".");
  return parts[parts.length - 2] ?? "";
}

/** A `column_X_*` / `referred_column_X_name` token for element `i` ("" past the end). */
function columnToken(named: ConventionNamed, referred: boolean, attr: string, i: number): string {
  if (referred) {
    const fk = (named as ForeignKeyConstraint).elements?.[i];
    return fk ? fk.column.name : "";
  }
  const col = named.conventionColumns[i];
  if (!col) return "";
  return attr === "key" ? col.key : attr === "label" ? ddlLabel(col) : col.name;
}

/** The value of one `%(token)s` (SQLAlchemy's `ConventionDict.__getitem__`). */
function conventionTokenValue(named: ConventionNamed, table: Table, nc: NamingConvention, key: string): string {
  const custom = nc[key];
  if (typeof custom === "function") return custom(named as Constraint | Index, table);
  if (key === "table_name") return table.name;
  if (key === "constraint_name") {
    if (named.name === undefined) throw new InvalidRequestError(CONSTRAINT_NAME_REQUIRED);
    return named.name;
  }
  if (key === "referred_table_name") return named instanceof ForeignKeyConstraint ? referredTableName(named) : "";
  const m = /^(referred_)?column_(\d+)(_?N)?_(name|key|label)$/.exec(key);
  if (!m || (m[1] && m[4] !== "name")) throw new ArgumentError(`Naming convention token '${key}' is not known`);
  const referred = m[1] !== undefined;
  if (!m[3]) return columnToken(named, referred, m[4], Number(m[2]));
  const count = referred ? (named as ForeignKeyConstraint).elements.length : named.conventionColumns.length;
  const tokens = Array.from({ length: count }, (_, i) => columnToken(named, referred, m[4], i));
  return tokens.join(m[3].startsWith("_") ? "_" : "");
}

/**
 * The convention name of a constraint or index on `table`, or undefined when the convention
 * has no template for its kind or keeps its given name (SQLAlchemy's
 * `_constraint_name_for_table`).
 * @throws InvalidRequestError when the template has `%(constraint_name)s` and the constraint no name.
 */
export function conventionName(named: ConventionNamed, table: Table): string | undefined {
  if (named.nameIsConv) return undefined;
  const nc = table.metadata.namingConvention;
  const template = nc[named.conventionKey];
  if (typeof template !== "string") return undefined;
  if (named.name !== undefined && !template.includes("constraint_name")) return undefined;
  return template.replace(/%\(([^)]+)\)s|%%/g, (m: string, key: string | undefined) => (key === undefined ? "%" : conventionTokenValue(named, table, nc, key)));
}

/**
 * Name a constraint or index by its table's convention once attached. A foreign key whose
 * referred table is not defined yet is named at compile time instead.
 */
export function applyNamingConvention(named: ConventionNamed, table: Table): void {
  let name: string | undefined;
  try {
    name = conventionName(named, table);
  } catch (e) {
    if (!(e instanceof NoReferencedTableError)) throw e;
    named.conventionPending = true;
    return;
  }
  named.conventionPending = false;
  if (!name) return;
  named.name = name;
  named.nameIsConv = true;
}

// ---------------------------------------------------------------------------------------------
// Table and MetaData

/** Columns record as declared → typed `c` collection keyed by record key. */
export type TableColumnsOf<Cols> = { readonly [K in keyof Cols & string]: Cols[K] extends ColumnImpl<infer T, string> ? ColumnImpl<T, K> : never };

/** Table-level options. */
export interface TableOptions {
  /**
   * The table's schema; defaults to the MetaData's `schema`. `null` means no schema even then
   * (SQLAlchemy's `BLANK_SCHEMA`).
   */
  readonly schema?: string | null;
  readonly comment?: string;
  /** PostgreSQL `INHERITS (parent, …)`. */
  readonly postgresqlInherits?: string | readonly string[];
  /** PostgreSQL `PARTITION BY <spec>`, e.g. "RANGE (created)". */
  readonly postgresqlPartitionBy?: string;
  /** PostgreSQL table access method (`USING heap`). */
  readonly postgresqlUsing?: string;
  /** PostgreSQL storage parameters (`WITH (fillfactor = 100)`); `null` renders the bare name. */
  readonly postgresqlWith?: Readonly<Record<string, string | number | boolean | null>>;
  /** PostgreSQL `WITH OIDS` (true) / `WITHOUT OIDS` (false). */
  readonly postgresqlWithOids?: boolean;
  /** PostgreSQL `ON COMMIT` of a temporary table: "preserve_rows", "delete_rows" or "drop". */
  readonly postgresqlOnCommit?: string;
  readonly postgresqlTablespace?: string;
  /** SQLite `WITHOUT ROWID` when false. */
  readonly sqliteWithRowid?: boolean;
  /** SQLite `STRICT` table. */
  readonly sqliteStrict?: boolean;
  /**
   * SQLite `INTEGER PRIMARY KEY AUTOINCREMENT` on a single integer primary key: ids are never
   * reused (SQLAlchemy's `sqlite_autoincrement`).
   */
  readonly sqliteAutoincrement?: boolean;
  /** SQLAlchemy's `quote=` of the table name: `true` always quotes it, `false` never, unset as needed. */
  readonly quote?: boolean;
  /** SQLAlchemy's `quote_schema=`: the same for the schema name. */
  readonly quoteSchema?: boolean;
}
/** Extra positional arguments of {@link Table}. */
export type TableArg = Constraint | Index | TableOptions;

/**
 * The name of the index `index: true` makes on a column: SQLAlchemy's default naming convention
 * "ix_%(column_0_label)s", whose label carries the schema (`ix_myschema_users_name`). @internal
 */
export function defaultIndexName(schema: string | undefined, table: string, column: string): string {
  return `ix_${schema ? `${schema.replace(/\./g, "_")}_` : ""}${table}_${column}`;
}

/**
 * A table's constraints: a list that holds each constraint once, like SQLAlchemy's
 * `Table.constraints` set, since a constraint built from the table's columns has already
 * attached itself when code that predates auto-attaching pushes it again.
 */
class ConstraintList extends Array<Constraint> {
  override push(...items: Constraint[]): number {
    for (const c of items) if (!this.includes(c)) super.push(c);
    return this.length;
  }
}

/** A table in a MetaData (SQLAlchemy's `Table`). */
export class TableImpl<C extends ColumnMap = ColumnMap> extends TableClause<C> {
  override readonly kind = "table";
  readonly constraints: Constraint[] = new ConstraintList();
  readonly indexes: Index[] = [];
  primaryKey: PrimaryKeyConstraint;
  readonly comment: string | undefined;
  /** The table-level options as given (dialect options of CREATE TABLE among them). */
  readonly tableOptions: TableOptions;
  constructor(name: string, readonly metadata: MetaData, columns: Record<string, ColumnImpl>, ...args: TableArg[]) {
    const opts = args.find((a): a is TableOptions => !(a instanceof Constraint) && !(a instanceof Index)) ?? {};
    super(name, [], opts.schema === null ? undefined : (opts.schema ?? metadata.opts.schema), {
      ...(opts.quote === undefined ? {} : { quote: opts.quote }),
      ...(opts.quoteSchema === undefined ? {} : { quoteSchema: opts.quoteSchema }),
    });
    this.comment = opts.comment;
    this.tableOptions = opts;
    const entries = Object.entries(columns);
    if (entries.length === 0) throw new ArgumentError(`Table '${name}' needs at least one column`);
    const names = new Set<string>();
    for (const [key, col] of entries) {
      if (!(col instanceof ColumnImpl)) throw new ArgumentError(`Table '${name}': '${key}' is not a Column`);
      col.bindKey(key);
      if (names.has(col.name)) throw new DuplicateColumnError(`A column with name '${col.name}' is already present in table '${name}'.`);
      names.add(col.name);
      this.appendColumn(col);
    }
    const pkc = args.find((a): a is PrimaryKeyConstraint => a instanceof PrimaryKeyConstraint);
    this.primaryKey = pkc ?? new PrimaryKeyConstraint([]);
    this.primaryKey.attach(this);
    this.resolvePrimaryKey(pkc !== undefined);
    applyNamingConvention(this.primaryKey, this);
    for (const a of args) {
      if ((a instanceof Constraint && a !== pkc) || a instanceof Index) this.appendConstraint(a);
    }
    for (const col of this._columns as ColumnImpl[]) {
      for (const fk of col.foreignKeys) {
        if (!fk.constraint) {
          // By key, not the column: a constraint given this table's columns would attach itself
          // and make a second ForeignKey.
          const fkc = new ForeignKeyConstraint([col.key], [fk.spec], fk.opts);
          fkc.elements.push(fk);
          fkc.table = this;
          fk.constraint = fkc;
          this.constraints.push(fkc);
          applyNamingConvention(fkc, this);
        }
      }
      if (col.unique) this.appendConstraint(new UniqueConstraint(col));
      // Unnamed: the MetaData's `ix` convention names it (SQLAlchemy's `_column_flag` index).
      if (col.index) this.addIndex(new Index(null, col));
    }
    metadata.addTable(this);
  }
  /**
   * `CREATE TABLE` for this table alone, with its column sequences, enum types and indexes
   * (SQLAlchemy's `Table.create`). `checkFirst` defaults to false, as SQLAlchemy's: creating a
   * table that exists fails with the database's error.
   * @throws IdentifierError for a name longer than the database accepts.
   */
  async create(conn: DdlExecutor, opts: { readonly checkFirst?: boolean } = {}): Promise<void> {
    await this.metadata.createAll(conn, { tables: [this], checkFirst: opts.checkFirst ?? false, standalone: false });
  }
  /**
   * Reflect a table from the database into `metadata` (SQLAlchemy's `Table(name, metadata,
   * autoload_with=bind)`, made async); see `reflectTable` in athanor's reflection module.
   * @throws NoSuchTableError when the table does not exist.
   */
  static async reflect(name: string, metadata: MetaData, bind: InspectorBind, opts: ReflectTableOptions = {}): Promise<Table<ReflectedColumns>> {
    return reflectionHook("table")(name, metadata, bind, opts);
  }
  /**
   * `DROP TABLE` for this table alone, with its column sequences (SQLAlchemy's `Table.drop`);
   * `checkFirst` defaults to false.
   */
  async drop(conn: DdlExecutor, opts: { readonly checkFirst?: boolean } = {}): Promise<void> {
    await this.metadata.dropAll(conn, { tables: [this], checkFirst: opts.checkFirst ?? false, standalone: false });
  }
  /**
   * The primary key from a PrimaryKeyConstraint's columns, else from columns flagged
   * `primaryKey` (SQLAlchemy's `PrimaryKeyConstraint._set_parent`): an explicit constraint wins,
   * with a warning when the flags name other columns.
   */
  private resolvePrimaryKey(explicit: boolean): void {
    const flagged = (this._columns as ColumnImpl[]).filter((c) => c.primaryKey);
    const declared = this.primaryKey.columns;
    if (!explicit || declared.length === 0) {
      this.primaryKey.setColumns(flagged);
      return;
    }
    const same = flagged.length === declared.length && flagged.every((c) => declared.includes(c));
    if (flagged.length && !same) {
      const names = (cols: readonly ColumnImpl[]) => cols.map((c) => `'${c.name}'`).join(", ");
      warn(`Table '${this.name}' specifies columns ${names(flagged)} as primary_key=True, not matching locally specified columns ${names(declared)}; setting the current primary key columns to ${names(declared)}. This warning may become an exception in a future release`);
    }
    for (const c of declared) c.markPrimaryKey();
  }
  /**
   * The column the database generates values for on INSERT (SQLAlchemy's
   * `Table.autoincrement_column`): the single primary key column of integer type with no
   * client or server default and no foreign key, or the one marked `autoincrement: true`.
   * @throws ArgumentError when a column marked `autoincrement: true` has a type that cannot
   *   autoincrement, or when two columns are marked.
   */
  get autoincrementColumn(): ColumnImpl | undefined {
    const pk = this.primaryKey.columns;
    if (pk.length === 1) {
      const col = pk[0];
      if (col.autoincrementOption === true) return validateAutoincrement(col, true), col;
      return col.autoincrementOption !== false && validateAutoincrement(col, false) ? col : undefined;
    }
    let found: ColumnImpl | undefined;
    for (const col of pk) {
      if (col.autoincrementOption !== true) continue;
      validateAutoincrement(col, true);
      if (found) throw new ArgumentError(`Only one Column may be marked autoincrement=True, found both ${col.name} and ${found.name}.`);
      found = col;
    }
    return found;
  }
  /**
   * Add a constraint or index after construction (SQLAlchemy's `Table.append_constraint`). A
   * PrimaryKeyConstraint replaces the primary key and marks its columns.
   * @throws ArgumentError when the constraint names a column this table does not have.
   */
  appendConstraint(con: Constraint | Index): void {
    if (con instanceof Index) return this.addIndex(con);
    if (con.table === this && (this.constraints.includes(con) || this.primaryKey === con)) return;
    con.attach(this);
    if (con instanceof PrimaryKeyConstraint) {
      this.primaryKey = con;
      this.resolvePrimaryKey(true);
    } else this.constraints.push(con);
    applyNamingConvention(con, this);
  }
  /** @internal */
  addIndex(ix: Index): void {
    if (this.indexes.includes(ix)) return;
    ix.table = this;
    this.indexes.push(ix);
    applyNamingConvention(ix, this);
  }
  /** Primary key columns in order. */
  get primaryKeyColumns(): readonly ColumnImpl[] {
    return this.primaryKey.columns;
  }
  /** Foreign key constraints of this table. */
  get foreignKeyConstraints(): ForeignKeyConstraint[] {
    return this.constraints.filter((c): c is ForeignKeyConstraint => c instanceof ForeignKeyConstraint);
  }
  /** Column by SQL name or key. */
  columnByNameOrKey(name: string): ColumnImpl | undefined {
    return (this._columns.find((c) => c.key === name) ?? this._columns.find((c) => c.name === name)) as ColumnImpl | undefined;
  }
  /** Columns as typed `c`, each a {@link ColumnImpl}. */
  override get columnList(): readonly ColumnImpl[] {
    return this._columns as ColumnImpl[];
  }
}

/**
 * SQLAlchemy's `_validate_autoinc`: integers autoincrement; a Numeric only with scale 0 and
 * `autoincrement: true`; a client or server default or a foreign key turns "auto" off.
 */
function validateAutoincrement(col: ColumnImpl, explicit: boolean): boolean {
  const type = col.type as TypeEngine<unknown> & { scale?: number };
  const where = `column '${col.table?.describeName() ?? ""}.${col.name}'`;
  if (type.affinity === "numeric") {
    if ((type.scale ?? 0) !== 0 && explicit) {
      throw new ArgumentError(`Column type ${type} with non-zero scale ${type.scale} on ${where} is not compatible with autoincrement=True`);
    }
    return explicit;
  }
  if (type.affinity !== "integer") {
    if (explicit) throw new ArgumentError(`Column type ${type} on ${where} is not compatible with autoincrement=True`);
    return false;
  }
  if (explicit) return true;
  return col.default === undefined && col.serverDefault === undefined && (col.foreignKeys.length === 0 || col.autoincrementOption === "ignore_fk");
}

/** Factory with and without `new`: `Table("users", metadata, { id: Column(Integer, …) }, …)`. */
export interface TableFactory {
  <const Cols extends Record<string, ColumnImpl>>(name: string, metadata: MetaData, columns: Cols, ...args: TableArg[]): Table<TableColumnsOf<Cols>>;
  new <const Cols extends Record<string, ColumnImpl>>(name: string, metadata: MetaData, columns: Cols, ...args: TableArg[]): Table<TableColumnsOf<Cols>>;
  /* SQLAlchemy's positional form: `Table("users", md, Column("id", Integer, { primaryKey: true }), …)`. */
  <const L extends readonly [ColumnImpl, ...(ColumnImpl | TableArg)[]]>(name: string, metadata: MetaData, ...items: L): Table<TableColumnsOf<ColumnsOfList<L>>>;
  new <const L extends readonly [ColumnImpl, ...(ColumnImpl | TableArg)[]]>(name: string, metadata: MetaData, ...items: L): Table<TableColumnsOf<ColumnsOfList<L>>>;
  readonly prototype: TableImpl;
  /** {@link TableImpl.reflect}: `await Table.reflect("users", metadata, conn)`. */
  reflect(name: string, metadata: MetaData, bind: InspectorBind, opts?: ReflectTableOptions): Promise<Table<ReflectedColumns>>;
}
/**
 * `Table(name, metadata, columns, ...constraintsIndexesOrOptions)`: declare a table. Column keys
 * come from the record keys (SQL names too, unless a column gives `name`); `t.c.<key>` keeps each
 * column's JS type.
 */
export const Table = function Table(name: string, metadata: MetaData, columns: Record<string, ColumnImpl> | ColumnImpl, ...args: (ColumnImpl | TableArg)[]) {
  if (!(columns instanceof ColumnImpl)) return new TableImpl(name, metadata, columns, ...(args as TableArg[]));
  // Positional columns keep the keys they were given (SQLAlchemy's `Table(name, md, *columns)`).
  const record: Record<string, ColumnImpl> = {};
  const rest: TableArg[] = [];
  for (const a of [columns, ...args]) {
    if (!(a instanceof ColumnImpl)) rest.push(a);
    else if (Object.hasOwn(record, a.key)) throw new DuplicateColumnError(`A column with name '${a.name}' is already present in table '${name}'.`);
    else record[a.key] = a;
  }
  return new TableImpl(name, metadata, record, ...rest);
} as unknown as TableFactory;
/** The record of columns, by key, of a positional column list. */
export type ColumnsOfList<L extends readonly unknown[]> = {
  [C in Extract<L[number], ColumnImpl<unknown, string>> as C extends ColumnImpl<unknown, infer K> ? K : never]: C;
};
(Table as unknown as { prototype: unknown }).prototype = TableImpl.prototype;
(Table as unknown as { reflect: TableFactory["reflect"] }).reflect = (name, metadata, bind, opts) => TableImpl.reflect(name, metadata, bind, opts);
/** A table whose `c` collection has shape `C`. */
export type Table<C extends ColumnMap = ColumnMap> = TableImpl<C>;

/** A connection-like target for DDL: anything that can execute a statement. */
export interface DdlExecutor {
  readonly dialectName: DialectName;
  execute(stmt: ClauseElement): Promise<unknown>;
  /** Whether a table exists (for `checkFirst`). */
  hasTable(name: string, schema?: string): Promise<boolean>;
}

/**
 * The reflection functions behind `Table.reflect` / `MetaData.reflect`, set when athanor's
 * reflection module loads: src/sql does not import the engine layer, and an `import()` here
 * would make bundlers wrap modules in lazy initialisers. @internal
 */
export const reflectionHooks: {
  table?: (name: string, metadata: MetaData, bind: InspectorBind, opts: ReflectTableOptions) => Promise<Table<ReflectedColumns>>;
  metadata?: (metadata: MetaData, bind: InspectorBind, opts: ReflectOptions) => Promise<void>;
} = {};

function reflectionHook<K extends keyof typeof reflectionHooks>(kind: K): NonNullable<(typeof reflectionHooks)[K]> {
  const fn = reflectionHooks[kind];
  if (!fn) {
    // Only a bundle that dropped the reflection module gets here (nothing imported from it).
    throw new InvalidRequestError("Reflection is not loaded: import reflectTable / reflectMetaData from athanor and call them directly");
  }
  return fn as NonNullable<(typeof reflectionHooks)[K]>;
}

/** Options of {@link MetaData}. */
export interface MetaDataOptions {
  /** The default schema of tables and sequences created with this MetaData. */
  readonly schema?: string;
  /**
   * Templates naming constraints and indexes that have no name (SQLAlchemy's
   * `naming_convention`); replaces {@link DEFAULT_NAMING_CONVENTION} when given.
   */
  readonly namingConvention?: NamingConvention;
}

/** A collection of tables and sequences (SQLAlchemy's `MetaData`). */
export class MetaData {
  readonly tables = new Map<string, Table>();
  readonly sequences = new Map<string, Sequence>();
  constructor(readonly opts: MetaDataOptions = {}) {}
  /** The naming convention in force: the one given, else (also for `{}`) {@link DEFAULT_NAMING_CONVENTION}. */
  get namingConvention(): NamingConvention {
    const nc = this.opts.namingConvention;
    return nc && Object.keys(nc).length ? nc : DEFAULT_NAMING_CONVENTION;
  }
  /** @internal */
  addTable(t: Table): void {
    if (this.tables.has(t.fullname)) {
      throw new InvalidRequestError(`Table '${t.fullname}' is already defined for this MetaData instance`);
    }
    this.tables.set(t.fullname, t);
  }
  /** @internal */
  addSequence(s: Sequence): void {
    this.sequences.set(s.name, s);
  }
  /** Remove a table. */
  remove(t: Table): void {
    this.tables.delete(t.fullname);
  }
  /** Remove every table (SQLAlchemy's `MetaData.clear()`); sequences stay. */
  clear(): void {
    this.tables.clear();
  }
  /**
   * Whether a table with this key (`"name"` or `"schema.name"`), or with the given table's key,
   * is in this MetaData (SQLAlchemy's `key in metadata`).
   */
  contains(tableOrKey: Table | string): boolean {
    return this.tables.has(typeof tableOrKey === "string" ? tableOrKey : tableOrKey.fullname);
  }
  /**
   * Tables by key, then in foreign-key dependency order, referenced tables first (SQLAlchemy's
   * `MetaData.sorted_tables`): use-alter foreign keys are ignored, and tables in a cycle of
   * other foreign keys are sorted without their foreign keys, with a warning.
   */
  get sortedTables(): Table[] {
    const byKey = [...this.tables.values()].sort((a, b) => (a.fullname < b.fullname ? -1 : a.fullname > b.fullname ? 1 : 0));
    return sortTables(byKey);
  }
  /**
   * `CREATE` every table, index, sequence and enum type in dependency order
   * (SQLAlchemy's `MetaData.create_all`). With `checkFirst` (default true) existing tables are skipped.
   */
  async createAll(conn: DdlExecutor, opts: DdlRunOptions = {}): Promise<void> {
    for (const stmt of await createAllStatements(this, conn, opts)) await conn.execute(stmt);
  }
  /**
   * Reflect the tables of a schema (or the `only` ones) into this MetaData (SQLAlchemy's
   * `MetaData.reflect(bind)`, made async); see `reflectMetaData` in athanor's reflection module.
   * @throws InvalidRequestError when `only` names a table that does not exist.
   */
  async reflect(bind: InspectorBind, opts: ReflectOptions = {}): Promise<void> {
    await reflectionHook("metadata")(this, bind, opts);
  }
  /** `DROP` every table (dependents first), then sequences and enum types. */
  async dropAll(conn: DdlExecutor, opts: DdlRunOptions = {}): Promise<void> {
    for (const stmt of await dropAllStatements(this, conn, opts)) await conn.execute(stmt);
  }
}

/** Parent tables of each table (`child → parents`), the edges of a table dependency sort. */
type TableDeps = Map<Table, Set<Table>>;

function addDep(deps: TableDeps, parent: Table, child: Table): void {
  let s = deps.get(child);
  if (!s) deps.set(child, (s = new Set()));
  s.add(parent);
}

/**
 * Kahn's sort in rounds, each round taking every table whose parents are done, in the given
 * order (SQLAlchemy's `topological.sort_as_subsets`); undefined when a cycle stops it.
 */
function sortInRounds(deps: TableDeps, tables: readonly Table[]): Table[] | undefined {
  const todo = new Set(tables);
  const out: Table[] = [];
  while (todo.size) {
    const round = [...todo].filter((t) => ![...(deps.get(t) ?? [])].some((p) => todo.has(p)));
    if (!round.length) return undefined;
    for (const t of round) todo.delete(t);
    out.push(...round);
  }
  return out;
}

/** Tables that depend on themselves through other tables (SQLAlchemy's `find_cycles`). */
function tablesInCycles(deps: TableDeps): Set<Table> {
  const reaches = (from: Table, to: Table): boolean => {
    const seen = new Set<Table>();
    const stack = [...(deps.get(from) ?? [])];
    while (stack.length) {
      const t = stack.pop()!;
      if (t === to) return true;
      if (seen.has(t)) continue;
      seen.add(t);
      stack.push(...(deps.get(t) ?? []));
    }
    return false;
  };
  return new Set([...deps.keys()].filter((t) => reaches(t, t)));
}

/**
 * Whether a foreign key must stay inline (`false`), must be added by ALTER (`true`), or may be
 * moved to ALTER to break a cycle (`undefined`) (SQLAlchemy's `filter_fn`).
 */
export type ForeignKeyFilter = (fkc: ForeignKeyConstraint) => boolean | undefined;

/**
 * Sort tables so that referenced tables come first, and say which foreign keys each CREATE
 * TABLE renders inline (SQLAlchemy's `sort_tables_and_constraints`). The last entry,
 * `[undefined, fks]`, holds the foreign keys to add by ALTER afterwards: use-alter ones, those
 * the filter sends there, and those of tables in a dependency cycle.
 * @throws CircularDependencyError when a cycle remains because the filter keeps its keys inline.
 */
export function sortTablesAndConstraints(
  tables: readonly Table[],
  opts: { filter?: ForeignKeyFilter; warnForCycles?: boolean } = {},
): [Table | undefined, ForeignKeyConstraint[]][] {
  const remaining = new Set<ForeignKeyConstraint>();
  const deps: TableDeps = new Map();
  for (const t of tables)
    for (const fkc of t.foreignKeyConstraints) {
      if (fkc.opts.useAlter || opts.filter?.(fkc) === true) remaining.add(fkc);
      else if (fkc.referredTable && fkc.referredTable !== t) addDep(deps, fkc.referredTable, t);
    }
  let sorted = sortInRounds(deps, tables);
  if (!sorted) {
    const cycles = tablesInCycles(deps);
    if (opts.warnForCycles) warn(cycleWarning(cycles));
    for (const child of cycles) breakCycle(child, deps, remaining, opts.filter);
    sorted = sortInRounds(deps, tables);
    if (!sorted) {
      const left = tablesInCycles(deps);
      throw Object.assign(new CircularDependencyError(`Circular dependency detected. Cycles: ${tableNames(left)}`), { cycles: left });
    }
  }
  const out: [Table | undefined, ForeignKeyConstraint[]][] = sorted.map((t) => [t, t.foreignKeyConstraints.filter((f) => !remaining.has(f))]);
  out.push([undefined, [...remaining]]);
  return out;
}

/** Move a table's movable foreign keys out of the sort (to ALTER), dropping their dependencies. */
function breakCycle(child: Table, deps: TableDeps, remaining: Set<ForeignKeyConstraint>, filter: ForeignKeyFilter | undefined): void {
  for (const fkc of child.foreignKeyConstraints) {
    if (filter && filter(fkc) === false) continue;
    remaining.add(fkc);
    const ref = fkc.referredTable;
    if (ref && ref !== child) deps.get(child)?.delete(ref);
  }
}

/** Table full names, sorted and comma-joined, as SQLAlchemy lists them in cycle messages. */
export function tableNames(tables: Iterable<Table>): string {
  return [...tables].map((t) => t.fullname).sort().join(", ");
}

function cycleWarning(cycles: Set<Table>): string {
  return `Cannot correctly sort tables; there are unresolvable cycles between tables "${tableNames(cycles)}", which is usually caused by mutually dependent foreign key constraints.  Foreign key constraints involving these tables will not be considered; this warning may raise an error in a future release.`;
}

/**
 * Tables in dependency order, referenced tables first, each round in the given order
 * (SQLAlchemy's `sort_tables`); a cycle is warned about and sorted without its foreign keys.
 */
export function sortTables(tables: readonly Table[]): Table[] {
  return sortTablesAndConstraints(tables, { warnForCycles: true }).flatMap(([t]) => (t ? [t] : []));
}

/** Topologically sort tables so that referenced tables come first (depth first, silently skipping cycles). */
export function sortTablesByDependency(tables: readonly Table[]): Table[] {
  const set = new Set(tables);
  const out: Table[] = [];
  const state = new Map<Table, 1 | 2>();
  const visit = (t: Table) => {
    const s = state.get(t);
    if (s === 2 || s === 1) return;
    state.set(t, 1);
    for (const fkc of t.foreignKeyConstraints) {
      if (fkc.opts.useAlter) continue;
      for (const fk of fkc.elements) {
        const ref = fk.target?.table;
        if (ref instanceof TableImpl && ref !== t && set.has(ref)) visit(ref);
      }
    }
    state.set(t, 2);
    out.push(t);
  };
  for (const t of tables) visit(t);
  return out;
}

/** Typed helper for declaring columns when a plain TypeScript value type is wanted. */
export type ColumnValue<C> = C extends ColumnElement<infer T, string> ? T : never;
/** @internal */
export { toType };

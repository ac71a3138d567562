/**
 * Schema objects: MetaData, Table, Column, keys and constraints, Index, Sequence, Identity and
 * Computed (SQLAlchemy's `sqlalchemy.sql.schema`).
 * @module
 */
import { ArgumentError, DuplicateColumnError, InvalidRequestError, NoReferencedColumnError, NoReferencedTableError } from "../errors.js";
import { ClauseElement, ColumnElement, TextClause, type AnyColumn } from "./elements.js";
import { ColumnClause } from "./column.js";
import { TableClause, type ColumnMap, type ForeignKeyRef } from "./selectable.js";
import { NULLTYPE, toType, type JsTypeOf, type TypeArg, type TypeEngine } from "./type-api.js";
import type { DialectName } from "../engine/driver/contract.js";
// A static import, not `await import()`: a dynamic import makes bundlers wrap ddl.ts and every
// module it reaches in lazy initialisers, which costs more bytes than ddl.ts itself.
import { createAllStatements, dropAllStatements } from "./ddl.js";
import { Integer } from "./types/index.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import type { CompileKw, SQLCompiler } from "./compiler.js";
import { warn } from "../warnings.js";

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

/** A server-side default: a string (rendered as a quoted literal), `text()`, or a SQL expression. */
export type ServerDefault = string | number | boolean | TextClause | ColumnElement<unknown, string>;

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
  /** `"auto"` (default): integer single-column primary keys autoincrement. */
  readonly autoincrement?: boolean | "auto";
  readonly foreignKey?: string | ForeignKey;
  readonly identity?: Identity;
  readonly computed?: Computed;
  readonly sequence?: Sequence;
  readonly comment?: string;
  /** Column order in CREATE TABLE (lower first; SQLAlchemy 2.0 `sort_order`). */
  readonly sortOrder?: number;
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
  readonly autoincrementOption: boolean | "auto";
  readonly identity: Identity | undefined;
  readonly computed: Computed | undefined;
  readonly sequence: Sequence | undefined;
  readonly comment: string | undefined;
  readonly sortOrder: number;
  private readonly _fks: ForeignKey[] = [];
  /** Whether the name was given explicitly (otherwise it follows the key the table assigns). */
  readonly explicitName: boolean;

  constructor(typeOrFk: TypeArg<unknown> | ForeignKey, opts: ColumnOptions = {}) {
    const isFk = typeOrFk instanceof ForeignKey;
    super(opts.name ?? "", isFk ? NULLTYPE : typeOrFk);
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
    if (isFk) this.addForeignKey(typeOrFk);
    if (opts.foreignKey) this.addForeignKey(typeof opts.foreignKey === "string" ? new ForeignKey(opts.foreignKey) : opts.foreignKey);
  }
  private addForeignKey(fk: ForeignKey): void {
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
    return pk.length === 1 && pk[0] === this && this.type.affinity === "integer" && this._fks.length === 0 && this.default === undefined && this.serverDefault === undefined;
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
  readonly prototype: ColumnImpl;
}
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
export const Column = function Column(typeOrFk: TypeArg<unknown> | ForeignKey, opts?: ColumnOptions) {
  return new ColumnImpl(typeOrFk, opts);
} as unknown as ColumnFactory;
(Column as { prototype: unknown }).prototype = ColumnImpl.prototype;
/** A table column with JS type `T` and key `K`. */
export type Column<T = unknown, K extends string = string> = ColumnImpl<T, K>;

// ---------------------------------------------------------------------------------------------
// constraints

/** Options every table constraint takes (SQLAlchemy's `Constraint(name, deferrable, initially)`). */
export interface ConstraintOptions {
  readonly name?: string;
  /** `DEFERRABLE` (true) or `NOT DEFERRABLE` (false) after the constraint. */
  readonly deferrable?: boolean;
  /** `INITIALLY <value>`, e.g. "DEFERRED" or "IMMEDIATE". */
  readonly initially?: string;
  /** Attach to this table now (SQLAlchemy's `table=` argument). */
  readonly table?: Table;
}

/** Base of table constraints. */
export abstract class Constraint {
  table: Table | undefined;
  ddlIfCondition: DdlIf | undefined;
  readonly deferrable: boolean | undefined;
  readonly initially: string | undefined;
  constructor(readonly name?: string, opts: ConstraintOptions = {}) {
    this.deferrable = opts.deferrable;
    this.initially = opts.initially;
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
  private _cols: ColumnImpl[] = [];
  readonly columnSpecs: readonly (string | AnyColumn)[];
  constructor(...args: (string | AnyColumn | ConstraintOptions)[]) {
    const last = args[args.length - 1];
    const opts = typeof last === "object" && last !== null && !(last instanceof ClauseElement) ? (args.pop() as ConstraintOptions) : {};
    super(opts.name, opts);
    this.columnSpecs = args as (string | AnyColumn)[];
    this.attachToOwnTable(opts.table);
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
  constructor(readonly sqltext: string | ClauseElement, opts: ConstraintOptions = {}) {
    super(opts.name, opts);
    this.attachToOwnTable(opts.table);
  }
  protected override get specElements(): readonly unknown[] {
    return [this.sqltext];
  }
}

/** Referential actions for ON DELETE / ON UPDATE. */
export type ReferentialAction = "CASCADE" | "SET NULL" | "SET DEFAULT" | "RESTRICT" | "NO ACTION";

/** Options of {@link ForeignKey} and {@link ForeignKeyConstraint}. */
export interface ForeignKeyOptions {
  readonly name?: string;
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
}

/** `FOREIGN KEY(cols) REFERENCES table (cols)`, possibly composite. */
export class ForeignKeyConstraint extends Constraint {
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
  /**
   * Like `target`, but raises when unresolvable (SQLAlchemy's `ForeignKey.column`).
   * @throws NoReferencedTableError when the referenced table is not in the MetaData;
   *   NoReferencedColumnError when it has no such column (both InvalidRequestErrors, as SQLAlchemy's).
   */
  get column(): ColumnImpl {
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

/** `CREATE [UNIQUE] INDEX name ON table (cols)`. */
export class Index {
  table: Table | undefined;
  ddlIfCondition: DdlIf | undefined;
  readonly expressions: readonly (string | AnyColumn)[];
  readonly unique: boolean;
  readonly where: ClauseElement | undefined;
  constructor(readonly name: string, ...args: (string | AnyColumn | { unique?: boolean; where?: ClauseElement })[]) {
    const last = args[args.length - 1];
    const opts = typeof last === "object" && last !== null && !(last instanceof ClauseElement) ? (args.pop() as { unique?: boolean; where?: ClauseElement }) : {};
    this.expressions = args as (string | AnyColumn)[];
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
  /** Resolved index expressions. */
  columns(): ColumnElement<unknown, string>[] {
    const t = this.table;
    return this.expressions.map((e) => {
      if (typeof e !== "string") return e;
      const c = t?.columnByNameOrKey(e);
      if (!c) throw new ArgumentError(`Can't create Index on table '${t?.name}': no column named '${e}' is present.`);
      return c;
    });
  }
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

/** A table in a MetaData (SQLAlchemy's `Table`). */
export class TableImpl<C extends ColumnMap = ColumnMap> extends TableClause<C> {
  override readonly kind = "table";
  readonly constraints: Constraint[] = [];
  readonly indexes: Index[] = [];
  primaryKey: PrimaryKeyConstraint;
  readonly comment: string | undefined;
  constructor(name: string, readonly metadata: MetaData, columns: Record<string, ColumnImpl>, ...args: TableArg[]) {
    const opts = args.find((a): a is TableOptions => !(a instanceof Constraint) && !(a instanceof Index)) ?? {};
    super(name, [], opts.schema === null ? undefined : (opts.schema ?? metadata.opts.schema));
    this.comment = opts.comment;
    const entries = Object.entries(columns);
    if (entries.length === 0) throw new ArgumentError(`Table '${name}' needs at least one column`);
    const byName = new Map<string, string>();
    for (const [key, col] of entries) {
      if (!(col instanceof ColumnImpl)) throw new ArgumentError(`Table '${name}': '${key}' is not a Column`);
      col.bindKey(key);
      const other = byName.get(col.name);
      if (other !== undefined) {
        throw new DuplicateColumnError(`Table '${name}': columns '${other}' and '${key}' both have the SQL name '${col.name}'; a table's column names must be unique`);
      }
      byName.set(col.name, key);
      this.appendColumn(col);
    }
    const pkc = args.find((a): a is PrimaryKeyConstraint => a instanceof PrimaryKeyConstraint);
    this.primaryKey = pkc ?? new PrimaryKeyConstraint([]);
    this.primaryKey.attach(this);
    this.resolvePrimaryKey(pkc !== undefined);
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
        }
      }
      if (col.unique) this.appendConstraint(new UniqueConstraint(col));
      if (col.index) this.addIndex(new Index(defaultIndexName(this.schema, name, col.name), col));
    }
    metadata.addTable(this);
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
      return col.autoincrementOption === "auto" && validateAutoincrement(col, false) ? col : undefined;
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
  }
  /** @internal */
  addIndex(ix: Index): void {
    if (this.indexes.includes(ix)) return;
    ix.table = this;
    this.indexes.push(ix);
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
  return col.default === undefined && col.serverDefault === undefined && col.foreignKeys.length === 0;
}

/** Factory with and without `new`: `Table("users", metadata, { id: Column(Integer, …) }, …)`. */
export interface TableFactory {
  <const Cols extends Record<string, ColumnImpl>>(name: string, metadata: MetaData, columns: Cols, ...args: TableArg[]): Table<TableColumnsOf<Cols>>;
  new <const Cols extends Record<string, ColumnImpl>>(name: string, metadata: MetaData, columns: Cols, ...args: TableArg[]): Table<TableColumnsOf<Cols>>;
  readonly prototype: TableImpl;
}
/**
 * `Table(name, metadata, columns, ...constraintsIndexesOrOptions)`: declare a table. Column keys
 * come from the record keys (SQL names too, unless a column gives `name`); `t.c.<key>` keeps each
 * column's JS type.
 */
export const Table = function Table(name: string, metadata: MetaData, columns: Record<string, ColumnImpl>, ...args: TableArg[]) {
  return new TableImpl(name, metadata, columns, ...args);
} as unknown as TableFactory;
(Table as unknown as { prototype: unknown }).prototype = TableImpl.prototype;
/** A table whose `c` collection has shape `C`. */
export type Table<C extends ColumnMap = ColumnMap> = TableImpl<C>;

/** A connection-like target for DDL: anything that can execute a statement. */
export interface DdlExecutor {
  readonly dialectName: DialectName;
  execute(stmt: ClauseElement): Promise<unknown>;
  /** Whether a table exists (for `checkFirst`). */
  hasTable(name: string, schema?: string): Promise<boolean>;
}

/** A collection of tables and sequences (SQLAlchemy's `MetaData`). */
export class MetaData {
  readonly tables = new Map<string, Table>();
  readonly sequences = new Map<string, Sequence>();
  /** `schema`: the default schema of tables and sequences created with this MetaData. */
  constructor(readonly opts: { schema?: string } = {}) {}
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
  /** Tables in foreign-key dependency order (referenced tables first); cycles via use-alter are ignored. */
  get sortedTables(): Table[] {
    return sortTablesByDependency([...this.tables.values()]);
  }
  /**
   * `CREATE` every table, index, sequence and enum type in dependency order
   * (SQLAlchemy's `MetaData.create_all`). With `checkFirst` (default true) existing tables are skipped.
   */
  async createAll(conn: DdlExecutor, opts: { checkFirst?: boolean; tables?: Table[] } = {}): Promise<void> {
    for (const stmt of await createAllStatements(this, conn, opts)) await conn.execute(stmt);
  }
  /** `DROP` every table (dependents first), then sequences and enum types. */
  async dropAll(conn: DdlExecutor, opts: { checkFirst?: boolean; tables?: Table[] } = {}): Promise<void> {
    for (const stmt of await dropAllStatements(this, conn, opts)) await conn.execute(stmt);
  }
}

/** Topologically sort tables so that referenced tables come first. */
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

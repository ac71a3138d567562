/**
 * Schema objects: MetaData, Table, Column, keys and constraints, Index, Sequence, Identity and
 * Computed (SQLAlchemy's `sqlalchemy.sql.schema`).
 * @module
 */
import { ArgumentError, DuplicateColumnError, InvalidRequestError } from "../errors.js";
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
export type ColumnDefault = unknown | (() => unknown) | ColumnElement<unknown, string>;

/** A server-side default: a string (rendered as a quoted literal), `text()`, or a SQL expression. */
export type ServerDefault = string | number | boolean | TextClause | ColumnElement<unknown, string>;

/** `GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY (…)` (SQLAlchemy 1.4's Identity). */
export class Identity {
  constructor(
    readonly opts: { always?: boolean; start?: number; increment?: number; minvalue?: number; maxvalue?: number; cycle?: boolean; cache?: number } = {},
  ) {}
}

/** `GENERATED ALWAYS AS (expr) [STORED]` (SQLAlchemy's Computed). */
export class Computed {
  constructor(readonly sqltext: string | ClauseElement, readonly opts: { persisted?: boolean } = {}) {}
}

/** A named sequence (PostgreSQL): `CREATE SEQUENCE`, `nextval('name')` as a column default. */
export class Sequence {
  metadata: MetaData | undefined;
  constructor(
    readonly name: string,
    readonly opts: { start?: number; increment?: number; minvalue?: number; maxvalue?: number; cycle?: boolean; cache?: number; schema?: string; metadata?: MetaData } = {},
  ) {
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
  readonly type = Integer();
  constructor(readonly sequence: Sequence) {
    super();
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

/** JS type of a column built from type `A` and options `O` (nullable unless primary key or `nullable: false`). */
export type ColumnJs<A, O> = O extends { primaryKey: true }
  ? O extends { nullable: true } ? JsTypeOf<A> | null : JsTypeOf<A>
  : O extends { nullable: false } ? JsTypeOf<A> : JsTypeOf<A> | null;

/** A table column (SQLAlchemy's `Column`). `T` is the JS type of its values, `K` its key. */
export class ColumnImpl<T = unknown, K extends string = string> extends ColumnClause<T, K> {
  override readonly kind = "column";
  readonly primaryKey: boolean;
  readonly nullable: boolean;
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
    this.nullable = opts.nullable ?? !this.primaryKey;
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

/** Base of table constraints. */
export abstract class Constraint {
  table: Table | undefined;
  ddlIfCondition: DdlIf | undefined;
  constructor(readonly name?: string) {}
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
  protected resolveColumns(cols: readonly (string | AnyColumn)[], table: Table, what: string): ColumnImpl[] {
    return cols.map((c) => {
      if (typeof c !== "string") return c as ColumnImpl;
      const col = table.columnByNameOrKey(c);
      if (!col) throw new ArgumentError(`${what} on table '${table.name}' names unknown column '${c}'`);
      return col;
    });
  }
}

/** `PRIMARY KEY (cols)`. */
export class PrimaryKeyConstraint extends Constraint {
  private _cols: ColumnImpl[] = [];
  constructor(readonly columnSpecs: readonly (string | AnyColumn)[] = [], opts: { name?: string } = {}) {
    super(opts.name);
  }
  get columns(): readonly ColumnImpl[] {
    return this._cols;
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
  constructor(...args: (string | AnyColumn | { name?: string })[]) {
    const last = args[args.length - 1];
    const opts = typeof last === "object" && last !== null && !(last instanceof ClauseElement) ? (args.pop() as { name?: string }) : {};
    super(opts.name);
    this.columnSpecs = args as (string | AnyColumn)[];
  }
  get columns(): readonly ColumnImpl[] {
    return this._cols;
  }
  override attach(table: Table): void {
    super.attach(table);
    this._cols = this.resolveColumns(this.columnSpecs, table, "UniqueConstraint");
  }
}

/** `CHECK (sqltext)`. */
export class CheckConstraint extends Constraint {
  constructor(readonly sqltext: string | ClauseElement, opts: { name?: string } = {}) {
    super(opts.name);
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
    super(opts.name);
    if (columnSpecs.length !== refColumns.length) {
      throw new ArgumentError(`ForeignKeyConstraint: ${columnSpecs.length} columns but ${refColumns.length} referenced columns`);
    }
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
  get columns(): readonly ColumnImpl[] {
    return this.elements.map((e) => e.parent);
  }
  /** The referenced table, once resolvable. */
  get referredTable(): Table | undefined {
    return this.elements[0]?.target?.table as Table | undefined;
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
  constructor(spec: string | ColumnElement<T, string>, opts: ForeignKeyOptions = {}, constraint?: ForeignKeyConstraint) {
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
    const t = md.tables.get(tname);
    if (!t) return undefined;
    const c = t.columnByNameOrKey(cname);
    if (!c) throw new ArgumentError(`ForeignKey("${this.spec}"): table '${tname}' has no column '${cname}'`);
    return (this._target = c);
  }
  /** Like `target`, but raises when unresolvable. */
  get column(): ColumnImpl {
    const t = this.target;
    if (!t) throw new InvalidRequestError(`ForeignKey("${this.describeSpec()}") could not find the table it references in the MetaData`);
    return t;
  }
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
    const first = this.expressions.find((e) => typeof e !== "string") as ColumnClause | undefined;
    if (first?.table instanceof TableImpl) first.table.addIndex(this);
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
      if (!c) throw new ArgumentError(`Index '${this.name}' names unknown column '${e}'`);
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
  readonly schema?: string;
  readonly comment?: string;
}
/** Extra positional arguments of {@link Table}. */
export type TableArg = Constraint | Index | TableOptions;

/** A table in a MetaData (SQLAlchemy's `Table`). */
export class TableImpl<C extends ColumnMap = ColumnMap> extends TableClause<C> {
  override readonly kind = "table";
  readonly constraints: Constraint[] = [];
  readonly indexes: Index[] = [];
  readonly primaryKey: PrimaryKeyConstraint;
  readonly comment: string | undefined;
  constructor(name: string, readonly metadata: MetaData, columns: Record<string, ColumnImpl>, ...args: TableArg[]) {
    const opts = args.find((a): a is TableOptions => !(a instanceof Constraint) && !(a instanceof Index)) ?? {};
    super(name, [], opts.schema);
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
    if (!pkc) this.primaryKey.setColumns(this._columns.filter((c) => (c as ColumnImpl).primaryKey) as ColumnImpl[]);
    else for (const c of this.primaryKey.columns) (c as { primaryKey: boolean }).primaryKey = true;
    for (const a of args) {
      if (a instanceof Constraint && a !== pkc) {
        a.attach(this);
        this.constraints.push(a);
      } else if (a instanceof Index) this.addIndex(a);
    }
    for (const col of this._columns as ColumnImpl[]) {
      for (const fk of col.foreignKeys) {
        if (!fk.constraint) {
          const fkc = new ForeignKeyConstraint([col], [fk.spec], fk.opts);
          fkc.elements.push(fk);
          fkc.table = this;
          fk.constraint = fkc;
          this.constraints.push(fkc);
        }
      }
      if (col.unique) {
        const uc = new UniqueConstraint(col);
        uc.attach(this);
        this.constraints.push(uc);
      }
      if (col.index) this.addIndex(new Index(`ix_${name}_${col.name}`, col));
    }
    metadata.addTable(this);
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

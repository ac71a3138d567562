/**
 * DDL constructs: CREATE/DROP TABLE, INDEX, SEQUENCE and PostgreSQL ENUM types, compiled per
 * dialect (SQLAlchemy's `sqlalchemy.sql.ddl`), and the statement lists behind
 * `MetaData.createAll()` / `dropAll()`.
 * @module
 */
import { CompileError } from "../errors.js";
import { ClauseElement, ColumnElement, TextClause } from "./elements.js";
import {
  ColumnImpl, Constraint, ForeignKeyConstraint, Index, MetaData, PrimaryKeyConstraint, Sequence,
  sortTablesByDependency, TableImpl, UniqueConstraint, type CheckConstraint, type DdlExecutor, type IdentityOptions, type Table,
} from "./schema.js";
import { NULLTYPE, toType } from "./type-api.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import type { CompileKw, SQLCompiler } from "./compiler.js";

/** Base of DDL statements. They are never cached (each is unique). */
export abstract class DDLElement extends ClauseElement {
  readonly _isDdl = true;
  abstract render(c: SQLCompiler): string;
  _compile(c: SQLCompiler, _kw: CompileKw): string {
    return this.render(c);
  }
  _key(k: CacheKeyBuilder): void {
    k.push("ddl", String(k.anonId(this)), `${Math.random()}`);
  }
}

function typeName(c: SQLCompiler, col: ColumnImpl): string {
  return col.type.compileType(c.dialect.name === "default" ? { name: c.dialect.typeDialect, generic: true } : { name: c.dialect.typeDialect });
}

function literal(c: SQLCompiler, v: unknown): string {
  // Text without bound values is taken as written; `text("q + :x").bindparams({ x: 7 })` renders
  // its values inline like any other expression (SQLAlchemy's `literal_binds`).
  if (v instanceof TextClause && v.binds.size === 0) return v.text;
  if (v instanceof ClauseElement) {
    const sub = c.dialect.createCompiler(v, { literalBinds: true }).compile();
    return sub.sql;
  }
  return c.renderLiteral(v, NULLTYPE);
}

/**
 * An expression inside DDL (CHECK, computed column, index element): bound values inline and
 * columns without their table, as SQLAlchemy compiles them with `include_table=False`.
 */
function ddlExpression(c: SQLCompiler, v: string | ClauseElement): string {
  if (typeof v === "string") return v;
  if (v instanceof TextClause && v.binds.size === 0) return v.text;
  return c.dialect.createCompiler(v, { literalBinds: true }).process(v, { unqualified: true });
}

/**
 * Sequence and identity options in SQLAlchemy's order (`get_identity_options`): INCREMENT BY,
 * START WITH, MINVALUE, MAXVALUE, NO MINVALUE, NO MAXVALUE, CACHE, [NO] CYCLE.
 */
export function identityOptionsSql(o: IdentityOptions): string {
  const parts: string[] = [];
  if (o.increment !== undefined) parts.push(`INCREMENT BY ${o.increment}`);
  if (o.start !== undefined) parts.push(`START WITH ${o.start}`);
  if (o.minvalue !== undefined) parts.push(`MINVALUE ${o.minvalue}`);
  if (o.maxvalue !== undefined) parts.push(`MAXVALUE ${o.maxvalue}`);
  if (o.nominvalue) parts.push("NO MINVALUE");
  if (o.nomaxvalue) parts.push("NO MAXVALUE");
  if (o.cache !== undefined) parts.push(`CACHE ${o.cache}`);
  if (o.cycle !== undefined) parts.push(o.cycle ? "CYCLE" : "NO CYCLE");
  return parts.join(" ");
}

function identitySql(c: SQLCompiler, col: ColumnImpl): string {
  const o = col.identity!.opts;
  // Every dialect lists the options in SQLAlchemy's get_identity_options() order (INCREMENT BY first).
  const opts = identityOptionsSql(o);
  return ` GENERATED ${o.always ? "ALWAYS" : "BY DEFAULT"} AS IDENTITY${opts ? ` (${opts})` : ""}`;
}

function computedSql(c: SQLCompiler, col: ColumnImpl): string {
  const computed = col.computed!;
  const persisted = computed.opts.persisted;
  // PostgreSQL only has stored generated columns (SQLAlchemy 2.0's PGDDLCompiler.visit_computed_column).
  if (c.dialect.name === "postgresql" && persisted === false) {
    throw new CompileError("PostrgreSQL computed columns do not support 'virtual' persistence; set the 'persisted' flag to None or True for PostgreSQL support.");
  }
  const suffix = c.dialect.name === "postgresql" || persisted === true ? " STORED" : persisted === false ? " VIRTUAL" : "";
  return ` GENERATED ALWAYS AS (${ddlExpression(c, computed.sqltext)})${suffix}`;
}

/** PostgreSQL's SERIAL family for an autoincrementing integer primary key. */
function serialType(type: string): string {
  return type === "BIGINT" ? "BIGSERIAL" : type === "SMALLINT" ? "SMALLSERIAL" : "SERIAL";
}

/**
 * NULL / NOT NULL after a column. With an identity SQLAlchemy leaves NOT NULL out (the identity
 * implies it, primary key or not) and says NULL when the column was made nullable.
 */
function nullability(c: SQLCompiler, col: ColumnImpl): string {
  if (col.identity && c.dialect.name !== "sqlite") return col.nullable ? " NULL" : "";
  return col.nullable ? "" : " NOT NULL";
}

/**
 * The column definition inside CREATE TABLE. The display ("default") dialect follows
 * SQLAlchemy's generic DDL compiler: no SERIAL and no sequence default.
 */
function columnSpec(c: SQLCompiler, col: ColumnImpl, _table: Table): string {
  const pg = c.dialect.name === "postgresql";
  let type = typeName(c, col);
  if (pg && col.autoincrement && !col.identity && col.serverDefault === undefined && !col.sequence) type = serialType(type);
  let s = `${c.quoteIdentifier(col.name)} ${type}`;
  if (col.serverDefault !== undefined) s += ` DEFAULT ${typeof col.serverDefault === "string" ? c.renderStringLiteral(col.serverDefault) : literal(c, col.serverDefault)}`;
  else if (pg && col.sequence) s += ` DEFAULT nextval('${col.sequence.name.replace(/'/g, "''")}')`;
  if (col.computed) s += computedSql(c, col);
  // SQLite has no IDENTITY; as in SQLAlchemy the construct is left out there (an INTEGER PRIMARY
  // KEY autoincrements anyway).
  if (col.identity && c.dialect.name !== "sqlite") s += identitySql(c, col);
  return s + nullability(c, col);
}

function cols(c: SQLCompiler, list: readonly ColumnImpl[]): string {
  return list.map((x) => c.quoteIdentifier(x.name)).join(", ");
}

/** ` [NOT] DEFERRABLE [INITIALLY …]` (SQLAlchemy's `define_constraint_deferrability`). */
function deferrability(con: Constraint): string {
  let s = "";
  if (con.deferrable !== undefined) s += con.deferrable ? " DEFERRABLE" : " NOT DEFERRABLE";
  if (con.initially !== undefined) s += ` INITIALLY ${con.initially}`;
  return s;
}

function foreignKeyBody(c: SQLCompiler, con: ForeignKeyConstraint): string {
  const target = con.elements.map((e) => e.column);
  const ref = target[0].table as Table;
  let s = `FOREIGN KEY(${cols(c, con.columns)}) REFERENCES ${refName(c, ref)} (${cols(c, target)})`;
  if (con.opts.match !== undefined) s += ` MATCH ${con.opts.match}`;
  if (con.opts.onDelete) s += ` ON DELETE ${con.opts.onDelete}`;
  if (con.opts.onUpdate) s += ` ON UPDATE ${con.opts.onUpdate}`;
  return s;
}

/**
 * A table constraint's DDL, or undefined for an empty PRIMARY KEY / UNIQUE (which SQLAlchemy
 * leaves out of CREATE TABLE).
 */
function constraintSpec(c: SQLCompiler, con: PrimaryKeyConstraint | UniqueConstraint | CheckConstraint | ForeignKeyConstraint): string | undefined {
  const name = con.name ? `CONSTRAINT ${c.quoteIdentifier(con.name)} ` : "";
  let body: string;
  if (con instanceof PrimaryKeyConstraint || con instanceof UniqueConstraint) {
    if (!con.columns.length) return undefined;
    body = `${con instanceof PrimaryKeyConstraint ? "PRIMARY KEY" : "UNIQUE"} (${cols(c, con.columns)})`;
  } else if (con instanceof ForeignKeyConstraint) body = foreignKeyBody(c, con);
  // Not `instanceof CheckConstraint`: that would keep the class in bundles that declare no CHECK.
  else body = `CHECK (${ddlExpression(c, con.sqltext)})`;
  return name + body + deferrability(con);
}

function refName(c: SQLCompiler, t: Table): string {
  return t.schema ? `${c.quoteIdentifier(t.schema)}.${c.quoteIdentifier(t.name)}` : c.quoteIdentifier(t.name);
}

/**
 * `CREATE TABLE name (…)` with columns sorted by `sortOrder`, then constraints (SQLAlchemy's
 * `CreateTable`). `includeForeignKeyConstraints` limits which foreign keys render inline (an
 * empty list renders none), as SQLAlchemy's `include_foreign_key_constraints`.
 */
export class CreateTable extends DDLElement {
  readonly kind = "createTable";
  constructor(readonly table: Table, readonly opts: { ifNotExists?: boolean; includeForeignKeyConstraints?: readonly ForeignKeyConstraint[] } = {}) {
    super();
  }
  render(c: SQLCompiler): string {
    const t = this.table;
    const dialect = c.dialect.typeDialect;
    const columns = [...t.columnList].map((col, i) => ({ col, i })).sort((a, b) => a.col.sortOrder - b.col.sortOrder || a.i - b.i).map((x) => x.col);
    const lines = columns.map((col) => columnSpec(c, col, t));
    const pk = constraintSpec(c, t.primaryKey);
    if (pk) lines.push(pk);
    for (const con of t.constraints) {
      if (!con.appliesTo(dialect)) continue;
      // SQLite has no ALTER TABLE … ADD CONSTRAINT, so (as in SQLAlchemy) use-alter keys stay inline there.
      if (con instanceof ForeignKeyConstraint && ((con.opts.useAlter && dialect !== "sqlite") || !this.includesForeignKey(con))) continue;
      const s = constraintSpec(c, con as UniqueConstraint);
      if (s) lines.push(s);
    }
    for (const col of columns) {
      const en = col.type as { checkConstraintSql?: (sql: string) => string | undefined; nativeEnum?: boolean; name?: string; createConstraint?: boolean };
      const native = dialect === "postgresql" && en.nativeEnum !== false && en.name !== undefined;
      // SQLAlchemy 2.0's Enum adds no CHECK unless asked (create_constraint=True).
      if (typeof en.checkConstraintSql === "function" && en.createConstraint === true && !native) {
        const chk = en.checkConstraintSql(c.quoteIdentifier(col.name));
        if (chk) lines.push(`CHECK (${chk})`);
      }
    }
    return `CREATE TABLE ${this.opts.ifNotExists ? "IF NOT EXISTS " : ""}${refName(c, t)} (\n\t${lines.join(", \n\t")}\n)`;
  }
  private includesForeignKey(con: ForeignKeyConstraint): boolean {
    const only = this.opts.includeForeignKeyConstraints;
    return only === undefined || only.includes(con);
  }
}

/** `DROP TABLE name`. */
export class DropTable extends DDLElement {
  readonly kind = "dropTable";
  constructor(readonly table: Table, readonly opts: { ifExists?: boolean } = {}) {
    super();
  }
  render(c: SQLCompiler): string {
    return `DROP TABLE ${this.opts.ifExists ? "IF EXISTS " : ""}${refName(c, this.table)}`;
  }
}

/**
 * One element of an index. PostgreSQL needs an operator expression in its own parentheses
 * (`((data + 5))`), as SQLAlchemy's PostgreSQL compiler groups it.
 */
function indexElement(c: SQLCompiler, e: ColumnElement<unknown, string>): string {
  if (e instanceof ColumnImpl) return c.quoteIdentifier(e.name);
  const sql = ddlExpression(c, e);
  // By `kind`, not `instanceof`: that would keep the expression classes in every bundle.
  const grouped = c.dialect.name === "postgresql" && (e.kind === "binary" || e.kind === "booleanList");
  return grouped ? `(${sql})` : sql;
}

/** `CREATE [UNIQUE] INDEX name ON table (…) [WHERE …]`. */
export class CreateIndex extends DDLElement {
  readonly kind = "createIndex";
  constructor(readonly index: Index, readonly opts: { ifNotExists?: boolean } = {}) {
    super();
  }
  render(c: SQLCompiler): string {
    const ix = this.index;
    const t = ix.table;
    if (!t) throw new CompileError(`Index '${ix.name}' is not attached to a table`);
    const exprs = ix.columns().map((e) => indexElement(c, e));
    let s = `CREATE ${ix.unique ? "UNIQUE " : ""}INDEX ${this.opts.ifNotExists ? "IF NOT EXISTS " : ""}${c.quoteIdentifier(ix.name)} ON ${refName(c, t as Table)} (${exprs.join(", ")})`;
    // SQLAlchemy renders the predicate without table names; athanor's SQLite DDL has always
    // qualified it, which SQLite accepts, and keeps doing so.
    if (ix.where) s += ` WHERE ${c.dialect.name === "sqlite" ? literal(c, ix.where) : ddlExpression(c, ix.where)}`;
    return s;
  }
}

/** `DROP INDEX [schema.]name`: the index lives in its table's schema, as in SQLAlchemy. */
export class DropIndex extends DDLElement {
  readonly kind = "dropIndex";
  constructor(readonly index: Index, readonly opts: { ifExists?: boolean } = {}) {
    super();
  }
  render(c: SQLCompiler): string {
    const schema = this.index.table?.schema;
    const name = (schema ? `${c.quoteIdentifier(schema)}.` : "") + c.quoteIdentifier(this.index.name);
    return `DROP INDEX ${this.opts.ifExists ? "IF EXISTS " : ""}${name}`;
  }
}

function sequenceName(c: SQLCompiler, seq: Sequence): string {
  const schema = seq.opts.schema;
  return (schema ? `${c.quoteIdentifier(schema)}.` : "") + c.quoteIdentifier(seq.name);
}

/** `CREATE SEQUENCE name …` (PostgreSQL). */
export class CreateSequence extends DDLElement {
  readonly kind = "createSequence";
  constructor(readonly sequence: Sequence, readonly opts: { ifNotExists?: boolean } = {}) {
    super();
  }
  render(c: SQLCompiler): string {
    const options = identityOptionsSql(this.sequence.opts);
    // PostgreSQL's `AS <type>` (SQLAlchemy's PGDDLCompiler.visit_create_sequence prefix).
    const dt = this.sequence.opts.dataType;
    const as = dt !== undefined && c.dialect.name === "postgresql" ? ` AS ${toType(dt).compileType({ name: c.dialect.typeDialect })}` : "";
    return `CREATE SEQUENCE ${this.opts.ifNotExists ? "IF NOT EXISTS " : ""}${sequenceName(c, this.sequence)}${as}${options ? ` ${options}` : ""}`;
  }
}

/** `DROP SEQUENCE [IF EXISTS] [schema.]name`. */
export class DropSequence extends DDLElement {
  readonly kind = "dropSequence";
  constructor(readonly sequence: Sequence, readonly opts: { ifExists?: boolean } = {}) {
    super();
  }
  render(c: SQLCompiler): string {
    return `DROP SEQUENCE ${this.opts.ifExists ? "IF EXISTS " : ""}${sequenceName(c, this.sequence)}`;
  }
}

/** `COMMENT ON TABLE t IS '…'` (SQLAlchemy's `SetTableComment`). */
export class SetTableComment extends DDLElement {
  readonly kind = "setTableComment";
  constructor(readonly table: Table) {
    super();
  }
  render(c: SQLCompiler): string {
    return `COMMENT ON TABLE ${refName(c, this.table)} IS ${c.renderStringLiteral(this.table.comment ?? "")}`;
  }
}

/** `COMMENT ON COLUMN t.c IS '…'` (SQLAlchemy's `SetColumnComment`). */
export class SetColumnComment extends DDLElement {
  readonly kind = "setColumnComment";
  constructor(readonly column: ColumnImpl) {
    super();
  }
  render(c: SQLCompiler): string {
    const col = this.column;
    return `COMMENT ON COLUMN ${refName(c, col.parentTable)}.${c.quoteIdentifier(col.name)} IS ${c.renderStringLiteral(col.comment ?? "")}`;
  }
}

/** Raw DDL text (`CREATE TYPE …`). */
export class RawDDL extends DDLElement {
  readonly kind = "rawDdl";
  constructor(readonly sql: string) {
    super();
  }
  render(): string {
    return this.sql;
  }
}

interface EnumTypeLike {
  name?: string;
  nativeEnum?: boolean;
  createTypeDDL?: () => string;
  dropTypeDDL?: () => string;
}

function nativeEnums(tables: readonly Table[]): EnumTypeLike[] {
  const seen = new Map<string, EnumTypeLike>();
  for (const t of tables)
    for (const col of t.columnList) {
      const ty = col.type as unknown as EnumTypeLike;
      if (ty.name && ty.nativeEnum !== false && typeof ty.createTypeDDL === "function" && !seen.has(ty.name)) seen.set(ty.name, ty);
    }
  return [...seen.values()];
}

/** Sequences of the tables' columns, each once, in table and column order. */
function columnSequences(tables: readonly Table[]): Sequence[] {
  const out = new Set<Sequence>();
  for (const t of tables) for (const col of t.columnList) if (col.sequence) out.add(col.sequence);
  return [...out];
}

/** The table's column sequences not in `seen` yet (a sequence shared by tables is handled once). */
function newSequences(t: Table, seen: Set<Sequence>): Sequence[] {
  const fresh = columnSequences([t]).filter((s) => !seen.has(s));
  for (const s of fresh) seen.add(s);
  return fresh;
}

/** Sequences registered on the MetaData that no column of its tables uses (created on their own). */
function standaloneSequences(md: MetaData): Sequence[] {
  const used = new Set(columnSequences([...md.tables.values()]));
  return [...md.sequences.values()].filter((s) => !used.has(s));
}

/** `COMMENT ON TABLE` / `COMMENT ON COLUMN` for a table's comments (PostgreSQL has no inline form). */
function commentStatements(t: Table): DDLElement[] {
  const out: DDLElement[] = [];
  if (t.comment !== undefined) out.push(new SetTableComment(t));
  for (const col of t.columnList) if (col.comment !== undefined) out.push(new SetColumnComment(col));
  return out;
}

/**
 * Statements `createAll` runs, in SQLAlchemy's order: enum types and standalone sequences
 * (PostgreSQL); then per table its column sequences (PostgreSQL), CREATE TABLE, its indexes and
 * its comments (PostgreSQL); then use-alter foreign keys (PostgreSQL).
 */
export async function createAllStatements(md: MetaData, conn: DdlExecutor, opts: { checkFirst?: boolean; tables?: Table[] } = {}): Promise<DDLElement[]> {
  const dialect = conn.dialectName;
  const pg = dialect === "postgresql";
  const checkFirst = opts.checkFirst ?? true;
  const all = sortTablesByDependency(opts.tables ?? [...md.tables.values()]);
  const tables: TableImpl[] = [];
  for (const t of all) if (!checkFirst || !(await conn.hasTable(t.name, t.schema))) tables.push(t);
  const out: DDLElement[] = [];
  // Without a sequence existence check, IF NOT EXISTS stands in for SQLAlchemy's checkfirst.
  const seqOpts = { ifNotExists: checkFirst };
  const seen = new Set<Sequence>();
  if (pg) {
    for (const e of nativeEnums(tables)) out.push(new RawDDL(e.createTypeDDL!()));
    for (const s of standaloneSequences(md)) out.push(new CreateSequence(s, seqOpts));
  }
  for (const t of tables) {
    if (pg) for (const s of newSequences(t, seen)) out.push(new CreateSequence(s, seqOpts));
    out.push(new CreateTable(t));
    for (const ix of t.indexes) if (ix.appliesTo(dialect)) out.push(new CreateIndex(ix));
    if (pg) out.push(...commentStatements(t));
  }
  if (pg) {
    for (const t of tables)
      for (const fkc of t.foreignKeyConstraints)
        if (fkc.opts.useAlter && fkc.appliesTo(dialect)) out.push(new AddConstraint(t, fkc));
  }
  return out;
}

type TableConstraint = PrimaryKeyConstraint | UniqueConstraint | CheckConstraint | ForeignKeyConstraint;

/**
 * The table a constraint is altered on. A constraint built from a table's Column objects but
 * never attached is attached now, as SQLAlchemy attaches it on construction.
 */
function constraintTable(con: Constraint, table: Table | undefined): Table {
  const t = table ?? con.ownerTable;
  if (!t) throw new CompileError(`${con.constructor.name}${con.name ? ` '${con.name}'` : ""} is not attached to a table`);
  if (!con.table) t.appendConstraint(con);
  return t;
}

/**
 * `ALTER TABLE t ADD <constraint>` (SQLAlchemy's `AddConstraint`): `new AddConstraint(constraint)`
 * alters the constraint's own table; `new AddConstraint(table, constraint)` names it.
 * @throws CompileError when the constraint belongs to no table.
 */
export class AddConstraint extends DDLElement {
  readonly kind = "addConstraint";
  readonly table: Table | undefined;
  readonly constraint: TableConstraint;
  constructor(constraint: TableConstraint);
  constructor(table: Table | undefined, constraint: TableConstraint);
  constructor(a: Table | TableConstraint | undefined, b?: TableConstraint) {
    super();
    this.table = b === undefined ? undefined : (a as Table | undefined);
    this.constraint = b ?? (a as TableConstraint);
  }
  render(c: SQLCompiler): string {
    return `ALTER TABLE ${refName(c, constraintTable(this.constraint, this.table))} ADD ${constraintSpec(c, this.constraint) ?? ""}`;
  }
}

/**
 * `ALTER TABLE t DROP CONSTRAINT [IF EXISTS] name [CASCADE]` (SQLAlchemy's `DropConstraint`).
 * @throws CompileError when the constraint has no name or belongs to no table.
 */
export class DropConstraint extends DDLElement {
  readonly kind = "dropConstraint";
  constructor(readonly constraint: Constraint, readonly opts: { cascade?: boolean; ifExists?: boolean } = {}) {
    super();
  }
  render(c: SQLCompiler): string {
    const con = this.constraint;
    if (!con.name) throw new CompileError(`Can't emit DROP CONSTRAINT for constraint ${con.constructor.name}; it has no name`);
    const t = constraintTable(con, undefined);
    return `ALTER TABLE ${refName(c, t)} DROP CONSTRAINT ${this.opts.ifExists ? "IF EXISTS " : ""}${c.quoteIdentifier(con.name)}${this.opts.cascade ? " CASCADE" : ""}`;
  }
}

/**
 * Statements `dropAll` runs, in SQLAlchemy's order: use-alter foreign keys (PostgreSQL); then
 * tables, dependents first, each followed by its column sequences; then standalone sequences
 * and enum types (PostgreSQL).
 */
export async function dropAllStatements(md: MetaData, conn: DdlExecutor, opts: { checkFirst?: boolean; tables?: Table[] } = {}): Promise<DDLElement[]> {
  const dialect = conn.dialectName;
  const pg = dialect === "postgresql";
  const checkFirst = opts.checkFirst ?? true;
  const all = sortTablesByDependency(opts.tables ?? [...md.tables.values()]).reverse();
  const tables: TableImpl[] = [];
  for (const t of all) if (!checkFirst || (await conn.hasTable(t.name, t.schema))) tables.push(t);
  const out: DDLElement[] = [];
  const seqOpts = { ifExists: checkFirst };
  const seen = new Set<Sequence>();
  if (pg) {
    for (const t of tables)
      for (const fkc of t.foreignKeyConstraints)
        if (fkc.opts.useAlter && fkc.name) out.push(new DropConstraint(fkc));
  }
  for (const t of tables) {
    out.push(new DropTable(t));
    if (pg) for (const s of newSequences(t, seen)) out.push(new DropSequence(s, seqOpts));
  }
  if (pg) {
    for (const s of standaloneSequences(md)) out.push(new DropSequence(s, seqOpts));
    for (const e of nativeEnums(tables)) out.push(new RawDDL(e.dropTypeDDL!().replace(/^DROP TYPE /, "DROP TYPE IF EXISTS ")));
  }
  return out;
}

/** `isDdl` check. @internal */
export function isDdl(x: unknown): x is DDLElement {
  return x instanceof DDLElement;
}
export { ColumnElement };

/**
 * DDL constructs: CREATE/DROP TABLE, INDEX, SEQUENCE and PostgreSQL ENUM types, compiled per
 * dialect (SQLAlchemy's `sqlalchemy.sql.ddl`), and the statement lists behind
 * `MetaData.createAll()` / `dropAll()`.
 * @module
 */
import { CompileError } from "../errors.js";
import { ClauseElement, ColumnElement, TextClause } from "./elements.js";
import {
  ColumnImpl, ForeignKeyConstraint, Index, MetaData, PrimaryKeyConstraint, Sequence,
  sortTablesByDependency, TableImpl, UniqueConstraint, type CheckConstraint, type DdlExecutor, type Table,
} from "./schema.js";
import { NULLTYPE } from "./type-api.js";
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
  return col.type.compileType({ name: c.dialect.typeDialect });
}

function literal(c: SQLCompiler, v: unknown): string {
  if (v instanceof TextClause) return v.text;
  if (v instanceof ClauseElement) {
    const sub = c.dialect.createCompiler(v, { literalBinds: true }).compile();
    return sub.sql;
  }
  return c.renderLiteral(v, NULLTYPE);
}

/** The column definition inside CREATE TABLE. */
function columnSpec(c: SQLCompiler, col: ColumnImpl, _table: Table): string {
  const pg = c.dialect.typeDialect === "postgresql";
  let type = typeName(c, col);
  const serial = pg && col.autoincrement && !col.identity && col.serverDefault === undefined && !col.sequence;
  if (serial) type = type === "BIGINT" ? "BIGSERIAL" : type === "SMALLINT" ? "SMALLSERIAL" : "SERIAL";
  let s = `${c.quoteIdentifier(col.name)} ${type}`;
  if (col.serverDefault !== undefined) s += ` DEFAULT ${typeof col.serverDefault === "string" ? c.renderStringLiteral(col.serverDefault) : literal(c, col.serverDefault)}`;
  else if (pg && col.sequence) s += ` DEFAULT nextval('${col.sequence.name.replace(/'/g, "''")}')`;
  if (col.computed) {
    const expr = typeof col.computed.sqltext === "string" ? col.computed.sqltext : literal(c, col.computed.sqltext);
    s += ` GENERATED ALWAYS AS (${expr})`;
    const persisted = col.computed.opts.persisted;
    if (pg || persisted === true) s += " STORED";
    else if (persisted === false) s += " VIRTUAL";
  }
  // SQLite has no IDENTITY; as in SQLAlchemy the construct is left out there (an INTEGER PRIMARY
  // KEY autoincrements anyway).
  if (col.identity && pg) {
    const o = col.identity.opts;
    s += ` GENERATED ${o.always ? "ALWAYS" : "BY DEFAULT"} AS IDENTITY`;
    const parts: string[] = [];
    if (o.start !== undefined) parts.push(`START WITH ${o.start}`);
    if (o.increment !== undefined) parts.push(`INCREMENT BY ${o.increment}`);
    if (o.minvalue !== undefined) parts.push(`MINVALUE ${o.minvalue}`);
    if (o.maxvalue !== undefined) parts.push(`MAXVALUE ${o.maxvalue}`);
    if (o.cache !== undefined) parts.push(`CACHE ${o.cache}`);
    if (o.cycle) parts.push("CYCLE");
    if (parts.length) s += ` (${parts.join(" ")})`;
  }
  if (!col.nullable || col.primaryKey) s += " NOT NULL";
  return s;
}

function cols(c: SQLCompiler, list: readonly ColumnImpl[]): string {
  return list.map((x) => c.quoteIdentifier(x.name)).join(", ");
}

function constraintSpec(c: SQLCompiler, con: PrimaryKeyConstraint | UniqueConstraint | CheckConstraint | ForeignKeyConstraint): string | undefined {
  const name = con.name ? `CONSTRAINT ${c.quoteIdentifier(con.name)} ` : "";
  if (con instanceof PrimaryKeyConstraint) return con.columns.length ? `${name}PRIMARY KEY (${cols(c, con.columns)})` : undefined;
  if (con instanceof UniqueConstraint) return `${name}UNIQUE (${cols(c, con.columns)})`;
  // Not `instanceof CheckConstraint`: that would keep the class in bundles that declare no CHECK.
  if (!(con instanceof ForeignKeyConstraint)) return `${name}CHECK (${typeof con.sqltext === "string" ? con.sqltext : literal(c, con.sqltext)})`;
  const target = con.elements.map((e) => e.column);
  const ref = target[0].table as Table;
  let s = `${name}FOREIGN KEY(${cols(c, con.columns)}) REFERENCES ${refName(c, ref)} (${cols(c, target)})`;
  if (con.opts.onDelete) s += ` ON DELETE ${con.opts.onDelete}`;
  if (con.opts.onUpdate) s += ` ON UPDATE ${con.opts.onUpdate}`;
  if (con.opts.deferrable !== undefined) s += con.opts.deferrable ? " DEFERRABLE" : " NOT DEFERRABLE";
  if (con.opts.initially) s += ` INITIALLY ${con.opts.initially}`;
  return s;
}

function refName(c: SQLCompiler, t: Table): string {
  return t.schema ? `${c.quoteIdentifier(t.schema)}.${c.quoteIdentifier(t.name)}` : c.quoteIdentifier(t.name);
}

/** `CREATE TABLE name (…)` with columns sorted by `sortOrder`, then constraints. */
export class CreateTable extends DDLElement {
  readonly kind = "createTable";
  constructor(readonly table: Table, readonly opts: { ifNotExists?: boolean } = {}) {
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
      if (con instanceof ForeignKeyConstraint && con.opts.useAlter) continue;
      const s = constraintSpec(c, con as UniqueConstraint);
      if (s) lines.push(s);
    }
    for (const col of columns) {
      const en = col.type as { checkConstraintSql?: (sql: string) => string | undefined; nativeEnum?: boolean; name?: string };
      const native = dialect === "postgresql" && en.nativeEnum !== false && en.name !== undefined;
      if (typeof en.checkConstraintSql === "function" && !native) {
        const chk = en.checkConstraintSql(c.quoteIdentifier(col.name));
        if (chk) lines.push(`CHECK (${chk})`);
      }
    }
    return `CREATE TABLE ${this.opts.ifNotExists ? "IF NOT EXISTS " : ""}${refName(c, t)} (\n\t${lines.join(", \n\t")}\n)`;
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
    const exprs = ix.columns().map((e) => (e instanceof ColumnImpl ? c.quoteIdentifier(e.name) : literal(c, e)));
    let s = `CREATE ${ix.unique ? "UNIQUE " : ""}INDEX ${this.opts.ifNotExists ? "IF NOT EXISTS " : ""}${c.quoteIdentifier(ix.name)} ON ${refName(c, t as Table)} (${exprs.join(", ")})`;
    if (ix.where) s += ` WHERE ${literal(c, ix.where)}`;
    return s;
  }
}

/** `DROP INDEX name`. */
export class DropIndex extends DDLElement {
  readonly kind = "dropIndex";
  constructor(readonly index: Index, readonly opts: { ifExists?: boolean } = {}) {
    super();
  }
  render(c: SQLCompiler): string {
    return `DROP INDEX ${this.opts.ifExists ? "IF EXISTS " : ""}${c.quoteIdentifier(this.index.name)}`;
  }
}

/** `CREATE SEQUENCE name …` (PostgreSQL). */
export class CreateSequence extends DDLElement {
  readonly kind = "createSequence";
  constructor(readonly sequence: Sequence, readonly opts: { ifNotExists?: boolean } = {}) {
    super();
  }
  render(c: SQLCompiler): string {
    const o = this.sequence.opts;
    let s = `CREATE SEQUENCE ${this.opts.ifNotExists ? "IF NOT EXISTS " : ""}${c.quoteIdentifier(this.sequence.name)}`;
    if (o.increment !== undefined) s += ` INCREMENT BY ${o.increment}`;
    if (o.start !== undefined) s += ` START WITH ${o.start}`;
    if (o.minvalue !== undefined) s += ` MINVALUE ${o.minvalue}`;
    if (o.maxvalue !== undefined) s += ` MAXVALUE ${o.maxvalue}`;
    if (o.cache !== undefined) s += ` CACHE ${o.cache}`;
    if (o.cycle) s += " CYCLE";
    return s;
  }
}

/** `DROP SEQUENCE name`. */
export class DropSequence extends DDLElement {
  readonly kind = "dropSequence";
  constructor(readonly sequence: Sequence) {
    super();
  }
  render(c: SQLCompiler): string {
    return `DROP SEQUENCE ${c.quoteIdentifier(this.sequence.name)}`;
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

function sequencesOf(md: MetaData, tables: readonly Table[]): Sequence[] {
  const out = new Set<Sequence>(md.sequences.values());
  for (const t of tables) for (const col of t.columnList) if (col.sequence) out.add(col.sequence);
  return [...out];
}

/** Statements `createAll` runs, in order: enum types and sequences (PostgreSQL), tables, indexes. */
export async function createAllStatements(md: MetaData, conn: DdlExecutor, opts: { checkFirst?: boolean; tables?: Table[] } = {}): Promise<DDLElement[]> {
  const dialect = conn.dialectName;
  const checkFirst = opts.checkFirst ?? true;
  const all = sortTablesByDependency(opts.tables ?? [...md.tables.values()]);
  const tables: TableImpl[] = [];
  for (const t of all) if (!checkFirst || !(await conn.hasTable(t.name, t.schema))) tables.push(t);
  const out: DDLElement[] = [];
  if (dialect === "postgresql") {
    for (const e of nativeEnums(tables)) out.push(new RawDDL(e.createTypeDDL!()));
    for (const s of sequencesOf(md, tables)) out.push(new CreateSequence(s, { ifNotExists: true }));
  }
  for (const t of tables) out.push(new CreateTable(t));
  for (const t of tables) for (const ix of t.indexes) if (ix.appliesTo(dialect)) out.push(new CreateIndex(ix));
  if (dialect === "postgresql") {
    for (const t of tables)
      for (const fkc of t.foreignKeyConstraints)
        if (fkc.opts.useAlter && fkc.appliesTo(dialect)) out.push(new AddConstraint(t, fkc));
  }
  return out;
}

/** `ALTER TABLE t ADD <constraint>` (use-alter foreign keys). */
export class AddConstraint extends DDLElement {
  readonly kind = "addConstraint";
  constructor(readonly table: Table, readonly constraint: ForeignKeyConstraint) {
    super();
  }
  render(c: SQLCompiler): string {
    return `ALTER TABLE ${refName(c, this.table)} ADD ${constraintSpec(c, this.constraint)}`;
  }
}

/** Statements `dropAll` runs: tables in reverse dependency order, then sequences and enum types. */
export async function dropAllStatements(md: MetaData, conn: DdlExecutor, opts: { checkFirst?: boolean; tables?: Table[] } = {}): Promise<DDLElement[]> {
  const dialect = conn.dialectName;
  const checkFirst = opts.checkFirst ?? true;
  const all = sortTablesByDependency(opts.tables ?? [...md.tables.values()]).reverse();
  const tables: TableImpl[] = [];
  for (const t of all) if (!checkFirst || (await conn.hasTable(t.name, t.schema))) tables.push(t);
  const out: DDLElement[] = [];
  if (dialect === "postgresql") {
    for (const t of tables)
      for (const fkc of t.foreignKeyConstraints)
        if (fkc.opts.useAlter && fkc.name) out.push(new RawDDL(`ALTER TABLE ${t.name} DROP CONSTRAINT ${fkc.name}`));
  }
  for (const t of tables) out.push(new DropTable(t));
  if (dialect === "postgresql") {
    for (const s of sequencesOf(md, tables)) out.push(new RawDDL(`DROP SEQUENCE IF EXISTS ${s.name}`));
    for (const e of nativeEnums(tables)) out.push(new RawDDL(e.dropTypeDDL!().replace(/^DROP TYPE /, "DROP TYPE IF EXISTS ")));
  }
  return out;
}

/** `isDdl` check. @internal */
export function isDdl(x: unknown): x is DDLElement {
  return x instanceof DDLElement;
}
export { ColumnElement };

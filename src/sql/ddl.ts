/**
 * DDL constructs: CREATE/DROP TABLE, INDEX, SEQUENCE and PostgreSQL ENUM types, compiled per
 * dialect (SQLAlchemy's `sqlalchemy.sql.ddl`), and the statement lists behind
 * `MetaData.createAll()` / `dropAll()`.
 * @module
 */
import { CircularDependencyError, CompileError, IdentifierError } from "../errors.js";
import { warn } from "../warnings.js";
import { ClauseElement, ColumnElement, TextClause } from "./elements.js";
import {
  applyNamingConvention, ColumnImpl, Constraint, conventionName, FetchedValue, ForeignKeyConstraint, Index, MetaData, PrimaryKeyConstraint, Sequence,
  sortTablesAndConstraints, tableNames, UniqueConstraint, type CheckConstraint, type ConventionNamed, type DdlExecutor, type IdentityOptions, type Table,
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
 * Whether SQLite renders the column as `PRIMARY KEY AUTOINCREMENT` inline (and leaves the
 * table's PRIMARY KEY out): the table asks `sqliteAutoincrement` and the column is its single
 * integer primary key without a foreign key.
 */
function sqliteInlineAutoincrement(c: SQLCompiler, col: ColumnImpl, table: Table): boolean {
  return c.dialect.name === "sqlite" && table.tableOptions.sqliteAutoincrement === true && col.primaryKey
    && table.primaryKey.columns.length === 1 && col.type.affinity === "integer" && col.foreignKeys.length === 0;
}

/**
 * SQLite's primary key suffix of a column.
 * @throws CompileError for `autoincrement: true` on a composite primary key, which SQLite cannot do.
 */
function sqlitePrimaryKeySuffix(c: SQLCompiler, col: ColumnImpl, table: Table): string {
  if (c.dialect.name !== "sqlite" || !col.primaryKey) return "";
  if (col.autoincrementOption === true && table.primaryKey.columns.length !== 1) {
    throw new CompileError("SQLite does not support autoincrement for composite primary keys");
  }
  return sqliteInlineAutoincrement(c, col, table) ? " PRIMARY KEY AUTOINCREMENT" : "";
}

/**
 * The column definition inside CREATE TABLE. The display ("default") dialect follows
 * SQLAlchemy's generic DDL compiler: no SERIAL and no sequence default.
 */
function columnSpec(c: SQLCompiler, col: ColumnImpl, table: Table): string {
  const pg = c.dialect.name === "postgresql";
  let type = typeName(c, col);
  if (pg && col.autoincrement && !col.identity && col.serverDefault === undefined && !col.sequence) type = serialType(type);
  let s = `${c.quoteIdentifier(col.name, col.quote)} ${type}`;
  // A FetchedValue is generated by the database (a trigger): nothing to declare.
  if (col.serverDefault !== undefined && !(col.serverDefault instanceof FetchedValue)) s += ` DEFAULT ${typeof col.serverDefault === "string" ? c.renderStringLiteral(col.serverDefault) : literal(c, col.serverDefault)}`;
  else if (pg && col.sequence) s += ` DEFAULT nextval('${col.sequence.name.replace(/'/g, "''")}')`;
  if (col.computed) s += computedSql(c, col);
  // SQLite has no IDENTITY; as in SQLAlchemy the construct is left out there (an INTEGER PRIMARY
  // KEY autoincrements anyway).
  if (col.identity && c.dialect.name !== "sqlite") s += identitySql(c, col);
  return s + nullability(c, col) + sqlitePrimaryKeySuffix(c, col, table);
}

function cols(c: SQLCompiler, list: readonly ColumnImpl[]): string {
  return list.map((x) => c.quoteIdentifier(x.name, x.quote)).join(", ");
}

/**
 * The longest identifier the dialect takes: a dialect's own `maxIdentifierLength`, else
 * PostgreSQL's 63 and SQLAlchemy's 9999 for SQLite and the display dialect.
 */
function maxIdentifierLength(c: SQLCompiler): number {
  const own = (c.dialect as { maxIdentifierLength?: number }).maxIdentifierLength;
  return own ?? maxIdentifierLengthFor(c.dialect.name);
}

/** PostgreSQL's NAMEDATALEN - 1; SQLite has no limit worth checking. */
function maxIdentifierLengthFor(dialect: string): number {
  return dialect === "postgresql" ? 63 : 9999;
}

/**
 * SQLAlchemy's `Dialect.validate_identifier`: a name the database would cut.
 * @throws IdentifierError "Identifier '…' exceeds maximum length of N characters".
 */
function validateIdentifier(name: string, max: number): void {
  if (name.length > max) throw new IdentifierError(`Identifier '${name}' exceeds maximum length of ${max} characters`);
}

/**
 * A convention (or `conv()`) name longer than the dialect allows is cut to fit and ends in
 * four hex digits of its MD5, so that distinct long names stay distinct (SQLAlchemy's
 * `_truncate_and_render_maxlen_name`). Also used where a statement names a constraint (ON
 * CONFLICT ON CONSTRAINT), so that it names the constraint DDL created. @internal
 */
export function fitName(c: SQLCompiler, name: string, isConv: boolean): string {
  const max = maxIdentifierLength(c);
  if (!isConv) validateIdentifier(name, max);
  if (!isConv || name.length <= max) return name;
  return `${name.slice(0, max - 8)}_${md5Hex(name).slice(-4)}`;
}

/** The quoted name of a constraint or index, naming a pending convention name first. */
function ddlName(c: SQLCompiler, named: ConventionNamed, table: Table | undefined): string | undefined {
  if (named.conventionPending && table) applyNamingConvention(named, table);
  return named.name === undefined ? undefined : c.quoteIdentifier(fitName(c, named.name, named.nameIsConv));
}

/** SQLAlchemy's `FK_ON_DELETE` / `FK_ON_UPDATE`. */
const FK_ACTION = /^(?:RESTRICT|CASCADE|SET NULL|NO ACTION|SET DEFAULT)$/i;
/** PostgreSQL's ON DELETE also takes SET NULL / SET DEFAULT with a column list. */
const PG_FK_ON_DELETE = /^(?:RESTRICT|CASCADE|SET (?:NULL|DEFAULT)(?:\s*\(.+\))?|NO ACTION)$/i;
const FK_INITIALLY = /^(?:DEFERRED|IMMEDIATE)$/i;

/**
 * A keyword phrase checked before it is written into DDL (SQLAlchemy's `validate_sql_phrase`).
 * @throws CompileError when it does not match.
 */
function sqlPhrase(phrase: string, re: RegExp): string {
  if (!re.test(phrase)) throw new CompileError(`Unexpected SQL phrase: '${phrase}' (matching against '${re.source}')`);
  return phrase;
}

/** ` [NOT] DEFERRABLE [INITIALLY …]` (SQLAlchemy's `define_constraint_deferrability`). */
function deferrability(con: Constraint): string {
  let s = "";
  if (con.deferrable !== undefined) s += con.deferrable ? " DEFERRABLE" : " NOT DEFERRABLE";
  if (con.initially !== undefined) s += ` INITIALLY ${sqlPhrase(con.initially, FK_INITIALLY)}`;
  return s;
}

function foreignKeyBody(c: SQLCompiler, con: ForeignKeyConstraint): string {
  const target = con.elements.map((e) => e.column);
  const ref = target[0].table as Table;
  // SQLite names the referenced table without its schema (SQLAlchemy's `define_constraint_remote_table`).
  const refSql = c.dialect.name === "sqlite" ? c.quoteIdentifier(ref.name, ref.quote) : refName(c, ref);
  let s = `FOREIGN KEY(${cols(c, con.columns)}) REFERENCES ${refSql} (${cols(c, target)})`;
  if (con.opts.match !== undefined) s += ` MATCH ${con.opts.match}`;
  if (con.opts.onDelete) s += ` ON DELETE ${sqlPhrase(con.opts.onDelete, c.dialect.name === "postgresql" ? PG_FK_ON_DELETE : FK_ACTION)}`;
  if (con.opts.onUpdate) s += ` ON UPDATE ${sqlPhrase(con.opts.onUpdate, FK_ACTION)}`;
  return s;
}

/**
 * `PRIMARY KEY (…)` / `UNIQUE (…)`; PostgreSQL adds `NULLS [NOT] DISTINCT` to UNIQUE and
 * `INCLUDE (…)` to either.
 */
function keyBody(c: SQLCompiler, con: PrimaryKeyConstraint | UniqueConstraint): string {
  const pg = c.dialect.name === "postgresql";
  const o = con.postgresql;
  const isPk = con instanceof PrimaryKeyConstraint;
  const nulls = pg && !isPk ? nullsDistinct(o.postgresqlNullsNotDistinct).trimStart() : "";
  const include = pg && con.table ? includeClause(c, con.table, o.postgresqlInclude) : "";
  return `${isPk ? "PRIMARY KEY" : "UNIQUE"} ${nulls ? `${nulls} ` : ""}(${cols(c, con.columns)})${include}`;
}

/**
 * A table constraint's DDL, or undefined for an empty PRIMARY KEY / UNIQUE (which SQLAlchemy
 * leaves out of CREATE TABLE).
 */
function constraintSpec(c: SQLCompiler, con: PrimaryKeyConstraint | UniqueConstraint | CheckConstraint | ForeignKeyConstraint): string | undefined {
  const quoted = ddlName(c, con, con.table);
  const name = quoted ? `CONSTRAINT ${quoted} ` : "";
  let body: string;
  let notValid = false;
  if (con instanceof PrimaryKeyConstraint || con instanceof UniqueConstraint) {
    if (!con.columns.length) return undefined;
    if (con instanceof PrimaryKeyConstraint && con.table && con.columns.length === 1 && sqliteInlineAutoincrement(c, con.columns[0], con.table)) return undefined;
    body = keyBody(c, con);
  } else {
    // SQLite cannot reference a table in another schema (attached database), so it leaves such keys out.
    if (con instanceof ForeignKeyConstraint && c.dialect.name === "sqlite" && crossSchema(con)) return undefined;
    notValid = c.dialect.name === "postgresql" && con.postgresql.postgresqlNotValid === true;
    // Not `instanceof CheckConstraint`: that would keep the class in bundles that declare no CHECK.
    body = con instanceof ForeignKeyConstraint ? foreignKeyBody(c, con) : `CHECK (${ddlExpression(c, (con as CheckConstraint).sqltext)})`;
  }
  return name + body + deferrability(con) + (notValid ? " NOT VALID" : "");
}

function crossSchema(con: ForeignKeyConstraint): boolean {
  const local = con.elements[0]?.parent.table as Table | undefined;
  const remote = con.elements[0]?.column.table as Table | undefined;
  return local?.schema !== remote?.schema;
}

function refName(c: SQLCompiler, t: Table): string {
  const name = c.quoteIdentifier(t.name, t.quote);
  return t.schema ? `${c.quoteIdentifier(t.schema, t.quoteSchema)}.${name}` : name;
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
        const chk = en.checkConstraintSql(c.quoteIdentifier(col.name, col.quote));
        if (chk) lines.push(`${enumCheckName(c, t, col, en.name)}CHECK (${chk})`);
      }
    }
    return `CREATE TABLE ${this.opts.ifNotExists ? "IF NOT EXISTS " : ""}${refName(c, t)} (\n\t${lines.join(", \n\t")}\n)${postCreateTable(c, t)}`;
  }
  private includesForeignKey(con: ForeignKeyConstraint): boolean {
    const only = this.opts.includeForeignKeyConstraints;
    return only === undefined || only.includes(con);
  }
}

/**
 * `CONSTRAINT name ` of an Enum's CHECK: the type's name, or the `ck` naming convention's
 * name, which SQLAlchemy makes at compile time for a type without a name.
 * @throws InvalidRequestError when the convention needs `%(constraint_name)s` and the type has no name.
 */
function enumCheckName(c: SQLCompiler, t: Table, col: ColumnImpl, typeName: string | undefined): string {
  const target: ConventionNamed = { name: typeName, nameIsConv: false, conventionPending: false, conventionKey: "ck", conventionColumns: [col] };
  const made = conventionName(target, t);
  const name = made ?? typeName;
  return name ? `CONSTRAINT ${c.quoteIdentifier(fitName(c, name, made !== undefined))} ` : "";
}

/** Table options after the column list (SQLAlchemy's `post_create_table`). */
function postCreateTable(c: SQLCompiler, t: Table): string {
  const o = t.tableOptions;
  if (c.dialect.name === "sqlite") {
    const parts = [...(o.sqliteWithRowid === false ? ["WITHOUT ROWID"] : []), ...(o.sqliteStrict ? ["STRICT"] : [])];
    return parts.length ? `\n ${parts.join(",\n ")}` : "";
  }
  if (c.dialect.name !== "postgresql") return "";
  const parts: string[] = [];
  if (o.postgresqlInherits !== undefined) {
    const parents = typeof o.postgresqlInherits === "string" ? [o.postgresqlInherits] : o.postgresqlInherits;
    parts.push(`INHERITS (${parents.map((p) => c.quoteIdentifier(p)).join(", ")})`);
  }
  if (o.postgresqlPartitionBy) parts.push(`PARTITION BY ${o.postgresqlPartitionBy}`);
  if (o.postgresqlUsing) parts.push(`USING ${o.postgresqlUsing}`);
  const storage = o.postgresqlWith ? withClause(o.postgresqlWith).trimStart() : "";
  if (storage) parts.push(storage);
  if (o.postgresqlWithOids !== undefined) parts.push(o.postgresqlWithOids ? "WITH OIDS" : "WITHOUT OIDS");
  if (o.postgresqlOnCommit) parts.push(`ON COMMIT ${o.postgresqlOnCommit.replace(/_/g, " ").toUpperCase()}`);
  if (o.postgresqlTablespace) parts.push(`TABLESPACE ${c.quoteIdentifier(o.postgresqlTablespace)}`);
  return parts.map((p) => `\n ${p}`).join("");
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
 * One element of an index: a label renders its expression. PostgreSQL needs an operator
 * expression in its own parentheses (`((data + 5))`), as SQLAlchemy's PostgreSQL compiler
 * groups it, and may follow an element with its `postgresqlOps` operator class by key.
 */
function indexElement(c: SQLCompiler, ix: Index, e: ColumnElement<unknown, string> | TextClause): string {
  const pg = c.dialect.name === "postgresql";
  const opclass = pg && e instanceof ColumnElement && e.key !== undefined ? ix.opts.postgresqlOps?.[e.key] : undefined;
  // By `kind`, not `instanceof`: that would keep the expression classes in every bundle.
  const inner = e.kind === "label" ? (e as unknown as { element: ColumnElement<unknown, string> }).element : e;
  let sql: string;
  if (inner instanceof ColumnImpl) sql = c.quoteIdentifier(inner.name, inner.quote);
  else {
    sql = ddlExpression(c, inner);
    if (pg && (inner.kind === "binary" || inner.kind === "booleanList")) sql = `(${sql})`;
  }
  return opclass ? `${sql} ${opclass}` : sql;
}

/** SQLAlchemy's `IDX_USING`: an index method is a bare word. */
const INDEX_METHOD = /^\w+$/;

/** `USING method ` for PostgreSQL, lower case. @throws CompileError for anything but a bare word. */
function indexUsing(method: string | undefined): string {
  if (method === undefined) return "";
  if (!INDEX_METHOD.test(method)) throw new CompileError(`Unexpected SQL phrase: '${method}'`);
  return `USING ${method.toLowerCase()} `;
}

/** `WITH (k = v, …)` storage parameters (SQLAlchemy's `_prepare_withclause_opts`). */
function withClause(opts: Readonly<Record<string, string | number | boolean | null>>): string {
  const parts = Object.entries(opts).map(([k, v]) => (v === null ? k : `${k} = ${typeof v === "boolean" ? String(v) : v}`));
  return parts.length ? ` WITH (${parts.join(", ")})` : "";
}

/** ` INCLUDE (cols)` of a PostgreSQL covering index or constraint (SQLAlchemy's `_define_include`). */
function includeClause(c: SQLCompiler, table: Table, cols: readonly (string | ColumnElement<unknown, string>)[] | undefined): string {
  if (!cols?.length) return "";
  const names = cols.map((x) => (typeof x === "string" ? (table.columnByNameOrKey(x)?.name ?? x) : ((x as ColumnImpl).name ?? "")));
  return ` INCLUDE (${names.map((n) => c.quoteIdentifier(n)).join(", ")})`;
}

/** ` NULLS [NOT] DISTINCT` when stated. */
function nullsDistinct(flag: boolean | undefined): string {
  return flag === undefined ? "" : flag ? " NULLS NOT DISTINCT" : " NULLS DISTINCT";
}

/** PostgreSQL's clauses after the element list: INCLUDE, NULLS [NOT] DISTINCT, WITH, TABLESPACE. */
function pgIndexTail(c: SQLCompiler, ix: Index, t: Table): string {
  const o = ix.opts;
  let s = includeClause(c, t, o.postgresqlInclude) + nullsDistinct(o.postgresqlNullsNotDistinct);
  if (o.postgresqlWith) s += withClause(o.postgresqlWith);
  if (o.postgresqlTablespace) s += ` TABLESPACE ${c.quoteIdentifier(o.postgresqlTablespace)}`;
  return s;
}

/** The partial-index predicate for the dialect: its own option first, then the generic `where`. */
function indexWhere(c: SQLCompiler, ix: Index): ClauseElement | undefined {
  const d = c.dialect.name;
  if (d === "postgresql") return ix.opts.postgresqlWhere ?? ix.where;
  if (d === "sqlite") return ix.opts.sqliteWhere ?? ix.where;
  return ix.where;
}

/** The quoted index name. @throws CompileError when the index has none (no name and no `ix` convention). */
function indexName(c: SQLCompiler, ix: Index, verb: "CREATE" | "DROP"): string {
  const name = ddlName(c, ix, ix.table);
  if (name === undefined) throw new CompileError(`${verb} INDEX requires that the index have a name`);
  return name;
}

/**
 * `CREATE [UNIQUE] INDEX name ON table (…) [WHERE …]`, with PostgreSQL's CONCURRENTLY, USING,
 * operator classes, INCLUDE, NULLS [NOT] DISTINCT, WITH and TABLESPACE from the index options.
 */
export class CreateIndex extends DDLElement {
  readonly kind = "createIndex";
  constructor(readonly index: Index, readonly opts: { ifNotExists?: boolean } = {}) {
    super();
  }
  render(c: SQLCompiler): string {
    const ix = this.index;
    const t = ix.table;
    if (!t) throw new CompileError(`Index${ix.name === undefined ? "" : ` '${ix.name}'`} is not attached to a table`);
    const pg = c.dialect.name === "postgresql";
    const exprs = ix.columns().map((e) => indexElement(c, ix, e));
    const concurrently = pg && ix.opts.postgresqlConcurrently ? "CONCURRENTLY " : "";
    // SQLite puts the schema on the index name, never on the table (`CREATE INDEX main.ix ON t`),
    // as SQLAlchemy's SQLite DDL compiler; elsewhere the table carries it.
    const sqliteSchema = c.dialect.name === "sqlite" && t.schema ? `${c.quoteIdentifier(t.schema, (t as Table).quoteSchema)}.` : "";
    const on = sqliteSchema ? c.quoteIdentifier(t.name, (t as Table).quote) : refName(c, t as Table);
    let s = `CREATE ${ix.unique ? "UNIQUE " : ""}INDEX ${concurrently}${this.opts.ifNotExists ? "IF NOT EXISTS " : ""}${sqliteSchema}${indexName(c, ix, "CREATE")} ON ${on} `;
    s += `${pg ? indexUsing(ix.opts.postgresqlUsing) : ""}(${exprs.join(", ")})`;
    if (pg) s += pgIndexTail(c, ix, t as Table);
    const where = indexWhere(c, ix);
    // SQLAlchemy renders the predicate without table names. athanor's SQLite DDL has always
    // qualified the generic `where`, which SQLite accepts, and keeps doing so; `sqliteWhere`
    // renders as SQLAlchemy's `sqlite_where`.
    const qualified = c.dialect.name === "sqlite" && where === ix.where && ix.opts.sqliteWhere === undefined;
    if (where) s += ` WHERE ${qualified ? literal(c, where) : ddlExpression(c, where)}`;
    return s;
  }
}

/** `DROP INDEX [CONCURRENTLY] [schema.]name`: the index lives in its table's schema, as in SQLAlchemy. */
export class DropIndex extends DDLElement {
  readonly kind = "dropIndex";
  constructor(readonly index: Index, readonly opts: { ifExists?: boolean } = {}) {
    super();
  }
  render(c: SQLCompiler): string {
    const ix = this.index;
    const schema = ix.table?.schema;
    const name = (schema ? `${c.quoteIdentifier(schema, ix.table?.quoteSchema)}.` : "") + indexName(c, ix, "DROP");
    const concurrently = c.dialect.name === "postgresql" && ix.opts.postgresqlConcurrently ? "CONCURRENTLY " : "";
    return `DROP INDEX ${concurrently}${this.opts.ifExists ? "IF EXISTS " : ""}${name}`;
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
    return `COMMENT ON COLUMN ${refName(c, col.parentTable)}.${c.quoteIdentifier(col.name, col.quote)} IS ${c.renderStringLiteral(col.comment ?? "")}`;
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

/** Tables `createAll` / `dropAll` consider: the given ones or the MetaData's, in definition order. */
async function candidateTables(md: MetaData, conn: DdlExecutor, opts: { checkFirst?: boolean; tables?: Table[] }, wantExisting: boolean): Promise<Table[]> {
  const out: Table[] = [];
  const all = opts.tables ?? [...md.tables.values()];
  // Before any existence check, as SQLAlchemy's SchemaGenerator / SchemaDropper.
  for (const t of all) validateIdentifier(t.name, maxIdentifierLengthFor(conn.dialectName));
  for (const t of all) {
    if (!(opts.checkFirst ?? true) || (await conn.hasTable(t.name, t.schema)) === wantExisting) out.push(t);
  }
  return out;
}

/** SQLite has no ALTER TABLE … ADD / DROP CONSTRAINT (SQLAlchemy's `supports_alter`). */
function supportsAlter(dialect: string): boolean {
  return dialect !== "sqlite";
}

/** Options of {@link createAllStatements} / {@link dropAllStatements}. */
export interface DdlRunOptions {
  /** Skip tables that exist (create) or do not (drop); default true. */
  readonly checkFirst?: boolean;
  /** Only these tables (and their own sequences and indexes). */
  readonly tables?: Table[];
  /**
   * Also the MetaData's standalone sequences, and on drop the enum types (default true);
   * false for `Table.create()` / `Table.drop()`, which touch only the table's own objects.
   */
  readonly standalone?: boolean;
}

/**
 * Statements `createAll` runs, in SQLAlchemy's order: enum types and standalone sequences
 * (PostgreSQL); then, tables sorted by dependency, per table its column sequences
 * (PostgreSQL), CREATE TABLE, its indexes and its comments (PostgreSQL); then ALTER TABLE ADD
 * for use-alter foreign keys and those of tables in a dependency cycle (not on SQLite, which
 * keeps them inline). With `checkFirst` (default) tables that exist are left out.
 */
export async function createAllStatements(md: MetaData, conn: DdlExecutor, opts: DdlRunOptions = {}): Promise<DDLElement[]> {
  const dialect = conn.dialectName;
  const pg = dialect === "postgresql";
  const alter = supportsAlter(dialect);
  const tables = await candidateTables(md, conn, opts, false);
  const out: DDLElement[] = [];
  // Without a sequence existence check, IF NOT EXISTS stands in for SQLAlchemy's checkfirst.
  const seqOpts = { ifNotExists: opts.checkFirst ?? true };
  const seen = new Set<Sequence>();
  if (pg) {
    for (const e of nativeEnums(tables)) out.push(new RawDDL(e.createTypeDDL!()));
    if (opts.standalone !== false) for (const s of standaloneSequences(md)) out.push(new CreateSequence(s, seqOpts));
  }
  for (const [t, fkcs] of sortTablesAndConstraints(tables)) {
    if (!t) {
      if (alter) for (const fkc of fkcs) if (fkc.appliesTo(dialect)) out.push(new AddConstraint(fkc.table, fkc));
      continue;
    }
    if (pg) for (const s of newSequences(t, seen)) out.push(new CreateSequence(s, seqOpts));
    out.push(new CreateTable(t, alter ? { includeForeignKeyConstraints: fkcs } : {}));
    for (const ix of t.indexes) if (ix.appliesTo(dialect)) out.push(new CreateIndex(ix));
    if (pg) out.push(...commentStatements(t));
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
    const t = con.name || con.conventionPending ? constraintTable(con, undefined) : undefined;
    // A convention name may still wait for its foreign key's referred table.
    const name = t ? ddlName(c, con, t) : undefined;
    if (!t || !name) throw new CompileError(`Can't emit DROP CONSTRAINT for constraint ${con.constructor.name}; it has no name`);
    return `ALTER TABLE ${refName(c, t)} DROP CONSTRAINT ${this.opts.ifExists ? "IF EXISTS " : ""}${name}${this.opts.cascade ? " CASCADE" : ""}`;
  }
}

/**
 * Tables and foreign keys in DROP order: the foreign keys to drop by ALTER first, then tables,
 * dependents first (SQLAlchemy's `SchemaDropper.visit_metadata`). Only named foreign keys can be
 * dropped by ALTER, so a cycle of unnamed ones cannot be sorted.
 * @throws CircularDependencyError for such a cycle where ALTER exists; SQLite warns and keeps
 *   the given order.
 */
function dropOrder(tables: Table[], dialect: string): [Table | undefined, ForeignKeyConstraint[]][] {
  const alter = supportsAlter(dialect);
  try {
    return sortTablesAndConstraints(tables, { filter: (fkc) => (!alter || fkc.name === undefined ? false : undefined) }).reverse();
  } catch (e) {
    if (!(e instanceof CircularDependencyError)) throw e;
    const names = tableNames((e as { cycles?: Set<Table> }).cycles ?? []);
    if (alter) {
      throw new CircularDependencyError(
        `Can't sort tables for DROP; an unresolvable foreign key dependency exists between tables: ${names}.  Please ensure that the ForeignKey and ForeignKeyConstraint objects involved in the cycle have names so that they can be dropped using DROP CONSTRAINT.`,
      );
    }
    warn(
      `Can't sort tables for DROP; an unresolvable foreign key dependency exists between tables: ${names}; and backend does not support ALTER.  To restore at least a partial sort, apply use_alter=True to ForeignKey and ForeignKeyConstraint objects involved in the cycle to mark these as known cycles that will be ignored.`,
    );
    return tables.map((t) => [t, []]);
  }
}

/**
 * Statements `dropAll` runs, in SQLAlchemy's order: ALTER TABLE DROP CONSTRAINT for use-alter
 * and cycle foreign keys (not on SQLite); then tables, dependents first, each followed by its
 * column sequences (PostgreSQL); then standalone sequences and enum types (PostgreSQL). With
 * `checkFirst` (default) tables that do not exist are left out.
 */
export async function dropAllStatements(md: MetaData, conn: DdlExecutor, opts: DdlRunOptions = {}): Promise<DDLElement[]> {
  const dialect = conn.dialectName;
  const pg = dialect === "postgresql";
  const tables = await candidateTables(md, conn, opts, true);
  const out: DDLElement[] = [];
  const seqOpts = { ifExists: opts.checkFirst ?? true };
  const seen = new Set<Sequence>();
  for (const [t, fkcs] of dropOrder(tables, dialect)) {
    if (!t) {
      if (supportsAlter(dialect)) for (const fkc of fkcs) if (fkc.appliesTo(dialect)) out.push(new DropConstraint(fkc));
      continue;
    }
    out.push(new DropTable(t));
    if (pg) for (const s of newSequences(t, seen)) out.push(new DropSequence(s, seqOpts));
  }
  if (pg && opts.standalone !== false) {
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

// MD5 (RFC 1321) for truncated convention names: SQLAlchemy's `md5_hex`, without `node:crypto`
// (which Workers lack) and synchronous (which Web Crypto's digest is not).
const MD5_SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const MD5_K = /* @__PURE__ */ Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

/** The message as little-endian 32-bit words, padded with its bit length. */
function md5Words(text: string): Uint32Array {
  const bytes = new TextEncoder().encode(text);
  const words = new Uint32Array((((bytes.length + 8) >>> 6) + 1) * 16);
  bytes.forEach((b, i) => (words[i >>> 2] |= b << ((i % 4) * 8)));
  words[bytes.length >>> 2] |= 0x80 << ((bytes.length % 4) * 8);
  words[words.length - 2] = (bytes.length * 8) >>> 0;
  words[words.length - 1] = Math.floor(bytes.length / 0x20000000);
  return words;
}

/** One 64-step round over a 16-word block. */
function md5Block(h: Uint32Array, w: Uint32Array, off: number): void {
  let [a, b, c, d] = h;
  for (let i = 0; i < 64; i++) {
    const r = i >>> 4;
    const f = r === 0 ? (b & c) | (~b & d) : r === 1 ? (d & b) | (~d & c) : r === 2 ? b ^ c ^ d : c ^ (b | ~d);
    const g = r === 0 ? i : r === 1 ? (5 * i + 1) % 16 : r === 2 ? (3 * i + 5) % 16 : (7 * i) % 16;
    const s = MD5_SHIFTS[r * 4 + (i % 4)];
    const sum = (a + f + MD5_K[i] + w[off + g]) >>> 0;
    [a, d, c] = [d, c, b];
    b = (b + ((sum << s) | (sum >>> (32 - s)))) >>> 0;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
}

/** Lower-case hex MD5 of the UTF-8 text. */
function md5Hex(text: string): string {
  const w = md5Words(text);
  const h = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
  for (let off = 0; off < w.length; off += 16) md5Block(h, w, off);
  return [...new Uint8Array(h.buffer)].map((x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * Building Table objects from the database (SQLAlchemy's `Table(name, md, autoload_with=conn)`
 * and `MetaData.reflect()`), made async: columns with their types, nullability, server
 * defaults, comments and identity; the primary key, foreign keys, unique and CHECK constraints
 * and indexes, all named as the database names them.
 * @module
 */
import { InvalidRequestError } from "../../errors.js";
import { TEXT_BIND_RE, TextClause } from "../../sql/elements.js";
import {
  CheckConstraint, Column, Computed, ForeignKeyConstraint, Identity, Index, PrimaryKeyConstraint, reflectionHooks, Table, UniqueConstraint,
  type ColumnImpl, type ColumnOptions, type IndexElement, type IndexOptions, type MetaData, type TableArg,
} from "../../sql/schema.js";
import { AsyncConnection } from "../connection.js";
import { AsyncInspector, type InspectorBind } from "./inspector.js";
import type { ReflectedColumn } from "../../dialects/reflection/types.js";

/** The columns of a reflected table, by name: `t.c.<name>` is a full Column. */
export type ReflectedColumns = Record<string, ColumnImpl>;

/** Options of {@link reflectTable} (`Table.reflect`). */
export interface ReflectTableOptions {
  /** The schema to read from; defaults to the MetaData's `schema`, else the connection's default. */
  readonly schema?: string;
  /** An inspector to reuse (and whose cache to share) instead of a new one. */
  readonly inspector?: AsyncInspector;
  /**
   * Also reflect the tables that foreign keys refer to, into the same MetaData, so the keys
   * resolve (SQLAlchemy's `resolve_fks`, default true).
   */
  readonly resolveFks?: boolean;
}

/** Options of {@link reflectMetaData} (`MetaData.reflect`). */
export interface ReflectOptions {
  /** The schema to read; defaults to the MetaData's `schema`, else the connection's default. */
  readonly schema?: string;
  /**
   * The tables to reflect: names (each must exist, else InvalidRequestError), or a filter
   * called with each table name and the MetaData (SQLAlchemy's `only`).
   */
  readonly only?: readonly string[] | ((tableName: string, metadata: MetaData) => boolean);
  /** Reflect views too (SQLAlchemy's `views=False` default). */
  readonly views?: boolean;
  /** As {@link ReflectTableOptions.resolveFks}; default true. */
  readonly resolveFks?: boolean;
}

/** A default's SQL text for `text()`: colons that would read as bind parameters are escaped. */
function sqlText(sql: string): TextClause {
  return new TextClause(sql.replace(TEXT_BIND_RE, (all: string, esc: string | undefined, _c: string | undefined, name: string | undefined) => (esc || name === undefined ? all : `\\:${name}`)));
}

function columnFrom(c: ReflectedColumn, inPk: boolean): ColumnImpl {
  const opts: { -readonly [K in keyof ColumnOptions]: ColumnOptions[K] } = { nullable: c.nullable };
  if (c.comment !== undefined && c.comment !== null) opts.comment = c.comment;
  if (c.identity) opts.identity = new Identity({ ...c.identity });
  else if (c.computed) opts.computed = new Computed(sqlText(c.computed.sqltext), { persisted: c.computed.persisted });
  // A SERIAL column's nextval() default comes back from the column's autoincrement instead,
  // so CREATE TABLE elsewhere makes its own sequence.
  else if (c.default !== null && !(c.autoincrement && /\bnextval\(/.test(c.default))) opts.serverDefault = sqlText(c.default);
  if (inPk && !c.autoincrement) opts.autoincrement = false;
  return Column(c.type, opts);
}

/**
 * Reflect one table into `metadata` and return it (SQLAlchemy's `Table(name, metadata,
 * autoload_with=bind)`); a table already in the MetaData under that key is returned as it is.
 * Referred tables of its foreign keys are reflected too unless `resolveFks: false`. Indexes
 * that back a unique constraint, and PostgreSQL SERIAL `nextval()` defaults, are not copied
 * (the constraint and the autoincrement column make them again).
 * @throws NoSuchTableError when the table does not exist.
 */
export async function reflectTable(name: string, metadata: MetaData, bind: InspectorBind, opts: ReflectTableOptions = {}): Promise<Table<ReflectedColumns>> {
  return reflectInto(name, metadata, opts.inspector ?? new AsyncInspector(bind), opts.schema ?? metadata.opts.schema, opts.resolveFks ?? true, new Set());
}

async function reflectInto(
  name: string, metadata: MetaData, insp: AsyncInspector, schema: string | undefined, resolveFks: boolean, busy: Set<string>,
): Promise<Table<ReflectedColumns>> {
  const key = schema ? `${schema}.${name}` : name;
  const existing = metadata.tables.get(key);
  // Tables of a MetaData hold full Columns, whatever their declared shape.
  if (existing) return existing as Table<ReflectedColumns>;
  busy.add(key);
  const cols = await insp.getColumns(name, schema);
  const pk = await insp.getPkConstraint(name, schema);
  const fks = await insp.getForeignKeys(name, schema);
  const uniques = await insp.getUniqueConstraints(name, schema);
  const checks = await insp.getCheckConstraints(name, schema);
  const indexes = await insp.getIndexes(name, schema);
  const comment = (await insp.getTableComment(name, schema)).text;

  // Referred tables first, so that a missing one raises before this table joins the MetaData
  // (tables on the way, `busy`, are left to finish: a cycle resolves once both are in).
  if (resolveFks) {
    for (const fk of fks) {
      const refSchema = fk.referredSchema ?? schema;
      const refKey = refSchema ? `${refSchema}.${fk.referredTable}` : fk.referredTable;
      if (!busy.has(refKey) && !metadata.tables.has(refKey)) await reflectInto(fk.referredTable, metadata, insp, refSchema, resolveFks, busy);
    }
  }

  const record: Record<string, ColumnImpl> = {};
  for (const c of cols) record[c.name] = columnFrom(c, pk.constrainedColumns.includes(c.name));
  const args: TableArg[] = [{ schema: schema ?? null, ...(comment !== null ? { comment } : {}) }];
  if (pk.constrainedColumns.length) args.push(new PrimaryKeyConstraint(pk.constrainedColumns, pk.name === null ? {} : { name: pk.name }));
  for (const fk of fks) {
    const ref = fk.referredSchema ? `${fk.referredSchema}.${fk.referredTable}` : fk.referredTable;
    const o = fk.options;
    args.push(new ForeignKeyConstraint(fk.constrainedColumns, fk.referredColumns.map((c) => `${ref}.${c}`), {
      ...(fk.name !== null ? { name: fk.name } : {}),
      ...(o.ondelete ? { onDelete: o.ondelete } : {}),
      ...(o.onupdate ? { onUpdate: o.onupdate } : {}),
      ...(o.deferrable !== undefined ? { deferrable: o.deferrable } : {}),
      ...(o.initially === "DEFERRED" || o.initially === "IMMEDIATE" ? { initially: o.initially } : {}),
      ...(o.match ? { match: o.match } : {}),
    }));
  }
  for (const u of uniques) args.push(new UniqueConstraint(...u.columnNames, u.name === null ? {} : { name: u.name }));
  for (const ck of checks) args.push(new CheckConstraint(sqlText(ck.sqltext), ck.name === null ? {} : { name: ck.name }));
  for (const ix of indexes) {
    if (ix.duplicatesConstraint !== undefined) continue;
    const elements: IndexElement[] = ix.columnNames.map((c, i) => c ?? sqlText(ix.expressions?.[i] ?? ""));
    const ixOpts: { -readonly [K in keyof IndexOptions]: IndexOptions[K] } = { unique: ix.unique };
    if (ix.dialectOptions?.postgresqlWhere !== undefined) ixOpts.postgresqlWhere = sqlText(ix.dialectOptions.postgresqlWhere);
    if (ix.dialectOptions?.postgresqlUsing !== undefined) ixOpts.postgresqlUsing = ix.dialectOptions.postgresqlUsing;
    if (ix.dialectOptions?.sqliteWhere !== undefined) ixOpts.sqliteWhere = sqlText(ix.dialectOptions.sqliteWhere);
    args.push(new Index(ix.name, ...elements, ixOpts));
  }
  return Table(name, metadata, record, ...args);
}

/**
 * Reflect every table of a schema (or those `only` names) into `metadata` (SQLAlchemy's
 * `MetaData.reflect(bind)`); tables already present are kept as they are. One inspector (and
 * one cache) serves the whole run.
 * @throws InvalidRequestError "Could not reflect: requested table(s) not available in …" when
 *   `only` names a table that does not exist, before anything is reflected.
 */
export async function reflectMetaData(metadata: MetaData, bind: InspectorBind, opts: ReflectOptions = {}): Promise<void> {
  const insp = new AsyncInspector(bind);
  const schema = opts.schema ?? metadata.opts.schema;
  const available = await insp.getTableNames(schema);
  // Views and materialized views, as SQLAlchemy's `views=True`.
  if (opts.views) available.push(...(await insp.getViewNames(schema)), ...(await insp.getMaterializedViewNames(schema)));
  const only = opts.only;
  let names: string[];
  if (only === undefined) names = available;
  else if (typeof only === "function") names = available.filter((n) => only(n, metadata));
  else {
    const missing = only.filter((n) => !available.includes(n));
    if (missing.length) {
      const engine = bind instanceof AsyncConnection ? bind.engine : bind;
      throw new InvalidRequestError(
        `Could not reflect: requested table(s) not available in ${String(engine)}${schema ? ` schema '${schema}'` : ""}: (${missing.join(", ")})`,
      );
    }
    names = [...only];
  }
  // SQLAlchemy 2.0's bulk reflection: one statement per kind for the schema (PostgreSQL) fills
  // the inspector's per-table cache, so the tables below are built without further queries.
  if (names.length) {
    const multi = { filterNames: names, kind: opts.views ? "any" : "table" } as const;
    await insp.getMultiColumns(schema, multi);
    await insp.getMultiPkConstraint(schema, multi);
    await insp.getMultiForeignKeys(schema, multi);
    await insp.getMultiUniqueConstraints(schema, multi);
    await insp.getMultiCheckConstraints(schema, multi);
    await insp.getMultiIndexes(schema, multi);
    await insp.getMultiTableComment(schema, multi);
  }
  const busy = new Set<string>();
  for (const n of names) await reflectInto(n, metadata, insp, schema, opts.resolveFks ?? true, busy);
}

// Table.reflect / MetaData.reflect call these through src/sql's hooks.
reflectionHooks.table = reflectTable;
reflectionHooks.metadata = reflectMetaData;

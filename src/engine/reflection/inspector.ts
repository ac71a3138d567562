/**
 * `AsyncInspector`: schema reflection, SQLAlchemy 2.0's `Inspector` made async. Every method
 * runs catalog queries through the connection's `execute(text(…))`, so it works on every
 * adapter, and caches its answer on the inspector (SQLAlchemy's `@reflection.cache`) until
 * {@link AsyncInspector.clearCache}.
 * @module
 */
import { NoSuchTableError } from "../../errors.js";
import { TextClause } from "../../sql/elements.js";
import { AsyncConnection } from "../connection.js";
import type { AsyncEngine } from "../engine.js";
import type { DialectName } from "../driver/contract.js";
import { postgresqlReflection } from "../../dialects/postgresql/reflection.js";
import { sqliteReflection } from "../../dialects/sqlite/reflection.js";
import type {
  CatalogQuery, DialectReflection, ReflectedCheckConstraint, ReflectedColumn, ReflectedForeignKeyConstraint, ReflectedIndex,
  ReflectedPrimaryKeyConstraint, ReflectedTableComment, ReflectedUniqueConstraint,
} from "../../dialects/reflection/types.js";

/** Which relations a `getMulti*` call covers (SQLAlchemy's `ObjectKind`); "any" is all three. */
export type ReflectionKind = "table" | "view" | "materializedView" | "any";

/** Options of the `getMulti*` methods. */
export interface MultiReflectionOptions {
  /** Only these tables or views (SQLAlchemy's `filter_names`); names that do not exist are left out. */
  readonly filterNames?: readonly string[];
  /** Which relations: "table" (default), "view", "materializedView" or "any". */
  readonly kind?: ReflectionKind;
}

type PerTableMethod = "columns" | "pkConstraint" | "foreignKeys" | "indexes" | "uniqueConstraints" | "checkConstraints" | "tableComment";

const keyOf = (method: string, args: readonly unknown[]): string => `${method}\u0000${JSON.stringify(args.map((a) => a ?? null))}`;

/** What an inspector reads through: a connection (its transaction is used) or an engine (a connection per call). */
export type InspectorBind = AsyncConnection | AsyncEngine;

function dialectOf(bind: InspectorBind): DialectName {
  return bind instanceof AsyncConnection ? bind.dialectName : bind.driver.dialect;
}

/**
 * Schema reflection against one database (SQLAlchemy's `Inspector`, from `inspect(engine)`).
 * All methods return Promises and camelCase SQLAlchemy's names and result keys. A schema
 * argument left out means the connection's default schema (PostgreSQL `current_schema()`,
 * SQLite "main"). Results are cached per inspector and argument list; the same object comes
 * back from the cache, so treat results as read-only. Per-table methods raise
 * {@link NoSuchTableError} for a table (or view) that does not exist.
 */
export class AsyncInspector {
  /** The dialect answering ("postgresql" or "sqlite"). */
  readonly dialectName: DialectName;
  private readonly impl: DialectReflection;
  private readonly cache = new Map<string, Promise<unknown>>();

  /** Any connection or engine; its dialect picks the catalog queries. */
  constructor(readonly bind: InspectorBind) {
    this.dialectName = dialectOf(bind);
    this.impl = this.dialectName === "postgresql" ? postgresqlReflection : sqliteReflection;
  }

  /** Forget every cached answer (SQLAlchemy's `Inspector.clear_cache()`); the next calls query again. */
  clearCache(): void {
    this.cache.clear();
  }

  /** The schema used when none is given (SQLAlchemy's `default_schema_name`). */
  getDefaultSchemaName(): Promise<string> {
    return this.cached("defaultSchemaName", [], (q) => this.impl.defaultSchemaName(q));
  }
  /** Schema names (PostgreSQL: all but the `pg_*` system schemas; SQLite: attached databases but "temp"). */
  getSchemaNames(): Promise<string[]> {
    return this.cached("schemaNames", [], (q) => this.impl.schemaNames(q));
  }
  /** Whether the schema exists (SQLAlchemy 2.0's `has_schema`). */
  async hasSchema(schema: string): Promise<boolean> {
    return (await this.getSchemaNames()).includes(schema);
  }
  /** Names of the tables (not views) of a schema, sorted by name. */
  getTableNames(schema?: string): Promise<string[]> {
    return this.cached("tableNames", [schema], (q) => this.impl.tableNames(q, schema));
  }
  /** Whether a table or view exists (SQLAlchemy 2.0's `Inspector.has_table`, cached as there). */
  hasTable(tableName: string, schema?: string): Promise<boolean> {
    return this.cached("hasTable", [tableName, schema], (q) => this.impl.hasTable(q, tableName, schema));
  }
  /** Names of the views of a schema, sorted by name (PostgreSQL: plain views, as SQLAlchemy's `get_view_names`). */
  getViewNames(schema?: string): Promise<string[]> {
    return this.cached("viewNames", [schema], (q) => this.impl.viewNames(q, schema));
  }
  /**
   * Names of the materialized views of a schema, sorted (SQLAlchemy 2.0's
   * `get_materialized_view_names`; SQLite has none).
   */
  getMaterializedViewNames(schema?: string): Promise<string[]> {
    return this.cached("materializedViewNames", [schema], (q) => this.impl.materializedViewNames(q, schema));
  }
  /** Names of the sequences of a schema, sorted (SQLite has none: always `[]`). */
  getSequenceNames(schema?: string): Promise<string[]> {
    return this.cached("sequenceNames", [schema], (q) => this.impl.sequenceNames(q, schema));
  }
  /** Whether a sequence exists (always false on SQLite). */
  hasSequence(sequenceName: string, schema?: string): Promise<boolean> {
    return this.cached("hasSequence", [sequenceName, schema], (q) => this.impl.hasSequence(q, sequenceName, schema));
  }
  /**
   * The columns of a table or view, in table order (SQLAlchemy's `get_columns`).
   * @throws NoSuchTableError when there is no such table or view.
   */
  getColumns(tableName: string, schema?: string): Promise<ReflectedColumn[]> {
    return this.perTable("columns", tableName, schema, (q) => this.impl.columns(q, tableName, schema), []);
  }
  /**
   * The primary key: `{ constrainedColumns: [], name: null }` for a table without one
   * (SQLAlchemy's `get_pk_constraint`).
   * @throws NoSuchTableError when there is no such table.
   */
  getPkConstraint(tableName: string, schema?: string): Promise<ReflectedPrimaryKeyConstraint> {
    return this.perTable("pkConstraint", tableName, schema, (q) => this.impl.pkConstraint(q, tableName, schema), { constrainedColumns: [], name: null });
  }
  /**
   * Foreign keys, by name on PostgreSQL and in declaration order on SQLite (SQLAlchemy's `get_foreign_keys`).
   * @throws NoSuchTableError when there is no such table.
   */
  getForeignKeys(tableName: string, schema?: string): Promise<ReflectedForeignKeyConstraint[]> {
    return this.perTable("foreignKeys", tableName, schema, (q) => this.impl.foreignKeys(q, tableName, schema), []);
  }
  /**
   * Indexes other than the primary key's, sorted by name (SQLAlchemy's `get_indexes`): on
   * PostgreSQL those behind unique constraints too, marked `duplicatesConstraint`; on SQLite
   * not the `sqlite_autoindex_*` ones of UNIQUE / PRIMARY KEY constraints.
   * @throws NoSuchTableError when there is no such table.
   */
  getIndexes(tableName: string, schema?: string): Promise<ReflectedIndex[]> {
    return this.perTable("indexes", tableName, schema, (q) => this.impl.indexes(q, tableName, schema), []);
  }
  /**
   * Whether the table has an index of that name (SQLAlchemy 2.0's `has_index`).
   * @throws NoSuchTableError when there is no such table.
   */
  async hasIndex(tableName: string, indexName: string, schema?: string): Promise<boolean> {
    return (await this.getIndexes(tableName, schema)).some((ix) => ix.name === indexName);
  }
  /**
   * Unique constraints (not unique indexes) (SQLAlchemy's `get_unique_constraints`).
   * @throws NoSuchTableError when there is no such table.
   */
  getUniqueConstraints(tableName: string, schema?: string): Promise<ReflectedUniqueConstraint[]> {
    return this.perTable("uniqueConstraints", tableName, schema, (q) => this.impl.uniqueConstraints(q, tableName, schema), []);
  }
  /**
   * CHECK constraints (SQLAlchemy's `get_check_constraints`); on SQLite read from the CREATE
   * TABLE text, column-level ones included, unnamed ones with `name: null`.
   * @throws NoSuchTableError when there is no such table.
   */
  getCheckConstraints(tableName: string, schema?: string): Promise<ReflectedCheckConstraint[]> {
    return this.perTable("checkConstraints", tableName, schema, (q) => this.impl.checkConstraints(q, tableName, schema), []);
  }
  /**
   * The table comment (SQLAlchemy's `get_table_comment`); `{ text: null }` on SQLite, which has
   * no comments (SQLAlchemy raises NotImplementedError there).
   * @throws NoSuchTableError when there is no such table.
   */
  getTableComment(tableName: string, schema?: string): Promise<ReflectedTableComment> {
    return this.perTable("tableComment", tableName, schema, (q) => this.impl.tableComment(q, tableName, schema), { text: null });
  }

  /**
   * The columns of every table of a schema (SQLAlchemy 2.0's `get_multi_columns`), keyed by
   * table name (SQLAlchemy keys by `(schema, name)`; here the schema is the argument). On
   * PostgreSQL one statement answers for the whole schema and fills the per-table cache, so a
   * later `getColumns(name)` runs nothing; on SQLite it asks table by table, as SQLAlchemy does.
   */
  getMultiColumns(schema?: string, opts: MultiReflectionOptions = {}): Promise<Map<string, ReflectedColumn[]>> {
    return this.multi("columns", schema, opts, () => []);
  }
  /** Primary keys of every table of a schema (`get_multi_pk_constraint`); see {@link getMultiColumns}. */
  getMultiPkConstraint(schema?: string, opts: MultiReflectionOptions = {}): Promise<Map<string, ReflectedPrimaryKeyConstraint>> {
    return this.multi("pkConstraint", schema, opts, () => ({ constrainedColumns: [], name: null }));
  }
  /** Foreign keys of every table of a schema (`get_multi_foreign_keys`); see {@link getMultiColumns}. */
  getMultiForeignKeys(schema?: string, opts: MultiReflectionOptions = {}): Promise<Map<string, ReflectedForeignKeyConstraint[]>> {
    return this.multi("foreignKeys", schema, opts, () => []);
  }
  /** Indexes of every table of a schema (`get_multi_indexes`); see {@link getMultiColumns}. */
  getMultiIndexes(schema?: string, opts: MultiReflectionOptions = {}): Promise<Map<string, ReflectedIndex[]>> {
    return this.multi("indexes", schema, opts, () => []);
  }
  /** Unique constraints of every table of a schema (`get_multi_unique_constraints`); see {@link getMultiColumns}. */
  getMultiUniqueConstraints(schema?: string, opts: MultiReflectionOptions = {}): Promise<Map<string, ReflectedUniqueConstraint[]>> {
    return this.multi("uniqueConstraints", schema, opts, () => []);
  }
  /** CHECK constraints of every table of a schema (`get_multi_check_constraints`); see {@link getMultiColumns}. */
  getMultiCheckConstraints(schema?: string, opts: MultiReflectionOptions = {}): Promise<Map<string, ReflectedCheckConstraint[]>> {
    return this.multi("checkConstraints", schema, opts, () => []);
  }
  /** Comments of every table of a schema (`get_multi_table_comment`); see {@link getMultiColumns}. */
  getMultiTableComment(schema?: string, opts: MultiReflectionOptions = {}): Promise<Map<string, ReflectedTableComment>> {
    return this.multi("tableComment", schema, opts, () => ({ text: null }));
  }

  private async scopeNames(schema: string | undefined, opts: MultiReflectionOptions): Promise<string[]> {
    const kind = opts.kind ?? "table";
    const names = [
      ...(kind === "table" || kind === "any" ? await this.getTableNames(schema) : []),
      ...(kind === "view" || kind === "any" ? await this.getViewNames(schema) : []),
      ...(kind === "materializedView" || kind === "any" ? await this.getMaterializedViewNames(schema) : []),
    ];
    const only = opts.filterNames;
    return only ? names.filter((n) => only.includes(n)) : names;
  }

  private async multi<T>(method: PerTableMethod, schema: string | undefined, opts: MultiReflectionOptions, empty: () => T): Promise<Map<string, T>> {
    const names = await this.scopeNames(schema, opts);
    const bulk = this.impl.multi;
    return this.memo(`multi:${method}`, [schema, names], async () => {
      const out = new Map<string, T>();
      if (bulk) {
        const run = bulk[method] as (q: CatalogQuery, schema: string | undefined) => Promise<Map<string, T>>;
        const all = await this.withQuery((q) => run(q, schema));
        for (const n of names) {
          const v = all.get(n) ?? empty();
          out.set(n, v);
          // Later per-table calls answer from the bulk result.
          const key = keyOf(method, [n, schema]);
          if (!this.cache.has(key)) this.cache.set(key, Promise.resolve(v));
        }
      } else {
        const one = {
          columns: this.getColumns, pkConstraint: this.getPkConstraint, foreignKeys: this.getForeignKeys, indexes: this.getIndexes,
          uniqueConstraints: this.getUniqueConstraints, checkConstraints: this.getCheckConstraints, tableComment: this.getTableComment,
        }[method] as (this: AsyncInspector, table: string, schema?: string) => Promise<T>;
        for (const n of names) out.set(n, await one.call(this, n, schema));
      }
      return out;
    });
  }

  /** Cached per method and arguments; a failed call is not cached. */
  private cached<T>(method: string, args: readonly unknown[], run: (q: CatalogQuery) => Promise<T>): Promise<T> {
    return this.memo(method, args, () => this.withQuery(run));
  }

  private memo<T>(method: string, args: readonly unknown[], start: () => Promise<T>): Promise<T> {
    const key = keyOf(method, args);
    const hit = this.cache.get(key);
    if (hit) return hit as Promise<T>;
    const p = start();
    this.cache.set(key, p);
    p.catch(() => {
      if (this.cache.get(key) === p) this.cache.delete(key);
    });
    return p;
  }

  /**
   * A per-table answer: an empty one (or none) could mean the table is missing, so only then is
   * `hasTable` asked, on the same connection.
   */
  private perTable<T>(method: string, table: string, schema: string | undefined, run: (q: CatalogQuery) => Promise<T | undefined>, fallback: T): Promise<T> {
    return this.cached(method, [table, schema], async (q) => {
      const v = await run(q);
      if (v === undefined || (Array.isArray(v) && v.length === 0)) {
        const exists = await this.memo("hasTable", [table, schema], () => this.impl.hasTable(q, table, schema));
        if (!exists) throw new NoSuchTableError(table, schema);
      }
      return v ?? fallback;
    });
  }

  private async withQuery<T>(run: (q: CatalogQuery) => Promise<T>): Promise<T> {
    const bind = this.bind;
    if (bind instanceof AsyncConnection) return run(queryOn(bind));
    return bind.connect((conn) => run(queryOn(conn)));
  }
}

function queryOn(conn: AsyncConnection): CatalogQuery {
  return async (sql, params) => {
    const stmt = params ? new TextClause(sql).bindparams({ ...params }) : new TextClause(sql);
    const r = await conn.execute(stmt);
    return r.mappings().all().map((m) => Object.fromEntries(m.entries()) as Record<string, unknown>);
  };
}

/**
 * An inspector for a connection or engine (SQLAlchemy's `inspect(engine)` /
 * `inspect(connection)`); the same as `new AsyncInspector(bind)`.
 */
export function inspector(bind: InspectorBind): AsyncInspector {
  return new AsyncInspector(bind);
}

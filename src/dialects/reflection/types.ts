/**
 * Result shapes of {@link AsyncInspector}'s methods: SQLAlchemy 2.0's `ReflectedColumn`,
 * `ReflectedPrimaryKeyConstraint`, `ReflectedForeignKeyConstraint`, `ReflectedIndex`,
 * `ReflectedUniqueConstraint`, `ReflectedCheckConstraint` and `ReflectedTableComment`, with
 * camelCase keys. Keys SQLAlchemy leaves out on a dialect (`comment` on SQLite) are left out here too.
 * @module
 */
import type { TypeEngine } from "../../sql/type-api.js";

/** A reflected column (SQLAlchemy's `ReflectedColumn`). */
export interface ReflectedColumn {
  /** The column's name as the database stores it. */
  readonly name: string;
  /** The athanor type mapped from the database type; `NullType` when not recognised. */
  readonly type: TypeEngine<unknown>;
  readonly nullable: boolean;
  /**
   * The server default as SQL text, exactly as the database reports it (PostgreSQL adds casts:
   * `'x'::character varying`; a SERIAL column shows `nextval('t_id_seq'::regclass)`), or null.
   */
  readonly default: string | null;
  /**
   * Whether the database generates the value: PostgreSQL a `nextval(` default or an identity
   * column; SQLite the single `INTEGER PRIMARY KEY` (the rowid alias). SQLAlchemy's SQLite
   * dialect says "auto" instead; athanor decides.
   */
  readonly autoincrement: boolean;
  /** The column comment (PostgreSQL only; null when none). */
  readonly comment?: string | null;
  /** `GENERATED … AS IDENTITY` (PostgreSQL), with its sequence options. */
  readonly identity?: ReflectedIdentity;
  /** A generated column: its expression and whether it is stored. */
  readonly computed?: { readonly sqltext: string; readonly persisted: boolean };
}

/**
 * An identity column's options (SQLAlchemy's `ReflectedIdentity`): `always` is true for
 * `GENERATED ALWAYS`, false for `BY DEFAULT`; the rest are its sequence's settings.
 */
export interface ReflectedIdentity {
  readonly always: boolean;
  readonly start?: number;
  readonly increment?: number;
  readonly minvalue?: number;
  readonly maxvalue?: number;
  readonly cache?: number;
  readonly cycle?: boolean;
}

/** A reflected primary key (SQLAlchemy's `ReflectedPrimaryKeyConstraint`). */
export interface ReflectedPrimaryKeyConstraint {
  /** Columns in key order; empty when the table has no primary key. */
  readonly constrainedColumns: readonly string[];
  /** The constraint name (PostgreSQL always has one; SQLite only when declared), else null. */
  readonly name: string | null;
  /** The constraint comment (PostgreSQL only). */
  readonly comment?: string | null;
}

/** `ON DELETE` / `ON UPDATE` and deferral of a foreign key, present only when not the default. */
export interface ReflectedForeignKeyOptions {
  /** e.g. "CASCADE", "SET NULL", "RESTRICT"; absent for NO ACTION. */
  readonly ondelete?: string;
  readonly onupdate?: string;
  /** true for DEFERRABLE (false for a declared NOT DEFERRABLE on SQLite). */
  readonly deferrable?: boolean;
  /** "DEFERRED" or "IMMEDIATE" when declared (PostgreSQL reports only DEFERRED). */
  readonly initially?: string;
  /** "FULL" for MATCH FULL (PostgreSQL). */
  readonly match?: string;
}

/** A reflected foreign key (SQLAlchemy's `ReflectedForeignKeyConstraint`). */
export interface ReflectedForeignKeyConstraint {
  readonly name: string | null;
  readonly constrainedColumns: readonly string[];
  /**
   * The referred table's schema: null when it is the connection's default schema (PostgreSQL,
   * as the search path hides it) or no schema was asked for (SQLite).
   */
  readonly referredSchema: string | null;
  readonly referredTable: string;
  readonly referredColumns: readonly string[];
  readonly options: ReflectedForeignKeyOptions;
  /** The constraint comment (PostgreSQL only). */
  readonly comment?: string | null;
}

/** A reflected index (SQLAlchemy's `ReflectedIndex`). */
export interface ReflectedIndex {
  readonly name: string;
  /** Columns in index order; null for an expression element (see `expressions`). */
  readonly columnNames: readonly (string | null)[];
  /** Every element's SQL text, present only when the index has an expression element. */
  readonly expressions?: readonly string[];
  readonly unique: boolean;
  /** The unique constraint this index implements (PostgreSQL), as SQLAlchemy's `duplicates_constraint`. */
  readonly duplicatesConstraint?: string;
  /**
   * The partial-index predicate (`postgresqlWhere` / `sqliteWhere`) and PostgreSQL's index
   * method when not btree (`postgresqlUsing`), as SQLAlchemy's `dialect_options`.
   */
  readonly dialectOptions?: { readonly postgresqlWhere?: string; readonly postgresqlUsing?: string; readonly sqliteWhere?: string };
}

/** A reflected unique constraint (SQLAlchemy's `ReflectedUniqueConstraint`). */
export interface ReflectedUniqueConstraint {
  readonly name: string | null;
  readonly columnNames: readonly string[];
  /** The constraint comment (PostgreSQL only). */
  readonly comment?: string | null;
}

/** A reflected CHECK constraint (SQLAlchemy's `ReflectedCheckConstraint`). */
export interface ReflectedCheckConstraint {
  readonly name: string | null;
  /** The condition without the outer parentheses (PostgreSQL's normalised text, SQLite's as declared). */
  readonly sqltext: string;
  /** The constraint comment (PostgreSQL only). */
  readonly comment?: string | null;
}

/** A reflected table comment (SQLAlchemy's `ReflectedTableComment`). */
export interface ReflectedTableComment {
  readonly text: string | null;
}

/** Runs one catalog query and returns its rows as plain records. @internal */
export type CatalogQuery = (sql: string, params?: Readonly<Record<string, unknown>>) => Promise<Record<string, unknown>[]>;

/**
 * The catalog queries of one dialect; the inspector adds caching and NoSuchTableError. Per-table
 * methods return undefined where the table was not found and the answer cannot tell (the
 * inspector then asks `hasTable`). @internal
 */
export interface DialectReflection {
  defaultSchemaName(q: CatalogQuery): Promise<string>;
  schemaNames(q: CatalogQuery): Promise<string[]>;
  tableNames(q: CatalogQuery, schema: string | undefined): Promise<string[]>;
  viewNames(q: CatalogQuery, schema: string | undefined): Promise<string[]>;
  materializedViewNames(q: CatalogQuery, schema: string | undefined): Promise<string[]>;
  sequenceNames(q: CatalogQuery, schema: string | undefined): Promise<string[]>;
  hasTable(q: CatalogQuery, table: string, schema: string | undefined): Promise<boolean>;
  hasSequence(q: CatalogQuery, name: string, schema: string | undefined): Promise<boolean>;
  columns(q: CatalogQuery, table: string, schema: string | undefined): Promise<ReflectedColumn[]>;
  pkConstraint(q: CatalogQuery, table: string, schema: string | undefined): Promise<ReflectedPrimaryKeyConstraint | undefined>;
  foreignKeys(q: CatalogQuery, table: string, schema: string | undefined): Promise<ReflectedForeignKeyConstraint[]>;
  indexes(q: CatalogQuery, table: string, schema: string | undefined): Promise<ReflectedIndex[]>;
  uniqueConstraints(q: CatalogQuery, table: string, schema: string | undefined): Promise<ReflectedUniqueConstraint[]>;
  checkConstraints(q: CatalogQuery, table: string, schema: string | undefined): Promise<ReflectedCheckConstraint[]>;
  tableComment(q: CatalogQuery, table: string, schema: string | undefined): Promise<ReflectedTableComment | undefined>;
  /**
   * One statement per kind for every table and view of a schema, keyed by table name; tables
   * without an entry have none (SQLAlchemy 2.0's `get_multi_*`). Absent where the dialect
   * answers table by table (SQLite, as in SQLAlchemy).
   */
  readonly multi?: {
    columns(q: CatalogQuery, schema: string | undefined): Promise<Map<string, ReflectedColumn[]>>;
    pkConstraint(q: CatalogQuery, schema: string | undefined): Promise<Map<string, ReflectedPrimaryKeyConstraint>>;
    foreignKeys(q: CatalogQuery, schema: string | undefined): Promise<Map<string, ReflectedForeignKeyConstraint[]>>;
    indexes(q: CatalogQuery, schema: string | undefined): Promise<Map<string, ReflectedIndex[]>>;
    uniqueConstraints(q: CatalogQuery, schema: string | undefined): Promise<Map<string, ReflectedUniqueConstraint[]>>;
    checkConstraints(q: CatalogQuery, schema: string | undefined): Promise<Map<string, ReflectedCheckConstraint[]>>;
    tableComment(q: CatalogQuery, schema: string | undefined): Promise<Map<string, ReflectedTableComment>>;
  };
}

/**
 * SQLite reflection from `PRAGMA table_xinfo / index_list / index_info / foreign_key_list` and
 * `sqlite_master`, following SQLAlchemy's SQLite dialect: what the pragmas do not report
 * (constraint names, CHECK conditions, deferral) is read from the table's CREATE TABLE text.
 * A schema is an attached database name ("main", "temp", or one from ATTACH).
 * @module
 */
import type { CatalogQuery, DialectReflection, ReflectedColumn, ReflectedForeignKeyConstraint, ReflectedIndex } from "../reflection/types.js";
import { sqliteType } from "../reflection/type-map.js";
import { checkClauses, foreignKeyClauses, primaryKeyName, uniqueClauses } from "../reflection/sql-text.js";

/** A quoted identifier; colons escaped, as the text goes through `text()`. */
const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`.replace(/:/g, "\\:");
const prefix = (schema: string | undefined): string => (schema ? `${quote(schema)}.` : "");
const master = (schema: string | undefined): string => (schema === "temp" ? "sqlite_temp_master" : `${prefix(schema)}sqlite_master`);

async function names(q: CatalogQuery, type: string, schema: string | undefined): Promise<string[]> {
  const rows = await q(`SELECT name FROM ${master(schema)} WHERE type = '${type}' AND name NOT LIKE 'sqlite~_%' ESCAPE '~' ORDER BY name`);
  return rows.map((r) => String(r.name));
}

/** The CREATE TABLE text, or undefined when there is no such table. */
async function tableSql(q: CatalogQuery, table: string, schema: string | undefined): Promise<string | undefined> {
  const rows = await q(`SELECT sql FROM ${master(schema)} WHERE type = 'table' AND name = :name`, { name: table });
  return rows[0] ? String(rows[0].sql ?? "") : undefined;
}

interface XInfo {
  readonly name: string;
  readonly type: string;
  readonly notnull: boolean;
  readonly dflt: string | null;
  readonly pk: number;
  readonly hidden: number;
}

async function xinfo(q: CatalogQuery, table: string, schema: string | undefined): Promise<XInfo[]> {
  const rows = await q(`PRAGMA ${prefix(schema)}table_xinfo(${quote(table)})`);
  return rows.map((r) => ({
    name: String(r.name),
    type: String(r.type ?? ""),
    notnull: Number(r.notnull) === 1,
    dflt: r.dflt_value === null || r.dflt_value === undefined ? null : String(r.dflt_value),
    pk: Number(r.pk),
    hidden: Number(r.hidden ?? 0),
  }));
}

/** Rows of `PRAGMA index_info(name)` → column names in index order (null for an expression). */
async function indexColumns(q: CatalogQuery, index: string, schema: string | undefined): Promise<(string | null)[]> {
  const rows = await q(`PRAGMA ${prefix(schema)}index_info(${quote(index)})`);
  return rows
    .map((r) => ({ seq: Number(r.seqno), name: r.name === null || r.name === undefined ? null : String(r.name) }))
    .sort((a, b) => a.seq - b.seq)
    .map((r) => r.name);
}

const sameColumns = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x.toLowerCase() === b[i]!.toLowerCase());

/** SQLite's catalog queries. @internal */
export const sqliteReflection: DialectReflection = {
  async defaultSchemaName() {
    return "main";
  },
  async schemaNames(q) {
    const rows = await q("PRAGMA database_list");
    // As SQLAlchemy: every attached database but "temp".
    return rows.map((r) => String(r.name)).filter((n) => n !== "temp");
  },
  tableNames: (q, schema) => names(q, "table", schema),
  viewNames: (q, schema) => names(q, "view", schema),
  async materializedViewNames() {
    return [];
  },
  async sequenceNames() {
    return [];
  },
  async hasTable(q, table, schema) {
    const rows = await q(`SELECT name FROM ${master(schema)} WHERE type IN ('table', 'view') AND name = :name`, { name: table });
    return rows.length > 0;
  },
  async hasSequence() {
    return false;
  },
  async columns(q, table, schema) {
    const cols = (await xinfo(q, table, schema)).filter((c) => c.hidden !== 1);
    const pks = cols.filter((c) => c.pk > 0);
    let createSql: string | undefined;
    if (cols.some((c) => c.hidden === 2 || c.hidden === 3)) createSql = await tableSql(q, table, schema);
    return cols.map((c): ReflectedColumn => {
      const generated = c.hidden === 2 || c.hidden === 3;
      const computed = generated ? generatedExpression(createSql ?? "", c.name) : undefined;
      return {
        name: c.name,
        type: sqliteType(c.type),
        nullable: !c.notnull,
        default: c.dflt,
        // The rowid alias: the one INTEGER PRIMARY KEY column.
        autoincrement: c.pk > 0 && pks.length === 1 && c.type.trim().toUpperCase() === "INTEGER",
        ...(computed !== undefined ? { computed: { sqltext: computed, persisted: c.hidden === 3 } } : {}),
      };
    });
  },
  async pkConstraint(q, table, schema) {
    const cols = await xinfo(q, table, schema);
    if (!cols.length) return undefined;
    const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    const createSql = pk.length ? await tableSql(q, table, schema) : undefined;
    return { constrainedColumns: pk, name: createSql ? primaryKeyName(createSql) : null };
  },
  async foreignKeys(q, table, schema) {
    const rows = await q(`PRAGMA ${prefix(schema)}foreign_key_list(${quote(table)})`);
    if (!rows.length) return [];
    const byId = new Map<number, { table: string; from: string[]; to: (string | null)[]; upd: string; del: string }>();
    for (const r of rows) {
      const id = Number(r.id);
      let fk = byId.get(id);
      if (!fk) byId.set(id, (fk = { table: String(r.table), from: [], to: [], upd: String(r.on_update), del: String(r.on_delete) }));
      fk.from[Number(r.seq)] = String(r.from);
      fk.to[Number(r.seq)] = r.to === null || r.to === undefined ? null : String(r.to);
    }
    const clauses = foreignKeyClauses((await tableSql(q, table, schema)) ?? "");
    const out: ReflectedForeignKeyConstraint[] = [];
    // The pragma lists constraints last-declared first; report them in declaration order.
    for (const id of [...byId.keys()].sort((a, b) => b - a)) {
      const fk = byId.get(id)!;
      let referred = fk.to as string[];
      if (fk.to.some((c) => c === null)) {
        // REFERENCES t without columns: the referred table's primary key.
        const refCols = await xinfo(q, fk.table, schema);
        referred = refCols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      }
      const clause = clauses.find((c) => sameColumns(c.columns, fk.from) && c.referredTable.toLowerCase() === fk.table.toLowerCase());
      out.push({
        name: clause?.name ?? null,
        constrainedColumns: fk.from,
        referredSchema: schema ?? null,
        referredTable: fk.table,
        referredColumns: referred,
        options: {
          ...(fk.upd !== "NO ACTION" ? { onupdate: fk.upd } : {}),
          ...(fk.del !== "NO ACTION" ? { ondelete: fk.del } : {}),
          ...(clause?.deferrable !== undefined ? { deferrable: clause.deferrable } : {}),
          ...(clause?.initially !== undefined ? { initially: clause.initially } : {}),
        },
      });
    }
    return out;
  },
  async indexes(q, table, schema) {
    const list = await q(`PRAGMA ${prefix(schema)}index_list(${quote(table)})`);
    const out: ReflectedIndex[] = [];
    for (const r of list) {
      const name = String(r.name);
      // SQLAlchemy leaves out the indexes SQLite makes for UNIQUE and PRIMARY KEY constraints.
      if (name.startsWith("sqlite_autoindex")) continue;
      const cols = await indexColumns(q, name, schema);
      let where: string | undefined;
      if (Number(r.partial) === 1) {
        const rows = await q(`SELECT sql FROM ${master(schema)} WHERE type = 'index' AND name = :name`, { name });
        where = /\bWHERE\b([\s\S]*)$/i.exec(String(rows[0]?.sql ?? ""))?.[1]?.trim();
      }
      out.push({ name, columnNames: cols, unique: Number(r.unique) === 1, ...(where !== undefined ? { dialectOptions: { sqliteWhere: where } } : {}) });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  },
  async uniqueConstraints(q, table, schema) {
    const list = await q(`PRAGMA ${prefix(schema)}index_list(${quote(table)})`);
    const autos = list
      .filter((r) => String(r.origin) === "u")
      .map((r) => String(r.name))
      // sqlite_autoindex_<table>_<n>: n counts in declaration order.
      .sort((a, b) => Number(/_(\d+)$/.exec(a)?.[1] ?? 0) - Number(/_(\d+)$/.exec(b)?.[1] ?? 0));
    if (!autos.length) return [];
    const clauses = uniqueClauses((await tableSql(q, table, schema)) ?? "");
    const out = [];
    for (const ix of autos) {
      const cols = (await indexColumns(q, ix, schema)).filter((c): c is string => c !== null);
      const clause = clauses.find((c) => sameColumns(c.columns, cols));
      out.push({ name: clause?.name ?? null, columnNames: cols });
    }
    return out;
  },
  async checkConstraints(q, table, schema) {
    const createSql = await tableSql(q, table, schema);
    // As SQLAlchemy: named ones by name, then unnamed ones in declaration order.
    const key = (n: string | null): string => n ?? "~";
    return createSql === undefined ? [] : checkClauses(createSql).sort((a, b) => (key(a.name) < key(b.name) ? -1 : key(a.name) > key(b.name) ? 1 : 0));
  },
  async tableComment(q, table, schema) {
    // SQLite has no comments; SQLAlchemy raises NotImplementedError, athanor answers "none".
    return (await sqliteReflection.hasTable(q, table, schema)) ? { text: null } : undefined;
  },
};

/** The expression of a generated column `name … AS (expr)` in the CREATE TABLE text. */
function generatedExpression(createSql: string, column: string): string | undefined {
  const esc = column.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(String.raw`(?:^|[(,])\s*(?:"${esc}"|${esc})\s[^,]*?\bAS\s*\(`, "i").exec(createSql);
  if (!m) return undefined;
  const open = m.index + m[0].length - 1;
  let depth = 0;
  for (let i = open; i < createSql.length; i++) {
    if (createSql[i] === "(") depth++;
    else if (createSql[i] === ")" && --depth === 0) return createSql.slice(open + 1, i).trim();
  }
  return undefined;
}

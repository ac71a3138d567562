/**
 * PostgreSQL reflection from `pg_catalog`, following the logic of SQLAlchemy's PostgreSQL
 * dialect (`get_columns`, `get_pk_constraint`, `get_foreign_keys`, `get_indexes`, …): tables are
 * found by name in the given schema or, without one, in `current_schema()`. Arrays of names come
 * back as `json_agg` (parsed here when a driver returns JSON as text), so no driver-specific
 * array parsing is needed.
 * @module
 */
import type {
  CatalogQuery, DialectReflection, ReflectedCheckConstraint, ReflectedIdentity, ReflectedColumn, ReflectedForeignKeyConstraint, ReflectedForeignKeyOptions, ReflectedIndex,
  ReflectedPrimaryKeyConstraint, ReflectedTableComment, ReflectedUniqueConstraint,
} from "../reflection/types.js";
import { pgType } from "../reflection/type-map.js";
import { stripOuterParens } from "../reflection/sql-text.js";
import { warn } from "../../warnings.js";

const SCHEMA = "n.nspname = COALESCE(CAST(:schema AS TEXT), current_schema())";
const TABLE = `c.relname = :table AND ${SCHEMA}`;
const FROM_CLASS = "pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace";
/** Relations that have columns: tables, partitioned tables, views, materialized views, foreign tables. */
const RELKINDS_ANY = "('r', 'p', 'v', 'm', 'f')";

/** Column names of `key` (conkey / confkey / indkey) of relation `rel`, in key order, as JSON. */
const namesOf = (key: string, rel: string): string =>
  `(SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(${key}) WITH ORDINALITY AS k(attnum, ord) ` +
  `JOIN pg_catalog.pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.attnum)`;

function strings(v: unknown): string[] {
  const arr: unknown = typeof v === "string" ? JSON.parse(v) : v;
  return Array.isArray(arr) ? arr.map((x) => (x === null ? null : String(x))) as string[] : [];
}
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const bool = (v: unknown): boolean => v === true || v === 1 || v === "t" || v === "true";

const params = (table: string, schema: string | undefined) => ({ table, schema: schema ?? null });

const ACTIONS: Readonly<Record<string, string>> = { r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

/** Which relations a query covers: one table, or every relation of a schema (bulk reflection). */
interface Scope {
  readonly where: string;
  readonly params: Readonly<Record<string, unknown>>;
}
const oneTable = (table: string, schema: string | undefined): Scope => ({ where: TABLE, params: params(table, schema) });
const wholeSchema = (schema: string | undefined): Scope => ({ where: `${SCHEMA} AND c.relkind IN ${RELKINDS_ANY}`, params: { schema: schema ?? null } });

/** Rows grouped by their `tname` column (the table name), in row order. */
function byTable<T>(rows: readonly Record<string, unknown>[], make: (r: Record<string, unknown>) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const t = String(r.tname);
    let list = out.get(t);
    if (!list) out.set(t, (list = []));
    list.push(make(r));
  }
  return out;
}

async function columnsIn(q: CatalogQuery, scope: Scope): Promise<Map<string, ReflectedColumn[]>> {
  const rows = await q(
    "SELECT c.relname AS tname, a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull, " +
      "pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS dflt, CAST(a.attidentity AS TEXT) AS ident, " +
      "CAST(a.attgenerated AS TEXT) AS gen, pg_catalog.col_description(c.oid, a.attnum) AS comment, " +
      "CAST(s.seqstart AS TEXT) AS seqstart, CAST(s.seqincrement AS TEXT) AS seqincrement, CAST(s.seqmin AS TEXT) AS seqmin, " +
      "CAST(s.seqmax AS TEXT) AS seqmax, CAST(s.seqcache AS TEXT) AS seqcache, s.seqcycle AS seqcycle " +
      `FROM pg_catalog.pg_attribute a JOIN ${FROM_CLASS} ON c.oid = a.attrelid ` +
      "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef " +
      // An identity column owns its sequence through an internal dependency.
      "LEFT JOIN pg_catalog.pg_depend dep ON a.attidentity <> '' AND dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i' " +
      "AND dep.classid = CAST('pg_catalog.pg_class' AS regclass) " +
      "LEFT JOIN pg_catalog.pg_sequence s ON s.seqrelid = dep.objid " +
      `WHERE ${scope.where} AND c.relkind IN ${RELKINDS_ANY} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum`,
    scope.params,
  );
  return byTable(rows, (r): ReflectedColumn => {
    const name = String(r.name);
    const dflt = str(r.dflt);
    const ident = str(r.ident) ?? "";
    const generated = str(r.gen) === "s";
    return {
      name,
      type: pgType(String(r.type), name),
      nullable: !bool(r.notnull),
      default: generated ? null : dflt,
      // SQLAlchemy: a nextval() default (SERIAL) or an identity column.
      autoincrement: ident !== "" || (!generated && dflt !== null && /\bnextval\(/.test(dflt)),
      comment: str(r.comment),
      ...(ident === "a" || ident === "d" ? { identity: identityOf(ident === "a", r) } : {}),
      ...(generated && dflt !== null ? { computed: { sqltext: dflt, persisted: true } } : {}),
    };
  });
}

async function pkIn(q: CatalogQuery, scope: Scope): Promise<Map<string, ReflectedPrimaryKeyConstraint[]>> {
  const rows = await q(
    `SELECT c.relname AS tname, con.conname AS name, ${namesOf("con.conkey", "con.conrelid")} AS cols, ` +
      "pg_catalog.obj_description(con.oid, 'pg_constraint') AS comment " +
      `FROM pg_catalog.pg_constraint con JOIN ${FROM_CLASS} ON c.oid = con.conrelid WHERE con.contype = 'p' AND ${scope.where} ORDER BY c.relname`,
    scope.params,
  );
  return byTable(rows, (r) => ({ constrainedColumns: strings(r.cols), name: String(r.name), comment: str(r.comment) }));
}

async function foreignKeysIn(q: CatalogQuery, scope: Scope, schema: string | undefined): Promise<Map<string, ReflectedForeignKeyConstraint[]>> {
  const rows = await q(
    `SELECT c.relname AS tname, con.conname AS name, ${namesOf("con.conkey", "con.conrelid")} AS cols, ${namesOf("con.confkey", "con.confrelid")} AS refcols, ` +
      "rn.nspname AS refschema, rc.relname AS reftable, CAST(con.confupdtype AS TEXT) AS upd, CAST(con.confdeltype AS TEXT) AS del, " +
      "con.condeferrable AS deferrable, con.condeferred AS deferred, CAST(con.confmatchtype AS TEXT) AS matchtype, " +
      "current_schema() AS curschema, pg_catalog.obj_description(con.oid, 'pg_constraint') AS comment " +
      `FROM pg_catalog.pg_constraint con JOIN ${FROM_CLASS} ON c.oid = con.conrelid ` +
      "JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace " +
      `WHERE con.contype = 'f' AND ${scope.where} ORDER BY c.relname, con.conname`,
    scope.params,
  );
  return byTable(rows, (r): ReflectedForeignKeyConstraint => {
    const upd = ACTIONS[String(r.upd)];
    const del = ACTIONS[String(r.del)];
    const options: ReflectedForeignKeyOptions = {
      ...(upd ? { onupdate: upd } : {}),
      ...(del ? { ondelete: del } : {}),
      ...(bool(r.deferrable) ? { deferrable: true } : {}),
      ...(bool(r.deferred) ? { initially: "DEFERRED" } : {}),
      ...(String(r.matchtype) === "f" ? { match: "FULL" } : {}),
    };
    const refSchema = String(r.refschema);
    // As the search path hides the default schema in pg_get_constraintdef: null there, unless
    // the table was asked for in that schema by name.
    const referredSchema = refSchema === String(r.curschema) && schema !== refSchema ? null : refSchema;
    return {
      name: String(r.name),
      constrainedColumns: strings(r.cols),
      referredSchema,
      referredTable: String(r.reftable),
      referredColumns: strings(r.refcols),
      options,
      comment: str(r.comment),
    };
  });
}

async function indexesIn(q: CatalogQuery, scope: Scope): Promise<Map<string, ReflectedIndex[]>> {
  const keys = "unnest(CAST(ix.indkey AS int2[])) WITH ORDINALITY AS k(attnum, ord)";
  const rows = await q(
    "SELECT c.relname AS tname, i.relname AS name, ix.indisunique AS isunique, " +
      `(SELECT json_agg(a.attname ORDER BY k.ord) FROM ${keys} LEFT JOIN pg_catalog.pg_attribute a ` +
      "ON a.attrelid = ix.indrelid AND a.attnum = k.attnum AND k.attnum <> 0 WHERE k.ord <= ix.indnkeyatts) AS cols, " +
      `(SELECT json_agg(pg_catalog.pg_get_indexdef(ix.indexrelid, CAST(k.ord AS INTEGER), true) ORDER BY k.ord) FROM ${keys} WHERE k.ord <= ix.indnkeyatts) AS exprs, ` +
      "con.conname AS conname, pg_catalog.pg_get_expr(ix.indpred, ix.indrelid) AS pred, am.amname AS method " +
      "FROM pg_catalog.pg_index ix JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid " +
      `JOIN ${FROM_CLASS} ON c.oid = ix.indrelid JOIN pg_catalog.pg_am am ON am.oid = i.relam ` +
      "LEFT JOIN pg_catalog.pg_constraint con ON con.conindid = ix.indexrelid AND con.contype IN ('p', 'u', 'x') " +
      `WHERE NOT ix.indisprimary AND ${scope.where} ORDER BY c.relname, i.relname`,
    scope.params,
  );
  return byTable(rows, (r): ReflectedIndex => {
    const cols = strings(r.cols) as (string | null)[];
    const pred = str(r.pred);
    const method = String(r.method);
    const dialectOptions = { ...(pred !== null ? { postgresqlWhere: pred } : {}), ...(method !== "btree" ? { postgresqlUsing: method } : {}) };
    return {
      name: String(r.name),
      columnNames: cols,
      ...(cols.includes(null) ? { expressions: strings(r.exprs) } : {}),
      unique: bool(r.isunique),
      ...(r.conname !== null && r.conname !== undefined ? { duplicatesConstraint: String(r.conname) } : {}),
      ...(Object.keys(dialectOptions).length ? { dialectOptions } : {}),
    };
  });
}

async function uniquesIn(q: CatalogQuery, scope: Scope): Promise<Map<string, ReflectedUniqueConstraint[]>> {
  const rows = await q(
    `SELECT c.relname AS tname, con.conname AS name, ${namesOf("con.conkey", "con.conrelid")} AS cols, pg_catalog.obj_description(con.oid, 'pg_constraint') AS comment ` +
      `FROM pg_catalog.pg_constraint con JOIN ${FROM_CLASS} ON c.oid = con.conrelid WHERE con.contype = 'u' AND ${scope.where} ORDER BY c.relname, con.conname`,
    scope.params,
  );
  return byTable(rows, (r) => ({ name: String(r.name), columnNames: strings(r.cols), comment: str(r.comment) }));
}

async function checksIn(q: CatalogQuery, scope: Scope): Promise<Map<string, ReflectedCheckConstraint[]>> {
  const rows = await q(
    "SELECT c.relname AS tname, con.conname AS name, pg_catalog.pg_get_constraintdef(con.oid, true) AS def, pg_catalog.obj_description(con.oid, 'pg_constraint') AS comment " +
      `FROM pg_catalog.pg_constraint con JOIN ${FROM_CLASS} ON c.oid = con.conrelid WHERE con.contype = 'c' AND ${scope.where} ORDER BY c.relname, con.conname`,
    scope.params,
  );
  return byTable(rows, (r): ReflectedCheckConstraint => {
    const def = String(r.def);
    const m = /^CHECK *\(([\s\S]+)\)( NO INHERIT)?( NOT VALID)?$/.exec(def);
    if (!m) warn(`Could not parse CHECK constraint text: '${def}'`);
    return { name: String(r.name), sqltext: m ? stripOuterParens(m[1]!) : "", comment: str(r.comment) };
  });
}

async function commentsIn(q: CatalogQuery, scope: Scope): Promise<Map<string, ReflectedTableComment[]>> {
  const rows = await q(
    `SELECT c.relname AS tname, pg_catalog.obj_description(c.oid, 'pg_class') AS comment FROM ${FROM_CLASS} WHERE ${scope.where} AND c.relkind IN ${RELKINDS_ANY}`,
    scope.params,
  );
  return byTable(rows, (r) => ({ text: str(r.comment) }));
}

/** PostgreSQL's catalog queries; the `multi` ones cover a whole schema in one statement each. @internal */
export const postgresqlReflection: DialectReflection = {
  async defaultSchemaName(q) {
    return String((await q("SELECT current_schema() AS name"))[0]!.name);
  },
  async schemaNames(q) {
    // SQLAlchemy leaves out the pg_* system schemas only.
    const rows = await q("SELECT nspname AS name FROM pg_catalog.pg_namespace WHERE left(nspname, 3) <> 'pg_' ORDER BY nspname");
    return rows.map((r) => String(r.name));
  },
  async tableNames(q, schema) {
    return relations(q, "('r', 'p')", schema);
  },
  async viewNames(q, schema) {
    return relations(q, "('v')", schema);
  },
  async materializedViewNames(q, schema) {
    return relations(q, "('m')", schema);
  },
  async sequenceNames(q, schema) {
    return relations(q, "('S')", schema);
  },
  async hasTable(q, table, schema) {
    return (await q(`SELECT 1 AS x FROM ${FROM_CLASS} WHERE ${TABLE} AND c.relkind IN ${RELKINDS_ANY}`, params(table, schema))).length > 0;
  },
  async hasSequence(q, name, schema) {
    return (await q(`SELECT 1 AS x FROM ${FROM_CLASS} WHERE ${TABLE} AND c.relkind = 'S'`, params(name, schema))).length > 0;
  },
  columns: async (q, table, schema) => (await columnsIn(q, oneTable(table, schema))).get(table) ?? [],
  pkConstraint: async (q, table, schema) => (await pkIn(q, oneTable(table, schema))).get(table)?.[0],
  foreignKeys: async (q, table, schema) => (await foreignKeysIn(q, oneTable(table, schema), schema)).get(table) ?? [],
  indexes: async (q, table, schema) => (await indexesIn(q, oneTable(table, schema))).get(table) ?? [],
  uniqueConstraints: async (q, table, schema) => (await uniquesIn(q, oneTable(table, schema))).get(table) ?? [],
  checkConstraints: async (q, table, schema) => (await checksIn(q, oneTable(table, schema))).get(table) ?? [],
  tableComment: async (q, table, schema) => (await commentsIn(q, oneTable(table, schema))).get(table)?.[0],
  multi: {
    columns: (q, schema) => columnsIn(q, wholeSchema(schema)),
    pkConstraint: async (q, schema) => firstOfEach(await pkIn(q, wholeSchema(schema))),
    foreignKeys: (q, schema) => foreignKeysIn(q, wholeSchema(schema), schema),
    indexes: (q, schema) => indexesIn(q, wholeSchema(schema)),
    uniqueConstraints: (q, schema) => uniquesIn(q, wholeSchema(schema)),
    checkConstraints: (q, schema) => checksIn(q, wholeSchema(schema)),
    tableComment: async (q, schema) => firstOfEach(await commentsIn(q, wholeSchema(schema))),
  },
};

function firstOfEach<T>(m: Map<string, T[]>): Map<string, T> {
  return new Map([...m].map(([k, v]) => [k, v[0]!]));
}

/** Identity options from the column's sequence; bounds beyond JS's safe integers are left out. */
function identityOf(always: boolean, r: Record<string, unknown>): ReflectedIdentity {
  const n = (v: unknown): number | undefined => {
    if (v === null || v === undefined) return undefined;
    const x = Number(v);
    return Number.isSafeInteger(x) ? x : undefined;
  };
  const out: { -readonly [K in keyof ReflectedIdentity]: ReflectedIdentity[K] } = { always };
  const start = n(r.seqstart), increment = n(r.seqincrement), minvalue = n(r.seqmin), maxvalue = n(r.seqmax), cache = n(r.seqcache);
  if (start !== undefined) out.start = start;
  if (increment !== undefined) out.increment = increment;
  if (minvalue !== undefined) out.minvalue = minvalue;
  if (maxvalue !== undefined) out.maxvalue = maxvalue;
  if (cache !== undefined) out.cache = cache;
  if (r.seqcycle !== null && r.seqcycle !== undefined) out.cycle = bool(r.seqcycle);
  return out;
}

async function relations(q: CatalogQuery, kinds: string, schema: string | undefined): Promise<string[]> {
  const rows = await q(`SELECT c.relname AS name FROM ${FROM_CLASS} WHERE c.relkind IN ${kinds} AND ${SCHEMA} ORDER BY c.relname`, { schema: schema ?? null });
  return rows.map((r) => String(r.name));
}

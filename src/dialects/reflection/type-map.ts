/**
 * Database type names → athanor types, for reflected columns (SQLAlchemy's `ischema_names`
 * lookup of each dialect). Unrecognised names become `NullType` with a warning, as SQLAlchemy's
 * "Did not recognize type" does.
 * @module
 */
import { NULLTYPE, type TypeEngine } from "../../sql/type-api.js";
import {
  ARRAY, BigInteger, Boolean as BooleanT, Date as DateT, DateTime, Double, Float, Integer, Interval, JSON as JSONT, JSONB,
  LargeBinary, Numeric, SmallInteger, String as StringT, Text, Time, Uuid,
} from "../../sql/types/index.js";
import { warn } from "../../warnings.js";

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));

/**
 * A PostgreSQL type as `pg_catalog.format_type()` spells it ("character varying(30)",
 * "numeric(10,2)", "timestamp(3) with time zone", "integer[]"), mapped to an athanor type.
 */
export function pgType(formatted: string, column: string): TypeEngine<unknown> {
  const t = mapPg(formatted.trim().toLowerCase());
  if (t) return t;
  warn(`Did not recognize type '${formatted}' of column '${column}'`);
  return NULLTYPE;
}

function mapPg(s: string): TypeEngine<unknown> | undefined {
  if (s.endsWith("[]")) {
    const inner = mapPg(s.slice(0, -2));
    return inner ? (ARRAY(inner) as TypeEngine<unknown>) : undefined;
  }
  let m: RegExpMatchArray | null;
  switch (s) {
    case "integer":
      return Integer();
    case "bigint":
      return BigInteger();
    case "smallint":
      return SmallInteger();
    case "text":
      return Text();
    case "boolean":
      return BooleanT();
    case "real":
      return Float(24);
    case "double precision":
      return Double();
    case "date":
      return DateT();
    case "interval":
      return Interval();
    case "json":
      return JSONT();
    case "jsonb":
      return JSONB();
    case "uuid":
      return Uuid();
    case "bytea":
      return LargeBinary();
  }
  if ((m = /^character(?: varying)?(?:\((\d+)\))?$/.exec(s))) return StringT(num(m[1]));
  if ((m = /^numeric(?:\((\d+),(\d+)\))?$/.exec(s))) return Numeric(num(m[1]), num(m[2]));
  if ((m = /^timestamp(?:\((\d)\))? with(out)? time zone$/.exec(s))) {
    return DateTime({ timezone: m[2] === undefined, ...(m[1] === undefined ? {} : { precision: Number(m[1]) }) });
  }
  if (/^time(?:\(\d\))? without time zone$/.test(s)) return Time();
  return undefined;
}

/**
 * A SQLite declared type ("VARCHAR(30)", "NUMERIC(10, 2)", "DATETIME") mapped to an athanor
 * type: known names first, then SQLite's affinity rules as SQLAlchemy's
 * `_resolve_type_affinity` applies them (INT → Integer; CHAR, CLOB, TEXT → Text; BLOB or no
 * type → NullType; REAL, FLOA, DOUB → Float; anything else → Numeric).
 */
export function sqliteType(declared: string): TypeEngine<unknown> {
  const s = declared.trim().toUpperCase();
  const m = /^([A-Z ]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(s);
  const base = m?.[1] ?? s;
  const a = num(m?.[2]);
  const b = num(m?.[3]);
  switch (base) {
    case "INTEGER":
    case "INT":
      return Integer();
    case "BIGINT":
      return BigInteger();
    case "SMALLINT":
      return SmallInteger();
    case "VARCHAR":
    case "NVARCHAR":
    case "CHAR":
    case "NCHAR":
      return StringT(a);
    case "TEXT":
    case "CLOB":
      return Text();
    case "BOOLEAN":
      return BooleanT();
    case "NUMERIC":
    case "DECIMAL":
      return Numeric(a, b);
    case "REAL":
    case "FLOAT":
      return Float(24);
    case "DOUBLE":
    case "DOUBLE PRECISION":
      return Double();
    case "DATE":
      return DateT();
    case "DATETIME":
    case "TIMESTAMP":
      return DateTime();
    case "TIME":
      return Time();
    case "JSON":
      return JSONT();
    case "BLOB":
      return LargeBinary();
    case "UUID":
      return Uuid();
  }
  if (s === "") return NULLTYPE;
  if (s.includes("INT")) return Integer();
  if (s.includes("CHAR") || s.includes("CLOB") || s.includes("TEXT")) return Text();
  if (s.includes("BLOB")) return NULLTYPE;
  if (s.includes("REAL") || s.includes("FLOA") || s.includes("DOUB")) return Float(24);
  return Numeric();
}

/**
 * Conversion between @libsql/client values and the driver contract's shapes.
 * @module
 */
import type { InStatement, InValue, ResultSet } from "@libsql/client";
import type { DriverColumn, DriverResult, DriverStatement } from "../../src/engine/driver/contract.js";
import { isDml } from "./sql-shape.js";

/** A contract statement as a libSQL statement (positional `?` arguments). */
export function toLibsqlStatement(stmt: DriverStatement): InStatement {
  return { sql: stmt.sql, args: stmt.params as InValue[] };
}

/** BLOBs arrive as ArrayBuffer; athanor hands Uint8Array views to its type layer. */
function convertValue(v: unknown): unknown {
  return v instanceof ArrayBuffer ? new Uint8Array(v) : v;
}

/** A libSQL Row (array-like with named keys) as a plain array in column order. */
export function toRowArray(row: ArrayLike<unknown>): unknown[] {
  const out = new Array<unknown>(row.length);
  for (let i = 0; i < row.length; i++) out[i] = convertValue(row[i]);
  return out;
}

/** Columns with SQLite's declared type where it has one ("" means none: expression columns). */
export function toColumns(names: readonly string[], types: readonly string[]): DriverColumn[] {
  return names.map((name, i) => {
    const type = types[i];
    return type ? { name, type } : { name };
  });
}

function toRowid(v: bigint | undefined): number | bigint | undefined {
  if (v === undefined) return undefined;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * A libSQL ResultSet as a {@link DriverResult}.
 *
 * rowsAffected: the local client reports 0 for any statement that returns rows, including
 * `INSERT … RETURNING`; since RETURNING yields exactly one row per affected row, DML that
 * returns rows reports its row count instead. Plain queries report -1 (unknown), as PEP 249's
 * `rowcount` does for SELECT.
 */
export function toDriverResult(rs: ResultSet, sql: string): DriverResult {
  const rows = rs.rows.map(toRowArray);
  let rowsAffected = rs.rowsAffected;
  if (rs.columns.length > 0) {
    if (isDml(sql)) {
      if (rowsAffected === 0) rowsAffected = rows.length;
    } else {
      rowsAffected = -1;
    }
  }
  const lastInsertRowid = toRowid(rs.lastInsertRowid);
  return {
    columns: toColumns(rs.columns, rs.columnTypes),
    rows,
    rowsAffected,
    ...(lastInsertRowid !== undefined ? { lastInsertRowid } : {}),
  };
}

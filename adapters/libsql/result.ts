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

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function toRowid(v: bigint | undefined): number | bigint | undefined {
  if (v === undefined) return undefined;
  return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v;
}

/** {@link isDml} per SQL text: the engine sends the same cached SQL strings over and over. */
const dmlBySql = new Map<string, boolean>();
function isDmlCached(sql: string): boolean {
  let v = dmlBySql.get(sql);
  if (v === undefined) {
    v = isDml(sql);
    // Bounded: ad-hoc SQL (text() with literals) must not grow it without limit.
    if (dmlBySql.size >= 2000) dmlBySql.clear();
    dmlBySql.set(sql, v);
  }
  return v;
}

/**
 * A {@link DriverResult} whose `columns` are built on first read: the engine reads them only
 * for statements it did not compile itself (text(), DDL) or for debug echo, so a compiled
 * SELECT does not pay for the array per execution.
 */
class LibsqlDriverResult implements DriverResult {
  private _columns: DriverColumn[] | undefined;
  readonly lastInsertRowid?: number | bigint;
  constructor(
    private readonly names: readonly string[],
    private readonly types: readonly string[],
    readonly rows: unknown[][],
    readonly rowsAffected: number,
    lastInsertRowid: number | bigint | undefined,
  ) {
    if (lastInsertRowid !== undefined) this.lastInsertRowid = lastInsertRowid;
  }
  get columns(): DriverColumn[] {
    return (this._columns ??= toColumns(this.names, this.types));
  }
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
  const src = rs.rows;
  const rows = new Array<unknown[]>(src.length);
  for (let i = 0; i < src.length; i++) rows[i] = toRowArray(src[i]!);
  if (src.length > 0) clientRows.last = src[0];
  let rowsAffected = rs.rowsAffected;
  if (rs.columns.length > 0) {
    if (isDmlCached(sql)) {
      if (rowsAffected === 0) rowsAffected = rows.length;
    } else {
      rowsAffected = -1;
    }
  }
  return new LibsqlDriverResult(rs.columns, rs.columnTypes, rows, rowsAffected, toRowid(rs.lastInsertRowid));
}

/**
 * The last client row converted, kept alive on purpose: the client builds each row with
 * `defineProperty`, so its hidden class dies with the rows, and {@link toRowArray}'s optimized
 * code with it at the next full GC (see the note in src/sql/cache-key.ts). One row.
 */
const clientRows: { last: unknown } = { last: undefined };

/**
 * Driver results kept alive on purpose (both `lastInsertRowid` kinds): one live instance keeps
 * the hidden class, and the optimized code that uses it, across full GCs that happen while no
 * other result is alive (see the note in src/sql/cache-key.ts).
 */
const ANCHORS = [new LibsqlDriverResult([], [], [], 0, undefined), new LibsqlDriverResult([], [], [], 0, 1)];
/** @internal */
export function _resultAnchors(): readonly unknown[] {
  return [...ANCHORS, clientRows.last];
}

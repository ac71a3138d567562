/**
 * The primary key of the row a single-row INSERT just wrote (SQLAlchemy's
 * `CursorResult.inserted_primary_key`), and how the engine finds it out:
 * - values given in `values()` or in the execution parameters are reported as given;
 * - on SQLite, a single integer primary key left to the database is the driver's
 *   `last_insert_rowid()`, as SQLAlchemy's SQLite dialect reads `cursor.lastrowid`, read
 *   through the column type's result processor;
 * - otherwise the engine adds `RETURNING <primary key>` to the statement it sends (SQLAlchemy 2.0's
 *   "implicit returning"), and the result stays a result without rows.
 * @module
 */
import { BindParameter } from "../sql/elements.js";
import type { Insert } from "../sql/dml.js";
import { TableImpl, type ColumnImpl } from "../sql/schema.js";
import type { DialectName } from "./driver/contract.js";
import type { InsertedPrimaryKeyInfo } from "./result/metadata.js";

const MISSING: unique symbol = Symbol("missing");

/** How an executed INSERT reports its primary key. */
export type InsertPkPlan =
  | {
      readonly kind: "known";
      readonly columns: readonly ColumnImpl[];
      /** Per primary-key column, the value given, or MISSING to be read back. */
      readonly given: readonly unknown[];
      /** "none": nothing reports the key (INSERT … SELECT); every value is null, as SQLAlchemy's `(None,)`. */
      readonly source: "given" | "lastrowid" | "returning" | "none";
    }
  | { readonly kind: "unavailable"; readonly reason: string };

/** Whether a plan needs `RETURNING` added to the statement. */
export function needsImplicitReturning(plan: InsertPkPlan | undefined): plan is InsertPkPlan & { readonly kind: "known" } {
  return plan !== undefined && plan.kind === "known" && plan.source === "returning";
}

/**
 * Decide how a single execution of `stmt` will know its primary key.
 * @param canReturn whether RETURNING can be added (the dialect and driver support it, and the
 *   statement is not queued for a commit batch whose results arrive only at commit).
 */
export function planInsertPk(
  stmt: Insert,
  params: Readonly<Record<string, unknown>> | undefined,
  dialect: DialectName,
  canReturn: boolean,
): InsertPkPlan {
  const settled = settledPlan(stmt);
  if (settled) return settled;
  // settledPlan() let only tables with a primary key through.
  const table = stmt.table as TableImpl;
  // SQLAlchemy reports an INSERT … SELECT's key as all None: no single row is known.
  if (stmt.fromSelectStmt) return { kind: "known", columns: table.primaryKeyColumns, given: table.primaryKeyColumns.map(() => MISSING), source: "none" };
  const columns = table.primaryKeyColumns;
  const row = stmt.valueRows?.[0];
  let missing = 0;
  const given = columns.map((c) => {
    const el = row?.get(c);
    let v: unknown = MISSING; // a SQL expression, or nothing: only the database knows the value
    if (el !== undefined) {
      if (el instanceof BindParameter && !el.required && !el.expanding) v = el.effectiveValue();
    } else if (params !== undefined) {
      if (c.key in params) v = params[c.key];
      else if (c.name in params) v = params[c.name];
    }
    // NULL for a key is "not given", as in SQLAlchemy: the database assigns one.
    if (v === null || v === undefined) v = MISSING;
    if (v === MISSING) missing++;
    return v;
  });
  if (missing === 0) return { kind: "known", columns, given, source: "given" };
  const only = columns.length === 1 ? columns[0]! : undefined;
  if (dialect === "sqlite" && only !== undefined && only.type.affinity === "integer" && only.default === undefined) {
    return { kind: "known", columns, given, source: "lastrowid" };
  }
  if (canReturn) return { kind: "known", columns, given, source: "returning" };
  return unavailable(QUEUED_REASON);
}

/** Why a write queued for a batch-only driver's commit batch cannot report a generated key. */
const QUEUED_REASON =
  "the INSERT is queued for the commit batch of a batch-only driver and a key the database generates is known only after commit; pass the key's value to the statement (for example a UUID made in the application)";

/** The plan for a table without a primary key: every inserted row's key is the empty row. */
const NO_KEY: InsertPkPlan = { kind: "known", columns: [], given: [], source: "given" };

function unavailable(reason: string): InsertPkPlan {
  return { kind: "unavailable", reason };
}

/**
 * How an executemany INSERT reports its keys (`Result.insertedPrimaryKeyRows`): the key columns,
 * or why there are none (no primary key, `returning()` given, multi-row VALUES).
 */
export function planInsertManyPk(stmt: Insert): InsertPkPlan {
  const settled = settledPlan(stmt);
  if (settled) return settled;
  // settledPlan() let only tables with a primary key through.
  const columns = (stmt.table as TableImpl).primaryKeyColumns;
  return { kind: "known", columns, given: columns.map(() => MISSING), source: "none" };
}

/**
 * The plan for INSERTs whose key is settled by their shape alone, for one row or many: none for
 * a multi-row VALUES or `returning()` (read its rows), the empty key for a table without a
 * primary key (SQLAlchemy's `()`); undefined when the key columns must be looked at.
 */
function settledPlan(stmt: Insert): InsertPkPlan | undefined {
  const table = stmt.table;
  if (stmt.isMultiValues) return unavailable("the INSERT has a multi-row VALUES clause");
  if (stmt.returningColumns.length) return unavailable("Can't call inserted_primary_key when returning() is used.");
  if (!(table instanceof TableImpl) || table.primaryKeyColumns.length === 0) return NO_KEY;
  return undefined;
}

/**
 * `insertedPrimaryKeyRows` of an executemany INSERT, one row per parameter set, as SQLAlchemy
 * 2.0 composes it: a key value given in the parameter set as given; a generated one from the
 * RETURNING rows of `returnDefaults()` ("insertmanyvalues" with RETURNING), in input order; and
 * null where neither knows it (SQLAlchemy's `None` for server-generated values).
 * @param returned the processed RETURNING value of a key column for a parameter set, when fetched.
 */
export function insertedManyPkInfo(
  plan: InsertPkPlan,
  paramSets: readonly Readonly<Record<string, unknown>>[],
  returned: ((row: number, column: ColumnImpl) => unknown) | undefined,
): InsertedPrimaryKeyInfo {
  if (plan.kind === "unavailable") return { unavailable: plan.reason };
  const columns = plan.columns;
  let rows: (readonly unknown[])[] | undefined;
  // Built on first read: an executemany of many rows (a flush among them) seldom asks.
  return {
    keys: columns.map((c) => c.key),
    values: null,
    get rows() {
      return (rows ??= paramSets.map((params, r) => columns.map((c) => givenKey(params, c) ?? (returned ? (returned(r, c) ?? null) : null))));
    },
  };
}

/**
 * {@link insertedManyPkInfo} for an executemany queued in a batch-only driver's commit batch: a
 * key the database generates is known only after commit, so the rows are unavailable unless
 * every parameter set gives every key.
 */
export function queuedManyPkInfo(plan: InsertPkPlan, paramSets: readonly Readonly<Record<string, unknown>>[]): InsertedPrimaryKeyInfo {
  if (plan.kind === "known" && !paramSets.every((p) => plan.columns.every((c) => givenKey(p, c) !== undefined))) return { unavailable: QUEUED_REASON };
  return insertedManyPkInfo(plan, paramSets, undefined);
}

/** A key value given in a parameter set, by column key or name; null counts as not given. */
function givenKey(params: Readonly<Record<string, unknown>>, c: ColumnImpl): unknown {
  const v = c.key in params ? params[c.key] : params[c.name];
  return v === null ? undefined : v;
}

/**
 * What `Result.insertedPrimaryKey` reports for an executed INSERT: the key values in the table's
 * primary-key order, or why there are none.
 * @param returned the RETURNING row the engine added (result-processed), for `source: "returning"`.
 */
export function insertedPkInfo(plan: InsertPkPlan, lastInsertRowid: number | bigint | undefined, returned: readonly unknown[] | undefined): InsertedPrimaryKeyInfo {
  if (plan.kind === "unavailable") return { unavailable: plan.reason };
  // The engine's RETURNING gave no row: nothing was inserted (ON CONFLICT DO NOTHING, or DO
  // UPDATE … WHERE that matched nothing), and SQLAlchemy 2.0 reports None rather than (None,).
  if (plan.source === "returning" && returned === undefined) return { keys: plan.columns.map((c) => c.key), values: null };
  const values = plan.given.map((v, i) => {
    if (v !== MISSING) return v;
    if (plan.source === "none") return null;
    if (plan.source === "returning") return returned?.[i] ?? null;
    if (lastInsertRowid === undefined) return null;
    // The rowid is the key column's value as the database holds it: read it through the
    // column's type as a fetched value would be (SQLAlchemy's SpecialTypePKTest: a
    // TypeDecorator key reports "INT_1", not 1).
    const proc = plan.columns[i]!.type.resultProcessor("sqlite");
    return proc ? proc(lastInsertRowid) : lastInsertRowid;
  });
  return { keys: plan.columns.map((c) => c.key), values };
}

/** The same for an INSERT queued for a batch-only driver's commit batch: only given keys are known. */
export function queuedPkInfo(plan: InsertPkPlan): InsertedPrimaryKeyInfo {
  if (plan.kind === "known" && plan.source !== "given") return { unavailable: QUEUED_REASON };
  return insertedPkInfo(plan, undefined, undefined);
}

/**
 * Which columns an `insert()` / `update()` / `delete()` with `returnDefaults()` fetches by
 * RETURNING (SQLAlchemy 2.0's `return_defaults()`): the values the database computes for the
 * row written, which the application cannot know from its own parameters.
 * @module
 */
import { BindParameter, ClauseElement, type ColumnElement } from "../sql/elements.js";
import { Delete, Insert, Update, type UpdateBase } from "../sql/dml.js";
import { TableImpl, type ColumnImpl } from "../sql/schema.js";

/** How the statement's value for a column is known. */
type Given = "plain" | "sql" | undefined;

/**
 * The RETURNING columns for `stmt.returnDefaults(...)`, in the table's column order, or an empty
 * list when nothing is to be fetched.
 * @param params the (first) execution parameter set, by column key or name.
 */
export function returnDefaultsColumns(stmt: UpdateBase, params: Readonly<Record<string, unknown>> | undefined): ColumnElement<unknown, string>[] {
  const asked = stmt.returnDefaultsColumns ?? [];
  const extra = stmt.returnDefaultsSupplemental;
  const table = stmt.table;
  const own = table.columnList as readonly ColumnImpl[];
  const named = new Set<unknown>(asked);
  const always = new Set<unknown>(extra);
  const out: ColumnElement<unknown, string>[] = [];
  // In the table's column order, as SQLAlchemy's RETURNING for return_defaults().
  for (const c of own) {
    if (always.has(c)) out.push(c);
    // DELETE computes nothing: only the columns named are returned (SQLAlchemy's).
    else if (stmt instanceof Delete || !(table instanceof TableImpl)) {
      if (named.has(c)) out.push(c);
    } else {
      const given = stmt instanceof Insert ? insertGiven(stmt, c, params) : stmt instanceof Update ? updateGiven(stmt, c, params) : undefined;
      if (wanted(stmt, c, given, named.has(c), asked.length === 0)) out.push(c);
    }
  }
  // Columns named that are not the table's own (expressions) come after, as given.
  for (const c of [...asked, ...extra]) if (!out.includes(c) && !(own as readonly unknown[]).includes(c)) out.push(c);
  return out;
}

function wanted(stmt: UpdateBase, c: ColumnImpl, given: Given, named: boolean, all: boolean): boolean {
  if (given === "plain") return false;
  if (given === "sql") return all || named;
  if (stmt instanceof Insert) {
    if (c.primaryKey) return true;
    if (named) return true;
    // Not given: a client-side scalar or function default is computed in the application.
    return all && !(c.default !== undefined && !(c.default instanceof ClauseElement));
  }
  if (named) return true;
  if (!all) return false;
  // UPDATE: only what the database sets on its own.
  return c.serverOnupdate || c.onupdate instanceof ClauseElement;
}

function insertGiven(stmt: Insert, c: ColumnImpl, params: Readonly<Record<string, unknown>> | undefined): Given {
  const el = stmt.valueRows?.[0]?.get(c);
  if (el !== undefined) return el instanceof BindParameter ? plainUnlessNullKey(c, el.required ? paramOf(c, params) : el.effectiveValue()) : "sql";
  if (params !== undefined && (c.key in params || c.name in params)) return plainUnlessNullKey(c, paramOf(c, params));
  return undefined;
}

function updateGiven(stmt: Update, c: ColumnImpl, params: Readonly<Record<string, unknown>> | undefined): Given {
  const el = stmt.setValues?.get(c);
  if (el !== undefined) return el instanceof BindParameter ? "plain" : "sql";
  if (params !== undefined && (c.key in params || c.name in params)) return "plain";
  return undefined;
}

function paramOf(c: ColumnImpl, params: Readonly<Record<string, unknown>> | undefined): unknown {
  if (params === undefined) return undefined;
  return c.key in params ? params[c.key] : params[c.name];
}

/** A NULL primary key is "not given", as for `insertedPrimaryKey`: the database assigns one. */
function plainUnlessNullKey(c: ColumnImpl, v: unknown): Given {
  return c.primaryKey && v == null ? undefined : "plain";
}

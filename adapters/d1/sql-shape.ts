/**
 * How the D1 adapter decides which D1 call runs a statement. D1's `raw()` returns rows as
 * arrays with column names but no `meta` (no changes count); `run()` returns `meta` but rows as
 * objects. So statements that produce rows go through `raw()`, and the others through `run()`.
 * This reads keywords outside literals and comments; it never parses SQL.
 * @module
 */
import { isDml, isPageableQuery, leadingKeyword } from "../libsql/sql-shape.js";

export { isDml };

/** `sql` with string literals, quoted identifiers and comments blanked out. */
function codeOnly(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/g, " ");
}

/** True when an INSERT/UPDATE/DELETE has a RETURNING clause. */
export function hasReturning(sql: string): boolean {
  return /\breturning\b/i.test(codeOnly(sql));
}

/** Statements that yield rows: queries, PRAGMA/EXPLAIN, and DML … RETURNING. */
export function returnsRows(sql: string): boolean {
  if (isDml(sql)) return hasReturning(sql);
  if (isPageableQuery(sql)) return true;
  const kw = leadingKeyword(sql);
  return kw === "pragma" || kw === "explain";
}

const TRANSACTION_CONTROL = new Set(["begin", "commit", "end", "rollback", "savepoint", "release"]);

/** BEGIN/COMMIT/END/ROLLBACK/SAVEPOINT/RELEASE, which D1 refuses. */
export function isTransactionControl(sql: string): boolean {
  return TRANSACTION_CONTROL.has(leadingKeyword(sql));
}

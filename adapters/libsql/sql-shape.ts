/**
 * Just enough lexical inspection of SQLite statement text for the libSQL adapter to decide how
 * to run it: whether a statement that returns rows is DML with RETURNING (so its row count is
 * its rows-affected count) and whether a query can be paged by wrapping it in a subquery.
 *
 * This never parses SQL; it only reads the leading keyword past whitespace and comments, and
 * scans a WITH statement for a data-modifying keyword. A false "not pageable" answer only costs
 * streaming (the statement runs once), never correctness.
 * @module
 */

const DML_KEYWORD = /\b(insert|update|delete|replace|merge)\b/i;

/** The first SQL keyword of `sql`, lower-cased, skipping whitespace, comments and "(". */
export function leadingKeyword(sql: string): string {
  let i = 0;
  const n = sql.length;
  for (;;) {
    while (i < n && (/\s/.test(sql[i]!) || sql[i] === "(")) i++;
    if (sql.startsWith("--", i)) {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
    } else if (sql.startsWith("/*", i)) {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else {
      break;
    }
  }
  const m = /^[A-Za-z]+/.exec(sql.slice(i));
  return m ? m[0].toLowerCase() : "";
}

/** True for INSERT/UPDATE/DELETE/REPLACE, including those introduced by a WITH clause. */
export function isDml(sql: string): boolean {
  const kw = leadingKeyword(sql);
  if (kw === "insert" || kw === "update" || kw === "delete" || kw === "replace") return true;
  return kw === "with" && DML_KEYWORD.test(sql);
}

/**
 * True when `sql` is a pure query (SELECT, VALUES, PostgreSQL's TABLE, or WITH without a
 * data-modifying keyword), so it may be wrapped as a subquery or declared as a cursor.
 * Shared with the PostgreSQL adapters (the rule is dialect-neutral).
 */
export function isPageableQuery(sql: string): boolean {
  const kw = leadingKeyword(sql);
  if (kw === "select" || kw === "values" || kw === "table") return true;
  return kw === "with" && !DML_KEYWORD.test(sql);
}

/** `sql` without trailing semicolons and whitespace, so it can sit inside parentheses. */
export function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, "");
}

/**
 * Undo SQLite's renaming of duplicate subquery columns: `SELECT * FROM (SELECT a AS id, b AS
 * id)` reports `id` and `id:1`. A name `x:N` is turned back into `x` only when `x` occurs
 * earlier in the list, so a column genuinely named "x:1" survives unless it follows an "x".
 */
export function restoreDuplicateColumnNames(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const m = /^(.*):(\d+)$/.exec(name);
    out.push(m && out.includes(m[1]!) ? m[1]! : name);
  }
  return out;
}

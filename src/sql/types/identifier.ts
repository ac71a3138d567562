/**
 * Identifier quoting for names types render into DDL (PostgreSQL enum type names).
 * @module
 */

const SIMPLE = /^[a-z_][a-z0-9_$]*$/;
// Words PostgreSQL reserves even as type names; a name among them must be quoted.
const RESERVED = new Set([
  "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast",
  "check", "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role",
  "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do",
  "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in",
  "initially", "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
  "null", "offset", "on", "only", "or", "order", "placing", "primary", "references", "returning", "select",
  "session_user", "some", "symmetric", "table", "then", "to", "trailing", "true", "union", "unique", "user",
  "using", "variadic", "when", "where", "window", "with",
]);

/** Quote an identifier with double quotes unless it is a lower-case, non-reserved simple name. */
export function quoteIdentifier(name: string): string {
  return SIMPLE.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Render a SQL string literal: single quotes, embedded quotes doubled (standard SQL). */
export function quoteString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

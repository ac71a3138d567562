/**
 * Reading constraint details out of DDL text, where SQLite keeps them only there (constraint
 * names, CHECK conditions, deferral), as SQLAlchemy's SQLite dialect parses `sqlite_master.sql`.
 * Quotes and parentheses are tracked, so a `)` or `,` inside a string literal or a quoted name
 * never ends a clause.
 * @module
 */

/** The index after the quoted token starting at `i` (`'…'`, `"…"`, `` `…` ``, `[…]`). */
function skipQuoted(s: string, i: number): number {
  const open = s[i]!;
  const close = open === "[" ? "]" : open;
  let j = i + 1;
  while (j < s.length) {
    if (s[j] === close) {
      if (close !== "]" && s[j + 1] === close) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return j;
}

/** The index of the `)` closing the `(` at `open`, or -1. */
export function closingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; ) {
    const ch = s[i]!;
    if (ch === "'" || ch === '"' || ch === "`" || ch === "[") {
      i = skipQuoted(s, i);
      continue;
    }
    if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return i;
    i++;
  }
  return -1;
}

/**
 * The text without parentheses that enclose all of it, repeatedly (SQLAlchemy's
 * `strip_outer_parens`): "((a > 1))" → "a > 1", while "(a) OR (b)" stays.
 */
export function stripOuterParens(text: string): string {
  let s = text.trim();
  while (s.startsWith("(") && closingParen(s, 0) === s.length - 1) s = s.slice(1, -1).trim();
  return s;
}

/** An identifier as written in DDL, unquoted ("a""b" → a"b, [x] → x). */
export function unquoteIdent(raw: string): string {
  const s = raw.trim();
  const q = s[0];
  if ((q === '"' || q === "`" || q === "'") && s.length > 1 && s.endsWith(q)) return s.slice(1, -1).split(q + q).join(q);
  if (q === "[" && s.endsWith("]")) return s.slice(1, -1);
  return s;
}

/** A comma-separated list of identifiers, unquoted ("a, \"b c\"" → ["a", "b c"]). */
export function identList(s: string): string[] {
  return splitTopLevel(s).map(unquoteIdent).filter((x) => x !== "");
}

/** Split at commas outside parentheses and quotes. */
export function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; ) {
    const ch = s[i]!;
    if (ch === "'" || ch === '"' || ch === "`" || ch === "[") {
      i = skipQuoted(s, i);
      continue;
    }
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
    i++;
  }
  out.push(s.slice(start).trim());
  return out;
}

/** The definitions inside `CREATE TABLE name ( … )`: columns and table constraints. */
export function tableElements(createSql: string): string[] {
  const open = createSql.indexOf("(");
  if (open < 0) return [];
  const close = closingParen(createSql, open);
  return splitTopLevel(createSql.slice(open + 1, close < 0 ? undefined : close));
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|'(?:[^']|'')+'|\x60[^\x60]+\x60|\[[^\]]+\]|[^\s(),]+)`;

/** The `CONSTRAINT <name>` in front of a clause, unquoted, or null. */
function constraintName(prefix: string): string | null {
  const m = new RegExp(String.raw`CONSTRAINT\s+(${IDENT})\s*$`, "i").exec(prefix.trim() + " ");
  return m ? unquoteIdent(m[1]!) : null;
}

/** Every `CHECK (…)` of a CREATE TABLE (column and table level), with its constraint name. */
export function checkClauses(createSql: string): { name: string | null; sqltext: string }[] {
  const out: { name: string | null; sqltext: string }[] = [];
  for (const el of tableElements(createSql)) {
    const re = /\bCHECK\s*\(/gi;
    let m: RegExpExecArray | null;
    let from = 0;
    while ((m = re.exec(el))) {
      if (inQuotes(el, m.index)) continue;
      const open = m.index + m[0].length - 1;
      const close = closingParen(el, open);
      if (close < 0) break;
      out.push({ name: constraintName(el.slice(from, m.index)), sqltext: el.slice(open + 1, close).trim() });
      from = close + 1;
      re.lastIndex = close + 1;
    }
  }
  return out;
}

/** Whether position `pos` of `s` lies inside a quoted token. */
function inQuotes(s: string, pos: number): boolean {
  for (let i = 0; i < pos; ) {
    const ch = s[i]!;
    if (ch === "'" || ch === '"' || ch === "`" || ch === "[") {
      const end = skipQuoted(s, i);
      if (pos < end) return true;
      i = end;
      continue;
    }
    i++;
  }
  return false;
}

/** A table-level `[CONSTRAINT n] FOREIGN KEY (cols) REFERENCES t (cols) …` clause. */
export interface ForeignKeyClause {
  readonly name: string | null;
  readonly columns: string[];
  readonly referredTable: string;
  readonly deferrable?: boolean;
  readonly initially?: string;
}

/** The table-level foreign key clauses of a CREATE TABLE. */
export function foreignKeyClauses(createSql: string): ForeignKeyClause[] {
  const out: ForeignKeyClause[] = [];
  const re = new RegExp(String.raw`^(?:CONSTRAINT\s+(${IDENT})\s+)?FOREIGN\s+KEY\s*\(([^)]*)\)\s*REFERENCES\s+(${IDENT})([\s\S]*)$`, "i");
  for (const el of tableElements(createSql)) {
    const m = re.exec(el);
    if (!m) continue;
    const rest = m[4]!;
    const def = /\b(NOT\s+)?DEFERRABLE\b/i.exec(rest);
    const init = /\bINITIALLY\s+(DEFERRED|IMMEDIATE)\b/i.exec(rest);
    out.push({
      name: m[1] ? unquoteIdent(m[1]) : null,
      columns: identList(m[2]!),
      referredTable: unquoteIdent(m[3]!),
      ...(def ? { deferrable: !def[1] } : {}),
      ...(init ? { initially: init[1]!.toUpperCase() } : {}),
    });
  }
  return out;
}

/** Table-level `[CONSTRAINT n] UNIQUE (cols)` clauses of a CREATE TABLE. */
export function uniqueClauses(createSql: string): { name: string | null; columns: string[] }[] {
  const re = new RegExp(String.raw`^(?:CONSTRAINT\s+(${IDENT})\s+)?UNIQUE\s*\(([^)]*)\)`, "i");
  return tableElements(createSql).flatMap((el) => {
    const m = re.exec(el);
    return m ? [{ name: m[1] ? unquoteIdent(m[1]) : null, columns: identList(m[2]!) }] : [];
  });
}

/** The name of a table-level `CONSTRAINT n PRIMARY KEY`, or null. */
export function primaryKeyName(createSql: string): string | null {
  const re = new RegExp(String.raw`^CONSTRAINT\s+(${IDENT})\s+PRIMARY\s+KEY\b`, "i");
  for (const el of tableElements(createSql)) {
    const m = re.exec(el);
    if (m) return unquoteIdent(m[1]!);
  }
  return null;
}

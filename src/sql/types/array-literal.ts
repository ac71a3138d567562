/**
 * PostgreSQL array literals (`{1,2,NULL}`, `{"a,b","q\"x"}`, `{{1,2},{3,4}}`): serialising and
 * parsing, per the PostgreSQL manual §8.15.6 "Array Input and Output Syntax".
 * @module
 */
import { ArgumentError } from "../../errors.js";
import { bytesToHex } from "./binary.js";

/** Text of one non-null element as PostgreSQL's input function for the item type reads it. */
function elementText(x: unknown): string {
  switch (typeof x) {
    case "string":
      return x;
    case "number":
    case "bigint":
      return String(x);
    case "boolean":
      return x ? "t" : "f";
    default:
      if (x instanceof Uint8Array) return `\\x${bytesToHex(x)}`;
      if (x instanceof Date) return x.toISOString();
      return globalThis.JSON.stringify(x);
  }
}

/**
 * Serialise nested JS arrays to an array literal. Every element is double-quoted (so `NULL`,
 * commas, braces and blanks inside strings are data) with `"` and `\` backslash-escaped; `null`
 * and `undefined` become the unquoted `NULL`. `isLevel(value, depth)` says whether a value at
 * `depth` (0 = top) is a nested dimension rather than an element.
 */
export function serializeArrayLiteral(
  value: readonly unknown[],
  isLevel: (v: unknown, depth: number) => boolean,
  depth = 0,
): string {
  let s = "{";
  for (let i = 0; i < value.length; i++) {
    if (i > 0) s += ",";
    const x = value[i];
    if (x == null) s += "NULL";
    else if (isLevel(x, depth + 1)) s += serializeArrayLiteral(x as unknown[], isLevel, depth + 1);
    else s += `"${elementText(x).replace(/[\\"]/g, "\\$&")}"`;
  }
  return `${s}}`;
}

/** PostgreSQL's array_isspace: space, \t, \n, \v, \f, \r. */
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/**
 * Parse an array literal into nested JS arrays of element strings (`null` for an unquoted
 * `NULL`, any case). Accepts a leading dimension decoration (`[0:1]={1,2}`), blanks around
 * elements, quoted and backslash-escaped elements.
 * @throws ArgumentError for malformed text.
 */
export function parseArrayLiteral(text: string): unknown[] {
  let i = 0;
  const n = text.length;
  const fail = (): never => {
    throw new ArgumentError(`malformed array literal ${globalThis.JSON.stringify(text.slice(0, 60))} at offset ${i}`);
  };
  const skipBlanks = () => {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  };
  const quoted = (): string => {
    const start = ++i; // past the opening quote
    let s = "";
    let from = start;
    for (;;) {
      if (i >= n) fail();
      const c = text.charCodeAt(i);
      if (c === 34) break; // closing "
      if (c === 92) {
        s += text.slice(from, i);
        if (++i >= n) fail();
        from = i;
      }
      i++;
    }
    s += text.slice(from, i);
    i++;
    return s;
  };
  const unquoted = (): string | null => {
    let s = "";
    let from = i;
    let escaped = false;
    let keep = 0; // length of s up to the last non-blank or escaped character
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 44 || c === 125) break; // , }
      if (c === 123 || c === 34) fail(); // { " inside an unquoted element
      if (c === 92) {
        s += text.slice(from, i);
        if (++i >= n) fail();
        s += text[i];
        from = i + 1;
        escaped = true;
        keep = s.length;
      } else if (!isSpace(c)) {
        keep = s.length + (i - from) + 1;
      }
    }
    s = (s + text.slice(from, i)).slice(0, keep);
    if (s === "" && !escaped) fail();
    return !escaped && s.length === 4 && s.toUpperCase() === "NULL" ? null : s;
  };
  const level = (): unknown[] => {
    if (text.charCodeAt(i) !== 123) fail();
    i++;
    const out: unknown[] = [];
    skipBlanks();
    if (text.charCodeAt(i) === 125) {
      i++;
      return out;
    }
    for (;;) {
      skipBlanks();
      const c = text.charCodeAt(i);
      out.push(c === 123 ? level() : c === 34 ? quoted() : unquoted());
      skipBlanks();
      const d = text.charCodeAt(i++);
      if (d === 44) continue;
      if (d === 125) return out;
      i--;
      fail();
    }
  };
  if (text.charCodeAt(0) === 91) {
    const eq = text.indexOf("=");
    if (eq < 0) fail();
    i = eq + 1;
  }
  skipBlanks();
  const result = level();
  skipBlanks();
  if (i !== n) fail();
  return result;
}

/**
 * Decimal-text helpers for `Numeric`: validation, canonical comparison and plain formatting.
 * @module
 */

/** A decimal literal as PostgreSQL's `numeric` input accepts it (without NaN/Infinity). */
export const DECIMAL_LITERAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

interface Canonical {
  readonly negative: boolean;
  /** Significant digits, no leading or trailing zeros; "" for zero. */
  readonly digits: string;
  /** Value = 0.<digits> × 10^point. */
  readonly point: number;
}

/** Canonical form of a decimal literal (already validated by {@link DECIMAL_LITERAL}). */
function canonical(text: string): Canonical {
  let s = text;
  let negative = false;
  if (s[0] === "+" || s[0] === "-") {
    negative = s[0] === "-";
    s = s.slice(1);
  }
  let exp = 0;
  const e = s.search(/[eE]/);
  if (e >= 0) {
    exp = parseInt(s.slice(e + 1), 10);
    s = s.slice(0, e);
  }
  const dot = s.indexOf(".");
  const intPart = dot < 0 ? s : s.slice(0, dot);
  const frac = dot < 0 ? "" : s.slice(dot + 1);
  let all = intPart + frac;
  let point = intPart.length + exp;
  const lead = all.search(/[^0]/);
  if (lead < 0) return { negative: false, digits: "", point: 0 };
  all = all.slice(lead);
  point -= lead;
  all = all.replace(/0+$/, "");
  return { negative, digits: all, point };
}

/**
 * True when the decimal literal survives a trip through an IEEE-754 double unchanged: the double
 * nearest to it prints back (shortest round-trip form) as the same decimal value. False for
 * values with more significant digits than a double holds (about 15–17) or out of range.
 */
export function fitsDouble(text: string): boolean {
  // Any decimal of at most 15 significant digits round-trips through a double; count digits
  // cheaply when there is no exponent (at most 15 digits in all also bounds the magnitude).
  let digits = 0;
  let plain = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 101 || c === 69) plain = false;
  }
  if (plain && digits <= 15) return true;
  const n = Number(text);
  if (!Number.isFinite(n)) return false;
  const a = canonical(text);
  const b = canonical(String(n));
  return a.digits === b.digits && (a.digits === "" || (a.point === b.point && a.negative === b.negative));
}

/** Plain positional decimal text (no exponent) for a decimal literal. */
export function plainDecimal(text: string): string {
  if (!/[eE]/.test(text)) return text;
  const { negative, digits, point } = canonical(text);
  if (digits === "") return "0";
  let out: string;
  if (point <= 0) out = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}

/**
 * Format a finite double as decimal text: with `scale` fixed decimals (rounded like
 * `Number.prototype.toFixed`), otherwise its shortest round-trip form, never in exponent form.
 */
export function formatDouble(n: number, scale: number | undefined): string {
  if (scale !== undefined && Math.abs(n) < 1e21) return n.toFixed(scale);
  const plain = plainDecimal(String(n));
  if (scale === undefined || scale === 0) return plain;
  const dot = plain.indexOf(".");
  const have = dot < 0 ? 0 : plain.length - dot - 1;
  return have >= scale ? plain : (dot < 0 ? `${plain}.` : plain) + "0".repeat(scale - have);
}

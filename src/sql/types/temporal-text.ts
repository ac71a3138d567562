/**
 * Parsing and formatting of date/timestamp text (ISO 8601 and PostgreSQL's `DateStyle=ISO`
 * output) with sub-millisecond digits kept separately, since a JS `Date` holds milliseconds only.
 * @module
 */

/** An instant: epoch milliseconds (UTC) plus the fractional-second digits below a millisecond. */
export interface Instant {
  /** Epoch milliseconds, including the first three fractional digits. */
  readonly ms: number;
  /** Fractional digits after the third (microseconds and finer), trailing zeros removed. */
  readonly sub: string;
}

const TIMESTAMP =
  /^(\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?(\s+BC)?$/i;
const DATE = /^(\d{4,})-(\d{2})-(\d{2})(\s+BC)?$/i;

/** Epoch ms of a proleptic-Gregorian UTC date-time; handles years 0–99 that `Date.UTC` remaps. */
export function utcMs(year: number, month: number, day: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  t.setUTCHours(h, mi, s, ms);
  return t.getTime();
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const t = new Date(utcMs(year, month, day));
  return t.getUTCDate() === day && t.getUTCMonth() === month - 1;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const d2 = (s: string, i: number): number => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48;

/**
 * Fast path for the common shape `YYYY-MM-DD HH:MM:SS[.f…][Z|±HH[:MM]]` with a year from 100 to
 * 9999 (what PostgreSQL and athanor's SQLite storage produce); `null` hands over to the regex.
 */
function parseCommon(s: string): Instant | undefined | null {
  const n = s.length;
  if (n < 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return null;
  const sep = s.charCodeAt(10);
  if (sep !== 32 && sep !== 84) return null;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]) if (!isDigit(s.charCodeAt(i))) return null;
  const year = d2(s, 0) * 100 + d2(s, 2);
  if (year < 100) return null;
  const month = d2(s, 5);
  const day = d2(s, 8);
  const h = d2(s, 11);
  const mi = d2(s, 14);
  const sec = d2(s, 17);
  if (month < 1 || month > 12 || day < 1 || h > 23 || mi > 59 || sec > 59) return undefined;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS[month - 1]! + (leap ? 1 : 0)) return undefined;
  let i = 19;
  let frac = "";
  if (i < n && s.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === start) return null;
    frac = s.slice(start, i);
  }
  let offsetSec = 0;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c === 90 && i + 1 === n) {
      // "Z"
    } else if ((c === 43 || c === 45) && (n - i === 3 || (n - i === 6 && s.charCodeAt(i + 3) === 58))) {
      if (!isDigit(s.charCodeAt(i + 1)) || !isDigit(s.charCodeAt(i + 2))) return null;
      offsetSec = d2(s, i + 1) * 3600;
      if (n - i === 6) {
        if (!isDigit(s.charCodeAt(i + 4)) || !isDigit(s.charCodeAt(i + 5))) return null;
        offsetSec += d2(s, i + 4) * 60;
      }
      if (c === 45) offsetSec = -offsetSec;
    } else {
      return null;
    }
  }
  const ms3 = frac.length >= 3 ? +frac.slice(0, 3) : frac ? +(frac + "00").slice(0, 3) : 0;
  const sub = frac.length > 3 ? frac.slice(3).replace(/0+$/, "") : "";
  return { ms: Date.UTC(year, month - 1, day, h, mi, sec, ms3) - offsetSec * 1000, sub };
}

/**
 * Parse `YYYY-MM-DD[( |T)HH:MM[:SS[.f…]]][Z|±HH[:MM[:SS]]][ BC]`. A value without an offset is
 * taken as UTC (athanor reads and writes naive timestamps as UTC). Returns `undefined` when the
 * text is not such a timestamp or names an impossible date/time.
 */
export function parseTimestamp(text: string): Instant | undefined {
  const common = parseCommon(text);
  if (common !== null) return common;
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  let year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  const h = m[4] ? +m[4] : 0;
  const mi = m[5] ? +m[5] : 0;
  const s = m[6] ? +m[6] : 0;
  if (m[9]) year = 1 - year;
  if (!validDate(year, month, day) || h > 23 || mi > 59 || s > 59) return undefined;
  const frac = m[7] ?? "";
  const ms3 = frac ? +(frac + "00").slice(0, 3) : 0;
  let offsetSec = 0;
  const tz = m[8];
  if (tz && tz.toUpperCase() !== "Z") {
    const digits = tz.slice(1).replace(/:/g, "");
    offsetSec = +digits.slice(0, 2) * 3600 + +(digits.slice(2, 4) || 0) * 60 + +(digits.slice(4, 6) || 0);
    if (tz[0] === "-") offsetSec = -offsetSec;
  }
  return { ms: utcMs(year, month, day, h, mi, s, ms3) - offsetSec * 1000, sub: frac.slice(3).replace(/0+$/, "") };
}

/** Parse `YYYY-MM-DD[ BC]` to epoch ms of that UTC midnight, or `undefined`. */
export function parseDate(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const year = m[4] ? 1 - +m[1]! : +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  return validDate(year, month, day) ? utcMs(year, month, day) : undefined;
}

const pad = (n: number, w: number): string => String(n).padStart(w, "0");
const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** `YYYY-MM-DD` of a `Date`'s UTC fields, with PostgreSQL's ` BC` suffix for years ≤ 0. */
export function formatDate(d: Date): string {
  const y = d.getUTCFullYear();
  const s = `${pad(y <= 0 ? 1 - y : y, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  return y <= 0 ? `${s} BC` : s;
}

/** The fractional-second digits of an instant (at least three). */
export function fractionDigits(i: Instant): string {
  return pad(((i.ms % 1000) + 1000) % 1000, 3) + i.sub;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.fff…]` in UTC. `digits` fixes the fraction width (padded with zeros,
 * cut — callers check nothing non-zero is cut); `"trim"` drops trailing zeros.
 * `suffix` (an offset such as `+00:00`) goes before PostgreSQL's ` BC` marker.
 */
export function formatTimestamp(i: Instant, digits: number | "trim", suffix = ""): string {
  const d = new Date(i.ms);
  const y = d.getUTCFullYear();
  let s =
    `${y >= 1000 ? y : pad(y <= 0 ? 1 - y : y, 4)}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  const all = fractionDigits(i);
  const frac =
    digits === "trim" ? all.replace(/0+$/, "") : digits === 3 && i.sub === "" ? all : (all + "000000").slice(0, digits);
  if (frac) s += `.${frac}`;
  s += suffix;
  return y <= 0 ? `${s} BC` : s;
}

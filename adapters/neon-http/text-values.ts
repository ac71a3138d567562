/**
 * Value conversion shared by the Neon adapters (HTTP and WebSocket): parameters go out as
 * PostgreSQL text, results come back as text except for types whose JS form is exact.
 *
 * Both transports hand node-postgres-style type parsers the text form of every value
 * (Neon HTTP always sends `Neon-Raw-Text-Output: true`; the WebSocket Pool is node-postgres).
 * Their defaults are lossy for athanor (timestamps become millisecond `Date`s, `date` a local
 * midnight `Date`), so these adapters pass their own parser table per query.
 * @module
 */

type Parser = (text: string) => unknown;

const identity: Parser = (x) => x;
const toNumber: Parser = (x) => Number(x);

function hexToBytes(text: string): Uint8Array | string {
  // bytea_output = 'hex' (the default since PostgreSQL 9.0): "\x0a1b…"
  if (!text.startsWith("\\x")) return text;
  const hex = text.slice(2);
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/**
 * Result parsers by type OID. Exact conversions only, matching what the postgres.js adapter
 * yields: bool (16) → boolean; int2/int4/oid (21, 23, 26) and float4/float8 (700, 701) → number;
 * json/jsonb (114, 3802) → parsed value; bytea (17) → Uint8Array. Every other type, notably
 * int8 (20), numeric (1700), date/time/timestamp(tz)/interval and arrays, stays PostgreSQL's
 * text, which athanor's type processors read without loss.
 */
export const NEON_RESULT_PARSERS: Readonly<Record<number, Parser>> = Object.freeze({
  16: (x: string) => x === "t",
  17: hexToBytes,
  21: toNumber,
  23: toNumber,
  26: toNumber,
  700: toNumber,
  701: toNumber,
  114: (x: string) => JSON.parse(x),
  3802: (x: string) => JSON.parse(x),
});

/**
 * node-postgres `types` object (its `CustomTypesConfig`) built on {@link NEON_RESULT_PARSERS};
 * pass it as the `types` query option of `neon()` queries and of `Pool`/`Client` queries.
 * Binary-format results (never requested by these adapters) are returned untouched.
 */
export const NEON_TEXT_TYPES: { getTypeParser(oid: number, format?: string): Parser } = Object.freeze({
  getTypeParser(oid: number, format?: string): Parser {
    if (format === "binary") return identity;
    return NEON_RESULT_PARSERS[oid] ?? identity;
  },
});

function bytesToHex(b: Uint8Array): string {
  let s = "\\x";
  for (let i = 0; i < b.length; i++) s += b[i].toString(16).padStart(2, "0");
  return s;
}

/**
 * One parameter as PostgreSQL text input (or null), decided here rather than by the driver's
 * `prepareValue` so both transports send the same bytes: Uint8Array/ArrayBuffer → bytea hex
 * (`\x…`), Date → ISO 8601 in UTC, bigint/number → decimal text, boolean → `true`/`false`,
 * strings as they are. Arrays and other objects are left to the driver (node-postgres turns
 * arrays into array literals and objects into JSON).
 */
export function toTextParam(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof Uint8Array) return bytesToHex(v);
  if (v instanceof ArrayBuffer) return bytesToHex(new Uint8Array(v));
  if (v instanceof Date) return v.toISOString();
  return v;
}

/** {@link toTextParam} over a parameter list. */
export function toTextParams(params: readonly unknown[]): unknown[] {
  return params.map(toTextParam);
}

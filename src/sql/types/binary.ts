/**
 * `LargeBinary`, following SQLAlchemy's `LargeBinary`.
 * @module
 */
import type { DialectName } from "../../engine/driver/contract.js";
import { ArgumentError } from "../../errors.js";
import { TypeEngine, type BindProcessor, type ResultProcessor, type TypeCompileTarget } from "../type-api.js";
import { cannotBind, cannotRead } from "./errors.js";

const HEX = "0123456789abcdef";

/** Lower-case hex digits of the bytes. */
export function bytesToHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    s += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return s;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Decode PostgreSQL's `\x…` bytea hex output; `undefined` if malformed. */
export function byteaHexToBytes(text: string): Uint8Array | undefined {
  if (text.charCodeAt(0) !== 92 || text.charCodeAt(1) !== 120 || text.length % 2 !== 0) return undefined;
  const out = new Uint8Array((text.length - 2) / 2);
  for (let i = 0, j = 2; i < out.length; i++, j += 2) {
    const hi = hexValue(text.charCodeAt(j));
    const lo = hexValue(text.charCodeAt(j + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** A plain `Uint8Array` view of the same bytes (Node's byte-buffer class is a `Uint8Array` subclass). */
function plain(v: Uint8Array): Uint8Array {
  return v.constructor === Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * Bytes, JS `Uint8Array`. DDL: PostgreSQL `BYTEA`, SQLite `BLOB` (the length is kept for other
 * layers but not rendered, as in SQLAlchemy).
 *
 * Bind: a `Uint8Array` (or subclass, such as Node's byte buffers) or an `ArrayBuffer`; anything else raises
 * `ArgumentError`. Results: PostgreSQL drivers return a Node byte buffer (postgres.js), a `Uint8Array`, or
 * bytea hex text `\x…` (text drivers); SQLite returns an `ArrayBuffer`. All become a plain
 * `Uint8Array` (a view, not a copy, where possible).
 * @throws ArgumentError when `length` is not a positive integer.
 */
export class LargeBinaryType extends TypeEngine<Uint8Array> {
  readonly affinity = "binary" as const;
  readonly length: number | undefined;
  constructor(length?: number) {
    super();
    if (length !== undefined && !(Number.isInteger(length) && length > 0)) {
      throw new ArgumentError(`LargeBinary length must be a positive integer, got ${String(length)}`);
    }
    this.length = length;
  }
  get cacheKey(): string {
    return this.length === undefined ? "BLOB" : `BLOB(${this.length})`;
  }
  compileType(dialect: TypeCompileTarget): string {
    if (dialect.generic) return this.cacheKey;
    return dialect.name === "postgresql" ? "BYTEA" : "BLOB";
  }
  protected override makeBindProcessor(): BindProcessor {
    return (v) => {
      if (v == null) return null;
      if (v instanceof Uint8Array) return v;
      if (v instanceof ArrayBuffer) return new Uint8Array(v);
      throw cannotBind("LargeBinary", v);
    };
  }
  protected override makeResultProcessor(dialect: DialectName): ResultProcessor {
    const acceptHex = dialect === "postgresql";
    return (v) => {
      if (v == null) return null;
      if (v instanceof Uint8Array) return plain(v);
      if (v instanceof ArrayBuffer) return new Uint8Array(v);
      if (acceptHex && typeof v === "string") {
        const b = byteaHexToBytes(v);
        if (b) return b;
      }
      throw cannotRead("LargeBinary", v);
    };
  }
}

const BLOB = /* @__PURE__ */ new LargeBinaryType();
/** SQLAlchemy `LargeBinary(length?)`. */
export const LargeBinary = (length?: number): LargeBinaryType => (length === undefined ? BLOB : new LargeBinaryType(length));

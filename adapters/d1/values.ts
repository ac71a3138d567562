/**
 * Values across the D1 binding, following D1's documented type conversion: null → NULL,
 * number → REAL or INTEGER, string → TEXT, boolean → INTEGER 0/1, ArrayBuffer and
 * ArrayBuffer views → BLOB; BLOBs read back as arrays of byte numbers. D1 rejects `undefined`
 * and `bigint` (D1_TYPE_ERROR).
 * @module
 */
import { D1AdapterError } from "./errors.js";

/**
 * A parameter as D1 accepts it.
 * - bigint → number when within ±(2^53 − 1); beyond that a "data" error (D1 carries numbers as
 *   JavaScript doubles and cannot bind a 64-bit integer exactly).
 * - boolean → 1 / 0; undefined → NULL.
 * - Uint8Array subclasses (Node's Buffer) → a plain Uint8Array view of the same bytes.
 * @throws D1AdapterError ("data", "D1_INTEGER_OUT_OF_RANGE") for a bigint beyond ±(2^53 − 1).
 */
export function toD1Value(v: unknown, index: number): unknown {
  if (v === undefined || v === null) return null;
  switch (typeof v) {
    case "boolean":
      return v ? 1 : 0;
    case "bigint":
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new D1AdapterError(
          "data",
          "D1_INTEGER_OUT_OF_RANGE",
          `d1: parameter ${index + 1} is ${v}n, beyond ±(2^53 − 1): D1 binds numbers as JavaScript doubles and would change this integer`,
        );
      }
      return Number(v);
    default:
      if (v instanceof Uint8Array && v.constructor !== Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      return v;
  }
}

/** A result value: BLOBs (arrays of byte numbers, or ArrayBuffers) become Uint8Array. */
export function fromD1Value(v: unknown): unknown {
  if (Array.isArray(v)) return Uint8Array.from(v as number[]);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return v;
}

/**
 * Rows for the ORM loader as processed value arrays, without `Row` objects (SQLAlchemy's ORM
 * reads the cursor's tuples straight into instances the same way): the loader turns every row
 * into an object and never hands the Row out, so building one (and copying its values with
 * `_tuple()`) per row is wasted work. Values are processed exactly as a Row would see them — the
 * statement's result processors run once per value — and when no column has a processor the
 * driver's arrays are returned as they are.
 * @module
 */
import type { ArraySource } from "./result/array-source.js";
import type { AsyncResult } from "./result/async-result.js";
import type { CursorSource } from "./result/cursor-source.js";
import type { Result } from "./result/result.js";
import type { ResultProcessor } from "./result/metadata.js";
import type { RawRow, RowShape } from "./result/row-shape.js";

interface BufferedInternals {
  readonly _src: ArraySource;
  readonly _shape: RowShape;
}
interface StreamingInternals {
  readonly _src: CursorSource;
  readonly _shape: RowShape;
}

/** Whether the shape's values are the raw values (no processor, no projection). */
function passesThrough(shape: RowShape): boolean {
  if (shape.rawIndex !== undefined) return false;
  const p = shape.processors;
  for (let i = 0; i < p.length; i++) if (p[i] !== undefined) return false;
  return true;
}

function buildAll(shape: RowShape, rows: readonly RawRow[], start: number): readonly RawRow[] {
  if (start === 0 && passesThrough(shape)) return rows;
  const build = shape.build;
  const out = new Array<RawRow>(rows.length - start);
  for (let i = start; i < rows.length; i++) out[i - start] = build(rows[i]);
  return out;
}

/**
 * Every remaining row of a buffered result as an array of processed values, in column order;
 * the result is exhausted afterwards (as after `all()`). The arrays may be the driver's own:
 * read them, never modify them.
 * @throws ResourceClosedError when the result is closed or returns no rows (as `all()`).
 */
export function takeValueRows(result: Result<readonly unknown[], Record<string, unknown>>): readonly RawRow[] {
  const r = result as unknown as BufferedInternals;
  const src = r._src;
  src.check();
  const out = buildAll(r._shape, src.rows, src.pos);
  src.exhaust();
  return out;
}

/**
 * The next chunk of a streaming result as arrays of processed values (what the driver returned
 * for one fetch of up to `hint` rows, or the rest of the current chunk); empty once exhausted.
 * The arrays may be the driver's own: read them, never modify them.
 * @throws ResourceClosedError when the result is closed; the driver's error when a fetch fails
 * (the result is then closed).
 */
export async function nextValueRows(result: AsyncResult<readonly unknown[], Record<string, unknown>>, hint: number): Promise<readonly RawRow[]> {
  const r = result as unknown as StreamingInternals;
  const src = r._src;
  src.check();
  if (src.pos >= src.buf.length && !(await src.fill(hint))) return [];
  const buf = src.buf;
  const start = src.pos;
  src.pos = buf.length;
  return buildAll(r._shape, buf, start);
}

/**
 * Rows as the driver returned them, with the processors that turn them into a Row's values:
 * for a loader that reads each value once and can apply its processor while doing so, saving
 * the processed copy of every row.
 */
export interface RawValueRows {
  readonly rows: readonly RawRow[];
  /** Per column, the processor to apply to a non-null value; undefined when every value passes through. */
  readonly processors: readonly (ResultProcessor | undefined)[] | undefined;
}

function rawOf(shape: RowShape, rows: readonly RawRow[], start: number): RawValueRows {
  if (passesThrough(shape)) return { rows: start === 0 ? rows : rows.slice(start), processors: undefined };
  // A projection (columns()) reorders values: hand out processed rows instead.
  if (shape.rawIndex !== undefined) return { rows: buildAll(shape, rows, start), processors: undefined };
  return { rows: start === 0 ? rows : rows.slice(start), processors: shape.processors };
}

/**
 * {@link takeValueRows} without processing: the driver's rows and the processors to apply.
 * @throws ResourceClosedError when the result is closed or returns no rows (as `all()`).
 */
export function takeRawValueRows(result: Result<readonly unknown[], Record<string, unknown>>): RawValueRows {
  const r = result as unknown as BufferedInternals;
  const src = r._src;
  src.check();
  const out = rawOf(r._shape, src.rows, src.pos);
  src.exhaust();
  return out;
}

/**
 * {@link nextValueRows} without processing: the chunk as the driver returned it and the
 * processors to apply (no rows once exhausted).
 * @throws ResourceClosedError when the result is closed; the driver's error when a fetch fails.
 */
export async function nextRawValueRows(result: AsyncResult<readonly unknown[], Record<string, unknown>>, hint: number): Promise<RawValueRows> {
  const r = result as unknown as StreamingInternals;
  const src = r._src;
  src.check();
  if (src.pos >= src.buf.length && !(await src.fill(hint))) return { rows: [], processors: undefined };
  const buf = src.buf;
  const start = src.pos;
  src.pos = buf.length;
  return rawOf(r._shape, buf, start);
}

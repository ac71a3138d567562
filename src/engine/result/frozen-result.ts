/**
 * `FrozenResult`: the rows of a result kept so that fresh results can be made from them again,
 * following SQLAlchemy's `Result.freeze()` / `FrozenResult` (used for result caching).
 * @module
 */
import type { ResultMetadata } from "./metadata.js";
import type { RawRow, RowShape } from "./row-shape.js";

/**
 * A callable snapshot of a result's remaining rows: `frozen()` returns a new, unconsumed
 * `Result` over the same rows every time (SQLAlchemy's `FrozenResult.__call__`).
 * `R` is the result type it makes.
 */
export interface FrozenResult<R> {
  /** A new result over the frozen rows, as if the statement had just been executed. */
  (): R;
  /** The frozen rows as value tuples (processed values, as the rows held them). */
  readonly data: readonly (readonly unknown[])[];
  /**
   * A FrozenResult with the same columns over other value tuples (SQLAlchemy's
   * `FrozenResult.with_new_rows()`). The tuples are kept, not copied.
   */
  withNewRows(rows: readonly (readonly unknown[])[]): FrozenResult<R>;
}

/** @internal Makes a result of frozen metadata over value tuples. */
export type FrozenFactory<R> = (meta: ResultMetadata, rows: readonly RawRow[]) => R;

const frozenMetas = new WeakMap<RowShape, ResultMetadata>();

/**
 * @internal The metadata of a frozen result of `shape`: same keys and column objects, no
 * processors (the values are processed already). One object per shape, so every result made
 * from a frozen result shares one row class.
 */
export function frozenMetadata(shape: RowShape): ResultMetadata {
  let meta = frozenMetas.get(shape);
  if (meta === undefined) {
    const { targets, aliases } = shape.meta;
    const rawIndex = shape.rawIndex;
    const raw = (i: number): number => (rawIndex === undefined ? i : rawIndex[i]);
    meta = {
      keys: shape.keys,
      processors: [],
      ...(targets === undefined ? {} : { targets: shape.keys.map((_k, i) => targets[raw(i)] ?? []) }),
      ...(aliases === undefined ? {} : { aliases: shape.keys.map((_k, i) => aliases[raw(i)] ?? []) }),
    };
    frozenMetas.set(shape, meta);
  }
  return meta;
}

/** @internal A FrozenResult over `data`, making results with `make`. */
export function makeFrozenResult<R>(
  meta: ResultMetadata,
  data: readonly (readonly unknown[])[],
  make: FrozenFactory<R>,
): FrozenResult<R> {
  const frozen = (() => make(meta, data)) as FrozenResult<R> & { data: typeof data; withNewRows: FrozenResult<R>["withNewRows"] };
  frozen.data = data;
  frozen.withNewRows = (rows) => makeFrozenResult(meta, rows, make);
  return frozen;
}

/**
 * `MappingResult`: rows as {@link RowMapping} objects (SQLAlchemy's `Result.mappings()`).
 * @module
 */
import type { ArraySource } from "./array-source.js";
import type { ColumnRef, PickNamed } from "./columns-types.js";
import type { UniqueStrategy } from "./metadata.js";
import { SyncResultBase } from "./result-base.js";
import { ROW_DATA } from "./row.js";
import type { RowMapping } from "./row-mapping.js";
import { projectShape, resolveColumn, type RawRow, type RowShape } from "./row-shape.js";

/** @internal Mappings compare by their values under `unique()`. */
export const mappingKey = (m: object): unknown => (m as { readonly [ROW_DATA]: readonly unknown[] })[ROW_DATA];

/**
 * Buffered result of mappings (`m.name`, `m.keys()`, …). Made by {@link Result.mappings};
 * shares its rows. Methods as on {@link SyncResultBase}.
 */
export class MappingResult<N extends Record<string, unknown> = Record<string, unknown>> extends SyncResultBase<
  RowMapping<N>
> {
  /** @internal Made by `Result.mappings()` / `MappingResult.columns()`. */
  constructor(src: ArraySource, private readonly _shape: RowShape, unique: boolean, key: UniqueStrategy<RowMapping<N>> = mappingKey) {
    super({
      src,
      make: _shape.makeMapping as unknown as (raw: RawRow) => RowMapping<N>,
      defaultKey: key,
      unique,
    });
  }

  /** Column keys in order. */
  keys(): string[] {
    return this._shape.keys.slice();
  }

  /**
   * Mappings holding only the given columns, in the given order (SQLAlchemy's
   * `MappingResult.columns()`). Shares the rows: fetching from one advances the other.
   * @param columns positions (negative ones count from the end), keys or column objects.
   * @throws NoSuchColumnError for an unknown key; ArgumentError for a position out of range.
   * @throws InvalidRequestError for a key that occurs more than once.
   */
  columns<const K extends readonly ColumnRef<N>[]>(...columns: K): MappingResult<PickNamed<N, K>> {
    const idx = columns.map((c) => resolveColumn(this._shape, c, "columns()"));
    return new MappingResult<PickNamed<N, K>>(this._src, projectShape(this._shape, idx), this._uniq !== undefined);
  }
}

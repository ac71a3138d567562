/**
 * `AsyncMappingResult`: rows of a streaming result as {@link RowMapping} objects
 * (`AsyncResult.mappings()`).
 * @module
 */
import { AsyncResultBase } from "./async-result-base.js";
import type { ColumnRef, PickNamed } from "./columns-types.js";
import type { CursorSource } from "./cursor-source.js";
import { mappingKey } from "./mapping-result.js";
import type { UniqueStrategy } from "./metadata.js";
import type { RowMapping } from "./row-mapping.js";
import { projectShape, resolveColumn, type RawRow, type RowShape } from "./row-shape.js";

/**
 * Streaming result of mappings. Made by {@link AsyncResult.mappings}; shares its cursor.
 * Methods as on {@link AsyncResultBase}.
 */
export class AsyncMappingResult<N extends Record<string, unknown> = Record<string, unknown>> extends AsyncResultBase<
  RowMapping<N>
> {
  /** @internal Made by `AsyncResult.mappings()` / `AsyncMappingResult.columns()`. */
  constructor(src: CursorSource, private readonly _shape: RowShape, unique: boolean, key: UniqueStrategy<RowMapping<N>> = mappingKey) {
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
   * `AsyncMappingResult.columns()`); shares the cursor.
   * @throws NoSuchColumnError for an unknown key; ArgumentError for a position out of range.
   * @throws InvalidRequestError for a key that occurs more than once.
   */
  columns<const K extends readonly ColumnRef<N>[]>(...columns: K): AsyncMappingResult<PickNamed<N, K>> {
    const idx = columns.map((c) => resolveColumn(this._shape, c, "columns()"));
    return new AsyncMappingResult<PickNamed<N, K>>(this._src, projectShape(this._shape, idx), this._uniq !== undefined);
  }
}

/**
 * `AsyncMappingResult`: rows of a streaming result as {@link RowMapping} objects
 * (`AsyncResult.mappings()`).
 * @module
 */
import { AsyncResultBase, type AsyncView } from "./async-result-base.js";
import type { RowMapping } from "./row-mapping.js";

/**
 * Streaming result of mappings. Made by {@link AsyncResult.mappings}; shares its cursor.
 * Methods as on {@link AsyncResultBase}.
 */
export class AsyncMappingResult<N extends Record<string, unknown> = Record<string, unknown>> extends AsyncResultBase<
  RowMapping<N>
> {
  /** @internal Made by `AsyncResult.mappings()`. */
  constructor(view: AsyncView<RowMapping<N>>, private readonly _keys: readonly string[]) {
    super(view);
  }

  /** Column keys in order. */
  keys(): string[] {
    return this._keys.slice();
  }
}

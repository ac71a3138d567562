/**
 * `MappingResult`: rows as {@link RowMapping} objects (SQLAlchemy's `Result.mappings()`).
 * @module
 */
import { SyncResultBase, type SyncView } from "./result-base.js";
import type { RowMapping } from "./row-mapping.js";

/**
 * Buffered result of mappings (`m.name`, `m.keys()`, …). Made by {@link Result.mappings};
 * shares its rows. Methods as on {@link SyncResultBase}.
 */
export class MappingResult<N extends Record<string, unknown> = Record<string, unknown>> extends SyncResultBase<
  RowMapping<N>
> {
  /** @internal Made by `Result.mappings()`. */
  constructor(view: SyncView<RowMapping<N>>, private readonly _keys: readonly string[]) {
    super(view);
  }

  /** Column keys in order. */
  keys(): string[] {
    return this._keys.slice();
  }
}

/**
 * `ScalarResult`: one column's values instead of rows (SQLAlchemy's `Result.scalars()`).
 * @module
 */
import { SyncResultBase, type SyncView } from "./result-base.js";

/**
 * Buffered result of single values. Made by {@link Result.scalars}; shares its rows, so
 * consuming or closing one affects the other. Methods as on {@link SyncResultBase}.
 */
export class ScalarResult<V> extends SyncResultBase<V> {
  /** @internal Made by `Result.scalars()`. */
  constructor(view: SyncView<V>) {
    super(view);
  }
}

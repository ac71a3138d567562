/**
 * `AsyncScalarResult`: one column's values of a streaming result (`AsyncResult.scalars()`).
 * @module
 */
import { AsyncResultBase, type AsyncView } from "./async-result-base.js";

/**
 * Streaming result of single values. Made by {@link AsyncResult.scalars}; shares its cursor, so
 * consuming or closing one affects the other. Methods as on {@link AsyncResultBase}.
 */
export class AsyncScalarResult<V> extends AsyncResultBase<V> {
  /** @internal Made by `AsyncResult.scalars()`. */
  constructor(view: AsyncView<V>) {
    super(view);
  }
}

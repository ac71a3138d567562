/**
 * Processors that want SQL NULL too. Built-in types bind and read NULL as NULL without calling
 * their processors (the fast path); a `TypeDecorator`'s processors are called for NULL, as
 * SQLAlchemy calls `process_bind_param(None)` / `process_result_value(None)`.
 * @module
 */

/** Marks a bind or result processor that is to be called for `null` as well. @internal */
export const PROCESSES_NULL: unique symbol = Symbol.for("athanor.processesNull");

/** A processor function, possibly marked with {@link PROCESSES_NULL}. */
type MaybeNullAware = ((value: unknown) => unknown) & { readonly [PROCESSES_NULL]?: true };

/** Whether `fn` is to be called for SQL NULL (`null` / `undefined`). @internal */
export function processesNull(fn: ((value: unknown) => unknown) | undefined): boolean {
  return fn !== undefined && (fn as MaybeNullAware)[PROCESSES_NULL] === true;
}

/** Marks `fn` as called for SQL NULL too; returns it. @internal */
export function markProcessesNull<F extends (value: unknown) => unknown>(fn: F): F {
  Object.defineProperty(fn, PROCESSES_NULL, { value: true });
  return fn;
}

/**
 * Well-known symbols of explicit resource management (`using` / `await using`).
 *
 * Runtimes that predate the proposal lack `Symbol.dispose` / `Symbol.asyncDispose`; there we
 * fall back to the registry symbols TypeScript's down-levelled `using` looks up, so results stay
 * disposable without patching the global `Symbol`.
 * @module
 */

/** `Symbol.dispose`, or `Symbol.for("Symbol.dispose")` where the runtime lacks it. */
export const disposeSymbol: typeof Symbol.dispose = ((Symbol as { dispose?: symbol }).dispose ??
  Symbol.for("Symbol.dispose")) as typeof Symbol.dispose;

/** `Symbol.asyncDispose`, or `Symbol.for("Symbol.asyncDispose")` where the runtime lacks it. */
export const asyncDisposeSymbol: typeof Symbol.asyncDispose = ((Symbol as { asyncDispose?: symbol })
  .asyncDispose ?? Symbol.for("Symbol.asyncDispose")) as typeof Symbol.asyncDispose;

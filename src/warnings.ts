/**
 * athanor's warning channel, modelled on Python's `warnings` module as SQLAlchemy uses it
 * (`SAWarning`, `SADeprecationWarning`, 1.4's FROM-linting `CartesianProductWarning`).
 *
 * Library code calls {@link warn}. Applications decide what happens with
 * {@link warnings}.filter: deliver (default), raise the warning as an error, ignore it, or
 * deliver only its first occurrence. Delivery goes to the listeners registered with
 * {@link warnings}.onWarning; with none registered, to `console.warn` once per distinct message.
 * Tests record warnings with {@link warnings}.catch, as Python's `catch_warnings(record=True)`.
 *
 * State is module-global (one channel per loaded copy of athanor); no Node built-ins are used.
 * @module
 */
import { ArgumentError } from "./errors.js";

/** Base of every athanor warning, as SQLAlchemy's `SAWarning`. */
export class AthanorWarning extends Error {
  override name = "AthanorWarning";
  // A private member makes the class nominal, so a plain Error class is not a valid category.
  readonly #isWarning = true;
  /** Always true; lets code recognise warnings across copies of the module. */
  get isAthanorWarning(): boolean {
    return this.#isWarning;
  }
}

/**
 * A SELECT whose FROM elements are not all joined to each other (a cartesian product),
 * reported by FROM linting (SQLAlchemy 1.4 "Built-in FROM linting will warn for any
 * potential cartesian products in a SELECT statement").
 */
export class CartesianProductWarning extends AthanorWarning {
  override name = "CartesianProductWarning";
}

/** Use of a deprecated API, as SQLAlchemy's `SADeprecationWarning`. */
export class AthanorDeprecationWarning extends AthanorWarning {
  override name = "AthanorDeprecationWarning";
}

/**
 * What to do with a matching warning, as Python's filter actions:
 * - `"default"`: deliver every occurrence to listeners (the built-in console listener prints
 *   each distinct message once);
 * - `"always"`: deliver every occurrence, the console listener prints each one too;
 * - `"once"`: deliver only the first occurrence of each category + message;
 * - `"error"`: throw the warning object itself (it is an Error);
 * - `"ignore"`: drop it.
 */
export type WarningAction = "default" | "error" | "ignore" | "once" | "always";

/** A warning class ({@link AthanorWarning} or a subclass). */
export type WarningCategory = abstract new (...args: never[]) => AthanorWarning;

/** Context passed to a {@link WarningListener}. */
export interface WarningInfo {
  /** The filter action that let the warning through. */
  readonly action: "default" | "once" | "always";
  /** No warning of this class with this message was issued before (since the last reset). */
  readonly firstOccurrence: boolean;
}

/** Receives delivered warnings. */
export type WarningListener = (warning: AthanorWarning, info: WarningInfo) => void;

interface Filter {
  readonly action: WarningAction;
  readonly category: WarningCategory;
}

const ACTIONS: readonly WarningAction[] = ["default", "error", "ignore", "once", "always"];

let filters: Filter[] = [];
const seen = new Set<string>();
const printed = new Set<string>();
const listeners = new Set<WarningListener>();
const captures: AthanorWarning[][] = [];

function keyOf(w: AthanorWarning): string {
  return `${w.name}\u0000${w.message}`;
}

function actionFor(w: AthanorWarning): WarningAction {
  for (const f of filters) if (w instanceof f.category) return f.action;
  return "default";
}

/**
 * Issue a warning. A string becomes an {@link AthanorWarning}.
 * @throws the warning itself when the matching filter's action is `"error"`.
 */
export function warn(warning: AthanorWarning | string): void {
  const w = typeof warning === "string" ? new AthanorWarning(warning) : warning;
  if (!(w instanceof AthanorWarning)) {
    throw new ArgumentError("warn() expects an AthanorWarning instance or a message string");
  }
  const action = actionFor(w);
  if (action === "ignore") return;
  if (action === "error") throw w;
  const key = keyOf(w);
  const firstOccurrence = !seen.has(key);
  seen.add(key);
  if (action === "once" && !firstOccurrence) return;
  const capture = captures[captures.length - 1];
  if (capture !== undefined) {
    capture.push(w);
    return;
  }
  if (listeners.size === 0) {
    if (action === "always" || !printed.has(key)) {
      printed.add(key);
      console.warn(`${w.name}: ${w.message}`);
    }
    return;
  }
  const info: WarningInfo = { action, firstOccurrence };
  for (const listener of [...listeners]) listener(w, info);
}

/**
 * Add a filter; the most recently added matching filter decides. `category` defaults to
 * {@link AthanorWarning} (all warnings) and matches subclasses.
 * @returns a function removing this filter again.
 * @throws ArgumentError for an unknown action or a category that is not an AthanorWarning class.
 */
function filter(action: WarningAction, category: WarningCategory = AthanorWarning): () => void {
  if (!ACTIONS.includes(action)) {
    throw new ArgumentError(`Unknown warning filter action '${String(action)}'; expected one of ${ACTIONS.join(", ")}`);
  }
  if (
    typeof category !== "function" ||
    (category !== AthanorWarning && !(category.prototype instanceof AthanorWarning))
  ) {
    throw new ArgumentError("Warning filter category must be AthanorWarning or one of its subclasses");
  }
  const entry: Filter = { action, category };
  filters = [entry, ...filters];
  return () => {
    filters = filters.filter((f) => f !== entry);
  };
}

/**
 * Receive delivered warnings instead of the default `console.warn` output.
 * @returns an unsubscribe function; with no listeners left, console output resumes.
 */
function onWarning(listener: WarningListener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Back to the initial state: no filters, no listeners, "once" and console memories cleared. */
function reset(): void {
  filters = [];
  seen.clear();
  printed.clear();
  listeners.clear();
}

/**
 * Run `fn` and return the warnings it issued (delivered ones, after filtering) instead of
 * passing them to listeners, as Python's `catch_warnings(record=True)`. Filters added inside
 * `fn` are undone afterwards. With an async `fn` the result is a Promise; warnings issued by
 * unrelated concurrent work while it runs are captured too (the channel is global).
 * Errors from `fn` (including `"error"`-filtered warnings) propagate.
 */
function catchWarnings(fn: () => Promise<unknown>): Promise<AthanorWarning[]>;
function catchWarnings(fn: () => unknown): AthanorWarning[];
function catchWarnings(fn: () => unknown): AthanorWarning[] | Promise<AthanorWarning[]> {
  const caught: AthanorWarning[] = [];
  const savedFilters = filters;
  captures.push(caught);
  const restore = (): void => {
    const i = captures.lastIndexOf(caught);
    if (i >= 0) captures.splice(i, 1);
    filters = savedFilters;
  };
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    restore();
    throw e;
  }
  if (result instanceof Promise) {
    return result.then(
      () => {
        restore();
        return caught;
      },
      (e: unknown) => {
        restore();
        throw e;
      },
    );
  }
  restore();
  return caught;
}

/** The warnings API: `warnings.filter("error", CartesianProductWarning)`. */
export const warnings = {
  warn,
  filter,
  onWarning,
  reset,
  catch: catchWarnings,
} as const;

/**
 * The event API, following SQLAlchemy's `sqlalchemy.event` (`listen`, `remove`, `contains`,
 * `listens_for`) and its engine-level `ConnectionEvents`.
 *
 * A target (engine, connection, pool, session…) owns a {@link Dispatcher} under the
 * {@link DISPATCH} symbol; the dispatcher's event map types each event's listener, so
 * `event.listen(engine, "beforeCursorExecute", (conn, statement, parameters) => …)` infers the
 * parameter types. A connection's dispatcher is a {@link Dispatcher.child} of its engine's, so a
 * listener on the engine also hears the engine's connections (SQLAlchemy's `_JoinedDispatcher`).
 * @module
 */
import { ArgumentError, InvalidRequestError } from "../errors.js";

/** The symbol under which an event target exposes its {@link Dispatcher}. */
export const DISPATCH: unique symbol = Symbol.for("athanor.dispatch");

/** An event map: event name → listener signature. */
export type EventMap = { [name: string]: (...args: never[]) => unknown };

/** A listener's result may be awaited by {@link Dispatcher.fireAsync}. */
export type MaybePromise<T> = T | Promise<T>;

/** What a retval listener of an event may return (its return type minus void/Promise). */
export type EventRetval<F> = F extends (...args: never[]) => infer R ? Exclude<Awaited<R>, void | undefined> : never;

/** Options for {@link listen} / {@link Dispatcher.listen}, as SQLAlchemy's `listen()` flags. */
export interface ListenOptions {
  /** Remove the listener after its first call. */
  readonly once?: boolean;
  /** Put the listener before those already registered on this target. */
  readonly insert?: boolean;
  /**
   * The listener's return value is used (e.g. `beforeCursorExecute` returning
   * `[statement, parameters]`). Only for events declared `retval: "optIn"`.
   */
  readonly retval?: boolean;
  /**
   * Also hear the event on targets that inherit from this one (SQLAlchemy's `propagate=True`):
   * a mapper event listened on a base class with `propagate: true` runs for its subclasses'
   * objects too, subclasses mapped later included. Targets without subclasses ignore it.
   */
  readonly propagate?: boolean;
}

/**
 * How an event treats listener return values.
 * - `retval: "optIn"`: only listeners registered with `{ retval: true }` may return a value
 *   (SQLAlchemy's `before_execute` / `before_cursor_execute`); `chain` then rewrites the
 *   arguments the following listeners receive.
 * - `retval: "always"`: any listener may return a value (SQLAlchemy's `handle_error`).
 * - absent: return values are ignored and `{ retval: true }` is refused.
 */
export interface EventSpec<F extends (...args: never[]) => unknown> {
  readonly retval?: "optIn" | "always";
  readonly chain?: (args: Parameters<F>, ret: EventRetval<F>) => Parameters<F>;
}

/** One {@link EventSpec} per event of an event map; the keys are the valid event names. */
export type EventSpecs<E extends EventMap> = { readonly [K in keyof E & string]: EventSpec<E[K]> };

interface Entry {
  readonly fn: (...args: never[]) => unknown;
  readonly once: boolean;
  readonly retval: boolean;
  readonly propagate: boolean;
  /**
   * Position among all listeners: registration order, `insert` ones before every earlier one.
   * Orders a subclass target's own listeners among the propagated ones of its ancestors.
   */
  readonly order: number;
}

let entrySeq = 0;

type Args<E extends EventMap, K extends keyof E> = Parameters<E[K]>;

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

/**
 * Listener registry and firing for one event target.
 *
 * Firing order: this dispatcher's listeners in registration order (`insert` ones first), then
 * its parent's (SQLAlchemy fires a connection's local listeners before the engine's). The
 * `propagate: true` listeners of the targets it inherits from (see the `propagateFrom` option)
 * are merged with its own in registration order (`insert` ones first). A `once`
 * listener is unregistered before it runs, from whichever dispatcher holds it, so it runs once
 * across an engine and all its connections. Errors thrown by listeners propagate.
 */
export class Dispatcher<E extends EventMap> {
  readonly #specs: EventSpecs<E>;
  readonly #targetName: string;
  readonly #parent: Dispatcher<E> | undefined;
  readonly #propagateFrom: (() => Dispatcher<E> | undefined) | undefined;
  readonly #listeners = new Map<string, Entry[]>();

  /**
   * @param specs the target's events: one {@link EventSpec} per valid event name.
   * @param options `targetName` names the target in error messages (e.g. `"AsyncEngine"`);
   *   `propagateFrom` gives the dispatcher of the target this one inherits from (a subclass
   *   mapper's base), read at each firing: its `propagate: true` listeners, and its own
   *   ancestors', run here too (SQLAlchemy's propagation of class-level listeners).
   */
  constructor(
    specs: EventSpecs<E>,
    options: { readonly targetName?: string; readonly parent?: Dispatcher<E>; readonly propagateFrom?: () => Dispatcher<E> | undefined } = {},
  ) {
    this.#specs = specs;
    this.#targetName = options.targetName ?? "target";
    this.#parent = options.parent;
    this.#propagateFrom = options.propagateFrom;
  }

  /** The valid event names. */
  get eventNames(): readonly (keyof E & string)[] {
    return Object.keys(this.#specs) as (keyof E & string)[];
  }

  /**
   * A dispatcher for a sub-target (a connection of an engine): listeners registered on it are
   * local; firing it also runs this dispatcher's listeners, including ones added later.
   */
  child(targetName?: string): Dispatcher<E> {
    return new Dispatcher<E>(this.#specs, { targetName: targetName ?? this.#targetName, parent: this });
  }

  /**
   * Register `fn` for `name`. Registering the same function twice for the same event is a
   * no-op (the first registration's options stay), as SQLAlchemy.
   * @throws ArgumentError for an unknown event name (listing the valid ones), a non-function
   *   listener, or `retval: true` on an event whose return value is not used.
   */
  listen<K extends keyof E & string>(name: K, fn: E[K], options: ListenOptions = {}): void {
    const spec = this.#spec(name);
    if (typeof fn !== "function") {
      throw new ArgumentError(`Listener for event '${name}' on ${this.#targetName} must be a function`);
    }
    if (options.retval === true && spec.retval === undefined) {
      throw new ArgumentError(
        `Event '${name}' on ${this.#targetName} does not use listener return values; retval: true is not accepted`,
      );
    }
    let list = this.#listeners.get(name);
    if (list === undefined) {
      list = [];
      this.#listeners.set(name, list);
    }
    if (list.some((e) => e.fn === fn)) return;
    const seq = ++entrySeq;
    const entry: Entry = {
      fn,
      once: options.once ?? false,
      retval: options.retval ?? spec.retval === "always",
      propagate: options.propagate ?? false,
      order: options.insert ? -seq : seq,
    };
    if (options.insert) list.unshift(entry);
    else list.push(entry);
  }

  /**
   * Unregister `fn` from `name` on this dispatcher.
   * @throws InvalidRequestError when `fn` is not registered here (as SQLAlchemy);
   *   ArgumentError for an unknown event name.
   */
  remove<K extends keyof E & string>(name: K, fn: E[K]): void {
    this.#spec(name);
    const list = this.#listeners.get(name);
    const i = list === undefined ? -1 : list.findIndex((e) => e.fn === fn);
    if (list === undefined || i < 0) {
      throw new InvalidRequestError(`No listener registered for event '${name}' on ${this.#targetName} with that function`);
    }
    list.splice(i, 1);
    if (list.length === 0) this.#listeners.delete(name);
  }

  /** Whether `fn` is registered for `name` on this dispatcher (not its parent). */
  contains<K extends keyof E & string>(name: K, fn: E[K]): boolean {
    this.#spec(name);
    return this.#listeners.get(name)?.some((e) => e.fn === fn) ?? false;
  }

  /** @throws ArgumentError when `name` is not one of this target's events (lists the valid ones). */
  assertEvent(name: string): void {
    this.#spec(name);
  }

  /**
   * Whether any listener at all is registered here or in a parent: one check that lets the
   * execute path skip every per-event {@link has} when nobody listens (the common case).
   */
  hasAny(): boolean {
    if (this.#listeners.size > 0 || (this.#parent !== undefined && this.#parent.hasAny())) return true;
    for (let a = this.#propagateFrom?.(); a !== undefined; a = a.#propagateFrom?.()) {
      for (const list of a.#listeners.values()) if (list.some((e) => e.propagate)) return true;
    }
    return false;
  }

  /** Whether any listener (here, in a parent, or propagated from an ancestor) would run for `name`: the hot-path check. */
  has(name: keyof E & string): boolean {
    return this.#listeners.has(name) || (this.#parent !== undefined && this.#parent.has(name)) || this.#hasPropagated(name);
  }

  #hasPropagated(name: string): boolean {
    for (let a = this.#propagateFrom?.(); a !== undefined; a = a.#propagateFrom?.()) {
      if (a.#listeners.get(name)?.some((e) => e.propagate)) return true;
    }
    return false;
  }

  /**
   * Run the listeners for `name` synchronously, in order.
   * @returns the value returned by the last listener allowed to return one (see
   *   {@link EventSpec}), or undefined.
   * @throws InvalidRequestError when a listener returns a Promise (use {@link fireAsync});
   *   whatever a listener throws.
   */
  fire<K extends keyof E & string>(name: K, ...args: Args<E, K>): EventRetval<E[K]> | undefined {
    if (!this.has(name)) return undefined;
    const spec = this.#specs[name];
    let current = args;
    let result: EventRetval<E[K]> | undefined;
    for (const entry of this.#collect(name)) {
      const ret: unknown = (entry.fn as (...a: Args<E, K>) => unknown)(...current);
      if (isThenable(ret)) {
        throw new InvalidRequestError(
          `A listener for event '${name}' on ${this.#targetName} returned a Promise, but this event is fired synchronously`,
        );
      }
      if (entry.retval && ret !== undefined) {
        result = ret as EventRetval<E[K]>;
        if (spec.chain) current = spec.chain(current, result);
      }
    }
    return result;
  }

  /**
   * Run the listeners for `name` in order, awaiting each one that returns a Promise before the
   * next starts. Return values as {@link fire}.
   */
  async fireAsync<K extends keyof E & string>(name: K, ...args: Args<E, K>): Promise<EventRetval<E[K]> | undefined> {
    if (!this.has(name)) return undefined;
    const spec = this.#specs[name];
    let current = args;
    let result: EventRetval<E[K]> | undefined;
    for (const entry of this.#collect(name)) {
      let ret: unknown = (entry.fn as (...a: Args<E, K>) => unknown)(...current);
      if (isThenable(ret)) ret = await ret;
      if (entry.retval && ret !== undefined) {
        result = ret as EventRetval<E[K]>;
        if (spec.chain) current = spec.chain(current, result);
      }
    }
    return result;
  }

  /** Snapshot of the listeners to run, with `once` ones already unregistered. */
  #collect(name: string): Entry[] {
    const out: Entry[] = [];
    for (let d: Dispatcher<E> | undefined = this; d !== undefined; d = d.#parent) {
      const list = d.#listeners.get(name);
      let own: Entry[] = list ?? [];
      if (d.#propagateFrom !== undefined) {
        const inherited: Entry[] = [];
        for (let a = d.#propagateFrom(); a !== undefined; a = a.#propagateFrom?.()) {
          const al = a.#listeners.get(name);
          if (al === undefined) continue;
          for (const e of al) if (e.propagate) inherited.push(e);
          a.#dropOnce(name, al, true);
        }
        if (inherited.length) own = [...own, ...inherited].sort((x, y) => x.order - y.order);
      }
      out.push(...own);
      if (list !== undefined) d.#dropOnce(name, list, false);
    }
    return out;
  }

  /** Unregister the `once` listeners of `list` (only the propagating ones when `propagatedOnly`). */
  #dropOnce(name: string, list: Entry[], propagatedOnly: boolean): void {
    if (!list.some((e) => e.once && (!propagatedOnly || e.propagate))) return;
    const kept = list.filter((e) => !(e.once && (!propagatedOnly || e.propagate)));
    if (kept.length === 0) this.#listeners.delete(name);
    else this.#listeners.set(name, kept);
  }

  #spec(name: string): EventSpec<(...args: never[]) => unknown> {
    const spec = Object.hasOwn(this.#specs, name) ? (this.#specs as Record<string, EventSpec<(...args: never[]) => unknown>>)[name] : undefined;
    if (spec === undefined) {
      throw new ArgumentError(
        `No such event '${String(name)}' for ${this.#targetName}; valid events: ${this.eventNames.join(", ")}`,
      );
    }
    return spec;
  }
}

/** Anything exposing a dispatcher under {@link DISPATCH}. */
export interface EventTarget<E extends EventMap> {
  readonly [DISPATCH]: Dispatcher<E>;
}

/** The event map of a target type. */
export type EventsOf<T> = T extends { readonly [DISPATCH]: Dispatcher<infer E> } ? E : never;

/** Event names of a target type. */
export type EventNameOf<T> = keyof EventsOf<T> & string;

function dispatcherOf<E extends EventMap>(target: unknown): Dispatcher<E> {
  const d =
    target !== null && (typeof target === "object" || typeof target === "function")
      ? (target as { [DISPATCH]?: unknown })[DISPATCH]
      : undefined;
  if (!(d instanceof Dispatcher)) {
    throw new ArgumentError(`No event dispatcher on ${describe(target)}; it is not an event target`);
  }
  return d as Dispatcher<E>;
}

function describe(target: unknown): string {
  if (target === null) return "null";
  if (typeof target === "object") return `object of type ${target.constructor?.name ?? "Object"}`;
  return typeof target;
}

/**
 * Register a listener, as SQLAlchemy's `event.listen(target, identifier, fn, **kw)`.
 * @throws ArgumentError for a non-target, an unknown event name (the message lists the valid
 *   ones), or `retval: true` on an event that ignores return values.
 */
export function listen<T extends { readonly [DISPATCH]: unknown }, K extends EventNameOf<T>>(
  target: T,
  name: K,
  fn: EventsOf<T>[K],
  options?: ListenOptions,
): void {
  dispatcherOf<EventsOf<T>>(target).listen(name, fn, options);
}

/**
 * Unregister a listener, as SQLAlchemy's `event.remove()`.
 * @throws InvalidRequestError when it is not registered on that target.
 */
export function remove<T extends { readonly [DISPATCH]: unknown }, K extends EventNameOf<T>>(
  target: T,
  name: K,
  fn: EventsOf<T>[K],
): void {
  dispatcherOf<EventsOf<T>>(target).remove(name, fn);
}

/** Whether a listener is registered on that target, as SQLAlchemy's `event.contains()`. */
export function contains<T extends { readonly [DISPATCH]: unknown }, K extends EventNameOf<T>>(
  target: T,
  name: K,
  fn: EventsOf<T>[K],
): boolean {
  return dispatcherOf<EventsOf<T>>(target).contains(name, fn);
}

/**
 * A registrar for `name` on `target`, as SQLAlchemy's `@event.listens_for` without decorators:
 * `const onBegin = event.listensFor(engine, "begin")((conn) => …)` registers and returns `fn`.
 * The event name is checked immediately.
 */
export function listensFor<T extends { readonly [DISPATCH]: unknown }, K extends EventNameOf<T>>(
  target: T,
  name: K,
  options?: ListenOptions,
): <F extends EventsOf<T>[K]>(fn: F) => F {
  const d = dispatcherOf<EventsOf<T>>(target);
  d.assertEvent(name);
  return (fn) => {
    d.listen(name, fn, options);
    return fn;
  };
}

/** The event API as one namespace: `event.listen(engine, "commit", fn)`. */
export const event = { listen, remove, contains, listensFor } as const;

// ---------------------------------------------------------------------------------------------
// Engine / connection events (SQLAlchemy's ConnectionEvents and parts of DialectEvents).

/** What {@link ConnectionEvents.handleError} listeners receive, as SQLAlchemy's `ExceptionContext`. */
export interface ExceptionContext<Conn = unknown> {
  /** The exception the driver (or athanor) raised. */
  readonly originalException: unknown;
  /** The athanor error that will be raised (a DBAPIError subclass), when one was built. */
  readonly sqlalchemyException?: Error;
  readonly statement?: string;
  readonly parameters?: readonly unknown[];
  readonly connection?: Conn;
  /** The error means the connection is unusable (the pool will discard it). */
  readonly isDisconnect: boolean;
}

/** `[statement, parameters]` returned by a retval `beforeCursorExecute` listener. */
export type CursorExecuteRetval = readonly [statement: string, parameters: readonly unknown[]];

/** `[clauseElement, multiparams, params]` returned by a retval `beforeExecute` listener. */
export type ExecuteRetval<Clause = unknown> = readonly [clauseElement: Clause, multiparams: unknown, params: unknown];

/**
 * Engine and connection events, as SQLAlchemy's `ConnectionEvents` (camelCased). Listeners on
 * an engine also hear its connections. `Conn` / `Engine` are narrowed by the engine module.
 * Listeners may be async when the engine fires the event with `fireAsync`.
 */
export type ConnectionEvents<Conn = unknown, Engine = unknown> = {
  /** Before a statement object is compiled and run. retval: return `[clauseElement, multiparams, params]`. */
  beforeExecute(
    conn: Conn,
    clauseElement: unknown,
    multiparams: unknown,
    params: unknown,
    executionOptions: Readonly<Record<string, unknown>>,
  ): MaybePromise<ExecuteRetval | void>;
  /** After a statement object ran; `result` is the engine's result object. */
  afterExecute(
    conn: Conn,
    clauseElement: unknown,
    multiparams: unknown,
    params: unknown,
    executionOptions: Readonly<Record<string, unknown>>,
    result: unknown,
  ): MaybePromise<void>;
  /** Before SQL text goes to the driver. retval: return `[statement, parameters]` to replace them. */
  beforeCursorExecute(
    conn: Conn,
    cursor: unknown,
    statement: string,
    parameters: readonly unknown[],
    context: unknown,
    executemany: boolean,
  ): MaybePromise<CursorExecuteRetval | void>;
  /** After the driver ran SQL text. */
  afterCursorExecute(
    conn: Conn,
    cursor: unknown,
    statement: string,
    parameters: readonly unknown[],
    context: unknown,
    executemany: boolean,
  ): MaybePromise<void>;
  /** An error while executing; a listener may return a replacement Error (the last one wins). */
  handleError(context: ExceptionContext<Conn>): MaybePromise<Error | void>;
  begin(conn: Conn): MaybePromise<void>;
  commit(conn: Conn): MaybePromise<void>;
  rollback(conn: Conn): MaybePromise<void>;
  savepoint(conn: Conn, name: string): MaybePromise<void>;
  rollbackSavepoint(conn: Conn, name: string, context: unknown): MaybePromise<void>;
  releaseSavepoint(conn: Conn, name: string, context: unknown): MaybePromise<void>;
  /** A connection was checked out from the engine (SQLAlchemy's `engine_connect`). */
  engineConnect(conn: Conn): MaybePromise<void>;
  /** `engine.dispose()` ran. */
  engineDisposed(engine: Engine): MaybePromise<void>;
  close(conn: Conn): MaybePromise<void>;
};

/** Event specs for {@link ConnectionEvents}: pass to `new Dispatcher(connectionEventSpecs)`. */
export const connectionEventSpecs: EventSpecs<ConnectionEvents> = Object.freeze({
  beforeExecute: {
    retval: "optIn",
    chain: ([conn, , , , opts], [clause, multi, params]) => [conn, clause, multi, params, opts],
  },
  afterExecute: {},
  beforeCursorExecute: {
    retval: "optIn",
    chain: ([conn, cursor, , , context, many], [statement, parameters]) => [
      conn,
      cursor,
      statement,
      parameters,
      context,
      many,
    ],
  },
  afterCursorExecute: {},
  handleError: { retval: "always" },
  begin: {},
  commit: {},
  rollback: {},
  savepoint: {},
  rollbackSavepoint: {},
  releaseSavepoint: {},
  engineConnect: {},
  engineDisposed: {},
  close: {},
});

/**
 * Typed specs for a narrowed {@link ConnectionEvents}: the engine module calls
 * `new Dispatcher(connectionEventSpecsFor<AsyncConnection, AsyncEngine>(), …)`.
 */
export function connectionEventSpecsFor<Conn, Engine>(): EventSpecs<ConnectionEvents<Conn, Engine>> {
  return connectionEventSpecs as unknown as EventSpecs<ConnectionEvents<Conn, Engine>>;
}

/**
 * A promise that settles on a later turn of the event loop (a macrotask), not in the current
 * microtask queue.
 *
 * Why the libSQL cursor needs it: the local @libsql/client answers every call synchronously and
 * resolves its promise at once, so a consumer reading page after page never returns to the event
 * loop. V8 keeps the target of every `WeakRef` created or dereferenced during a job alive until
 * that job ends (ECMAScript's KeepDuringJob set, cleared only between macrotasks), and the ORM's
 * identity map holds its objects through WeakRefs: without a macrotask boundary, a streamed read
 * keeps every object it ever produced alive. Yielding between fetches bounds that to one fetch.
 *
 * Uses `setImmediate` where the runtime has it (Node, Bun, Deno), else a `MessageChannel` message
 * (browsers, workerd), else `setTimeout(0)`. Adapters may use runtime APIs; src/ may not.
 * @module
 */

type Scheduler = (run: () => void) => void;

interface MessagePortLike {
  onmessage: ((ev: unknown) => void) | null;
  postMessage(message: unknown): void;
  /** Node/Deno only: whether the port keeps the process alive. */
  ref?(): void;
  unref?(): void;
}

function pickScheduler(): Scheduler {
  const g = globalThis as unknown as {
    setImmediate?: (fn: () => void) => unknown;
    MessageChannel?: new () => { port1: MessagePortLike; port2: MessagePortLike };
  };
  if (typeof g.setImmediate === "function") {
    const setImmediate = g.setImmediate;
    return (run) => void setImmediate(run);
  }
  if (typeof g.MessageChannel === "function") {
    // One channel for the whole process; callbacks queued in order, one message each. Where a
    // port can keep a process alive (Node, Deno), it does so only while a callback is pending.
    const channel = new g.MessageChannel();
    const port = channel.port1;
    const queue: (() => void)[] = [];
    port.onmessage = () => {
      const run = queue.shift();
      if (queue.length === 0) port.unref?.();
      run?.();
    };
    port.unref?.();
    return (run) => {
      queue.push(run);
      port.ref?.();
      channel.port2.postMessage(0);
    };
  }
  return (run) => void setTimeout(run, 0);
}

let scheduler: Scheduler | undefined;

/** Run `fn` on a later macrotask; callbacks run in the order they were scheduled. */
export function onNextMacrotask(fn: () => void): void {
  (scheduler ??= pickScheduler())(fn);
}

/** Settles on a later macrotask (see the module note). Never rejects. */
export function nextMacrotask(): Promise<void> {
  return new Promise<void>((resolve) => onNextMacrotask(resolve));
}

/**
 * An owner-aware asynchronous mutex with a wait timeout.
 *
 * Single-writer databases (SQLite through libSQL, PGlite's one backend) cannot let two logical
 * connections interleave statements while one of them has a transaction open: libSQL rejects
 * the second with `TRANSACTION_ACTIVE` (`:memory:`) or `SQLITE_BUSY` (files), and a busy
 * timeout would spin inside synchronous native code, freezing the event loop. Adapters for such
 * databases therefore serialize every statement through one of these locks. Waiting is a
 * promise, never a busy loop, so other tasks keep running while a connection waits.
 *
 * Pure TypeScript with no runtime dependency; shared by the libSQL and PGlite adapters.
 * @module
 */

/** Thrown when a connection waits for the lock longer than its timeout. */
export class LockTimeoutError extends Error {
  /** Stable machine-readable code: "ATHANOR_LOCK_TIMEOUT". */
  readonly code = "ATHANOR_LOCK_TIMEOUT";
  /** Milliseconds the caller waited before giving up. */
  readonly timeoutMs: number;

  constructor(message: string, timeoutMs: number) {
    super(message);
    this.name = "LockTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}

interface Waiter {
  readonly owner: object;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A FIFO mutex whose holder is an object (a logical connection), so release by anyone else is
 * a no-op and a double release is harmless.
 */
export class AsyncLock {
  private holder: object | null = null;
  private readonly waiters: Waiter[] = [];

  /**
   * @param describeTimeout builds the error message for a timed-out wait (the adapter knows
   *   what the lock protects and how to fix the situation).
   */
  constructor(private readonly describeTimeout: (timeoutMs: number) => string) {}

  /** The object currently holding the lock, or null. */
  get owner(): object | null {
    return this.holder;
  }

  /**
   * Take the lock for `owner`, waiting in FIFO order behind earlier callers.
   * @param timeoutMs give up after this many milliseconds; `Infinity` waits forever.
   * @throws LockTimeoutError when the wait exceeds `timeoutMs`.
   * @throws Error when `owner` already holds the lock (re-entrance is a logic error in the
   *   adapter: it would deadlock if it waited).
   */
  acquire(owner: object, timeoutMs: number): Promise<void> {
    if (this.holder === null) {
      this.holder = owner;
      return Promise.resolve();
    }
    if (this.holder === owner) {
      return Promise.reject(new Error("AsyncLock: the owner already holds this lock"));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { owner, resolve, reject, timer: undefined };
      if (Number.isFinite(timeoutMs)) {
        waiter.timer = setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new LockTimeoutError(this.describeTimeout(timeoutMs), timeoutMs));
        }, Math.max(0, timeoutMs));
      }
      this.waiters.push(waiter);
    });
  }

  /**
   * Take the lock for `owner` only if it is free, synchronously (the uncontended fast path of
   * {@link acquire}: a free lock has no waiters, since release hands it straight to the next one).
   * @returns whether `owner` now holds the lock.
   */
  tryAcquire(owner: object): boolean {
    if (this.holder !== null) return false;
    this.holder = owner;
    return true;
  }

  /** Give the lock to the next waiter (or free it). Ignored unless `owner` holds it. */
  release(owner: object): void {
    if (this.holder !== owner) return;
    const next = this.waiters.shift();
    if (next === undefined) {
      this.holder = null;
      return;
    }
    if (next.timer !== undefined) clearTimeout(next.timer);
    this.holder = next.owner;
    next.resolve();
  }

  /**
   * Run `fn` holding the lock as `owner`, releasing it afterwards whatever happens.
   * @throws LockTimeoutError as {@link acquire}; anything `fn` throws.
   */
  async run<T>(owner: object, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
    await this.acquire(owner, timeoutMs);
    try {
      return await fn();
    } finally {
      this.release(owner);
    }
  }
}

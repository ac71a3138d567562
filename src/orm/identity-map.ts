/**
 * The session's identity map (SQLAlchemy's `WeakInstanceDict`): identity key → object, holding
 * objects weakly. An unmodified persistent object that nothing else references can be garbage
 * collected — which keeps memory flat while streaming — and is simply loaded afresh next time.
 * Objects with pending changes stay reachable through the session's new / deleted / modified
 * sets, so nothing unflushed is ever lost.
 * @module
 */

/** The operations the session, loader and unit of work use. */
export interface IdentityMap {
  get(key: string): object | undefined;
  set(key: string, obj: object): this;
  has(key: string): boolean;
  delete(key: string): boolean;
  clear(): void;
  /** Live objects (collected ones are skipped). */
  values(): IterableIterator<object>;
  /** Entries not yet known to be collected (an upper bound). */
  readonly size: number;
}

/** Entries below which the map never sweeps for collected objects. */
const MIN_SWEEP = 1024;

/**
 * An {@link IdentityMap} holding its objects through `WeakRef`s. Entries of collected objects are
 * dropped lazily — by a sweep when the map has doubled since the last one, and when a dead entry is
 * looked up — rather than through a `FinalizationRegistry`, whose per-object registration costs
 * about as much as the `WeakRef` itself. The sweep keeps the map within twice its live size
 * (amortized O(1) per insert), so memory stays flat while streaming.
 */
export class WeakIdentityMap implements IdentityMap {
  private readonly refs = new Map<string, WeakRef<object>>();
  private sweepAt = MIN_SWEEP;

  get(key: string): object | undefined {
    const ref = this.refs.get(key);
    if (ref === undefined) return undefined;
    const o = ref.deref();
    if (o === undefined) this.refs.delete(key);
    return o;
  }
  set(key: string, obj: object): this {
    const refs = this.refs;
    const prev = refs.get(key);
    if (prev !== undefined) {
      if (prev.deref() === obj) return this;
    } else if (refs.size >= this.sweepAt) {
      this.sweep();
    }
    refs.set(key, new WeakRef(obj));
    return this;
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  delete(key: string): boolean {
    return this.refs.delete(key);
  }
  clear(): void {
    this.refs.clear();
    this.sweepAt = MIN_SWEEP;
  }
  values(): IterableIterator<object> {
    // A snapshot (callers such as expunge-all delete while iterating), built without a generator,
    // whose resumption per entry costs more than the array.
    const out: object[] = [];
    this.refs.forEach((ref) => {
      const o = ref.deref();
      if (o !== undefined) out.push(o);
    });
    return out.values();
  }
  get size(): number {
    return this.refs.size;
  }
  /** Drop the entries of collected objects; the next sweep waits until the map doubles. */
  private sweep(): void {
    const refs = this.refs;
    // forEach, not for…of over entries: no [key, value] array per entry.
    refs.forEach((ref, k) => {
      if (ref.deref() === undefined) refs.delete(k);
    });
    this.sweepAt = Math.max(MIN_SWEEP, this.refs.size * 2);
  }
}

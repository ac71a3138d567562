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

/** An {@link IdentityMap} holding its objects through `WeakRef`s. */
export class WeakIdentityMap implements IdentityMap {
  private readonly refs = new Map<string, WeakRef<object>>();
  // Drops the entry of a collected object, unless the key was reused for a newer object.
  private readonly finalizer = new FinalizationRegistry<string>((key) => {
    const ref = this.refs.get(key);
    if (ref && ref.deref() === undefined) this.refs.delete(key);
  });

  get(key: string): object | undefined {
    return this.refs.get(key)?.deref();
  }
  set(key: string, obj: object): this {
    const prev = this.refs.get(key);
    if (prev?.deref() === obj) return this;
    this.refs.set(key, new WeakRef(obj));
    this.finalizer.register(obj, key);
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
  }
  *values(): IterableIterator<object> {
    for (const ref of this.refs.values()) {
      const o = ref.deref();
      if (o !== undefined) yield o;
    }
  }
  get size(): number {
    return this.refs.size;
  }
}

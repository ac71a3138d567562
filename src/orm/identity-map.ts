/**
 * The session's identity map (SQLAlchemy's `WeakInstanceDict`): identity key → object, holding
 * objects weakly. An unmodified persistent object that nothing else references can be garbage
 * collected — which keeps memory flat while streaming — and is simply loaded afresh next time.
 * Objects with pending changes stay reachable through the session's new / deleted / modified
 * sets, so nothing unflushed is ever lost.
 * @module
 */

/**
 * An identity key split in two: the class part (`Mapper.identityId`, shared by a mapped
 * hierarchy) and the primary-key part, normalized so that two keys are equal exactly when their
 * string forms are: the part is a number when its text is a number's canonical text (`"42"` →
 * `42`), else the text itself (`"42n"`, an ISO date, `"a\u0001b"` for composite keys). Numbers
 * are the usual primary keys, and a map keyed by them is several times faster than one keyed
 * by strings built per row.
 */
export type IdentityPart = number | string;

/** The operations the session, loader and unit of work use. */
export interface IdentityMap {
  get(key: string): object | undefined;
  set(key: string, obj: object): this;
  has(key: string): boolean;
  delete(key: string): boolean;
  clear(): void;
  /** Live objects (collected ones are skipped). */
  values(): IterableIterator<object>;
  /** Every live object, emptying the map in the same pass (expunge-all, close). */
  drain(): object[];
  /** Entries not yet known to be collected (an upper bound). */
  readonly size: number;
  /** {@link get} by the two parts of the key (the loader's per-row path: no key string is built). */
  getByIdentity(classId: number, part: IdentityPart): object | undefined;
  /**
   * Insert `obj` under a key the caller has just seen absent ({@link getByIdentity} returned
   * undefined), as the loader does for every new row: skips {@link set}'s replace check.
   */
  addByIdentity(classId: number, part: IdentityPart, obj: object): void;
}

/** The primary-key part of an identity key's text (see {@link IdentityPart}). */
export function identityPartOfText(text: string): IdentityPart {
  const n = +text;
  return String(n) === text ? n : text;
}

/** Entries below which the map never sweeps for collected objects. */
const MIN_SWEEP = 1024;

/**
 * Young entries settled per timer task: a large load is settled over several tasks (about 1 ms
 * each), so no single task stalls, and the engine's kept-objects set stays small.
 */
const SETTLE_PER_TASK = 2048;
/** Young entries of earlier tasks a load settles at most per insert (see `olderThanTask`). */
const SETTLE_IN_LOAD = 16_384;

/**
 * Inserts per settle period that take their `WeakRef` at once: small loads (a lookup per task)
 * need no timer; a large load turns young after these.
 */
const IMMEDIATE_PER_TASK = 64;

/**
 * A `WeakRef` to the objects one {@link WeakIdentityMap.settle} weakened together (a "chunk"):
 * one runtime call and one kept-objects entry for up to {@link CHUNK} objects instead of one each.
 * The chunk holds its objects strongly and each object holds its chunk (through the link the map
 * was given), so the chunk lives exactly as long as one of its objects does.
 */
class ChunkRef extends WeakRef<object[]> {}

/**
 * What an entry holds: a `WeakRef`, a {@link ChunkRef} (in a dense slot, with the object's
 * position in the chunk beside it), or the object itself while it is "young" (see
 * {@link WeakIdentityMap}).
 */
type Entry = WeakRef<object> | object;

/** Objects per {@link ChunkRef}: an object kept alive keeps at most this many others with it. */
const CHUNK = 256;

/**
 * Keeps `chunk` reachable from `obj` (the session stores it on the object's state): without the
 * link a chunk nothing else references would be collected while its objects are still in use.
 */
export type ChunkLink = (obj: object, chunk: readonly object[]) => void;
/** Keys a dense bucket may leave unused before it turns into a plain map. */
const DENSE_SLACK = 4096;

/**
 * The entries of one class part.
 *
 * Integer keys (the usual primary keys) live in an array indexed by `key - base` while the keys
 * are dense enough (at most about half the slots unused): storing a row's object is then an array
 * store next to the previous one, instead of hashing into a table of hundreds of thousands of
 * entries, whose cache misses dominate a large load. Other keys, integers below `base`, and every
 * key once the integers turn sparse, live in a `Map`. Each key has one home, decided the same way
 * on read and write.
 *
 * `max` answers most misses of a scan without a lookup: while every key is a number, no key
 * exceeds it, so rows read in key order (a primary-key ORDER BY, a table scanned in insertion
 * order) are found new by one comparison each.
 */
class Bucket {
  private dense: (Entry | undefined)[] | undefined = [];
  /** Beside a dense slot holding a {@link ChunkRef}: the object's position in the chunk (else stale). */
  private denseIdx: number[] = [];
  private base = 0;
  private denseCount = 0;
  private readonly map = new Map<IdentityPart, Entry>();
  max = Number.NEGATIVE_INFINITY;
  numericOnly = true;

  get size(): number {
    return this.map.size + this.denseCount;
  }
  /**
   * Array index of `part`, or -1 when its home is the map. The first integer stored fixes `base`;
   * afterwards it only moves up, over empty slots ({@link compact}).
   */
  private slot(part: IdentityPart, storing: boolean): number {
    if (this.dense === undefined || typeof part !== "number" || !Number.isSafeInteger(part)) return -1;
    if (!this.based) {
      if (!storing) return -1;
      this.base = part;
      this.based = true;
    }
    const i = part - this.base;
    return i >= 0 ? i : -1;
  }
  private based = false;
  get(part: IdentityPart): Entry | undefined {
    const d = this.dense;
    if (d !== undefined && this.based && typeof part === "number") {
      const i = part - this.base;
      // Integers at or above base live only in the array (and read as absent past its end).
      if (i >= 0 && Number.isSafeInteger(part)) return i < d.length ? d[i] : undefined;
    }
    return this.map.get(part);
  }
  /** The object of a {@link ChunkRef} entry `e` that {@link get} returned for `part`; undefined once collected. */
  chunked(e: ChunkRef, part: IdentityPart): object | undefined {
    return e.deref()?.[this.denseIdx[(part as number) - this.base]];
  }
  /** Store `part`'s entry, which {@link inDense} is, as position `idx` of a chunk. */
  setChunked(part: IdentityPart, ref: ChunkRef, idx: number): void {
    const i = (part as number) - this.base;
    this.dense![i] = ref;
    const ix = this.denseIdx;
    while (ix.length < i) ix.push(0);
    ix[i] = idx;
  }
  /** Whether `part`'s entry lives in the array (else in the map). */
  inDense(part: IdentityPart): boolean {
    const i = this.slot(part, false);
    return i >= 0 && this.dense !== undefined && i < this.dense.length;
  }
  set(part: IdentityPart, e: Entry): void {
    if (typeof part !== "number") this.numericOnly = false;
    else if (part > this.max) this.max = part;
    const i = this.slot(part, true);
    if (i < 0) {
      this.map.set(part, e);
      return;
    }
    const d = this.dense!;
    if (i >= d.length) {
      if (i - d.length > this.denseCount + DENSE_SLACK) {
        this.undense();
        this.map.set(part, e);
        return;
      }
      // Fill gaps with undefined values (not holes): the array keeps fast, packed elements.
      while (d.length < i) d.push(undefined);
      d.push(e);
      this.denseCount++;
      return;
    }
    if (d[i] === undefined) this.denseCount++;
    d[i] = e;
  }
  delete(part: IdentityPart): boolean {
    const i = this.slot(part, false);
    if (i < 0) return this.map.delete(part);
    const d = this.dense!;
    if (i >= d.length || d[i] === undefined) return false;
    d[i] = undefined;
    this.denseCount--;
    return true;
  }
  forEach(fn: (e: Entry, part: IdentityPart) => void): void {
    const d = this.dense;
    if (d !== undefined) {
      for (let i = 0; i < d.length; i++) {
        const e = d[i];
        if (e !== undefined) fn(e, this.base + i);
      }
    }
    this.map.forEach(fn);
  }
  /** The live object of entry `e` at `part` (undefined once collected). */
  objectOf(e: Entry, part: IdentityPart): object | undefined {
    if (!(e instanceof WeakRef)) return e;
    return e instanceof ChunkRef ? this.chunked(e, part) : e.deref();
  }
  /**
   * Drop the unused leading part of the array (a stream's old keys, swept): keys below the new
   * base then live in the map, and there are none of them in the array.
   */
  compact(): void {
    const d = this.dense;
    if (d === undefined || d.length < 2 * DENSE_SLACK) return;
    let first = 0;
    while (first < d.length && d[first] === undefined) first++;
    if (first < d.length / 2) return;
    this.dense = d.slice(first);
    this.denseIdx = this.denseIdx.slice(first);
    this.base += first;
  }
  /** Move the array's entries into the map for good (the integer keys turned sparse). */
  private undense(): void {
    const d = this.dense!;
    for (let i = 0; i < d.length; i++) {
      const e = d[i];
      if (e === undefined) continue;
      if (e instanceof ChunkRef) {
        // A map entry has no position beside it: a chunked object takes a WeakRef of its own.
        const o = this.chunked(e, this.base + i);
        if (o !== undefined) this.map.set(this.base + i, new WeakRef(o));
      } else this.map.set(this.base + i, e);
    }
    this.dense = undefined;
    this.denseIdx = [];
    this.denseCount = 0;
  }
}

/** Schedules `fn` after the current macrotask (every runtime athanor targets has `setTimeout`). */
function afterThisTask(fn: () => void): void {
  const t = setTimeout(fn, 0) as unknown as { unref?: () => void };
  // Node: a pending settle must not keep a finished process alive.
  if (typeof t === "object" && t !== null && typeof t.unref === "function") t.unref();
}


/**
 * An {@link IdentityMap} holding its objects through `WeakRef`s, one bucket per class part of
 * the key, keyed by the normalized primary-key part ({@link IdentityPart}).
 *
 * Entries are created *young* (all but the first {@link IMMEDIATE_PER_TASK} of a settle period,
 * which take their `WeakRef` at once): the map holds the object strongly until the task that
 * inserted it is over, then timer tasks replace young entries with `WeakRef`s,
 * {@link SETTLE_PER_TASK} at a time ({@link settle}); a load that goes on for many tasks without
 * letting timers keep up (a driver handing out several chunks per round trip) settles the entries
 * of earlier tasks itself as it inserts. For loads of up to {@link SETTLE_PER_TASK} objects this
 * changes nothing a program can observe — the language keeps the target of every `WeakRef`
 * created during a job alive until that job ends anyway (ECMA-262 `AddToKeptObjects` /
 * `ClearKeptObjects`); objects of a larger load become collectable a few tasks later. It is much
 * cheaper: a `WeakRef` made during a large load costs a runtime call and an entry in the engine's
 * kept-objects set, about 1 µs per object when 500,000 rows are loaded in one job, while a young
 * entry is an ordinary map entry. Entries removed before they settle (a session closed or
 * expunged soon after the load, the usual request-scoped pattern) never need a `WeakRef` at all.
 *
 * Entries of collected objects are dropped lazily — by a sweep when the map has doubled since the
 * last one, and when a dead entry is looked up — rather than through a `FinalizationRegistry`,
 * whose per-object registration costs about as much as the `WeakRef` itself. The sweep keeps the
 * map within twice its live size (amortized O(1) per insert), so memory stays flat while streaming.
 */
export class WeakIdentityMap implements IdentityMap {
  /**
   * @param link given, {@link settle} weakens young entries of dense integer keys in chunks
   *   ({@link ChunkRef}) and links each object to its chunk; without it, one `WeakRef` each.
   */
  constructor(private readonly link?: ChunkLink) {}
  private readonly buckets = new Map<number, Bucket>();
  /** Entries in all buckets (kept in step by every insert and delete). */
  private count = 0;
  /** Young entries since the last settle, as parallel bucket / part lists (may be stale; settle re-checks). */
  private youngBuckets: Bucket[] = [];
  /** Index in {@link youngParts} where each entry of {@link youngBuckets} starts (runs of one bucket). */
  private youngStarts: number[] = [];
  private youngParts: IdentityPart[] = [];
  /** Young entries before this index are settled already. */
  private youngPos = 0;
  /**
   * Young entries before this index were inserted before the last settle task ran, i.e. in an
   * earlier task: they may be weakened at any time. A load that runs for many tasks without
   * giving timers a turn (a driver streaming several chunks per round trip) settles them itself.
   */
  private olderThanTask = 0;
  private settleScheduled = false;
  private sweepAt = MIN_SWEEP;
  /** Inserts left that take a WeakRef at once, until the next settle task (see {@link insertYoung}). */
  private immediate = IMMEDIATE_PER_TASK;
  private readonly settleFn = (): void => {
    this.settleScheduled = false;
    this.immediate = IMMEDIATE_PER_TASK;
    this.settle(SETTLE_PER_TASK);
    this.olderThanTask = this.youngParts.length;
  };

  /** Split a key string into its bucket (created when `create`) and part. */
  private locate(key: string, create: boolean): [Bucket | undefined, IdentityPart] {
    const i = key.indexOf("\u0001");
    const classId = i < 0 ? -1 : +key.slice(0, i);
    const part = identityPartOfText(i < 0 ? key : key.slice(i + 1));
    return [create ? this.bucket(classId) : this.bucketOf(classId), part];
  }
  /** The bucket last looked up and its class id: a load or flush addresses one class row after row. */
  private lastClassId = Number.NaN;
  private lastBucket: Bucket | undefined;
  private bucketOf(classId: number): Bucket | undefined {
    if (classId === this.lastClassId) return this.lastBucket;
    const b = this.buckets.get(classId);
    if (b !== undefined) {
      this.lastClassId = classId;
      this.lastBucket = b;
    }
    return b;
  }
  private bucket(classId: number): Bucket {
    let b = this.bucketOf(classId);
    if (b === undefined) {
      this.buckets.set(classId, (b = new Bucket()));
      this.lastClassId = classId;
      this.lastBucket = b;
    }
    return b;
  }

  get(key: string): object | undefined {
    const [b, part] = this.locate(key, false);
    return b === undefined ? undefined : this.read(b, part);
  }
  getByIdentity(classId: number, part: IdentityPart): object | undefined {
    const b = this.bucketOf(classId);
    return b === undefined ? undefined : this.read(b, part);
  }
  private read(b: Bucket, part: IdentityPart): object | undefined {
    if (typeof part === "number" && part > b.max && b.numericOnly) return undefined;
    const e = b.get(part);
    if (e === undefined) return undefined;
    if (!(e instanceof WeakRef)) return e;
    const o = e instanceof ChunkRef ? b.chunked(e, part) : e.deref();
    if (o === undefined && b.delete(part)) this.count--;
    return o;
  }
  set(key: string, obj: object): this {
    const [b, part] = this.locate(key, true);
    const prev = b!.get(part);
    if (prev !== undefined) {
      if (b!.objectOf(prev, part) === obj) return this;
      this.count--;
    }
    this.insertYoung(b!, part, obj);
    return this;
  }
  addByIdentity(classId: number, part: IdentityPart, obj: object): void {
    this.insertYoung(this.bucket(classId), part, obj);
  }
  private insertYoung(b: Bucket, part: IdentityPart, obj: object): void {
    if (this.count >= this.sweepAt) this.sweep();
    // Entries from earlier tasks still young: the timer cannot keep up; settle them here.
    if (this.olderThanTask - this.youngPos >= SETTLE_PER_TASK) this.settle(Math.min(this.olderThanTask - this.youngPos, SETTLE_IN_LOAD));
    this.count++;
    if (this.immediate > 0) {
      // A few objects per task get their WeakRef at once (cheap while the engine's kept-objects
      // set is small): a session loading one row per task then schedules no timer.
      this.immediate--;
      b.set(part, new WeakRef(obj));
      return;
    }
    b.set(part, obj);
    const buckets = this.youngBuckets;
    if (buckets.length === 0 || buckets[buckets.length - 1] !== b) {
      buckets.push(b);
      this.youngStarts.push(this.youngParts.length);
    }
    this.youngParts.push(part);
    if (!this.settleScheduled) this.scheduleSettle();
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  delete(key: string): boolean {
    const [b, part] = this.locate(key, false);
    if (b === undefined || !b.delete(part)) return false;
    this.count--;
    return true;
  }
  clear(): void {
    this.gcProbe = undefined;
    this.buckets.clear();
    this.lastClassId = Number.NaN;
    this.lastBucket = undefined;
    this.count = 0;
    this.youngBuckets = [];
    this.youngStarts = [];
    this.youngParts = [];
    this.youngPos = 0;
    this.olderThanTask = 0;
    this.sweepAt = MIN_SWEEP;
  }
  values(): IterableIterator<object> {
    // A snapshot (callers such as expunge-all delete while iterating), built without a generator,
    // whose resumption per entry costs more than the array.
    const out: object[] = [];
    this.buckets.forEach((b) =>
      b.forEach((e, part) => {
        const o = b.objectOf(e, part);
        if (o !== undefined) out.push(o);
      }),
    );
    return out.values();
  }
  drain(): object[] {
    const out = [...this.values()];
    this.clear();
    return out;
  }
  get size(): number {
    return this.count;
  }
  /**
   * Turn young entries into `WeakRef`s (at most `budget` of them; the rest stay scheduled). Runs
   * by itself in timer tasks after the task that inserted them, {@link SETTLE_PER_TASK} entries
   * per task; public so a caller (or a test) can settle everything at a point of its choosing.
   */
  settle(budget = Number.POSITIVE_INFINITY): void {
    const parts = this.youngParts;
    if (parts.length === 0) return;
    const buckets = this.youngBuckets;
    const starts = this.youngStarts;
    const end = Math.min(parts.length, this.youngPos + budget);
    // The run (bucket) holding youngPos: runs are few, a linear search is enough.
    let run = 0;
    while (run + 1 < starts.length && starts[run + 1] <= this.youngPos) run++;
    const link = this.link;
    let chunk: object[] = [];
    let ref: ChunkRef | undefined;
    for (let i = this.youngPos; i < end; i++) {
      while (run + 1 < starts.length && starts[run + 1] <= i) run++;
      const b = buckets[run];
      const part = parts[i];
      const e = b.get(part);
      if (e === undefined || e instanceof WeakRef) continue;
      // Entries homed in a bucket's map have no position beside them: one WeakRef each.
      if (link === undefined || !b.inDense(part)) {
        b.set(part, new WeakRef(e));
        continue;
      }
      if (ref === undefined || chunk.length === CHUNK) ref = new ChunkRef((chunk = []));
      b.setChunked(part, ref, chunk.length);
      chunk.push(e);
      link(e, chunk);
    }
    if (end < parts.length) {
      this.youngPos = end;
      if (end >= SETTLE_PER_TASK && end >= parts.length / 2) this.dropSettled(run);
      this.scheduleSettle();
    } else {
      this.youngBuckets = [];
      this.youngStarts = [];
      this.youngParts = [];
      this.youngPos = 0;
      this.olderThanTask = 0;
    }
  }
  /** Forget the settled front of the young lists (`run`: the run holding `youngPos`), so they stay short while a stream goes on. */
  private dropSettled(run: number): void {
    const pos = this.youngPos;
    this.youngParts = this.youngParts.slice(pos);
    this.youngBuckets = this.youngBuckets.slice(run);
    this.youngStarts = this.youngStarts.slice(run).map((st) => Math.max(0, st - pos));
    this.olderThanTask = Math.max(0, this.olderThanTask - pos);
    this.youngPos = 0;
  }
  private scheduleSettle(): void {
    if (this.settleScheduled) return;
    this.settleScheduled = true;
    afterThisTask(this.settleFn);
  }
  /**
   * A `WeakRef` to an object nothing else references, made at each sweep: while it still
   * dereferences, no collection has cleared weak references since (V8 clears them all in the
   * same full collection; young-generation collections clear none), so no entry can be dead
   * and the sweep is skipped.
   */
  private gcProbe: WeakRef<object> | undefined;
  /**
   * Drop the entries of collected objects; the next sweep waits until the map doubles. Skipped
   * (to look again after a quarter more entries) when nothing can have been collected since the
   * last one ({@link gcProbe}): a large load into a session would otherwise dereference every
   * entry at each doubling for nothing.
   */
  private sweep(): void {
    if (this.gcProbe !== undefined && this.gcProbe.deref() !== undefined) {
      this.sweepAt = this.count + Math.max(MIN_SWEEP, this.count >> 2);
      return;
    }
    let live = 0;
    // forEach, not for…of over entries: no [key, value] array per entry.
    this.buckets.forEach((b) =>
      b.forEach((e, k) => {
        // A chunk lives as long as any of its objects: a collected chunk means all of them are gone.
        if (e instanceof WeakRef && e.deref() === undefined) b.delete(k);
        else live++;
      }),
    );
    this.buckets.forEach((b) => b.compact());
    this.count = live;
    this.sweepAt = Math.max(MIN_SWEEP, live * 2);
    this.gcProbe = new WeakRef({});
  }
}

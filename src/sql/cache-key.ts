/**
 * Structural cache keys (SQLAlchemy 1.4's "transparent SQL compilation caching"): a statement's
 * shape, without its bound values, as one string; the bound parameters are collected in
 * traversal order so that a cached compiled form can take the values of a freshly built
 * statement of the same shape.
 * @module
 */
import type { BindParameter, ClauseElement } from "./elements.js";

/** `"<n>:"` length prefixes, made once per length: building a key allocates no prefix string. */
const PREFIXES: string[] = [];
function prefix(n: number): string {
  return PREFIXES[n] ?? (n < 4096 ? (PREFIXES[n] = `${n}:`) : `${n}:`);
}

/**
 * Piece buffers for reuse. A key is built synchronously, so one buffer serves build after build
 * (a build nested in another takes a second one). Unused slots hold "", which join() skips, so
 * a buffer is joined whole and never sliced.
 */
const spareBuffers: string[][] = [];
/** Buffers that grew past this many slots (huge statements) are dropped, not kept. */
const MAX_KEPT_SLOTS = 512;

/** Accumulates a cache key and the bound parameters met on the way. */
export class CacheKeyBuilder {
  // Pieces in a reused array, joined once at the end. Concatenating as we go made a rope node
  // per piece and a fresh array per push() call: about 1.5 KB of garbage for a small SELECT,
  // paid on every execution in GC time.
  private parts: string[] = spareBuffers.pop() ?? [];
  private n = 0;
  private joined: string | undefined;
  /** Bound parameters in traversal order. */
  readonly binds: BindParameter<unknown, string>[] = [];
  /** Append structural tokens. Each is length-prefixed, so no user string can forge a boundary. */
  push(...tokens: string[]): void;
  push(): void {
    // `arguments` rather than a rest array: V8 reads it in place when it does not escape.
    const p = this.parts;
    let n = this.n;
    for (let i = 0; i < arguments.length; i++) {
      const t = arguments[i] as string;
      p[n++] = prefix(t.length);
      p[n++] = t;
    }
    this.n = n;
  }
  /** Record a bound parameter: its shape goes into the key, the object into `binds`. */
  bind(b: BindParameter<unknown, string>): void {
    this.binds.push(b);
    if (b.unique && !b.expanding && !b.literalExecute) {
      // The common anonymous bind (`col == value`): same tokens as below, written directly.
      const tk = b.type.cacheKey;
      const p = this.parts;
      let n = this.n;
      p[n++] = "1:?";
      p[n++] = prefix(tk.length);
      p[n++] = tk;
      p[n++] = b.required ? "0:1:r" : "0:0:";
      this.n = n;
      return;
    }
    this.push(
      b.unique ? (b.expanding ? "?e" : "?") : b.expanding ? `:e${b.bindKey}` : `:${b.bindKey}`,
      b.type.cacheKey,
      b.literalExecute ? "L" : "",
      b.required ? "r" : "",
    );
  }
  private anon?: Map<object, number>;
  private visited?: Set<object>;
  /** A per-statement ordinal for anonymous objects (anonymous aliases keep distinct, stable keys). */
  anonId(obj: object): number {
    const m = (this.anon ??= new Map());
    let n = m.get(obj);
    if (n === undefined) m.set(obj, (n = m.size + 1));
    return n;
  }
  /** True when `obj` was already traversed (shared subqueries and CTEs are keyed once). */
  seen(obj: object): boolean {
    const v = (this.visited ??= new Set());
    if (v.has(obj)) return true;
    v.add(obj);
    return false;
  }
  /**
   * The finished key. The first call also hands the piece buffer back for reuse, so the
   * builder takes no more tokens afterwards.
   */
  toString(): string {
    if (this.joined !== undefined) return this.joined;
    const p = this.parts;
    const key = p.join("");
    for (let i = 0; i < this.n; i++) p[i] = "";
    if (p.length <= MAX_KEPT_SLOTS) spareBuffers.push(p);
    this.parts = [];
    this.n = 0;
    this.joined = key;
    return key;
  }
}

/** A statement's cache key and its bound parameters in traversal order. */
export interface CacheKey {
  readonly key: string;
  readonly binds: readonly BindParameter<unknown, string>[];
}

/** Compute the structural cache key of a statement. */
export function generateCacheKey(stmt: ClauseElement): CacheKey {
  const k = new CacheKeyBuilder();
  stmt._key(k);
  const ck = { key: k.toString(), binds: k.binds };
  KeyAnchors.builder = k;
  KeyAnchors.key = ck;
  return ck;
}

/*
 * The last builder and key stay reachable on purpose. V8 frees the hidden class ("map") of
 * objects once none is alive, and a full GC that does so discards all optimized code that relied
 * on it: after an idle moment (a forced or idle-time GC between two bursts of statements) every
 * function on the execute path went back to the interpreter and was compiled again, costing more
 * than the statements themselves for the next thousands of executions. One live instance per
 * hot short-lived class keeps its maps, and that code, valid. The engine and adapters do the same
 * for their per-statement objects.
 */
class KeyAnchors {
  // Static fields of a class that is used: minifiers keep stores to them.
  static builder: CacheKeyBuilder | undefined;
  static key: CacheKey | undefined;
}

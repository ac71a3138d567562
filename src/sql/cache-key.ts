/**
 * Structural cache keys (SQLAlchemy 1.4's "transparent SQL compilation caching"): a statement's
 * shape, without its bound values, as one string; the bound parameters are collected in
 * traversal order so that a cached compiled form can take the values of a freshly built
 * statement of the same shape.
 * @module
 */
import type { BindParameter, ClauseElement } from "./elements.js";

/** Accumulates a cache key and the bound parameters met on the way. */
export class CacheKeyBuilder {
  // One growing string rather than an array joined at the end: V8 concatenates into ropes
  // cheaply, and the key is built once per execution on the hot path.
  private key = "";
  /** Bound parameters in traversal order. */
  readonly binds: BindParameter<unknown, string>[] = [];
  /** Append structural tokens. Each is length-prefixed, so no user string can forge a boundary. */
  push(...tokens: string[]): void {
    let s = this.key;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      s += t.length + ":" + t;
    }
    this.key = s;
  }
  /** Record a bound parameter: its shape goes into the key, the object into `binds`. */
  bind(b: BindParameter<unknown, string>): void {
    this.binds.push(b);
    if (b.unique && !b.expanding && !b.literalExecute) {
      // The common anonymous bind (`col == value`): same tokens as below, without the array.
      const tk = b.type.cacheKey;
      this.key += "1:?" + tk.length + ":" + tk + "0:" + (b.required ? "1:r" : "0:");
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
  /** The finished key. */
  toString(): string {
    return this.key;
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
  return { key: k.toString(), binds: k.binds };
}

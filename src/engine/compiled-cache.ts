/**
 * The engine's LRU of compiled statements keyed by structural cache key (SQLAlchemy 1.4's
 * compiled cache, `query_cache_size`), with hit/miss counters.
 * @module
 */
import { createLRU } from "lru.min";
import type { Compiled } from "../sql/compiler.js";

/** Counters of a {@link CompiledCache}. */
export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  /** Entries currently cached. */
  readonly size: number;
  /** Capacity in entries (`queryCacheSize`). */
  readonly maxSize: number;
}

/** Compiled statements by cache key, least recently used evicted first. */
export class CompiledCache {
  private readonly lru: ReturnType<typeof createLRU<string, Compiled>> | undefined;
  private _hits = 0;
  private _misses = 0;
  /** @param maxSize entries; 0 disables caching. */
  constructor(readonly maxSize: number) {
    this.lru = maxSize > 0 ? createLRU<string, Compiled>({ max: maxSize }) : undefined;
  }
  /** A cached compiled form, counting a hit or a miss. */
  get(key: string): Compiled | undefined {
    const c = this.lru?.get(key);
    if (c) this._hits++;
    else this._misses++;
    return c;
  }
  set(key: string, compiled: Compiled): void {
    this.lru?.set(key, compiled);
  }
  /** Hit/miss counters and size. */
  get stats(): CacheStats {
    return { hits: this._hits, misses: this._misses, size: this.lru?.size ?? 0, maxSize: this.maxSize };
  }
  /** Drop every entry and reset counters. */
  clear(): void {
    this.lru?.clear();
    this._hits = 0;
    this._misses = 0;
  }
}

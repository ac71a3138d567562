/**
 * Structural cache keys (SQLAlchemy 1.4's "transparent SQL compilation caching"): a statement's
 * shape, without its bound values, as one string; the bound parameters are collected in
 * traversal order so that a cached compiled form can take the values of a freshly built
 * statement of the same shape.
 * @module
 */
import type { BindParameter, ClauseElement } from "./elements.js";

/**
 * Tokens are interned: each distinct token string gets a small integer id, and a key is the
 * sequence of its tokens' ids as UTF-16 code units. Joining the token strings themselves (with
 * length prefixes to keep boundaries unambiguous) cost about 0.5 µs more per execution, most of
 * it in `Array.prototype.join` over dozens of tiny strings and in hashing the long result; the
 * id string of a small SELECT is about 15 code units. Ids are unique within a generation, and
 * every key starts with its generation, so keys of different generations never compare equal.
 */
const tokenIds = new Map<string, number>();
/** Bumped whenever {@link tokenIds} is emptied. */
let generation = 0;
/**
 * Distinct tokens kept before the table is emptied at the next key build: bound values never
 * become tokens, but literal SQL text (text(), literal columns, labels) does, and an application
 * that builds endless distinct statements must not grow the table without limit.
 */
const MAX_TOKENS = 1 << 16;
/** Numbers the keys of builds that a reset of {@link tokenIds} overtook (each such key is unique). */
let uncacheableSeq = 0;
/** Code units passed to one `String.fromCharCode` call: an argument list has an engine limit. */
const UNITS_PER_CALL = 8192;

/** The string of code units `c` (its whole length). */
function unitsToString(c: number[]): string {
  if (c.length <= UNITS_PER_CALL) return String.fromCharCode.apply(null, c);
  let out = "";
  for (let i = 0; i < c.length; i += UNITS_PER_CALL) out += String.fromCharCode.apply(null, c.slice(i, i + UNITS_PER_CALL));
  return out;
}

/** Code units of one id: below 0x8000 one unit, else two (a prefix-free code up to 2^30). */
function emit(codes: number[], n: number, id: number): number {
  if (id < 0x8000) {
    codes[n] = id;
    return n + 1;
  }
  codes[n] = 0x8000 | (id >>> 15);
  codes[n + 1] = id & 0x7fff;
  return n + 2;
}

/**
 * Tokens longer than this are written out instead of interned (behind {@link LONG_TOKEN} and
 * their length), so the table holds about {@link MAX_TOKENS} short strings at most: a long text()
 * statement is not kept alive by the table after its compiled form left every cache.
 */
const MAX_INTERNED_LENGTH = 64;
/** The id that introduces a written-out token; interned ids start at 1. */
const LONG_TOKEN = 0;

function idOf(token: string): number {
  let id = tokenIds.get(token);
  if (id === undefined) tokenIds.set(token, (id = tokenIds.size + 1));
  return id;
}

/** Append `token`: its id, or for a long token the marker, its length and its code units. */
function emitToken(codes: number[], n: number, token: string): number {
  if (token.length <= MAX_INTERNED_LENGTH) return emit(codes, n, idOf(token));
  n = emit(codes, n, LONG_TOKEN);
  n = emit(codes, n, token.length);
  for (let i = 0; i < token.length; i++) codes[n++] = token.charCodeAt(i);
  return n;
}

/**
 * Code-unit buffers for reuse. A key is built synchronously, so one buffer serves build after
 * build (a build nested in another takes a second one).
 */
const spareBuffers: number[][] = [];
/** Buffers that grew past this many units (huge statements) are dropped, not kept. */
const MAX_KEPT_UNITS = 1024;

/** Accumulates a cache key and the bound parameters met on the way. */
export class CacheKeyBuilder {
  private codes: number[];
  private n: number;
  private readonly generation: number;
  private joined: string | undefined;
  /** Bound parameters in traversal order. */
  readonly binds: BindParameter<unknown, string>[] = [];
  constructor() {
    if (tokenIds.size >= MAX_TOKENS) {
      tokenIds.clear();
      generation++;
    }
    this.generation = generation;
    this.codes = spareBuffers.pop() ?? [];
    // The generation leads the key: 3 units of 15 bits.
    const c = this.codes;
    c[0] = generation & 0x7fff;
    c[1] = (generation / 0x8000) & 0x7fff;
    c[2] = (generation / 0x40000000) & 0x7fff;
    this.n = 3;
  }
  /** Append structural tokens. Each becomes one id, so no user string can forge a boundary. */
  push(...tokens: string[]): void;
  push(): void {
    // `arguments` rather than a rest array: V8 reads it in place when it does not escape.
    const c = this.codes;
    let n = this.n;
    for (let i = 0; i < arguments.length; i++) n = emitToken(c, n, arguments[i] as string);
    this.n = n;
  }
  /** Record a bound parameter: its shape goes into the key, the object into `binds`. */
  bind(b: BindParameter<unknown, string>): void {
    this.binds.push(b);
    if (b.unique && !b.expanding && !b.literalExecute) {
      // The common anonymous bind (`col == value`): the same tokens as below, without the call.
      const c = this.codes;
      let n = this.n;
      n = emit(c, n, idOf("?"));
      n = emitToken(c, n, b.type.cacheKey);
      n = emit(c, n, idOf(""));
      n = emit(c, n, idOf(b.required ? "r" : ""));
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
   * The finished key. The first call also hands the buffer back for reuse, so the builder takes
   * no more tokens afterwards. A build that the token table's reset overtook mixes ids of two
   * generations: its key is unique (never equal to another key), so it is compiled afresh.
   */
  toString(): string {
    if (this.joined !== undefined) return this.joined;
    const c = this.codes;
    // The buffer usually has this length already (the same statement shape again): setting it
    // anyway is a runtime call.
    if (c.length !== this.n) c.length = this.n;
    const key = this.generation === generation ? unitsToString(c) : `\uffff${++uncacheableSeq}`;
    if (c.length <= MAX_KEPT_UNITS) spareBuffers.push(c);
    this.codes = [];
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

/** A cache key kept by the statement it was computed for. */
export interface MemoizedCacheKey extends CacheKey {
  /** The statement the key belongs to: a field-by-field copy of it carries the memo along. */
  readonly owner: object;
}

/**
 * A statement class that memoizes its cache key declares this field, initialized to `null`
 * (in the class, so that every instance has the same shape).
 */
export interface CacheKeyMemo {
  _keyMemo: MemoizedCacheKey | null;
}

/**
 * Compute the structural cache key of a statement.
 *
 * Statements that declare {@link CacheKeyMemo} (SELECTs, DML, text()) keep their key, as
 * SQLAlchemy's `MemoizedHasCacheKey` keeps `_generate_cache_key()` on the statement: a statement
 * executed again (a module-level statement with `bindparam()`s) skips the traversal. Statements
 * are immutable, and their generative methods build new instances, whose memo starts empty. The
 * ORM and a few rewrites copy statements with `Object.assign` and then change fields, which
 * copies the memo too: a memo is used only by the statement it names as its `owner`.
 */
export function generateCacheKey(stmt: ClauseElement): CacheKey {
  const memo = (stmt as Partial<CacheKeyMemo>)._keyMemo;
  if (memo != null && memo.owner === stmt) return memo;
  const k = new CacheKeyBuilder();
  stmt._key(k);
  const ck: MemoizedCacheKey = { key: k.toString(), binds: k.binds, owner: stmt };
  if (memo !== undefined) (stmt as unknown as CacheKeyMemo)._keyMemo = ck;
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

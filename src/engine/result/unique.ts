/**
 * De-duplication for `unique()`, following SQLAlchemy 2.0's `Result.unique()`: rows (or scalars,
 * or mappings) already seen are skipped, compared by value.
 *
 * JS has no value hashing, so keys are compared with SameValueZero (as `Set` does), with three
 * refinements that make "by value" hold for what result processors produce: arrays (row tuples)
 * compare element-wise through a trie of Maps, `Date`s compare by time and `Uint8Array`s by content.
 * Other objects compare by identity, as unhashable-by-value objects would in Python; pass a
 * strategy to `unique()` to key them otherwise.
 * @module
 */

interface TrieNode {
  next?: Map<unknown, TrieNode>;
  end?: boolean;
}

/** Tag prefix of normalized keys; real strings starting with it are escaped. */
const TAG = "\u0000";

function normalize(v: unknown): unknown {
  if (typeof v === "string") return v.startsWith(TAG) ? `${TAG}S${v}` : v;
  if (typeof v !== "object" || v === null) return v;
  if (v instanceof Date) return `${TAG}D${v.getTime()}`;
  if (v instanceof Uint8Array) {
    let s = `${TAG}B`;
    for (let i = 0; i < v.length; i++) s += String.fromCharCode(v[i]);
    return s;
  }
  return v;
}

/** @internal Set of keys seen so far. */
export class UniqueFilter {
  private readonly flat = new Set<unknown>();
  private readonly root: TrieNode = {};

  /** Records `key`; returns true when it had not been seen before. */
  add(key: unknown): boolean {
    if (!Array.isArray(key)) {
      const k = normalize(key);
      if (this.flat.has(k)) return false;
      this.flat.add(k);
      return true;
    }
    let node = this.root;
    for (let i = 0; i < key.length; i++) {
      const k = normalize(key[i]);
      const next = (node.next ??= new Map());
      let child = next.get(k);
      if (child === undefined) next.set(k, (child = {}));
      node = child;
    }
    if (node.end) return false;
    node.end = true;
    return true;
  }
}

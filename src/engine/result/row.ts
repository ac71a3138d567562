/**
 * `Row`: a result row that behaves like a named tuple, following SQLAlchemy 1.4's change
 * "RowProxy is no longer a proxy; is now called Row and behaves like an enhanced named tuple".
 *
 * A row holds one array of fully processed values. Index and name accessors live on a prototype
 * built once per result shape (see `row-shape.ts`), so building a row is one object allocation
 * around its data array.
 * @module
 */
import type { RowMapping } from "./row-mapping.js";
import type { RowShape } from "./row-shape.js";

/** @internal The row's value array (processed values, in column order). */
export const ROW_DATA: unique symbol = Symbol("athanor.row.data");
/** @internal The shape a row or mapping prototype was built for. */
export const ROW_SHAPE: unique symbol = Symbol("athanor.row.shape");

/** Keys of `N` that are real property names (index signatures dropped). */
export type KnownKeys<N> = keyof {
  [K in keyof N as string extends K ? never : number extends K ? never : K]: 0;
};

/** Column key type of a named view: its keys, or `string` for a loosely typed view. */
export type ColumnKey<N> = string extends keyof N ? string : KnownKeys<N> & string;

/** Named members of a row: `N`'s keys except Row's own members; any name for a loose view. */
export type RowNamed<N extends Record<string, unknown>> = string extends keyof N
  ? { readonly [key: string]: unknown }
  : { readonly [K in Exclude<KnownKeys<N>, keyof RowMembers<[], N>>]: N[K] };

/**
 * Members every row has, whatever its columns. Column names equal to one of these members
 * (`length`, `_mapping`, `_fields`, `toJSON`, …) are reachable through `row._mapping` only.
 */
export class RowBase<
  T extends readonly unknown[] = readonly unknown[],
  N extends Record<string, unknown> = Record<string, unknown>,
> {
  /**
   * @internal A real field: defined (not assigned) on construction, so building a row never
   * looks the key up along the prototype chain.
   */
  readonly [ROW_DATA]: readonly unknown[];
  /** @internal */
  declare readonly [ROW_SHAPE]: RowShape;

  /** @internal Rows are built by results; `data` is kept, not copied. */
  constructor(data: readonly unknown[]) {
    this[ROW_DATA] = data;
  }

  /** Number of columns. */
  get length(): T["length"] {
    return this[ROW_DATA].length;
  }

  /** Column keys in order, as SQLAlchemy's `Row._fields` (shared, do not mutate). */
  get _fields(): readonly string[] {
    return this[ROW_SHAPE].keys;
  }

  /**
   * The row as a read-only mapping of column key to value (SQLAlchemy's `Row._mapping`).
   * A new lightweight view over the same values on each access.
   */
  get _mapping(): RowMapping<N> {
    const Mapping = this[ROW_SHAPE].MappingClass;
    return new Mapping(this[ROW_DATA]) as unknown as RowMapping<N>;
  }

  /** The values as a plain, typed tuple (a copy), as SQLAlchemy 2.0's `Row._tuple()`. */
  _tuple(): T {
    return this[ROW_DATA].slice() as unknown as T;
  }

  /** Alias of {@link _tuple} (SQLAlchemy 2.0's `Row._t`). */
  get _t(): T {
    return this._tuple();
  }

  /**
   * The row as a new plain object keyed by column (SQLAlchemy's `Row._asdict()`). When keys are
   * duplicated the last column wins, as in SQLAlchemy.
   */
  _asDict(): N {
    return toDict(this[ROW_SHAPE].keys, this[ROW_DATA]) as N;
  }

  /** Iterates over the values, like a tuple. */
  [Symbol.iterator](): IterableIterator<T[number]> {
    return (this[ROW_DATA] as readonly T[number][]).values();
  }

  /** JSON form: the values as an array (a row is a tuple). */
  toJSON(): unknown[] {
    return this[ROW_DATA].slice();
  }
}

/**
 * The members of {@link RowBase} as a type literal. Rows are typed through it (rather than the
 * class) so that a typed row stays assignable to a loosely typed `Row` (object literal types get
 * implicit index signatures; class instance types do not).
 */
export type RowMembers<T extends readonly unknown[], N extends Record<string, unknown>> = {
  /** @internal */
  readonly [ROW_DATA]: readonly unknown[];
  readonly length: T["length"];
  readonly _fields: readonly string[];
  readonly _mapping: RowMapping<N>;
  _tuple(): T;
  readonly _t: T;
  _asDict(): N;
  [Symbol.iterator](): IterableIterator<T[number]>;
  toJSON(): unknown[];
};

/** Positional members of a row: `row[0]: T[0]`, … (or a numeric index signature for `unknown[]`). */
export type RowIndexed<T extends readonly unknown[]> = number extends T["length"]
  ? { readonly [index: number]: T[number] }
  : { readonly [K in keyof T as K extends `${number}` ? K : never]: T[K] } & {
      readonly [index: number]: T[number] | undefined;
    };

/**
 * A result row: a named tuple. `row[0]` is typed `T[0]`, `row.id` is typed `N["id"]`,
 * `row._mapping` is a {@link RowMapping}, iteration yields values.
 *
 * Accessing a column name that occurs more than once in the result raises
 * `InvalidRequestError("Ambiguous column name 'x' in result set column descriptions")`.
 */
export type Row<
  T extends readonly unknown[] = readonly unknown[],
  N extends Record<string, unknown> = Record<string, unknown>,
> = RowMembers<T, N> & RowIndexed<T> & RowNamed<N>;

/**
 * Runtime base of every row, for `instanceof` checks (`value instanceof Row`).
 */
export const Row = RowBase;

/** @internal Plain object from keys and values; last duplicate wins; `__proto__` stays a key. */
export function toDict(keys: readonly string[], data: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k === "__proto__") {
      Object.defineProperty(out, k, { value: data[i], enumerable: true, writable: true, configurable: true });
    } else out[k] = data[i];
  }
  return out;
}

/**
 * `RowMapping`: a row seen as a read-only mapping of column key to value, as SQLAlchemy's
 * `Row._mapping` and the items of `Result.mappings()`.
 * @module
 */
import { NoSuchColumnError } from "../../errors.js";
import type { ColumnElement } from "../../sql/elements.js";
import { ROW_DATA, ROW_SHAPE, toDict, type ColumnKey, type KnownKeys } from "./row.js";
import { resolveColumn, type RowShape } from "./row-shape.js";

/**
 * Methods every mapping has. In a mapping, column keys take precedence: a column named `keys`,
 * `values`, `entries`, `items` or `toJSON` shadows the method of that name (`m.keys` is the column's value),
 * as `mapping["keys"]` is the column in SQLAlchemy. Iteration (a symbol) always works.
 */
export class RowMappingBase<N extends Record<string, unknown> = Record<string, unknown>> {
  /** @internal A real field, as in `RowBase`: construction never walks the prototype chain. */
  readonly [ROW_DATA]: readonly unknown[];
  /** @internal */
  declare readonly [ROW_SHAPE]: RowShape;

  /** @internal Built by rows and results; `data` is kept, not copied. */
  constructor(data: readonly unknown[]) {
    this[ROW_DATA] = data;
  }

  /** Column keys in order (a new array; duplicates included). */
  keys(): (ColumnKey<N>)[] {
    return this[ROW_SHAPE].keys.slice() as (ColumnKey<N>)[];
  }

  /** Values in column order (a new array). */
  values(): N[keyof N][] {
    return this[ROW_DATA].slice() as N[keyof N][];
  }

  /** `[key, value]` pairs in column order. */
  entries(): [ColumnKey<N>, N[keyof N]][] {
    const keys = this[ROW_SHAPE].keys;
    const data = this[ROW_DATA];
    const out: [ColumnKey<N>, N[keyof N]][] = [];
    for (let i = 0; i < keys.length; i++) out.push([keys[i] as ColumnKey<N>, data[i] as N[keyof N]]);
    return out;
  }

  /** `[key, value]` pairs in column order: SQLAlchemy's `RowMapping.items()` (same as {@link entries}). */
  items(): [ColumnKey<N>, N[keyof N]][] {
    return this.entries();
  }

  /**
   * The value of a column, by key or by the column object it was selected with:
   * `m.get(users.c.id)` is SQLAlchemy's `row._mapping[users.c.id]`, and tells apart two columns
   * whose rendered names differ (`users.id`, `addresses.id AS id_1`). Objects that address a
   * column: a table's column, or an ORM attribute standing for one; a column selected twice
   * answers for its first occurrence. Columns of aliases and subqueries, labels and other
   * expressions are addressed by key. A column named `get` shadows this method.
   * @throws NoSuchColumnError (an ArgumentError) when the row has no such key (positions are not
   *   keys), or the object does not address one of its columns.
   * @throws InvalidRequestError for a key that occurs more than once.
   */
  get<V>(column: ColumnElement<V, string>): V;
  get<K extends ColumnKey<N>>(key: K): N[K];
  get(ref: string | ColumnElement<unknown, string>): unknown {
    // Positions are the row's business: a mapping is keyed by names and columns only.
    if (typeof ref === "number") throw new NoSuchColumnError(`RowMapping.get(): Could not locate column in row for column ${String(ref)}`);
    return this[ROW_DATA][resolveColumn(this[ROW_SHAPE], ref, "RowMapping.get()")];
  }

  /** Iterates over the keys, like a mapping. */
  [Symbol.iterator](): IterableIterator<ColumnKey<N>> {
    return (this[ROW_SHAPE].keys as readonly (ColumnKey<N>)[]).values();
  }

  /** JSON form: a plain object keyed by column. */
  toJSON(): N {
    return toDict(this[ROW_SHAPE].keys, this[ROW_DATA]) as N;
  }
}

/**
 * A read-only mapping of column key to value: `m.name` is typed `N["name"]`; `keys()`,
 * `values()`, `entries()` and iteration over keys, unless a column of that name shadows them.
 * Accessing a duplicated key raises `InvalidRequestError` (ambiguous column name).
 */
export type RowMapping<N extends Record<string, unknown> = Record<string, unknown>> = Readonly<N> &
  Omit<RowMappingBase<N>, KnownKeys<N>>;

/** Runtime base of every mapping, for `instanceof` checks. */
export const RowMapping = RowMappingBase;

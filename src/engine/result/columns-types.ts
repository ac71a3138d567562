/**
 * Type-level helpers for `columns()` and `scalars()`: the shape of a projected result.
 * @module
 */
import type { ColumnElement } from "../../sql/elements.js";
import type { ColumnKey, KnownKeys } from "./row.js";

/**
 * A column reference: a position in the row, a column key, or the column object it was
 * selected with (a table column or an ORM attribute; see `RowMapping.get()`).
 */
export type ColumnRef<N> = number | ColumnKey<N> | ColumnElement<unknown, string>;

/**
 * Tuple of the columns picked by `refs` (positions map through `T`, keys through `N`, column
 * objects give their own JS type).
 */
export type PickColumns<T extends readonly unknown[], N, K extends readonly unknown[]> = {
  -readonly [P in keyof K]: K[P] extends number
    ? K[P] extends keyof T
      ? T[K[P]]
      : unknown
    : K[P] extends ColumnElement<infer V, string>
      ? V
      : K[P] extends keyof N
        ? N[K[P]]
        : unknown;
};

/** Named view of the columns picked by key (columns picked by position have no known name). */
export type PickNamed<N, K extends readonly unknown[]> = string extends keyof N
  ? N
  : { [P in Extract<K[number], KnownKeys<N>> & keyof N]: N[P] };

/** Value type of the column `K` (position or key). */
export type ColumnValue<T extends readonly unknown[], N, K> = K extends number
  ? K extends keyof T
    ? T[K]
    : unknown
  : K extends keyof N
    ? N[K]
    : unknown;

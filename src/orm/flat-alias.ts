/**
 * SQLAlchemy's `join.alias(flat=True)`: a join of tables with each table replaced by an alias of
 * its own and every ON clause re-targeted to those aliases, so the join can appear again in a
 * statement that already holds its tables (a joined eager load of a joined-inheritance target:
 * `LEFT OUTER JOIN (people AS people_1 LEFT OUTER JOIN engineers AS engineers_1 ON …) ON …`).
 * @module
 */
import type { ColumnElement } from "../sql/elements.js";
import { Join, type FromClause } from "../sql/selectable.js";
import { adaptToFrom } from "./aliased.js";

/** A flat-aliased join and the alias standing for each of its tables. */
export interface FlatAlias {
  readonly from: FromClause;
  readonly aliases: ReadonlyMap<FromClause, FromClause>;
}

/** Alias every table of `from` (a table or a join of tables) on its own, keeping the join's shape. */
export function flatAlias(from: FromClause): FlatAlias {
  const aliases = new Map<FromClause, FromClause>();
  const walk = (f: FromClause): FromClause => {
    if (!(f instanceof Join)) {
      const a = f.alias();
      aliases.set(f, a);
      return a;
    }
    const left = walk(f.left);
    const right = walk(f.right);
    let on = f.onclause as ColumnElement<boolean>;
    for (const [table, alias] of aliases) on = adaptToFrom(on, table, alias);
    return new Join(left, right, on, f.isOuter, f.full);
  };
  return { from: walk(from), aliases };
}

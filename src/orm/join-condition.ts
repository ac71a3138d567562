/**
 * How a relationship finds its join condition and reads it (SQLAlchemy's `JoinCondition` in
 * orm/relationships.py): the condition inferred from foreign keys, narrowed by `foreignKeys`
 * when several paths exist, and the column comparisons a given condition is made of.
 * @module
 */
import { and, BinaryExpression, BooleanClauseList, ClauseElement, type ColumnElement } from "../sql/elements.js";
import { ColumnClause } from "../sql/column.js";
import { ColumnImpl, type ForeignKey } from "../sql/schema.js";
import type { TableClause } from "../sql/selectable.js";
import { InstrumentedAttribute } from "./mapper.js";
import { markedColumnsIn, type ColumnMarks, type MarkedColumn } from "./join-annotations.js";

function isMark(x: unknown): x is { readonly element: ClauseElement } {
  return (x as { _isJoinAnnotation?: true } | null)?._isJoinAnnotation === true;
}

/** What inferring a join between two tables found. */
export type InferredJoin =
  | { readonly kind: "found"; readonly condition: ColumnElement<boolean> }
  | { readonly kind: "none" }
  | { readonly kind: "ambiguous" };

/**
 * The join condition between `a` and `b` from their foreign keys (SQLAlchemy's
 * `sql.util.join_condition` with `consider_as_foreign_keys`): foreign keys of `b` referring to
 * `a`, and of `a` referring to `b`, grouped by constraint; with `consider` only foreign keys on
 * those columns count. A foreign key whose target cannot be resolved is skipped unless it names
 * `a` itself. Referenced column first (`a.id = b.a_id`), as SQLAlchemy renders it.
 */
export function inferRelationshipJoin(a: TableClause, b: TableClause, consider: ReadonlySet<ColumnImpl> | undefined): InferredJoin {
  const found = new Map<object, [ColumnImpl, ColumnImpl][]>();
  const scan = (from: TableClause, to: TableClause) => {
    for (const ref of from.foreignKeys()) {
      const fk = ref as ForeignKey;
      if (consider && !consider.has(fk.parent)) continue;
      let target: ColumnImpl | undefined;
      try {
        target = fk.target;
      } catch (e) {
        // An unresolvable key elsewhere in the table is none of this join's business.
        if (referencedTableName(fk) === to.describeName()) throw e;
        continue;
      }
      if (!target || target.table !== to) continue;
      const list = found.get(fk.constraint) ?? [];
      list.push([target, fk.parent]);
      found.set(fk.constraint, list);
    }
  };
  scan(b, a);
  if (a !== b) scan(a, b);
  if (found.size === 0) return { kind: "none" };
  if (found.size > 1) {
    // The same columns through two constraints are one path (SQLAlchemy's dedupe).
    const shapes = new Set([...found.values()].map((l) => l.map(([x, y]) => `${x.describe()}=${y.describe()}`).join(",")));
    if (shapes.size > 1) return { kind: "ambiguous" };
  }
  const pairs = [...found.values()][0];
  const conds = pairs.map(([x, y]) => x.eq(y) as ColumnElement<boolean>);
  return { kind: "found", condition: conds.length === 1 ? conds[0] : and(...conds) };
}

function referencedTableName(fk: ForeignKey): string {
  const spec = fk.describeSpec();
  return spec.slice(0, spec.lastIndexOf("."));
}

/** One comparison of two table columns in a join condition. */
export interface ColumnComparison {
  readonly left: ColumnImpl;
  readonly right: ColumnImpl;
  /** `eq` for `=`, otherwise the operator's name (`gt`, `ne`, …). */
  readonly operator: string;
  /** Whether the comparison sits under an OR (it does not hold for every joined row pair). */
  readonly underOr: boolean;
  /** Whether a side is an expression over the column (`foreign(lower(t2.t1id))`), not the column itself. */
  readonly viaExpression: boolean;
  /** The `remote()` / `foreign()` marks on this occurrence of `left` (undefined: none). */
  readonly leftMarks?: ColumnMarks;
  /** The `remote()` / `foreign()` marks on this occurrence of `right` (undefined: none). */
  readonly rightMarks?: ColumnMarks;
}

/** The table column behind `x` (an ORM attribute, a column, a label of one), if any. */
export function tableColumnOf(x: unknown): ColumnImpl | undefined {
  const c = x instanceof InstrumentedAttribute ? x.column : x;
  if (!(c instanceof ColumnClause)) return undefined;
  const base = c.baseColumn;
  return base instanceof ColumnImpl ? base : undefined;
}

/**
 * Every comparison of two table columns in `cond`, at any depth of AND / OR / grouping, in
 * order (SQLAlchemy visits the binary expressions of a join condition the same way). `cond`
 * may hold `remote()` / `foreign()` marks: a side with marks compares each of its columns with
 * each column of the other side, as SQLAlchemy's `visit_binary_product` pairs every column on
 * each side, and each occurrence reports the marks it sits under.
 */
export function columnComparisons(cond: ClauseElement): ColumnComparison[] {
  const out: ColumnComparison[] = [];
  const plainColumn = (x: unknown): ColumnImpl | undefined => tableColumnOf(isMark(x) ? x.element : x);
  const sideColumns = (x: unknown, otherMarked: boolean): readonly MarkedColumn[] => {
    const c = tableColumnOf(x);
    if (c) return [{ col: c, marks: undefined }];
    const found = markedColumnsIn(x);
    // `(lft.x + lft.y) = foreign(rgt.x * rgt.y)`: the unmarked side's columns meet the marked ones.
    return found.marked || otherMarked ? found.columns : [];
  };
  const visit = (e: ClauseElement, underOr: boolean) => {
    if (e instanceof BinaryExpression) {
      const bounds = e.operator === "between" || e.operator === "notBetween" ? (e.right as { clauses?: readonly ClauseElement[] }).clauses : undefined;
      // `a BETWEEN b AND c` compares `a` with each bound (SQLAlchemy's between() is a binary over a pair).
      for (const side of bounds ?? [e.right]) {
        const ls = sideColumns(e.left, tableColumnOf(side) === undefined && markedColumnsIn(side).marked);
        const rs = sideColumns(side, tableColumnOf(e.left) === undefined && markedColumnsIn(e.left).marked);
        const viaExpression = plainColumn(e.left) === undefined || plainColumn(side) === undefined;
        for (const l of ls) {
          for (const r of rs) out.push({ left: l.col, right: r.col, operator: e.operator, underOr, viaExpression, leftMarks: l.marks, rightMarks: r.marks });
        }
      }
      return;
    }
    const or = underOr || (e instanceof BooleanClauseList && e.operator === "or");
    const clauses = (e as { clauses?: readonly ClauseElement[] }).clauses;
    if (clauses) for (const c of clauses) visit(c, or);
    const el = (e as { element?: ClauseElement }).element;
    if (el && typeof el === "object" && el !== e) visit(el, or);
  };
  visit(cond, false);
  return out;
}

/** Whether column `a` has a foreign key referring to column `b` (SQLAlchemy's `Column.references`). */
export function references(a: ColumnImpl, b: ColumnImpl): boolean {
  for (const fk of a.foreignKeys) {
    let t: ColumnImpl | undefined;
    try {
      t = fk.target;
    } catch {
      continue;
    }
    if (t === b) return true;
  }
  return false;
}

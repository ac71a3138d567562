/**
 * What a many-to-many relationship's custom join says about its association rows beyond the
 * key equalities: `and(User.id.eq(uk.c.user_id), uk.c.kind.eq("fav"))` means the relationship
 * owns only the rows with `kind = 'fav'`. The unit of work narrows its association DELETEs with
 * those terms (so two relationships sharing one association table, or rows no relationship
 * maps, are left alone) and writes the `column = value` terms into each new association row
 * (so the row it inserts is one the relationship loads back).
 *
 * When the parent is deleted with its collection unloaded, a join that also narrows the target
 * (`Keyword.name.ne("k3")`) or parent rows adds `EXISTS (SELECT … WHERE <that join>)`.
 *
 * SQLAlchemy deletes association rows by the synchronized key columns only and never fills in
 * discriminator columns; athanor deletes by whole parent key when the collection is unloaded
 * (no load), which makes the narrowing necessary rather than optional.
 * @module
 */
import { BinaryExpression, BindParameter, BooleanClauseList, ClauseElement, ColumnElement, Grouping } from "../sql/elements.js";
import { ColumnClause } from "../sql/column.js";
import { generateCacheKey } from "../sql/cache-key.js";
import { select } from "../sql/selectable.js";
import type { Table } from "../sql/schema.js";
import { tablesOf } from "./aliased.js";
import { InstrumentedAttribute, type RelationshipProperty } from "./mapper.js";

/** The association-row terms of one many-to-many relationship. */
export interface AssociationCriteria {
  /**
   * Terms of the primaryjoin and secondaryjoin (top-level AND members) that mention no column
   * other than the secondary table's: added to every association DELETE of the relationship.
   */
  readonly where: readonly ColumnElement<unknown, string>[];
  /**
   * {@link where} plus, for a join with terms on the parent or target table beyond the key
   * equalities (`Keyword.active.is(true)`), `EXISTS (SELECT … FROM target WHERE <whole join>)`
   * correlated to the association row: what deleting a parent's rows by its key alone (the
   * collection not loaded) adds so that only rows the relationship reaches go.
   */
  readonly byParentWhere: readonly ColumnElement<unknown, string>[];
  /** Secondary column key → value from `secondary.col = <value>` terms: written into new association rows. */
  readonly fixed: ReadonlyMap<string, unknown>;
  /**
   * Identifies the terms with their values: relationships with equal signatures (the two sides
   * of a bidirectional many-to-many) address the same association rows. Empty without terms.
   */
  readonly signature: string;
  /** {@link signature} for {@link byParentWhere}. */
  readonly byParentSignature: string;
}

const NONE: AssociationCriteria = { where: [], byParentWhere: [], fixed: new Map(), signature: "", byParentSignature: "" };
const cache = new WeakMap<RelationshipProperty, AssociationCriteria>();

/** The top-level AND members of a condition. */
function conjuncts(c: ClauseElement, out: ClauseElement[] = []): ClauseElement[] {
  if (c instanceof Grouping) return conjuncts(c.element, out);
  if (c instanceof BooleanClauseList && c.operator === "and") for (const x of c.clauses) conjuncts(x, out);
  else out.push(c);
  return out;
}

function tableColumn(e: ClauseElement): ColumnClause<unknown, string> | undefined {
  const col = e instanceof InstrumentedAttribute ? e.column : e;
  return col instanceof ColumnClause ? col : undefined;
}

/** `a.col = b.col`: a key equality (what the sync pairs come from), not a narrowing term. */
function isKeyEquality(term: ClauseElement): boolean {
  return term instanceof BinaryExpression && term.operator === "eq" && tableColumn(term.left) !== undefined && tableColumn(term.right) !== undefined;
}


/**
 * The association-row terms of a many-to-many relationship (cached per relationship): terms on
 * the secondary table alone go into {@link AssociationCriteria.where}; a join that also narrows
 * the parent or target rows adds a correlated EXISTS to {@link AssociationCriteria.byParentWhere}.
 */
export function associationCriteria(rel: RelationshipProperty): AssociationCriteria {
  let c = cache.get(rel);
  if (c) return c;
  c = NONE;
  const sec = rel.secondary;
  if (sec && rel.direction === "MANYTOMANY") {
    const where: ColumnElement<unknown, string>[] = [];
    const fixed = new Map<string, unknown>();
    const sigs: string[] = [];
    const exists: ColumnElement<unknown, string>[] = [];
    const existsSigs: string[] = [];
    const sides: [ColumnElement<unknown, string> | undefined, Table][] = [[rel.primaryjoin, rel.parent.table], [rel.secondaryjoin, rel.mapper.table]];
    for (const [cond, side] of sides) {
      if (!cond) continue;
      let reachesSide = false;
      for (const term of conjuncts(cond)) {
        if (!(term instanceof ColumnElement)) continue;
        const tables = tablesOf(term);
        if (tables.has(side) && !isKeyEquality(term)) reachesSide = true;
        if (tables.size !== 1 || !tables.has(sec)) continue;
        where.push(term);
        const ck = generateCacheKey(term);
        sigs.push(`${ck.key}|${JSON.stringify(ck.binds.map((b) => b.effectiveValue()), (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))}`);
        if (term instanceof BinaryExpression && term.operator === "eq") {
          const [l, r] = [term.left, term.right];
          const col = tableColumn(l) ?? tableColumn(r);
          const val = l instanceof BindParameter ? l : r instanceof BindParameter ? r : undefined;
          if (col && val && !val.required) fixed.set((col.baseColumn as ColumnClause<unknown, string>).key, val.effectiveValue());
        }
      }
      if (reachesSide) {
        const pk = side.primaryKeyColumns[0] ?? side.columnList[0];
        exists.push(select(pk).where(cond).exists() as unknown as ColumnElement<unknown, string>);
        existsSigs.push(`exists:${rel.parent.className}.${rel.key}:${side === rel.parent.table ? "p" : "t"}`);
      }
    }
    if (where.length || exists.length) {
      const signature = sigs.sort().join("\u0000");
      c = { where, byParentWhere: [...where, ...exists], fixed, signature, byParentSignature: [signature, ...existsSigs].join("\u0000") };
    }
  }
  cache.set(rel, c);
  return c;
}

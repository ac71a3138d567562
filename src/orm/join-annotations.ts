/**
 * `remote()` and `foreign()`: marks on the columns of an explicit relationship join condition
 * (SQLAlchemy's `sqlalchemy.orm.remote` / `foreign`), and the reading of those marks when the
 * relationship is configured.
 * @module
 */
import { ClauseElement, ColumnElement, ElementProxy } from "../sql/elements.js";
import type { OperatorName } from "../sql/operators.js";
import { ColumnClause } from "../sql/column.js";
import { ColumnImpl } from "../sql/schema.js";
import { FromClause, SelectBase } from "../sql/selectable.js";
import type { TypeEngine } from "../sql/type-api.js";
import type { CacheKeyBuilder } from "../sql/cache-key.js";
import type { CompileKw, SQLCompiler } from "../sql/compiler.js";
import { ArgumentError } from "../errors.js";
import { adaptExpression } from "./aliased.js";

/**
 * An expression marked `remote` and/or `foreign` inside a relationship's `primaryjoin` /
 * `secondaryjoin` (SQLAlchemy annotates a copy of the column; athanor wraps it). It renders,
 * and keys the compiled-statement cache, exactly as the expression it wraps: the marks only
 * inform the relationship's configuration, which strips them from the condition it keeps.
 */
export class JoinAnnotation<T = unknown> extends ElementProxy<T, string> {
  readonly kind = "joinAnnotation";
  /** Brand checked instead of `instanceof` by the expression walkers. @internal */
  readonly _isJoinAnnotation = true;
  constructor(
    /** The marked expression (a column, an ORM attribute, or an expression over columns). */
    element: ColumnElement<unknown, string>,
    /** Marked with `remote()`: on the target side of the join. */
    readonly remote: boolean,
    /** Marked with `foreign()`: the referencing side, whose values a flush copies in. */
    readonly foreign: boolean,
  ) {
    super(element);
  }
  get type(): TypeEngine<unknown> {
    return this.element.type;
  }
  override describe(): string {
    return this.element.describe();
  }
  /** Groups as the marked expression would, keeping the marks: `x * foreign(a + b)` renders `x * (a + b)`. */
  override selfGroup(against?: OperatorName): ClauseElement {
    const g = this.element.selfGroup(against);
    return g === this.element ? this : new JoinAnnotation<T>(g as ColumnElement<unknown, string>, this.remote, this.foreign);
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return this.element._compile(c, kw);
  }
  _key(k: CacheKeyBuilder): void {
    this.element._key(k);
  }
}

function annotate<T>(expr: ColumnElement<T, string>, remote: boolean, foreign: boolean, fn: string): ColumnElement<T, string> {
  if (!(expr instanceof ColumnElement)) {
    throw new ArgumentError(`${fn}() expects a column or SQL expression, got ${expr === null || typeof expr !== "object" ? String(expr) : "an object"}`);
  }
  // remote(foreign(x)) and foreign(remote(x)) are one wrapper carrying both marks.
  if (expr instanceof JoinAnnotation) return new JoinAnnotation<T>(expr.element, expr.remote || remote, expr.foreign || foreign);
  return new JoinAnnotation<T>(expr, remote, foreign);
}

/**
 * `remote(col)`: mark `col` (or every column of an expression) in a relationship's explicit
 * `primaryjoin` as being on the remote side (SQLAlchemy's `remote()`), the annotation form of
 * `remoteSide`: `primaryjoin: () => remote(Node.id).eq(Node.parentId)` is the many-to-one
 * `parent` of a self-referential adjacency list. Renders as the expression itself.
 * When any column of a join condition is marked `remote`, the marks alone say which columns
 * are remote and `remoteSide` is not consulted, as in SQLAlchemy.
 * @throws ArgumentError when `expr` is not a SQL expression.
 */
export function remote<T>(expr: ColumnElement<T, string>): ColumnElement<T, string> {
  return annotate(expr, true, false, "remote");
}

/**
 * `foreign(col)`: mark `col` (or every column of an expression) in a relationship's explicit
 * `primaryjoin` / `secondaryjoin` as the foreign (referencing) column, whether or not the
 * schema declares a ForeignKey on it (SQLAlchemy's `foreign()`), the annotation form of
 * `foreignKeys`: `primaryjoin: () => User.id.eq(foreign(Address.userId))`. It decides the
 * direction (the side holding the foreign column is the "many") and the column pairs a flush
 * copies. Renders as the expression itself. When any column is marked `foreign`, the marks
 * alone say which columns are foreign: `foreignKeys` and the schema's ForeignKeys are not
 * consulted, as in SQLAlchemy.
 * @throws ArgumentError when `expr` is not a SQL expression.
 */
export function foreign<T>(expr: ColumnElement<T, string>): ColumnElement<T, string> {
  return annotate(expr, false, true, "foreign");
}

/** What the `remote()` / `foreign()` marks of a join condition say. @internal */
export interface JoinAnnotations {
  /** The condition with every mark removed (the original object when it had none). */
  readonly condition: ColumnElement<unknown, string>;
  /** Table columns inside `remote()` marks. */
  readonly remote: ReadonlySet<ColumnImpl>;
  /** Table columns inside `foreign()` marks. */
  readonly foreign: ReadonlySet<ColumnImpl>;
  /** The condition as given, marks included (what tells the occurrences of one column apart). */
  readonly annotated: ColumnElement<unknown, string>;
}

function isJoinAnnotation(e: unknown): e is JoinAnnotation {
  return (e as { _isJoinAnnotation?: true } | null)?._isJoinAnnotation === true;
}

/** The table columns an expression mentions (through ORM attributes and column properties too), in order. @internal */
export function tableColumnsIn(e: ClauseElement): ColumnImpl[] {
  const out: ColumnImpl[] = [];
  adaptExpression(e, (c) => {
    const base = c.baseColumn;
    if (base instanceof ColumnImpl && !out.includes(base)) out.push(base);
    return undefined;
  });
  return out;
}

/**
 * Read and remove the `remote()` / `foreign()` marks of a join condition (SQLAlchemy's
 * `_has_remote_annotations` / `_has_foreign_annotations` and the deannotation of the
 * condition the relationship keeps). Sub-SELECTs are not searched. @internal
 */
export function readJoinAnnotations(cond: ColumnElement<unknown, string>): JoinAnnotations {
  const remoteCols = new Set<ColumnImpl>();
  const foreignCols = new Set<ColumnImpl>();
  let found = false;
  const visit = (e: unknown): void => {
    if (!(e instanceof ClauseElement) || e instanceof FromClause || e instanceof SelectBase) return;
    if (isJoinAnnotation(e)) {
      found = true;
      const cols = tableColumnsIn(e.element);
      for (const c of cols) {
        if (e.remote) remoteCols.add(c);
        if (e.foreign) foreignCols.add(c);
      }
      visit(e.element);
      return;
    }
    const src = e as unknown as Record<string, unknown>;
    for (const k of Object.keys(src)) {
      if (k === "table") continue;
      const v = src[k];
      if (v instanceof ClauseElement) visit(v);
      else if (Array.isArray(v)) for (const x of v) (Array.isArray(x) ? x.forEach(visit) : visit(x));
    }
  };
  visit(cond);
  if (!found) return { condition: cond, remote: remoteCols, foreign: foreignCols, annotated: cond };
  // adaptExpression unwraps marks (a copy of the tree where one was found); nothing else changes.
  const condition = adaptExpression(cond, () => undefined);
  return { condition, remote: remoteCols, foreign: foreignCols, annotated: cond };
}

/** An ORM column attribute (`User.id`): it stands for its column. */
function isColumnAttribute(e: unknown): boolean {
  return (e as { kind?: string } | null)?.kind === "ormAttribute";
}

/** The marks an occurrence of a column sits under. */
export interface ColumnMarks {
  readonly remote: boolean;
  readonly foreign: boolean;
}

/** A table column met in one side of a comparison, with the marks of that occurrence (none outside marks). */
export interface MarkedColumn {
  readonly col: ColumnImpl;
  readonly marks: ColumnMarks | undefined;
}

/**
 * The table columns inside `e`, each with the `remote()` / `foreign()` marks enclosing that
 * occurrence, and whether any mark was met. Sub-SELECTs are not searched. @internal
 */
export function markedColumnsIn(e: unknown): { readonly columns: MarkedColumn[]; readonly marked: boolean } {
  const columns: MarkedColumn[] = [];
  let marked = false;
  const visit = (x: unknown, marks: ColumnMarks | undefined): void => {
    if (!(x instanceof ClauseElement) || x instanceof FromClause || x instanceof SelectBase) return;
    if (isJoinAnnotation(x)) {
      marked = true;
      visit(x.element, { remote: x.remote || (marks?.remote ?? false), foreign: x.foreign || (marks?.foreign ?? false) });
      return;
    }
    if (x instanceof ColumnClause || isColumnAttribute(x)) {
      for (const col of tableColumnsIn(x)) columns.push({ col, marks });
      return;
    }
    const src = x as unknown as Record<string, unknown>;
    for (const k of Object.keys(src)) {
      if (k === "table") continue;
      const v = src[k];
      if (v instanceof ClauseElement) visit(v, marks);
      else if (Array.isArray(v)) for (const y of v) (Array.isArray(y) ? y.forEach((z) => visit(z, marks)) : visit(y, marks));
    }
  };
  visit(e, undefined);
  return { columns, marked };
}

/**
 * A self-referential join condition with `remote()` marks, re-targeted by position: columns
 * inside a remote mark go to `targetFrom`, the others of `table` to `parentFrom`; the marks
 * are dropped (SQLAlchemy adapts a self-referential join by its remote annotations, which is
 * how `remote(foreign(path)).like(path.concat("/%"))` joins two different rows). @internal
 */
export function adaptMarked(annotated: ColumnElement<unknown, string>, table: FromClause, parentFrom: FromClause, targetFrom: FromClause): ColumnElement<unknown, string> {
  const to = (from: FromClause) => (c: ColumnClause<unknown, string>): ColumnElement<unknown, string> | undefined => {
    const base = c.baseColumn;
    return base instanceof ColumnClause && base.table === table && from !== table ? from.correspondingColumn(base) : undefined;
  };
  const toParent = to(parentFrom);
  const toTarget = to(targetFrom);
  return adaptExpression(annotated, toParent, undefined, (mark) => {
    const m = mark as JoinAnnotation;
    return m.remote ? adaptExpression(m.element, toTarget) : undefined;
  });
}

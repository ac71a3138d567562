/**
 * SQL criteria built from a relationship (SQLAlchemy's `RelationshipProperty.Comparator`:
 * `any()`, `has()`, `contains()`, `==` / `!=` against an object or None, and `with_parent()`).
 *
 * A relationship narrowed with `.and(criteria)` or `ofType(Subclass)` compares as the narrowed
 * relationship: `eq(obj)`, `ne(obj)`, `contains(obj)` and the many-to-one `eq(null)` /
 * `ne(null)` look at the target row inside a correlated EXISTS that carries the criteria (a
 * foreign-key comparison cannot tell whether the target matches), and `withParent()` ANDs them
 * in. (SQLAlchemy keeps `and_()` criteria for joins and loader options only; athanor applies
 * them wherever the relationship is used, rather than dropping them silently.)
 *
 * Every value taken from an object becomes an anonymous bound parameter typed like its column,
 * never a literal, so two criteria of the same shape over different objects share one cache key
 * (and one compiled statement) and differ only in their bound values.
 * @module
 */
import { ArgumentError, InvalidRequestError } from "../errors.js";
import { warn } from "../warnings.js";
import {
  and, BindParameter, BinaryExpression, ClauseElement, coerceWhereClause, ColumnElement, literalColumn, not, or, whereClauseHooks, withNegation,
  type Condition,
} from "../sql/elements.js";
import { ColumnClause } from "../sql/column.js";
import { Alias, exists, select, type FromClause } from "../sql/selectable.js";
import type { ColumnImpl } from "../sql/schema.js";
import { adaptExpression, adaptToFrom, type AliasedClass } from "./aliased.js";
import type { Mapper, RelationshipProperty } from "./mapper.js";
import type { RelationshipComparator } from "./relationship.js";
import { stateOf, type InstanceState } from "./state.js";

/**
 * Where a relationship comparison happens: the relationship, the FROM its parent side renders
 * against (the parent table, or an alias of it) and the FROM of its target side (the target
 * table, or the alias given to `ofType()`). @internal
 */
export interface RelationshipSides {
  readonly prop: RelationshipProperty;
  readonly parentFrom: FromClause;
  /** Undefined: the target table, aliased anonymously when the relationship is self-referential. */
  readonly targetFrom: FromClause | undefined;
  /** The mapper the comparison targets (a subclass mapper after `ofType(Subclass)`). */
  readonly targetMapper: Mapper;
  /**
   * Criteria added with `.and(…)` (SQLAlchemy's `and_()` relationship criteria), written against
   * the target class or the `ofType()` alias; re-targeted to whatever FROM the target renders as.
   */
  readonly extraCriteria?: readonly ColumnElement<boolean>[];
  /**
   * `ofType(withPolymorphic(Job, [SubJob]))` (not aliased): the entity's outer join of the
   * hierarchy's tables, which a `join()` targets as a whole (`JOIN (job LEFT OUTER JOIN subjob
   * ON …) ON …`); its columns are the tables' own, so `targetFrom` stays undefined.
   */
  readonly polymorphicFrom?: FromClause;
}

/**
 * `expr` with the columns of `table` (or of any alias of it) replaced by those of `to`: the
 * `.and()` criteria of a relationship, written against the class or an `ofType()` alias,
 * rendered against the FROM actually used (an eager-load alias, the table itself, …).
 */
export function retargetCriterion<E extends ClauseElement>(expr: E, table: FromClause, to: FromClause): E {
  return adaptExpression(expr, (c) => {
    const base = c.baseColumn;
    if (!(base instanceof ColumnClause) || base.table !== table || c.table === to) return undefined;
    return to === table ? base : to.correspondingColumn(base);
  });
}

/**
 * Joined-table inheritance: the tables `ofType(Subclass)` adds to the relationship's target
 * table (subclass tables, base first), each with the condition joining it to its parent table
 * (`engineer.id = employee.id`). Empty unless the target is a joined-table subclass of the
 * relationship's target class.
 */
export function subclassJoins(sides: RelationshipSides): { table: FromClause; on: ColumnElement<boolean> }[] {
  const base = sides.prop.mapper;
  const tm = sides.targetMapper;
  if (tm === base || sides.targetFrom !== undefined) return [];
  const have = new Set<FromClause>(base.tables);
  const chain: Mapper[] = [];
  for (let m: Mapper | undefined = tm; m && m !== base; m = m.inherits) chain.unshift(m);
  const out: { table: FromClause; on: ColumnElement<boolean> }[] = [];
  for (const m of chain) {
    if (have.has(m.table)) continue;
    have.add(m.table);
    out.push({ table: m.table, on: m.inheritCondition() });
  }
  return out;
}

/**
 * The discriminator restricting the target to `ofType(Subclass)` rows: the single-table
 * criterion, or for a joined-table subclass `type IN (identities)` on the base table (needed
 * where the subclass tables are outer-joined). Undefined without a subclass.
 */
export function subclassDiscriminator(sides: RelationshipSides): ColumnElement<boolean> | undefined {
  const tm = sides.targetMapper;
  if (tm === sides.prop.mapper) return undefined;
  const single = tm.polymorphicCriterion();
  if (single) return single;
  const on = tm.base.polymorphicOn;
  if (!on) return undefined;
  const ids = [tm, ...tm.descendants].map((m) => m.polymorphicIdentity).filter((v) => v !== undefined);
  if (ids.length === 0) return undefined;
  return (ids.length === 1 ? on.column.eq(ids[0]) : on.column.in(ids)) as ColumnElement<boolean>;
}

/** Whether every column `expr` mentions belongs to one of `froms` (or an alias of one). */
export function refersOnlyTo(expr: ClauseElement, froms: ReadonlySet<FromClause>): boolean {
  let only = true;
  adaptExpression(expr, (c) => {
    const base = c.baseColumn instanceof ColumnClause ? c.baseColumn.table : undefined;
    if (c.table !== undefined && !froms.has(c.table) && (base === undefined || !froms.has(base))) only = false;
    return undefined;
  });
  return only;
}

/**
 * `EXISTS (SELECT 1 FROM target WHERE <join condition> [AND criterion])`, correlated to the
 * parent: the body of `any()`, `has()` and of collection comparisons with null.
 */
export function relationshipExists(
  sides: RelationshipSides,
  criterion: Condition | undefined,
  what: string,
  filterBy?: Readonly<Record<string, unknown>>,
): ColumnElement<boolean> {
  const { prop, parentFrom } = sides;
  const table = prop.mapper.table;
  // A self-referential relationship joins the table to itself: the target side needs an alias,
  // and criteria written against the class are re-targeted to it (as SQLAlchemy does). From an
  // aliased parent the plain table is free for the target side, as SQLAlchemy renders
  // `nalias.children.any(Node.data == x)`: EXISTS (SELECT 1 FROM nodes WHERE nodes_1.id = nodes.parent_id …).
  const parentIsAlias = parentFrom instanceof Alias && parentFrom.element === table;
  const selfRef = prop.parent.table === table && !parentIsAlias;
  const targetFrom = sides.targetFrom ?? (selfRef ? table.alias() : table);
  const conds: ClauseElement[] = [];
  // ofType(JoinedSubclass): the subquery selects FROM the target table INNER JOINed to the
  // subclass tables, which keeps only rows of the subclass (SQLAlchemy selects FROM the
  // subclass mapper's join).
  let fromClause: FromClause = targetFrom;
  for (const j of subclassJoins(sides)) fromClause = fromClause.join(j.table, j.on);
  const correlateExcept: FromClause[] = [fromClause];
  if (prop.direction === "MANYTOMANY") {
    const secondary = prop.secondary!;
    conds.push(adaptToFrom(prop.primaryjoin, prop.parent.table, parentFrom));
    conds.push(adaptToFrom(prop.secondaryjoin!, table, targetFrom));
    correlateExcept.unshift(secondary);
  } else {
    conds.push(prop.joinCondition(parentFrom, targetFrom));
  }
  const discriminator = sides.targetMapper.polymorphicCriterion();
  if (discriminator) conds.push(adaptToFrom(discriminator, table, targetFrom));
  if (criterion !== undefined) {
    // coerceWhereClause appends "()" to the name it reports.
    const c = coerceWhereClause(criterion, what.replace(/\(\)$/, ""));
    conds.push(sides.targetFrom === undefined && targetFrom !== table ? adaptToFrom(c, table, targetFrom) : c);
  }
  // SQLAlchemy's keyword criteria, `any(criterion, id=4)`: equalities on the target's attributes.
  for (const [key, value] of Object.entries(filterBy ?? {})) {
    const p = sides.targetMapper.columnPropsByKey.get(key);
    if (p === undefined) throw new InvalidRequestError(`${what}: Entity namespace for "${sides.targetMapper.className}" has no property "${key}"`);
    conds.push(adaptToFrom(p.column.eq(value as never), table, targetFrom));
  }
  for (const extra of sides.extraCriteria ?? []) conds.push(retargetCriterion(extra, table, targetFrom));
  const inner = select(literalColumn("1"))
    .selectFrom(...correlateExcept)
    .where(...(conds as ColumnElement<boolean>[]))
    .correlateExcept(...correlateExcept);
  return exists(inner);
}

/**
 * `any(criterion?)` on a collection (SQLAlchemy's `Comparator.any`); `filterBy` holds
 * SQLAlchemy's keyword criteria (`any(criterion, id=4)`), equalities on the target's attributes.
 * @throws InvalidRequestError on a scalar relationship, or for a `filterBy` key the target does not map.
 */
export function relationshipAny(sides: RelationshipSides, criterion: Condition | undefined, what: string, filterBy?: Readonly<Record<string, unknown>>): ColumnElement<boolean> {
  const { prop } = sides;
  if (!prop.uselist) {
    throw new InvalidRequestError(`${what}: any() applies to collections; ${prop.parent.className}.${prop.key} is scalar, use has()`);
  }
  return relationshipExists(sides, criterion, what, filterBy);
}

/**
 * `has(criterion?)` on a scalar (many-to-one, one-to-one) relationship (SQLAlchemy's
 * `Comparator.has`); `filterBy` as for {@link relationshipAny}.
 * @throws InvalidRequestError on a collection, or for a `filterBy` key the target does not map.
 */
export function relationshipHas(sides: RelationshipSides, criterion: Condition | undefined, what: string, filterBy?: Readonly<Record<string, unknown>>): ColumnElement<boolean> {
  const { prop } = sides;
  if (prop.uselist) {
    throw new InvalidRequestError(`${what}: has() applies to scalar relationships; ${prop.parent.className}.${prop.key} is a collection, use any()`);
  }
  return relationshipExists(sides, criterion, what, filterBy);
}

/**
 * The relationship's join condition with one side's columns replaced by bound values taken from
 * `obj` (SQLAlchemy's "lazy clause"), the other side rendered against `otherFrom`.
 *
 * `bindSide: "parent"` gives the criterion selecting the targets of a given parent
 * (`withParent`); `"target"` the criterion selecting the parents of a given target
 * (`eq(obj)` on a many-to-one, `contains(obj)` on a collection).
 * @throws InvalidRequestError when `obj` is not an instance of that side's class, or a column the
 *   criterion needs is not loaded on it.
 */
export function boundCriterion(
  prop: RelationshipProperty,
  obj: object,
  bindSide: "parent" | "target",
  otherFrom: FromClause,
  what: string,
): ColumnElement<boolean> {
  const bindMapper = bindSide === "parent" ? prop.parent : prop.mapper;
  const st = requireState(obj, bindMapper, what);
  const bindTable = bindMapper.table;
  const otherTable = bindSide === "parent" ? prop.mapper.table : prop.parent.table;

  if (prop.direction === "MANYTOMANY") {
    if (bindSide === "parent") {
      const bound = isPureEquality(prop.primaryjoin, prop.secondarySyncPairs.length)
        ? pairTerms(st, prop.secondarySyncPairs, undefined, false, what)
        : [bindColumnsOf(st, prop.primaryjoin, bindTable, what)];
      return conj([...bound, adaptToFrom(prop.secondaryjoin!, otherTable, otherFrom)]);
    }
    const bound = isPureEquality(prop.secondaryjoin!, prop.targetSecondaryPairs.length)
      ? pairTerms(st, prop.targetSecondaryPairs, undefined, false, what)
      : [bindColumnsOf(st, prop.secondaryjoin!, bindTable, what)];
    return conj([adaptToFrom(prop.primaryjoin, otherTable, otherFrom), ...bound]);
  }
  if (isPureEquality(prop.primaryjoin, prop.syncPairs.length)) {
    // syncPairs are (parent column, target column); self-referential pairs are told apart here.
    return conj(pairTerms(st, prop.syncPairs, otherFrom, bindSide === "target", what));
  }
  if (bindTable === otherTable) {
    throw new InvalidRequestError(`${what}: a self-referential relationship whose primaryjoin is not made of column equalities cannot be compared with an object`);
  }
  return adaptToFrom(bindColumnsOf(st, prop.primaryjoin, bindTable, what), otherTable, otherFrom) as ColumnElement<boolean>;
}

/**
 * `other = :value` terms, the column on the left, for (bound column, other column) pairs of a
 * join condition made only of equalities (`swap`: the pairs are (other, bound)). `from`
 * renders the other columns against an alias.
 */
function pairTerms(
  st: InstanceState,
  pairs: readonly (readonly [ColumnImpl, ColumnImpl])[],
  from: FromClause | undefined,
  swap: boolean,
  what: string,
): ColumnElement<boolean>[] {
  return pairs.map(([x, y]) => {
    const [bound, other] = swap ? [y, x] : [x, y];
    const col = from === undefined || from === other.table ? other : (from.correspondingColumn(other) ?? other);
    return col.eq(bindFor(st, bound, what)) as ColumnElement<boolean>;
  });
}

/** `cond` with every column of `table` replaced by the object's bound value for it. */
function bindColumnsOf(st: InstanceState, cond: ClauseElement, table: FromClause, what: string): ClauseElement {
  return adaptExpression(cond, (c) => (c.baseColumn instanceof ColumnClause && c.baseColumn.table === table ? bindFor(st, c.baseColumn as ColumnImpl, what) : undefined));
}

function conj(parts: readonly ClauseElement[]): ColumnElement<boolean> {
  return (parts.length === 1 ? parts[0] : and(...(parts as ColumnElement<boolean>[]))) as ColumnElement<boolean>;
}

/** `eq(obj)` / `eq(null)` on a relationship (SQLAlchemy's `Comparator.__eq__`). */
export function relationshipEq(sides: RelationshipSides, other: object | null | undefined, what: string): ColumnElement<boolean> {
  const { prop, parentFrom } = sides;
  const narrowed = isNarrowed(sides);
  if (other === null || other === undefined) {
    // Narrowed: "no related row that matches", which the foreign key alone cannot tell.
    if (prop.direction === "MANYTOONE" && !narrowed) return nullComparison(sides, true);
    return not(relationshipExists(sides, undefined, what));
  }
  if (prop.uselist) {
    throw new InvalidRequestError(`${what}: can't compare a collection to an object; use ${prop.parent.className}.${prop.key}.contains(obj) to test for membership`);
  }
  if (narrowed) return relationshipExists(sides, isTarget(sides, other, what), what);
  return boundCriterion(prop, other, "target", parentFrom, what);
}

/**
 * Whether the relationship is narrowed beyond its join condition: `.and(…)` criteria, or
 * `ofType(Subclass)` (a discriminator to check). A comparison with an object then has to look
 * at the target row, so it becomes a correlated EXISTS that includes the narrowing criteria
 * instead of a comparison of foreign-key values.
 */
function isNarrowed(sides: RelationshipSides): boolean {
  return (sides.extraCriteria?.length ?? 0) > 0 || sides.targetMapper !== sides.prop.mapper;
}

/** `target.pk = :pk` for `obj` (an instance of the target class), against the target FROM of `sides`. */
function isTarget(sides: RelationshipSides, obj: object, what: string): ColumnElement<boolean> {
  const tm = sides.targetMapper;
  const st = requireState(obj, tm, what);
  const pk = tm.pkProps.map((p) => (sides.targetFrom?.correspondingColumn(p.column) ?? p.column).eq(bindFor(st, p.column, what)) as ColumnElement<boolean>);
  return pk.length === 1 ? pk[0] : and(...pk);
}

/** `ne(obj)` / `ne(null)` on a relationship (SQLAlchemy's `Comparator.__ne__`). */
export function relationshipNe(sides: RelationshipSides, other: object | null | undefined, what: string): ColumnElement<boolean> {
  const { prop, parentFrom } = sides;
  const narrowed = isNarrowed(sides);
  if (other === null || other === undefined) {
    if (prop.direction === "MANYTOONE" && !narrowed) return nullComparison(sides, false);
    return relationshipExists(sides, undefined, what);
  }
  if (prop.uselist) {
    throw new InvalidRequestError(`${what}: can't compare a collection to an object; use not(${prop.parent.className}.${prop.key}.contains(obj)) instead`);
  }
  if (prop.direction === "MANYTOONE" && !narrowed && isPureEquality(prop.primaryjoin, prop.syncPairs.length)) {
    // Rows whose foreign key is NULL are "not that object" too, which `fk != :v` alone misses.
    // A composite key differs when any column differs: NOT (a = :x AND b = :y), not a
    // column-by-column AND of inequalities.
    const st = requireState(other, sides.targetMapper, what);
    const cols = prop.syncPairs.map(([local]) => parentFrom.correspondingColumn(local) ?? local);
    // The bound value is named after the foreign key it is compared with (SQLAlchemy's `:user_id_1`).
    const eqs = prop.syncPairs.map(([local, remote], i) => cols[i].eq(bindFor(st, remote, what, local)) as ColumnElement<boolean>);
    const differs = eqs.length === 1 ? not(eqs[0]) : not(and(...eqs));
    return or(differs, ...cols.map((c) => c.isNull() as ColumnElement<boolean>)) as ColumnElement<boolean>;
  }
  // One-to-one seen from the parent, a many-to-one with a complex join, or a narrowed
  // relationship: not EXISTS a (matching) target that is this object.
  return not(relationshipExists(sides, isTarget(sides, other, what), what));
}

/** `contains(obj)` on a collection (SQLAlchemy's `Comparator.contains`). */
export function relationshipContains(sides: RelationshipSides, other: object, what: string): ColumnElement<boolean> {
  const { prop, parentFrom } = sides;
  if (!prop.uselist) {
    throw new InvalidRequestError(`${what}: contains() applies to collections; ${prop.parent.className}.${prop.key} is scalar, use eq(obj)`);
  }
  // Narrowed: `obj` must also match the criteria, so test its row inside the EXISTS.
  if (isNarrowed(sides)) return relationshipExists(sides, isTarget(sides, other, what), what);
  const crit = boundCriterion(prop, other, "target", parentFrom, what);
  // not(contains(obj)) on a many-to-many: no association row links `obj` (NOT EXISTS), as
  // SQLAlchemy's negation_clause; `NOT (a AND b)` would keep rows linked to `obj` and others.
  return prop.direction === "MANYTOMANY" ? withNegation(crit, () => not(relationshipExists(sides, isTarget(sides, other, what), what))) : crit;
}

/** `fk IS NULL` / `fk IS NOT NULL` for a many-to-one (AND / OR over composite keys). */
function nullComparison(sides: RelationshipSides, isNull: boolean): ColumnElement<boolean> {
  const { prop, parentFrom } = sides;
  const parts = prop.syncPairs.map(([local]) => {
    const col = parentFrom.correspondingColumn(local) ?? local;
    return (isNull ? col.isNull() : col.isNotNull()) as ColumnElement<boolean>;
  });
  if (parts.length === 1) return parts[0];
  return (isNull ? and(...parts) : or(...parts)) as ColumnElement<boolean>;
}

/** The state of `obj`, which must be an instance of `mapper`'s class (or a subclass). */
function requireState(obj: unknown, mapper: Mapper, what: string): InstanceState {
  const st = stateOf(obj);
  if (!st || !st.mapper.isA(mapper)) {
    throw new InvalidRequestError(`${what}: expected a ${mapper.className} instance; got ${describeObject(obj)}`);
  }
  return st;
}

/** An anonymous bound parameter, typed like `col` and named after `namedAfter`, holding the object's value for `col`. */
function bindFor(st: InstanceState, col: ColumnImpl, what: string, namedAfter: ColumnImpl = col): BindParameter<unknown, string> {
  return new BindParameter(namedAfter.anonBindBase, loadedValue(st, col, what), col.type, { unique: true });
}

/**
 * The value of the attribute mapped to `col` on a state, for a bound parameter.
 * @throws InvalidRequestError naming the attribute when it is not loaded (never loaded, deferred
 *   or expired) or was never set.
 */
function loadedValue(st: InstanceState, col: ColumnImpl, what: string): unknown {
  const key = attributeKey(st.mapper, col);
  if (key === undefined) throw new InvalidRequestError(`${what}: ${st.mapper.className} maps no attribute for ${col.describe()}`);
  const name = `${st.mapper.className}.${key}`;
  // A transient or pending object whose attribute was never set (SQLAlchemy: "no value has been
  // set for this column"), as opposed to a persistent one whose attribute is unloaded or expired.
  if ((st.transient || st.pending) && !(key in st.dict)) {
    throw new InvalidRequestError(`${what}: attribute '${name}' of the ${st.mapper.className} instance has no value yet (flush the object first)`);
  }
  if (st.expiredMutable?.has(key) || !(key in st.dict)) {
    throw new InvalidRequestError(
      `${what}: attribute '${name}' of the ${st.mapper.className} instance is not loaded; load it (undefer / refresh) before using the object in a criterion`,
    );
  }
  const v = st.dict[key];
  if (v === undefined) {
    throw new InvalidRequestError(`${what}: attribute '${name}' of the ${st.mapper.className} instance has no value yet (flush the object first)`);
  }
  if (v === null) {
    // As SQLAlchemy: a NULL bound into `col = :param` matches nothing; say so instead of failing.
    warn(`${what}: got null for attribute '${name}'; the comparison will not match any row`);
  }
  return v;
}

function attributeKey(m: Mapper, col: ColumnImpl): string | undefined {
  for (let cur: Mapper | undefined = m; cur; cur = cur.inherits) {
    const p = cur.propByColumn.get(col);
    if (p) return p.key;
  }
  return undefined;
}

/** Join conditions are built once per relationship: remember what {@link isPureEquality} found. */
const pureEquality = new WeakMap<ClauseElement, number>();

/** Whether `cond` is exactly `n` column equalities joined with AND. */
function isPureEquality(cond: ClauseElement, n: number): boolean {
  let found = pureEquality.get(cond);
  if (found === undefined) pureEquality.set(cond, (found = countPureEqualities(cond)));
  return found === n;
}
/** The number of equalities when `cond` is only AND-ed equalities, else -1. */
function countPureEqualities(cond: ClauseElement): number {
  let count = 0;
  const visit = (e: ClauseElement): boolean => {
    if (e instanceof BinaryExpression) {
      count++;
      return e.operator === "eq";
    }
    const list = e as unknown as { operator?: string; clauses?: readonly ClauseElement[] };
    if (list.clauses && list.operator === "and") return list.clauses.every(visit);
    return false;
  };
  return visit(cond) ? count : -1;
}

function describeObject(x: unknown): string {
  if (x === null || typeof x !== "object") return String(x);
  // A mapped class's static `name` may be a column attribute: take the mapper's class name.
  return `${stateOf(x)?.mapper.className ?? (x as object).constructor?.name ?? "object"} object`;
}

/**
 * `withParent(instance, User.addresses)`: the criterion selecting the targets of `rel` that
 * belong to `instance` (SQLAlchemy's `with_parent()`), e.g.
 * `select(Address).where(withParent(user, User.addresses))` → `address.user_id = :id_1`; for
 * many-to-many the association table joins in (`assoc.item_id = :id_1 AND kw.id = assoc.kw_id`).
 * Values are bound from `instance`'s loaded columns at call time. `from` (or
 * `rel.ofType(alias)`) renders the target side against an alias of the target class.
 * @throws InvalidRequestError naming the attribute when a column it needs is not loaded on
 *   `instance` (or has no value yet), or when `instance` is not of the relationship's parent class.
 * @throws ArgumentError when `rel` is not a relationship attribute (a string, a column attribute):
 *   SQLAlchemy's "Expected relationship property for with_parent(), got User.name".
 */
export function withParent<T>(instance: object, rel: RelationshipComparator<T>, from?: AliasedClass<T>): ColumnElement<boolean> {
  // Untyped callers: SQLAlchemy's messages for a string or a column attribute.
  if (typeof rel === "string") throw new ArgumentError("withParent() accepts class-bound mapped attributes, not strings");
  if (typeof (rel as { _sides?: unknown })?._sides !== "function") {
    throw new ArgumentError(`Expected relationship property for withParent(), got ${describeAttribute(rel)}`);
  }
  const sides = rel._sides();
  const prop = sides.prop;
  let targetFrom = sides.targetFrom ?? prop.mapper.table;
  if (from !== undefined) {
    const alias = (from as unknown as { _isAliasedClass?: true; alias?: FromClause; mapper?: Mapper });
    if (alias._isAliasedClass !== true || !alias.mapper!.isA(prop.mapper)) {
      throw new InvalidRequestError(`withParent(): the third argument must be an aliased(${prop.mapper.className})`);
    }
    targetFrom = alias.alias!;
  }
  const crit = boundCriterion(prop, instance, "parent", targetFrom, `withParent(…, ${prop.parent.className}.${prop.key})`);
  // A narrowed relationship's targets are those matching its criteria (and, after
  // ofType(Subclass), its discriminator): AND-ed in, against the FROM the targets render as.
  const table = prop.mapper.table;
  const narrowing: ColumnElement<boolean>[] = [];
  const discriminator = subclassDiscriminator(sides);
  if (discriminator) narrowing.push(adaptToFrom(discriminator, table, targetFrom) as ColumnElement<boolean>);
  for (const c of sides.extraCriteria ?? []) narrowing.push(retargetCriterion(c, table, targetFrom));
  return narrowing.length ? and(crit, ...narrowing) : crit;
}

/** `User.name` for a mapped column attribute, else a short description of the value. */
function describeAttribute(x: unknown): string {
  const a = x as { kind?: string; attrKey?: string; entity?: unknown };
  if (a?.kind === "ormAttribute" && a.attrKey !== undefined) {
    // The class name from its source: a model with a `name` column shadows the class's `name`.
    const e = a.entity;
    const m = typeof e === "function" ? /^class\s+([\w$]+)/.exec(Function.prototype.toString.call(e)) : null;
    const owner = m ? m[1] : (e as { mapper?: { className?: string } } | undefined)?.mapper?.className;
    if (owner !== undefined) return `${owner}.${a.attrKey}`;
  }
  return describeObject(x);
}

/**
 * The relationship as a plain criterion (SQLAlchemy's `Comparator.__clause_element__`): its join
 * condition between the parent and target FROMs, which the enclosing SELECT then lists
 * (`select(User).where(User.addresses)` → `FROM users, addresses WHERE users.id =
 * addresses.user_id`). A many-to-many adds an anonymous alias of the association table.
 */
export function relationshipClause(sides: RelationshipSides): ColumnElement<boolean> {
  const { prop, parentFrom } = sides;
  const table = prop.mapper.table;
  const targetFrom = sides.targetFrom ?? table;
  if (prop.direction !== "MANYTOMANY") return prop.joinCondition(parentFrom, targetFrom);
  const secondary = prop.secondary!;
  const sec = secondary.alias();
  const primary = adaptToFrom(adaptToFrom(prop.primaryjoin, prop.parent.table, parentFrom), secondary, sec);
  const target = adaptToFrom(adaptToFrom(prop.secondaryjoin!, table, targetFrom), secondary, sec);
  return and(primary as ColumnElement<boolean>, target as ColumnElement<boolean>);
}

whereClauseHooks.relationship = (x) => {
  const c = x as { _isRelationshipComparator?: boolean; _sides?: () => RelationshipSides };
  return c._isRelationshipComparator === true && typeof c._sides === "function" ? relationshipClause(c._sides()) : undefined;
};

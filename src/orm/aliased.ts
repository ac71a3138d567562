/**
 * `aliased(User)`: an alias of a mapped class whose attributes are SQL expressions against the
 * aliased table (SQLAlchemy's `AliasedClass`), plus the expression adaptation the ORM uses to
 * re-target criteria and expressions from a table to an alias or subquery
 * (SQLAlchemy's `ClauseAdapter`).
 * @module
 */
import { ArgumentError } from "../errors.js";
import { ClauseElement, ColumnElement, Label } from "../sql/elements.js";
import { ColumnClause } from "../sql/column.js";
import { Alias, FromClause, LABEL_STYLE_TABLENAME_PLUS_COL, select, SelectBase } from "../sql/selectable.js";
import type { CacheKeyBuilder } from "../sql/cache-key.js";
import type { ColumnExpressionProperty } from "./mapped-column.js";
import { correspondingIn, InstrumentedAttribute, mapperOf, type Mapper } from "./mapper.js";
import { RelationshipOfType, type RelationshipSpec } from "./relationship.js";
import { resolveSynonym } from "./synonym.js";
import type { ModelRow } from "./declarative.js";

/**
 * Copy `expr`, replacing every column for which `replace` returns a substitute. Without
 * `replaceFrom`, sub-SELECTs and FROM clauses are kept as they are (they are not part of the
 * expression's own columns); with it, sub-SELECTs are adapted too and their FROM / correlation
 * lists take the FROMs it substitutes (SQLAlchemy's `ClauseAdapter` descending into a correlated
 * scalar subquery). Returns `expr` itself when nothing changed.
 */
export function adaptExpression<E extends ClauseElement>(
  expr: E,
  replace: (col: ColumnClause<unknown, string>) => ColumnElement<unknown, string> | undefined,
  replaceFrom?: (from: FromClause) => FromClause | undefined,
  /** A substitute for a `remote()` / `foreign()` mark (and all it holds); by default the mark is dropped and its expression adapted. */
  replaceMark?: (mark: ClauseElement) => ClauseElement | undefined,
): E {
  const visit = (e: unknown): unknown => {
    if (!(e instanceof ClauseElement)) return e;
    if (replaceFrom && e instanceof FromClause) return replaceFrom(e) ?? e;
    // remote() / foreign() marks only inform a relationship's configuration: adapted copies drop them.
    if ((e as { _isJoinAnnotation?: true })._isJoinAnnotation === true) return replaceMark?.(e) ?? visit((e as unknown as { element: ClauseElement }).element);
    if (e instanceof InstrumentedAttribute) return replace(e.column) ?? e;
    // A brand, not instanceof: apps without columnProperty() leave its class out of bundles.
    if ((e as { _isColumnExpressionProperty?: true })._isColumnExpressionProperty === true) {
      const inner = (e as unknown as ColumnExpressionProperty).resolve();
      if (inner === null) return e;
      const adapted = visit(inner);
      return adapted === inner ? e : adapted;
    }
    if (e instanceof ColumnClause) return replace(e) ?? e;
    if (e instanceof FromClause || (e instanceof SelectBase && !replaceFrom)) return e;
    let copy: Record<string, unknown> | undefined;
    const src = e as unknown as Record<string, unknown>;
    for (const k of Object.keys(src)) {
      if (k === "table") continue;
      const v = src[k];
      let nv: unknown = v;
      if (v instanceof ClauseElement) nv = visit(v);
      else if (Array.isArray(v)) {
        const mapped = v.map((x) => (Array.isArray(x) ? x.map(visit) : visit(x)));
        if (mapped.some((x, i) => (Array.isArray(x) ? x.some((y, j) => y !== (v[i] as unknown[])[j]) : x !== v[i]))) nv = mapped;
      }
      if (nv !== v) {
        copy ??= Object.assign(Object.create(Object.getPrototypeOf(e) as object) as Record<string, unknown>, src);
        copy[k] = nv;
      }
    }
    // A copied SELECT re-derives its expanded columns from the adapted ones.
    if (copy && e instanceof SelectBase) copy._expanded = undefined;
    return copy ?? e;
  };
  return visit(expr) as E;
}

/** The tables whose columns an expression mentions (through ORM attributes too), added to `out`. */
export function tablesOf(e: ClauseElement, out: Set<unknown> = new Set()): Set<unknown> {
  adaptExpression(e, (c) => {
    const base = c.baseColumn;
    if (base instanceof ColumnClause) out.add(base.table);
    return undefined;
  });
  return out;
}

/** Re-target an expression from a mapper's table to one of its aliases. */
export function adaptToFrom<E extends ClauseElement>(expr: E, table: FromClause, to: FromClause): E {
  if (table === to) return expr;
  return adaptExpression(
    expr,
    (c) => {
      const base = c.baseColumn;
      return base instanceof ColumnClause && base.table === table ? correspondingIn(to, base) : undefined;
    },
    (f) => (f === table ? to : undefined),
  );
}

/**
 * A relationship seen from an aliased entity (`ua.addresses`): the relationship's comparator
 * with its parent side rendered against the alias, so joins (`select(ua).join(ua.addresses)`),
 * criteria (`ua.addresses.any(…)`), `ofType()`, `and()` and loader options all work from it.
 */
export type AliasedRelationship<T = unknown> = RelationshipOfType<T>;

/**
 * The aliased entity each alias was made for (the first one, when several share it): a FROM
 * given to `selectFrom()` / `joinFrom()` / `join()` is the bare alias, and the ORM needs its
 * mapper back (a single-table subclass's discriminator criterion). @internal
 */
export const aliasedEntities = new WeakMap<FromClause, AliasedClass>();

/** The expression attributes of aliases (`ua.ead`): an ORDER BY names them by their label. @internal */
export const aliasedExpressionAttributes = new WeakSet<object>();

/** An aliased entity: `A.name` is the column of the alias. */
export class AliasedClass<T = unknown> {
  declare readonly __entity: T;
  readonly _isColumnsClauseProvider = true;
  readonly _isAliasedClass = true;
  readonly alias: Alias;
  private readonly attrs = new Map<string, ColumnElement<unknown, string>>();
  /** The name given to `aliased()`: the entity's key in result rows (the alias name otherwise). */
  readonly entityName: string | undefined;
  /**
   * @param adaptFrom for an alias of an alias mapped onto a subquery (`aliased(ua, subq)`):
   *   the inner alias, whose columns (not the table's) the subquery's columns correspond to.
   */
  constructor(readonly mapper: Mapper, name?: string, selectable?: Alias, readonly adaptFrom?: FromClause) {
    this.alias = selectable ?? mapper.table.alias(name);
    this.entityName = name;
    if (!aliasedEntities.has(this.alias)) aliasedEntities.set(this.alias, this);
    for (const p of mapper.columnProps) {
      const col = this.columnFor(p.column);
      // A subquery that leaves a column out has no attribute for it (SQLAlchemy's adapter
      // finds no corresponding column either).
      if (col === undefined) continue;
      const attr = new InstrumentedAttribute(p.key, col, this);
      attr.prop = p;
      this.attrs.set(p.key, attr);
      Object.defineProperty(this, p.key, { value: attr, enumerable: true });
    }
    for (const [key, p] of mapper.expressionProps) {
      // Memoized: `ua.ead` is one object, which the loader finds again in `orderBy(ua.ead)`.
      let memo: ColumnElement<unknown, string> | undefined;
      Object.defineProperty(this, key, {
        enumerable: true,
        get: () => {
          if (memo !== undefined) return memo;
          const e = p.resolve();
          if (e === null) return p;
          // A label the user gave names the class's column only: on an alias the adapted
          // expression is labelled anonymously (SQLAlchemy's ColumnPropertyTest
          // test_order_by_column_labeled_prop_attr_aliased_three: `... AS anon_1`).
          memo = adaptToFrom(e instanceof Label ? e.element : e, mapper.table, this.alias);
          aliasedExpressionAttributes.add(memo);
          return memo;
        },
      });
    }
    for (const [key, rel] of mapper.relationships) {
      const value = new RelationshipOfType({ prop: rel, parentFrom: this.alias, targetFrom: undefined, targetMapper: rel.mapper });
      Object.defineProperty(this, key, { value, enumerable: true });
    }
    // A synonym is the alias's attribute of its target, under the synonym's own key.
    for (const key of mapper.synonyms.keys()) {
      let value: unknown;
      Object.defineProperty(this, key, {
        enumerable: true,
        get: () => {
          if (value !== undefined) return value;
          const target = resolveSynonym(mapper, key).key;
          const t = (this as unknown as Record<string, unknown>)[target];
          if (t instanceof InstrumentedAttribute) {
            const attr = new InstrumentedAttribute(key, t.column, this);
            attr.prop = t.prop;
            value = attr;
          } else value = t;
          return value;
        },
      });
    }
  }
  /** The column of this alias standing for one of the mapped table's columns. @internal */
  columnFor(column: ColumnElement<unknown, string>): ColumnClause<unknown, string> | undefined {
    const inner = this.adaptFrom === undefined ? column : correspondingIn(this.adaptFrom, column);
    if (inner === undefined) return undefined;
    // A column the subquery selects under a label (`users.name AS foo`) still stands for it
    // (SQLAlchemy's corresponding_column follows the label's proxy).
    if (this.adaptFrom === undefined) return correspondingIn(this.alias, inner) ?? this.alias.columnList.find((c) => proxies(c, inner));
    // The inner alias's own column, exactly: a subquery may also carry the table's column of the
    // same lineage (`select(User, ua).subquery()` exports users.name and users_1.name).
    return this.alias.columnList.find((c) => proxies(c, inner)) ?? correspondingIn(this.alias, inner);
  }
  /** The attribute for a column key. */
  attribute(key: string): ColumnElement<unknown, string> {
    const a = this.attrs.get(key);
    if (!a) throw new ArgumentError(`aliased(${this.mapper.className}) has no attribute '${key}'`);
    return a;
  }
  /** @internal */
  _columnsClauseElements(): readonly ColumnElement<unknown, string>[] {
    const out: ColumnElement<unknown, string>[] = [];
    for (const p of this.mapper.defaultLoadProps) {
      const col = this.columnFor(p.column);
      if (col !== undefined) out.push(col);
    }
    return out;
  }
  /** @internal */
  _asFromClause(): FromClause {
    return this.alias;
  }
  /** @internal */
  _attributeFor(key: string): ColumnElement<unknown, string> | undefined {
    if (this.mapper.synonyms.has(key)) {
      const v = (this as unknown as Record<string, unknown>)[key];
      return v instanceof InstrumentedAttribute ? v : undefined;
    }
    return this.attrs.get(key);
  }
}

/** Whether `c` stands for `target` through its chain of proxies, labels and ORM attributes. */
function proxies(c: ColumnElement<unknown, string>, target: ColumnElement<unknown, string>): boolean {
  let x: ColumnElement<unknown, string> | undefined = c;
  for (let depth = 0; x !== undefined && depth < 32; depth++) {
    if (x === target) return true;
    if (x instanceof InstrumentedAttribute) x = x.column;
    else if (x instanceof ColumnClause) x = x.proxyOf;
    else if (x instanceof Label) x = x.element;
    else return false;
  }
  return false;
}

/** The aliased form of a model class: its column attributes and relationships, typed. */
export type Aliased<C> = AliasedClass<C extends abstract new (...args: never[]) => infer T ? T : never> & {
  readonly [K in keyof C as C[K] extends InstrumentedAttribute | ColumnExpressionProperty ? K : never]: C[K];
} & {
  readonly [K in keyof C as C[K] extends RelationshipSpec<unknown> ? K : never]: C[K] extends RelationshipSpec<infer T> ? AliasedRelationship<T> : never;
};

/**
 * `aliased(User, name?)`: an alias of a mapped class usable in select(), joins, criteria and
 * loader options (`containsEager(User.addresses, { alias })`). Without a name the alias is
 * anonymous and renders as `<table>_1`. A joined-table subclass (rows in several tables) is
 * aliased as a subquery of its tables' join, as SQLAlchemy does:
 * `(SELECT people.person_id AS people_person_id, … FROM people JOIN engineers ON …) AS anon_1`;
 * an alias of a hierarchy's base table loads subclass rows as their classes with the subclass
 * tables' attributes unloaded.
 *
 * `aliased(User, subquery, name?)` maps the class onto a subquery or alias instead
 * (SQLAlchemy's `aliased(User, stmt.subquery())`): attributes are the subquery's columns
 * corresponding to the mapped ones; `name` then names the entity (its key in result rows),
 * not the subquery, as in SQLAlchemy.
 * @throws ArgumentError when `cls` is not a mapped class, or the selectable is neither a
 *   subquery nor an alias.
 */
export function aliased<C extends abstract new (...args: never[]) => unknown>(cls: C, aliasOrName?: string | Alias, name?: string): Aliased<C>;
/**
 * `aliased(ua)` / `aliased(ua, subquery)`: an alias of an aliased class (SQLAlchemy #7576): a
 * new alias of the same table or subquery, or `ua` mapped onto a subquery that selects it.
 */
export function aliased<A extends AliasedClass>(entity: A, aliasOrName?: string | Alias, name?: string): A;
export function aliased(cls: unknown, aliasOrName?: string | Alias, name?: string): unknown {
  if (cls instanceof AliasedClass) {
    const inner: AliasedClass = cls;
    if (aliasOrName === undefined || typeof aliasOrName === "string") {
      const n = aliasOrName ?? name;
      const el = inner.alias.element;
      const again = new Alias(el, n, inner.alias.aliasKind);
      return new AliasedClass(inner.mapper, n, again, inner.adaptFrom);
    }
    if (!(aliasOrName instanceof Alias)) {
      throw new ArgumentError(`aliased(${inner.mapper.className}, …): expected a name, a subquery or an alias; got ${describeArg(aliasOrName)}`);
    }
    return new AliasedClass(inner.mapper, name, aliasOrName, inner.alias);
  }
  const m = mapperOf(cls);
  if (!m) throw new ArgumentError("aliased() expects a mapped class");
  if (aliasOrName === undefined || typeof aliasOrName === "string") {
    const n = aliasOrName ?? name;
    // A joined-table subclass, whose rows span several tables, aliases the join of its tables as
    // a subquery, SQLAlchemy's `(SELECT people.person_id AS people_person_id, … FROM people JOIN
    // engineers ON …) AS anon_1`. A class of one table (a hierarchy's base too) aliases the table:
    // rows of subclasses load as their classes, their own columns unloaded, as in SQLAlchemy.
    if (m.tables.length > 1) return new AliasedClass(m, n, select(ownTablesJoin(m)).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL).subquery(n));
    return new AliasedClass(m, n);
  }
  if (!(aliasOrName instanceof Alias)) {
    throw new ArgumentError(`aliased(${m.className}, …): expected a name, a subquery or an alias; got ${describeArg(aliasOrName)}`);
  }
  return new AliasedClass(m, name, aliasOrName);
}

/** Options of {@link withPolymorphic}. */
export interface WithPolymorphicOptions {
  /**
   * Select from an anonymous (or `name`d) subquery of the join instead of the tables themselves
   * (SQLAlchemy's `aliased=True`), so the entity can appear next to the plain classes.
   */
  readonly aliased?: boolean;
  /** The subquery's name (implies `aliased`). */
  readonly name?: string;
}

/**
 * `withPolymorphic(Person, [Engineer, Manager])`, non-aliased: the base class over its table
 * LEFT OUTER JOINed to the listed subclasses' tables (SQLAlchemy's `with_polymorphic()`
 * selectable). Selected, it loads rows as their subclasses with the listed subclasses' columns
 * loaded; its base attributes are the base class's, `of(Engineer)` (or `wp.Engineer`) the
 * subclass's. @internal Created by {@link withPolymorphic}.
 */
export class PolymorphicEntity {
  readonly _isColumnsClauseProvider = true;
  readonly _isPolymorphicEntity = true;
  constructor(
    /** The base mapper of the entity. */
    readonly mapper: Mapper,
    /** `people LEFT OUTER JOIN engineers ON … LEFT OUTER JOIN managers ON …`. */
    readonly selectable: FromClause,
    /** The subclasses whose tables the selectable joins. */
    readonly classes: readonly Mapper[],
  ) {
    defineEntityAttributes(this, mapper, this);
  }
  private readonly subAttributes = new Map<Mapper, object>();
  /**
   * The attributes of `sub`, one of the entity's classes (SQLAlchemy's `wp.Engineer`): its
   * columns, which select FROM the entity's join.
   */
  of<C extends abstract new (...args: never[]) => unknown>(sub: C): C {
    const sm = subclassMapper(this.mapper, sub, "of()");
    if (sm === this.mapper) return this as unknown as C;
    let attrs = this.subAttributes.get(sm);
    if (!attrs) this.subAttributes.set(sm, (attrs = defineEntityAttributes({}, sm, this)));
    return attrs as C;
  }
  /** @internal */
  _columnsClauseElements(): readonly ColumnElement<unknown, string>[] {
    const out: ColumnElement<unknown, string>[] = [];
    for (const p of this.mapper.polymorphicProps) if (!p.deferred && this.selectable.correspondingColumn(p.column) !== undefined) out.push(p.column);
    return out;
  }
  /** @internal */
  _asFromClause(): FromClause {
    return this.selectable;
  }
  /**
   * Cache key: the join, not only the columns: `withPolymorphic(Person, [Engineer, Manager])`
   * selects the columns `[Manager, Engineer]` does, from its tables joined in another order
   * (SQLAlchemy keys the with_polymorphic entity, PolyCacheKeyTest.test_wp_objects).
   * @internal
   */
  _key(k: CacheKeyBuilder): void {
    k.push("wpoly", String(this.mapper.id));
    this.selectable._key(k);
    for (const e of this._columnsClauseElements()) e._key(k);
  }
  /** @internal */
  _attributeFor(key: string): ColumnElement<unknown, string> | undefined {
    const v = (this as unknown as Record<string, unknown>)[key];
    return v instanceof InstrumentedAttribute ? v : undefined;
  }
}

/**
 * Define on `target` the attributes of `mapper`'s class as columns of `entity` (so that a
 * statement naming only them still selects FROM the entity's join); relationships and SQL
 * expression attributes are the class's own.
 */
function defineEntityAttributes<O extends object>(target: O, mapper: Mapper, entity: object): O {
  const cls = mapper.class_ as unknown as Record<string, unknown>;
  for (const p of mapper.columnProps) {
    const attr = new InstrumentedAttribute(p.key, p.column, entity);
    attr.prop = p;
    Object.defineProperty(target, p.key, { value: attr, enumerable: true });
  }
  for (const key of [...mapper.expressionProps.keys(), ...mapper.relationships.keys()]) Object.defineProperty(target, key, { get: () => cls[key], enumerable: true });
  return target;
}

/** A `withPolymorphic()` entity: the base class's attributes plus `of(Subclass)`. */
export type WithPolymorphic<C> = (C extends abstract new (...args: never[]) => unknown ? Aliased<C> : never) & {
  /** The attributes of one of the entity's subclasses within it (SQLAlchemy's `wp.Engineer`). */
  of<S extends abstract new (...args: never[]) => unknown>(sub: S): Aliased<S>;
};

/**
 * `withPolymorphic(Person, [Engineer, Manager])` (SQLAlchemy's `with_polymorphic()`): an entity
 * of the base class that selects the listed subclasses' tables too, LEFT OUTER JOINed (`"*"`:
 * every subclass; a single class may be given alone), so rows load as their subclasses with
 * those columns loaded, and criteria can name subclass columns:
 * `select(wp).where(wp.of(Engineer).primaryLanguage.eq(…))` (`wp.Engineer` works as well).
 * A subclass's intermediate classes' tables are joined too; single-table subclasses add none.
 * With `{ aliased: true }` (or a `name`) the join is a subquery
 * (`(SELECT people.person_id AS people_person_id, … FROM people LEFT OUTER JOIN engineers ON …)
 * AS anon_1`) usable next to the plain classes and in `ofType()`.
 * @throws ArgumentError when `base` is not mapped, or a class is not a subclass of it.
 */
export function withPolymorphic<C extends abstract new (...args: never[]) => unknown>(
  base: C,
  classes: "*" | (abstract new (...args: never[]) => unknown) | readonly (abstract new (...args: never[]) => unknown)[],
  opts: WithPolymorphicOptions = {},
): WithPolymorphic<C> {
  const m = mapperOf(base);
  if (!m) throw new ArgumentError("withPolymorphic() expects a mapped class");
  const subs = classes === "*" ? m.descendants : (Array.isArray(classes) ? classes : [classes]).map((c: unknown) => subclassMapper(m, c, "…"));
  const join = polymorphicJoin(m, subs);
  const namespaces = (entity: object, make: (sm: Mapper) => unknown): void => {
    for (const sm of subs) if (!(sm.className in entity)) Object.defineProperty(entity, sm.className, { get: () => make(sm), enumerable: false });
  };
  if (opts.aliased === true || opts.name !== undefined) {
    const sub = select(join).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL).subquery(opts.name);
    const entity = new AliasedClass(m, opts.name, sub);
    const cache = new Map<Mapper, AliasedClass>();
    const make = (sm: Mapper): AliasedClass => {
      let a = cache.get(sm);
      if (!a) cache.set(sm, (a = sm === m ? entity : new AliasedClass(sm, opts.name, sub)));
      return a;
    };
    Object.defineProperty(entity, "of", { value: (c: unknown) => make(subclassMapper(m, c, "of()")), enumerable: false });
    namespaces(entity, make);
    return entity as unknown as WithPolymorphic<C>;
  }
  const entity = new PolymorphicEntity(m, join, subs);
  namespaces(entity, (sm) => entity.of(sm.class_ as never));
  return entity as unknown as WithPolymorphic<C>;
}

/**
 * The mapper of `cls`, which must be `base` or one of its subclasses.
 * @throws ArgumentError naming the class otherwise.
 */
function subclassMapper(base: Mapper, cls: unknown, where: string): Mapper {
  const sm = mapperOf(cls);
  if (sm && sm.isA(base)) return sm;
  const name = sm?.className ?? String((cls as { name?: unknown } | null)?.name);
  throw new ArgumentError(`withPolymorphic(${base.className}, ${where}): ${name} is not a subclass of ${base.className}`);
}

/** The base mapper's tables joined, then each subclass's further tables LEFT OUTER JOINed. */
function polymorphicJoin(m: Mapper, subs: readonly Mapper[]): FromClause {
  let from: FromClause = ownTablesJoin(m);
  const seen = new Set<FromClause>(m.tables);
  for (const sm of subs) {
    const chain: Mapper[] = [];
    for (let x: Mapper | undefined = sm; x && x !== m; x = x.inherits) chain.unshift(x);
    for (const c of chain) {
      if (seen.has(c.table)) continue;
      from = from.outerjoin(c.table, c.inheritCondition());
      seen.add(c.table);
    }
  }
  return from;
}

/** A joined-table subclass's tables inner-joined, base table first (no subclass tables of its own). */
function ownTablesJoin(m: Mapper): FromClause {
  const chain: Mapper[] = [];
  for (let x: Mapper | undefined = m; x; x = x.inherits) chain.unshift(x);
  let from: FromClause = m.tables[0];
  const seen = new Set<FromClause>([from]);
  for (const c of chain) {
    if (seen.has(c.table)) continue;
    from = from.join(c.table, c.inheritCondition());
    seen.add(c.table);
  }
  return from;
}

function describeArg(x: unknown): string {
  if (x instanceof SelectBase) return "a SELECT (call .subquery() on it first)";
  return x === null || typeof x !== "object" ? String(x) : `${(x as object).constructor?.name ?? "object"} object`;
}
export type { ModelRow };

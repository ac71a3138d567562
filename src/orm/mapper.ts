/**
 * Mapper: how a class maps onto a table — column properties, relationships, primary key,
 * identity keys (SQLAlchemy's `Mapper`, `ColumnProperty`, `RelationshipProperty`).
 * @module
 */
import { AmbiguousForeignKeysError, ArgumentError, FlushError, InvalidRequestError, NoForeignKeysError, UnmappedClassError } from "../errors.js";
import { and, BinaryExpression, bindparam, BooleanClauseList, ClauseElement, ColumnElement, type AnyColumn } from "../sql/elements.js";
import { ColumnClause } from "../sql/column.js";
import { ColumnImpl, ForeignKey, TableImpl, type Table } from "../sql/schema.js";
import { select, TableClause, type FromClause, type Select } from "../sql/selectable.js";
import type { CacheKeyBuilder } from "../sql/cache-key.js";
import type { CompileKw, SQLCompiler } from "../sql/compiler.js";
import type { TypeEngine } from "../sql/type-api.js";
import { RelationshipSpec, type LazyStrategy, type RelationshipOptions } from "./relationship.js";
import { columnComparisons, inferRelationshipJoin, references } from "./join-condition.js";
import { adaptMarked, readJoinAnnotations, type ColumnMarks, type JoinAnnotations } from "./join-annotations.js";
import { Dispatcher, type EventSpecs, type ListenOptions } from "../engine/events.js";
import { attachState, installStateAccessor, InstanceState, stateOf } from "./state.js";
import type { ColumnExpressionProperty } from "./mapped-column.js";
import type { SynonymProperty } from "./synonym.js";
import { defineColumnAccessor } from "./instrumentation.js";
import { adaptExpression } from "./aliased.js";
import { identityPartOfText, type IdentityPart } from "./identity-map.js";
import { warn } from "../warnings.js";

/** A mapped class: any constructor whose prototype carries a mapper. */
export type MappedClass<T = object> = abstract new (...args: never[]) => T;

const MAPPER: unique symbol = Symbol.for("athanor.mapper");

/** The mapper of a mapped class (configuring the registry first), or undefined. */
export function mapperOf(cls: unknown): Mapper | undefined {
  if (typeof cls !== "function") return undefined;
  const m = (cls as { [MAPPER]?: Mapper })[MAPPER];
  if (!m) return undefined;
  if (m.class_ !== cls) {
    // A subclass of a model that has not been configured yet (the user's class).
    return m.registry.mapSubclass(cls as MappedClass, m);
  }
  m.registry.configure();
  return m;
}
/** Like {@link mapperOf} but raises for unmapped classes. */
export function requireMapper(cls: unknown, what = "class"): Mapper {
  const m = mapperOf(cls);
  if (!m) throw new ArgumentError(`${describeClass(cls)} is not a mapped ${what}; declare it with Base.model(…)`);
  return m;
}
function describeClass(c: unknown): string {
  return typeof c === "function" ? `class ${classNameOf(c)}` : String(c);
}
/**
 * A class's name for messages: the mapper's (a column called `name` replaces the class's static
 * `name` with its attribute), else the class's own `name` when it is a string.
 * @internal
 */
export function classNameOf(c: Function): string {
  const m = (c as { [MAPPER]?: Mapper })[MAPPER];
  if (m && m.class_ === c) return m.className;
  const n: unknown = Object.getOwnPropertyDescriptor(c, "name")?.value;
  return typeof n === "string" ? n : "?";
}
/** `User`, or `aliased(User)` for an aliased entity: the entity half of an attribute's name. */
function entityNameOf(e: object): string {
  if (typeof e === "function") return classNameOf(e);
  const m = (e as { mapper?: unknown }).mapper;
  return m instanceof Mapper ? `aliased(${m.className})` : String(e);
}

/**
 * A class-level column attribute (`User.name`): a SQL expression that renders as the mapped
 * column (SQLAlchemy's `InstrumentedAttribute`). `T` is the JS type, `K` the attribute key.
 */
export class InstrumentedAttribute<T = unknown, K extends string = string> extends ColumnElement<T, K> {
  readonly kind = "ormAttribute";
  /** Set when the owning mapper is configured. */
  prop!: ColumnProperty;
  constructor(
    readonly attrKey: K,
    /** The column this attribute renders as (a table column, or an alias's proxy). */
    readonly column: ColumnClause<unknown, string>,
    /** The class (or aliased entity) this attribute belongs to. */
    readonly entity: object,
  ) {
    super();
  }
  get type(): TypeEngine<unknown> {
    return this.column.type;
  }
  override get key(): string {
    return this.attrKey;
  }
  override get resultName(): string {
    return this.column.name;
  }
  override get anonBindBase(): string {
    return this.column.anonBindBase;
  }
  /** The table (or alias) the column belongs to. */
  get table(): FromClause | undefined {
    return this.column.table;
  }
  /** Documentation of the attribute: its column's `doc` (SQLAlchemy's `InstrumentedAttribute.__doc__`). */
  get doc(): string | undefined {
    return this._doc ?? (this.prop?.column ?? this.column.baseColumn as ColumnImpl).doc;
  }
  /** A synonym's own `doc`, shown instead of its target column's. @internal */
  _doc: string | undefined;
  /**
   * The mapped column's `info` record (SQLAlchemy's `QueryableAttribute.info`): the same object
   * as `User.__table__.c.name.info`, for the class and its aliases.
   */
  get info(): Record<string, unknown> {
    return (this.prop?.column ?? (this.column.baseColumn as ColumnImpl)).info;
  }
  /** The wrapped column: Core's FROM inference (`select(User.name)`) walks `element`. */
  get element(): ColumnClause<unknown, string> {
    return this.column;
  }
  override describe(): string {
    return `attribute '${entityNameOf(this.entity)}.${this.attrKey}'`;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return this.column._compile(c, kw);
  }
  _key(k: CacheKeyBuilder): void {
    this.column._key(k);
  }
}

/** A mapped column attribute. */
export class ColumnProperty {
  constructor(
    readonly key: string,
    readonly column: ColumnImpl,
    readonly deferred: boolean,
    readonly raiseload: boolean,
    readonly defaultFactory: (() => unknown) | undefined,
    /** The deferred group `undeferGroup()` loads it with (SQLAlchemy's `deferred_group`). */
    readonly group: string | undefined = undefined,
  ) {}
  /** Documentation of the attribute: its column's `doc` (SQLAlchemy's `ColumnProperty.doc`). */
  get doc(): string | undefined {
    return this.column.doc;
  }
  /** Application data: the column's `info` record. */
  get info(): Record<string, unknown> {
    return this.column.info;
  }
}

/** Direction of a relationship, named as in SQLAlchemy. */
export type RelationshipDirection = "ONETOMANY" | "MANYTOONE" | "MANYTOMANY";

/** Cascade settings of a relationship. */
export interface Cascade {
  readonly saveUpdate: boolean;
  readonly merge: boolean;
  readonly delete: boolean;
  readonly deleteOrphan: boolean;
  readonly refreshExpire: boolean;
  readonly expunge: boolean;
}
function parseCascade(spec: string | undefined, where: string): Cascade {
  const parts = (spec ?? "save-update, merge").split(",").map((s) => s.trim()).filter(Boolean);
  const set = new Set<string>();
  for (const p of parts) {
    if (p === "all") ["save-update", "merge", "refresh-expire", "expunge", "delete"].forEach((x) => set.add(x));
    else if (["save-update", "merge", "delete", "delete-orphan", "refresh-expire", "expunge", "none"].includes(p)) set.add(p);
    else throw new ArgumentError(`${where}: unknown cascade '${p}' (valid: save-update, merge, delete, delete-orphan, refresh-expire, expunge, all)`);
  }
  if (set.has("delete-orphan") && !set.has("delete")) {
    throw new ArgumentError(`${where}: cascade 'delete-orphan' requires 'delete' as well`);
  }
  return {
    saveUpdate: set.has("save-update"), merge: set.has("merge"), delete: set.has("delete"),
    deleteOrphan: set.has("delete-orphan"), refreshExpire: set.has("refresh-expire"), expunge: set.has("expunge"),
  };
}

/** A column pair: `local` on the parent side, `remote` on the target (or secondary) side. */
export type ColumnPair = readonly [local: ColumnImpl, remote: ColumnImpl];

/** A relationship between two mappers (SQLAlchemy's `RelationshipProperty`). */
export class RelationshipProperty {
  readonly options: RelationshipOptions;
  private _target?: Mapper;
  direction!: RelationshipDirection;
  uselist!: boolean;
  cascade!: Cascade;
  /** Pairs (parent column, child column) that the flush copies values across. */
  syncPairs!: ColumnPair[];
  private _clearPairs: ColumnPair[] | undefined;
  /**
   * The sync pairs a de-association sets to NULL on the referencing side (SQLAlchemy's
   * `synchronize_pairs` as `sync.clear()` uses them): {@link syncPairs} without a self-equated
   * column (`company_id = company_id`) that is not foreign, which `foreign()` on the other
   * columns leaves out ([ticket:3230]).
   */
  get clearPairs(): readonly ColumnPair[] {
    return this._clearPairs ?? this.syncPairs;
  }
  /** Many-to-many: (parent column, secondary column) and (target column, secondary column). */
  secondarySyncPairs: ColumnPair[] = [];
  private _localRemotePairs: readonly ColumnPair[] = [];
  private _remoteColumns: ReadonlySet<ColumnImpl> = new Set();
  /**
   * (local, remote) column pairs of the join condition (SQLAlchemy's `local_remote_pairs`): for
   * a many-to-many, the parent's and the target's columns each paired with the association
   * table column they meet.
   */
  get localRemotePairs(): readonly ColumnPair[] {
    return this.direction === "MANYTOMANY" ? [...this.secondarySyncPairs, ...this.targetSecondaryPairs] : this._localRemotePairs;
  }
  /** The remote columns of the join condition (SQLAlchemy's `remote_side`); the association table's for a many-to-many. */
  get remoteSide(): ReadonlySet<ColumnImpl> {
    return this.direction === "MANYTOMANY" ? new Set(this.localRemotePairs.map(([, r]) => r)) : this._remoteColumns;
  }
  /** The local columns of the join condition (SQLAlchemy's `local_columns`). */
  get localColumns(): ReadonlySet<ColumnImpl> {
    return new Set((this.direction === "MANYTOMANY" ? this.secondarySyncPairs : this._localRemotePairs).map(([l]) => l));
  }
  targetSecondaryPairs: ColumnPair[] = [];
  secondary: TableClause | undefined;
  /** Join condition between parent and target tables (or parent and secondary). */
  primaryjoin!: ColumnElement<unknown, string>;
  secondaryjoin: ColumnElement<unknown, string> | undefined;
  reverse: RelationshipProperty | undefined;
  constructor(readonly parent: Mapper, readonly key: string, readonly spec: RelationshipSpec<unknown>) {
    this.options = spec.options;
  }
  get lazy(): LazyStrategy {
    return this.options.lazy ?? "raise";
  }
  /** Documentation given as `doc` (SQLAlchemy's `RelationshipProperty.doc`). */
  get doc(): string | undefined {
    return this.options.doc;
  }
  /** Application data of the relationship: the same record as the class attribute's `info`. */
  get info(): Record<string, unknown> {
    return this.spec.info;
  }
  get viewonly(): boolean {
    return this.options.viewonly ?? false;
  }
  /** The target mapper. */
  get mapper(): Mapper {
    if (!this._target) this._target = this.resolveTarget();
    return this._target;
  }
  describe(): string {
    return `'${this.parent.className}.${this.key}'`;
  }
  /**
   * The target mapper, from the relationship's argument (SQLAlchemy's `_setup_entity` and the
   * class registry's name resolution).
   * @throws InvalidRequestError "When initializing mapper …, expression '() => X' failed to
   *   locate a name (…)" when the argument throws (a class used before its declaration ran);
   *   ArgumentError "relationship 'key' expects a class or a mapper argument" when it returns
   *   something other than a class; UnmappedClassError "Class 'X' is not mapped" for an unmapped class.
   */
  private resolveTarget(): Mapper {
    let cls: unknown;
    try {
      cls = this.spec.argument();
    } catch (e) {
      throw new InvalidRequestError(
        `When initializing mapper ${this.parent.describe()}, expression '${String(this.spec.argument)}' failed to locate a name (${e instanceof Error ? e.message : String(e)}). ` +
          `If this is a class name, consider adding this relationship() to the <class '${this.parent.className}'> class after both dependent classes have been defined.`,
      );
    }
    if (typeof cls !== "function") {
      const got = cls === null || typeof cls !== "object" ? String(cls) : `${classNameOf((cls as object).constructor)} object`;
      throw new ArgumentError(`relationship '${this.key}' expects a class or a mapper argument (received: ${got})`);
    }
    const m = mapperOf(cls);
    if (!m) throw new UnmappedClassError(`Class '${classNameOf(cls)}' is not mapped; it is the target of relationship ${this.describe()}`);
    return m;
  }
  /**
   * The `backPopulates` key, a callable's result resolved (a relationship attribute gives its key).
   * @throws ArgumentError for anything but a string or a relationship attribute (SQLAlchemy's
   *   "Invalid back_populates value").
   * @internal
   */
  backPopulatesKey(): string | undefined {
    const opt: unknown = this.options.backPopulates;
    const v: unknown = typeof opt === "function" ? (opt as () => unknown)() : opt;
    if (v === undefined || typeof v === "string") return v;
    if (v instanceof RelationshipSpec) return v.key;
    const shown = typeof v === "object" && v !== null ? `<${(v as object).constructor?.name ?? "object"} object>` : String(v);
    throw new ArgumentError(`Invalid back_populates value: ${shown}`);
  }
  /** `Parent.key`, as SQLAlchemy names a relationship in its configuration errors. */
  get qualifiedName(): string {
    return `${this.parent.className}.${this.key}`;
  }
  /**
   * Whether the primaryjoin holds comparisons other than ANDed key equalities (`>`, OR, a
   * column compared twice): a viewonly relationship a selectin load reaches through the parent
   * row, keyed by the parent's primary key (SQLAlchemy's non-omit-join SelectInLoader). @internal
   */
  nonSimpleJoin = false;
  /** A many-to-one joined on exactly its foreign key to the target's primary key (SQLAlchemy's `use_get`). @internal */
  useGet = false;
  /**
   * Resolve direction, join condition and sync pairs from foreign keys, following SQLAlchemy's
   * `JoinCondition`: errors name the relationship (`Parent.key`) with SQLAlchemy's messages.
   * @throws NoForeignKeysError when no foreign key links the tables and no primaryjoin is given.
   * @throws AmbiguousForeignKeysError when several do and `foreignKeys` does not pick one.
   * @throws ArgumentError when the join condition has no usable foreign key columns, no
   *   equality (outside viewonly), no local/remote pairs, or an ambiguous direction.
   * @internal
   */
  setup(): void {
    const where = `relationship ${this.describe()}`;
    const name = this.qualifiedName;
    const target = this.mapper;
    this.cascade = parseCascade(this.options.cascade, where);
    if (this.options.syncBackref === true && this.viewonly) throw new ArgumentError("sync_backref and viewonly cannot both be True");
    const fkCols = this.options.foreignKeys ? new Set(this.options.foreignKeys().map(baseOf)) : undefined;
    const sec = this.options.secondary;
    if (sec) {
      this.secondary = typeof sec === "function" ? sec() : sec;
      checkSecondary(this.secondary, name);
      this.direction = "MANYTOMANY";
      const infer = (side: TableClause): ColumnElement<unknown, string> => {
        const found = inferRelationshipJoin(side, this.secondary!, fkCols);
        if (found.kind === "found") return found.condition;
        throw joinError(found.kind, name, this.secondary!.describeName());
      };
      const pjAnn = this.options.primaryjoin ? readJoinAnnotations(asCondition(this.options.primaryjoin(), where)) : undefined;
      const sjAnn = this.options.secondaryjoin ? readJoinAnnotations(asCondition(this.options.secondaryjoin(), where)) : undefined;
      const pj = pjAnn?.condition ?? infer(this.parent.table);
      const sj = sjAnn?.condition ?? infer(target.table);
      this.primaryjoin = pj;
      this.secondaryjoin = sj;
      // foreign() marks in either condition replace foreignKeys (SQLAlchemy's _annotate_fks).
      const marked = new Set([...(pjAnn?.foreign ?? []), ...(sjAnn?.foreign ?? [])]);
      const foreignCols = marked.size ? marked : fkCols;
      this.checkSecondaryForeignCols(pj, "primary", foreignCols, name);
      this.checkSecondaryForeignCols(sj, "secondary", foreignCols, name);
      this.secondarySyncPairs = pairsFrom(pj, this.parent.table, this.secondary, where);
      this.targetSecondaryPairs = pairsFrom(sj, target.table, this.secondary, where);
      this.syncPairs = [];
      this.uselist = this.options.uselist ?? true;
    } else {
      const selfRef = target.table === this.parent.table;
      let pj: ColumnElement<unknown, string>;
      let ann: JoinAnnotations | undefined;
      if (this.options.primaryjoin) {
        ann = readJoinAnnotations(asCondition(this.options.primaryjoin(), where));
        pj = ann.condition;
      } else {
        const found = inferRelationshipJoin(this.parent.table, target.table, fkCols);
        if (found.kind !== "found") throw joinError(found.kind, name, undefined);
        pj = found.condition;
      }
      this.primaryjoin = pj;
      // remote() / foreign() marks, when present, replace remoteSide / foreignKeys (SQLAlchemy's
      // _annotate_remote and _annotate_fks consult the arguments only without annotations).
      const remoteSide = ann?.remote.size ? ann.remote : this.options.remoteSide ? new Set(toList(this.options.remoteSide()).map(baseOf)) : undefined;
      const marks = { remote: (ann?.remote.size ?? 0) > 0, foreign: (ann?.foreign.size ?? 0) > 0 };
      this.resolveDirection(pj, ann?.annotated ?? pj, marks, selfRef, marks.foreign ? ann!.foreign : fkCols, remoteSide, name);
      // A self-referential join's remote() marks tell its two rows apart: joins adapt by them.
      this.markedPrimaryjoin = selfRef && marks.remote ? ann!.annotated : undefined;
      this.uselist = this.options.uselist ?? this.direction === "ONETOMANY";
    }
    if (this.viewonly && this.options.cascade !== undefined) {
      const writes = (["saveUpdate", "delete", "deleteOrphan", "merge"] as const).filter((k) => this.cascade[k]);
      if (writes.length) {
        throw new ArgumentError(`${where}: cascade '${this.options.cascade}' writes through the relationship, which viewonly: true forbids; remove cascade or viewonly`);
      }
    }
    if (this.viewonly) {
      // A read-only relationship never cascades (SQLAlchemy: viewonly implies cascade=()).
      this.cascade = { saveUpdate: false, merge: false, delete: false, deleteOrphan: false, refreshExpire: false, expunge: false };
    }
    if (this.options.passiveDeletes === "all" && (this.cascade.delete || this.cascade.deleteOrphan)) {
      throw new ArgumentError(`On ${this.parent.className}.${this.key}, can't set passive_deletes='all' in conjunction with 'delete' or 'delete-orphan' cascade`);
    }
    if (this.cascade.deleteOrphan && !this.options.singleParent && this.direction !== "ONETOMANY") {
      const cls = this.parent.className;
      throw new ArgumentError(
        `For ${this.direction === "MANYTOONE" ? "many-to-one" : "many-to-many"} relationship ${name}, delete-orphan cascade is normally configured only on the "one" side of a one-to-many relationship, and not on the "many" side of a many-to-one or many-to-many relationship.  To force this relationship to allow a particular "${this.mapper.className}" object to be referenced by only a single "${cls}" object at a time via the ${name} relationship, which would allow delete-orphan cascade to take place in this direction, set the single_parent=True flag.`,
      );
    }
    if (this.options.postUpdate && this.direction === "MANYTOMANY") {
      throw new ArgumentError(`${where}: postUpdate applies to one-to-many and many-to-one relationships, not many-to-many`);
    }
  }
  /**
   * A many-to-many join condition must reach the association table through a foreign column
   * (SQLAlchemy's `_check_foreign_cols`): one equality with it, or for viewonly any comparison.
   * Without `foreignKeys` the association table's columns compared with others are the foreign ones.
   */
  private checkSecondaryForeignCols(cond: ColumnElement<unknown, string>, which: "primary" | "secondary", fkCols: ReadonlySet<ColumnImpl> | undefined, name: string): void {
    const sec = this.secondary!;
    let hasForeign = false;
    let canSync = false;
    for (const { left, right, operator } of columnComparisons(cond)) {
      const lf = fkCols ? fkCols.has(left) : left.table === sec && right.table !== sec;
      const rf = fkCols ? fkCols.has(right) : right.table === sec && left.table !== sec;
      if (!lf && !rf) continue;
      hasForeign = true;
      if (operator === "eq") canSync = true;
    }
    if (this.viewonly ? hasForeign : canSync) return;
    const annotate = "Ensure that referencing columns are associated with a ForeignKey or ForeignKeyConstraint, or are annotated in the join condition with the foreign() annotation.";
    if (!this.viewonly && hasForeign) {
      throw new ArgumentError(
        `Could not locate any simple equality expressions involving locally mapped foreign key columns for ${which} join condition '${cond.toString()}' on relationship ${name}.  ${annotate} To allow comparison operators other than '==', the relationship can be marked as viewonly=True.`,
      );
    }
    throw new ArgumentError(`Could not locate any relevant foreign key columns for ${which} join condition '${cond.toString()}' on relationship ${name}.  ${annotate}`);
  }
  /** SQLAlchemy's `_annotate_fks` / `_annotate_remote` / `_setup_pairs` / `_determine_direction` for a relationship without secondary. */
  private resolveDirection(
    pj: ColumnElement<unknown, string>,
    annotated: ColumnElement<unknown, string>,
    marks: ColumnMarks,
    selfRef: boolean,
    fkCols: ReadonlySet<ColumnImpl> | undefined,
    remoteSide: ReadonlySet<ColumnImpl> | undefined,
    name: string,
  ): void {
    const parentT = this.parent.table;
    const targetT = this.mapper.table;
    // Compared on the marked condition: each occurrence of a column knows its marks.
    const comps = columnComparisons(annotated);
    const mapped = (c: ColumnImpl): boolean => c.table === parentT || c.table === targetT;
    const foreign = new Set<ColumnImpl>();
    for (const { left, right } of comps) {
      if (fkCols) {
        if (fkCols.has(left)) foreign.add(left);
        if (fkCols.has(right)) foreign.add(right);
      } else if (references(left, right)) foreign.add(left);
      else if (references(right, left)) foreign.add(right);
    }
    const pjText = pj.toString();
    const annotate = "Ensure that referencing columns are associated with a ForeignKey or ForeignKeyConstraint, or are annotated in the join condition with the foreign() annotation.";
    if (foreign.size === 0) {
      throw new ArgumentError(`Could not locate any relevant foreign key columns for primary join condition '${pjText}' on relationship ${name}.  ${annotate}`);
    }
    // Remote columns: remoteSide, else the foreign ones of a self-referential join (one-to-many
    // by default), else the target table's.
    const isRemote = (c: ColumnImpl): boolean => (remoteSide ? remoteSide.has(c) : selfRef ? foreign.has(c) : c.table === targetT);
    // With marks, an occurrence is remote / foreign when marked so (SQLAlchemy annotates
    // occurrences, not columns): `path LIKE remote(foreign(path || '%'))` compares two rows.
    const occRemote = (c: ColumnImpl, m: ColumnMarks | undefined): boolean => (marks.remote ? m?.remote === true : isRemote(c));
    const occForeign = (c: ColumnImpl, m: ColumnMarks | undefined): boolean => (marks.foreign ? m?.foreign === true : foreign.has(c));
    const lrp: ColumnPair[] = [];
    const sync: ColumnPair[] = [];
    const selfEquated = new Set<ColumnImpl>();
    // Foreign occurrences on the remote side (one-to-many evidence) and on the local side (many-to-one).
    const remoteForeign = new Set<ColumnImpl>();
    const localForeign = new Set<ColumnImpl>();
    let positional = false;
    let simple = true;
    let lrpEqualities = true;
    for (const { left, right, operator, underOr, viaExpression, leftMarks, rightMarks } of comps) {
      const lr = occRemote(left, leftMarks);
      const rr = occRemote(right, rightMarks);
      if (occForeign(left, leftMarks)) (lr ? remoteForeign : localForeign).add(left);
      if (occForeign(right, rightMarks)) (rr ? remoteForeign : localForeign).add(right);
      if (left === right) {
        // `company_id = company_id` in a self-referential composite key: local and remote at
        // once; the other columns give the direction (SQLAlchemy's self-equated columns).
        if (selfRef) {
          selfEquated.add(left);
          if (marks.remote && lr !== rr) {
            // One occurrence marked remote: a genuine pair of two rows' values.
            positional = true;
            if (viaExpression) simple = false;
            if (operator !== "eq" || underOr) lrpEqualities = false;
            if (!lrp.some(([l, r]) => l === left && r === left)) lrp.push([left, left]);
            if (operator === "eq") sync.push([left, left]);
          } else {
            lrp.push([left, left]);
            sync.push([left, left]);
          }
        }
        continue;
      }
      // A pair found inside an expression (`t1.id = foreign(lower(t2.t1id))`) cannot key a
      // load by value: loads go through the whole condition.
      if (viaExpression) simple = false;
      let pair: ColumnPair | undefined;
      if (rr && !lr && mapped(left)) pair = [left, right];
      else if (lr && !rr && mapped(right)) pair = [right, left];
      if (!pair) continue;
      const pairForeign = occForeign(left, leftMarks) || occForeign(right, rightMarks);
      if (!lrp.some(([l, r]) => l === pair[0] && r === pair[1])) lrp.push(pair);
      if (operator !== "eq" || underOr) lrpEqualities = false;
      if (operator === "eq" && mapped(pair[0]) && mapped(pair[1]) && pairForeign) {
        sync.push(pair);
        // A key equality under OR holds for some joined rows only: no load can key on it.
        if (underOr) simple = false;
      }
    }
    if (sync.length === 0 && !this.viewonly) {
      throw new ArgumentError(
        `Could not locate any simple equality expressions involving locally mapped foreign key columns for primary join condition '${pjText}' on relationship ${name}.  ${annotate} To allow comparison operators other than '==', the relationship can be marked as viewonly=True.`,
      );
    }
    const inTable = (t: TableClause) => [...foreign].filter((c) => c.table === t);
    const o2mFk = selfRef ? [...foreign] : inTable(targetT);
    const m2oFk = selfRef ? [...foreign] : inTable(parentT);
    let dir: RelationshipDirection;
    if (o2mFk.length && m2oFk.length) {
      let o2mLocal = [...remoteForeign];
      let m2oLocal = [...localForeign];
      if (o2mLocal.length && m2oLocal.length) {
        o2mLocal = o2mLocal.filter((c) => !selfEquated.has(c));
        m2oLocal = m2oLocal.filter((c) => !selfEquated.has(c));
      }
      if (o2mLocal.length && !m2oLocal.length) dir = "ONETOMANY";
      else if (m2oLocal.length && !o2mLocal.length) dir = "MANYTOONE";
      else {
        throw new ArgumentError(
          `Can't determine relationship direction for relationship '${name}' - foreign key columns within the join condition are present in both the parent and the child's mapped tables.  Ensure that only those columns referring to a parent column are marked as foreign, either via the foreign() annotation or via the foreign_keys argument.`,
        );
      }
    } else if (o2mFk.length) dir = "ONETOMANY";
    else if (m2oFk.length) dir = "MANYTOONE";
    else {
      throw new ArgumentError(`Can't determine relationship direction for relationship '${name}' - foreign key columns are present in neither the parent nor the child's mapped tables`);
    }
    if (lrp.length === 0 || (!positional && lrp.every(([l, r]) => l === r))) {
      throw new ArgumentError(
        `Relationship ${name} could not determine any unambiguous local/remote column pairs based on join condition and remote_side arguments.  Consider using the remote() annotation to accurately mark those elements of the join condition that are on the remote side of the relationship.`,
      );
    }
    this.direction = dir;
    // A column compared twice on the remote side (`bars.id = foos.bid1 OR bars.id = foos.bid2`)
    // cannot key a load by value.
    if (new Set(sync.map(([, r]) => r)).size < sync.length || new Set(sync.map(([l]) => l)).size < sync.length) simple = false;
    // Without key equalities the local/remote pairs key the load, which they can only when
    // they are ANDed equalities themselves (`t1.id = t2.t1id AND …`, not `foos.id > bars.fid`).
    if (sync.length === 0 && !lrpEqualities) simple = false;
    this.nonSimpleJoin = !simple;
    // syncPairs are (parent column, target column); a viewonly join without equalities keeps
    // its local/remote pairs, which the loaders key on.
    this.syncPairs = sync.length ? sync : lrp;
    // A self-equated column that is not foreign (foreign() marks only the others) keys loads
    // but is never blanked by a de-association (SQLAlchemy leaves it out of synchronize_pairs).
    this._clearPairs = this.syncPairs.filter(([l, r]) => l !== r || foreign.has(l));
    this._localRemotePairs = lrp;
    this.warnLocalRemotes(lrp);
    // A many-to-one whose join is exactly its foreign key to the target's primary key can be
    // answered from the identity map (SQLAlchemy's LazyLoader.use_get).
    const terms = pj instanceof BinaryExpression ? 1 : pj instanceof BooleanClauseList && pj.operator === "and" ? pj.clauses.length : -1;
    const pk = this.mapper.pkProps.map((p) => p.column);
    this.useGet = dir === "MANYTOONE" && simple && terms === comps.length && sync.length === pk.length && pk.every((c) => sync.some(([, r]) => r === c));
    this._remoteColumns = new Set(lrp.map(([, r]) => r));
  }
  /**
   * A remote column of the parent's own table, not part of the target's tables, was marked
   * remote (by `remote()` or `remoteSide`) where no self-reference needs it: SQLAlchemy's
   * `_check_remote_side` warning.
   */
  private warnLocalRemotes(lrp: readonly ColumnPair[]): void {
    const targetTables = new Set<unknown>();
    for (let m: Mapper | undefined = this.mapper; m; m = m.inherits) targetTables.add(m.table);
    const parentTables = new Set<unknown>();
    for (let m: Mapper | undefined = this.parent; m; m = m.inherits) parentTables.add(m.table);
    for (const [, rmt] of lrp) {
      if (!parentTables.has(rmt.table) || targetTables.has(rmt.table)) continue;
      warn(
        `Expression ${(rmt.table as TableClause).describeName()}.${rmt.name} is marked as 'remote', but these column(s) are local to the local side.  The remote() annotation is needed only for a self-referential relationship where both sides of the relationship refer to the same tables.`,
      );
    }
  }
  /**
   * The save-update cascade met `st` through this relationship: it must be an instance of the
   * target class or a subclass (SQLAlchemy's check in `cascade_iterator`).
   * @throws InvalidRequestError naming the attribute, its class and the offending class.
   * @internal
   */
  checkCascadeType(st: InstanceState): void {
    if (st.mapper !== this.mapper && !st.mapper.isA(this.mapper)) {
      throw new InvalidRequestError(`Attribute '${this.key}' on class '${this.parent.className}' doesn't handle objects of type '${st.mapper.className}'`);
    }
  }
  /**
   * A flush found `st` in this relationship: it must be an instance of the target class or a
   * subclass (SQLAlchemy's `DependencyProcessor._verify_canload`).
   * @throws FlushError naming the relationship and both classes.
   * @internal
   */
  checkFlushType(st: InstanceState): void {
    if (st.mapper !== this.mapper && !st.mapper.isA(this.mapper)) {
      throw new FlushError(
        `Attempting to flush an item of type <class '${st.mapper.className}'> as a member of collection "${this.qualifiedName}". Expected an object of type <class '${this.mapper.className}'> or a polymorphic subclass of this type.`,
      );
    }
  }
  /**
   * A self-referential primaryjoin as given, with its `remote()` marks: which occurrences of a
   * column are the target row's. @internal
   */
  markedPrimaryjoin: ColumnElement<unknown, string> | undefined;
  /** The join condition oriented from the parent (or its alias) to the target (or its alias). */
  joinCondition(parentFrom: FromClause, targetFrom: FromClause): ColumnElement<boolean> {
    if (this.direction === "MANYTOMANY") throw new InvalidRequestError("use joinConditions() for many-to-many");
    if (this.markedPrimaryjoin !== undefined) {
      if (parentFrom === this.parent.table && targetFrom === this.mapper.table) return this.primaryjoin as ColumnElement<boolean>;
      return adaptMarked(this.markedPrimaryjoin, this.parent.table, parentFrom, targetFrom) as ColumnElement<boolean>;
    }
    return adaptCondition(this.primaryjoin, this.parent.table, parentFrom, this.mapper.table, targetFrom, this.parent.table === this.mapper.table ? this : undefined) as ColumnElement<boolean>;
  }
}

function toList<T>(x: T | readonly T[]): readonly T[] {
  return Array.isArray(x) ? (x as readonly T[]) : [x as T];
}
function baseOf(c: ColumnElement<unknown, string>): ColumnImpl {
  const col = c instanceof InstrumentedAttribute ? c.column : c;
  const base = col instanceof ColumnClause ? col.baseColumn : col;
  if (!(base instanceof ColumnImpl)) throw new ArgumentError(`${c.describe()} is not a table column`);
  return base;
}
function asCondition(c: ClauseElement, where: string): ColumnElement<unknown, string> {
  if (!(c instanceof ColumnElement)) throw new ArgumentError(`${where}: primaryjoin must be a SQL expression`);
  return c;
}
/** (a, b) column pairs of the `a = b` terms of a condition. */
function equalities(c: ClauseElement): [ColumnImpl, ColumnImpl][] {
  const out: [ColumnImpl, ColumnImpl][] = [];
  const visit = (e: ClauseElement) => {
    if (e instanceof BinaryExpression && e.operator === "eq") {
      const l = e.left instanceof InstrumentedAttribute ? e.left.column : e.left;
      const r = e.right instanceof InstrumentedAttribute ? e.right.column : e.right;
      if (l instanceof ColumnClause && r instanceof ColumnClause) {
        const a = l.baseColumn;
        const b = r.baseColumn;
        if (a instanceof ColumnImpl && b instanceof ColumnImpl) out.push([a, b]);
      }
      return;
    }
    const clauses = (e as { clauses?: readonly ClauseElement[] }).clauses;
    if (clauses) clauses.forEach(visit);
    const el = (e as { element?: ClauseElement }).element;
    if (el instanceof ClauseElement) visit(el);
  };
  visit(c);
  return out;
}
function pairsFrom(cond: ClauseElement, side: TableClause, secondary: TableClause, where: string): ColumnPair[] {
  return equalities(cond).map(([a, b]) => {
    if (a.table === side && b.table === secondary) return [a, b] as const;
    if (b.table === side && a.table === secondary) return [b, a] as const;
    throw new ArgumentError(`${where}: join condition ${a.describe()} = ${b.describe()} does not link '${side.describeName()}' to the secondary table`);
  });
}
/**
 * The error for a relationship whose join could not be inferred, in SQLAlchemy's words
 * (`JoinCondition._determine_joins`), naming the relationship and any secondary table.
 */
function joinError(kind: "none" | "ambiguous", name: string, secondary: string | undefined): ArgumentError {
  const head = `Could not determine join condition between parent/child tables on relationship ${name} - `;
  if (kind === "none") {
    return secondary !== undefined
      ? new NoForeignKeysError(`${head}there are no foreign keys linking these tables via secondary table '${secondary}'.  Ensure that referencing columns are associated with a ForeignKey or ForeignKeyConstraint, or specify 'primaryjoin' and 'secondaryjoin' expressions`)
      : new NoForeignKeysError(`${head}there are no foreign keys linking these tables.  Ensure that referencing columns are associated with a ForeignKey or ForeignKeyConstraint, or specify a 'primaryjoin' expression.`);
  }
  return secondary !== undefined
    ? new AmbiguousForeignKeysError(`${head}there are multiple foreign key paths linking the tables via secondary table '${secondary}'.  Specify the 'foreign_keys' argument, providing a list of those columns which should be counted as containing a foreign key reference from the secondary table to each of the parent and child tables.`)
    : new AmbiguousForeignKeysError(`${head}there are multiple foreign key paths linking the tables.  Specify the 'foreign_keys' argument, providing a list of those columns which should be counted as containing a foreign key reference to the parent table.`);
}
/** `secondary` must be a table, not a mapped class (SQLAlchemy's check in `_process_dependent_arguments`). */
function checkSecondary(secondary: unknown, name: string): asserts secondary is TableClause {
  if (secondary instanceof TableClause) return;
  const shown = typeof secondary === "function" ? `<class ${(secondary as { name?: string }).name ?? "?"}>` : String(secondary);
  throw new ArgumentError(
    `secondary argument ${shown} passed to to relationship() ${name} must be a Table object or other FROM clause; can't send a mapped class directly as rows in 'secondary' are persisted independently of a class that is mapped to that same table.`,
  );
}

/**
 * The column of `from` standing for `col`: Core's `correspondingColumn()`, also following a
 * subquery column back through the ORM attribute it was selected as (`select(User.id)
 * .subquery()` exports a proxy of `User.id`, whose table column is `users.id`). @internal
 */
export function correspondingIn(from: FromClause, col: ColumnElement<unknown, string>): ColumnClause<unknown, string> | undefined {
  const direct = from.correspondingColumn(col);
  if (direct !== undefined) return direct;
  const base = lineageBase(col);
  return from.columnList.find((c) => lineageBase(c) === base);
}
function lineageBase(c: ColumnElement<unknown, string>): ColumnElement<unknown, string> {
  let x = c;
  for (;;) {
    if (x instanceof InstrumentedAttribute) x = x.column;
    else if (x instanceof ColumnClause && x.proxyOf) x = x.proxyOf;
    else return x;
  }
}

/**
 * Rewrite a join condition from table columns to the columns of the given FROMs (aliases).
 * For self-referential relationships, `rel` decides which side of each pair is the parent.
 */
export function adaptCondition(
  cond: ClauseElement,
  parentTable: TableClause,
  parentFrom: FromClause,
  targetTable: TableClause,
  targetFrom: FromClause,
  rel: RelationshipProperty | undefined,
): ClauseElement {
  if (parentFrom === parentTable && targetFrom === targetTable) return cond;
  const mapCol = (c: ClauseElement, isParentSide: boolean): ClauseElement => {
    const col = c instanceof InstrumentedAttribute ? c.column : c;
    if (!(col instanceof ColumnClause)) return c;
    const base = col.baseColumn as ColumnClause<unknown, string>;
    if (base.table === parentTable && (parentTable !== targetTable || isParentSide)) return correspondingIn(parentFrom, base) ?? c;
    if (base.table === targetTable) return correspondingIn(targetFrom, base) ?? c;
    return c;
  };
  const pairs = equalities(cond);
  if (parentTable !== targetTable && !(pairs.length && pairs.length === countEqualities(cond))) {
    // Parts beyond the key equalities (`Address.email.like(…)`, `Address.id.gt(User.minId)`):
    // each column belongs to exactly one side, so the whole condition adapts column by column.
    return adaptExpression(cond, (c) => {
      const base = c.baseColumn;
      if (!(base instanceof ColumnClause)) return undefined;
      if (base.table === parentTable) return parentFrom === parentTable ? undefined : correspondingIn(parentFrom, base);
      if (base.table === targetTable) return targetFrom === targetTable ? undefined : correspondingIn(targetFrom, base);
      return undefined;
    });
  }
  if (pairs.length && pairs.length === countEqualities(cond)) {
    const parts = pairs.map(([a, b]) => {
      let aParent = a.table === parentTable;
      if (rel) {
        // Self-referential: the parent side is the column in each sync pair's "local" slot.
        aParent = rel.syncPairs.some(([local]) => local === a);
        // `company_id = company_id`: SQLAlchemy marks the left one remote (the target's).
        if (a === b) aParent = false;
      }
      const l = mapCol(a, aParent) as ColumnElement<unknown, string>;
      const r = mapCol(b, !aParent) as ColumnElement<unknown, string>;
      return l.eq(r);
    });
    return parts.length === 1 ? parts[0] : and(...parts);
  }
  throw new InvalidRequestError("A self-referential join condition can be aliased only when it is made of column equalities: with other parts the side of each column is ambiguous; load it with an explicit aliased() join");
}
function countEqualities(c: ClauseElement): number {
  if (c instanceof BinaryExpression) return c.operator === "eq" ? 1 : 1000;
  // Equalities under OR are not a key: the condition must adapt as a whole.
  if (c instanceof BooleanClauseList && c.operator === "or") return 1000;
  const clauses = (c as { clauses?: readonly ClauseElement[] }).clauses;
  if (clauses) return clauses.reduce((n, x) => n + countEqualities(x), 0);
  return 1000;
}

/**
 * Mapper events (SQLAlchemy's `MapperEvents`), listened on the model class:
 * `event.listen(User, "beforeInsert", (mapper, connection, target) => …)`. They run inside the
 * flush, on the flush's connection, once per object, and may be async (the flush awaits them).
 * Column values a `beforeInsert` listener assigns on `target` are part of the INSERT written for
 * it. A listener on a class hears only objects of that exact class unless
 * registered with `{ propagate: true }`, which extends it to every subclass, mapped before or
 * after the listener (SQLAlchemy's `propagate=True`); `mapper` is then the object's own mapper.
 */
export type MapperEvents = {
  /**
   * An instance was built from a row a session loaded, its column attributes populated, before
   * its eager-loaded relationships are (SQLAlchemy's `InstanceEvents.load`); also an instance
   * merge() made. Not fired for rows of objects already in the session. Synchronous: a listener
   * returning a Promise raises InvalidRequestError.
   */
  load(target: object, context: MapperLoadContext): void;
  /**
   * `new Model(args)` is running (SQLAlchemy's `InstanceEvents.init`): the object has its state,
   * nothing of `args` is applied yet; the listener may change `args` (a fresh object when the
   * constructor got none), and the constructor applies what it then holds. Not fired for objects
   * a load or merge() builds. Synchronous.
   */
  init(target: object, args: Record<string, unknown>): void;
  /**
   * `new Model(args)` threw while applying `args` (SQLAlchemy's `InstanceEvents.init_failure`);
   * the error is raised again after the listeners ran. An exception thrown by a subclass's own
   * constructor body after `super(args)` returned is outside the mapped constructor and not seen.
   */
  initFailure(target: object, args: Record<string, unknown>, error: unknown): void;
  /**
   * A load wrote row values into an object already in the session (SQLAlchemy's
   * `InstanceEvents.refresh`): `attrs` are the previously expired or unloaded attributes the row
   * filled (once per object per load), or null when the object was overwritten as a whole
   * (`populateExisting`, `session.refresh(obj)`); `session.refresh(obj, names)` gives `names`.
   */
  refresh(target: object, context: MapperLoadContext, attrs: ReadonlySet<string> | null): void;
  /**
   * A flush wrote values the database or the column defaults produced into an object after its
   * INSERT or UPDATE (SQLAlchemy's `InstanceEvents.refresh_flush`): `attrs` are those attributes
   * (RETURNING-fetched columns, scalar column defaults, onupdate values, the version counter;
   * never the primary key of an INSERT). Not fired when there are none.
   */
  refreshFlush(target: object, context: MapperLoadContext, attrs: readonly string[]): void;
  /**
   * Attributes of an object were expired (SQLAlchemy's `InstanceEvents.expire`): `attrs` the
   * names given to `session.expire(obj, names)` / `refresh(obj, names)`, or null when the whole
   * object was (`expire(obj)`, `expireAll()`, commit and rollback expiry).
   */
  expire(target: object, attrs: readonly string[] | null): void;
  beforeInsert(mapper: Mapper, connection: unknown, target: object): void | Promise<void>;
  afterInsert(mapper: Mapper, connection: unknown, target: object): void | Promise<void>;
  beforeUpdate(mapper: Mapper, connection: unknown, target: object): void | Promise<void>;
  afterUpdate(mapper: Mapper, connection: unknown, target: object): void | Promise<void>;
  beforeDelete(mapper: Mapper, connection: unknown, target: object): void | Promise<void>;
  afterDelete(mapper: Mapper, connection: unknown, target: object): void | Promise<void>;
};
/** What `load` listeners receive with the instance (in place of SQLAlchemy's `QueryContext`). */
export interface MapperLoadContext {
  /** The AsyncSession that loaded (or merged) the instance. */
  readonly session: object;
  /**
   * "load" for a row, "merge" for an instance made by merge() (SQLAlchemy passes no context then),
   * "refresh" for `session.refresh()`, "flush" for `refreshFlush`.
   */
  readonly origin: "load" | "merge" | "refresh" | "flush";
}

/** Instance events whose listeners are counted across all mappers (see {@link instanceEventListened}). */
type CountedEvent = "load" | "init" | "initFailure" | "refresh" | "expire";
const COUNTED: ReadonlySet<string> = new Set<CountedEvent>(["load", "init", "initFailure", "refresh", "expire"]);
/** Listeners registered on any mapper per counted event (an upper bound): without any, hot paths skip the event. */
const listenerCounts: Record<CountedEvent, number> = { load: 0, init: 0, initFailure: 0, refresh: 0, expire: 0 };
/** Whether some mapper may have `load` listeners (sessions then watch the objects they load). @internal */
export function mapperLoadListened(): boolean {
  return listenerCounts.load > 0;
}
/**
 * Whether some mapper may have listeners for `name`: the one check the constructor, the loader
 * and expiry make before looking at a mapper's dispatcher. @internal
 */
export function instanceEventListened(name: CountedEvent): boolean {
  return listenerCounts[name] > 0;
}
/** A mapper's dispatcher, counting instance-event listeners so per-object paths can skip them when none exist. */
class MapperDispatcher extends Dispatcher<MapperEvents> {
  override listen<K extends keyof MapperEvents & string>(name: K, fn: MapperEvents[K], options?: ListenOptions): void {
    const known = COUNTED.has(name) && this.contains(name, fn);
    super.listen(name, fn, options);
    if (COUNTED.has(name) && !known) listenerCounts[name as CountedEvent]++;
  }
  override remove<K extends keyof MapperEvents & string>(name: K, fn: MapperEvents[K]): void {
    super.remove(name, fn);
    if (COUNTED.has(name)) listenerCounts[name as CountedEvent]--;
  }
}

const mapperEventSpecs = Object.freeze({
  load: {}, init: {}, initFailure: {}, refresh: {}, refreshFlush: {}, expire: {},
  beforeInsert: {}, afterInsert: {}, beforeUpdate: {}, afterUpdate: {}, beforeDelete: {}, afterDelete: {},
}) as unknown as EventSpecs<MapperEvents>;

let mapperSeq = 0;

/** The registry of mapped classes sharing one MetaData (SQLAlchemy's `registry`). */
export interface RegistryLike {
  configure(): void;
  mapSubclass(cls: MappedClass, base: Mapper): Mapper;
}

/** Maps one class onto one table. */
export class Mapper {
  readonly id = ++mapperSeq;
  readonly columnProps: ColumnProperty[] = [];
  readonly columnPropsByKey = new Map<string, ColumnProperty>();
  readonly propByColumn = new Map<ColumnImpl, ColumnProperty>();
  readonly relationships = new Map<string, RelationshipProperty>();
  readonly attributes = new Map<string, InstrumentedAttribute>();
  versionProp: ColumnProperty | undefined;
  /**
   * When the flush fetches values the database generates (SQLAlchemy's `eager_defaults`):
   * `"auto"` (the default) fetches server defaults, identity and computed values of an INSERT
   * with its RETURNING and expires what an UPDATE makes the database generate
   * (`serverOnupdate`, computed columns, SQL-expression `onupdate`); `true` fetches those with
   * the UPDATE's RETURNING too; `false` fetches only the primary key of an INSERT and expires the
   * rest. An expired attribute raises until `session.refresh()` loads it.
   */
  eagerDefaults: boolean | "auto" = "auto";
  configured = false;
  /** Primary key properties in table order. */
  pkProps: ColumnProperty[] = [];
  /** SQL expression attributes (`columnProperty()`, `queryExpression()`) by key. */
  readonly expressionProps = new Map<string, ColumnExpressionProperty>();
  /** Synonyms by key (SQLAlchemy's `Mapper.synonyms`). */
  readonly synonyms = new Map<string, SynonymProperty>();
  /** Mapper event listeners (`event.listen(User, "beforeInsert", …)`). */
  readonly dispatch: Dispatcher<MapperEvents> = new MapperDispatcher(mapperEventSpecs, {
    targetName: "Mapper",
    // Read at each firing: the base is known only once the subclass is mapped.
    propagateFrom: () => this.inherits?.dispatch,
  });

  // ---- inheritance (SQLAlchemy's `inherits`, `polymorphic_on`, `polymorphic_identity`) --------
  /** The mapper this one inherits from (single-table or joined-table inheritance). */
  inherits: Mapper | undefined;
  /** Mappers that inherit directly from this one. */
  readonly subMappers: Mapper[] = [];
  /** Discriminator column property (set on the base mapper, shared by the hierarchy). */
  polymorphicOn: ColumnProperty | undefined;
  /** Discriminator value identifying rows of this class. */
  polymorphicIdentity: unknown = undefined;
  /** What `new Model(init)` needs of this mapper, built on first construction (declarative.ts). @internal */
  constructionPlan: unknown = undefined;
  /** Whether an unversioned flush DELETE that matched fewer rows than it named warns (`confirm_deleted_rows`). */
  confirmDeletedRows = true;
  /** Discriminator value → mapper, on the base mapper. */
  readonly polymorphicMap = new Map<unknown, Mapper>();
  /** Joined-table inheritance: this table's primary key columns and the inherited properties they copy. */
  inheritPkPairs: (readonly [ColumnImpl, ColumnProperty])[] = [];
  /** Mapper id used for identity keys: the base mapper's, so a row has one identity in a hierarchy. @internal */
  identityId: number = this.id;

  /** The root of the inheritance hierarchy (this mapper when it inherits nothing). */
  get base(): Mapper {
    let m: Mapper = this;
    while (m.inherits) m = m.inherits;
    return m;
  }
  /** Distinct tables of this mapper, base table first (one for single-table inheritance). */
  get tables(): Table[] {
    const out: Table[] = [];
    for (let m: Mapper | undefined = this; m; m = m.inherits) if (!out.includes(m.table)) out.unshift(m.table);
    return out;
  }
  /** `Mapper[User(users)]`, as SQLAlchemy's `str(mapper)` (used in error messages). */
  toString(): string {
    return `Mapper[${this.className}(${this.table.name})]`;
  }
  /** Whether this mapper is `other` or inherits from it. */
  isA(other: Mapper): boolean {
    for (let m: Mapper | undefined = this; m; m = m.inherits) if (m === other) return true;
    return false;
  }
  /** Every mapper inheriting (directly or not) from this one. */
  get descendants(): Mapper[] {
    const out: Mapper[] = [];
    const walk = (m: Mapper) => {
      for (const s of m.subMappers) {
        out.push(s);
        walk(s);
      }
    };
    walk(this);
    return out;
  }
  /**
   * Column properties a query for this class loads: its own, plus those of every subclass, so a
   * base query returns complete subclass instances (SQLAlchemy's `with_polymorphic="*"`).
   */
  get polymorphicProps(): ColumnProperty[] {
    if (this.subMappers.length === 0) return this.columnProps;
    const out = [...this.columnProps];
    for (const d of this.descendants) for (const p of d.columnProps) if (!out.includes(p)) out.push(p);
    return out;
  }
  /**
   * The FROM a query for this class needs when its columns span several tables (joined-table
   * inheritance): the inherited tables INNER JOINed, subclass tables LEFT OUTER JOINed.
   * Undefined when every column is in one table.
   */
  polymorphicFrom(): FromClause | undefined {
    const n = this.descendants.length;
    if (this._polyFrom && this._polyFrom.n === n) return this._polyFrom.from;
    const from = this.buildPolymorphicFrom();
    this._polyFrom = { n, from };
    return from;
  }
  private _polyFrom: { n: number; from: FromClause | undefined } | undefined;
  /**
   * SQLAlchemy's `mapper.selectable` for joined-table inheritance: this class's own tables
   * INNER JOINed (`people JOIN engineers ON …`), without subclass tables. A column-only
   * select of a subclass attribute (`select(Engineer.name)`) selects FROM it. The same object as
   * {@link polymorphicFrom} when no subclass adds a table; undefined for a one-table mapper.
   */
  localFrom(): FromClause | undefined {
    if (this.tables.length === 1) return undefined;
    const poly = this.polymorphicFrom();
    if (this.descendants.every((d) => this.tables.includes(d.table))) return poly;
    return (this._localFrom ??= this.joinOwnTables());
  }
  private _localFrom: FromClause | undefined;
  /** The inherited tables joined base first, each on its inherit condition. */
  private joinOwnTables(): FromClause {
    const own = this.tables;
    let from: FromClause = own[0];
    const joined = new Set<Table>([own[0]]);
    const chain: Mapper[] = [];
    for (let m: Mapper | undefined = this; m; m = m.inherits) chain.unshift(m);
    for (const c of chain) {
      if (joined.has(c.table)) continue;
      from = from.join(c.table, c.inheritCondition());
      joined.add(c.table);
    }
    return from;
  }
  private buildPolymorphicFrom(): FromClause | undefined {
    const own = this.tables;
    const extra: Mapper[] = this.descendants.filter((d) => !own.includes(d.table));
    if (own.length === 1 && extra.length === 0) return undefined;
    let from: FromClause = own[0];
    const chain: Mapper[] = [];
    for (let m: Mapper | undefined = this; m; m = m.inherits) chain.unshift(m);
    const joinedTables = new Set<Table>([own[0]]);
    for (const m of chain) {
      if (joinedTables.has(m.table)) continue;
      from = from.join(m.table, m.inheritCondition());
      joinedTables.add(m.table);
    }
    for (const d of extra) {
      if (joinedTables.has(d.table)) continue;
      from = from.outerjoin(d.table, d.inheritCondition());
      joinedTables.add(d.table);
    }
    return from;
  }
  /** Joined-table inheritance: `parent.pk = sub.pk`, the inherited column first as SQLAlchemy's inherit_condition. @internal */
  inheritCondition(): ColumnElement<boolean> {
    // Against the direct parent's table, by the key column's foreign key to it, as SQLAlchemy's
    // join_condition(): `managers.person_id = boss.boss_id` below managers, not people's column.
    const parentTable = this.inherits?.table;
    const parentSide = (local: ColumnImpl, p: ColumnProperty): ColumnElement<unknown, string> =>
      local.foreignKeys.map((fk) => fk.target).find((t) => t !== undefined && t.table === parentTable) ?? p.column;
    const conds = this.inheritPkPairs.map(([local, p]) => parentSide(local, p).eq(local) as ColumnElement<boolean>);
    return (conds.length === 1 ? conds[0] : and(...conds)) as ColumnElement<boolean>;
  }
  /**
   * WHERE criterion restricting a query to this class and its subclasses when they share the
   * base table (single-table inheritance): `discriminator IN (identities)`.
   */
  polymorphicCriterion(): ColumnElement<boolean> | undefined {
    const base = this.base;
    const on = base.polymorphicOn;
    if (!on || this === base || this.table !== base.table) return undefined;
    const ids = [this, ...this.descendants].map((m) => m.polymorphicIdentity).filter((v) => v !== undefined);
    // Always an expanding IN, even for one identity, as SQLAlchemy's `_single_table_criterion`.
    return on.column.in(ids) as ColumnElement<boolean>;
  }
  /**
   * The mapper whose class a loaded row belongs to, from its discriminator value (SQLAlchemy's
   * `_instance_processor` polymorphic switch).
   * @throws InvalidRequestError "No such polymorphic_identity 'x' is defined" for a discriminator
   *   value naming no mapper of the hierarchy (SQLAlchemy raises it as an AssertionError).
   * @throws InvalidRequestError when the row's discriminator is NULL ("… can't be loaded into an
   *   object; the polymorphic discriminator column 'a.type' is NULL"), or names a mapper that is
   *   not this one nor a sub-mapper of it ("… refers to Mapper[B(b)], which is not a sub-mapper of
   *   the requested Mapper[A(a)]").
   * @internal
   */
  polymorphicMapperForRow(props: readonly ColumnProperty[], row: readonly unknown[], offset: number): Mapper {
    const on = this.base.polymorphicOn;
    if (!on) return this;
    const i = props.indexOf(on);
    if (i < 0) return this;
    const value = row[offset + i];
    if (value === null || value === undefined) {
      throw new InvalidRequestError(
        `Row with identity key ${this.rowIdentityRepr(props, row, offset)} can't be loaded into an object; the polymorphic discriminator column '${this.base.table.name}.${on.column.name}' is NULL`,
      );
    }
    if (this.subMappers.length === 0 && value === this.polymorphicIdentity) return this;
    const m = this.base.polymorphicMap.get(value);
    if (m === undefined) {
      throw new InvalidRequestError(`No such polymorphic_identity ${typeof value === "string" ? `'${value}'` : String(value)} is defined`);
    }
    if (!m.isA(this)) {
      throw new InvalidRequestError(
        `Row with identity key ${this.rowIdentityRepr(props, row, offset)} can't be loaded into an object; the polymorphic discriminator column '${this.base.table.name}.${on.column.name}' refers to ${m.describe()}, which is not a sub-mapper of the requested ${this.describe()}`,
      );
    }
    return m;
  }
  /** SQLAlchemy's repr of a mapper: `Mapper[Engineer(engineers)]`. @internal */
  describe(): string {
    return `Mapper[${this.className}(${this.table.name})]`;
  }
  /** A row's identity key as SQLAlchemy prints it: `(<class 'A'>, (3,), None)`. */
  private rowIdentityRepr(props: readonly ColumnProperty[], row: readonly unknown[], offset: number): string {
    const repr = (v: unknown): string => (typeof v === "string" ? `'${v}'` : v === null || v === undefined ? "None" : String(v));
    const pk = this.pkProps.map((p) => repr(row[offset + props.indexOf(p)]));
    return `(<class '${this.base.className}'>, (${pk.join(", ")}${pk.length === 1 ? "," : ""}), None)`;
  }

  constructor(
    public class_: MappedClass,
    readonly table: Table,
    readonly registry: RegistryLike,
    readonly className: string,
  ) {}

  /** Mark the class as mapped by this mapper. @internal */
  static attach(cls: Function, m: Mapper): void {
    Object.defineProperty(cls, MAPPER, { value: m, configurable: true, enumerable: false, writable: true });
  }

  /** Add a column property and its class-level attribute. @internal */
  addColumnProperty(p: ColumnProperty, attr: InstrumentedAttribute): void {
    attr.prop = p;
    this.columnProps.push(p);
    this.columnPropsByKey.set(p.key, p);
    this.propByColumn.set(p.column, p);
    this.attributes.set(p.key, attr);
    if (p.column.primaryKey) this.pkProps.push(p);
  }

  /** Columns loaded by default (not deferred). */
  get defaultLoadProps(): ColumnProperty[] {
    return this.columnProps.filter((p) => !p.deferred);
  }

  /** Identity key from primary key values. */
  identityKey(pk: readonly unknown[]): string {
    if (pk.length === 1) return this.identityKeyOf(pk[0]);
    let s = this.identityPrefix;
    for (const v of pk) s += `\u0001${typeof v === "bigint" ? `${v}n` : v instanceof Date ? v.toISOString() : String(v)}`;
    return s;
  }
  /** {@link identityKey} of a single-column primary key value, without building an array. @internal */
  identityKeyOf(v: unknown): string {
    // Same text as the general form; numbers and strings (the usual keys) skip the type tests.
    if (typeof v === "number" || typeof v === "string") return this.identityPrefix + "\u0001" + v;
    return `${this.identityPrefix}\u0001${typeof v === "bigint" ? `${v}n` : v instanceof Date ? v.toISOString() : String(v)}`;
  }
  /**
   * The primary-key part of the identity key of a single-column key value, as the identity map
   * stores it ({@link IdentityPart}): the number itself for a number, else the text
   * {@link identityKeyOf} puts after the class part (a string whose text is a number's canonical
   * text becomes that number, so `"42"` and `42` stay one identity, as their key strings are).
   * @internal
   */
  identityPart(v: unknown): IdentityPart {
    if (typeof v === "number") return v;
    if (typeof v === "string") return identityPartOfText(v);
    return typeof v === "bigint" ? `${v}n` : v instanceof Date ? v.toISOString() : String(v);
  }
  /** {@link identityPart} of a composite key: the text after the class part of {@link identityKey}. @internal */
  identityPartOf(pk: readonly unknown[]): IdentityPart {
    if (pk.length === 1) return this.identityPart(pk[0]);
    let s = "";
    for (let i = 0; i < pk.length; i++) {
      const v = pk[i];
      s += `${i ? "\u0001" : ""}${typeof v === "bigint" ? `${v}n` : v instanceof Date ? v.toISOString() : String(v)}`;
    }
    return s;
  }
  /**
   * `select(cls).where(pk1 = :pk_0 AND …)`, built once: `session.get()` runs it with the key
   * values as parameters, so each lookup reuses one statement object and its ORM plan (as
   * SQLAlchemy caches the statement of `Session.get()`). @internal
   */
  get getStatement(): Select {
    return (this._getStatement ??= select(this.class_ as never).where(
      // Typed like the column, so the key values get the column type's bind processing.
      and(...this.pkProps.map((p, i) => (p.column as ColumnElement<unknown, string>).eq(bindparam(`pk_${i}`, undefined, p.column.type) as never))),
    ) as unknown as Select);
  }
  private _getStatement: Select | undefined;
  /** `identityId` as a string, cached (the leading part of every identity key). */
  private get identityPrefix(): string {
    const id = this.identityId;
    if (this._identityPrefixFor !== id) {
      this._identityPrefixFor = id;
      this._identityPrefix = String(id);
    }
    return this._identityPrefix;
  }
  private _identityPrefix = "";
  private _identityPrefixFor = -1;
  /** Primary key values of an instance's state (undefined entries when unset). */
  pkValues(state: InstanceState): unknown[] {
    return this.pkProps.map((p) => state.dict[p.key]);
  }

  private _stateAccessorOn: object | undefined;
  /** Create an instance without calling its constructor (as loading does). @internal */
  newInstanceForLoad(): { obj: object; state: InstanceState } {
    const state = this.newStateForLoad();
    return { obj: state.obj, state };
  }
  /** {@link newInstanceForLoad} without the wrapper object (the loader's per-row path): `state.obj` is the instance. @internal */
  newStateForLoad(): InstanceState {
    const proto = this.class_.prototype as object;
    if (this._stateAccessorOn !== proto) {
      installStateAccessor(proto);
      this._stateAccessorOn = proto;
    }
    const obj = Object.create(proto) as object;
    const state = new InstanceState(obj, this);
    attachState(obj, state);
    return state;
  }

  /** Resolve relationships and install their accessors. @internal */
  configureRelationships(): void {
    for (const rel of this.relationships.values()) rel.setup();
    for (const rel of this.relationships.values()) {
      const back = rel.backPopulatesKey();
      if (back) {
        const other = rel.mapper.relationships.get(back);
        if (!other) {
          // SQLAlchemy's messages (Mapper.get_property / _add_reverse_property), then which option asked.
          const col = rel.mapper.columnPropsByKey.has(back) || rel.mapper.expressionProps.has(back);
          throw new InvalidRequestError(
            col
              ? `back_populates on relationship '${rel.qualifiedName}' refers to attribute '${rel.mapper.className}.${back}' that is not a relationship.  The back_populates parameter should refer to the name of a relationship on the target class.`
              : `Mapper '${rel.mapper}' has no property '${back}'.  If this property was indicated from other mappers or configure events, ensure registry.configure() has been called. (backPopulates of relationship ${rel.qualifiedName})`,
          );
        }
        if (!rel.parent.isA(other.mapper) && !other.mapper.isA(rel.parent)) {
          throw new ArgumentError(`reverse_property '${back}' on relationship ${rel.qualifiedName} references relationship ${other.qualifiedName}, which does not reference mapper ${rel.parent}`);
        }
        const otherBack = other.backPopulatesKey();
        if (otherBack !== undefined && otherBack !== rel.key) {
          throw new ArgumentError(
            `relationship ${rel.describe()}: backPopulates '${back}', but ${other.describe()} has backPopulates '${otherBack}'; each side must name the other`,
          );
        }
        if (rel.direction !== "MANYTOMANY" && rel.direction === other.direction) {
          // Typically a self-referential pair where neither side gives remoteSide.
          throw new ArgumentError(
            `${other.qualifiedName} and back-reference ${rel.qualifiedName} are both of the same direction <RelationshipDirection.${rel.direction}: ${rel.direction === "ONETOMANY" ? 1 : 2}>.  Did you mean to set remote_side on the many-to-one side ?`,
          );
        }
        // SQLAlchemy's _check_sync_backref: a viewonly side neither sends nor receives backref
        // events unless asked (syncBackref defaults to false when either side is viewonly).
        if (other.viewonly && other.options.syncBackref === true) throw new ArgumentError("sync_backref and viewonly cannot both be True");
        if (other.viewonly && rel.options.syncBackref === true) {
          throw new InvalidRequestError(`Relationship ${rel.qualifiedName} cannot specify sync_backref=True since ${other.qualifiedName} includes viewonly=True.`);
        }
        const sync = rel.options.syncBackref ?? (!rel.viewonly && !other.viewonly);
        rel.reverse = sync ? other : undefined;
      }
    }
    this.configured = true;
  }

  /** Keys of the synonyms that finally name attribute `key` (through synonyms of synonyms). @internal */
  synonymKeysFor(key: string): string[] {
    const out: string[] = [];
    for (const syn of this.synonyms.values()) {
      let name = syn.name;
      for (let i = 0; i <= this.synonyms.size && this.synonyms.has(name); i++) name = this.synonyms.get(name)!.name;
      if (name === key) out.push(syn.key);
    }
    return out;
  }
  /** The relationship named `key`, or an error naming the class. */
  relationship(key: string): RelationshipProperty {
    const r = this.relationships.get(key);
    if (!r) throw new ArgumentError(`${this.className} has no relationship '${key}'`);
    return r;
  }

  // ---- runtime inspection (`inspect(User)`, SQLAlchemy's `Mapper.columns` / `.primary_key` / `.attrs`)
  /** Mapped table columns by attribute key. */
  get columns(): ReadonlyMap<string, ColumnImpl> {
    return new Map(this.columnProps.map((p) => [p.key, p.column]));
  }
  /** Primary key columns in table order. */
  get primaryKey(): readonly ColumnImpl[] {
    return this.pkProps.map((p) => p.column);
  }
  /** Every mapped attribute by key: columns, SQL expressions and relationships. */
  get attrs(): ReadonlyMap<string, ColumnProperty | ColumnExpressionProperty | RelationshipProperty> {
    return new Map<string, ColumnProperty | ColumnExpressionProperty | RelationshipProperty>([...this.columnPropsByKey, ...this.expressionProps, ...this.relationships]);
  }
  /** Column and SQL expression attributes by key (SQLAlchemy's `Mapper.column_attrs`). */
  get columnAttrs(): ReadonlyMap<string, ColumnProperty | ColumnExpressionProperty> {
    return new Map<string, ColumnProperty | ColumnExpressionProperty>([...this.columnPropsByKey, ...this.expressionProps]);
  }
  /**
   * The mapped attribute `key` (SQLAlchemy's `Mapper.get_property()`), configuring the
   * registry first.
   * @throws InvalidRequestError "Mapper 'Mapper[User(users)]' has no property 'foo'. …" for an
   *   unknown key.
   */
  getProperty(key: string): ColumnProperty | ColumnExpressionProperty | RelationshipProperty {
    this.registry.configure();
    const p = this.columnPropsByKey.get(key) ?? this.expressionProps.get(key) ?? this.relationships.get(key);
    if (p === undefined) {
      throw new InvalidRequestError(
        `Mapper '${this.describe()}' has no property '${key}'.  If this property was indicated from other mappers or configure events, ensure registry.configure() has been called.`,
      );
    }
    return p;
  }
  /** The table this mapper writes its own columns to (SQLAlchemy's `Mapper.local_table`): the subclass table of a joined-table subclass, the shared table of a single-table one. */
  get localTable(): Table {
    return this.table;
  }
  /** The root mapper of the inheritance hierarchy (SQLAlchemy's `Mapper.base_mapper`). */
  get baseMapper(): Mapper {
    return this.base;
  }
  /** This mapper and every mapper inheriting from it (SQLAlchemy's `Mapper.self_and_descendants`). */
  get selfAndDescendants(): Mapper[] {
    return [this, ...this.descendants];
  }
}

/**
 * Attach a `columnProperty()` / `queryExpression()` declared as the static `key` of the mapped
 * class: it learns its name and mapper, and instances get a read accessor for the loaded value.
 * @internal
 */
export function bindExpressionProperty(m: Mapper, key: string, p: ColumnExpressionProperty): void {
  p.boundKey = key;
  p.boundMapper = m;
  m.expressionProps.set(key, p);
  defineColumnAccessor(m.class_.prototype, m, key);
}

/** @internal */
export { MAPPER, stateOf, ForeignKey, TableImpl, type AnyColumn };

/**
 * `mappedColumn()`: a column declared on an ORM model (SQLAlchemy 2.0's `mapped_column()`).
 * Unlike Core's `Column`, a mapped column is NOT NULL unless `nullable: true` — the JS type
 * follows (`string` vs `string | null`), as `Mapped[str]` vs `Mapped[Optional[str]]` does.
 * @module
 */
import { ForeignKey } from "../sql/schema.js";
import type { ColumnDefault, Computed, Identity, Sequence, ServerDefault } from "../sql/schema.js";
import type { JsTypeOf, TypeArg } from "../sql/type-api.js";
import { NULLTYPE, type TypeEngine } from "../sql/type-api.js";
import { ColumnElement } from "../sql/elements.js";
import type { CacheKeyBuilder } from "../sql/cache-key.js";
import type { CompileKw, SQLCompiler } from "../sql/compiler.js";
import { ArgumentError } from "../errors.js";

/** Options of {@link mappedColumn}. */
export interface MappedColumnOptions {
  /** SQL column name when it differs from the attribute key. */
  readonly name?: string;
  readonly primaryKey?: boolean;
  /** Default false (NOT NULL), except that SQLAlchemy-style `nullable: true` makes `T | null`. */
  readonly nullable?: boolean;
  /** Client-side default on INSERT: a value, a function, or a SQL expression. */
  readonly default?: ColumnDefault;
  /**
   * Default used when a new instance is constructed (dataclass-style `default_factory`).
   * Cannot be combined with `default` (`Base.model` raises ArgumentError, as dataclasses'
   * "cannot specify both default and default_factory").
   */
  readonly defaultFactory?: () => unknown;
  /**
   * `false`: the constructor does not take this attribute (SQLAlchemy's dataclass `init=False`):
   * `new Model({ key: … })` is a type error and raises ArgumentError at run time; a `default` /
   * `defaultFactory` still applies at construction. Default `true`.
   */
  readonly init?: boolean;
  /**
   * `false`: left out of the instance's `toString()` (SQLAlchemy's dataclass `repr=False`).
   * Default `true`.
   */
  readonly repr?: boolean;
  readonly serverDefault?: ServerDefault;
  readonly onupdate?: ColumnDefault;
  readonly serverOnupdate?: boolean;
  readonly unique?: boolean;
  readonly index?: boolean;
  readonly autoincrement?: boolean | "auto";
  readonly foreignKey?: string | ForeignKey;
  readonly identity?: Identity;
  readonly computed?: Computed;
  readonly sequence?: Sequence;
  readonly comment?: string;
  /** Column order in CREATE TABLE (SQLAlchemy 2.0 `sort_order`). */
  readonly sortOrder?: number;
  /** Not loaded by default; loading it needs `undefer()` (SQLAlchemy `deferred()`). */
  readonly deferred?: boolean;
  /** Deferred, and reading it unloaded raises (SQLAlchemy `deferred_raiseload`). */
  readonly deferredRaiseload?: boolean;
  /**
   * Deferred, and loaded together with the other columns of this group by
   * `undeferGroup(name)` (SQLAlchemy's `deferred_group`; implies `deferred` unless
   * `deferred: false` is given).
   */
  readonly deferredGroup?: string;
  /** Attribute used as the version counter (optimistic concurrency, `version_id_col`). */
  readonly versionId?: boolean;
  /** Documentation of the attribute and its column (SQLAlchemy's `doc=`): `User.name.doc`. */
  readonly doc?: string;
  /** Application data of the column (SQLAlchemy's `info=`): `User.name.info` is the column's `info`. */
  readonly info?: Readonly<Record<string, unknown>>;
}

/**
 * A mapped column declaration: JS type `T` (null included when nullable); `Opt` is true when the
 * constructor may omit it (nullable, defaulted, a primary key, a foreign key, generated); `Init`
 * is false when the constructor does not take it at all (`init: false`).
 */
export class MappedColumn<T = unknown, Opt extends boolean = boolean, Init extends boolean = boolean> {
  declare readonly __js: T;
  declare readonly __optional: Opt;
  /** Type-level: false when declared with `init: false` (the constructor does not take it). */
  declare readonly __init: Init;
  readonly _isMappedColumn = true;
  constructor(
    /** The SQL type, or a ForeignKey whose target supplies the type. */
    readonly typeOrFk: TypeArg<unknown> | ForeignKey,
    readonly options: MappedColumnOptions,
  ) {}
}

/** JS type of a mapped column built from `A` with options `O`. */
export type MappedJs<A, O> = O extends { nullable: true } ? JsTypeOf<A> | null : JsTypeOf<A>;

/**
 * Whether a column with options `O` may be left out of `new Model({...})`: it is nullable, has a
 * default (client, factory or server), is a primary key (generated keys), a foreign key (set
 * from a relationship at flush), generated (identity/computed) or the version counter.
 */
export type OptionalInInit<O> = O extends
  | { nullable: true }
  | { default: unknown }
  | { defaultFactory: unknown }
  | { serverDefault: unknown }
  | { primaryKey: true }
  | { foreignKey: unknown }
  | { identity: unknown }
  | { computed: unknown }
  | { versionId: true }
  ? true
  : false;

/** Whether `new Model({...})` takes a column with options `O`: false for `init: false`. */
export type InInit<O> = O extends { init: false } ? false : true;

/**
 * `mappedColumn(type, options)`: declare a model column (SQLAlchemy 2.0's `mapped_column()`).
 * NOT NULL by default; `nullable: true` makes the attribute `T | null` (as `Mapped[Optional[T]]`).
 * `mappedColumn(ForeignKey("user.id"))` takes the SQL type of the referenced column; its JS type
 * defaults to `number` (give another explicitly: `mappedColumn<string>(ForeignKey("tag.code"))`).
 * A `ForeignKey(User.id)` given a class attribute is resolved to the attribute's table column.
 * Dataclass-style options (SQLAlchemy's `MappedAsDataclass` field arguments): `default` and
 * `defaultFactory` apply at construction, `init: false` keeps the attribute out of the
 * constructor, `repr: false` out of `toString()`. `default: null` means no default, as
 * SQLAlchemy's `default=None`.
 * @throws ArgumentError (from `Base.model`) when the declaration is not usable, e.g. both
 *   `default` and `defaultFactory` are given.
 */
export function mappedColumn<T = number, const O extends MappedColumnOptions = {}>(fk: ForeignKey, options?: O): MappedColumn<NoInfer<O extends { nullable: true } ? T | null : T>, true, InInit<O>>;
export function mappedColumn<A extends TypeArg<unknown>, const O extends MappedColumnOptions = {}>(type: A, options?: O): MappedColumn<MappedJs<A, O>, OptionalInInit<O>, InInit<O>>;
export function mappedColumn(typeOrFk: TypeArg<unknown> | ForeignKey, options: MappedColumnOptions = {}): MappedColumn<unknown> {
  return new MappedColumn(typeOrFk, options);
}

// ---- SQL expression attributes (columnProperty, queryExpression) -----------------------------
// Added for the loading area; kept separate from the column declarations above.

/** Options of {@link columnProperty}. */
export interface ColumnPropertyOptions {
  /** Documentation of the attribute (SQLAlchemy's `doc=`): `User.fullname.doc`. */
  readonly doc?: string;
  /** Application data of the attribute (SQLAlchemy's `info=`), copied into its `info`. */
  readonly info?: Readonly<Record<string, unknown>>;
  /** Leave it out of SELECTs unless `undefer(User.attr)` asks for it (SQLAlchemy `deferred=True`). */
  readonly deferred?: boolean;
  /** `false`: left out of the instance's `toString()` (SQLAlchemy's dataclass `repr=False`). */
  readonly repr?: boolean;
  /**
   * Whether a flush that INSERTs or UPDATEs the object expires the loaded value, so the next
   * load reads it again (SQLAlchemy's `expire_on_flush`, default true). With `false` the value
   * loaded before the flush stays, even when the columns it is computed from changed.
   */
  readonly expireOnFlush?: boolean;
}

/** Options of {@link queryExpression}. */
export interface QueryExpressionOptions {
  /** `false`: left out of the instance's `toString()` (SQLAlchemy's dataclass `repr=False`). */
  readonly repr?: boolean;
}

/**
 * A read-only attribute loaded from a SQL expression (SQLAlchemy's `column_property()` /
 * `query_expression()`). Declared as a static field of the model class; as a class attribute it
 * is itself a SQL expression (`where(User.fullname.like("s%"))`), and each loaded instance gets
 * the value under the attribute's name. Flush never writes it.
 */
export class ColumnExpressionProperty<T = unknown> extends ColumnElement<T, string> {
  readonly kind = "columnExpressionProperty";
  readonly _isColumnExpressionProperty = true;
  /** The attribute name, set when the owning class is mapped. @internal */
  boundKey: string | undefined;
  /** The owning mapper, set when the owning class is mapped. @internal */
  boundMapper: { readonly className: string; readonly id: number } | undefined;
  private _resolved: ColumnElement<unknown, string> | null | undefined;
  constructor(
    /** The expression thunk (called once, at first use, so it may refer to the class itself). */
    readonly expression: (() => ColumnElement<unknown, string>) | undefined,
    readonly deferred: boolean,
    /** True for `queryExpression()`: loaded only through `withExpression()`. */
    readonly isQueryExpression: boolean,
    /** False when declared `repr: false` (left out of the instance's `toString()`). */
    readonly repr: boolean = true,
    /** Expired by a flush that writes the object (`expire_on_flush`). */
    readonly expireOnFlush: boolean = true,
    /** Documentation given as `doc` (SQLAlchemy's `column_property(doc=)`). */
    readonly doc: string | undefined = undefined,
    info: Readonly<Record<string, unknown>> | undefined = undefined,
  ) {
    super();
    if (info !== undefined) this._info = { ...info };
  }
  private _info: Record<string, unknown> | undefined;
  /** Application data of the attribute (SQLAlchemy's `MapperProperty.info`): created empty on first access, the same object on every read. */
  get info(): Record<string, unknown> {
    return (this._info ??= {});
  }
  /** The SQL expression, or null for a queryExpression() without a default. */
  resolve(): ColumnElement<unknown, string> | null {
    if (this._resolved === undefined) {
      const e = this.expression ? this.expression() : null;
      if (e !== null && !(e instanceof ColumnElement)) {
        throw new ArgumentError(`columnProperty ${this.describe()}: the thunk must return a SQL expression`);
      }
      this._resolved = e;
    }
    return this._resolved;
  }
  get type(): TypeEngine<unknown> {
    return this.resolve()?.type ?? NULLTYPE;
  }
  override get key(): string | undefined {
    return this.boundKey;
  }
  override describe(): string {
    return this.boundKey && this.boundMapper ? `attribute '${this.boundMapper.className}.${this.boundKey}'` : "columnProperty (unbound)";
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    const e = this.resolve();
    if (e === null) return NULL_SQL;
    return e._compile(c, kw);
  }
  _key(k: CacheKeyBuilder): void {
    const e = this.resolve();
    if (e === null) k.push("null");
    else e._key(k);
  }
}
const NULL_SQL = "NULL";

/**
 * `static fullname = columnProperty(() => User.firstname.concat(" ").concat(User.lastname))`
 * with `declare readonly fullname: string` in the class body: a read-only attribute loaded from a
 * SQL expression together with the row (SQLAlchemy's `column_property()`). The thunk runs once,
 * when the attribute is first used, so it can refer to the class being declared.
 */
export function columnProperty<T = unknown>(expression: () => ColumnElement<T, string>, options: ColumnPropertyOptions = {}): ColumnExpressionProperty<T> {
  return new ColumnExpressionProperty<T>(expression as () => ColumnElement<unknown, string>, options.deferred ?? false, false, options.repr ?? true, options.expireOnFlush ?? true, options.doc, options.info);
}

/**
 * `static score = queryExpression<number>()` with `declare readonly score: number | null`: an
 * attribute loaded only when a query supplies its SQL with `withExpression(User.score, expr)`
 * (SQLAlchemy's `query_expression()`); otherwise it reads as the default expression's value, or
 * `null` without a default.
 */
export function queryExpression<T = unknown>(defaultExpression?: () => ColumnElement<T, string>, options: QueryExpressionOptions = {}): ColumnExpressionProperty<T> {
  return new ColumnExpressionProperty<T>(defaultExpression as (() => ColumnElement<unknown, string>) | undefined, false, true, options.repr ?? true);
}

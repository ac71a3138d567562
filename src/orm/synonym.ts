/**
 * `synonym()`: a mapped attribute that is another name for an attribute of the same class
 * (SQLAlchemy's `synonym()`, orm/descriptor_props.py `Synonym`).
 * @module
 */
import { ArgumentError, InvalidRequestError } from "../errors.js";
import type { RelationshipSpec } from "./relationship.js";
import type { ColumnExpressionProperty } from "./mapped-column.js";
import { InstrumentedAttribute, type ColumnProperty, type Mapper, type RelationshipProperty } from "./mapper.js";

/** Options of {@link synonym}. */
export interface SynonymOptions {
  /** Documentation of the synonym (SQLAlchemy's `doc=`): `User.nameSyn.doc` when it names a column. */
  readonly doc?: string;
  /** Application data of the synonym (SQLAlchemy's `info=`): `inspect(User).synonyms.get(key).info`. */
  readonly info?: Readonly<Record<string, unknown>>;
}

/**
 * What a `static x = synonym(…)` field holds until its class is mapped; mapping replaces the
 * static with the target's class-level attribute (see {@link synonym}). @internal
 */
export class SynonymSpec {
  readonly _isSynonymSpec = true;
  /** The class and key it was mapped under, once its class is adopted. */
  bound: { readonly cls: Function; readonly key: string } | undefined;
  constructor(
    /** The target attribute's key, or a thunk returning the target's class attribute. */
    readonly target: string | (() => unknown),
    readonly options: SynonymOptions,
  ) {}
}

/**
 * The declaration a `static x = synonym(…)` field holds, used before its class is adopted (a
 * model class is adopted on first use, or after the module defining it has run): reading a
 * member forwards to the mapped class attribute, adopting the class through a thunk target
 * first; a string-named synonym of a class not adopted yet raises, as an unattached
 * relationship() does.
 */
function declaration(spec: SynonymSpec): unknown {
  return new Proxy(spec, {
    get(target, prop, receiver) {
      if (typeof prop !== "string" || prop in target || prop === "then" || prop === "toJSON") return Reflect.get(target, prop, receiver) as unknown;
      // Brand probes (`_isRelationshipSpec`, …) by the mapping code itself: this is none of those.
      if (target.bound === undefined && prop.startsWith("_")) return undefined;
      if (target.bound === undefined && typeof target.target === "function") target.target();
      if (target.bound === undefined) {
        throw new InvalidRequestError(
          `synonym(${typeof target.target === "string" ? JSON.stringify(target.target) : String(target.target)}) is not attached to a mapped class yet: the Base.model() subclass declaring it is adopted on its first use (reading a column attribute such as Cls.id, new Cls(), select(Cls)) or by configureModel(Cls); use synonym(() => Cls.attr) to adopt it on first use`,
        );
      }
      const attr = (target.bound.cls as unknown as Record<string, unknown>)[target.bound.key] as Record<string, unknown>;
      const v = attr[prop];
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(attr) : v;
    },
  });
}

/** A synonym of a mapper (SQLAlchemy's `SynonymProperty`): `inspect(User).synonyms.get("nameSyn")`. */
export class SynonymProperty {
  private _info: Record<string, unknown> | undefined;
  constructor(
    readonly parent: Mapper,
    /** The synonym's own attribute key. */
    readonly key: string,
    /** The key of the attribute it names (SQLAlchemy's `Synonym.name`), possibly another synonym. */
    readonly name: string,
    readonly doc: string | undefined,
    info: Readonly<Record<string, unknown>> | undefined,
  ) {
    if (info !== undefined) this._info = { ...info };
  }
  /** Application data (SQLAlchemy's `MapperProperty.info`): created empty on first access. */
  get info(): Record<string, unknown> {
    return (this._info ??= {});
  }
  /**
   * The property the synonym finally names, following synonyms of synonyms.
   * @throws InvalidRequestError when the name is not a mapped attribute of the class
   *   (SQLAlchemy's "synonym() attribute "User.x" only supports ORM mapped attributes").
   */
  get property(): ColumnProperty | ColumnExpressionProperty | RelationshipProperty {
    return resolveSynonym(this.parent, this.key).prop;
  }
}

/**
 * The key and property a synonym of `m` finally names, following synonyms of synonyms.
 * @throws InvalidRequestError when the chain ends at a key the class does not map, or loops.
 * @internal
 */
export function resolveSynonym(m: Mapper, key: string): { key: string; prop: ColumnProperty | ColumnExpressionProperty | RelationshipProperty } {
  const seen = new Set<string>();
  let syn = m.synonyms.get(key);
  let k = key;
  while (syn !== undefined) {
    if (seen.has(syn.key)) throw new InvalidRequestError(`synonym() attribute "${m.className}.${key}" refers to itself through other synonyms`);
    seen.add(syn.key);
    k = syn.name;
    syn = m.synonyms.get(k);
  }
  const prop = m.columnPropsByKey.get(k) ?? m.expressionProps.get(k) ?? m.relationships.get(k);
  if (prop === undefined) {
    throw new InvalidRequestError(`synonym() attribute "${m.className}.${k}" only supports ORM mapped attributes, got ${describeTarget(m.class_, k)}`);
  }
  return { key: k, prop };
}

function describeTarget(cls: Function, k: string): string {
  const own = Object.getOwnPropertyDescriptor(cls.prototype, k);
  if (own?.get !== undefined || own?.set !== undefined) return "a property";
  return k in cls.prototype ? `${typeof (cls.prototype as Record<string, unknown>)[k]}` : "nothing";
}

/** The JS type of a column attribute. */
type JsOfAttribute<A> = A extends InstrumentedAttribute<infer T, string> ? T : A extends ColumnExpressionProperty<infer T> ? T : unknown;

/**
 * `static nameSyn = synonym("name")` (SQLAlchemy's `synonym("name")`), with
 * `declare nameSyn: string` for the instance side: another name for a mapped attribute of the
 * same class. At class level it is the target's SQL expression (`User.nameSyn.eq("x")` renders
 * `users.name = $1`), usable in `select(User.nameSyn)` (the row key is `nameSyn`),
 * `filterBy({ nameSyn: "x" })`, ORM DML `values({ nameSyn: … })`, `session.get(User, { synId })`
 * and, for a synonym of a relationship, in joins and loader options. On an instance, reading
 * and writing go to the target attribute (history is recorded on the target).
 *
 * The thunk form `synonym(() => User.name)` types the class attribute from the target
 * (`InstrumentedAttribute<string>`, or the target's relationship type) and may be used before
 * the class is otherwise used; the string form is typed by its parameter as a column
 * (`synonym<string>("name")`; {@link synonymOf} types it as any class attribute,
 * `synonymOf<RelationshipSpec<Order>>("orders")`) and needs its class adopted before use.
 * A synonym may name another synonym. ORM DML `values()` and the constructor take synonym
 * keys at run time, but their record types list the model's own attributes only. The
 * `descriptor` / `map_column` arguments of SQLAlchemy are not supported.
 * @throws InvalidRequestError when the synonym is used and its name is not a mapped attribute
 *   of the class, or a string-named synonym is used before its class is adopted.
 * @throws ArgumentError (when the class is adopted) when a thunk returns something that is not
 *   an attribute of the class.
 */
export function synonym<A extends InstrumentedAttribute<unknown, string> | ColumnExpressionProperty<unknown>>(target: () => A, options?: SynonymOptions): InstrumentedAttribute<JsOfAttribute<A>, string>;
export function synonym<R extends RelationshipSpec<unknown>>(target: () => R, options?: SynonymOptions): R;
export function synonym<T = unknown>(name: string, options?: SynonymOptions): InstrumentedAttribute<T, string>;
export function synonym(target: string | (() => unknown), options: SynonymOptions = {}): unknown {
  if (typeof target !== "string" && typeof target !== "function") throw new ArgumentError(`synonym() expects an attribute name or a thunk returning a class attribute, got ${String(target)}`);
  return declaration(new SynonymSpec(target, options));
}

/** `synonymOf<RelationshipSpec<Order>>("orders")`: the string form of {@link synonym}, typed as any class attribute. */
export function synonymOf<A>(name: string, options: SynonymOptions = {}): A {
  return declaration(new SynonymSpec(name, options)) as A;
}

/** Whether a static field value is a synonym declaration. @internal */
export function isSynonymSpec(v: unknown): v is SynonymSpec {
  return (v as { _isSynonymSpec?: true } | null)?._isSynonymSpec === true;
}

/**
 * The target key a synonym declaration names: the string, or the key of the class attribute
 * its thunk returns.
 * @throws ArgumentError when the thunk returns something that is not a class attribute of `m`.
 * @internal
 */
export function synonymTargetKey(cls: Function, m: Mapper, key: string, spec: SynonymSpec): string {
  if (typeof spec.target === "string") return spec.target;
  const a = spec.target();
  if (a instanceof InstrumentedAttribute) return a.attrKey;
  // A relationship, columnProperty() or not-yet-mapped synonym: the static holding it.
  const found = Object.getOwnPropertyNames(cls).find((k) => k !== key && Object.getOwnPropertyDescriptor(cls, k)?.value === a);
  if (found !== undefined && a !== undefined && a !== null) return found;
  throw new ArgumentError(`synonym ${m.className}.${key}: the thunk must return an attribute of ${m.className} (such as () => ${m.className}.name)`);
}

/**
 * Map the `synonym()` statics of `cls` (the class being adopted by mapper `m`): each becomes a
 * {@link SynonymProperty}, its static the target's class-level attribute (a column's under the
 * synonym's own key, so rows and `filterBy()` know it by that key), and its instance accessor
 * reads and writes the target attribute. @internal
 */
export function bindSynonyms(cls: Function, m: Mapper): void {
  const statics = cls as unknown as Record<string, unknown>;
  const specs: [string, SynonymSpec][] = [];
  for (const key of Object.getOwnPropertyNames(cls)) {
    const v = Object.getOwnPropertyDescriptor(cls, key)?.value as unknown;
    if (isSynonymSpec(v)) specs.push([key, v]);
  }
  if (specs.length === 0) return;
  for (const [key, spec] of specs) {
    m.synonyms.set(key, new SynonymProperty(m, key, synonymTargetKey(cls, m, key, spec), spec.options.doc, spec.options.info));
    spec.bound = { cls, key };
  }
  for (const [key] of specs) {
    let classAttr: unknown;
    Object.defineProperty(cls, key, {
      configurable: true,
      enumerable: false,
      get() {
        if (classAttr !== undefined) return classAttr;
        const { key: target, prop } = resolveSynonym(m, key);
        const targetAttr = statics[target];
        if (targetAttr instanceof InstrumentedAttribute) {
          // Same column and property as the target; its own key names it in result rows.
          const attr = new InstrumentedAttribute(key, targetAttr.column, cls);
          attr.prop = prop as ColumnProperty;
          attr._doc = m.synonyms.get(key)!.doc;
          classAttr = attr;
        } else classAttr = targetAttr;
        return classAttr;
      },
    });
    Object.defineProperty(cls.prototype, key, {
      configurable: true,
      enumerable: false,
      get(this: Record<string, unknown>) {
        return this[resolveSynonym(m, key).key];
      },
      set(this: Record<string, unknown>, value: unknown) {
        this[resolveSynonym(m, key).key] = value;
      },
    });
  }
}

/**
 * `aliased(User)`: an alias of a mapped class whose attributes are SQL expressions against the
 * aliased table (SQLAlchemy's `AliasedClass`).
 * @module
 */
import { ArgumentError } from "../errors.js";
import type { ColumnElement } from "../sql/elements.js";
import type { Alias, FromClause } from "../sql/selectable.js";
import { InstrumentedAttribute, mapperOf, type Mapper } from "./mapper.js";
import type { ModelRow } from "./declarative.js";

/** An aliased entity: `A.name` is the column of the alias. */
export class AliasedClass<T = unknown> {
  declare readonly __entity: T;
  readonly _isColumnsClauseProvider = true;
  readonly _isAliasedClass = true;
  readonly alias: Alias;
  private readonly attrs = new Map<string, InstrumentedAttribute>();
  constructor(readonly mapper: Mapper, name?: string) {
    this.alias = mapper.table.alias(name);
    for (const p of mapper.columnProps) {
      const col = this.alias.correspondingColumn(p.column)!;
      const attr = new InstrumentedAttribute(p.key, col, this);
      attr.prop = p;
      this.attrs.set(p.key, attr);
      Object.defineProperty(this, p.key, { value: attr, enumerable: true });
    }
  }
  /** The attribute for a column key. */
  attribute(key: string): InstrumentedAttribute {
    const a = this.attrs.get(key);
    if (!a) throw new ArgumentError(`aliased(${this.mapper.className}) has no attribute '${key}'`);
    return a;
  }
  /** @internal */
  _columnsClauseElements(): readonly ColumnElement<unknown, string>[] {
    return this.mapper.defaultLoadProps.map((p) => this.alias.correspondingColumn(p.column)!);
  }
  /** @internal */
  _asFromClause(): FromClause {
    return this.alias;
  }
  /** @internal */
  _attributeFor(key: string): ColumnElement<unknown, string> | undefined {
    return this.attrs.get(key);
  }
}

/** The aliased form of a model class: its column attributes, typed. */
export type Aliased<C> = AliasedClass<C extends abstract new (...args: never[]) => infer T ? T : never> & {
  readonly [K in keyof C as C[K] extends InstrumentedAttribute ? K : never]: C[K];
};

/** `aliased(User, name?)`: an alias of a mapped class usable in select(), joins and criteria. */
export function aliased<C extends abstract new (...args: never[]) => unknown>(cls: C, name?: string): Aliased<C> {
  const m = mapperOf(cls);
  if (!m) throw new ArgumentError("aliased() expects a mapped class");
  return new AliasedClass(m, name) as Aliased<C>;
}
export type { ModelRow };

/**
 * ColumnClause: a named column belonging to a FROM clause (table, alias, subquery, CTE) or to
 * none (`column("x")`). Schema `Column`s extend it.
 * @module
 */
import { ColumnElement } from "./elements.js";
import { NULLTYPE, toType, type TypeArg, type TypeEngine } from "./type-api.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import type { CompileKw, SQLCompiler } from "./compiler.js";
import type { FromClause } from "./selectable.js";

/** A named column, optionally owned by a FROM clause (SQLAlchemy's `ColumnClause`). */
export class ColumnClause<T = unknown, K extends string = string> extends ColumnElement<T, K> {
  readonly kind: string = "column";
  /** SQL name. */
  readonly name: string;
  /** Owning FROM clause; set once when a table adopts the column. */
  table: FromClause | undefined;
  /** The column this one stands for when it belongs to an alias/subquery/CTE. */
  readonly proxyOf: ColumnElement<unknown, string> | undefined;
  /**
   * Set when this subquery column is named after the table-qualified label of `tqOf` whose
   * table is anonymous (`anon_1_myid`): the compiler renders that label, numbering the anonymous
   * table per statement, and `name` holds a stand-in. @internal
   */
  readonly tqOf: ColumnClause<unknown, string> | undefined;
  /**
   * SQLAlchemy's `quote=` of the name: `true` always quotes it, `false` never, `undefined`
   * quotes when needed (reserved word, upper case, not a plain identifier).
   */
  readonly quote: boolean | undefined;
  protected _type: TypeEngine<unknown>;
  protected _colKey: string;
  private _keyCache?: string;
  constructor(
    name: string,
    type?: TypeArg<unknown>,
    opts: { table?: FromClause; key?: string; proxyOf?: ColumnElement<unknown, string>; tqOf?: ColumnClause<unknown, string>; quote?: boolean } = {},
  ) {
    super();
    this.name = name;
    this._type = type ? toType(type) : NULLTYPE;
    this.table = opts.table;
    this._colKey = opts.key ?? name;
    this.proxyOf = opts.proxyOf;
    this.tqOf = opts.tqOf;
    this.quote = opts.quote;
  }
  get type(): TypeEngine<unknown> {
    return this._type;
  }
  override get key(): string {
    return this._colKey;
  }
  override get resultName(): string {
    return this.name;
  }
  override get anonBindBase(): string {
    // A proxy of an anonymous label has no stable name to build on (SQLAlchemy uses `param`).
    const p = this.proxyOf;
    return p?.kind === "label" && (p as { readonly anonymous?: boolean }).anonymous === true ? "param" : this._colKey;
  }
  /** The original column at the bottom of a chain of alias/subquery proxies. */
  get baseColumn(): ColumnElement<unknown, string> {
    let c: ColumnElement<unknown, string> = this;
    // An ORM attribute in the chain (a subquery of `select(User.id)`) stands for its column.
    for (;;) {
      const next: ColumnElement<unknown, string> | undefined = c instanceof ColumnClause ? c.proxyOf : columnOfAttribute(c);
      if (next === undefined) return c;
      c = next;
    }
  }
  /** Whether this column is (a proxy of) `other`; an ORM attribute counts as its column. */
  sharesLineage(other: ColumnElement<unknown, string>): boolean {
    const base = this.baseColumn;
    const o = columnOfAttribute(other) ?? other;
    return o instanceof ColumnClause ? o.baseColumn === base : o === base;
  }
  override describe(): string {
    const t = this.table?.describeName();
    return t ? `column '${t}.${this.name}'` : `column '${this.name}'`;
  }
  _compile(c: SQLCompiler, kw: CompileKw): string {
    return c.visitColumn(this, kw);
  }
  _key(k: CacheKeyBuilder): void {
    const t = this.table;
    // A derived FROM (subquery, alias, CTE, TABLESAMPLE, VALUES) is implied by its columns, so
    // its structure is part of the key: two subqueries that differ only inside must not share a
    // compiled form. Aliases traverse their element once per key; VALUES is guarded here.
    if (t !== undefined && t.kind !== "table") {
      if (t.kind !== "values") t._key(k);
      else if (!k.seen(t)) t._key(k);
    }
    // quote= changes the rendered name (`"x"` / `x`); it is only set on a few columns.
    const q = this.quote === undefined ? "" : this.quote ? "+q" : "-q";
    if (t?.hasAnonKey) {
      k.push(`col:${t.keyId(k)}.${this.name}${q}`);
      return;
    }
    k.push((this._keyCache ??= `col:${t ? t.keyId(k) : ""}.${this.name}:${this._type.cacheKey}${q}`));
  }
}

/** The column an ORM attribute (`User.id`) stands for; undefined for anything else. */
function columnOfAttribute(e: ColumnElement<unknown, string>): ColumnClause<unknown, string> | undefined {
  if (e.kind !== "ormAttribute") return undefined;
  const inner = (e as { readonly column?: unknown }).column;
  return inner instanceof ColumnClause ? inner : undefined;
}

/** `column(name, type?)`: a lightweight column not bound to a schema table (SQLAlchemy's `column()`). */
export function column<T = unknown, K extends string = string>(name: K, type?: TypeArg<T>): ColumnClause<T, K> {
  return new ColumnClause<T, K>(name, type);
}

/** PostgreSQL statement compiler: ILIKE, `~` regular expressions, JSON and ARRAY operators, `$n` parameters. @module */
import { SQLCompiler, type CompileKw, type SlotSource } from "../../sql/compiler.js";
import { BindParameter, type BinaryExpression, type ClauseElement, type ColumnElement, type FunctionElement, type IlikeOperand, type IndexCompiler, type IndexExpression } from "../../sql/elements.js";
import { JSONIndexType } from "../../sql/json-operators.js";
import type { ColumnImpl, NextValue } from "../../sql/schema.js";
import { FromClause, Join, type GenerativeSelect, type Select } from "../../sql/selectable.js";
import { ColumnClause } from "../../sql/column.js";
import type { TypeEngine } from "../../sql/type-api.js";
import { TypeDecorator } from "../../sql/types/type-decorator.js";

/**
 * SQL type names for parameter casts. Lengths and precisions are left out on purpose, so that a
 * cast can never truncate or round a value.
 */
function castTypeName(t: TypeEngine<unknown>): string | undefined {
  switch (t.affinity) {
    case "integer":
      return t.compileType({ name: "postgresql" });
    case "numeric":
      return "NUMERIC";
    case "float":
      return "DOUBLE PRECISION";
    case "boolean":
      return "BOOLEAN";
    default:
      return undefined;
  }
}

/**
 * Cast type names for a bound function argument: {@link castTypeName}'s, plus the date and time
 * types, spelled as SQLAlchemy's PostgreSQL type compiler does (`TIMESTAMP WITHOUT TIME ZONE`).
 * Strings stay untyped: an untyped parameter becomes whatever the function wants (`text`, a
 * `regconfig`, a `regclass`), where a `VARCHAR` would not.
 */
function argumentCastTypeName(t: TypeEngine<unknown>): string | undefined {
  const zone = (impl: TypeEngine<unknown>) => ((impl as { timezone?: boolean }).timezone === true ? "WITH" : "WITHOUT");
  switch (t.affinity) {
    case "date":
      return "DATE";
    case "datetime":
      return `TIMESTAMP ${zone(t instanceof TypeDecorator ? t.dialectImpl("postgresql") : t)} TIME ZONE`;
    case "time":
      return "TIME WITHOUT TIME ZONE";
    case "interval":
      return "INTERVAL";
    default:
      return castTypeName(t);
  }
}

/** Left operands that need no parentheses before `[…]`: columns and other subscripts. */
const SUBSCRIPTABLE: ReadonlySet<string> = /* @__PURE__ */ new Set(["column", "ormAttribute", "bindparam"]);

/** Compiles statements for PostgreSQL. */
export class PGCompiler extends SQLCompiler implements IndexCompiler {
  /**
   * ARRAY `x[$1]` / `x[$1:$2]` (a function or other expression parenthesised first), and JSON
   * elements as SQLAlchemy's PostgreSQL compiler renders them: `x -> $1::TEXT` (`::INTEGER` for
   * an index, since an untyped parameter would be taken as a key), `x #> $1` for a path; with a
   * SQL type (`asInteger()` …) `CAST(x ->> $1::TEXT AS INTEGER)` / `#>>`. As an operand of
   * another operator the arrow expression is parenthesised (SQLAlchemy's eager grouping).
   */
  visitIndex(e: IndexExpression<unknown>, kw: CompileKw): string {
    const left = this.process(e.left, kw);
    if (e.operator === "getitem") {
      const bare = SUBSCRIPTABLE.has(e.left.kind) || (e.left.kind === "binary" && (e.left as BinaryExpression<unknown>).operator === "getitem");
      return `${bare ? left : `(${left})`}[${this.process(e.right, kw)}]`;
    }
    const path = e.operator === "jsonPathGetitem";
    const asJson = e.type.affinity === "json";
    let right = this.process(e.right, kw);
    const idx = e.right instanceof BindParameter && e.right.type instanceof JSONIndexType ? e.right.type : undefined;
    if (idx) right += idx.kind === "int" ? "::INTEGER" : "::TEXT";
    const op = path ? (asJson ? " #> " : " #>> ") : asJson ? " -> " : " ->> ";
    const sql = e.modifiers.eagerGroup ? `(${left}${op}${right})` : `${left}${op}${right}`;
    return asJson ? sql : `CAST(${sql} AS ${e.type.compileType({ name: "postgresql" })})`;
  }
  /**
   * postgres.js sends parameters untyped, so where PostgreSQL cannot infer a type (a SELECT list,
   * a VALUES row, a recursive CTE's anchor) numbers and booleans get an explicit cast:
   * `SELECT $1::INTEGER AS anon_1`; and a typed bind that is a function argument or EXTRACT's
   * operand, where PostgreSQL picks an overload by the argument types, gets its type's cast
   * (`generate_series($1::INTEGER, $2::INTEGER)`, `EXTRACT(year FROM $1::DATE)`), as SQLAlchemy's
   * asyncpg dialect renders bind casts. A type with its own bind expression (a JSON, a timestamp
   * in mode `"string"`) is typed by that expression instead when compiled for execution.
   */
  override visitBindParam(b: BindParameter<unknown, string>, kw: CompileKw, opts: { column?: ColumnImpl; source?: SlotSource } = {}): string {
    const sql = super.visitBindParam(b, kw, opts);
    if (b.expanding || this.options.literalBinds) return sql;
    let name: string | undefined;
    if (kw.functionArgument) {
      if (!this.isDisplay && b.type.bindExpression("postgresql", sql) !== undefined) return sql;
      name = argumentCastTypeName(b.type);
    } else if (kw.bindCast) name = castTypeName(b.type);
    return name ? `${sql}::${name}` : sql;
  }
  protected override renderIlike(left: string, right: string, negate: boolean): string {
    return `${left} ${negate ? "NOT ILIKE" : "ILIKE"} ${right}`;
  }
  /**
   * `~` / `!~`; the flag `i` alone is `~*` / `!~*`; any other flags are an embedded option
   * prefix, `~ CONCAT('(?', 'ig', ')', pattern)` (SQLAlchemy's PGCompiler._regexp_match).
   */
  protected override renderRegexp(left: string, right: string, negate: boolean, flags: string | undefined): string {
    const op = negate ? "!~" : "~";
    if (flags === undefined) return `${left} ${op} ${right}`;
    if (flags === "i") return `${left} ${op}* ${right}`;
    return `${left} ${op} CONCAT('(?', ${this.renderStringLiteral(flags)}, ')', ${right})`;
  }
  /** icontains & co: ILIKE needs no lower() (SQLAlchemy's PG `visit_ilike_case_insensitive_operand`). */
  protected override renderLoweredIlike(left: string, right: string, negate: boolean): string {
    return `${left} ${negate ? "NOT ILIKE" : "ILIKE"} ${right}`;
  }
  override visitIlikeOperand(e: IlikeOperand, kw: CompileKw): string {
    return this.process(e.element, kw);
  }
  protected override renderRegexpReplace(left: string, right: string, flags: string | undefined): string {
    return flags === undefined ? `REGEXP_REPLACE(${left}, ${right})` : `REGEXP_REPLACE(${left}, ${right}, ${this.renderStringLiteral(flags)})`;
  }
  protected override renderMatch(left: string, right: string): string {
    return `${left} @@ plainto_tsquery(${right})`;
  }
  protected override renderBitwiseXor(b: BinaryExpression<unknown>, kw: CompileKw): string {
    return `${this.process(b.left, kw)} # ${this.process(b.right, kw)}`;
  }
  /** `nextval('schema.name')`: the name as a string literal, quoted inside as an identifier when needed. */
  override visitNextValue(n: NextValue): string {
    return `nextval(${this.renderStringLiteral(this.sequenceName(n))})`;
  }
  /** PostgreSQL wants the counts parenthesised when they are not literals (SQLAlchemy renders them so always). */
  /**
   * `FOR UPDATE | FOR NO KEY UPDATE | FOR SHARE | FOR KEY SHARE [OF t, …] [NOWAIT | SKIP LOCKED]`;
   * `of` columns name their tables, each once (SQLAlchemy's PGCompiler.for_update_clause).
   */
  protected override forUpdateClause(s: Select): string {
    const f = s.forUpdateArg!;
    let t = f.read ? (f.keyShare ? " FOR KEY SHARE" : " FOR SHARE") : f.keyShare ? " FOR NO KEY UPDATE" : " FOR UPDATE";
    if (f.of?.length) {
      const names = new Set<string>();
      for (const o of f.of) {
        const from = o instanceof FromClause ? o : o instanceof ColumnClause ? o.table : undefined;
        if (from === undefined) names.add(this.process(o as ClauseElement, {}));
        // A JOIN locks each of its tables (SQLAlchemy renders them in reverse of the join order).
        else for (const leaf of [...from.coveredFroms()].reverse()) if (!(leaf instanceof Join)) names.add(this.quoteIdentifier(this.fromName(leaf)));
      }
      t += ` OF ${[...names].join(", ")}`;
    }
    if (f.nowait) t += " NOWAIT";
    if (f.skipLocked) t += " SKIP LOCKED";
    return t;
  }
  /** `SUBSTRING(x FROM start [FOR length])` (SQLAlchemy's PGCompiler.visit_substring_func). */
  override visitFunction(f: FunctionElement<unknown, string>, kw: CompileKw): string {
    const lower = f.name.toLowerCase();
    if (lower === "substring" && (f.args.length === 2 || f.args.length === 3)) {
      const [x, start, len] = f.args.map((a) => this.processFunctionArgument(a, { ...kw, withinColumnsClause: false }));
      return len === undefined ? `SUBSTRING(${x} FROM ${start})` : `SUBSTRING(${x} FROM ${start} FOR ${len})`;
    }
    return super.visitFunction(f, kw);
  }
  /** PostgreSQL accepts `VALUES (DEFAULT)` (SQLAlchemy's `supports_default_metavalue`). */
  protected override defaultMetavalueToken(): string | undefined {
    return "DEFAULT";
  }
  /** `DELETE FROM a USING b WHERE …` (SQLAlchemy's PGCompiler.delete_extra_from_clause). */
  protected override deleteUsingClause(froms: readonly FromClause[]): string {
    return ` USING ${froms.map((f) => this.process(f, { asFrom: true })).join(", ")}`;
  }
  /** `aggregate_strings()` is `string_agg()`, `pow()` is `power()` (SQLAlchemy's PGCompiler). */
  protected override portableFunctionName(name: string): string | undefined {
    return name === "aggregate_strings" ? "string_agg" : name === "pow" ? "power" : undefined;
  }
  /** PostgreSQL takes an OFFSET without a LIMIT: `OFFSET n` alone. */
  protected override limitClause(limit: ColumnElement<unknown, string> | undefined, offset: ColumnElement<unknown, string> | undefined): string {
    let s = "";
    if (limit) s += `\n LIMIT ${this.process(limit, {})}`;
    // A lone OFFSET renders `LIMIT ALL OFFSET n`, as SQLAlchemy's PostgreSQL compiler does.
    if (offset) s += `${limit ? "" : "\n LIMIT ALL"} OFFSET ${this.process(offset, {})}`;
    return s;
  }
  protected override fetchClause(s: GenerativeSelect): string {
    return this.renderFetch(s, (sql) => `(${sql})`);
  }
  protected override renderBytesLiteral(b: Uint8Array): string {
    return `'\\x${[...b].map((x) => x.toString(16).padStart(2, "0")).join("")}'::bytea`;
  }
}

/** SQLite statement compiler: 0/1 booleans, `?` parameters, SQLite's spellings. @module */
import { CompileError } from "../../errors.js";
import { SQLCompiler, type CompileKw } from "../../sql/compiler.js";
import type { BinaryExpression, Cast, CollectionAggregate, Extract, FunctionElement, IndexCompiler, IndexExpression } from "../../sql/elements.js";
import { BINARY_SQL, POSTGRESQL_ONLY } from "../../sql/operators.js";
import type { NextValue } from "../../sql/schema.js";
import type { CompoundSelect, FromClause, GenerativeSelect, Select, TableSample, Values } from "../../sql/selectable.js";

const SQLITE_FUNCTION_NAMES: Record<string, string> = { now: "CURRENT_TIMESTAMP" };

/** EXTRACT fields as STRFTIME formats (SQLAlchemy's SQLite `extract_map`). */
const EXTRACT_FORMATS: Record<string, string> = {
  month: "%m", day: "%d", year: "%Y", second: "%S", hour: "%H", doy: "%j", minute: "%M", epoch: "%s", dow: "%w", week: "%W",
};

/** Compiles statements for SQLite. */
export class SQLiteCompiler extends SQLCompiler implements IndexCompiler {
  /**
   * JSON elements as SQLAlchemy's SQLite compiler renders them: `JSON_QUOTE(JSON_EXTRACT(x, ?))`
   * (JSON text, read back as a JS value) and `CAST(JSON_EXTRACT(x, ?) AS INTEGER)` for a SQL
   * type; the bound path is `$."key"`, `$[0]` or `$."a"[1]`.
   * @throws CompileError for ARRAY indexes and slices: SQLite has no array type.
   */
  visitIndex(e: IndexExpression<unknown>, kw: CompileKw): string {
    if (e.operator === "getitem") throw new CompileError(`ARRAY index or slice of ${e.left.describe()} (at() / slice()) is not supported by SQLite, which has no array type`);
    const extract = `JSON_EXTRACT(${this.process(e.left, kw)}, ${this.process(e.right, kw)})`;
    return e.type.affinity === "json" ? `JSON_QUOTE(${extract})` : `CAST(${extract} AS ${e.type.compileType({ name: "sqlite" })})`;
  }
  /**
   * JSONB and ARRAY operators (`@>`, `?`, `&&`, …) exist only on PostgreSQL. IS [NOT] DISTINCT
   * FROM is SQLite's `IS NOT` / `IS`, which compare NULLs the same way (SQLAlchemy's SQLiteCompiler).
   */
  override visitBinary(b: BinaryExpression<unknown>, kw: CompileKw): string {
    if (POSTGRESQL_ONLY.has(b.operator)) {
      throw new CompileError(`${b.operator}() (${BINARY_SQL[b.operator]!.trim()}) on ${b.left.describe()} is PostgreSQL-only; SQLite has no JSONB or ARRAY operators`);
    }
    if (b.operator === "isDistinctFrom" || b.operator === "isNotDistinctFrom") {
      return `${this.process(b.left, kw)} ${b.operator === "isDistinctFrom" ? "IS NOT" : "IS"} ${this.process(b.right, kw)}`;
    }
    return super.visitBinary(b, kw);
  }
  /**
   * `CAST(x AS JSON)` would give SQLite's NUMERIC affinity (a JSON document becomes 0), so a cast
   * to a JSON type renders `CAST(x AS TEXT)`: SQLite stores JSON as text and the JSON result
   * processor parses it back.
   */
  override visitCast(c: Cast<unknown>, kw: CompileKw): string {
    if (c.type.affinity !== "json") return super.visitCast(c, kw);
    this.typeSql(c.type); // still rejects types SQLite cannot spell (JSONB)
    return `CAST(${this.process(c.element, kw)} AS TEXT)`;
  }
  override renderBoolean(v: boolean): string {
    return v ? "1" : "0";
  }
  /** SQLite divides integers as integers; adding 0.0 makes any division true division (SQLAlchemy 2.0). */
  protected override renderTruediv(_b: BinaryExpression<unknown>, left: string, right: string): string {
    return `${left} / (${right} + 0.0)`;
  }
  /**
   * libSQL binds JS numbers as REAL, so `? / ?` with integer values would divide as floats;
   * the CAST gives integer division's result (truncation toward zero) either way.
   */
  protected override renderIntFloordiv(left: string, right: string): string {
    return `CAST(${left} / ${right} AS INTEGER)`;
  }
  /**
   * SQLite has no column list on a derived table (`AS v (a, b)`), so VALUES renders as a
   * UNION ALL of SELECTs naming the columns: `(SELECT ? AS a, ? AS b UNION ALL SELECT ?, ?) AS v`.
   */
  override visitValues(v: Values, kw: CompileKw): string {
    const name = this.quoteIdentifier(this.fromName(v));
    if (!kw.asFrom) return name;
    if (v.rows.length === 0) throw new CompileError(`VALUES construct '${v.describeName()}' has no rows; call .data([...])`);
    const names = v.columnList.map((c) => this.quoteIdentifier(c.name));
    const rows = v.rows.map((r, i) => `SELECT ${r.map((x, j) => `${this.process(x, {})}${i === 0 ? ` AS ${names[j]}` : ""}`).join(", ")}`);
    return `(${rows.join(" UNION ALL ")}) AS ${name}`;
  }
  protected override renderRegexp(left: string, right: string, negate: boolean, flags: string | undefined): string {
    const pattern = flags ? `'(?${flags})' || ${right}` : right;
    return `${left} ${negate ? "NOT REGEXP" : "REGEXP"} ${pattern}`;
  }
  protected override renderTableSample(a: TableSample): string {
    throw new CompileError(`SQLite has no TABLESAMPLE (tablesample() '${a.describeName()}')`);
  }
  protected override fetchClause(_s: GenerativeSelect): string {
    throw new CompileError("SQLite has no FETCH FIRST clause (fetch()); use limit()");
  }
  /** SQLite has UNION ALL but no EXCEPT ALL / INTERSECT ALL. */
  override visitCompoundSelect(c: CompoundSelect, kw: CompileKw): string {
    if (c.keyword === "EXCEPT ALL" || c.keyword === "INTERSECT ALL") throw new CompileError(`SQLite does not support ${c.keyword} (${c.keyword === "EXCEPT ALL" ? "exceptAll" : "intersectAll"}())`);
    return super.visitCompoundSelect(c, kw);
  }
  /** SQLite has no regular-expression replacement (SQLAlchemy raises likewise). */
  protected override renderRegexpReplace(): string {
    throw new CompileError("sqlite dialect does not support regular expression replacements (regexpReplace())");
  }
  /** SQLite has no XOR operator: `a XOR b` is `(a | b) - (a & b)`. */
  protected override renderBitwiseXor(b: BinaryExpression<unknown>, kw: CompileKw): string {
    const l = this.process(b.left, kw);
    const r = this.process(b.right, kw);
    return `((${l} | ${r}) - (${l} & ${r}))`;
  }
  /** `CAST(STRFTIME('%Y', x) AS INTEGER)` (SQLAlchemy's SQLite `visit_extract`). */
  override visitExtract(e: Extract, kw: CompileKw): string {
    const fmt = EXTRACT_FORMATS[e.field.toLowerCase()];
    if (!fmt) throw new CompileError(`${e.field} is not a valid extract argument on SQLite (extract()); use one of ${Object.keys(EXTRACT_FORMATS).join(", ")}`);
    return `CAST(STRFTIME('${fmt}', ${this.process(e.expr, { ...kw, withinColumnsClause: false })}) AS INTEGER)`;
  }
  override visitCollectionAggregate(a: CollectionAggregate<unknown>): string {
    throw new CompileError(`${a.operator.toLowerCase()}_() (${a.operator} (…)) is not supported by SQLite; use in() with a list or a subquery`);
  }
  override visitNextValue(n: NextValue): string {
    // SQLAlchemy's SQLCompiler.visit_sequence (a NotImplementedError there; a CompileError here).
    void n;
    throw new CompileError(`Dialect '${this.dialect.name}' does not support sequence increments.`);
  }
  /** `aggregate_strings()` is `group_concat()` (SQLAlchemy's SQLiteCompiler). */
  protected override portableFunctionName(name: string): string | undefined {
    // char_length(): SQLite's length() (SQLAlchemy's SQLite visit_char_length_func).
    return name === "aggregate_strings" ? "group_concat" : name === "char_length" ? "length" : undefined;
  }
  override visitFunction(f: FunctionElement<unknown, string>, kw: Parameters<SQLCompiler["visitFunction"]>[1]): string {
    if (f.args.length === 0 && SQLITE_FUNCTION_NAMES[f.name.toLowerCase()]) return SQLITE_FUNCTION_NAMES[f.name.toLowerCase()];
    return super.visitFunction(f, kw);
  }
  /** SQLite has no row locking; FOR UPDATE is omitted as in SQLAlchemy. */
  protected override forUpdateClause(_s: Select): string {
    return "";
  }
  protected override renderDistinct(s: Select, _kw: CompileKw): string {
    if (s.distinctOn.length) throw new CompileError("DISTINCT ON is PostgreSQL only; SQLite supports plain DISTINCT");
    return "DISTINCT ";
  }
  protected override deleteUsingClause(_froms: readonly FromClause[]): string {
    throw new CompileError("DELETE … USING (a DELETE naming other tables in WHERE) is not supported by SQLite; use a subquery: where(t.c.id.in(select(…)))");
  }
  /** SQLite does not accept parenthesised members in a compound SELECT. */
  protected override parenthesizeCompoundMember(sql: string): string {
    return `SELECT * FROM (${sql})`;
  }
}

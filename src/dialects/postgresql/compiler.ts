/** PostgreSQL statement compiler: ILIKE, `~` regular expressions, `$n` parameters. @module */
import { SQLCompiler, type CompileKw, type SlotSource } from "../../sql/compiler.js";
import type { BinaryExpression, BindParameter, IlikeOperand } from "../../sql/elements.js";
import type { ColumnImpl, NextValue } from "../../sql/schema.js";
import type { GenerativeSelect } from "../../sql/selectable.js";
import type { TypeEngine } from "../../sql/type-api.js";

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

/** Compiles statements for PostgreSQL. */
export class PGCompiler extends SQLCompiler {
  /**
   * postgres.js sends parameters untyped, so where PostgreSQL cannot infer a type (a SELECT list,
   * a VALUES row, a recursive CTE's anchor) numbers and booleans get an explicit cast:
   * `SELECT $1::INTEGER AS anon_1` (SQLAlchemy's asyncpg dialect renders bind casts likewise).
   */
  override visitBindParam(b: BindParameter<unknown, string>, kw: CompileKw, opts: { column?: ColumnImpl; source?: SlotSource } = {}): string {
    const sql = super.visitBindParam(b, kw, opts);
    if (!kw.bindCast || b.expanding || this.options.literalBinds) return sql;
    const name = castTypeName(b.type);
    return name ? `${sql}::${name}` : sql;
  }
  protected override renderIlike(left: string, right: string, negate: boolean): string {
    return `${left} ${negate ? "NOT ILIKE" : "ILIKE"} ${right}`;
  }
  protected override renderRegexp(left: string, right: string, negate: boolean, flags: string | undefined): string {
    const ci = flags?.includes("i") ?? false;
    const op = `${negate ? "!" : ""}~${ci ? "*" : ""}`;
    return `${left} ${op} ${right}`;
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
  protected override fetchClause(s: GenerativeSelect): string {
    return this.renderFetch(s, (sql) => `(${sql})`);
  }
  protected override renderBytesLiteral(b: Uint8Array): string {
    return `'\\x${[...b].map((x) => x.toString(16).padStart(2, "0")).join("")}'::bytea`;
  }
}

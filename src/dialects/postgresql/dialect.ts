/** The PostgreSQL dialect: `$n` parameters, 65535 parameters per statement. @module */
import { Dialect } from "../../sql/dialect.js";
import { PGCompiler } from "./compiler.js";
import type { CompileOptions, SQLCompiler } from "../../sql/compiler.js";
import type { ClauseElement } from "../../sql/elements.js";

/** PostgreSQL dialect. */
export class PGDialect extends Dialect {
  override readonly name = "postgresql" as const;
  override readonly paramstyle = "numeric_dollar" as const;
  /** The extended protocol's parameter count is a 16-bit integer. */
  override readonly maxParams = 65535;
  override compilerClass(): new (dialect: Dialect, stmt: ClauseElement, opts: CompileOptions) => SQLCompiler {
    return PGCompiler;
  }
}
/** Shared PostgreSQL dialect instance. */
export const postgresqlDialect = /* @__PURE__ */ new PGDialect();

/**
 * `Boolean`, following SQLAlchemy's `Boolean` (without its optional CHECK constraint).
 * @module
 */
import type { DialectName } from "../../engine/driver/contract.js";
import { TypeEngine, type BindProcessor, type ResultProcessor, type TypeCompileTarget } from "../type-api.js";
import { cannotBind, cannotRead } from "./errors.js";

/**
 * JS `boolean`. DDL: `BOOLEAN` on both dialects.
 *
 * Bind accepts `true`/`false` and, as SQLAlchemy does, the integers `1`/`0`; anything else raises
 * `ArgumentError`. PostgreSQL receives a boolean. SQLite has no boolean storage class, so the
 * value is stored as the integer 1 or 0 and read back as `v !== 0`.
 * PostgreSQL results: a boolean (postgres.js) or its text `t`/`f`/`true`/`false` (text drivers).
 */
export class BooleanType extends TypeEngine<boolean> {
  readonly affinity = "boolean" as const;
  get cacheKey(): string {
    return "BOOLEAN";
  }
  compileType(_dialect: TypeCompileTarget): string {
    return "BOOLEAN";
  }
  protected override makeBindProcessor(dialect: DialectName): BindProcessor {
    const t = dialect === "sqlite" ? 1 : true;
    const f = dialect === "sqlite" ? 0 : false;
    return (v) => {
      if (v == null) return null;
      if (v === true || v === 1) return t;
      if (v === false || v === 0) return f;
      throw cannotBind("Boolean", v);
    };
  }
  protected override makeResultProcessor(dialect: DialectName): ResultProcessor {
    if (dialect === "sqlite") {
      return (v) => (v == null ? null : typeof v === "boolean" ? v : v !== 0 && v !== 0n && v !== "0");
    }
    return (v) => {
      if (v == null) return null;
      if (typeof v === "boolean") return v;
      if (v === "t" || v === "true") return true;
      if (v === "f" || v === "false") return false;
      throw cannotRead("Boolean", v);
    };
  }
}

const BOOLEAN = /* @__PURE__ */ new BooleanType();
/** SQLAlchemy `Boolean`. */
const BooleanFactory = (): BooleanType => BOOLEAN;
// Declared under another name so this module keeps the global `Boolean`.
export { BooleanFactory as Boolean };

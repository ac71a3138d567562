/**
 * `Uuid`, following SQLAlchemy 2.0's `Uuid(as_uuid=False)`: values are canonical strings.
 * @module
 */
import type { DialectName } from "../../engine/driver/contract.js";
import { TypeEngine, type BindProcessor, type TypeCompileTarget } from "../type-api.js";
import { cannotBind } from "./errors.js";

const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * UUID as a JS `string` in the canonical 8-4-4-4-12 hex form. DDL: PostgreSQL `UUID`,
 * SQLite `CHAR(36)`.
 *
 * Bind validates the canonical form (any case) and raises `ArgumentError` otherwise. SQLite
 * compares text case-sensitively, so there the value is lower-cased (PostgreSQL's own output
 * form), keeping equality and uniqueness consistent with PostgreSQL. Results pass through.
 */
export class UuidType extends TypeEngine<string> {
  readonly affinity = "uuid" as const;
  get cacheKey(): string {
    return "UUID";
  }
  compileType(dialect: TypeCompileTarget): string {
    // The generic dialect has no native UUID: SQLAlchemy's Uuid falls back to CHAR(32) there.
    if (dialect.generic) return "CHAR(32)";
    return dialect.name === "postgresql" ? "UUID" : "CHAR(36)";
  }
  protected override makeBindProcessor(dialect: DialectName): BindProcessor {
    const lower = dialect === "sqlite";
    return (v) => {
      if (v == null) return null;
      if (typeof v === "string" && CANONICAL.test(v)) return lower ? v.toLowerCase() : v;
      throw cannotBind("Uuid", v, typeof v === "string" ? "expected 8-4-4-4-12 hex digits" : undefined);
    };
  }
}

const UUID = /* @__PURE__ */ new UuidType();
/** SQLAlchemy `Uuid`. */
export const Uuid = (): UuidType => UUID;

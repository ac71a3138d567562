/**
 * `Enum`, following SQLAlchemy's `Enum` with string values (`native_enum`, `name`, `length`).
 * @module
 */
import { ArgumentError } from "../../errors.js";
import { TypeEngine, type BindProcessor, type ResultProcessor, type TypeCompileTarget } from "../type-api.js";
import { EnumLookupError, describeValue } from "./errors.js";
import { quoteIdentifier, quoteString } from "./identifier.js";

/** Options of {@link Enum}. */
export interface EnumOptions {
  /** PostgreSQL type name; required for a native enum. */
  readonly name?: string;
  /** Schema of the native type, if not the search path's. */
  readonly schema?: string;
  /**
   * Use a PostgreSQL `CREATE TYPE … AS ENUM` type (default true, effective only with a `name`).
   * When false, or without a name, or on SQLite, the column is `VARCHAR(length)`.
   */
  readonly nativeEnum?: boolean;
  /** VARCHAR length of the non-native form; default and minimum: the longest value. */
  readonly length?: number;
  /**
   * Add `CHECK (col IN (…))` to the CREATE TABLE of a non-native enum (SQLAlchemy's
   * `create_constraint`, false by default since 1.4).
   */
  readonly createConstraint?: boolean;
}

/**
 * One of a fixed set of strings, JS type `V`.
 *
 * DDL: PostgreSQL native type `name` (create it with {@link createTypeDDL} before the table);
 * otherwise `VARCHAR(n)` with `n` the longest value in characters. The non-native form does not
 * restrict values in the database by itself unless `createConstraint: true` makes the DDL layer
 * add {@link checkConstraintSql} as a CHECK constraint (SQLAlchemy's `create_constraint`).
 *
 * Bind and result both raise {@link EnumLookupError} (an `ArgumentError`) for a value outside
 * {@link values}, naming the value and the allowed values (SQLAlchemy's `LookupError`; athanor
 * validates strings on bind too, as SQLAlchemy's `validate_strings=True`).
 * @throws ArgumentError for an empty or duplicated value list, non-string values, a `length`
 * shorter than the longest value, or `nativeEnum: true` without a `name`.
 */
export class EnumType<V extends string = string> extends TypeEngine<V> {
  readonly affinity = "enum" as const;
  /** Allowed values, in declaration order (PostgreSQL sorts native enums by it). */
  readonly values: readonly V[];
  readonly name: string | undefined;
  readonly schema: string | undefined;
  /** Renders the PostgreSQL native type (true only with a name and `nativeEnum` not false). */
  readonly nativeEnum: boolean;
  /** Whether CREATE TABLE adds a CHECK for the non-native form ({@link EnumOptions.createConstraint}). */
  readonly createConstraint: boolean;
  readonly length: number;
  private readonly allowed: ReadonlySet<string>;

  constructor(values: readonly V[], options: EnumOptions = {}) {
    super();
    const label = options.name ? `Enum(${options.name})` : "Enum";
    if (!Array.isArray(values) || values.length === 0) throw new ArgumentError(`${label} needs at least one value`);
    for (const v of values) {
      if (typeof v !== "string") throw new ArgumentError(`${label} values must be strings, got ${describeValue(v)}`);
    }
    const allowed = new Set<string>(values);
    if (allowed.size !== values.length) throw new ArgumentError(`${label} values must be unique`);
    if (options.nativeEnum === true && !options.name) {
      throw new ArgumentError("Enum with nativeEnum: true needs a name for the PostgreSQL type");
    }
    const longest = Math.max(...values.map((v) => [...v].length));
    if (options.length !== undefined && !(Number.isInteger(options.length) && options.length >= longest)) {
      throw new ArgumentError(`${label} length must be an integer of at least ${longest} (the longest value)`);
    }
    this.values = Object.freeze([...values]);
    this.name = options.name;
    this.schema = options.schema;
    this.nativeEnum = options.nativeEnum !== false && options.name !== undefined;
    this.createConstraint = options.createConstraint ?? false;
    this.length = options.length ?? longest;
    this.allowed = allowed;
  }

  /** The type name as rendered in DDL, schema-qualified when a schema is set. */
  get qualifiedName(): string | undefined {
    if (this.name === undefined) return undefined;
    const n = quoteIdentifier(this.name);
    return this.schema ? `${quoteIdentifier(this.schema)}.${n}` : n;
  }
  get cacheKey(): string {
    const vals = this.values.map(quoteString).join(",");
    return this.nativeEnum ? `ENUM ${this.qualifiedName}(${vals})` : `ENUM VARCHAR(${this.length})(${vals})`;
  }
  compileType(dialect: TypeCompileTarget): string {
    return dialect.name === "postgresql" && this.nativeEnum && !dialect.generic ? this.qualifiedName! : `VARCHAR(${this.length})`;
  }
  /**
   * `CREATE TYPE name AS ENUM ('a', 'b')` for PostgreSQL.
   * @throws ArgumentError when the enum is not native.
   */
  createTypeDDL(): string {
    return `CREATE TYPE ${this.nativeName()} AS ENUM (${this.values.map(quoteString).join(", ")})`;
  }
  /**
   * `DROP TYPE [IF EXISTS] name` for PostgreSQL.
   * @throws ArgumentError when the enum is not native.
   */
  dropTypeDDL(options: { readonly ifExists?: boolean } = {}): string {
    return `DROP TYPE ${options.ifExists ? "IF EXISTS " : ""}${this.nativeName()}`;
  }
  /** `<columnSql> IN ('a', 'b')`, the CHECK condition for the non-native form. */
  checkConstraintSql(columnSql: string): string {
    return `${columnSql} IN (${this.values.map(quoteString).join(", ")})`;
  }
  private nativeName(): string {
    if (!this.nativeEnum) throw new ArgumentError("Enum without a name (or with nativeEnum: false) has no PostgreSQL type DDL");
    return this.qualifiedName!;
  }
  private reject(verb: "bind" | "read", v: unknown): EnumLookupError {
    const label = this.name ? `Enum(${this.name})` : "Enum";
    return new EnumLookupError(
      `${label} cannot ${verb} ${describeValue(v)}: allowed values are ${this.values.map(quoteString).join(", ")}`,
    );
  }
  protected override makeBindProcessor(): BindProcessor {
    const allowed = this.allowed;
    return (v) => {
      if (v == null) return null;
      if (typeof v === "string" && allowed.has(v)) return v;
      throw this.reject("bind", v);
    };
  }
  protected override makeResultProcessor(): ResultProcessor {
    const allowed = this.allowed;
    return (v) => {
      if (v == null) return null;
      if (typeof v === "string" && allowed.has(v)) return v;
      throw this.reject("read", v);
    };
  }
}

/**
 * SQLAlchemy `Enum`: `Enum(["draft", "published"] as const, { name: "status" })`; the JS type is
 * the union of the values.
 */
export function Enum<const V extends string>(values: readonly V[], options?: EnumOptions): EnumType<V> {
  return new EnumType(values, options);
}

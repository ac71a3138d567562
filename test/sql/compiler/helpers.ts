/**
 * Shared fixtures of the compiler suite: SQLAlchemy's `mytable`/`myothertable` style tables and
 * an `assertCompile` that compares SQL the way SQLAlchemy's `assert_compile` does (newlines
 * removed), plus exact parameters.
 * @module
 */
import { expect } from "vitest";
import { Column, Float, Integer, MetaData, Numeric, String, Table, column, table } from "../../../src/index.js";
import type { ClauseElement, CompileOptions, Dialect } from "../../../src/index.js";
import { postgresqlDialect } from "../../../src/dialects/postgresql/dialect.js";
import { sqliteDialect } from "../../../src/dialects/sqlite/dialect.js";

export { postgresqlDialect, sqliteDialect };

/** Dialect shorthands for {@link assertCompile}. */
export type DialectArg = "default" | "postgresql" | "sqlite" | Dialect;

function dialectOf(d: DialectArg | undefined): Dialect | undefined {
  if (d === undefined || d === "default") return undefined;
  if (d === "postgresql") return postgresqlDialect;
  if (d === "sqlite") return sqliteDialect;
  return d;
}

/** Compile with an optional dialect and options. */
export function compile(stmt: ClauseElement, dialect?: DialectArg, opts: CompileOptions = {}) {
  const d = dialectOf(dialect);
  return stmt.compile({ ...opts, ...(d ? { dialect: d } : {}) });
}

/**
 * Assert the SQL (with "\n" removed, as SQLAlchemy's assert_compile) and, when given, the
 * parameters by name.
 */
export function assertCompile(
  stmt: ClauseElement,
  expected: string,
  opts: { dialect?: DialectArg; params?: Record<string, unknown>; positional?: unknown[]; literalBinds?: boolean; renderPostcompile?: boolean } = {},
): void {
  const c = compile(stmt, opts.dialect, {
    ...(opts.literalBinds ? { literalBinds: true } : {}),
    ...(opts.renderPostcompile ? { renderPostcompile: true } : {}),
  });
  expect(c.sql.replace(/\n/g, "")).toBe(expected);
  if (opts.params) expect(c.params).toEqual(opts.params);
  if (opts.positional) expect(c.positionalParams).toEqual(opts.positional);
}

/** SQLAlchemy test_compiler's lightweight tables. */
export const mytable = table("mytable", column("myid", Integer()), column("name", String()), column("description", String()));
export const myothertable = table("myothertable", column("otherid", Integer()), column("othername", String()));

/** Schema tables with foreign keys: users ← addresses, plus a float/numeric table. */
export function schema() {
  const md = new MetaData();
  const users = Table("users", md, {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(50)),
  });
  const addresses = Table("addresses", md, {
    id: Column(Integer, { primaryKey: true }),
    user_id: Column(Integer, { foreignKey: "users.id" }),
    email: Column(String(100)),
  });
  const nums = Table("nums", md, {
    id: Column(Integer, { primaryKey: true }),
    i: Column(Integer),
    f: Column(Float),
    n: Column(Numeric(10, 2)),
  });
  return { md, users, addresses, nums };
}

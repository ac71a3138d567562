/**
 * The cache-key fixture runner of the sa10 suite: SQLAlchemy's `CacheKeyFixture`
 * (lib/sqlalchemy/testing/fixtures/sql.py `_run_cache_key_fixture`, `_run_cache_key_equal_fixture`),
 * plus the checks athanor adds because it reuses compiled forms by key:
 *
 * - building a group twice, variant `i` of both builds has the same key and the same bound values
 *   in the same order (with `compareValues`);
 * - variants `i != j` have different keys, unless (as SQLAlchemy allows) their keys are equal and
 *   their bound values differ: `x IN (5, 7)` and `x IN (10, 7, 8)` are one statement shape;
 * - whenever two keys are equal, the compiled form of one, given the other's bound parameters (what
 *   the engine does on a cache hit), yields exactly the SQL and parameters the other compiles to
 *   itself, on PostgreSQL and SQLite (where it compiles): a key that misses a structural field
 *   fails here;
 * - different keys compile to different SQL (PostgreSQL, SQLite and the default dialect's named
 *   parameters taken together), except the pairs a group lists in `sameSql` (a difference only
 *   in a type, which changes result processing but not the text);
 * - pairs a group lists in `sameKey` are variants SQLAlchemy keys apart and athanor on purpose
 *   does not (the difference does not reach the compiled form): their keys must be equal and
 *   their compiled forms interchangeable.
 * @module
 */
import { expect } from "vitest";
import { Insert, generateCacheKey, type ClauseElement, type Dialect } from "../../../src/index.js";
import { postgresqlDialect, sqliteDialect } from "./helpers.js";

/** One fixture group: `build()` returns variants that must all get distinct keys. */
export interface KeyGroup {
  readonly name: string;
  readonly build: () => readonly ClauseElement[];
  /** Compare bound values of equal variants (SQLAlchemy's `compare_values`; default true). */
  readonly compareValues?: boolean;
  /** Sets of variants whose keys differ while their SQL text may be the same (any two of a set). */
  readonly sameSql?: readonly (readonly number[])[];
  /** Sets of variants that share one key in athanor, unlike SQLAlchemy (see the file header). */
  readonly sameKey?: readonly (readonly number[])[];
}

const dialects: readonly Dialect[] = [postgresqlDialect, sqliteDialect];

/** The statement as the engine compiles it for execution (bind positions from its cache key). */
function compileForExecution(stmt: ClauseElement, dialect: Dialect) {
  const ck = generateCacheKey(stmt);
  const bindIndex = new Map(ck.binds.map((b, i) => [b, i] as const));
  const columnKeys = stmt instanceof Insert && !stmt.fromSelectStmt && !stmt.isMultiValues && !stmt.valueRows ? { columnKeys: [] } : {};
  return dialect.createCompiler(stmt, { forExecution: true, bindIndex, ...columnKeys }).compile();
}

type Outcome = { sql: string; params: unknown[]; columns: string[] } | { error: string };

function attempt(f: () => { sql: string; params: unknown[]; columns: string[] }): Outcome {
  try {
    return f();
  } catch (e) {
    return { error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
}

function columnsOf(c: ReturnType<typeof compileForExecution>): string[] {
  return c.resultColumns.map((r) => `${r.key}:${r.type.cacheKey}`);
}

/**
 * `cached`'s compiled form run with `fresh`'s bound parameters must equal `fresh` compiled on its
 * own: what a cache hit does.
 */
export function expectSameExecution(cached: ClauseElement, fresh: ClauseElement, label: string): void {
  const freshBinds = generateCacheKey(fresh).binds;
  for (const d of dialects) {
    const own = attempt(() => {
      const c = compileForExecution(fresh, d);
      return { ...c.construct(freshBinds, undefined), columns: columnsOf(c) };
    });
    const viaCache = attempt(() => {
      const c = compileForExecution(cached, d);
      return { ...c.construct(freshBinds, undefined), columns: columnsOf(c) };
    });
    expect(viaCache, `${label} on ${d.name}: the cached form renders the fresh statement`).toEqual(own);
  }
}

/** The SQL text on PostgreSQL, SQLite and the default dialect (whose parameters are named). */
function sqlSignature(stmt: ClauseElement): string {
  const one = (f: () => string) => {
    try {
      return f();
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
  };
  return [
    one(() => compileForExecution(stmt, postgresqlDialect).sql),
    one(() => compileForExecution(stmt, sqliteDialect).sql),
    one(() => stmt.compile().sql),
  ].join("\n--\n");
}

const valuesOf = (stmt: ClauseElement) => generateCacheKey(stmt).binds.map((b) => (b.callable ? b.callable() : b.value));

/** SQLAlchemy's `_run_cache_key_fixture` with athanor's execution checks. */
export function runKeyGroup(group: KeyGroup): void {
  const compareValues = group.compareValues ?? true;
  const a = group.build();
  const b = group.build();
  expect(a.length, `${group.name}: both builds give the same number of variants`).toBe(b.length);
  const pairs = (sets: readonly (readonly number[])[] | undefined) =>
    new Set((sets ?? []).flatMap((set) => set.flatMap((i) => set.filter((j) => j > i).map((j) => `${i},${j}`))));
  const sameSql = pairs(group.sameSql);
  const sameKey = pairs(group.sameKey);
  for (let i = 0; i < a.length; i++) {
    for (let j = i; j < b.length; j++) {
      const label = `${group.name} [${i}] vs [${j}]`;
      const ka = generateCacheKey(a[i]);
      const kb = generateCacheKey(b[j]);
      if (i === j) {
        expect(ka.key === kb.key, `${label}: the same variant built twice has one key`).toBe(true);
        expect(ka.binds.length, `${label}: bind count`).toBe(kb.binds.length);
        if (compareValues) expect(valuesOf(b[j]), `${label}: bound values in order`).toEqual(valuesOf(a[i]));
        expectSameExecution(a[i], b[j], label);
        continue;
      }
      if (sameKey.has(`${i},${j}`)) {
        expect(ka.key === kb.key, `${label}: athanor shares one key here`).toBe(true);
        expectSameExecution(a[i], b[j], label);
        expectSameExecution(b[j], a[i], `${label} (reversed)`);
      } else if (ka.key === kb.key) {
        // SQLAlchemy's rule: equal keys are fine when the bound values tell the statements apart.
        expect(compareValues, `${label}: distinct variants share a key`).toBe(true);
        expect(valuesOf(b[j]), `${label}: equal keys and equal bound values`).not.toEqual(valuesOf(a[i]));
        expectSameExecution(a[i], b[j], label);
        expectSameExecution(b[j], a[i], `${label} (reversed)`);
      } else if (!sameSql.has(`${i},${j}`)) {
        expect(sqlSignature(a[i]), `${label}: different keys, different SQL`).not.toBe(sqlSignature(b[j]));
      }
    }
  }
}

/** SQLAlchemy's `_run_cache_key_equal_fixture`: every variant has one key, and one SQL. */
export function runEqualGroup(name: string, build: () => readonly ClauseElement[]): void {
  const a = build();
  const b = build();
  for (let i = 0; i < a.length; i++) {
    for (let j = i; j < b.length; j++) {
      expect(generateCacheKey(a[i]).key === generateCacheKey(b[j]).key, `${name} [${i}] vs [${j}]: equal keys`).toBe(true);
      expectSameExecution(a[i], b[j], `${name} [${i}] vs [${j}]`);
    }
  }
}


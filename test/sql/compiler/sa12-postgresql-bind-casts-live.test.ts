/**
 * Typed bound parameters as function arguments on PostgreSQL, executed: the drivers here
 * (postgres.js, PGlite) send parameters untyped, so PostgreSQL infers their types, and for an
 * overloaded or polymorphic function it cannot (`generate_series($1, $2)`: "function … is not
 * unique"; `EXTRACT(year FROM $1)`: "could not determine polymorphic type"). athanor renders the
 * bind's cast there (`generate_series($1::INTEGER, $2::INTEGER)`, `EXTRACT(year FROM
 * $1::TIMESTAMP WITHOUT TIME ZONE)`), as SQLAlchemy's asyncpg dialect does with
 * `render_bind_cast`. Checked on the PostgreSQL server (postgres.js) and on PGlite, in the SELECT
 * list, in FROM and in WHERE.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresqlDialect } from "../../../src/dialects/postgresql/dialect.js";
import {
  Column, Date as DateT, DateTime, Float, Integer, Interval, MetaData, Numeric, Table, createAsyncEngine, extract, func, insert, literal, select, text,
  type AsyncEngine, type ClauseElement,
} from "../../../src/index.js";
import { createPgliteDriver } from "../../../adapters/pglite/index.js";
import { makePgDriver, uniqueName } from "../../fixtures/databases.js";

const md = new MetaData();
const nums = Table(uniqueName("pgc_nums"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  n: Column(Integer),
  f: Column(Float),
  amount: Column(Numeric(10, 2)),
});

const when = new Date(Date.UTC(2010, 4, 1, 12, 11, 10, 250));

describe("bind casts on function arguments: the SQL", () => {
  const sql = (s: ClauseElement) => s.compile({ dialect: postgresqlDialect }).sql.replace(/\n/g, "");
  it("direct bound arguments of a function are cast, in FROM and WHERE too", () => {
    expect(sql(select(func.generate_series(1, 3).tableValued("value").c.value))).toBe(
      "SELECT anon_1.value FROM generate_series($1::INTEGER, $2::INTEGER) AS anon_1",
    );
    expect(sql(select(nums.c.id).where(nums.c.n.eq(func.greatest(1, 2.5))))).toBe(
      `SELECT ${nums.name}.id FROM ${nums.name} WHERE ${nums.name}.n = greatest($1::INTEGER, $2::DOUBLE PRECISION)`,
    );
    expect(sql(select(nums.c.id).where(func.coalesce(nums.c.n, 5).eq(5)))).toBe(
      `SELECT ${nums.name}.id FROM ${nums.name} WHERE coalesce(${nums.name}.n, $1::INTEGER) = $2`,
    );
  });
  it("EXTRACT's operand is cast by its type; date and time types as SQLAlchemy's PostgreSQL type compiler spells them", () => {
    expect(sql(select(extract("year", literal(when))))).toBe("SELECT EXTRACT(year FROM $1::TIMESTAMP WITHOUT TIME ZONE) AS anon_1");
    expect(sql(select(extract("year", literal(when, DateTime({ timezone: true })))))).toBe(
      "SELECT EXTRACT(year FROM $1::TIMESTAMP WITH TIME ZONE) AS anon_1",
    );
    expect(sql(select(extract("day", literal(when, DateT()))))).toBe("SELECT EXTRACT(day FROM $1::DATE) AS anon_1");
    expect(sql(select(extract("epoch", literal("1 day", Interval()))))).toBe("SELECT EXTRACT(epoch FROM $1::INTERVAL) AS anon_1");
  });
  it("only direct arguments: a bind nested in an argument's expression, a string, NULL or an IN list are not cast", () => {
    expect(sql(select(nums.c.id).where(func.abs(nums.c.n.add(1)).eq(1)))).toBe(
      `SELECT ${nums.name}.id FROM ${nums.name} WHERE abs(${nums.name}.n + $1) = $2`,
    );
    expect(sql(select(nums.c.id).where(func.lower("X").eq("x")))).toBe(`SELECT ${nums.name}.id FROM ${nums.name} WHERE lower($1) = $2`);
    expect(sql(select(nums.c.id).where(func.coalesce(nums.c.n, null).eq(1)))).toBe(
      `SELECT ${nums.name}.id FROM ${nums.name} WHERE coalesce(${nums.name}.n, NULL) = $1`,
    );
  });
  it("literal binds render no cast; display and execution SQL agree for a timestamp in mode date", () => {
    expect(select(func.generate_series(1, 3)).compile({ dialect: postgresqlDialect, literalBinds: true }).sql).toBe(
      "SELECT generate_series(1, 3) AS generate_series_1",
    );
    const stmt = select(extract("year", literal(when)));
    const exec = postgresqlDialect.createCompiler(stmt, { forExecution: true }).compile().sql;
    expect(exec).toBe("SELECT EXTRACT(year FROM $1::TIMESTAMP WITHOUT TIME ZONE) AS anon_1");
  });
  it("a timestamp in mode string keeps its own bind expression when executed, with no cast added", () => {
    const stmt = select(extract("year", literal("2010-05-01 12:11:10.123456", DateTime({ mode: "string", precision: 6 }))));
    expect(postgresqlDialect.createCompiler(stmt, { forExecution: true }).compile().sql).toBe(
      "SELECT EXTRACT(year FROM CAST(CAST($1 AS TEXT) AS TIMESTAMP(6))) AS anon_1",
    );
  });
});

const targets = [
  { name: "PostgreSQL (postgres.js, or PGlite when the server is down)", make: makePgDriver },
  { name: "PGlite", make: async () => createPgliteDriver() },
];

describe.each(targets)("bind casts on function arguments, executed on $name", (target) => {
  let engine: AsyncEngine;
  const rows = async (stmt: ClauseElement) => {
    await using conn = await engine.connect();
    return (await conn.execute(stmt as never)).all().map((r) => [...(r as unknown as unknown[])]);
  };

  beforeAll(async () => {
    engine = createAsyncEngine(await target.make());
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(insert(nums).values([
        { id: 1, n: 1, f: 1.5, amount: "10.25" },
        { id: 2, n: null, f: null, amount: null },
        { id: 3, n: 7, f: -2, amount: "3.50" },
      ]));
    });
  }, 60_000);
  afterAll(async () => {
    await engine.begin(async (conn) => md.dropAll(conn));
    await engine.dispose();
  });

  it("the untyped forms PostgreSQL rejects, which the casts avoid", async () => {
    await using conn = await engine.connect();
    await expect(conn.execute(text("SELECT generate_series(:a, :b)").bindparams({ a: 1, b: 3 }))).rejects.toThrow(/not unique|could not determine/);
  });

  it("generate_series(1, 3) as a table-valued function in FROM", async () => {
    // PostgreSQL names a function's single output column after the alias: renderDerived() names it "value".
    const gs = func.generate_series(1, 3).tableValued("value").renderDerived();
    expect(await rows(select(gs.c.value).orderBy(gs.c.value))).toEqual([[1], [2], [3]]);
    const bare = func.generate_series(1, 3).alias("n");
    expect(await rows(select(bare.column).orderBy(bare.column))).toEqual([[1], [2], [3]]);
    const aliased = func.generate_series(10, 1, -4).tableValued("value").renderDerived("gs");
    expect(await rows(select(aliased.c.value))).toEqual([[10], [6], [2]]);
  });

  it("generate_series(1, 3) as a scalar set-returning function, in the SELECT list and in WHERE", async () => {
    expect(await rows(select(func.generate_series(1, 3)))).toEqual([[1], [2], [3]]);
    expect(await rows(select(nums.c.id).where(nums.c.n.in(select(func.generate_series(1, 3).columnValued()).scalarSubquery())))).toEqual([[1]]);
  });

  it("extract from a bound Date: DateTime, DateTime with time zone, Date, Interval; in WHERE too", async () => {
    // EXTRACT is numeric on PostgreSQL 14+, which the drivers return as text.
    const parts = await rows(select(extract("year", literal(when)), extract("month", literal(when)), extract("hour", literal(when))));
    expect(parts.map((r) => r.map(Number))).toEqual([[2010, 5, 12]]);
    // The instant of a time-zone-aware timestamp is the Date's, whatever the session time zone.
    const [[epoch]] = (await rows(select(extract("epoch", literal(when, DateTime({ timezone: true })))))) as [[unknown]];
    expect(Number(epoch)).toBe(when.getTime() / 1000);
    const [[day]] = (await rows(select(extract("day", literal(new Date(Date.UTC(2024, 2, 10)), DateT()))))) as [[unknown]];
    expect(Number(day)).toBe(10);
    const [[secs]] = (await rows(select(extract("epoch", literal("1 day 02:00:00", Interval()))))) as [[unknown]];
    expect(Number(secs)).toBe(93_600);
    expect(await rows(select(nums.c.id).where(extract("year", literal(when)).eq(2010)).orderBy(nums.c.id))).toEqual([[1], [2], [3]]);
    expect(await rows(select(nums.c.id).where(extract("year", literal(when)).eq(2011)))).toEqual([]);
  });

  it("coalesce(col, 5) in the SELECT list and in WHERE", async () => {
    expect(await rows(select(func.coalesce(nums.c.n, 5)).orderBy(nums.c.id))).toEqual([[1], [5], [7]]);
    expect(await rows(select(nums.c.id).where(func.coalesce(nums.c.n, 5).eq(5)))).toEqual([[2]]);
    expect(await rows(select(nums.c.id).where(func.coalesce(nums.c.amount, 0).gt("5")))).toEqual([[1]]);
  });

  it("func.greatest with binds, alone and with a column", async () => {
    expect(await rows(select(func.greatest(1, 5, 3)))).toEqual([[5]]);
    expect(await rows(select(func.greatest(nums.c.n, 2)).orderBy(nums.c.id))).toEqual([[2], [2], [7]]);
    expect(await rows(select(nums.c.id).where(func.greatest(nums.c.n, 2).eq(2)).orderBy(nums.c.id))).toEqual([[1], [2]]);
    expect(await rows(select(nums.c.id).where(func.greatest(nums.c.f, 0.5).gt(1)).orderBy(nums.c.id))).toEqual([[1]]);
  });
});

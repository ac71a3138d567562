/**
 * SQLAlchemy test/sql/test_functions.py ExecuteTest, and live checks of the compile cases of
 * sa11-functions-compile / sa11-functions-table-valued, on real PostgreSQL and libSQL:
 * current_date() executed bare / via select(), count / coalesce, functions in INSERT / UPDATE
 * values overriding column defaults (test_update), aggregate_strings (test_aggregate_strings_execute),
 * func.cast / func.extract (test_extract_bind), ROLLUP / GROUPING SETS, WITHIN GROUP percentiles
 * (one fraction and an ARRAY of them), array_agg's ARRAY type, and table-valued functions
 * (generate_series WITH ORDINALITY, json_to_recordset with a typed derived column list, SQLite's
 * json_each).
 *
 * Skipped: test_exec_options (execution options on a function: athanor keeps them on
 * statements), test_aggregate_order_by (SQLAlchemy 2.1), the custom-FunctionElement half of
 * test_conn_execute (@compiles), test_as_from (a bare function in select_from, see
 * sa11-functions-compile Known differences; the aliased form is checked here).
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  ARRAY, Column, DateTime, Float, Integer, JSON, JSONB, MetaData, String, Table, cast, column, func, insert, literal, select, tuple_, update,
  type AsyncEngine, type ClauseElement,
} from "../../../src/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSchemaEngine } from "../../fixtures/schema-engine.js";

const md = new MetaData();
const t1 = Table(uniqueName("fn_t1"), md, {
  id: Column(Integer, { primaryKey: true }),
  value: Column(Integer),
});
const t2 = Table(uniqueName("fn_t2"), md, {
  id: Column(Integer, { primaryKey: true }),
  value: Column(Integer, { default: 7 }),
  stuff: Column(String(20), { onupdate: "thisisstuff" }),
});
const vals = Table(uniqueName("fn_values"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  value: Column(String(42)),
  grp: Column(String(2)),
  n: Column(Integer),
});

describe.each(dialectTargets())("test_functions.py ExecuteTest on $name", (target) => {
  let engine: AsyncEngine;
  const rows = async (stmt: ClauseElement) => {
    await using conn = await engine.connect();
    return (await conn.execute(stmt as never)).all().map((r) => [...(r as unknown as unknown[])]);
  };
  const scalar = async (stmt: ClauseElement) => {
    await using conn = await engine.connect();
    return conn.scalar(stmt as never);
  };
  const pg = target.dialect === "postgresql";
  // Dialect-only checks are registered on their dialect's target only (not skipped on the other).
  const notHere = (_name: string, _fn: () => Promise<void>) => undefined;
  const itPg = pg ? it : notHere;
  const itSqlite = pg ? notHere : it;

  // Tables created (and dropped, with the engine closed, after the suite) by the shared fixture.
  useSchemaEngine(target, md, (e) => {
    engine = e;
  });
  beforeAll(async () => {
    await engine.begin(async (conn) => {
      await conn.execute(insert(vals).values([
        { id: 1, value: "a", grp: "x", n: 10 },
        { id: 2, value: "b", grp: "x", n: 20 },
        { id: 3, value: null, grp: "y", n: 30 },
        { id: 4, value: "c", grp: "y", n: 40 },
      ]));
    });
  });

  it("test_conn_execute: current_date() bare, via select() and scalar() agree", async () => {
    await using conn = await engine.connect();
    const x = (await conn.execute(func.current_date().select())).scalar();
    const y = await conn.scalar(select(func.current_date()));
    const z = await conn.scalar(func.current_date().select());
    expect(x).toBeInstanceOf(Date);
    expect([y, z].map((d) => (d as Date).getTime())).toEqual([(x as Date).getTime(), (x as Date).getTime()]);
  });

  it("count() / count(col) / coalesce()", async () => {
    expect(await rows(select(func.count(), func.count(vals.c.value)).selectFrom(vals))).toEqual([[4, 3]]);
    expect(await rows(select(func.coalesce(vals.c.value, "none")).orderBy(vals.c.id))).toEqual([["a"], ["b"], ["none"], ["c"]]);
  });

  it("now() and current_timestamp are the transaction's timestamp", async () => {
    const [[same]] = await rows(select(func.now().eq(func.current_timestamp())));
    expect(Boolean(same)).toBe(true);
  });

  it("test_update: functions in INSERT / UPDATE values, overriding column defaults", async () => {
    await engine.begin(async (conn) => {
      await conn.execute(insert(t1).values({ value: func.length("one") }));
      expect((await conn.execute(select(t1.c.value))).scalar()).toBe(3);
      await conn.execute(update(t1).values({ value: func.length("asfda") }));
      expect((await conn.execute(select(t1.c.value))).scalar()).toBe(5);

      await conn.execute(insert(t2));
      await conn.execute(insert(t2).values({ value: func.length("one") }));
      await conn.execute(insert(t2).values({ value: func.length("asfda").add(-19), stuff: "hi" }));
      const got = (await conn.execute(select(t2.c.value, t2.c.stuff))).all().map((r) => [r[0], r[1]]);
      expect(got.sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([[-14, "hi"], [3, null], [7, null]]);

      // An UPDATE with a function value still applies the onupdate default of the other column.
      await conn.execute(update(t2).values({ value: func.length("asdsafasd") }));
      expect((await conn.execute(select(t2.c.value, t2.c.stuff))).all().map((r) => [r[0], r[1]])).toEqual([
        [9, "thisisstuff"], [9, "thisisstuff"], [9, "thisisstuff"],
      ]);
      await conn.execute(update(t2).values({ value: func.length("asfdaasdf").add(2), stuff: "foo" }));
      expect((await conn.execute(select(t2.c.value, t2.c.stuff).limit(1))).all().map((r) => [r[0], r[1]])).toEqual([[11, "foo"]]);
    });
  });

  it("test_aggregate_strings_execute: NULLs skipped, unicode separator", async () => {
    const got = await scalar(select(func.aggregate_strings(vals.c.value, " 🐍試 ")));
    expect(globalThis.String(got).split(" 🐍試 ").sort()).toEqual(["a", "b", "c"]);
  });

  it("test_extract_bind / func.cast: the constructs, not functions", async () => {
    // EXTRACT is overloaded on PostgreSQL: the typed bind renders its cast there ($1::TIMESTAMP WITHOUT TIME ZONE).
    const date = literal(new Date(Date.UTC(2010, 4, 1, 12, 11, 10)), DateTime());
    expect(await rows(select(func.extract("year", date), func.extract("month", date), func.extract("day", date)))).toEqual([[2010, 5, 1]]);
    expect(await rows(select(func.cast(literal("42"), Integer())))).toEqual([[42]]);
  });

  itPg("array_agg() is ARRAY-typed: elements are read by the item type (PostgreSQL)", async () => {
    const got = await scalar(select(func.array_agg(vals.c.n)));
    expect(got).toEqual([10, 20, 30, 40]);
    const withNull = await scalar(select(func.array_agg(vals.c.value)));
    expect((withNull as unknown as unknown[]).slice().sort()).toEqual(["a", "b", "c", null]);
  });

  itPg("ROLLUP / GROUPING SETS group as SQL says (PostgreSQL)", async () => {
    const rollup = await rows(select(vals.c.grp, func.sum(vals.c.n)).groupBy(func.rollup(vals.c.grp)).orderBy(vals.c.grp));
    expect(rollup.map(([g, s]) => [g, Number(s)])).toEqual([["x", 30], ["y", 70], [null, 100]]);
    const sets = await rows(select(vals.c.grp, func.count()).groupBy(func.grouping_sets(tuple_(vals.c.grp), tuple_())).orderBy(vals.c.grp));
    expect(sets).toEqual([["x", 2], ["y", 2], [null, 4]]);
  });

  itPg("percentile_cont / percentile_disc WITHIN GROUP, with FILTER (PostgreSQL)", async () => {
    expect(await scalar(select(func.percentile_cont(0.5).withinGroup(vals.c.n)))).toBe(25);
    expect(await scalar(select(func.percentile_disc(0.5).withinGroup(vals.c.n).filter(vals.c.grp.eq("y"))))).toBe(30);
    // PostgreSQL's several-fractions form takes one array argument; withType() gives the ARRAY type.
    const fractions = cast(literal([0.25, 0.75], ARRAY(Float())), ARRAY(Float()));
    expect(await scalar(select(func.percentile_cont(fractions).withType(ARRAY(Float())).withinGroup(vals.c.n.desc())))).toEqual([32.5, 17.5]);
  });

  itPg("generate_series WITH ORDINALITY, json_each, and json_to_recordset with a typed derived column list (PostgreSQL)", async () => {
    const gs = func.generate_series(cast(4, Integer()), 1, -1).tableValued("value", { withOrdinality: "ordinality" }).renderDerived("gs");
    // The ordinality column is PostgreSQL's bigint (untyped here, as in SQLAlchemy): a string from postgres.js.
    expect(await rows(select(gs.c.value, gs.c.ordinality).orderBy(gs.c.ordinality))).toEqual([[4, "1"], [3, "2"], [2, "3"], [1, "4"]]);
    const rs = func
      .json_to_recordset('[{"a":1,"b":"foo"},{"a":"2","c":"bar"}]')
      .tableValued(column("a", Integer()), column("b", String()))
      .renderDerived("x", { withTypes: true });
    expect(await rows(select(rs.c.a, rs.c.b).orderBy(rs.c.a))).toEqual([[1, "foo"], [2, null]]);
    const je = func.json_each(cast(literal('{"a": 1, "b": 2}'), JSON())).tableValued("key", "value").alias("je");
    expect(await rows(select(je.c.key).where(je.c.key.ne("b")))).toEqual([["a"]]);
    const keys = func.jsonb_each(cast(literal('{"k1": 1, "k2": 2}'), JSONB())).scalarTableValued("key");
    expect((await rows(select(keys))).map(([k]) => k).sort()).toEqual(["k1", "k2"]);
  });

  itSqlite("json_each table-valued joined to a table (SQLite)", async () => {
    const je = func.json_each('["x","y"]').tableValued("value", "key").alias("je");
    expect(await rows(select(vals.c.id, je.c.value).selectFrom(vals.join(je, vals.c.id.eq(je.c.key.add(1)))).orderBy(vals.c.id))).toEqual([[1, "x"], [2, "y"]]);
  });
});

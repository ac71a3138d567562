/**
 * Execution parameters add columns to an INSERT that has `values()`, as SQLAlchemy merges the
 * parameter keys into the statement's columns (test/sql/test_insert_exec.py
 * test_insert_w_bindparam_in_subq, #8639): `insert(t).values({ x: scalarSubquery })` run with
 * `[{ paramname, y }, …]` inserts both x and y, as one "insertmanyvalues" statement, with and
 * without RETURNING. On PostgreSQL and libSQL.
 */
import { describe, expect, it } from "vitest";
import { bindparam, Column, Integer, MetaData, select, String, Table, insert, delete as delete_ } from "../../src/index.js";
import { dialectTargets, uniqueName } from "../fixtures/databases.js";
import { useTablesOnce } from "../fixtures/suite-tables.js";

describe.each(dialectTargets())("values() with execution parameters on $name", (target) => {
  const md = new MetaData();
  const data = Table(uniqueName("sa7_vp_data"), md, { id: Column(Integer, { primaryKey: true }), x: Column(String(50)), y: Column(String(50)) });
  const extra = Table(uniqueName("sa7_vp_extra"), md, { id: Column(Integer, { primaryKey: true }), x_value: Column(String(50)), y_value: Column(String(50)) });
  const h = useTablesOnce(target, md);

  const cases = [
    {
      name: "one embedded parameter in the WHERE",
      subq: () => select(extra.c.x_value).where(extra.c.y_value.eq(bindparam("y_value"))).scalarSubquery(),
      params: [{ y_value: "yv3", y: "y1" }, { y_value: "yv4", y: "y2" }],
    },
    {
      name: "one embedded parameter as the column",
      subq: () => select(bindparam("paramname", undefined, { type: String() })).scalarSubquery(),
      params: [{ paramname: "p1_p1", y: "y1" }, { paramname: "p2_p2", y: "y2" }],
    },
    {
      name: "two embedded parameters",
      subq: () => select(bindparam("paramname1", undefined, { type: String() }).concat(extra.c.x_value)).where(extra.c.y_value.eq(bindparam("y_value"))).scalarSubquery(),
      params: [{ paramname1: "p1_", y_value: "yv1", y: "y1" }, { paramname1: "p2_", y_value: "yv2", y: "y2" }],
    },
  ];

  for (const c of cases) {
    for (const returning of [false, true]) {
      it(`${c.name}${returning ? ", with RETURNING" : ""}`, async () => {
        const rows = await h.engine.begin(async (conn) => {
          await conn.execute(delete_(data));
          await conn.execute(delete_(extra));
          await conn.execute(insert(extra), [
            { x_value: "p1", y_value: "yv1" },
            { x_value: "p2", y_value: "yv2" },
            { x_value: "p1_p1", y_value: "yv3" },
            { x_value: "p2_p2", y_value: "yv4" },
          ]);
          const stmt = insert(data).values({ x: c.subq() });
          if (returning) {
            const r = await conn.execute(stmt.returning(data.c.x, data.c.y), c.params);
            expect(r.all().map((row) => [...row])).toEqual([["p1_p1", "y1"], ["p2_p2", "y2"]]);
          } else {
            await conn.execute(stmt, c.params);
          }
          return (await conn.execute(select(data.c.x, data.c.y).orderBy(data.c.id))).all().map((row) => [...row]);
        });
        expect(rows).toEqual([["p1_p1", "y1"], ["p2_p2", "y2"]]);
      });
    }
  }

  it("a single parameter set adds its column to values() as well", async () => {
    const rows = await h.engine.begin(async (conn) => {
      await conn.execute(delete_(data));
      await conn.execute(insert(data).values({ x: "a" }), { y: "b" });
      return (await conn.execute(select(data.c.x, data.c.y))).all().map((row) => [...row]);
    });
    expect(rows).toEqual([["a", "b"]]);
  });
});

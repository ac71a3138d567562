/**
 * Follow-ups ported from SQLAlchemy's ORM suite: column-only selects of a joined-table
 * subclass select FROM the class's own join, `people JOIN engineers ON …`, as SQLAlchemy's
 * ORM column entities fall back to their entity's selectable (test_polymorphic_rel,
 * test_orm_upd_del_inheritance). Exact SQL and rows on PostgreSQL and libSQL.
 */
import { describe, expect, it } from "vitest";
import { event, func, joinedload, select, selectinload, type AsyncSession } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { definePolyModels, usePolyData } from "./poly-fixtures.js";

const fold = (s: string): string => s.replace(/\s*\n\s*/g, " ");

const poly = definePolyModels("sa6h_pr");
const { Company, Engineer, Manager, Boss, Person } = poly;

describe.each(dialectTargets())("column-only selects of joined-table subclasses on $name (test_polymorphic_rel)", (target) => {
  const db = usePolyData(target, poly);
  const ph = (n: number): string => (target.dialect === "postgresql" ? `$${n}` : "?");
  const P = `${poly.P}_people`;
  const E = `${poly.P}_engineers`;
  const M = `${poly.P}_managers`;
  const B = `${poly.P}_boss`;
  const engJoin = `${P} JOIN ${E} ON ${P}.person_id = ${E}.person_id`;
  const sqlOf = async (stmt: Parameters<AsyncSession["execute"]>[0]): Promise<{ rows: unknown[][]; sql: string[] }> => {
    const sql: string[] = [];
    await using s = db.session();
    const listener = (_c: unknown, _cur: unknown, statement: string): void => void sql.push(fold(statement));
    event.listen(db.engine, "beforeCursorExecute", listener);
    try {
      const rows = (await s.execute(stmt)).all().map((r) => [...r]);
      return { rows, sql };
    } finally {
      event.remove(db.engine, "beforeCursorExecute", listener);
    }
  };

  it("select(Engineer.name, Engineer.engineerName): FROM people JOIN engineers, no cartesian product", async () => {
    const { rows, sql } = await sqlOf(select(Engineer.name, Engineer.engineerName).orderBy(Engineer.name));
    expect(rows).toEqual([["dilbert", "dilbert"], ["vlad", "vlad"], ["wally", "wally"]]);
    expect(sql).toEqual([`SELECT ${P}.name, ${E}.engineer_name FROM ${engJoin} ORDER BY ${P}.name`]);
  });

  it("a base-table column of the subclass alone still selects FROM the subclass's join (only its rows)", async () => {
    const { rows, sql } = await sqlOf(select(Engineer.name).orderBy(Engineer.name));
    expect(rows).toEqual([["dilbert"], ["vlad"], ["wally"]]);
    expect(sql).toEqual([`SELECT ${P}.name FROM ${engJoin} ORDER BY ${P}.name`]);
  });

  it("where() / orderBy() on subclass columns keep the one join", async () => {
    const a = await sqlOf(select(Engineer.name).where(Engineer.primaryLanguage.eq("java")));
    expect(a.rows).toEqual([["dilbert"]]);
    expect(a.sql).toEqual([`SELECT ${P}.name FROM ${engJoin} WHERE ${E}.primary_language = ${ph(1)}`]);
    const b = await sqlOf(select(Engineer.primaryLanguage).where(Engineer.name.ne("vlad")).orderBy(Engineer.engineerName.desc()));
    expect(b.rows).toEqual([["c++"], ["java"]]);
    expect(b.sql).toEqual([`SELECT ${E}.primary_language FROM ${engJoin} WHERE ${P}.name != ${ph(1)} ORDER BY ${E}.engineer_name DESC`]);
  });

  it("an aggregate over a subclass column, and a two-level subclass (Boss: people JOIN managers JOIN boss)", async () => {
    const a = await sqlOf(select(func.count(Engineer.personId)));
    expect(a.rows).toEqual([[3]]);
    expect(a.sql).toEqual([`SELECT count(${P}.person_id) AS count_1 FROM ${engJoin}`]);
    const b = await sqlOf(select(Boss.name, Boss.golfSwing));
    expect(b.rows).toEqual([["pointy haired boss", "fore"]]);
    expect(b.sql).toEqual([
      `SELECT ${P}.name, ${B}.golf_swing FROM ${P} JOIN ${M} ON ${P}.person_id = ${M}.person_id JOIN ${B} ON ${M}.person_id = ${B}.boss_id`,
    ]);
  });

  it("an intermediate class's columns join only its own tables (Manager: not boss), as SQLAlchemy's mapper.selectable", async () => {
    const { rows, sql } = await sqlOf(select(Manager.name, Manager.managerName).orderBy(Manager.name));
    expect(rows).toEqual([["dogbert", "dogbert"], ["pointy haired boss", "pointy"]]);
    expect(sql).toEqual([`SELECT ${P}.name, ${M}.manager_name FROM ${P} JOIN ${M} ON ${P}.person_id = ${M}.person_id ORDER BY ${P}.name`]);
  });

  it("the base class's columns select FROM people alone; entity and column of one class share one FROM", async () => {
    const a = await sqlOf(select(Person.name).orderBy(Person.name));
    expect(a.rows.length).toBe(5);
    expect(a.sql).toEqual([`SELECT ${P}.name FROM ${P} ORDER BY ${P}.name`]);
    const b = await sqlOf(select(Engineer, Engineer.primaryLanguage).where(Engineer.name.eq("wally")));
    expect(b.rows.map((r) => r[1])).toEqual(["c++"]);
    expect(b.sql.length).toBe(1);
    expect(b.sql[0]).toMatch(new RegExp(` FROM ${P} JOIN ${E} ON ${P}\\.person_id = ${E}\\.person_id WHERE ${P}\\.name = `));
    // Manager's entity FROM (outer-joining boss) already holds the column's people JOIN managers.
    const c = await sqlOf(select(Manager, Manager.managerName).orderBy(Manager.name));
    expect(c.rows.map((r) => r[1])).toEqual(["dogbert", "pointy"]);
    expect(c.sql.length).toBe(1);
    expect(c.sql[0]).toMatch(new RegExp(` FROM ${P} JOIN ${M} ON ${P}\\.person_id = ${M}\\.person_id LEFT OUTER JOIN ${B} ON ${M}\\.person_id = ${B}\\.boss_id ORDER BY ${P}\\.name$`));
  });

  it("test_relationship_to_polymorphic_two / _three: selectinload / joinedload(Company.employees.ofType(Engineer)) then Engineer.machines", async () => {
    const shape = (cos: readonly InstanceType<typeof Company>[]): unknown =>
      cos.map((c) => c.employees.map((e) => [e.name, e instanceof Engineer ? e.machines.map((m) => m.name) : null]));
    const expected = [
      [["dilbert", ["IBM ThinkPad", "IPhone"]], ["wally", ["Commodore 64"]], ["pointy haired boss", null], ["dogbert", null]],
      [["vlad", ["Commodore 64", "IBM 3270"]]],
    ];
    {
      await using s = db.session();
      const opts = selectinload(Company.employees.ofType(Engineer)).selectinload(Engineer.machines);
      expect(shape((await s.scalars(select(Company).orderBy(Company.companyId).options(opts))).all())).toEqual(expected);
    }
    {
      await using s = db.session();
      const opts = joinedload(Company.employees.ofType(Engineer)).selectinload(Engineer.machines);
      expect(shape((await s.scalars(select(Company).orderBy(Company.companyId).options(opts))).unique().all())).toEqual(expected);
    }
  });
});

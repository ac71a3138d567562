/**
 * SQLAlchemy's test/orm/inheritance/test_single.py (SingleInheritanceTest), the cases where a
 * single-table subclass's discriminator criterion (`WHERE employees.type IN (…)`) must appear in
 * less direct places: scalar subqueries, EXISTS, an aliased subclass named only in
 * selectFrom()/joinFrom(), an aliased sibling joined with an explicit ON clause, and two sibling
 * subclasses in one statement (each with its own criterion). SQL text, and rows on PostgreSQL and
 * SQLite.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { aliased, AsyncSession, createAsyncEngine, delete_, func, literal, relationship, select, true_, type AsyncEngine } from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { PGDialect } from "../../../src/dialects/postgresql/index.js";
import { dialectTargets, type TestDriver } from "../../fixtures/databases.js";
import { defineSingleInhModels } from "./single-inh-fixtures.js";
import type { ClauseElement } from "../../../src/sql/elements.js";

const { EMP, REP, Base, Employee, Manager, Engineer, JuniorEngineer, Report } = defineSingleInhModels("sa4sd");

/** `aliasedEngineer.reports` (the relationship is declared on Employee; the alias type lists Engineer's own). */
const reportsOf = (a: unknown): typeof Employee.reports => (a as { reports: typeof Employee.reports }).reports;

const pg = new PGDialect();
/** The compiled ORM statement (SQLAlchemy's assert_compile), PostgreSQL placeholders. */
function compiled(stmt: ClauseElement): { sql: string; params: Record<string, unknown> } {
  const c = planOrmSelect(stmt as Parameters<typeof planOrmSelect>[0]).stmt.compile({ dialect: pg });
  return { sql: c.sql.replace(/\s*\n\s*/g, " "), params: c.params as Record<string, unknown> };
}
const sql = (stmt: ClauseElement): string => compiled(stmt).sql;

describe("single-table discriminator criteria in SQL (SQLAlchemy test_single.py)", () => {
  it("test_discrim_bound_param_cloned_ok: each scalar subquery gets its own criterion", () => {
    const subq1 = select(Manager.employeeId).label("foo");
    const subq2 = select(Manager.employeeId).label("bar");
    const c = compiled(select(subq1, subq2));
    expect(c.sql).toBe(
      `SELECT (SELECT ${EMP}.employee_id FROM ${EMP} WHERE ${EMP}.type IN (__[POSTCOMPILE_type_1])) AS foo, ` +
        `(SELECT ${EMP}.employee_id FROM ${EMP} WHERE ${EMP}.type IN (__[POSTCOMPILE_type_2])) AS bar`,
    );
    expect(c.params).toEqual({ type_1: ["manager"], type_2: ["manager"] });
  });

  it("test_exists_standalone: the criterion goes inside EXISTS, after the statement's WHERE", () => {
    expect(sql(select(select(Engineer).where(Engineer.name.eq("foo")).exists()))).toBe(
      `SELECT EXISTS (SELECT ${EMP}.employee_id, ${EMP}.name, ${EMP}.type, ${EMP}.engineer_info FROM ${EMP} ` +
        `WHERE ${EMP}.name = $1 AND ${EMP}.type IN (__[POSTCOMPILE_type_1])) AS anon_1`,
    );
  });

  it("test_select_from_aliased_w_subclass: a literal column selected from an aliased subclass", () => {
    const a1 = aliased(Engineer);
    expect(sql(select(a1.employeeId).selectFrom(a1 as never))).toBe(
      `SELECT ${EMP}_1.employee_id FROM ${EMP} AS ${EMP}_1 WHERE ${EMP}_1.type IN (__[POSTCOMPILE_type_1])`,
    );
    expect(sql(select(literal("1")).selectFrom(a1 as never))).toBe(
      `SELECT $1 AS anon_1 FROM ${EMP} AS ${EMP}_1 WHERE ${EMP}_1.type IN (__[POSTCOMPILE_type_1])`,
    );
  });

  it("test_select_col_only_from_w_join (alias_engineer=True): the aliased subclass is only the join's left side", () => {
    const e = aliased(Engineer);
    const expected = `SELECT ${REP}.report_id FROM ${EMP} AS ${EMP}_1 JOIN ${REP} ON ${EMP}_1.employee_id = ${REP}.employee_id WHERE ${EMP}_1.type IN (__[POSTCOMPILE_type_1])`;
    expect(sql(select(Report.reportId).selectFrom(e as never).join(reportsOf(e)))).toBe(expected);
    expect(sql(select(Report.reportId).joinFrom(e, Report, reportsOf(e)))).toBe(expected);
  });

  it("test_select_from_w_join_left (alias_engineer=True): select(Report) joined from an aliased subclass", () => {
    const e = aliased(Engineer);
    const expected =
      `SELECT ${REP}.report_id, ${REP}.employee_id, ${REP}.name FROM ${EMP} AS ${EMP}_1 JOIN ${REP} ` +
      `ON ${EMP}_1.employee_id = ${REP}.employee_id WHERE ${EMP}_1.type IN (__[POSTCOMPILE_type_1])`;
    expect(sql(select(Report).selectFrom(e as never).join(reportsOf(e)))).toBe(expected);
    expect(sql(select(Report).joinFrom(e, Report, reportsOf(e)))).toBe(expected);
  });

  it("test_column_qualification: two sibling subclasses each carry their criterion", () => {
    expect(sql(select(Manager.employeeId, Engineer.employeeId))).toBe(
      `SELECT ${EMP}.employee_id, ${EMP}.employee_id AS employee_id__1 FROM ${EMP} ` +
        `WHERE ${EMP}.type IN (__[POSTCOMPILE_type_1]) AND ${EMP}.type IN (__[POSTCOMPILE_type_2])`,
    );
  });

  it("test_multi_qualification: an aliased sibling joined ON true() is restricted in the ON clause (true() drops out of the AND)", () => {
    const ealias = aliased(Engineer);
    expect(sql(select(Manager.name, ealias.name).join(ealias as never, true_()))).toBe(
      `SELECT ${EMP}.name, ${EMP}_1.name AS name_1 FROM ${EMP} JOIN ${EMP} AS ${EMP}_1 ON ${EMP}_1.type IN (__[POSTCOMPILE_type_1]) ` +
        `WHERE ${EMP}.type IN (__[POSTCOMPILE_type_2])`,
    );
  });
});

describe.each(dialectTargets())("single-table discriminator criteria, rows (SQLAlchemy test_single.py) on $name", (target) => {
  let d: TestDriver;
  let engine: AsyncEngine;
  const session = (): AsyncSession => new AsyncSession(engine, { autoflush: true });
  beforeAll(async () => {
    d = await target.make();
    engine = createAsyncEngine(d.driver);
    await engine.begin(async (c) => {
      await Base.metadata.dropAll(c);
      await Base.metadata.createAll(c);
    });
  });
  afterAll(async () => {
    await engine.begin((c) => Base.metadata.dropAll(c));
    await engine.dispose();
    await d.cleanup();
  });
  beforeEach(async () => {
    await engine.begin(async (c) => {
      for (const tb of [...Base.metadata.sortedTables].reverse()) await c.execute(delete_(tb));
    });
  });

  async function fixtureOne(s: AsyncSession): Promise<[InstanceType<typeof Manager>, InstanceType<typeof Engineer>, InstanceType<typeof JuniorEngineer>]> {
    const m1 = new Manager({ name: "Tom", managerData: "knows how to manage things" });
    const e1 = new Engineer({ name: "Kurt", engineerInfo: "knows how to hack" });
    const e2 = new JuniorEngineer({ name: "Ed", engineerInfo: "oh that ed" });
    s.addAll([m1, e1, e2]);
    await s.flush();
    return [m1, e1, e2];
  }

  it("test_multi_qualification", async () => {
    await using s = session();
    const [m1, e1, e2] = await fixtureOne(s);
    const ealias = aliased(Engineer);
    const rows = async (stmt: ClauseElement): Promise<unknown[][]> => (await s.execute(stmt)).all().map((r) => [...r]);
    expect(await rows(select(Manager, ealias).join(ealias as never, true_()).orderBy(ealias.employeeId))).toEqual([[m1, e1], [m1, e2]]);
    expect(await rows(select(Manager.name))).toEqual([["Tom"]]);
    expect(await rows(select(Manager.name, ealias.name).join(ealias as never, true_()).orderBy(ealias.employeeId))).toEqual([["Tom", "Kurt"], ["Tom", "Ed"]]);
    expect(await rows(select(func.upper(Manager.name), func.upper(ealias.name)).join(ealias as never, true_()).orderBy(ealias.employeeId))).toEqual([
      ["TOM", "KURT"],
      ["TOM", "ED"],
    ]);
    expect(await rows(select(Manager).addColumns(ealias as never).join(ealias as never, true_()).orderBy(ealias.employeeId))).toEqual([[m1, e1], [m1, e2]]);
    expect(await rows(select(Manager.name).addColumns(ealias.name).join(ealias as never, true_()).orderBy(ealias.employeeId))).toEqual([["Tom", "Kurt"], ["Tom", "Ed"]]);
  });

  it("test_column_qualification", async () => {
    await using s = session();
    const [m1, e1, e2] = await fixtureOne(s);
    // "WHERE type IN (…) AND type IN (…)": no row is both a Manager and an Engineer.
    expect((await s.execute(select(Manager.employeeId, Engineer.employeeId))).all()).toEqual([]);
    expect((await s.scalars(select(JuniorEngineer.employeeId))).all()).toEqual([e2.employeeId]);
    expect((await s.scalars(select(Manager.employeeId))).all()).toEqual([m1.employeeId]);
    expect((await s.scalars(select(Engineer.employeeId).orderBy(Engineer.employeeId))).all()).toEqual([e1.employeeId, e2.employeeId]);
  });

  it("test_discrim_bound_param_cloned_ok: rows of scalar subqueries", async () => {
    await using s = session();
    const [m1] = await fixtureOne(s);
    const row = (await s.execute(select(select(Manager.employeeId).label("foo"), select(func.count(Engineer.employeeId)).label("bar")))).one();
    expect([...row]).toEqual([m1.employeeId, 2]);
  });

  it("test_exists_standalone: rows", async () => {
    await using s = session();
    await fixtureOne(s);
    expect(await s.scalar(select(select(Engineer).where(Engineer.name.eq("Kurt")).exists()))).toBe(true);
    expect(await s.scalar(select(select(Engineer).where(Engineer.name.eq("Tom")).exists()))).toBe(false);
    expect(await s.scalar(select(select(Manager).where(Manager.name.eq("Tom")).exists()))).toBe(true);
  });

  it("test_select_from_count (aliased subclass): count(1) selected from an aliased subclass", async () => {
    await using s = session();
    s.addAll([new Manager({ name: "Tom", managerData: "data1" }), new Engineer({ name: "Kurt", engineerInfo: "knows how to hack" })]);
    await s.flush();
    const m = aliased(Manager);
    expect((await s.execute(select(func.count(1)).selectFrom(m as never))).all().map((r) => [Number(r[0])])).toEqual([[1]]);
  });

  it("test_select_from_w_join_left (alias_engineer=True): rows", async () => {
    await using s = session();
    const [m1, e1] = await fixtureOne(s);
    const r1 = new Report({ name: "r1" });
    const r2 = new Report({ name: "r2" });
    r1.employee = m1;
    r2.employee = e1;
    s.addAll([r1, r2]);
    await s.flush();
    const e = aliased(Engineer);
    expect((await s.scalars(select(Report).joinFrom(e, Report, reportsOf(e)))).all()).toEqual([r2]);
    expect((await s.scalars(select(Report.reportId).selectFrom(e as never).join(reportsOf(e)))).all()).toEqual([r2.reportId]);
  });
});

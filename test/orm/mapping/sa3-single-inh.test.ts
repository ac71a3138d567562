/**
 * SQLAlchemy's test/orm/inheritance/test_single.py (SingleInheritanceTest), the parts not in
 * test/orm/query/sa-single-inh.test.ts: Employee / Manager / Engineer / JuniorEngineer on one
 * `employees` table discriminated by `type`, with `reports` pointing at employees. SQL text of
 * the discriminator criteria in subqueries, joins, HAVING and EXISTS; rows of subclass queries,
 * counts, of_type() joins and has(); on PostgreSQL and SQLite.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { aliased, AsyncSession, createAsyncEngine, delete_, func, select, type AsyncEngine } from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { PGDialect } from "../../../src/dialects/postgresql/index.js";
import { countingDriver, dialectTargets, type CountingDriver, type TestDriver } from "../../fixtures/databases.js";
import { defineSingleInhModels } from "./single-inh-fixtures.js";
import type { ClauseElement } from "../../../src/sql/elements.js";

const { EMP, REP, Base, Employee, Manager, Engineer, JuniorEngineer, Report } = defineSingleInhModels("sa3si");

const pg = new PGDialect();
/** The SQL of an ORM statement (SQLAlchemy's assert_compile), PostgreSQL placeholders. */
function sql(stmt: ClauseElement): string {
  return planOrmSelect(stmt as Parameters<typeof planOrmSelect>[0]).stmt.compile({ dialect: pg }).sql.replace(/\s*\n\s*/g, " ");
}

const EMP_COLS = `${EMP}.employee_id, ${EMP}.name, ${EMP}.type`;

describe("single-table inheritance SQL (SQLAlchemy test_single.py)", () => {
  it("test_select_from_aliased_w_subclass: an aliased subclass in selectFrom() carries its criteria", () => {
    const a1 = aliased(Engineer);
    expect(sql(select(a1.employeeId).selectFrom(a1 as never))).toBe(
      `SELECT ${EMP}_1.employee_id FROM ${EMP} AS ${EMP}_1 WHERE ${EMP}_1.type IN (__[POSTCOMPILE_type_1])`,
    );
  });

  it("test_select_from_w_join_left_including_entity", () => {
    expect(sql(select(Report.reportId, Engineer.employeeId).selectFrom(Engineer as never).join((Engineer as unknown as typeof Employee).reports))).toBe(
      `SELECT ${REP}.report_id, ${EMP}.employee_id FROM ${EMP} JOIN ${REP} ON ${EMP}.employee_id = ${REP}.employee_id WHERE ${EMP}.type IN (__[POSTCOMPILE_type_1])`,
    );
  });

  it("test_select_from_w_join_right: join(Report.employee.ofType(Engineer)) puts the criteria in ON", () => {
    expect(sql(select(Report).join(Report.employee.ofType(Engineer)))).toBe(
      `SELECT ${REP}.report_id, ${REP}.employee_id, ${REP}.name FROM ${REP} JOIN ${EMP} ON ${EMP}.employee_id = ${REP}.employee_id AND ${EMP}.type IN (__[POSTCOMPILE_type_1])`,
    );
  });

  it("test_having: the discriminator goes in WHERE, before GROUP BY / HAVING", () => {
    expect(sql(select(Engineer).groupBy(Engineer.employeeId).having(Engineer.name.eq("js")))).toBe(
      `SELECT ${EMP_COLS}, ${EMP}.engineer_info FROM ${EMP} WHERE ${EMP}.type IN (__[POSTCOMPILE_type_1]) GROUP BY ${EMP}.employee_id HAVING ${EMP}.name = $1`,
    );
  });

});

describe.each(dialectTargets())("single-table inheritance rows (SQLAlchemy test_single.py) on $name", (target) => {
  let d: TestDriver;
  let counting: CountingDriver;
  let engine: AsyncEngine;
  const session = (): AsyncSession => new AsyncSession(engine, { autoflush: true });
  beforeAll(async () => {
    d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
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
    counting.reset();
  });

  async function fixtureOne(s: AsyncSession): Promise<[InstanceType<typeof Manager>, InstanceType<typeof Engineer>, InstanceType<typeof JuniorEngineer>]> {
    const m1 = new Manager({ name: "Tom", managerData: "knows how to manage things" });
    const e1 = new Engineer({ name: "Kurt", engineerInfo: "knows how to hack" });
    const e2 = new JuniorEngineer({ name: "Ed", engineerInfo: "oh that ed" });
    s.addAll([m1, e1, e2]);
    await s.flush();
    return [m1, e1, e2];
  }

  it("test_single_inheritance: each class's query returns its own and its subclasses' rows", async () => {
    await using s = session();
    const [m1, e1, e2] = await fixtureOne(s);
    expect((await s.scalars(select(Employee).orderBy(Employee.employeeId))).all()).toEqual([m1, e1, e2]);
    expect((await s.scalars(select(Engineer).orderBy(Engineer.employeeId))).all()).toEqual([e1, e2]);
    expect((await s.scalars(select(Manager))).all()).toEqual([m1]);
    expect((await s.scalars(select(JuniorEngineer))).all()).toEqual([e2]);
    const m = (await s.scalars(select(Manager))).one();
    s.expire(m, ["managerData"]);
    await s.refresh(m, ["managerData"]);
    expect(m.managerData).toBe("knows how to manage things");
    const row = (await s.execute(select(Engineer.name, Engineer.employeeId).where(Engineer.name.eq("Kurt")))).first()!;
    expect(row.name).toBe("Kurt");
    expect(row.employeeId).toBe(e1.employeeId);
  });

  it("test_column_qualification: subclass columns alone restrict", async () => {
    await using s = session();
    const [m1, e1, e2] = await fixtureOne(s);
    const scalar = async (stmt: ClauseElement): Promise<unknown[]> => (await s.scalars(stmt)).all();
    expect(await scalar(select(Employee.employeeId).orderBy(Employee.employeeId))).toEqual([m1.employeeId, e1.employeeId, e2.employeeId]);
    expect(await scalar(select(Engineer.employeeId).orderBy(Engineer.employeeId))).toEqual([e1.employeeId, e2.employeeId]);
    expect(await scalar(select(Manager.employeeId))).toEqual([m1.employeeId]);
    expect(await scalar(select(JuniorEngineer.employeeId))).toEqual([e2.employeeId]);
  });

  it("test_count: counts per class, with a filter", async () => {
    await using s = session();
    s.addAll([
      new Manager({ name: "Tom", managerData: "data1" }),
      new Manager({ name: "Tom2", managerData: "data2" }),
      new Engineer({ name: "Kurt", engineerInfo: "data3" }),
      new JuniorEngineer({ name: "marvin", engineerInfo: "data4" }),
    ]);
    await s.flush();
    // Query.count() is legacy; count() of a subclass attribute carries the same restriction.
    const count = async (stmt: ClauseElement): Promise<number> => Number(await s.scalar(stmt));
    expect(await count(select(func.count(Manager.employeeId)))).toBe(2);
    expect(await count(select(func.count(Engineer.employeeId)))).toBe(2);
    expect(await count(select(func.count(Employee.employeeId)))).toBe(4);
    expect(await count(select(func.count(Manager.employeeId)).where(Manager.name.like("%m%")))).toBe(2);
    expect(await count(select(func.count(Employee.employeeId)).where(Employee.name.like("%m%")))).toBe(3);
  });

  it("test_type_filtering: Report.employee.ofType(Manager).has()", async () => {
    await using s = session();
    const m1 = new Manager({ name: "Tom", managerData: "data1" });
    const r1 = new Report({});
    r1.employee = m1;
    s.addAll([m1, r1]);
    await s.flush();
    expect((await s.scalars(select(Report).where(Report.employee.ofType(Manager).has()))).all().length).toBe(1);
    expect((await s.scalars(select(Report).where(Report.employee.ofType(Engineer).has()))).all().length).toBe(0);
  });

  it("test_type_joins: join(Report.employee.ofType(Manager))", async () => {
    await using s = session();
    const m1 = new Manager({ name: "Tom", managerData: "data1" });
    const r1 = new Report({});
    r1.employee = m1;
    s.addAll([m1, r1]);
    await s.flush();
    expect((await s.scalars(select(Report).join(Report.employee.ofType(Manager)))).all().length).toBe(1);
    expect((await s.scalars(select(Report).join(Report.employee.ofType(Engineer)))).all().length).toBe(0);
  });
});

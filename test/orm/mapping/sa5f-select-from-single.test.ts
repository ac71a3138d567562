/**
 * SQLAlchemy's test/orm/inheritance/test_single.py: a single-table subclass given as a class
 * (not an alias) to selectFrom() / joinFrom() restricts the shared table to the subclass's rows
 * (test_select_col_only_from_w_join, test_select_from_w_join_left, test_select_from_count,
 * #8721 / #11412), SQL and rows on PostgreSQL and SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AsyncSession, createAsyncEngine, func, literal, select, type AsyncEngine } from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { withPolymorphic } from "../../../src/orm/aliased.js";
import { PGDialect } from "../../../src/dialects/postgresql/index.js";
import { dialectTargets, type TestDriver } from "../../fixtures/databases.js";
import { defineSingleInhModels } from "./single-inh-fixtures.js";
import type { ClauseElement } from "../../../src/sql/elements.js";

const { EMP, REP, Base, Employee, Manager, Engineer, JuniorEngineer, Report } = defineSingleInhModels("sa5fsf");
const EngineerAsBase = Engineer as unknown as typeof Employee;

const pg = new PGDialect();
function sql(stmt: ClauseElement): string {
  return planOrmSelect(stmt as Parameters<typeof planOrmSelect>[0]).stmt.compile({ dialect: pg }).sql.replace(/\s*\n\s*/g, " ");
}

const JOIN_SQL = `FROM ${EMP} JOIN ${REP} ON ${EMP}.employee_id = ${REP}.employee_id WHERE ${EMP}.type IN (__[POSTCOMPILE_type_1])`;

describe("selectFrom(SingleTableSubclass) SQL (SQLAlchemy test_single.py)", () => {
  it("test_select_col_only_from_w_join: selectFrom(Engineer).join(Engineer.reports)", () => {
    expect(sql(select(Report.reportId).selectFrom(Engineer).join(EngineerAsBase.reports))).toBe(`SELECT ${REP}.report_id ${JOIN_SQL}`);
  });

  it("test_select_col_only_from_w_join: joinFrom(Engineer, Report, Engineer.reports)", () => {
    expect(sql(select(Report.reportId).joinFrom(Engineer, Report, EngineerAsBase.reports))).toBe(`SELECT ${REP}.report_id ${JOIN_SQL}`);
  });

  it("test_select_col_only_from_w_join: selectFrom(Engineer).join(Report) infers the ON clause", () => {
    expect(sql(select(Report.reportId).selectFrom(Engineer).join(Report))).toBe(`SELECT ${REP}.report_id ${JOIN_SQL}`);
  });

  it("test_select_from_w_join_left: select(Report).selectFrom(Engineer).join(Engineer.reports)", () => {
    expect(sql(select(Report).selectFrom(Engineer).join(EngineerAsBase.reports))).toBe(
      `SELECT ${REP}.report_id, ${REP}.employee_id, ${REP}.name ${JOIN_SQL}`,
    );
    expect(sql(select(Report).joinFrom(Engineer, Report, EngineerAsBase.reports))).toBe(
      `SELECT ${REP}.report_id, ${REP}.employee_id, ${REP}.name ${JOIN_SQL}`,
    );
  });

  it("test_select_from_w_join_left_including_entity: the criterion is added once", () => {
    expect(sql(select(Report.reportId, Engineer.employeeId).selectFrom(Engineer).join(EngineerAsBase.reports))).toBe(
      `SELECT ${REP}.report_id, ${EMP}.employee_id ${JOIN_SQL}`,
    );
    expect(sql(select(Engineer).selectFrom(Engineer))).toBe(
      `SELECT ${EMP}.employee_id, ${EMP}.name, ${EMP}.type, ${EMP}.engineer_info FROM ${EMP} WHERE ${EMP}.type IN (__[POSTCOMPILE_type_1])`,
    );
  });

  it("test_select_from_count: count(1) selectFrom(Manager)", () => {
    expect(sql(select(func.count(1)).selectFrom(Manager))).toBe(`SELECT count($1::INTEGER) AS count_1 FROM ${EMP} WHERE ${EMP}.type IN (__[POSTCOMPILE_type_1])`);
  });

  it("a literal selected FROM the subclass, and the base class adds no criterion", () => {
    expect(sql(select(literal("1")).selectFrom(JuniorEngineer))).toBe(`SELECT $1 AS anon_1 FROM ${EMP} WHERE ${EMP}.type IN (__[POSTCOMPILE_type_1])`);
    expect(sql(select(func.count(1)).selectFrom(Employee))).toBe(`SELECT count($1::INTEGER) AS count_1 FROM ${EMP}`);
  });

  it("two sibling subclasses each restrict the shared table", () => {
    expect(sql(select(func.count(1)).selectFrom(Manager).selectFrom(Engineer))).toBe(
      `SELECT count($1::INTEGER) AS count_1 FROM ${EMP} WHERE ${EMP}.type IN (__[POSTCOMPILE_type_1]) AND ${EMP}.type IN (__[POSTCOMPILE_type_2])`,
    );
  });
});

describe("withPolymorphic() over a single-table hierarchy", () => {
  it("adds no table: the base selects its table, a subclass keeps its discriminator criterion", () => {
    expect(sql(select(withPolymorphic(Employee, [Manager])))).toBe(
      `SELECT ${EMP}.employee_id, ${EMP}.name, ${EMP}.type, ${EMP}.manager_data, ${EMP}.engineer_info FROM ${EMP}`,
    );
    const wp = withPolymorphic(Engineer, "*");
    expect(sql(select(wp.name).where(wp.of(JuniorEngineer).engineerInfo.eq("x")))).toBe(
      `SELECT ${EMP}.name FROM ${EMP} WHERE ${EMP}.engineer_info = $1 AND ${EMP}.type IN (__[POSTCOMPILE_type_1])`,
    );
  });
});

describe.each(dialectTargets())("selectFrom(SingleTableSubclass) rows on $name", (target) => {
  let d: TestDriver;
  let engine: AsyncEngine;
  beforeAll(async () => {
    d = await target.make();
    engine = createAsyncEngine(d.driver);
    await engine.begin(async (c) => {
      await Base.metadata.dropAll(c);
      await Base.metadata.createAll(c);
    });
    const s = new AsyncSession(engine);
    const m1 = new Manager({ name: "Tom", managerData: "data1" });
    const e1 = new Engineer({ name: "Kurt", engineerInfo: "knows how to hack" });
    const e2 = new JuniorEngineer({ name: "Ed", engineerInfo: "oh that ed" });
    s.addAll([m1, e1, e2]);
    await s.flush();
    s.addAll([new Report({ name: "r1", employeeId: e1.employeeId }), new Report({ name: "r2", employeeId: m1.employeeId }), new Report({ name: "r3", employeeId: e2.employeeId })]);
    await s.commit();
    await s.close();
  });
  afterAll(async () => {
    await engine.begin((c) => Base.metadata.dropAll(c));
    await engine.dispose();
    await d.cleanup();
  });

  it("test_select_from_count: one Manager, two Engineers (one junior)", async () => {
    const s = new AsyncSession(engine);
    expect((await s.execute(select(func.count(1)).selectFrom(Manager))).all().map((r) => [Number(r[0])])).toEqual([[1]]);
    expect(Number(await s.scalar(select(func.count(1)).selectFrom(Engineer)))).toBe(2);
    expect(Number(await s.scalar(select(func.count(1)).selectFrom(Employee)))).toBe(3);
    await s.close();
  });

  it("reports of engineers only, through selectFrom(Engineer).join(Engineer.reports)", async () => {
    const s = new AsyncSession(engine);
    const names = await s.scalars(select(Report.name).selectFrom(Engineer).join(EngineerAsBase.reports).orderBy(Report.name));
    expect(names.all()).toEqual(["r1", "r3"]);
    const reports = (await s.scalars(select(Report).joinFrom(Manager, Report, (Manager as unknown as typeof Employee).reports))).all();
    expect(reports.map((r) => r.name)).toEqual(["r2"]);
    await s.close();
  });
});

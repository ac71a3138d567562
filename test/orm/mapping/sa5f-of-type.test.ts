/**
 * SQLAlchemy's test/orm/test_of_type.py (_PolymorphicTestBase on the _Polymorphic fixture):
 * any() and join() through `Company.employees.ofType(Subclass)`, and the same through an
 * aliased `withPolymorphic()` entity (any(), join + containsEager). On PostgreSQL and SQLite.
 */
import { describe, expect, it } from "vitest";
import { aliased, and, containsEager, func, select } from "athanor";
import { withPolymorphic } from "../../../src/orm/aliased.js";
import { dialectTargets } from "../../fixtures/databases.js";
import { definePolyModels, like, usePolyData } from "./poly-fixtures.js";

const models = definePolyModels("sa5fot");
const { Company, Person, Engineer, Manager, Boss, Machine } = models;

describe.each(dialectTargets())("ofType() (SQLAlchemy test_of_type.py) on $name", (target) => {
  const db = usePolyData(target, models);
  const { ids } = db;

  it("test_any_one / test_any_five: employees.ofType(Engineer).any(…)", async () => {
    await using s = db.session();
    const c = (await s.scalars(select(Company).where(Company.employees.ofType(Engineer).any(Engineer.primaryLanguage.eq("cobol"))))).one();
    expect(c.companyId).toBe(ids.c2);
    const c5 = (await s.scalars(select(Company).where(Company.employees.ofType(Engineer).any(and(Engineer.primaryLanguage.eq("cobol")))))).one();
    expect(c5).toBe(c);
  });

  it("test_any_two: from an aliased Company", async () => {
    await using s = db.session();
    const calias = aliased(Company);
    const c = (await s.scalars(select(calias).where(calias.employees.ofType(Engineer).any(Engineer.primaryLanguage.eq("cobol"))))).one();
    expect(c.companyId).toBe(ids.c2);
  });

  it("test_any_three / test_any_four: a sub-subclass and an intermediate class", async () => {
    await using s = db.session();
    expect((await s.scalars(select(Company).where(Company.employees.ofType(Boss).any(Boss.golfSwing.eq("fore"))))).one().companyId).toBe(ids.c1);
    expect((await s.scalars(select(Company).where(Company.employees.ofType(Manager).any(Manager.managerName.eq("pointy"))))).one().companyId).toBe(ids.c1);
  });

  it("test_join_to_subclass_one: join(Company.employees.ofType(Engineer)) filtered on a subclass column", async () => {
    await using s = db.session();
    const cs = (await s.scalars(select(Company).join(Company.employees.ofType(Engineer)).where(Engineer.primaryLanguage.eq("java")))).all();
    expect(cs.map((c) => c.companyId)).toEqual([ids.c1]);
  });

  it("test_join_to_subclass_two: on to the subclass's own relationship", async () => {
    await using s = db.session();
    const cs = (
      await s.scalars(select(Company).join(Company.employees.ofType(Engineer)).join(Engineer.machines).where(func.lower(Machine.name).like("%thinkpad%")))
    ).all();
    expect(cs.map((c) => c.companyId)).toEqual([ids.c1]);
  });

  it("test_join_to_subclass_three / _four / _five: counts of the joined statements", async () => {
    await using s = db.session();
    const count = async (stmt: { subquery(): unknown }): Promise<number> => Number(await s.scalar(select(func.count()).selectFrom(stmt.subquery() as never)));
    expect(await count(select(Company, Engineer).join(Company.employees.ofType(Engineer)).where(Engineer.primaryLanguage.eq("java")))).toBe(1);
    expect(await count(select(Company.companyId, Engineer).join(Company.employees.ofType(Engineer)).where(Engineer.primaryLanguage.eq("java")))).toBe(1);
    expect(await count(select(Company).join(Company.employees.ofType(Engineer)).where(Engineer.primaryLanguage.eq("java")))).toBe(1);
    const rows = (await s.execute(select(Company, Engineer).join(Company.employees.ofType(Engineer)).where(Engineer.primaryLanguage.eq("java")))).all();
    expect(rows).toHaveLength(1);
    like(rows[0][1], Engineer, { name: "dilbert", primaryLanguage: "java" });
  });

  it("test_with_polymorphic_any: ofType(aliased withPolymorphic).any() on its subclass attribute", async () => {
    await using s = db.session();
    const wp = withPolymorphic(Person, [Engineer], { aliased: true });
    const rows = (await s.execute(select(Company.companyId).where(Company.employees.ofType(wp).any(wp.of(Engineer).primaryLanguage.eq("java"))))).all();
    expect(rows.map((r) => [...r])).toEqual([[ids.c1]]);
  });

  it("test_with_polymorphic_join_exec_contains_eager_two: one SELECT fills every company's employees with their subclass columns", async () => {
    await using s = db.session();
    const wp = withPolymorphic(Person, [Engineer, Manager], { aliased: true });
    const cs = (
      await s.scalars(
        select(Company).join(Company.employees.ofType(wp)).orderBy(Company.companyId, wp.personId).options(containsEager(Company.employees.ofType(wp))),
      )
    ).unique().all();
    expect(cs.map((c) => c.companyId)).toEqual([ids.c1, ids.c2]);
    const [c1, c2] = cs;
    expect(c1.employees.map((e) => e.name)).toEqual(["dilbert", "wally", "pointy haired boss", "dogbert"]);
    like(c1.employees[0], Engineer, { primaryLanguage: "java", engineerName: "dilbert" });
    like(c1.employees[2], Boss, { managerName: "pointy" });
    like(c1.employees[3], Manager, { managerName: "dogbert" });
    like(c2.employees[0], Engineer, { primaryLanguage: "cobol" });
  });
});

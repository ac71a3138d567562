/**
 * SQLAlchemy's test/orm/inheritance/test_polymorphic_rel.py on its _poly_fixtures (companies →
 * people, joined-table Engineer / Manager → Boss, machines and paperwork), ported where the
 * default polymorphic loading (`with_polymorphic="*"`-like: a base query loads every subclass
 * table) applies: get() through the hierarchy, subclass filters, joins from and to the
 * polymorphic base, any(), expire/refresh of subclass columns. On PostgreSQL and SQLite.
 */
import { describe, expect, it } from "vitest";
import { aliased, AsyncSession, select } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { definePolyModels, like, usePolyData } from "./poly-fixtures.js";

const models = definePolyModels("sa3pr");
const { Company, Person, Engineer, Manager, Boss, Paperwork } = models;

describe.each(dialectTargets())("polymorphic relationships (SQLAlchemy test_polymorphic_rel.py) on $name", (target) => {
  const db = usePolyData(target, models);
  const { ids } = db;
  const session = (): AsyncSession => db.session();

  const names = (xs: readonly InstanceType<typeof Person>[]): (string | null)[] => xs.map((x) => x.name);
  const allEmployees = ["dilbert", "wally", "pointy haired boss", "dogbert", "vlad"];

  it("test_get_one / test_get_two / test_get_three: get() of the base, the subclass and an intermediate class", async () => {
    await using s = session();
    like(await s.get(Person, ids.e1), Engineer, { name: "dilbert", primaryLanguage: "java" });
    await using s2 = session();
    like(await s2.get(Engineer, ids.e1), Engineer, { name: "dilbert", primaryLanguage: "java" });
    await using s3 = session();
    like(await s3.get(Manager, ids.b1), Boss, { name: "pointy haired boss", golfSwing: "fore" });
  });

  it("test_filter_on_subclass_one … _six", async () => {
    await using s = session();
    like((await s.scalars(select(Engineer).orderBy(Engineer.personId))).all()[0], Engineer, { name: "dilbert" });
    like((await s.execute(select(Engineer).orderBy(Engineer.personId))).scalar(), Engineer, { name: "dilbert" });
    like((await s.scalars(select(Engineer).orderBy(Engineer.personId))).first(), Engineer, { name: "dilbert" });
    like((await s.scalars(select(Engineer).where(Engineer.personId.eq(ids.e1)))).first(), Engineer, { name: "dilbert" });
    like((await s.scalars(select(Manager).where(Manager.personId.eq(ids.m1)))).one(), Manager, { name: "dogbert" });
    like((await s.scalars(select(Manager).where(Manager.personId.eq(ids.b1)))).one(), Boss, { name: "pointy haired boss" });
    like((await s.scalars(select(Boss).where(Boss.personId.eq(ids.b1)))).one(), Boss, { name: "pointy haired boss" });
  });

  it("test_join_from_polymorphic_nonaliased_one … _four", async () => {
    await using s = session();
    const q1 = (await s.execute(select(Person).join(Person.paperwork).where(Paperwork.description.like("%review%")).orderBy(Person.personId)))
      .unique()
      .scalars()
      .all();
    expect(names(q1)).toEqual(["pointy haired boss", "dogbert"]);
    expect(q1.map((x) => x.constructor)).toEqual([Boss, Manager]);
    const q2 = (await s.scalars(select(Person).orderBy(Person.personId).join(Person.paperwork).where(Paperwork.description.like("%#2%")))).all();
    expect(names(q2)).toEqual(["dilbert", "dogbert"]);
    const q3 = (await s.scalars(select(Engineer).orderBy(Person.personId).join(Person.paperwork).where(Paperwork.description.like("%#2%")))).all();
    expect(names(q3)).toEqual(["dilbert"]);
    const q4 = (
      await s.scalars(select(Person).orderBy(Person.personId).join(Person.paperwork).where(Person.name.like("%dog%")).where(Paperwork.description.like("%#2%")))
    ).all();
    expect(names(q4)).toEqual(["dogbert"]);
  });

  it("test_join_to_polymorphic_nonaliased / _explicit_aliased", async () => {
    await using s = session();
    expect((await s.scalars(select(Company).join(Company.employees).where(Person.name.eq("vlad")))).one().companyId).toBe(ids.c2);
    const ea = aliased(Person);
    expect((await s.scalars(select(Company).join(ea, Company.employees).where(ea.name.eq("vlad")))).one().companyId).toBe(ids.c2);
  });

  it("test_polymorphic_any_one / _explicit_alias_two / _three / _nine", async () => {
    await using s = session();
    expect((await s.scalars(select(Company).where(Company.employees.any(Person.name.eq("vlad"))))).all().map((c) => c.companyId)).toEqual([ids.c2]);
    const ea = aliased(Person);
    expect(
      (await s.scalars(select(Company).join(ea, Company.employees).where(ea.name.eq("dilbert")).where(Company.employees.any(Person.name.eq("wally")))))
        .all()
        .map((c) => c.companyId),
    ).toEqual([ids.c1]);
    expect(
      (await s.scalars(select(Company).join(ea, Company.employees).where(ea.name.eq("dilbert")).where(Company.employees.any(Person.name.eq("vlad"))))).all(),
    ).toEqual([]);
    expect(names((await s.scalars(select(Person).orderBy(Person.personId).where(Person.paperwork.any(Paperwork.description.eq("review #2"))))).all())).toEqual([
      "dogbert",
    ]);
  });

  it("test_expire: expired subclass columns refresh through the subclass tables", async () => {
    await using s = session();
    const m1 = (await s.scalars(select(Manager).where(Manager.name.eq("dogbert")))).one();
    s.expire(m1);
    await s.refresh(m1);
    expect(m1.status).toBe("regular manager");
    const m2 = (await s.scalars(select(Manager).where(Manager.name.eq("pointy haired boss")))).one() as InstanceType<typeof Boss>;
    s.expire(m2, ["managerName", "golfSwing"]);
    await s.refresh(m2, ["managerName", "golfSwing"]);
    expect(m2.golfSwing).toBe("fore");
    expect(m2.managerName).toBe("pointy");
  });

  it("test_query_subclass_join_to_base_relationship", async () => {
    await using s = session();
    expect(names((await s.scalars(select(Engineer).join(Person.paperwork).orderBy(Engineer.personId))).unique().all())).toEqual(["dilbert", "wally", "vlad"]);
  });

  it("test_join_to_subclass_six: join through ofType(Engineer), then the subclass relationship", async () => {
    await using s = session();
    expect(
      (await s.scalars(select(Company).join(Company.employees.ofType(Engineer)).join(Engineer.machines).orderBy(Company.companyId))).unique().all().map((c) => c.companyId),
    ).toEqual([ids.c1, ids.c2]);
  });

  it("test_filter_on_baseclass: a base query returns every subclass, in order", async () => {
    await using s = session();
    const all = (await s.scalars(select(Person).orderBy(Person.personId))).all();
    expect(names(all)).toEqual(allEmployees);
    expect(all.map((x) => x.constructor)).toEqual([Engineer, Engineer, Boss, Manager, Engineer]);
    like(all[2], Boss, { golfSwing: "fore", managerName: "pointy", status: "da boss" });
    like(all[0], Engineer, { primaryLanguage: "java", engineerName: "dilbert" });
    expect((await s.scalars(select(Person).orderBy(Person.personId))).first()).toBe(all[0]);
    expect((await s.scalars(select(Person).orderBy(Person.personId).where(Person.personId.eq(ids.e2)))).one()).toBe(all[1]);
  });
});

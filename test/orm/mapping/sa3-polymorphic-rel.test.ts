/**
 * SQLAlchemy's test/orm/inheritance/test_polymorphic_rel.py on its _poly_fixtures (companies →
 * people, joined-table Engineer / Manager → Boss, machines and paperwork), ported where the
 * default polymorphic loading (`with_polymorphic="*"`-like: a base query loads every subclass
 * table) applies: get() through the hierarchy, subclass filters, joins from and to the
 * polymorphic base, any(), expire/refresh of subclass columns. On PostgreSQL and SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aliased, AsyncSession, configureModel, createAsyncEngine, DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, select,
  String, type AsyncEngine,
} from "athanor";
import { dialectTargets, uniqueName, type TestDriver } from "../../fixtures/databases.js";

const P = uniqueName("sa3pr");
const t = (n: string): string => `${P}_${n}`;

class Base extends DeclarativeBase {}
class Company extends Base.model(t("companies"), {
  companyId: mappedColumn(Integer, { primaryKey: true, name: "company_id" }),
  name: mappedColumn(String(50), { nullable: true }),
}) {
  static employees = relationship(() => Person, { orderBy: () => Person.personId });
  declare employees: Person[];
}
class Person extends Base.model(t("people"), {
  personId: mappedColumn(Integer, { primaryKey: true, name: "person_id" }),
  companyId: mappedColumn(ForeignKey(`${t("companies")}.company_id`), { name: "company_id", nullable: true }),
  name: mappedColumn(String(50), { nullable: true }),
  type: mappedColumn(String(30), { nullable: true }),
}, { polymorphicOn: "type", polymorphicIdentity: "person" }) {
  static paperwork = relationship(() => Paperwork, { orderBy: () => Paperwork.paperworkId });
  declare paperwork: Paperwork[];
}
class Engineer extends Person.subclass({
  personId: mappedColumn(ForeignKey(`${t("people")}.person_id`), { primaryKey: true, name: "person_id" }),
  status: mappedColumn(String(30), { nullable: true }),
  engineerName: mappedColumn(String(50), { name: "engineer_name", nullable: true }),
  primaryLanguage: mappedColumn(String(50), { name: "primary_language", nullable: true }),
}, { table: t("engineers"), polymorphicIdentity: "engineer" }) {
  static machines = relationship(() => Machine, { orderBy: () => Machine.machineId });
  declare machines: Machine[];
}
class Manager extends Person.subclass({
  personId: mappedColumn(ForeignKey(`${t("people")}.person_id`), { primaryKey: true, name: "person_id" }),
  status: mappedColumn(String(30), { nullable: true }),
  managerName: mappedColumn(String(50), { name: "manager_name", nullable: true }),
}, { table: t("managers"), polymorphicIdentity: "manager" }) {}
class Boss extends Manager.subclass({
  personId: mappedColumn(ForeignKey(`${t("managers")}.person_id`), { primaryKey: true, name: "boss_id" }),
  golfSwing: mappedColumn(String(30), { name: "golf_swing", nullable: true }),
}, { table: t("boss"), polymorphicIdentity: "boss" }) {}
class Machine extends Base.model(t("machines"), {
  machineId: mappedColumn(Integer, { primaryKey: true, name: "machine_id" }),
  name: mappedColumn(String(50), { nullable: true }),
  engineerId: mappedColumn(ForeignKey(`${t("engineers")}.person_id`), { name: "engineer_id", nullable: true }),
}) {}
class Paperwork extends Base.model(t("paperwork"), {
  paperworkId: mappedColumn(Integer, { primaryKey: true, name: "paperwork_id" }),
  description: mappedColumn(String(50), { nullable: true }),
  personId: mappedColumn(ForeignKey(`${t("people")}.person_id`), { name: "person_id", nullable: true }),
}) {}
for (const cls of [Engineer, Manager, Boss]) configureModel(cls);

type Ids = { e1: number; e2: number; e3: number; b1: number; m1: number; c1: number; c2: number };

describe.each(dialectTargets())("polymorphic relationships (SQLAlchemy test_polymorphic_rel.py) on $name", (target) => {
  let d: TestDriver;
  let engine: AsyncEngine;
  const ids = {} as Ids;
  const session = (): AsyncSession => new AsyncSession(engine);

  beforeAll(async () => {
    d = await target.make();
    engine = createAsyncEngine(d.driver);
    await engine.begin(async (c) => {
      await Base.metadata.dropAll(c);
      await Base.metadata.createAll(c);
    });
    // SQLAlchemy's insert_data.
    await using s = new AsyncSession(engine, { expireOnCommit: false });
    const paper = (...ds: string[]): Paperwork[] => ds.map((description) => new Paperwork({ description }));
    const machines = (...ns: string[]): Machine[] => ns.map((name) => new Machine({ name }));
    const e1 = new Engineer({ name: "dilbert", engineerName: "dilbert", primaryLanguage: "java", status: "regular engineer" });
    e1.paperwork = paper("tps report #1", "tps report #2");
    e1.machines = machines("IBM ThinkPad", "IPhone");
    const e2 = new Engineer({ name: "wally", engineerName: "wally", primaryLanguage: "c++", status: "regular engineer" });
    e2.paperwork = paper("tps report #3", "tps report #4");
    e2.machines = machines("Commodore 64");
    const b1 = new Boss({ name: "pointy haired boss", golfSwing: "fore", managerName: "pointy", status: "da boss" });
    b1.paperwork = paper("review #1");
    const m1 = new Manager({ name: "dogbert", managerName: "dogbert", status: "regular manager" });
    m1.paperwork = paper("review #2", "review #3");
    const e3 = new Engineer({ name: "vlad", engineerName: "vlad", primaryLanguage: "cobol", status: "elbonian engineer" });
    e3.paperwork = paper("elbonian missive #3");
    e3.machines = machines("Commodore 64", "IBM 3270");
    const c1 = new Company({ name: "MegaCorp, Inc." });
    c1.employees = [e1, e2, b1, m1];
    const c2 = new Company({ name: "Elbonia, Inc." });
    c2.employees = [e3];
    // One at a time: person ids ascend in the fixture's order.
    for (const p of [e1, e2, b1, m1, e3]) {
      s.add(p);
      await s.flush();
    }
    s.addAll([c1, c2]);
    await s.commit();
    Object.assign(ids, { e1: e1.personId, e2: e2.personId, e3: e3.personId, b1: b1.personId, m1: m1.personId, c1: c1.companyId, c2: c2.companyId });
  });
  afterAll(async () => {
    await engine.begin((c) => Base.metadata.dropAll(c));
    await engine.dispose();
    await d.cleanup();
  });

  /** ComparableEntity-style: class and the given attribute values. */
  function like<C extends abstract new (...args: never[]) => object>(obj: unknown, cls: C, attrs: Partial<Record<keyof InstanceType<C>, unknown>>): void {
    expect(obj).toBeInstanceOf(cls);
    expect((obj as object).constructor).toBe(cls);
    for (const [k, v] of Object.entries(attrs)) expect((obj as Record<string, unknown>)[k]).toEqual(v);
  }
  const names = (xs: readonly Person[]): (string | null)[] => xs.map((x) => x.name);
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
    const m2 = (await s.scalars(select(Manager).where(Manager.name.eq("pointy haired boss")))).one() as Boss;
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

/**
 * SQLAlchemy's test/orm/inheritance/test_polymorphic_rel.py on its _poly_fixtures (companies →
 * people, joined-table Engineer / Manager → Boss, machines and paperwork): aliases of
 * joined-table classes (`aliased(Person)` selected, `aliased(Engineer)` as a join target and in
 * ofType()). On PostgreSQL and SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aliased, AsyncSession, configureModel, createAsyncEngine, DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, select,
  String, type AsyncEngine,
} from "athanor";
import { dialectTargets, uniqueName, type TestDriver } from "../../fixtures/databases.js";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { PGDialect } from "../../../src/dialects/postgresql/index.js";

const P = uniqueName("sa4pa");
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

const pg = new PGDialect();
/** The compiled ORM statement (SQLAlchemy's assert_compile), table names without this file's prefix. */
function sql(stmt: unknown): string {
  return planOrmSelect(stmt as Parameters<typeof planOrmSelect>[0]).stmt.compile({ dialect: pg }).sql.replace(/\s*\n\s*/g, " ").replaceAll(`${P}_`, "");
}

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

  it("test_from_alias: select(aliased(Person)) aliases the base table; subclass rows load as their classes", async () => {
    await using s = session();
    const palias = aliased(Person);
    const stmt = select(palias).orderBy(palias.personId).where(palias.name.in(["dilbert", "wally"]));
    expect(sql(stmt)).toBe(
      `SELECT people_1.person_id, people_1.company_id, people_1.name, people_1.type FROM people AS people_1 ` +
        `WHERE people_1.name IN (__[POSTCOMPILE_name_1]) ORDER BY people_1.person_id`,
    );
    const got = (await s.scalars(stmt)).all();
    expect(names(got)).toEqual(["dilbert", "wally"]);
    expect(got.map((x) => x.constructor)).toEqual([Engineer, Engineer]);
    expect(got.map((x) => x.personId)).toEqual([ids.e1, ids.e2]);
    // The subclass table's columns were not selected: they load on refresh.
    await s.refresh(got[0]);
    like(got[0], Engineer, { name: "dilbert", primaryLanguage: "java", engineerName: "dilbert" });
  });

  it("test_join_to_subclass_three: join(aliased(Engineer), Company.employees) joins the subclass's tables as a subquery", async () => {
    await using s = session();
    const ealias = aliased(Engineer);
    const stmt = select(Company).join(ealias as never, Company.employees).where(ealias.primaryLanguage.eq("java"));
    expect(sql(stmt)).toBe(
      "SELECT companies.company_id, companies.name FROM companies JOIN (SELECT people.person_id AS people_person_id, " +
        "people.company_id AS people_company_id, people.name AS people_name, people.type AS people_type, " +
        "engineers.person_id AS engineers_person_id, engineers.status AS engineers_status, " +
        "engineers.engineer_name AS engineers_engineer_name, engineers.primary_language AS engineers_primary_language " +
        "FROM people JOIN engineers ON people.person_id = engineers.person_id) AS anon_1 " +
        "ON companies.company_id = anon_1.people_company_id WHERE anon_1.engineers_primary_language = $1",
    );
    expect((await s.scalars(stmt)).unique().all().map((c) => c.companyId)).toEqual([ids.c1]);
  });

  it("test_join_to_subclass_three: join(Company.employees.ofType(aliased(Engineer))), with the aliased entity selected", async () => {
    await using s = session();
    const ealias = aliased(Engineer);
    const got = (await s.scalars(select(Company).join(Company.employees.ofType(ealias)).where(ealias.primaryLanguage.eq("java")))).unique().all();
    expect(got.map((c) => c.companyId)).toEqual([ids.c1]);
    const rows = (await s.execute(select(Company.name, ealias).join(Company.employees.ofType(ealias)).orderBy(ealias.personId))).all();
    expect(rows.map((r) => [r[0], r[1].name, r[1].primaryLanguage])).toEqual([
      ["MegaCorp, Inc.", "dilbert", "java"],
      ["MegaCorp, Inc.", "wally", "c++"],
      ["Elbonia, Inc.", "vlad", "cobol"],
    ]);
    expect(rows.every((r) => r[1] instanceof Engineer)).toBe(true);
  });

  it("test_join_to_subclass_one / _two (test_of_type.py): ofType(Engineer) joins (people JOIN engineers) nested", async () => {
    await using s = session();
    const one = select(Company).join(Company.employees.ofType(Engineer)).where(Engineer.primaryLanguage.eq("java"));
    expect(sql(one)).toBe(
      "SELECT companies.company_id, companies.name FROM companies JOIN (people JOIN engineers ON people.person_id = engineers.person_id) " +
        "ON companies.company_id = people.company_id WHERE engineers.primary_language = $1",
    );
    expect((await s.scalars(one)).all().map((c) => c.companyId)).toEqual([ids.c1]);
    const two = select(Company).join(Company.employees.ofType(Engineer)).join(Engineer.machines).where(Machine.name.ilike("%thinkpad%"));
    expect((await s.scalars(two)).all().map((c) => c.companyId)).toEqual([ids.c1]);
    // An outer join keeps the companies without a matching engineer.
    const outer = select(Company.name, Engineer.name).outerjoin(Company.employees.ofType(Engineer).and(Engineer.primaryLanguage.eq("cobol"))).orderBy(Company.companyId);
    expect((await s.execute(outer)).all().map((r) => [...r])).toEqual([["MegaCorp, Inc.", null], ["Elbonia, Inc.", "vlad"]]);
  });

  it("test_join_to_subclass_three / _four (test_of_type.py): select(Company, Engineer) over the nested join", async () => {
    await using s = session();
    const stmt = select(Company, Engineer).join(Company.employees.ofType(Engineer)).where(Engineer.primaryLanguage.eq("java"));
    expect(sql(stmt)).toBe(
      "SELECT companies.company_id, companies.name, people.person_id, people.company_id AS company_id_1, people.name AS name_1, people.type, " +
        "engineers.status, engineers.engineer_name, engineers.primary_language FROM companies " +
        "JOIN (people JOIN engineers ON people.person_id = engineers.person_id) ON companies.company_id = people.company_id " +
        "WHERE engineers.primary_language = $1",
    );
    expect((await s.execute(stmt)).all().length).toBe(1);
    expect((await s.execute(select(Company.companyId, Engineer).join(Company.employees.ofType(Engineer)).where(Engineer.primaryLanguage.eq("java")))).all().length).toBe(1);
  });

  it("test_join_walias (test_of_type.py): ofType(aliased(Person)) joins an alias of the base table", () => {
    const palias = aliased(Person);
    expect(sql(select(Company).join(Company.employees.ofType(palias)))).toBe(
      "SELECT companies.company_id, companies.name FROM companies JOIN people AS people_1 ON companies.company_id = people_1.company_id",
    );
  });
});

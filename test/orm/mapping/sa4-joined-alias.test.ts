/**
 * SQLAlchemy's test/orm/inheritance/test_polymorphic_rel.py on its _poly_fixtures (companies →
 * people, joined-table Engineer / Manager → Boss, machines and paperwork): aliases of
 * joined-table classes (`aliased(Person)` selected, `aliased(Engineer)` as a join target and in
 * ofType()). On PostgreSQL and SQLite.
 */
import { describe, expect, it } from "vitest";
import { aliased, AsyncSession, select } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { definePolyModels, like, usePolyData } from "./poly-fixtures.js";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { PGDialect } from "../../../src/dialects/postgresql/index.js";

const models = definePolyModels("sa4pa");
const { P, Company, Person, Engineer, Manager, Boss, Machine } = models;

const pg = new PGDialect();
/** The compiled ORM statement (SQLAlchemy's assert_compile), table names without this file's prefix. */
function sql(stmt: unknown): string {
  return planOrmSelect(stmt as Parameters<typeof planOrmSelect>[0]).stmt.compile({ dialect: pg }).sql.replace(/\s*\n\s*/g, " ").replaceAll(`${P}_`, "");
}

describe.each(dialectTargets())("polymorphic relationships (SQLAlchemy test_polymorphic_rel.py) on $name", (target) => {
  const db = usePolyData(target, models);
  const { ids } = db;
  const session = (): AsyncSession => db.session();

  const names = (xs: readonly InstanceType<typeof Person>[]): (string | null)[] => xs.map((x) => x.name);
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

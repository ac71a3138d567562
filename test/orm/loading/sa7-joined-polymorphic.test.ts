/**
 * joinedload() to a joined-table inheritance target: the target's tables join as one
 * flat-aliased unit nested in the eager LEFT OUTER JOIN, as SQLAlchemy renders an eager join to a
 * with_polymorphic mapper (test/orm/test_of_type.py PolymorphicPolymorphicTest
 * `_polymorphic_join_target`, test_joinedload_implicit_withpoly, and
 * test/orm/inheritance/test_polymorphic_rel.py test_relationship_to_polymorphic_*): each row
 * loads as its subclass with that subclass's columns, one statement, no lazy load needed.
 * A many-to-one to a joined subclass joins `(people AS people_1 JOIN engineers AS engineers_1 ON …)`.
 * Exact SQL and rows on PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DeclarativeBase, ForeignKey, insert, Integer, joinedload, mappedColumn, relationship, select, String } from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

const p = uniqueName("sa7_jp");
const t = (n: string) => `${p}_${n}`;

class Base extends DeclarativeBase {}
class Company extends Base.model(t("company"), { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(50)) }) {
  static people = relationship(() => Person, { orderBy: () => Person.id });
  declare people: Person[];
}
class Person extends Base.model(t("person"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(50)),
  type: mappedColumn(String(20)),
  companyId: mappedColumn(ForeignKey(`${t("company")}.id`), { name: "company_id", nullable: true }),
}, { polymorphicOn: "type", polymorphicIdentity: "person" }) {}
class Engineer extends Person.subclass({ language: mappedColumn(String(30)) }, { table: t("engineer"), polymorphicIdentity: "engineer" }) {}
class Manager extends Person.subclass({ budget: mappedColumn(Integer) }, { table: t("manager"), polymorphicIdentity: "manager" }) {}
class Machine extends Base.model(t("machine"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(50)),
  engineerId: mappedColumn(ForeignKey(`${t("engineer")}.id`), { name: "engineer_id", nullable: true }),
}) {
  static engineer = relationship(() => Engineer);
  declare engineer: Engineer | null;
}
void [Engineer.id, Manager.id];

describe.each(dialectTargets())("joinedload to a joined-inheritance target on $name", (target) => {
  let db: Db;
  const ph = (n: number): string => (target.dialect === "postgresql" ? `$${n}` : "?");
  const fold = (s: string) => s.replace(/\s*\n\s*/g, " ");
  const selects = () => db.selects().map(fold);
  const [C, P, E, M, X] = [t("company"), t("person"), t("engineer"), t("manager"), t("machine")];
  const cols = (a: string) =>
    `${a}_1.id AS id_1, ${a}_1.name AS name_1, ${a}_1.type, ${a}_1.company_id, ${E}_1.language, ${M}_1.budget`;

  beforeAll(async () => {
    db = await openDb(target, Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(Company.__table__), [{ id: 1, name: "krusty" }, { id: 2, name: "empty" }]);
      await conn.execute(insert(Person.__table__), [
        { id: 1, name: "squidward", type: "person", companyId: 1 },
        { id: 2, name: "spongebob", type: "engineer", companyId: 1 },
        { id: 3, name: "krabs", type: "manager", companyId: 1 },
      ]);
      await conn.execute(insert(Engineer.__table__), [{ id: 2, language: "ts" }]);
      await conn.execute(insert(Manager.__table__), [{ id: 3, budget: 100 }]);
      await conn.execute(insert(Machine.__table__), [{ id: 1, name: "grill", engineerId: 2 }, { id: 2, name: "spare", engineerId: null }]);
    });
  });
  beforeEach(() => db.counting.reset());
  afterAll(async () => {
    await db.cleanup();
  });

  const shape = (cos: readonly Company[]) =>
    cos.map((c) => [c.name, c.people.map((e) => [e instanceof Engineer ? "Engineer" : e instanceof Manager ? "Manager" : "Person", e.name, e instanceof Engineer ? e.language : e instanceof Manager ? e.budget : null])]);
  const expected = [["krusty", [["Person", "squidward", null], ["Engineer", "spongebob", "ts"], ["Manager", "krabs", 100]]], ["empty", []]];

  it("joinedload(Company.people): the hierarchy's tables in one nested, flat-aliased LEFT OUTER JOIN", async () => {
    await using s = db.session();
    const cos = (await s.scalars(select(Company).options(joinedload(Company.people)).orderBy(Company.id))).unique().all();
    expect(shape(cos)).toEqual(expected);
    expect(selects()).toEqual([
      `SELECT ${C}.id, ${C}.name, ${cols(P)} FROM ${C} LEFT OUTER JOIN (${P} AS ${P}_1 LEFT OUTER JOIN ${E} AS ${E}_1 ON ${P}_1.id = ${E}_1.id LEFT OUTER JOIN ${M} AS ${M}_1 ON ${P}_1.id = ${M}_1.id) ON ${C}.id = ${P}_1.company_id ORDER BY ${C}.id, ${P}_1.id`,
    ]);
  });

  it("joinedload(Company.people.ofType(Engineer)): the same statement and rows (a polymorphic hint, not a filter)", async () => {
    await using s = db.session();
    const cos = (await s.scalars(select(Company).options(joinedload(Company.people.ofType(Engineer))).orderBy(Company.id))).unique().all();
    expect(shape(cos)).toEqual(expected);
    expect(selects()).toHaveLength(1);
    expect(selects()[0]).toContain(`LEFT OUTER JOIN (${P} AS ${P}_1 LEFT OUTER JOIN ${E} AS ${E}_1 ON ${P}_1.id = ${E}_1.id`);
  });

  it("innerJoin: true joins the same unit with JOIN", async () => {
    await using s = db.session();
    const cos = (await s.scalars(select(Company).options(joinedload(Company.people, { innerJoin: true })).orderBy(Company.id))).unique().all();
    expect(shape(cos)).toEqual([expected[0]]);
    expect(selects()[0]).toContain(`FROM ${C} JOIN (${P} AS ${P}_1 LEFT OUTER JOIN ${E} AS ${E}_1 ON ${P}_1.id = ${E}_1.id LEFT OUTER JOIN ${M} AS ${M}_1 ON ${P}_1.id = ${M}_1.id) ON ${C}.id = ${P}_1.company_id`);
  });

  it("a many-to-one to a joined subclass joins its base table too, so inherited columns load", async () => {
    await using s = db.session();
    const ms = (await s.scalars(select(Machine).options(joinedload(Machine.engineer)).where(Machine.id.le(2)).orderBy(Machine.id))).all();
    expect(ms.map((m) => [m.name, m.engineer?.name ?? null, m.engineer?.language ?? null])).toEqual([["grill", "spongebob", "ts"], ["spare", null, null]]);
    expect(selects()).toEqual([
      `SELECT ${X}.id, ${X}.name, ${X}.engineer_id, ${P}_1.id AS id_1, ${P}_1.name AS name_1, ${P}_1.type, ${P}_1.company_id, ${E}_1.language FROM ${X} LEFT OUTER JOIN (${P} AS ${P}_1 JOIN ${E} AS ${E}_1 ON ${P}_1.id = ${E}_1.id) ON ${E}_1.id = ${X}.engineer_id WHERE ${X}.id <= ${ph(1)} ORDER BY ${X}.id`,
    ]);
  });
});

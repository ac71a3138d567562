/**
 * `ofType()` with joined-table inheritance subclasses (SQLAlchemy's `of_type()`):
 * `join(Company.employees.ofType(Engineer))` joins `(employee JOIN engineer ON …)` nested,
 * any() / contains() select FROM the subclass's join, `selectinload(…ofType(Engineer))` /
 * `joinedload(…)` load every employee (a polymorphic-loading hint, not a filter, as SQLAlchemy),
 * `containsEager` reads the Engineers from the statement's join.
 * Exact SQL, rows and statement counts on PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  aliased, ArgumentError, containsEager, DeclarativeBase, ForeignKey, insert, Integer, InvalidRequestError, joinedload, mappedColumn,
  relationship, select, selectinload, String, withParent,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "../loading/models.js";

const p = uniqueName("b_oft");
const t = (n: string) => `${p}_${n}`;

class Base extends DeclarativeBase {}
class Company extends Base.model(t("company"), { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(50)) }) {
  static employees = relationship(() => Employee, { backPopulates: "company", orderBy: () => Employee.id });
  declare employees: Employee[];
}
class Employee extends Base.model(t("employee"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(50)),
  type: mappedColumn(String(20)),
  companyId: mappedColumn(ForeignKey(`${t("company")}.id`), { name: "company_id", nullable: true }),
}, { polymorphicOn: "type", polymorphicIdentity: "employee" }) {
  static company = relationship(() => Company, { backPopulates: "employees" });
  declare company: Company | null;
}
class Engineer extends Employee.subclass({ language: mappedColumn(String(30)) }, { table: t("engineer"), polymorphicIdentity: "engineer" }) {}
class Manager extends Employee.subclass({ budget: mappedColumn(Integer) }, { table: t("manager"), polymorphicIdentity: "manager" }) {}
// Adopt the subclasses before any polymorphic load (see the TSDoc of subclass()).
void [Engineer.id, Manager.id];

describe.each(dialectTargets())("ofType(JoinedSubclass) on $name", (target) => {
  let db: Db;
  const d = target.dialect;
  const ph = (n: number): string => (d === "postgresql" ? `$${n}` : "?");
  const fold = (s: string) => s.replace(/\s*\n\s*/g, " ");
  const kind = (e: Employee): string => (e instanceof Engineer ? "Engineer" : e instanceof Manager ? "Manager" : "Employee");
  const selects = () => db.selects().map(fold);
  const C = t("company");
  const E = t("employee");
  const G = t("engineer");
  const M = t("manager");

  beforeAll(async () => {
    db = await openDb(target, Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(Company.__table__), [{ id: 1, name: "krusty" }, { id: 2, name: "chum" }, { id: 3, name: "empty" }]);
      await conn.execute(insert(Employee.__table__), [
        { id: 1, name: "squidward", type: "employee", companyId: 1 },
        { id: 2, name: "spongebob", type: "engineer", companyId: 1 },
        { id: 3, name: "krabs", type: "manager", companyId: 1 },
        { id: 4, name: "plankton", type: "engineer", companyId: 2 },
        { id: 5, name: "karen", type: "manager", companyId: 2 },
      ]);
      await conn.execute(insert(Engineer.__table__), [{ id: 2, language: "ts" }, { id: 4, language: "c" }]);
      await conn.execute(insert(Manager.__table__), [{ id: 3, budget: 100 }, { id: 5, budget: 5 }]);
    });
  });
  beforeEach(() => db.counting.reset());
  afterAll(async () => {
    await db.cleanup();
  });

  it("join(Company.employees.ofType(Engineer)) joins (employee JOIN engineer) nested, as SQLAlchemy", async () => {
    await using s = db.session();
    const stmt = select(Company.name, Engineer.language).join(Company.employees.ofType(Engineer)).orderBy(Employee.id);
    const rows = (await s.execute(stmt)).all().map((r) => [...r]);
    expect(rows).toEqual([["krusty", "ts"], ["chum", "c"]]);
    expect(selects()).toEqual([
      `SELECT ${C}.name, ${G}.language FROM ${C} JOIN (${E} JOIN ${G} ON ${E}.id = ${G}.id) ON ${C}.id = ${E}.company_id ORDER BY ${E}.id`,
    ]);
  });

  it("select(Company, Engineer) over the join: Engineer entities with their columns, no second FROM", async () => {
    await using s = db.session();
    const stmt = select(Company, Engineer).join(Company.employees.ofType(Engineer)).where(Engineer.language.eq("ts"));
    const rows = (await s.execute(stmt)).all();
    expect(rows.length).toBe(1);
    const [co, eng] = rows[0];
    expect(co.name).toBe("krusty");
    expect(eng).toBeInstanceOf(Engineer);
    expect([eng.name, eng.language]).toEqual(["spongebob", "ts"]);
    const sql = selects();
    expect(sql.length).toBe(1);
    expect(sql[0]).toMatch(new RegExp(`FROM ${C} JOIN \\(${E} JOIN ${G} ON ${E}\\.id = ${G}\\.id\\) ON ${C}\\.id = ${E}\\.company_id WHERE ${G}\\.language = \\${ph(1)}$`.replace(/\\\$\?/g, "\\?")));
  });

  it("select(Company, Employee).join(Company.employees): the subclass tables are outer-joined after the statement's join", async () => {
    await using s = db.session();
    const rows = (await s.execute(select(Company, Employee).join(Company.employees).where(Company.id.eq(1)).orderBy(Employee.id))).all();
    expect(rows.map(([, e]) => [e instanceof Engineer ? "Engineer" : e instanceof Manager ? "Manager" : "Employee", e.name])).toEqual([
      ["Employee", "squidward"], ["Engineer", "spongebob"], ["Manager", "krabs"],
    ]);
    expect((rows[1][1] as Engineer).language).toBe("ts");
    expect((rows[2][1] as Manager).budget).toBe(100);
    const sql = selects();
    expect(sql.length).toBe(1);
    expect(sql[0]).toMatch(new RegExp(` FROM ${C} JOIN ${E} ON ${C}\.id = ${E}\.company_id LEFT OUTER JOIN ${t("(engineer|manager)")} ON .* LEFT OUTER JOIN ${t("(engineer|manager)")} ON .* WHERE ${C}\.id = `));
  });

  it("outerjoin keeps companies without engineers; the subclass join is nested and every criterion goes into its ON", async () => {
    await using s = db.session();
    const stmt = select(Company.id, Employee.name, Engineer.language)
      .outerjoin(Company.employees.ofType(Engineer).and(Employee.name.ne("plankton"), Engineer.language.eq("ts")))
      .orderBy(Company.id);
    expect((await s.execute(stmt)).all().map((r) => [...r])).toEqual([[1, "spongebob", "ts"], [2, null, null], [3, null, null]]);
    expect(selects()).toEqual([
      `SELECT ${C}.id, ${E}.name, ${G}.language FROM ${C} LEFT OUTER JOIN (${E} JOIN ${G} ON ${E}.id = ${G}.id) ON ${C}.id = ${E}.company_id AND ${E}.name != ${ph(1)} AND ${G}.language = ${ph(2)} ORDER BY ${C}.id`,
    ]);
  });

  it("any() / contains() select FROM the subclass's join", async () => {
    await using s = db.session();
    const anyTs = select(Company.name).where(Company.employees.ofType(Engineer).any(Engineer.language.eq("ts"))).orderBy(Company.id);
    expect((await s.scalars(anyTs)).all()).toEqual(["krusty"]);
    const anyEng = select(Company.name).where(Company.employees.ofType(Engineer).any()).orderBy(Company.id);
    expect((await s.scalars(anyEng)).all()).toEqual(["krusty", "chum"]);
    expect(selects()).toEqual([
      `SELECT ${C}.name FROM ${C} WHERE EXISTS (SELECT 1 FROM ${E} JOIN ${G} ON ${E}.id = ${G}.id WHERE ${C}.id = ${E}.company_id AND ${G}.language = ${ph(1)}) ORDER BY ${C}.id`,
      `SELECT ${C}.name FROM ${C} WHERE EXISTS (SELECT 1 FROM ${E} JOIN ${G} ON ${E}.id = ${G}.id WHERE ${C}.id = ${E}.company_id) ORDER BY ${C}.id`,
    ]);
    const plankton = (await s.get(Engineer, 4))!;
    db.counting.reset();
    const has = select(Company.name).where(Company.employees.ofType(Engineer).contains(plankton));
    expect((await s.scalars(has)).all()).toEqual(["chum"]);
    expect(selects()).toEqual([
      `SELECT ${C}.name FROM ${C} WHERE EXISTS (SELECT 1 FROM ${E} JOIN ${G} ON ${E}.id = ${G}.id WHERE ${C}.id = ${E}.company_id AND ${E}.id = ${ph(1)})`,
    ]);
    const krabs = (await s.get(Manager, 3))!;
    expect(() => Company.employees.ofType(Engineer).contains(krabs as never)).toThrow(InvalidRequestError);
    expect(() => Company.employees.ofType(Engineer).contains(krabs as never)).toThrow(/expected a Engineer instance; got Manager object/);
    // withParent: the discriminator narrows the targets.
    const krusty = (await s.get(Company, 1))!;
    db.counting.reset();
    const names = (await s.scalars(select(Employee.name).where(withParent(krusty, Company.employees.ofType(Engineer))))).all();
    expect(names).toEqual(["spongebob"]);
    expect(selects()).toEqual([`SELECT ${E}.name FROM ${E} WHERE ${E}.company_id = ${ph(1)} AND ${E}.type = ${ph(2)}`]);
    const engs = (await s.scalars(select(Engineer).where(withParent(krusty, Company.employees.ofType(Engineer))))).all();
    expect(engs.map((e) => [e.name, e.language])).toEqual([["spongebob", "ts"]]);
  });

  it("selectinload(Company.employees.ofType(Engineer)) is a polymorphic-loading hint: every employee loads, Engineers with their columns (test_subqueryload_implicit_withpoly)", async () => {
    await using s = db.session();
    const cos = (await s.scalars(select(Company).orderBy(Company.id).options(selectinload(Company.employees.ofType(Engineer))))).all();
    expect(cos.map((c) => c.employees.map((e) => [kind(e), e.name, e instanceof Engineer ? e.language : null]))).toEqual([
      [["Employee", "squidward", null], ["Engineer", "spongebob", "ts"], ["Manager", "krabs", null]],
      [["Engineer", "plankton", "c"], ["Manager", "karen", null]],
      [],
    ]);
    expect((cos[0].employees[2] as Manager).budget).toBe(100);
    const sql = selects();
    expect(sql.length).toBe(2);
    expect(sql[0]).toBe(`SELECT ${C}.id, ${C}.name FROM ${C} ORDER BY ${C}.id`);
    // No discriminator criterion and no inner join to engineer: the subclass tables are outer-joined.
    expect(sql[1]).toMatch(new RegExp(`^SELECT ${E}\\.company_id, ${E}\\.id, ${E}\\.name, ${E}\\.type, .* FROM ${E} LEFT OUTER JOIN .* WHERE ${E}\\.company_id IN \\(.*\\) ORDER BY ${E}\\.id$`));
    expect(sql[1]).toContain(`LEFT OUTER JOIN ${G} ON ${E}.id = ${G}.id`);
    expect(sql[1]).not.toContain(`${E}.type IN`);
  });

  it("joinedload(Company.employees.ofType(Engineer)) loads every employee in the one statement (test_joinedload_implicit_withpoly)", async () => {
    await using s = db.session();
    const cos = (await s.scalars(select(Company).where(Company.id.eq(1)).options(joinedload(Company.employees.ofType(Engineer))))).unique().all();
    expect(cos.map((c) => c.employees.map((e) => [kind(e), e.name]))).toEqual([
      [["Employee", "squidward"], ["Engineer", "spongebob"], ["Manager", "krabs"]],
    ]);
    // The hierarchy's tables join as one flat-aliased unit, so each row loads its subclass's
    // columns (SQLAlchemy's eager join to a with_polymorphic target, PolymorphicPolymorphicTest).
    const engineer = cos[0]!.employees.find((e) => e instanceof Engineer) as Engineer;
    const manager = cos[0]!.employees.find((e) => e instanceof Manager) as Manager;
    expect([engineer.language, manager.budget]).toEqual(["ts", 100]);
    const sql = selects();
    expect(sql.length).toBe(1);
    expect(sql[0]).toContain(
      `FROM ${C} LEFT OUTER JOIN (${E} AS ${E}_1 LEFT OUTER JOIN ${G} AS ${G}_1 ON ${E}_1.id = ${G}_1.id LEFT OUTER JOIN ${M} AS ${M}_1 ON ${E}_1.id = ${M}_1.id) ON ${C}.id = ${E}_1.company_id WHERE ${C}.id = ${ph(1)} ORDER BY ${E}_1.id`,
    );
    expect(sql[0]).not.toContain(`${E}_1.type IN`);
  });

  it("containsEager(Company.employees.ofType(Engineer)) reads the Engineers from the statement's join", async () => {
    await using s = db.session();
    const stmt = select(Company).join(Company.employees.ofType(Engineer)).options(containsEager(Company.employees.ofType(Engineer))).orderBy(Company.id);
    const cos = (await s.scalars(stmt)).unique().all();
    expect(cos.map((c) => [c.name, c.employees.map((e) => [e.name, (e as Engineer).language])])).toEqual([["krusty", [["spongebob", "ts"]]], ["chum", [["plankton", "c"]]]]);
    const sql = selects();
    expect(sql.length).toBe(1);
    expect(sql[0]).toMatch(new RegExp(`, ${G}\\.language FROM ${C} JOIN \\(${E} JOIN ${G} ON ${E}\\.id = ${G}\\.id\\) ON .* ORDER BY ${C}\\.id$`));
  });

  it("ofType(aliased(JoinedSubclass)) is accepted", () => {
    // SQLAlchemy joins to an aliased joined-table subclass (its tables as a subquery); see sa4-joined-alias.test.ts.
    expect(() => Company.employees.ofType(aliased(Engineer))).not.toThrow();
  });
});

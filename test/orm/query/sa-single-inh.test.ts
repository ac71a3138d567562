/**
 * Single-table inheritance in ORM SELECTs, ported from SQLAlchemy's
 * test/orm/inheritance/test_single.py (RelationshipToSingleTest / SingleInheritanceTest): a
 * subclass restricts rows to its discriminator wherever the statement selects it — as an
 * entity, through an alias, or through its attributes alone — on real SQLite and PostgreSQL.
 * Several identities render as an expanding IN, as SQLAlchemy's `__[POSTCOMPILE_type_1]`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliased, configureModel, DeclarativeBase, func, insert, Integer, mappedColumn, select, String } from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openQueryDb, sqlOf, type QueryDb } from "./models.js";

const P = uniqueName("sainh");
class Base extends DeclarativeBase {}
class Employee extends Base.model(P, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(50)),
  type: mappedColumn(String(20)),
}, { polymorphicOn: "type", polymorphicIdentity: "employee" }) {}
class Manager extends Employee.subclass({ managerData: mappedColumn(String(50), { name: "manager_data", nullable: true }) }, { polymorphicIdentity: "manager" }) {}
class Engineer extends Employee.subclass({ engineerInfo: mappedColumn(String(50), { name: "engineer_info", nullable: true }) }, { polymorphicIdentity: "engineer" }) {}
class JuniorEngineer extends Engineer.subclass({}, { polymorphicIdentity: "juniorengineer" }) {}
// Subclasses are adopted on first use; loading rows of one never named yet needs it configured.
for (const cls of [Manager, Engineer, JuniorEngineer]) configureModel(cls);

describe.each(dialectTargets())("single-table subclasses in SELECT on $name", (target) => {
  let db: QueryDb;
  const d = target.dialect;
  const ph = (n: number): string => (d === "postgresql" ? `$${n}` : "?");
  const sql = (stmt: Parameters<typeof planOrmSelect>[0]): string => sqlOf(planOrmSelect(stmt).stmt, d);

  beforeAll(async () => {
    db = await openQueryDb(target, Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(Employee.__table__), [
        { id: 1, name: "Tom", type: "manager", managerData: "knows how to manage things", engineerInfo: null },
        { id: 2, name: "Kurt", type: "engineer", managerData: null, engineerInfo: "knows how to hack" },
        { id: 3, name: "Ed", type: "juniorengineer", managerData: null, engineerInfo: "oh that ed" },
        { id: 4, name: "Mary", type: "employee", managerData: null, engineerInfo: null },
      ]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("select(Subclass) restricts to its identities (test_single_inheritance)", async () => {
    expect(sql(select(Manager))).toBe(`SELECT ${P}.id, ${P}.name, ${P}.type, ${P}.manager_data FROM ${P} WHERE ${P}.type IN (__[POSTCOMPILE_type_1])`);
    expect(sql(select(Engineer))).toBe(
      `SELECT ${P}.id, ${P}.name, ${P}.type, ${P}.engineer_info FROM ${P} WHERE ${P}.type IN (__[POSTCOMPILE_type_1])`,
    );
    await using s = db.session();
    const engineers = (await s.scalars(select(Engineer).orderBy(Engineer.id))).all();
    expect(engineers.map((e) => e.name)).toEqual(["Kurt", "Ed"]);
    expect(engineers[0]).toBeInstanceOf(Engineer);
    expect(engineers[0]).not.toBeInstanceOf(JuniorEngineer);
    expect(engineers[1]).toBeInstanceOf(JuniorEngineer);
  });

  it("select(Subclass.attr) alone restricts too (test_select_from_column_subclass)", async () => {
    expect(sql(select(Engineer.name).orderBy(Engineer.id))).toBe(
      `SELECT ${P}.name FROM ${P} WHERE ${P}.type IN (__[POSTCOMPILE_type_1]) ORDER BY ${P}.id`,
    );
    await using s = db.session();
    expect((await s.scalars(select(Engineer.name).orderBy(Engineer.id))).all()).toEqual(["Kurt", "Ed"]);
    expect((await s.scalars(select(Manager.name))).all()).toEqual(["Tom"]);
    expect(await s.scalar(select(func.count(Manager.id)))).toBe(1);
  });

  it("base-class attributes select every row", async () => {
    await using s = db.session();
    expect((await s.scalars(select(Employee.name).orderBy(Employee.id))).all()).toEqual(["Tom", "Kurt", "Ed", "Mary"]);
  });

  it("aliased(Subclass) restricts the alias (test_aliased_subclass)", async () => {
    const e = aliased(Engineer, "e");
    expect(sql(select(e).orderBy(e.id))).toBe(
      `SELECT e.id, e.name, e.type, e.engineer_info FROM ${P} AS e WHERE e.type IN (__[POSTCOMPILE_type_1]) ORDER BY e.id`,
    );
    await using s = db.session();
    expect((await s.scalars(select(e).orderBy(e.id))).all().map((x) => x.name)).toEqual(["Kurt", "Ed"]);
    expect((await s.scalars(select(e.name).orderBy(e.id))).all()).toEqual(["Kurt", "Ed"]);
  });

  it("two subclasses in one statement each carry their own restriction", async () => {
    const m = aliased(Manager, "m");
    const stmt = select(Engineer.name, m.name).orderBy(Engineer.id);
    expect(sql(stmt)).toBe(
      `SELECT ${P}.name, m.name AS name_1 FROM ${P}, ${P} AS m WHERE ${P}.type IN (__[POSTCOMPILE_type_1]) AND m.type IN (__[POSTCOMPILE_type_2]) ORDER BY ${P}.id`,
    );
    await using s = db.session();
    expect((await s.execute(stmt)).all().map((r) => [...r])).toEqual([["Kurt", "Tom"], ["Ed", "Tom"]]);
  });
});

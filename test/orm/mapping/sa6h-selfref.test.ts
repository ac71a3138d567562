/**
 * Self-referential mappings from SQLAlchemy's ORM suite: a many-to-many over an association
 * table whose relationship orderBy names that table's column, loaded by selectinload
 * (test_manytomany test_self_referential_roundtrip), and a composite self-referential foreign
 * key whose primaryjoin equates `company_id` with itself (test_relationships
 * CompositeSelfRefFKTest.test_explicit). On PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aliased, and, Column, DeclarativeBase, ForeignKey, ForeignKeyConstraint, Integer, mappedColumn, relationship, select, selectinload,
  String, Table,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "../loading/models.js";

const p = uniqueName("sa6h_sr");
const t = (n: string): string => `${p}_${n}`;
const fold = (s: string): string => s.replace(/\s*\n\s*/g, " ");

class Base extends DeclarativeBase {}
const placePlace = Table(t("place_place"), Base.metadata, {
  pl1_id: Column(Integer, { foreignKey: `${t("place")}.place_id` }),
  pl2_id: Column(Integer, { foreignKey: `${t("place")}.place_id` }),
});
class Place extends Base.model(t("place"), {
  placeId: mappedColumn(Integer, { primaryKey: true, name: "place_id" }),
  label: mappedColumn(String(30), { name: "name" }),
}) {
  static places = relationship(() => Place, {
    secondary: placePlace,
    primaryjoin: () => Place.placeId.eq(placePlace.c.pl1_id),
    secondaryjoin: () => Place.placeId.eq(placePlace.c.pl2_id),
    orderBy: () => placePlace.c.pl2_id,
  });
  declare places: Place[];
}

class Company extends Base.model(t("company_t"), {
  companyId: mappedColumn(Integer, { primaryKey: true, name: "company_id" }),
  label: mappedColumn(String(30), { name: "name" }),
}) {
  static employees = relationship(() => Employee, { backPopulates: "company", orderBy: () => Employee.empId });
  declare employees: Employee[];
}
class Employee extends Base.model(
  t("employee_t"),
  {
    companyId: mappedColumn(Integer, { primaryKey: true, name: "company_id" }),
    empId: mappedColumn(Integer, { primaryKey: true, name: "emp_id" }),
    label: mappedColumn(String(30), { name: "name" }),
    reportsToId: mappedColumn(Integer, { name: "reports_to_id", nullable: true }),
  },
  {
    tableArgs: [
      ForeignKeyConstraint(["company_id"], [`${t("company_t")}.company_id`]),
      ForeignKeyConstraint(["company_id", "reports_to_id"], [`${t("employee_t")}.company_id`, `${t("employee_t")}.emp_id`]),
    ],
  },
) {
  static company = relationship(() => Company, { primaryjoin: () => Employee.companyId.eq(Company.companyId), backPopulates: "employees" });
  declare company: Company;
  static reportsTo = relationship(() => Employee, {
    primaryjoin: () => and(Employee.empId.eq(Employee.reportsToId), Employee.companyId.eq(Employee.companyId)),
    remoteSide: () => [Employee.empId, Employee.companyId],
    foreignKeys: () => [Employee.reportsToId, Employee.companyId],
    backPopulates: "employees",
  });
  declare reportsTo: Employee | null;
  static employees = relationship(() => Employee, {
    primaryjoin: () => and(Employee.empId.eq(Employee.reportsToId), Employee.companyId.eq(Employee.companyId)),
    foreignKeys: () => [Employee.reportsToId, Employee.companyId],
    backPopulates: "reportsTo",
    orderBy: () => Employee.empId,
  });
  declare employees: Employee[];
}

describe.each(dialectTargets())("self-referential mappings on $name", (target) => {
  let db: Db;
  const ph = (n: number): string => (target.dialect === "postgresql" ? `$${n}` : "?");
  beforeAll(async () => {
    db = await openDb(target, Base);
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("test_self_referential_roundtrip: selectinload orders by the association table's alias", async () => {
    {
      await using s = db.session();
      const ps = [1, 2, 3, 4, 5, 6, 7].map((i) => new Place({ placeId: i, label: `place${i}` }));
      const [p1, p2, p3, p4, p5, p6, p7] = ps;
      s.addAll(ps);
      p1.places = [p2, p3];
      p5.places = [p6];
      p6.places = [p1];
      p7.places = [p1];
      p1.places.push(p5);
      p4.places = [p3];
      p3.places = [p4];
      p2.places = [];
      await s.commit();
    }
    await using s = db.session();
    db.counting.reset();
    const places = (await s.scalars(select(Place).orderBy(Place.placeId).options(selectinload(Place.places)))).all();
    expect(places.map((x) => [x.label, x.places.map((y) => y.label)])).toEqual([
      ["place1", ["place2", "place3", "place5"]],
      ["place2", []],
      ["place3", ["place4"]],
      ["place4", ["place3"]],
      ["place5", ["place6"]],
      ["place6", ["place1"]],
      ["place7", ["place1"]],
    ]);
    const P = t("place");
    const PP = t("place_place");
    const sql = db.selects().map(fold);
    expect(sql.length).toBe(2);
    expect(sql[1]).toBe(
      `SELECT ${P}_1.place_id, ${P}.place_id AS place_id_1, ${P}.name FROM ${P} AS ${P}_1 JOIN ${PP} AS ${PP}_1 ON ${P}_1.place_id = ${PP}_1.pl1_id JOIN ${P} ON ${P}.place_id = ${PP}_1.pl2_id WHERE ${P}_1.place_id IN (${[1, 2, 3, 4, 5, 6, 7].map(ph).join(", ")}) ORDER BY ${PP}_1.pl2_id`,
    );
  });

  it("CompositeSelfRefFKTest: company_id = company_id pairs the column with itself; flush, load and join", async () => {
    {
      await using s = db.session();
      const c1 = new Company({ label: "c1" });
      const c2 = new Company({ label: "c2" });
      const e1 = new Employee({ label: "emp1", company: c1, empId: 1 });
      const e2 = new Employee({ label: "emp2", company: c1, empId: 2, reportsTo: e1 });
      const e3 = new Employee({ label: "emp3", company: c1, empId: 3, reportsTo: e1 });
      new Employee({ label: "emp4", company: c1, empId: 4, reportsTo: e3 });
      const e5 = new Employee({ label: "emp5", company: c2, empId: 1 });
      new Employee({ label: "emp6", company: c2, empId: 2, reportsTo: e5 });
      new Employee({ label: "emp7", company: c2, empId: 3, reportsTo: e5 });
      void e2;
      s.addAll([c1, c2]);
      await s.commit();
    }
    await using s = db.session();
    const rows = (await s.execute(select(Employee.label, Employee.companyId, Employee.reportsToId).orderBy(Employee.label))).all().map((r) => [...r]);
    const [c1id, c2id] = [rows[0][1], rows[4][1]];
    expect(c1id).not.toBe(c2id);
    expect(rows).toEqual([
      ["emp1", c1id, null], ["emp2", c1id, 1], ["emp3", c1id, 1], ["emp4", c1id, 3],
      ["emp5", c2id, null], ["emp6", c2id, 1], ["emp7", c2id, 1],
    ]);
    const emps = (
      await s.scalars(select(Employee).orderBy(Employee.companyId, Employee.empId).options(selectinload(Employee.employees), selectinload(Employee.reportsTo)))
    ).all();
    const byName = new Map(emps.map((e) => [e.label, e]));
    expect(byName.get("emp1")!.employees.map((e) => e.label)).toEqual(["emp2", "emp3"]);
    expect(byName.get("emp5")!.employees.map((e) => e.label)).toEqual(["emp6", "emp7"]);
    expect(byName.get("emp3")!.reportsTo!.label).toBe("emp1");
    expect(byName.get("emp7")!.reportsTo!.label).toBe("emp5");
    expect(byName.get("emp1")!.reportsTo).toBeNull();

    const ea = aliased(Employee);
    const E = t("employee_t");
    const q = select(Employee.label).join(Employee.reportsTo.ofType(ea)).where(ea.label.eq("emp5")).orderBy(Employee.label);
    db.counting.reset();
    expect((await s.scalars(q)).all()).toEqual(["emp6", "emp7"]);
    expect(db.selects().map(fold)).toEqual([
      `SELECT ${E}.name FROM ${E} JOIN ${E} AS ${E}_1 ON ${E}_1.emp_id = ${E}.reports_to_id AND ${E}_1.company_id = ${E}.company_id WHERE ${E}_1.name = ${ph(1)} ORDER BY ${E}.name`,
    ]);
  });
});

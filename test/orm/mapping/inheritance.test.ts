/**
 * Mapped inheritance with a polymorphic identity (issue 3, §1 "Single-table and joined-table
 * inheritance"; SQLAlchemy's `polymorphic_on` / `polymorphic_identity`): a base query returns the
 * right subclass per row, a subclass query filters by identity (single-table) or joins its table
 * (joined-table), flush writes base then subclass rows and sets the discriminator, updates and
 * deletes touch the right tables. On PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AsyncSession, createAsyncEngine, DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, select, selectinload,
  String, ArgumentError, delete_, warnings, type AsyncEngine,
} from "../../../src/index.js";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver, type TestDriver } from "../../fixtures/databases.js";

const p = uniqueName("map_inh");
const t = (n: string) => `${p}_${n}`;

class Base extends DeclarativeBase {}

class Company extends Base.model(t("company"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(50)),
}) {
  static staff = relationship(() => Staff, { backPopulates: "company" });
  declare staff: Staff[];
}

// Single-table: one table, discriminator "kind".
class Staff extends Base.model(t("staff"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(50)),
  kind: mappedColumn(String(20)),
  companyId: mappedColumn(ForeignKey(`${t("company")}.id`), { nullable: true }),
}, { polymorphicOn: "kind", polymorphicIdentity: "staff" }) {
  static company = relationship(() => Company, { backPopulates: "staff" });
  declare company: Company | null;
  get title(): string { return `staff ${this.name}`; }
}
class Manager extends Staff.subclass({ budget: mappedColumn(Integer) }, { polymorphicIdentity: "manager" }) {
  override get title(): string { return `manager ${this.name} (${this.budget})`; }
}
class Director extends Manager.subclass({ board: mappedColumn(String(30), { nullable: true }) }, { polymorphicIdentity: "director" }) {}

// Joined-table: employee + engineer/artist tables.
class Employee extends Base.model(t("employee"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(50)),
  type: mappedColumn(String(20)),
}, { polymorphicOn: "type", polymorphicIdentity: "employee" }) {
  describe(): string { return `employee ${this.name}`; }
}
class Engineer extends Employee.subclass({
  language: mappedColumn(String(30)),
}, { table: t("engineer"), polymorphicIdentity: "engineer" }) {
  override describe(): string { return `engineer ${this.name} writes ${this.language}`; }
}
class Artist extends Employee.subclass({
  id: mappedColumn(ForeignKey(`${t("employee")}.id`), { primaryKey: true }),
  medium: mappedColumn(String(30), { nullable: true }),
}, { table: t("artist"), polymorphicIdentity: "artist" }) {}

// Adopt the subclasses before any polymorphic load (see the TSDoc of subclass()).
void [Manager.id, Director.id, Engineer.id, Artist.id];

describe.each(dialectTargets())("inheritance on $name", (target) => {
  let d: TestDriver;
  let counting: CountingDriver;
  let engine: AsyncEngine;
  const session = () => new AsyncSession(engine, { expireOnCommit: false });
  beforeAll(async () => {
    d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
    await engine.begin(async (c) => {
      await Base.metadata.dropAll(c);
      await Base.metadata.createAll(c);
    });
  });
  afterAll(async () => {
    await engine.begin((c) => Base.metadata.dropAll(c));
    await engine.dispose();
    await d.cleanup();
  });
  beforeEach(async () => {
    await engine.begin(async (c) => {
      for (const tb of [...Base.metadata.sortedTables].reverse()) await c.execute(delete_(tb));
    });
    counting.reset();
  });

  describe("single-table", () => {
    it("types and construction: subclass instances have base + own columns, discriminator set", () => {
      const m = new Manager({ name: "m", budget: 10 });
      expect(m.kind).toBe("manager");
      expect(m.budget).toBe(10);
      expect(m.title).toBe("manager m (10)");
      expect(new Director({ name: "d", budget: 1 }).kind).toBe("director");
      expect(new Staff({ name: "s", kind: "staff" }).kind).toBe("staff");
      expect(Manager.__table__).toBe(Staff.__table__);
      expect(Staff.__table__.columnByNameOrKey("budget")!.nullable).toBe(true);
    });

    it("flush inserts one table, a base query returns the right classes, a subclass query filters by identity", async () => {
      {
        await using s = session();
        const acme = new Company({ name: "acme" });
        acme.staff = [new Staff({ name: "s1", kind: "staff" }), new Manager({ name: "m1", budget: 5 }), new Director({ name: "d1", budget: 9, board: "b" })];
        s.add(acme);
        await s.commit();
      }
      await using s = session();
      const all = (await s.scalars(select(Staff).orderBy(Staff.name))).all();
      expect(all.map((x) => x.constructor)).toEqual([Director, Manager, Staff]);
      expect(all.map((x) => x.title)).toEqual(["manager d1 (9)", "manager m1 (5)", "staff s1"]);
      expect((all[0] as Director).board).toBe("b");
      counting.reset();
      const managers = (await s.scalars(select(Manager).orderBy(Manager.name))).all();
      expect(managers.map((x) => x.name)).toEqual(["d1", "m1"]);
      expect(managers[0]).toBe(all[0]); // one identity across the hierarchy
      const q = counting.statements.at(-1)!;
      expect(q).toMatch(/WHERE .*kind IN \(/);
      const directors = (await s.scalars(select(Director))).all();
      expect(directors.map((x) => x.name)).toEqual(["d1"]);
      expect(counting.statements.at(-1)).toMatch(/WHERE .*kind IN \(/);
      // relationships to the base load subclasses too
      const c = (await s.scalars(select(Company).options(selectinload(Company.staff)))).one();
      expect(new Set(c.staff.map((x) => x.constructor))).toEqual(new Set([Director, Manager, Staff]));
      expect(c.staff.find((x) => x instanceof Director)).toBe(all[0]);
    });

    it("update and delete", async () => {
      await using s = session();
      const m = new Manager({ name: "m", budget: 1 });
      s.add(m);
      await s.flush();
      m.budget = 2;
      await s.flush();
      const fresh = (await s.execute(select(Staff.__table__.columnByNameOrKey("budget")!).where(Staff.__table__.c.id.eq(m.id)))).scalar();
      expect(fresh).toBe(2);
      await s.delete(m);
      await s.flush();
      expect((await s.execute(select(Staff.__table__.c.id))).all()).toEqual([]);
    });
  });

  describe("joined-table", () => {
    it("creates the subclass table with its primary key referencing the base", () => {
      const eng = Engineer.__table__;
      expect(eng.name).toBe(t("engineer"));
      expect(eng.primaryKeyColumns.map((c) => c.name)).toEqual(["id"]);
      expect(eng.columnByNameOrKey("id")!.foreignKeys[0].column).toBe(Employee.__table__.c.id);
    });

    it("flush inserts base then subclass rows; a base query returns subclasses; a subclass query joins", async () => {
      {
        await using s = session();
        s.addAll([new Employee({ name: "e", type: "employee" }), new Engineer({ name: "g", language: "ts" }), new Artist({ name: "a", medium: "oil" })]);
        counting.reset();
        await s.commit();
        const inserts = counting.statements.filter((x) => /^INSERT/i.test(x));
        // One multi-row INSERT into the base table (employee), then one per subclass table.
        const tables = inserts.map((x) => x.match(/INSERT INTO "?(\w+)/)![1]);
        expect(tables.filter((x) => x === t("employee")).length).toBeLessThanOrEqual(3);
        expect(tables.filter((x) => x === t("engineer"))).toEqual([t("engineer")]);
        expect(tables.filter((x) => x === t("artist"))).toEqual([t("artist")]);
        // base rows come before the subclass rows that reference them
        const firstSub = inserts.findIndex((x) => x.includes(t("engineer")) || x.includes(t("artist")));
        expect(inserts.slice(0, firstSub).every((x) => x.includes(t("employee")))).toBe(true);
        expect(inserts.slice(firstSub).some((x) => x.includes(t("engineer")))).toBe(true);
      }
      await using s = session();
      const all = (await s.scalars(select(Employee).orderBy(Employee.name))).all();
      expect(all.map((x) => x.constructor)).toEqual([Artist, Employee, Engineer]);
      expect(all.map((x) => x.describe())).toEqual(["employee a", "employee e", "engineer g writes ts"]);
      expect((all[0] as Artist).medium).toBe("oil");
      expect(all.map((x) => x.type)).toEqual(["artist", "employee", "engineer"]);
      counting.reset();
      const engs = (await s.scalars(select(Engineer).where(Engineer.language.eq("ts")))).all();
      expect(engs).toEqual([all[2]]);
      expect(counting.statements.at(-1)).toMatch(new RegExp(`FROM "?${t("employee")}"? JOIN "?${t("engineer")}"? ON`));
      const got = await s.get(Employee, all[2].id);
      expect(got).toBe(all[2]);
    });

    it("updates touch only the tables whose columns changed; deletes remove subclass then base rows", async () => {
      await using s = session();
      const g = new Engineer({ name: "g", language: "ts" });
      s.add(g);
      await s.flush();
      counting.reset();
      g.language = "rust";
      await s.flush();
      expect(counting.statements.filter((x) => /^UPDATE/i.test(x)).map((x) => x.match(/UPDATE "?(\w+)/)![1])).toEqual([t("engineer")]);
      counting.reset();
      g.language = "go";
      g.name = "gg";
      await s.flush();
      expect(counting.statements.filter((x) => /^UPDATE/i.test(x)).map((x) => x.match(/UPDATE "?(\w+)/)![1])).toEqual([t("employee"), t("engineer")]);
      counting.reset();
      await s.delete(g);
      await s.flush();
      expect(counting.statements.filter((x) => /^DELETE/i.test(x)).map((x) => x.match(/DELETE FROM "?(\w+)/)![1])).toEqual([t("engineer"), t("employee")]);
      await s.commit();
      const left = (await s.execute(select(Employee.__table__.c.id))).all();
      expect(left).toEqual([]);
    });
  });
});

describe("inheritance errors", () => {
  it("subclass() needs polymorphicOn on the base, unique identities, and new column keys", () => {
    class B extends DeclarativeBase {}
    class Plain extends B.model("map_inh_err_plain", { id: mappedColumn(Integer, { primaryKey: true }) }) {}
    expect(() => Plain.subclass({ x: mappedColumn(Integer) })).toThrow(ArgumentError);
    expect(() => Plain.subclass({ x: mappedColumn(Integer) })).toThrow(/needs Base.model\(…, \{ polymorphicOn/);
    class Poly extends B.model("map_inh_err_poly", { id: mappedColumn(Integer, { primaryKey: true }), kind: mappedColumn(String) }, { polymorphicOn: "kind", polymorphicIdentity: "poly" }) {}
    // SQLAlchemy warns and reassigns (MapperTest.test_reassign_polymorphic_identity_warns).
    const caught = warnings.catch(() => Poly.subclass({ y: mappedColumn(Integer, { nullable: true }) }, { polymorphicIdentity: "poly" }));
    expect(caught.map((w) => w.message)).toEqual([
      "Reassigning polymorphic association for identity 'poly' from Mapper[Poly(map_inh_err_poly)] to Mapper[Poly:poly(map_inh_err_poly)]: Check for duplicate use of 'poly' as value for polymorphic_identity.",
    ]);
    expect(() => Poly.subclass({ kind: mappedColumn(String) }, { polymorphicIdentity: "other" })).toThrow(/'kind' is already mapped by Poly/);
    expect(() => B.model("map_inh_err_bad", { id: mappedColumn(Integer, { primaryKey: true }) }, { polymorphicOn: "nope" as never })).toThrow(/polymorphicOn 'nope' is not a column/);
  });
});

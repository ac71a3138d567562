/**
 * ORM UPDATE/DELETE on inheritance hierarchies, ported from SQLAlchemy's
 * test/orm/dml/test_orm_upd_del_inheritance.py: joined-table (InheritTest, InheritWPolyTest) and
 * single-table (SingleTablePolymorphicTest) mappings on real SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AsyncSession, DeclarativeBase, delete as delete_, insert, Integer, mappedColumn, select, String, update } from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

const p = uniqueName("sa5e_inh");
class Base extends DeclarativeBase {}
class Person extends Base.model(`${p}_person`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  type: mappedColumn(String(50), { nullable: true }),
  name: mappedColumn(String(50), { nullable: true }),
}, { polymorphicOn: "type", polymorphicIdentity: "person" }) {}
class Engineer extends Person.subclass({
  engineerName: mappedColumn(String(50), { name: "engineer_name", nullable: true }),
}, { table: `${p}_engineer`, polymorphicIdentity: "engineer" }) {}
class Programmer extends Engineer.subclass({
  primaryLanguage: mappedColumn(String(50), { name: "primary_language", nullable: true }),
}, { table: `${p}_programmer`, polymorphicIdentity: "programmer" }) {}
class Manager extends Person.subclass({
  managerName: mappedColumn(String(50), { name: "manager_name", nullable: true }),
}, { table: `${p}_manager`, polymorphicIdentity: "manager" }) {}

class SBase extends DeclarativeBase {}
class Staff extends SBase.model(`${p}_staff`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  position: mappedColumn(String(10)),
  name: mappedColumn(String(5), { nullable: true }),
  stats: mappedColumn(String(5), { nullable: true }),
  salesStats: mappedColumn(String(5), { name: "sales_stats", nullable: true }),
  supportStats: mappedColumn(String(5), { name: "support_stats", nullable: true }),
}, { polymorphicOn: "position" }) {}
class Sales extends Staff.subclass({}, { polymorphicIdentity: "sales" }) {}
class Support extends Staff.subclass({}, { polymorphicIdentity: "support" }) {}

const [PER, ENG] = [`${p}_person`, `${p}_engineer`];

describe.each(dialectTargets())("ORM DML on inheritance hierarchies on $name", (target) => {
  let db: Db;
  let sdb: Db;
  const ph = (n: number): string => (target.dialect === "postgresql" ? `$${n}` : "?");
  const dml = (): string[] => db.counting.statements.filter((q) => /^(UPDATE|DELETE)/.test(q));
  beforeAll(async () => {
    db = await openDb(target, Base as never);
    sdb = await openDb(target, SBase as never);
  });
  afterAll(async () => {
    await db.cleanup();
    await sdb.cleanup();
  });
  beforeEach(async () => {
    await db.engine.begin(async (conn) => {
      for (const t of ["programmer", "engineer", "manager", "person"]) await conn.execDriverSql(`DELETE FROM ${p}_${t}`);
    });
    await sdb.engine.begin(async (conn) => conn.execDriverSql(`DELETE FROM ${p}_staff`));
    {
      await using s = new AsyncSession(db.engine);
      s.addAll([
        new Engineer({ id: 1, name: "e1", engineerName: "e1" }),
        new Manager({ id: 2, name: "m1", managerName: "m1" }),
        new Engineer({ id: 3, name: "e2", engineerName: "e2" }),
        new Person({ id: 4, name: "p1" }),
        new Programmer({ id: 5, name: "pp1", engineerName: "pp1", primaryLanguage: "python" }),
      ]);
      await s.commit();
    }
    {
      await using s = new AsyncSession(sdb.engine);
      s.addAll([
        new Sales({ id: 1, name: "n1", salesStats: "1", stats: "a" }),
        new Sales({ id: 2, name: "n2", salesStats: "2", stats: "b" }),
        new Support({ id: 3, name: "n1", supportStats: "3", stats: "c" }),
        new Support({ id: 4, name: "n2", supportStats: "4", stats: "d" }),
      ]);
      await s.commit();
    }
    db.counting.reset();
    sdb.counting.reset();
  });

  describe("InheritTest", () => {
    it.each([false, "fetch", "evaluate"] as const)("UPDATE of a subclass column touches the subclass table only (%s) (test_update_sub_table_only)", async (sync) => {
      await using s = db.session();
      await s.execute(update(Engineer).values({ engineerName: "e5" }), undefined, { synchronizeSession: sync });
      expect(dml()[0]).toMatch(new RegExp(`^UPDATE ${ENG} SET engineer_name=\\${ph(1)}`));
      expect((await s.scalars(select(Engineer.engineerName))).all()).toEqual(["e5", "e5", "e5"]);
    });

    it.each([false, "fetch", "evaluate"] as const)("UPDATE of a sub-subclass column (%s) (test_update_sub_sub_table_only)", async (sync) => {
      await using s = db.session();
      await s.execute(update(Programmer).values({ primaryLanguage: "c++" }), undefined, { synchronizeSession: sync });
      expect((await s.scalars(select(Programmer.primaryLanguage))).all()).toEqual(["c++"]);
    });

    it.each([false, "fetch", "evaluate"] as const)("UPDATE … FROM the base table with explicit criteria (%s) (test_update_from)", async (sync) => {
      await using s = db.session();
      const e2 = (await s.scalars(select(Engineer).where(Engineer.name.eq("e2")))).first()!;
      expect(e2.engineerName).toBe("e2");
      db.counting.reset();
      await s.execute(update(Engineer).where(Engineer.name.eq("e2")).values({ engineerName: "e5" }), undefined, { synchronizeSession: sync });
      const [sql] = dml();
      expect(sql.startsWith(`UPDATE ${ENG} SET engineer_name=${ph(1)} FROM ${PER} WHERE `)).toBe(true);
      expect(sql.endsWith(` RETURNING ${ENG}.id`)).toBe(sync === "fetch");
      expect(e2.engineerName).toBe(sync === false ? "e2" : "e5");
      await s.commit();
      await using s2 = db.session();
      const rows = (await s2.scalars(select(Engineer).orderBy(Engineer.id))).all().map((e) => [e.name, e.engineerName]);
      expect(rows).toEqual([["e1", "e1"], ["e2", "e5"], ["pp1", "pp1"]]);
    });

    it.each([false, "fetch", "evaluate"] as const)("DELETE … USING the base table (%s) (test_delete_using)", async (sync) => {
      // SQLite has no DELETE … USING (SQLAlchemy's delete_using requirement).
      if (target.dialect !== "postgresql") return;
      await using s = db.session();
      const e2 = (await s.scalars(select(Engineer).where(Engineer.name.eq("e2")))).first()!;
      expect(s.contains(e2)).toBe(true);
      db.counting.reset();
      await s.execute(delete_(Engineer).where(Engineer.name.eq("e2")), undefined, { synchronizeSession: sync });
      const [sql] = dml();
      expect(sql.startsWith(`DELETE FROM ${ENG} USING ${PER} WHERE `)).toBe(true);
      expect(sql.endsWith(` RETURNING ${ENG}.id`)).toBe(sync === "fetch");
      expect(s.contains(e2)).toBe(sync === false);
      await s.commit();
      await using s2 = db.session();
      const names = (await s2.scalars(select(Engineer).orderBy(Engineer.id))).all().map((e) => [e.name, e.engineerName]);
      // The engineer row is gone; its person row stays (SQLAlchemy's DELETE targets one table).
      expect(names).toEqual([["e1", "e1"], ["pp1", "pp1"]]);
    });
  });

  describe("InheritWPolyTest", () => {
    it("UPDATE and DELETE of the base class touch the base table only (test_update_base_only, test_delete_base_only)", async () => {
      await using s = db.session();
      await s.execute(update(Person).values({ name: "n1" }), undefined, { synchronizeSession: false });
      await s.execute(delete_(Person).where(Person.id.eq(7)), undefined, { synchronizeSession: false });
      await s.execute(delete_(Person).where(Person.id.eq(7)).where(Person.id.eq(8)), undefined, { synchronizeSession: false });
      expect(dml()).toEqual([
        `UPDATE ${PER} SET name=${ph(1)}`,
        `DELETE FROM ${PER} WHERE ${PER}.id = ${ph(1)}`,
        `DELETE FROM ${PER} WHERE ${PER}.id = ${ph(1)} AND ${PER}.id = ${ph(2)}`,
      ]);
    });
  });

  describe("SingleTablePolymorphicTest", () => {
    it.each(["fetch", "evaluate"] as const)("UPDATE of a subclass changes its rows and objects only (%s) (test_update)", async (sync) => {
      await using s = sdb.session();
      const [en1] = (await s.scalars(select(Sales).orderBy(Sales.salesStats))).all();
      const [mn1] = (await s.scalars(select(Support).orderBy(Support.supportStats))).all();
      await s.execute(update(Sales).filterBy({ name: "n1" }).values({ stats: "p" }).executionOptions({ synchronizeSession: sync }));
      expect(en1.stats).toBe("p");
      expect(mn1.stats).toBe("c");
      const rows = (await s.execute(select(Staff.position, Staff.name, Staff.stats).orderBy(Staff.id))).all().map((r) => [...r]);
      expect(rows).toEqual([["sales", "n1", "p"], ["sales", "n2", "b"], ["support", "n1", "c"], ["support", "n2", "d"]]);
    });

    it.each(["fetch", "evaluate"] as const)("DELETE of a subclass removes its rows and objects only (%s) (test_delete)", async (sync) => {
      await using s = sdb.session();
      const [en1, en2] = (await s.scalars(select(Sales).orderBy(Sales.salesStats))).all();
      const [mn1, mn2] = (await s.scalars(select(Support).orderBy(Support.supportStats))).all();
      await s.execute(delete_(Sales).filterBy({ name: "n1" }).executionOptions({ synchronizeSession: sync }));
      expect([en1, en2, mn1, mn2].map((o) => s.contains(o))).toEqual([false, true, true, true]);
      const rows = (await s.execute(select(Staff.position, Staff.name, Staff.stats).orderBy(Staff.id))).all().map((r) => [...r]);
      expect(rows).toEqual([["sales", "n2", "b"], ["support", "n1", "c"], ["support", "n2", "d"]]);
    });

    it("bulk INSERT of a subclass fills its polymorphic identity, RETURNING subclass objects", async () => {
      await using s = sdb.session();
      const got = (await s.scalars(insert(Support).returning(Support), [{ id: 10, name: "x" }, { id: 11, name: "y", stats: "s" }])).all();
      expect(got.map((o) => [o.constructor, o.position, o.stats])).toEqual([[Support, "support", null], [Support, "support", "s"]]);
    });
  });
});

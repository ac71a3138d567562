/**
 * ORM-enabled DML on a joined-table inheritance subclass (SQLAlchemy 2.0 "ORM Bulk INSERT /
 * UPDATE for joined table inheritance", "UPDATE/DELETE with custom WHERE criteria for joined
 * table inheritance"): bulk INSERT writes the base table first (RETURNING its generated keys),
 * then the subclass table with those keys, and `returning(Engineer)` splices both tables' rows
 * into identity-mapped objects; bulk UPDATE by primary key emits one UPDATE per table that has
 * values to set; criteria UPDATE/DELETE target one table, rewrite the primary key to that table's
 * own key column and join the other tables of the hierarchy the statement mentions by the
 * inheritance condition (UPDATE … FROM; DELETE … USING, which SQLite rejects with a clear error).
 * Real PostgreSQL and libSQL; exact statements asserted.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  AsyncSession, DeclarativeBase, delete as delete_, func, insert, Integer, InvalidRequestError, mappedColumn, objectState, select, String, text, update,
  type AsyncEngine,
} from "../../../src/index.js";
import { dialectTargets, uniqueName, type CountingDriver } from "../../fixtures/databases.js";
import { useSchemaEngine } from "../../fixtures/schema-engine.js";

describe.each(dialectTargets())("ORM DML on joined-table inheritance on $name", (target) => {
  const p = uniqueName("d_jdml");
  const t = (n: string) => `${p}_${n}`;
  class Base extends DeclarativeBase {}
  class Employee extends Base.model(t("employee"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50)),
    type: mappedColumn(String(20)),
  }, { polymorphicOn: "type", polymorphicIdentity: "employee" }) {}
  class Engineer extends Employee.subclass({
    engineerInfo: mappedColumn(String(50), { name: "engineer_info" }),
  }, { table: t("engineer"), polymorphicIdentity: "engineer" }) {}
  class Manager extends Employee.subclass({
    managerData: mappedColumn(String(50), { name: "manager_data" }),
  }, { table: t("manager"), polymorphicIdentity: "manager" }) {}
  void [Engineer.id, Manager.id];
  const [emp, eng] = [t("employee"), t("engineer")];

  let counting: CountingDriver;
  let engine: AsyncEngine;
  useSchemaEngine(target, Base.metadata, (e, c) => {
    engine = e;
    counting = c;
  });
  beforeEach(async () => {
    await engine.begin(async (conn) => {
      for (const tb of [...Base.metadata.sortedTables].reverse()) await conn.execute(delete_(tb as never));
    });
    counting.reset();
  });

  const ph = (n: number) => (target.name === "postgresql" ? `$${n}` : "?");
  const vals = (n: number, k: number, from = 1) =>
    Array.from({ length: n }, (_, i) => `(${Array.from({ length: k }, (_, j) => ph(from + i * k + j)).join(", ")})`).join(", ");
  const dml = () => counting.statements.filter((x) => /^(INSERT|UPDATE|DELETE)/.test(x));
  const rows = async () =>
    engine.connect(async (conn) =>
      (await conn.execute(text(`SELECT e.id, e.name, e.type, g.engineer_info FROM ${emp} e LEFT OUTER JOIN ${eng} g ON g.id = e.id ORDER BY e.id`))).all()
        .map((r) => [Number(r[0]), r[1], r[2], r[3]]),
    );
  async function seed(): Promise<void> {
    await using s = new AsyncSession(engine);
    s.addAll([
      new Engineer({ id: 1, name: "sandy", engineerInfo: "a" }),
      new Engineer({ id: 2, name: "patrick", engineerInfo: "b" }),
      new Manager({ id: 3, name: "krabs", managerData: "m" }),
      new Employee({ id: 4, name: "squidward", type: "employee" }),
    ]);
    await s.commit();
    counting.reset();
  }

  it("bulk INSERT: base rows RETURNING their keys, then the subclass rows with those keys; the discriminator is set", async () => {
    await using s = new AsyncSession(engine);
    const r = await s.execute(insert(Engineer), [{ name: "sandy", engineerInfo: "x" }, { name: "patrick", engineerInfo: "y" }, { name: "gary", engineerInfo: "z" }]);
    expect(r.rowsAffected).toBe(3);
    expect(dml()).toEqual([
      `INSERT INTO ${emp} (name, type) VALUES ${vals(3, 2)} RETURNING ${emp}.id`,
      `INSERT INTO ${eng} (id, engineer_info) VALUES ${vals(3, 2)}`,
    ]);
    await s.commit();
    const got = await rows();
    expect(got.map((x) => x.slice(1))).toEqual([["sandy", "engineer", "x"], ["patrick", "engineer", "y"], ["gary", "engineer", "z"]]);
  });

  it("bulk INSERT … returning(Engineer): identity-mapped Engineers with both tables' values, in input order", async () => {
    await using s = new AsyncSession(engine);
    const engs = (await s.scalars(insert(Engineer).returning(Engineer), [{ name: "sandy", engineerInfo: "x" }, { name: "patrick", engineerInfo: "y" }])).all();
    expect(dml()).toEqual([
      `INSERT INTO ${emp} (name, type) VALUES ${vals(2, 2)} RETURNING ${emp}.id, ${emp}.name, ${emp}.type`,
      `INSERT INTO ${eng} (id, engineer_info) VALUES ${vals(2, 2)} RETURNING ${eng}.id, ${eng}.engineer_info`,
    ]);
    expect(engs.map((e) => [e.constructor, e.name, e.type, e.engineerInfo])).toEqual([[Engineer, "sandy", "engineer", "x"], [Engineer, "patrick", "engineer", "y"]]);
    expect(engs.every((e) => objectState(e) === "persistent")).toBe(true);
    counting.reset();
    expect(await s.get(Employee, engs[1].id)).toBe(engs[1]);
    expect(counting.counts.execute).toBe(0);
    await s.commit();
    expect((await rows()).map((x) => x[0])).toEqual(engs.map((e) => e.id));
  });

  it("bulk INSERT … returning(mapped columns of both tables) returns those columns only", async () => {
    await using s = new AsyncSession(engine);
    const got = (await s.execute(insert(Engineer).returning(Engineer.id, Engineer.engineerInfo), [{ id: 21, name: "a", engineerInfo: "x" }, { id: 22, name: "b", engineerInfo: "y" }])).all();
    expect(got.map((r) => [Number(r[0]), r[1]])).toEqual([[21, "x"], [22, "y"]]);
    await expect(s.execute(insert(Engineer).returning(func.lower(Engineer.name)), [{ id: 23, name: "c", engineerInfo: "z" }])).rejects.toThrow(/RETURNING element 1 must be the entity or one of its mapped columns/);
  });

  it("bulk INSERT with client-given keys sends them to both tables", async () => {
    await using s = new AsyncSession(engine);
    await s.execute(insert(Engineer), [{ id: 7, name: "a", engineerInfo: "x" }, { id: 8, name: "b", engineerInfo: "y" }]);
    expect(dml()).toEqual([
      `INSERT INTO ${emp} (id, name, type) VALUES ${vals(2, 3)}`,
      `INSERT INTO ${eng} (id, engineer_info) VALUES ${vals(2, 2)}`,
    ]);
    await s.commit();
    expect(await rows()).toEqual([[7, "a", "engineer", "x"], [8, "b", "engineer", "y"]]);
    await expect(s.execute(insert(Engineer), [{ name: "c", nope: 1 }])).rejects.toThrow(/'nope' is not a column attribute of/);
  });

  it("bulk UPDATE by primary key: one UPDATE per table with values to set", async () => {
    await seed();
    await using s = new AsyncSession(engine);
    const r = await s.execute(update(Engineer), [
      { id: 1, name: "sandy2", engineerInfo: "a2" },
      { id: 2, engineerInfo: "b2" },
    ]);
    expect(r.rowsAffected).toBe(2);
    // One executemany per table (the driver may send it as one statement per parameter set).
    expect([...new Set(dml())]).toEqual([
      `UPDATE ${emp} SET name=${ph(1)} WHERE ${emp}.id = ${ph(2)}`,
      `UPDATE ${eng} SET engineer_info=${ph(1)} WHERE ${eng}.id = ${ph(2)}`,
    ]);
    await s.commit();
    expect(await rows()).toEqual([[1, "sandy2", "engineer", "a2"], [2, "patrick", "engineer", "b2"], [3, "krabs", "manager", null], [4, "squidward", "employee", null]]);
  });

  it("criteria UPDATE of subclass columns by key targets the subclass table alone", async () => {
    await seed();
    await using s = new AsyncSession(engine);
    const e1 = (await s.get(Engineer, 1))!;
    counting.reset();
    const r = await s.execute(update(Engineer).where(Engineer.id.eq(1)).values({ engineerInfo: "new" }), undefined, { synchronizeSession: "evaluate" });
    expect(r.rowsAffected).toBe(1);
    expect(dml()).toEqual([`UPDATE ${eng} SET engineer_info=${ph(1)} WHERE ${eng}.id = ${ph(2)}`]);
    expect(e1.engineerInfo).toBe("new");
  });

  it("criteria UPDATE naming a base column joins the base table (UPDATE … FROM) with the inheritance condition", async () => {
    await seed();
    await using s = new AsyncSession(engine);
    const e2 = (await s.get(Engineer, 2))!;
    counting.reset();
    await s.execute(update(Engineer).where(Engineer.name.eq("patrick")).values({ engineerInfo: "starfish" }), undefined, { synchronizeSession: "fetch" });
    const [stmt] = dml();
    expect(stmt).toBe(
      `UPDATE ${eng} SET engineer_info=${ph(1)} FROM ${emp} WHERE ${emp}.name = ${ph(2)} AND ${eng}.id = ${emp}.id` +
        (target.name === "postgresql" ? ` RETURNING ${eng}.id` : ` RETURNING ${eng}.id`),
    );
    expect(e2.engineerInfo).toBe("starfish");
    await s.commit();
    expect(await rows()).toEqual([[1, "sandy", "engineer", "a"], [2, "patrick", "engineer", "starfish"], [3, "krabs", "manager", null], [4, "squidward", "employee", null]]);
  });

  it("criteria UPDATE of base columns on a subclass updates only that subclass's base rows", async () => {
    await seed();
    await using s = new AsyncSession(engine);
    await s.execute(update(Engineer).values({ name: "renamed" }), undefined, { synchronizeSession: false });
    expect(dml()).toEqual([`UPDATE ${emp} SET name=${ph(1)} FROM ${eng} WHERE ${eng}.id = ${emp}.id`]);
    await s.commit();
    expect((await rows()).map((x) => x[1])).toEqual(["renamed", "renamed", "krabs", "squidward"]);
  });

  it("criteria UPDATE setting columns of two tables raises, naming both tables", async () => {
    await using s = new AsyncSession(engine);
    await expect(s.execute(update(Engineer).values({ name: "x", engineerInfo: "y" }))).rejects.toThrow(InvalidRequestError);
    await expect(s.execute(update(Engineer).values({ name: "x", engineerInfo: "y" }))).rejects.toThrow(new RegExp(`columns of ${emp} and ${eng}`));
  });

  it("criteria DELETE targets the subclass table; a base-column criterion needs DELETE … USING (PostgreSQL) and raises on SQLite", async () => {
    await seed();
    await using s = new AsyncSession(engine);
    const e1 = (await s.get(Engineer, 1))!;
    counting.reset();
    await s.execute(delete_(Engineer).where(Engineer.id.eq(1)));
    expect(dml()).toEqual([`DELETE FROM ${eng} WHERE ${eng}.id = ${ph(1)}`]);
    expect(objectState(e1)).toBe("deleted");
    counting.reset();
    const byName = delete_(Engineer).where(Engineer.name.eq("patrick"));
    if (target.name === "postgresql") {
      await s.execute(byName, undefined, { synchronizeSession: false });
      expect(dml()).toEqual([`DELETE FROM ${eng} USING ${emp} WHERE ${emp}.name = $1 AND ${eng}.id = ${emp}.id`]);
      await s.commit();
      expect(await rows()).toEqual([[1, "sandy", "engineer", null], [2, "patrick", "engineer", null], [3, "krabs", "manager", null], [4, "squidward", "employee", null]]);
    } else {
      await expect(s.execute(byName, undefined, { synchronizeSession: false })).rejects.toThrow(/joined-table inheritance/);
    }
  });
});

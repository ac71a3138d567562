/**
 * ORM-enabled DML on a single-table inheritance subclass (SQLAlchemy 1.4/2.0: ORM UPDATE/DELETE
 * of a single-inheritance subclass add its discriminator criterion; ORM bulk INSERT fills in the
 * polymorphic identity): `update(Manager)` must not touch the base class's other rows. Real
 * PostgreSQL and libSQL; exact statements and rows asserted.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  AsyncSession, DeclarativeBase, delete as delete_, insert, Integer, mappedColumn, select, String, update, type AsyncEngine,
} from "../../../src/index.js";
import { dialectTargets, uniqueName, type CountingDriver } from "../../fixtures/databases.js";
import { useSchemaEngine } from "../../fixtures/schema-engine.js";

describe.each(dialectTargets())("ORM DML on single-table inheritance on $name", (target) => {
  const staff = uniqueName("d_sdml_staff");
  class Base extends DeclarativeBase {}
  class Staff extends Base.model(staff, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50)),
    kind: mappedColumn(String(20)),
  }, { polymorphicOn: "kind", polymorphicIdentity: "staff" }) {}
  class Manager extends Staff.subclass({ budget: mappedColumn(Integer) }, { polymorphicIdentity: "manager" }) {}
  class Director extends Manager.subclass({ board: mappedColumn(String(30), { nullable: true }) }, { polymorphicIdentity: "director" }) {}
  void [Manager.id, Director.id];

  let counting: CountingDriver;
  let engine: AsyncEngine;
  useSchemaEngine(target, Base.metadata, (e, c) => {
    engine = e;
    counting = c;
  });
  beforeEach(async () => {
    await engine.begin(async (conn) => {
      await conn.execute(delete_(Staff.__table__));
      await conn.execute(insert(Staff.__table__), [
        { id: 1, name: "s", kind: "staff", budget: null },
        { id: 2, name: "m", kind: "manager", budget: 1 },
        { id: 3, name: "d", kind: "director", budget: 2 },
      ]);
    });
    counting.reset();
  });

  const ph = (n: number) => (target.name === "postgresql" ? `$${n}` : "?");
  const rows = async () => engine.connect(async (conn) => (await conn.execute(select(Staff.__table__).orderBy(Staff.__table__.c.id))).all().map((r) => [...r]));

  it("criteria UPDATE of a subclass adds its discriminator criterion", async () => {
    await using s = new AsyncSession(engine);
    const r = await s.execute(update(Manager).values({ name: "boss" }), undefined, { synchronizeSession: false });
    expect(r.rowsAffected).toBe(2);
    expect(counting.statements).toEqual([`UPDATE ${staff} SET name=${ph(1)} WHERE ${staff}.kind IN (${ph(2)}, ${ph(3)})`]);
    await s.commit();
    expect((await rows()).map((x) => x[1])).toEqual(["s", "boss", "boss"]);
  });

  it("synchronizeSession evaluate/fetch updates loaded objects of the class and its subclasses only", async () => {
    await using s = new AsyncSession(engine);
    const all = (await s.scalars(select(Staff).orderBy(Staff.id))).all();
    await s.execute(update(Manager).where(Manager.budget.ge(0)).values({ name: "boss" }), undefined, { synchronizeSession: "evaluate" });
    expect(all.map((x) => x.name)).toEqual(["s", "boss", "boss"]);
    await s.execute(update(Manager).where(Manager.name.like("b%")).values({ name: "chief" }), undefined, { synchronizeSession: "fetch" });
    expect(all.map((x) => x.name)).toEqual(["s", "chief", "chief"]);
    expect(counting.statements.at(-1)).toBe(`UPDATE ${staff} SET name=${ph(1)} WHERE ${staff}.name LIKE ${ph(2)} AND ${staff}.kind IN (${ph(3)}, ${ph(4)}) RETURNING ${staff}.id`);
  });

  it("criteria DELETE of the leaf subclass deletes only its rows", async () => {
    await using s = new AsyncSession(engine);
    await s.execute(delete_(Director), undefined, { synchronizeSession: false });
    expect(counting.statements).toEqual([`DELETE FROM ${staff} WHERE ${staff}.kind IN (${ph(1)})`]);
    await s.commit();
    expect((await rows()).map((x) => x[0])).toEqual([1, 2]);
  });

  it("bulk INSERT of a subclass fills in its polymorphic identity", async () => {
    await using s = new AsyncSession(engine);
    await s.execute(insert(Director), [{ id: 4, name: "x", budget: 5, board: "b" }]);
    await s.commit();
    expect((await rows()).at(-1)).toEqual([4, "x", "director", 5, "b"]);
  });
});

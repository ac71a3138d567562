/**
 * Joined-table inheritance over batch-only drivers (D1 in miniflare, Neon HTTP through the local
 * peer): a flush of new subclass objects with database-generated keys allocates the base table's
 * keys in one request (SQLite `MAX(id)`, PostgreSQL `nextval()` of the base sequence), and the
 * commit sends every INSERT — base rows, then subclass rows carrying the same keys — in one
 * atomic batch: 2 requests. Updates and deletes of those objects are one batch each.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AsyncSession, createAsyncEngine, DeclarativeBase, insert, Integer, mappedColumn, select, String as Str, text, type AsyncEngine,
} from "../../../src/index.js";
import { uniqueName } from "../../fixtures/databases.js";
import { batchOnlyTargets, type BatchOnlyBackend } from "../../fixtures/batch-only-drivers.js";

function defineModels() {
  class Base extends DeclarativeBase {}
  const e = uniqueName("d_jb_employee");
  class Employee extends Base.model(e, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(Str(50)),
    type: mappedColumn(Str(20)),
  }, { polymorphicOn: "type", polymorphicIdentity: "employee" }) {}
  class Engineer extends Employee.subclass({
    engineerInfo: mappedColumn(Str(50), { name: "engineer_info" }),
  }, { table: uniqueName("d_jb_engineer"), polymorphicIdentity: "engineer" }) {}
  class Manager extends Employee.subclass({
    managerData: mappedColumn(Str(50), { name: "manager_data" }),
  }, { table: uniqueName("d_jb_manager"), polymorphicIdentity: "manager" }) {}
  void [Engineer.id, Manager.id];
  return { Base, Employee, Engineer, Manager };
}

const setups = batchOnlyTargets();

describe.each(setups)("joined-table inheritance unit of work over $name", (setup) => {
  const m = defineModels();
  let engine: AsyncEngine;
  let env: BatchOnlyBackend;
  beforeAll(async () => {
    env = await setup.make();
    engine = createAsyncEngine(env.driver);
    await engine.begin((c) => m.Base.metadata.createAll(c));
  }, 60_000);
  afterAll(async () => {
    await engine.begin((c) => m.Base.metadata.dropAll(c)).catch(() => {});
    await env.stop();
  });

  const table = (n: string) => m.Base.metadata.sortedTables.find((x) => x.name.startsWith(n))!.name;

  it("new Engineers and Managers: 2 requests (keys, then one batch); subclass rows get the base rows' keys", async () => {
    const session = new AsyncSession(engine, { expireOnCommit: false });
    const engs = [1, 2, 3].map((i) => new m.Engineer({ name: `e${i}`, engineerInfo: `info${i}` }));
    const mgr = new m.Manager({ name: "boss", managerData: "budget" });
    const plain = new m.Employee({ name: "plain", type: "employee" });
    session.addAll([...engs, mgr, plain]);
    env.driver.reset();
    const before = env.requests();
    await session.commit();
    expect(env.requests() - before).toBe(2);
    const ids = [...engs, mgr, plain].map((x) => x.id);
    expect(ids.every((id) => typeof id === "number")).toBe(true);
    expect(new Set(ids).size).toBe(5);
    // One allocation query, then the batch: base rows before the subclass rows that copy their keys.
    const inserts = env.driver.statements.filter((x) => /^INSERT/i.test(x)).map((x) => x.match(/^INSERT INTO "?(\w+)/)![1]);
    const [emp, eng, man] = [table("d_jb_employee"), table("d_jb_engineer"), table("d_jb_manager")];
    expect(inserts.filter((x) => x === eng)).toHaveLength(1);
    expect(inserts.filter((x) => x === man)).toHaveLength(1);
    expect(inserts.indexOf(eng)).toBeGreaterThan(inserts.indexOf(emp));
    expect(inserts.indexOf(man)).toBeGreaterThan(inserts.indexOf(emp));
    await session.close();

    const check = new AsyncSession(engine);
    const loaded = (await check.scalars(select(m.Employee).orderBy(m.Employee.name))).all();
    expect(loaded.map((x) => [x.type, x.name, x.id])).toEqual([
      ["manager", "boss", mgr.id], ["engineer", "e1", engs[0].id], ["engineer", "e2", engs[1].id], ["engineer", "e3", engs[2].id], ["employee", "plain", plain.id],
    ]);
    expect(loaded.map((x) => x instanceof m.Engineer)).toEqual([false, true, true, true, false]);
    expect(loaded.filter((x) => x instanceof m.Engineer).map((x) => (x as InstanceType<typeof m.Engineer>).engineerInfo)).toEqual(["info1", "info2", "info3"]);
    expect((loaded[0] as InstanceType<typeof m.Manager>).managerData).toBe("budget");
    const raw = await check.execute(text(`SELECT id FROM ${eng} ORDER BY id`));
    expect(raw.all().map((r) => Number(r[0]))).toEqual(engs.map((e) => e.id).sort((a, b) => a - b));
    await check.close();
  });

  it("ORM bulk INSERT of a subclass: with the keys given it joins the commit batch; generated keys raise a clear error", async () => {
    const session = new AsyncSession(engine, { expireOnCommit: false });
    await expect(session.execute(insert(m.Engineer), [{ name: "nokey", engineerInfo: "x" }])).rejects.toThrow(/needs every primary key \(id\) in the parameter sets/);
    await session.rollback();
    await session.execute(insert(m.Engineer), [{ id: 1001, name: "bulk1", engineerInfo: "b1" }, { id: 1002, name: "bulk2", engineerInfo: "b2" }]);
    const before = env.requests();
    await session.commit();
    expect(env.requests() - before).toBe(1);
    await session.close();
    const check = new AsyncSession(engine);
    const loaded = (await check.scalars(select(m.Employee).where(m.Employee.name.in(["bulk1", "bulk2", "nokey"])).orderBy(m.Employee.name))).all();
    expect(loaded.map((x) => [x instanceof m.Engineer, x.id, (x as InstanceType<typeof m.Engineer>).engineerInfo])).toEqual([[true, 1001, "b1"], [true, 1002, "b2"]]);
    await check.close();
  });

  it("update and delete of a subclass object are one batch each", async () => {
    const session = new AsyncSession(engine, { expireOnCommit: false });
    const g = new m.Engineer({ name: "upd", engineerInfo: "x" });
    session.add(g);
    await session.commit();
    g.name = "upd2";
    g.engineerInfo = "y";
    let before = env.requests();
    await session.commit();
    expect(env.requests() - before).toBe(1);
    await session.delete(g);
    before = env.requests();
    await session.commit();
    expect(env.requests() - before).toBe(1);
    const check = new AsyncSession(engine);
    expect((await check.scalars(select(m.Employee).where(m.Employee.name.in(["upd", "upd2"])))).all()).toEqual([]);
    await check.close();
    await session.close();
  });
});

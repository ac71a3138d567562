/**
 * What an ORM-enabled UPDATE/DELETE's synchronizeSession leaves for rollback to undo, as in
 * SQLAlchemy (test/orm/dml/test_update_delete.py, test_transaction.py): objects an ORM DELETE
 * removed come back on rollback(), and values an ORM UPDATE changed in memory inside a SAVEPOINT
 * are expired when that SAVEPOINT rolls back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { delete as delete_, inspect, select, update } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, openDb, type Db, useDb } from "./models.js";

const M = defineModels("sa_dml_sync");
const { User } = M;

describe.each(dialectTargets())("ORM DML synchronizeSession and rollback on $name", (target) => {
  const db = useDb(target, M);

  async function seed(): Promise<void> {
    await using s = db.session();
    s.addAll([new User({ name: "jack" }), new User({ name: "ed" })]);
    await s.commit();
  }

  it("an object removed by an ORM DELETE is deleted in the session and restored by rollback()", async () => {
    await seed();
    await using s = db.session();
    const jack = (await s.scalars(select(User).where(User.name.eq("jack")))).one();
    await s.execute(delete_(User).where(User.name.eq("jack")), undefined, { synchronizeSession: "evaluate" });
    expect(inspect(jack).deleted).toBe(true);
    expect(s.contains(jack)).toBe(false);
    await s.rollback();
    expect(inspect(jack).persistent).toBe(true);
    expect(s.contains(jack)).toBe(true);
    expect(await s.get(User, inspect(jack).identity![0])).toBe(jack);
  });

  it("an object removed by an ORM DELETE is detached by commit()", async () => {
    await seed();
    await using s = db.session();
    const jack = (await s.scalars(select(User).where(User.name.eq("jack")))).one();
    await s.execute(delete_(User).where(User.name.eq("jack")));
    await s.commit();
    expect(inspect(jack).detached).toBe(true);
  });

  it("values an ORM UPDATE set inside a SAVEPOINT are expired when the SAVEPOINT rolls back", async () => {
    await seed();
    await using s = db.session();
    const jack = (await s.scalars(select(User).where(User.name.eq("jack")))).one();
    const sp = await s.beginNested();
    await s.execute(update(User).where(User.name.eq("jack")).values({ name: "jacko" }));
    expect(jack.name).toBe("jacko");
    await sp.rollback();
    expect(inspect(jack).expiredAttributes.has("name")).toBe(true);
    await s.refresh(jack);
    expect(jack.name).toBe("jack");
  });
});

describe.each(dialectTargets())("inspect(obj).expired (SQLAlchemy's InstanceState.expired) on $name", (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, M.Base);
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("is true after commit's expire-on-commit or expire(obj), false after refresh or a partial expire", async () => {
    await using s = db.session();
    const u = new User({ name: "exp" });
    s.add(u);
    expect(inspect(u).expired).toBe(false);
    await s.commit();
    expect(inspect(u).expired).toBe(true);
    await s.refresh(u);
    expect(inspect(u).expired).toBe(false);
    s.expire(u, ["name"]);
    expect(inspect(u).expired).toBe(false);
    expect([...inspect(u).expiredAttributes]).toEqual(["name"]);
    s.expire(u);
    expect(inspect(u).expired).toBe(true);
  });
});

/**
 * Mapper events, ported from SQLAlchemy's test/orm/test_events.py (MapperEventsTest: test_basic,
 * test_insert_flags, test_merge, test_inheritance, test_inheritance_subclass_deferred; LoadTest:
 * test_just_loaded, test_repeated_rows), the ordering of propagated listeners, and a
 * before_insert listener changing the row being written.
 *
 * Only the six persistence events (beforeInsert … afterDelete) and `load` are listened to here,
 * so the expected sequences leave out init, refresh, refreshFlush and expire; those are ported in
 * sa8d-instance-events.test.ts.
 * SQLAlchemy's `event.listen(Mapper, …)` (every mapper) is not available: listeners are put on
 * the model class.
 */
import { afterAll, describe, expect, it } from "vitest";
import { aliased, DeclarativeBase, event, Integer, InvalidRequestError, mappedColumn, select, String, type Mapper } from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

const PERSISTENCE = ["load", "beforeInsert", "afterInsert", "beforeUpdate", "afterUpdate", "beforeDelete", "afterDelete"] as const;

/** SQLAlchemy's `listen_all()`: every mapper event of `cls` recorded by name. */
function listenAll(cls: object, options: { propagate?: boolean } = {}): string[] {
  const canary: string[] = [];
  for (const name of PERSISTENCE) event.listen(cls as never, name as never, (() => void canary.push(name)) as never, options);
  return canary;
}

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function userModels() {
  class Base extends DeclarativeBase {}
  const p = uniqueName("sa7b_mevt");
  class User extends Base.model(`${p}_users`, {
    id: mappedColumn(Integer, { primaryKey: true }),
    type: mappedColumn(String(20), { nullable: true }),
    name: mappedColumn(String(30)),
    extra: mappedColumn(Integer, { nullable: true }),
  }, { polymorphicOn: "type", polymorphicIdentity: "user" }) {}
  return { Base, User, p };
}

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function adminOf(m: ReturnType<typeof userModels>) {
  class AdminUser extends m.User.subclass({
    email: mappedColumn(String(50), { name: "email_address", nullable: true }),
  }, { table: `${m.p}_admins`, polymorphicIdentity: "admin" }) {}
  return AdminUser;
}

describe.each(dialectTargets())("mapper events (SQLAlchemy MapperEventsTest) on $name", (target) => {
  const opened: Db[] = [];
  afterAll(async () => {
    for (const db of opened) await db.cleanup();
  });
  async function open(base: Parameters<typeof openDb>[1]): Promise<Db> {
    const db = await openDb(target, base);
    opened.push(db);
    return db;
  }

  it("test_basic: insert, update and delete events in order, with the mapper and the flush's connection", async () => {
    const m = userModels();
    const db = await open(m.Base);
    const canary = listenAll(m.User);
    const seen: [Mapper, unknown][] = [];
    event.listen(m.User, "beforeInsert", (mapper, conn) => void seen.push([mapper, conn]));
    await using s = db.session();
    const u = new m.User({ name: "u1" });
    s.add(u);
    await s.flush();
    s.expire(u);
    const u2 = await s.get(m.User, u.id);
    s.expungeAll();
    const u3 = (await s.get(m.User, u2!.id))!;
    u3.name = "u1 changed";
    await s.flush();
    s.delete(u3);
    await s.flush();
    // SQLAlchemy also has init, refresh_flush (twice), expire and refresh between these.
    expect(canary).toEqual(["beforeInsert", "afterInsert", "load", "beforeUpdate", "afterUpdate", "beforeDelete", "afterDelete"]);
    expect(seen.length).toBe(1);
    expect(seen[0][0].toString()).toBe(`Mapper[User(${m.p}_users)]`);
    expect(seen[0][1]).toBe(await s.connection());
  });

  it("test_insert_flags: insert: true puts a listener first, propagate: true does not change the order", async () => {
    const m = userModels();
    const db = await open(m.Base);
    const calls: string[] = [];
    event.listen(m.User, "beforeInsert", () => void calls.push("listen1"));
    event.listen(m.User, "beforeInsert", () => void calls.push("listen2"), { insert: true });
    event.listen(m.User, "beforeInsert", () => void calls.push("listen3"), { propagate: true, insert: true });
    await using s = db.session();
    s.add(new m.User({ name: "u1" }));
    await s.flush();
    expect(calls).toEqual(["listen3", "listen2", "listen1"]);
  });

  it("test_merge: load fires for the instance get() loads for merge(), for one merge() makes, and for a new row", async () => {
    const m = userModels();
    const db = await open(m.Base);
    const canary: string[] = [];
    const contexts: string[] = [];
    event.listen(m.User, "load", (_target, ctx) => {
      canary.push("load");
      contexts.push(ctx.origin);
    });
    await using s = db.session();
    const u = new m.User({ name: "u1" });
    s.add(u);
    await s.commit();
    await using s2 = db.session();
    await s2.merge(u);
    await using s3 = db.session();
    await s3.merge(new m.User({ name: "u2" }));
    await s3.commit();
    await s3.scalars(select(m.User).orderBy(m.User.id));
    expect(canary).toEqual(["load", "load", "load"]);
    expect(contexts).toEqual(["load", "merge", "load"]);
  });

  it("test_just_loaded / test_repeated_rows: load fires once per object built from rows, not for repeated rows", async () => {
    const m = userModels();
    const db = await open(m.Base);
    const loaded: object[] = [];
    const listener = (target: object, ctx: { session: object }): void => {
      expect(ctx.session).toBe(s);
      loaded.push(target);
    };
    event.listen(m.User, "load", listener);
    await using seed = db.session();
    seed.add(new m.User({ name: "u1" }));
    await seed.commit();
    await using s = db.session();
    const u1 = (await s.scalars(select(m.User))).first()!;
    expect(loaded).toEqual([u1]);
    // Rows for an object already in the session: no load.
    await s.scalars(select(m.User));
    await s.get(m.User, u1.id, { populateExisting: true });
    expect(loaded).toEqual([u1]);
    // Several rows of one identity in one result: one object, one load.
    await using seed2 = db.session();
    seed2.add(new m.User({ name: "u2" }));
    await seed2.commit();
    s.expungeAll();
    const other = aliased(m.User);
    const rows = (await s.execute(select(m.User, other.name).join(other, other.id.gt(0)).orderBy(m.User.id, other.id))).all();
    expect(rows.map((r) => [(r[0] as { name: string }).name, r[1]])).toEqual([["u1", "u1"], ["u1", "u2"], ["u2", "u1"], ["u2", "u2"]]);
    expect(rows[0][0]).toBe(rows[1][0]);
    expect(loaded.slice(1)).toEqual([rows[0][0], rows[2][0]]);
    event.remove(m.User, "load", listener);
    s.expungeAll();
    await s.scalars(select(m.User));
    expect(loaded.length).toBe(3);
  });

  it("a load listener returning a Promise raises: load is synchronous", async () => {
    const m = userModels();
    const db = await open(m.Base);
    await using seed = db.session();
    seed.add(new m.User({ name: "u1" }));
    await seed.commit();
    const listener = (async () => {}) as never;
    event.listen(m.User, "load", listener);
    try {
      await using s = db.session();
      await expect(s.scalars(select(m.User))).rejects.toThrow(InvalidRequestError);
    } finally {
      event.remove(m.User, "load", listener);
    }
  });

  it("test_inheritance: a propagate listener on the base hears subclass objects, a plain one does not", async () => {
    const m = userModels();
    const AdminUser = adminOf(m);
    const db = await open(m.Base);
    const canary1 = listenAll(m.User, { propagate: true });
    const canary2 = listenAll(m.User);
    const canary3 = listenAll(AdminUser);
    const mappers: string[] = [];
    event.listen(m.User, "afterInsert", (mapper) => void mappers.push(mapper.className), { propagate: true });
    await using s = db.session();
    const am = new AdminUser({ name: "au1", email: "au1@e1" });
    s.add(am);
    await s.flush();
    const am2 = (await s.get(AdminUser, am.id, { populateExisting: true }))!;
    s.expungeAll();
    const am3 = (await s.get(AdminUser, am2.id))!;
    am3.name = "au1 changed";
    await s.flush();
    s.delete(am3);
    await s.flush();
    const expected = ["beforeInsert", "afterInsert", "load", "beforeUpdate", "afterUpdate", "beforeDelete", "afterDelete"];
    expect(canary1).toEqual(expected);
    expect(canary2).toEqual([]);
    expect(canary3).toEqual(expected);
    // The listener receives the object's own mapper.
    expect(mappers).toEqual(["AdminUser"]);
  });

  it("test_inheritance_subclass_deferred: a propagate listener reaches a subclass mapped after it was registered", async () => {
    const m = userModels();
    const canary1 = listenAll(m.User, { propagate: true });
    const canary2 = listenAll(m.User);
    const AdminUser = adminOf(m);
    const canary3 = listenAll(AdminUser);
    const db = await open(m.Base);
    await using s = db.session();
    const am = new AdminUser({ name: "au1", email: "au1@e1" });
    s.add(am);
    await s.flush();
    s.expungeAll();
    const am2 = (await s.get(AdminUser, am.id))!;
    am2.name = "au1 changed";
    await s.flush();
    s.delete(am2);
    await s.flush();
    const expected = ["beforeInsert", "afterInsert", "load", "beforeUpdate", "afterUpdate", "beforeDelete", "afterDelete"];
    expect(canary1).toEqual(expected);
    expect(canary2).toEqual([]);
    expect(canary3).toEqual(expected);
  });

  it("propagated and own listeners of a subclass run in registration order; removing the base listener stops it", async () => {
    const m = userModels();
    const AdminUser = adminOf(m);
    const db = await open(m.Base);
    const calls: string[] = [];
    const p1 = (): void => void calls.push("p1");
    event.listen(m.User, "beforeInsert", p1, { propagate: true });
    event.listen(AdminUser, "beforeInsert", () => void calls.push("s1"));
    event.listen(m.User, "beforeInsert", () => void calls.push("p2"), { propagate: true });
    event.listen(m.User, "beforeInsert", () => void calls.push("p0"), { propagate: true, insert: true });
    event.listen(m.User, "beforeInsert", () => void calls.push("base-only"));
    await using s = db.session();
    s.add(new AdminUser({ name: "a1" }));
    await s.flush();
    expect(calls).toEqual(["p0", "p1", "s1", "p2"]);
    calls.length = 0;
    event.remove(m.User, "beforeInsert", p1);
    s.add(new AdminUser({ name: "a2" }));
    await s.flush();
    s.add(new m.User({ name: "u1" }));
    await s.flush();
    expect(calls).toEqual(["p0", "s1", "p2", "p0", "p2", "base-only"]);
  });

  it("a once: true propagate listener runs for the first object only", async () => {
    const m = userModels();
    const AdminUser = adminOf(m);
    const db = await open(m.Base);
    const names: string[] = [];
    event.listen(m.User, "beforeInsert", (_m, _c, t) => void names.push((t as { name: string }).name), { propagate: true, once: true });
    await using s = db.session();
    s.add(new AdminUser({ name: "a1" }));
    await s.flush();
    s.add(new AdminUser({ name: "a2" }));
    s.add(new m.User({ name: "u1" }));
    await s.flush();
    expect(names).toEqual(["a1"]);
  });

  it("values set in beforeInsert are written by the INSERT of that flush", async () => {
    const m = userModels();
    const db = await open(m.Base);
    event.listen(m.User, "beforeInsert", (_m, _c, t) => {
      (t as InstanceType<typeof m.User>).extra = 5;
    });
    await using s = db.session({ expireOnCommit: false });
    const u = new m.User({ name: "u1" });
    s.add(u);
    db.counting.reset();
    await s.flush();
    const ph = (n: number): string => (target.dialect === "postgresql" ? `$${n}` : "?");
    expect(db.statements.filter((q) => q.startsWith("INSERT"))).toEqual([
      `INSERT INTO ${m.p}_users (type, name, extra) VALUES (${ph(1)}, ${ph(2)}, ${ph(3)}) RETURNING ${m.p}_users.id`,
    ]);
    expect(u.extra).toBe(5);
    await s.commit();
    await using s2 = db.session();
    expect((await s2.execute(select(m.User.name, m.User.extra))).all().map((r) => [...r])).toEqual([["u1", 5]]);
  });
});

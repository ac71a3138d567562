/**
 * SQLAlchemy's test/orm/test_expire.py, ported: what expire(), expireAll() and refresh() leave
 * loaded, how get() and queries bring expired objects back (statement counts), objects whose row
 * vanished, and expired attributes that are set before being reloaded. athanor never loads on
 * attribute access: where SQLAlchemy reads an expired attribute, these tests check that it is
 * expired, then load it explicitly.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { delete as delete_, ExpiredAttributeError, inspect, insert, InvalidRequestError, select, selectinload, update } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, openDb, truncate, type Db } from "./models.js";

const M = defineModels("sa_exp");
const { User } = M;
const users = User.__table__;

describe.each(dialectTargets())("expire / refresh (SQLAlchemy test_expire) on $name", (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, M.Base);
  });
  afterAll(async () => {
    await db.cleanup();
  });
  beforeEach(async () => {
    await truncate(db, M);
    await db.engine.begin(async (c) => {
      await c.execute(insert(users), [{ id: 7, name: "jack" }, { id: 10, name: "chuck" }]);
    });
    db.counting.reset();
  });

  const selects = (): number => db.counting.statements.filter((q) => q.startsWith("SELECT")).length;

  it("test_expire: expire() drops unflushed changes; a query reloads expired attributes of identity-mapped objects", async () => {
    await using s = db.session({ autoflush: false });
    const u = (await s.get(User, 7))!;
    u.name = "foo";
    s.expire(u);
    expect(inspect(u).unloaded.has("name")).toBe(true);
    expect(() => u.name).toThrow(ExpiredAttributeError);
    await s.refresh(u);
    expect(u.name).toBe("jack");
    u.name = "foo";
    await s.flush();
    await s.execute(update(users).values({ name: "jack" }).where(users.c.id.eq(7)));
    s.expire(u);
    expect(inspect(u).expiredAttributes.has("name")).toBe(true);
    (await s.scalars(select(User))).all();
    expect(inspect(u).expiredAttributes.has("name")).toBe(false);
    db.counting.reset();
    expect(u.name).toBe("jack");
    expect(db.counting.statements).toEqual([]);
  });

  it("test_get_refreshes: get() of an expired object runs one SELECT and unexpires it; the next get() runs none", async () => {
    await using s = db.session();
    const u = (await s.get(User, 10))!;
    s.expireAll();
    db.counting.reset();
    expect(await s.get(User, 10)).toBe(u);
    expect(selects()).toBe(1);
    expect(u.name).toBe("chuck");
    db.counting.reset();
    await s.get(User, 10);
    expect(db.counting.statements).toEqual([]);
  });

  it("test_get_on_deleted_expunges: get() of an expired object whose row is gone returns null and removes it", async () => {
    await using s = db.session();
    const u = (await s.get(User, 10))!;
    s.expireAll();
    await s.execute(delete_(users).where(users.c.id.eq(10)));
    expect(s.contains(u)).toBe(true);
    expect(await s.get(User, 10)).toBeNull();
    expect(s.contains(u)).toBe(false);
  });

  it("test_rollback_undoes_expunge_from_deleted: rollback brings the object back", async () => {
    await using s = db.session();
    const u = (await s.get(User, 10))!;
    s.expireAll();
    await s.execute(delete_(users).where(users.c.id.eq(10)));
    expect(await s.get(User, 10)).toBeNull();
    expect(s.contains(u)).toBe(false);
    await s.rollback();
    expect(s.contains(u)).toBe(true);
    await s.refresh(u);
    expect(u.name).toBe("chuck");
  });

  it("test_refresh_on_deleted_raises: refresh() of an object whose row is gone", async () => {
    await using s = db.session();
    const u = (await s.get(User, 10))!;
    s.expireAll();
    await s.execute(delete_(users).where(users.c.id.eq(10)));
    await expect(s.refresh(u)).rejects.toThrow(InvalidRequestError);
    await expect(s.refresh(u)).rejects.toThrow(/^Could not refresh instance '<User at 0x[0-9a-f]+>'$/);
  });

  it("test_refresh_cancels_expire: after refresh() a get() needs no SQL", async () => {
    await using s = db.session();
    const u = (await s.get(User, 7))!;
    s.expire(u);
    await s.refresh(u);
    db.counting.reset();
    expect((await s.get(User, 7))!.name).toBe("jack");
    expect(db.counting.statements).toEqual([]);
  });

  it("test_expire_doesntload_on_set: setting an expired attribute needs no SQL and is flushed", async () => {
    await using s = db.session({ autoflush: false });
    const u = (await s.get(User, 7))!;
    s.expire(u, ["name"]);
    db.counting.reset();
    u.name = "somenewname";
    expect(db.counting.statements).toEqual([]);
    await s.flush();
    s.expungeAll();
    expect((await s.get(User, 7))!.name).toBe("somenewname");
  });

  it("test_no_session: an expired attribute of an expunged object stays unreadable", async () => {
    await using s = db.session();
    const u = (await s.get(User, 7))!;
    s.expire(u, ["name"]);
    s.expunge(u);
    expect(inspect(u).detached).toBe(true);
    expect(() => u.name).toThrow(InvalidRequestError);
  });

  it("test_expire_all: every persistent object is expired; pending ones are untouched", async () => {
    await using s = db.session();
    const [u7, u10] = (await s.scalars(select(User).orderBy(User.id))).all();
    const pending = new User({ name: "new" });
    s.add(pending);
    s.expireAll();
    expect([inspect(u7).unloaded.has("name"), inspect(u10).unloaded.has("name")]).toEqual([true, true]);
    expect(pending.name).toBe("new");
    expect(inspect(u7).identity).toEqual([7]);
  });

  it("test_expire_cascade: expire() follows the refresh-expire cascade to loaded children", async () => {
    await db.engine.begin(async (c) => {
      await c.execute(insert(M.Address.__table__).values({ id: 1, email: "ed@wood.com", userId: 7 }));
    });
    await using s = db.session({ autoflush: false });
    const u = (await s.get(User, 7, { options: [selectinload(User.addresses)] }))!;
    const a = u.addresses[0];
    expect(a.email).toBe("ed@wood.com");
    a.email = "someotheraddress";
    s.expire(u);
    expect(inspect(a).expiredAttributes.has("email")).toBe(true);
    expect(inspect(u).unloaded.has("addresses")).toBe(true);
    await s.refresh(u, ["addresses"]);
    expect(u.addresses[0]).toBe(a);
    expect(a.email).toBe("ed@wood.com");
  });

  it("test_expire_cascade_pending_orphan: a pending child reached by the cascade is expunged", async () => {
    await using s = db.session({ autoflush: false });
    const u = (await s.get(User, 7, { options: [selectinload(User.addresses)] }))!;
    const a = new M.Address({ id: 12, email: "foobar" });
    u.addresses = [...u.addresses, a];
    expect(s.contains(a)).toBe(true);
    s.expire(u);
    expect(s.contains(a)).toBe(false);
    await s.flush();
    expect(db.counting.statements.filter((q) => q.startsWith("INSERT"))).toEqual([]);
  });

  it("expire() with attribute names expires only those; the primary key is never expired", async () => {
    await using s = db.session();
    const u = (await s.get(User, 7))!;
    s.expire(u, ["name"]);
    expect([...inspect(u).expiredAttributes]).toEqual(["name"]);
    expect(u.id).toBe(7);
    expect(u.fullname).toBeNull();
    expect(() => s.expire(u, ["nope"])).toThrow(/'nope' is not an attribute/);
  });
});

/**
 * Explicit loading: the default lazy="raise" error, raiseload, noload, column deferral
 * (defer / undefer / loadOnly, deferred and deferredRaiseload columns).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defer, insert, loadOnly, noload, raiseload, select, selectinload, undefer, UnloadedAttributeError } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, openDb, type Db } from "./models.js";

const M = defineModels("ldraise");
const { User, Address, Order } = M;

describe.each(dialectTargets())("raise, noload and deferral on $name", (target) => {
  let db: Db;
  let users: string;
  beforeAll(async () => {
    db = await openDb(target, M.Base);
    users = User.__table__.name;
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [{ id: 1, name: "sandy", fullname: "Sandy Cheeks", bio: "squirrel", secret: "karate" }]);
      await conn.execute(insert(Address.__table__), [{ id: 1, email: "s1@x", userId: 1 }]);
      await conn.execute(insert(Order.__table__), [{ id: 1, userId: 1, description: "o1" }]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("an unloaded relationship raises, naming the attribute and the loader options", async () => {
    const s = db.session();
    const u = (await s.scalars(select(User))).one();
    expect(() => u.addresses).toThrow(UnloadedAttributeError);
    expect(() => u.addresses).toThrow(
      "Relationship 'User.addresses' is not loaded; athanor loads relationships only through eager loading: add .options(selectinload(User.addresses)) or .options(joinedload(User.addresses)) to the query, or await session.refresh(obj, [\"addresses\"])",
    );
    const a = (await s.scalars(select(Address))).one();
    expect(() => a.user).toThrow("Relationship 'Address.user' is not loaded");
    await s.close();
  });

  it("raiseload(attr) and raiseload('*') keep relationships unloaded; other options still load", async () => {
    const s = db.session();
    db.counting.reset();
    const u = (await s.scalars(select(User).options(raiseload("*"), selectinload(User.orders)))).one();
    expect(db.selects()).toHaveLength(2);
    expect(u.orders.map((o) => o.description)).toEqual(["o1"]);
    expect(() => u.addresses).toThrow(UnloadedAttributeError);
    const a = (await s.scalars(select(Address).options(raiseload(Address.user)))).one();
    expect(() => a.user).toThrow("Relationship 'Address.user' is not loaded");
    await s.close();
  });

  it("noload: collections read as [] and scalars as null, without SQL", async () => {
    const s = db.session();
    db.counting.reset();
    const u = (await s.scalars(select(User).options(noload(User.addresses), selectinload(User.orders).noload(Order.items)))).one();
    const a = (await s.scalars(select(Address).options(noload(Address.user)))).one();
    expect(db.selects()).toHaveLength(3);
    expect(u.addresses).toEqual([]);
    expect(u.orders[0].items).toEqual([]);
    expect(a.user).toBeNull();
    await s.close();
  });

  it("deferred columns are not selected; reading them raises naming undefer(); undefer() loads them", async () => {
    const s = db.session();
    db.counting.reset();
    const u = (await s.scalars(select(User))).one();
    expect(db.selects()[0]).not.toMatch(/\.bio\b|\.secret\b/);
    expect(() => u.bio).toThrow(UnloadedAttributeError);
    expect(() => u.bio).toThrow(`Attribute 'User.bio' is not loaded (deferred); load it with undefer(User.bio)`);
    expect(() => u.secret).toThrow(`Attribute 'User.secret' is not loaded (deferred with raiseload); load it with undefer(User.secret)`);
    // Loading again with undefer() fills the deferred columns of the same object.
    const again = (await s.scalars(select(User).options(undefer(User.bio), undefer(User.secret)))).one();
    expect(again).toBe(u);
    expect(db.selects()[1]).toContain(`${users}.bio, ${users}.secret`);
    expect([u.bio, u.secret]).toEqual(["squirrel", "karate"]);
    await s.close();
  });

  it("defer(attr) leaves a column out; reading it raises", async () => {
    const s = db.session();
    db.counting.reset();
    const u = (await s.scalars(select(User).options(defer(User.fullname), defer(User.display)))).one();
    expect(db.selects()[0]).toBe(`SELECT ${users}.id, ${users}.name \nFROM ${users}`);
    expect(u.name).toBe("sandy");
    expect(() => u.fullname).toThrow("Attribute 'User.fullname' is not loaded");
    expect(() => u.display).toThrow("Attribute 'User.display' is not loaded");
    await s.close();
  });

  it("loadOnly() selects the named columns plus the primary key, also on a relationship path", async () => {
    const s = db.session();
    db.counting.reset();
    const u = (await s.scalars(select(User).options(loadOnly(User.fullname), selectinload(User.orders).loadOnly(Order.description)))).one();
    expect(db.selects()[0]).toBe(`SELECT ${users}.id, ${users}.fullname \nFROM ${users}`);
    const orders = Order.__table__.name;
    // The order's key column rides along as the grouping column of the IN query.
    expect(db.selects()[1]).toMatch(new RegExp(`^SELECT ${orders}\\.user_id, ${orders}\\.id, ${orders}\\.description \\nFROM ${orders} \\nWHERE`));
    expect([u.id, u.fullname]).toEqual([1, "Sandy Cheeks"]);
    expect(() => u.name).toThrow(UnloadedAttributeError);
    expect(u.orders[0].description).toBe("o1");
    expect(() => u.orders[0].userId).toThrow(UnloadedAttributeError);
    await s.close();
  });

  it("session.get() takes loader options", async () => {
    const s = db.session();
    db.counting.reset();
    const u = await s.get(User, 1, { options: [selectinload(User.addresses), undefer(User.bio)] });
    expect(db.selects()).toHaveLength(2);
    expect(u?.addresses.map((a) => a.email)).toEqual(["s1@x"]);
    expect(u?.bio).toBe("squirrel");
    await s.close();
  });
});

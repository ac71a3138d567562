/**
 * More of SQLAlchemy's test/orm/test_expire.py (ExpireTest, RefreshTest, ExpiredPendingTest)
 * than test/orm/session/sa-expire.test.ts covers: expiring chosen attributes, changes made after
 * expire() surviving the reload, the committed state taking the database's values, deferred
 * columns under expire(), expire / refresh of persistent-only objects, refresh() autoflushing
 * and discarding pending changes.
 *
 * Adapted: athanor never loads on attribute access. Where SQLAlchemy reads an expired attribute
 * (one SELECT), these tests check the attribute is unloaded, then reload it with a query of the
 * class (which, as SQLAlchemy's unexpire load, fills expired attributes and keeps changes made
 * since) or refresh(), and count the statements. Skipped: test_no_instance_key* (they set
 * `state.key = None`, a Python internal), test_state_change_* (loader callables are internals),
 * gc-dependent parts of test_expire_all, lazy="dynamic" and the Query-only option tests.
 */
import {
  AsyncSession, DeclarativeBase, ExpiredAttributeError, ForeignKey, inspect, Integer, InvalidRequestError, mappedColumn, relationship,
  select, selectinload, String, insert, update, makeTransientToDetached, UnloadedAttributeError,
} from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "../unitofwork/sa3-uow-sql.helpers.js";

function models(descriptionDeferred: boolean) {
  class Base extends DeclarativeBase {}
  const users = uniqueName("sa8g_exp_users");
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { nullable: true }),
  }) {
    static addresses = relationship(() => Address, { backPopulates: "user", orderBy: () => Address.id });
    declare addresses: Address[];
  }
  class Address extends Base.model(uniqueName("sa8g_exp_addresses"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${users}.id`), { nullable: true }),
    email_address: mappedColumn(String(50), { nullable: true }),
  }) {
    static user = relationship(() => User, { backPopulates: "addresses" });
    declare user: User | null;
  }
  class Order extends Base.model(uniqueName("sa8g_exp_orders"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(Integer, { nullable: true }),
    description: mappedColumn(String(30), { nullable: true, deferred: descriptionDeferred }),
    isopen: mappedColumn(Integer, { nullable: true }),
  }) {}
  return { Base, User, Address, Order };
}

describe.each(dialectTargets())("ExpireTest / RefreshTest (test_expire.py) on $name", (target) => {
  const m = models(false);
  const md = models(true);
  const log = useSqlLog(target, [m.Base.metadata, md.Base.metadata]);
  const session = (opts = {}) => new AsyncSession(log.engine, opts);

  async function fixtureData(mm: typeof m): Promise<void> {
    await log.engine.begin(async (c) => {
      await c.execute(insert(mm.User.__table__), [{ id: 7, name: "jack" }, { id: 8, name: "ed" }, { id: 9, name: "fred" }, { id: 10, name: "chuck" }]);
      await c.execute(insert(mm.Address.__table__), [
        { id: 1, user_id: 7, email_address: "jack@bean.com" },
        { id: 2, user_id: 8, email_address: "ed@wood.com" },
        { id: 3, user_id: 8, email_address: "ed@bettyboop.com" },
      ]);
      await c.execute(insert(mm.Order.__table__), [
        { id: 1, user_id: 7, description: "order 1", isopen: 0 },
        { id: 2, user_id: 9, description: "order 2", isopen: 0 },
        { id: 3, user_id: 7, description: "order 3", isopen: 1 },
      ]);
    });
    log.reset();
  }

  it("test_persistence_check: expire() and refresh() of a detached object raise", async () => {
    await fixtureData(m);
    await using s = session();
    const u = (await s.get(m.User, 7))!;
    s.expungeAll();
    expect(() => s.expire(u)).toThrow(InvalidRequestError);
    expect(() => s.expire(u)).toThrow(/is not persistent within this Session/);
    await expect(s.refresh(u)).rejects.toThrow(/is not persistent within this Session/);
  });

  it("test_pending_raises: expiring a pending object raises", async () => {
    await using s = session();
    const u = new m.User({ id: 15 });
    s.add(u);
    expect(() => s.expire(u, ["name"])).toThrow(InvalidRequestError);
  });

  it("test_expire_autoflush / RefreshTest.test_refresh_autoflush: refresh() of the foreign key flushes the many-to-one first", async () => {
    await fixtureData(m);
    await using s = session();
    const a1 = (await s.get(m.Address, 2))!;
    const u1 = (await s.get(m.User, 7))!;
    a1.user = u1;
    s.expire(a1, ["user_id"]);
    expect(() => a1.user_id).toThrow(ExpiredAttributeError);
    await s.refresh(a1, ["user_id"]);
    expect(a1.user_id).toBe(7);
  });

  it("test_expire_preserves_changes: values set after expire() survive the reload", async () => {
    await fixtureData(m);
    await using s = session({ autoflush: false });
    const o = (await s.get(m.Order, 3))!;
    s.expire(o);
    o.description = "order 3 modified";
    log.reset();
    (await s.scalars(select(m.Order))).all();
    expect(log.sent).toHaveLength(1);
    expect(o.isopen).toBe(1);
    expect(o.description).toBe("order 3 modified");

    o.isopen = 15;
    s.expire(o, ["isopen", "description"]);
    o.description = "some new description";
    (await s.scalars(select(m.Order))).all();
    expect(o.isopen).toBe(1);
    expect(o.description).toBe("some new description");

    o.isopen = 14;
    s.expire(o);
    o.description = "another new description";
    (await s.scalars(select(m.Order))).all();
    expect(o.isopen).toBe(1);
    expect(o.description).toBe("another new description");
  });

  it("test_expire_committed: the reload takes the database's values as committed; nothing to flush after", async () => {
    await fixtureData(m);
    await using s = session({ autoflush: false });
    const o = (await s.get(m.Order, 3))!;
    s.expire(o);
    await s.execute(update(m.Order.__table__).values({ description: "order 3 modified" }));
    await s.refresh(o);
    expect(o.isopen).toBe(1);
    expect(o.description).toBe("order 3 modified");
    expect(inspect(o).attrs.description.history).toEqual({ added: [], unchanged: ["order 3 modified"], deleted: [] });
    log.reset();
    await s.flush();
    expect(log.sent).toEqual([]);
  });

  it("test_partial_expire: only the named attribute is expired and reloaded; other changes stay pending", async () => {
    await fixtureData(m);
    await using s = session({ autoflush: false });
    const o = (await s.get(m.Order, 3))!;
    s.expire(o, ["description"]);
    expect(inspect(o).unloaded.has("description")).toBe(true);
    expect(inspect(o).unloaded.has("id")).toBe(false);
    expect(o.isopen).toBe(1);
    await s.execute(update(m.Order.__table__).where(m.Order.id.eq(3)).values({ description: "order 3 modified" }));
    log.reset();
    await s.refresh(o, ["description"]);
    expect(log.sent).toHaveLength(1);
    expect(o.description).toBe("order 3 modified");

    o.isopen = 5;
    s.expire(o, ["description"]);
    expect(inspect(o).unloaded.has("description")).toBe(true);
    expect(o.isopen).toBe(5);
    expect(inspect(o).attrs.isopen.history).toEqual({ added: [5], unchanged: [], deleted: [1] });
    log.reset();
    await s.refresh(o, ["description"]);
    expect(log.sent).toHaveLength(1);
    expect(o.description).toBe("order 3 modified");
    expect(o.isopen).toBe(5);
    expect(inspect(o).attrs.isopen.history).toEqual({ added: [5], unchanged: [], deleted: [1] });

    await s.flush();
    s.expire(o, ["isopen", "description"]);
    expect([inspect(o).unloaded.has("isopen"), inspect(o).unloaded.has("description")]).toEqual([true, true]);
    log.reset();
    (await s.scalars(select(m.Order).where(m.Order.id.eq(3)))).all();
    expect(log.sent).toHaveLength(1);
    expect([o.description, o.id, o.isopen]).toEqual(["order 3 modified", 3, 5]);
  });

  it("test_deferred: expire() lists an unloaded deferred column as expired; the reload clears the list but does not load it", async () => {
    await fixtureData(md);
    await using s = session();
    const o1 = (await s.scalars(select(md.Order).orderBy(md.Order.id).limit(1))).one();
    expect(inspect(o1).unloaded.has("description")).toBe(true);
    s.expire(o1);
    expect(inspect(o1).expiredAttributes).toEqual(new Set(["id", "isopen", "user_id", "description"].filter((k) => k !== "id")));
    (await s.scalars(select(md.Order))).all();
    expect(o1.isopen).not.toBeNull();
    expect(inspect(o1).expiredAttributes).toEqual(new Set());
    expect(inspect(o1).unloaded.has("description")).toBe(true);
    await s.refresh(o1, ["description"]);
    expect(o1.description).toBe("order 1");
  });

  it("test_deferred_expire_normally / _explicit_attrs: reloading expired columns leaves the deferred one unloaded", async () => {
    await fixtureData(md);
    await using s = session();
    const item = (await s.scalars(select(md.Order).orderBy(md.Order.id).limit(1))).one();
    s.expire(item);
    await s.refresh(item);
    expect(item.isopen).toBe(0);
    expect(inspect(item).unloaded.has("description")).toBe(true);
    s.expire(item, ["isopen", "description"]);
    (await s.scalars(select(md.Order))).all();
    expect(item.isopen).toBe(0);
    expect(inspect(item).unloaded.has("description")).toBe(true);
  });

  it("test_deferred_expire_w_transient_to_detached: loading a re-attached object leaves its deferred column unloaded", async () => {
    await fixtureData(md);
    await using s = session();
    const item = new md.Order({ id: 1 });
    makeTransientToDetached(item);
    s.add(item);
    await s.refresh(item);
    expect(item.isopen).toBe(0);
    expect(inspect(item).unloaded.has("description")).toBe(true);
  });

  it("RefreshTest.test_refresh: refresh() discards pending column and collection changes", async () => {
    await fixtureData(m);
    await using s = session({ autoflush: false });
    const u = (await s.get(m.User, 7))!;
    await s.refresh(u, ["addresses"]);
    u.name = "foo";
    const a = new m.Address();
    u.addresses.push(a);
    expect(u.addresses).toContain(a);
    await s.refresh(u);
    expect(s.dirty).not.toContain(u);
    expect(u.name).toBe("jack");
    // The lazy collection is expired (SQLAlchemy would lazy-load it on access): loaded explicitly.
    expect(() => u.addresses).toThrow(UnloadedAttributeError);
    await s.refresh(u, ["addresses"]);
    expect(u.addresses).not.toContain(a);
    expect(u.addresses.map((x) => x.email_address)).toEqual(["jack@bean.com"]);
    u.name = "foo";
    u.addresses.push(a);
    expect(s.dirty).toContain(u);
    s.expire(u);
    await s.refresh(u, ["name", "addresses"]);
    expect(u.name).toBe("jack");
    expect(u.addresses).not.toContain(a);
  });

  it("RefreshTest.test_refresh_expired: refresh() of an expired object loads it", async () => {
    await fixtureData(m);
    await using s = session();
    const u = (await s.get(m.User, 7))!;
    s.expire(u);
    expect(inspect(u).unloaded.has("name")).toBe(true);
    await s.refresh(u);
    expect(u.name).toBe("jack");
  });

  it("RefreshTest.test_refresh_with_eager: refresh() with the collection reloads it", async () => {
    await fixtureData(m);
    await using s = session();
    const u = (await s.scalars(select(m.User).where(m.User.id.eq(8)).options(selectinload(m.User.addresses)))).one();
    expect(u.addresses).toHaveLength(2);
    await s.execute(insert(m.Address.__table__).values({ id: 4, user_id: 8, email_address: "ed@lala.com" }));
    await s.refresh(u);
    // Loaded with selectinload(): refresh() loads the collection again that way, new row included
    // (SQLAlchemy's test_selectin_relations.py test_runs_query_on_option_refresh; Session.refresh()).
    expect(u.addresses).toHaveLength(3);
    await s.refresh(u, ["addresses"]);
    expect(u.addresses).toHaveLength(3);
    s.expire(u);
    expect(inspect(u).unloaded.has("addresses")).toBe(true);
  });

  it("ExpiredPendingTest.test_expired_pending: expiring a collection drops pending members; the reload has the rows only", async () => {
    await using s = session({ autoflush: false });
    const a1 = new m.Address({ email_address: "a1" });
    s.add(a1);
    await s.flush();
    const u1 = new m.User({ name: "u1" });
    a1.user = u1;
    s.add(u1);
    await s.flush();
    s.expire(u1, ["addresses"]);
    const a2 = new m.Address({ email_address: "a2" });
    a2.user = u1;
    s.add(a2);
    s.expire(u1, ["addresses"]);
    await s.execute(insert(m.Address.__table__).values({ email_address: "a3", user_id: u1.id }));
    await s.refresh(u1, ["addresses"]);
    expect(u1.addresses).toHaveLength(2);
    await s.flush();
    s.expireAll();
    await s.refresh(u1, ["addresses"]);
    expect(u1.addresses).toHaveLength(3);
  });
});

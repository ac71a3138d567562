/**
 * SQLAlchemy's test/orm/test_unitofwork.py SaveTest: saving, changing and re-selecting plain
 * objects, deferred columns, blank strings, delete cascades that load unloaded children, and
 * INSERT order with mapper events, on PostgreSQL and SQLite.
 *
 * Skipped: test_synonym (Python property synonyms), test_inherits (a subclass mapped onto a
 * table joined by a non-key column), test_multi_table_selectable (a class mapped onto a join)
 * — athanor maps classes onto one table, or a joined-table inheritance chain; test_batch_mode's
 * second half (`batch=False` and `clear_mappers()`). Where SQLAlchemy lazy-loads a
 * collection, the tests load it with selectinload().
 */
import {
  AsyncSession, DeclarativeBase, event, ForeignKey, func, inspect, Integer, mappedColumn, relationship, select, String,
} from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

function models(cascade: string | undefined) {
  class Base extends DeclarativeBase {}
  const users = uniqueName("sa8a_save_users");
  const addresses = uniqueName("sa8a_save_addresses");
  class Address extends Base.model(addresses, {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${users}.id`), { nullable: true }),
    email_address: mappedColumn(String(50)),
  }) {}
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {
    static addresses = relationship(() => Address, cascade === undefined ? {} : { cascade });
    declare addresses: Address[];
  }
  const orders = uniqueName("sa8a_save_orders");
  class Order extends Base.model(orders, {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(Integer, { nullable: true }),
    address_id: mappedColumn(Integer, { nullable: true }),
    description: mappedColumn(String(30), { nullable: true, deferred: true }),
    isopen: mappedColumn(Integer, { nullable: true }),
  }) {}
  return { Base, User, Address, Order, users, addresses, orders };
}

describe.each(dialectTargets())("SaveTest (test_unitofwork.py) on $name", (target) => {
  const plain = models(undefined);
  const cascading = models("all, delete-orphan");
  const log = useSqlLog(target, [plain.Base.metadata, cascading.Base.metadata]);

  it("test_basic", async () => {
    const { User } = plain;
    const u = new User({ name: "savetester" });
    const u2 = new User({ name: "savetester2" });
    {
      await using session = new AsyncSession(log.engine, { expireOnCommit: false });
      session.addAll([u, u2]);
      await session.flush();
      // The first one comes from the identity map.
      expect(await session.get(User, u.id)).toBe(u);
      // Cleared out: the next get SELECTs; a different object with the same id.
      session.expungeAll();
      const nu = (await session.get(User, u.id))!;
      expect(nu).not.toBe(u);
      expect([nu.id, nu.name]).toEqual([u.id, "savetester"]);
      await session.commit();
    }
    await using session = new AsyncSession(log.engine);
    session.add(u);
    u.name = "modifiedname";
    expect(session.dirty).toContain(u);
    await session.flush();
    const userlist = (await session.scalars(select(User).where(User.id.in([u.id, u2.id])).orderBy(User.name))).all();
    expect(userlist.map((x) => [x.id, x.name])).toEqual([[u.id, "modifiedname"], [u2.id, "savetester2"]]);
    await session.rollback();
  });

  it("test_lazyattr_commit: an unloaded collection survives a flush", async () => {
    const { User, Address, users } = plain;
    await using session = new AsyncSession(log.engine);
    const u = new User({ name: "u1" });
    for (const e of ["u1@e1", "u1@e2", "u1@e3", "u1@e4"]) u.addresses.push(new Address({ email_address: e }));
    session.add(u);
    await session.flush();
    session.expungeAll();
    const again = (await session.scalars(select(User))).one();
    again.name = "newname";
    // The flush neither loads the unloaded collection nor marks it loaded-empty.
    expect(await log.capture(() => session.flush())).toEqual([[`UPDATE ${users} SET name=? WHERE ${users}.id = ?`, ["newname", again.id]]]);
    expect(inspect(again).unloaded.has("addresses")).toBe(true);
    await session.refresh(again, ["addresses"]);
    expect(again.addresses.length).toBe(4);
    await session.rollback();
  });

  it("test_deferred: deferred column operations", async () => {
    const { Order, orders } = plain;
    await using session = new AsyncSession(log.engine);
    const rows = async () => (await session.execute(select(Order.__table__))).all().map((r) => [...r]);
    // Don't set the deferred attribute; commit.
    const o = new Order({ id: 42 });
    session.add(o);
    await session.commit();
    // Changes get picked up.
    o.description = "foo";
    await session.commit();
    expect(await rows()).toEqual([[42, null, null, "foo", null]]);
    session.expungeAll();
    // Setting the unloaded deferred attribute emits no SQL.
    const o2 = (await session.scalars(select(Order).where(Order.description.eq("foo")))).one();
    expect(inspect(o2).unloaded.has("description")).toBe(true);
    log.reset();
    o2.description = "hoho";
    expect(log.sent).toEqual([]);
    expect(await log.capture(() => session.flush())).toEqual([[`UPDATE ${orders} SET description=? WHERE ${orders}.id = ?`, ["hoho", 42]]]);
    expect(await rows()).toEqual([[42, null, null, "hoho", null]]);
    session.expungeAll();
    // Assigning null to an unloaded deferred attribute also works.
    const o3 = (await session.scalars(select(Order).where(Order.description.eq("hoho")))).one();
    o3.description = null;
    await session.flush();
    expect(await rows()).toEqual([[42, null, null, null, null]]);
    await session.rollback();
  });

  it("test_dont_update_blanks", async () => {
    const { User } = plain;
    await using session = new AsyncSession(log.engine);
    const u = new User({ name: "" });
    session.add(u);
    await session.flush();
    session.expungeAll();
    const again = (await session.get(User, u.id))!;
    again.name = "";
    expect(await log.capture(() => session.flush())).toEqual([]);
    await session.rollback();
  });

  it("test_history_get: the delete cascade loads the children it wasn't given", async () => {
    const { User, Address, addresses, users } = cascading;
    await using session = new AsyncSession(log.engine);
    const u = new User({ name: "u1" });
    u.addresses.push(new Address({ email_address: "u1@e1" }));
    u.addresses.push(new Address({ email_address: "u1@e2" }));
    session.add(u);
    await session.flush();
    const ids = u.addresses.map((a) => a.id);
    session.expungeAll();
    const again = (await session.get(User, u.id))!;
    session.delete(again);
    const sent = await log.capture(() => session.flush());
    expect(sent.map(([sql]) => sql.split(" ")[0])).toEqual(["SELECT", "DELETE", "DELETE"]);
    expect(sent.slice(1)).toEqual([
      [`DELETE FROM ${addresses} WHERE ${addresses}.id IN (?, ?)`, ids],
      [`DELETE FROM ${users} WHERE ${users}.id IN (?)`, [u.id]],
    ]);
    expect(await session.scalar(select(func.count()).selectFrom(User))).toBe(0);
    expect(await session.scalar(select(func.count()).selectFrom(Address))).toBe(0);
    await session.rollback();
  });

  it("test_batch_mode: INSERT order is the order objects were added", async () => {
    const { User } = plain;
    const names: string[] = [];
    const inserted: string[] = [];
    const before = (_m: unknown, _c: unknown, instance: InstanceType<typeof User>) => void names.push(instance.name);
    const after = (_m: unknown, _c: unknown, instance: InstanceType<typeof User>) => void inserted.push(instance.name);
    event.listen(User, "beforeInsert", before);
    event.listen(User, "afterInsert", after);
    try {
      await using session = new AsyncSession(log.engine);
      session.addAll([new User({ name: "user1" }), new User({ name: "user2" })]);
      await session.flush();
      session.addAll([new User({ name: "user4" }), new User({ name: "user5" }), new User({ name: "user3" })]);
      await session.flush();
      expect(names).toEqual(["user1", "user2", "user4", "user5", "user3"]);
      expect(inserted).toEqual(names);
      expect((await session.scalars(select(User.name).orderBy(User.id))).all()).toEqual(names);
      await session.rollback();
    } finally {
      event.remove(User, "beforeInsert", before);
      event.remove(User, "afterInsert", after);
    }
  });
});


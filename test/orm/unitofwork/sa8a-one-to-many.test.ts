/**
 * SQLAlchemy's test/orm/test_unitofwork.py OneToManyTest: saving, moving and de-associating
 * one-to-many children, on PostgreSQL and SQLite, with the statements the flushes send.
 *
 * Adapted: lazy="select" collections are loaded with selectinload() where SQLAlchemy reads
 * them; a collection first read after its object was flushed is initialized (empty) before
 * the flush instead, as athanor loads nothing implicitly. Deliberate athanor difference kept: flush DELETEs are `DELETE … WHERE id IN (…)`.
 */
import { and, AsyncSession, DeclarativeBase, ForeignKey, inspect, Integer, mappedColumn, relationship, select, selectinload, String } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

/** users / addresses, with User.addresses (collection) or User.address (uselist: false). */
function o2mModels(uselist: boolean) {
  class Base extends DeclarativeBase {}
  const users = uniqueName("sa8a_o2m_users");
  const addresses = uniqueName("sa8a_o2m_addresses");
  class Address extends Base.model(addresses, {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${users}.id`), { nullable: true }),
    email_address: mappedColumn(String(50)),
  }) {}
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {
    static addresses = uselist ? relationship(() => Address) : undefined;
    declare addresses: Address[];
    static address = uselist ? undefined : relationship(() => Address, { uselist: false });
    declare address: Address | null;
  }
  return { Base, User, Address, users, addresses };
}

function bidirectionalModels() {
  class Base extends DeclarativeBase {}
  const users = uniqueName("sa8a_bi_users");
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {
    static addresses = relationship(() => Address, { backPopulates: "user" });
    declare addresses: Address[];
  }
  class Address extends Base.model(uniqueName("sa8a_bi_addresses"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${users}.id`), { nullable: true }),
    email_address: mappedColumn(String(50)),
  }) {
    static user = relationship(() => User, { lazy: "joined", backPopulates: "addresses" });
    declare user: User | null;
  }
  return { Base, User, Address };
}

function doubleModels() {
  class Base extends DeclarativeBase {}
  const users = uniqueName("sa8a_dbl_users");
  const addresses = uniqueName("sa8a_dbl_addresses");
  class Address extends Base.model(addresses, {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${users}.id`), { nullable: true }),
    email_address: mappedColumn(String(50)),
  }) {}
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {
    static boston_addresses = relationship(() => Address, { primaryjoin: () => and(User.id.eq(Address.user_id), Address.email_address.like("%boston%")) });
    declare boston_addresses: Address[];
    static newyork_addresses = relationship(() => Address, { primaryjoin: () => and(User.id.eq(Address.user_id), Address.email_address.like("%newyork%")) });
    declare newyork_addresses: Address[];
  }
  return { Base, User, Address, addresses };
}

describe.each(dialectTargets())("OneToManyTest (test_unitofwork.py) on $name", (target) => {
  const o2m = o2mModels(true);
  const o2o = o2mModels(false);
  const bi = bidirectionalModels();
  const dbl = doubleModels();
  const log = useSqlLog(target, [o2m, o2o, bi, dbl].map((m) => m.Base.metadata));
  const session = () => new AsyncSession(log.engine, { expireOnCommit: false });

  it("test_one_to_many_1: basic save of one to many", async () => {
    const { User, Address, users, addresses } = o2m;
    await using sess = session();
    const u = new User({ name: "one2manytester" });
    const a = new Address({ email_address: "one2many@test.org" });
    u.addresses.push(a);
    const a2 = new Address({ email_address: "lala@test.org" });
    u.addresses.push(a2);
    sess.add(u);
    await sess.flush();
    const ut = User.__table__;
    const at = Address.__table__;
    expect((await sess.execute(select(ut).where(ut.c.id.in([u.id])))).all().map((r) => [...r])).toEqual([[u.id, "one2manytester"]]);
    expect((await sess.execute(select(at).where(at.c.id.in([a.id, a2.id])).orderBy(at.c.email_address))).all().map((r) => [...r])).toEqual([
      [a2.id, u.id, "lala@test.org"],
      [a.id, u.id, "one2many@test.org"],
    ]);
    const [userid, addressid] = [u.id, a2.id];
    a2.email_address = "somethingnew@foo.com";
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${addresses} SET email_address=? WHERE ${addresses}.id = ?`, ["somethingnew@foo.com", addressid]],
    ]);
    expect((await sess.execute(select(at).where(at.c.id.eq(addressid)))).all().map((r) => [...r])).toEqual([[addressid, userid, "somethingnew@foo.com"]]);
    expect([u.id, a2.id]).toEqual([userid, addressid]);
    void users;
    await sess.rollback();
  });

  it("test_one_to_many_2: modifying the child items of an object", async () => {
    const { User, Address, users, addresses } = o2m;
    await using sess = session();
    const u1 = new User({ name: "user1" });
    u1.addresses = [];
    const a1 = new Address({ email_address: "emailaddress1" });
    u1.addresses.push(a1);
    const u2 = new User({ name: "user2" });
    u2.addresses = [];
    const a2 = new Address({ email_address: "emailaddress2" });
    u2.addresses.push(a2);
    const a3 = new Address({ email_address: "emailaddress3" });
    sess.addAll([u1, u2, a3]);
    await sess.flush();
    // user2 is updated, user1 is not; address1 and address3 are.
    u2.name = "user2modified";
    u1.addresses.push(a3);
    u1.addresses.splice(0, 1);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${users} SET name=? WHERE ${users}.id = ?`, ["user2modified", u2.id]],
      [`UPDATE ${addresses} SET user_id=? WHERE ${addresses}.id = ?`, [null, a1.id]],
      [`UPDATE ${addresses} SET user_id=? WHERE ${addresses}.id = ?`, [u1.id, a3.id]],
    ]);
    await sess.rollback();
  });

  it("test_child_move: moving a child from one parent to another, with a delete", async () => {
    const { User, Address } = o2m;
    await using sess = session();
    // u2's collection is initialized (empty) before the flush: athanor doesn't lazy-load it after.
    const [u1, u2] = [new User({ name: "user1" }), new User({ name: "user2", addresses: [] })];
    const a = new Address({ email_address: "address1" });
    u1.addresses.push(a);
    sess.addAll([u1, u2]);
    await sess.flush();
    u1.addresses.splice(0, 1);
    u2.addresses.push(a);
    sess.delete(u1);
    await sess.flush();
    sess.expungeAll();
    const again = (await sess.scalars(select(User).where(User.id.eq(u2.id)).options(selectinload(User.addresses!)))).one();
    expect(again.addresses.length).toBe(1);
    await sess.rollback();
  });

  it("test_child_move_2", async () => {
    const { User, Address } = o2m;
    await using sess = session();
    // u2's collection is initialized (empty) before the flush: athanor doesn't lazy-load it after.
    const [u1, u2] = [new User({ name: "user1" }), new User({ name: "user2", addresses: [] })];
    const a = new Address({ email_address: "address1" });
    u1.addresses.push(a);
    sess.addAll([u1, u2]);
    await sess.flush();
    u1.addresses.splice(0, 1);
    u2.addresses.push(a);
    await sess.flush();
    sess.expungeAll();
    const again = (await sess.scalars(select(User).where(User.id.eq(u2.id)).options(selectinload(User.addresses!)))).one();
    expect(again.addresses.length).toBe(1);
    await sess.rollback();
  });

  it("test_o2m_delete_parent", async () => {
    const { User, Address, users, addresses } = o2o;
    await using sess = session();
    const u = new User({ name: "one2onetester" });
    const a = new Address({ email_address: "myonlyaddress@foo.com" });
    u.address = a;
    sess.add(u);
    await sess.flush();
    sess.delete(u);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${addresses} SET user_id=? WHERE ${addresses}.id = ?`, [null, a.id]],
      [`DELETE FROM ${users} WHERE ${users}.id IN (?)`, [u.id]],
    ]);
    expect(a.id).not.toBeNull();
    expect(a.user_id).toBeNull();
    expect(inspect(a).persistent).toBe(true);
    expect(sess.contains(a)).toBe(true);
    expect(sess.contains(u)).toBe(false);
    expect(inspect(u).deleted).toBe(true);
    await sess.rollback();
  });

  it("test_one_to_one", async () => {
    const { User, Address, users, addresses } = o2o;
    await using sess = session();
    const u = new User({ name: "one2onetester" });
    u.address = new Address({ email_address: "myonlyaddress@foo.com" });
    sess.add(u);
    await sess.flush();
    u.name = "imnew";
    expect(await log.capture(() => sess.flush())).toEqual([[`UPDATE ${users} SET name=? WHERE ${users}.id = ?`, ["imnew", u.id]]]);
    u.address!.email_address = "imnew@foo.com";
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${addresses} SET email_address=? WHERE ${addresses}.id = ?`, ["imnew@foo.com", u.address!.id]],
    ]);
    await sess.rollback();
  });

  it("test_bidirectional", async () => {
    const { User, Address } = bi;
    await using sess = session();
    const u = new User({ name: "test" });
    const a = new Address({ email_address: "testaddress", user: u });
    expect(u.addresses).toEqual([a]);
    sess.add(u);
    await sess.flush();
    expect(a.user_id).toBe(u.id);
    sess.delete(u);
    await sess.flush();
    expect(a.user_id).toBeNull();
    expect(a.user).toBeNull();
    expect((await sess.scalars(select(Address))).all()).toEqual([a]);
    await sess.rollback();
  });

  it("test_double_relationship", async () => {
    const { User, Address, addresses } = dbl;
    await using sess = session();
    const u = new User({ name: "u1" });
    const a = new Address({ email_address: "foo@boston.com" });
    const b = new Address({ email_address: "bar@newyork.com" });
    u.boston_addresses.push(a);
    u.newyork_addresses.push(b);
    sess.add(u);
    await sess.flush();
    expect([a.user_id, b.user_id]).toEqual([u.id, u.id]);
    sess.expungeAll();
    const again = (await sess.scalars(select(User).options(selectinload(User.boston_addresses), selectinload(User.newyork_addresses)))).one();
    expect(again.boston_addresses.map((x) => x.email_address)).toEqual(["foo@boston.com"]);
    expect(again.newyork_addresses.map((x) => x.email_address)).toEqual(["bar@newyork.com"]);
    void addresses;
    await sess.rollback();
  });
});

/**
 * SQLAlchemy's test/orm/test_backref_mutations.py: moving objects between collections and
 * scalar attributes keeps the other side of a bidirectional relationship in step (in memory),
 * and the flush writes the foreign keys that result. athanor's backref events fire on attribute
 * assignment (collections are replaced with a new array, as `u.addresses = [...]`).
 */
import { AsyncSession, Column, DeclarativeBase, ForeignKey, func, Integer, mappedColumn, relationship, select, selectinload, String, Table } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

const users = uniqueName("sa5d_bm_users");
const addresses = uniqueName("sa5d_bm_addresses");
class Base extends DeclarativeBase {}
class User extends Base.model(users, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30), { nullable: true }),
}) {
  static addresses = relationship(() => Address, { backPopulates: "user", orderBy: () => Address.id });
  declare addresses: Address[];
  static address = relationship(() => Address, { uselist: false, viewonly: true });
  declare address: Address | null;
}
class Address extends Base.model(addresses, {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(ForeignKey(`${users}.id`), { name: "user_id", nullable: true }),
  emailAddress: mappedColumn(String(50), { name: "email_address", nullable: true }),
}) {
  static user = relationship(() => User, { backPopulates: "addresses" });
  declare user: User | null;
}

describe("O2MCollectionTest (in memory)", () => {
  it("test_collection_assignment_mutates_previous_one", () => {
    const u1 = new User({ name: "jack" });
    const u2 = new User({ name: "ed" });
    const a1 = new Address({ emailAddress: "a1" });
    u1.addresses = [a1];
    expect(a1.user).toBe(u1);
    u2.addresses = [a1];
    expect(u1.addresses).toEqual([]);
    expect(a1.user).toBe(u2);
  });
  it("test_collection_assignment_mutates_previous_two", () => {
    const u1 = new User({ name: "jack" });
    const a1 = new Address({ emailAddress: "a1" });
    u1.addresses = [a1];
    expect(a1.user).toBe(u1);
    u1.addresses = [];
    expect(a1.user).toBe(null);
  });
  it("test_del_from_scalar", () => {
    const u1 = new User({ name: "jack" });
    const a1 = new Address({ emailAddress: "a1" });
    u1.addresses = [a1];
    a1.user = null;
    expect(u1.addresses).not.toContain(a1);
  });
  it("test_bulk_replace", () => {
    const u1 = new User();
    const [a1, a2, a3] = [new Address({ emailAddress: "1" }), new Address({ emailAddress: "2" }), new Address({ emailAddress: "3" })];
    u1.addresses = [a1, a2, a3, a3];
    expect(a3.user).toBe(u1);
    u1.addresses = [a1, a2, a1];
    expect(a3.user).toBe(null);
    expect(u1.addresses).toEqual([a1, a2, a1]);
  });
  it("append via push", () => {
    const u1 = new User();
    const a1 = new Address({ emailAddress: "1" });
    u1.addresses.push(a1);
    expect(a1.user).toBe(u1);
  });
});

describe("O2MCollectionTest (in memory, list mutations)", () => {
  const three = () => [new Address({ emailAddress: "1" }), new Address({ emailAddress: "2" }), new Address({ emailAddress: "3" })] as const;
  it("test_del_from_collection", () => {
    const u1 = new User({ name: "jack" });
    const a1 = new Address({ emailAddress: "a1" });
    u1.addresses.push(a1);
    expect(a1.user).toBe(u1);
    u1.addresses.splice(0, 1);
    expect(a1.user).toBe(null);
  });
  it("test_straight_remove", () => {
    const u1 = new User();
    const [a1, a2, a3] = three();
    u1.addresses.push(a1, a2, a3);
    u1.addresses.splice(2, 1);
    expect(a3.user).toBe(null);
    expect(u1.addresses).toEqual([a1, a2]);
  });
  it("test_append_del", () => {
    const u1 = new User();
    const [a1, a2, a3] = three();
    u1.addresses.push(a1);
    u1.addresses.push(a2);
    u1.addresses.push(a3);
    u1.addresses.push(a2);
    u1.addresses.splice(1, 1);
    expect(a2.user).toBe(u1);
    expect(u1.addresses).toEqual([a1, a3, a2]);
  });
  it("pop, shift and unshift fire the same events", () => {
    const u1 = new User();
    const [a1, a2, a3] = three();
    u1.addresses.unshift(a2, a3);
    expect(a2.user).toBe(u1);
    expect(u1.addresses.pop()).toBe(a3);
    expect(a3.user).toBe(null);
    u1.addresses.unshift(a1);
    expect(u1.addresses.shift()).toBe(a1);
    expect(a1.user).toBe(null);
    expect(u1.addresses).toEqual([a2]);
    expect(Array.isArray(u1.addresses)).toBe(true);
    // Derived arrays are plain arrays, unconnected to the owner.
    const copy = u1.addresses.slice();
    copy.push(a1);
    expect(a1.user).toBe(null);
  });
  it("moving an item with push takes it out of its previous owner's collection", () => {
    const u1 = new User({ name: "jack" });
    const u2 = new User({ name: "ed" });
    const a1 = new Address({ emailAddress: "a1" });
    u1.addresses.push(a1);
    u2.addresses.push(a1);
    expect(a1.user).toBe(u2);
    expect(u1.addresses).toEqual([]);
    expect(u2.addresses).toEqual([a1]);
  });
  it("test_tuple_assignment_w_reverse (swap by splice)", () => {
    const u1 = new User();
    const [a1, a2, a3] = three();
    u1.addresses.push(a1, a2, a3);
    u1.addresses.splice(1, 2, a3, a2);
    expect(a3.user).toBe(u1);
    expect(a2.user).toBe(u1);
    expect(u1.addresses).toEqual([a1, a3, a2]);
  });
});

describe.each(dialectTargets())("O2MCollectionTest on $name", (target) => {
  const log = useSqlLog(target, Base.metadata);
  async function fixture(s: AsyncSession) {
    const a1 = new Address({ emailAddress: "address1" });
    const u1 = new User({ name: "jack", addresses: [a1] });
    const u2 = new User({ name: "ed" });
    s.addAll([u1, u2]);
    await s.commit();
    return { a1, u1, u2 };
  }
  async function rows() {
    await using s = new AsyncSession(log.engine);
    return (await s.execute(select(Address.emailAddress, Address.userId).orderBy(Address.id))).all().map((r) => [...r]);
  }

  it("test_collection_move_preloaded", async () => {
    await using s = new AsyncSession(log.engine);
    const { a1, u1, u2 } = await fixture(s);
    await s.refresh(u1, ["addresses"]);
    await s.refresh(u2, ["addresses"]);
    u2.addresses.push(a1);
    expect(a1.user).toBe(u2);
    expect(u1.addresses).not.toContain(a1);
    expect(u2.addresses).toContain(a1);
    await s.commit();
    expect(await rows()).toEqual([["address1", u2.id]]);
  });

  it("test_collection_move_commitfirst", async () => {
    await using s = new AsyncSession(log.engine);
    const { a1, u1, u2 } = await fixture(s);
    await s.refresh(u1, ["addresses"]);
    await s.refresh(u2, ["addresses"]);
    u2.addresses.push(a1);
    expect(a1.user).toBe(u2);
    await s.commit();
    await s.refresh(u1, ["addresses"]);
    await s.refresh(u2, ["addresses"]);
    expect(u1.addresses).not.toContain(a1);
    expect(u2.addresses).toContain(a1);
  });

  it("test_scalar_move_preloaded", async () => {
    await using s = new AsyncSession(log.engine);
    const u1 = new User({ name: "jack" });
    const u2 = new User({ name: "ed" });
    const a1 = new Address({ emailAddress: "a1" });
    a1.user = u1;
    s.addAll([u1, u2, a1]);
    await s.commit();
    const [r1, r2] = (await s.scalars(select(User).options(selectinload(User.addresses)).orderBy(User.id))).all();
    expect([r1, r2]).toEqual([u1, u2]);
    expect(u1.addresses).toEqual([a1]);
    a1.user = u2;
    expect(u1.addresses).not.toContain(a1);
    expect(u2.addresses).toContain(a1);
    await s.commit();
    expect(await rows()).toEqual([["a1", u2.id]]);
  });

  it("test_set_none", async () => {
    await using s = new AsyncSession(log.engine);
    const u1 = new User({ name: "jack" });
    const a1 = new Address({ emailAddress: "a1" });
    a1.user = u1;
    s.addAll([u1, a1]);
    await s.commit();
    await s.scalars(select(User).options(selectinload(User.addresses)));
    const sent = await log.capture(async () => {
      a1.user = null;
    });
    expect(sent).toEqual([]);
    expect(u1.addresses).not.toContain(a1);
    await s.commit();
    expect(await rows()).toEqual([["a1", null]]);
  });

  it("test_scalar_move_notloaded", async () => {
    await using s = new AsyncSession(log.engine);
    const u1 = new User({ name: "jack" });
    const u2 = new User({ name: "ed" });
    const a1 = new Address({ emailAddress: "a1" });
    a1.user = u1;
    s.addAll([u1, u2, a1]);
    await s.commit();
    a1.user = u2;
    await s.flush();
    await s.refresh(u1, ["addresses"]);
    await s.refresh(u2, ["addresses"]);
    expect(u1.addresses).not.toContain(a1);
    expect(u2.addresses).toContain(a1);
  });

  it("test_collection_move_notloaded (u1's collection loaded after the move)", async () => {
    await using s = new AsyncSession(log.engine);
    const { a1, u1, u2 } = await fixture(s);
    await s.refresh(u2, ["addresses"]);
    u2.addresses.push(a1);
    expect(a1.user).toBe(u2);
    await s.flush();
    await s.refresh(u1, ["addresses"]);
    expect(u1.addresses).not.toContain(a1);
    expect(u2.addresses).toContain(a1);
  });

  it("push onto a persistent collection cascades the new item into the session", async () => {
    await using s = new AsyncSession(log.engine);
    const { u1, u2 } = await fixture(s);
    await s.refresh(u2, ["addresses"]);
    const a2 = new Address({ emailAddress: "a2" });
    u2.addresses.push(a2);
    expect(s.contains(a2)).toBe(true);
    expect(a2.user).toBe(u2);
    await s.commit();
    expect(await rows()).toEqual([["address1", u1.id], ["a2", u2.id]]);
  });
});

// O2OScalarBackrefMoveTest: User.address is a one-to-one (uselist: false) with a backref.
const o2oUsers = uniqueName("sa5d_bm_o2o_users");
const o2oAddresses = uniqueName("sa5d_bm_o2o_addresses");
class OBase extends DeclarativeBase {}
class OUser extends OBase.model(o2oUsers, { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(30), { nullable: true }) }) {
  static address = relationship(() => OAddress, { uselist: false, backPopulates: "user" });
  declare address: OAddress | null;
}
class OAddress extends OBase.model(o2oAddresses, {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(ForeignKey(`${o2oUsers}.id`), { name: "user_id", nullable: true }),
  emailAddress: mappedColumn(String(50), { name: "email_address", nullable: true }),
}) {
  static user = relationship(() => OUser, { backPopulates: "address" });
  declare user: OUser | null;
}

describe.each(dialectTargets())("O2OScalarBackrefMoveTest on $name", (target) => {
  const log = useSqlLog(target, OBase.metadata);

  it("test_collection_move_preloaded", async () => {
    await using s = new AsyncSession(log.engine);
    const a1 = new OAddress({ emailAddress: "address1" });
    const u1 = new OUser({ name: "jack", address: a1 });
    const u2 = new OUser({ name: "ed" });
    s.addAll([u1, u2]);
    await s.commit();
    await s.refresh(u1, ["address"]);
    await s.refresh(u2, ["address"]);
    u2.address = a1;
    expect(u2.address).toBe(a1);
    expect(a1.user).toBe(u2);
    // Doesn't extend to the previous attribute.
    expect(u1.address).toBe(a1);
  });

  it("test_scalar_move_preloaded", async () => {
    await using s = new AsyncSession(log.engine);
    const a1 = new OAddress({ emailAddress: "address1" });
    const a2 = new OAddress({ emailAddress: "address1" });
    const u1 = new OUser({ name: "jack", address: a1 });
    s.addAll([u1, a1, a2]);
    await s.commit();
    await s.refresh(a1, ["user"]);
    await s.refresh(u1, ["address"]);
    a2.user = u1;
    expect(u1.address).toBe(a2);
    // Stays on both sides.
    expect(a1.user).toBe(u1);
    expect(a2.user).toBe(u1);
  });

  it("test_collection_move_commitfirst", async () => {
    await using s = new AsyncSession(log.engine);
    const a1 = new OAddress({ emailAddress: "address1" });
    const u1 = new OUser({ name: "jack", address: a1 });
    const u2 = new OUser({ name: "ed" });
    s.addAll([u1, u2]);
    await s.commit();
    await s.refresh(u1, ["address"]);
    await s.refresh(u2, ["address"]);
    u2.address = a1;
    expect(a1.user).toBe(u2);
    await s.commit();
    await s.refresh(u1, ["address"]);
    await s.refresh(u2, ["address"]);
    expect(u1.address).toBe(null);
    expect(u2.address).toBe(a1);
  });

  it("test_scalar_move_commitfirst", async () => {
    await using s = new AsyncSession(log.engine);
    const a1 = new OAddress({ emailAddress: "address1" });
    const a2 = new OAddress({ emailAddress: "address2" });
    const u1 = new OUser({ name: "jack", address: a1 });
    s.addAll([u1, a1, a2]);
    await s.commit();
    await s.refresh(a1, ["user"]);
    expect(a1.user).toBe(u1);
    await s.refresh(u1, ["address"]);
    a2.user = u1;
    expect(u1.address).toBe(a2);
    expect(a1.user).toBe(u1);
    await s.commit();
    await s.refresh(u1, ["address"]);
    await s.refresh(a1, ["user"]);
    await s.refresh(a2, ["user"]);
    expect(u1.address).toBe(a2);
    expect(a1.user).toBe(null);
    expect(a2.user).toBe(u1);
  });
});

describe.each(dialectTargets())("LoadOnFKsTest (test_load_on_fks.py) on $name", (target) => {
  const log = useSqlLog(target, Base.metadata);
  async function fixture(s: AsyncSession) {
    const p1 = new User();
    const p2 = new User();
    const c1 = new Address();
    c1.user = p1;
    s.addAll([p1, p2]);
    expect(s.contains(c1)).toBe(true);
    await s.flush();
    s.expireAll();
    return { p1, p2, c1 };
  }

  it("test_m2o_history_on_persistent_allows_backref_event", async () => {
    await using s = new AsyncSession(log.engine);
    const { p1 } = await fixture(s);
    await s.refresh(p1, ["id", "addresses"]);
    const c3 = new Address();
    s.add(c3);
    c3.userId = p1.id;
    c3.user = p1;
    expect(p1.addresses).toContain(c3);
  });

  it("test_backref_doesnt_double", async () => {
    await using s = new AsyncSession(log.engine, { autoflush: false });
    const { p1 } = await fixture(s);
    await s.refresh(p1, ["addresses"]);
    const c3 = new Address();
    s.add(c3);
    c3.user = p1;
    c3.user = p1;
    c3.user = p1;
    c3.user = p1;
    expect(p1.addresses.length).toBe(2);
  });
});

// M2MStaleBackrefTest / M2MCollectionMoveTest: Item.keywords ↔ Keyword.items through item_keywords.
const mItems = uniqueName("sa5d_bm_items");
const mKeywords = uniqueName("sa5d_bm_keywords");
class MBase extends DeclarativeBase {}
const itemKeywords = Table(uniqueName("sa5d_bm_item_keywords"), MBase.metadata, {
  item_id: Column(Integer, { foreignKey: `${mItems}.id`, primaryKey: true }),
  keyword_id: Column(Integer, { foreignKey: `${mKeywords}.id`, primaryKey: true }),
});
class MItem extends MBase.model(mItems, { id: mappedColumn(Integer, { primaryKey: true }), description: mappedColumn(String(30), { nullable: true }) }) {
  static keywords = relationship(() => MKeyword, { secondary: () => itemKeywords, backPopulates: "items" });
  declare keywords: MKeyword[];
}
class MKeyword extends MBase.model(mKeywords, { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(30), { nullable: true }) }) {
  static items = relationship(() => MItem, { secondary: () => itemKeywords, backPopulates: "keywords" });
  declare items: MItem[];
}

describe("M2MStaleBackrefTest (in memory)", () => {
  it("test_backref_pop_m2m", () => {
    const k1 = new MKeyword();
    const k2 = new MKeyword();
    const i1 = new MItem();
    k1.items.push(i1);
    k2.items.push(i1);
    k2.items.push(i1);
    expect(i1.keywords).toEqual([k1, k2]);
    i1.keywords = [];
    expect(k1.items).toEqual([]);
    k2.items.splice(k2.items.indexOf(i1), 1);
    expect(k2.items.length).toBe(0);
  });
  it("O2MStaleBackrefTest.test_backref_pop_m2o", () => {
    const u1 = new User();
    const u2 = new User();
    const a1 = new Address();
    u1.addresses.push(a1);
    u2.addresses.push(a1);
    expect(u1.addresses).not.toContain(a1);
    expect(a1.user).toBe(u2);
    expect(u2.addresses).toContain(a1);
  });
});

describe.each(dialectTargets())("M2MCollectionMoveTest on $name", (target) => {
  const log = useSqlLog(target, MBase.metadata);
  it("test_pending_combines_with_flushed (loaded collection)", async () => {
    await using s = new AsyncSession(log.engine, { autoflush: false });
    const k1 = new MKeyword({ name: "k1" });
    const k2 = new MKeyword({ name: "k2" });
    const i1 = new MItem({ description: "i1", keywords: [k1] });
    s.add(i1);
    s.add(k2);
    await s.commit();
    await s.refresh(k2, ["items"]);
    await s.refresh(i1, ["keywords"]);
    k2.items.push(i1);
    expect(i1.keywords).toEqual([k1, k2]);
    // Not flushed yet.
    expect((await s.execute(select(itemKeywords.c.item_id))).all().length).toBe(1);
    await s.commit();
    expect((await s.execute(select(itemKeywords.c.item_id))).all().length).toBe(2);
  });
});

describe.each(dialectTargets())("collection appends in a session on $name", (target) => {
  const log = useSqlLog(target, Base.metadata);
  it("pushing item by item onto a pending object's collection cascades every item into the session", async () => {
    await using s = new AsyncSession(log.engine);
    const u = new User({ name: "many" });
    s.add(u);
    const n = 1000;
    for (let i = 0; i < n; i++) u.addresses.push(new Address({ emailAddress: `a${i}` }));
    expect(s.new.length).toBe(n + 1);
    expect(u.addresses.every((a) => s.contains(a) && a.user === u)).toBe(true);
    // Taken out again before the flush: the pending orphan stays (no delete-orphan here).
    const last = u.addresses.pop()!;
    expect(last.user).toBe(null);
    expect(s.contains(last)).toBe(true);
    await s.flush();
    expect(await s.scalar(select(func.count()).selectFrom(Address).where(Address.userId.eq(u.id)))).toBe(n - 1);
    expect(last.userId).toBe(null);
  });
});

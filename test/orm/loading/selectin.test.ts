/**
 * selectinload: statement counts (one SELECT per level, IN batches of 500), every relationship
 * direction, self-referential (remoteSide), composite keys (tuple IN), relationship orderBy.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insert, select, selectinload } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, openDb, type Db } from "./models.js";

const M = defineModels("ldsel");
const { User, Address, Order, Item, Keyword, Node, Region, Store, itemKeywords } = M;

describe.each(dialectTargets())("selectinload on $name", (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, M.Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [
        { id: 1, name: "sandy", fullname: "Sandy Cheeks" },
        { id: 2, name: "patrick", fullname: null },
        { id: 3, name: "squidward", fullname: null },
      ]);
      await conn.execute(insert(Address.__table__), [
        { id: 1, email: "s1@x", userId: 1 },
        { id: 2, email: "s2@x", userId: 1 },
        { id: 3, email: "p1@x", userId: 2 },
      ]);
      await conn.execute(insert(Order.__table__), [
        { id: 1, userId: 1, description: "o1" },
        { id: 2, userId: 1, description: "o2" },
        { id: 3, userId: 2, description: "o3" },
      ]);
      await conn.execute(insert(Item.__table__), [
        { id: 3, orderId: 1, name: "i3" },
        { id: 1, orderId: 1, name: "i1" },
        { id: 2, orderId: 2, name: "i2" },
        { id: 4, orderId: 3, name: "i4" },
      ]);
      await conn.execute(insert(Keyword.__table__), [
        { id: 1, name: "red" },
        { id: 2, name: "blue" },
        { id: 3, name: "green" },
      ]);
      await conn.execute(insert(itemKeywords), [
        { item_id: 1, keyword_id: 2 },
        { item_id: 1, keyword_id: 1 },
        { item_id: 2, keyword_id: 1 },
        { item_id: 4, keyword_id: 3 },
      ]);
      await conn.execute(insert(Node.__table__), [
        { id: 1, parentId: null, name: "root" },
        { id: 2, parentId: 1, name: "a" },
        { id: 3, parentId: 1, name: "b" },
        { id: 4, parentId: 2, name: "a1" },
      ]);
      await conn.execute(insert(Region.__table__), [
        { country: "us", code: 1, name: "east" },
        { country: "us", code: 2, name: "west" },
        { country: "de", code: 1, name: "nord" },
      ]);
      await conn.execute(insert(Store.__table__), [
        { id: 1, country: "us", regionCode: 1, name: "nyc" },
        { id: 2, country: "de", regionCode: 1, name: "hh" },
        { id: 3, country: "us", regionCode: 1, name: "bos" },
        { id: 4, country: "us", regionCode: 2, name: "sf" },
      ]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("three levels deep (o2m → o2m → m2m) runs exactly 4 SELECTs, ordered by each relationship's orderBy", async () => {
    const s = db.session();
    db.counting.reset();
    const users = (
      await s.scalars(
        select(User).orderBy(User.id).options(selectinload(User.orders).selectinload(Order.items).selectinload(Item.keywords)),
      )
    ).all();
    expect(db.selects()).toHaveLength(4);
    expect(db.counting.statements.filter((x) => !/^\s*SELECT/i.test(x))).toEqual([]);
    expect(users.map((u) => u.orders.map((o) => o.items.map((i) => [i.name, i.keywords.map((k) => k.name)])))).toEqual([
      [
        [["i1", ["red", "blue"]], ["i3", []]],
        [["i2", ["red"]]],
      ],
      [[["i4", ["green"]]]],
      [],
    ]);
    // The IN queries: one per level, keyed by the parent keys.
    const [, orders, items, keywords] = db.selects();
    expect(orders).toMatch(/WHERE \S+\.user_id IN \((\$1, \$2, \$3|\?, \?, \?)\) ORDER BY \S+\.id$/);
    expect(items).toMatch(/WHERE \S+\.order_id IN \((\$1, \$2, \$3|\?, \?, \?)\) ORDER BY \S+\.id$/);
    expect(keywords).toMatch(/FROM \S+_item_keywords JOIN \S+_keywords ON [^\n]*\s+WHERE \S+_item_keywords\.item_id IN \((\$1, \$2, \$3, \$4|\?, \?, \?, \?)\) ORDER BY \S+_keywords\.id$/);
    await s.close();
  });

  it("many-to-one loads targets by primary key, and reuses the identity map", async () => {
    const s = db.session();
    db.counting.reset();
    const addresses = (await s.scalars(select(Address).orderBy(Address.id).options(selectinload(Address.user)))).all();
    expect(db.selects()).toHaveLength(2);
    expect(db.selects()[1]).toMatch(/WHERE \S+_users\.id IN \((\$\d+, \$\d+|\?, \?)\)$/);
    expect(addresses.map((a) => a.user.name)).toEqual(["sandy", "sandy", "patrick"]);
    expect(addresses[0].user).toBe(addresses[1].user);
    // Every target is already in the identity map: no second SELECT.
    db.counting.reset();
    const again = (await s.scalars(select(Address).where(Address.id.eq(3)).options(selectinload(Address.user)))).one();
    expect(db.selects()).toHaveLength(1);
    expect(again.user).toBe(addresses[2].user);
    await s.close();
  });

  it("self-referential: children (one-to-many) and parent (many-to-one with remoteSide), chained", async () => {
    const s = db.session();
    db.counting.reset();
    const root = (
      await s.scalars(select(Node).where(Node.id.eq(1)).options(selectinload(Node.children).selectinload(Node.children)))
    ).one();
    expect(db.selects()).toHaveLength(3);
    expect(root.children.map((c) => c.name)).toEqual(["a", "b"]);
    expect(root.children.map((c) => c.children.map((g) => g.name))).toEqual([["a1"], []]);
    await s.close();

    const s2 = db.session();
    db.counting.reset();
    const leaf = (await s2.scalars(select(Node).where(Node.id.eq(4)).options(selectinload(Node.parent).selectinload(Node.parent)))).one();
    expect(db.selects()).toHaveLength(3);
    expect(leaf.parent?.name).toBe("a");
    expect(leaf.parent?.parent?.name).toBe("root");
    await s2.close();
  });

  it("composite keys use a tuple IN, in both directions", async () => {
    const s = db.session();
    db.counting.reset();
    const regions = (await s.scalars(select(Region).orderBy(Region.country, Region.code).options(selectinload(Region.stores)))).all();
    expect(db.selects()).toHaveLength(2);
    expect(db.selects()[1]).toMatch(/WHERE \(\S+\.country, \S+\.region_code\) IN \(/);
    expect(regions.map((r) => [r.country, r.code, r.stores.map((x) => x.name)])).toEqual([
      ["de", 1, ["hh"]],
      ["us", 1, ["nyc", "bos"]],
      ["us", 2, ["sf"]],
    ]);
    await s.close();

    const s2 = db.session();
    db.counting.reset();
    const stores = (await s2.scalars(select(Store).orderBy(Store.id).options(selectinload(Store.region)))).all();
    expect(db.selects()).toHaveLength(2);
    expect(db.selects()[1]).toMatch(/WHERE \(\S+\.country, \S+\.code\) IN \(/);
    expect(stores.map((x) => x.region.name)).toEqual(["east", "nord", "east", "west"]);
    await s2.close();
  });

  it("parents with no key or no children get an empty collection / null", async () => {
    const s = db.session();
    const users = (await s.scalars(select(User).where(User.id.eq(3)).options(selectinload(User.addresses)))).all();
    expect(users[0].addresses).toEqual([]);
    const root = (await s.scalars(select(Node).where(Node.id.eq(1)).options(selectinload(Node.parent)))).one();
    expect(root.parent).toBeNull();
    await s.close();
  });

  it("more than 500 parents: the level runs in IN batches of 500 (2 SELECTs for 501 parents)", async () => {
    const rows = Array.from({ length: 501 }, (_, i) => ({ id: 1000 + i, name: `bulk${i}`, fullname: null }));
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), rows);
      await conn.execute(insert(Address.__table__), [{ id: 1000, email: "bulk@x", userId: 1500 }]);
    });
    const s = db.session();
    db.counting.reset();
    const users = (await s.scalars(select(User).where(User.id.ge(1000)).orderBy(User.id).options(selectinload(User.addresses)))).all();
    expect(users).toHaveLength(501);
    const selects = db.selects();
    expect(selects).toHaveLength(3);
    const inCount = (sql: string) => (sql.match(/IN \(([^)]*)\)/)?.[1].split(",").length ?? 0);
    expect(selects.slice(1).map(inCount).sort((a, b) => a - b)).toEqual([1, 500]);
    expect(users[500].addresses.map((a) => a.email)).toEqual(["bulk@x"]);
    expect(users[0].addresses).toEqual([]);
    await s.close();
  });
});

/**
 * Wildcard loader options against relationship-level defaults, ported from SQLAlchemy's
 * test/orm/test_default_strategies.py (DefaultStrategyOptionsTest). athanor never lazy loads:
 * SQLAlchemy's `lazyload` maps to `raiseload` (the relationship stays unloaded, reading it
 * raises) and `subqueryload` to `selectinload` (one more SELECT per relationship level, as
 * subqueryload also costs).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError, Column, DeclarativeBase, defaultload, ForeignKey, insert, Integer, joinedload, Load, mappedColumn, raiseload, relationship,
  select, selectinload, String, Table, type LazyStrategy,
} from "athanor";
import { mapperOf } from "../../../src/orm/mapper.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

/** SQLAlchemy's _downgrade_fixture / _upgrade_fixture mapping (no backrefs), with the given defaults. */
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function mapping(prefix: string, lazy: { addresses: LazyStrategy; orders: LazyStrategy; items: LazyStrategy; keywords: LazyStrategy }) {
  class Base extends DeclarativeBase {}
  const t = (n: string): string => `${prefix}${n}`;
  const orderItems = Table(t("order_items"), Base.metadata, {
    item_id: Column(Integer, { foreignKey: `${t("items")}.id` }),
    order_id: Column(Integer, { foreignKey: `${t("orders")}.id` }),
  });
  const itemKeywords = Table(t("item_keywords"), Base.metadata, {
    item_id: Column(Integer, { foreignKey: `${t("items")}.id` }),
    keyword_id: Column(Integer, { foreignKey: `${t("keywords")}.id` }),
  });
  class User extends Base.model(t("users"), { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(30)) }) {
    static addresses = relationship(() => Address, { lazy: lazy.addresses, orderBy: () => Address.id });
    declare addresses: Address[];
    static orders = relationship(() => Order, { lazy: lazy.orders, orderBy: () => Order.id });
    declare orders: Order[];
  }
  class Address extends Base.model(t("addresses"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${t("users")}.id`), { nullable: true }),
    email_address: mappedColumn(String(50)),
  }) {}
  class Order extends Base.model(t("orders"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${t("users")}.id`), { nullable: true }),
    description: mappedColumn(String(30), { nullable: true }),
  }) {
    static items = relationship(() => Item, { secondary: orderItems, lazy: lazy.items, orderBy: () => orderItems.c.item_id as never });
    declare items: Item[];
  }
  class Item extends Base.model(t("items"), { id: mappedColumn(Integer, { primaryKey: true }), description: mappedColumn(String(30)) }) {
    static keywords = relationship(() => Keyword, { secondary: itemKeywords, lazy: lazy.keywords, orderBy: () => itemKeywords.c.keyword_id as never });
    declare keywords: Keyword[];
  }
  class Keyword extends Base.model(t("keywords"), { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(30)) }) {}
  for (const c of [User, Address, Order, Item, Keyword]) mapperOf(c);
  return { Base, User, Address, Order, Item, Keyword, orderItems, itemKeywords };
}
type Mapping = ReturnType<typeof mapping>;

async function insertData(m: Mapping, db: Db): Promise<void> {
  await db.engine.begin(async (conn) => {
    await conn.execute(insert(m.User.__table__), [{ id: 7, name: "jack" }, { id: 8, name: "ed" }, { id: 9, name: "fred" }, { id: 10, name: "chuck" }]);
    await conn.execute(insert(m.Address.__table__), [
      { id: 1, user_id: 7, email_address: "jack@bean.com" }, { id: 2, user_id: 8, email_address: "ed@wood.com" },
      { id: 3, user_id: 8, email_address: "ed@bettyboop.com" }, { id: 4, user_id: 8, email_address: "ed@lala.com" },
      { id: 5, user_id: 9, email_address: "fred@fred.com" },
    ]);
    await conn.execute(insert(m.Order.__table__), [
      { id: 1, user_id: 7, description: "order 1" }, { id: 2, user_id: 9, description: "order 2" }, { id: 3, user_id: 7, description: "order 3" },
      { id: 4, user_id: 9, description: "order 4" }, { id: 5, user_id: 7, description: "order 5" },
    ]);
    await conn.execute(insert(m.Item.__table__), [1, 2, 3, 4, 5].map((id) => ({ id, description: `item ${id}` })));
    await conn.execute(insert(m.orderItems), [[1, 1], [2, 1], [3, 1], [1, 2], [2, 2], [3, 2], [3, 3], [4, 3], [5, 3], [1, 4], [5, 4], [5, 5]]
      .map(([item_id, order_id]) => ({ item_id, order_id })));
    await conn.execute(insert(m.Keyword.__table__), ["blue", "red", "green", "big", "small", "round", "square"].map((name, i) => ({ id: i + 1, name })));
    await conn.execute(insert(m.itemKeywords), [[2, 1], [2, 2], [4, 1], [6, 1], [5, 2], [3, 3], [4, 3], [7, 2], [6, 3]]
      .map(([keyword_id, item_id]) => ({ keyword_id, item_id })));
  });
}

type U = InstanceType<Mapping["User"]>;
/** SQLAlchemy's user_all_result, as (user, addresses, orders → items) ids. */
const USER_ALL = [
  [7, [1], [[1, [1, 2, 3]], [3, [3, 4, 5]], [5, [5]]]],
  [8, [2, 3, 4], []],
  [9, [5], [[2, [1, 2, 3]], [4, [1, 5]]]],
  [10, [], []],
];
const shape = (users: readonly U[]) => users.map((u) => [u.id, u.addresses.map((a) => a.id), u.orders.map((o) => [o.id, o.items.map((i) => i.id)])]);
/** SQLAlchemy's _assert_fully_loaded: everything, keywords included, readable without SQL. */
function assertFullyLoaded(users: readonly U[]): void {
  expect(shape(users)).toEqual(USER_ALL);
  expect(users.flatMap((u) => u.orders.flatMap((o) => o.items.map((i) => i.keywords.length))).some((n) => n > 0)).toBe(true);
}

describe.each(dialectTargets())("DefaultStrategyOptionsTest on $name (test_default_strategies.py)", (target) => {
  const p = uniqueName("sa3dft");
  const down = mapping(`${p}_d_`, { addresses: "joined", orders: "joined", items: "selectin", keywords: "selectin" });
  const up = mapping(`${p}_u_`, { addresses: "raise", orders: "raise", items: "raise", keywords: "raise" });
  let dbDown: Db;
  let dbUp: Db;
  beforeAll(async () => {
    dbDown = await openDb(target, down.Base);
    await insertData(down, dbDown);
    dbUp = await openDb(target, up.Base);
    await insertData(up, dbUp);
  });
  afterAll(async () => {
    await dbDown.cleanup();
    await dbUp.cleanup();
  });
  const run = async (db: Db, m: Mapping, ...options: Parameters<ReturnType<typeof select>["options"]>): Promise<{ users: U[]; count: number }> => {
    // Closed at once: the pool is small, and loaded objects stay readable after close.
    await using s = db.session();
    db.counting.reset();
    const users = (await s.scalars(select(m.User).options(...options).orderBy(m.User.id))).unique().all() as U[];
    return { users, count: db.selects().length };
  };

  it("test_downgrade_baseline", async () => {
    const { users, count } = await run(dbDown, down);
    expect(count).toBe(3);
    assertFullyLoaded(users);
  });

  it("test_last_one_wins", async () => {
    const { User } = down;
    const { users, count } = await run(dbDown, down, selectinload("*"), joinedload(User.addresses), raiseload("*"));
    expect(count).toBe(1);
    expect(users.map((u) => u.addresses.map((a) => a.id))).toEqual([[1], [2, 3, 4], [5], []]);
    expect(() => users[0].orders).toThrow(/orders/);
  });

  it("test_star_cant_be_followed", () => {
    const { User, Order } = down;
    expect(() => selectinload(User.addresses).joinedload("*").selectinload(Order.items as never)).toThrow(ArgumentError);
    expect(() => selectinload(User.addresses).joinedload("*").selectinload(Order.items as never)).toThrow("Wildcard token cannot be followed by another entity");
  });

  it("test_global_star_ignored_no_entities_unbound", async () => {
    await using s = dbDown.session();
    const rows = (await s.execute(select(down.User.name).options(raiseload("*")).orderBy(down.User.id))).all().map((r) => [...r]);
    expect(rows).toEqual([["jack"], ["ed"], ["fred"], ["chuck"]]);
  });

  it("test_global_star_ignored_no_entities_bound", async () => {
    await using s = dbDown.session();
    const rows = (await s.execute(select(down.User.name).options(new Load(down.User).raiseload("*")).orderBy(down.User.id))).all().map((r) => [...r]);
    expect(rows).toEqual([["jack"], ["ed"], ["fred"], ["chuck"]]);
  });

  it("test_select_with_joinedload", async () => {
    const { User } = down;
    const { users, count } = await run(dbDown, down, raiseload("*"), joinedload(User.addresses));
    expect(count).toBe(1);
    expect(users.map((u) => u.addresses.length)).toEqual([1, 3, 1, 0]);
    expect(() => users[0].orders).toThrow(/orders/);
  });

  it("test_select_with_subqueryload", async () => {
    const { User } = down;
    const { users, count } = await run(dbDown, down, raiseload("*"), selectinload(User.orders));
    // The wildcard also keeps Order.items (selectin by default) from loading below the explicit option.
    expect(count).toBe(2);
    expect(users.map((u) => u.orders.length)).toEqual([3, 0, 2, 0]);
    expect(() => users[0].orders[0].items).toThrow(/items/);
    expect(() => users[0].addresses).toThrow(/addresses/);
  });

  it("test_joined", async () => {
    const { users, count } = await run(dbUp, up, joinedload("*"));
    expect(count).toBe(1);
    assertFullyLoaded(users);
  });

  it("test_joined_path_wildcards", async () => {
    const { User, Order } = up;
    const { users, count } = await run(dbUp, up,
      joinedload("*"), defaultload(User.addresses).joinedload("*"), defaultload(User.orders).joinedload("*"),
      defaultload(User.orders).defaultload(Order.items).joinedload("*"));
    expect(count).toBe(1);
    assertFullyLoaded(users);
  });

  it("test_joined_with_lazyload", async () => {
    const { User, Order, Item } = up;
    const { users, count } = await run(dbUp, up, defaultload(User.orders).defaultload(Order.items).raiseload(Item.keywords), joinedload("*"));
    expect(count).toBe(1);
    expect(shape(users)).toEqual(USER_ALL);
    expect(() => users[0].orders[0].items[0].keywords).toThrow(/keywords/);
  });

  it("test_joined_with_subqueryload", async () => {
    const { User } = up;
    const { users, count } = await run(dbUp, up, selectinload(User.addresses), joinedload("*"));
    expect(count).toBe(2);
    assertFullyLoaded(users);
  });

  it("test_subquery", async () => {
    const { users, count } = await run(dbUp, up, selectinload("*"));
    // 1 + one per relationship (addresses, orders, items, keywords)
    expect(count).toBe(5);
    assertFullyLoaded(users);
  });

  it("test_subquery_path_wildcards", async () => {
    const { User, Order } = up;
    const { users, count } = await run(dbUp, up,
      selectinload("*"), defaultload(User.addresses).selectinload("*"), defaultload(User.orders).selectinload("*"),
      defaultload(User.orders).defaultload(Order.items).selectinload("*"));
    expect(count).toBe(5);
    assertFullyLoaded(users);
  });

  it("test_subquery_with_lazyload", async () => {
    const { User, Order, Item } = up;
    const { users, count } = await run(dbUp, up, defaultload(User.orders).defaultload(Order.items).raiseload(Item.keywords), selectinload("*"));
    expect(count).toBe(4);
    expect(shape(users)).toEqual(USER_ALL);
    expect(() => users[0].orders[0].items[0].keywords).toThrow(/keywords/);
  });

  it("test_subquery_with_joinedload", async () => {
    const { User } = up;
    const { users, count } = await run(dbUp, up, joinedload(User.addresses), joinedload(User.orders), selectinload("*"));
    // 1 + items + keywords
    expect(count).toBe(3);
    assertFullyLoaded(users);
  });
});

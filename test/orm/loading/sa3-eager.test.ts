/**
 * joinedload SQL shapes, ported from SQLAlchemy's test/orm/test_eager_relations.py (EagerTest
 * inner join chaining, nested/unnested outer join propagation, eager joins inside subqueries)
 * in the 2.0 `select()` form. SQLAlchemy's imperative mappings list relationship properties
 * before table columns, which puts a nested eager entity's columns before its parent's; these
 * ports map declaratively (columns first, as SQLAlchemy's declarative mappings do), so the
 * eager columns follow path order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Column, DeclarativeBase, ForeignKey, insert, Integer, joinedload, mappedColumn, relationship, select, String, Table, type LazyStrategy,
} from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { mapperOf } from "../../../src/orm/mapper.js";
import { assertCompile } from "../../sql/compiler/helpers.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";
import { stdFixtures } from "../query/sa3-models.js";

/** ORM-compiled SQL, as the session would send it. */
function ormSql(stmt: Parameters<typeof planOrmSelect>[0]): string {
  return planOrmSelect(stmt).stmt.compile().sql.replace(/\n/g, "");
}

interface RelConf {
  readonly lazy?: LazyStrategy;
  readonly innerjoin?: boolean;
  readonly ordered?: boolean;
}

/** users → orders → items (many-to-many) and users → addresses, with per-test relationship settings. */
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function mapping(conf: { orders?: RelConf; items?: RelConf; addresses?: RelConf; addressesFirst?: boolean } = {}) {
  class Base extends DeclarativeBase {}
  const orderItems = Table("order_items", Base.metadata, {
    item_id: Column(Integer, { foreignKey: "items.id" }),
    order_id: Column(Integer, { foreignKey: "orders.id" }),
  });
  const relOpts = (c: RelConf | undefined, orderBy: () => never) => ({
    ...(c?.lazy ? { lazy: c.lazy } : {}), ...(c?.innerjoin !== undefined ? { innerjoin: c.innerjoin } : {}), ...(c?.ordered ? { orderBy } : {}),
  });
  class User extends Base.model("users", {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {
    static orders = relationship(() => Order, relOpts(conf.orders, () => Order.id as never));
    declare orders: Order[];
    static addresses = relationship(() => Address, relOpts(conf.addresses, () => Address.id as never));
    declare addresses: Address[];
  }
  class Address extends Base.model("addresses", {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey("users.id"), { nullable: true }),
    email_address: mappedColumn(String(50)),
  }) {}
  class Order extends Base.model("orders", {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey("users.id"), { nullable: true }),
    address_id: mappedColumn(ForeignKey("addresses.id"), { nullable: true }),
    description: mappedColumn(String(30), { nullable: true }),
    isopen: mappedColumn(Integer, { nullable: true }),
  }) {
    static items = relationship(() => Item, { secondary: orderItems, ...relOpts(conf.items, () => Item.id as never) });
    declare items: Item[];
    static user = relationship(() => User);
    declare user: User | null;
    static address = relationship(() => Address);
    declare address: Address | null;
  }
  class Item extends Base.model("items", {
    id: mappedColumn(Integer, { primaryKey: true }),
    description: mappedColumn(String(30)),
  }) {}
  for (const c of [User, Address, Order, Item]) mapperOf(c);
  return { User, Address, Order, Item };
}

const USER_ORDER_ITEM_COLS = "SELECT users.id, users.name, orders_1.id AS id_1, orders_1.user_id, orders_1.address_id, orders_1.description, " +
  "orders_1.isopen, items_1.id AS id_2, items_1.description AS description_1 ";

describe("EagerTest SQL (test_eager_relations.py)", () => {
  it("test_no_render_in_subquery", () => {
    const { User } = mapping({ addresses: { lazy: "joined", ordered: true } });
    const stmt = select(User);
    assertCompile(select(stmt.subquery()), "SELECT anon_1.id, anon_1.name FROM (SELECT users.id AS id, users.name AS name FROM users) AS anon_1");
    expect(ormSql(stmt)).toBe(
      "SELECT users.id, users.name, addresses_1.id AS id_1, addresses_1.user_id, addresses_1.email_address FROM users " +
        "LEFT OUTER JOIN addresses AS addresses_1 ON users.id = addresses_1.user_id ORDER BY addresses_1.id",
    );
  });

  it("test_inner_join", () => {
    const { User } = mapping({ addresses: { lazy: "joined", innerjoin: true, ordered: true } });
    expect(ormSql(select(User))).toBe(
      "SELECT users.id, users.name, addresses_1.id AS id_1, addresses_1.user_id, addresses_1.email_address FROM users " +
        "JOIN addresses AS addresses_1 ON users.id = addresses_1.user_id ORDER BY addresses_1.id",
    );
  });

  it("test_inner_join_nested_chaining_negative_options_one", () => {
    const { User } = mapping({ orders: { lazy: "joined", innerjoin: true, ordered: true }, items: { lazy: "joined", innerjoin: true, ordered: true } });
    expect(ormSql(select(User))).toBe(
      `${USER_ORDER_ITEM_COLS}FROM users JOIN orders AS orders_1 ON users.id = orders_1.user_id JOIN order_items AS order_items_1 ` +
        "ON orders_1.id = order_items_1.order_id JOIN items AS items_1 ON items_1.id = order_items_1.item_id ORDER BY orders_1.id, items_1.id",
    );
  });

  it("test_inner_join_nested_chaining_negative_options_two", () => {
    const { User } = mapping({ orders: { lazy: "joined", innerjoin: true, ordered: true }, items: { lazy: "joined", innerjoin: true, ordered: true } });
    expect(ormSql(select(User).options(joinedload(User.orders, { innerJoin: false })))).toBe(
      `${USER_ORDER_ITEM_COLS}FROM users LEFT OUTER JOIN (orders AS orders_1 JOIN order_items AS order_items_1 ON orders_1.id = order_items_1.order_id ` +
        "JOIN items AS items_1 ON items_1.id = order_items_1.item_id) ON users.id = orders_1.user_id ORDER BY orders_1.id, items_1.id",
    );
  });

  it("test_inner_join_nested_chaining_negative_options_three", () => {
    const { User, Order } = mapping({ orders: { lazy: "joined", innerjoin: true, ordered: true }, items: { lazy: "joined", innerjoin: true, ordered: true } });
    expect(ormSql(select(User).options(joinedload(User.orders).joinedload(Order.items, { innerJoin: false })))).toBe(
      `${USER_ORDER_ITEM_COLS}FROM users JOIN orders AS orders_1 ON users.id = orders_1.user_id LEFT OUTER JOIN (order_items AS order_items_1 ` +
        "JOIN items AS items_1 ON items_1.id = order_items_1.item_id) ON orders_1.id = order_items_1.order_id ORDER BY orders_1.id, items_1.id",
    );
  });

  it("test_inner_join_nested_chaining_positive_options", () => {
    const { User, Order } = mapping({ orders: { ordered: true }, items: { ordered: true } });
    expect(ormSql(select(User).options(joinedload(User.orders, { innerJoin: false }).joinedload(Order.items, { innerJoin: true })))).toBe(
      `${USER_ORDER_ITEM_COLS}FROM users LEFT OUTER JOIN (orders AS orders_1 JOIN order_items AS order_items_1 ON orders_1.id = order_items_1.order_id ` +
        "JOIN items AS items_1 ON items_1.id = order_items_1.item_id) ON users.id = orders_1.user_id ORDER BY orders_1.id, items_1.id",
    );
  });

  it("test_nested_outerjoin_propagation_only_on_correct_path", () => {
    const { User } = mapping();
    expect(ormSql(select(User).options(joinedload(User.orders), joinedload(User.addresses, { innerJoin: true })))).toBe(
      "SELECT users.id, users.name, orders_1.id AS id_1, orders_1.user_id, orders_1.address_id, orders_1.description, orders_1.isopen, " +
        "addresses_1.id AS id_2, addresses_1.user_id AS user_id_1, addresses_1.email_address FROM users " +
        "LEFT OUTER JOIN orders AS orders_1 ON users.id = orders_1.user_id JOIN addresses AS addresses_1 ON users.id = addresses_1.user_id",
    );
  });

  it("test_inner_join_nested_chaining_fixed", () => {
    // innerjoin="nested" is innerjoin=True: below an outer join it nests into it.
    const { User, Order } = mapping({ orders: { lazy: "joined" }, items: { lazy: "joined", innerjoin: true } });
    expect(ormSql(select(User))).toBe(
      `${USER_ORDER_ITEM_COLS}FROM users LEFT OUTER JOIN (orders AS orders_1 JOIN order_items AS order_items_1 ON orders_1.id = order_items_1.order_id ` +
        "JOIN items AS items_1 ON items_1.id = order_items_1.item_id) ON users.id = orders_1.user_id",
    );
    // From Order, the inner join is kept.
    expect(ormSql(select(Order))).toBe(
      "SELECT orders.id, orders.user_id, orders.address_id, orders.description, orders.isopen, items_1.id AS id_1, items_1.description AS description_1 " +
        "FROM orders JOIN order_items AS order_items_1 ON orders.id = order_items_1.order_id JOIN items AS items_1 ON items_1.id = order_items_1.item_id",
    );
  });
});

describe("test_manytoone_limit (test_eager_relations.py)", () => {
  // The parent SELECT is wrapped in a LIMIT subquery only when a collection is joined.
  const { User, Order } = mapping();
  const ORDER_COLS = "orders_1.id AS id_1, orders_1.user_id, orders_1.address_id, orders_1.description, orders_1.isopen";
  const ADDR_COLS = "addresses_1.id AS id_2, addresses_1.user_id AS user_id_1, addresses_1.email_address";

  it("test_manytoone_limit", () => {
    expect(ormSql(select(User).options(joinedload(User.orders)).limit(10))).toBe(
      `SELECT anon_1.id, anon_1.name, ${ORDER_COLS} FROM (SELECT users.id AS id, users.name AS name FROM users LIMIT :param_1) AS anon_1 ` +
        "LEFT OUTER JOIN orders AS orders_1 ON anon_1.id = orders_1.user_id",
    );
    expect(ormSql(select(Order).options(joinedload(Order.user)).limit(10))).toBe(
      "SELECT orders.id, orders.user_id, orders.address_id, orders.description, orders.isopen, users_1.id AS id_1, users_1.name " +
        "FROM orders LEFT OUTER JOIN users AS users_1 ON users_1.id = orders.user_id LIMIT :param_1",
    );
    expect(ormSql(select(Order).options(joinedload(Order.user, { innerJoin: true })).limit(10))).toBe(
      "SELECT orders.id, orders.user_id, orders.address_id, orders.description, orders.isopen, users_1.id AS id_1, users_1.name " +
        "FROM orders JOIN users AS users_1 ON users_1.id = orders.user_id LIMIT :param_1",
    );
    expect(ormSql(select(User).options(joinedload(User.orders).joinedload(Order.address)).limit(10))).toBe(
      `SELECT anon_1.id, anon_1.name, ${ORDER_COLS}, ${ADDR_COLS} FROM (SELECT users.id AS id, users.name AS name FROM users LIMIT :param_1) AS anon_1 ` +
        "LEFT OUTER JOIN orders AS orders_1 ON anon_1.id = orders_1.user_id LEFT OUTER JOIN addresses AS addresses_1 ON addresses_1.id = orders_1.address_id",
    );
    expect(ormSql(select(User).options(joinedload(User.orders).joinedload(Order.items), joinedload(User.orders).joinedload(Order.address)))).toBe(
      `SELECT users.id, users.name, ${ORDER_COLS}, items_1.id AS id_2, items_1.description AS description_1, ` +
        "addresses_1.id AS id_3, addresses_1.user_id AS user_id_1, addresses_1.email_address FROM users LEFT OUTER JOIN orders AS orders_1 ON users.id = orders_1.user_id " +
        "LEFT OUTER JOIN (order_items AS order_items_1 JOIN items AS items_1 ON items_1.id = order_items_1.item_id) ON orders_1.id = order_items_1.order_id " +
        "LEFT OUTER JOIN addresses AS addresses_1 ON addresses_1.id = orders_1.address_id",
    );
    expect(ormSql(select(User).options(joinedload(User.orders), joinedload(User.orders).joinedload(Order.address, { innerJoin: true })).limit(10))).toBe(
      `SELECT anon_1.id, anon_1.name, ${ORDER_COLS}, ${ADDR_COLS} FROM (SELECT users.id AS id, users.name AS name FROM users LIMIT :param_1) AS anon_1 ` +
        "LEFT OUTER JOIN (orders AS orders_1 JOIN addresses AS addresses_1 ON addresses_1.id = orders_1.address_id) ON anon_1.id = orders_1.user_id",
    );
    expect(ormSql(select(User).options(joinedload(User.orders, { innerJoin: true }), joinedload(User.orders).joinedload(Order.address, { innerJoin: true })).limit(10))).toBe(
      `SELECT anon_1.id, anon_1.name, ${ORDER_COLS}, ${ADDR_COLS} FROM (SELECT users.id AS id, users.name AS name FROM users LIMIT :param_1) AS anon_1 ` +
        "JOIN orders AS orders_1 ON anon_1.id = orders_1.user_id JOIN addresses AS addresses_1 ON addresses_1.id = orders_1.address_id",
    );
  });

  it("test_one_to_many_scalar_subq_wrapping", () => {
    // A scalar (uselist=False) one-to-many needs no wrapping for LIMIT.
    class Base extends DeclarativeBase {}
    class U2 extends Base.model("users", { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(30)) }) {
      static address = relationship(() => A2, { lazy: "joined", uselist: false });
      declare address: A2 | null;
    }
    class A2 extends Base.model("addresses", {
      id: mappedColumn(Integer, { primaryKey: true }),
      user_id: mappedColumn(ForeignKey("users.id"), { nullable: true }),
      email_address: mappedColumn(String(50)),
    }) {}
    mapperOf(A2);
    expect(ormSql(select(U2).where(U2.id.eq(7)).limit(1))).toBe(
      "SELECT users.id, users.name, addresses_1.id AS id_1, addresses_1.user_id, addresses_1.email_address FROM users " +
        "LEFT OUTER JOIN addresses AS addresses_1 ON users.id = addresses_1.user_id WHERE users.id = :id_2 LIMIT :param_1",
    );
  });
});

describe.each(dialectTargets())("joined eager loading results on $name (test_eager_relations.py)", (target) => {
  const p = uniqueName("sa3eag");
  const f = stdFixtures(`${p}_`);
  const { User, Address, Order, Item } = f;
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, f.Base);
    await db.engine.begin((conn) => f.insertData(conn));
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("test_basic", async () => {
    await using s = db.session();
    db.counting.reset();
    const users = (await s.scalars(select(User).options(joinedload(User.addresses)).orderBy(User.id))).unique().all();
    expect(users.map((u) => [u.id, u.addresses.map((a) => a.id)])).toEqual([[7, [1]], [8, [2, 3, 4]], [9, [5]], [10, []]]);
    expect(db.selects()).toHaveLength(1);
  });

  it("test_many_to_many", async () => {
    await using s = db.session();
    const items = (await s.scalars(select(Item).options(joinedload(Item.keywords)).orderBy(Item.id))).unique().all();
    expect(items.map((i) => i.keywords.map((k) => k.name).sort())).toEqual([
      ["big", "red", "round"], ["red", "small", "square"], ["big", "green", "round"], [], [],
    ]);
  });

  it("test_inner_join_nested_chaining_positive_options", async () => {
    await using s = db.session();
    const users = (await s.scalars(
      select(User).options(joinedload(User.orders, { innerJoin: false }).joinedload(Order.items, { innerJoin: true })).orderBy(User.id),
    )).unique().all();
    expect(users.map((u) => [u.id, u.orders.map((o) => [o.id, o.items.map((i) => i.id)])])).toEqual([
      [7, [[1, [1, 2, 3]], [3, [3, 4, 5]], [5, [5]]]], [8, []], [9, [[2, [1, 2, 3]], [4, [1, 5]]]], [10, []],
    ]);
  });

  it("test_limit", async () => {
    await using s = db.session();
    const users = (await s.scalars(
      select(User).options(joinedload(User.addresses), joinedload(User.orders).joinedload(Order.items)).orderBy(User.id).limit(2).offset(1),
    )).unique().all();
    expect(users.map((u) => [u.id, u.addresses.map((a) => a.id), u.orders.map((o) => o.items.length)])).toEqual([[8, [2, 3, 4], []], [9, [5], [3, 2]]]);
  });

  it("test_limit_3", async () => {
    // ORDER BY a joined entity's column with LIMIT/OFFSET: the wrapped parent SELECT keeps the ordering.
    await using s = db.session();
    const opts = [joinedload(User.addresses), joinedload(User.orders)] as const;
    const r1 = (await s.scalars(select(User).join(User.orders).options(...opts).orderBy(Order.user_id.desc()).limit(2).offset(1))).unique().all();
    expect(r1.map((u) => [u.id, u.orders.map((o) => o.id), u.addresses.map((a) => a.id)])).toEqual([[9, [2, 4], [5]], [7, [1, 3, 5], [1]]]);
    const r2 = (await s.scalars(select(User).join(User.addresses).options(...opts).orderBy(Address.email_address.desc()).limit(1).offset(0))).unique().all();
    expect(r2.map((u) => [u.id, u.orders.map((o) => o.id), u.addresses.map((a) => a.id)])).toEqual([[7, [1, 3, 5], [1]]]);
  });

  it("test_many_to_one", async () => {
    await using s = db.session();
    db.counting.reset();
    const a = (await s.scalars(select(Address).where(Address.id.eq(1)).options(joinedload(Address.user)))).one();
    expect(a.user?.name).toBe("jack");
    expect(await s.get(User, 7)).toBe(a.user);
    expect(db.selects()).toHaveLength(1);
  });

  it("test_one_to_many_scalar", async () => {
    await using s = db.session();
    const addrs = (await s.scalars(select(Address).where(Address.id.in([2, 3])).options(joinedload(Address.dingaling)).orderBy(Address.id))).all();
    expect(addrs.map((a) => a.dingaling?.data ?? null)).toEqual(["ding 1/2", null]);
  });
});

describe.each(dialectTargets())("OrderBySecondaryTest on $name (test_eager_relations.py, test_selectin_relations.py)", (target) => {
  const p = uniqueName("sa3obs");
  const t = (n: string): string => `${p}_${n}`;
  // eslint-disable-next-line @typescript-eslint/explicit-function-return-type
  const build = (lazy: "joined" | "selectin") => {
    class Base extends DeclarativeBase {}
    const m2m = Table(t(`m2m_${lazy}`), Base.metadata, {
      id: Column(Integer, { primaryKey: true }),
      aid: Column(Integer, { foreignKey: `${t(`a_${lazy}`)}.id` }),
      bid: Column(Integer, { foreignKey: `${t(`b_${lazy}`)}.id` }),
    });
    class A extends Base.model(t(`a_${lazy}`), { id: mappedColumn(Integer, { primaryKey: true }), data: mappedColumn(String(50)) }) {
      static bs = relationship(() => B, { secondary: m2m, lazy, orderBy: () => m2m.c.id as never });
      declare bs: B[];
    }
    class B extends Base.model(t(`b_${lazy}`), { id: mappedColumn(Integer, { primaryKey: true }), data: mappedColumn(String(50)) }) {}
    return { Base, A, B, m2m };
  };
  const models = [build("joined"), build("selectin")];
  const dbs: Db[] = [];
  beforeAll(async () => {
    for (const m of models) {
      const db = await openDb(target, m.Base);
      dbs.push(db);
      await db.engine.begin(async (conn) => {
        await conn.execute(insert(m.A.__table__), [{ id: 1, data: "a1" }, { id: 2, data: "a2" }]);
        await conn.execute(insert(m.B.__table__), [1, 2, 3, 4].map((id) => ({ id, data: `b${id}` })));
        await conn.execute(insert(m.m2m), [[2, 1, 1], [4, 2, 4], [1, 1, 3], [6, 2, 2], [3, 1, 2], [5, 2, 3]].map(([id, aid, bid]) => ({ id, aid, bid })));
      });
    }
  });
  afterAll(async () => {
    for (const db of dbs) await db.cleanup();
  });

  it("test_ordering", async () => {
    for (const [i, m] of models.entries()) {
      await using s = dbs[i].session();
      const as = (await s.scalars(select(m.A).orderBy(m.A.id))).unique().all();
      expect(as.map((a) => [a.data, a.bs.map((b) => b.data)])).toEqual([["a1", ["b3", "b1", "b2"]], ["a2", ["b4", "b3", "b2"]]]);
    }
    // The joined form orders by the association table's alias.
    expect(planOrmSelect(select(models[0].A)).stmt.compile().sql.split(`${p}_`).join("").replace(/\s*\n\s*/g, " ")).toMatch(/ORDER BY m2m_joined_1\.id$/);
  });
});

/**
 * Column deferral options and the SQL they render, ported from SQLAlchemy's
 * test/orm/test_deferred.py (DeferredOptionsTest, DeferredTest, InheritanceTest-free parts) in
 * the 2.0 `select()` form. Each test maps the standard fixture's tables afresh, as SQLAlchemy's
 * map_imperatively() per test does; legacy Query labels are kept via LABEL_STYLE_TABLENAME_PLUS_COL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aliased, Column, DeclarativeBase, defaultload, defer, ForeignKey, insert, Integer, InvalidRequestError, joinedload, LABEL_STYLE_TABLENAME_PLUS_COL,
  Load, loadOnly, mappedColumn, undeferGroup, relationship, select, selectinload, String, Table, undefer,
} from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { mapperOf } from "../../../src/orm/mapper.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

const L = LABEL_STYLE_TABLENAME_PLUS_COL;

/** ORM-compiled SQL, as the session would send it. */
function ormSql(stmt: Parameters<typeof planOrmSelect>[0]): string {
  return planOrmSelect(stmt).stmt.compile().sql.replace(/\n/g, "");
}

type OrderCol = "user_id" | "address_id" | "description" | "isopen";
type Deferrals = Partial<Record<OrderCol, boolean>>;

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function mapping(prefix = "", deferred: Deferrals = {}, itemDeferred = false, groups: Partial<Record<OrderCol, string>> = {}) {
  const opts = (c: OrderCol) => ({ nullable: true, ...(deferred[c] !== undefined ? { deferred: deferred[c] } : {}), ...(groups[c] ? { deferredGroup: groups[c] } : {}) });
  class Base extends DeclarativeBase {}
  const t = (n: string): string => `${prefix}${n}`;
  const orderItems = Table(t("order_items"), Base.metadata, {
    item_id: Column(Integer, { foreignKey: `${t("items")}.id` }),
    order_id: Column(Integer, { foreignKey: `${t("orders")}.id` }),
  });
  class User extends Base.model(t("users"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {
    static addresses = relationship(() => Address, { orderBy: () => Address.id });
    declare addresses: Address[];
    static orders = relationship(() => Order, { orderBy: () => Order.id });
    declare orders: Order[];
  }
  class Address extends Base.model(t("addresses"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${t("users")}.id`), { nullable: true }),
    email_address: mappedColumn(String(50)),
  }) {}
  class Order extends Base.model(t("orders"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${t("users")}.id`), opts("user_id")),
    address_id: mappedColumn(ForeignKey(`${t("addresses")}.id`), opts("address_id")),
    description: mappedColumn(String(30), opts("description")),
    isopen: mappedColumn(Integer, opts("isopen")),
  }) {
    static items = relationship(() => Item, { secondary: orderItems, orderBy: () => Item.id });
    declare items: Item[];
  }
  class Item extends Base.model(t("items"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    description: mappedColumn(String(30), { deferred: itemDeferred }),
  }) {}
  for (const c of [User, Address, Order, Item]) mapperOf(c);
  return { Base, User, Address, Order, Item, orderItems };
}

const ORDER_COLS = "orders.id AS orders_id, orders.user_id AS orders_user_id, orders.address_id AS orders_address_id, " +
  "orders.description AS orders_description, orders.isopen AS orders_isopen";

describe("DeferredOptionsTest (test_deferred.py)", () => {
  it("test_options", () => {
    const { Order } = mapping();
    const q = select(Order).orderBy(Order.id).options(defer(Order.user_id)).setLabelStyle(L);
    expect(ormSql(q)).toBe(
      "SELECT orders.id AS orders_id, orders.address_id AS orders_address_id, orders.description AS orders_description, " +
        "orders.isopen AS orders_isopen FROM orders ORDER BY orders.id",
    );
    // 2.0: conflicting options for one attribute raise instead of overwriting each other.
    const q2 = q.options(undefer(Order.user_id));
    expect(() => ormSql(q2)).toThrow(InvalidRequestError);
    expect(() => ormSql(q2)).toThrow("Loader strategy replacement undefer(Order.user_id) is in conflict with existing strategy defer(Order.user_id)");
    expect(ormSql(select(Order).orderBy(Order.id).options(undefer(Order.user_id)).setLabelStyle(L))).toBe(`SELECT ${ORDER_COLS} FROM orders ORDER BY orders.id`);
  });

  it("test_undefer_star", () => {
    const { Order } = mapping("", { user_id: true, description: true, isopen: true });
    expect(ormSql(select(Order).setLabelStyle(L))).toBe("SELECT orders.id AS orders_id, orders.address_id AS orders_address_id FROM orders");
    expect(ormSql(select(Order).options(new Load(Order).undefer("*")).setLabelStyle(L))).toBe(`SELECT ${ORDER_COLS} FROM orders`);
    expect(ormSql(select(Order).options(undefer("*")).setLabelStyle(L))).toBe(`SELECT ${ORDER_COLS} FROM orders`);
  });

  it("test_path_entity", () => {
    const { User, Order, Item } = mapping();
    expect(ormSql(select(User).options(joinedload(User.orders).joinedload(Order.items).defer(Item.description)))).toBe(
      "SELECT users.id, users.name, orders_1.id AS id_1, orders_1.user_id, orders_1.address_id, orders_1.description, orders_1.isopen, " +
        "items_1.id AS id_2 FROM users LEFT OUTER JOIN orders AS orders_1 ON users.id = orders_1.user_id LEFT OUTER JOIN " +
        "(order_items AS order_items_1 JOIN items AS items_1 ON items_1.id = order_items_1.item_id) ON orders_1.id = order_items_1.order_id ORDER BY orders_1.id, items_1.id",
    );
  });

  it("test_chained_multi_col_options", () => {
    const { User, Order } = mapping();
    expect(ormSql(select(User).options(joinedload(User.orders).defer(Order.description).defer(Order.isopen)))).toBe(
      "SELECT users.id, users.name, orders_1.id AS id_1, orders_1.user_id, orders_1.address_id FROM users " +
        "LEFT OUTER JOIN orders AS orders_1 ON users.id = orders_1.user_id ORDER BY orders_1.id",
    );
  });

  it("test_load_only_no_pk", () => {
    const { Order } = mapping();
    expect(ormSql(select(Order).options(loadOnly(Order.isopen, Order.description)).setLabelStyle(L))).toBe(
      "SELECT orders.id AS orders_id, orders.description AS orders_description, orders.isopen AS orders_isopen FROM orders",
    );
  });

  it("test_load_only_w_deferred", () => {
    const { Order } = mapping("", { description: true });
    expect(ormSql(select(Order).options(loadOnly(Order.isopen, Order.description), undefer(Order.user_id)).setLabelStyle(L))).toBe(
      "SELECT orders.id AS orders_id, orders.user_id AS orders_user_id, orders.description AS orders_description, orders.isopen AS orders_isopen FROM orders",
    );
  });

  it("test_load_only_parent_specific", () => {
    const { User, Order, Address } = mapping();
    expect(ormSql(select(User, Order, Address).options(
      new Load(User).loadOnly(User.name), new Load(Order).loadOnly(Order.id), new Load(Address).loadOnly(Address.id, Address.email_address),
    ).setLabelStyle(L))).toBe(
      "SELECT users.id AS users_id, users.name AS users_name, orders.id AS orders_id, addresses.id AS addresses_id, " +
        "addresses.email_address AS addresses_email_address FROM users, orders, addresses",
    );
  });

  it("test_load_only_parent_specific (aliased entities)", () => {
    // Load(alias) reaches only that alias; Load(User) only the plain class.
    const { User } = mapping();
    const ua = aliased(User);
    expect(ormSql(select(User, ua).options(new Load(ua).loadOnly(ua.id)))).toBe("SELECT users.id, users.name, users_1.id AS id_1 FROM users, users AS users_1");
    expect(ormSql(select(User, ua).options(new Load(User).loadOnly(User.id)))).toBe("SELECT users.id, users_1.id AS id_1, users_1.name FROM users, users AS users_1");
  });

  it("test_load_only_path_specific", () => {
    const { User, Order, Address } = mapping();
    expect(ormSql(select(User).options(
      loadOnly(User.name), joinedload(User.addresses).loadOnly(Address.id, Address.email_address), joinedload(User.orders).loadOnly(Order.id),
    ))).toBe(
      "SELECT users.id, users.name, addresses_1.id AS id_1, addresses_1.email_address, orders_1.id AS id_2 FROM users " +
        "LEFT OUTER JOIN addresses AS addresses_1 ON users.id = addresses_1.user_id LEFT OUTER JOIN orders AS orders_1 ON users.id = orders_1.user_id " +
        "ORDER BY addresses_1.id, orders_1.id",
    );
  });

  it("test_defer_option_primary_key", () => {
    const { Order } = mapping();
    expect(ormSql(select(Order).options(defer(Order.id)).setLabelStyle(L))).toBe(`SELECT ${ORDER_COLS} FROM orders`);
    expect(ormSql(select(Order).options(defer("*")).setLabelStyle(L))).toBe("SELECT orders.id AS orders_id FROM orders");
  });
});

describe("deferred groups (test_deferred.py)", () => {
  it("test_group_defer_newstyle", () => {
    for (const deferredParameter of [undefined, true, false]) {
      const d = deferredParameter === undefined ? {} : { isopen: deferredParameter, description: deferredParameter };
      const { Order } = mapping("", d, false, { isopen: "g1", description: "g1" });
      const all = "SELECT orders.id, orders.user_id, orders.address_id, orders.description, orders.isopen FROM orders";
      if (deferredParameter !== false) {
        expect(ormSql(select(Order))).toBe("SELECT orders.id, orders.user_id, orders.address_id FROM orders");
        expect(ormSql(select(Order).options(undeferGroup("g1")))).toBe(all);
      } else {
        expect(ormSql(select(Order))).toBe(all);
        expect(ormSql(select(Order).options(undeferGroup("g1")))).toBe(all);
      }
    }
  });

  it("test_undefer_group", () => {
    const { Order } = mapping("", {}, false, { user_id: "primary", description: "primary", isopen: "primary" });
    expect(ormSql(select(Order).orderBy(Order.id).setLabelStyle(L))).toBe("SELECT orders.id AS orders_id, orders.address_id AS orders_address_id FROM orders ORDER BY orders.id");
    expect(ormSql(select(Order).orderBy(Order.id).options(undeferGroup("primary")).setLabelStyle(L))).toBe(`SELECT ${ORDER_COLS} FROM orders ORDER BY orders.id`);
  });

  it("test_undefer_group_multi", () => {
    const { Order } = mapping("", {}, false, { user_id: "primary", description: "primary", isopen: "secondary" });
    expect(ormSql(select(Order).orderBy(Order.id).options(undeferGroup("primary")).setLabelStyle(L))).toBe(
      "SELECT orders.id AS orders_id, orders.user_id AS orders_user_id, orders.address_id AS orders_address_id, orders.description AS orders_description FROM orders ORDER BY orders.id",
    );
    expect(ormSql(select(Order).orderBy(Order.id).options(undeferGroup("primary"), undeferGroup("secondary")).setLabelStyle(L))).toBe(
      `SELECT ${ORDER_COLS} FROM orders ORDER BY orders.id`,
    );
  });

  it("test_undefer_group_multi_pathed", () => {
    const { Order } = mapping("", {}, false, { user_id: "primary", description: "primary", isopen: "secondary" });
    expect(ormSql(select(Order).orderBy(Order.id).options(new Load(Order).undeferGroup("primary").undeferGroup("secondary")).setLabelStyle(L))).toBe(
      `SELECT ${ORDER_COLS} FROM orders ORDER BY orders.id`,
    );
  });

  it("test_undefer_group_from_relationship_joinedload", () => {
    const { User, Order } = mapping("", {}, false, { user_id: "primary", description: "primary", isopen: "primary" });
    expect(ormSql(select(User).where(User.id.eq(7)).options(joinedload(User.orders).undeferGroup("primary")))).toBe(
      "SELECT users.id, users.name, orders_1.id AS id_1, orders_1.user_id, orders_1.address_id, orders_1.description, orders_1.isopen " +
        "FROM users LEFT OUTER JOIN orders AS orders_1 ON users.id = orders_1.user_id WHERE users.id = :id_2 ORDER BY orders_1.id",
    );
    // Only the path's entity: the group stays deferred for Order at the root.
    expect(ormSql(select(Order).options(joinedload(Order.items)))).not.toContain("orders.isopen");
  });

  it("test_defer_star_from_loader", () => {
    const { User, Order } = mapping();
    expect(ormSql(select(User).options(joinedload(User.orders).defer("*")).where(User.id.eq(9)))).toBe(
      "SELECT users.id, users.name, orders_1.id AS id_1 FROM users LEFT OUTER JOIN orders AS orders_1 ON users.id = orders_1.user_id " +
        "WHERE users.id = :id_2 ORDER BY orders_1.id",
    );
    expect(ormSql(select(Order).options(undefer("*")))).toBe("SELECT orders.id, orders.user_id, orders.address_id, orders.description, orders.isopen FROM orders");
  });
});

describe.each(dialectTargets())("deferred loading on $name (test_deferred.py)", (target) => {
  const p = uniqueName("sa3def");
  const m = mapping(`${p}_`, {}, true);
  let db: Db;
  const sqlText = (s: string): string => s.split(`${p}_`).join("").replace(/\s*\n\s*/g, " ");
  beforeAll(async () => {
    db = await openDb(target, m.Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(m.User.__table__), [{ id: 7, name: "jack" }, { id: 8, name: "ed" }, { id: 9, name: "fred" }]);
      await conn.execute(insert(m.Address.__table__), [
        { id: 1, user_id: 7, email_address: "jack@bean.com" }, { id: 2, user_id: 8, email_address: "ed@wood.com" },
      ]);
      await conn.execute(insert(m.Order.__table__), [
        { id: 1, user_id: 7, description: "order 1", isopen: 0, address_id: 1 },
        { id: 2, user_id: 9, description: "order 2", isopen: 0, address_id: null },
        { id: 3, user_id: 7, description: "order 3", isopen: 1, address_id: 1 },
        { id: 4, user_id: 9, description: "order 4", isopen: 1, address_id: null },
      ]);
      await conn.execute(insert(m.Item.__table__), [1, 2, 3, 4].map((id) => ({ id, description: `item ${id}` })));
      await conn.execute(insert(m.orderItems), [[1, 1], [2, 1], [3, 3], [4, 3]].map(([item_id, order_id]) => ({ item_id, order_id })));
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("test_deep_options", async () => {
    const { User, Order, Item } = m;
    await using s = db.session();
    const users = (await s.scalars(select(User).orderBy(User.id).options(
      selectinload(User.orders).selectinload(Order.items), defaultload(User.orders).defaultload(Order.items).undefer(Item.description),
    ))).all();
    const item = users[0].orders[1].items[1];
    expect(item.description).toBe("item 4");
  });

  it("test_load_only_no_pk_rt", async () => {
    const { Order } = m;
    await using s = db.session();
    db.counting.reset();
    const o = (await s.scalars(select(Order).orderBy(Order.id).options(loadOnly(Order.isopen, Order.description)))).first()!;
    expect([o.id, o.isopen, o.description]).toEqual([1, 0, "order 1"]);
    expect(sqlText(db.selects()[0])).toMatch(/^SELECT orders\.id, orders\.description, orders\.isopen FROM orders ORDER BY orders\.id/);
  });

  it("test_load_only_propagate_unbound", async () => {
    const { User, Address } = m;
    await using s = db.session();
    db.counting.reset();
    const users = (await s.scalars(select(User).where(User.id.in([7, 8])).orderBy(User.id).options(
      selectinload(User.addresses).loadOnly(Address.id, Address.email_address),
    ))).all();
    expect(users.map((u) => u.addresses.map((a) => a.email_address))).toEqual([["jack@bean.com"], ["ed@wood.com"]]);
    expect(sqlText(db.selects()[1])).toMatch(/^SELECT addresses\.user_id, addresses\.id, addresses\.email_address FROM addresses WHERE addresses\.user_id IN /);
  });
});

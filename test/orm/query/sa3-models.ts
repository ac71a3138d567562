/**
 * SQLAlchemy's standard ORM fixture (test/orm/_fixtures.py `_setup_stock_mapping`): users,
 * addresses, dingalings, orders, items, keywords, the order_items / item_keywords association
 * tables and self-referential nodes, with the same table and column names, so SQL text can be
 * compared with SQLAlchemy's verbatim. `prefix` (empty for compile-only suites) is put before
 * every table name so live suites can run in parallel; {@link stdFixtures}'s `sqlText()` strips
 * it again from emitted SQL.
 */
import {
  Column, DeclarativeBase, ForeignKey, Integer, insert, mappedColumn, relationship, String, Table, type AsyncConnection,
} from "athanor";
import "athanor/adapters/libsql";
// In scope so the inferred return type of stdFixtures() can be emitted (declaration: true).
import { DISPATCH } from "../../../src/engine/events.js";
import { STATE } from "../../../src/orm/state.js";
void DISPATCH;
void STATE;

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
export function stdFixtures(prefix = "") {
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

  class User extends Base.model(t("users"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {
    static addresses = relationship(() => Address, { backPopulates: "user", orderBy: () => Address.id });
    declare addresses: Address[];
    static orders = relationship(() => Order, { backPopulates: "user", orderBy: () => Order.id });
    declare orders: Order[];
  }

  class Address extends Base.model(t("addresses"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${t("users")}.id`), { nullable: true }),
    email_address: mappedColumn(String(50)),
  }) {
    static user = relationship(() => User, { backPopulates: "addresses" });
    declare user: User | null;
    static dingaling = relationship(() => Dingaling, { uselist: false, backPopulates: "address" });
    declare dingaling: Dingaling | null;
  }

  class Dingaling extends Base.model(t("dingalings"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    address_id: mappedColumn(ForeignKey(`${t("addresses")}.id`), { nullable: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {
    static address = relationship(() => Address, { backPopulates: "dingaling" });
    declare address: Address | null;
  }

  class Order extends Base.model(t("orders"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${t("users")}.id`), { nullable: true }),
    address_id: mappedColumn(ForeignKey(`${t("addresses")}.id`), { nullable: true }),
    description: mappedColumn(String(30), { nullable: true }),
    isopen: mappedColumn(Integer, { nullable: true }),
  }) {
    static user = relationship(() => User, { backPopulates: "orders" });
    declare user: User | null;
    static items = relationship(() => Item, { secondary: orderItems, orderBy: () => Item.id });
    declare items: Item[];
    static address = relationship(() => Address);
    declare address: Address | null;
  }

  class Item extends Base.model(t("items"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    description: mappedColumn(String(30)),
  }) {
    static keywords = relationship(() => Keyword, { secondary: itemKeywords });
    declare keywords: Keyword[];
  }

  class Keyword extends Base.model(t("keywords"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {}

  class Node extends Base.model(t("nodes"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    parent_id: mappedColumn(ForeignKey(`${t("nodes")}.id`), { nullable: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {
    static children = relationship(() => Node, { backPopulates: "parent" });
    declare children: Node[];
    static parent = relationship(() => Node, { remoteSide: () => Node.id, backPopulates: "children" });
    declare parent: Node | null;
  }

  /** SQLAlchemy's fixture rows (`FixtureTest.fixtures()`). */
  async function insertData(conn: AsyncConnection): Promise<void> {
    await conn.execute(insert(User.__table__), [{ id: 7, name: "jack" }, { id: 8, name: "ed" }, { id: 9, name: "fred" }, { id: 10, name: "chuck" }]);
    await conn.execute(insert(Address.__table__), [
      { id: 1, user_id: 7, email_address: "jack@bean.com" },
      { id: 2, user_id: 8, email_address: "ed@wood.com" },
      { id: 3, user_id: 8, email_address: "ed@bettyboop.com" },
      { id: 4, user_id: 8, email_address: "ed@lala.com" },
      { id: 5, user_id: 9, email_address: "fred@fred.com" },
    ]);
    await conn.execute(insert(Dingaling.__table__), [{ id: 1, address_id: 2, data: "ding 1/2" }, { id: 2, address_id: 5, data: "ding 2/5" }]);
    await conn.execute(insert(Order.__table__), [
      { id: 1, user_id: 7, description: "order 1", isopen: 0, address_id: 1 },
      { id: 2, user_id: 9, description: "order 2", isopen: 0, address_id: 4 },
      { id: 3, user_id: 7, description: "order 3", isopen: 1, address_id: 1 },
      { id: 4, user_id: 9, description: "order 4", isopen: 1, address_id: 4 },
      { id: 5, user_id: 7, description: "order 5", isopen: 0, address_id: null },
    ]);
    await conn.execute(insert(Item.__table__), [1, 2, 3, 4, 5].map((id) => ({ id, description: `item ${id}` })));
    await conn.execute(insert(orderItems), [
      [1, 1], [2, 1], [3, 1], [1, 2], [2, 2], [3, 2], [3, 3], [4, 3], [5, 3], [1, 4], [5, 4], [5, 5],
    ].map(([item_id, order_id]) => ({ item_id, order_id })));
    await conn.execute(insert(Keyword.__table__), ["blue", "red", "green", "big", "small", "round", "square"].map((name, i) => ({ id: i + 1, name })));
    await conn.execute(insert(itemKeywords), [
      [2, 1], [2, 2], [4, 1], [6, 1], [5, 2], [3, 3], [4, 3], [7, 2], [6, 3],
    ].map(([keyword_id, item_id]) => ({ keyword_id, item_id })));
  }

  /** Emitted SQL with the table prefix removed and newlines folded, comparable with SQLAlchemy's text. */
  const sqlText = (sql: string): string => (prefix ? sql.split(prefix).join("") : sql).replace(/\s*\n\s*/g, " ");

  return { Base, User, Address, Dingaling, Order, Item, Keyword, Node, orderItems, itemKeywords, insertData, sqlText };
}

export type StdFixtures = ReturnType<typeof stdFixtures>;

/**
 * Eager-loading SQL shaped as SQLAlchemy 2.0 sends it, run on real PostgreSQL and libSQL:
 * selectinload's IN query with the key columns first (SelectInLoader: `[*pk_cols, entity]`),
 * FROM the association table for a many-to-many and through an alias of the parent for a
 * self-referential many-to-many (test/orm/test_selectin_relations.py); joinedload of a
 * many-to-many nested under one LEFT OUTER JOIN, also inside LIMIT's subquery wrapping
 * (test_eager_relations.py); and loader options built right after the classes are declared,
 * before any statement used them (declarative maps a class when it is defined).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Column, DeclarativeBase, ForeignKey, insert, Integer, joinedload, mappedColumn, relationship, select, selectinload, String, Table,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openQueryDb, type QueryDb } from "./models.js";

const p = uniqueName("sashape");
const t = (name: string): string => `${p}_${name}`;

class Base extends DeclarativeBase {}
const orderItems = Table(t("order_items"), Base.metadata, {
  item_id: Column(Integer, { foreignKey: `${t("items")}.id` }),
  order_id: Column(Integer, { foreignKey: `${t("orders")}.id` }),
});
const follows = Table(t("follows"), Base.metadata, {
  follower_id: Column(Integer, { foreignKey: `${t("people")}.id` }),
  followed_id: Column(Integer, { foreignKey: `${t("people")}.id` }),
});
class User extends Base.model(t("users"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
}) {
  static orders = relationship(() => Order, { orderBy: () => Order.id });
  declare orders: Order[];
}
class Order extends Base.model(t("orders"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(ForeignKey(`${t("users")}.id`), { name: "user_id" }),
  description: mappedColumn(String(30)),
}) {
  static items = relationship(() => Item, { secondary: orderItems, orderBy: () => Item.id });
  declare items: Item[];
}
class Item extends Base.model(t("items"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  description: mappedColumn(String(30)),
}) {}
class Person extends Base.model(t("people"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
}) {
  static following = relationship(() => Person, {
    secondary: follows,
    primaryjoin: () => Person.id.eq(follows.c.follower_id),
    secondaryjoin: () => Person.id.eq(follows.c.followed_id),
    orderBy: () => Person.id,
  });
  declare following: Person[];
}

// Built before any statement used User or Order: no "relationship() is not attached" error.
const earlyJoined = joinedload(User.orders);
const earlyChain = selectinload(User.orders).selectinload(Order.items);

const fold = (s: string): string => s.replace(/\s*\n\s*/g, " ");

describe.each(dialectTargets())("ORM eager-load SQL shapes on $name", (target) => {
  let db: QueryDb;
  const ph = (n: number): string => (target.dialect === "postgresql" ? `$${n}` : "?");
  const phs = (from: number, count: number): string => Array.from({ length: count }, (_x, i) => ph(from + i)).join(", ");
  const selects = (): string[] => db.selects().map(fold);
  const [U, O, I, OI, PE, F] = [t("users"), t("orders"), t("items"), t("order_items"), t("people"), t("follows")];

  beforeAll(async () => {
    db = await openQueryDb(target, Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [{ id: 1, name: "sandy" }, { id: 2, name: "patrick" }]);
      await conn.execute(insert(Order.__table__), [
        { id: 1, userId: 1, description: "o1" },
        { id: 2, userId: 2, description: "o2" },
        { id: 3, userId: 1, description: "o3" },
      ]);
      await conn.execute(insert(Item.__table__), [{ id: 1, description: "i1" }, { id: 2, description: "i2" }, { id: 3, description: "i3" }]);
      await conn.execute(insert(orderItems), [{ order_id: 1, item_id: 1 }, { order_id: 1, item_id: 2 }, { order_id: 3, item_id: 3 }]);
      await conn.execute(insert(Person.__table__), [{ id: 1, name: "a" }, { id: 2, name: "b" }, { id: 3, name: "c" }]);
      await conn.execute(insert(follows), [{ follower_id: 1, followed_id: 2 }, { follower_id: 1, followed_id: 3 }, { follower_id: 2, followed_id: 3 }]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("loader options built before the classes were used load as usual", async () => {
    await using s = db.session();
    db.counting.reset();
    const users = (await s.scalars(select(User).orderBy(User.id).options(earlyJoined))).unique().all();
    expect(users.map((u) => [u.name, u.orders.map((o) => o.description)])).toEqual([["sandy", ["o1", "o3"]], ["patrick", ["o2"]]]);
    expect(selects()).toHaveLength(1);
    await using s2 = db.session();
    const again = (await s2.scalars(select(User).orderBy(User.id).options(earlyChain))).all();
    expect(again.map((u) => u.orders.map((o) => o.items.map((i) => i.description)))).toEqual([[["i1", "i2"], ["i3"]], [[]]]);
  });

  it("selectinload one-to-many and many-to-many: key columns first; FROM the association table", async () => {
    await using s = db.session();
    db.counting.reset();
    const users = (await s.scalars(select(User).orderBy(User.id).options(selectinload(User.orders).selectinload(Order.items)))).all();
    expect(selects().slice(1)).toEqual([
      `SELECT ${O}.user_id, ${O}.id, ${O}.description FROM ${O} WHERE ${O}.user_id IN (${phs(1, 2)}) ORDER BY ${O}.id`,
      `SELECT ${OI}.order_id, ${I}.id, ${I}.description FROM ${OI} JOIN ${I} ON ${I}.id = ${OI}.item_id WHERE ${OI}.order_id IN (${phs(1, 3)}) ORDER BY ${I}.id`,
    ]);
    expect(users.map((u) => u.orders.map((o) => [o.description, o.items.map((i) => i.description)]))).toEqual([
      [["o1", ["i1", "i2"]], ["o3", ["i3"]]],
      [["o2", []]],
    ]);
  });

  it("selectinload of a self-referential many-to-many goes through an alias of the parent", async () => {
    await using s = db.session();
    db.counting.reset();
    const people = (await s.scalars(select(Person).orderBy(Person.id).options(selectinload(Person.following)))).all();
    expect(selects()[1]).toBe(
      `SELECT ${PE}_1.id, ${PE}.id AS id_1, ${PE}.name FROM ${PE} AS ${PE}_1 JOIN ${F} AS ${F}_1 ON ${PE}_1.id = ${F}_1.follower_id ` +
        `JOIN ${PE} ON ${PE}.id = ${F}_1.followed_id WHERE ${PE}_1.id IN (${phs(1, 3)}) ORDER BY ${PE}.id`,
    );
    expect(people.map((x) => [x.name, x.following.map((f) => f.name)])).toEqual([["a", ["b", "c"]], ["b", ["c"]], ["c", []]]);
  });

  it("joinedload of a many-to-many nests the association join, also around a LIMIT subquery", async () => {
    await using s = db.session();
    db.counting.reset();
    const orders = (await s.scalars(select(Order).orderBy(Order.id).options(joinedload(Order.items)))).unique().all();
    expect(selects()[0]).toBe(
      `SELECT ${O}.id, ${O}.user_id, ${O}.description, ${I}_1.id AS id_1, ${I}_1.description AS description_1 FROM ${O} ` +
        `LEFT OUTER JOIN (${OI} AS ${OI}_1 JOIN ${I} AS ${I}_1 ON ${I}_1.id = ${OI}_1.item_id) ON ${O}.id = ${OI}_1.order_id ORDER BY ${O}.id, ${I}_1.id`,
    );
    expect(orders.map((o) => [o.description, o.items.map((i) => i.description)])).toEqual([["o1", ["i1", "i2"]], ["o2", []], ["o3", ["i3"]]]);
    await using s2 = db.session();
    db.counting.reset();
    const firstTwo = (await s2.scalars(select(Order).orderBy(Order.id).limit(2).options(joinedload(Order.items)))).unique().all();
    expect(selects()[0]).toContain(`LEFT OUTER JOIN (${OI} AS ${OI}_1 JOIN ${I} AS ${I}_1 ON ${I}_1.id = ${OI}_1.item_id) ON anon_1.id = ${OI}_1.order_id`);
    expect(firstTwo.map((o) => [o.description, o.items.map((i) => i.description)])).toEqual([["o1", ["i1", "i2"]], ["o2", []]]);
  });
});

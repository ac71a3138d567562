/**
 * Loader option paths and the ORM plan, ported from SQLAlchemy's test/orm/test_options.py
 * (errors for options that do not link or do not apply to the statement's entities, strategies
 * applied to the wrong kind of attribute) and test/orm/test_core_compilation.py (column
 * properties adapted to an aliased entity, entities loaded from `aliased(User, subquery)`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aliased, ArgumentError, defer, DeclarativeBase, ForeignKey, func, insert, Integer, InvalidRequestError, joinedload, loadOnly,
  mappedColumn, relationship, select, selectinload, String, containsEager, undefer, defaultload, withExpression,
} from "athanor";
import { columnProperty, queryExpression } from "../../../src/orm/mapped-column.js";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { mapperOf } from "../../../src/orm/mapper.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

const p = uniqueName("saopt");
const t = (n: string): string => `${p}_${n}`;
class Base extends DeclarativeBase {}
class User extends Base.model(t("users"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
}) {
  static addresses = relationship(() => Address, { orderBy: () => Address.id });
  declare addresses: Address[];
  static orders = relationship(() => Order, { orderBy: () => Order.id });
  declare orders: Order[];
  static concat = columnProperty(() => User.id.mul(2));
  declare readonly concat: number;
  static addressCount = columnProperty(() =>
    select(func.count(Address.id)).where(User.id.eq(Address.userId)).correlate(User.__table__).scalarSubquery(),
  );
  declare readonly addressCount: number;
  static value = queryExpression<string>();
  declare readonly value: string | null;
}
class Address extends Base.model(t("addresses"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(ForeignKey(`${t("users")}.id`), { name: "user_id" }),
  email: mappedColumn(String(50), { name: "email_address" }),
}) {}
class Order extends Base.model(t("orders"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(ForeignKey(`${t("users")}.id`), { name: "user_id" }),
  description: mappedColumn(String(30)),
}) {
  static items = relationship(() => Item, { orderBy: () => Item.id });
  declare items: Item[];
}
class Item extends Base.model(t("items"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  orderId: mappedColumn(ForeignKey(`${t("orders")}.id`), { name: "order_id" }),
  description: mappedColumn(String(30)),
}) {}

// Options name relationships through their classes: make sure every class is mapped first, as
// a statement over them would (a class no relationship points at is adopted on first use).
for (const cls of [User, Address, Order, Item]) mapperOf(cls);

const U = t("users");
const A = t("addresses");
const plan = (stmt: Parameters<typeof planOrmSelect>[0]): string => planOrmSelect(stmt).stmt.compile().sql.replace(/\n/g, "");

describe("option paths that do not link (test_options.py)", () => {
  it("a relationship chained from a relationship whose target does not have it", () => {
    expect(() => joinedload(User.addresses).joinedload(User.orders)).toThrow(ArgumentError);
    expect(() => joinedload(User.addresses).joinedload(User.orders)).not.toThrow(InvalidRequestError);
    expect(() => joinedload(User.addresses).joinedload(User.orders)).toThrow(
      'ORM mapped entity or attribute "User.orders" does not link from relationship "User.addresses".',
    );
    expect(() => selectinload(User.orders).selectinload(User.addresses)).toThrow(/"User\.addresses" does not link from relationship "User\.orders"/);
    expect(() => defaultload(User.addresses).selectinload(Order.items)).toThrow(/"Order\.items" does not link from relationship "User\.addresses"/);
  });

  it("a column option chained from a relationship whose target does not have the column", () => {
    expect(() => selectinload(User.orders).loadOnly(Address.email)).toThrow(
      'ORM mapped entity or attribute "Address.email" does not link from relationship "User.orders".',
    );
    expect(() => selectinload(User.orders).defer(User.name)).toThrow(/"User\.name" does not link from relationship "User\.orders"/);
  });

  it("Load.options() checks the options it nests", () => {
    expect(() => selectinload(User.orders).options(selectinload(User.addresses))).toThrow(/"User\.addresses" does not link from relationship "User\.orders"/);
    expect(() => selectinload(User.orders).options(defer(Address.email))).toThrow(/"Address\.email" does not link from relationship "User\.orders"/);
    expect(() => selectinload(User.orders).options(selectinload(Order.items), defer(Order.description))).not.toThrow();
  });

  it("paths that link are accepted", () => {
    expect(() => selectinload(User.orders).selectinload(Order.items).loadOnly(Item.description)).not.toThrow();
    expect(() => joinedload(User.orders).defer(Order.description)).not.toThrow();
  });
});

describe("options that do not apply to the statement's entities", () => {
  it("a relationship option rooted at another class (test_option_against_nonexistent_PropComparator)", () => {
    expect(() => planOrmSelect(select(Address).options(joinedload(User.orders)))).toThrow(ArgumentError);
    expect(() => planOrmSelect(select(Address).options(joinedload(User.orders)))).toThrow(
      `Mapped class User referenced in option joinedload(User.orders) does not apply to any of the root entities in this query, e.g. Address. ` +
        "Please specify the full path from one of the root entities to the target attribute. ",
    );
    expect(() => planOrmSelect(select(Order).options(containsEager(User.addresses)))).toThrow(
      /^Mapped class User referenced in option containsEager\(User\.addresses\) does not apply to any of the root entities in this query/,
    );
  });

  it("a column option rooted at another class", () => {
    expect(() => planOrmSelect(select(User).options(defer(Order.description)))).toThrow(
      /^Mapped class Order referenced in option defer\(Order\.description\) does not apply to any of the root entities in this query, e\.g\. User\./,
    );
  });

  it("names every entity of the statement, aliases as aliased(Class)", () => {
    const ua = aliased(User);
    expect(() => planOrmSelect(select(Address, ua).options(selectinload(Order.items)))).toThrow(/e\.g\. Address, aliased\(User\)\. Please specify/);
  });

  it("a statement of columns only (test_option_with_column_PropComparator)", () => {
    expect(() => planOrmSelect(select(User.id, User.name).options(joinedload(User.orders)))).toThrow(
      "Query has only expression-based entities; attribute loader option joinedload(User.orders) can't be applied here.",
    );
  });

  it("options rooted at a selected entity are planned", () => {
    expect(plan(select(User).options(selectinload(User.orders), undefer(User.name)))).toMatch(/^SELECT /);
  });
});

describe("strategies applied to the wrong kind of attribute", () => {
  it("a relationship loader on a column (test_option_against_wrong_multi_entity_type_attr_one)", () => {
    expect(() => joinedload(User.id as never)).toThrow(InvalidRequestError);
    expect(() => joinedload(User.id as never)).toThrow(
      'Can\'t apply "joined loader" strategy to property "User.id", which is a "column property"; this loader strategy is intended to be used with a "relationship property".',
    );
    expect(() => selectinload(User.concat as never)).toThrow(/"select in loader" strategy to property "User\.concat", which is a "mapped sql expression"/);
  });

  it("a column loader on a relationship (test_col_option_against_relationship_attr)", () => {
    expect(() => loadOnly(User.addresses as never)).toThrow(
      'Can\'t apply "column loader" strategy to property "User.addresses", which is a "relationship"; this loader strategy is intended to be used with a "column property".',
    );
  });

  it("something that is not a mapped attribute at all", () => {
    for (const rando of [15, {}, "addresses", Object]) {
      expect(() => joinedload(rando as never)).toThrow(/^expected ORM mapped attribute for loader strategy argument/);
    }
  });
});

describe("column properties of an aliased entity (ExtraColsTest)", () => {
  it("a correlated scalar subquery property is re-targeted to the alias", () => {
    const sql = plan(select(aliased(User)));
    expect(sql).toContain(`${U}_1.id * :id_1`);
    expect(sql).toContain(`(SELECT count(${A}.id) AS count_1 FROM ${A} WHERE ${U}_1.id = ${A}.user_id)`);
    expect(sql).toMatch(new RegExp(`FROM ${U} AS ${U}_1$`));
  });

  it("the plain entity keeps its own table", () => {
    expect(plan(select(User))).toContain(`(SELECT count(${A}.id) AS count_1 FROM ${A} WHERE ${U}.id = ${A}.user_id)`);
  });
});

describe.each(dialectTargets())("entities loaded from aliased(User, subquery) on $name", (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [{ id: 7, name: "jack" }, { id: 8, name: "ed" }, { id: 9, name: "fred" }]);
      await conn.execute(insert(Address.__table__), [
        { id: 1, userId: 7, email: "jack@bean.com" },
        { id: 2, userId: 8, email: "ed@wood.com" },
        { id: 3, userId: 8, email: "ed@bettyboop.com" },
      ]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("rows become identity-mapped User objects, with their column properties", async () => {
    await using s = db.session();
    const sq = select(User).where(User.id.ge(8)).subquery();
    const u = aliased(User, sq);
    const users = (await s.scalars(select(u).orderBy(u.id))).all();
    expect(users.map((x) => [x.id, x.name])).toEqual([[8, "ed"], [9, "fred"]]);
    expect(users.every((x) => x instanceof User)).toBe(true);
    expect(await s.get(User, 8)).toBe(users[0]);
  });

  it("a subquery of attributes maps onto the entity too", async () => {
    await using s = db.session();
    const u = aliased(User, select(User.id, User.name).where(User.name.ne("ed")).subquery("named"));
    const users = (await s.scalars(select(u).orderBy(u.id))).all();
    expect(users.map((x) => x.name)).toEqual(["jack", "fred"]);
  });

  it("selectinload and joinedload from the aliased subquery entity", async () => {
    await using s = db.session();
    const u = aliased(User, select(User).where(User.id.le(8)).subquery());
    const viaSelectin = (await s.scalars(select(u).orderBy(u.id).options(selectinload(u.addresses)))).all();
    expect(viaSelectin.map((x) => x.addresses.map((a) => a.email))).toEqual([["jack@bean.com"], ["ed@wood.com", "ed@bettyboop.com"]]);
    await using s2 = db.session();
    const viaJoined = (await s2.scalars(select(u).orderBy(u.id).options(joinedload(u.addresses)))).unique().all();
    expect(viaJoined.map((x) => x.addresses.length)).toEqual([1, 2]);
  });

  it("withExpression() fills a queryExpression from a subquery column (test_with_expr_two)", async () => {
    await using s = db.session();
    const subq = select(User.id, User.name, User.name.concat("foo").label("foo")).subquery();
    const u1 = aliased(User, subq);
    const users = (await s.scalars(select(u1).orderBy(u1.id).options(withExpression(u1.value, subq.c.foo)))).all();
    expect(users.map((x) => x.value)).toEqual(["jackfoo", "edfoo", "fredfoo"]);
  });

  it("the aliased entity's correlated column property loads per row", async () => {
    await using s = db.session();
    const ua = aliased(User);
    const rows = (await s.scalars(select(ua).orderBy(ua.id))).all();
    expect(rows.map((x) => [x.id, x.concat, x.addressCount])).toEqual([[7, 14, 1], [8, 16, 2], [9, 18, 0]]);
  });
});

/**
 * SQL compiled from ORM statements, ported from SQLAlchemy's test/orm/test_core_compilation.py
 * (JoinTest, RawSelectTest, ExtraColsTest) and test/orm/test_joins.py: joins along
 * relationships and their errors, `aliased()` over a subquery, relationship criteria, entity
 * DML, and the ORM plan of joined eager loads. SQLAlchemy's fixture tables (users, addresses,
 * orders ↔ items, nodes) under the default dialect's `:name` parameters.
 */
import { describe, expect, it } from "vitest";
import {
  aliased, bindparam, Column, DeclarativeBase, delete as delete_, ForeignKey, func, insert, Integer, InvalidRequestError,
  joinedload, literalColumn, mappedColumn, relationship, select, String, Table, update, containsEager, ArgumentError,
} from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { mapperOf } from "../../../src/orm/mapper.js";
import { assertCompile } from "../../sql/compiler/helpers.js";

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function fixtures() {
  class Base extends DeclarativeBase {}
  const orderItems = Table("order_items", Base.metadata, {
    item_id: Column(Integer, { foreignKey: "items.id" }),
    order_id: Column(Integer, { foreignKey: "orders.id" }),
  });
  class User extends Base.model("users", {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {
    static addresses = relationship(() => Address, { backPopulates: "user" });
    declare addresses: Address[];
    static orders = relationship(() => Order, { backPopulates: "user" });
    declare orders: Order[];
  }
  class Address extends Base.model("addresses", {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey("users.id"), { nullable: true }),
    email_address: mappedColumn(String(50)),
  }) {
    static user = relationship(() => User, { backPopulates: "addresses" });
    declare user: User | null;
  }
  class Order extends Base.model("orders", {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey("users.id"), { nullable: true }),
    address_id: mappedColumn(ForeignKey("addresses.id"), { nullable: true }),
    description: mappedColumn(String(30), { nullable: true }),
  }) {
    static user = relationship(() => User, { backPopulates: "orders" });
    declare user: User | null;
    static items = relationship(() => Item, { secondary: orderItems });
    declare items: Item[];
    static address = relationship(() => Address);
    declare address: Address | null;
  }
  class Item extends Base.model("items", {
    id: mappedColumn(Integer, { primaryKey: true }),
    description: mappedColumn(String(30)),
  }) {}
  class Node extends Base.model("nodes", {
    id: mappedColumn(Integer, { primaryKey: true }),
    parent_id: mappedColumn(ForeignKey("nodes.id"), { nullable: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {
    static children = relationship(() => Node, { backPopulates: "parent" });
    declare children: Node[];
    static parent = relationship(() => Node, { remoteSide: () => Node.id, backPopulates: "children" });
    declare parent: Node | null;
  }
  return { User, Address, Order, Item, Node };
}

const { User, Address, Order, Node } = fixtures();

/** The ORM-compiled SQL of a select (what the session sends), newlines removed. */
function ormSql(stmt: Parameters<typeof planOrmSelect>[0]): string {
  return planOrmSelect(stmt).stmt.compile().sql.replace(/\n/g, "");
}

describe("JoinTest: joins along relationships", () => {
  it("joinFrom(User, Address) without ON infers it from the foreign key", () => {
    assertCompile(select(literalColumn("1")).joinFrom(User as never, Address as never), "SELECT 1 FROM users JOIN addresses ON users.id = addresses.user_id");
  });

  it("join(Address) to an entity without ON", () => {
    assertCompile(select(User).join(Address), "SELECT users.id, users.name FROM users JOIN addresses ON users.id = addresses.user_id");
  });

  it("join(Target, relationship) raises when Target is not the relationship's target", () => {
    expect(() => select(User).join(Address, User.orders)).toThrow(InvalidRequestError);
    expect(() => select(User).join(Address, User.orders)).toThrow(
      /^Join target .*Address.* does not correspond to the right side of join condition User\.orders$/,
    );
    const a = aliased(Address);
    expect(() => select(User).join(a, User.orders)).toThrow(/Join target aliased\(Address\) does not correspond to the right side of join condition User\.orders/);
  });

  it("a self-referential join without an alias raises 'they are the same entity'", () => {
    const msg = "Can't construct a join from Mapper[Node(nodes)] to Mapper[Node(nodes)], they are the same entity";
    expect(() => select(Node).join(Node.children)).toThrow(InvalidRequestError);
    expect(() => select(Node).join(Node.children)).toThrow(msg);
    expect(() => select(Node).join(Node.parent)).toThrow(msg);
  });

  it("a self-referential join to an alias joins the alias", () => {
    const n1 = aliased(Node);
    assertCompile(
      select(Node).join(Node.children.ofType(n1)).where(n1.data.eq("x")),
      "SELECT nodes.id, nodes.parent_id, nodes.data FROM nodes JOIN nodes AS nodes_1 ON nodes.id = nodes_1.parent_id WHERE nodes_1.data = :data_1",
      { params: { data_1: "x" } },
    );
  });

  it("params with joins: a named bindparam keeps its name", () => {
    assertCompile(
      select(User).where(User.id.eq(bindparam("foo"))),
      "SELECT users.id, users.name FROM users WHERE users.id = :foo",
    );
    assertCompile(
      select(User).joinFrom(User as never, Address as never).where(User.id.eq(bindparam("foo"))),
      "SELECT users.id, users.name FROM users JOIN addresses ON users.id = addresses.user_id WHERE users.id = :foo",
    );
    assertCompile(
      select(User).join(User.addresses).where(User.id.eq(bindparam("foo"))),
      "SELECT users.id, users.name FROM users JOIN addresses ON users.id = addresses.user_id WHERE users.id = :foo",
    );
  });

  it("filterBy() after each join targets the last joined entity", () => {
    assertCompile(
      select(User).filterBy({ name: "n1" }).join(User.addresses).filterBy({ email_address: "a1" }),
      "SELECT users.id, users.name FROM users JOIN addresses ON users.id = addresses.user_id " +
        "WHERE users.name = :name_1 AND addresses.email_address = :email_address_1",
      { params: { name_1: "n1", email_address_1: "a1" } },
    );
  });

  it("a many-to-one join puts the target's column first in ON", () => {
    assertCompile(
      select(Order).join(Order.address),
      "SELECT orders.id, orders.user_id, orders.address_id, orders.description FROM orders JOIN addresses ON addresses.id = orders.address_id",
    );
  });
});

describe("RawSelectTest: entities in the columns and FROM clauses", () => {
  it("select(literal *) from an entity and from an aliased entity", () => {
    assertCompile(select(literalColumn("*")).selectFrom(User as never), "SELECT * FROM users");
    const ua = aliased(User, "ua");
    assertCompile(select(literalColumn("*")).selectFrom(ua as never), "SELECT * FROM users AS ua");
  });

  it("columns clause: entity, attributes, aliased attributes, aliased entity", () => {
    assertCompile(select(User), "SELECT users.id, users.name FROM users");
    assertCompile(select(User.id, User.name), "SELECT users.id, users.name FROM users");
    const ua = aliased(User, "ua");
    assertCompile(select(ua.id, ua.name), "SELECT ua.id, ua.name FROM users AS ua");
    assertCompile(select(ua), "SELECT ua.id, ua.name FROM users AS ua");
  });

  it("INSERT … SELECT from ORM attributes", () => {
    assertCompile(
      insert(Address).fromSelect(["id", "email_address"], select(User.id, User.name).where(User.name.eq("ed"))),
      "INSERT INTO addresses (id, email_address) SELECT users.id, users.name FROM users WHERE users.name = :name_1",
    );
  });

  it("UPDATE, DELETE and INSERT of an entity", () => {
    assertCompile(update(User).values({ name: "ed" }).where(User.id.eq(5)), "UPDATE users SET name=:name WHERE users.id = :id_1", {
      params: { id_1: 5, name: "ed" },
    });
    assertCompile(delete_(User), "DELETE FROM users");
    assertCompile(delete_(User).where(User.id.eq(5)), "DELETE FROM users WHERE users.id = :id_1", { params: { id_1: 5 } });
    assertCompile(insert(User).values({ name: "ed" }), "INSERT INTO users (name) VALUES (:name)", { params: { name: "ed" } });
  });

  it("relationship criteria: any() and has()", () => {
    assertCompile(
      select(User).where(User.addresses.any(Address.email_address.eq("foo"))),
      "SELECT users.id, users.name FROM users WHERE EXISTS (SELECT 1 FROM addresses WHERE users.id = addresses.user_id AND addresses.email_address = :email_address_1)",
      { params: { email_address_1: "foo" } },
    );
    assertCompile(
      select(Address).where(Address.user.has(User.name.eq("foo"))),
      "SELECT addresses.id, addresses.user_id, addresses.email_address FROM addresses WHERE EXISTS (SELECT 1 FROM users WHERE users.id = addresses.user_id AND users.name = :name_1)",
      { params: { name_1: "foo" } },
    );
  });

  it("Mapper renders as SQLAlchemy's str(mapper)", () => {
    expect(`${mapperOf(User)}`).toBe("Mapper[User(users)]");
    expect(`${mapperOf(Node)}`).toBe("Mapper[Node(nodes)]");
  });
});

describe("aliased(User, subquery)", () => {
  it("selects the entity from the subquery, anonymous or named", () => {
    const sq = select(User).where(User.id.gt(5)).subquery();
    assertCompile(
      select(aliased(User, sq)),
      "SELECT anon_1.id, anon_1.name FROM (SELECT users.id AS id, users.name AS name FROM users WHERE users.id > :id_1) AS anon_1",
      { params: { id_1: 5 } },
    );
    const named = select(User).where(User.id.gt(5)).subquery("sq");
    const u = aliased(User, named);
    assertCompile(
      select(u).where(u.name.eq("x")).orderBy(u.id),
      "SELECT sq.id, sq.name FROM (SELECT users.id AS id, users.name AS name FROM users WHERE users.id > :id_1) AS sq WHERE sq.name = :name_1 ORDER BY sq.id",
      { params: { id_1: 5, name_1: "x" } },
    );
  });

  it("a name given with the subquery names the entity, not the subquery", () => {
    const u = aliased(User, select(User.id, User.name).subquery(), "u2");
    assertCompile(select(u.name), "SELECT anon_1.name FROM (SELECT users.id AS id, users.name AS name FROM users) AS anon_1");
    expect(planOrmSelect(select(u)).slots.map((x) => x.name)).toEqual(["u2"]);
  });

  it("attributes exist only for columns the subquery exports", () => {
    const u = aliased(User, select(User.id).subquery("only_id"));
    assertCompile(select(u), "SELECT only_id.id FROM (SELECT users.id AS id FROM users) AS only_id");
    expect(() => u.attribute("name")).toThrow(ArgumentError);
  });

  it("joins from the aliased subquery along a relationship", () => {
    const u = aliased(User, select(User).where(User.name.eq("ed")).subquery("eds"));
    assertCompile(
      select(u.name, Address.email_address).join(u.addresses),
      "SELECT eds.name, addresses.email_address FROM (SELECT users.id AS id, users.name AS name FROM users WHERE users.name = :name_1) AS eds JOIN addresses ON eds.id = addresses.user_id",
    );
  });

  it("rejects a SELECT that is not made a subquery first", () => {
    expect(() => aliased(User, select(User) as never)).toThrow(/call \.subquery\(\) on it first/);
  });
});

describe("ExtraColsTest: the ORM plan of joined eager loads", () => {
  it("joinedload renders the eager LEFT OUTER JOIN to an anonymous alias", () => {
    expect(ormSql(select(Address).options(joinedload(Address.user)))).toBe(
      "SELECT addresses.id, addresses.user_id, addresses.email_address, users_1.id AS id_1, users_1.name FROM addresses LEFT OUTER JOIN users AS users_1 ON users_1.id = addresses.user_id",
    );
  });

  it("LIMIT/DISTINCT wrap the parent SELECT in a subquery the eager join attaches to", () => {
    expect(ormSql(select(User).options(joinedload(User.addresses)).limit(10).distinct())).toBe(
      "SELECT anon_1.id, anon_1.name, addresses_1.id AS id_1, addresses_1.user_id, addresses_1.email_address FROM " +
        "(SELECT DISTINCT users.id AS id, users.name AS name FROM users LIMIT :param_1) AS anon_1 LEFT OUTER JOIN addresses AS addresses_1 ON anon_1.id = addresses_1.user_id",
    );
  });

  it("containsEager with LIMIT/DISTINCT renders no subquery", () => {
    expect(ormSql(select(User).join(User.addresses).options(containsEager(User.addresses)).limit(10).distinct())).toBe(
      "SELECT DISTINCT users.id, users.name, addresses.id AS id_1, addresses.user_id, addresses.email_address FROM users JOIN addresses ON users.id = addresses.user_id LIMIT :param_1",
    );
  });

  it("innerJoin: true renders JOIN for the eager load", () => {
    expect(ormSql(select(Address).options(joinedload(Address.user, { innerJoin: true })))).toBe(
      "SELECT addresses.id, addresses.user_id, addresses.email_address, users_1.id AS id_1, users_1.name FROM addresses JOIN users AS users_1 ON users_1.id = addresses.user_id",
    );
  });

  it("eager columns follow every entity of the statement", () => {
    expect(ormSql(select(User, Address).join(User.addresses).options(joinedload(User.orders)))).toBe(
      "SELECT users.id, users.name, addresses.id AS id_1, addresses.user_id, addresses.email_address, " +
        "orders_1.id AS id_2, orders_1.user_id AS user_id_1, orders_1.address_id, orders_1.description " +
        "FROM users JOIN addresses ON users.id = addresses.user_id LEFT OUTER JOIN orders AS orders_1 ON users.id = orders_1.user_id",
    );
  });

  it("a scalar subquery counting related rows, correlated to the entity", () => {
    assertCompile(
      select(User.name, select(func.count(Address.id)).where(Address.user_id.eq(User.id)).scalarSubquery().label("cnt")),
      "SELECT users.name, (SELECT count(addresses.id) AS count_1 FROM addresses WHERE addresses.user_id = users.id) AS cnt FROM users",
    );
  });
});

/**
 * The shape of ORM-generated SQL as SQLAlchemy 2.0 renders it, compiled with the default
 * dialect: single-table discriminator criteria as an expanding IN (test/orm/inheritance/
 * test_single.py), self-referential ON clauses with the referenced column first and joined
 * inheritance ON clauses with the base column first (test/orm/test_joins.py, test_query.py
 * test_selfref_relationship, inheritance/test_basic.py), many-to-many joins through an aliased
 * association table (test_core_compilation.py JoinTest) and many-to-many joinedload nested
 * under one outer join (test_eager_relations.py).
 */
import { describe, expect, it } from "vitest";
import {
  aliased, Column, DeclarativeBase, ForeignKey, Integer, joinedload, mappedColumn, relationship, select, String, Table,
} from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
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
    static addresses = relationship(() => Address);
    declare addresses: Address[];
    static orders = relationship(() => Order);
    declare orders: Order[];
  }
  class Address extends Base.model("addresses", {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey("users.id"), { nullable: true }),
    email_address: mappedColumn(String(50)),
  }) {}
  class Order extends Base.model("orders", {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey("users.id"), { nullable: true }),
    description: mappedColumn(String(30), { nullable: true }),
  }) {
    static items = relationship(() => Item, { secondary: orderItems });
    declare items: Item[];
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
  class Company extends Base.model("companies", {
    company_id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50)),
  }) {
    static employees = relationship(() => Employee);
    declare employees: Employee[];
  }
  class Employee extends Base.model("employees", {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50)),
    type: mappedColumn(String(20)),
    company_id: mappedColumn(ForeignKey("companies.company_id"), { nullable: true }),
  }, { polymorphicOn: "type", polymorphicIdentity: "employee" }) {}
  class Manager extends Employee.subclass({ manager_data: mappedColumn(String(50), { nullable: true }) }, { polymorphicIdentity: "manager" }) {}
  class Person extends Base.model("people", {
    person_id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50)),
    type: mappedColumn(String(30)),
  }, { polymorphicOn: "type", polymorphicIdentity: "person" }) {}
  class Engineer extends Person.subclass({ primary_language: mappedColumn(String(50)) }, { table: "engineers", polymorphicIdentity: "engineer" }) {}
  return { User, Address, Order, Item, Node, Company, Employee, Manager, Person, Engineer };
}

const { User, Order, Node, Company, Manager, Engineer } = fixtures();

/** The ORM-compiled SQL of a select (what the session sends), newlines folded. */
function ormSql(stmt: Parameters<typeof planOrmSelect>[0]): string {
  return planOrmSelect(stmt).stmt.compile().sql.replace(/\s*\n\s*/g, " ");
}

describe("single-table inheritance criteria render as an expanding IN, even for one identity", () => {
  it("select(Subclass) (test_single_inheritance)", () => {
    expect(ormSql(select(Manager))).toBe(
      "SELECT employees.id, employees.name, employees.type, employees.company_id, employees.manager_data FROM employees WHERE employees.type IN (__[POSTCOMPILE_type_1])",
    );
  });

  it("a subclass attribute alone, and an aliased subclass", () => {
    expect(ormSql(select(Manager.name))).toBe("SELECT employees.name FROM employees WHERE employees.type IN (__[POSTCOMPILE_type_1])");
    const m = aliased(Manager);
    expect(ormSql(select(m.name))).toBe("SELECT employees_1.name FROM employees AS employees_1 WHERE employees_1.type IN (__[POSTCOMPILE_type_1])");
  });

  it("join(rel.ofType(Subclass)) puts the IN into the ON clause; any() into the EXISTS", () => {
    assertCompile(
      select(Company.company_id).join(Company.employees.ofType(Manager)),
      "SELECT companies.company_id FROM companies JOIN employees ON companies.company_id = employees.company_id AND employees.type IN (__[POSTCOMPILE_type_1])",
    );
    assertCompile(
      select(Company.company_id).where(Company.employees.ofType(Manager).any()),
      "SELECT companies.company_id FROM companies WHERE EXISTS (SELECT 1 FROM employees WHERE companies.company_id = employees.company_id AND employees.type IN (__[POSTCOMPILE_type_1]))",
    );
  });
});

describe("self-referential ON clauses: the referenced column first (test_joins, test_selfref_relationship)", () => {
  it("join(Node.children.ofType(alias)): nodes.id = nodes_1.parent_id", () => {
    const n1 = aliased(Node);
    assertCompile(
      select(Node).join(Node.children.ofType(n1)).where(n1.data.eq("x")),
      "SELECT nodes.id, nodes.parent_id, nodes.data FROM nodes JOIN nodes AS nodes_1 ON nodes.id = nodes_1.parent_id WHERE nodes_1.data = :data_1",
    );
  });

  it("join(alias, Node.parent): nodes_1.id = nodes.parent_id", () => {
    const na = aliased(Node);
    assertCompile(
      select(Node).where(Node.data.eq("n122")).join(na, Node.parent).where(na.data.eq("n12")),
      "SELECT nodes.id, nodes.parent_id, nodes.data FROM nodes JOIN nodes AS nodes_1 ON nodes_1.id = nodes.parent_id WHERE nodes.data = :data_1 AND nodes_1.data = :data_2",
    );
  });

  it("any() / has() auto-alias the target side", () => {
    assertCompile(
      select(Node.id).where(Node.children.any(Node.data.eq("n1"))),
      "SELECT nodes.id FROM nodes WHERE EXISTS (SELECT 1 FROM nodes AS nodes_1 WHERE nodes.id = nodes_1.parent_id AND nodes_1.data = :data_1)",
    );
    assertCompile(
      select(Node.id).where(Node.parent.has(Node.data.eq("some data"))),
      "SELECT nodes.id FROM nodes WHERE EXISTS (SELECT 1 FROM nodes AS nodes_1 WHERE nodes_1.id = nodes.parent_id AND nodes_1.data = :data_1)",
    );
  });
});

describe("joined-table inheritance: the base table's column first in the ON clause", () => {
  it("select(Engineer): FROM people JOIN engineers ON people.person_id = engineers.person_id", () => {
    expect(ormSql(select(Engineer))).toMatch(/ FROM people JOIN engineers ON people\.person_id = engineers\.person_id$/);
  });
});

describe("many-to-many joins alias the association table", () => {
  it("join(Order.items) after other joins (JoinTest.test_join_from_multiple_explicit_left_side)", () => {
    assertCompile(
      select(User).join(User.addresses).join(User.orders).join(Order.items),
      "SELECT users.id, users.name FROM users JOIN addresses ON users.id = addresses.user_id JOIN orders " +
        "ON users.id = orders.user_id JOIN order_items AS order_items_1 ON orders.id = order_items_1.order_id JOIN items " +
        "ON items.id = order_items_1.item_id",
    );
  });
});

describe("joinedload of a many-to-many (test_eager_relations)", () => {
  it("outer: LEFT OUTER JOIN (order_items AS order_items_1 JOIN items AS items_1 ON …) ON …", () => {
    expect(ormSql(select(Order).options(joinedload(Order.items)))).toBe(
      "SELECT orders.id, orders.user_id, orders.description, items_1.id AS id_1, items_1.description AS description_1 FROM orders " +
        "LEFT OUTER JOIN (order_items AS order_items_1 JOIN items AS items_1 ON items_1.id = order_items_1.item_id) ON orders.id = order_items_1.order_id",
    );
  });

  it("innerJoin: flat, JOIN order_items AS order_items_1 ON … JOIN items AS items_1 ON …", () => {
    expect(ormSql(select(Order).options(joinedload(Order.items, { innerJoin: true })))).toBe(
      "SELECT orders.id, orders.user_id, orders.description, items_1.id AS id_1, items_1.description AS description_1 FROM orders " +
        "JOIN order_items AS order_items_1 ON orders.id = order_items_1.order_id JOIN items AS items_1 ON items_1.id = order_items_1.item_id",
    );
  });

  it("below a one-to-many: the nested join follows the outer join of orders", () => {
    expect(ormSql(select(User).options(joinedload(User.orders).joinedload(Order.items)))).toBe(
      "SELECT users.id, users.name, orders_1.id AS id_1, orders_1.user_id, orders_1.description, items_1.id AS id_2, items_1.description AS description_1 " +
        "FROM users LEFT OUTER JOIN orders AS orders_1 ON users.id = orders_1.user_id " +
        "LEFT OUTER JOIN (order_items AS order_items_1 JOIN items AS items_1 ON items_1.id = order_items_1.item_id) ON orders_1.id = order_items_1.order_id",
    );
  });
});

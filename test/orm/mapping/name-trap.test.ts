/**
 * The `name`/`length` trap (issue 3, "Known traps"): every JS class has its own static `name`
 * and `length`, which shadow inherited statics. A model's `User.name` / `User.length` must be
 * the columns. The mapper replaces them when the class is adopted: after the defining module has
 * run (a microtask, for classes reachable from relationships), on `select(User)`, on
 * `new User()`, on any other static access, and via `Base.registry.configure()`.
 */
import { describe, expect, it } from "vitest";
import {
  configureModel, DeclarativeBase, ForeignKey, InstrumentedAttribute, Integer, mappedColumn, relationship, select, String,
} from "../../../src/index.js";
import { SQLiteDialect } from "../../../src/dialects/sqlite/index.js";
import type { Select } from "../../../src/sql/selectable.js";

class Base extends DeclarativeBase {}

// Related models defined at module top level: adopted by the discovery microtask.
class MUser extends Base.model("map_trap_user", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
  length: mappedColumn(Integer, { nullable: true }),
}) {
  static addresses = relationship(() => MAddress, { backPopulates: "user" });
  declare addresses: MAddress[];
}
class MAddress extends Base.model("map_trap_address", {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(ForeignKey("map_trap_user.id")),
}) {
  static user = relationship(() => MUser, { backPopulates: "addresses" });
  declare user: MUser;
}

// Unrelated models: nothing adopts them until their first use.
class Solo1 extends Base.model("map_trap_solo1", { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String), length: mappedColumn(Integer) }) {}
class Solo2 extends Base.model("map_trap_solo2", { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String), length: mappedColumn(Integer) }) {}
class Solo3 extends Base.model("map_trap_solo3", { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String) }) {}

const sqlite = new SQLiteDialect();
const sql = (s: Select) => s.compile({ dialect: sqlite }).sql;

describe("User.name and User.length are the columns", () => {
  it("after a microtask (models reachable through relationships)", async () => {
    await Promise.resolve();
    expect(MUser.name).toBeInstanceOf(InstrumentedAttribute);
    expect(MUser.length).toBeInstanceOf(InstrumentedAttribute);
    expect(sql(select(MUser.__table__.c.id).where(MUser.name.eq("a"), MUser.length.eq(1)))).toBe(
      "SELECT map_trap_user.id \nFROM map_trap_user \nWHERE map_trap_user.name = ? AND map_trap_user.length = ?",
    );
    expect(MUser.name.key).toBe("name");
  });

  it("after select(User)", () => {
    expect(Object.getOwnPropertyDescriptor(Solo1, "name")?.value).toBe("Solo1"); // not adopted yet
    const stmt = select(Solo1);
    expect(Solo1.name).toBeInstanceOf(InstrumentedAttribute);
    expect(Solo1.length).toBeInstanceOf(InstrumentedAttribute);
    expect(sql(stmt.where(Solo1.name.eq("x"), Solo1.length.gt(2)))).toBe(
      "SELECT map_trap_solo1.id, map_trap_solo1.name, map_trap_solo1.length \nFROM map_trap_solo1 \nWHERE map_trap_solo1.name = ? AND map_trap_solo1.length > ?",
    );
  });

  it("after new User()", () => {
    const s = new Solo2({ name: "n", length: 3 });
    expect(Solo2.name).toBeInstanceOf(InstrumentedAttribute);
    expect(Solo2.length).toBeInstanceOf(InstrumentedAttribute);
    expect(s.name).toBe("n");
    expect(s.length).toBe(3);
  });

  it("after any other static access (User.id)", () => {
    void Solo3.id;
    expect(Solo3.name).toBeInstanceOf(InstrumentedAttribute);
  });

  it("via Base.registry.configure(), synchronously after the definitions", () => {
    class B2 extends DeclarativeBase {}
    class Parent extends B2.model("map_trap_parent", { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String) }) {
      static children = relationship(() => Child, { backPopulates: "parent" });
      declare children: Child[];
    }
    class Child extends B2.model("map_trap_child", { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String), parentId: mappedColumn(ForeignKey("map_trap_parent.id")) }) {
      static parent = relationship(() => Parent, { backPopulates: "children" });
      declare parent: Parent;
    }
    B2.registry.configure();
    expect(Parent.name).toBeInstanceOf(InstrumentedAttribute);
    expect(Child.name).toBeInstanceOf(InstrumentedAttribute);
    expect(sql(select(Child.name).where(Parent.name.eq("p")).join(Child.parent))).toContain("map_trap_child.name");
  });

  it("the documented edge: a read in the same synchronous run before any other use gives JS's own name", () => {
    class B3 extends DeclarativeBase {}
    class Early extends B3.model("map_trap_early", { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String) }) {}
    // Nothing has touched Early yet, and it is not reachable from a relationship: JS's own static wins.
    expect(Early.name as unknown).toBe("Early");
    // configureModel() (or any other use) adopts it, from then on the column.
    configureModel(Early);
    expect(Early.name).toBeInstanceOf(InstrumentedAttribute);
  });
});

/**
 * Type-level tests of the ORM sketch in issue 3 ("What a user writes"): it type-checks under
 * strict mode as written, and instance types, row types, relationships and constructors are
 * inferred.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  DeclarativeBase, ForeignKey, Integer, String, mappedColumn, relationship, select, selectinload, insert,
  type AsyncSession, type InstrumentedAttribute, type RelationshipSpec,
} from "../../src/index.js";

class Base extends DeclarativeBase {}

class User extends Base.model("user_account", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
  fullname: mappedColumn(String, { nullable: true }),
}) {
  static addresses = relationship(() => Address, { backPopulates: "user" });
  declare addresses: Address[];
  get display() { return `${this.name} <${this.fullname ?? "?"}>`; }
}

class Address extends Base.model("address", {
  id: mappedColumn(Integer, { primaryKey: true }),
  email: mappedColumn(String, { name: "email_address" }),
  userId: mappedColumn(ForeignKey("user_account.id")),
}) {
  static user = relationship(() => User, { backPopulates: "addresses" });
  declare user: User;
}

declare const session: AsyncSession;

describe("the issue 3 sketch", () => {
  it("session.scalars(select(User)…) gives User[]", async () => {
    const users = await session.scalars(
      select(User).where(User.name.eq("sandy")).options(selectinload(User.addresses)),
    );
    expectTypeOf(users.all()).toEqualTypeOf<User[]>();
  });
  it("instance columns", () => {
    const u = {} as User;
    expectTypeOf(u.id).toEqualTypeOf<number>();
    expectTypeOf(u.name).toEqualTypeOf<string>();
    expectTypeOf(u.fullname).toEqualTypeOf<string | null>();
    expectTypeOf(u.display).toEqualTypeOf<string>();
    expectTypeOf(u.addresses).toEqualTypeOf<Address[]>();
    const a = {} as Address;
    expectTypeOf(a.userId).toEqualTypeOf<number>();
    expectTypeOf(a.user).toEqualTypeOf<User>();
    expectTypeOf(a.user.addresses[0].email).toEqualTypeOf<string>();
  });
  it("class attributes", () => {
    expectTypeOf(User.name).toEqualTypeOf<InstrumentedAttribute<string, "name">>();
    // Attributes compare with attributes and columns of a compatible type.
    Address.userId.eq(User.id);
    User.fullname.eq(User.name);
    // @ts-expect-error: id is a number, name a string
    User.id.eq(User.name);
    // @ts-expect-error: same in an IN list
    User.name.in([Address.id]);

  });
  it("rows", async () => {
    const r = await session.execute(select(User, Address).join(User.addresses));
    expectTypeOf(r.all()[0]._tuple()).toEqualTypeOf<[User, Address]>();
    const c = await session.execute(select(User.id, User.name));
    expectTypeOf(c.all()[0]._tuple()).toEqualTypeOf<[number, string]>();
    const ins = await session.scalars(insert(User).returning(User), [{ name: "a" }]);
    expectTypeOf(ins.all()).toEqualTypeOf<User[]>();
  });
  it("construction", () => {
    const u = new User({ name: "x" });
    expectTypeOf(u).toEqualTypeOf<User>();
    new User({ name: "x", fullname: null, addresses: [] });
    new Address({ email: "e" }); // userId is a foreign key: set from the relationship at flush
    // @ts-expect-error name is a string
    new User({ name: 1 });
    // @ts-expect-error fullname is string | null
    new User({ name: "x", fullname: 3 });
    // @ts-expect-error name is required (NOT NULL, no default)
    new User({ fullname: "f" });
    // @ts-expect-error the argument is required while a column is
    new User();
    interface UserValues { name: string; fullname: string | null }
    const v: UserValues = { name: "n", fullname: null };
    new User(v); // typed interfaces (no index signature) are accepted
  });
  it("relationships as class attributes", () => {
    expectTypeOf(User.addresses).toEqualTypeOf<RelationshipSpec<Address>>();
    expectTypeOf(Address.user).toEqualTypeOf<RelationshipSpec<User>>();
  });
});

describe("mappedColumn inference", () => {
  class B extends DeclarativeBase {}
  class Thing extends B.model("thing", {
    id: mappedColumn(Integer, { primaryKey: true }),
    label: mappedColumn(String, { default: "x" }),
    made: mappedColumn(String, { defaultFactory: () => "now" }),
    server: mappedColumn(Integer, { serverDefault: "1" }),
    owner: mappedColumn(ForeignKey("user_account.id"), { nullable: true }),
    code: mappedColumn<string>(ForeignKey("codes.code")),
    viaAttr: mappedColumn(ForeignKey(User.id)),
    must: mappedColumn(String),
  }) {}
  it("types and optionality", () => {
    const t = new Thing({ must: "m" });
    expectTypeOf(t.id).toEqualTypeOf<number>();
    expectTypeOf(t.label).toEqualTypeOf<string>();
    expectTypeOf(t.owner).toEqualTypeOf<number | null>();
    expectTypeOf(t.code).toEqualTypeOf<string>();
    expectTypeOf(t.viaAttr).toEqualTypeOf<number>();
    expectTypeOf(Thing.owner).toEqualTypeOf<InstrumentedAttribute<number | null, "owner">>();
    // @ts-expect-error must is required
    new Thing({ label: "l" });
  });
});

describe("inheritance", () => {
  class B extends DeclarativeBase {}
  class Employee extends B.model("emp", {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String),
    type: mappedColumn(String),
  }, { polymorphicOn: "type", polymorphicIdentity: "employee" }) {
    greet(): string { return this.name; }
  }
  class Manager extends Employee.subclass({ budget: mappedColumn(Integer) }, { polymorphicIdentity: "manager" }) {}
  class Engineer extends Employee.subclass({ language: mappedColumn(String, { nullable: true }) }, { table: "eng", polymorphicIdentity: "engineer" }) {}
  it("subclass instances have base + own columns and methods", async () => {
    const m = new Manager({ name: "m", type: "manager", budget: 1 });
    expectTypeOf(m.budget).toEqualTypeOf<number>();
    expectTypeOf(m.name).toEqualTypeOf<string>();
    expectTypeOf(m.greet()).toEqualTypeOf<string>();
    expectTypeOf(m).toMatchTypeOf<Employee>();
    expectTypeOf(Manager.budget).toEqualTypeOf<InstrumentedAttribute<number, "budget">>();
    expectTypeOf(Manager.name).toEqualTypeOf<InstrumentedAttribute<string, "name">>();
    const e = new Engineer({ name: "e", type: "engineer" });
    expectTypeOf(e.language).toEqualTypeOf<string | null>();
    // @ts-expect-error budget is required
    new Manager({ name: "m", type: "manager" });
    expectTypeOf((await session.scalars(select(Engineer))).all()).toEqualTypeOf<Engineer[]>();
    expectTypeOf((await session.scalars(select(Employee))).all()).toEqualTypeOf<Employee[]>();
  });
});

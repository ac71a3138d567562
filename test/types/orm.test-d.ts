/**
 * Type-level tests of the ORM sketch in issue 3 ("What a user writes"): it type-checks under
 * strict mode as written, and instance types, row types, relationships and constructors are
 * inferred.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  DeclarativeBase, ForeignKey, Integer, String, mappedColumn, relationship, select, selectinload, insert,
  type AsyncSession, type InstrumentedAttribute,
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
    expectTypeOf(User.length).toEqualTypeOf<never>();
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
    // @ts-expect-error name is a string
    new User({ name: 1 });
  });
});

/**
 * Type-level tests of the relationship comparators, ofType(), withParent() and inspect():
 * criteria are boolean expressions usable in where(); eq/contains take the target instance
 * type; ofType keeps (or narrows) the target type; inspect() picks its result by argument.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  aliased, AliasedInsp, ColumnElement, DeclarativeBase, ForeignKey, InstanceState, Integer, Mapper, mappedColumn, relationship,
  RelationshipOfType, select, String, withParent, inspect,
} from "../../src/index.js";

class Base extends DeclarativeBase {}

class User extends Base.model("tro_user", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
}) {
  static addresses = relationship(() => Address, { backPopulates: "user" });
  declare addresses: Address[];
}

class Address extends Base.model("tro_address", {
  id: mappedColumn(Integer, { primaryKey: true }),
  email: mappedColumn(String),
  userId: mappedColumn(ForeignKey("tro_user.id")),
}) {
  static user = relationship(() => User, { backPopulates: "addresses" });
  declare user: User;
}

declare const u: User;
declare const a: Address;

describe("relationship comparators", () => {
  it("any/has take conditions and give boolean expressions usable in where()", () => {
    expectTypeOf(User.addresses.any(Address.email.eq("x"))).toEqualTypeOf<ColumnElement<boolean>>();
    expectTypeOf(User.addresses.any()).toEqualTypeOf<ColumnElement<boolean>>();
    expectTypeOf(Address.user.has(User.name.like("s%"))).toEqualTypeOf<ColumnElement<boolean>>();
    select(User).where(User.addresses.any(Address.email.eq("x")), Address.user.has());
    // @ts-expect-error a non-boolean expression is not a criterion
    User.addresses.any(Address.email);
    // @ts-expect-error nor is a plain string
    Address.user.has("name = 'x'");
  });

  it("eq/ne take the target instance type (or null); contains the collection's element type", () => {
    expectTypeOf(Address.user.eq(u)).toEqualTypeOf<ColumnElement<boolean>>();
    expectTypeOf(Address.user.ne(null)).toEqualTypeOf<ColumnElement<boolean>>();
    expectTypeOf(User.addresses.contains(a)).toEqualTypeOf<ColumnElement<boolean>>();
    expectTypeOf(Address.user.isNull()).toEqualTypeOf<ColumnElement<boolean>>();
    // @ts-expect-error an Address is not a User
    Address.user.eq(a);
    // @ts-expect-error a User is not an Address
    User.addresses.contains(u);
    // @ts-expect-error a primary key value is not an object of the target class
    Address.user.eq(5);
  });

  it("ofType keeps the target type and joins", () => {
    const aa = aliased(Address, "aa");
    const rel = User.addresses.ofType(aa);
    expectTypeOf(rel).toEqualTypeOf<RelationshipOfType<Address>>();
    expectTypeOf(rel.contains).parameter(0).toEqualTypeOf<Address>();
    select(User, aa).join(rel);
    select(User, aa).join(aa, User.addresses);
    // @ts-expect-error an alias of another class
    User.addresses.ofType(aliased(User));
  });

  it("withParent takes the parent object and the relationship", () => {
    expectTypeOf(withParent(u, User.addresses)).toEqualTypeOf<ColumnElement<boolean>>();
    withParent(u, User.addresses, aliased(Address));
    // @ts-expect-error the alias must be of the relationship's target
    withParent(u, User.addresses, aliased(User));
  });
});

describe("inspect()", () => {
  it("returns InstanceState, Mapper or AliasedInsp by argument", () => {
    expectTypeOf(inspect(u)).toEqualTypeOf<InstanceState>();
    expectTypeOf(inspect(User)).toEqualTypeOf<Mapper>();
    expectTypeOf(inspect(aliased(User))).toEqualTypeOf<AliasedInsp<User>>();
    expectTypeOf(inspect(u).identity).toEqualTypeOf<readonly unknown[] | null>();
    expectTypeOf(inspect(u).unloaded).toEqualTypeOf<ReadonlySet<string>>();
  });
});

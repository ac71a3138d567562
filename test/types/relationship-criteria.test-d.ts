/**
 * Type-level tests of relationship criteria (`.and()`), relationships seen from an aliased
 * parent, and ofType() / and() in loader options: and() keeps the target type and takes only
 * boolean criteria; `ua.addresses` is a comparator of the target type.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  aliased, ColumnElement, containsEager, DeclarativeBase, ForeignKey, Integer, joinedload, mappedColumn, relationship,
  RelationshipOfType, select, selectinload, String,
} from "../../src/index.js";

class Base extends DeclarativeBase {}

class User extends Base.model("trc_user", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
}) {
  static addresses = relationship(() => Address, { backPopulates: "user" });
  declare addresses: Address[];
}

class Address extends Base.model("trc_address", {
  id: mappedColumn(Integer, { primaryKey: true }),
  email: mappedColumn(String),
  userId: mappedColumn(ForeignKey("trc_user.id")),
}) {
  static user = relationship(() => User, { backPopulates: "addresses" });
  declare user: User;
}

describe("relationship criteria", () => {
  it("and() keeps the target type and takes boolean criteria only", () => {
    const rel = User.addresses.and(Address.email.like("%@x"), Address.id.gt(1));
    expectTypeOf(rel).toEqualTypeOf<RelationshipOfType<Address>>();
    expectTypeOf(rel.any()).toEqualTypeOf<ColumnElement<boolean>>();
    select(User).join(rel);
    // @ts-expect-error a non-boolean expression is not a criterion
    User.addresses.and(Address.email);
  });

  it("loader options take and() / ofType() forms and aliased-parent relationships", () => {
    const a = aliased(Address, "a");
    const ua = aliased(User, "ua");
    expectTypeOf(ua.addresses).toEqualTypeOf<RelationshipOfType<Address>>();
    expectTypeOf(ua.addresses.ofType(a)).toEqualTypeOf<RelationshipOfType<Address>>();
    select(User).options(selectinload(User.addresses.and(Address.email.like("%@x"))), joinedload(Address.user.and(User.name.eq("x"))));
    select(User).options(containsEager(User.addresses.ofType(a)), selectinload(ua.addresses));
    // @ts-expect-error a column is not a relationship
    selectinload(User.name);
  });
});

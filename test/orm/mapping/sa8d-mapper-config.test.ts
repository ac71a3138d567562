/**
 * Attribute names and relationship configuration errors, from SQLAlchemy's test/orm/test_mapper.py
 * (test_str_not_compile / QueryableAttribute.__str__, test_exceptions_sticky),
 * test/orm/declarative/test_basic.py (test_nice_dependency_error_works_with_hasattr,
 * test_relationship_level_msg_for_invalid_callable / _object) and
 * test/orm/declarative/test_clsregistry.py ("expression 'X' failed to locate a name").
 *
 * Adapted: a relationship's target is a function (`() => Target`), so "failing to locate a name"
 * is that function throwing (a class read before its declaration ran); athanor retries a failed
 * configuration at the next use (SQLAlchemy's stays failed), so a later declaration repairs it.
 * A class's name in messages is its mapper's: a column called `name` replaces the JavaScript
 * class's static `name`.
 */
import { describe, expect, it } from "vitest";
import {
  aliased, ArgumentError, DeclarativeBase, ForeignKey, Integer, InvalidRequestError, mappedColumn, relationship, select, String, Table, Column,
  UnmappedClassError, configureModel,
} from "athanor";
import { uniqueName } from "../../fixtures/databases.js";

const sqlString = globalThis.String;

describe("an attribute's name uses the mapped class's name (a `name` column shadows the static name)", () => {
  // eslint-disable-next-line @typescript-eslint/explicit-function-return-type
  function models() {
    class Base extends DeclarativeBase {}
    const users = uniqueName("sa8d_nm_users");
    class User extends Base.model(users, {
      id: mappedColumn(Integer, { primaryKey: true }),
      name: mappedColumn(String(30)),
    }) {
      static addresses = relationship(() => Address);
    }
    class Address extends Base.model(uniqueName("sa8d_nm_addresses"), {
      id: mappedColumn(Integer, { primaryKey: true }),
      userId: mappedColumn(ForeignKey(`${users}.id`), { name: "user_id" }),
    }) {}
    configureModel(User);
    return { User, Address, users };
  }

  it("describe() of column attributes: 'User.name', 'User.id'", () => {
    const { User } = models();
    expect(User.name.describe()).toBe("attribute 'User.name'");
    expect(User.id.describe()).toBe("attribute 'User.id'");
  });

  it("describe() of an aliased entity's attributes: 'aliased(User).name'", () => {
    const { User } = models();
    const ua = aliased(User, "ua");
    expect(ua.name.describe()).toBe("attribute 'aliased(User).name'");
  });

  it("the relationship and mapper names come from the mapper too", () => {
    const { User, users } = models();
    expect(sqlString(User.addresses)).toBe("User.addresses");
    expect(User.addresses.property.parent.describe()).toBe(`Mapper[User(${users})]`);
  });
});

describe("relationship targets that cannot be resolved (test_clsregistry / test_mapper)", () => {
  it("a target read before its declaration ran: 'failed to locate a name', naming the mapper and class", () => {
    class Base extends DeclarativeBase {}
    const pt = uniqueName("sa8d_tdz_p");
    class P extends Base.model(pt, { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static kids = relationship(() => Later);
    }
    void P.id;
    let err: unknown;
    try {
      Base.registry.configure();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as Error).message).toBe(
      `When initializing mapper Mapper[P(${pt})], expression '() => Later' failed to locate a name (Cannot access 'Later' before initialization). ` +
        "If this is a class name, consider adding this relationship() to the <class 'P'> class after both dependent classes have been defined.",
    );
    // test_exceptions_sticky: while it persists, each later use names the failed mapper and the first error.
    for (let i = 0; i < 3; i++) {
      expect(() => Base.registry.configure()).toThrow(
        new InvalidRequestError(
          `One or more mappers failed to initialize - can't proceed with initialization of other mappers. Triggering mapper: 'Mapper[P(${pt})]'. Original exception was: ${(err as Error).message}`,
        ),
      );
    }
    class Later extends Base.model(uniqueName("sa8d_tdz_c"), {
      id: mappedColumn(Integer, { primaryKey: true }),
      pId: mappedColumn(ForeignKey(`${pt}.id`), { name: "p_id" }),
    }) {}
    // athanor retries: once the class exists the configuration succeeds.
    expect(() => Base.registry.configure()).not.toThrow();
    expect(P.kids.property.mapper.className).toBe("Later");
    expect(sqlString(select(P).join(P.kids))).toContain("JOIN");
  });

  it("test_exceptions_sticky: an unmapped target class is UnmappedClassError first, then the sticky error", () => {
    class Base extends DeclarativeBase {}
    class User {}
    const at = uniqueName("sa8d_sticky_a");
    class Address extends Base.model(at, { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static user = relationship(() => User as never);
    }
    void Address.id;
    expect(() => Address.user.property).toThrow(new UnmappedClassError("Class 'User' is not mapped; it is the target of relationship 'Address.user'"));
    for (let i = 0; i < 3; i++) {
      expect(() => Base.registry.configure()).toThrow(
        new InvalidRequestError(
          `One or more mappers failed to initialize - can't proceed with initialization of other mappers. Triggering mapper: 'Mapper[Address(${at})]'. Original exception was: Class 'User' is not mapped; it is the target of relationship 'Address.user'`,
        ),
      );
    }
    // QueryableAttribute.__str__ does not configure.
    expect(sqlString(Address.user)).toBe("Address.user");
  });

  it("test_relationship_level_msg_for_invalid_object: a Table is not a class or a mapper", () => {
    class Base extends DeclarativeBase {}
    const tb = Table(uniqueName("sa8d_tbl"), Base.metadata, { id: Column(Integer, { primaryKey: true }) });
    class B extends Base.model(uniqueName("sa8d_inv_b"), { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static a = relationship(() => tb as never);
    }
    void B.id;
    let err: unknown;
    try {
      Base.registry.configure();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArgumentError);
    expect((err as Error).message).toMatch(/^relationship 'a' expects a class or a mapper argument \(received: .*Table.* object\)$/);
  });

  it("an argument returning undefined (a forward reference gone wrong) names the relationship", () => {
    class Base extends DeclarativeBase {}
    class B extends Base.model(uniqueName("sa8d_undef_b"), { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static a = relationship(() => undefined as never);
    }
    void B.id;
    expect(() => Base.registry.configure()).toThrow(new ArgumentError("relationship 'a' expects a class or a mapper argument (received: undefined)"));
  });

  it("a relationship used before its class is adopted names its target expression", () => {
    class Base extends DeclarativeBase {}
    const ut = uniqueName("sa8d_unb_u");
    class TUser extends Base.model(ut, { id: mappedColumn(Integer, { primaryKey: true }) }) {}
    class TAddress extends Base.model(uniqueName("sa8d_unb_a"), {
      id: mappedColumn(Integer, { primaryKey: true }),
      userId: mappedColumn(ForeignKey(`${ut}.id`), { name: "user_id" }),
    }) {
      static user = relationship(() => TUser);
    }
    expect(() => TAddress.user.property).toThrow(
      new InvalidRequestError(
        "relationship(() => TUser) is not attached to a mapped class yet: the Base.model() subclass declaring it is adopted on its first use (reading a column attribute such as Cls.id, new Cls(), select(Cls)) or by configureModel(Cls); declare it as a static field of such a class",
      ),
    );
    void TAddress.id;
    expect(TAddress.user.property.mapper.className).toBe("TUser");
  });
});

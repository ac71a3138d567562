/**
 * Type-level half of the SQLAlchemy test/orm/declarative/test_typed_mapping.py and
 * test_dc_transforms.py ports (test/orm/mapping/sa7a-*.test.ts): the JS type of each attribute
 * follows the SQL type and `nullable` (SQLAlchemy's `Mapped[str]` / `Mapped[Optional[str]]`),
 * and the constructor's argument follows the dataclass rules: NOT NULL columns without a default
 * are required, defaulted / nullable / key / server-default columns optional, `init: false`
 * columns refused.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  DeclarativeBase, ForeignKey, Integer, mappedColumn, String, writeOnly, writeOnlyCollection, type WriteOnlyCollection,
} from "../../src/index.js";
import { BigInteger, Boolean, DateTime } from "../../src/sql/types/index.js";

class Base extends DeclarativeBase {}

class A extends Base.model("sa7a_td_a", {
  id: mappedColumn(Integer, { primaryKey: true, init: false }),
  data: mappedColumn(String(50)),
  x: mappedColumn(Integer, { nullable: true, default: null }),
  explicitNotNull: mappedColumn(String, { nullable: false, default: "d" }),
  big: mappedColumn(BigInteger, { serverDefault: "0" }),
  flag: mappedColumn(Boolean, { default: false }),
  at: mappedColumn(DateTime, { nullable: true }),
  made: mappedColumn(Integer, { defaultFactory: () => 1, init: false }),
  kind: mappedColumn(String(10), { init: false }),
}) {
  static bs = writeOnly(() => B);
}
class B extends Base.model("sa7a_td_b", {
  id: mappedColumn(Integer, { primaryKey: true, init: false }),
  aId: mappedColumn(ForeignKey("sa7a_td_a.id"), { nullable: true, init: false }),
  data: mappedColumn(String(50)),
}) {}

class Person extends Base.model("sa7a_td_person", {
  id: mappedColumn(Integer, { primaryKey: true, init: false }),
  name: mappedColumn(String(50)),
  type: mappedColumn(String(20), { init: false }),
}, { polymorphicOn: "type" }) {}
class Engineer extends Person.subclass({ status: mappedColumn(String(30)) }, { table: "sa7a_td_engineer", polymorphicIdentity: "engineer" }) {}

describe("typed mapping: attribute types", () => {
  it("follow the SQL type and nullable", () => {
    const a = new A({ data: "d" });
    expectTypeOf(a.id).toEqualTypeOf<number>();
    expectTypeOf(a.data).toEqualTypeOf<string>();
    expectTypeOf(a.x).toEqualTypeOf<number | null>();
    expectTypeOf(a.explicitNotNull).toEqualTypeOf<string>();
    expectTypeOf(a.big).toEqualTypeOf<bigint>();
    expectTypeOf(a.flag).toEqualTypeOf<boolean>();
    expectTypeOf(a.at).toEqualTypeOf<Date | null>();
    expectTypeOf(a.made).toEqualTypeOf<number>();
    expectTypeOf(a.kind).toEqualTypeOf<string>();
    expectTypeOf(new B({ data: "b" }).aId).toEqualTypeOf<number | null>();
  });
  it("a write-only relationship gives a WriteOnlyCollection of the target", () => {
    expectTypeOf(writeOnlyCollection(new A({ data: "d" }), A.bs)).toEqualTypeOf<WriteOnlyCollection<B>>();
  });
});

describe("dataclass-style constructor", () => {
  it("requires NOT NULL columns without a default, takes the rest optionally", () => {
    new A({ data: "d" });
    new A({ data: "d", x: 5, explicitNotNull: "e", big: 1n, flag: true, at: new Date() });
    // @ts-expect-error data is required
    new A({ x: 5 });
    // @ts-expect-error x is number | null
    new A({ data: "d", x: "5" });
  });
  it("refuses init: false columns, in both constructor forms", () => {
    // @ts-expect-error id is init: false
    new A({ data: "d", id: 1 });
    // @ts-expect-error made is init: false (a defaultFactory still applies)
    new A({ data: "d", made: 2 });
    // @ts-expect-error kind is init: false and so not required either
    new A({ data: "d", kind: "k" });
    // @ts-expect-error aId is init: false
    new B({ data: "b", aId: 1 });
    // A subclass takes the parent's and its own columns, and refuses the parent's init: false ones.
    expectTypeOf(new Engineer({ name: "n", status: "s" }).type).toEqualTypeOf<string>();
    // @ts-expect-error status is required
    new Engineer({ name: "n" });
    // @ts-expect-error type is init: false
    new Engineer({ name: "n", status: "s", type: "x" });
    // Relationships by name are still accepted by the second form.
    new A({ data: "d", bs: [] });
  });
});

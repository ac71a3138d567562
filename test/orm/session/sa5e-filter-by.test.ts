/**
 * `filterBy()` on ORM UPDATE and DELETE, ported from SQLAlchemy's
 * test/orm/dml/test_orm_upd_del_assorted.py (UpdateFilterByTest, DeleteFilterByTest): keys are
 * looked up in every entity of the statement's FROM; ambiguous and unknown keys raise.
 */
import { describe, expect, it } from "vitest";
import { DeclarativeBase, delete as delete_, ForeignKey, Integer, InvalidRequestError, mappedColumn, String, update } from "athanor";
import { AmbiguousColumnError } from "../../../src/sql/dml.js";
import { compile } from "../../sql/compiler/helpers.js";

class Base extends DeclarativeBase {}
class Department extends Base.model("departments", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30), { nullable: true }),
}) {}
class User extends Base.model("users", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
  department_id: mappedColumn(ForeignKey("departments.id"), { nullable: true }),
}) {}
class Address extends Base.model("addresses", {
  id: mappedColumn(Integer, { primaryKey: true }),
  user_id: mappedColumn(ForeignKey("users.id"), { nullable: true }),
  name: mappedColumn(String(30)),
  email_address: mappedColumn(String(50)),
}) {}
class Dingaling extends Base.model("dingalings", {
  id: mappedColumn(Integer, { primaryKey: true }),
  address_id: mappedColumn(ForeignKey("addresses.id"), { nullable: true }),
  data: mappedColumn(String(30), { nullable: true }),
}) {}
// Subclasses are adopted (attributes instrumented) on first construction.
new Department({});
new User({} as never);
new Address({} as never);
new Dingaling({});

type Stmt = ReturnType<typeof update> | ReturnType<typeof delete_>;
const fixtures: Record<string, { one: () => Stmt; two: () => Stmt; three: () => Stmt; four: () => Stmt }> = {
  UpdateFilterByTest: {
    one: () => update(User).values({ name: "newname" }),
    two: () => update(User).values({ name: "newname" }).where(User.id.eq(Address.user_id)),
    three: () => update(User).values({ name: "newname" }).where(User.id.eq(Address.user_id)).where(Address.id.eq(Dingaling.address_id)),
    four: () =>
      update(User).values({ name: "newname" }).where(User.id.eq(Address.user_id)).where(Address.id.eq(Dingaling.address_id)).where(Department.id.eq(User.department_id)),
  },
  DeleteFilterByTest: {
    one: () => delete_(User),
    two: () => delete_(User).where(User.id.eq(Address.user_id)),
    three: () => delete_(User).where(User.id.eq(Address.user_id)).where(Address.id.eq(Dingaling.address_id)),
    four: () => delete_(User).where(User.id.eq(Address.user_id)).where(Address.id.eq(Dingaling.address_id)).where(Department.id.eq(User.department_id)),
  },
};

describe.each(Object.entries(fixtures))("%s", (_, f) => {
  const sql = (s: Stmt): string => compile(s).sql;

  it("a key of the target entity (test_filter_by_basic)", () => {
    const c = compile(f.one().filterBy({ name: "somename" }));
    expect(c.sql).toMatch(/^(UPDATE|DELETE) .* WHERE users\.name = :name_1$/);
    expect(c.params).toMatchObject({ name_1: "somename" });
  });

  it("a key in two entities is ambiguous (test_filter_by_two_tables_ambiguous_id)", () => {
    expect(() => f.two().filterBy({ id: 5 })).toThrow(AmbiguousColumnError);
    expect(() => f.two().filterBy({ id: 5 })).toThrow('Attribute name "id" is ambiguous');
  });

  it("a key of the secondary table (test_filter_by_two_tables_secondary)", () => {
    expect(sql(f.two().filterBy({ email_address: "test@example.com" }))).toMatch(/^(UPDATE|DELETE) .* addresses\.email_address = :email_address_1$/);
  });

  it("ambiguity lists the entities searched (test_filter_by_three_tables_ambiguous)", () => {
    expect(() => f.three().filterBy({ name: "ambiguous" })).toThrow(
      'Attribute name "name" is ambiguous; it exists in multiple FROM clause entities (users, addresses, dingalings). Use filter() with explicit column references instead of filter_by().',
    );
    expect(new AmbiguousColumnError("x")).toBeInstanceOf(InvalidRequestError);
  });

  it("more than three entities are elided (test_filter_by_four_tables_ambiguous)", () => {
    expect(() => f.four().filterBy({ name: "ambiguous" })).toThrow(
      /^Attribute name "name" is ambiguous; it exists in multiple FROM clause entities \((?:dingalings, |departments, |users, |addresses, ){3}\.\.\. \(4 total\)\)/,
    );
  });

  it("an unknown key names the entities searched (test_filter_by_three_tables_notfound, four_tables_notfound)", () => {
    expect(() => f.three().filterBy({ unknown: "notfound" })).toThrow(InvalidRequestError);
    expect(() => f.three().filterBy({ unknown: "notfound" })).toThrow('None of the FROM clause entities have a property "unknown". Searched entities: users, addresses, dingalings');
    expect(() => f.four().filterBy({ unknown: "notfound" })).toThrow(
      /^None of the FROM clause entities have a property "unknown"\. Searched entities: (?:dingalings, |departments, |users, |addresses, ){3}\.\.\. \(4 total\)$/,
    );
  });

  it("keys found in one of three entities (test_filter_by_three_tables_primary/secondary/tertiary/user_id/address_id)", () => {
    expect(() => f.three().filterBy({ id: 5 })).toThrow('Attribute name "id" is ambiguous');
    expect(sql(f.three().filterBy({ email_address: "test@example.com" }))).toMatch(/ addresses\.email_address = :email_address_1$/);
    expect(sql(f.three().filterBy({ data: "somedata" }))).toMatch(/ dingalings\.data = :data_1$/);
    expect(sql(f.three().filterBy({ user_id: 7 }))).toMatch(/ addresses\.user_id = :user_id_1$/);
    expect(sql(f.three().filterBy({ address_id: 3 }))).toMatch(/ dingalings\.address_id = :address_id_1$/);
  });
});

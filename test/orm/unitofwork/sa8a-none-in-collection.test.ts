/**
 * SQLAlchemy's test/orm/test_cascade.py cases
 * (test_none_o2m_collection_assignment / _append, test_none_m2m_collection_assignment /
 * _append): a null in a collection makes the flush raise FlushError and leaves the collection as
 * it was, on PostgreSQL and SQLite. (An object of an unrelated class — dependency.py's
 * `_verify_canload`, TypeMatchTest — is covered in test/orm/mapping/sa8b-relationships.test.ts.)
 */
import { AsyncSession, Column, DeclarativeBase, FlushError, ForeignKey, Integer, mappedColumn, relationship, String, Table } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

function models() {
  class Base extends DeclarativeBase {}
  const users = uniqueName("sa8a_none_users");
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { nullable: true }),
  }) {
    static addresses = relationship(() => Address, { backPopulates: "user" });
    declare addresses: (Address | null)[];
  }
  class Address extends Base.model(uniqueName("sa8a_none_addresses"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${users}.id`), { nullable: true }),
    email_address: mappedColumn(String(50), { nullable: true }),
  }) {
    static user = relationship(() => User, { backPopulates: "addresses" });
    declare user: User | null;
  }
  const a = uniqueName("sa8a_none_a");
  const b = uniqueName("sa8a_none_b");
  const atob = new Table(uniqueName("sa8a_none_atob"), Base.metadata, {
    aid: new Column(new ForeignKey(`${a}.id`), { nullable: false }),
    bid: new Column(new ForeignKey(`${b}.id`), { nullable: false }),
  });
  class B extends Base.model(b, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {}
  class A extends Base.model(a, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {
    static bs = relationship(() => B, { secondary: atob });
    declare bs: (B | null)[];
  }
  return { Base, User, Address, A, B };
}

describe.each(dialectTargets())("None in a collection (test_cascade.py) on $name", (target) => {
  const m = models();
  const log = useSqlLog(target, m.Base.metadata);

  it("test_none_o2m_collection_assignment", async () => {
    const { User } = m;
    await using s = new AsyncSession(log.engine);
    const u1 = new User({ name: "u", addresses: [null] as never });
    s.add(u1);
    expect(u1.addresses).toEqual([null]);
    await expect(s.commit()).rejects.toThrow(new FlushError("Can't flush None value found in collection User.addresses"));
    expect(u1.addresses).toEqual([null]);
  });

  it("test_none_o2m_collection_append", async () => {
    const { User } = m;
    await using s = new AsyncSession(log.engine);
    const u1 = new User({ name: "u" });
    s.add(u1);
    u1.addresses.push(null);
    expect(u1.addresses).toEqual([null]);
    await expect(s.commit()).rejects.toThrow(new FlushError("Can't flush None value found in collection User.addresses"));
    expect(u1.addresses).toEqual([null]);
  });

  it("test_none_m2m_collection_assignment", async () => {
    const { A } = m;
    await using s = new AsyncSession(log.engine);
    const a1 = new A({ bs: [null] as never });
    s.add(a1);
    expect(a1.bs).toEqual([null]);
    await expect(s.commit()).rejects.toThrow(new FlushError("Can't flush None value found in collection A.bs"));
    expect(a1.bs).toEqual([null]);
  });

  it("test_none_m2m_collection_append", async () => {
    const { A } = m;
    await using s = new AsyncSession(log.engine);
    const a1 = new A();
    a1.bs.push(null);
    s.add(a1);
    expect(a1.bs).toEqual([null]);
    await expect(s.commit()).rejects.toThrow(new FlushError("Can't flush None value found in collection A.bs"));
    expect(a1.bs).toEqual([null]);
  });
});

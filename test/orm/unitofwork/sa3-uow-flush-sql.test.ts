/**
 * SQLAlchemy's test/orm/test_unitofworkv2.py (RudimentaryFlushTest, SingleCycleTest,
 * RowswitchM2OTest, RowswitchAccountingTest, EagerDefaultsTest), ported as assertions on the
 * statements a flush sends (SQL with `?` placeholders, positional parameters).
 *
 * Deliberate athanor differences kept here:
 * - flush DELETEs are batched as `DELETE FROM t WHERE t.id IN (…)` where SQLAlchemy runs
 *   `DELETE FROM t WHERE t.id = :id` as an executemany;
 * - new rows of one shape go out as one multi-row `INSERT … VALUES (…), (…)` (what
 *   SQLAlchemy's insertmanyvalues sends on the wire for its executemany).
 */
import {
  AsyncSession, DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, String, Table, Column, text, inspect, select,
  selectinload, getHistory, func,
} from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

/** users / addresses with only User.addresses (one-to-many, no cascade). */
function o2mModels() {
  class Base extends DeclarativeBase {}
  const users = uniqueName("sa3u_users");
  const addresses = uniqueName("sa3u_addresses");
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { nullable: true }),
  }) {
    static addresses = relationship(() => Address);
    declare addresses: Address[];
  }
  class Address extends Base.model(addresses, {
    id: mappedColumn(Integer, { primaryKey: true }),
    userId: mappedColumn(ForeignKey(`${users}.id`), { name: "user_id", nullable: true }),
    email: mappedColumn(String(50), { name: "email_address", nullable: true }),
  }) {}
  return { Base, User, Address, users, addresses };
}

/** users / addresses with only Address.user (many-to-one). */
function m2oModels() {
  class Base extends DeclarativeBase {}
  const users = uniqueName("sa3u_users");
  const addresses = uniqueName("sa3u_addresses");
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { nullable: true }),
  }) {}
  class Address extends Base.model(addresses, {
    id: mappedColumn(Integer, { primaryKey: true }),
    userId: mappedColumn(ForeignKey(`${users}.id`), { name: "user_id", nullable: true }),
    email: mappedColumn(String(50), { name: "email_address", nullable: true }),
  }) {
    static user = relationship(() => User);
    declare user: User | null;
  }
  return { Base, User, Address, users, addresses };
}

/** items ↔ keywords through item_keywords. */
function m2mModels() {
  class Base extends DeclarativeBase {}
  const items = uniqueName("sa3u_items");
  const keywords = uniqueName("sa3u_keywords");
  const itemKeywords = new Table(uniqueName("sa3u_item_keywords"), Base.metadata, {
    item_id: new Column(new ForeignKey(`${items}.id`)),
    keyword_id: new Column(new ForeignKey(`${keywords}.id`)),
  });
  class Keyword extends Base.model(keywords, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {}
  class Item extends Base.model(items, {
    id: mappedColumn(Integer, { primaryKey: true }),
    description: mappedColumn(String(30)),
  }) {
    static keywords = relationship(() => Keyword, { secondary: itemKeywords });
    declare keywords: Keyword[];
  }
  return { Base, Item, Keyword, items, keywords, itemKeywords: itemKeywords.name };
}

/** nodes with a self-referential one-to-many `children` and many-to-one `parent` (both plain). */
function nodeModels(kind: "o2m" | "m2o" | "both") {
  class Base extends DeclarativeBase {}
  const nodes = uniqueName("sa3u_nodes");
  class Node extends Base.model(nodes, {
    id: mappedColumn(Integer, { primaryKey: true }),
    parentId: mappedColumn(ForeignKey(`${nodes}.id`), { name: "parent_id", nullable: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {
    static children = kind === "m2o" ? undefined : relationship(() => Node, kind === "both" ? { backPopulates: "parent" } : {});
    declare children: Node[];
    static parent = kind === "o2m" ? undefined : relationship(() => Node, { remoteSide: () => [Node.id], ...(kind === "both" ? { backPopulates: "children" } : {}) });
    declare parent: Node | null;
  }
  return { Base, Node, nodes };
}

describe.each(dialectTargets())("RudimentaryFlushTest (test_unitofworkv2.py) on $name", (target) => {
  const o2m = o2mModels();
  const m2o = m2oModels();
  const m2m = m2mModels();
  const self = nodeModels("o2m");
  const log = useSqlLog(target, [o2m.Base.metadata, m2o.Base.metadata, m2m.Base.metadata, self.Base.metadata]);
  const session = () => new AsyncSession(log.engine, { expireOnCommit: false });

  it("test_one_to_many_save", async () => {
    const { User, Address, users, addresses } = o2m;
    await using sess = session();
    const [a1, a2] = [new Address({ email: "a1" }), new Address({ email: "a2" })];
    const u1 = new User({ name: "u1", addresses: [a1, a2] });
    sess.add(u1);
    const sent = await log.capture(() => sess.flush());
    expect(sent).toEqual([
      [`INSERT INTO ${users} (name) VALUES (?) RETURNING ${users}.id`, ["u1"]],
      [`INSERT INTO ${addresses} (user_id, email_address) VALUES (?, ?), (?, ?) RETURNING ${addresses}.id`, [u1.id, "a1", u1.id, "a2"]],
    ]);
    await sess.rollback();
  });

  it("test_one_to_many_delete_all", async () => {
    const { User, Address, users, addresses } = o2m;
    await using sess = session();
    const [a1, a2] = [new Address({ email: "a1" }), new Address({ email: "a2" })];
    const u1 = new User({ name: "u1", addresses: [a1, a2] });
    sess.add(u1);
    await sess.flush();
    sess.delete(u1);
    sess.delete(a1);
    sess.delete(a2);
    // athanor: DELETEs batched by IN (SQLAlchemy: executemany of "WHERE addresses.id = :id").
    expect(await log.capture(() => sess.flush())).toEqual([
      [`DELETE FROM ${addresses} WHERE ${addresses}.id IN (?, ?)`, [a1.id, a2.id]],
      [`DELETE FROM ${users} WHERE ${users}.id IN (?)`, [u1.id]],
    ]);
    await sess.rollback();
  });

  it("test_one_to_many_delete_parent", async () => {
    const { User, Address, users, addresses } = o2m;
    await using sess = session();
    const [a1, a2] = [new Address({ email: "a1" }), new Address({ email: "a2" })];
    const u1 = new User({ name: "u1", addresses: [a1, a2] });
    sess.add(u1);
    await sess.flush();
    sess.delete(u1);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${addresses} SET user_id=? WHERE ${addresses}.id = ?`, [null, a1.id]],
      [`UPDATE ${addresses} SET user_id=? WHERE ${addresses}.id = ?`, [null, a2.id]],
      [`DELETE FROM ${users} WHERE ${users}.id IN (?)`, [u1.id]],
    ]);
    expect([a1.userId, a2.userId]).toEqual([null, null]);
    await sess.rollback();
  });

  it("test_many_to_one_save", async () => {
    const { User, Address, users, addresses } = m2o;
    await using sess = session();
    const u1 = new User({ name: "u1" });
    const [a1, a2] = [new Address({ email: "a1", user: u1 }), new Address({ email: "a2", user: u1 })];
    sess.addAll([a1, a2]);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`INSERT INTO ${users} (name) VALUES (?) RETURNING ${users}.id`, ["u1"]],
      [`INSERT INTO ${addresses} (user_id, email_address) VALUES (?, ?), (?, ?) RETURNING ${addresses}.id`, [u1.id, "a1", u1.id, "a2"]],
    ]);
    await sess.rollback();
  });

  it("test_many_to_one_delete_all", async () => {
    const { User, Address, users, addresses } = m2o;
    await using sess = session();
    const u1 = new User({ name: "u1" });
    const [a1, a2] = [new Address({ email: "a1", user: u1 }), new Address({ email: "a2", user: u1 })];
    sess.addAll([a1, a2]);
    await sess.flush();
    sess.delete(u1);
    sess.delete(a1);
    sess.delete(a2);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`DELETE FROM ${addresses} WHERE ${addresses}.id IN (?, ?)`, [a1.id, a2.id]],
      [`DELETE FROM ${users} WHERE ${users}.id IN (?)`, [u1.id]],
    ]);
    await sess.rollback();
  });

  it("test_many_to_one_delete_target", async () => {
    const { User, Address, users, addresses } = m2o;
    await using sess = session();
    const u1 = new User({ name: "u1" });
    const [a1, a2] = [new Address({ email: "a1", user: u1 }), new Address({ email: "a2", user: u1 })];
    sess.addAll([a1, a2]);
    await sess.flush();
    sess.delete(u1);
    a1.user = a2.user = null;
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${addresses} SET user_id=? WHERE ${addresses}.id = ?`, [null, a1.id]],
      [`UPDATE ${addresses} SET user_id=? WHERE ${addresses}.id = ?`, [null, a2.id]],
      [`DELETE FROM ${users} WHERE ${users}.id IN (?)`, [u1.id]],
    ]);
    await sess.rollback();
  });

  it("test_many_to_one_delete_childonly_unloaded", async () => {
    const { User, Address, addresses } = m2o;
    await using sess = session();
    const parent = new User({ name: "p1" });
    const [c1, c2] = [new Address({ email: "c1", user: parent }), new Address({ email: "c2", user: parent })];
    sess.addAll([c1, c2, parent]);
    await sess.flush();
    const [c1id, c2id] = [c1.id, c2.id];
    sess.expire(c1);
    sess.expire(c2);
    sess.delete(c1);
    sess.delete(c2);
    // No SELECT of the parent: the many-to-one is simple and the User isn't deleted.
    const sent = await log.capture(() => sess.flush());
    expect(sent.filter(([sql]) => sql.startsWith("SELECT")).every(([sql]) => sql.includes(`FROM ${addresses}`))).toBe(true);
    expect(sent.filter(([sql]) => !sql.startsWith("SELECT"))).toEqual([[`DELETE FROM ${addresses} WHERE ${addresses}.id IN (?, ?)`, [c1id, c2id]]]);
    await sess.rollback();
  });

  it("test_many_to_one_del_attr", async () => {
    const { User, Address, addresses } = m2o;
    await using sess = session();
    const u1 = new User({ name: "u1" });
    const [a1, a2] = [new Address({ email: "a1", user: u1 }), new Address({ email: "a2", user: u1 })];
    sess.addAll([a1, a2]);
    await sess.flush();
    a1.user = null;
    expect(await log.capture(() => sess.flush())).toEqual([[`UPDATE ${addresses} SET user_id=? WHERE ${addresses}.id = ?`, [null, a1.id]]]);
    expect(a2.userId).toBe(u1.id);
    await sess.rollback();
  });

  it("test_natural_ordering", async () => {
    const { User, Address, users, addresses } = m2o;
    await using sess = session();
    const u1 = new User({ id: 1, name: "u1" });
    const a1 = new Address({ id: 1, userId: 1, email: "a2" });
    sess.addAll([u1, a1]);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`INSERT INTO ${users} (id, name) VALUES (?, ?)`, [1, "u1"]],
      [`INSERT INTO ${addresses} (id, user_id, email_address) VALUES (?, ?, ?)`, [1, 1, "a2"]],
    ]);
    sess.delete(u1);
    sess.delete(a1);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`DELETE FROM ${addresses} WHERE ${addresses}.id IN (?)`, [1]],
      [`DELETE FROM ${users} WHERE ${users}.id IN (?)`, [1]],
    ]);
    await sess.rollback();
  });

  it("test_natural_selfref", async () => {
    const { Node, nodes } = self;
    await using sess = session();
    // Rows of one class go in the order they were added: one statement for all three.
    sess.addAll([new Node({ id: 1 }), new Node({ id: 2, parentId: 1 }), new Node({ id: 3, parentId: 2 })]);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`INSERT INTO ${nodes} (id, parent_id, data) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)`, [1, null, null, 2, 1, null, 3, 2, null]],
    ]);
    await sess.rollback();
  });

  it("test_many_to_many", async () => {
    const { Item, Keyword, items, keywords, itemKeywords } = m2m;
    await using sess = session();
    const k1 = new Keyword({ name: "k1" });
    const i1 = new Item({ description: "i1", keywords: [k1] });
    sess.add(i1);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`INSERT INTO ${items} (description) VALUES (?) RETURNING ${items}.id`, ["i1"]],
      [`INSERT INTO ${keywords} (name) VALUES (?) RETURNING ${keywords}.id`, ["k1"]],
      [`INSERT INTO ${itemKeywords} (item_id, keyword_id) VALUES (?, ?)`, [i1.id, k1.id]],
    ]);
    // The expired collection isn't loaded by a flush that doesn't need it.
    sess.expire(i1, ["keywords"]);
    i1.description = "i2";
    expect(await log.capture(() => sess.flush())).toEqual([[`UPDATE ${items} SET description=? WHERE ${items}.id = ?`, ["i2", i1.id]]]);
    await sess.rollback();
  });
});

describe.each(dialectTargets())("SingleCycleTest (test_unitofworkv2.py) on $name", (target) => {
  const o2m = nodeModels("o2m");
  const m2o = nodeModels("m2o");
  const both = nodeModels("both");
  const log = useSqlLog(target, [o2m.Base.metadata, m2o.Base.metadata, both.Base.metadata]);
  const session = () => new AsyncSession(log.engine, { expireOnCommit: false });

  it("test_one_to_many_save", async () => {
    const { Node, nodes } = o2m;
    await using sess = session();
    const [n2, n3] = [new Node({ data: "n2" }), new Node({ data: "n3" })];
    const n1 = new Node({ data: "n1", children: [n2, n3] });
    sess.add(n1);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`INSERT INTO ${nodes} (parent_id, data) VALUES (?, ?) RETURNING ${nodes}.id`, [null, "n1"]],
      [`INSERT INTO ${nodes} (parent_id, data) VALUES (?, ?), (?, ?) RETURNING ${nodes}.id`, [n1.id, "n2", n1.id, "n3"]],
    ]);
    await sess.rollback();
  });

  it("test_one_to_many_delete_all", async () => {
    const { Node, nodes } = o2m;
    await using sess = session();
    const [n2, n3] = [new Node({ data: "n2", children: [] }), new Node({ data: "n3", children: [] })];
    const n1 = new Node({ data: "n1", children: [n2, n3] });
    sess.add(n1);
    await sess.flush();
    sess.delete(n1);
    sess.delete(n2);
    sess.delete(n3);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`DELETE FROM ${nodes} WHERE ${nodes}.id IN (?, ?)`, [n2.id, n3.id]],
      [`DELETE FROM ${nodes} WHERE ${nodes}.id IN (?)`, [n1.id]],
    ]);
    await sess.rollback();
  });

  it("test_one_to_many_delete_parent", async () => {
    const { Node, nodes } = o2m;
    await using sess = session();
    const [n2, n3] = [new Node({ data: "n2", children: [] }), new Node({ data: "n3", children: [] })];
    const n1 = new Node({ data: "n1", children: [n2, n3] });
    sess.add(n1);
    await sess.flush();
    sess.delete(n1);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${nodes} SET parent_id=? WHERE ${nodes}.id = ?`, [null, n2.id]],
      [`UPDATE ${nodes} SET parent_id=? WHERE ${nodes}.id = ?`, [null, n3.id]],
      [`DELETE FROM ${nodes} WHERE ${nodes}.id IN (?)`, [n1.id]],
    ]);
    await sess.rollback();
  });

  it("test_many_to_one_save", async () => {
    const { Node, nodes } = m2o;
    await using sess = session();
    const n1 = new Node({ data: "n1" });
    const [n2, n3] = [new Node({ data: "n2", parent: n1 }), new Node({ data: "n3", parent: n1 })];
    sess.addAll([n2, n3]);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`INSERT INTO ${nodes} (parent_id, data) VALUES (?, ?) RETURNING ${nodes}.id`, [null, "n1"]],
      [`INSERT INTO ${nodes} (parent_id, data) VALUES (?, ?), (?, ?) RETURNING ${nodes}.id`, [n1.id, "n2", n1.id, "n3"]],
    ]);
    await sess.rollback();
  });

  it("test_many_to_one_delete_all", async () => {
    const { Node, nodes } = m2o;
    await using sess = session();
    const n1 = new Node({ data: "n1" });
    const [n2, n3] = [new Node({ data: "n2", parent: n1 }), new Node({ data: "n3", parent: n1 })];
    sess.addAll([n2, n3]);
    await sess.flush();
    sess.delete(n1);
    sess.delete(n2);
    sess.delete(n3);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`DELETE FROM ${nodes} WHERE ${nodes}.id IN (?, ?)`, [n2.id, n3.id]],
      [`DELETE FROM ${nodes} WHERE ${nodes}.id IN (?)`, [n1.id]],
    ]);
    await sess.rollback();
  });

  it("test_many_to_one_set_null_unloaded", async () => {
    const { Node, nodes } = m2o;
    const n1 = new Node({ data: "n1" });
    const n2 = new Node({ data: "n2", parent: n1 });
    {
      await using sess = session();
      sess.add(n2);
      await sess.commit();
    }
    await using sess = session();
    const loaded = (await sess.get(Node, n2.id))!;
    loaded.parent = null;
    expect(await log.capture(() => sess.flush())).toEqual([[`UPDATE ${nodes} SET parent_id=? WHERE ${nodes}.id = ?`, [null, n2.id]]]);
    await sess.commit();
  });

  it("test_cycle_rowswitch", async () => {
    const { Node, nodes } = o2m;
    await using sess = session();
    const n2 = new Node({ data: "n2", children: [] });
    const n1 = new Node({ data: "n1", children: [n2] });
    sess.add(n1);
    await sess.flush();
    sess.delete(n2);
    const n3 = new Node({ data: "n3", children: [] });
    n3.id = n2.id;
    n1.children = [...n1.children, n3];
    // The DELETE and INSERT of the same key become one UPDATE (row switch) of what n3 was given.
    expect(await log.capture(() => sess.flush())).toEqual([[`UPDATE ${nodes} SET parent_id=?, data=? WHERE ${nodes}.id = ?`, [n1.id, "n3", n2.id]]]);
    expect(inspect(n3).persistent).toBe(true);
    expect(inspect(n2).deleted || inspect(n2).detached).toBe(true);
    await sess.rollback();
  });

  it("test_bidirectional_mutations_one", async () => {
    const { Node } = both;
    await using sess = session();
    const [n2, n3] = [new Node({ data: "n2", children: [] }), new Node({ data: "n3", children: [] })];
    const n1 = new Node({ data: "n1", children: [n2] });
    sess.add(n1);
    await sess.flush();
    sess.delete(n2);
    n1.children = [...n1.children, n3];
    await sess.flush();
    sess.delete(n1);
    sess.delete(n3);
    await sess.flush();
    expect((await sess.scalars(select(Node).where(Node.id.in([n1.id, n2.id, n3.id])))).all()).toEqual([]);
    await sess.rollback();
  });

  it("test_bidirectional_multilevel_save", async () => {
    const { Node, nodes } = both;
    await using sess = session();
    const n1 = new Node({ data: "n1" });
    const n11 = new Node({ data: "n11" });
    const n12 = new Node({ data: "n12" });
    const n13 = new Node({ data: "n13" });
    n1.children = [n11, n12, n13];
    const n121 = new Node({ data: "n121" });
    const n122 = new Node({ data: "n122" });
    const n123 = new Node({ data: "n123" });
    n12.children = [n121, n122, n123];
    sess.add(n1);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`INSERT INTO ${nodes} (parent_id, data) VALUES (?, ?) RETURNING ${nodes}.id`, [null, "n1"]],
      [`INSERT INTO ${nodes} (parent_id, data) VALUES (?, ?), (?, ?), (?, ?) RETURNING ${nodes}.id`, [n1.id, "n11", n1.id, "n12", n1.id, "n13"]],
      [`INSERT INTO ${nodes} (parent_id, data) VALUES (?, ?), (?, ?), (?, ?) RETURNING ${nodes}.id`, [n12.id, "n121", n12.id, "n122", n12.id, "n123"]],
    ]);
    expect([n121, n122, n123].map((n) => n.parent)).toEqual([n12, n12, n12]);
    await sess.rollback();
  });

  it("test_delete_unloaded_m2o", async () => {
    const { Node, nodes } = m2o;
    const n1 = new Node({ data: "n1" });
    const [n2, n3] = [new Node({ data: "n2", parent: n1 }), new Node({ data: "n3", parent: n1 })];
    const n4 = new Node({ data: "n4", parent: n2 });
    {
      await using sess = session();
      sess.addAll([n4, n3]);
      await sess.commit();
    }
    await using sess = session();
    const got = (await sess.scalars(select(Node).where(Node.id.in([n1.id, n2.id, n3.id, n4.id])).orderBy(Node.id))).all();
    for (const n of got) sess.delete(n);
    const sent = await log.capture(() => sess.flush());
    const dels = sent.filter(([sql]) => sql.startsWith("DELETE"));
    // Children before parents, level by level.
    expect(dels).toEqual([
      [`DELETE FROM ${nodes} WHERE ${nodes}.id IN (?)`, [n4.id]],
      [`DELETE FROM ${nodes} WHERE ${nodes}.id IN (?, ?)`, [n2.id, n3.id]],
      [`DELETE FROM ${nodes} WHERE ${nodes}.id IN (?)`, [n1.id]],
    ]);
    await sess.commit();
  });
});

describe.each(dialectTargets())("RowswitchM2OTest (test_unitofworkv2.py) on $name", (target) => {
  class Base extends DeclarativeBase {}
  const a = uniqueName("sa3u_a");
  const b = uniqueName("sa3u_b");
  const c = uniqueName("sa3u_c");
  class C extends Base.model(c, {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  }) {}
  class B extends Base.model(b, {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    aid: mappedColumn(ForeignKey(`${a}.id`), { nullable: true }),
    cid: mappedColumn(ForeignKey(`${c}.id`), { nullable: true }),
    data: mappedColumn(String(50), { nullable: true }),
  }) {
    static c = relationship(() => C);
    declare c: C | null;
  }
  class A extends Base.model(a, {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  }) {
    static bs = relationship(() => B, { cascade: "all, delete-orphan" });
    declare bs: B[];
  }
  const log = useSqlLog(target, Base.metadata);
  const session = () => new AsyncSession(log.engine);
  const firstA = async (sess: AsyncSession) => (await sess.scalars(select(A).options(selectinload(A.bs)))).first()!;

  it("test_set_none_replaces_m2o", async () => {
    await using sess = session();
    sess.add(new A({ id: 1, bs: [new B({ id: 1, c: new C({ id: 1 }) })] }));
    await sess.commit();
    const a1 = await firstA(sess);
    a1.bs = [new B({ id: 1, c: null })];
    // The orphaned B(1) and the new B(1) are one row: an UPDATE, no DELETE or INSERT.
    expect(await log.capture(() => sess.commit())).toEqual([[`UPDATE ${b} SET aid=?, cid=? WHERE ${b}.id = ?`, [1, null, 1]]]);
    expect((await sess.scalars(select(B.cid).where(B.id.eq(1)))).one()).toBe(null);
  });

  it("test_set_none_w_get_replaces_m2o", async () => {
    await using sess = session();
    sess.add(new A({ id: 1, bs: [new B({ id: 1, c: new C({ id: 1 }) })] }));
    await sess.commit();
    const a1 = await firstA(sess);
    const b2 = new B({ id: 1 });
    expect(b2.c).toBe(null);
    b2.c = null;
    a1.bs = [b2];
    await sess.commit();
    expect((await sess.scalars(select(B.cid).where(B.id.eq(1)))).one()).toBe(null);
  });

  it("test_set_none_replaces_scalar", async () => {
    await using sess = session();
    sess.add(new A({ id: 1, bs: [new B({ id: 1, data: "somedata" })] }));
    await sess.commit();
    const a1 = await firstA(sess);
    a1.bs = [new B({ id: 1, data: null })];
    expect(await log.capture(() => sess.commit())).toEqual([[`UPDATE ${b} SET aid=?, data=? WHERE ${b}.id = ?`, [1, null, 1]]]);
    const again = await firstA(sess);
    expect(again.bs[0].data).toBe(null);
  });

  it("test_set_none_w_get_replaces_scalar", async () => {
    await using sess = session();
    sess.add(new A({ id: 1, bs: [new B({ id: 1, data: "somedata" })] }));
    await sess.commit();
    const a1 = await firstA(sess);
    const b2 = new B({ id: 1 });
    expect(b2.data ?? null).toBe(null);
    b2.data = null;
    a1.bs = [b2];
    await sess.commit();
    const again = await firstA(sess);
    expect(again.bs[0].data).toBe(null);
  });
});

describe.each(dialectTargets())("RowswitchAccountingTest (test_unitofworkv2.py) on $name", (target) => {
  class Base extends DeclarativeBase {}
  const parent = uniqueName("sa3u_parent");
  const child = uniqueName("sa3u_child");
  class Parent extends Base.model(parent, {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    data: mappedColumn(Integer, { nullable: true }),
  }) {
    static child = relationship(() => Child, { uselist: false, cascade: "all, delete-orphan", backPopulates: "parent" });
    declare child: Child | null;
  }
  class Child extends Base.model(child, {
    id: mappedColumn(ForeignKey(`${parent}.id`), { primaryKey: true }),
    data: mappedColumn(Integer, { nullable: true }),
  }) {
    static parent = relationship(() => Parent, { backPopulates: "child" });
    declare parent: Parent | null;
  }
  const log = useSqlLog(target, Base.metadata);

  it("test_switch_on_update", async () => {
    await using sess = new AsyncSession(log.engine);
    sess.add(new Parent({ id: 1, child: new Child({}) }));
    await sess.commit();
    await sess.close();
    // SQLAlchemy's merge() lazy-loads Parent.child first; athanor's merge() doesn't load, so load it up front.
    await sess.scalars(select(Parent).options(selectinload(Parent.child)));
    const p3 = await sess.merge(new Parent({ id: 1, child: new Child({}) }));
    const old = getHistory(p3, "child").deleted[0] as Child;
    expect(sess.contains(old)).toBe(true);
    // The orphaned Child(1) is replaced by an identical row: no SQL.
    expect(await log.capture(() => sess.flush())).toEqual([]);
    expect(sess.contains(p3.child!)).toBe(true);
    expect(inspect(p3.child!).persistent).toBe(true);
    const p5 = await sess.merge(new Parent({ id: 1, child: new Child({}) }));
    expect(sess.contains(getHistory(p5, "child").deleted[0] as Child)).toBe(true);
    await sess.flush();
    expect(inspect(p5.child!).persistent).toBe(true);
    await sess.rollback();
  });

  it("test_switch_on_delete", async () => {
    await using sess = new AsyncSession(log.engine);
    const p1 = new Parent({ id: 1, data: 2, child: null });
    sess.add(p1);
    await sess.flush();
    p1.id = 5;
    sess.delete(p1);
    expect(p1.id).toBe(5);
    await sess.flush();
    expect(await sess.scalar(select(func.count()).selectFrom(Parent.__table__))).toBe(0);
    await sess.rollback();
  });
});

describe.each(dialectTargets())("EagerDefaultsTest (test_unitofworkv2.py) on $name", (target) => {
  class Base extends DeclarativeBase {}
  const test = uniqueName("sa3u_test");
  const test2 = uniqueName("sa3u_test2");
  const test4 = uniqueName("sa3u_test4");
  class Thing extends Base.model(test, {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    foo: mappedColumn(Integer, { serverDefault: "3" }),
  }) {}
  class Thing2 extends Base.model(test2, {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    foo: mappedColumn(Integer, { nullable: true }),
    bar: mappedColumn(Integer, { nullable: true }),
  }) {}
  const test2b = uniqueName("sa3u_test2b");
  // test2 with `bar` server_onupdate=FetchedValue(): a trigger's value, fetched after an UPDATE
  // (SQLAlchemy's EagerDefaultsTest maps every class with eager_defaults=True).
  class Thing2b extends Base.model(test2b, {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    foo: mappedColumn(Integer, { nullable: true }),
    bar: mappedColumn(Integer, { nullable: true, serverOnupdate: true }),
  }, { eagerDefaults: true }) {}
  class Thing4 extends Base.model(test4, {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    foo: mappedColumn(Integer, { nullable: true }),
    bar: mappedColumn(Integer, { nullable: true, onupdate: text("5 + 3") }),
  }, { eagerDefaults: true }) {}
  const log = useSqlLog(target, Base.metadata);
  const session = () => new AsyncSession(log.engine, { expireOnCommit: false });

  it("test_server_insert_defaults_present", async () => {
    await using s = session();
    const [t1, t2] = [new Thing({ id: 1, foo: 5 }), new Thing({ id: 2, foo: 10 })];
    s.addAll([t1, t2]);
    expect(await log.capture(() => s.flush())).toEqual([[`INSERT INTO ${test} (id, foo) VALUES (?, ?), (?, ?)`, [1, 5, 2, 10]]]);
    log.reset();
    expect([t1.foo, t2.foo]).toEqual([5, 10]);
    expect(log.sent).toEqual([]);
    await s.rollback();
  });

  it("test_server_insert_defaults_nonpresent", async () => {
    await using s = session();
    const [t1, t2] = [new Thing({ id: 1 }), new Thing({ id: 2 })];
    s.addAll([t1, t2]);
    expect(await log.capture(() => s.flush())).toEqual([
      [`INSERT INTO ${test} (id) VALUES (?), (?) RETURNING ${test}.foo, ${test}.id`, [1, 2]],
    ]);
    log.reset();
    expect([t1.foo, t2.foo]).toEqual([3, 3]);
    expect(log.sent).toEqual([]);
    await s.rollback();
  });

  it("test_insert_dont_fetch_nondefaults", async () => {
    await using s = session();
    s.add(new Thing2({ id: 1, bar: 2 }));
    expect(await log.capture(() => s.flush())).toEqual([[`INSERT INTO ${test2} (id, foo, bar) VALUES (?, ?, ?)`, [1, null, 2]]]);
    await s.rollback();
  });

  it("test_update_dont_fetch_nondefaults", async () => {
    await using s = session();
    const t1 = new Thing2({ id: 1, bar: 2 });
    s.add(t1);
    await s.flush();
    s.expire(t1, ["foo"]);
    t1.bar = 3;
    expect(await log.capture(() => s.flush())).toEqual([[`UPDATE ${test2} SET bar=? WHERE ${test2}.id = ?`, [3, 1]]]);
    await s.rollback();
  });

  it("test_server_update_defaults_nonpresent", async () => {
    await using s = session();
    const [t1, t2, t3, t4] = [1, 2, 3, 4].map((i) => new Thing2b({ id: i, foo: i, bar: i + 1 }));
    s.addAll([t1, t2, t3, t4]);
    await s.flush();
    t1.foo = 5;
    t2.foo = 6;
    t2.bar = 10;
    t3.foo = 7;
    t4.foo = 8;
    t4.bar = 12;
    // In primary-key order; a row whose server_onupdate column isn't set fetches it back.
    expect(await log.capture(() => s.flush())).toEqual([
      [`UPDATE ${test2b} SET foo=? WHERE ${test2b}.id = ? RETURNING ${test2b}.bar`, [5, 1]],
      [`UPDATE ${test2b} SET foo=?, bar=? WHERE ${test2b}.id = ?`, [6, 10, 2]],
      [`UPDATE ${test2b} SET foo=? WHERE ${test2b}.id = ? RETURNING ${test2b}.bar`, [7, 3]],
      [`UPDATE ${test2b} SET foo=?, bar=? WHERE ${test2b}.id = ?`, [8, 12, 4]],
    ]);
    log.reset();
    expect([t1.bar, t2.bar, t3.bar, t4.bar]).toEqual([2, 10, 4, 12]);
    expect(log.sent).toEqual([]);
    await s.rollback();
  });

  it("test_update_defaults_present", async () => {
    await using s = session();
    const [t1, t2] = [new Thing2({ id: 1, foo: 1, bar: 2 }), new Thing2({ id: 2, foo: 2, bar: 3 })];
    s.addAll([t1, t2]);
    await s.flush();
    t1.bar = 5;
    t2.bar = 10;
    expect(await log.capture(() => s.flush())).toEqual([
      [`UPDATE ${test2} SET bar=? WHERE ${test2}.id = ?`, [5, 1]],
      [`UPDATE ${test2} SET bar=? WHERE ${test2}.id = ?`, [10, 2]],
    ]);
    await s.rollback();
  });
});

describe.each(dialectTargets())("BatchInsertsTest (test_unitofworkv2.py) on $name", (target) => {
  class Base extends DeclarativeBase {}
  const t = uniqueName("sa3u_t");
  class T extends Base.model(t, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(50), { nullable: true }),
    def_: mappedColumn(String(50), { serverDefault: "def1" }),
  }) {}
  const log = useSqlLog(target, Base.metadata);

  it("test_batch_interaction", async () => {
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const objs = [
      new T({ data: "t1" }),
      new T({ data: "t2" }),
      new T({ id: 3, data: "t3" }),
      new T({ id: 4, data: "t4" }),
      new T({ id: 5, data: "t5" }),
      new T({ id: 6, data: func.lower("t6") as never }),
      new T({ id: 7, data: "t7" }),
      new T({ id: 8, data: "t8" }),
      new T({ id: 9, data: "t9", def_: "def2" }),
      new T({ id: 10, data: "t10", def_: "def3" }),
      new T({ id: 11, data: "t11" }),
    ];
    sess.addAll(objs);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`INSERT INTO ${t} (data) VALUES (?), (?) RETURNING ${t}.id, ${t}.def_`, ["t1", "t2"]],
      [`INSERT INTO ${t} (id, data) VALUES (?, ?), (?, ?), (?, ?) RETURNING ${t}.def_, ${t}.id`, [3, "t3", 4, "t4", 5, "t5"]],
      [`INSERT INTO ${t} (id, data) VALUES (?, lower(?)) RETURNING ${t}.def_`, [6, "t6"]],
      [`INSERT INTO ${t} (id, data) VALUES (?, ?), (?, ?) RETURNING ${t}.def_, ${t}.id`, [7, "t7", 8, "t8"]],
      [`INSERT INTO ${t} (id, data, def_) VALUES (?, ?, ?), (?, ?, ?)`, [9, "t9", "def2", 10, "t10", "def3"]],
      [`INSERT INTO ${t} (id, data) VALUES (?, ?) RETURNING ${t}.def_`, [11, "t11"]],
    ]);
    expect(objs.map((o) => o.def_)).toEqual(["def1", "def1", "def1", "def1", "def1", "def1", "def1", "def1", "def2", "def3", "def1"]);
    // The value a SQL expression produced is the database's: expired, read by a refresh.
    expect(inspect(objs[5]).expired).toBe(false);
    expect(inspect(objs[5]).unloaded.has("data")).toBe(true);
    await sess.refresh(objs[5]);
    expect(objs[5].data).toBe("t6");
    await sess.rollback();
  });
});

describe.each(dialectTargets())("SingleCycleM2MTest (test_unitofworkv2.py) on $name", (target) => {
  class Base extends DeclarativeBase {}
  const nodes = uniqueName("sa3u_m2m_nodes");
  const nodeToNodes = new Table(uniqueName("sa3u_node_to_nodes"), Base.metadata, {
    left_node_id: new Column(new ForeignKey(`${nodes}.id`), { primaryKey: true }),
    right_node_id: new Column(new ForeignKey(`${nodes}.id`), { primaryKey: true }),
  });
  class Node extends Base.model(nodes, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(30), { nullable: true }),
    favoriteNodeId: mappedColumn(ForeignKey(`${nodes}.id`), { name: "favorite_node_id", nullable: true }),
  }) {
    static children = relationship(() => Node, {
      secondary: nodeToNodes,
      primaryjoin: () => Node.id.eq(nodeToNodes.c.left_node_id),
      secondaryjoin: () => Node.id.eq(nodeToNodes.c.right_node_id),
      backPopulates: "parents",
    });
    declare children: Node[];
    static parents = relationship(() => Node, {
      secondary: nodeToNodes,
      primaryjoin: () => Node.id.eq(nodeToNodes.c.right_node_id),
      secondaryjoin: () => Node.id.eq(nodeToNodes.c.left_node_id),
      backPopulates: "children",
    });
    declare parents: Node[];
    static favorite = relationship(() => Node, { remoteSide: () => [Node.id] });
    declare favorite: Node | null;
  }
  const log = useSqlLog(target, Base.metadata);

  it("test_many_to_many_one", async () => {
    await using sess = new AsyncSession(log.engine, { autoflush: false, expireOnCommit: false });
    const [n1, n2, n3, n4, n5] = ["n1", "n2", "n3", "n4", "n5"].map((data) => new Node({ data, children: [], parents: [] }));
    n4.favorite = n3;
    n1.favorite = n5;
    n5.favorite = n2;
    n1.children = [n2, n3, n4];
    n2.children = [n3, n5];
    n3.children = [n5, n4];
    sess.addAll([n1, n2, n3, n4, n5]);
    await sess.flush();
    const pairs = async () =>
      (await sess.execute(select(nodeToNodes.c.left_node_id, nodeToNodes.c.right_node_id).orderBy(nodeToNodes.c.left_node_id, nodeToNodes.c.right_node_id)))
        .all().map((r) => [r[0], r[1]]);
    const sorted = (xs: number[][]) => [...xs].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(await pairs()).toEqual(sorted([[n1.id, n2.id], [n1.id, n3.id], [n1.id, n4.id], [n2.id, n3.id], [n2.id, n5.id], [n3.id, n5.id], [n3.id, n4.id]]));
    expect([n4.favoriteNodeId, n1.favoriteNodeId, n5.favoriteNodeId]).toEqual([n3.id, n5.id, n2.id]);

    // athanor deletes a deleted node's association rows by its key on either side in one
    // statement each (SQLAlchemy loads n1.parents and deletes the rows one by one).
    sess.delete(n1);
    await sess.flush();
    expect(await pairs()).toEqual(sorted([[n2.id, n3.id], [n2.id, n5.id], [n3.id, n5.id], [n3.id, n4.id]]));
    for (const n of [n2, n3, n4, n5]) sess.delete(n);
    const sent = await log.capture(() => sess.flush());
    // Rows referring to others through `favorite` go first: n4 and n5, then n2 and n3.
    expect(sent.filter(([sql]) => sql.startsWith(`DELETE FROM ${nodes}`))).toEqual([
      [`DELETE FROM ${nodes} WHERE ${nodes}.id IN (?, ?)`, [n4.id, n5.id].sort((a, b) => a - b)],
      [`DELETE FROM ${nodes} WHERE ${nodes}.id IN (?, ?)`, [n2.id, n3.id].sort((a, b) => a - b)],
    ]);
    expect(await pairs()).toEqual([]);
    expect((await sess.scalars(select(Node))).all()).toEqual([]);
    await sess.rollback();
  });
});

describe.each(dialectTargets())("RudimentaryFlushTest, expired objects (test_unitofworkv2.py) on $name", (target) => {
  const m2o = m2oModels();
  const log = useSqlLog(target, m2o.Base.metadata);

  it("test_many_to_one_delete_unloaded", async () => {
    const { User, Address, users, addresses } = m2o;
    await using session = new AsyncSession(log.engine, { expireOnCommit: false });
    const parent = new User({ name: "p1" });
    const [c1, c2] = [new Address({ email: "c1", user: parent }), new Address({ email: "c2", user: parent })];
    session.addAll([c1, c2]);
    session.add(parent);
    await session.flush();
    const [pid, c1id, c2id] = [parent.id, c1.id, c2.id];
    session.expire(parent);
    session.expire(c1);
    session.expire(c2);
    session.delete(c1);
    session.delete(c2);
    session.delete(parent);
    const sent = await log.capture(() => session.flush());
    const dml = sent.filter(([sql]) => !sql.startsWith("SELECT"));
    expect(dml).toEqual([
      [`DELETE FROM ${addresses} WHERE ${addresses}.id IN (?, ?)`, [c1id, c2id]],
      [`DELETE FROM ${users} WHERE ${users}.id IN (?)`, [pid]],
    ]);
    expect((await session.scalars(select(Address))).all()).toEqual([]);
    await session.rollback();
  });

  it("test_many_to_one_delete_childonly_unloaded_expired", async () => {
    const { User, Address, addresses } = m2o;
    await using session = new AsyncSession(log.engine, { expireOnCommit: false });
    const parent = new User({ name: "p1" });
    const [c1, c2] = [new Address({ email: "c1", user: parent }), new Address({ email: "c2", user: parent })];
    session.addAll([c1, c2]);
    session.add(parent);
    await session.flush();
    const [c1id, c2id] = [c1.id, c2.id];
    session.expire(parent);
    session.expire(c1);
    session.expire(c2);
    session.delete(c1);
    session.delete(c2);
    const sent = await log.capture(() => session.flush());
    expect(sent.filter(([sql]) => !sql.startsWith("SELECT"))).toEqual([[`DELETE FROM ${addresses} WHERE ${addresses}.id IN (?, ?)`, [c1id, c2id]]]);
    await session.rollback();
  });
});

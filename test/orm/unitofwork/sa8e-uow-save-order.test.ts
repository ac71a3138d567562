/**
 * Statement order of a flush, as SQLAlchemy 2.0's unit of work sends it (test_unitofworkv2.py's
 * `assert_sql_execution` sequences; unitofwork.py / dependency.py / persistence.save_obj):
 * - mapper by mapper in dependency order (parent tables first), each mapper's UPDATEs, then its
 *   INSERTs (save_obj: `_emit_update_statements` before `_emit_insert_statements`);
 * - children of a deleted parent get their foreign key NULLed by their own mapper's UPDATE,
 *   together with their other changed columns (OneToManyDP.process_deletes registers them for
 *   the child mapper's save);
 * - association rows of deleted objects go before every save (ManyToManyDP's before_delete
 *   action precedes parent and child saves); those of changed collections after both saves;
 * - in a self-referential mapper (a row-level cycle), an UPDATE that takes a new row's key comes
 *   after that row's INSERT, other UPDATEs with the mapper's INSERTs (per-state actions);
 * - DELETEs last.
 * Deliberate athanor differences kept: association rows of a deleted object are deleted by its
 * key (`item_id IN (…)`) rather than pair by pair; DELETEs are batched by `IN`.
 */
import { AsyncSession, Column, DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, selectinload, select, String, Table } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

function models() {
  class Base extends DeclarativeBase {}
  const users = uniqueName("sa8e_users");
  const addresses = uniqueName("sa8e_addresses");
  const items = uniqueName("sa8e_items");
  const keywords = uniqueName("sa8e_keywords");
  const nodes = uniqueName("sa8e_nodes");
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { nullable: true }),
  }) {
    static addresses = relationship(() => Address, { backPopulates: "user" });
    declare addresses: Address[];
  }
  class Address extends Base.model(addresses, {
    id: mappedColumn(Integer, { primaryKey: true }),
    userId: mappedColumn(ForeignKey(`${users}.id`), { name: "user_id", nullable: true }),
    email: mappedColumn(String(50), { name: "email_address", nullable: true }),
  }) {
    static user = relationship(() => User, { backPopulates: "addresses" });
    declare user: User | null;
  }
  const itemKeywords = new Table(uniqueName("sa8e_item_keywords"), Base.metadata, {
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
  class Node extends Base.model(nodes, {
    id: mappedColumn(Integer, { primaryKey: true }),
    parentId: mappedColumn(ForeignKey(`${nodes}.id`), { name: "parent_id", nullable: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {
    static parent = relationship(() => Node, { remoteSide: () => [Node.id] });
    declare parent: Node | null;
  }
  return { Base, User, Address, Item, Keyword, Node, users, addresses, items, keywords, nodes, itemKeywords: itemKeywords.name };
}

describe.each(dialectTargets())("flush statement order (SQLAlchemy's save_obj per mapper) on $name", (target) => {
  const m = models();
  const log = useSqlLog(target, m.Base.metadata);
  const session = () => new AsyncSession(log.engine, { expireOnCommit: false });
  const { User, Address, users, addresses } = m;

  async function userWithAddresses(sess: AsyncSession) {
    const u1 = new User({ name: "u1", addresses: [new Address({ email: "a1" }), new Address({ email: "a2" })] });
    sess.add(u1);
    await sess.flush();
    return { u1, a1: u1.addresses[0], a2: u1.addresses[1] };
  }

  it("a changed parent is UPDATEd before its new child's INSERT", async () => {
    await using sess = session();
    const { u1 } = await userWithAddresses(sess);
    u1.name = "u1 renamed";
    const a3 = new Address({ email: "a3" });
    u1.addresses.push(a3);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${users} SET name=? WHERE ${users}.id = ?`, ["u1 renamed", u1.id]],
      [`INSERT INTO ${addresses} (user_id, email_address) VALUES (?, ?) RETURNING ${addresses}.id`, [u1.id, "a3"]],
    ]);
    await sess.commit();
    const rows = (await sess.execute(select(Address.email, Address.userId).orderBy(Address.id))).all().map((r) => [...r]);
    expect(rows).toEqual([["a1", u1.id], ["a2", u1.id], ["a3", u1.id]]);
  });

  it("one mapper: its UPDATEs (primary-key order) before its INSERTs", async () => {
    await using sess = session();
    const { u1, a1, a2 } = await userWithAddresses(sess);
    const a3 = new Address({ email: "a3", user: u1 });
    // SQLAlchemy 2.0: a backref does not cascade a3 into the session (cascade_backrefs removed).
    sess.add(a3);
    a2.email = "a2x";
    a1.email = "a1x";
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${addresses} SET email_address=? WHERE ${addresses}.id = ?`, ["a1x", a1.id]],
      [`UPDATE ${addresses} SET email_address=? WHERE ${addresses}.id = ?`, ["a2x", a2.id]],
      [`INSERT INTO ${addresses} (user_id, email_address) VALUES (?, ?) RETURNING ${addresses}.id`, [u1.id, "a3"]],
    ]);
    expect(a3.id).toBeGreaterThan(a2.id);
    await sess.rollback();
  });

  it("parent mapper's UPDATE and INSERT, then the child moved to the new parent", async () => {
    await using sess = session();
    const { u1, a1 } = await userWithAddresses(sess);
    u1.name = "u1x";
    const u2 = new User({ name: "u2" });
    a1.user = u2;
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${users} SET name=? WHERE ${users}.id = ?`, ["u1x", u1.id]],
      [`INSERT INTO ${users} (name) VALUES (?) RETURNING ${users}.id`, ["u2"]],
      [`UPDATE ${addresses} SET user_id=? WHERE ${addresses}.id = ?`, [u2.id, a1.id]],
    ]);
    expect(a1.userId).toBe(u2.id);
    await sess.commit();
    expect((await sess.execute(select(Address.userId).where(Address.id.eq(a1.id)))).scalar()).toBe(u2.id);
  });

  it("a deleted parent's loaded child: one UPDATE with its NULLed key and its own change, before the DELETE", async () => {
    await using sess = session();
    const { u1, a1, a2 } = await userWithAddresses(sess);
    a1.email = "a1x";
    sess.delete(u1);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${addresses} SET user_id=?, email_address=? WHERE ${addresses}.id = ?`, [null, "a1x", a1.id]],
      [`UPDATE ${addresses} SET user_id=? WHERE ${addresses}.id = ?`, [null, a2.id]],
      [`DELETE FROM ${users} WHERE ${users}.id IN (?)`, [u1.id]],
    ]);
    expect([a1.userId, a2.userId, a1.user, a2.user]).toEqual([null, null, null, null]);
    await sess.commit();
    const rows = (await sess.execute(select(Address.email, Address.userId).orderBy(Address.id))).all().map((r) => [...r]);
    expect(rows).toEqual([["a1x", null], ["a2", null]]);
  });

  it("a deleted parent's children are NULLed among their mapper's saves: before that mapper's INSERTs", async () => {
    await using sess = session();
    const { u1, a1, a2 } = await userWithAddresses(sess);
    const u2 = new User({ name: "u2" });
    sess.add(u2);
    await sess.flush();
    const a3 = new Address({ email: "a3", user: u2 });
    sess.add(a3);
    sess.delete(u1);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${addresses} SET user_id=? WHERE ${addresses}.id = ?`, [null, a1.id]],
      [`UPDATE ${addresses} SET user_id=? WHERE ${addresses}.id = ?`, [null, a2.id]],
      [`INSERT INTO ${addresses} (user_id, email_address) VALUES (?, ?) RETURNING ${addresses}.id`, [u2.id, "a3"]],
      [`DELETE FROM ${users} WHERE ${users}.id IN (?)`, [u1.id]],
    ]);
    expect(a3.userId).toBe(u2.id);
    await sess.rollback();
  });

  it("a deleted parent's child moved to a new parent is UPDATEd once, with the new key", async () => {
    await using sess = session();
    const { u1, a1, a2 } = await userWithAddresses(sess);
    const u2 = new User({ name: "u2" });
    a1.user = u2;
    sess.delete(u1);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`INSERT INTO ${users} (name) VALUES (?) RETURNING ${users}.id`, ["u2"]],
      [`UPDATE ${addresses} SET user_id=? WHERE ${addresses}.id = ?`, [u2.id, a1.id]],
      [`UPDATE ${addresses} SET user_id=? WHERE ${addresses}.id = ?`, [null, a2.id]],
      [`DELETE FROM ${users} WHERE ${users}.id IN (?)`, [u1.id]],
    ]);
    expect([a1.userId, a2.userId]).toEqual([u2.id, null]);
    await sess.rollback();
  });

  it("many-to-many: a deleted object's association rows go first, new pairs after both saves", async () => {
    const { Item, Keyword, items, keywords, itemKeywords } = m;
    await using sess = session();
    const k1 = new Keyword({ name: "k1" });
    const i1 = new Item({ description: "i1", keywords: [k1] });
    sess.add(i1);
    await sess.flush();
    const i2 = new Item({ description: "i2", keywords: [k1] });
    const k2 = new Keyword({ name: "k2" });
    i2.keywords.push(k2);
    sess.add(i2);
    sess.delete(i1);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`DELETE FROM ${itemKeywords} WHERE ${itemKeywords}.item_id IN (?)`, [i1.id]],
      [`INSERT INTO ${items} (description) VALUES (?) RETURNING ${items}.id`, ["i2"]],
      [`INSERT INTO ${keywords} (name) VALUES (?) RETURNING ${keywords}.id`, ["k2"]],
      [`INSERT INTO ${itemKeywords} (item_id, keyword_id) VALUES (?, ?), (?, ?)`, [i2.id, k1.id, i2.id, k2.id]],
      [`DELETE FROM ${items} WHERE ${items}.id IN (?)`, [i1.id]],
    ]);
    await sess.commit();
    const loaded = (await sess.scalars(select(Item).options(selectinload(Item.keywords)))).all();
    expect(loaded.map((i) => [i.description, i.keywords.map((k) => k.name).sort()])).toEqual([["i2", ["k1", "k2"]]]);
  });

  it("many-to-many: UPDATE of the parent, INSERT of the new target, then the association row", async () => {
    const { Item, Keyword, items, keywords, itemKeywords } = m;
    await using sess = session();
    const i1 = new Item({ description: "i1", keywords: [] });
    sess.add(i1);
    await sess.flush();
    i1.description = "i1x";
    const k1 = new Keyword({ name: "k1" });
    i1.keywords.push(k1);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${items} SET description=? WHERE ${items}.id = ?`, ["i1x", i1.id]],
      [`INSERT INTO ${keywords} (name) VALUES (?) RETURNING ${keywords}.id`, ["k1"]],
      [`INSERT INTO ${itemKeywords} (item_id, keyword_id) VALUES (?, ?)`, [i1.id, k1.id]],
    ]);
    await sess.rollback();
  });

  it("self-referential: UPDATEs not waiting on a new row go with the INSERTs, one taking a new key after", async () => {
    const { Node, nodes } = m;
    await using sess = session();
    const n1 = new Node({ data: "n1" });
    const n3 = new Node({ data: "n3" });
    sess.add(n1);
    sess.add(n3);
    await sess.flush();
    n1.data = "n1x";
    const n2 = new Node({ data: "n2" });
    n3.parent = n2;
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${nodes} SET data=? WHERE ${nodes}.id = ?`, ["n1x", n1.id]],
      [`INSERT INTO ${nodes} (parent_id, data) VALUES (?, ?) RETURNING ${nodes}.id`, [null, "n2"]],
      [`UPDATE ${nodes} SET parent_id=? WHERE ${nodes}.id = ?`, [n2.id, n3.id]],
    ]);
    await sess.commit();
    const rows = (await sess.execute(select(Node.data, Node.parentId).orderBy(Node.data))).all().map((r) => [...r]);
    expect(rows).toEqual([["n1x", null], ["n2", null], ["n3", n2.id]]);
  });
});

/**
 * SQLAlchemy's test/orm/test_unitofwork.py ManyToOneTest, ManyToManyTest and SaveTest2, on
 * PostgreSQL and SQLite, with the statements the flushes send.
 *
 * Adapted: lazy="select"/"joined" relationships are loaded with selectinload() (or the
 * relationship's own lazy: "joined"); where SQLAlchemy compares entity lists with
 * `assert_result`, the tests compare names.
 *
 * The flush saves mapper by mapper (UPDATEs then INSERTs of one table before the next table), as
 * SQLAlchemy's: test_many_to_many sends `UPDATE items` before `INSERT INTO keywords`.
 * Deliberate athanor differences kept: removed association pairs go out as one row-value `IN`;
 * deleting an object deletes its association rows by its key without loading the collection
 * (test_scalar: SQLAlchemy SELECTs the unloaded scalar, finds None and deletes no row).
 */
import { AsyncSession, Column, DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, select, selectinload, String, Table } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

function m2oModels() {
  class Base extends DeclarativeBase {}
  const users = uniqueName("sa8a_m2o_users");
  const addresses = uniqueName("sa8a_m2o_addresses");
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { nullable: true }),
  }) {}
  class Address extends Base.model(addresses, {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${users}.id`), { nullable: true }),
    email_address: mappedColumn(String(50), { nullable: true }),
  }) {
    static user = relationship(() => User, { uselist: false });
    declare user: User | null;
  }
  return { Base, User, Address, users, addresses };
}

function m2mModels(kind: "collection" | "scalar") {
  class Base extends DeclarativeBase {}
  const items = uniqueName("sa8a_m2m_items");
  const keywords = uniqueName("sa8a_m2m_keywords");
  const itemKeywords = new Table(uniqueName("sa8a_m2m_item_keywords"), Base.metadata, {
    item_id: new Column(new ForeignKey(`${items}.id`), { nullable: false }),
    keyword_id: new Column(new ForeignKey(`${keywords}.id`), { nullable: false }),
  });
  class Keyword extends Base.model(keywords, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {}
  class Item extends Base.model(items, {
    id: mappedColumn(Integer, { primaryKey: true }),
    description: mappedColumn(String(30)),
  }) {
    static keywords = kind === "collection" ? relationship(() => Keyword, { secondary: itemKeywords, lazy: "joined", orderBy: () => Keyword.name }) : undefined;
    declare keywords: Keyword[];
    static keyword = kind === "scalar" ? relationship(() => Keyword, { secondary: itemKeywords, uselist: false }) : undefined;
    declare keyword: Keyword | null;
  }
  return { Base, Item, Keyword, items, keywords, itemKeywords };
}

describe.each(dialectTargets())("ManyToOneTest / ManyToManyTest / SaveTest2 (test_unitofwork.py) on $name", (target) => {
  const m2o = m2oModels();
  const m2m = m2mModels("collection");
  const scalar = m2mModels("scalar");
  const log = useSqlLog(target, [m2o, m2m, scalar].map((m) => m.Base.metadata));
  const session = () => new AsyncSession(log.engine, { expireOnCommit: false });

  it("ManyToOneTest.test_m2o_one_to_one", async () => {
    const { User, Address, users, addresses } = m2o;
    await using sess = session();
    const data = [
      ["thesub", "bar@foo.com"],
      ["assdkfj", "thesdf@asdf.com"],
      ["n4knd", "asf3@bar.org"],
      ["v88f4", "adsd5@llala.net"],
      ["asdf8d", "theater@foo.com"],
    ];
    const objects = data.map(([name, email]) => {
      const a = new Address();
      a.email_address = email;
      a.user = new User();
      a.user.name = name;
      sess.add(a);
      return a;
    });
    await sess.flush();
    objects[2].email_address = "imnew@foo.bar";
    objects[3].user = new User();
    objects[3].user.name = "imnewlyadded";
    const sent = await log.capture(() => sess.flush());
    expect(sent[0]).toEqual([`INSERT INTO ${users} (name) VALUES (?) RETURNING ${users}.id`, ["imnewlyadded"]]);
    expect(sent.slice(1)).toEqual(
      expect.arrayContaining([
        [`UPDATE ${addresses} SET email_address=? WHERE ${addresses}.id = ?`, ["imnew@foo.bar", objects[2].id]],
        [`UPDATE ${addresses} SET user_id=? WHERE ${addresses}.id = ?`, [objects[3].user.id, objects[3].id]],
      ]),
    );
    expect(sent.length).toBe(3);
    const a = objects[4];
    const ut = User.__table__;
    const at = Address.__table__;
    const row = (await sess.execute(select(ut, at).where(ut.c.id.eq(at.c.user_id), at.c.id.eq(a.id)))).first()!;
    expect([...row]).toEqual([a.user!.id, "asdf8d", a.id, a.user_id, "theater@foo.com"]);
    await sess.rollback();
  });

  const getAddress = (sess: AsyncSession, id: number) => sess.get(m2o.Address, id, { options: [selectinload(m2o.Address.user)] });

  it("ManyToOneTest.test_many_to_one_1", async () => {
    const { User, Address } = m2o;
    await using sess = session();
    const a1 = new Address({ email_address: "emailaddress1" });
    const u1 = new User({ name: "user1" });
    a1.user = u1;
    sess.add(a1);
    await sess.flush();
    sess.expungeAll();
    let a = (await getAddress(sess, a1.id))!;
    let u = (await sess.get(User, u1.id))!;
    expect(a.user).toBe(u);
    a.user = null;
    await sess.flush();
    sess.expungeAll();
    a = (await getAddress(sess, a1.id))!;
    u = (await sess.get(User, u1.id))!;
    expect(a.user).toBeNull();
    expect(u).not.toBeNull();
    await sess.rollback();
  });

  it("ManyToOneTest.test_many_to_one_2", async () => {
    const { User, Address } = m2o;
    await using sess = session();
    const a1 = new Address({ email_address: "emailaddress1" });
    const a2 = new Address({ email_address: "emailaddress2" });
    const u1 = new User({ name: "user1" });
    a1.user = u1;
    sess.addAll([a1, a2]);
    await sess.flush();
    sess.expungeAll();
    let [x1, x2] = [(await getAddress(sess, a1.id))!, (await getAddress(sess, a2.id))!];
    let u = (await sess.get(User, u1.id))!;
    expect(x1.user).toBe(u);
    x1.user = null;
    x2.user = u;
    await sess.flush();
    sess.expungeAll();
    [x1, x2] = [(await getAddress(sess, a1.id))!, (await getAddress(sess, a2.id))!];
    u = (await sess.get(User, u1.id))!;
    expect(x1.user).toBeNull();
    expect(x2.user).toBe(u);
    await sess.rollback();
  });

  it("ManyToOneTest.test_many_to_one_3", async () => {
    const { User, Address } = m2o;
    await using sess = session();
    const a1 = new Address({ email_address: "emailaddress1" });
    const [u1, u2] = [new User({ name: "user1" }), new User({ name: "user2" })];
    a1.user = u1;
    sess.addAll([a1, u1, u2]);
    await sess.flush();
    sess.expungeAll();
    let a = (await getAddress(sess, a1.id))!;
    const v1 = (await sess.get(User, u1.id))!;
    let v2 = (await sess.get(User, u2.id))!;
    expect(a.user).toBe(v1);
    a.user = v2;
    await sess.flush();
    sess.expungeAll();
    a = (await getAddress(sess, a1.id))!;
    v2 = (await sess.get(User, u2.id))!;
    expect(a.user).toBe(v2);
    await sess.rollback();
  });

  it("ManyToManyTest.test_many_to_many", async () => {
    const { Item, Keyword, items, keywords, itemKeywords } = m2m;
    const data: [string, string[]][] = [
      ["mm_item1", ["big", "green", "purple", "round"]],
      ["mm_item2", ["blue", "imnew", "round", "small"]],
      ["mm_item3", []],
      ["mm_item4", ["big", "blue"]],
      ["mm_item5", ["big", "exacting", "green"]],
      ["mm_item6", ["red", "round", "small"]],
    ];
    await using sess = session();
    const kws = new Map((await sess.scalars(select(Keyword))).all().map((k) => [k.name, k]));
    const objects = data.map(([description, names]) => {
      const item = new Item({ description });
      for (const n of names) {
        let kw = kws.get(n);
        if (!kw) kws.set(n, (kw = new Keyword({ name: n })));
        item.keywords.push(kw);
      }
      return item;
    });
    sess.addAll(objects);
    await sess.flush();
    sess.expungeAll();
    const result = (await sess.scalars(select(Item).where(Item.description.in(data.map(([d]) => d))).orderBy(Item.description))).unique().all();
    expect(result.map((i) => [i.description, i.keywords.map((k) => k.name)])).toEqual(data);
    sess.expungeAll();
    const loaded = (await sess.scalars(select(Item).orderBy(Item.description))).unique().all();

    loaded[4].description = "item4updated";
    const k = new Keyword({ name: "yellow" });
    loaded[5].keywords.push(k);
    const sent = await log.capture(() => sess.flush());
    expect(sent).toEqual([
      [`UPDATE ${items} SET description=? WHERE ${items}.id = ?`, ["item4updated", loaded[4].id]],
      [`INSERT INTO ${keywords} (name) VALUES (?) RETURNING ${keywords}.id`, ["yellow"]],
      [`INSERT INTO ${itemKeywords.name} (item_id, keyword_id) VALUES (?, ?)`, [loaded[5].id, k.id]],
    ]);

    loaded[2].keywords.push(k);
    const dkid = loaded[5].keywords[1].id;
    loaded[5].keywords.splice(1, 1);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`DELETE FROM ${itemKeywords.name} WHERE (${itemKeywords.name}.item_id, ${itemKeywords.name}.keyword_id) IN ((?, ?))`, [loaded[5].id, dkid]],
      [`INSERT INTO ${itemKeywords.name} (item_id, keyword_id) VALUES (?, ?)`, [loaded[2].id, k.id]],
    ]);
    const gone = loaded[3];
    sess.delete(gone);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`DELETE FROM ${itemKeywords.name} WHERE ${itemKeywords.name}.item_id IN (?)`, [gone.id]],
      [`DELETE FROM ${items} WHERE ${items}.id IN (?)`, [gone.id]],
    ]);
    await sess.rollback();
  });

  it("ManyToManyTest.test_many_to_many_remove: setting a collection to empty deletes the rows", async () => {
    const { Item, Keyword, itemKeywords } = m2m;
    await using sess = session();
    const i = new Item({ description: "i1" });
    i.keywords.push(new Keyword({ name: "k1" }), new Keyword({ name: "k2" }));
    sess.add(i);
    await sess.flush();
    const count = async () => (await sess.execute(select(itemKeywords.c.item_id).where(itemKeywords.c.item_id.eq(i.id)))).all().length;
    expect(await count()).toBe(2);
    i.keywords = [];
    await sess.flush();
    expect(await count()).toBe(0);
    await sess.rollback();
  });

  it("ManyToManyTest.test_scalar: no association DELETE referencing None", async () => {
    const { Item, items, itemKeywords } = scalar;
    await using sess = session();
    const i = new Item({ description: "x" });
    sess.add(i);
    await sess.flush();
    sess.delete(i);
    const sent = await log.capture(() => sess.flush());
    expect(sent).toEqual([
      [`DELETE FROM ${itemKeywords.name} WHERE ${itemKeywords.name}.item_id IN (?)`, [i.id]],
      [`DELETE FROM ${items} WHERE ${items}.id IN (?)`, [i.id]],
    ]);
    await sess.rollback();
  });

  it("ManyToManyTest.test_many_to_many_update: assorted history operations", async () => {
    const { Item, Keyword } = m2m;
    await using sess = session();
    const [k1, k2, k3] = ["keyword 1", "keyword 2", "keyword 3"].map((name) => new Keyword({ name }));
    const item = new Item({ description: "item 1" });
    item.keywords.push(k1, k2, k3);
    sess.add(item);
    await sess.flush();
    item.keywords = [];
    item.keywords.push(k1);
    item.keywords.push(k2);
    await sess.flush();
    sess.expungeAll();
    const again = (await sess.get(Item, item.id))!;
    expect(again.keywords.map((k) => [k.id, k.name])).toEqual([[k1.id, "keyword 1"], [k2.id, "keyword 2"]]);
    await sess.rollback();
  });

  it("SaveTest2.test_m2o_nonmatch", async () => {
    const { User, Address, users, addresses } = m2o;
    await using sess = session();
    const [a1, a2] = [new Address({ email_address: "a1", user: new User({ name: "u1" }) }), new Address({ email_address: "a2", user: new User({ name: "u2" }) })];
    sess.addAll([a1, a2]);
    const sent = await log.capture(() => sess.flush());
    expect(sent).toEqual([
      [`INSERT INTO ${users} (name) VALUES (?), (?) RETURNING ${users}.id`, ["u1", "u2"]],
      [`INSERT INTO ${addresses} (user_id, email_address) VALUES (?, ?), (?, ?) RETURNING ${addresses}.id`, [a1.user!.id, "a1", a2.user!.id, "a2"]],
    ]);
    await sess.rollback();
  });
});

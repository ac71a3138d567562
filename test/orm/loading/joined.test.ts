/**
 * joinedload: LEFT OUTER JOIN to an anonymous alias, innerJoin, de-duplicated parents, nested
 * chains, many-to-one and many-to-many, SQLAlchemy 2.0's unique() rule, LIMIT on the parents.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidRequestError, insert, joinedload, select, selectinload } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, openDb, ormExecute, type Db } from "./models.js";

const M = defineModels("ldjoin");
const { User, Address, Order, Item, Keyword, itemKeywords } = M;
const UNIQUE_MSG =
  "The unique() method must be invoked on this Result, as it contains results that include joined eager loads against collections";

describe.each(dialectTargets())("joinedload on $name", (target) => {
  let db: Db;
  let T: (n: string) => string;
  beforeAll(async () => {
    db = await openDb(target, M.Base);
    const users = User.__table__.name;
    T = (n) => users.replace(/users$/, n);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [
        { id: 1, name: "sandy", fullname: "Sandy Cheeks" },
        { id: 2, name: "patrick", fullname: null },
        { id: 3, name: "squidward", fullname: null },
      ]);
      await conn.execute(insert(Address.__table__), [
        { id: 1, email: "s1@x", userId: 1 },
        { id: 2, email: "s2@x", userId: 1 },
        { id: 3, email: "p1@x", userId: 2 },
      ]);
      await conn.execute(insert(Order.__table__), [
        { id: 1, userId: 1, description: "o1" },
        { id: 2, userId: 1, description: "o2" },
        { id: 3, userId: 2, description: "o3" },
      ]);
      await conn.execute(insert(Item.__table__), [
        { id: 1, orderId: 1, name: "i1" },
        { id: 2, orderId: 1, name: "i2" },
        { id: 3, orderId: 3, name: "i3" },
      ]);
      await conn.execute(insert(Keyword.__table__), [
        { id: 1, name: "red" },
        { id: 2, name: "blue" },
      ]);
      await conn.execute(insert(itemKeywords), [
        { item_id: 1, keyword_id: 2 },
        { item_id: 1, keyword_id: 1 },
        { item_id: 3, keyword_id: 1 },
      ]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("renders a LEFT OUTER JOIN to an anonymous alias, ordered by the relationship's orderBy, in one SELECT", async () => {
    const s = db.session();
    db.counting.reset();
    const users = (await ormExecute(s, select(User).orderBy(User.id).options(joinedload(User.addresses)))).unique().scalars().all() as InstanceType<typeof User>[];
    expect(db.selects()).toHaveLength(1);
    const a = `${T("addresses")}_1`;
    expect(db.selects()[0]).toContain(`FROM ${T("users")} LEFT OUTER JOIN ${T("addresses")} AS ${a} ON ${T("users")}.id = ${a}.user_id ORDER BY ${T("users")}.id, ${a}.id`);
    expect(db.selects()[0]).toContain(`${a}.id AS id_1, ${a}.email_address, ${a}.user_id`);
    // Parents are de-duplicated by unique(); each has its collection (empty when no row matched).
    expect(users.map((u) => [u.name, u.addresses.map((x) => x.email)])).toEqual([
      ["sandy", ["s1@x", "s2@x"]],
      ["patrick", ["p1@x"]],
      ["squidward", []],
    ]);
    await s.close();
  });

  it("innerJoin: true renders an INNER JOIN and drops parents without children", async () => {
    const s = db.session();
    db.counting.reset();
    const users = (await ormExecute(s, select(User).orderBy(User.id).options(joinedload(User.addresses, { innerJoin: true })))).unique().scalars().all() as InstanceType<typeof User>[];
    expect(db.selects()[0]).toMatch(new RegExp(`FROM ${T("users")} JOIN ${T("addresses")} AS ${T("addresses")}_1 ON`));
    expect(db.selects()[0]).not.toContain("OUTER");
    expect(users.map((u) => u.name)).toEqual(["sandy", "patrick"]);
    await s.close();
  });

  it("nested chains (o2m → o2m → m2m) load in one SELECT; an inner join below an outer one is nested in it", async () => {
    const s = db.session();
    db.counting.reset();
    const users = (
      await ormExecute(
        s,
        select(User).orderBy(User.id).options(joinedload(User.orders).joinedload(Order.items, { innerJoin: true }).joinedload(Item.keywords)),
      )
    ).unique().scalars().all() as InstanceType<typeof User>[];
    expect(db.selects()).toHaveLength(1);
    const sql = db.selects()[0];
    // SQLAlchemy's innerjoin=True below an outer join: nested inside it, so only orders without
    // items drop out, never users without orders.
    expect(sql.match(/LEFT OUTER JOIN/g)).toHaveLength(2); // (orders JOIN items), (item_keywords JOIN keywords)
    expect(sql).toContain(
      `LEFT OUTER JOIN (${T("orders")} AS ${T("orders")}_1 JOIN ${T("items")} AS ${T("items")}_1 ON ${T("orders")}_1.id = ${T("items")}_1.order_id) ON ${T("users")}.id = ${T("orders")}_1.user_id`,
    );
    expect(sql).toContain(
      `LEFT OUTER JOIN (${T("item_keywords")} AS ${T("item_keywords")}_1 JOIN ${T("keywords")} AS ${T("keywords")}_1 ON ${T("keywords")}_1.id = ${T("item_keywords")}_1.keyword_id) ON ${T("items")}_1.id = ${T("item_keywords")}_1.item_id`,
    );
    // The order without items is not loaded (the nested INNER JOIN); every user is.
    expect(users.map((u) => u.orders.map((o) => o.items.map((i) => [i.name, i.keywords.map((k) => k.name)])))).toEqual([
      [[["i1", ["red", "blue"]], ["i2", []]]],
      [[["i3", ["red"]]]],
      [],
    ]);
    await s.close();
  });

  it("many-to-one joinedload needs no unique(); many-to-many joinedload does", async () => {
    const s = db.session();
    db.counting.reset();
    const addresses = (await ormExecute(s, select(Address).orderBy(Address.id).options(joinedload(Address.user)))).scalars().all() as InstanceType<typeof Address>[];
    expect(db.selects()).toHaveLength(1);
    expect(addresses.map((a) => a.user.name)).toEqual(["sandy", "sandy", "patrick"]);
    expect(addresses[0].user).toBe(addresses[1].user);

    const items = (await ormExecute(s, select(Item).orderBy(Item.id).options(joinedload(Item.keywords)))).unique().scalars().all() as InstanceType<typeof Item>[];
    expect(items.map((i) => i.keywords.map((k) => k.name))).toEqual([["red", "blue"], [], ["red"]]);
    await s.close();
  });

  it("SQLAlchemy 2.0 unique(): rows with joined eager collections raise unless unique() is called", async () => {
    const s = db.session();
    const stmt = select(User).orderBy(User.id).options(joinedload(User.addresses));
    await expect(ormExecute(s, stmt).then((r) => r.all())).rejects.toThrow(new InvalidRequestError(UNIQUE_MSG));
    // session.scalars() is execute().scalars(): the rule carries over.
    await expect(ormExecute(s, stmt).then((r) => r.scalars().all())).rejects.toThrow(UNIQUE_MSG);
    await expect(ormExecute(s, stmt).then((r) => [...r.scalars()])).rejects.toThrow(UNIQUE_MSG);
    await expect(ormExecute(s, stmt).then((r) => r.scalars().one())).rejects.toThrow(UNIQUE_MSG);
    // first() / scalar() never de-duplicate and do not raise.
    expect(((await ormExecute(s, stmt)).scalars().first() as InstanceType<typeof User>).name).toBe("sandy");
    expect(((await ormExecute(s, stmt)).scalar() as InstanceType<typeof User>).name).toBe("sandy");
    // unique() before or after scalars().
    expect((await ormExecute(s, stmt)).unique().scalars().all()).toHaveLength(3);
    expect((await ormExecute(s, stmt)).scalars().unique().all()).toHaveLength(3);
    expect((await ormExecute(s, stmt)).unique().all()).toHaveLength(3);
    // An empty result raises nothing.
    expect((await ormExecute(s, stmt.where(User.id.eq(-1)))).scalars().all()).toEqual([]);
    await s.close();
  });

  it("LIMIT/OFFSET limit the parents: the limited SELECT becomes a subquery the eager alias joins to", async () => {
    const s = db.session();
    db.counting.reset();
    const users = (await ormExecute(s, select(User).orderBy(User.id).limit(2).options(joinedload(User.addresses)))).unique().scalars().all() as InstanceType<typeof User>[];
    expect(users.map((u) => [u.name, u.addresses.length])).toEqual([["sandy", 2], ["patrick", 1]]);
    const sql = db.selects()[0];
    expect(sql).toMatch(/FROM \(SELECT [^]*LIMIT [^]*\) AS anon_1 LEFT OUTER JOIN \S+ AS \S+_addresses_1 ON anon_1\.id = \S+_addresses_1\.user_id ORDER BY anon_1\.id, \S+_addresses_1\.id$/);

    const page2 = (await ormExecute(s, select(User).orderBy(User.name.desc()).limit(1).offset(1).options(joinedload(User.addresses)))).unique().scalars().all() as InstanceType<typeof User>[];
    expect(page2.map((u) => [u.name, u.addresses.map((a) => a.email)])).toEqual([["sandy", ["s1@x", "s2@x"]]]);
    expect(db.selects()[1]).toMatch(/ORDER BY anon_1\.name DESC, \S+_addresses_1\.id$/);
    await s.close();
  });

  it("a selectinload below a joinedload runs in its own SELECT", async () => {
    const s = db.session();
    db.counting.reset();
    const users = (await ormExecute(s, select(User).where(User.id.eq(1)).options(joinedload(User.orders).selectinload(Order.items)))).unique().scalars().all() as InstanceType<typeof User>[];
    expect(db.selects()).toHaveLength(2);
    expect(users[0].orders.map((o) => o.items.map((i) => i.name))).toEqual([["i1", "i2"], []]);
    await s.close();
  });

  it("works through session.execute()/scalars() with .unique()", async () => {
    const s = db.session();
    const users = (await s.execute(select(User).orderBy(User.id).options(joinedload(User.addresses)))).unique().scalars().all();
    expect(users.map((u) => u.addresses.length)).toEqual([2, 1, 0]);
    const again = (await s.scalars(select(User).orderBy(User.id).options(joinedload(User.addresses)))).unique().all();
    expect(again).toEqual(users);
    await s.close();
  });
});

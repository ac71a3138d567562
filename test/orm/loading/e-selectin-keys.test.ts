/**
 * selectinload reads the parent key from the column the loaded entity already selects: each
 * column once in the IN query (SQLAlchemy's SelectInLoader), while a key column the entity does
 * not load (loadOnly), the association table's key of a many-to-many and the parent alias of a
 * primaryjoin that needs the parent row are still selected. Exact SQL, statement counts and the
 * grouped rows on real PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  and, DeclarativeBase, ForeignKey, insert, Integer, mappedColumn, relationship, select, selectinload, String, UnloadedAttributeError,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { defineModels, openDb, type Db } from "./models.js";

const M = defineModels("e_sk");
const { User, Address, Order, Item, Keyword, Node, Region, Store, itemKeywords } = M;

const p = uniqueName("e_skx");
class XBase extends DeclarativeBase {}
class Owner extends XBase.model(`${p}_owners`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  minPetId: mappedColumn(Integer, { name: "min_pet_id" }),
}) {
  /** A primaryjoin part that needs the parent row: the IN query joins an alias of owners. */
  static laterPets = relationship(() => Pet, {
    primaryjoin: () => and(Owner.id.eq(Pet.ownerId), Pet.id.gt(Owner.minPetId)),
    viewonly: true,
    orderBy: () => Pet.id,
  });
  declare laterPets: Pet[];
  /** A target-side part only: AND-ed into the IN query's WHERE. */
  static cats = relationship(() => Pet, {
    primaryjoin: () => and(Owner.id.eq(Pet.ownerId), Pet.kind.eq("cat")),
    viewonly: true,
    orderBy: () => Pet.id,
  });
  declare cats: Pet[];
  static pets = relationship(() => Pet, { orderBy: () => Pet.id });
  declare pets: Pet[];
}
class Pet extends XBase.model(`${p}_pets`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  kind: mappedColumn(String(10)),
  ownerId: mappedColumn(ForeignKey(`${p}_owners.id`), { name: "owner_id" }),
}) {}

const fold = (s: string): string => s.replace(/\s*\n\s*/g, " ");
const T = (cls: { readonly __table__: { readonly name: string } }): string => cls.__table__.name;

describe.each(dialectTargets())("selectinload selects the parent key once on $name", (target) => {
  let db: Db;
  let xdb: Db;
  const ph = (n: number): string => (target.dialect === "postgresql" ? `$${n}` : "?");
  const phs = (from: number, count: number): string => Array.from({ length: count }, (_x, i) => ph(from + i)).join(", ");
  const selects = (d: Db): string[] => d.selects().map(fold);
  const [U, A, O, I, K, IK, N, R, S] = [T(User), T(Address), T(Order), T(Item), T(Keyword), itemKeywords.name, T(Node), T(Region), T(Store)];
  const [OW, PE] = [T(Owner), T(Pet)];

  beforeAll(async () => {
    db = await openDb(target, M.Base);
    xdb = await openDb(target, XBase);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [
        { id: 1, name: "sandy", fullname: null },
        { id: 2, name: "patrick", fullname: null },
        { id: 3, name: "squidward", fullname: null },
      ]);
      await conn.execute(insert(Address.__table__), [
        { id: 1, email: "s1@x", userId: 1 },
        { id: 2, email: "p1@x", userId: 2 },
        { id: 3, email: "s2@x", userId: 1 },
      ]);
      await conn.execute(insert(Order.__table__), [
        { id: 1, userId: 1, description: "o1" },
        { id: 2, userId: 2, description: "o2" },
        { id: 3, userId: 1, description: "o3" },
      ]);
      await conn.execute(insert(Item.__table__), [
        { id: 1, orderId: 1, name: "i1" },
        { id: 2, orderId: 1, name: "i2" },
        { id: 3, orderId: 3, name: "i3" },
      ]);
      await conn.execute(insert(Keyword.__table__), [{ id: 1, name: "red" }, { id: 2, name: "blue" }]);
      await conn.execute(insert(itemKeywords), [
        { item_id: 1, keyword_id: 2 },
        { item_id: 1, keyword_id: 1 },
        { item_id: 3, keyword_id: 1 },
      ]);
      await conn.execute(insert(Node.__table__), [
        { id: 1, parentId: null, name: "root" },
        { id: 2, parentId: 1, name: "a" },
        { id: 3, parentId: 1, name: "b" },
        { id: 4, parentId: 2, name: "a1" },
      ]);
      await conn.execute(insert(Region.__table__), [
        { country: "us", code: 1, name: "east" },
        { country: "de", code: 1, name: "nord" },
      ]);
      await conn.execute(insert(Store.__table__), [
        { id: 1, country: "us", regionCode: 1, name: "nyc" },
        { id: 2, country: "de", regionCode: 1, name: "hh" },
        { id: 3, country: "us", regionCode: 1, name: "bos" },
      ]);
    });
    await xdb.engine.begin(async (conn) => {
      // 501 owners: one more than a selectin batch.
      await conn.execute(insert(Owner.__table__), Array.from({ length: 501 }, (_x, i) => ({ id: i + 1, minPetId: i === 0 ? 1 : 0 })));
      await conn.execute(insert(Pet.__table__), [
        { id: 1, kind: "cat", ownerId: 1 },
        { id: 2, kind: "dog", ownerId: 1 },
        { id: 3, kind: "cat", ownerId: 1 },
        { id: 4, kind: "cat", ownerId: 2 },
        { id: 5, kind: "dog", ownerId: 501 },
      ]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
    await xdb.cleanup();
  });

  it("one-to-many: the IN query selects the foreign key once and groups the children by it", async () => {
    await using s = db.session();
    db.counting.reset();
    const loaded = (await s.scalars(select(User).orderBy(User.id).options(selectinload(User.addresses)))).all();
    const sql = selects(db);
    expect(sql).toHaveLength(2);
    expect(sql[1]).toBe(`SELECT ${A}.user_id, ${A}.id, ${A}.email_address FROM ${A} WHERE ${A}.user_id IN (${phs(1, 3)}) ORDER BY ${A}.id`);
    expect(loaded.map((u) => [u.name, u.addresses.map((a) => [a.email, a.userId])])).toEqual([
      ["sandy", [["s1@x", 1], ["s2@x", 1]]],
      ["patrick", [["p1@x", 2]]],
      ["squidward", []],
    ]);
  });

  it("a key column the entity does not load (loadOnly) is still selected, once, and only groups the rows", async () => {
    await using s = db.session();
    db.counting.reset();
    const users = (await s.scalars(select(User).orderBy(User.id).options(selectinload(User.orders).loadOnly(Order.description)))).all();
    const sql = selects(db);
    expect(sql).toHaveLength(2);
    expect(sql[1]).toBe(`SELECT ${O}.user_id, ${O}.id, ${O}.description FROM ${O} WHERE ${O}.user_id IN (${phs(1, 3)}) ORDER BY ${O}.id`);
    expect(users.map((u) => u.orders.map((o) => o.description))).toEqual([["o1", "o3"], ["o2"], []]);
    // Read for grouping only: the attribute itself stays unloaded.
    expect(() => users[0].orders[0].userId).toThrow(UnloadedAttributeError);
  });

  it("three levels (o2m → o2m → m2m): 4 SELECTs; the many-to-many keeps the association table's key column", async () => {
    await using s = db.session();
    db.counting.reset();
    const users = (
      await s.scalars(select(User).orderBy(User.id).options(selectinload(User.orders).selectinload(Order.items).selectinload(Item.keywords)))
    ).all();
    const sql = selects(db);
    expect(sql).toHaveLength(4);
    expect(sql.slice(1)).toEqual([
      `SELECT ${O}.user_id, ${O}.id, ${O}.description FROM ${O} WHERE ${O}.user_id IN (${phs(1, 3)}) ORDER BY ${O}.id`,
      `SELECT ${I}.order_id, ${I}.id, ${I}.name FROM ${I} WHERE ${I}.order_id IN (${phs(1, 3)}) ORDER BY ${I}.id`,
      `SELECT ${IK}.item_id, ${K}.id, ${K}.name FROM ${IK} JOIN ${K} ON ${K}.id = ${IK}.keyword_id WHERE ${IK}.item_id IN (${phs(1, 3)}) ORDER BY ${K}.id`,
    ]);
    expect(users.map((u) => u.orders.map((o) => o.items.map((i) => [i.name, i.keywords.map((k) => k.name)])))).toEqual([
      [[["i1", ["red", "blue"]], ["i2", []]], [["i3", ["red"]]]],
      [[]],
      [],
    ]);
  });

  it("a joined eager load inside the IN query: the key is read from the entity's column, before the joined columns", async () => {
    await using s = db.session();
    db.counting.reset();
    const users = (await s.scalars(select(User).orderBy(User.id).options(selectinload(User.orders).joinedload(Order.items)))).all();
    const sql = selects(db);
    expect(sql).toHaveLength(2);
    const EI = `${I}_1`;
    expect(sql[1]).toBe(
      `SELECT ${O}.user_id, ${O}.id, ${O}.description, ${EI}.id AS id_1, ${EI}.order_id, ${EI}.name FROM ${O} LEFT OUTER JOIN ${I} AS ${EI} ON ${O}.id = ${EI}.order_id WHERE ${O}.user_id IN (${phs(1, 3)}) ORDER BY ${O}.id, ${EI}.id`,
    );
    expect(users.map((u) => u.orders.map((o) => [o.description, o.items.map((i) => i.name)]))).toEqual([
      [["o1", ["i1", "i2"]], ["o3", ["i3"]]],
      [["o2", []]],
      [],
    ]);
  });

  it("self-referential children, chained: each level selects parent_id once", async () => {
    await using s = db.session();
    db.counting.reset();
    const root = (await s.scalars(select(Node).where(Node.id.eq(1)).options(selectinload(Node.children).selectinload(Node.children)))).one();
    const sql = selects(db);
    expect(sql).toHaveLength(3);
    expect(sql.slice(1)).toEqual([
      `SELECT ${N}.parent_id, ${N}.id, ${N}.name FROM ${N} WHERE ${N}.parent_id IN (${ph(1)}) ORDER BY ${N}.id`,
      `SELECT ${N}.parent_id, ${N}.id, ${N}.name FROM ${N} WHERE ${N}.parent_id IN (${phs(1, 2)}) ORDER BY ${N}.id`,
    ]);
    expect(root.children.map((c) => [c.name, c.children.map((g) => g.name)])).toEqual([["a", ["a1"]], ["b", []]]);
  });

  it("composite keys: a tuple IN over the entity's own columns, each selected once", async () => {
    await using s = db.session();
    db.counting.reset();
    const regions = (await s.scalars(select(Region).orderBy(Region.country).options(selectinload(Region.stores)))).all();
    const sql = selects(db);
    expect(sql).toHaveLength(2);
    expect(sql[1]).toBe(
      `SELECT ${S}.country, ${S}.region_code, ${S}.id, ${S}.name FROM ${S} WHERE (${S}.country, ${S}.region_code) IN ((${phs(1, 2)}), (${phs(3, 2)})) ORDER BY ${S}.id`,
    );
    expect(regions.map((r) => [r.country, r.stores.map((x) => x.name)])).toEqual([["de", ["hh"]], ["us", ["nyc", "bos"]]]);
  });

  it("primaryjoin parts: a target-side part in the WHERE, a parent-side part through a parent alias; the key still once", async () => {
    await using s = xdb.session();
    xdb.counting.reset();
    const owners = (await s.scalars(select(Owner).where(Owner.id.le(2)).orderBy(Owner.id).options(selectinload(Owner.cats), selectinload(Owner.laterPets)))).all();
    const sql = selects(xdb);
    expect(sql).toHaveLength(3);
    const OA = `${OW}_1`;
    expect(sql.slice(1)).toEqual([
      // In the mapper's relationship order.
      `SELECT ${OA}.id, ${PE}.id AS id_1, ${PE}.kind, ${PE}.owner_id FROM ${OW} AS ${OA} JOIN ${PE} ON ${OA}.id = ${PE}.owner_id AND ${PE}.id > ${OA}.min_pet_id WHERE ${OA}.id IN (${phs(1, 2)}) ORDER BY ${PE}.id`,
      `SELECT ${PE}.owner_id, ${PE}.id, ${PE}.kind FROM ${PE} WHERE ${PE}.owner_id IN (${phs(1, 2)}) AND ${PE}.kind = ${ph(3)} ORDER BY ${PE}.id`,
    ]);
    expect(owners.map((o) => [o.id, o.cats.map((x) => x.id), o.laterPets.map((x) => x.id)])).toEqual([
      [1, [1, 3], [2, 3]],
      [2, [4], [4]],
    ]);
  });

  it("more parents than a batch: IN batches of 500, each selecting the key once", async () => {
    await using s = xdb.session();
    xdb.counting.reset();
    const owners = (await s.scalars(select(Owner).orderBy(Owner.id).options(selectinload(Owner.pets)))).all();
    const sql = selects(xdb);
    expect(sql).toHaveLength(3);
    expect(sql.slice(1)).toEqual([
      `SELECT ${PE}.owner_id, ${PE}.id, ${PE}.kind FROM ${PE} WHERE ${PE}.owner_id IN (${phs(1, 500)}) ORDER BY ${PE}.id`,
      `SELECT ${PE}.owner_id, ${PE}.id, ${PE}.kind FROM ${PE} WHERE ${PE}.owner_id IN (${ph(1)}) ORDER BY ${PE}.id`,
    ]);
    expect(owners).toHaveLength(501);
    expect(owners.filter((o) => o.pets.length > 0).map((o) => [o.id, o.pets.map((x) => x.id)])).toEqual([
      [1, [1, 2, 3]],
      [2, [4]],
      [501, [5]],
    ]);
  });
});

/**
 * Relationship criteria (`rel.and(crit)`, SQLAlchemy's `and_()`) in the comparison operators:
 * a narrowed relationship compared with an object or null tests the target row inside a
 * correlated EXISTS that carries the criteria (eq / ne / contains / eq(null) / ne(null)), and
 * `withParent()` ANDs them onto the bound criterion. Exact SQL and rows on PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aliased, DeclarativeBase, ForeignKey, generateCacheKey, insert, Integer, InvalidRequestError, mappedColumn, relationship, select, String,
  withParent,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "../loading/models.js";
import { defineQueryModels, openQueryDb, paramsOf, sqlOf, type QueryDb } from "../query/models.js";

const M = defineQueryModels("b_rcops");
const { t, User, Address, Item, Keyword, itemKeywords } = M;

// A single-table hierarchy: shops → staff, some of them clerks.
const sp = uniqueName("b_rcops_sti");
class SBase extends DeclarativeBase {}
class Shop extends SBase.model(`${sp}_shop`, { id: mappedColumn(Integer, { primaryKey: true }) }) {
  static staff = relationship(() => Staff, { orderBy: () => Staff.id });
  declare staff: Staff[];
}
class Staff extends SBase.model(`${sp}_staff`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  kind: mappedColumn(String(20)),
  shopId: mappedColumn(ForeignKey(`${sp}_shop.id`), { name: "shop_id" }),
}, { polymorphicOn: "kind", polymorphicIdentity: "staff" }) {}
class Clerk extends Staff.subclass({ till: mappedColumn(Integer, { nullable: true }) }, { polymorphicIdentity: "clerk" }) {}
void Clerk.id;

describe.each(dialectTargets())("relationship criteria in comparison operators on $name", (target) => {
  let db: QueryDb;
  const d = target.dialect;
  const ph = (n: number): string => (d === "postgresql" ? `$${n}` : "?");
  const sql = (s: Parameters<typeof sqlOf>[0]) => sqlOf(s, d);
  const U = t("users");
  const A = t("addresses");
  const I = t("items");
  const K = t("keywords");
  const IK = t("item_keywords");

  beforeAll(async () => {
    db = await openQueryDb(target, M.Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [{ id: 1, name: "sandy" }, { id: 2, name: "patrick" }, { id: 3, name: "squidward" }]);
      await conn.execute(insert(Address.__table__), [
        { id: 1, email: "s1@x", userId: 1 },
        { id: 2, email: "s2@y", userId: 1 },
        { id: 3, email: "p1@x", userId: 2 },
        { id: 4, email: "orphan@z", userId: null },
      ]);
      await conn.execute(insert(Item.__table__), [{ id: 1, name: "i1" }, { id: 2, name: "i2" }]);
      await conn.execute(insert(Keyword.__table__), [{ id: 1, name: "red" }, { id: 2, name: "blue" }]);
      await conn.execute(insert(itemKeywords), [{ item_id: 1, keyword_id: 1 }, { item_id: 1, keyword_id: 2 }, { item_id: 2, keyword_id: 2 }]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("many-to-one eq(obj) / ne(obj): EXISTS over the target row with the criteria", async () => {
    await using s = db.session();
    const sandy = (await s.get(User, 1))!;
    const isSandy = Address.user.and(User.name.eq("sandy")).eq(sandy);
    const stmt = select(Address.email).where(isSandy).orderBy(Address.id);
    expect(sql(stmt)).toBe(
      `SELECT ${A}.email_address FROM ${A} WHERE EXISTS (SELECT 1 FROM ${U} WHERE ${U}.id = ${A}.user_id AND ${U}.id = ${ph(1)} AND ${U}.name = ${ph(2)}) ORDER BY ${A}.id`,
    );
    expect(paramsOf(stmt, d)).toEqual([1, "sandy"]);
    expect((await s.scalars(stmt)).all()).toEqual(["s1@x", "s2@y"]);
    // Sandy does not match the criteria: no address's (narrowed) user is sandy.
    expect((await s.scalars(select(Address.email).where(Address.user.and(User.name.eq("patrick")).eq(sandy)))).all()).toEqual([]);
    const notSandy = select(Address.email).where(Address.user.and(User.name.eq("sandy")).ne(sandy)).orderBy(Address.id);
    expect(sql(notSandy)).toBe(
      `SELECT ${A}.email_address FROM ${A} WHERE NOT (EXISTS (SELECT 1 FROM ${U} WHERE ${U}.id = ${A}.user_id AND ${U}.id = ${ph(1)} AND ${U}.name = ${ph(2)})) ORDER BY ${A}.id`,
    );
    // The orphan (NULL foreign key) is "not sandy" too.
    expect((await s.scalars(notSandy)).all()).toEqual(["p1@x", "orphan@z"]);
    // Without criteria the plain foreign-key comparison stays.
    expect(sql(select(Address.email).where(Address.user.eq(sandy)))).toBe(`SELECT ${A}.email_address FROM ${A} WHERE ${A}.user_id = ${ph(1)}`);
  });

  it("many-to-one eq(null) / ne(null): NOT EXISTS / EXISTS of a matching target instead of the foreign key's nullness", async () => {
    await using s = db.session();
    const noPatrick = select(Address.email).where(Address.user.and(User.name.eq("patrick")).eq(null)).orderBy(Address.id);
    expect(sql(noPatrick)).toBe(
      `SELECT ${A}.email_address FROM ${A} WHERE NOT (EXISTS (SELECT 1 FROM ${U} WHERE ${U}.id = ${A}.user_id AND ${U}.name = ${ph(1)})) ORDER BY ${A}.id`,
    );
    expect((await s.scalars(noPatrick)).all()).toEqual(["s1@x", "s2@y", "orphan@z"]);
    const patrick = select(Address.email).where(Address.user.and(User.name.eq("patrick")).isNotNull()).orderBy(Address.id);
    expect(sql(patrick)).toBe(
      `SELECT ${A}.email_address FROM ${A} WHERE EXISTS (SELECT 1 FROM ${U} WHERE ${U}.id = ${A}.user_id AND ${U}.name = ${ph(1)}) ORDER BY ${A}.id`,
    );
    expect((await s.scalars(patrick)).all()).toEqual(["p1@x"]);
  });

  it("collections: contains(obj) only when obj matches; eq(null) / ne(null) count only matching children", async () => {
    await using s = db.session();
    const [a1, a2] = (await s.scalars(select(Address).where(Address.id.in([1, 2])).orderBy(Address.id))).all();
    const onX = User.addresses.and(Address.email.like("%@x"));
    const hasA1 = select(User.name).where(onX.contains(a1)).orderBy(User.id);
    expect(sql(hasA1)).toBe(
      `SELECT ${U}.name FROM ${U} WHERE EXISTS (SELECT 1 FROM ${A} WHERE ${U}.id = ${A}.user_id AND ${A}.id = ${ph(1)} AND ${A}.email_address LIKE ${ph(2)}) ORDER BY ${U}.id`,
    );
    expect(paramsOf(hasA1, d)).toEqual([1, "%@x"]);
    expect((await s.scalars(hasA1)).all()).toEqual(["sandy"]);
    // a2 (s2@y) is sandy's but does not match: no user "contains" it through the narrowed collection.
    expect((await s.scalars(select(User.name).where(onX.contains(a2)))).all()).toEqual([]);
    const none = select(User.name).where(onX.eq(null)).orderBy(User.id);
    expect(sql(none)).toBe(
      `SELECT ${U}.name FROM ${U} WHERE NOT (EXISTS (SELECT 1 FROM ${A} WHERE ${U}.id = ${A}.user_id AND ${A}.email_address LIKE ${ph(1)})) ORDER BY ${U}.id`,
    );
    expect((await s.scalars(none)).all()).toEqual(["squidward"]);
    expect((await s.scalars(select(User.name).where(User.addresses.and(Address.email.like("%@y")).ne(null)).orderBy(User.id))).all()).toEqual(["sandy"]);
  });

  it("many-to-many contains(obj) with criteria: the association table and the target in the EXISTS", async () => {
    await using s = db.session();
    const [red, blue] = (await s.scalars(select(Keyword).orderBy(Keyword.id))).all();
    const stmt = select(Item.name).where(Item.keywords.and(Keyword.name.eq("blue")).contains(blue)).orderBy(Item.id);
    expect(sql(stmt)).toBe(
      `SELECT ${I}.name FROM ${I} WHERE EXISTS (SELECT 1 FROM ${IK}, ${K} WHERE ${I}.id = ${IK}.item_id AND ${K}.id = ${IK}.keyword_id AND ${K}.id = ${ph(1)} AND ${K}.name = ${ph(2)}) ORDER BY ${I}.id`,
    );
    expect((await s.scalars(stmt)).all()).toEqual(["i1", "i2"]);
    expect((await s.scalars(select(Item.name).where(Item.keywords.and(Keyword.name.eq("blue")).contains(red)))).all()).toEqual([]);
  });

  it("withParent(obj, rel.and(crit)): the criteria ANDed onto the bound criterion, on the class or an alias", async () => {
    await using s = db.session();
    const sandy = (await s.get(User, 1))!;
    const stmt = select(Address.email).where(withParent(sandy, User.addresses.and(Address.email.like("%@x")))).orderBy(Address.id);
    expect(sql(stmt)).toBe(`SELECT ${A}.email_address FROM ${A} WHERE ${A}.user_id = ${ph(1)} AND ${A}.email_address LIKE ${ph(2)} ORDER BY ${A}.id`);
    expect((await s.scalars(stmt)).all()).toEqual(["s1@x"]);
    const a = aliased(Address, "a");
    const onAlias = select(a.email).where(withParent(sandy, User.addresses.and(Address.email.like("%@y")).ofType(a))).orderBy(a.id);
    expect(sql(onAlias)).toBe(`SELECT a.email_address FROM ${A} AS a WHERE a.user_id = ${ph(1)} AND a.email_address LIKE ${ph(2)} ORDER BY a.id`);
    expect((await s.scalars(onAlias)).all()).toEqual(["s2@y"]);
    // The third argument re-targets the criteria too.
    expect(sql(select(a.email).where(withParent(sandy, User.addresses.and(Address.email.like("%@y")), a)).orderBy(a.id))).toBe(sql(onAlias));
    // Many-to-one: the parent of an address, narrowed.
    const addr = (await s.get(Address, 3))!;
    const users = select(User.name).where(withParent(addr, Address.user.and(User.name.ne("patrick"))));
    expect(sql(users)).toBe(`SELECT ${U}.name FROM ${U} WHERE ${U}.id = ${ph(1)} AND ${U}.name != ${ph(2)}`);
    expect((await s.scalars(users)).all()).toEqual([]);
  });

  it("ofType(SingleTableSubclass) narrows too: contains() checks the discriminator inside the EXISTS", async () => {
    const sdb: Db = await openDb(target, SBase);
    try {
      await sdb.engine.begin(async (conn) => {
        await conn.execute(insert(Shop.__table__), [{ id: 1 }, { id: 2 }]);
        await conn.execute(insert(Staff.__table__), [{ id: 1, kind: "clerk", shopId: 1 }, { id: 2, kind: "staff", shopId: 2 }]);
      });
      const s = sdb.session();
      const [clerk, plain] = (await s.scalars(select(Staff).orderBy(Staff.id))).all();
      expect(clerk).toBeInstanceOf(Clerk);
      const stmt = select(Shop.id).where(Shop.staff.ofType(Clerk).contains(clerk as Clerk));
      expect(sql(stmt)).toBe(
        `SELECT ${sp}_shop.id FROM ${sp}_shop WHERE EXISTS (SELECT 1 FROM ${sp}_staff WHERE ${sp}_shop.id = ${sp}_staff.shop_id AND ${sp}_staff.kind IN (__[POSTCOMPILE_kind_1]) AND ${sp}_staff.id = ${ph(1)})`,
      );
      expect(paramsOf(stmt, d)).toEqual([["clerk"], 1]);
      expect((await s.scalars(stmt)).all()).toEqual([1]);
      expect(() => Shop.staff.ofType(Clerk).contains(plain as never)).toThrow(InvalidRequestError);
      // withParent: the discriminator joins the bound criterion.
      const shop2 = (await s.get(Shop, 2))!;
      const none = select(Staff.id).where(withParent(shop2, Shop.staff.ofType(Clerk)));
      expect(sql(none)).toBe(`SELECT ${sp}_staff.id FROM ${sp}_staff WHERE ${sp}_staff.shop_id = ${ph(1)} AND ${sp}_staff.kind IN (__[POSTCOMPILE_kind_1])`);
      expect((await s.scalars(none)).all()).toEqual([]);
    } finally {
      await sdb.cleanup();
    }
  });

  it("criteria shapes share one cache key whatever their values and objects", async () => {
    await using s = db.session();
    const [sandy, patrick] = [(await s.get(User, 1))!, (await s.get(User, 2))!];
    const q = (u: typeof sandy, n: string) => select(Address.email).where(Address.user.and(User.name.eq(n)).eq(u));
    const [k1, k2] = [generateCacheKey(q(sandy, "sandy")), generateCacheKey(q(patrick, "patrick"))];
    expect(k2.key).toBe(k1.key);
    expect([k1.binds.map((b) => b.value), k2.binds.map((b) => b.value)]).toEqual([[1, "sandy"], [2, "patrick"]]);
    expect(generateCacheKey(select(Address.email).where(Address.user.eq(sandy))).key).not.toBe(k1.key);
    expect((await s.scalars(q(patrick, "patrick"))).all()).toEqual(["p1@x"]);
  });
});

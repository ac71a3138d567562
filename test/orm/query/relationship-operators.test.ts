/**
 * Relationship comparators (SQLAlchemy's `RelationshipProperty.Comparator`): `any()`, `has()`,
 * `contains()`, `eq()` / `ne()` against an object or null, `isNull()` / `isNotNull()`, and
 * `withParent()`; exact SQL on both dialects, rows from real databases, structural cache keys.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliased, and, generateCacheKey, insert, update, InvalidRequestError, not, select, warnings, withParent } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineQueryModels, openQueryDb, paramsOf, sqlOf, type QueryDb } from "./models.js";

const M = defineQueryModels("qro");
const { t, User, Address, Passport, Item, Keyword, Node, Person, follows, Region, Store, itemKeywords } = M;

describe.each(dialectTargets())("relationship operators on $name", (target) => {
  let db: QueryDb;
  const d = target.dialect;
  /** The n-th placeholder of the dialect. */
  const ph = (n: number): string => (d === "postgresql" ? `$${n}` : "?");
  const sql = (s: Parameters<typeof sqlOf>[0]) => sqlOf(s, d);
  const U = t("users");
  const A = t("addresses");
  const I = t("items");
  const K = t("keywords");
  const IK = t("item_keywords");
  const N = t("nodes");
  const R = t("regions");
  const S = t("stores");
  const userCols = `${U}.id, ${U}.name`;
  const addrCols = `${A}.id, ${A}.email_address, ${A}.user_id`;

  beforeAll(async () => {
    db = await openQueryDb(target, M.Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [
        { id: 1, name: "sandy", bio: "b1" },
        { id: 2, name: "patrick", bio: null },
        { id: 3, name: "squidward", bio: null },
      ]);
      await conn.execute(insert(Address.__table__), [
        { id: 1, email: "s1@x", userId: 1 },
        { id: 2, email: "s2@y", userId: 1 },
        { id: 3, email: "p1@x", userId: 2 },
        { id: 4, email: "orphan@z", userId: null },
      ]);
      await conn.execute(insert(Passport.__table__), [{ id: 1, country: "us", holderId: 1 }, { id: 2, country: "fr", holderId: 2 }]);
      await conn.execute(insert(Item.__table__), [{ id: 1, name: "i1" }, { id: 2, name: "i2" }, { id: 3, name: "i3" }]);
      await conn.execute(insert(Keyword.__table__), [{ id: 1, name: "red" }, { id: 2, name: "blue" }, { id: 3, name: "green" }]);
      await conn.execute(insert(itemKeywords), [{ item_id: 1, keyword_id: 1 }, { item_id: 1, keyword_id: 2 }, { item_id: 2, keyword_id: 2 }]);
      await conn.execute(insert(Node.__table__), [
        { id: 1, parentId: null, name: "root" },
        { id: 2, parentId: 1, name: "a" },
        { id: 3, parentId: 2, name: "a1" },
        { id: 4, parentId: 1, name: "b" },
      ]);
      await conn.execute(insert(Person.__table__), [{ id: 1, name: "ann" }, { id: 2, name: "bob" }, { id: 3, name: "cy" }]);
      await conn.execute(insert(follows), [{ follower_id: 1, followed_id: 2 }, { follower_id: 1, followed_id: 3 }, { follower_id: 3, followed_id: 2 }]);
      await conn.execute(insert(Region.__table__), [{ country: "us", code: 1, name: "east" }, { country: "us", code: 2, name: "west" }]);
      await conn.execute(insert(Store.__table__), [
        { id: 1, country: "us", regionCode: 1, name: "s1" },
        { id: 2, country: "us", regionCode: 2, name: "s2" },
        { id: 3, country: "us", regionCode: 1, name: "s3" },
        { id: 4, country: null, regionCode: null, name: "s4" },
      ]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  describe("any() / has()", () => {
    it("one-to-many any(criterion): correlated EXISTS against the target", async () => {
      const stmt = select(User).where(User.addresses.any(Address.email.like("%@y"))).orderBy(User.id);
      expect(sql(stmt)).toBe(
        `SELECT ${userCols} FROM ${U} WHERE EXISTS (SELECT 1 FROM ${A} WHERE ${U}.id = ${A}.user_id AND ${A}.email_address LIKE ${ph(1)}) ORDER BY ${U}.id`,
      );
      const s = db.session();
      expect((await s.scalars(stmt)).all().map((u) => u.name)).toEqual(["sandy"]);
      await s.close();
    });

    it("any() without criterion and its negation", async () => {
      const s = db.session();
      const some = select(User.name).where(User.addresses.any()).orderBy(User.id);
      expect(sql(some)).toBe(`SELECT ${U}.name FROM ${U} WHERE EXISTS (SELECT 1 FROM ${A} WHERE ${U}.id = ${A}.user_id) ORDER BY ${U}.id`);
      expect((await s.scalars(some)).all()).toEqual(["sandy", "patrick"]);
      const none = select(User.name).where(not(User.addresses.any()));
      expect((await s.scalars(none)).all()).toEqual(["squidward"]);
      await s.close();
    });

    it("many-to-one has(criterion)", async () => {
      const stmt = select(Address).where(Address.user.has(User.name.eq("patrick")));
      expect(sql(stmt)).toBe(
        `SELECT ${addrCols} FROM ${A} WHERE EXISTS (SELECT 1 FROM ${U} WHERE ${U}.id = ${A}.user_id AND ${U}.name = ${ph(1)})`,
      );
      expect(paramsOf(stmt, d)).toEqual(["patrick"]);
      const s = db.session();
      expect((await s.scalars(stmt)).all().map((a) => a.email)).toEqual(["p1@x"]);
      await s.close();
    });

    it("many-to-many any(): FROM the association table and the target, correlated to the parent", async () => {
      const stmt = select(Item.name).where(Item.keywords.any(Keyword.name.eq("blue"))).orderBy(Item.id);
      expect(sql(stmt)).toBe(
        `SELECT ${I}.name FROM ${I} WHERE EXISTS (SELECT 1 FROM ${IK}, ${K} WHERE ${I}.id = ${IK}.item_id AND ${K}.id = ${IK}.keyword_id AND ${K}.name = ${ph(1)}) ORDER BY ${I}.id`,
      );
      const s = db.session();
      expect((await s.scalars(stmt)).all()).toEqual(["i1", "i2"]);
      // The reverse side, and a keyword used by no item.
      expect((await s.scalars(select(Keyword.name).where(not(Keyword.items.any())))).all()).toEqual(["green"]);
      await s.close();
    });

    it("self-referential any()/has(): the target side is an anonymous alias; criteria follow it", async () => {
      const kids = select(Node.name).where(Node.children.any(Node.name.eq("a1")));
      expect(sql(kids)).toBe(
        `SELECT ${N}.name FROM ${N} WHERE EXISTS (SELECT 1 FROM ${N} AS ${N}_1 WHERE ${N}.id = ${N}_1.parent_id AND ${N}_1.name = ${ph(1)})`,
      );
      const parentIsRoot = select(Node.name).where(Node.parent.has(Node.name.eq("root"))).orderBy(Node.id);
      expect(sql(parentIsRoot)).toBe(
        `SELECT ${N}.name FROM ${N} WHERE EXISTS (SELECT 1 FROM ${N} AS ${N}_1 WHERE ${N}_1.id = ${N}.parent_id AND ${N}_1.name = ${ph(1)}) ORDER BY ${N}.id`,
      );
      const s = db.session();
      expect((await s.scalars(kids)).all()).toEqual(["a"]);
      expect((await s.scalars(parentIsRoot)).all()).toEqual(["a", "b"]);
      expect((await s.scalars(select(Node.name).where(not(Node.children.any())).orderBy(Node.id))).all()).toEqual(["a1", "b"]);
      await s.close();
    });

    it("composite foreign key has()", async () => {
      const stmt = select(Store.name).where(Store.region.has(Region.name.eq("east"))).orderBy(Store.id);
      expect(sql(stmt)).toBe(
        `SELECT ${S}.name FROM ${S} WHERE EXISTS (SELECT 1 FROM ${R} WHERE ${R}.country = ${S}.country AND ${R}.code = ${S}.region_code AND ${R}.name = ${ph(1)}) ORDER BY ${S}.id`,
      );
      const s = db.session();
      expect((await s.scalars(stmt)).all()).toEqual(["s1", "s3"]);
      await s.close();
    });

    it("inside and() with other criteria, and on an enclosing query that joins", async () => {
      const s = db.session();
      const stmt = select(Address.email)
        .join(Address.user)
        .where(and(User.name.ne("patrick"), User.addresses.any(Address.email.like("%@x"))))
        .orderBy(Address.id);
      expect((await s.scalars(stmt)).all()).toEqual(["s1@x", "s2@y"]);
      await s.close();
    });

    it("misuse raises with the attribute named", () => {
      expect(() => Address.user.any()).toThrow(InvalidRequestError);
      expect(() => Address.user.any()).toThrow(/Address\.user.*scalar, use has\(\)/);
      expect(() => User.addresses.has()).toThrow(/User\.addresses.*collection, use any\(\)/);
    });
  });

  describe("eq / ne / contains with objects", () => {
    it("many-to-one eq(obj): the foreign key against a bound primary key", async () => {
      const s = db.session();
      const [sandy, patrick] = (await s.scalars(select(User).where(User.id.in([1, 2])).orderBy(User.id))).all();
      const stmt = select(Address.email).where(Address.user.eq(sandy)).orderBy(Address.id);
      expect(sql(stmt)).toBe(`SELECT ${A}.email_address FROM ${A} WHERE ${A}.user_id = ${ph(1)} ORDER BY ${A}.id`);
      expect(paramsOf(stmt, d)).toEqual([1]);
      expect((await s.scalars(stmt)).all()).toEqual(["s1@x", "s2@y"]);
      expect((await s.scalars(select(Address.email).where(Address.user.eq(patrick)))).all()).toEqual(["p1@x"]);
      await s.close();
    });

    it("many-to-one ne(obj) keeps rows whose foreign key is NULL", async () => {
      const s = db.session();
      const sandy = await s.get(User, 1);
      const stmt = select(Address.email).where(Address.user.ne(sandy!)).orderBy(Address.id);
      expect(sql(stmt)).toBe(`SELECT ${A}.email_address FROM ${A} WHERE ${A}.user_id != ${ph(1)} OR ${A}.user_id IS NULL ORDER BY ${A}.id`);
      expect((await s.scalars(stmt)).all()).toEqual(["p1@x", "orphan@z"]);
      await s.close();
    });

    it("eq(null) / isNull() / ne(null) / isNotNull()", async () => {
      const s = db.session();
      const isNull = select(Address.email).where(Address.user.eq(null));
      expect(sql(isNull)).toBe(`SELECT ${A}.email_address FROM ${A} WHERE ${A}.user_id IS NULL`);
      expect(sql(select(Address.email).where(Address.user.isNull()))).toBe(sql(isNull));
      expect((await s.scalars(isNull)).all()).toEqual(["orphan@z"]);
      const notNull = select(Address.email).where(Address.user.isNotNull()).orderBy(Address.id);
      expect(sql(notNull)).toBe(`SELECT ${A}.email_address FROM ${A} WHERE ${A}.user_id IS NOT NULL ORDER BY ${A}.id`);
      expect((await s.scalars(notNull)).all()).toEqual(["s1@x", "s2@y", "p1@x"]);
      // Collections: NOT EXISTS / EXISTS.
      const empty = select(User.name).where(User.addresses.eq(null));
      expect(sql(empty)).toBe(`SELECT ${U}.name FROM ${U} WHERE NOT (EXISTS (SELECT 1 FROM ${A} WHERE ${U}.id = ${A}.user_id))`);
      expect((await s.scalars(empty)).all()).toEqual(["squidward"]);
      expect((await s.scalars(select(User.name).where(User.addresses.isNotNull()).orderBy(User.id))).all()).toEqual(["sandy", "patrick"]);
      // Composite many-to-one: every column IS NULL.
      const noRegion = select(Store.name).where(Store.region.isNull());
      expect(sql(noRegion)).toBe(`SELECT ${S}.name FROM ${S} WHERE ${S}.country IS NULL AND ${S}.region_code IS NULL`);
      expect((await s.scalars(noRegion)).all()).toEqual(["s4"]);
      await s.close();
    });

    it("composite many-to-one eq(obj) / ne(obj)", async () => {
      const s = db.session();
      const east = await s.get(Region, ["us", 1]);
      const stmt = select(Store.name).where(Store.region.eq(east!)).orderBy(Store.id);
      expect(sql(stmt)).toBe(`SELECT ${S}.name FROM ${S} WHERE ${S}.country = ${ph(1)} AND ${S}.region_code = ${ph(2)} ORDER BY ${S}.id`);
      expect(paramsOf(stmt, d)).toEqual(["us", 1]);
      expect((await s.scalars(stmt)).all()).toEqual(["s1", "s3"]);
      const ne = select(Store.name).where(Store.region.ne(east!)).orderBy(Store.id);
      expect(sql(ne)).toBe(
        `SELECT ${S}.name FROM ${S} WHERE NOT (${S}.country = ${ph(1)} AND ${S}.region_code = ${ph(2)}) OR ${S}.country IS NULL OR ${S}.region_code IS NULL ORDER BY ${S}.id`,
      );
      expect((await s.scalars(ne)).all()).toEqual(["s2", "s4"]);
      await s.close();
    });

    it("one-to-many contains(obj): the parent's key against the child's foreign key value", async () => {
      const s = db.session();
      const a3 = await s.get(Address, 3);
      const stmt = select(User.name).where(User.addresses.contains(a3!));
      expect(sql(stmt)).toBe(`SELECT ${U}.name FROM ${U} WHERE ${U}.id = ${ph(1)}`);
      expect(paramsOf(stmt, d)).toEqual([2]);
      expect((await s.scalars(stmt)).all()).toEqual(["patrick"]);
      await s.close();
    });

    it("many-to-many contains(obj): through the association table", async () => {
      const s = db.session();
      const blue = await s.get(Keyword, 2);
      const stmt = select(Item.name).where(Item.keywords.contains(blue!)).orderBy(Item.id);
      expect(sql(stmt)).toBe(
        `SELECT ${I}.name FROM ${I}, ${IK} WHERE ${I}.id = ${IK}.item_id AND ${IK}.keyword_id = ${ph(1)} ORDER BY ${I}.id`,
      );
      expect((await s.scalars(stmt)).all()).toEqual(["i1", "i2"]);
      await s.close();
    });

    it("self-referential eq(obj) and contains(obj)", async () => {
      const s = db.session();
      const [root, a] = (await s.scalars(select(Node).where(Node.id.in([1, 2])).orderBy(Node.id))).all();
      const childrenOfRoot = select(Node.name).where(Node.parent.eq(root)).orderBy(Node.id);
      expect(sql(childrenOfRoot)).toBe(`SELECT ${N}.name FROM ${N} WHERE ${N}.parent_id = ${ph(1)} ORDER BY ${N}.id`);
      expect((await s.scalars(childrenOfRoot)).all()).toEqual(["a", "b"]);
      const parentOfA = select(Node.name).where(Node.children.contains(a));
      expect(sql(parentOfA)).toBe(`SELECT ${N}.name FROM ${N} WHERE ${N}.id = ${ph(1)}`);
      expect((await s.scalars(parentOfA)).all()).toEqual(["root"]);
      await s.close();
    });

    it("one-to-one seen from the parent: has(), eq(obj), ne(obj), eq(null)", async () => {
      const P = t("passports");
      const s = db.session();
      const fr = (await s.get(Passport, 2))!;
      const hasUs = select(User.name).where(User.passport.has(Passport.country.eq("us")));
      expect(sql(hasUs)).toBe(`SELECT ${U}.name FROM ${U} WHERE EXISTS (SELECT 1 FROM ${P} WHERE ${U}.id = ${P}.holder_id AND ${P}.country = ${ph(1)})`);
      expect((await s.scalars(hasUs)).all()).toEqual(["sandy"]);
      const holder = select(User.name).where(User.passport.eq(fr));
      expect(sql(holder)).toBe(`SELECT ${U}.name FROM ${U} WHERE ${U}.id = ${ph(1)}`);
      expect((await s.scalars(holder)).all()).toEqual(["patrick"]);
      const notHolder = select(User.name).where(User.passport.ne(fr)).orderBy(User.id);
      expect(sql(notHolder)).toBe(
        `SELECT ${U}.name FROM ${U} WHERE NOT (EXISTS (SELECT 1 FROM ${P} WHERE ${U}.id = ${P}.holder_id AND ${P}.id = ${ph(1)})) ORDER BY ${U}.id`,
      );
      expect((await s.scalars(notHolder)).all()).toEqual(["sandy", "squidward"]);
      expect((await s.scalars(select(User.name).where(User.passport.isNull()))).all()).toEqual(["squidward"]);
      expect(() => User.passport.any()).toThrow(/User\.passport.*scalar, use has\(\)/);
      await s.close();
    });

    it("a pending object's values are bound as they are at call time", async () => {
      const s = db.session();
      const u = new User({ id: 2, name: "not flushed" });
      expect((await s.scalars(select(Address.email).where(Address.user.eq(u)))).all()).toEqual(["p1@x"]);
      await s.close();
    });

    it("misuse: collection vs object, scalar contains, wrong class, missing values", async () => {
      const s = db.session();
      const a1 = await s.get(Address, 1);
      const u1 = await s.get(User, 1);
      expect(() => User.addresses.eq(a1!)).toThrow(/User\.addresses.*can't compare a collection to an object; use User\.addresses\.contains/);
      expect(() => User.addresses.ne(a1!)).toThrow(InvalidRequestError);
      expect(() => Address.user.contains(u1!)).toThrow(/contains\(\) applies to collections/);
      expect(() => Address.user.eq(a1 as never)).toThrow(/Address\.user\.eq\(\): expected a User instance; got Address object/);
      // A transient object with no primary key yet.
      expect(() => Address.user.eq(new User({ name: "new" }))).toThrow(/attribute 'User\.id' of the User instance/);
      await s.close();
    });

    it("an expired column is reported, not bound as undefined", async () => {
      const s = db.session();
      const a1 = await s.get(Address, 1);
      s.expire(a1!, ["userId"]);
      expect(() => User.addresses.contains(a1!)).toThrow(/User\.addresses\.contains\(\): attribute 'Address\.userId' of the Address instance is not loaded/);
      await s.close();
    });

    it("a NULL foreign key value warns that the comparison matches nothing", async () => {
      const s = db.session();
      const orphan = await s.get(Address, 4);
      let crit: ReturnType<typeof User.addresses.contains> | undefined;
      const caught = warnings.catch(() => {
        crit = User.addresses.contains(orphan!);
      });
      expect(caught.map((w) => w.message)).toEqual([expect.stringMatching(/got null for attribute 'Address\.userId'/)]);
      expect((await s.scalars(select(User.name).where(crit!))).all()).toEqual([]);
      await s.close();
    });
  });

  describe("withParent()", () => {
    it("one-to-many: the children of a parent", async () => {
      const s = db.session();
      const sandy = await s.get(User, 1);
      const stmt = select(Address.email).where(withParent(sandy!, User.addresses)).orderBy(Address.id);
      expect(sql(stmt)).toBe(`SELECT ${A}.email_address FROM ${A} WHERE ${A}.user_id = ${ph(1)} ORDER BY ${A}.id`);
      expect((await s.scalars(stmt)).all()).toEqual(["s1@x", "s2@y"]);
      await s.close();
    });

    it("many-to-one: the parent of a child", async () => {
      const s = db.session();
      const a3 = await s.get(Address, 3);
      const stmt = select(User.name).where(withParent(a3!, Address.user));
      expect(sql(stmt)).toBe(`SELECT ${U}.name FROM ${U} WHERE ${U}.id = ${ph(1)}`);
      expect((await s.scalars(stmt)).all()).toEqual(["patrick"]);
      await s.close();
    });

    it("many-to-many: through the association table", async () => {
      const s = db.session();
      const i1 = await s.get(Item, 1);
      const stmt = select(Keyword.name).where(withParent(i1!, Item.keywords)).orderBy(Keyword.id);
      expect(sql(stmt)).toBe(
        `SELECT ${K}.name FROM ${K}, ${IK} WHERE ${IK}.item_id = ${ph(1)} AND ${K}.id = ${IK}.keyword_id ORDER BY ${K}.id`,
      );
      expect((await s.scalars(stmt)).all()).toEqual(["red", "blue"]);
      await s.close();
    });

    it("self-referential, composite, and against an alias of the target", async () => {
      const s = db.session();
      const root = await s.get(Node, 1);
      expect((await s.scalars(select(Node.name).where(withParent(root!, Node.children)).orderBy(Node.id))).all()).toEqual(["a", "b"]);
      const east = await s.get(Region, ["us", 1]);
      const stores = select(Store.name).where(withParent(east!, Region.stores)).orderBy(Store.id);
      expect(sql(stores)).toBe(`SELECT ${S}.name FROM ${S} WHERE ${S}.country = ${ph(1)} AND ${S}.region_code = ${ph(2)} ORDER BY ${S}.id`);
      expect((await s.scalars(stores)).all()).toEqual(["s1", "s3"]);
      const a = aliased(Address, "a");
      const sandy = await s.get(User, 1);
      const viaAlias = select(a.email).where(withParent(sandy!, User.addresses, a)).orderBy(a.id);
      expect(sql(viaAlias)).toBe(`SELECT a.email_address FROM ${A} AS a WHERE a.user_id = ${ph(1)} ORDER BY a.id`);
      expect((await s.scalars(viaAlias)).all()).toEqual(["s1@x", "s2@y"]);
      expect(sql(select(a.email).where(withParent(sandy!, User.addresses.ofType(a))).orderBy(a.id))).toBe(sql(viaAlias));
      expect(() => withParent(sandy!, User.addresses, aliased(User) as never)).toThrow(/the third argument must be an aliased\(Address\)/);
      await s.close();
    });

    it("names the attribute when the parent's column is not loaded", async () => {
      const s = db.session();
      const a1 = await s.get(Address, 1);
      s.expire(a1!, ["userId"]);
      expect(() => withParent(a1!, Address.user)).toThrow(
        /withParent\(…, Address\.user\): attribute 'Address\.userId' of the Address instance is not loaded/,
      );
      expect(() => withParent(a1!, User.addresses)).toThrow(/expected a User instance; got Address object/);
      await s.close();
    });
  });

  describe("self-referential many-to-many", () => {
    it("any(), contains() and withParent() keep the two sides apart", async () => {
      const P = t("people");
      const F = t("follows");
      const s = db.session();
      const followsBob = select(Person.name).where(Person.following.any(Person.name.eq("bob"))).orderBy(Person.id);
      expect(sql(followsBob)).toBe(
        `SELECT ${P}.name FROM ${P} WHERE EXISTS (SELECT 1 FROM ${F}, ${P} AS ${P}_1 WHERE ${P}.id = ${F}.follower_id AND ${P}_1.id = ${F}.followed_id AND ${P}_1.name = ${ph(1)}) ORDER BY ${P}.id`,
      );
      expect((await s.scalars(followsBob)).all()).toEqual(["ann", "cy"]);
      const [ann, , cy] = (await s.scalars(select(Person).orderBy(Person.id))).all();
      const followersOfCy = select(Person.name).where(Person.following.contains(cy));
      expect(sql(followersOfCy)).toBe(`SELECT ${P}.name FROM ${P}, ${F} WHERE ${P}.id = ${F}.follower_id AND ${F}.followed_id = ${ph(1)}`);
      expect((await s.scalars(followersOfCy)).all()).toEqual(["ann"]);
      const followedByAnn = select(Person.name).where(withParent(ann, Person.following)).orderBy(Person.id);
      expect(sql(followedByAnn)).toBe(`SELECT ${P}.name FROM ${P}, ${F} WHERE ${F}.follower_id = ${ph(1)} AND ${P}.id = ${F}.followed_id ORDER BY ${P}.id`);
      expect((await s.scalars(followedByAnn)).all()).toEqual(["bob", "cy"]);
      await s.close();
    });
  });

  describe("in ORM-enabled UPDATE", () => {
    it("update().where(rel.eq(obj)) and where(rel.any(…)) change the right rows and the loaded objects", async () => {
      const s = db.session();
      const patrick = (await s.get(User, 2))!;
      const a3 = (await s.get(Address, 3))!;
      const sandy = (await s.get(User, 1))!;
      await s.execute(update(Address).where(Address.user.eq(patrick)).values({ email: "p-new@x" }));
      expect(a3.email).toBe("p-new@x");
      await s.execute(update(User).where(User.addresses.any(Address.email.like("%@y"))).values({ name: "has-y" }));
      expect(sandy.name).toBe("has-y");
      expect(patrick.name).toBe("patrick");
      expect((await s.scalars(select(User.name).orderBy(User.id))).all()).toEqual(["has-y", "patrick", "squidward"]);
      await s.rollback();
      await s.close();
    });
  });

  describe("caching", () => {
    it("same shape over different objects: one cache key, different bound values", async () => {
      const s = db.session();
      const [sandy, patrick] = (await s.scalars(select(User).where(User.id.in([1, 2])).orderBy(User.id))).all();
      const k1 = generateCacheKey(select(Address.email).where(Address.user.eq(sandy)));
      const k2 = generateCacheKey(select(Address.email).where(Address.user.eq(patrick)));
      expect(k2.key).toBe(k1.key);
      expect(k1.binds.map((b) => b.value)).toEqual([1]);
      expect(k2.binds.map((b) => b.value)).toEqual([2]);
      const w1 = generateCacheKey(select(Address.email).where(withParent(sandy, User.addresses)));
      const w2 = generateCacheKey(select(Address.email).where(withParent(patrick, User.addresses)));
      expect(w2.key).toBe(w1.key);
      expect(w2.binds.map((b) => b.value)).toEqual([2]);
      const any1 = generateCacheKey(select(User.id).where(User.addresses.any(Address.email.eq("a"))));
      const any2 = generateCacheKey(select(User.id).where(User.addresses.any(Address.email.eq("b"))));
      expect(any2.key).toBe(any1.key);
      // A different shape (has vs any, or an extra criterion) is a different key.
      expect(generateCacheKey(select(User.id).where(User.addresses.any())).key).not.toBe(any1.key);
      const self1 = generateCacheKey(select(Node.id).where(Node.children.any(Node.name.eq("x"))));
      const self2 = generateCacheKey(select(Node.id).where(Node.children.any(Node.name.eq("y"))));
      expect(self2.key).toBe(self1.key);
      // Executed one after the other, the cached compiled form takes each statement's values.
      expect((await s.scalars(select(Address.email).where(Address.user.eq(sandy)).orderBy(Address.id))).all()).toEqual(["s1@x", "s2@y"]);
      expect((await s.scalars(select(Address.email).where(Address.user.eq(patrick)).orderBy(Address.id))).all()).toEqual(["p1@x"]);
      expect((await s.scalars(select(Address.email).where(withParent(patrick, User.addresses)).orderBy(Address.id))).all()).toEqual(["p1@x"]);
      expect((await s.scalars(select(Address.email).where(withParent(sandy, User.addresses)).orderBy(Address.id))).all()).toEqual(["s1@x", "s2@y"]);
      await s.close();
    });
  });
});

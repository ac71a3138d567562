/**
 * Custom primaryjoin conditions with parts beyond the key equalities: selectinload must apply
 * them in its IN query (WHERE, or a join to the parent when they mention the parent row), and
 * joinedload must render the whole condition in its ON clause. Rows and SQL are asserted on
 * real PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  and, Column, DeclarativeBase, ForeignKey, insert, Integer, joinedload, mappedColumn, relationship, select, selectinload, String, Table,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

const p = uniqueName("pjx");
const t = (n: string) => `${p}_${n}`;

class Base extends DeclarativeBase {}

const itemTags = Table(
  t("item_tags"),
  Base.metadata,
  {
    item_id: Column(Integer, { foreignKey: `${t("items")}.id`, primaryKey: true }),
    tag_id: Column(Integer, { foreignKey: `${t("tags")}.id`, primaryKey: true }),
    weight: Column(Integer),
  },
);

class User extends Base.model(t("users"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(50)),
  minAddressId: mappedColumn(Integer, { name: "min_address_id" }),
}) {
  /** Only addresses at @x: the LIKE is a target-side part of the primaryjoin. */
  static xAddresses = relationship(() => Address, {
    primaryjoin: () => and(User.id.eq(Address.userId), Address.email.like("%@x")),
    viewonly: true,
    orderBy: () => Address.id,
  });
  declare xAddresses: Address[];
  /** Addresses above the user's own threshold: a part that needs the parent row. */
  static laterAddresses = relationship(() => Address, {
    primaryjoin: () => and(User.id.eq(Address.userId), Address.id.gt(User.minAddressId)),
    viewonly: true,
    orderBy: () => Address.id,
  });
  declare laterAddresses: Address[];
}

class Address extends Base.model(t("addresses"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  email: mappedColumn(String(50)),
  userId: mappedColumn(ForeignKey(`${t("users")}.id`), { name: "user_id" }),
}) {
  /** Many-to-one with a target-side part: users other than "bob". */
  static notBob = relationship(() => User, {
    primaryjoin: () => and(User.id.eq(Address.userId), User.name.ne("bob")),
    viewonly: true,
  });
  declare notBob: User | null;
  /** Many-to-one whose extra part compares the parent (address) row with the target. */
  static ownerIfEarly = relationship(() => User, {
    primaryjoin: () => and(User.id.eq(Address.userId), Address.id.le(User.minAddressId)),
    viewonly: true,
  });
  declare ownerIfEarly: User | null;
}

class Item extends Base.model(t("items"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(50)),
  minWeight: mappedColumn(Integer, { name: "min_weight" }),
}) {
  /** Many-to-many with a part comparing the association row with the parent row. */
  static aboveOwnMin = relationship(() => Tag, {
    secondary: itemTags,
    primaryjoin: () => and(Item.id.eq(itemTags.c.item_id), itemTags.c.weight.ge(Item.minWeight)),
    viewonly: true,
    orderBy: () => Tag.id,
  });
  declare aboveOwnMin: Tag[];
  /** Many-to-many with an association-side part. */
  static heavyTags = relationship(() => Tag, {
    secondary: itemTags,
    primaryjoin: () => and(Item.id.eq(itemTags.c.item_id), itemTags.c.weight.gt(1)),
    viewonly: true,
    orderBy: () => Tag.id,
  });
  declare heavyTags: Tag[];
}

class Tag extends Base.model(t("tags"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(50)),
}) {}

describe.each(dialectTargets())("primaryjoin with non-key parts on $name", (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [
        { id: 1, name: "sandy", minAddressId: 1 },
        { id: 2, name: "bob", minAddressId: 0 },
      ]);
      await conn.execute(insert(Address.__table__), [
        { id: 1, email: "a@x", userId: 1 },
        { id: 2, email: "b@y", userId: 1 },
        { id: 3, email: "c@x", userId: 1 },
        { id: 4, email: "d@y", userId: 2 },
      ]);
      await conn.execute(insert(Item.__table__), [{ id: 1, name: "i1", minWeight: 5 }, { id: 2, name: "i2", minWeight: 1 }]);
      await conn.execute(insert(Tag.__table__), [{ id: 1, name: "light" }, { id: 2, name: "heavy" }]);
      await conn.execute(insert(itemTags), [
        { item_id: 1, tag_id: 1, weight: 1 },
        { item_id: 1, tag_id: 2, weight: 5 },
        { item_id: 2, tag_id: 1, weight: 1 },
      ]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("selectinload applies a target-side part in the IN query", async () => {
    const s = db.session();
    db.counting.reset();
    const users = (await s.scalars(select(User).orderBy(User.id).options(selectinload(User.xAddresses)))).all();
    expect(users.map((u) => u.xAddresses.map((a) => a.email))).toEqual([["a@x", "c@x"], []]);
    expect(db.selects()).toHaveLength(2);
    expect(db.selects()[1]).toMatch(/user_id IN \([^)]*\) AND \S+\.email LIKE/);
    await s.close();
  });

  it("selectinload joins the parent when a part mentions the parent row", async () => {
    const s = db.session();
    db.counting.reset();
    const users = (await s.scalars(select(User).orderBy(User.id).options(selectinload(User.laterAddresses)))).all();
    expect(users.map((u) => u.laterAddresses.map((a) => a.id))).toEqual([[2, 3], [4]]);
    expect(db.selects()).toHaveLength(2);
    expect(db.selects()[1]).toMatch(/FROM \S+_users AS \S+ JOIN \S+_addresses ON .*\.id > /);
    await s.close();
  });

  it("selectinload of a many-to-one queries even with targets in the identity map, and leaves non-matching ones null", async () => {
    const s = db.session();
    await s.scalars(select(User)); // both users now in the identity map
    db.counting.reset();
    const addrs = (await s.scalars(select(Address).orderBy(Address.id).options(selectinload(Address.notBob)))).all();
    expect(addrs.map((a) => a.notBob?.name ?? null)).toEqual(["sandy", "sandy", "sandy", null]);
    expect(db.selects()).toHaveLength(2);
    expect(db.selects()[1]).toMatch(/name != /);
    await s.close();
  });

  it("selectinload of a many-to-one decides per parent row when a part mentions it", async () => {
    const s = db.session();
    db.counting.reset();
    const addrs = (await s.scalars(select(Address).orderBy(Address.id).options(selectinload(Address.ownerIfEarly)))).all();
    // Address 1 matches sandy (1 <= 1); addresses 2 and 3 share sandy as FK target but don't match.
    expect(addrs.map((a) => a.ownerIfEarly?.name ?? null)).toEqual(["sandy", null, null, null]);
    expect(db.selects()).toHaveLength(2);
    expect(db.selects()[1]).toMatch(/JOIN \S+_addresses AS \S+ ON /);
    await s.close();
  });

  it("selectinload of a many-to-many applies an association-side part", async () => {
    const s = db.session();
    db.counting.reset();
    const items = (await s.scalars(select(Item).orderBy(Item.id).options(selectinload(Item.heavyTags)))).all();
    expect(items.map((i) => i.heavyTags.map((g) => g.name))).toEqual([["heavy"], []]);
    expect(db.selects()).toHaveLength(2);
    await s.close();
  });

  it("selectinload of a many-to-many joins the parent when a part mentions the parent row", async () => {
    const s = db.session();
    db.counting.reset();
    const items = (await s.scalars(select(Item).orderBy(Item.id).options(selectinload(Item.aboveOwnMin)))).all();
    expect(items.map((i) => i.aboveOwnMin.map((g) => g.name))).toEqual([["heavy"], ["light"]]);
    expect(db.selects()).toHaveLength(2);
    expect(db.selects()[1]).toMatch(/JOIN \S+_items AS \S+ ON .*weight >= \S+\.min_weight/);
    await s.close();
  });

  it("joinedload renders the whole primaryjoin in the ON clause", async () => {
    const s = db.session();
    db.counting.reset();
    const users = (await s.execute(select(User).orderBy(User.id).options(joinedload(User.xAddresses), joinedload(User.laterAddresses)))).unique().scalars().all();
    expect(users.map((u) => [u.xAddresses.map((a) => a.email), u.laterAddresses.map((a) => a.id)])).toEqual([
      [["a@x", "c@x"], [2, 3]],
      [[], [4]],
    ]);
    expect(db.selects()).toHaveLength(1);
    expect(db.selects()[0]).toMatch(/LEFT OUTER JOIN \S+ AS \S+ ON \S+\.id = \S+\.user_id AND \S+\.email LIKE/);
    const items = (await s.execute(select(Item).orderBy(Item.id).options(joinedload(Item.heavyTags), joinedload(Item.aboveOwnMin)))).unique().scalars().all();
    expect(items.map((i) => [i.heavyTags.map((g) => g.name), i.aboveOwnMin.map((g) => g.name)])).toEqual([[["heavy"], ["heavy"]], [[], ["light"]]]);
    await s.close();
  });
});

/**
 * 2.0-style ORM queries: aliased() in select/join/where, self-joins, entity and column rows,
 * filterBy after joins, the identity map across queries, populateExisting, and
 * session.refresh(obj, ["relationship"]).
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { aliased, insert, select, selectinload, update } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, openDb, type Db } from "./models.js";

const M = defineModels("ldq");
const { User, Address, Node } = M;
type UserT = InstanceType<typeof User>;
type AddressT = InstanceType<typeof Address>;

describe.each(dialectTargets())("ORM queries on $name", (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, M.Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [
        { id: 1, name: "sandy", fullname: "Sandy Cheeks" },
        { id: 2, name: "patrick", fullname: null },
      ]);
      await conn.execute(insert(Address.__table__), [
        { id: 1, email: "s1@x", userId: 1 },
        { id: 2, email: "s2@y", userId: 1 },
        { id: 3, email: "p1@x", userId: 2 },
      ]);
      await conn.execute(insert(Node.__table__), [
        { id: 1, parentId: null, name: "root" },
        { id: 2, parentId: 1, name: "a" },
        { id: 3, parentId: 2, name: "a1" },
      ]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("select(User, Address).join(User.addresses) gives typed entity rows, identity-mapped", async () => {
    const s = db.session();
    const rows = (await s.execute(select(User, Address).join(User.addresses).orderBy(Address.id))).all();
    expectTypeOf(rows[0][0]).toEqualTypeOf<UserT>();
    expectTypeOf(rows[0][1]).toEqualTypeOf<AddressT>();
    expect(rows.map((r) => [r[0].name, r[1].email])).toEqual([["sandy", "s1@x"], ["sandy", "s2@y"], ["patrick", "p1@x"]]);
    expect(rows[0][0]).toBe(rows[1][0]);
    await s.close();
  });

  it("select(User.id, User.name) gives column rows", async () => {
    const s = db.session();
    const rows = (await s.execute(select(User.id, User.name).orderBy(User.id))).all();
    expectTypeOf(rows[0][1]).toEqualTypeOf<string>();
    expect(rows.map((r) => [r.id, r.name])).toEqual([[1, "sandy"], [2, "patrick"]]);
    await s.close();
  });

  it("aliased(): select, join and where against the alias; self-join through an alias", async () => {
    const s = db.session();
    const a = aliased(Address, "a2");
    const users = (await s.scalars(select(User).join(a, User.id.eq(a.userId)).where(a.email.like("%@y")))).all();
    expect(users.map((u) => u.name)).toEqual(["sandy"]);
    // An alias's relationship attribute joins from the alias.
    const ua = aliased(User);
    const rows = (await s.execute(select(ua.name, Address.email).join(ua.addresses).where(ua.id.eq(2)))).all();
    expect(rows.map((r) => [...r])).toEqual([["patrick", "p1@x"]]);

    const parent = aliased(Node, "parent");
    const pairs = (await s.execute(select(Node, parent).join(parent, Node.parentId.eq(parent.id)).orderBy(Node.id))).all();
    expect(pairs.map(([child, par]) => [child.name, par.name])).toEqual([["a", "root"], ["a1", "a"]]);
    expect(pairs[1][1]).toBe(pairs[0][0]); // the same identity whether reached directly or through the alias
    await s.close();
  });

  it("filterBy() after a join filters the joined entity", async () => {
    const s = db.session();
    const users = (await s.scalars(select(User).join(User.addresses).filterBy({ email: "p1@x" }))).all();
    expect(users.map((u) => u.name)).toEqual(["patrick"]);
    const first = (await s.scalars(select(User).filterBy({ name: "sandy" }))).one();
    expect(first.id).toBe(1);
    await s.close();
  });

  it("the identity map returns the same object across queries, keeping in-memory changes", async () => {
    const s = db.session();
    const u1 = (await s.scalars(select(User).where(User.id.eq(1)))).one();
    u1.fullname = "changed in memory";
    await s.rollback(); // nothing flushed; the object is expired
    const u2 = (await s.scalars(select(User).where(User.name.eq("sandy")))).one();
    expect(u2).toBe(u1);
    expect(u2.fullname).toBe("Sandy Cheeks");
    const via = (await s.execute(select(User, Address).join(User.addresses).where(Address.id.eq(2)))).one();
    expect(via[0]).toBe(u1);
    await s.close();
  });

  it("populateExisting overwrites already-loaded objects with the database row", async () => {
    const s = db.session();
    const u = (await s.scalars(select(User).where(User.id.eq(2)))).one();
    await db.engine.begin(async (conn) => {
      await conn.execute(update(User.__table__).where(User.__table__.c.id.eq(2)).values({ fullname: "Patrick Star" }));
    });
    // A plain query does not overwrite loaded attributes.
    const again = (await s.scalars(select(User).where(User.id.eq(2)))).one();
    expect(again.fullname).toBeNull();
    await s.rollback(); // new transaction so the other connection's commit is visible everywhere
    const fresh = (await s.scalars(select(User).where(User.id.eq(2)).executionOptions({ populateExisting: true }))).one();
    expect(fresh).toBe(u);
    expect(u.fullname).toBe("Patrick Star");
    await s.close();
  });

  it("session.refresh(obj, ['addresses']) loads the named relationship", async () => {
    const s = db.session();
    const u = (await s.scalars(select(User).where(User.id.eq(1)))).one();
    db.counting.reset();
    await s.refresh(u, ["addresses"]);
    expect(db.selects()).toHaveLength(2);
    expect(u.addresses.map((a) => a.email)).toEqual(["s1@x", "s2@y"]);
    // Already loaded with selectinload elsewhere: refresh reloads it from the database.
    const other = (await s.scalars(select(User).where(User.id.eq(2)).options(selectinload(User.addresses)))).one();
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(Address.__table__), [{ id: 4, email: "p2@x", userId: 2 }]);
    });
    await s.rollback();
    await s.refresh(other, ["addresses"]);
    expect(other.addresses.map((a) => a.email)).toEqual(["p1@x", "p2@x"]);
    await s.close();
  });
});

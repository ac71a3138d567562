/**
 * `inspect()` (SQLAlchemy's runtime inspection API): InstanceState life-cycle flags, identity,
 * loaded / expired attribute sets of a mapped instance through a real session on both
 * dialects; Mapper and aliased-class inspection; NoInspectionAvailable for anything else.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  aliased, AliasedInsp, InstanceState, inspect, insert, Mapper, NoInspectionAvailable, InvalidRequestError, select, selectinload,
} from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineQueryModels, openQueryDb, type QueryDb } from "../query/models.js";

const M = defineQueryModels("sinsp");
const { User, Address, Region } = M;

describe.each(dialectTargets())("inspect() on $name", (target) => {
  let db: QueryDb;
  beforeAll(async () => {
    db = await openQueryDb(target, M.Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [{ id: 1, name: "sandy", bio: "b1" }]);
      await conn.execute(insert(Address.__table__), [{ id: 1, email: "s1@x", userId: 1 }]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("follows an object through transient → pending → persistent → deleted → detached", async () => {
    const s = db.session();
    const u = new User({ id: 10, name: "gary" });
    const st = inspect(u);
    expectTypeOf(st).toEqualTypeOf<InstanceState>();
    expect(st).toBeInstanceOf(InstanceState);
    expect(st.object).toBe(u);
    expect(st.mapper).toBe(inspect(User));
    const flags = () => ({ transient: st.transient, pending: st.pending, persistent: st.persistent, deleted: st.deleted, detached: st.detached });
    expect(flags()).toEqual({ transient: true, pending: false, persistent: false, deleted: false, detached: false });
    expect([st.hasIdentity, st.identity, st.identityKey]).toEqual([false, null, null]);

    s.add(u);
    expect(flags()).toEqual({ transient: false, pending: true, persistent: false, deleted: false, detached: false });
    expect(st.identity).toBeNull();

    await s.flush();
    expect(flags()).toEqual({ transient: false, pending: false, persistent: true, deleted: false, detached: false });
    expect(st.hasIdentity).toBe(true);
    expect(st.identity).toEqual([10]);
    expect(st.identityKey).toEqual([User, [10], null]);

    s.delete(u);
    // Marked for deletion, not flushed: still persistent (as in SQLAlchemy).
    expect(st.persistent).toBe(true);
    await s.flush();
    expect(flags()).toEqual({ transient: false, pending: false, persistent: false, deleted: true, detached: false });
    await s.commit();
    expect(flags()).toEqual({ transient: false, pending: false, persistent: false, deleted: false, detached: true });
    expect(st.identity).toEqual([10]);
    await s.close();
  });

  it("expunge() detaches a persistent object, and a pending one becomes transient again", async () => {
    const s = db.session();
    const u = (await s.get(User, 1))!;
    s.expunge(u);
    expect(inspect(u).detached).toBe(true);
    expect(inspect(u).identity).toEqual([1]);
    const p = new User({ id: 11, name: "p" });
    s.add(p);
    s.expunge(p);
    expect(inspect(p).transient).toBe(true);
    await s.close();
  });

  it("unloaded and expiredAttributes reflect loader options and expire()", async () => {
    const s = db.session();
    const u = (await s.scalars(select(User).where(User.id.eq(1)))).one();
    const st = inspect(u);
    // bio is deferred; relationships load only through loader options.
    expect([...st.unloaded].sort()).toEqual(["addresses", "bio", "passport"]);
    expect(st.expiredAttributes.size).toBe(0);
    await s.scalars(select(User).where(User.id.eq(1)).options(selectinload(User.addresses)));
    expect([...st.unloaded].sort()).toEqual(["bio", "passport"]);
    s.expire(u, ["name"]);
    expect([...st.expiredAttributes]).toEqual(["name"]);
    expect(st.unloaded.has("name")).toBe(true);
    await s.refresh(u, ["name"]);
    expect(st.expiredAttributes.size).toBe(0);
    expect(st.unloaded.has("name")).toBe(false);
    await s.close();
  });

  it("modified turns on with an attribute change and off after flush", async () => {
    const s = db.session();
    const u = (await s.get(User, 1))!;
    const st = inspect(u);
    expect(st.modified).toBe(false);
    u.name = "sandy cheeks";
    expect(st.modified).toBe(true);
    await s.flush();
    expect(st.modified).toBe(false);
    await s.rollback();
    await s.close();
  });
});

describe("inspect() on classes, aliases and other values", () => {
  it("a mapped class gives its Mapper: columns, primaryKey, relationships, attrs", () => {
    const m = inspect(User);
    expectTypeOf(m).toEqualTypeOf<Mapper>();
    expect(m).toBeInstanceOf(Mapper);
    expect(m.class_).toBe(User);
    expect([...m.columns.keys()]).toEqual(["id", "name", "bio"]);
    expect(m.columns.get("name")).toBe(User.__table__.c.name);
    expect(m.primaryKey).toEqual([User.__table__.c.id]);
    expect(inspect(Region).primaryKey).toEqual([Region.__table__.c.country, Region.__table__.c.code]);
    expect([...m.relationships.keys()]).toEqual(["addresses", "passport"]);
    expect(m.relationships.get("addresses")!.mapper).toBe(inspect(Address));
    expect([...m.attrs.keys()]).toEqual(["id", "name", "bio", "addresses", "passport"]);
    // Inspecting a Mapper or an InstanceState gives it back.
    expect(inspect(m)).toBe(m);
    const st = inspect(new User({ id: 1, name: "x" }));
    expect(inspect(st)).toBe(st);
  });

  it("an aliased class gives an AliasedInsp", () => {
    const ua = aliased(User, "ua");
    const i = inspect(ua);
    expect(i).toBeInstanceOf(AliasedInsp);
    expect(i.isAliasedClass).toBe(true);
    expect(i.mapper).toBe(inspect(User));
    expect(i.class_).toBe(User);
    expect(i.name).toBe("ua");
    expect(i.selectable).toBe(ua.alias);
    expect(inspect(aliased(User)).name).toBeUndefined();
  });

  it("anything else raises NoInspectionAvailable", () => {
    class Plain {}
    for (const x of [Plain, new Plain(), {}, 5, "User", null, undefined]) {
      expect(() => inspect(x as never)).toThrow(NoInspectionAvailable);
    }
    expect(() => inspect(Plain as never)).toThrow(/No inspection system is available for class Plain/);
    expect(new NoInspectionAvailable("x")).toBeInstanceOf(InvalidRequestError);
  });
});

/**
 * Object-level session helpers (SQLAlchemy's `object_session()`, `make_transient()`,
 * `make_transient_to_detached()`) and attribute inspection (`inspect(obj).attrs.<key>`:
 * `value`, `loadedValue`, `history`; `getHistory()`), against real sessions on PostgreSQL and
 * libSQL: exact statements, rows and typed errors.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ArgumentError, AsyncSession, AttributeState, ExpiredAttributeError, getHistory, History, inspect, InvalidRequestError, loadOnly,
  makeTransient, makeTransientToDetached, NO_VALUE, objectSession, select, selectinload, UnloadedAttributeError, UnmappedInstanceError,
} from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, openDb, truncate, type Db } from "../session/models.js";

const M = defineModels("b_sutil");
const { User, Address } = M;

const hist = (h: History) => ({ added: [...h.added], unchanged: [...h.unchanged], deleted: [...h.deleted] });

describe.each(dialectTargets())("object session helpers and attribute history on $name", (target) => {
  let db: Db;
  const U = () => User.__table__.name;
  const ph = (n: number) => (target.dialect === "postgresql" ? `$${n}` : "?");
  beforeAll(async () => {
    db = await openDb(target, M.Base);
  });
  afterAll(async () => {
    await db.cleanup();
  });
  beforeEach(async () => {
    await truncate(db, M);
    await using s = db.session();
    const sandy = new User({ id: 1, name: "sandy", fullname: "Sandy Cheeks" });
    sandy.addresses = [new Address({ id: 1, email: "s1@x" }), new Address({ id: 2, email: "s2@x" })];
    s.addAll([sandy, new User({ id: 2, name: "patrick" })]);
    await s.commit();
    db.counting.reset();
  });

  describe("objectSession()", () => {
    it("follows the object: null when transient, the session while pending / persistent / flushed-deleted, null once detached", async () => {
      const s = db.session();
      const u = new User({ id: 10, name: "gary" });
      expect(objectSession(u)).toBeNull();
      expect(inspect(u).session).toBeNull();
      s.add(u);
      expect(objectSession(u)).toBe(s);
      expect(AsyncSession.objectSession(u)).toBe(s);
      expect(inspect(u).session).toBe(s);
      expect(inspect(u).asyncSession).toBe(s);
      await s.flush();
      expect(objectSession(u)).toBe(s);
      await s.delete(u);
      await s.flush();
      // Deleted by the flush, transaction still open: the session is still reported (as in SQLAlchemy).
      expect(inspect(u).deleted).toBe(true);
      expect(inspect(u).wasDeleted).toBe(true);
      expect(objectSession(u)).toBe(s);
      await s.commit();
      expect(inspect(u).detached).toBe(true);
      expect(inspect(u).wasDeleted).toBe(true);
      expect(objectSession(u)).toBeNull();
      const p = (await s.get(User, 2))!;
      expect(objectSession(p)).toBe(s);
      expect(inspect(p).wasDeleted).toBe(false);
      s.expunge(p);
      expect(inspect(p).wasDeleted).toBe(false);
      expect(objectSession(p)).toBeNull();
      // Another session's objects name their own session.
      const s2 = db.session();
      const p2 = (await s2.get(User, 2))!;
      expect(objectSession(p2)).toBe(s2);
      const q = (await s.get(User, 1))!;
      await s.close();
      expect(objectSession(q)).toBeNull();
      expect(objectSession(p2)).toBe(s2);
      await s2.close();
    });

    it("a rolled-back delete makes the object persistent again: wasDeleted turns off", async () => {
      await using s = db.session();
      const p = (await s.get(User, 2))!;
      await s.delete(p);
      await s.flush();
      expect([inspect(p).deleted, inspect(p).wasDeleted]).toEqual([true, true]);
      await s.rollback();
      expect([inspect(p).persistent, inspect(p).wasDeleted, objectSession(p) === s]).toEqual([true, false, true]);
    });

    it("a non-mapped object raises UnmappedInstanceError (an InvalidRequestError)", () => {
      expect(() => objectSession({})).toThrow(UnmappedInstanceError);
      expect(() => objectSession({})).toThrow(InvalidRequestError);
      expect(() => objectSession({})).toThrow(/objectSession\(\): Object object is not a mapped instance/);
      expect(() => AsyncSession.objectSession(new Date())).toThrow(/Date object is not a mapped instance/);
    });
  });

  describe("makeTransient()", () => {
    it("a persistent object leaves the session and its identity; loaded values stay, expired and unloaded ones read as on a new object", async () => {
      await using s = db.session();
      const u = (await s.scalars(select(User).where(User.id.eq(1)).options(loadOnly(User.name)))).one();
      expect(inspect(u).unloaded.has("fullname")).toBe(true);
      expect(inspect(u).unloadedExpirable).toEqual(inspect(u).unloaded);
      s.expire(u, ["tenantId"]);
      makeTransient(u);
      const st = inspect(u);
      expect([st.transient, st.persistent, st.detached, st.hasIdentity, st.identity, st.identityKey]).toEqual([true, false, false, false, null, null]);
      expect(objectSession(u)).toBeNull();
      expect(s.contains(u)).toBe(false);
      expect(st.expiredAttributes.size).toBe(0);
      expect(u.name).toBe("sandy");
      // Never loaded (deferred by loadOnly) and expired attributes read as unset, without raising.
      expect(u.fullname).toBeUndefined();
      expect(u.tenantId).toBeUndefined();
      expect(u.addresses).toEqual([]);
      // The identity map no longer holds it: get() loads a new instance.
      db.counting.reset();
      const again = (await s.get(User, 1))!;
      expect(again).not.toBe(u);
      expect(db.counting.statements.length).toBe(1);
      // A new primary key, and add() INSERTs it as a new row.
      u.id = 3;
      u.name = "sandy 2";
      await using s2 = db.session();
      s2.add(u);
      expect(inspect(u).pending).toBe(true);
      db.counting.reset();
      await s2.commit();
      expect(db.counting.statements.filter((x) => x.startsWith("INSERT")).length).toBe(1);
      expect(db.counting.statements.find((x) => x.startsWith("INSERT"))).toMatch(new RegExp(`^INSERT INTO ${U()} \\(id, name`));
      const rows = (await s2.execute(select(User.id, User.name).orderBy(User.id))).all().map((r) => [...r]);
      expect(rows).toEqual([[1, "sandy"], [2, "patrick"], [3, "sandy 2"]]);
    });

    it("a pending object stops being pending; a transient one is left as it is", async () => {
      await using s = db.session();
      const u = new User({ id: 20, name: "pearl" });
      makeTransient(u);
      expect(inspect(u).transient).toBe(true);
      s.add(u);
      makeTransient(u);
      expect(inspect(u).transient).toBe(true);
      expect(s.new).toEqual([]);
      db.counting.reset();
      await s.commit();
      expect(db.counting.statements.filter((x) => x.startsWith("INSERT"))).toEqual([]);
    });

    it("an object deleted by a flush becomes transient and can be inserted again", async () => {
      await using s = db.session();
      const p = (await s.get(User, 2))!;
      await s.delete(p);
      await s.flush();
      expect(inspect(p).deleted).toBe(true);
      makeTransient(p);
      expect([inspect(p).transient, inspect(p).wasDeleted]).toEqual([true, false]);
      expect(s.deleted).toEqual([]);
      s.add(p);
      await s.commit();
      expect((await s.scalars(select(User.name).where(User.id.eq(2)))).all()).toEqual(["patrick"]);
    });
  });

  describe("makeTransientToDetached()", () => {
    it("a transient object with its key becomes detached; add() makes it persistent without SQL and changes UPDATE", async () => {
      await using s = db.session();
      const u = new User({ id: 1, name: "sandy" });
      makeTransientToDetached(u);
      const st = inspect(u);
      expect([st.detached, st.hasIdentity, st.identity, st.identityKey]).toEqual([true, true, [1], [User, [1], null]]);
      // Unset columns are expired: they must be refreshed before they are read (tenantId got its
      // client-side default from the constructor).
      expect([...st.expiredAttributes]).toEqual(["fullname"]);
      expect(u.tenantId).toBe(1);
      expect(() => u.fullname).toThrow(ExpiredAttributeError);
      expect(hist(getHistory(u, "name"))).toEqual({ added: [], unchanged: ["sandy"], deleted: [] });
      db.counting.reset();
      s.add(u);
      expect(st.persistent).toBe(true);
      expect(objectSession(u)).toBe(s);
      expect(db.counting.statements).toEqual([]);
      // In the identity map; get() refreshes its expired column (one SELECT) and keeps the instance.
      expect(await s.get(User, 1)).toBe(u);
      expect(db.counting.statements.length).toBe(1);
      expect(u.fullname).toBe("Sandy Cheeks");
      db.counting.reset();
      u.name = "sandy cheeks";
      await s.flush();
      expect(db.counting.statements).toEqual([`UPDATE ${U()} SET name=${ph(1)} WHERE ${U()}.id = ${ph(2)}`]);
      await s.commit();
      expect((await s.scalars(select(User.name).where(User.id.eq(1)))).one()).toBe("sandy cheeks");
    });

    it("refuses objects that are not transient, or have no primary key value", async () => {
      await using s = db.session();
      const p = (await s.get(User, 2))!;
      expect(() => makeTransientToDetached(p)).toThrow(InvalidRequestError);
      expect(() => makeTransientToDetached(p)).toThrow(/the User object must be transient; it is persistent in a session/);
      s.expunge(p);
      expect(() => makeTransientToDetached(p)).toThrow(/it is detached with an identity key \(use makeTransient\(\) first\)/);
      makeTransient(p);
      makeTransientToDetached(p);
      expect(inspect(p).detached).toBe(true);
      const n = new User({ name: "nokey" });
      expect(() => makeTransientToDetached(n)).toThrow(/primary key attribute User\.id of the User object has no value/);
      expect(inspect(n).transient).toBe(true);
      expect(() => makeTransientToDetached({})).toThrow(UnmappedInstanceError);
    });
  });

  describe("inspect(obj).attrs and getHistory()", () => {
    it("columns: unchanged after load, added/deleted after a change, unchanged again after flush", async () => {
      await using s = db.session();
      const u = (await s.get(User, 1))!;
      const a = inspect(u).attrs.name;
      expect(a).toBeInstanceOf(AttributeState);
      expect(a.key).toBe("name");
      expect(a.state).toBe(inspect(u));
      expect([a.value, a.loadedValue]).toEqual(["sandy", "sandy"]);
      expect(hist(a.history)).toEqual({ added: [], unchanged: ["sandy"], deleted: [] });
      expect(a.history.hasChanges()).toBe(false);
      u.name = "b";
      expect(hist(inspect(u).attrs.name.history)).toEqual({ added: ["b"], unchanged: [], deleted: ["sandy"] });
      expect(hist(getHistory(u, "name"))).toEqual({ added: ["b"], unchanged: [], deleted: ["sandy"] });
      expect(getHistory(u, "name").hasChanges()).toBe(true);
      expect([getHistory(u, "name").nonDeleted(), getHistory(u, "name").nonAdded(), getHistory(u, "name").sum()]).toEqual([["b"], ["sandy"], ["b", "sandy"]]);
      // Other columns are untouched; setting the same value back is no change.
      expect(hist(getHistory(u, "fullname"))).toEqual({ added: [], unchanged: ["Sandy Cheeks"], deleted: [] });
      u.name = "sandy";
      expect(hist(getHistory(u, "name"))).toEqual({ added: [], unchanged: ["sandy"], deleted: [] });
      u.fullname = null;
      await s.flush();
      expect(hist(getHistory(u, "fullname"))).toEqual({ added: [], unchanged: [null], deleted: [] });
      await s.rollback();
    });

    it("unloaded and expired attributes: loadedValue is NO_VALUE, value raises, history is empty", async () => {
      await using s = db.session();
      const u = (await s.scalars(select(User).where(User.id.eq(1)).options(loadOnly(User.name)))).one();
      const f = inspect(u).attrs.fullname;
      expect(f.loadedValue).toBe(NO_VALUE);
      expect(() => f.value).toThrow(UnloadedAttributeError);
      expect(f.history.empty()).toBe(true);
      s.expire(u, ["name"]);
      expect(inspect(u).attrs.name.loadedValue).toBe(NO_VALUE);
      expect(() => inspect(u).attrs.name.value).toThrow(ExpiredAttributeError);
      expect(hist(getHistory(u, "name"))).toEqual({ added: [], unchanged: [], deleted: [] });
      // Setting a never-loaded column: added, nothing known to be deleted.
      u.fullname = "SC";
      expect(hist(getHistory(u, "fullname"))).toEqual({ added: ["SC"], unchanged: [], deleted: [] });
    });

    it("a new object: set values are added until flushed", async () => {
      await using s = db.session();
      const u = new User({ id: 30, name: "karen" });
      expect(hist(getHistory(u, "name"))).toEqual({ added: ["karen"], unchanged: [], deleted: [] });
      expect(getHistory(u, "fullname").empty()).toBe(true);
      expect(inspect(u).attrs.fullname.loadedValue).toBe(NO_VALUE);
      s.add(u);
      await s.flush();
      expect(hist(getHistory(u, "name"))).toEqual({ added: [], unchanged: ["karen"], deleted: [] });
      await s.rollback();
    });

    it("collections: appended, kept and removed items; many-to-one: the new and the old object", async () => {
      await using s = db.session();
      const u = (await s.scalars(select(User).where(User.id.eq(1)).options(selectinload(User.addresses)))).one();
      const [a1, a2] = u.addresses;
      expect(hist(getHistory(u, "addresses"))).toEqual({ added: [], unchanged: [a1, a2], deleted: [] });
      const a3 = new Address({ id: 3, email: "s3@x" });
      u.addresses.push(a3);
      u.addresses.splice(0, 1);
      expect(hist(inspect(u).attrs.addresses.history)).toEqual({ added: [a3], unchanged: [a2], deleted: [a1] });
      const p = (await s.get(User, 2))!;
      const ad = (await s.scalars(select(Address).where(Address.id.eq(2)).options(selectinload(Address.user)))).one();
      expect(hist(getHistory(ad, "user"))).toEqual({ added: [], unchanged: [u], deleted: [] });
      ad.user = p;
      expect(hist(getHistory(ad, "user"))).toEqual({ added: [p], unchanged: [], deleted: [u] });
      // A relationship that was never loaded has no history.
      expect(getHistory(p, "addresses").empty()).toBe(true);
      await s.rollback();
    });

    it("attrs lists every mapped attribute; unknown keys raise ArgumentError", () => {
      const u = new User({ id: 40, name: "x" });
      expect(Object.keys(inspect(u).attrs)).toEqual(["id", "name", "fullname", "tenantId", "addresses", "notes", "tags"]);
      expect(inspect(u).attrs.nope).toBeUndefined();
      expect(() => getHistory(u, "nope" as never)).toThrow(ArgumentError);
      expect(() => getHistory(u, "nope" as never)).toThrow(/'nope' is not a mapped attribute of User/);
      expect(() => getHistory({ a: 1 }, "a")).toThrow(/getHistory\(\): Object object is not a mapped instance/);
    });
  });
});

/**
 * SQLAlchemy's test/orm/test_session.py and test_expire.py, ported: what add(), delete(),
 * expunge(), expire() and refresh() accept and refuse in each object state (with SQLAlchemy's
 * messages), objects deleted by a flush, the expunge cascade, and autobegin of the session's
 * transaction by add(), delete() and attribute changes.
 */
import { describe, expect, it } from "vitest";
import {
  AsyncSession, func, inspect, InvalidRequestError, makeTransient, makeTransientToDetached, objectSession, select, selectinload,
  warnings,
} from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, useDb } from "./models.js";

const M = defineModels("sa_sstate");
const { User, Address } = M;

describe.each(dialectTargets())("session object states (SQLAlchemy test_session) on $name", (target) => {
  const db = useDb(target, M);

  async function userCount(s: AsyncSession): Promise<number> {
    return Number(await s.scalar(select(func.count()).selectFrom(User.__table__)));
  }

  it("test_deleted_flag: a deleted object cannot be added back until makeTransient()", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await s.commit();
    await s.refresh(u1);
    s.delete(u1);
    await s.flush();
    expect(s.contains(u1)).toBe(false);
    expect(() => s.add(u1)).toThrow(InvalidRequestError);
    expect(() => s.add(u1)).toThrow(/^Instance '<User at 0x[0-9a-f]+>' has been deleted\.  Use the make_transient\(\) function/);
    expect(s.inTransaction()).toBe(true);
    await s.rollback();
    expect(s.contains(u1)).toBe(true);
    // SQLAlchemy's flush loads the expired row while deleting it; athanor never loads implicitly.
    await s.refresh(u1);
    s.delete(u1);
    await s.commit();
    expect(s.contains(u1)).toBe(false);
    expect(() => s.add(u1)).toThrow(InvalidRequestError);

    makeTransient(u1);
    s.add(u1);
    await s.commit();
    expect(await userCount(s)).toBe(1);
  });

  it("test_deleted_adds_to_imap_unconditionally: deleting a flushed-deleted object again warns at commit", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await s.commit();
    s.delete(u1);
    await s.flush();
    expect(s.contains(u1)).toBe(false);
    // Not in the session, but still attached to it.
    expect(inspect(u1).session).toBe(s);
    s.delete(u1);
    expect(s.contains(u1)).toBe(true);
    const caught = await warnings.catch(() => s.commit());
    expect(caught.map((w) => w.message)).toEqual([
      expect.stringMatching(/^DELETE statement on table '\w+' expected to delete 1 row\(s\); 0 were matched\./),
    ]);
    expect(await userCount(s)).toBe(0);
  });

  it("test_add_delete: delete() of transient, attached-elsewhere and conflicting objects; delete() of a detached one", async () => {
    const s = db.session();
    const user = new User({ name: "u1" });
    expect(() => s.delete(user)).toThrow(InvalidRequestError);
    expect(() => s.delete(user)).toThrow(/is not persisted/);
    s.add(user);
    await s.commit();
    let loaded = (await s.scalars(select(User))).one();
    s.expunge(loaded);
    expect(s.contains(loaded)).toBe(false);
    // Modified while detached: the change is kept and flushed once added back.
    loaded.name = "fred";
    s.add(loaded);
    expect(s.contains(loaded)).toBe(true);
    expect(s.dirty).toContain(loaded);
    await s.commit();
    expect(await userCount(s)).toBe(1);
    loaded = (await s.scalars(select(User))).one();
    expect(loaded.name).toBe("fred");
    // Not dirty when nothing changed.
    s.expungeAll();
    expect(s.contains(loaded)).toBe(false);
    s.add(loaded);
    expect(s.contains(loaded)).toBe(true);
    expect(s.dirty).not.toContain(loaded);

    const s2 = db.session();
    expect(() => s2.delete(loaded)).toThrow(/is already attached to session/);
    const u2 = (await s2.get(User, loaded.id))!;
    s2.expunge(u2);
    expect(() => s.delete(u2)).toThrow(/^Can't attach instance <User at 0x[0-9a-f]+>; another instance with key .* is already present in this session\.$/);
    s.expire(loaded);
    s.expunge(loaded);
    expect(s.contains(loaded)).toBe(false);
    s.delete(loaded);
    expect(s.contains(loaded)).toBe(true);
    expect(s.deleted).toEqual([loaded]);
    await s.flush();
    expect(s.contains(loaded)).toBe(false);
    expect(await userCount(s)).toBe(0);
    await s.close();
    await s2.close();
  });

  it("test_already_attached: add() of an object attached to another session", async () => {
    await using s1 = db.session();
    await using s2 = db.session();
    const u1 = new User({ id: 1, name: "u1" });
    makeTransientToDetached(u1);
    s1.add(u1);
    expect(() => s2.add(u1)).toThrow(InvalidRequestError);
    expect(() => s2.add(u1)).toThrow(new RegExp(`^Object '<User at 0x[0-9a-f]+>' is already attached to session '${s1.id}' \\(this is '${s2.id}'\\)$`));
    expect(s2.contains(u1)).toBe(false);
    expect(s2.identityMap.size).toBe(0);
  });

  it("delete() of a pending object raises, as of a transient one", async () => {
    await using s = db.session();
    const u = new User({ name: "p" });
    s.add(u);
    expect(() => s.delete(u)).toThrow(/^Instance '<User at 0x[0-9a-f]+>' is not persisted$/);
    expect(s.new).toEqual([u]);
  });

  it("get() returns an object marked for deletion until the DELETE is flushed", async () => {
    await using s = db.session({ autoflush: false });
    const u = new User({ id: 5, name: "m" });
    s.add(u);
    await s.flush();
    s.delete(u);
    db.counting.reset();
    expect(await s.get(User, 5)).toBe(u);
    expect(db.counting.statements).toEqual([]);
    await s.flush();
    expect(await s.get(User, 5)).toBeNull();
  });

  it("test_deleted_auto_expunged: a flushed delete leaves the session's contents, and the session at commit", async () => {
    await using s = db.session();
    s.add(new User({ name: "x" }));
    await s.commit();
    const u1 = (await s.scalars(select(User))).first()!;
    s.delete(u1);
    expect(inspect(u1).wasDeleted).toBe(false);
    await s.flush();
    expect(inspect(u1).wasDeleted).toBe(true);
    expect(s.contains(u1)).toBe(false);
    expect(objectSession(u1)).toBe(s);
    await s.commit();
    expect(objectSession(u1)).toBeNull();
  });

  it("test_explicit_expunge_pending: a flushed pending object expunged stays out after rollback", async () => {
    await using s = db.session();
    const u1 = new User({ name: "x" });
    s.add(u1);
    await s.flush();
    s.expunge(u1);
    expect(s.contains(u1)).toBe(false);
    expect(objectSession(u1)).toBeNull();
    await s.rollback();
    expect(s.contains(u1)).toBe(false);
    expect(objectSession(u1)).toBeNull();
  });

  it("test_explicit_expunge_deleted: a flushed-deleted object can be expunged, and rollback leaves it out", async () => {
    await using s = db.session();
    s.add(new User({ name: "x" }));
    await s.commit();
    const u1 = (await s.scalars(select(User))).first()!;
    s.delete(u1);
    await s.flush();
    expect(inspect(u1).wasDeleted).toBe(true);
    expect(s.contains(u1)).toBe(false);
    expect(objectSession(u1)).toBe(s);
    s.expunge(u1);
    expect(inspect(u1).wasDeleted).toBe(true);
    expect(s.contains(u1)).toBe(false);
    expect(objectSession(u1)).toBeNull();
    await s.rollback();
    expect(inspect(u1).wasDeleted).toBe(true);
    expect(s.contains(u1)).toBe(false);
    expect(objectSession(u1)).toBeNull();
  });

  it("test_expunge_cascade: expunge() follows loaded relationships with the expunge cascade", async () => {
    await using s = db.session();
    const u = new User({ name: "c", addresses: [new Address({ email: "a1" }), new Address({ email: "a2" })] });
    s.add(u);
    await s.commit();
    const loaded = (await s.scalars(select(User).options(selectinload(User.addresses)))).one();
    expect(loaded.addresses).toHaveLength(2);
    s.expunge(loaded);
    expect(objectSession(loaded)).toBeNull();
    for (const a of loaded.addresses) {
      expect(objectSession(a)).toBeNull();
      expect(inspect(a).detached).toBe(true);
    }
  });

  it("expunge() of an object not in this session raises 'is not present in this Session'", async () => {
    await using s = db.session();
    await using s2 = db.session();
    const u = new User({ name: "n" });
    expect(() => s.expunge(u)).toThrow(/^Instance <User at 0x[0-9a-f]+> is not present in this Session$/);
    s2.add(u);
    expect(() => s.expunge(u)).toThrow(/is not present in this Session/);
  });

  it("test_expire persistence check and test_pending_raises: expire()/refresh() need a persistent object of this session", async () => {
    await using s = db.session();
    s.add(new User({ id: 7, name: "jack" }));
    await s.commit();
    const u = (await s.get(User, 7))!;
    s.expungeAll();
    expect(() => s.expire(u)).toThrow(InvalidRequestError);
    expect(() => s.expire(u)).toThrow(/^Instance '<User at 0x[0-9a-f]+>' is not persistent within this Session$/);
    await expect(s.refresh(u)).rejects.toThrow(/is not persistent within this Session/);
    const pending = new User({ id: 15, name: "p" });
    s.add(pending);
    expect(() => s.expire(pending, ["name"])).toThrow(/is not persistent within this Session/);
    await expect(s.refresh(pending)).rejects.toThrow(/is not persistent within this Session/);
    expect(() => s.expire(new User({ name: "t" }))).toThrow(/is not persistent within this Session/);
  });

  it("test_is_modified: dirty is optimistic (any assignment), isModified() reports net changes", async () => {
    await using s = db.session();
    s.add(new User({ name: "fred" }));
    await s.flush();
    s.expungeAll();
    const user = (await s.scalars(select(User).options(selectinload(User.addresses)))).one();
    expect(s.dirty).not.toContain(user);
    expect(s.isModified(user)).toBe(false);
    user.name = "fred";
    expect(s.dirty).toContain(user);
    expect(s.isModified(user)).toBe(false);
    user.name = "ed";
    expect(s.dirty).toContain(user);
    expect(s.isModified(user)).toBe(true);
    await s.flush();
    expect(s.dirty).not.toContain(user);
    expect(s.isModified(user)).toBe(false);
    user.addresses = [...user.addresses, new Address({ email: "a" })];
    expect(s.dirty).toContain(user);
    expect(s.isModified(user)).toBe(true);
    expect(s.isModified(user, { includeCollections: false })).toBe(false);
  });

  it("test_is_modified_syn: a transient object with a value set is modified; committed, it is not", async () => {
    await using s = db.session();
    const u = new User({ name: "fred" });
    expect(s.isModified(u)).toBe(true);
    s.add(u);
    await s.commit();
    expect(s.isModified(u)).toBe(false);
  });

  it("an object marked for deletion is not in dirty", async () => {
    await using s = db.session();
    const u = new User({ name: "fred" });
    s.add(u);
    await s.flush();
    u.name = "ed";
    s.delete(u);
    expect(s.dirty).toEqual([]);
    expect(s.deleted).toEqual([u]);
  });

  it("test_make_transient: a loaded, expunged or deleted object made transient is INSERTed again", async () => {
    await using s = db.session({ autoflush: false });
    s.add(new User({ name: "test" }));
    await s.flush();
    let u1 = (await s.scalars(select(User))).first()!;
    makeTransient(u1);
    expect(s.contains(u1)).toBe(false);
    s.add(u1);
    expect(s.new).toContain(u1);
    s.expunge(u1);
    u1 = (await s.scalars(select(User))).first()!;
    s.expunge(u1);
    makeTransient(u1);
    s.add(u1);
    expect(s.new).toContain(u1);
    s.expunge(u1);
    u1 = (await s.scalars(select(User))).first()!;
    s.expire(u1);
    makeTransient(u1);
    expect([u1.id, u1.name]).toEqual([undefined, undefined]);
    makeTransient(u1);
    await s.close();
    u1.name = "test2";
    s.add(u1);
    await s.flush();
    expect(s.contains(u1)).toBe(true);
    s.delete(u1);
    await s.flush();
    expect(s.contains(u1)).toBe(false);
    expect(() => s.add(u1)).toThrow(InvalidRequestError);
    makeTransient(u1);
    s.add(u1);
    await s.flush();
    expect(s.contains(u1)).toBe(true);
  });

  it("test_make_transient_plus_rollback: a deleted object made transient stays transient after rollback", async () => {
    await using s = db.session();
    const u1 = new User({ name: "test" });
    s.add(u1);
    await s.commit();
    s.delete(u1);
    await s.flush();
    makeTransient(u1);
    await s.rollback();
    expect(inspect(u1).transient).toBe(true);
  });

  it("test_make_transient_to_detached_no_session_allowed / _no_key_allowed", async () => {
    await using s = db.session();
    const u1 = new User({ id: 1, name: "test" });
    s.add(u1);
    expect(() => makeTransientToDetached(u1)).toThrow(/^Given object must be transient/);
    await s.commit();
    s.expunge(u1);
    expect(() => makeTransientToDetached(u1)).toThrow(/^Given object must be transient/);
  });
});

describe.each(dialectTargets())("autobegin (SQLAlchemy TransScopingTest) on $name", (target) => {
  const db = useDb(target, M);

  it("test_autobegin_execute: a statement begins the transaction; commit and close end it", async () => {
    const s = db.session();
    expect(s.inTransaction()).toBe(false);
    await s.execute(select(User.id));
    expect(s.inTransaction()).toBe(true);
    await s.commit();
    expect(s.inTransaction()).toBe(false);
    await s.execute(select(User.id));
    expect(s.inTransaction()).toBe(true);
    await s.close();
    expect(s.inTransaction()).toBe(false);
  });

  it("test_autobegin_flush: an empty flush begins nothing; add() does", async () => {
    const s = db.session();
    await s.flush();
    expect(s.inTransaction()).toBe(false);
    expect(db.counting.statements).toEqual([]);
    s.add(new User({ id: 1, name: "name" }));
    expect(s.inTransaction()).toBe(true);
    await s.flush();
    expect(s.inTransaction()).toBe(true);
    await s.commit();
    expect(s.inTransaction()).toBe(false);
    await s.close();
  });

  it("test_autobegin_within_flush: a change to a persistent object begins the transaction", async () => {
    await using s = db.session();
    s.add(new User({ name: "u1" }));
    await s.commit();
    const u1 = (await s.scalars(select(User))).first()!;
    await s.commit();
    expect(s.inTransaction()).toBe(false);
    await s.refresh(u1);
    await s.commit();
    await s.execute(select(User.id));
    await s.commit();
    s.expunge(u1);
    s.add(u1);
    await s.rollback();
    expect(s.inTransaction()).toBe(false);
    u1.name = "newname";
    expect(s.inTransaction()).toBe(true);
    await s.flush();
    expect((await (await s.connection()).execute(select(User.name))).scalar()).toBe("newname");
    await s.rollback();
    expect(s.inTransaction()).toBe(false);
    expect((await (await s.connection()).execute(select(User.name))).scalar()).toBe("u1");
  });

  it("test_with_no_autoflush: queries inside noAutoflush() do not flush; after it they do", async () => {
    await using s = db.session();
    const u = new User({ name: "ed" });
    s.add(u);
    const inside = await s.noAutoflush(async (sess) => (await sess.scalars(select(User))).all());
    expect(inside).toEqual([]);
    expect(inspect(u).pending).toBe(true);
    expect((await s.scalars(select(User))).all()).toEqual([u]);
    expect(inspect(u).persistent).toBe(true);
  });

  it("test_autobegin_begin_method: begin() after autobegin raises", async () => {
    await using s = db.session();
    await s.begin();
    await expect(s.begin()).rejects.toThrow(/^A transaction is already begun on this Session\./);
    await s.rollback();
    s.add(new User({ name: "q" }));
    await expect(s.begin()).rejects.toThrow(InvalidRequestError);
  });

  it("test_no_autobegin: add(), execute() and commit() refuse without begin(); after begin() they work", async () => {
    await using s0 = db.session();
    s0.add(new User({ name: "u1" }));
    await s0.commit();
    const s = db.session({ autobegin: false });
    const msg = /^Autobegin is disabled on this Session; please call session\.begin\(\) to start a new transaction$/;
    await expect(s.execute(select(User.id))).rejects.toThrow(msg);
    await expect(s.commit()).rejects.toThrow(msg);
    expect(() => s.add(new User({ name: "x" }))).toThrow(msg);
    await s.begin();
    expect(s.inTransaction()).toBe(true);
    const u1 = (await s.scalars(select(User).where(User.name.eq("u1")))).one();
    await s.rollback();
    expect(s.inTransaction()).toBe(false);
    expect(() => s.add(u1)).toThrow(msg);
    expect(() => s.delete(u1)).toThrow(msg);
    await s.begin();
    s.add(u1);
    expect(s.inTransaction()).toBe(true);
    await s.commit();
    expect(s.inTransaction()).toBe(false);
    await s.close();
  });

  describe.each([
    ["nothing", false],
    ["nothing", true],
    ["modify", false],
    ["add", false],
    ["delete", false],
  ] as const)("test_autobegin_attr_change: %s (begin: %s)", (case_, begin) => {
    it.each([true, false])("expireOnCommit %s: rollback expires only when a transaction began", async (expireOnCommit) => {
      await using s = db.session({ expireOnCommit });
      const u = new User({ name: "x" });
      const u2 = new User({ name: "d" });
      const u3 = new User({ name: "e" });
      s.addAll([u, u2, u3]);
      await s.commit();
      if (begin) await s.begin();
      if (case_ === "add") s.add(new User({ name: "q" }));
      else if (case_ === "delete") s.delete(u2);
      else if (case_ === "modify") u3.name = "m";
      const began = !(case_ === "nothing" && !begin);
      expect(s.inTransaction()).toBe(began);
      const expectExpire = began || expireOnCommit;
      await s.rollback();
      expect(inspect(u).unloaded.has("name")).toBe(expectExpire);
      if (expectExpire) await s.refresh(u);
      expect(u.name).toBe("x");
    });
  });
});

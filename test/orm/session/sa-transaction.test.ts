/**
 * SQLAlchemy's test/orm/test_transaction.py, ported: what commit, rollback and SAVEPOINT
 * rollback do to pending, persistent and deleted objects (AutoExpireTest, SavepointTest,
 * RollbackRecoverTest, FixtureDataTest, nested accounting). Where SQLAlchemy reloads an expired
 * attribute on access, these tests call `session.refresh()` first: athanor never loads implicitly.
 */
import { describe, expect, it } from "vitest";
import { AsyncSession, IdentityConflictWarning, insert, IntegrityError, inspect, InvalidRequestError, select, selectinload, update, warnings } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, truncate, useDb } from "./models.js";

const M = defineModels("sa_tx");
const { User, Address } = M;

describe.each(dialectTargets())("session transactions (SQLAlchemy test_transaction) on $name", (target) => {
  const db = useDb(target, M);

  async function names(): Promise<string[]> {
    await using s = db.session();
    return (await s.scalars(select(User.name).orderBy(User.id))).all();
  }

  it("test_nested_accounting_new_items_removed: an object added in a released SAVEPOINT goes at rollback", async () => {
    await using s = db.session();
    await s.begin();
    const n1 = await s.beginNested();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await n1.commit();
    expect(s.contains(u1)).toBe(true);
    await s.rollback();
    expect(s.contains(u1)).toBe(false);
    expect(inspect(u1).transient).toBe(true);
  });

  it("test_nested_accounting_deleted_items_restored: a delete in a released SAVEPOINT is undone by rollback", async () => {
    await using s = db.session();
    await s.begin();
    s.add(new User({ name: "u1" }));
    await s.commit();
    await s.begin();
    const u1 = (await s.scalars(select(User))).first()!;
    const n1 = await s.beginNested();
    s.delete(u1);
    await n1.commit();
    expect(s.contains(u1)).toBe(false);
    await s.rollback();
    expect(s.contains(u1)).toBe(true);
    expect(inspect(u1).persistent).toBe(true);
  });

  it("test_dirty_state_transferred_deep_nesting: rolling back the outer SAVEPOINT expires what the inner one flushed", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await s.commit();
    await s.refresh(u1);
    const nt1 = await s.beginNested();
    const nt2 = await s.beginNested();
    u1.name = "u2";
    await s.flush();
    await nt2.commit();
    await nt1.rollback();
    expect(inspect(u1).expiredAttributes.has("name")).toBe(true);
    await s.refresh(u1);
    expect(u1.name).toBe("u1");
  });

  it("test_attrs_on_rollback / test_commit_persistent: rollback discards a change, commit keeps a flushed one", async () => {
    await db.engine.begin(async (c) => {
      await c.execute(insert(User.__table__).values({ id: 7, name: "jack" }));
    });
    await using s = db.session();
    const u1 = (await s.get(User, 7))!;
    u1.name = "ed";
    await s.rollback();
    await s.refresh(u1);
    expect(u1.name).toBe("jack");
    u1.name = "ed";
    await s.flush();
    await s.commit();
    await s.refresh(u1);
    expect(u1.name).toBe("ed");
  });

  it("test_concurrent_commit_persistent: a commit in another session is seen after expire-on-commit", async () => {
    await db.engine.begin(async (c) => {
      await c.execute(insert(User.__table__).values({ id: 7, name: "jack" }));
    });
    await using s1 = db.session();
    const u1 = (await s1.get(User, 7))!;
    u1.name = "ed";
    await s1.commit();
    await using s2 = db.session();
    const u2 = (await s2.get(User, 7))!;
    expect(u2.name).toBe("ed");
    u2.name = "will";
    await s2.commit();
    await s1.refresh(u1);
    expect(u1.name).toBe("will");
  });

  describe("AutoExpireTest", () => {
    it("test_expunge_pending_on_rollback", async () => {
      await using s = db.session();
      const u2 = new User({ name: "newuser" });
      s.add(u2);
      expect(s.contains(u2)).toBe(true);
      await s.rollback();
      expect(s.contains(u2)).toBe(false);
    });

    it("test_trans_pending_cleared_on_commit", async () => {
      await using s = db.session();
      const u2 = new User({ name: "newuser" });
      s.add(u2);
      await s.commit();
      expect(s.contains(u2)).toBe(true);
      const u3 = new User({ name: "anotheruser" });
      s.add(u3);
      await s.rollback();
      expect(s.contains(u3)).toBe(false);
      expect(s.contains(u2)).toBe(true);
    });

    it("test_update_deleted_on_rollback", async () => {
      await using s = db.session();
      const u1 = new User({ name: "ed" });
      s.add(u1);
      await s.commit();
      s.delete(u1);
      expect(s.deleted).toContain(u1);
      await s.rollback();
      expect(s.contains(u1)).toBe(true);
      expect(s.deleted).not.toContain(u1);
    });

    it("test_trans_deleted_cleared_on_rollback", async () => {
      await using s = db.session();
      const u1 = new User({ name: "ed" });
      s.add(u1);
      await s.commit();
      s.delete(u1);
      await s.commit();
      expect(s.contains(u1)).toBe(false);
      await s.rollback();
      expect(s.contains(u1)).toBe(false);
    });

    it("test_update_deleted_on_rollback_cascade: delete() cascades to loaded children at once", async () => {
      await using s = db.session();
      s.add(new User({ name: "ed", addresses: [new Address({ email: "foo" })] }));
      await s.commit();
      const u1 = (await s.scalars(select(User).options(selectinload(User.addresses)))).one();
      const a1 = u1.addresses[0];
      s.delete(u1);
      expect(s.deleted).toContain(u1);
      expect(s.deleted).toContain(a1);
      await s.rollback();
      expect(s.contains(u1)).toBe(true);
      expect(s.deleted).not.toContain(u1);
      expect(s.deleted).not.toContain(a1);
    });

    it("test_update_deleted_on_rollback_orphan: an orphan deleted by a flush is restored by rollback", async () => {
      await using s = db.session();
      s.add(new User({ name: "ed", addresses: [new Address({ email: "foo" })] }));
      await s.commit();
      const u1 = (await s.scalars(select(User).options(selectinload(User.addresses)))).one();
      const a1 = u1.addresses[0];
      u1.addresses.splice(0, 1);
      await s.flush();
      expect((await s.scalars(select(Address).where(Address.email.eq("foo")))).all()).toEqual([]);
      await s.rollback();
      expect(s.deleted).not.toContain(a1);
      expect(inspect(a1).persistent).toBe(true);
      await s.refresh(u1, ["addresses"]);
      expect(u1.addresses).toEqual([a1]);
    });

    it("test_commit_pending: a flushed pending object is readable after commit once refreshed", async () => {
      await using s = db.session();
      const u1 = new User({ name: "newuser" });
      s.add(u1);
      await s.flush();
      await s.commit();
      expect(inspect(u1).expiredAttributes.has("name")).toBe(true);
      await s.refresh(u1);
      expect(u1.name).toBe("newuser");
    });
  });

  describe("SavepointTest", () => {
    it("test_savepoint_rollback: objects changed inside the SAVEPOINT revert; objects added inside are expunged", async () => {
      await using s = db.session();
      const u1 = new User({ name: "ed" });
      const u2 = new User({ name: "jack" });
      s.addAll([u1, u2]);
      const nt1 = await s.beginNested();
      const u3 = new User({ name: "wendy" });
      const u4 = new User({ name: "foo" });
      u1.name = "edward";
      u2.name = "jackward";
      s.addAll([u3, u4]);
      expect((await s.scalars(select(User.name).orderBy(User.id))).all()).toEqual(["edward", "jackward", "wendy", "foo"]);
      await nt1.rollback();
      expect([inspect(u3).transient, inspect(u4).transient]).toEqual([true, true]);
      await s.refresh(u1);
      await s.refresh(u2);
      expect([u1.name, u2.name]).toEqual(["ed", "jack"]);
      expect((await s.scalars(select(User.name).orderBy(User.id))).all()).toEqual(["ed", "jack"]);
      await s.commit();
      expect(await names()).toEqual(["ed", "jack"]);
    });

    it("SAVEPOINT rollback expires only objects changed in it (SQLAlchemy ticket 2452)", async () => {
      await using s = db.session();
      const u1 = new User({ name: "u1" });
      const u2 = new User({ name: "u2" });
      s.addAll([u1, u2]);
      await s.commit();
      await s.refresh(u1);
      await s.refresh(u2);
      const nt = await s.beginNested();
      u2.name = "u2modified";
      await s.flush();
      await nt.rollback();
      expect(inspect(u1).unloaded.has("name")).toBe(false);
      expect(u1.name).toBe("u1");
      expect(inspect(u2).unloaded.has("name")).toBe(true);
      // A full rollback expires everything (CleanSavepointTest).
      await s.rollback();
      expect(inspect(u1).unloaded.has("name")).toBe(true);
      expect(s.inTransaction()).toBe(false);
      await s.refresh(u2);
      expect(u2.name).toBe("u2");
    });

    it("CleanSavepointTest with an ORM UPDATE (synchronizeSession evaluate and fetch) inside the SAVEPOINT", async () => {
      for (const sync of ["evaluate", "fetch"] as const) {
        await truncate(db, M);
        await using s = db.session();
        const u1 = new User({ name: "u1" });
        const u2 = new User({ name: "u2" });
        s.addAll([u1, u2]);
        await s.commit();
        await s.refresh(u1);
        await s.refresh(u2);
        await s.beginNested();
        await s.execute(update(User).where(User.name.eq("u2")).values({ name: "u2modified" }), undefined, { synchronizeSession: sync });
        expect(u2.name).toBe("u2modified");
        await s.rollback();
        expect(s.inTransaction()).toBe(false);
        expect(inspect(u1).unloaded.has("name")).toBe(true);
        expect(inspect(u2).unloaded.has("name")).toBe(true);
        await s.refresh(u2);
        expect(u2.name).toBe("u2");
      }
    });

    it("test_savepoint_delete: commit() inside a SAVEPOINT commits the whole transaction", async () => {
      await using s = db.session();
      const u1 = new User({ name: "ed" });
      s.add(u1);
      await s.commit();
      await s.beginNested();
      s.delete(u1);
      await s.commit();
      expect(s.inTransaction()).toBe(false);
      expect(await names()).toEqual([]);
    });

    it("test_savepoint_commit: a released SAVEPOINT keeps changes loaded, with one SELECT", async () => {
      await using s = db.session();
      const u1 = new User({ name: "ed" });
      const u2 = new User({ name: "jack" });
      s.addAll([u1, u2]);
      const nt1 = await s.beginNested();
      u1.name = "edward";
      u2.name = "jackward";
      s.addAll([new User({ name: "wendy" }), new User({ name: "foo" })]);
      expect((await s.scalars(select(User.name).orderBy(User.id))).all()).toEqual(["edward", "jackward", "wendy", "foo"]);
      await nt1.commit();
      db.counting.reset();
      expect([u1.name, u2.name]).toEqual(["edward", "jackward"]);
      expect((await s.scalars(select(User.name).orderBy(User.id))).all()).toEqual(["edward", "jackward", "wendy", "foo"]);
      expect(db.counting.statements.filter((q) => q.startsWith("SELECT"))).toHaveLength(1);
      await s.commit();
      expect(await names()).toEqual(["edward", "jackward", "wendy", "foo"]);
    });

    it("test_savepoint_rollback_collections / test_savepoint_commit_collections", async () => {
      for (const release of [false, true]) {
        await truncate(db, M);
        await using s = db.session();
        s.add(new User({ name: "ed", addresses: [new Address({ email: "foo" })] }));
        await s.commit();
        const u1 = (await s.scalars(select(User).options(selectinload(User.addresses)))).one();
        u1.name = "edward";
        u1.addresses.push(new Address({ email: "bar" }));
        const nt1 = await s.beginNested();
        s.add(new User({ name: "jack", addresses: [new Address({ email: "bat" })] }));
        const shape = async () =>
          (await s.scalars(select(User).options(selectinload(User.addresses)).orderBy(User.id), undefined, { populateExisting: true }))
            .all()
            .map((u) => [u.name, u.addresses.map((a) => a.email)]);
        expect(await shape()).toEqual([["edward", ["foo", "bar"]], ["jack", ["bat"]]]);
        if (release) await s.commit();
        else await nt1.rollback();
        const expected = release ? [["edward", ["foo", "bar"]], ["jack", ["bat"]]] : [["edward", ["foo", "bar"]]];
        expect(await shape()).toEqual(expected);
        await s.commit();
        expect(await shape()).toEqual(expected);
      }
    });

    it("test_expunge_pending_on_rollback / test_update_deleted_on_rollback inside a SAVEPOINT", async () => {
      await using s = db.session();
      const u1 = new User({ name: "ed" });
      s.add(u1);
      await s.commit();
      await s.beginNested();
      const u2 = new User({ name: "newuser" });
      s.add(u2);
      s.delete(u1);
      expect(s.contains(u2)).toBe(true);
      expect(s.deleted).toContain(u1);
      await s.rollback();
      expect(s.contains(u2)).toBe(false);
      expect(s.contains(u1)).toBe(true);
      expect(s.deleted).not.toContain(u1);
    });
  });

  it("test_pk_violation: a failed commit needs rollback(), which restores the session", async () => {
    await using s = db.session();
    const a1 = new Address({ email: "foo" });
    const u1 = new User({ id: 1, name: "ed", addresses: [a1] });
    s.add(u1);
    await s.commit();
    await s.refresh(u1, ["name", "addresses"]);
    await s.refresh(a1);
    const a2 = new Address({ email: "bar" });
    const u2 = new User({ id: 1, name: "jack", addresses: [a2] });
    u1.name = "edward";
    a1.email = "foober";
    s.add(u2);
    const caught = await warnings.catch(async () => {
      await expect(s.commit()).rejects.toThrow(IntegrityError);
    });
    expect(caught.some((w) => w instanceof IdentityConflictWarning && /^New instance/.test(w.message))).toBe(true);
    await expect(s.commit()).rejects.toThrow(InvalidRequestError);
    await s.rollback();
    expect([s.contains(u2), s.contains(a2), s.contains(u1), s.contains(a1)]).toEqual([false, false, true, true]);
    await s.refresh(u1);
    await s.refresh(a1);
    expect([u1.name, a1.email]).toEqual(["ed", "foo"]);
    u1.name = "edward";
    a1.email = "foober";
    await s.commit();
    const rows = (await s.scalars(select(User).options(selectinload(User.addresses)))).all();
    expect(rows.map((u) => [u.id, u.name, u.addresses.map((a) => a.email)])).toEqual([[1, "edward", ["foober"]]]);
  });

  describe.each(["default", "conditional_savepoint", "create_savepoint", "control_fully", "rollback_only"] as const)("test_join_transaction_modes: %s", (mode) => {
    it.each(["commit", "close", "rollback", "nothing"] as const)("%s", async (operation) => {
      for (const external of ["none", "transaction", "savepoint"] as const) {
        const conn = await db.engine.connect();
        const t1 = external === "none" ? undefined : await conn.begin();
        const s1 = external === "savepoint" ? await conn.beginNested() : undefined;
        const sess = new AsyncSession(conn, mode === "default" ? {} : { joinTransactionMode: mode });
        await sess.connection();
        if (operation !== "nothing") await sess[operation]();
        const where = `${external}/${operation}`;
        if (external === "none") {
          expect(conn.inTransaction(), where).toBe(operation === "nothing");
        } else if (external === "transaction") {
          const active =
            mode === "create_savepoint" ? true
            : mode === "control_fully" ? operation === "nothing"
            : operation !== "rollback";
          expect(t1!.isActive, where).toBe(active);
        } else {
          expect(t1!.isActive, where).toBe(true);
          if (mode === "rollback_only") expect(s1!.isActive, where).toBe(operation !== "rollback");
          else if (mode === "control_fully") expect(s1!.isActive, where).toBe(operation === "nothing");
          else {
            if (operation === "nothing") await sess.close();
            expect(s1!.isActive, where).toBe(true);
          }
        }
        await sess.close();
        if (s1?.isActive) await s1.rollback();
        if (t1?.isActive) await t1.rollback();
        if (conn.inTransaction()) await conn.rollback();
        await conn.close();
      }
    });
  });

  it("test_subtransaction_on_external_no_begin: commit() of a session joined to an outer transaction commits nothing", async () => {
    const conn = await db.engine.connect();
    const trans = await conn.begin();
    const sess = new AsyncSession(conn, { autoflush: true });
    sess.add(new User({ name: "ed" }));
    await sess.flush();
    await sess.commit();
    await trans.rollback();
    expect((await sess.scalars(select(User))).all()).toEqual([]);
    await sess.close();
    await conn.close();
  });

  it("test_external_nested_transaction: a session SAVEPOINT rolled back inside an outer transaction", async () => {
    const conn = await db.engine.connect();
    const trans = await conn.begin();
    const sess = new AsyncSession(conn, { autoflush: true });
    sess.add(new User({ name: "u1" }));
    await sess.flush();
    const savepoint = await sess.beginNested();
    sess.add(new User({ name: "u2" }));
    await sess.flush();
    await savepoint.rollback();
    await trans.commit();
    expect((await sess.scalars(select(User.name))).all()).toEqual(["u1"]);
    await sess.close();
    await conn.close();
  });

  it("test_no_expire_on_commit: expireOnCommit false keeps values until expireAll()", async () => {
    await using s = db.session({ expireOnCommit: false });
    const u1 = new User({ name: "ed" });
    s.add(u1);
    await s.commit();
    await s.execute(update(User.__table__).where(User.__table__.c.name.eq("ed")).values({ name: "edward" }));
    expect(u1.name).toBe("ed");
    s.expireAll();
    await s.refresh(u1);
    expect(u1.name).toBe("edward");
  });
});

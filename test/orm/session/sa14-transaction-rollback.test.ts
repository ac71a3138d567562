/**
 * SQLAlchemy's test/orm/test_transaction.py cases not yet covered by sa-transaction.test.ts,
 * sa8d-transaction.test.ts, transactions.test.ts, sa4-commit-failure.test.ts and
 * sa3-async-session.test.ts, on PostgreSQL and libSQL:
 * - SessionTransactionTest: test_no_close_transaction_on_flush, test_nested_transaction,
 *   test_nested_transaction_connection_add, test_warning_on_using_inactive_session_new /
 *   _dirty / _delete / _rollback_evt.
 * - AutoExpireTest.test_concurrent_commit_pending; RollbackRecoverTest.test_pk_violation_with_savepoint.
 * - ContextManagerPlusFutureTest: test_contextmanager_commit, test_contextmanager_rollback,
 *   test_session_as_ctx_manager_one / _two, test_begin_context_manager,
 *   test_sessionmaker_begin_context_manager.
 * - NaturalPKRollbackTest (a table whose only column is a natural primary key): all six cases.
 *
 * Adapted: `with session.begin():` is the callback form `session.begin(async (s) => …)`;
 * `with Session() as s:` is `await using`; expired attributes are read after `refresh()`
 * (athanor never loads implicitly). Skipped:
 * - TwoPhaseTest, test_twophase, test_no_prepare_wo_twophase: no two-phase commit in athanor.
 * - test_execution_options_begin_transaction / _ignored_mid_transaction: mock binds.
 * - test_failed_rollback_deactivates_transaction, test_savepoint_lost_still_runs: they patch
 *   DBAPI / private transaction internals.
 * - SubtransactionRecipeTest: a Python context-manager recipe over the legacy subtransaction API.
 * - LegacyJoinIntoAnExternalTransactionTest: 1.x event-based recipe; the 2.0 recipe is covered in
 *   sa8d-transaction.test.ts and transactions.test.ts.
 * - test_reloaded_deleted_checked_for_expiry's `gc_collect()` step: ported without it.
 * - test_warning_on_using_inactive_session_rollback_evt: SQLAlchemy's test never calls the
 *   failing flush it defines, so it asserts nothing.
 *
 * Known differences:
 * - A failed flush in athanor keeps the session's objects as they were (pending objects stay
 *   pending, flushed deletes stay deleted) until `rollback()`; SQLAlchemy restores the snapshot
 *   as soon as the flush's transaction rolls back. So test_rollback_recover checks `u5` and
 *   `u2` after `rollback()`, not right after the failed flush, and the
 *   test_warning_on_using_inactive_session_* cases check the state after `rollback()` but not
 *   SQLAlchemy's warning "Session's state has been changed on a non-active transaction - this
 *   state will be discarded." (athanor cannot tell changes made after the failed flush apart).
 *   transactions.test.ts asserts athanor's behaviour ("a failed flush rolls back, restores
 *   objects and requires rollback()"); changing it is a design decision, not a small fix.
 */
import { describe, expect, it } from "vitest";
import {
  AsyncSession, asyncSessionmaker, DBAPIError, DeclarativeBase, func, IdentityConflictWarning, insert, IntegrityError, inspect, InvalidRequestError, mappedColumn,
  select, selectinload, String, warnings,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { defineModels, openDb, useDb, type Db } from "./models.js";
import { afterAll, beforeAll, beforeEach } from "vitest";

const M = defineModels("sa14_tx");
const { User, Address } = M;
const users = User.__table__;

describe.each(dialectTargets())("session transactions (SQLAlchemy test_transaction, sa14) on $name", (target) => {
  const db = useDb(target, M);
  const count = async (s: AsyncSession): Promise<number> => Number(await s.scalar(select(func.count()).selectFrom(users)));
  const names = async (): Promise<string[]> => {
    await using s = db.session();
    return (await s.scalars(select(User.name).orderBy(User.name))).all();
  };

  describe("SessionTransactionTest", () => {
    it("test_no_close_transaction_on_flush: flushes on a session bound to a connection keep the same transaction", async () => {
      const conn = await db.engine.connect();
      try {
        const bound = new AsyncSession(conn);
        const tran = await bound.begin();
        bound.add(new User({ name: "first" }));
        await bound.flush();
        await conn.execDriverSql(`SELECT * FROM ${users.name}`);
        bound.add(new User({ name: "two" }));
        await bound.flush();
        bound.add(new User({ name: "third" }));
        await bound.flush();
        expect(bound.getTransaction()).toBe(tran);
        await tran.rollback();
        await bound.close();
      } finally {
        await conn.close();
      }
      expect(await names()).toEqual([]);
    });

    it("test_nested_transaction: a SAVEPOINT rolled back drops its row; the outer commit keeps the first", async () => {
      await using s = db.session();
      await s.begin();
      const u = new User({ name: "u1" });
      s.add(u);
      await s.flush();
      const n1 = await s.beginNested();
      const u2 = new User({ name: "u2" });
      s.add(u2);
      await s.flush();
      await n1.rollback();
      expect(s.contains(u2)).toBe(false);
      expect(inspect(u2).transient).toBe(true);
      await s.commit();
      expect((await s.scalars(select(User))).all()).toEqual([u]);
      expect(await names()).toEqual(["u1"]);
    });

    it("test_nested_transaction_connection_add: rollback() inside a SAVEPOINT ends all; a released SAVEPOINT is undone by the outer rollback", async () => {
      await using s = db.session();
      await s.begin();
      await s.beginNested();
      const u1 = new User({ name: "u1" });
      s.add(u1);
      await s.flush();
      await s.rollback();
      expect(s.inTransaction()).toBe(false);
      const u2 = new User({ name: "u2" });
      s.add(u2);
      await s.commit();
      expect(new Set((await s.scalars(select(User))).all())).toEqual(new Set([u2]));
      await s.rollback();

      await s.begin();
      const n1 = await s.beginNested();
      const u3 = new User({ name: "u3" });
      s.add(u3);
      await n1.commit();
      await s.rollback();
      expect(inspect(u3).transient).toBe(true);
      expect(new Set((await s.scalars(select(User))).all())).toEqual(new Set([u2]));
      expect(await names()).toEqual(["u2"]);
    });

    async function inactiveFlushedSession(s: AsyncSession): Promise<InstanceType<typeof User>> {
      const u1 = new User({ id: 1, name: "u1" });
      s.add(u1);
      await s.commit();
      s.add(new User({ id: 1, name: "u2" }));
      const caught = await warnings.catch(async () => {
        await expect(s.flush()).rejects.toThrow(IntegrityError);
      });
      expect(caught.some((w) => w instanceof IdentityConflictWarning && /^New instance/.test(w.message))).toBe(true);
      expect(s.isActive).toBe(false);
      return u1;
    }

    it("test_warning_on_using_inactive_session_new: an object added after a failed flush is discarded by rollback()", async () => {
      await using s = db.session();
      const u1 = await inactiveFlushedSession(s);
      const u2 = new User({ name: "u2" });
      s.add(u2);
      await s.rollback();
      expect(s.contains(u2)).toBe(false);
      expect(s.contains(u1)).toBe(true);
    });

    it("test_warning_on_using_inactive_session_dirty: a change after a failed flush is discarded by rollback()", async () => {
      await using s = db.session();
      const u1 = await inactiveFlushedSession(s);
      u1.name = "newname";
      await s.rollback();
      expect(s.contains(u1)).toBe(true);
      expect(s.dirty).not.toContain(u1);
    });

    it("test_warning_on_using_inactive_session_delete: a delete() after a failed flush is discarded by rollback()", async () => {
      await using s = db.session();
      const u1 = await inactiveFlushedSession(s);
      s.delete(u1);
      await s.rollback();
      expect(s.contains(u1)).toBe(true);
      expect(s.deleted).not.toContain(u1);
    });
  });

  it("AutoExpireTest.test_concurrent_commit_pending: a commit in another session is seen by the first after expire-on-commit", async () => {
    await using s1 = db.session();
    const u1 = new User({ name: "edward" });
    s1.add(u1);
    await s1.commit();
    {
      await using s2 = db.session();
      const u2 = (await s2.scalars(select(User).where(User.name.eq("edward")))).one();
      expect(u2).not.toBe(u1);
      u2.name = "will";
      await s2.commit();
    }
    expect(inspect(u1).expiredAttributes.has("name")).toBe(true);
    await s1.refresh(u1);
    expect(u1.name).toBe("will");
  });

  it("RollbackRecoverTest.test_pk_violation_with_savepoint: the failed SAVEPOINT needs its rollback; the outer work then commits", async () => {
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
    const nt1 = await s.beginNested();
    s.add(u2);
    const caught = await warnings.catch(async () => {
      await expect(s.commit()).rejects.toThrow(IntegrityError);
    });
    expect(caught.some((w) => w instanceof IdentityConflictWarning && /^New instance/.test(w.message))).toBe(true);
    await expect(s.commit()).rejects.toThrow(InvalidRequestError);
    await nt1.rollback();
    expect([s.contains(u2), s.contains(a2), s.contains(u1), s.contains(a1)]).toEqual([false, false, true, true]);
    await s.commit();
    const rows = (await s.scalars(select(User).options(selectinload(User.addresses)))).all();
    expect(rows.map((u) => [u.id, u.name, u.addresses.map((a) => a.email)])).toEqual([[1, "edward", ["foober"]]]);
  });

  describe("ContextManagerPlusFutureTest", () => {
    it("test_contextmanager_commit: begin(fn) commits; a rollback() after it has nothing to undo", async () => {
      await using s = db.session();
      await s.begin(async (t) => {
        t.add(new User({ name: "u1" }));
      });
      await s.rollback();
      expect(await count(s)).toBe(1);
    });

    it("test_contextmanager_rollback: a failing flush in begin(fn) raises the DBAPI error and commits nothing", async () => {
      await using s = db.session();
      await expect(
        s.begin(async (t) => {
          t.add(new User({} as never)); // name can't be null
        }),
      ).rejects.toThrow(DBAPIError);
      expect(await count(s)).toBe(0);
      await s.close();
      await s.begin(async (t) => {
        t.add(new User({ name: "u1" }));
      });
      expect(await count(s)).toBe(1);
    });

    it("test_session_as_ctx_manager_one: leaving `await using` rolls back what the session's connection did", async () => {
      {
        await using s = db.session();
        expect(s.getTransaction()).toBeNull();
        await (await s.connection()).execute(insert(users).values({ id: 1, name: "user1" }));
        expect((await (await s.connection()).execute(users.select())).all().map((r) => [r[0], r[1]])).toEqual([[1, "user1"]]);
        expect(s.getTransaction()).not.toBeNull();
      }
      expect(await names()).toEqual([]);
    });

    it("test_session_as_ctx_manager_two: an exception inside `await using` leaves no transaction", async () => {
      let sess: AsyncSession | undefined;
      await expect(
        (async () => {
          await using s = db.session();
          sess = s;
          expect(s.getTransaction()).toBeNull();
          await (await s.connection()).execute(insert(users).values({ id: 1, name: "user1" }));
          throw new Error("force rollback");
        })(),
      ).rejects.toThrow("force rollback");
      expect(sess!.getTransaction()).toBeNull();
      expect(await names()).toEqual([]);
    });

    it("test_begin_context_manager: rows written in begin(fn) through the connection are committed", async () => {
      await using s = db.session();
      await s.begin(async (t) => {
        await (await t.connection()).execute(insert(users).values({ id: 1, name: "user1" }));
        expect((await (await t.connection()).execute(select(users.c.id, users.c.name).selectFrom(users))).all().map((r) => [...r])).toEqual([[1, "user1"]]);
      });
      expect(s.inTransaction()).toBe(false);
      expect(await names()).toEqual(["user1"]);
    });

    it("test_sessionmaker_begin_context_manager: maker.begin(fn) commits", async () => {
      const maker = asyncSessionmaker(db.engine);
      await maker.begin(async (s) => {
        await (await s.connection()).execute(insert(users).values({ id: 1, name: "user1" }));
        expect(await count(s)).toBe(1);
      });
      expect(await names()).toEqual(["user1"]);
    });
  });
});

// NaturalPKRollbackTest: a table of one natural primary-key column.
const NP = uniqueName("sa14_npk");
class NBase extends DeclarativeBase {}
class NUser extends NBase.model(NP, {
  name: mappedColumn(String(50), { primaryKey: true }),
}) {}

describe.each(dialectTargets())("NaturalPKRollbackTest (test_transaction.py, sa14) on $name", (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, NBase as never);
  });
  afterAll(async () => {
    await db.cleanup();
  });
  beforeEach(async () => {
    await db.engine.begin(async (conn) => {
      await conn.execDriverSql(`DELETE FROM ${NP}`);
    });
  });
  const key = (name: string): string => inspect(NUser).identityKey([name]);

  it("test_rollback_recover: a failed flush leaves the conflicting new object out and the deleted one in place", async () => {
    await using s = db.session();
    const [u1, u2, u3] = ["u1", "u2", "u3"].map((name) => new NUser({ name }));
    s.addAll([u1, u2, u3]);
    await s.commit();
    s.delete(u2);
    const u4 = new NUser({ name: "u2" });
    s.add(u4);
    await s.flush();
    const u5 = new NUser({ name: "u3" });
    s.add(u5);
    const caught = await warnings.catch(async () => {
      await expect(s.flush()).rejects.toThrow(IntegrityError);
    });
    expect(caught.some((w) => w instanceof IdentityConflictWarning && /^New instance/.test(w.message))).toBe(true);
    await s.rollback();
    expect(s.contains(u5)).toBe(false);
    expect(s.deleted).not.toContain(u2);
    expect([s.contains(u1), s.contains(u2), s.contains(u3), s.contains(u4)]).toEqual([true, true, true, false]);
    expect(s.identityMap.get(key("u2"))).toBe(u2);
  });

  it("test_reloaded_deleted_checked_for_expiry: after rollback() a new object takes the key of a rolled-back pending one", async () => {
    await using s = db.session();
    s.add(new NUser({ name: "u1" }));
    await s.flush();
    (await s.scalars(select(NUser))).first();
    await s.rollback();
    const u2 = new NUser({ name: "u1" });
    s.add(u2);
    await s.commit();
    expect(inspect(u2).persistent).toBe(true);
  });

  it("test_key_replaced_by_update: an UPDATE taking a deleted object's key is undone by rollback(), both keys restored", async () => {
    await using s = db.session();
    const u1 = new NUser({ name: "u1" });
    const u2 = new NUser({ name: "u2" });
    s.addAll([u1, u2]);
    await s.commit();
    s.delete(u1);
    await s.flush();
    await s.refresh(u2);
    u2.name = "u1";
    await s.flush();
    expect(s.contains(u1)).toBe(false);
    await s.rollback();
    expect(s.contains(u1)).toBe(true);
    expect(s.contains(u2)).toBe(true);
    expect(s.identityMap.get(key("u1"))).toBe(u1);
    expect(s.identityMap.get(key("u2"))).toBe(u2);
  });

  it("test_key_replaced_by_update_nested: an object added and renamed inside a released SAVEPOINT goes at rollback()", async () => {
    await using s = db.session();
    const u1 = new NUser({ name: "u1" });
    s.add(u1);
    await s.commit();
    let u2!: NUser;
    await s.beginNested(async () => {
      u2 = new NUser({ name: "u2" });
      s.add(u2);
      await s.flush();
      u2.name = "u3";
    });
    await s.rollback();
    expect(s.contains(u1)).toBe(true);
    expect(s.contains(u2)).toBe(false);
    await s.refresh(u1);
    u1.name = "u5";
    await s.commit();
    {
      await using s2 = db.session();
      expect((await s2.scalars(select(NUser.name))).all()).toEqual(["u5"]);
    }
  });

  it("test_multiple_key_replaced_by_update: one object renamed twice into two deleted keys; rollback() restores all three", async () => {
    await using s = db.session();
    const [u1, u2, u3] = ["u1", "u2", "u3"].map((name) => new NUser({ name }));
    s.addAll([u1, u2, u3]);
    await s.commit();
    s.delete(u1);
    s.delete(u2);
    await s.flush();
    await s.refresh(u3);
    u3.name = "u1";
    await s.flush();
    u3.name = "u2";
    await s.flush();
    await s.rollback();
    expect([s.contains(u1), s.contains(u2), s.contains(u3)]).toEqual([true, true, true]);
    expect(s.identityMap.get(key("u1"))).toBe(u1);
    expect(s.identityMap.get(key("u2"))).toBe(u2);
    expect(s.identityMap.get(key("u3"))).toBe(u3);
  });

  it("test_key_replaced_by_oob_insert: a Core INSERT of a deleted object's key, loaded by get(), is replaced by the original at rollback()", async () => {
    await using s = db.session();
    const u1 = new NUser({ name: "u1" });
    s.add(u1);
    await s.commit();
    s.delete(u1);
    await s.flush();
    await s.execute(insert(NUser.__table__).values({ name: "u1" }));
    const u2 = await s.get(NUser, "u1");
    expect(u2).not.toBeNull();
    expect(u2).not.toBe(u1);
    expect(s.contains(u1)).toBe(false);
    await s.rollback();
    expect(s.contains(u1)).toBe(true);
    expect(s.contains(u2!)).toBe(false);
    expect(inspect(u2!).detached).toBe(true);
    expect(s.identityMap.get(key("u1"))).toBe(u1);
  });
});

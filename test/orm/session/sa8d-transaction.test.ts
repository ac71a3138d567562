/**
 * Session transactions, ported from SQLAlchemy's test/orm/test_transaction.py cases not covered
 * by sa-transaction.test.ts / transactions.test.ts: TransactionFlagsTest (test_in_transaction,
 * test_in_transaction_nesting), SessionTransactionTest (test_no_autobegin_after_explicit_commit,
 * test_closed_status_check, test_nested_autotrans, test_mixed_transaction_close,
 * test_subtransaction_on_external_commit / _rollback, test_savepoint_on_external,
 * test_transactions_isolated), ContextManagerPlusFutureTest (test_explicit_begin,
 * test_no_double_begin_explicit, test_rollback_is_global, test_begin_context_manager_rollback_trans
 * / _outer, test_contextmanager_nested_rollback, test_something_with_context_managers) and
 * ReallyNewJoinIntoAnExternalTransactionTest's join-mode matrix, on PostgreSQL and libSQL.
 *
 * Adapted: `with session.begin():` is the callback form `session.begin(async (s) => …)`;
 * `session.connection().execute(...)` is awaited. Not ported: test_twophase (no two-phase
 * commit), test_no_rollback_in_committed_state and test_begin_fails_connection_is_closed (they
 * patch DBAPI internals), test_in_transaction_subtransactions (private subtransaction API),
 * test_super_abusive_nesting (random; the deterministic nesting cases cover it).
 */
import { describe, expect, it } from "vitest";
import { AsyncSession, DBAPIError, func, insert, ResourceClosedError, select, type AsyncConnection } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, useDb } from "./models.js";

const M = defineModels("sa8d_tx");
const { User } = M;
const users = User.__table__;

describe.each(dialectTargets())("session transactions (SQLAlchemy test_transaction) on $name", (target) => {
  const db = useDb(target, M);
  const count = async (s: AsyncSession | AsyncConnection): Promise<number> =>
    Number(s instanceof AsyncSession ? await s.scalar(select(func.count()).selectFrom(users)) : (await s.execute(select(func.count()).selectFrom(users))).scalar());
  const committed = async (): Promise<number> => {
    await using s = db.session();
    return await count(s);
  };

  describe("TransactionFlagsTest", () => {
    it("test_in_transaction", async () => {
      await using s1 = db.session();
      expect(s1.inTransaction()).toBe(false);
      const trans = await s1.begin();
      expect(s1.inTransaction()).toBe(true);
      expect(s1.getTransaction()).toBe(trans);
      const n1 = await s1.beginNested();
      expect(s1.inTransaction()).toBe(true);
      expect(s1.getTransaction()).toBe(trans);
      expect(s1.getNestedTransaction()).toBe(n1);
      await n1.rollback();
      expect(s1.getNestedTransaction()).toBe(null);
      expect(s1.getTransaction()).toBe(trans);
      expect(s1.inTransaction()).toBe(true);
      await s1.commit();
      expect(s1.inTransaction()).toBe(false);
      expect(s1.getTransaction()).toBe(null);
    });

    it("test_in_transaction_nesting", async () => {
      await using s1 = db.session();
      const trans = await s1.begin();
      const sp1 = await s1.beginNested();
      expect(s1.getNestedTransaction()).toBe(sp1);
      const sp2 = await s1.beginNested();
      expect(s1.inNestedTransaction()).toBe(true);
      expect(s1.getTransaction()).toBe(trans);
      expect(s1.getNestedTransaction()).toBe(sp2);
      await sp2.rollback();
      expect(s1.inTransaction()).toBe(true);
      expect(s1.inNestedTransaction()).toBe(true);
      expect(s1.getNestedTransaction()).toBe(sp1);
      await sp1.rollback();
      expect(s1.getNestedTransaction()).toBe(null);
      expect(s1.inTransaction()).toBe(true);
      expect(s1.inNestedTransaction()).toBe(false);
      expect(s1.getTransaction()).toBe(trans);
      await s1.rollback();
      expect(s1.inTransaction()).toBe(false);
      expect(s1.getTransaction()).toBe(null);
    });
  });

  describe("SessionTransactionTest", () => {
    it("test_no_autobegin_after_explicit_commit: committing the transaction object ends it; connection() begins anew", async () => {
      await using s = db.session();
      s.add(new User({ name: "ed" }));
      await s.getTransaction()!.commit();
      expect(s.getTransaction()).toBe(null);
      expect(await committed()).toBe(1);
      await s.connection();
      expect(s.getTransaction()).not.toBe(null);
    });

    it("test_closed_status_check: a rolled back transaction refuses rollback() and commit()", async () => {
      await using s = db.session();
      const trans = await s.begin();
      await trans.rollback();
      await expect(trans.rollback()).rejects.toThrow(new ResourceClosedError("This transaction is closed"));
      await expect(trans.commit()).rejects.toThrow(new ResourceClosedError("This transaction is closed"));
    });

    it("test_nested_autotrans: rollback() inside a SAVEPOINT rolls back the whole transaction", async () => {
      await using s = db.session();
      s.add(new User({ name: "u1" }));
      await s.flush();
      await s.beginNested();
      s.add(new User({ name: "u2" }));
      await s.flush();
      await s.rollback();
      await s.commit();
      expect((await s.scalars(select(User))).all()).toEqual([]);
    });

    it("test_mixed_transaction_close: close() inside a SAVEPOINT discards everything; the session is usable after", async () => {
      const s = db.session();
      await s.beginNested();
      s.add(new User({ name: "u1" }));
      await s.flush();
      await s.close();
      s.add(new User({ name: "u2" }));
      await s.commit();
      await s.close();
      expect((await s.scalars(select(User.name))).all()).toEqual(["u2"]);
      await s.close();
    });

    it("test_subtransaction_on_external_commit: commit() joined to an outer transaction commits nothing", async () => {
      await using conn = await db.engine.connect();
      await conn.begin();
      const sess = new AsyncSession(conn, { autoflush: true });
      sess.add(new User({ name: "ed" }));
      await sess.flush();
      await sess.commit();
      expect(conn.inTransaction()).toBe(true);
      await conn.rollback();
      expect(await count(sess)).toBe(0);
      await sess.close();
    });

    it("test_subtransaction_on_external_rollback: rollback() rolls the outer transaction back", async () => {
      await using conn = await db.engine.connect();
      await conn.begin();
      const sess = new AsyncSession(conn, { autoflush: true });
      sess.add(new User({ name: "ed" }));
      await sess.flush();
      await sess.rollback();
      expect(conn.inTransaction()).toBe(false);
      expect(await count(sess)).toBe(0);
      await sess.close();
    });

    it("test_savepoint_on_external: a session SAVEPOINT rolled back, the outer transaction committed", async () => {
      await using conn = await db.engine.connect();
      await conn.begin();
      const sess = new AsyncSession(conn, { autoflush: true });
      sess.add(new User({ name: "u1" }));
      await sess.flush();
      const n1 = await sess.beginNested();
      sess.add(new User({ name: "u2" }));
      await sess.flush();
      await n1.rollback();
      await conn.commit();
      expect(await committed()).toBe(1);
      await sess.close();
    });

    it("test_transactions_isolated: another session does not see a flushed, uncommitted row", async () => {
      await using s1 = db.session();
      await using s2 = db.session();
      s1.add(new User({ name: "u1" }));
      await s1.flush();
      // libSQL files lock writers; read from a plain connection with its own transaction.
      if (target.dialect === "postgresql") expect((await s2.scalars(select(User))).all()).toEqual([]);
      await s1.rollback();
      expect(await count(s2)).toBe(0);
    });
  });

  describe("ContextManagerPlusFutureTest", () => {
    it("test_explicit_begin: the callback form ends the transaction it began", async () => {
      await using s1 = db.session();
      await s1.begin(async (s) => {
        expect(s.getTransaction()).not.toBe(null);
        await s.connection();
      });
      expect(s1.getTransaction()).toBe(null);
    });

    it("test_no_double_begin_explicit", async () => {
      await using s1 = db.session();
      await s1.begin();
      await expect(s1.begin()).rejects.toThrow(/^A transaction is already begun on this Session\./);
    });

    it("test_rollback_is_global: rollback() inside a SAVEPOINT ends the whole transaction", async () => {
      await using s1 = db.session();
      await s1.begin();
      await (await s1.connection()).execute(insert(users), [{ id: 1, name: "n1" }]);
      await s1.beginNested();
      await (await s1.connection()).execute(insert(users), [{ id: 2, name: "n2" }, { id: 3, name: "n3" }]);
      expect(await count(await s1.connection())).toBe(3);
      await s1.rollback();
      expect(s1.getTransaction()).toBe(null);
      expect(await count(await s1.connection())).toBe(0);
      await s1.commit();
      expect(s1.getTransaction()).toBe(null);
    });

    it("test_begin_context_manager_rollback_trans: an error inside begin() rolls back", async () => {
      await using sess = db.session();
      await expect(
        sess.begin(async (s) => {
          await (await s.connection()).execute(insert(users).values({ id: 1, name: "user1" }));
          expect((await (await s.connection()).execute(select(users.c.id, users.c.name))).all().map((r) => [...r])).toEqual([[1, "user1"]]);
          throw new Error("force rollback");
        }),
      ).rejects.toThrow("force rollback");
      expect((await (await sess.connection()).execute(select(users.c.id))).all()).toEqual([]);
    });

    it("test_begin_context_manager_rollback_outer: an error after begin() returned leaves it committed", async () => {
      await using sess = db.session();
      await sess.begin(async (s) => {
        await (await s.connection()).execute(insert(users).values({ id: 1, name: "user1" }));
      });
      expect((await (await sess.connection()).execute(select(users.c.id, users.c.name))).all().map((r) => [...r])).toEqual([[1, "user1"]]);
    });

    it("test_contextmanager_nested_rollback: a failing flush in beginNested(fn) raises the DBAPI error, the session goes on", async () => {
      await using sess = db.session();
      await expect(
        sess.beginNested(async (s) => {
          s.add(new User({} as never)); // name can't be null
          await s.flush();
        }),
      ).rejects.toThrow(DBAPIError);
      await sess.beginNested(async (s) => {
        s.add(new User({ name: "u1" }));
      });
      expect(await count(sess)).toBe(1);
    });

    it("test_something_with_context_managers (session on the engine): rollback() inside begin(fn) discards, then commits count", async () => {
      await using session = db.session();
      await session.begin(async (s) => {
        s.add(new User({ name: "a1" }));
        await s.flush();
        expect(await count(s)).toBe(1);
        await s.rollback();
      });
      expect(await committed()).toBe(0);
      await session.begin(async (s) => {
        s.add(new User({ name: "a2" }));
      });
      expect(await committed()).toBe(1);
      await session.begin(async (s) => {
        s.add(new User({ name: "a3" }));
        await s.flush();
        expect(await count(s)).toBe(2);
        await s.rollback();
      });
      expect(await committed()).toBe(1);
    });
  });

  describe.each([
    { joinMode: "create_savepoint", outerSavepoint: false },
    { joinMode: "conditional_w_savepoint", outerSavepoint: true },
    { joinMode: "create_savepoint_w_savepoint", outerSavepoint: true },
  ] as const)("ReallyNewJoinIntoAnExternalTransactionTest (join_mode=$joinMode)", ({ joinMode, outerSavepoint }) => {
    /** setup_session / teardown_session around `body`; the outer transaction is rolled back, so nothing persists. */
    async function withJoined(body: (session: AsyncSession, conn: AsyncConnection) => Promise<void>): Promise<void> {
      const conn = await db.engine.connect();
      const trans = await conn.begin();
      const nested = outerSavepoint ? await conn.beginNested() : undefined;
      const session = new AsyncSession(conn, { joinTransactionMode: joinMode === "conditional_w_savepoint" ? "conditional_savepoint" : "create_savepoint" });
      try {
        await body(session, conn);
      } finally {
        await session.close();
        if (nested) {
          expect(nested.isActive).toBe(true);
          await nested.rollback();
        }
        expect(trans.isActive).toBe(true);
        await trans.rollback();
        expect(await count(conn)).toBe(0);
        await conn.close();
      }
      expect(await committed()).toBe(0);
    }

    it("test_something: commit() inside the external transaction", async () => {
      await withJoined(async (session, conn) => {
        session.add(new User({ name: "a1" }));
        await session.commit();
        expect(await count(conn)).toBe(1);
      });
    });

    it("test_something_with_context_managers", async () => {
      await withJoined(async (session, conn) => {
        await session.begin(async (s) => {
          s.add(new User({ name: "a1" }));
          await s.flush();
          expect(await count(conn)).toBe(1);
          await s.rollback();
        });
        expect(await count(conn)).toBe(0);
        await session.begin(async (s) => {
          s.add(new User({ name: "a2" }));
        });
        expect(await count(conn)).toBe(1);
        await session.begin(async (s) => {
          s.add(new User({ name: "a3" }));
          await s.flush();
          expect(await count(conn)).toBe(2);
          await s.rollback();
        });
        expect(await count(conn)).toBe(1);
      });
    });
  });
});

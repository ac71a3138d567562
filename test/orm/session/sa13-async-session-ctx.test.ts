/**
 * SQLAlchemy's test/ext/asyncio/test_session.py, the parts sa3-async-session.test.ts and
 * session-api.test.ts do not cover, on real PostgreSQL and libSQL:
 * - AsyncSessionTransactionTest.test_interrupt_ctxmanager_connection (the
 *   `async_trans_ctx_manager_fixture` matrix with the session as subject: session.commit() /
 *   session.rollback() inside `begin(fn)`, or a SAVEPOINT ended inside `beginNested(fn)`);
 * - test_async_sessionmaker_block_one / _two;
 * - test_join_to_external_transaction_with_savepoints (the "join a session into an external
 *   transaction" recipe, re-opening the SAVEPOINT from an afterTransactionEnd listener);
 * - AsyncSessionTest.test_sequence_execute (PostgreSQL: a sequence's next value by scalar());
 * - AsyncORMBehaviorsTest.test_new_style_active_history (one-to-one replaced on an expired parent).
 *
 * Skipped (no meaning in athanor):
 * - test_orm_sessionmaker_block_*, OverrideSyncSession: sessionmaker(class_=AsyncSession) and
 *   sync_session_class; athanor has one session class and no sync session.
 * - test_session_close_all_deprecated: deprecated AsyncSession.close_all().
 * - test_sequence_execute(use_scalar=False): deprecated execute() of a DefaultGenerator.
 * - test_async_object_session_del, AsyncProxyTest.test_gc, test_inspect_session_no_asyncio_*:
 *   Python garbage collection and proxies of sync sessions.
 * - test_execute / test_stream_partitions with execution_options={"logging_token": …}: a
 *   Python logging feature; athanor's echo has no per-statement token.
 * - AsyncORMBehaviorsTest legacy_style: _legacy_inactive_history_style raises MissingGreenlet,
 *   a Python-only lazy-load failure mode.
 *
 * Known differences:
 * - AsyncEventTest.test_no_async_listeners: athanor has no sync session; listeners go on the
 *   AsyncSession itself (and may be async) instead of raising NotImplementedError.
 * - test_init with `binds={Table: engine}`: athanor sessions have one bind.
 * - AsyncProxyTest.test_get_connection_kws: session.connection() takes no execution options.
 * - AsyncAttrsTest (`awaitable_attrs`): athanor never lazy-loads on attribute access; an unloaded
 *   relationship is loaded with `session.refresh(obj, ["attr"])` (test_force_a_lazyload in
 *   sa3-async-session.test.ts) or a loader option.
 */
import { describe, expect, it } from "vitest";
import {
  AsyncSession, asyncSessionmaker, Column, createAsyncEngine, DeclarativeBase, event, ForeignKey, func, insert, Integer, InvalidRequestError, mappedColumn,
  MetaData, relationship, select, Sequence, type SessionTransaction, Table,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { defineModels, useDb } from "./models.js";

const CLOSED_CTX = "Can't operate on closed transaction inside context manager.  Please complete the context manager before emitting further commands.";

const M = defineModels("sa13_async");
const { User } = M;
// The fixture's plain table "test" (one Integer column), created with the models' tables.
const t = Table(uniqueName("sa13_test"), M.Base.metadata, { data: Column(Integer) });

describe.each(dialectTargets())("AsyncSession (SQLAlchemy test_session.py, sa13) on $name", (target) => {
  const db = useDb(target, M);

  // AsyncFixture.async_trans_ctx_manager_fixture with the session as subject
  // (trans_on_subject=True, execute_on_subject=True).
  for (const rollback of [true, false]) {
    for (const runSecondExecute of [true, false]) {
      for (const beginNested of [true, false]) {
        it(`test_interrupt_ctxmanager_connection (rollback=${rollback}, second execute=${runSecondExecute}, begin_nested=${beginNested})`, async () => {
          await db.engine.begin(async (c) => {
            await c.execDriverSql(`DELETE FROM ${t.name}`);
          });
          await using session = db.session();
          const closedCtx = async (): Promise<void> => {
            const err = await session.execute(insert(t), { data: 12 }).catch((e: unknown) => e);
            expect(err).toBeInstanceOf(InvalidRequestError);
            expect((err as Error).message).toBe(CLOSED_CTX);
          };
          await session.begin(async () => {
            if (beginNested) {
              await session.beginNested(async () => {
                const nestedTrans = session.getNestedTransaction()!;
                await session.execute(insert(t), { data: 10 });
                // A savepoint is always ended on its own handle.
                if (rollback) await nestedTrans.rollback();
                else await nestedTrans.commit();
                if (runSecondExecute) await closedCtx();
              });
              // Outside the nested block, inside the transaction: SQL runs and is committed.
              await session.execute(insert(t), { data: 14 });
            } else {
              await session.execute(insert(t), { data: 10 });
              if (rollback) await session.rollback();
              else await session.commit();
              if (runSecondExecute) await closedCtx();
            }
          });
          const expectedCommitted = (beginNested ? 1 : 0) + (rollback ? 0 : 1);
          expect(Number(await session.scalar(select(func.count()).selectFrom(t)))).toBe(expectedCommitted);
          expect((await session.scalars(select(t.c.data).orderBy(t.c.data))).all()).toEqual([...(rollback ? [] : [10]), ...(beginNested ? [14] : [])]);
        });
      }
    }
  }

  it("begin(fn) whose flush failed and was caught inside ends without COMMIT (TransactionalContext closes it)", async () => {
    await using session = db.session();
    await session.begin(async () => {
      session.add(new User({ id: 1, name: "dup" }));
      session.add(new User({ id: 2, name: "dup" }));
      await expect(session.flush()).rejects.toThrow();
      expect(session.getTransaction()!.isActive).toBe(false);
    });
    expect(session.inTransaction()).toBe(false);
    expect((await session.scalars(select(User))).all()).toEqual([]);
  });

  it("test_async_sessionmaker_block_one: session.begin(fn) commits; the session is out of its transaction after", async () => {
    const maker = asyncSessionmaker(db.engine);
    const session = maker();
    await session.begin(async () => {
      const u1 = new User({ id: 1, name: "u1" });
      expect(session.inTransaction()).toBe(true);
      session.add(u1);
    });
    expect(session.inTransaction()).toBe(false);
    await using s2 = maker();
    const u1 = (await s2.execute(select(User).where(User.name.eq("u1")))).scalarOne();
    expect(u1.name).toBe("u1");
  });

  it("test_async_sessionmaker_block_two: maker.begin(fn) gives a session in a transaction, committed after", async () => {
    const maker = asyncSessionmaker(db.engine);
    let session: AsyncSession | undefined;
    await maker.begin(async (s) => {
      session = s;
      const u1 = new User({ id: 1, name: "u1" });
      expect(s.inTransaction()).toBe(true);
      s.add(u1);
    });
    expect(session!.inTransaction()).toBe(false);
    await using s2 = maker();
    const u1 = (await s2.execute(select(User).where(User.name.eq("u1")))).scalarOne();
    expect(u1.name).toBe("u1");
  });

  it("test_join_to_external_transaction_with_savepoints: commit() and rollback() end the SAVEPOINT; the outer rollback undoes all", async () => {
    await db.engine.connect(async (conn) => {
      await conn.begin();
      await conn.beginNested();
      const session = new AsyncSession(conn);
      // The recipe: when the session's transaction ends, open a new SAVEPOINT for the next one.
      event.listen(session, "afterTransactionEnd", async (_s: AsyncSession, _trans: SessionTransaction) => {
        if (conn.closed) return;
        if (!conn.inNestedTransaction()) await conn.beginNested();
      });
      const aconn = await session.connection();
      expect(aconn).toBe(conn);

      session.add(new User({ id: 1, name: "u1" }));
      await session.commit();
      expect((await session.execute(select(User))).all()).toHaveLength(1);

      session.add(new User({ id: 2, name: "u2" }));
      await session.flush();
      expect((await session.execute(select(User))).all()).toHaveLength(2);

      // A rollback inside the session ends only the SAVEPOINT…
      await session.rollback();
      // …and what was "committed" before is still there.
      expect((await session.execute(select(User))).all()).toHaveLength(1);

      expect(conn.inTransaction()).toBe(true);
      await conn.rollback();
    });
    await using s2 = db.session();
    expect((await s2.execute(select(User))).all()).toEqual([]);
  });

  if (target.dialect === "postgresql") {
    it("test_sequence_execute (use_scalar): session.scalar() of a sequence's next value gives its first value", async () => {
      const md = new MetaData();
      const seq = new Sequence(uniqueName("sa13_some_sequence"), { metadata: md });
      await using session = db.session();
      const conn = await session.connection();
      await md.createAll(conn);
      try {
        expect(Number(await session.scalar(select(seq.nextValue())))).toBe(1);
        expect(Number(await session.scalar(seq.nextValue()))).toBe(2);
      } finally {
        await session.rollback();
      }
    });
  }
});

// AsyncORMBehaviorsTest.one_to_one_fixture: A.b is a one-to-one (uselist false) to B.a_id.
class OneToOneBase extends DeclarativeBase {}
const aName = uniqueName("sa13_a");
class B extends OneToOneBase.model(uniqueName("sa13_b"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  aId: mappedColumn(ForeignKey(`${aName}.id`), { name: "a_id", nullable: true }),
}) {}
class A extends OneToOneBase.model(aName, {
  id: mappedColumn(Integer, { primaryKey: true }),
}) {
  static b = relationship(() => B, { uselist: false });
  declare b: B | null;
}

describe.each(dialectTargets())("AsyncORMBehaviorsTest (SQLAlchemy test_session.py, sa13) on $name", (target) => {
  it("test_new_style_active_history: replacing a one-to-one on an expired parent nulls the old child's key at flush", async () => {
    const d = await target.make();
    const engine = createAsyncEngine(d.driver);
    try {
      await engine.begin((conn) => OneToOneBase.metadata.createAll(conn));
      await using session = new AsyncSession(engine);
      const a1 = new A();
      const b1 = new B();
      a1.b = b1;
      session.add(a1);
      await session.commit();

      const b2 = new B();
      a1.b = b2;
      await session.flush();
      await session.refresh(b1);
      expect(
        Number(
          (await session.execute(select(func.count()).selectFrom(B.__table__).where(B.id.eq(b1.id)).where(B.aId.isNull()))).scalar(),
        ),
      ).toBe(1);
      expect(b1.aId).toBeNull();
      expect(b2.aId).toBe(a1.id);
      await session.rollback();
    } finally {
      await engine.begin((conn) => OneToOneBase.metadata.dropAll(conn));
      await engine.dispose();
      await d.cleanup();
    }
  });
});

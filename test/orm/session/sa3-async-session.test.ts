/**
 * SQLAlchemy's test/ext/asyncio/test_session.py and the session-API parts of
 * test/orm/test_session.py, ported: AsyncSession info/bind, get()/getOne(), scalars/stream
 * partitions, the begin() forms against an outside connection, getTransaction() and
 * getNestedTransaction(), objectSession(), closeAllSessions(), reset(), close() with
 * closeResetsOnly, invalidate(), deleteAll(), isActive and the delete cascade.
 */
import { describe, expect, it } from "vitest";
import {
  AsyncMethodRequired, asyncSessionmaker, AsyncSession, closeAllSessions, event, type OrmExecuteState, func, insert, inspect, InvalidRequestError, NoResultFound, objectSession, select,
  selectinload, text, update, UnmappedInstanceError,
} from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, useDb } from "./models.js";

const M = defineModels("sa3_async");
const { User, Address } = M;

describe.each(dialectTargets())("AsyncSession (SQLAlchemy test/ext/asyncio/test_session.py) on $name", (target) => {
  const db = useDb(target, M);

  /** SQLAlchemy's _fixtures users/addresses rows. */
  async function seed(): Promise<void> {
    await db.engine.begin(async (conn) => {
      for (const [id, name] of [[7, "jack"], [8, "ed"], [9, "fred"], [10, "chuck"]] as const) {
        await conn.execute(insert(User.__table__).values({ id, name }));
      }
      for (const [id, userId, email] of [
        [1, 7, "jack@bean.com"], [2, 8, "ed@wood.com"], [3, 8, "ed@bettyboop.com"], [4, 8, "ed@lala.com"], [5, 9, "fred@fred.com"],
      ] as const) {
        await conn.execute(insert(Address.__table__).values({ id, userId, email }));
      }
    });
    db.counting.reset();
  }
  function userAddressShape(users: InstanceType<typeof User>[]): [number, string, string[]][] {
    return users.map((u) => [u.id, u.name, u.addresses.map((a) => a.email)]);
  }
  const userAddressResult: [number, string, string[]][] = [
    [7, "jack", ["jack@bean.com"]],
    [8, "ed", ["ed@wood.com", "ed@bettyboop.com", "ed@lala.com"]],
    [9, "fred", ["fred@fred.com"]],
    [10, "chuck", []],
  ];

  it("test_requires_async_engine: AsyncSession needs an AsyncEngine or AsyncConnection", () => {
    expect(() => new AsyncSession({} as never)).toThrow(/AsyncEngine/);
  });

  it("test_info: session.info is a plain dict per session; sessionmaker info is copied and merged", () => {
    const s = db.session();
    expect(s.info).toEqual({});
    s.info.foo = "bar";
    expect(s.info).toEqual({ foo: "bar" });

    const maker = asyncSessionmaker(db.engine, { info: { global: true, s1: 5 } });
    const s1 = maker();
    const s2 = maker({ info: { s1: 6, s2: true } });
    expect(s1.info).toEqual({ global: true, s1: 5 });
    expect(s2.info).toEqual({ global: true, s1: 6, s2: true });
    s2.info.global = false;
    s2.info.s1 = 7;
    const s3 = maker();
    expect(s3.info).toEqual({ global: true, s1: 5 });
    const maker2 = asyncSessionmaker(db.engine);
    expect(maker2({ info: { s4: 8 } }).info).toEqual({ s4: 8 });
  });

  it("test_init: bind is the engine or connection given", async () => {
    const s = new AsyncSession(db.engine);
    expect(s.bind).toBe(db.engine);
    await db.engine.connect(async (conn) => {
      expect(new AsyncSession(conn).bind).toBe(conn);
    });
  });

  for (const sessionType of ["plain", "sessionmaker"] as const) {
    for (const merge of [true, false]) {
      for (const method of ["scalar", "execute", "scalars", "get"] as const) {
        for (const addStatementOptions of [true, false]) {
          it(`test_execution_options (${sessionType}, merge=${merge}, ${method}, statement options=${addStatementOptions})`, async () => {
            const sessionExecutionOptions = { populateExisting: true, autoflush: false, opt1: "z", opt5: "q" };
            let expected: Record<string, unknown> = sessionExecutionOptions;
            const statementOptions: Record<string, unknown> = addStatementOptions ? { opt2: "w", opt4: "y", opt5: "w" } : {};
            if (addStatementOptions) expected = { ...expected, ...statementOptions };
            const queryOpts: Record<string, unknown> = merge ? { opt1: "q", opt2: "p", opt3: "r", populateExisting: false } : {};
            if (merge) expected = { ...expected, ...queryOpts };
            const sess =
              sessionType === "plain"
                ? new AsyncSession(db.engine, { executionOptions: sessionExecutionOptions })
                : asyncSessionmaker(db.engine, { executionOptions: sessionExecutionOptions })();
            const gather: Record<string, unknown> = {};
            event.listen(sess, "doOrmExecute", (ctx: OrmExecuteState) => {
              expect(Object.keys(gather)).toEqual([]);
              Object.assign(gather, ctx.executionOptions);
            });
            let statement = select(User).limit(1);
            if (addStatementOptions) statement = statement.executionOptions(statementOptions);
            if (method === "scalar") await sess.scalar(statement, undefined, queryOpts);
            else if (method === "execute") await sess.execute(statement, undefined, queryOpts);
            else if (method === "scalars") await sess.scalars(statement, undefined, queryOpts);
            else await sess.get(User, 1, { executionOptions: { ...statementOptions, ...queryOpts } });
            await sess.close();
            for (const [key, value] of Object.entries(expected)) expect(gather[key], key).toBe(value);
          });
        }
      }
    }
  }

  it("the autoflush execution option: false skips the autoflush of that statement", async () => {
    await using s = db.session();
    s.add(new User({ name: "pending" }));
    expect((await s.scalars(select(User), undefined, { autoflush: false })).all()).toEqual([]);
    expect(s.new.length).toBe(1);
    expect((await s.scalars(select(User))).all().length).toBe(1);
    expect(s.new).toEqual([]);
  });

  it("test_execute / test_scalars: selectinload of addresses, in order", async () => {
    await seed();
    await using s = db.session();
    const stmt = select(User).options(selectinload(User.addresses)).orderBy(User.id);
    expect(userAddressShape((await s.execute(stmt)).scalars().all())).toEqual(userAddressResult);
    expect(userAddressShape((await s.scalars(stmt)).all())).toEqual(userAddressResult);
  });

  it("test_scalars (stream_scalars): streamScalars().all()", async () => {
    await seed();
    await using s = db.session();
    // athanor's drivers have no independent cursors: a stream cannot run selectinload's
    // second SELECT on its connection, so the collection is loaded after the stream ends.
    const users = await (await s.streamScalars(select(User).orderBy(User.id))).all();
    expect(users.map((u) => [u.id, u.name])).toEqual(userAddressResult.map(([id, name]) => [id, name]));
  });

  it("test_scalar", async () => {
    await seed();
    await using s = db.session();
    expect(await s.scalar(select(User.id).orderBy(User.id).limit(1))).toBe(7);
  });

  it("test_session_aclose: closing the session empties its identity map", async () => {
    const s = db.session();
    const u = new User({ name: "u" });
    s.add(u);
    await s.commit();
    await s.close();
    expect([...s.identityMap.values()]).toEqual([]);
  });

  it("test_get: get() returns the identity-mapped object; a missing row gives null", async () => {
    await seed();
    await using s = db.session();
    const u1 = await s.get(User, 7);
    expect(u1!.name).toBe("jack");
    const u2 = await s.get(User, 7);
    expect(u2).toBe(u1);
    expect(await s.get(User, 12)).toBeNull();
  });

  it("test_get_one: getOne() raises NoResultFound 'No row was found when one was required'", async () => {
    await seed();
    await using s = db.session();
    const u1 = await s.getOne(User, 7);
    const u2 = await s.getOne(User, 10);
    const u3 = await s.getOne(User, 7);
    expect(u3).toBe(u1);
    expect(u1.name).toBe("jack");
    expect(u2.name).toBe("chuck");
    const err = await s.getOne(User, 12).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoResultFound);
    expect((err as Error).message).toBe("No row was found when one was required");
  });

  it("test_get / test_get_one (test_session.py): expungeAll() makes get() load a new instance", async () => {
    await using s = db.session();
    await s.execute(insert(User.__table__), [{ id: 7, name: "7" }, { id: 19, name: "19" }]);
    expect(await s.get(User, 19)).not.toBeNull();
    const u = await s.get(User, 7);
    expect(await s.get(User, 7)).toBe(u);
    s.expungeAll();
    const u2 = await s.getOne(User, 7);
    expect(u2).not.toBe(u);
    expect(await s.getOne(User, 7)).toBe(u2);
  });

  it("test_get_with_for_update_use: withForUpdate true loads again; false or omitted use the identity map", async () => {
    await using s = db.session();
    await s.execute(insert(User.__table__), [{ id: 7, name: "7" }]);
    const u = await s.get(User, 7);
    db.counting.reset();
    expect(await s.get(User, 7, { withForUpdate: false })).toBe(u);
    expect(await s.get(User, 7)).toBe(u);
    expect(db.counting.statements).toEqual([]);
    expect(await s.get(User, 7, { withForUpdate: true })).toBe(u);
    expect(db.counting.statements.length).toBe(1);
  });

  it("test_force_a_lazyload: refresh(obj, ['addresses']) loads the collection", async () => {
    await seed();
    await using s = db.session();
    const result = (await s.scalars(select(User).orderBy(User.id))).all();
    for (const u of result) await s.refresh(u, ["addresses"]);
    expect(userAddressShape(result)).toEqual(userAddressResult);
  });

  it("test_get_loader_options: get() with selectinload loads the collection", async () => {
    await seed();
    await using s = db.session();
    const u = (await s.get(User, 7, { options: [selectinload(User.addresses)] }))!;
    expect(u.name).toBe("jack");
    expect(u.addresses.length).toBe(1);
  });

  it("test_stream_partitions: stream().scalars().partitions(3)", async () => {
    await seed();
    await using s = db.session();
    // Without selectinload: a stream has no independent cursor for the second SELECT.
    const result = await s.stream(select(User).orderBy(User.id));
    const parts: [number, string][][] = [];
    for await (const partition of result.scalars().partitions(3)) parts.push(partition.map((u) => [u.id, u.name]));
    const ids = userAddressResult.map(([id, name]): [number, string] => [id, name]);
    expect(parts).toEqual([ids.slice(0, 3), ids.slice(3)]);
  });

  for (const location of ["statement", "execute"] as const) {
    it(`test_no_ss_cursor_w_execute (${location}): execute() of a streamResults statement raises AsyncMethodRequired`, async () => {
      await using s = db.session();
      let stmt = select(User);
      if (location === "statement") stmt = stmt.executionOptions({ streamResults: true });
      const p = location === "execute" ? s.execute(stmt, undefined, { streamResults: true }) : s.execute(stmt);
      const err = await p.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AsyncMethodRequired);
      expect((err as Error).message).toBe(
        "Can't use the AsyncSession.execute() method with a server-side cursor. Use the AsyncSession.stream() method for an async streaming result set.",
      );
    });
  }

  it("test_trans: begin() callback commits; an outside connection sees the row", async () => {
    await db.engine.connect(async (outer) => {
      const s = db.session();
      await s.begin(async () => {
        expect(Number(await outer.scalar(select(func.count(User.id))))).toBe(0);
        const u1 = new User({ name: "u1" });
        s.add(u1);
        const result = await s.execute(select(User));
        expect(result.scalar()).toBe(u1);
      });
      await outer.rollback();
      expect(Number(await outer.scalar(select(func.count(User.id))))).toBe(1);
      await s.close();
    });
  });

  it("test_commit_as_you_go", async () => {
    await db.engine.connect(async (outer) => {
      await using s = db.session();
      expect(Number(await outer.scalar(select(func.count(User.id))))).toBe(0);
      const u1 = new User({ name: "u1" });
      s.add(u1);
      expect((await s.execute(select(User))).scalar()).toBe(u1);
      await s.commit();
      await outer.rollback();
      expect(Number(await outer.scalar(select(func.count(User.id))))).toBe(1);
    });
  });

  it("test_trans_noctx: begin() handle committed explicitly", async () => {
    await db.engine.connect(async (outer) => {
      await using s = db.session();
      const trans = await s.begin();
      try {
        expect(Number(await outer.scalar(select(func.count(User.id))))).toBe(0);
        const u1 = new User({ name: "u1" });
        s.add(u1);
        expect((await s.execute(select(User))).scalar()).toBe(u1);
      } finally {
        await trans.commit();
      }
      await outer.rollback();
      expect(Number(await outer.scalar(select(func.count(User.id))))).toBe(1);
    });
  });

  it("test_delete / test_flush: the session's connection sees flushed rows", async () => {
    await using s = db.session();
    await s.begin(async () => {
      const u1 = new User({ name: "u1" });
      s.add(u1);
      const conn = await s.connection();
      expect(Number(await conn.scalar(select(func.count(User.id))))).toBe(0);
      await s.flush();
      expect(Number(await conn.scalar(select(func.count(User.id))))).toBe(1);
      s.delete(u1);
      await s.flush();
      expect(Number(await conn.scalar(select(func.count(User.id))))).toBe(0);
    });
  });

  it("test_refresh: refresh() picks up a Core UPDATE run on the session's connection", async () => {
    await using s = db.session();
    await s.begin(async () => {
      const u1 = new User({ name: "u1" });
      s.add(u1);
      await s.flush();
      const conn = await s.connection();
      await conn.execute(update(User.__table__).values({ name: "u2" }));
      expect(u1.name).toBe("u1");
      await s.refresh(u1);
      expect(u1.name).toBe("u2");
      expect(Number(await conn.scalar(select(func.count(User.id))))).toBe(1);
    });
  });

  it("test_merge: merge() in a second transaction returns the identity-mapped object", async () => {
    await using s = db.session();
    const u1 = new User({ id: 1, name: "u1" });
    await s.begin(async () => {
      s.add(u1);
    });
    await s.begin(async () => {
      const merged = await s.merge(new User({ id: 1, name: "new u1" }));
      expect(merged).toBe(u1);
      expect(u1.name).toBe("new u1");
    });
  });

  it("test_merge_loader_options: merge() loads the persistent object with the options given", async () => {
    await using s = db.session();
    await s.begin(async () => {
      const u1 = new User({ id: 1, name: "u1" });
      u1.addresses = [new Address({ email: "e1" })];
      s.add(u1);
    });
    await s.close();
    await s.begin(async () => {
      const merged = await s.merge(new User({ id: 1, name: "new u1" }), { options: [selectinload(User.addresses)] });
      expect(merged.name).toBe("new u1");
      expect(merged.addresses.length).toBe(1);
    });
  });

  it("test_join_to_external_transaction: commit() of a joined session leaves the outer transaction open", async () => {
    await db.engine.connect(async (conn) => {
      const t1 = await conn.begin();
      const s = new AsyncSession(conn);
      const aconn = await s.connection();
      expect(aconn.getTransaction()).toBe(t1);
      expect(aconn).toBe(conn);
      s.add(new User({ id: 1, name: "u1" }));
      await s.commit();
      expect(conn.inTransaction()).toBe(true);
      await conn.rollback();
    });
    await using s2 = db.session();
    expect((await s2.execute(select(User))).all()).toEqual([]);
  });

  it("test_delete_w_cascade: deleting the parent deletes its addresses (all, delete-orphan)", async () => {
    await using s = db.session();
    await s.begin(async () => {
      const u1 = new User({ id: 1, name: "u1" });
      u1.addresses = [new Address({ email: "e1" })];
      s.add(u1);
    });
    await s.begin(async () => {
      const u1 = (await s.execute(select(User).options(selectinload(User.addresses)))).scalarOne();
      s.delete(u1);
    });
    expect(Number((await s.execute(select(func.count()).selectFrom(Address.__table__))).scalar())).toBe(0);
  });

  it("test_sync_before_commit: beforeCommit fires once for a begin() block", async () => {
    await using s = db.session();
    const calls: AsyncSession[] = [];
    event.listen(s, "beforeCommit", (sess: AsyncSession) => {
      calls.push(sess);
    });
    await s.begin(async () => {});
    expect(calls).toEqual([s]);
  });

  it("test_get_connection_engine_bound / test_get_connection_connection_bound", async () => {
    await using s = db.session();
    const c1 = await s.connection();
    const c2 = await s.connection();
    expect(c1).toBe(c2);
    expect(c1.engine).toBe(c2.engine);
    await db.engine.begin(async (conn) => {
      const s2 = new AsyncSession(conn);
      const c3 = await s2.connection();
      expect(c3).toBe(conn);
      expect(c3.engine).toBe(conn.engine);
    });
  });

  it("test_get_transaction: getTransaction()/getNestedTransaction() follow begin, beginNested and commit", async () => {
    await using s = db.session();
    expect(s.getTransaction()).toBeNull();
    expect(s.getNestedTransaction()).toBeNull();
    const t1 = await s.begin();
    expect(s.getTransaction()).toBe(t1);
    expect(s.getNestedTransaction()).toBeNull();
    const n1 = await s.beginNested();
    expect(s.getTransaction()).toBe(t1);
    expect(s.getNestedTransaction()).toBe(n1);
    await n1.commit();
    expect(s.getTransaction()).toBe(t1);
    expect(s.getNestedTransaction()).toBeNull();
    await t1.commit();
    expect(s.getTransaction()).toBeNull();
    expect(s.getNestedTransaction()).toBeNull();
  });

  it("test_get_transaction_gced: the handles exist for autobegun transactions too", async () => {
    await using s = db.session();
    await s.begin();
    const trans = s.getTransaction();
    expect(trans).not.toBeNull();
    expect(trans!.session).toBe(s);
    expect(trans!.nested).toBe(false);
    await s.beginNested();
    const nested = s.getNestedTransaction();
    expect(nested).not.toBeNull();
    expect(nested!.nested).toBe(true);
    expect(nested!.session).toBe(s);
    await s.close();
    // Autobegin: a statement begins the transaction, which then has a handle.
    await using s2 = db.session();
    await s2.execute(text("SELECT 1"));
    expect(s2.getTransaction()).not.toBeNull();
    expect(s2.getTransaction()).toBe(s2.getTransaction());
  });

  it("test_async_object_session: objectSession() for loaded, pending, transient; reset() and close() detach", async () => {
    await seed();
    const s1 = db.session();
    const s2 = db.session();
    const u1 = await s1.get(User, 7);
    const u2 = new User({ name: "n1" });
    s2.add(u2);
    const u3 = new User({ name: "n2" });
    expect(objectSession(u1!)).toBe(s1);
    expect(AsyncSession.objectSession(u2)).toBe(s2);
    expect(objectSession(u3)).toBeNull();
    await s2.reset();
    expect(objectSession(u2)).toBeNull();
    s2.add(u2);
    expect(objectSession(u2)).toBe(s2);
    await s2.close();
    expect(objectSession(u2)).toBeNull();
    await s1.close();
  });

  it("test_async_object_session_custom: a subclass of AsyncSession is returned as itself", async () => {
    await seed();
    class MyCustomAsync extends AsyncSession {}
    const s1 = new MyCustomAsync(db.engine);
    const u1 = await s1.get(User, 7);
    expect(objectSession(u1!)).toBeInstanceOf(MyCustomAsync);
    await s1.close();
  });

  it("test_inspect_session: inspect(obj).session", async () => {
    await seed();
    const s1 = db.session();
    const s2 = db.session();
    const u1 = await s1.get(User, 7);
    const u2 = new User({ name: "n1" });
    s2.add(u2);
    const u3 = new User({ name: "n2" });
    expect(inspect(u1!).session).toBe(s1);
    expect(inspect(u2).session).toBe(s2);
    expect(inspect(u3).session).toBeNull();
    await s1.close();
    await s2.close();
  });

  it("test_object_session_raises: objectSession() of a non-mapped object raises UnmappedInstanceError", () => {
    expect(() => objectSession({})).toThrow(UnmappedInstanceError);
    expect(() => AsyncSession.objectSession({})).toThrow(UnmappedInstanceError);
  });

  it("test_close_all / test_close_all_sessions: closeAllSessions() empties every session", async () => {
    const s1 = db.session();
    const u1 = new User({ name: "a" });
    s1.add(u1);
    const s2 = db.session();
    const u2 = new User({ name: "b" });
    s2.add(u2);
    expect(s1.contains(u1)).toBe(true);
    expect(s2.contains(u2)).toBe(true);
    await closeAllSessions();
    expect(s1.contains(u1)).toBe(false);
    expect(s2.contains(u2)).toBe(false);
  });

  for (const closeResetsOnly of [true, false, "default"] as const) {
    for (const method of ["close", "reset"] as const) {
      it(`test_session_close_resets_only (closeResetsOnly=${String(closeResetsOnly)}, ${method})`, async () => {
        const s = closeResetsOnly === "default" ? db.session() : db.session({ closeResetsOnly });
        const u1 = new User({ name: "u1" });
        s.add(u1);
        expect(s.contains(u1)).toBe(true);
        if (method === "reset") await s.reset();
        else await s.close();
        expect(s.contains(u1)).toBe(false);
        const u2 = new User({ name: "u2" });
        if (method === "close" && closeResetsOnly === false) {
          expect(() => s.add(u2)).toThrow(InvalidRequestError);
          expect(() => s.add(u2)).toThrow("This Session has been permanently closed and is unable to handle any more transaction requests.");
          expect(s.contains(u2)).toBe(false);
        } else {
          s.add(u2);
          expect(s.contains(u2)).toBe(true);
          await s.close();
        }
      });
    }
  }

  it("test_delete_all: deleteAll() marks each object; the flush deletes them", async () => {
    await using s = db.session();
    s.addAll([new User({ id: 1, name: "u1" }), new User({ id: 2, name: "u2" })]);
    await s.commit();
    await s.close();
    const [ua, ub] = (await s.scalars(select(User).orderBy(User.id))).all();
    expect([s.contains(ua), s.contains(ub)]).toEqual([true, true]);
    s.deleteAll([ua, ub]);
    await s.flush();
    expect([s.contains(ua), s.contains(ub)]).toEqual([false, false]);
    expect((await s.scalars(select(User))).all()).toEqual([]);
  });

  it("test_active_flag_autobegin: isActive stays true through begin() and rollback()", async () => {
    await using s = db.session();
    expect(s.isActive).toBe(true);
    expect(s.inTransaction()).toBe(false);
    await s.begin();
    expect(s.isActive).toBe(true);
    await s.rollback();
    expect(s.isActive).toBe(true);
  });

  it("test_invalidate: invalidate() closes the connection and ends the transaction", async () => {
    const s = db.session();
    await s.execute(text("SELECT 1"));
    const conn = await s.connection();
    expect(conn.closed).toBe(false);
    await s.invalidate();
    expect(conn.closed).toBe(true);
    expect(s.inTransaction()).toBe(false);
    // The session goes on with a new connection.
    expect(await s.scalar(text("SELECT 1"))).toBe(1);
    await s.close();
  });
});

// Two connections writing and reading at once: SQLAlchemy's independent_connections requirement,
// which athanor's SQLite driver (one transaction per database at a time) does not meet.
describe.each(dialectTargets().filter((t) => t.dialect === "postgresql"))("AsyncSession on independent connections (SQLAlchemy test_session.py) on $name", (target) => {
  const db = useDb(target, M);

  it("test_transaction (test_session.py): a session on a connection flushes there; another connection sees the commit", async () => {
    const conn1 = await db.engine.connect();
    const conn2 = await db.engine.connect();
    const s = new AsyncSession(conn1);
    s.add(new User({ name: "x" }));
    await s.flush();
    const count = async (c: typeof conn1): Promise<number> => Number((await c.execDriverSql(`select count(1) from ${User.__table__.name}`)).scalar());
    expect(await count(conn1)).toBe(1);
    expect(await count(conn2)).toBe(0);
    await s.commit();
    expect(await count(conn1)).toBe(1);
    await conn2.rollback();
    expect(await count(conn2)).toBe(1);
    await s.close();
    // close() leaves a connection the session did not open usable (test_close).
    expect(await count(conn1)).toBe(1);
    await conn1.close();
    await conn2.close();
  });
});

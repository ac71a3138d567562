/**
 * Session events, ported from SQLAlchemy's test/orm/test_events.py (SessionEventsTest,
 * SessionLifecycleEventsTest) and the event parts of test/orm/test_transaction.py
 * (SessionTransactionTest: test_continue_flushing_on_commit, test_continue_flushing_guard,
 * test_no_sql_during_commit, test_no_sql_during_rollback) and test/orm/test_session.py
 * (FlushWarningsTest: test_plain_add, test_plain_delete).
 *
 * Adapted to athanor: camelCase event names; async session methods; the `flush_context` /
 * `objects` arguments of before_flush / after_flush are not passed; where SQLAlchemy reloads an
 * expired attribute on access, the test calls `session.refresh()` (athanor never loads
 * implicitly). The "… _del" variants (garbage collection of the object) have no JavaScript
 * counterpart and are not ported.
 */
import { describe, expect, it } from "vitest";
import {
  AsyncSession, asyncSessionmaker, delete as delete_, event, ExpiredAttributeError, FlushError, func, IdentityConflictWarning, inspect, IntegrityError, InvalidRequestError, select,
  selectinload, text, update, warnings, type SessionTransaction,
} from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, useDb } from "./models.js";

const M = defineModels("sa7b_sevt");
const { User, Address } = M;

/** The transaction and flush events SQLAlchemy's `_listener_fixture()` listens to. */
const FIXTURE_EVENTS = [
  "afterTransactionCreate", "afterTransactionEnd", "beforeCommit", "afterCommit", "afterRollback", "afterSoftRollback",
  "beforeFlush", "afterFlush", "afterFlushPostexec", "afterBegin", "beforeAttach", "afterAttach", "afterBulkUpdate", "afterBulkDelete",
] as const;

/** The object life-cycle events of SQLAlchemy's SessionLifecycleEventsTest fixture. */
const LIFECYCLE_EVENTS = [
  "transientToPending", "pendingToTransient", "persistentToTransient", "pendingToPersistent", "detachedToPersistent",
  "persistentToDetached", "deletedToDetached", "persistentToDeleted", "deletedToPersistent",
] as const;

function listenerFixture(s: AsyncSession): string[] {
  const canary: string[] = [];
  for (const name of FIXTURE_EVENTS) event.listen(s, name, (() => void canary.push(name)) as never);
  return canary;
}

/** `[event, object]` calls of the life-cycle events, as SQLAlchemy's Mock records them. */
function startLifecycleEvents(s: AsyncSession): (string | object)[][] {
  const calls: (string | object)[][] = [];
  for (const name of LIFECYCLE_EVENTS) {
    event.listen(s, name, ((sess: AsyncSession, obj: object) => {
      expect(sess).toBe(s);
      calls.push([name, obj]);
    }) as never);
  }
  return calls;
}

describe.each(dialectTargets())("session events (SQLAlchemy SessionEventsTest) on $name", (target) => {
  const db = useDb(target, M);

  it("test_class_listen: a listener on AsyncSession hears every session", async () => {
    const seen: AsyncSession[] = [];
    const listener = (session: AsyncSession): void => void seen.push(session);
    event.listen(AsyncSession, "beforeFlush", listener);
    try {
      await using s = db.session();
      expect(event.contains(AsyncSession, "beforeFlush", listener)).toBe(true);
      expect(event.contains(s, "beforeFlush", listener)).toBe(false);
      s.add(new User({ name: "u1" }));
      await s.flush();
      expect(seen).toEqual([s]);
    } finally {
      event.remove(AsyncSession, "beforeFlush", listener);
    }
    await using s2 = db.session();
    s2.add(new User({ name: "u2" }));
    await s2.flush();
    expect(seen.length).toBe(1);
  });

  it("test_sessionmaker_listen: a listener on a maker hears its sessions only, made before or after; own listeners run first", async () => {
    const S1 = asyncSessionmaker(db.engine);
    const S2 = asyncSessionmaker(db.engine);
    const calls: string[] = [];
    await using early = S1();
    event.listen(S1, "beforeFlush", (session) => void calls.push(`maker:${session === early ? "early" : "late"}`));
    const classListener = (): void => void calls.push("class");
    event.listen(AsyncSession, "beforeFlush", classListener);
    try {
      await using late = S1();
      event.listen(late, "beforeFlush", () => void calls.push("own"));
      await using other = S2();
      for (const [i, sess] of [early, late, other].entries()) {
        sess.add(new User({ name: `m${i}` }));
        await sess.flush();
        // SQLite has one writer at a time.
        await sess.rollback();
      }
      expect(calls).toEqual(["maker:early", "class", "own", "maker:late", "class", "class"]);
    } finally {
      event.remove(AsyncSession, "beforeFlush", classListener);
    }
  });

  it("test_flush_noautocommit_hook: add() and flush() fire the transaction events in order", async () => {
    await using s = db.session();
    const canary = listenerFixture(s);
    s.add(new User({ name: "u1" }));
    await s.flush();
    expect(canary).toEqual([
      "afterTransactionCreate", "beforeAttach", "afterAttach",
      "beforeFlush", "afterTransactionCreate", "afterBegin", "afterFlush", "afterFlushPostexec", "afterTransactionEnd",
    ]);
  });

  it("test_flush_in_commit_hook: commit() flushes inside its own events", async () => {
    await using s = db.session();
    const canary = listenerFixture(s);
    const u = new User({ name: "u1" });
    s.add(u);
    await s.flush();
    canary.length = 0;
    u.name = "ed";
    await s.commit();
    expect(canary).toEqual([
      "beforeCommit", "beforeFlush", "afterTransactionCreate", "afterFlush", "afterFlushPostexec", "afterTransactionEnd",
      "afterCommit", "afterTransactionEnd",
    ]);
  });

  it("test_standalone_on_commit_hook: commit() with nothing to do autobegins and commits a transaction", async () => {
    await using s = db.session();
    const canary = listenerFixture(s);
    await s.commit();
    expect(canary).toEqual(["afterTransactionCreate", "beforeCommit", "afterCommit", "afterTransactionEnd"]);
    expect(db.statements).toEqual([]);
  });

  it("test_rollback_hook: a failed commit rolls back once; the rollback() that follows ends the transaction", async () => {
    await using s = db.session();
    const canary = listenerFixture(s);
    const transactions: SessionTransaction[] = [];
    event.listen(s, "afterSoftRollback", (_sess, prev) => void transactions.push(prev));
    s.add(new User({ id: 1, name: "u1" }));
    await s.commit();
    s.add(new User({ id: 1, name: "u1" }));
    const caught = await warnings.catch(async () => {
      await expect(s.commit()).rejects.toThrow(IntegrityError);
    });
    expect(caught.some((w) => w instanceof IdentityConflictWarning && /^New instance/.test(w.message))).toBe(true);
    await s.rollback();
    expect(canary).toEqual([
      "afterTransactionCreate", "beforeAttach", "afterAttach",
      "beforeCommit", "beforeFlush", "afterTransactionCreate", "afterBegin", "afterFlush", "afterFlushPostexec", "afterTransactionEnd",
      "afterCommit", "afterTransactionEnd",
      "afterTransactionCreate", "beforeAttach", "afterAttach",
      "beforeCommit", "beforeFlush", "afterTransactionCreate", "afterBegin",
      "afterRollback", "afterTransactionEnd", "afterSoftRollback",
      "afterTransactionEnd", "afterSoftRollback",
    ]);
    // The flush's subtransaction first, then the root transaction.
    expect(transactions.map((t) => [t.origin, t.nested, t.parent === null, t.isActive])).toEqual([
      ["subtransaction", false, false, false],
      ["autobegin", false, true, false],
    ]);
    expect(transactions[0].parent).toBe(transactions[1]);
  });

  it("test_can_use_session_in_outer_rollback_hook: the session is usable again in the root's afterSoftRollback", async () => {
    await using s = db.session();
    const assertions: boolean[] = [];
    const u = new User({ id: 1, name: "u1" });
    event.listen(s, "afterSoftRollback", async (session) => {
      if (session.isActive) {
        assertions.push(!("name" in inspect(u).dict));
        // SQLAlchemy reloads on access; athanor is asked to.
        await session.refresh(u);
        assertions.push(u.name === "u1");
      }
    });
    s.add(u);
    await s.commit();
    s.add(new User({ id: 1, name: "u1" }));
    await warnings.catch(async () => {
      await expect(s.commit()).rejects.toThrow(IntegrityError);
    });
    expect(assertions).toEqual([]);
    await s.rollback();
    expect(assertions).toEqual([true, true]);
  });

  it("test_state_before_attach: before attaching, the object is in neither session.new nor the identity map", async () => {
    await using s = db.session();
    const seen: string[] = [];
    event.listen(s, "beforeAttach", (session, inst) => {
      const st = inspect(inst);
      if (st.key !== undefined) {
        expect([...session.identityMap.values()]).not.toContain(inst);
        seen.push("detached");
      } else {
        expect(session.new).not.toContain(inst);
        seen.push("transient");
      }
    });
    const u = new User({ name: "u1" });
    s.add(u);
    await s.flush();
    s.expunge(u);
    s.add(u);
    // Adding an object already in the session attaches nothing.
    s.add(u);
    expect(seen).toEqual(["transient", "detached"]);
  });

  it("test_state_after_attach: after attaching, the object is in session.new or the identity map", async () => {
    await using s = db.session();
    const seen: string[] = [];
    event.listen(s, "afterAttach", (session, inst) => {
      const st = inspect(inst);
      if (st.key !== undefined) {
        expect(session.identityMap.get(st.key)).toBe(inst);
        seen.push("detached");
      } else {
        expect(session.new).toContain(inst);
        seen.push("transient");
      }
    });
    const u = new User({ name: "u1" });
    s.add(u);
    await s.flush();
    s.expunge(u);
    s.add(u);
    expect(seen).toEqual(["transient", "detached"]);
  });

  it("test_on_bulk_update_hook: an ORM UPDATE fires afterBegin and afterBulkUpdate with its result", async () => {
    await using s = db.session();
    const begins: SessionTransaction[] = [];
    const contexts: Parameters<typeof listener>[0][] = [];
    const listener = (ctx: { session: AsyncSession; result: { rowcount: number }; statement: unknown }): void => void contexts.push(ctx);
    event.listen(s, "afterBegin", (_s, tx) => void begins.push(tx));
    event.listen(s, "afterBulkUpdate", listener);
    const stmt = update(User).values({ name: "foo" });
    await s.execute(stmt);
    expect(begins.length).toBe(1);
    expect(begins[0]).toBe(s.getTransaction());
    expect(contexts.length).toBe(1);
    expect(contexts[0].session).toBe(s);
    expect(contexts[0].statement).toBe(stmt);
    expect(contexts[0].result.rowcount).toBe(0);
  });

  it("test_on_bulk_delete_hook: an ORM DELETE fires afterBegin and afterBulkDelete with its result", async () => {
    await using seed = db.session();
    seed.addAll([new User({ name: "a" }), new User({ name: "b" })]);
    await seed.commit();
    await using s = db.session();
    let begins = 0;
    const rowcounts: number[] = [];
    event.listen(s, "afterBegin", () => void begins++);
    event.listen(s, "afterBulkDelete", (ctx) => {
      expect(ctx.session).toBe(s);
      rowcounts.push(ctx.result.rowcount);
    });
    event.listen(s, "afterBulkUpdate", () => void rowcounts.push(-100));
    await s.execute(delete_(User));
    expect(begins).toBe(1);
    expect(rowcounts).toEqual([2]);
  });

  it("test_connection_emits_after_begin: connection() creates the transaction and begins it", async () => {
    await using s = db.session();
    const canary = listenerFixture(s);
    let conn: unknown;
    event.listen(s, "afterBegin", (_s, _tx, c) => void (conn = c));
    const got = await s.connection();
    expect(canary).toEqual(["afterTransactionCreate", "afterBegin"]);
    expect(conn).toBe(got);
    await s.close();
    expect(canary).toEqual(["afterTransactionCreate", "afterBegin", "afterTransactionEnd"]);
  });

  it("test_reentrant_flush: flush() from beforeFlush raises 'already flushing'", async () => {
    await using s = db.session();
    event.listen(s, "beforeFlush", async (session) => {
      await session.flush();
    });
    s.add(new User({ name: "foo" }));
    await expect(s.flush()).rejects.toThrow(new InvalidRequestError("Session is already flushing"));
  });

  it("test_before_flush_affects_flush_plan: objects added and deleted in beforeFlush are flushed, and queries there do not autoflush", async () => {
    await using s = db.session();
    event.listen(s, "beforeFlush", async (session) => {
      for (const obj of [...session.new, ...session.dirty]) {
        if (obj instanceof User) session.add(new User({ name: `another ${obj.name}` }));
      }
      for (const obj of session.deleted) {
        if (obj instanceof User) {
          const x = (await session.scalars(select(User).where(User.name.eq(`another ${obj.name}`)))).one();
          session.delete(x);
        }
      }
    });
    const names = async (): Promise<string[]> => (await s.scalars(select(User.name).orderBy(User.name))).all();
    const u = new User({ name: "u1" });
    s.add(u);
    await s.flush();
    expect(await names()).toEqual(["another u1", "u1"]);
    await s.flush();
    expect(await names()).toEqual(["another u1", "u1"]);
    u.name = "u2";
    await s.flush();
    expect(await names()).toEqual(["another u1", "another u2", "u2"]);
    s.delete(u);
    await s.flush();
    expect(await names()).toEqual(["another u1"]);
  });

  it("test_before_flush_affects_dirty: changes made in beforeFlush are part of the flush", async () => {
    await using s = db.session();
    event.listen(s, "beforeFlush", (session) => {
      for (const obj of session.identityMap.values()) (obj as InstanceType<typeof User>).name += " modified";
    });
    const u = new User({ name: "u1" });
    s.add(u);
    await s.flush();
    expect((await s.scalars(select(User.name).orderBy(User.name))).all()).toEqual(["u1"]);
    s.add(new User({ name: "u2" }));
    await s.flush();
    s.expungeAll();
    expect((await s.scalars(select(User.name).orderBy(User.name))).all()).toEqual(["u1 modified", "u2"]);
  });

  it("test_snapshot_still_present_after_commit: afterCommit still reads the loaded values; commit() then expires them", async () => {
    await using s = db.session();
    s.add(new User({ name: "u1" }));
    await s.commit();
    const u1 = (await s.scalars(select(User))).first()!;
    const seen: string[] = [];
    event.listen(s, "afterCommit", () => {
      expect("name" in inspect(u1).dict).toBe(true);
      seen.push(u1.name);
    });
    await s.commit();
    expect(seen).toEqual(["u1"]);
    expect("name" in inspect(u1).dict).toBe(false);
    expect(() => u1.name).toThrow(ExpiredAttributeError);
  });

  it("test_snapshot_still_present_after_rollback: afterRollback still reads the loaded values; rollback() then expires them", async () => {
    await using s = db.session();
    s.add(new User({ name: "u1" }));
    await s.commit();
    const u1 = (await s.scalars(select(User))).first()!;
    const seen: string[] = [];
    event.listen(s, "afterRollback", () => {
      expect("name" in inspect(u1).dict).toBe(true);
      seen.push(u1.name);
    });
    await s.rollback();
    expect(seen).toEqual(["u1"]);
    expect("name" in inspect(u1).dict).toBe(false);
  });

  it("rollback() with no transaction fires nothing; close() ends the autobegun transaction without rollback events", async () => {
    await using s = db.session();
    const canary = listenerFixture(s);
    await s.rollback();
    expect(canary).toEqual([]);
    s.add(new User({ name: "x" }));
    await s.close();
    expect(canary).toEqual(["afterTransactionCreate", "beforeAttach", "afterAttach", "afterTransactionEnd"]);
  });

  it("beginNested(): the SAVEPOINT is a nested transaction with its own commit and rollback events", async () => {
    await using s = db.session();
    const canary: string[] = [];
    for (const name of FIXTURE_EVENTS) {
      event.listen(s, name, ((...args: unknown[]) => {
        const tx = args.find((a): a is SessionTransaction => typeof a === "object" && a !== null && "origin" in a);
        canary.push(tx ? `${name}:${tx.origin}` : name);
      }) as never);
    }
    await s.connection();
    canary.length = 0;
    const sp = await s.beginNested();
    expect(sp.nested).toBe(true);
    expect(sp.parent).toBe(s.getTransaction());
    s.add(new User({ name: "n1" }));
    await sp.commit();
    const sp2 = await s.beginNested();
    s.add(new User({ name: "n2" }));
    await s.flush();
    await sp2.rollback();
    expect(canary).toEqual([
      "afterTransactionCreate:beginNested", "afterBegin:beginNested",
      "afterAttach", "beforeCommit", "beforeFlush", "afterTransactionCreate:subtransaction", "afterFlush", "afterFlushPostexec",
      "afterTransactionEnd:subtransaction", "afterCommit", "afterTransactionEnd:beginNested",
      "afterTransactionCreate:beginNested", "afterBegin:beginNested",
      "afterAttach", "beforeFlush", "afterTransactionCreate:subtransaction", "afterFlush", "afterFlushPostexec", "afterTransactionEnd:subtransaction",
      "afterRollback", "afterTransactionEnd:beginNested", "afterSoftRollback:beginNested",
    ].map((e) => (e === "afterAttach" ? ["beforeAttach", "afterAttach"] : [e])).flat());
  });
});

describe.each(dialectTargets())("session transaction events (SQLAlchemy SessionTransactionTest) on $name", (target) => {
  const db = useDb(target, M);

  it("test_continue_flushing_on_commit: objects added in afterFlushPostexec are flushed by the same commit", async () => {
    await using s = db.session();
    const toFlush = [new User({ name: "ed" }), new User({ name: "jack" }), new User({ name: "wendy" })];
    event.listen(s, "afterFlushPostexec", (session) => {
      const next = toFlush.shift();
      if (next) session.add(next);
    });
    let commits = 1;
    event.listen(s, "afterCommit", () => void commits++);
    s.add(toFlush.pop()!);
    await s.commit();
    expect(commits).toBe(2);
    expect(Number(await s.scalar(select(func.count(User.id))))).toBe(3);
  });

  it("test_continue_flushing_guard: a listener that always adds an object stops commit() after 100 flushes", async () => {
    await using s = db.session();
    let n = 0;
    event.listen(s, "afterFlushPostexec", (session) => {
      session.add(new User({ name: `x${++n}` }));
    });
    s.add(new User({ name: "x" }));
    const err: unknown = await s.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlushError);
    expect((err as Error).message).toBe("Over 100 subsequent flushes have occurred within session.commit() - is an after_flush() hook creating new objects?");
    expect(n).toBe(100);
  });

  it("test_no_sql_during_commit: SQL through the session in afterCommit raises", async () => {
    await using s = db.session();
    event.listen(s, "afterCommit", async (session) => {
      await session.execute(text("select 1"));
    });
    await expect(s.commit()).rejects.toThrow(
      new InvalidRequestError("This session is in 'committed' state; no further SQL can be emitted within this transaction."),
    );
  });

  it("test_no_sql_during_rollback: SQL through the session in afterRollback raises", async () => {
    await using s = db.session();
    await s.connection();
    event.listen(s, "afterRollback", async (session) => {
      await session.execute(text("select 1"));
    });
    await expect(s.rollback()).rejects.toThrow(
      new InvalidRequestError("This session is in 'inactive' state, due to the SQL transaction being rolled back; no further SQL can be emitted within this transaction."),
    );
  });

  it("afterTransactionCreate is synchronous: a listener returning a Promise raises", async () => {
    await using s = db.session();
    event.listen(s, "afterTransactionCreate", (async () => {}) as never);
    expect(() => s.add(new User({ name: "x" }))).toThrow(InvalidRequestError);
  });
});

describe.each(dialectTargets())("object life-cycle events (SQLAlchemy SessionLifecycleEventsTest) on $name", (target) => {
  const db = useDb(target, M);

  it("test_transient_to_pending", async () => {
    await using s = db.session();
    const calls = startLifecycleEvents(s);
    event.listen(s, "transientToPending", (session, instance) => {
      expect(session.contains(instance)).toBe(true);
      calls.push(["flagChecked", instance]);
    });
    const u1 = new User({ name: "u1" });
    s.add(u1);
    expect(calls).toEqual([["transientToPending", u1], ["flagChecked", u1]]);
  });

  it("test_pending_to_transient_via_rollback", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    const calls = startLifecycleEvents(s);
    event.listen(s, "pendingToTransient", (session, instance) => {
      expect(session.contains(instance)).toBe(false);
      calls.push(["flagChecked", instance]);
    });
    await s.rollback();
    expect(s.contains(u1)).toBe(false);
    expect(calls).toEqual([["pendingToTransient", u1], ["flagChecked", u1]]);
  });

  it("test_pending_to_transient_via_expunge", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    const calls = startLifecycleEvents(s);
    event.listen(s, "pendingToTransient", (session, instance) => {
      expect(session.contains(instance)).toBe(false);
      calls.push(["flagChecked", instance]);
    });
    s.expunge(u1);
    expect(s.contains(u1)).toBe(false);
    expect(calls).toEqual([["pendingToTransient", u1], ["flagChecked", u1]]);
  });

  it("test_pending_to_persistent: fired once, by the flush that INSERTs", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    const calls = startLifecycleEvents(s);
    event.listen(s, "pendingToPersistent", (session, instance) => {
      expect(session.contains(instance)).toBe(true);
      const st = inspect(instance);
      expect(st.persistent).toBe(true);
      expect(session.identityMap.get(st.key!)).toBe(instance);
      calls.push(["flagChecked", instance]);
    });
    await s.flush();
    expect(calls).toEqual([["pendingToPersistent", u1], ["flagChecked", u1]]);
    u1.name = "u2";
    await s.flush();
    expect(calls).toEqual([["pendingToPersistent", u1], ["flagChecked", u1]]);
  });

  it("test_detached_to_persistent", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await s.flush();
    s.expunge(u1);
    const calls = startLifecycleEvents(s);
    event.listen(s, "detachedToPersistent", (session, instance) => {
      expect(session.deleted).not.toContain(instance);
      expect(session.contains(instance)).toBe(true);
      calls.push(["flagChecked"]);
    });
    s.add(u1);
    expect(calls).toEqual([["detachedToPersistent", u1], ["flagChecked"]]);
  });

  it("test_loaded_as_persistent: a row that brings an object into the session announces it, once", async () => {
    await using seed = db.session();
    seed.add(new User({ name: "u1", addresses: [new Address({ email: "e1" }), new Address({ email: "e2" })] }));
    await seed.commit();
    await using s = db.session();
    const calls = startLifecycleEvents(s);
    const loaded: object[] = [];
    event.listen(s, "loadedAsPersistent", (session, instance) => {
      expect(session.contains(instance)).toBe(true);
      const st = inspect(instance);
      expect([st.persistent, st.deleted, st.detached]).toEqual([true, false, false]);
      expect(session.identityMap.get(st.key!)).toBe(instance);
      loaded.push(instance);
    });
    const u1 = (await s.scalars(select(User).where(User.name.eq("u1")))).one();
    expect(loaded).toEqual([u1]);
    // Already in the identity map: not announced again, populateExisting or not.
    await s.scalars(select(User));
    await s.get(User, u1.id, { populateExisting: true });
    expect(loaded).toEqual([u1]);
    // Objects of eager loads are announced too.
    await s.scalars(select(User).options(selectinload(User.addresses)));
    expect(loaded.length).toBe(3);
    expect(new Set(loaded.slice(1))).toEqual(new Set(u1.addresses));
    // None of the other life-cycle events.
    expect(calls).toEqual([]);
  });

  it("test_detached_to_persistent_via_deleted: delete() of a detached object attaches it, the flush deletes it", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await s.commit();
    await s.close();
    const calls = startLifecycleEvents(s);
    event.listen(s, "detachedToPersistent", (session, instance) => {
      expect(session.deleted).not.toContain(instance);
      expect(session.contains(instance)).toBe(true);
      const st = inspect(instance);
      expect([st.deleted, st.detached, st.persistent]).toEqual([false, false, true]);
      calls.push(["dtpFlagChecked", instance]);
    });
    event.listen(s, "persistentToDeleted", (session, instance) => {
      expect(session.deleted).not.toContain(instance);
      expect(session.contains(instance)).toBe(false);
      const st = inspect(instance);
      expect([st.persistent, st.deleted, st.detached]).toEqual([false, true, false]);
      calls.push(["ptdFlagChecked", instance]);
    });
    s.delete(u1);
    expect(s.deleted).toContain(u1);
    expect(calls).toEqual([["detachedToPersistent", u1], ["dtpFlagChecked", u1]]);
    await s.flush();
    expect(calls).toEqual([["detachedToPersistent", u1], ["dtpFlagChecked", u1], ["persistentToDeleted", u1], ["ptdFlagChecked", u1]]);
  });

  it("test_detached_to_persistent_via_cascaded_delete: the delete cascade attaches each loaded child", async () => {
    await using s = db.session({ expireOnCommit: false });
    const u1 = new User({ name: "u1" });
    s.add(u1);
    const a1 = new Address({ email: "e1" });
    u1.addresses.push(a1);
    await s.commit();
    expect(u1.addresses).toEqual([a1]);
    await s.close();
    const calls = startLifecycleEvents(s);
    event.listen(s, "detachedToPersistent", (session, instance) => {
      expect(session.deleted).not.toContain(instance);
      expect(session.contains(instance)).toBe(true);
      const st = inspect(instance);
      expect([st.deleted, st.detached, st.persistent]).toEqual([false, false, true]);
      calls.push(["flagChecked", instance]);
    });
    s.delete(u1);
    expect(s.deleted).toContain(u1);
    expect(s.deleted).toContain(a1);
    expect(calls).toEqual([["detachedToPersistent", u1], ["flagChecked", u1], ["detachedToPersistent", a1], ["flagChecked", a1]]);
    await s.flush();
    expect(calls.slice(4).map((c) => c[0]).sort()).toEqual(["persistentToDeleted", "persistentToDeleted"]);
  });

  it("test_persistent_to_deleted: fired by the flush, not by delete()", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await s.commit();
    const calls = startLifecycleEvents(s);
    event.listen(s, "persistentToDeleted", (session, instance) => {
      expect(session.deleted).not.toContain(instance);
      expect(session.contains(instance)).toBe(false);
      const st = inspect(instance);
      expect([st.deleted, st.detached, st.persistent]).toEqual([true, false, false]);
      calls.push(["flagChecked", instance]);
    });
    s.delete(u1);
    expect(s.deleted).toContain(u1);
    expect(calls).toEqual([]);
    await s.flush();
    expect(s.contains(u1)).toBe(false);
    expect(calls).toEqual([["persistentToDeleted", u1], ["flagChecked", u1]]);
  });

  it("test_persistent_to_detached_via_expunge", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await s.flush();
    const calls = startLifecycleEvents(s);
    event.listen(s, "persistentToDetached", (session, instance) => {
      expect(session.deleted).not.toContain(instance);
      expect(session.contains(instance)).toBe(false);
      const st = inspect(instance);
      expect([st.deleted, st.detached, st.persistent]).toEqual([false, true, false]);
      calls.push(["flagChecked", instance]);
    });
    expect(s.contains(u1)).toBe(true);
    s.expunge(u1);
    expect(s.contains(u1)).toBe(false);
    expect(calls).toEqual([["persistentToDetached", u1], ["flagChecked", u1]]);
  });

  it("test_persistent_to_detached_via_expunge_all", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await s.flush();
    const calls = startLifecycleEvents(s);
    event.listen(s, "persistentToDetached", (session, instance) => {
      expect(session.deleted).not.toContain(instance);
      expect(session.contains(instance)).toBe(false);
      const st = inspect(instance);
      expect([st.deleted, st.detached, st.persistent]).toEqual([false, true, false]);
      calls.push(["flagChecked", instance]);
    });
    expect(s.contains(u1)).toBe(true);
    s.expungeAll();
    expect(s.contains(u1)).toBe(false);
    expect(calls).toEqual([["persistentToDetached", u1], ["flagChecked", u1]]);
  });

  it("test_persistent_to_transient_via_rollback", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await s.flush();
    const calls = startLifecycleEvents(s);
    event.listen(s, "persistentToTransient", (session, instance) => {
      expect(session.deleted).not.toContain(instance);
      expect(session.contains(instance)).toBe(false);
      const st = inspect(instance);
      expect([st.deleted, st.detached, st.persistent, st.transient]).toEqual([false, false, false, true]);
      calls.push(["flagChecked", instance]);
    });
    await s.rollback();
    expect(calls).toEqual([["persistentToTransient", u1], ["flagChecked", u1]]);
  });

  it("test_deleted_to_persistent_via_rollback", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await s.commit();
    s.delete(u1);
    await s.flush();
    const calls = startLifecycleEvents(s);
    event.listen(s, "deletedToPersistent", (session, instance) => {
      expect(session.deleted).not.toContain(instance);
      expect(session.contains(instance)).toBe(true);
      const st = inspect(instance);
      expect([st.deleted, st.detached, st.persistent]).toEqual([false, false, true]);
      calls.push(["flagChecked", instance]);
    });
    expect(s.contains(u1)).toBe(false);
    expect([inspect(u1).deleted, inspect(u1).persistent, inspect(u1).detached]).toEqual([true, false, false]);
    await s.rollback();
    expect(s.contains(u1)).toBe(true);
    expect([inspect(u1).deleted, inspect(u1).persistent, inspect(u1).detached]).toEqual([false, true, false]);
    expect(calls).toEqual([["deletedToPersistent", u1], ["flagChecked", u1]]);
  });

  it("test_deleted_to_detached_via_commit", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await s.commit();
    s.delete(u1);
    await s.flush();
    const calls = startLifecycleEvents(s);
    event.listen(s, "deletedToDetached", (session, instance) => {
      expect(session.deleted).not.toContain(instance);
      expect(session.contains(instance)).toBe(false);
      const st = inspect(instance);
      expect([st.deleted, st.detached]).toEqual([false, true]);
      calls.push(["flagChecked", instance]);
    });
    expect(s.contains(u1)).toBe(false);
    expect([inspect(u1).deleted, inspect(u1).persistent, inspect(u1).detached]).toEqual([true, false, false]);
    await s.commit();
    expect(s.contains(u1)).toBe(false);
    expect([inspect(u1).deleted, inspect(u1).detached]).toEqual([false, true]);
    expect(calls).toEqual([["deletedToDetached", u1], ["flagChecked", u1]]);
  });

  it("an ORM DELETE synchronizing the session moves the matched objects to deleted", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    const u2 = new User({ name: "u2" });
    s.addAll([u1, u2]);
    await s.flush();
    const calls = startLifecycleEvents(s);
    await s.execute(delete_(User).where(User.name.eq("u1")));
    expect(calls).toEqual([["persistentToDeleted", u1]]);
  });

  it("the cascade from add() fires transientToPending for each object it brings in, parent first", async () => {
    await using s = db.session();
    const calls = startLifecycleEvents(s);
    const a1 = new Address({ email: "e1" });
    const u1 = new User({ name: "u1", addresses: [a1] });
    s.add(u1);
    expect(calls).toEqual([["transientToPending", u1], ["transientToPending", a1]]);
    await s.flush();
    expect(calls.slice(2).map((c) => c[0])).toEqual(["pendingToPersistent", "pendingToPersistent"]);
    expect(new Set(calls.slice(2).map((c) => c[1]))).toEqual(new Set([u1, a1]));
  });

  it("loading objects fires no attach or life-cycle event", async () => {
    await using seed = db.session();
    seed.add(new User({ name: "u1", addresses: [new Address({ email: "e1" })] }));
    await seed.commit();
    await using s = db.session();
    const calls = startLifecycleEvents(s);
    const attaches: string[] = [];
    event.listen(s, "beforeAttach", () => void attaches.push("before"));
    const users = (await s.scalars(select(User).options(selectinload(User.addresses)))).all();
    expect(users.length).toBe(1);
    expect(calls).toEqual([]);
    expect(attaches).toEqual([]);
  });
});

describe.each(dialectTargets())("session use from mapper listeners (SQLAlchemy FlushWarningsTest) on $name", (target) => {
  const db = useDb(target, M);
  const FLUSH_WARNING = (method: string): string =>
    `Usage of the '${method}' operation is not currently supported within the execution stage of the flush process. Results may not be consistent.  Consider using alternative event listeners or connection-level operations instead.`;

  async function run(fn: (session: AsyncSession, instance: object) => void): Promise<{ messages: string[]; error: unknown }> {
    await using s = db.session();
    const listener = (_m: unknown, _c: unknown, instance: object): void => fn(s, instance);
    event.listen(User, "afterInsert", listener);
    try {
      s.add(new User({ name: "u1", addresses: [new Address({ email: "a1" })] }));
      let error: unknown;
      const caught = await warnings.catch(async () => {
        await s.commit().catch((e: unknown) => void (error = e));
      });
      return { messages: caught.map((w) => w.message), error };
    } finally {
      event.remove(User, "afterInsert", listener);
    }
  }

  it("test_plain_add: add() inside a flush warns", async () => {
    const { messages, error } = await run((s) => s.add(new Address({ email: "x1" })));
    expect(error).toBeUndefined();
    expect(messages).toEqual([FLUSH_WARNING("Session.add()")]);
  });

  it("test_plain_delete: delete() inside a flush warns, then raises for a transient object", async () => {
    const { messages, error } = await run((s) => s.delete(new Address({ email: "x1" })));
    expect(messages).toEqual([FLUSH_WARNING("Session.delete()")]);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toMatch(/is not persisted$/);
  });

  it("addAll() warns once; add() outside mapper listeners does not warn", async () => {
    const { messages } = await run((s) => s.addAll([new Address({ email: "x1" }), new Address({ email: "x2" })]));
    expect(messages).toEqual([FLUSH_WARNING("Session.addAll()")]);
    await using s = db.session();
    const caught = await warnings.catch(async () => {
      event.listen(s, "beforeFlush", (session) => void session.add(new User({ name: "in-before-flush" })));
      s.add(new User({ name: "u2" }));
      await s.commit();
    });
    expect(caught).toEqual([]);
  });

  it("SessionTransaction handles: isActive until ended; a flush's subtransaction cannot be ended by hand", async () => {
    await using s = db.session();
    const tx = await s.begin();
    expect([tx.isActive, tx.origin, tx.parent, tx.nested]).toEqual([true, "begin", null, false]);
    const subs: SessionTransaction[] = [];
    event.listen(s, "afterTransactionCreate", (_s, t) => void (t.origin === "subtransaction" && subs.push(t)));
    s.add(new User({ name: "u1" }));
    await s.flush();
    expect(subs.length).toBe(1);
    expect(subs[0].parent).toBe(tx);
    expect(subs[0].isActive).toBe(false);
    await expect(subs[0].commit()).rejects.toThrow(InvalidRequestError);
    await expect(subs[0].rollback()).rejects.toThrow(InvalidRequestError);
    expect(tx.isActive).toBe(true);
    await tx.commit();
    expect(tx.isActive).toBe(false);
    expect(s.getTransaction()).toBeNull();
  });
});

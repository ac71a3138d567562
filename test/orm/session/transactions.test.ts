import { describe, expect, it } from "vitest";
import { AsyncSession, InvalidRequestError, IntegrityError, PendingRollbackError, func, literalColumn, objectState, select } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, useDb } from "./models.js";

const M = defineModels("sess_tx");
const { User } = M;

describe.each(dialectTargets())("session transactions on $name", (target) => {
  const db = useDb(target, M);

  async function committedNames(): Promise<string[]> {
    await using s = db.session();
    return (await s.scalars(select(User.name).orderBy(User.name))).all();
  }

  it("2.0 recipe: joining a Session into an external transaction (create_savepoint) persists nothing", async () => {
    // setUp
    const conn = await db.engine.connect();
    const trans = await conn.begin();
    const session = new AsyncSession(conn, { joinTransactionMode: "create_savepoint" });
    // test_something
    session.add(new User({ name: "foo" }));
    await session.commit();
    expect(conn.inTransaction()).toBe(true);
    expect(await session.scalar(select(func.count()).selectFrom(User.__table__))).toBe(1);
    expect(session.joinedTransactionMode).toBe("create_savepoint");
    // test_something_with_rollbacks
    session.add(new User({ name: "bar" }));
    await session.flush();
    await session.rollback();
    session.add(new User({ name: "foo2" }));
    await session.commit();
    expect((await session.scalars(select(User.name).orderBy(User.name))).all()).toEqual(["foo", "foo2"]);
    // tearDown
    await session.close();
    expect(trans.isActive).toBe(true);
    await trans.rollback();
    await conn.close();
    expect(await committedNames()).toEqual([]);
  });

  it("rollback_only: commit leaves the outer transaction open, rollback rolls it back, close leaves it alone", async () => {
    await using conn = await db.engine.connect();
    await conn.begin();
    const s = new AsyncSession(conn, { joinTransactionMode: "rollback_only" });
    s.add(new User({ name: "a" }));
    await s.commit();
    expect(conn.inTransaction()).toBe(true);
    expect(await s.scalar(select(func.count()).selectFrom(User.__table__))).toBe(1);
    expect(s.joinedTransactionMode).toBe("rollback_only");
    await s.rollback();
    expect(conn.inTransaction()).toBe(false);
    expect((await conn.execute(select(func.count()).selectFrom(User.__table__))).scalar()).toBe(0);
    await conn.rollback();
    // close() does not touch the outer transaction.
    await conn.begin();
    s.add(new User({ name: "b" }));
    await s.flush();
    await s.close();
    expect(conn.inTransaction()).toBe(true);
    await conn.commit();
    expect(await committedNames()).toEqual(["b"]);
  });

  it("control_fully: commit commits the outer transaction; rollback and close roll it back", async () => {
    await using conn = await db.engine.connect();
    await conn.begin();
    const s = new AsyncSession(conn, { joinTransactionMode: "control_fully" });
    s.add(new User({ name: "kept" }));
    await s.commit();
    expect(conn.inTransaction()).toBe(false);
    expect(await committedNames()).toEqual(["kept"]);
    await conn.begin();
    s.add(new User({ name: "dropped" }));
    await s.flush();
    await s.close();
    expect(conn.inTransaction()).toBe(false);
    expect(await committedNames()).toEqual(["kept"]);
    // Inside a SAVEPOINT, control_fully owns the SAVEPOINT.
    await conn.begin();
    const sp = await conn.beginNested();
    s.add(new User({ name: "in-savepoint" }));
    await s.commit();
    expect(sp.isActive).toBe(false);
    expect(conn.inTransaction()).toBe(true);
    await conn.commit();
    expect(await committedNames()).toEqual(["in-savepoint", "kept"]);
  });

  it("conditional_savepoint (default): rollback_only in a plain transaction, create_savepoint inside a SAVEPOINT", async () => {
    await using conn = await db.engine.connect();
    await conn.begin();
    const s = new AsyncSession(conn);
    s.add(new User({ name: "x" }));
    await s.flush();
    expect(s.joinedTransactionMode).toBe("rollback_only");
    await s.commit();
    expect(conn.inTransaction()).toBe(true);
    await conn.beginNested();
    s.add(new User({ name: "y" }));
    await s.flush();
    expect(s.joinedTransactionMode).toBe("create_savepoint");
    await s.rollback();
    // Only the session's own SAVEPOINT was rolled back.
    expect(conn.inNestedTransaction()).toBe(true);
    expect((await conn.execute(select(User.name).orderBy(User.name))).scalars().all()).toEqual(["x"]);
    await conn.rollback();
  });

  it("a connection without a transaction is begun and committed by the session", async () => {
    await using conn = await db.engine.connect();
    const s = new AsyncSession(conn, { joinTransactionMode: "rollback_only" });
    s.add(new User({ name: "own" }));
    await s.commit();
    expect(conn.inTransaction()).toBe(false);
    expect(await committedNames()).toEqual(["own"]);
    expect(() => new AsyncSession(conn, { joinTransactionMode: "bogus" as never })).toThrow('invalid selection for join_transaction_mode: "bogus"');
  });

  it("concurrent use from two tasks raises InvalidRequestError", async () => {
    await using s = db.session();
    const [first, second] = await Promise.allSettled([s.execute(select(User)), s.execute(select(User.id))]);
    expect(first.status).toBe("fulfilled");
    expect(second.status).toBe("rejected");
    const err = (second as PromiseRejectedResult).reason as Error;
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err.message).toMatch(/already running execute\(\); concurrent execute\(\) is not permitted/);
    // A flush while an execute() is in flight.
    s.add(new User({ name: "racer" }));
    const [ex, fl] = await Promise.allSettled([s.execute(select(User)), s.flush()]);
    expect(ex.status).toBe("fulfilled");
    expect(((fl as PromiseRejectedResult).reason as Error).message).toMatch(/already running execute\(\); concurrent flush\(\)/);
    // Sequential use is fine afterwards (the execute autoflushed the pending user).
    expect((await s.scalars(select(User.name))).all()).toEqual(["racer"]);
  });

  it("with its connection checked out, the session still refuses a concurrent task and is free again after an error", async () => {
    await using s = db.session();
    await s.execute(select(User)); // checks the connection out: later ORM selects take the direct path
    const [first, second] = await Promise.allSettled([s.execute(select(User)), s.execute(select(User).where(User.name.eq("x")))]);
    expect(first.status).toBe("fulfilled");
    expect(((second as PromiseRejectedResult).reason as Error).message).toMatch(/already running execute\(\); concurrent execute\(\) is not permitted/);
    // A statement that fails in the database ends the operation: the next call is let in.
    await expect(s.execute(select(User).where(literalColumn("no_such_column").eq(1)))).rejects.toThrow(/no_such_column/);
    await s.rollback();
    expect((await s.scalars(select(User.name))).all()).toEqual([]);
  });

  it("a failed flush rolls back, restores objects and requires rollback()", async () => {
    await using s = db.session();
    s.add(new User({ name: "dup" }));
    await s.commit();
    const again = new User({ name: "dup" });
    s.add(again);
    await expect(s.flush()).rejects.toThrow(IntegrityError);
    expect(objectState(again)).toBe("pending");
    await expect(s.execute(select(User))).rejects.toThrow(PendingRollbackError);
    await s.rollback();
    expect(objectState(again)).toBe("transient");
    expect(await committedNames()).toEqual(["dup"]);
  });

  it("a failed flush inside beginNested() rolls back to the SAVEPOINT only", async () => {
    await using s = db.session();
    s.add(new User({ name: "outer" }));
    await expect(
      s.beginNested(async (sess) => {
        sess.add(new User({ name: "outer" }));
        await sess.flush();
      }),
    ).rejects.toThrow(IntegrityError);
    s.add(new User({ name: "after" }));
    await s.commit();
    expect(await committedNames()).toEqual(["after", "outer"]);
  });
});

/**
 * SQLAlchemy's test/engine/test_transaction.py (TransactionTest) ported to AsyncConnection on
 * PostgreSQL, libSQL file and :memory:: commit and rollback, Transaction.close(), SAVEPOINTs
 * (begin_nested) alone and stacked, commit-as-you-go autobegin, the transaction context of the
 * callback forms, the events fired, and the errors for inactive transactions and double begin.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  Column,
  InvalidRequestError,
  Integer,
  MetaData,
  ResourceClosedError,
  String,
  Table,
  delete as delete_,
  event,
  func,
  insert,
  select,
  type AsyncConnection,
} from "../../src/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

const DOUBLE_BEGIN =
  "This connection has already initialized a SQLAlchemy Transaction() object via begin() or autobegin; can't call begin() here unless rollback() or commit() is called first.";
const CLOSED_CTX = "Can't operate on closed transaction inside context manager.  Please complete the context manager before emitting further commands.";

describe.each(engineTargets())("$name", (target) => {
  const metadata = new MetaData();
  const users = Table(uniqueName("satx_users"), metadata, {
    user_id: Column(Integer, { primaryKey: true, autoincrement: false }),
    user_name: Column(String(20)),
  });
  let h: EngineHandle;

  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin((conn) => metadata.createAll(conn));
  });
  afterAll(async () => {
    await h.engine.begin((conn) => metadata.dropAll(conn));
    await h.cleanup();
  });
  beforeEach(async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(delete_(users));
    });
  });

  const add = (conn: AsyncConnection, id: number) => conn.execute(insert(users), { user_id: id, user_name: `user${id}` });
  const count = (conn: AsyncConnection) => conn.scalar(select(func.count()).selectFrom(users));
  const countFresh = () => h.engine.connect((conn) => count(conn));
  const ids = (conn: AsyncConnection) => conn.scalars(select(users.c.user_id).orderBy(users.c.user_id)).then((r) => r.all());

  /** Records the transaction events of a connection, as SQLAlchemy's tests do with a mock. */
  function recordEvents(conn: AsyncConnection): string[] {
    const calls: string[] = [];
    event.listen(conn, "begin", () => void calls.push("begin"));
    event.listen(conn, "commit", () => void calls.push("commit"));
    event.listen(conn, "rollback", () => void calls.push("rollback"));
    event.listen(conn, "savepoint", () => void calls.push("savepoint"));
    event.listen(conn, "releaseSavepoint", () => void calls.push("releaseSavepoint"));
    event.listen(conn, "rollbackSavepoint", () => void calls.push("rollbackSavepoint"));
    return calls;
  }

  it("commits: rows written in a committed transaction are visible to the next", async () => {
    await h.engine.connect(async (conn) => {
      const tx = await conn.begin();
      await add(conn, 1);
      await add(conn, 2);
      await add(conn, 3);
      await tx.commit();
      const tx2 = await conn.begin();
      expect(await ids(conn)).toEqual([1, 2, 3]);
      await tx2.commit();
    });
  });

  it("rollback: rolled back rows are gone", async () => {
    await h.engine.connect(async (conn) => {
      const tx = await conn.begin();
      await add(conn, 1);
      await add(conn, 2);
      await tx.rollback();
      expect(await count(conn)).toBe(0);
    });
  });

  it("an error in the begin() callback rolls back and propagates", async () => {
    await h.engine.connect(async (conn) => {
      await expect(
        conn.begin(async () => {
          await add(conn, 1);
          await add(conn, 2);
          await add(conn, 1);
        }),
      ).rejects.toThrow();
      expect(conn.inTransaction()).toBe(false);
      expect(await count(conn)).toBe(0);
    });
  });

  it("close(): Transaction.close() after commit keeps the rows; before commit rolls back", async () => {
    await h.engine.connect(async (conn) => {
      const tx = await conn.begin();
      await add(conn, 1);
      await add(conn, 2);
      expect(conn.inTransaction()).toBe(true);
      await tx.commit();
      expect(conn.inTransaction()).toBe(false);
      expect((await conn.execDriverSql(`select * from ${users.name}`)).fetchall()).toHaveLength(2);
      await conn.rollback();

      await conn.execute(delete_(users));
      await conn.commit();
      const tx2 = await conn.begin();
      await add(conn, 1);
      await add(conn, 2);
      await add(conn, 3);
      expect(conn.inTransaction()).toBe(true);
      await tx2.close();
      expect(conn.inTransaction()).toBe(false);
      expect((await conn.execDriverSql(`select * from ${users.name}`)).fetchall()).toHaveLength(0);
    });
  });

  it("a nested transaction rolled back drops only its own rows; committed keeps them", async () => {
    await h.engine.connect(async (conn) => {
      const tx = await conn.begin();
      await add(conn, 1);
      const sp = await conn.beginNested();
      await add(conn, 2);
      await sp.rollback();
      await add(conn, 3);
      await tx.commit();
      expect((await conn.execute(select(users.c.user_id).orderBy(users.c.user_id))).fetchall().map((r) => r._tuple())).toEqual([[1], [3]]);
      await conn.rollback();

      await conn.execute(delete_(users));
      await conn.commit();
      const tx3 = await conn.begin();
      await add(conn, 1);
      const sp2 = await conn.beginNested();
      await add(conn, 2);
      await sp2.commit();
      await add(conn, 3);
      await tx3.commit();
      expect(await ids(conn)).toEqual([1, 2, 3]);
    });
  });

  it("commit() and rollback() without a transaction do nothing", async () => {
    await h.engine.connect(async (conn) => {
      expect(conn.inTransaction()).toBe(false);
      await conn.commit();
      await conn.rollback();
      expect(conn.inTransaction()).toBe(false);
    });
  });

  it("engine.begin(): conn.rollback() inside ends the transaction", async () => {
    await h.engine.begin(async (conn) => {
      expect(conn.inTransaction()).toBe(true);
      await conn.rollback();
      expect(conn.inTransaction()).toBe(false);
    });
  });

  it("inside begin(fn), a transaction rolled back early cannot be replaced by autobegin", async () => {
    await h.engine.connect(async (conn) => {
      const calls = recordEvents(conn);
      await conn.begin(async () => {
        expect(conn.inTransaction()).toBe(true);
        await conn.getTransaction()!.rollback();
        expect(conn.inTransaction()).toBe(false);
        await expect(conn.execute(select(users.c.user_id))).rejects.toThrow(new InvalidRequestError(CLOSED_CTX));
        await expect(conn.begin()).rejects.toThrow(CLOSED_CTX);
        await expect(conn.beginNested()).rejects.toThrow(CLOSED_CTX);
        expect(conn.inTransaction()).toBe(false);
      });
      expect(calls).toEqual(["begin", "rollback"]);
      // Outside the block, autobegin works again.
      expect(await count(conn)).toBe(0);
      expect(conn.inTransaction()).toBe(true);
    });
  });

  it("engine.begin(fn): committing inside, then executing, raises the closed-context error", async () => {
    await expect(
      h.engine.begin(async (conn) => {
        await add(conn, 1);
        await conn.commit();
        await add(conn, 2);
      }),
    ).rejects.toThrow(CLOSED_CTX);
    expect(await countFresh()).toBe(1);
  });

  for (const rollBackInBlock of [true, false]) {
    it(`begin(fn) that throws rolls back once (rolled back in the block: ${rollBackInBlock})`, async () => {
      await h.engine.connect(async (conn) => {
        const calls = recordEvents(conn);
        let trans;
        await expect(
          conn.begin(async () => {
            trans = conn.getTransaction()!;
            if (rollBackInBlock) await trans.rollback();
            throw new Error("test");
          }),
        ).rejects.toThrow("test");
        expect(trans!.isActive).toBe(false);
        expect(conn.inTransaction()).toBe(false);
        expect(calls).toEqual(["begin", "rollback"]);
      });
    });
  }

  it("beginNested(fn) on a fresh connection autobegins the outer transaction and releases the savepoint", async () => {
    await h.engine.connect(async (conn) => {
      const calls = recordEvents(conn);
      let nested;
      await conn.beginNested(async () => {
        nested = conn.getNestedTransaction()!;
      });
      expect(nested!.isActive).toBe(false);
      expect(conn.inNestedTransaction()).toBe(false);
      expect(conn.inTransaction()).toBe(true);
      expect(calls).toEqual(["begin", "savepoint", "releaseSavepoint"]);
    });
  });

  it("explicit begin(), then commit-as-you-go", async () => {
    await h.engine.connect(async (conn) => {
      expect(conn.inTransaction()).toBe(false);
      await conn.begin();
      expect(conn.inTransaction()).toBe(true);
      await add(conn, 1);
      await conn.commit();
      expect(await count(conn)).toBe(1);
    });
  });

  it("begin() twice raises InvalidRequestError with SQLAlchemy's message", async () => {
    await h.engine.connect(async (conn) => {
      await conn.begin();
      await expect(conn.begin()).rejects.toThrow(InvalidRequestError);
      await expect(conn.begin()).rejects.toThrow(DOUBLE_BEGIN);
      await conn.rollback();
      await count(conn); // autobegin
      await expect(conn.begin()).rejects.toThrow(DOUBLE_BEGIN);
    });
  });

  it("no autocommit: work not committed is rolled back when the connection closes", async () => {
    await h.engine.connect(async (conn) => {
      await add(conn, 1);
    });
    expect(await countFresh()).toBe(0);
  });

  it("engine.begin(fn) commits its block", async () => {
    await h.engine.begin(async (conn) => {
      await add(conn, 1);
    });
    expect(await countFresh()).toBe(1);
  });

  it("savepoint one: rolling back the savepoint undoes only its rows", async () => {
    await h.engine.begin(async (conn) => {
      await add(conn, 1);
      const sp = await conn.beginNested();
      await add(conn, 2);
      expect(await count(conn)).toBe(2);
      await sp.rollback();
      expect(await count(conn)).toBe(1);
    });
    expect(await countFresh()).toBe(1);
  });

  it("savepoint two: a released savepoint keeps its rows", async () => {
    await h.engine.begin(async (conn) => {
      await add(conn, 1);
      const sp = await conn.beginNested();
      await add(conn, 2);
      expect(await count(conn)).toBe(2);
      await sp.commit();
      expect(await count(conn)).toBe(2);
    });
    expect(await countFresh()).toBe(2);
  });

  it("savepoint three: conn.rollback() with a savepoint open rolls back everything", async () => {
    await h.engine.begin(async (conn) => {
      await add(conn, 1);
      await conn.beginNested();
      await add(conn, 2);
      await conn.rollback();
      expect(conn.inTransaction()).toBe(false);
    });
    expect(await countFresh()).toBe(0);
  });

  it("savepoint four: rolling back the inner of two savepoints keeps the outer one active", async () => {
    let sp1;
    await h.engine.begin(async (conn) => {
      await add(conn, 1);
      sp1 = await conn.beginNested();
      await add(conn, 2);
      const sp2 = await conn.beginNested();
      await add(conn, 3);
      await sp2.rollback();
      expect(sp2.isActive).toBe(false);
      expect(sp1.isActive).toBe(true);
      expect(conn.inTransaction()).toBe(true);
    });
    expect(sp1!.isActive).toBe(false);
    expect(await countFresh()).toBe(2);
  });

  it("savepoint five: releasing the inner savepoint, the outer commit keeps all rows", async () => {
    await h.engine.begin(async (conn) => {
      await add(conn, 1);
      await conn.beginNested();
      await add(conn, 2);
      const sp2 = await conn.beginNested();
      await add(conn, 3);
      await sp2.commit();
      expect(conn.inTransaction()).toBe(true);
    });
    expect(await countFresh()).toBe(3);
  });

  it("savepoint six: getNestedTransaction() follows the stack", async () => {
    await h.engine.begin(async (conn) => {
      await add(conn, 1);
      const sp1 = await conn.beginNested();
      await add(conn, 2);
      expect(conn.getNestedTransaction()).toBe(sp1);
      const sp2 = await conn.beginNested();
      await add(conn, 3);
      expect(conn.getNestedTransaction()).toBe(sp2);
      await sp2.commit();
      expect(conn.getNestedTransaction()).toBe(sp1);
      await sp1.rollback();
      expect(conn.getNestedTransaction()).toBeUndefined();
      expect(conn.inTransaction()).toBe(true);
    });
    expect(await countFresh()).toBe(1);
  });

  it("savepoint seven: closing the root transaction deactivates every savepoint", async () => {
    await h.engine.connect(async (conn) => {
      const tx = await conn.begin();
      await add(conn, 1);
      const sp1 = await conn.beginNested();
      await add(conn, 2);
      const sp2 = await conn.beginNested();
      await add(conn, 3);
      expect(conn.inTransaction()).toBe(true);
      await tx.close();
      expect(sp1.isActive).toBe(false);
      expect(sp2.isActive).toBe(false);
      expect(tx.isActive).toBe(false);
      expect(conn.getTransaction()).toBeUndefined();
      expect(conn.getNestedTransaction()).toBeUndefined();
    });
    expect(await countFresh()).toBe(0);
  });

  it("committing an ended transaction raises 'This transaction is inactive' / 'This nested transaction is inactive'", async () => {
    await h.engine.connect(async (conn) => {
      const tx = await conn.begin();
      const sp = await conn.beginNested();
      await sp.rollback();
      await sp.rollback(); // a second rollback is a no-op
      await expect(sp.commit()).rejects.toThrow(new InvalidRequestError("This nested transaction is inactive (already ended by commit or rollback); cannot commit()"));
      await tx.rollback();
      await tx.rollback();
      await expect(tx.commit()).rejects.toThrow(InvalidRequestError);
      await expect(tx.commit()).rejects.toThrow("This transaction is inactive");
    });
  });

  it("inTransaction(), inNestedTransaction(), getTransaction() follow begin, savepoints and commit", async () => {
    await h.engine.connect(async (conn) => {
      expect([conn.inTransaction(), conn.inNestedTransaction(), conn.getTransaction()]).toEqual([false, false, undefined]);
      const tx = await conn.begin();
      expect(conn.getTransaction()).toBe(tx);
      expect(tx.nested).toBe(false);
      const sp = await conn.beginNested();
      expect(sp.nested).toBe(true);
      expect(sp.parent).toBe(tx);
      expect([conn.inTransaction(), conn.inNestedTransaction()]).toEqual([true, true]);
      await conn.commit();
      expect([conn.inTransaction(), conn.inNestedTransaction(), sp.isActive, tx.isActive]).toEqual([false, false, false, false]);
    });
  });

  it("a closed connection raises ResourceClosedError 'This Connection is closed'", async () => {
    const conn = await h.engine.connect();
    await conn.close();
    expect(conn.closed).toBe(true);
    await expect(conn.execute(select(users))).rejects.toThrow(new ResourceClosedError("This Connection is closed"));
    await expect(conn.begin()).rejects.toThrow(ResourceClosedError);
    await conn.close(); // idempotent
  });
});

/**
 * Connections and transactions through the engine on PostgreSQL, libSQL file and :memory::
 * await-using and callback forms, commit-as-you-go, autobegin, SAVEPOINTs, closed connections,
 * concurrent use of one connection, execution options and isolation levels.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Column, MetaData, Table } from "../../src/sql/schema.js";
import { Integer } from "../../src/sql/types/index.js";
import { delete_, func, insert, select, text, update } from "../../src/index.js";
import { ArgumentError, IntegrityError, InvalidRequestError, ResourceClosedError } from "../../src/errors.js";
import type { AsyncConnection } from "../../src/engine/connection.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

describe.each(engineTargets())("$name", (target) => {
  const metadata = new MetaData();
  const t = Table(uniqueName("engtx"), metadata, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    x: Column(Integer),
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

  async function ids(): Promise<number[]> {
    return h.engine.connect(async (c) => (await c.scalars(select(t.c.id).orderBy(t.c.id))).all() as number[]);
  }
  async function reset(): Promise<void> {
    await h.engine.begin(async (c) => {
      await c.execute(delete_(t));
    });
  }

  it("engine.begin(callback) commits on return and rolls back on throw", async () => {
    await reset();
    const r = await h.engine.begin(async (conn) => {
      await conn.execute(insert(t).values({ id: 1, x: 1 }));
      return "ok";
    });
    expect(r).toBe("ok");
    await expect(
      h.engine.begin(async (conn) => {
        await conn.execute(insert(t).values({ id: 2, x: 2 }));
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await ids()).toEqual([1]);
  });

  it("await using engine.begin() rolls back unless committed", async () => {
    await reset();
    {
      await using conn = await h.engine.begin();
      expect(conn.inTransaction()).toBe(true);
      await conn.execute(insert(t).values({ id: 1, x: 1 }));
    }
    expect(await ids()).toEqual([]);
    {
      await using conn = await h.engine.begin();
      await conn.execute(insert(t).values({ id: 2, x: 2 }));
      await conn.commit();
    }
    expect(await ids()).toEqual([2]);
  });

  it("engine.connect(callback) closes the connection and rolls back uncommitted work", async () => {
    await reset();
    let seen: AsyncConnection | undefined;
    await h.engine.connect(async (conn) => {
      seen = conn;
      await conn.execute(insert(t).values({ id: 1, x: 1 }));
    });
    expect(seen!.closed).toBe(true);
    expect(await ids()).toEqual([]);
  });

  it("commit-as-you-go with autobegin; close() rolls back", async () => {
    await reset();
    const begins = h.counting.counts.begin;
    const rollbacks = h.counting.counts.rollback;
    await using conn = await h.engine.connect();
    expect(conn.inTransaction()).toBe(false);
    await conn.execute(insert(t).values({ id: 1, x: 1 }));
    expect(conn.inTransaction()).toBe(true);
    await conn.commit();
    expect(conn.inTransaction()).toBe(false);
    await conn.execute(insert(t).values({ id: 2, x: 2 }));
    await conn.rollback();
    await conn.execute(insert(t).values({ id: 3, x: 3 }));
    await conn.commit();
    await conn.execute(insert(t).values({ id: 4, x: 4 }));
    await conn.close();
    expect(h.counting.counts.begin - begins).toBe(4);
    expect(h.counting.counts.rollback - rollbacks).toBe(2);
    expect(await ids()).toEqual([1, 3]);
  });

  it("conn.begin() while a transaction is open raises InvalidRequestError", async () => {
    await using conn = await h.engine.connect();
    await conn.execute(select(func.count(t.c.id)));
    await expect(conn.begin()).rejects.toThrow(InvalidRequestError);
    await expect(conn.begin()).rejects.toThrow(/already begun/);
    await conn.rollback();
    const tx = await conn.begin();
    await expect(conn.begin()).rejects.toThrow(InvalidRequestError);
    await tx.rollback();
  });

  it("conn.begin(callback) commits; a Transaction object commits explicitly", async () => {
    await reset();
    await using conn = await h.engine.connect();
    await conn.begin(async (c) => {
      await c.execute(insert(t).values({ id: 1, x: 1 }));
    });
    expect(conn.inTransaction()).toBe(false);
    const tx = await conn.begin();
    await conn.execute(insert(t).values({ id: 2, x: 2 }));
    await tx.commit();
    expect(tx.isActive).toBe(false);
    expect(await ids()).toEqual([1, 2]);
  });

  it("after rollback a Transaction cannot commit (InvalidRequestError)", async () => {
    await using conn = await h.engine.connect();
    const tx = await conn.begin();
    await tx.rollback();
    expect(tx.isActive).toBe(false);
    await expect(tx.commit()).rejects.toThrow(InvalidRequestError);
    await expect(tx.commit()).rejects.toThrow(/inactive/);
  });

  it("beginNested(): rolling back the savepoint keeps the outer work", async () => {
    await reset();
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(t).values({ id: 1, x: 1 }));
      const sp = await conn.beginNested();
      expect(conn.inNestedTransaction()).toBe(true);
      await conn.execute(insert(t).values({ id: 2, x: 2 }));
      await sp.rollback();
      expect(conn.inNestedTransaction()).toBe(false);
      expect(conn.inTransaction()).toBe(true);
      await conn.execute(insert(t).values({ id: 3, x: 3 }));
    });
    expect(await ids()).toEqual([1, 3]);
  });

  it("beginNested(): releasing the savepoint keeps the inner work", async () => {
    await reset();
    await h.engine.begin(async (conn) => {
      const sp = await conn.beginNested();
      await conn.execute(insert(t).values({ id: 1, x: 1 }));
      const sp2 = await conn.beginNested();
      await conn.execute(insert(t).values({ id: 2, x: 2 }));
      await sp2.commit();
      await sp.commit();
      await expect(sp.commit()).rejects.toThrow(InvalidRequestError);
    });
    expect(await ids()).toEqual([1, 2]);
  });

  it("beginNested(callback) releases on return and rolls back to the savepoint on throw", async () => {
    await reset();
    await h.engine.begin(async (conn) => {
      await conn.beginNested(async (c) => {
        await c.execute(insert(t).values({ id: 1, x: 1 }));
      });
      await expect(
        conn.beginNested(async (c) => {
          await c.execute(insert(t).values({ id: 2, x: 2 }));
          throw new Error("inner");
        }),
      ).rejects.toThrow("inner");
      expect(conn.inTransaction()).toBe(true);
      await conn.execute(insert(t).values({ id: 3, x: 3 }));
    });
    expect(await ids()).toEqual([1, 3]);
  });

  it("a savepoint autobegins the outer transaction; rolling back the outer ends both", async () => {
    await reset();
    await using conn = await h.engine.connect();
    const sp = await conn.beginNested();
    expect(conn.inTransaction()).toBe(true);
    await conn.execute(insert(t).values({ id: 1, x: 1 }));
    await conn.rollback();
    expect(sp.isActive).toBe(false);
    expect(conn.inNestedTransaction()).toBe(false);
    expect(await ids()).toEqual([]);
  });

  it("a closed connection raises ResourceClosedError", async () => {
    const conn = await h.engine.connect();
    await conn.close();
    expect(conn.closed).toBe(true);
    await expect(conn.execute(select(t.c.id))).rejects.toThrow(ResourceClosedError);
    await expect(conn.execute(select(t.c.id))).rejects.toThrow("This Connection is closed");
    await expect(conn.stream(select(t.c.id))).rejects.toThrow(ResourceClosedError);
    await expect(conn.begin()).rejects.toThrow(ResourceClosedError);
    await expect(conn.beginNested()).rejects.toThrow(ResourceClosedError);
    await conn.close(); // idempotent
  });

  it("two concurrent tasks on one connection: the second gets InvalidRequestError", async () => {
    await using conn = await h.engine.connect();
    const a = conn.execute(select(t.c.id));
    const b = conn.execute(select(t.c.x));
    const [ra, rb] = await Promise.allSettled([a, b]);
    expect(ra.status).toBe("fulfilled");
    expect(rb.status).toBe("rejected");
    const err = (rb as PromiseRejectedResult).reason as Error;
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err.message).toMatch(/already running an operation.*must not be used by two concurrent tasks/);
    // the connection stays usable
    expect(await conn.scalar(select(func.count(t.c.id)))).toBeTypeOf("number");
  });

  it("an open stream blocks other statements on the connection until closed", async () => {
    await reset();
    await h.engine.begin((c) => c.execute(insert(t), [{ id: 1, x: 1 }, { id: 2, x: 2 }]));
    await using conn = await h.engine.connect();
    const s = await conn.stream(select(t.c.id));
    await expect(conn.execute(select(t.c.id))).rejects.toThrow(/stream\(\) result is still open/);
    await s.close();
    expect((await conn.execute(select(t.c.id).orderBy(t.c.id))).scalars().all()).toEqual([1, 2]);
  });

  it("executionOptions({ compiledCache: null }) bypasses the cache", async () => {
    await using conn = await h.engine.connect();
    const before = h.engine.cacheStats;
    conn.executionOptions({ compiledCache: null });
    for (let i = 0; i < 3; i++) await conn.execute(select(t.c.id).where(t.c.id.eq(i)));
    const after = h.engine.cacheStats;
    expect(after.hits).toBe(before.hits);
    expect(after.misses).toBe(before.misses);
  });

  it("executionOptions isolationLevel cannot change inside a transaction", async () => {
    await using conn = await h.engine.connect();
    await conn.begin();
    expect(() => conn.executionOptions({ isolationLevel: "SERIALIZABLE" })).toThrow(InvalidRequestError);
    await conn.rollback();
    expect(conn.executionOptions({ isolationLevel: "SERIALIZABLE" })).toBe(conn);
    // SERIALIZABLE is honoured on both dialects (SQLite transactions are serializable).
    await conn.begin();
    if (target.dialect === "postgresql") {
      expect(await conn.scalar(text("SHOW transaction_isolation"))).toBe("serializable");
    }
    await conn.execute(update(t).values({ x: 0 }).where(t.c.id.eq(-1)));
    await conn.commit();
  });
});

describe.each(engineTargets().filter((x) => x.dialect === "postgresql"))("$name isolation levels", (target) => {
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make({ isolationLevel: "REPEATABLE READ" });
  });
  afterAll(() => h.cleanup());

  it("the engine isolationLevel option applies to every transaction", async () => {
    const level = await h.engine.begin((c) => c.scalar(text("SHOW transaction_isolation")));
    expect(level).toBe("repeatable read");
    await using conn = await h.engine.connect();
    expect(await conn.scalar(text("SHOW transaction_isolation"))).toBe("repeatable read");
  });

  it("executionOptions({ isolationLevel }) overrides it per connection and per engine copy", async () => {
    await using conn = await h.engine.connect();
    conn.executionOptions({ isolationLevel: "SERIALIZABLE" });
    expect(await conn.scalar(text("SHOW transaction_isolation"))).toBe("serializable");
    await conn.rollback();
    conn.executionOptions({ isolationLevel: "READ COMMITTED" });
    expect(await conn.scalar(text("SHOW transaction_isolation"))).toBe("read committed");
    await conn.rollback();
    const ser = h.engine.executionOptions({ isolationLevel: "SERIALIZABLE" });
    expect(await ser.begin((c) => c.scalar(text("SHOW transaction_isolation")))).toBe("serializable");
    // the original engine is unchanged
    expect(await h.engine.begin((c) => c.scalar(text("SHOW transaction_isolation")))).toBe("repeatable read");
  });

  it("AUTOCOMMIT runs each statement in its own transaction", async () => {
    const name = uniqueName("engtx_ac");
    await using conn = await h.engine.connect();
    conn.executionOptions({ isolationLevel: "AUTOCOMMIT" });
    await conn.execute(text(`CREATE TABLE ${name} (x INTEGER)`));
    await conn.execute(text(`INSERT INTO ${name} VALUES (1)`));
    await conn.rollback(); // nothing to roll back: the insert is committed
    const n = await h.engine.connect((c) => c.scalar(text(`SELECT count(*) FROM ${name}`)));
    expect(Number(n)).toBe(1);
    await conn.execute(text(`DROP TABLE ${name}`));
  });
});

describe.each(engineTargets().filter((x) => x.dialect === "sqlite"))("$name isolation levels", (target) => {
  it("an isolation level SQLite does not have raises ArgumentError on connect, listing the valid ones", async () => {
    const h = await target.make({ isolationLevel: "READ COMMITTED" });
    try {
      await expect(h.engine.begin(async () => {})).rejects.toThrow(
        new ArgumentError("Invalid value 'READ COMMITTED' for isolation_level. Valid isolation levels for 'sqlite' are AUTOCOMMIT, READ UNCOMMITTED, SERIALIZABLE"),
      );
      await expect(h.engine.connect(async (c) => c.executionOptions({ isolationLevel: "REPEATABLE READ" }))).rejects.toThrow(ArgumentError);
    } finally {
      await h.cleanup();
    }
  });
  it("a level SQLite has but the libSQL adapter cannot set raises the adapter's typed error", async () => {
    const h = await target.make({ isolationLevel: "READ UNCOMMITTED" });
    try {
      await expect(h.engine.begin(async () => {})).rejects.toThrow(/isolation level "READ UNCOMMITTED" is not supported/);
    } finally {
      await h.cleanup();
    }
  });
});

describe.each(engineTargets())("$name error recovery", (target) => {
  const metadata = new MetaData();
  const t = Table(uniqueName("engtx_err"), metadata, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
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

  it("a database error inside beginNested(callback) rolls back to the savepoint; the outer transaction goes on", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(t).values({ id: 1 }));
      await expect(conn.beginNested((c) => c.execute(insert(t).values({ id: 1 })))).rejects.toThrow(IntegrityError);
      expect(conn.inTransaction()).toBe(true);
      expect(conn.inNestedTransaction()).toBe(false);
      await conn.execute(insert(t).values({ id: 2 }));
    });
    const ids = await h.engine.connect(async (c) => (await c.scalars(select(t.c.id).orderBy(t.c.id))).all());
    expect(ids).toEqual([1, 2]);
    await h.engine.begin((c) => c.execute(delete_(t)));
  });

  it("after a database error, rollback() makes the connection usable again", async () => {
    await using conn = await h.engine.connect();
    await conn.execute(insert(t).values({ id: 5 }));
    await expect(conn.execute(insert(t).values({ id: 5 }))).rejects.toThrow(IntegrityError);
    await conn.rollback();
    expect(await conn.scalar(select(func.count(t.c.id)))).toBe(0);
  });

  it("engine.begin(callback) whose callback hits a database error rolls back and rethrows it", async () => {
    await expect(
      h.engine.begin(async (conn) => {
        await conn.execute(insert(t).values({ id: 7 }));
        await conn.execute(insert(t).values({ id: 7 }));
      }),
    ).rejects.toThrow(IntegrityError);
    expect(await h.engine.connect((c) => c.scalar(select(func.count(t.c.id))))).toBe(0);
  });

  it("a stream of INSERT … RETURNING hands out the returned rows", async () => {
    await using conn = await h.engine.connect();
    const s = await conn.stream(insert(t).values({ id: 9 }).returning(t.c.id));
    expect((await s.all()).map((r) => r.id)).toEqual([9]);
    await conn.rollback();
  });

  it("AUTOCOMMIT: statements are committed at once and rollback() has nothing to undo", async () => {
    await using conn = await h.engine.connect();
    conn.executionOptions({ isolationLevel: "AUTOCOMMIT" });
    await conn.execute(insert(t).values({ id: 11 }));
    await conn.rollback();
    expect(await h.engine.connect((c) => c.scalar(select(func.count(t.c.id))))).toBe(1);
    await conn.execute(delete_(t));
  });

  it("close() with an open stream closes the stream first; the stream then raises ResourceClosedError", async () => {
    await h.engine.begin((c) => c.execute(insert(t), [{ id: 21 }, { id: 22 }, { id: 23 }, { id: 24 }]));
    const conn = await h.engine.connect();
    conn.executionOptions({ yieldPer: 2 });
    const s = await conn.stream(select(t.c.id).orderBy(t.c.id));
    expect((await s.fetchone())?.id).toBe(21);
    await conn.close();
    expect(s.closed).toBe(true);
    await expect(s.fetchmany(2)).rejects.toThrow(ResourceClosedError);
    if (target.dialect === "postgresql") {
      expect(Number(await h.engine.connect((c) => c.scalar(text("SELECT count(*) FROM pg_cursors"))))).toBe(0);
    }
    // the driver connection went back clean: another connection works at once
    expect(await h.engine.connect((c) => c.scalar(select(func.count(t.c.id))))).toBe(4);
    await h.engine.begin((c) => c.execute(delete_(t)));
  });

  it("close() while an un-awaited execute runs waits for it, then rolls back and releases", async () => {
    const conn = await h.engine.connect();
    const slow =
      target.dialect === "postgresql"
        ? text("SELECT pg_sleep(0.1), 1 AS x")
        : text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT count(*) FROM c");
    await conn.execute(insert(t).values({ id: 31 })); // uncommitted
    const running = conn.execute(slow); // not awaited
    const closing = conn.close();
    await expect(conn.execute(select(t.c.id))).rejects.toThrow(ResourceClosedError);
    await closing;
    expect(conn.closed).toBe(true);
    expect((await running).all()).toHaveLength(1); // it finished on its own connection
    // rolled back, and nothing left locked (libSQL) or checked out mid-query (postgres.js)
    const t0 = performance.now();
    expect(await h.engine.connect((c) => c.scalar(select(func.count(t.c.id))))).toBe(0);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it("a disposed engine refuses new connections with a typed error", async () => {
    const x = await target.make();
    await x.engine.dispose();
    await x.cleanup();
    const err = await x.engine.connect((c) => c.execute(select(t.c.id))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceClosedError);
    expect((err as Error).message).toMatch(/has been disposed; create a new engine/);
    await expect(x.engine.begin()).rejects.toThrow(ResourceClosedError);
    await x.engine.dispose(); // idempotent
  });
});

describe.each(engineTargets().filter((x) => x.dialect === "postgresql"))("$name isolation level names", (target) => {
  it("accepts SQLAlchemy's spellings and rejects others with the dialect's list", async () => {
    const h = await target.make({ isolationLevel: "repeatable_read" });
    try {
      expect(await h.engine.connect((c) => c.getIsolationLevel())).toBe("REPEATABLE READ");
      await expect(h.engine.connect(async (c) => c.executionOptions({ isolationLevel: "SNAPSHOT" }))).rejects.toThrow(
        new ArgumentError("Invalid value 'SNAPSHOT' for isolation_level. Valid isolation levels for 'postgresql' are AUTOCOMMIT, READ COMMITTED, READ UNCOMMITTED, REPEATABLE READ, SERIALIZABLE"),
      );
    } finally {
      await h.cleanup();
    }
  });
});

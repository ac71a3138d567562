/**
 * The libSQL traps the engine hides (issue 2, §10): two connections of one engine used
 * concurrently while one holds a write transaction, on `:memory:` (TRANSACTION_ACTIVE) and on a
 * file (SQLITE_BUSY, or a busy wait freezing the event loop). Access is serialized instead, and
 * waiting is asynchronous.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Column, MetaData, Table } from "../../src/sql/schema.js";
import { Integer, String } from "../../src/sql/types/index.js";
import { func, insert, select } from "../../src/index.js";
import { createAsyncEngine, type AsyncEngine } from "../../src/engine/engine.js";
import { OperationalError } from "../../src/errors.js";
import { makeLibsqlDriver, type TestDriver } from "../fixtures/databases.js";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Counts event-loop ticks while running `fn` (a blocked loop would count ~0). */
async function withTicker<T>(fn: () => Promise<T>): Promise<{ result: T; ticks: number; ms: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const t0 = performance.now();
  try {
    const result = await fn();
    return { result, ticks, ms: performance.now() - t0 };
  } finally {
    clearInterval(timer);
  }
}

describe.each(["memory", "file"] as const)("libSQL %s", (kind) => {
  const metadata = new MetaData();
  const t = Table("engtrap_items", metadata, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    who: Column(String(10)),
  });
  let d: TestDriver | undefined;

  // These tests exercise the serialization lock, so transactions take it at BEGIN.
  async function engine(lockTimeoutMs?: number, beginMode: "deferred" | "immediate" = "immediate"): Promise<AsyncEngine> {
    d = await makeLibsqlDriver(kind, { beginMode, ...(lockTimeoutMs !== undefined ? { lockTimeoutMs } : {}) });
    const e = createAsyncEngine(d.driver);
    await e.begin((c) => metadata.createAll(c));
    return e;
  }
  afterEach(async () => {
    await d?.cleanup();
    d = undefined;
  });

  it("a second connection waits for the first one's write transaction, without errors or a frozen loop", async () => {
    const e = await engine();
    const order: string[] = [];
    const { ticks, ms } = await withTicker(async () => {
      const a = e.begin(async (conn) => {
        await conn.execute(insert(t).values({ id: 1, who: "a" }));
        order.push("a wrote");
        await sleep(150); // hold the write transaction while b tries
        await conn.execute(insert(t).values({ id: 2, who: "a" }));
        order.push("a commits");
      });
      await sleep(10);
      const b = e.connect(async (conn) => {
        order.push("b starts");
        const seen = await conn.scalar(select(func.count(t.c.id)));
        order.push(`b read ${seen as number}`);
        await conn.execute(insert(t).values({ id: 3, who: "b" }));
        await conn.commit();
        order.push("b committed");
      });
      await Promise.all([a, b]);
    });
    expect(order).toEqual(["a wrote", "b starts", "a commits", "b read 2", "b committed"]);
    expect(ms).toBeGreaterThanOrEqual(140);
    expect(ticks).toBeGreaterThan(10); // the loop ran while b waited
    const rows = await e.connect(async (c) => (await c.execute(select(t.c.id, t.c.who).orderBy(t.c.id))).all().map((r) => [...r]));
    expect(rows).toEqual([[1, "a"], [2, "a"], [3, "b"]]);
  });

  it("deferred begin (the default): a connection that only read does not block another's write in the same task", async () => {
    const e = await engine(300, "deferred");
    await using reader = await e.connect();
    expect(await reader.scalar(select(func.count(t.c.id)))).toBe(0);
    expect(reader.inTransaction()).toBe(true);
    await e.begin(async (writer) => {
      await writer.execute(insert(t).values({ id: 1, who: "w" }));
    });
    expect(await reader.scalar(select(func.count(t.c.id)))).toBe(1);
  });

  it("many concurrent connections each running a write transaction all commit", async () => {
    const e = await engine();
    const { ticks } = await withTicker(() =>
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          e.begin(async (conn) => {
            const n = (await conn.scalar(select(func.count(t.c.id)))) as number;
            await sleep(2);
            await conn.execute(insert(t).values({ id: 100 + i, who: `w${n}` }));
          }),
        ),
      ),
    );
    expect(ticks).toBeGreaterThan(0);
    const whos = await e.connect(async (c) => (await c.scalars(select(t.c.who).orderBy(t.c.id))).all());
    // serialized: each transaction saw all the earlier ones' rows
    expect([...whos].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `w${i}`).sort());
  });

  it("a connection streaming rows does not make another connection fail", async () => {
    const e = await engine();
    await e.begin((c) => c.execute(insert(t), Array.from({ length: 50 }, (_, i) => ({ id: i, who: "s" }))));
    const a = e.connect(async (conn) => {
      conn.executionOptions({ yieldPer: 5 });
      let n = 0;
      for await (const row of await conn.stream(select(t.c.id).orderBy(t.c.id))) {
        void row;
        n++;
        if (n % 10 === 0) await sleep(5);
      }
      return n;
    });
    await sleep(1);
    const b = e.begin((conn) => conn.execute(insert(t).values({ id: 1000, who: "b" })));
    const [n] = await Promise.all([a, b]);
    expect(n).toBe(50);
    expect(await e.connect((c) => c.scalar(select(func.count(t.c.id))))).toBe(51);
  });

  it("a connection that never ends its transaction makes the other time out with OperationalError, asynchronously", async () => {
    const e = await engine(200);
    const holder = await e.begin();
    await holder.execute(insert(t).values({ id: 1, who: "h" }));
    const { result, ticks, ms } = await withTicker(async () => {
      try {
        await e.connect((c) => c.execute(select(t.c.id)));
        return undefined;
      } catch (err) {
        return err as Error;
      }
    });
    expect(result).toBeInstanceOf(OperationalError);
    expect(result!.message).toMatch(/another connection of this driver holds the SQLite transaction/);
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(ticks).toBeGreaterThan(10);
    await holder.rollback();
    await holder.close();
    expect(await e.connect((c) => c.scalar(select(func.count(t.c.id))))).toBe(0);
  });
});

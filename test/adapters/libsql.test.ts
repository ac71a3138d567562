import { createClient } from "@libsql/client";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { libsql } from "../../adapters/libsql/index.js";
import type { Driver, DriverConnection } from "../../src/engine/driver/contract.js";
import { countingDriver, makeLibsqlDriver, type TestDriver } from "../fixtures/databases.js";

const s = (sql: string, ...params: unknown[]) => ({ sql, params });

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

/** Counts event-loop turns while `fn` runs: proof that waiting never blocks the loop. */
async function ticksDuring<T>(fn: () => Promise<T>): Promise<{ value: T; ticks: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const value = await fn();
    return { value, ticks };
  } finally {
    clearInterval(timer);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("libSQL traps the adapter hides (raw @libsql/client behaviour)", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("on :memory:, a client call during client.transaction() fails with TRANSACTION_ACTIVE", async () => {
    const client = createClient({ url: ":memory:" });
    const tx = await client.transaction("write");
    const err = await caught(client.execute("select 1"));
    expect((err as { code: string }).code).toBe("TRANSACTION_ACTIVE");
    await tx.rollback();
    client.close();
  });

  it("on a file, a write from another connection during client.transaction() fails with SQLITE_BUSY", async () => {
    const dir = await mkdtemp(join(tmpdir(), "athanor-trap-"));
    dirs.push(dir);
    const client = createClient({ url: `file:${join(dir, "t.db")}` });
    await client.execute("create table t (a)");
    const tx = await client.transaction("write");
    await tx.execute("insert into t values (1)");
    const err = await caught(client.execute("insert into t values (2)"));
    expect((err as { code: string }).code).toBe("SQLITE_BUSY");
    await tx.rollback();
    client.close();
  });
  it("a loop of awaited statements on a local client never turns the event loop (native statements are freed only when it does)", async () => {
    const client = createClient({ url: ":memory:" });
    let turns = 0;
    const tick = () => {
      turns++;
    };
    setImmediate(tick);
    for (let i = 0; i < 1000; i++) await client.execute("select 1");
    expect(turns).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(turns).toBe(1);
    client.close();
  });
});

describe.each(["file", "memory"] as const)("libsql adapter on %s", (kind) => {
  let td: TestDriver;
  let driver: Driver;
  const open: DriverConnection[] = [];
  const connect = async (d: Driver = driver) => {
    const c = await d.connect();
    open.push(c);
    return c;
  };

  beforeEach(async () => {
    // Serialization tests need BEGIN to take the lock; "deferred" mode is covered in test/engine.
    td = await makeLibsqlDriver(kind, { lockTimeoutMs: 2000, beginMode: "immediate" });
    driver = td.driver;
    const c = await connect();
    await c.execute(s("create table items (id integer primary key, name text not null unique, qty integer)"));
    await c.execute(
      s("create table parts (id integer primary key, item_id integer not null references items(id), w real, constraint ck_w check (w >= 0))"),
    );
    await c.execute(s("pragma foreign_keys = on"));
  });

  afterEach(async () => {
    for (const c of open.splice(0)) await c.release();
    await td.cleanup();
  });

  it("declares its dialect and capabilities", () => {
    expect(driver.dialect).toBe("sqlite");
    expect(driver.paramstyle).toBe("qmark");
    expect(driver.name).toBe("libsql");
    expect(driver.capabilities).toEqual({
      interactiveTransactions: true,
      atomicBatch: true,
      streaming: true,
      savepoints: true,
      returning: true,
      concurrentConnections: false,
      maxParams: 32766,
    });
  });

  it("lets the event loop turn at least every 256 statements of a tight loop, so libsql can free native statements", async () => {
    const c = await connect();
    let turns = 0;
    const ticker = () => {
      turns++;
      if (running) setImmediate(ticker);
    };
    let running = true;
    setImmediate(ticker);
    for (let i = 0; i < 1024; i++) await c.execute(s("select ?", i));
    running = false;
    // 1,024 statements: at least one turn per 256 of them.
    expect(turns).toBeGreaterThanOrEqual(3);
  });

  it("executes with ? parameters and reports column names, declared types and rows as arrays", async () => {
    const c = await connect();
    const ins = await c.execute(s("insert into items (name, qty) values (?, ?), (?, ?)", "bolt", 5, "nut", null));
    expect(ins.rowsAffected).toBe(2);
    expect(ins.lastInsertRowid).toBe(2);
    expect(ins.columns).toEqual([]);
    const res = await c.execute(s("select id, name, qty, qty * 2 as dbl from items where id >= ? order by id", 1));
    expect(res.columns).toEqual([
      { name: "id", type: "INTEGER" },
      { name: "name", type: "TEXT" },
      { name: "qty", type: "INTEGER" },
      { name: "dbl" },
    ]);
    expect(res.rows).toEqual([
      [1, "bolt", 5, 10],
      [2, "nut", null, null],
    ]);
    expect(Array.isArray(res.rows[0])).toBe(true);
    expect(res.rowsAffected).toBe(-1);
  });

  it("reports rowsAffected for UPDATE/DELETE and for DML with RETURNING", async () => {
    const c = await connect();
    await c.execute(s("insert into items (name, qty) values ('a', 1), ('b', 2), ('c', 3)"));
    expect((await c.execute(s("update items set qty = qty + 1 where qty >= ?", 2))).rowsAffected).toBe(2);
    const ret = await c.execute(s("update items set qty = 0 where qty > ? returning id, qty", 0));
    expect(ret.rowsAffected).toBe(3);
    expect(ret.columns.map((col) => col.name)).toEqual(["id", "qty"]);
    expect(ret.rows.map((r) => r[1])).toEqual([0, 0, 0]);
    const del = await c.execute(s("delete from items where name = ?", "a"));
    expect(del.rowsAffected).toBe(1);
  });

  it("supports INSERT … RETURNING", async () => {
    const c = await connect();
    const res = await c.execute(s("insert into items (name, qty) values (?, ?) returning id, name", "gear", 7));
    expect(res.rows).toEqual([[1, "gear"]]);
    expect(res.rowsAffected).toBe(1);
  });

  it("round-trips BLOBs as Uint8Array", async () => {
    const c = await connect();
    const res = await c.execute(s("select ? as b", new Uint8Array([1, 2, 255])));
    expect(res.rows[0]![0]).toEqual(new Uint8Array([1, 2, 255]));
  });

  it("commits a transaction so other connections see it", async () => {
    const a = await connect();
    const b = await connect();
    await a.begin!();
    await a.execute(s("insert into items (name) values ('t1')"));
    await a.commit!();
    expect((await b.execute(s("select name from items"))).rows).toEqual([["t1"]]);
  });

  it("rollback discards the transaction's writes", async () => {
    const a = await connect();
    await a.begin!();
    await a.execute(s("insert into items (name) values ('gone')"));
    await a.rollback!();
    expect((await a.execute(s("select count(*) from items"))).rows).toEqual([[0]]);
  });

  it("runs SAVEPOINT / ROLLBACK TO / RELEASE sent through execute", async () => {
    const a = await connect();
    await a.begin!();
    await a.execute(s("insert into items (name) values ('kept')"));
    await a.execute(s("SAVEPOINT sp1"));
    await a.execute(s("insert into items (name) values ('undone')"));
    await a.execute(s("ROLLBACK TO SAVEPOINT sp1"));
    await a.execute(s("RELEASE SAVEPOINT sp1"));
    await a.commit!();
    expect((await a.execute(s("select name from items"))).rows).toEqual([["kept"]]);
  });

  it("release() rolls back an open transaction and frees the database for others", async () => {
    const a = await connect();
    const b = await connect();
    await a.begin!();
    await a.execute(s("insert into items (name) values ('x')"));
    await a.release();
    expect((await b.execute(s("select count(*) from items"))).rows).toEqual([[0]]);
  });

  it("rejects isolation levels SQLite does not have", async () => {
    const a = await connect();
    const err = await caught(a.begin!({ isolationLevel: "READ COMMITTED" }));
    expect(driver.describeError(err)).toMatchObject({ kind: "notSupported", code: "ISOLATION_LEVEL_NOT_SUPPORTED" });
    await a.begin!({ isolationLevel: "SERIALIZABLE" });
    await a.rollback!();
  });

  describe("streaming", () => {
    beforeEach(async () => {
      const c = await connect();
      const values = Array.from({ length: 10 }, (_, i) => `('n${i}', ${i})`).join(", ");
      await c.execute(s(`insert into items (name, qty) values ${values}`));
    });

    it("fetches a query in chunks, one paged round trip each, keeping ORDER BY and parameters", async () => {
      const counting = countingDriver(driver);
      const c = await counting.connect();
      open.push(c);
      const cur = await c.openCursor!(s("select qty, name from items where qty >= ? order by qty desc", 0), 4);
      expect(cur.columns.map((col) => col.name)).toEqual(["qty", "name"]);
      const chunks: unknown[][] = [];
      for (;;) {
        const rows = await cur.fetch(4);
        if (rows.length === 0) break;
        chunks.push(rows.map((r) => r[0]));
      }
      expect(chunks).toEqual([[9, 8, 7, 6], [5, 4, 3, 2], [1, 0]]);
      expect(counting.counts.openCursor).toBe(1);
      expect(counting.counts.fetch).toBe(4);
      await cur.close();
    });

    /** A libSQL client that records the SQL of every statement run inside its transactions. */
    function spyingClient(): { client: ReturnType<typeof createClient>; spy: ReturnType<typeof createClient>; seen: string[]; args: unknown[][] } {
      const client = createClient({ url: ":memory:", intMode: "number" });
      const seen: string[] = [];
      const args: unknown[][] = [];
      const spy = new Proxy(client, {
        get(target, prop, recv) {
          if (prop === "transaction") {
            return async (mode: "write" | "deferred") => {
              const tx = await target.transaction(mode);
              return new Proxy(tx, {
                get(t, p) {
                  if (p === "execute") return (st: { sql: string; args: never[] }) => (seen.push(st.sql), args.push(st.args), t.execute(st));
                  const v = Reflect.get(t, p);
                  return typeof v === "function" ? v.bind(t) : v;
                },
              });
            };
          }
          const v = Reflect.get(target, prop, recv);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
      return { client, spy, seen, args };
    }

    it("pages with LIMIT/OFFSET, re-running the query only when its buffer runs dry", async () => {
      // Count real statements through the client, not calls on the cursor.
      const { client, spy, seen, args } = spyingClient();
      const d = libsql(spy);
      const c = await d.connect();
      await c.execute(s("create table n (v integer)"));
      await c.execute(s("insert into n values (1), (2), (3), (4), (5), (6), (7)"));
      const cur = await c.openCursor!(s("select v from n where v > ? order by v;", 0), 2);
      expect(seen).toEqual(["SELECT * FROM (select v from n where v > ? order by v\n) LIMIT ? OFFSET ?"]);
      expect((await cur.fetch(2)).map((r) => r[0])).toEqual([1, 2]);
      expect(seen).toHaveLength(1);
      // The second page is twice the first: rows 3-6 in one statement.
      expect((await cur.fetch(2)).map((r) => r[0])).toEqual([3, 4]);
      expect((await cur.fetch(2)).map((r) => r[0])).toEqual([5, 6]);
      expect(seen).toHaveLength(2);
      expect((await cur.fetch(2)).map((r) => r[0])).toEqual([7]);
      expect(await cur.fetch(2)).toEqual([]);
      expect(seen).toHaveLength(3);
      expect(args).toEqual([[0, 2, 0], [0, 4, 2], [0, 8, 6]]);
      await c.release();
      client.close();
    });

    it("grows pages to 16× the fetch size at most, and hands out every row once, in order", async () => {
      const { client, spy, args } = spyingClient();
      const c = await libsql(spy).connect();
      await c.execute(s("create table n (v integer)"));
      const total = 1000;
      await c.execute(s(`with recursive q(i) as (select 1 union all select i + 1 from q where i < ${total}) insert into n select i from q`));
      const cur = await c.openCursor!(s("select v from n order by v desc"), 3);
      const got: number[] = [];
      const sizes = new Set<number>();
      for (let rows = await cur.fetch(3); rows.length > 0; rows = await cur.fetch(3)) {
        sizes.add(rows.length);
        for (const r of rows) got.push(r[0] as number);
      }
      expect(got).toEqual(Array.from({ length: total }, (_, i) => total - i));
      expect([...sizes].sort()).toEqual([1, 3]); // 1000 = 333 × 3 + 1: fetch sizes are exact
      const limits = args.map((a) => a[0] as number);
      expect(limits.slice(0, 6)).toEqual([3, 6, 12, 24, 48, 48]);
      expect(Math.max(...limits)).toBe(48);
      // Offsets advance by the rows read: no page is skipped or read twice.
      let offset = 0;
      for (const [limit, off] of args) {
        expect(off).toBe(offset);
        offset += Math.min(limit as number, total - offset);
      }
      expect(offset).toBe(total);
      await c.release();
      client.close();
    });

    it("serves a fetch larger than the page from several pages", async () => {
      const a = await connect();
      const cur = await a.openCursor!(s("select qty from items order by qty"), 2);
      expect((await cur.fetch(7)).map((r) => r[0])).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect((await cur.fetch(7)).map((r) => r[0])).toEqual([7, 8, 9]);
      expect(await cur.fetch(7)).toEqual([]);
      await cur.close();
    });

    it("closing early between pages frees the lock and drops the buffered rows", async () => {
      const a = await connect();
      const b = await connect();
      const cur = await a.openCursor!(s("select id from items order by id"), 2);
      expect(await cur.fetch(1)).toEqual([[1]]);
      expect(await cur.fetch(2)).toEqual([[2], [3]]); // the second page (4 rows) is in the buffer
      await cur.close();
      expect(await cur.fetch(2)).toEqual([]);
      await b.begin!();
      await b.execute(s("delete from items"));
      await b.commit!();
      expect((await a.execute(s("select count(*) from items"))).rows).toEqual([[0]]);
    });

    it("returns to the event loop (a macrotask) on every fetch, though the local client answers synchronously", async () => {
      const a = await connect();
      const cur = await a.openCursor!(s("select id from items order by id"), 2);
      let immediates = 0;
      let fetches = 0;
      const tick = () => {
        immediates++;
        if (!stop) setImmediate(tick);
      };
      let stop = false;
      setImmediate(tick);
      const before = immediates;
      for (let rows = await cur.fetch(2); rows.length > 0; rows = await cur.fetch(2)) fetches++;
      stop = true;
      expect(fetches).toBe(5);
      // A consumer that never leaves the microtask queue would let no setImmediate callback run.
      expect(immediates - before).toBeGreaterThanOrEqual(fetches);
    });

    it("keeps duplicate column names as the query wrote them", async () => {
      const c = await connect();
      const cur = await c.openCursor!(s("select id as k, name as k from items order by id limit 1"), 5);
      expect(cur.columns.map((col) => col.name)).toEqual(["k", "k"]);
      expect(await cur.fetch(5)).toEqual([[1, "n0"]]);
      await cur.close();
    });

    it("closing early frees the database for other connections", async () => {
      const a = await connect();
      const b = await connect();
      const cur = await a.openCursor!(s("select id from items order by id"), 3);
      expect(await cur.fetch(3)).toEqual([[1], [2], [3]]);
      await cur.close();
      await cur.close();
      expect(await cur.fetch(3)).toEqual([]);
      await b.begin!();
      await b.execute(s("delete from items"));
      await b.commit!();
      expect((await a.execute(s("select count(*) from items"))).rows).toEqual([[0]]);
    });

    it("lets the cursor's connection run statements meanwhile, committing them when the cursor ends", async () => {
      const a = await connect();
      const b = await connect();
      const cur = await a.openCursor!(s("select id from items order by id"), 2);
      await a.execute(s("insert into items (name, qty) values ('during', 99)"));
      // The cursor's snapshot is fixed; b waits for the cursor to finish, then sees the insert.
      const seen = b.execute(s("select count(*) from items"));
      let rows = 0;
      for (let r = await cur.fetch(2); r.length > 0; r = await cur.fetch(2)) rows += r.length;
      expect(rows).toBe(11);
      expect((await seen).rows).toEqual([[11]]);
    });

    it("streams inside a user transaction and sees its uncommitted writes", async () => {
      const a = await connect();
      await a.begin!();
      await a.execute(s("delete from items where qty < 8"));
      const cur = await a.openCursor!(s("select qty from items order by qty"), 1);
      expect(await cur.fetch(10)).toEqual([[8], [9]]);
      await cur.close();
      await a.rollback!();
      expect((await a.execute(s("select count(*) from items"))).rows).toEqual([[10]]);
    });

    it("fails to page on once its transaction has ended", async () => {
      const a = await connect();
      await a.begin!();
      const cur = await a.openCursor!(s("select id from items order by id"), 2);
      await a.commit!();
      expect(await cur.fetch(2)).toEqual([[1], [2]]);
      const err = await caught(cur.fetch(2));
      expect(driver.describeError(err)).toMatchObject({ kind: "interface", code: "CURSOR_TRANSACTION_ENDED" });
      await cur.close();
    });

    it("runs non-query statements once and hands their rows out in chunks", async () => {
      const counting = countingDriver(driver);
      const c = await counting.connect();
      open.push(c);
      const cur = await c.openCursor!(s("delete from items where qty < ? returning qty", 3), 2);
      expect(cur.columns.map((col) => col.name)).toEqual(["qty"]);
      expect((await cur.fetch(2)).length).toBe(2);
      expect((await cur.fetch(2)).length).toBe(1);
      expect(await cur.fetch(2)).toEqual([]);
      expect((await c.execute(s("select count(*) from items"))).rows).toEqual([[7]]);
    });
  });

  describe("batch", () => {
    it("is atomic: a failing second statement leaves the first unapplied", async () => {
      const c = await connect();
      await c.execute(s("insert into items (name) values ('dup')"));
      const err = await caught(
        c.batch!([s("insert into items (name) values (?)", "first"), s("insert into items (name) values (?)", "dup")], {
          transaction: true,
        }),
      );
      expect(driver.describeError(err)).toMatchObject({ kind: "integrity", code: "SQLITE_CONSTRAINT_UNIQUE" });
      expect((await c.execute(s("select name from items order by id"))).rows).toEqual([["dup"]]);
    });

    it("returns one result per statement", async () => {
      const c = await connect();
      const res = await c.batch!(
        [s("insert into items (name) values ('a'), ('b')"), s("select name from items order by name desc")],
        { transaction: true },
      );
      expect(res.map((r) => r.rowsAffected)).toEqual([2, -1]);
      expect(res[1]!.rows).toEqual([["b"], ["a"]]);
    });

    it("inside a transaction rolls back only the batch (via a savepoint)", async () => {
      const c = await connect();
      await c.begin!();
      await c.execute(s("insert into items (name) values ('before')"));
      await caught(c.batch!([s("insert into items (name) values ('x')"), s("insert into items (name) values ('before')")], { transaction: true }));
      await c.commit!();
      expect((await c.execute(s("select name from items"))).rows).toEqual([["before"]]);
    });

    it("without transaction keeps the statements that ran before a failure", async () => {
      const c = await connect();
      await caught(c.batch!([s("insert into items (name) values ('x')"), s("insert into nope values (1)")], { transaction: false }));
      expect((await c.execute(s("select name from items"))).rows).toEqual([["x"]]);
    });
  });

  describe("describeError", () => {
    it("classifies a unique violation as integrity with the extended code", async () => {
      const c = await connect();
      await c.execute(s("insert into items (name) values ('u')"));
      const err = await caught(c.execute(s("insert into items (name) values ('u')")));
      expect(driver.describeError(err)).toMatchObject({ kind: "integrity", code: "SQLITE_CONSTRAINT_UNIQUE" });
      const pk = await caught(c.execute(s("insert into items (id, name) values (1, 'v')")));
      expect(driver.describeError(pk)).toMatchObject({ kind: "integrity", code: "SQLITE_CONSTRAINT_PRIMARYKEY" });
    });

    it("classifies a foreign key violation as integrity", async () => {
      const c = await connect();
      const err = await caught(c.execute(s("insert into parts (item_id, w) values (?, ?)", 42, 1)));
      expect(driver.describeError(err)).toMatchObject({ kind: "integrity", code: "SQLITE_CONSTRAINT_FOREIGNKEY" });
    });

    it("classifies a CHECK violation as integrity and names the constraint", async () => {
      const c = await connect();
      await c.execute(s("insert into items (id, name) values (1, 'i')"));
      const err = await caught(c.execute(s("insert into parts (item_id, w) values (1, -1)")));
      expect(driver.describeError(err)).toMatchObject({ kind: "integrity", code: "SQLITE_CONSTRAINT_CHECK", constraint: "ck_w" });
    });

    it("classifies syntax errors and unknown tables as programming", async () => {
      const c = await connect();
      const syntax = driver.describeError(await caught(c.execute(s("selec 1"))));
      expect(syntax).toMatchObject({ kind: "programming", code: "SQLITE_ERROR" });
      expect(syntax!.message).toContain("syntax error");
      const table = driver.describeError(await caught(c.execute(s("select * from missing_table"))));
      expect(table).toMatchObject({ kind: "programming", code: "SQLITE_ERROR" });
      expect(table!.message).toContain("no such table");
    });

    it("classifies integers beyond 2^53 (intMode number) as data", async () => {
      const c = await connect();
      const err = await caught(c.execute(s("select 9223372036854775807")));
      expect(err).toBeInstanceOf(RangeError);
      expect(driver.describeError(err)).toMatchObject({ kind: "data" });
    });

    it("returns undefined for errors that are not the database's", () => {
      expect(driver.describeError(new Error("unrelated"))).toBeUndefined();
      expect(driver.describeError("nope")).toBeUndefined();
    });
  });

  describe("serialization of connections (one SQLite writer)", () => {
    it("a second connection waits for the first one's write transaction, without blocking the event loop", async () => {
      const a = await connect();
      const b = await connect();
      await a.begin!();
      await a.execute(s("insert into items (name) values ('from-a')"));
      const order: string[] = [];
      const { ticks } = await ticksDuring(async () => {
        const bWrite = b.execute(s("insert into items (name) values ('from-b')")).then(() => order.push("b-done"));
        const bRead = b.execute(s("select count(*) from items"));
        await sleep(30);
        order.push("a-commit");
        await a.execute(s("insert into items (name) values ('from-a-2')"));
        await a.commit!();
        await bWrite;
        expect((await bRead).rows).toEqual([[3]]);
      });
      expect(order).toEqual(["a-commit", "b-done"]);
      expect(ticks).toBeGreaterThan(0);
      expect((await b.execute(s("select name from items order by id"))).rows).toEqual([["from-a"], ["from-a-2"], ["from-b"]]);
    });

    it("queues a second transaction behind the first", async () => {
      const a = await connect();
      const b = await connect();
      await a.begin!();
      const bBegan = b.begin!().then(async () => {
        await b.execute(s("insert into items (name) values ('b')"));
        await b.commit!();
      });
      await a.execute(s("insert into items (name) values ('a')"));
      await sleep(10);
      await a.commit!();
      await bBegan;
      expect((await a.execute(s("select name from items order by id"))).rows).toEqual([["a"], ["b"]]);
    });

    it("times out with an operational error naming the cause", async () => {
      const short = await makeLibsqlDriver(kind, { lockTimeoutMs: 50, beginMode: "immediate" });
      try {
        const a = await short.driver.connect();
        const b = await short.driver.connect();
        await a.begin!();
        const { value: err, ticks } = await ticksDuring(() => caught(b.execute(s("select 1"))));
        expect(ticks).toBeGreaterThan(0);
        const info = short.driver.describeError(err);
        expect(info).toMatchObject({ kind: "operational", code: "ATHANOR_LOCK_TIMEOUT" });
        expect(info!.message).toContain("another connection of this driver holds the SQLite transaction");
        await a.rollback!();
        expect((await b.execute(s("select 1"))).rows).toEqual([[1]]);
        await a.release();
        await b.release();
      } finally {
        await short.cleanup();
      }
    });
  });
});

describe("libsql() wrapping a user client", () => {
  it("shares one lock per client and leaves the client open on dispose", async () => {
    const client = createClient({ url: ":memory:" });
    const d1 = libsql(client, { beginMode: "immediate" });
    const d2 = libsql(client, { lockTimeoutMs: 50, beginMode: "immediate" });
    const a = await d1.connect();
    const b = await d2.connect();
    await a.begin!();
    const err = await caught(b.execute(s("select 1")));
    expect(d2.describeError(err)?.code).toBe("ATHANOR_LOCK_TIMEOUT");
    await a.commit!();
    await d1.dispose();
    await d2.dispose();
    expect(client.closed).toBe(false);
    expect((await client.execute("select 2")).rows[0]![0]).toBe(2);
    client.close();
  });
});

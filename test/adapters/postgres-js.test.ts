/**
 * postgres.js-only behaviour: server cursors, pool concurrency, connection failures, wrapping.
 */
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPostgresJsDriver, postgresjs } from "../../adapters/postgres-js/index.js";
import type { Driver, DriverConnection } from "../../src/engine/driver/contract.js";
import { countingDriver, pgUrl, uniqueName } from "../fixtures/databases.js";

const s = (sql: string, ...params: unknown[]) => ({ sql, params });

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("postgres-js adapter", () => {
  let driver: Driver;
  const table = uniqueName("adp_pgjs");
  const open: DriverConnection[] = [];
  const connect = async (d: Driver = driver) => {
    const c = await d.connect();
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    driver = createPostgresJsDriver({ url: pgUrl(), max: 3 });
    const c = await driver.connect();
    await c.execute(s(`drop table if exists ${table}`));
    await c.execute(s(`create table ${table} (n int primary key, label text)`));
    await c.execute(s(`insert into ${table} select g, 'r' || g from generate_series(1, 10) g`));
    await c.release();
  });

  afterEach(async () => {
    for (const c of open.splice(0)) await c.release();
  });

  afterAll(async () => {
    const c = await driver.connect();
    await c.execute(s(`drop table if exists ${table}`));
    await c.release();
    await driver.dispose();
  });

  describe("streaming outside a transaction (postgres.js portal cursor)", () => {
    it("fetches in chunks with one counted fetch each", async () => {
      const counting = countingDriver(driver);
      const c = await connect(counting);
      const cur = await c.openCursor!(s(`select n, label from ${table} where n > $1 order by n`, 0), 4);
      expect(cur.columns).toEqual([
        { name: "n", type: 23 },
        { name: "label", type: 25 },
      ]);
      const chunks: unknown[][] = [];
      for (let rows = await cur.fetch(4); rows.length > 0; rows = await cur.fetch(4)) chunks.push(rows.map((r) => r[0]));
      expect(chunks).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]);
      expect(counting.counts).toMatchObject({ openCursor: 1, fetch: 4, execute: 0 });
      await cur.close();
      // The portal is done: the connection runs statements again.
      expect((await c.execute(s("select 1 as one"))).rows).toEqual([[1]]);
    });

    it("reports columns for an empty result", async () => {
      const c = await connect();
      const cur = await c.openCursor!(s(`select n, label from ${table} where false`), 4);
      expect(cur.columns.map((col) => col.name)).toEqual(["n", "label"]);
      expect(await cur.fetch(4)).toEqual([]);
    });

    it("closing early releases the portal and the connection", async () => {
      const c = await connect();
      const cur = await c.openCursor!(s(`select n from ${table} order by n`), 2);
      expect(await cur.fetch(2)).toEqual([[1], [2]]);
      const busy = await caught(c.execute(s("select 1")));
      expect(driver.describeError(busy)).toMatchObject({ kind: "interface", code: "CURSOR_OPEN" });
      await cur.close();
      await cur.close();
      expect(await cur.fetch(2)).toEqual([]);
      expect((await c.execute(s("select 2 as two"))).rows).toEqual([[2]]);
      // No transaction or portal was left behind on the server connection.
      expect((await c.execute(s("select count(*)::int from pg_cursors"))).rows).toEqual([[0]]);
    });

    it("streams DML … RETURNING through a portal", async () => {
      const c = await connect();
      await c.begin!();
      const cur = await c.openCursor!(s(`update ${table} set label = label where n <= $1 returning n`, 3), 2);
      const got: unknown[] = [];
      for (let rows = await cur.fetch(2); rows.length > 0; rows = await cur.fetch(2)) got.push(...rows.map((r) => r[0]));
      expect(got.sort()).toEqual([1, 2, 3]);
      await c.rollback!();
    });
  });

  describe("streaming inside a transaction (DECLARE … CURSOR)", () => {
    it("fetches in chunks and allows other statements between fetches", async () => {
      const counting = countingDriver(driver);
      const c = await connect(counting);
      await c.begin!();
      const cur = await c.openCursor!(s(`select n from ${table} where n <= $1 order by n`, 5), 2);
      expect(cur.columns).toEqual([{ name: "n", type: 23 }]);
      expect(await cur.fetch(2)).toEqual([[1], [2]]);
      expect((await c.execute(s(`select label from ${table} where n = $1`, 2))).rows).toEqual([["r2"]]);
      expect((await c.execute(s("select name from pg_cursors"))).rows.length).toBe(1);
      expect(await cur.fetch(2)).toEqual([[3], [4]]);
      await cur.close();
      expect((await c.execute(s("select count(*)::int from pg_cursors"))).rows).toEqual([[0]]);
      await c.commit!();
      expect(counting.counts).toMatchObject({ begin: 1, openCursor: 1, fetch: 2, commit: 1 });
    });

    it("grows FETCH sizes to 16× the fetch size at most, handing out every row once, in order", async () => {
      // Record the SQL sent on reserved connections (FETCH sizes are not visible otherwise).
      const pg = postgres(pgUrl(), { max: 1, onnotice: () => {} }) as unknown as postgres.Sql<Record<string, unknown>>;
      const sent: string[] = [];
      const spy = new Proxy(pg, {
        get(target, prop) {
          if (prop === "reserve") {
            return async () => {
              const reserved = await target.reserve();
              return new Proxy(reserved, {
                get(r, p) {
                  if (p === "unsafe") return (q: string, ...rest: never[]) => (sent.push(q), (r.unsafe as (...a: unknown[]) => unknown)(q, ...rest));
                  const v = Reflect.get(r, p);
                  return typeof v === "function" ? v.bind(r) : v;
                },
              });
            };
          }
          const v = Reflect.get(target, prop);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
      const d = postgresjs(spy);
      const big = uniqueName("adp_pgjs_big");
      const c = await d.connect();
      try {
        await c.execute(s(`create table ${big} (n int primary key)`));
        await c.execute(s(`insert into ${big} select g from generate_series(1, 1000) g`));
        await c.begin!();
        const cur = await c.openCursor!(s(`select n from ${big} order by n desc`), 3);
        const got: number[] = [];
        const sizes = new Set<number>();
        for (let rows = await cur.fetch(3); rows.length > 0; rows = await cur.fetch(3)) {
          sizes.add(rows.length);
          for (const r of rows) got.push(r[0] as number);
        }
        expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => 1000 - i));
        expect([...sizes].sort()).toEqual([1, 3]);
        const fetches = sent.filter((q) => q.startsWith("FETCH")).map((q) => Number(/FETCH FORWARD (\d+)/.exec(q)![1]));
        expect(fetches.slice(0, 6)).toEqual([3, 6, 12, 24, 48, 48]);
        expect(Math.max(...fetches)).toBe(48);
        await cur.close();
        await c.rollback!();
      } finally {
        await c.execute(s(`drop table if exists ${big}`)).catch(() => {});
        await c.release();
        await pg.end({ timeout: 5 });
      }
    });

    it("serves a fetch larger than one FETCH from several, and keeps unread rows between fetches", async () => {
      const c = await connect();
      await c.begin!();
      const cur = await c.openCursor!(s(`select n from ${table} order by n`), 2);
      expect((await cur.fetch(1)).map((r) => r[0])).toEqual([1]);
      expect((await cur.fetch(5)).map((r) => r[0])).toEqual([2, 3, 4, 5, 6]);
      expect((await cur.fetch(5)).map((r) => r[0])).toEqual([7, 8, 9, 10]);
      expect(await cur.fetch(5)).toEqual([]);
      await cur.close();
      await c.commit!();
    });

    it("a cursor left open dies with its transaction, and closing it later is harmless", async () => {
      const c = await connect();
      await c.begin!();
      const cur = await c.openCursor!(s(`select n from ${table} order by n`), 3);
      await c.commit!();
      await c.begin!();
      await cur.close();
      // The new transaction was not aborted by a CLOSE of the vanished cursor.
      expect((await c.execute(s("select 1"))).rows).toEqual([[1]]);
      await c.commit!();
    });
  });

  it("runs statements on several pooled connections at once", async () => {
    const a = await connect();
    const b = await connect();
    await a.begin!();
    await a.execute(s(`update ${table} set label = 'locked' where n = 1`));
    // b reads the committed version while a holds its row lock.
    expect((await b.execute(s(`select label from ${table} where n = 1`))).rows).toEqual([["r1"]]);
    const start = Date.now();
    const [x, y] = await Promise.all([a.execute(s("select pg_sleep(0.2), 1")), b.execute(s("select pg_sleep(0.2), 2"))]);
    expect(Date.now() - start).toBeLessThan(390);
    expect([x.rows[0]![1], y.rows[0]![1]]).toEqual([1, 2]);
    await a.rollback!();
  });

  it("classifies a refused connection as operational and connection-invalidating", async () => {
    const dead = createPostgresJsDriver({ url: "postgres://postgres@127.0.0.1:1/test", connectTimeoutSeconds: 2 });
    try {
      const err = await caught(dead.connect().then((c) => c.execute(s("select 1"))));
      expect(dead.describeError(err)).toMatchObject({ kind: "operational", code: "ECONNREFUSED", connectionInvalidated: true });
    } finally {
      await dead.dispose();
    }
  });

  it("postgresjs() leaves a user-made client open on dispose and accepts its Date parsing", async () => {
    const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} });
    try {
      const d = postgresjs(sql);
      const c = await d.connect();
      const res = await c.execute(s("select '2024-01-02 03:04:05.678+00'::timestamptz as t, 5::int8 as i"));
      expect(res.rows[0]![0]).toBeInstanceOf(Date);
      expect(res.rows[0]![1]).toBe("5");
      await c.release();
      await d.dispose();
      expect((await sql`select 1 as x`)[0]!.x).toBe(1);
    } finally {
      await sql.end();
    }
  });

  it("does not log server NOTICEs by default", async () => {
    const logged: unknown[] = [];
    const orig = console.log;
    console.log = (...args: unknown[]) => void logged.push(args);
    try {
      const c = await connect();
      await c.execute(s(`drop table if exists adp_pgjs_never_exists_${process.pid}`));
    } finally {
      console.log = orig;
    }
    expect(logged).toEqual([]);
  });
  describe("BEGIN goes out with the transaction's first statement", () => {
    /** A client whose reserved connections record each query with the number still in flight when it was sent. */
    function recordingClient() {
      const pg = postgres(pgUrl(), { max: 1, onnotice: () => {} }) as unknown as postgres.Sql<Record<string, unknown>>;
      const sent: { sql: string; inFlight: number }[] = [];
      let inFlight = 0;
      const spy = new Proxy(pg, {
        get(target, prop) {
          if (prop === "reserve") {
            return async () => {
              const reserved = await target.reserve();
              return new Proxy(reserved, {
                get(r, p) {
                  if (p === "unsafe") {
                    return (q: string, ...rest: never[]) => {
                      const query = (r.unsafe as (...a: unknown[]) => PromiseLike<unknown> & { then: unknown })(q, ...rest);
                      const then = query.then as (...a: unknown[]) => unknown;
                      let started = false;
                      // postgres.js sends a query when it is first awaited: record it then.
                      (query as { then: unknown }).then = (...a: unknown[]) => {
                        if (!started) {
                          started = true;
                          sent.push({ sql: q, inFlight });
                          inFlight++;
                          then.call(query, () => inFlight--, () => inFlight--);
                        }
                        return then.apply(query, a);
                      };
                      return query;
                    };
                  }
                  const v = Reflect.get(r, p);
                  return typeof v === "function" ? v.bind(r) : v;
                },
              });
            };
          }
          const v = Reflect.get(target, prop);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
      return { pg, sent, driver: postgresjs(spy) };
    }

    it("pipelines BEGIN with the first statement and commits what it wrote", async () => {
      const { pg, sent, driver: d } = recordingClient();
      const c = await d.connect();
      try {
        await c.begin!();
        expect(sent).toEqual([]);
        await c.execute(s(`insert into ${table} values ($1, $2)`, 101, "pipelined"));
        await c.commit!();
        expect(sent.map((x) => x.sql.split(" ")[0])).toEqual(["BEGIN", "insert", "COMMIT"]);
        // The INSERT was sent while BEGIN was still in flight: one round trip for both.
        expect(sent[1]!.inFlight).toBe(1);
        expect((await c.execute(s(`select label from ${table} where n = 101`))).rows).toEqual([["pipelined"]]);
        await c.execute(s(`delete from ${table} where n = 101`));
      } finally {
        await c.release();
        await pg.end({ timeout: 5 });
      }
    });

    it("sends nothing for a transaction that ran no statement, and rolls back one that did", async () => {
      const { pg, sent, driver: d } = recordingClient();
      const c = await d.connect();
      try {
        await c.begin!();
        await c.commit!();
        await c.begin!();
        await c.rollback!();
        expect(sent).toEqual([]);
        await c.begin!();
        await c.execute(s(`insert into ${table} values ($1, $2)`, 102, "rolled back"));
        await c.rollback!();
        expect(sent.map((x) => x.sql.split(" ")[0])).toEqual(["BEGIN", "insert", "ROLLBACK"]);
        expect((await c.execute(s(`select count(*)::int from ${table} where n = 102`))).rows).toEqual([[0]]);
      } finally {
        await c.release();
        await pg.end({ timeout: 5 });
      }
    });

    it("reports a failing first statement and leaves the transaction to roll back", async () => {
      const c = await connect();
      await c.begin!();
      const err = (await caught(c.execute(s(`insert into ${table} values ($1, $2)`, 1, "duplicate")))) as { code?: string };
      expect(err.code).toBe("23505");
      await c.rollback!();
      expect((await c.execute(s(`select label from ${table} where n = 1`))).rows).toEqual([["r1"]]);
    });
  });
});

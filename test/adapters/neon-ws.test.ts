/**
 * The Neon WebSocket adapter (@neondatabase/serverless Pool) through the local WebSocket-to-TCP
 * proxy (test/fixtures/neon-ws-proxy.ts) to the real PostgreSQL server: the driver contract,
 * interactive transactions, savepoints, DECLARE/FETCH streaming, errors, and the engine on top.
 */
import { neonConfig, Pool } from "@neondatabase/serverless";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createNeonWsDriver, neonWs } from "../../adapters/neon-ws/index.js";
import type { Driver, DriverConnection } from "../../src/engine/driver/contract.js";
import {
  BigInteger, Column, createAsyncEngine, DateTime, insert, Integer, IntegrityError, JSONB, LargeBinary, MetaData, Numeric, select,
  String as StringT, Table, type AsyncEngine,
} from "../../src/index.js";
import { countingDriver, pgUrl, uniqueName } from "../fixtures/databases.js";
import { startNeonWsProxy, type NeonWsProxy } from "../fixtures/neon-ws-proxy.js";

const s = (sql: string, ...params: unknown[]) => ({ sql, params });

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

/** The test server's URL in the form @neondatabase/serverless takes. */
const neonUrl = (): string => pgUrl().replace(/^postgres:/, "postgresql:");

let proxy: NeonWsProxy;
let driver: Driver;
let direct: postgres.Sql;
const items = uniqueName("neonws_items");
const open: DriverConnection[] = [];
const connect = async (d: Driver = driver) => {
  const c = await d.connect();
  open.push(c);
  return c;
};
const names = async (): Promise<string[]> => (await direct.unsafe(`select name from ${items} order by id`)).map((r) => r.name as string);

beforeAll(async () => {
  proxy = await startNeonWsProxy();
  proxy.configure(neonConfig);
  driver = createNeonWsDriver({ url: neonUrl(), max: 3 });
  direct = postgres(pgUrl(), { max: 2, onnotice: () => {} });
  await direct.unsafe(`drop table if exists ${items}`);
  await direct.unsafe(`create table ${items} (id serial primary key, name text not null constraint ${items}_name_key unique, qty int)`);
});

afterEach(async () => {
  for (const c of open.splice(0)) await c.release();
});

afterAll(async () => {
  await direct.unsafe(`drop table if exists ${items}`);
  await direct.end();
  await driver.dispose();
  await proxy.stop();
});

beforeEach(async () => {
  await direct.unsafe(`truncate ${items} restart identity`);
});

describe("neon-ws driver", () => {
  it("declares its dialect and capabilities", () => {
    expect([driver.name, driver.dialect, driver.paramstyle]).toEqual(["neon-ws", "postgresql", "numeric_dollar"]);
    expect(driver.capabilities).toEqual({
      interactiveTransactions: true,
      atomicBatch: false,
      streaming: true,
      savepoints: true,
      returning: true,
      concurrentConnections: true,
      maxParams: 65535,
    });
  });

  it("executes with $n parameters and RETURNING over the WebSocket proxy", async () => {
    const before = proxy.connections;
    const c = await connect();
    const ins = await c.execute(s(`insert into ${items} (name, qty) values ($1, $2), ($3, $4) returning id, name, qty`, "bolt", 5, "nut", null));
    expect(ins.columns).toEqual([
      { name: "id", type: 23 },
      { name: "name", type: 25 },
      { name: "qty", type: 23 },
    ]);
    expect([ins.rows, ins.rowsAffected]).toEqual([
      [
        [1, "bolt", 5],
        [2, "nut", null],
      ],
      2,
    ]);
    expect((await c.execute(s(`create index if not exists ${items}_q on ${items} (qty)`))).rowsAffected).toBe(-1);
    expect(proxy.connections).toBeGreaterThanOrEqual(before);
    expect(proxy.connections).toBeGreaterThan(0);
  });

  it("returns lossy types as PostgreSQL text and exact types as JS values", async () => {
    const c = await connect();
    const r = await c.execute(
      s(
        "select $1::int8 as big, $2::numeric as num, $3::timestamptz as tstz, $4::date as d, $5::int4[] as arr, " +
          "true as flag, 1.5::float8 as f, $6::jsonb as j, $7::bytea as bin, null::text as nothing",
        9223372036854775807n,
        "12345678901234567890.123456789",
        "2024-02-29 23:59:59.123456+00",
        "0099-01-01",
        "{1,NULL,3}",
        '{"a":[1,"x"]}',
        new Uint8Array([0, 1, 254, 255]),
      ),
    );
    expect(r.rows[0]).toEqual([
      "9223372036854775807",
      "12345678901234567890.123456789",
      "2024-02-29 23:59:59.123456+00",
      "0099-01-01",
      "{1,NULL,3}",
      true,
      1.5,
      { a: [1, "x"] },
      new Uint8Array([0, 1, 254, 255]),
      null,
    ]);
  });

  it("interactive transactions: results visible inside, rollback leaves nothing, commit persists", async () => {
    const c = await connect();
    await c.begin!();
    await c.execute(s(`insert into ${items} (name) values ('a')`));
    expect((await c.execute(s(`select count(*) from ${items}`))).rows).toEqual([["1"]]);
    expect(await names()).toEqual([]);
    await c.rollback!();
    expect(await names()).toEqual([]);
    await c.begin!();
    await c.execute(s(`insert into ${items} (name) values ('b')`));
    await c.commit!();
    expect(await names()).toEqual(["b"]);
  });

  it("begin() applies the isolation level and read-only mode", async () => {
    const c = await connect();
    await c.begin!({ isolationLevel: "serializable", readOnly: true });
    expect((await c.execute(s("show transaction_isolation"))).rows).toEqual([["serializable"]]);
    expect((await c.execute(s("show transaction_read_only"))).rows).toEqual([["on"]]);
    await c.rollback!();
    expect(driver.describeError(await caught(c.begin!({ isolationLevel: "sometimes" })))).toMatchObject({ kind: "notSupported" });
  });

  it("savepoints roll back only the inner work", async () => {
    const c = await connect();
    await c.begin!();
    await c.execute(s(`insert into ${items} (name) values ('outer')`));
    await c.execute(s("savepoint sp1"));
    await c.execute(s(`insert into ${items} (name) values ('inner')`));
    await c.execute(s("rollback to savepoint sp1"));
    await c.execute(s("release savepoint sp1"));
    await c.commit!();
    expect(await names()).toEqual(["outer"]);
  });

  it("release() rolls back an open transaction", async () => {
    const c = await driver.connect();
    await c.begin!();
    await c.execute(s(`insert into ${items} (name) values ('a')`));
    await c.release();
    expect(await names()).toEqual([]);
    const again = await connect();
    expect((await again.execute(s("select 1 as one"))).rows).toEqual([[1]]);
  });

  describe("streaming", () => {
    beforeEach(async () => {
      await direct.unsafe(`insert into ${items} (name) select 'r' || g from generate_series(1, 10) g`);
    });

    it("inside a transaction: DECLARE + FETCH FORWARD n, other statements allowed between fetches", async () => {
      const counting = countingDriver(driver);
      const c = await connect(counting);
      await c.begin!();
      const cur = await c.openCursor!(s(`select id, name from ${items} where id > $1 order by id`, 0), 4);
      expect(cur.columns).toEqual([
        { name: "id", type: 23 },
        { name: "name", type: 25 },
      ]);
      const chunks: unknown[][] = [];
      for (let rows = await cur.fetch(4); rows.length > 0; rows = await cur.fetch(4)) {
        chunks.push(rows.map((r) => r[0]));
        // The connection stays usable while the cursor is open.
        expect((await c.execute(s("select 1 as one"))).rows).toEqual([[1]]);
      }
      expect(chunks).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]);
      expect(counting.counts).toMatchObject({ openCursor: 1, fetch: 4 });
      await cur.close();
      await c.commit!();
    });

    it("closing early sends CLOSE and the transaction continues", async () => {
      const c = await connect();
      await c.begin!();
      const cur = await c.openCursor!(s(`select id from ${items} order by id`), 3);
      expect(await cur.fetch(2)).toEqual([[1], [2]]);
      await cur.close();
      await cur.close();
      expect(await cur.fetch(2)).toEqual([]);
      expect((await c.execute(s("select count(*) from pg_cursors"))).rows).toEqual([["0"]]);
      await c.commit!();
    });

    it("outside a transaction the cursor runs in a transaction of its own and blocks other statements until done", async () => {
      const c = await connect();
      const cur = await c.openCursor!(s(`select id from ${items} order by id`), 4);
      expect(driver.describeError(await caught(c.execute(s("select 1"))))).toMatchObject({ kind: "interface", code: "CURSOR_OPEN" });
      const all: unknown[] = [];
      for (let rows = await cur.fetch(4); rows.length > 0; rows = await cur.fetch(4)) all.push(...rows.map((r) => r[0]));
      expect(all).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // Exhausted: its transaction is over, so this write autocommits.
      await c.execute(s(`insert into ${items} (name) values ('after')`));
      expect((await names()).at(-1)).toBe("after");
    });

    it("DML with RETURNING is run once and served from memory", async () => {
      const c = await connect();
      const cur = await c.openCursor!(s(`update ${items} set qty = id where id <= 3 returning id`), 2);
      expect(await cur.fetch(10)).toEqual([[1], [2], [3]]);
      expect(await cur.fetch(10)).toEqual([]);
      await cur.close();
      expect((await direct.unsafe(`select count(*)::int as n from ${items} where qty is not null`))[0].n).toBe(3);
    });
  });

  describe("errors", () => {
    it("a unique violation is an integrity error naming the constraint", async () => {
      const c = await connect();
      await c.execute(s(`insert into ${items} (name) values ('dup')`));
      const err = await caught(c.execute(s(`insert into ${items} (name) values ($1)`, "dup")));
      expect(driver.describeError(err)).toEqual({
        kind: "integrity",
        code: "23505",
        message: `duplicate key value violates unique constraint "${items}_name_key"`,
        constraint: `${items}_name_key`,
      });
      expect(driver.describeError(await caught(c.execute(s("select * from no_such_neonws"))))).toMatchObject({ kind: "programming", code: "42P01" });
    });

    it("a killed backend: operational with connectionInvalidated; the pool then connects afresh", async () => {
      const c = await driver.connect();
      const pid = (await c.execute(s("select pg_backend_pid()"))).rows[0][0] as number;
      await direct.unsafe("select pg_terminate_backend($1)", [pid]);
      const err = await caught(c.execute(s("select 1")));
      expect(driver.describeError(err)).toMatchObject({ kind: "operational", connectionInvalidated: true });
      await c.release();
      const fresh = await connect();
      expect((await fresh.execute(s("select 1 as one"))).rows).toEqual([[1]]);
    });

    it("a released connection refuses work", async () => {
      const c = await driver.connect();
      await c.release();
      expect(driver.describeError(await caught(c.execute(s("select 1"))))).toMatchObject({ kind: "interface", code: "CONNECTION_RELEASED" });
    });
  });
});

describe("neonWs() over a user-made Pool", () => {
  it("runs statements and leaves the pool open on dispose", async () => {
    const pool = new Pool({ connectionString: neonUrl(), max: 1 });
    pool.on("error", () => {});
    const wrapped = neonWs(pool);
    const c = await wrapped.connect();
    expect((await c.execute(s("select $1::int8 as big", 7n))).rows).toEqual([["7"]]);
    await c.release();
    await wrapped.dispose();
    expect(pool.ended).toBe(false);
    expect((await pool.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });
});

describe("engine over neon-ws", () => {
  const md = new MetaData();
  const base = uniqueName("neonws_eng");
  const t = Table(base, md, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    name: Column(StringT(40), { nullable: false, unique: true }),
    big: Column(BigInteger),
    num: Column(Numeric(30, 6)),
    ts: Column(DateTime({ timezone: true })),
    jsb: Column(JSONB),
    bin: Column(LargeBinary),
  });
  let engine: AsyncEngine;

  beforeAll(async () => {
    await import("../../adapters/neon-ws/index.js");
    const u = new URL(pgUrl());
    engine = createAsyncEngine(`postgresql+neonws://${u.username || "postgres"}@${u.host}${u.pathname}`, { poolSize: 2 });
    expect(engine.driver.name).toBe("neon-ws");
    await engine.begin((c) => md.createAll(c));
  });
  afterAll(async () => {
    await engine.begin((c) => md.dropAll(c));
    await engine.dispose();
  });
  beforeEach(async () => {
    await direct.unsafe(`truncate ${base}`);
  });

  it("round-trips values, with RETURNING inside an interactive transaction", async () => {
    const row = { id: 1, name: "a", big: 9223372036854775807n, num: "123456789012345678.123456", ts: new Date("1999-12-31T23:59:59.999Z"), jsb: { k: [1, 2] }, bin: new Uint8Array([0, 255]) };
    const ret = await engine.begin(async (c) => (await c.execute(insert(t).values(row).returning(t.c.id, t.c.big))).all().map((r) => [...r]));
    expect(ret).toEqual([[1, 9223372036854775807n]]);
    const got = await engine.connect(async (c) => (await c.execute(select(t))).one());
    expect(Object.fromEntries(got._mapping.entries())).toEqual(row);
  });

  it("beginNested() rolls back only the savepoint's work", async () => {
    await engine.begin(async (c) => {
      await c.execute(insert(t).values({ id: 1, name: "outer" }));
      const sp = await c.beginNested();
      await c.execute(insert(t).values({ id: 2, name: "inner" }));
      await sp.rollback();
      expect((await c.scalars(select(t.c.name).orderBy(t.c.id))).all()).toEqual(["outer"]);
    });
    expect(await engine.connect(async (c) => (await c.scalars(select(t.c.name))).all())).toEqual(["outer"]);
  });

  it("a failing statement rolls the transaction back and raises IntegrityError", async () => {
    const err = await caught(
      engine.begin(async (c) => {
        await c.execute(insert(t).values({ id: 1, name: "x" }));
        await c.execute(insert(t).values({ id: 2, name: "x" }));
      }),
    );
    expect(err).toBeInstanceOf(IntegrityError);
    expect(err).toMatchObject({ sqlstate: "23505", constraint: `${base}_name_key` });
    expect(await engine.connect(async (c) => (await c.scalars(select(t.c.id))).all())).toEqual([]);
  });

  it("stream() reads through a server cursor in yieldPer chunks", async () => {
    await engine.begin((c) => c.execute(insert(t), Array.from({ length: 25 }, (_, i) => ({ id: i + 1, name: `n${i + 1}` }))));
    const ids = await engine.connect(async (c) => {
      c.executionOptions({ yieldPer: 10 });
      const out: number[] = [];
      for await (const r of await c.stream(select(t.c.id).orderBy(t.c.id))) out.push(r[0]);
      return out;
    });
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });
});

/**
 * The Neon HTTP adapter against the local Neon HTTP peer (test/fixtures/neon-http-peer.ts)
 * over the real PostgreSQL server: the peer's protocol, the driver contract, atomic batches,
 * error classification with retry safety, injected faults, and the engine on top.
 */
import { createServer, type AddressInfo } from "node:net";
import postgres from "postgres";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { neon } from "@neondatabase/serverless";
import { createNeonHttpDriver, neonHttp, NeonHttpError, type NeonHttpErrorInfo } from "../../adapters/neon-http/index.js";
import type { Driver, DriverConnection } from "../../src/engine/driver/contract.js";
import {
  ARRAY, BigInteger, Boolean as BooleanT, Column, createAsyncEngine, Date as DateT, DateTime, Double, insert, Integer, IntegrityError,
  Interval, InvalidRequestError, JSON as JSONT, or, JSONB, LargeBinary, MetaData, Numeric, OperationalError, select, String as StringT,
  Table, Text, Uuid, type AsyncEngine,
} from "../../src/index.js";
import { pgUrl, uniqueName } from "../fixtures/databases.js";
import { startNeonHttpPeer, type NeonHttpPeer } from "../fixtures/neon-http-peer.js";

const s = (sql: string, ...params: unknown[]) => ({ sql, params });

/** A local port nobody listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

let peer: NeonHttpPeer;
let driver: Driver;
/** Direct access to the same database, to check what really got committed. */
let direct: postgres.Sql;
const items = uniqueName("neonh_items");

beforeAll(async () => {
  peer = await startNeonHttpPeer();
  driver = createNeonHttpDriver({ url: peer.connectionString, fetchEndpoint: peer.endpoint });
  direct = postgres(pgUrl(), { max: 2, onnotice: () => {} });
  await direct.unsafe(`drop table if exists ${items}`);
  await direct.unsafe(`create table ${items} (id serial primary key, name text not null constraint ${items}_name_key unique, qty int)`);
});

afterAll(async () => {
  await direct.unsafe(`drop table if exists ${items}`);
  await direct.end();
  await driver.dispose();
  await peer.stop();
});

beforeEach(async () => {
  await direct.unsafe(`truncate ${items} restart identity`);
  peer.requests.reset();
});

const names = async (): Promise<string[]> =>
  (await direct.unsafe(`select name from ${items} order by id`)).map((r) => r.name as string);

/** POST to the peer as @neondatabase/serverless does, returning status, headers and JSON body. */
async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(peer.endpoint, {
    method: "POST",
    headers: { "Neon-Connection-String": peer.connectionString, "Neon-Raw-Text-Output": "true", "Neon-Array-Mode": "true", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe("local Neon HTTP peer (protocol)", () => {
  it("answers a query with fields carrying real type OIDs and text values", async () => {
    const r = await post({ query: `select $1::int8 as big, $2::text as t, null::int as n, now()::date as d`, params: ["9007199254740993", "x"] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ command: "SELECT", rowCount: 1, rowAsArray: true, rows: [["9007199254740993", "x", null, expect.any(String)]] });
    expect((r.body.fields as { name: string; dataTypeID: number }[]).map((f) => [f.name, f.dataTypeID])).toEqual([
      ["big", 20],
      ["t", 25],
      ["n", 23],
      ["d", 1082],
    ]);
    expect((r.body.fields as object[])[0]).toEqual({
      name: "big", dataTypeID: 20, tableID: 0, columnID: 0, dataTypeSize: 8, dataTypeModifier: -1, format: "text",
    });
  });

  it("reports table and column ids, type size and modifier for table columns", async () => {
    const t = uniqueName("neonh_meta");
    await direct.unsafe(`create table ${t} (code varchar(12), n numeric(10, 2))`);
    try {
      const r = await post({ query: `select code, n from ${t}`, params: [] });
      const [code, n] = r.body.fields as Record<string, number>[];
      expect(code.tableID).toBeGreaterThan(0);
      expect([code.columnID, code.dataTypeID, code.dataTypeSize, code.dataTypeModifier]).toEqual([1, 1043, -1, 16]);
      expect([n.columnID, n.dataTypeID, n.dataTypeModifier]).toEqual([2, 1700, (10 << 16) + 2 + 4]);
    } finally {
      await direct.unsafe(`drop table ${t}`);
    }
  });

  it("parses command tags as Neon does (INSERT count after the OID, null when there is none)", async () => {
    const ins = await post({ query: `insert into ${items} (name) values ('a'), ('b')`, params: [] });
    expect([ins.body.command, ins.body.rowCount, ins.body.fields, ins.body.rows]).toEqual(["INSERT", 2, [], []]);
    const t = uniqueName("neonh_ddl");
    const ddl = await post({ query: `create table ${t} (a int)`, params: [] });
    expect([ddl.body.command, ddl.body.rowCount]).toEqual(["CREATE", null]);
    await direct.unsafe(`drop table ${t}`);
  });

  it("returns rows as objects without array mode, and converts values to JSON types without raw text output", async () => {
    const q = { query: "select 1::int4 as i, true as b, '{\"k\":[1]}'::jsonb as j, 2::int8 as big, 'NaN'::float8 as f", params: [] };
    const objects = await post(q, { "Neon-Array-Mode": "false" });
    expect(objects.body.rows).toEqual([{ i: "1", b: "t", j: '{"k": [1]}', big: "2", f: "NaN" }]);
    expect(objects.body.rowAsArray).toBe(false);
    const typed = await post(q, { "Neon-Raw-Text-Output": "false" });
    expect(typed.body.rows).toEqual([[1, true, { k: [1] }, "2", "NaN"]]);
  });

  it("turns JSON parameters into Postgres text as Neon's json_to_pg_text does", async () => {
    const r = await post({ query: "select $1::text, $2::text, $3::text, $4::int[], $5::text", params: [true, 42, { a: 1 }, [1, null, 3], null] });
    expect(r.body.rows).toEqual([["true", "42", '{"a":1}', "{1,NULL,3}", null]]);
  });

  it("answers errors with HTTP 400 and every Postgres error field, null where absent", async () => {
    await post({ query: `insert into ${items} (name) values ('dup')`, params: [] });
    const r = await post({ query: `insert into ${items} (name) values ($1)`, params: ["dup"] });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body).sort()).toEqual(
      ["code", "column", "constraint", "dataType", "detail", "file", "hint", "internalPosition", "internalQuery", "line", "message", "position", "routine", "schema", "severity", "table", "where"].sort(),
    );
    expect(r.body).toMatchObject({
      code: "23505",
      constraint: `${items}_name_key`,
      table: items,
      schema: "public",
      severity: "ERROR",
      detail: "Key (name)=(dup) already exists.",
      hint: null,
      position: null,
      message: `duplicate key value violates unique constraint "${items}_name_key"`,
    });
    expect(typeof r.body.routine).toBe("string");
  });

  it("runs a batch in one transaction with the isolation/read-only headers, echoing them", async () => {
    const r = await post(
      { queries: [{ query: "show transaction_isolation", params: [] }, { query: "show transaction_read_only", params: [] }] },
      { "Neon-Batch-Isolation-Level": "Serializable", "Neon-Batch-Read-Only": "true" },
    );
    expect(r.status).toBe(200);
    expect((r.body.results as { rows: unknown[] }[]).map((x) => x.rows)).toEqual([[["serializable"]], [["on"]]]);
    expect(r.headers.get("neon-batch-isolation-level")).toBe("Serializable");
    expect(r.headers.get("neon-batch-read-only")).toBe("true");
    const bad = await post({ queries: [] }, { "Neon-Batch-Isolation-Level": "serializable" });
    expect([bad.status, bad.body.message, bad.body.code]).toEqual([400, "invalid isolation level", ""]);
  });

  it("rejects a request without a connection string", async () => {
    const res = await fetch(peer.endpoint, { method: "POST", body: JSON.stringify({ query: "select 1", params: [] }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/connection string/);
  });

  it("counts and logs requests with their Neon headers", async () => {
    const c = await driver.connect();
    await c.execute(s("select 1"));
    await c.batch!([s("select 1"), s("select 2")], { transaction: true, isolationLevel: "REPEATABLE READ" });
    expect(peer.requests.count).toBe(2);
    expect(peer.requests.log.map((l) => l.statements)).toEqual([1, 2]);
    expect(peer.requests.log[0].headers).toMatchObject({ "neon-raw-text-output": "true", "neon-array-mode": "true" });
    expect(peer.requests.log[0].headers["neon-connection-string"]).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/test\?application_name=/);
    expect(peer.requests.log[1].headers["neon-batch-isolation-level"]).toBe("RepeatableRead");
    await c.release();
  });
});

describe("neon-http driver", () => {
  let c: DriverConnection;
  beforeEach(async () => {
    c = await driver.connect();
  });

  it("declares its dialect and batch-only capabilities, without begin/commit/rollback", () => {
    expect([driver.name, driver.dialect, driver.paramstyle]).toEqual(["neon-http", "postgresql", "numeric_dollar"]);
    expect(driver.capabilities).toEqual({
      interactiveTransactions: false,
      atomicBatch: true,
      streaming: false,
      savepoints: false,
      returning: true,
      concurrentConnections: true,
      maxParams: 65535,
    });
    expect([c.begin, c.commit, c.rollback, c.openCursor]).toEqual([undefined, undefined, undefined, undefined]);
    expect(typeof c.batch).toBe("function");
  });

  it("executes with $n parameters and RETURNING, one request each", async () => {
    const ins = await c.execute(s(`insert into ${items} (name, qty) values ($1, $2), ($3, $4) returning id, name, qty`, "bolt", 5, "nut", null));
    expect(ins.columns).toEqual([
      { name: "id", type: 23 },
      { name: "name", type: 25 },
      { name: "qty", type: 23 },
    ]);
    expect(ins.rows).toEqual([
      [1, "bolt", 5],
      [2, "nut", null],
    ]);
    expect(ins.rowsAffected).toBe(2);
    const upd = await c.execute(s(`update ${items} set qty = qty + 1 where qty is not null`));
    expect([upd.rowsAffected, upd.rows]).toEqual([1, []]);
    expect((await c.execute(s(`create index if not exists ${items}_q on ${items} (qty)`))).rowsAffected).toBe(-1);
    expect(peer.requests.count).toBe(3);
  });

  it("returns lossy types as PostgreSQL text and exact types as JS values", async () => {
    const r = await c.execute(
      s(
        "select $1::int8 as big, $2::numeric as num, $3::timestamptz as tstz, $4::timestamp as ts, $5::date as d, " +
          "$6::interval as iv, $7::int4[] as arr, true as flag, 1.5::float8 as f, 7::int2 as small, " +
          "$8::jsonb as j, $9::bytea as bin, $10::uuid as u, null::text as nothing",
        9223372036854775807n,
        "12345678901234567890.123456789",
        "2024-02-29 23:59:59.123456+00",
        "1999-12-31 12:00:00.000001",
        "0099-01-01",
        "1 day 02:03:04.5",
        "{1,NULL,3}",
        '{"a":[1,"x"]}',
        new Uint8Array([0, 1, 254, 255]),
        "6f1c2a4e-1b2c-4d5e-8f90-a1b2c3d4e5f6",
      ),
    );
    expect(r.rows[0]).toEqual([
      "9223372036854775807",
      "12345678901234567890.123456789",
      "2024-02-29 23:59:59.123456+00",
      "1999-12-31 12:00:00.000001",
      "0099-01-01",
      "1 day 02:03:04.5",
      "{1,NULL,3}",
      true,
      1.5,
      7,
      { a: [1, "x"] },
      new Uint8Array([0, 1, 254, 255]),
      "6f1c2a4e-1b2c-4d5e-8f90-a1b2c3d4e5f6",
      null,
    ]);
    expect(r.rows[0][11]).toBeInstanceOf(Uint8Array);
  });

  it("runs a batch atomically in one request and returns each statement's result", async () => {
    const res = await c.batch!(
      [s(`insert into ${items} (name) values ($1) returning id`, "a"), s(`insert into ${items} (name) values ($1), ($2)`, "b", "c"), s(`select count(*) from ${items}`)],
      { transaction: true },
    );
    expect(res.map((r) => [r.rows, r.rowsAffected])).toEqual([
      [[[1]], 1],
      [[], 2],
      [[["3"]], 1],
    ]);
    expect(peer.requests.count).toBe(1);
    expect(await names()).toEqual(["a", "b", "c"]);
    expect(await c.batch!([], { transaction: true })).toEqual([]);
    expect(peer.requests.count).toBe(1);
  });

  it("a failing second statement leaves nothing behind and raises an integrity error naming the constraint", async () => {
    const err = await caught(
      c.batch!([s(`insert into ${items} (name) values ($1)`, "a"), s(`insert into ${items} (name) values ($1)`, "a"), s(`insert into ${items} (name) values ('z')`)], {
        transaction: true,
      }),
    );
    expect(err).toBeInstanceOf(NeonHttpError);
    expect(driver.describeError(err)).toEqual({
      kind: "integrity",
      code: "23505",
      message: `duplicate key value violates unique constraint "${items}_name_key"`,
      constraint: `${items}_name_key`,
      outcome: "rolledBack",
      retrySafe: false,
      httpStatus: 400,
    });
    expect((err as NeonHttpError).pg).toMatchObject({ detail: "Key (name)=(a) already exists.", table: items, schema: "public" });
    expect((err as NeonHttpError).request).toBe("batch");
    expect(await names()).toEqual([]);
    expect(peer.requests.count).toBe(1);
  });

  it("classifies SQL errors by SQLSTATE class", async () => {
    const info = async (sql: string) => driver.describeError(await caught(c.execute(s(sql)))) as NeonHttpErrorInfo;
    expect(await info("select * from no_such_table_neonh")).toMatchObject({ kind: "programming", code: "42P01", outcome: "rolledBack", retrySafe: false });
    expect(await info("select 1/0")).toMatchObject({ kind: "data", code: "22012" });
    expect(await info(`insert into ${items} (name) values (null)`)).toMatchObject({ kind: "integrity", code: "23502" });
    expect(await info("select pg_terminate_backend(-1) from pg_sleep(0) where false; select")).toMatchObject({ kind: "programming", code: "42601" });
  });

  it("a serialization failure is rolled back and safe to retry", async () => {
    const err = await caught(
      c.batch!([s(`do $$ begin raise exception using errcode = '40001', message = 'could not serialize'; end $$`)], {
        transaction: true,
        isolationLevel: "SERIALIZABLE",
      }),
    );
    expect(driver.describeError(err)).toMatchObject({ kind: "operational", code: "40001", outcome: "rolledBack", retrySafe: true });
  });

  it("refuses an unknown isolation level before sending anything", async () => {
    const err = await caught(c.batch!([s("select 1")], { transaction: true, isolationLevel: "CHAOS" }));
    expect(driver.describeError(err)).toMatchObject({ kind: "notSupported", code: "ISOLATION_LEVEL_NOT_SUPPORTED" });
    expect(peer.requests.count).toBe(0);
  });

  it("HTTP 500 during a batch: operational, connection invalidated, rolled back and safe to retry; nothing committed", async () => {
    peer.failNext("500");
    const err = await caught(c.batch!([s(`insert into ${items} (name) values ('a')`), s(`insert into ${items} (name) values ('b')`)], { transaction: true }));
    expect(driver.describeError(err)).toMatchObject({
      kind: "operational",
      code: "NEON_HTTP_500",
      connectionInvalidated: true,
      outcome: "rolledBack",
      retrySafe: true,
      httpStatus: 500,
    });
    expect(await names()).toEqual([]);
    // As promised, the same batch can simply be sent again.
    await c.batch!([s(`insert into ${items} (name) values ('a')`), s(`insert into ${items} (name) values ('b')`)], { transaction: true });
    expect(await names()).toEqual(["a", "b"]);
    expect(peer.requests.log.map((l) => l.status)).toEqual([500, 200]);
  });

  it("a connection dropped before the answer: operational, outcome unknown, not safe to retry; nothing committed here", async () => {
    peer.failNext("drop");
    const err = await caught(c.batch!([s(`insert into ${items} (name) values ('a')`)], { transaction: true }));
    expect(driver.describeError(err)).toMatchObject({ kind: "operational", code: "NEON_FETCH_FAILED", connectionInvalidated: true, outcome: "unknown", retrySafe: false });
    expect(await names()).toEqual([]);
    expect(peer.requests.log.map((l) => l.status)).toEqual(["dropped"]);
  });

  it("…because the same failure can follow a COMMIT: the answer is lost, the rows are there", async () => {
    peer.failNext("dropAfterCommit");
    const err = await caught(c.batch!([s(`insert into ${items} (name) values ('a')`)], { transaction: true }));
    expect(driver.describeError(err)).toMatchObject({ code: "NEON_FETCH_FAILED", outcome: "unknown", retrySafe: false });
    expect(await names()).toEqual(["a"]);
  });

  it("a refused connection never reached the server: rolled back and safe to retry", async () => {
    const port = await closedPort();
    const dead = createNeonHttpDriver({ url: "postgresql://postgres@neon-refused.invalid:5432/test", fetchEndpoint: `http://127.0.0.1:${port}/sql` });
    const dc = await dead.connect();
    const err = await caught(dc.execute(s("select 1")));
    expect(dead.describeError(err)).toMatchObject({ kind: "operational", code: "NEON_FETCH_FAILED", outcome: "rolledBack", retrySafe: true });
  });

  it("runs batches with transaction: false as one request per statement, stopping at the first error", async () => {
    const err = await caught(
      c.batch!([s(`insert into ${items} (name) values ('a')`), s(`insert into ${items} (name) values ('a')`), s(`insert into ${items} (name) values ('b')`)], {
        transaction: false,
      }),
    );
    expect(driver.describeError(err)).toMatchObject({ kind: "integrity" });
    expect(await names()).toEqual(["a"]);
    expect(peer.requests.count).toBe(2);
  });

  it("neonHttp() wraps a user-made neon() function whatever its own result modes", async () => {
    const wrapped = neonHttp(neon(peer.connectionString, { arrayMode: false, fullResults: false }));
    const wc = await wrapped.connect();
    const r = await wc.execute(s("select $1::int8 as big, 2 as n", 5n));
    expect([r.columns.map((col) => col.name), r.rows]).toEqual([["big", "n"], [["5", 2]]]);
    await wrapped.dispose();
    expect(peer.requests.count).toBe(1);
  });

  it("a released connection refuses work", async () => {
    await c.release();
    expect(driver.describeError(await caught(c.execute(s("select 1"))))).toMatchObject({ kind: "interface", code: "CONNECTION_RELEASED" });
  });
});

describe("engine over neon-http", () => {
  const md = new MetaData();
  const base = uniqueName("neonh_eng");
  const t = Table(base, md, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    name: Column(StringT(40), { nullable: false, unique: true }),
    big: Column(BigInteger),
    num: Column(Numeric(30, 6)),
    flag: Column(BooleanT),
    d: Column(DateT),
    ts: Column(DateTime),
    tstz: Column(DateTime({ timezone: true })),
    js: Column(JSONT),
    jsb: Column(JSONB),
    bin: Column(LargeBinary),
    u: Column(Uuid),
    iv: Column(Interval),
    arr: Column(ARRAY(Integer)),
    dbl: Column(Double),
    txt: Column(Text),
  });
  let engine: AsyncEngine;

  beforeAll(async () => {
    await import("../../adapters/neon-http/index.js");
    // The registered URL scheme; the peer's endpoint is routed by this URL's host:port.
    engine = createAsyncEngine("postgresql+neonhttp://postgres@neon-engine.test:5432/test", {
      connectArgs: { fetchEndpoint: peer.endpoint },
    });
    expect(engine.driver.name).toBe("neon-http");
    await engine.begin((c) => md.createAll(c));
  });
  afterAll(async () => {
    await engine.begin((c) => md.dropAll(c));
    await engine.dispose();
  });
  beforeEach(async () => {
    await direct.unsafe(`truncate ${base}`);
    peer.requests.reset();
  });

  const full = {
    id: 1,
    name: "héllo 'quoted' ✓",
    big: 9223372036854775807n,
    num: "123456789012345678.123456",
    flag: true,
    d: new Date("2024-02-29T00:00:00Z"),
    ts: new Date("2024-03-01T12:34:56.789Z"),
    tstz: new Date("1999-12-31T23:59:59.999Z"),
    js: { a: [1, "x", null, true], n: 9007199254740991 },
    jsb: { z: 1, a: [true, false] },
    bin: new Uint8Array([0, 1, 2, 127, 128, 255]),
    u: "6f1c2a4e-1b2c-4d5e-8f90-a1b2c3d4e5f6",
    iv: "1 day 02:03:04.5",
    arr: [1, 2, 3],
    dbl: -1.7976931348623157e308,
    txt: "x".repeat(5000),
  };

  it("engine.begin() sends its writes as one batch at commit; plain reads run directly", async () => {
    await engine.begin(async (conn) => {
      await conn.execute(insert(t).values(full));
      await conn.execute(insert(t), [
        { id: 2, name: "b" },
        { id: 3, name: "c" },
      ]);
      expect(peer.requests.count).toBe(0);
    });
    expect(peer.requests.log.map((l) => l.statements)).toEqual([2]);
    const row = await engine.connect(async (c) => (await c.execute(select(t).where(t.c.id.eq(1)))).one());
    expect(Object.fromEntries(row._mapping.entries())).toEqual({ ...full, jsb: { a: [true, false], z: 1 } });
    const ids = await engine.connect(async (c) => (await c.scalars(select(t.c.id).where(or(t.c.big.eq(full.big), t.c.id.gt(1))).orderBy(t.c.id))).all());
    expect(ids).toEqual([1, 2, 3]);
    expect(peer.requests.count).toBe(3);
  });

  it("autocommit writes run directly, RETURNING included", async () => {
    const r = await engine.connect(async (conn) => {
      conn.executionOptions({ isolationLevel: "AUTOCOMMIT" });
      return (await conn.execute(insert(t).values({ id: 7, name: "seven", big: 9007199254740993n }).returning(t.c.id, t.c.big))).all().map((x) => [...x]);
    });
    expect(r).toEqual([[7, 9007199254740993n]]);
    expect(peer.requests.log.map((l) => l.statements)).toEqual([1]);
  });

  it("a failing statement in a commit leaves no rows behind and raises IntegrityError carrying the outcome", async () => {
    const err = await caught(
      engine.begin(async (conn) => {
        await conn.execute(insert(t).values({ id: 1, name: "a" }));
        await conn.execute(insert(t).values({ id: 2, name: "a" }));
      }),
    );
    expect(err).toBeInstanceOf(IntegrityError);
    expect(err).toMatchObject({ sqlstate: "23505", constraint: `${base}_name_key` });
    expect((err as IntegrityError).orig).toMatchObject({ outcome: "rolledBack", retrySafe: false });
    expect(await direct.unsafe(`select count(*)::int as n from ${base}`)).toEqual([{ n: 0 }]);
  });

  it("an HTTP 500 at commit: OperationalError, nothing committed, the original error says it is safe to retry", async () => {
    peer.failNext("500");
    const err = await caught(engine.begin((conn) => conn.execute(insert(t).values({ id: 1, name: "a" }))));
    expect(err).toBeInstanceOf(OperationalError);
    expect(err).toMatchObject({ connectionInvalidated: true });
    expect((err as OperationalError).orig).toMatchObject({ outcome: "rolledBack", retrySafe: true });
    expect(await direct.unsafe(`select count(*)::int as n from ${base}`)).toEqual([{ n: 0 }]);
  });

  it("a dropped connection at commit: OperationalError whose original error says the outcome is unknown", async () => {
    peer.failNext("drop");
    const err = await caught(engine.begin((conn) => conn.execute(insert(t).values({ id: 1, name: "a" }))));
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).orig).toMatchObject({ outcome: "unknown", retrySafe: false });
    expect(await direct.unsafe(`select count(*)::int as n from ${base}`)).toEqual([{ n: 0 }]);
  });

  it("a read after a queued write raises, naming the alternatives", async () => {
    const err = await caught(
      engine.begin(async (conn) => {
        await conn.execute(insert(t).values({ id: 1, name: "a" }));
        await conn.execute(select(t.c.id));
      }),
    );
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as Error).message).toMatch(/neon-http driver has no interactive transactions.*neon-ws/s);
    expect(peer.requests.count).toBe(0);
  });
});

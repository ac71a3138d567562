/**
 * libSQL remote: the Hrana v2 test server (test/fixtures/hrana-server.ts) spoken to by the real
 * @libsql/client 0.18 HTTP client (node entry) and its web entry (the one Workers use), the
 * adapter over both, the `sqlite+libsql://host:port` URL mapping, and the engine end to end.
 */
import { createClient } from "@libsql/client";
import { createClient as createWebClient } from "@libsql/client/web";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLibsqlDriver, describeLibsqlError, isRemoteClient, libsql, LibsqlAdapterError } from "../../adapters/libsql/index.js";
import { libsqlClientUrl } from "../../adapters/libsql/register.js";
import type { Driver, DriverConnection } from "../../src/engine/driver/contract.js";
import type { DriverFactoryArgs } from "../../src/engine/driver/registry.js";
import { IntegrityError, ProgrammingError } from "../../src/errors.js";
import { createAsyncEngine, insert, select } from "../../src/index.js";
import { Column, MetaData, Table } from "../../src/sql/schema.js";
import { Integer, String as Str } from "../../src/sql/types/index.js";
import { startHranaServer, type HranaServer } from "../fixtures/hrana-server.js";

const s = (sql: string, ...params: unknown[]) => ({ sql, params });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

/** POST one pipeline body to the server and return status and JSON. */
async function pipeline(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}/v2/pipeline`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

const stmt = (sql: string, args: unknown[] = []) => ({ sql, args, want_rows: true });

let server: HranaServer;

beforeAll(async () => {
  server = await startHranaServer({ busyTimeoutMs: 1500 });
  const c = createClient({ url: server.url });
  await c.batch!(
    [
      "create table lsr_items (id integer primary key, name text not null unique, qty integer, data blob)",
      "create table lsr_parent (id integer primary key)",
      "create table lsr_child (id integer primary key, pid integer references lsr_parent(id), ck integer, constraint ck_pos check (ck > 0))",
      "create table lsr_conc (id integer primary key, v text)",
    ],
    "write",
  );
  c.close();
});
afterAll(async () => {
  await server.stop();
});

describe("Hrana v2 server: wire protocol", () => {
  it("answers GET /v2 (version probe) and 404 for v3 endpoints, so v3-probing clients fall back to v2", async () => {
    expect((await fetch(`${server.url}/v2`)).status).toBe(200);
    expect((await fetch(`${server.url}/v3-protobuf`)).status).toBe(404);
  });

  it("execute encodes values as Hrana values and closes the stream on request", async () => {
    const { status, json } = await pipeline(server.url, {
      requests: [
        {
          type: "execute",
          stmt: stmt("select ? as i, ? as f, ? as t, ? as b, ? as n, typeof(?) as tf", [
            { type: "integer", value: "9007199254740993" },
            { type: "float", value: 1.5 },
            { type: "text", value: "héllo" },
            { type: "blob", base64: "AQID" },
            { type: "null" },
            { type: "float", value: 2 },
          ]),
        },
        { type: "close" },
      ],
    });
    expect(status).toBe(200);
    expect(json.baton).toBeNull();
    expect(json.results[0]).toEqual({
      type: "ok",
      response: {
        type: "execute",
        result: {
          cols: [
            { name: "i", decltype: null },
            { name: "f", decltype: null },
            { name: "t", decltype: null },
            { name: "b", decltype: null },
            { name: "n", decltype: null },
            { name: "tf", decltype: null },
          ],
          rows: [
            [
              { type: "integer", value: "9007199254740993" },
              { type: "float", value: 1.5 },
              { type: "text", value: "héllo" },
              { type: "blob", base64: "AQID" },
              { type: "null" },
              // A float argument binds as REAL, as on sqld.
              { type: "text", value: "real" },
            ],
          ],
          affected_row_count: 0,
          last_insert_rowid: expect.any(String),
        },
      },
    });
    expect(json.results[1]).toEqual({ type: "ok", response: { type: "close" } });
  });

  it("batch evaluates ok/error/not/and/or/is_autocommit conditions and reports per-step results", async () => {
    const { json } = await pipeline(server.url, {
      requests: [
        {
          type: "batch",
          batch: {
            steps: [
              { stmt: stmt("select 1") },
              { stmt: stmt("select * from lsr_nope") },
              { condition: { type: "ok", step: 0 }, stmt: stmt("select 2") },
              { condition: { type: "ok", step: 1 }, stmt: stmt("select 3") },
              { condition: { type: "error", step: 1 }, stmt: stmt("select 4") },
              { condition: { type: "not", cond: { type: "ok", step: 0 } }, stmt: stmt("select 5") },
              { condition: { type: "and", conds: [{ type: "ok", step: 0 }, { type: "error", step: 1 }] }, stmt: stmt("select 6") },
              { condition: { type: "or", conds: [{ type: "ok", step: 3 }, { type: "ok", step: 1 }] }, stmt: stmt("select 7") },
              { condition: { type: "is_autocommit" }, stmt: stmt("select 8") },
            ],
          },
        },
        { type: "close" },
      ],
    });
    const r = json.results[0].response.result;
    const ran = r.step_results.map((x: any) => (x === null ? null : x.rows[0][0].value));
    expect(ran).toEqual(["1", null, "2", null, "4", null, "6", null, "8"]);
    expect(r.step_errors[1]).toEqual({ message: "SQL input error: no such table: lsr_nope", code: "SQL_INPUT_ERROR" });
    expect(r.step_errors.filter((e: unknown) => e !== null)).toHaveLength(1);
  });

  it("keeps batons: a stream's transaction spans requests; store_sql/sql_id, sequence, describe, get_autocommit", async () => {
    const a = await pipeline(server.url, {
      requests: [
        { type: "execute", stmt: stmt("begin") },
        { type: "store_sql", sql_id: 1, sql: "insert into lsr_conc (v) values (?)" },
        { type: "execute", stmt: { sql_id: 1, args: [{ type: "text", value: "baton" }] } },
        { type: "get_autocommit" },
      ],
    });
    expect(a.json.results.map((x: any) => x.type)).toEqual(["ok", "ok", "ok", "ok"]);
    expect(a.json.results[2].response.result.affected_row_count).toBe(1);
    expect(a.json.results[3].response).toEqual({ type: "get_autocommit", is_autocommit: false });
    const baton = a.json.baton as string;
    expect(typeof baton).toBe("string");

    const b = await pipeline(server.url, {
      baton,
      requests: [
        { type: "execute", stmt: stmt("select count(*) from lsr_conc where v = 'baton'") },
        { type: "describe", sql: "select id, v from lsr_conc where id = ? and v = :v" },
        { type: "sequence", sql: "rollback; select 1;" },
        { type: "get_autocommit" },
        { type: "close_sql", sql_id: 1 },
        { type: "close" },
      ],
    });
    expect(b.json.results[0].response.result.rows).toEqual([[{ type: "integer", value: "1" }]]);
    expect(b.json.results[1].response).toEqual({
      type: "describe",
      result: {
        params: [{ name: null }, { name: ":v" }],
        cols: [
          { name: "id", decltype: "INTEGER" },
          { name: "v", decltype: "TEXT" },
        ],
        is_explain: false,
        is_readonly: true,
      },
    });
    expect(b.json.results[3].response).toEqual({ type: "get_autocommit", is_autocommit: true });
    expect(b.json.baton).toBeNull();
    // Batons are single-use, and a closed stream's baton is gone.
    const again = await pipeline(server.url, { baton, requests: [{ type: "close" }] });
    expect(again.status).toBe(400);
    expect(again.json).toEqual({ message: "The stream has expired due to inactivity", code: "STREAM_EXPIRED" });
    const c = createClient({ url: server.url });
    expect((await c.execute("select count(*) as n from lsr_conc where v = 'baton'")).rows[0]!.n).toBe(0);
    c.close();
  });

  it("reports sqld's error codes", async () => {
    const { json } = await pipeline(server.url, {
      requests: [
        { type: "execute", stmt: stmt("insert into lsr_parent (id) values (1)") },
        { type: "execute", stmt: stmt("insert into lsr_parent (id) values (1)") },
        { type: "execute", stmt: stmt("select 1; select 2") },
        { type: "execute", stmt: stmt("   ") },
        { type: "execute", stmt: stmt("selec 1") },
        { type: "execute", stmt: { sql: "select ?", args: [{ type: "null" }], named_args: [{ name: ":a", value: { type: "null" } }] } },
        { type: "execute", stmt: stmt("delete from lsr_parent") },
        { type: "close" },
      ],
    });
    const errs = json.results.map((x: any) => (x.type === "error" ? x.error : null));
    expect(errs[0]).toBeNull();
    expect(errs[1]).toEqual({ message: "SQLite error: UNIQUE constraint failed: lsr_parent.id", code: "SQLITE_CONSTRAINT" });
    expect(errs[2]).toEqual({ message: "SQL string contains more than one statement", code: "SQL_MANY_STATEMENTS" });
    expect(errs[3]).toEqual({ message: "SQL string does not contain any statement", code: "SQL_NO_STATEMENT" });
    expect(errs[4]).toEqual({ message: 'SQL input error: near "selec": syntax error', code: "SQL_INPUT_ERROR" });
    expect(errs[5].code).toBe("ARGS_BOTH_POSITIONAL_AND_NAMED");
    expect(json.results[6].response.result.affected_row_count).toBe(1);
  });

  it("requires the auth token when configured (HTTP 401 otherwise)", async () => {
    const guarded = await startHranaServer({ authToken: "sekret" });
    try {
      const bad = createLibsqlDriver({ url: guarded.url });
      const c1 = await bad.connect();
      const err = await caught(c1.execute(s("select 1")));
      expect(bad.describeError(err)).toMatchObject({ kind: "operational", code: "SERVER_ERROR" });
      await bad.dispose();
      const good = createLibsqlDriver({ url: guarded.url, authToken: "sekret" });
      const c2 = await good.connect();
      expect((await c2.execute(s("select 41 + 1"))).rows).toEqual([[42]]);
      await good.dispose();
    } finally {
      await guarded.stop();
    }
  });
});

describe.each([
  ["node entry (@libsql/client)", (url: string) => createLibsqlDriver({ url })],
  ["web entry (@libsql/client/web)", (url: string) => libsql(createWebClient({ url }))],
] as const)("libsql adapter over HTTP, %s", (_label, make) => {
  let driver: Driver;
  const open: DriverConnection[] = [];
  const connect = async () => {
    const c = await driver.connect();
    open.push(c);
    return c;
  };

  beforeEach(async () => {
    for (const c of open.splice(0)) await c.release();
    await driver?.dispose();
    driver = make(server.url);
    const c = await connect();
    await c.batch!(
      [s("delete from lsr_child"), s("delete from lsr_parent"), s("delete from lsr_items"), s("delete from lsr_conc")],
      { transaction: true },
    );
    server.resetLog();
  });
  afterAll(async () => {
    for (const c of open.splice(0)) await c.release();
    await driver.dispose();
  });

  it("declares remote capabilities: connections are not serialized in the client", () => {
    expect(driver.capabilities).toMatchObject({ interactiveTransactions: true, atomicBatch: true, concurrentConnections: true, savepoints: true });
  });

  it("executes with one request per statement: values, RETURNING, rowsAffected, lastInsertRowid", async () => {
    const c = await connect();
    const ins = await c.execute(s("insert into lsr_items (name, qty, data) values (?, ?, ?)", "a", 2, new Uint8Array([7, 8])));
    expect(ins.rowsAffected).toBe(1);
    expect(typeof ins.lastInsertRowid).toBe("number");
    const ret = await c.execute(s("insert into lsr_items (name, qty) values (?, ?), (?, ?) returning name, qty", "b", 3, "c", null));
    expect(ret.rows).toEqual([
      ["b", 3],
      ["c", null],
    ]);
    expect(ret.rowsAffected).toBe(2);
    const sel = await c.execute(s("select name, qty, data from lsr_items order by name"));
    expect(sel.columns).toEqual([
      { name: "name", type: "TEXT" },
      { name: "qty", type: "INTEGER" },
      { name: "data", type: "BLOB" },
    ]);
    expect(sel.rows).toEqual([
      ["a", 2, new Uint8Array([7, 8])],
      ["b", 3, null],
      ["c", null, null],
    ]);
    expect(sel.rowsAffected).toBe(-1);
    const upd = await c.execute(s("update lsr_items set qty = 0"));
    expect(upd.rowsAffected).toBe(3);
    expect(server.requests).toBe(4);
    expect(server.log.map((e) => e.requests)).toEqual(Array(4).fill(["execute", "close"]));
  });

  it("batch({ transaction: true }) is one request and atomic: a failing statement writes nothing", async () => {
    const c = await connect();
    const ok = await c.batch!([s("insert into lsr_items (name) values (?)", "x"), s("insert into lsr_items (name) values (?) returning id, name", "y")], {
      transaction: true,
    });
    expect(ok.map((r) => r.rowsAffected)).toEqual([1, 1]);
    expect(ok[1]!.rows[0]![1]).toBe("y");
    expect(server.requests).toBe(1);
    expect(server.log[0]!.sql).toEqual(["BEGIN IMMEDIATE", "insert into lsr_items (name) values (?)", "insert into lsr_items (name) values (?) returning id, name", "COMMIT"]);

    server.resetLog();
    const err = await caught(
      c.batch!([s("insert into lsr_items (name) values (?)", "z"), s("insert into lsr_items (name) values (?)", "x"), s("insert into lsr_items (name) values (?)", "w")], {
        transaction: true,
      }),
    );
    expect(driver.describeError(err)).toMatchObject({ kind: "integrity", code: "SQLITE_CONSTRAINT" });
    expect(server.requests).toBe(1);
    // The third statement never ran; ROLLBACK did.
    expect(server.log[0]!.sql).toEqual([
      "BEGIN IMMEDIATE",
      "insert into lsr_items (name) values (?)",
      "insert into lsr_items (name) values (?)",
      "ROLLBACK",
    ]);
    expect((await c.execute(s("select name from lsr_items order by name"))).rows).toEqual([["x"], ["y"]]);
  });

  it("interactive transaction: BEGIN rides with the first write, reads see own writes, rollback undoes them", async () => {
    const c = await connect();
    await c.begin!();
    expect(server.requests).toBe(0); // deferred: nothing sent yet
    await c.execute(s("insert into lsr_items (name) values (?)", "tx1"));
    expect(server.log[0]!.sql).toEqual(["BEGIN IMMEDIATE", "insert into lsr_items (name) values (?)"]);
    await c.execute(s("insert into lsr_items (name) values (?)", "tx2"));
    expect((await c.execute(s("select count(*) from lsr_items"))).rows).toEqual([[2]]);
    // Another connection does not see the uncommitted rows (and does not wait for them: WAL).
    const other = await connect();
    expect((await other.execute(s("select count(*) from lsr_items"))).rows).toEqual([[0]]);
    await c.rollback!();
    expect((await other.execute(s("select count(*) from lsr_items"))).rows).toEqual([[0]]);
    expect(server.openStreams).toBe(0);

    await c.begin!();
    await c.execute(s("insert into lsr_items (name) values (?)", "kept"));
    server.resetLog();
    await c.commit!();
    expect(server.log.map((e) => [e.withBaton, e.requests, e.sql])).toEqual([[true, ["execute", "close"], ["COMMIT"]]]);
    expect((await other.execute(s("select name from lsr_items"))).rows).toEqual([["kept"]]);
  });

  it("a transaction that only read sends no COMMIT and leaves no stream open", async () => {
    const c = await connect();
    await c.begin!();
    await c.execute(s("select count(*) from lsr_items"));
    await c.commit!();
    expect(server.log.map((e) => e.requests)).toEqual([["execute", "close"]]);
    expect(server.openStreams).toBe(0);
  });

  it("batch inside a transaction: one request with a savepoint; a failure undoes only the batch", async () => {
    const c = await connect();
    await c.begin!();
    await c.execute(s("insert into lsr_items (name) values (?)", "before"));
    server.resetLog();
    await c.batch!([s("insert into lsr_items (name) values (?)", "b1"), s("insert into lsr_items (name) values (?)", "b2")], { transaction: true });
    expect(server.requests).toBe(1);
    const err = await caught(
      c.batch!([s("insert into lsr_items (name) values (?)", "b3"), s("insert into lsr_items (name) values (?)", "before")], { transaction: true }),
    );
    expect(driver.describeError(err)?.kind).toBe("integrity");
    await c.commit!();
    expect((await c.execute(s("select name from lsr_items order by id"))).rows).toEqual([["before"], ["b1"], ["b2"]]);
  });

  it("connections run concurrently: a second writer waits on the server for the first COMMIT, not in the client", async () => {
    const a = await connect();
    const b = await connect();
    await a.begin!();
    await a.execute(s("insert into lsr_conc (v) values ('a')"));
    // b reads while a holds the write lock: no client-side lock, no wait.
    expect((await b.execute(s("select count(*) from lsr_conc"))).rows).toEqual([[0]]);
    await b.begin!();
    let bDone = false;
    const bWrite = b.execute(s("insert into lsr_conc (v) values ('b')")).then((r) => {
      bDone = true;
      return r;
    });
    await sleep(100);
    expect(bDone).toBe(false); // queued on the server behind a's transaction
    await a.commit!();
    expect((await bWrite).rowsAffected).toBe(1);
    await b.commit!();
    expect((await a.execute(s("select v from lsr_conc order by id"))).rows).toEqual([["a"], ["b"]]);
  });

  it("a writer blocked past the server's busy timeout fails with an operational SQLITE_BUSY", async () => {
    const a = await connect();
    const b = await connect();
    await a.begin!();
    await a.execute(s("insert into lsr_conc (v) values ('hold')"));
    await b.begin!();
    const err = await caught(b.execute(s("insert into lsr_conc (v) values ('late')")));
    expect(driver.describeError(err)).toMatchObject({ kind: "operational", code: "SQLITE_BUSY" });
    await b.rollback!();
    await a.commit!();
    expect((await b.execute(s("select v from lsr_conc"))).rows).toEqual([["hold"]]);
  });

  it("streams a query by pages inside a server-side read transaction", async () => {
    const c = await connect();
    await c.batch!(
      Array.from({ length: 5 }, (_, i) => s("insert into lsr_items (name, qty) values (?, ?)", `n${i}`, i)),
      { transaction: true },
    );
    const cur = await c.openCursor!(s("select qty from lsr_items where qty >= ? order by qty", 1), 2);
    const got: unknown[] = [];
    for (;;) {
      const rows = await cur.fetch(2);
      if (rows.length === 0) break;
      got.push(...rows.map((r) => r[0]));
    }
    await cur.close();
    expect(got).toEqual([1, 2, 3, 4]);
    expect(server.openStreams).toBe(0);
  });

  it("classifies remote errors: SQL_INPUT_ERROR → programming; CHECK/NOT NULL get their extended codes back", async () => {
    const c = await connect();
    const e1 = await caught(c.execute(s("select * from lsr_missing")));
    expect(driver.describeError(e1)).toMatchObject({ kind: "programming", code: "SQL_INPUT_ERROR" });
    const ck = await caught(c.execute(s("insert into lsr_child (pid, ck) values (null, -1)")));
    expect(driver.describeError(ck)).toMatchObject({ kind: "integrity", code: "SQLITE_CONSTRAINT_CHECK", constraint: "ck_pos" });
    const nn = await caught(c.execute(s("insert into lsr_items (name) values (null)")));
    expect(driver.describeError(nn)).toMatchObject({ kind: "integrity", code: "SQLITE_CONSTRAINT_NOTNULL" });
  });
});

describe("libsql remote: stream expiry", () => {
  it("a transaction idle past the server's stream timeout fails with STREAM_EXPIRED and nothing is committed", async () => {
    const short = await startHranaServer({ streamIdleTimeoutMs: 150 });
    const driver = createLibsqlDriver({ url: short.url });
    try {
      const c = await driver.connect();
      await c.execute(s("create table lsr_exp (v text)"));
      await c.begin!();
      await c.execute(s("insert into lsr_exp values ('lost')"));
      await sleep(400);
      const err = await caught(c.execute(s("insert into lsr_exp values ('more')")));
      expect(driver.describeError(err)).toMatchObject({ kind: "operational", code: "STREAM_EXPIRED", connectionInvalidated: true });
      await c.release();
      const d = await driver.connect();
      expect((await d.execute(s("select count(*) from lsr_exp"))).rows).toEqual([[0]]);
      await d.release();
    } finally {
      await driver.dispose();
      await short.stop();
    }
  });
});

describe("remote detection and URLs", () => {
  it("isRemoteClient: http/ws/libsql clients are remote, file and :memory: are not", () => {
    const mem = createClient({ url: ":memory:" });
    const http = createClient({ url: "http://127.0.0.1:1" });
    const ws = createClient({ url: "ws://127.0.0.1:1" });
    const web = createWebClient({ url: "libsql://127.0.0.1:1?tls=0" });
    expect([isRemoteClient(mem), isRemoteClient(http), isRemoteClient(ws), isRemoteClient(web)]).toEqual([false, true, true, true]);
    expect(libsql(mem).capabilities.concurrentConnections).toBe(false);
    expect(libsql(web).capabilities.concurrentConnections).toBe(true);
    for (const c of [mem, http, ws, web]) c.close();
  });

  it("a libsql:// URL with ?tls=0 reaches the server over plain HTTP", async () => {
    const driver = createLibsqlDriver({ url: `libsql://127.0.0.1:${new URL(server.url).port}?tls=0` });
    const c = await driver.connect();
    expect((await c.execute(s("select 'via libsql://' as v"))).rows).toEqual([["via libsql://"]]);
    await c.release();
    await driver.dispose();
  });

  const args = (over: Partial<DriverFactoryArgs>): DriverFactoryArgs => ({ drivername: "sqlite+libsql", query: {}, ...over });

  it("maps sqlite+libsql URLs to @libsql/client URLs", () => {
    expect(libsqlClientUrl(args({}))).toBe(":memory:");
    expect(libsqlClientUrl(args({ database: "rel.db" }))).toBe("file:rel.db");
    expect(libsqlClientUrl(args({ host: "127.0.0.1", port: 8080 }))).toBe("http://127.0.0.1:8080");
    expect(libsqlClientUrl(args({ host: "db-org.turso.io", query: { secure: "true", authToken: "T" } }))).toBe("https://db-org.turso.io");
    expect(libsqlClientUrl(args({ host: "db-org.turso.io", query: { secure: "true", transport: "ws" } }))).toBe("wss://db-org.turso.io");
    expect(libsqlClientUrl(args({ host: "h", port: 1, query: { transport: "ws" } }))).toBe("ws://h:1");
    expect(libsqlClientUrl(args({ host: "h", query: { protocol: "libsql" } }))).toBe("libsql://h");
    expect(libsqlClientUrl(args({ host: "::1", port: 8080 }))).toBe("http://[::1]:8080");
  });

  it("rejects unknown parameters, bad flags and credentials on remote URLs, naming the option", () => {
    expect(() => libsqlClientUrl(args({ host: "h", query: { tls: "1" } }))).toThrow(LibsqlAdapterError);
    try {
      libsqlClientUrl(args({ host: "h", query: { tls: "1" } }));
    } catch (e) {
      expect(describeLibsqlError(e)).toMatchObject({ kind: "interface", code: "URL_PARAM_NOT_SUPPORTED" });
    }
    expect(() => libsqlClientUrl(args({ host: "h", query: { tls: "1" } }))).toThrow(/"tls"/);
    expect(() => libsqlClientUrl(args({ host: "h", query: { secure: "yes" } }))).toThrow(/secure="yes"/);
    expect(() => libsqlClientUrl(args({ host: "h", query: { transport: "grpc" } }))).toThrow(/transport="grpc"/);
    expect(() => libsqlClientUrl(args({ host: "h", query: { protocol: "ftp" } }))).toThrow(/protocol="ftp"/);
    expect(() => libsqlClientUrl(args({ host: "h", username: "u", password: "p" }))).toThrow(/authToken/);
  });
});

describe("engine over sqlite+libsql://127.0.0.1:PORT", () => {
  const md = new MetaData();
  const users = Table("lsr_users", md, {
    id: Column(Integer, { primaryKey: true }),
    name: Column(Str(50), { nullable: false, unique: true }),
  });

  it("creates tables, writes in engine.begin(), reads, and raises IntegrityError/ProgrammingError", async () => {
    const engine = createAsyncEngine(`sqlite+libsql://127.0.0.1:${new URL(server.url).port}`);
    try {
      expect(engine.driver.capabilities.concurrentConnections).toBe(true);
      await engine.begin((conn) => md.createAll(conn));
      const ids = await engine.begin(async (conn) => {
        const r = await conn.execute(insert(users).values([{ name: "ann" }, { name: "bob" }]).returning(users.c.id));
        return r.scalars().all();
      });
      expect(ids).toHaveLength(2);
      const names = await engine.connect(async (conn) => (await conn.scalars(select(users.c.name).orderBy(users.c.name))).all());
      expect(names).toEqual(["ann", "bob"]);
      await expect(engine.begin((conn) => conn.execute(insert(users).values({ name: "ann" })))).rejects.toBeInstanceOf(IntegrityError);
      const absent = Table("lsr_absent", new MetaData(), { id: Column(Integer, { primaryKey: true }) });
      await expect(engine.connect((conn) => conn.execute(insert(absent).values({ id: 1 })))).rejects.toBeInstanceOf(ProgrammingError);
      expect(await engine.connect(async (conn) => (await conn.scalars(select(users.c.name))).all())).toHaveLength(2);
    } finally {
      await engine.begin((conn) => md.dropAll(conn)).catch(() => {});
      await engine.dispose();
    }
  });
});

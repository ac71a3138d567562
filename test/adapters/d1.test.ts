/**
 * The D1 adapter against real D1: miniflare runs workerd's D1 (SQLite in a Durable Object) and
 * `getD1Database()` hands Node a proxy of the same binding a Worker gets in `env`.
 * Requests are counted by wrapping the binding (every `run`/`all`/`raw`/`batch` is one D1
 * request); the database itself is never simulated.
 */
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { d1, D1AdapterError, describeD1Error, type D1DatabaseLike, type D1PreparedStatementLike } from "../../adapters/d1/index.js";
import type { Driver, DriverConnection } from "../../src/engine/driver/contract.js";
import { IntegrityError, InvalidRequestError, ProgrammingError } from "../../src/errors.js";
import { createAsyncEngine, insert, select, update } from "../../src/index.js";
import { Column, MetaData, Table } from "../../src/sql/schema.js";
import { Integer, String as Str } from "../../src/sql/types/index.js";

const s = (sql: string, ...params: unknown[]) => ({ sql, params });

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

interface Counted {
  readonly db: D1DatabaseLike;
  /** One entry per D1 request: "run"/"all"/"raw" with the SQL, or "batch" with the statement count. */
  readonly requests: string[];
}

/** Wrap a binding so each D1 request is recorded; the statements still run on the real D1. */
function counting(real: D1DatabaseLike): Counted {
  const requests: string[] = [];
  const inner = new WeakMap<D1PreparedStatementLike, D1PreparedStatementLike>();
  const wrap = (st: D1PreparedStatementLike, sql: string): D1PreparedStatementLike => {
    const w: D1PreparedStatementLike = {
      bind: (...v) => wrap(st.bind(...v), sql),
      run: () => (requests.push(`run ${sql}`), st.run()),
      all: () => (requests.push(`all ${sql}`), st.all()),
      raw: (o) => (requests.push(`raw ${sql}`), st.raw(o)),
    };
    inner.set(w, st);
    return w;
  };
  return {
    requests,
    db: {
      prepare: (sql) => wrap(real.prepare(sql), sql),
      batch: (stmts) => (requests.push(`batch ${stmts.length}`), real.batch(stmts.map((x) => inner.get(x) ?? x))),
    },
  };
}

let mf: Miniflare;
let raw: D1DatabaseLike;

beforeAll(async () => {
  mf = new Miniflare({ modules: true, script: "export default { fetch() { return new Response('ok') } }", d1Databases: ["DB"] });
  raw = await mf.getD1Database("DB");
  await raw.batch([
    raw.prepare("create table d1a_items (id integer primary key, name text not null unique, qty integer, data blob, flag integer)"),
    raw.prepare("create table d1a_parent (id integer primary key)"),
    raw.prepare("create table d1a_child (id integer primary key, pid integer references d1a_parent(id), ck integer, constraint ck_pos check (ck > 0))"),
  ]);
});
afterAll(async () => {
  await mf.dispose();
});

describe("d1 adapter", () => {
  let counted: Counted;
  let driver: Driver;
  let conn: DriverConnection;

  beforeEach(async () => {
    await raw.batch([raw.prepare("delete from d1a_child"), raw.prepare("delete from d1a_parent"), raw.prepare("delete from d1a_items")]);
    counted = counting(raw);
    driver = d1(counted.db);
    conn = await driver.connect();
  });

  it("declares D1's capabilities: no interactive transactions, atomic batch, 100 parameters", () => {
    expect(driver.dialect).toBe("sqlite");
    expect(driver.paramstyle).toBe("qmark");
    expect(driver.name).toBe("d1");
    expect(driver.capabilities).toEqual({
      interactiveTransactions: false,
      atomicBatch: true,
      streaming: false,
      savepoints: false,
      returning: true,
      concurrentConnections: true,
      maxParams: 100,
    });
    expect(conn.begin).toBeUndefined();
    expect(conn.commit).toBeUndefined();
    expect(conn.rollback).toBeUndefined();
    expect(conn.openCursor).toBeUndefined();
  });

  it("execute: run() for plain DML (rowsAffected, lastInsertRowid), raw() for rows as arrays", async () => {
    const ins = await conn.execute(s("insert into d1a_items (name, qty) values (?, ?)", "a", 1));
    expect(ins).toEqual({ columns: [], rows: [], rowsAffected: 1, lastInsertRowid: expect.any(Number) });
    const ret = await conn.execute(s("insert into d1a_items (name, qty) values (?, ?), (?, ?) returning name, qty", "b", 2, "c", 3));
    expect(ret.columns).toEqual([{ name: "name" }, { name: "qty" }]);
    expect(ret.rows).toEqual([
      ["b", 2],
      ["c", 3],
    ]);
    expect(ret.rowsAffected).toBe(2);
    const upd = await conn.execute(s("update d1a_items set qty = qty + 1 where qty >= ?", 2));
    expect(upd.rowsAffected).toBe(2);
    const del = await conn.execute(s("delete from d1a_items where name = ? returning id", "c"));
    expect(del.rowsAffected).toBe(1);
    // Duplicate column names survive (raw() keeps arrays), as does column order.
    const dup = await conn.execute(s("select name as x, qty as x, 'lit' as \"0\" from d1a_items order by name"));
    expect(dup.columns.map((c) => c.name)).toEqual(["x", "x", "0"]);
    expect(dup.rows).toEqual([
      ["a", 1, "lit"],
      ["b", 3, "lit"],
    ]);
    expect(dup.rowsAffected).toBe(-1);
    const empty = await conn.execute(s("select id from d1a_items where 0"));
    expect(empty).toEqual({ columns: [{ name: "id" }], rows: [], rowsAffected: -1 });
    expect(counted.requests.map((r) => r.split(" ")[0])).toEqual(["run", "raw", "run", "raw", "raw", "raw"]);
  });

  it("maps parameters to what D1 accepts: booleans 1/0, safe bigints, BLOBs both ways, undefined as NULL", async () => {
    await conn.execute(s("insert into d1a_items (name, qty, data, flag) values (?, ?, ?, ?)", "blob", 12n, new Uint8Array([0, 1, 255]), true));
    await conn.execute(s("insert into d1a_items (name, qty, flag) values (?, ?, ?)", "nul", undefined, false));
    const r = await conn.execute(s("select name, qty, typeof(qty), data, flag from d1a_items order by name"));
    expect(r.rows).toEqual([
      ["blob", 12, "integer", new Uint8Array([0, 1, 255]), 1],
      ["nul", null, "null", null, 0],
    ]);
    const big = await caught(conn.execute(s("select ?", 2n ** 53n)));
    expect(big).toBeInstanceOf(D1AdapterError);
    expect(driver.describeError(big)).toMatchObject({ kind: "data", code: "D1_INTEGER_OUT_OF_RANGE" });
    expect(counted.requests.filter((x) => x.startsWith("raw select ?"))).toEqual([]); // refused before any request
  });

  it("raw D1 rejects bigint and undefined itself (D1_TYPE_ERROR → interface)", async () => {
    // bind() validates synchronously.
    const e1 = await caught((async () => raw.prepare("select ?").bind(1n).raw({ columnNames: true }))());
    expect((e1 as Error).message).toMatch(/^D1_TYPE_ERROR: Type 'bigint' not supported/);
    expect(describeD1Error(e1)).toMatchObject({ kind: "interface", code: "D1_TYPE_ERROR" });
    const e2 = await caught((async () => raw.prepare("select ?").bind(undefined).raw({ columnNames: true }))());
    expect(describeD1Error(e2)).toMatchObject({ kind: "interface", code: "D1_TYPE_ERROR" });
  });

  it("never sends BEGIN: transaction-control statements are refused before reaching D1", async () => {
    for (const sql of ["BEGIN", "begin immediate", "COMMIT", "ROLLBACK", "SAVEPOINT x", "RELEASE x", "  /* c */ END"]) {
      const err = await caught(conn.execute(s(sql)));
      expect(driver.describeError(err)).toMatchObject({ kind: "notSupported", code: "D1_NO_TRANSACTIONS" });
    }
    await expect(conn.batch!([s("insert into d1a_parent values (1)"), s("SAVEPOINT y")], { transaction: true })).rejects.toThrow(/D1 rejects BEGIN/);
    expect(counted.requests).toEqual([]);
    // D1 itself refuses BEGIN with a Durable Objects message; it is classified notSupported too.
    const real = await caught(raw.prepare("BEGIN").run());
    expect(describeD1Error(real)).toMatchObject({ kind: "notSupported", code: "D1_ERROR" });
  });

  it("batch({ transaction: true }) is one request; a constraint violation writes nothing and is an integrity error", async () => {
    const ok = await conn.batch!(
      [
        s("insert into d1a_parent (id) values (?)", 1),
        s("insert into d1a_items (name, qty) values (?, ?) returning id, name", "p", 5),
        s("update d1a_items set qty = ? where name = ?", 6, "p"),
        s("select qty from d1a_items where name = ?", "p"),
      ],
      { transaction: true },
    );
    expect(counted.requests).toEqual(["batch 4"]);
    expect(ok.map((r) => r.rowsAffected)).toEqual([1, 1, 1, -1]);
    expect(ok[1]!.columns).toEqual([{ name: "id" }, { name: "name" }]);
    expect(ok[1]!.rows).toEqual([[expect.any(Number), "p"]]);
    expect(ok[3]!.rows).toEqual([[6]]);

    const err = await caught(
      conn.batch!(
        [
          s("insert into d1a_items (name) values (?)", "new1"),
          s("insert into d1a_child (pid, ck) values (?, ?)", 1, 1),
          s("insert into d1a_items (name) values (?)", "p"), // UNIQUE violation
          s("insert into d1a_items (name) values (?)", "new2"),
        ],
        { transaction: true },
      ),
    );
    expect(driver.describeError(err)).toEqual({
      kind: "integrity",
      code: "SQLITE_CONSTRAINT_UNIQUE",
      message: "D1_ERROR: UNIQUE constraint failed: d1a_items.name: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)",
    });
    const after = await raw.prepare("select (select count(*) from d1a_items) as i, (select count(*) from d1a_child) as c").raw({ columnNames: true });
    expect(after).toEqual([["i", "c"], [1, 0]]);
  });

  it("batch({ transaction: false }) runs statement by statement and keeps what ran before an error", async () => {
    const err = await caught(
      conn.batch!([s("insert into d1a_items (name) values ('k1')"), s("insert into d1a_items (name) values ('k1')"), s("insert into d1a_items (name) values ('k2')")], {
        transaction: false,
      }),
    );
    expect(driver.describeError(err)?.kind).toBe("integrity");
    expect(counted.requests).toHaveLength(2);
    expect(await raw.prepare("select name from d1a_items").raw({ columnNames: true })).toEqual([["name"], ["k1"]]);
  });

  it("an empty batch sends nothing (D1 itself rejects it: 'No SQL statements detected')", async () => {
    expect(await conn.batch!([], { transaction: true })).toEqual([]);
    expect(counted.requests).toEqual([]);
    expect(describeD1Error(await caught(raw.batch([])))).toMatchObject({ kind: "programming" });
  });

  it("batch rows come from D1's objects: a multi-column row with an index-like column name raises instead of reordering", async () => {
    const err = await caught(conn.batch!([s("select 1 as a, 2 as \"0\"")], { transaction: true }));
    expect(driver.describeError(err)).toMatchObject({ kind: "notSupported", code: "D1_BATCH_COLUMN_ORDER" });
    const one = await conn.batch!([s("select 7 as \"0\"")], { transaction: true });
    expect(one[0]!.rows).toEqual([[7]]);
  });

  it("enforces 100 bound parameters per statement (D1's limit, as miniflare)", async () => {
    const inList = (n: number) => s(`select count(*) from d1a_items where id in (${Array(n).fill("?").join(",")})`, ...Array.from({ length: n }, (_, i) => i));
    expect((await conn.execute(inList(100))).rows).toEqual([[0]]);
    const err = await caught(conn.execute(inList(101)));
    expect((err as Error).message).toMatch(/too many SQL variables/);
    expect(driver.describeError(err)).toMatchObject({ kind: "programming", code: "SQLITE_ERROR" });
  });

  it("classifies SQLite errors carried in D1 messages", async () => {
    const cases: [string, unknown[], object][] = [
      ["select * from d1a_missing", [], { kind: "programming", code: "SQLITE_ERROR" }],
      ["selec 1", [], { kind: "programming", code: "SQLITE_ERROR" }],
      ["insert into d1a_child (pid, ck) values (?, ?)", [42, 1], { kind: "integrity", code: "SQLITE_CONSTRAINT_FOREIGNKEY" }],
      ["insert into d1a_child (pid, ck) values (?, ?)", [null, -1], { kind: "integrity", code: "SQLITE_CONSTRAINT_CHECK", constraint: "ck_pos" }],
      ["insert into d1a_items (name) values (?)", [null], { kind: "integrity", code: "SQLITE_CONSTRAINT_NOTNULL" }],
    ];
    for (const [sql, params, want] of cases) {
      expect(driver.describeError(await caught(conn.execute(s(sql, ...params))))).toMatchObject(want);
    }
    expect(describeD1Error(new Error("D1_ERROR: Network connection lost."))).toMatchObject({ kind: "operational", code: "D1_ERROR" });
    expect(describeD1Error(new Error("something else"))).toBeUndefined();
  });

  it("a released connection refuses further work", async () => {
    await conn.release();
    expect(driver.describeError(await caught(conn.execute(s("select 1"))))).toMatchObject({ kind: "interface", code: "CONNECTION_RELEASED" });
  });
});

describe("engine over d1(db): transactions become one batch at commit", () => {
  const md = new MetaData();
  const users = Table("d1e_users", md, {
    id: Column(Integer, { primaryKey: true }),
    name: Column(Str(50), { nullable: false, unique: true }),
  });
  let counted: Counted;

  beforeEach(() => {
    counted = counting(raw);
  });

  async function names(engine: ReturnType<typeof createAsyncEngine>): Promise<unknown[]> {
    return engine.connect(async (c) => (await c.execute(select(users.c.name).orderBy(users.c.id))).scalars().all());
  }

  it("DDL, writes and reads; writes in engine.begin() are one D1 batch; no BEGIN is ever sent", async () => {
    const engine = createAsyncEngine(d1(counted.db));
    await engine.begin((c) => md.createAll(c));
    // The checkfirst query ran directly; CREATE TABLE went out as a batch at commit.
    expect(counted.requests).toEqual([expect.stringMatching(/^raw SELECT name FROM sqlite_master/), "batch 1"]);
    counted.requests.length = 0;
    await engine.begin(async (c) => {
      await c.execute(insert(users).values([{ name: "ann" }, { name: "bob" }]));
      await c.execute(update(users).values({ name: "bea" }).where(users.c.name.eq("bob")));
    });
    expect(counted.requests).toEqual(["batch 2"]);
    expect(await names(engine)).toEqual(["ann", "bea"]);
    expect(counted.requests.some((r) => /BEGIN|SAVEPOINT|COMMIT|ROLLBACK/i.test(r))).toBe(false);
    await engine.dispose();
  });

  it("a constraint violation at commit raises IntegrityError and leaves no rows behind", async () => {
    const engine = createAsyncEngine(d1(counted.db));
    await expect(
      engine.begin(async (c) => {
        await c.execute(insert(users).values({ name: "cat" }));
        await c.execute(insert(users).values({ name: "ann" }));
      }),
    ).rejects.toBeInstanceOf(IntegrityError);
    expect(await names(engine)).toEqual(["ann", "bea"]);
    await engine.dispose();
  });

  it("work that needs a result inside the transaction raises a clear InvalidRequestError", async () => {
    const engine = createAsyncEngine(d1(counted.db));
    await expect(engine.begin((c) => c.execute(insert(users).values({ name: "dan" }).returning(users.c.id)))).rejects.toThrow(
      /d1 driver has no interactive transactions: .*RETURNING/,
    );
    await expect(
      engine.begin(async (c) => {
        await c.execute(insert(users).values({ name: "dan" }));
        await c.execute(select(users.c.id));
      }),
    ).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(engine.begin((c) => c.beginNested())).rejects.toThrow(/does not support SAVEPOINTs/);
    expect(await names(engine)).toEqual(["ann", "bea"]);
    await engine.dispose();
  });

  it("AUTOCOMMIT runs statements directly, RETURNING included; statement errors map to typed errors", async () => {
    const engine = createAsyncEngine(d1(counted.db));
    const ids = await engine.connect(async (c) => {
      const ac = await c.executionOptions({ isolationLevel: "AUTOCOMMIT" });
      return (await ac.execute(insert(users).values({ name: "eve" }).returning(users.c.id))).scalars().all();
    });
    expect(ids).toEqual([expect.any(Number)]);
    expect(await names(engine)).toEqual(["ann", "bea", "eve"]);
    const absent = Table("d1e_absent", new MetaData(), { id: Column(Integer, { primaryKey: true }) });
    await expect(engine.connect((c) => c.execute(select(absent.c.id)))).rejects.toBeInstanceOf(ProgrammingError);
    await engine.begin((c) => md.dropAll(c));
    await engine.dispose();
  });
});

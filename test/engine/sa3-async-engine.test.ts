/**
 * SQLAlchemy's test/ext/asyncio/test_engine.py, the parts not in sa-async-result.test.ts:
 * AsyncEngineTest (connection info, compiled cache, execution options, proxied attributes,
 * connect/begin forms, savepoints without context), AsyncResultTest's server-side cursor
 * errors and stream context managers, and AsyncProxyTest's transaction accessors, over 19 users.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AsyncConnection, AsyncMethodRequired, AsyncEngine, Column, delete as delete_, func, insert, Integer, InvalidRequestError, literal, MetaData, select,
  String, Table, text,
} from "../../src/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

describe.each(engineTargets())("AsyncEngine (SQLAlchemy test_engine.py) on $name", (target) => {
  const metadata = new MetaData();
  const users = Table(uniqueName("sa3ae_users"), metadata, {
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
  /** SQLAlchemy's insert_data: run before each test that reads or deletes rows. */
  async function reset(): Promise<void> {
    await h.engine.begin(async (conn) => {
      await conn.execute(delete_(users));
      await conn.execute(insert(users), range(1, 20).map((i) => ({ user_id: i, user_name: `name${i}` })));
    });
  }
  async function count(): Promise<number> {
    return h.engine.connect(async (conn) => Number(await conn.scalar(select(func.count(users.c.user_id)))));
  }

  it("test_connection_info: conn.info is a dict of the connection's own", async () => {
    await h.engine.connect(async (conn) => {
      expect(conn.info).toEqual({});
      conn.info.foo = "bar";
      expect(conn.info).toEqual({ foo: "bar" });
    });
    await h.engine.connect(async (conn) => {
      expect(conn.info).toEqual({});
    });
  });

  it("test_clear_compiled_cache: clearCompiledCache() empties the engine's cache", async () => {
    await h.engine.connect(async (conn) => {
      await conn.execute(select(users.c.user_id).where(users.c.user_id.eq(1)));
    });
    expect(h.engine.cacheStats.size).toBeGreaterThan(0);
    h.engine.clearCompiledCache();
    expect(h.engine.cacheStats.size).toBe(0);
  });

  it("test_execution_options: executionOptions() returns a new AsyncEngine, the original unchanged", () => {
    const before = h.engine.getExecutionOptions();
    const a2 = h.engine.executionOptions({ yieldPer: 7 });
    expect(a2).toBeInstanceOf(AsyncEngine);
    expect(a2).not.toBe(h.engine);
    expect(a2.getExecutionOptions()).toEqual({ ...before, yieldPer: 7 });
    expect(h.engine.getExecutionOptions()).toEqual(before);
  });

  it("test_proxied_attrs_connection: conn.engine and conn.closed", async () => {
    const conn = await h.engine.connect();
    expect(conn.engine).toBe(h.engine);
    expect(conn.closed).toBe(false);
    await conn.close();
    expect(conn.closed).toBe(true);
  });

  it("test_connect_ctxmanager / test_connect_plain", async () => {
    await h.engine.connect(async (conn) => {
      const result = await conn.execute(select(literal(1)));
      expect(result.scalar()).toBe(1);
    });
    const conn = await h.engine.connect();
    try {
      const result = await conn.execute(select(literal(1)));
      expect(result.scalar()).toBe(1);
    } finally {
      await conn.close();
    }
  });

  it("test_transaction_commit: engine.begin() commits the delete", async () => {
    await reset();
    await h.engine.begin(async (conn) => {
      await conn.execute(delete_(users));
    });
    expect(await count()).toBe(0);
  });

  it("test_savepoint_rollback_noctx: a savepoint rolled back without context keeps the rows", async () => {
    await reset();
    await h.engine.begin(async (conn) => {
      const savepoint = await conn.beginNested();
      await conn.execute(delete_(users));
      await savepoint.rollback();
    });
    expect(await count()).toBe(19);
  });

  it("test_savepoint_commit_noctx: a savepoint committed without context keeps the delete", async () => {
    await reset();
    await h.engine.begin(async (conn) => {
      const savepoint = await conn.beginNested();
      await conn.execute(delete_(users));
      await savepoint.commit();
    });
    expect(await count()).toBe(0);
  });

  it("test_transaction_rollback: a begun transaction rolled back keeps the rows", async () => {
    await reset();
    await h.engine.connect(async (conn) => {
      const trans = await conn.begin();
      await conn.execute(delete_(users));
      await trans.rollback();
    });
    expect(await count()).toBe(19);
  });

  it("test_engine_aclose: a connection used in await using is closed afterwards; the commit stands", async () => {
    await reset();
    let outer: AsyncConnection;
    {
      await using conn = await h.engine.connect();
      outer = conn;
      const trans = await conn.begin();
      await conn.execute(delete_(users));
      await trans.commit();
    }
    expect(outer.closed).toBe(true);
    expect(await count()).toBe(0);
  });

  it("test_no_ss_cursor_w_execute: execute() with streamResults raises AsyncMethodRequired", async () => {
    await h.engine.connect(async (c) => {
      const conn = c.executionOptions({ streamResults: true });
      const err = await conn.execute(select(users)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AsyncMethodRequired);
      expect(err).toBeInstanceOf(InvalidRequestError);
      expect((err as Error).message).toBe(
        "Can't use the AsyncConnection.execute() method with a server-side cursor. Use the AsyncConnection.stream() method for an async streaming result set.",
      );
    });
    // Set on the statement, as SQLAlchemy's execution_options(stream_results=True).
    await h.engine.connect(async (conn) => {
      await expect(conn.execute(select(users).executionOptions({ streamResults: true }))).rejects.toThrow(AsyncMethodRequired);
    });
  });

  it("test_no_ss_cursor_w_exec_driver_sql: execDriverSql() with streamResults raises AsyncMethodRequired", async () => {
    await h.engine.connect(async (c) => {
      const conn = c.executionOptions({ streamResults: true });
      await expect(conn.execDriverSql(`SELECT * FROM ${users.name}`)).rejects.toThrow(
        /^Can't use the AsyncConnection\.execDriverSql\(\) method with a server-side cursor\. Use the AsyncConnection\.stream\(\) method for an async streaming result set\.$/,
      );
    });
  });

  it("test_stream_ctxmanager: await using closes the stream after an error inside for await", async () => {
    await reset();
    await h.engine.connect(async (c) => {
      const conn = c.executionOptions({ streamResults: true });
      let outer: Awaited<ReturnType<typeof conn.stream>> | undefined;
      const run = async (): Promise<void> => {
        await using result = await conn.stream(select(users));
        outer = result;
        expect(result._softClosed).toBe(false);
        expect(result.closed).toBe(false);
        let i = 0;
        for await (const _row of result) {
          if (i > 2) throw new Error("hi");
          i += 1;
        }
      };
      await expect(run()).rejects.toThrow("hi");
      expect(outer!._softClosed).toBe(true);
      expect(outer!.closed).toBe(true);
    });
  });

  it("test_stream_scalars_ctxmanager", async () => {
    await reset();
    await h.engine.connect(async (c) => {
      const conn = c.executionOptions({ streamResults: true });
      let outer: Awaited<ReturnType<typeof conn.streamScalars>> | undefined;
      const run = async (): Promise<void> => {
        await using result = await conn.streamScalars(select(users));
        outer = result;
        expect(result.closed).toBe(false);
        let i = 0;
        for await (const _v of result) {
          if (i > 2) throw new Error("hi");
          i += 1;
        }
      };
      await expect(run()).rejects.toThrow("hi");
      expect(outer!.closed).toBe(true);
    });
  });

  for (const c of ["scalars", "stream_scalars"] as const) {
    it(`test_scalars (${c})`, async () => {
      await reset();
      const stmt = select(users).orderBy(users.c.user_id);
      const result = await h.engine.connect(async (conn) =>
        c === "scalars" ? (await conn.scalars(stmt)).all() : (await conn.streamScalars(stmt)).all(),
      );
      expect(result).toEqual(range(1, 20));
    });
  }

  for (const c of ["scalarOne", "scalarOneOrNone", "scalar"] as const) {
    it(`test_stream_scalar (${c})`, async () => {
      await reset();
      await h.engine.connect(async (conn) => {
        const result = await conn.stream(select(users).limit(1).orderBy(users.c.user_name));
        const u1 = c === "scalarOne" ? await result.scalarOne() : c === "scalarOneOrNone" ? await result.scalarOneOrNone() : await result.scalar();
        expect(u1).toBe(1);
      });
    });
  }

  it("test_get_transaction: begin() callback form: getTransaction() is the transaction; its connection is conn", async () => {
    await h.engine.connect(async (conn) => {
      const trans = await conn.begin();
      expect(trans.connection).toBe(conn);
      expect(conn.getTransaction()).toBe(trans);
      await trans.rollback();
    });
  });

  it("test_get_nested_transaction: getNestedTransaction() follows the savepoint stack", async () => {
    await h.engine.connect(async (conn) => {
      const trans = await conn.begin();
      const n1 = await conn.beginNested();
      expect(conn.getNestedTransaction()).toBe(n1);
      const n2 = await conn.beginNested();
      expect(conn.getNestedTransaction()).toBe(n2);
      await n2.commit();
      expect(conn.getNestedTransaction()).toBe(n1);
      expect(conn.getTransaction()).toBe(trans);
      await trans.rollback();
    });
  });

  it("test_sequence_execute-like text(): conn.scalar(text('select 1'))", async () => {
    await h.engine.connect(async (conn) => {
      expect(await conn.scalar(text("select 1"))).toBe(1);
    });
  });
});

describe.each(engineTargets().filter((t) => t.dialect === "postgresql"))("AsyncEngine independent connections on $name", (target) => {
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
  });
  afterAll(async () => {
    await h.cleanup();
  });

  it("test_init_once_concurrency: two connections run at once", async () => {
    const c1 = await h.engine.connect();
    const c2 = await h.engine.connect();
    try {
      expect(await Promise.all([c1.scalar(select(literal(1))), c2.scalar(select(literal(2)))])).toEqual([1, 2]);
    } finally {
      await c1.close();
      await c2.close();
    }
  });
});

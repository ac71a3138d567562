/**
 * SQLAlchemy's test/ext/asyncio/test_engine.py, the parts sa3-async-engine.test.ts and
 * sa-async-result.test.ts do not cover, on real PostgreSQL and libSQL:
 * - AsyncEngineTest.test_interrupt_ctxmanager_connection (the `async_trans_ctx_manager_fixture`
 *   matrix: rollback × second execute × begin_nested) with the callback forms `begin(fn)` /
 *   `beginNested(fn)` as the context managers;
 * - test_proxied_attrs_engine / test_proxied_attrs_connection (the ones athanor has);
 * - test_no_attach_to_event_loop and PoolRegenTest.test_gather_after_dispose (without dispose);
 * - AsyncEventTest's listeners (beforeCursorExecute on the engine, begin on the connection);
 * - AsyncResultTest.test_partitions with yieldPer given as a statement execution option.
 *
 * Skipped (no meaning in athanor):
 * - test_we_are_definitely_running_async_tests, test_run_async, test_sync_driver_*
 *   (TextSyncDBAPI), test_active_await_close, test_cursor_close: greenlet / run_sync / DBAPI
 *   cursor internals; athanor drivers are async only.
 * - test_engine_eq_ne, test_connection_eq_ne, test_transaction_eq_ne, AsyncProxyTest's
 *   _retrieve_proxy_for_target / regen / gc tests: Python proxy objects over sync ones.
 * - test_appropriate_warning_for_gced_connection, test_dbapi_terminate, test_invalidate,
 *   test_get_raw_connection, test_get_dbapi_connection_raise: pool fairies and DBAPI
 *   connections; athanor's drivers own their pools and expose no raw connection.
 * - test_pool_classes, test_cant_use_async_pool_w_create_engine, test_pool_exhausted_*,
 *   AsyncCreatePoolTest, test_async_creator_*, test_async_engine_from_config,
 *   test_create_async_engine_server_side_cursor: SQLAlchemy pool classes, creators and
 *   config dicts; athanor engines take a driver or URL.
 * - test_connection_not_started, test_conn_transaction_not_started: an un-awaited Python
 *   coroutine used as a context; a TypeScript Promise has no such state.
 * - test_statement_compile: compile() takes a dialect, never a bind.
 * - test_server_side_required_for_scalars: athanor's stream() buffers on drivers without
 *   cursors by design (documented on AsyncConnection.stream()).
 * - AsyncCursorEventCancelledErrorTest: asyncio.CancelledError; no cancellation in JS promises.
 *
 * Known differences:
 * - AsyncInspection: inspect(engine) / inspect(conn) give an Inspector in athanor (covered by
 *   sa7-inspect-engine.test.ts), where SQLAlchemy raises NoInspectionAvailable.
 * - AsyncEventTest.test_no_async_listeners*: athanor has no sync engine to listen on; listeners
 *   go on the AsyncEngine / AsyncConnection themselves and may be async.
 * - test_dispose / test_dispose_no_close / test_gather_after_dispose(do_dispose): dispose()
 *   ends an athanor engine for good (connect() then raises ResourceClosedError) instead of
 *   swapping in a new pool.
 * - test_proxied_attrs_connection's default_isolation_level: athanor reads the level with
 *   getIsolationLevel() (sa-execute.test.ts) and keeps no per-dialect default.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AsyncConnection, Column, createAsyncEngine, event, func, insert, Integer, InvalidRequestError, literal, MetaData, ResourceClosedError, select, String,
  Table, type AsyncEngine,
} from "../../src/index.js";
import { dialectTargets, uniqueName, type TestDriver } from "../fixtures/databases.js";

const CLOSED_CTX = "Can't operate on closed transaction inside context manager.  Please complete the context manager before emitting further commands.";
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

describe.each(dialectTargets())("AsyncEngine (SQLAlchemy test_engine.py, sa13) on $name", (target) => {
  const metadata = new MetaData();
  const users = Table(uniqueName("sa13ae_users"), metadata, {
    user_id: Column(Integer, { primaryKey: true, autoincrement: false }),
    user_name: Column(String(20)),
  });
  const t = Table(uniqueName("sa13ae_test"), metadata, { data: Column(Integer) });
  let d: TestDriver;
  let engine: AsyncEngine;

  beforeAll(async () => {
    d = await target.make();
    engine = createAsyncEngine(d.driver);
    await engine.begin(async (conn) => {
      await metadata.createAll(conn);
      await conn.execute(insert(users), range(1, 20).map((i) => ({ user_id: i, user_name: `name${i}` })));
    });
  });
  afterAll(async () => {
    await engine.begin((conn) => metadata.dropAll(conn));
    await engine.dispose();
    await d.cleanup();
  });

  // AsyncFixture.async_trans_ctx_manager_fixture, with the connection as the subject
  // (trans_on_subject=False, execute_on_subject=True).
  for (const rollback of [true, false]) {
    for (const runSecondExecute of [true, false]) {
      for (const beginNested of [true, false]) {
        it(`test_interrupt_ctxmanager_connection (rollback=${rollback}, second execute=${runSecondExecute}, begin_nested=${beginNested})`, async () => {
          await engine.begin(async (c) => {
            await c.execDriverSql(`DELETE FROM ${t.name}`);
          });
          await engine.connect(async (conn) => {
            await conn.begin(async () => {
              const trans = conn.getTransaction()!;
              if (beginNested) {
                await conn.beginNested(async () => {
                  const nestedTrans = conn.getNestedTransaction()!;
                  await conn.execute(insert(t), { data: 10 });
                  if (rollback) await nestedTrans.rollback();
                  else await nestedTrans.commit();
                  if (runSecondExecute) {
                    const err = await conn.execute(insert(t), { data: 12 }).catch((e: unknown) => e);
                    expect(err).toBeInstanceOf(InvalidRequestError);
                    expect((err as Error).message).toBe(CLOSED_CTX);
                  }
                });
                // Outside the nested block, inside the transaction: SQL runs and is committed.
                await conn.execute(insert(t), { data: 14 });
              } else {
                await conn.execute(insert(t), { data: 10 });
                if (rollback) await trans.rollback();
                else await trans.commit();
                if (runSecondExecute) {
                  const err = await conn.execute(insert(t), { data: 12 }).catch((e: unknown) => e);
                  expect(err).toBeInstanceOf(InvalidRequestError);
                  expect((err as Error).message).toBe(CLOSED_CTX);
                }
              }
            });
            const expectedCommitted = (beginNested ? 1 : 0) + (rollback ? 0 : 1);
            expect(Number(await conn.scalar(select(func.count()).selectFrom(t)))).toBe(expectedCommitted);
            expect((await conn.scalars(select(t.c.data).orderBy(t.c.data))).all()).toEqual([
              ...(rollback ? [] : [10]),
              ...(beginNested ? [14] : []),
            ]);
          });
        });
      }
    }
  }

  it("test_proxied_attrs_engine: url, dialect and driver of the engine; its copies share them", () => {
    const e2 = engine.executionOptions({ yieldPer: 3 });
    expect(e2.url).toBe(engine.url);
    expect(e2.dialect).toBe(engine.dialect);
    expect(e2.driver).toBe(engine.driver);
    expect(engine.dialect.name).toBe(target.dialect);
  });

  it("test_proxied_attrs_connection: engine, closed and dialect of the connection", async () => {
    await engine.connect(async (conn) => {
      expect(conn.engine).toBe(engine);
      expect(conn.closed).toBe(false);
      expect(conn.dialect).toBe(engine.dialect);
      expect(conn.dialectName).toBe(target.dialect);
    });
  });

  it("test_no_attach_to_event_loop: two engine.begin() tasks at once on a new engine, then dispose()", async () => {
    const d2 = await target.make();
    const e = createAsyncEngine(d2.driver);
    try {
      const task = (): Promise<unknown[]> => e.begin(async (conn) => (await conn.execute(select(literal(1)))).all().map((r) => r._tuple()));
      expect(await Promise.all([task(), task()])).toEqual([[[1]], [[1]]]);
      await e.dispose();
      // athanor: a disposed engine is finished (SQLAlchemy would make a new pool).
      await expect(e.connect()).rejects.toThrow(ResourceClosedError);
    } finally {
      await d2.cleanup();
    }
  });

  it("test_gather_after_dispose (do_dispose=False): ten connections at once each run execDriverSql()", async () => {
    const thing = (): Promise<number> =>
      engine.connect(async (conn) => Number((await conn.execDriverSql("SELECT 1")).scalar()));
    expect(await Promise.all(range(0, 10).map(() => thing()))).toEqual(range(0, 10).map(() => 1));
  });

  it("test_sync_before_cursor_execute_engine: an engine listener hears the connection's statement once", async () => {
    const calls: [AsyncConnection, string, boolean][] = [];
    const canary = (conn: AsyncConnection, _cursor: unknown, statement: string, _params: readonly unknown[], _ctx: unknown, executemany: boolean): void => {
      calls.push([conn, statement, executemany]);
    };
    event.listen(engine, "beforeCursorExecute", canary);
    let syncConn: AsyncConnection | undefined;
    try {
      await engine.connect(async (conn) => {
        syncConn = conn;
        await conn.execute(select(literal(1, Integer)));
      });
    } finally {
      event.remove(engine, "beforeCursorExecute", canary);
    }
    const s1 = select(literal(1, Integer)).compile({ dialect: engine.dialect }).sql;
    expect(calls.filter(([, sql]) => sql === s1)).toEqual([[syncConn, s1, false]]);
  });

  it("test_sync_before_cursor_execute_connection: a listener added to the engine while a connection is open hears it", async () => {
    const calls: [AsyncConnection, string, boolean][] = [];
    const canary = (conn: AsyncConnection, _cursor: unknown, statement: string, _params: readonly unknown[], _ctx: unknown, executemany: boolean): void => {
      calls.push([conn, statement, executemany]);
    };
    let syncConn: AsyncConnection | undefined;
    try {
      await engine.connect(async (conn) => {
        syncConn = conn;
        event.listen(engine, "beforeCursorExecute", canary);
        await conn.execute(select(literal(1, Integer)));
      });
    } finally {
      event.remove(engine, "beforeCursorExecute", canary);
    }
    const s1 = select(literal(1, Integer)).compile({ dialect: engine.dialect }).sql;
    expect(calls.filter(([, sql]) => sql === s1)).toEqual([[syncConn, s1, false]]);
  });

  it("test_event_on_sync_connection: a begin listener on the connection fires once, inside begin()", async () => {
    await engine.connect(async (conn) => {
      const calls: AsyncConnection[] = [];
      event.listen(conn, "begin", (c: AsyncConnection) => {
        calls.push(c);
      });
      await conn.begin(async () => {
        expect(calls).toEqual([conn]);
      });
      expect(calls).toEqual([conn]);
    });
  });

  for (const filter of ["rows", "scalars", "mappings"] as const) {
    for (const yieldPer of [2, 5, 10]) {
      it(`test_partitions (${filter}, yieldPer=${yieldPer} as a statement execution option)`, async () => {
        await engine.connect(async (conn) => {
          const result = await conn.stream(select(users).orderBy(users.c.user_id).executionOptions({ yieldPer }));
          const view = filter === "mappings" ? result.mappings() : filter === "scalars" ? result.scalars(1) : result;
          const parts: unknown[][] = [];
          for await (const part of view.partitions()) {
            parts.push(
              part.map((x) =>
                filter === "rows" ? (x as { _tuple(): unknown })._tuple() : filter === "mappings" ? (x as { toJSON(): unknown }).toJSON() : x,
              ),
            );
          }
          const ranges = range(0, Math.ceil(19 / yieldPer)).map((k) => [1 + k * yieldPer, Math.min(20, 1 + (k + 1) * yieldPer)] as const);
          expect(parts).toEqual(
            ranges.map(([a, b]) =>
              range(a, b).map((i) =>
                filter === "rows" ? [i, `name${i}`] : filter === "mappings" ? { user_id: i, user_name: `name${i}` } : `name${i}`,
              ),
            ),
          );
        });
      });
    }
  }
});

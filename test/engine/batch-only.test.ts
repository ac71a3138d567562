/**
 * Engine behaviour on a batch-only driver (no interactive transactions, atomic batch), as Neon
 * HTTP and D1 are: a transaction's writes go out as one atomic batch at commit. The driver here
 * is the real libSQL adapter with its interactive transactions switched off, so the batch is
 * @libsql/client's own atomic `batch(…, "write")`.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  Column, createAsyncEngine, insert, Integer, IntegrityError, InvalidRequestError, MetaData, select, String as Str, Table,
  type AsyncEngine, type Driver,
} from "../../src/index.js";
import { countingDriver, makeLibsqlDriver, type CountingDriver, type TestDriver } from "../fixtures/databases.js";

/** The same driver, declaring no interactive transactions and hiding begin/commit/rollback. */
function batchOnly(d: Driver): Driver {
  return {
    dialect: d.dialect,
    paramstyle: d.paramstyle,
    name: "batch-only libsql",
    capabilities: { ...d.capabilities, interactiveTransactions: false, savepoints: false, streaming: false },
    describeError: (e) => d.describeError(e),
    dispose: () => d.dispose(),
    async connect() {
      const c = await d.connect();
      return { execute: (s) => c.execute(s), batch: (s, o) => c.batch!(s, o), release: () => c.release() };
    },
  };
}

const md = new MetaData();
const t = Table("batch_only_t", md, { id: Column(Integer, { primaryKey: true }), name: Column(Str(20), { nullable: false, unique: true }) });

describe("batch-only driver", () => {
  let td: TestDriver;
  let counting: CountingDriver;
  let engine: AsyncEngine;
  beforeEach(async () => {
    td = await makeLibsqlDriver("file");
    counting = countingDriver(batchOnly(td.driver));
    engine = createAsyncEngine(counting);
    await engine.begin((c) => md.createAll(c));
    counting.reset();
  });
  afterEach(async () => {
    await td.cleanup();
  });

  it("sends a transaction's writes as one batch request at commit", async () => {
    await engine.begin(async (conn) => {
      await conn.execute(insert(t).values({ id: 1, name: "a" }));
      await conn.execute(insert(t), [{ id: 2, name: "b" }, { id: 3, name: "c" }]);
      expect(counting.total()).toBe(0);
      expect(conn.pendingBatchSize).toBe(2);
    });
    expect(counting.counts.batch).toBe(1);
    expect(counting.total()).toBe(1);
    const names = await engine.connect((c) => c.scalars(select(t.c.name).orderBy(t.c.id)));
    expect(names.all()).toEqual(["a", "b", "c"]);
  });

  it("a failing statement in the batch leaves nothing written and raises IntegrityError", async () => {
    await expect(
      engine.begin(async (conn) => {
        await conn.execute(insert(t).values({ id: 1, name: "a" }));
        await conn.execute(insert(t).values({ id: 2, name: "a" }));
      }),
    ).rejects.toBeInstanceOf(IntegrityError);
    expect(await engine.connect((c) => c.scalar(select(t.c.id).limit(1)))).toBeNull();
  });

  it("reads before any write run directly; a read after a queued write raises naming the alternatives", async () => {
    await engine.connect(async (conn) => {
      expect(await conn.scalar(select(t.c.id).limit(1))).toBeNull();
      await conn.execute(insert(t).values({ id: 1, name: "a" }));
      const err = await conn.execute(select(t.c.id)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidRequestError);
      expect((err as Error).message).toMatch(/one atomic batch at commit.*neon-ws/s);
      await conn.rollback();
    });
    expect(counting.counts.batch).toBe(0);
  });

  it("RETURNING inside a transaction raises; outside one (AUTOCOMMIT) it runs directly", async () => {
    await engine.connect(async (conn) => {
      const err = await conn.execute(insert(t).values({ id: 1, name: "a" }).returning(t.c.id)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidRequestError);
      expect((err as Error).message).toMatch(/RETURNING rows are not available/);
      await conn.rollback();
      conn.executionOptions({ isolationLevel: "AUTOCOMMIT" });
      const r = await conn.execute(insert(t).values({ id: 1, name: "a" }).returning(t.c.id));
      expect(r.scalar()).toBe(1);
    });
  });

  it("rollback (or closing without commit) sends nothing", async () => {
    await engine.connect(async (conn) => {
      await conn.execute(insert(t).values({ id: 1, name: "a" }));
    });
    expect(counting.total()).toBe(0);
    expect(await engine.connect((c) => c.scalar(select(t.c.id).limit(1)))).toBeNull();
  });
});

/**
 * SQLAlchemy's test/engine/test_execute.py (ExecuteTest: test_no_strings,
 * test_not_an_executable) ported: what `execute()` and `stream()` refuse, and what they accept
 * besides SELECT and DML (functions, sequence-free SQL functions, text()).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError,
  Column,
  CreateTable,
  DropTable,
  Integer,
  MetaData,
  ObjectNotExecutableError,
  Table,
  and,
  column,
  func,
  insert,
  select,
  text,
  true_,
  update,
} from "../../src/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

describe.each(engineTargets())("$name", (target) => {
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
  });
  afterAll(async () => {
    await h.cleanup();
  });

  it("a plain string raises ObjectNotExecutableError quoting it, and names text()", async () => {
    await h.engine.connect(async (conn) => {
      const p = conn.execute("select 1" as never);
      await expect(p).rejects.toThrow(ObjectNotExecutableError);
      await expect(conn.execute("select 1" as never)).rejects.toThrow("Not an executable object: 'select 1'");
      await expect(conn.execute("select 1" as never)).rejects.toThrow(/wrapped in text\(\)/);
      await expect(conn.stream("select 1" as never)).rejects.toThrow(ObjectNotExecutableError);
    });
  });

  it("tables, columns, conditions, CTEs and non-SQL objects are not executable", async () => {
    const t = Table("foo", new MetaData(), { x: Column(Integer) });
    const objects: unknown[] = [t, t.c.x, and(true_()), column("foo"), select(func.count()).cte(), new MetaData(), Integer, {}, 5];
    await h.engine.connect(async (conn) => {
      for (const obj of objects) {
        const err = await conn.execute(obj as never).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ObjectNotExecutableError);
        expect(err).toBeInstanceOf(ArgumentError);
        expect((err as Error).message).toMatch(/^Not an executable object/);
      }
      // Nothing reached the database: the connection is still usable and idle.
      expect(conn.inTransaction()).toBe(false);
    });
  });

  it("SQL functions execute on their own; text() and SELECT as usual", async () => {
    await h.engine.connect(async (conn) => {
      expect(await conn.scalar(func.abs(-3))).toBe(3);
      expect(await conn.scalar(text("select 7"))).toBe(7);
      expect(await conn.scalar(select(func.abs(-4)))).toBe(4);
    });
  });
});

describe.each(engineTargets())("$name isolation level and statement kind", (target) => {
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
  });
  afterAll(async () => {
    await h.cleanup();
  });

  it("getIsolationLevel(): the database default, then the execution option in SQLAlchemy's spelling", async () => {
    await h.engine.connect(async (conn) => {
      const dflt = target.dialect === "postgresql" ? "READ COMMITTED" : "SERIALIZABLE";
      expect(await conn.getIsolationLevel()).toBe(dflt);
      expect(conn.inTransaction()).toBe(false);
      conn.executionOptions({ isolationLevel: "serializable" });
      expect(await conn.getIsolationLevel()).toBe("SERIALIZABLE");
      conn.executionOptions({ isolationLevel: "AUTOCOMMIT" });
      expect(await conn.getIsolationLevel()).toBe("AUTOCOMMIT");
    });
    await h.engine.executionOptions({ isolationLevel: "autocommit" }).connect(async (conn) => {
      expect(await conn.getIsolationLevel()).toBe("AUTOCOMMIT");
    });
  });

  it("isolation levels written with underscores or in lower case are used as SQLAlchemy normalizes them", async () => {
    if (target.dialect !== "postgresql") return;
    await h.engine.connect(async (conn) => {
      conn.executionOptions({ isolationLevel: "repeatable_read" });
      expect(await conn.getIsolationLevel()).toBe("REPEATABLE READ");
      expect(await conn.scalar(text("SHOW transaction_isolation"))).toBe("repeatable read");
    });
  });

  it("isInsert is true for insert() results only", async () => {
    const t = Table(uniqueName("sa_exec"), new MetaData(), { x: Column(Integer, { primaryKey: true, autoincrement: false }) });
    await h.engine.begin(async (conn) => {
      await conn.execute(new CreateTable(t));
      expect((await conn.execute(insert(t), { x: 1 })).isInsert).toBe(true);
      expect((await conn.execute(insert(t), [{ x: 2 }, { x: 3 }])).isInsert).toBe(true);
      expect((await conn.execute(select(t))).isInsert).toBe(false);
      expect((await conn.execute(update(t).values({ x: 9 }).where(t.c.x.eq(1)))).isInsert).toBe(false);
      expect((await conn.execute(text("select 1"))).isInsert).toBe(false);
      await conn.execute(new DropTable(t));
    });
  });
});

describe.each(engineTargets())("$name execution options and convenience execution", (target) => {
  let h: EngineHandle;
  const t = Table(uniqueName("sa_conv"), new MetaData(), { a: Column(Integer), b: Column(Integer) });
  beforeAll(async () => {
    h = await target.make({ executionOptions: { yieldPer: 7 } });
    await h.engine.begin((conn) => conn.execute(new CreateTable(t)));
  });
  afterAll(async () => {
    await h.engine.begin((conn) => conn.execute(new DropTable(t)));
    await h.cleanup();
  });
  const rows = () => h.engine.connect(async (conn) => (await conn.execute(select(t))).all().map((r) => r._tuple()));

  it("engine and connection execution options: inherited, generative on the engine, in place on the connection", async () => {
    expect(h.engine.getExecutionOptions()).toEqual({ yieldPer: 7 });
    const e1 = h.engine.executionOptions({ streamResults: true });
    const e2 = e1.executionOptions({ yieldPer: 3 });
    expect(h.engine.getExecutionOptions()).toEqual({ yieldPer: 7 });
    expect(e1.getExecutionOptions()).toEqual({ yieldPer: 7, streamResults: true });
    expect(e2.getExecutionOptions()).toEqual({ yieldPer: 3, streamResults: true });
    await e2.connect(async (conn) => {
      expect(conn.getExecutionOptions()).toEqual({ yieldPer: 3, streamResults: true });
      expect(conn.executionOptions({ yieldPer: 9 })).toBe(conn);
      expect(conn.getExecutionOptions()).toEqual({ yieldPer: 9, streamResults: true });
    });
  });

  it("engine.begin(fn) commits; an error rolls back and propagates", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(t).values({ a: 5, b: 8 }));
    });
    expect(await rows()).toEqual([[5, 8]]);
    await h.engine.begin((conn) => conn.execute(new DropTable(t)).then(() => conn.execute(new CreateTable(t))));
    await expect(
      h.engine.begin(async (conn) => {
        await conn.execute(insert(t).values({ a: 5, b: 8 }));
        throw new Error("breakage");
      }),
    ).rejects.toThrow("breakage");
    expect(await rows()).toEqual([]);
  });

  it("conn.begin(fn) commits; an error rolls back and propagates", async () => {
    await h.engine.connect(async (conn) => {
      await expect(
        conn.begin(async () => {
          await conn.execute(insert(t).values({ a: 5, b: 8 }));
          throw new Error("breakage");
        }),
      ).rejects.toThrow("breakage");
      expect(await rows()).toEqual([]);
      await conn.begin(async () => {
        await conn.execute(insert(t).values({ a: 6, b: 9 }));
      });
      expect(await rows()).toEqual([[6, 9]]);
    });
  });
});

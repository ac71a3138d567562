/**
 * Engine and connection events on real databases (PostgreSQL, libSQL file and :memory:):
 * beforeCursorExecute with retval rewriting, afterCursorExecute, transaction and savepoint
 * events, engineConnect, and engine listeners heard by its connections.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Column, MetaData, Table } from "../../src/sql/schema.js";
import { Integer } from "../../src/sql/types/index.js";
import { event, insert, select, text } from "../../src/index.js";
import type { AsyncConnection } from "../../src/engine/connection.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

describe.each(engineTargets())("$name", (target) => {
  const metadata = new MetaData();
  const t = Table(uniqueName("engev"), metadata, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
  });
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin((c) => metadata.createAll(c));
  });
  afterAll(async () => {
    await h.engine.begin((c) => metadata.dropAll(c));
    await h.cleanup();
  });

  it("beforeCursorExecute with retval rewrites the SQL and parameters sent", async () => {
    const fn = (_c: unknown, _cur: unknown, statement: string, parameters: readonly unknown[]) =>
      [`${statement} /* tagged */`, parameters.map((p) => (typeof p === "number" ? p + 100 : p))] as const;
    event.listen(h.engine, "beforeCursorExecute", fn, { retval: true });
    try {
      h.counting.reset();
      await using conn = await h.engine.connect();
      await conn.execute(select(t.c.id).where(t.c.id.eq(1)));
      const ph = target.dialect === "postgresql" ? "$1" : "?";
      expect(h.counting.statements.at(-1)).toBe(`SELECT ${t.name}.id \nFROM ${t.name} \nWHERE ${t.name}.id = ${ph} /* tagged */`);
    } finally {
      event.remove(h.engine, "beforeCursorExecute", fn);
    }
  });

  it("the rewritten parameters are the ones executed", async () => {
    const fn = (_c: unknown, _cur: unknown, statement: string, parameters: readonly unknown[]) =>
      [statement, parameters.map((p) => (typeof p === "number" ? p * 10 : p))] as const;
    await using conn = await h.engine.connect();
    event.listen(conn, "beforeCursorExecute", fn, { retval: true });
    const sql = target.dialect === "postgresql" ? "SELECT CAST(:p AS INTEGER) AS v" : "SELECT :p AS v";
    const v = await conn.execute(text(sql), { p: 4 });
    expect(v.scalar()).toBe(40);
    event.remove(conn, "beforeCursorExecute", fn);
    const w = await conn.execute(text(sql), { p: 4 });
    expect(w.scalar()).toBe(4);
  });

  it("a listener without retval cannot rewrite", async () => {
    const seen: string[] = [];
    const fn = (_c: unknown, _cur: unknown, statement: string) => {
      seen.push(statement);
    };
    event.listen(h.engine, "beforeCursorExecute", fn);
    try {
      await h.engine.connect((c) => c.execute(select(t.c.id)));
      expect(seen).toEqual([`SELECT ${t.name}.id \nFROM ${t.name}`]);
    } finally {
      event.remove(h.engine, "beforeCursorExecute", fn);
    }
  });

  it("afterCursorExecute hears statement, parameters and executemany", async () => {
    const seen: [string, readonly unknown[], boolean][] = [];
    const fn = (_c: unknown, _cur: unknown, statement: string, parameters: readonly unknown[], _ctx: unknown, many: boolean) => {
      seen.push([statement, parameters, many]);
    };
    event.listen(h.engine, "afterCursorExecute", fn);
    try {
      await h.engine.connect(async (c) => {
        await c.execute(insert(t).values({ id: 1 }));
        await c.execute(insert(t), [{ id: 2 }, { id: 3 }]);
        await (await c.stream(select(t.c.id).where(t.c.id.gt(2)))).all();
      });
      const ph = (n: number) => (target.dialect === "postgresql" ? `$${n}` : "?");
      expect(seen).toEqual([
        [`INSERT INTO ${t.name} (id) VALUES (${ph(1)})`, [1], false],
        [`INSERT INTO ${t.name} (id) VALUES (${ph(1)}), (${ph(2)})`, [2, 3], true],
        [`SELECT ${t.name}.id \nFROM ${t.name} \nWHERE ${t.name}.id > ${ph(1)}`, [2], false],
      ]);
    } finally {
      event.remove(h.engine, "afterCursorExecute", fn);
    }
  });

  it("begin, commit, rollback, savepoint, rollbackSavepoint, releaseSavepoint, close", async () => {
    const log: string[] = [];
    const conn = await h.engine.connect();
    event.listen(conn, "begin", () => void log.push("begin"));
    event.listen(conn, "commit", () => void log.push("commit"));
    event.listen(conn, "rollback", () => void log.push("rollback"));
    event.listen(conn, "savepoint", (_c, name) => void log.push(`savepoint ${name}`));
    event.listen(conn, "rollbackSavepoint", (_c, name) => void log.push(`rollbackSavepoint ${name}`));
    event.listen(conn, "releaseSavepoint", (_c, name) => void log.push(`releaseSavepoint ${name}`));
    event.listen(conn, "close", () => void log.push("close"));
    await conn.execute(select(t.c.id));
    await conn.commit();
    const sp1 = await conn.beginNested();
    await sp1.rollback();
    const sp2 = await conn.beginNested();
    await sp2.commit();
    await conn.rollback();
    await conn.close();
    expect(log).toEqual([
      "begin",
      "commit",
      "begin",
      "savepoint sa_savepoint_1",
      "rollbackSavepoint sa_savepoint_1",
      "savepoint sa_savepoint_2",
      "releaseSavepoint sa_savepoint_2",
      "rollback",
      "close",
    ]);
  });

  it("engineConnect fires for every checkout; engine listeners hear their connections", async () => {
    const connected: AsyncConnection[] = [];
    const commits: AsyncConnection[] = [];
    const onConnect = (c: AsyncConnection) => void connected.push(c);
    const onCommit = (c: AsyncConnection) => void commits.push(c);
    event.listen(h.engine, "engineConnect", onConnect);
    event.listen(h.engine, "commit", onCommit);
    try {
      const c1 = await h.engine.connect();
      await h.engine.begin(async () => {});
      await c1.close();
      expect(connected).toHaveLength(2);
      expect(connected[0]).toBe(c1);
      expect(commits).toHaveLength(1);
      expect(commits[0]).toBe(connected[1]);
      // async listeners are awaited before connect() resolves
      const order: string[] = [];
      const slow = async () => {
        await new Promise((r) => setTimeout(r, 5));
        order.push("listener");
      };
      event.listen(h.engine, "engineConnect", slow);
      const c2 = await h.engine.connect();
      order.push("connected");
      await c2.close();
      event.remove(h.engine, "engineConnect", slow);
      expect(order).toEqual(["listener", "connected"]);
    } finally {
      event.remove(h.engine, "engineConnect", onConnect);
      event.remove(h.engine, "commit", onCommit);
    }
  });

  it("listeners on an engine copy from executionOptions() are shared with the original", async () => {
    const seen: string[] = [];
    const copy = h.engine.executionOptions({ yieldPer: 5 });
    const fn = (_c: unknown, _cur: unknown, statement: string) => void seen.push(statement);
    event.listen(copy, "afterCursorExecute", fn);
    try {
      await h.engine.connect((c) => c.execute(text("SELECT 1")));
      expect(seen).toEqual(["SELECT 1"]);
    } finally {
      event.remove(copy, "afterCursorExecute", fn);
    }
  });
});

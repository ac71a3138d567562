/**
 * SQLAlchemy's test/ext/asyncio/test_engine.py (AsyncResultTest, transaction accessors and the
 * begin/savepoint tests) ported to `AsyncConnection.stream()` on PostgreSQL, libSQL file and
 * :memory:, over 19 users named name1…name19.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Column,
  Integer,
  MetaData,
  MultipleResultsFound,
  NoResultFound,
  String,
  Table,
  delete as delete_,
  func,
  insert,
  select,
  true_,
  unionAll,
} from "../../src/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe.each(engineTargets())("$name", (target) => {
  const metadata = new MetaData();
  const users = Table(uniqueName("saar_users"), metadata, {
    user_id: Column(Integer, { primaryKey: true, autoincrement: false }),
    user_name: Column(String(20)),
  });
  let h: EngineHandle;

  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin(async (conn) => {
      await metadata.createAll(conn);
      await conn.execute(insert(users), range(1, 20).map((i) => ({ user_id: i, user_name: `name${i}` })));
    });
  });
  afterAll(async () => {
    await h.engine.begin((conn) => metadata.dropAll(conn));
    await h.cleanup();
  });

  const ordered = () => select(users).orderBy(users.c.user_id);
  const asDicts = (ms: readonly { toJSON(): unknown }[]) => ms.map((m) => m.toJSON());
  const expectedRows = (a: number, b: number) => range(a, b).map((i) => [i, `name${i}`]);
  const expectedDicts = (a: number, b: number) => range(a, b).map((i) => ({ user_id: i, user_name: `name${i}` }));
  const expectedNames = (a: number, b: number) => range(a, b).map((i) => `name${i}`);

  it("all(): rows, scalars(1) and mappings()", async () => {
    await h.engine.connect(async (conn) => {
      expect((await (await conn.stream(ordered())).all()).map((r) => r._tuple())).toEqual(expectedRows(1, 20));
      expect(await (await conn.stream(ordered())).scalars(1).all()).toEqual(expectedNames(1, 20));
      expect(asDicts(await (await conn.stream(ordered())).mappings().all())).toEqual(expectedDicts(1, 20));
    });
  });

  it("for await: rows, scalars(1), streamScalars() and mappings()", async () => {
    await h.engine.connect(async (conn) => {
      const rows = [];
      for await (const row of await conn.stream(ordered())) rows.push(row._tuple());
      expect(rows).toEqual(expectedRows(1, 20));
      const names = [];
      for await (const n of (await conn.stream(ordered())).scalars(1)) names.push(n);
      expect(names).toEqual(expectedNames(1, 20));
      const streamed = [];
      for await (const n of await conn.streamScalars(select(users.c.user_name).orderBy(users.c.user_id))) streamed.push(n);
      expect(streamed).toEqual(expectedNames(1, 20));
      const maps = [];
      for await (const m of (await conn.stream(ordered())).mappings()) maps.push(m.toJSON());
      expect(maps).toEqual(expectedDicts(1, 20));
    });
  });

  it("an error inside for await closes the streamed result", async () => {
    await h.engine.connect(async (conn) => {
      const result = await conn.stream(ordered());
      expect(result.closed).toBe(false);
      await expect(
        (async () => {
          let i = 0;
          for await (const _row of result) {
            if (i > 2) throw new Error("hi");
            i++;
          }
        })(),
      ).rejects.toThrow("hi");
      expect(result.closed).toBe(true);
      const scalars = await conn.streamScalars(ordered());
      await expect(
        (async () => {
          let i = 0;
          for await (const _v of scalars) {
            if (i > 2) throw new Error("hi");
            i++;
          }
        })(),
      ).rejects.toThrow("hi");
      expect(scalars.closed).toBe(true);
    });
  });

  it("_softClose() releases the cursor (the connection is free again) without closing the result", async () => {
    await h.engine.connect(async (conn) => {
      const result = await conn.stream(ordered());
      expect(await result.fetchone()).not.toBeNull();
      expect(result._softClosed).toBe(false);
      await result._softClose();
      expect(result._softClosed).toBe(true);
      expect(result.closed).toBe(false);
      expect(await result.fetchone()).toBeNull();
      expect(await result.all()).toEqual([]);
      expect(await conn.scalar(select(func.count()).selectFrom(users))).toBe(19);
      await result.close();
      expect(result.closed).toBe(true);
    });
  });

  it("keys() of a stream and of its mappings()", async () => {
    await h.engine.connect(async (conn) => {
      const r = await conn.stream(ordered());
      expect(r.keys()).toEqual(["user_id", "user_name"]);
      await r.close();
      const m = (await conn.stream(ordered())).mappings();
      expect(m.keys()).toEqual(["user_id", "user_name"]);
      await m.close();
    });
  });

  it("unique().all() over a UNION ALL of the table with itself", async () => {
    await h.engine.connect(async (conn) => {
      const u = unionAll(select(users), select(users)).orderBy(users.c.user_id);
      const all = await (await conn.stream(u)).unique().all();
      expect(all.map((r) => r._tuple())).toEqual(expectedRows(1, 20));
    });
  });

  it("unique(strategy) given a row carries over to mappings()", async () => {
    await h.engine.connect(async (conn) => {
      const ms = await (await conn.stream(ordered())).unique((row) => Number(row[0]) % 2).mappings().all();
      expect(asDicts(ms)).toEqual(expectedDicts(1, 3));
    });
  });

  it("columns(1).all()", async () => {
    await h.engine.connect(async (conn) => {
      const all = await (await conn.stream(ordered())).columns(1).all();
      expect(all.map((r) => r._tuple())).toEqual(range(1, 20).map((i) => [`name${i}`]));
    });
  });

  for (const filter of ["rows", "scalars", "mappings"] as const) {
    for (const yieldPer of [undefined, 2, 5, 10]) {
      it(`partitions() of ${filter}, yieldPer ${String(yieldPer)} set on the view`, async () => {
        await h.engine.connect(async (conn) => {
          const result = await conn.stream(ordered());
          const view = filter === "mappings" ? result.mappings() : filter === "scalars" ? result.scalars(1) : result;
          if (yieldPer !== undefined) view.yieldPer(yieldPer);
          const size = yieldPer ?? 5;
          const parts: unknown[][] = [];
          for await (const part of yieldPer !== undefined ? view.partitions() : view.partitions(size)) {
            parts.push(filter === "rows" ? part.map((r) => (r as { _tuple(): unknown })._tuple()) : filter === "mappings" ? asDicts(part as never) : part);
          }
          const ranges = range(0, Math.ceil(19 / size)).map((k) => [1 + k * size, Math.min(20, 1 + (k + 1) * size)] as const);
          const expected = ranges.map(([a, b]) => (filter === "rows" ? expectedRows(a, b) : filter === "mappings" ? expectedDicts(a, b) : expectedNames(a, b)));
          expect(parts).toEqual(expected);
        });
      });
    }
  }

  it("one() of rows, scalars() and mappings() with a single row", async () => {
    await h.engine.connect(async (conn) => {
      const stmt = select(users).limit(1).orderBy(users.c.user_name);
      expect((await (await conn.stream(stmt)).one())._tuple()).toEqual([1, "name1"]);
      expect(await (await conn.stream(stmt)).scalars().one()).toBe(1);
      expect((await (await conn.stream(stmt)).mappings().one()).toJSON()).toEqual({ user_id: 1, user_name: "name1" });
    });
  });

  it("one() with no row raises NoResultFound; with two, MultipleResultsFound", async () => {
    await h.engine.connect(async (conn) => {
      const none = await conn.stream(select(users).where(users.c.user_name.eq("nonexistent")));
      await expect(none.one()).rejects.toThrow(NoResultFound);
      const none2 = await conn.stream(select(users).where(users.c.user_name.eq("nonexistent")));
      await expect(none2.one()).rejects.toThrow("No row was found when one was required");
      const two = await conn.stream(select(users).where(users.c.user_name.in(["name3", "name5"])));
      await expect(two.one()).rejects.toThrow(MultipleResultsFound);
      const two2 = await conn.stream(select(users).where(users.c.user_name.in(["name3", "name5"])));
      await expect(two2.one()).rejects.toThrow("Multiple rows were found when exactly one was required");
    });
  });

  it("conn.scalars() and streamScalars().all() give the first column", async () => {
    await h.engine.connect(async (conn) => {
      expect((await conn.scalars(ordered())).all()).toEqual(range(1, 20));
      expect(await (await conn.streamScalars(ordered())).all()).toEqual(range(1, 20));
    });
  });

  it("fetchmany() in steps, then fetchall() of the rest (stream and streamScalars)", async () => {
    await h.engine.connect(async (conn) => {
      const big = select(users).join(users.alias("other"), true_());
      for (const result of [await conn.stream(big), null]) {
        const r = result ?? (await conn.streamScalars(big));
        const f1 = await r.fetchmany(5);
        const f2 = await r.fetchmany(10);
        const f3 = await r.fetchmany(7);
        expect(f1.length + f2.length + f3.length).toBe(22);
        expect(await r.fetchall()).toHaveLength(19 * 19 - 22);
      }
    });
  });

  it("scalarOne(), scalarOneOrNone() and scalar() of a stream", async () => {
    await h.engine.connect(async (conn) => {
      const stmt = select(users).limit(1).orderBy(users.c.user_name);
      expect(await (await conn.stream(stmt)).scalarOne()).toBe(1);
      expect(await (await conn.stream(stmt)).scalarOneOrNone()).toBe(1);
      expect(await (await conn.stream(stmt)).scalar()).toBe(1);
    });
  });

  it("transaction accessors through begin, beginNested, commit of the savepoint and rollback", async () => {
    await h.engine.connect(async (conn) => {
      expect(conn.getTransaction()).toBeUndefined();
      expect(conn.inTransaction()).toBe(false);
      expect(conn.inNestedTransaction()).toBe(false);
      const trans = await conn.begin();
      expect(conn.inTransaction()).toBe(true);
      expect(conn.inNestedTransaction()).toBe(false);
      expect(conn.getTransaction()).toBe(trans);
      const nested = await conn.beginNested();
      expect(conn.inTransaction()).toBe(true);
      expect(conn.inNestedTransaction()).toBe(true);
      expect(conn.getNestedTransaction()).toBe(nested);
      expect(conn.getTransaction()).toBe(trans);
      await nested.commit();
      expect(conn.inTransaction()).toBe(true);
      expect(conn.inNestedTransaction()).toBe(false);
      await trans.rollback();
      expect(conn.getTransaction()).toBeUndefined();
      expect(conn.inTransaction()).toBe(false);
      expect(conn.inNestedTransaction()).toBe(false);
    });
  });

  it("a savepoint rolled back (no context) keeps the rows; released, the delete stands until rollback", async () => {
    const countUsers = () => h.engine.connect((conn) => conn.scalar(select(func.count(users.c.user_id))));
    await h.engine.begin(async (conn) => {
      const sp = await conn.beginNested();
      await conn.execute(delete_(users));
      await sp.rollback();
    });
    expect(await countUsers()).toBe(19);
    await h.engine.connect(async (conn) => {
      const tx = await conn.begin();
      const sp = await conn.beginNested();
      await conn.execute(delete_(users));
      await sp.commit();
      expect(await conn.scalar(select(func.count(users.c.user_id)))).toBe(0);
      await tx.rollback();
    });
    expect(await countUsers()).toBe(19);
  });
});

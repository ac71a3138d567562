/**
 * Buffered Result and streaming AsyncResult through the engine on PostgreSQL, libSQL file and
 * :memory:: every Result method on real rows, chunked fetching with yieldPer, early exit and
 * `await using` closing the cursor, and streamScalars.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Column, MetaData, Table } from "../../src/sql/schema.js";
import { Integer, String } from "../../src/sql/types/index.js";
import { func, insert, select, text, update } from "../../src/index.js";
import { MultipleResultsFound, NoResultFound, ResourceClosedError } from "../../src/errors.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

const N = 1000;

describe.each(engineTargets())("$name", (target) => {
  const metadata = new MetaData();
  const t = Table(uniqueName("engres"), metadata, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    name: Column(String(20), { nullable: false }),
    grp: Column(Integer),
  });
  let h: EngineHandle;

  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin(async (conn) => {
      await metadata.createAll(conn);
      await conn.execute(
        insert(t),
        Array.from({ length: N }, (_, i) => ({ id: i + 1, name: `n${i + 1}`, grp: i % 10 === 0 ? null : i % 3 })),
      );
    });
  });
  afterAll(async () => {
    await h.engine.begin((conn) => metadata.dropAll(conn));
    await h.cleanup();
  });

  const firstFive = () => select(t.c.id, t.c.name).where(t.c.id.le(5)).orderBy(t.c.id);

  describe("buffered Result", () => {
    it("rows are named tuples with _mapping", async () => {
      await using conn = await h.engine.connect();
      const r = await conn.execute(firstFive());
      expect(r.keys()).toEqual(["id", "name"]);
      const rows = r.all();
      expect(rows).toHaveLength(5);
      const row = rows[0]!;
      expect(row[0]).toBe(1);
      expect(row[1]).toBe("n1");
      expect(row.id).toBe(1);
      expect(row.name).toBe("n1");
      expect([...row]).toEqual([1, "n1"]);
      const [id, name] = row;
      expect([id, name]).toEqual([1, "n1"]);
      expect(row._mapping.name).toBe("n1");
      expect(row._mapping.toJSON()).toEqual({ id: 1, name: "n1" });
      expect(Object.fromEntries(row._mapping.entries())).toEqual({ id: 1, name: "n1" });
      expect(rows.map((x) => x.id)).toEqual([1, 2, 3, 4, 5]);
    });

    it("first, one, oneOrNone, scalar, scalarOne, scalarOneOrNone", async () => {
      await using conn = await h.engine.connect();
      expect((await conn.execute(firstFive())).first()?.name).toBe("n1");
      expect((await conn.execute(firstFive().where(t.c.id.eq(-1)))).first()).toBeNull();
      expect((await conn.execute(firstFive().where(t.c.id.eq(3)))).one().name).toBe("n3");
      await expect(conn.execute(firstFive()).then((r) => r.one())).rejects.toThrow(MultipleResultsFound);
      await expect(conn.execute(firstFive().where(t.c.id.eq(-1))).then((r) => r.one())).rejects.toThrow(NoResultFound);
      expect((await conn.execute(firstFive().where(t.c.id.eq(-1)))).oneOrNone()).toBeNull();
      await expect(conn.execute(firstFive()).then((r) => r.oneOrNone())).rejects.toThrow(MultipleResultsFound);
      expect((await conn.execute(firstFive())).scalar()).toBe(1);
      expect((await conn.execute(select(func.count(t.c.id)))).scalarOne()).toBe(N);
      expect((await conn.execute(firstFive().where(t.c.id.eq(-1)))).scalarOneOrNone()).toBeNull();
      expect(await conn.scalar(select(t.c.name).where(t.c.id.eq(7)))).toBe("n7");
    });

    it("scalars, mappings, columns, unique, fetchmany, partitions, iteration, close", async () => {
      await using conn = await h.engine.connect();
      expect((await conn.execute(firstFive())).scalars().all()).toEqual([1, 2, 3, 4, 5]);
      expect((await conn.execute(firstFive())).scalars("name").all()).toEqual(["n1", "n2", "n3", "n4", "n5"]);
      expect((await conn.scalars(firstFive())).all()).toEqual([1, 2, 3, 4, 5]);
      expect((await conn.execute(firstFive())).mappings().all()[1]!.toJSON()).toEqual({ id: 2, name: "n2" });
      const cols = (await conn.execute(firstFive())).columns("name", "id").all();
      expect(cols.map((r) => [...r])).toEqual([["n1", 1], ["n2", 2], ["n3", 3], ["n4", 4], ["n5", 5]]);
      const grps = (await conn.execute(select(t.c.grp).where(t.c.id.le(20)).orderBy(t.c.id))).scalars().unique().all();
      expect(grps).toEqual([null, 1, 2, 0]);
      const r = await conn.execute(firstFive());
      expect(r.fetchmany(2).map((x) => x.id)).toEqual([1, 2]);
      expect(r.fetchmany(2).map((x) => x.id)).toEqual([3, 4]);
      expect(r.fetchmany(2).map((x) => x.id)).toEqual([5]);
      expect(r.fetchmany(2)).toEqual([]);
      const parts = [...(await conn.execute(firstFive())).partitions(2)].map((p) => p.map((x) => x.id));
      expect(parts).toEqual([[1, 2], [3, 4], [5]]);
      const seen: number[] = [];
      for (const row of await conn.execute(firstFive())) seen.push(row.id as number);
      expect(seen).toEqual([1, 2, 3, 4, 5]);
      const seenAsync: number[] = [];
      for await (const row of await conn.execute(firstFive())) seenAsync.push(row.id as number);
      expect(seenAsync).toEqual([1, 2, 3, 4, 5]);
      const c = await conn.execute(firstFive());
      c.close();
      expect(() => c.all()).toThrow(ResourceClosedError);
    });

    it("rowsAffected for DML without RETURNING", async () => {
      await using conn = await h.engine.connect();
      const r = await conn.execute(update(t).values({ grp: 9 }).where(t.c.id.le(3)));
      expect(r.rowsAffected).toBe(3);
      await conn.rollback();
    });
  });

  describe("streaming AsyncResult", () => {
    it("fetches yieldPer rows per round trip (chunked)", async () => {
      await using conn = await h.engine.connect();
      conn.executionOptions({ yieldPer: 100 });
      const before = { ...h.counting.counts };
      const s = await conn.stream(select(t.c.id, t.c.name).orderBy(t.c.id));
      let n = 0;
      let last = 0;
      for await (const row of s) {
        n++;
        expect(row.id).toBe(last + 1);
        last = row.id as number;
      }
      expect(n).toBe(N);
      expect(h.counting.counts.openCursor - before.openCursor).toBe(1);
      const fetches = h.counting.counts.fetch - before.fetch;
      // ten full chunks, plus at most one call that finds the cursor exhausted
      expect(fetches).toBeGreaterThanOrEqual(N / 100);
      expect(fetches).toBeLessThanOrEqual(N / 100 + 1);
      // the connection is free again
      expect(await conn.scalar(select(func.count(t.c.id)))).toBe(N);
    });

    it("yieldPer on the result changes the chunk size; fetchmany and partitions", async () => {
      await using conn = await h.engine.connect();
      const before = h.counting.counts.fetch;
      const s = (await conn.stream(select(t.c.id).orderBy(t.c.id))).yieldPer(250);
      const parts: number[] = [];
      for await (const p of s.partitions()) parts.push(p.length);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(N);
      const fetches = h.counting.counts.fetch - before;
      expect(fetches).toBeLessThanOrEqual(Math.ceil(N / 250) + 2);
      const s2 = await conn.stream(select(t.c.id).orderBy(t.c.id));
      expect((await s2.fetchmany(3)).map((r) => r.id)).toEqual([1, 2, 3]);
      expect((await s2.fetchone())?.id).toBe(4);
      await s2.close();
    });

    it("an early break closes the cursor and frees the connection", async () => {
      await using conn = await h.engine.connect();
      conn.executionOptions({ yieldPer: 50 });
      const s = await conn.stream(select(t.c.id).orderBy(t.c.id));
      let n = 0;
      for await (const row of s) {
        void row;
        if (++n === 10) break;
      }
      expect(s.closed).toBe(true);
      await expect(s.all()).rejects.toThrow(ResourceClosedError);
      if (target.dialect === "postgresql") {
        expect(Number(await conn.scalar(text("SELECT count(*) FROM pg_cursors")))).toBe(0);
      }
      expect(await conn.scalar(select(t.c.name).where(t.c.id.eq(2)))).toBe("n2");
    });

    it("await using closes the stream", async () => {
      await using conn = await h.engine.connect();
      {
        await using s = await conn.stream(select(t.c.id).orderBy(t.c.id));
        expect((await s.first())?.id).toBe(1);
      }
      {
        await using s = await conn.stream(select(t.c.id).orderBy(t.c.id));
        expect((await s.fetchmany(2)).length).toBe(2);
      }
      if (target.dialect === "postgresql") {
        expect(Number(await conn.scalar(text("SELECT count(*) FROM pg_cursors")))).toBe(0);
      }
      expect(await conn.scalar(select(func.count(t.c.id)))).toBe(N);
    });

    it("a stream outside an explicit transaction works and the connection can commit after", async () => {
      await using conn = await h.engine.connect();
      const all = await (await conn.stream(select(t.c.id).where(t.c.id.le(3)).orderBy(t.c.id))).all();
      expect(all.map((r) => r.id)).toEqual([1, 2, 3]);
      await conn.commit();
      expect(conn.inTransaction()).toBe(false);
    });

    it("streamScalars, stream().mappings(), one(), scalar()", async () => {
      await using conn = await h.engine.connect();
      const ids: number[] = [];
      for await (const id of await conn.streamScalars(select(t.c.id).where(t.c.id.le(5)).orderBy(t.c.id))) ids.push(id as number);
      expect(ids).toEqual([1, 2, 3, 4, 5]);
      const m = await (await conn.stream(firstFive())).mappings().all();
      expect(m[4]!.toJSON()).toEqual({ id: 5, name: "n5" });
      expect((await (await conn.stream(firstFive().where(t.c.id.eq(2)))).one()).name).toBe("n2");
      await expect((await conn.stream(firstFive())).one()).rejects.toThrow(MultipleResultsFound);
      expect(await (await conn.stream(select(func.count(t.c.id)))).scalar()).toBe(N);
      const ks = await conn.stream(firstFive());
      expect(ks.keys()).toEqual(["id", "name"]);
      await ks.close();
      const u = await (await conn.stream(select(t.c.grp).where(t.c.id.le(20)).orderBy(t.c.id))).scalars().unique().all();
      expect(u).toEqual([null, 1, 2, 0]);
    });

    it("a stream of an empty result has keys and no rows", async () => {
      await using conn = await h.engine.connect();
      const s = await conn.stream(firstFive().where(t.c.id.eq(-5)));
      expect(s.keys()).toEqual(["id", "name"]);
      expect(await s.all()).toEqual([]);
    });
  });
});

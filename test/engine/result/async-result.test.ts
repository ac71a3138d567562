import { describe, expect, it } from "vitest";
import {
  ArgumentError,
  InvalidRequestError,
  MultipleResultsFound,
  NoResultFound,
  NoSuchColumnError,
  ResourceClosedError,
} from "../../../src/errors.js";
import { AsyncResult, type ResultMetadata } from "../../../src/engine/result/index.js";
import { memoryCursor, numbered, type MemoryCursor } from "./memory-cursor.js";

type T = [number, string];
type N = { id: number; name: string };
const meta: ResultMetadata = { keys: ["id", "name"], processors: [] };
const CLOSED = "This result object is closed.";

function stream(n: number, chunkSize = 3, log?: string[]) {
  const cursor = memoryCursor(numbered(n), { log });
  const state = { onClose: 0 };
  const result = new AsyncResult<T, N>(meta, cursor, {
    chunkSize,
    onClose: async () => {
      state.onClose++;
      log?.push("onClose");
    },
  });
  return { result, cursor, state };
}

function expectReleasedOnce(cursor: MemoryCursor, state: { onClose: number }) {
  expect(cursor.closes).toBe(1);
  expect(state.onClose).toBe(1);
}

describe("AsyncResult streaming", () => {
  it("fetches chunkSize rows at a time while iterating, then closes the cursor and calls onClose once", async () => {
    const log: string[] = [];
    const { result, cursor, state } = stream(10, 3, log);
    const ids: number[] = [];
    for await (const row of result) {
      ids.push(row.id);
      // Never more than one chunk ahead of the consumer.
      expect(cursor.delivered() - ids.length).toBeLessThan(3);
    }
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(cursor.fetches).toEqual([3, 3, 3, 3, 3]);
    expect(log).toEqual(["fetch:3", "fetch:3", "fetch:3", "fetch:3", "fetch:3", "close", "onClose"]);
    expectReleasedOnce(cursor, state);
    // Exhausted, not closed: later fetches return nothing without touching the cursor.
    expect(result.closed).toBe(false);
    expect(await result.all()).toEqual([]);
    expect(await result.fetchone()).toBeNull();
    await result.close();
    expect(result.closed).toBe(true);
    expectReleasedOnce(cursor, state);
  });

  it("a for await loop left early closes the cursor and calls onClose exactly once", async () => {
    const { result, cursor, state } = stream(10, 4);
    for await (const row of result) if (row.id === 2) break;
    expect(cursor.fetches).toEqual([4]);
    expectReleasedOnce(cursor, state);
    expect(result.closed).toBe(true);
    await expect(result.fetchone()).rejects.toThrow(new ResourceClosedError(CLOSED));
    await result.close();
    expectReleasedOnce(cursor, state);
  });

  it("an exception in the loop body closes the result", async () => {
    const { result, cursor, state } = stream(10, 4);
    await expect(
      (async () => {
        for await (const _row of result) throw new Error("boom");
      })(),
    ).rejects.toThrow("boom");
    expectReleasedOnce(cursor, state);
  });

  it("await using closes the result at the end of the block", async () => {
    const { result, cursor, state } = stream(10, 4);
    {
      await using r = result;
      expect((await r.fetchone())?.id).toBe(1);
    }
    expect(result.closed).toBe(true);
    expectReleasedOnce(cursor, state);
  });

  it("all() gathers every row, fetching chunk by chunk", async () => {
    const { result, cursor, state } = stream(7, 3);
    expect((await result.all()).map((r) => r._tuple())).toEqual(numbered(7));
    expect(cursor.fetches).toEqual([3, 3, 3, 3]);
    expectReleasedOnce(cursor, state);
  });

  it("fetchone / fetchmany continue from the buffered chunk", async () => {
    const { result, cursor } = stream(10, 4);
    expect((await result.fetchone())?.id).toBe(1);
    expect((await result.fetchmany(2)).map((r) => r.id)).toEqual([2, 3]);
    expect(cursor.fetches).toEqual([4]);
    // Crossing a chunk boundary; a request larger than the chunk is fetched in one round trip.
    expect((await result.fetchmany(6)).map((r) => r.id)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(cursor.fetches).toEqual([4, 5]);
    expect((await result.fetchmany()).map((r) => r.id)).toEqual([10]);
    expect(await result.fetchmany()).toEqual([]);
    await expect(result.fetchmany(0)).rejects.toThrow(ArgumentError);
  });

  it("partitions() is an async iterable of arrays; default size is the fetch size", async () => {
    const { result } = stream(7, 3);
    const parts: number[][] = [];
    for await (const p of result.partitions()) parts.push(p.map((r) => r.id));
    expect(parts).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    const s2 = stream(5, 3);
    const sized: number[] = [];
    for await (const p of s2.result.partitions(2)) sized.push(p.length);
    expect(sized).toEqual([2, 2, 1]);
    const s3 = stream(9, 3);
    for await (const p of s3.result.partitions(2)) if (p[0].id === 1) break;
    expectReleasedOnce(s3.cursor, s3.state);
  });

  it("yieldPer() changes the fetch size", async () => {
    const { result, cursor } = stream(10, 3);
    expect((await result.fetchone())?.id).toBe(1);
    result.yieldPer(5);
    await result.all();
    expect(cursor.fetches).toEqual([3, 5, 5, 5]);
    expect(() => result.yieldPer(-1)).toThrow("yieldPer(): size must be a positive integer, got -1");
  });

  it("rejects a chunk size that is not a positive integer", () => {
    expect(() => new AsyncResult(meta, memoryCursor([]), { chunkSize: 0 })).toThrow(ArgumentError);
  });
});

describe("AsyncResult single-row methods", () => {
  it("first() fetches one row and closes", async () => {
    const { result, cursor, state } = stream(10, 50);
    expect((await result.first())?._tuple()).toEqual([1, "name 1"]);
    expect(cursor.fetches).toEqual([1]);
    expect(result.closed).toBe(true);
    expectReleasedOnce(cursor, state);
    await expect(result.all()).rejects.toThrow(CLOSED);
    expect(await stream(0).result.first()).toBeNull();
  });

  it("one() / oneOrNone() raise NoResultFound / MultipleResultsFound and close", async () => {
    const one = stream(1, 50);
    expect((await one.result.one()).name).toBe("name 1");
    expect(one.cursor.fetches).toEqual([2, 1]);
    expectReleasedOnce(one.cursor, one.state);

    const none = stream(0);
    await expect(none.result.one()).rejects.toThrow(NoResultFound);
    expectReleasedOnce(none.cursor, none.state);
    await expect(stream(0).result.one()).rejects.toThrow("No row was found when one was required");

    const two = stream(5);
    await expect(two.result.one()).rejects.toThrow(MultipleResultsFound);
    expect(two.result.closed).toBe(true);
    expectReleasedOnce(two.cursor, two.state);
    await expect(stream(2).result.one()).rejects.toThrow("Multiple rows were found when exactly one was required");

    expect(await stream(0).result.oneOrNone()).toBeNull();
    expect((await stream(1).result.oneOrNone())?.id).toBe(1);
    await expect(stream(2).result.oneOrNone()).rejects.toThrow(
      "Multiple rows were found when one or none was required",
    );
  });

  it("scalar(), scalarOne(), scalarOneOrNone()", async () => {
    expect(await stream(3).result.scalar()).toBe(1);
    expect(await stream(0).result.scalar()).toBeNull();
    expect(await stream(1).result.scalarOne()).toBe(1);
    await expect(stream(0).result.scalarOne()).rejects.toThrow(NoResultFound);
    expect(await stream(0).result.scalarOneOrNone()).toBeNull();
    await expect(stream(2).result.scalarOneOrNone()).rejects.toThrow(MultipleResultsFound);
  });
});

describe("AsyncResult views", () => {
  it("scalars() streams one column; unique() works on it", async () => {
    expect(await stream(4).result.scalars().all()).toEqual([1, 2, 3, 4]);
    expect(await stream(2).result.scalars("name").all()).toEqual(["name 1", "name 2"]);
    expect(await stream(2).result.scalars(1).first()).toBe("name 1");
    const values: number[] = [];
    for await (const v of stream(3).result.scalars()) values.push(v);
    expect(values).toEqual([1, 2, 3]);

    const dup = new AsyncResult(
      { keys: ["v"], processors: [] },
      memoryCursor([[1], [2], [1], [3], [2], [1]]),
      { chunkSize: 2 },
    );
    expect(await dup.scalars().unique().all()).toEqual([1, 2, 3]);
  });

  it("mappings() streams RowMapping objects", async () => {
    const ms = stream(2).result.mappings();
    expect(ms.keys()).toEqual(["id", "name"]);
    expect((await ms.all()).map((m) => m.toJSON())).toEqual([
      { id: 1, name: "name 1" },
      { id: 2, name: "name 2" },
    ]);
    expect((await stream(1).result.mappings().one()).name).toBe("name 1");
  });

  it("columns() narrows rows and shares the cursor", async () => {
    const { result, cursor, state } = stream(3, 2);
    const narrowed = result.columns("name");
    expect(narrowed.keys()).toEqual(["name"]);
    expect((await narrowed.all()).map((r) => r._tuple())).toEqual([["name 1"], ["name 2"], ["name 3"]]);
    expect(cursor.fetches).toEqual([2, 2, 2]);
    expectReleasedOnce(cursor, state);
    expect(() => stream(1).result.columns("nope" as "id")).toThrow(NoSuchColumnError);
  });

  it("unique() de-duplicates rows across chunk boundaries; one() skips duplicates", async () => {
    const rows = [
      [1, "a"],
      [1, "a"],
      [2, "b"],
      [1, "a"],
      [2, "b"],
      [3, "c"],
    ];
    const r = new AsyncResult(meta, memoryCursor(rows), { chunkSize: 2 }).unique();
    const ids: number[] = [];
    for await (const row of r) ids.push(row[0] as number);
    expect(ids).toEqual([1, 2, 3]);
    const same = new AsyncResult(meta, memoryCursor([[1, "a"], [1, "a"], [1, "a"]]), { chunkSize: 2 }).unique();
    expect((await same.one())._tuple()).toEqual([1, "a"]);
    const byName = new AsyncResult(meta, memoryCursor(rows), { chunkSize: 4 }).unique((row) => row[1]);
    expect((await byName.fetchmany(10)).map((row) => row[1])).toEqual(["a", "b", "c"]);
  });

  it("ambiguous names raise on named access, not on fetch", async () => {
    const r = new AsyncResult({ keys: ["id", "id"], processors: [] }, memoryCursor([[1, 2]]), { chunkSize: 5 });
    const row = (await r.one()) as unknown as { id: unknown; 0: unknown; 1: unknown };
    expect([row[0], row[1]]).toEqual([1, 2]);
    expect(() => row.id).toThrow(InvalidRequestError);
  });
});

describe("AsyncResult errors and processors", () => {
  it("a failing fetch closes the cursor, calls onClose once and rethrows the driver error", async () => {
    const log: string[] = [];
    const cursor = memoryCursor(numbered(10), { failOnFetch: 2, log });
    let closedCalls = 0;
    const r = new AsyncResult(meta, cursor, { chunkSize: 3, onClose: async () => void closedCalls++ });
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const row of r) seen.push(row[0] as number);
      })(),
    ).rejects.toThrow("connection reset");
    expect(seen).toEqual([1, 2, 3]);
    expect(cursor.closes).toBe(1);
    expect(closedCalls).toBe(1);
    expect(r.closed).toBe(true);
    expect(log).toEqual(["fetch:3", "fetch:3", "close"]);
  });

  it("a processor failing in a for await loop closes the result, whether its row was buffered or fetched", async () => {
    for (const [rows, chunkSize] of [
      [[[1], ["bad"]], 5], // the failing row is already buffered
      [[[1], ["bad"]], 1], // the failing row comes with a new fetch
    ] as const) {
      let closes = 0;
      const r = new AsyncResult(
        { keys: ["n"], processors: [(v) => (typeof v === "number" ? v : (() => { throw new Error("bad value"); })())] },
        memoryCursor(rows.map((x) => [...x])),
        { chunkSize, onClose: async () => void closes++ },
      );
      const seen: unknown[] = [];
      await expect(
        (async () => {
          for await (const row of r) seen.push(row[0]);
        })(),
      ).rejects.toThrow("bad value");
      expect(seen).toEqual([1]);
      expect(r.closed).toBe(true);
      expect(closes).toBe(1);
    }
  });

  it("iterating a closed result rejects, and leaving an iterator twice closes once", async () => {
    const { result, cursor, state } = stream(5, 2);
    const it = result[Symbol.asyncIterator]();
    expect((await it.next()).value?.id).toBe(1);
    expect(await it.return(undefined)).toEqual({ value: undefined, done: true });
    expect(await it.return(undefined)).toEqual({ value: undefined, done: true });
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expectReleasedOnce(cursor, state);
    await expect(result[Symbol.asyncIterator]().next()).rejects.toThrow(new ResourceClosedError(CLOSED));
  });

  it("a failing processor in all() closes the result", async () => {
    const cursor = memoryCursor([[1], ["bad"]]);
    const r = new AsyncResult(
      {
        keys: ["n"],
        processors: [
          (v) => {
            if (typeof v !== "number") throw new TypeError(`not a number: ${String(v)}`);
            return v;
          },
        ],
      },
      cursor,
      { chunkSize: 10 },
    );
    await expect(r.all()).rejects.toThrow("not a number: bad");
    expect(cursor.closes).toBe(1);
  });

  it("applies processors once per value as rows are consumed", async () => {
    let calls = 0;
    const r = new AsyncResult(
      {
        keys: ["id", "name"],
        processors: [
          undefined,
          (v) => {
            calls++;
            return (v as string).toUpperCase();
          },
        ],
      },
      memoryCursor(numbered(5)),
      { chunkSize: 2 },
    );
    const first = await r.fetchone();
    expect(calls).toBe(1);
    expect([first!.name, first!.name, first!._mapping.name]).toEqual(["NAME 1", "NAME 1", "NAME 1"]);
    expect(calls).toBe(1);
    expect((await r.all()).map((x) => x[1])).toEqual(["NAME 2", "NAME 3", "NAME 4", "NAME 5"]);
    expect(calls).toBe(5);
  });

  it("concurrent fetchone() calls share fetches and return distinct rows", async () => {
    const { result, cursor } = stream(5, 2);
    const got = await Promise.all([result.fetchone(), result.fetchone(), result.fetchone()]);
    expect(got.map((r) => r?.id)).toEqual([1, 2, 3]);
    expect(cursor.fetches).toEqual([2, 2]);
  });

  it("close() while open closes the cursor once and calls onClose after it", async () => {
    const log: string[] = [];
    const { result, cursor, state } = stream(10, 3, log);
    await result.fetchone();
    await Promise.all([result.close(), result.close()]);
    expectReleasedOnce(cursor, state);
    expect(log).toEqual(["fetch:3", "close", "onClose"]);
    await expect(result.scalars().all()).rejects.toThrow(ResourceClosedError);
  });
});

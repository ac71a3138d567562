/**
 * End to end over a real database: rows streamed from libSQL (`:memory:`) through a small
 * DriverCursor that pages with LIMIT/OFFSET (for this test only; adapters bring their own).
 */
import { createClient, type Client } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DriverCursor } from "../../../src/engine/driver/contract.js";
import { AsyncResult, Result, type ResultMetadata } from "../../../src/engine/result/index.js";

const TABLE = "result_stream_items";
let client: Client;

beforeAll(async () => {
  client = createClient({ url: ":memory:" });
  await client.execute(`CREATE TABLE ${TABLE} (id INTEGER PRIMARY KEY, name TEXT, active INTEGER, doc TEXT)`);
  const stmts = Array.from({ length: 250 }, (_, k) => ({
    sql: `INSERT INTO ${TABLE} (id, name, active, doc) VALUES (?, ?, ?, ?)`,
    args: [k + 1, `item ${k + 1}`, (k + 1) % 2, k % 10 === 0 ? null : JSON.stringify({ n: k + 1 })],
  }));
  await client.batch(stmts, "write");
});
afterAll(() => client.close());

interface PagingCursor extends DriverCursor {
  readonly queries: string[];
  closed: number;
}

function pagingCursor(sql: string): PagingCursor {
  let offset = 0;
  const cursor: PagingCursor = {
    columns: [],
    queries: [],
    closed: 0,
    async fetch(maxRows) {
      const q = `${sql} LIMIT ${maxRows} OFFSET ${offset}`;
      cursor.queries.push(q);
      const rs = await client.execute(q);
      offset += rs.rows.length;
      return rs.rows.map((r) => Array.from(r));
    },
    async close() {
      cursor.closed++;
    },
  };
  return cursor;
}

const meta: ResultMetadata = {
  keys: ["id", "name", "active", "doc"],
  processors: [undefined, undefined, (v) => v === 1, (v) => JSON.parse(v as string)],
};
type T = [number, string, boolean, { n: number } | null];
type N = { id: number; name: string; active: boolean; doc: { n: number } | null };
const SELECT = `SELECT id, name, active, doc FROM ${TABLE} ORDER BY id`;

describe("AsyncResult over libSQL", () => {
  it("streams every row in chunks, processed, and releases once at the end", async () => {
    const cursor = pagingCursor(SELECT);
    let released = 0;
    const result = new AsyncResult<T, N>(meta, cursor, { chunkSize: 100, onClose: async () => void released++ });
    let count = 0;
    let activeCount = 0;
    for await (const row of result) {
      count++;
      if (row.active) activeCount++;
      expect(row.id).toBe(count);
      expect(row.doc).toEqual(count % 10 === 1 ? null : { n: count });
    }
    expect(count).toBe(250);
    expect(activeCount).toBe(125);
    expect(cursor.queries).toEqual([
      `${SELECT} LIMIT 100 OFFSET 0`,
      `${SELECT} LIMIT 100 OFFSET 100`,
      `${SELECT} LIMIT 100 OFFSET 200`,
      `${SELECT} LIMIT 100 OFFSET 250`,
    ]);
    expect([cursor.closed, released]).toEqual([1, 1]);
  });

  it("stops fetching and releases when the loop exits early", async () => {
    const cursor = pagingCursor(SELECT);
    let released = 0;
    const result = new AsyncResult<T, N>(meta, cursor, { chunkSize: 50, onClose: async () => void released++ });
    const names: string[] = [];
    for await (const row of result) {
      names.push(row.name);
      if (names.length === 60) break;
    }
    expect(names.at(-1)).toBe("item 60");
    expect(cursor.queries.length).toBe(2);
    expect([cursor.closed, released]).toEqual([1, 1]);
    await expect(result.fetchone()).rejects.toThrow("This result object is closed.");
  });

  it("gives scalars, mappings and partitions over the stream", async () => {
    const ids = await new AsyncResult<T, N>(meta, pagingCursor(`${SELECT}`), { chunkSize: 64 })
      .scalars("id")
      .all();
    expect(ids.length).toBe(250);
    expect(ids.slice(0, 3)).toEqual([1, 2, 3]);

    const m = await new AsyncResult<T, N>(meta, pagingCursor(`${SELECT}`), { chunkSize: 10 }).mappings().first();
    expect(m?.toJSON()).toEqual({ id: 1, name: "item 1", active: true, doc: null });

    const sizes: number[] = [];
    for await (const part of new AsyncResult<T, N>(meta, pagingCursor(SELECT), { chunkSize: 100 }).partitions(120)) {
      sizes.push(part.length);
    }
    expect(sizes).toEqual([120, 120, 10]);
  });
});

describe("Result over a libSQL result set", () => {
  it("wraps fetched rows with rowsAffected and lastInsertRowid", async () => {
    const ins = await client.execute({ sql: `INSERT INTO ${TABLE} (id, name, active) VALUES (?, ?, ?)`, args: [1000, "x", 1] });
    const written = new Result({ keys: [], processors: [] }, [], {
      rowsAffected: ins.rowsAffected,
      lastInsertRowid: ins.lastInsertRowid,
    });
    expect(written.rowsAffected).toBe(1);
    expect(written.lastInsertRowid).toBe(1000n);

    const rs = await client.execute(`SELECT active, count(*) AS n FROM ${TABLE} WHERE id <= 250 GROUP BY active ORDER BY active`);
    const result = new Result<[boolean, number], { active: boolean; n: number }>(
      { keys: rs.columns, processors: [(v) => v === 1] },
      rs.rows.map((r) => Array.from(r)),
      { rowsAffected: rs.rowsAffected },
    );
    expect(result.mappings().all().map((x) => x.toJSON())).toEqual([
      { active: false, n: 125 },
      { active: true, n: 125 },
    ]);
  });
});

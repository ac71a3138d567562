import { describe, expect, it } from "vitest";
import {
  ArgumentError,
  InvalidRequestError,
  MultipleResultsFound,
  NoResultFound,
  ResourceClosedError,
} from "../../../src/errors.js";
import { Result, type ResultMetadata } from "../../../src/engine/result/index.js";
import { numbered } from "./memory-cursor.js";

type T = [number, string];
type N = { id: number; name: string };
const meta: ResultMetadata = { keys: ["id", "name"], processors: [] };
const make = (n: number) => new Result<T, N>(meta, numbered(n), { rowsAffected: -1 });
const tuples = (rs: { _tuple(): unknown[] }[]) => rs.map((r) => r._tuple());
const CLOSED = "This result object is closed.";

describe("Result fetching", () => {
  it("all() returns every row; exhausting does not close, later fetches return nothing", () => {
    const r = make(3);
    expect(tuples(r.all())).toEqual([
      [1, "name 1"],
      [2, "name 2"],
      [3, "name 3"],
    ]);
    expect(r.closed).toBe(false);
    expect(r.all()).toEqual([]);
    expect(r.fetchone()).toBeNull();
    expect(r.fetchmany(2)).toEqual([]);
  });

  it("fetchone / fetchmany / fetchall continue from the current position", () => {
    const r = make(6);
    expect(r.fetchone()?._tuple()).toEqual([1, "name 1"]);
    expect(tuples(r.fetchmany(2))).toEqual([
      [2, "name 2"],
      [3, "name 3"],
    ]);
    expect(r.fetchall().map((x) => x.id)).toEqual([4, 5, 6]);
    expect(r.fetchone()).toBeNull();
  });

  it("fetchmany() and partitions() default to the yieldPer() size", () => {
    const r = make(5).yieldPer(2);
    expect(r.fetchmany().map((x) => x.id)).toEqual([1, 2]);
    expect([...r.partitions()].map((p) => p.map((x) => x.id))).toEqual([[3, 4], [5]]);
    expect([...make(3).partitions()].map((p) => p.length)).toEqual([3]);
  });

  it("partitions(size) yields arrays of up to size rows", () => {
    expect([...make(7).partitions(3)].map((p) => p.map((x) => x.id))).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it("rejects sizes that are not positive integers, naming the method", () => {
    expect(() => make(1).fetchmany(0)).toThrow(ArgumentError);
    expect(() => make(1).fetchmany(1.5)).toThrow("fetchmany(): size must be a positive integer, got 1.5");
    expect(() => make(1).partitions(-1).next()).toThrow("partitions(): size must be a positive integer, got -1");
    expect(() => make(1).yieldPer(0)).toThrow("yieldPer(): size must be a positive integer, got 0");
  });

  it("first() returns the first row or null and closes the result", () => {
    const r = make(3);
    expect(r.first()?._tuple()).toEqual([1, "name 1"]);
    expect(r.closed).toBe(true);
    expect(() => r.all()).toThrow(ResourceClosedError);
    expect(() => r.fetchone()).toThrow(CLOSED);
    expect(make(0).first()).toBeNull();
  });

  it("one() returns the only row, or raises NoResultFound / MultipleResultsFound; always closes", () => {
    const r = make(1);
    expect(r.one().name).toBe("name 1");
    expect(r.closed).toBe(true);

    const none = make(0);
    expect(() => none.one()).toThrow(NoResultFound);
    expect(none.closed).toBe(true);
    expect(() => make(0).one()).toThrow("No row was found when one was required");

    const two = make(2);
    expect(() => two.one()).toThrow(MultipleResultsFound);
    expect(two.closed).toBe(true);
    expect(() => make(2).one()).toThrow("Multiple rows were found when exactly one was required");
  });

  it("oneOrNone() returns the row, null, or raises MultipleResultsFound", () => {
    expect(make(1).oneOrNone()?.id).toBe(1);
    expect(make(0).oneOrNone()).toBeNull();
    expect(() => make(3).oneOrNone()).toThrow("Multiple rows were found when one or none was required");
    expect(() => make(3).oneOrNone()).toThrow(MultipleResultsFound);
  });

  it("scalar(), scalarOne(), scalarOneOrNone() return the first column and close", () => {
    const r = make(3);
    expect(r.scalar()).toBe(1);
    expect(r.closed).toBe(true);
    expect(make(0).scalar()).toBeNull();
    expect(make(1).scalarOne()).toBe(1);
    expect(() => make(0).scalarOne()).toThrow(NoResultFound);
    expect(() => make(2).scalarOne()).toThrow(MultipleResultsFound);
    expect(make(0).scalarOneOrNone()).toBeNull();
    expect(make(1).scalarOneOrNone()).toBe(1);
    expect(() => make(2).scalarOneOrNone()).toThrow(MultipleResultsFound);
  });

  it("close() is idempotent and every fetch method then raises ResourceClosedError", () => {
    const r = make(3);
    r.close();
    r.close();
    expect(r.closed).toBe(true);
    for (const f of [
      () => r.all(),
      () => r.fetchall(),
      () => r.fetchone(),
      () => r.fetchmany(1),
      () => r.first(),
      () => r.one(),
      () => r.oneOrNone(),
      () => r.scalar(),
      () => r.scalars().all(),
      () => r.mappings().all(),
      () => [...r],
    ]) {
      expect(f).toThrow(new ResourceClosedError(CLOSED));
    }
    expect(r.keys()).toEqual(["id", "name"]);
  });

  it("carries rowsAffected and lastInsertRowid", () => {
    const r = new Result({ keys: [], processors: [] }, [], { rowsAffected: 3, lastInsertRowid: 42n });
    expect(r.rowsAffected).toBe(3);
    expect(r.lastInsertRowid).toBe(42n);
    expect(r.returnsRows).toBe(false);
    expect(() => r.all()).toThrow("This result object does not return rows. It has been closed automatically.");
    expect(() => r.first()).toThrow(ResourceClosedError);
    expect(make(1).lastInsertRowid).toBeUndefined();
    const zeroColumns = new Result({ keys: [], processors: [] }, [[], []], { rowsAffected: -1, returnsRows: true });
    expect(zeroColumns.all().map((row) => row.length)).toEqual([0, 0]);
  });
});

describe("Result iteration and disposal", () => {
  it("for…of yields every row; exhaustion leaves the result open", () => {
    const r = make(3);
    const ids: number[] = [];
    for (const row of r) ids.push(row.id);
    expect(ids).toEqual([1, 2, 3]);
    expect(r.closed).toBe(false);
  });

  it("leaving a for…of loop early closes the result", () => {
    const r = make(3);
    for (const row of r) if (row.id === 1) break;
    expect(r.closed).toBe(true);
    expect(() => r.fetchone()).toThrow(ResourceClosedError);
  });

  it("an exception inside the loop closes the result", () => {
    const r = make(3);
    expect(() => {
      for (const _row of r) throw new Error("boom");
    }).toThrow("boom");
    expect(r.closed).toBe(true);
  });

  it("for await iterates a buffered result too", async () => {
    const ids: number[] = [];
    for await (const row of make(3)) ids.push(row.id);
    expect(ids).toEqual([1, 2, 3]);
  });

  it("using / await using close the result", async () => {
    let kept: Result<T, N>;
    {
      using r = make(2);
      kept = r;
      expect(r.fetchone()?.id).toBe(1);
    }
    expect(kept.closed).toBe(true);
    {
      await using r = make(2);
      kept = r;
    }
    expect(kept.closed).toBe(true);
  });
});

describe("Result views: scalars(), mappings(), columns()", () => {
  it("scalars() gives the first column, or the column at a position or key", () => {
    expect(make(3).scalars().all()).toEqual([1, 2, 3]);
    expect(make(2).scalars(1).all()).toEqual(["name 1", "name 2"]);
    expect(make(2).scalars("name").first()).toBe("name 1");
    expect(make(1).scalars().one()).toBe(1);
    expect(make(0).scalars().oneOrNone()).toBeNull();
    expect([...make(5).scalars().partitions(2)]).toEqual([[1, 2], [3, 4], [5]]);
    expect(make(4).scalars().fetchmany(3)).toEqual([1, 2, 3]);
    const ids: number[] = [];
    for (const id of make(2).scalars()) ids.push(id);
    expect(ids).toEqual([1, 2]);
  });

  it("scalars() applies only that column's processor", () => {
    const seen: string[] = [];
    const m: ResultMetadata = {
      keys: ["a", "b"],
      processors: [
        (v) => (seen.push("a"), v),
        (v) => (seen.push("b"), String(v).toUpperCase()),
      ],
    };
    expect(new Result(m, [[1, "x"]], { rowsAffected: -1 }).scalars("b").all()).toEqual(["X"]);
    expect(seen).toEqual(["b"]);
  });

  it("scalars() rejects unknown, out of range and ambiguous columns", () => {
    expect(() => make(1).scalars(2 as number)).toThrow(ArgumentError);
    expect(() => make(1).scalars(2 as number)).toThrow(
      "scalars(): column index 2 is out of range for a result with 2 columns",
    );
    expect(() => make(1).scalars("nope" as "name")).toThrow("scalars(): Could not locate column in row for column 'nope'");
    const dup = new Result({ keys: ["x", "x"], processors: [] }, [[1, 2]], { rowsAffected: -1 });
    expect(() => dup.scalars("x")).toThrow(InvalidRequestError);
    expect(() => dup.scalars("x")).toThrow("Ambiguous column name 'x' in result set column descriptions");
  });

  it("shares the rows with the result it was made from", () => {
    const r = make(4);
    expect(r.fetchone()?.id).toBe(1);
    const s = r.scalars();
    expect(s.fetchone()).toBe(2);
    expect(r.fetchone()?.id).toBe(3);
    s.close();
    expect(r.closed).toBe(true);
  });

  it("mappings() gives RowMapping objects", () => {
    const ms = make(2).mappings();
    expect(ms.keys()).toEqual(["id", "name"]);
    const all = ms.all();
    expect(all.map((m) => m.name)).toEqual(["name 1", "name 2"]);
    expect(all.map((m) => m.toJSON())).toEqual([
      { id: 1, name: "name 1" },
      { id: 2, name: "name 2" },
    ]);
    expect(make(1).mappings().one().id).toBe(1);
  });

  it("columns() narrows and reorders rows by key or position, with processors", () => {
    const m: ResultMetadata = {
      keys: ["x", "y", "z"],
      processors: [undefined, (v) => (v as number) * 10, undefined],
    };
    const raw = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const r = new Result<[number, number, number], { x: number; y: number; z: number }>(m, raw, { rowsAffected: 2 });
    const yx = r.columns("y", 0);
    expect(yx.keys()).toEqual(["y", "x"]);
    expect(yx.rowsAffected).toBe(2);
    const rows = yx.all();
    expect(tuples(rows)).toEqual([
      [20, 1],
      [50, 4],
    ]);
    expect(rows[0].y).toBe(20);
    expect(rows[0]._fields).toEqual(["y", "x"]);
    // A projection of a projection, and the same projection twice shares its row class.
    const a = new Result(m, raw, { rowsAffected: -1 }).columns("z", "y").columns(1).all();
    expect(tuples(a)).toEqual([[20], [50]]);
    const b = new Result(m, raw, { rowsAffected: -1 }).columns("y").all();
    expect(Object.getPrototypeOf(a[0])).toBe(Object.getPrototypeOf(b[0]));
    expect(new Result(m, raw, { rowsAffected: -1 }).columns("z").scalars().all()).toEqual([3, 6]);
    expect(() => new Result(m, raw, { rowsAffected: -1 }).columns("w" as "x")).toThrow(
      "columns(): Could not locate column in row for column 'w'",
    );
  });
});

describe("unique()", () => {
  const dupMeta: ResultMetadata = { keys: ["id", "tag"], processors: [] };
  const dupRows = [
    [1, "a"],
    [1, "a"],
    [2, "a"],
    [1, "b"],
    [2, "a"],
  ];

  it("de-duplicates rows by their values", () => {
    expect(tuples(new Result(dupMeta, dupRows, { rowsAffected: -1 }).unique().all())).toEqual([
      [1, "a"],
      [2, "a"],
      [1, "b"],
    ]);
  });

  it("applies to fetchmany, iteration and partitions", () => {
    const r = new Result(dupMeta, dupRows, { rowsAffected: -1 }).unique();
    expect(tuples(r.fetchmany(2))).toEqual([
      [1, "a"],
      [2, "a"],
    ]);
    expect(tuples([...r])).toEqual([[1, "b"]]);
    const parts = [...new Result(dupMeta, dupRows, { rowsAffected: -1 }).unique().partitions(2)];
    expect(parts.map((p) => p.length)).toEqual([2, 1]);
  });

  it("uses a strategy to key rows", () => {
    const r = new Result(dupMeta, dupRows, { rowsAffected: -1 }).unique((row) => row[0]);
    expect(tuples(r.all())).toEqual([
      [1, "a"],
      [2, "a"],
    ]);
  });

  it("one() skips duplicates of the first row (SQLAlchemy 2.0 semantics)", () => {
    const r = new Result(dupMeta, [[1, "a"], [1, "a"]], { rowsAffected: -1 }).unique();
    expect(r.one()._tuple()).toEqual([1, "a"]);
    expect(() => new Result(dupMeta, dupRows, { rowsAffected: -1 }).unique().one()).toThrow(MultipleResultsFound);
  });

  it("works on scalars, and carries over from the result to scalars() and mappings()", () => {
    expect(new Result(dupMeta, dupRows, { rowsAffected: -1 }).scalars().unique().all()).toEqual([1, 2]);
    expect(new Result(dupMeta, dupRows, { rowsAffected: -1 }).unique().scalars("tag").all()).toEqual(["a", "b"]);
    expect(new Result(dupMeta, dupRows, { rowsAffected: -1 }).unique().mappings().all().length).toBe(3);
    expect(new Result(dupMeta, dupRows, { rowsAffected: -1 }).mappings().unique((m) => m.tag).all().length).toBe(2);
  });

  it("compares dates by time, bytes by content, other objects by identity", () => {
    const shared = { a: 1 };
    const m: ResultMetadata = { keys: ["v"], processors: [] };
    const raw = [
      [new Date(1000)],
      [new Date(1000)],
      [new Uint8Array([1, 2])],
      [new Uint8Array([1, 2])],
      ["\u0000D1000"],
      [shared],
      [shared],
      [{ a: 1 }],
      [null],
      [null],
      [undefined],
      [NaN],
      [NaN],
    ];
    expect(new Result(m, raw, { rowsAffected: -1 }).scalars().unique().all().length).toBe(8);
    expect(new Result(m, raw, { rowsAffected: -1 }).unique().all().length).toBe(8);
  });
});

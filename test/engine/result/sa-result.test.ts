/**
 * SQLAlchemy's test/base/test_result.py (ResultTest, ResultTupleTest) ported to the buffered
 * Result: the same rows in, the same rows, scalars, mappings and errors out.
 */
import { describe, expect, it } from "vitest";
import {
  ArgumentError,
  InvalidRequestError,
  MultipleResultsFound,
  NoResultFound,
  NoSuchColumnError,
  ResourceClosedError,
} from "../../../src/errors.js";
import { MappingResult, Result, ScalarResult, type ResultMetadata } from "../../../src/engine/result/index.js";

type ABC = { a: number; b: number | null; c: number };
const DATA = [
  [1, 1, 1],
  [2, 1, 2],
  [1, 3, 2],
  [4, 1, 2],
];
const abc: ResultMetadata = { keys: ["a", "b", "c"], processors: [] };

function fixture(opts: { data?: unknown[][]; numRows?: number; meta?: ResultMetadata } = {}) {
  let data = opts.data ?? DATA;
  if (opts.numRows !== undefined) data = data.slice(0, opts.numRows);
  return new Result<[number, number | null, number], ABC>(opts.meta ?? abc, data, { rowsAffected: -1 });
}
const tuples = (rows: Iterable<{ _tuple(): readonly unknown[] }>) => [...rows].map((r) => r._tuple());
const dicts = (ms: Iterable<{ toJSON(): unknown }>) => [...ms].map((m) => m.toJSON());

describe("ResultTest", () => {
  it("closed is false until close(); exhausting the rows only soft-closes", () => {
    const r = fixture();
    expect(r.closed).toBe(false);
    r.all();
    expect(r.closed).toBe(false);
    r.close();
    expect(r.closed).toBe(true);
  });

  it("columns(), mappings() and scalars() present Result, MappingResult and ScalarResult", () => {
    const r = fixture();
    expect(r.columns(0, 1, 2)).toBeInstanceOf(Result);
    expect(r.mappings()).toBeInstanceOf(MappingResult);
    expect(r.scalars(1)).toBeInstanceOf(ScalarResult);
  });

  it("mappings() and the base result share the rows", () => {
    const r = fixture();
    expect(r.mappings().fetchone()?.toJSON()).toEqual({ a: 1, b: 1, c: 1 });
    expect(r.fetchone()?._tuple()).toEqual([2, 1, 2]);
  });

  it("tuples() and t are the result itself", () => {
    const r = fixture();
    expect(r.tuples()).toBe(r);
    expect(r.t).toBe(r);
    expect(r.tuples().fetchone()?._tuple()).toEqual([1, 1, 1]);
    expect(r.fetchone()?._tuple()).toEqual([2, 1, 2]);
  });

  it("scalars() leaves the base untouched until it fetches", () => {
    const r = fixture();
    const s = r.scalars();
    expect(r.fetchone()?._tuple()).toEqual([1, 1, 1]);
    expect(s.first()).toBe(2);
  });

  it("column objects address columns through columns() chains and _mapping", () => {
    const [ex1a, ex1b, ex2, ex3a, ex3b] = [{}, {}, {}, {}, {}];
    const meta: ResultMetadata = { ...abc, targets: [[ex1a, ex1b], [ex2], [ex3a, ex3b]] };
    expect(tuples(fixture({ meta }).columns(ex2 as never, ex3b as never).columns(ex3a as never).all())).toEqual([[1], [2], [2], [2]]);
    expect([...fixture({ meta })].map((row) => row._mapping.get(ex1b as never))).toEqual([1, 2, 1, 4]);
    expect(dicts(fixture({ meta }).columns(ex2 as never, ex3b as never).columns(ex3a as never).mappings())).toEqual([
      { c: 1 },
      { c: 2 },
      { c: 2 },
      { c: 2 },
    ]);
  });

  it("unique().scalars(1) de-duplicates the scalar values", () => {
    expect(fixture().unique().scalars(1).all()).toEqual([1, 3]);
  });

  it("unique(strategy).mappings() keys rows by the strategy", () => {
    expect(dicts(fixture().unique((row) => row[0]).mappings().all())).toEqual([
      { a: 1, b: 1, c: 1 },
      { a: 2, b: 1, c: 2 },
      { a: 4, b: 1, c: 2 },
    ]);
  });

  it("unique(strategy).all(), fetchmany() and iteration", () => {
    expect(tuples(fixture().unique((row) => row[0]).all())).toEqual([
      [1, 1, 1],
      [2, 1, 2],
      [4, 1, 2],
    ]);
    const r = fixture().unique((row) => row[0]);
    expect(tuples(r.fetchmany(2))).toEqual([
      [1, 1, 1],
      [2, 1, 2],
    ]);
    expect(tuples(r.fetchmany(2))).toEqual([[4, 1, 2]]);
    expect(r.fetchmany(2)).toEqual([]);
    expect(tuples(fixture().unique((row) => row[0]))).toEqual([
      [1, 1, 1],
      [2, 1, 2],
      [4, 1, 2],
    ]);
  });

  it("unique().scalars(1): fetchmany(n), fetchmany() and iteration", () => {
    const r = fixture().unique().scalars(1);
    expect(r.fetchmany(2)).toEqual([1, 3]);
    expect(r.fetchmany(2)).toEqual([]);
    const all = fixture().unique().scalars(1);
    expect(all.fetchmany()).toEqual([1, 3]);
    expect(all.fetchmany()).toEqual([]);
    expect([...fixture().unique().scalars(1)]).toEqual([1, 3]);
  });

  it("all() returns every row, then nothing; fetchmany() then all() continue", () => {
    const r = fixture();
    expect(tuples(r.all())).toEqual(DATA);
    expect(r.all()).toEqual([]);
    const m = fixture();
    expect(tuples(m.fetchmany(3))).toEqual(DATA.slice(0, 3));
    expect(tuples(m.all())).toEqual([[4, 1, 2]]);
    expect(m.all()).toEqual([]);
  });

  it("scalars() gives the first column, scalars(2) the third", () => {
    expect([...fixture().scalars()]).toEqual([1, 2, 1, 4]);
    expect([...fixture().scalars(2)]).toEqual([1, 2, 2, 2]);
  });

  it("columns(0).mappings() gives one-key mappings", () => {
    expect(dicts(fixture().columns(0).mappings())).toEqual([{ a: 1 }, { a: 2 }, { a: 1 }, { a: 4 }]);
  });

  it("a scalars() view and a mappings() view advance the same rows", () => {
    const r = fixture();
    const s = r.scalars();
    expect(r.mappings().fetchone()?.toJSON()).toEqual({ a: 1, b: 1, c: 1 });
    expect(s.all()).toEqual([2, 1, 4]);
  });

  it("first() returns the first row and closes: all() then raises ResourceClosedError", () => {
    const r = fixture();
    expect(r.first()?._tuple()).toEqual([1, 1, 1]);
    expect(() => r.all()).toThrow(ResourceClosedError);
  });

  it("one() counts rows after unique() is applied", () => {
    expect(fixture({ data: [[1, 1, 1], [1, 1, 1]] }).unique().one()._tuple()).toEqual([1, 1, 1]);
    expect(() => fixture({ data: [[1, 1, 1], [1, 1, 1], [1, 1, 1], [2, 1, 1]] }).unique().one()).toThrow(MultipleResultsFound);
    expect(fixture({ data: [[1, 1, 1], [1, 1, 1]] }).mappings().unique().one().toJSON()).toEqual({ a: 1, b: 1, c: 1 });
  });

  it("one(), mappings().one(), scalarOne(), scalars().one() on one row", () => {
    expect(fixture({ numRows: 1 }).one()._tuple()).toEqual([1, 1, 1]);
    expect(fixture({ numRows: 1 }).mappings().one().toJSON()).toEqual({ a: 1, b: 1, c: 1 });
    expect(fixture({ numRows: 1 }).scalarOne()).toBe(1);
    expect(fixture({ numRows: 1 }).scalars().one()).toBe(1);
  });

  it("one() and scalars().one() without rows raise NoResultFound", () => {
    expect(() => fixture({ numRows: 0 }).scalars().one()).toThrow(NoResultFound);
    expect(() => fixture({ numRows: 0 }).scalars().one()).toThrow("No row was found when one was required");
    expect(() => fixture({ numRows: 0 }).one()).toThrow("No row was found when one was required");
  });

  it("oneOrNone() / scalarOneOrNone() give the row, its first value, or null", () => {
    expect(fixture({ numRows: 1 }).oneOrNone()?._tuple()).toEqual([1, 1, 1]);
    expect(fixture({ numRows: 1 }).scalarOneOrNone()).toBe(1);
    expect(fixture({ numRows: 0 }).scalarOneOrNone()).toBeNull();
    expect(fixture({ numRows: 0 }).oneOrNone()).toBeNull();
  });

  it("one() / oneOrNone() with two rows raise MultipleResultsFound with SQLAlchemy's messages", () => {
    expect(() => fixture({ numRows: 2 }).one()).toThrow(MultipleResultsFound);
    expect(() => fixture({ numRows: 2 }).one()).toThrow("Multiple rows were found when exactly one was required");
    expect(() => fixture({ numRows: 2 }).oneOrNone()).toThrow("Multiple rows were found when one or none was required");
  });

  it("scalar() returns the first value and closes the result", () => {
    const r = fixture();
    expect(r.scalar()).toBe(1);
    expect(() => r.all()).toThrow(ResourceClosedError);
  });

  it("partitions(2), unique().yieldPer(2).partitions() and yieldPer(2).partitions()", () => {
    const expected = [DATA.slice(0, 2), DATA.slice(2)];
    const r = fixture();
    expect([...r.partitions(2)].map(tuples)).toEqual(expected);
    expect(r.all()).toEqual([]);
    const u = fixture();
    expect([...u.unique().yieldPer(2).partitions()].map(tuples)).toEqual(expected);
    expect(u.all()).toEqual([]);
    const y = fixture();
    expect([...y.yieldPer(2).partitions()].map(tuples)).toEqual(expected);
    expect(y.all()).toEqual([]);
  });

  it("columns() by key narrows keys and rows", () => {
    const r = fixture().columns("b", "c");
    expect(r.keys()).toEqual(["b", "c"]);
    expect(tuples(r.all())).toEqual([
      [1, 1],
      [1, 2],
      [3, 2],
      [1, 2],
    ]);
  });

  it("columns() takes negative positions, counted from the end", () => {
    expect(tuples(fixture().columns(1, -2).all())).toEqual([
      [1, 1],
      [1, 1],
      [3, 3],
      [1, 1],
    ]);
    expect(fixture().scalars(-1).all()).toEqual([1, 2, 2, 2]);
    expect(() => fixture().columns(-4)).toThrow(ArgumentError);
  });

  it("columns() of columns() positions through the narrowed view", () => {
    expect(tuples(fixture().columns("b", "c", "a").columns(1, 2).all())).toEqual([
      [1, 1],
      [2, 2],
      [2, 1],
      [2, 4],
    ]);
  });

  it("mappings() and columns().mappings()", () => {
    expect(dicts(fixture().mappings())).toEqual(DATA.map(([a, b, c]) => ({ a, b, c })));
    expect(dicts(fixture().columns("b", "c").mappings().all())).toEqual([
      { b: 1, c: 1 },
      { b: 1, c: 2 },
      { b: 3, c: 2 },
      { b: 1, c: 2 },
    ]);
  });

  it("mappings().columns() narrows the mappings, sharing rows with the base result", () => {
    const r = fixture();
    const m1 = r.mappings().columns("b", "c");
    expect(m1.keys()).toEqual(["b", "c"]);
    expect(dicts(m1.fetchmany(2))).toEqual([
      { b: 1, c: 1 },
      { b: 1, c: 2 },
    ]);
    expect(r.fetchone()?._tuple()).toEqual([1, 3, 2]);
    expect(m1.fetchone()?.toJSON()).toEqual({ b: 1, c: 2 });
  });

  const withNulls = [
    [1, null, 2],
    [3, 4, 5],
    [3, null, 5],
    [3, null, 5],
    [3, 4, 5],
  ];

  it("scalars(1) yields null values as values: iteration, fetchmany(), all()", () => {
    expect([...fixture({ data: withNulls }).scalars(1)]).toEqual([null, 4, null, null, 4]);
    const m = fixture({ data: withNulls }).scalars(1);
    expect(m.fetchmany(3)).toEqual([null, 4, null]);
    expect(m.fetchmany(5)).toEqual([null, 4]);
    expect(fixture({ data: withNulls }).scalars(1).all()).toEqual([null, 4, null, null, 4]);
    expect(fixture({ data: withNulls }).scalars(1).unique().all()).toEqual([null, 4]);
  });

  it("a unique() scalars view does not make the base result unique", () => {
    const r = fixture({
      data: [
        [1, 1, 2],
        [3, 4, 5],
        [1, 1, 2],
        [3, null, 5],
        [3, 4, 5],
        [3, null, 5],
      ],
    });
    const us = r.scalars(0).unique();
    const it1 = us[Symbol.iterator]();
    expect(it1.next().value).toBe(1);
    expect(r.fetchone()?._tuple()).toEqual([3, 4, 5]);
    expect(us.fetchone()).toBe(3);
    expect(r.fetchone()?._tuple()).toEqual([3, 4, 5]);
    expect(us.all()).toEqual([]);
  });

  it("a NULL scalar is a value for one(), oneOrNone() and first() under unique()", () => {
    expect(fixture({ data: [[1, null, 2]] }).scalars(1).unique().one()).toBeNull();
    expect(fixture({ data: [[1, null, 2]] }).scalars(1).unique().oneOrNone()).toBeNull();
    expect(fixture({ data: [[1, null, 2]] }).scalars(1).unique().first()).toBeNull();
    expect(fixture({ data: [[1, null, 2]] }).unique().scalarOne()).toBe(1);
    expect(fixture({ data: [[1, null, 2]] }).unique().scalars().one()).toBe(1);
  });

  it("freeze(): each call of the frozen result gives a fresh result over the same rows", () => {
    const frozen = fixture().freeze();
    const r1 = frozen();
    expect(tuples(r1.fetchall())).toEqual(DATA);
    expect(r1.fetchall()).toEqual([]);
    const r2 = frozen();
    expect(r1.fetchall()).toEqual([]);
    expect(tuples(r2.fetchall())).toEqual(DATA);
    expect(r2.fetchall()).toEqual([]);
    expect(frozen.data).toEqual(DATA);
  });

  it("freeze() keeps columns() and unique(); a frozen result can be made unique again", () => {
    expect(tuples(fixture().columns("b", "c").unique().freeze()().fetchall())).toEqual([
      [1, 1],
      [1, 2],
      [3, 2],
    ]);
    const frozen = fixture().columns("b", "c").freeze();
    expect(tuples(frozen().fetchall())).toEqual([
      [1, 1],
      [1, 2],
      [3, 2],
      [1, 2],
    ]);
    expect(tuples(frozen().unique().fetchall())).toEqual([
      [1, 1],
      [1, 2],
      [3, 2],
    ]);
    expect(frozen().keys()).toEqual(["b", "c"]);
    expect(frozen().one === undefined).toBe(false);
  });

  it("freeze() then scalars(1), with and without unique()", () => {
    const frozen = fixture().freeze();
    expect(frozen().scalars(1).fetchall()).toEqual([1, 1, 3, 1]);
    expect(frozen().scalars(1).unique().fetchall()).toEqual([1, 3]);
  });

  it("freeze() runs result processors once; frozen rows keep processed values and named access", () => {
    let calls = 0;
    const meta: ResultMetadata = { keys: ["id", "v"], processors: [undefined, (v) => (calls++, String(v).toUpperCase())] };
    const frozen = new Result<[number, string], { id: number; v: string }>(meta, [[1, "x"], [2, "y"]], { rowsAffected: -1 }).freeze();
    expect(frozen().all().map((r) => r.v)).toEqual(["X", "Y"]);
    expect(frozen().all().map((r) => r._mapping.v)).toEqual(["X", "Y"]);
    expect(calls).toBe(2);
    expect(tuples(frozen.withNewRows([[3, "Z"]])().all())).toEqual([[3, "Z"]]);
  });

  it("freeze() of a closed result raises ResourceClosedError", () => {
    const r = fixture();
    r.close();
    expect(() => r.freeze()).toThrow(ResourceClosedError);
  });

  it("a duplicated key is ambiguous by name but not by position", () => {
    const row = new Result({ keys: ["x", "x"], processors: [] }, [[4, 2]], { rowsAffected: -1 }).fetchone()!;
    expect(row[0]).toBe(4);
    expect(row[1]).toBe(2);
    expect(() => row._mapping.get("x")).toThrow(InvalidRequestError);
    expect(() => row._mapping.get("x")).toThrow("Ambiguous column name 'x'");
  });

  it("an unknown key raises NoSuchColumnError", () => {
    const row = fixture().first()!;
    expect(() => row._mapping.get("nope" as "a")).toThrow(NoSuchColumnError);
    expect(() => row._mapping.get("nope" as "a")).toThrow("Could not locate column in row for column 'nope'");
    expect(() => fixture().columns("nope" as "a")).toThrow(NoSuchColumnError);
    expect(() => fixture().scalars("nope" as "a")).toThrow(NoSuchColumnError);
    expect(() => fixture().mappings().columns("nope" as "a")).toThrow(NoSuchColumnError);
  });
});

describe("ResultTupleTest (Row)", () => {
  const row = (values: unknown[], keys: string[]) =>
    new Result({ keys, processors: [] }, [values], { rowsAffected: -1, returnsRows: true }).one();

  it("an empty row", () => {
    const r = row([], []);
    expect(r.length).toBe(0);
    expect(r._mapping.keys()).toEqual([]);
    expect(r._fields).toEqual([]);
    expect(r._asDict()).toEqual({});
    expect(JSON.stringify(r)).toBe("[]");
  });

  it("creation: _mapping keys, _fields, _asDict()", () => {
    const r = row([1, 2], ["a", "b"]);
    expect(r._mapping.keys()).toEqual(["a", "b"]);
    expect(r._fields).toEqual(["a", "b"]);
    expect(r._asDict()).toEqual({ a: 1, b: 2 });
  });

  it("index access; beyond the end there is no value", () => {
    const r = row([1, 2], ["a", "b"]);
    expect(r[0]).toBe(1);
    expect(r[1]).toBe(2);
    expect(r[2]).toBeUndefined();
    expect(r._tuple().at(-1)).toBe(2);
    expect(r._tuple().slice(0, 2)).toEqual([1, 2]);
  });

  it("integers are not mapping keys", () => {
    const r = row([1, 2], ["a", "b"]);
    expect(() => r._mapping.get(1 as never)).toThrow(NoSuchColumnError);
    expect(r[1]).toBe(2);
  });

  it("attribute access by column name", () => {
    const r = row([1, 2], ["a", "b"]);
    expect(r.a).toBe(1);
    expect(r.b).toBe(2);
    expect(r.c).toBeUndefined();
  });

  it("a mapping contains its keys, not its values", () => {
    const m = row(["x", "y"], ["a", "b"])._mapping;
    expect("a" in m).toBe(true);
    expect("b" in m).toBe(true);
    expect("x" in m).toBe(false);
    expect("z" in m).toBe(false);
    expect([...row(["x", "y"], ["a", "b"])].includes("x")).toBe(true);
  });

  it("rows are read-only", () => {
    const r = row([1, 2], ["a", "b"]);
    expect(() => {
      (r as unknown as unknown[])[0] = 100;
    }).toThrow(TypeError);
    expect(r[0]).toBe(1);
    expect(() => {
      (r as unknown as { a: number }).a = 5;
    }).toThrow(TypeError);
  });
});

describe("MergeResultTest", () => {
  const users: ResultMetadata = { keys: ["user_id", "user_name"], processors: [] };
  const xyz: ResultMetadata = { keys: ["x", "y", "z"], processors: [] };
  const make = (meta: ResultMetadata, rows: unknown[][]) => new Result(meta, rows, { rowsAffected: -1 });
  const fixture = () =>
    [
      make(users, [
        [7, "u1"],
        [8, "u2"],
      ]),
      make(users, [[9, "u3"]]),
      make(users, [
        [10, "u4"],
        [11, "u5"],
      ]),
      make(users, [[12, "u6"]]),
    ] as const;
  const dupes = () =>
    [
      make(xyz, [
        [1, 2, 1],
        [2, 2, 1],
      ]),
      make(xyz, [
        [3, 1, 2],
        [3, 3, 3],
      ]),
    ] as const;

  it("merge(): keys and the first row", () => {
    const [r1, r2, r3, r4] = fixture();
    const result = r1.merge(r2, r3, r4);
    expect(result.keys()).toEqual(["user_id", "user_name"]);
    expect(result.fetchone()?._tuple()).toEqual([7, "u1"]);
    result.close();
  });

  it("merge(): fetchall(), first(), columns().fetchmany()", () => {
    const [r1, r2, r3, r4] = fixture();
    expect(tuples(r1.merge(r2, r3, r4).fetchall())).toEqual([
      [7, "u1"],
      [8, "u2"],
      [9, "u3"],
      [10, "u4"],
      [11, "u5"],
      [12, "u6"],
    ]);
    const f = fixture();
    expect(f[0].merge(f[1], f[2], f[3]).first()?._tuple()).toEqual([7, "u1"]);
    const c = fixture();
    expect(tuples(c[0].merge(c[1], c[2], c[3]).columns("user_name").fetchmany(4))).toEqual([["u1"], ["u2"], ["u3"], ["u4"]]);
  });

  it("merge() then scalars(0); the merged results are exhausted", () => {
    const [r1, r2, r3, r4] = fixture();
    for (const r of [r1, r2, r3, r4]) r.scalars(0);
    expect(r1.merge(r2, r3, r4).scalars(0).all()).toEqual([7, 8, 9, 10, 11, 12]);
    expect(r2.all()).toEqual([]);
  });

  it("merge() with unique(): on the merged scalars, or carried over from the first result", () => {
    const [a1, a2] = dupes();
    expect(a1.merge(a2).scalars("y").unique().all()).toEqual([2, 1, 3]);
    const [b1, b2] = dupes();
    expect(b1.unique().merge(b2.unique()).scalars("y").all()).toEqual([2, 1, 3]);
  });

  it("merge() with a closed result raises ResourceClosedError", () => {
    const [r1, r2] = fixture();
    r2.close();
    expect(() => r1.merge(r2)).toThrow(ResourceClosedError);
  });
});

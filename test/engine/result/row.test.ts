import { describe, expect, it } from "vitest";
import { ArgumentError, InvalidRequestError } from "../../../src/errors.js";
import { Result, Row, RowMapping, type ResultMetadata } from "../../../src/engine/result/index.js";
import { ROW_DATA } from "../../../src/engine/result/row.js";

type T = [number, string | null];
type N = { id: number; name: string | null };

function rows(meta: ResultMetadata, raw: unknown[][]) {
  return new Result<T, N>(meta, raw, { rowsAffected: -1 }).all();
}

describe("Row as a named tuple", () => {
  const meta: ResultMetadata = { keys: ["id", "name"], processors: [] };

  it("gives index access, named access, length, iteration and JSON as a tuple", () => {
    const [row] = rows(meta, [[1, "ann"]]);
    expect(row[0]).toBe(1);
    expect(row[1]).toBe("ann");
    expect(row.id).toBe(1);
    expect(row.name).toBe("ann");
    expect(row.length).toBe(2);
    expect([...row]).toEqual([1, "ann"]);
    const [a, b] = row;
    expect([a, b]).toEqual([1, "ann"]);
    expect(JSON.stringify(row)).toBe('[1,"ann"]');
    expect(row).toBeInstanceOf(Row);
    expect(row[2 as 1]).toBeUndefined();
  });

  it("gives _fields, _tuple() (a copy), _t and _asDict()", () => {
    const [row] = rows(meta, [[1, null]]);
    expect(row._fields).toEqual(["id", "name"]);
    const t = row._tuple();
    expect(t).toEqual([1, null]);
    t[0] = 99;
    expect(row[0]).toBe(1);
    expect(row._t).toEqual([1, null]);
    expect(row._asDict()).toEqual({ id: 1, name: null });
  });

  it("gives a RowMapping through _mapping: key access, keys(), values(), entries(), iteration over keys", () => {
    const [row] = rows(meta, [[7, "bo"]]);
    const m = row._mapping;
    expect(m).toBeInstanceOf(RowMapping);
    expect(m.id).toBe(7);
    expect(m.name).toBe("bo");
    expect(m.keys()).toEqual(["id", "name"]);
    expect(m.values()).toEqual([7, "bo"]);
    expect(m.entries()).toEqual([
      ["id", 7],
      ["name", "bo"],
    ]);
    expect([...m]).toEqual(["id", "name"]);
    expect("name" in m).toBe(true);
    expect(JSON.stringify(m)).toBe('{"id":7,"name":"bo"}');
  });

  it("builds one row class per metadata object, and no data copy without processors", () => {
    const raw = [
      [1, "a"],
      [2, "b"],
    ];
    const r1 = rows(meta, raw);
    const r2 = rows(meta, [[3, "c"]]);
    expect(Object.getPrototypeOf(r1[0])).toBe(Object.getPrototypeOf(r2[0]));
    const other = rows({ keys: ["id", "name"], processors: [] }, [[1, "a"]]);
    expect(Object.getPrototypeOf(other[0])).not.toBe(Object.getPrototypeOf(r1[0]));
    expect(r1[0][ROW_DATA]).toBe(raw[0]);
    expect(Object.keys(r1[0])).toEqual([]);
  });

  it("copies a raw row only when a processor changes one of its values", () => {
    const procMeta: ResultMetadata = { keys: ["n", "s"], processors: [(v) => (typeof v === "number" ? v : Number(v)), undefined] };
    const unchanged = [1, "a"];
    const changed = ["2", "b"];
    const [r1, r2] = new Result(procMeta, [unchanged, changed], { rowsAffected: -1 }).all();
    expect(r1![ROW_DATA]).toBe(unchanged);
    expect(r2![ROW_DATA]).not.toBe(changed);
    expect([...r2!]).toEqual([2, "b"]);
    expect(changed).toEqual(["2", "b"]);
    expect(r2!.n).toBe(2);
  });

  it("keeps Row members when a column is named like one; the column stays reachable via _mapping", () => {
    const meta2: ResultMetadata = {
      keys: ["length", "_mapping", "toJSON", "constructor", "__proto__", "0", "keys", "ok"],
      processors: [],
    };
    const [row] = new Result(meta2, [[10, "m", "j", "c", "p", "zero", "k", true]], { rowsAffected: -1 }).all();
    expect(row.length).toBe(8);
    expect(typeof row._mapping.values).toBe("function");
    expect(row[0]).toBe(10);
    expect(JSON.stringify(row)).toBe('[10,"m","j","c","p","zero","k",true]');
    expect(row.ok).toBe(true);
    const m = row._mapping;
    expect(m.length).toBe(10);
    expect(m._mapping).toBe("m");
    expect(m.constructor).toBe("c");
    expect(m["0"]).toBe("zero");
    // In a mapping, a column shadows the method of the same name.
    expect(m.keys).toBe("k");
    expect([...m]).toEqual(meta2.keys);
    expect(row._asDict()).toEqual({
      length: 10,
      _mapping: "m",
      toJSON: "j",
      constructor: "c",
      ["__proto__"]: "p",
      "0": "zero",
      keys: "k",
      ok: true,
    });
    expect(Object.getPrototypeOf(row._asDict())).toBe(Object.prototype);
  });

  it("raises InvalidRequestError on named access to a duplicated key; index access still works", () => {
    const dup: ResultMetadata = { keys: ["id", "id", "name"], processors: [] };
    const [row] = new Result(dup, [[1, 2, "x"]], { rowsAffected: -1 }).all();
    expect(row[0]).toBe(1);
    expect(row[1]).toBe(2);
    expect(row.name).toBe("x");
    expect(() => row.id).toThrow(InvalidRequestError);
    expect(() => row.id).toThrow("Ambiguous column name 'id' in result set column descriptions");
    expect(() => row._mapping.id).toThrow("Ambiguous column name 'id' in result set column descriptions");
    expect(row._mapping.keys()).toEqual(["id", "id", "name"]);
    // SQLAlchemy's _asdict(): the last duplicate wins.
    expect(row._asDict()).toEqual({ id: 2, name: "x" });
  });
});

describe("result processors", () => {
  it("are applied once per value when the row is built, never to NULL", () => {
    const calls: unknown[] = [];
    const meta: ResultMetadata = {
      keys: ["id", "flag", "doc"],
      processors: [
        undefined,
        (v) => {
          calls.push(v);
          return v === 1;
        },
        (v) => JSON.parse(v as string),
      ],
    };
    const raw = [
      [1, 1, '{"a":1}'],
      [2, 0, null],
      [3, null, "[1,2]"],
    ];
    const result = new Result(meta, raw, { rowsAffected: -1 });
    expect(calls).toEqual([]);
    const first = result.fetchone()!;
    expect(calls).toEqual([1]);
    expect(first.flag).toBe(true);
    expect(first.flag).toBe(true);
    expect(first._mapping.flag).toBe(true);
    expect(first[2]).toEqual({ a: 1 });
    expect(calls).toEqual([1]);
    const rest = result.all();
    expect(calls).toEqual([1, 0]);
    expect(rest.map((r) => r._tuple())).toEqual([
      [2, false, null],
      [3, null, [1, 2]],
    ]);
    // The driver's arrays are left untouched.
    expect(raw[0]).toEqual([1, 1, '{"a":1}']);
  });

  it("reject metadata with more processors than keys", () => {
    expect(() => new Result({ keys: ["a"], processors: [undefined, (v) => v] }, [], { rowsAffected: 0 })).toThrow(
      ArgumentError,
    );
  });
});

/**
 * PostgreSQL ARRAY round trips, ported from SQLAlchemy's test/dialect/postgresql/test_types.py
 * `ArrayRoundTripTest` (insert with NULL elements, WHERE equality and ordering, index and slice
 * reads and updates, ANY / ALL, containment and overlap, a processing TypeDecorator over a
 * 2-dimensional array) and the type-level parts of `ArrayTest`.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  ARRAY, Column, Integer, MetaData, String, Table, TypeDecorator, all_, any_, column, delete_, func, insert, literal, select, update,
  type AsyncConnection, type ClauseElement,
} from "../../../src/index.js";
import { ArrayType } from "../../../src/sql/types/array.js";
import { IntegerType } from "../../../src/sql/types/integer.js";
import { StringType } from "../../../src/sql/types/string.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useTablesOnce } from "../../fixtures/suite-tables.js";
import { PG } from "./db.js";

/** SQLAlchemy's `ProcValue`: +5 on the way in, -7 on the way out, for each element. */
class ProcValue extends TypeDecorator<number[][]> {
  override readonly impl = ARRAY(Integer, { dimensions: 2 });
  override readonly cacheOk = true;
  override processBindParam(value: number[][]) {
    return value.map((v) => v.map((x) => x + 5));
  }
  override processResultValue(value: unknown) {
    return (value as number[][]).map((v) => v.map((x) => x - 7));
  }
}

describe("ARRAY types (ArrayTest)", () => {
  it("test_array_type_render_str / multidim", () => {
    expect(ARRAY(String(30)).compileType(PG)).toBe("VARCHAR(30)[]");
    expect(ARRAY(String(30), { dimensions: 2 }).compileType(PG)).toBe("VARCHAR(30)[][]");
    expect(ARRAY(String(30), { dimensions: 3 }).compileType(PG)).toBe("VARCHAR(30)[][][]");
  });

  it("test_array_index_map_dimensions: each index takes one dimension off", () => {
    const col = column("x", ARRAY(Integer, { dimensions: 3 }));
    const one = col.at(5).type as ArrayType;
    expect(one).toBeInstanceOf(ArrayType);
    expect(one.dimensions).toBe(2);
    const two = column("y", one).at(6).type as ArrayType;
    expect(two.dimensions).toBe(1);
    expect(column("z", two).at(7).type).toBeInstanceOf(IntegerType);
  });

  it("test_array_getitem_single_type / slice_type", () => {
    const t = Table("arrtable", new MetaData(), { intarr: Column(ARRAY(Integer)), strarr: Column(ARRAY(String())) });
    expect(t.c.intarr.at(1).type).toBeInstanceOf(IntegerType);
    expect(t.c.strarr.at(1).type).toBeInstanceOf(StringType);
    expect(t.c.intarr.slice(1, 3).type).toBeInstanceOf(ArrayType);
    expect(t.c.strarr.slice(1, 3).type).toBeInstanceOf(ArrayType);
  });
});

const md = new MetaData();
const arrtable = Table(uniqueName("sa5a_arrtable"), md, {
  id: Column(Integer, { primaryKey: true }),
  intarr: Column(ARRAY(Integer)),
  strarr: Column(ARRAY(String())),
  dimarr: Column(new ProcValue()),
});

describe.each(dialectTargets().filter((t) => t.dialect === "postgresql"))("ArrayRoundTripTest on $name", (target) => {
  const db = useTablesOnce(target, md);
  beforeEach(() => db.engine.begin(async (conn) => void (await conn.execute(delete_(arrtable)))));

  const run = <T>(fn: (conn: AsyncConnection) => Promise<T>) => db.engine.begin(fn);
  const scalar = (conn: AsyncConnection, stmt: ClauseElement) => conn.scalar(stmt as never);

  it("test_insert_array / test_insert_array_w_null", async () => {
    const rows = await run(async (conn) => {
      await conn.execute(insert(arrtable), [
        { id: 1, intarr: [1, 2, 3], strarr: ["abc", "def"] },
        { id: 2, intarr: [1, null, 3], strarr: ["abc", null] },
      ]);
      return (await conn.execute(select(arrtable.c.intarr, arrtable.c.strarr).orderBy(arrtable.c.id))).all().map((r) => [...r]);
    });
    expect(rows).toEqual([
      [[1, 2, 3], ["abc", "def"]],
      [[1, null, 3], ["abc", null]],
    ]);
  });

  it("strings that look like array syntax survive (quotes, braces, commas, NULL)", async () => {
    const tricky = ['a"b', "{x}", "c,d", "NULL", "", "back\\slash", "m\u00e4\u00e4"];
    const got = await run(async (conn) => {
      await conn.execute(insert(arrtable), { id: 1, strarr: tricky });
      return scalar(conn, select(arrtable.c.strarr));
    });
    expect(got).toEqual(tricky);
  });

  it("test_array_where: equality with a list", async () => {
    const ids = await run(async (conn) => {
      await conn.execute(insert(arrtable), [{ id: 1, intarr: [1, 2, 3], strarr: ["abc", "def"] }, { id: 2, intarr: [4, 5, 6], strarr: ["ABC"] }]);
      return (await conn.execute(select(arrtable.c.id).where(arrtable.c.intarr.eq([1, 2, 3])))).scalars().all();
    });
    expect(ids).toEqual([1]);
  });

  it("test_array_comparison: arrays order element by element", async () => {
    const ids = await run(async (conn) => {
      await conn.execute(insert(arrtable), { id: 5, intarr: [1, 2, 3], strarr: ["abc", "def"] });
      return (await conn.execute(select(arrtable.c.id).where(arrtable.c.intarr.lt([4, 5, 6])))).scalars().all();
    });
    expect(ids).toEqual([5]);
  });

  it("test_array_getitem_single_exec: read one element (1-based), before and after an update", async () => {
    const [before, after] = await run(async (conn) => {
      await conn.execute(insert(arrtable), { id: 1, intarr: [4, 5, 6] });
      const b = await scalar(conn, select(arrtable.c.intarr.at(2)));
      await conn.execute(update(arrtable).values({ intarr: func.array_replace(arrtable.c.intarr, 5, 7) as never }));
      return [b, await scalar(conn, select(arrtable.c.intarr.at(2)))];
    });
    expect([before, after]).toEqual([5, 7]);
  });

  it("test_array_getitem_slice_exec", async () => {
    const got = await run(async (conn) => {
      await conn.execute(insert(arrtable), { id: 1, intarr: [4, 5, 6], strarr: ["abc", "def"] });
      return scalar(conn, select(arrtable.c.intarr.slice(2, 3)));
    });
    expect(got).toEqual([5, 6]);
  });

  it("test_multi_dim_roundtrip: the decorator's processing runs on each element of a 2-dimensional array", async () => {
    const got = await run(async (conn) => {
      await conn.execute(insert(arrtable), { id: 1, dimarr: [[1, 2, 3], [4, 5, 6]] });
      return [await scalar(conn, select(arrtable.c.dimarr)), await conn.scalar(select(arrtable.c.dimarr.at(2).at(1) as never))];
    });
    // stored +5: [[6,7,8],[9,10,11]]; read -7
    expect(got).toEqual([[[-1, 0, 1], [2, 3, 4]], 9]);
  });

  it("test_array_any_exec / test_array_all_exec", async () => {
    const [anyHit, allHit, allMiss] = await run(async (conn) => {
      await conn.execute(insert(arrtable), { id: 1, intarr: [4, 5, 6] });
      return [
        await scalar(conn, select(arrtable.c.intarr).where(any_(arrtable.c.intarr).eq(5))),
        await scalar(conn, select(arrtable.c.intarr).where(all_(arrtable.c.intarr).ge(4))),
        await scalar(conn, select(arrtable.c.intarr).where(all_(arrtable.c.intarr).ge(5))),
      ];
    });
    expect(anyHit).toEqual([4, 5, 6]);
    expect(allHit).toEqual([4, 5, 6]);
    expect(allMiss).toBeNull();
  });

  it("contains / containedBy / overlap", async () => {
    const got = await run(async (conn) => {
      await conn.execute(insert(arrtable), [{ id: 1, intarr: [1, 2, 3] }, { id: 2, intarr: [4, 5] }]);
      const ids = async (crit: ClauseElement) => (await conn.execute(select(arrtable.c.id).where(crit as never).orderBy(arrtable.c.id))).scalars().all();
      return [
        await ids(arrtable.c.intarr.contains([2, 3])),
        await ids(arrtable.c.intarr.containedBy([1, 2, 3, 4, 5])),
        await ids(arrtable.c.intarr.overlap([3, 4])),
      ];
    });
    expect(got).toEqual([[1], [1, 2], [1, 2]]);
  });

  it("test_array_literal_compare style: a bound array compared with a column expression", async () => {
    const got = await run((conn) => scalar(conn, select(literal([1, 2], ARRAY(Integer)).lt([3, 4, 5] as never))));
    expect(got).toBe(true);
  });
});

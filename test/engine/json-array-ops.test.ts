/**
 * JSON / JSONB / ARRAY operators executed on real PostgreSQL and libSQL (helper C): JSON
 * elements come back as JS values on both dialects, the `as…()` casts give SQL-typed values,
 * keys/indexes/paths are bound parameters that select the right element (also through the
 * compiled cache, where statements differing only in the key share one compiled form), and the
 * PostgreSQL-only JSONB and ARRAY operators filter as PostgreSQL defines them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ARRAY, Column, Integer, JSON as JSONT, JSONB, MetaData, String as StringT, Table, all_, any_, createAsyncEngine, insert, not, select,
  type AsyncEngine, type ClauseElement,
} from "../../src/index.js";
import { dialectTargets, uniqueName } from "../fixtures/databases.js";

const DOCS = [
  { id: 1, doc: { a: 1, s: "x", b: [10, 20, { c: "deep" }], t: true, n: null, f: 1.25, num: "12.50" } },
  { id: 2, doc: { a: 2, s: "y", b: [], t: false, o: { k: "v" } } },
  { id: 3, doc: [5, "six", { seven: 7 }] },
  { id: 4, doc: null },
];

describe.each(dialectTargets())("$name", (target) => {
  const md = new MetaData();
  const docs = Table(uniqueName("c_docs"), md, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    doc: Column(JSONT),
  });
  const d = docs.c;
  let engine: AsyncEngine;
  let cleanup: () => Promise<void>;
  const rows = async (stmt: ClauseElement) => {
    await using conn = await engine.connect();
    return (await conn.execute(stmt as never)).all().map((r) => [...(r as unknown as unknown[])]);
  };
  const ids = async (stmt: ClauseElement) => (await rows(stmt)).map((r) => r[0]);

  beforeAll(async () => {
    const drv = await target.make();
    engine = createAsyncEngine(drv.driver);
    cleanup = async () => {
      await engine.dispose();
      await drv.cleanup();
    };
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(insert(docs).values(DOCS));
    });
  });
  afterAll(async () => {
    await engine.begin((conn) => md.dropAll(conn));
    await cleanup();
  });

  it("at(key) / at(index) / at(path) read back as JS values; a missing key is null", async () => {
    const r = await rows(select(d.id, d.doc.at("a"), d.doc.at("s"), d.doc.at("b"), d.doc.at(["b", 2, "c"]), d.doc.at(["o", "k"]), d.doc.at("zz")).where(d.id.le(2)).orderBy(d.id));
    expect(r).toEqual([
      [1, 1, "x", [10, 20, { c: "deep" }], "deep", null, null],
      [2, 2, "y", [], null, "v", null],
    ]);
    expect(await rows(select(d.doc.at(0), d.doc.at(1), d.doc.at(2)).where(d.id.eq(3)))).toEqual([[5, "six", { seven: 7 }]]);
    // Negative indexes count from the end on both dialects.
    expect(await rows(select(d.doc.at(-1), d.doc.at(["b", -2])).where(d.id.eq(1)))).toEqual([[null, 20]]);
    expect(await rows(select(d.doc.at(-3)).where(d.id.eq(3)))).toEqual([[5]]);
    expect(await rows(select(d.doc.at("a")).where(d.id.eq(4)))).toEqual([[null]]);
    // SQLite's JSON_EXTRACT turns JSON true/false into 1/0 before JSON_QUOTE sees them (as in
    // SQLAlchemy); asBoolean() reads them as booleans on both dialects.
    expect(await rows(select(d.doc.at("t")).where(d.id.eq(1)))).toEqual([[target.dialect === "postgresql" ? true : 1]]);
  });

  it("as…() give SQL-typed values", async () => {
    const r = await rows(
      select(d.doc.at("a").asInteger(), d.doc.at("s").asString(), d.doc.at("f").asFloat(), d.doc.at("num").asNumeric(10, 2), d.doc.at(["b", 1]).asInteger(), d.doc.at(["b", 2, "c"]).asString())
        .where(d.id.eq(1)),
    );
    expect(r).toEqual([[1, "x", 1.25, "12.50", 20, "deep"]]);
    expect(await rows(select(d.id, d.doc.at("t").asBoolean()).where(d.id.le(2)).orderBy(d.id))).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it("elements filter and order in WHERE / ORDER BY", async () => {
    expect(await ids(select(d.id).where(d.doc.at("a").asInteger().gt(1)))).toEqual([2]);
    expect(await ids(select(d.id).where(d.doc.at("s").asString().eq("x")))).toEqual([1]);
    expect(await ids(select(d.id).where(d.doc.at(["o", "k"]).asString().eq("v")))).toEqual([2]);
    expect(await ids(select(d.id).where(d.doc.at("a").asInteger().isNotNull()).orderBy(d.doc.at("a").asInteger().desc()))).toEqual([2, 1]);
    // The JSON-typed element of a missing key: SQL NULL on PostgreSQL; on SQLite JSON_QUOTE makes
    // it the JSON text 'null' (as in SQLAlchemy), so test with an as…() form to be portable.
    expect(await ids(select(d.id).where(d.doc.at("a").isNotNull()).orderBy(d.id))).toEqual(target.dialect === "postgresql" ? [1, 2] : [1, 2, 3, 4]);
  });

  it("keys are bound values: one compiled form serves every key", async () => {
    await using conn = await engine.connect();
    const q = (k: string) => select(d.doc.at(k)).where(d.id.eq(1));
    expect((await conn.execute(q("s"))).scalar()).toBe("x");
    expect((await conn.execute(q("a"))).scalar()).toBe(1);
    expect((await conn.execute(q("it's odd; DROP TABLE x"))).scalar()).toBe(null);
    if (target.dialect === "postgresql") expect((await conn.execute(q('say "hi"'))).scalar()).toBe(null);
    // SQLite's JSON path syntax has no escape for '"' inside a quoted key.
    else await expect(conn.execute(q('say "hi"'))).rejects.toThrow(/SQLite JSON paths cannot name a key containing '"'/);
    expect((await conn.execute(select(d.doc.at(1)).where(d.id.eq(3)))).scalar()).toBe("six");
  });

  if (target.dialect === "postgresql") {
    describe("PostgreSQL JSONB and ARRAY", () => {
      const pmd = new MetaData();
      const pt = Table(uniqueName("c_pg"), pmd, {
        id: Column(Integer, { primaryKey: true, autoincrement: false }),
        jb: Column(JSONB),
        tags: Column(ARRAY(StringT)),
        nums: Column(ARRAY(Integer)),
        grid: Column(ARRAY(Integer, { dimensions: 2 })),
      });
      const p = pt.c;
      beforeAll(async () => {
        await engine.begin(async (conn) => {
          await pmd.createAll(conn);
          await conn.execute(
            insert(pt).values([
              { id: 1, jb: { a: 1, tags: ["x", "y"], o: { k: "v" } }, tags: ["x", "y"], nums: [1, 2, 3], grid: [[1, 2], [3, 4]] },
              { id: 2, jb: { b: 2, tags: ["z"] }, tags: ["z"], nums: [3, 4], grid: [[5, 6], [7, 8]] },
              { id: 3, jb: ["a", "b"], tags: [], nums: [], grid: [] },
            ]),
          );
        });
      });
      afterAll(() => engine.begin((conn) => pmd.dropAll(conn)));

      it("hasKey / hasAll / hasAny", async () => {
        expect(await ids(select(p.id).where(p.jb.hasKey("a")).orderBy(p.id))).toEqual([1, 3]);
        expect(await ids(select(p.id).where(p.jb.hasAll(["a", "tags"])))).toEqual([1]);
        expect(await ids(select(p.id).where(p.jb.hasAny(["b", "zz"])).orderBy(p.id))).toEqual([2, 3]);
        expect(await ids(select(p.id).where(not(p.jb.hasKey("a"))))).toEqual([2]);
      });

      it("contains / containedBy on JSONB", async () => {
        expect(await ids(select(p.id).where(p.jb.contains({ tags: ["y"] })))).toEqual([1]);
        expect(await ids(select(p.id).where(p.jb.contains({ o: { k: "v" } })))).toEqual([1]);
        expect(await ids(select(p.id).where(p.jb.containedBy({ b: 2, tags: ["z", "w"], extra: 1 })))).toEqual([2]);
        expect(await ids(select(p.id).where(p.jb.contains("a")))).toEqual([3]);
      });

      it("deletePath / pathExists / pathMatch; JSONB elements as JS values", async () => {
        expect(await rows(select(p.jb.deletePath(["tags", 0]), p.jb.deletePath(["o"])).where(p.id.eq(1)))).toEqual([[{ a: 1, tags: ["y"], o: { k: "v" } }, { a: 1, tags: ["x", "y"] }]]);
        expect(await ids(select(p.id).where(p.jb.pathExists('$.tags[*] ? (@ == "z")')))).toEqual([2]);
        expect(await ids(select(p.id).where(p.jb.pathMatch("$.a == 1")))).toEqual([1]);
        expect(await rows(select(p.jb.at("o"), p.jb.at(["tags", 1]), p.jb.at("o").at("k")).where(p.id.eq(1)))).toEqual([[{ k: "v" }, "y", "v"]]);
        expect(await ids(select(p.id).where(p.jb.at("a").eq(1)))).toEqual([1]);
      });

      it("ARRAY index (1-based as written), slices, 2-D index", async () => {
        expect(await rows(select(p.nums.at(1), p.nums.at(3), p.tags.at(2), p.nums.slice(2, 3), p.grid.at(2).at(1)).where(p.id.eq(1)))).toEqual([[1, 3, "y", [2, 3], 3]]);
        expect(await rows(select(p.nums.at(5), p.nums.slice(5, 6)).where(p.id.eq(1)))).toEqual([[null, []]]);
        expect(await ids(select(p.id).where(p.nums.at(1).eq(3)))).toEqual([2]);
      });

      it("ARRAY contains / containedBy / overlap, any_ / all_", async () => {
        expect(await ids(select(p.id).where(p.nums.contains([3])).orderBy(p.id))).toEqual([1, 2]);
        expect(await ids(select(p.id).where(p.tags.contains(["x", "y"])))).toEqual([1]);
        expect(await ids(select(p.id).where(p.nums.containedBy([1, 2, 3, 9])).orderBy(p.id))).toEqual([1, 3]);
        expect(await ids(select(p.id).where(p.nums.overlap([4, 9])))).toEqual([2]);
        expect(await ids(select(p.id).where(p.tags.overlap(["q"])))).toEqual([]);
        expect(await ids(select(p.id).where(any_(p.nums).eq(4)))).toEqual([2]);
        expect(await ids(select(p.id).where(all_(p.nums).ge(3)).orderBy(p.id))).toEqual([2, 3]);
      });
    });
  }
});

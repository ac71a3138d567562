/**
 * SQLAlchemy's test/sql/test_returning.py InsertReturnDefaultsTest, UpdatedReturnDefaultsTest,
 * InsertManyReturnDefaultsTest and ReturnCombinationTests (the return_defaults() cases), ported to
 * `returnDefaults()` on PostgreSQL and libSQL. Expected values were checked against SQLAlchemy
 * 2.0 on SQLite: a SQL-expression default renders inline and comes back; a Python-side default
 * and values given as plain parameters do not.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  Column,
  CompileError,
  Integer,
  InvalidRequestError,
  MetaData,
  String,
  Table,
  delete as delete_,
  insert,
  literalColumn,
  update,
} from "../../src/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

describe.each(engineTargets())("$name sa6i returnDefaults", (target) => {
  const metadata = new MetaData();
  const t1 = Table(uniqueName("sa6i_rd"), metadata, {
    id: Column(Integer, { primaryKey: true }),
    data: Column(String(50)),
    insdef: Column(Integer, { default: literalColumn("7") }),
    upddef: Column(Integer, { onupdate: literalColumn("8") }),
    sd: Column(Integer, { serverDefault: "5" }),
    pyd: Column(Integer, { default: 3 }),
  });
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin((conn) => metadata.createAll(conn));
  });
  afterAll(async () => {
    await h.engine.begin((conn) => metadata.dropAll(conn));
    await h.cleanup();
  });
  beforeEach(async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(delete_(t1));
    });
  });

  /** The returned-defaults row as a plain object. */
  const asDict = (row: { _asDict(): Record<string, unknown> } | null): Record<string, unknown> | null => (row === null ? null : row._asDict());

  it("test_insert_all: the key, SQL-expression and server defaults, and columns not given", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(t1).values({ upddef: 1 }).returnDefaults());
      const id = r.insertedPrimaryKey![0];
      expect(typeof id).toBe("number");
      expect(asDict(r.returnedDefaults)).toEqual({ id, data: null, insdef: 7, sd: 5 });
      expect(r.returnedDefaults!._mapping.get(t1.c.insdef)).toBe(7);
      expect(r.keys()).toEqual(["id", "data", "insdef", "sd"]);
      expect(r.all()).toEqual([]);
      expect(r.returnedDefaultsRows!.map((x) => [...x])).toEqual([[id, null, 7, 5]]);
    });
  });

  it("test_chained_insert_pk / test_arg_insert_pk: named columns come back with the key", async () => {
    await h.engine.begin(async (conn) => {
      const a = await conn.execute(insert(t1).values({ upddef: 1 }).returnDefaults(t1.c.insdef));
      expect([a.returnedDefaults!._mapping.get(t1.c.id), a.returnedDefaults!._mapping.get(t1.c.insdef)]).toEqual([a.insertedPrimaryKey![0], 7]);
      const b = await conn.execute(insert(t1).returnDefaults(t1.c.insdef).values({ upddef: 1 }));
      expect(asDict(b.returnedDefaults)).toEqual({ id: b.insertedPrimaryKey![0], insdef: 7 });
    });
  });

  it("test_insert_non_default / test_insert_non_default_plus_default", async () => {
    await h.engine.begin(async (conn) => {
      const a = await conn.execute(insert(t1).values({ upddef: 1 }).returnDefaults(t1.c.data));
      expect(asDict(a.returnedDefaults)).toEqual({ id: a.insertedPrimaryKey![0], data: null });
      const b = await conn.execute(insert(t1).values({ upddef: 1 }).returnDefaults(t1.c.data, t1.c.insdef));
      expect(asDict(b.returnedDefaults)).toEqual({ id: b.insertedPrimaryKey![0], data: null, insdef: 7 });
      expect(b.insertedPrimaryKey!.length).toBe(1);
    });
  });

  it("test_insert_sql_expr: a SQL expression in values() comes back", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(t1).returnDefaults().values({ insdef: literalColumn("10", Integer).add(5) }));
      expect(asDict(r.returnedDefaults)).toEqual({ id: r.insertedPrimaryKey![0], data: null, insdef: 15, upddef: null, sd: 5 });
    });
  });

  it("execution parameters count as given; a given key is not returned", async () => {
    await h.engine.begin(async (conn) => {
      const a = await conn.execute(insert(t1).returnDefaults(), { data: "x" });
      expect(asDict(a.returnedDefaults)).toEqual({ id: a.insertedPrimaryKey![0], insdef: 7, upddef: null, sd: 5 });
      const b = await conn.execute(insert(t1).values({ id: 10 }).returnDefaults());
      expect(asDict(b.returnedDefaults)).toEqual({ data: null, insdef: 7, upddef: null, sd: 5 });
      expect([...b.insertedPrimaryKey!]).toEqual([10]);
      const c = await conn.execute(insert(t1).values({ id: 11 }).returnDefaults(t1.c.data));
      expect(asDict(c.returnedDefaults)).toEqual({ data: null });
      expect([...c.insertedPrimaryKey!]).toEqual([11]);
    });
  });

  it("nothing to fetch: no RETURNING, returnedDefaults is null", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(t1).values({ id: 12, data: "q", insdef: 1, upddef: 1, sd: 1, pyd: 1 }).returnDefaults());
      expect(r.returnedDefaults).toBeNull();
      expect(r.returnsRows).toBe(false);
      expect([...r.insertedPrimaryKey!]).toEqual([12]);
      const row = (await conn.execute(t1.select().where(t1.c.id.eq(12)))).one();
      expect([...row]).toEqual([12, "q", 1, 1, 1, 1]);
    });
  });

  it("without returnDefaults() both accessors are null", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(t1).values({ data: "x" }));
      expect(r.returnedDefaults).toBeNull();
      expect(r.returnedDefaultsRows).toBeNull();
    });
  });

  it("InsertManyReturnDefaultsTest: executemany gives returnedDefaultsRows in parameter order", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(t1).returnDefaults(), [{ data: "x" }, { data: "y" }, { data: "z" }]);
      const rows = r.returnedDefaultsRows!;
      expect(rows.map((x) => [...x].slice(1))).toEqual([
        [7, null, 5],
        [7, null, 5],
        [7, null, 5],
      ]);
      const ids = rows.map((x) => x._mapping.get(t1.c.id) as number);
      expect(ids[1]).toBeGreaterThan(ids[0]);
      expect(ids[2]).toBeGreaterThan(ids[1]);
      const data = (await conn.execute(t1.select().orderBy(t1.c.id))).all().map((x) => [x.id, x.data]);
      expect(data).toEqual([
        [ids[0], "x"],
        [ids[1], "y"],
        [ids[2], "z"],
      ]);
      expect(() => r.returnedDefaults).toThrow(
        new InvalidRequestError("This statement was an executemany call; if return defaults is supported, please use .returned_defaults_rows."),
      );
    });
  });

  describe("UpdatedReturnDefaultsTest", () => {
    beforeEach(async () => {
      await h.engine.begin(async (conn) => {
        await conn.execute(insert(t1).values({ id: 1, upddef: 1 }));
      });
    });

    it("test_update_all: an onupdate SQL expression comes back", async () => {
      await h.engine.begin(async (conn) => {
        const r = await conn.execute(update(t1).values({ insdef: 2 }).returnDefaults());
        expect(asDict(r.returnedDefaults)).toEqual({ upddef: 8 });
        expect(r.rowcount).toBe(1);
      });
    });

    it("test_chained_update_pk / test_arg_update_pk", async () => {
      await h.engine.begin(async (conn) => {
        const a = await conn.execute(update(t1).values({ data: "d1" }).returnDefaults(t1.c.upddef));
        expect(a.returnedDefaults!._mapping.get(t1.c.upddef)).toBe(8);
        const b = await conn.execute(update(t1).returnDefaults(t1.c.upddef).values({ data: "d1" }));
        expect([...b.returnedDefaults!]).toEqual([8]);
      });
    });

    it("test_update_non_default / test_update_non_default_plus_default", async () => {
      await h.engine.begin(async (conn) => {
        const a = await conn.execute(update(t1).values({ upddef: 2 }).returnDefaults(t1.c.data));
        expect([...a.returnedDefaults!]).toEqual([null]);
        const b = await conn.execute(update(t1).values({ insdef: 2 }).returnDefaults(t1.c.data, t1.c.upddef));
        expect(asDict(b.returnedDefaults)).toEqual({ data: null, upddef: 8 });
      });
    });

    it("test_update_values_col_is_excluded: columns in values() are not returned", async () => {
      await h.engine.begin(async (conn) => {
        const a = await conn.execute(update(t1).values({ data: "x", upddef: 2 }).returnDefaults(t1.c.data));
        expect(a.returnedDefaults).toBeNull();
        const b = await conn.execute(update(t1).values({ data: "x", upddef: 2 }).returnDefaults(t1.c.data, t1.c.id));
        expect([...b.returnedDefaults!]).toEqual([1]);
      });
    });

    it("test_update_sql_expr", async () => {
      await h.engine.begin(async (conn) => {
        const r = await conn.execute(update(t1).values({ upddef: literalColumn("10", Integer).add(5) }).returnDefaults());
        expect(asDict(r.returnedDefaults)).toEqual({ upddef: 15 });
      });
    });
  });

  describe("supplementalCols", () => {
    it("test_insert_w_defaults_supplemental_cols: the rows stay readable", async () => {
      await h.engine.begin(async (conn) => {
        const r = await conn.execute(insert(t1).returnDefaults({ supplementalCols: [t1.c.id] }), { data: "d1" });
        const id = r.insertedPrimaryKey![0];
        expect(r.keys()).toEqual(["id", "insdef", "upddef", "sd"]);
        expect(r.all().map((x) => [...x])).toEqual([[id, 7, null, 5]]);
        expect([...r.returnedDefaults!]).toEqual([id, 7, null, 5]);
      });
    });

    it("test_update_supplemental_cols / test_update_expl_return_defaults_plus_supplemental_cols", async () => {
      await h.engine.begin(async (conn) => {
        await conn.execute(insert(t1).values({ id: 1, upddef: 1 }));
        const a = await conn.execute(update(t1).values({ data: "x", insdef: 3 }).returnDefaults({ supplementalCols: [t1.c.data, t1.c.insdef] }));
        const row = a.returnedDefaults!;
        expect([...row]).toEqual(["x", 3, 8]);
        expect(row._mapping.get(t1.c.upddef)).toBe(8);
        expect(row._mapping.get(t1.c.insdef)).toBe(3);
        expect(a.all().map((x) => [...x])).toEqual([["x", 3, 8]]);
        const b = await conn.execute(update(t1).values({ data: "x", insdef: 3 }).returnDefaults(t1.c.id, { supplementalCols: [t1.c.data, t1.c.insdef] }));
        expect([...b.returnedDefaults!]).toEqual([1, "x", 3]);
        expect(b.returnedDefaults!._fields).toEqual(["id", "data", "insdef"]);
        expect(b.all().map((x) => [...x])).toEqual([[1, "x", 3]]);
      });
    });

    it("test_delete_supplemental_cols", async () => {
      await h.engine.begin(async (conn) => {
        await conn.execute(insert(t1).values({ id: 1, upddef: 1 }));
        const r = await conn.execute(delete_(t1).returnDefaults(t1.c.id, { supplementalCols: [t1.c.data, t1.c.insdef] }));
        expect([...r.returnedDefaults!]).toEqual([1, null, 7]);
        expect(r.all().map((x) => [...x])).toEqual([[1, null, 7]]);
      });
    });

    it("an unknown option is refused", () => {
      expect(() => insert(t1).returnDefaults({ supplementalColumns: [t1.c.id] } as never)).toThrow("returnDefaults(): unknown option 'supplementalColumns'; the only option is supplementalCols");
    });
  });

  describe("DeleteReturnDefaultsTest", () => {
    it("test_delete / test_delete_non_default_plus_default: the named columns of the deleted row", async () => {
      await h.engine.begin(async (conn) => {
        await conn.execute(insert(t1).values({ id: 1, upddef: 1 }));
        const r = await conn.execute(delete_(t1).returnDefaults(t1.c.data, t1.c.upddef));
        expect(asDict(r.returnedDefaults)).toEqual({ data: null, upddef: 1 });
      });
    });
  });

  describe("ReturnCombinationTests", () => {
    it("test_return_no_return_defaults: returning() then returnDefaults() does not compile", async () => {
      await h.engine.begin(async (conn) => {
        const stmt = insert(t1).returning(t1.c.data).returnDefaults();
        await expect(conn.execute(stmt)).rejects.toThrow(new CompileError("Can't compile statement that includes returning() and return_defaults() simultaneously"));
      });
    });

    it("test_return_defaults_no_returning: returning() after returnDefaults() raises", () => {
      expect(() => insert(t1).returnDefaults().returning(t1.c.data)).toThrow(new InvalidRequestError("return_defaults() is already configured on this statement"));
      expect(() => update(t1).returnDefaults().returning(t1.c.data)).toThrow(InvalidRequestError);
    });
  });
});

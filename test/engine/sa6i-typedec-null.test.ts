/**
 * SQLAlchemy calls a TypeDecorator's `process_result_value()` / `process_bind_param()` for
 * None too (test/sql/test_types.py `_UserDefinedTypeFixture`, UserDefinedRoundTripTest, whose
 * fixture types turn None into "<null value>" / 29). athanor: a decorator's processors see
 * `null` for SQL NULL; built-in types keep reading NULL as null without calling theirs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Column, Integer, MetaData, String, Table, TypeDecorator, insert, select, type TypeEngine } from "../../src/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

/** SQLAlchemy's `MyNewUnicodeType` of the fixture: NULL becomes "<null value>". */
class MyNewUnicodeType extends TypeDecorator<string> {
  override readonly impl: TypeEngine<string> = String(50);
  override readonly cacheOk = true;
  override processBindParam(value: string | null): string {
    return "BIND_IN" + (value ?? "<null value>");
  }
  override processResultValue(value: unknown): string {
    return `${value === null ? "<null result>" : (value as string)}BIND_OUT`;
  }
}

/** SQLAlchemy's `MyNewIntType` of the fixture: NULL binds as 29 (times ten). */
class MyNewIntType extends TypeDecorator<number> {
  override readonly impl = Integer;
  override readonly cacheOk = true;
  override processBindParam(value: number | null): number {
    return (value ?? 29) * 10;
  }
  override processResultValue(value: unknown): number {
    return value === null ? -1 : (value as number) * 10;
  }
}

/** A decorator of a decorator: NULL reaches the inner decorator's processing too. */
class MyDecOfDec extends TypeDecorator<number> {
  override readonly impl = (): TypeEngine<number> => new MyNewIntType();
  override readonly cacheOk = true;
  override processResultValue(value: unknown): number {
    return (value as number) + 1;
  }
}

describe("TypeDecorator processors and NULL", () => {
  it("the bind processor passes null to processBindParam, then the impl's processor", () => {
    for (const d of ["postgresql", "sqlite"] as const) {
      expect(new MyNewUnicodeType().bindProcessor(d)!(null)).toBe("BIND_IN<null value>");
      expect(new MyNewIntType().bindProcessor(d)!(null)).toBe(290);
      expect(new MyNewIntType().bindProcessor(d)!(undefined)).toBe(290);
      expect(new MyNewIntType().bindProcessor(d)!(12)).toBe(120);
    }
  });

  it("the result processor passes null to processResultValue, also through a decorated decorator", () => {
    expect(new MyNewUnicodeType().resultProcessor("sqlite")!(null)).toBe("<null result>BIND_OUT");
    expect(new MyNewIntType().resultProcessor("postgresql")!(null)).toBe(-1);
    expect(new MyDecOfDec().resultProcessor("sqlite")!(null)).toBe(0);
    expect(new MyDecOfDec().resultProcessor("sqlite")!(12)).toBe(121);
  });

  it("a decorator without its own processing keeps the impl's (no processor for a plain String)", () => {
    class Plain extends TypeDecorator<string> {
      override readonly impl = String(10);
      override readonly cacheOk = true;
    }
    expect(new Plain().resultProcessor("sqlite")).toBeUndefined();
  });
});

describe.each(engineTargets())("$name sa6i TypeDecorator NULL results", (target) => {
  const metadata = new MetaData();
  const name = uniqueName("sa6i_tdnull");
  // The same table seen twice: raw columns to write NULL as NULL, decorated ones to read it.
  const raw = Table(name, metadata, { id: Column(Integer, { primaryKey: true, autoincrement: false }), s: Column(String(50)), n: Column(Integer), dd: Column(Integer) });
  const decorated = Table(name, new MetaData(), {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    s: Column(new MyNewUnicodeType()),
    n: Column(new MyNewIntType()),
    dd: Column(new MyDecOfDec()),
  });
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin(async (conn) => {
      await metadata.createAll(conn);
      await conn.execute(insert(raw), [
        { id: 1, s: "jack", n: 12, dd: 12 },
        { id: 2, s: null, n: null, dd: null },
      ]);
    });
  });
  afterAll(async () => {
    await h.engine.begin((conn) => metadata.dropAll(conn));
    await h.cleanup();
  });

  it("rows: processResultValue(null) gives the decorator's value for NULL", async () => {
    await h.engine.connect(async (conn) => {
      const rows = (await conn.execute(select(decorated).orderBy(decorated.c.id))).all().map((r) => [...r]);
      expect(rows).toEqual([
        [1, "jackBIND_OUT", 120, 121],
        [2, "<null result>BIND_OUT", -1, 0],
      ]);
    });
  });

  it("scalars() and columns() projections process NULL the same way", async () => {
    await h.engine.connect(async (conn) => {
      const s = (await conn.execute(select(decorated.c.s).orderBy(decorated.c.id))).scalars().all();
      expect(s).toEqual(["jackBIND_OUT", "<null result>BIND_OUT"]);
      const n = (await conn.execute(select(decorated).orderBy(decorated.c.id))).columns(decorated.c.n, decorated.c.id).all().map((r) => [...r]);
      expect(n).toEqual([
        [120, 1],
        [-1, 2],
      ]);
      const streamed = await conn.stream(select(decorated.c.n).orderBy(decorated.c.id));
      expect(await streamed.scalars().all()).toEqual([120, -1]);
    });
  });

  it("built-in types still read NULL as null", async () => {
    await h.engine.connect(async (conn) => {
      const rows = (await conn.execute(select(raw).orderBy(raw.c.id))).all().map((r) => [...r]);
      expect(rows).toEqual([
        [1, "jack", 12, 12],
        [2, null, null, null],
      ]);
    });
  });
});

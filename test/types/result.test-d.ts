/**
 * Type-level tests: Result and AsyncResult carry the statement's row type through every accessor
 * (issue 2, sections 8 and 9: "Inference also covers scalars()").
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  select,
  type AsyncConnection, type AsyncMappingResult, type AsyncResult, type AsyncScalarResult, type MappingResult, type Result,
  type Row, type RowMapping, type ScalarResult,
} from "../../src/index.js";
import { users } from "./schema.js";

declare const conn: AsyncConnection;

type N = { id: number; name: string; fullname: string | null };
type T = [number, string, string | null];
const stmt = select(users.c.id, users.c.name, users.c.fullname);

describe("Result (conn.execute)", () => {
  it("is Result<T, N> with Row<T, N> rows", async () => {
    const r = await conn.execute(stmt);
    expectTypeOf(r).toEqualTypeOf<Result<T, N>>();
    expectTypeOf(r.all()).toEqualTypeOf<Row<T, N>[]>();
    expectTypeOf(r.first()).toEqualTypeOf<Row<T, N> | null>();
    expectTypeOf(r.one()).toEqualTypeOf<Row<T, N>>();
    expectTypeOf(r.oneOrNone()).toEqualTypeOf<Row<T, N> | null>();
    expectTypeOf(r.fetchmany(2)).toEqualTypeOf<Row<T, N>[]>();
    expectTypeOf(r.fetchone()).toEqualTypeOf<Row<T, N> | null>();
    expectTypeOf(r.unique().all()).toEqualTypeOf<Row<T, N>[]>();
    expectTypeOf(r.keys()).toEqualTypeOf<string[]>();
    expectTypeOf(r.rowsAffected).toEqualTypeOf<number>();
    for (const row of r.all()) expectTypeOf(row.fullname).toEqualTypeOf<string | null>();
  });

  it("scalar(), scalarOne(), scalarOneOrNone() give the first column", async () => {
    const r = await conn.execute(stmt);
    expectTypeOf(r.scalar()).toEqualTypeOf<number | null>();
    expectTypeOf(r.scalarOne()).toEqualTypeOf<number>();
    expectTypeOf(r.scalarOneOrNone()).toEqualTypeOf<number | null>();
    const nullable = await conn.execute(select(users.c.fullname));
    expectTypeOf(nullable.scalarOne()).toEqualTypeOf<string | null>();
  });

  it("scalars() picks a column by position or key", async () => {
    const r = await conn.execute(stmt);
    expectTypeOf(r.scalars()).toEqualTypeOf<ScalarResult<number>>();
    expectTypeOf(r.scalars().all()).toEqualTypeOf<number[]>();
    expectTypeOf(r.scalars(1).all()).toEqualTypeOf<string[]>();
    expectTypeOf(r.scalars(2).first()).toEqualTypeOf<string | null>();
    expectTypeOf(r.scalars("fullname").all()).toEqualTypeOf<(string | null)[]>();
    expectTypeOf(r.scalars("name").one()).toEqualTypeOf<string>();
    // @ts-expect-error: no column "nope"
    r.scalars("nope");
  });

  it("mappings() types each mapping by key", async () => {
    const r = await conn.execute(stmt);
    expectTypeOf(r.mappings()).toEqualTypeOf<MappingResult<N>>();
    const m = r.mappings().one();
    expectTypeOf(m).toEqualTypeOf<RowMapping<N>>();
    expectTypeOf(m.name).toEqualTypeOf<string>();
    expectTypeOf(m.fullname).toEqualTypeOf<string | null>();
    expectTypeOf(m.keys()).toEqualTypeOf<("id" | "name" | "fullname")[]>();
    // @ts-expect-error: no key "nope"
    void m.nope;
  });

  it("columns() projects the row type", async () => {
    const r = await conn.execute(stmt);
    const row = r.columns("fullname", 0).one();
    expectTypeOf(row[0]).toEqualTypeOf<string | null>();
    expectTypeOf(row[1]).toEqualTypeOf<number>();
    expectTypeOf(row.fullname).toEqualTypeOf<string | null>();
  });

  it("conn.scalar() gives the first column of the first row", async () => {
    expectTypeOf(await conn.scalar(stmt)).toEqualTypeOf<number | null>();
    expectTypeOf(await conn.scalar(select(users.c.name))).toEqualTypeOf<string | null>();
  });

  it("conn.scalars() of a one-column SELECT gives that column", async () => {
    expectTypeOf((await conn.scalars(select(users.c.name))).all()).toEqualTypeOf<string[]>();
    // A multi-column SELECT gives the first column, like `(await conn.execute(stmt)).scalars()`.
    expectTypeOf((await conn.scalars(stmt)).all()).toEqualTypeOf<number[]>();
  });
});

describe("AsyncResult (conn.stream)", () => {
  it("is AsyncResult<T, N>, iterable with typed rows", async () => {
    const s = await conn.stream(stmt);
    expectTypeOf(s).toEqualTypeOf<AsyncResult<T, N>>();
    for await (const row of s) {
      expectTypeOf(row).toEqualTypeOf<Row<T, N>>();
      expectTypeOf(row[0]).toEqualTypeOf<number>();
      expectTypeOf(row.fullname).toEqualTypeOf<string | null>();
    }
  });

  it("has async accessors with the same types", async () => {
    const s = await conn.stream(stmt);
    expectTypeOf(s.all()).toEqualTypeOf<Promise<Row<T, N>[]>>();
    expectTypeOf(s.first()).toEqualTypeOf<Promise<Row<T, N> | null>>();
    expectTypeOf(s.one()).toEqualTypeOf<Promise<Row<T, N>>>();
    expectTypeOf(s.oneOrNone()).toEqualTypeOf<Promise<Row<T, N> | null>>();
    expectTypeOf(s.fetchmany(10)).toEqualTypeOf<Promise<Row<T, N>[]>>();
    expectTypeOf(s.scalar()).toEqualTypeOf<Promise<number | null>>();
    expectTypeOf(s.scalarOne()).toEqualTypeOf<Promise<number>>();
    expectTypeOf(s.scalarOneOrNone()).toEqualTypeOf<Promise<number | null>>();
    expectTypeOf(s.close()).toEqualTypeOf<Promise<void>>();
    for await (const part of s.partitions(100)) expectTypeOf(part).toEqualTypeOf<Row<T, N>[]>();
  });

  it("scalars() and mappings() stream typed values", async () => {
    const s = await conn.stream(stmt);
    expectTypeOf(s.scalars()).toEqualTypeOf<AsyncScalarResult<number>>();
    expectTypeOf(await s.scalars("fullname").all()).toEqualTypeOf<(string | null)[]>();
    expectTypeOf(await s.scalars(1).all()).toEqualTypeOf<string[]>();
    expectTypeOf(s.mappings()).toEqualTypeOf<AsyncMappingResult<N>>();
    for await (const m of s.mappings()) expectTypeOf(m.name).toEqualTypeOf<string>();
    const row = await s.columns("name").one();
    expectTypeOf(row[0]).toEqualTypeOf<string>();
  });

  it("conn.streamScalars() of a one-column SELECT streams that column", async () => {
    for await (const v of await conn.streamScalars(select(users.c.fullname))) {
      expectTypeOf(v).toEqualTypeOf<string | null>();
    }
  });

  it("closes with await using", async () => {
    await using s = await conn.stream(stmt);
    expectTypeOf(s).toHaveProperty(Symbol.asyncDispose);
  });
});

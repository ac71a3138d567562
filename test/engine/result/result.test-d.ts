import { describe, expectTypeOf, it } from "vitest";
import type {
  AsyncMappingResult,
  AsyncResult,
  AsyncScalarResult,
  MappingResult,
  Result,
  Row,
  RowMapping,
  ScalarResult,
} from "../../../src/engine/result/index.js";

type T = [number, string | null];
type N = { id: number; name: string | null };
declare const r: Result<T, N>;
declare const ar: AsyncResult<T, N>;

describe("Result typing", () => {
  it("types rows by position and by name", () => {
    expectTypeOf(r.all()).toEqualTypeOf<Row<T, N>[]>();
    expectTypeOf(r.all()[0][1]).toEqualTypeOf<string | null>();
    expectTypeOf(r.all()[0][0]).toEqualTypeOf<number>();
    expectTypeOf(r.one().id).toEqualTypeOf<number>();
    expectTypeOf(r.one().name).toEqualTypeOf<string | null>();
    expectTypeOf(r.one().length).toEqualTypeOf<2>();
    expectTypeOf(r.one()._tuple()).toEqualTypeOf<T>();
    expectTypeOf(r.one()._t).toEqualTypeOf<T>();
    expectTypeOf(r.one()._asDict()).toEqualTypeOf<N>();
    expectTypeOf(r.one()._fields).toEqualTypeOf<readonly string[]>();
    expectTypeOf(r.first()).toEqualTypeOf<Row<T, N> | null>();
    expectTypeOf(r.oneOrNone()).toEqualTypeOf<Row<T, N> | null>();
    expectTypeOf(r.fetchone()).toEqualTypeOf<Row<T, N> | null>();
    expectTypeOf(r.fetchmany(2)).toEqualTypeOf<Row<T, N>[]>();
    expectTypeOf(r.partitions(2)).toMatchTypeOf<Iterable<Row<T, N>[]>>();
    expectTypeOf(r).toMatchTypeOf<Iterable<Row<T, N>>>();
    expectTypeOf(r).toMatchTypeOf<AsyncIterable<Row<T, N>>>();
    expectTypeOf(r).toMatchTypeOf<Disposable>();
    expectTypeOf(r.unique()).toEqualTypeOf<Result<T, N>>();
    expectTypeOf(r.keys()).toEqualTypeOf<string[]>();
    expectTypeOf(r.rowsAffected).toEqualTypeOf<number>();
    expectTypeOf(r.lastInsertRowid).toEqualTypeOf<number | bigint | undefined>();
    // No column called "email".
    // @ts-expect-error unknown column
    void r.one().email;
    // @ts-expect-error rows are read-only
    r.one()[0] = 1;
  });

  it("iterates rows as values and unpacks with _tuple()", () => {
    for (const row of r) {
      const [id, name] = row._tuple();
      expectTypeOf(id).toEqualTypeOf<number>();
      expectTypeOf(name).toEqualTypeOf<string | null>();
      expectTypeOf([...row]).toEqualTypeOf<(number | string | null)[]>();
    }
  });

  it("types mappings", () => {
    expectTypeOf(r.mappings()).toEqualTypeOf<MappingResult<N>>();
    expectTypeOf(r.mappings().one().name).toEqualTypeOf<string | null>();
    expectTypeOf(r.mappings().one().id).toEqualTypeOf<number>();
    expectTypeOf(r.one()._mapping.name).toEqualTypeOf<string | null>();
    expectTypeOf(r.one()._mapping).toMatchTypeOf<Readonly<N>>();
    expectTypeOf(r.one()._mapping.keys()).toEqualTypeOf<("id" | "name")[]>();
    expectTypeOf(r.mappings().all()).toEqualTypeOf<RowMapping<N>[]>();
  });

  it("types scalar access", () => {
    expectTypeOf(r.scalar()).toEqualTypeOf<number | null>();
    expectTypeOf(r.scalarOne()).toEqualTypeOf<number>();
    expectTypeOf(r.scalarOneOrNone()).toEqualTypeOf<number | null>();
    expectTypeOf(r.scalars()).toEqualTypeOf<ScalarResult<number>>();
    expectTypeOf(r.scalars().all()).toEqualTypeOf<number[]>();
    expectTypeOf(r.scalars(1).all()).toEqualTypeOf<(string | null)[]>();
    expectTypeOf(r.scalars("name").one()).toEqualTypeOf<string | null>();
    expectTypeOf(r.scalars().unique().first()).toEqualTypeOf<number | null>();
    // @ts-expect-error unknown column key
    r.scalars("email");
  });

  it("types columns() projections", () => {
    const c = r.columns("name", 0);
    expectTypeOf(c).toEqualTypeOf<Result<[string | null, number], { name: string | null }>>();
    expectTypeOf(c.one()[0]).toEqualTypeOf<string | null>();
    expectTypeOf(c.one()[1]).toEqualTypeOf<number>();
    expectTypeOf(c.one().name).toEqualTypeOf<string | null>();
    // @ts-expect-error unknown column key
    r.columns("email");
  });

  it("keeps typed results and rows assignable to the loosely typed ones", () => {
    expectTypeOf(r).toMatchTypeOf<Result>();
    expectTypeOf(r.one()).toMatchTypeOf<Row>();
    expectTypeOf(ar).toMatchTypeOf<AsyncResult>();
    expectTypeOf(r.mappings()).toMatchTypeOf<MappingResult>();
    const loose = {} as Result;
    expectTypeOf(loose as Result<T, N>).toEqualTypeOf<Result<T, N>>();
  });

  it("defaults to loosely typed rows", () => {
    const loose = {} as Result;
    expectTypeOf(loose.one()[3]).toEqualTypeOf<unknown>();
    expectTypeOf(loose.one()._mapping.keys()).toEqualTypeOf<string[]>();
    expectTypeOf(loose.scalar()).toEqualTypeOf<unknown>();
    expectTypeOf(loose.one().anyName).toEqualTypeOf<unknown>();
    expectTypeOf(loose.columns("a", 1)).toEqualTypeOf<Result<[unknown, unknown], Record<string, unknown>>>();
  });
});

describe("AsyncResult typing", () => {
  it("returns Promises and async iterables", async () => {
    expectTypeOf(ar.all()).toEqualTypeOf<Promise<Row<T, N>[]>>();
    expectTypeOf((await ar.all())[0][1]).toEqualTypeOf<string | null>();
    expectTypeOf(ar.first()).toEqualTypeOf<Promise<Row<T, N> | null>>();
    expectTypeOf(ar.one()).toEqualTypeOf<Promise<Row<T, N>>>();
    expectTypeOf(ar.scalar()).toEqualTypeOf<Promise<number | null>>();
    expectTypeOf(ar.scalarOne()).toEqualTypeOf<Promise<number>>();
    expectTypeOf(ar.fetchmany(3)).toEqualTypeOf<Promise<Row<T, N>[]>>();
    expectTypeOf(ar).toMatchTypeOf<AsyncIterable<Row<T, N>>>();
    expectTypeOf(ar).toMatchTypeOf<AsyncDisposable>();
    expectTypeOf(ar.partitions()).toMatchTypeOf<AsyncIterable<Row<T, N>[]>>();
    expectTypeOf(ar.yieldPer(10)).toEqualTypeOf<AsyncResult<T, N>>();
    expectTypeOf(ar.scalars()).toEqualTypeOf<AsyncScalarResult<number>>();
    expectTypeOf(await ar.scalars().all()).toEqualTypeOf<number[]>();
    expectTypeOf(await ar.scalars("name").first()).toEqualTypeOf<string | null>();
    expectTypeOf(ar.mappings()).toEqualTypeOf<AsyncMappingResult<N>>();
    expectTypeOf((await ar.mappings().one()).name).toEqualTypeOf<string | null>();
    expectTypeOf(ar.columns("id")).toEqualTypeOf<AsyncResult<[number], { id: number }>>();
    for await (const row of ar) expectTypeOf(row.id).toEqualTypeOf<number>();
  });
});

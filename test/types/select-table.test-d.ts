/**
 * Type-level tests: rows of `select(table)` and of SELECTs whose column names repeat (issue 2:
 * "`select(users.c.id, users.c.name)` yields rows typed `[number, string]` ... with named
 * access"). Named access is typed from the columns; positions are typed when the column order is
 * known (columns listed, or a `table()` declared with its columns in order) and `unknown` for an
 * object-declared `Table`, whose key order the type system does not keep. A repeated name is
 * typed after its first column, as LABEL_STYLE_DISAMBIGUATE_ONLY keys the later ones `name_1`.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  column, func, Integer, select, String as StringT, table,
  type AsyncConnection, type AsyncScalarResult, type Result, type ScalarResult, type Select,
} from "../../src/index.js";
import { addresses, users } from "./schema.js";

declare const conn: AsyncConnection;

const light = table("typ_light_rows", column("a", Integer), column("b", StringT), column("c"));
const other = table("typ_other_names", column("id", StringT), column("name", Integer));

describe("select(table)", () => {
  it("an object-declared Table: exact named access, positions unknown (never a wrong tuple)", async () => {
    const stmt = select(users);
    expectTypeOf(stmt).toEqualTypeOf<Select<unknown[], { id: number; name: string; fullname: string | null; big: bigint | null }>>();
    const row = (await conn.execute(stmt)).one();
    expectTypeOf(row.id).toEqualTypeOf<number>();
    expectTypeOf(row.name).toEqualTypeOf<string>();
    expectTypeOf(row.fullname).toEqualTypeOf<string | null>();
    expectTypeOf(row.big).toEqualTypeOf<bigint | null>();
    expectTypeOf(row[0]).toEqualTypeOf<unknown>();
    expectTypeOf(row._tuple()).toEqualTypeOf<unknown[]>();
    // @ts-expect-error: no column "nope"
    void row.nope;
  });

  it("a table() declared with its columns in order: typed positions as well", async () => {
    const stmt = select(light);
    expectTypeOf(stmt).toEqualTypeOf<Select<[number, string, unknown], { a: number; b: string; c: unknown }>>();
    const row = (await conn.execute(stmt)).one();
    expectTypeOf(row[0]).toEqualTypeOf<number>();
    expectTypeOf(row[1]).toEqualTypeOf<string>();
    expectTypeOf(row._tuple()).toEqualTypeOf<[number, string, unknown]>();
    expectTypeOf(row.b).toEqualTypeOf<string>();
    expectTypeOf(select(light.c.b, light)).toEqualTypeOf<Select<[string, number, string, unknown], { b: string; a: number; c: unknown }>>();
  });

  it("an alias of a table() has no position types (its proxies are built at run time)", () => {
    expectTypeOf(select(light.alias("l"))).toEqualTypeOf<Select<unknown[], { a: number; b: string; c: unknown }>>();
  });

  it("select(a, b) with overlapping names: each name typed after its first table", async () => {
    const row = (await conn.execute(select(users, addresses))).one();
    expectTypeOf(row.id).toEqualTypeOf<number>();
    expectTypeOf(row.email).toEqualTypeOf<string>();
    const mixed = (await conn.execute(select(light, other))).one();
    expectTypeOf(mixed.name).toEqualTypeOf<number>();
    expectTypeOf(mixed.id).toEqualTypeOf<string>();
    expectTypeOf(mixed._tuple()).toEqualTypeOf<[number, string, unknown, string, number]>();
  });
});

describe("repeated names in a SELECT list", () => {
  it("a later column of a taken name does not retype it (it is keyed name_1 at run time)", async () => {
    const stmt = select(users.c.name, other.c.name);
    expectTypeOf(stmt).toEqualTypeOf<Select<[string, number], { name: string }>>();
    const row = (await conn.execute(stmt)).one();
    expectTypeOf(row.name).toEqualTypeOf<string>();
    expectTypeOf(row[1]).toEqualTypeOf<number>();
    // @ts-expect-error: run-time-only key
    void row.name_1;
  });

  it("a later explicit label of a taken name makes it ambiguous: the name is not offered", async () => {
    const stmt = select(users.c.name, other.c.name.label("name"), users.c.id);
    expectTypeOf(stmt).toEqualTypeOf<Select<[string, number, number], { id: number }>>();
    const row = (await conn.execute(stmt)).one();
    // @ts-expect-error: reading an ambiguous name raises at run time
    void row.name;
    expectTypeOf(row[0]).toEqualTypeOf<string>();
  });

  it("an earlier label keeps its name; the later column is relabelled", () => {
    expectTypeOf(select(other.c.name.label("name"), users.c.name)).toEqualTypeOf<Select<[number, string], { name: number }>>();
  });

  it("addColumns() follows the same rule", () => {
    expectTypeOf(select(users.c.id).addColumns(other.c.id, other.c.name)).toEqualTypeOf<Select<[number, string, number], { id: number; name: number }>>();
    expectTypeOf(select(users.c.id).addColumns(func.count().label("id"))).toEqualTypeOf<Select<[number, number], {}>>();
  });
});

describe("results addressed by column object", () => {
  it("row._mapping.get(column), scalars(column) and columns(column) are typed by the column", async () => {
    const res = await conn.execute(select(users.c.id, addresses.c.id, addresses.c.email));
    expectTypeOf(res.scalars(addresses.c.email)).toEqualTypeOf<ScalarResult<string>>();
    expectTypeOf(res.columns(addresses.c.email, 0)).toEqualTypeOf<Result<[string, number], {}>>();
    const row = res.one();
    expectTypeOf(row._mapping.get(addresses.c.id)).toEqualTypeOf<number>();
    expectTypeOf(row._mapping.get(users.c.fullname)).toEqualTypeOf<string | null>();
    expectTypeOf(row._mapping.get("email")).toEqualTypeOf<string>();
    // @ts-expect-error: not a key of the row
    row._mapping.get("id_1");
    const stream = await conn.stream(select(users.c.id, addresses.c.id));
    expectTypeOf(stream.scalars(addresses.c.id)).toEqualTypeOf<AsyncScalarResult<number>>();
  });
});

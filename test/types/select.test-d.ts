/**
 * Type-level tests: row types inferred from SELECT statements (issue 2, section 9:
 * "`select(users.c.id, users.c.name)` yields rows typed `[number, string]` that also have named
 * access. Nullable columns give `T | null`").
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  and, case_, cast, except_, exists, func, Integer, intersect, literal, literalColumn, or, select, String as StringT, text,
  union, unionAll,
  type AsyncConnection, type ColumnElement, type CompoundSelect, type FunctionElement, type Label, type Result, type Row, type Select,
} from "../../src/index.js";
import { addresses, misc, users, type Doc } from "./schema.js";

declare const conn: AsyncConnection;

describe("select(columns...)", () => {
  it("types the statement as Select<[number, string], { id: number; name: string }>", () => {
    const stmt = select(users.c.id, users.c.name);
    expectTypeOf(stmt).toEqualTypeOf<Select<[number, string], { id: number; name: string }>>();
  });

  it("gives rows with typed positions and names", async () => {
    const row = (await conn.execute(select(users.c.id, users.c.name))).all()[0];
    expectTypeOf(row[0]).toEqualTypeOf<number>();
    expectTypeOf(row[1]).toEqualTypeOf<string>();
    expectTypeOf(row.id).toEqualTypeOf<number>();
    expectTypeOf(row.name).toEqualTypeOf<string>();
    expectTypeOf(row.length).toEqualTypeOf<2>();
    expectTypeOf(row._tuple()).toEqualTypeOf<[number, string]>();
    expectTypeOf(row._asDict()).toEqualTypeOf<{ id: number; name: string }>();
    expectTypeOf(row._mapping.name).toEqualTypeOf<string>();
    const [id, name] = row;
    expectTypeOf(id).toEqualTypeOf<number>();
    expectTypeOf(name).toEqualTypeOf<string>();
    for (const v of row) expectTypeOf(v).toEqualTypeOf<number | string>();
  });

  it("gives T | null for nullable columns and T for primary keys and nullable: false", async () => {
    const row = (await conn.execute(select(users.c.id, users.c.fullname, misc.c.status, misc.c.doc))).one();
    expectTypeOf(row.id).toEqualTypeOf<number>();
    expectTypeOf(row.fullname).toEqualTypeOf<string | null>();
    expectTypeOf(row.status).toEqualTypeOf<"active" | "banned">();
    expectTypeOf(row.doc).toEqualTypeOf<{ a: number; tags: string[] } | null>();
  });

  it("keeps the row type through generative methods", () => {
    const base = select(users.c.id, users.c.fullname);
    type S = Select<[number, string | null], { id: number; fullname: string | null }>;
    expectTypeOf(base.where(users.c.id.gt(3))).toEqualTypeOf<S>();
    expectTypeOf(base.where(and(users.c.id.gt(3), or(users.c.name.like("a%"), users.c.fullname.isNull())))).toEqualTypeOf<S>();
    expectTypeOf(base.orderBy(users.c.name.desc()).limit(10).offset(5)).toEqualTypeOf<S>();
    expectTypeOf(base.groupBy(users.c.id).having(func.count().gt(1))).toEqualTypeOf<S>();
    expectTypeOf(base.join(addresses).distinct()).toEqualTypeOf<S>();
    expectTypeOf(base.forUpdate()).toEqualTypeOf<S>();
  });

  it("retypes withOnlyColumns() and addColumns()", () => {
    const base = select(users.c.id);
    expectTypeOf(base.withOnlyColumns(users.c.name)).toEqualTypeOf<Select<[string], { name: string }>>();
    expectTypeOf(base.addColumns(users.c.fullname)).toEqualTypeOf<
      Select<[number, string | null], { id: number; fullname: string | null }>
    >();
  });

  it("names a row key after its label", async () => {
    const uid = users.c.id.label("uid");
    expectTypeOf(uid).toEqualTypeOf<Label<number, "uid">>();
    const row = (await conn.execute(select(uid, users.c.name.label("who")))).one();
    expectTypeOf(row.uid).toEqualTypeOf<number>();
    expectTypeOf(row.who).toEqualTypeOf<string>();
    // @ts-expect-error: the label replaced the key "id"
    void row.id;
  });

  it("types func.* results: count() is number", async () => {
    const stmt = select(
      func.count(),
      func.count(users.c.id).label("n"),
      func.max(users.c.name).label("top"),
      func.sum(users.c.id).label("total"),
      func.lower(users.c.name).label("lo"),
      func.length(users.c.name).label("len"),
      func.now().label("at"),
      func.coalesce(users.c.fullname, users.c.fullname).label("display"),
      func.row_number().over({ orderBy: users.c.id }).label("rn"),
    );
    const row = (await conn.execute(stmt)).one();
    expectTypeOf(row[0]).toEqualTypeOf<number>();
    expectTypeOf(row.n).toEqualTypeOf<number>();
    expectTypeOf(row.top).toEqualTypeOf<string | null>();
    expectTypeOf(row.total).toEqualTypeOf<number | null>();
    expectTypeOf(row.lo).toEqualTypeOf<string>();
    expectTypeOf(row.len).toEqualTypeOf<number>();
    expectTypeOf(row.at).toEqualTypeOf<Date>();
    // Both arguments nullable: coalesce() can still give NULL.
    expectTypeOf(row.display).toEqualTypeOf<string | null>();
    expectTypeOf(row.rn).toEqualTypeOf<number>();
    // Unknown function names are generic: unknown value type.
    expectTypeOf(func.my_fn(users.c.id)).toEqualTypeOf<ReturnType<typeof func.whatever>>();
    expectTypeOf((await conn.execute(select(func.my_fn(1).label("x")))).one().x).toEqualTypeOf<unknown>();
  });

  it("types coalesce() after its first non-null argument", () => {
    expectTypeOf(func.coalesce(users.c.fullname, users.c.name)).toEqualTypeOf<FunctionElement<string>>();
    expectTypeOf(func.coalesce(users.c.fullname, "x")).toEqualTypeOf<FunctionElement<string>>();
    expectTypeOf(func.coalesce(users.c.big, 0n)).toEqualTypeOf<FunctionElement<bigint>>();
    expectTypeOf(func.coalesce(users.c.fullname, users.c.fullname)).toEqualTypeOf<FunctionElement<string | null>>();
    expectTypeOf(func.coalesce(null, users.c.id)).toEqualTypeOf<FunctionElement<number>>();
    expectTypeOf(func.coalesce(null, "x")).toEqualTypeOf<FunctionElement<string>>();
    expectTypeOf(func.coalesce(misc.c.doc, misc.c.docb)).toEqualTypeOf<FunctionElement<Doc>>();
    expectTypeOf(func.coalesce(func.max(users.c.id), -1)).toEqualTypeOf<FunctionElement<number>>();
    // A column's literal types stay; a plain value's widen.
    expectTypeOf(func.coalesce(misc.c.status, "active")).toEqualTypeOf<FunctionElement<"active" | "banned">>();
    // An untyped first argument leaves the result untyped.
    expectTypeOf(func.coalesce(addresses.c.userId, 1)).toEqualTypeOf<FunctionElement<unknown>>();
  });

  it("types operators, cast, case and literals", async () => {
    const row = (
      await conn.execute(
        select(
          users.c.id.add(1).label("plus"),
          users.c.id.floordiv(2).label("half"),
          users.c.name.concat("!").label("shout"),
          users.c.id.eq(1).label("isOne"),
          cast(users.c.id, StringT).label("idText"),
          users.c.name.cast(Integer).label("nameInt"),
          case_([[users.c.id.gt(1), "big"]], { else_: "small" }).label("size"),
          literal(5).label("five"),
          literalColumn<string, "lc">("'x'"),
          exists(select(addresses.c.id).where(addresses.c.userId.eq(users.c.id))).label("hasAddr"),
          select(func.count()).where(addresses.c.userId.eq(users.c.id)).scalarSubquery().label("nAddr"),
        ),
      )
    ).one();
    expectTypeOf(row.plus).toEqualTypeOf<number>();
    expectTypeOf(row.half).toEqualTypeOf<number>();
    expectTypeOf(row.shout).toEqualTypeOf<string>();
    expectTypeOf(row.isOne).toEqualTypeOf<boolean>();
    expectTypeOf(row.idText).toEqualTypeOf<string>();
    expectTypeOf(row.nameInt).toEqualTypeOf<number>();
    expectTypeOf(row.size).toEqualTypeOf<string>();
    expectTypeOf(row.five).toEqualTypeOf<number>();
    expectTypeOf(row.lc).toEqualTypeOf<string>();
    expectTypeOf(row.hasAddr).toEqualTypeOf<boolean>();
    expectTypeOf(row.nAddr).toEqualTypeOf<number>();
  });

  it("rows of select(table) have named access to every column", async () => {
    const row = (await conn.execute(select(users))).one();
    expectTypeOf(row.id).toEqualTypeOf<number>();
    expectTypeOf(row.fullname).toEqualTypeOf<string | null>();
    expectTypeOf(row.big).toEqualTypeOf<bigint | null>();
    // Positions are not typed for a whole table (object keys have no order at the type level).
    expectTypeOf(row[0]).toEqualTypeOf<unknown>();
  });

  it("joins keep both sides' column types", async () => {
    const row = (
      await conn.execute(select(users.c.name, addresses.c.email).join(addresses, addresses.c.userId.eq(users.c.id)))
    ).one();
    expectTypeOf(row.name).toEqualTypeOf<string>();
    expectTypeOf(row.email).toEqualTypeOf<string>();
  });
});

describe("subqueries, CTEs and compound selects", () => {
  it("exports typed columns from a subquery and a CTE", async () => {
    const sq = select(users.c.id, users.c.fullname.label("fn")).subquery("sq");
    expectTypeOf<(typeof sq.c.fn)["__js"]>().toEqualTypeOf<string | null>();
    const row = (await conn.execute(select(sq.c.id, sq.c.fn).where(sq.c.id.gt(1)))).one();
    expectTypeOf(row.id).toEqualTypeOf<number>();
    expectTypeOf(row.fn).toEqualTypeOf<string | null>();
    const cte = select(users.c.name).cte("names");
    expectTypeOf((await conn.execute(select(cte.c.name))).scalars().all()).toEqualTypeOf<string[]>();
    // @ts-expect-error: the subquery exports no column "name"
    void sq.c.name;
  });

  it("a UNION keeps the first SELECT's row type", async () => {
    const u = select(users.c.id, users.c.name).union(select(addresses.c.id, addresses.c.email));
    expectTypeOf(u).toEqualTypeOf<CompoundSelect<[number, string], { id: number; name: string }>>();
    expectTypeOf((await conn.execute(u)).one().name).toEqualTypeOf<string>();
    expectTypeOf((await conn.execute(u.orderBy(users.c.id).limit(2))).scalars().all()).toEqualTypeOf<number[]>();
  });

  it("the function forms union/unionAll/except_/intersect keep the first SELECT's row type", async () => {
    const a = select(users.c.id, users.c.name);
    const b = select(addresses.c.id, addresses.c.email);
    type Expected = CompoundSelect<[number, string], { id: number; name: string }>;
    expectTypeOf(union(a, b)).toEqualTypeOf<Expected>();
    expectTypeOf(unionAll(a, b, b)).toEqualTypeOf<Expected>();
    expectTypeOf(except_(a, b)).toEqualTypeOf<Expected>();
    expectTypeOf(intersect(a, b)).toEqualTypeOf<Expected>();
    expectTypeOf((await conn.execute(union(a, b))).one().name).toEqualTypeOf<string>();
    // A compound can be the first member of another compound.
    expectTypeOf(union(unionAll(a, b), b)).toEqualTypeOf<Expected>();
  });

  it("a scalar subquery has the type of its one column", () => {
    const s = select(func.max(users.c.id)).scalarSubquery();
    expectTypeOf(s).toMatchTypeOf<ColumnElement<number | null, never>>();
  });
});

describe("textual SQL", () => {
  it("text() rows are loosely typed", async () => {
    const r = await conn.execute(text("SELECT 1 AS x"));
    expectTypeOf(r).toEqualTypeOf<Result<unknown[], Record<string, unknown>>>();
    const row = r.one();
    expectTypeOf(row.x).toEqualTypeOf<unknown>();
    expectTypeOf(row[0]).toEqualTypeOf<unknown>();
    // A typed row is still assignable to a loosely typed one.
    const typed = (await conn.execute(select(users.c.id))).one();
    expectTypeOf(typed).toMatchTypeOf<Row>();
  });
});

/**
 * `cast()` and `typeCoerce()` with a TypeDecorator, ported from SQLAlchemy's
 * test/sql/test_types.py `TypeCoerceCastTest`, on PostgreSQL and SQLite: both apply the target
 * type's result processing; `typeCoerce` also applies its bind processing to a bound value,
 * `cast` only to a plain JS value (an already typed expression keeps its own type).
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  Column, MetaData, String, Table, TypeDecorator, cast, delete_, insert, literal, select, typeCoerce,
  type AsyncConnection, type ClauseElement, type ColumnElement,
} from "../../../src/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useTablesOnce } from "../../fixtures/suite-tables.js";
import { compile } from "../compiler/helpers.js";

class MyType extends TypeDecorator<string> {
  override readonly impl = String(50);
  override readonly cacheOk = true;
  override processBindParam(value: unknown): string {
    return "BIND_IN" + globalThis.String(value);
  }
  override processResultValue(value: unknown): string {
    return `${value as string}BIND_OUT`;
  }
}

const md = new MetaData();
const t = Table(uniqueName("sa5a_cc_t"), md, { id: Column(String(10), { primaryKey: true }), data: Column(String(50)) });

type CoerceFn = (expr: unknown, type: MyType) => ColumnElement<unknown, string>;
const fns: [string, CoerceFn][] = [
  ["cast", (e, ty) => cast(e, ty) as ColumnElement<unknown, string>],
  ["typeCoerce", (e, ty) => typeCoerce(e, ty) as ColumnElement<unknown, string>],
];

describe("cast() / typeCoerce() SQL", () => {
  it("cast renders CAST with the impl's DDL; typeCoerce renders the bare expression", () => {
    expect(compile(select(cast(t.c.data, new MyType()))).sql).toBe(`SELECT CAST(${t.name}.data AS VARCHAR(50)) AS data \nFROM ${t.name}`);
    expect(compile(select(typeCoerce(t.c.data, new MyType()))).sql).toBe(`SELECT ${t.name}.data AS data \nFROM ${t.name}`);
    expect(compile(select(cast("d1", new MyType())), "sqlite", { forExecution: true }).sql).toBe("SELECT CAST(? AS VARCHAR(50)) AS anon_1");
  });
});

describe.each(dialectTargets())("TypeCoerceCastTest on $name", (target) => {
  const db = useTablesOnce(target, md);
  beforeEach(() => db.engine.begin(async (conn) => void (await conn.execute(delete_(t)))));

  const rows = async (conn: AsyncConnection, stmt: ClauseElement) => (await conn.execute(stmt as never)).all().map((r) => [...(r as Iterable<unknown>)]);

  describe.each(fns)("%s", (name, coerce) => {
    const isCoerce = name === "typeCoerce";
    const insertD1 = (conn: AsyncConnection) => conn.execute(insert(t).values({ id: "1", data: coerce("d1", new MyType()) as never }));

    it("test_insert_round_trip", async () => {
      const got = await db.engine.begin(async (conn) => {
        await insertD1(conn);
        return rows(conn, select(coerce(t.c.data, new MyType())));
      });
      expect(got).toEqual([["BIND_INd1BIND_OUT"]]);
    });

    it("test_coerce_from_nulltype: any JS value goes through processBindParam", async () => {
      const obj = { toString: () => "THISISMYOBJ" };
      const got = await db.engine.begin(async (conn) => {
        await conn.execute(insert(t).values({ id: "1", data: coerce(obj, new MyType()) as never }));
        return rows(conn, select(coerce(t.c.data, new MyType())));
      });
      expect(got).toEqual([["BIND_INTHISISMYOBJBIND_OUT"]]);
    });

    it("test_vs_non_coerced", async () => {
      const got = await db.engine.begin(async (conn) => {
        await insertD1(conn);
        return rows(conn, select(t.c.data, coerce(t.c.data, new MyType())));
      });
      expect(got).toEqual([["BIND_INd1", "BIND_INd1BIND_OUT"]]);
    });

    it("test_vs_non_coerced_alias", async () => {
      const got = await db.engine.begin(async (conn) => {
        await insertD1(conn);
        return rows(conn, select(t.c.data.label("x"), coerce(t.c.data, new MyType())).alias().select());
      });
      expect(got).toEqual([["BIND_INd1", "BIND_INd1BIND_OUT"]]);
    });

    it("test_vs_non_coerced_where: coerced on the left, then on the right", async () => {
      const [left, right] = await db.engine.begin(async (conn) => {
        await insertD1(conn);
        return [
          await rows(conn, select(t.c.data, coerce(t.c.data, new MyType())).where(coerce(t.c.data, new MyType()).eq("d1"))),
          await rows(conn, select(t.c.data, coerce(t.c.data, new MyType())).where(t.c.data.eq(coerce("d1", new MyType()) as never))),
        ];
      });
      expect(left).toEqual([["BIND_INd1", "BIND_INd1BIND_OUT"]]);
      expect(right).toEqual([["BIND_INd1", "BIND_INd1BIND_OUT"]]);
    });

    it("test_coerce_none: NULL matches nothing", async () => {
      const [a, b] = await db.engine.begin(async (conn) => {
        await insertD1(conn);
        return [
          await rows(conn, select(t.c.data, coerce(t.c.data, new MyType())).where(t.c.data.eq(coerce(null, new MyType()) as never))),
          await rows(conn, select(t.c.data, coerce(t.c.data, new MyType())).where(coerce(t.c.data, new MyType()).is(null))),
        ];
      });
      expect(a).toEqual([]);
      expect(b).toEqual([]);
    });

    it("test_bind: a typed bound value is re-typed by typeCoerce, only read through the type by cast", async () => {
      const got = await db.engine.connect((conn) => rows(conn, select(literal("x", String(50)), coerce(literal("x", String(50)), new MyType()))));
      expect(got).toEqual([["x", isCoerce ? "BIND_INxBIND_OUT" : "xBIND_OUT"]]);
    });
  });

  it("test_cast_existing_typed: cast() leaves an already typed value's binding alone", async () => {
    expect(await db.engine.connect((conn) => conn.scalar(select(cast(literal("d1"), new MyType()))))).toBe("d1BIND_OUT");
  });

  it("test_type_coerce_existing_typed: typeCoerce() upgrades the given expression to the type", async () => {
    const got = await db.engine.begin(async (conn) => {
      await conn.execute(insert(t).values({ id: "1", data: typeCoerce(literal("d1"), new MyType()) as never }));
      return rows(conn, select(typeCoerce(t.c.data, new MyType())));
    });
    expect(got).toEqual([["BIND_INd1BIND_OUT"]]);
  });
});

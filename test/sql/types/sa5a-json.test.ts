/**
 * JSON / JSONB round trips, ported from SQLAlchemy's test/dialect/postgresql/test_types.py
 * `JSONRoundTripTest` / `JSONBRoundTripTest` and test/dialect/sqlite/test_types.py `JSONTest`:
 * documents, SQL NULL vs JSON null, element and path access with special keys, typed element
 * reads (`asString()`, `asInteger()`), and `cast(value, JSON)`, on PostgreSQL and SQLite.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  Column, Integer, JSON as JSONT, JSONB, MetaData, String, Table, cast, delete_, insert, null_, select, text,
  type AsyncConnection, type ClauseElement, type TypeEngine,
} from "../../../src/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useTablesOnce } from "../../fixtures/suite-tables.js";

type Doc = Record<string, unknown>;
const fixtureData: { name: string; data: Doc }[] = [
  { name: "r1", data: { k1: "r1v1", k2: "r1v2" } },
  { name: "r2", data: { k1: "r2v1", k2: "r2v2" } },
  { name: "r3", data: { k1: "r3v1", k2: "r3v2" } },
  { name: "r4", data: { k1: "r4v1", k2: "r4v2" } },
  { name: "r5", data: { k1: "r5v1", k2: "r5v2", k3: 5 } },
  { name: "r6", data: { k1: { r6v1: { subr: [1, 2, 3] } } } },
];

const specialKeys = ["key", "réve🐍 illé", 'name_with"quotes"name', "name with spaces", "name with ' single ' quotes", 'some_key("idx")'];

const variants = dialectTargets().flatMap((target) => {
  const types: [string, () => TypeEngine<Doc>][] = [["JSON", () => JSONT<Doc>()]];
  if (target.dialect === "postgresql") types.push(["JSONB", () => JSONB<Doc>()]);
  return types.map(([typeName, type]) => ({ target, typeName, type, label: `${typeName} on ${target.name}` }));
});

describe.each(variants)("JSONRoundTripTest: $label", ({ target, typeName, type }) => {
  const md = new MetaData();
  const dataTable = Table(uniqueName(`sa5a_json_${typeName.toLowerCase()}`), md, {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false }),
    data: Column(type()),
  });
  const sqlite = target.dialect === "sqlite";
  const db = useTablesOnce(target, md);
  beforeEach(() => db.engine.begin(async (conn) => void (await conn.execute(delete_(dataTable)))));

  const withFixture = <T>(fn: (conn: AsyncConnection) => Promise<T>) =>
    db.engine.begin(async (conn) => {
      await conn.execute(insert(dataTable), fixtureData);
      return fn(conn);
    });
  const names = async (conn: AsyncConnection, crit: ClauseElement) =>
    (await conn.execute(select(dataTable.c.name).where(crit as never).orderBy(dataTable.c.name))).scalars().all();

  // athanor's SQLite JSON paths quote each key ($."key") and SQLite has no escape for '"' there.
  it.each(sqlite ? specialKeys.filter((k) => !k.includes('"')) : specialKeys)("test_indexed_special_keys: %s", async (key) => {
    const row = await db.engine.begin(async (conn) => {
      await conn.execute(insert(dataTable), { name: "row1", data: { [key]: "some value" } });
      return (await conn.execute(select(dataTable.c.data.at(key), dataTable.c.data.at(key).asString()))).one();
    });
    expect([...row]).toEqual(["some value", "some value"]);
  });

  it("test_insert", async () => {
    const got = await db.engine.begin(async (conn) => {
      await conn.execute(insert(dataTable), { name: "r1", data: { k1: "r1v1", k2: "r1v2" } });
      return (await conn.execute(select(dataTable.c.data).orderBy(dataTable.c.name))).scalars().all();
    });
    expect(got).toEqual([{ k1: "r1v1", k2: "r1v2" }]);
  });

  it("test_insert_nulls / test_insert_none_as_null: SQL NULL", async () => {
    const [viaNull, viaJs] = await db.engine.begin(async (conn) => {
      await conn.execute(insert(dataTable).values({ name: "r1", data: null_() as never }));
      await conn.execute(insert(dataTable), { name: "r2", data: null });
      return [
        (await conn.execute(select(dataTable.c.data).where(dataTable.c.data.is(null)).orderBy(dataTable.c.name))).scalars().all(),
        (await conn.execute(select(dataTable.c.name).where(dataTable.c.data.is(null)).orderBy(dataTable.c.name))).scalars().all(),
      ];
    });
    expect(viaNull).toEqual([null, null]);
    expect(viaJs).toEqual(["r1", "r2"]);
  });

  it("test_insert_nulljson_into_none_as_null: JSON.NULL stores the JSON text null", async () => {
    const got = await db.engine.begin(async (conn) => {
      await conn.execute(insert(dataTable), { name: "r1", data: JSONT.NULL });
      return (await conn.execute(select(dataTable.c.data).where(cast(dataTable.c.data, String()).eq("null")))).scalars().all();
    });
    expect(got).toEqual([null]);
  });

  it("test_criterion: element as text in WHERE", async () => {
    const got = await withFixture(async (conn) => (await conn.execute(select(dataTable.c.data).where(dataTable.c.data.at("k1").asString().eq("r3v1")))).first());
    expect([...got!]).toEqual([{ k1: "r3v1", k2: "r3v2" }]);
  });

  it("test_path_query / test_multi_index_query: a nested value by path", async () => {
    const [byPath, byPathJson] = await withFixture(async (conn) => [
      await names(conn, dataTable.c.data.at(["k1", "r6v1", "subr", 1]).asInteger().eq(2)),
      await conn.scalar(select(dataTable.c.data.at(["k1", "r6v1", "subr"])).where(dataTable.c.name.eq("r6"))),
    ]);
    expect(byPath).toEqual(["r6"]);
    expect(byPathJson).toEqual([1, 2, 3]);
  });

  it("test_query_returned_as_text / test_query_returned_as_int", async () => {
    const [asText, asInt] = await withFixture(async (conn) => [
      await conn.scalar(select(dataTable.c.data.at("k1").asString()).where(dataTable.c.name.eq("r1"))),
      await conn.scalar(select(dataTable.c.data.at("k3").asInteger()).where(dataTable.c.name.eq("r5"))),
    ]);
    expect(asText).toBe("r1v1");
    expect(asInt).toBe(5);
  });

  it("test_literal: the stored text reads back as the same documents", async () => {
    const rows = await withFixture(async (conn) => (await conn.execute(text(`select data from ${dataTable.name} order by name`))).scalars().all());
    const parsed = rows.map((r) => (typeof r === "string" ? (globalThis.JSON.parse(r) as unknown) : r));
    expect(parsed).toEqual(fixtureData.map((d) => d.data));
    if (sqlite) expect(typeof rows[0]).toBe("string");
  });
});

// SQLite gives a column or CAST declared JSON numeric affinity, so CAST(? AS JSON) turns text into 0
// there; SQLAlchemy runs these two only on PostgreSQL.
describe.each(dialectTargets().filter((t) => t.dialect === "postgresql"))("cast(document, JSON/JSONB) on $name", (target) => {
  const db = useTablesOnce(target, []);

  describe.each([["JSON", () => JSONT<Doc>()], ["JSONB", () => JSONB<Doc>()]] as const)("%s", (_n, t) => {
    it("test_fixed_round_trip / test_unicode_round_trip: cast(document, JSON)", async () => {
      const docs = [
        { key: "value", key2: { k1: "v1", k2: "v2" } },
        { "réveillé": "réveillé", data: { k1: "drôle" } },
      ];
      const got = await db.engine.connect(async (conn) => {
        const out: unknown[] = [];
        for (const d of docs) out.push(await conn.scalar(select(cast(d, t()))));
        return out;
      });
      expect(got).toEqual(docs);
    });
  });
});

/**
 * `TypeEngine.withVariant()` (SQLAlchemy 2.0: "with_variant() clones the original TypeEngine
 * rather than changing the type"): DDL, processors and wrappers per dialect, the original left
 * alone, and a round trip on both databases.
 */
import { describe, expect, it } from "vitest";
import {
  ArgumentError, BigInteger, Column, CreateTable, Integer, JSON as JSONT, JSONB, MetaData, String, Table, insert, select,
} from "../../../src/index.js";
import { IntegerType } from "../../../src/sql/types/integer.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useTablesOnce } from "../../fixtures/suite-tables.js";
import { postgresqlDialect, sqliteDialect } from "../compiler/helpers.js";
import { LITE, PG } from "./db.js";

describe("withVariant()", () => {
  it("spells the DDL per dialect and leaves the original type alone", () => {
    const base = Integer();
    const v = base.withVariant(BigInteger(), "postgresql");
    expect(v.compileType(PG)).toBe("BIGINT");
    expect(v.compileType(LITE)).toBe("INTEGER");
    expect(base.compileType(PG)).toBe("INTEGER");
    expect(base.variantMapping.size).toBe(0);
    expect(v).toBeInstanceOf(IntegerType);
    expect(v.affinity).toBe("integer");
  });

  it("chains: each call adds dialects to a copy; a dialect given twice is an ArgumentError", () => {
    const one = JSONT().withVariant(JSONB(), "postgresql");
    const two = one.withVariant(String(), "sqlite");
    expect([one.compileType(PG), one.compileType(LITE)]).toEqual(["JSONB", "JSON"]);
    expect([two.compileType(PG), two.compileType(LITE)]).toEqual(["JSONB", "VARCHAR"]);
    expect(one.variantMapping.size).toBe(1);
    expect(() => one.withVariant(JSONT(), "postgresql")).toThrow(ArgumentError);
    expect(() => one.withVariant(JSONT(), "postgresql")).toThrow("withVariant(): dialect 'postgresql' already has a variant (JSONB) on type JSON");
  });

  it("routes processors and driver wrappers to the variant on its dialect only", () => {
    const v = JSONT().withVariant(JSONB(), "postgresql");
    expect(v.bindExpression("postgresql", "$1")).toBe("CAST(CAST($1 AS TEXT) AS JSONB)");
    expect(v.bindExpression("sqlite", "?")).toBeUndefined();
    expect(v.bindProcessor("sqlite")!({ a: 1 })).toBe('{"a":1}');
    expect(v.resultProcessor("sqlite")!('{"a":1}')).toEqual({ a: 1 });
  });

  it("has its own cache key, so statements over the two types never share a compiled form", () => {
    expect(BigInteger().withVariant(Integer(), "sqlite").cacheKey).not.toBe(BigInteger().cacheKey);
    expect(BigInteger().withVariant(Integer(), "sqlite").cacheKey).toBe(BigInteger().withVariant(Integer(), "sqlite").cacheKey);
  });

  it("CREATE TABLE uses the variant on its dialect and the original type elsewhere", () => {
    const t = Table("vt", new MetaData(), {
      id: Column(Integer().withVariant(BigInteger(), "postgresql"), { primaryKey: true }),
      doc: Column(JSONT().withVariant(JSONB(), "postgresql")),
    });
    const lite = new CreateTable(t).compile({ dialect: sqliteDialect }).sql;
    const pg = new CreateTable(t).compile({ dialect: postgresqlDialect }).sql;
    expect(lite).toContain("id INTEGER NOT NULL");
    expect(lite).toContain("doc JSON,");
    expect(pg).toContain("doc JSONB,");
    expect(pg).toMatch(/id BIG/);
  });
});

const md = new MetaData();
const docs = Table(uniqueName("variant_docs"), md, {
  id: Column(Integer().withVariant(BigInteger(), "postgresql"), { primaryKey: true }),
  doc: Column(JSONT<{ tags: string[] }>().withVariant(JSONB(), "postgresql")),
});

describe.each(dialectTargets())("withVariant() on $name", (target) => {
  const db = useTablesOnce(target, md);

  it("generates keys and round-trips values through each dialect's type", async () => {
    const rows = await db.engine.begin(async (conn) => {
      await conn.execute(insert(docs), [{ doc: { tags: ["a", "b"] } }, { doc: { tags: [] } }]);
      return (await conn.execute(select(docs.c.id, docs.c.doc).orderBy(docs.c.id))).all().map((r) => [...r]);
    });
    // PostgreSQL reads the key through BigInteger (a bigint), SQLite through Integer.
    const [one, two] = target.dialect === "postgresql" ? [1n, 2n] : [1, 2];
    expect(rows).toEqual([
      [one, { tags: ["a", "b"] }],
      [two, { tags: [] }],
    ]);
  });
});

/**
 * `Select.prefixWith()` / `suffixWith()` (SQLAlchemy's `prefix_with()` / `suffix_with()`), from
 * test/sql/test_compiler.py test_prefix / test_prefix_dialect_specific and test/orm/test_query.py
 * PrefixSuffixWithTest: words after SELECT and after the statement (with SQLAlchemy's trailing
 * space), per dialect, part of the cache key; executed on both databases.
 */
import { describe, expect, it } from "vitest";
import { ArgumentError, Column, generateCacheKey, Integer, MetaData, select, String, Table, insert } from "../../../src/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useTablesOnce } from "../../fixtures/suite-tables.js";
import { compile } from "./helpers.js";

const md = new MetaData();
const mytable = Table("mytable", md, { myid: Column(Integer, { primaryKey: true }), name: Column(String(30)), description: Column(String(50)) });
const cols = "mytable.myid, mytable.name, mytable.description";

describe("prefixWith / suffixWith on SELECT", () => {
  it("test_prefix: prefixes follow SELECT in order", () => {
    const stmt = select(mytable).prefixWith("SQL_CALC_FOUND_ROWS").prefixWith("SQL_SOME_WEIRD_MYSQL_THING");
    expect(compile(stmt, "sqlite").sql).toBe(`SELECT SQL_CALC_FOUND_ROWS SQL_SOME_WEIRD_MYSQL_THING ${cols} \nFROM mytable`);
  });

  it("test_prefix_dialect_specific: { dialect } limits a prefix to one dialect", () => {
    const stmt = select(mytable).prefixWith("SQL_CALC_FOUND_ROWS", { dialect: "sqlite" }).prefixWith("PG_ONLY", { dialect: "postgresql" });
    expect(compile(stmt, "postgresql").sql).toBe(`SELECT PG_ONLY ${cols} \nFROM mytable`);
    expect(compile(stmt, "sqlite").sql).toBe(`SELECT SQL_CALC_FOUND_ROWS ${cols} \nFROM mytable`);
  });

  it("test_one_suffix / test_many_suffixes: after the statement, with SQLAlchemy's trailing space", () => {
    expect(compile(select(mytable.c.name).suffixWith("SUFFIX_1"), "sqlite").sql).toBe("SELECT mytable.name \nFROM mytable SUFFIX_1 ");
    expect(compile(select(mytable.c.name).suffixWith("SUFFIX_1", "SUFFIX_2"), "sqlite").sql).toBe("SELECT mytable.name \nFROM mytable SUFFIX_1 SUFFIX_2 ");
    expect(compile(select(mytable.c.name).prefixWith("PREFIX_1", "PREFIX_2"), "sqlite").sql).toBe("SELECT PREFIX_1 PREFIX_2 mytable.name \nFROM mytable");
    expect(compile(select(mytable.c.name).suffixWith("PG", { dialect: "postgresql" }), "sqlite").sql).toBe("SELECT mytable.name \nFROM mytable");
  });

  it("prefixes and suffixes are part of the cache key; bad arguments raise ArgumentError", () => {
    const a = generateCacheKey(select(mytable).prefixWith("A")).key;
    expect(generateCacheKey(select(mytable).prefixWith("B")).key).not.toBe(a);
    expect(generateCacheKey(select(mytable).suffixWith("A")).key).not.toBe(a);
    expect(generateCacheKey(select(mytable).prefixWith("A")).key).toBe(a);
    expect(() => select(mytable).prefixWith(5 as never)).toThrow(ArgumentError);
  });
});

describe.each(dialectTargets())("prefixWith / suffixWith executed on $name", (target) => {
  const m = new MetaData();
  const t = Table(uniqueName("sa7_pfx"), m, { id: Column(Integer, { primaryKey: true }) });
  const h = useTablesOnce(target, m);
  it("a dialect's own prefix runs (DISTINCT as a prefix, a comment as a suffix)", async () => {
    const rows = await h.engine.begin(async (c) => {
      await c.execute(insert(t), [{ id: 1 }, { id: 2 }]);
      return (await c.execute(select(t.c.id).prefixWith("DISTINCT").suffixWith("/* done */").orderBy(t.c.id))).scalars().all();
    });
    expect(rows).toEqual([1, 2]);
  });
});

/**
 * SQLAlchemy's test/sql/test_compiler.py StringifySpecialTest and BindParameterTest literal
 * LIMIT / OFFSET cases, ported where athanor has the construct: `String(stmt)` of SELECT,
 * INSERT, CTEs and grouped selectables, LIMIT/OFFSET/FETCH under literal binds.
 */
import { describe, expect, it } from "vitest";
import { Column, Integer, MetaData, String as StringT, Table, func, insert, literalColumn, or, select } from "../../../src/index.js";
import { assertCompile, compile, mytable as table1 } from "./helpers.js";

const ws = (s: string) => s.replace(/\s+/g, " ").trim();

describe("StringifySpecialTest (test_compiler.py)", () => {
  it("test_basic", () => {
    expect(ws(String(select(table1).where(table1.c.myid.eq(10))))).toBe("SELECT mytable.myid, mytable.name, mytable.description FROM mytable WHERE mytable.myid = :myid_1");
  });
  it("test_insert_return_defaults", () => {
    const t = Table("t", new MetaData(), {
      myid: Column(Integer, { primaryKey: true }),
      name: Column(StringT, { serverDefault: "some str" }),
      description: Column(StringT, { default: func.lower("hi") }),
    });
    expect(ws(String(insert(t).values({}).returning(t.c.myid, t.c.name, t.c.description)))).toBe(
      "INSERT INTO t (description) VALUES (lower(:lower_1)) RETURNING t.myid, t.name, t.description",
    );
  });
  it("test_multirow_insert", () => {
    expect(ws(String(insert(table1).values([{ myid: 1 }, { myid: 2 }])))).toBe("INSERT INTO mytable (myid) VALUES (:myid_m0), (:myid_m1)");
  });
  it("test_multirow_insert_positional", () => {
    expect(ws(compile(insert(table1).values([{ myid: 1 }, { myid: 2 }]), "sqlite").sql)).toBe("INSERT INTO mytable (myid) VALUES (?), (?)");
  });
  it("test_cte", () => {
    const cte = select(table1.c.myid).cte();
    expect(ws(String(select(cte)))).toBe("WITH anon_1 AS (SELECT mytable.myid AS myid FROM mytable) SELECT anon_1.myid FROM anon_1");
  });
  for (const modifier of ["cte", "alias", "subquery"] as const)
    it(`test_grouped_selectables_print_alone (${modifier})`, () => {
      const stmt = select(table1).where(table1.c.myid.eq(10));
      const grouped = modifier === "cte" ? stmt.cte() : modifier === "alias" ? stmt.alias() : stmt.subquery();
      expect(ws(String(grouped))).toBe("SELECT mytable.myid, mytable.name, mytable.description FROM mytable WHERE mytable.myid = :myid_1");
    });
  it("test_returning", () => {
    expect(ws(String(insert(table1).returning(table1.c.myid)))).toBe("INSERT INTO mytable (myid, name, description) VALUES (:myid, :name, :description) RETURNING mytable.myid");
  });
});

describe("BindParameterTest (test_compiler.py): literal LIMIT / OFFSET", () => {
  it("test_limit_offset_select_literal_binds", () => {
    assertCompile(select(1).limit(5).offset(6), "SELECT 1 LIMIT 5 OFFSET 6", { literalBinds: true });
  });
  it("test_limit_offset_compound_select_literal_binds", () => {
    assertCompile(select(1).union(select(2)).limit(5).offset(6), "SELECT 1 UNION SELECT 2 LIMIT 5 OFFSET 6", { literalBinds: true });
  });
  it("test_fetch_offset_select_literal_binds", () => {
    assertCompile(select(1).fetch(5).offset(6), "SELECT 1 OFFSET 6 ROWS FETCH FIRST 5 ROWS ONLY", { literalBinds: true });
  });
  it("test_fetch_offset_compound_select_literal_binds", () => {
    assertCompile(select(1).union(select(2)).fetch(5).offset(6), "SELECT 1 UNION SELECT 2 OFFSET 6 ROWS FETCH FIRST 5 ROWS ONLY", { literalBinds: true });
  });
  it("test_multiple_col_binds", () => {
    assertCompile(
      select(literalColumn("*")).where(or(table1.c.myid.eq(12), table1.c.myid.eq(13), table1.c.myid.eq(14))),
      "SELECT * FROM mytable WHERE mytable.myid = :myid_1 OR mytable.myid = :myid_2 OR mytable.myid = :myid_3",
    );
  });
});

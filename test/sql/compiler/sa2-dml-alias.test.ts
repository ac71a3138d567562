/**
 * UPDATE and DELETE of a table alias (SQLAlchemy's test_update.py / test_delete.py alias tests):
 * `UPDATE mytable AS t1 SET … WHERE t1.myid = …`, compiled on each dialect and run on real
 * PostgreSQL and libSQL; INSERT refuses an alias.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError, Column, createAsyncEngine, delete_, insert, Integer, MetaData, select, String, Table, update, type AsyncEngine,
} from "../../../src/index.js";
import { generateCacheKey } from "../../../src/sql/cache-key.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { assertCompile, mytable as table1 } from "./helpers.js";

describe("UPDATE / DELETE of an alias: SQL", () => {
  const t1 = table1.alias("t1");
  it("update(alias) renders the table with AS and the alias in WHERE", () => {
    assertCompile(update(t1).where(t1.c.myid.eq(7)).values({ name: "fred" }), "UPDATE mytable AS t1 SET name=:name WHERE t1.myid = :myid_1");
    assertCompile(
      update(t1).where(t1.c.myid.eq(7)).values({ name: "fred" }),
      "UPDATE mytable AS t1 SET name=$1 WHERE t1.myid = $2",
      { dialect: "postgresql" },
    );
  });
  it("values keyed by the alias's columns set the table's columns", () => {
    assertCompile(update(t1).values(new Map([[t1.c.name, "x"]])), "UPDATE mytable AS t1 SET name=:name");
  });
  it("delete(alias) renders DELETE FROM table AS alias", () => {
    assertCompile(delete_(t1).where(t1.c.myid.eq(7)), "DELETE FROM mytable AS t1 WHERE t1.myid = :myid_1");
    assertCompile(delete_(t1).where(t1.c.myid.eq(7)), "DELETE FROM mytable AS t1 WHERE t1.myid = ?", { dialect: "sqlite" });
  });
  it("an anonymous alias gets its anonymous name", () => {
    const a = table1.alias();
    assertCompile(delete_(a).where(a.c.myid.eq(1)), "DELETE FROM mytable AS mytable_1 WHERE mytable_1.myid = :myid_1");
  });
  it("two aliases with different names do not share a compiled form", () => {
    const a = update(table1.alias("a")).values({ name: "x" });
    const b = update(table1.alias("b")).values({ name: "x" });
    expect(a.toString()).toBe("UPDATE mytable AS a SET name=:name");
    expect(b.toString()).toBe("UPDATE mytable AS b SET name=:name");
    expect(generateCacheKey(a).key).not.toBe(generateCacheKey(b).key);
    expect(generateCacheKey(a).key).toBe(generateCacheKey(update(table1.alias("a")).values({ name: "y" })).key);
  });
  it("insert() refuses an alias", () => {
    expect(() => insert(t1 as never)).toThrow(ArgumentError);
  });
});

describe.each(dialectTargets())("UPDATE / DELETE of an alias on $name", (target) => {
  const md = new MetaData();
  const items = Table(uniqueName("sa_alias_dml"), md, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    name: Column(String(20)),
  });
  let engine: AsyncEngine;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    engine = createAsyncEngine(d.driver);
    cleanup = async () => {
      await engine.dispose();
      await d.cleanup();
    };
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(insert(items).values([{ id: 1, name: "a" }, { id: 2, name: "b" }, { id: 3, name: "c" }]));
    });
  });
  afterAll(async () => {
    await engine.begin((conn) => md.dropAll(conn));
    await cleanup();
  });

  it("updates and deletes the rows the alias's criteria match", async () => {
    const it1 = items.alias("it1");
    const rows = await engine.begin(async (conn) => {
      const u = await conn.execute(update(it1).where(it1.c.id.eq(2)).values({ name: "bee" }));
      const d = await conn.execute(delete_(it1).where(it1.c.id.eq(3)));
      expect([u.rowsAffected, d.rowsAffected]).toEqual([1, 1]);
      return (await conn.execute(select(items.c.id, items.c.name).orderBy(items.c.id))).all().map((r) => [...r]);
    });
    expect(rows).toEqual([[1, "a"], [2, "bee"]]);
  });
});

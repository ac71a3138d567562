/**
 * SQL-expression defaults and onupdates render inline, ported from SQLAlchemy's
 * test/orm/test_unitofworkv2.py (`test_clientsql_update_defaults_nonpresent`, Core form of its
 * `onupdate=text("5 + 3")` table) and test/sql/test_defaults.py; and a sequence's next value on
 * SQLite (SQLCompiler.visit_sequence).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Column, CompileError, createAsyncEngine, func, insert, Integer, MetaData, select, Sequence, Table, text, update, type AsyncEngine,
} from "../../../src/index.js";
import { assertCompile, compile } from "./helpers.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";

function test4(name = "test4") {
  const md = new MetaData();
  return Table(name, md, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    foo: Column(Integer),
    bar: Column(Integer, { onupdate: text("5 + 3") }),
  });
}

describe("SQL-expression onupdate / default render inline", () => {
  it("test_clientsql_update_defaults_nonpresent (UPDATE SET bar=5 + 3)", () => {
    const t = test4();
    assertCompile(update(t).values({ foo: 5 }).where(t.c.id.eq(1)), "UPDATE test4 SET foo=:foo, bar=5 + 3 WHERE test4.id = :id_1",
      { params: { foo: 5, id_1: 1 } });
    // A value given for the column wins over its onupdate.
    assertCompile(update(t).values({ foo: 6, bar: 10 }).where(t.c.id.eq(2)), "UPDATE test4 SET foo=:foo, bar=:bar WHERE test4.id = :id_1",
      { params: { foo: 6, bar: 10, id_1: 2 } });
  });

  it("test_update_defaults_present_as_expr (Core form: a text() SET value replaces the onupdate)", () => {
    const t = test4("test2");
    assertCompile(update(t).values({ foo: 5, bar: text("1 + 1") }).where(t.c.id.eq(1)), "UPDATE test2 SET foo=:foo, bar=1 + 1 WHERE test2.id = :id_1",
      { params: { foo: 5, id_1: 1 } });
  });

  it("test_text_clause_default_no_type (INSERT VALUES renders the text())", () => {
    const md = new MetaData();
    const t = Table("t", md, { id: Column(Integer, { primaryKey: true }), x: Column(Integer, { default: text("1") }), y: Column(Integer, { onupdate: func.now() }) });
    assertCompile(insert(t).values({ id: 5 }), "INSERT INTO t (id, x) VALUES (:id, 1)", { params: { id: 5 } });
    assertCompile(update(t).values({ x: 2 }), "UPDATE t SET x=:x, y=now()");
  });
});

describe("Sequence next value on SQLite", () => {
  it("visit_sequence: Dialect 'sqlite' does not support sequence increments.", () => {
    const seq = Sequence("my_seq");
    let err: unknown;
    try {
      compile(select(seq.nextValue()), "sqlite");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CompileError);
    expect((err as Error).message).toBe("Dialect 'sqlite' does not support sequence increments.");
  });
});

describe.each(dialectTargets())("SQL-expression onupdate on $name", (target) => {
  const t = test4(uniqueName("sa4_test4"));
  let engine: AsyncEngine;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    engine = createAsyncEngine(d.driver);
    cleanup = async () => {
      await engine.dispose();
      await d.cleanup();
    };
    await engine.begin((conn) => t.metadata.createAll(conn));
  });
  afterAll(async () => {
    await engine.begin((conn) => t.metadata.dropAll(conn));
    await cleanup();
  });

  it("test_clientsql_update_defaults_nonpresent, live", async () => {
    await engine.begin(async (conn) => {
      await conn.execute(insert(t).values([{ id: 1, foo: 1 }, { id: 2, foo: 2 }]));
      await conn.execute(update(t).values({ foo: 5 }).where(t.c.id.eq(1)));
      await conn.execute(update(t).values({ foo: 6, bar: 10 }).where(t.c.id.eq(2)));
      const rows = (await conn.execute(select(t.c.id, t.c.foo, t.c.bar).orderBy(t.c.id))).all().map((r) => [...r]);
      expect(rows).toEqual([[1, 5, 8], [2, 6, 10]]);
    });
  });
});

describe("Sequence next value in a SELECT", () => {
  it("test_func_embedded_select (nextval labelled after the next_value function)", () => {
    assertCompile(select(Sequence("my_seq").nextValue()), "SELECT nextval('my_seq') AS next_value_1", { dialect: "postgresql" });
  });
});

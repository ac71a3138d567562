/**
 * SQLAlchemy's test/dialect/postgresql/test_compiler.py, non-DDL cases athanor has the
 * constructs for, in athanor's `$n` form: FOR UPDATE OF joins / aliases / text / schema tables /
 * inside LATERAL, DISTINCT ON (DistinctOnTest), full-text MATCH, regular expressions.
 */
import { describe, it } from "vitest";
import {
  Column, Integer, MetaData, String, Table, column, func, literalColumn, not, select, table, text,
} from "../../../src/index.js";
import { assertCompile } from "./helpers.js";

const pg = { dialect: "postgresql" } as const;
const table1 = table("mytable", column("myid", Integer()), column("name", String()), column("description", String()));

describe("CompileTest.test_for_update (postgresql)", () => {
  const base = "SELECT mytable.myid, mytable.name, mytable.description FROM mytable WHERE mytable.myid = $1";
  const s = table1.select().where(table1.c.myid.eq(7));
  it("FOR NO KEY UPDATE / FOR KEY SHARE with OF and SKIP LOCKED", () => {
    assertCompile(s.withForUpdate({ keyShare: true }), `${base} FOR NO KEY UPDATE`, pg);
    assertCompile(s.withForUpdate({ read: true, keyShare: true }), `${base} FOR KEY SHARE`, pg);
    assertCompile(s.withForUpdate({ read: true, keyShare: true, of: [table1] }), `${base} FOR KEY SHARE OF mytable`, pg);
    assertCompile(s.withForUpdate({ read: true, of: [table1] }), `${base} FOR SHARE OF mytable`, pg);
    assertCompile(s.withForUpdate({ read: true, keyShare: true, skipLocked: true }), `${base} FOR KEY SHARE SKIP LOCKED`, pg);
    assertCompile(s.withForUpdate({ keyShare: true, skipLocked: true }), `${base} FOR NO KEY UPDATE SKIP LOCKED`, pg);
    assertCompile(s.withForUpdate({ keyShare: true, read: true, nowait: true, of: [table1] }), `${base} FOR KEY SHARE OF mytable NOWAIT`, pg);
    assertCompile(s.withForUpdate({ read: true, skipLocked: true, of: [table1.c.myid, table1.c.name], keyShare: true }), `${base} FOR KEY SHARE OF mytable SKIP LOCKED`, pg);
    assertCompile(s.withForUpdate({ skipLocked: true, of: [table1.c.myid, table1.c.name] }), `${base} FOR UPDATE OF mytable SKIP LOCKED`, pg);
  });
  it("OF an anonymous alias", () => {
    const ta = table1.alias();
    assertCompile(
      ta.select().where(ta.c.myid.eq(7)).withForUpdate({ of: [ta.c.myid, ta.c.name] }),
      "SELECT mytable_1.myid, mytable_1.name, mytable_1.description FROM mytable AS mytable_1 WHERE mytable_1.myid = $1 FOR UPDATE OF mytable_1",
      pg,
    );
  });
  it("OF a join names its tables", () => {
    const table2 = table("table2", column("mytable_id", Integer()));
    const j = table2.join(table1, table2.c.mytable_id.eq(table1.c.myid));
    assertCompile(
      j.select().where(table2.c.mytable_id.eq(7)).withForUpdate({ of: [j] }),
      "SELECT table2.mytable_id, mytable.myid, mytable.name, mytable.description FROM table2 JOIN mytable ON table2.mytable_id = mytable.myid " +
        "WHERE table2.mytable_id = $1 FOR UPDATE OF mytable, table2",
      pg,
    );
    const ta = table1.alias();
    const j2 = table2.join(ta, table2.c.mytable_id.eq(ta.c.myid));
    assertCompile(
      j2.select().where(table2.c.mytable_id.eq(7)).withForUpdate({ of: [j2] }),
      "SELECT table2.mytable_id, mytable_1.myid, mytable_1.name, mytable_1.description FROM table2 JOIN mytable AS mytable_1 ON table2.mytable_id = mytable_1.myid " +
        "WHERE table2.mytable_id = $1 FOR UPDATE OF mytable_1, table2",
      pg,
    );
  });
  it("OF text() and literalColumn()", () => {
    assertCompile(s.withForUpdate({ of: [text("table1")] as never }), `${base} FOR UPDATE OF table1`, pg);
    assertCompile(s.withForUpdate({ of: [literalColumn("table1")] }), `${base} FOR UPDATE OF table1`, pg);
  });
  it("FOR UPDATE OF inside a LATERAL subquery (#12417)", () => {
    const subquery = select(table1.c.myid).withForUpdate({ of: [table1] }).lateral();
    assertCompile(select(subquery.c.myid), "SELECT anon_1.myid FROM LATERAL (SELECT mytable.myid AS myid FROM mytable FOR UPDATE OF mytable) AS anon_1", pg);
  });
  it("test_for_update_with_schema", () => {
    const t = Table("mytable", new MetaData(), { myid: Column(Integer), name: Column(String) }, { schema: "testschema" });
    assertCompile(
      t.select().where(t.c.myid.eq(7)).withForUpdate({ of: [t] }),
      "SELECT testschema.mytable.myid, testschema.mytable.name FROM testschema.mytable WHERE testschema.mytable.myid = $1 FOR UPDATE OF mytable",
      pg,
    );
  });
});

describe("DistinctOnTest (postgresql)", () => {
  const t = Table("t", new MetaData(), { id: Column(Integer, { primaryKey: true }), a: Column(String), b: Column(String) });
  it("test_distinct_on_no_cols", () => {
    assertCompile(select(t).distinct(), "SELECT DISTINCT t.id, t.a, t.b FROM t", pg);
  });
  it("test_distinct_on_cols", () => {
    assertCompile(select(t).distinct(t.c.a), "SELECT DISTINCT ON (t.a) t.id, t.a, t.b FROM t", pg);
    assertCompile(t.select().distinct(t.c.a, t.c.b), "SELECT DISTINCT ON (t.a, t.b) t.id, t.a, t.b FROM t", pg);
  });
  it("test_distinct_on_columns_generative_multi_call", () => {
    assertCompile(select(t).distinct(t.c.a).distinct(t.c.b), "SELECT DISTINCT ON (t.a, t.b) t.id, t.a, t.b FROM t", pg);
  });
  it("test_distinct_on_subquery_anon", () => {
    const sq = select(t).alias();
    assertCompile(
      select(t.c.id, sq.c.id).distinct(sq.c.id).where(t.c.id.eq(sq.c.id)),
      "SELECT DISTINCT ON (anon_1.id) t.id, anon_1.id AS id_1 FROM t, (SELECT t.id AS id, t.a AS a, t.b AS b FROM t) AS anon_1 WHERE t.id = anon_1.id",
      pg,
    );
  });
  it("test_distinct_on_subquery_named", () => {
    const sq = select(t).alias("sq");
    assertCompile(
      select(t.c.id, sq.c.id).distinct(sq.c.id).where(t.c.id.eq(sq.c.id)),
      "SELECT DISTINCT ON (sq.id) t.id, sq.id AS id_1 FROM t, (SELECT t.id AS id, t.a AS a, t.b AS b FROM t) AS sq WHERE t.id = sq.id",
      pg,
    );
  });
  it("test_distinct_on_literal_binds", () => {
    assertCompile(select(t).distinct(t.c.a.eq("10")), "SELECT DISTINCT ON (t.a = '10') t.id, t.a, t.b FROM t", { ...pg, literalBinds: true });
  });
});

describe("FullTextSearchTest / RegexpTest (postgresql)", () => {
  const alt = table("mytable", column("id", Integer()), column("title", String(128)), column("body", String(128)));
  it("test_match_basic", () => {
    assertCompile(select(alt.c.id).where(alt.c.title.match("somestring")), "SELECT mytable.id FROM mytable WHERE mytable.title @@ plainto_tsquery($1)", pg);
  });
  it("test_match_tsvector", () => {
    assertCompile(
      select(alt.c.id).where(func.to_tsvector(alt.c.title).match("somestring")),
      "SELECT mytable.id FROM mytable WHERE to_tsvector(mytable.title) @@ plainto_tsquery($1)",
      pg,
    );
  });
  const rt = table("mytable", column("myid", String()), column("name", String()));
  it("test_regexp_match / not / flags", () => {
    assertCompile(rt.c.myid.regexpMatch("pattern"), "mytable.myid ~ $1", pg);
    assertCompile(rt.c.myid.regexpMatch(rt.c.name), "mytable.myid ~ mytable.name", pg);
    assertCompile(rt.c.myid.regexpMatch("pattern", "ig"), "mytable.myid ~ CONCAT('(?', 'ig', ')', $1)", pg);
    assertCompile(rt.c.myid.regexpMatch("pattern", "i"), "mytable.myid ~* $1", pg);
    assertCompile(not(rt.c.myid.regexpMatch("pattern")), "mytable.myid !~ $1", pg);
    assertCompile(not(rt.c.myid.regexpMatch("pattern", "i")), "mytable.myid !~* $1", pg);
    assertCompile(not(rt.c.myid.regexpMatch("pattern", "ig")), "mytable.myid !~ CONCAT('(?', 'ig', ')', $1)", pg);
  });
  it("test_regexp_replace", () => {
    assertCompile(rt.c.myid.regexpReplace("pattern", "replacement"), "REGEXP_REPLACE(mytable.myid, $1, $2)", pg);
    assertCompile(rt.c.myid.regexpReplace("pattern", "replacement", "ig"), "REGEXP_REPLACE(mytable.myid, $1, $2, 'ig')", pg);
  });
});

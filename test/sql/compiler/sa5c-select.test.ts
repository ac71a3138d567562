/**
 * SQLAlchemy's test/sql/test_compiler.py SelectTest, ported where athanor has the API: LIMIT /
 * OFFSET / FETCH rendering, labels of keyed columns (`Column("x", key="colx")`) through
 * subqueries, duplicate columns under each label style, nested label targeting.
 */
import { describe, expect, it } from "vitest";
import {
  Column, Integer, LABEL_STYLE_NONE, LABEL_STYLE_TABLENAME_PLUS_COL, MetaData, Table, bindparam, column, insert, literalColumn, select, table,
} from "../../../src/index.js";
import { assertCompile, compile, mytable as table1, myothertable as table2 } from "./helpers.js";

const keyedTable = () => Table("keyed", new MetaData(), { colx: Column(Integer, { name: "x" }), coly: Column(Integer, { name: "y" }), z: Column(Integer) });

describe("SelectTest (test_compiler.py): LIMIT / OFFSET / FETCH", () => {
  it("test_table_select", () => {
    assertCompile(table1.select(), "SELECT mytable.myid, mytable.name, mytable.description FROM mytable");
    assertCompile(
      select(table1, table2),
      "SELECT mytable.myid, mytable.name, mytable.description, myothertable.otherid, myothertable.othername FROM mytable, myothertable",
    );
  });
  it("test_limit_offset_no_int_coercion_one", () => {
    assertCompile(select(1).limit(literalColumn("Q")).offset(literalColumn("Y")), "SELECT 1 LIMIT Q OFFSET Y");
    assertCompile(select(1).limit(bindparam("x")).offset(bindparam("y")), "SELECT 1 LIMIT :x OFFSET :y");
  });
  const limitCases: [number | ReturnType<typeof column> | ReturnType<typeof literalColumn> | null, number | ReturnType<typeof column> | ReturnType<typeof literalColumn> | null, string, Record<string, unknown>][] = [
    [5, 10, "LIMIT :param_1 OFFSET :param_2", { param_1: 5, param_2: 10 }],
    [null, 10, "LIMIT -1 OFFSET :param_1", { param_1: 10 }],
    [5, null, "LIMIT :param_1", { param_1: 5 }],
    [0, 0, "LIMIT :param_1 OFFSET :param_2", { param_1: 0, param_2: 0 }],
    [literalColumn("Q"), literalColumn("Y"), "LIMIT Q OFFSET Y", {}],
    [column("Q"), column("Y"), 'LIMIT "Q" OFFSET "Y"', {}],
  ];
  it.each(limitCases)("test_limit_offset (%#)", (lim, off, exp, params) => {
    assertCompile(select(1).limit(lim).offset(off), `SELECT 1 ${exp}`, { params });
  });
  const fetchCases: [unknown, unknown, { percent?: boolean; withTies?: boolean }, string, Record<string, unknown>][] = [
    [5, 10, {}, "OFFSET :param_1 ROWS FETCH FIRST :param_2 ROWS ONLY", { param_1: 10, param_2: 5 }],
    [null, 10, {}, "LIMIT -1 OFFSET :param_1", { param_1: 10 }],
    [5, null, {}, "FETCH FIRST :param_1 ROWS ONLY", { param_1: 5 }],
    [0, 0, {}, "OFFSET :param_1 ROWS FETCH FIRST :param_2 ROWS ONLY", { param_1: 0, param_2: 0 }],
    [5, 10, { percent: true }, "OFFSET :param_1 ROWS FETCH FIRST :param_2 PERCENT ROWS ONLY", { param_1: 10, param_2: 5 }],
    [5, 10, { percent: true, withTies: true }, "OFFSET :param_1 ROWS FETCH FIRST :param_2 PERCENT ROWS WITH TIES", { param_1: 10, param_2: 5 }],
    [5, 10, { withTies: true }, "OFFSET :param_1 ROWS FETCH FIRST :param_2 ROWS WITH TIES", { param_1: 10, param_2: 5 }],
    [literalColumn("Q"), literalColumn("Y"), {}, "OFFSET Y ROWS FETCH FIRST Q ROWS ONLY", {}],
    [column("Q"), column("Y"), {}, 'OFFSET "Y" ROWS FETCH FIRST "Q" ROWS ONLY', {}],
    [bindparam("Q", 3), bindparam("Y", 7), {}, "OFFSET :Y ROWS FETCH FIRST :Q ROWS ONLY", { Q: 3, Y: 7 }],
    [literalColumn("Q").add(literalColumn("Z")), literalColumn("Y").add(literalColumn("W")), {}, "OFFSET Y + W ROWS FETCH FIRST Q + Z ROWS ONLY", {}],
  ];
  it.each(fetchCases)("test_fetch (%#)", (fetch, off, kw, exp, params) => {
    assertCompile(select(1).fetch(fetch as number, kw).offset(off as number), `SELECT 1 ${exp}`, { params });
  });
  it("test_limit_fetch_interaction", () => {
    assertCompile(select(1).limit(42).fetch(1), "SELECT 1 FETCH FIRST :param_1 ROWS ONLY", { params: { param_1: 1 } });
    assertCompile(select(1).fetch(42).limit(1), "SELECT 1 LIMIT :param_1", { params: { param_1: 1 } });
    assertCompile(select(1).limit(42).offset(7).fetch(1), "SELECT 1 OFFSET :param_1 ROWS FETCH FIRST :param_2 ROWS ONLY", { params: { param_1: 7, param_2: 1 } });
    assertCompile(select(1).fetch(1).slice(2, 5), "SELECT 1 LIMIT :param_1 OFFSET :param_2", { params: { param_1: 3, param_2: 2 } });
    assertCompile(select(1).slice(2, 5).fetch(1), "SELECT 1 OFFSET :param_1 ROWS FETCH FIRST :param_2 ROWS ONLY", { params: { param_1: 2, param_2: 1 } });
  });
});

describe("select() literal coercions (SQLAlchemy's ColumnsClauseImpl)", () => {
  it("numbers and '*' render as written", () => {
    assertCompile(select(1), "SELECT 1");
    assertCompile(select("*").selectFrom(table1), "SELECT * FROM mytable");
    assertCompile(select(1).where(table1.c.myid.eq(5)), "SELECT 1 FROM mytable WHERE mytable.myid = :myid_1");
  });
});

describe("SelectTest (test_compiler.py): keyed columns and duplicate labels", () => {
  it("test_use_labels_keyed", () => {
    const keyed = keyedTable();
    assertCompile(select(keyed), "SELECT keyed.x, keyed.y, keyed.z FROM keyed");
    assertCompile(select(keyed).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL), "SELECT keyed.x AS keyed_x, keyed.y AS keyed_y, keyed.z AS keyed_z FROM keyed");
    assertCompile(
      select(select(keyed).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL).subquery()).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL),
      "SELECT anon_1.keyed_x AS anon_1_keyed_x, anon_1.keyed_y AS anon_1_keyed_y, anon_1.keyed_z AS anon_1_keyed_z " +
        "FROM (SELECT keyed.x AS keyed_x, keyed.y AS keyed_y, keyed.z AS keyed_z FROM keyed) AS anon_1",
    );
  });
  it("test_anon_param_name_on_keys", () => {
    const keyed = keyedTable();
    assertCompile(insert(keyed), "INSERT INTO keyed (x, y, z) VALUES (:colx, :coly, :z)");
    assertCompile(keyed.c.coly.eq(5), "keyed.y = :coly_1", { params: { coly_1: 5 } });
  });
  it("a keyed column is found by key in a subquery, and renders by name", () => {
    const keyed = keyedTable();
    const sq = select(keyed).subquery();
    expect(sq.columnList.map((c) => [c.key, c.name])).toEqual([["colx", "x"], ["coly", "y"], ["z", "z"]]);
    assertCompile(
      select(sq.c.colx, sq.c.z).where(sq.c.coly.eq(3)),
      "SELECT anon_1.x, anon_1.z FROM (SELECT keyed.x AS x, keyed.y AS y, keyed.z AS z FROM keyed) AS anon_1 WHERE anon_1.y = :coly_1",
    );
    const cte = select(keyed.c.colx).cte("c");
    assertCompile(select(cte.c.colx), "WITH c AS (SELECT keyed.x AS x FROM keyed) SELECT c.x FROM c");
    const labelled = select(keyed).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL).subquery();
    expect(labelled.columnList.map((c) => [c.key, c.name])).toEqual([["keyed_colx", "keyed_x"], ["keyed_coly", "keyed_y"], ["keyed_z", "keyed_z"]]);
  });
  it("test_dupe_columns", () => {
    assertCompile(select(table1.c.myid, table1.c.myid, table1.c.name), "SELECT mytable.myid, mytable.myid AS myid__1, mytable.name FROM mytable");
    const a = column("a");
    const b = column("b");
    assertCompile(select(a, b, b, b, a, a), "SELECT a, b, b, b, a, a");
    const md = new MetaData();
    const t = Table("t", md, { b: Column(Integer, { name: "a" }), b2: Column(Integer, { name: "b" }), a: Column(Integer, { name: "c" }) });
    void t;
    assertCompile(select(bindparam("a"), bindparam("b"), bindparam("c")), "SELECT :a AS anon_1, :b AS anon_2, :c AS anon_3");
    assertCompile(select(column("a"), column("a"), column("a")), "SELECT a, a, a");
    const c = compile(select(bindparam("a"), bindparam("b"), bindparam("c")), "sqlite");
    expect(c.sql).toBe("SELECT ? AS anon_1, ? AS anon_2, ? AS anon_3");
  });
  it("test_overlapping_labels_use_labels", () => {
    const foo = table("foo", column("id"), column("bar_id"));
    const fooBar = table("foo_bar", column("id"));
    assertCompile(
      select(foo, fooBar).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL),
      "SELECT foo.id AS foo_id, foo.bar_id AS foo_bar_id, foo_bar.id AS foo_bar_id_1 FROM foo, foo_bar",
    );
  });
  const dupesSql =
    "SELECT foo.id AS foo_id, foo.bar_id AS foo_bar_id, foo_bar.id AS foo_bar_id_1, foo.bar_id AS foo_bar_id__1, foo.id AS foo_id__1, " +
    "foo.bar_id AS foo_bar_id__2, foo_bar.id AS foo_bar_id__3, foo_bar.id AS foo_bar_id__4 FROM foo, foo_bar";
  it("test_overlapping_labels_plus_dupes_use_labels", () => {
    const foo = table("foo", column("id"), column("bar_id"));
    const fooBar = table("foo_bar", column("id"));
    const stmt = select(foo.c.id, foo.c.bar_id, fooBar.c.id, foo.c.bar_id, foo.c.id, foo.c.bar_id, fooBar.c.id, fooBar.c.id).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL);
    assertCompile(stmt, dupesSql);
    assertCompile(
      select(stmt.subquery()).setLabelStyle(LABEL_STYLE_NONE),
      "SELECT anon_1.foo_id, anon_1.foo_bar_id, anon_1.foo_bar_id_1, anon_1.foo_bar_id, anon_1.foo_id, anon_1.foo_bar_id, anon_1.foo_bar_id_1, " +
        `anon_1.foo_bar_id_1 FROM (${dupesSql}) AS anon_1`,
    );
  });
  it("test_overlapping_labels_plus_dupes_separate_keys_use_labels", () => {
    const m = new MetaData();
    const foo = Table("foo", m, { id: Column(Integer), bb: Column(Integer, { name: "bar_id" }) });
    const fooBar = Table("foo_bar", m, { bb: Column(Integer, { name: "id" }) });
    const stmt = select(foo.c.id, foo.c.bb, fooBar.c.bb, foo.c.bb, foo.c.id, foo.c.bb, fooBar.c.bb, fooBar.c.bb).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL);
    expect(stmt.subquery().columnList.map((c) => c.key)).toEqual([
      "foo_id", "foo_bb", "foo_bar_bb", "foo_bb_1", "foo_id_1", "foo_bb_1", "foo_bar_bb_1", "foo_bar_bb_1",
    ]);
    assertCompile(stmt, dupesSql);
  });
  it("test_dupe_columns_use_labels", () => {
    const t = table("t", column("a"), column("b"));
    assertCompile(select(t.c.a, t.c.a, t.c.b, t.c.a).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL), "SELECT t.a AS t_a, t.a AS t_a__1, t.b AS t_b, t.a AS t_a__2 FROM t");
  });
  it("test_dupe_columns_use_labels_derived_selectable", () => {
    const t = table("t", column("a"), column("b"));
    const stmt = select(t.c.a, t.c.a, t.c.b, t.c.a).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL).subquery();
    assertCompile(
      select(stmt).setLabelStyle(LABEL_STYLE_NONE),
      "SELECT anon_1.t_a, anon_1.t_a, anon_1.t_b, anon_1.t_a FROM (SELECT t.a AS t_a, t.a AS t_a__1, t.b AS t_b, t.a AS t_a__2 FROM t) AS anon_1",
    );
  });
  it("test_dupe_columns_use_labels_from_anon", () => {
    const t = table("t", column("a"), column("b"));
    const a = t.alias();
    assertCompile(
      select(a.c.a, a.c.a, a.c.b, a.c.a).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL),
      "SELECT t_1.a AS t_1_a, t_1.a AS t_1_a__1, t_1.b AS t_1_b, t_1.a AS t_1_a__2 FROM t AS t_1",
    );
  });
  it("test_nested_label_targeting", () => {
    const s4 = select(table1.select().alias()).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL).alias();
    assertCompile(
      select(s4).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL),
      "SELECT anon_1.anon_2_myid AS anon_1_anon_2_myid, anon_1.anon_2_name AS anon_1_anon_2_name, anon_1.anon_2_description AS anon_1_anon_2_description " +
        "FROM (SELECT anon_2.myid AS anon_2_myid, anon_2.name AS anon_2_name, anon_2.description AS anon_2_description " +
        "FROM (SELECT mytable.myid AS myid, mytable.name AS name, mytable.description AS description FROM mytable) AS anon_2) AS anon_1",
    );
  });
  it("test_nested_label_targeting_keyed", () => {
    const keyed = keyedTable();
    const s3 = select(keyed.select().alias()).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL);
    assertCompile(s3, "SELECT anon_1.x AS anon_1_x, anon_1.y AS anon_1_y, anon_1.z AS anon_1_z FROM (SELECT keyed.x AS x, keyed.y AS y, keyed.z AS z FROM keyed) AS anon_1");
    const s5 = select(s3.alias()).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL);
    assertCompile(
      s5,
      "SELECT anon_1.anon_2_x AS anon_1_anon_2_x, anon_1.anon_2_y AS anon_1_anon_2_y, anon_1.anon_2_z AS anon_1_anon_2_z " +
        "FROM (SELECT anon_2.x AS anon_2_x, anon_2.y AS anon_2_y, anon_2.z AS anon_2_z FROM (SELECT keyed.x AS x, keyed.y AS y, keyed.z AS z FROM keyed) AS anon_2) AS anon_1",
    );
  });
  it.each(["per cent", "per % cent", "%percent"])("test_percent_names_collide_with_anonymizing (%s)", (name) => {
    const t1 = table("t1", column(name));
    const jj = select(t1.c[name]).subquery();
    const j2 = t1.join(jj, t1.c[name].eq(jj.c[name])).select().setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL).subquery("foo");
    assertCompile(
      j2.select(),
      `SELECT foo."t1_${name}", foo."anon_1_${name}" FROM (SELECT t1."${name}" AS "t1_${name}", anon_1."${name}" AS "anon_1_${name}" FROM t1 ` +
        `JOIN (SELECT t1."${name}" AS "${name}" FROM t1) AS anon_1 ON t1."${name}" = anon_1."${name}") AS foo`,
    );
  });
});

describe("WithLabelsTest (test_selectable.py): repeated columns through a subquery", () => {
  it("test_columns_repeated_identity_subquery_disambiguate", () => {
    const t1 = Table("t1", new MetaData(), { x: Column(Integer), y: Column(Integer) });
    const sel = select(t1.c.x, t1.c.y, t1.c.x, t1.c.x, t1.c.x).setLabelStyle(LABEL_STYLE_NONE);
    assertCompile(
      select(sel.subquery()),
      "SELECT anon_1.x, anon_1.y, anon_1.x AS x_1, anon_1.x AS x_2, anon_1.x AS x_3 FROM " +
        "(SELECT t1.x AS x, t1.y AS y, t1.x AS x__1, t1.x AS x__2, t1.x AS x__3 FROM t1) AS anon_1",
    );
  });
  it("test_element_repeated_labels: subquery keys", () => {
    const t1 = Table("t1", new MetaData(), { x: Column(Integer), y: Column(Integer) });
    const sel = select(t1.c.x, t1.c.y, t1.c.x).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL);
    expect(sel.subquery().columnList.map((c) => c.key)).toEqual(["t1_x", "t1_y", "t1_x_1"]);
  });
  it("test_labels_overlap_keylabels_dont", () => {
    const m = new MetaData();
    const t1 = Table("t", m, { a: Column(Integer, { name: "x_id" }) });
    const t2 = Table("t_x", m, { b: Column(Integer, { name: "id" }) });
    const sel = select(t1, t2);
    expect(sel.subquery().columnList.map((c) => c.key)).toEqual(["a", "b"]);
    const labelled = sel.setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL);
    expect(labelled.subquery().columnList.map((c) => c.key)).toEqual(["t_a", "t_x_b"]);
    expect(compile(labelled).resultColumns.map((r) => r.key)).toEqual(["t_x_id", "t_x_id_1"]);
  });
});

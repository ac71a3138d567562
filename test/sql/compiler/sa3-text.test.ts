/**
 * SQLAlchemy's test/sql/test_text.py, ported: text() with bound parameters, escaping, and
 * TextualSelect (`text().columns()`) as a statement, subquery, alias, CTE, union and scalar
 * subquery.
 */
import { describe, expect, it } from "vitest";
import {
  ArgumentError, Column, Float, Integer, LABEL_STYLE_DISAMBIGUATE_ONLY, LABEL_STYLE_NONE, LABEL_STYLE_TABLENAME_PLUS_COL, MetaData, String, Table, and,
  bindparam, column, extract, func, literal, literalColumn, select, table, text, union, type LabelStyle,
} from "../../../src/index.js";
import { assertCompile, compile, mytable as table1, myothertable as table2 } from "./helpers.js";

describe("CompileTest (test_text.py)", () => {
  it("test_basic", () => {
    assertCompile(text("select * from foo where lala = bar"), "select * from foo where lala = bar");
  });
});

describe("BindParamTest (test_text.py)", () => {
  it("test_positional", () => {
    const t = text("select * from foo where lala=:bar and hoho=:whee").bindparams([bindparam("bar", 4), bindparam("whee", 7)]);
    assertCompile(t, "select * from foo where lala=:bar and hoho=:whee", { params: { bar: 4, whee: 7 } });
  });

  it("test_kw", () => {
    const t = text("select * from foo where lala=:bar and hoho=:whee").bindparams({ bar: 4, whee: 7 });
    assertCompile(t, "select * from foo where lala=:bar and hoho=:whee", { params: { bar: 4, whee: 7 } });
  });

  it("test_positional_plus_kw", () => {
    const t = text("select * from foo where lala=:bar and hoho=:whee").bindparams([bindparam("bar", 4)]).bindparams({ whee: 7 });
    assertCompile(t, "select * from foo where lala=:bar and hoho=:whee", { params: { bar: 4, whee: 7 } });
  });

  it("test_literal_binds", () => {
    const t = text("select * from foo where lala=:bar and hoho=:whee").bindparams([bindparam("bar", 4)]).bindparams({ whee: "whee" });
    assertCompile(t, "select * from foo where lala=4 and hoho='whee'", { params: {}, literalBinds: true });
  });

  it("test_typing_construction", () => {
    let t = text("select * from table :foo :bar :bat");
    t = t.bindparams([bindparam("foo", undefined, String())]);
    expect(t.binds.get("foo")!.type.affinity).toBe(String().affinity);
    t = t.bindparams([bindparam("bar", undefined, Integer())]);
    expect(t.binds.get("bar")!.type.affinity).toBe(Integer().affinity);
    t = t.bindparams({ bat: 45.564 });
    expect(t.binds.get("foo")!.type.affinity).toBe(String().affinity);
    expect(t.binds.get("bat")!.type.affinity).toBe(Float().affinity);
  });

  it("test_binds_compiled_positional", () => {
    assertCompile(text("select * from foo where lala=:bar and hoho=:whee").bindparams({ bar: 4, whee: 7 }), "select * from foo where lala=? and hoho=?", {
      dialect: "sqlite",
      params: { bar: 4, whee: 7 },
    });
  });

  it("test_missing_bind_kw", () => {
    expect(() => text(":foo").bindparams({ foo: 5, bar: 7 })).toThrow(ArgumentError);
    expect(() => text(":foo").bindparams({ foo: 5, bar: 7 })).toThrow("This text() construct doesn't define a bound parameter named 'bar'");
  });

  it("test_missing_bind_posn", () => {
    expect(() => text(":foo").bindparams([bindparam("foo", 5), bindparam("bar", 7)])).toThrow(
      new ArgumentError("This text() construct doesn't define a bound parameter named 'bar'"),
    );
  });

  it("test_escaping_colons", () => {
    assertCompile(text("select * from foo where clock='05:06:07' and mork='\\:mindy'"), "select * from foo where clock='05:06:07' and mork=':mindy'", {
      dialect: "postgresql",
      params: {},
    });
  });

  it("test_escaping_double_colons", () => {
    assertCompile(text("SELECT * FROM pg_attribute WHERE attrelid = :tab\\:\\:regclass"), "SELECT * FROM pg_attribute WHERE attrelid = $1::regclass", {
      dialect: "postgresql",
      params: { tab: undefined },
    });
  });

  it("test_double_colons_dont_actually_need_escaping", () => {
    assertCompile(text("SELECT * FROM pg_attribute WHERE attrelid = foo::regclass"), "SELECT * FROM pg_attribute WHERE attrelid = foo::regclass", {
      dialect: "postgresql",
      params: {},
    });
  });

  it("test_escaping_percent_signs", () => {
    assertCompile(text("select '%' where foo like '%bar%'"), "select '%' where foo like '%bar%'", { dialect: "sqlite" });
  });

  it("test_percent_signs_literal_binds", () => {
    assertCompile(select(literal("percent % signs %%")), "SELECT 'percent % signs %%' AS anon_1", { dialect: "sqlite", literalBinds: true });
  });
});

describe("AsFromTest (test_text.py)", () => {
  const xy = () => {
    const m = new MetaData();
    return Table("t", m, { x: Column(Integer), y: Column(Integer) });
  };

  it("test_basic_toplevel_resultmap_positional", () => {
    const t = text("select id, name from user").columns(column("id", Integer()), column("name"));
    const c = compile(t);
    expect(c.resultColumns.map((r) => r.key)).toEqual(["id", "name"]);
    expect(c.resultColumns[0].element).toBe(t.selectedColumns[0]);
    expect(c.resultColumns[0].type).toBe(t.selectedColumns[0].type);
  });

  it("test_basic_toplevel_resultmap", () => {
    const t = text("select id, name from user").columns({ id: Integer, name: String });
    const c = compile(t);
    expect(c.resultColumns.map((r) => r.key)).toEqual(["id", "name"]);
    expect(c.resultColumns.map((r) => r.type.affinity)).toEqual([Integer().affinity, String().affinity]);
  });

  it("test_basic_subquery_resultmap", () => {
    const t = text("select id, name from user").columns({ id: Integer, name: String }).subquery();
    const c = compile(select(table1.c.myid).selectFrom(table1.join(t, table1.c.myid.eq(t.c.id))));
    expect(c.resultColumns.map((r) => r.key)).toEqual(["myid"]);
    expect(c.resultColumns[0].element).toBe(table1.c.myid);
  });

  it("test_column_collection_ordered", () => {
    const t = text("select a, b, c from foo").columns(column("a"), column("b"), column("c"));
    expect(t.selectedColumns.map((c) => c.key)).toEqual(["a", "b", "c"]);
  });

  it("test_select_label_alt_name", () => {
    const t = xy();
    const l1 = t.c.x.label("a");
    const l2 = t.c.y.label("b");
    const c = compile(text("select x AS a, y AS b FROM t").columns(l1, l2));
    const elements = c.resultColumns.map((r) => r.element);
    expect(elements).toContain(l1);
    expect(elements).not.toContain(t.c.x);
  });

  it("test_select_column", () => {
    const t = xy();
    const c = compile(text("select x, y FROM t").columns(t.c.x, t.c.y));
    expect(c.resultColumns.map((r) => r.element)).toContain(t.c.x);
  });

  it("test_select_table_alias_column", () => {
    const t = xy();
    const ta = t.alias();
    const c = compile(text("select ta.x, ta.y FROM t AS ta").columns(ta.c.x, ta.c.y));
    expect(c.resultColumns.map((r) => r.element)).not.toContain(t.c.x);
  });

  it("test_subquery_accessors", () => {
    const t = xy();
    const s = text("SELECT x from t").columns(t.c.x);
    assertCompile(select(s.scalarSubquery()), "SELECT (SELECT x from t) AS anon_1");
    assertCompile(select(s.subquery()), "SELECT anon_1.x FROM (SELECT x from t) AS anon_1");
  });

  it("test_cte", () => {
    const t = text("select id, name from user").columns({ id: Integer, name: String }).cte("t");
    assertCompile(
      select(table1).where(table1.c.myid.eq(t.c.id)),
      "WITH t AS (select id, name from user) SELECT mytable.myid, mytable.name, mytable.description FROM mytable, t WHERE mytable.myid = t.id",
    );
  });

  it("test_cte_recursive", () => {
    const t = text("select id, name from user").columns({ id: Integer, name: String }).cte("t", { recursive: true });
    assertCompile(
      select(table1).where(table1.c.myid.eq(t.c.id)),
      "WITH RECURSIVE t(id, name) AS (select id, name from user) SELECT mytable.myid, mytable.name, mytable.description FROM mytable, t WHERE mytable.myid = t.id",
    );
  });

  it("test_unions", () => {
    const s1 = text("select id, name from user where id > 5").columns({ id: Integer, name: String });
    const s2 = text("select id, name from user where id < 15").columns({ id: Integer, name: String });
    const stmt = union(s1, s2);
    expect(stmt.selectedColumns.map((c) => c.key)).toEqual(["id", "name"]);
    assertCompile(stmt, "select id, name from user where id > 5 UNION select id, name from user where id < 15");
  });

  it("test_subquery", () => {
    const t = text("select id, name from user").columns({ id: Integer, name: String }).subquery();
    assertCompile(
      select(table1.c.myid).selectFrom(table1.join(t, table1.c.myid.eq(t.c.id))).orderBy(t.c.name),
      "SELECT mytable.myid FROM mytable JOIN (select id, name from user) AS anon_1 ON mytable.myid = anon_1.id ORDER BY anon_1.name",
    );
  });

  it("test_alias", () => {
    const t = text("select id, name from user").columns({ id: Integer, name: String }).alias("t");
    assertCompile(
      select(table1).where(table1.c.myid.eq(t.c.id)),
      "SELECT mytable.myid, mytable.name, mytable.description FROM mytable, (select id, name from user) AS t WHERE mytable.myid = t.id",
    );
  });

  it("test_scalar_subquery", () => {
    const subq = text("select id from user").columns({ id: Integer }).scalarSubquery();
    expect(subq.type.affinity).toBe(Integer().affinity);
    assertCompile(
      select(table1.c.myid, subq).where(table1.c.myid.eq(subq)),
      "SELECT mytable.myid, (select id from user) AS anon_1 FROM mytable WHERE mytable.myid = (select id from user)",
    );
  });

  it("test_build_bindparams", () => {
    let t = text("select id from user :foo :bar :bat");
    t = t.bindparams([bindparam("foo", undefined, Integer())]);
    const ts = t.columns({ id: Integer }).bindparams({ bar: "x" }).bindparams([bindparam("bat", "bat")]);
    expect(new Set(ts.element.binds.keys())).toEqual(new Set(["bat", "foo", "bar"]));
  });
});

describe("SelectCompositionTest (test_text.py)", () => {
  it("test_select_composition_one", () => {
    assertCompile(
      select(literalColumn("foobar(a)"), literalColumn("pk_foo_bar(syslaal)"))
        .where(text("a = 12"))
        .selectFrom(text("foobar left outer join lala on foobar.foo = lala.foo")),
      "SELECT foobar(a), pk_foo_bar(syslaal) FROM foobar left outer join lala on foobar.foo = lala.foo WHERE a = 12",
    );
  });

  it("test_select_composition_two", () => {
    const s = select()
      .addColumns(column("column1"), column("column2"))
      .where(text("column1=12"))
      .where(text("column2=19"))
      .orderBy("column1")
      .selectFrom(text("table1"));
    assertCompile(s, "SELECT column1, column2 FROM table1 WHERE column1=12 AND column2=19 ORDER BY column1");
  });

  it("test_select_composition_three", () => {
    assertCompile(
      select(column("column1"), column("column2")).selectFrom(table1).alias("somealias").select(),
      "SELECT somealias.column1, somealias.column2 FROM (SELECT column1, column2 FROM mytable) AS somealias",
    );
  });

  it("test_select_composition_four", () => {
    assertCompile(
      select(text("column1"), column("column2"), column("column3").label("bar"), table1.c.myid).selectFrom(table1).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL),
      "SELECT column1, column2, column3 AS bar, mytable.myid AS mytable_myid FROM mytable",
    );
  });

  it("test_select_composition_five", () => {
    assertCompile(
      select(text("column1 AS foobar"), text("column2 AS hoho"), table1.c.myid).selectFrom(table1).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL),
      "SELECT column1 AS foobar, column2 AS hoho, mytable.myid AS mytable_myid FROM mytable",
    );
  });

  it("test_select_composition_six", () => {
    assertCompile(
      select(literalColumn("column1 AS foobar"), literalColumn("column2 AS hoho"), table1.c.myid).selectFrom(table1).subquery().select(),
      "SELECT anon_1.column1 AS foobar, anon_1.column2 AS hoho, anon_1.myid FROM (SELECT column1 AS foobar, column2 AS hoho, mytable.myid AS myid FROM mytable) AS anon_1",
    );
  });

  it("test_select_composition_seven", () => {
    assertCompile(select(literalColumn("col1"), literalColumn("col2")).selectFrom(table("tablename")).alias("myalias"), "SELECT col1, col2 FROM tablename");
  });

  it("test_select_composition_eight", () => {
    assertCompile(
      select(table1.alias("t"), text("foo.f")).where(text("foo.f = t.id")).selectFrom(text("(select f from bar where lala=heyhey) foo")),
      "SELECT t.myid, t.name, t.description, foo.f FROM (select f from bar where lala=heyhey) foo, mytable AS t WHERE foo.f = t.id",
    );
  });

  it("test_expression_element_role", () => {
    assertCompile(extract("year", text("some_date + :param")), "EXTRACT(year FROM some_date + :param)");
  });

  const styles: [LabelStyle | undefined, string][] = [
    [undefined, "SELECT mytable.myid, whatever FROM mytable UNION SELECT mytable.myid, whatever FROM mytable"],
    [LABEL_STYLE_NONE, "SELECT mytable.myid, whatever FROM mytable UNION SELECT mytable.myid, whatever FROM mytable"],
    [LABEL_STYLE_DISAMBIGUATE_ONLY, "SELECT mytable.myid, whatever FROM mytable UNION SELECT mytable.myid, whatever FROM mytable"],
    [LABEL_STYLE_TABLENAME_PLUS_COL, "SELECT mytable.myid AS mytable_myid, whatever FROM mytable UNION SELECT mytable.myid AS mytable_myid, whatever FROM mytable"],
  ];
  for (const [style, expected] of styles)
    it(`test_select_composition_nine (${style ?? "None"})`, () => {
      let s1 = select(table1.c.myid, text("whatever"));
      let s2 = select(table1.c.myid, text("whatever"));
      if (style) {
        s1 = s1.setLabelStyle(style);
        s2 = s2.setLabelStyle(style);
      }
      assertCompile(s1.union(s2), expected);
    });

  const tens: [LabelStyle | undefined, string][] = [
    [undefined, "SELECT anon_1.myid FROM (SELECT mytable.myid AS myid, whatever FROM mytable UNION SELECT mytable.myid AS myid, whatever FROM mytable) AS anon_1"],
    [LABEL_STYLE_NONE, "SELECT anon_1.myid FROM (SELECT mytable.myid AS myid, whatever FROM mytable UNION SELECT mytable.myid AS myid, whatever FROM mytable) AS anon_1"],
    [LABEL_STYLE_DISAMBIGUATE_ONLY, "SELECT anon_1.myid FROM (SELECT mytable.myid AS myid, whatever FROM mytable UNION SELECT mytable.myid AS myid, whatever FROM mytable) AS anon_1"],
    [
      LABEL_STYLE_TABLENAME_PLUS_COL,
      "SELECT anon_1.mytable_myid FROM (SELECT mytable.myid AS mytable_myid, whatever FROM mytable UNION SELECT mytable.myid AS mytable_myid, whatever FROM mytable) AS anon_1",
    ],
  ];
  for (const [style, expected] of tens)
    it(`test_select_composition_ten (${style ?? "None"})`, () => {
      let s1 = select(table1.c.myid, text("whatever"));
      let s2 = select(table1.c.myid, text("whatever"));
      if (style) {
        s1 = s1.setLabelStyle(style);
        s2 = s2.setLabelStyle(style);
      }
      assertCompile(s1.union(s2).subquery().select(), expected);
    });

  const elevens: [LabelStyle | undefined, string][] = [
    [undefined, "SELECT mytable.myid, whatever FROM mytable"],
    [LABEL_STYLE_NONE, "SELECT mytable.myid, whatever FROM mytable"],
    [LABEL_STYLE_DISAMBIGUATE_ONLY, "SELECT mytable.myid, whatever FROM mytable"],
    [LABEL_STYLE_TABLENAME_PLUS_COL, "SELECT mytable.myid AS mytable_myid, whatever FROM mytable"],
  ];
  for (const [style, expected] of elevens)
    it(`test_select_composition_eleven (${style ?? "None"})`, () => {
      let stmt = select(table1.c.myid, text("whatever"));
      if (style) stmt = stmt.setLabelStyle(style);
      assertCompile(stmt, expected);
    });

  for (const [style, expected] of [
    [undefined, ["myid", "description"]],
    [LABEL_STYLE_NONE, ["myid", "description"]],
    [LABEL_STYLE_DISAMBIGUATE_ONLY, ["myid", "description"]],
    [LABEL_STYLE_TABLENAME_PLUS_COL, ["mytable_myid", "mytable_description"]],
  ] as [LabelStyle | undefined, string[]][])
    it(`test_select_selected_columns_ignores_text (${style ?? "None"})`, () => {
      let stmt = select(table1.c.myid, text("whatever"), table1.c.description);
      if (style) stmt = stmt.setLabelStyle(style);
      expect(stmt.selectedColumns.length).toBe(2);
      expect(stmt.subquery().columnList.map((c) => c.key)).toEqual(expected);
    });

  it("test_select_bundle_columns", () => {
    assertCompile(
      select(table1, table2.c.otherid, text("sysdate()"), text("foo, bar, lala")).where(
        and(text("foo.id = foofoo(lala)"), text("datetime(foo) = Today"), table1.c.myid.eq(table2.c.otherid)),
      ),
      "SELECT mytable.myid, mytable.name, mytable.description, myothertable.otherid, sysdate(), foo, bar, lala " +
        "FROM mytable, myothertable WHERE foo.id = foofoo(lala) AND datetime(foo) = Today AND mytable.myid = myothertable.otherid",
    );
  });

  it("test_unique_binds (BindParamTest)", () => {
    const t1 = text("select :foo").bindparams([bindparam("foo", 5, undefined, { unique: true })]);
    const t2 = text("select :foo").bindparams([bindparam("foo", 10, undefined, { unique: true })]);
    assertCompile(select(t1, t2), "SELECT select :foo_1, select :foo_2", { params: { foo_1: 5, foo_2: 10 } });
  });

  it("test_text_in_select_nonfrom (BindParamTest)", () => {
    const generateSeries = text("generate_series(:x, :y, :z) as s(a)").bindparams({ x: null, y: null, z: null });
    const s = select(func.current_date().add(literalColumn("s.a")).label("dates")).selectFrom(generateSeries);
    assertCompile(s, "SELECT CURRENT_DATE + s.a AS dates FROM generate_series(:x, :y, :z) as s(a)", { params: { x: null, y: null, z: null } });
  });
});

describe("TextErrorsTest (test_text.py)", () => {
  const check = (fn: () => unknown, stmt: string) => {
    expect(fn).toThrow(ArgumentError);
    expect(fn).toThrow(new RegExp(`^Textual (?:SQL|column|SQL FROM) expression '${stmt}' should be explicitly declared (?:with|as) text\\('${stmt}'\\)`));
  };
  it("test_where", () => check(() => select(table1.c.myid).where("myid == 5" as never), "myid == 5"));
  it("test_column", () => check(() => select("myid" as never), "myid"));
  it("test_having", () => check(() => select(table1.c.myid).having("myid == 5" as never), "myid == 5"));
  it("test_from", () => check(() => select(table1.c.myid).selectFrom("mytable" as never), "mytable"));
});

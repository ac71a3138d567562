/**
 * func.*, cast, case, label, distinct, exists, tuple, window functions, collate, literal,
 * literalColumn, bindparam and text(), compared with SQLAlchemy's test_compiler.py strings.
 */
import { describe, expect, it } from "vitest";
import {
  bindparam, case as case_, cast, column, exists, func, Integer, literal, literalColumn, select, String, text, tuple,
} from "../../../src/index.js";
import { assertCompile, compile, mytable, myothertable } from "./helpers.js";

const t = mytable.c;

describe("func", () => {
  it("count() is count(*); count(col)", () => {
    assertCompile(select(func.count()), "SELECT count(*) AS count_1");
    assertCompile(select(func.count(t.myid)), "SELECT count(mytable.myid) AS count_1 FROM mytable");
    assertCompile(select(func.count(t.myid.distinct())), "SELECT count(DISTINCT mytable.myid) AS count_1 FROM mytable");
    expect(func.count().type.affinity).toBe("integer");
  });

  it("anonymous labels count up per function name", () => {
    assertCompile(select(func.count(t.myid), func.count(t.name), func.max(t.myid)), "SELECT count(mytable.myid) AS count_1, count(mytable.name) AS count_2, max(mytable.myid) AS max_1 FROM mytable");
  });

  it("functions bind arguments under their own name, sharing the label's counter (test_functions.py)", () => {
    assertCompile(select(func.coalesce(t.name, "x")), "SELECT coalesce(mytable.name, :coalesce_2) AS coalesce_1 FROM mytable", { params: { coalesce_2: "x" } });
    assertCompile(select(func.lower(t.name)), "SELECT lower(mytable.name) AS lower_1 FROM mytable");
    assertCompile(func.my_func(1, 2), "my_func(:my_func_1, :my_func_2)", { params: { my_func_1: 1, my_func_2: 2 } });
    assertCompile(func.lala(t.myid).eq(5), "lala(mytable.myid) = :lala_1", { params: { lala_1: 5 } });
  });

  it("dotted names (packages)", () => {
    assertCompile(func.pkg.fn(t.myid), "pkg.fn(mytable.myid)");
    assertCompile(select(func.pkg.sub.fn()), "SELECT pkg.sub.fn() AS fn_1");
  });

  it("now(): now() on PostgreSQL, CURRENT_TIMESTAMP on SQLite", () => {
    assertCompile(func.now(), "now()");
    assertCompile(func.now(), "now()", { dialect: "postgresql" });
    assertCompile(func.now(), "CURRENT_TIMESTAMP", { dialect: "sqlite" });
    assertCompile(select(t.myid).where(column("d").lt(func.now())), "SELECT mytable.myid FROM mytable WHERE d < CURRENT_TIMESTAMP", { dialect: "sqlite" });
  });

  it("ANSI functions without parentheses", () => {
    assertCompile(func.current_timestamp(), "CURRENT_TIMESTAMP");
    assertCompile(func.current_date(), "CURRENT_DATE");
  });

  it("FILTER (WHERE …)", () => {
    assertCompile(select(func.count(t.myid).filter(t.name.eq("x"))), "SELECT count(mytable.myid) FILTER (WHERE mytable.name = :name_1) AS anon_1 FROM mytable");
  });
});

describe("cast", () => {
  it("a CAST of a column keeps the column name (1.4 labeling)", () => {
    assertCompile(select(cast(t.myid, String(20))), "SELECT CAST(mytable.myid AS VARCHAR(20)) AS myid FROM mytable");
    assertCompile(select(t.myid.cast(Integer())), "SELECT CAST(mytable.myid AS INTEGER) AS myid FROM mytable");
  });

  it("a CAST of a label uses the label's name; of an expression an anonymous name", () => {
    assertCompile(select(cast(t.name.concat("x").label("hello_data"), String())), "SELECT CAST(mytable.name || :name_1 AS VARCHAR) AS hello_data FROM mytable");
    assertCompile(select(cast(t.myid.add(1), String())), "SELECT CAST(mytable.myid + :myid_1 AS VARCHAR) AS anon_1 FROM mytable");
    assertCompile(select(cast(5, Integer())), "SELECT CAST(:param_1 AS INTEGER) AS anon_1", { params: { param_1: 5 } });
  });

  it("a CAST of a function takes the function's name", () => {
    assertCompile(select(cast(func.count(t.myid), String())), "SELECT CAST(count(mytable.myid) AS VARCHAR) AS count_1 FROM mytable");
  });

  it("a CAST in WHERE is not labelled", () => {
    assertCompile(select(t.myid).where(cast(t.name, Integer()).eq(5)), "SELECT mytable.myid FROM mytable WHERE CAST(mytable.name AS INTEGER) = :name_1");
  });

  it("subquery columns of a CAST keep the name", () => {
    const sq = select(cast(t.myid, String())).subquery();
    expect(sq.columnList.map((c) => c.key)).toEqual(["myid"]);
    assertCompile(select(sq.columnList[0]), "SELECT anon_1.myid FROM (SELECT CAST(mytable.myid AS VARCHAR) AS myid FROM mytable) AS anon_1");
  });
});

describe("case", () => {
  it("searched CASE with else", () => {
    assertCompile(
      select(case_([[t.myid.eq(1), "one"], [t.myid.eq(2), "two"]], { else_: "other" })),
      "SELECT CASE WHEN (mytable.myid = :myid_1) THEN :param_1 WHEN (mytable.myid = :myid_2) THEN :param_2 ELSE :param_3 END AS anon_1 FROM mytable",
      { params: { myid_1: 1, param_1: "one", myid_2: 2, param_2: "two", param_3: "other" } },
    );
  });

  it("simple CASE with value", () => {
    assertCompile(
      case_([[1, "one"], [2, "two"]], { value: t.myid }),
      "CASE mytable.myid WHEN :param_1 THEN :param_2 WHEN :param_3 THEN :param_4 END",
      { params: { param_1: 1, param_2: "one", param_3: 2, param_4: "two" } },
    );
  });

  it("results may be columns and literal columns", () => {
    assertCompile(case_([[t.myid.gt(5), t.name]], { else_: literalColumn("'x'") }), "CASE WHEN (mytable.myid > :myid_1) THEN mytable.name ELSE 'x' END");
  });
});

describe("label, distinct, exists, tuple", () => {
  it("label names the column; used in ORDER BY by name", () => {
    assertCompile(select(t.myid.label("foo")), "SELECT mytable.myid AS foo FROM mytable");
    const l = func.count(t.myid).label("cnt");
    assertCompile(select(t.name, l).groupBy(t.name).orderBy(l.desc()), "SELECT mytable.name, count(mytable.myid) AS cnt FROM mytable GROUP BY mytable.name ORDER BY cnt DESC");
  });

  // A top-level column-level DISTINCT renders unlabelled, keyed by its column, as in SQLAlchemy.
  it("distinct()", () => {
    assertCompile(select(t.myid.distinct()), "SELECT DISTINCT mytable.myid FROM mytable");
    assertCompile(select(func.sum(t.myid.distinct())), "SELECT sum(DISTINCT mytable.myid) AS sum_1 FROM mytable");
  });

  it("labels inside expressions and around type column expressions", () => {
    assertCompile(select(t.myid.label("a").add(1)), "SELECT mytable.myid + :param_1 AS anon_1 FROM mytable");
    assertCompile(select(func.now().label("ts")), "SELECT CURRENT_TIMESTAMP AS ts", { dialect: "sqlite" });
    assertCompile(select(func.now().label("ts")), "SELECT now() AS ts", { dialect: "postgresql" });
    // Compiled for the engine, athanor's timestamptz result handling wraps the expression; the
    // label goes outside it.
    expect(compile(select(func.now().label("ts")), "postgresql", { forExecution: true }).sql).toBe(
      "SELECT CAST((now()) AT TIME ZONE 'UTC' AS TEXT) AS ts",
    );
  });

  it("exists()", () => {
    assertCompile(select(exists().where(t.myid.eq(5))), "SELECT EXISTS (SELECT * FROM mytable WHERE mytable.myid = :myid_1) AS anon_1");
    assertCompile(
      select(t.myid).where(exists(select(myothertable.c.otherid).where(myothertable.c.otherid.eq(t.myid)))),
      "SELECT mytable.myid FROM mytable WHERE EXISTS (SELECT myothertable.otherid FROM myothertable WHERE myothertable.otherid = mytable.myid)",
    );
  });

  it("tuple comparison", () => {
    assertCompile(tuple(t.myid, t.name).eq(tuple(1, "x")), "(mytable.myid, mytable.name) = (:param_1, :param_2)");
  });
});

describe("window functions", () => {
  it("partitionBy / orderBy", () => {
    assertCompile(select(func.row_number().over({ orderBy: t.myid })), "SELECT row_number() OVER (ORDER BY mytable.myid) AS anon_1 FROM mytable");
    assertCompile(select(func.row_number().over({ partitionBy: t.description, orderBy: [t.myid, t.name.desc()] })), "SELECT row_number() OVER (PARTITION BY mytable.description ORDER BY mytable.myid, mytable.name DESC) AS anon_1 FROM mytable");
    assertCompile(select(func.max(t.myid).over({ partitionBy: [t.name, t.description] }).label("m")), "SELECT max(mytable.myid) OVER (PARTITION BY mytable.name, mytable.description) AS m FROM mytable");
    assertCompile(select(func.rank().over()), "SELECT rank() OVER () AS anon_1");
  });

  // SQLAlchemy test_over_framespec
  it("rows and range frames", () => {
    assertCompile(select(func.row_number().over({ orderBy: t.myid, rows: [null, 0] })), "SELECT row_number() OVER (ORDER BY mytable.myid ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS anon_1 FROM mytable");
    assertCompile(select(func.row_number().over({ orderBy: t.myid, rows: [null, null] })), "SELECT row_number() OVER (ORDER BY mytable.myid ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS anon_1 FROM mytable");
    assertCompile(select(func.row_number().over({ orderBy: t.myid, range: [-5, 10] })), "SELECT row_number() OVER (ORDER BY mytable.myid RANGE BETWEEN 5 PRECEDING AND 10 FOLLOWING) AS anon_1 FROM mytable");
    assertCompile(select(func.row_number().over({ orderBy: t.myid, rows: [0, 3] })), "SELECT row_number() OVER (ORDER BY mytable.myid ROWS BETWEEN CURRENT ROW AND 3 FOLLOWING) AS anon_1 FROM mytable");
    assertCompile(select(func.row_number().over({ orderBy: t.myid, range: [-2, -1] })), "SELECT row_number() OVER (ORDER BY mytable.myid RANGE BETWEEN 2 PRECEDING AND 1 PRECEDING) AS anon_1 FROM mytable");
  });
});

describe("collate", () => {
  it("quotes collation names only when needed", () => {
    assertCompile(t.name.collate("utf8_bin"), "mytable.name COLLATE utf8_bin");
    assertCompile(t.name.collate("en_US"), 'mytable.name COLLATE "en_US"');
    assertCompile(t.name.collate("C"), 'mytable.name COLLATE "C"');
    assertCompile(select(t.name).orderBy(t.name.collate("nocase")), "SELECT mytable.name FROM mytable ORDER BY mytable.name COLLATE nocase");
  });

  it("in comparisons", () => {
    // SQLAlchemy: "SELECT x WHERE (x COLLATE bar) = :param_1"
    assertCompile(t.name.collate("nocase").eq("x"), "(mytable.name COLLATE nocase) = :param_1");
    assertCompile(t.name.eq(literal("x").collate("utf-8")), 'mytable.name = (:param_1 COLLATE "utf-8")');
  });
});

describe("literal, literalColumn, bindparam", () => {
  it("literal() is an anonymous bound parameter", () => {
    assertCompile(select(literal(5), literal("x")), "SELECT :param_1 AS anon_1, :param_2 AS anon_2", { params: { param_1: 5, param_2: "x" } });
    assertCompile(select(literal(5)), "SELECT ? AS anon_1", { dialect: "sqlite", positional: [5] });
  });

  it("literalColumn() renders verbatim", () => {
    assertCompile(select(literalColumn("foo"), literalColumn("bar + 1")), "SELECT foo, bar + 1");
  });

  it("bindparam() keeps its name; values come from execution", () => {
    const s = select(t.myid).where(t.myid.eq(bindparam("some_id")));
    assertCompile(s, "SELECT mytable.myid FROM mytable WHERE mytable.myid = :some_id");
    const c = compile(s, "postgresql");
    expect(c.sql.replace(/\n/g, "")).toBe("SELECT mytable.myid FROM mytable WHERE mytable.myid = $1");
    expect(c.construct(undefined, { some_id: 7 }).params).toEqual([7]);
    expect(() => c.construct(undefined, {})).toThrow(/some_id/);
  });

  it("the same named bindparam twice is one parameter name", () => {
    const s = select(t.myid).where(t.myid.eq(bindparam("v"))).where(t.name.ne(bindparam("v")));
    assertCompile(s, "SELECT mytable.myid FROM mytable WHERE mytable.myid = :v AND mytable.name != :v");
    const c = compile(s, "postgresql");
    expect(c.sql.replace(/\n/g, "")).toBe("SELECT mytable.myid FROM mytable WHERE mytable.myid = $1 AND mytable.name != $2");
    expect(c.construct(undefined, { v: 3 }).params).toEqual([3, 3]);
  });

  it("bindparam with a value", () => {
    assertCompile(t.myid.eq(bindparam("x", 5)), "mytable.myid = :x", { params: { x: 5 } });
  });
});

describe("text()", () => {
  it("named binds become parameters of each paramstyle", () => {
    const s = text("SELECT * FROM mytable WHERE myid = :id AND name = :name").bindparams({ id: 5, name: "x" });
    assertCompile(s, "SELECT * FROM mytable WHERE myid = :id AND name = :name", { params: { id: 5, name: "x" } });
    assertCompile(s, "SELECT * FROM mytable WHERE myid = $1 AND name = $2", { dialect: "postgresql", positional: [5, "x"] });
    assertCompile(s, "SELECT * FROM mytable WHERE myid = ? AND name = ?", { dialect: "sqlite", positional: [5, "x"] });
  });

  it("\\: escapes a colon; :: casts and colons inside words are left alone", () => {
    assertCompile(text("SELECT 'a\\:b', x::int, y FROM t WHERE z = :z"), "SELECT 'a:b', x::int, y FROM t WHERE z = :z");
    assertCompile(text("SELECT x::text FROM t WHERE z = :z"), "SELECT x::text FROM t WHERE z = $1", { dialect: "postgresql" });
    assertCompile(text("SELECT '10:30' AS t"), "SELECT '10:30' AS t");
  });

  it("unbound names take values at execution", () => {
    const c = compile(text("SELECT :a, :b, :a"), "sqlite");
    expect(c.sql).toBe("SELECT ?, ?, ?");
    expect(c.construct(undefined, { a: 1, b: 2 }).params).toEqual([1, 2, 1]);
  });

  it("text() in where()", () => {
    assertCompile(select(t.myid).where(text("myid > :m")), "SELECT mytable.myid FROM mytable WHERE myid > :m");
  });
});

/**
 * SQLAlchemy 2.0 labelling, ported by behaviour from test/sql/test_compiler.py and test_cte.py:
 * anonymous labels (`label(None)`), and the `AS name` labels SQLAlchemy gives columns inside a
 * FROM subquery or CTE (`_label_select_column` with `asfrom`).
 */
import { describe, expect, it } from "vitest";
import { column, func, generateCacheKey, literalColumn, select, table, union } from "../../../src/index.js";
import { assertCompile, mytable } from "./helpers.js";

describe("anonymous labels", () => {
  it("label() and label(null) on a column take <name>_N", () => {
    assertCompile(select(mytable.c.myid.label()), "SELECT mytable.myid AS myid_1 FROM mytable");
    assertCompile(select(mytable.c.myid.label(null), mytable.c.myid.label()), "SELECT mytable.myid AS myid_1, mytable.myid AS myid_2 FROM mytable");
  });
  it("a function takes its name, any other expression anon_N, sharing counters with binds", () => {
    assertCompile(
      select(func.count(mytable.c.myid).label(), mytable.c.myid.add(1).label(null)),
      "SELECT count(mytable.myid) AS count_1, mytable.myid + :myid_1 AS anon_1 FROM mytable",
      { params: { myid_1: 1 } },
    );
  });
  it("an anonymous label is the row key", () => {
    const c = select(mytable.c.name.label()).compile();
    expect(c.resultColumns.map((r) => r.key)).toEqual(["name_1"]);
  });
  it("anonymous and named labels have different cache keys", () => {
    const a = select(mytable.c.myid.label()).compile();
    const b = select(mytable.c.myid.label("myid_1")).compile();
    expect(a.sql).toBe(b.sql);
    expect(generateCacheKey(select(mytable.c.myid.label())).key).not.toBe(generateCacheKey(select(mytable.c.myid.label("myid"))).key);
  });
  it("a bind against a subquery column of an anonymous label is named param_N", () => {
    const subq = select(column("id").label(null)).subquery();
    assertCompile(subq.columnList[0].gt(5), "anon_1.id_1 > :param_1", { params: { param_1: 5 } });
  });
  it("a recursive CTE of anonymous labels names them in its column list", () => {
    const parts = table("parts", column("part"), column("sub_part"), column("quantity"));
    let included = select(parts.c.sub_part.label(null), parts.c.part.label(null), parts.c.quantity).where(parts.c.part.eq("our part")).cte(undefined, { recursive: true });
    const inclAlias = included.alias();
    const partsAlias = parts.alias();
    included = included.union(select(partsAlias.c.sub_part, partsAlias.c.part, partsAlias.c.quantity).where(partsAlias.c.part.eq(inclAlias.columnList[0])));
    const s = select(included.columnList[0], func.sum(included.c.quantity).label("total_quantity"))
      .selectFrom(included.join(parts, included.columnList[1].eq(parts.c.part)))
      .groupBy(included.columnList[0]);
    assertCompile(
      s,
      "WITH RECURSIVE anon_1(sub_part_1, part_1, quantity) AS (SELECT parts.sub_part AS sub_part_1, parts.part AS part_1, parts.quantity AS quantity FROM parts WHERE parts.part = :part_2 UNION SELECT parts_1.sub_part AS sub_part, parts_1.part AS part, parts_1.quantity AS quantity FROM parts AS parts_1, anon_1 AS anon_2 WHERE parts_1.part = anon_2.sub_part_1) SELECT anon_1.sub_part_1, sum(anon_1.quantity) AS total_quantity FROM anon_1 JOIN parts ON anon_1.part_1 = parts.part GROUP BY anon_1.sub_part_1",
      { params: { part_2: "our part" } },
    );
  });
});

describe("columns inside a FROM subquery or CTE", () => {
  it("table columns are labelled with their name", () => {
    const sq = select(mytable.c.myid).subquery();
    assertCompile(select(sq.c.myid), "SELECT anon_1.myid FROM (SELECT mytable.myid AS myid FROM mytable) AS anon_1");
  });
  it("a CTE body labels its columns; the top-level SELECT does not", () => {
    const t = table("t", column("x"));
    const c = select(t.c.x).cte("c");
    assertCompile(select(c.c.x), "WITH c AS (SELECT t.x AS x FROM t) SELECT c.x FROM c");
  });
  it("functions and expressions take their anonymous names; literal and table-less columns render as given", () => {
    const sq = select(mytable.c.myid, func.count(mytable.c.myid), mytable.c.myid.add(1), literalColumn("q"), column("z")).subquery();
    assertCompile(
      select(sq),
      "SELECT anon_1.myid, anon_1.count_1, anon_1.anon_2, anon_1.q, anon_1.z FROM (SELECT mytable.myid AS myid, count(mytable.myid) AS count_1, mytable.myid + :myid_1 AS anon_2, q, z FROM mytable) AS anon_1",
    );
  });
  it("a scalar subquery labels only its anonymous expressions", () => {
    assertCompile(select(mytable.c.name).where(mytable.c.myid.eq(select(func.max(mytable.c.myid)).scalarSubquery())), "SELECT mytable.name FROM mytable WHERE mytable.myid = (SELECT max(mytable.myid) AS max_1 FROM mytable)");
  });
  it("every member of a compound subquery labels with its own names", () => {
    const other = table("myothertable", column("otherid"));
    const sq = union(select(mytable.c.myid), select(other.c.otherid)).subquery();
    assertCompile(select(sq.c.myid), "SELECT anon_1.myid FROM (SELECT mytable.myid AS myid FROM mytable UNION SELECT myothertable.otherid AS otherid FROM myothertable) AS anon_1");
  });
});

describe("column-level DISTINCT", () => {
  it("renders unlabelled at top level and keys the row by its column", () => {
    assertCompile(select(mytable.c.myid.distinct()), "SELECT DISTINCT mytable.myid FROM mytable");
    expect(select(mytable.c.myid.distinct()).compile().resultColumns.map((r) => r.key)).toEqual(["myid"]);
  });
  it("is labelled anonymously inside a subquery", () => {
    assertCompile(select(select(mytable.c.myid.distinct()).subquery()), "SELECT anon_2.anon_1 FROM (SELECT DISTINCT mytable.myid AS anon_1 FROM mytable) AS anon_2");
  });
  it("inside an aggregate takes the function's label", () => {
    assertCompile(select(func.count(mytable.c.myid.distinct())), "SELECT count(DISTINCT mytable.myid) AS count_1 FROM mytable");
  });
});

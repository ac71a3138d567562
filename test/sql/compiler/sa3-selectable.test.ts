/**
 * SQLAlchemy's test/sql/test_selectable.py, ported where athanor has the API: exported column
 * keys of subqueries under each label style (WithLabelsTest), result keys of compiled
 * statements, compiled SQL of repeated columns, and corresponding columns of subqueries and CTEs.
 */
import { describe, expect, it } from "vitest";
import {
  Column, Integer, LABEL_STYLE_DISAMBIGUATE_ONLY, LABEL_STYLE_NONE, LABEL_STYLE_TABLENAME_PLUS_COL, MetaData, String, Table, column, select, table,
  type ClauseElement, type SelectBase,
} from "../../../src/index.js";
import { assertCompile, compile } from "./helpers.js";


const resultKeys = (s: ClauseElement) => new Set(compile(s).resultColumns.map((r) => r.key));
const subqResultKeys = (s: SelectBase) => new Set(compile(s.subquery().select()).resultColumns.map((r) => r.key));
const subqKeys = (s: SelectBase) => s.subquery().columnList.map((c) => c.key);

describe("WithLabelsTest (test_selectable.py)", () => {
  const namesOverlap = () => {
    const m = new MetaData();
    const t1 = Table("t1", m, { x: Column(Integer) });
    const t2 = Table("t2", m, { x: Column(Integer) });
    return select(t1, t2).setLabelStyle(LABEL_STYLE_NONE);
  };

  it("test_names_overlap_nolabel", () => {
    const sel = namesOverlap();
    expect(resultKeys(sel)).toEqual(new Set(["x"]));
    expect(subqResultKeys(sel)).toEqual(new Set(["x", "x_1"]));
  });

  it("test_names_overlap_label", () => {
    const sel = namesOverlap().setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL);
    expect(subqKeys(sel)).toEqual(["t1_x", "t2_x"]);
    expect(resultKeys(sel)).toEqual(new Set(["t1_x", "t2_x"]));
  });

  const columnsRepeated = () => {
    const m = new MetaData();
    const t1 = Table("t1", m, { x: Column(Integer), y: Column(Integer) });
    return select(t1.c.x, t1.c.y, t1.c.x).setLabelStyle(LABEL_STYLE_NONE);
  };

  it("test_element_repeated_nolabels", () => {
    const sel = columnsRepeated().setLabelStyle(LABEL_STYLE_NONE);
    expect(subqKeys(sel)).toEqual(["x", "y", "x_1"]);
    expect(resultKeys(sel)).toEqual(new Set(["x", "y"]));
  });

  it("test_element_repeated_disambiguate", () => {
    const sel = columnsRepeated().setLabelStyle(LABEL_STYLE_DISAMBIGUATE_ONLY);
    expect(subqKeys(sel)).toEqual(["x", "y", "x_1"]);
    expect(resultKeys(sel)).toEqual(new Set(["x", "y", "x__1"]));
  });

  const columnsRepeatedIdentity = () => {
    const m = new MetaData();
    const t1 = Table("t1", m, { x: Column(Integer), y: Column(Integer) });
    return select(t1.c.x, t1.c.y, t1.c.x, t1.c.x, t1.c.x).setLabelStyle(LABEL_STYLE_NONE);
  };

  it("test_columns_repeated_identity_disambiguate", () => {
    assertCompile(columnsRepeatedIdentity().setLabelStyle(LABEL_STYLE_DISAMBIGUATE_ONLY), "SELECT t1.x, t1.y, t1.x AS x__1, t1.x AS x__2, t1.x AS x__3 FROM t1");
  });

  const labelsOverlap = () => {
    const m = new MetaData();
    const t1 = Table("t", m, { x_id: Column(Integer) });
    const t2 = Table("t_x", m, { id: Column(Integer) });
    return select(t1, t2);
  };

  it("test_labels_overlap_nolabel", () => {
    const sel = labelsOverlap();
    expect(subqKeys(sel)).toEqual(["x_id", "id"]);
    expect(resultKeys(sel)).toEqual(new Set(["x_id", "id"]));
  });

  it("test_labels_overlap_label", () => {
    const sel = labelsOverlap().setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL);
    expect(subqKeys(sel)).toEqual(["t_x_id", "t_x_id_1"]);
    expect(resultKeys(sel)).toEqual(new Set(["t_x_id", "t_x_id_1"]));
    expect(subqResultKeys(sel)).toEqual(new Set(["t_x_id", "t_x_id_1"]));
  });

});

describe("SelectableTest (test_selectable.py): corresponding columns", () => {
  const metadata = new MetaData();
  const table1 = Table("table1", metadata, {
    col1: Column(Integer, { primaryKey: true }),
    col2: Column(String(20)),
    col3: Column(Integer),
    colx: Column(Integer),
  });

  it("test_indirect_correspondence_on_labels", () => {
    const s = select(table1.c.col1.label("c2"), table1.c.col1, table1.c.col1.label("c1")).subquery();
    expect(s.correspondingColumn(table1.c.col1)).toBe(s.c.col1);
    expect(s.correspondingColumn(s.c.col1)).toBe(s.c.col1);
    expect(s.correspondingColumn(s.c.c1)).toBe(s.c.c1);
  });

  it("test_labeled_subquery_twice", () => {
    const scalarSelect = select(table1.c.col1).label("foo");
    const s1 = select(scalarSelect).subquery();
    const s2 = select(scalarSelect, scalarSelect).subquery();
    // Repeating a label makes its name ambiguous for the row type, so the column is taken by position.
    expect(s1.correspondingColumn(scalarSelect)).toBe(s1.c.foo);
    expect(s2.correspondingColumn(scalarSelect)).toBe(s2.columnList[0]);
  });

  for (const type of ["cte", "subquery"] as const)
    for (const path of ["onelevel", "twolevel", "middle"] as const)
      it(`test_subquery_cte_correspondence (${type}, ${path})`, () => {
        const stmt = select(table1);
        const cte1 = type === "cte" ? stmt.cte() : stmt.subquery();
        if (path === "onelevel") expect(cte1.correspondingColumn(table1.c.col1)).toBe(cte1.c.col1);
        else if (path === "twolevel") {
          const cte2 = cte1.alias();
          expect(cte2.correspondingColumn(table1.c.col1)).toBe(cte2.c.col1);
        } else {
          const cte2 = cte1.alias();
          expect(cte2.correspondingColumn(cte1.c.col1)).toBe(cte2.c.col1);
        }
      });
});

describe("AliasTest / ForUpdateTest (test_selectable.py)", () => {
  it("test_direct_element_hierarchy", () => {
    const t = table("t", column("c"));
    const a1 = t.alias();
    const a2 = a1.alias();
    const a3 = a2.alias();
    expect(a1.element).toBe(t);
    expect(a2.element).toBe(a1);
    expect(a3.element).toBe(a2);
  });

  it("test_correspondence_multiple_nesting", () => {
    const t = table("t", column("c"));
    const a1 = select(t).alias();
    const a2 = a1.alias();
    expect(a1.correspondingColumn(a2.c.c)).toBe(a1.c.c);
  });

  it("test_basic_clone (ForUpdateTest)", () => {
    const t = table("t", column("c"));
    assertCompile(select(t).withForUpdate({ read: true, of: [t.c.c] }), "SELECT t.c FROM t FOR SHARE OF t", { dialect: "postgresql" });
  });

  it("test_adapt (ForUpdateTest)", () => {
    const t = table("t", column("c"));
    const a = t.alias();
    assertCompile(select(a).withForUpdate({ read: true, of: [a.c.c] }), "SELECT t_1.c FROM t AS t_1 FOR SHARE OF t_1", { dialect: "postgresql" });
  });
});

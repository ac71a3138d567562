/**
 * SQLAlchemy's test/sql/test_quote.py (QuoteTest), ported where athanor has the construct:
 * identifiers are quoted when reserved, not all lower case, or not plain; labels and aliases
 * follow the same rule; literal columns render as written.
 */
import { describe, it } from "vitest";
import {
  Column, Integer, LABEL_STYLE_TABLENAME_PLUS_COL, MetaData, Table, column, literal, literalColumn, select,
} from "../../../src/index.js";
import { assertCompile } from "./helpers.js";

describe("QuoteTest (test_quote.py)", () => {
  it("test_labels", () => {
    const metadata = new MetaData();
    const table1 = Table("WorstCase1", metadata, {
      lowercase: Column(Integer, { primaryKey: true }),
      UPPERCASE: Column(Integer),
      MixedCase: Column(Integer),
      a123: Column(Integer, { name: "ASC" }),
    });
    assertCompile(
      table1.select().distinct().alias("LaLa").select(),
      'SELECT "LaLa".lowercase, "LaLa"."UPPERCASE", "LaLa"."MixedCase", "LaLa"."ASC" FROM (SELECT DISTINCT "WorstCase1".lowercase AS lowercase, ' +
        '"WorstCase1"."UPPERCASE" AS "UPPERCASE", "WorstCase1"."MixedCase" AS "MixedCase", "WorstCase1"."ASC" AS "ASC" FROM "WorstCase1") AS "LaLa"',
    );
  });

  it("test_literal_column_label_embedded_select_diffname", () => {
    const col = literalColumn("NEEDS QUOTES").label("NEEDS QUOTES_");
    assertCompile(select(col).subquery().select(), 'SELECT anon_1."NEEDS QUOTES_" FROM (SELECT NEEDS QUOTES AS "NEEDS QUOTES_") AS anon_1');
  });

  it("test_literal_column_label_embedded_select_samename", () => {
    const col = literalColumn("NEEDS QUOTES").label("NEEDS QUOTES");
    assertCompile(select(col).subquery().select(), 'SELECT anon_1."NEEDS QUOTES" FROM (SELECT NEEDS QUOTES AS "NEEDS QUOTES") AS anon_1');
  });

  it("test_reserved_words", () => {
    const metadata = new MetaData();
    const table = Table("foreign", metadata, { col1: Column(Integer), from: Column(Integer), order: Column(Integer) }, { schema: "create" });
    assertCompile(
      select(table.c.col1, table.c.from, table.c.order),
      'SELECT "create"."foreign".col1, "create"."foreign"."from", "create"."foreign"."order" FROM "create"."foreign"',
    );
  });

  it("test_subquery_one", () => {
    const metadata = new MetaData();
    const t1 = Table("t1", metadata, { col1: Column(Integer) }, { schema: "foo" });
    const a = t1.select().alias("anon");
    assertCompile(select(literal(1)).where(a.c.col1.eq(2)).selectFrom(a), "SELECT :param_1 AS anon_1 FROM (SELECT foo.t1.col1 AS col1 FROM foo.t1) AS anon WHERE anon.col1 = :col1_1");
    assertCompile(select(literalColumn("1")).where(a.c.col1.eq(2)).selectFrom(a), "SELECT 1 FROM (SELECT foo.t1.col1 AS col1 FROM foo.t1) AS anon WHERE anon.col1 = :col1_1");
  });

  it("test_subquery_three", () => {
    const metadata = new MetaData();
    const t1 = Table("T1", metadata, { Col1: Column(Integer) }, { schema: "Foo" });
    const a = t1.select().alias("Anon");
    assertCompile(
      select(literalColumn("1")).where(a.c.Col1.eq(2)).selectFrom(a),
      'SELECT 1 FROM (SELECT "Foo"."T1"."Col1" AS "Col1" FROM "Foo"."T1") AS "Anon" WHERE "Anon"."Col1" = :Col1_1',
    );
  });

  it("test_simple_order_by_label", () => {
    const m = new MetaData();
    const t1 = Table("t1", m, { col1: Column(Integer) });
    const cl = t1.c.col1.label("ShouldQuote");
    assertCompile(select(cl).orderBy(cl), 'SELECT t1.col1 AS "ShouldQuote" FROM t1 ORDER BY "ShouldQuote"');
  });

  it("test_collate", () => {
    assertCompile(column("foo").collate("utf8"), "foo COLLATE utf8");
    assertCompile(column("foo").collate("fr_FR"), 'foo COLLATE "fr_FR"', { dialect: "postgresql" });
  });

  it("test_join", () => {
    let metadata = new MetaData();
    const t1 = Table("t1", metadata, { col1: Column(Integer) });
    const t2 = Table("t2", metadata, { col1: Column(Integer), t1col1: Column(Integer, { foreignKey: "t1.col1" }) });
    assertCompile(t2.join(t1).select(), "SELECT t2.col1, t2.t1col1, t1.col1 AS col1_1 FROM t2 JOIN t1 ON t1.col1 = t2.t1col1");
    metadata = new MetaData();
    const T1 = Table("T1", metadata, { Col1: Column(Integer) });
    const T2 = Table("T2", metadata, { Col1: Column(Integer), T1Col1: Column(Integer, { foreignKey: "T1.Col1" }) });
    assertCompile(T2.join(T1).select(), 'SELECT "T2"."Col1", "T2"."T1Col1", "T1"."Col1" AS "Col1_1" FROM "T2" JOIN "T1" ON "T1"."Col1" = "T2"."T1Col1"');
  });

  it("test_label_and_alias", () => {
    let metadata = new MetaData();
    const table = Table("t1", metadata, { col1: Column(Integer) });
    const x = select(table.c.col1.label("label1")).alias("alias1");
    assertCompile(select(x.c.label1), "SELECT alias1.label1 FROM (SELECT t1.col1 AS label1 FROM t1) AS alias1");
    metadata = new MetaData();
    const table2 = Table("T1", metadata, { Col1: Column(Integer) });
    const x2 = select(table2.c.Col1.label("Label1")).alias("Alias1");
    assertCompile(select(x2.c.Label1), 'SELECT "Alias1"."Label1" FROM (SELECT "T1"."Col1" AS "Label1" FROM "T1") AS "Alias1"');
  });

  it("test_literal_column_already_with_quotes", () => {
    let metadata = new MetaData();
    const table = Table("t1", metadata, { col1: Column(Integer) });
    const x = select(literalColumn("'col1'").label("label1")).selectFrom(table).alias("alias1").select();
    assertCompile(x, "SELECT alias1.label1 FROM (SELECT 'col1' AS label1 FROM t1) AS alias1");
    metadata = new MetaData();
    const table2 = Table("T1", metadata, { Col1: Column(Integer) });
    const x2 = select(literalColumn("'Col1'").label("Label1")).selectFrom(table2).alias("Alias1").select();
    assertCompile(x2, 'SELECT "Alias1"."Label1" FROM (SELECT \'Col1\' AS "Label1" FROM "T1") AS "Alias1"');
  });

  it("test_literal_column_label_alias_samename", () => {
    const col = literalColumn("NEEDS QUOTES").label("NEEDS QUOTES");
    assertCompile(select(col).alias().select(), 'SELECT anon_1."NEEDS QUOTES" FROM (SELECT NEEDS QUOTES AS "NEEDS QUOTES") AS anon_1');
  });

  it("test_literal_column_label_alias_diffname", () => {
    const col = literalColumn("NEEDS QUOTES").label("NEEDS QUOTES_");
    assertCompile(select(col).alias().select(), 'SELECT anon_1."NEEDS QUOTES_" FROM (SELECT NEEDS QUOTES AS "NEEDS QUOTES_") AS anon_1');
  });

  it("test_literal_column_wo_label_currently_maintained", () => {
    const col = literalColumn('"NEEDS QUOTES"');
    assertCompile(select(col).alias().select(), 'SELECT anon_1."NEEDS QUOTES" FROM (SELECT "NEEDS QUOTES") AS anon_1');
  });

  it("test_apply_labels_should_quote", () => {
    const metadata = new MetaData();
    const t1 = Table("T1", metadata, { Col1: Column(Integer) }, { schema: "Foo" });
    assertCompile(t1.select().setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL), 'SELECT "Foo"."T1"."Col1" AS "Foo_T1_Col1" FROM "Foo"."T1"');
  });
});

/**
 * Core follow-ups ported from SQLAlchemy's test suite, compile side:
 * - test/sql/test_types.py `test_typedecorator_literal_render*`, test/sql/test_defaults.py
 *   `test_literal_binds_pgarray`: literal rendering goes through the type's literal processor;
 * - test/sql/test_types.py `test_bind_typing`: an untyped bind takes the other side's type;
 * - test/dialect/postgresql/test_types.py `test_array_concat`: ARRAY `+` is `||`;
 * - test/sql/test_update.py `test_unconsumed_names_*`: only values() keys are checked;
 * - test/sql/test_quote.py DDL / label cases with `quote` / `quoteSchema` flags;
 * - `Select.fromStatement()` living on Select itself.
 */
import { describe, expect, it } from "vitest";
import {
  ARRAY, ArgumentError, CheckConstraint, Column, CompileError, CreateIndex, CreateTable, Index, Integer, JSON as JSONT, JSONB, LABEL_STYLE_TABLENAME_PLUS_COL, MetaData,
  NULLTYPE, Numeric, Select, String, Table, TypeDecorator, bindparam, cast, column, literal, select, table, text, update, type TypeEngine,
} from "../../../src/index.js";
import { assertCompile, compile } from "./helpers.js";

/** SQLAlchemy's `MyType` with `process_literal_param`. */
class LiteralDecorated extends TypeDecorator<string> {
  override readonly impl: TypeEngine<string> = String();
  override readonly cacheOk = true;
  override processLiteralParam(value: string): string {
    return `HI->${value}<-THERE`;
  }
}

/** SQLAlchemy's `MyType` with only `process_bind_param`, which literal rendering falls back to. */
class BindDecorated extends TypeDecorator<string> {
  override readonly impl: TypeEngine<string> = String();
  override readonly cacheOk = true;
  override processBindParam(value: string): string {
    return `HI->${value}<-THERE`;
  }
}

/** An Integer times ten on the way in (SQLAlchemy's MyNewIntType). */
class TimesTen extends TypeDecorator<number> {
  override readonly impl = Integer;
  override readonly cacheOk = true;
  override processBindParam(value: number | null): number | null {
    return value === null ? null : value * 10;
  }
}

describe("literal rendering through the type's literal processor", () => {
  it("test_typedecorator_literal_render", () => {
    assertCompile(select(literal("test", new LiteralDecorated())), "SELECT 'HI->test<-THERE' AS anon_1", { literalBinds: true });
  });

  it("test_typedecorator_literal_render_fallback_bound", () => {
    assertCompile(select(literal("test", new BindDecorated())), "SELECT 'HI->test<-THERE' AS anon_1", { literalBinds: true });
  });

  it("a decorator's literal form is used in WHERE and in an IN list", () => {
    const t = table("t", column("x", new TimesTen()), column("s", new LiteralDecorated()));
    assertCompile(
      select(t.c.x).where(t.c.x.in([1, 2])).where(t.c.s.eq("a")),
      "SELECT t.x FROM t WHERE t.x IN (10, 20) AND t.s = 'HI->a<-THERE'",
      { literalBinds: true },
    );
  });

  it("ARRAY renders ARRAY[...] with each item by its type (PostgreSQL)", () => {
    assertCompile(select(literal([1, 2, 3], ARRAY(Integer))), "SELECT ARRAY[1, 2, 3] AS anon_1", { dialect: "postgresql", literalBinds: true });
    assertCompile(select(literal(["a", "b'c"], ARRAY(String()))), "SELECT ARRAY['a', 'b''c'] AS anon_1", { dialect: "postgresql", literalBinds: true });
    assertCompile(select(literal([[1, 2], [3, 4]], ARRAY(Integer, { dimensions: 2 }))), "SELECT ARRAY[ARRAY[1, 2], ARRAY[3, 4]] AS anon_1", {
      dialect: "postgresql",
      literalBinds: true,
    });
    assertCompile(select(literal([], ARRAY(Integer))), "SELECT ARRAY[]::INTEGER[] AS anon_1", { dialect: "postgresql", literalBinds: true });
  });

  it("test_literal_binds_pgarray: an ARRAY server default renders ARRAY[1, 2, 3]", () => {
    const t = Table("t", new MetaData(), { x: Column(ARRAY(Integer), { serverDefault: literal([1, 2, 3], ARRAY(Integer)) }) });
    assertCompile(new CreateTable(t), "CREATE TABLE t (\tx INTEGER[] DEFAULT ARRAY[1, 2, 3])", { dialect: "postgresql" });
  });

  it("Numeric renders the decimal unquoted, as written", () => {
    assertCompile(select(literal("10.50", Numeric(10, 2))), "SELECT 10.50 AS anon_1", { dialect: "sqlite", literalBinds: true });
    assertCompile(select(literal("10.50", Numeric(10, 2))), "SELECT 10.50 AS anon_1", { dialect: "postgresql", literalBinds: true });
  });

  it("an untyped value still renders after its JS type", () => {
    assertCompile(select(literal("it's")), "SELECT 'it''s' AS anon_1", { literalBinds: true });
  });
});

describe("an untyped bind takes the type of the other side (test_bind_typing)", () => {
  it("bindparam() without a type against a typed column", () => {
    const bp = bindparam("foo");
    const expr = column("foo", new TimesTen()).add(bp);
    expect(bp.type).toBe(NULLTYPE);
    expect((expr.right as typeof bp).type).toBeInstanceOf(TimesTen);
    const typed = column("foo", new TimesTen()).add(bindparam("foo", undefined, Integer));
    expect((typed.right as typeof bp).type).not.toBeInstanceOf(TimesTen);
  });

  it("comparison and IN against a bindparam() bind through the column's decorator", () => {
    const t = table("t", column("x", new TimesTen()));
    const eq = compile(select(t.c.x).where(t.c.x.eq(bindparam("v"))), "sqlite").construct(undefined, { v: 5 });
    expect(eq.params).toEqual([50]);
    const inl = compile(select(t.c.x).where(t.c.x.in(bindparam("vs", undefined, { expanding: true }))), "sqlite").construct(undefined, { vs: [15, 9] });
    expect(inl.sql.replace(/\n/g, "")).toBe("SELECT t.x FROM t WHERE t.x IN (?, ?)");
    expect(inl.params).toEqual([150, 90]);
  });
});

describe("ARRAY concatenation (test_array_concat)", () => {
  it("ARRAY + list renders ||, the operand bound as the array type", () => {
    const col = column("x", ARRAY(Integer));
    assertCompile(select(col.add([4, 5])), "SELECT x || $1 AS anon_1", { dialect: "postgresql", params: { x_1: [4, 5] } });
    assertCompile(select(col.add([4, 5])), "SELECT x || ARRAY[4, 5] AS anon_1", { dialect: "postgresql", literalBinds: true });
    expect(col.add([4, 5]).type).toBe(col.type);
  });
});

describe("SQLite CAST to JSON", () => {
  it("renders CAST(x AS TEXT): a JSON CAST would give NUMERIC affinity", () => {
    const t = table("t", column("b", String()));
    assertCompile(select(cast(t.c.b, JSONT())), "SELECT CAST(t.b AS TEXT) AS b FROM t", { dialect: "sqlite" });
    assertCompile(select(cast(t.c.b, JSONT())), "SELECT CAST(t.b AS JSON) AS b FROM t", { dialect: "postgresql" });
  });

  it("JSONB still has no SQLite spelling", () => {
    const t = table("t", column("b", String()));
    expect(() => compile(select(cast(t.c.b, JSONB())), "sqlite")).toThrow(CompileError);
  });
});

describe("UPDATE execution keys (crud's unconsumed-names check covers values() only)", () => {
  const t = table("t", column("a", Integer), column("b", String()));

  it("keys naming a WHERE bindparam or a text() parameter are not SET columns", () => {
    // Without parameters every column is SET from a parameter of its name, as in SQLAlchemy.
    assertCompile(update(t).where(t.c.a.eq(bindparam("aa"))), "UPDATE t SET a=:a, b=:b WHERE t.a = :aa");
    expect(compile(update(t).where(t.c.a.eq(bindparam("aa"))), "default", { columnKeys: ["b", "aa"] }).sql.replace(/\n/g, "")).toBe(
      "UPDATE t SET b=:b WHERE t.a = :aa",
    );
    expect(compile(update(t).where(text("a > :x")).values({ b: "q" }), "default", { columnKeys: ["x"] }).sql.replace(/\n/g, "")).toBe(
      "UPDATE t SET b=:b WHERE a > :x",
    );
  });

  it("a key feeding nothing is still reported", () => {
    expect(() => update(t).where(text("a > :x")).compile({ columnKeys: ["x", "zz"] })).toThrow(new CompileError("Unconsumed column names: zz"));
  });

  it("test_unconsumed_names_kwargs_w_keys: a values() key that is no column still raises", () => {
    expect(() => update(t).values({ a: 5, j: 7 } as never).compile({ columnKeys: ["j"] })).toThrow(new CompileError("Unconsumed column names: j"));
  });
});

describe("quote flags (test_quote.py)", () => {
  it("test_lower_case_names", () => {
    const t1 = Table("t1", new MetaData(), { col1: Column(Integer) }, { schema: "foo" });
    assertCompile(new CreateTable(t1), "CREATE TABLE foo.t1 (\tcol1 INTEGER)");
    const q = Table("t1", new MetaData(), { col1: Column(Integer, { quote: true }) }, { schema: "foo", quote: true, quoteSchema: true });
    assertCompile(new CreateTable(q), 'CREATE TABLE "foo"."t1" (\t"col1" INTEGER)');
  });

  it("test_upper_case_names", () => {
    const t1 = Table("TABLE1", new MetaData(), { COL1: Column(Integer) }, { schema: "FOO" });
    assertCompile(new CreateTable(t1), 'CREATE TABLE "FOO"."TABLE1" (\t"COL1" INTEGER)');
    const q = Table("TABLE1", new MetaData(), { COL1: Column(Integer, { quote: false }) }, { schema: "FOO", quote: false, quoteSchema: false });
    assertCompile(new CreateTable(q), "CREATE TABLE FOO.TABLE1 (\tCOL1 INTEGER)");
  });

  it("test_mixed_case_names", () => {
    const q = Table("Table1", new MetaData(), { Col1: Column(Integer, { quote: false }) }, { schema: "Foo", quote: false, quoteSchema: false });
    assertCompile(new CreateTable(q), "CREATE TABLE Foo.Table1 (\tCol1 INTEGER)");
  });

  it("test_numeric_initial_char / test_illegal_initial_char", () => {
    const n = Table("35table", new MetaData(), { "25column": Column(Integer) }, { schema: "45schema" });
    assertCompile(new CreateTable(n), 'CREATE TABLE "45schema"."35table" (\t"25column" INTEGER)');
    const nq = Table("35table", new MetaData(), { "25column": Column(Integer, { quote: false }) }, { schema: "45schema", quote: false, quoteSchema: false });
    assertCompile(new CreateTable(nq), "CREATE TABLE 45schema.35table (\t25column INTEGER)");
    const dq = Table("$table", new MetaData(), { $column: Column(Integer, { quote: false }) }, { schema: "$schema", quote: false, quoteSchema: false });
    assertCompile(new CreateTable(dq), "CREATE TABLE $schema.$table (\t$column INTEGER)");
  });

  it("test_reserved_words with quoting off", () => {
    const t = Table(
      "foreign",
      new MetaData(),
      { col1: Column(Integer), from: Column(Integer, { quote: false }), order: Column(Integer, { quote: false }) },
      { schema: "create", quote: false, quoteSchema: false },
    );
    assertCompile(select(t.c.col1, t.c.from, t.c.order), "SELECT create.foreign.col1, create.foreign.from, create.foreign.order FROM create.foreign");
  });

  it("test_subquery_two / test_subquery_four", () => {
    const t1 = Table("t1", new MetaData(), { col1: Column(Integer, { quote: true }) }, { schema: "foo", quote: true, quoteSchema: true });
    const a = t1.select().alias("anon");
    assertCompile(
      select(literal(1)).where(a.c.col1.eq(2)).selectFrom(a),
      'SELECT :param_1 AS anon_1 FROM (SELECT "foo"."t1"."col1" AS "col1" FROM "foo"."t1") AS anon WHERE anon."col1" = :col1_1',
    );
    const t4 = Table("T1", new MetaData(), { Col1: Column(Integer, { quote: false }) }, { schema: "Foo", quote: false, quoteSchema: false });
    const b = t4.select().alias("Anon");
    assertCompile(
      select(literal(1)).where(b.c.Col1.eq(2)).selectFrom(b),
      'SELECT :param_1 AS anon_1 FROM (SELECT Foo.T1.Col1 AS Col1 FROM Foo.T1) AS "Anon" WHERE "Anon".Col1 = :Col1_1',
    );
  });

  it("test_join with quoting forced on and off", () => {
    const md = new MetaData();
    const t1 = Table("t1", md, { col1: Column(Integer, { quote: true }) }, { quote: true });
    const t2 = Table("t2", md, { col1: Column(Integer, { quote: true }), t1col1: Column(Integer, { foreignKey: "t1.col1", quote: true }) }, { quote: true });
    assertCompile(t2.join(t1).select(), 'SELECT "t2"."col1", "t2"."t1col1", "t1"."col1" AS col1_1 FROM "t2" JOIN "t1" ON "t1"."col1" = "t2"."t1col1"');
    assertCompile(new CreateTable(t2), 'CREATE TABLE "t2" (\t"col1" INTEGER, \t"t1col1" INTEGER, \tFOREIGN KEY("t1col1") REFERENCES "t1" ("col1"))');
    const md2 = new MetaData();
    const u1 = Table("T1", md2, { Col1: Column(Integer, { quote: false }) }, { quote: false });
    const u2 = Table("T2", md2, { Col1: Column(Integer, { quote: false }), T1Col1: Column(Integer, { foreignKey: "T1.Col1", quote: false }) }, { quote: false });
    assertCompile(u2.join(u1).select(), 'SELECT T2.Col1, T2.T1Col1, T1.Col1 AS "Col1_1" FROM T2 JOIN T1 ON T1.Col1 = T2.T1Col1');
  });

  it("test_apply_labels_should_quote / test_apply_labels_shouldnt_quote", () => {
    const t1 = Table("T1", new MetaData(), { Col1: Column(Integer) }, { schema: "Foo" });
    assertCompile(t1.select().setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL), 'SELECT "Foo"."T1"."Col1" AS "Foo_T1_Col1" FROM "Foo"."T1"');
    const q = Table("T1", new MetaData(), { Col1: Column(Integer, { quote: false }) }, { schema: "Foo", quote: false, quoteSchema: false });
    assertCompile(q.select().setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL), "SELECT Foo.T1.Col1 AS Foo_T1_Col1 FROM Foo.T1");
  });

  it("test_quote_flag_propagate_check_constraint / _index / _anon_label", () => {
    const m = new MetaData();
    const t = Table("t", m, { x: Column(Integer, { quote: true }) });
    new CheckConstraint(t.c.x.gt(5));
    assertCompile(new CreateTable(t), 'CREATE TABLE t (\t"x" INTEGER, \tCHECK ("x" > 5))');
    assertCompile(new CreateIndex(new Index("foo", t.c.x)), 'CREATE INDEX foo ON t ("x")');
    assertCompile(select(t.alias()).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL), 'SELECT t_1."x" AS "t_1_x" FROM t AS t_1');
    const t2 = Table("t2", m, { x: Column(Integer) }, { quote: true });
    assertCompile(select(t2.c.x).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL), 'SELECT "t2".x AS "t2_x" FROM "t2"');
  });
});

describe("Select.fromStatement() is Select's own method", () => {
  it("is defined on Select.prototype and keeps the statement", () => {
    expect(Object.prototype.hasOwnProperty.call(Select.prototype, "fromStatement")).toBe(true);
    const stmt = text("SELECT 1");
    const s = select(column("x")).fromStatement(stmt);
    expect(s.fromStatementArg).toBe(stmt);
    expect(select(column("x")).fromStatementArg).toBeUndefined();
  });

  it("rejects what is not a statement", () => {
    expect(() => select(column("x")).fromStatement(column("y") as never)).toThrow(
      new ArgumentError("fromStatement(): expected text(), a textual SELECT, a SELECT or a compound SELECT; got ColumnClause object"),
    );
  });
});

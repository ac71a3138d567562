/**
 * SQLAlchemy's test/sql/test_defaults.py, the parts that need no database: DDLTest (how a
 * `serverDefault` renders in CREATE TABLE), DefaultObjectTest (which default slots a column
 * fills; defaults are not SQL expressions) and AutoIncrementTest's autoincrement-column
 * detection.
 *
 * Skipped:
 * - DefaultObjectTest.test_bad_arg_signature / test_arg_signature: Python call-signature
 *   inspection of `ColumnDefault` callables; an athanor default function always receives one
 *   context argument, which it may ignore.
 * - DefaultObjectTest.test_no_embed_in_sql for `ColumnDefault` / `DefaultClause`: athanor has no
 *   such wrapper objects (a default is the plain value); the `Sequence` case is ported.
 * - AutoIncrementTest.test_autoinc_detection_no_affinity: a TypeDecorator over the abstract
 *   `TypeEngine` has no athanor counterpart (every impl is a concrete type).
 *
 * Known differences:
 * - A Sequence given to where() raises ArgumentError "where() expects SQL boolean expressions;
 *   got Sequence object" (athanor's wording for every non-expression) where SQLAlchemy says
 *   "SQL expression for WHERE/HAVING role expected, got Sequence('y')".
 */
import { describe, expect, it } from "vitest";
import {
  ArgumentError, Column, CreateTable, FetchedValue, Date as DateT, Double, Float, Integer, MetaData, Numeric, Sequence, String, Table,
  Boolean as Bool, func, insert, literal, literalColumn, select, text, update,
} from "../../src/index.js";

const ddl = (t: Table) => new CreateTable(t).compile().sql.replace(/[\n\t]/g, "");

describe("DDLTest (test_defaults.py): serverDefault in CREATE TABLE, default dialect", () => {
  const one = (serverDefault: ConstructorParameters<never> | unknown) =>
    ddl(Table("t", new MetaData(), { x: Column(Integer, { serverDefault: serverDefault as never }) }));

  it("test_string: a string renders quoted whatever the column type", () => {
    expect(one("5")).toBe("CREATE TABLE t (x INTEGER DEFAULT '5')");
  });
  it("test_string_w_quotes", () => {
    expect(one("5'6")).toBe("CREATE TABLE t (x INTEGER DEFAULT '5''6')");
  });
  it("test_text", () => {
    expect(one(text("5 + 8"))).toBe("CREATE TABLE t (x INTEGER DEFAULT 5 + 8)");
  });
  it("test_text_w_quotes: text() renders as written", () => {
    expect(one(text("5 ' 8"))).toBe("CREATE TABLE t (x INTEGER DEFAULT 5 ' 8)");
  });
  it("test_literal_binds_w_quotes", () => {
    expect(one(literal("5 ' 8"))).toBe("CREATE TABLE t (x INTEGER DEFAULT '5 '' 8')");
  });
  it("test_text_literal_binds: text() parameters render inline", () => {
    expect(one(text("q + :x1").bindparams({ x1: 7 }))).toBe("CREATE TABLE t (x INTEGER DEFAULT q + 7)");
  });
  it("test_sqlexpr", () => {
    expect(one(literalColumn("a").add(literalColumn("b")))).toBe("CREATE TABLE t (x INTEGER DEFAULT a + b)");
  });
  it("test_literal_binds_plain: string literals concatenate with ||", () => {
    expect(one(literal("a").add(literal("b")))).toBe("CREATE TABLE t (x INTEGER DEFAULT 'a' || 'b')");
  });
});

describe("DefaultObjectTest (test_defaults.py)", () => {
  /** Which of default / onupdate / serverDefault / serverOnupdate a column has. */
  const slots = (t: Table, name: string) => {
    const c = t.c[name as keyof typeof t.c] as unknown as { default: unknown; onupdate: unknown; serverDefault: unknown; serverOnupdate: boolean };
    return [
      ...(c.default !== undefined ? ["default"] : []),
      ...(c.onupdate !== undefined ? ["onupdate"] : []),
      ...(c.serverDefault !== undefined ? ["serverDefault"] : []),
      ...(c.serverOnupdate ? ["serverOnupdate"] : []),
    ];
  };

  it("test_py_vs_server_default_detection_one", () => {
    const t = Table("default_test", new MetaData(), {
      col1: Column(Integer, { primaryKey: true, default: "1" }),
      col2: Column(String(20), { default: "imthedefault", onupdate: "im the update" }),
      col3: Column(Integer, { default: func.length("abcdef"), onupdate: func.length("abcdefghijk") }),
      col4: Column(Integer, { serverDefault: "1" }),
      col5: Column(Integer, { serverDefault: "1" }),
      col6: Column(DateT, { default: () => new Date(), onupdate: () => new Date() }),
      boolcol1: Column(Bool, { default: true }),
      boolcol2: Column(Bool, { default: false }),
      col7: Column(Integer, { default: () => 5, onupdate: () => 10 }),
      col9: Column(String(20), { default: "py", serverDefault: "ddl" }),
    });
    expect(slots(t, "col1")).toEqual(["default"]);
    expect(slots(t, "col2")).toEqual(["default", "onupdate"]);
    expect(slots(t, "col3")).toEqual(["default", "onupdate"]);
    expect(slots(t, "col4")).toEqual(["serverDefault"]);
    expect(slots(t, "col5")).toEqual(["serverDefault"]);
    expect(slots(t, "col6")).toEqual(["default", "onupdate"]);
    // false is a default too (SQLAlchemy: boolcol2 has a default).
    expect(slots(t, "boolcol1")).toEqual(["default"]);
    expect(slots(t, "boolcol2")).toEqual(["default"]);
    expect(slots(t, "col7")).toEqual(["default", "onupdate"]);
    expect(slots(t, "col9")).toEqual(["default", "serverDefault"]);
  });

  it("test_py_vs_server_default_detection_two (serverOnupdate, onupdate beside server defaults)", () => {
    const t = Table("t2", new MetaData(), {
      col5: Column(Integer, { default: "x", serverDefault: "y", onupdate: "z" }),
      col8: Column(Integer, { serverOnupdate: true, default: "x", serverDefault: "y", onupdate: "z" }),
      col4: Column(Integer, { default: "x", serverDefault: "y", serverOnupdate: true }),
    });
    expect(slots(t, "col5")).toEqual(["default", "onupdate", "serverDefault"]);
    expect(slots(t, "col8")).toEqual(["default", "onupdate", "serverDefault", "serverOnupdate"]);
    expect(slots(t, "col4")).toEqual(["default", "serverDefault", "serverOnupdate"]);
  });

  it("test_no_embed_in_sql: a Sequence is not a WHERE or VALUES expression", () => {
    const t = Table("some_table", new MetaData(), { id: Column(Integer), col4: Column(Integer) });
    const seq = new Sequence("y");
    // athanor words the WHERE error its own way (see Known differences).
    expect(() => select(t).where(seq as never)).toThrow(new ArgumentError("where() expects SQL boolean expressions; got Sequence object"));
    expect(() => insert(t).values({ col4: seq as never })).toThrow(new ArgumentError("SQL expression element expected, got Sequence"));
    expect(() => update(t).values({ col4: seq as never })).toThrow(new ArgumentError("SQL expression element expected, got Sequence"));
    // A server-side default object is no value either (SQLAlchemy's DefaultClause case).
    expect(() => insert(t).values({ col4: new FetchedValue() as never })).toThrow(new ArgumentError("SQL expression element expected, got FetchedValue"));
    // The sequence's expression is nextValue().
    expect(insert(t).values({ col4: seq.nextValue() }).compile().sql).toBe("INSERT INTO some_table (col4) VALUES (<next sequence value: y>)");
  });
});

describe("AutoIncrementTest (test_defaults.py): autoincrement column detection", () => {
  it("test_autoincrement_single_col: a lone integer key is the autoincrement column", () => {
    const single = Table("single", new MetaData(), { id: Column(Integer, { primaryKey: true }) });
    expect(single.autoincrementColumn).toBe(single.c.id);
  });

  it("test_autoincrement_ignore_fk: autoincrement 'ignore_fk' keeps a key with a foreign key", () => {
    const m = new MetaData();
    Table("y", m, { id: Column(Integer, { primaryKey: true }) });
    const x = Table("x", m, { id: Column(Integer, { foreignKey: "y.id", autoincrement: "ignore_fk", primaryKey: true }) });
    expect(x.autoincrementColumn).toBe(x.c.id);
    expect(x.c.id.autoincrement).toBe(true);
  });

  it("test_autoincrement_fk_disqualifies", () => {
    const m = new MetaData();
    Table("y", m, { id: Column(Integer, { primaryKey: true }) });
    const x = Table("x", m, { id: Column(Integer, { foreignKey: "y.id", primaryKey: true }) });
    expect(x.autoincrementColumn).toBeUndefined();
    expect(x.c.id.autoincrement).toBe(false);
  });

  it.each([
    ["Float", Float()],
    ["Double", Double()],
    ["Numeric", Numeric()],
    ["Numeric(10, 2)", Numeric(10, 2)],
  ])("test_autoincrement_not_float: %s", (_name, type) => {
    const t = Table("table", new MetaData(), { col: Column(type, { primaryKey: true }) });
    expect(t.autoincrementColumn).toBeUndefined();
    expect(t.c.col.autoincrementOption).toBe("auto");
  });

  it("a client or server default on the key disqualifies it (ServerDefaultsOnPKTest: _autoincrement_column is None)", () => {
    const a = Table("x", new MetaData(), { y: Column(Integer, { serverDefault: "5", primaryKey: true }), data: Column(String(10)) });
    expect(a.autoincrementColumn).toBeUndefined();
    const b = Table("x", new MetaData(), { y: Column(Integer, { default: 5, primaryKey: true }), data: Column(String(10)) });
    expect(b.autoincrementColumn).toBeUndefined();
  });
});

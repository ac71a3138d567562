/**
 * AsyncInspector on SQLite (libSQL, temp file): PRAGMA-based reflection with constraint
 * details read from the CREATE TABLE text. Ports SQLAlchemy's
 * test/dialect/sqlite/test_reflection.py ConstraintReflectionTest (foreign key names, implicit
 * parents, quoted and inline keys, ON DELETE / ON UPDATE, DEFERRABLE / INITIALLY, autoindexes,
 * partial indexes, named / unnamed / inline unique constraints, primary key names, CHECK
 * parsing with nesting, quote styles and parentheses in strings), ReflectHeadlessFKsTest and
 * TypeReflectionTest's affinity rules, plus test/engine/test_reflection.py's
 * test_nonexistent, test_views and CreateDropTest.test_has_table_and_table_names.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CheckConstraint, Column, createAsyncEngine, Date, DateTime, Double, event, Float, Index, inspector, Integer, JSON, LargeBinary, MetaData,
  NoSuchTableError, Numeric, PrimaryKeyConstraint, String, Table, Text, text, Boolean, UniqueConstraint, type AsyncEngine, type ReflectedColumn,
  type TypeEngine,
} from "../../src/index.js";
import { makeLibsqlDriver } from "../fixtures/databases.js";

const typeOf = (t: TypeEngine<unknown>): string => `${t.constructor.name} ${t.compileType({ name: "sqlite" })}`;
const cols = (cs: readonly ReflectedColumn[]) => cs.map((c) => ({ ...c, type: typeOf(c.type) }));

let engine: AsyncEngine;
let cleanup: () => Promise<void>;

/** The DDL of SQLAlchemy's ConstraintReflectionTest fixture, sent as written. */
const RAW = [
  "CREATE TABLE a1 (id INTEGER PRIMARY KEY)",
  "CREATE TABLE a2 (id INTEGER PRIMARY KEY)",
  "CREATE TABLE b (id INTEGER PRIMARY KEY, FOREIGN KEY(id) REFERENCES a1(id),FOREIGN KEY(id) REFERENCES a2(id))",
  "CREATE TABLE c (id INTEGER, CONSTRAINT bar PRIMARY KEY(id),CONSTRAINT foo1 FOREIGN KEY(id) REFERENCES a1(id),CONSTRAINT foo2 FOREIGN KEY(id) REFERENCES a2(id))",
  "CREATE TABLE d (id INTEGER, x INTEGER unique)",
  'CREATE TABLE d1 (id INTEGER, "some ( STUPID n,ame" INTEGER unique)',
  'CREATE TABLE d2 ( "some STUPID n,ame" INTEGER unique)',
  "CREATE TABLE e (id INTEGER, x INTEGER references a2(id))",
  'CREATE TABLE e1 (id INTEGER, "some ( STUPID n,ame" INTEGER references a2   ("some ( STUPID n,ame"))',
  "CREATE TABLE f (x INTEGER, CONSTRAINT foo_fx UNIQUE(x))",
  "CREATE TABLE h (x INTEGER, COnstraINT foo_hx unIQUE(x))",
  "CREATE TABLE i (x INTEGER, y INTEGER, PRIMARY KEY(x, y))",
  "CREATE TABLE j (id INTEGER, q INTEGER, p INTEGER, PRIMARY KEY(id), FOreiGN KEY(q,p) REFERENCes  i(x,y))",
  "CREATE TABLE k (id INTEGER, q INTEGER, p INTEGER, PRIMARY KEY(id), conSTRAINT my_fk FOreiGN KEY (  q  , p  )   REFERENCes   i    (  x ,   y ))",
  "create table o (foo varchar(20) primary key)",
  // SQLAlchemy creates this one from Table("l", …, schema="main") with an index=True column;
  // athanor renders CREATE INDEX … ON main.l there, which SQLite rejects (see the report).
  "CREATE TABLE l (bar VARCHAR)",
  "CREATE INDEX main.ix_main_l_bar ON l (bar)",
  "CREATE TABLE onud_test (id INTEGER PRIMARY KEY, c1 INTEGER, c2 INTEGER, c3 INTEGER, c4 INTEGER, " +
    "CONSTRAINT fk1 FOREIGN KEY (c1) REFERENCES a1(id) ON DELETE SET NULL, CONSTRAINT fk2 FOREIGN KEY (c2) REFERENCES a1(id) ON UPDATE CASCADE, " +
    "CONSTRAINT fk3 FOREIGN KEY (c3) REFERENCES a2(id) ON DELETE CASCADE ON UPDATE SET NULL,CONSTRAINT fk4 FOREIGN KEY (c4) REFERENCES a2(id) ON UPDATE NO ACTION)",
  "CREATE TABLE deferrable_test (id INTEGER PRIMARY KEY, c1 INTEGER, c2 INTEGER, c3 INTEGER, c4 INTEGER, " +
    "CONSTRAINT fk1 FOREIGN KEY (c1) REFERENCES a1(id) DEFERRABLE,CONSTRAINT fk2 FOREIGN KEY (c2) REFERENCES a1(id) NOT DEFERRABLE," +
    "CONSTRAINT fk3 FOREIGN KEY (c3) REFERENCES a2(id) ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED," +
    "CONSTRAINT fk4 FOREIGN KEY (c4) REFERENCES a2(id) NOT DEFERRABLE INITIALLY IMMEDIATE)",
  "CREATE TABLE cp (id INTEGER NOT NULL,\nq INTEGER, \np INTEGER, \nCONSTRAINT cq CHECK (p = 1 OR (p > 2 AND p < 5)),\nPRIMARY KEY (id)\n)",
  "CREATE TABLE cp_inline (\nid INTEGER NOT NULL,\nq INTEGER CHECK (q > 1 AND q < 6), \np INTEGER CONSTRAINT cq CHECK (p = 1 OR (p > 2 AND p < 5)),\nPRIMARY KEY (id)\n)",
  "CREATE TABLE implicit_referred (pk integer primary key)",
  "CREATE TABLE implicit_referrer (id integer REFERENCES implicit_referred)",
  "CREATE TABLE implicit_referred_comp (pk1 integer, pk2 integer, primary key (pk1, pk2))",
  "CREATE TABLE implicit_referrer_comp (id1 integer, id2 integer, foreign key(id1, id2) REFERENCES implicit_referred_comp)",
  "CREATE TABLE implicit_referrer_comp_fake (id1 integer, id2 integer, foreign key(id1, id2) REFERENCES fake_table)",
  "CREATE TABLE oneline ( field INTEGER CHECK(field>0))",
  "CREATE TABLE oneline_nested ( field INTEGER CHECK((field>0 and field<22) or (field>99 and field<1010)))",
  "CREATE TABLE oneline_2constraints ( pk INTEGER CONSTRAINT pkname PRIMARY KEY, field INTEGER CONSTRAINT chname CHECK((field>0 and field<22) or (field>99 and field<1010)))",
  "CREATE TABLE oneline_nameCHECK ( pk INTEGER CONSTRAINT pkname PRIMARY KEY )",
  "CREATE TABLE oneline_nameCONSTRAINT ( field INTEGER CHECK (field IN (1, 0, -1)) )",
  "CREATE TABLE twochecks_oneline (\nfield INTEGER,\nCHECK (field>1), CHECK(  field<9)\n)",
  "CREATE TABLE quote_styles ( field INTEGER, CONSTRAINT \"double_quoted\" CHECK (field > 0), CONSTRAINT 'single_quoted' CHECK (field < 100), " +
    "CONSTRAINT [bracket_quoted] CHECK (field != 50), CONSTRAINT `backtick_quoted` CHECK (field >= 10))",
  "CREATE TABLE parens_in_strings ( field TEXT, CHECK (field != '('), CHECK (field != ')'), CHECK (field IN (')', '(', 'test')), " +
    "CHECK (field != 'it''s (not) valid'), CHECK (field NOT IN ('()', 'a''b''c', ')')))",
  "create table foo_with_partial_index (x integer, y integer)",
  "create unique index ix_partial on foo_with_partial_index (x) where y > 10",
  "create unique index ix_no_partial on foo_with_partial_index (x)",
  "CREATE TABLE affinity (a INT, b VARCHAR(7), c LONGTEXT, d, e FLOAT8, f DOUBLE PRECISION, g BLOBISH, h DECIMAL(8, 3), i DATETIME, j SOMETHING)",
  "CREATE VIEW users_v AS SELECT id, name FROM users",
];

const md = new MetaData();
Table("users", md, {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(30), { nullable: false }),
  score: Column(Numeric(10, 2), { serverDefault: text("0") }),
  active: Column(Boolean, { serverDefault: text("1") }),
  created: Column(DateTime),
  born: Column(Date),
  doc: Column(JSON),
  blob: Column(LargeBinary),
  ratio: Column(Float(24)),
  dbl: Column(Double),
  body: Column(Text, { serverDefault: "it's" }),
}, new UniqueConstraint("name", { name: "uq_users_name" }), new Index("ix_users_created", "created"));
Table("m", md, { id: Column(Integer, { primaryKey: true }), x: Column(String(30)) }, new UniqueConstraint("x"));
Table("p", md, { id: Column(Integer) }, new PrimaryKeyConstraint(["id"], { name: "pk_name" }));
Table("q", md, { id: Column(Integer) }, new PrimaryKeyConstraint(["id"]));
Table("r", md, {
  id: Column(Integer), value: Column(Integer), prefix: Column(String),
}, new CheckConstraint("id > 0"), new UniqueConstraint("prefix", { name: "prefix_named" }),
new CheckConstraint("((value > 0) AND \n\t(value < 100) AND \n\t\n                      (value != 50))", { name: "ck_r_value_multiline" }),
new UniqueConstraint("value"), new CheckConstraint("value IS NOT NULL", { name: "^check-r* #\n\t" }), new PrimaryKeyConstraint(["id"], { name: "pk_name" }),
new CheckConstraint("prefix NOT GLOB '*[^-. /#,]*'"));

beforeAll(async () => {
  const d = await makeLibsqlDriver("file");
  engine = createAsyncEngine(d.driver);
  await engine.begin(async (c) => {
    await md.createAll(c);
    for (const sql of RAW) await c.execDriverSql(sql);
  });
  cleanup = async () => {
    await engine.dispose();
    await d.cleanup();
  };
});
afterAll(() => cleanup?.());

const fk = (o: Partial<{ name: string | null; constrainedColumns: string[]; referredTable: string; referredColumns: string[]; options: object }>) => ({
  name: null, referredSchema: null, options: {}, ...o,
});

describe("AsyncInspector on SQLite", () => {
  it("lists schemas, tables and views; SQLite has no sequences", async () => {
    const i = inspector(engine);
    expect(i.dialectName).toBe("sqlite");
    expect(await i.getDefaultSchemaName()).toBe("main");
    expect(await i.getSchemaNames()).toEqual(["main"]);
    expect(await i.hasSchema("main")).toBe(true);
    expect(await i.hasSchema("temp")).toBe(false);
    const tables = await i.getTableNames();
    expect(tables.slice(0, 6)).toEqual(["a1", "a2", "affinity", "b", "c", "cp"]);
    expect(tables).toContain("users");
    expect(tables).not.toContain("users_v");
    expect(tables.filter((t) => t.startsWith("sqlite_"))).toEqual([]);
    expect(await i.getTableNames("main")).toEqual(tables);
    expect(await i.getViewNames()).toEqual(["users_v"]);
    expect(await i.getSequenceNames()).toEqual([]);
    expect(await i.hasSequence("anything")).toBe(false);
    expect(await i.hasTable("users")).toBe(true);
    expect(await i.hasTable("users_v")).toBe(true);
    expect(await i.hasTable("nope")).toBe(false);
  });

  it("reflects columns: declared types, NOT NULL, defaults as written, the rowid alias as autoincrement", async () => {
    const base = { default: null, autoincrement: false, nullable: true };
    expect(cols(await inspector(engine).getColumns("users"))).toEqual([
      { ...base, name: "id", type: "IntegerType INTEGER", nullable: false, autoincrement: true },
      { ...base, name: "name", type: "StringType VARCHAR(30)", nullable: false },
      { ...base, name: "score", type: "NumericType NUMERIC(10, 2)", default: "0" },
      { ...base, name: "active", type: "BooleanType BOOLEAN", default: "1" },
      { ...base, name: "created", type: "DateTimeType DATETIME" },
      { ...base, name: "born", type: "DateType DATE" },
      { ...base, name: "doc", type: "JSONType JSON" },
      { ...base, name: "blob", type: "LargeBinaryType BLOB" },
      { ...base, name: "ratio", type: "FloatType REAL" },
      { ...base, name: "dbl", type: "DoubleType DOUBLE" },
      { ...base, name: "body", type: "TextType TEXT", default: "'it''s'" },
    ]);
    // A composite key has no rowid alias; nor does a non-INTEGER key.
    expect((await inspector(engine).getColumns("i")).map((c) => c.autoincrement)).toEqual([false, false]);
    expect((await inspector(engine).getColumns("o")).map((c) => [c.name, c.autoincrement])).toEqual([["foo", false]]);
    expect(cols(await inspector(engine).getColumns("users_v")).map((c) => [c.name, c.type])).toEqual([["id", "IntegerType INTEGER"], ["name", "StringType VARCHAR(30)"]]);
  });

  it("maps other declared types by SQLite's affinity rules (TypeReflectionTest)", async () => {
    expect(cols(await inspector(engine).getColumns("affinity")).map((c) => [c.name, c.type])).toEqual([
      ["a", "IntegerType INTEGER"],
      ["b", "StringType VARCHAR(7)"],
      ["c", "TextType TEXT"],
      ["d", "NullType NULL"],
      ["e", "FloatType REAL"],
      ["f", "DoubleType DOUBLE"],
      ["g", "NullType NULL"],
      ["h", "NumericType NUMERIC(8, 3)"],
      ["i", "DateTimeType DATETIME"],
      ["j", "NumericType NUMERIC"],
    ]);
  });

  it("reads foreign key names and options from the table text", async () => {
    const i = inspector(engine);
    expect(await i.getForeignKeys("b")).toEqual([
      fk({ constrainedColumns: ["id"], referredTable: "a1", referredColumns: ["id"] }),
      fk({ constrainedColumns: ["id"], referredTable: "a2", referredColumns: ["id"] }),
    ]);
    expect(await i.getForeignKeys("c")).toEqual([
      fk({ name: "foo1", constrainedColumns: ["id"], referredTable: "a1", referredColumns: ["id"] }),
      fk({ name: "foo2", constrainedColumns: ["id"], referredTable: "a2", referredColumns: ["id"] }),
    ]);
    expect(await i.getForeignKeys("implicit_referrer")).toEqual([fk({ constrainedColumns: ["id"], referredTable: "implicit_referred", referredColumns: ["pk"] })]);
    expect(await i.getForeignKeys("implicit_referrer_comp")).toEqual([
      fk({ constrainedColumns: ["id1", "id2"], referredTable: "implicit_referred_comp", referredColumns: ["pk1", "pk2"] }),
    ]);
    expect(await i.getForeignKeys("implicit_referrer_comp_fake")).toEqual([
      fk({ constrainedColumns: ["id1", "id2"], referredTable: "fake_table", referredColumns: [] }),
    ]);
    expect(await i.getForeignKeys("e")).toEqual([fk({ constrainedColumns: ["x"], referredTable: "a2", referredColumns: ["id"] })]);
    expect(await i.getForeignKeys("e1")).toEqual([
      fk({ constrainedColumns: ["some ( STUPID n,ame"], referredTable: "a2", referredColumns: ["some ( STUPID n,ame"] }),
    ]);
    expect(await i.getForeignKeys("j")).toEqual([fk({ constrainedColumns: ["q", "p"], referredTable: "i", referredColumns: ["x", "y"] })]);
    expect(await i.getForeignKeys("k")).toEqual([fk({ name: "my_fk", constrainedColumns: ["q", "p"], referredTable: "i", referredColumns: ["x", "y"] })]);
    expect(await i.getForeignKeys("onud_test")).toEqual([
      fk({ name: "fk1", constrainedColumns: ["c1"], referredTable: "a1", referredColumns: ["id"], options: { ondelete: "SET NULL" } }),
      fk({ name: "fk2", constrainedColumns: ["c2"], referredTable: "a1", referredColumns: ["id"], options: { onupdate: "CASCADE" } }),
      fk({ name: "fk3", constrainedColumns: ["c3"], referredTable: "a2", referredColumns: ["id"], options: { ondelete: "CASCADE", onupdate: "SET NULL" } }),
      fk({ name: "fk4", constrainedColumns: ["c4"], referredTable: "a2", referredColumns: ["id"] }),
    ]);
    expect(await i.getForeignKeys("deferrable_test")).toEqual([
      fk({ name: "fk1", constrainedColumns: ["c1"], referredTable: "a1", referredColumns: ["id"], options: { deferrable: true } }),
      fk({ name: "fk2", constrainedColumns: ["c2"], referredTable: "a1", referredColumns: ["id"], options: { deferrable: false } }),
      fk({ name: "fk3", constrainedColumns: ["c3"], referredTable: "a2", referredColumns: ["id"], options: { onupdate: "CASCADE", deferrable: true, initially: "DEFERRED" } }),
      fk({ name: "fk4", constrainedColumns: ["c4"], referredTable: "a2", referredColumns: ["id"], options: { deferrable: false, initially: "IMMEDIATE" } }),
    ]);
    expect(await i.getForeignKeys("a1")).toEqual([]);
  });

  it("reflects indexes without the autoindexes, with partial predicates", async () => {
    const i = inspector(engine);
    expect(await i.getIndexes("o")).toEqual([]);
    expect(await i.getIndexes("users")).toEqual([{ name: "ix_users_created", columnNames: ["created"], unique: false }]);
    expect(await i.getIndexes("l", "main")).toEqual([{ name: "ix_main_l_bar", columnNames: ["bar"], unique: false }]);
    expect(await i.getIndexes("foo_with_partial_index")).toEqual([
      { name: "ix_no_partial", columnNames: ["x"], unique: true },
      { name: "ix_partial", columnNames: ["x"], unique: true, dialectOptions: { sqliteWhere: "y > 10" } },
    ]);
    expect(await i.hasIndex("foo_with_partial_index", "ix_partial")).toBe(true);
    expect(await i.hasIndex("o", "sqlite_autoindex_o_1")).toBe(false);
  });

  it("reflects unique constraints, named, unnamed and inline", async () => {
    const i = inspector(engine);
    expect(await i.getUniqueConstraints("f")).toEqual([{ columnNames: ["x"], name: "foo_fx" }]);
    expect(await i.getUniqueConstraints("h")).toEqual([{ columnNames: ["x"], name: "foo_hx" }]);
    expect(await i.getUniqueConstraints("d")).toEqual([{ columnNames: ["x"], name: null }]);
    expect(await i.getUniqueConstraints("d1")).toEqual([{ columnNames: ["some ( STUPID n,ame"], name: null }]);
    expect(await i.getUniqueConstraints("d2")).toEqual([{ columnNames: ["some STUPID n,ame"], name: null }]);
    expect(await i.getUniqueConstraints("m")).toEqual([{ columnNames: ["x"], name: null }]);
    expect(await i.getUniqueConstraints("r")).toEqual([{ name: "prefix_named", columnNames: ["prefix"] }, { name: null, columnNames: ["value"] }]);
    expect(await i.getUniqueConstraints("users")).toEqual([{ name: "uq_users_name", columnNames: ["name"] }]);
    expect(await i.getUniqueConstraints("a1")).toEqual([]);
  });

  it("reflects primary key names", async () => {
    const i = inspector(engine);
    expect(await i.getPkConstraint("p")).toEqual({ constrainedColumns: ["id"], name: "pk_name" });
    expect(await i.getPkConstraint("q")).toEqual({ constrainedColumns: ["id"], name: null });
    expect(await i.getPkConstraint("r")).toEqual({ constrainedColumns: ["id"], name: "pk_name" });
    expect(await i.getPkConstraint("c")).toEqual({ constrainedColumns: ["id"], name: "bar" });
    expect(await i.getPkConstraint("i")).toEqual({ constrainedColumns: ["x", "y"], name: null });
    expect(await i.getPkConstraint("oneline_2constraints")).toEqual({ constrainedColumns: ["pk"], name: null });
    expect(await i.getPkConstraint("d")).toEqual({ constrainedColumns: [], name: null });
  });

  it("parses CHECK constraints: names, nesting, quote styles, parentheses in strings", async () => {
    const i = inspector(engine);
    expect(await i.getCheckConstraints("cp")).toEqual([{ sqltext: "p = 1 OR (p > 2 AND p < 5)", name: "cq" }]);
    expect(await i.getCheckConstraints("cp_inline")).toEqual([
      { sqltext: "p = 1 OR (p > 2 AND p < 5)", name: "cq" },
      { sqltext: "q > 1 AND q < 6", name: null },
    ]);
    expect(await i.getCheckConstraints("r")).toEqual([
      { sqltext: "value IS NOT NULL", name: "^check-r* #\n\t" },
      { sqltext: "((value > 0) AND \n\t(value < 100) AND \n\t\n                      (value != 50))", name: "ck_r_value_multiline" },
      { sqltext: "id > 0", name: null },
      { sqltext: "prefix NOT GLOB '*[^-. /#,]*'", name: null },
    ]);
    expect(await i.getCheckConstraints("oneline")).toEqual([{ sqltext: "field>0", name: null }]);
    expect(await i.getCheckConstraints("oneline_nested")).toEqual([{ sqltext: "(field>0 and field<22) or (field>99 and field<1010)", name: null }]);
    expect(await i.getCheckConstraints("oneline_2constraints")).toEqual([{ sqltext: "(field>0 and field<22) or (field>99 and field<1010)", name: "chname" }]);
    expect(await i.getCheckConstraints("oneline_nameCHECK")).toEqual([]);
    expect(await i.getCheckConstraints("oneline_nameCONSTRAINT")).toEqual([{ sqltext: "field IN (1, 0, -1)", name: null }]);
    expect(await i.getCheckConstraints("twochecks_oneline")).toEqual([{ sqltext: "field>1", name: null }, { sqltext: "field<9", name: null }]);
    expect(await i.getCheckConstraints("quote_styles")).toEqual([
      { sqltext: "field >= 10", name: "backtick_quoted" },
      { sqltext: "field != 50", name: "bracket_quoted" },
      { sqltext: "field > 0", name: "double_quoted" },
      { sqltext: "field < 100", name: "single_quoted" },
    ]);
    expect(await i.getCheckConstraints("parens_in_strings")).toEqual([
      { sqltext: "field != '('", name: null },
      { sqltext: "field != ')'", name: null },
      { sqltext: "field IN (')', '(', 'test')", name: null },
      { sqltext: "field != 'it''s (not) valid'", name: null },
      { sqltext: "field NOT IN ('()', 'a''b''c', ')')", name: null },
    ]);
  });

  it("answers getMulti* table by table, as SQLAlchemy's SQLite dialect does", async () => {
    const i = inspector(engine);
    const only = { filterNames: ["c", "k", "users", "users_v", "nope"] };
    const fks = await i.getMultiForeignKeys(undefined, only);
    expect([...fks.keys()]).toEqual(["c", "k", "users"]);
    expect(fks.get("k")).toEqual(await inspector(engine).getForeignKeys("k"));
    expect(await i.getForeignKeys("c")).toBe(fks.get("c"));
    expect(Object.fromEntries(await i.getMultiPkConstraint(undefined, only))).toEqual({
      c: { constrainedColumns: ["id"], name: "bar" }, k: { constrainedColumns: ["id"], name: null }, users: { constrainedColumns: ["id"], name: null },
    });
    expect([...(await i.getMultiColumns(undefined, { ...only, kind: "any" })).keys()]).toEqual(["c", "k", "users", "users_v"]);
    expect(await i.getMaterializedViewNames()).toEqual([]);
  });

  it("has no comments: getTableComment gives { text: null }", async () => {
    expect(await inspector(engine).getTableComment("users")).toEqual({ text: null });
  });

  it("raises NoSuchTableError for a missing table from every per-table method (test_nonexistent)", async () => {
    const i = inspector(engine);
    for (const call of [
      () => i.getColumns("nope"), () => i.getPkConstraint("nope"), () => i.getForeignKeys("nope"), () => i.getIndexes("nope"),
      () => i.getUniqueConstraints("nope"), () => i.getCheckConstraints("nope"), () => i.getTableComment("nope"),
    ]) {
      await expect(call()).rejects.toThrow(new NoSuchTableError("nope"));
    }
    await expect(i.getColumns("users", "nowhere")).rejects.toThrow(/no such database|unknown database/);
    // A referred table that does not exist (test_foreign_key_implicit_missing_parent_reflection).
    const m = new MetaData();
    await expect(Table.reflect("implicit_referrer_comp_fake", m, engine)).rejects.toThrow(new NoSuchTableError("fake_table"));
    expect([...m.tables.keys()]).toEqual([]);
  });

  it("caches per inspector; clearCache() and a new inspector see changes (test_has_table_and_table_names)", async () => {
    const sent: string[] = [];
    const listener = (_c: unknown, _cur: unknown, sql: string) => void sent.push(sql);
    event.listen(engine, "beforeCursorExecute", listener);
    try {
      await engine.connect(async (conn) => {
        const i = inspector(conn);
        expect(await i.hasTable("a1")).toBe(true);
        expect(await i.getTableNames()).toContain("a1");
        const fks = await i.getForeignKeys("b");
        const n = sent.length;
        expect(n).toBe(4); // hasTable, names, foreign_key_list, the CREATE TABLE text
        await conn.execDriverSql("CREATE TABLE scratch (x INTEGER)");
        await conn.execDriverSql("DROP TABLE a1");
        sent.length = 0;
        expect(await i.hasTable("a1")).toBe(true);
        expect(await i.getTableNames()).toContain("a1");
        expect(await i.getForeignKeys("b")).toBe(fks);
        expect(sent).toEqual([]);
        i.clearCache();
        expect(await i.hasTable("a1")).toBe(false);
        expect(await i.getTableNames()).not.toContain("a1");
        expect(await i.getTableNames()).toContain("scratch");
        expect(sent.length).toBe(2);
        expect(await inspector(conn).hasTable("scratch")).toBe(true);
        await conn.rollback();
      });
    } finally {
      event.remove(engine, "beforeCursorExecute", listener);
    }
  });
});

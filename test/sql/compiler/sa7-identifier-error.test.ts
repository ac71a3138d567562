/**
 * IdentifierError (SQLAlchemy's `Dialect.validate_identifier`): a name PostgreSQL would cut to
 * 63 characters is refused — an explicit index or constraint name at DDL compile
 * (test/sql/test_constraints.py ConstraintCompilationTest, the max_identifier_length case), a
 * table name before createAll / dropAll run anything (test/sql/test_labels.py
 * test_too_long_name_disallowed). Names a naming convention makes are cut to fit instead, and
 * SQLite has no limit to enforce.
 */
import { describe, expect, it } from "vitest";
import { Column, CreateIndex, CreateTable, IdentifierError, Index, Integer, MetaData, Table, UniqueConstraint, createAsyncEngine, event } from "../../../src/index.js";
import { makeLibsqlDriver, makePgDriver } from "../../fixtures/databases.js";
import { compile } from "./helpers.js";

const long = "this_other_name_is_too_long_for_what_were_doing_because_it_is_over_63";

describe("IdentifierError", () => {
  it("an explicit index name over 63 characters does not compile for PostgreSQL; SQLite takes it", () => {
    const t = Table("t", new MetaData(), { c: Column(Integer) });
    const ix = new Index(long, t.c.c);
    expect(() => compile(new CreateIndex(ix), "postgresql")).toThrow(new IdentifierError(`Identifier '${long}' exceeds maximum length of 63 characters`));
    expect(compile(new CreateIndex(ix), "sqlite").sql).toBe(`CREATE INDEX ${long} ON t (c)`);
  });

  it("an explicit constraint name too, while a convention name is cut with a hash suffix", () => {
    const t = Table("t2", new MetaData(), { c: Column(Integer) }, new UniqueConstraint("c", { name: long }));
    expect(() => compile(new CreateTable(t), "postgresql")).toThrow(IdentifierError);
    const conv = new MetaData({ namingConvention: { uq: "uq_%(table_name)s_%(column_0_name)s" } });
    const wide = Table("t_with_a_rather_long_name_for_this_test", conv, {
      a_column_with_a_long_name_as_well: Column(Integer, { unique: true }),
    });
    const sql = compile(new CreateTable(wide), "postgresql").sql;
    const name = /CONSTRAINT (\S+) UNIQUE/.exec(sql)![1]!;
    // SQLAlchemy's _truncate_and_render_maxlen_name: the first 63 - 8 characters, "_", 4 hex digits of the MD5.
    expect(name).toMatch(/^uq_t_with_a_rather_long_name_for_this_test_a_column_wit_[0-9a-f]{4}$/);
    expect(name).toHaveLength(60);
  });

  it("createAll and dropAll on PostgreSQL refuse a table name over 63 characters before running anything", async () => {
    const md = new MetaData();
    Table(long, md, { foo: Column(Integer) });
    const engine = createAsyncEngine(await makePgDriver());
    const sent: string[] = [];
    event.listen(engine, "beforeCursorExecute", (_c: unknown, _cur: unknown, sql: string) => void sent.push(sql));
    try {
      await expect(engine.begin((c) => md.createAll(c))).rejects.toThrow(new IdentifierError(`Identifier '${long}' exceeds maximum length of 63 characters`));
      await expect(engine.begin((c) => md.dropAll(c))).rejects.toThrow(IdentifierError);
      await expect(engine.begin((c) => md.createAll(c, { checkFirst: false }))).rejects.toThrow(IdentifierError);
      expect(sent.filter((s) => !/^(BEGIN|COMMIT|ROLLBACK)/.test(s))).toEqual([]);
    } finally {
      await engine.dispose();
    }
  });

  it("SQLite creates and drops the same table", async () => {
    const md = new MetaData();
    Table(long, md, { foo: Column(Integer) });
    const d = await makeLibsqlDriver("file");
    const engine = createAsyncEngine(d.driver);
    try {
      await engine.begin((c) => md.createAll(c));
      await engine.begin((c) => md.dropAll(c));
    } finally {
      await engine.dispose();
      await d.cleanup();
    }
  });
});

describe("CREATE INDEX in a schema on SQLite", () => {
  it("puts the schema on the index name, not the table, as SQLAlchemy's SQLite DDL compiler", () => {
    const t = Table("l", new MetaData(), { bar: Column(Integer) }, { schema: "main" });
    const ix = new Index("ix", t.c.bar);
    expect(compile(new CreateIndex(ix), "sqlite").sql).toBe("CREATE INDEX main.ix ON l (bar)");
    expect(compile(new CreateIndex(ix), "postgresql").sql).toBe("CREATE INDEX ix ON main.l (bar)");
  });
});

/**
 * CREATE TABLE / INDEX / constraint DDL of SQLAlchemy's test/dialect/postgresql/test_compiler.py
 * and test/dialect/sqlite/test_compiler.py: PostgreSQL index options (where, using, ops,
 * include, with, tablespace, nulls not distinct, concurrently), constraint options (include,
 * nulls not distinct, not valid), table options (inherits, partition by, using, with, oids,
 * on commit, tablespace), and SQLite's partial indexes, table options, AUTOINCREMENT and
 * cross-schema foreign keys.
 */
import { describe, expect, it } from "vitest";
import {
  AddConstraint, CheckConstraint, Column, CompileError, CreateIndex, CreateTable, DropIndex, ForeignKey, ForeignKeyConstraint, Index, Integer,
  MetaData, PrimaryKeyConstraint, String, Table, UniqueConstraint, and, func, text, type ClauseElement,
} from "../../../src/index.js";
import { postgresqlDialect, sqliteDialect } from "./helpers.js";

/** SQLAlchemy's assert_compile for DDL: newlines and tabs removed. */
function ddl(stmt: ClauseElement, dialect: "default" | "postgresql" | "sqlite" = "postgresql"): string {
  const d = dialect === "postgresql" ? postgresqlDialect : dialect === "sqlite" ? sqliteDialect : undefined;
  return stmt.compile(d ? { dialect: d } : {}).sql.replace(/[\n\t]/g, "");
}

describe("PostgreSQL CREATE INDEX options", () => {
  it("postgresqlWhere: a partial index, rendered without table names", () => {
    const tbl = Table("testtbl", new MetaData(), { data: Column(Integer) });
    const idx = new Index("test_idx1", tbl.c.data, { postgresqlWhere: and(tbl.c.data.gt(5), tbl.c.data.lt(10)) });
    // athanor's String and Integer refuse each other's literals, so the string comparison gets a VARCHAR column.
    const stbl = Table("testtbl", new MetaData(), { data: Column(String) });
    const idx2 = new Index("test_idx2", stbl.c.data, { postgresqlWhere: and(stbl.c.data.gt("a"), stbl.c.data.lt("b's")) });
    const idx3 = new Index("test_idx2", tbl.c.data, { postgresqlWhere: text("data > 'a' AND data < 'b''s'") });
    expect(ddl(new CreateIndex(idx))).toBe("CREATE INDEX test_idx1 ON testtbl (data) WHERE data > 5 AND data < 10");
    expect(ddl(new CreateIndex(idx2))).toBe("CREATE INDEX test_idx2 ON testtbl (data) WHERE data > 'a' AND data < 'b''s'");
    expect(ddl(new CreateIndex(idx3))).toBe("CREATE INDEX test_idx2 ON testtbl (data) WHERE data > 'a' AND data < 'b''s'");
    // Only PostgreSQL reads postgresqlWhere.
    expect(ddl(new CreateIndex(idx), "sqlite")).toBe("CREATE INDEX test_idx1 ON testtbl (data)");
  });

  it("postgresqlOps by column key", () => {
    const tbl = Table("testtbl", new MetaData(), { data: Column(String), d2: Column(Integer, { name: "data2" }) });
    const idx = new Index("test_idx1", tbl.c.data, { postgresqlOps: { data: "text_pattern_ops" } });
    const idx2 = new Index("test_idx2", tbl.c.data, tbl.c.d2, { postgresqlOps: { data: "text_pattern_ops", d2: "int4_ops" } });
    expect(ddl(new CreateIndex(idx))).toBe("CREATE INDEX test_idx1 ON testtbl (data text_pattern_ops)");
    expect(ddl(new CreateIndex(idx2))).toBe("CREATE INDEX test_idx2 ON testtbl (data text_pattern_ops, data2 int4_ops)");
    expect(ddl(new CreateIndex(idx2), "sqlite")).toBe("CREATE INDEX test_idx2 ON testtbl (data, data2)");
  });

  it("postgresqlOps by label name; labelled expressions render without AS", () => {
    const tbl = Table("testtbl", new MetaData(), { data: Column(String), d2: Column(Integer, { name: "data2" }) });
    const idx = new Index("test_idx1", func.lower(tbl.c.data).label("data_lower"), { postgresqlOps: { data_lower: "text_pattern_ops" } });
    const idx2 = new Index("test_idx2", func.xyz(tbl.c.data).add(tbl.c.d2).label("bar"), tbl.c.d2.label("foo"), { postgresqlOps: { bar: "text_pattern_ops", foo: "int4_ops" } });
    expect(ddl(new CreateIndex(idx))).toBe("CREATE INDEX test_idx1 ON testtbl (lower(data) text_pattern_ops)");
    expect(ddl(new CreateIndex(idx2))).toBe("CREATE INDEX test_idx2 ON testtbl ((xyz(data) + data2) text_pattern_ops, data2 int4_ops)");
  });

  it("text elements and ops on mixed elements", () => {
    const tbl = Table("testtbl", new MetaData(), { d1: Column(String), d2: Column(Integer) });
    const idx = new Index("test_idx1", text("x"));
    tbl.appendConstraint(idx);
    const idx2 = new Index("test_idx2", text("y"), tbl.c.d2);
    const idx3 = new Index("test_idx2", tbl.c.d1, text("y"), tbl.c.d2, { postgresqlOps: { d1: "x1", d2: "x2" } });
    const idx4 = new Index("test_idx2", tbl.c.d1, tbl.c.d2.gt(5), text("q"), { postgresqlOps: { d1: "x1", d2: "x2" } });
    const idx5 = new Index("test_idx2", tbl.c.d1, tbl.c.d2.gt(5).label("g"), text("q"), { postgresqlOps: { d1: "x1", g: "x2" } });
    expect(ddl(new CreateIndex(idx))).toBe("CREATE INDEX test_idx1 ON testtbl (x)");
    expect(ddl(new CreateIndex(idx2))).toBe("CREATE INDEX test_idx2 ON testtbl (y, d2)");
    expect(ddl(new CreateIndex(idx3))).toBe("CREATE INDEX test_idx2 ON testtbl (d1 x1, y, d2 x2)");
    expect(ddl(new CreateIndex(idx4))).toBe("CREATE INDEX test_idx2 ON testtbl (d1 x1, (d2 > 5), q)");
    expect(ddl(new CreateIndex(idx5))).toBe("CREATE INDEX test_idx2 ON testtbl (d1 x1, (d2 > 5) x2, q)");
  });

  it("postgresqlUsing, lower-cased; anything but a word is refused", () => {
    const tbl = Table("testtbl", new MetaData(), { data: Column(String) });
    expect(ddl(new CreateIndex(new Index("test_idx1", tbl.c.data)))).toBe("CREATE INDEX test_idx1 ON testtbl (data)");
    expect(ddl(new CreateIndex(new Index("test_idx2", tbl.c.data, { postgresqlUsing: "btree" })))).toBe("CREATE INDEX test_idx2 ON testtbl USING btree (data)");
    expect(ddl(new CreateIndex(new Index("test_idx3", tbl.c.data, { postgresqlUsing: "hash" })))).toBe("CREATE INDEX test_idx3 ON testtbl USING hash (data)");
    expect(ddl(new CreateIndex(new Index("test_idx1", tbl.c.data, { postgresqlUsing: "GIST" })))).toBe("CREATE INDEX test_idx1 ON testtbl USING gist (data)");
    expect(ddl(new CreateIndex(new Index("test_idx1", tbl.c.data, { postgresqlUsing: "some_custom_method" })))).toBe("CREATE INDEX test_idx1 ON testtbl USING some_custom_method (data)");
    const bad = new CreateIndex(new Index("test_idx2", tbl.c.data, { postgresqlUsing: "gin invalid sql" }));
    expect(() => ddl(bad)).toThrow(CompileError);
    expect(() => ddl(bad)).toThrow(/^Unexpected SQL phrase: 'gin invalid sql'/);
  });

  it("postgresqlWith storage parameters", () => {
    const tbl = Table("testtbl", new MetaData(), { data: Column(String) });
    expect(ddl(new CreateIndex(new Index("test_idx2", tbl.c.data, { postgresqlWith: { fillfactor: 50 } })))).toBe("CREATE INDEX test_idx2 ON testtbl (data) WITH (fillfactor = 50)");
    expect(ddl(new CreateIndex(new Index("test_idx3", tbl.c.data, { postgresqlUsing: "gist", postgresqlWith: { buffering: "off" } })))).toBe(
      "CREATE INDEX test_idx3 ON testtbl USING gist (data) WITH (buffering = off)",
    );
    expect(ddl(new CreateIndex(new Index("test_idx4", tbl.c.data, { postgresqlUsing: "gin", postgresqlWith: { fastupdate: false, gin_pending_list_limit: 4096 } })))).toBe(
      "CREATE INDEX test_idx4 ON testtbl USING gin (data) WITH (fastupdate = false, gin_pending_list_limit = 4096)",
    );
    expect(ddl(new CreateIndex(new Index("test_idx5", tbl.c.data, { postgresqlUsing: "brin", postgresqlWith: { pages_per_range: 1, autosummarize: null } })))).toBe(
      "CREATE INDEX test_idx5 ON testtbl USING brin (data) WITH (pages_per_range = 1, autosummarize)",
    );
  });

  it("postgresqlTablespace, quoted when needed; several options in PostgreSQL's order", () => {
    const tbl = Table("testtbl", new MetaData(), { data: Column(Integer) });
    expect(ddl(new CreateIndex(new Index("test_idx2", tbl.c.data, { postgresqlTablespace: "sometablespace" })))).toBe("CREATE INDEX test_idx2 ON testtbl (data) TABLESPACE sometablespace");
    expect(ddl(new CreateIndex(new Index("test_idx3", tbl.c.data, { postgresqlTablespace: "another table space" })))).toBe('CREATE INDEX test_idx3 ON testtbl (data) TABLESPACE "another table space"');
    const idx1 = new Index("test_idx1", tbl.c.data, {
      postgresqlUsing: "btree", postgresqlTablespace: "atablespace", postgresqlWith: { fillfactor: 60 }, postgresqlWhere: and(tbl.c.data.gt(5), tbl.c.data.lt(10)),
    });
    expect(ddl(new CreateIndex(idx1))).toBe("CREATE INDEX test_idx1 ON testtbl USING btree (data) WITH (fillfactor = 60) TABLESPACE atablespace WHERE data > 5 AND data < 10");
  });

  it("postgresqlInclude by name or Column", () => {
    const tbl = Table("test", new MetaData(), { x: Column(Integer), y: Column(Integer), z: Column(Integer) });
    expect(ddl(new CreateIndex(new Index("foo", tbl.c.x, { postgresqlInclude: ["y"] })))).toBe("CREATE INDEX foo ON test (x) INCLUDE (y)");
    expect(ddl(new CreateIndex(new Index("foo", tbl.c.x, { postgresqlInclude: [tbl.c.y] })))).toBe("CREATE INDEX foo ON test (x) INCLUDE (y)");
  });

  it("postgresqlNullsNotDistinct, with every clause in order", () => {
    const tbl = Table("test_tbl", new MetaData(), { data: Column(String), data2: Column(Integer), data3: Column(Integer) });
    expect(ddl(new CreateIndex(new Index("test_idx1", tbl.c.data, { unique: true, postgresqlNullsNotDistinct: true })))).toBe("CREATE UNIQUE INDEX test_idx1 ON test_tbl (data) NULLS NOT DISTINCT");
    expect(ddl(new CreateIndex(new Index("test_idx2", tbl.c.data2, { unique: true, postgresqlNullsNotDistinct: false })))).toBe("CREATE UNIQUE INDEX test_idx2 ON test_tbl (data2) NULLS DISTINCT");
    expect(ddl(new CreateIndex(new Index("test_idx3", tbl.c.data3, { unique: true })))).toBe("CREATE UNIQUE INDEX test_idx3 ON test_tbl (data3)");
    const complex = new Index("test_idx3_complex", tbl.c.data3, {
      postgresqlNullsNotDistinct: true, postgresqlInclude: ["data2"], postgresqlWhere: and(tbl.c.data3.gt(5)), postgresqlWith: { fillfactor: 50 },
    });
    expect(ddl(new CreateIndex(complex))).toBe("CREATE INDEX test_idx3_complex ON test_tbl (data3) INCLUDE (data2) NULLS NOT DISTINCT WITH (fillfactor = 50) WHERE data3 > 5");
  });

  it("expressions get their own parentheses", () => {
    const tbl = Table("testtbl", new MetaData(), { x: Column(Integer), y: Column(Integer), data: Column(Integer) });
    expect(ddl(new CreateIndex(new Index("test_idx1", tbl.c.data.add(5))))).toBe("CREATE INDEX test_idx1 ON testtbl ((data + 5))");
  });

  it("postgresqlConcurrently on CREATE and DROP INDEX", () => {
    const tbl = Table("testtbl", new MetaData(), { data: Column(Integer) });
    const idx1 = new Index("test_idx1", tbl.c.data, { postgresqlConcurrently: true });
    expect(ddl(new CreateIndex(idx1))).toBe("CREATE INDEX CONCURRENTLY test_idx1 ON testtbl (data)");
    expect(ddl(new DropIndex(idx1))).toBe("DROP INDEX CONCURRENTLY test_idx1");
    expect(ddl(new CreateIndex(idx1, { ifNotExists: true }))).toBe("CREATE INDEX CONCURRENTLY IF NOT EXISTS test_idx1 ON testtbl (data)");
    expect(ddl(new DropIndex(idx1, { ifExists: true }))).toBe("DROP INDEX CONCURRENTLY IF EXISTS test_idx1");
    expect(ddl(new CreateIndex(idx1), "sqlite")).toBe("CREATE INDEX test_idx1 ON testtbl (data)");
  });
});

describe("PostgreSQL constraint options", () => {
  it("UNIQUE NULLS [NOT] DISTINCT", () => {
    const tbl = Table("test_tbl", new MetaData(), { data: Column(String), data2: Column(Integer), data3: Column(Integer) });
    expect(ddl(new AddConstraint(new UniqueConstraint(tbl.c.data, { name: "uq_data1", postgresqlNullsNotDistinct: true })))).toBe(
      "ALTER TABLE test_tbl ADD CONSTRAINT uq_data1 UNIQUE NULLS NOT DISTINCT (data)",
    );
    expect(ddl(new AddConstraint(new UniqueConstraint(tbl.c.data2, { name: "uq_data2", postgresqlNullsNotDistinct: false })))).toBe(
      "ALTER TABLE test_tbl ADD CONSTRAINT uq_data2 UNIQUE NULLS DISTINCT (data2)",
    );
    expect(ddl(new AddConstraint(new UniqueConstraint(tbl.c.data3, { name: "uq_data3" })))).toBe("ALTER TABLE test_tbl ADD CONSTRAINT uq_data3 UNIQUE (data3)");
  });

  it("INCLUDE on UNIQUE and PRIMARY KEY", () => {
    const tbl = Table("foo", new MetaData(), { id: Column(Integer, { nullable: false }), value: Column(Integer, { nullable: false }), misc: Column(String) });
    expect(ddl(new AddConstraint(new UniqueConstraint(tbl.c.id, { postgresqlInclude: [tbl.c.value] })))).toBe("ALTER TABLE foo ADD UNIQUE (id) INCLUDE (value)");
    expect(ddl(new AddConstraint(new PrimaryKeyConstraint([tbl.c.id], { postgresqlInclude: [tbl.c.value, "misc"] })))).toBe("ALTER TABLE foo ADD PRIMARY KEY (id) INCLUDE (value, misc)");
  });

  it("PRIMARY KEY with INCLUDE and deferrability in CREATE TABLE", () => {
    const m = new MetaData();
    const a = Table("test", m, { id: Column(Integer), data: Column(Integer) }, new PrimaryKeyConstraint(["id"], { postgresqlInclude: ["data"] }));
    expect(ddl(new CreateTable(a))).toBe("CREATE TABLE test (id SERIAL NOT NULL, data INTEGER, PRIMARY KEY (id) INCLUDE (data))");
    const b = Table("test2", m, { id: Column(Integer) }, new PrimaryKeyConstraint(["id"], { deferrable: true }));
    expect(ddl(new CreateTable(b))).toBe("CREATE TABLE test2 (id SERIAL NOT NULL, PRIMARY KEY (id) DEFERRABLE)");
    const c = Table("test3", m, { id: Column(Integer), created_at: Column(Integer) }, new PrimaryKeyConstraint(["id"], { deferrable: true, initially: "IMMEDIATE", postgresqlInclude: ["created_at"] }));
    expect(ddl(new CreateTable(c))).toBe("CREATE TABLE test3 (id SERIAL NOT NULL, created_at INTEGER, PRIMARY KEY (id) INCLUDE (created_at) DEFERRABLE INITIALLY IMMEDIATE)");
    // SQLite has no INCLUDE.
    expect(ddl(new CreateTable(c), "sqlite")).toBe("CREATE TABLE test3 (id INTEGER NOT NULL, created_at INTEGER, PRIMARY KEY (id) DEFERRABLE INITIALLY IMMEDIATE)");
  });

  it("UNIQUE with INCLUDE and deferrability in CREATE TABLE", () => {
    const m = new MetaData();
    const a = Table("test", m, { id: Column(Integer), data: Column(Integer), created_at: Column(Integer) }, new UniqueConstraint("id", { name: "uq_id", postgresqlInclude: ["data", "created_at"] }));
    expect(ddl(new CreateTable(a))).toBe("CREATE TABLE test (id INTEGER, data INTEGER, created_at INTEGER, CONSTRAINT uq_id UNIQUE (id) INCLUDE (data, created_at))");
    const b = Table("test2", m, { id: Column(Integer), data: Column(Integer) }, new UniqueConstraint("id", { name: "uq_id", deferrable: true, initially: "DEFERRED", postgresqlInclude: ["data"] }));
    expect(ddl(new CreateTable(b))).toBe("CREATE TABLE test2 (id INTEGER, data INTEGER, CONSTRAINT uq_id UNIQUE (id) INCLUDE (data) DEFERRABLE INITIALLY DEFERRED)");
  });

  it("CHECK ... NOT VALID, after deferrability", () => {
    const m = new MetaData();
    const a = Table("testtbl", m, { data: Column(Integer) }, new CheckConstraint("data = 0", { postgresqlNotValid: true }));
    expect(ddl(new CreateTable(a))).toBe("CREATE TABLE testtbl (data INTEGER, CHECK (data = 0) NOT VALID)");
    const b = Table("test", m, { data: Column(Integer) }, new CheckConstraint("data > 0", { name: "ck_data", postgresqlNotValid: true }));
    expect(ddl(new CreateTable(b))).toBe("CREATE TABLE test (data INTEGER, CONSTRAINT ck_data CHECK (data > 0) NOT VALID)");
    const c = Table("test2", m, { data: Column(Integer) });
    const ck = new CheckConstraint("data > 0", { name: "ck_data", deferrable: true, initially: "DEFERRED", postgresqlNotValid: true });
    c.appendConstraint(ck);
    expect(ddl(new AddConstraint(ck))).toBe("ALTER TABLE test2 ADD CONSTRAINT ck_data CHECK (data > 0) DEFERRABLE INITIALLY DEFERRED NOT VALID");
    expect(ddl(new CreateTable(b), "sqlite")).toBe("CREATE TABLE test (data INTEGER, CONSTRAINT ck_data CHECK (data > 0))");
  });

  it("FOREIGN KEY ... NOT VALID from a constraint or a column's ForeignKey", () => {
    const m = new MetaData();
    const a = Table("testtbl", m, { a: Column(Integer), b: Column(Integer) }, new ForeignKeyConstraint(["b"], ["testtbl.a"], { postgresqlNotValid: true }));
    expect(ddl(new CreateTable(a))).toBe("CREATE TABLE testtbl (a INTEGER, b INTEGER, FOREIGN KEY(b) REFERENCES testtbl (a) NOT VALID)");
    const b = Table("testtbl2", m, { a: Column(Integer), b: Column(ForeignKey("testtbl2.a", { postgresqlNotValid: true })) });
    expect(ddl(new CreateTable(b))).toBe("CREATE TABLE testtbl2 (a INTEGER, b INTEGER, FOREIGN KEY(b) REFERENCES testtbl2 (a) NOT VALID)");
    Table("t1", m, { id: Column(Integer, { primaryKey: true }) });
    const t2 = Table("t2", m, { t1_id: Column(Integer) });
    const fk = new ForeignKeyConstraint(["t1_id"], ["t1.id"], { name: "fk_t1", onDelete: "CASCADE", onUpdate: "SET NULL", postgresqlNotValid: true });
    t2.appendConstraint(fk);
    expect(ddl(new AddConstraint(fk))).toBe("ALTER TABLE t2 ADD CONSTRAINT fk_t1 FOREIGN KEY(t1_id) REFERENCES t1 (id) ON DELETE CASCADE ON UPDATE SET NULL NOT VALID");
  });

  it("ON DELETE SET NULL / SET DEFAULT with a column list on PostgreSQL only", () => {
    const m = new MetaData();
    const pktable = Table("pktable", m, { tid: Column(Integer, { primaryKey: true }), id: Column(Integer, { primaryKey: true }) });
    const fktable = Table(
      "fktable",
      m,
      { tid: Column(Integer), id: Column(Integer), fk_id_del_set_null: Column(Integer), fk_id_del_set_default: Column(Integer, { serverDefault: text("0") }) },
      new ForeignKeyConstraint(["tid", "fk_id_del_set_null"], [pktable.c.tid, pktable.c.id], { onDelete: "SET NULL (fk_id_del_set_null)" }),
      new ForeignKeyConstraint(["tid", "fk_id_del_set_default"], [pktable.c.tid, pktable.c.id], { onDelete: "SET DEFAULT(fk_id_del_set_default)" }),
    );
    expect(ddl(new CreateTable(fktable))).toBe(
      "CREATE TABLE fktable (tid INTEGER, id INTEGER, fk_id_del_set_null INTEGER, fk_id_del_set_default INTEGER DEFAULT 0, " +
        "FOREIGN KEY(tid, fk_id_del_set_null) REFERENCES pktable (tid, id) ON DELETE SET NULL (fk_id_del_set_null), " +
        "FOREIGN KEY(tid, fk_id_del_set_default) REFERENCES pktable (tid, id) ON DELETE SET DEFAULT(fk_id_del_set_default))",
    );
    expect(() => ddl(new CreateTable(fktable), "sqlite")).toThrow(/^Unexpected SQL phrase: 'SET NULL \(fk_id_del_set_null\)'/);
  });

  it("ON DELETE / ON UPDATE / INITIALLY take only their keywords", () => {
    const m = new MetaData();
    const t = Table("t", m, { a: Column(Integer), b: Column(Integer) });
    const bad = (opts: object) => new AddConstraint(new ForeignKeyConstraint(["b"], ["t.a"], { ...opts, table: t }));
    expect(() => ddl(bad({ onDelete: "CASCADE; DROP TABLE t" }))).toThrow(CompileError);
    expect(() => ddl(bad({ onUpdate: "SET NULL (a)" }))).toThrow(/^Unexpected SQL phrase: 'SET NULL \(a\)'/);
    expect(() => ddl(bad({ deferrable: true, initially: "LATER" }))).toThrow(/^Unexpected SQL phrase: 'LATER'/);
    expect(ddl(bad({ onDelete: "cascade", onUpdate: "no action", initially: "deferred" }), "default")).toBe(
      "ALTER TABLE t ADD FOREIGN KEY(b) REFERENCES t (a) ON DELETE cascade ON UPDATE no action INITIALLY deferred",
    );
  });
});

describe("PostgreSQL CREATE TABLE options", () => {
  const one = (name: string, opts: object) => Table(name, new MetaData(), { id: Column(Integer) }, opts);

  it("TABLESPACE, quoted when needed", () => {
    expect(ddl(new CreateTable(one("atable", { postgresqlTablespace: "sometablespace" })))).toBe("CREATE TABLE atable (id INTEGER) TABLESPACE sometablespace");
    expect(ddl(new CreateTable(one("anothertable", { postgresqlTablespace: "table" })))).toBe('CREATE TABLE anothertable (id INTEGER) TABLESPACE "table"');
  });

  it("INHERITS one or several parents, quoted when needed", () => {
    expect(ddl(new CreateTable(one("atable", { postgresqlInherits: "i1" })))).toBe("CREATE TABLE atable (id INTEGER) INHERITS (i1)");
    expect(ddl(new CreateTable(one("atable", { postgresqlInherits: ["i1", "i2"] })))).toBe("CREATE TABLE atable (id INTEGER) INHERITS (i1, i2)");
    expect(ddl(new CreateTable(one("atable", { postgresqlInherits: ["Quote Me", "quote Me Too"] })))).toBe('CREATE TABLE atable (id INTEGER) INHERITS ("Quote Me", "quote Me Too")');
  });

  it("PARTITION BY", () => {
    const t = Table("atable", new MetaData(), { id: Column(Integer), part_column: Column(Integer) }, { postgresqlPartitionBy: "LIST (part_column)" });
    expect(ddl(new CreateTable(t))).toBe("CREATE TABLE atable (id INTEGER, part_column INTEGER) PARTITION BY LIST (part_column)");
    const r = Table("atable", new MetaData(), { id: Column(Integer), part_column: Column(Integer) }, { postgresqlPartitionBy: "RANGE (part_column)" });
    expect(ddl(new CreateTable(r))).toBe("CREATE TABLE atable (id INTEGER, part_column INTEGER) PARTITION BY RANGE (part_column)");
  });

  it("WITH OIDS / WITHOUT OIDS, storage parameters, ON COMMIT, USING", () => {
    expect(ddl(new CreateTable(one("atable", { postgresqlWithOids: true })))).toBe("CREATE TABLE atable (id INTEGER) WITH OIDS");
    expect(ddl(new CreateTable(one("anothertable", { postgresqlWithOids: false })))).toBe("CREATE TABLE anothertable (id INTEGER) WITHOUT OIDS");
    expect(
      ddl(new CreateTable(one("atable4", { postgresqlWith: { autovacuum_enabled: true, autovacuum_analyze_scale_factor: 0.2, vacuum_index_cleanup: "auto", vacuum_truncate: null } }))),
    ).toBe("CREATE TABLE atable4 (id INTEGER) WITH (autovacuum_enabled = true, autovacuum_analyze_scale_factor = 0.2, vacuum_index_cleanup = auto, vacuum_truncate)");
    expect(ddl(new CreateTable(one("atable", { postgresqlWith: { "toast.autovacuum_insert_scale_factor": 1.25 } })))).toBe(
      "CREATE TABLE atable (id INTEGER) WITH (toast.autovacuum_insert_scale_factor = 1.25)",
    );
    expect(ddl(new CreateTable(one("atable", { postgresqlOnCommit: "drop" })))).toBe("CREATE TABLE atable (id INTEGER) ON COMMIT DROP");
    expect(ddl(new CreateTable(one("atable", { postgresqlUsing: "heap" })))).toBe("CREATE TABLE atable (id INTEGER) USING heap");
  });

  it("several options in PostgreSQL's order; other dialects ignore them", () => {
    const t = one("atable", { postgresqlTablespace: "sometablespace", postgresqlWithOids: false, postgresqlOnCommit: "preserve_rows", postgresqlUsing: "heap" });
    expect(ddl(new CreateTable(t))).toBe("CREATE TABLE atable (id INTEGER) USING heap WITHOUT OIDS ON COMMIT PRESERVE ROWS TABLESPACE sometablespace");
    expect(ddl(new CreateTable(t), "sqlite")).toBe("CREATE TABLE atable (id INTEGER)");
    expect(ddl(new CreateTable(t), "default")).toBe("CREATE TABLE atable (id INTEGER)");
  });
});

describe("SQLite DDL (test/dialect/sqlite/test_compiler.py)", () => {
  it("sqliteWhere: a partial index, rendered without table names", () => {
    const tbl = Table("testtbl", new MetaData(), { data: Column(Integer) });
    const idx = new Index("test_idx1", tbl.c.data, { sqliteWhere: and(tbl.c.data.gt(5), tbl.c.data.lt(10)) });
    const stbl = Table("testtbl", new MetaData(), { data: Column(String) });
    const idx2 = new Index("test_idx2", stbl.c.data, { sqliteWhere: and(stbl.c.data.gt("a"), stbl.c.data.lt("b's")) });
    expect(ddl(new CreateIndex(idx), "sqlite")).toBe("CREATE INDEX test_idx1 ON testtbl (data) WHERE data > 5 AND data < 10");
    expect(ddl(new CreateIndex(idx2), "sqlite")).toBe("CREATE INDEX test_idx2 ON testtbl (data) WHERE data > 'a' AND data < 'b''s'");
    expect(ddl(new CreateIndex(idx), "postgresql")).toBe("CREATE INDEX test_idx1 ON testtbl (data)");
  });

  it("WITHOUT ROWID, STRICT", () => {
    const m = new MetaData();
    expect(ddl(new CreateTable(Table("atable", m, { id: Column(Integer) }, { sqliteWithRowid: false })), "sqlite")).toBe("CREATE TABLE atable (id INTEGER) WITHOUT ROWID");
    expect(ddl(new CreateTable(Table("btable", m, { id: Column(Integer) }, { sqliteStrict: true })), "sqlite")).toBe("CREATE TABLE btable (id INTEGER) STRICT");
    const both = Table("ctable", m, { id: Column(Integer) }, { sqliteWithRowid: false, sqliteStrict: true });
    expect(ddl(new CreateTable(both), "sqlite")).toBe("CREATE TABLE ctable (id INTEGER) WITHOUT ROWID, STRICT");
    expect(ddl(new CreateTable(both), "postgresql")).toBe("CREATE TABLE ctable (id INTEGER)");
  });

  it("sqliteAutoincrement puts PRIMARY KEY AUTOINCREMENT on the column", () => {
    const m = new MetaData();
    const t = Table("autoinctable", m, { id: Column(Integer, { primaryKey: true }), x: Column(Integer) }, { sqliteAutoincrement: true });
    expect(ddl(new CreateTable(t), "sqlite")).toBe("CREATE TABLE autoinctable (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, x INTEGER)");
    expect(ddl(new CreateTable(t), "postgresql")).toBe("CREATE TABLE autoinctable (id SERIAL NOT NULL, x INTEGER, PRIMARY KEY (id))");
    // Not for a composite key, nor a foreign key column.
    const c = Table("comp", m, { a: Column(Integer, { primaryKey: true }), b: Column(Integer, { primaryKey: true }) }, { sqliteAutoincrement: true });
    expect(ddl(new CreateTable(c), "sqlite")).toBe("CREATE TABLE comp (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b))");
  });

  it("autoincrement: true on a composite primary key cannot compile for SQLite", () => {
    const t = Table("t", new MetaData(), { x: Column(Integer, { primaryKey: true, autoincrement: true }), y: Column(Integer, { primaryKey: true }) });
    expect(() => ddl(new CreateTable(t), "sqlite")).toThrow(CompileError);
    expect(() => ddl(new CreateTable(t), "sqlite")).toThrow("SQLite does not support autoincrement for composite primary keys");
  });

  it("foreign keys: same schema without the schema name, another schema left out", () => {
    const m = new MetaData();
    Table("t1", m, { id: Column(Integer, { primaryKey: true }) }, { schema: "master" });
    const t2 = Table("t2", m, { id: Column(Integer, { primaryKey: true }), t1_id: Column(Integer, { foreignKey: "master.t1.id" }) }, { schema: "master" });
    const t3 = Table("t3", m, { id: Column(Integer, { primaryKey: true }), t1_id: Column(Integer, { foreignKey: "master.t1.id" }) }, { schema: "alternate" });
    const t4 = Table("t4", m, { id: Column(Integer, { primaryKey: true }), t1_id: Column(Integer, { foreignKey: "master.t1.id" }) });
    expect(ddl(new CreateTable(t2), "sqlite")).toBe("CREATE TABLE master.t2 (id INTEGER NOT NULL, t1_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(t1_id) REFERENCES t1 (id))");
    expect(ddl(new CreateTable(t3), "sqlite")).toBe("CREATE TABLE alternate.t3 (id INTEGER NOT NULL, t1_id INTEGER, PRIMARY KEY (id))");
    expect(ddl(new CreateTable(t4), "sqlite")).toBe("CREATE TABLE t4 (id INTEGER NOT NULL, t1_id INTEGER, PRIMARY KEY (id))");
    expect(ddl(new CreateTable(t4), "postgresql")).toBe("CREATE TABLE t4 (id SERIAL NOT NULL, t1_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(t1_id) REFERENCES master.t1 (id))");
  });
});

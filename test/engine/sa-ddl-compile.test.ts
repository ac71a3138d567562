/**
 * DDL text as SQLAlchemy's test_constraints.py, test_identity_column.py, test_sequences.py,
 * test_computed.py and test_metadata.py expect it, compiled on the display ("default") dialect
 * and on PostgreSQL / SQLite: constraint deferrability, MATCH, empty constraints, functional
 * and schema-qualified indexes, ADD / DROP CONSTRAINT, identity and sequence options, and the
 * Table construction rules (primary key flags, autoincrement column, foreign key errors).
 */
import { describe, expect, it } from "vitest";
import {
  AthanorWarning, CheckConstraint, Column, Computed, DateTime, Double, Enum, Interval, LargeBinary, Uuid, CreateIndex, CreateSequence, CreateTable, DropIndex, DropSequence,
  DropTable, Float, ForeignKey, ForeignKeyConstraint, Identity, Index, Integer, InvalidRequestError, MetaData, NoReferencedColumnError, NoReferencedTableError, Numeric,
  PrimaryKeyConstraint, Sequence, String, Table, UniqueConstraint, ArgumentError, and, bindparam, func, text, warnings,
} from "../../src/index.js";
import { AddConstraint, DropConstraint } from "../../src/sql/ddl.js";
import type { ClauseElement } from "../../src/index.js";
import { postgresqlDialect } from "../../src/dialects/postgresql/dialect.js";
import { sqliteDialect } from "../../src/dialects/sqlite/dialect.js";

type Target = "default" | "postgresql" | "sqlite";

/** SQLAlchemy's assert_compile: newlines and tabs removed before comparing. */
function ddl(stmt: ClauseElement, dialect: Target = "default"): string {
  const d = dialect === "postgresql" ? postgresqlDialect : dialect === "sqlite" ? sqliteDialect : undefined;
  return stmt.compile(d ? { dialect: d } : {}).sql.replace(/[\n\t]/g, "");
}

function twoTables() {
  const m = new MetaData();
  const tbl = Table("tbl", m, { a: Column(Integer), b: Column(Integer) });
  const t2 = Table("t2", m, { a: Column(Integer), b: Column(Integer) });
  return { m, tbl, t2 };
}

describe("the display dialect renders SQLAlchemy's generic DDL", () => {
  it("an integer primary key is INTEGER NOT NULL (SERIAL is PostgreSQL's)", () => {
    const t = Table("t", new MetaData(), { id: Column(Integer, { primaryKey: true }), x: Column(Integer) });
    expect(ddl(new CreateTable(t))).toBe("CREATE TABLE t (id INTEGER NOT NULL, x INTEGER, PRIMARY KEY (id))");
    expect(ddl(new CreateTable(t), "postgresql")).toBe("CREATE TABLE t (id SERIAL NOT NULL, x INTEGER, PRIMARY KEY (id))");
  });

  it("a Computed column without `persisted` has no STORED / VIRTUAL", () => {
    const t = Table("t", new MetaData(), {
      x: Column(Integer),
      y: Column(Integer, { computed: new Computed("x + 2") }),
      z: Column(Integer, { computed: new Computed("x + 3", { persisted: true }) }),
      w: Column(Integer, { computed: new Computed("x + 4", { persisted: false }) }),
    });
    expect(ddl(new CreateTable(t))).toBe(
      "CREATE TABLE t (x INTEGER, y INTEGER GENERATED ALWAYS AS (x + 2), z INTEGER GENERATED ALWAYS AS (x + 3) STORED, " +
        "w INTEGER GENERATED ALWAYS AS (x + 4) VIRTUAL)",
    );
  });

  it("a Computed expression renders its columns without the table", () => {
    const m = new MetaData();
    const t = Table("t", m, { x: Column(Integer) });
    const u = Table("u", m, { x: Column(Integer), y: Column(Integer, { computed: new Computed(t.c.x.add(5)) }) });
    expect(ddl(new CreateTable(u), "sqlite")).toBe("CREATE TABLE u (x INTEGER, y INTEGER GENERATED ALWAYS AS (x + 5))");
  });

  it("types use SQLAlchemy's generic spellings; Enum is VARCHAR without CHECK", () => {
    const t = Table("t", new MetaData(), {
      d: Column(DateTime), dz: Column(DateTime({ timezone: true })), f: Column(Float), f2: Column(Float(10)), db: Column(Double),
      b: Column(LargeBinary), u: Column(Uuid), i: Column(Interval), e: Column(Enum(["a", "bb"], { name: "e" })), e2: Column(Enum(["xyz"])),
    });
    expect(ddl(new CreateTable(t))).toBe(
      "CREATE TABLE t (d DATETIME, dz DATETIME, f FLOAT, f2 FLOAT(10), db DOUBLE, b BLOB, u CHAR(32), i DATETIME, e VARCHAR(2), e2 VARCHAR(3))",
    );
    expect(ddl(new CreateTable(t), "postgresql")).toBe(
      "CREATE TABLE t (d TIMESTAMP(3), dz TIMESTAMP(3) WITH TIME ZONE, f DOUBLE PRECISION, f2 REAL, db DOUBLE PRECISION, b BYTEA, u UUID, i INTERVAL, e e, e2 VARCHAR(3))",
    );
  });

  it("a Sequence column has no server default outside PostgreSQL", () => {
    const t = Table("foo", new MetaData(), { id: Column(Integer, { primaryKey: true, sequence: new Sequence("foo_seq") }) });
    expect(ddl(new CreateTable(t))).toBe("CREATE TABLE foo (id INTEGER NOT NULL, PRIMARY KEY (id))");
  });
});

describe("Identity (test_identity_column.py)", () => {
  const cases: [ConstructorParameters<typeof Identity>[0], string][] = [
    [{ always: true }, "ALWAYS AS IDENTITY"],
    [{ always: false, start: 5 }, "BY DEFAULT AS IDENTITY (START WITH 5)"],
    [{ always: true, increment: 2 }, "ALWAYS AS IDENTITY (INCREMENT BY 2)"],
    [{ increment: 2, start: 5 }, "BY DEFAULT AS IDENTITY (INCREMENT BY 2 START WITH 5)"],
    [{ always: true, increment: 2, start: 0, minvalue: 0 }, "ALWAYS AS IDENTITY (INCREMENT BY 2 START WITH 0 MINVALUE 0)"],
    [{ always: false, increment: 2, start: 1, maxvalue: 5 }, "BY DEFAULT AS IDENTITY (INCREMENT BY 2 START WITH 1 MAXVALUE 5)"],
    [{ always: true, increment: 2, start: 1, nomaxvalue: true }, "ALWAYS AS IDENTITY (INCREMENT BY 2 START WITH 1 NO MAXVALUE)"],
    [{ always: false, increment: 2, start: 0, nominvalue: true }, "BY DEFAULT AS IDENTITY (INCREMENT BY 2 START WITH 0 NO MINVALUE)"],
    [{ always: true, start: 1, maxvalue: 10, cycle: true }, "ALWAYS AS IDENTITY (START WITH 1 MAXVALUE 10 CYCLE)"],
    [{ always: false, cache: 1000, cycle: false }, "BY DEFAULT AS IDENTITY (CACHE 1000 NO CYCLE)"],
    [{ cycle: true }, "BY DEFAULT AS IDENTITY (CYCLE)"],
  ];
  it.each(cases)("Identity(%o) → GENERATED %s, and no NOT NULL", (opts, sql) => {
    const t = Table("foo_table", new MetaData(), { foo: Column(Integer, { identity: new Identity(opts) }) });
    expect(ddl(new CreateTable(t))).toBe(`CREATE TABLE foo_table (foo INTEGER GENERATED ${sql})`);
  });

  it("an identity column is NOT NULL unless nullable is given; nullable renders NULL", () => {
    const m = new MetaData();
    const t = Table("t", m, { foo: Column(Integer, { identity: new Identity({ always: true, start: 3 }), unique: true }) });
    expect(t.c.foo.nullable).toBe(false);
    expect(ddl(new CreateTable(t))).toBe("CREATE TABLE t (foo INTEGER GENERATED ALWAYS AS IDENTITY (START WITH 3), UNIQUE (foo))");
    const n = Table("n", m, { foo: Column(Integer, { identity: new Identity(), nullable: true }) });
    expect(ddl(new CreateTable(n))).toBe("CREATE TABLE n (foo INTEGER GENERATED BY DEFAULT AS IDENTITY NULL)");
    expect(ddl(new CreateTable(n), "postgresql")).toBe("CREATE TABLE n (foo INTEGER GENERATED BY DEFAULT AS IDENTITY NULL)");
  });

  it("SQLite has no IDENTITY: the column is plain NOT NULL", () => {
    const t = Table("t", new MetaData(), { foo: Column(Integer, { identity: new Identity({ start: 3 }) }) });
    expect(ddl(new CreateTable(t), "sqlite")).toBe("CREATE TABLE t (foo INTEGER NOT NULL)");
  });

  it("Identity with a server default or autoincrement: false raises ArgumentError", () => {
    expect(() => Column(Integer, { identity: new Identity(), serverDefault: "1" })).toThrow(
      new ArgumentError("A column with an Identity object cannot specify a server_default or a server_onupdate argument"),
    );
    expect(() => Column(Integer, { identity: new Identity(), autoincrement: false })).toThrow(
      new ArgumentError("A column with an Identity object cannot specify autoincrement=False"),
    );
  });
});

describe("Sequence DDL (test_sequences.py)", () => {
  const cases: [ConstructorParameters<typeof Sequence>[1], string][] = [
    [{}, ""],
    [{ start: 5 }, "START WITH 5"],
    [{ increment: 2 }, "INCREMENT BY 2"],
    [{ increment: 2, start: 5 }, "INCREMENT BY 2 START WITH 5"],
    [{ increment: 2, start: 0, minvalue: 0 }, "INCREMENT BY 2 START WITH 0 MINVALUE 0"],
    [{ increment: 2, start: 1, maxvalue: 5 }, "INCREMENT BY 2 START WITH 1 MAXVALUE 5"],
    [{ increment: 2, start: 1, nomaxvalue: true }, "INCREMENT BY 2 START WITH 1 NO MAXVALUE"],
    [{ increment: 2, start: 0, nominvalue: true }, "INCREMENT BY 2 START WITH 0 NO MINVALUE"],
    [{ start: 1, maxvalue: 10, cycle: true }, "START WITH 1 MAXVALUE 10 CYCLE"],
    [{ cache: 1000 }, "CACHE 1000"],
    [{ minvalue: -42, increment: -2 }, "INCREMENT BY -2 MINVALUE -42"],
    [{ minvalue: 42, maxvalue: 99, increment: 2 }, "INCREMENT BY 2 MINVALUE 42 MAXVALUE 99"],
    [{ maxvalue: -99, increment: -2 }, "INCREMENT BY -2 MAXVALUE -99"],
  ];
  it.each(cases)("Sequence('foo_seq', %o) → %s", (opts, sql) => {
    const seq = new Sequence("foo_seq", opts);
    expect(ddl(new CreateSequence(seq))).toBe(`CREATE SEQUENCE foo_seq ${sql}`.trim());
    expect(seq.opts.start).toBe(opts?.start);
  });

  it("IF NOT EXISTS / IF EXISTS, and the sequence's schema", () => {
    expect(ddl(new CreateSequence(new Sequence("foo_seq"), { ifNotExists: true }))).toBe("CREATE SEQUENCE IF NOT EXISTS foo_seq");
    expect(ddl(new DropSequence(new Sequence("foo_seq")))).toBe("DROP SEQUENCE foo_seq");
    expect(ddl(new DropSequence(new Sequence("foo_seq"), { ifExists: true }))).toBe("DROP SEQUENCE IF EXISTS foo_seq");
    expect(ddl(new CreateSequence(new Sequence("foo_seq", { schema: "s", start: 3 })), "postgresql")).toBe("CREATE SEQUENCE s.foo_seq START WITH 3");
    expect(ddl(new DropSequence(new Sequence("foo_seq", { schema: "s" })), "postgresql")).toBe("DROP SEQUENCE s.foo_seq");
  });
});

describe("constraints in CREATE TABLE (test_constraints.py)", () => {
  const factories: [string, (o: { deferrable?: boolean; initially?: string }) => PrimaryKeyConstraint | UniqueConstraint | CheckConstraint | ForeignKeyConstraint][] = [
    ["PrimaryKeyConstraint", (o) => new PrimaryKeyConstraint(["a"], o)],
    ["UniqueConstraint", (o) => new UniqueConstraint("b", o)],
    ["CheckConstraint", (o) => new CheckConstraint("a < b", o)],
    ["ForeignKeyConstraint", (o) => new ForeignKeyConstraint(["b"], ["tbl.a"], o as { initially?: "DEFERRED" | "IMMEDIATE" })],
  ];
  it.each(factories)("%s takes deferrable / initially", (_name, make) => {
    const render = (o: { deferrable?: boolean; initially?: string }) =>
      ddl(new CreateTable(Table("tbl", new MetaData(), { a: Column(Integer), b: Column(Integer) }, make(o))));
    expect(render({ deferrable: true })).toMatch(/ DEFERRABLE\)$/);
    expect(render({ deferrable: false })).toMatch(/ NOT DEFERRABLE\)$/);
    expect(render({ deferrable: true, initially: "IMMEDIATE" })).toMatch(/ DEFERRABLE INITIALLY IMMEDIATE\)$/);
    expect(render({ deferrable: true, initially: "DEFERRED" })).toMatch(/ DEFERRABLE INITIALLY DEFERRED\)$/);
  });

  it("a deferrable primary key", () => {
    const t = Table("tbl", new MetaData(), { a: Column(Integer), b: Column(Integer) }, new PrimaryKeyConstraint(["a"], { deferrable: true, initially: "DEFERRED" }));
    expect(ddl(new CreateTable(t))).toBe("CREATE TABLE tbl (a INTEGER NOT NULL, b INTEGER, PRIMARY KEY (a) DEFERRABLE INITIALLY DEFERRED)");
  });

  it("a deferrable column foreign key", () => {
    const t = Table("tbl", new MetaData(), { a: Column(Integer), b: Column(Integer, { foreignKey: new ForeignKey("tbl.a", { deferrable: true, initially: "DEFERRED" }) }) });
    expect(ddl(new CreateTable(t))).toBe("CREATE TABLE tbl (a INTEGER, b INTEGER, FOREIGN KEY(b) REFERENCES tbl (a) DEFERRABLE INITIALLY DEFERRED)");
  });

  it("MATCH renders before ON DELETE, inline and in ALTER TABLE ADD", () => {
    const t = Table("tbl", new MetaData(), { a: Column(Integer), b: Column(Integer, { foreignKey: new ForeignKey("tbl.a", { match: "SIMPLE" }) }) });
    expect(ddl(new CreateTable(t))).toBe("CREATE TABLE tbl (a INTEGER, b INTEGER, FOREIGN KEY(b) REFERENCES tbl (a) MATCH SIMPLE)");
    expect(ddl(new AddConstraint(t.foreignKeyConstraints[0]))).toBe("ALTER TABLE tbl ADD FOREIGN KEY(b) REFERENCES tbl (a) MATCH SIMPLE");
    const full = Table("f", new MetaData(), { a: Column(Integer), b: Column(Integer) }, new ForeignKeyConstraint(["b"], ["f.a"], { match: "FULL", onDelete: "CASCADE" }));
    expect(ddl(new CreateTable(full), "postgresql")).toBe("CREATE TABLE f (a INTEGER, b INTEGER, FOREIGN KEY(b) REFERENCES f (a) MATCH FULL ON DELETE CASCADE)");
  });

  it("includeForeignKeyConstraints chooses the inline foreign keys", () => {
    const m = new MetaData();
    const fkcs = ["foo", "bar", "bat"].map((name, i) => new ForeignKeyConstraint([["a", "b", "c"][i]], ["remote.id"], { name }));
    const t = Table("t", m, { a: Column(Integer), b: Column(Integer), c: Column(Integer) }, ...fkcs);
    Table("remote", m, { id: Column(Integer, { primaryKey: true }) });
    expect(ddl(new CreateTable(t, { includeForeignKeyConstraints: [] }))).toBe("CREATE TABLE t (a INTEGER, b INTEGER, c INTEGER)");
    expect(ddl(new CreateTable(t, { includeForeignKeyConstraints: fkcs.slice(0, 2) }))).toBe(
      "CREATE TABLE t (a INTEGER, b INTEGER, c INTEGER, CONSTRAINT foo FOREIGN KEY(a) REFERENCES remote (id), CONSTRAINT bar FOREIGN KEY(b) REFERENCES remote (id))",
    );
  });

  it("several column foreign keys follow the primary key", () => {
    const m = new MetaData();
    Table("foo", m, { id: Column(Integer, { primaryKey: true }), bar: Column(Integer, { primaryKey: true }) });
    const tb = Table("some_table", m, {
      id: Column(Integer, { primaryKey: true }),
      foo_id: Column(Integer, { foreignKey: "foo.id" }),
      foo_bar: Column(Integer, { foreignKey: "foo.bar" }),
    });
    expect(ddl(new CreateTable(tb))).toBe(
      "CREATE TABLE some_table (id INTEGER NOT NULL, foo_id INTEGER, foo_bar INTEGER, PRIMARY KEY (id), FOREIGN KEY(foo_id) REFERENCES foo (id), FOREIGN KEY(foo_bar) REFERENCES foo (bar))",
    );
  });

  it("an empty PrimaryKeyConstraint or UniqueConstraint is left out", () => {
    const cols = () => ({ x: Column(Integer, { autoincrement: false }), y: Column(Integer, { autoincrement: false }) });
    expect(ddl(new CreateTable(Table("test", new MetaData(), cols(), new PrimaryKeyConstraint())))).toBe("CREATE TABLE test (x INTEGER, y INTEGER)");
    expect(ddl(new CreateTable(Table("test", new MetaData(), cols(), new UniqueConstraint())))).toBe("CREATE TABLE test (x INTEGER, y INTEGER)");
  });

  it("a CHECK given as an expression renders its columns unqualified", () => {
    const m = new MetaData();
    const t = Table("tbl", m, { a: Column(Integer), b: Column(Integer) });
    const t2 = Table("t2", m, { a: Column(Integer) }, new CheckConstraint(t.c.a.gt(5), { name: "ck" }));
    expect(ddl(new CreateTable(t2))).toBe("CREATE TABLE t2 (a INTEGER, CONSTRAINT ck CHECK (a > 5))");
  });
});

describe("ALTER TABLE ADD / DROP CONSTRAINT", () => {
  it("DROP CONSTRAINT, CASCADE, IF EXISTS", () => {
    const { tbl } = twoTables();
    const ck = new CheckConstraint("a < b", { name: "my_test_constraint", deferrable: true, initially: "DEFERRED", table: tbl });
    expect(tbl.constraints).toContain(ck);
    expect(ddl(new DropConstraint(ck))).toBe("ALTER TABLE tbl DROP CONSTRAINT my_test_constraint");
    expect(ddl(new DropConstraint(ck, { cascade: true }))).toBe("ALTER TABLE tbl DROP CONSTRAINT my_test_constraint CASCADE");
    expect(ddl(new DropConstraint(new CheckConstraint("a = 1", { name: "a1", table: tbl }), { ifExists: true }))).toBe("ALTER TABLE tbl DROP CONSTRAINT IF EXISTS a1");
    expect(ddl(new CreateTable(tbl))).toBe(
      "CREATE TABLE tbl (a INTEGER, b INTEGER, CONSTRAINT my_test_constraint CHECK (a < b) DEFERRABLE INITIALLY DEFERRED, CONSTRAINT a1 CHECK (a = 1))",
    );
  });

  it("DROP CONSTRAINT needs a name", () => {
    const { tbl } = twoTables();
    expect(() => ddl(new DropConstraint(new CheckConstraint("a < b", { table: tbl })))).toThrow(/Can't emit DROP CONSTRAINT .*it has no name/);
  });

  it("ADD a foreign key by column name or Column object", () => {
    const a = twoTables();
    const byName = new ForeignKeyConstraint(["b"], ["t2.a"]);
    a.tbl.appendConstraint(byName);
    expect(ddl(new AddConstraint(byName))).toBe("ALTER TABLE tbl ADD FOREIGN KEY(b) REFERENCES t2 (a)");
    const b = twoTables();
    expect(ddl(new AddConstraint(new ForeignKeyConstraint([b.tbl.c.a], [b.t2.c.b])))).toBe("ALTER TABLE tbl ADD FOREIGN KEY(a) REFERENCES t2 (b)");
  });

  it("ADD UNIQUE / PRIMARY KEY / CHECK built from a table's columns", () => {
    const { tbl, t2 } = twoTables();
    const uq = new UniqueConstraint("a", "b", { name: "uq_cst" });
    t2.appendConstraint(uq);
    expect(ddl(new AddConstraint(uq))).toBe("ALTER TABLE t2 ADD CONSTRAINT uq_cst UNIQUE (a, b)");
    expect(ddl(new AddConstraint(new UniqueConstraint(t2.c.a, t2.c.b, { name: "uq_cs2" })))).toBe("ALTER TABLE t2 ADD CONSTRAINT uq_cs2 UNIQUE (a, b)");
    expect(ddl(new AddConstraint(new PrimaryKeyConstraint([tbl.c.a])))).toBe("ALTER TABLE tbl ADD PRIMARY KEY (a)");
    expect(tbl.c.a.primaryKey).toBe(true);
    expect(ddl(new AddConstraint(new CheckConstraint(tbl.c.a.gt(5))))).toBe("ALTER TABLE tbl ADD CHECK (a > 5)");
    expect(ddl(new AddConstraint(new CheckConstraint(text("a > 5"), { name: "ck_test", table: tbl })))).toBe("ALTER TABLE tbl ADD CONSTRAINT ck_test CHECK (a > 5)");
  });
});

describe("indexes (test_constraints.py ConstraintCompilationTest)", () => {
  it("plain, IF NOT EXISTS, DROP, and schema-qualified DROP INDEX", () => {
    const t = Table("t", new MetaData(), { x: Column(Integer) });
    const i = new Index("xyz", t.c.x);
    expect(ddl(new CreateIndex(i))).toBe("CREATE INDEX xyz ON t (x)");
    expect(ddl(new CreateIndex(i, { ifNotExists: true }))).toBe("CREATE INDEX IF NOT EXISTS xyz ON t (x)");
    expect(ddl(new DropIndex(i))).toBe("DROP INDEX xyz");
    expect(ddl(new DropIndex(i, { ifExists: true }))).toBe("DROP INDEX IF EXISTS xyz");
    const s = Table("t", new MetaData(), { x: Column(Integer) }, { schema: "foo" });
    const si = new Index("xyz", s.c.x);
    expect(ddl(new CreateIndex(si))).toBe("CREATE INDEX xyz ON foo.t (x)");
    expect(ddl(new DropIndex(si))).toBe("DROP INDEX foo.xyz");
  });

  it("functional indexes find their table through the expression, in any position", () => {
    const x = Table("x", new MetaData(), { p: Column(Integer), q: Column(String(20)), z: Column(Integer) });
    expect(ddl(new CreateIndex(new Index("y", func.lower(x.c.q), "p", "z")))).toBe("CREATE INDEX y ON x (lower(q), p, z)");
    expect(ddl(new CreateIndex(new Index("y", "p", func.lower(x.c.q), "z")))).toBe("CREATE INDEX y ON x (p, lower(q), z)");
    expect(ddl(new CreateIndex(new Index("y", x.c.p, x.c.z, func.lower(x.c.q))))).toBe("CREATE INDEX y ON x (p, z, lower(q))");
    expect(ddl(new CreateIndex(new Index("y", func.foo("foob"), x.c.p, x.c.z)))).toBe("CREATE INDEX y ON x (foo('foob'), p, z)");
    expect(x.indexes.length).toBe(4);
  });

  it("an index on an expression and on a DESC column", () => {
    const t = Table("sometable", new MetaData(), { id: Column(Integer, { primaryKey: true }), data: Column(String(50)), a: Column(Integer) });
    expect(ddl(new CreateIndex(new Index("myindex", t.c.data.desc())))).toBe("CREATE INDEX myindex ON sometable (data DESC)");
    expect(ddl(new CreateIndex(new Index("name", t.c.a.add(5))))).toBe("CREATE INDEX name ON sometable (a + 5)");
  });

  it("PostgreSQL: partial index predicates without table names; operator expressions in parentheses", () => {
    const tbl = Table("testtbl", new MetaData(), { data: Column(Integer), s: Column(String(10)), x: Column(Integer), y: Column(Integer) });
    const idx1 = new Index("test_idx1", tbl.c.data, { where: and(tbl.c.data.gt(5), tbl.c.data.lt(10)) });
    expect(ddl(new CreateIndex(idx1), "postgresql")).toBe("CREATE INDEX test_idx1 ON testtbl (data) WHERE data > 5 AND data < 10");
    const idx2 = new Index("test_idx2", tbl.c.s, { where: and(tbl.c.s.gt("a"), tbl.c.s.lt("b's")) });
    expect(ddl(new CreateIndex(idx2), "postgresql")).toBe("CREATE INDEX test_idx2 ON testtbl (s) WHERE s > 'a' AND s < 'b''s'");
    const idx3 = new Index("test_idx3", tbl.c.s, { where: text("s > 'a' AND s < 'b''s'") });
    expect(ddl(new CreateIndex(idx3), "postgresql")).toBe("CREATE INDEX test_idx3 ON testtbl (s) WHERE s > 'a' AND s < 'b''s'");
    expect(ddl(new CreateIndex(new Index("test_idx4", tbl.c.data.add(5))), "postgresql")).toBe("CREATE INDEX test_idx4 ON testtbl ((data + 5))");
    expect(ddl(new CreateIndex(new Index("test_idx5", func.lower(tbl.c.s))), "postgresql")).toBe("CREATE INDEX test_idx5 ON testtbl (lower(s))");
    expect(ddl(new CreateIndex(new Index("test_idx6", tbl.c.data.add(5))), "sqlite")).toBe("CREATE INDEX test_idx6 ON testtbl (data + 5)");
  });

  it("index: true names the index after the column label, schema included", () => {
    const t = Table("t", new MetaData(), { x: Column(Integer, { index: true }) });
    const s = Table("t", new MetaData(), { x: Column(Integer, { index: true }) }, { schema: "foo" });
    expect(ddl(new CreateIndex(t.indexes[0]))).toBe("CREATE INDEX ix_t_x ON t (x)");
    expect(ddl(new CreateIndex(s.indexes[0]))).toBe("CREATE INDEX ix_foo_t_x ON foo.t (x)");
    expect(ddl(new DropIndex(s.indexes[0]))).toBe("DROP INDEX foo.ix_foo_t_x");
  });

  it("an index whose table cannot be found raises CompileError", () => {
    expect(() => ddl(new CreateIndex(new Index("foo", "x")))).toThrow(/Index 'foo' is not attached to a table/);
  });
});

describe("Table and MetaData construction (test_metadata.py)", () => {
  it("a PrimaryKeyConstraint marks its columns primary key and NOT NULL unless nullable was given", () => {
    const m = new MetaData();
    const t = Table("t", m, { x: Column(Integer), y: Column(Integer), z: Column(Integer) }, new PrimaryKeyConstraint(["x", "y"]));
    expect([t.c.x.primaryKey, t.c.y.primaryKey, t.c.z.primaryKey]).toEqual([true, true, false]);
    const t1 = Table("t1", m, { x: Column(Integer) }, new PrimaryKeyConstraint(["x"]));
    const t2 = Table("t2", m, { x: Column(Integer, { primaryKey: true }) });
    expect(t1.primaryKeyColumns).toEqual([t1.c.x]);
    expect([t1.c.x.nullable, t2.c.x.nullable]).toEqual([false, false]);
    const n1 = Table("n1", m, { x: Column(Integer, { nullable: true }) }, new PrimaryKeyConstraint(["x"]));
    const n2 = Table("n2", m, { x: Column(Integer, { primaryKey: true, nullable: true }) });
    expect([n1.c.x.primaryKey, n1.c.x.nullable, n2.c.x.nullable]).toEqual([true, true, true]);
    expect(ddl(new CreateTable(n1))).toBe("CREATE TABLE n1 (x INTEGER, PRIMARY KEY (x))");
  });

  it("a PrimaryKeyConstraint without columns takes the columns marked primaryKey", () => {
    const t = Table("t", new MetaData(), { x: Column(Integer, { primaryKey: true }) }, new PrimaryKeyConstraint());
    expect(t.primaryKeyColumns).toEqual([t.c.x]);
  });

  it("a PrimaryKeyConstraint naming other columns than the primaryKey flags wins, with a warning", () => {
    const caught = warnings.catch(() => {
      const t = Table("t", new MetaData(), { x: Column(Integer, { primaryKey: true }), q: Column(Integer) }, new PrimaryKeyConstraint(["q"]));
      expect(t.primaryKeyColumns).toEqual([t.c.q]);
      const t2 = Table("t2", new MetaData(), { a: Column(Integer, { primaryKey: true }), b: Column(Integer, { primaryKey: true }), c: Column(Integer, { primaryKey: true }) }, new PrimaryKeyConstraint(["b", "c"]));
      expect(t2.primaryKeyColumns).toEqual([t2.c.b, t2.c.c]);
    });
    expect(caught.map((w) => w.message)).toEqual([
      expect.stringContaining("Table 't' specifies columns 'x' as primary_key=True, not matching locally specified columns 'q'"),
      expect.stringContaining("Table 't2' specifies columns 'a', 'b', 'c' as primary_key=True, not matching locally specified columns 'b', 'c'"),
    ]);
    expect(caught[0]).toBeInstanceOf(AthanorWarning);
  });

  it("autoincrementColumn follows SQLAlchemy's rules", () => {
    const m = new MetaData();
    const int = Table("i", m, { a: Column(Integer, { primaryKey: true }) });
    expect(int.autoincrementColumn).toBe(int.c.a);
    const num0 = Table("n0", m, { a: Column(Numeric(10, 0), { primaryKey: true }) });
    expect(num0.autoincrementColumn).toBeUndefined();
    const num0Explicit = Table("n0e", m, { a: Column(Numeric(10, 0), { primaryKey: true, autoincrement: true }) });
    expect(num0Explicit.autoincrementColumn).toBe(num0Explicit.c.a);
    const multi = Table("mu", m, { a: Column(Integer, { primaryKey: true }), b: Column(Integer, { primaryKey: true }) });
    expect(multi.autoincrementColumn).toBeUndefined();
    const dflt = Table("d", m, { a: Column(Integer, { primaryKey: true, autoincrement: true, default: () => 1 }) });
    expect(dflt.autoincrementColumn).toBe(dflt.c.a);
    const sdflt = Table("sd", m, { a: Column(Integer, { primaryKey: true, autoincrement: true, serverDefault: func.magic() }) });
    expect(sdflt.autoincrementColumn).toBe(sdflt.c.a);
    Table("t1", m, { id: Column(Integer, { primaryKey: true }) });
    const fk = Table("fk", m, { a: Column(Integer, { primaryKey: true, foreignKey: "t1.id" }) });
    expect(fk.autoincrementColumn).toBeUndefined();
    const fkExplicit = Table("fke", m, { a: Column(Integer, { primaryKey: true, foreignKey: "t1.id", autoincrement: true }) });
    expect(fkExplicit.autoincrementColumn).toBe(fkExplicit.c.a);
  });

  it("autoincrement: true on a type that cannot autoincrement raises ArgumentError", () => {
    const m = new MetaData();
    const s = Table("s", m, { a: Column(String, { primaryKey: true, autoincrement: true }) });
    expect(() => s.autoincrementColumn).toThrow(new ArgumentError("Column type VARCHAR on column 's.a' is not compatible with autoincrement=True"));
    const f = Table("f", m, { a: Column(Float, { primaryKey: true, autoincrement: true }) });
    expect(() => f.autoincrementColumn).toThrow(new ArgumentError("Column type FLOAT on column 'f.a' is not compatible with autoincrement=True"));
    const n = Table("n", m, { a: Column(Numeric(10, 5), { primaryKey: true, autoincrement: true }) });
    expect(() => n.autoincrementColumn).toThrow(/^Column type NUMERIC\(10, 5\) with non-zero scale 5/);
    const two = Table("two", m, { a: Column(Integer, { primaryKey: true, autoincrement: true }), b: Column(Integer, { primaryKey: true, autoincrement: true }) });
    expect(() => two.autoincrementColumn).toThrow(/^Only one Column may be marked autoincrement=True, found both b and a\.$/);
  });

  it("ForeignKeyConstraint argument errors", () => {
    expect(() => new ForeignKeyConstraint(["a"], ["b.a", "b.b"])).toThrow(
      new ArgumentError("ForeignKeyConstraint number of constrained columns must match the number of referenced columns."),
    );
    expect(() => new ForeignKeyConstraint(["a", "b"], ["b.a"])).toThrow(ArgumentError);
    expect(() => new ForeignKeyConstraint(["a", "a"], ["b.a", "b.b"])).toThrow(
      new ArgumentError("ForeignKeyConstraint with duplicate source column references are not supported."),
    );
  });

  it("ForeignKey needs a table column or a \"table.column\" string", () => {
    const t = Table("t", new MetaData(), { x: Column(Integer) });
    expect(() => new ForeignKey(bindparam("x") as never)).toThrow(/^String column name or Column object for DDL foreign key constraint expected, got .*bind/);
    expect(() => new ForeignKey(t.alias().c.x)).toThrow(/^ForeignKey received Column not bound to a Table, got: .*alias/);
    expect(new ForeignKey(t.c.x).column).toBe(t.c.x);
  });

  it("a ForeignKeyConstraint on a column the table lacks", () => {
    const m = new MetaData();
    const a = Table("a", m, { a: Column(Integer) });
    Table("b", m, { b: Column(Integer) });
    expect(() => a.appendConstraint(new ForeignKeyConstraint(["x"], ["b.b"]))).toThrow(
      new ArgumentError("Can't create ForeignKeyConstraint on table 'a': no column named 'x' is present."),
    );
  });

  it("a foreign key to a missing column raises when the column is resolved, before or after the target table exists", () => {
    const msg = "Could not initialize target column for ForeignKey 'b.x' on table 'a': table 'b' has no column named 'x'";
    const m1 = new MetaData();
    const a1 = Table("a", m1, { a: Column(Integer) });
    Table("b", m1, { b: Column(Integer) });
    a1.appendConstraint(new ForeignKeyConstraint(["a"], ["b.x"]));
    expect(() => a1.foreignKeyConstraints[0].elements[0].column).toThrow(msg);
    expect(() => a1.foreignKeyConstraints[0].elements[0].column).toThrow(InvalidRequestError);
    const m2 = new MetaData();
    const a2 = Table("a", m2, { a: Column(Integer) });
    a2.appendConstraint(new ForeignKeyConstraint(["a"], ["b.x"]));
    expect(() => a2.foreignKeyConstraints[0].elements[0].column).toThrow(
      "Foreign key associated with column 'a.a' could not find table 'b' with which to generate a foreign key to target column 'x'",
    );
    expect(() => a2.foreignKeyConstraints[0].elements[0].column).toThrow(NoReferencedTableError);
    Table("b", m2, { b: Column(Integer) });
    expect(() => a2.foreignKeyConstraints[0].elements[0].column).toThrow(msg);
    expect(() => a2.foreignKeyConstraints[0].elements[0].column).toThrow(NoReferencedColumnError);
  });

  it("appendConstraint adds each constraint once; DROP TABLE is unaffected", () => {
    const { tbl, t2 } = twoTables();
    const fk = new ForeignKeyConstraint(["a"], ["t2.a"], { name: "fk_a" });
    tbl.appendConstraint(fk);
    tbl.appendConstraint(fk);
    expect(tbl.foreignKeyConstraints).toEqual([fk]);
    expect(fk.referredTable).toBe(t2);
    expect(ddl(new CreateTable(tbl))).toBe("CREATE TABLE tbl (a INTEGER, b INTEGER, CONSTRAINT fk_a FOREIGN KEY(a) REFERENCES t2 (a))");
    expect(ddl(new DropTable(tbl))).toBe("DROP TABLE tbl");
  });
});

describe("MetaData collections and the default schema (test_metadata.py)", () => {
  it("contains() by key or table; clear() empties the tables", () => {
    const metadata = new MetaData();
    const t1 = Table("t1", metadata, { x: Column(Integer) });
    const t2 = Table("t2", metadata, { x: Column(Integer) }, { schema: "foo" });
    const t3 = Table("t2", new MetaData(), { x: Column(Integer) });
    const t4 = Table("t1", new MetaData(), { x: Column(Integer) }, { schema: "foo" });
    expect([metadata.contains("t1"), metadata.contains("foo.t2"), metadata.contains("t2"), metadata.contains("foo.t1")]).toEqual([true, true, false, false]);
    expect([t1, t2, t3, t4].map((t) => metadata.contains(t))).toEqual([true, true, false, false]);
    metadata.clear();
    expect(metadata.tables.size).toBe(0);
    expect(metadata.contains("t1")).toBe(false);
  });

  it("MetaData({ schema }) is the default schema of tables and sequences; null opts out", () => {
    const m1 = new MetaData({ schema: "sch1" });
    const m4 = new MetaData();
    const cases: [string, MetaData, string | null | undefined, string | undefined][] = [
      ["t1", m1, undefined, "sch1"],
      ["t2", m1, "sch2", "sch2"],
      ["t4", m1, "sch1", "sch1"],
      ["t5", m1, null, undefined],
      ["t1", m4, undefined, undefined],
      ["t2", m4, "sch2", "sch2"],
    ];
    for (const [name, md, schema, expected] of cases) {
      const t = Table(name, md, { x: Column(Integer) }, ...(schema !== undefined ? [{ schema }] : []));
      expect(t.schema, name).toBe(expected);
      const seq = new Sequence(name, { metadata: md, ...(typeof schema === "string" ? { schema } : {}) });
      expect(seq.opts.schema, `seq ${name}`).toBe(schema === null ? "sch1" : expected);
    }
  });

  it("an unqualified foreign key target resolves in the MetaData's schema", () => {
    const md = new MetaData({ schema: "s" });
    const parent = Table("parent", md, { id: Column(Integer, { primaryKey: true }) });
    const child = Table("child", md, { pid: Column(Integer, { foreignKey: "parent.id" }) });
    expect(child.c.pid.foreignKeys[0].column).toBe(parent.c.id);
    expect(ddl(new CreateTable(child))).toBe("CREATE TABLE s.child (pid INTEGER, FOREIGN KEY(pid) REFERENCES s.parent (id))");
    expect(md.sortedTables).toEqual([parent, child]);
  });
});

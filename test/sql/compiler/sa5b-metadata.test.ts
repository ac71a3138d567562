/**
 * SQLAlchemy's test_metadata.py (TableTest, ConstraintTest, MetaDataTest) and
 * test_constraints.py: duplicate column names, ForeignKey.column before its column has a
 * table, constraints built from a table's columns attaching to it, and CREATE TABLE with
 * constraints of several kinds.
 */
import { describe, expect, it } from "vitest";
import {
  AddConstraint, ArgumentError, CheckConstraint, Column, CreateTable, DuplicateColumnError, ForeignKey, Index, Integer, InvalidRequestError, MetaData,
  NoReferencedColumnError, NoReferencedTableError, String, Table, UniqueConstraint, type ClauseElement,
} from "../../../src/index.js";

function ddl(stmt: ClauseElement): string {
  return stmt.compile().sql.replace(/[\n\t]/g, "");
}

describe("Table construction errors", () => {
  it("two columns with one SQL name: SQLAlchemy's DuplicateColumnError", () => {
    const build = () => Table("t", new MetaData(), { a: Column(Integer), col: Column(Integer), col2: Column(String, { name: "col" }) });
    expect(build).toThrow(DuplicateColumnError);
    expect(build).toThrow(ArgumentError);
    expect(build).toThrow("A column with name 'col' is already present in table 't'.");
  });

  it("a table defined twice in one MetaData", () => {
    const m = new MetaData();
    Table("t", m, { a: Column(Integer) });
    expect(() => Table("t", m, { a: Column(Integer) })).toThrow(new InvalidRequestError("Table 't' is already defined for this MetaData instance"));
  });
});

describe("ForeignKey.column (test_metadata.py ConstraintTest)", () => {
  it("without a parent column", () => {
    const fk = new ForeignKey("sometable.somecol");
    expect(() => fk.column).toThrow(InvalidRequestError);
    expect(() => fk.column).toThrow("this ForeignKey object does not yet have a parent Column associated with it.");
  });

  it("with a parent column that has no table", () => {
    const fk = new ForeignKey("sometable.somecol");
    Column(fk);
    expect(() => fk.column).toThrow(InvalidRequestError);
    expect(() => fk.column).toThrow("this ForeignKey's parent column is not yet associated with a Table.");
  });

  it("target table missing, then target column missing", () => {
    const fk = new ForeignKey("sometable.somecol");
    const m = new MetaData();
    Table("t", m, { x: Column(fk) });
    expect(() => fk.column).toThrow(NoReferencedTableError);
    expect(() => fk.column).toThrow("Foreign key associated with column 't.x' could not find table 'sometable' with which to generate a foreign key to target column 'somecol'");
    Table("sometable", m, { notsomecol: Column(Integer) });
    expect(() => fk.column).toThrow(NoReferencedColumnError);
    expect(() => fk.column).toThrow("Could not initialize target column for ForeignKey 'sometable.somecol' on table 't': table 'sometable' has no column named 'somecol'");
  });

  it("a column target needs no table lookup", () => {
    const t = Table("t", new MetaData(), { x: Column(Integer) });
    const fk = new ForeignKey(t.c.x);
    expect(fk.column).toBe(t.c.x);
  });
});

describe("constraints built from a table's columns attach to it", () => {
  it("UniqueConstraint of Column objects appears in the table's constraints and CREATE TABLE", () => {
    const t = Table("t", new MetaData(), { a: Column(Integer), b: Column(Integer) });
    const uq = new UniqueConstraint(t.c.a, t.c.b, { name: "uq_ab" });
    expect(uq.table).toBe(t);
    expect(t.constraints).toContain(uq);
    expect(ddl(new CreateTable(t))).toBe("CREATE TABLE t (a INTEGER, b INTEGER, CONSTRAINT uq_ab UNIQUE (a, b))");
  });

  it("CheckConstraint of an expression over one table attaches; appending again keeps one", () => {
    const t = Table("t", new MetaData(), { a: Column(Integer), b: Column(Integer) });
    const ck = new CheckConstraint(t.c.a.gt(t.c.b), { name: "ck_ab" });
    t.appendConstraint(ck);
    expect(t.constraints.filter((c) => c === ck)).toHaveLength(1);
    expect(ddl(new CreateTable(t))).toBe("CREATE TABLE t (a INTEGER, b INTEGER, CONSTRAINT ck_ab CHECK (a > b))");
  });

  it("columns of two tables attach nowhere", () => {
    const m = new MetaData();
    const t1 = Table("t1", m, { a: Column(Integer) });
    const t2 = Table("t2", m, { b: Column(Integer) });
    const uq = new UniqueConstraint(t1.c.a, t2.c.b);
    expect(uq.table).toBeUndefined();
    expect(t1.constraints).toEqual([]);
    expect(t2.constraints).toEqual([]);
  });

  it("a textual CHECK waits for a table", () => {
    const t = Table("t", new MetaData(), { a: Column(Integer) });
    const ck = new CheckConstraint("a > 5", { name: "ck_a" });
    expect(ck.table).toBeUndefined();
    expect(t.constraints).toEqual([]);
  });

  it("an unnamed Index attaches and takes the default convention's name; an empty convention is the default", () => {
    const t = Table("t", new MetaData({ namingConvention: {} }), { a: Column(Integer) });
    const ix = new Index(null, t.c.a);
    expect(t.indexes).toEqual([ix]);
    expect(ix.name).toBe("ix_t_a");
    const u = Table("u", new MetaData({ namingConvention: { uq: "uq_%(table_name)s" } }), { a: Column(Integer) });
    expect(new Index(null, u.c.a).name).toBeUndefined();
  });
});

describe("CREATE TABLE with several constraints (test_constraints.py)", () => {
  it("named and unnamed constraints of each kind, in the order given", () => {
    const m = new MetaData();
    const employees = Table(
      "employees",
      m,
      { id: Column(Integer), soc: Column(String(40)), name: Column(String(30)) },
      new UniqueConstraint("id", "soc", { name: "uq_id_soc" }),
      new CheckConstraint("id > 0"),
    );
    expect(ddl(new CreateTable(employees))).toBe(
      "CREATE TABLE employees (id INTEGER, soc VARCHAR(40), name VARCHAR(30), CONSTRAINT uq_id_soc UNIQUE (id, soc), CHECK (id > 0))",
    );
    const uq = new UniqueConstraint(employees.c.name, { name: "uq_name" });
    expect(ddl(new AddConstraint(uq))).toBe("ALTER TABLE employees ADD CONSTRAINT uq_name UNIQUE (name)");
  });
});

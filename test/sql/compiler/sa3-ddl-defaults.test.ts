/**
 * Sequence, Identity and Computed DDL, ported by behaviour from SQLAlchemy 2.0's
 * test/sql/test_sequences.py (SequenceDDLTest, SequenceTest), test/sql/test_identity_column.py
 * and test/sql/test_computed.py, on the display, PostgreSQL and SQLite dialects.
 */
import { describe, expect, it } from "vitest";
import {
  ArgumentError, BigInteger, Column, CompileError, Computed, CreateSequence, CreateTable, DropSequence, Identity, Integer, MetaData, Sequence, Table,
  type IdentityOptions,
} from "../../../src/index.js";
import { postgresqlDialect, sqliteDialect } from "./helpers.js";

const flat = (s: string) => s.replace(/[\n\t]/g, "");
const ddl = (e: CreateTable | CreateSequence | DropSequence, dialect?: "postgresql" | "sqlite") =>
  flat(e.compile(dialect === "postgresql" ? { dialect: postgresqlDialect } : dialect === "sqlite" ? { dialect: sqliteDialect } : {}).sql);

describe("SequenceDDLTest (test_sequences.py)", () => {
  const cases: [IdentityOptions, string][] = [
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
    [{ minvalue: 42 }, "MINVALUE 42"],
    [{ minvalue: -42 }, "MINVALUE -42"],
    [{ minvalue: 42, increment: 2 }, "INCREMENT BY 2 MINVALUE 42"],
    [{ minvalue: -42, increment: 2 }, "INCREMENT BY 2 MINVALUE -42"],
    [{ minvalue: 42, increment: -2 }, "INCREMENT BY -2 MINVALUE 42"],
    [{ minvalue: -42, increment: -2 }, "INCREMENT BY -2 MINVALUE -42"],
    [{ maxvalue: 99 }, "MAXVALUE 99"],
    [{ maxvalue: -99 }, "MAXVALUE -99"],
    [{ maxvalue: 99, increment: 2 }, "INCREMENT BY 2 MAXVALUE 99"],
    [{ maxvalue: 99, increment: -2 }, "INCREMENT BY -2 MAXVALUE 99"],
    [{ maxvalue: -99, increment: -2 }, "INCREMENT BY -2 MAXVALUE -99"],
    [{ minvalue: 42, maxvalue: 99 }, "MINVALUE 42 MAXVALUE 99"],
    [{ minvalue: 42, maxvalue: 99, increment: 2 }, "INCREMENT BY 2 MINVALUE 42 MAXVALUE 99"],
    [{ minvalue: -42, maxvalue: -9, increment: 2 }, "INCREMENT BY 2 MINVALUE -42 MAXVALUE -9"],
    [{ minvalue: 42, maxvalue: 99, increment: -2 }, "INCREMENT BY -2 MINVALUE 42 MAXVALUE 99"],
    [{ minvalue: -42, maxvalue: -9, increment: -2 }, "INCREMENT BY -2 MINVALUE -42 MAXVALUE -9"],
  ];
  it.each(cases)("test_create_ddl %j", (opts, sql) => {
    const seq = new Sequence("foo_seq", opts);
    const before = seq.opts.start;
    expect(ddl(new CreateSequence(seq))).toBe(`CREATE SEQUENCE foo_seq ${sql}`.trim());
    expect(ddl(new CreateSequence(seq), "postgresql")).toBe(`CREATE SEQUENCE foo_seq ${sql}`.trim());
    expect(seq.opts.start).toBe(before);
  });

  it("test_drop_ddl", () => {
    expect(ddl(new CreateSequence(new Sequence("foo_seq"), { ifNotExists: true }))).toBe("CREATE SEQUENCE IF NOT EXISTS foo_seq");
    expect(ddl(new DropSequence(new Sequence("foo_seq")))).toBe("DROP SEQUENCE foo_seq");
    expect(ddl(new DropSequence(new Sequence("foo_seq"), { ifExists: true }))).toBe("DROP SEQUENCE IF EXISTS foo_seq");
  });

  it("test_next_value_type", () => {
    const seq = new Sequence("my_sequence", { dataType: BigInteger });
    expect(seq.nextValue().type).toBeInstanceOf(BigInteger().constructor);
    expect(new Sequence("plain").nextValue().type).toBeInstanceOf(Integer().constructor);
  });

  it("test_create_sequence_data_type: PostgreSQL renders AS <type>", () => {
    expect(ddl(new CreateSequence(new Sequence("s", { dataType: BigInteger, start: 3 })), "postgresql")).toBe("CREATE SEQUENCE s AS BIGINT START WITH 3");
    expect(ddl(new CreateSequence(new Sequence("s", { dataType: Integer })), "postgresql")).toBe("CREATE SEQUENCE s AS INTEGER");
  });
});

describe("IdentityDDL (test_identity_column.py)", () => {
  const cases: [IdentityOptions & { always?: boolean }, string][] = [
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
  it.each(cases)("test_create_ddl on PostgreSQL and the display dialect %j", (opts, text) => {
    const t = Table("foo_table", new MetaData(), { foo: Column(Integer(), { identity: new Identity(opts) }) });
    expect(ddl(new CreateTable(t), "postgresql")).toBe(`CREATE TABLE foo_table (foo INTEGER GENERATED ${text})`);
    expect(ddl(new CreateTable(t))).toBe(`CREATE TABLE foo_table (foo INTEGER GENERATED ${text})`);
  });

  it("test_other_options", () => {
    const t = Table("foo_table", new MetaData(), { foo: Column(Integer(), { identity: new Identity({ always: true, start: 3 }), nullable: false, unique: true }) });
    expect(ddl(new CreateTable(t), "postgresql")).toBe("CREATE TABLE foo_table (foo INTEGER GENERATED ALWAYS AS IDENTITY (START WITH 3), UNIQUE (foo))");
  });

  it("test_autoincrement_true", () => {
    const t = Table("foo_table", new MetaData(), { foo: Column(Integer(), { identity: new Identity({ always: true, start: 3 }), primaryKey: true, autoincrement: true }) });
    expect(ddl(new CreateTable(t), "postgresql")).toBe("CREATE TABLE foo_table (foo INTEGER GENERATED ALWAYS AS IDENTITY (START WITH 3), PRIMARY KEY (foo))");
    expect(ddl(new CreateTable(t))).toBe("CREATE TABLE foo_table (foo INTEGER GENERATED ALWAYS AS IDENTITY (START WITH 3), PRIMARY KEY (foo))");
  });

  it("test_nullable_kwarg", () => {
    const t = Table("t", new MetaData(), {
      a: Column(Integer(), { identity: new Identity(), nullable: false }),
      b: Column(Integer(), { identity: new Identity(), nullable: true }),
      c: Column(Integer(), { identity: new Identity() }),
    });
    expect(t.c.a.nullable).toBe(false);
    expect(t.c.b.nullable).toBe(true);
    expect(t.c.c.nullable).toBe(false);
    expect(ddl(new CreateTable(t), "postgresql")).toBe(
      "CREATE TABLE t (a INTEGER GENERATED BY DEFAULT AS IDENTITY, b INTEGER GENERATED BY DEFAULT AS IDENTITY NULL, c INTEGER GENERATED BY DEFAULT AS IDENTITY)",
    );
  });

  it("test_identity_is_ignored (sqlite)", () => {
    const t = Table("foo_table", new MetaData(), { foo: Column(Integer(), { identity: new Identity({ always: true, start: 3 }) }) });
    const exp = Table("foo_table", new MetaData(), { foo: Column(Integer(), { nullable: false }) });
    expect(ddl(new CreateTable(t), "sqlite")).toBe(ddl(new CreateTable(exp), "sqlite"));
  });

  it("test_identity_is_ignored_in_pk (sqlite)", () => {
    for (const autoincrement of [true, "auto"] as const) {
      const t = Table("foo_table", new MetaData(), { foo: Column(Integer(), { identity: new Identity({ always: true, start: 3 }), primaryKey: true, autoincrement }) });
      const exp = Table("foo_table", new MetaData(), { foo: Column(Integer(), { primaryKey: true, autoincrement }) });
      expect(ddl(new CreateTable(t), "sqlite")).toBe(ddl(new CreateTable(exp), "sqlite"));
    }
  });

  it("test_server_default_onupdate", () => {
    const text = "A column with an Identity object cannot specify a server_default or a server_onupdate argument";
    expect(() => Table("t", new MetaData(), { y: Column(Integer, { identity: new Identity(), serverDefault: "42" }) })).toThrow(text);
    expect(() => Table("t", new MetaData(), { y: Column(Integer, { identity: new Identity(), serverOnupdate: true }) })).toThrow(text);
  });

  it("test_identity_and_sequence", () => {
    const e = (() => {
      try {
        Table("foo_table", new MetaData(), { foo: Column(Integer(), { identity: new Identity(), sequence: new Sequence("foo_seq") }) });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as Error).message).toBe("An column cannot specify both Identity and Sequence.");
  });

  it("test_identity_autoincrement_false", () => {
    expect(() => Table("t", new MetaData(), { y: Column(Integer, { identity: new Identity(), primaryKey: true, autoincrement: false }) })).toThrow(
      "A column with an Identity object cannot specify autoincrement=False",
    );
  });
});

describe("DDLComputedTest (test_computed.py)", () => {
  const cases: [string, { persisted?: boolean } | undefined, string][] = [
    ["no_persisted", undefined, ""],
    ["persisted_true", { persisted: true }, " STORED"],
    ["persisted_false", { persisted: false }, " VIRTUAL"],
  ];
  it.each(cases)("test_column_computed %s", (_id, opts, text) => {
    const t = Table("t", new MetaData(), { x: Column(Integer), y: Column(Integer, { computed: new Computed("x + 2", opts) }) });
    expect(ddl(new CreateTable(t))).toBe(`CREATE TABLE t (x INTEGER, y INTEGER GENERATED ALWAYS AS (x + 2)${text})`);
  });

  it("test_other_options", () => {
    const t = Table("t", new MetaData(), { y: Column(Integer, { computed: new Computed("x + 2"), nullable: false, unique: true }) });
    expect(ddl(new CreateTable(t))).toBe("CREATE TABLE t (y INTEGER GENERATED ALWAYS AS (x + 2) NOT NULL, UNIQUE (y))");
  });

  it("test_server_default_onupdate", () => {
    const text = "A generated column cannot specify a server_default or a server_onupdate argument";
    expect(() => Table("t", new MetaData(), { x: Column(Integer), y: Column(Integer, { computed: new Computed("x + 2"), serverDefault: "42" }) })).toThrow(ArgumentError);
    expect(() => Table("t", new MetaData(), { x: Column(Integer), y: Column(Integer, { computed: new Computed("x + 2"), serverDefault: "42" }) })).toThrow(text);
    expect(() => Table("t", new MetaData(), { x: Column(Integer), y: Column(Integer, { computed: new Computed("x + 2"), serverOnupdate: true }) })).toThrow(text);
  });

  it("PostgreSQL: every computed column is STORED; persisted: false is a CompileError (test_compiler.py test_column_computed)", () => {
    for (const opts of [undefined, { persisted: true }]) {
      const t = Table("t", new MetaData(), { x: Column(Integer), y: Column(Integer, { computed: new Computed("x + 2", opts) }) });
      expect(ddl(new CreateTable(t), "postgresql")).toBe("CREATE TABLE t (x INTEGER, y INTEGER GENERATED ALWAYS AS (x + 2) STORED)");
    }
    const v = Table("t", new MetaData(), { x: Column(Integer), y: Column(Integer, { computed: new Computed("x + 2", { persisted: false }) }) });
    expect(() => ddl(new CreateTable(v), "postgresql")).toThrow(CompileError);
    expect(() => ddl(new CreateTable(v), "postgresql")).toThrow(
      "PostrgreSQL computed columns do not support 'virtual' persistence; set the 'persisted' flag to None or True for PostgreSQL support.",
    );
  });
});

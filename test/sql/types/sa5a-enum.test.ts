/**
 * `Enum`, ported from SQLAlchemy's test/sql/test_types.py `EnumTest` and the ENUM parts of
 * test/dialect/postgresql/test_types.py: DDL (native PostgreSQL type vs VARCHAR + CHECK),
 * lengths, validation (athanor validates strings on bind, as `validate_strings=True`), and round
 * trips on PostgreSQL and SQLite.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  ArgumentError, Column, CreateTable, Enum, EnumLookupError, Integer, IntegrityError, MetaData, Table, delete_, insert, literal,
  select, text, type Dialect,
} from "../../../src/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useTablesOnce } from "../../fixtures/suite-tables.js";
import { postgresqlDialect, sqliteDialect } from "../compiler/helpers.js";
import { LITE, PG, bind, result } from "./db.js";

describe("Enum DDL and validation", () => {
  it("test_length_native / test_no_length_non_native / test_length_non_native", () => {
    expect(Enum(["x", "y", "long"], { length: 42 }).length).toBe(42);
    expect(Enum(["x", "y", "long"]).length).toBe(4);
    expect(Enum(["x", "y", "long"], { nativeEnum: false }).length).toBe(4);
    expect(Enum(["x", "y", "long"], { nativeEnum: false, length: 42 }).compileType(LITE)).toBe("VARCHAR(42)");
  });

  it("test_length_too_short_raises", () => {
    expect(() => Enum(["x", "y", "long"], { nativeEnum: false, length: 1 })).toThrow(ArgumentError);
    expect(() => Enum(["x", "y", "long"], { nativeEnum: false, length: 1 })).toThrow("Enum length must be an integer of at least 4 (the longest value)");
  });

  it("a named Enum is a native type on PostgreSQL, VARCHAR(n) on SQLite and the display dialect", () => {
    const e = Enum(["one", "two", "three"], { name: "myenum" });
    expect(e.compileType(PG)).toBe("myenum");
    expect(e.compileType(LITE)).toBe("VARCHAR(5)");
    expect(e.compileType({ name: "postgresql", generic: true })).toBe("VARCHAR(5)");
    expect(e.createTypeDDL()).toBe("CREATE TYPE myenum AS ENUM ('one', 'two', 'three')");
    expect(e.dropTypeDDL()).toBe("DROP TYPE myenum");
    expect(Enum(["a"], { name: "Mixed Case", schema: "s" }).createTypeDDL()).toBe(`CREATE TYPE s."Mixed Case" AS ENUM ('a')`);
  });

  it("createConstraint adds CHECK (col IN (…)) to the non-native form only (enum_table / non_native_enum_table)", () => {
    const md = new MetaData();
    const native = Table("enum_table", md, {
      id: Column(Integer, { primaryKey: true }),
      someenum: Column(Enum(["one", "two", "three"], { name: "myenum", createConstraint: true })),
    });
    const nonNative = Table("non_native_enum_table", md, {
      id: Column(Integer, { primaryKey: true, autoincrement: false }),
      someenum: Column(Enum(["one", "two", "three"], { nativeEnum: false, createConstraint: true })),
      someotherenum: Column(Enum(["one", "two", "three"], { nativeEnum: false })),
    });
    const sql = (t: typeof native | typeof nonNative, d: Dialect) => new CreateTable(t).compile({ dialect: d }).sql.replace(/\n/g, "");
    expect(sql(native, postgresqlDialect)).toBe("CREATE TABLE enum_table (\tid SERIAL NOT NULL, \tsomeenum myenum, \tPRIMARY KEY (id))");
    expect(sql(native, sqliteDialect)).toBe(
      "CREATE TABLE enum_table (\tid INTEGER NOT NULL, \tsomeenum VARCHAR(5), \tPRIMARY KEY (id), \tCONSTRAINT myenum CHECK (someenum IN ('one', 'two', 'three')))",
    );
    expect(sql(nonNative, postgresqlDialect)).toBe(
      "CREATE TABLE non_native_enum_table (\tid INTEGER NOT NULL, \tsomeenum VARCHAR(5), \tsomeotherenum VARCHAR(5), \tPRIMARY KEY (id), \tCHECK (someenum IN ('one', 'two', 'three')))",
    );
  });

  it("test_validators_plain: bind and read raise EnumLookupError for values outside the enum", () => {
    const type = Enum(["one", "two"]);
    expect(bind(type, "sqlite", "one")).toBe("one");
    expect(() => bind(type, "sqlite", 5)).toThrow(EnumLookupError);
    expect(() => bind(type, "sqlite", 5)).toThrow(`Enum cannot bind number 5: allowed values are 'one', 'two'`);
    expect(() => bind(type, "postgresql", "foo")).toThrow(`Enum cannot bind string "foo": allowed values are 'one', 'two'`);
    expect(result(type, "postgresql", "one")).toBe("one");
    expect(() => result(type, "sqlite", "foo")).toThrow(EnumLookupError);
    expect(() => result(type, "sqlite", "foo")).toThrow(`Enum cannot read string "foo": allowed values are 'one', 'two'`);
    expect(new EnumLookupError("x")).toBeInstanceOf(ArgumentError);
  });

  it("literal rendering validates too", () => {
    const render = (v: unknown, t: { bindProcessor(d: "sqlite"): ((x: unknown) => unknown) | undefined }) => `'${globalThis.String(t.bindProcessor("sqlite")!(v))}'`;
    const type = Enum(["one", "two"]);
    expect(type.literalProcessor("sqlite", render)("one")).toBe("'one'");
    expect(() => type.literalProcessor("sqlite", render)(5)).toThrow(EnumLookupError);
  });

  it("test_enum_raise_lookup_none: an Enum needs values", () => {
    expect(() => Enum([])).toThrow("Enum needs at least one value");
  });
});

const md = new MetaData();
const mood = `sa5a_myenum_${uniqueName("e").replace(/\W/g, "_")}`;
const enumTable = Table(uniqueName("sa5a_enum_table"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  someenum: Column(Enum(["one", "two", "three"], { name: mood, createConstraint: true })),
});
const nonNative = Table(uniqueName("sa5a_non_native_enum_table"), md, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  someenum: Column(Enum(["one", "two", "three"], { nativeEnum: false, createConstraint: true })),
  someotherenum: Column(Enum(["one", "two", "three"], { nativeEnum: false })),
});

describe.each(dialectTargets())("EnumTest round trips on $name", (target) => {
  const db = useTablesOnce(target, md);
  beforeEach(() =>
    db.engine.begin(async (conn) => {
      await conn.execute(delete_(enumTable));
      await conn.execute(delete_(nonNative));
    }),
  );

  const three = [{ id: 1, someenum: "two" }, { id: 2, someenum: "two" }, { id: 3, someenum: "one" }] as const;

  it("test_round_trip", async () => {
    const rows = await db.engine.begin(async (conn) => {
      await conn.execute(insert(enumTable), [...three]);
      return (await conn.execute(select(enumTable).orderBy(enumTable.c.id))).all().map((r) => [...r]);
    });
    expect(rows).toEqual([[1, "two"], [2, "two"], [3, "one"]]);
  });

  it("test_non_native_round_trip", async () => {
    const rows = await db.engine.begin(async (conn) => {
      await conn.execute(insert(nonNative), [...three]);
      return (await conn.execute(select(nonNative.c.id, nonNative.c.someenum).orderBy(nonNative.c.id))).all().map((r) => [...r]);
    });
    expect(rows).toEqual([[1, "two"], [2, "two"], [3, "one"]]);
  });

  it("test_null_round_trip", async () => {
    const [a, b] = await db.engine.begin(async (conn) => {
      await conn.execute(insert(enumTable), { id: 1, someenum: null });
      await conn.execute(insert(nonNative), { id: 1, someenum: null });
      return [await conn.scalar(select(enumTable.c.someenum)), await conn.scalar(select(nonNative.c.someenum))];
    });
    expect([a, b]).toEqual([null, null]);
  });

  it("test_validators_not_in_like_roundtrip", async () => {
    const rows = await db.engine.begin(async (conn) => {
      await conn.execute(insert(nonNative), [...three]);
      return (await conn.execute(select(nonNative).where(nonNative.c.someenum.like("%wo%")).orderBy(nonNative.c.id))).all().map((r) => [...r]);
    });
    expect(rows).toEqual([[1, "two", null], [2, "two", null]]);
  });

  it("test_validators_not_in_concatenate_roundtrip", async () => {
    const rows = await db.engine.begin(async (conn) => {
      await conn.execute(insert(nonNative), [...three]);
      return (await conn.execute(select(literal("foo").concat(nonNative.c.someenum)).orderBy(nonNative.c.id))).all().map((r) => [...r]);
    });
    expect(rows).toEqual([["footwo"], ["footwo"], ["fooone"]]);
  });

  it("test_check_constraint: the database refuses a value outside the CHECK", async () => {
    await expect(db.engine.begin((conn) => conn.execute(text(`insert into ${nonNative.name} (id, someenum) values (1, 'four')`)))).rejects.toThrow(IntegrityError);
  });

  it("test_skip_check_constraint: an unchecked column stores anything; reading it back raises EnumLookupError", async () => {
    const raw = await db.engine.begin(async (conn) => {
      await conn.execute(text(`insert into ${nonNative.name} (id, someotherenum) values (1, 'four')`));
      return conn.scalar(text(`select someotherenum from ${nonNative.name}`));
    });
    expect(raw).toBe("four");
    await expect(db.engine.connect((conn) => conn.scalar(select(nonNative.c.someotherenum)))).rejects.toThrow(
      `Enum cannot read string "four": allowed values are 'one', 'two', 'three'`,
    );
  });

  it("test_lookup_failure: binding a value outside the enum fails before the statement runs", async () => {
    await expect(db.engine.begin((conn) => conn.execute(insert(nonNative), { id: 4, someotherenum: "four" as never }))).rejects.toThrow(
      `Cannot bind value for column '${nonNative.name}.someotherenum': Enum cannot bind string "four": allowed values are 'one', 'two', 'three'`,
    );
  });
});

describe.each(dialectTargets().filter((t) => t.dialect === "postgresql"))("NamedTypeTest (PostgreSQL ENUM) on $name", (target) => {
  const db = useTablesOnce(target, []);

  const typeExists = (name: string) =>
    db.engine.connect(async (conn) => (await conn.scalar(text(`select count(*) from pg_type where typname = '${name}'`))) as unknown);

  it("test_generate_multiple: one CREATE TYPE for two tables, dropped with them", async () => {
    const name = `sa5a_mytype_${uniqueName("m").replace(/\W/g, "_")}`;
    const m = new MetaData();
    const type = Enum(["a", "b"], { name });
    Table(uniqueName("sa5a_e1"), m, { c1: Column(type) });
    Table(uniqueName("sa5a_e2"), m, { c1: Column(Enum(["a", "b"], { name })) });
    await db.engine.begin((conn) => m.createAll(conn, { checkFirst: false }));
    expect(Number(await typeExists(name))).toBe(1);
    await db.engine.begin((conn) => m.dropAll(conn, { checkFirst: false }));
    expect(Number(await typeExists(name))).toBe(0);
  });

  it("test_enum_unicode_labels: labels round trip and keep declaration order", async () => {
    const name = `sa5a_onetwothree_${uniqueName("u").replace(/\W/g, "_")}`;
    const m = new MetaData();
    const t1 = Table(uniqueName("sa5a_uni"), m, {
      id: Column(Integer, { primaryKey: true }),
      value: Column(Enum(["réveillé", "drôle", "S’il"], { name })),
    });
    try {
      await db.engine.begin((conn) => m.createAll(conn));
      const [rows, labels, sorted] = await db.engine.begin(async (conn) => {
        await conn.execute(insert(t1), [{ value: "drôle" }, { value: "réveillé" }, { value: "S’il" }]);
        return [
          (await conn.execute(select(t1).orderBy(t1.c.id))).all().map((r) => [...r]),
          (await conn.execute(text(`select enumlabel from pg_enum e join pg_type t on t.oid = e.enumtypid where t.typname = '${name}' order by enumsortorder`))).scalars().all(),
          (await conn.execute(select(t1.c.value).orderBy(t1.c.value))).scalars().all(),
        ];
      });
      expect(rows).toEqual([[1, "drôle"], [2, "réveillé"], [3, "S’il"]]);
      expect(labels).toEqual(["réveillé", "drôle", "S’il"]);
      // a native enum sorts by declaration order, not alphabetically
      expect(sorted).toEqual(["réveillé", "drôle", "S’il"]);
    } finally {
      await db.engine.begin((conn) => m.dropAll(conn));
    }
  });

  it("test_non_native_enum: a named non-native Enum is VARCHAR + CHECK on PostgreSQL and creates no type", async () => {
    const name = `sa5a_nn_${uniqueName("n").replace(/\W/g, "_")}`;
    const m = new MetaData();
    const t1 = Table(uniqueName("sa5a_foo"), m, { bar: Column(Enum(["one", "two", "three"], { name, createConstraint: true, nativeEnum: false })) });
    expect(new CreateTable(t1).compile({ dialect: postgresqlDialect }).sql.replace(/\n/g, "")).toBe(
      `CREATE TABLE ${t1.name} (\tbar VARCHAR(5), \tCONSTRAINT ${name} CHECK (bar IN ('one', 'two', 'three')))`,
    );
    try {
      await db.engine.begin((conn) => m.createAll(conn));
      const got = await db.engine.begin(async (conn) => {
        await conn.execute(insert(t1), { bar: "two" });
        return conn.scalar(select(t1.c.bar));
      });
      expect(got).toBe("two");
      expect(Number(await typeExists(name))).toBe(0);
    } finally {
      await db.engine.begin((conn) => m.dropAll(conn));
    }
  });
});

/**
 * SQLAlchemy's test_metadata.py NamingConventionTest: `MetaData({ namingConvention })` names
 * unnamed constraints and indexes from `%(token)s` templates when they reach their table,
 * `conv()` names are final, `%(constraint_name)s` needs an explicit name, and convention names
 * longer than the dialect's identifier length are cut with an MD5 suffix.
 */
import { describe, expect, it } from "vitest";
import {
  CheckConstraint, Column, CompileError, Dialect, Enum, ForeignKey, ForeignKeyConstraint, Index, Integer, InvalidRequestError, MetaData,
  PrimaryKeyConstraint, String, Table, UniqueConstraint, conv, AddConstraint, CreateIndex, CreateTable, DropIndex,
  type ClauseElement, type NamingConvention,
} from "../../../src/index.js";
import { postgresqlDialect, sqliteDialect } from "./helpers.js";

type Target = "default" | "postgresql" | "sqlite" | Dialect;

/** SQLAlchemy's assert_compile for DDL: newlines and tabs removed. */
function ddl(stmt: ClauseElement, dialect: Target = "default"): string {
  const d = dialect === "postgresql" ? postgresqlDialect : dialect === "sqlite" ? sqliteDialect : dialect === "default" ? undefined : dialect;
  return stmt.compile(d ? { dialect: d } : {}).sql.replace(/[\n\t]/g, "");
}

/** The display dialect with a short identifier limit (SQLAlchemy's `dialect.max_identifier_length = 15`). */
class ShortNamesDialect extends Dialect {
  readonly maxIdentifierLength = 15;
}

/** SQLAlchemy's `_fixture`: "user" with a composite primary key and columns whose key differs from the name. */
function userFixture(namingConvention: NamingConvention, schema?: string) {
  const m = new MetaData({ namingConvention });
  return Table(
    "user",
    m,
    {
      id: Column(Integer, { primaryKey: true }),
      version: Column(Integer, { primaryKey: true }),
      data: Column(String(30)),
      data2: Column(String(30), { name: "Data2" }),
      data3: Column(String(30), { name: "Data3" }),
    },
    ...(schema ? [{ schema }] : []),
  );
}

/** SQLAlchemy's `_colliding_name_fixture`: column `id`'s label "foo_id" equals column foo_id's name. */
function collidingFixture(namingConvention: NamingConvention, idFlags: { index?: boolean; unique?: boolean }) {
  const m = new MetaData({ namingConvention });
  return Table("foo", m, { id: Column(Integer, idFlags), foo_id: Column(Integer) });
}

function addressTable(m: MetaData) {
  return Table("address", m, {
    id: Column(Integer, { primaryKey: true }),
    user_data: Column(String(30), { name: "UserData" }),
    user_data2: Column(String(30), { name: "UserData2" }),
    user_data3: Column(String(30), { name: "UserData3" }),
  });
}

function uniques(t: { constraints: readonly unknown[] }): UniqueConstraint[] {
  return t.constraints.filter((c): c is UniqueConstraint => c instanceof UniqueConstraint);
}

describe("colliding column labels", () => {
  it("index: true takes its name from the ix convention up front", () => {
    const t = collidingFixture({ ix: "ix_%(column_0_label)s" }, { index: true });
    expect(t.indexes[0].name).toBe("ix_foo_id");
    expect(ddl(new CreateIndex(t.indexes[0]))).toBe("CREATE INDEX ix_foo_id ON foo (id)");
  });

  it("unique: true takes its name from the uq convention up front", () => {
    const t = collidingFixture({ uq: "uq_%(column_0_label)s" }, { unique: true });
    const uq = uniques(t)[0];
    expect(uq.name).toBe("uq_foo_id");
    expect(ddl(new AddConstraint(uq))).toBe("ALTER TABLE foo ADD CONSTRAINT uq_foo_id UNIQUE (id)");
  });

  it("an Index(null, col) attaches to the column's table and is named", () => {
    const t = collidingFixture({ ix: "ix_%(column_0_label)s" }, {});
    const idx = new Index(null, t.c.id);
    expect(t.indexes[0]).toBe(idx);
    expect(idx.name).toBe("ix_foo_id");
    expect(ddl(new CreateIndex(idx))).toBe("CREATE INDEX ix_foo_id ON foo (id)");
  });

  it("a UniqueConstraint of a table's columns attaches to it and is named", () => {
    const t = collidingFixture({ uq: "uq_%(column_0_label)s" }, {});
    const uq = new UniqueConstraint(t.c.id);
    expect(uniques(t)[0]).toBe(uq);
    expect(uq.name).toBe("uq_foo_id");
    expect(ddl(new AddConstraint(uq))).toBe("ALTER TABLE foo ADD CONSTRAINT uq_foo_id UNIQUE (id)");
  });

  it("without an ix convention an index: true index has no name and cannot be created or dropped", () => {
    const t = collidingFixture({ ck: "foo" }, { index: true });
    const idx = t.indexes[0];
    expect(idx.name).toBeUndefined();
    expect(() => ddl(new CreateIndex(idx))).toThrow(CompileError);
    expect(() => ddl(new CreateIndex(idx))).toThrow("CREATE INDEX requires that the index have a name");
    expect(() => ddl(new DropIndex(idx))).toThrow("DROP INDEX requires that the index have a name");
  });

  it("without a uq convention a unique: true constraint stays unnamed", () => {
    const t = collidingFixture({ ck: "foo" }, { unique: true });
    const uq = uniques(t)[0];
    expect(uq.name).toBeUndefined();
    expect(ddl(new AddConstraint(uq))).toBe("ALTER TABLE foo ADD UNIQUE (id)");
  });

  it("the default convention names index: true indexes ix_<label>", () => {
    const t = Table("foo", new MetaData(), { id: Column(Integer, { index: true }) });
    expect(new MetaData().namingConvention).toEqual({ ix: "ix_%(column_0_label)s" });
    expect(t.indexes[0].name).toBe("ix_foo_id");
  });
});

describe("primary key conventions (test_pk_conventions)", () => {
  const conventions: [string, string][] = [
    ["pk_%(table_name)s", "pk_t1"],
    ["pk_%(column_0_name)s", "pk_x"],
    ["pk_%(column_0_N_name)s", "pk_x_y"],
    ["pk_%(column_0_N_label)s", "pk_t1_x_t1_y"],
    ["%(column_0_name)s", "x"],
    ["%(column_0N_name)s", "xy"],
  ];
  const expectPk = (t: Table, name: string) => {
    expect(t.primaryKey.name).toBe(name);
    expect(ddl(new CreateTable(t))).toBe(`CREATE TABLE t1 (x INTEGER NOT NULL, y INTEGER NOT NULL, CONSTRAINT ${name} PRIMARY KEY (x, y))`);
  };

  it.each(conventions)("%s from primaryKey columns gives %s", (pk, expected) => {
    const m = new MetaData({ namingConvention: { pk } });
    expectPk(Table("t1", m, { x: Column(Integer, { primaryKey: true }), y: Column(Integer, { primaryKey: true }) }), expected);
  });

  it.each(conventions)("%s from a PrimaryKeyConstraint gives %s", (pk, expected) => {
    const m = new MetaData({ namingConvention: { pk } });
    expectPk(Table("t1", m, { x: Column(Integer), y: Column(Integer) }, new PrimaryKeyConstraint(["x", "y"])), expected);
  });

  it.each(conventions)("%s leaves an explicit name", (pk) => {
    const m = new MetaData({ namingConvention: { pk } });
    const t = Table("t1", m, { x: Column(Integer, { primaryKey: true }), y: Column(Integer, { primaryKey: true }) }, new PrimaryKeyConstraint(["x", "y"], { name: "myname" }));
    expectPk(t, "myname");
  });

  it.each(conventions)("%s: a table without a primary key renders none", (pk) => {
    const m = new MetaData({ namingConvention: { pk } });
    const t = Table("t1", m, { x: Column(Integer, { nullable: false }), y: Column(Integer, { nullable: false }) });
    expect(ddl(new CreateTable(t))).toBe("CREATE TABLE t1 (x INTEGER NOT NULL, y INTEGER NOT NULL)");
  });
});

describe("unique constraint conventions", () => {
  it("uq with table_name and column_0_name", () => {
    const u1 = userFixture({ uq: "uq_%(table_name)s_%(column_0_name)s" });
    expect(new UniqueConstraint(u1.c.data).name).toBe("uq_user_data");
  });

  it("a conv() name is kept", () => {
    const u1 = userFixture({ uq: "uq_%(table_name)s_%(column_0_name)s" });
    const uq = new UniqueConstraint(u1.c.data, { name: conv("myname") });
    expect(ddl(new AddConstraint(uq))).toBe('ALTER TABLE "user" ADD CONSTRAINT myname UNIQUE (data)');
  });

  it("column_0_key, column_0_label", () => {
    const k = userFixture({ uq: "uq_%(table_name)s_%(column_0_key)s" });
    expect(new UniqueConstraint(k.c.data, k.c.data2).name).toBe("uq_user_data");
    const l = userFixture({ uq: "uq_%(table_name)s_%(column_0_label)s" });
    expect(new UniqueConstraint(l.c.data, l.c.data2).name).toBe("uq_user_user_data");
  });

  it("all columns: column_0_N_name joins with _, column_0N_name and column_0N_key run together", () => {
    const a = userFixture({ uq: "uq_%(table_name)s_%(column_0_N_name)s" });
    expect(new UniqueConstraint(a.c.data, a.c.data2, a.c.data3).name).toBe("uq_user_data_Data2_Data3");
    const b = userFixture({ uq: "uq_%(table_name)s_%(column_0N_name)s" });
    expect(new UniqueConstraint(b.c.data, b.c.data2, b.c.data3).name).toBe("uq_user_dataData2Data3");
    const c = userFixture({ uq: "uq_%(table_name)s_%(column_0N_key)s" });
    expect(new UniqueConstraint(c.c.data, c.c.data2, c.c.data3).name).toBe("uq_user_datadata2data3");
  });

  it("a convention name longer than the identifier limit is cut with an MD5 suffix", () => {
    const u1 = userFixture({ uq: "uq_%(table_name)s_%(column_0N_name)s" });
    const uq = new UniqueConstraint(u1.c.data, u1.c.data2, u1.c.data3);
    expect(ddl(new AddConstraint(uq))).toBe('ALTER TABLE "user" ADD CONSTRAINT "uq_user_dataData2Data3" UNIQUE (data, "Data2", "Data3")');
    expect(ddl(new AddConstraint(uq), new ShortNamesDialect())).toBe('ALTER TABLE "user" ADD CONSTRAINT uq_user_2769 UNIQUE (data, "Data2", "Data3")');
  });

  it("a conv() name is kept when appended to a convention with constraint_name", () => {
    const m = new MetaData({ namingConvention: { uq: "uq_%(constraint_name)s_%(column_0_name)s" } });
    const t = Table("mytable", m, { x: Column(Integer) });
    const uq = new UniqueConstraint("x", { name: conv("my_special_key") });
    t.appendConstraint(uq);
    expect(uq.name).toBe("my_special_key");
  });
});

describe("foreign key conventions", () => {
  const fkUnderscore = "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s_%(referred_column_0_N_name)s";
  const fkMerged = "fk_%(table_name)s_%(column_0N_name)s_%(referred_table_name)s_%(referred_column_0N_name)s";
  const threeColumnFk = (fk: string) => {
    const u1 = userFixture({ fk });
    const a1 = addressTable(u1.metadata);
    const fkc = new ForeignKeyConstraint(["user_data", "user_data2", "user_data3"], ["user.data", "user.data2", "user.data3"]);
    a1.appendConstraint(fkc);
    return fkc;
  };
  const tail = 'FOREIGN KEY("UserData", "UserData2", "UserData3") REFERENCES "user" (data, "Data2", "Data3")';

  it("all columns joined with _", () => {
    expect(ddl(new AddConstraint(threeColumnFk(fkUnderscore)))).toBe(`ALTER TABLE address ADD CONSTRAINT "fk_address_UserData_UserData2_UserData3_user_data_Data2_Data3" ${tail}`);
  });

  it("all columns run together", () => {
    expect(ddl(new AddConstraint(threeColumnFk(fkMerged)))).toBe(`ALTER TABLE address ADD CONSTRAINT "fk_address_UserDataUserData2UserData3_user_dataData2Data3" ${tail}`);
  });

  it("cut to the identifier limit", () => {
    expect(ddl(new AddConstraint(threeColumnFk(fkMerged)), new ShortNamesDialect())).toBe(`ALTER TABLE address ADD CONSTRAINT fk_addr_f9ff ${tail}`);
  });

  const fkFirst = "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s_%(referred_column_0_name)s";
  const userRef = (schema?: string) => {
    const u1 = userFixture({ fk: fkFirst }, schema);
    const a1 = Table("address", u1.metadata, { id: Column(Integer, { primaryKey: true }), user_id: Column(Integer), user_version_id: Column(Integer) });
    const p = schema ? `${schema}.` : "";
    const fk = new ForeignKeyConstraint(["user_id", "user_version_id"], [`${p}user.id`, `${p}user.version`]);
    a1.appendConstraint(fk);
    return fk;
  };

  it("referred_table_name is the table's name without its schema", () => {
    expect(userRef().name).toBe("fk_address_user_id_user_id");
    expect(userRef("foo").name).toBe("fk_address_user_id_user_id");
  });

  it.each([true, false])("a column foreign key is named from the referred column (column has its own type: %s)", (typed) => {
    const m = new MetaData({ namingConvention: { fk: "fk_%(referred_column_0_name)s" } });
    Table("a", m, { id: Column(Integer, { primaryKey: true }) });
    const b = Table("b", m, { id: Column(Integer, { primaryKey: true }), aid: typed ? Column(Integer, { foreignKey: "a.id" }) : Column(ForeignKey("a.id")) });
    expect(b.foreignKeyConstraints[0].name).toBe("fk_id");
  });

  it("a foreign key to a table defined later is named when compiled", () => {
    const m = new MetaData({ namingConvention: { fk: "fk_%(table_name)s_%(referred_table_name)s_%(referred_column_0_name)s" } });
    const b = Table("b", m, { id: Column(Integer, { primaryKey: true }), aid: Column(Integer, { foreignKey: "a.id" }) });
    Table("a", m, { id: Column(Integer, { primaryKey: true }) });
    expect(ddl(new CreateTable(b))).toBe("CREATE TABLE b (id INTEGER NOT NULL, aid INTEGER, PRIMARY KEY (id), CONSTRAINT fk_b_a_id FOREIGN KEY(aid) REFERENCES a (id))");
    expect(b.foreignKeyConstraints[0].name).toBe("fk_b_a_id");
  });

  it("a custom token is a function of the constraint and its table", () => {
    const u1 = userFixture({ fk: "fk_%(table_name)s_%(key_hash)s", key_hash: (_c, table) => `HASH_${table.name}` });
    const a1 = Table("address", u1.metadata, { id: Column(Integer, { primaryKey: true }), user_id: Column(Integer), user_version_id: Column(Integer) });
    const fk = new ForeignKeyConstraint(["user_id", "user_version_id"], ["user.id", "user.version"]);
    a1.appendConstraint(fk);
    expect(fk.name).toBe("fk_address_HASH_address");
  });
});

describe("index conventions", () => {
  it("ix with table_name and column_0_name", () => {
    const u1 = userFixture({ ix: "ix_%(table_name)s_%(column_0_name)s" });
    expect(new Index(null, u1.c.data).name).toBe("ix_user_data");
  });

  it("all columns, cut to the identifier limit", () => {
    const u1 = userFixture({ ix: "ix_%(table_name)s_%(column_0N_name)s" });
    const ix = new Index(null, u1.c.data, u1.c.data2, u1.c.data3);
    expect(ddl(new CreateIndex(ix), new ShortNamesDialect())).toBe('CREATE INDEX ix_user_2de9 ON "user" (data, "Data2", "Data3")');
  });

  it("an expression index is named after the column it reads", () => {
    const m = new MetaData({ namingConvention: { ix: "ix_%(column_0_label)s" } });
    const t = Table("t", m, { q: Column(Integer), p: Column(Integer) });
    const ix = new Index(null, t.c.q.add(5));
    t.appendConstraint(ix);
    expect(ddl(new CreateIndex(ix))).toBe("CREATE INDEX ix_t_q ON t (q + 5)");
  });

  it("PostgreSQL cuts convention names at 63 characters", () => {
    const m = new MetaData({ namingConvention: { ix: "ix_%(column_0_label)s_%(table_name)s_%(table_name)s" } });
    const t = Table("a_rather_long_table_name_for_an_index", m, { some_column: Column(Integer, { index: true }) });
    const name = "ix_a_rather_long_table_name_for_an_index_some_column_a_rather_long_table_name_for_an_index_a_rather_long_table_name_for_an_index";
    expect(t.indexes[0].name).toBe(name);
    const sql = ddl(new CreateIndex(t.indexes[0]), "postgresql");
    // SQLAlchemy's `name[:63 - 8] + "_" + md5_hex(name)[-4:]`.
    expect(sql).toBe("CREATE INDEX ix_a_rather_long_table_name_for_an_index_some_column_a__d424 ON a_rather_long_table_name_for_an_index (some_column)");
    expect(ddl(new CreateIndex(t.indexes[0]), "sqlite")).toBe(`CREATE INDEX ${name} ON a_rather_long_table_name_for_an_index (some_column)`);
  });
});

describe("check constraint conventions", () => {
  const ck = { ck: "ck_%(table_name)s_%(constraint_name)s" };

  it("constraint_name needs an explicitly named constraint", () => {
    const u1 = userFixture(ck);
    expect(new CheckConstraint(u1.c.data.eq("x"), { name: "mycheck" }).name).toBe("ck_user_mycheck");
    expect(() => new CheckConstraint(u1.c.data.eq("x"))).toThrow(InvalidRequestError);
    expect(() => new CheckConstraint(u1.c.data.eq("x"))).toThrow("Naming convention including %(constraint_name)s token requires that constraint is explicitly named.");
  });

  it("a textual check given to the Table is named on attach", () => {
    const m = new MetaData({ namingConvention: ck });
    const c = new CheckConstraint("x > 5", { name: "x1" });
    Table("t", m, { x: Column(Integer) }, c);
    expect(c.name).toBe("ck_t_x1");
  });

  it("appending the same check again does not rename it", () => {
    const u1 = userFixture(ck);
    const ck1 = new CheckConstraint(u1.c.version.gt(3), { name: "foo" });
    u1.appendConstraint(ck1);
    u1.appendConstraint(ck1);
    u1.appendConstraint(ck1);
    expect(ck1.name).toBe("ck_user_foo");
    expect(u1.constraints.filter((c) => c === ck1)).toHaveLength(1);
  });

  it("an Enum's CHECK is named after the type through the ck convention, without side effects", () => {
    const m = new MetaData({ namingConvention: ck });
    const u1 = Table("user", m, { x: Column(Enum(["a", "b"], { name: "foo", createConstraint: true })) });
    const expected = `CREATE TABLE "user" (x VARCHAR(1), CONSTRAINT ck_user_foo CHECK (x IN ('a', 'b')))`;
    expect(ddl(new CreateTable(u1), "sqlite")).toBe(expected);
    expect(ddl(new CreateTable(u1), "sqlite")).toBe(expected);
  });

  it("an Enum's CHECK takes the type's name without a convention", () => {
    const u1 = Table("t", new MetaData(), { x: Column(Enum(["a", "b"], { name: "myenum", createConstraint: true, nativeEnum: false })) });
    expect(ddl(new CreateTable(u1), "postgresql")).toBe("CREATE TABLE t (x VARCHAR(1), CONSTRAINT myenum CHECK (x IN ('a', 'b')))");
  });

  it("an unnamed Enum's CHECK is named by a column convention at compile time", () => {
    const m = new MetaData({ namingConvention: { ck: "ck_%(table_name)s_%(column_0_name)s" } });
    const u1 = Table("user", m, { x: Column(Enum(["a", "b"], { createConstraint: true })) });
    expect(ddl(new CreateTable(u1), "sqlite")).toBe(`CREATE TABLE "user" (x VARCHAR(1), CONSTRAINT ck_user_x CHECK (x IN ('a', 'b')))`);
  });

  it("an unnamed Enum's CHECK under a constraint_name convention cannot compile", () => {
    const m = new MetaData({ namingConvention: ck });
    const u1 = Table("user", m, { x: Column(Enum(["a", "b"], { createConstraint: true })) });
    expect(() => ddl(new CreateTable(u1), "sqlite")).toThrow("Naming convention including %(constraint_name)s token requires that constraint is explicitly named.");
  });
});

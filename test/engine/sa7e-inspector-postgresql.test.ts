/**
 * AsyncInspector on a real PostgreSQL server, every method's exact output for tables made by
 * createAll in a schema of their own. Ports the behaviour of SQLAlchemy's
 * test/dialect/postgresql/test_reflection.py (ReflectionTest: test_reflect_check_constraint,
 * test_foreign_key_option_inspection, test_index_reflection, test_reflected_primary_key_order,
 * test_get_table_comment / comments, IdentityReflectionTest, test_has_table / sequences) and
 * test/engine/test_reflection.py (CreateDropTest.test_has_table_and_table_names caching,
 * ReflectionTest.test_nonexistent, IdentityColumnTest, SchemaTest.test_has_schema,
 * test_unknown_types).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ARRAY, AsyncInspector, BigInteger, Boolean, CheckConstraint, Column, Date, DateTime, Double, event, Float, ForeignKeyConstraint, Identity, Index,
  inspector, Integer, InvalidRequestError, JSON, JSONB, LargeBinary, MetaData, NoSuchTableError, NullType, Numeric, Sequence, SmallInteger, String,
  Table, Text, text, Time, Uuid, UniqueConstraint, warnings, type AsyncEngine, type ReflectedColumn, type TypeEngine,
} from "../../src/index.js";
import { createAsyncEngine } from "../../src/index.js";
import { dialectTargets, uniqueName } from "../fixtures/databases.js";

const pg = dialectTargets().find((t) => t.dialect === "postgresql")!;

/** A type as "ClassName DDL" on PostgreSQL. */
const typeOf = (t: TypeEngine<unknown>): string => `${t.constructor.name} ${t.compileType({ name: "postgresql" })}`;
const cols = (cs: readonly ReflectedColumn[]) => cs.map((c) => ({ ...c, type: typeOf(c.type) }));

const S = uniqueName("sa7e_pg");
const md = new MetaData({ schema: S });
Table("users", md, {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(30), { nullable: false, comment: "login name" }),
  score: Column(Numeric(10, 2), { serverDefault: text("0") }),
  active: Column(Boolean, { serverDefault: text("true") }),
  created: Column(DateTime({ timezone: true })),
  seen: Column(DateTime({ precision: 0 })),
  born: Column(Date),
  at: Column(Time),
  data: Column(JSONB),
  doc: Column(JSON),
  uid: Column(Uuid),
  blob: Column(LargeBinary),
  ratio: Column(Float(24)),
  dbl: Column(Double),
  body: Column(Text),
  nums: Column(ARRAY(Integer)),
}, new UniqueConstraint("name", { name: "uq_users_name" }), new CheckConstraint("score >= 0 AND score < 1000", { name: "ck_users_score" }),
new Index("ix_users_created", "created"), { comment: "people" });
Table("orders", md, {
  user_id: Column(Integer, { primaryKey: true, autoincrement: false }),
  line: Column(Integer, { primaryKey: true, autoincrement: false }),
  qty: Column(SmallInteger, { nullable: false }),
  big: Column(BigInteger),
}, new ForeignKeyConstraint(["user_id"], [`${S}.users.id`], { name: "fk_orders_user", onDelete: "CASCADE", onUpdate: "RESTRICT" }),
new Index("ix_orders_qty_big", "qty", "big", { unique: true }));
Table("order_notes", md, {
  id: Column(Integer, { primaryKey: true }),
  user_id: Column(Integer, { nullable: false }),
  line: Column(Integer, { nullable: false }),
}, new ForeignKeyConstraint(["user_id", "line"], [`${S}.orders.user_id`, `${S}.orders.line`], {
  name: "fk_notes_order", deferrable: true, initially: "DEFERRED", match: "FULL",
}));
Table("ident", md, {
  id: Column(Integer, { primaryKey: true, identity: new Identity({ start: 2, increment: 3 }) }),
  normal: Column(Integer),
});
new Sequence("order_seq", { metadata: md, schema: S });

let engine: AsyncEngine;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const d = await pg.make();
  engine = createAsyncEngine(d.driver);
  await engine.begin(async (c) => {
    await c.execDriverSql(`CREATE SCHEMA ${S}`);
    await md.createAll(c);
    await c.execDriverSql(`CREATE VIEW ${S}.users_v AS SELECT id, name FROM ${S}.users`);
    await c.execDriverSql(`CREATE INDEX ix_users_lower_name ON ${S}.users (lower(name), id) WHERE active`);
  });
  cleanup = async () => {
    await engine.begin((c) => c.execDriverSql(`DROP SCHEMA ${S} CASCADE`));
    await engine.dispose();
    await d.cleanup();
  };
});
afterAll(() => cleanup?.());

describe("AsyncInspector on PostgreSQL", () => {
  it("lists schemas, tables, views and sequences of a schema", async () => {
    const i = inspector(engine);
    expect(i).toBeInstanceOf(AsyncInspector);
    expect(i.dialectName).toBe("postgresql");
    expect(await i.getDefaultSchemaName()).toBe("public");
    const schemas = await i.getSchemaNames();
    expect(schemas).toContain(S);
    expect(schemas).toContain("public");
    expect(schemas.filter((s) => s.startsWith("pg_"))).toEqual([]);
    expect(await i.hasSchema(S)).toBe(true);
    expect(await i.hasSchema(`${S}_nope`)).toBe(false);
    expect(await i.getTableNames(S)).toEqual(["ident", "order_notes", "orders", "users"]);
    expect(await i.getViewNames(S)).toEqual(["users_v"]);
    // SERIAL columns own sequences too; identity sequences are listed as well.
    expect(await i.getSequenceNames(S)).toEqual(["ident_id_seq", "order_notes_id_seq", "order_seq", "users_id_seq"]);
    expect(await i.hasSequence("order_seq", S)).toBe(true);
    expect(await i.hasSequence("order_seq")).toBe(false);
    expect(await i.hasTable("users", S)).toBe(true);
    expect(await i.hasTable("users_v", S)).toBe(true);
    expect(await i.hasTable("users")).toBe(false);
  });

  it("reflects columns with types, nullability, defaults, autoincrement and comments", async () => {
    const i = inspector(engine);
    const base = { default: null, autoincrement: false, comment: null, nullable: true };
    expect(cols(await i.getColumns("users", S))).toEqual([
      { ...base, name: "id", type: "IntegerType INTEGER", nullable: false, default: `nextval('${S}.users_id_seq'::regclass)`, autoincrement: true },
      { ...base, name: "name", type: "StringType VARCHAR(30)", nullable: false, comment: "login name" },
      { ...base, name: "score", type: "NumericType NUMERIC(10, 2)", default: "0" },
      { ...base, name: "active", type: "BooleanType BOOLEAN", default: "true" },
      { ...base, name: "created", type: "DateTimeType TIMESTAMP(3) WITH TIME ZONE" },
      { ...base, name: "seen", type: "DateTimeType TIMESTAMP(0)" },
      { ...base, name: "born", type: "DateType DATE" },
      { ...base, name: "at", type: "TimeType TIME" },
      { ...base, name: "data", type: "JSONBType JSONB" },
      { ...base, name: "doc", type: "JSONType JSON" },
      { ...base, name: "uid", type: "UuidType UUID" },
      { ...base, name: "blob", type: "LargeBinaryType BYTEA" },
      { ...base, name: "ratio", type: "FloatType REAL" },
      { ...base, name: "dbl", type: "DoubleType DOUBLE PRECISION" },
      { ...base, name: "body", type: "TextType TEXT" },
      { ...base, name: "nums", type: "ArrayType INTEGER[]" },
    ]);
    expect(cols(await i.getColumns("orders", S))).toEqual([
      { ...base, name: "user_id", type: "IntegerType INTEGER", nullable: false },
      { ...base, name: "line", type: "IntegerType INTEGER", nullable: false },
      { ...base, name: "qty", type: "SmallIntegerType SMALLINT", nullable: false },
      { ...base, name: "big", type: "BigIntegerType BIGINT" },
    ]);
    // A view's columns (SQLAlchemy's test_views).
    expect(cols(await i.getColumns("users_v", S))).toEqual([
      { ...base, name: "id", type: "IntegerType INTEGER" },
      { ...base, name: "name", type: "StringType VARCHAR(30)" },
    ]);
  });

  it("reflects an identity column with its sequence options (IdentityColumnTest)", async () => {
    const c = await inspector(engine).getColumns("ident", S);
    expect(c[0]).toMatchObject({ name: "id", nullable: false, default: null, autoincrement: true });
    expect(c[0]!.identity).toEqual({ always: false, start: 2, increment: 3, minvalue: 1, maxvalue: 2147483647, cache: 1, cycle: false });
    expect(c[1]!.identity).toBeUndefined();
    const t = await Table.reflect("ident", new MetaData(), engine, { schema: S });
    expect((t.c.id as unknown as { identity: Identity }).identity.opts).toMatchObject({ always: false, start: 2, increment: 3 });
  });

  it("reflects primary keys, in key order, with the database's names", async () => {
    const i = inspector(engine);
    expect(await i.getPkConstraint("orders", S)).toEqual({ constrainedColumns: ["user_id", "line"], name: "orders_pkey", comment: null });
    expect(await i.getPkConstraint("users", S)).toEqual({ constrainedColumns: ["id"], name: "users_pkey", comment: null });
    // A view has none.
    expect(await i.getPkConstraint("users_v", S)).toEqual({ constrainedColumns: [], name: null });
  });

  it("reflects foreign keys with their options (test_fk_options, test_foreign_key_option_inspection)", async () => {
    const i = inspector(engine);
    expect(await i.getForeignKeys("orders", S)).toEqual([{
      name: "fk_orders_user", constrainedColumns: ["user_id"], referredSchema: S, referredTable: "users", referredColumns: ["id"],
      options: { onupdate: "RESTRICT", ondelete: "CASCADE" }, comment: null,
    }]);
    expect(await i.getForeignKeys("order_notes", S)).toEqual([{
      name: "fk_notes_order", constrainedColumns: ["user_id", "line"], referredSchema: S, referredTable: "orders", referredColumns: ["user_id", "line"],
      options: { deferrable: true, initially: "DEFERRED", match: "FULL" }, comment: null,
    }]);
    expect(await i.getForeignKeys("users", S)).toEqual([]);
  });

  it("reflects indexes: expressions, partial predicates and the ones behind unique constraints", async () => {
    const i = inspector(engine);
    expect(await i.getIndexes("users", S)).toEqual([
      { name: "ix_users_created", columnNames: ["created"], unique: false },
      {
        name: "ix_users_lower_name", columnNames: [null, "id"], expressions: ["lower(name::text)", "id"], unique: false,
        dialectOptions: { postgresqlWhere: "active" },
      },
      { name: "uq_users_name", columnNames: ["name"], unique: true, duplicatesConstraint: "uq_users_name" },
    ]);
    expect(await i.getIndexes("orders", S)).toEqual([{ name: "ix_orders_qty_big", columnNames: ["qty", "big"], unique: true }]);
    expect(await i.hasIndex("orders", "ix_orders_qty_big", S)).toBe(true);
    expect(await i.hasIndex("orders", "orders_pkey", S)).toBe(false);
  });

  it("reflects unique and CHECK constraints (test_reflect_check_constraint) and comments", async () => {
    const i = inspector(engine);
    expect(await i.getUniqueConstraints("users", S)).toEqual([{ name: "uq_users_name", columnNames: ["name"], comment: null }]);
    expect(await i.getUniqueConstraints("orders", S)).toEqual([]);
    // PostgreSQL normalises the text; the outer parentheses are stripped as SQLAlchemy does.
    expect(await i.getCheckConstraints("users", S)).toEqual([
      { name: "ck_users_score", sqltext: "score >= 0::numeric AND score < 1000::numeric", comment: null },
    ]);
    expect(await i.getTableComment("users", S)).toEqual({ text: "people" });
    expect(await i.getTableComment("orders", S)).toEqual({ text: null });
  });

  it("raises NoSuchTableError naming the table from every per-table method (test_nonexistent)", async () => {
    const i = inspector(engine);
    const calls = [
      () => i.getColumns("nope", S), () => i.getPkConstraint("nope", S), () => i.getForeignKeys("nope", S), () => i.getIndexes("nope", S),
      () => i.getUniqueConstraints("nope", S), () => i.getCheckConstraints("nope", S), () => i.getTableComment("nope", S), () => i.hasIndex("nope", "x", S),
    ];
    for (const call of calls) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NoSuchTableError);
      expect(err).toBeInstanceOf(InvalidRequestError);
      expect((err as Error).message).toBe(`${S}.nope`);
    }
    await expect(i.getColumns("nope")).rejects.toThrow(new NoSuchTableError("nope"));
    const m = new MetaData();
    await expect(Table.reflect("nope", m, engine)).rejects.toBeInstanceOf(NoSuchTableError);
    expect(m.tables.size).toBe(0);
  });

  it("caches answers per inspector until clearCache() (test_has_table_and_table_names)", async () => {
    const sent: string[] = [];
    const listener = (_c: unknown, _cur: unknown, sql: string) => void sent.push(sql);
    event.listen(engine, "beforeCursorExecute", listener);
    try {
      await engine.connect(async (conn) => {
        const i = inspector(conn);
        const first = await i.getColumns("users", S);
        expect(sent.length).toBe(1);
        expect(await i.getColumns("users", S)).toBe(first);
        expect(await i.getTableNames(S)).toContain("orders");
        expect(sent.length).toBe(2);
        expect(await i.hasTable("orders", S)).toBe(true);
        expect(sent.length).toBe(3);
        await conn.execDriverSql(`CREATE TABLE ${S}.scratch (x INTEGER)`);
        await conn.execDriverSql(`DROP TABLE ${S}.orders CASCADE`);
        sent.length = 0;
        // Cached: the inspector still sees the old catalog.
        expect(await i.hasTable("orders", S)).toBe(true);
        expect(await i.getTableNames(S)).toEqual(["ident", "order_notes", "orders", "users"]);
        expect(sent).toEqual([]);
        i.clearCache();
        expect(await i.hasTable("orders", S)).toBe(false);
        expect(await i.getTableNames(S)).toEqual(["ident", "order_notes", "scratch", "users"]);
        expect(sent.length).toBe(2);
        // A new inspector has its own cache.
        expect(await inspector(conn).getColumns("users", S)).not.toBe(first);
        await conn.rollback();
      });
    } finally {
      event.remove(engine, "beforeCursorExecute", listener);
    }
  });

  it("maps an unknown type to NullType with a warning (test_unknown_types)", async () => {
    const name = uniqueName("sa7e_unk");
    await engine.begin(async (c) => {
      await c.execDriverSql(`CREATE TABLE ${S}.${name} (p POINT, r INT4RANGE)`);
    });
    let c: ReflectedColumn[] = [];
    let caught;
    try {
      caught = await warnings.catch(async () => {
        c = await inspector(engine).getColumns(name, S);
      });
    } finally {
      await engine.begin((conn) => conn.execDriverSql(`DROP TABLE ${S}.${name}`));
    }
    expect(c.map((x) => [x.name, x.type])).toEqual([["p", expect.any(NullType)], ["r", expect.any(NullType)]]);
    expect(caught.map((w) => w.message)).toEqual(["Did not recognize type 'point' of column 'p'", "Did not recognize type 'int4range' of column 'r'"]);
  });

  it("answers getMulti* for a whole schema with one statement each and fills the per-table cache (2.0 bulk reflection)", async () => {
    const sent: string[] = [];
    const listener = (_c: unknown, _cur: unknown, sql: string) => void sent.push(sql);
    event.listen(engine, "beforeCursorExecute", listener);
    try {
      await engine.connect(async (conn) => {
        const i = inspector(conn);
        const cols = await i.getMultiColumns(S);
        expect([...cols.keys()]).toEqual(["ident", "order_notes", "orders", "users"]);
        expect(sent.length).toBe(2); // the table names, then every column of the schema
        const pks = await i.getMultiPkConstraint(S);
        const fks = await i.getMultiForeignKeys(S);
        const ixs = await i.getMultiIndexes(S);
        const uqs = await i.getMultiUniqueConstraints(S);
        const cks = await i.getMultiCheckConstraints(S);
        const cms = await i.getMultiTableComment(S);
        expect(sent.length).toBe(8);
        expect(Object.fromEntries([...pks].map(([k, v]) => [k, v.constrainedColumns]))).toEqual({
          ident: ["id"], order_notes: ["id"], orders: ["user_id", "line"], users: ["id"],
        });
        expect(Object.fromEntries([...fks].map(([k, v]) => [k, v.map((f) => f.name)]))).toEqual({
          ident: [], order_notes: ["fk_notes_order"], orders: ["fk_orders_user"], users: [],
        });
        expect(Object.fromEntries([...ixs].map(([k, v]) => [k, v.map((x) => x.name)]))).toEqual({
          ident: [], order_notes: [], orders: ["ix_orders_qty_big"], users: ["ix_users_created", "ix_users_lower_name", "uq_users_name"],
        });
        expect(uqs.get("users")).toEqual([{ name: "uq_users_name", columnNames: ["name"], comment: null }]);
        expect(cks.get("orders")).toEqual([]);
        expect(Object.fromEntries(cms)).toEqual({ ident: { text: null }, order_notes: { text: null }, orders: { text: null }, users: { text: "people" } });
        sent.length = 0;
        // The per-table answers come from the bulk ones, and match a fresh inspector's.
        expect(await i.getColumns("orders", S)).toBe(cols.get("orders"));
        expect(await i.getForeignKeys("order_notes", S)).toBe(fks.get("order_notes"));
        expect(await i.getPkConstraint("ident", S)).toBe(pks.get("ident"));
        expect(sent).toEqual([]);
        const fresh = inspector(conn);
        for (const t of ["ident", "order_notes", "orders", "users"]) {
          expect(await fresh.getColumns(t, S)).toEqual(cols.get(t));
          expect(await fresh.getIndexes(t, S)).toEqual(ixs.get(t));
          expect(await fresh.getForeignKeys(t, S)).toEqual(fks.get(t));
        }
        // filterNames and kind choose the relations.
        expect([...(await i.getMultiColumns(S, { filterNames: ["users", "nope"] })).keys()]).toEqual(["users"]);
        expect([...(await i.getMultiColumns(S, { kind: "view" })).keys()]).toEqual(["users_v"]);
        expect([...(await i.getMultiColumns(S, { kind: "any" })).keys()]).toEqual(["ident", "order_notes", "orders", "users", "users_v"]);
        expect(await i.getMaterializedViewNames(S)).toEqual([]);
      });
    } finally {
      event.remove(engine, "beforeCursorExecute", listener);
    }
  });

  it("MetaData.reflect of a schema runs one statement per kind, not per table", async () => {
    const sent: string[] = [];
    const listener = (_c: unknown, _cur: unknown, sql: string) => void sent.push(sql);
    event.listen(engine, "beforeCursorExecute", listener);
    try {
      const m = new MetaData({ schema: S });
      await m.reflect(engine);
      // Referred tables join first (users before orders before order_notes).
      expect([...m.tables.keys()]).toEqual(["ident", "users", "orders", "order_notes"].map((t) => `${S}.${t}`));
      // Table names, then columns, primary keys, foreign keys, unique, CHECK, indexes, comments.
      expect(sent.length).toBe(8);
      expect(sent.every((q) => !q.includes(":table") && !q.includes("c.relname = $"))).toBe(true);
    } finally {
      event.remove(engine, "beforeCursorExecute", listener);
    }
  });

  it("reports a foreign key to the default schema with referredSchema null", async () => {
    const a = uniqueName("sa7e_pa");
    const b = uniqueName("sa7e_pb");
    const m = new MetaData();
    Table(a, m, { id: Column(Integer, { primaryKey: true }) });
    Table(b, m, { id: Column(Integer, { primaryKey: true }), a_id: Column(Integer, { foreignKey: `${a}.id` }) });
    await engine.begin((c) => m.createAll(c));
    try {
      const fks = await inspector(engine).getForeignKeys(b);
      expect(fks).toEqual([{
        name: `${b}_a_id_fkey`, constrainedColumns: ["a_id"], referredSchema: null, referredTable: a, referredColumns: ["id"], options: {}, comment: null,
      }]);
      expect(await inspector(engine).getForeignKeys(b, "public")).toMatchObject([{ referredSchema: "public" }]);
    } finally {
      await engine.begin((c) => m.dropAll(c));
    }
  });
});

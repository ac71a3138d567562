/**
 * INSERT / UPDATE / DELETE compilation, ported by behaviour from SQLAlchemy 2.0's
 * test/sql/test_insert.py, test_update.py and test_delete.py: column order with defaults,
 * multi-row VALUES with defaults, INSERT … FROM SELECT with defaults, unconsumed keys,
 * reserved bind names, prefixes and the UPDATE forms not covered by sa-dml/dml.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  and, ArgumentError, bindparam, Column, CompileError, DateTime, delete as delete_, func, insert, Integer, InvalidRequestError, literal, MetaData,
  Sequence, String, Table, column, select, table, text, update, type ClauseElement, type CompileOptions,
} from "../../../src/index.js";
import { assertCompile, compile, postgresqlDialect, sqliteDialect } from "./helpers.js";

function err(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}
/** SQLAlchemy's `assert_compile(stmt, sql, params={...})`: the parameter keys given at execution. */
function sqlWithKeys(stmt: ClauseElement, keys: readonly string[], opts: CompileOptions & { dialect?: "postgresql" | "sqlite" } = {}): string {
  const { dialect, ...rest } = opts;
  return compile(stmt, dialect, { ...rest, columnKeys: keys }).sql.replace(/\n/g, "");
}

function insertTables() {
  const md = new MetaData();
  const mytable = Table("mytable", md, { myid: Column(Integer), name: Column(String(30)), description: Column(String(30)) });
  const myothertable = Table("myothertable", md, { otherid: Column(Integer, { primaryKey: true }), othername: Column(String(30)) });
  const tableWDefaults = Table("table_w_defaults", md, {
    id: Column(Integer, { primaryKey: true }),
    x: Column(Integer, { default: 10 }),
    y: Column(Integer, { serverDefault: text("5") }),
    z: Column(Integer, { default: () => 10 }),
  });
  const withSqlDefault = Table("mytable_w_sql_default", md, {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30)),
    description: Column(String(30)),
    created_at: Column(DateTime, { default: func.now() }),
  });
  return { md, mytable, myothertable, tableWDefaults, withSqlDefault };
}

describe("InsertTest (test_insert.py)", () => {
  const { mytable, myothertable } = insertTables();

  it("test_binds_that_match_columns", () => {
    const t = table("foo", column("x"), column("y"));
    let i = insert(t).values({ x: literal(3).add(bindparam("x")) });
    assertCompile(i, "INSERT INTO foo (x) VALUES ((:param_1 + :x))");
    expect(sqlWithKeys(i, ["x", "y"])).toBe("INSERT INTO foo (x, y) VALUES ((:param_1 + :x), :y)");
    i = insert(t).values({ x: bindparam("y") });
    assertCompile(i, "INSERT INTO foo (x) VALUES (:y)");
    expect(err(() => insert(t).values({ x: bindparam("y"), y: 5 }).compile())).toBeInstanceOf(CompileError);
    expect(err(() => insert(t).values({ x: literal(3).add(bindparam("y")), y: 5 }).compile())).toBeInstanceOf(CompileError);
    i = insert(t).values({ x: literal(3).add(bindparam("x2")) });
    assertCompile(i, "INSERT INTO foo (x) VALUES ((:param_1 + :x2))");
    expect(sqlWithKeys(i, [])).toBe("INSERT INTO foo (x) VALUES ((:param_1 + :x2))");
    expect(sqlWithKeys(i, ["x", "y"])).toBe("INSERT INTO foo (x, y) VALUES ((:param_1 + :x2), :y)");
    expect(sqlWithKeys(i, ["x2", "y"])).toBe("INSERT INTO foo (x, y) VALUES ((:param_1 + :x2), :y)");
  });

  it("test_binds_that_match_columns: the reserved-name message", () => {
    const t = table("foo", column("x"), column("y"));
    expect(err(() => insert(t).values({ x: bindparam("y"), y: 5 }).compile()).message).toBe(
      "bindparam() name 'y' is reserved for automatic usage in the VALUES or SET clause of this insert/update statement.   " +
        "Please use a name other than column name when using bindparam() with insert() or update() (for example, 'b_y').",
    );
  });

  it("test_insert_literal_binds", () => {
    assertCompile(insert(mytable).values({ myid: 3, name: "jack" }), "INSERT INTO mytable (myid, name) VALUES (3, 'jack')", { literalBinds: true });
  });

  it("test_inline_defaults", () => {
    const m = new MetaData();
    const foo = Table("foo", m, { id: Column(Integer) });
    const t = Table("test", m, {
      col1: Column(Integer, { default: func.foo(1) }),
      col2: Column(Integer, { default: select(func.coalesce(func.max(foo.c.id))).scalarSubquery() }),
    });
    assertCompile(insert(t).values({}), "INSERT INTO test (col1, col2) VALUES (foo(:foo_1), (SELECT coalesce(max(foo.id)) AS coalesce_1 FROM foo))");
  });

  it("test_generic_insert_bind_params_all_columns", () => {
    assertCompile(insert(mytable), "INSERT INTO mytable (myid, name, description) VALUES (:myid, :name, :description)");
  });

  it("test_insert_with_values_dict", () => {
    assertCompile(insert(mytable).values({ myid: 3, name: "jack" }), "INSERT INTO mytable (myid, name) VALUES (:myid, :name)", { params: { myid: 3, name: "jack" } });
  });

  it("test_unconsumed_names_kwargs", () => {
    const t = table("t", column("x"), column("y"));
    const e = err(() => insert(t).values({ x: 5, z: 5 } as never).compile());
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toBe("Unconsumed column names: z");
  });

  it("test_bindparam_name_no_consume_error", () => {
    const t = table("t", column("x"), column("y"));
    const i = insert(t).values({ x: literal(3).add(bindparam("x2")) });
    assertCompile(i, "INSERT INTO t (x) VALUES ((:param_1 + :x2))");
    expect(sqlWithKeys(i, ["x2"])).toBe("INSERT INTO t (x) VALUES ((:param_1 + :x2))");
  });

  it("test_unconsumed_names_values_dict", () => {
    const stmt = insert(mytable).values({ myid: 3, name: "jack", unknowncol: "oops" } as never);
    const e = err(() => stmt.compile({ dialect: postgresqlDialect }));
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toBe("Unconsumed column names: unknowncol");
  });

  it("test_unconsumed_names_multi_values_dict", () => {
    const stmt = insert(mytable).values([
      { myid: 3, name: "jack", unknowncol: "oops" },
      { myid: 4, name: "someone", unknowncol: "oops" },
    ] as never);
    const e = err(() => stmt.compile({ dialect: postgresqlDialect }));
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toBe("Unconsumed column names: unknowncol");
  });

  it("test_insert_with_values_func", () => {
    assertCompile(insert(mytable).values({ myid: func.lala() }), "INSERT INTO mytable (myid) VALUES (lala())");
  });

  it("test_insert_with_user_supplied_bind_params", () => {
    const values = new Map<unknown, unknown>([[mytable.c.myid, bindparam("userid")], [mytable.c.name, bindparam("username")]]);
    assertCompile(insert(mytable).values(values as never), "INSERT INTO mytable (myid, name) VALUES (:userid, :username)");
  });

  it("test_insert_values_multiple", () => {
    const v1 = new Map([[mytable.c.myid, bindparam("userid")]]);
    const v2 = new Map([[mytable.c.name, bindparam("username")]]);
    assertCompile(insert(mytable).values(v1 as never).values(v2 as never), "INSERT INTO mytable (myid, name) VALUES (:userid, :username)");
  });

  it("test_prefix_with", () => {
    const stmt = insert(mytable).prefixWith("A", "B", { dialect: "mysql" }).prefixWith("C", "D");
    assertCompile(stmt, "INSERT C D INTO mytable (myid, name, description) VALUES (:myid, :name, :description)");
    assertCompile(insert(mytable).prefixWith("OR IGNORE", { dialect: "sqlite" }), "INSERT OR IGNORE INTO mytable (myid, name, description) VALUES (?, ?, ?)", { dialect: "sqlite" });
    assertCompile(insert(mytable).prefixWith("OR IGNORE", { dialect: "sqlite" }), "INSERT INTO mytable (myid, name, description) VALUES ($1, $2, $3)", { dialect: "postgresql" });
  });

  it("test_inline_default", () => {
    const m = new MetaData();
    const t = Table("sometable", m, { id: Column(Integer, { primaryKey: true }), foo: Column(Integer, { default: func.foobar() }) });
    assertCompile(insert(t).values({}), "INSERT INTO sometable (foo) VALUES (foobar())");
    expect(sqlWithKeys(insert(t), [])).toBe("INSERT INTO sometable (foo) VALUES (foobar())");
  });

  it("test_insert_returning_not_in_default", () => {
    assertCompile(insert(mytable).returning(mytable.c.myid), "INSERT INTO mytable (myid, name, description) VALUES (:myid, :name, :description) RETURNING mytable.myid");
  });

  it("test_insert_from_select_returning", () => {
    const sel = select(mytable.c.myid, mytable.c.name).where(mytable.c.name.eq("foo"));
    const ins = insert(myothertable).fromSelect(["otherid", "othername"], sel).returning(myothertable.c.otherid);
    assertCompile(ins, "INSERT INTO myothertable (otherid, othername) SELECT mytable.myid, mytable.name FROM mytable WHERE mytable.name = $1 RETURNING myothertable.otherid", {
      dialect: "postgresql",
      params: { name_1: "foo" },
    });
  });

  it("test_insert_from_select_select", () => {
    const sel = select(mytable.c.myid, mytable.c.name).where(mytable.c.name.eq("foo"));
    assertCompile(insert(myothertable).fromSelect(["otherid", "othername"], sel), "INSERT INTO myothertable (otherid, othername) SELECT mytable.myid, mytable.name FROM mytable WHERE mytable.name = :name_1", {
      params: { name_1: "foo" },
    });
  });

  it("test_insert_from_select_seq", () => {
    const m = new MetaData();
    const t1 = Table("t", m, { id: Column(Integer, { sequence: new Sequence("id_seq"), primaryKey: true }), data: Column(String()) });
    assertCompile(insert(t1).fromSelect(["data"], select(t1.c.data)), "INSERT INTO t (data, id) SELECT t.data, nextval('id_seq') AS next_value_1 FROM t", { dialect: "postgresql" });
  });

  it("test_insert_seq_pk_multi_values", () => {
    const m = new MetaData();
    const t1 = Table("t", m, { id: Column(Integer, { sequence: new Sequence("id_seq"), primaryKey: true }), data: Column(String()) });
    assertCompile(
      insert(t1).values([{ data: "d1" }, { data: "d2" }, { data: "d3" }]),
      "INSERT INTO t (id, data) VALUES (nextval('id_seq'), $1), (nextval('id_seq'), $2), (nextval('id_seq'), $3)",
      { dialect: "postgresql", params: { data_m0: "d1", data_m1: "d2", data_m2: "d3" } },
    );
  });

  it("test_insert_seq_non_pk_multi_values", () => {
    const m = new MetaData();
    const t1 = Table("t", m, { id: Column(Integer, { primaryKey: true }), counter: Column(Integer, { sequence: new Sequence("counter_seq") }), data: Column(String()) });
    assertCompile(
      insert(t1).values([{ data: "d1" }, { data: "d2" }, { data: "d3" }]),
      "INSERT INTO t (counter, data) VALUES (nextval('counter_seq'), $1), (nextval('counter_seq'), $2), (nextval('counter_seq'), $3)",
      { dialect: "postgresql" },
    );
  });

  it("test_insert_seq_pk_multi_values_seq_not_supported", () => {
    // SQLite has no sequences: the Sequence is ignored, as SQLAlchemy's supports_sequences=False.
    const m = new MetaData();
    const t1 = Table("t", m, { id: Column(Integer, { sequence: new Sequence("id_seq"), primaryKey: true }), data: Column(String()) });
    assertCompile(insert(t1).values([{ data: "d1" }, { data: "d2" }, { data: "d3" }]), "INSERT INTO t (data) VALUES (?), (?), (?)", { dialect: "sqlite" });
  });

  it("test_insert_from_select_cte_one", () => {
    const cte = select(mytable.c.name).where(mytable.c.name.eq("bar")).cte();
    const sel = select(mytable.c.myid, mytable.c.name).where(mytable.c.name.eq(cte.c.name));
    assertCompile(
      insert(myothertable).fromSelect(["otherid", "othername"], sel),
      "WITH anon_1 AS (SELECT mytable.name AS name FROM mytable WHERE mytable.name = :name_1) INSERT INTO myothertable (otherid, othername) SELECT mytable.myid, mytable.name FROM mytable, anon_1 WHERE mytable.name = anon_1.name",
      { params: { name_1: "bar" } },
    );
  });

  it("test_insert_from_select_cte_two", () => {
    const cte = select(mytable).cte("c");
    assertCompile(
      insert(mytable).fromSelect([mytable.c.myid, mytable.c.name, mytable.c.description], select(cte)),
      "WITH c AS (SELECT mytable.myid AS myid, mytable.name AS name, mytable.description AS description FROM mytable) INSERT INTO mytable (myid, name, description) SELECT c.myid, c.name, c.description FROM c",
    );
  });

  it("test_insert_from_select_select_alt_ordering", () => {
    const sel = select(mytable.c.name, mytable.c.myid).where(mytable.c.name.eq("foo"));
    assertCompile(insert(myothertable).fromSelect(["othername", "otherid"], sel), "INSERT INTO myothertable (othername, otherid) SELECT mytable.name, mytable.myid FROM mytable WHERE mytable.name = :name_1", {
      params: { name_1: "foo" },
    });
  });

  it("test_insert_from_select_no_defaults", () => {
    const m = new MetaData();
    const t = Table("sometable", m, { id: Column(Integer, { primaryKey: true }), foo: Column(Integer, { default: func.foobar() }) });
    const sel = select(mytable.c.myid).where(mytable.c.name.eq("foo"));
    assertCompile(insert(t).fromSelect(["id"], sel, { includeDefaults: false }), "INSERT INTO sometable (id) SELECT mytable.myid FROM mytable WHERE mytable.name = :name_1", { params: { name_1: "foo" } });
  });

  it("test_insert_from_select_with_sql_defaults", () => {
    const m = new MetaData();
    const t = Table("sometable", m, { id: Column(Integer, { primaryKey: true }), foo: Column(Integer, { default: func.foobar() }) });
    const sel = select(mytable.c.myid).where(mytable.c.name.eq("foo"));
    assertCompile(insert(t).fromSelect(["id"], sel), "INSERT INTO sometable (id, foo) SELECT mytable.myid, foobar() AS foobar_1 FROM mytable WHERE mytable.name = :name_1", {
      params: { name_1: "foo" },
    });
  });

  it("test_insert_from_select_with_python_defaults", () => {
    const m = new MetaData();
    const t = Table("sometable", m, { id: Column(Integer, { primaryKey: true }), foo: Column(Integer, { default: 12 }) });
    const sel = select(mytable.c.myid).where(mytable.c.name.eq("foo"));
    assertCompile(insert(t).fromSelect(["id"], sel), "INSERT INTO sometable (id, foo) SELECT mytable.myid, :foo AS anon_1 FROM mytable WHERE mytable.name = :name_1");
  });

  it("test_insert_from_select_override_defaults", () => {
    const m = new MetaData();
    const t = Table("sometable", m, { id: Column(Integer, { primaryKey: true }), foo: Column(Integer, { default: 12 }) });
    const sel = select(mytable.c.myid, mytable.c.myid.label("q")).where(mytable.c.name.eq("foo"));
    assertCompile(insert(t).fromSelect(["id", "foo"], sel), "INSERT INTO sometable (id, foo) SELECT mytable.myid, mytable.myid AS q FROM mytable WHERE mytable.name = :name_1", {
      params: { name_1: "foo" },
    });
  });

  it("test_insert_from_select_fn_defaults", () => {
    const m = new MetaData();
    const t = Table("sometable", m, { id: Column(Integer, { primaryKey: true }), foo: Column(Integer, { default: () => 12 }) });
    const sel = select(mytable.c.myid).where(mytable.c.name.eq("foo"));
    assertCompile(insert(t).fromSelect(["id"], sel), "INSERT INTO sometable (id, foo) SELECT mytable.myid, :foo AS anon_1 FROM mytable WHERE mytable.name = :name_1");
  });

  it("test_insert_from_select_fn_defaults_compound", () => {
    const m = new MetaData();
    const t = Table("sometable", m, { id: Column(Integer, { primaryKey: true }), foo: Column(Integer, { default: "foo" }), bar: Column(Integer, { default: "bar" }) });
    const sel = select(mytable.c.myid).where(mytable.c.name.eq("foo")).union(select(mytable.c.myid).where(mytable.c.name.eq("foo")));
    const e = err(() => insert(t).fromSelect(["id"], sel).compile());
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toBe(
      "Can't extend statement for INSERT..FROM SELECT to include additional default-holding column(s) 'foo', 'bar'.  " +
        "Convert the selectable to a subquery() first, or pass include_defaults=False to Insert.from_select() to skip these columns.",
    );
  });

  it("test_insert_from_select_fn_defaults_compound_subquery", () => {
    const m = new MetaData();
    const t = Table("sometable", m, { id: Column(Integer, { primaryKey: true }), foo: Column(Integer, { default: "foo" }), bar: Column(Integer, { default: "bar" }) });
    const sel = select(mytable.c.myid).where(mytable.c.name.eq("foo")).union(select(mytable.c.myid).where(mytable.c.name.eq("foo"))).subquery();
    assertCompile(
      insert(t).fromSelect(["id"], select(sel.c.myid)),
      "INSERT INTO sometable (id, foo, bar) SELECT anon_1.myid, :foo AS anon_2, :bar AS anon_3 FROM " +
        "(SELECT mytable.myid AS myid FROM mytable WHERE mytable.name = :name_1 UNION SELECT mytable.myid AS myid FROM mytable WHERE mytable.name = :name_2) AS anon_1",
    );
  });

  it("test_insert_from_select_dont_mutate_raw_columns", () => {
    const t = table("mytable", column("foo", String()), column("bar", String()));
    const m = new MetaData();
    const t2 = Table("mytable", m, { foo: Column(String()), bar: Column(String(), { default: "baz" }) });
    void t;
    const stmt = select(t2.c.foo);
    const ins = insert(t2).fromSelect(["foo"], stmt);
    assertCompile(stmt, "SELECT mytable.foo FROM mytable");
    assertCompile(ins, "INSERT INTO mytable (foo, bar) SELECT mytable.foo, :bar AS anon_1 FROM mytable");
    assertCompile(stmt, "SELECT mytable.foo FROM mytable");
    assertCompile(ins, "INSERT INTO mytable (foo, bar) SELECT mytable.foo, :bar AS anon_1 FROM mytable");
  });

  it("test_insert_mix_select_values_exception", () => {
    const sel = select(mytable.c.myid, mytable.c.name).where(mytable.c.name.eq("foo"));
    const ins = insert(myothertable).fromSelect(["otherid", "othername"], sel);
    const e = err(() => ins.values({ othername: "5" }));
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect(e.message).toBe("This construct already inserts from a SELECT");
  });

  it("test_insert_mix_values_select_exception", () => {
    const sel = select(mytable.c.myid, mytable.c.name).where(mytable.c.name.eq("foo"));
    const ins = insert(myothertable).values({ othername: "5" });
    const e = err(() => ins.fromSelect(["otherid", "othername"], sel));
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect(e.message).toBe("This construct already inserts value expressions");
  });

  it("test_insert_from_select_table", () => {
    assertCompile(insert(myothertable).fromSelect(["otherid", "othername"], mytable), "INSERT INTO myothertable (otherid, othername) SELECT mytable.myid, mytable.name, mytable.description FROM mytable", {
      params: {},
    });
  });

  it("test_insert_from_select_union", () => {
    const name = column("name");
    const description = column("desc");
    const sel = select(name, mytable.c.description).union(select(name, description));
    assertCompile(insert(mytable).fromSelect([mytable.c.name, mytable.c.description], sel), 'INSERT INTO mytable (name, description) SELECT name, mytable.description FROM mytable UNION SELECT name, "desc"');
  });

  it("test_insert_from_select_col_values", () => {
    const sel = select(mytable.c.myid, mytable.c.name).where(mytable.c.name.eq("foo"));
    assertCompile(
      insert(myothertable).fromSelect([myothertable.c.otherid, myothertable.c.othername], sel),
      "INSERT INTO myothertable (otherid, othername) SELECT mytable.myid, mytable.name FROM mytable WHERE mytable.name = :name_1",
      { params: { name_1: "foo" } },
    );
  });

  it("test_anticipate_nullable_composite_pk", () => {
    const t = Table("t", new MetaData(), { x: Column(Integer, { primaryKey: true }), y: Column(Integer, { primaryKey: true, nullable: true }) });
    expect(sqlWithKeys(insert(t), ["x"])).toBe("INSERT INTO t (x) VALUES (:x)");
  });
});

describe("EmptyTest (test_insert.py)", () => {
  const { mytable } = insertTables();
  it("test_supports_empty_insert_true", () => {
    assertCompile(insert(mytable).values({}), "INSERT INTO mytable DEFAULT VALUES");
    assertCompile(insert(mytable).values({}), "INSERT INTO mytable DEFAULT VALUES", { dialect: "sqlite" });
    assertCompile(insert(mytable).values({}), "INSERT INTO mytable DEFAULT VALUES", { dialect: "postgresql" });
  });
  it("test_insert_with_empty_collection_values", () => {
    for (const collection of [[], {}] as const) {
      const ins = insert(mytable).values(collection as never);
      assertCompile(ins, "INSERT INTO mytable DEFAULT VALUES", { params: {} });
      // An empty collection is filled by the next values() call.
      assertCompile(ins.values({ myid: 3 }), "INSERT INTO mytable (myid) VALUES (:myid)", { params: { myid: 3 } });
    }
  });
});

describe("MultirowTest (test_insert.py)", () => {
  const { mytable, tableWDefaults } = insertTables();
  const values = [
    { myid: 1, name: "a", description: "b" },
    { myid: 2, name: "c", description: "d" },
    { myid: 3, name: "e", description: "f" },
  ];
  const checkparams = { myid_m0: 1, myid_m1: 2, myid_m2: 3, name_m0: "a", name_m1: "c", name_m2: "e", description_m0: "b", description_m1: "d", description_m2: "f" };

  it("test_named", () => {
    assertCompile(
      insert(mytable).values(values),
      "INSERT INTO mytable (myid, name, description) VALUES (:myid_m0, :name_m0, :description_m0), (:myid_m1, :name_m1, :description_m1), (:myid_m2, :name_m2, :description_m2)",
      { params: checkparams },
    );
  });

  it("test_named_with_column_objects", () => {
    const rows = values.map((v) => new Map<unknown, unknown>([[mytable.c.myid, v.myid], [mytable.c.name, v.name], [mytable.c.description, v.description]]));
    assertCompile(
      insert(mytable).values(rows as never),
      "INSERT INTO mytable (myid, name, description) VALUES (:myid_m0, :name_m0, :description_m0), (:myid_m1, :name_m1, :description_m1), (:myid_m2, :name_m2, :description_m2)",
      { params: checkparams },
    );
  });

  it("test_positional", () => {
    assertCompile(insert(mytable).values(values), "INSERT INTO mytable (myid, name, description) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)", {
      dialect: "sqlite",
      positional: [1, "a", "b", 2, "c", "d", 3, "e", "f"],
    });
  });

  it("test_positional_w_defaults", () => {
    const c = compile(insert(tableWDefaults).values([{ id: 1 }, { id: 2 }, { id: 3 }]), "sqlite");
    expect(c.sql).toBe("INSERT INTO table_w_defaults (id, x, z) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)");
    expect(compile(insert(tableWDefaults).values([{ id: 1 }, { id: 2 }, { id: 3 }])).sql).toBe(
      "INSERT INTO table_w_defaults (id, x, z) VALUES (:id_m0, :x, :z), (:id_m1, :x_m1, :z_m1), (:id_m2, :x_m2, :z_m2)",
    );
  });

  it("test_mix_single_and_multi_single_first", () => {
    const stmt = insert(mytable).values({ myid: 1, name: "d1" }).values([{ myid: 2, name: "d2" }, { myid: 3, name: "d3" }]);
    const e = err(() => stmt.compile());
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect(e.message).toBe("Can't mix single and multiple VALUES formats in one INSERT statement");
  });

  it("test_mix_single_and_multi_multi_first", () => {
    const stmt = insert(mytable).values([{ myid: 2, name: "d2" }, { myid: 3, name: "d3" }]).values({ myid: 1, name: "d1" });
    const e = err(() => stmt.compile());
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect(e.message).toBe("Can't mix single and multiple VALUES formats in one INSERT statement");
  });

  it("test_multi_multi", () => {
    const stmt = insert(mytable).values([{ myid: 1, name: "d1" }]).values([{ myid: 2, name: "d2" }, { myid: 3, name: "d3" }]);
    assertCompile(stmt, "INSERT INTO mytable (myid, name) VALUES ($1, $2), ($3, $4), ($5, $6)", {
      dialect: "postgresql",
      params: { myid_m0: 1, name_m0: "d1", myid_m1: 2, name_m1: "d2", myid_m2: 3, name_m2: "d3" },
    });
  });

  it("test_inline_default", () => {
    const t = Table("sometable", new MetaData(), { id: Column(Integer, { primaryKey: true }), data: Column(String()), foo: Column(Integer, { default: func.foobar() }) });
    const rows = [{ id: 1, data: "data1" }, { id: 2, data: "data2", foo: "plainfoo" }, { id: 3, data: "data3" }];
    assertCompile(insert(t).values(rows as never), "INSERT INTO sometable (id, data, foo) VALUES (:id_m0, :data_m0, foobar()), (:id_m1, :data_m1, :foo_m1), (:id_m2, :data_m2, foobar())", {
      params: { id_m0: 1, id_m1: 2, id_m2: 3, data_m0: "data1", data_m1: "data2", data_m2: "data3", foo_m1: "plainfoo" },
    });
  });

  it("test_python_scalar_default", () => {
    const t = Table("sometable", new MetaData(), { id: Column(Integer, { primaryKey: true }), data: Column(String()), foo: Column(Integer, { default: 10 }) });
    const stmt = insert(t).values([{ id: 1, data: "data1" }, { id: 2, data: "data2", foo: 15 }, { id: 3, data: "data3" }]);
    assertCompile(stmt, "INSERT INTO sometable (id, data, foo) VALUES (:id_m0, :data_m0, :foo), (:id_m1, :data_m1, :foo_m1), (:id_m2, :data_m2, :foo_m2)");
    // The defaults are evaluated per row at execution: 10, the given 15, 10.
    const c = compile(stmt, "postgresql");
    expect(c.sql).toBe("INSERT INTO sometable (id, data, foo) VALUES ($1, $2, $3), ($4, $5, $6), ($7, $8, $9)");
    expect(c.construct(undefined, undefined).params).toEqual([1, "data1", 10, 2, "data2", 15, 3, "data3", 10]);
  });

  it("test_python_fn_default", () => {
    let n = 0;
    const t = Table("sometable", new MetaData(), { id: Column(Integer, { primaryKey: true }), data: Column(String()), foo: Column(Integer, { default: () => 10 + n++ }) });
    const stmt = insert(t).values([{ id: 1, data: "data1" }, { id: 2, data: "data2", foo: 15 }, { id: 3, data: "data3" }]);
    assertCompile(stmt, "INSERT INTO sometable (id, data, foo) VALUES (:id_m0, :data_m0, :foo), (:id_m1, :data_m1, :foo_m1), (:id_m2, :data_m2, :foo_m2)");
    const c = compile(stmt, "sqlite");
    expect(c.sql).toBe("INSERT INTO sometable (id, data, foo) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)");
    n = 0;
    // The callable runs once per row that lacks a value.
    expect(c.construct(undefined, undefined).params).toEqual([1, "data1", 10, 2, "data2", 15, 3, "data3", 11]);
  });

  it("test_sql_functions", () => {
    const t = Table("sometable", new MetaData(), { id: Column(Integer, { primaryKey: true }), data: Column(String()), foo: Column(Integer) });
    const rows = [
      { id: 1, data: "foo", foo: func.foob() },
      { id: 2, data: "bar", foo: func.foob() },
      { id: 3, data: "bar", foo: func.bar() },
      { id: 4, data: "bar", foo: 15 },
      { id: 5, data: "bar", foo: func.foob() },
    ];
    assertCompile(
      insert(t).values(rows as never),
      "INSERT INTO sometable (id, data, foo) VALUES ($1, $2, foob()), ($3, $4, foob()), ($5, $6, bar()), ($7, $8, $9), ($10, $11, foob())",
      {
        dialect: "postgresql",
        params: { id_m0: 1, data_m0: "foo", id_m1: 2, data_m1: "bar", id_m2: 3, data_m2: "bar", id_m3: 4, data_m3: "bar", foo_m3: 15, id_m4: 5, data_m4: "bar" },
      },
    );
  });

  it("test_server_default", () => {
    const t = Table("sometable", new MetaData(), { id: Column(Integer, { primaryKey: true }), data: Column(String()), foo: Column(Integer, { serverDefault: func.foobar() }) });
    const rows = [{ id: 1, data: "data1" }, { id: 2, data: "data2", foo: "plainfoo" }, { id: 3, data: "data3" }];
    assertCompile(insert(t).values(rows as never), "INSERT INTO sometable (id, data) VALUES ($1, $2), ($3, $4), ($5, $6)", {
      dialect: "postgresql",
      params: { id_m0: 1, id_m1: 2, id_m2: 3, data_m0: "data1", data_m1: "data2", data_m2: "data3" },
    });
  });

  it("test_server_default_absent_value", () => {
    const t = Table("sometable", new MetaData(), { id: Column(Integer, { primaryKey: true }), data: Column(String()), foo: Column(Integer, { serverDefault: func.foobar() }) });
    const rows = [{ id: 1, data: "data1", foo: "plainfoo" }, { id: 2, data: "data2" }, { id: 3, data: "data3", foo: "otherfoo" }];
    const e = err(() => insert(t).values(rows as never).compile({ dialect: postgresqlDialect }));
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toBe("INSERT value for column sometable.foo is explicitly rendered as a boundparameter in the VALUES clause; a Python-side value or SQL expression is required");
  });
});

function updateTables() {
  const md = new MetaData();
  const mytable = Table("mytable", md, { myid: Column(Integer), name: Column(String(30)), description: Column(String(50)) });
  const withOnupdate = Table("mytable_with_onupdate", md, {
    myid: Column(Integer),
    name: Column(String(30)),
    description: Column(String(50)),
    updated_at: Column(DateTime, { onupdate: func.now() }),
  });
  const myothertable = Table("myothertable", md, { otherid: Column(Integer), othername: Column(String(30)) });
  const updateWDefault = Table("update_w_default", md, {
    id: Column(Integer, { primaryKey: true }),
    x: Column(Integer),
    y: Column(Integer, { name: "ycol" }),
    data: Column(String(30), { onupdate: () => "hi" }),
  });
  return { md, mytable, withOnupdate, myothertable, updateWDefault };
}

describe("UpdateTest (test_update.py)", () => {
  const { mytable, myothertable, withOnupdate, updateWDefault } = updateTables();

  it("test_update_no_params", () => {
    assertCompile(update(mytable).where(mytable.c.name.eq("jill")), "UPDATE mytable SET myid=:myid, name=:name, description=:description WHERE mytable.name = :name_1");
    assertCompile(
      update(mytable).where(mytable.c.name.eq("jill")).where(myothertable.c.otherid.eq(mytable.c.myid)),
      "UPDATE mytable SET myid=:myid, name=:name, description=:description FROM myothertable WHERE mytable.name = :name_1 AND myothertable.otherid = mytable.myid",
    );
    assertCompile(update(mytable).where(mytable.c.name.eq("jill")).values({}), "UPDATE mytable SET  WHERE mytable.name = :name_1");
  });

  it("test_update_literal_binds", () => {
    assertCompile(update(mytable).values({ name: "jack" }).where(mytable.c.name.eq("jill")), "UPDATE mytable SET name='jack' WHERE mytable.name = 'jill'", { literalBinds: true });
  });

  it("test_update_custom_key_thing", () => {
    assertCompile(update(mytable).values(new Map([[mytable.c.name, "jack"]]) as never).where(mytable.c.name.eq("jill")), "UPDATE mytable SET name='jack' WHERE mytable.name = 'jill'", { literalBinds: true });
  });

  it("test_update_ordered_custom_key_thing", () => {
    assertCompile(update(mytable).orderedValues([mytable.c.name, "jack"]).where(mytable.c.name.eq("jill")), "UPDATE mytable SET name='jack' WHERE mytable.name = 'jill'", { literalBinds: true });
  });

  it("test_correlated_update_one", () => {
    assertCompile(update(mytable).values(new Map([[mytable.c.name, text("(select name from mytable where id=mytable.id)")]]) as never), "UPDATE mytable SET name=(select name from mytable where id=mytable.id)");
  });

  it("test_correlated_update_two", () => {
    const mt = mytable.alias();
    assertCompile(
      update(mytable).values({ name: select(mt.c.name).where(mt.c.myid.eq(mytable.c.myid)).scalarSubquery() }),
      "UPDATE mytable SET name=(SELECT mytable_1.name FROM mytable AS mytable_1 WHERE mytable_1.myid = mytable.myid)",
    );
  });

  it("test_correlated_update_four", () => {
    const s = select(myothertable.c.othername).where(myothertable.c.otherid.eq(7));
    assertCompile(
      update(mytable).where(mytable.c.name.eq(s.scalarSubquery())),
      "UPDATE mytable SET myid=:myid, name=:name, description=:description WHERE mytable.name = (SELECT myothertable.othername FROM myothertable WHERE myothertable.otherid = :otherid_1)",
    );
  });

  it("test_correlated_update_five", () => {
    const s = select(myothertable.c.othername).where(myothertable.c.otherid.eq(mytable.c.myid));
    assertCompile(
      update(mytable).where(mytable.c.name.eq(s.scalarSubquery())),
      "UPDATE mytable SET myid=:myid, name=:name, description=:description WHERE mytable.name = (SELECT myothertable.othername FROM myothertable WHERE myothertable.otherid = mytable.myid)",
    );
  });

  it("test_correlated_update_six", () => {
    assertCompile(
      update(mytable).values({ name: myothertable.c.othername }).where(myothertable.c.otherid.eq(mytable.c.myid)),
      "UPDATE mytable SET name=myothertable.othername FROM myothertable WHERE myothertable.otherid = mytable.myid",
    );
  });

  it("test_correlated_update_seven", () => {
    assertCompile(update(mytable).values({ name: "foo" }).where(myothertable.c.otherid.eq(mytable.c.myid)), "UPDATE mytable SET name=:name FROM myothertable WHERE myothertable.otherid = mytable.myid");
  });

  it("test_binds_that_match_columns", () => {
    const t = table("foo", column("x"), column("y"));
    const u = update(t).where(t.c.x.eq(bindparam("x")));
    expect(err(() => u.compile())).toBeInstanceOf(CompileError);
    expect(sqlWithKeys(u, [])).toBe("UPDATE foo SET  WHERE foo.x = :x");
    expect(err(() => u.values({ x: 7 }).compile())).toBeInstanceOf(CompileError);
    assertCompile(u.values({ y: 7 }), "UPDATE foo SET y=:y WHERE foo.x = :x");
    expect(err(() => u.values({ x: 7 }).compile({ columnKeys: ["x", "y"] }))).toBeInstanceOf(CompileError);
    expect(err(() => u.compile({ columnKeys: ["x", "y"] }))).toBeInstanceOf(CompileError);
    assertCompile(u.values({ x: literal(3).add(bindparam("x")) }), "UPDATE foo SET x=(:param_1 + :x) WHERE foo.x = :x");
    expect(sqlWithKeys(u.values({ x: literal(3).add(bindparam("x")) }), ["x"])).toBe("UPDATE foo SET x=(:param_1 + :x) WHERE foo.x = :x");
    expect(sqlWithKeys(u.values({ x: literal(3).add(bindparam("x")) }), ["x", "y"])).toBe("UPDATE foo SET x=(:param_1 + :x), y=:y WHERE foo.x = :x");
  });

  it("test_labels_no_collision", () => {
    const t = table("foo", column("id"), column("foo_id"));
    assertCompile(update(t).where(t.c.id.eq(5)), "UPDATE foo SET id=:id, foo_id=:foo_id WHERE foo.id = :id_1");
  });

  it("test_inline_defaults", () => {
    const m = new MetaData();
    const foo = Table("foo", m, { id: Column(Integer) });
    const t = Table("test", m, {
      col1: Column(Integer, { onupdate: func.foo(1) }),
      col2: Column(Integer, { onupdate: select(func.coalesce(func.max(foo.c.id))).scalarSubquery() }),
      col3: Column(String(30)),
    });
    assertCompile(update(t).values({ col3: "foo" }), "UPDATE test SET col1=foo(:foo_1), col2=(SELECT coalesce(max(foo.id)) AS coalesce_1 FROM foo), col3=:col3");
  });

  it("onupdate columns take their place in table order (crud._scan_cols)", () => {
    assertCompile(update(withOnupdate).values({ name: "x" }), "UPDATE mytable_with_onupdate SET name=:name, updated_at=now()");
    assertCompile(update(updateWDefault).values({ x: 5 }), "UPDATE update_w_default SET x=:x, data=:data");
    assertCompile(update(updateWDefault).values({ y: 5 }), "UPDATE update_w_default SET ycol=:y, data=:data");
  });

  it("test_update_1", () => {
    expect(sqlWithKeys(update(mytable).where(mytable.c.myid.eq(7)), ["name"])).toBe("UPDATE mytable SET name=:name WHERE mytable.myid = :myid_1");
  });

  it("test_update_2", () => {
    assertCompile(update(mytable).where(mytable.c.myid.eq(7)).values(new Map([[mytable.c.myid, 5]]) as never), "UPDATE mytable SET myid=:myid WHERE mytable.myid = :myid_1", { params: { myid: 5, myid_1: 7 } });
  });

  it("test_update_4", () => {
    assertCompile(update(mytable).values({ name: mytable.c.myid }), "UPDATE mytable SET name=mytable.myid");
  });

  it("test_update_5", () => {
    assertCompile(update(mytable).where(mytable.c.name.eq(bindparam("crit"))).values({ name: "hi" }), "UPDATE mytable SET name=:name WHERE mytable.name = :crit");
    expect(sqlWithKeys(update(mytable).where(mytable.c.name.eq(bindparam("crit"))).values({ name: "hi" }), ["crit"])).toBe("UPDATE mytable SET name=:name WHERE mytable.name = :crit");
  });

  it("test_update_6", () => {
    expect(sqlWithKeys(update(mytable).where(mytable.c.myid.eq(12)).values({ name: mytable.c.myid }), ["description"])).toBe(
      "UPDATE mytable SET name=mytable.myid, description=:description WHERE mytable.myid = :myid_1",
    );
  });

  it("test_update_7", () => {
    expect(sqlWithKeys(update(mytable).where(mytable.c.myid.eq(12)).values({ myid: 9 }), ["myid_1", "myid", "description"])).toBe(
      "UPDATE mytable SET myid=:myid, description=:description WHERE mytable.myid = :myid_1",
    );
  });

  it("test_update_8", () => {
    expect(sqlWithKeys(update(mytable).where(mytable.c.myid.eq(12)), ["myid"])).toBe("UPDATE mytable SET myid=:myid WHERE mytable.myid = :myid_1");
  });

  it("test_update_10", () => {
    const stmt = update(mytable).where(mytable.c.myid.eq(12)).values({ name: mytable.c.myid }).values({ name: mytable.c.name.concat("foo") });
    expect(sqlWithKeys(stmt, ["description"])).toBe("UPDATE mytable SET name=(mytable.name || :name_1), description=:description WHERE mytable.myid = :myid_1");
  });

  it("test_update_11", () => {
    const stmt = update(mytable)
      .where(and(mytable.c.myid.eq(func.hoho(4)), mytable.c.name.eq(literal("foo").concat(mytable.c.name).concat(literal("lala")))))
      .values({ name: mytable.c.name.concat("lala"), myid: func.do_stuff(mytable.c.myid, literal("hoho")) });
    assertCompile(
      stmt,
      "UPDATE mytable SET myid=do_stuff(mytable.myid, :param_1), name=(mytable.name || :name_1) WHERE mytable.myid = hoho(:hoho_1) AND mytable.name = (:param_2 || mytable.name || :param_3)",
    );
  });

  it("test_unconsumed_names_kwargs", () => {
    const t = table("t", column("x"), column("y"));
    const e = err(() => update(t).values({ x: 5, z: 5 } as never).compile());
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toBe("Unconsumed column names: z");
  });

  it("test_unconsumed_names_kwargs_w_keys", () => {
    const t = table("t", column("x"), column("y"));
    const e = err(() => update(t).values({ x: 5, j: 7 } as never).compile({ columnKeys: ["j"] }));
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toBe("Unconsumed column names: j");
  });

  it("test_unconsumed_names_values_dict", () => {
    const t = table("t", column("x"), column("y"));
    const t2 = table("t2", column("q"), column("z"));
    for (const includeInFrom of [true, false]) {
      let stmt = update(t).values({ x: 5, j: 7 } as never).values(new Map([[t2.c.z, 5]]) as never);
      if (includeInFrom) stmt = stmt.where(t.c.x.eq(t2.c.q));
      const e = err(() => stmt.compile());
      expect(e).toBeInstanceOf(CompileError);
      expect(e.message).toBe("Backend does not support additional tables in the SET clause; cannot include columns from table(s) 't2' in SET clause");
    }
  });

  it("test_raise_if_totally_different_table", () => {
    for (const useAlias of [true, false])
      for (const useAliasInSet of [true, false])
        for (const includeInFrom of [true, false]) {
          const target = useAlias ? mytable.alias("t1") : mytable;
          let stmt = update(target as typeof mytable).where(mytable.c.myid.eq(7));
          stmt = stmt.values(new Map([[useAliasInSet ? myothertable.alias().c.othername : myothertable.c.othername, "fred"]]) as never);
          if (includeInFrom) stmt = stmt.where(myothertable.c.otherid.eq(12));
          const desc = useAliasInSet ? "Anonymous alias of myothertable" : "myothertable";
          const e = err(() => stmt.compile());
          expect(e).toBeInstanceOf(CompileError);
          expect(e.message).toBe(`Backend does not support additional tables in the SET clause; cannot include columns from table(s) '${desc}' in SET clause`);
        }
  });

  it("test_update_ordered_parameters_newstyle_1", () => {
    const stmt = update(mytable)
      .where(and(mytable.c.myid.eq(func.hoho(4)), mytable.c.name.eq(literal("foo").concat(mytable.c.name).concat(literal("lala")))))
      .orderedValues([mytable.c.name, mytable.c.name.concat("lala")], [mytable.c.myid, func.do_stuff(mytable.c.myid, literal("hoho"))]);
    assertCompile(
      stmt,
      "UPDATE mytable SET name=(mytable.name || :name_1), myid=do_stuff(mytable.myid, :param_1) WHERE mytable.myid = hoho(:hoho_1) AND mytable.name = (:param_2 || mytable.name || :param_3)",
    );
  });

  it("test_update_ordered_parameters_newstyle_2", () => {
    const stmt = update(mytable)
      .where(and(mytable.c.myid.eq(func.hoho(4)), mytable.c.name.eq(literal("foo").concat(mytable.c.name).concat(literal("lala")))))
      .orderedValues([mytable.c.name, mytable.c.name.concat("lala")], ["description", "some desc"], [mytable.c.myid, func.do_stuff(mytable.c.myid, literal("hoho"))]);
    assertCompile(
      stmt,
      "UPDATE mytable SET name=(mytable.name || :name_1), description=:description, myid=do_stuff(mytable.myid, :param_1) WHERE mytable.myid = hoho(:hoho_1) AND mytable.name = (:param_2 || mytable.name || :param_3)",
    );
  });

  it("test_update_ordered_parameters_multiple", () => {
    const stmt = update(mytable).orderedValues(["name", "somename"]);
    const e = err(() => stmt.orderedValues(["myid", 10]));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toBe("This statement already has ordered values present");
  });

  it("test_update_ordered_then_nonordered", () => {
    const stmt = update(mytable).orderedValues(["myid", 1], ["name", "d1"]);
    const e = err(() => stmt.values({ myid: 2, name: "d2" }));
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect(e.message).toBe("This statement already has ordered values present");
  });

  it("test_update_no_multiple_parameters_allowed", () => {
    const stmt = update(mytable).values([{ myid: 1, name: "n1" }, { myid: 2, name: "n2" }] as never);
    const e = err(() => stmt.compile());
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect(e.message).toBe("UPDATE construct does not support multiple parameter sets.");
  });

  it("test_update_ordereddict", () => {
    const values = new Map<unknown, unknown>([[mytable.c.name, mytable.c.name.concat("lala")], [mytable.c.myid, func.do_stuff(mytable.c.myid, literal("hoho"))]]);
    assertCompile(update(mytable).where(mytable.c.myid.eq(func.hoho(4))).values(values as never), "UPDATE mytable SET myid=do_stuff(mytable.myid, :param_1), name=(mytable.name || :name_1) WHERE mytable.myid = hoho(:hoho_1)");
  });

  it("test_prefix_with", () => {
    const stmt = update(mytable).prefixWith("A", "B", { dialect: "mysql" }).prefixWith("C", "D");
    assertCompile(stmt, "UPDATE C D mytable SET myid=:myid, name=:name, description=:description");
  });

  it("test_update_bound_ordering", () => {
    const sel = select(myothertable).where(myothertable.c.otherid.eq(5)).alias();
    const upd = update(mytable).where(mytable.c.name.eq(sel.c.othername)).values({ name: "foo" });
    assertCompile(
      upd,
      "UPDATE mytable SET name=? FROM (SELECT myothertable.otherid AS otherid, myothertable.othername AS othername FROM myothertable WHERE myothertable.otherid = ?) AS anon_1 WHERE mytable.name = anon_1.othername",
      { dialect: "sqlite", positional: ["foo", 5] },
    );
    assertCompile(
      upd,
      "UPDATE mytable SET name=$1 FROM (SELECT myothertable.otherid AS otherid, myothertable.othername AS othername FROM myothertable WHERE myothertable.otherid = $2) AS anon_1 WHERE mytable.name = anon_1.othername",
      { dialect: "postgresql", positional: ["foo", 5] },
    );
  });
});

describe("DeleteTest (test_delete.py)", () => {
  const { mytable, myothertable } = updateTables();

  it("test_delete_literal_binds", () => {
    assertCompile(delete_(mytable).where(mytable.c.name.eq("jill")), "DELETE FROM mytable WHERE mytable.name = 'jill'", { literalBinds: true });
  });

  it("test_delete", () => {
    assertCompile(delete_(mytable).where(mytable.c.myid.eq(7)), "DELETE FROM mytable WHERE mytable.myid = :myid_1");
    assertCompile(delete_(mytable).where(mytable.c.myid.eq(7)).where(mytable.c.name.eq("somename")), "DELETE FROM mytable WHERE mytable.myid = :myid_1 AND mytable.name = :name_1");
  });

  it("test_prefix_with", () => {
    const stmt = delete_(mytable).prefixWith("A", "B", { dialect: "mysql" }).prefixWith("C", "D");
    assertCompile(stmt, "DELETE C D FROM mytable");
  });

  it("test_alias", () => {
    const talias1 = mytable.alias("t1");
    assertCompile(delete_(talias1).where(talias1.c.myid.eq(7)), "DELETE FROM mytable AS t1 WHERE t1.myid = :myid_1");
  });

  it("test_non_correlated_select", () => {
    const s = select(myothertable.c.othername).where(myothertable.c.otherid.eq(7));
    assertCompile(delete_(mytable).where(mytable.c.name.eq(s.scalarSubquery())), "DELETE FROM mytable WHERE mytable.name = (SELECT myothertable.othername FROM myothertable WHERE myothertable.otherid = :otherid_1)");
  });

  it("test_correlated_select", () => {
    const s = select(myothertable.c.othername).where(myothertable.c.otherid.eq(mytable.c.myid));
    assertCompile(delete_(mytable).where(mytable.c.name.eq(s.scalarSubquery())), "DELETE FROM mytable WHERE mytable.name = (SELECT myothertable.othername FROM myothertable WHERE myothertable.otherid = mytable.myid)");
  });
});

describe("sequences on INSERT (test_sequences.py compile forms)", () => {
  it("a non-primary-key Sequence column renders nextval on PostgreSQL and is left out on SQLite", () => {
    const m = new MetaData();
    const t = Table("t", m, { id: Column(Integer, { primaryKey: true }), counter: Column(Integer, { sequence: new Sequence("counter_seq") }), data: Column(String()) });
    assertCompile(insert(t).values({ data: "d" }), "INSERT INTO t (counter, data) VALUES (nextval('counter_seq'), $1)", { dialect: "postgresql" });
    assertCompile(insert(t).values({ data: "d" }), "INSERT INTO t (data) VALUES (?)", { dialect: "sqlite" });
    const s = new Sequence("s2", { schema: "myschema" });
    const t2 = Table("t2", m, { id: Column(Integer, { primaryKey: true, sequence: s }), data: Column(String()) });
    assertCompile(insert(t2).values({ data: "d" }), "INSERT INTO t2 (id, data) VALUES (nextval('myschema.s2'), $1)", { dialect: "postgresql" });
    void sqliteDialect;
  });
});

describe("ReturnCombinationTests (test_returning.py)", () => {
  const foo = Table("foo", new MetaData(), {
    id: Column(Integer, { primaryKey: true }),
    q: Column(Integer, { serverDefault: "5" }),
    x: Column(Integer),
    y: Column(Integer),
  });

  it("test_return_combinations", () => {
    assertCompile(insert(foo).returning(foo.c.x).returning(foo.c.y), "INSERT INTO foo (id, q, x, y) VALUES ($1, $2, $3, $4) RETURNING foo.x, foo.y", { dialect: "postgresql" });
    assertCompile(update(foo).returning(foo.c.x).returning(foo.c.y), "UPDATE foo SET id=$1, q=$2, x=$3, y=$4 RETURNING foo.x, foo.y", { dialect: "postgresql" });
    assertCompile(delete_(foo).returning(foo.c.x).returning(foo.c.y), "DELETE FROM foo RETURNING foo.x, foo.y", { dialect: "postgresql" });
  });

  it("test_returning_fromclause", () => {
    const t = table("t", column("x"), column("y"), column("z"));
    const stmt = update(t).returning(t);
    assertCompile(stmt, "UPDATE t SET x=$1, y=$2, z=$3 RETURNING t.x, t.y, t.z", { dialect: "postgresql" });
    expect(stmt.returningColumnDescriptions.map((d) => [d.name, d.expr])).toEqual([["x", t.c.x], ["y", t.c.y], ["z", t.c.z]]);
  });

  it("RETURNING an anonymous expression labels it anon_N (test_dml_returning_c_labels_four)", () => {
    assertCompile(
      delete_(foo).returning(foo.c.id, foo.c.id.mul(-1), foo.c.id.add(10), foo.c.id.sub(10), literal(-1).mul(foo.c.id)),
      "DELETE FROM foo RETURNING foo.id, foo.id * :id_1 AS anon_1, foo.id + :id_2 AS anon_2, foo.id - :id_3 AS anon_3, :param_1 * foo.id AS anon_4",
    );
  });
});

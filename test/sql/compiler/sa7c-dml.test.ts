/**
 * INSERT / UPDATE / DELETE compilation, ported by behaviour from SQLAlchemy's
 * test/sql/test_insert.py (InsertTest, FromDMLInsertTest, InsertImplicitReturningTest, EmptyTest,
 * MultirowTest), test/sql/test_update.py (UpdateTest, FromDMLColumnTest, UpdateFromCompileTest)
 * and test/sql/test_delete.py (DeleteTest, DeleteFromCompileTest): the cases earlier ports
 * (sa-dml, sa3-dml, dml) left out. Positional `values()` rows, `fromDmlColumn()`, expression SET
 * targets, `Delete.using()`, the primary-key-without-value warning, `returnDefaults()`
 * accumulation, multi-row VALUES with sorted RETURNING, `VALUES (DEFAULT)` for executemany.
 * Expected SQL was checked against SQLAlchemy 2.1 (the snapshot's lib/) on the same dialects.
 */
import { describe, expect, it } from "vitest";
import {
  and, ARRAY, AthanorWarning, cast, Column, CompileError, DateTime, delete as delete_, func, insert, Integer, literal, MetaData, or, select, String, Table,
  column, table, update, warnings, ArgumentError, InvalidRequestError, bindparam,
} from "../../../src/index.js";
import { fromDmlColumn } from "../../../src/sql/dml.js";
import { generateCacheKey } from "../../../src/sql/cache-key.js";
import { assertCompile, compile } from "./helpers.js";

function err(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

/** _InsertTestBase.define_tables / _UpdateFromTestBase.define_tables. */
function tables() {
  const md = new MetaData();
  const mytable = Table("mytable", md, { myid: Column(Integer), name: Column(String(30)), description: Column(String(30)) });
  const myothertable = Table("myothertable", md, { otherid: Column(Integer, { primaryKey: true }), othername: Column(String(30)) });
  const withSqlDefault = Table("mytable_w_sql_default", md, {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30)),
    description: Column(String(30)),
    created_at: Column(DateTime, { default: func.now() }),
  });
  const withOnupdate = Table("mytable_with_onupdate", md, {
    myid: Column(Integer),
    name: Column(String(30)),
    description: Column(String(50)),
    updated_at: Column(DateTime, { onupdate: func.now() }),
  });
  const users = Table("users", md, { id: Column(Integer, { primaryKey: true }), name: Column(String(30), { nullable: false }) });
  const addresses = Table("addresses", md, {
    id: Column(Integer, { primaryKey: true }),
    user_id: Column(Integer, { foreignKey: "users.id" }),
    name: Column(String(30), { nullable: false }),
    email_address: Column(String(50), { nullable: false }),
  });
  const dingalings = Table("dingalings", md, {
    id: Column(Integer, { primaryKey: true }),
    address_id: Column(Integer, { foreignKey: "addresses.id" }),
    data: Column(String(30)),
  });
  return { mytable, myothertable, withSqlDefault, withOnupdate, users, addresses, dingalings };
}

const PK_MSG = (t: string, c: string) =>
  `Column '${t}.${c}' is marked as a member of the primary key for table '${t}', but has no Python-side or server-side default generator indicated, ` +
  "nor does it indicate 'autoincrement=True' or 'nullable=True', and no explicit value is passed.  Primary key columns typically may not store NULL.";
const COMPOSITE_NOTE =
  " Note that as of SQLAlchemy 1.1, 'autoincrement=True' must be indicated explicitly for composite (e.g. multicolumn) primary keys if " +
  "AUTO_INCREMENT/SERIAL/IDENTITY behavior is expected for one of the columns in the primary key. CREATE TABLE statements are impacted by this change as well on most backends.";

/** Compile with execution keys and return the SQL plus the warnings raised while compiling. */
function compileWarned(stmt: Parameters<typeof compile>[0], keys: readonly string[], dialect?: "postgresql" | "sqlite") {
  let sql = "";
  const ws = warnings.catch(() => {
    sql = compile(stmt, dialect, { columnKeys: keys }).sql;
  });
  return { sql, warnings: ws.map((w) => [w.constructor, w.message]) };
}

describe("InsertTest (test_insert.py)", () => {
  const { mytable } = tables();

  it("test_return_defaults_generative: calls accumulate; a call without columns means all defaults", () => {
    const t = table("foo", column("x"), column("y"), column("z"));
    const keys = (s: { readonly returnDefaultsColumns: readonly unknown[] | undefined }) => s.returnDefaultsColumns?.map((c) => (c as { key: string }).key);
    expect(keys(insert(t).returnDefaults())).toEqual([]);
    expect(keys(insert(t).returnDefaults().returnDefaults(t.c.z))).toEqual([]);
    expect(keys(insert(t).returnDefaults(t.c.x).returnDefaults())).toEqual([]);
    expect(keys(insert(t).returnDefaults(t.c.x).returnDefaults(t.c.y))).toEqual(["x", "y"]);
    expect(keys(insert(t).returnDefaults(t.c.x, t.c.y).returnDefaults(t.c.y))).toEqual(["x", "y"]);
    expect(keys(insert(t))).toBeUndefined();
  });

  it("test_sort_by_parameter_ordering_parameter_no_multi_values", () => {
    const t = table("foo", column("x"), column("y"), column("z"));
    for (const before of [true, false]) {
      for (const sort of [true, false]) {
        const ret = (s: ReturnType<typeof insert>) => s.returning(t.c.x, { sortByParameterOrder: sort });
        const multi = before ? ret(insert(t).values([{ y: 6 }, { y: 7 }])) : ret(insert(t)).values([{ y: 6 }, { y: 7 }]);
        if (sort) {
          const e = err(() => multi.compile());
          expect(e).toBeInstanceOf(CompileError);
          expect(e.message).toBe("RETURNING cannot be deterministically sorted when using an INSERT which includes multi-row values().");
        } else assertCompile(multi, "INSERT INTO foo (y) VALUES (:y_m0), (:y_m1) RETURNING foo.x");
        const single = before ? ret(insert(t).values({ y: 6 })) : ret(insert(t)).values({ y: 6 });
        assertCompile(single, "INSERT INTO foo (y) VALUES (:y) RETURNING foo.x");
      }
    }
  });

  it("test_insert_with_values_tuple: a positional row takes the columns in table order", () => {
    assertCompile(insert(mytable).values([3, "jack", "mydescription"]), "INSERT INTO mytable (myid, name, description) VALUES (:myid, :name, :description)", {
      params: { myid: 3, name: "jack", description: "mydescription" },
    });
    // A shorter row names the first columns only; extra values are dropped (Python's zip).
    assertCompile(insert(mytable).values([3, "jack"]), "INSERT INTO mytable (myid, name) VALUES (:myid, :name)", { params: { myid: 3, name: "jack" } });
    assertCompile(insert(mytable).values([3, "jack", "d", 4]), "INSERT INTO mytable (myid, name, description) VALUES (:myid, :name, :description)", {
      params: { myid: 3, name: "jack", description: "d" },
    });
  });

  it("positional rows in a list are a multi-row VALUES; SQL expressions stay inline", () => {
    assertCompile(insert(mytable).values([[3, "jack"], [4, func.lower("ED")]]), "INSERT INTO mytable (myid, name) VALUES (?, ?), (?, lower(?))", {
      dialect: "sqlite",
      positional: [3, "jack", 4, "ED"],
    });
    assertCompile(insert(mytable).values([[3, "jack"], [4, "ed"]]), "INSERT INTO mytable (myid, name) VALUES (:myid_m0, :name_m0), (:myid_m1, :name_m1)", {
      params: { myid_m0: 3, name_m0: "jack", myid_m1: 4, name_m1: "ed" },
    });
  });

  it("test_heterogeneous_multi_values: SQL expressions at different places in each row", () => {
    const t1 = Table("t", new MetaData(), { id: Column(Integer, { primaryKey: true }), x: Column(Integer), y: Column(Integer), z: Column(Integer) });
    // func.sum() is typed as the one-argument aggregate; SQLAlchemy's test calls it with two.
    const sum = (a: number, b: number) => (func.sum as unknown as (...args: number[]) => ReturnType<typeof func.foo>)(a, b);
    const stmt = insert(t1).values([
      { x: 1, y: sum(1, 2), z: 2 },
      { x: sum(1, 2), y: 2, z: 3 },
      { x: sum(1, 2), y: 2, z: func.foo(10) },
    ]);
    const positional = [1, 1, 2, 2, 1, 2, 2, 3, 1, 2, 2, 10];
    assertCompile(stmt, "INSERT INTO t (x, y, z) VALUES (?, sum(?, ?), ?), (sum(?, ?), ?, ?), (sum(?, ?), ?, foo(?))", { dialect: "sqlite", positional });
    // PostgreSQL casts the parameters inside VALUES expressions, whose type the server cannot infer (SQLAlchemy's bind casts).
    assertCompile(stmt, "INSERT INTO t (x, y, z) VALUES ($1, sum($2::INTEGER, $3::INTEGER), $4), (sum($5::INTEGER, $6::INTEGER), $7, $8), (sum($9::INTEGER, $10::INTEGER), $11, foo($12::INTEGER))", {
      dialect: "postgresql",
      positional,
      params: { x_m0: 1, sum_1: 1, sum_2: 2, z_m0: 2, sum_3: 1, sum_4: 2, y_m1: 2, z_m1: 3, sum_5: 1, sum_6: 2, y_m2: 2, foo_1: 10 },
    });
  });

  it("test_anticipate_no_pk_composite_pk (and _implicit_returning / _prefetch on PostgreSQL)", () => {
    const t = Table("t", new MetaData(), { x: Column(Integer, { primaryKey: true }), y: Column(Integer, { primaryKey: true }) });
    const r = compileWarned(insert(t), ["x"]);
    expect(r.sql).toBe("INSERT INTO t (x) VALUES (:x)");
    expect(r.warnings).toEqual([[AthanorWarning, PK_MSG("t", "y") + COMPOSITE_NOTE]]);
    const pg = compileWarned(insert(t), ["x"], "postgresql");
    expect(pg.sql).toBe("INSERT INTO t (x) VALUES ($1)");
    expect(pg.warnings).toEqual([[AthanorWarning, PK_MSG("t", "y") + COMPOSITE_NOTE]]);
  });

  it("test_anticipate_nullable_composite_pk: a nullable key member does not warn", () => {
    const t = Table("t", new MetaData(), { x: Column(Integer, { primaryKey: true }), y: Column(Integer, { primaryKey: true, nullable: true }) });
    expect(compileWarned(insert(t), ["x"])).toEqual({ sql: "INSERT INTO t (x) VALUES (:x)", warnings: [] });
  });

  it("test_anticipate_no_pk_non_composite_pk (and _implicit_returning / _prefetch on PostgreSQL)", () => {
    const t = Table("t", new MetaData(), { x: Column(Integer, { primaryKey: true, autoincrement: false }), q: Column(Integer) });
    const r = compileWarned(insert(t), ["q"]);
    expect(r.sql).toBe("INSERT INTO t (q) VALUES (:q)");
    expect(r.warnings).toEqual([[AthanorWarning, PK_MSG("t", "x")]]);
    expect(compileWarned(insert(t), ["q"], "postgresql").warnings).toEqual([[AthanorWarning, PK_MSG("t", "x")]]);
    // Given keys, an autoincrement key, defaults and INSERT … SELECT do not warn.
    expect(compileWarned(insert(t), ["x", "q"]).warnings).toEqual([]);
    const auto = Table("t", new MetaData(), { x: Column(Integer, { primaryKey: true }), q: Column(Integer) });
    expect(compileWarned(insert(auto), ["q"]).warnings).toEqual([]);
    const withDefault = Table("t", new MetaData(), { x: Column(Integer, { primaryKey: true, autoincrement: false, default: 5 }), q: Column(Integer) });
    expect(compileWarned(insert(withDefault), ["q"]).warnings).toEqual([]);
    expect(warnings.catch(() => insert(t).fromSelect(["q"], select(t.c.q)).compile())).toEqual([]);
  });

  it("test_anticipate_no_pk on values({}) and multi-row VALUES", () => {
    const t = Table("t", new MetaData(), { x: Column(Integer, { primaryKey: true }), y: Column(Integer, { primaryKey: true }) });
    const multi = warnings.catch(() => expect(insert(t).values([{ x: 1 }, { x: 2 }]).compile().sql).toBe("INSERT INTO t (x) VALUES (:x_m0), (:x_m1)"));
    expect(multi.map((w) => w.message)).toEqual([PK_MSG("t", "y") + COMPOSITE_NOTE]);
    const empty = warnings.catch(() => expect(insert(t).values({}).compile().sql).toBe("INSERT INTO t DEFAULT VALUES"));
    expect(empty.map((w) => w.message)).toEqual([PK_MSG("t", "x") + COMPOSITE_NOTE, PK_MSG("t", "y") + COMPOSITE_NOTE]);
  });
});

describe("FromDMLInsertTest (test_insert.py)", () => {
  const { mytable, withSqlDefault } = tables();

  it("test_from_bound_col_value: the same parameter renders again", () => {
    const stmt = insert(mytable).values({ name: "some name", description: fromDmlColumn(mytable.c.name) });
    assertCompile(stmt, "INSERT INTO mytable (name, description) VALUES (:name, :name)", { params: { name: "some name" } });
    assertCompile(stmt, "INSERT INTO mytable (name, description) VALUES (?, ?)", { dialect: "sqlite", positional: ["some name", "some name"] });
    // Numbered parameters repeat the value rather than the number.
    assertCompile(stmt, "INSERT INTO mytable (name, description) VALUES ($1, $2)", { dialect: "postgresql", positional: ["some name", "some name"] });
  });

  it("test_from_static_col_value: a column without a value raises", () => {
    const e = err(() => insert(mytable).values({ description: fromDmlColumn(mytable.c.name) }).compile());
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toBe("Can't resolve referenced column name in INSERT statement: 'name'");
  });

  it("test_from_sql_default", () => {
    const t = withSqlDefault;
    assertCompile(insert(t).values({ description: fromDmlColumn(t.c.created_at) }), "INSERT INTO mytable_w_sql_default (description, created_at) VALUES (now(), now())");
    assertCompile(
      insert(t).values({ description: cast(fromDmlColumn(t.c.created_at), String()).concat(" o clock") }),
      "INSERT INTO mytable_w_sql_default (description, created_at) VALUES ((CAST(now() AS VARCHAR) || :param_1), now())",
    );
    const stmt = insert(t).values({ name: "some name", description: cast(fromDmlColumn(t.c.created_at), String()).concat(" ").concat(fromDmlColumn(t.c.name)) });
    assertCompile(stmt, "INSERT INTO mytable_w_sql_default (name, description, created_at) VALUES (:name, (CAST(now() AS VARCHAR) || :param_1 || :name), now())", {
      params: { name: "some name", param_1: " " },
    });
    assertCompile(
      stmt,
      "INSERT INTO mytable_w_sql_default (name, description, created_at) VALUES (?, (CAST(CURRENT_TIMESTAMP AS VARCHAR) || ? || ?), CURRENT_TIMESTAMP)",
      { dialect: "sqlite", positional: ["some name", " ", "some name"] },
    );
  });

  it("test_from_sql_expr", () => {
    const stmt = insert(mytable).values({ name: mytable.c.name.concat("lala"), description: fromDmlColumn(mytable.c.name) });
    assertCompile(stmt, "INSERT INTO mytable (name, description) VALUES ((mytable.name || :name_1), (mytable.name || :name_1))", { params: { name_1: "lala" } });
    assertCompile(stmt, "INSERT INTO mytable (name, description) VALUES ((mytable.name || ?), (mytable.name || ?))", { dialect: "sqlite", positional: ["lala", "lala"] });
  });

  it("test_from_sql_expr_multiple_dmlcol", () => {
    const stmt = insert(mytable).values({
      myid: 5,
      name: mytable.c.name.concat("lala"),
      description: fromDmlColumn(mytable.c.name).concat(" ").concat(cast(fromDmlColumn(mytable.c.myid), String())),
    });
    assertCompile(stmt, "INSERT INTO mytable (myid, name, description) VALUES (:myid, (mytable.name || :name_1), ((mytable.name || :name_1) || :param_1 || CAST(:myid AS VARCHAR)))", {
      params: { myid: 5, name_1: "lala", param_1: " " },
    });
  });

  it("fromDmlColumn() outside INSERT/UPDATE values, or referring to itself in an INSERT, raises", () => {
    const e = err(() => select(fromDmlColumn(mytable.c.name)).compile());
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toBe("DML target objects may only be used with compiled INSERT or UPDATE statements");
    expect(err(() => insert(mytable).values({ name: fromDmlColumn(mytable.c.name) }).compile()).message).toBe(
      "Can't resolve referenced column name in INSERT statement: 'name'",
    );
    expect(err(() => fromDmlColumn("name" as never))).toBeInstanceOf(ArgumentError);
  });
});

describe("InsertImplicitReturningTest (test_insert.py, compiled on PostgreSQL)", () => {
  const { mytable, myothertable } = tables();
  const sel = select(mytable.c.myid, mytable.c.name).where(mytable.c.name.eq("foo"));

  it("test_insert_select / test_insert_select_return_defaults: INSERT … SELECT has no RETURNING", () => {
    const expected = "INSERT INTO myothertable (otherid, othername) SELECT mytable.myid, mytable.name FROM mytable WHERE mytable.name = $1";
    assertCompile(insert(myothertable).fromSelect(["otherid", "othername"], sel), expected, { dialect: "postgresql", positional: ["foo"] });
    assertCompile(insert(myothertable).fromSelect(["otherid", "othername"], sel).returnDefaults(myothertable.c.otherid), expected, {
      dialect: "postgresql",
      params: { name_1: "foo" },
    });
  });

  it("test_explicit_null_implicit_returning_still_renders (the forms without RETURNING)", () => {
    const t = Table("t", new MetaData(), { x: Column(Integer, { primaryKey: true }), q: Column(Integer) });
    assertCompile(insert(t).values({ x: null, q: 5 } as never), "INSERT INTO t (x, q) VALUES ($1, $2)", { dialect: "postgresql", positional: [null, 5] });
    expect(compile(insert(t), "postgresql", { columnKeys: ["x", "q"] }).sql).toBe("INSERT INTO t (x, q) VALUES ($1, $2)");
    assertCompile(insert(t), "INSERT INTO t (x, q) VALUES ($1, $2)", { dialect: "postgresql" });
  });

  it("test_insert_multiple_values / test_insert_multiple_values_return_defaults", () => {
    const rows = [{ othername: "foo" }, { othername: "bar" }];
    assertCompile(insert(myothertable).values(rows), "INSERT INTO myothertable (othername) VALUES ($1), ($2)", {
      dialect: "postgresql",
      params: { othername_m0: "foo", othername_m1: "bar" },
    });
    assertCompile(insert(myothertable).values(rows).returnDefaults(myothertable.c.otherid), "INSERT INTO myothertable (othername) VALUES ($1), ($2)", {
      dialect: "postgresql",
      params: { othername_m0: "foo", othername_m1: "bar" },
    });
  });

  it("test_insert_multiple_values_literal_binds", () => {
    assertCompile(insert(myothertable).values([{ othername: "foo" }, { othername: "bar" }]), "INSERT INTO myothertable (othername) VALUES ('foo'), ('bar')", {
      dialect: "postgresql",
      literalBinds: true,
      params: {},
    });
  });
});

describe("EmptyTest (test_insert.py)", () => {
  const { mytable } = tables();

  it("test_supports_empty_insert_true_executemany_mode: PostgreSQL renders VALUES (DEFAULT), SQLite DEFAULT VALUES", () => {
    expect(compile(insert(mytable).values({}), "postgresql", { forExecutemany: true }).sql).toBe("INSERT INTO mytable (myid) VALUES (DEFAULT)");
    expect(compile(insert(mytable), "postgresql", { forExecutemany: true, columnKeys: [] }).sql).toBe("INSERT INTO mytable (myid) VALUES (DEFAULT)");
    expect(compile(insert(mytable), "sqlite", { forExecutemany: true, columnKeys: [] }).sql).toBe("INSERT INTO mytable DEFAULT VALUES");
    // Not for an executemany, the statement stays DEFAULT VALUES.
    expect(compile(insert(mytable).values({}), "postgresql").sql).toBe("INSERT INTO mytable DEFAULT VALUES");
  });
});

describe("UpdateTest (test_update.py)", () => {
  const { mytable } = tables();

  it("test_update_broken_custom_key_thing / test_update_ordered_broken_custom_key_thing", () => {
    const thing = { clauseElement: 5 };
    for (const f of [() => update(mytable).values(new Map([[thing, "jack"]]) as never), () => update(mytable).orderedValues([thing as never, "jack"])]) {
      const e = err(f);
      expect(e).toBeInstanceOf(ArgumentError);
      expect(e.message).toBe("SET/VALUES column expression or string key expected, got Object object");
    }
  });

  it("test_labels_no_collision_index", () => {
    const t = Table("foo", new MetaData(), { id: Column(Integer, { index: true }), foo_id: Column(Integer) });
    assertCompile(update(t).where(t.c.id.eq(5)), "UPDATE foo SET id=:id, foo_id=:foo_id WHERE foo.id = :id_1");
  });

  it("test_update_3: execution keys choose the SET columns", () => {
    expect(compile(update(mytable).where(mytable.c.myid.eq(7)), "default", { columnKeys: ["name"] }).sql).toBe(
      "UPDATE mytable SET name=:name WHERE mytable.myid = :myid_1",
    );
  });

  it("test_update_9: compiling with keys renders what the statement renders alone", () => {
    const s = update(mytable).where(mytable.c.myid.eq(12)).values(new Map([[mytable.c.name, "lala"]]));
    expect(compile(s, "default", { columnKeys: ["name"] }).sql).toBe(s.toString());
    expect(s.toString()).toBe("UPDATE mytable SET name=:name WHERE mytable.myid = :myid_1");
  });

  it("test_where_empty: an empty and() / or() adds no WHERE", () => {
    assertCompile(update(mytable).where(and()), "UPDATE mytable SET myid=:myid, name=:name, description=:description");
    assertCompile(update(mytable).where(or()), "UPDATE mytable SET myid=:myid, name=:name, description=:description");
    assertCompile(update(mytable).where(and()).where(mytable.c.myid.eq(5)), "UPDATE mytable SET myid=:myid, name=:name, description=:description WHERE mytable.myid = :myid_1");
  });

  it("test_update_to_expression_one: a function of a column as the SET target", () => {
    const expr = func.foo(mytable.c.myid);
    assertCompile(update(mytable).values(new Map([[expr, "bar"]])), "UPDATE mytable SET foo(myid)=:param_1", { params: { param_1: "bar" } });
  });

  it("test_update_to_expression_two: ARRAY elements as SET targets, in the order given", () => {
    const t = table("foo", column("data1", ARRAY(Integer())), column("data2", ARRAY(Integer())), column("data3", ARRAY(Integer())), column("data4", ARRAY(Integer())));
    const orders: [ReturnType<typeof column>, number, number][][] = [
      [[t.c.data1, 5, 7], [t.c.data2, 10, 18], [t.c.data3, 8, 4], [t.c.data4, 12, 14]],
      [[t.c.data3, 8, 4], [t.c.data1, 5, 7], [t.c.data4, 12, 14], [t.c.data2, 10, 18]],
      [[t.c.data4, 12, 14], [t.c.data3, 8, 4], [t.c.data2, 10, 18], [t.c.data1, 5, 7]],
    ];
    for (const order of orders) {
      const stmt = update(t).orderedValues(...order.map(([col, idx, val]) => [(col as unknown as { at(i: number): never }).at(idx), val] as [never, unknown]));
      let n = 0;
      const sql = `UPDATE foo SET ${order.map(([col]) => `${col.key}[$${++n}]=$${++n}`).join(", ")}`;
      assertCompile(stmt, sql, { dialect: "postgresql", positional: order.flatMap(([, idx, val]) => [idx, val]) });
    }
  });

  it("test_update_to_expression_three: an UPDATE CTE with a scalar onupdate", () => {
    const m = new MetaData();
    const q = Table("q", m, { x: Column(Integer, { default: 2 }), y: Column(Integer, { onupdate: 5 }), z: Column(Integer) });
    const p = Table("p", m, { s: Column(Integer), t: Column(Integer), u: Column(Integer, { onupdate: 1 }) });
    const cte = update(q).where(q.c.z.eq(1)).values({ x: 7 }).returning(q.c.z).cte("c");
    // The onupdate value is computed at execution; compiled alone it is not known yet.
    assertCompile(select(p.c.s, cte.c.z).where(p.c.s.eq(cte.c.z)), "WITH c AS (UPDATE q SET x=?, y=? WHERE q.z = ? RETURNING q.z) SELECT p.s, c.z FROM p, c WHERE p.s = c.z", {
      dialect: "sqlite",
      positional: [7, undefined, 1],
    });
  });

  it("expression targets and values() of the same target replace each other", () => {
    const t = table("foo", column("data1", ARRAY(Integer())));
    const el = t.c.data1.at(1);
    assertCompile(update(t).values(new Map([[el, 5]])).values(new Map([[el, 6]])), "UPDATE foo SET data1[$1]=$2", { dialect: "postgresql", positional: [1, 6] });
  });
});

describe("FromDMLColumnTest (test_update.py)", () => {
  const { mytable, withOnupdate } = tables();

  it("test_from_bound_col_value", () => {
    const stmt = update(mytable).values({ name: "some name", description: fromDmlColumn(mytable.c.name) });
    assertCompile(stmt, "UPDATE mytable SET name=:name, description=:name", { params: { name: "some name" } });
    assertCompile(stmt, "UPDATE mytable SET name=?, description=?", { dialect: "sqlite", positional: ["some name", "some name"] });
  });

  it("test_from_static_col_value: a column not in SET renders as itself", () => {
    const stmt = update(mytable).values({ description: fromDmlColumn(mytable.c.name) });
    assertCompile(stmt, "UPDATE mytable SET description=mytable.name", { params: {} });
    assertCompile(stmt, "UPDATE mytable SET description=mytable.name", { dialect: "sqlite", positional: [] });
  });

  it("test_from_sql_onupdate", () => {
    const t = withOnupdate;
    assertCompile(update(t).values({ description: fromDmlColumn(t.c.updated_at) }), "UPDATE mytable_with_onupdate SET description=now(), updated_at=now()");
    assertCompile(
      update(t).values({ description: cast(fromDmlColumn(t.c.updated_at), String()).concat(" o clock") }),
      "UPDATE mytable_with_onupdate SET description=(CAST(now() AS VARCHAR) || :param_1), updated_at=now()",
    );
    assertCompile(
      update(t).values({ description: cast(fromDmlColumn(t.c.updated_at), String()).concat(" ").concat(fromDmlColumn(t.c.name)) }),
      "UPDATE mytable_with_onupdate SET description=(CAST(now() AS VARCHAR) || :param_1 || mytable_with_onupdate.name), updated_at=now()",
    );
    const stmt = update(t).values({ name: "some name", description: cast(fromDmlColumn(t.c.updated_at), String()).concat(" ").concat(fromDmlColumn(t.c.name)) });
    assertCompile(stmt, "UPDATE mytable_with_onupdate SET name=:name, description=(CAST(now() AS VARCHAR) || :param_1 || :name), updated_at=now()", {
      params: { name: "some name", param_1: " " },
    });
    assertCompile(stmt, "UPDATE mytable_with_onupdate SET name=?, description=(CAST(CURRENT_TIMESTAMP AS VARCHAR) || ? || ?), updated_at=CURRENT_TIMESTAMP", {
      dialect: "sqlite",
      positional: ["some name", " ", "some name"],
    });
  });

  it("test_from_sql_expr", () => {
    const stmt = update(mytable).values({ name: mytable.c.name.concat("lala"), description: fromDmlColumn(mytable.c.name) });
    assertCompile(stmt, "UPDATE mytable SET name=(mytable.name || :name_1), description=(mytable.name || :name_1)", { params: { name_1: "lala" } });
    assertCompile(stmt, "UPDATE mytable SET name=(mytable.name || ?), description=(mytable.name || ?)", { dialect: "sqlite", positional: ["lala", "lala"] });
  });

  it("test_from_sql_expr_multiple_dmlcol", () => {
    const stmt = update(mytable).values({
      name: mytable.c.name.concat("lala"),
      description: fromDmlColumn(mytable.c.name).concat(" ").concat(cast(fromDmlColumn(mytable.c.myid), String())),
    });
    assertCompile(stmt, "UPDATE mytable SET name=(mytable.name || :name_1), description=((mytable.name || :name_1) || :param_1 || CAST(mytable.myid AS VARCHAR))", {
      params: { name_1: "lala", param_1: " " },
    });
  });

  it("a column referring to itself in UPDATE renders the column", () => {
    assertCompile(update(mytable).values({ name: fromDmlColumn(mytable.c.name).concat("x") }), "UPDATE mytable SET name=(mytable.name || :param_1)");
  });

  it("different fromDmlColumn() targets are different cached statements", () => {
    const a = update(mytable).values({ description: fromDmlColumn(mytable.c.name) });
    const b = update(mytable).values({ description: fromDmlColumn(mytable.c.myid) });
    expect(a.toString()).toBe("UPDATE mytable SET description=mytable.name");
    expect(b.toString()).toBe("UPDATE mytable SET description=mytable.myid");
  });
});

describe("UpdateFromCompileTest (test_update.py)", () => {
  const { mytable, withOnupdate, users, addresses, dingalings } = tables();

  it("test_alias_one (no onupdate)", () => {
    const t1 = mytable.alias("t1");
    assertCompile(update(t1).where(t1.c.myid.eq(7)).values(new Map([[mytable.c.name, "fred"]])), "UPDATE mytable AS t1 SET name=:name WHERE t1.myid = :myid_1");
  });

  it("test_alias_two: the aliased table in WHERE makes UPDATE … FROM, onupdates render", () => {
    const t1 = mytable.alias("t1");
    assertCompile(update(t1).where(mytable.c.myid.eq(7)).values(new Map([[mytable.c.name, "fred"]])), "UPDATE mytable AS t1 SET name=$1 FROM mytable WHERE mytable.myid = $2", {
      dialect: "postgresql",
      positional: ["fred", 7],
    });
    const t2 = withOnupdate.alias("t1");
    assertCompile(
      update(t2).where(withOnupdate.c.myid.eq(7)).values(new Map([[withOnupdate.c.name, "fred"]])),
      "UPDATE mytable_with_onupdate AS t1 SET name=$1, updated_at=now() FROM mytable_with_onupdate WHERE mytable_with_onupdate.myid = $2",
      { dialect: "postgresql", positional: ["fred", 7] },
    );
  });

  it("test_render_table", () => {
    assertCompile(
      update(users).values({ name: "newname" }).where(users.c.id.eq(addresses.c.user_id)).where(addresses.c.email_address.eq("e1")),
      "UPDATE users SET name=:name FROM addresses WHERE users.id = addresses.user_id AND addresses.email_address = :email_address_1",
      { params: { email_address_1: "e1", name: "newname" } },
    );
  });

  it("test_render_multi_table", () => {
    assertCompile(
      update(users)
        .values({ name: "newname" })
        .where(users.c.id.eq(addresses.c.user_id))
        .where(addresses.c.email_address.eq("e1"))
        .where(addresses.c.id.eq(dingalings.c.address_id))
        .where(dingalings.c.id.eq(2)),
      "UPDATE users SET name=:name FROM addresses, dingalings WHERE users.id = addresses.user_id AND addresses.email_address = :email_address_1 AND " +
        "addresses.id = dingalings.address_id AND dingalings.id = :id_1",
      { params: { email_address_1: "e1", id_1: 2, name: "newname" } },
    );
  });

  it("test_render_subquery", () => {
    const subq = select(addresses.c.id, addresses.c.user_id, addresses.c.email_address).where(addresses.c.id.eq(7)).alias();
    assertCompile(
      update(users).values({ name: "newname" }).where(users.c.id.eq(subq.c.user_id)).where(subq.c.email_address.eq("e1")),
      "UPDATE users SET name=:name FROM (SELECT addresses.id AS id, addresses.user_id AS user_id, addresses.email_address AS email_address FROM addresses " +
        "WHERE addresses.id = :id_1) AS anon_1 WHERE users.id = anon_1.user_id AND anon_1.email_address = :email_address_1",
      { params: { email_address_1: "e1", id_1: 7, name: "newname" } },
    );
  });

  it("a SET value naming another table adds it to FROM (DMLState._make_extra_froms considers the values)", () => {
    assertCompile(update(addresses).values({ email_address: users.c.name }), "UPDATE addresses SET email_address=users.name FROM users", { dialect: "postgresql" });
    assertCompile(
      update(addresses).values({ email_address: users.c.name }).where(users.c.id.eq(addresses.c.user_id)),
      "UPDATE addresses SET email_address=users.name FROM users WHERE users.id = addresses.user_id",
      { dialect: "sqlite" },
    );
    // A correlated subquery names no extra table.
    assertCompile(
      update(addresses).values({ email_address: select(users.c.name).where(users.c.id.eq(addresses.c.user_id)).scalarSubquery() }),
      "UPDATE addresses SET email_address=(SELECT users.name FROM users WHERE users.id = addresses.user_id)",
      { dialect: "postgresql" },
    );
  });
});

describe("DeleteTest / DeleteFromCompileTest (test_delete.py)", () => {
  const { mytable, myothertable } = tables();

  it("test_where_empty", () => {
    assertCompile(delete_(mytable).where(and()), "DELETE FROM mytable");
    assertCompile(delete_(mytable).where(or()), "DELETE FROM mytable");
  });

  it("test_delete_explicit_using", () => {
    const stmt = delete_(mytable).using(myothertable).where(mytable.c.myid.eq(7));
    assertCompile(stmt, "DELETE FROM mytable , myothertable WHERE mytable.myid = :myid_1", { params: { myid_1: 7 } });
    assertCompile(stmt, "DELETE FROM mytable USING myothertable WHERE mytable.myid = $1", { dialect: "postgresql", positional: [7] });
  });

  it("test_delete_explicit_using_dedupe_implicit_from", () => {
    const stmt = delete_(mytable).using(myothertable).where(mytable.c.myid.eq(myothertable.c.otherid));
    assertCompile(stmt, "DELETE FROM mytable , myothertable WHERE mytable.myid = myothertable.otherid");
    assertCompile(stmt, "DELETE FROM mytable USING myothertable WHERE mytable.myid = myothertable.otherid", { dialect: "postgresql" });
  });

  it("test_delete_explicit_using_join_postgresql", () => {
    const stmt = delete_(mytable)
      .using(myothertable.outerjoin(mytable, mytable.c.myid.eq(myothertable.c.otherid)))
      .where(myothertable.c.othername.isNull());
    assertCompile(stmt, "DELETE FROM mytable USING myothertable LEFT OUTER JOIN mytable ON mytable.myid = myothertable.otherid WHERE myothertable.othername IS NULL", {
      dialect: "postgresql",
    });
  });

  it("using() on SQLite raises; using() calls accumulate and key the cache", () => {
    const e = err(() => compile(delete_(mytable).using(myothertable), "sqlite"));
    expect(e).toBeInstanceOf(CompileError);
    const other = table("third", column("x"));
    assertCompile(delete_(mytable).using(myothertable).using(other), "DELETE FROM mytable USING myothertable, third", { dialect: "postgresql" });
    expect(compile(delete_(mytable).using(other), "postgresql").sql).toBe("DELETE FROM mytable USING third");
    expect(compile(delete_(mytable), "postgresql").sql).toBe("DELETE FROM mytable");
    expect(err(() => delete_(mytable).using(5 as never))).toBeInstanceOf(ArgumentError);
  });
});

describe("addCte() on INSERT / UPDATE / DELETE (test_insert_exec.py test_insert_w_bindparam_in_nested_insert, compiled)", () => {
  const m = new MetaData();
  const data = Table("data", m, { id: Column(Integer, { primaryKey: true }), x: Column(String(50)), y: Column(String(50)), z: Column(Integer) });
  const extra = Table("extra_table", m, { id: Column(Integer, { primaryKey: true }), x_value: Column(String(50)), y_value: Column(String(50)) });
  const inst = insert(extra).values({ x_value: "x", y_value: "y" }).returning(extra.c.id).cte("inst");
  const WITH = "WITH inst AS (INSERT INTO extra_table (x_value, y_value) VALUES ($1, $2) RETURNING extra_table.id) ";

  it("the CTE renders first, referred to or not", () => {
    assertCompile(
      insert(data).values({ x: "the x", z: select(inst.c.id).scalarSubquery() }).addCte(inst).returning(data.c.id),
      `${WITH}INSERT INTO data (x, z) VALUES ($3, (SELECT inst.id FROM inst)) RETURNING data.id`,
      { dialect: "postgresql", positional: ["x", "y", "the x"] },
    );
    assertCompile(update(data).values({ x: "a" }).addCte(inst), `${WITH}UPDATE data SET x=$3`, { dialect: "postgresql", positional: ["x", "y", "a"] });
    assertCompile(delete_(data).addCte(inst), `${WITH}DELETE FROM data`, { dialect: "postgresql", positional: ["x", "y"] });
  });

  it("a CTE both added and referred to renders once; a non-CTE argument raises", () => {
    const c = select(extra.c.id).where(extra.c.x_value.eq("q")).cte("c");
    assertCompile(
      delete_(data).where(data.c.z.in(select(c.c.id))).addCte(c),
      "WITH c AS (SELECT extra_table.id AS id FROM extra_table WHERE extra_table.x_value = $1) DELETE FROM data WHERE data.z IN (SELECT c.id FROM c)",
      { dialect: "postgresql", positional: ["q"] },
    );
    expect(err(() => delete_(data).addCte(extra as never))).toBeInstanceOf(ArgumentError);
  });
});

describe("cache keys of the new forms", () => {
  const { mytable, myothertable } = tables();
  const key = (s: Parameters<typeof generateCacheKey>[0]) => generateCacheKey(s).key;
  it("fromDmlColumn() targets, using() froms and expression SET targets are part of the key; bound values are not", () => {
    expect(key(update(mytable).values({ description: fromDmlColumn(mytable.c.name) }))).not.toBe(key(update(mytable).values({ description: fromDmlColumn(mytable.c.myid) })));
    const other = table("third", column("x"));
    expect(key(delete_(mytable).using(myothertable))).not.toBe(key(delete_(mytable).using(other)));
    expect(key(delete_(mytable).using(myothertable))).not.toBe(key(delete_(mytable)));
    const t = table("foo", column("data1", ARRAY(Integer())), column("data2", ARRAY(Integer())));
    expect(key(update(t).values(new Map([[t.c.data1.at(1), 5]])))).not.toBe(key(update(t).values(new Map([[t.c.data2.at(1), 5]]))));
    expect(key(update(t).values(new Map([[t.c.data1.at(1), 5]])))).toBe(key(update(t).values(new Map([[t.c.data1.at(2), 6]]))));
    expect(key(insert(mytable).values([1, "a"]))).toBe(key(insert(mytable).values({ myid: 2, name: "b" })));
    const cte = select(mytable.c.myid).cte("c");
    expect(key(delete_(mytable).addCte(cte))).not.toBe(key(delete_(mytable)));
  });
});

describe("values() argument checks kept from SQLAlchemy", () => {
  const { mytable } = tables();
  it("positional rows after the fromSelect and mixed formats", () => {
    expect(err(() => insert(mytable).fromSelect(["myid"], select(literal(1))).values([1]))).toBeInstanceOf(InvalidRequestError);
    const e = err(() => insert(mytable).values([1, "a"]).values([[2, "b"], [3, "c"]]).compile());
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect(e.message).toBe("Can't mix single and multiple VALUES formats in one INSERT statement");
  });
  it("a bindparam() in a positional row binds by its own name", () => {
    assertCompile(insert(mytable).values([bindparam("a"), bindparam("b")]), "INSERT INTO mytable (myid, name) VALUES (:a, :b)");
  });
});

/**
 * INSERT … ON CONFLICT compilation, ported by behaviour from SQLAlchemy 2.0's
 * test/dialect/postgresql/test_compiler.py InsertOnConflictTest and
 * test/dialect/sqlite/test_compiler.py OnConflictCompileTest.
 */
import { describe, expect, it } from "vitest";
import {
  and, ArgumentError, Column, Index, Integer, InvalidRequestError, MetaData, String, Table, UniqueConstraint, column, generateCacheKey, null_, table, text,
} from "../../../src/index.js";
import { insert as pgInsert } from "../../../src/dialects/postgresql/index.js";
import { insert as sqliteInsert } from "../../../src/dialects/sqlite/index.js";
import { assertCompile } from "./helpers.js";

const table1 = table("mytable", column("myid", Integer()), column("name", String(128)), column("description", String(128)));
const md = new MetaData();
const tableWithMetadata = Table("mytable", md, { myid: Column(Integer, { primaryKey: true }), name: Column(String(128)), description: Column(String(128)) });
const users = Table("users", md, { id: Column(Integer, { primaryKey: true }), name: Column(String(50)) });
const usersWKey = Table("users_w_key", md, { id: Column(Integer, { primaryKey: true }), name_keyed: Column(String(50), { name: "name" }) });
const uniqueConstr = new UniqueConstraint(table1.c.name as never, { name: "uq_name" });
const goofyWhere = table1.c.name.gt("m");

describe.each([
  ["postgresql", pgInsert],
  ["sqlite", sqliteInsert],
] as const)("InsertOnConflictTest on %s", (dialect, insert) => {
  const p = (n: number) => (dialect === "postgresql" ? `$${n}` : "?");

  it("test_assorted_arg_coercion", () => {
    assertCompile(insert(users).onConflictDoNothing({ indexElements: ["id"], indexWhere: text("name = 'hi'") }), `INSERT INTO users (id, name) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (id) WHERE name = 'hi' DO NOTHING`, { dialect });
    assertCompile(insert(users).onConflictDoNothing({ indexElements: [users.c.id], indexWhere: users.c.name.eq("hi") }), `INSERT INTO users (id, name) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (id) WHERE name = ${p(3)} DO NOTHING`, { dialect });
    expect(() => insert(users).onConflictDoNothing({ indexElements: ["id"], indexWhere: "name = 'hi'" as never })).toThrow(ArgumentError);
    assertCompile(
      insert(users).onConflictDoUpdate({ indexElements: [users.c.id], set: new Map([[users.c.name, "there"]]), where: users.c.name.eq("hi") }),
      `INSERT INTO users (id, name) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (id) DO UPDATE SET name = ${p(3)} WHERE users.name = ${p(4)}`,
      { dialect },
    );
    assertCompile(
      insert(users).onConflictDoUpdate({ indexElements: [users.c.id], set: new Map([[users.c.name, "there"]]), where: text("name = 'hi'") }),
      `INSERT INTO users (id, name) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (id) DO UPDATE SET name = ${p(3)} WHERE name = 'hi'`,
      { dialect },
    );
    expect(() => insert(users).onConflictDoUpdate({ indexElements: [users.c.id], set: { name: "there" }, where: "name = 'hi'" as never })).toThrow(ArgumentError);
  });

  it("test_insert_on_conflict_cache_key", () => {
    const key = (s: { _key: unknown }) => generateCacheKey(s as never).key;
    const i = insert(table1);
    const a = key(i.onConflictDoNothing() as never);
    const b = key(i.onConflictDoNothing({ indexElements: ["myid"] }) as never);
    const c = key(i.onConflictDoUpdate({ indexElements: ["myid"], set: { name: "x" } }) as never);
    const d = key(i.onConflictDoUpdate({ indexElements: ["myid"], set: { name: i.excluded.name } }) as never);
    const e = key(i.onConflictDoUpdate({ constraint: "uq_name", set: { name: "x" } }) as never);
    expect(new Set([a, b, c, d, e]).size).toBe(5);
    expect(key(insert(table1).onConflictDoNothing({ indexElements: ["myid"] }) as never)).toBe(b);
  });

  it("test_set_excluded", () => {
    const stmt = insert(users);
    assertCompile(stmt.onConflictDoUpdate({ constraint: users.primaryKey, set: stmt.excluded as never }), `INSERT INTO users (id, name) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (id) DO UPDATE SET id = excluded.id, name = excluded.name`, { dialect });
    const s2 = insert(usersWKey);
    assertCompile(s2.onConflictDoUpdate({ constraint: usersWKey.primaryKey, set: s2.excluded as never }), `INSERT INTO users_w_key (id, name) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (id) DO UPDATE SET id = excluded.id, name = excluded.name`, { dialect });
    assertCompile(
      s2.onConflictDoUpdate({ constraint: usersWKey.primaryKey, set: { id: s2.excluded.id, name_keyed: s2.excluded.name_keyed } }),
      `INSERT INTO users_w_key (id, name) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (id) DO UPDATE SET id = excluded.id, name = excluded.name`,
      { dialect },
    );
  });

  it("test_dont_consume_set_collection", () => {
    const s0 = insert(users).values([{ name: "spongebob" }, { name: "sandy" }]);
    const stmt = s0.onConflictDoUpdate({ indexElements: [users.c.name], set: { name: s0.excluded.name } });
    assertCompile(stmt, `INSERT INTO users (name) VALUES (${p(1)}), (${p(2)}) ON CONFLICT (name) DO UPDATE SET name = excluded.name`, { dialect });
    assertCompile(stmt.returning(users), `INSERT INTO users (name) VALUES (${p(1)}), (${p(2)}) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING users.id, users.name`, { dialect });
  });

  it("test_on_conflict_do_no_call_twice", () => {
    for (const stmt of [insert(table1).onConflictDoNothing(), insert(table1).onConflictDoUpdate({ indexElements: [table1.c.myid], set: { name: "foo" } })]) {
      expect(() => stmt.onConflictDoNothing()).toThrow(InvalidRequestError);
      expect(() => stmt.onConflictDoNothing()).toThrow("This Insert construct already has an ON CONFLICT clause established");
      expect(() => stmt.onConflictDoUpdate({ indexElements: ["myid"], set: { name: "x" } })).toThrow("This Insert construct already has an ON CONFLICT clause established");
    }
  });

  it("test_do_nothing_no_target", () => {
    assertCompile(insert(table1).values({ name: "foo" }).onConflictDoNothing(), `INSERT INTO mytable (name) VALUES (${p(1)}) ON CONFLICT DO NOTHING`, { dialect });
  });

  it("test_do_nothing_index_elements_target", () => {
    assertCompile(insert(table1).values({ name: "foo" }).onConflictDoNothing({ indexElements: ["myid"] }), `INSERT INTO mytable (name) VALUES (${p(1)}) ON CONFLICT (myid) DO NOTHING`, { dialect });
  });

  it("test_do_update_set_clause_none", () => {
    const i = insert(tableWithMetadata).values({ myid: 1, name: "foo" }).onConflictDoUpdate({ indexElements: ["myid"], set: { name: "I'm a name", description: null } });
    assertCompile(i, `INSERT INTO mytable (myid, name) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (myid) DO UPDATE SET name = ${p(3)}, description = ${p(4)}`, {
      dialect,
      positional: [1, "foo", "I'm a name", null],
    });
  });

  it("test_do_update_set_clause_column_keys", () => {
    const set = new Map<unknown, unknown>([[tableWithMetadata.c.name, "I'm a name"], [tableWithMetadata.c.description, null]]);
    const i = insert(tableWithMetadata).values({ myid: 1, name: "foo" }).onConflictDoUpdate({ indexElements: ["myid"], set: set as never });
    assertCompile(i, `INSERT INTO mytable (myid, name) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (myid) DO UPDATE SET name = ${p(3)}, description = ${p(4)}`, {
      dialect,
      positional: [1, "foo", "I'm a name", null],
    });
  });

  it("test_do_update_set_clause_literal", () => {
    const i = insert(tableWithMetadata).values({ myid: 1, name: "foo" }).onConflictDoUpdate({ indexElements: ["myid"], set: { name: "I'm a name", description: null_() } });
    assertCompile(i, `INSERT INTO mytable (myid, name) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (myid) DO UPDATE SET name = ${p(3)}, description = NULL`, { dialect, positional: [1, "foo", "I'm a name"] });
  });

  it("test_do_update_str_index_elements_target_one", () => {
    const i0 = insert(tableWithMetadata).values({ myid: 1, name: "foo" });
    const i = i0.onConflictDoUpdate({ indexElements: ["myid"], set: { name: i0.excluded.name, description: i0.excluded.description } });
    assertCompile(i, `INSERT INTO mytable (myid, name) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (myid) DO UPDATE SET name = excluded.name, description = excluded.description`, { dialect });
  });

  it("test_do_update_str_index_elements_target_two", () => {
    const i0 = insert(table1).values({ name: "foo" });
    assertCompile(i0.onConflictDoUpdate({ indexElements: ["myid"], set: { name: i0.excluded.name } }), `INSERT INTO mytable (name) VALUES (${p(1)}) ON CONFLICT (myid) DO UPDATE SET name = excluded.name`, { dialect });
  });

  it("test_do_update_col_index_elements_target", () => {
    const i0 = insert(table1).values({ name: "foo" });
    assertCompile(i0.onConflictDoUpdate({ indexElements: [table1.c.myid], set: { name: i0.excluded.name } }), `INSERT INTO mytable (name) VALUES (${p(1)}) ON CONFLICT (myid) DO UPDATE SET name = excluded.name`, { dialect });
  });

  it("test_do_update_unnamed_pk_constraint_target", () => {
    const i0 = insert(tableWithMetadata).values({ myid: 1, name: "foo" });
    assertCompile(i0.onConflictDoUpdate({ constraint: tableWithMetadata.primaryKey, set: { name: i0.excluded.name } }), `INSERT INTO mytable (myid, name) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (myid) DO UPDATE SET name = excluded.name`, { dialect });
  });

  it("test_do_update_pk_constraint_index_elements_target", () => {
    const i0 = insert(tableWithMetadata).values({ myid: 1, name: "foo" });
    assertCompile(
      i0.onConflictDoUpdate({ indexElements: tableWithMetadata.primaryKey.columns, set: { name: i0.excluded.name } }),
      `INSERT INTO mytable (myid, name) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (myid) DO UPDATE SET name = excluded.name`,
      { dialect },
    );
  });

  it("test_do_update_index_elements_where_target", () => {
    const i0 = insert(table1).values({ name: "foo" });
    assertCompile(
      i0.onConflictDoUpdate({ indexElements: [table1.c.name], indexWhere: goofyWhere, set: { name: i0.excluded.name } }),
      `INSERT INTO mytable (name) VALUES (${p(1)}) ON CONFLICT (name) WHERE name > ${p(2)} DO UPDATE SET name = excluded.name`,
      { dialect },
    );
  });

  it("test_do_update_index_elements_where_target_multivalues", () => {
    const i0 = insert(table1).values([{ name: "foo" }, { name: "bar" }, { name: "bat" }]);
    assertCompile(
      i0.onConflictDoUpdate({ indexElements: [table1.c.name], indexWhere: goofyWhere, set: { name: i0.excluded.name } }),
      `INSERT INTO mytable (name) VALUES (${p(1)}), (${p(2)}), (${p(3)}) ON CONFLICT (name) WHERE name > ${p(4)} DO UPDATE SET name = excluded.name`,
      { dialect, params: { name_1: "m", name_m0: "foo", name_m1: "bar", name_m2: "bat" } },
    );
  });

  it("test_do_update_add_whereclause_references_excluded", () => {
    const i0 = insert(table1).values({ name: "foo" });
    assertCompile(
      i0.onConflictDoUpdate({ indexElements: [table1.c.name, table1.c.description], set: { name: i0.excluded.name }, where: table1.c.name.ne(i0.excluded.name) }),
      `INSERT INTO mytable (name) VALUES (${p(1)}) ON CONFLICT (name, description) DO UPDATE SET name = excluded.name WHERE mytable.name != excluded.name`,
      { dialect },
    );
  });

  it("test_do_update_add_whereclause", () => {
    const i0 = insert(table1).values({ name: "foo" });
    assertCompile(
      i0.onConflictDoUpdate({
        indexElements: [table1.c.name, table1.c.description],
        indexWhere: table1.c.description.ne("foo"),
        set: { name: i0.excluded.name },
        where: and(table1.c.name.ne("brah"), table1.c.description.ne("brah")),
      }),
      `INSERT INTO mytable (name) VALUES (${p(1)}) ON CONFLICT (name, description) WHERE description != ${p(2)} DO UPDATE SET name = excluded.name WHERE mytable.name != ${p(3)} AND mytable.description != ${p(4)}`,
      { dialect },
    );
  });

  it("a named Index also stands for its columns and WHERE (SQLAlchemy #9023)", () => {
    const i0 = insert(table1).values({ name: "foo" });
    const goofy = new Index("goofy_index", table1.c.name as never, { where: goofyWhere });
    assertCompile(i0.onConflictDoUpdate({ constraint: goofy, set: { name: i0.excluded.name } }), `INSERT INTO mytable (name) VALUES (${p(1)}) ON CONFLICT (name) WHERE name > ${p(2)} DO UPDATE SET name = excluded.name`, { dialect });
  });

  it("test_do_update_unnamed_index_target", () => {
    const i0 = insert(table1).values({ name: "foo" });
    const unnamed = new Index("", table1.c.name as never, { where: goofyWhere });
    assertCompile(i0.onConflictDoUpdate({ constraint: unnamed, set: { name: i0.excluded.name } }), `INSERT INTO mytable (name) VALUES (${p(1)}) ON CONFLICT (name) WHERE name > ${p(2)} DO UPDATE SET name = excluded.name`, { dialect });
  });
});

describe("InsertOnConflictTest: ON CONSTRAINT (PostgreSQL)", () => {
  it("test_do_update_named_unique_constraint_target", () => {
    const i0 = pgInsert(table1).values({ name: "foo" });
    assertCompile(i0.onConflictDoUpdate({ constraint: uniqueConstr, set: { myid: i0.excluded.myid } }), "INSERT INTO mytable (name) VALUES ($1) ON CONFLICT ON CONSTRAINT uq_name DO UPDATE SET myid = excluded.myid", { dialect: "postgresql" });
  });
  it("test_do_update_string_constraint_target", () => {
    const i0 = pgInsert(table1).values({ name: "foo" });
    assertCompile(i0.onConflictDoUpdate({ constraint: "uq_name", set: { myid: i0.excluded.myid } }), "INSERT INTO mytable (name) VALUES ($1) ON CONFLICT ON CONSTRAINT uq_name DO UPDATE SET myid = excluded.myid", { dialect: "postgresql" });
  });
  it("test_do_nothing_quoted_string_constraint_target", () => {
    assertCompile(pgInsert(table1).values({ name: "foo" }).onConflictDoNothing({ constraint: "Some Constraint Name" }), 'INSERT INTO mytable (name) VALUES ($1) ON CONFLICT ON CONSTRAINT "Some Constraint Name" DO NOTHING', { dialect: "postgresql" });
  });
  it("test_do_nothing_quoted_named_constraint_target", () => {
    const uc = new UniqueConstraint(table1.c.myid as never, { name: "Some Constraint Name" });
    assertCompile(pgInsert(table1).values({ name: "foo" }).onConflictDoNothing({ constraint: uc }), 'INSERT INTO mytable (name) VALUES ($1) ON CONFLICT ON CONSTRAINT "Some Constraint Name" DO NOTHING', { dialect: "postgresql" });
  });
});

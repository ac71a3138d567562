/**
 * INSERT / UPDATE / DELETE with RETURNING, UPDATE…FROM, DELETE…USING, and upserts from both
 * dialect modules — SQLAlchemy's test_insert / test_update / test_delete and the PostgreSQL and
 * SQLite ON CONFLICT compiler tests.
 */
import { describe, expect, it } from "vitest";
import { ArgumentError, CompileError, delete as delete_, func, insert, select, update } from "../../../src/index.js";
import { insert as pgInsert } from "../../../src/dialects/postgresql/index.js";
import { insert as sqliteInsert } from "../../../src/dialects/sqlite/index.js";
import { assertCompile, compile, mytable, myothertable, schema } from "./helpers.js";

const t = mytable.c;
const { users, addresses } = schema();
const u = users.c;
const a = addresses.c;

describe("INSERT", () => {
  it("one row of values", () => {
    assertCompile(insert(mytable).values({ myid: 3, name: "jack" }), "INSERT INTO mytable (myid, name) VALUES (:myid, :name)", { params: { myid: 3, name: "jack" } });
    assertCompile(insert(mytable).values({ myid: 3, name: "jack" }), "INSERT INTO mytable (myid, name) VALUES ($1, $2)", { dialect: "postgresql", positional: [3, "jack"] });
    assertCompile(insert(mytable).values({ myid: 3, name: "jack" }), "INSERT INTO mytable (myid, name) VALUES (?, ?)", { dialect: "sqlite", positional: [3, "jack"] });
  });

  it("columns follow table order, not key order; values() merges", () => {
    assertCompile(insert(mytable).values({ name: "jack", myid: 3 }), "INSERT INTO mytable (myid, name) VALUES (:myid, :name)");
    assertCompile(insert(mytable).values({ name: "jack" }).values({ description: "d" }), "INSERT INTO mytable (name, description) VALUES (:name, :description)");
  });

  it("SQL expressions as values", () => {
    assertCompile(insert(mytable).values({ myid: func.lala(), name: t.description.concat("x") }), "INSERT INTO mytable (myid, name) VALUES (lala(), (mytable.description || :description_1))");
    assertCompile(insert(mytable).values({ myid: select(func.max(t.myid)).scalarSubquery() }), "INSERT INTO mytable (myid) VALUES ((SELECT max(mytable.myid) AS max_1 FROM mytable))");
  });

  it("no values: every column as a named parameter", () => {
    assertCompile(insert(mytable), "INSERT INTO mytable (myid, name, description) VALUES (:myid, :name, :description)");
  });

  it("multi-row VALUES", () => {
    const s = insert(mytable).values([{ myid: 1, name: "a" }, { myid: 2, name: "b" }, { myid: 3, name: "c" }]);
    assertCompile(s, "INSERT INTO mytable (myid, name) VALUES (:myid_m0, :name_m0), (:myid_m1, :name_m1), (:myid_m2, :name_m2)", {
      params: { myid_m0: 1, name_m0: "a", myid_m1: 2, name_m1: "b", myid_m2: 3, name_m2: "c" },
    });
    assertCompile(s, "INSERT INTO mytable (myid, name) VALUES ($1, $2), ($3, $4), ($5, $6)", { dialect: "postgresql", positional: [1, "a", 2, "b", 3, "c"] });
  });

  it("a one-element list is a single row", () => {
    assertCompile(insert(mytable).values([{ myid: 1 }]), "INSERT INTO mytable (myid) VALUES (:myid)");
  });

  it("fromSelect", () => {
    assertCompile(
      insert(myothertable).fromSelect(["otherid", "othername"], select(t.myid, t.name).where(t.name.eq("foo"))),
      "INSERT INTO myothertable (otherid, othername) SELECT mytable.myid, mytable.name FROM mytable WHERE mytable.name = :name_1",
      { params: { name_1: "foo" } },
    );
  });

  it("RETURNING", () => {
    assertCompile(insert(users).values({ name: "x" }).returning(u.id), "INSERT INTO users (name) VALUES (:name) RETURNING users.id");
    assertCompile(insert(users).values({ name: "x" }).returning(users), "INSERT INTO users (name) VALUES ($1) RETURNING users.id, users.name", { dialect: "postgresql" });
    assertCompile(insert(users).values({ name: "x" }).returning(u.id, u.name.label("n"), func.lower(u.name)), "INSERT INTO users (name) VALUES (?) RETURNING users.id, users.name AS n, lower(users.name) AS lower_1", { dialect: "sqlite" });
  });
});

describe("UPDATE", () => {
  it("SET and WHERE", () => {
    assertCompile(update(mytable).values({ name: "fred" }).where(t.myid.eq(7)), "UPDATE mytable SET name=:name WHERE mytable.myid = :myid_1", { params: { name: "fred", myid_1: 7 } });
    assertCompile(update(mytable).values({ name: "fred" }).where(t.myid.eq(7)), "UPDATE mytable SET name=$1 WHERE mytable.myid = $2", { dialect: "postgresql", positional: ["fred", 7] });
    assertCompile(update(mytable).values({ name: "fred" }).where(t.myid.eq(7)), "UPDATE mytable SET name=? WHERE mytable.myid = ?", { dialect: "sqlite" });
  });

  it("expressions in SET; SET in table column order", () => {
    assertCompile(update(mytable).values({ name: t.name.concat("x"), myid: t.myid.add(1) }), "UPDATE mytable SET myid=(mytable.myid + :myid_1), name=(mytable.name || :name_1)");
  });

  it("orderedValues keeps the given order", () => {
    assertCompile(update(mytable).orderedValues(["name", "x"], ["myid", 1]), "UPDATE mytable SET name=:name, myid=:myid");
  });

  it("RETURNING", () => {
    assertCompile(update(users).values({ name: "n" }).where(u.id.eq(1)).returning(u.id, u.name), "UPDATE users SET name=$1 WHERE users.id = $2 RETURNING users.id, users.name", { dialect: "postgresql" });
  });

  it("UPDATE…FROM on PostgreSQL and SQLite", () => {
    const s = update(users).values({ name: a.email }).where(u.id.eq(a.user_id)).where(a.email.eq("e"));
    assertCompile(s, "UPDATE users SET name=addresses.email FROM addresses WHERE users.id = addresses.user_id AND addresses.email = $1", { dialect: "postgresql", positional: ["e"] });
    assertCompile(s, "UPDATE users SET name=addresses.email FROM addresses WHERE users.id = addresses.user_id AND addresses.email = ?", { dialect: "sqlite" });
  });

  it("a correlated subquery in WHERE does not make UPDATE…FROM", () => {
    assertCompile(
      update(users).values({ name: "x" }).where(u.id.in(select(a.user_id).where(a.email.eq("e")))),
      "UPDATE users SET name=:name WHERE users.id IN (SELECT addresses.user_id FROM addresses WHERE addresses.email = :email_1)",
    );
  });
});

describe("DELETE", () => {
  it("WHERE and RETURNING", () => {
    assertCompile(delete_(mytable).where(t.myid.eq(7)), "DELETE FROM mytable WHERE mytable.myid = :myid_1", { params: { myid_1: 7 } });
    assertCompile(delete_(mytable), "DELETE FROM mytable");
    assertCompile(delete_(users).where(u.id.eq(5)).returning(u.id), "DELETE FROM users WHERE users.id = ? RETURNING users.id", { dialect: "sqlite" });
  });

  it("DELETE…USING on PostgreSQL; CompileError on SQLite", () => {
    const s = delete_(users).where(u.id.eq(a.user_id)).where(a.email.eq("x"));
    assertCompile(s, "DELETE FROM users USING addresses WHERE users.id = addresses.user_id AND addresses.email = $1", { dialect: "postgresql" });
    expect(() => compile(s, "sqlite")).toThrow(CompileError);
    expect(() => compile(s, "sqlite")).toThrow(/USING/);
  });
});

describe("upsert (ON CONFLICT)", () => {
  const pi = pgInsert(users).values({ id: 1, name: "x" });
  const si = sqliteInsert(users).values({ id: 1, name: "x" });

  it("DO NOTHING with and without a target", () => {
    assertCompile(pi.onConflictDoNothing(), "INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING", { dialect: "postgresql", positional: [1, "x"] });
    assertCompile(pi.onConflictDoNothing({ indexElements: ["id"] }), "INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", { dialect: "postgresql" });
    assertCompile(si.onConflictDoNothing(), "INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT DO NOTHING", { dialect: "sqlite" });
    assertCompile(si.onConflictDoNothing({ indexElements: [u.id] }), "INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", { dialect: "sqlite" });
  });

  it("DO NOTHING ON CONSTRAINT (PostgreSQL only)", () => {
    assertCompile(pi.onConflictDoNothing({ constraint: "users_pkey" }), "INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT ON CONSTRAINT users_pkey DO NOTHING", { dialect: "postgresql" });
    expect(() => compile(si.onConflictDoNothing({ constraint: "users_pkey" }), "sqlite")).toThrow(CompileError);
  });

  it("DO UPDATE with excluded", () => {
    assertCompile(pi.onConflictDoUpdate({ indexElements: [u.id], set: { name: pi.excluded.name } }), "INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = excluded.name", { dialect: "postgresql" });
    assertCompile(si.onConflictDoUpdate({ indexElements: ["id"], set: { name: si.excluded.name.concat("!") } }), "INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = (excluded.name || ?)", { dialect: "sqlite", positional: [1, "x", "!"] });
    assertCompile(pi.onConflictDoUpdate({ indexElements: [u.id], set: { name: pi.excluded.name } }), "INSERT INTO users (id, name) VALUES (:id, :name) ON CONFLICT (id) DO UPDATE SET name = excluded.name");
  });

  it("DO UPDATE ON CONSTRAINT with values and WHERE", () => {
    assertCompile(pi.onConflictDoUpdate({ constraint: "users_pkey", set: { name: "z" }, where: u.name.ne("q") }), "INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT ON CONSTRAINT users_pkey DO UPDATE SET name = $3 WHERE users.name != $4", {
      dialect: "postgresql",
      positional: [1, "x", "z", "q"],
    });
    expect(() => compile(si.onConflictDoUpdate({ constraint: "users_pkey", set: { name: "z" } }), "sqlite")).toThrow(/PostgreSQL only/);
  });

  it("index_where for a partial index target renders its columns unqualified, as SQLAlchemy", () => {
    assertCompile(pi.onConflictDoNothing({ indexElements: ["name"], indexWhere: u.id.gt(0) }), "INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT (name) WHERE id > $3 DO NOTHING", { dialect: "postgresql" });
  });

  it("with RETURNING after ON CONFLICT", () => {
    assertCompile(si.onConflictDoUpdate({ indexElements: ["id"], set: { name: si.excluded.name } }).returning(u.id), "INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name RETURNING users.id", { dialect: "sqlite" });
  });

  it("bad upsert arguments name the problem", () => {
    expect(() => pi.onConflictDoUpdate({ set: { name: "x" } })).toThrow(ArgumentError);
    expect(() => pi.onConflictDoUpdate({ set: { name: "x" } })).toThrow("Either constraint or index_elements, but not both, must be specified unless DO NOTHING");
    expect(() => pi.onConflictDoUpdate({ indexElements: ["id"], set: {} })).toThrow("set parameter dictionary must not be empty");
    expect(() => pi.onConflictDoUpdate({ indexElements: ["id"], set: { nope: 1 } as never })).toThrow(/nope/);
    expect(() => pi.onConflictDoNothing({ indexElements: ["nope"] })).toThrow(/nope/);
  });
});

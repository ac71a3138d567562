/**
 * Compilation: expanding IN (post-compile markers, renderPostcompile, literalBinds, empty lists,
 * wire SQL from `construct()`), identifier quoting, FROM linting, and structural cache keys.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  CartesianProductWarning, Column, Integer, MetaData, String, Table, bindparam, column, func, generateCacheKey, insert, literalColumn, not, select, table, text, tuple, warnings,
} from "../../../src/index.js";
import { assertCompile, compile, mytable, myothertable, schema } from "./helpers.js";

const t = mytable.c;
const o = myothertable.c;

describe("expanding IN", () => {
  const s = select(t.myid).where(t.myid.in([1, 2, 3])).where(t.name.eq("x"));

  it("renders a post-compile marker until execution", () => {
    assertCompile(s, "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (__[POSTCOMPILE_myid_1]) AND mytable.name = :name_1", { params: { myid_1: [1, 2, 3], name_1: "x" } });
    assertCompile(s, "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (__[POSTCOMPILE_myid_1]) AND mytable.name = $1", { dialect: "postgresql" });
    assertCompile(s, "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (__[POSTCOMPILE_myid_1]) AND mytable.name = ?", { dialect: "sqlite" });
  });

  it("renderPostcompile expands into one parameter per element", () => {
    assertCompile(s, "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (:myid_1_1, :myid_1_2, :myid_1_3) AND mytable.name = :name_1", {
      renderPostcompile: true,
      params: { myid_1_1: 1, myid_1_2: 2, myid_1_3: 3, name_1: "x" },
    });
    assertCompile(s, "SELECT mytable.myid FROM mytable WHERE mytable.myid IN ($1, $2, $3) AND mytable.name = $4", { dialect: "postgresql", renderPostcompile: true, positional: [1, 2, 3, "x"] });
  });

  it("literalBinds inlines the values", () => {
    assertCompile(s, "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (1, 2, 3) AND mytable.name = 'x'", { literalBinds: true });
    assertCompile(t.name.in(["a", "it's"]), "mytable.name IN ('a', 'it''s')", { literalBinds: true });
  });

  it("construct() gives wire SQL with renumbered $n on PostgreSQL", () => {
    const stmt = select(t.myid).where(t.name.eq("a")).where(t.myid.in([5, 6, 7])).where(t.description.ne("d"));
    const c = compile(stmt, "postgresql");
    expect(c.sql.replace(/\n/g, "")).toBe("SELECT mytable.myid FROM mytable WHERE mytable.name = $1 AND mytable.myid IN (__[POSTCOMPILE_myid_1]) AND mytable.description != $2");
    const w = c.construct(undefined, undefined);
    expect(w.sql.replace(/\n/g, "")).toBe("SELECT mytable.myid FROM mytable WHERE mytable.name = $1 AND mytable.myid IN ($2, $3, $4) AND mytable.description != $5");
    expect(w.params).toEqual(["a", 5, 6, 7, "d"]);
  });

  it("construct() with qmark on SQLite", () => {
    const w = compile(s, "sqlite").construct(undefined, undefined);
    expect(w.sql.replace(/\n/g, "")).toBe("SELECT mytable.myid FROM mytable WHERE mytable.myid IN (?, ?, ?) AND mytable.name = ?");
    expect(w.params).toEqual([1, 2, 3, "x"]);
  });

  it("one compiled form serves any list length (values taken from an equal-shaped statement)", () => {
    const first = select(t.myid).where(t.myid.in([1]));
    const c = compile(first, "postgresql", { bindIndex: new Map(generateCacheKey(first).binds.map((b, i) => [b, i])) });
    const other = select(t.myid).where(t.myid.in([4, 5, 6, 7]));
    const w = c.construct(generateCacheKey(other).binds, undefined);
    expect(w.sql.replace(/\n/g, "")).toBe("SELECT mytable.myid FROM mytable WHERE mytable.myid IN ($1, $2, $3, $4)");
    expect(w.params).toEqual([4, 5, 6, 7]);
  });

  it("empty IN renders the always-false form", () => {
    const e = select(t.myid).where(t.myid.in([]));
    assertCompile(e, "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (__[POSTCOMPILE_myid_1])", { params: { myid_1: [] } });
    assertCompile(e, "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (NULL) AND (1 != 1)", { renderPostcompile: true });
    assertCompile(e, "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (NULL) AND (1 != 1)", { literalBinds: true });
    const w = compile(e, "postgresql").construct(undefined, undefined);
    expect(w.sql.replace(/\n/g, "")).toBe("SELECT mytable.myid FROM mytable WHERE mytable.myid IN (NULL) AND (1 != 1)");
    expect(w.params).toEqual([]);
  });

  it("empty NOT IN renders the always-true form, parenthesised", () => {
    const e = select(t.myid).where(t.myid.notIn([])).where(t.name.eq("x"));
    assertCompile(e, "SELECT mytable.myid FROM mytable WHERE (mytable.myid NOT IN (NULL) OR (1 = 1)) AND mytable.name = :name_1", { renderPostcompile: true });
    assertCompile(e, "SELECT mytable.myid FROM mytable WHERE (mytable.myid NOT IN (NULL) OR (1 = 1)) AND mytable.name = 'x'", { literalBinds: true });
    const w = compile(e, "sqlite").construct(undefined, undefined);
    expect(w.sql.replace(/\n/g, "")).toBe("SELECT mytable.myid FROM mytable WHERE (mytable.myid NOT IN (NULL) OR (1 = 1)) AND mytable.name = ?");
    expect(w.params).toEqual(["x"]);
  });

  // SQLAlchemy test_in_empty_tuple
  it("empty tuple IN uses one NULL per member", () => {
    const a = column("a", Integer());
    const b = column("b", String());
    assertCompile(tuple(a, b).in([]), "(a, b) IN ((NULL, NULL)) AND (1 != 1)", { literalBinds: true });
    assertCompile(tuple(a, b).notIn([]), "((a, b) NOT IN ((NULL, NULL)) OR (1 = 1))", { literalBinds: true });
    expect(compile(tuple(a, b).notIn([]), "postgresql").construct(undefined, undefined).sql).toBe("((a, b) NOT IN ((NULL, NULL)) OR (1 = 1))");
  });

  it("tuple IN / NOT IN expand to one parameter per member", () => {
    const w = compile(tuple(t.myid, t.name).in([[1, "a"], [2, "b"]]), "postgresql").construct(undefined, undefined);
    expect(w.sql).toBe("(mytable.myid, mytable.name) IN (($1, $2), ($3, $4))");
    expect(w.params).toEqual([1, "a", 2, "b"]);
    const n = compile(tuple(t.myid, t.name).notIn([[1, "a"]]), "sqlite").construct(undefined, undefined);
    expect(n).toEqual({ sql: "((mytable.myid, mytable.name) NOT IN ((?, ?)))", params: [1, "a"] });
  });

  it("IN with an expanding bindparam", () => {
    const c = compile(select(t.myid).where(t.myid.in(bindparam("ids"))), "sqlite");
    expect(c.sql.replace(/\n/g, "")).toBe("SELECT mytable.myid FROM mytable WHERE mytable.myid IN (__[POSTCOMPILE_ids])");
    expect(c.construct(undefined, { ids: [3, 4] })).toEqual({ sql: "SELECT mytable.myid \nFROM mytable \nWHERE mytable.myid IN (?, ?)", params: [3, 4] });
    expect(() => c.construct(undefined, { ids: 3 })).toThrow(/needs a list/);
  });
});

describe("identifier quoting", () => {
  const md = new MetaData();
  const user = Table("user", md, {
    id: Column(Integer, { primaryKey: true }),
    order: Column(Integer),
    MixedCase: Column(String),
    'we"ird': Column(String),
    "with space": Column(String),
  });

  it("quotes reserved words, mixed case and odd characters; doubles embedded quotes", () => {
    assertCompile(select(user).where(user.c.order.eq(1)), 'SELECT "user".id, "user"."order", "user"."MixedCase", "user"."we""ird", "user"."with space" FROM "user" WHERE "user"."order" = :order_1', { params: { order_1: 1 } });
  });

  it("in labels, aliases and subqueries", () => {
    assertCompile(select(user.c.id.label("select"), user.c.MixedCase.label("Foo")), 'SELECT "user".id AS "select", "user"."MixedCase" AS "Foo" FROM "user"');
    assertCompile(select(user.alias("Order").c.id), 'SELECT "Order".id FROM "user" AS "Order"');
    assertCompile(select(user.alias().c.id), 'SELECT user_1.id FROM "user" AS user_1');
    const sq = select(user.c.order).subquery("group");
    assertCompile(select(sq.c.order), 'SELECT "group"."order" FROM (SELECT "user"."order" AS "order" FROM "user") AS "group"');
  });

  it("in DML on each dialect", () => {
    assertCompile(insert(user).values({ order: 1, MixedCase: "m" }), 'INSERT INTO "user" ("order", "MixedCase") VALUES ($1, $2)', { dialect: "postgresql" });
    assertCompile(insert(user).values({ order: 1 }), 'INSERT INTO "user" ("order") VALUES (?)', { dialect: "sqlite" });
  });

  it("lowercase legal names are not quoted; table() names too", () => {
    assertCompile(select(table("Sales", column("Amount")).c.Amount), 'SELECT "Sales"."Amount" FROM "Sales"');
    assertCompile(select(table("sales", column("amount_1")).c.amount_1), "SELECT sales.amount_1 FROM sales");
  });

  it("schema-qualified tables", () => {
    const md2 = new MetaData();
    const s = Table("t", md2, { id: Column(Integer, { primaryKey: true }) }, { schema: "Other" });
    assertCompile(select(s), 'SELECT "Other".t.id FROM "Other".t');
  });
});

describe("FROM linting", () => {
  afterEach(() => warnings.reset());
  const { users, addresses } = schema();
  const u = users.c;
  const a = addresses.c;
  const lint = (s: Parameters<typeof compile>[0]) => warnings.catch(() => s.compile({ lintFroms: true }));

  it("warns about a cartesian product", () => {
    const w = lint(select(u.id, a.id));
    expect(w.length).toBe(1);
    expect(w[0]).toBeInstanceOf(CartesianProductWarning);
    expect(w[0].message).toBe('SELECT statement has a cartesian product between FROM element(s) "addresses" and FROM element "users".  Apply join condition(s) between each element to resolve.');
  });

  it("does not warn when joined by JOIN or by a WHERE comparison", () => {
    expect(lint(select(u.id, a.id).join(addresses))).toEqual([]);
    expect(lint(select(u.id, a.id).where(u.id.eq(a.user_id)))).toEqual([]);
    expect(lint(select(u.id, a.id).selectFrom(users.join(addresses)))).toEqual([]);
    expect(lint(select(t.myid, o.otherid).where(func.lower(t.name).eq(o.othername)))).toEqual([]);
  });

  it("does not warn through a correlated subquery", () => {
    expect(lint(select(u.id).where(u.id.eq(select(a.user_id).where(a.user_id.eq(u.id)).scalarSubquery())))).toEqual([]);
    expect(lint(select(u.id).where(select(a.id).where(a.user_id.eq(u.id)).exists()))).toEqual([]);
  });

  it("warns for three FROMs of which one is loose", () => {
    const w = lint(select(u.id, a.id, t.myid).where(u.id.eq(a.user_id)));
    expect(w.map((x) => x.message)).toEqual(['SELECT statement has a cartesian product between FROM element(s) "mytable" and FROM element "users".  Apply join condition(s) between each element to resolve.']);
  });

  it("is off unless asked", () => {
    expect(warnings.catch(() => select(u.id, a.id).compile())).toEqual([]);
  });

  it("a filter turns it into an exception", () => {
    expect(() =>
      warnings.catch(() => {
        warnings.filter("error", CartesianProductWarning);
        select(u.id, a.id).compile({ lintFroms: true });
      }),
    ).toThrow(CartesianProductWarning);
  });
});

describe("cache keys", () => {
  const { users } = schema();
  const u = users.c;

  it("same shape with different values: same key, binds in order", () => {
    const k1 = generateCacheKey(select(u.id).where(u.id.eq(5)).where(u.name.eq("a")).limit(3));
    const k2 = generateCacheKey(select(u.id).where(u.id.eq(6)).where(u.name.eq("b")).limit(9));
    expect(k1.key).toBe(k2.key);
    expect(k1.binds.map((b) => b.value)).toEqual([5, "a", 3]);
    expect(k2.binds.map((b) => b.value)).toEqual([6, "b", 9]);
  });

  it("IN lists of any length share a key", () => {
    expect(generateCacheKey(select(u.id).where(u.id.in([1]))).key).toBe(generateCacheKey(select(u.id).where(u.id.in([1, 2, 3]))).key);
  });

  it("different shape: different key", () => {
    const base = generateCacheKey(select(u.id).where(u.id.eq(5))).key;
    expect(generateCacheKey(select(u.id).where(u.id.ne(5))).key).not.toBe(base);
    expect(generateCacheKey(select(u.name).where(u.id.eq(5))).key).not.toBe(base);
    expect(generateCacheKey(select(u.id).where(u.id.eq(5)).orderBy(u.id)).key).not.toBe(base);
    expect(generateCacheKey(select(u.id).where(u.id.eq(u.id))).key).not.toBe(base);
    expect(generateCacheKey(select(u.id).where(u.id.eq(bindparam("x")))).key).not.toBe(base);
    expect(generateCacheKey(select(u.id).where(not(u.id.eq(5)))).key).not.toBe(base);
    expect(generateCacheKey(select(u.id).where(u.id.eq(5)).limit(1)).key).not.toBe(base);
  });

  it("anonymous aliases are stable across rebuilds, distinct within a statement", () => {
    const a1 = users.alias();
    const a2 = users.alias();
    expect(generateCacheKey(select(a1.c.id)).key).toBe(generateCacheKey(select(a2.c.id)).key);
    expect(generateCacheKey(select(a1.c.id, a2.c.id)).key).not.toBe(generateCacheKey(select(a1.c.id, a1.c.id)).key);
    const mk = () => select(u.id).where(u.id.eq(1)).subquery();
    const s1 = mk();
    const s2 = mk();
    expect(generateCacheKey(select(s1.c.id)).key).toBe(generateCacheKey(select(s2.c.id)).key);
    expect(generateCacheKey(users.alias("x")).key).not.toBe(generateCacheKey(users.alias("y")).key);
  });

  it("DML and text keys", () => {
    expect(generateCacheKey(insert(users).values({ name: "a" })).key).toBe(generateCacheKey(insert(users).values({ name: "b" })).key);
    expect(generateCacheKey(insert(users).values({ name: "a" })).key).not.toBe(generateCacheKey(insert(users).values({ id: 1 })).key);
    expect(generateCacheKey(text("select 1")).key).not.toBe(generateCacheKey(text("select 2")).key);
    expect(generateCacheKey(select(literalColumn("a"))).key).not.toBe(generateCacheKey(select(literalColumn("b"))).key);
  });

  it("a compiled form built from one statement renders another of the same key", () => {
    const s1 = select(u.id).where(u.id.eq(5)).where(u.name.eq("a"));
    const s2 = select(u.id).where(u.id.eq(6)).where(u.name.eq("b"));
    const c = compile(s1, "postgresql", { bindIndex: new Map(generateCacheKey(s1).binds.map((b, i) => [b, i])) });
    expect(c.construct(generateCacheKey(s2).binds, undefined).params).toEqual([6, "b"]);
  });
});

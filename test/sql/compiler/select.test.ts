/**
 * SELECT: columns and FROMs, joins with inferred ON, grouping and ordering, LIMIT/OFFSET,
 * DISTINCT (ON), FOR UPDATE, subqueries and aliases, CTEs, compound selects, LATERAL, VALUES,
 * correlation and duplicate columns — SQLAlchemy's test_compiler / test_cte / test_selectable.
 */
import { describe, expect, it } from "vitest";
import {
  AmbiguousForeignKeysError, Column, CompileError, InvalidRequestError, ForeignKeyConstraint, Integer, MetaData, NoForeignKeysError, String, Table,
  and, column, exists, func, literal, select, table, true_, union, unionAll, values,
} from "../../../src/index.js";
import { assertCompile, compile, mytable, myothertable, schema } from "./helpers.js";

const t = mytable.c;
const o = myothertable.c;
const { users, addresses } = schema();
const u = users.c;
const a = addresses.c;

describe("columns and FROM", () => {
  it("keeps the exact multi-line format of str(stmt)", () => {
    expect(globalThis.String(select(u.id, u.name).where(u.id.eq(5)))).toBe("SELECT users.id, users.name \nFROM users \nWHERE users.id = :id_1");
    expect(globalThis.String(select(t.myid).where(t.myid.eq(1)).groupBy(t.myid).having(func.count(t.myid).gt(1)).orderBy(t.myid).limit(3).offset(2))).toBe(
      "SELECT mytable.myid \nFROM mytable \nWHERE mytable.myid = :myid_1 GROUP BY mytable.myid \nHAVING count(mytable.myid) > :count_1 ORDER BY mytable.myid\n LIMIT :param_1 OFFSET :param_2",
    );
  });

  it("positional columns and tables", () => {
    assertCompile(select(mytable), "SELECT mytable.myid, mytable.name, mytable.description FROM mytable");
    assertCompile(select(t.myid, myothertable), "SELECT mytable.myid, myothertable.otherid, myothertable.othername FROM mytable, myothertable");
  });

  it("FROM order follows first appearance; where() adds its tables", () => {
    assertCompile(select(t.myid).where(o.otherid.eq(t.myid)), "SELECT mytable.myid FROM mytable, myothertable WHERE myothertable.otherid = mytable.myid");
  });

  it("selectFrom adds explicit FROMs", () => {
    assertCompile(select(func.count()).selectFrom(mytable), "SELECT count(*) AS count_1 FROM mytable");
    assertCompile(select(literal(1)).selectFrom(mytable, myothertable), "SELECT :param_1 AS anon_1 FROM mytable, myothertable");
  });

  it("multiple where() calls are ANDed", () => {
    assertCompile(select(t.myid).where(t.myid.eq(1)).where(t.name.eq("x")), "SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1 AND mytable.name = :name_1", {
      params: { myid_1: 1, name_1: "x" },
    });
  });

  it("selectedColumns and withOnlyColumns", () => {
    const s = select(users);
    expect(s.selectedColumns.map((c) => c.key)).toEqual(["id", "name"]);
    assertCompile(s.withOnlyColumns(u.name).where(u.id.eq(1)), "SELECT users.name FROM users WHERE users.id = :id_1");
    assertCompile(select(u.id).addColumns(u.name), "SELECT users.id, users.name FROM users");
  });
});

describe("duplicate columns and labels (SQLAlchemy 1.4)", () => {
  it("renders each selected column", () => {
    const [c1, c2, c3, c4] = [column("c1"), column("c2"), column("c3"), column("c4")];
    assertCompile(select(c1, c2, c3.label("c2"), c2, c4), "SELECT c1, c2, c3 AS c2, c2, c4");
    assertCompile(select(t.myid, t.myid), "SELECT mytable.myid, mytable.myid AS myid__1 FROM mytable");
    expect(select(t.myid, t.myid).selectedColumns.length).toBe(2);
  });

  it("a repeated column in a subquery renders AS myid__1; the outer SELECT names it myid_1 (SQLAlchemy #7153)", () => {
    const sq = select(t.myid, t.myid, t.name).subquery();
    assertCompile(select(sq), "SELECT anon_1.myid, anon_1.myid AS myid_1, anon_1.name FROM (SELECT mytable.myid AS myid, mytable.myid AS myid__1, mytable.name AS name FROM mytable) AS anon_1");
    expect(Object.keys(sq.c)).toEqual(["myid", "myid_1", "name"]);
  });
});

describe("joins", () => {
  it("infers ON from the foreign key", () => {
    assertCompile(select(u.id, a.email).join(addresses), "SELECT users.id, addresses.email FROM users JOIN addresses ON users.id = addresses.user_id");
    assertCompile(select(users).outerjoin(addresses), "SELECT users.id, users.name FROM users LEFT OUTER JOIN addresses ON users.id = addresses.user_id");
    assertCompile(select(users).join(addresses, undefined, { full: true }), "SELECT users.id, users.name FROM users FULL OUTER JOIN addresses ON users.id = addresses.user_id");
    assertCompile(select(users).outerjoin(addresses, undefined, { full: true }), "SELECT users.id, users.name FROM users FULL OUTER JOIN addresses ON users.id = addresses.user_id");
  });

  it("explicit ON", () => {
    assertCompile(select(t.myid).join(myothertable, t.myid.eq(o.otherid)), "SELECT mytable.myid FROM mytable JOIN myothertable ON mytable.myid = myothertable.otherid");
  });

  it("joinFrom and selectFrom(join)", () => {
    assertCompile(select(a.email).joinFrom(users, addresses), "SELECT addresses.email FROM users JOIN addresses ON users.id = addresses.user_id");
    assertCompile(select(a.email).selectFrom(users.join(addresses)), "SELECT addresses.email FROM users JOIN addresses ON users.id = addresses.user_id");
    assertCompile(select(u.name).selectFrom(users.outerjoin(addresses, a.user_id.eq(u.id))), "SELECT users.name FROM users LEFT OUTER JOIN addresses ON addresses.user_id = users.id");
  });

  it("join from an alias uses the alias' columns", () => {
    const ua = users.alias("u");
    assertCompile(select(ua.c.name).join(addresses), "SELECT u.name FROM users AS u JOIN addresses ON u.id = addresses.user_id");
  });

  it("chained joins", () => {
    const md = new MetaData();
    const p = Table("p", md, { id: Column(Integer, { primaryKey: true }) });
    const c = Table("c", md, { id: Column(Integer, { primaryKey: true }), p_id: Column(Integer, { foreignKey: "p.id" }) });
    const g = Table("g", md, { id: Column(Integer, { primaryKey: true }), c_id: Column(Integer, { foreignKey: "c.id" }) });
    assertCompile(select(g.c.id).selectFrom(p).join(c).join(g), "SELECT g.id FROM p JOIN c ON p.id = c.p_id JOIN g ON c.id = g.c_id");
  });

  it("composite foreign keys give an AND-ed ON", () => {
    const md = new MetaData();
    const parent = Table("parent", md, { a: Column(Integer, { primaryKey: true }), b: Column(Integer, { primaryKey: true }) });
    const child = Table("child", md, { id: Column(Integer, { primaryKey: true }), pa: Column(Integer), pb: Column(Integer) }, new ForeignKeyConstraint(["pa", "pb"], ["parent.a", "parent.b"]));
    assertCompile(select(child.c.id).join(parent), "SELECT child.id FROM child JOIN parent ON parent.a = child.pa AND parent.b = child.pb");
    assertCompile(parent.join(child), "parent JOIN child ON parent.a = child.pa AND parent.b = child.pb");
  });

  it("NoForeignKeysError and AmbiguousForeignKeysError", () => {
    expect(() => mytable.join(myothertable)).toThrow(NoForeignKeysError);
    expect(() => mytable.join(myothertable)).toThrow(/mytable.*myothertable/);
    // select().join() with no FROM that foreign keys relate to the target: SQLAlchemy 2.0's SelectState error.
    expect(() => compile(select(t.myid).join(myothertable))).toThrow(InvalidRequestError);
    expect(() => compile(select(t.myid).join(myothertable))).toThrow(/^Don't know how to join to .*myothertable/);
    const md = new MetaData();
    const p = Table("p", md, { id: Column(Integer, { primaryKey: true }) });
    const c = Table("c", md, { id: Column(Integer, { primaryKey: true }), a_id: Column(Integer, { foreignKey: "p.id" }), b_id: Column(Integer, { foreignKey: "p.id" }) });
    expect(() => p.join(c)).toThrow(AmbiguousForeignKeysError);
    expect(() => p.join(c)).toThrow(/'p' and 'c'.*more than one foreign key/);
    assertCompile(p.join(c, p.c.id.eq(c.c.b_id)), "p JOIN c ON p.id = c.b_id");
  });
});

describe("GROUP BY, HAVING, ORDER BY", () => {
  it("asc / desc / nullsFirst / nullsLast", () => {
    assertCompile(select(t.myid).orderBy(t.myid.desc(), t.name.asc()), "SELECT mytable.myid FROM mytable ORDER BY mytable.myid DESC, mytable.name ASC");
    assertCompile(select(o.othername).orderBy(o.othername.desc().nullsFirst()), "SELECT myothertable.othername FROM myothertable ORDER BY myothertable.othername DESC NULLS FIRST");
    assertCompile(select(o.othername).orderBy(o.othername.desc().nullsLast()), "SELECT myothertable.othername FROM myothertable ORDER BY myothertable.othername DESC NULLS LAST");
    assertCompile(select(o.othername).orderBy(o.otherid.nullsLast(), o.othername.asc().nullsFirst()), "SELECT myothertable.othername FROM myothertable ORDER BY myothertable.otherid NULLS LAST, myothertable.othername ASC NULLS FIRST");
  });

  it("orderBy(null) resets", () => {
    assertCompile(select(t.myid).orderBy(t.myid).orderBy(null), "SELECT mytable.myid FROM mytable");
  });

  it("group by with having", () => {
    assertCompile(
      select(u.name, func.count(a.id)).join(addresses).groupBy(u.name).having(func.count(a.id).gt(1)),
      "SELECT users.name, count(addresses.id) AS count_1 FROM users JOIN addresses ON users.id = addresses.user_id GROUP BY users.name HAVING count(addresses.id) > :count_2",
      { params: { count_2: 1 } },
    );
  });
});

describe("LIMIT / OFFSET", () => {
  it("binds limit and offset", () => {
    assertCompile(select(t.myid).limit(10).offset(20), "SELECT mytable.myid FROM mytable LIMIT :param_1 OFFSET :param_2", { params: { param_1: 10, param_2: 20 } });
    assertCompile(select(t.myid).limit(10).offset(20), "SELECT mytable.myid FROM mytable LIMIT $1 OFFSET $2", { dialect: "postgresql", positional: [10, 20] });
    assertCompile(select(t.myid).offset(20), "SELECT mytable.myid FROM mytable LIMIT ALL OFFSET $1", { dialect: "postgresql" });
  });

  it("SQLite needs LIMIT -1 before a lone OFFSET", () => {
    assertCompile(select(t.myid).offset(20), "SELECT mytable.myid FROM mytable LIMIT -1 OFFSET ?", { dialect: "sqlite", positional: [20] });
    assertCompile(select(t.myid).limit(5), "SELECT mytable.myid FROM mytable LIMIT ?", { dialect: "sqlite" });
  });

  it("literalBinds inlines them", () => {
    assertCompile(select(t.myid).limit(10).offset(20), "SELECT mytable.myid FROM mytable LIMIT 10 OFFSET 20", { literalBinds: true });
  });
});

describe("DISTINCT and FOR UPDATE", () => {
  it("DISTINCT", () => {
    assertCompile(select(t.myid).distinct(), "SELECT DISTINCT mytable.myid FROM mytable");
    assertCompile(select(t.myid).distinct(), "SELECT DISTINCT mytable.myid FROM mytable", { dialect: "sqlite" });
  });

  it("DISTINCT ON is PostgreSQL only", () => {
    assertCompile(select(t.myid, t.name).distinct(t.name), "SELECT DISTINCT ON (mytable.name) mytable.myid, mytable.name FROM mytable", { dialect: "postgresql" });
    assertCompile(select(t.myid).distinct(t.name, t.description), "SELECT DISTINCT ON (mytable.name, mytable.description) mytable.myid FROM mytable", { dialect: "postgresql" });
    expect(() => compile(select(t.myid).distinct(t.name), "sqlite")).toThrow(CompileError);
    expect(() => compile(select(t.myid).distinct(t.name), "sqlite")).toThrow(/DISTINCT ON/);
  });

  it("FOR UPDATE variants on PostgreSQL", () => {
    const s = select(t.myid).where(t.myid.eq(7));
    const base = "SELECT mytable.myid FROM mytable WHERE mytable.myid = $1";
    assertCompile(s.forUpdate(), `${base} FOR UPDATE`, { dialect: "postgresql" });
    assertCompile(s.withForUpdate({ nowait: true }), `${base} FOR UPDATE NOWAIT`, { dialect: "postgresql" });
    assertCompile(s.forUpdate({ read: true }), `${base} FOR SHARE`, { dialect: "postgresql" });
    assertCompile(s.forUpdate({ read: true, nowait: true }), `${base} FOR SHARE NOWAIT`, { dialect: "postgresql" });
    assertCompile(s.forUpdate({ skipLocked: true }), `${base} FOR UPDATE SKIP LOCKED`, { dialect: "postgresql" });
    assertCompile(s.forUpdate({ keyShare: true }), `${base} FOR NO KEY UPDATE`, { dialect: "postgresql" });
    assertCompile(s.forUpdate({ read: true, keyShare: true }), `${base} FOR KEY SHARE`, { dialect: "postgresql" });
    assertCompile(s.forUpdate({ of: [mytable] }), `${base} FOR UPDATE OF mytable`, { dialect: "postgresql" });
    assertCompile(s.forUpdate().limit(1), "SELECT mytable.myid FROM mytable WHERE mytable.myid = $1 LIMIT $2 FOR UPDATE", { dialect: "postgresql" });
  });

  it("FOR UPDATE is omitted on SQLite", () => {
    assertCompile(select(t.myid).forUpdate({ nowait: true }), "SELECT mytable.myid FROM mytable", { dialect: "sqlite" });
  });
});

describe("subqueries and aliases", () => {
  it("anonymous subquery is anon_1", () => {
    const sq = select(t.myid, t.name).where(t.myid.gt(5)).subquery();
    assertCompile(select(sq.c.myid), "SELECT anon_1.myid FROM (SELECT mytable.myid AS myid, mytable.name AS name FROM mytable WHERE mytable.myid > :myid_1) AS anon_1");
    assertCompile(select(sq.c.name).where(sq.c.myid.eq(3)), "SELECT anon_1.name FROM (SELECT mytable.myid AS myid, mytable.name AS name FROM mytable WHERE mytable.myid > :myid_1) AS anon_1 WHERE anon_1.myid = :myid_2", {
      params: { myid_1: 5, myid_2: 3 },
    });
  });

  it("named subquery and alias()", () => {
    assertCompile(select(select(t.myid).subquery("s").c.myid), "SELECT s.myid FROM (SELECT mytable.myid AS myid FROM mytable) AS s");
    assertCompile(select(select(t.myid).alias("s2")), "SELECT s2.myid FROM (SELECT mytable.myid AS myid FROM mytable) AS s2");
  });

  it("anonymous table aliases are <table>_N", () => {
    const u1 = users.alias();
    const u2 = users.alias();
    assertCompile(select(u1.c.id, u2.c.id).where(u1.c.id.eq(u2.c.id)), "SELECT users_1.id, users_2.id AS id_1 FROM users AS users_1, users AS users_2 WHERE users_1.id = users_2.id");
    assertCompile(select(users.alias("x").c.name), "SELECT x.name FROM users AS x");
  });

  it("two anonymous subqueries are anon_1, anon_2", () => {
    const s1 = select(t.myid).subquery();
    const s2 = select(o.otherid).subquery();
    assertCompile(select(s1.c.myid, s2.c.otherid).where(s1.c.myid.eq(s2.c.otherid)), "SELECT anon_1.myid, anon_2.otherid FROM (SELECT mytable.myid AS myid FROM mytable) AS anon_1, (SELECT myothertable.otherid AS otherid FROM myothertable) AS anon_2 WHERE anon_1.myid = anon_2.otherid");
  });

  it("function columns of a subquery", () => {
    const sq = select(t.name, func.count(t.myid).label("cnt")).groupBy(t.name).subquery();
    assertCompile(select(sq.c.name).where(sq.c.cnt.gt(1)), "SELECT anon_1.name FROM (SELECT mytable.name AS name, count(mytable.myid) AS cnt FROM mytable GROUP BY mytable.name) AS anon_1 WHERE anon_1.cnt > :cnt_1");
  });

  it("subquery of a join", () => {
    const j = select(u.id, a.email).join(addresses).subquery("j");
    assertCompile(select(j.c.email), "SELECT j.email FROM (SELECT users.id AS id, addresses.email AS email FROM users JOIN addresses ON users.id = addresses.user_id) AS j");
  });
});

describe("scalar subqueries, correlation, exists", () => {
  const cnt = select(func.count(a.id)).where(a.user_id.eq(u.id));

  it("auto-correlates to the enclosing SELECT", () => {
    assertCompile(select(u.name, cnt.scalarSubquery().label("n")), "SELECT users.name, (SELECT count(addresses.id) AS count_1 FROM addresses WHERE addresses.user_id = users.id) AS n FROM users");
    assertCompile(select(u.name, cnt.label("n")), "SELECT users.name, (SELECT count(addresses.id) AS count_1 FROM addresses WHERE addresses.user_id = users.id) AS n FROM users");
    assertCompile(select(u.name, cnt.scalarSubquery()), "SELECT users.name, (SELECT count(addresses.id) AS count_1 FROM addresses WHERE addresses.user_id = users.id) AS anon_1 FROM users");
  });

  it("in WHERE", () => {
    assertCompile(select(u.name).where(cnt.scalarSubquery().gt(1)), "SELECT users.name FROM users WHERE (SELECT count(addresses.id) AS count_1 FROM addresses WHERE addresses.user_id = users.id) > :param_1");
  });

  it("correlate(): explicit, and correlate() with no FROMs disables it", () => {
    assertCompile(select(u.name, cnt.correlate(users).scalarSubquery().label("n")), "SELECT users.name, (SELECT count(addresses.id) AS count_1 FROM addresses WHERE addresses.user_id = users.id) AS n FROM users");
    assertCompile(select(u.name, cnt.correlate().scalarSubquery().label("n")), "SELECT users.name, (SELECT count(addresses.id) AS count_1 FROM addresses, users WHERE addresses.user_id = users.id) AS n FROM users");
  });

  it("correlateExcept() keeps the named FROM inside", () => {
    const s = select(u.name, a.email).where(u.id.eq(select(a.user_id).where(a.email.eq("x")).where(a.user_id.eq(u.id)).correlateExcept(addresses).scalarSubquery()));
    assertCompile(s, "SELECT users.name, addresses.email FROM users, addresses WHERE users.id = (SELECT addresses.user_id FROM addresses WHERE addresses.email = :email_1 AND addresses.user_id = users.id)");
  });

  // SQLAlchemy auto-correlates only a subquery of more than one FROM.
  it("a single-FROM subquery of the enclosing table is not correlated", () => {
    assertCompile(select(u.name).where(u.id.eq(select(u.id).scalarSubquery())), "SELECT users.name FROM users WHERE users.id = (SELECT users.id FROM users)");
  });

  it("a fully correlated SELECT without FROMs raises", () => {
    const fully = select(u.name, a.id).where(u.id.eq(select(u.id).where(a.user_id.eq(u.id)).scalarSubquery()));
    expect(() => compile(fully)).toThrow(InvalidRequestError);
    expect(() => compile(fully)).toThrow(/returned no FROM clauses due to auto-correlation/);
  });

  it("exists() and select.exists()", () => {
    const inner = select(a.id).where(a.user_id.eq(u.id));
    const expected = "SELECT users.name FROM users WHERE EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = users.id)";
    assertCompile(select(u.name).where(exists(inner)), expected);
    assertCompile(select(u.name).where(inner.exists()), expected);
    assertCompile(select(u.name).where(exists().where(a.user_id.eq(u.id))), "SELECT users.name FROM users WHERE EXISTS (SELECT * FROM addresses WHERE addresses.user_id = users.id)");
  });

  it("subqueries in FROM do not correlate", () => {
    const sq = select(a.user_id).where(a.user_id.eq(u.id)).subquery();
    assertCompile(select(u.name, sq.c.user_id), "SELECT users.name, anon_1.user_id FROM users, (SELECT addresses.user_id AS user_id FROM addresses, users WHERE addresses.user_id = users.id) AS anon_1");
  });
});

describe("CTEs", () => {
  it("anonymous and named CTEs", () => {
    const c1 = select(u.id, u.name).where(u.name.eq("x")).cte();
    assertCompile(select(c1.c.id), "WITH anon_1 AS (SELECT users.id AS id, users.name AS name FROM users WHERE users.name = :name_1) SELECT anon_1.id FROM anon_1", { params: { name_1: "x" } });
    const c2 = select(u.id).cte("ids");
    expect(globalThis.String(select(c2.c.id))).toBe("WITH ids AS \n(SELECT users.id AS id \nFROM users)\n SELECT ids.id \nFROM ids");
  });

  it("CTE parameters come first positionally", () => {
    const c = select(u.id).where(u.name.eq("a")).cte("c");
    assertCompile(select(c.c.id).where(c.c.id.gt(3)), "WITH c AS (SELECT users.id AS id FROM users WHERE users.name = $1) SELECT c.id FROM c WHERE c.id > $2", { dialect: "postgresql", positional: ["a", 3] });
  });

  it("two CTEs, one referring to the other", () => {
    const c1 = select(u.id).cte("c1");
    const c2 = select(c1.c.id).where(c1.c.id.gt(1)).cte("c2");
    assertCompile(select(c2.c.id), "WITH c1 AS (SELECT users.id AS id FROM users), c2 AS (SELECT c1.id AS id FROM c1 WHERE c1.id > :id_1) SELECT c2.id FROM c2");
  });

  // SQLAlchemy test_cte.py test_recursive (athanor does not label plain columns inside the CTE body)
  it("recursive CTE with column list; unionAll restates the anchor", () => {
    const parts = table("parts", column("part", String()), column("sub_part", String()), column("quantity", Integer()));
    let included = select(parts.c.sub_part, parts.c.part, parts.c.quantity).where(parts.c.part.eq("our part")).cte("included_parts", { recursive: true });
    const inclAlias = included.alias("pr");
    const partsAlias = parts.alias("p");
    included = included.unionAll(select(partsAlias.c.sub_part, partsAlias.c.part, partsAlias.c.quantity).where(partsAlias.c.part.eq(inclAlias.c.sub_part)));
    const s = select(included.c.sub_part, func.sum(included.c.quantity).label("total_quantity")).groupBy(included.c.sub_part);
    assertCompile(
      s,
      "WITH RECURSIVE included_parts(sub_part, part, quantity) AS (SELECT parts.sub_part AS sub_part, parts.part AS part, parts.quantity AS quantity FROM parts WHERE parts.part = :part_1 UNION ALL SELECT p.sub_part AS sub_part, p.part AS part, p.quantity AS quantity FROM parts AS p, included_parts AS pr WHERE p.part = pr.sub_part) SELECT included_parts.sub_part, sum(included_parts.quantity) AS total_quantity FROM included_parts GROUP BY included_parts.sub_part",
      { params: { part_1: "our part" } },
    );
  });

  it("anonymous recursive CTE keeps one name for anchor and restatement", () => {
    let c = select(literal(1, Integer()).label("n")).cte(undefined, { recursive: true });
    const ca = c.alias();
    c = c.unionAll(select(ca.c.n.add(1)).where(ca.c.n.lt(5)));
    assertCompile(select(c.c.n), "WITH RECURSIVE anon_1(n) AS (SELECT :param_1 AS n UNION ALL SELECT anon_3.n + :n_1 AS anon_2 FROM anon_1 AS anon_3 WHERE anon_3.n < :n_2) SELECT anon_1.n FROM anon_1");
  });
});

describe("compound selects", () => {
  const s1 = select(t.myid).where(t.myid.eq(1));
  const s2 = select(o.otherid).where(o.otherid.eq(2));

  it("UNION / UNION ALL / EXCEPT / INTERSECT", () => {
    assertCompile(s1.union(s2), "SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1 UNION SELECT myothertable.otherid FROM myothertable WHERE myothertable.otherid = :otherid_1");
    assertCompile(unionAll(s1, s2), "SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1 UNION ALL SELECT myothertable.otherid FROM myothertable WHERE myothertable.otherid = :otherid_1");
    assertCompile(s1.except(s2), "SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1 EXCEPT SELECT myothertable.otherid FROM myothertable WHERE myothertable.otherid = :otherid_1");
    assertCompile(s1.intersect(s2), "SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1 INTERSECT SELECT myothertable.otherid FROM myothertable WHERE myothertable.otherid = :otherid_1");
    assertCompile(union(s1, s2, select(t.myid)), "SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1 UNION SELECT myothertable.otherid FROM myothertable WHERE myothertable.otherid = :otherid_1 UNION SELECT mytable.myid FROM mytable");
  });

  it("ORDER BY / LIMIT on the compound", () => {
    assertCompile(s1.union(s2).orderBy(column("myid")).limit(5), "SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1 UNION SELECT myothertable.otherid FROM myothertable WHERE myothertable.otherid = :otherid_1 ORDER BY myid LIMIT :param_1");
    assertCompile(s1.union(s2).orderBy(t.myid), "SELECT mytable.myid FROM mytable WHERE mytable.myid = ? UNION SELECT myothertable.otherid FROM myothertable WHERE myothertable.otherid = ? ORDER BY myid", { dialect: "sqlite" });
    assertCompile(s1.union(s2).offset(3), "SELECT mytable.myid FROM mytable WHERE mytable.myid = ? UNION SELECT myothertable.otherid FROM myothertable WHERE myothertable.otherid = ? LIMIT -1 OFFSET ?", { dialect: "sqlite" });
  });

  it("members with LIMIT are parenthesised (SQLite wraps them in SELECT * FROM)", () => {
    assertCompile(s1.limit(1).union(s2.limit(2)), "(SELECT mytable.myid FROM mytable WHERE mytable.myid = $1 LIMIT $2) UNION (SELECT myothertable.otherid FROM myothertable WHERE myothertable.otherid = $3 LIMIT $4)", { dialect: "postgresql" });
    assertCompile(s1.limit(1).union(s2), "SELECT * FROM (SELECT mytable.myid FROM mytable WHERE mytable.myid = ? LIMIT ?) UNION SELECT myothertable.otherid FROM myothertable WHERE myothertable.otherid = ?", { dialect: "sqlite" });
  });

  it("nested compounds are parenthesised", () => {
    assertCompile(s1.union(s2).intersect(select(t.myid)), "(SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1 UNION SELECT myothertable.otherid FROM myothertable WHERE myothertable.otherid = :otherid_1) INTERSECT SELECT mytable.myid FROM mytable");
    assertCompile(select(t.myid).intersect(s1.union(s2)), "SELECT mytable.myid FROM mytable INTERSECT (SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1 UNION SELECT myothertable.otherid FROM myothertable WHERE myothertable.otherid = :otherid_1)");
  });

  // Inside a subquery every member labels its table columns with its own names (SQLAlchemy 2.0).
  it("a compound as a subquery", () => {
    const sq = s1.union(s2).subquery();
    assertCompile(select(sq.c.myid), "SELECT anon_1.myid FROM (SELECT mytable.myid AS myid FROM mytable WHERE mytable.myid = :myid_1 UNION SELECT myothertable.otherid AS otherid FROM myothertable WHERE myothertable.otherid = :otherid_1) AS anon_1");
  });
});

describe("LATERAL and VALUES", () => {
  it("JOIN LATERAL on PostgreSQL", () => {
    const lat = select(a.email).where(a.user_id.eq(u.id)).limit(2).lateral("l");
    assertCompile(select(u.name, lat.c.email).selectFrom(users).join(lat, true_()), "SELECT users.name, l.email FROM users JOIN LATERAL (SELECT addresses.email AS email FROM addresses WHERE addresses.user_id = users.id LIMIT $1) AS l ON true", {
      dialect: "postgresql",
    });
  });

  it("values().data() as a FROM", () => {
    const v = values([column("id", Integer()), column("name", String())], { name: "v" }).data([[1, "a"], [2, "b"]]);
    assertCompile(select(v.c.id, v.c.name), "SELECT v.id, v.name FROM (VALUES (:param_1, :param_2), (:param_3, :param_4)) AS v (id, name)", { params: { param_1: 1, param_2: "a", param_3: 2, param_4: "b" } });
    // postgres.js sends untyped parameters: numbers in a VALUES row are cast so the column has a type.
    assertCompile(select(v), "SELECT v.id, v.name FROM (VALUES ($1::INTEGER, $2), ($3::INTEGER, $4)) AS v (id, name)", { dialect: "postgresql", positional: [1, "a", 2, "b"] });
    // SQLite has no derived-table column lists: a UNION ALL of SELECTs names the columns.
    assertCompile(select(u.name).join(v, v.c.id.eq(u.id)), "SELECT users.name FROM users JOIN (SELECT ? AS id, ? AS name UNION ALL SELECT ?, ?) AS v ON v.id = users.id", { dialect: "sqlite", positional: [1, "a", 2, "b"] });
  });

  it("values() with literalBinds", () => {
    const v = values([column("id", Integer()), column("name", String())], { name: "v" }).data([[1, "a"]]);
    assertCompile(select(v), "SELECT v.id, v.name FROM (VALUES (1, 'a')) AS v (id, name)", { literalBinds: true });
  });

  it("and(…) keeps working with joins", () => {
    assertCompile(select(u.id).join(addresses, and(a.user_id.eq(u.id), a.email.ne("x"))), "SELECT users.id FROM users JOIN addresses ON addresses.user_id = users.id AND addresses.email != :email_1");
  });
});

/**
 * SQLAlchemy test/sql/test_compiler.py, ported by behaviour: EXISTS, correlated and scalar
 * subqueries, conjunctions, ORDER BY/GROUP BY, aliases, joins and compound selects, compiled
 * against the default dialect (`:name` parameters).
 */
import { describe, expect, it } from "vitest";
import {
  CompileError, and, asc, column, desc, except_, exists, func, intersect, literal, literalColumn, not, or, select, table, text, union, unionAll, Integer, String,
} from "../../../src/index.js";
import { assertCompile, mytable, myothertable } from "./helpers.js";

const t1 = mytable;
const t2 = myothertable;
const users = table("users", column("user_id"), column("user_name"), column("password"));
const addresses = table("addresses", column("address_id"), column("user_id"), column("street"), column("city"), column("state"), column("zip"));
const t3 = table("thirdtable", column("userid", Integer()), column("otherstuff", String()));

describe("test_exists", () => {
  const s = select(t1.c.myid).where(t1.c.myid.eq(5));
  it("exists(select) and exists(scalar subquery) render the same", () => {
    assertCompile(exists(s), "EXISTS (SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1)");
    assertCompile(exists(s.scalarSubquery()), "EXISTS (SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1)");
  });
  it("exists(column).where().select() labels the EXISTS anon_1", () => {
    assertCompile(exists(t1.c.myid).where(t1.c.myid.eq(5)).select(), "SELECT EXISTS (SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1) AS anon_1");
  });
  it("exists(1).selectFrom() in a SELECT list, plain and labelled", () => {
    const one = literalColumn("1");
    assertCompile(select(t1, exists(one).selectFrom(t2)), "SELECT mytable.myid, mytable.name, mytable.description, EXISTS (SELECT 1 FROM myothertable) AS anon_1 FROM mytable");
    assertCompile(select(t1, exists(one).selectFrom(t2).label("foo")), "SELECT mytable.myid, mytable.name, mytable.description, EXISTS (SELECT 1 FROM myothertable) AS foo FROM mytable");
  });
  it("exists().where().correlate() inside WHERE", () => {
    assertCompile(
      t1.select().where(exists().where(t2.c.otherid.eq(t1.c.myid)).correlate(t1)),
      "SELECT mytable.myid, mytable.name, mytable.description FROM mytable WHERE EXISTS (SELECT * FROM myothertable WHERE myothertable.otherid = mytable.myid)",
    );
  });
  it("EXISTS operands of OR are parenthesised", () => {
    assertCompile(
      select(or(exists().where(t2.c.otherid.eq("foo" as never)), exists().where(t2.c.otherid.eq("bar" as never)))),
      "SELECT (EXISTS (SELECT * FROM myothertable WHERE myothertable.otherid = :otherid_1)) OR (EXISTS (SELECT * FROM myothertable WHERE myothertable.otherid = :otherid_2)) AS anon_1",
    );
  });
  it("NOT EXISTS and double negation", () => {
    const one = literalColumn("1");
    assertCompile(select(exists(one)), "SELECT EXISTS (SELECT 1) AS anon_1");
    assertCompile(select(not(exists(one))), "SELECT NOT (EXISTS (SELECT 1)) AS anon_1");
    assertCompile(select(not(not(exists(one)))), "SELECT NOT (NOT (EXISTS (SELECT 1))) AS anon_1");
  });
  it("exists(42).selectFrom().where(a, b)", () => {
    assertCompile(
      exists(literalColumn("42")).selectFrom(t1).where(t1.c.name.eq("foo"), t1.c.description.eq("bar")),
      "EXISTS (SELECT 42 FROM mytable WHERE mytable.name = :name_1 AND mytable.description = :description_1)",
    );
  });
  it("test_exists_method: Select.exists() with GROUP BY / HAVING, correlated", () => {
    const subq = select(func.count(t2.c.otherid))
      .where(t2.c.otherid.eq(t1.c.myid))
      .correlate(t1)
      .groupBy(t2.c.otherid)
      .having(func.count(t2.c.otherid).gt(1))
      .exists();
    assertCompile(
      t1.select().where(subq),
      "SELECT mytable.myid, mytable.name, mytable.description FROM mytable WHERE EXISTS (SELECT count(myothertable.otherid) AS count_1 FROM myothertable WHERE myothertable.otherid = mytable.myid GROUP BY myothertable.otherid HAVING count(myothertable.otherid) > :count_2)",
    );
  });
});

describe("test_where_subquery", () => {
  it("scalar subqueries in WHERE, correlated or not", () => {
    assertCompile(
      t1.select().where(t1.c.myid.eq(select(t2.c.otherid).where(t1.c.name.eq(t2.c.othername)).scalarSubquery())),
      "SELECT mytable.myid, mytable.name, mytable.description FROM mytable WHERE mytable.myid = (SELECT myothertable.otherid FROM myothertable WHERE mytable.name = myothertable.othername)",
    );
    assertCompile(
      t1.select().where(exists(literalColumn("1")).where(t2.c.otherid.eq(t1.c.myid))),
      "SELECT mytable.myid, mytable.name, mytable.description FROM mytable WHERE EXISTS (SELECT 1 FROM myothertable WHERE myothertable.otherid = mytable.myid)",
    );
  });
});

describe("test_orderby_subquery / test_scalar_select", () => {
  it("scalar subquery in ORDER BY, with DESC", () => {
    const sub = select(t2.c.otherid).where(t1.c.myid.eq(t2.c.otherid)).scalarSubquery();
    assertCompile(
      t1.select().orderBy(sub),
      "SELECT mytable.myid, mytable.name, mytable.description FROM mytable ORDER BY (SELECT myothertable.otherid FROM myothertable WHERE mytable.myid = myothertable.otherid)",
    );
    assertCompile(
      t1.select().orderBy(desc(sub)),
      "SELECT mytable.myid, mytable.name, mytable.description FROM mytable ORDER BY (SELECT myothertable.otherid FROM myothertable WHERE mytable.myid = myothertable.otherid) DESC",
    );
  });
  it("correlate() with no FROMs turns correlation off", () => {
    const s = select(t1.c.myid).correlate().scalarSubquery();
    assertCompile(select(t1, s), "SELECT mytable.myid, mytable.name, mytable.description, (SELECT mytable.myid FROM mytable) AS anon_1 FROM mytable");
    assertCompile(select(t2, select(t1.c.myid).scalarSubquery()), "SELECT myothertable.otherid, myothertable.othername, (SELECT mytable.myid FROM mytable) AS anon_1 FROM myothertable");
  });
});

describe("labels in WHERE and ORDER BY (test_label_comparison, test_order_by_labels_*)", () => {
  const lab1 = t1.c.myid.add(12).label("foo");
  const lab2 = func.somefunc(t1.c.name).label("bar");
  it("a label compared in WHERE renders its expression", () => {
    const x = func.lala(t1.c.myid).label("foo");
    assertCompile(select(x).where(x.eq(5)), "SELECT lala(mytable.myid) AS foo FROM mytable WHERE lala(mytable.myid) = :param_1");
    assertCompile(column("foo", String()).label("bar").add("foo"), "foo || :param_1");
  });
  it("ORDER BY an expression over a label renders the expression", () => {
    assertCompile(
      select(lab1, lab2).orderBy(lab1.add(5)),
      "SELECT mytable.myid + :myid_1 AS foo, somefunc(mytable.name) AS bar FROM mytable ORDER BY mytable.myid + :myid_1 + :param_1",
    );
    assertCompile(
      select(lab1, func.foo(lab1)).orderBy(lab1, func.foo(lab1)),
      "SELECT mytable.myid + :myid_1 AS foo, foo(mytable.myid + :myid_1) AS foo_1 FROM mytable ORDER BY foo, foo(mytable.myid + :myid_1)",
    );
  });
  it("a label not in the SELECT list renders its expression", () => {
    assertCompile(select(t1.c.myid).orderBy(t1.c.name.label("name")), "SELECT mytable.myid FROM mytable ORDER BY mytable.name");
    assertCompile(select(t1.c.myid).orderBy(func.lower(t1.c.name).label("name")), "SELECT mytable.myid FROM mytable ORDER BY lower(mytable.name)");
  });
  it("ORDER BY a selected label, under each modifier", () => {
    const mods: [(c: typeof lab2) => ReturnType<typeof lab2.desc>, string][] = [
      [(c) => c.desc(), "DESC"], [(c) => c.asc(), "ASC"], [(c) => c.nullsFirst(), "NULLS FIRST"], [(c) => c.nullsLast(), "NULLS LAST"],
      [(c) => c.desc().nullsLast(), "DESC NULLS LAST"], [(c) => c.nullsFirst().asc(), "NULLS FIRST ASC"],
    ];
    for (const [m, sql] of mods) {
      assertCompile(select(lab1, lab2).orderBy(lab1, m(lab2)), `SELECT mytable.myid + :myid_1 AS foo, somefunc(mytable.name) AS bar FROM mytable ORDER BY foo, bar ${sql}`);
      assertCompile(
        select(lab1, lab2).orderBy(func.hoho(lab1), m(lab2)),
        `SELECT mytable.myid + :myid_1 AS foo, somefunc(mytable.name) AS bar FROM mytable ORDER BY hoho(mytable.myid + :myid_1), bar ${sql}`,
      );
      const lx = t1.c.myid.add(t1.c.myid).label("lx");
      const ly = func.lower(t1.c.name).concat(t1.c.description).label("ly");
      assertCompile(select(lx, ly).orderBy(lx, m(ly as never)), `SELECT mytable.myid + mytable.myid AS lx, lower(mytable.name) || mytable.description AS ly FROM mytable ORDER BY lx, ly ${sql}`);
      assertCompile(
        select(lab1, lab2).orderBy(t1.c.myid.label("foo"), m(t1.c.name.label("bar") as never)),
        `SELECT mytable.myid + :myid_1 AS foo, somefunc(mytable.name) AS bar FROM mytable ORDER BY mytable.myid, mytable.name ${sql}`,
      );
      assertCompile(
        select(lab1, lab2).orderBy(m(t1.alias().c.name.label("bar") as never)),
        `SELECT mytable.myid + :myid_1 AS foo, somefunc(mytable.name) AS bar FROM mytable ORDER BY mytable_1.name ${sql}`,
      );
    }
  });
  it("GROUP BY never uses label names", () => {
    assertCompile(
      select(lab1, lab2).groupBy(lab1, lab2),
      "SELECT mytable.myid + :myid_1 AS foo, somefunc(mytable.name) AS bar FROM mytable GROUP BY mytable.myid + :myid_1, somefunc(mytable.name)",
    );
  });
});

describe("OrderByLabelResolutionTest (test_text.py): strings in ORDER BY / GROUP BY", () => {
  const unresolvable = (name: string) =>
    `Can't resolve label reference for ORDER BY / GROUP BY / DISTINCT etc. Textual SQL expression '${name}' should be explicitly declared as text('${name}')`;
  it("a string names a SELECT-list label", () => {
    assertCompile(select(t1.c.myid.label("foo")).orderBy("foo"), "SELECT mytable.myid AS foo FROM mytable ORDER BY foo");
    assertCompile(select(t1.c.myid.label("foo")).groupBy("foo"), "SELECT mytable.myid AS foo FROM mytable GROUP BY foo");
  });
  it("or a column of the FROMs, by key", () => {
    assertCompile(select(t1.c.myid).orderBy("name"), "SELECT mytable.myid FROM mytable ORDER BY mytable.name");
    assertCompile(select(t1.c.myid).groupBy("name"), "SELECT mytable.myid FROM mytable GROUP BY mytable.name");
    const ta = t1.alias();
    assertCompile(select(ta.c.myid).orderBy("name"), "SELECT mytable_1.myid FROM mytable AS mytable_1 ORDER BY mytable_1.name");
  });
  it("under asc()/desc(), mixed with other strings", () => {
    assertCompile(select(t1.c.myid).orderBy(asc("name"), "description"), "SELECT mytable.myid FROM mytable ORDER BY mytable.name ASC, mytable.description");
    assertCompile(
      select(func.foo("bar").label("fb"), t1).orderBy(desc("fb")),
      "SELECT foo(:foo_1) AS fb, mytable.myid, mytable.name, mytable.description FROM mytable ORDER BY fb DESC",
    );
    assertCompile(desc("somelabel"), "somelabel DESC");
  });
  it("the outermost SELECT's label wins over a subquery's", () => {
    const s1 = select(t1.c.myid.label("foo"), t1.c.name).alias();
    const stmt = select(s1.c.name, func.bar().label("foo")).orderBy("foo");
    expect(stmt.compile().sql.replace(/\n/g, "")).toMatch(/^SELECT anon_1\.name, bar\(\) AS foo FROM \(.*\) AS anon_1 ORDER BY foo$/);
  });
  it("an expression label, plain and DESC", () => {
    const q = column("q");
    for (const lab of [q.add(5).label("a"), q.op("+")(5).label("a")]) {
      assertCompile(select(lab).orderBy(lab), "SELECT q + :q_1 AS a ORDER BY a");
      assertCompile(select(lab).orderBy(desc(lab)), "SELECT q + :q_1 AS a ORDER BY a DESC");
    }
  });
  it("a name that is neither raises CompileError", () => {
    expect(() => select(t1.c.myid).orderBy("foobar").compile()).toThrow(CompileError);
    expect(() => select(t1.c.myid).orderBy("foobar").compile()).toThrow(unresolvable("foobar"));
    expect(() => select(t1.c.myid).groupBy("foobar").compile()).toThrow(unresolvable("foobar"));
  });
  it("a compound SELECT's ORDER BY names the first SELECT's columns", () => {
    assertCompile(
      union(select(t1), select(t1)).orderBy("name"),
      "SELECT mytable.myid, mytable.name, mytable.description FROM mytable UNION SELECT mytable.myid, mytable.name, mytable.description FROM mytable ORDER BY name",
    );
    assertCompile(union(select(func.foo("hoho").label("x")), select(func.foo("Bar").label("y"))).orderBy("x"), "SELECT foo(:foo_1) AS x UNION SELECT foo(:foo_2) AS y ORDER BY x");
  });
  it("a literal column label is quoted in ORDER BY", () => {
    const col = literalColumn("SUM(ABC)").label("SUM(ABC)");
    assertCompile(select(col).selectFrom(table("my_table")).orderBy(col), 'SELECT SUM(ABC) AS "SUM(ABC)" FROM my_table ORDER BY "SUM(ABC)"');
    const col2 = literalColumn("SUM(ABC)").label("SUM(ABC)_");
    assertCompile(select(col2).selectFrom(table("my_table")).orderBy(col2), 'SELECT SUM(ABC) AS "SUM(ABC)_" FROM my_table ORDER BY "SUM(ABC)_"');
  });
});

describe("test_joins / test_full_outer_join", () => {
  it("Join.select() and selectFrom(join)", () => {
    assertCompile(
      t2.join(t1, t1.c.myid.eq(t2.c.otherid)).select(),
      "SELECT myothertable.otherid, myothertable.othername, mytable.myid, mytable.name, mytable.description FROM myothertable JOIN mytable ON mytable.myid = myothertable.otherid",
    );
    assertCompile(
      select(t1.join(t2, t1.c.myid.eq(t2.c.otherid)).join(t3, t1.c.myid.eq(t3.c.userid))),
      "SELECT mytable.myid, mytable.name, mytable.description, myothertable.otherid, myothertable.othername, thirdtable.userid, thirdtable.otherstuff FROM mytable JOIN myothertable ON mytable.myid = myothertable.otherid JOIN thirdtable ON mytable.myid = thirdtable.userid",
    );
  });
  it("a same-named column of the joined table is disambiguated", () => {
    assertCompile(
      users.join(addresses, users.c.user_id.eq(addresses.c.user_id)).select(),
      "SELECT users.user_id, users.user_name, users.password, addresses.address_id, addresses.user_id AS user_id_1, addresses.street, addresses.city, addresses.state, addresses.zip FROM users JOIN addresses ON users.user_id = addresses.user_id",
    );
  });
  it("a join on the right of a join is parenthesised", () => {
    assertCompile(
      select(t1, t2, t3).selectFrom(t1.join(t2, t1.c.myid.eq(t2.c.otherid)).outerjoin(t3, t1.c.myid.eq(t3.c.userid))),
      "SELECT mytable.myid, mytable.name, mytable.description, myothertable.otherid, myothertable.othername, thirdtable.userid, thirdtable.otherstuff FROM mytable JOIN myothertable ON mytable.myid = myothertable.otherid LEFT OUTER JOIN thirdtable ON mytable.myid = thirdtable.userid",
    );
    assertCompile(
      select(t1, t2, t3).selectFrom(t1.outerjoin(t2.join(t3, t2.c.otherid.eq(t3.c.userid)), t1.c.myid.eq(t2.c.otherid))),
      "SELECT mytable.myid, mytable.name, mytable.description, myothertable.otherid, myothertable.othername, thirdtable.userid, thirdtable.otherstuff FROM mytable LEFT OUTER JOIN (myothertable JOIN thirdtable ON myothertable.otherid = thirdtable.userid) ON mytable.myid = myothertable.otherid",
    );
  });
  it("OR with text() in WHERE over an outer join", () => {
    assertCompile(
      select(t1, t2)
        .where(or(t1.c.name.eq("fred"), t1.c.myid.eq(10), t2.c.othername.ne("jack"), text("EXISTS (select yay from foo where boo = lar)")))
        .selectFrom(t1.outerjoin(t2, t1.c.myid.eq(t2.c.otherid))),
      "SELECT mytable.myid, mytable.name, mytable.description, myothertable.otherid, myothertable.othername FROM mytable LEFT OUTER JOIN myothertable ON mytable.myid = myothertable.otherid WHERE mytable.name = :name_1 OR mytable.myid = :myid_1 OR myothertable.othername != :othername_1 OR EXISTS (select yay from foo where boo = lar)",
    );
  });
  it("FULL OUTER JOIN from join() and outerjoin()", () => {
    for (const spec of [t1.join(t2, t1.c.myid.eq(t2.c.otherid), { full: true }), t1.outerjoin(t2, t1.c.myid.eq(t2.c.otherid), { full: true })]) {
      assertCompile(select(t1).selectFrom(spec), "SELECT mytable.myid, mytable.name, mytable.description FROM mytable FULL OUTER JOIN myothertable ON mytable.myid = myothertable.otherid");
    }
  });
});

describe("test_compound_selects / test_compound_grouping", () => {
  const s = select(column("foo"), column("bar")).selectFrom(table("bat"));
  const S = "SELECT foo, bar FROM bat";
  it("ORDER BY of a compound renders unqualified; nested compounds are grouped", () => {
    assertCompile(
      union(select(t1).where(t1.c.myid.eq(5)), select(t1).where(t1.c.myid.eq(12))).orderBy(t1.c.myid),
      "SELECT mytable.myid, mytable.name, mytable.description FROM mytable WHERE mytable.myid = :myid_1 UNION SELECT mytable.myid, mytable.name, mytable.description FROM mytable WHERE mytable.myid = :myid_2 ORDER BY myid",
    );
    assertCompile(
      union(union(select(t1), select(t1)), select(t1)),
      "(SELECT mytable.myid, mytable.name, mytable.description FROM mytable UNION SELECT mytable.myid, mytable.name, mytable.description FROM mytable) UNION SELECT mytable.myid, mytable.name, mytable.description FROM mytable",
    );
  });
  it("ORDER BY a name, with LIMIT and OFFSET", () => {
    assertCompile(
      union(select(t1.c.myid, t1.c.name), select(t2), select(t3)).orderBy("name"),
      "SELECT mytable.myid, mytable.name FROM mytable UNION SELECT myothertable.otherid, myothertable.othername FROM myothertable UNION SELECT thirdtable.userid, thirdtable.otherstuff FROM thirdtable ORDER BY name",
    );
    assertCompile(
      union(select(t1.c.myid, t1.c.name), select(t2)).orderBy("myid").offset(10).limit(5),
      "SELECT mytable.myid, mytable.name FROM mytable UNION SELECT myothertable.otherid, myothertable.othername FROM myothertable ORDER BY myid LIMIT :param_1 OFFSET :param_2",
      { params: { param_1: 5, param_2: 10 } },
    );
    expect(() => union(select(t1.c.myid, t1.c.name), select(t2)).orderBy("noname").compile()).toThrow(
      "Can't resolve label reference for ORDER BY / GROUP BY / DISTINCT etc. Textual SQL expression 'noname'",
    );
  });
  it("labels, aggregates and UNION ALL of a UNION", () => {
    assertCompile(
      union(select(t1.c.myid, t1.c.name, func.max(t1.c.description)).where(t1.c.name.eq("name2")).groupBy(t1.c.myid, t1.c.name), t1.select().where(t1.c.name.eq("name1"))),
      "SELECT mytable.myid, mytable.name, max(mytable.description) AS max_1 FROM mytable WHERE mytable.name = :name_1 GROUP BY mytable.myid, mytable.name UNION SELECT mytable.myid, mytable.name, mytable.description FROM mytable WHERE mytable.name = :name_2",
    );
    assertCompile(union(select(literal(100).label("value")), select(literal(200).label("value"))), "SELECT :param_1 AS value UNION SELECT :param_2 AS value");
    assertCompile(
      unionAll(select(t1.c.myid), union(select(t2.c.otherid), select(t3.c.userid))),
      "SELECT mytable.myid FROM mytable UNION ALL (SELECT myothertable.otherid FROM myothertable UNION SELECT thirdtable.userid FROM thirdtable)",
    );
  });
  it("members with ORDER BY are parenthesised", () => {
    const sc = select(column("foo"), column("bar"));
    assertCompile(union(sc.orderBy("foo"), sc.orderBy("bar")), "(SELECT foo, bar ORDER BY foo) UNION (SELECT foo, bar ORDER BY bar)");
  });
  it("nesting of UNION / EXCEPT / INTERSECT", () => {
    assertCompile(union(union(union(s, s), s), s), `((${S} UNION ${S}) UNION ${S}) UNION ${S}`);
    assertCompile(union(s, s, s, s), `${S} UNION ${S} UNION ${S} UNION ${S}`);
    assertCompile(union(s, union(s, union(s, s))), `${S} UNION (${S} UNION (${S} UNION ${S}))`);
    assertCompile(select(s.alias()), "SELECT anon_1.foo, anon_1.bar FROM (SELECT foo, bar FROM bat) AS anon_1");
    assertCompile(select(union(s, s).alias()), `SELECT anon_1.foo, anon_1.bar FROM (${S} UNION ${S}) AS anon_1`);
    assertCompile(select(except_(s, s).alias()), `SELECT anon_1.foo, anon_1.bar FROM (${S} EXCEPT ${S}) AS anon_1`);
    assertCompile(union(except_(s, s), s), `(${S} EXCEPT ${S}) UNION ${S}`);
    assertCompile(union(s, except_(s, s)), `${S} UNION (${S} EXCEPT ${S})`);
    assertCompile(union(except_(s, s).alias().select(), s), `SELECT anon_1.foo, anon_1.bar FROM (${S} EXCEPT ${S}) AS anon_1 UNION ${S}`);
    assertCompile(except_(union(s, s), union(s, s)), `(${S} UNION ${S}) EXCEPT (${S} UNION ${S})`);
    const s2 = union(s, s);
    assertCompile(union(s2, s2), `(${S} UNION ${S}) UNION (${S} UNION ${S})`);
    assertCompile(union(intersect(s, s), intersect(s, s)), `(${S} INTERSECT ${S}) UNION (${S} INTERSECT ${S})`);
  });
  it("members with LIMIT or OFFSET are parenthesised; OFFSET alone is LIMIT -1 OFFSET", () => {
    assertCompile(union(s.limit(1), s.offset(2)), `(${S} LIMIT :param_1) UNION (${S} LIMIT -1 OFFSET :param_2)`);
    assertCompile(union(s.orderBy(column("bar")), s.offset(2)), `(${S} ORDER BY bar) UNION (${S} LIMIT -1 OFFSET :param_1)`);
    assertCompile(
      union(s.limit(1), s.limit(2).offset(3)).alias().select(),
      `SELECT anon_1.foo, anon_1.bar FROM ((${S} LIMIT :param_1) UNION (${S} LIMIT :param_2 OFFSET :param_3)) AS anon_1`,
    );
    assertCompile(
      union(s.limit(1).alias().select(), s.offset(2).alias().select()),
      `SELECT anon_1.foo, anon_1.bar FROM (${S} LIMIT :param_1) AS anon_1 UNION SELECT anon_2.foo, anon_2.bar FROM (${S} LIMIT -1 OFFSET :param_2) AS anon_2`,
    );
  });
  it("test_limit_offset: OFFSET without LIMIT per dialect", () => {
    assertCompile(select(t1.c.myid).offset(5), "SELECT mytable.myid FROM mytable LIMIT -1 OFFSET :param_1", { params: { param_1: 5 } });
    assertCompile(select(t1.c.myid).offset(5), "SELECT mytable.myid FROM mytable LIMIT -1 OFFSET ?", { dialect: "sqlite" });
  });
});

/**
 * SQLAlchemy's test/sql/test_compiler.py CorrelateTest and CoercionTest, ported: explicit,
 * semi-automatic, excepted and disabled correlation of scalar subqueries in WHERE, HAVING and
 * the columns clause, subqueries in FROM never correlating, and and()'s coercion of constants.
 */
import { describe, expect, it } from "vitest";
import {
  ArgumentError, Boolean as BooleanT, Column, Integer, InvalidRequestError, MetaData, Table, and, column, exists, func, null_, select, table,
} from "../../../src/index.js";
import { assertCompile } from "./helpers.js";

const fixture = () => {
  const t1 = table("t1", column("a"));
  const t2 = table("t2", column("a"));
  return { t1, t2, s1: select(t1).where(t1.c.a.eq(t2.c.a)) };
};

const whereCorrelated = "SELECT t2.a FROM t2 WHERE t2.a = (SELECT t1.a FROM t1 WHERE t1.a = t2.a)";
const whereAllCorrelated = "SELECT t1.a, t2.a AS a_1 FROM t1, t2 WHERE t2.a = (SELECT t1.a WHERE t1.a = t2.a)";
const columnCorrelated = "SELECT t2.a, (SELECT t1.a FROM t1 WHERE t1.a = t2.a) AS anon_1 FROM t2";
const columnAllCorrelated = "SELECT t1.a, t2.a AS a_1, (SELECT t1.a WHERE t1.a = t2.a) AS anon_1 FROM t1, t2";
const havingCorrelated = "SELECT t2.a FROM t2 HAVING t2.a = (SELECT t1.a FROM t1 WHERE t1.a = t2.a)";
const fromUncorrelated = "SELECT t2.a, anon_1.a AS a_1 FROM t2, (SELECT t1.a AS a FROM t1, t2 WHERE t1.a = t2.a) AS anon_1";
const fromAllUncorrelated = "SELECT t1.a, t2.a AS a_1, anon_1.a AS a_2 FROM t1, t2, (SELECT t1.a AS a FROM t1, t2 WHERE t1.a = t2.a) AS anon_1";
const whereUncorrelated = "SELECT t2.a FROM t2 WHERE t2.a = (SELECT t1.a FROM t1, t2 WHERE t1.a = t2.a)";
const columnUncorrelated = "SELECT t2.a, (SELECT t1.a FROM t1, t2 WHERE t1.a = t2.a) AS anon_1 FROM t2";
const havingUncorrelated = "SELECT t2.a FROM t2 HAVING t2.a = (SELECT t1.a FROM t1, t2 WHERE t1.a = t2.a)";
const whereSingleFullCorrelated = "SELECT t1.a FROM t1 WHERE t1.a = (SELECT t1.a)";

describe("CorrelateTest (test_compiler.py)", () => {
  it("test_dont_overcorrelate", () => {
    const table1 = table("mytable", column("myid"), column("name"), column("description"));
    assertCompile(
      select(table1).selectFrom(table1).selectFrom(table1.select().subquery()),
      "SELECT mytable.myid, mytable.name, mytable.description FROM mytable, (SELECT mytable.myid AS myid, mytable.name AS name, " +
        "mytable.description AS description FROM mytable) AS anon_1",
    );
  });
  it("test_correlate_semiauto_where", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2).where(t2.c.a.eq(s1.correlate(t2).scalarSubquery())), whereCorrelated);
  });
  it("test_correlate_semiauto_column", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2, s1.correlate(t2).scalarSubquery()), columnCorrelated);
  });
  it("test_correlate_semiauto_column_correlate_from_subq", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2, s1.scalarSubquery().correlate(t2)), columnCorrelated);
  });
  it("test_correlate_semiauto_from", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2, s1.correlate(t2).alias()), fromUncorrelated);
  });
  it("test_correlate_semiauto_having", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2).having(t2.c.a.eq(s1.correlate(t2).scalarSubquery())), havingCorrelated);
  });
  it("test_correlate_semiauto_having_from_subq", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2).having(t2.c.a.eq(s1.scalarSubquery().correlate(t2))), havingCorrelated);
  });
  it("test_correlate_except_inclusion_where", () => {
    const { t1, t2, s1 } = fixture();
    assertCompile(select(t2).where(t2.c.a.eq(s1.correlateExcept(t1).scalarSubquery())), whereCorrelated);
  });
  it("test_correlate_except_exclusion_where", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2).where(t2.c.a.eq(s1.correlateExcept(t2).scalarSubquery())), whereUncorrelated);
  });
  it("test_correlate_except_inclusion_column", () => {
    const { t1, t2, s1 } = fixture();
    assertCompile(select(t2, s1.correlateExcept(t1).scalarSubquery()), columnCorrelated);
  });
  it("test_correlate_except_exclusion_column", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2, s1.correlateExcept(t2).scalarSubquery()), columnUncorrelated);
  });
  it("test_correlate_except_inclusion_from", () => {
    const { t1, t2, s1 } = fixture();
    assertCompile(select(t2, s1.correlateExcept(t1).alias()), fromUncorrelated);
  });
  it("test_correlate_except_exclusion_from", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2, s1.correlateExcept(t2).alias()), fromUncorrelated);
  });
  it.each([false, null] as const)("test_correlate_except_none (%s)", (value) => {
    const { t1, t2, s1 } = fixture();
    assertCompile(select(t1, t2).where(t2.c.a.eq(s1.correlateExcept(value).scalarSubquery())), whereAllCorrelated);
  });
  it("test_correlate_except_empty", () => {
    const { t1, t2, s1 } = fixture();
    assertCompile(select(t1, t2).where(t2.c.a.eq(s1.correlateExcept().scalarSubquery())), whereAllCorrelated);
  });
  it("test_correlate_except_having", () => {
    const { t1, t2, s1 } = fixture();
    assertCompile(select(t2).having(t2.c.a.eq(s1.correlateExcept(t1).scalarSubquery())), havingCorrelated);
  });
  it("test_correlate_auto_where", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2).where(t2.c.a.eq(s1.scalarSubquery())), whereCorrelated);
  });
  it("test_correlate_auto_column", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2, s1.scalarSubquery()), columnCorrelated);
  });
  it("test_correlate_auto_from", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2, s1.alias()), fromUncorrelated);
  });
  it("test_correlate_auto_having", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2).having(t2.c.a.eq(s1.scalarSubquery())), havingCorrelated);
  });
  it.each([false, null] as const)("test_correlate_disabled_where (%s)", (value) => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2).where(t2.c.a.eq(s1.correlate(value).scalarSubquery())), whereUncorrelated);
  });
  it("test_correlate_disabled_column", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2, s1.correlate(null).scalarSubquery()), columnUncorrelated);
  });
  it("test_correlate_disabled_from", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2, s1.correlate(null).alias()), fromUncorrelated);
  });
  it("test_correlate_disabled_having", () => {
    const { t2, s1 } = fixture();
    assertCompile(select(t2).having(t2.c.a.eq(s1.correlate(null).scalarSubquery())), havingUncorrelated);
  });
  it("test_correlate_all_where", () => {
    const { t1, t2, s1 } = fixture();
    assertCompile(select(t1, t2).where(t2.c.a.eq(s1.correlate(t1, t2).scalarSubquery())), whereAllCorrelated);
  });
  it("test_correlate_all_column", () => {
    const { t1, t2, s1 } = fixture();
    assertCompile(select(t1, t2, s1.correlate(t1, t2).scalarSubquery()), columnAllCorrelated);
  });
  it("test_correlate_all_from", () => {
    const { t1, t2, s1 } = fixture();
    assertCompile(select(t1, t2, s1.correlate(t1, t2).alias()), fromAllUncorrelated);
  });
  it("test_correlate_where_all_unintentional", () => {
    const { t1, t2, s1 } = fixture();
    const stmt = select(t1, t2).where(t2.c.a.eq(s1.scalarSubquery()));
    expect(() => stmt.compile()).toThrow(InvalidRequestError);
    expect(() => stmt.compile()).toThrow(/returned no FROM clauses due to auto-correlation/);
  });
  it("test_correlate_from_all_ok", () => {
    const { t1, t2, s1 } = fixture();
    assertCompile(select(t1, t2, s1.subquery()), fromAllUncorrelated);
  });
  it("test_correlate_auto_where_singlefrom", () => {
    const { t1 } = fixture();
    const s = select(t1.c.a);
    assertCompile(select(t1).where(t1.c.a.eq(s.scalarSubquery())), "SELECT t1.a FROM t1 WHERE t1.a = (SELECT t1.a FROM t1)");
  });
  it("test_correlate_semiauto_where_singlefrom", () => {
    const { t1 } = fixture();
    const s = select(t1.c.a);
    assertCompile(select(t1).where(t1.c.a.eq(s.correlate(t1).scalarSubquery())), whereSingleFullCorrelated);
  });
  it("test_correlate_except_semiauto_where_singlefrom", () => {
    const { t1, t2 } = fixture();
    const s = select(t1.c.a);
    assertCompile(select(t1).where(t1.c.a.eq(s.correlateExcept(t2).scalarSubquery())), whereSingleFullCorrelated);
  });
  it("test_correlate_alone_noeffect", () => {
    const { t1, t2, s1 } = fixture();
    assertCompile(s1.correlate(t1, t2), "SELECT t1.a FROM t1, t2 WHERE t1.a = t2.a");
  });
  it("test_correlate_except_froms", () => {
    const t1 = table("t1", column("a"));
    const t2 = table("t2", column("a"), column("b"));
    const s = select(t2.c.b).where(t1.c.a.eq(t2.c.a)).correlateExcept(t2).alias("s");
    const s2 = select(func.foo(s.c.b)).scalarSubquery();
    assertCompile(
      select(t1).orderBy(s2),
      "SELECT t1.a FROM t1 ORDER BY (SELECT foo(s.b) AS foo_1 FROM (SELECT t2.b AS b FROM t2 WHERE t1.a = t2.a) AS s)",
    );
  });
  it("test_multilevel_froms_correlation", () => {
    const p = table("parent", column("id"));
    const c = table("child", column("id"), column("parent_id"), column("pos"));
    const s = c.select().where(c.c.parent_id.eq(p.c.id)).orderBy(c.c.pos).limit(1).correlate(p).subquery();
    const e = exists().selectFrom(s).where(s.c.id.eq(1));
    assertCompile(
      select(p).where(e),
      "SELECT parent.id FROM parent WHERE EXISTS (SELECT * FROM (SELECT child.id AS id, child.parent_id AS parent_id, " +
        "child.pos AS pos FROM child WHERE child.parent_id = parent.id ORDER BY child.pos LIMIT :param_1) AS anon_1 WHERE anon_1.id = :id_1)",
    );
  });
  it("test_no_contextless_correlate_except", () => {
    const t1 = table("t1", column("x"));
    const t2 = table("t2", column("y"));
    const t3 = table("t3", column("z"));
    const s = select(t1).where(t1.c.x.eq(t2.c.y)).where(t2.c.y.eq(t3.c.z)).correlateExcept(t1);
    assertCompile(s, "SELECT t1.x FROM t1, t2, t3 WHERE t1.x = t2.y AND t2.y = t3.z");
  });
  it("test_multilevel_implicit_correlation_disabled", () => {
    const t1 = table("t1", column("x"));
    const t2 = table("t2", column("y"));
    const t3 = table("t3", column("z"));
    const s = select(t1.c.x).where(t1.c.x.eq(t2.c.y));
    const s2 = select(t3.c.z).where(t3.c.z.eq(s.scalarSubquery()));
    assertCompile(
      select(t1).where(t1.c.x.eq(s2.scalarSubquery())),
      "SELECT t1.x FROM t1 WHERE t1.x = (SELECT t3.z FROM t3 WHERE t3.z = (SELECT t1.x FROM t1, t2 WHERE t1.x = t2.y))",
    );
  });
  it("test_from_implicit_correlation_disabled", () => {
    const t1 = table("t1", column("x"));
    const t2 = table("t2", column("y"));
    const s = select(t1.c.x).where(t1.c.x.eq(t2.c.y));
    const s2 = select(t2, s.subquery());
    assertCompile(
      select(t1, s2.subquery()),
      "SELECT t1.x, anon_1.y, anon_1.x AS x_1 FROM t1, (SELECT t2.y AS y, anon_2.x AS x FROM t2, " +
        "(SELECT t1.x AS x FROM t1, t2 WHERE t1.x = t2.y) AS anon_2) AS anon_1",
    );
  });
});

describe("Select.correlate() / correlate_except() arguments", () => {
  it("correlate() calls add up, as SQLAlchemy's", () => {
    const t1 = table("t1", column("a"));
    const t2 = table("t2", column("a"));
    const t3 = table("t3", column("a"));
    const inner = select(t1.c.a).where(t1.c.a.eq(t2.c.a)).where(t1.c.a.eq(t3.c.a)).correlate(t2).correlate(t3).scalarSubquery();
    assertCompile(select(t2.c.a, t3.c.a, inner), "SELECT t2.a, t3.a AS a_1, (SELECT t1.a FROM t1 WHERE t1.a = t2.a AND t1.a = t3.a) AS anon_1 FROM t2, t3");
  });
  it("null / false with other FROMs raise ArgumentError", () => {
    const t1 = table("t1", column("a"));
    expect(() => select(t1).correlate(null, t1)).toThrow(ArgumentError);
    expect(() => select(t1).correlate(null, t1)).toThrow("additional FROM objects not accepted when passing None/False to correlate()");
    expect(() => select(t1).correlateExcept(false, t1)).toThrow("additional FROM objects not accepted when passing None/False to correlateExcept()");
  });
});

describe("CoercionTest (test_compiler.py)", () => {
  const fooTable = () => Table("foo", new MetaData(), { id: Column(Integer) });
  const boolTable = table("t", column("x", BooleanT()));

  it("test_coerce_bool_where", () => {
    assertCompile(select(boolTable).where(boolTable.c.x), "SELECT t.x FROM t WHERE t.x");
  });
  it("test_val_and_false", () => {
    const t = fooTable();
    assertCompile(and(t.c.id.eq(1), false), "false");
  });
  it("test_val_and_true_coerced", () => {
    const t = fooTable();
    assertCompile(and(t.c.id.eq(1), true), "foo.id = :id_1");
  });
  it("test_val_is_null_coerced", () => {
    const t = fooTable();
    assertCompile(and(t.c.id.eq(null)), "foo.id IS NULL");
  });
  it("test_val_and_None", () => {
    const t = fooTable();
    assertCompile(and(t.c.id.eq(1), null), "foo.id = :id_1 AND NULL");
  });
  it("test_None_and_val", () => {
    const t = fooTable();
    assertCompile(and(null, t.c.id.eq(1)), "NULL AND foo.id = :id_1");
  });
  it("test_None_and_nothing", () => {
    assertCompile(and(null), "NULL");
  });
  it("test_val_and_null", () => {
    const t = fooTable();
    assertCompile(and(t.c.id.eq(1), null_()), "foo.id = :id_1 AND NULL");
  });
});

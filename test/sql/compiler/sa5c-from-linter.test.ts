/**
 * SQLAlchemy's test/sql/test_from_linter.py, ported through the warnings the linter emits
 * (`compile({ lintFroms: true })`; athanor has no public `find_unmatching_froms()`): which FROMs
 * count as connected (JOINs, comparisons, LATERAL correlation, implicit function joins), and the
 * SELECT / UPDATE / DELETE messages.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  CartesianProductWarning, Column, Integer, MetaData, Table, column, delete_, func, select, table, true_, update, warnings,
  type ClauseElement,
} from "../../../src/index.js";

const md = new MetaData();
const a = Table("table_a", md, { col_a: Column(Integer, { primaryKey: true }) });
const b = Table("table_b", md, { col_b: Column(Integer, { primaryKey: true }) });
const c = Table("table_c", md, { col_c: Column(Integer, { primaryKey: true }) });
const d = Table("table_d", md, { col_d: Column(Integer, { primaryKey: true }) });

const lint = (stmt: ClauseElement) => warnings.catch(() => stmt.compile({ lintFroms: true })).map((w) => {
  expect(w).toBeInstanceOf(CartesianProductWarning);
  return w.message;
});
/** The FROM names a warning lists on either side, as a set. */
const named = (message: string) => new Set([...message.matchAll(/"([^"]+)"/g)].map((m) => m[1]));

describe("TestFindUnmatchingFroms (test_from_linter.py)", () => {
  afterEach(() => warnings.reset());

  it("test_everything_is_connected", () => {
    const q = select(a)
      .selectFrom(a.join(b, a.c.col_a.eq(b.c.col_b)))
      .selectFrom(c)
      .selectFrom(d)
      .where(d.c.col_d.eq(b.c.col_b))
      .where(c.c.col_c.eq(d.c.col_d))
      .where(c.c.col_c.eq(5));
    expect(lint(q)).toEqual([]);
  });
  it("test_plain_cartesian", () => {
    const w = lint(select(a).where(b.c.col_b.eq(5)));
    expect(w).toHaveLength(1);
    expect(named(w[0])).toEqual(new Set(["table_a", "table_b"]));
  });
  for (const control of ["lateral", "cartesian", "join"] as const)
    it(`test_lateral_subqueries (${control})`, () => {
      const p1 = select(a).subquery();
      let p2 = select(b).where(b.c.col_b.eq(p1.c.col_a)).subquery();
      if (control === "lateral") p2 = p2.lateral();
      let q = select(p1, p2);
      if (control === "join") q = q.joinFrom(p1, p2, p1.c.col_a.eq(p2.c.col_b));
      const w = lint(q);
      if (control === "cartesian") {
        expect(w).toHaveLength(1);
        expect(named(w[0])).toEqual(new Set(["anon_1", "anon_2"]));
      } else expect(w).toEqual([]);
    });
  it("test_lateral_subqueries_w_joins", () => {
    const p1 = select(a).subquery();
    const p2 = select(b).where(b.c.col_b.eq(p1.c.col_a)).subquery().lateral();
    const p3 = select(c).where(c.c.col_c.eq(p1.c.col_a)).subquery().lateral();
    expect(lint(select(p1, p2, p3).joinFrom(p1, p2, true_()).join(p3, true_()))).toEqual([]);
  });
  it("test_lateral_subqueries_ok_do_we_still_find_cartesians", () => {
    const p1 = select(a).subquery("p1");
    const p3 = select(a).subquery("p3");
    const p2 = select(b).where(b.c.col_b.eq(p3.c.col_a)).subquery("p2").lateral("p2");
    const w = lint(select(p1, p2, p3));
    expect(w).toEqual(['SELECT statement has a cartesian product between FROM element(s) "p2", "p3" and FROM element "p1".  Apply join condition(s) between each element to resolve.']);
  });
  for (const joinsImplicitly of [true, false])
    it(`test_fn_valued (column_valued, joins_implicitly=${joinsImplicitly})`, () => {
      const myTable = table("tbl", column("id", Integer()), column("data"));
      const tv = func.json_array_elements(myTable.c.data).columnValued("key", { joinsImplicitly });
      const w = lint(select(myTable.c.id, tv));
      if (joinsImplicitly) expect(w).toEqual([]);
      else expect(w).toEqual(['SELECT statement has a cartesian product between FROM element(s) "key" and FROM element "tbl".  Apply join condition(s) between each element to resolve.']);
    });
  it("test_count_non_eq_comparison_operators", () => {
    expect(lint(select(a).where(a.c.col_a.gt(b.c.col_b)))).toEqual([]);
  });
  it("test_dont_count_non_comparison_operators", () => {
    const w = lint(select(a).where(a.c.col_a.add(b.c.col_b).eq(5)));
    expect(w).toHaveLength(1);
    expect(named(w[0])).toEqual(new Set(["table_a", "table_b"]));
  });
  it("test_disconnect_between_ab_cd", () => {
    const q = select(a).selectFrom(a.join(b, a.c.col_a.eq(b.c.col_b))).selectFrom(c).selectFrom(d).where(c.c.col_c.eq(d.c.col_d)).where(c.c.col_c.eq(5));
    expect(lint(q)).toEqual(['SELECT statement has a cartesian product between FROM element(s) "table_c", "table_d" and FROM element "table_a".  Apply join condition(s) between each element to resolve.']);
  });
  it("test_c_and_d_both_disconnected", () => {
    const q = select(a).selectFrom(a.join(b, a.c.col_a.eq(b.c.col_b))).where(c.c.col_c.eq(5)).where(d.c.col_d.eq(10));
    const w = lint(q);
    expect(w).toHaveLength(1);
    expect(w).toEqual(['SELECT statement has a cartesian product between FROM element(s) "table_c", "table_d" and FROM element "table_a".  Apply join condition(s) between each element to resolve.']);
  });
  it("test_now_connected", () => {
    const q = select(a)
      .selectFrom(a.join(b, a.c.col_a.eq(b.c.col_b)))
      .selectFrom(c.join(d, c.c.col_c.eq(d.c.col_d)))
      .where(c.c.col_c.eq(b.c.col_b))
      .where(c.c.col_c.eq(5))
      .where(d.c.col_d.eq(10));
    expect(lint(q)).toEqual([]);
  });
  it("test_disconnected_subquery", () => {
    const subq = select(a).where(a.c.col_a.eq(b.c.col_b)).subquery();
    const w = lint(select(c).selectFrom(subq));
    expect(w).toHaveLength(1);
    expect(named(w[0])).toEqual(new Set(["anon_1", "table_c"]));
  });
  it("test_now_connect_it", () => {
    const subq = select(a).where(a.c.col_a.eq(b.c.col_b)).subquery();
    expect(lint(select(c).selectFrom(subq).where(c.c.col_c.eq(subq.c.col_a)))).toEqual([]);
  });
  it("test_right_nested_join_without_issue", () => {
    expect(lint(select(a).selectFrom(a.join(b.join(c, b.c.col_b.eq(c.c.col_c)), a.c.col_a.eq(b.c.col_b))))).toEqual([]);
  });
  it("test_join_on_true", () => {
    expect(lint(select(a).selectFrom(a.join(b, true_())))).toEqual([]);
  });
  it("test_join_on_true_muti_levels", () => {
    expect(lint(select(a, b, c).selectFrom(a.join(b, true_()).join(c, true_())))).toEqual([]);
  });
  it("test_right_nested_join_with_an_issue", () => {
    const q = select(a).selectFrom(a.join(b.join(c, b.c.col_b.eq(c.c.col_c)), a.c.col_a.eq(b.c.col_b))).where(d.c.col_d.eq(5));
    const w = lint(q);
    expect(w).toHaveLength(1);
    expect(named(w[0])).toEqual(new Set(["table_d", "table_a"]));
  });
  it("test_no_froms", () => {
    expect(lint(select(1))).toEqual([]);
  });
  for (const dml of ["update", "delete"] as const)
    for (const [twotable, error] of [[false, false], [true, false], [true, true]] as const)
      it(`test_dml (${dml}, twotable=${twotable}, error=${error})`, () => {
        let stmt = dml === "update" ? update(a).values({ col_a: 5 }).where(a.c.col_a.eq(1)) : delete_(a).where(a.c.col_a.eq(1));
        if (twotable) {
          stmt = stmt.where(b.c.col_b.eq(1));
          if (!error) stmt = stmt.where(b.c.col_b.eq(a.c.col_a));
        }
        const w = lint(stmt);
        if (error) {
          const kind = dml === "update" ? "UPDATE" : "DELETE";
          expect(w).toEqual([`${kind} statement has a cartesian product between FROM element(s) "table_b" and FROM element "table_a".  Apply join condition(s) between each element to resolve.`]);
        } else expect(w).toEqual([]);
      });
});

describe("TestLinterRoundTrip (test_from_linter.py): messages", () => {
  afterEach(() => warnings.reset());
  it("test_warn_anon_alias", () => {
    const bAlias = b.alias();
    const w = lint(select(a.c.col_a).where(bAlias.c.col_b.eq(5)));
    expect(w).toHaveLength(1);
    expect(named(w[0])).toEqual(new Set(["table_a", "table_b_1"]));
  });
  it("test_warn_anon_cte", () => {
    const bCte = select(b).cte();
    const w = lint(select(a.c.col_a).where(bCte.c.col_b.eq(5)));
    expect(w).toHaveLength(1);
    expect(named(w[0])).toEqual(new Set(["table_a", "anon_1"]));
  });
});

/**
 * SQLAlchemy test/sql/test_compiler.py bind parameter cases, ported by behaviour: explicit and
 * unique bindparam() naming, repeated names, positional order, the conflicts SQLAlchemy
 * reports, anonymous names of oddly named columns, literal binds and post-compile rendering.
 */
import { describe, expect, it } from "vitest";
import {
  CompileError, Integer, String, and, bindparam, column, literal, or, select, table, text, tuple,
} from "../../../src/index.js";
import { assertCompile, compile, mytable, myothertable } from "./helpers.js";

const t1 = mytable;
const t2 = myothertable;

describe("test_binds", () => {
  it("a named bindparam, named and positional", () => {
    const s = select(t1, t2).where(and(t1.c.myid.eq(t2.c.otherid), t1.c.name.eq(bindparam("mytablename"))));
    const where = "WHERE mytable.myid = myothertable.otherid AND mytable.name = ";
    assertCompile(s, `SELECT mytable.myid, mytable.name, mytable.description, myothertable.otherid, myothertable.othername FROM mytable, myothertable ${where}:mytablename`);
    assertCompile(s, `SELECT mytable.myid, mytable.name, mytable.description, myothertable.otherid, myothertable.othername FROM mytable, myothertable ${where}?`, { dialect: "sqlite" });
    const c = compile(s, "sqlite");
    expect(c.positiontup).toEqual(["mytablename"]);
    expect(c.construct(undefined, { mytablename: 5 }).params).toEqual([5]);
  });
  it("one name used twice is one parameter, sent at each position", () => {
    const s = select(t1).where(or(t1.c.myid.eq(bindparam("myid")), t2.c.otherid.eq(bindparam("myid"))));
    assertCompile(s, "SELECT mytable.myid, mytable.name, mytable.description FROM mytable, myothertable WHERE mytable.myid = :myid OR myothertable.otherid = :myid");
    assertCompile(s, "SELECT mytable.myid, mytable.name, mytable.description FROM mytable, myothertable WHERE mytable.myid = ? OR myothertable.otherid = ?", { dialect: "sqlite" });
    const c = compile(s, "sqlite");
    expect(c.positiontup).toEqual(["myid", "myid"]);
    expect(c.construct(undefined, { myid: 5 }).params).toEqual([5, 5]);
  });
  it("the same in text()", () => {
    const s = text("SELECT mytable.myid FROM mytable, myothertable WHERE mytable.myid = :myid OR myothertable.otherid = :myid");
    assertCompile(s, "SELECT mytable.myid FROM mytable, myothertable WHERE mytable.myid = ? OR myothertable.otherid = ?", { dialect: "sqlite" });
    expect(compile(s, "sqlite").construct(undefined, { myid: 5 }).params).toEqual([5, 5]);
  });
  it("unique bindparams of one key are numbered", () => {
    const s = select(t1).where(or(t1.c.myid.eq(bindparam("myid", 7, { unique: true })), t2.c.otherid.eq(bindparam("myid", 8, { unique: true }))));
    assertCompile(s, "SELECT mytable.myid, mytable.name, mytable.description FROM mytable, myothertable WHERE mytable.myid = :myid_1 OR myothertable.otherid = :myid_2", {
      params: { myid_1: 7, myid_2: 8 },
    });
    const c = compile(s, "sqlite");
    expect(c.positionalParams).toEqual([7, 8]);
    expect(c.construct(undefined, { myid_1: 5, myid_2: 6 }).params).toEqual([5, 6]);
  });
  it("one scalar subquery used twice keeps one parameter name", () => {
    const s = select(t1.c.myid).where(t1.c.myid.eq(12)).scalarSubquery();
    const s2 = select(t2, s).where(t2.c.otherid.eq(s));
    assertCompile(
      s2,
      "SELECT myothertable.otherid, myothertable.othername, (SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1) AS anon_1 FROM myothertable WHERE myothertable.otherid = (SELECT mytable.myid FROM mytable WHERE mytable.myid = :myid_1)",
    );
    expect(compile(s2, "sqlite").positionalParams).toEqual([12, 12]);
  });
  it("an explicit name equal to an anonymous one raises", () => {
    const msg = "Bind parameter 'myid_1' conflicts with unique bind parameter of the same name";
    expect(() => compile(select(t1).where(or(t1.c.myid.eq(7), t1.c.myid.eq(bindparam("myid_1")))))).toThrow(CompileError);
    expect(() => compile(select(t1).where(or(t1.c.myid.eq(7), t1.c.myid.eq(bindparam("myid_1")))))).toThrow(msg);
    expect(() => compile(select(t1).where(or(t1.c.myid.eq(7), t1.c.myid.eq(8), t1.c.myid.eq(bindparam("myid_1")))))).toThrow(msg);
  });
  it("test_expanding_non_expanding_conflict", () => {
    const s = select(literal("x").in(bindparam("q", undefined, { expanding: true })), bindparam("q"));
    expect(() => compile(s)).toThrow(
      "Can't reuse bound parameter name 'q' in both 'expanding' (e.g. within an IN expression) and non-expanding contexts.  If this parameter is to receive a list/array value, set 'expanding=True' on it for expressions that aren't IN, otherwise use a different parameter name.",
    );
  });
  it("test_bind_as_col / test_bind_callable", () => {
    assertCompile(select(table("foo", column("id")), literal("lala").label("hoho")), "SELECT foo.id, :param_1 AS hoho FROM foo");
    assertCompile(column("x").eq(bindparam("key", undefined, { callable: () => 12 })), "x = :key", { params: { key: 12 } });
  });
});

describe("test_bind_anon_name_no_special_chars / uniqueify", () => {
  const cases: [string, string][] = [
    ["%(my name)s", "my_name_s_1"],
    ["myname(foo)", "myname_foo_1"],
    ["this is a name", "this_is_a_name_1"],
    ["_leading_one", "leading_one_1"],
    ["3leading_two", "3leading_two_1"],
    ["$leading_three", "leading_three_1"],
    ["%(tricky", "tricky_1"],
    ["5(tricky", "5_tricky_1"],
  ];
  it("anonymous names drop special characters", () => {
    for (const [name, bind] of cases) {
      const t = table("t", column(name, String()));
      const c = compile(t.c[name]!.eq("foo"));
      expect(c.sql.endsWith(` = :${bind}`)).toBe(true);
      expect(c.params).toEqual({ [bind]: "foo" });
    }
  });
  it("escaping happens before numbering", () => {
    const t = table("t", column("_3foo"), column("4%foo"));
    assertCompile(and(t.c["_3foo"]!.eq("foo"), t.c["4%foo"]!.eq("bar")), 't._3foo = :3foo_1 AND t."4%foo" = :4_foo_1', { params: { "3foo_1": "foo", "4_foo_1": "bar" } });
    const t2b = table("t", column("_3foo"), column("4(foo"));
    assertCompile(and(t2b.c["_3foo"]!.eq("foo"), t2b.c["4(foo"]!.eq("bar")), 't._3foo = :3foo_1 AND t."4(foo" = :4_foo_1', { params: { "3foo_1": "foo", "4_foo_1": "bar" } });
  });
});

describe("literal binds and post-compile", () => {
  it("LIMIT/OFFSET render inline with literalBinds", () => {
    assertCompile(select(t1.c.myid).limit(5).offset(10), "SELECT mytable.myid FROM mytable LIMIT 5 OFFSET 10", { literalBinds: true });
  });
  it("IN lists render inline, empty ones as the empty-set expression", () => {
    assertCompile(select(t1.c.myid).where(t1.c.myid.in([1, 2])), "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (1, 2)", { literalBinds: true });
    assertCompile(select(t1.c.myid).where(t1.c.myid.notIn([])), "SELECT mytable.myid FROM mytable WHERE (mytable.myid NOT IN (NULL) OR (1 = 1))", { literalBinds: true });
    assertCompile(select(t1.c.myid).where(t1.c.myid.in([])), "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (NULL) AND (1 != 1)", { renderPostcompile: true });
  });
  it("renderPostcompile numbers each expanded value", () => {
    assertCompile(select(t1.c.myid).where(t1.c.myid.in([1, 2, 3])), "SELECT mytable.myid FROM mytable WHERE mytable.myid IN (:myid_1_1, :myid_1_2, :myid_1_3)", {
      renderPostcompile: true,
      params: { myid_1_1: 1, myid_1_2: 2, myid_1_3: 3 },
    });
    assertCompile(
      select(t1.c.myid).where(tuple(t1.c.myid, t1.c.name).in([[1, "a"], [2, "b"]])),
      "SELECT mytable.myid FROM mytable WHERE (mytable.myid, mytable.name) IN ((:param_1_1_1, :param_1_1_2), (:param_1_2_1, :param_1_2_2))",
      { renderPostcompile: true, params: { param_1_1_1: 1, param_1_1_2: "a", param_1_2_1: 2, param_1_2_2: "b" } },
    );
  });
  it("literalExecute renders a post-compile marker", () => {
    assertCompile(select(t1.c.myid).where(t1.c.myid.eq(literal(5, Integer(), { literalExecute: true }))), "SELECT mytable.myid FROM mytable WHERE mytable.myid = __[POSTCOMPILE_param_1]");
  });
  it("NULL compared renders IS NULL even with literal binds", () => {
    assertCompile(select(t1.c.myid).where(t1.c.name.eq(null)), "SELECT mytable.myid FROM mytable WHERE mytable.name IS NULL", { literalBinds: true });
  });
});

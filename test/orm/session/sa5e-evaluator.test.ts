/**
 * SQLAlchemy's test/orm/dml/test_evaluator.py: the ORM evaluator that "evaluate" synchronization
 * uses, run against transient objects (NULL is `null`, an unloaded attribute of a persistent
 * object is "expired"), plus its refusals with SQLAlchemy's messages, and the M2O DELETE cases.
 */
import { describe, expect, it } from "vitest";
import {
  and, bindparam, column, DeclarativeBase, delete as delete_, ForeignKey, inspect, Integer, InvalidRequestError, JSON, mappedColumn, not, or,
  relationship, select, String, tuple,
} from "athanor";
import { evaluatorFor } from "../../../src/orm/orm-dml.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb } from "./models.js";

const p = uniqueName("sa5e_ev");
class Base extends DeclarativeBase {}
class User extends Base.model(`${p}_users`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(64), { nullable: true }),
  othername: mappedColumn(String(64), { nullable: true }),
  json: mappedColumn(JSON, { nullable: true }),
}) {}
// The subclass is adopted (and `User.name` instrumented over Function.name) on first construction.
new User({} as never);

function check(ev: (o: object | null) => unknown, cases: readonly [object | null, unknown][]): void {
  expect(cases.map(([o]) => ev(o))).toEqual(cases.map(([, r]) => r));
}
const u = (init: Partial<{ id: number | null; name: string | boolean | null }>): User => new User(init as never);

describe("ORM evaluator (test_evaluator.py EvaluateTest)", () => {
  it("compares to a value; NULL gives null (test_compare_to_value)", () => {
    check(evaluatorFor(User, User.name.eq("foo")), [[u({ name: "foo" }), true], [u({ name: "bar" }), false], [u({ name: null }), null]]);
    check(evaluatorFor(User, User.id.lt(5)), [[u({ id: 3 }), true], [u({ id: 5 }), false], [u({ id: null }), null]]);
  });

  it("compares to a bindparam with a callable value (test_compare_to_callable_bind)", () => {
    const ev = evaluatorFor(User, User.name.eq(bindparam("x", undefined, { callable: () => "foo" })));
    check(ev, [[u({ name: "foo" }), true], [u({ name: "bar" }), false], [u({ name: null }), null]]);
  });

  it("eq(null) is IS NULL: true or false, null without an object (test_compare_to_none)", () => {
    check(evaluatorFor(User, User.name.eq(null)), [[u({ name: "foo" }), false], [u({ name: null }), true], [null, null]]);
  });

  it("a column of no mapped table raises 'Cannot evaluate column' (test_raise_on_unannotated_unmatched_column)", () => {
    expect(() => evaluatorFor(User, User.id.eq(column("foo", Integer)))).toThrow(InvalidRequestError);
    expect(() => evaluatorFor(User, User.id.eq(column("foo", Integer)))).toThrow(/Cannot evaluate column: foo/);
    expect(() => evaluatorFor(User, User.name.eq(column("othername", String)))).toThrow(/Cannot evaluate column: othername/);
  });

  it("compares to true and false (test_true_false)", () => {
    check(evaluatorFor(User, User.name.eq(false as never)), [[u({ name: "foo" }), false], [u({ name: true }), false], [u({ name: false }), true], [null, null]]);
    check(evaluatorFor(User, User.name.eq(true as never)), [[u({ name: "foo" }), false], [u({ name: true }), true], [u({ name: false }), false], [null, null]]);
  });

  it("and / or / not follow SQL's three-valued logic (test_boolean_ops)", () => {
    check(evaluatorFor(User, and(User.name.eq("foo"), User.id.eq(1))), [
      [u({ id: 1, name: "foo" }), true], [u({ id: 2, name: "foo" }), false], [u({ id: 1, name: "bar" }), false],
      [u({ id: 2, name: "bar" }), false], [u({ id: 1, name: null }), null], [null, null],
    ]);
    check(evaluatorFor(User, or(User.name.eq("foo"), User.id.eq(1))), [
      [u({ id: 1, name: "foo" }), true], [u({ id: 2, name: "foo" }), true], [u({ id: 1, name: "bar" }), true],
      [u({ id: 2, name: "bar" }), false], [u({ id: 1, name: null }), true], [u({ id: 2, name: null }), null], [null, null],
    ]);
    check(evaluatorFor(User, not(User.id.eq(1))), [[u({ id: 1 }), false], [u({ id: 2 }), true], [u({ id: null }), null]]);
  });

  it.each([
    ["concat", () => User.name.concat("_foo").eq("named_foo")],
    ["startsWith", () => User.name.startsWith("nam")],
    ["endsWith", () => User.name.endsWith("named")],
  ] as const)("string operator %s (test_string_ops)", (_, expr) => {
    check(evaluatorFor(User, expr()), [[u({ name: "named" }), true], [u({ name: "othername" }), false]]);
  });

  it("IN and NOT IN (test_in)", () => {
    check(evaluatorFor(User, User.name.in(["foo", "bar"])), [
      [u({ id: 1, name: "foo" }), true], [u({ id: 2, name: "bat" }), false], [u({ id: 1, name: "bar" }), true], [u({ id: 1, name: null }), null], [null, null],
    ]);
    check(evaluatorFor(User, User.name.notIn(["foo", "bar"])), [
      [u({ id: 1, name: "foo" }), false], [u({ id: 2, name: "bat" }), true], [u({ id: 1, name: "bar" }), false], [u({ id: 1, name: null }), null], [null, null],
    ]);
  });

  it("several criteria are ANDed (test_multiple_expressions)", () => {
    const ev = evaluatorFor(User, User.id.gt(5), User.name.eq("ed"));
    expect(ev(u({ id: 7, name: "ed" }))).toBe(true);
    expect(ev(u({ id: 7, name: "noted" }))).toBe(false);
    expect(ev(u({ id: 4, name: "ed" }))).toBe(false);
  });

  it("tuple IN and NOT IN (test_in_tuples)", () => {
    check(evaluatorFor(User, tuple(User.id, User.name).in([[1, "foo"], [2, "bar"]] as never)), [
      [u({ id: 1, name: "foo" }), true], [u({ id: 2, name: "bat" }), false], [u({ id: 1, name: "bar" }), false],
      [u({ id: 2, name: "bar" }), true], [u({ id: 1, name: null }), null], [null, null],
    ]);
    check(evaluatorFor(User, tuple(User.id, User.name).notIn([[1, "foo"], [2, "bar"]] as never)), [
      [u({ id: 1, name: "foo" }), false], [u({ id: 2, name: "bat" }), true], [u({ id: 1, name: "bar" }), true],
      [u({ id: 2, name: "bar" }), false], [u({ id: 1, name: null }), null], [null, null],
    ]);
  });

  it("NULL propagates through a comparison of comparisons (test_null_propagation)", () => {
    check(evaluatorFor(User, User.name.eq("foo").eq(User.id.eq(1) as never)), [
      [u({ id: 1, name: "foo" }), true], [u({ id: 2, name: "foo" }), false], [u({ id: 1, name: "bar" }), false],
      [u({ id: 2, name: "bar" }), true], [u({ id: null, name: "foo" }), null], [u({ id: null, name: null }), null], [null, null],
    ]);
  });

  it("a custom operator cannot be evaluated (test_custom_op_no_impl)", () => {
    expect(() => evaluatorFor(User, User.name.op("^^")("bar"))).toThrow(
      "Could not evaluate current criteria in Python: \"Custom operator '^^' can't be evaluated in Python unless it specifies a callable using `.python_impl`.\". Specify 'fetch' or False for the synchronize_session execution option.",
    );
  });

  it("math operators evaluate numbers and refuse other types (test_math_op_type_exclusions)", () => {
    expect(evaluatorFor(User, User.id.add(5))(u({ id: 10 }))).toBe(15);
    expect(evaluatorFor(User, User.name.concat(" name"))(u({ name: "some value" }))).toBe("some value name");
    expect(() => evaluatorFor(User, User.id.add("name" as never))).toThrow(/Cannot evaluate math operator "add" for datatypes INTEGER, VARCHAR/);
    expect(() => evaluatorFor(User, (User.json as never as typeof User.id).add(12))).toThrow(/Cannot evaluate math operator "add" for datatypes JSON, INTEGER/);
    expect(() => evaluatorFor(User, (User.json as never as typeof User.id).sub(12))).toThrow(/Cannot evaluate math operator "sub" for datatypes JSON, INTEGER/);
  });

  it("an unloaded attribute of a persistent object is 'expired'; a transient object's unset one is NULL", () => {
    const user = u({ id: 1, name: "x" });
    expect(evaluatorFor(User, User.othername.eq("y"))(user)).toBe(null);
    // A persistent state (it has an identity key) whose attribute is not loaded.
    (inspect(user) as unknown as { key: unknown }).key = "k";
    expect(evaluatorFor(User, User.othername.eq("y"))(user)).toBe("expired");
    expect(evaluatorFor(User, User.name.eq("x"))(user)).toBe(true);
  });
});

/** Result types of the issue-2 constructs. */
import { describe, expectTypeOf, it } from "vitest";
import {
  ARRAY, Integer, Sequence, String, any_, column, extract, func, select, table, text, typeCoerce, type BinaryExpression, type CollectionAggregate,
} from "../../src/index.js";

const t = table("t", column("id", Integer()), column("name", String()), column("arr", ARRAY(Integer())));

describe("issue-2 expression types", () => {
  it("operators keep or set their types", () => {
    expectTypeOf(t.c.id.bitwiseAnd(3)).toEqualTypeOf<BinaryExpression<number>>();
    expectTypeOf(t.c.name.icontains("x")).toEqualTypeOf<BinaryExpression<boolean>>();
    expectTypeOf(t.c.name.regexpReplace("a", "b")).toEqualTypeOf<BinaryExpression<string>>();
    expectTypeOf(t.c.id.is(null)).toEqualTypeOf<BinaryExpression<boolean>>();
    expectTypeOf(t.c.name.boolOp("@@")("x")).toEqualTypeOf<BinaryExpression<boolean>>();
    // @ts-expect-error a number column's bitwise operand cannot be a boolean
    t.c.id.bitwiseOr(true);
  });
  it("functions and rows", () => {
    expectTypeOf(any_(t.c.arr)).toEqualTypeOf<CollectionAggregate<number>>();
    const [row] = [] as unknown as ReturnType<typeof rowsOf>;
    expectTypeOf(row).toEqualTypeOf<[number, string, number, number | null]>();
    const ts = text("SELECT 1").columns(column("id", Integer()), { name: String() });
    expectTypeOf(ts.__named).toEqualTypeOf<{ id: number; name: string }>();
    expectTypeOf(ts.__row).toEqualTypeOf<[number, ...string[]]>();
  });
});

function rowsOf() {
  const s = select(extract("year", t.c.name), typeCoerce(t.c.id, String()), Sequence("s").nextValue(), func.max(t.c.id).withinGroup(t.c.id));
  return [] as unknown as (typeof s)["__row"][];
}

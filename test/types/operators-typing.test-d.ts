/**
 * Type-level tests of operator typing (helper C): string operators only on string (or untyped)
 * expressions, JSON / ARRAY operators only on documents and arrays, and the JS types of JSON
 * elements, ARRAY elements and `as…()` casts. Each `@ts-expect-error` fails the type check if the
 * line ever starts compiling.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  DeclarativeBase, Integer, JSON as JSONT, String as StringT, column, func, literal, literalColumn, mappedColumn, select, text,
  type BinaryExpression, type IndexExpression, type JSONElement,
} from "../../src/index.js";
import { misc, users } from "./schema.js";

class Base extends DeclarativeBase {}
class Item extends Base.model("typ_c_item", {
  id: mappedColumn(Integer, { primaryKey: true }),
  title: mappedColumn(StringT(30)),
  note: mappedColumn(StringT, { nullable: true }),
  meta: mappedColumn(JSONT<{ color: string; sizes: number[] }>()),
}) {}

describe("string operators are typed to strings", () => {
  it("accept string, nullable string, enum, UUID and untyped expressions", () => {
    expectTypeOf(users.c.name.like("a%")).toEqualTypeOf<BinaryExpression<boolean>>();
    users.c.fullname.ilike("a%");
    users.c.fullname.notLike("a%");
    users.c.fullname.notIlike("a%");
    users.c.name.startsWith("a");
    users.c.name.endsWith("a", { autoescape: true });
    users.c.name.icontains("a");
    users.c.name.istartsWith("a");
    users.c.name.iendsWith("a");
    users.c.name.regexpMatch("^a", "i");
    expectTypeOf(users.c.name.regexpReplace("a", "b")).toEqualTypeOf<BinaryExpression<string>>();
    expectTypeOf(users.c.name.concat("!")).toEqualTypeOf<BinaryExpression<string>>();
    expectTypeOf(users.c.name.contains("x")).toEqualTypeOf<BinaryExpression<boolean>>();
    misc.c.status.like("act%");
    misc.c.uid.startsWith("0");
    misc.c.tss.startsWith("2024");
    column("x").like("a%");
    literalColumn("x").contains("a");
    func.lower(users.c.name).like("a%");
    func.my_fn(users.c.id).startsWith("a");
    literal("abc").concat("d");
    text("SELECT 1").columns(column("x")).subquery().c.x.like("a");
    users.c.name.concat("-").concat(users.c.fullname).like("%");
  });

  it("accept ORM attributes of string columns", () => {
    Item.title.like("a%");
    Item.note.icontains("x");
    Item.title.concat(" ").concat(Item.note);
    select(Item).where(Item.title.startsWith("A"));
  });

  it("reject number, bigint, Date, boolean and array expressions", () => {
    // @ts-expect-error: id is a number
    users.c.id.like("1%");
    // @ts-expect-error: big is a bigint
    users.c.big.startsWith("1");
    // @ts-expect-error: ts is a Date
    misc.c.ts.contains("2024");
    // @ts-expect-error: flag is a boolean
    misc.c.flag.ilike("t");
    // @ts-expect-error: id is a number
    users.c.id.concat("x");
    // @ts-expect-error: id is a number
    users.c.id.regexpMatch("1");
    // @ts-expect-error: id is a number
    users.c.id.regexpReplace("1", "2");
    // @ts-expect-error: id is a number
    users.c.id.icontains("1");
    // @ts-expect-error: id is a number
    users.c.id.notLike("1");
    // @ts-expect-error: id is a number
    users.c.id.notIlike("1");
    // @ts-expect-error: id is a number
    users.c.id.istartsWith("1");
    // @ts-expect-error: id is a number
    users.c.id.iendsWith("1");
    // @ts-expect-error: id is a number
    users.c.id.endsWith("1");
    // @ts-expect-error: Item.id is a number
    Item.id.like("1");
    // @ts-expect-error: count() is a number
    func.count().like("1");
    // @ts-expect-error: ints is an array (its contains() is containment)
    misc.c.ints.like("1");
  });
});

describe("JSON and ARRAY operators", () => {
  it("at() types JSON elements after the document type", () => {
    expectTypeOf(misc.c.anyDoc.at("k")).toEqualTypeOf<JSONElement<unknown>>();
    expectTypeOf(misc.c.anyDoc.at(["a", 1])).toEqualTypeOf<JSONElement<unknown>>();
    expectTypeOf(misc.c.doc.at("a")).toEqualTypeOf<JSONElement<number | null>>();
    expectTypeOf(misc.c.docb.at("tags")).toEqualTypeOf<JSONElement<string[] | null>>();
    expectTypeOf(misc.c.docb.at(["tags", 0])).toEqualTypeOf<JSONElement<string | null>>();
    expectTypeOf(misc.c.doc.at("nope")).toEqualTypeOf<JSONElement<unknown>>();
    expectTypeOf(Item.meta.at("sizes")).toEqualTypeOf<JSONElement<number[] | null>>();
    expectTypeOf(misc.c.anyDoc.at("k").at("j")).toEqualTypeOf<JSONElement<unknown>>();
  });

  it("as…() casts have SQL value types", () => {
    expectTypeOf(misc.c.anyDoc.at("k").asString()).toEqualTypeOf<IndexExpression<string | null>>();
    expectTypeOf(misc.c.anyDoc.at("k").asInteger()).toEqualTypeOf<IndexExpression<number | null>>();
    expectTypeOf(misc.c.anyDoc.at("k").asFloat()).toEqualTypeOf<IndexExpression<number | null>>();
    expectTypeOf(misc.c.anyDoc.at("k").asBoolean()).toEqualTypeOf<IndexExpression<boolean | null>>();
    expectTypeOf(misc.c.anyDoc.at("k").asNumeric(10, 2)).toEqualTypeOf<IndexExpression<string | null>>();
    // A cast element is a string expression: string operators apply.
    misc.c.anyDoc.at("k").asString().like("a%");
    // @ts-expect-error: asInteger() gives a number
    misc.c.anyDoc.at("k").asInteger().like("a%");
    // @ts-expect-error: a SQL-typed element has no further JSON access
    misc.c.anyDoc.at("k").asString().at("x");
  });

  it("ARRAY index and slice types", () => {
    expectTypeOf(misc.c.ints.at(1)).toEqualTypeOf<IndexExpression<number | null>>();
    expectTypeOf(misc.c.grid.at(1)).toEqualTypeOf<IndexExpression<number[] | null>>();
    expectTypeOf(misc.c.ints.slice(1, 2)).toEqualTypeOf<IndexExpression<number[] | null>>();
    misc.c.ints.at(1).eq(5);
    // @ts-expect-error: an ARRAY(Integer) element is a number
    misc.c.ints.at(1).eq("5");
  });

  it("containment operands follow the document / array type", () => {
    misc.c.ints.contains([1, 2]);
    misc.c.ints.containedBy([1, 2]);
    misc.c.ints.overlap([1, null]);
    misc.c.docb.contains({ tags: ["x"] });
    misc.c.docb.containedBy({ a: 1 });
    misc.c.anyDoc.contains({ anything: [1] });
    misc.c.docb.hasKey("a");
    misc.c.docb.hasAll(["a", "tags"]);
    misc.c.docb.hasAny(["a"]);
    misc.c.docb.pathExists("$.a");
    misc.c.docb.pathMatch("$.a > 1");
    expectTypeOf(misc.c.docb.deletePath(["tags", 0])).toEqualTypeOf<BinaryExpression<{ a: number; tags: string[] }>>();
    // @ts-expect-error: ints holds numbers
    misc.c.ints.contains(["1"]);
    // @ts-expect-error: ints holds numbers
    misc.c.ints.overlap(["1"]);
    // @ts-expect-error: docb's "a" is a number
    misc.c.docb.contains({ a: "1" });
    // @ts-expect-error: hasAll takes keys
    misc.c.docb.hasAll([1]);
  });

  it("are refused on scalar expressions", () => {
    // @ts-expect-error: name is a string, not a document
    users.c.name.at("x");
    // @ts-expect-error: id is a number
    users.c.id.at(0);
    // @ts-expect-error: id is a number
    users.c.id.hasKey("a");
    // @ts-expect-error: ts is a Date
    misc.c.ts.slice(1, 2);
    // @ts-expect-error: blob is bytes
    misc.c.blob.at(0);
    // @ts-expect-error: id is a number: neither LIKE nor containment
    users.c.id.contains(1);
    // @ts-expect-error: Item.title is a string
    Item.title.at("x");
  });
});

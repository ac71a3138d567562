/**
 * Type-level tests: a typed `Table(...)` keeps each column's JS type on `t.c.<key>`
 * (issue 2, section 9 "A typed table declaration keeps column types for `t.c.x`").
 * Nullable columns give `T | null`; primary keys and `nullable: false` give `T`.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  Column, ColumnClause, ColumnImpl, ForeignKey, Integer, MetaData, String as StringT, Table, column, table,
  type Column as ColumnT, type ColumnValue, type JsTypeOf,
} from "../../src/index.js";
import { addresses, misc, users, type Doc } from "./schema.js";

describe("Column(type, options)", () => {
  it("types each column by its type and nullability", () => {
    expectTypeOf(users.c.id).toEqualTypeOf<ColumnT<number, "id">>();
    expectTypeOf(users.c.name).toEqualTypeOf<ColumnT<string, "name">>();
    expectTypeOf(users.c.fullname).toEqualTypeOf<ColumnT<string | null, "fullname">>();
    expectTypeOf<ColumnValue<typeof users.c.big>>().toEqualTypeOf<bigint | null>();
  });

  it("makes primary keys non-null unless nullable: true is explicit", () => {
    expectTypeOf<ColumnValue<typeof users.c.id>>().toEqualTypeOf<number>();
    expectTypeOf<ColumnValue<typeof misc.c.pkNullable>>().toEqualTypeOf<number | null>();
  });

  it("types a column declared through `new Column` the same way", () => {
    const c = new Column(StringT(10), { nullable: false });
    expectTypeOf(c).toEqualTypeOf<ColumnImpl<string>>();
    expectTypeOf(Column(Integer)).toEqualTypeOf<ColumnImpl<number | null>>();
  });

  it("keys columns by record key, whatever their SQL name", () => {
    expectTypeOf(misc.c.createdAt).toEqualTypeOf<ColumnT<Date | null, "createdAt">>();
    expectTypeOf(addresses.c.userId.key).toEqualTypeOf<string>();
    expectTypeOf(misc.c).toHaveProperty("createdAt");
    expectTypeOf(misc.c).not.toHaveProperty("created_at");
    expectTypeOf(users.columns.name).toEqualTypeOf<ColumnT<string, "name">>();
  });
});

describe("JS representation of each type", () => {
  it("JSON<T> and JSONB<T> carry the document type; bare JSON is unknown", () => {
    expectTypeOf<ColumnValue<typeof misc.c.doc>>().toEqualTypeOf<Doc | null>();
    expectTypeOf<ColumnValue<typeof misc.c.docb>>().toEqualTypeOf<Doc>();
    expectTypeOf<ColumnValue<typeof misc.c.anyDoc>>().toEqualTypeOf<unknown>();
  });

  it("Enum gives the union of its literal values", () => {
    expectTypeOf<ColumnValue<typeof misc.c.status>>().toEqualTypeOf<"active" | "banned">();
  });

  it("DateTime is Date in mode 'date' (default) and string in mode 'string'", () => {
    expectTypeOf<ColumnValue<typeof misc.c.ts>>().toEqualTypeOf<Date>();
    expectTypeOf<ColumnValue<typeof misc.c.tsz>>().toEqualTypeOf<Date | null>();
    expectTypeOf<ColumnValue<typeof misc.c.tss>>().toEqualTypeOf<string>();
    expectTypeOf<ColumnValue<typeof misc.c.day>>().toEqualTypeOf<Date | null>();
  });

  it("follows the documented JS types of the other types (no silent precision loss)", () => {
    expectTypeOf<ColumnValue<typeof misc.c.flag>>().toEqualTypeOf<boolean>();
    // Numeric is a decimal string and BigInteger a bigint: no digits lost to a double.
    expectTypeOf<ColumnValue<typeof misc.c.price>>().toEqualTypeOf<string | null>();
    expectTypeOf<ColumnValue<typeof users.c.big>>().toEqualTypeOf<bigint | null>();
    expectTypeOf<ColumnValue<typeof misc.c.uid>>().toEqualTypeOf<string | null>();
    expectTypeOf<ColumnValue<typeof misc.c.blob>>().toEqualTypeOf<Uint8Array | null>();
    expectTypeOf<ColumnValue<typeof misc.c.ints>>().toEqualTypeOf<number[] | null>();
    expectTypeOf<ColumnValue<typeof misc.c.grid>>().toEqualTypeOf<number[][] | null>();
    expectTypeOf<ColumnValue<typeof misc.c.body>>().toEqualTypeOf<string | null>();
    expectTypeOf<JsTypeOf<typeof Integer>>().toEqualTypeOf<number>();
  });
});

describe("Column(ForeignKey(...))", () => {
  it("takes nullability from the options", () => {
    const md = new MetaData();
    const t = Table("typ_fk", md, {
      id: Column(Integer, { primaryKey: true }),
      a: Column(ForeignKey("typ_users.id"), { nullable: false }),
      b: Column(ForeignKey("typ_users.id")),
    });
    // A string target cannot be resolved by the compiler, so the value type is unknown.
    expectTypeOf<ColumnValue<typeof t.c.a>>().toEqualTypeOf<unknown>();
    expectTypeOf<ColumnValue<typeof t.c.b>>().toEqualTypeOf<unknown>();
  });

  it("accepts an explicit value type", () => {
    const c = Column<number, { nullable: false }>(ForeignKey("typ_users.id"), { nullable: false });
    expectTypeOf(c).toEqualTypeOf<ColumnImpl<number>>();
    const n = Column<number>(ForeignKey("typ_users.id"));
    expectTypeOf(n).toEqualTypeOf<ColumnImpl<number | null>>();
    // Giving only the value type still reads the options.
    expectTypeOf(Column<number>(ForeignKey("typ_users.id"), { nullable: false })).toEqualTypeOf<ColumnImpl<number>>();
    expectTypeOf(Column<number>(ForeignKey("typ_users.id"), { primaryKey: true })).toEqualTypeOf<ColumnImpl<number>>();
    expectTypeOf(Column<number>(ForeignKey("typ_users.id"), { primaryKey: true, nullable: true })).toEqualTypeOf<ColumnImpl<number | null>>();
    expectTypeOf(new Column<string>(ForeignKey("typ_users.name"), { nullable: false, name: "uname" })).toEqualTypeOf<ColumnImpl<string>>();
  });

  it("takes the referenced column's type from ForeignKey(table.c.col)", () => {
    expectTypeOf(ForeignKey(users.c.id)).toEqualTypeOf<ForeignKey<number>>();
    expectTypeOf(new ForeignKey(users.c.name)).toEqualTypeOf<ForeignKey<string>>();
    expectTypeOf(ForeignKey("typ_users.id")).toEqualTypeOf<ForeignKey<unknown>>();
    const md = new MetaData();
    const t = Table("typ_fk_typed", md, {
      id: Column(Integer, { primaryKey: true }),
      userId: Column(ForeignKey(users.c.id), { nullable: false }),
      maybeUser: Column(ForeignKey(users.c.id, { onDelete: "SET NULL" })),
      // The target's NULL does not carry over: the referencing column's options decide.
      byFullname: Column(ForeignKey(users.c.fullname), { nullable: false }),
      pk: Column(ForeignKey(users.c.big), { primaryKey: true }),
    });
    expectTypeOf<ColumnValue<typeof t.c.userId>>().toEqualTypeOf<number>();
    expectTypeOf<ColumnValue<typeof t.c.maybeUser>>().toEqualTypeOf<number | null>();
    expectTypeOf<ColumnValue<typeof t.c.byFullname>>().toEqualTypeOf<string>();
    expectTypeOf<ColumnValue<typeof t.c.pk>>().toEqualTypeOf<bigint>();
    // A stated type must agree with a typed target.
    // @ts-expect-error: users.c.id is a number
    Column<string>(ForeignKey(users.c.id), { nullable: false });
    // The typed column now compares with its target without casts, and refuses other types.
    t.c.userId.eq(users.c.id);
    // @ts-expect-error: userId is a number
    t.c.userId.eq(users.c.name);
  });
});

describe("lightweight table() and column()", () => {
  it("column(name, type) carries its type and key", () => {
    expectTypeOf(column("a", Integer)).toEqualTypeOf<ColumnClause<number, "a">>();
    expectTypeOf(column("b", StringT)).toEqualTypeOf<ColumnClause<string, "b">>();
    expectTypeOf(column("c")).toEqualTypeOf<ColumnClause<unknown, "c">>();
  });

  it("table(name, ...columns) keys its columns", () => {
    const t = table("typ_light", column("a", Integer), column("b", StringT));
    expectTypeOf(t.c).toHaveProperty("a");
    expectTypeOf(t.c).toHaveProperty("b");
    // @ts-expect-error: no column "z"
    void t.c.z;
    expectTypeOf(t.c.a).toEqualTypeOf<ColumnClause<number, "a">>();
    expectTypeOf(t.c.b).toEqualTypeOf<ColumnClause<string, "b">>();
  });
});

describe("positional Table and Column (SQLAlchemy's form)", () => {
  it("infers column keys and JS types from the positional names, types and options", () => {
    const md = new MetaData();
    const t = Table(
      "pos_users",
      md,
      Column("id", Integer, { primaryKey: true }),
      Column("user_name", StringT(40), { nullable: false, key: "name" }),
      Column("note", StringT),
    );
    expectTypeOf(t.c.id).toEqualTypeOf<ColumnImpl<number, "id">>();
    expectTypeOf(t.c.name).toEqualTypeOf<ColumnImpl<string, "name">>();
    expectTypeOf(t.c.note).toEqualTypeOf<ColumnImpl<string | null, "note">>();
    // @ts-expect-error: the SQL name is not the key when `key` is given
    void t.c.user_name;
  });
});

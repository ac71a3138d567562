/**
 * Type-level tests: misuse the compiler rejects. Each `@ts-expect-error` fails the type check if
 * the line ever starts compiling.
 */
import { describe, expectTypeOf, it } from "vitest";
import { select, text, type AsyncConnection } from "../../src/index.js";
import { addresses, misc, users } from "./schema.js";

declare const conn: AsyncConnection;

describe("misuse rejected at compile time", () => {
  it("unknown columns of a table", () => {
    // @ts-expect-error: typ_users has no column "nope"
    void users.c.nope;
    // @ts-expect-error: the SQL name of createdAt is "created_at"; `c` is keyed by record key
    void misc.c.created_at;
    expectTypeOf(users.c).toHaveProperty("id");
  });

  it("comparing a column to a JS value of another type", () => {
    users.c.id.eq(1);
    users.c.id.eq(null);
    users.c.fullname.ne("x");
    // @ts-expect-error: id is a number
    users.c.id.eq("1");
    // @ts-expect-error: id is a number
    users.c.id.gt("1");
    // @ts-expect-error: id is a number
    users.c.id.between(1, "9");
    // @ts-expect-error: name is a string
    users.c.name.in([1, 2]);
    // @ts-expect-error: name is a string
    users.c.name.notIn(["a", 2]);
    // @ts-expect-error: status is "active" | "banned"
    misc.c.status.eq("deleted");
    // @ts-expect-error: a DateTime in mode "date" compares to a Date
    misc.c.ts.lt("2024-01-01");
    // @ts-expect-error: BigInteger compares to a bigint
    users.c.big.eq(1);
    // @ts-expect-error: arithmetic on a string column takes strings (use concat())
    users.c.name.add(1);
  });

  it("LIKE patterns must be strings", () => {
    users.c.name.like("a%");
    users.c.name.contains("x", { autoescape: true });
    // @ts-expect-error: pattern is a number
    users.c.name.like(5);
    // @ts-expect-error: pattern is a number
    users.c.name.startsWith(5);
  });

  it("things that are not selectable, executable or conditions", async () => {
    // @ts-expect-error: a number is not a column or FROM clause
    select(5);
    // @ts-expect-error: a bare string is not a column (SQLAlchemy 2.0 requires text()/column())
    select("name");
    // @ts-expect-error: WHERE takes expressions, not SQL strings (use text())
    select(users.c.id).where("id = 1");
    // @ts-expect-error: textual SQL must be wrapped in text()
    await conn.execute("SELECT 1");
    await conn.execute(text("SELECT 1"));
    // @ts-expect-error: LIMIT takes a number
    select(users.c.id).limit("5");
  });

  it("reading a column the row does not have", async () => {
    const row = (await conn.execute(select(users.c.id, addresses.c.email))).one();
    expectTypeOf(row.email).toEqualTypeOf<string>();
    // @ts-expect-error: the row has id and email only
    void row.name;
    // @ts-expect-error: the mapping has id and email only
    void row._mapping.name;
    // @ts-expect-error: scalars() takes a column key of the row
    (await conn.execute(select(users.c.id))).scalars("name");
    // @ts-expect-error: columns() takes column keys of the row
    (await conn.execute(select(users.c.id))).columns("name");
  });
});

// Typing gaps (the types are looser than they should be; see the report). These compile today
// and should not:
//   users.c.id.eq(users.c.name)            comparing columns of different types
//   users.c.id.in([users.c.name])          same, in an IN list
//   users.c.id.like("x")                   LIKE family on a non-string column
//   select(users.c.id).where(users.c.id)   a non-boolean expression as a WHERE criterion
//   and(users.c.id)                        same, in and()/or()/not()

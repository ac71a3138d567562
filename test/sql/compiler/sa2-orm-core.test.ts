/**
 * Core constructs given ORM entities and attributes, as SQLAlchemy 2.0's coercions accept them
 * (test/orm/test_core_compilation.py behaviours that live in Core): RETURNING of attributes and
 * `literal_column("*")`, correlate() of an entity, join_from() along a relationship, and column
 * lineage through ORM attributes.
 */
import { describe, expect, it } from "vitest";
import { DeclarativeBase, ForeignKey, Integer, String, func, insert, literalColumn, mappedColumn, relationship, select, update } from "../../../src/index.js";
import { assertCompile } from "./helpers.js";

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function fixtures() {
  class Base extends DeclarativeBase {}
  class User extends Base.model("users", {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {
    static addresses = relationship(() => Address, { backPopulates: "user" });
    declare addresses: Address[];
  }
  class Address extends Base.model("addresses", {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey("users.id"), { nullable: true }),
    email_address: mappedColumn(String(50)),
  }) {
    static user = relationship(() => User, { backPopulates: "addresses" });
    declare user: User | null;
  }
  return { User, Address };
}

describe("ORM entities and attributes in Core constructs", () => {
  const { User, Address } = fixtures();

  it("RETURNING an ORM attribute renders its column unlabelled", () => {
    assertCompile(update(User).values({ name: "x" }).returning(User.id, User.name), "UPDATE users SET name=:name RETURNING users.id, users.name");
  });
  it("RETURNING literalColumn('*') renders *", () => {
    assertCompile(insert(User).values({ name: "x" }).returning(literalColumn("*")), "INSERT INTO users (name) VALUES (:name) RETURNING *");
  });
  it("correlate() accepts an entity", () => {
    const sub = select(func.count(Address.id)).where(Address.user_id.eq(User.id)).correlate(User).scalarSubquery();
    assertCompile(
      select(User.name, sub.label("n")),
      "SELECT users.name, (SELECT count(addresses.id) AS count_1 FROM addresses WHERE addresses.user_id = users.id) AS n FROM users",
    );
  });
  it("joinFrom() accepts a relationship as the ON clause", () => {
    assertCompile(
      select(User.name, Address.email_address).joinFrom(User, Address, User.addresses),
      "SELECT users.name, addresses.email_address FROM users JOIN addresses ON users.id = addresses.user_id",
    );
  });
  it("a subquery's column shares lineage with the ORM attribute it selects", () => {
    const sq = select(User.id).subquery();
    expect(sq.c.id.sharesLineage(User.id)).toBe(true);
    expect(sq.c.id.baseColumn.kind).toBe("column");
    expect(sq.c.id.sharesLineage(User.name)).toBe(false);
    expect(sq.correspondingColumn(User.id)).toBe(sq.c.id);
  });
});

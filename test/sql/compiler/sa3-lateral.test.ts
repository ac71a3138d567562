/**
 * SQLAlchemy's test/sql/test_lateral.py, ported: LATERAL subqueries standalone, in FROM, in
 * joins, with implicit and explicit correlation.
 */
import { describe, it } from "vitest";
import { Column, Integer, MetaData, String, Table, join, lateral, select, text, true_ } from "../../../src/index.js";
import { assertCompile } from "./helpers.js";

function tables() {
  const md = new MetaData();
  const people = Table("people", md, {
    people_id: Column(Integer, { primaryKey: true }),
    age: Column(Integer),
    name: Column(String(30)),
  });
  const bookcases = Table("bookcases", md, {
    bookcase_id: Column(Integer, { primaryKey: true }),
    bookcase_owner_id: Column(Integer, { foreignKey: "people.people_id" }),
    bookcase_shelves: Column(Integer),
    bookcase_width: Column(Integer),
  });
  const books = Table("books", md, {
    book_id: Column(Integer, { primaryKey: true }),
    bookcase_id: Column(Integer, { foreignKey: "bookcases.bookcase_id" }),
    book_owner_id: Column(Integer, { foreignKey: "people.people_id" }),
    book_weight: Column(Integer),
  });
  return { people, bookcases, books };
}

describe("LateralTest (test_lateral.py)", () => {
  const { people: table1, books: table2, bookcases } = tables();

  it("test_standalone", () => {
    const subq = select(table1.c.people_id).subquery();
    assertCompile(lateral(subq, "alias"), "LATERAL (SELECT people.people_id FROM people)");
    assertCompile(subq.lateral("alias"), "LATERAL (SELECT people.people_id FROM people)");
  });

  it("test_standalone_implicit_subquery", () => {
    const subq = select(table1.c.people_id);
    assertCompile(lateral(subq, "alias"), "LATERAL (SELECT people.people_id FROM people)");
    assertCompile(subq.lateral("alias"), "LATERAL (SELECT people.people_id FROM people)");
  });

  it("test_select_from", () => {
    const subq = select(table1.c.people_id).subquery();
    assertCompile(select(subq.lateral("alias")), "SELECT alias.people_id FROM LATERAL (SELECT people.people_id AS people_id FROM people) AS alias");
  });

  it("test_alias_of_lateral", () => {
    const subq = select(table1.c.people_id).subquery();
    assertCompile(select(subq.lateral().alias("alias")), "SELECT alias.people_id FROM LATERAL (SELECT people.people_id AS people_id FROM people) AS alias");
  });

  it("test_select_from_implicit_subquery", () => {
    const subq = select(table1.c.people_id);
    assertCompile(select(subq.lateral("alias")), "SELECT alias.people_id FROM LATERAL (SELECT people.people_id AS people_id FROM people) AS alias");
  });

  it("test_select_from_text_implicit_subquery", () => {
    const subq = text("SELECT people_id FROM people").columns(table1.c.people_id);
    assertCompile(select(subq.lateral("alias")), "SELECT alias.people_id FROM LATERAL (SELECT people_id FROM people) AS alias");
  });

  it("test_plain_join", () => {
    let subq = select(table2.c.book_id).where(table2.c.book_owner_id.eq(table1.c.people_id));
    assertCompile(
      join(table1, lateral(subq.subquery(), "alias"), true_()),
      "people JOIN LATERAL (SELECT books.book_id AS book_id FROM books, people WHERE books.book_owner_id = people.people_id) AS alias ON true",
    );
    const expected =
      "SELECT people.people_id, people.age, people.name FROM people JOIN LATERAL (SELECT books.book_id AS book_id " +
      "FROM books WHERE books.book_owner_id = people.people_id) AS alias ON true";
    assertCompile(select(table1).selectFrom(join(table1, lateral(subq.subquery(), "alias"), true_())), expected);
    subq = subq.correlate(table1);
    assertCompile(select(table1).selectFrom(join(table1, lateral(subq.subquery(), "alias"), true_())), expected);
  });

  it("test_plain_join_implicit_subquery", () => {
    let subq = select(table2.c.book_id).where(table2.c.book_owner_id.eq(table1.c.people_id));
    assertCompile(
      join(table1, lateral(subq, "alias"), true_()),
      "people JOIN LATERAL (SELECT books.book_id AS book_id FROM books, people WHERE books.book_owner_id = people.people_id) AS alias ON true",
    );
    const expected =
      "SELECT people.people_id, people.age, people.name FROM people JOIN LATERAL (SELECT books.book_id AS book_id " +
      "FROM books WHERE books.book_owner_id = people.people_id) AS alias ON true";
    assertCompile(select(table1).selectFrom(join(table1, lateral(subq, "alias"), true_())), expected);
    subq = subq.correlate(table1);
    assertCompile(select(table1).selectFrom(join(table1, lateral(subq, "alias"), true_())), expected);
  });

  it("test_join_lateral_w_select_subquery", () => {
    const subq = select(table2.c.book_id).correlate(table1).where(table1.c.people_id.eq(table2.c.book_owner_id)).subquery().lateral();
    assertCompile(
      select(table1, subq.c.book_id).selectFrom(table1.join(subq, true_())),
      "SELECT people.people_id, people.age, people.name, anon_1.book_id FROM people JOIN LATERAL (SELECT books.book_id AS book_id " +
        "FROM books WHERE people.people_id = books.book_owner_id) AS anon_1 ON true",
    );
  });

  for (const useTwolevel of [true, false])
    it(`test_join_lateral_subquery_twolevel (${useTwolevel})`, () => {
      const books = table2;
      const p1 = select(books.c.book_id, books.c.bookcase_id, books.c.book_owner_id).subquery();
      const p2 = select(bookcases.c.bookcase_id, bookcases.c.bookcase_owner_id).where(bookcases.c.bookcase_id.eq(p1.c.bookcase_id)).subquery().lateral();
      const p3 = select(table1.c.people_id).where(p1.c.book_owner_id.eq(table1.c.people_id)).subquery().lateral();
      const onelevel = select(p1.c.book_id, p2.c.bookcase_id).selectFrom(p1).join(p2, true_());
      if (useTwolevel) {
        assertCompile(
          onelevel.addColumns(p3.c.people_id).join(p3, true_()),
          "SELECT anon_1.book_id, anon_2.bookcase_id, anon_3.people_id FROM (SELECT books.book_id AS book_id, books.bookcase_id AS " +
            "bookcase_id, books.book_owner_id AS book_owner_id FROM books) AS anon_1 JOIN LATERAL (SELECT bookcases.bookcase_id AS " +
            "bookcase_id, bookcases.bookcase_owner_id AS bookcase_owner_id FROM bookcases WHERE bookcases.bookcase_id = anon_1.bookcase_id) " +
            "AS anon_2 ON true JOIN LATERAL (SELECT people.people_id AS people_id FROM people WHERE anon_1.book_owner_id = people.people_id) AS anon_3 ON true",
        );
      } else {
        assertCompile(
          onelevel,
          "SELECT anon_1.book_id, anon_2.bookcase_id FROM (SELECT books.book_id AS book_id, books.bookcase_id AS bookcase_id, " +
            "books.book_owner_id AS book_owner_id FROM books) AS anon_1 JOIN LATERAL (SELECT bookcases.bookcase_id AS bookcase_id, " +
            "bookcases.bookcase_owner_id AS bookcase_owner_id FROM bookcases WHERE bookcases.bookcase_id = anon_1.bookcase_id) AS anon_2 ON true",
        );
      }
    });

  it("test_join_lateral_w_select_implicit_subquery", () => {
    const subq = select(table2.c.book_id).correlate(table1).where(table1.c.people_id.eq(table2.c.book_owner_id)).lateral();
    assertCompile(
      select(table1, subq.c.book_id).selectFrom(table1.join(subq, true_())),
      "SELECT people.people_id, people.age, people.name, anon_1.book_id FROM people JOIN LATERAL (SELECT books.book_id AS book_id " +
        "FROM books WHERE people.people_id = books.book_owner_id) AS anon_1 ON true",
    );
  });
});

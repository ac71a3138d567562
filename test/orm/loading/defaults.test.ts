/**
 * Relationship-level loader strategies (`lazy: "selectin" | "joined" | "noload"`) applied without
 * options, their recursion limits (joinDepth, cycles), raiseload("*") overriding them, and eager
 * loaders applying again on refresh.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DeclarativeBase, ForeignKey, insert, Integer, mappedColumn, raiseload, relationship, select, String, UnloadedAttributeError,
  type RelationshipOptions,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { ormExecute, openDb, type Db } from "./models.js";

class Base extends DeclarativeBase {}
const p = uniqueName("lddef");

class Author extends Base.model(`${p}_authors`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
}) {
  static books = relationship(() => Book, { backPopulates: "author", lazy: "selectin", orderBy: () => Book.id });
  declare books: Book[];
  static notes = relationship(() => Note, { lazy: "noload" });
  declare notes: Note[];
}
class Book extends Base.model(`${p}_books`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  authorId: mappedColumn(ForeignKey(`${p}_authors.id`), { name: "author_id" }),
  title: mappedColumn(String(30)),
}) {
  // Cycle: Author.books (selectin) ↔ Book.author (joined).
  static author = relationship(() => Author, { backPopulates: "books", lazy: "joined" });
  declare author: Author;
  static chapters = relationship(() => Chapter, { lazy: "joined", orderBy: () => Chapter.id });
  declare chapters: Chapter[];
}
class Chapter extends Base.model(`${p}_chapters`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  bookId: mappedColumn(ForeignKey(`${p}_books.id`), { name: "book_id" }),
  title: mappedColumn(String(30)),
}) {}
class Note extends Base.model(`${p}_notes`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  authorId: mappedColumn(ForeignKey(`${p}_authors.id`), { name: "author_id" }),
}) {}

// joinDepth is read by the loader (SQLAlchemy's join_depth); passed through a variable because
// RelationshipOptions does not declare it yet.
const twoLevels = { lazy: "joined", joinDepth: 2, orderBy: () => Cat.id } as const satisfies RelationshipOptions & { joinDepth: number };
class Cat extends Base.model(`${p}_cats`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  parentId: mappedColumn(ForeignKey(`${p}_cats.id`), { name: "parent_id", nullable: true }),
  name: mappedColumn(String(30)),
}) {
  static children = relationship(() => Cat, twoLevels);
  declare children: Cat[];
}
class Dir extends Base.model(`${p}_dirs`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  parentId: mappedColumn(ForeignKey(`${p}_dirs.id`), { name: "parent_id", nullable: true }),
}) {
  // Self-referential joined without joinDepth: stops at once (the target mapper is already on the path).
  static children = relationship(() => Dir, { lazy: "joined" });
  declare children: Dir[];
}

describe.each(dialectTargets())("default loader strategies on $name", (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(Author.__table__), [{ id: 1, name: "ann" }, { id: 2, name: "bob" }]);
      await conn.execute(insert(Book.__table__), [
        { id: 1, authorId: 1, title: "b1" },
        { id: 2, authorId: 1, title: "b2" },
        { id: 3, authorId: 2, title: "b3" },
      ]);
      await conn.execute(insert(Chapter.__table__), [
        { id: 1, bookId: 1, title: "c1" },
        { id: 2, bookId: 1, title: "c2" },
      ]);
      await conn.execute(insert(Cat.__table__), [
        { id: 1, parentId: null, name: "root" },
        { id: 2, parentId: 1, name: "a" },
        { id: 3, parentId: 2, name: "a1" },
        { id: 4, parentId: 3, name: "a1x" },
      ]);
      await conn.execute(insert(Dir.__table__), [{ id: 1, parentId: null }, { id: 2, parentId: 1 }]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("lazy selectin/joined/noload apply without options, and a cycle stops where the mapper repeats", async () => {
    const s = db.session();
    db.counting.reset();
    const authors = (await s.scalars(select(Author).orderBy(Author.id))).all();
    // authors; then books (selectin) with chapters joined into the same SELECT. Book.author is
    // not joined again: Author is already on the load path.
    expect(db.selects()).toHaveLength(2);
    expect(db.selects()[1]).toMatch(/LEFT OUTER JOIN \S+_chapters AS \S+_chapters_1/);
    expect(db.selects()[1]).not.toMatch(/_authors/);
    expect(authors.map((a) => [a.name, a.books.map((b) => [b.title, b.chapters.map((c) => c.title)])])).toEqual([
      ["ann", [["b1", ["c1", "c2"]], ["b2", []]]],
      ["bob", [["b3", []]]],
    ]);
    expect(authors[0].notes).toEqual([]);
    // The many-to-one back to the author is not loaded on this path (the cycle stops there).
    expect(() => authors[0].books[0].author).toThrow(UnloadedAttributeError);
    await s.close();
  });

  it("starting from the other side: Book.author joined, then Author.books is not reloaded (cycle)", async () => {
    const s = db.session();
    db.counting.reset();
    const books = (await ormExecute(s, select(Book).orderBy(Book.id))).unique().scalars().all() as Book[];
    expect(db.selects()).toHaveLength(1);
    expect(books.map((b) => [b.title, b.author.name, b.chapters.length])).toEqual([["b1", "ann", 2], ["b2", "ann", 0], ["b3", "bob", 0]]);
    await s.close();
  });

  it("raiseload('*') overrides relationship-level strategies", async () => {
    const s = db.session();
    db.counting.reset();
    const a = (await s.scalars(select(Author).where(Author.id.eq(1)).options(raiseload("*")))).one();
    expect(db.selects()).toHaveLength(1);
    expect(() => a.books).toThrow(UnloadedAttributeError);
    await s.close();
  });

  it("self-referential joined eager loading honours joinDepth, and stops at once without it", async () => {
    const s = db.session();
    db.counting.reset();
    const root = (await ormExecute(s, select(Cat).where(Cat.id.eq(1)))).unique().scalars().one() as Cat;
    expect(db.selects()).toHaveLength(1);
    expect(db.selects()[0].match(/LEFT OUTER JOIN/g)).toHaveLength(2);
    expect(root.children[0].name).toBe("a");
    expect(root.children[0].children.map((c) => c.name)).toEqual(["a1"]);
    expect(() => root.children[0].children[0].children).toThrow(UnloadedAttributeError);

    db.counting.reset();
    const d = (await s.scalars(select(Dir).where(Dir.id.eq(1)))).one();
    expect(db.selects()[0]).not.toContain("JOIN");
    expect(() => d.children).toThrow(UnloadedAttributeError);
    await s.close();
  });

  it("eager loaders apply again on refresh()", async () => {
    const s = db.session();
    const a = (await s.scalars(select(Author).where(Author.id.eq(2)))).one();
    expect(a.books.map((b) => b.title)).toEqual(["b3"]);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(Book.__table__), [{ id: 4, authorId: 2, title: "b4" }]);
    });
    db.counting.reset();
    await s.refresh(a);
    expect(db.selects()).toHaveLength(2);
    expect(a.books.map((b) => b.title)).toEqual(["b3", "b4"]);
    await s.close();
  });
});

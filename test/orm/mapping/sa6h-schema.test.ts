/**
 * Schema follow-ups: columns a single-table subclass adds to its base table get their index,
 * unique and foreign key constraints named by the MetaData's naming convention, as the Table's
 * own columns do (SQLAlchemy's declarative puts them through `append_column` /
 * `_column_flag` indexes); and a flush over tables whose foreign keys form a cycle orders them
 * without the "cycle" warning MetaData.sortedTables gives (SQLAlchemy's unit of work sorts by
 * mapper dependencies, not table DDL order). On PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeclarativeBase, ForeignKey, Integer, MetaData, mappedColumn, Registry, String, warnings } from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "../loading/models.js";

const p = uniqueName("sa6h_sc");
const t = (n: string): string => `${p}_${n}`;

const reg = new Registry(new MetaData({
  namingConvention: {
    ix: "ix_%(column_0_label)s",
    uq: "uq_%(table_name)s_%(column_0_name)s",
    fk: "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
  },
}));
class Base extends DeclarativeBase {
  static override get registry(): Registry {
    return reg;
  }
}
class Dept extends Base.model(t("dept"), { id: mappedColumn(Integer, { primaryKey: true }) }) {}
class Staff extends Base.model(t("staff"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  kind: mappedColumn(String(20)),
}, { polymorphicOn: "kind", polymorphicIdentity: "staff" }) {}
class Manager extends Staff.subclass({
  budget: mappedColumn(Integer, { index: true, nullable: true }),
  code: mappedColumn(String(10), { unique: true, nullable: true }),
  deptId: mappedColumn(ForeignKey(`${t("dept")}.id`), { name: "dept_id", nullable: true }),
}, { polymorphicIdentity: "manager" }) {}

class CycleBase extends DeclarativeBase {}
class Author extends CycleBase.model(t("author"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  favoriteBookId: mappedColumn(ForeignKey(`${t("book")}.id`, { name: t("fk_fav") }), { name: "favorite_book_id", nullable: true }),
}) {}
class Book extends CycleBase.model(t("book"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  authorId: mappedColumn(ForeignKey(`${t("author")}.id`, { name: t("fk_author") }), { name: "author_id", nullable: true }),
}) {}

describe("single-table subclass columns follow the naming convention", () => {
  it("index, unique constraint and foreign key of the subclass's columns are named by it", () => {
    expect(Manager.__table__).toBe(Staff.__table__);
    const table = Staff.__table__;
    expect(table.indexes.map((ix) => ix.name)).toEqual([`ix_${t("staff")}_budget`]);
    const uq = table.constraints.filter((c) => c.constructor.name === "UniqueConstraint").map((c) => c.name);
    expect(uq).toEqual([`uq_${t("staff")}_code`]);
    expect(table.foreignKeyConstraints.map((c) => c.name)).toEqual([`fk_${t("staff")}_dept_id_${t("dept")}`]);
    expect(table.foreignKeyConstraints[0].elements.length).toBe(1);
    void Dept;
  });
});

describe.each(dialectTargets())("flush order over a foreign key cycle on $name", (target) => {
  let db: Db;
  beforeAll(async () => {
    // CREATE breaks the cycle with ALTER (and says so); the flush must not.
    await warnings.catch(async () => {
      db = await openDb(target, CycleBase);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("authors are inserted before their books, and the flush issues no warning", async () => {
    await using s = db.session();
    const caught = await warnings.catch(async () => {
      s.add(new Author({ id: 1 }));
      s.add(new Book({ id: 10, authorId: 1 }));
      await s.flush();
    });
    expect(caught.map((w) => w.message)).toEqual([]);
    // The tables do form a cycle: the DDL order warns about it.
    expect(warnings.catch(() => CycleBase.metadata.sortedTables).length).toBe(1);
    const inserts = db.counting.statements.filter((x) => /^INSERT/.test(x)).map((x) => x.split(" ")[2]);
    expect(inserts).toEqual([t("author"), t("book")]);
    await s.rollback();
  });
});

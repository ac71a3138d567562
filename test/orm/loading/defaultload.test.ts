/**
 * defaultload (SQLAlchemy's `defaultload`): a path step that keeps the relationship's own loader
 * and only carries the options chained below it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DeclarativeBase, defaultload, ForeignKey, insert, Integer, mappedColumn, relationship, select, selectinload, String,
  UnloadedAttributeError,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

const p = uniqueName("ldflt");
class Base extends DeclarativeBase {}
class Parent extends Base.model(`${p}_parents`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(20)),
}) {
  /** Loaded by default (`lazy: "selectin"`). */
  static children = relationship(() => Child, { lazy: "selectin", orderBy: () => Child.id });
  declare children: Child[];
  /** athanor's default: raises unless an option loads it. */
  static pets = relationship(() => Child, { viewonly: true, orderBy: () => Child.id });
  declare pets: Child[];
}
class Child extends Base.model(`${p}_children`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  parentId: mappedColumn(ForeignKey(`${p}_parents.id`)),
}) {
  static toys = relationship(() => Toy, { orderBy: () => Toy.id });
  declare toys: Toy[];
}
class Toy extends Base.model(`${p}_toys`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  childId: mappedColumn(ForeignKey(`${p}_children.id`)),
  label: mappedColumn(String(20)),
}) {}

describe.each(dialectTargets())("defaultload on $name", (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(Parent.__table__), [{ id: 1, name: "p1" }, { id: 2, name: "p2" }]);
      await conn.execute(insert(Child.__table__), [{ id: 10, parentId: 1 }, { id: 11, parentId: 1 }, { id: 20, parentId: 2 }]);
      await conn.execute(insert(Toy.__table__), [{ id: 100, childId: 10, label: "ball" }, { id: 101, childId: 11, label: "kite" }, { id: 102, childId: 11, label: "yoyo" }]);
    });
  });
  afterAll(() => db.cleanup());

  it("keeps the relationship's own selectin loader and applies the options below it: 3 SELECTs", async () => {
    const session = db.session();
    db.counting.reset();
    const parents = (await session.scalars(select(Parent).orderBy(Parent.id).options(defaultload(Parent.children).selectinload(Child.toys)))).all();
    expect(db.selects()).toHaveLength(3);
    expect(parents.map((x) => x.children.map((c) => [c.id, c.toys.map((t) => t.label)]))).toEqual([
      [[10, ["ball"]], [11, ["kite", "yoyo"]]],
      [[20, []]],
    ]);
  });

  it("does not load a relationship whose own loader raises", async () => {
    const session = db.session();
    db.counting.reset();
    const parents = (await session.scalars(select(Parent).where(Parent.id.eq(1)).options(defaultload(Parent.pets).selectinload(Child.toys)))).all();
    // The parents, and the default selectin of `children`; nothing for `pets`.
    expect(db.selects()).toHaveLength(2);
    expect(() => parents[0]!.pets).toThrow(UnloadedAttributeError);
  });

  it("merges with an explicit option for the same relationship given elsewhere", async () => {
    const session = db.session();
    db.counting.reset();
    const stmt = select(Parent).where(Parent.id.eq(1)).options(selectinload(Parent.pets), defaultload(Parent.pets).selectinload(Child.toys));
    const [parent] = (await session.scalars(stmt)).all();
    expect(parent!.pets.map((c) => c.toys.map((t) => t.label))).toEqual([["ball"], ["kite", "yoyo"]]);
  });

  it("chains from a Load: selectinload(...).defaultload(...)", async () => {
    const session = db.session();
    const [parent] = (await session.scalars(select(Parent).where(Parent.id.eq(1)).options(selectinload(Parent.pets).defaultload(Child.toys)))).all();
    expect(parent!.pets).toHaveLength(2);
    expect(() => parent!.pets[0]!.toys).toThrow(UnloadedAttributeError);
  });
});

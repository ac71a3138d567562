/**
 * SQLAlchemy's test/orm/inheritance/test_basic.py DiscriminatorOrPkNoneTest: a joined-table
 * hierarchy (A → B) whose rows may have a NULL discriminator. An outer-joined entity with a NULL
 * primary key loads as None; a row with a primary key but a NULL discriminator raises
 * InvalidRequestError naming the identity key and the discriminator column, whether loaded as
 * the base class or the subclass. On PostgreSQL and SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AsyncSession, createAsyncEngine, DeclarativeBase, ForeignKey, InvalidRequestError, Integer, mappedColumn, select, String, update,
  configureModel, type AsyncEngine,
} from "athanor";
import { dialectTargets, uniqueName, type TestDriver } from "../../fixtures/databases.js";

const P = uniqueName("sa4dn");
const PARENT = `${P}_parent`;
const TA = `${P}_a`;
const TB = `${P}_b`;

class Base extends DeclarativeBase {}
class Parent extends Base.model(PARENT, {
  id: mappedColumn(Integer, { primaryKey: true }),
}) {}
class A extends Base.model(TA, {
  id: mappedColumn(Integer, { primaryKey: true }),
  parentId: mappedColumn(ForeignKey(`${PARENT}.id`), { name: "parent_id", nullable: true }),
  type: mappedColumn(String(50), { nullable: true }),
}, { polymorphicOn: "type", polymorphicIdentity: "a" }) {}
class B extends A.subclass({
  id: mappedColumn(ForeignKey(`${TA}.id`), { primaryKey: true }),
}, { table: TB, polymorphicIdentity: "b" }) {}
configureModel(B);

describe.each(dialectTargets())("DiscriminatorOrPkNoneTest (SQLAlchemy test_basic.py) on $name", (target) => {
  let d: TestDriver;
  let engine: AsyncEngine;
  const session = (): AsyncSession => new AsyncSession(engine);
  beforeAll(async () => {
    d = await target.make();
    engine = createAsyncEngine(d.driver);
    await engine.begin(async (c) => {
      await Base.metadata.dropAll(c);
      await Base.metadata.createAll(c);
    });
    await using s = session();
    s.addAll([new Parent({ id: 1 }), new Parent({ id: 2 })]);
    await s.flush();
    s.addAll([new A({ id: 1, parentId: 1 }), new B({ id: 2, parentId: 1 }), new A({ id: 3, parentId: 1 }), new B({ id: 4, parentId: 1 })]);
    await s.flush();
    await s.execute(update(A.__table__).where(A.__table__.c.id.in([3, 4])).values({ type: null }));
    await s.commit();
  });
  afterAll(async () => {
    await engine.begin((c) => Base.metadata.dropAll(c));
    await engine.dispose();
    await d.cleanup();
  });

  it("test_pk_is_null: an outer-joined entity with no row loads as null", async () => {
    await using s = session();
    const rows = (await s.execute(select(Parent, A).selectFrom(Parent).outerjoin(A).where(Parent.id.eq(2)))).all();
    expect(rows.length).toBe(1);
    expect(rows[0][0]).toBeInstanceOf(Parent);
    expect((rows[0][0] as Parent).id).toBe(2);
    expect(rows[0][1]).toBeNull();
  });

  it("test_pk_not_null_discriminator_null_from_base", async () => {
    await using s = session();
    const q = s.execute(select(A).where(A.id.eq(3)));
    await expect(q).rejects.toThrow(InvalidRequestError);
    await expect(s.execute(select(A).where(A.id.eq(3)))).rejects.toThrow(
      `Row with identity key (<class 'A'>, (3,), None) can't be loaded into an object; the polymorphic discriminator column '${TA}.type' is NULL`,
    );
  });

  it("test_pk_not_null_discriminator_null_from_sub", async () => {
    await using s = session();
    await expect(s.execute(select(B).where(B.id.eq(4)))).rejects.toThrow(InvalidRequestError);
    await expect(s.execute(select(B).where(B.id.eq(4)))).rejects.toThrow(
      `Row with identity key (<class 'A'>, (4,), None) can't be loaded into an object; the polymorphic discriminator column '${TA}.type' is NULL`,
    );
  });

  it("rows with a discriminator still load as their classes", async () => {
    await using s = session();
    const objs = (await s.scalars(select(A).where(A.id.in([1, 2])).orderBy(A.id))).all();
    expect(objs.map((o) => o.constructor)).toEqual([A, B]);
  });
});

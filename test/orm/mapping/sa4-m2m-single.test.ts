/**
 * SQLAlchemy's test/orm/inheritance/test_single.py ManyToManyToSingleTest: many-to-many
 * relationships to single-table subclasses (Parent.s1 → SubChild1, scalar; Parent.s2 →
 * SubChild2) share one association table, so the subclass's discriminator criterion in the
 * join's ON clause is what keeps each relationship to its own rows — in joinedload() and in
 * an explicit outer join. SQL text, and rows on PostgreSQL and SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AsyncSession, Column, configureModel, createAsyncEngine, DeclarativeBase, ForeignKey, Integer, joinedload, mappedColumn, relationship,
  select, String, Table, type AsyncEngine,
} from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { PGDialect } from "../../../src/dialects/postgresql/index.js";
import { dialectTargets, uniqueName, type TestDriver } from "../../fixtures/databases.js";

const P = uniqueName("sa4ms");
const PARENT = `${P}_parent`;
const M2M = `${P}_m2m`;
const CHILD = `${P}_child`;

class Base extends DeclarativeBase {}
const m2m = new Table(M2M, Base.metadata, {
  parent_id: new Column(new ForeignKey(`${PARENT}.id`), { primaryKey: true }),
  child_id: new Column(new ForeignKey(`${CHILD}.id`), { primaryKey: true }),
});
class Child extends Base.model(CHILD, {
  id: mappedColumn(Integer, { primaryKey: true }),
  discriminator: mappedColumn(String(20), { nullable: true }),
  name: mappedColumn(String(20), { nullable: true }),
}, { polymorphicOn: "discriminator", polymorphicIdentity: "child" }) {}
class SubChild1 extends Child.subclass({}, { polymorphicIdentity: "sub1" }) {}
class SubChild2 extends Child.subclass({}, { polymorphicIdentity: "sub2" }) {}
class Parent extends Base.model(PARENT, {
  id: mappedColumn(Integer, { primaryKey: true }),
}) {
  static s1 = relationship(() => SubChild1, { secondary: m2m, uselist: false });
  declare s1: SubChild1 | null;
  static s2 = relationship(() => SubChild2, { secondary: m2m });
  declare s2: SubChild2[];
}
for (const cls of [SubChild1, SubChild2]) configureModel(cls);

const pg = new PGDialect();
const sql = (stmt: unknown): string =>
  planOrmSelect(stmt as Parameters<typeof planOrmSelect>[0]).stmt.compile({ dialect: pg }).sql.replace(/\s*\n\s*/g, " ").replaceAll(`${P}_`, "");

describe("ManyToManyToSingleTest SQL (SQLAlchemy test_single.py)", () => {
  it("test_assert_joinedload_sql: the discriminator goes into the nested eager join's ON", () => {
    expect(sql(select(Parent).options(joinedload(Parent.s1)))).toBe(
      "SELECT parent.id, child_1.id AS id_1, child_1.discriminator, child_1.name " +
        "FROM parent LEFT OUTER JOIN (m2m AS m2m_1 JOIN child AS child_1 ON child_1.id = m2m_1.child_id " +
        "AND child_1.discriminator IN (__[POSTCOMPILE_discriminator_1])) ON parent.id = m2m_1.parent_id",
    );
  });
});

describe("ManyToManyToSingleTest SQL, explicit join (SQLAlchemy test_single.py)", () => {
  it("test_assert_join_sql: outerjoin(Parent.s1) nests the association table and the target", () => {
    expect(sql(select(Parent, Child).outerjoin(Parent.s1))).toBe(
      "SELECT parent.id, child.id AS id_1, child.discriminator, child.name " +
        "FROM parent LEFT OUTER JOIN (m2m AS m2m_1 JOIN child ON child.id = m2m_1.child_id " +
        "AND child.discriminator IN (__[POSTCOMPILE_discriminator_1])) ON parent.id = m2m_1.parent_id",
    );
  });

  it("an inner join along the many-to-many stays flat", () => {
    expect(sql(select(Parent).join(Parent.s2))).toBe(
      "SELECT parent.id FROM parent JOIN m2m AS m2m_1 ON parent.id = m2m_1.parent_id " +
        "JOIN child ON child.id = m2m_1.child_id AND child.discriminator IN (__[POSTCOMPILE_discriminator_1])",
    );
  });
});

describe.each(dialectTargets())("ManyToManyToSingleTest (SQLAlchemy test_single.py) on $name", (target) => {
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
    const p = new Parent({});
    p.s1 = new SubChild1({ name: "sc1_1" });
    p.s2 = [new SubChild2({ name: "sc2_1" }), new SubChild2({ name: "sc2_2" })];
    s.add(p);
    await s.commit();
  });
  afterAll(async () => {
    await engine.begin((c) => Base.metadata.dropAll(c));
    await engine.dispose();
    await d.cleanup();
  });

  it("test_eager_join: joinedload(Parent.s1) loads the SubChild1 only", async () => {
    await using s = session();
    const p1 = (await s.scalars(select(Parent).options(joinedload(Parent.s1)))).unique().all()[0];
    expect(p1.s1).toBeInstanceOf(SubChild1);
    expect(p1.s1!.name).toBe("sc1_1");
    await using s2 = session();
    const p2 = (await s2.scalars(select(Parent).options(joinedload(Parent.s2)))).unique().all()[0];
    expect(p2.s2.map((c) => c.name).sort()).toEqual(["sc2_1", "sc2_2"]);
  });

  it("test_manual_join: select(Parent, Child).outerjoin(Parent.s1)", async () => {
    await using s = session();
    const rows = (await s.execute(select(Parent, Child).outerjoin(Parent.s1))).all();
    expect(rows.length).toBe(1);
    expect(rows[0][1]).toBeInstanceOf(SubChild1);
    expect((rows[0][1] as Child).name).toBe("sc1_1");
  });
});

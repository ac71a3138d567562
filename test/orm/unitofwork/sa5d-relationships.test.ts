/**
 * Persistence cases of SQLAlchemy's test/orm/test_relationships.py on PostgreSQL and libSQL:
 * M2ODontOverwriteFKTest (a foreign key set directly is kept unless the relationship is set),
 * FKsAsPksTest (sync rules on a foreign key that is also the primary key),
 * UniqueColReferenceSwitchTest (a relationship on a unique non-primary-key column),
 * FKEquatedToConstantTest, DependencyTwoParentTest and ViewOnlyHistoryTest.
 */
import { and, AsyncSession, DeclarativeBase, ForeignKey, func, getHistory, Integer, mappedColumn, relationship, select, selectinload, String } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

/** M2ODontOverwriteFKTest: a(id, bid → b.id), b(id); A.b many-to-one (or a collection with uselist). */
function dontOverwrite(uselist: boolean) {
  class Base extends DeclarativeBase {}
  const a = uniqueName("sa5d_rel_a");
  const b = uniqueName("sa5d_rel_b");
  class B extends Base.model(b, { id: mappedColumn(Integer, { primaryKey: true }) }) {}
  class A extends Base.model(a, {
    id: mappedColumn(Integer, { primaryKey: true }),
    bid: mappedColumn(ForeignKey(`${b}.id`), { nullable: true }),
  }) {
    static b = relationship(() => B, { uselist });
    declare b: B | null;
  }
  class AL extends Base.model(`${a}_l`, {
    id: mappedColumn(Integer, { primaryKey: true }),
    bid: mappedColumn(ForeignKey(`${b}.id`), { nullable: true }),
  }) {
    static b = relationship(() => B, { uselist: true });
    declare b: B[];
  }
  return { Base, A, B, AL };
}

/** FKsAsPksTest: tableA(id, foo), tableB(id → tableA.id, primary key). */
function fksAsPks(opts: { aToB?: string; aToBOne?: string; bToA?: string }) {
  class Base extends DeclarativeBase {}
  const ta = uniqueName("sa5d_rel_ta");
  const tb = uniqueName("sa5d_rel_tb");
  class A extends Base.model(ta, { id: mappedColumn(Integer, { primaryKey: true }), foo: mappedColumn(Integer, { nullable: true }) }) {
    static bs = opts.aToB !== undefined ? relationship(() => B, { cascade: opts.aToB }) : undefined;
    declare bs: B[];
    static b = opts.aToBOne !== undefined ? relationship(() => B, { cascade: opts.aToBOne, uselist: false }) : undefined;
    declare b: B | null;
  }
  class B extends Base.model(tb, { id: mappedColumn(ForeignKey(`${ta}.id`), { primaryKey: true }) }) {
    static a = opts.bToA !== undefined ? relationship(() => A, { cascade: opts.bToA }) : undefined;
    declare a: A | null;
  }
  return { Base, A, B, ta, tb };
}

const dont = dontOverwrite(false);
const dontList = dontOverwrite(true);
const oneToOneSwitch = fksAsPks({ aToBOne: "all, delete-orphan" });
const aToBSave = fksAsPks({ aToB: "save-update" });
const bToASave = fksAsPks({ bToA: "save-update" });
const aToBDelete = fksAsPks({ aToB: "save-update, delete" });
const aToBDeleteOrphan = fksAsPks({ aToB: "save-update, delete, delete-orphan" });
const aToBNone = fksAsPks({ aToB: "" });
const bToANone = fksAsPks({ bToA: "" });

// UniqueColReferenceSwitchTest
class UBase extends DeclarativeBase {}
const ua = uniqueName("sa5d_rel_ua");
const ub = uniqueName("sa5d_rel_ub");
class UA extends UBase.model(ua, { id: mappedColumn(Integer, { primaryKey: true }), ident: mappedColumn(String(10), { unique: true }) }) {}
class UB extends UBase.model(ub, { id: mappedColumn(Integer, { primaryKey: true }), aIdent: mappedColumn(ForeignKey(`${ua}.ident`), { name: "a_ident" }) }) {
  static a = relationship(() => UA);
  declare a: UA;
}

// FKEquatedToConstantTest: tags(id, data), tag_foo(id, tagid → tags.id, data); the relationship
// is on the foreign key AND a constant.
class CBase extends DeclarativeBase {}
const tags = uniqueName("sa5d_rel_tags");
const tagFoo = uniqueName("sa5d_rel_tag_foo");
class Tag extends CBase.model(tags, { id: mappedColumn(Integer, { primaryKey: true }), data: mappedColumn(String(50)) }) {
  static foo = relationship(() => TagInstance, {
    primaryjoin: () => and(TagInstance.data.eq("iplc_case"), TagInstance.tagid.eq(Tag.id)),
    foreignKeys: () => [TagInstance.tagid, TagInstance.data],
    orderBy: () => TagInstance.id,
  });
  declare foo: TagInstance[];
}
class TagInstance extends CBase.model(tagFoo, {
  id: mappedColumn(Integer, { primaryKey: true }),
  tagid: mappedColumn(Integer, { nullable: true }),
  data: mappedColumn(String(50)),
}) {}

// ViewOnlyHistoryTest: t1(id, data), t2(id, data, t1id → t1.id).
function viewonlyHistory(o2mViewonly: boolean, m2oViewonly: boolean) {
  class Base extends DeclarativeBase {}
  const t1 = uniqueName("sa5d_rel_vh1");
  const t2 = uniqueName("sa5d_rel_vh2");
  class A extends Base.model(t1, { id: mappedColumn(Integer, { primaryKey: true }), data: mappedColumn(String(40), { nullable: true }) }) {
    static bs = relationship(() => B, { viewonly: o2mViewonly, ...(o2mViewonly ? {} : { backPopulates: "a" }) });
    declare bs: B[];
  }
  class B extends Base.model(t2, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(40), { nullable: true }),
    t1id: mappedColumn(ForeignKey(`${t1}.id`), { nullable: true }),
  }) {
    static a = relationship(() => A, { viewonly: m2oViewonly, ...(m2oViewonly || o2mViewonly ? {} : { backPopulates: "bs" }) });
    declare a: A | null;
  }
  return { Base, A, B };
}
const vhO2M = viewonlyHistory(true, false);
const vhM2O = viewonlyHistory(false, true);

// DependencyTwoParentTest: D depends on C (delete-orphan) and B.
class DBase extends DeclarativeBase {}
const tblA = uniqueName("sa5d_rel_tbl_a");
const tblB = uniqueName("sa5d_rel_tbl_b");
const tblC = uniqueName("sa5d_rel_tbl_c");
const tblD = uniqueName("sa5d_rel_tbl_d");
class DA extends DBase.model(tblA, { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(128)) }) {
  static cRows = relationship(() => DC, { cascade: "all, delete-orphan", backPopulates: "aRow" });
  declare cRows: DC[];
}
class DB extends DBase.model(tblB, { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(128)) }) {}
class DC extends DBase.model(tblC, {
  id: mappedColumn(Integer, { primaryKey: true }),
  tblAId: mappedColumn(ForeignKey(`${tblA}.id`), { name: "tbl_a_id" }),
  name: mappedColumn(String(128)),
}) {
  static aRow = relationship(() => DA, { backPopulates: "cRows" });
  declare aRow: DA;
  static dRows = relationship(() => DD, { cascade: "all, delete-orphan", backPopulates: "cRow" });
  declare dRows: DD[];
}
class DD extends DBase.model(tblD, {
  id: mappedColumn(Integer, { primaryKey: true }),
  tblCId: mappedColumn(ForeignKey(`${tblC}.id`), { name: "tbl_c_id" }),
  tblBId: mappedColumn(ForeignKey(`${tblB}.id`), { name: "tbl_b_id", nullable: true }),
  name: mappedColumn(String(128)),
}) {
  static cRow = relationship(() => DC, { backPopulates: "dRows" });
  declare cRow: DC;
  static bRow = relationship(() => DB);
  declare bRow: DB | null;
}

describe.each(dialectTargets())("DependencyTwoParentTest on $name", (target) => {
  const log = useSqlLog(target, DBase.metadata);
  async function insertData() {
    await using s = new AsyncSession(log.engine);
    const a = new DA({ name: "a1" });
    const b = new DB({ name: "b1" });
    const c = new DC({ name: "c1", aRow: a });
    for (const name of ["d1", "d2", "d3"]) new DD({ name, bRow: b, cRow: c });
    s.add(a);
    s.add(b);
    await s.commit();
  }
  const counts = async (s: AsyncSession) => {
    const out: unknown[] = [];
    for (const m of [DA, DB, DC, DD]) out.push(await s.scalar(select(func.count()).selectFrom(m)));
    return out;
  };

  it("test_DeleteRootTable", async () => {
    await insertData();
    await using s = new AsyncSession(log.engine);
    const a = (await s.scalars(select(DA).where(DA.name.eq("a1")))).one();
    await s.delete(a);
    await s.flush();
    expect(await counts(s)).toEqual([0, 1, 0, 0]);
  });
  it("test_DeleteMiddleTable", async () => {
    await insertData();
    await using s = new AsyncSession(log.engine);
    const c = (await s.scalars(select(DC).where(DC.name.eq("c1")))).one();
    await s.delete(c);
    await s.flush();
    expect(await counts(s)).toEqual([1, 1, 0, 0]);
  });
});

describe.each(dialectTargets())("test_relationships persistence on $name", (target) => {
  const log = useSqlLog(target, [
    dont.Base.metadata, dontList.Base.metadata, oneToOneSwitch.Base.metadata, aToBSave.Base.metadata, bToASave.Base.metadata,
    aToBDelete.Base.metadata, aToBDeleteOrphan.Base.metadata, aToBNone.Base.metadata, bToANone.Base.metadata, UBase.metadata, CBase.metadata,
    vhO2M.Base.metadata, vhM2O.Base.metadata,
  ]);

  describe("M2ODontOverwriteFKTest", () => {
    it("test_joinedload_doesnt_produce_bogus_event", async () => {
      const { A, B } = dont;
      await using s = new AsyncSession(log.engine);
      const b1 = new B();
      s.add(b1);
      await s.flush();
      s.add(new A());
      await s.commit();
      const a1 = (await s.scalars(select(A).options(selectinload(A.b)))).first()!;
      expect(a1.b).toBe(null);
      a1.bid = b1.id;
      await s.flush();
      expect(a1.bid).toBe(b1.id);
      s.expungeAll();
      expect((await s.get(A, a1.id))!.bid).toBe(b1.id);
    });
    it("test_init_doesnt_produce_scalar_event", async () => {
      const { A, B } = dont;
      await using s = new AsyncSession(log.engine);
      const b1 = new B();
      s.add(b1);
      await s.flush();
      const a1 = new A();
      expect(a1.b).toBe(null);
      a1.bid = b1.id;
      s.add(a1);
      await s.flush();
      expect(a1.bid).toBe(b1.id);
    });
    it("test_init_doesnt_produce_collection_event", async () => {
      const { AL, B } = dontList;
      await using s = new AsyncSession(log.engine);
      const b1 = new B();
      s.add(b1);
      await s.flush();
      const a1 = new AL();
      expect(a1.b).toEqual([]);
      a1.bid = b1.id;
      s.add(a1);
      await s.flush();
      expect(a1.bid).toBe(b1.id);
    });
    it("test_scalar_relationship_overrides_fk", async () => {
      const { A, B } = dont;
      await using s = new AsyncSession(log.engine);
      const b1 = new B();
      s.add(b1);
      await s.flush();
      const a1 = new A();
      a1.bid = b1.id;
      a1.b = null;
      s.add(a1);
      await s.flush();
      expect(a1.bid).toBe(null);
    });
    it("test_collection_relationship_overrides_fk", async () => {
      const { AL, B } = dontList;
      await using s = new AsyncSession(log.engine);
      const b1 = new B();
      s.add(b1);
      await s.flush();
      const a1 = new AL();
      a1.bid = b1.id;
      a1.b = [];
      s.add(a1);
      await s.flush();
      expect(a1.bid).toBe(b1.id);
    });
  });

  describe("FKsAsPksTest", () => {
    it("test_onetoone_switch", async () => {
      const { A, B } = oneToOneSwitch;
      {
        await using s = new AsyncSession(log.engine);
        s.add(new A());
        await s.commit();
      }
      await using s = new AsyncSession(log.engine);
      const a1 = (await s.scalars(select(A).options(selectinload(A.b!)))).first()!;
      a1.b = new B();
      await s.commit();
      expect(await s.scalar(select(func.count()).selectFrom(B).where(B.id.eq(a1.id)))).toBe(1);
    });
    it("test_no_delete_PK_AtoB", async () => {
      const { A, B, ta, tb } = aToBSave;
      await using s = new AsyncSession(log.engine);
      const a1 = new A();
      a1.bs.push(new B());
      s.add(a1);
      await s.flush();
      await s.delete(a1);
      await expect(s.flush()).rejects.toThrow(`Dependency rule on column '${ta}.id' tried to blank-out primary key column '${tb}.id' on instance `);
    });
    it("test_no_delete_PK_BtoA", async () => {
      const { A, B, ta, tb } = bToASave;
      await using s = new AsyncSession(log.engine);
      const b1 = new B();
      b1.a = new A();
      s.add(b1);
      await s.flush();
      b1.a = null;
      await expect(s.flush()).rejects.toThrow(`Dependency rule on column '${ta}.id' tried to blank-out primary key column '${tb}.id' on instance `);
    });
    it.each([["save-update, delete", aToBDelete], ["save-update, delete, delete-orphan", aToBDeleteOrphan]] as const)("test_delete_cascade_AtoB (%s)", async (_c, m) => {
      const { A, B } = m;
      await using s = new AsyncSession(log.engine);
      const a1 = new A();
      const b1 = new B();
      a1.bs.push(b1);
      s.add(a1);
      await s.flush();
      await s.delete(a1);
      await s.flush();
      expect(s.contains(a1)).toBe(false);
      expect(s.contains(b1)).toBe(false);
      expect(await s.scalar(select(func.count()).selectFrom(B))).toBe(0);
    });
    it("test_delete_manual_AtoB", async () => {
      const { A, B } = aToBNone;
      await using s = new AsyncSession(log.engine);
      const a1 = new A();
      const b1 = new B();
      a1.bs.push(b1);
      s.add(a1);
      s.add(b1);
      await s.flush();
      await s.delete(a1);
      await s.delete(b1);
      await s.flush();
      expect(s.contains(a1)).toBe(false);
      expect(s.contains(b1)).toBe(false);
    });
    it("test_delete_manual_BtoA", async () => {
      const { A, B } = bToANone;
      await using s = new AsyncSession(log.engine);
      const b1 = new B();
      const a1 = new A();
      b1.a = a1;
      s.add(b1);
      s.add(a1);
      await s.flush();
      await s.delete(b1);
      await s.delete(a1);
      await s.flush();
      expect(s.contains(a1)).toBe(false);
      expect(s.contains(b1)).toBe(false);
      expect(await s.scalar(select(func.count()).selectFrom(A))).toBe(0);
    });
  });

  it("UniqueColReferenceSwitchTest.test_switch_parent", async () => {
    await using s = new AsyncSession(log.engine);
    const a1 = new UA({ ident: "a1" });
    const a2 = new UA({ ident: "a2" });
    const b1 = new UB({ a: a1 });
    const b2 = new UB({ a: a1 });
    s.addAll([a1, a2, b1, b2]);
    await s.flush();
    await s.delete(a1);
    b1.a = a2;
    b2.a = a2;
    await s.flush();
    expect(b1.aIdent).toBe("a2");
    const rows = (await s.execute(select(UB.id, UB.aIdent).orderBy(UB.id))).all().map((r) => r.aIdent);
    expect(rows).toEqual(["a2", "a2"]);
    expect(await s.scalar(select(func.count()).selectFrom(UA))).toBe(1);
  });

  it("FKEquatedToConstantTest.test_basic", async () => {
    await using s = new AsyncSession(log.engine);
    const t1 = new Tag({ data: "some tag" });
    t1.foo.push(new TagInstance({ data: "iplc_case" }));
    t1.foo.push(new TagInstance({ data: "not_iplc_case" }));
    s.add(t1);
    await s.flush();
    s.expungeAll();
    // Only the row matching the constant is loaded back.
    const t = (await s.scalars(select(Tag).options(selectinload(Tag.foo)))).one();
    expect(t.foo.map((f) => f.data)).toEqual(["iplc_case"]);
    // Both TagInstances were persisted.
    expect((await s.execute(select(TagInstance.data, TagInstance.tagid).orderBy(TagInstance.data))).all().map((r) => [...r])).toEqual([
      ["iplc_case", t.id],
      ["not_iplc_case", t.id],
    ]);
  });

  describe("ViewOnlyHistoryTest", () => {
    it("test_o2m_viewonly_oneside", async () => {
      const { A, B } = vhO2M;
      const a1 = new A();
      const b1 = new B();
      a1.bs.push(b1);
      // A viewonly collection fires no backref to B.a.
      expect(b1.a).toBe(null);
      // A viewonly relationship records no history (SQLAlchemy: `not history.has_changes()`).
      expect(getHistory(a1, "bs").hasChanges()).toBe(false);
      expect(getHistory(a1, "bs").unchanged).toEqual([b1]);
      b1.a = a1;
      expect(getHistory(b1, "a").added).toEqual([a1]);
      await using s = new AsyncSession(log.engine);
      s.add(a1);
      s.add(b1);
      await s.flush();
      expect(b1.t1id).toBe(a1.id);
    });
    it("test_m2o_viewonly_oneside", async () => {
      const { A, B } = vhM2O;
      const a1 = new A();
      const b1 = new B();
      b1.a = a1;
      expect(a1.bs).toEqual([]);
      a1.bs.push(b1);
      expect(getHistory(a1, "bs").added).toEqual([b1]);
      await using s = new AsyncSession(log.engine);
      s.add(a1);
      await s.flush();
      expect(b1.t1id).toBe(a1.id);
    });
  });
});

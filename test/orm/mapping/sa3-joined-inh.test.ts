/**
 * SQLAlchemy's test/orm/inheritance/test_basic.py, ported where athanor's declarative
 * inheritance covers it: PolymorphicAttributeManagementTest (A → B → C joined, D single-table
 * on B: the discriminator set at construction, polymorphic loads, the "incompatible polymorphic
 * identity" flush warning) and GetTest (get() of a hierarchy through the identity map), on
 * PostgreSQL and SQLite.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AsyncSession, Column, configureModel, createAsyncEngine, DeclarativeBase, delete_, ForeignKey, func, Integer, mappedColumn, relationship,
  select, StaleDataError, String, Table, warnings, DBAPIError, type AsyncEngine,
} from "athanor";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver, type TestDriver } from "../../fixtures/databases.js";

const P = uniqueName("sa3ji");
const t = (n: string): string => `${P}_${n}`;

class Base extends DeclarativeBase {}
class A extends Base.model(t("table_a"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  className: mappedColumn(String(50), { name: "class_name", nullable: true }),
}, { polymorphicOn: "className", polymorphicIdentity: "a" }) {}
class B extends A.subclass({
  id: mappedColumn(ForeignKey(`${t("table_a")}.id`), { primaryKey: true }),
  bData: mappedColumn(String(10), { name: "b_data", nullable: true }),
}, { table: t("table_b"), polymorphicIdentity: "b" }) {}
class C extends B.subclass({
  id: mappedColumn(ForeignKey(`${t("table_b")}.id`), { primaryKey: true }),
  data: mappedColumn(String(10), { nullable: true }),
}, { table: t("table_c"), polymorphicIdentity: "c" }) {}
class D extends B.subclass({}, { polymorphicIdentity: "d" }) {}

// GetTest: foo → bar → blub, joined.
class Foo extends Base.model(t("foo"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  type: mappedColumn(String(30), { nullable: true }),
  data: mappedColumn(String(20), { nullable: true }),
}, { polymorphicOn: "type", polymorphicIdentity: "foo" }) {}
class Bar extends Foo.subclass({
  id: mappedColumn(ForeignKey(`${t("foo")}.id`), { primaryKey: true }),
  barData: mappedColumn(String(20), { name: "bar_data", nullable: true }),
}, { table: t("bar"), polymorphicIdentity: "bar" }) {}
class Blub extends Bar.subclass({
  id: mappedColumn(ForeignKey(`${t("bar")}.id`), { primaryKey: true }),
  blubData: mappedColumn(String(20), { name: "blub_data", nullable: true }),
}, { table: t("blub"), polymorphicIdentity: "blub" }) {}
// VersioningTest: a version counter on the base table of a joined hierarchy.
class VBase extends Base.model(t("base"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  versionId: mappedColumn(Integer, { name: "version_id", versionId: true }),
  value: mappedColumn(String(40), { nullable: true }),
  discriminator: mappedColumn(Integer),
}, { polymorphicOn: "discriminator", polymorphicIdentity: 1 }) {}
class VSub extends VBase.subclass({
  id: mappedColumn(ForeignKey(`${t("base")}.id`), { primaryKey: true }),
  subdata: mappedColumn(String(50), { nullable: true }),
}, { table: t("subtable"), polymorphicIdentity: 2 }) {}

// FlushTest: users ↔ roles many-to-many, Admin a joined subclass of User.
const userRoles = Table(t("user_roles"), Base.metadata, {
  user_id: Column(Integer, { foreignKey: `${t("users")}.id`, primaryKey: true }),
  role_id: Column(Integer, { foreignKey: `${t("roles")}.id`, primaryKey: true }),
});
class Role extends Base.model(t("roles"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  description: mappedColumn(String(32), { nullable: true }),
}) {}
class FUser extends Base.model(t("users"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  email: mappedColumn(String(128), { nullable: true }),
  password: mappedColumn(String(16), { nullable: true }),
  kind: mappedColumn(String(16), { nullable: true }),
}, { polymorphicOn: "kind", polymorphicIdentity: "user" }) {
  static roles = relationship(() => Role, { secondary: userRoles, lazy: "joined" });
  declare roles: Role[];
}
class Admin extends FUser.subclass({
  id: mappedColumn(ForeignKey(`${t("users")}.id`), { primaryKey: true }),
}, { table: t("admins"), polymorphicIdentity: "admin" }) {}
// DeleteOrphanTest: a single-table hierarchy whose rows need a parent.
class OParent extends Base.model(t("parent"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  data: mappedColumn(String(50), { nullable: true }),
}) {
  static related = relationship(() => OSingle, { cascade: "all, delete-orphan" });
}
class OSingle extends Base.model(t("single"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  type: mappedColumn(String(50)),
  data: mappedColumn(String(50), { nullable: true }),
  parentId: mappedColumn(ForeignKey(`${t("parent")}.id`), { name: "parent_id" }),
}, { polymorphicOn: "type", polymorphicIdentity: "base" }) {}
class OSub extends OSingle.subclass({}, { polymorphicIdentity: "sub" }) {}

// DiscriminatorOrPkNoneTest: Parent → A (joined B).
class NParent extends Base.model(t("nparent"), {
  id: mappedColumn(Integer, { primaryKey: true }),
}) {}
class NA extends Base.model(t("na"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  parentId: mappedColumn(ForeignKey(`${t("nparent")}.id`), { name: "parent_id", nullable: true }),
  type: mappedColumn(String(50), { nullable: true }),
}, { polymorphicOn: "type", polymorphicIdentity: "a" }) {}
class NB extends NA.subclass({
  id: mappedColumn(ForeignKey(`${t("na")}.id`), { primaryKey: true }),
}, { table: t("nb"), polymorphicIdentity: "b" }) {}
for (const cls of [B, C, D, Bar, Blub, VSub, Admin, OSub, NB]) configureModel(cls);

const incompatible = (value: string): RegExp =>
  new RegExp(`^Flushing object <\\w+ at 0x[0-9a-f]+> with incompatible polymorphic identity '${value}'; the object may not refresh and/or load correctly$`);

describe.each(dialectTargets())("joined-table inheritance (SQLAlchemy test_basic.py) on $name", (target) => {
  let d: TestDriver;
  let counting: CountingDriver;
  let engine: AsyncEngine;
  const session = (): AsyncSession => new AsyncSession(engine);
  beforeAll(async () => {
    d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
    await engine.begin(async (c) => {
      await Base.metadata.dropAll(c);
      await Base.metadata.createAll(c);
    });
  });
  afterAll(async () => {
    await engine.begin((c) => Base.metadata.dropAll(c));
    await engine.dispose();
    await d.cleanup();
  });
  beforeEach(async () => {
    await engine.begin(async (c) => {
      for (const tb of [...Base.metadata.sortedTables].reverse()) await c.execute(delete_(tb));
    });
    counting.reset();
  });

  it("test_poly_configured_immediate: the discriminator is set at construction", () => {
    expect(new A({}).className).toBe("a");
    expect(new B({}).className).toBe("b");
    expect(new C({}).className).toBe("c");
    expect(new D({}).className).toBe("d");
  });

  it("test_base_class: a C loads as C through B and through A", async () => {
    const s = session();
    s.add(new C({}));
    await s.commit();
    expect((await s.scalars(select(B))).first()).toBeInstanceOf(C);
    await s.close();
    expect((await s.scalars(select(A))).first()).toBeInstanceOf(C);
    await s.close();
  });

  it("test_valid_assignment_upwards: a B given identity 'd' (same tables) loads as D, without a warning", async () => {
    const s = session();
    const b1 = new B({});
    b1.className = "d";
    s.add(b1);
    const caught = await warnings.catch(() => s.commit());
    expect(caught).toEqual([]);
    await s.close();
    expect((await s.scalars(select(B))).first()).toBeInstanceOf(D);
    await s.close();
  });

  it("test_invalid_assignment_downwards: a C given identity 'b' warns at flush", async () => {
    await using s = session();
    const c1 = new C({});
    c1.className = "b";
    s.add(c1);
    const caught = await warnings.catch(() => s.flush());
    expect(caught.map((w) => w.message)).toEqual([expect.stringMatching(incompatible("b"))]);
    expect(caught[0].message).toMatch(/^Flushing object <C at 0x/);
  });

  it("test_invalid_assignment_upwards: a B given identity 'c' (more tables) warns at flush", async () => {
    await using s = session();
    const b1 = new B({});
    b1.className = "c";
    s.add(b1);
    const caught = await warnings.catch(() => s.flush());
    expect(caught.map((w) => w.message)).toEqual([expect.stringMatching(incompatible("c"))]);
  });

  it("test_entirely_oob_assignment: an unknown identity warns at flush", async () => {
    await using s = session();
    const b1 = new B({});
    b1.className = "xyz";
    s.add(b1);
    const caught = await warnings.catch(() => s.flush());
    expect(caught.map((w) => w.message)).toEqual([expect.stringMatching(incompatible("xyz"))]);
  });

  it("test_not_set_on_upate: updating an expired C flushes without a warning", async () => {
    await using s = session();
    const c1 = new C({});
    s.add(c1);
    await s.commit();
    s.expire(c1);
    c1.data = "foo";
    const caught = await warnings.catch(() => s.flush());
    expect(caught).toEqual([]);
    await s.commit();
    await s.refresh(c1);
    expect(c1.data).toBe("foo");
    expect(c1.className).toBe("c");
  });

  it("test_validate_on_upate: changing a persistent C's identity to 'b' warns at flush", async () => {
    await using s = session();
    const c1 = new C({});
    s.add(c1);
    await s.commit();
    s.expire(c1);
    c1.className = "b";
    const caught = await warnings.catch(() => s.flush());
    expect(caught.map((w) => w.message)).toEqual([expect.stringMatching(incompatible("b"))]);
  });

  it("test_get (polymorphic): get() through the hierarchy hits the identity map; a subclass mismatch gives null", async () => {
    await using s = session();
    const f = new Foo({});
    const b = new Bar({});
    const bl = new Blub({});
    s.add(f);
    s.add(b);
    s.add(bl);
    await s.flush();
    counting.reset();
    expect(await s.get(Foo, f.id)).toBe(f);
    expect(await s.get(Foo, b.id)).toBe(b);
    expect(await s.get(Foo, bl.id)).toBe(bl);
    expect(await s.get(Bar, b.id)).toBe(b);
    expect(await s.get(Bar, bl.id)).toBe(bl);
    expect(await s.get(Blub, bl.id)).toBe(bl);
    // Present in the identity map, but not an instance of the subclass asked for.
    expect(await s.get(Blub, f.id)).toBeNull();
    expect(await s.get(Blub, b.id)).toBeNull();
    expect(await s.get(Bar, f.id)).toBeNull();
    expect(counting.statements).toEqual([]);
  });

  it("test_one / test_two (FlushTest): a subclass's inherited many-to-many row is inserted once", async () => {
    await using s = session();
    const adminrole = new Role({ description: "admin" });
    s.add(adminrole);
    await s.flush();
    const a = new Admin({ email: "tim", password: "admin" });
    (a as unknown as FUser).roles = [adminrole];
    s.add(a);
    await s.flush();
    a.password = "sadmin";
    await s.flush();
    expect(Number(await s.scalar(select(func.count()).selectFrom(userRoles)))).toBe(1);
  });

  it("test_save_update (VersioningTest): a stale subclass UPDATE raises StaleDataError; after refresh it goes through", async () => {
    const s = new AsyncSession(engine, { autoflush: false });
    const b1 = new VBase({ value: "b1" });
    const s1 = new VSub({ value: "sub1", subdata: "some subdata" });
    s.add(b1);
    s.add(s1);
    await s.commit();
    await s.refresh(s1);
    const s2session = new AsyncSession(engine, { autoflush: false });
    const s2 = (await s2session.get(VBase, s1.id)) as VSub;
    expect(s2).toBeInstanceOf(VSub);
    s2.subdata = "sess2 subdata";
    s1.subdata = "sess1 subdata";
    await s.commit();
    await expect(s2session.flush()).rejects.toThrow(StaleDataError);
    await s2session.rollback();
    await s2session.refresh(s2);
    expect(s2.subdata).toBe("sess1 subdata");
    s2.subdata = "sess2 subdata";
    await s2session.flush();
    await s2session.commit();
    await s.close();
    await s2session.close();
  });

  it("test_delete (VersioningTest): updating a subclass row deleted elsewhere raises StaleDataError", async () => {
    const s = new AsyncSession(engine, { autoflush: false, expireOnCommit: false });
    const b1 = new VBase({ value: "b1" });
    const s1 = new VSub({ value: "sub1", subdata: "some subdata" });
    const s2 = new VSub({ value: "sub2", subdata: "some other subdata" });
    s.addAll([b1, s1, s2]);
    await s.commit();
    const sess2 = new AsyncSession(engine, { autoflush: false, expireOnCommit: false });
    const s3 = (await sess2.get(VBase, s1.id))!;
    sess2.delete(s3);
    await sess2.commit();
    s2.subdata = "some new subdata";
    await s.commit();
    s1.subdata = "some new subdata";
    await expect(s.commit()).rejects.toThrow(StaleDataError);
    await s.close();
    await sess2.close();
  });

  it("test_orphan_message (DeleteOrphanTest): a subclass object without its parent fails at the database", async () => {
    await using s = session();
    s.add(new OSub({ data: "s1" }));
    await expect(s.flush()).rejects.toThrow(DBAPIError);
    await s.rollback();
  });

  it("test_pk_is_null (DiscriminatorOrPkNoneTest): an outer join to no row gives null for the entity", async () => {
    await using s = session();
    s.addAll([new NParent({ id: 1 }), new NParent({ id: 2 })]);
    await s.flush();
    s.addAll([new NA({ id: 1, parentId: 1 }), new NB({ id: 2, parentId: 1 })]);
    await s.commit();
    const rows = (await s.execute(select(NParent, NA).selectFrom(NParent as never).outerjoin(NA).where(NParent.id.eq(2)))).all();
    expect(rows.length).toBe(1);
    expect(rows[0][0]).toBeInstanceOf(NParent);
    expect(rows[0][0].id).toBe(2);
    expect(rows[0][1]).toBeNull();
  });
});

/**
 * Ported from SQLAlchemy test/orm/declarative/test_dc_transforms.py: DCTransformsTest,
 * RelationshipDefaultFactoryTest, UseDescriptorDefaultsTest (the 2.0 behaviour,
 * `use_descriptor_defaults=False`: construction defaults live in the instance's dictionary).
 *
 * athanor models are dataclass-like: `new Model({...})` takes the attributes by name (SQLAlchemy's
 * `kw_only`; positional arguments, `compare` / `eq` / `hash`, `dataclasses.replace()` and
 * `KW_ONLY` have no JavaScript counterpart and are not ported). `mappedColumn()` options
 * `default`, `defaultFactory`, `init: false` and `repr: false` are the dataclass field arguments;
 * `toString()` is the dataclass `__repr__`. On PostgreSQL and libSQL where a database is used.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ArgumentError, AsyncSession, columnProperty, createAsyncEngine, DeclarativeBase, delete_, ForeignKey, Integer, inspect, mappedColumn, queryExpression, relationship, select,
  String, writeOnly, type AsyncEngine,
} from "athanor";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver } from "../../fixtures/databases.js";

const p = uniqueName("sa7a_dc");
const t = (n: string): string => `${p}_${n}`;

class Base extends DeclarativeBase {}

// test_basic_constructor_repr_base_cls / test_constructor_repr
class A extends Base.model(t("a"), {
  id: mappedColumn(Integer, { primaryKey: true, init: false }),
  data: mappedColumn(String(50)),
  x: mappedColumn(Integer, { nullable: true, default: null }),
}) {
  static bs = relationship(() => B);
  declare bs: B[];
}
class B extends Base.model(t("b"), {
  id: mappedColumn(Integer, { primaryKey: true, init: false }),
  data: mappedColumn(String(50)),
  aId: mappedColumn(ForeignKey(`${t("a")}.id`), { name: "a_id", nullable: true, init: false }),
  x: mappedColumn(Integer, { nullable: true, default: null }),
}) {}

// test_dataclass_default
const c10 = (): number => 10;
const c20 = (): number => 20;
class Defaults extends Base.model(t("defaults"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  defInit: mappedColumn(Integer, { name: "def_init", default: 42 }),
  callInit: mappedColumn(Integer, { name: "call_init", defaultFactory: c10 }),
  defNoInit: mappedColumn(Integer, { name: "def_no_init", default: 13, init: false }),
  callNoInit: mappedColumn(Integer, { name: "call_no_init", defaultFactory: c20, init: false }),
  // test_dataclass_default_callable: a function `default` is the INSERT-time (Core) default.
  value: mappedColumn(Integer, { default: () => 42 }),
}) {}

// test_inheritance (joined-table), the discriminator `init: false`
class Person extends Base.model(t("person"), {
  personId: mappedColumn(Integer, { name: "person_id", primaryKey: true, init: false }),
  name: mappedColumn(String(50)),
  type: mappedColumn(String(20), { init: false }),
}, { polymorphicOn: "type" }) {}
class Engineer extends Person.subclass({
  status: mappedColumn(String(30)),
  engineerName: mappedColumn(String(50), { name: "engineer_name" }),
  primaryLanguage: mappedColumn(String(50), { name: "primary_language" }),
}, { table: t("engineer"), polymorphicIdentity: "engineer" }) {}

// test_write_only_default_factory
class WA extends Base.model(t("wa"), {
  id: mappedColumn(Integer, { primaryKey: true, init: false }),
  data: mappedColumn(String(50)),
}) {
  static bs = writeOnly(() => WB);
}
class WB extends Base.model(t("wb"), {
  id: mappedColumn(Integer, { primaryKey: true, init: false }),
  aId: mappedColumn(ForeignKey(`${t("wa")}.id`), { name: "a_id", init: false }),
  data: mappedColumn(String(50)),
}) {}

// test_one_to_one_example
class Parent extends Base.model(t("parent"), { id: mappedColumn(Integer, { primaryKey: true, init: false }) }) {
  static child = relationship(() => Child, { backPopulates: "parent", uselist: false });
  declare child: Child | null;
}
class Child extends Base.model(t("child"), {
  id: mappedColumn(Integer, { primaryKey: true, init: false }),
  parentId: mappedColumn(ForeignKey(`${t("parent")}.id`), { name: "parent_id", nullable: true, init: false }),
}) {
  static parent = relationship(() => Parent, { backPopulates: "child" });
  declare parent: Parent | null;
}

// test_merge_scenario / test_collection_merge_scenario
class MyClass extends Base.model(t("myclass"), {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  name: mappedColumn(String(50)),
  status: mappedColumn(String(50), { default: "default_status" }),
  statusNoInit: mappedColumn(String(50), { name: "status_no_init", default: "default_status", init: false }),
}) {
  static things = relationship(() => Thing, { cascade: "all, delete-orphan", orderBy: () => Thing.id });
  declare things: Thing[];
}
class Thing extends Base.model(t("thing"), {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  myId: mappedColumn(ForeignKey(`${t("myclass")}.id`), { name: "my_id", init: false }),
  name: mappedColumn(String(50)),
}) {}

// repr: false on a column and a relationship
class Secret extends Base.model(t("secret"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  login: mappedColumn(String(50)),
  password: mappedColumn(String(50), { repr: false }),
}) {
  static notes = relationship(() => SecretNote, { repr: false, backPopulates: "secret" });
  declare notes: SecretNote[];
}
class SecretNote extends Base.model(t("secret_note"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  secretId: mappedColumn(ForeignKey(`${t("secret")}.id`), { name: "secret_id", nullable: true }),
}) {
  static secret = relationship(() => Secret, { backPopulates: "notes" });
  declare secret: Secret | null;
}

// ReadOnlyAttrTest: SQL expression attributes in the repr
class WithConst extends Base.model(t("with_const"), {
  id: mappedColumn(Integer, { primaryKey: true, init: false }),
  data: mappedColumn(String(50)),
}) {
  static const = columnProperty(() => WithConst.data.concat("asdf"));
  declare readonly const: string;
  static qe = queryExpression<number>();
  declare readonly qe: number | null;
}
class NoReprConst extends Base.model(t("no_repr_const"), {
  id: mappedColumn(Integer, { primaryKey: true, init: false }),
  data: mappedColumn(String(50)),
}) {
  static const = columnProperty(() => NoReprConst.data.concat("asdf"), { repr: false });
  declare readonly const: string;
  static qe = queryExpression<number>(undefined, { repr: false });
  declare readonly qe: number | null;
}

describe("DCTransformsTest (no database)", () => {
  it("test_basic_constructor_repr_base_cls: init: false keys are refused, toString() renders the dataclass repr", () => {
    const a2 = new A({ data: "10", x: 5, bs: [new B({ data: "data1" }), new B({ data: "data2", x: 12 })] });
    expect(a2.toString()).toBe('A(id=null, data="10", x=5, bs=[B(id=null, data="data1", aId=null, x=null), B(id=null, data="data2", aId=null, x=12)])');
    const a3 = new A({ data: "data" });
    expect(`${a3}`).toBe('A(id=null, data="data", x=null, bs=[])');
    expect(() => new A({ data: "d", id: 5 } as never)).toThrow(new ArgumentError("'id' of A is declared with init: false; the constructor does not take it"));
    expect(() => new B({ data: "d", aId: 5 } as never)).toThrow(ArgumentError);
    // The attribute itself stays writable.
    const b = new B({ data: "d" });
    b.aId = 5;
    expect(b.aId).toBe(5);
  });

  it("test_default_fn: default and defaultFactory apply at construction", () => {
    class Base2 extends DeclarativeBase {}
    let n = 0;
    class DA extends Base2.model(uniqueName("sa7a_dc_fn"), {
      id: mappedColumn(Integer, { primaryKey: true, init: false }),
      data: mappedColumn(String(10), { default: "d1" }),
      data2: mappedColumn(String(10), { defaultFactory: () => `d${++n + 1}` }),
    }) {}
    const a1 = new DA();
    expect([a1.data, a1.data2]).toEqual(["d1", "d2"]);
    expect(new DA().data2).toBe("d3");
  });

  it("test_default_factory_vs_collection_class: default and defaultFactory together are refused", () => {
    class Base2 extends DeclarativeBase {}
    const name = uniqueName("sa7a_dc_both");
    expect(() =>
      Base2.model(name, {
        id: mappedColumn(Integer, { primaryKey: true, init: false }),
        data: mappedColumn(String(10), { default: "d1", defaultFactory: () => "d2" }),
      }),
    ).toThrow(new ArgumentError(`Base.model("${name}"): 'data' cannot specify both default and defaultFactory`));
  });

  it("test_dataclass_default: defaults with and without init", () => {
    const a = new Defaults({ id: 100 });
    expect([a.defInit, a.callInit, a.defNoInit, a.callNoInit]).toEqual([42, 10, 13, 20]);
    const b = new Defaults({ id: 101, defInit: 1, callInit: 2 });
    expect([b.defInit, b.callInit, b.defNoInit, b.callNoInit]).toEqual([1, 2, 13, 20]);
    expect(() => new Defaults({ id: 102, defNoInit: 1 } as never)).toThrow(/'defNoInit' of Defaults is declared with init: false/);
    expect(() => new Defaults({ id: 102, callNoInit: 1 } as never)).toThrow(/'callNoInit' of Defaults is declared with init: false/);
    // A function default is not a construction default (SQLAlchemy deprecates it as ambiguous there).
    expect(inspect(a).attrs.value.loadedValue).toBe(Symbol.for("athanor.NO_VALUE"));
  });

  it("test_inheritance: a subclass takes the parent's and its own attributes; the discriminator is init: false", () => {
    const e1 = new Engineer({ name: "nm", status: "st", engineerName: "en", primaryLanguage: "pl" });
    expect([e1.name, e1.status, e1.engineerName, e1.primaryLanguage, e1.type]).toEqual(["nm", "st", "en", "pl", "engineer"]);
    expect(() => new Engineer({ name: "nm", status: "st", engineerName: "en", primaryLanguage: "pl", type: "x" } as never)).toThrow(
      /'type' of .* is declared with init: false/,
    );
  });

  it("test_one_to_one_example: a scalar relationship given to the constructor sets the other side", () => {
    const c1 = new Child();
    const p1 = new Parent({ child: c1 });
    expect(p1.child).toBe(c1);
    expect(c1.parent).toBe(p1);
    expect(new Parent().child).toBeNull();
  });

  it("ReadOnlyAttrTest test_default_behavior / test_no_repr_behavior: columnProperty and queryExpression in the repr", () => {
    expect(`${new WithConst({ data: "foo" })}`).toBe('WithConst(id=null, data="foo", const=null, qe=null)');
    expect(`${new NoReprConst({ data: "foo" })}`).toBe('NoReprConst(id=null, data="foo")');
  });

  it("toString(): repr: false leaves attributes out; a cycle through a backref renders as …", () => {
    const s = new Secret({ id: 1, login: "ed", password: "hunter2" });
    const n = new SecretNote({ id: 2 });
    s.notes = [n];
    expect(`${s}`).toBe('Secret(id=1, login="ed")');
    expect(`${n}`).toBe("SecretNote(id=2, secretId=null, secret=Secret(id=1, login=\"ed\"))");
    const p1 = new Parent({ child: new Child() });
    expect(`${p1}`).toBe("Parent(id=null, child=Child(id=null, parentId=null, parent=Parent(…)))");
    expect(`${p1.child}`).toBe("Child(id=null, parentId=null, parent=Parent(id=null, child=Child(…)))");
  });
});

describe.each(dialectTargets())("dataclass-style models on $name", (target) => {
  let engine: AsyncEngine;
  let counting: CountingDriver;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
    await engine.begin(async (conn) => {
      await Base.metadata.dropAll(conn);
      await Base.metadata.createAll(conn);
    });
    cleanup = async () => {
      await engine.begin((conn) => Base.metadata.dropAll(conn));
      await engine.dispose();
      await d.cleanup();
    };
  });
  afterAll(() => cleanup?.());
  beforeEach(async () => {
    await engine.begin(async (conn) => {
      for (const tb of [...Base.metadata.sortedTables].reverse()) await conn.execute(delete_(tb));
    });
    counting.reset();
  });

  it("test_dataclass_default: init: false defaults are INSERTed; a function default runs at INSERT", async () => {
    await using s = new AsyncSession(engine, { expireOnCommit: false });
    const a = new Defaults({ id: 100 });
    s.add(a);
    await s.flush();
    expect(a.value).toBe(42);
    const row = (await s.execute(select(Defaults.defInit, Defaults.callInit, Defaults.defNoInit, Defaults.callNoInit, Defaults.value).where(Defaults.id.eq(100)))).one();
    expect([...row]).toEqual([42, 10, 13, 20, 42]);
  });

  it("test_write_only_default_factory: a list given for a write-only collection is flushed; none leaves it empty", async () => {
    await using s = new AsyncSession(engine, { expireOnCommit: false });
    const a1 = new WA({ data: "a1" });
    const a2 = new WA({ data: "a2", bs: [new WB({ data: "b1" }), new WB({ data: "b2" })] });
    s.addAll([a1, a2]);
    await s.commit();
    expect((await s.scalars(s.writeOnly(a1, WA.bs).select())).all()).toEqual([]);
    expect((await s.scalars(s.writeOnly(a2, WA.bs).select().orderBy(WB.id))).all().map((b) => b.data)).toEqual(["b1", "b2"]);
  });

  it("test_replace_operation_works_w_history_etc: construction values are history until flushed; toString() of persistent objects", async () => {
    await using s = new AsyncSession(engine, { expireOnCommit: false });
    const a1 = new A({ data: "data", x: 10, bs: [new B({ data: "b1" }), new B({ data: "b2", x: 5 }), new B({ data: "b3" })] });
    s.add(a1);
    await s.commit();
    expect(s.isModified(a1)).toBe(false);
    const a2 = new A({ data: "data", x: 12, bs: [new B({ data: "b4" })] });
    expect(s.contains(a2)).toBe(false);
    const h = inspect(a2).attrs.x.history;
    expect([h.added, h.unchanged, h.deleted]).toEqual([[12], [], []]);
    s.add(a2);
    await s.commit();
    expect((await s.scalars(select(A.x).orderBy(A.id))).all()).toEqual([10, 12]);
    expect((await s.scalars(select(B.data).orderBy(B.id))).all()).toEqual(["b1", "b2", "b3", "b4"]);
    expect(`${a2}`).toBe(`A(id=${a2.id}, data="data", x=12, bs=[B(id=${a2.bs[0].id}, data="b4", aId=${a2.id}, x=null)])`);
    // A fresh load has only its columns loaded: relationships not loaded are left out.
    await using s2 = new AsyncSession(engine);
    const loaded = (await s2.get(A, a1.id))!;
    expect(`${loaded}`).toBe(`A(id=${a1.id}, data="data", x=10)`);
    // Expired attributes are left out too, and nothing is loaded to render them.
    s2.expire(loaded, ["data"]);
    counting.reset();
    expect(`${loaded}`).toBe(`A(id=${a1.id}, x=10)`);
    expect(counting.statements).toEqual([]);
  });

  it("ReadOnlyAttrTest: a loaded columnProperty shows its value", async () => {
    await using s = new AsyncSession(engine, { expireOnCommit: false });
    const m1 = new WithConst({ data: "foo" });
    s.add(m1);
    await s.commit();
    await using s2 = new AsyncSession(engine);
    const got = (await s2.scalars(select(WithConst))).one();
    expect(`${got}`).toBe(`WithConst(id=${m1.id}, data="foo", const="fooasdf", qe=null)`);
  });

  it("test_merge_scenario (2.0 behaviour): construction defaults are values merge() copies", async () => {
    await using s = new AsyncSession(engine, { autoflush: false });
    const u1 = new MyClass({ id: 1, name: "x", status: "custom_status" });
    u1.statusNoInit = "custom_status";
    s.add(u1);
    await s.flush();
    const u2 = await s.merge(new MyClass({ id: 1, name: "y" }));
    expect(u2).toBe(u1);
    expect(u2.name).toBe("y");
    // The default sits in the new object's dictionary, so it overrides (use_descriptor_defaults=False).
    expect([u2.status, u2.statusNoInit]).toEqual(["default_status", "default_status"]);
    await s.rollback();
  });

  it("test_collection_merge_scenario: an unset collection is not merged; an explicit [] is", async () => {
    await using s = new AsyncSession(engine, { autoflush: false });
    const u1 = new MyClass({ id: 1, name: "x", things: [new Thing({ id: 1, name: "t1" })] });
    s.add(u1);
    await s.flush();
    const u2 = await s.merge(new MyClass({ id: 1, name: "y" }));
    expect(u2).toBe(u1);
    expect(u2.name).toBe("y");
    expect(u2.things.map((x) => [x.id, x.name, x.myId])).toEqual([[1, "t1", 1]]);
    const u3 = await s.merge(new MyClass({ id: 1, name: "z", things: [] }));
    expect(u3).toBe(u1);
    expect(u3.name).toBe("z");
    expect(u3.things).toEqual([]);
    await s.flush();
    expect(await s.scalar(select(Thing.id))).toBeNull();
    await s.rollback();
  });
});

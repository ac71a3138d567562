/**
 * SQLAlchemy's test/orm/test_attributes.py HistoryTest / test_object_collections_mutate /
 * test_collections_via_backref, on mapped classes: `getHistory()` of a column, a many-to-one and
 * a collection; a session flush stands for SQLAlchemy's `_commit_all()` (what was flushed
 * becomes "unchanged"). Collection mutations (push, splice, pop, shift) and backref events are
 * seen by the history.
 */
import { AsyncSession, DeclarativeBase, ForeignKey, getHistory, Integer, mappedColumn, relationship, String } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

const foos = uniqueName("sa5d_ah_foo");
const bars = uniqueName("sa5d_ah_bar");
class Base extends DeclarativeBase {}
class Foo extends Base.model(foos, {
  id: mappedColumn(Integer, { primaryKey: true }),
  someattr: mappedColumn(String(30), { nullable: true }),
  barId: mappedColumn(ForeignKey(`${bars}.id`), { name: "bar_id", nullable: true }),
}) {
  static bar = relationship(() => Bar);
  declare bar: Bar | null;
  static bars = relationship(() => Bar, { primaryjoin: () => Foo.id.eq(Bar.fooId), foreignKeys: () => [Bar.fooId], backPopulates: "foo" });
  declare bars: Bar[];
}
class Bar extends Base.model(bars, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30), { nullable: true }),
  fooId: mappedColumn(Integer, { name: "foo_id", nullable: true }),
}) {
  static foo = relationship(() => Foo, { primaryjoin: () => Foo.id.eq(Bar.fooId), foreignKeys: () => [Bar.fooId], backPopulates: "bars" });
  declare foo: Foo | null;
}

/** (added, unchanged, deleted) as SQLAlchemy's History tuple. */
const h = (obj: Foo | Bar, key: string) => {
  const x = getHistory(obj as Foo, key as keyof Foo & string);
  return [x.added, x.unchanged, x.deleted];
};

describe("HistoryTest (transient objects)", () => {
  it("test_scalar_init / test_scalar_no_init_side_effect", () => {
    const f = new Foo();
    expect(h(f, "someattr")).toEqual([[], [], []]);
    expect(f.someattr).toBe(undefined);
    expect(h(f, "someattr")).toEqual([[], [], []]);
  });
  it("test_scalar_set / test_scalar_set_None / test_scalar_set_twice_no_commit", () => {
    const f = new Foo();
    f.someattr = "hi";
    expect(h(f, "someattr")).toEqual([["hi"], [], []]);
    const g = new Foo();
    g.someattr = null;
    expect(h(g, "someattr")).toEqual([[null], [], []]);
    g.someattr = "one";
    g.someattr = "two";
    expect(h(g, "someattr")).toEqual([["two"], [], []]);
  });
  it("test_object_init / test_use_object_no_init_side_effect / test_use_object_get_first_set_None", () => {
    const f = new Foo();
    expect(h(f, "bar")).toEqual([[], [], []]);
    expect(f.bar).toBe(null);
    expect(h(f, "bar")).toEqual([[], [], []]);
    f.bar = null;
    expect(h(f, "bar")).toEqual([[null], [], []]);
  });
  it("test_use_object_set / test_use_object_set_value_twice", () => {
    const f = new Foo();
    const hi = new Bar({ name: "hi" });
    const there = new Bar({ name: "there" });
    f.bar = hi;
    expect(h(f, "bar")).toEqual([[hi], [], []]);
    f.bar = there;
    expect(h(f, "bar")).toEqual([[there], [], []]);
  });
  it("test_collection_no_value", () => {
    const f = new Foo();
    expect(h(f, "bars")).toEqual([[], [], []]);
  });
  it("test_object_collections_mutate, case 3: mixing appends with sets", () => {
    const f = new Foo();
    const hi = new Bar({ name: "hi" });
    const there = new Bar({ name: "there" });
    f.bars.push(hi);
    expect(h(f, "bars")).toEqual([[hi], [], []]);
    f.bars.push(there);
    expect(h(f, "bars")).toEqual([[hi, there], [], []]);
    f.bars = [there];
    expect(h(f, "bars")).toEqual([[there], [], []]);
  });
  it("test_object_collections_mutate, case 4: duplicates show up, order is maintained", () => {
    const f = new Foo();
    const hi = new Bar({ name: "hi" });
    const there = new Bar({ name: "there" });
    f.bars.push(hi);
    f.bars.push(there);
    f.bars.push(hi);
    expect(h(f, "bars")).toEqual([[hi, there, hi], [], []]);
  });
  it("test_collections_via_backref", () => {
    const f1 = new Foo();
    const b1 = new Bar();
    expect(h(f1, "bars")).toEqual([[], [], []]);
    expect(h(b1, "foo")).toEqual([[], [], []]);
    f1.bars.push(b1);
    expect(h(f1, "bars")).toEqual([[b1], [], []]);
    expect(h(b1, "foo")).toEqual([[f1], [], []]);
    const b2 = new Bar();
    f1.bars.push(b2);
    expect(h(f1, "bars")).toEqual([[b1, b2], [], []]);
    expect(h(b1, "foo")).toEqual([[f1], [], []]);
    expect(h(b2, "foo")).toEqual([[f1], [], []]);
  });
});

describe.each(dialectTargets())("HistoryTest with flush as commit on $name", (target) => {
  const log = useSqlLog(target, Base.metadata);

  it("test_scalar_set_commit / _reset / _reset_commit / _del", async () => {
    await using s = new AsyncSession(log.engine);
    const f = new Foo({ someattr: "hi" });
    s.add(f);
    await s.flush();
    expect(h(f, "someattr")).toEqual([[], ["hi"], []]);
    f.someattr = "there";
    expect(h(f, "someattr")).toEqual([["there"], [], ["hi"]]);
    await s.flush();
    expect(h(f, "someattr")).toEqual([[], ["there"], []]);
    f.someattr = null;
    expect(h(f, "someattr")).toEqual([[null], [], ["there"]]);
  });

  it("test_use_object_set_commit / _set / _set_None", async () => {
    await using s = new AsyncSession(log.engine);
    const hi = new Bar({ name: "hi" });
    const there = new Bar({ name: "there" });
    const f = new Foo({ bar: hi });
    s.addAll([f, there]);
    await s.flush();
    expect(h(f, "bar")).toEqual([[], [hi], []]);
    f.bar = there;
    expect(h(f, "bar")).toEqual([[there], [], [hi]]);
    await s.flush();
    expect(h(f, "bar")).toEqual([[], [there], []]);
    f.bar = null;
    expect(h(f, "bar")).toEqual([[null], [], [there]]);
  });

  it("test_object_collections_mutate, case 1: new object", async () => {
    await using s = new AsyncSession(log.engine);
    const [hi, there, old, nw] = ["hi", "there", "old", "new"].map((name) => new Bar({ name })) as [Bar, Bar, Bar, Bar];
    const f = new Foo({ id: 1 });
    s.add(f);
    expect(h(f, "bars")).toEqual([[], [], []]);
    f.bars.push(hi);
    expect(h(f, "bars")).toEqual([[hi], [], []]);
    await s.flush();
    expect(h(f, "bars")).toEqual([[], [hi], []]);
    f.bars.push(there);
    expect(h(f, "bars")).toEqual([[there], [hi], []]);
    await s.flush();
    expect(h(f, "bars")).toEqual([[], [hi, there], []]);
    f.bars.splice(f.bars.indexOf(there), 1);
    expect(h(f, "bars")).toEqual([[], [hi], [there]]);
    expect(there.foo).toBe(null);
    f.bars.push(old);
    f.bars.push(nw);
    expect(h(f, "bars")).toEqual([[old, nw], [hi], [there]]);
    await s.flush();
    expect(h(f, "bars")).toEqual([[], [hi, old, nw], []]);
    f.bars.shift();
    expect(h(f, "bars")).toEqual([[], [old, nw], [hi]]);
    await s.flush();
    expect(hi.fooId).toBe(null);
    expect(there.fooId).toBe(null);
    expect([old.fooId, nw.fooId]).toEqual([1, 1]);
  });

  it("test_object_collections_mutate, case 4 after commit: emptied", async () => {
    await using s = new AsyncSession(log.engine);
    const hi = new Bar({ name: "hi" });
    const there = new Bar({ name: "there" });
    const f = new Foo();
    f.bars.push(hi, there);
    s.add(f);
    await s.flush();
    expect(h(f, "bars")).toEqual([[], [hi, there], []]);
    f.bars = [];
    expect(h(f, "bars")).toEqual([[], [], [hi, there]]);
    expect(hi.foo).toBe(null);
  });
});

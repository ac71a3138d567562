/**
 * The allocation-saving forms of three session operations keep their observable behaviour:
 * - the committed snapshot shared with the attribute dictionary after a flush or commit
 *   (copy-on-write): a later write is a change, the snapshot keeps the flushed value, a failed
 *   flush restores both;
 * - expire on commit / expireAll() applied to each object when it is next used: every object
 *   attached at the commit reads as expired (also those the application never touched again),
 *   objects loaded after it do not, and several expire-alls and a close in a row compose;
 * - close() / expungeAll() applied the same way: pending → transient, persistent and deleted →
 *   detached, even for objects first read long after the close.
 * Real databases on both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AsyncSession, createAsyncEngine, DeclarativeBase, ExpiredAttributeError, Identity, inspect, Integer, JSON as JSONType, mappedColumn, select, String,
  type AsyncEngine,
} from "athanor";
import { dialectTargets, uniqueName, type TestDriver } from "../../fixtures/databases.js";

const table = uniqueName("lso_items");
class Base extends DeclarativeBase {}
class Item extends Base.model(table, {
  id: mappedColumn(Integer, { primaryKey: true, identity: new Identity() }),
  name: mappedColumn(String(50)),
  data: mappedColumn(JSONType, { nullable: true }),
}) {}

describe.each(dialectTargets())("lazily applied session operations on $name", (target) => {
  let d: TestDriver;
  let engine: AsyncEngine;
  beforeAll(async () => {
    d = await target.make();
    engine = createAsyncEngine(d.driver);
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

  it("a flushed object shares its snapshot until written: the write is a change, the snapshot keeps the old value", async () => {
    await using s = new AsyncSession(engine, { expireOnCommit: false });
    const a = new Item({ name: "a" });
    s.add(a);
    await s.flush();
    const st = inspect(a);
    expect(st.committedIsCurrent).toBe(true);
    expect(s.isModified(a)).toBe(false);
    a.name = "b";
    expect(st.committedIsCurrent).toBe(false);
    expect(st.committed.name).toBe("a");
    expect(s.dirty).toEqual([a]);
    await s.flush();
    expect(s.isModified(a)).toBe(false);
    await s.commit();
    const fresh = await engine.connect();
    const rows = (await fresh.execute(select(Item.__table__.c.name).where(Item.__table__.c.id.eq(a.id)))).all();
    await fresh.close();
    expect(rows.map((r) => r[0])).toEqual(["b"]);
  });

  it("a JSON value read from a flushed object and mutated in place is still found", async () => {
    await using s = new AsyncSession(engine, { expireOnCommit: false });
    const a = new Item({ name: "j", data: { n: 1 } });
    s.add(a);
    await s.flush();
    (a.data as { n: number }).n = 2;
    expect(inspect(a).committed.data).toEqual({ n: 1 });
    expect(s.dirty).toEqual([a]);
    await s.commit();
    await using s2 = new AsyncSession(engine);
    expect((await s2.get(Item, a.id))!.data).toEqual({ n: 2 });
  });

  it("a failed flush restores written and shared snapshots as they were", async () => {
    await using s = new AsyncSession(engine, { expireOnCommit: false });
    const written = new Item({ name: "w" });
    const shared = new Item({ name: "s" });
    s.addAll([written, shared]);
    await s.commit();
    written.name = "w2";
    expect(inspect(shared).committedIsCurrent).toBe(true);
    s.delete(shared);
    s.add(new Item({ id: written.id, name: "dup" })); // a primary-key violation: the flush fails before its UPDATE and DELETE
    await expect(s.flush()).rejects.toThrow();
    expect(written.name).toBe("w2");
    expect(inspect(written).committed.name).toBe("w");
    expect(inspect(shared).persistent).toBe(true);
    expect(inspect(shared).committedIsCurrent).toBe(true);
    expect(shared.name).toBe("s");
    expect(s.isModified(shared)).toBe(false);
    expect(s.isModified(written)).toBe(true);
    await s.rollback();
  });

  it("commit expires every attached object, touched or not; objects loaded afterwards are not expired", async () => {
    const s = new AsyncSession(engine);
    const objs = Array.from({ length: 50 }, (_, i) => new Item({ name: `c${i}` }));
    s.addAll(objs);
    await s.flush();
    const ids = objs.map((o) => o.id);
    await s.commit();
    for (const o of objs) {
      expect(inspect(o).persistent).toBe(true);
      expect(() => o.name).toThrow(ExpiredAttributeError);
      expect(o.id).toBe(ids[objs.indexOf(o)]);
      expect([...inspect(o).expiredAttributes].sort()).toEqual(["data", "name"]);
    }
    // A refresh loads them again; a second commit expires them again.
    const again = await s.scalars(select(Item).where(Item.id.in(ids)).orderBy(Item.id));
    expect(again.all()).toEqual(objs);
    expect(objs.map((o) => o.name)).toEqual(objs.map((_, i) => `c${i}`));
    expect(inspect(objs[0]).expiredAttributes.size).toBe(0);
    await s.commit();
    await s.commit();
    expect(() => objs[3].name).toThrow(ExpiredAttributeError);
    // Expired keys are per object: refreshing one leaves the others expired.
    await s.refresh(objs[1]);
    expect(objs[1].name).toBe("c1");
    expect(() => objs[2].name).toThrow(ExpiredAttributeError);
    objs[2].name = "written";
    expect(objs[2].name).toBe("written");
    expect(inspect(objs[2]).expiredAttributes.has("name")).toBe(false);
    expect(inspect(objs[4]).expiredAttributes.has("name")).toBe(true);
    await s.close();
    expect(inspect(objs[4]).detached).toBe(true);
  });

  it("close() and expungeAll() detach persistent and deleted objects and make pending ones transient, whenever first read", async () => {
    const s = new AsyncSession(engine, { expireOnCommit: false });
    const kept = new Item({ name: "k" });
    const gone = new Item({ name: "g" });
    s.addAll([kept, gone]);
    await s.flush();
    s.delete(gone);
    await s.flush();
    const pending = new Item({ name: "p" });
    s.add(pending);
    const marked = (await s.get(Item, kept.id))!;
    s.delete(marked);
    await s.close();
    expect(inspect(pending).transient).toBe(true);
    expect(inspect(kept).detached).toBe(true);
    expect(inspect(kept).markedDeleted).toBe(false);
    expect(inspect(gone).detached).toBe(true);
    expect(s.contains(kept)).toBe(false);
    // The session is usable again, and the detached object can be attached to it.
    s.add(kept);
    expect(inspect(kept).persistent).toBe(true);
    expect(s.contains(kept)).toBe(true);
    s.expungeAll();
    expect(inspect(kept).detached).toBe(true);
    // Another session may take it now.
    await using s2 = new AsyncSession(engine);
    s2.add(kept);
    expect(s2.contains(kept)).toBe(true);
    await s.close();
    expect(inspect(kept).persistent).toBe(true);
  });

  it("an object committed, then the session closed, reads as detached and expired", async () => {
    const s = new AsyncSession(engine);
    const a = new Item({ name: "late" });
    s.add(a);
    await s.commit();
    await s.close();
    const st = inspect(a);
    expect(st.detached).toBe(true);
    expect(() => a.name).toThrow(ExpiredAttributeError);
    await using s2 = new AsyncSession(engine);
    s2.add(a);
    await s2.refresh(a);
    expect(a.name).toBe("late");
  });
});

/**
 * SQLAlchemy's test/orm/test_cascade.py (O2MCascadeDeleteOrphanTest and friends), ported on the
 * session models (User.addresses: "all, delete-orphan" with a backPopulates many-to-one): the
 * save-update cascade at add() and on assignment, pending orphans, delete cascade at delete()
 * and at flush, orphans of loaded collections. Collections are changed by assignment where
 * SQLAlchemy's tests append or remove in place: a plain array reports neither to the session.
 */
import { describe, expect, it } from "vitest";
import { func, inspect, select, selectinload, type AsyncSession } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, useDb } from "../session/models.js";

const M = defineModels("sa_casc");
const { User, Address } = M;

describe.each(dialectTargets())("cascades (SQLAlchemy test_cascade) on $name", (target) => {
  const db = useDb(target, M);

  async function counts(s: AsyncSession): Promise<[number, number]> {
    const users = Number(await s.scalar(select(func.count()).selectFrom(User.__table__)));
    const addresses = Number(await s.scalar(select(func.count()).selectFrom(Address.__table__)));
    return [users, addresses];
  }

  it("add() cascades save-update at once: related objects are pending before any flush", async () => {
    await using s = db.session();
    const a1 = new Address({ email: "a1" });
    const u = new User({ name: "jack", addresses: [a1, new Address({ email: "a2" })] });
    s.add(u);
    expect(s.contains(a1)).toBe(true);
    expect(inspect(a1).pending).toBe(true);
    expect(s.new).toHaveLength(3);
    expect(db.counting.statements).toEqual([]);
  });

  it("test_list_assignment_new", async () => {
    await using s = db.session();
    const u = new User({ name: "jack", addresses: [new Address({ email: "order 1" }), new Address({ email: "order 2" })] });
    s.add(u);
    await s.commit();
    const back = (await s.scalars(select(User).options(selectinload(User.addresses)))).one();
    expect([back.name, back.addresses.map((a) => a.email)]).toEqual(["jack", ["order 1", "order 2"]]);
  });

  it("test_list_assignment_replace: replaced pending children are pending orphans, never INSERTed", async () => {
    await using s = db.session();
    const old = [new Address({ email: "someorder" }), new Address({ email: "someotherorder" })];
    const u = new User({ name: "jack", addresses: old });
    s.add(u);
    expect(old.map((a) => s.contains(a))).toEqual([true, true]);
    u.addresses = [new Address({ email: "order 3" }), new Address({ email: "order 4" })];
    expect(old.map((a) => s.contains(a))).toEqual([false, false]);
    expect(old.map((a) => inspect(a).transient)).toEqual([true, true]);
    expect(u.addresses.map((a) => s.contains(a))).toEqual([true, true]);
    await s.commit();
    expect((await s.scalars(select(Address.email).orderBy(Address.id))).all()).toEqual(["order 3", "order 4"]);
  });

  it("a pending child dropped from its parent's collection in place is expunged by the flush", async () => {
    await using s = db.session();
    const a1 = new Address({ email: "kept" });
    const a2 = new Address({ email: "dropped" });
    const u = new User({ name: "jack", addresses: [a1, a2] });
    s.add(u);
    u.addresses.pop();
    await s.flush();
    expect(s.contains(a2)).toBe(false);
    expect(inspect(a2).transient).toBe(true);
    expect((await s.scalars(select(Address.email))).all()).toEqual(["kept"]);
  });

  it("a pending child moved to another parent through the many-to-one is not an orphan", async () => {
    await using s = db.session();
    const a = new Address({ email: "moved" });
    const u1 = new User({ name: "u1", addresses: [a] });
    const u2 = new User({ name: "u2", addresses: [] });
    s.addAll([u1, u2]);
    a.user = u2;
    expect(u1.addresses).toEqual([]);
    expect(u2.addresses).toEqual([a]);
    await s.flush();
    expect(inspect(a).persistent).toBe(true);
    expect(a.userId).toBe(u2.id);
  });

  it("test_save_update_sends_pending: add() of a detached parent cascades to added and removed children", async () => {
    const s = db.session({ expireOnCommit: false });
    const [o1, o2, o3] = [new Address({ email: "o1" }), new Address({ email: "o2" }), new Address({ email: "o3" })];
    const u = new User({ name: "jack", addresses: [o1, o2] });
    s.add(u);
    await s.commit();
    await s.close();
    u.addresses = [o2, o3];
    s.add(u);
    expect([s.contains(o1), s.contains(o2), s.contains(o3)]).toEqual([true, true, true]);
    await s.commit();
    expect((await s.scalars(select(Address.email).orderBy(Address.id))).all()).toEqual(["o2", "o3"]);
    await s.close();
  });

  it("test_remove_pending_from_collection: assignment that drops a pending child expunges it", async () => {
    await using s = db.session();
    const u = new User({ name: "jack", addresses: [] });
    s.add(u);
    await s.commit();
    await s.refresh(u, ["addresses"]);
    const o1 = new Address({ email: "o1" });
    u.addresses = [...u.addresses, o1];
    expect(s.contains(o1)).toBe(true);
    u.addresses = u.addresses.filter((a) => a !== o1);
    expect(s.contains(o1)).toBe(false);
  });

  it("test_delete: deleting the parent deletes its children", async () => {
    await using s = db.session();
    const u = new User({ name: "jack", addresses: [new Address({ email: "a" }), new Address({ email: "b" })] });
    s.add(u);
    await s.flush();
    s.delete(u);
    await s.flush();
    expect(await counts(s)).toEqual([0, 0]);
  });

  it("test_delete_unloaded_collections: the delete cascade loads an unloaded collection", async () => {
    await using s = db.session();
    s.add(new User({ name: "jack", addresses: [new Address({ email: "a" }), new Address({ email: "b" })] }));
    await s.commit();
    const u = (await s.scalars(select(User))).one();
    expect(inspect(u).unloaded.has("addresses")).toBe(true);
    s.delete(u);
    await s.flush();
    expect(await counts(s)).toEqual([0, 0]);
  });

  it("test_cascades_onlycollection: the delete cascade reaches only children still in the collection", async () => {
    await using s = db.session({ autoflush: false });
    const u = new User({ name: "jack", addresses: [new Address({ email: "someorder" }), new Address({ email: "someotherorder" })] });
    s.add(u);
    await s.flush();
    const o = u.addresses[0];
    u.addresses = u.addresses.slice(1);
    s.delete(u);
    expect(s.deleted).toContain(u);
    expect(s.deleted).not.toContain(o);
    expect(s.contains(o)).toBe(true);
    const u2 = new User({ name: "newuser", addresses: [o] });
    s.add(u2);
    await s.flush();
    s.expungeAll();
    expect(await counts(s)).toEqual([1, 1]);
    const back = (await s.scalars(select(User).options(selectinload(User.addresses)))).one();
    expect([back.name, back.addresses.map((a) => a.email)]).toEqual(["newuser", ["someorder"]]);
  });

  it("test_cascade_delete_plusorphans: an orphan and the rest of the collection go with the parent", async () => {
    await using s = db.session();
    const u = new User({ name: "jack", addresses: [new Address({ email: "a" }), new Address({ email: "b" })] });
    s.add(u);
    await s.flush();
    expect(await counts(s)).toEqual([1, 2]);
    u.addresses.splice(0, 1);
    s.delete(u);
    await s.flush();
    expect(await counts(s)).toEqual([0, 0]);
  });

  it("test_collection_orphans: emptying a loaded collection deletes the orphans", async () => {
    await using s = db.session();
    const u = new User({ name: "jack", addresses: [new Address({ email: "a" }), new Address({ email: "b" })] });
    s.add(u);
    await s.flush();
    u.addresses.splice(0);
    await s.flush();
    expect(await counts(s)).toEqual([1, 0]);
  });

  it("test_update_deleted_on_rollback_orphan-style: delete() of a parent lists its loaded children in session.deleted", async () => {
    await using s = db.session();
    const a = new Address({ email: "x" });
    const u = new User({ name: "jack", addresses: [a] });
    s.add(u);
    await s.flush();
    s.delete(u);
    expect(s.deleted).toEqual(expect.arrayContaining([u, a]));
    expect(s.deleted).toHaveLength(2);
  });
});

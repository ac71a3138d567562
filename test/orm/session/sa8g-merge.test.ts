/**
 * More of SQLAlchemy's test/orm/test_merge.py MergeTest than sa-merge.test.ts covers: merging a
 * transient or detached object onto a persistent row with collections (the delete-orphan
 * cascade removing what the merged collection no longer holds), the merge cascade along
 * one-to-many and many-to-one, load=false onto a many-to-one, and values merged to None.
 *
 * Adapted: the session models' User.addresses is "all, delete-orphan" with a backPopulates
 * many-to-one; sets (collection_class=set) are arrays here; SQLAlchemy's load_tracker counts
 * become SELECT counts. Skipped: test_loader_options / test_option_state (pickled loader
 * options), test_synonym, M2ONoUseGetLoadingTest (lazy loads), MutableMergeTest (PickleType).
 */
import { inspect, select, selectinload } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, useDb } from "./models.js";

const M = defineModels("sa8g_merge");
const { User, Address } = M;

describe.each(dialectTargets())("MergeTest (test_merge.py) on $name", (target) => {
  const db = useDb(target, M);
  const selects = () => db.counting.statements.filter((q) => q.startsWith("SELECT")).length;
  const emails = (u: InstanceType<typeof User>) => u.addresses.map((a) => a.email).sort();

  it("test_transient_to_persistent_collection: the merged collection replaces the row's; delete-orphan removes the others", async () => {
    await using s = db.session();
    s.add(new User({ id: 7, name: "fred", addresses: [new Address({ id: 1, email: "fred1" }), new Address({ id: 2, email: "fred2" })] }));
    await s.flush();
    s.expungeAll();
    db.counting.reset();
    const u = await s.merge(new User({ id: 7, name: "fred", addresses: [new Address({ id: 3, email: "fred3" }), new Address({ id: 4, email: "fred4" })] }));
    // The user, its current collection (the user again, then its addresses: SQLAlchemy's lazy
    // load of the collection it replaces), addresses 3 and 4 (each looked up).
    expect(selects()).toBe(5);
    expect(emails(u)).toEqual(["fred3", "fred4"]);
    await s.flush();
    s.expungeAll();
    const back = (await s.scalars(select(User).options(selectinload(User.addresses)))).one();
    expect([back.id, back.name, emails(back)]).toEqual([7, "fred", ["fred3", "fred4"]]);
    expect((await s.scalars(select(Address.id).orderBy(Address.id))).all()).toEqual([3, 4]);
  });

  it("test_detached_to_persistent_collection: a detached object's column and collection changes are merged", async () => {
    await using s = db.session({ expireOnCommit: false });
    const a = new Address({ id: 1, email: "fred1" });
    const u = new User({ id: 7, name: "fred", addresses: [a, new Address({ id: 2, email: "fred2" })] });
    s.add(u);
    await s.flush();
    s.expungeAll();
    u.name = "fred jones";
    u.addresses = [...u.addresses.filter((x) => x !== a), new Address({ id: 3, email: "fred3" })];
    const merged = await s.merge(u);
    expect(merged).not.toBe(u);
    await s.flush();
    s.expungeAll();
    const back = (await s.scalars(select(User).options(selectinload(User.addresses)))).one();
    expect([back.name, emails(back)]).toEqual(["fred jones", ["fred2", "fred3"]]);
  });

  it("test_one_to_many_cascade: a change on a detached child reaches the session's copy through the merge cascade", async () => {
    const s = db.session({ expireOnCommit: false });
    const u = new User({ name: "fred", addresses: [new Address({ email: "foo@bar" }), new Address({ email: "foo@quux" })] });
    s.add(u);
    await s.commit();
    await s.close();

    await using s2 = db.session();
    const u2 = (await s2.scalars(select(User).options(selectinload(User.addresses)))).one();
    u.addresses[1].email = "addr 2 modified";
    await s2.merge(u);
    expect(u2.addresses[1].email).toBe("addr 2 modified");
    expect(s2.dirty).toContain(u2.addresses[1]);

    await using s3 = db.session();
    const u3 = (await s3.get(User, u.id))!;
    u.name = "also fred";
    await s3.merge(u);
    expect(u3.name).toBe("also fred");
  });

  it("test_many_to_one_cascade: the merged many-to-one shows as added history; with load=false as unchanged", async () => {
    const s = db.session({ expireOnCommit: false });
    const u1 = new User({ id: 1, name: "u1" });
    const a1 = new Address({ id: 1, email: "a1", user: u1 });
    const u2 = new User({ id: 2, name: "u2" });
    s.addAll([a1, u2]);
    await s.commit();
    a1.user = u2;
    {
      await using s2 = db.session({ expireOnCommit: false });
      const a2 = await s2.merge(a1);
      const h = inspect(a2).attrs.user.history;
      expect(h.added.map((x) => (x as InstanceType<typeof User>).id)).toEqual([2]);
      expect([h.unchanged, h.deleted]).toEqual([[], []]);
      expect(s2.dirty).toContain(a2);
    }
    // SQLAlchemy's sess.refresh(a1) here: a fresh a1 with its user as the database has it.
    await s.close();
    const fresh = (await s.scalars(select(Address).options(selectinload(Address.user)))).one();
    await s.commit();
    {
      await using s2 = db.session({ expireOnCommit: false });
      const a2 = await s2.merge(fresh, { load: false });
      const h = inspect(a2).attrs.user.history;
      expect(h.added).toEqual([]);
      expect(h.unchanged.map((x) => (x as InstanceType<typeof User>).id)).toEqual([1]);
      expect(s2.dirty).not.toContain(a2);
    }
    await s.close();
  });

  it("test_value_to_none: None values and an empty many-to-one are merged as such", async () => {
    const s = db.session();
    s.add(new User({ id: 7, name: "fred", fullname: "Fred", addresses: [new Address({ id: 1, email: "foo@bar.com" })] }));
    await s.commit();
    await s.close();
    const u3 = await s.merge(new User({ id: 7, name: "fred", fullname: null }));
    expect(u3.fullname).toBeNull();
    expect(inspect(u3).attrs.fullname.history).toEqual({ added: [null], unchanged: [], deleted: ["Fred"] });
    await s.close();
    const a2 = await s.merge(new Address({ id: 1, email: "foo@bar.com", user: null }));
    expect(a2.user).toBeNull();
    await s.close();
  });
});

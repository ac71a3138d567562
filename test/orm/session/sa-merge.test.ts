/**
 * SQLAlchemy's test/orm/test_merge.py, ported: which SELECTs merge() runs, what it makes of
 * transient, pending, detached and persistent objects, load=false (no SQL, no changes), the
 * merge cascade over collections, version checks and merge_all().
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AsyncSession, createAsyncEngine, DeclarativeBase, inspect, insert, Integer, InvalidRequestError, mappedColumn, select, selectinload,
  StaleDataError, String, warnings, type AsyncEngine,
} from "athanor";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver } from "../../fixtures/databases.js";
import { defineModels, useDb } from "./models.js";

const M = defineModels("sa_merge");
const { User, Address } = M;

describe.each(dialectTargets())("merge() (SQLAlchemy test_merge) on $name", (target) => {
  const db = useDb(target, M);

  const selects = (): string[] => db.counting.statements.filter((s) => s.startsWith("SELECT"));

  it("test_transient_to_pending: one SELECT finds no row; the copy is pending and INSERTed", async () => {
    await using s = db.session();
    const u = new User({ id: 7, name: "fred" });
    const u2 = await s.merge(u);
    expect(selects()).toHaveLength(1);
    expect(u2).not.toBe(u);
    expect(s.contains(u2)).toBe(true);
    expect(s.contains(u)).toBe(false);
    expect(inspect(u2).pending).toBe(true);
    expect([u2.id, u2.name]).toEqual([7, "fred"]);
    await s.flush();
    s.expungeAll();
    const back = (await s.scalars(select(User))).one();
    expect([back.id, back.name]).toEqual([7, "fred"]);
  });

  it("test_transient_to_pending_no_pk: no primary key, no SELECT", async () => {
    await using s = db.session();
    const u2 = await s.merge(new User({ name: "fred" }));
    expect(db.counting.statements).toEqual([]);
    expect(inspect(u2).pending).toBe(true);
  });

  it("test_warn_transient_already_pending_nopk / _pk: merging a pending object warns", async () => {
    for (const init of [{ name: "fred" }, { id: 1, name: "fred" }]) {
      await using s = db.session({ autoflush: false });
      const u = new User(init);
      s.add(u);
      const caught = await warnings.catch(() => s.merge(u));
      expect(caught.map((w) => w.message)).toEqual([
        expect.stringMatching(/^Instance <User at 0x[0-9a-f]+> is already pending in this Session yet is being merged again; this is probably not what you want to do$/),
      ]);
    }
  });

  it("test_transient_to_pending_collection: each object with a key is looked up once (3 SELECTs)", async () => {
    await using s = db.session();
    const u = new User({ id: 7, name: "fred", addresses: [new Address({ id: 1, email: "fred1" }), new Address({ id: 2, email: "fred2" })] });
    const merged = await s.merge(u);
    expect(selects()).toHaveLength(3);
    expect(s.new).toHaveLength(3);
    expect(merged.addresses.map((a) => inspect(a).pending)).toEqual([true, true]);
    expect(merged.addresses).not.toContain(u.addresses[0]);
    await s.flush();
    s.expungeAll();
    const back = (await s.scalars(select(User).options(selectinload(User.addresses)))).one();
    expect([back.id, back.name, back.addresses.map((a) => [a.id, a.email])]).toEqual([7, "fred", [[1, "fred1"], [2, "fred2"]]]);
  });

  it("test_transient_non_mutated_collection: an empty collection only read on the copy does not empty the row's", async () => {
    await using s = db.session();
    s.add(new User({ id: 7, name: "fred", addresses: [new Address({ id: 1, email: "jack@bean.com" })] }));
    await s.commit();
    await s.close();
    const u = new User({ id: 7, name: "fred" });
    expect(u.addresses).toEqual([]);
    const u2 = await s.merge(u, { options: [selectinload(User.addresses)] });
    expect(u2.addresses.map((a) => a.email)).toEqual(["jack@bean.com"]);
    expect(s.dirty).toEqual([]);
  });

  it("test_transient_to_persistent: a transient copy of an existing row updates it", async () => {
    await using s = db.session();
    s.add(new User({ id: 7, name: "fred" }));
    await s.flush();
    s.expungeAll();
    db.counting.reset();
    const copy = new User({ id: 7, name: "fred jones" });
    const u2 = await s.merge(copy);
    expect(u2).not.toBe(copy);
    expect(selects()).toHaveLength(1);
    expect(inspect(u2).persistent).toBe(true);
    expect(s.dirty).toEqual([u2]);
    await s.flush();
    s.expungeAll();
    expect((await s.scalars(select(User.name))).all()).toEqual(["fred jones"]);
  });

  it("merging an object of this session returns it, with no SQL", async () => {
    await using s = db.session();
    const u = new User({ id: 7, name: "fred" });
    s.add(u);
    await s.flush();
    db.counting.reset();
    expect(await s.merge(u)).toBe(u);
    expect(db.counting.statements).toEqual([]);
  });

  it("test_transient_no_load: load=false refuses an object without identity", async () => {
    await using s = db.session();
    await expect(s.merge(new User({ name: "x" }), { load: false })).rejects.toThrow(InvalidRequestError);
    await expect(s.merge(new User({ name: "x" }), { load: false })).rejects.toThrow(/load=False option does not support/);
  });

  it("test_no_load_disallows_dirty, then a clean object merges with load=false: persistent, clean, no SQL", async () => {
    await using s = db.session({ expireOnCommit: false });
    const u = new User({ id: 7, name: "fred" });
    s.add(u);
    await s.commit();
    u.name = "ed";
    await using s2 = db.session();
    await expect(s2.merge(u, { load: false })).rejects.toThrow(
      "merge() with load=False option does not support objects marked as 'dirty'.  flush() all changes on mapped instances before merging with load=False.",
    );
    const u2 = (await s2.get(User, 7))!;
    await using s3 = db.session();
    db.counting.reset();
    const u3 = await s3.merge(u2, { load: false });
    expect(u3).not.toBe(u2);
    expect(inspect(u3).persistent).toBe(true);
    expect(s3.dirty).toEqual([]);
    expect(s3.new).toEqual([]);
    expect(u3.name).toBe("fred");
    await s3.flush();
    expect(db.counting.statements).toEqual([]);
  });

  it("test_no_load_sets_backrefs / test_dontload_with_eager: load=false merges loaded collections both ways without SQL", async () => {
    await using s = db.session();
    const u = new User({ id: 7, name: "fred", addresses: [new Address({ email: "foo@bar.com" })] });
    s.add(u);
    await s.flush();
    expect(u.addresses[0].user).toBe(u);
    await using s2 = db.session();
    db.counting.reset();
    const u2 = await s2.merge(u, { load: false });
    expect(s2.dirty).toEqual([]);
    expect(u2.addresses).toHaveLength(1);
    expect(u2.addresses[0]).not.toBe(u.addresses[0]);
    expect(u2.addresses[0].user).toBe(u2);
    expect(inspect(u2.addresses[0]).persistent).toBe(true);
    await s2.flush();
    expect(db.counting.statements).toEqual([]);
  });

  it("test_merge_all: merges each object, one SELECT each", async () => {
    await using s = db.session();
    const [uam, ubm] = await s.mergeAll([new User({ id: 42, name: "bob" }), new User({ id: 7, name: "fred" })]);
    expect(selects()).toHaveLength(2);
    expect([s.contains(uam), s.contains(ubm)]).toEqual([true, true]);
    expect([uam.name, ubm.name]).toEqual(["bob", "fred"]);
    await s.flush();
    s.expungeAll();
    expect((await s.scalars(select(User.name).orderBy(User.id))).all()).toEqual(["fred", "bob"]);
  });

  it("test_dont_expire_pending: attributes never set on a new merged object are not expired", async () => {
    await using s = db.session();
    const u = await s.merge(new User({ id: 7, name: "n" }));
    expect(inspect(u).expiredAttributes.size).toBe(0);
    expect(u.fullname ?? null).toBeNull();
  });

  it("test_cascades_dont_autoflush: the SELECTs of merge() do not flush its half-made copies", async () => {
    await using s = db.session();
    s.add(new User({ id: 7, name: "fred", addresses: [new Address({ id: 1, email: "a" })] }));
    await s.commit();
    s.expungeAll();
    db.counting.reset();
    const merged = await s.merge(new User({ id: 7, name: "jack", addresses: [new Address({ id: 1, email: "b" })] }));
    expect(db.counting.statements.every((q) => q.startsWith("SELECT"))).toBe(true);
    expect(s.dirty).toHaveLength(2);
    expect([merged.name, merged.addresses[0].email]).toEqual(["jack", "b"]);
  });
});

describe.each(dialectTargets())("merge() with a version counter (SQLAlchemy test_versioning merge) on $name", (target) => {
  class Base extends DeclarativeBase {}
  const name = uniqueName("sa_merge_ver");
  class Doc extends Base.model(name, {
    id: mappedColumn(Integer, { primaryKey: true }),
    title: mappedColumn(String(30)),
    version: mappedColumn(Integer, { versionId: true }),
  }) {}
  let engine: AsyncEngine;
  let counting: CountingDriver;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
    await engine.begin((c) => Base.metadata.createAll(c as never));
    cleanup = d.cleanup;
  });
  afterAll(async () => {
    await engine.begin((c) => Base.metadata.dropAll(c as never));
    await engine.dispose();
    await cleanup();
  });

  it("a stale version id on the merged copy raises StaleDataError; no version merges onto the current one", async () => {
    await engine.begin(async (c) => {
      await c.execute(insert(Doc.__table__).values({ id: 1, title: "t", version: 2 }));
    });
    await using s = new AsyncSession(engine);
    await expect(s.merge(new Doc({ id: 1, title: "old", version: 1 }))).rejects.toThrow(StaleDataError);
    await expect(s.merge(new Doc({ id: 1, title: "old", version: 1 }))).rejects.toThrow(
      /^Version id '1' on merged state <Doc at 0x[0-9a-f]+> does not match existing version '2'\. Leave the version attribute unset when merging to update the most recent version\.$/,
    );
    const d = await s.merge(new Doc({ id: 1, title: "new" }));
    await s.commit();
    await s.refresh(d);
    expect([d.title, d.version]).toEqual(["new", 3]);
  });
});

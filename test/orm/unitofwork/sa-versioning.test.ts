/**
 * SQLAlchemy's test/orm/test_versioning.py (VersioningTest), ported: the version counter on
 * INSERT and UPDATE, StaleDataError for a concurrent change on UPDATE and DELETE, a version the
 * application bumps itself, and merge() with and without a version.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AsyncSession, createAsyncEngine, DeclarativeBase, delete as delete_, Integer, mappedColumn, select, StaleDataError, String,
  type AsyncEngine,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";

class Base extends DeclarativeBase {}
const tableName = uniqueName("sa_version_table");
class Foo extends Base.model(tableName, {
  id: mappedColumn(Integer, { primaryKey: true }),
  versionId: mappedColumn(Integer, { name: "version_id", versionId: true }),
  value: mappedColumn(String(40)),
}) {}

describe.each(dialectTargets())("version counter (SQLAlchemy VersioningTest) on $name", (target) => {
  let engine: AsyncEngine;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    engine = createAsyncEngine(d.driver);
    await engine.begin((c) => Base.metadata.createAll(c as never));
    cleanup = d.cleanup;
  });
  afterAll(async () => {
    await engine.begin((c) => Base.metadata.dropAll(c as never));
    await engine.dispose();
    await cleanup();
  });
  beforeEach(async () => {
    await engine.begin((c) => c.execute(delete_(Foo.__table__)));
  });
  const session = (): AsyncSession => new AsyncSession(engine);

  async function rows(s: AsyncSession): Promise<unknown[][]> {
    return (await s.execute(select(Foo.id, Foo.value, Foo.versionId).orderBy(Foo.id))).all().map((r) => [...r]);
  }

  it("test_basic: a concurrent UPDATE makes the stale one raise; a DELETE of a stale row raises too", async () => {
    await using s1 = new AsyncSession(engine, { expireOnCommit: false });
    const f1 = new Foo({ value: "f1" });
    const f2 = new Foo({ value: "f2" });
    s1.addAll([f1, f2]);
    await s1.commit();
    f1.value = "f1rev2";
    await s1.commit();
    expect(f1.versionId).toBe(2);
    await using s2 = session();
    const f1s = (await s2.get(Foo, f1.id))!;
    f1s.value = "f1rev3";
    await s2.commit();
    // s1 still holds version 2.
    f1.value = "f1rev3mine";
    await expect(s1.commit()).rejects.toThrow(`UPDATE statement on table '${tableName}' expected to update 1 row(s); 0 were matched.`);
    await s1.rollback();
    const g1 = (await s1.get(Foo, f1.id))!;
    const g2 = (await s1.get(Foo, f2.id))!;
    expect(g1).toBe(f1);
    expect([g1.versionId, g2.versionId]).toEqual([3, 1]);
    // f1s was expired by s2's commit: its flush reads the committed version first.
    f1s.value = "f1rev4";
    await s2.commit();
    s1.delete(g1);
    s1.delete(g2);
    await expect(s1.commit()).rejects.toThrow(StaleDataError);
    await expect(s1.commit()).rejects.toThrow(/This Session's transaction has been rolled back/);
  });

  it("an expired object's flush reads its committed version id (one SELECT) before the UPDATE and DELETE", async () => {
    await using s1 = session();
    const f1 = new Foo({ value: "f1" });
    s1.add(f1);
    await s1.commit();
    f1.value = "f2";
    await s1.commit();
    await s1.refresh(f1);
    expect([f1.value, f1.versionId]).toEqual(["f2", 2]);
    s1.delete(f1);
    await s1.commit();
    expect(await rows(s1)).toEqual([]);
  });

  it("test_multiple_updates: each UPDATE bumps the counter", async () => {
    await using s1 = session();
    const f1 = new Foo({ value: "f1" });
    const f2 = new Foo({ value: "f2" });
    s1.addAll([f1, f2]);
    await s1.flush();
    f1.value = "f1rev2";
    f2.value = "f2rev2";
    await s1.commit();
    expect(await rows(s1)).toEqual([[f1.id, "f1rev2", 2], [f2.id, "f2rev2", 2]]);
  });

  it("test_bump_version: a version set by the application is written as is, checked against the committed one", async () => {
    await using s1 = new AsyncSession(engine, { expireOnCommit: false });
    const f1 = new Foo({ value: "f1" });
    s1.add(f1);
    await s1.commit();
    expect(f1.versionId).toBe(1);
    f1.versionId = 2;
    await s1.commit();
    expect(f1.versionId).toBe(2);
    f1.versionId = 4;
    f1.value = "something new";
    await s1.commit();
    expect(f1.versionId).toBe(4);
    expect(await rows(s1)).toEqual([[f1.id, "something new", 4]]);
    f1.versionId = 5;
    s1.delete(f1);
    await s1.commit();
    expect(await rows(s1)).toEqual([]);
  });

  it("test_merge_no_version / test_merge_correct_version: merge onto the expired instance bumps the counter", async () => {
    for (const version of [undefined, 2]) {
      await using s1 = session();
      const f1 = new Foo({ value: "f1" });
      s1.add(f1);
      await s1.commit();
      f1.value = "f2";
      await s1.commit();
      const f2 = new Foo(version === undefined ? { id: f1.id, value: "f3" } : { id: f1.id, value: "f3", versionId: version });
      const f3 = await s1.merge(f2);
      expect(f3).toBe(f1);
      await s1.commit();
      await s1.refresh(f3);
      expect(f3.versionId).toBe(3);
      await s1.execute(delete_(Foo.__table__));
      await s1.commit();
    }
  });

  it("test_merge_incorrect_version (in and not in the session)", async () => {
    for (const close of [false, true]) {
      await using s1 = session();
      const f1 = new Foo({ value: "f1" });
      s1.add(f1);
      await s1.commit();
      f1.value = "f2";
      await s1.commit();
      const f2 = new Foo({ id: f1.id, value: "f3", versionId: 1 });
      if (close) await s1.close();
      await expect(s1.merge(f2)).rejects.toThrow(
        /^Version id '1' on merged state <Foo at 0x[0-9a-f]+> does not match existing version '2'\. Leave the version attribute unset when merging to update the most recent version\.$/,
      );
      await s1.rollback();
      await s1.execute(delete_(Foo.__table__));
      await s1.commit();
    }
  });
});

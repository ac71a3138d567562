/**
 * SQLAlchemy's test/orm/test_versioning.py test_versioncheck / test_versioncheck_not_versioned
 * on PostgreSQL and libSQL: get(withForUpdate) of an identity-mapped versioned object checks the
 * locked row's version id against the one the object was loaded with (StaleDataError when
 * another session changed it); refresh(withForUpdate) reloads it, after which get() passes.
 */
import { AsyncSession, DeclarativeBase, Integer, mappedColumn, StaleDataError, String } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

class Base extends DeclarativeBase {}
const versionTable = uniqueName("sa5d_vc_version_table");
class Foo extends Base.model(versionTable, {
  id: mappedColumn(Integer, { primaryKey: true }),
  versionId: mappedColumn(Integer, { name: "version_id", versionId: true }),
  value: mappedColumn(String(40)),
}) {}
const plainTable = uniqueName("sa5d_vc_plain_table");
class Plain extends Base.model(plainTable, {
  id: mappedColumn(Integer, { primaryKey: true }),
  versionId: mappedColumn(Integer, { name: "version_id" }),
  value: mappedColumn(String(40)),
}) {}

describe.each(dialectTargets())("version check on load on $name", (target) => {
  const log = useSqlLog(target, Base.metadata);

  it("test_versioncheck", async () => {
    await using s1 = new AsyncSession(log.engine);
    const f1s1 = new Foo({ value: "f1 value" });
    s1.add(f1s1);
    await s1.commit();
    await s1.refresh(f1s1);
    const id = f1s1.id;
    expect(f1s1.versionId).toBe(1);
    {
      await using s2 = new AsyncSession(log.engine);
      const f1s2 = (await s2.get(Foo, id))!;
      f1s2.value = "f1 new value";
      await s2.commit();
    }
    // Load: the version is wrong.
    const err = await s1.get(Foo, id, { withForUpdate: true }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(StaleDataError);
    expect((err as Error).message).toMatch(/^Instance '<Foo at 0x[0-9a-f]+>' has version id '1' which does not match database-loaded version id '2'\.$/);
    // Reload it: this expires the old version first.
    await s1.refresh(f1s1, undefined, { withForUpdate: true });
    expect(f1s1.versionId).toBe(2);
    // Now the version is OK.
    expect(await s1.get(Foo, id, { withForUpdate: true })).toBe(f1s1);
    // A brand new load is OK too.
    await s1.close();
    const fresh = (await s1.get(Foo, id, { withForUpdate: true }))!;
    expect(fresh.value).toBe("f1 new value");
    expect(fresh.versionId).toBe(2);
  });

  it("test_versioncheck_not_versioned", async () => {
    await using s1 = new AsyncSession(log.engine);
    const f1s1 = new Plain({ value: "f1 value", versionId: 1 });
    s1.add(f1s1);
    await s1.commit();
    await s1.refresh(f1s1);
    {
      await using s2 = new AsyncSession(log.engine);
      const f = (await s2.get(Plain, f1s1.id))!;
      f.versionId = 5;
      await s2.commit();
    }
    expect(await s1.get(Plain, f1s1.id, { withForUpdate: true })).toBe(f1s1);
  });
});

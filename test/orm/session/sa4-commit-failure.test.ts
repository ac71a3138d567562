/**
 * A COMMIT that fails (a `DEFERRABLE INITIALLY DEFERRED` foreign key checked only at COMMIT), as
 * SQLAlchemy 2.0's Session handles it (lib/sqlalchemy/orm/session.py SessionTransaction.commit(),
 * test/orm/test_transaction.py test_rollback_on_prepare_failure, test_no_sql_during_prepare,
 * test_preserve_flush_error): the error propagates; the flush had succeeded, so until rollback()
 * the session's transaction stays "prepared" and refuses further SQL; rollback() then undoes the
 * transaction in memory (objects inserted in it are expunged, deleted ones restored, all expired)
 * and the session is usable again.
 */
import { AsyncSession, createAsyncEngine, DeclarativeBase, delete_, ForeignKey, IntegrityError, InvalidRequestError, Integer, mappedColumn, select, String, text, type AsyncEngine, type MetaData } from "athanor";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dialectTargets, uniqueName, type DialectTarget } from "../../fixtures/databases.js";

/**
 * The tables of `metadata` on `target`, emptied before each test. On SQLite the tables are not
 * dropped at the end (the database file is removed instead): libSQL keeps the statement of a
 * failed COMMIT alive on its pooled connection, and DROP TABLE there reports SQLITE_LOCKED.
 */
function useTables(target: DialectTarget, metadata: MetaData): { readonly engine: AsyncEngine } {
  let engine: AsyncEngine | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const d = await target.make();
    cleanup = d.cleanup;
    engine = createAsyncEngine(d.driver);
    await engine.begin(async (c) => {
      await metadata.dropAll(c);
      await metadata.createAll(c);
    });
  });
  beforeEach(async () => {
    await engine!.begin(async (c) => {
      for (const t of [...metadata.sortedTables].reverse()) await c.execute(delete_(t));
    });
  });
  afterAll(async () => {
    if (!engine) return;
    if (target.dialect !== "sqlite") await engine.begin(async (c) => void (await metadata.dropAll(c)));
    await engine.dispose();
    await cleanup?.();
  });
  return {
    get engine() {
      return engine!;
    },
  };
}

describe.each(dialectTargets())("failed COMMIT on $name", (target) => {
  class Base extends DeclarativeBase {}
  const users = uniqueName("sa4c_users");
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    name: mappedColumn(String(30)),
  }) {}
  class Address extends Base.model(uniqueName("sa4c_addresses"), {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    userId: mappedColumn(new ForeignKey(`${users}.id`, { deferrable: true, initially: "DEFERRED" }), { name: "user_id" }),
    email: mappedColumn(String(30)),
  }) {}
  const log = useTables(target, Base.metadata);

  it("test_rollback_on_prepare_failure: commit fails on a deferred constraint", async () => {
    await using s = new AsyncSession(log.engine);
    const u1 = new User({ id: 1, name: "ed" });
    s.add(u1);
    await s.commit();

    u1.name = "edward";
    const bad = new Address({ id: 1, userId: 99, email: "e1" });
    s.add(bad);
    await expect(s.commit()).rejects.toThrow(IntegrityError);
    // Nothing was committed.
    await using check = new AsyncSession(log.engine);
    expect((await check.execute(select(User.id, User.name))).all().map((r) => [...r])).toEqual([[1, "ed"]]);
    expect((await check.scalars(select(Address))).all()).toEqual([]);

    await s.rollback();
    // SQLAlchemy: `assert u not in s` — the object inserted in the failed transaction is transient.
    expect(s.contains(bad)).toBe(false);
    expect(s.contains(u1)).toBe(true);
    await s.refresh(u1);
    expect(u1.name).toBe("ed");
    // The session is usable again.
    s.add(new Address({ id: 2, userId: 1, email: "e2" }));
    await s.commit();
    expect((await s.execute(select(Address.id, Address.userId))).all().map((r) => [...r])).toEqual([[2, 1]]);
  });

  it("test_no_sql_during_prepare: after a failed COMMIT, SQL waits for rollback()", async () => {
    await using s = new AsyncSession(log.engine);
    s.add(new Address({ id: 1, userId: 99, email: "e1" }));
    await expect(s.commit()).rejects.toThrow(IntegrityError);
    await expect(s.execute(text("select 1"))).rejects.toThrow(InvalidRequestError);
    await expect(s.execute(text("select 1"))).rejects.toThrow(
      "This session is in 'prepared' state; no further SQL can be emitted within this transaction.",
    );
    await s.rollback();
    expect(await s.scalar(text("select 1"))).toBe(1);
  });

  it("a failed COMMIT of a delete: rollback() restores the deleted object", async () => {
    await using s = new AsyncSession(log.engine);
    s.add(new User({ id: 1, name: "ed" }));
    await s.commit();
    const u1 = (await s.get(User, 1))!;
    s.delete(u1);
    s.add(new Address({ id: 1, userId: 99, email: "e1" }));
    await expect(s.commit()).rejects.toThrow(IntegrityError);
    await s.rollback();
    expect(s.contains(u1)).toBe(true);
    expect(await s.get(User, 1)).toBe(u1);
    await s.refresh(u1);
    expect(u1.name).toBe("ed");
  });
});

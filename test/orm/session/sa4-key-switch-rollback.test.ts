/**
 * SQLAlchemy's test/orm/test_naturalpks.py ReversePKsTest.test_reverse_savepoint (#3108) and
 * variants: a flush that changes primary keys records the objects' old identity keys in the
 * transaction (or SAVEPOINT) it ran in; rolling that back puts each object back under its old
 * key in the identity map (and the expired values reload as the database has them again).
 * athanor never loads implicitly, so expired values are read after `refresh()`.
 */
import { AsyncSession, DeclarativeBase, inspect, Integer, mappedColumn, String } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "../unitofwork/sa3-uow-sql.helpers.js";

describe.each(dialectTargets())("ReversePKsTest savepoint (test_naturalpks.py) on $name", (target) => {
  class Base extends DeclarativeBase {}
  class User extends Base.model(uniqueName("sa4k_user"), {
    code: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    status: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    username: mappedColumn(String(50)),
  }) {}
  const log = useSqlLog(target, Base.metadata);
  const [PUBLISHED, EDITABLE, ARCHIVED] = [1, 2, 3];

  async function fixture(session: AsyncSession) {
    const aPublished = new User({ code: 1, status: PUBLISHED, username: "a" });
    session.add(aPublished);
    await session.commit();
    const aEditable = new User({ code: 1, status: EDITABLE, username: "a" });
    session.add(aEditable);
    await session.commit();
    return { aPublished, aEditable };
  }

  it("test_reverse_savepoint", async () => {
    await using session = new AsyncSession(log.engine);
    const { aPublished, aEditable } = await fixture(session);
    const nt1 = await session.beginNested();
    aPublished.status = ARCHIVED;
    aEditable.status = PUBLISHED;
    await nt1.commit();
    expect(await session.get(User, [1, ARCHIVED])).toBe(aPublished);
    expect(await session.get(User, [1, PUBLISHED])).toBe(aEditable);

    await session.rollback();
    await session.refresh(aPublished);
    await session.refresh(aEditable);
    expect(aPublished.status).toBe(PUBLISHED);
    expect(aEditable.status).toBe(EDITABLE);
    expect(inspect(aPublished).identity).toEqual([1, PUBLISHED]);
    expect(inspect(aEditable).identity).toEqual([1, EDITABLE]);
    expect(await session.get(User, [1, PUBLISHED])).toBe(aPublished);
    expect(await session.get(User, [1, EDITABLE])).toBe(aEditable);
  });

  it("test_reverse_savepoint (the SAVEPOINT itself rolled back)", async () => {
    await using session = new AsyncSession(log.engine);
    const { aPublished, aEditable } = await fixture(session);
    const nt1 = await session.beginNested();
    aPublished.status = ARCHIVED;
    aEditable.status = PUBLISHED;
    await session.flush();
    expect(inspect(aPublished).identity).toEqual([1, ARCHIVED]);
    await nt1.rollback();
    expect(inspect(aPublished).identity).toEqual([1, PUBLISHED]);
    expect(inspect(aEditable).identity).toEqual([1, EDITABLE]);
    expect(await session.get(User, [1, PUBLISHED])).toBe(aPublished);
    expect(await session.get(User, [1, EDITABLE])).toBe(aEditable);
    expect(await session.get(User, [1, ARCHIVED])).toBe(null);
    await session.refresh(aPublished);
    await session.refresh(aEditable);
    expect(aPublished.status).toBe(PUBLISHED);
    expect(aEditable.status).toBe(EDITABLE);
    // The outer transaction goes on: the objects can be changed and committed again.
    aPublished.username = "b";
    await session.commit();
    await session.refresh(aPublished);
    expect([aPublished.status, aPublished.username]).toEqual([PUBLISHED, "b"]);
  });

  it("test_reverse_savepoint (nested SAVEPOINTs: the outer key is restored)", async () => {
    await using session = new AsyncSession(log.engine);
    const { aPublished } = await fixture(session);
    const nt1 = await session.beginNested();
    aPublished.status = ARCHIVED;
    await session.flush();
    const nt2 = await session.beginNested();
    aPublished.status = 4;
    await session.flush();
    await nt2.commit();
    expect(inspect(aPublished).identity).toEqual([1, 4]);
    await nt1.rollback();
    expect(inspect(aPublished).identity).toEqual([1, PUBLISHED]);
    expect(await session.get(User, [1, PUBLISHED])).toBe(aPublished);
    expect(await session.get(User, [1, 4])).toBe(null);
  });

  it("test_reverse_savepoint (root transaction rolled back after a flush)", async () => {
    await using session = new AsyncSession(log.engine);
    const { aPublished } = await fixture(session);
    aPublished.status = ARCHIVED;
    await session.flush();
    expect(await session.get(User, [1, ARCHIVED])).toBe(aPublished);
    await session.rollback();
    expect(inspect(aPublished).identity).toEqual([1, PUBLISHED]);
    expect(await session.get(User, [1, PUBLISHED])).toBe(aPublished);
    expect(aPublished.status).toBe(PUBLISHED);
  });
});

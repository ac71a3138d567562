/**
 * SQLAlchemy's test/orm/test_unitofwork.py ClauseAttributesTest: SQL expressions assigned to
 * mapped attributes are rendered into the flush's INSERT or UPDATE; the attribute is then
 * expired (read again by a refresh: athanor never loads implicitly, so the tests refresh where
 * SQLAlchemy reads the attribute), except a primary key, which comes back by RETURNING.
 */
import { AsyncSession, Boolean, DeclarativeBase, false_, Integer, literal, literalColumn, mappedColumn, select, String } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

describe.each(dialectTargets())("ClauseAttributesTest (test_unitofwork.py) on $name", (target) => {
  class Base extends DeclarativeBase {}
  const usersT = uniqueName("sa3a_users_t");
  class User extends Base.model(usersT, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { nullable: true }),
    counter: mappedColumn(Integer, { default: 1 }),
  }) {}
  class HasBoolean extends Base.model(uniqueName("sa3a_boolean_t"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    value: mappedColumn(Boolean, { nullable: true }),
  }) {}
  const pkT = uniqueName("sa3a_pk_t");
  class PkDefault extends Base.model(pkT, {
    id: mappedColumn(Integer, { name: "p_id", primaryKey: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {}
  const log = useSqlLog(target, Base.metadata);

  it("test_update", async () => {
    await using session = new AsyncSession(log.engine, { expireOnCommit: false });
    const u = new User({ name: "test" });
    session.add(u);
    await session.flush();
    expect(u.counter).toBe(1);
    u.counter = User.counter.add(1) as never;
    expect(await log.capture(() => session.flush())).toEqual([[`UPDATE ${usersT} SET counter=(${usersT}.counter + ?) WHERE ${usersT}.id = ?`, [1, u.id]]]);
    const sent = await log.capture(() => session.refresh(u));
    expect(sent.length).toBe(1);
    expect(u.counter).toBe(2);
    await session.rollback();
  });

  it("test_multi_update", async () => {
    await using session = new AsyncSession(log.engine, { expireOnCommit: false });
    const u = new User({ name: "test" });
    session.add(u);
    await session.flush();
    expect(u.counter).toBe(1);
    u.name = "test2";
    u.counter = User.counter.add(1) as never;
    await session.flush();
    expect(u.name).toBe("test2");
    await session.refresh(u);
    expect(u.counter).toBe(2);
    session.expungeAll();
    const again = (await session.get(User, u.id))!;
    expect([again.name, again.counter]).toEqual(["test2", 2]);
    await session.rollback();
  });

  it("test_insert", async () => {
    await using session = new AsyncSession(log.engine, { expireOnCommit: false });
    const u = new User({ name: "test", counter: select(literal(5)).scalarSubquery() as never });
    session.add(u);
    await session.flush();
    await session.refresh(u);
    expect(u.counter).toBe(5);
    await session.rollback();
  });

  it("test_insert_pk_expression", async () => {
    await using session = new AsyncSession(log.engine, { expireOnCommit: false });
    // literal(5) + 10 in SQLAlchemy; two untyped parameters don't add on PostgreSQL without casts.
    const pk = new PkDefault({ id: literalColumn("5").add(10) as never, data: "some data" });
    session.add(pk);
    await session.flush();
    expect(pk.id).toBe(15);
    await session.commit();
    expect(pk.id).toBe(15);
    expect(await session.get(PkDefault, 15)).toBe(pk);
    await session.execute(select(PkDefault.id)); // the table is usable after the commit
  });

  it("test_update_special_comparator", async () => {
    await using session = new AsyncSession(log.engine, { expireOnCommit: false });
    const hb = new HasBoolean({ value: null });
    session.add(hb);
    await session.flush();
    hb.value = false_() as never;
    await session.flush();
    // Needs to be refreshed.
    expect(session.isModified(hb)).toBe(false);
    await session.refresh(hb);
    expect(hb.value).toBe(false);
    await session.rollback();
  });
});

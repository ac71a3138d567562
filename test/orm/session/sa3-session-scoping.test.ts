/**
 * SQLAlchemy's test/orm/test_session.py, parts not in sa-session-state.test.ts: TransScopingTest
 * (a session bound to a connection never closes it), SessionStateTest's autoflush tests (the
 * "Query-invoked autoflush" detail on a failed autoflush, noAutoflush() after an exception,
 * sessions on connections), test_duplicate_update and test_get_populate_existing, and
 * IsModifiedTest.test_is_modified_passive_off.
 */
import { describe, expect, it } from "vitest";
import { AsyncSession, DBAPIError, event, InvalidRequestError, objectSession, select, update, type OrmExecuteState } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, useDb } from "./models.js";

const M = defineModels("sa3_scope");
const { User, Address } = M;

describe.each(dialectTargets())("session scoping and autoflush (SQLAlchemy test_session.py) on $name", (target) => {
  const db = useDb(target, M);
  const usersTable = (): string => User.__table__.name;

  it("test_no_close_on_flush / test_close: flush() and close() leave a connection the session did not open usable", async () => {
    const c = await db.engine.connect();
    await c.execDriverSql(`select * from ${usersTable()}`);
    const s = new AsyncSession(c);
    s.add(new User({ name: "first" }));
    await s.flush();
    await c.execDriverSql(`select * from ${usersTable()}`);
    await s.close();
    expect(c.closed).toBe(false);
    await c.execDriverSql(`select * from ${usersTable()}`);
    await c.close();
  });

  it("test_autoflush_2: commit() of a session on a connection commits; the row is visible elsewhere", async () => {
    const conn1 = await db.engine.connect();
    const s = new AsyncSession(conn1, { autoflush: true });
    s.add(new User({ name: "ed" }));
    await s.commit();
    expect(Number((await conn1.execDriverSql(`select count(1) from ${usersTable()}`)).scalar())).toBe(1);
    await conn1.close();
    await db.engine.connect(async (c) => {
      expect(Number((await c.execDriverSql(`select count(1) from ${usersTable()}`)).scalar())).toBe(1);
    });
    await s.close();
  });

  it("test_with_no_autoflush_after_exception: autoflush is back on after noAutoflush() throws", async () => {
    await using s = db.session({ autoflush: true });
    await expect(
      s.noAutoflush(async () => {
        throw new RangeError("division by zero");
      }),
    ).rejects.toThrow(RangeError);
    const u = new User({ name: "ed" });
    s.add(u);
    // Autoflush works again: the query finds the pending object.
    expect((await s.scalars(select(User).where(User.name.eq("ed")))).one()).toBe(u);
    expect(s.new).toEqual([]);
  });

  it("test_autoflush_exception_addition: a failed autoflush says it was Query-invoked", async () => {
    await using s = db.session();
    const u1 = new User({ name: "first" });
    s.add(u1);
    await s.commit();
    await s.refresh(u1, ["addresses"]);
    // email_address is NOT NULL.
    u1.addresses.push(new Address({ email: null as unknown as string }));
    const err = await s.scalars(select(User)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DBAPIError);
    expect((err as Error).message).toMatch(
      /^\(raised as a result of Query-invoked autoflush; consider using a session\.no_autoflush block if this flush is occurring prematurely\)\n/,
    );
    await s.rollback();
  });

  it("an explicit flush() failing has no autoflush detail", async () => {
    await using s = db.session();
    const u1 = new User({ name: "first" });
    s.add(u1);
    await s.commit();
    await s.refresh(u1, ["addresses"]);
    u1.addresses.push(new Address({ email: null as unknown as string }));
    const err = await s.flush().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DBAPIError);
    expect((err as Error).message).not.toMatch(/Query-invoked autoflush/);
    // The "partial rollback" state: inactive until rollback() (test_active_flag_partial_rollback).
    expect(s.isActive).toBe(false);
    await s.rollback();
    expect(s.isActive).toBe(true);
  });

  it("test_duplicate_update: a detached object cannot be added over the identity another instance holds", async () => {
    await using s = db.session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await s.flush();
    expect(u1.id).not.toBeUndefined();
    s.expunge(u1);
    expect(s.contains(u1)).toBe(false);
    expect(objectSession(u1)).toBeNull();
    const u2 = (await s.get(User, u1.id))!;
    expect(u2).not.toBeNull();
    expect(u2).not.toBe(u1);
    expect(s.contains(u2)).toBe(true);
    expect(() => s.add(u1)).toThrow(InvalidRequestError);
    expect(() => s.add(u1)).toThrow(/^Can't attach instance <User at 0x[0-9a-f]+>; another instance with key .* is already present in this session\.$/);
    s.expunge(u2);
    expect(s.contains(u2)).toBe(false);
    expect(objectSession(u2)).toBeNull();
    u1.name = "John";
    u2.name = "Doe";
    s.add(u1);
    expect(s.contains(u1)).toBe(true);
    expect(objectSession(u1)).toBe(s);
    await s.flush();
    s.expungeAll();
    const u3 = (await s.get(User, u1.id))!;
    expect(u3).not.toBe(u1);
    expect(u3).not.toBe(u2);
    expect(u3.name).toBe(u1.name);
  });

  const peCases: [string, boolean | undefined, Record<string, unknown>, boolean | undefined][] = [
    ["default", undefined, {}, undefined],
    ["arg_true", true, {}, true],
    ["arg_false", false, {}, false],
    ["arg_true_exe_false", true, { populateExisting: false }, true],
    ["arg_false_exe_true", false, { populateExisting: true }, false],
    ["exe_true", undefined, { populateExisting: true }, true],
    ["exe_false", undefined, { populateExisting: false }, false],
  ];
  for (const objectInSession of [true, false]) {
    for (const [id, sessionParameter, executionOpt, expectedPe] of peCases) {
      it(`test_get_populate_existing (${id}, object in session=${String(objectInSession)})`, async () => {
        const s = db.session();
        s.add(new User({ id: 1, name: "name" }));
        await s.commit();
        await s.close();
        const kept = objectInSession ? await s.get(User, 1) : undefined;
        await (await s.connection()).execute(update(User.__table__).where(User.__table__.c.id.eq(1)).values({ name: "newname" }));
        const gather: OrmExecuteState["executionOptions"][] = [];
        event.listen(s, "doOrmExecute", (ctx: OrmExecuteState) => {
          gather.push(ctx.executionOptions);
        });
        const res = (await s.get(User, 1, { ...(sessionParameter === undefined ? {} : { populateExisting: sessionParameter }), executionOptions: executionOpt }))!;
        if (!objectInSession || expectedPe) {
          expect(res.name).toBe("newname");
          if (expectedPe === undefined) expect("populateExisting" in gather[0]).toBe(false);
          else expect(gather[0].populateExisting).toBe(expectedPe);
        } else {
          expect(gather).toEqual([]);
          expect(res).toBe(kept);
          expect(res.name).toBe("name");
        }
        await s.close();
      });
    }
  }

  it("test_is_modified_passive_off: isModified() emits no SQL; with expired attributes it reports the change", async () => {
    await using s = db.session();
    const u = new User({ name: "fred" });
    u.addresses = [new Address({ email: "foo" })];
    s.add(u);
    await s.commit();
    await s.refresh(u);
    db.counting.reset();
    expect(s.isModified(u)).toBe(false);
    expect(db.counting.statements).toEqual([]);
    s.expireAll();
    u.name = "newname";
    expect(s.isModified(u)).toBe(true);
    expect(db.counting.statements).toEqual([]);
  });
});

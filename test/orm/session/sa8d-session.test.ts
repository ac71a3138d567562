/**
 * Session state cases from SQLAlchemy's test/orm/test_session.py not covered by
 * sa-session-state.test.ts / sa6h-session.test.ts / session-api.test.ts:
 * SessionStateTest (test_active_flag_autobegin_future, test_extra_dirty_state_post_flush_warning,
 * test_extra_dirty_state_post_flush_state) and SessionStateWFixtureTest.test_autoflush_rollback,
 * on PostgreSQL and libSQL.
 *
 * Adapted: athanor loads no relationship implicitly, so test_autoflush_rollback loads
 * `addresses` with selectinload() and reads the rolled-back values back with refresh().
 * Not ported: DisposedStates (simulates garbage collection inside the identity map),
 * NoCyclesOnTransientDetachedTest and WeakIdentityMapTest (Python reference cycles / gc),
 * test_pickled_update, SessionInterface.test_refresh_arg_signature (mock of the loader), and
 * FlushWarningsTest.test_plain_merge (merge() is async: a listener cannot run it inside the flush).
 */
import { describe, expect, it } from "vitest";
import { event, selectinload, warnings } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, useDb } from "./models.js";

const M = defineModels("sa8d_sess");
const { User, Address } = M;

describe.each(dialectTargets())("session state (SQLAlchemy test_session) on $name", (target) => {
  const db = useDb(target, M);

  it("test_active_flag_autobegin_future: a session is active with or without a transaction", async () => {
    await using sess = db.session();
    expect(sess.isActive).toBe(true);
    expect(sess.inTransaction()).toBe(false);
    await sess.begin();
    expect(sess.isActive).toBe(true);
    await sess.rollback();
    expect(sess.isActive).toBe(true);
  });

  it("test_autoflush_rollback: rollback() undoes an attribute change and a collection append", async () => {
    {
      await using seed = db.session();
      const u = new User({ id: 8, name: "ed", addresses: ["a", "b", "c"].map((email) => new Address({ email })) });
      seed.add(u);
      await seed.commit();
    }
    await using sess = db.session({ autoflush: true });
    const u = (await sess.get(User, 8, { options: [selectinload(User.addresses)] }))!;
    const newad = new Address({ email: "a new address" });
    u.addresses.push(newad);
    u.name = "some new name";
    expect(u.name).toBe("some new name");
    expect(u.addresses.length).toBe(4);
    expect(u.addresses).toContain(newad);
    await sess.rollback();
    await sess.refresh(u, ["name", "addresses"]);
    expect(u.name).toBe("ed");
    expect(u.addresses.length).toBe(3);
    expect(u.addresses).not.toContain(newad);
    // Pending objects are expunged, not expired.
    expect(newad.email).toBe("a new address");
  });

  describe("test_extra_dirty_state_post_flush", () => {
    /** SQLAlchemy's `_test_extra_dirty_state`: an afterUpdate listener changes every object of the session. */
    async function fixture(): Promise<{ s: ReturnType<typeof db.session>; a1: InstanceType<typeof User>; a2: InstanceType<typeof User>; listener: (m: unknown, c: unknown, t: object) => void }> {
      const s = db.session();
      const a1 = new User({ name: "1" });
      const a2 = new User({ name: "2" });
      s.addAll([a1, a2]);
      await s.commit();
      await s.refresh(a1);
      await s.refresh(a2);
      const listener = (): void => {
        a1.name = "5";
        a2.name = "5";
      };
      event.listen(User, "afterUpdate", listener);
      a1.name = "3";
      return { s, a1, a2, listener };
    }

    it("_warning: changes made to clean objects inside the flush warn and are reset", async () => {
      const { s, listener } = await fixture();
      try {
        const caught = await warnings.catch(() => s.commit());
        expect(caught.map((w) => w.message)).toEqual([
          "Attribute history events accumulated on 1 previously clean instances within inner-flush event handlers have been reset, and will not result in database updates. Consider using set_committed_value() within inner-flush event handlers to avoid this warning.",
        ]);
      } finally {
        event.remove(User, "afterUpdate", listener);
        await s.close();
      }
    });

    it("_state: after the flush no object is left modified", async () => {
      const { s, a2, listener } = await fixture();
      const canary: boolean[] = [];
      event.listen(s, "afterFlushPostexec", (sess) => void canary.push(sess.dirty.length > 0));
      try {
        await warnings.catch(() => s.flush());
        expect(canary).toEqual([false]);
        expect(s.dirty).toEqual([]);
        // The in-memory value stays; it is not written.
        expect(a2.name).toBe("5");
        await s.commit();
        await using other = db.session();
        expect((await other.get(User, a2.id))!.name).toBe("2");
      } finally {
        event.remove(User, "afterUpdate", listener);
        await s.close();
      }
    });
  });
});

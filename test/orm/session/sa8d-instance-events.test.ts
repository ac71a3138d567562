/**
 * Instance events init, initFailure, refresh, refreshFlush and expire, ported from SQLAlchemy's
 * test/orm/test_events.py: MapperEventsTest (test_instance_event_listen, test_init_allow_kw_modify,
 * test_init_failure_hook, test_basic with every event) and RefreshTest (all cases), on
 * PostgreSQL and libSQL.
 *
 * Adapted: listeners go on the model class (SQLAlchemy's `event.listen(Mapper, …)` for every
 * mapper does not exist); `init` receives the constructor's argument object (SQLAlchemy's args
 * and kwargs), which a listener may change; `initFailure` sees errors of the mapped constructor
 * (applying the arguments), not of a subclass constructor body that runs after `super()`.
 * SQLAlchemy's implicit loads on attribute access (test_via_refresh_state's `u1.name`) are
 * `session.refresh(obj)` here (its refresh event then gets `null`, as SQLAlchemy's
 * `Session.refresh()` without names does); `sess.query(User).first()` is `select(User).limit(1)`.
 * athanor applies a scalar column default in the constructor, so test_basic's `extra` (default
 * 5, onupdate 10) is what the INSERT's refreshFlush reports, as SQLAlchemy's prefetch.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ArgumentError, DeclarativeBase, event, getHistory, Integer, mappedColumn, select, String } from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

const ALL = ["init", "initFailure", "load", "refresh", "refreshFlush", "expire", "beforeInsert", "afterInsert", "beforeUpdate", "afterUpdate", "beforeDelete", "afterDelete"] as const;

/** SQLAlchemy's `listen_all()`: every event of `cls` recorded by name. */
function listenAll(cls: object, options: { propagate?: boolean } = {}): string[] {
  const canary: string[] = [];
  for (const name of ALL) event.listen(cls as never, name as never, (() => void canary.push(name)) as never, options);
  return canary;
}

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function userModels(extra = false) {
  class Base extends DeclarativeBase {}
  const p = uniqueName("sa8d_ievt");
  class User extends Base.model(`${p}_users`, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { nullable: true }),
    ...(extra ? { extra: mappedColumn(Integer, { default: 5, onupdate: 10, nullable: true }) } : {}),
  }) {}
  return { Base, User, p };
}

describe("init and initFailure (no database)", () => {
  it("test_instance_event_listen: init listeners, propagate to a subclass", () => {
    class Base extends DeclarativeBase {}
    const p = uniqueName("sa8d_init");
    class A extends Base.model(`${p}_a`, {
      id: mappedColumn(Integer, { primaryKey: true }),
      type: mappedColumn(String(10), { nullable: true }),
    }, { polymorphicOn: "type", polymorphicIdentity: "a" }) {}
    class B extends A.subclass({ data: mappedColumn(String(10), { nullable: true }) }, { table: `${p}_b`, polymorphicIdentity: "b" }) {}
    const canary: [string, object][] = [];
    event.listen(A, "init", (target) => void canary.push(["init_c", target]));
    event.listen(A, "init", (target) => void canary.push(["init_d", target]), { propagate: true });
    const a = new A();
    expect(canary).toEqual([["init_c", a], ["init_d", a]]);
    canary.length = 0;
    const b = new B();
    expect(canary).toEqual([["init_d", b]]);
  });

  it("test_init_allow_kw_modify: a listener changes the constructor arguments", () => {
    const { User } = userModels();
    event.listen(User, "init", (_target, args) => {
      args["name"] = "ed";
    });
    expect(new User().name).toBe("ed");
    expect(new User({ name: "jack" }).name).toBe("ed");
  });

  it("init runs before the arguments are applied, with the state in place", () => {
    const { User } = userModels();
    const seen: unknown[] = [];
    event.listen(User, "init", (target, args) => void seen.push((target as { name?: unknown }).name, { ...args }));
    const u = new User({ id: 3, name: "x" });
    expect(seen).toEqual([undefined, { id: 3, name: "x" }]);
    expect(u.name).toBe("x");
  });

  it("test_init_failure_hook: initFailure sees a failing construction, then the error is raised", () => {
    const { User } = userModels();
    const calls: [object, Record<string, unknown>, unknown][] = [];
    event.listen(User, "initFailure", (target, args, error) => void calls.push([target, args, error]));
    new User({ name: "fine" });
    expect(calls).toEqual([]);
    let thrown: unknown;
    try {
      new User({ nope: 1 } as never);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toEqual(new ArgumentError(`'nope' is not a mapped attribute of User`));
    expect(calls.length).toBe(1);
    expect(calls[0][1]).toEqual({ nope: 1 });
    expect(calls[0][2]).toBe(thrown);
    expect(calls[0][0]).toBeInstanceOf(User);
  });

  it("a model without listeners is not affected by another model's init listener", () => {
    const a = userModels();
    const b = userModels();
    const seen: string[] = [];
    event.listen(a.User, "init", () => void seen.push("a"));
    new b.User({ name: "b" });
    new a.User({ name: "a" });
    expect(seen).toEqual(["a"]);
  });
});

describe.each(dialectTargets())("instance events on $name", (target) => {
  const opened: Db[] = [];
  afterAll(async () => {
    for (const db of opened) await db.cleanup();
  });
  async function open(base: Parameters<typeof openDb>[1]): Promise<Db> {
    const db = await openDb(target, base);
    opened.push(db);
    return db;
  }

  it("test_basic: the full sequence, refreshFlush after INSERT and UPDATE, expire then refresh", async () => {
    const m = userModels(true);
    const db = await open(m.Base);
    const canary = listenAll(m.User);
    const flushAttrs: unknown[] = [];
    event.listen(m.User, "refreshFlush", (_t, ctx, attrs) => void flushAttrs.push([ctx.origin, attrs]));
    await using s = db.session();
    const u = new m.User({ name: "u1" });
    s.add(u);
    await s.flush();
    s.expire(u);
    // get() of an expired object reloads it.
    await s.get(m.User, u.id);
    s.expungeAll();
    const u3 = (await s.get(m.User, u.id))!;
    u3.name = "u1 changed";
    await s.flush();
    await s.delete(u3);
    await s.flush();
    expect(canary).toEqual([
      "init", "beforeInsert", "refreshFlush", "afterInsert", "expire", "refresh", "load", "beforeUpdate", "refreshFlush", "afterUpdate", "beforeDelete", "afterDelete",
    ]);
    expect(flushAttrs).toEqual([["flush", ["extra"]], ["flush", ["extra"]]]);
    expect(u3.extra).toBe(10);
  });

  it("refreshFlush is not fired when the flush brought nothing back", async () => {
    const m = userModels();
    const db = await open(m.Base);
    const canary = listenAll(m.User);
    await using s = db.session();
    const u = new m.User({ id: 1, name: "u1" });
    s.add(u);
    await s.flush();
    u.name = "u2";
    await s.flush();
    expect(canary).toEqual(["init", "beforeInsert", "afterInsert", "beforeUpdate", "afterUpdate"]);
  });

  it("expire: names for expire(obj, names), null for the whole object, expireAll() and commit", async () => {
    const m = userModels();
    const db = await open(m.Base);
    const seen: unknown[] = [];
    event.listen(m.User, "expire", (target, attrs) => void seen.push([target, attrs]));
    await using s = db.session();
    const [u1, u2] = [new m.User({ name: "u1" }), new m.User({ name: "u2" })];
    s.addAll([u1, u2]);
    await s.flush();
    s.expire(u1, ["name"]);
    expect(seen).toEqual([[u1, ["name"]]]);
    s.expire(u2);
    expect(seen.slice(1)).toEqual([[u2, null]]);
    seen.length = 0;
    s.expireAll();
    expect(new Set(seen.map((x) => (x as unknown[])[0]))).toEqual(new Set([u1, u2]));
    expect(seen.map((x) => (x as unknown[])[1])).toEqual([null, null]);
    seen.length = 0;
    await s.commit();
    expect(seen.length).toBe(2);
    seen.length = 0;
    await s.refresh(u1, ["name"]);
    expect(seen).toEqual([[u1, ["name"]]]);
  });

  describe("RefreshTest", () => {
    async function fixture(): Promise<{ m: ReturnType<typeof userModels>; db: Db; canary: unknown[] }> {
      const m = userModels();
      const db = await open(m.Base);
      const canary: unknown[] = [];
      event.listen(m.User, "load", () => void canary.push("load"));
      event.listen(m.User, "refresh", (_t, _ctx, attrs) => void canary.push(["refresh", attrs]));
      return { m, db, canary };
    }
    const first = (m: ReturnType<typeof userModels>) => select(m.User).limit(1);

    it("test_already_present: a row of a loaded object fires nothing", async () => {
      const { m, db, canary } = await fixture();
      await using s = db.session();
      s.add(new m.User({ name: "u1" }));
      await s.flush();
      await s.scalars(first(m));
      expect(canary).toEqual([]);
    });

    it("test_changes_reset: values a refresh listener assigns count as loaded, the object is dirty", async () => {
      const m = userModels();
      const db = await open(m.Base);
      event.listen(m.User, "refresh", (obj) => {
        (obj as { name: string }).name = "refreshed name!";
      });
      await using s = db.session();
      const u1 = new m.User({ name: "u1" });
      s.add(u1);
      await s.commit();
      s.expire(u1);
      await s.scalars(first(m));
      expect(getHistory(u1, "name")).toMatchObject({ added: [], unchanged: ["refreshed name!"], deleted: [] });
      expect(s.dirty).toContain(u1);
    });

    it("test_repeated_rows: a UNION ALL of the same row refreshes once", async () => {
      const { m, db, canary } = await fixture();
      await using s = db.session();
      s.add(new m.User({ name: "u1" }));
      await s.commit();
      // SQLAlchemy's query(User).union_all(query(User)).
      const tb = m.User.__table__.name;
      const q = select(m.User);
      const rows = (await s.scalars(select(m.User).fromStatement(q.unionAll(q)))).all();
      expect(rows).toHaveLength(2);
      expect(rows[0]).toBe(rows[1]);
      expect(db.statements.at(-1)).toBe(`SELECT ${tb}.id, ${tb}.name \nFROM ${tb} UNION ALL SELECT ${tb}.id, ${tb}.name \nFROM ${tb}`);
      expect(canary).toEqual([["refresh", new Set(["id", "name"])]]);
    });

    it("test_via_refresh_state: session.refresh() of an expired object (null: the whole object)", async () => {
      const { m, db, canary } = await fixture();
      await using s = db.session();
      const u1 = new m.User({ name: "u1" });
      s.add(u1);
      await s.commit();
      await s.refresh(u1);
      expect(canary).toEqual([["refresh", null]]);
      canary.length = 0;
      await s.refresh(u1, ["name"]);
      expect(canary).toEqual([["refresh", new Set(["name"])]]);
    });

    it("test_was_expired: a query reloading an expired object", async () => {
      const { m, db, canary } = await fixture();
      await using s = db.session();
      const u1 = new m.User({ name: "u1" });
      s.add(u1);
      await s.flush();
      s.expire(u1);
      await s.scalars(first(m));
      expect(canary).toEqual([["refresh", new Set(["id", "name"])]]);
    });

    it("test_was_expired_via_commit", async () => {
      const { m, db, canary } = await fixture();
      await using s = db.session();
      s.add(new m.User({ name: "u1" }));
      await s.commit();
      await s.scalars(first(m));
      expect(canary).toEqual([["refresh", new Set(["id", "name"])]]);
    });

    it("test_was_expired_attrs: only the expired attribute", async () => {
      const { m, db, canary } = await fixture();
      await using s = db.session();
      const u1 = new m.User({ name: "u1" });
      s.add(u1);
      await s.flush();
      s.expire(u1, ["name"]);
      await s.scalars(first(m));
      expect(canary).toEqual([["refresh", new Set(["name"])]]);
    });

    it("test_populate_existing: null", async () => {
      const { m, db, canary } = await fixture();
      await using s = db.session();
      s.add(new m.User({ name: "u1" }));
      await s.commit();
      await s.scalars(first(m).executionOptions({ populateExisting: true }));
      expect(canary).toEqual([["refresh", null]]);
    });
  });
});

/**
 * The ORM load path's caches and fast paths: the row layout of an option-less ORM select is
 * cached per columns clause, and must never carry one statement's options, criteria, bind values
 * or LIMIT handling into another; identity keys are stored split (class part + normalized key
 * part) and must still find objects by every spelling of a key; the weak identity map holds new
 * entries strongly only until they settle into WeakRefs.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aliased, DateTime, DeclarativeBase, ForeignKey, insert, Integer, mappedColumn, relationship, select, selectinload, String, undefer,
  UnloadedAttributeError, withLoaderCriteria,
} from "athanor";
import { WeakIdentityMap } from "../../../src/orm/identity-map.js";
import { planOrmSelect, type EntitySlot } from "../../../src/orm/loading.js";
import { mapperOf } from "../../../src/orm/mapper.js";
import { stateOf } from "../../../src/orm/state.js";
import type { Select } from "../../../src/sql/selectable.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { defineModels, openDb, type Db } from "./models.js";

const M = defineModels("ldpc");
const { User, Address, Region } = M;

class JBase extends DeclarativeBase {}
const p = uniqueName("ldpcj");
class Parent extends JBase.model(`${p}_parents`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
}) {
  static kids = relationship(() => Kid, { lazy: "joined", orderBy: () => Kid.id });
  declare kids: Kid[];
}
class Kid extends JBase.model(`${p}_kids`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  parentId: mappedColumn(ForeignKey(`${p}_parents.id`), { name: "parent_id" }),
}) {}

/** A key whose bind values need the column type's processing (a Date stored as text on SQLite). */
class Stamp extends JBase.model(`${p}_stamps`, {
  at: mappedColumn(DateTime(), { primaryKey: true }),
  label: mappedColumn(String(30)),
}) {}

const sqlOf = (stmt: unknown): string => planOrmSelect(stmt as Select).stmt.toString();

describe.each(dialectTargets())("ORM plan cache and identity keys on $name", (target) => {
  let db: Db;
  let jdb: Db;
  beforeAll(async () => {
    db = await openDb(target, M.Base);
    jdb = await openDb(target, JBase);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [
        { id: 1, name: "sandy", fullname: "Sandy Cheeks", bio: "squirrel" },
        { id: 2, name: "patrick", fullname: null, bio: "starfish" },
        { id: 3, name: "squidward", fullname: null, bio: null },
      ]);
      await conn.execute(insert(Address.__table__), [
        { id: 1, email: "s1@x", userId: 1 },
        { id: 2, email: "p1@x", userId: 2 },
      ]);
      await conn.execute(insert(Region.__table__), [{ country: "us", code: 1, name: "east" }]);
    });
    await jdb.engine.begin(async (conn) => {
      await conn.execute(insert(Parent.__table__), [{ id: 1, name: "a" }, { id: 2, name: "b" }]);
      await conn.execute(insert(Kid.__table__), [{ id: 1, parentId: 1 }, { id: 2, parentId: 1 }, { id: 3, parentId: 2 }]);
      await conn.execute(insert(Stamp.__table__), [
        { at: new Date("2024-01-02T03:04:05.000Z"), label: "first" },
        { at: new Date("2024-05-06T07:08:09.000Z"), label: "second" },
      ]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
    await jdb.cleanup();
  });

  it("options of one statement never reach the next statement over the same entity", async () => {
    const plain = async () => {
      const s = db.session();
      const u = (await s.scalars(select(User).where(User.id.eq(1)))).one();
      expect(() => u.bio).toThrow(UnloadedAttributeError);
      expect(() => u.addresses).toThrow(UnloadedAttributeError);
      await s.close();
    };
    await plain();
    const s = db.session();
    const u = (await s.scalars(select(User).where(User.id.eq(1)).options(undefer(User.bio), selectinload(User.addresses)))).one();
    expect(u.bio).toBe("squirrel");
    expect(u.addresses.map((a) => a.email)).toEqual(["s1@x"]);
    await s.close();
    await plain();
    // The SQL itself: the deferred column appears only with undefer().
    expect(sqlOf(select(User))).not.toMatch(/\bbio\b/);
    expect(sqlOf(select(User).options(undefer(User.bio)))).toMatch(/\bbio\b/);
    expect(sqlOf(select(User))).not.toMatch(/\bbio\b/);
  });

  it("loader criteria apply only to the statement that carries them", async () => {
    const s = db.session();
    const all = async () => (await s.scalars(select(User).orderBy(User.id))).all().map((u) => u.name);
    expect(await all()).toEqual(["sandy", "patrick", "squidward"]);
    const filtered = (await s.scalars(select(User).orderBy(User.id).options(withLoaderCriteria(User, (u) => u.name.ne("patrick"))))).all();
    expect(filtered.map((u) => u.name)).toEqual(["sandy", "squidward"]);
    expect(await all()).toEqual(["sandy", "patrick", "squidward"]);
    await s.close();
  });

  it("a cached layout takes each statement's own bind values, ORDER BY and LIMIT", async () => {
    const s = db.session();
    const name = async (id: number) => (await s.scalars(select(User).where(User.id.eq(id)))).one().name;
    expect([await name(1), await name(2), await name(3)]).toEqual(["sandy", "patrick", "squidward"]);
    const desc = (await s.scalars(select(User).orderBy(User.id.desc()).limit(2))).all().map((u) => u.id);
    expect(desc).toEqual([3, 2]);
    const cols = (await s.execute(select(User.id, User.name).where(User.id.eq(2)))).one();
    expect([cols.id, cols.name]).toEqual([2, "patrick"]);
    const cols3 = (await s.execute(select(User.id, User.name).where(User.id.eq(3)))).one();
    expect([cols3.id, cols3.name]).toEqual([3, "squidward"]);
    await s.close();
  });

  it("two aliases of one entity keep their own layouts", async () => {
    const s = db.session();
    const a1 = aliased(User);
    const a2 = aliased(User);
    const r1 = (await s.scalars(select(a1).where(a1.id.eq(1)))).one();
    const r2 = (await s.scalars(select(a2).where(a2.id.eq(1)))).one();
    expect(r1).toBe(r2);
    const fromOf = (x: unknown) => (planOrmSelect(select(x as typeof a1) as unknown as Select).slots[0] as EntitySlot).from;
    expect(fromOf(a1)).toBe((a1 as unknown as { alias: unknown }).alias);
    expect(fromOf(a2)).toBe((a2 as unknown as { alias: unknown }).alias);
    expect(fromOf(a1)).not.toBe(fromOf(a2));
    await s.close();
  });

  it("a default joined collection limits parents (not joined rows) only for the statement with LIMIT", async () => {
    const s = jdb.session();
    const all = (await s.execute(select(Parent).orderBy(Parent.id))).unique().scalars().all();
    expect(all.map((x) => [x.id, x.kids.map((k) => k.id)])).toEqual([[1, [1, 2]], [2, [3]]]);
    await s.close();
    const s2 = jdb.session();
    const one = (await s2.execute(select(Parent).orderBy(Parent.id).limit(1))).unique().scalars().all();
    expect(one.map((x) => [x.id, x.kids.map((k) => k.id)])).toEqual([[1, [1, 2]]]);
    await s2.close();
    const s3 = jdb.session();
    const again = (await s3.execute(select(Parent).orderBy(Parent.id))).unique().scalars().all();
    expect(again).toHaveLength(2);
    await s3.close();
  });

  it("session.get() runs one parameterized statement per class: typed key values, right rows", async () => {
    const s = jdb.session();
    const second = await s.get(Stamp, new Date("2024-05-06T07:08:09.000Z"));
    const first = await s.get(Stamp, new Date("2024-01-02T03:04:05.000Z"));
    expect([first?.label, second?.label]).toEqual(["first", "second"]);
    expect(await s.get(Stamp, new Date("2030-01-01T00:00:00.000Z"))).toBeNull();
    expect(await s.get(Stamp, new Date("2024-01-02T03:04:05.000Z"))).toBe(first);
    await s.close();
    const s2 = jdb.session();
    const p1 = await s2.get(Parent, 1);
    const p2 = await s2.get(Parent, 2);
    expect([p1?.name, p2?.name]).toEqual(["a", "b"]);
    await s2.close();
    // With options, get() plans its own statement; the shared one stays option-free.
    const s3 = jdb.session();
    const withKids = await s3.get(Parent, 2, { options: [selectinload(Parent.kids), undefer(Parent.name)] });
    expect(withKids?.kids.map((k) => k.id)).toEqual([3]);
    await s3.close();
    const s4 = jdb.session();
    expect((await s4.get(Parent, 1))?.kids.map((k) => k.id)).toEqual([1, 2]);
    await s4.close();
  });

  it("finds loaded objects by every spelling of their key (number, numeric text, composite)", async () => {
    const s = db.session();
    const u = (await s.scalars(select(User).where(User.id.eq(2)))).one();
    const r = (await s.scalars(select(Region))).one();
    const n = db.counting.statements.length;
    expect(await s.get(User, 2)).toBe(u);
    expect(await s.get(User, "2")).toBe(u);
    expect(await s.get(User, [2])).toBe(u);
    expect(stateOf(u)?.key).toBe(mapperOf(User)!.identityKey([2]));
    expect(await s.get(Region, ["us", 1])).toBe(r);
    expect(await s.get(Region, { country: "us", code: 1 })).toBe(r);
    expect(stateOf(r)?.key).toBe(mapperOf(Region)!.identityKey(["us", 1]));
    expect(db.counting.statements.length).toBe(n);
    // Keys split from their text find the same entries as the loader's.
    expect(s.identityMap.get(mapperOf(User)!.identityKey([2]))).toBe(u);
    s.expunge(u);
    expect(s.identityMap.get(mapperOf(User)!.identityKey([2]))).toBeUndefined();
    expect(stateOf(u)?.status).toBe("detached");
    await s.close();
  });
});

describe("WeakIdentityMap young entries", () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

  it("hold a new object until it settles, then only weakly", async () => {
    const map = new WeakIdentityMap();
    const kept = { kept: true };
    map.set("1\u00011", kept);
    (() => map.set("1\u00012", { dropped: true }))();
    gc();
    // Young: still held (as V8 would keep a WeakRef made in this job alive until it ends).
    expect(map.get("1\u00012")).toEqual({ dropped: true });
    map.settle();
    await nextTask();
    gc();
    expect(map.get("1\u00012")).toBeUndefined();
    expect(map.get("1\u00011")).toBe(kept);
    expect(map.size).toBe(1);
  });

  it("settles by itself in timer tasks, a bounded number of entries per task", async () => {
    const map = new WeakIdentityMap();
    (() => {
      for (let i = 0; i < 5000; i++) map.addByIdentity(7, i, { i });
    })();
    const kept = { kept: true };
    map.addByIdentity(7, 5000, kept);
    for (let i = 0; i < 6; i++) await nextTask();
    gc();
    await nextTask();
    expect(map.getByIdentity(7, 4999)).toBeUndefined();
    expect(map.getByIdentity(7, 0)).toBeUndefined();
    expect(map.getByIdentity(7, 5000)).toBe(kept);
    expect(map.get("7\u00015000")).toBe(kept);
  });

  it("agrees with a plain Map over mixed keys: dense runs, gaps, sparse jumps, negatives, text", () => {
    // Deterministic pseudo-random operations (LCG), checked against a model Map after each step.
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const keyOf = (): string => {
      const r = rnd(10);
      if (r < 5) return `${1000 + rnd(3000)}`; // a dense run
      if (r < 6) return `${rnd(1_000_000)}`; // sparse jumps (may turn the bucket into a map)
      if (r < 7) return `${-rnd(50)}`; // below the base
      if (r < 8) return `${rnd(100)}.5`; // non-integers
      if (r < 9) return `k${rnd(100)}`; // text
      return `${rnd(30)}\u0001${rnd(3)}`; // composite
    };
    const map = new WeakIdentityMap();
    const model = new Map<string, object>();
    for (let step = 0; step < 20000; step++) {
      const cls = 1 + rnd(2);
      const key = `${cls}\u0001${keyOf()}`;
      const op = rnd(10);
      if (op < 5) {
        const o = { key };
        map.set(key, o);
        model.set(key, o);
      } else if (op < 7) {
        expect(map.delete(key)).toBe(model.delete(key));
      } else {
        expect(map.get(key)).toBe(model.get(key));
      }
      if (step % 5000 === 0) map.settle();
    }
    for (const [k, o] of model) expect(map.get(k)).toBe(o);
    expect(map.size).toBe(model.size);
    expect(new Set(map.values())).toEqual(new Set(model.values()));
    // Split keys and key strings meet: "42" and 42 are one identity.
    const o = { n: 42 };
    map.addByIdentity(9, 42, o);
    expect(map.get("9\u000142")).toBe(o);
    expect(map.getByIdentity(9, 41)).toBeUndefined();
  });

  it("a streamed window of integer keys: swept entries are dropped, kept ones and lower keys still found", async () => {
    const map = new WeakIdentityMap();
    const kept = { kept: true };
    const fill = (from: number, to: number) => {
      for (let i = from; i < to; i++) if (i !== 45000) map.addByIdentity(1, i, { i });
    };
    fill(1, 20000);
    map.settle();
    await nextTask();
    gc();
    // More rows: the sweeps they trigger drop the collected entries (and the array's empty front).
    fill(20000, 60000);
    map.addByIdentity(1, 45000, kept);
    map.settle();
    await nextTask();
    gc();
    fill(60000, 100000);
    expect(map.size).toBeLessThan(60000);
    // The array dropped its swept front (internal: its base moved past the first window).
    expect((map as unknown as { buckets: Map<number, { base: number }> }).buckets.get(1)!.base).toBeGreaterThanOrEqual(20000);
    expect(map.getByIdentity(1, 45000)).toBe(kept);
    expect(map.getByIdentity(1, 12)).toBeUndefined();
    const low = { low: true };
    map.addByIdentity(1, 12, low);
    expect(map.getByIdentity(1, 12)).toBe(low);
    expect(map.get("1\u000112")).toBe(low);
    expect(map.delete("1\u000112")).toBe(true);
    expect(map.getByIdentity(1, 12)).toBeUndefined();
    expect(map.getByIdentity(1, 99999)).toEqual({ i: 99999 });
  });

  it("a load running over many tasks settles the entries of earlier tasks itself", async () => {
    // As a driver that hands out several chunks per round trip: timers get one turn per trip.
    const map = new WeakIdentityMap();
    (() => {
      for (let i = 0; i < 10000; i++) map.addByIdentity(3, i, { i });
    })();
    await nextTask(); // one timer turn: settles a slice, and marks the rest as from an earlier task
    map.addByIdentity(3, 10000, { i: 10000 }); // the next chunk's first row settles that rest
    await nextTask();
    gc();
    expect(map.getByIdentity(3, 9000)).toBeUndefined();
    expect(map.getByIdentity(3, 5000)).toBeUndefined();
  });

  it("drain() hands out every live object and empties the map", () => {
    const map = new WeakIdentityMap();
    const objs = [{ a: 1 }, { a: 2 }];
    map.set("1\u0001a", objs[0]);
    map.addByIdentity(2, 5, objs[1]);
    map.settle();
    expect(map.drain()).toEqual(objs);
    expect(map.size).toBe(0);
    expect(map.get("1\u0001a")).toBeUndefined();
  });
});

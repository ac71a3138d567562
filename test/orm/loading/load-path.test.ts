/**
 * The row-to-object fast path: loaded instances keep their state invisible to spreads / JSON and
 * reachable through `STATE` and `stateOf()`, the identity map finds them again by single and
 * composite keys, change detection sees writes, and the weak identity map's lazy sweep keeps
 * live entries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insert, select, stateOf } from "athanor";
import { STATE } from "../../../src/orm/state.js";
import { WeakIdentityMap } from "../../../src/orm/identity-map.js";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, openDb, type Db } from "./models.js";

const M = defineModels("ldlp");
const { User } = M;

describe.each(dialectTargets())("loading path on $name", (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, M.Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [
        { id: 1, name: "sandy", fullname: "Sandy Cheeks" },
        { id: 2, name: "patrick", fullname: null },
      ]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("a loaded instance hides its state from spread, JSON and own keys, like a constructed one", async () => {
    const s = db.session();
    const [u] = (await s.scalars(select(User).where(User.id.eq(1)))).all();
    expect({ ...u }).toEqual({});
    expect(JSON.stringify(u)).toBe("{}");
    expect(Object.keys(u)).toEqual([]);
    expect(stateOf(u)?.status).toBe("persistent");
    expect((u as unknown as { [STATE]: unknown })[STATE]).toBe(stateOf(u));
    const fresh = new User({ name: "gary" });
    expect((fresh as unknown as { [STATE]: unknown })[STATE]).toBe(stateOf(fresh));
    expect(stateOf(fresh)?.status).toBe("transient");
    await s.close();
  });

  it("rows map to the same objects across queries, and a write is flushed as one UPDATE", async () => {
    const s = db.session();
    const all = (await s.scalars(select(User).orderBy(User.id))).all();
    expect(all.map((u) => [u.id, u.name, u.fullname])).toEqual([
      [1, "sandy", "Sandy Cheeks"],
      [2, "patrick", null],
    ]);
    const again = (await s.scalars(select(User).where(User.id.eq(2)))).one();
    expect(again).toBe(all[1]);
    expect(await s.get(User, 2)).toBe(all[1]);
    all[1].fullname = "Patrick Star";
    expect(stateOf(all[1])?.changedColumnKeys()).toEqual(["fullname"]);
    await s.commit();
    const check = db.session();
    expect((await check.scalars(select(User.fullname).where(User.id.eq(2)))).one()).toBe("Patrick Star");
    await check.close();
    await s.close();
  });
});

describe("WeakIdentityMap", () => {
  it("keeps live objects through sweeps and counts and deletes entries", () => {
    const map = new WeakIdentityMap();
    const objs: object[] = [];
    for (let i = 0; i < 5000; i++) {
      const o = { i };
      objs.push(o);
      map.set(`1\u0001${i}`, o);
    }
    expect(map.size).toBe(5000);
    expect(map.get("1\u00014321")).toBe(objs[4321]);
    expect(map.has("1\u00015000")).toBe(false);
    expect([...map.values()].length).toBe(5000);
    // Setting the same object again is a no-op; a new object replaces the old one.
    map.set("1\u00010", objs[0]);
    const replacement = { i: -1 };
    map.set("1\u00011", replacement);
    expect(map.get("1\u00011")).toBe(replacement);
    expect(map.size).toBe(5000);
    expect(map.delete("1\u00012")).toBe(true);
    expect(map.get("1\u00012")).toBeUndefined();
    map.clear();
    expect(map.size).toBe(0);
  });
});

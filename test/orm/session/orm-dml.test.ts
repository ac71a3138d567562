import { describe, expect, it } from "vitest";
import { InvalidRequestError, delete_, func, insert, objectState, select, update } from "athanor";
import { insert as pgInsert } from "athanor/dialects/postgresql";
import { insert as sqliteInsert } from "athanor/dialects/sqlite";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, useDb } from "./models.js";

const M = defineModels("sess_dml");
const { User, Address } = M;

describe.each(dialectTargets())("ORM-enabled DML on $name", (target) => {
  const db = useDb(target, M);

  async function seed(): Promise<void> {
    await using s = db.session();
    await s.execute(insert(User), [
      { id: 1, name: "spongebob", fullname: "Spongebob Squarepants" },
      { id: 2, name: "sandy", fullname: "Sandy Cheeks" },
      { id: 3, name: "patrick", fullname: "Patrick Star" },
      { id: 4, name: "squidward", fullname: "Squidward Tentacles" },
    ]);
    await s.commit();
  }

  it("insert(User).returning(User) with a list returns identity-mapped objects in input order, in one INSERT", async () => {
    await using s = db.session();
    db.counting.reset();
    const users = (await s.scalars(insert(User).returning(User), [
      { name: "spongebob", fullname: "Spongebob Squarepants" },
      { name: "sandy", fullname: "Sandy Cheeks" },
      { name: "patrick", fullname: "Patrick Star" },
    ])).all();
    expect(users.map((u) => u.name)).toEqual(["spongebob", "sandy", "patrick"]);
    expect(db.counting.statements.filter((q) => /^INSERT/.test(q))).toHaveLength(1);
    expect(users.every((u) => objectState(u) === "persistent")).toBe(true);
    expect(users[0].tenantId).toBe(1);
    db.counting.reset();
    expect(await s.get(User, users[1].id)).toBe(users[1]);
    expect(db.counting.counts.execute).toBe(0);
  });

  it("bulk insert without RETURNING, with values() combined with parameter sets", async () => {
    await using s = db.session();
    const r = await s.execute(insert(User).values({ tenantId: 7 }), [{ name: "a" }, { name: "b" }]);
    expect(r.returnsRows).toBe(false);
    expect(s.identityMap.size).toBe(0);
    const rows = (await s.execute(select(User.name, User.tenantId).orderBy(User.name))).all().map((x) => [x[0], x[1]]);
    expect(rows).toEqual([["a", 7], ["b", 7]]);
    await expect(s.execute(insert(User), [{ nope: 1 }])).rejects.toThrow(/'nope' is not a column attribute of/);
  });

  it("bulk UPDATE by primary key with a list of parameter sets", async () => {
    await seed();
    await using s = db.session();
    const r = await s.execute(update(User), [
      { id: 1, fullname: "Spongebob Squarepants II" },
      { id: 3, fullname: "Patrick Star II" },
      { id: 4, name: "squiddy", fullname: "Squidward II" },
    ]);
    expect(r.rowsAffected).toBe(3);
    const rows = (await s.execute(select(User.id, User.name, User.fullname).orderBy(User.id))).all().map((x) => [...x]);
    expect(rows).toEqual([
      [1, "spongebob", "Spongebob Squarepants II"],
      [2, "sandy", "Sandy Cheeks"],
      [3, "patrick", "Patrick Star II"],
      [4, "squiddy", "Squidward II"],
    ]);
    await expect(s.execute(update(User), [{ fullname: "no pk" }])).rejects.toThrow(/missing primary key 'id'/);
  });

  it('UPDATE with synchronizeSession "evaluate" updates matching objects in memory, and raises for unevaluable criteria', async () => {
    await seed();
    await using s = db.session();
    const all = (await s.scalars(select(User).orderBy(User.id))).all();
    db.counting.reset();
    await s.execute(update(User).where(User.name.in(["sandy", "patrick"])).values({ fullname: "Evaluated" }), undefined, { synchronizeSession: "evaluate" });
    expect(db.counting.statements).toHaveLength(1);
    expect(db.counting.statements[0]).not.toMatch(/RETURNING/);
    expect(all.map((u) => u.fullname)).toEqual(["Spongebob Squarepants", "Evaluated", "Evaluated", "Squidward Tentacles"]);
    expect(s.dirty).toEqual([]);
    await expect(
      s.execute(update(User).where(func.lower(User.name).eq("sandy")).values({ fullname: "x" }), undefined, { synchronizeSession: "evaluate" }),
    ).rejects.toThrow(/Could not evaluate current criteria/);
  });

  it('UPDATE with synchronizeSession "auto" falls back to fetch (RETURNING) for unevaluable criteria; "fetch" always fetches', async () => {
    await seed();
    await using s = db.session();
    const all = (await s.scalars(select(User).orderBy(User.id))).all();
    db.counting.reset();
    await s.execute(update(User).where(func.lower(User.name).eq("sandy")).values({ fullname: "Auto" }));
    expect(db.counting.statements).toHaveLength(1);
    expect(db.counting.statements[0]).toMatch(/RETURNING/);
    expect(all[1].fullname).toBe("Auto");
    // "auto" with evaluable criteria does not need RETURNING.
    db.counting.reset();
    await s.execute(update(User).where(User.id.eq(1)).values({ fullname: "Auto2" }));
    expect(db.counting.statements[0]).not.toMatch(/RETURNING/);
    expect(all[0].fullname).toBe("Auto2");
    db.counting.reset();
    await s.execute(update(User).where(User.id.ge(3)).values({ fullname: "Fetched" }), undefined, { synchronizeSession: "fetch" });
    expect(db.counting.statements[0]).toMatch(/RETURNING/);
    expect(all.map((u) => u.fullname)).toEqual(["Auto2", "Auto", "Fetched", "Fetched"]);
  });

  it("UPDATE with synchronizeSession false leaves objects stale until refresh(); SQL-expression values expire", async () => {
    await seed();
    await using s = db.session();
    const sandy = (await s.get(User, 2))!;
    await s.execute(update(User).where(User.id.eq(2)).values({ fullname: "Unsynced" }), undefined, { synchronizeSession: false });
    expect(sandy.fullname).toBe("Sandy Cheeks");
    await s.refresh(sandy);
    expect(sandy.fullname).toBe("Unsynced");
    // A value computed in SQL cannot be evaluated in JS: the attribute is expired instead.
    await s.execute(update(User).where(User.id.eq(2)).values({ fullname: func.upper(User.name) }));
    expect(() => sandy.fullname).toThrow(/refresh/);
    await s.refresh(sandy, ["fullname"]);
    expect(sandy.fullname).toBe("SANDY");
  });

  it("update().returning(User) returns refreshed identity-mapped objects", async () => {
    await seed();
    await using s = db.session();
    const patrick = (await s.get(User, 3))!;
    const out = (await s.scalars(update(User).where(User.id.eq(3)).values({ fullname: "Returned" }).returning(User))).all();
    expect(out).toEqual([patrick]);
    expect(patrick.fullname).toBe("Returned");
  });

  it('DELETE with synchronizeSession "auto"/"evaluate"/"fetch": deleted objects leave the identity map', async () => {
    await seed();
    await using s = db.session();
    const all = (await s.scalars(select(User).orderBy(User.id))).all();
    const r = await s.execute(delete_(User).where(User.name.eq("squidward")));
    expect(r.rowsAffected).toBe(1);
    expect(objectState(all[3])).toBe("deleted");
    expect(s.identityMap.size).toBe(3);
    expect(await s.get(User, 4)).toBeNull();
    await s.execute(delete_(User).where(func.lower(User.name).eq("patrick")), undefined, { synchronizeSession: "fetch" });
    expect(objectState(all[2])).toBe("deleted");
    await s.execute(delete_(User).where(User.id.in([1])), undefined, { synchronizeSession: "evaluate" });
    expect(objectState(all[0])).toBe("deleted");
    expect([...s.identityMap.values()]).toEqual([all[1]]);
    expect(await s.scalar(select(func.count()).selectFrom(User.__table__))).toBe(1);
  });

  it("upsert with returning(User) inserts new rows; loaded objects keep their values unless populateExisting (SQLAlchemy test_upsert_populate_existing)", async () => {
    await seed();
    await using s = db.session();
    const sandy = (await s.get(User, 2))!;
    const ins = target.dialect === "postgresql" ? pgInsert(User) : sqliteInsert(User);
    const stmt = ins.onConflictDoUpdate({ indexElements: ["name"], set: { fullname: ins.excluded.fullname } }).returning(User);
    const kept = (await s.scalars(stmt, [{ name: "sandy", fullname: "Sandy Upserted" }])).all();
    expect(kept[0]).toBe(sandy);
    expect(sandy.fullname).toBe("Sandy Cheeks");
    const out = (await s.scalars(stmt, [
      { name: "sandy", fullname: "Sandy Upserted" },
      { name: "gary", fullname: "Gary the Snail" },
    ], { populateExisting: true })).all();
    expect(out[0]).toBe(sandy);
    expect(sandy.fullname).toBe("Sandy Upserted");
    expect(out[1].name).toBe("gary");
    expect(objectState(out[1])).toBe("persistent");
    expect(s.dirty).toEqual([]);
    await s.commit();
    await using s2 = db.session();
    expect((await s2.getOne(User, 2)).fullname).toBe("Sandy Upserted");
  });

  it("ORM bulk UPDATE refuses WHERE; unsupported combinations raise InvalidRequestError", async () => {
    await using s = db.session();
    await expect(s.execute(update(User).where(User.id.eq(1)), [{ id: 1, name: "x" }])).rejects.toThrow(InvalidRequestError);
    void Address;
  });
});

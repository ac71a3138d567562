import { describe, expect, it } from "vitest";
import {
  asyncSessionmaker, AsyncSession, ExpiredAttributeError, InvalidRequestError, NoResultFound, ObjectStateError, objectState,
  select, selectinload, func,
} from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, useDb } from "./models.js";

const M = defineModels("sess_api");
const { User, Address } = M;

describe.each(dialectTargets())("AsyncSession API on $name", (target) => {
  const db = useDb(target, M);

  async function seed(): Promise<void> {
    await using s = db.session();
    const sandy = new User({ id: 1001, name: "sandy", fullname: "Sandy Cheeks" });
    sandy.addresses = [new Address({ email: "sandy@a" }), new Address({ email: "sandy@b" })];
    s.addAll([sandy, new User({ id: 1002, name: "patrick" })]);
    await s.commit();
  }

  it("moves objects through transient → pending → persistent → deleted → detached", async () => {
    await using s = db.session();
    const u = new User({ name: "squidward" });
    expect(objectState(u)).toBe("transient");
    s.add(u);
    expect(objectState(u)).toBe("pending");
    expect(s.new).toEqual([u]);
    await s.flush();
    expect(objectState(u)).toBe("persistent");
    expect(typeof u.id).toBe("number");
    s.delete(u);
    expect(s.deleted).toEqual([u]);
    await s.flush();
    expect(objectState(u)).toBe("deleted");
    await s.commit();
    expect(objectState(u)).toBe("detached");
    // expunge: persistent → detached, and add() re-attaches it.
    const v = new User({ name: "gary" });
    s.add(v);
    await s.commit();
    s.expunge(v);
    expect(objectState(v)).toBe("detached");
    expect(s.contains(v)).toBe(false);
    s.add(v);
    expect(objectState(v)).toBe("persistent");
  });

  it("get() hits the identity map without a statement and getOne() raises NoResultFound", async () => {
    await seed();
    await using s = db.session();
    const a = await s.get(User, 1001);
    expect(a?.name).toBe("sandy");
    db.counting.reset();
    const b = await s.get(User, 1001);
    expect(b).toBe(a);
    expect(db.counting.counts.execute).toBe(0);
    expect(await s.get(User, 9999)).toBeNull();
    await expect(s.getOne(User, 9999)).rejects.toThrow(NoResultFound);
    const p = await s.getOne(User, 1002);
    expect(p.name).toBe("patrick");
  });

  it("get()/getOne() apply loader options", async () => {
    await seed();
    await using s = db.session();
    const u = await s.get(User, 1001, { options: [selectinload(User.addresses)] });
    expect(u!.addresses.map((a) => a.email)).toEqual(["sandy@a", "sandy@b"]);
    const p = await s.getOne(User, 1002, { options: [selectinload(User.addresses)] });
    expect(p.addresses).toEqual([]);
  });

  it("expire()/expireAll() make reads raise naming refresh(); refresh() reloads, including relationships", async () => {
    await seed();
    await using s = db.session();
    const u = (await s.get(User, 1001))!;
    s.expire(u, ["fullname"]);
    expect(() => u.fullname).toThrow(ExpiredAttributeError);
    expect(() => u.fullname).toThrow(/session\.refresh\(obj, \["fullname"\]\)/);
    expect(u.name).toBe("sandy");
    await s.refresh(u, ["fullname"]);
    expect(u.fullname).toBe("Sandy Cheeks");
    s.expireAll();
    expect(() => u.name).toThrow(/refresh/);
    // refresh() with a relationship loads it.
    await s.refresh(u, ["addresses"]);
    expect(u.addresses.map((a) => a.email)).toEqual(["sandy@a", "sandy@b"]);
    await s.refresh(u);
    expect(u.name).toBe("sandy");
    // refresh() overwrites in-memory changes with the database row.
    u.fullname = "changed";
    await s.refresh(u);
    expect(u.fullname).toBe("Sandy Cheeks");
  });

  it("expireOnCommit (default true) expires after commit; asyncSessionmaker({ expireOnCommit: false }) keeps values", async () => {
    await seed();
    const s = new AsyncSession(db.engine);
    const u = (await s.get(User, 1002))!;
    await s.commit();
    expect(() => u.name).toThrow(ExpiredAttributeError);
    await s.refresh(u);
    expect(u.name).toBe("patrick");
    await s.close();
    expect(objectState(u)).toBe("detached");

    const maker = asyncSessionmaker(db.engine, { expireOnCommit: false });
    const s2 = maker();
    expect(s2.options.expireOnCommit).toBe(false);
    const v = (await s2.get(User, 1002))!;
    await s2.commit();
    expect(v.name).toBe("patrick");
    await s2.close();
    const name = await maker.begin(async (s3) => {
      const w = await s3.getOne(User, 1001);
      w.fullname = "via maker.begin";
      return w.name;
    });
    expect(name).toBe("sandy");
    await using s4 = maker();
    expect((await s4.getOne(User, 1001)).fullname).toBe("via maker.begin");
  });

  it("merge() copies a detached object's state onto the persistent instance", async () => {
    await seed();
    await using s = db.session();
    const loaded = (await s.get(User, 1001))!;
    const detached = new User({ id: 1001, name: "sandy", fullname: "Merged Name" });
    const merged = await s.merge(detached);
    expect(merged).toBe(loaded);
    expect(merged).not.toBe(detached);
    expect(merged.fullname).toBe("Merged Name");
    expect(objectState(detached)).toBe("transient");
    // A merge of an unknown key adds a new pending instance.
    const fresh = await s.merge(new User({ id: 1050, name: "larry" }));
    expect(objectState(fresh)).toBe("pending");
    await s.commit();
    await using s2 = db.session();
    expect((await s2.getOne(User, 1001)).fullname).toBe("Merged Name");
    expect((await s2.getOne(User, 1050)).name).toBe("larry");
  });

  it("add() of an object attached to another session raises", async () => {
    await seed();
    await using s1 = db.session();
    await using s2 = db.session();
    const u = (await s1.get(User, 1001))!;
    expect(() => s2.add(u)).toThrow(ObjectStateError);
  });

  it("execute/scalars/scalar, and autoflush before queries", async () => {
    await seed();
    await using s = db.session();
    s.add(new User({ name: "plankton" }));
    // Autoflush: the pending user is visible to the query.
    const names = (await s.scalars(select(User.name).orderBy(User.name))).all();
    expect(names).toEqual(["patrick", "plankton", "sandy"]);
    expect(await s.scalar(select(func.count()).selectFrom(User.__table__))).toBe(3);
    const rows = (await s.execute(select(User, Address).join(User.addresses).orderBy(Address.id))).all();
    expect(rows.map((r) => `${r[0].name}:${r[1].email}`)).toEqual(["sandy:sandy@a", "sandy:sandy@b"]);
    expect(rows[0][0]).toBe(rows[1][0]);
    await s.commit();
    const noflush = db.session({ autoflush: false });
    noflush.add(new User({ name: "karen" }));
    expect(await noflush.scalar(select(func.count()).selectFrom(User.__table__))).toBe(3);
    await noflush.flush();
    expect(await noflush.scalar(select(func.count()).selectFrom(User.__table__))).toBe(4);
    await noflush.close();
  });

  it("stream() yields ORM objects in chunks of yieldPer; streamScalars() too", async () => {
    await using s0 = db.session();
    s0.addAll(Array.from({ length: 25 }, (_, i) => new User({ id: 5000 + i, name: `u${i}` })));
    await s0.commit();
    await using s = db.session();
    db.counting.reset();
    const res = await s.stream(select(User).orderBy(User.id).executionOptions({ yieldPer: 10 }));
    const sizes: number[] = [];
    const seen: number[] = [];
    for await (const part of res.partitions()) {
      sizes.push(part.length);
      seen.push(...part.map((r) => r[0].id));
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 5000 + i));
    // libSQL keeps the transaction of a streamed read until it ends.
    await s.commit();
    await using s2 = db.session();
    const out: number[] = [];
    for await (const u of await s2.streamScalars(select(User).where(User.id.lt(5005)).orderBy(User.id))) out.push(u.id);
    expect(out).toEqual([5000, 5001, 5002, 5003, 5004]);
    // Streamed objects are identity-mapped.
    expect(await s2.get(User, 5000)).toBeDefined();
  });

  it("populateExisting overwrites loaded objects, as a statement option or an execute() option", async () => {
    await seed();
    await using s = db.session();
    const u = (await s.get(User, 1002))!;
    u.fullname = "local change";
    await db.engine.begin(async (c) => {
      await c.execDriverSql(`UPDATE ${User.__table__.name} SET fullname = 'from db' WHERE id = 1002`);
    });
    s.expunge(u);
    s.add(u);
    await using s2 = db.session({ autoflush: false });
    const v = (await s2.get(User, 1002))!;
    v.fullname = "unflushed";
    await s2.execute(select(User).where(User.id.eq(1002)));
    expect(v.fullname).toBe("unflushed");
    await s2.execute(select(User).where(User.id.eq(1002)).executionOptions({ populateExisting: true }));
    expect(v.fullname).toBe("from db");
    v.fullname = "again";
    await s2.execute(select(User).where(User.id.eq(1002)), undefined, { populateExisting: true });
    expect(v.fullname).toBe("from db");
  });

  it("begin() with await using, in callback form, and autobegin", async () => {
    await using s = db.session();
    expect(s.inTransaction()).toBe(false);
    await s.begin(async (sess) => {
      sess.add(new User({ name: "cb" }));
    });
    expect(s.inTransaction()).toBe(false);
    {
      await using tx = await s.begin();
      s.add(new User({ name: "rolled-back" }));
      await s.flush();
      void tx;
    }
    {
      await using tx = await s.begin();
      s.add(new User({ name: "committed" }));
      await tx.commit();
    }
    await expect(s.begin(async (sess) => {
      sess.add(new User({ name: "boom" }));
      await sess.flush();
      throw new Error("fail");
    })).rejects.toThrow("fail");
    // autobegin
    await s.scalar(select(func.count()).selectFrom(User.__table__));
    expect(s.inTransaction()).toBe(true);
    await expect(s.begin()).rejects.toThrow(InvalidRequestError);
    await s.rollback();
    const names = (await s.scalars(select(User.name).orderBy(User.name))).all();
    expect(names).toEqual(["cb", "committed"]);
    const noAuto = db.session({ autobegin: false });
    await expect(noAuto.execute(select(User))).rejects.toThrow(/Autobegin is disabled/);
    await noAuto.close();
  });

  it("beginNested() SAVEPOINT: rollback undoes only its work; callback form releases", async () => {
    await using s = db.session();
    s.add(new User({ name: "outer" }));
    {
      await using sp = await s.beginNested();
      s.add(new User({ name: "inner-rolled-back" }));
      await s.flush();
      await sp.rollback();
    }
    await s.beginNested(async (sess) => {
      sess.add(new User({ name: "inner-kept" }));
    });
    await expect(s.beginNested(async (sess) => {
      sess.add(new User({ name: "inner-failed" }));
      await sess.flush();
      throw new Error("nope");
    })).rejects.toThrow("nope");
    await s.commit();
    await using s2 = db.session();
    expect((await s2.scalars(select(User.name).orderBy(User.name))).all()).toEqual(["inner-kept", "outer"]);
  });

  it("rollback() expunges pending objects and restores deleted ones", async () => {
    await seed();
    await using s = db.session();
    const u = (await s.get(User, 1001))!;
    const fresh = new User({ name: "temp" });
    s.add(fresh);
    s.delete(u);
    await s.flush();
    expect(objectState(u)).toBe("deleted");
    await s.rollback();
    expect(objectState(fresh)).toBe("transient");
    expect(objectState(u)).toBe("persistent");
    await s.refresh(u);
    expect(u.name).toBe("sandy");
  });

  it("close() detaches everything and the session stays usable", async () => {
    await seed();
    const s = db.session();
    const u = (await s.get(User, 1001))!;
    await s.close();
    expect(objectState(u)).toBe("detached");
    expect(s.identityMap.size).toBe(0);
    expect((await s.getOne(User, 1001)).name).toBe("sandy");
    await s.close();
  });
});

import { describe, expect, it } from "vitest";
import { Select, event, joinedload, select, selectinload, withLoaderCriteria, type AsyncConnection, type AsyncSession } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, useDb } from "./models.js";

const M = defineModels("sess_evt");
const { User, Address } = M;

describe.each(dialectTargets())("session and mapper events on $name", (target) => {
  const db = useDb(target, M);

  it("beforeFlush, afterFlush, afterCommit and afterRollback fire in order", async () => {
    await using s = db.session();
    const log: string[] = [];
    event.listen(s, "beforeFlush", (sess) => {
      log.push(`beforeFlush new=${sess.new.length}`);
      // Objects added here are flushed too.
      if (log.length === 1) sess.add(new User({ name: "added-in-listener" }));
    });
    event.listen(s, "afterFlush", () => void log.push("afterFlush"));
    event.listen(s, "afterCommit", () => void log.push("afterCommit"));
    event.listen(s, "afterRollback", () => void log.push("afterRollback"));
    s.add(new User({ name: "a" }));
    await s.commit();
    s.add(new User({ name: "b" }));
    await s.flush();
    await s.rollback();
    expect(log).toEqual(["beforeFlush new=1", "afterFlush", "afterCommit", "beforeFlush new=1", "afterFlush", "afterRollback"]);
    expect((await s.scalars(select(User.name).orderBy(User.name))).all()).toEqual(["a", "added-in-listener"]);
  });

  it("mapper events before/after insert, update and delete run inside the flush with its connection", async () => {
    const log: string[] = [];
    const conns = new Set<unknown>();
    const listeners = {
      beforeInsert: (_m: unknown, conn: unknown, t: InstanceType<typeof User>) => {
        conns.add(conn);
        log.push(`beforeInsert ${t.name}`);
        t.fullname = `${t.name} (stamped)`;
      },
      afterInsert: (_m: unknown, _c: unknown, t: InstanceType<typeof User>) => void log.push(`afterInsert ${t.name} id=${typeof t.id}`),
      beforeUpdate: (_m: unknown, _c: unknown, t: InstanceType<typeof User>) => void log.push(`beforeUpdate ${t.name}`),
      afterUpdate: (_m: unknown, _c: unknown, t: InstanceType<typeof User>) => void log.push(`afterUpdate ${t.name}`),
      beforeDelete: (_m: unknown, _c: unknown, t: InstanceType<typeof User>) => void log.push(`beforeDelete ${t.name}`),
      afterDelete: (_m: unknown, _c: unknown, t: InstanceType<typeof User>) => void log.push(`afterDelete ${t.name}`),
    };
    for (const [name, fn] of Object.entries(listeners)) event.listen(User, name as "beforeInsert", fn as never);
    try {
      await using s = db.session({ expireOnCommit: false });
      const u = new User({ name: "evt" });
      s.add(u);
      await s.flush();
      expect(u.fullname).toBe("evt (stamped)");
      u.name = "evt2";
      await s.flush();
      s.delete(u);
      await s.commit();
      expect(log).toEqual([
        "beforeInsert evt", "afterInsert evt id=number",
        "beforeUpdate evt2", "afterUpdate evt2",
        "beforeDelete evt2", "afterDelete evt2",
      ]);
      expect(conns.size).toBe(1);
      expect([...conns][0]).toHaveProperty("execute");
      await using s2 = db.session();
      expect(await s2.scalar(select(User.fullname))).toBeNull();
    } finally {
      for (const [name, fn] of Object.entries(listeners)) event.remove(User, name as "beforeInsert", fn as never);
    }
  });

  it("doOrmExecute + withLoaderCriteria is a multi-tenant filter, eager loads included", async () => {
    await using seed = db.session();
    const t1 = new User({ name: "t1-user", tenantId: 1 });
    t1.addresses = [new Address({ email: "t1@a", tenantId: 1 }), new Address({ email: "leak@b", tenantId: 2 })];
    const t2 = new User({ name: "t2-user", tenantId: 2 });
    t2.addresses = [new Address({ email: "t2@a", tenantId: 2 })];
    seed.addAll([t1, t2]);
    await seed.commit();

    const tenantSession = (tenant: number): AsyncSession => {
      const s = db.session();
      event.listen(s, "doOrmExecute", (state) => {
        if (state.statement instanceof Select) {
          state.statement = state.statement.options(
            withLoaderCriteria(User, (cls) => cls.tenantId.eq(tenant)),
            withLoaderCriteria(Address, (cls) => cls.tenantId.eq(tenant), { includeAliases: true }),
          );
        }
      });
      return s;
    };
    await using s1 = tenantSession(1);
    const users = (await s1.scalars(select(User).options(selectinload(User.addresses)))).all();
    expect(users.map((u) => u.name)).toEqual(["t1-user"]);
    expect(users[0].addresses.map((a) => a.email)).toEqual(["t1@a"]);
    const addrs = (await s1.scalars(select(Address).orderBy(Address.id))).all();
    expect(addrs.map((a) => a.email)).toEqual(["t1@a"]);
    // get() goes through doOrmExecute too.
    expect(await s1.get(User, t2.id)).toBeNull();

    await using s2 = tenantSession(2);
    const joined = (await s2.scalars(select(User).options(joinedload(User.addresses)))).unique().all();
    expect(joined.map((u) => u.name)).toEqual(["t2-user"]);
    expect(joined[0].addresses.map((a) => a.email)).toEqual(["t2@a"]);
  });

  it("doOrmExecute may return a replacement statement; listeners chain", async () => {
    await using s = db.session();
    s.addAll([new User({ name: "x" }), new User({ name: "y" })]);
    await s.flush();
    const seen: boolean[] = [];
    event.listen(s, "doOrmExecute", (state) => {
      seen.push(state.isSelect, state.isOrmStatement);
      return state.statement instanceof Select ? state.statement.where(User.name.eq("y")) : undefined;
    });
    event.listen(s, "doOrmExecute", (state) => {
      // The second listener sees the first one's statement.
      expect(String(state.statement)).toMatch(/WHERE/);
    });
    expect((await s.scalars(select(User))).all().map((u) => u.name)).toEqual(["y"]);
    expect(seen).toEqual([true, true]);
    void (null as unknown as AsyncConnection);
  });
});

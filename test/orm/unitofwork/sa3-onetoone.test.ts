/**
 * SQLAlchemy's test/orm/test_onetoone.py: a one-to-one (`uselist: false` one-to-many) between
 * Jack and Port, set, replaced and cleared across flushes and commits. athanor never loads
 * implicitly, so the tests load with get() and refresh() where SQLAlchemy lazy-loads on access.
 */
import { AsyncSession, DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, select, String } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

function models(bidirectional: boolean) {
  class Base extends DeclarativeBase {}
  const jack = uniqueName("sa3o_jack");
  const port = uniqueName("sa3o_port");
  class Jack extends Base.model(jack, {
    id: mappedColumn(Integer, { primaryKey: true }),
    number: mappedColumn(String(50), { nullable: true }),
    status: mappedColumn(String(20), { nullable: true }),
    subroom: mappedColumn(String(5), { nullable: true }),
  }) {
    static port = relationship(() => Port, { uselist: false, ...(bidirectional ? { backPopulates: "jack" } : {}) });
    declare port: Port | null;
  }
  class Port extends Base.model(port, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { nullable: true }),
    description: mappedColumn(String(100), { nullable: true }),
    jackId: mappedColumn(ForeignKey(`${jack}.id`), { name: "jack_id", nullable: true }),
  }) {
    static jack = bidirectional ? relationship(() => Jack, { backPopulates: "port" }) : undefined;
    declare jack: Jack | null;
  }
  return { Base, Jack, Port, jack, port };
}

describe.each(dialectTargets())("O2OTest (test_onetoone.py) on $name", (target) => {
  const bi = models(true);
  const uni = models(false);
  const log = useSqlLog(target, [bi.Base.metadata, uni.Base.metadata]);

  it("test_basic", async () => {
    const { Jack, Port, port } = bi;
    await using session = new AsyncSession(log.engine);
    let j = new Jack({ number: "101" });
    session.add(j);
    let p = new Port({ name: "fa0/1" });
    session.add(p);
    j.port = p;
    await session.flush();
    const [jid, pid] = [j.id, p.id];

    j = (await session.get(Jack, jid))!;
    p = (await session.get(Port, pid))!;
    expect(p.jack).toBe(j);
    expect(j.port).toBe(p);
    p.jack = null;
    expect(j.port).toBe(null);

    session.expungeAll();
    j = (await session.get(Jack, jid))!;
    p = (await session.get(Port, pid))!;
    await session.refresh(j, ["port"]);
    await session.refresh(p, ["jack"]);
    j.port = null;
    expect(p.jack).toBe(null);
    expect(await log.capture(() => session.flush())).toEqual([[`UPDATE ${port} SET jack_id=? WHERE ${port}.id = ?`, [null, pid]]]);
    expect(p.jackId).toBe(null);
    session.delete(j);
    await session.flush();
    await session.rollback();
  });

  it("test_simple_replace", async () => {
    const { Jack, Port } = uni;
    await using s = new AsyncSession(log.engine);
    const p1 = new Port({ name: "p1" });
    const j1 = new Jack({ number: "j1", port: p1 });
    s.add(j1);
    await s.commit();
    await s.refresh(j1, ["port"]);
    j1.port = new Port({ name: "p2" });
    await s.commit();
    expect((await s.scalars(select(Port).filterBy({ name: "p1" }))).one().jackId).toBe(null);
    expect((await s.scalars(select(Port).filterBy({ name: "p2" }))).one().jackId).toBe(j1.id);
  });

  it("test_simple_del", async () => {
    const { Jack, Port } = uni;
    await using s = new AsyncSession(log.engine);
    const p1 = new Port({ name: "p1" });
    const j1 = new Jack({ number: "j1", port: p1 });
    s.add(j1);
    await s.commit();
    await s.refresh(j1, ["port"]);
    j1.port = null;
    await s.commit();
    expect((await s.scalars(select(Port).filterBy({ name: "p1" }))).one().jackId).toBe(null);
  });
});

/**
 * SQLAlchemy's "new style" deferred history of a one-to-one (`uselist: false` one-to-many):
 * test/ext/asyncio/test_session.py `test_new_style_active_history`. Replacing (or clearing) the
 * target of a one-to-one whose old value was never loaded must still release the old child at
 * flush: SQLAlchemy loads the old value then (against the committed parent key) and NULLs the
 * old child's foreign key, or deletes it under delete-orphan. athanor loads it during flush(),
 * which is explicit awaited I/O.
 */
import { AsyncSession, DeclarativeBase, ForeignKey, func, Integer, mappedColumn, relationship, select } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

function models(opts: { deleteOrphan?: boolean; backref?: boolean }) {
  class Base extends DeclarativeBase {}
  const a = uniqueName("sa4o_a");
  const b = uniqueName("sa4o_b");
  class A extends Base.model(a, {
    id: mappedColumn(Integer, { primaryKey: true }),
  }) {
    static b = relationship(() => B, {
      uselist: false,
      ...(opts.deleteOrphan ? { cascade: "all, delete-orphan" } : {}),
      ...(opts.backref ? { backPopulates: "a" } : {}),
    });
    declare b: B | null;
  }
  class B extends Base.model(b, {
    id: mappedColumn(Integer, { primaryKey: true }),
    aId: mappedColumn(ForeignKey(`${a}.id`), { name: "a_id", nullable: true }),
  }) {
    static a = opts.backref ? relationship(() => A, { backPopulates: "b" }) : undefined;
    declare a: A | null;
  }
  return { Base, A, B, a, b };
}

describe.each(dialectTargets())("one-to-one deferred history on $name", (target) => {
  const plain = models({});
  const orphan = models({ deleteOrphan: true });
  const bi = models({ backref: true });
  const log = useSqlLog(target, [plain.Base.metadata, orphan.Base.metadata, bi.Base.metadata]);

  it("test_new_style_active_history", async () => {
    const { A, B } = plain;
    await using s = new AsyncSession(log.engine);
    const a1 = new A();
    const b1 = new B();
    a1.b = b1;
    s.add(a1);
    await s.commit();

    const b2 = new B();
    a1.b = b2;
    await s.flush();
    await s.refresh(b1);
    const n = await s.scalar(select(func.count()).where(B.id.eq(b1.id)).where(B.aId.isNull()));
    expect(n).toBe(1);
    expect(b1.aId).toBe(null);
    expect(b2.aId).toBe(a1.id);
    await s.commit();
    expect(await s.scalar(select(func.count()).selectFrom(B).where(B.aId.eq(a1.id)))).toBe(1);
  });

  it("test_new_style_active_history (replaced target, UPDATE statements)", async () => {
    const { A, B, b } = plain;
    await using s = new AsyncSession(log.engine);
    const a1 = new A({ id: 1 });
    const b1 = new B({ id: 1 });
    a1.b = b1;
    s.add(a1);
    await s.commit();
    s.expungeAll();
    const a = (await s.get(A, 1))!;
    a.b = new B({ id: 2 });
    const sent = await log.capture(() => s.flush());
    const writes = sent.filter(([sql]) => !sql.startsWith("SELECT"));
    // SQLAlchemy's save_obj for B: the UPDATE of the replaced row, then the INSERT.
    expect(writes).toEqual([
      [`UPDATE ${b} SET a_id=? WHERE ${b}.id = ?`, [null, 1]],
      [`INSERT INTO ${b} (id, a_id) VALUES (?, ?)`, [2, 1]],
    ]);
    await s.commit();
    const rows = (await s.execute(select(B.id, B.aId).orderBy(B.id))).all().map((r) => [...r]);
    expect(rows).toEqual([[1, null], [2, 1]]);
  });

  it("test_new_style_active_history (cleared target)", async () => {
    const { A, B } = plain;
    await using s = new AsyncSession(log.engine);
    s.add(new A({ id: 1, b: new B({ id: 1 }) }));
    await s.commit();
    s.expungeAll();
    const a = (await s.get(A, 1))!;
    a.b = null;
    await s.commit();
    const rows = (await s.execute(select(B.id, B.aId))).all().map((r) => [...r]);
    expect(rows).toEqual([[1, null]]);
  });

  it("test_new_style_active_history (same target reassigned: no UPDATE)", async () => {
    const { A, B } = plain;
    await using s = new AsyncSession(log.engine);
    const b1 = new B({ id: 1 });
    s.add(new A({ id: 1, b: b1 }));
    await s.commit();
    const a = (await s.get(A, 1))!;
    a.b = b1;
    const sent = await log.capture(() => s.flush());
    expect(sent.filter(([sql]) => !sql.startsWith("SELECT"))).toEqual([]);
    await s.commit();
    expect((await s.execute(select(B.id, B.aId))).all().map((r) => [...r])).toEqual([[1, 1]]);
  });

  it("test_new_style_active_history (delete-orphan deletes the unloaded old child)", async () => {
    const { A, B, b } = orphan;
    await using s = new AsyncSession(log.engine);
    s.add(new A({ id: 1, b: new B({ id: 1 }) }));
    await s.commit();
    s.expungeAll();
    const a = (await s.get(A, 1))!;
    a.b = new B({ id: 2 });
    const sent = await log.capture(() => s.flush());
    const writes = sent.filter(([sql]) => !sql.startsWith("SELECT"));
    expect(writes[0]).toEqual([`INSERT INTO ${b} (id, a_id) VALUES (?, ?)`, [2, 1]]);
    // The old child is DELETEd (not UPDATEd to NULL first).
    expect(writes.slice(1).map(([sql, p]) => [sql.split(" WHERE ")[0], p])).toEqual([[`DELETE FROM ${b}`, [1]]]);
    await s.commit();
    expect((await s.execute(select(B.id, B.aId))).all().map((r) => [...r])).toEqual([[2, 1]]);
  });

  it("test_new_style_active_history (set through the many-to-one backref)", async () => {
    const { A, B } = bi;
    await using s = new AsyncSession(log.engine);
    s.add(new A({ id: 1, b: new B({ id: 1 }) }));
    await s.commit();
    s.expungeAll();
    const a = (await s.get(A, 1))!;
    const b2 = new B({ id: 2 });
    s.add(b2);
    b2.a = a;
    expect(a.b).toBe(b2);
    await s.commit();
    expect((await s.execute(select(B.id, B.aId).orderBy(B.id))).all().map((r) => [...r])).toEqual([[1, null], [2, 1]]);
  });

  it("many-to-one replaced with the old target unloaded", async () => {
    const { A, B } = bi;
    await using s = new AsyncSession(log.engine);
    s.add(new A({ id: 1, b: new B({ id: 1 }) }));
    s.add(new A({ id: 2 }));
    await s.commit();
    s.expungeAll();
    const b1 = (await s.get(B, 1))!;
    const a2 = (await s.get(A, 2))!;
    b1.a = a2;
    await s.commit();
    expect((await s.execute(select(B.id, B.aId))).all().map((r) => [...r])).toEqual([[1, 2]]);
  });
});

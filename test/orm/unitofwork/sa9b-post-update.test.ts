/**
 * `postUpdate: true` writes its foreign key in an UPDATE of its own, after every save, even for a
 * row that the same flush also UPDATEs for other changes, and whether the related row is new or
 * already persistent: SQLAlchemy's ManyToOneDP / OneToManyDP process_saves run after the row's
 * own save, and persistence.post_update() emits `UPDATE t SET <fk>=? WHERE t.id = ?` with only
 * the post-update columns (and onupdate columns the application set) whose value changed
 * (_collect_post_update_commands), bumping a version column again, with no before/after update
 * events. Ported from test/orm/test_cycles.py OneToManyManyToOneTest (test_post_update_m2o,
 * test_post_update_o2m), PostUpdateBatchingTest.test_one and test/orm/test_versioning.py
 * VersionOnPostUpdateTest, each with an ordinary change on the same row added.
 */
import { AsyncSession, DeclarativeBase, event, ForeignKey, Integer, mappedColumn, relationship, select, String, update } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

/** person ↔ ball as in OneToManyManyToOneTest: `balls` (one-to-many) and `favorite` (many-to-one). */
function personBall(post: "m2o" | "o2m") {
  class Base extends DeclarativeBase {}
  const person = uniqueName("sa9b_person");
  const ball = uniqueName("sa9b_ball");
  class Ball extends Base.model(ball, {
    id: mappedColumn(Integer, { primaryKey: true }),
    personId: mappedColumn(ForeignKey(`${person}.id`, { name: `fk_${ball}_person`, useAlter: true }), { name: "person_id", nullable: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {}
  class Person extends Base.model(person, {
    id: mappedColumn(Integer, { primaryKey: true }),
    favoriteBallId: mappedColumn(ForeignKey(`${ball}.id`), { name: "favorite_ball_id", nullable: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {
    static balls = relationship(() => Ball, { primaryjoin: () => Ball.personId.eq(Person.id), ...(post === "o2m" ? { postUpdate: true } : {}) });
    declare balls: Ball[];
    static favorite = relationship(() => Ball, { primaryjoin: () => Person.favoriteBallId.eq(Ball.id), ...(post === "m2o" ? { postUpdate: true } : {}) });
    declare favorite: Ball | null;
  }
  return { Base, Person, Ball, person, ball };
}

describe.each(dialectTargets())("post_update on a row the flush also UPDATEs, on $name", (target) => {
  const m2o = personBall("m2o");
  const o2m = personBall("o2m");
  const log = useSqlLog(target, [m2o.Base.metadata, o2m.Base.metadata]);

  it("test_post_update_m2o: a changed column and a new favorite give two UPDATEs of the row, the post-update last", async () => {
    const { Person, Ball, person, ball } = m2o;
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const p = new Person({ data: "some data", balls: [], favorite: null });
    sess.add(p);
    await sess.flush();
    const b = new Ball({ data: "some data" });
    p.balls = [b];
    p.favorite = b;
    p.data = "new data";
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${person} SET data=? WHERE ${person}.id = ?`, ["new data", p.id]],
      [`INSERT INTO ${ball} (person_id, data) VALUES (?, ?) RETURNING ${ball}.id`, [p.id, "some data"]],
      [`UPDATE ${person} SET favorite_ball_id=? WHERE ${person}.id = ?`, [b.id, p.id]],
    ]);
    expect(p.favoriteBallId).toBe(b.id);
    await sess.rollback();
  });

  it("a persistent favorite: still a post-update of its own after the row's UPDATE", async () => {
    const { Person, Ball, person } = m2o;
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const b = new Ball({ data: "b" });
    const p = new Person({ data: "some data", balls: [], favorite: null });
    sess.addAll([b, p]);
    await sess.flush();
    p.favorite = b;
    p.data = "new data";
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${person} SET data=? WHERE ${person}.id = ?`, ["new data", p.id]],
      [`UPDATE ${person} SET favorite_ball_id=? WHERE ${person}.id = ?`, [b.id, p.id]],
    ]);
    // Clearing it together with another change: the same two statements, the key NULL.
    p.favorite = null;
    p.data = "newer data";
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${person} SET data=? WHERE ${person}.id = ?`, ["newer data", p.id]],
      [`UPDATE ${person} SET favorite_ball_id=? WHERE ${person}.id = ?`, [null, p.id]],
    ]);
    await sess.commit();
    expect([...(await sess.execute(select(Person.data, Person.favoriteBallId).where(Person.id.eq(p.id)))).one()]).toEqual(["newer data", null]);
  });

  it("a new row with a persistent favorite: INSERT, then the post-update", async () => {
    const { Person, Ball, person } = m2o;
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const b = new Ball({ data: "b" });
    sess.add(b);
    await sess.flush();
    const p = new Person({ data: "p", balls: [] });
    p.favorite = b;
    sess.add(p);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`INSERT INTO ${person} (favorite_ball_id, data) VALUES (?, ?) RETURNING ${person}.id`, [null, "p"]],
      [`UPDATE ${person} SET favorite_ball_id=? WHERE ${person}.id = ?`, [b.id, p.id]],
    ]);
    await sess.rollback();
  });

  it("an unchanged post-update key is not written again", async () => {
    const { Person, Ball, person } = m2o;
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const b = new Ball({ data: "b" });
    const p = new Person({ data: "p", balls: [] });
    p.favorite = b;
    sess.addAll([b, p]);
    await sess.flush();
    // Re-assigned the same object: no history on the relationship, the row's UPDATE only.
    p.favorite = b;
    p.data = "q";
    expect(await log.capture(() => sess.flush())).toEqual([[`UPDATE ${person} SET data=? WHERE ${person}.id = ?`, ["q", p.id]]]);
    await sess.rollback();
  });

  it("test_post_update_o2m: a changed child appended to a persistent parent gets its UPDATE, then the post-update of its key", async () => {
    const { Person, Ball, ball } = o2m;
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const p = new Person({ data: "p", balls: [], favorite: null });
    const b = new Ball({ data: "some data" });
    const b2 = new Ball({ data: "other" });
    sess.addAll([p, b, b2]);
    await sess.flush();
    b.data = "changed";
    p.balls = [b, b2];
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${ball} SET data=? WHERE ${ball}.id = ?`, ["changed", b.id]],
      [`UPDATE ${ball} SET person_id=? WHERE ${ball}.id = ?`, [p.id, b.id]],
      [`UPDATE ${ball} SET person_id=? WHERE ${ball}.id = ?`, [p.id, b2.id]],
    ]);
    expect([b.personId, b2.personId]).toEqual([p.id, p.id]);
    await sess.rollback();
  });
});

describe.each(dialectTargets())("PostUpdateBatchingTest with a changed name, on $name", (target) => {
  class Base extends DeclarativeBase {}
  const parent = uniqueName("sa9b_pb_parent");
  const names = [1, 2].map((i) => uniqueName(`sa9b_pb_child${i}`));
  const childModel = (table: string) =>
    class extends Base.model(table, {
      id: mappedColumn(Integer, { primaryKey: true }),
      name: mappedColumn(String(50)),
      parentId: mappedColumn(ForeignKey(`${parent}.id`), { name: "parent_id" }),
    }) {};
  const Child1 = childModel(names[0]);
  const Child2 = childModel(names[1]);
  class Parent extends Base.model(parent, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50)),
    c1Id: mappedColumn(ForeignKey(`${names[0]}.id`, { name: `${parent}_c1`, useAlter: true }), { name: "c1_id", nullable: true }),
    c2Id: mappedColumn(ForeignKey(`${names[1]}.id`, { name: `${parent}_c2`, useAlter: true }), { name: "c2_id", nullable: true }),
  }) {
    static c1s = relationship(() => Child1, { primaryjoin: () => Child1.parentId.eq(Parent.id) });
    declare c1s: InstanceType<typeof Child1>[];
    static c2s = relationship(() => Child2, { primaryjoin: () => Child2.parentId.eq(Parent.id) });
    declare c2s: InstanceType<typeof Child2>[];
    static c1 = relationship(() => Child1, { primaryjoin: () => Child1.id.eq(Parent.c1Id), postUpdate: true });
    declare c1: InstanceType<typeof Child1> | null;
    static c2 = relationship(() => Child2, { primaryjoin: () => Child2.id.eq(Parent.c2Id), postUpdate: true });
    declare c2: InstanceType<typeof Child2> | null;
  }
  const log = useSqlLog(target, Base.metadata);

  it("the name in the row's UPDATE, the post-update columns batched in a second one; events fire once", async () => {
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const p1 = new Parent({ name: "p1", c1: null, c2: null });
    const [c11, c12] = ["c1", "c2"].map((name) => new Child1({ name }));
    const [c21, c22] = ["c1", "c2"].map((name) => new Child2({ name }));
    p1.c1s = [c11, c12];
    p1.c2s = [c21, c22];
    sess.add(p1);
    await sess.flush();
    const calls: string[] = [];
    const before = (): void => void calls.push("beforeUpdate");
    const after = (): void => void calls.push("afterUpdate");
    event.listen(Parent, "beforeUpdate", before);
    event.listen(Parent, "afterUpdate", after);
    try {
      p1.name = "p1 renamed";
      p1.c1 = c12;
      p1.c2 = c21;
      expect(await log.capture(() => sess.flush())).toEqual([
        [`UPDATE ${parent} SET name=? WHERE ${parent}.id = ?`, ["p1 renamed", p1.id]],
        [`UPDATE ${parent} SET c1_id=?, c2_id=? WHERE ${parent}.id = ?`, [c12.id, c21.id, p1.id]],
      ]);
      // SQLAlchemy's post_update() fires no mapper events: the row's save fired them once.
      expect(calls).toEqual(["beforeUpdate", "afterUpdate"]);
    } finally {
      event.remove(Parent, "beforeUpdate", before);
      event.remove(Parent, "afterUpdate", after);
    }
    void [c11, c22];
    await sess.rollback();
  });
});

/** VersionOnPostUpdateTest's node table, `related` a many-to-one (o2m: false) or one-to-many. */
function versionedNodes(o2m: boolean, postUpdate: boolean) {
  class Base extends DeclarativeBase {}
  const node = uniqueName("sa9b_vnode");
  class Node extends Base.model(node, {
    id: mappedColumn(Integer, { primaryKey: true }),
    versionId: mappedColumn(Integer, { name: "version_id", versionId: true }),
    data: mappedColumn(String(30), { nullable: true }),
    parentId: mappedColumn(ForeignKey(`${node}.id`), { name: "parent_id", nullable: true }),
  }) {
    static related = o2m
      ? relationship(() => Node, { remoteSide: () => [Node.parentId], primaryjoin: () => Node.id.eq(Node.parentId), postUpdate })
      : relationship(() => Node, { remoteSide: () => [Node.id], postUpdate });
    declare related: Node | null | Node[];
  }
  return { Base, Node, node };
}

describe.each(dialectTargets())("VersionOnPostUpdateTest (test_versioning.py) on $name", (target) => {
  const fixtures = { o2mPlain: versionedNodes(true, false), m2oPlain: versionedNodes(false, false), o2mPost: versionedNodes(true, true), m2oPost: versionedNodes(false, true) };
  const log = useSqlLog(target, Object.values(fixtures).map((f) => f.Base.metadata));

  async function fixture(which: keyof typeof fixtures, insert = true, autoflush = true) {
    const { Node, node } = fixtures[which];
    const s = new AsyncSession(log.engine, { expireOnCommit: false, autoflush });
    const n1 = new Node({ id: 1, related: which.startsWith("o2m") ? [] : null });
    const n2 = new Node({ id: 2, related: which.startsWith("o2m") ? [] : null });
    if (insert) {
      s.addAll([n1, n2]);
      await s.flush();
    }
    return { s, n1, n2, Node, node };
  }

  for (const [which, expected] of [["o2mPlain", [1, 2]], ["m2oPlain", [2, 1]], ["o2mPost", [1, 2]], ["m2oPost", [2, 1]]] as const) {
    it(`test_${which.startsWith("o2m") ? "o2m" : "m2o"}_${which.endsWith("Plain") ? "plain" : "post_update"}: the row holding the key gets the new version`, async () => {
      const { s, n1, n2 } = await fixture(which);
      await using _s = s;
      if (which.startsWith("o2m")) n1.related = [n2];
      else n1.related = n2;
      await s.flush();
      expect([n1.versionId, n2.versionId]).toEqual(expected);
      await s.rollback();
    });
  }

  for (const which of ["o2mPost", "m2oPost"] as const) {
    it(`test_${which.startsWith("o2m") ? "o2m" : "m2o"}_post_update_not_assoc_w_insert: a post-update of rows inserted by the same flush keeps version 1`, async () => {
      const { s, n1, n2, node } = await fixture(which, false);
      await using _s = s;
      if (which === "o2mPost") n1.related = [n2];
      else n1.related = n2;
      s.addAll([n1, n2]);
      const sent = await log.capture(() => s.flush());
      // The post-update checks the inserted version and sets none (SQLAlchemy bumps only rows
      // that had an identity before the flush).
      const holder = which === "o2mPost" ? n2 : n1;
      expect(sent[sent.length - 1]).toEqual([`UPDATE ${node} SET parent_id=? WHERE ${node}.id = ? AND ${node}.version_id = ?`, [which === "o2mPost" ? 1 : 2, holder.id, 1]]);
      expect([n1.versionId, n2.versionId]).toEqual([1, 1]);
      await s.rollback();
    });
  }

  it("test_o2m_post_update_version_assert: a version moved on elsewhere fails the post-update", async () => {
    // autoflush off: SQLAlchemy changes the row from a second session on the same transaction.
    const { s, n1, n2, Node } = await fixture("o2mPost", true, false);
    await using _s = s;
    n1.related = [n2];
    await s.execute(update(Node.__table__).values({ versionId: 3 }).where(Node.__table__.c.id.eq(n2.id)));
    await expect(s.flush()).rejects.toThrow(/^UPDATE statement on table '\S+' expected to update 1 row\(s\); 0 were matched\.$/);
    await s.rollback();
  });
});

describe.each(dialectTargets())("VersionOnPostUpdateTest with a changed column, on $name", (target) => {
  const { Base, Node, node } = versionedNodes(false, true);
  const log = useSqlLog(target, Base.metadata);

  it("test_m2o_post_update: the post-update alone bumps the version once", async () => {
    await using s = new AsyncSession(log.engine, { expireOnCommit: false });
    const n1 = new Node({ id: 1, related: null });
    const n2 = new Node({ id: 2, related: null });
    s.addAll([n1, n2]);
    await s.flush();
    n1.related = n2;
    expect(await log.capture(() => s.flush())).toEqual([
      [`UPDATE ${node} SET version_id=?, parent_id=? WHERE ${node}.id = ? AND ${node}.version_id = ?`, [2, 2, 1, 1]],
    ]);
    expect([n1.versionId, n2.versionId]).toEqual([2, 1]);
    await s.rollback();
  });

  it("with a changed column too: two UPDATEs, each checking and bumping the version", async () => {
    await using s = new AsyncSession(log.engine, { expireOnCommit: false });
    const n1 = new Node({ id: 1, related: null });
    const n2 = new Node({ id: 2, related: null });
    s.addAll([n1, n2]);
    await s.flush();
    n1.related = n2;
    n1.data = "d";
    expect(await log.capture(() => s.flush())).toEqual([
      [`UPDATE ${node} SET version_id=?, data=? WHERE ${node}.id = ? AND ${node}.version_id = ?`, [2, "d", 1, 1]],
      [`UPDATE ${node} SET version_id=?, parent_id=? WHERE ${node}.id = ? AND ${node}.version_id = ?`, [3, 2, 1, 2]],
    ]);
    expect(n1.versionId).toBe(3);
    await s.commit();
    expect([...(await s.execute(select(Node.versionId, Node.data, Node.parentId).where(Node.id.eq(1)))).one()]).toEqual([3, "d", 2]);
  });
});

describe.each(dialectTargets())("post_update of a joined-table subclass row, on $name", (target) => {
  class Base extends DeclarativeBase {}
  const people = uniqueName("sa9b_people");
  const engineers = uniqueName("sa9b_engineers");
  const machines = uniqueName("sa9b_machines");
  class Machine extends Base.model(machines, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {}
  class Person extends Base.model(people, {
    id: mappedColumn(Integer, { primaryKey: true }),
    versionId: mappedColumn(Integer, { name: "version_id", versionId: true }),
    name: mappedColumn(String(30), { nullable: true }),
    type: mappedColumn(String(20), { nullable: true }),
  }, { polymorphicOn: "type", polymorphicIdentity: "person" }) {}
  class Engineer extends Person.subclass({
    favoriteId: mappedColumn(ForeignKey(`${machines}.id`), { name: "favorite_id", nullable: true }),
  }, { table: engineers, polymorphicIdentity: "engineer" }) {
    static favorite = relationship(() => Machine, { primaryjoin: () => Engineer.favoriteId.eq(Machine.id), postUpdate: true });
    declare favorite: Machine | null;
  }
  const log = useSqlLog(target, Base.metadata);

  it("the base row's UPDATE bumps the version; the subclass table's post-update neither checks nor bumps it", async () => {
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const m = new Machine({ id: 1, name: "lathe" });
    const e = new Engineer({ id: 1, name: "dilbert", favorite: null });
    sess.addAll([m, e]);
    await sess.flush();
    expect(e.versionId).toBe(1);
    e.name = "wally";
    e.favorite = m;
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${people} SET version_id=?, name=? WHERE ${people}.id = ? AND ${people}.version_id = ?`, [2, "wally", 1, 1]],
      [`UPDATE ${engineers} SET favorite_id=? WHERE ${engineers}.id = ?`, [1, 1]],
    ]);
    expect(e.versionId).toBe(2);
    await sess.commit();
    expect([...(await sess.execute(select(Engineer.versionId, Engineer.name, Engineer.favoriteId))).one()]).toEqual([2, "wally", 1]);
  });
});

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
import { AsyncSession, DeclarativeBase, event, ForeignKey, Integer, mappedColumn, relationship, select, String } from "athanor";
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

describe.each(dialectTargets())("VersionOnPostUpdateTest with a changed column, on $name", (target) => {
  class Base extends DeclarativeBase {}
  const node = uniqueName("sa9b_vnode");
  class Node extends Base.model(node, {
    id: mappedColumn(Integer, { primaryKey: true }),
    versionId: mappedColumn(Integer, { name: "version_id", versionId: true }),
    data: mappedColumn(String(30), { nullable: true }),
    parentId: mappedColumn(ForeignKey(`${node}.id`), { name: "parent_id", nullable: true }),
  }) {
    static related = relationship(() => Node, { remoteSide: () => [Node.id], postUpdate: true });
    declare related: Node | null;
  }
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

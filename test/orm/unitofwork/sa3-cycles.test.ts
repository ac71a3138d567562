/**
 * SQLAlchemy's test/orm/test_cycles.py: self-referential mappers, row cycles between two
 * tables broken by post_update (`postUpdate: true`), and the statements those flushes send.
 * Deliberate athanor difference: flush DELETEs are batched as `DELETE … WHERE t.id IN (…)`
 * (SQLAlchemy: an executemany of `WHERE t.id = :id`).
 */
import { AsyncSession, DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, String, select, inspect } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

function selfRefModels() {
  class Base extends DeclarativeBase {}
  const t1 = uniqueName("sa3c_t1");
  const t2 = uniqueName("sa3c_t2");
  class C2 extends Base.model(t2, {
    c1: mappedColumn(Integer, { primaryKey: true }),
    c1id: mappedColumn(ForeignKey(`${t1}.c1`), { nullable: true }),
    data: mappedColumn(String(20), { nullable: true }),
  }) {}
  class C1 extends Base.model(t1, {
    c1: mappedColumn(Integer, { primaryKey: true }),
    parentC1: mappedColumn(ForeignKey(`${t1}.c1`), { name: "parent_c1", nullable: true }),
    data: mappedColumn(String(20), { nullable: true }),
  }) {
    static c1s = relationship(() => C1, { cascade: "all", backPopulates: "parent" });
    declare c1s: C1[];
    static parent = relationship(() => C1, { remoteSide: () => [C1.c1], backPopulates: "c1s" });
    declare parent: C1 | null;
    static c2s = relationship(() => C2, { cascade: "all, delete-orphan" });
    declare c2s: C2[];
  }
  // t1 mapped with a plain one-to-many `children` (SQLAlchemy remaps t1 per test).
  const t3 = uniqueName("sa3c_t1");
  class Plain extends Base.model(t3, {
    c1: mappedColumn(Integer, { primaryKey: true }),
    parentC1: mappedColumn(ForeignKey(`${t3}.c1`), { name: "parent_c1", nullable: true }),
    data: mappedColumn(String(20), { nullable: true }),
  }) {
    static children = relationship(() => Plain);
    declare children: Plain[];
  }
  return { Base, C1, C2, Plain, t1, t2, t3 };
}

describe.each(dialectTargets())("SelfReferentialTest (test_cycles.py) on $name", (target) => {
  const m = selfRefModels();
  const { C1, C2, t1 } = m;
  const log = useSqlLog(target, m.Base.metadata);

  it("test_single", async () => {
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const a = new C1({ data: "head c1", c1s: [new C1({ data: "another c1", c1s: [] })] });
    sess.add(a);
    await sess.flush();
    sess.delete(a);
    await sess.flush();
    expect(await sess.scalars(select(C1))).toHaveProperty("all");
    expect((await sess.scalars(select(C1))).all()).toEqual([]);
    await sess.rollback();
  });

  it("test_many_to_one_only", async () => {
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const c1 = new C1({});
    sess.add(c1);
    await sess.flush();
    sess.expungeAll();
    const c1b = (await sess.get(C1, c1.c1))!;
    const c2 = new C1({});
    c2.parent = c1b;
    sess.add(c2);
    await sess.flush();
    expect(c2.parentC1).toBe(c1b.c1);
    await sess.rollback();
  });

  it("test_cycle", async () => {
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const a = new C1({ data: "head c1", c1s: [], c2s: [] });
    const child1 = new C1({ data: "child1", c1s: [], c2s: [] });
    const child2 = new C1({ data: "child2", c1s: [], c2s: [] });
    a.c1s = [child1, child2];
    child1.c1s = [new C1({ data: "subchild1", c1s: [], c2s: [] }), new C1({ data: "subchild2", c1s: [], c2s: [] })];
    child2.c2s = [new C2({ data: "child2 data1" }), new C2({ data: "child2 data2" })];
    sess.add(a);
    await sess.flush();
    expect((await sess.scalars(select(C1.data).orderBy(C1.c1))).all()).toEqual(["head c1", "child1", "child2", "subchild1", "subchild2"]);
    sess.delete(a);
    await sess.flush();
    expect([(await sess.scalars(select(C1))).all(), (await sess.scalars(select(C2))).all()]).toEqual([[], []]);
    await sess.rollback();
  });

  it("test_setnull_ondelete", async () => {
    const { Plain, t3 } = m;
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const c1 = new Plain({ children: [] });
    const c2 = new Plain({ children: [] });
    c1.children = [c2];
    sess.add(c1);
    await sess.flush();
    expect(c2.parentC1).toBe(c1.c1);
    sess.delete(c1);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${t3} SET parent_c1=? WHERE ${t3}.c1 = ?`, [null, c2.c1]],
      [`DELETE FROM ${t3} WHERE ${t3}.c1 IN (?)`, [c1.c1]],
    ]);
    expect(c2.parentC1).toBe(null);
    sess.expireAll();
    expect((await sess.scalars(select(Plain.parentC1).where(Plain.c1.eq(c2.c1)))).one()).toBe(null);
    await sess.rollback();
  });
});

/** person ↔ ball: Person.balls (one-to-many) and Person.favorite (many-to-one), as configured. */
function personBall(cfg: { balls?: "plain" | "m2oPost" | "o2mPost" | "backrefPost"; favoritePost?: boolean; ballPersonPost?: boolean }) {
  class Base extends DeclarativeBase {}
  const person = uniqueName("sa3c_person");
  const ball = uniqueName("sa3c_ball");
  class Ball extends Base.model(ball, {
    id: mappedColumn(Integer, { primaryKey: true }),
    personId: mappedColumn(ForeignKey(`${person}.id`, { name: `fk_${ball}_person`, useAlter: true }), { name: "person_id", nullable: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {
    static person = cfg.balls === "backrefPost" || cfg.balls === "o2mPost" || cfg.ballPersonPost
      ? relationship(() => Person, {
        primaryjoin: () => Person.id.eq(Ball.personId),
        // SQLAlchemy's backref() copies post_update to the reverse side: spelled out here.
        ...(cfg.balls === "backrefPost" || cfg.balls === "o2mPost" || cfg.ballPersonPost ? { postUpdate: true } : {}),
        ...(cfg.balls ? { backPopulates: "balls" } : {}),
      })
      : undefined;
    declare person: Person | null;
  }
  class Person extends Base.model(person, {
    id: mappedColumn(Integer, { primaryKey: true }),
    favoriteBallId: mappedColumn(ForeignKey(`${ball}.id`), { name: "favorite_ball_id", nullable: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {
    static balls = cfg.balls
      ? relationship(() => Ball, {
        primaryjoin: () => Ball.personId.eq(Person.id),
        ...(cfg.balls === "m2oPost" || cfg.balls === "o2mPost" ? { cascade: "all, delete-orphan" } : {}),
        ...(cfg.balls === "o2mPost" || cfg.balls === "backrefPost" ? { postUpdate: true } : {}),
        ...(cfg.balls === "o2mPost" || cfg.balls === "backrefPost" || cfg.ballPersonPost ? { backPopulates: "person" } : {}),
      })
      : undefined;
    declare balls: Ball[];
    static favorite = relationship(() => Ball, { primaryjoin: () => Person.favoriteBallId.eq(Ball.id), ...(cfg.favoritePost ? { postUpdate: true } : {}) });
    declare favorite: Ball | null;
  }
  return { Base, Person, Ball, person, ball };
}

describe.each(dialectTargets())("OneToManyManyToOneTest (test_cycles.py) on $name", (target) => {
  const plain = personBall({ balls: "plain", favoritePost: true });
  const noCascade = personBall({ favoritePost: true });
  const m2oPost = personBall({ balls: "m2oPost", favoritePost: true });
  const backref = personBall({ balls: "backrefPost" });
  const o2mPost = personBall({ balls: "o2mPost" });
  const detect = personBall({ ballPersonPost: true });
  const log = useSqlLog(target, [plain, noCascade, m2oPost, backref, o2mPost, detect].map((x) => x.Base.metadata));

  it("test_cycle", async () => {
    const { Person, Ball } = plain;
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const b = new Ball({});
    const p = new Person({ balls: [b] });
    sess.add(p);
    await sess.flush();
    expect(b.personId).toBe(p.id);
    await sess.rollback();
  });

  it("test_post_update_m2o_no_cascade", async () => {
    const { Person, Ball, person } = noCascade;
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const b = new Ball({ data: "some data" });
    const p = new Person({ data: "some data" });
    p.favorite = b;
    sess.add(b);
    sess.add(p);
    await sess.flush();
    sess.delete(p);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${person} SET favorite_ball_id=? WHERE ${person}.id = ?`, [null, p.id]],
      [`DELETE FROM ${person} WHERE ${person}.id IN (?)`, [p.id]],
    ]);
    await sess.rollback();
  });

  it("test_post_update_m2o", async () => {
    const { Person, Ball, person, ball } = m2oPost;
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const b = new Ball({ data: "some data" });
    const p = new Person({ data: "some data" });
    p.balls = [b, new Ball({ data: "some data" }), new Ball({ data: "some data" }), new Ball({ data: "some data" })];
    p.favorite = b;
    sess.add(b);
    sess.add(p);
    const sent = await log.capture(() => sess.flush());
    expect(sent.map(([sql]) => sql.split(" (")[0])).toEqual([`INSERT INTO ${person}`, `INSERT INTO ${ball}`, `UPDATE ${person} SET favorite_ball_id=? WHERE ${person}.id = ?`]);
    expect(sent[0][1]).toEqual([null, "some data"]);
    expect(sent[1][1]).toEqual([p.id, "some data", p.id, "some data", p.id, "some data", p.id, "some data"]);
    expect(sent[2][1]).toEqual([b.id, p.id]);
    const ids = p.balls.map((x) => x.id).sort((x, y) => x - y);
    sess.delete(p);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${person} SET favorite_ball_id=? WHERE ${person}.id = ?`, [null, p.id]],
      [`DELETE FROM ${ball} WHERE ${ball}.id IN (?, ?, ?, ?)`, ids],
      [`DELETE FROM ${person} WHERE ${person}.id IN (?)`, [p.id]],
    ]);
    await sess.rollback();
  });

  it("test_post_update_backref", async () => {
    const { Person, Ball } = backref;
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const [p1, p2, p3] = [new Person({ data: "p1", balls: [] }), new Person({ data: "p2", balls: [] }), new Person({ data: "p3", balls: [] })];
    const b1 = new Ball({ data: "b1" });
    b1.person = p1;
    sess.addAll([p1, p2, p3]);
    await sess.commit();
    // The post_update on Ball.person isn't confused by the reverse side.
    b1.person = p2;
    await sess.commit();
    expect(b1.person).toBe(p2);
    p3.balls = [...p3.balls, b1];
    await sess.commit();
    expect(b1.person).toBe(p3);
    expect((await sess.scalars(select(Ball.personId).where(Ball.id.eq(b1.id)))).one()).toBe(p3.id);
    sess.delete(b1);
    for (const p of [p1, p2, p3]) sess.delete(p);
    await sess.commit();
  });

  it("test_post_update_o2m", async () => {
    const { Person, Ball, person, ball } = o2mPost;
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const [b, b2, b3, b4] = [0, 1, 2, 3].map(() => new Ball({ data: "some data" }));
    const p = new Person({ data: "some data", balls: [b, b2, b3, b4] });
    p.favorite = b;
    sess.addAll([b, p, b2, b3, b4]);
    expect(await log.capture(() => sess.flush())).toEqual([
      [`INSERT INTO ${ball} (person_id, data) VALUES (?, ?), (?, ?), (?, ?), (?, ?) RETURNING ${ball}.id`, [null, "some data", null, "some data", null, "some data", null, "some data"]],
      [`INSERT INTO ${person} (favorite_ball_id, data) VALUES (?, ?) RETURNING ${person}.id`, [b.id, "some data"]],
      ...[b, b2, b3, b4].map((x) => [`UPDATE ${ball} SET person_id=? WHERE ${ball}.id = ?`, [p.id, x.id]]),
    ]);
    sess.delete(p);
    expect(await log.capture(() => sess.flush())).toEqual([
      ...[b, b2, b3, b4].map((x) => [`UPDATE ${ball} SET person_id=? WHERE ${ball}.id = ?`, [null, x.id]]),
      [`DELETE FROM ${person} WHERE ${person}.id IN (?)`, [p.id]],
      [`DELETE FROM ${ball} WHERE ${ball}.id IN (?, ?, ?, ?)`, [b.id, b2.id, b3.id, b4.id]],
    ]);
    await sess.rollback();
  });

  it("test_post_update_m2o_detect_none", async () => {
    const { Person, Ball, ball } = detect;
    await using sess = new AsyncSession(log.engine);
    sess.add(new Ball({ person: new Person({}) }));
    await sess.commit();
    const b1 = (await sess.scalars(select(Ball))).first()!;
    expect(inspect(b1).unloaded.has("person")).toBe(true);
    b1.person = null;
    expect(await log.capture(() => sess.flush())).toEqual([[`UPDATE ${ball} SET person_id=? WHERE ${ball}.id = ?`, [null, b1.id]]]);
    expect(b1.person).toBe(null);
    await sess.rollback();
  });
});

describe.each(dialectTargets())("SelfReferentialPostUpdateTest (test_cycles.py) on $name", (target) => {
  class Base extends DeclarativeBase {}
  const node = uniqueName("sa3c_node");
  class Node extends Base.model(node, {
    id: mappedColumn(Integer, { primaryKey: true }),
    path: mappedColumn(String(50)),
    parentId: mappedColumn(ForeignKey(`${node}.id`), { name: "parent_id", nullable: true }),
    prevSiblingId: mappedColumn(ForeignKey(`${node}.id`), { name: "prev_sibling_id", nullable: true }),
    nextSiblingId: mappedColumn(ForeignKey(`${node}.id`), { name: "next_sibling_id", nullable: true }),
  }) {
    static children = relationship(() => Node, { primaryjoin: () => Node.id.eq(Node.parentId), cascade: "all", backPopulates: "parent" });
    declare children: Node[];
    static parent = relationship(() => Node, { primaryjoin: () => Node.id.eq(Node.parentId), remoteSide: () => [Node.id], backPopulates: "children" });
    declare parent: Node | null;
    static prevSibling = relationship(() => Node, { primaryjoin: () => Node.prevSiblingId.eq(Node.id), remoteSide: () => [Node.id], uselist: false });
    declare prevSibling: Node | null;
    static nextSibling = relationship(() => Node, { primaryjoin: () => Node.nextSiblingId.eq(Node.id), remoteSide: () => [Node.id], uselist: false, postUpdate: true });
    declare nextSibling: Node | null;
  }
  const log = useSqlLog(target, Base.metadata);

  it("test_one", async () => {
    await using session = new AsyncSession(log.engine, { autoflush: false, expireOnCommit: false });
    const mk = (path: string) => new Node({ path, children: [], prevSibling: null, nextSibling: null });
    const appendChild = (parent: Node, child: Node) => {
      if (parent.children.length) {
        parent.children[parent.children.length - 1].nextSibling = child;
        child.prevSibling = parent.children[parent.children.length - 1];
      }
      parent.children = [...parent.children, child];
    };
    const removeChild = (parent: Node, child: Node) => {
      child.parent = null;
      const n = child.nextSibling!;
      n.prevSibling = child.prevSibling;
      child.prevSibling!.nextSibling = n;
      session.delete(child);
    };
    const root = mk("root");
    const [about, cats, stories, bruce] = ["about", "cats", "stories", "bruce"].map(mk);
    appendChild(root, about);
    expect(about.prevSibling).toBe(null);
    appendChild(root, cats);
    expect([cats.prevSibling, cats.nextSibling, about.nextSibling, about.prevSibling]).toEqual([about, null, cats, null]);
    appendChild(root, stories);
    appendChild(root, bruce);
    session.add(root);
    await session.flush();

    removeChild(root, cats);
    const sent = await log.capture(() => session.flush());
    expect(sent.slice(0, 3)).toEqual(expect.arrayContaining([
      [`UPDATE ${node} SET prev_sibling_id=? WHERE ${node}.id = ?`, [about.id, stories.id]],
      [`UPDATE ${node} SET next_sibling_id=? WHERE ${node}.id = ?`, [stories.id, about.id]],
      [`UPDATE ${node} SET next_sibling_id=? WHERE ${node}.id = ?`, [null, cats.id]],
    ]));
    expect(sent.slice(3)).toEqual([[`DELETE FROM ${node} WHERE ${node}.id IN (?)`, [cats.id]]]);

    session.delete(root);
    expect(await log.capture(() => session.flush())).toEqual([
      [`UPDATE ${node} SET next_sibling_id=? WHERE ${node}.id = ?`, [null, about.id]],
      [`UPDATE ${node} SET next_sibling_id=? WHERE ${node}.id = ?`, [null, stories.id]],
      [`DELETE FROM ${node} WHERE ${node}.id IN (?, ?, ?)`, [about.id, stories.id, bruce.id]],
      [`DELETE FROM ${node} WHERE ${node}.id IN (?)`, [root.id]],
    ]);

    const about2 = mk("about");
    const cats2 = mk("cats");
    about2.nextSibling = cats2;
    cats2.prevSibling = about2;
    session.add(about2);
    await session.flush();
    session.delete(about2);
    cats2.prevSibling = null;
    await session.flush();
    expect((await session.scalars(select(Node.path))).all()).toEqual(["cats"]);
    await session.rollback();
  });
});

describe.each(dialectTargets())("SelfReferentialPostUpdateTest2 / 3 (test_cycles.py) on $name", (target) => {
  class Base extends DeclarativeBase {}
  const aTable = uniqueName("sa3c_a_table");
  class A extends Base.model(aTable, {
    id: mappedColumn(Integer, { primaryKey: true }),
    fui: mappedColumn(String(128), { nullable: true }),
    b: mappedColumn(ForeignKey(`${aTable}.id`), { nullable: true }),
  }) {
    static foo = relationship(() => A, { remoteSide: () => [A.id], postUpdate: true });
    declare foo: A | null;
  }
  const parent = uniqueName("sa3c_parent");
  const child = uniqueName("sa3c_child");
  class Child extends Base.model(child, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50)),
    childId: mappedColumn(ForeignKey(`${child}.id`), { name: "child_id", nullable: true }),
    parentId: mappedColumn(ForeignKey(`${parent}.id`), { name: "parent_id", nullable: true }),
  }) {
    static parent = relationship(() => Child, { remoteSide: () => [Child.id] });
    declare parent: Child | null;
  }
  class Parent extends Base.model(parent, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50)),
    childId: mappedColumn(ForeignKey(`${child}.id`, { name: `${parent}_c1`, useAlter: true }), { name: "child_id", nullable: true }),
  }) {
    static children = relationship(() => Child, { primaryjoin: () => Parent.id.eq(Child.parentId) });
    declare children: Child[];
    static child = relationship(() => Child, { primaryjoin: () => Parent.childId.eq(Child.id), postUpdate: true });
    declare child: Child | null;
  }
  const log = useSqlLog(target, Base.metadata);

  it("test_one (SelfReferentialPostUpdateTest2): a post_update against an already inserted row", async () => {
    await using session = new AsyncSession(log.engine, { expireOnCommit: false });
    const f1 = new A({ fui: "f1" });
    session.add(f1);
    await session.flush();
    const f2 = new A({ fui: "f2", foo: f1 });
    session.add(f2);
    await session.flush();
    session.expungeAll();
    const f2b = (await session.scalars(select(A).where(A.id.eq(f2.id)))).one();
    expect(f2b.b).toBe(f1.id);
    await session.rollback();
  });

  it("test_one (SelfReferentialPostUpdateTest3)", async () => {
    await using session = new AsyncSession(log.engine, { expireOnCommit: false });
    const p1 = new Parent({ name: "p1", children: [], child: null });
    const c1 = new Child({ name: "c1" });
    const c2 = new Child({ name: "c2" });
    p1.children = [c1, c2];
    c2.parent = c1;
    p1.child = c2;
    session.addAll([p1, c1, c2]);
    await session.flush();
    expect([p1.childId, c2.childId, c1.parentId, c2.parentId]).toEqual([c2.id, c1.id, p1.id, p1.id]);

    const p2 = new Parent({ name: "p2", children: [], child: null });
    const c3 = new Child({ name: "c3" });
    p2.children = [c3];
    p2.child = c3;
    session.add(p2);
    session.delete(c2);
    p1.children = p1.children.filter((c) => c !== c2);
    p1.child = null;
    await session.flush();
    expect([p1.childId, p2.childId, c3.parentId]).toEqual([null, c3.id, p2.id]);
    p2.child = null;
    await session.flush();
    expect((await session.scalars(select(Parent.childId).orderBy(Parent.id))).all()).toEqual([null, null]);
    await session.rollback();
  });
});

describe.each(dialectTargets())("PostUpdateBatchingTest (test_cycles.py) on $name", (target) => {
  class Base extends DeclarativeBase {}
  const parent = uniqueName("sa3c_pb_parent");
  const names = [1, 2, 3].map((i) => uniqueName(`sa3c_pb_child${i}`));
  const childModel = (table: string) =>
    class extends Base.model(table, {
      id: mappedColumn(Integer, { primaryKey: true }),
      name: mappedColumn(String(50)),
      parentId: mappedColumn(ForeignKey(`${parent}.id`), { name: "parent_id" }),
    }) {};
  const Child1 = childModel(names[0]);
  const Child2 = childModel(names[1]);
  const Child3 = childModel(names[2]);
  type C1 = InstanceType<typeof Child1>;
  type C2 = InstanceType<typeof Child2>;
  type C3 = InstanceType<typeof Child3>;
  class Parent extends Base.model(parent, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50)),
    c1Id: mappedColumn(ForeignKey(`${names[0]}.id`, { name: `${parent}_c1`, useAlter: true }), { name: "c1_id", nullable: true }),
    c2Id: mappedColumn(ForeignKey(`${names[1]}.id`, { name: `${parent}_c2`, useAlter: true }), { name: "c2_id", nullable: true }),
    c3Id: mappedColumn(ForeignKey(`${names[2]}.id`, { name: `${parent}_c3`, useAlter: true }), { name: "c3_id", nullable: true }),
  }) {
    static c1s = relationship(() => Child1, { primaryjoin: () => Child1.parentId.eq(Parent.id) });
    declare c1s: C1[];
    static c2s = relationship(() => Child2, { primaryjoin: () => Child2.parentId.eq(Parent.id) });
    declare c2s: C2[];
    static c3s = relationship(() => Child3, { primaryjoin: () => Child3.parentId.eq(Parent.id) });
    declare c3s: C3[];
    static c1 = relationship(() => Child1, { primaryjoin: () => Child1.id.eq(Parent.c1Id), postUpdate: true });
    declare c1: C1 | null;
    static c2 = relationship(() => Child2, { primaryjoin: () => Child2.id.eq(Parent.c2Id), postUpdate: true });
    declare c2: C2 | null;
    static c3 = relationship(() => Child3, { primaryjoin: () => Child3.id.eq(Parent.c3Id), postUpdate: true });
    declare c3: C3 | null;
  }
  const log = useSqlLog(target, Base.metadata);

  it("test_one: post-update columns of one row go in one UPDATE", async () => {
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const p1 = new Parent({ name: "p1", c1: null, c2: null, c3: null });
    const [c11, c12, c13] = ["c1", "c2", "c3"].map((name) => new Child1({ name }));
    const [c21, c22, c23] = ["c1", "c2", "c3"].map((name) => new Child2({ name }));
    const [c31, c32, c33] = ["c1", "c2", "c3"].map((name) => new Child3({ name }));
    p1.c1s = [c11, c12, c13];
    p1.c2s = [c21, c22, c23];
    p1.c3s = [c31, c32, c33];
    sess.add(p1);
    await sess.flush();
    p1.c1 = c12;
    p1.c2 = c23;
    p1.c3 = c31;
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${parent} SET c1_id=?, c2_id=?, c3_id=? WHERE ${parent}.id = ?`, [c12.id, c23.id, c31.id, p1.id]],
    ]);
    p1.c1 = p1.c2 = p1.c3 = null;
    expect(await log.capture(() => sess.flush())).toEqual([
      [`UPDATE ${parent} SET c1_id=?, c2_id=?, c3_id=? WHERE ${parent}.id = ?`, [null, null, null, p1.id]],
    ]);
    void [c13, c22, c32, c33];
    await sess.rollback();
  });
});

describe.each(dialectTargets())("BiDirectionalManyToOneTest (test_cycles.py) on $name", (target) => {
  class Base extends DeclarativeBase {}
  const [t1, t2, t3] = ["sa3c_bm_t1", "sa3c_bm_t2", "sa3c_bm_t3"].map(uniqueName);
  class T1 extends Base.model(t1, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(30), { nullable: true }),
    t2id: mappedColumn(ForeignKey(`${t2}.id`, { name: `${t1}_t2_fk`, useAlter: true }), { nullable: true }),
  }) {
    static t2 = relationship(() => T2, { primaryjoin: () => T1.t2id.eq(T2.id) });
    declare t2: T2 | null;
  }
  class T2 extends Base.model(t2, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(30), { nullable: true }),
    t1id: mappedColumn(ForeignKey(`${t1}.id`, { name: `${t2}_foo_fk` }), { nullable: true }),
  }) {
    static t1 = relationship(() => T1, { primaryjoin: () => T2.t1id.eq(T1.id) });
    declare t1: T1 | null;
  }
  class T3 extends Base.model(t3, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(30), { nullable: true }),
    t1id: mappedColumn(ForeignKey(`${t1}.id`)),
    t2id: mappedColumn(ForeignKey(`${t2}.id`)),
  }) {
    static t1 = relationship(() => T1);
    declare t1: T1 | null;
    static t2 = relationship(() => T2);
    declare t2: T2 | null;
  }
  const log = useSqlLog(target, Base.metadata);

  it("test_reflush", async () => {
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const o1 = new T1({});
    o1.t2 = new T2({});
    sess.add(o1);
    await sess.flush();
    const o3 = new T3({});
    o3.t1 = o1;
    o3.t2 = o1.t2;
    sess.add(o3);
    await sess.flush();
    expect([o3.t1id, o3.t2id]).toEqual([o1.id, o1.t2!.id]);
    await sess.rollback();
  });

  it("test_reflush_2", async () => {
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const o1 = new T1({});
    o1.t2 = new T2({});
    sess.add(o1);
    await sess.flush();
    const o1a = new T1({});
    const o2a = new T2({});
    sess.add(o1a);
    sess.add(o2a);
    const o3b = new T3({});
    o3b.t1 = o1a;
    o3b.t2 = o2a;
    sess.add(o3b);
    const o3 = new T3({});
    o3.t1 = o1;
    o3.t2 = o1.t2;
    sess.add(o3);
    await sess.flush();
    expect([o3b.t1id, o3b.t2id, o3.t1id, o3.t2id]).toEqual([o1a.id, o2a.id, o1.id, o1.t2!.id]);
    await sess.rollback();
  });
});

describe.each(dialectTargets())("BiDirectionalOneToManyTest / 2 (test_cycles.py) on $name", (target) => {
  class Base extends DeclarativeBase {}
  const [t1, t2, t1Data] = ["sa3c_bo_t1", "sa3c_bo_t2", "sa3c_bo_t1_data"].map(uniqueName);
  class C1Data extends Base.model(t1Data, {
    c1: mappedColumn(Integer, { primaryKey: true }),
    t1id: mappedColumn(ForeignKey(`${t1}.c1`), { nullable: true }),
    data: mappedColumn(String(20), { nullable: true }),
  }) {}
  class C1 extends Base.model(t1, {
    c1: mappedColumn(Integer, { primaryKey: true }),
    c2: mappedColumn(ForeignKey(`${t2}.c1`, { name: `${t1}_c2_fk`, useAlter: true }), { nullable: true }),
  }) {
    static c2s = relationship(() => C2, { primaryjoin: () => C1.c1.eq(C2.c2) });
    declare c2s: C2[];
    static data = relationship(() => C1Data);
    declare data: C1Data[];
  }
  class C2 extends Base.model(t2, {
    c1: mappedColumn(Integer, { primaryKey: true }),
    c2: mappedColumn(ForeignKey(`${t1}.c1`, { name: `${t2}_t1c1_fk` }), { nullable: true }),
  }) {
    static c1s = relationship(() => C1, { primaryjoin: () => C2.c1.eq(C1.c2) });
    declare c1s: C1[];
  }
  const log = useSqlLog(target, Base.metadata);

  it("test_cycle", async () => {
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const [a, c] = [new C1({ c2s: [], data: [] }), new C1({ c2s: [], data: [] })];
    const [b, d, e, f] = [0, 1, 2, 3].map(() => new C2({ c1s: [] }));
    a.c2s = [b];
    d.c1s = [c];
    b.c1s = [c];
    sess.addAll([a, b, c, d, e, f]);
    await sess.flush();
    expect(b.c2).toBe(a.c1);
    // c is in both b.c1s and d.c1s: one of them wins.
    expect([b.c1, d.c1]).toContain(c.c2);
    await sess.rollback();
  });

  it("test_cycle (BiDirectionalOneToManyTest2)", async () => {
    await using sess = new AsyncSession(log.engine, { expireOnCommit: false });
    const [a, c] = [new C1({ c2s: [], data: [] }), new C1({ c2s: [], data: [] })];
    const [b, d, e, f] = [0, 1, 2, 3].map(() => new C2({ c1s: [] }));
    a.c2s = [b];
    d.c1s = [c];
    b.c1s = [c];
    a.data = [new C1Data({ data: "c1data1" }), new C1Data({ data: "c1data2" })];
    c.data = [new C1Data({ data: "c1data3" })];
    sess.addAll([a, b, c, d, e, f]);
    await sess.flush();
    sess.delete(d);
    sess.delete(c);
    await sess.flush();
    expect((await sess.scalars(select(C1Data.t1id).orderBy(C1Data.c1))).all()).toEqual([a.c1, a.c1, null]);
    void [e, f];
    await sess.rollback();
  });
});

describe.each(dialectTargets())("PostUpdateOnUpdateTest (test_cycles.py) on $name", (target) => {
  class Base extends DeclarativeBase {}
  const a = uniqueName("sa3c_pu_a");
  const b = uniqueName("sa3c_pu_b");
  let counter = 0;
  class A extends Base.model(a, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(Integer, { nullable: true }),
    favoriteBId: mappedColumn(ForeignKey(`${b}.id`, { name: `${a}_favorite_b_fk`, useAlter: true }), { name: "favorite_b_id", nullable: true }),
    updated: mappedColumn(Integer, { nullable: true, onupdate: () => counter++ }),
  }) {
    static bs = relationship(() => B, { primaryjoin: () => A.id.eq(B.aId) });
    declare bs: B[];
    static favoriteB = relationship(() => B, { primaryjoin: () => A.favoriteBId.eq(B.id), postUpdate: true });
    declare favoriteB: B | null;
  }
  class B extends Base.model(b, {
    id: mappedColumn(Integer, { primaryKey: true }),
    aId: mappedColumn(ForeignKey(`${a}.id`, { name: `${b}_a_fk` }), { name: "a_id", nullable: true }),
  }) {}
  const log = useSqlLog(target, Base.metadata);

  it("test_update_defaults: the post-update UPDATE fires onupdate", async () => {
    counter = 0;
    await using s = new AsyncSession(log.engine, { expireOnCommit: false });
    const a1 = new A({ bs: [], favoriteB: null });
    const b1 = new B({});
    a1.bs = [b1];
    a1.favoriteB = b1;
    s.add(a1);
    await s.flush();
    expect(a1.updated).toBe(0);
    expect(a1.favoriteBId).toBe(b1.id);
    await s.rollback();
  });

  it("test_update_defaults_can_set_value", async () => {
    counter = 0;
    await using s = new AsyncSession(log.engine, { expireOnCommit: false });
    const a1 = new A({ bs: [], favoriteB: null });
    const b1 = new B({});
    a1.bs = [b1];
    a1.favoriteB = b1;
    a1.updated = 5;
    s.add(a1);
    await s.flush();
    s.expunge(a1);
    expect(a1.updated).toBe(5);
    await s.rollback();
  });
});

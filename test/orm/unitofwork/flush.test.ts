/**
 * Unit of work on real PostgreSQL and libSQL: statement counts and order for INSERT/UPDATE/
 * DELETE, cascades, many-to-many, self-referential trees, post-update cycles, version ids,
 * failed flushes, identity conflicts and in-place JSON mutation.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AsyncSession, CircularDependencyError, createAsyncEngine, DeclarativeBase, ForeignKey, IntegrityError, Integer, JSON,
  mappedColumn, PendingRollbackError, relationship, select, StaleDataError, String, Table, Column, text, update, warnings,
  type AsyncEngine,
} from "../../../src/index.js";
import { IdentityConflictWarning } from "../../../src/orm/unitofwork.js";
import { objectState } from "../../../src/orm/index.js";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver } from "../../fixtures/databases.js";

const n = {
  user: uniqueName("uow_user"),
  address: uniqueName("uow_address"),
  order: uniqueName("uow_order"),
  item: uniqueName("uow_item"),
  team: uniqueName("uow_team"),
  player: uniqueName("uow_player"),
  profile: uniqueName("uow_profile"),
  post: uniqueName("uow_post"),
  tag: uniqueName("uow_tag"),
  postTag: uniqueName("uow_post_tag"),
  node: uniqueName("uow_node"),
  doc: uniqueName("uow_doc"),
  parentP: uniqueName("uow_pparent"),
  childP: uniqueName("uow_pchild"),
};

class Base extends DeclarativeBase {}

class User extends Base.model(n.user, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(50), { unique: true }),
  fullname: mappedColumn(String(50), { nullable: true }),
  createdAt: mappedColumn(String(40), { serverDefault: text("CURRENT_TIMESTAMP") }),
  status: mappedColumn(String(20), { default: "active" }),
  touched: mappedColumn(String(20), { nullable: true, onupdate: "yes" }),
  version: mappedColumn(Integer, { versionId: true }),
}) {
  static addresses = relationship(() => Address, { backPopulates: "user", cascade: "all, delete-orphan" });
  declare addresses: Address[];
  static orders = relationship(() => Order, { cascade: "all, delete-orphan" });
  declare orders: Order[];
  static profile = relationship(() => Profile, { uselist: false, backPopulates: "user" });
  declare profile: Profile | null;
}

class Address extends Base.model(n.address, {
  id: mappedColumn(Integer, { primaryKey: true }),
  email: mappedColumn(String(80), { unique: true }),
  userId: mappedColumn(ForeignKey(`${n.user}.id`), { nullable: true }),
}) {
  static user = relationship(() => User, { backPopulates: "addresses" });
  declare user: User | null;
}

class Order extends Base.model(n.order, {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(ForeignKey(`${n.user}.id`)),
  label: mappedColumn(String(30)),
}) {
  static items = relationship(() => Item, { cascade: "all, delete-orphan" });
  declare items: Item[];
}

class Item extends Base.model(n.item, {
  id: mappedColumn(Integer, { primaryKey: true }),
  orderId: mappedColumn(ForeignKey(`${n.order}.id`)),
  sku: mappedColumn(String(30)),
}) {}

class Team extends Base.model(n.team, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
}) {
  static players = relationship(() => Player, { backPopulates: "team" });
  declare players: Player[];
}

class Player extends Base.model(n.player, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
  teamId: mappedColumn(ForeignKey(`${n.team}.id`), { nullable: true }),
}) {
  static team = relationship(() => Team, { backPopulates: "players" });
  declare team: Team | null;
}

class Profile extends Base.model(n.profile, {
  id: mappedColumn(Integer, { primaryKey: true }),
  bio: mappedColumn(String(50)),
  userId: mappedColumn(ForeignKey(`${n.user}.id`), { nullable: true }),
}) {
  static user = relationship(() => User, { backPopulates: "profile" });
  declare user: User | null;
}

const postTag = new Table(n.postTag, Base.metadata, {
  postId: new Column(new ForeignKey(`${n.post}.id`), { name: "post_id", primaryKey: true }),
  tagId: new Column(new ForeignKey(`${n.tag}.id`), { name: "tag_id", primaryKey: true }),
});

class Post extends Base.model(n.post, {
  id: mappedColumn(Integer, { primaryKey: true }),
  title: mappedColumn(String(30)),
}) {
  static tags = relationship(() => Tag, { secondary: postTag, backPopulates: "posts" });
  declare tags: Tag[];
}

class Tag extends Base.model(n.tag, {
  id: mappedColumn(Integer, { primaryKey: true }),
  label: mappedColumn(String(30)),
}) {
  static posts = relationship(() => Post, { secondary: postTag, backPopulates: "tags" });
  declare posts: Post[];
}

class Node extends Base.model(n.node, {
  id: mappedColumn(Integer, { primaryKey: true }),
  label: mappedColumn(String(30)),
  parentId: mappedColumn(ForeignKey(`${n.node}.id`), { nullable: true }),
}) {
  static parent = relationship(() => Node, { remoteSide: () => Node.id, backPopulates: "children" });
  declare parent: Node | null;
  static children = relationship(() => Node, { backPopulates: "parent", cascade: "all, delete-orphan" });
  declare children: Node[];
}

class Doc extends Base.model(n.doc, {
  id: mappedColumn(Integer, { primaryKey: true }),
  data: mappedColumn(JSON, { nullable: true }),
}) {}

class PParent extends Base.model(n.parentP, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
}) {
  static kids = relationship(() => PChild, { passiveDeletes: true, cascade: "all, delete-orphan" });
  declare kids: PChild[];
}
class PChild extends Base.model(n.childP, {
  id: mappedColumn(Integer, { primaryKey: true }),
  parentId: mappedColumn(ForeignKey(`${n.parentP}.id`, { onDelete: "CASCADE" })),
}) {}

const verbs = (c: CountingDriver) => c.statements.map((s) => s.trim().split(/\s+/)[0].toUpperCase()).filter((v) => v !== "BEGIN" && v !== "COMMIT" && v !== "ROLLBACK" && v !== "SAVEPOINT" && v !== "RELEASE");
const tableOf = (sql: string): string => /(?:INTO|UPDATE|FROM)\s+"?([a-z0-9_]+)"?/i.exec(sql)?.[1] ?? "?";
const dml = (c: CountingDriver) => c.statements.filter((s) => /^(INSERT|UPDATE|DELETE|SELECT)/i.test(s.trim())).map((s) => `${s.trim().split(/\s+/)[0].toUpperCase()} ${tableOf(s)}`);

describe.each(dialectTargets())("unit of work on $name", (target) => {
  let engine: AsyncEngine;
  let counting: CountingDriver;
  let cleanup: () => Promise<void>;
  let session: AsyncSession;
  let seq = 0;
  const uname = (p: string) => `${p}_${target.name}_${++seq}`;
  const opened: AsyncSession[] = [];
  /** A session closed after the test even when it fails (SQLite has one writer). */
  const open = (opts: { expireOnCommit?: boolean } = {}) => {
    const s = new AsyncSession(engine, opts);
    opened.push(s);
    return s;
  };

  beforeAll(async () => {
    const d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
    cleanup = d.cleanup;
    await engine.begin(async (c) => {
      await Base.metadata.dropAll(c);
      await Base.metadata.createAll(c);
    });
  });
  afterAll(async () => {
    await engine.begin((c) => Base.metadata.dropAll(c));
    await engine.dispose();
    await cleanup();
  });
  beforeEach(async () => {
    session = open({ expireOnCommit: false });
    return async () => {
      for (const s of opened.splice(0)) await s.close();
    };
  });

  it("flushing a user with 2 new addresses runs 2 INSERTs, fetching keys and defaults in the same statements", async () => {
    const u = new User({ name: uname("sandy") });
    u.addresses = [new Address({ email: uname("a") }), new Address({ email: uname("b") })];
    session.add(u);
    counting.reset();
    await session.flush();
    expect(dml(counting)).toEqual([`INSERT ${n.user}`, `INSERT ${n.address}`]);
    expect(counting.statements.every((s) => !/^INSERT/i.test(s) || /RETURNING/i.test(s))).toBe(true);
    expect(typeof u.id).toBe("number");
    expect(u.status).toBe("active");
    expect(typeof u.createdAt).toBe("string");
    expect(u.createdAt.length).toBeGreaterThan(8);
    expect(u.version).toBe(1);
    expect(u.addresses.map((a) => a.userId)).toEqual([u.id, u.id]);
    expect(u.addresses.every((a) => typeof a.id === "number" && a.user === u)).toBe(true);
    expect(objectState(u)).toBe("persistent");
    await session.commit();
    const row = await engine.connect().then(async (c) => {
      const r = (await c.execute(select(Address.__table__.c.userId).where(Address.__table__.c.id.eq(u.addresses[1].id)))).scalar();
      await c.close();
      return r;
    });
    expect(row).toBe(u.id);
  });

  it("batches many parents and children: 10 users with 2 addresses each is still 2 INSERTs", async () => {
    const users = Array.from({ length: 10 }, (_, i) => {
      const u = new User({ name: uname(`bulk${i}`) });
      u.addresses = [new Address({ email: uname("x") }), new Address({ email: uname("y") })];
      return u;
    });
    session.addAll(users);
    counting.reset();
    await session.flush();
    expect(dml(counting)).toEqual([`INSERT ${n.user}`, `INSERT ${n.address}`]);
    expect(new Set(users.flatMap((u) => u.addresses.map((a) => a.userId))).size).toBe(10);
    expect(users.every((u) => u.addresses.every((a) => a.userId === u.id))).toBe(true);
  });

  it("a three-table graph user → orders → items inserts in 3 statements (save-update cascade through two levels)", async () => {
    const u = new User({ name: uname("graph") });
    u.orders = [new Order({ label: "o1" }), new Order({ label: "o2" })];
    u.orders[0].items = [new Item({ sku: "a" }), new Item({ sku: "b" })];
    u.orders[1].items = [new Item({ sku: "c" })];
    session.add(u);
    counting.reset();
    await session.flush();
    expect(dml(counting)).toEqual([`INSERT ${n.user}`, `INSERT ${n.order}`, `INSERT ${n.item}`]);
    expect(u.orders.every((o) => o.userId === u.id)).toBe(true);
    expect(u.orders[0].items.map((i) => i.orderId)).toEqual([u.orders[0].id, u.orders[0].id]);
    expect(objectState(u.orders[1].items[0])).toBe("persistent");
  });

  it("UPDATE sets only changed columns; same-shape updates share one statement; onupdate and version id", async () => {
    const a = new User({ name: uname("u1") });
    const b = new User({ name: uname("u2") });
    const c = new User({ name: uname("u3") });
    session.addAll([a, b, c]);
    await session.flush();
    a.fullname = "A";
    b.fullname = "B";
    c.name = uname("renamed");
    counting.reset();
    await session.flush();
    const ups = counting.statements.filter((s) => /^UPDATE/i.test(s));
    expect(ups).toHaveLength(3);
    // a and b: one executemany of the same SQL; c: its own shape.
    expect(ups[0]).toBe(ups[1]);
    expect(ups[0]).toMatch(/SET "?fullname"?\s*=/i);
    expect(ups[0]).not.toMatch(/"?name"?\s*=.*"?name"?\s*=/i);
    expect(ups[0]).not.toMatch(/\bname\b\s*=/i);
    expect(ups[2]).toMatch(/SET "?name"?\s*=/i);
    expect(ups[2]).not.toMatch(/fullname/i);
    expect([a.version, b.version, c.version]).toEqual([2, 2, 2]);
    expect([a.touched, c.touched]).toEqual(["yes", "yes"]);
    // Nothing changed: no statement.
    counting.reset();
    a.fullname = "A";
    await session.flush();
    expect(dml(counting)).toEqual([]);
  });

  it("a stale version raises StaleDataError on UPDATE and on DELETE", async () => {
    const u = new User({ name: uname("stale") });
    session.add(u);
    await session.commit();
    await engine.begin(async (c) => {
      await c.execute(update(User.__table__).where(User.__table__.c.id.eq(u.id)).values({ version: 7 }));
    });
    u.fullname = "changed";
    await expect(session.flush()).rejects.toThrow(StaleDataError);
    await expect(session.flush()).rejects.toThrow(PendingRollbackError);
    await session.rollback();
    const s2 = open();
    const v = await s2.get(User, u.id);
    await engine.begin(async (c) => {
      await c.execute(update(User.__table__).where(User.__table__.c.id.eq(u.id)).values({ version: 9 }));
    });
    await s2.delete(v!);
    await expect(s2.flush()).rejects.toThrow(/DELETE statement on table .* expected to delete 1 row\(s\); 0 were matched/);
    await s2.close();
  });

  it("delete cascade loads unloaded children in one SELECT and deletes children first", async () => {
    const u = new User({ name: uname("del") });
    u.addresses = [new Address({ email: uname("d1") }), new Address({ email: uname("d2") })];
    u.orders = [new Order({ label: "x", items: [new Item({ sku: "i1" })] })];
    session.add(u);
    await session.commit();
    const s2 = open();
    const fresh = (await s2.get(User, u.id))!;
    await s2.delete(fresh);
    counting.reset();
    await s2.flush();
    expect(dml(counting)).toEqual([
      `SELECT ${n.address}`, `SELECT ${n.order}`, `SELECT ${n.item}`,
      // User.profile has no delete cascade: the profile's FK is set to NULL.
      `UPDATE ${n.profile}`,
      `DELETE ${n.item}`, `DELETE ${n.order}`, `DELETE ${n.address}`, `DELETE ${n.user}`,
    ]);
    await s2.commit();
    await s2.close();
    const left = await engine.connect().then(async (c) => {
      const r = (await c.execute(select(Address.__table__.c.id).where(Address.__table__.c.userId.eq(u.id)))).all().length;
      await c.close();
      return r;
    });
    expect(left).toBe(0);
  });

  it("passiveDeletes leaves unloaded children to the database (no SELECT)", async () => {
    const p = new PParent({ name: "p" });
    p.kids = [new PChild({}), new PChild({})];
    session.add(p);
    await session.commit();
    const s2 = open();
    const fresh = (await s2.get(PParent, p.id))!;
    await s2.delete(fresh);
    counting.reset();
    await s2.flush();
    expect(dml(counting)).toEqual([`DELETE ${n.parentP}`]);
    await s2.commit();
    await s2.close();
  });

  it("delete-orphan deletes a child removed from a loaded collection; a plain push is picked up", async () => {
    const u = new User({ name: uname("orph") });
    u.addresses = [new Address({ email: uname("o1") }), new Address({ email: uname("o2") })];
    session.add(u);
    await session.flush();
    const [first, second] = u.addresses;
    u.addresses.splice(0, 1);
    const pushed = new Address({ email: uname("o3") });
    u.addresses.push(pushed);
    counting.reset();
    await session.flush();
    expect(dml(counting)).toEqual([`INSERT ${n.address}`, `DELETE ${n.address}`]);
    expect(objectState(first)).toBe("deleted");
    expect(pushed.userId).toBe(u.id);
    expect(pushed.user).toBe(u);
    expect(second.userId).toBe(u.id);
    // A reference kept across the flush still reports later pushes.
    const list = u.addresses;
    const again = new Address({ email: uname("o4") });
    list.push(again);
    await session.flush();
    expect(again.userId).toBe(u.id);
  });

  it("one-to-many without delete cascade nulls the children's FK; many-to-one moves a child", async () => {
    const t1 = new Team({ name: "t1" });
    const t2 = new Team({ name: "t2", players: [] });
    t1.players = [new Player({ name: "p1" }), new Player({ name: "p2" })];
    session.addAll([t1, t2]);
    await session.flush();
    const [p1, p2] = t1.players;
    // many-to-one assignment: backref moves it in memory, flush updates the FK.
    p2.team = t2;
    expect(t1.players).toEqual([p1]);
    expect(t2.players).toEqual([p2]);
    counting.reset();
    await session.flush();
    expect(dml(counting)).toEqual([`UPDATE ${n.player}`]);
    expect(p2.teamId).toBe(t2.id);
    await session.delete(t1);
    counting.reset();
    await session.flush();
    expect(dml(counting)).toEqual([`UPDATE ${n.player}`, `DELETE ${n.team}`]);
    expect(p1.teamId).toBeNull();
    expect(p1.team).toBeNull();
    await session.commit();
    const fk = await engine.connect().then(async (c) => {
      const r = (await c.execute(select(Player.__table__.c.teamId).where(Player.__table__.c.id.eq(p1.id)))).scalar();
      await c.close();
      return r;
    });
    expect(fk).toBeNull();
  });

  it("one-to-one (uselist: false): insert, then replace the related object", async () => {
    const u = new User({ name: uname("one") });
    u.profile = new Profile({ bio: "first" });
    session.add(u);
    await session.flush();
    const old = u.profile!;
    expect(old.userId).toBe(u.id);
    expect(old.user).toBe(u);
    u.profile = new Profile({ bio: "second" });
    counting.reset();
    await session.flush();
    // SQLAlchemy saves a mapper's UPDATEs before its INSERTs (persistence.save_obj).
    expect(dml(counting)).toEqual([`UPDATE ${n.profile}`, `INSERT ${n.profile}`]);
    expect(u.profile!.userId).toBe(u.id);
    expect(old.userId).toBeNull();
  });

  it("many-to-many association rows are inserted once for a bidirectional change and removed", async () => {
    const p = new Post({ title: "p" });
    const t1 = new Tag({ label: "t1" });
    const t2 = new Tag({ label: "t2" });
    p.tags = [t1, t2];
    expect(t1.posts).toEqual([p]);
    session.add(p);
    counting.reset();
    await session.flush();
    expect(dml(counting)).toEqual([`INSERT ${n.post}`, `INSERT ${n.tag}`, `INSERT ${n.postTag}`]);
    // Change both sides of the same pair in one flush: written once.
    const t3 = new Tag({ label: "t3", posts: [] });
    session.add(t3);
    await session.flush();
    p.tags.push(t3);
    t3.posts.push(p);
    p.tags.splice(0, 1); // remove t1 (backref not involved: plain splice)
    counting.reset();
    await session.flush();
    expect(dml(counting)).toEqual([`DELETE ${n.postTag}`, `INSERT ${n.postTag}`]);
    const rows = await session.execute(select(postTag.c.tagId).where(postTag.c.postId.eq(p.id)).orderBy(postTag.c.tagId));
    expect(rows.scalars().all()).toEqual([t2.id, t3.id].sort((a, b) => a - b));
    // Deleting a post removes its association rows first.
    await session.delete(p);
    counting.reset();
    await session.flush();
    expect(dml(counting)).toEqual([`DELETE ${n.postTag}`, `DELETE ${n.post}`]);
  });

  it("self-referential tree: parents inserted before children, children deleted first", async () => {
    const root = new Node({ label: "root" });
    const kid = new Node({ label: "kid" });
    const kid2 = new Node({ label: "kid2" });
    const grand = new Node({ label: "grand" });
    root.children = [kid, kid2];
    kid.children = [grand];
    session.add(root);
    counting.reset();
    await session.flush();
    expect(dml(counting)).toEqual([`INSERT ${n.node}`, `INSERT ${n.node}`, `INSERT ${n.node}`]);
    expect(kid.parentId).toBe(root.id);
    expect(grand.parentId).toBe(kid.id);
    expect(grand.parent).toBe(kid);
    await session.commit();
    const s2 = open();
    const r = (await s2.get(Node, root.id))!;
    await s2.delete(r);
    counting.reset();
    await s2.flush();
    expect(dml(counting)).toEqual([`SELECT ${n.node}`, `SELECT ${n.node}`, `SELECT ${n.node}`, `DELETE ${n.node}`, `DELETE ${n.node}`, `DELETE ${n.node}`]);
    const del = counting.statements.filter((s) => /^DELETE/i.test(s));
    expect(del).toHaveLength(3);
    await s2.commit();
    await s2.close();
  });

  it("merge cascades onto persistent objects and copies changes", async () => {
    const u = new User({ name: uname("merge") });
    u.addresses = [new Address({ email: uname("m1") })];
    session.add(u);
    await session.commit();
    // A detached copy with changes, merged into a new session.
    const detached = new User({ id: u.id, name: u.name, fullname: "merged" });
    detached.addresses = [new Address({ id: u.addresses[0].id, email: uname("m1b"), userId: u.id })];
    const s2 = open({ expireOnCommit: false });
    const merged = await s2.merge(detached);
    expect(merged).not.toBe(detached);
    expect(merged.fullname).toBe("merged");
    counting.reset();
    await s2.flush();
    expect(dml(counting).filter((x) => x.startsWith("UPDATE"))).toEqual([`UPDATE ${n.user}`, `UPDATE ${n.address}`]);
    await s2.commit();
    await s2.close();
  });

  it("backPopulates keeps both sides in memory", async () => {
    const u = new User({ name: uname("bp"), addresses: [] });
    session.add(u);
    await session.flush();
    const loaded = (await session.scalars(select(User).where(User.id.eq(u.id)))).one();
    expect(loaded).toBe(u);
    const a = new Address({ email: uname("bp1") });
    a.user = u;
    expect(u.addresses).toContain(a);
    // SQLAlchemy 2.0 removed cascade_backrefs: the backref does not bring `a` into the session.
    expect(session.contains(a)).toBe(false);
    session.add(a);
    await session.flush();
    expect(a.userId).toBe(u.id);
    expect(objectState(a)).toBe("persistent");
  });

  it("a failed flush rolls back the database and the objects; the session needs rollback()", async () => {
    const existing = new User({ name: uname("ok") });
    existing.addresses = [new Address({ email: uname("taken") })];
    session.add(existing);
    await session.commit();
    const taken = existing.addresses[0].email;
    existing.fullname = "edited";
    const versionBefore = existing.version;
    const nu = new User({ name: uname("new") });
    nu.addresses = [new Address({ email: taken })]; // unique violation in the second INSERT
    session.add(nu);
    await expect(session.flush()).rejects.toThrow(IntegrityError);
    expect(objectState(nu)).toBe("pending");
    expect(nu.id).toBeUndefined();
    expect(nu.addresses[0].id).toBeUndefined();
    expect(nu.addresses[0].userId).toBeUndefined();
    expect(objectState(nu.addresses[0])).toBe("pending");
    expect(existing.fullname).toBe("edited");
    expect(existing.version).toBe(versionBefore);
    expect(session.isModified(existing)).toBe(true);
    await expect(session.flush()).rejects.toThrow(PendingRollbackError);
    await expect(session.execute(select(User))).rejects.toThrow(PendingRollbackError);
    await session.rollback();
    const c = await engine.connect();
    const cnt = (await c.execute(select(User.__table__.c.id).where(User.__table__.c.name.eq(nu.name)))).all().length;
    const full = (await c.execute(select(User.__table__.c.fullname).where(User.__table__.c.id.eq(existing.id)))).scalar();
    await c.close();
    expect(cnt).toBe(0);
    expect(full).toBeNull();
  });

  it("a failed flush of plain new objects (no relationships) restores them: generated keys cleared, still pending", async () => {
    const first = new Doc({ data: { n: 1 } });
    session.add(first);
    await session.commit();
    session.expunge(first);
    const fresh = new Doc({ data: { n: 2 } });
    const dup = new Doc({ id: first.id, data: { n: 3 } });
    session.addAll([fresh, dup]);
    // Two INSERTs (with and without an id): the first succeeds and hands out a key, the second fails.
    await expect(session.flush()).rejects.toThrow(IntegrityError);
    expect(fresh.id).toBeUndefined();
    expect([fresh, dup].map((o) => objectState(o))).toEqual(["pending", "pending"]);
    expect(dup.id).toBe(first.id);
    expect(fresh.data).toEqual({ n: 2 });
    expect(session.new).toEqual([fresh, dup]);
    await session.rollback();
    expect([fresh, dup].map((o) => objectState(o))).toEqual(["transient", "transient"]);
    const again = open();
    again.add(fresh);
    await again.commit();
    expect(typeof fresh.id).toBe("number");
    expect(fresh.id).not.toBe(first.id);
  });

  it("rollback makes objects flushed in the rolled-back scope transient: SAVEPOINT, released SAVEPOINT, root", async () => {
    const before = new User({ name: uname("kept") });
    session.add(before);
    await session.commit();
    const outer = new User({ name: uname("outer") });
    session.add(outer);
    await session.flush();
    const released = new User({ name: uname("released") });
    await session.beginNested(async (s) => {
      s.add(released);
      await s.flush();
    });
    const sp = await session.beginNested();
    const inner = new User({ name: uname("inner") });
    const unflushed = new User({ name: uname("unflushed") });
    const flushedNames = [outer.name, released.name, inner.name];
    session.add(inner);
    await session.flush();
    session.add(unflushed);
    expect(objectState(inner)).toBe("persistent");
    await sp.rollback();
    expect([inner, unflushed].map((o) => objectState(o))).toEqual(["transient", "transient"]);
    expect([outer, released].map((o) => objectState(o))).toEqual(["persistent", "persistent"]);
    await session.rollback();
    expect([outer, released].map((o) => objectState(o))).toEqual(["transient", "transient"]);
    expect(objectState(before)).toBe("persistent");
    expect(session.contains(outer)).toBe(false);
    const c = await engine.connect();
    const names = (await c.execute(select(User.__table__.c.name).where(User.__table__.c.name.in(flushedNames)))).scalars().all();
    await c.close();
    expect(names).toEqual([]);
  });

  it("a new instance with the key of a persistent one warns, then the INSERT raises IntegrityError", async () => {
    const u = new User({ name: uname("dup") });
    session.add(u);
    await session.flush();
    const clash = new User({ id: u.id, name: uname("dup2") });
    session.add(clash);
    let err: unknown;
    const caught = await warnings.catch(async () => {
      err = await session.flush().catch((e: unknown) => e);
    });
    expect(err).toBeInstanceOf(IntegrityError);
    expect(caught).toHaveLength(1);
    expect(caught[0]).toBeInstanceOf(IdentityConflictWarning);
    expect(caught[0].message).toMatch(/New instance <User> with identity key \(User, \(\d+\)\) conflicts with persistent instance <User>/);
    await session.rollback();
  });

  it("deletes are batched: three rows of one table go in one DELETE", async () => {
    const addrs = [1, 2, 3].map((i) => new Address({ email: uname(`del${i}`) }));
    session.addAll(addrs);
    await session.flush();
    for (const a of addrs) await session.delete(a);
    counting.reset();
    await session.flush();
    expect(dml(counting)).toEqual([`DELETE ${n.address}`]);
    expect(counting.statements.find((s) => /^DELETE/i.test(s))).toMatch(/IN \(/i);
    expect(addrs.map((a) => objectState(a))).toEqual(["deleted", "deleted", "deleted"]);
  });

  it("setting a never-loaded many-to-one to null clears the FK; a changed primary key moves the identity", async () => {
    const u = new User({ name: uname("m2o") });
    const a = new Address({ email: uname("m2o"), user: u });
    session.add(a);
    await session.commit();
    const s2 = open({ expireOnCommit: false });
    const fresh = (await s2.get(Address, a.id))!;
    fresh.user = null;
    counting.reset();
    await s2.flush();
    expect(dml(counting)).toEqual([`UPDATE ${n.address}`]);
    expect(fresh.userId).toBeNull();
    const newId = a.id + 100000;
    fresh.id = newId;
    await s2.flush();
    counting.reset();
    expect(await s2.get(Address, newId)).toBe(fresh);
    expect(await s2.get(Address, a.id)).toBeNull();
    expect(dml(counting)).toEqual([`SELECT ${n.address}`]);
  });

  it("a JSON value mutated in place is detected, also through a reference kept across flushes", async () => {
    const d = new Doc({ data: { a: 1, list: [1] } });
    session.add(d);
    await session.commit();
    const s2 = open({ expireOnCommit: false });
    const fresh = (await s2.get(Doc, d.id))!;
    (fresh.data as { a: number }).a = 2;
    counting.reset();
    await s2.flush();
    expect(dml(counting)).toEqual([`UPDATE ${n.doc}`]);
    // A reference kept after the flush: its mutation is still found.
    const held = fresh.data as { list: number[] };
    held.list.push(2);
    counting.reset();
    await s2.flush();
    expect(dml(counting)).toEqual([`UPDATE ${n.doc}`]);
    counting.reset();
    await s2.flush();
    expect(dml(counting)).toEqual([]);
    await s2.commit();
    const s3 = open();
    expect((await s3.get(Doc, d.id))!.data).toEqual({ a: 2, list: [1, 2] });
    await s3.close();
    await s2.close();
  });
});

// ---- post-update cycles: their own metadata (the FK cycle needs ALTER TABLE on PostgreSQL) ----

const c = { user: uniqueName("uow_cyc_user"), address: uniqueName("uow_cyc_address") };
class CycBase extends DeclarativeBase {}
class CUser extends CycBase.model(c.user, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
  favoriteAddressId: mappedColumn(ForeignKey(`${c.address}.id`, { useAlter: true, name: `${c.user}_fav_fk` }), { nullable: true }),
}) {
  static addresses = relationship(() => CAddress, { primaryjoin: () => CUser.id.eq(CAddress.userId), backPopulates: "user" });
  declare addresses: CAddress[];
  static favoriteAddress = relationship(() => CAddress, { primaryjoin: () => CUser.favoriteAddressId.eq(CAddress.id), postUpdate: true });
  declare favoriteAddress: CAddress | null;
}
class CAddress extends CycBase.model(c.address, {
  id: mappedColumn(Integer, { primaryKey: true }),
  email: mappedColumn(String(30)),
  userId: mappedColumn(ForeignKey(`${c.user}.id`), { nullable: true }),
}) {
  static user = relationship(() => CUser, { primaryjoin: () => CUser.id.eq(CAddress.userId), backPopulates: "addresses" });
  declare user: CUser | null;
}

const d = { user: uniqueName("uow_cyc2_user"), address: uniqueName("uow_cyc2_address") };
class Cyc2Base extends DeclarativeBase {}
class DUser extends Cyc2Base.model(d.user, {
  id: mappedColumn(Integer, { primaryKey: true }),
  favoriteAddressId: mappedColumn(ForeignKey(`${d.address}.id`, { useAlter: true, name: `${d.user}_fav_fk` }), { nullable: true }),
}) {
  static addresses = relationship(() => DAddress, { primaryjoin: () => DUser.id.eq(DAddress.userId) });
  declare addresses: DAddress[];
  static favoriteAddress = relationship(() => DAddress, { primaryjoin: () => DUser.favoriteAddressId.eq(DAddress.id) });
  declare favoriteAddress: DAddress | null;
}
class DAddress extends Cyc2Base.model(d.address, {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(ForeignKey(`${d.user}.id`), { nullable: true }),
}) {}

describe.each(dialectTargets())("post-update cycles on $name", (target) => {
  let engine: AsyncEngine;
  let counting: CountingDriver;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const drv = await target.make();
    counting = countingDriver(drv.driver);
    engine = createAsyncEngine(counting);
    cleanup = drv.cleanup;
    await engine.begin(async (conn) => {
      await CycBase.metadata.dropAll(conn);
      await CycBase.metadata.createAll(conn);
      await Cyc2Base.metadata.dropAll(conn);
      await Cyc2Base.metadata.createAll(conn);
    });
  });
  afterAll(async () => {
    await engine.begin(async (conn) => {
      await CycBase.metadata.dropAll(conn);
      await Cyc2Base.metadata.dropAll(conn);
    });
    await engine.dispose();
    await cleanup();
  });

  it("User.favoriteAddress ↔ Address.user: INSERTs, then one UPDATE; deleting both clears the FK first", async () => {
    const session = new AsyncSession(engine, { expireOnCommit: false });
    const u = new CUser({ name: "u" });
    const a = new CAddress({ email: "a" });
    u.addresses = [a];
    u.favoriteAddress = a;
    session.add(u);
    counting.reset();
    await session.flush();
    expect(dml(counting)).toEqual([`INSERT ${c.user}`, `INSERT ${c.address}`, `UPDATE ${c.user}`]);
    expect(a.userId).toBe(u.id);
    expect(u.favoriteAddressId).toBe(a.id);
    await session.commit();
    await session.delete(u);
    await session.delete(a);
    counting.reset();
    await session.flush();
    expect(dml(counting)).toEqual([`UPDATE ${c.user}`, `DELETE ${c.address}`, `DELETE ${c.user}`]);
    await session.commit();
    await session.close();
  });

  it("without postUpdate the row cycle raises CircularDependencyError naming the relationships", async () => {
    const session = new AsyncSession(engine);
    const u = new DUser({});
    const a = new DAddress({});
    u.addresses = [a];
    u.favoriteAddress = a;
    session.add(u);
    const err = await session.flush().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CircularDependencyError);
    expect((err as Error).message).toMatch(/DUser\.addresses/);
    expect((err as Error).message).toMatch(/DUser\.favoriteAddress/);
    expect((err as Error).message).toMatch(/postUpdate: true/);
    expect(objectState(u)).toBe("pending");
    expect(u.id).toBeUndefined();
    await session.close();
  });
});

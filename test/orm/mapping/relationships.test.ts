/**
 * relationship() configurations (issue 3, §1): one-to-many / many-to-one, one-to-one
 * (`uselist: false`), many-to-many through `secondary`, self-referential with `remoteSide`,
 * explicit `primaryjoin` with `foreignKeys`, `viewonly`; and the configuration errors
 * (backPopulates, cascade) naming the class and attribute. On PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  and, ArgumentError, AsyncSession, InvalidRequestError, Column, createAsyncEngine, DeclarativeBase, ForeignKey, Integer, mappedColumn, relationship, select,
  selectinload, String, Table, UnmappedClassError, type AsyncEngine,
} from "../../../src/index.js";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver, type TestDriver } from "../../fixtures/databases.js";

const p = uniqueName("map_rel");
const t = (n: string) => `${p}_${n}`;
class Base extends DeclarativeBase {}

const postTags = Table(t("post_tag"), Base.metadata, {
  post_id: Column(Integer, { foreignKey: `${t("post")}.id`, primaryKey: true }),
  tag_id: Column(Integer, { foreignKey: `${t("tag")}.id`, primaryKey: true }),
});

class Author extends Base.model(t("author"), { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(30)) }) {
  static posts = relationship(() => Post, { backPopulates: "author", orderBy: () => Post.id });
  declare posts: Post[];
  static profile = relationship(() => Profile, { backPopulates: "author", uselist: false });
  declare profile: Profile | null;
  /** Explicit primaryjoin with foreignKeys, read-only: only the published posts. */
  static published = relationship(() => Post, {
    primaryjoin: () => and(Author.id.eq(Post.authorId), Post.published.eq(1)),
    foreignKeys: () => [Post.authorId],
    viewonly: true,
  });
  declare published: Post[];
}
class Profile extends Base.model(t("profile"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  bio: mappedColumn(String(50)),
  authorId: mappedColumn(ForeignKey(`${t("author")}.id`), { unique: true }),
}) {
  static author = relationship(() => Author, { backPopulates: "profile" });
  declare author: Author;
}
class Post extends Base.model(t("post"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  title: mappedColumn(String(30)),
  published: mappedColumn(Integer, { default: 0 }),
  authorId: mappedColumn(ForeignKey(`${t("author")}.id`)),
}) {
  static author = relationship(() => Author, { backPopulates: "posts" });
  declare author: Author;
  static tags = relationship(() => Tag, { secondary: postTags, backPopulates: "posts" });
  declare tags: Tag[];
}
class Tag extends Base.model(t("tag"), { id: mappedColumn(Integer, { primaryKey: true }), label: mappedColumn(String(20)) }) {
  static posts = relationship(() => Post, { secondary: () => postTags, backPopulates: "tags" });
  declare posts: Post[];
}
class Node extends Base.model(t("node"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  label: mappedColumn(String(20)),
  parentId: mappedColumn(ForeignKey(`${t("node")}.id`), { nullable: true }),
}) {
  static parent = relationship(() => Node, { remoteSide: () => Node.id, backPopulates: "children" });
  declare parent: Node | null;
  static children = relationship(() => Node, { backPopulates: "parent", orderBy: () => Node.id });
  declare children: Node[];
}

describe("relationship directions", () => {
  it("are inferred from foreign keys, uselist and remoteSide", () => {
    Base.registry.configure();
    const rel = (c: { property: { direction: string; uselist: boolean } }) => [c.property.direction, c.property.uselist];
    expect(rel(Author.posts)).toEqual(["ONETOMANY", true]);
    expect(rel(Post.author)).toEqual(["MANYTOONE", false]);
    expect(rel(Author.profile)).toEqual(["ONETOMANY", false]);
    expect(rel(Profile.author)).toEqual(["MANYTOONE", false]);
    expect(rel(Post.tags)).toEqual(["MANYTOMANY", true]);
    expect(rel(Node.parent)).toEqual(["MANYTOONE", false]);
    expect(rel(Node.children)).toEqual(["ONETOMANY", true]);
    expect(Author.published.property.viewonly).toBe(true);
    expect(Author.published.property.cascade.saveUpdate).toBe(false);
  });
});

describe.each(dialectTargets())("relationships on $name", (target) => {
  let d: TestDriver;
  let counting: CountingDriver;
  let engine: AsyncEngine;
  beforeAll(async () => {
    d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
    await engine.begin(async (c) => {
      await Base.metadata.dropAll(c);
      await Base.metadata.createAll(c);
    });
  });
  afterAll(async () => {
    await engine.begin((c) => Base.metadata.dropAll(c));
    await engine.dispose();
    await d.cleanup();
  });

  it("writes and loads every kind", async () => {
    let authorId: number;
    {
      await using s = new AsyncSession(engine, { expireOnCommit: false });
      const a = new Author({ name: "ann" });
      const py = new Tag({ label: "py" });
      const ts = new Tag({ label: "ts" });
      a.posts = [new Post({ title: "one", published: 1, tags: [py, ts] }), new Post({ title: "two", tags: [ts] })];
      a.profile = new Profile({ bio: "hi" });
      const root = new Node({ label: "root" });
      root.children = [new Node({ label: "a" }), new Node({ label: "b" })];
      root.children[0].children = [new Node({ label: "a1" })];
      s.addAll([a, root]);
      await s.commit();
      authorId = a.id;
      expect(a.profile.authorId).toBe(a.id);
      expect(root.children[0].children[0].parentId).toBe(root.children[0].id);
    }
    await using s = new AsyncSession(engine);
    const a = (await s.scalars(select(Author).where(Author.id.eq(authorId)).options(
      selectinload(Author.posts).selectinload(Post.tags), selectinload(Author.profile),
    ))).one();
    expect(a.posts.map((x) => x.title)).toEqual(["one", "two"]);
    expect(a.posts.map((x) => x.tags.map((g) => g.label).sort())).toEqual([["py", "ts"], ["ts"]]);
    expect(a.profile!.bio).toBe("hi");
    const pub = (await s.execute(select(Author.name, Post.title).join(Author.published))).all().map((r) => r._tuple());
    expect(pub).toEqual([["ann", "one"]]);
    const ts = (await s.scalars(select(Tag).where(Tag.label.eq("ts")).options(selectinload(Tag.posts)))).one();
    expect(ts.posts.map((x) => x.title).sort()).toEqual(["one", "two"]);
    const a1 = (await s.scalars(select(Node).where(Node.label.eq("a1")).options(selectinload(Node.parent).selectinload(Node.parent)))).one();
    expect(a1.parent!.label).toBe("a");
    expect(a1.parent!.parent!.label).toBe("root");
    const joined = (await s.execute(select(Author.name, Post.title).join(Author.posts).where(Post.published.eq(1)))).all().map((r) => r._tuple());
    expect(joined).toEqual([["ann", "one"]]);
  });

  it("viewonly relationships are not written by flush", async () => {
    await using s = new AsyncSession(engine, { expireOnCommit: false });
    const a = new Author({ name: "vo" });
    a.published = [new Post({ title: "ignored", published: 1 })];
    s.add(a);
    counting.reset();
    await s.flush();
    expect(counting.statements.filter((x) => /^INSERT/i.test(x))).toHaveLength(1);
  });
});

describe("configuration errors name the class and attribute", () => {
  const fresh = () => {
    class B extends DeclarativeBase {}
    return B;
  };
  it("backPopulates naming a missing attribute, a column, or a relationship pointing elsewhere", () => {
    const B = fresh();
    const q = uniqueName("map_relerr");
    class P extends B.model(`${q}_p`, { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String) }) {
      static kids = relationship(() => K, { backPopulates: "parnt" });
      declare kids: K[];
    }
    class K extends B.model(`${q}_k`, { id: mappedColumn(Integer, { primaryKey: true }), pId: mappedColumn(ForeignKey(`${q}_p.id`)) }) {
      static parent = relationship(() => P);
      declare parent: P;
    }
    // SQLAlchemy raises InvalidRequestError from Mapper.get_property() here (ManualBackrefTest.test_invalid_key).
    expect(() => B.registry.configure()).toThrow(InvalidRequestError);
    expect(() => B.registry.configure()).toThrow(/Mapper 'Mapper\[K\(\w+_k\)\]' has no property 'parnt'\..*\(backPopulates of relationship P\.kids\)/);

    const B2 = fresh();
    class P2 extends B2.model(`${q}_p2`, { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static kids = relationship(() => K2, { backPopulates: "pId" });
      declare kids: K2[];
    }
    class K2 extends B2.model(`${q}_k2`, { id: mappedColumn(Integer, { primaryKey: true }), pId: mappedColumn(ForeignKey(`${q}_p2.id`)) }) {}
    void [K2, P2.id]; // P2 is adopted on first use (nothing else refers to it)
    expect(() => B2.registry.configure()).toThrow(InvalidRequestError);
    expect(() => B2.registry.configure()).toThrow("back_populates on relationship 'P2.kids' refers to attribute 'K2.pId' that is not a relationship.");

    const B3 = fresh();
    class P3 extends B3.model(`${q}_p3`, { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static kids = relationship(() => K3, { backPopulates: "parent" });
      declare kids: K3[];
    }
    class K3 extends B3.model(`${q}_k3`, { id: mappedColumn(Integer, { primaryKey: true }), pId: mappedColumn(ForeignKey(`${q}_p3.id`)) }) {
      static parent = relationship(() => P3, { backPopulates: "others" });
      declare parent: P3;
    }
    void [K3];
    expect(() => B3.registry.configure()).toThrow(/backPopulates 'parent', but 'K3.parent' has backPopulates 'others'/);
  });

  it("cascade values", () => {
    const q = uniqueName("map_relcas");
    const make = (cascade: string, viewonly = false) => {
      const B = fresh();
      class P extends B.model(`${q}_p`, { id: mappedColumn(Integer, { primaryKey: true }) }) {
        static kids = relationship(() => K, { cascade, viewonly });
        declare kids: K[];
      }
      class K extends B.model(`${q}_k`, { id: mappedColumn(Integer, { primaryKey: true }), pId: mappedColumn(ForeignKey(`${q}_p.id`)) }) {}
      void [P.id, K];
      return () => B.registry.configure();
    };
    expect(make("save-update, delete-orphan")).toThrow(/relationship 'P.kids': cascade 'delete-orphan' requires 'delete'/);
    expect(make("save-update, explode")).toThrow(/relationship 'P.kids': unknown cascade 'explode'/);
    expect(make("all, delete-orphan", true)).toThrow(/relationship 'P.kids': cascade 'all, delete-orphan' writes through the relationship, which viewonly: true forbids/);
    expect(make("all, delete-orphan")).not.toThrow();
  });

  it("a relationship to an unmapped class", () => {
    const B = fresh();
    class NotMapped {}
    class P extends B.model(uniqueName("map_relnm"), { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static x = relationship(() => NotMapped);
    }
    void P.id;
    // SQLAlchemy: UnmappedClassError "Class 'NotMapped' is not mapped" (an InvalidRequestError).
    expect(() => B.registry.configure()).toThrow(new UnmappedClassError("Class 'NotMapped' is not mapped; it is the target of relationship 'P.x'"));
  });
});

/**
 * The unit of work over batch-only drivers (Neon HTTP through the local peer, D1 in miniflare):
 * a commit is one atomic batch request, plus one request to allocate the autoincrement keys that
 * other rows of the flush reference; rows nobody references (a single table, no dependents) get
 * their keys from INSERT … RETURNING inside the batch, so that commit is a single request, as is
 * one with client-generated keys. A failing statement leaves
 * nothing behind and the session is rolled back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNeonHttpDriver } from "../../../adapters/neon-http/index.js";
import {
  AsyncSession, createAsyncEngine, DeclarativeBase, ForeignKey, IntegrityError, Integer, mappedColumn, relationship, select,
  selectinload, String as Str, Uuid, type AsyncEngine,
} from "../../../src/index.js";
import { objectState } from "../../../src/orm/index.js";
import { uniqueName } from "../../fixtures/databases.js";
import { startNeonHttpPeer, type NeonHttpPeer } from "../../fixtures/neon-http-peer.js";
import { batchOnlyTargets, type BatchOnlyBackend } from "../../fixtures/batch-only-drivers.js";

function defineModels() {
  class Base extends DeclarativeBase {}
  const a = uniqueName("bf_author");
  const p = uniqueName("bf_post");
  const c = uniqueName("bf_comment");
  class Author extends Base.model(a, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(Str(50), { unique: true }),
  }) {
    static posts = relationship(() => Post, { backPopulates: "author" });
    declare posts: Post[];
  }
  class Post extends Base.model(p, {
    id: mappedColumn(Integer, { primaryKey: true }),
    title: mappedColumn(Str(100)),
    authorId: mappedColumn(ForeignKey(`${a}.id`), { name: "author_id" }),
  }) {
    static author = relationship(() => Author, { backPopulates: "posts" });
    declare author: Author;
    static comments = relationship(() => Comment, { backPopulates: "post" });
    declare comments: Comment[];
  }
  class Comment extends Base.model(c, {
    id: mappedColumn(Integer, { primaryKey: true }),
    body: mappedColumn(Str(200)),
    postId: mappedColumn(ForeignKey(`${p}.id`), { name: "post_id" }),
  }) {
    static post = relationship(() => Post, { backPopulates: "comments" });
    declare post: Post;
  }
  class Note extends Base.model(uniqueName("bf_note"), {
    id: mappedColumn(Uuid, { primaryKey: true, default: () => crypto.randomUUID() }),
    body: mappedColumn(Str(50)),
  }) {}
  return { Base, Author, Post, Comment, Note };
}

const setups = batchOnlyTargets();

describe.each(setups)("atomic unit of work over $name", (setup) => {
  const m = defineModels();
  let engine: AsyncEngine;
  let env: BatchOnlyBackend;
  beforeAll(async () => {
    env = await setup.make();
    engine = createAsyncEngine(env.driver);
    await engine.begin((c) => m.Base.metadata.createAll(c));
  }, 60_000);
  afterAll(async () => {
    await engine.begin((c) => m.Base.metadata.dropAll(c)).catch(() => {});
    await env.stop();
  });

  it("flushes a new three-table graph in at most 2 requests (keys, then one batch)", async () => {
    const session = new AsyncSession(engine, { expireOnCommit: false });
    const author = new m.Author({ name: `ann-${setup.name}` });
    const post = new m.Post({ title: "hello", author });
    post.comments = [new m.Comment({ body: "first" }), new m.Comment({ body: "second" })];
    session.add(author);
    const before = env.requests();
    await session.commit();
    expect(env.requests() - before).toBe(2);
    expect(typeof author.id).toBe("number");
    expect(post.authorId).toBe(author.id);
    expect(post.comments.map((c) => c.postId)).toEqual([post.id, post.id]);
    await session.close();

    const check = new AsyncSession(engine);
    const loaded = (await check.scalars(select(m.Author).where(m.Author.id.eq(author.id)).options(selectinload(m.Author.posts).selectinload(m.Post.comments)))).one();
    expect(loaded.posts.map((p) => p.title)).toEqual(["hello"]);
    expect(loaded.posts[0].comments.map((c) => c.body).sort()).toEqual(["first", "second"]);
    await check.close();
  });

  it("a single-table flush with database-generated keys is 1 request; keys and identity arrive with the batch", async () => {
    const session = new AsyncSession(engine, { expireOnCommit: false });
    const one = new m.Author({ name: `solo-${setup.name}` });
    session.add(one);
    let before = env.requests();
    await session.commit();
    expect(env.requests() - before).toBe(1);
    expect(typeof one.id).toBe("number");
    // Several rows of one table, no dependents: still one request, distinct keys.
    const many = [1, 2, 3].map((i) => new m.Author({ name: `many${i}-${setup.name}` }));
    session.addAll(many);
    before = env.requests();
    await session.commit();
    expect(env.requests() - before).toBe(1);
    const ids = many.map((a) => a.id);
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => typeof id === "number" && id > one.id)).toBe(true);
    // The objects are identity-mapped under the keys the batch returned.
    before = env.requests();
    expect(await session.get(m.Author, many[1].id)).toBe(many[1]);
    expect(env.requests() - before).toBe(0);
    // A child of an already-persistent author: only the new post, no key request.
    const post = new m.Post({ title: "late", author: one });
    session.add(post);
    before = env.requests();
    await session.commit();
    expect(env.requests() - before).toBe(1);
    expect(post.authorId).toBe(one.id);
    expect(typeof post.id).toBe("number");
    await session.close();
  });

  it("keys only for referenced rows: a lone author next to a graph gets its key from the batch", async () => {
    const session = new AsyncSession(engine, { expireOnCommit: false });
    const lone = new m.Author({ name: `lone-${setup.name}` });
    const parent = new m.Author({ name: `parent-${setup.name}` });
    const post = new m.Post({ title: "mixed", author: parent });
    session.addAll([lone, parent, post]);
    const before = env.requests();
    await session.commit();
    expect(env.requests() - before).toBe(2);
    expect(post.authorId).toBe(parent.id);
    expect(new Set([lone.id, parent.id]).size).toBe(2);
    const check = new AsyncSession(engine);
    const rows = (await check.execute(select(m.Author.id, m.Author.name).where(m.Author.name.in([`lone-${setup.name}`, `parent-${setup.name}`])))).all();
    expect(new Map(rows.map((r) => [r[1], r[0]]))).toEqual(new Map([[`lone-${setup.name}`, lone.id], [`parent-${setup.name}`, parent.id]]));
    await check.close();
    await session.close();
  });

  it("an explicit flush() hands out keys (one request), so later flushes can reference them; commit sends one batch", async () => {
    const session = new AsyncSession(engine, { expireOnCommit: false });
    const first = new m.Author({ name: `f1-${setup.name}` });
    session.add(first);
    const before = env.requests();
    await session.flush();
    expect(env.requests() - before).toBe(1); // key allocation only; the INSERT waits for commit
    expect(typeof first.id).toBe("number");
    const second = new m.Author({ name: `f2-${setup.name}` });
    session.addAll([second, new m.Post({ title: "f2", author: second }), new m.Post({ title: "f3", author: first })]);
    await session.flush();
    expect(typeof second.id).toBe("number");
    expect(second.id).not.toBe(first.id);
    const beforeCommit = env.requests();
    await session.commit();
    expect(env.requests() - beforeCommit).toBe(1);
    const check = new AsyncSession(engine);
    const titles = (await check.scalars(select(m.Post.title).where(m.Post.authorId.eq(first.id)))).all();
    expect(titles).toEqual(["f3"]);
    await check.close();
    expect(await session.get(m.Author, first.id)).toBe(first);
    await session.close();
  });

  it("with client-generated keys the commit is a single request", async () => {
    const session = new AsyncSession(engine, { expireOnCommit: false });
    session.addAll([new m.Note({ body: "a" }), new m.Note({ body: "b" })]);
    const before = env.requests();
    await session.commit();
    expect(env.requests() - before).toBe(1);
    await session.close();
  });

  it("a failing statement in the commit leaves no rows behind and rolls the session back", async () => {
    const session = new AsyncSession(engine, { expireOnCommit: false });
    const dup = new m.Author({ name: `dup-${setup.name}` });
    session.add(dup);
    await session.commit();
    const a = new m.Author({ name: `fresh-${setup.name}` });
    const p = new m.Post({ title: "orphan?", author: a });
    const clash = new m.Author({ name: `dup-${setup.name}` });
    session.addAll([a, p, clash]);
    const err = await session.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    expect(session.inTransaction()).toBe(false);
    // Rolled back: every object of the failed batch is transient again, including one whose key
    // was to come from the batch (never in the identity map).
    expect([a, p, clash].map((o) => objectState(o))).toEqual(["transient", "transient", "transient"]);
    expect(objectState(dup)).toBe("persistent");
    const check = new AsyncSession(engine);
    const names = (await check.scalars(select(m.Author.name))).all();
    expect(names).not.toContain(`fresh-${setup.name}`);
    expect((await check.scalars(select(m.Post).where(m.Post.title.eq("orphan?")))).all()).toEqual([]);
    await check.close();
    await session.close();
  });
});

describe("Neon HTTP: a commit request that fails mid-flight", () => {
  const m = defineModels();
  let peer: NeonHttpPeer;
  let engine: AsyncEngine;
  beforeAll(async () => {
    peer = await startNeonHttpPeer();
    engine = createAsyncEngine(createNeonHttpDriver({ url: peer.connectionString, fetchEndpoint: peer.endpoint }));
    await engine.begin((c) => m.Base.metadata.createAll(c));
  }, 60_000);
  afterAll(async () => {
    await engine.begin((c) => m.Base.metadata.dropAll(c)).catch(() => {});
    await engine.dispose();
    await peer.stop();
  });

  it.each([
    ["500", "rolledBack", true],
    ["drop", "unknown", false],
  ] as const)("peer answers %s: nothing committed, session rolled back, error says outcome %s / retrySafe %s", async (fault, outcome, retrySafe) => {
    const session = new AsyncSession(engine, { expireOnCommit: false });
    const a = new m.Author({ name: `fault-${fault}` });
    session.add(new m.Post({ title: `fault-${fault}`, author: a }));
    // The key request (the post references the new author) succeeds; the batch request is the one that fails.
    await session.flush();
    peer.failNext(fault);
    const err = (await session.commit().catch((e: unknown) => e)) as { name: string; outcome?: string; retrySafe?: boolean };
    expect(err.name).toBe("OperationalError");
    expect(err.outcome).toBe(outcome);
    expect(err.retrySafe).toBe(retrySafe);
    expect(session.inTransaction()).toBe(false);
    const check = new AsyncSession(engine);
    expect((await check.scalars(select(m.Author).where(m.Author.name.eq(`fault-${fault}`)))).all()).toEqual([]);
    await check.close();
  });
});

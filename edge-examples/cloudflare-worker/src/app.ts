/**
 * The blog's JSON API as a fetch handler, independent of which database backs a request.
 *
 * Routes (all JSON):
 * - `POST /setup` (`?reset=1` drops the tables first): `Base.metadata.createAll`.
 * - `POST /authors` `{name, email}` → 201 the author.
 * - `GET /authors/:id` → the author with posts and each post's comments
 *   (`selectinload(Author.posts).selectinload(Post.comments)`: 3 SELECTs; `?load=joined` uses
 *   `joinedload` chains instead: 1 SELECT).
 * - `GET /posts?author=ID` → that author's posts, each with its author (`joinedload`) and comments
 *   (`selectinload`).
 * - `POST /posts` `{authorId, title, body, comments: [{authorName, body}, …]}` → 201: the author
 *   is read first (404 when missing), then the post and its comments are added and committed in
 *   one unit of work.
 * - `POST /authors/:id/posts` `{title, body, comments}` → 201: reads the author with posts and
 *   comments, adds a new post with its comments, commits (the round-trip benchmark's request).
 *
 * The backend is chosen per request by `?db=` or the `x-athanor-db` header (default: the first
 * backend the worker was built with). Every response carries `x-db-backend`, `x-db-requests`
 * and `x-db-statements` (see request-count.ts).
 *
 * Per-request pattern: the engine, driver and session are created inside `fetch` and dropped
 * at its end. Worker I/O objects (sockets, fetch streams) belong to the request that made them.
 * @module
 */
import {
  AsyncSession, createAsyncEngine, IntegrityError, joinedload, NoResultFound, select, selectinload,
  type AsyncEngine, type Driver,
} from "athanor";
import { Author, Base, Comment, Post } from "./models.js";
import { newCounter, type RequestCounter } from "./request-count.js";

/**
 * The module Worker's default export (the `fetch` part of Cloudflare's `ExportedHandler`),
 * declared here so the app type-checks under both the Workers and the Node type definitions.
 */
export interface WorkerHandler<Env> {
  fetch(request: Request, env: Env): Promise<Response>;
}

/** Makes a driver for one request; `counter` must see every database request it sends. */
export type BackendFactory<Env> = (env: Env, counter: RequestCounter) => Driver;

/** An HTTP error with a status and a JSON `{error}` body. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

async function readJson(request: Request): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new HttpError(400, "request body is not JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "request body must be a JSON object");
  return body as Record<string, unknown>;
}

function text(body: Record<string, unknown>, key: string, max: number): string {
  const v = body[key];
  if (typeof v !== "string" || v.length === 0 || v.length > max) throw new HttpError(400, `"${key}" must be a non-empty string of at most ${max} characters`);
  return v;
}

function id(raw: string | null | undefined, what: string): number {
  const n = Number(raw);
  if (!raw || !Number.isSafeInteger(n) || n <= 0) throw new HttpError(400, `${what} must be a positive integer`);
  return n;
}

interface CommentInput {
  readonly authorName: string;
  readonly body: string;
}

function commentsOf(body: Record<string, unknown>): CommentInput[] {
  const raw = body.comments ?? [];
  if (!Array.isArray(raw) || raw.length > 50) throw new HttpError(400, `"comments" must be an array of at most 50 comments`);
  return raw.map((c: unknown, i) => {
    if (typeof c !== "object" || c === null) throw new HttpError(400, `comments[${i}] must be an object`);
    const o = c as Record<string, unknown>;
    return { authorName: text(o, "authorName", 100), body: text(o, "body", 10_000) };
  });
}

const commentJson = (c: Comment) => ({ id: c.id, authorName: c.authorName, body: c.body });
const postJson = (p: Post) => ({ id: p.id, authorId: p.authorId, title: p.title, body: p.body, comments: p.comments.map(commentJson) });
const authorJson = (a: Author) => ({ id: a.id, name: a.name, email: a.email });

/** The author with posts and comments, eagerly loaded: selectin (3 SELECTs) or joined (1). */
async function loadAuthor(session: AsyncSession, authorId: number, joined: boolean): Promise<Author> {
  const opts = joined
    ? joinedload(Author.posts).joinedload(Post.comments)
    : selectinload(Author.posts).selectinload(Post.comments);
  const stmt = select(Author).where(Author.id.eq(authorId)).options(opts);
  const result = await session.scalars(stmt);
  const author = (joined ? result.unique() : result).first();
  if (!author) throw new HttpError(404, `author ${authorId} not found`);
  return author;
}

function newPost(author: Author, body: Record<string, unknown>): Post {
  const post = new Post({ title: text(body, "title", 200), body: text(body, "body", 10_000) });
  post.author = author;
  post.comments = commentsOf(body).map((c) => new Comment({ authorName: c.authorName, body: c.body }));
  return post;
}

type Route = (engine: AsyncEngine, request: Request, url: URL, params: readonly string[]) => Promise<Response>;

const routes: readonly [method: string, pattern: RegExp, handler: Route][] = [
  ["POST", /^\/setup$/, async (engine, _req, url) => {
    // One createAll per call; on D1/Neon HTTP the DDL goes out as one atomic batch.
    if (url.searchParams.get("reset") === "1") await engine.begin((conn) => Base.metadata.dropAll(conn));
    await engine.begin((conn) => Base.metadata.createAll(conn));
    return json({ tables: [...Base.metadata.tables.keys()] });
  }],
  ["POST", /^\/authors$/, async (engine, req) => {
    const body = await readJson(req);
    await using session = new AsyncSession(engine, { expireOnCommit: false });
    const author = new Author({ name: text(body, "name", 100), email: text(body, "email", 200) });
    session.add(author);
    await session.commit();
    return json(authorJson(author), 201);
  }],
  ["GET", /^\/authors\/([^/]+)$/, async (engine, _req, url, [rawId]) => {
    await using session = new AsyncSession(engine);
    const author = await loadAuthor(session, id(rawId, "author id"), url.searchParams.get("load") === "joined");
    return json({ ...authorJson(author), posts: author.posts.map(postJson) });
  }],
  ["GET", /^\/posts$/, async (engine, _req, url) => {
    const authorId = id(url.searchParams.get("author"), "?author");
    await using session = new AsyncSession(engine);
    const posts = await session.scalars(
      select(Post).where(Post.authorId.eq(authorId)).orderBy(Post.id).options(joinedload(Post.author), selectinload(Post.comments)),
    );
    return json(posts.all().map((p) => ({ ...postJson(p), author: authorJson(p.author) })));
  }],
  ["POST", /^\/posts$/, async (engine, req) => {
    const body = await readJson(req);
    const authorId = typeof body.authorId === "number" ? body.authorId : id(String(body.authorId ?? ""), `"authorId"`);
    await using session = new AsyncSession(engine, { expireOnCommit: false });
    // Read before writing: on batch-only drivers the writes are queued for the commit batch.
    const author = await session.get(Author, authorId);
    if (!author) throw new HttpError(404, `author ${authorId} not found`);
    const post = newPost(author, body);
    session.add(post);
    await session.commit();
    return json(postJson(post), 201);
  }],
  ["POST", /^\/authors\/([^/]+)\/posts$/, async (engine, req, url, [rawId]) => {
    const body = await readJson(req);
    await using session = new AsyncSession(engine, { expireOnCommit: false });
    const author = await loadAuthor(session, id(rawId, "author id"), url.searchParams.get("load") === "joined");
    const post = newPost(author, body);
    // A backref never cascades (SQLAlchemy 2.0): the new post joins the session explicitly.
    session.add(post);
    await session.commit();
    return json({ ...authorJson(author), posts: author.posts.map(postJson), created: post.id }, 201);
  }],
];

function errorResponse(err: unknown): Response {
  if (err instanceof HttpError) return json({ error: err.message }, err.status);
  if (err instanceof NoResultFound) return json({ error: err.message }, 404);
  if (err instanceof IntegrityError) return json({ error: err.message, kind: "IntegrityError" }, 409);
  const e = err instanceof Error ? err : new Error(String(err));
  return json({ error: e.message, kind: e.name }, 500);
}

/**
 * A Worker fetch handler over the given backends (name → driver factory). The first backend is
 * the default. Unknown backends answer 400 naming the known ones.
 */
export function createApp<Env>(backends: Readonly<Record<string, BackendFactory<Env>>>): WorkerHandler<Env> {
  const names = Object.keys(backends);
  return {
    async fetch(request, env): Promise<Response> {
      const url = new URL(request.url);
      const backend = url.searchParams.get("db") ?? request.headers.get("x-athanor-db") ?? names[0]!;
      const counter = newCounter();
      let response: Response;
      try {
        const factory = backends[backend];
        if (!factory) throw new HttpError(400, `unknown backend "${backend}"; this worker serves ${names.join(", ")}`);
        const match = routes.find(([m, p]) => m === request.method && p.test(url.pathname));
        if (!match) throw new HttpError(404, `no route for ${request.method} ${url.pathname}`);
        const params = match[1].exec(url.pathname)!.slice(1);
        // Per request: a new engine over a new driver (see the module notes).
        const engine = createAsyncEngine(factory(env, counter));
        try {
          response = await match[2](engine, request, url, params);
        } finally {
          await engine.dispose();
        }
      } catch (err) {
        response = errorResponse(err);
      }
      response.headers.set("x-db-backend", backend);
      response.headers.set("x-db-requests", String(counter.requests));
      response.headers.set("x-db-statements", String(counter.statements));
      return response;
    },
  };
}

/**
 * A serverless function in the fetch style (Request → Response) that Netlify Functions (v2) and
 * Vercel's web handlers use: a small JSON API over users and their addresses, reading with
 * `selectinload` and writing through an AsyncSession, on libSQL or PostgreSQL.
 *
 * Configuration: env `DATABASE_URL` — `file:/path/to/app.db` (libSQL) or `postgres://…`
 * (PostgreSQL through postgres.js); see db.ts.
 *
 * Routes (JSON in and out; errors are `{ "error": "…" }`):
 * - `GET    /api/users`                → 200 `[User]`, ordered by id, with addresses
 * - `GET    /api/users/:id`            → 200 `User` | 404
 * - `POST   /api/users`                → 201 `User`; body `{ name, fullname?, emails?: string[] }`;
 *                                        400 on a bad body, 409 when the name is taken
 * - `POST   /api/users/:id/addresses`  → 201 `Address`; body `{ email }`; 404 for no such user
 * - `DELETE /api/users/:id`            → 204 (its addresses go with it) | 404
 * - anything else                      → 404, or 405 for a known path with another method
 *
 * `User` is `{ id, name, fullname, addresses: [{ id, email }] }`.
 * @module
 */
import { AsyncSession, IntegrityError, select, selectinload, type AsyncEngine } from "athanor";
import { getEngine } from "./db.js";
import { Address, User } from "./models.js";

export { disposeEngines } from "./db.js";

/** JSON shape of a user. */
export interface UserJson {
  readonly id: number;
  readonly name: string;
  readonly fullname: string | null;
  readonly addresses: readonly AddressJson[];
}

/** JSON shape of an address. */
export interface AddressJson {
  readonly id: number;
  readonly email: string;
}

/** A client error: becomes a 4xx response with its message. */
class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8" } });
}

function toJson(u: User): UserJson {
  return {
    id: u.id,
    name: u.name,
    fullname: u.fullname,
    addresses: u.addresses.map((a) => ({ id: a.id, email: a.email })),
  };
}

async function readBody(req: Request): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new HttpError(400, "the request body must be JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "the request body must be a JSON object");
  return body as Record<string, unknown>;
}

function requireString(body: Record<string, unknown>, field: string, maxLength: number): string {
  const v = body[field];
  if (typeof v !== "string" || v.length === 0 || v.length > maxLength) {
    throw new HttpError(400, `"${field}" must be a string of 1 to ${maxLength} characters`);
  }
  return v;
}

async function listUsers(engine: AsyncEngine): Promise<Response> {
  await using session = new AsyncSession(engine);
  const users = await session.scalars(select(User).options(selectinload(User.addresses)).orderBy(User.id));
  return json(users.all().map(toJson));
}

async function getUser(engine: AsyncEngine, id: number): Promise<Response> {
  await using session = new AsyncSession(engine);
  const user = await session.get(User, id, { options: [selectinload(User.addresses)] });
  if (!user) throw new HttpError(404, `no user ${id}`);
  return json(toJson(user));
}

async function createUser(engine: AsyncEngine, req: Request): Promise<Response> {
  const body = await readBody(req);
  const name = requireString(body, "name", 30);
  const fullname = body.fullname ?? null;
  if (fullname !== null && typeof fullname !== "string") throw new HttpError(400, '"fullname" must be a string or null');
  const emails = body.emails ?? [];
  if (!Array.isArray(emails) || !emails.every((e) => typeof e === "string" && e.length > 0)) {
    throw new HttpError(400, '"emails" must be an array of non-empty strings');
  }
  // expireOnCommit: false keeps the committed values readable after commit() without a reload.
  await using session = new AsyncSession(engine, { expireOnCommit: false });
  const user = new User({ name, fullname });
  user.addresses = emails.map((email: string) => new Address({ email }));
  session.add(user);
  await session.commit(); // one unit of work: the user's INSERT, then one INSERT for all addresses
  return json(toJson(user), 201);
}

async function addAddress(engine: AsyncEngine, id: number, req: Request): Promise<Response> {
  const email = requireString(await readBody(req), "email", 320);
  await using session = new AsyncSession(engine, { expireOnCommit: false });
  const user = await session.get(User, id, { options: [selectinload(User.addresses)] });
  if (!user) throw new HttpError(404, `no user ${id}`);
  const address = new Address({ email });
  user.addresses.push(address); // a change in place to a loaded collection is seen at flush
  await session.commit();
  return json({ id: address.id, email: address.email } satisfies AddressJson, 201);
}

async function deleteUser(engine: AsyncEngine, id: number): Promise<Response> {
  await using session = new AsyncSession(engine);
  const user = await session.get(User, id);
  if (!user) throw new HttpError(404, `no user ${id}`);
  session.delete(user); // cascade "all, delete-orphan": its addresses are deleted first
  await session.commit();
  return new Response(null, { status: 204 });
}

const USERS = /^\/api\/users\/?$/;
const USER = /^\/api\/users\/(\d{1,9})\/?$/;
const ADDRESSES = /^\/api\/users\/(\d{1,9})\/addresses\/?$/;

function methodNotAllowed(allowed: string): Response {
  return new Response(JSON.stringify({ error: "method not allowed" }), {
    status: 405,
    headers: { allow: allowed, "content-type": "application/json; charset=utf-8" },
  });
}

async function route(req: Request): Promise<Response> {
  const path = new URL(req.url).pathname;
  let m: RegExpExecArray | null;
  if (USERS.test(path)) {
    if (req.method === "GET") return listUsers(await getEngine(process.env.DATABASE_URL));
    if (req.method === "POST") return createUser(await getEngine(process.env.DATABASE_URL), req);
    return methodNotAllowed("GET, POST");
  }
  if ((m = USER.exec(path))) {
    const id = Number(m[1]);
    if (req.method === "GET") return getUser(await getEngine(process.env.DATABASE_URL), id);
    if (req.method === "DELETE") return deleteUser(await getEngine(process.env.DATABASE_URL), id);
    return methodNotAllowed("GET, DELETE");
  }
  if ((m = ADDRESSES.exec(path))) {
    if (req.method === "POST") return addAddress(await getEngine(process.env.DATABASE_URL), Number(m[1]), req);
    return methodNotAllowed("POST");
  }
  throw new HttpError(404, `no route for ${path}`);
}

/**
 * The function: routes `req` (see the module comment) and never throws — client errors become
 * 4xx JSON, a unique-name violation (IntegrityError) 409, anything else a 500 whose details go to
 * the log, not to the client.
 */
export default async function handler(req: Request): Promise<Response> {
  try {
    return await route(req);
  } catch (e) {
    if (e instanceof HttpError) return json({ error: e.message }, e.status);
    if (e instanceof IntegrityError) return json({ error: "conflict: a user with that name exists" }, 409);
    console.error("[serverless handler]", e);
    return json({ error: "internal error" }, 500);
  }
}

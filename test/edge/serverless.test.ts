/**
 * edge-examples/serverless: the fetch-style handler called on Node with real Request objects,
 * against libSQL (a temp file) and PostgreSQL (a schema of its own through `search_path`).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ArgumentError, createAsyncEngine, func, select } from "athanor";
import handler, { disposeEngines, type UserJson } from "../../edge-examples/serverless/handler.js";
import { engineUrl, getEngine } from "../../edge-examples/serverless/db.js";
import { Address, User } from "../../edge-examples/serverless/models.js";
import { pgTarget, pgUrl, uniqueName } from "../fixtures/databases.js";

const BASE = "https://example.test";

function call(method: string, path: string, body?: unknown): Promise<Response> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers = { "content-type": "application/json" };
  }
  return handler(new Request(`${BASE}${path}`, init));
}

async function callJson(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await call(method, path, body);
  expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
  return { status: res.status, body: await res.json() };
}

interface Backend {
  readonly name: string;
  /** DATABASE_URL for the handler. */
  setup(): Promise<string>;
  teardown(): Promise<void>;
}

function libsqlBackend(): Backend {
  let dir = "";
  return {
    name: "libsql",
    async setup() {
      dir = await mkdtemp(join(tmpdir(), "athanor-serverless-"));
      return `file:${join(dir, "app.db")}`;
    },
    async teardown() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function withSearchPath(url: string, schema: string): string {
  return `${url}${url.includes("?") ? "&" : "?"}search_path=${schema}`;
}

function postgresBackend(): Backend {
  const schema = uniqueName("edge_sls");
  let sql: postgres.Sql | undefined;
  return {
    name: "postgresql",
    async setup() {
      const target = await pgTarget();
      if (target.kind !== "server") {
        throw new Error(`PostgreSQL is unreachable at ${pgUrl()}: the serverless handler's PostgreSQL routes need the real server (postgres.js)`);
      }
      sql = postgres(target.url, { max: 1, onnotice: () => {} });
      await sql.unsafe(`CREATE SCHEMA ${schema}`);
      return withSearchPath(target.url, schema);
    },
    async teardown() {
      await sql?.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await sql?.end({ timeout: 5 });
    },
  };
}

describe.each([libsqlBackend(), postgresBackend()])("serverless handler on $name", (backend) => {
  let databaseUrl = "";
  const saved = process.env.DATABASE_URL;

  beforeAll(async () => {
    databaseUrl = await backend.setup();
    process.env.DATABASE_URL = databaseUrl;
  });
  afterAll(async () => {
    await disposeEngines();
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    await backend.teardown();
  });

  it("creates the schema on the first (concurrent, cold) invocations and caches one engine", async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => callJson("GET", "/api/users")));
    expect(results).toEqual([1, 2, 3, 4].map(() => ({ status: 200, body: [] })));
    expect(await getEngine(databaseUrl)).toBe(await getEngine(databaseUrl));
  });

  let sandy: UserJson;
  it("POST /api/users commits a user with addresses in one unit of work", async () => {
    const res = await callJson("POST", "/api/users", {
      name: "sandy",
      fullname: "Sandy Cheeks",
      emails: ["sandy@sqlalchemy.org", "sandy@squirrelpower.org"],
    });
    expect(res).toEqual({
      status: 201,
      body: {
        id: 1,
        name: "sandy",
        fullname: "Sandy Cheeks",
        addresses: [
          { id: 1, email: "sandy@sqlalchemy.org" },
          { id: 2, email: "sandy@squirrelpower.org" },
        ],
      },
    });
    sandy = res.body as UserJson;
    expect(await callJson("POST", "/api/users", { name: "patrick" })).toEqual({
      status: 201,
      body: { id: 2, name: "patrick", fullname: null, addresses: [] },
    });
  });

  it("GET /api/users/:id reads the user with its addresses (selectinload)", async () => {
    expect(await callJson("GET", `/api/users/${sandy.id}`)).toEqual({ status: 200, body: sandy });
    expect(await callJson("GET", "/api/users/999")).toEqual({ status: 404, body: { error: "no user 999" } });
  });

  it("POST /api/users/:id/addresses appends to the loaded collection", async () => {
    expect(await callJson("POST", "/api/users/2/addresses", { email: "patrick@bikinibottom.org" })).toEqual({
      status: 201,
      body: { id: 3, email: "patrick@bikinibottom.org" },
    });
    expect(await callJson("POST", "/api/users/99/addresses", { email: "x@y.z" })).toEqual({ status: 404, body: { error: "no user 99" } });
    expect(await callJson("GET", "/api/users")).toEqual({
      status: 200,
      body: [sandy, { id: 2, name: "patrick", fullname: null, addresses: [{ id: 3, email: "patrick@bikinibottom.org" }] }],
    });
  });

  it("answers 409 for a taken name and writes nothing", async () => {
    expect(await callJson("POST", "/api/users", { name: "sandy", emails: ["other@example.org"] })).toEqual({
      status: 409,
      body: { error: "conflict: a user with that name exists" },
    });
    await using engine = createAsyncEngine(engineUrl(databaseUrl));
    const counts = await engine.connect(async (conn) => [
      await conn.scalar(select(func.count(User.__table__.c.id))),
      await conn.scalar(select(func.count(Address.__table__.c.id))),
    ]);
    expect(counts.map(Number)).toEqual([2, 3]);
  });

  it("DELETE /api/users/:id deletes the user and, by cascade, its addresses", async () => {
    const res = await call("DELETE", `/api/users/${sandy.id}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(await callJson("GET", `/api/users/${sandy.id}`)).toEqual({ status: 404, body: { error: `no user ${sandy.id}` } });
    expect((await call("DELETE", `/api/users/${sandy.id}`)).status).toBe(404);
    await using engine = createAsyncEngine(engineUrl(databaseUrl));
    const emails = await engine.connect(async (conn) =>
      (await conn.execute(select(Address.__table__.c.email).orderBy(Address.__table__.c.id))).scalars().all(),
    );
    expect(emails).toEqual(["patrick@bikinibottom.org"]);
  });

  it("rejects bad requests with 400, unknown paths with 404 and other methods with 405", async () => {
    expect(await callJson("POST", "/api/users", "{not json")).toEqual({ status: 400, body: { error: "the request body must be JSON" } });
    expect(await callJson("POST", "/api/users", [1])).toEqual({ status: 400, body: { error: "the request body must be a JSON object" } });
    expect(await callJson("POST", "/api/users", { fullname: "No Name" })).toEqual({
      status: 400,
      body: { error: '"name" must be a string of 1 to 30 characters' },
    });
    expect(await callJson("POST", "/api/users", { name: "x".repeat(31) })).toEqual({
      status: 400,
      body: { error: '"name" must be a string of 1 to 30 characters' },
    });
    expect(await callJson("POST", "/api/users", { name: "gary", emails: "gary@example.org" })).toEqual({
      status: 400,
      body: { error: '"emails" must be an array of non-empty strings' },
    });
    expect(await callJson("GET", "/api/nothing")).toEqual({ status: 404, body: { error: "no route for /api/nothing" } });
    const put = await call("PUT", "/api/users");
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, POST");
    expect(await callJson("PATCH", "/api/users/2")).toEqual({ status: 405, body: { error: "method not allowed" } });
  });
});

describe("serverless handler configuration", () => {
  it("maps DATABASE_URL values to athanor URLs", () => {
    expect(engineUrl("file:/tmp/app.db")).toBe("sqlite+libsql:////tmp/app.db");
    expect(engineUrl("file:app.db")).toBe("sqlite+libsql:///app.db");
    expect(engineUrl("postgres://u@h:5432/db?sslmode=require")).toBe("postgresql://u@h:5432/db?sslmode=require");
    expect(engineUrl("postgresql://u@h/db")).toBe("postgresql://u@h/db");
    expect(engineUrl("sqlite+libsql://:memory:")).toBe("sqlite+libsql://:memory:");
    expect(() => engineUrl(undefined)).toThrow(new ArgumentError("DATABASE_URL is not set: give a file: (libSQL) or postgres:// URL"));
    expect(() => engineUrl("mysql://h/db")).toThrow(ArgumentError);
    expect(() => engineUrl("mysql://h/db")).toThrow("DATABASE_URL has an unsupported scheme: mysql:");
  });

  it("answers 500 without details when DATABASE_URL is missing, and logs the cause", async () => {
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      expect(await callJson("GET", "/api/users")).toEqual({ status: 500, body: { error: "internal error" } });
      expect(log).toHaveBeenCalledTimes(1);
      expect(log.mock.calls[0]?.[1]).toBeInstanceOf(ArgumentError);
    } finally {
      log.mockRestore();
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
  });
});

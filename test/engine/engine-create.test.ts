/**
 * createAsyncEngine from URLs and from wrapped clients, on real libSQL and PostgreSQL.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OperationalError } from "../../src/errors.js";
import "../../adapters/libsql/index.js";
import "../../adapters/postgres-js/index.js";
import { libsql } from "../../adapters/libsql/index.js";
import { postgresjs } from "../../adapters/postgres-js/index.js";
import { createAsyncEngine } from "../../src/engine/engine.js";
import { ArgumentError, DBAPIError } from "../../src/errors.js";
import { makeUrl } from "../../src/engine/url.js";
import { text } from "../../src/sql/elements.js";
import { pgTarget, pgUrl } from "../fixtures/databases.js";

let dir: string;
let pgServer = false;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "athanor-eng-create-"));
  pgServer = (await pgTarget()).kind === "server";
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `postgresql+postgresjs://…` for the test server. */
function pgEngineUrl(password?: string): string {
  const u = new globalThis.URL(pgUrl());
  const auth = `${u.username || "postgres"}${password ? `:${password}` : u.password ? `:${u.password}` : ""}`;
  return `postgresql+postgresjs://${auth}@${u.hostname}:${u.port || 5432}${u.pathname}`;
}

describe("createAsyncEngine from URLs", () => {
  it("sqlite+libsql:///<file> creates the file and persists across engines", async () => {
    const file = join(dir, "a.db");
    const e1 = createAsyncEngine(`sqlite+libsql:///${file}`);
    expect(e1.dialect.name).toBe("sqlite");
    expect(e1.driver.name).toBe("libsql");
    await e1.begin(async (conn) => {
      await conn.execute(text("CREATE TABLE engc_a (x INTEGER)"));
      await conn.execute(text("INSERT INTO engc_a VALUES (41), (1)"));
    });
    await e1.dispose();
    const e2 = createAsyncEngine(`sqlite+libsql:///${file}`);
    const total = await e2.connect((conn) => conn.scalar(text("SELECT sum(x) FROM engc_a")));
    expect(total).toBe(42);
    await e2.dispose();
  });

  it("sqlite+libsql://:memory: is an in-memory database", async () => {
    await using engine = createAsyncEngine("sqlite+libsql://:memory:");
    // Canonical SQLAlchemy form of an in-memory SQLite URL.
    expect(String(engine)).toBe("AsyncEngine(sqlite+libsql:///:memory:)");
    await using conn = await engine.connect();
    await conn.execute(text("CREATE TABLE engc_m (x INTEGER)"));
    await conn.execute(text("INSERT INTO engc_m VALUES (7)"));
    expect(await conn.scalar(text("SELECT x FROM engc_m"))).toBe(7);
    expect(await conn.scalar(text("SELECT file FROM pragma_database_list WHERE name = 'main'"))).toBe("");
  });

  it("postgresql+postgresjs:// connects to PostgreSQL (or, with no server, fails with OperationalError)", async () => {
    await using engine = createAsyncEngine(pgEngineUrl(), { poolSize: 2 });
    expect(engine.dialect.name).toBe("postgresql");
    expect(engine.driver.name).toBe("postgres-js");
    const query = engine.connect((conn) => conn.scalar(text("SELECT current_database()")));
    // In CI the server is always there (global setup fails the run otherwise); off CI, on a
    // machine without PostgreSQL, a user sees an OperationalError.
    if (!pgServer) return void (await expect(query).rejects.toBeInstanceOf(OperationalError));
    expect(await query).toBe(new globalThis.URL(pgUrl()).pathname.slice(1));
  });

  it("an unknown driver raises ArgumentError naming the adapter to import", () => {
    expect(() => createAsyncEngine("mysql+aiomysql://u:pw@h/db")).toThrow(ArgumentError);
    expect(() => createAsyncEngine("mysql+aiomysql://u:pw@h/db")).toThrow(
      /No driver registered for 'mysql\+aiomysql'\. Import its adapter first, e.g\. import "athanor\/adapters\/aiomysql"/,
    );
    expect(() => createAsyncEngine("mysql+aiomysql://u:hunter2@h/db")).not.toThrow(/hunter2/);
    let msg = "";
    try {
      createAsyncEngine("mysql+aiomysql://u:hunter2@h/db");
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain("registered: ");
    expect(msg).toContain("sqlite+libsql");
    expect(msg).toContain("postgresql+postgresjs");
    expect(msg).not.toContain("hunter2");
  });

  it("an unparseable URL raises ArgumentError", () => {
    expect(() => createAsyncEngine("not a url")).toThrow(ArgumentError);
  });

  it("String(engine) and engine.url hide the password", () => {
    const engine = createAsyncEngine("postgresql+postgresjs://scott:tiger-secret@127.0.0.1:1/db");
    expect(String(engine)).toBe("AsyncEngine(postgresql+postgresjs://scott:***@127.0.0.1:1/db)");
    expect(`${engine.url}`).not.toContain("tiger-secret");
    expect(JSON.stringify(engine.url)).not.toContain("tiger-secret");
    expect(engine.url?.password).toBe("tiger-secret");
    expect(makeUrl("postgresql+postgresjs://scott:tiger-secret@h/db").renderAsString({ hidePassword: false })).toContain(
      "tiger-secret",
    );
  });

  it("connection errors never contain the password", async () => {
    await using engine = createAsyncEngine("postgresql+postgresjs://scott:tiger-secret@127.0.0.1:1/db", {
      connectArgs: { connect_timeout: 2 },
    });
    let err: unknown;
    try {
      await engine.connect((conn) => conn.execute(text("SELECT 1")));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DBAPIError);
    const e = err as DBAPIError;
    expect(e.message).not.toContain("tiger-secret");
    expect(String(e)).not.toContain("tiger-secret");
    expect(JSON.stringify({ ...e, orig: undefined })).not.toContain("tiger-secret");
  });
});

describe("createAsyncEngine from wrapped clients", () => {
  it("libsql(client) uses the host's client and leaves it open on dispose", async () => {
    const client = createClient({ url: `file:${join(dir, "wrapped.db")}`, intMode: "number" });
    const engine = createAsyncEngine(libsql(client));
    expect(String(engine)).toBe("AsyncEngine(libsql)");
    await engine.begin(async (conn) => {
      await conn.execute(text("CREATE TABLE engc_w (x INTEGER)"));
      await conn.execute(text("INSERT INTO engc_w VALUES (5)"));
    });
    await engine.dispose();
    expect(client.closed).toBe(false);
    expect((await client.execute("SELECT x FROM engc_w")).rows[0]![0]).toBe(5);
    client.close();
  });

  it("postgresjs(sql) uses the host's client and leaves it open on dispose", async () => {
    const sql = postgres(pgUrl(), { max: 2, onnotice: () => {}, connect_timeout: 2 });
    try {
      const engine = createAsyncEngine(postgresjs(sql));
      expect(engine.dialect.name).toBe("postgresql");
      const query = engine.connect((conn) => conn.scalar(text("SELECT 40 + 2")));
      // Off CI without a PostgreSQL server the wrapped client cannot connect: OperationalError.
      if (!pgServer) return void (await expect(query).rejects.toBeInstanceOf(OperationalError));
      expect(await query).toBe(42);
      await engine.dispose();
      const [row] = await sql`SELECT 1 AS one`;
      expect(row!.one).toBe(1);
    } finally {
      await sql.end();
    }
  });
});

/**
 * Shared harness for the Cloudflare Worker example's tests and benchmarks: bundles the Worker,
 * runs it in workerd through miniflare with D1, Hyperdrive (the local PostgreSQL), Neon HTTP
 * (the local Neon HTTP peer) and libSQL (the local Hrana server) bindings, seeds the blog tables directly in each database, and
 * calls routes.
 * @module
 */
import { Miniflare } from "miniflare";
import { dirname } from "node:path";
import postgres from "postgres";
import { createClient } from "@libsql/client";
import { bundleWorker, COMPATIBILITY_DATE, WORKER_ENTRIES } from "./build.js";
import { pgUrl } from "../../test/fixtures/databases.js";
import { startNeonHttpPeer, type NeonHttpPeer } from "../../test/fixtures/neon-http-peer.js";
import { startHranaServer, type HranaServer } from "../../test/fixtures/hrana-server.js";

/** Which entry: all backends (with nodejs_compat) or D1 + Neon HTTP only (without). */
export type WorkerKind = keyof typeof WORKER_ENTRIES;
/** The backend a request asks for (`?db=`). */
export type Backend = "d1" | "neon" | "hyperdrive" | "libsql";

/**
 * The Hyperdrive binding's origin: the test PostgreSQL with a password added, because miniflare
 * refuses Hyperdrive URLs without one (the trust-auth server ignores it).
 */
export function hyperdriveUrl(): string {
  const u = new URL(pgUrl());
  if (!u.password) u.password = "postgres";
  return u.href;
}

/** A route's answer plus the database requests it cost, as the Worker counted them. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
  /** `x-db-requests`: D1 requests at the binding / driver round trips (see request-count.ts). */
  readonly requests: number;
  readonly statements: number;
}

/** A running Worker. */
export interface RunningWorker {
  readonly kind: WorkerKind;
  readonly mf: Miniflare;
  call(method: string, path: string, body?: unknown): Promise<Answer>;
  dispose(): Promise<void>;
}

/** Bundle and start one Worker entry in miniflare; `libsqlUrl` is the LIBSQL_URL binding (a Hrana server). */
export async function startWorker(kind: WorkerKind, peer: NeonHttpPeer, libsqlUrl = "http://127.0.0.1:9"): Promise<RunningWorker> {
  const bundle = await bundleWorker({ entry: WORKER_ENTRIES[kind] });
  const mf = new Miniflare({
    scriptPath: bundle.path,
    modulesRoot: dirname(bundle.path),
    modules: true,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: kind === "full" ? ["nodejs_compat"] : [],
    d1Databases: ["DB"],
    ...(kind === "full" ? { hyperdrives: { HYPERDRIVE: hyperdriveUrl() } } : {}),
    bindings: { NEON_URL: peer.connectionString, NEON_FETCH_ENDPOINT: peer.endpoint, LIBSQL_URL: libsqlUrl },
  });
  await mf.ready;
  return {
    kind,
    mf,
    async call(method, path, body) {
      const init: { method: string; body?: string; headers?: Record<string, string> } = { method };
      if (body !== undefined) {
        init.body = typeof body === "string" ? body : JSON.stringify(body);
        init.headers = { "content-type": "application/json" };
      }
      const res = await mf.dispatchFetch(`http://worker.test${path}`, init);
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return {
        status: res.status,
        body: parsed,
        requests: Number(res.headers.get("x-db-requests")),
        statements: Number(res.headers.get("x-db-statements")),
      };
    },
    dispose: () => mf.dispose(),
  };
}

/** The seed every suite starts from: 2 authors, 3 posts, 3 comments (explicit ids). */
export const SEED_SQL: readonly string[] = [
  "INSERT INTO cfw_author (id, name, email) VALUES (1, 'Ada Lovelace', 'ada@example.com'), (2, 'Grace Hopper', 'grace@example.com')",
  "INSERT INTO cfw_post (id, author_id, title, body) VALUES (1, 1, 'Notes', 'On the engine'), (2, 1, 'Poetry', 'Of science'), (3, 2, 'Compilers', 'A-0')",
  "INSERT INTO cfw_comment (id, post_id, author_name, body) VALUES (1, 1, 'Charles', 'Splendid'), (2, 1, 'Mary', 'Agreed'), (3, 3, 'Alan', 'Indeed')",
];

/** Direct access to a backend's database, bypassing the Worker: seeding and checking rows. */
export interface Database {
  query(sql: string): Promise<Record<string, unknown>[]>;
  seed(): Promise<void>;
  close(): Promise<void>;
}

/** D1 of a running Worker (miniflare's proxy of the same binding). */
export async function d1Database(worker: RunningWorker): Promise<Database> {
  const db = await worker.mf.getD1Database("DB");
  return {
    async query(sql) {
      return (await db.prepare(sql).all()).results as Record<string, unknown>[];
    },
    async seed() {
      await db.batch(SEED_SQL.map((s) => db.prepare(s)));
    },
    async close() {},
  };
}

/** The PostgreSQL database behind Neon HTTP and Hyperdrive. */
export function pgDatabase(): Database {
  const sql = postgres(pgUrl(), { max: 1, onnotice: () => {} });
  return {
    async query(q) {
      return [...(await sql.unsafe(q))] as Record<string, unknown>[];
    },
    async seed() {
      await sql.begin(async (tx) => {
        for (const s of SEED_SQL) await tx.unsafe(s);
        // Explicit ids do not advance the sequences: move them past the seed.
        for (const t of ["cfw_author", "cfw_post", "cfw_comment"]) {
          await tx.unsafe(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT max(id) FROM ${t}))`);
        }
      });
    },
    close: () => sql.end({ timeout: 1 }),
  };
}

/** The libSQL database behind a Hrana server, read with the Node @libsql/client. */
export function libsqlDatabase(url: string): Database {
  const client = createClient({ url });
  return {
    async query(sql) {
      const rs = await client.execute(sql);
      return rs.rows.map((r) => Object.fromEntries(rs.columns.map((c, i) => [c, r[i]])));
    },
    async seed() {
      await client.batch([...SEED_SQL], "write");
    },
    async close() {
      client.close();
    },
  };
}

export { startHranaServer, startNeonHttpPeer, type HranaServer, type NeonHttpPeer };

/**
 * The serverless example's engine: one per database URL per function instance, created on the
 * first invocation and reused by the warm invocations after it.
 *
 * Why caching is safe here: Node serverless functions (Vercel's Node runtime, Netlify
 * Functions, AWS Lambda) keep module state across the invocations one instance serves, and a
 * postgres.js pool or a libSQL file client outlives a request without harm there. Cloudflare
 * Workers are different: a socket opened in one request cannot be used by another, so there the
 * engine is created per request (see edge-examples/cloudflare-worker).
 * @module
 */
import { ArgumentError, createAsyncEngine, type AsyncEngine } from "athanor";
// Importing an adapter registers its URL scheme with createAsyncEngine.
import "athanor/adapters/libsql";
import "athanor/adapters/postgres-js";
import { Base } from "./models.js";

/**
 * The athanor URL for a `DATABASE_URL` value.
 * - `file:/abs/path.db`, `file:rel.db` → libSQL on that file (`sqlite+libsql:///…`).
 * - `postgres://…`, `postgresql://…` → PostgreSQL through postgres.js (query parameters such as
 *   `sslmode` or `search_path` pass through to the server).
 * - Any athanor URL (`sqlite+libsql://…`, `postgresql+postgresjs://…`) as is.
 * @throws ArgumentError naming DATABASE_URL when it is unset, empty or of another scheme.
 */
export function engineUrl(databaseUrl: string | undefined): string {
  if (!databaseUrl) throw new ArgumentError("DATABASE_URL is not set: give a file: (libSQL) or postgres:// URL");
  if (databaseUrl.startsWith("file:")) return `sqlite+libsql:///${databaseUrl.slice("file:".length)}`;
  if (/^postgres(?:ql)?:\/\//.test(databaseUrl)) return databaseUrl.replace(/^postgres:/, "postgresql:");
  if (/^(?:sqlite\+libsql|postgresql\+postgresjs):\/\//.test(databaseUrl)) return databaseUrl;
  throw new ArgumentError(`DATABASE_URL has an unsupported scheme: ${databaseUrl.split(":")[0]}: (use file:, postgres:// or an athanor URL)`);
}

interface CachedEngine {
  readonly engine: AsyncEngine;
  /** Settles when the schema exists; shared so concurrent cold invocations create it once. */
  readonly ready: Promise<void>;
}

const engines = new Map<string, CachedEngine>();

/**
 * The engine for `databaseUrl`, created (with its tables, `createAll` with `checkFirst`) on first
 * use. A failed start is forgotten, so the next invocation tries again instead of failing forever.
 * Real deployments create the schema with migrations; `createAll` keeps the example self-contained.
 * @throws ArgumentError for a bad DATABASE_URL (see {@link engineUrl}); the database's own
 *   errors (DBAPIError subclasses) when it cannot be reached.
 */
export async function getEngine(databaseUrl: string | undefined): Promise<AsyncEngine> {
  const url = engineUrl(databaseUrl);
  let cached = engines.get(url);
  if (!cached) {
    // A small pool: many function instances may run at once, each with its own pool.
    const engine = createAsyncEngine(url, { poolSize: 2 });
    const entry: CachedEngine = { engine, ready: engine.begin((conn) => Base.metadata.createAll(conn)) };
    engines.set(url, entry);
    entry.ready.catch(() => {
      if (engines.get(url) === entry) engines.delete(url);
      void engine.dispose().catch(() => {});
    });
    cached = entry;
  }
  await cached.ready;
  return cached.engine;
}

/** Close every cached engine (process shutdown, tests). Later invocations create new ones. */
export async function disposeEngines(): Promise<void> {
  const all = [...engines.values()];
  engines.clear();
  await Promise.all(all.map((c) => c.engine.dispose()));
}

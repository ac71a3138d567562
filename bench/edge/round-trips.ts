/**
 * Database requests per route and backend, measured on the blog Worker running in workerd
 * (miniflare): D1 requests counted at the binding, Neon HTTP requests counted by the Worker and
 * checked against the local Neon HTTP peer's log, postgres.js round trips counted at the driver
 * (BEGIN, statements, COMMIT/ROLLBACK; not the connection start-up, which includes postgres.js's
 * array-types query).
 * @module
 */
import {
  d1Database, pgDatabase, startNeonHttpPeer, startWorker, type Backend,
} from "../../edge-examples/cloudflare-worker/harness.js";

/** One route measured on one backend. */
export interface RouteCount {
  readonly route: string;
  readonly backend: Backend;
  readonly status: number;
  readonly requests: number;
  readonly statements: number;
}

const NEW_POST = {
  title: "Bernoulli", body: "Note G",
  comments: [{ authorName: "Charles", body: "Bravo" }, { authorName: "Mary", body: "Brava" }],
};

/** The routes, in order (each write adds a post). */
export const ROUTES: readonly { label: string; method: string; path: string; body?: unknown }[] = [
  { label: "GET /authors/1 (selectinload posts → comments)", method: "GET", path: "/authors/1" },
  { label: "GET /authors/1?load=joined (joinedload chain)", method: "GET", path: "/authors/1?load=joined" },
  { label: "GET /posts?author=1 (joinedload author, selectinload comments)", method: "GET", path: "/posts?author=1" },
  { label: "POST /authors (one new author)", method: "POST", path: "/authors", body: { name: "Edsger", email: "ewd@example.com" } },
  { label: "POST /posts (read author; post + 2 comments in one commit)", method: "POST", path: "/posts", body: { authorId: 1, ...NEW_POST } },
  { label: "**POST /authors/1/posts** (read author + posts + comments, selectin; then post + 2 comments)", method: "POST", path: "/authors/1/posts", body: NEW_POST },
  { label: "POST /authors/1/posts?load=joined (same, joinedload read)", method: "POST", path: "/authors/1/posts?load=joined", body: NEW_POST },
];

/** Run every route on every backend of the full Worker. */
export async function measureRoundTrips(): Promise<RouteCount[]> {
  const peer = await startNeonHttpPeer();
  const worker = await startWorker("full", peer);
  const out: RouteCount[] = [];
  try {
    for (const backend of ["d1", "neon", "hyperdrive"] as const) {
      const db = backend === "d1" ? await d1Database(worker) : pgDatabase();
      try {
        const setup = await worker.call("POST", `/setup?reset=1&db=${backend}`);
        if (setup.status !== 200) throw new Error(`setup on ${backend} failed: ${JSON.stringify(setup.body)}`);
        await db.seed();
        for (const r of ROUTES) {
          peer.requests.reset();
          const a = await worker.call(r.method, `${r.path}${r.path.includes("?") ? "&" : "?"}db=${backend}`, r.body);
          if (a.status >= 400) throw new Error(`${r.label} on ${backend}: ${a.status} ${JSON.stringify(a.body)}`);
          if (backend === "neon" && peer.requests.count !== a.requests) {
            throw new Error(`${r.label}: the Worker counted ${a.requests} Neon requests, the peer saw ${peer.requests.count}`);
          }
          out.push({ route: r.label, backend, status: a.status, requests: a.requests, statements: a.statements });
        }
      } finally {
        await db.close();
      }
    }
  } finally {
    await worker.dispose();
    await peer.stop();
  }
  return out;
}

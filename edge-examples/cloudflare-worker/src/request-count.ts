/**
 * Database request counting for the example's `x-db-requests` response header, so tests and
 * the round-trip benchmark can see how many requests each route costs on each backend.
 *
 * Two wrappers, both pass-through (statements still run on the real database):
 * - {@link countD1Requests} wraps the D1 binding: every `run`/`all`/`raw`/`first` and every
 *   `batch` is one request to D1.
 * - {@link countDriverRequests} wraps an athanor driver: every `execute`, `begin`, `commit`,
 *   `rollback` and cursor `fetch` is one round trip; `batch` is one when it runs as one
 *   transaction (Neon's `transaction([...])`, postgres.js's pipelined batch) and one per
 *   statement otherwise. For Neon HTTP this equals the HTTP requests sent.
 * @module
 */
import type { BatchOptions, Driver, DriverConnection, DriverCursor, DriverStatement } from "athanor";
import type { D1DatabaseLike, D1PreparedStatementLike } from "athanor/adapters/d1";

/** A mutable request counter. */
export interface RequestCounter {
  requests: number;
  statements: number;
}

/** A fresh counter at zero. */
export function newCounter(): RequestCounter {
  return { requests: 0, statements: 0 };
}

/** Wrap a D1 binding so each D1 request (and each statement) is counted in `counter`. */
export function countD1Requests(db: D1DatabaseLike, counter: RequestCounter): D1DatabaseLike {
  const inner = new WeakMap<D1PreparedStatementLike, D1PreparedStatementLike>();
  const one = <T>(p: () => Promise<T>): Promise<T> => {
    counter.requests++;
    counter.statements++;
    return p();
  };
  const wrap = (st: D1PreparedStatementLike): D1PreparedStatementLike => {
    const w: D1PreparedStatementLike = {
      bind: (...values) => wrap(st.bind(...values)),
      run: () => one(() => st.run()),
      all: () => one(() => st.all()),
      raw: (opts) => one(() => st.raw(opts)),
    };
    inner.set(w, st);
    return w;
  };
  return {
    prepare: (sql) => wrap(db.prepare(sql)),
    batch: (stmts) => {
      counter.requests++;
      counter.statements += stmts.length;
      return db.batch(stmts.map((s) => inner.get(s) ?? s));
    },
  };
}

function countConnection(conn: DriverConnection, counter: RequestCounter): DriverConnection {
  const bump = (statements: number, requests = 1): void => {
    counter.requests += requests;
    counter.statements += statements;
  };
  const wrapped: DriverConnection = {
    execute: (stmt: DriverStatement) => (bump(1), conn.execute(stmt)),
    release: () => conn.release(),
  };
  if (conn.batch) {
    const batch = conn.batch.bind(conn);
    wrapped.batch = (stmts: readonly DriverStatement[], opts: BatchOptions) => {
      bump(stmts.length, opts.transaction ? 1 : stmts.length);
      return batch(stmts, opts);
    };
  }
  if (conn.begin) {
    const begin = conn.begin.bind(conn);
    wrapped.begin = (opts) => (bump(1), begin(opts));
  }
  if (conn.commit) {
    const commit = conn.commit.bind(conn);
    wrapped.commit = () => (bump(1), commit());
  }
  if (conn.rollback) {
    const rollback = conn.rollback.bind(conn);
    wrapped.rollback = () => (bump(1), rollback());
  }
  if (conn.openCursor) {
    const openCursor = conn.openCursor.bind(conn);
    wrapped.openCursor = async (stmt, chunk): Promise<DriverCursor> => {
      bump(1);
      const cur = await openCursor(stmt, chunk);
      return {
        columns: cur.columns,
        fetch: (n) => (bump(0), cur.fetch(n)),
        close: () => cur.close(),
      };
    };
  }
  return wrapped;
}

/** Wrap a driver so every round trip of its connections is counted in `counter`. */
export function countDriverRequests(driver: Driver, counter: RequestCounter): Driver {
  return {
    dialect: driver.dialect,
    paramstyle: driver.paramstyle,
    capabilities: driver.capabilities,
    name: driver.name,
    connect: async () => countConnection(await driver.connect(), counter),
    describeError: (err) => driver.describeError(err),
    dispose: () => driver.dispose(),
  };
}

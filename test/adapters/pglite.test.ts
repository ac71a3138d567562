/**
 * PGlite-only behaviour: one in-process session shared by serialized logical connections.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteDriver, pglite } from "../../adapters/pglite/index.js";
import type { Driver } from "../../src/engine/driver/contract.js";

const s = (sql: string, ...params: unknown[]) => ({ sql, params });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("pglite adapter", () => {
  let db: PGlite;
  let driver: Driver;

  beforeAll(async () => {
    db = await PGlite.create();
    driver = pglite(db, { lockTimeoutMs: 2000 });
    const c = await driver.connect();
    await c.execute(s("create table adp_pgl (id serial primary key, who text)"));
    await c.release();
  });

  afterAll(async () => {
    await driver.dispose();
    expect(db.closed).toBe(false);
    await db.close();
  });

  it("keeps one connection's transaction private: the other waits for it", async () => {
    const a = await driver.connect();
    const b = await driver.connect();
    await a.begin!();
    await a.execute(s("insert into adp_pgl (who) values ('a')"));
    const order: string[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const bRead = b.execute(s("select count(*)::int from adp_pgl")).then((r) => (order.push("b"), r));
    await sleep(30);
    order.push("a-rollback");
    await a.rollback!();
    const res = await bRead;
    clearInterval(timer);
    expect(order).toEqual(["a-rollback", "b"]);
    // Had b's statement run inside a's transaction it would have counted a's row.
    expect(res.rows).toEqual([[0]]);
    expect(ticks).toBeGreaterThan(5);
    await a.release();
    await b.release();
  });

  it("times out a waiting connection with an operational error", async () => {
    const short = pglite(db, { lockTimeoutMs: 50 });
    const a = await short.connect();
    const b = await short.connect();
    await a.begin!();
    const err = await caught(b.execute(s("select 1")));
    expect(short.describeError(err)).toMatchObject({ kind: "operational", code: "ATHANOR_LOCK_TIMEOUT" });
    await a.release();
    expect((await b.execute(s("select 1 as one"))).rows).toEqual([[1]]);
    await b.release();
  });

  it("createPgliteDriver() owns its instance and closes it on dispose", async () => {
    const d = createPgliteDriver();
    const c = await d.connect();
    expect((await c.execute(s("select 40 + 2 as v"))).rows).toEqual([[42]]);
    await c.release();
    await d.dispose();
    const err = await caught(d.connect().then((c2) => c2.execute(s("select 1"))));
    expect(err).toBeInstanceOf(Error);
  });
});

/** The shared database fixtures: both dialects through describe.each, and round-trip counting. */
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Driver } from "../../src/engine/driver/contract.js";
import { countingDriver, dialectTargets, makeLibsqlDriver, pgTarget, uniqueName, type TestDriver } from "../fixtures/databases.js";

describe.each(dialectTargets())("$name target", (target) => {
  let td: TestDriver;
  const table = uniqueName("adp_fx");

  beforeAll(async () => {
    td = await target.make();
  });

  afterAll(async () => {
    const c = await td.driver.connect();
    await c.execute({ sql: `drop table if exists ${table}`, params: [] });
    await c.release();
    await td.cleanup();
  });

  it("gives a driver of the dialect, whose round trips countingDriver counts", async () => {
    expect(td.driver.dialect).toBe(target.dialect);
    const d = countingDriver(td.driver);
    const p = d.paramstyle === "qmark" ? "?" : "$1";
    const c = await d.connect();
    await c.execute({ sql: `create table ${table} (v int)`, params: [] });
    await c.begin!();
    await c.execute({ sql: `insert into ${table} values (${p})`, params: [7] });
    await c.commit!();
    await c.begin!();
    await c.rollback!();
    expect(d.counts).toEqual({ execute: 2, batch: 0, openCursor: 0, fetch: 0, begin: 2, commit: 1, rollback: 1 });
    expect(d.total()).toBe(6);
    expect(d.statements).toEqual([`create table ${table} (v int)`, `insert into ${table} values (${p})`]);
    d.reset();
    expect(d.total()).toBe(0);
    expect(d.statements).toEqual([]);
    // Optional methods follow the inner driver.
    expect(typeof c.openCursor).toBe(td.driver.capabilities.streaming ? "function" : "undefined");
    await c.release();
  });
});

describe("fixtures", () => {
  it("resolves the PostgreSQL target once", async () => {
    const a = await pgTarget();
    expect(await pgTarget()).toBe(a);
    expect(["server", "pglite"]).toContain(a.kind);
  });

  it("makeLibsqlDriver('file') puts its database under os.tmpdir() and cleanup deletes it", async () => {
    const td = await makeLibsqlDriver("file");
    const c = await td.driver.connect();
    const rows = (await c.execute({ sql: "select file from pragma_database_list where name = 'main'", params: [] })).rows;
    const file = rows[0]![0] as string;
    expect(existsSync(file)).toBe(true);
    await c.release();
    await td.cleanup();
    expect(existsSync(file)).toBe(false);
  });

  it("countingDriver keeps the inner driver's identity fields", async () => {
    const td = await makeLibsqlDriver("memory");
    const d: Driver = countingDriver(td.driver);
    expect([d.name, d.dialect, d.paramstyle, d.capabilities]).toEqual([
      td.driver.name,
      td.driver.dialect,
      td.driver.paramstyle,
      td.driver.capabilities,
    ]);
    await td.cleanup();
  });
});

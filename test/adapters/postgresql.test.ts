/**
 * Behaviour shared by the PostgreSQL adapters, run on postgres.js (the real server) and PGlite.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPgliteDriver } from "../../adapters/pglite/index.js";
import { createPostgresJsDriver } from "../../adapters/postgres-js/index.js";
import type { Driver, DriverConnection } from "../../src/engine/driver/contract.js";
import { pgUrl, uniqueName } from "../fixtures/databases.js";

const s = (sql: string, ...params: unknown[]) => ({ sql, params });

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

const targets = [
  { name: "postgres-js", make: () => createPostgresJsDriver({ url: pgUrl(), max: 4 }), streaming: true, concurrent: true },
  { name: "pglite", make: () => createPgliteDriver(), streaming: false, concurrent: false },
];

describe.each(targets)("$name adapter", (target) => {
  let driver: Driver;
  const items = uniqueName("adp_pg_items");
  const parts = uniqueName("adp_pg_parts");
  const open: DriverConnection[] = [];
  const connect = async () => {
    const c = await driver.connect();
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    driver = target.make();
    const c = await driver.connect();
    await c.execute(s(`drop table if exists ${parts}, ${items}`));
    await c.execute(s(`create table ${items} (id serial primary key, name text not null constraint ${items}_name_key unique, qty int)`));
    await c.execute(
      s(`create table ${parts} (id serial primary key, item_id int not null constraint ${parts}_item_fk references ${items}(id), w real constraint ${parts}_w_ck check (w >= 0))`),
    );
    await c.release();
  });

  afterEach(async () => {
    for (const c of open.splice(0)) await c.release();
    const c = await driver.connect();
    await c.execute(s(`truncate ${parts}, ${items} restart identity`));
    await c.release();
  });

  afterAll(async () => {
    const c = await driver.connect();
    await c.execute(s(`drop table if exists ${parts}, ${items}`));
    await c.release();
    await driver.dispose();
  });

  it("declares its dialect and capabilities", () => {
    expect(driver.dialect).toBe("postgresql");
    expect(driver.paramstyle).toBe("numeric_dollar");
    expect(driver.name).toBe(target.name);
    expect(driver.capabilities).toMatchObject({
      interactiveTransactions: true,
      streaming: target.streaming,
      savepoints: true,
      returning: true,
      concurrentConnections: target.concurrent,
      // postgres.js refuses 65534+ parameters; PGlite takes the protocol's 65535.
      maxParams: target.name === "postgres-js" ? 65533 : 65535,
    });
  });

  it("executes with $n parameters, reporting column names with type OIDs and rows as arrays", async () => {
    const c = await connect();
    const ins = await c.execute(s(`insert into ${items} (name, qty) values ($1, $2), ($3, $4)`, "bolt", 5, "nut", null));
    expect(ins.rowsAffected).toBe(2);
    const res = await c.execute(s(`select id, name, qty, qty * 2.5::float8 as f, qty > $1 as big from ${items} order by id`, 1));
    expect(res.columns).toEqual([
      { name: "id", type: 23 },
      { name: "name", type: 25 },
      { name: "qty", type: 23 },
      { name: "f", type: 701 },
      { name: "big", type: 16 },
    ]);
    expect(res.rows).toEqual([
      [1, "bolt", 5, 12.5, true],
      [2, "nut", null, null, null],
    ]);
    expect(Array.isArray(res.rows[0])).toBe(true);
  });

  it("reports rowsAffected for UPDATE/DELETE and RETURNING", async () => {
    const c = await connect();
    await c.execute(s(`insert into ${items} (name, qty) values ('a', 1), ('b', 2), ('c', 3)`));
    expect((await c.execute(s(`update ${items} set qty = qty + 1 where qty >= $1`, 2))).rowsAffected).toBe(2);
    const ret = await c.execute(s(`insert into ${items} (name) values ($1) returning id, name`, "d"));
    expect(ret.rows).toEqual([[4, "d"]]);
    expect(ret.rowsAffected).toBe(1);
    expect((await c.execute(s(`delete from ${items} where id > $1`, 1))).rowsAffected).toBe(3);
  });

  it("returns int8 and date/timestamp values as text (no precision lost)", async () => {
    const c = await connect();
    const res = await c.execute(
      s(
        "select 9223372036854775807::int8 as big, '2024-02-29 23:59:59.123456'::timestamp as ts, " +
          "'2024-02-29 23:59:59.123456+00'::timestamptz at time zone 'UTC' as ts2, '0099-01-01'::date as d, $1::timestamptz = '2024-01-01 00:00:00.000001+00' as same",
        "2024-01-01 00:00:00.000001+00",
      ),
    );
    expect(res.rows[0]).toEqual(["9223372036854775807", "2024-02-29 23:59:59.123456", "2024-02-29 23:59:59.123456", "0099-01-01", true]);
  });

  it("keeps a timestamptz parameter's microseconds and reads it back as text", async () => {
    const c = await connect();
    await c.execute(s("set time zone 'UTC'"));
    const res = await c.execute(s("select $1::timestamptz as t, $2::timestamptz as fromdate", "2024-05-06 07:08:09.654321+00", new Date(Date.UTC(2020, 0, 1))));
    expect(res.rows[0]).toEqual(["2024-05-06 07:08:09.654321+00", "2020-01-01 00:00:00+00"]);
  });

  it("commits and rolls back", async () => {
    const a = await connect();
    await a.begin!();
    await a.execute(s(`insert into ${items} (name) values ('kept')`));
    await a.commit!();
    await a.begin!();
    await a.execute(s(`insert into ${items} (name) values ('gone')`));
    await a.rollback!();
    expect((await a.execute(s(`select name from ${items}`))).rows).toEqual([["kept"]]);
  });

  it("runs SAVEPOINT / ROLLBACK TO / RELEASE sent through execute", async () => {
    const a = await connect();
    await a.begin!({ isolationLevel: "repeatable read" });
    await a.execute(s(`insert into ${items} (name) values ('kept')`));
    await a.execute(s("SAVEPOINT sp1"));
    await a.execute(s(`insert into ${items} (name) values ('undone')`));
    await a.execute(s("ROLLBACK TO SAVEPOINT sp1"));
    await a.execute(s("RELEASE SAVEPOINT sp1"));
    await a.commit!();
    expect((await a.execute(s(`select name from ${items}`))).rows).toEqual([["kept"]]);
  });

  it("begins with an isolation level and read-only mode, rejecting unknown levels", async () => {
    const a = await connect();
    await a.begin!({ isolationLevel: "SERIALIZABLE", readOnly: true });
    const res = await a.execute(s("select current_setting('transaction_isolation'), current_setting('transaction_read_only')"));
    expect(res.rows).toEqual([["serializable", "on"]]);
    const ro = await caught(a.execute(s(`insert into ${items} (name) values ('x')`)));
    expect(driver.describeError(ro)).toMatchObject({ kind: "internal", code: "25006" });
    await a.rollback!();
    const bad = await caught(a.begin!({ isolationLevel: "SNAPSHOT; drop table x" }));
    expect(driver.describeError(bad)).toMatchObject({ kind: "notSupported", code: "ISOLATION_LEVEL_NOT_SUPPORTED" });
  });

  it("release() rolls back an open transaction", async () => {
    const a = await driver.connect();
    await a.begin!();
    await a.execute(s(`insert into ${items} (name) values ('x')`));
    await a.release();
    const b = await connect();
    expect((await b.execute(s(`select count(*)::int from ${items}`))).rows).toEqual([[0]]);
  });

  describe("describeError", () => {
    it("unique violation → integrity with SQLSTATE and constraint name", async () => {
      const c = await connect();
      await c.execute(s(`insert into ${items} (name) values ('u')`));
      const err = await caught(c.execute(s(`insert into ${items} (name) values ($1)`, "u")));
      expect(driver.describeError(err)).toMatchObject({ kind: "integrity", code: "23505", constraint: `${items}_name_key` });
    });

    it("foreign key violation → integrity 23503 with constraint name", async () => {
      const c = await connect();
      const err = await caught(c.execute(s(`insert into ${parts} (item_id, w) values ($1, 1)`, 42)));
      expect(driver.describeError(err)).toMatchObject({ kind: "integrity", code: "23503", constraint: `${parts}_item_fk` });
    });

    it("check violation → integrity 23514; not-null → 23502", async () => {
      const c = await connect();
      const [{ 0: id }] = (await c.execute(s(`insert into ${items} (name) values ('i') returning id`))).rows as unknown[][] as [unknown[]];
      const err = await caught(c.execute(s(`insert into ${parts} (item_id, w) values ($1, -1)`, id)));
      expect(driver.describeError(err)).toMatchObject({ kind: "integrity", code: "23514", constraint: `${parts}_w_ck` });
      const nn = await caught(c.execute(s(`insert into ${items} (name) values (null)`)));
      expect(driver.describeError(nn)).toMatchObject({ kind: "integrity", code: "23502" });
    });

    it("syntax error and unknown table → programming", async () => {
      const c = await connect();
      expect(driver.describeError(await caught(c.execute(s("selec 1"))))).toMatchObject({ kind: "programming", code: "42601" });
      expect(driver.describeError(await caught(c.execute(s("select * from adp_pg_missing"))))).toMatchObject({
        kind: "programming",
        code: "42P01",
      });
    });

    it("bad data → data (22xxx); division by zero → data", async () => {
      const c = await connect();
      expect(driver.describeError(await caught(c.execute(s("select 'abc'::int"))))).toMatchObject({ kind: "data", code: "22P02" });
      expect(driver.describeError(await caught(c.execute(s("select 1/0"))))).toMatchObject({ kind: "data", code: "22012" });
    });

    it("returns undefined for foreign errors", () => {
      expect(driver.describeError(new Error("x"))).toBeUndefined();
      expect(driver.describeError(42)).toBeUndefined();
    });
  });
});

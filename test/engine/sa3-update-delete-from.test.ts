/**
 * UPDATE … FROM and DELETE … USING executed on real databases, ported by behaviour from
 * SQLAlchemy 2.0's test/sql/test_update.py (UpdateFromRoundTripTest,
 * UpdateFromMultiTableUpdateDefaultsTest) and test/sql/test_delete.py (DeleteFromRoundTripTest).
 * UPDATE … FROM runs on PostgreSQL and SQLite (3.33+); DELETE … USING is PostgreSQL only.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Column, CompileError, ForeignKey, Integer, MetaData, String, Table, delete as delete_, insert, select, update } from "../../src/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

const targets = engineTargets().filter((t) => t.kind !== "memory");

describe.each(targets)("UpdateFromRoundTripTest / DeleteFromRoundTripTest on $name", (target) => {
  const pg = target.dialect === "postgresql";
  const md = new MetaData();
  const users = Table(uniqueName("users"), md, {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String(30), { nullable: false }),
    some_update: Column(String(30), { onupdate: "im the update" }),
  });
  const addresses = Table(uniqueName("addresses"), md, {
    id: Column(Integer, { primaryKey: true }),
    user_id: Column(new ForeignKey(users.c.id)),
    name: Column(String(30), { nullable: false }),
    email_address: Column(String(50), { nullable: false }),
  });
  const dingalings = Table(uniqueName("dingalings"), md, {
    id: Column(Integer, { primaryKey: true }),
    address_id: Column(new ForeignKey(addresses.c.id)),
    data: Column(String(30)),
  });
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
  });
  beforeEach(async () => {
    await h.engine.begin(async (conn) => {
      await md.dropAll(conn, { checkFirst: true });
      await md.createAll(conn);
      await conn.execute(insert(users), [7, 8, 9, 10].map((id, i) => ({ id, name: ["jack", "ed", "fred", "chuck"][i], some_update: "value" })));
      await conn.execute(insert(addresses), [
        { id: 1, user_id: 7, name: "x", email_address: "jack@bean.com" },
        { id: 2, user_id: 8, name: "x", email_address: "ed@wood.com" },
        { id: 3, user_id: 8, name: "x", email_address: "ed@bettyboop.com" },
        { id: 4, user_id: 8, name: "x", email_address: "ed@lala.com" },
        { id: 5, user_id: 9, name: "x", email_address: "fred@fred.com" },
      ]);
      await conn.execute(insert(dingalings), [{ id: 1, address_id: 2, data: "ding 1/2" }, { id: 2, address_id: 5, data: "ding 2/5" }]);
    });
  });
  afterAll(async () => {
    await h.engine.begin((conn) => md.dropAll(conn, { checkFirst: true }));
    await h.cleanup();
  });
  const rowsOf = async (t: Table) => h.engine.connect(async (conn) => (await conn.execute(select(t).orderBy(t.c.id!))).all().map((r) => [...r]));

  it("test_exec_two_table", async () => {
    await h.engine.begin((conn) => conn.execute(update(addresses).values({ email_address: users.c.name }).where(users.c.id.eq(addresses.c.user_id)).where(users.c.name.eq("ed"))));
    expect(await rowsOf(addresses)).toEqual([
      [1, 7, "x", "jack@bean.com"],
      [2, 8, "x", "ed"],
      [3, 8, "x", "ed"],
      [4, 8, "x", "ed"],
      [5, 9, "x", "fred@fred.com"],
    ]);
  });

  it("test_exec_two_table_plus_alias", async () => {
    const a1 = addresses.alias();
    await h.engine.begin((conn) =>
      conn.execute(update(addresses).values({ email_address: users.c.name }).where(users.c.id.eq(a1.c.user_id)).where(users.c.name.eq("ed")).where(a1.c.id.eq(addresses.c.id))),
    );
    expect(await rowsOf(addresses)).toEqual([
      [1, 7, "x", "jack@bean.com"],
      [2, 8, "x", "ed"],
      [3, 8, "x", "ed"],
      [4, 8, "x", "ed"],
      [5, 9, "x", "fred@fred.com"],
    ]);
  });

  it("test_exec_three_table", async () => {
    await h.engine.begin((conn) =>
      conn.execute(
        update(addresses)
          .values({ email_address: users.c.name })
          .where(users.c.id.eq(addresses.c.user_id))
          .where(users.c.name.eq("ed"))
          .where(addresses.c.id.eq(dingalings.c.address_id))
          .where(dingalings.c.id.eq(1)),
      ),
    );
    expect(await rowsOf(addresses)).toEqual([
      [1, 7, "x", "jack@bean.com"],
      [2, 8, "x", "ed"],
      [3, 8, "x", "ed@bettyboop.com"],
      [4, 8, "x", "ed@lala.com"],
      [5, 9, "x", "fred@fred.com"],
    ]);
  });

  it("test_no_defaults_second_table: only the target's onupdate fires", async () => {
    await h.engine.begin((conn) => conn.execute(update(addresses).values({ email_address: users.c.name }).where(users.c.id.eq(addresses.c.user_id)).where(users.c.name.eq("ed"))));
    // users is not the UPDATE's target: its onupdate does not fire.
    expect(await rowsOf(users)).toEqual([[7, "jack", "value"], [8, "ed", "value"], [9, "fred", "value"], [10, "chuck", "value"]]);
    await h.engine.begin((conn) => conn.execute(update(users).values({ name: "ed2" }).where(users.c.id.eq(addresses.c.user_id)).where(addresses.c.id.eq(2))));
    expect((await rowsOf(users))[1]).toEqual([8, "ed2", "im the update"]);
  });

  it("test_exec_two_table (DELETE … USING)", async () => {
    const stmt = delete_(addresses).where(users.c.id.eq(addresses.c.user_id)).where(users.c.name.eq("ed"));
    if (!pg) {
      expect(() => stmt.compile({ dialect: h.engine.dialect })).toThrow(CompileError);
      return;
    }
    await h.engine.begin(async (conn) => {
      await conn.execute(delete_(dingalings));
      await conn.execute(stmt);
    });
    expect(await rowsOf(addresses)).toEqual([[1, 7, "x", "jack@bean.com"], [5, 9, "x", "fred@fred.com"]]);
  });

  it("test_exec_three_table (DELETE … USING)", async () => {
    if (!pg) return; // delete_using
    await h.engine.begin((conn) =>
      conn.execute(delete_(dingalings).where(users.c.id.eq(addresses.c.user_id)).where(users.c.name.eq("ed")).where(addresses.c.id.eq(dingalings.c.address_id))),
    );
    expect(await rowsOf(dingalings)).toEqual([[2, 5, "ding 2/5"]]);
  });

  it("test_exec_two_table_plus_alias (DELETE … USING)", async () => {
    if (!pg) return; // delete_using
    const a1 = addresses.alias();
    await h.engine.begin(async (conn) => {
      await conn.execute(delete_(dingalings));
      await conn.execute(delete_(addresses).where(users.c.id.eq(addresses.c.user_id)).where(users.c.name.eq("ed")).where(a1.c.id.eq(addresses.c.id)));
    });
    expect(await rowsOf(addresses)).toEqual([[1, 7, "x", "jack@bean.com"], [5, 9, "x", "fred@fred.com"]]);
  });

  it("test_exec_alias_plus_table (DELETE … USING)", async () => {
    if (!pg) return; // delete_using
    const d1 = dingalings.alias();
    await h.engine.begin((conn) =>
      conn.execute(delete_(d1).where(users.c.id.eq(addresses.c.user_id)).where(users.c.name.eq("ed")).where(addresses.c.id.eq(d1.c.address_id))),
    );
    expect(await rowsOf(dingalings)).toEqual([[2, 5, "ding 2/5"]]);
  });
});

/**
 * `insertedPrimaryKey` of an INSERT that inserted no row (ON CONFLICT DO NOTHING / DO UPDATE …
 * WHERE that conflicted), ported from SQLAlchemy 2.0 (rel_2_0)
 * test/dialect/postgresql/test_on_conflict.py and test/dialect/sqlite/test_on_conflict.py:
 * a key the engine fetches with an implicit RETURNING that returned no row is `None` (null), not
 * `(None,)`; a key given in the parameters is reported as given; SQLite reports its last insert
 * rowid, which a statement that inserted nothing leaves at the previous INSERT's value.
 */
import { describe, expect, it } from "vitest";
import { Column, Integer, MetaData, String, Table, UniqueConstraint, insert, select } from "../../src/index.js";
import { insert as pgInsert } from "../../src/dialects/postgresql/index.js";
import { insert as sqliteInsert } from "../../src/dialects/sqlite/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, useTablesPerTest } from "./engine-targets.js";

const targets = engineTargets().filter((t) => t.kind !== "memory");

describe.each(targets)("insertedPrimaryKey of a conflicting INSERT on $name", (target) => {
  const md = new MetaData();
  const users = Table(uniqueName("sa4pk_users"), md, { id: Column(Integer, { primaryKey: true }), name: Column(String(50)) });
  const usersXtra = Table(
    uniqueName("sa4pk_users_xtra"),
    md,
    {
      id: Column(Integer, { primaryKey: true }),
      name: Column(String(50)),
      login_email: Column(String(50)),
      lets_index_this: Column(String(50)),
    },
    new UniqueConstraint("login_email", { name: uniqueName("uq_login_email") }),
  );
  const uqName = (usersXtra.constraints.find((c) => c instanceof UniqueConstraint) as UniqueConstraint).name!;
  const pg = target.name.startsWith("postgres");
  const ins = (t: typeof users) => (pg ? pgInsert(t) : sqliteInsert(t));
  const h = useTablesPerTest(target, md);

  it("test_on_conflict_do_nothing_connectionless", async () => {
    const conflict = pg ? { constraint: uqName } : { indexElements: [usersXtra.c.login_email] };
    await h.engine.begin(async (conn) => {
      let r = await conn.execute(ins(usersXtra).onConflictDoNothing(conflict), { name: "name1", login_email: "email1" });
      expect(r.insertedPrimaryKey?._tuple()).toEqual([1]);
      r = await conn.execute(ins(usersXtra).onConflictDoNothing(conflict), { name: "name2", login_email: "email1" });
      // PostgreSQL: the implicit RETURNING gave no row → None. SQLite: the stale last rowid → (1,).
      if (pg) expect(r.insertedPrimaryKey).toBe(null);
      else expect(r.insertedPrimaryKey?._tuple()).toEqual([1]);
      const all = (await conn.execute(select(usersXtra).where(usersXtra.c.id.eq(1)))).all().map((x) => [...x]);
      expect(all).toEqual([[1, "name1", "email1", null]]);
    });
  });

  it("test_on_conflict_do_nothing: a key given is reported even when nothing was inserted", async () => {
    await h.engine.begin(async (conn) => {
      let r = await conn.execute(ins(users).onConflictDoNothing(), { id: 1, name: "name1" });
      expect(r.insertedPrimaryKey?._tuple()).toEqual([1]);
      r = await conn.execute(ins(users).onConflictDoNothing(), { id: 1, name: "name2" });
      expect(r.insertedPrimaryKey?._tuple()).toEqual([1]);
    });
  });

  it("test_on_conflict_do_update_no_row_actually_affected", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(usersXtra), { id: 1, name: "name1", login_email: "name1@gmail.com", lets_index_this: "not" });
      await conn.execute(insert(usersXtra), { id: 2, name: "name2", login_email: "name2@gmail.com", lets_index_this: "not" });
      const i = ins(usersXtra);
      const r = await conn.execute(
        i.onConflictDoUpdate({ indexElements: [usersXtra.c.login_email], set: { name: "new_name" }, where: i.excluded.name.eq("other_name") }),
        { name: "name2", login_email: "name1@gmail.com" },
      );
      if (pg) expect(r.insertedPrimaryKey).toBe(null);
      else expect(r.insertedPrimaryKey?._tuple()).toEqual([2]);
      const all = (await conn.execute(select(usersXtra).orderBy(usersXtra.c.id))).all().map((x) => [...x]);
      expect(all).toEqual([
        [1, "name1", "name1@gmail.com", "not"],
        [2, "name2", "name2@gmail.com", "not"],
      ]);
    });
  });
});

/**
 * RETURNING and ON CONFLICT executed on real PostgreSQL and libSQL, ported by behaviour from
 * SQLAlchemy 2.0's test/sql/test_returning.py, test/dialect/postgresql/test_on_conflict.py,
 * the ON CONFLICT tests of test/dialect/test_sqlite.py and test/sql/test_insert_exec.py.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError, Boolean as Bool, Column, CompileError, Index, ProgrammingError, Integer, InvalidRequestError, MetaData, Sequence, String, Table, UniqueConstraint, delete as delete_, func,
  insert, literal, select, update,
} from "../../src/index.js";
import { insert as pgInsert } from "../../src/dialects/postgresql/index.js";
import { insert as sqliteInsert } from "../../src/dialects/sqlite/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, useTablesPerTest, type EngineHandle } from "./engine-targets.js";

const targets = engineTargets().filter((t) => t.kind !== "memory");

describe.each(targets)("RETURNING on $name (test_returning.py)", (target) => {
  const md = new MetaData();
  const table = Table(uniqueName("returning_tbl"), md, {
    id: Column(Integer, { primaryKey: true }),
    persons: Column(Integer),
    full: Column(Bool),
    strval: Column(String(50)),
  });
  const keyed = Table(uniqueName("returning_key"), md, {
    foo_id: Column(Integer, { primaryKey: true, name: "id" }),
    data: Column(String(20)),
  });
  // SQLAlchemy's run_create_tables = "each": generated ids start at 1 in every test.
  const h = useTablesPerTest(target, md);

  it("test_column_targeting", async () => {
    await h.engine.begin(async (conn) => {
      const row1 = (await conn.execute(insert(table).returning(table.c.id, table.c.full), { persons: 1, full: false })).first()!._mapping;
      expect(row1.get(table.c.id)).toBe(1);
      expect(row1.id).toBe(1);
      expect(row1.full).toBe(false);
      const row = (await conn.execute(insert(table).values({ persons: 5, full: true, strval: "x" }).returning(table.c.persons, table.c.full))).first()!._mapping;
      expect(row.get(table.c.persons)).toBe(5);
      expect(row.persons).toBe(5);
      expect(row.full).toBe(true);
    });
  });

  it("test_labeling", async () => {
    await h.engine.begin(async (conn) => {
      const row = (await conn.execute(insert(table).values({ persons: 6 }).returning(table.c.persons.label("lala")))).first()!._mapping;
      expect(row.lala).toBe(6);
    });
  });

  it("test_anon_expressions", async () => {
    await h.engine.begin(async (conn) => {
      const row = (await conn.execute(insert(table).values({ persons: 12 }).returning(table.c.persons.add(18)))).first()!;
      expect(row[0]).toBe(30);
      const row2 = (await conn.execute(insert(table).values({ strval: "SomeOTHER" }).returning(func.lower(table.c.strval)))).first()!;
      expect(row2[0]).toBe("someother");
    });
  });

  it("test_insert_returning_w_expression", async () => {
    await h.engine.begin(async (conn) => {
      const r1 = await conn.execute(insert(table).returning(table.c.strval.concat("hi")), { persons: 5, full: false, strval: "str1" });
      expect(r1.all().map((r) => [...r])).toEqual([["str1hi"]]);
      const r2 = await conn.execute(insert(table).returning(table.c.persons, table.c.full, table.c.strval.concat("hi")), { persons: 5, full: false, strval: "str1" });
      expect(r2.all().map((r) => [...r])).toEqual([[5, false, "str1hi"]]);
      const r3 = await conn.execute(insert(table).returning(table.c.persons, table.c.strval.concat("hi"), table.c.full), { persons: 5, full: false, strval: "str1" });
      expect(r3.all().map((r) => [...r])).toEqual([[5, "str1hi", false]]);
      const r4 = await conn.execute(insert(table).returning(table.c.strval.concat("hi"), table.c.persons, table.c.full), { persons: 5, full: false, strval: "str1" });
      expect(r4.all().map((r) => [...r])).toEqual([["str1hi", 5, false]]);
      const all = await conn.execute(select(table.c.id, table.c.strval).orderBy(table.c.id));
      expect(all.all().map((r) => [...r])).toEqual([[1, "str1"], [2, "str1"], [3, "str1"], [4, "str1"]]);
    });
  });

  it("test_insert_explicit_pk_col", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(table).returning(table.c.id, table.c.strval), { id: 1, strval: "str1" });
      expect(r.all().map((x) => [...x])).toEqual([[1, "str1"]]);
    });
  });

  it("test_no_ipk_on_returning", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(table).returning(table.c.id), { persons: 1, full: false });
      expect(() => r.insertedPrimaryKey).toThrow(InvalidRequestError);
    });
  });

  it("test_insert_returning", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(table).returning(table.c.id), { persons: 1, full: false });
      expect(r.all().map((x) => [...x])).toEqual([[1]]);
    });
  });

  it("test_multivalues_insert_returning", async () => {
    await h.engine.begin(async (conn) => {
      const ins = insert(table).returning(table.c.id, table.c.persons).values([
        { persons: 1, full: false },
        { persons: 2, full: true },
        { persons: 3, full: false },
      ]);
      expect((await conn.execute(ins)).all().map((x) => [...x])).toEqual([[1, 1], [2, 2], [3, 3]]);
    });
  });

  it("test_update_returning", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(table), [{ persons: 5, full: false }, { persons: 3, full: false }]);
      const r = await conn.execute(update(table).values({ full: true }).where(table.c.persons.gt(4)).returning(table.c.id));
      expect(r.all().map((x) => [...x])).toEqual([[1]]);
      const r2 = await conn.execute(select(table.c.id, table.c.full).orderBy(table.c.id));
      expect(r2.all().map((x) => [...x])).toEqual([[1, true], [2, false]]);
    });
  });

  it("test_update_returning_w_expression_one", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(table), [{ persons: 5, full: false, strval: "str1" }, { persons: 3, full: false, strval: "str2" }]);
      const r = await conn.execute(update(table).where(table.c.persons.gt(4)).values({ full: true }).returning(table.c.strval.concat("hi")));
      expect(r.all().map((x) => [...x])).toEqual([["str1hi"]]);
      const r2 = await conn.execute(select(table.c.id, table.c.strval).orderBy(table.c.id));
      expect(r2.all().map((x) => [...x])).toEqual([[1, "str1"], [2, "str2"]]);
    });
  });

  it("test_update_full_returning", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(table), [{ persons: 5, full: false }, { persons: 3, full: false }]);
      const r = await conn.execute(update(table).where(table.c.persons.gt(2)).values({ full: true }).returning(table.c.id, table.c.full));
      expect(r.all().map((x) => [...x]).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([[1, true], [2, true]]);
    });
  });

  it("test_delete_returning", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(table), [{ persons: 5, full: false }, { persons: 3, full: false }]);
      const r = await conn.execute(delete_(table).where(table.c.persons.gt(4)).returning(table.c.id));
      expect(r.all().map((x) => [...x])).toEqual([[1]]);
      const r2 = await conn.execute(select(table.c.id, table.c.full).orderBy(table.c.id));
      expect(r2.all().map((x) => [...x])).toEqual([[2, false]]);
    });
  });

  it("test_select_doesnt_pollute_result", async () => {
    const m2 = new MetaData();
    const t1 = Table(uniqueName("t1"), m2, { x: Column(Integer) });
    const t2 = Table(uniqueName("t2"), m2, { x: Column(Integer) });
    await h.engine.begin(async (conn) => {
      await m2.createAll(conn);
      try {
        await conn.execute(insert(t1).values({ x: 5 }));
        const r = await conn.execute(insert(t2).values({ x: select(t1.c.x).scalarSubquery() }).returning(t2.c.x));
        expect(r.scalar()).toBe(5);
      } finally {
        await m2.dropAll(conn);
      }
    });
  });

  it("KeyReturningTest.test_insert: returning() of a column whose key differs from its name", async () => {
    await h.engine.begin(async (conn) => {
      const row = (await conn.execute(insert(keyed).returning(keyed.c.foo_id), { data: "somedata" })).first()!._mapping;
      expect(row.get(keyed.c.foo_id)).toBe(1);
      expect(row.foo_id).toBe(1);
      const sel = (await conn.execute(select(keyed))).first()!._mapping;
      expect(sel.get(keyed.c.foo_id)).toBe(1);
    });
  });

  it("test_insert_executemany_returning keeps the order of the parameter sets (InsertManyReturningTest)", async () => {
    await h.engine.begin(async (conn) => {
      const rows = Array.from({ length: 25 }, (_, i) => ({ persons: 100 - i, strval: `s${i}` }));
      const r = await conn.execute(insert(table).returning(table.c.id, table.c.persons, table.c.strval), rows);
      expect(r.all().map((x) => [...x])).toEqual(rows.map((p, i) => [i + 1, p.persons, p.strval]));
    });
  });
});

describe.each(targets)("SequenceReturningTest on $name", (target) => {
  const pg = target.dialect === "postgresql";
  const md = new MetaData();
  const seq = new Sequence(uniqueName("tid_seq"), { metadata: md });
  const t = Table(uniqueName("seq_returning"), md, { id: Column(Integer, { primaryKey: true, sequence: seq }), data: Column(String(50)) });
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin((conn) => md.createAll(conn));
  });
  afterAll(async () => {
    await h.engine.begin((conn) => md.dropAll(conn));
    await h.cleanup();
  });
  it("test_insert", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(t).values({ data: "hi" }).returning(t.c.id));
      expect([...r.first()!]).toEqual([1]);
      // The sequence advanced on PostgreSQL; SQLite has no sequences and autoincrements the key.
      if (pg) expect(await conn.scalar(select(seq.nextValue()))).toBe(2);
    });
  });
});

describe.each(targets)("ON CONFLICT on $name (test_on_conflict.py, test_sqlite.py OnConflictTest)", (target) => {
  const pg = target.dialect === "postgresql";
  const ins = pg ? pgInsert : sqliteInsert;
  const md = new MetaData();
  const users = Table(uniqueName("users"), md, { id: Column(Integer, { primaryKey: true }), name: Column(String(50)) });
  const usersXtra = Table(
    uniqueName("users_xtra"),
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
  void Index;
  const h = useTablesPerTest(target, md);
  const rows = async (where = users.c.id.eq(1)) => h.engine.connect(async (conn) => (await conn.execute(select(users).where(where))).all().map((r) => [...r]));

  it("test_bad_args", () => {
    expect(() => ins(users).onConflictDoUpdate({} as never)).toThrow(ArgumentError);
    expect(() => ins(users).onConflictDoUpdate({ set: {} } as never)).toThrow(ArgumentError);
    expect(() => ins(users).onConflictDoUpdate({ constraint: "id", set: {} } as never)).toThrow(ArgumentError);
    expect(() => ins(users).onConflictDoNothing({ constraint: "id", indexElements: ["id"] })).toThrow(ArgumentError);
    expect(() => ins(users).onConflictDoUpdate({ constraint: "id", indexElements: ["id"], set: { name: "x" } })).toThrow(ArgumentError);
  });

  it("test_on_conflict_do_nothing", async () => {
    await h.engine.begin(async (conn) => {
      let r = await conn.execute(ins(users).onConflictDoNothing(), { id: 1, name: "name1" });
      expect([...r.insertedPrimaryKey!]).toEqual([1]);
      r = await conn.execute(ins(users).onConflictDoNothing(), { id: 1, name: "name2" });
      expect([...r.insertedPrimaryKey!]).toEqual([1]);
    });
    expect(await rows()).toEqual([[1, "name1"]]);
  });

  it("test_on_conflict_do_nothing_connectionless", async () => {
    // SQLite has no ON CONSTRAINT: the unique column is the conflict target there.
    const target = pg ? { constraint: uqName } : { indexElements: [usersXtra.c.login_email] };
    await h.engine.begin(async (conn) => {
      let r = await conn.execute(ins(usersXtra).onConflictDoNothing(target), { name: "name1", login_email: "email1" });
      expect([...r.insertedPrimaryKey!]).toEqual([1]);
      r = await conn.execute(ins(usersXtra).onConflictDoNothing(target), { name: "name2", login_email: "email1" });
      expect(r.rowsAffected).toBe(0);
      const all = (await conn.execute(select(usersXtra).where(usersXtra.c.id.eq(1)))).all().map((x) => [...x]);
      expect(all).toEqual([[1, "name1", "email1", null]]);
    });
  });

  it("test_on_conflict_do_nothing_target", async () => {
    await h.engine.begin(async (conn) => {
      let r = await conn.execute(ins(users).onConflictDoNothing({ indexElements: users.primaryKeyColumns }), { id: 1, name: "name1" });
      expect([...r.insertedPrimaryKey!]).toEqual([1]);
      r = await conn.execute(ins(users).onConflictDoNothing({ indexElements: users.primaryKeyColumns }), { id: 1, name: "name2" });
      expect([...r.insertedPrimaryKey!]).toEqual([1]);
    });
    expect(await rows()).toEqual([[1, "name1"]]);
  });

  it("test_on_conflict_do_update_one", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(users), { id: 1, name: "name1" });
      const i = ins(users);
      const r = await conn.execute(i.onConflictDoUpdate({ indexElements: [users.c.id], set: { name: i.excluded.name } }), { id: 1, name: "name1" });
      expect([...r.insertedPrimaryKey!]).toEqual([1]);
    });
    expect(await rows()).toEqual([[1, "name1"]]);
  });

  it("test_on_conflict_do_update_one (issue_5939: set is the whole excluded collection)", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(users), { id: 1, name: "name1" });
      const i = ins(users);
      await conn.execute(i.onConflictDoUpdate({ indexElements: [users.c.id], set: i.excluded as never }), { id: 1, name: "name1b" });
    });
    expect(await rows()).toEqual([[1, "name1b"]]);
  });

  it("test_on_conflict_do_update_set_executemany", async () => {
    for (const useReturning of [false, true]) {
      await h.engine.begin(async (conn) => {
        await conn.execute(delete_(users));
        await conn.execute(insert(users), [{ id: 1, name: "name1" }, { id: 2, name: "name2" }]);
        const i0 = ins(users);
        const i = i0.onConflictDoUpdate({ indexElements: [users.c.id], set: { id: i0.excluded.id, name: i0.excluded.name.concat(".5") } });
        const params = [{ id: 1, name: "name1" }, { id: 2, name: "name2" }, { id: 3, name: "name3" }];
        if (useReturning) {
          const r = await conn.execute(i.returning(users.c.id, users.c.name), params);
          expect(r.all().map((x) => [...x])).toEqual([[1, "name1.5"], [2, "name2.5"], [3, "name3"]]);
        } else await conn.execute(i, params);
        const all = (await conn.execute(select(users).orderBy(users.c.id))).all().map((x) => [...x]);
        expect(all).toEqual([[1, "name1.5"], [2, "name2.5"], [3, "name3"]]);
      });
    }
  });

  it("test_on_conflict_do_update_column_as_key_set", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(users), { id: 1, name: "name1" });
      const i = ins(users);
      const r = await conn.execute(i.onConflictDoUpdate({ indexElements: [users.c.id], set: new Map([[users.c.name, i.excluded.name]]) as never }), { id: 1, name: "name1x" });
      expect([...r.insertedPrimaryKey!]).toEqual([1]);
    });
    expect(await rows()).toEqual([[1, "name1x"]]);
  });

  it("test_on_conflict_do_update_two", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(users), { id: 1, name: "name1" });
      const i = ins(users);
      const r = await conn.execute(i.onConflictDoUpdate({ indexElements: [users.c.id], set: { id: i.excluded.id, name: i.excluded.name } }), { id: 1, name: "name2" });
      expect([...r.insertedPrimaryKey!]).toEqual([1]);
    });
    expect(await rows()).toEqual([[1, "name2"]]);
  });

  it("test_on_conflict_do_update_three", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(users), { id: 1, name: "name1" });
      const i = ins(users);
      await conn.execute(i.onConflictDoUpdate({ indexElements: users.primaryKeyColumns, set: { name: i.excluded.name } }), { id: 1, name: "name3" });
    });
    expect(await rows()).toEqual([[1, "name3"]]);
  });

  it("test_on_conflict_do_update_four", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(users), { id: 1, name: "name1" });
      const i = ins(users);
      const r = await conn.execute(i.onConflictDoUpdate({ indexElements: users.primaryKeyColumns, set: { id: i.excluded.id, name: i.excluded.name } }).values({ id: 1, name: "name4" }));
      expect([...r.insertedPrimaryKey!]).toEqual([1]);
    });
    expect(await rows()).toEqual([[1, "name4"]]);
  });

  it("test_on_conflict_do_update_five", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(users), { id: 1, name: "name1" });
      const r = await conn.execute(ins(users).onConflictDoUpdate({ indexElements: users.primaryKeyColumns, set: { id: 10, name: "I'm a name" } }).values({ id: 1, name: "name4" }));
      expect([...r.insertedPrimaryKey!]).toEqual([1]);
    });
    expect(await rows(users.c.id.eq(10))).toEqual([[10, "I'm a name"]]);
  });

  it("test_on_conflict_do_update_multivalues", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(users), { id: 1, name: "name1" });
      await conn.execute(insert(users), { id: 2, name: "name2" });
      const i0 = ins(users);
      const i = i0
        .onConflictDoUpdate({ indexElements: users.primaryKeyColumns, set: { name: "updated" }, where: i0.excluded.name.ne("name12") })
        .values([{ id: 1, name: "name11" }, { id: 2, name: "name12" }, { id: 3, name: "name13" }, { id: 4, name: "name14" }]);
      const r = await conn.execute(i);
      expect(r.rowsAffected).toBe(3);
      const all = (await conn.execute(select(users).orderBy(users.c.id))).all().map((x) => [...x]);
      expect(all).toEqual([[1, "updated"], [2, "name2"], [3, "name13"], [4, "name14"]]);
    });
  });

  it("test_on_conflict_do_update_exotic_targets_two: a unique constraint target by index elements", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(usersXtra), { id: 1, name: "name1", login_email: "name1@gmail.com", lets_index_this: "not" });
      const i = ins(usersXtra);
      const r = await conn.execute(
        i.onConflictDoUpdate({ indexElements: [usersXtra.c.login_email], set: { id: i.excluded.id, name: i.excluded.name, login_email: i.excluded.login_email } }),
        { id: 42, name: "nameunique", login_email: "name1@gmail.com", lets_index_this: "not" },
      );
      expect([...r.insertedPrimaryKey!]).toEqual([42]);
      const all = (await conn.execute(select(usersXtra).where(usersXtra.c.id.eq(42)))).all().map((x) => [...x]);
      expect(all).toEqual([[42, "nameunique", "name1@gmail.com", "not"]]);
    });
  });

  it("test_on_conflict_do_update_no_row_actually_affected", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(usersXtra), { id: 1, name: "name1", login_email: "name1@gmail.com", lets_index_this: "not" });
      const i = ins(usersXtra);
      const r = await conn.execute(
        i.onConflictDoUpdate({ indexElements: [usersXtra.c.login_email], set: { lets_index_this: "unique" }, where: i.excluded.name.eq("other") }),
        { name: "name1", login_email: "name1@gmail.com", lets_index_this: "unique" },
      );
      expect(r.rowsAffected).toBe(0);
    });
  });

  it("test_on_conflict_do_update_multirow_returning_ordered", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(users), [{ id: 2, name: "two" }, { id: 4, name: "four" }]);
      const i0 = ins(users);
      const stmt = i0.onConflictDoUpdate({ indexElements: [users.c.id], set: { name: i0.excluded.name.concat(" upd") } }).returning(users.c.id, users.c.name);
      const params = [1, 2, 3, 4, 5].map((id) => ({ id, name: `n${id}` }));
      const r = await conn.execute(stmt, params);
      expect(r.all().map((x) => [...x])).toEqual([[1, "n1"], [2, "n2 upd"], [3, "n3"], [4, "n4 upd"], [5, "n5"]]);
    });
  });

  it("ON CONFLICT ON CONSTRAINT is PostgreSQL only", () => {
    if (pg) {
      expect(ins(usersXtra).onConflictDoNothing({ constraint: uqName }).compile({ dialect: h.engine.dialect }).sql).toContain(`ON CONFLICT ON CONSTRAINT ${uqName} DO NOTHING`);
    } else {
      expect(() => ins(usersXtra).onConflictDoNothing({ constraint: uqName }).compile({ dialect: h.engine.dialect })).toThrow(CompileError);
    }
    void literal;
  });
});

describe.each(targets.filter((t) => t.dialect === "postgresql"))("ON CONFLICT exotic targets on $name (test_on_conflict.py)", (target) => {
  const md = new MetaData();
  const uq = uniqueName("uq_login_email");
  const usersXtra = Table(
    uniqueName("users_xtra"),
    md,
    {
      id: Column(Integer, { primaryKey: true }),
      name: Column(String(50)),
      login_email: Column(String(50)),
      lets_index_this: Column(String(50)),
    },
    new UniqueConstraint("login_email", { name: uq }),
  );
  const uniqueConstraint = usersXtra.constraints.find((c) => c instanceof UniqueConstraint) as UniqueConstraint;
  const partialWhere = usersXtra.c.lets_index_this.eq("unique_name");
  const uniquePartialIndex = new Index(uniqueName("idx_unique_partial_name"), usersXtra.c.name, usersXtra.c.lets_index_this, { unique: true, where: partialWhere });
  const bogusWhere = usersXtra.c.lets_index_this.gt("m");
  const bogusIndex = new Index(uniqueName("idx_special_ops"), usersXtra.c.lets_index_this, { where: bogusWhere });
  const h = useTablesPerTest(target, md);
  const fixture = () =>
    h.engine.begin((conn) =>
      conn.execute(insert(usersXtra), [
        { id: 1, name: "name1", login_email: "name1@gmail.com", lets_index_this: "not" },
        { id: 2, name: "name2", login_email: "name2@gmail.com", lets_index_this: "not" },
      ]),
    );
  const all = () => h.engine.connect(async (conn) => (await conn.execute(select(usersXtra).orderBy(usersXtra.c.id))).all().map((r) => [...r]));

  it("test_on_conflict_do_update_exotic_targets_three", async () => {
    await fixture();
    await h.engine.begin(async (conn) => {
      const i = pgInsert(usersXtra);
      const r = await conn.execute(
        i.onConflictDoUpdate({ constraint: uniqueConstraint, set: { id: i.excluded.id, name: i.excluded.name, login_email: i.excluded.login_email } }),
        { id: 42, name: "nameunique", login_email: "name2@gmail.com", lets_index_this: "unique" },
      );
      expect([...r.insertedPrimaryKey!]).toEqual([42]);
    });
    expect((await all()).filter((r) => r[2] === "name2@gmail.com")).toEqual([[42, "nameunique", "name2@gmail.com", "not"]]);
  });

  it("test_on_conflict_do_update_exotic_targets_four", async () => {
    await fixture();
    await h.engine.begin(async (conn) => {
      const i = pgInsert(usersXtra);
      const r = await conn.execute(
        i.onConflictDoUpdate({ constraint: uq, set: { id: i.excluded.id, name: i.excluded.name, login_email: i.excluded.login_email } }),
        { id: 43, name: "nameunique2", login_email: "name2@gmail.com", lets_index_this: "unique" },
      );
      expect([...r.insertedPrimaryKey!]).toEqual([43]);
    });
    expect((await all()).filter((r) => r[2] === "name2@gmail.com")).toEqual([[43, "nameunique2", "name2@gmail.com", "not"]]);
  });

  it("test_on_conflict_do_update_exotic_targets_four_no_pk", async () => {
    for (const stringElements of [true, false]) {
      // Fresh tables per variation (SQLAlchemy's run_define_tables = "each"): the SERIAL restarts at 1.
      await h.engine.begin(async (conn) => {
        await md.dropAll(conn, { checkFirst: true });
        await md.createAll(conn);
      });
      await fixture();
      await h.engine.begin(async (conn) => {
        const i = pgInsert(usersXtra);
        const r = await conn.execute(
          i.onConflictDoUpdate({
            indexElements: stringElements ? ["login_email"] : [usersXtra.c.login_email],
            set: { id: i.excluded.id, name: i.excluded.name, login_email: i.excluded.login_email },
          }),
          { name: "name3", login_email: "name1@gmail.com" },
        );
        // The key comes back through the RETURNING the engine adds: the updated row's.
        expect([...r.insertedPrimaryKey!]).toEqual([1]);
      });
      expect(await all()).toEqual([[1, "name3", "name1@gmail.com", "not"], [2, "name2", "name2@gmail.com", "not"]]);
    }
  });

  it("test_on_conflict_do_update_exotic_targets_five", async () => {
    await fixture();
    const i = pgInsert(usersXtra);
    const stmt = i.onConflictDoUpdate({ indexElements: [usersXtra.c.lets_index_this], indexWhere: bogusWhere, set: { name: i.excluded.name, login_email: i.excluded.login_email } });
    await expect(h.engine.begin((conn) => conn.execute(stmt, { id: 1, name: "namebogus", login_email: "bogus@gmail.com", lets_index_this: "bogus" }))).rejects.toThrow(ProgrammingError);
    void bogusIndex;
  });

  it("test_on_conflict_do_update_exotic_targets_six", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(usersXtra), { id: 1, name: "name1", login_email: "mail1@gmail.com", lets_index_this: "unique_name" });
      const i = pgInsert(usersXtra);
      await conn.execute(
        i.onConflictDoUpdate({ indexElements: [usersXtra.c.name, usersXtra.c.lets_index_this], indexWhere: partialWhere, set: { name: i.excluded.name, login_email: i.excluded.login_email } }),
        [{ name: "name1", login_email: "mail2@gmail.com", lets_index_this: "unique_name" }],
      );
    });
    expect(await all()).toEqual([[1, "name1", "mail2@gmail.com", "unique_name"]]);
  });

  it("test_on_conflict_do_update_constraint_can_be_index", async () => {
    // An Index stands for its columns and WHERE (SQLAlchemy #9023), named or not.
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(usersXtra), { id: 1, name: "name1", login_email: "mail1@gmail.com", lets_index_this: "unique_name" });
      const i = pgInsert(usersXtra);
      await conn.execute(i.onConflictDoUpdate({ constraint: uniquePartialIndex, set: { name: i.excluded.name, login_email: i.excluded.login_email } }), [
        { name: "name1", login_email: "mail2@gmail.com", lets_index_this: "unique_name" },
      ]);
    });
    expect(await all()).toEqual([[1, "name1", "mail2@gmail.com", "unique_name"]]);
  });
});

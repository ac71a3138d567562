/**
 * INSERT execution on real PostgreSQL and libSQL, ported by behaviour from SQLAlchemy 2.0's
 * test/sql/test_insert_exec.py (multi-row VALUES, executemany parameter sets, inserted primary
 * keys), test/sql/test_defaults.py (defaults in multi-row VALUES and INSERT … FROM SELECT,
 * current parameters) and test/sql/test_sequences.py (sequences in multi-row VALUES).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ArgumentError, Column, ForeignKey, Integer, InvalidRequestError, MetaData, Sequence, String, Table, func, insert, select, text, update, bindparam,
} from "../../src/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, useTablesPerTest, type EngineHandle } from "./engine-targets.js";

const targets = engineTargets().filter((t) => t.kind !== "memory");

describe.each(targets)("InsertExecTest on $name (test_insert_exec.py)", (target) => {
  const pg = target.dialect === "postgresql";
  const md = new MetaData();
  const users = Table(uniqueName("users"), md, { user_id: Column(Integer, { primaryKey: true }), user_name: Column(String(20)) });
  const h = useTablesPerTest(target, md);
  const all = async <T extends Table>(t: T) =>
    h.engine.connect(async (conn) => (await conn.execute(select(t).orderBy(...t.primaryKeyColumns))).all().map((r) => [...r]));

  it("test_multivalues_insert", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(users).values([{ user_id: 7, user_name: "jack" }, { user_id: 8, user_name: "ed" }]));
      const byColumn = [new Map<unknown, unknown>([[users.c.user_id, 9], [users.c.user_name, "jack"]]), new Map<unknown, unknown>([[users.c.user_id, 10], [users.c.user_name, "ed"]])];
      await conn.execute(insert(users).values(byColumn as never));
    });
    expect(await all(users)).toEqual([[7, "jack"], [8, "ed"], [9, "jack"], [10, "ed"]]);
  });

  it("test_insert_heterogeneous_params", async () => {
    await expect(
      h.engine.begin((conn) => conn.execute(insert(users), [{ user_id: 7, user_name: "jack" }, { user_id: 8, user_name: "ed" }, { user_id: 9 }])),
    ).rejects.toThrow(/A value is required for bind parameter 'user_name'.*in parameter group 2/);
    // The first parameter set decides the columns: a key only later sets carry is not inserted.
    await h.engine.begin((conn) => conn.execute(insert(users), [{ user_id: 7 }, { user_id: 8, user_name: "ed" }, { user_id: 9 }]));
    expect(await all(users)).toEqual([[7, null], [8, null], [9, null]]);
  });

  it("test_lastrow_accessor_three: a composite string key is reported as given", async () => {
    const m = new MetaData();
    const t3 = Table(uniqueName("t3"), m, { id: Column(String(40), { primaryKey: true }), foo: Column(String(30), { primaryKey: true }), bar: Column(String(30)) });
    await h.engine.begin(async (conn) => {
      await m.createAll(conn);
      try {
        const r = await conn.execute(insert(t3), { id: "hi", foo: "thisisfoo", bar: "thisisbar" });
        const ipk = r.insertedPrimaryKey!;
        expect([...ipk]).toEqual(["hi", "thisisfoo"]);
        expect(ipk._mapping.id).toBe("hi");
        expect(ipk._mapping.foo).toBe("thisisfoo");
        expect(ipk._fields).toEqual(["id", "foo"]);
      } finally {
        await m.dropAll(conn);
      }
    });
  });

  it("test_lastrow_accessor_four_a: a Sequence primary key", async () => {
    const m = new MetaData();
    const seq = new Sequence(uniqueName("t4_id_seq"), { metadata: m });
    const t4 = Table(uniqueName("t4"), m, { id: Column(Integer, { primaryKey: true, sequence: seq }), foo: Column(String(30)) });
    await h.engine.begin(async (conn) => {
      await m.createAll(conn);
      try {
        const r = await conn.execute(insert(t4), { foo: "hi" });
        expect([...r.insertedPrimaryKey!]).toEqual([1]);
        expect((await conn.execute(select(t4))).all().map((x) => [...x])).toEqual([[1, "hi"]]);
      } finally {
        await m.dropAll(conn);
      }
    });
  });

  it("test_lastrow_accessor_five: a string key with a server default elsewhere", async () => {
    const m = new MetaData();
    const t5 = Table(uniqueName("t5"), m, { id: Column(String(10), { primaryKey: true }), bar: Column(String(30), { serverDefault: "hi" }) });
    await h.engine.begin(async (conn) => {
      await m.createAll(conn);
      try {
        const r = await conn.execute(insert(t5), { id: "id1" });
        expect([...r.insertedPrimaryKey!]).toEqual(["id1"]);
        expect((await conn.execute(select(t5))).all().map((x) => [...x])).toEqual([["id1", "hi"]]);
      } finally {
        await m.dropAll(conn);
      }
    });
  });

  it("test_lastrow_accessor_one / two / six: a composite key with an autoincrementing member (PostgreSQL)", async () => {
    if (!pg) return; // SQLite autoincrements only a single INTEGER PRIMARY KEY (supports_autoincrement_w_composite_pk)
    const m = new MetaData();
    const t2 = Table(uniqueName("t2"), m, {
      id: Column(Integer, { primaryKey: true, autoincrement: true }),
      foo: Column(String(30), { primaryKey: true }),
      bar: Column(String(30), { serverDefault: "hi" }),
    });
    const t6 = Table(uniqueName("t6"), m, { id: Column(Integer, { primaryKey: true, autoincrement: true }), bar: Column(Integer, { primaryKey: true }) });
    await h.engine.begin(async (conn) => {
      await m.createAll(conn);
      try {
        const r = await conn.execute(insert(t2), { foo: "hi" });
        expect([...r.insertedPrimaryKey!]).toEqual([1, "hi"]);
        expect(r.insertedPrimaryKey!._fields).toEqual(["id", "foo"]);
        expect((await conn.execute(select(t2))).all().map((x) => [...x])).toEqual([[1, "hi", "hi"]]);
        const r6 = await conn.execute(insert(t6), { bar: 0 });
        expect([...r6.insertedPrimaryKey!]).toEqual([1, 0]);
      } finally {
        await m.dropAll(conn);
      }
    });
  });

  it("test_misordered_lastrow (PostgreSQL)", async () => {
    if (!pg) return; // needs a composite key with an autoincrementing member
    const m = new MetaData();
    const related = Table(uniqueName("related"), m, { id: Column(Integer, { primaryKey: true }) });
    const t6 = Table(uniqueName("t6m"), m, {
      manual_id: Column(Integer, { primaryKey: true, foreignKey: new ForeignKey(related.c.id) }),
      auto_id: Column(Integer, { primaryKey: true, autoincrement: true }),
    });
    await h.engine.begin(async (conn) => {
      await m.createAll(conn);
      try {
        const r = await conn.execute(insert(related).values({ id: 12 }));
        const id = r.insertedPrimaryKey![0] as number;
        expect(id).toBe(12);
        const r2 = await conn.execute(insert(t6).values({ manual_id: id }));
        expect([...r2.insertedPrimaryKey!]).toEqual([12, 1]);
      } finally {
        await m.dropAll(conn);
      }
    });
  });

  it("test_implicit_id_insert_select_columns / keys: INSERT … SELECT reports a null key", async () => {
    await h.engine.begin(async (conn) => {
      const r1 = await conn.execute(insert(users).fromSelect([users.c.user_id, users.c.user_name], select(users).where(users.c.user_id.eq(20))));
      expect([...r1.insertedPrimaryKey!]).toEqual([null]);
      const r2 = await conn.execute(insert(users).fromSelect(["user_id", "user_name"], select(users).where(users.c.user_id.eq(20))));
      expect([...r2.insertedPrimaryKey!]).toEqual([null]);
    });
  });

  it("test_no_inserted_pk_on_returning", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(users).values({ user_name: "x" }).returning(users.c.user_id, users.c.user_name));
      expect(() => r.insertedPrimaryKey).toThrow(InvalidRequestError);
      expect(() => r.insertedPrimaryKey).toThrow(/Can't call inserted_primary_key when returning\(\) is used\./);
    });
  });

  it("test_explicit_null_pk_values_db_ignores_it / params: a NULL key is generated (SQLite)", async () => {
    if (pg) return; // database_discards_null_for_autoincrement: PostgreSQL refuses the NULL
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(users).values({ user_id: null, user_name: "a" } as never));
      expect([...r.insertedPrimaryKey!]).toEqual([1]);
      const r2 = await conn.execute(insert(users), { user_id: null, user_name: "b" });
      expect([...r2.insertedPrimaryKey!]).toEqual([2]);
    });
    expect(await all(users)).toEqual([[1, "a"], [2, "b"]]);
  });
});

describe.each(targets)("defaults in multi-row VALUES and INSERT … FROM SELECT on $name (test_defaults.py)", (target) => {
  const pg = target.dialect === "postgresql";
  const md = new MetaData();
  let counter = 50;
  const t = Table(uniqueName("default_test"), md, {
    col1: Column(Integer, { primaryKey: true, default: () => ++counter }),
    col2: Column(String(20), { default: "imthedefault", onupdate: "im the update" }),
    col3: Column(Integer, { default: func.length("abcdef"), onupdate: func.length("abcdefghijk") }),
    col9: Column(String(20), { default: "py", serverDefault: "ddl" }),
  });
  const data = Table(uniqueName("data"), md, { x: Column(Integer), y: Column(Integer) });
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
  });
  beforeEach(async () => {
    counter = 50;
    await h.engine.begin(async (conn) => {
      await md.dropAll(conn, { checkFirst: true });
      await md.createAll(conn);
      await conn.execute(insert(data), [{ x: 2, y: 5 }, { x: 7, y: 12 }]);
    });
  });
  afterAll(async () => {
    await h.engine.begin((conn) => md.dropAll(conn, { checkFirst: true }));
    await h.cleanup();
  });
  const rows = async () => h.engine.connect(async (conn) => (await conn.execute(select(t).orderBy(t.c.col1))).all().map((r) => [...r]));

  it("test_insert_multivalues: every default fires once per row", async () => {
    await h.engine.begin((conn) => conn.execute(insert(t).values([{}, {}, {}] as never)));
    expect(await rows()).toEqual([
      [51, "imthedefault", 6, "py"],
      [52, "imthedefault", 6, "py"],
      [53, "imthedefault", 6, "py"],
    ]);
  });

  it("test_insert_multivalues: a row's own value wins over the default", async () => {
    await h.engine.begin((conn) => conn.execute(insert(t).values([{ col2: "a" }, { col3: 99 }, { col9: "given" }] as never)));
    expect(await rows()).toEqual([
      [51, "a", 6, "py"],
      [52, "imthedefault", 99, "py"],
      [53, "imthedefault", 6, "given"],
    ]);
  });

  it("test_missing_many_param", async () => {
    const m = new MetaData();
    const t2 = Table(uniqueName("many_param"), m, { id: Column(Integer, { primaryKey: true }), col4: Column(Integer), col7: Column(Integer) });
    await h.engine.begin((conn) => m.createAll(conn));
    try {
      const e = await h.engine
        .begin((conn) => conn.execute(insert(t2), [{ col4: 7, col7: 12 }, { col4: 7 }, { col4: 7, col7: 12 }]))
        .then(() => undefined, (err: unknown) => err as Error);
      expect(e).toBeInstanceOf(ArgumentError);
      expect(e!.message).toMatch(/A value is required for bind parameter 'col7'.*in parameter group 1/);
    } finally {
      await h.engine.begin((conn) => m.dropAll(conn));
    }
  });

  it("test_insert_values / test_update_values: an explicit value wins over default and onupdate", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(t).values({ col3: 50 }));
      expect((await conn.execute(select(t.c.col3))).scalar()).toBe(50);
      await conn.execute(update(t).where(t.c.col1.eq(51)).values({ col3: 55 }));
      expect((await conn.execute(select(t.c.col2, t.c.col3))).all().map((r) => [...r])).toEqual([["im the update", 55]]);
    });
  });

  it("test_updatemany: onupdate fires for every parameter set", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(t), [{}, {}, {}]);
      await conn.execute(update(t).where(t.c.col1.eq(bindparam("pkval"))), [{ pkval: 51 }, { pkval: 52 }, { pkval: 53 }]);
    });
    expect(await rows()).toEqual([
      [51, "im the update", 11, "py"],
      [52, "im the update", 11, "py"],
      [53, "im the update", 11, "py"],
    ]);
  });

  it("test_insert_from_select_override_defaults", async () => {
    const m = new MetaData();
    const st = Table(uniqueName("sometable"), m, { x: Column(Integer), foo: Column(Integer, { default: 12 }), y: Column(Integer) });
    await h.engine.begin(async (conn) => {
      await m.createAll(conn);
      try {
        await conn.execute(insert(st).fromSelect(["x", "y"], select(data.c.x, data.c.y)));
        expect((await conn.execute(select(st).orderBy(st.c.x))).all().map((r) => [...r])).toEqual([[2, 12, 5], [7, 12, 12]]);
      } finally {
        await m.dropAll(conn);
      }
    });
  });

  it("test_insert_from_select_fn_defaults: the callable runs once for the statement", async () => {
    const m = new MetaData();
    let n = 0;
    const st = Table(uniqueName("sometable"), m, { x: Column(Integer), foo: Column(Integer, { default: () => ++n }), y: Column(Integer) });
    await h.engine.begin(async (conn) => {
      await m.createAll(conn);
      try {
        await conn.execute(insert(st).fromSelect(["x", "y"], select(data.c.x, data.c.y)));
        expect((await conn.execute(select(st).orderBy(st.c.x))).all().map((r) => [...r])).toEqual([[2, 1, 5], [7, 1, 12]]);
      } finally {
        await m.dropAll(conn);
      }
    });
  });

  it("test_insert_from_select with a SQL default and a sequence", async () => {
    const m = new MetaData();
    const seq = new Sequence(uniqueName("ifs_seq"), { metadata: m });
    const st = Table(uniqueName("sometable"), m, {
      id: Column(Integer, { primaryKey: true, sequence: seq }),
      x: Column(Integer),
      foo: Column(Integer, { default: func.length("abc") }),
    });
    await h.engine.begin(async (conn) => {
      await m.createAll(conn);
      try {
        await conn.execute(insert(st).fromSelect(["x"], select(data.c.x).orderBy(data.c.x)));
        expect((await conn.execute(select(st).orderBy(st.c.x))).all().map((r) => [...r])).toEqual([[1, 2, 3], [2, 7, 3]]);
      } finally {
        await m.dropAll(conn);
      }
    });
    void pg;
  });

  it("CurrentParametersTest.test_parameters: a callable default sees the row's parameters", async () => {
    const m = new MetaData();
    const seen: unknown[] = [];
    const st = Table(uniqueName("some_table"), m, {
      x: Column(String(50), { default: (ctx: { currentParameters?: unknown }) => void seen.push(ctx.currentParameters) }),
      y: Column(String(50)),
    });
    await h.engine.begin(async (conn) => {
      await m.createAll(conn);
      try {
        await conn.execute(insert(st), { y: "hello" });
        await conn.execute(insert(st), [{ y: "h1" }, { y: "h2" }]);
      } finally {
        await m.dropAll(conn);
      }
    });
    expect(seen).toEqual([{ y: "hello", x: null }, { y: "h1", x: null }, { y: "h2", x: null }]);
  });
});

describe.each(targets)("sequences in multi-row VALUES on $name (test_sequences.py)", (target) => {
  const pg = target.dialect === "postgresql";
  const md = new MetaData();
  const seq = new Sequence(uniqueName("my_seq"), { metadata: md, start: 1 });
  const t = Table(uniqueName("seq_t"), md, { x: Column(Integer, { primaryKey: true, sequence: seq }), data: Column(String(50)) });
  const nonpkSeq = new Sequence(uniqueName("counter_seq"), { metadata: md, start: 10 });
  const t2 = Table(uniqueName("seq_nonpk"), md, { id: Column(Integer, { primaryKey: true }), counter: Column(Integer, { sequence: nonpkSeq }), data: Column(String(50)) });
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin((conn) => md.createAll(conn));
  });
  afterAll(async () => {
    await h.engine.begin((conn) => md.dropAll(conn));
    await h.cleanup();
  });

  it("test_seq_multivalues_inline", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(t).values([{ data: "d1" }, { data: "d2" }, { data: "d3" }]).returning(t.c.x, t.c.data));
      expect(r.all().map((x) => [...x])).toEqual([[1, "d1"], [2, "d2"], [3, "d3"]]);
    });
  });

  it("test_seq_multivalues_executemany", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(t).returning(t.c.x, t.c.data), [{ data: "d4" }, { data: "d5" }]);
      expect(r.all().map((x) => [...x])).toEqual([[4, "d4"], [5, "d5"]]);
    });
  });

  it("test_seq_nonpk: a non-key Sequence column takes nextval on PostgreSQL", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(t2).values({ data: "a" }));
      await conn.execute(insert(t2).values([{ data: "b" }, { data: "c" }]));
      await conn.execute(insert(t2), [{ data: "d" }]);
      const got = (await conn.execute(select(t2.c.counter, t2.c.data).orderBy(t2.c.id))).all().map((x) => [...x]);
      // SQLite has no sequences: the column is left to its (absent) default.
      expect(got).toEqual(pg ? [[10, "a"], [11, "b"], [12, "c"], [13, "d"]] : [[null, "a"], [null, "b"], [null, "c"], [null, "d"]]);
    });
    void text;
  });
});

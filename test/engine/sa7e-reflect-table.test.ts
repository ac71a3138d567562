/**
 * `Table.reflect()` and `MetaData.reflect()` (SQLAlchemy's `Table(name, md, autoload_with=conn)`
 * and `MetaData.reflect(conn)`) on PostgreSQL and SQLite: reflected tables run select() and
 * insert(), compile to the original's CREATE TABLE where the database keeps it, and createAll
 * elsewhere reproduces what the inspector sees. Ports the behaviour of SQLAlchemy's
 * test/engine/test_reflection.py ReflectionTest: test_basic_reflection,
 * test_autoload_with_imply_autoload, test_two_foreign_keys, test_resolve_fks_false_table,
 * test_resolve_fks_false_metadata, test_nonexistent, test_autoincrement_col, test_fk_options,
 * test_pks_not_uniques, test_composite_pks, test_composite_fk, test_reserved, test_reflect_all,
 * test_index_reflection, test_comment_reflection, test_check_constraint_reflection, test_views,
 * test_reflect_all_with_views; SchemaTest.test_metadata_reflect_schema.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CheckConstraint, Column, Computed, createAsyncEngine, CreateTable, Date, ForeignKey, ForeignKeyConstraint, Index, inspector, insert, Integer, InvalidRequestError,
  LargeBinary, MetaData, NoReferencedTableError, NoSuchTableError, Numeric, PrimaryKeyConstraint, select, String, Table, Text, text, UniqueConstraint,
  type AsyncEngine, type ReflectedColumns, type Table as TableT,
} from "../../src/index.js";
import { dialectTargets, uniqueName, type TestDriver } from "../fixtures/databases.js";

describe.each(dialectTargets())("reflecting tables on $name", (target) => {
  const pg = target.dialect === "postgresql";
  // PostgreSQL: a schema of this file's own, so names ("select", "users") never collide.
  const S = pg ? uniqueName("sa7e_rt") : undefined;
  const q = (name: string): string => (S ? `${S}.${name}` : name);
  let engine: AsyncEngine;
  let d: TestDriver;
  const ddl = (t: TableT): string => new CreateTable(t).compile({ dialect: engine.dialect }).sql;
  /** Runs DDL text (SQLAlchemy's exec_driver_sql), schema-qualifying `%s`. */
  const raw = (sql: string): Promise<unknown> => engine.begin((c) => c.execDriverSql(sql.replace(/%s\./g, S ? `${S}.` : "")));
  /** Creates a MetaData's tables and returns a fresh MetaData for reflecting them. */
  const fresh = () => new MetaData(S ? { schema: S } : {});
  /** A table of `m` by name, with its full Columns. */
  const tbl = (m: MetaData, name: string) => m.tables.get(q(name)) as TableT<ReflectedColumns>;

  beforeAll(async () => {
    d = await target.make();
    engine = createAsyncEngine(d.driver);
    if (S) await raw(`CREATE SCHEMA ${S}`);
  });
  afterAll(async () => {
    if (S) await raw(`DROP SCHEMA ${S} CASCADE`);
    await engine.dispose();
    await d.cleanup();
  });

  /** A MetaData created in the database, dropped after `fn`. */
  async function withTables(md: MetaData, fn: () => Promise<void>): Promise<void> {
    await engine.begin((c) => md.createAll(c));
    try {
      await fn();
    } finally {
      await engine.begin((c) => md.dropAll(c));
    }
  }

  it("reflects columns, keys and types, and the reflected tables run statements (test_basic_reflection)", async () => {
    const md = fresh();
    const users = Table("engine_users", md, {
      user_id: Column(Integer, { primaryKey: true }),
      user_name: Column(String(20), { nullable: false }),
      test3: Column(Text),
      test4: Column(Numeric(10, 2), { nullable: false }),
      test5: Column(Date),
      parent_user_id: Column(Integer, { foreignKey: q("engine_users.user_id") }),
      test8: Column(LargeBinary),
      test_passivedefault2: Column(Integer, { serverDefault: text("5") }),
    });
    const addresses = Table("engine_email_addresses", md, {
      address_id: Column(Integer, { primaryKey: true }),
      remote_user_id: Column(Integer, { foreignKey: q("engine_users.user_id") }),
      email_address: Column(String(20)),
    });
    await withTables(md, async () => {
      const m2 = fresh();
      // Reflecting addresses first brings in the users table it refers to.
      const ra = await Table.reflect("engine_email_addresses", m2, engine);
      expect([...m2.tables.keys()]).toEqual([q("engine_users"), q("engine_email_addresses")]);
      const ru = tbl(m2, "engine_users");
      expect(await Table.reflect("engine_users", m2, engine)).toBe(ru);
      for (const [orig, refl] of [[users, ru], [addresses, ra]] as const) {
        expect(refl.columnList.map((c) => [c.name, c.type.compileType({ name: target.dialect }), c.nullable, c.primaryKey])).toEqual(
          orig.columnList.map((c) => [c.name, c.type.compileType({ name: target.dialect }), c.nullable, c.primaryKey]),
        );
        expect(refl.primaryKeyColumns.map((c) => c.name)).toEqual(orig.primaryKeyColumns.map((c) => c.name));
        expect(refl.schema).toBe(S);
      }
      expect(ra.c.remote_user_id!.foreignKeys.map((fk) => fk.column)).toEqual([ru.c.user_id]);
      expect(ru.c.parent_user_id!.foreignKeys.map((fk) => fk.column)).toEqual([ru.c.user_id]);
      expect(ru.autoincrementColumn).toBe(ru.c.user_id);

      await engine.begin(async (c) => {
        const r = await c.execute(insert(ru).values({ user_name: "ed", test4: "1.50" }).returning(ru.c.user_id, ru.c.test_passivedefault2));
        expect(r.all().map((row) => [...row])).toEqual([[1, 5]]);
        await c.execute(insert(ra).values({ remote_user_id: 1, email_address: "ed@x" }));
      });
      const rows = await engine.connect(async (c) =>
        (await c.execute(select(ru.c.user_name, ra.c.email_address, ru.c.test4).where(ra.c.remote_user_id!.eq(ru.c.user_id)))).all().map((row) => [...row]));
      expect(rows).toEqual([["ed", "ed@x", "1.50"]]);

      const origDdl = ddl(users);
      const reflDdl = ddl(ru);
      if (pg) {
        // PostgreSQL names the primary and foreign keys and casts nothing here.
        expect(reflDdl).toBe(
          origDdl
            .replace("\tPRIMARY KEY (user_id), \n\tFOREIGN KEY", `\tCONSTRAINT engine_users_pkey PRIMARY KEY (user_id), \n\tCONSTRAINT engine_users_parent_user_id_fkey FOREIGN KEY`),
        );
      } else {
        expect(reflDdl).toBe(origDdl);
        expect(ddl(ra)).toBe(ddl(addresses));
      }
    });
  });

  it("reproduces the tables on another database with createAll", async () => {
    const md = fresh();
    Table("rt_parent", md, {
      id: Column(Integer, { primaryKey: true }),
      code: Column(String(10), { nullable: false }),
    }, new UniqueConstraint("code", { name: "uq_rt_parent_code" }));
    Table("rt_child", md, {
      a: Column(Integer, { primaryKey: true, autoincrement: false }),
      b: Column(String(5), { primaryKey: true }),
      parent_id: Column(Integer, { nullable: false }),
      qty: Column(Integer, { serverDefault: text("1") }),
    }, new ForeignKeyConstraint(["parent_id"], [q("rt_parent.id")], { name: "fk_rt_child_parent", onDelete: "CASCADE" }),
    new CheckConstraint("qty > 0", { name: "ck_rt_child_qty" }), new Index("ix_rt_child_pq", "parent_id", "qty", { unique: true }));
    await withTables(md, async () => {
      const m2 = fresh();
      await m2.reflect(engine, { only: ["rt_child"] });
      expect([...m2.tables.keys()]).toEqual([q("rt_parent"), q("rt_child")]);
      const srcInsp = inspector(engine);
      const describeDb = async (i: ReturnType<typeof inspector>, schema: string | undefined) => {
        const out: Record<string, unknown> = {};
        for (const t of ["rt_parent", "rt_child"]) {
          out[t] = {
            cols: (await i.getColumns(t, schema)).map((c) => ({ ...c, type: c.type.compileType({ name: target.dialect }), default: c.default?.replace(schema ?? "§", "S") })),
            pk: await i.getPkConstraint(t, schema),
            fks: (await i.getForeignKeys(t, schema)).map((f) => ({ ...f, referredSchema: f.referredSchema === schema ? "S" : f.referredSchema })),
            ix: await i.getIndexes(t, schema),
            uq: await i.getUniqueConstraints(t, schema),
            ck: await i.getCheckConstraints(t, schema),
          };
        }
        return out;
      };
      const before = await describeDb(srcInsp, S);
      // The copy: a second schema on PostgreSQL, a second database file on SQLite.
      let other: { engine: AsyncEngine; schema: string | undefined; done: () => Promise<void> };
      if (pg) {
        const S2 = uniqueName("sa7e_rt2");
        await raw(`CREATE SCHEMA ${S2}`);
        other = { engine, schema: S2, done: async () => { await raw(`DROP SCHEMA ${S2} CASCADE`); } };
      } else {
        const d2 = await target.make();
        const e2 = createAsyncEngine(d2.driver);
        other = { engine: e2, schema: undefined, done: async () => { await e2.dispose(); await d2.cleanup(); } };
      }
      try {
        // Re-home the reflected tables: reflect into a MetaData for the copy's schema.
        const m3 = new MetaData(other.schema ? { schema: other.schema } : {});
        for (const t of m2.sortedTables) {
          const copy = ddl(t).replace(S ? new RegExp(`${S}\\.`, "g") : /$^/, other.schema ? `${other.schema}.` : "");
          await other.engine.begin((c) => c.execDriverSql(copy));
        }
        for (const ix of tbl(m2, "rt_child").indexes) {
          await other.engine.begin((c) => c.execDriverSql(`CREATE UNIQUE INDEX ${ix.name} ON ${other.schema ? `${other.schema}.` : ""}rt_child (${(ix.expressions as string[]).join(", ")})`));
        }
        await m3.reflect(other.engine);
        const after = await describeDb(inspector(other.engine), other.schema);
        expect(after).toEqual(before);
        // createAll of the reflected MetaData itself on a database without the tables.
        await other.engine.begin((c) => m3.dropAll(c));
        expect(await inspector(other.engine).getTableNames(other.schema)).toEqual([]);
        await other.engine.begin((c) => m3.createAll(c));
        expect(await describeDb(inspector(other.engine), other.schema)).toEqual(before);
      } finally {
        await other.done();
      }
    });
  });

  it("reflects the autoincrement column by SQLAlchemy's policy (test_autoincrement_col)", async () => {
    const md = fresh();
    Table("test", md, { id: Column(Integer, { primaryKey: true }), data: Column(String(50)) });
    Table("test2", md, {
      id: Column(Integer, { primaryKey: true, foreignKey: q("test.id") }),
      id2: Column(Integer, { primaryKey: true }),
      data: Column(String(50)),
    });
    await withTables(md, async () => {
      const m2 = fresh();
      const t1a = await Table.reflect("test", m2, engine);
      expect(t1a.autoincrementColumn).toBe(t1a.c.id);
      const t2a = await Table.reflect("test2", m2, engine);
      expect(t2a.autoincrementColumn).toBeUndefined();
      expect(ddl(t2a)).toContain(`id INTEGER NOT NULL`);
    });
  });

  it("leaves referred tables alone with resolveFks: false (test_resolve_fks_false_table / _metadata)", async () => {
    const md = fresh();
    Table("t1", md, { id: Column(Integer, { primaryKey: true }), t2id: Column(Integer, { foreignKey: q("t2.id") }) });
    Table("t2", md, { id: Column(Integer, { primaryKey: true }) });
    await withTables(md, async () => {
      const m2 = fresh();
      const t1 = await Table.reflect("t1", m2, engine, { resolveFks: false });
      expect([...m2.tables.keys()]).toEqual([q("t1")]);
      expect(() => t1.c.t2id!.foreignKeys[0]!.column).toThrow(NoReferencedTableError);
      const t2 = await Table.reflect("t2", m2, engine);
      expect(t1.c.t2id!.foreignKeys[0]!.column).toBe(t2.c.id);

      const m3 = fresh();
      await m3.reflect(engine, { resolveFks: false, only: ["t1"] });
      expect([...m3.tables.keys()]).toEqual([q("t1")]);
      await m3.reflect(engine, { resolveFks: false });
      expect(tbl(m3, "t1").c.t2id!.foreignKeys[0]!.column).toBe(tbl(m3, "t2").c.id);
    });
  });

  it("raises NoSuchTableError and leaves the MetaData empty (test_nonexistent)", async () => {
    const m = fresh();
    await expect(Table.reflect("nonexistent", m, engine)).rejects.toThrow(new NoSuchTableError("nonexistent", S));
    expect(m.tables.size).toBe(0);
  });

  it("reflects foreign key options (test_fk_options, test_two_foreign_keys, test_composite_fk)", async () => {
    const md = fresh();
    Table("users", md, { id: Column(Integer, { primaryKey: true }), name: Column(String(30)) });
    Table("multi", md, { x: Column(Integer, { primaryKey: true }), y: Column(Integer, { primaryKey: true }) });
    const fkOpts = pg
      ? { name: "addresses_user_id_fkey", match: "FULL", onUpdate: "RESTRICT", onDelete: "RESTRICT", deferrable: true, initially: "DEFERRED" } as const
      : { name: "addresses_user_id_fkey", onUpdate: "CASCADE", onDelete: "SET NULL", deferrable: true, initially: "DEFERRED" } as const;
    Table("addresses", md, {
      id: Column(Integer, { primaryKey: true }),
      user_id: Column(Integer, { foreignKey: new ForeignKey(q("users.id"), fkOpts) }),
      other_id: Column(Integer, { foreignKey: q("users.id") }),
      mx: Column(Integer),
      my: Column(Integer),
    }, new ForeignKeyConstraint(["mx", "my"], [q("multi.x"), q("multi.y")], { name: "fk_multi" }));
    await withTables(md, async () => {
      const m2 = fresh();
      await m2.reflect(engine);
      const a = tbl(m2, "addresses");
      const fk = a.c.user_id!.foreignKeys[0]!;
      const { name: _n, ...want } = fkOpts;
      expect(fk.opts).toMatchObject(want);
      expect(fk.constraint!.name).toBe("addresses_user_id_fkey");
      expect(a.c.other_id!.foreignKeys[0]!.column).toBe(tbl(m2, "users").c.id);
      const multi = a.foreignKeyConstraints.find((c) => c.name === "fk_multi")!;
      expect(multi.columns.map((c) => c.name)).toEqual(["mx", "my"]);
      expect(multi.elements.map((e) => e.column)).toEqual([tbl(m2, "multi").c.x, tbl(m2, "multi").c.y]);
      expect(a.foreignKeyConstraints.length).toBe(3);
    });
  });

  it("reflects composite primary keys, not unique constraints (test_pks_not_uniques, test_composite_pks)", async () => {
    await raw("CREATE TABLE %s.book (id INTEGER NOT NULL, isbn VARCHAR(50) NOT NULL, title VARCHAR(100) NOT NULL, series INTEGER, series_id INTEGER, UNIQUE(series, series_id), PRIMARY KEY(id, isbn))");
    try {
      const book = await Table.reflect("book", fresh(), engine);
      expect(book.primaryKeyColumns.map((c) => c.name)).toEqual(["id", "isbn"]);
      expect(book.constraints.filter((c) => c instanceof UniqueConstraint).map((c) => (c as UniqueConstraint).columns.map((x) => x.name))).toEqual([["series", "series_id"]]);
      expect(book.indexes).toEqual([]);
    } finally {
      await raw("DROP TABLE %s.book");
    }
  });

  it("reflects tables and columns named with reserved words (test_reserved)", async () => {
    const md = fresh();
    const a = Table("select", md, {
      not: Column(Integer, { primaryKey: true }),
      from: Column(String(12), { nullable: false }),
    }, new UniqueConstraint("from", { name: "when" }));
    new Index("where", a.c.from);
    Table("false", md, {
      create: Column(Integer, { primaryKey: true }),
      true: Column(Integer, { foreignKey: q("select.not") }),
    }, new CheckConstraint('"true" <> 1', { name: "limit" }));
    Table("is", md, {
      or: Column(Integer, { nullable: false }),
      join: Column(Integer, { nullable: false }),
    }, new PrimaryKeyConstraint(["or", "join"], { name: "to" }));
    await withTables(md, async () => {
      const m2 = fresh();
      const s = await Table.reflect("select", m2, engine);
      const f = await Table.reflect("false", m2, engine);
      const i = await Table.reflect("is", m2, engine);
      expect(s.indexes.map((x) => x.name)).toEqual(["where"]);
      expect(f.c.true!.foreignKeys[0]!.column).toBe(s.c.not);
      expect(i.primaryKey.name).toBe("to");
      expect(i.primaryKeyColumns.map((c) => c.name)).toEqual(["or", "join"]);
      expect(ddl(s)).toContain(pg ? 'CREATE TABLE ' + S + '."select" (' : 'CREATE TABLE "select" (');
      await engine.begin(async (c) => {
        await c.execute(insert(s).values({ not: 2, from: "x" }));
        await c.execute(insert(f).values({ create: 1, true: 2 }));
      });
      expect(await engine.connect(async (c) => (await c.execute(select(f.c.true).where(f.c.create!.eq(1)))).scalars().all())).toEqual([2]);
      expect(f.constraints.filter((c): c is CheckConstraint => c instanceof CheckConstraint).map((c) => c.name)).toEqual(["limit"]);
    });
  });

  it("MetaData.reflect: all, only names, only a filter, a missing name (test_reflect_all)", async () => {
    const names = ["rt_a", "rt_b", "rt_c", "rt_d", "rt_e"];
    const md = fresh();
    for (const n of names) Table(n, md, { id: Column(Integer, { primaryKey: true }) });
    await withTables(md, async () => {
      const mine = (m: MetaData) => [...m.tables.keys()].filter((k) => names.some((n) => k === q(n))).sort();
      const m1 = fresh();
      await m1.reflect(engine);
      expect(mine(m1)).toEqual(names.map(q));
      const m2 = fresh();
      await m2.reflect(engine, { only: ["rt_a", "rt_b"] });
      expect([...m2.tables.keys()]).toEqual([q("rt_a"), q("rt_b")]);
      const m3 = fresh();
      await m3.reflect(engine, { only: (name) => name === "rt_c" });
      expect([...m3.tables.keys()]).toEqual([q("rt_c")]);
      const m4 = fresh();
      const err = await m4.reflect(engine, { only: ["rt_a", "rt_f"] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidRequestError);
      expect((err as Error).message).toBe(`Could not reflect: requested table(s) not available in ${engine.toString()}${S ? ` schema '${S}'` : ""}: (rt_f)`);
      expect(m4.tables.size).toBe(0);
      const m5 = fresh();
      await m5.reflect(engine, { only: [] });
      expect(m5.tables.size).toBe(0);
      // Tables already present are kept as they are.
      const m6 = fresh();
      const mine6 = Table("rt_c", m6, { id: Column(Integer, { primaryKey: true }), extra: Column(Integer) });
      await m6.reflect(engine, { only: ["rt_a", "rt_c"] });
      expect(m6.tables.get(q("rt_c"))).toBe(mine6);
      expect([...m6.tables.keys()].sort()).toEqual([q("rt_a"), q("rt_c")]);
      // An explicit schema argument (SchemaTest.test_metadata_reflect_schema).
      const m7 = new MetaData();
      await m7.reflect(engine, { schema: S ?? "main", only: ["rt_d"] });
      expect([...m7.tables.keys()]).toEqual([`${S ?? "main"}.rt_d`]);
    });
    const m9 = fresh();
    await m9.reflect(engine);
    expect([...m9.tables.keys()].filter((k) => names.some((n) => k === q(n)))).toEqual([]);
  });

  it("reflects indexes, CHECK constraints and comments (test_index_reflection, test_check_constraint_reflection, test_comment_reflection)", async () => {
    const md = fresh();
    const t1 = Table("party", md, {
      id: Column(Integer, { nullable: false }),
      name: Column(String(20), { index: true, comment: pg ? "the name" : undefined }),
      q: Column(Integer),
    }, new CheckConstraint("q > 10", { name: "ck1" }), { comment: pg ? "parties" : undefined });
    new Index("idx1", t1.c.id, { unique: true });
    new Index("idx2", t1.c.name, t1.c.id, { unique: false });
    await withTables(md, async () => {
      const t2 = await Table.reflect("party", fresh(), engine);
      const ix = [...t2.indexes].sort((a, b) => (a.name! < b.name! ? -1 : 1));
      expect(ix.map((x) => [x.name, x.unique, x.columns().map((c) => c)])).toEqual([
        ["idx1", true, [t2.c.id]],
        ["idx2", false, [t2.c.name, t2.c.id]],
        [S ? `ix_${S}_party_name` : "ix_party_name", false, [t2.c.name]],
      ]);
      const cks = t2.constraints.filter((c): c is CheckConstraint => c instanceof CheckConstraint);
      expect(cks.map((c) => [c.name, (c.sqltext as { text?: string }).text])).toEqual([["ck1", "q > 10"]]);
      expect(t2.comment).toBe(pg ? "parties" : undefined);
      expect(t2.c.name!.comment).toBe(pg ? "the name" : undefined);
      if (pg) expect(ddl(t2)).toContain("CONSTRAINT ck1 CHECK (q > 10)");
    });
  });

  it("reflects views as tables, and MetaData.reflect takes them with views: true (test_views, test_reflect_all_with_views)", async () => {
    const md = fresh();
    const users = Table("vusers", md, { user_id: Column(Integer, { primaryKey: true }), user_name: Column(String(20)) });
    await withTables(md, async () => {
      await raw("CREATE VIEW %s.vusers_v AS SELECT user_id, user_name FROM %s.vusers");
      try {
        const m2 = fresh();
        const v = await Table.reflect("vusers_v", m2, engine);
        expect(v.columnList.map((c) => [c.name, c.type.compileType({ name: target.dialect })])).toEqual(
          users.columnList.map((c) => [c.name, c.type.compileType({ name: target.dialect })]),
        );
        expect(v.primaryKeyColumns).toEqual([]);
        await engine.begin((c) => c.execute(insert(users).values({ user_name: "jack" })));
        expect(await engine.connect(async (c) => (await c.execute(select(v.c.user_name))).scalars().all())).toEqual(["jack"]);
        const m3 = fresh();
        await m3.reflect(engine, { only: (n) => n.startsWith("vusers") });
        expect([...m3.tables.keys()]).toEqual([q("vusers")]);
        const m4 = fresh();
        await m4.reflect(engine, { only: (n) => n.startsWith("vusers"), views: true });
        expect([...m4.tables.keys()]).toEqual([q("vusers"), q("vusers_v")]);
      } finally {
        await raw("DROP VIEW %s.vusers_v");
      }
    });
  });
});

describe.each(dialectTargets())("reflecting generated columns on $name (ComputedColumnTest)", (target) => {
  it("reports the expression and persistence, and the reflected table recreates it", async () => {
    const d = await target.make();
    const engine = createAsyncEngine(d.driver);
    const name = uniqueName("sa7e_comp");
    const md = new MetaData();
    const t = Table(name, md, {
      id: Column(Integer, { primaryKey: true }),
      a: Column(Integer),
      b: Column(Integer, { computed: new Computed("a * 2", { persisted: true }) }),
      ...(target.dialect === "sqlite" ? { c: Column(Integer, { computed: new Computed("a + 1", { persisted: false }) }) } : {}),
    });
    try {
      await engine.begin((c) => md.createAll(c));
      const cols = await inspector(engine).getColumns(name);
      const pg = target.dialect === "postgresql";
      expect(cols.slice(2).map((c) => [c.name, c.default, c.autoincrement, c.computed])).toEqual([
        ["b", null, false, { sqltext: pg ? "(a * 2)" : "a * 2", persisted: true }],
        ...(pg ? [] : [["c", null, false, { sqltext: "a + 1", persisted: false }]]),
      ]);
      expect(cols[1]!.computed).toBeUndefined();
      const m2 = new MetaData();
      const r = await Table.reflect(name, m2, engine);
      const ddl = (x: TableT) => new CreateTable(x).compile({ dialect: engine.dialect }).sql;
      expect(ddl(r)).toBe(pg ? ddl(t).replace("(a * 2)", "((a * 2))").replace("\tPRIMARY KEY", `\tCONSTRAINT ${name}_pkey PRIMARY KEY`) : ddl(t));
      await engine.begin((c) => c.execute(insert(r).values({ a: 5 })));
      expect(await engine.connect(async (c) => (await c.execute(select(r.c.b))).scalars().all())).toEqual([10]);
    } finally {
      await engine.begin((c) => md.dropAll(c));
      await engine.dispose();
      await d.cleanup();
    }
  });
});

/**
 * SQLAlchemy's test_defaults.py, test_constraints.py (use_alter cycles), test_sequences.py,
 * test_identity_column.py and test_computed.py behaviours on real PostgreSQL and libSQL:
 * client defaults and onupdate values as executed, server defaults, use-alter foreign keys in
 * createAll / dropAll, sequences, identity and computed columns, deferrable constraints.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Boolean as Bool, Column, Computed, DBAPIError, Date as DateT, ForeignKey, ForeignKeyConstraint, Identity, Integer, IntegrityError,
  MetaData, Sequence, String, Table, UniqueConstraint, func, insert, select, text, update,
} from "../../src/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

const targets = engineTargets().filter((t) => t.kind !== "memory");

describe.each(targets)("client and server defaults on $name (DefaultRoundTripTest)", (target) => {
  const pg = target.dialect === "postgresql";
  const md = new MetaData();
  let counter = 50;
  const t = Table(uniqueName("sadef"), md, {
    col1: Column(Integer, { primaryKey: true, default: () => ++counter }),
    col2: Column(String(20), { default: "imthedefault", onupdate: "im the update" }),
    col3: Column(Integer, { default: func.length("abcdef"), onupdate: func.length("abcdefghijk") }),
    col4: pg ? Column(DateT, { serverDefault: func.current_date() }) : Column(Integer, { serverDefault: "3" }),
    col5: pg ? Column(DateT, { serverDefault: text("current_date") }) : Column(Integer, { serverDefault: "3" }),
    col6: Column(DateT, { default: func.current_date(), onupdate: func.current_date() }),
    boolcol1: Column(Bool, { default: true }),
    boolcol2: Column(Bool, { default: false }),
    col9: Column(String(20), { default: "py", serverDefault: "ddl" }),
  });
  let h: EngineHandle;
  let today: unknown;
  let serverDefault: unknown;

  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin((conn) => md.createAll(conn));
    today = await h.engine.connect((conn) => conn.scalar(select(func.current_date())));
    serverDefault = pg ? today : 3;
  });
  afterAll(async () => {
    await h.engine.begin((conn) => md.dropAll(conn));
    await h.cleanup();
  });

  const row = (id: number, col9: string | null) => [id, "imthedefault", 6, serverDefault, serverDefault, today, true, false, col9];

  it("INSERT fires every kind of client default; server defaults fill the rest", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(t));
      await conn.execute(insert(t));
      await conn.execute(insert(t));
    });
    const rows = await h.engine.connect(async (conn) => (await conn.execute(select(t).orderBy(t.c.col1))).all().map((r) => [...r]));
    expect(rows).toEqual([row(51, "py"), row(52, "py"), row(53, "py")]);
  });

  it("an explicit NULL overrides both the client and the server default", async () => {
    await h.engine.begin((conn) => conn.execute(insert(t), { col9: null }));
    const r = await h.engine.connect(async (conn) => [...(await conn.execute(select(t).where(t.c.col1.eq(54)))).one()]);
    expect(r).toEqual(row(54, null));
  });

  it("executemany fires the callable default once per row", async () => {
    await h.engine.begin((conn) => conn.execute(insert(t), [{}, {}, {}]));
    const ids = await h.engine.connect(async (conn) => (await conn.scalars(select(t.c.col1).where(t.c.col1.gt(54)).orderBy(t.c.col1))).all());
    expect(ids).toEqual([55, 56, 57]);
  });

  it("UPDATE fires onupdate values, scalar and SQL expression, and leaves other columns", async () => {
    await h.engine.begin((conn) => conn.execute(update(t).where(t.c.col1.eq(51)).values({ boolcol1: false })));
    const r = await h.engine.connect(async (conn) => [...(await conn.execute(select(t).where(t.c.col1.eq(51)))).one()]);
    expect(r).toEqual([51, "im the update", 11, serverDefault, serverDefault, today, false, false, "py"]);
  });

  it("an explicit value in UPDATE wins over onupdate", async () => {
    await h.engine.begin((conn) => conn.execute(update(t).where(t.c.col1.eq(52)).values({ col2: "explicit", col3: 99 })));
    const r = await h.engine.connect(async (conn) => (await conn.execute(select(t.c.col2, t.c.col3).where(t.c.col1.eq(52)))).one());
    expect([...r]).toEqual(["explicit", 99]);
  });
});

describe.each(targets)("use-alter foreign key cycles on $name (test_constraints.py)", (target) => {
  const pg = target.dialect === "postgresql";
  const md = new MetaData();
  const a = uniqueName("sacyc_a");
  const b = uniqueName("sacyc_b");
  const fkName = `${b}_afk`;
  Table(a, md, { id: Column(Integer, { primaryKey: true }), bid: Column(Integer, { foreignKey: `${b}.id` }) });
  const tb = Table(b, md, { id: Column(Integer, { primaryKey: true }), aid: Column(Integer) }, new ForeignKeyConstraint(["aid"], [`${a}.id`], { name: fkName, useAlter: true }));
  let h: EngineHandle;

  beforeAll(async () => {
    h = await target.make();
  });
  afterAll(async () => {
    await h.engine.begin((conn) => md.dropAll(conn));
    await h.cleanup();
  });

  it("createAll adds the use-alter key with ALTER TABLE on PostgreSQL, inline on SQLite; dropAll drops it first", async () => {
    h.counting.reset();
    await h.engine.begin((conn) => md.createAll(conn));
    const ddl = h.counting.statements.filter((s) => /^(CREATE|ALTER|DROP)/.test(s)).map((s) => s.replace(/[\n\t]/g, ""));
    if (pg) {
      expect(ddl).toEqual([
        `CREATE TABLE ${b} (id SERIAL NOT NULL, aid INTEGER, PRIMARY KEY (id))`,
        `CREATE TABLE ${a} (id SERIAL NOT NULL, bid INTEGER, PRIMARY KEY (id), FOREIGN KEY(bid) REFERENCES ${b} (id))`,
        `ALTER TABLE ${b} ADD CONSTRAINT ${fkName} FOREIGN KEY(aid) REFERENCES ${a} (id)`,
      ]);
    } else {
      expect(ddl).toEqual([
        `CREATE TABLE ${b} (id INTEGER NOT NULL, aid INTEGER, PRIMARY KEY (id), CONSTRAINT ${fkName} FOREIGN KEY(aid) REFERENCES ${a} (id))`,
        `CREATE TABLE ${a} (id INTEGER NOT NULL, bid INTEGER, PRIMARY KEY (id), FOREIGN KEY(bid) REFERENCES ${b} (id))`,
      ]);
    }
    // The key is enforced either way.
    await h.engine.connect(async (conn) => {
      if (!pg) await conn.execDriverSql("PRAGMA foreign_keys = ON");
      await expect(conn.execute(insert(tb).values({ id: 1, aid: 99 }))).rejects.toThrow(IntegrityError);
      await conn.rollback();
      if (!pg) await conn.execDriverSql("PRAGMA foreign_keys = OFF");
    });
    h.counting.reset();
    await h.engine.begin((conn) => md.dropAll(conn));
    const drops = h.counting.statements.filter((s) => /^(ALTER|DROP)/.test(s));
    expect(drops).toEqual(pg ? [`ALTER TABLE ${b} DROP CONSTRAINT ${fkName}`, `DROP TABLE ${a}`, `DROP TABLE ${b}`] : [`DROP TABLE ${a}`, `DROP TABLE ${b}`]);
  });
});

describe("sequences, identity, computed and deferrable constraints on PostgreSQL", () => {
  const target = targets.find((t) => t.dialect === "postgresql")!;
  const md = new MetaData();
  const seq = new Sequence(uniqueName("saseq"), { start: 5, increment: 3 });
  const withSeq = Table(uniqueName("saseq_t"), md, { id: Column(Integer, { primaryKey: true, sequence: seq }), x: Column(Integer) });
  const ident = Table(uniqueName("saident"), md, {
    id: Column(Integer, { primaryKey: true, identity: new Identity({ always: true, start: 10, increment: 5 }) }),
    foo: Column(Integer, { identity: new Identity({ start: 3 }) }),
    x: Column(Integer),
  });
  const parent = uniqueName("sadefer_p");
  Table(parent, md, { id: Column(Integer, { primaryKey: true, autoincrement: false }) });
  const child = Table(uniqueName("sadefer_c"), md, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    pid: Column(Integer, { foreignKey: new ForeignKey(`${parent}.id`, { deferrable: true, initially: "DEFERRED" }) }),
    code: Column(Integer),
  }, new UniqueConstraint("code", { deferrable: true, initially: "DEFERRED", name: `${parent}_code_uq` }));
  let h: EngineHandle;

  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin((conn) => md.createAll(conn));
  });
  afterAll(async () => {
    await h.engine.begin((conn) => md.dropAll(conn));
    await h.cleanup();
  });

  it("a Sequence column takes nextval: START WITH 5 INCREMENT BY 3", async () => {
    const ids = await h.engine.begin(async (conn) => {
      await conn.execute(insert(withSeq), [{ x: 1 }, { x: 2 }]);
      const next = await conn.scalar(select(seq.nextValue()));
      return [...(await conn.scalars(select(withSeq.c.id).orderBy(withSeq.c.id))).all(), next];
    });
    expect(ids).toEqual([5, 8, 11]);
  });

  it("identity columns generate values; GENERATED ALWAYS refuses an explicit value", async () => {
    const rows = await h.engine.begin(async (conn) => {
      await conn.execute(insert(ident), [{ x: 1 }, { x: 2 }]);
      return (await conn.execute(select(ident.c.id, ident.c.foo).orderBy(ident.c.id))).all().map((r) => [...r]);
    });
    expect(rows).toEqual([[10, 3], [15, 4]]);
    const err = await h.engine.begin((conn) => conn.execute(insert(ident).values({ id: 1, x: 3 }))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DBAPIError);
    expect((err as Error).message).toMatch(/cannot insert a non-DEFAULT value into column "id"/);
  });

  it("DEFERRABLE INITIALLY DEFERRED keys are checked at COMMIT", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(child).values({ id: 1, pid: 7, code: 1 }));
      await conn.execute(text(`INSERT INTO ${parent} (id) VALUES (7)`));
    });
    const err = await h.engine
      .begin(async (conn) => {
        await conn.execute(insert(child).values({ id: 2, pid: 8, code: 2 }));
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(child).values({ id: 3, pid: 7, code: 1 }));
      await conn.execute(update(child).where(child.c.id.eq(1)).values({ code: 5 }));
    });
    const codes = await h.engine.connect(async (conn) => (await conn.scalars(select(child.c.code).orderBy(child.c.id))).all());
    expect(codes).toEqual([5, 1]);
  });
});

describe.each(targets)("createAll / dropAll statement order on $name (test_ddlemit.py)", (target) => {
  const pg = target.dialect === "postgresql";
  const md = new MetaData();
  const p = uniqueName("saemit_p");
  const c = uniqueName("saemit_c");
  const seq = new Sequence(`${c}_seq`);
  const free = new Sequence(`${p}_free`, { metadata: md });
  Table(c, md, {
    id: Column(Integer, { primaryKey: true, sequence: seq, comment: "the id" }),
    pid: Column(Integer, { foreignKey: `${p}.id`, index: true }),
  }, { comment: "child's table" });
  Table(p, md, { id: Column(Integer, { primaryKey: true }), name: Column(String(10), { index: true }) });
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
  });
  afterAll(async () => {
    await h.engine.begin((conn) => md.dropAll(conn));
    await h.cleanup();
  });

  it("per table: its sequences, CREATE TABLE, its indexes, then its comments", async () => {
    h.counting.reset();
    await h.engine.begin((conn) => md.createAll(conn));
    const ddl = h.counting.statements.filter((s) => /^(CREATE|COMMENT)/.test(s)).map((s) => s.split(" (")[0]);
    if (pg) {
      expect(ddl).toEqual([
        `CREATE SEQUENCE IF NOT EXISTS ${free.name}`,
        `CREATE TABLE ${p}`,
        `CREATE INDEX ix_${p}_name ON ${p}`,
        `CREATE SEQUENCE IF NOT EXISTS ${seq.name}`,
        `CREATE TABLE ${c}`,
        `CREATE INDEX ix_${c}_pid ON ${c}`,
        `COMMENT ON TABLE ${c} IS 'child''s table'`,
        `COMMENT ON COLUMN ${c}.id IS 'the id'`,
      ]);
      const comment = await h.engine.connect((conn) => conn.scalar(select(func.obj_description(text(`'${c}'::regclass`), "pg_class"))));
      expect(comment).toBe("child's table");
    } else {
      expect(ddl).toEqual([`CREATE TABLE ${p}`, `CREATE INDEX ix_${p}_name ON ${p}`, `CREATE TABLE ${c}`, `CREATE INDEX ix_${c}_pid ON ${c}`]);
    }
    h.counting.reset();
    await h.engine.begin((conn) => md.dropAll(conn));
    const drops = h.counting.statements.filter((s) => s.startsWith("DROP"));
    expect(drops).toEqual(
      pg
        ? [`DROP TABLE ${c}`, `DROP SEQUENCE IF EXISTS ${seq.name}`, `DROP TABLE ${p}`, `DROP SEQUENCE IF EXISTS ${free.name}`]
        : [`DROP TABLE ${c}`, `DROP TABLE ${p}`],
    );
  });
});

describe.each(targets)("computed columns on $name (test_computed.py)", (target) => {
  const md = new MetaData();
  const t = Table(uniqueName("sacomp"), md, {
    id: Column(Integer, { primaryKey: true }),
    x: Column(Integer),
    doubled: Column(Integer, { computed: new Computed("x * 2", { persisted: true }) }),
  });
  let h: EngineHandle;
  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin((conn) => md.createAll(conn));
  });
  afterAll(async () => {
    await h.engine.begin((conn) => md.dropAll(conn));
    await h.cleanup();
  });

  it("the database computes the value on INSERT and UPDATE", async () => {
    const rows = await h.engine.begin(async (conn) => {
      await conn.execute(insert(t), [{ x: 2 }, { x: 5 }]);
      await conn.execute(update(t).where(t.c.x.eq(5)).values({ x: 7 }));
      return (await conn.execute(select(t.c.x, t.c.doubled).orderBy(t.c.id))).all().map((r) => [...r]);
    });
    expect(rows).toEqual([[2, 4], [7, 14]]);
  });
});

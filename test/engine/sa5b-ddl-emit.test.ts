/**
 * SQLAlchemy's test_ddlemit.py (which statements createAll / dropAll emit under checkFirst) and
 * test_metadata.py's sorted_tables tests (dependency order by table key, cycles warned about and
 * broken by moving foreign keys to ALTER), checked on the statement lists, then executed on
 * real PostgreSQL and libSQL: tables in a foreign key cycle are created with ALTER TABLE ADD
 * CONSTRAINT on PostgreSQL and inline on SQLite, and dropped again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AthanorWarning, CheckConstraint, CircularDependencyError, Column, ForeignKey, Index, Integer, IntegrityError, MetaData, Sequence, String, Table,
  insert, sortTablesAndConstraints, text, warnings, type ClauseElement, type DdlExecutor, type Table as TableT,
} from "../../src/index.js";
import { createAllStatements, dropAllStatements } from "../../src/sql/ddl.js";
import { postgresqlDialect } from "../../src/dialects/postgresql/dialect.js";
import { sqliteDialect } from "../../src/dialects/sqlite/dialect.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, type EngineHandle } from "./engine-targets.js";

/** A DdlExecutor that knows which tables exist and records nothing (statements are only listed). */
function fakeConn(dialectName: "postgresql" | "sqlite", exists: (name: string) => boolean): DdlExecutor {
  return {
    dialectName,
    execute: async () => undefined,
    hasTable: async (name: string) => exists(name),
  };
}

function sqlOf(stmts: ClauseElement[], dialectName: "postgresql" | "sqlite"): string[] {
  const dialect = dialectName === "postgresql" ? postgresqlDialect : sqliteDialect;
  return stmts.map((s) => s.compile({ dialect }).sql.replace(/[\n\t]/g, ""));
}

async function creates(md: MetaData, conn: DdlExecutor, opts: { checkFirst?: boolean; tables?: TableT[] } = {}): Promise<string[]> {
  return sqlOf(await createAllStatements(md, conn, opts), conn.dialectName as "postgresql" | "sqlite");
}
async function drops(md: MetaData, conn: DdlExecutor, opts: { checkFirst?: boolean; tables?: TableT[] } = {}): Promise<string[]> {
  return sqlOf(await dropAllStatements(md, conn, opts), conn.dialectName as "postgresql" | "sqlite");
}

/** SQLAlchemy's `_table_fixture`: t1 … t5 with one INTEGER column each. */
function fiveTables() {
  const m = new MetaData();
  const ts = [1, 2, 3, 4, 5].map((i) => Table(`t${i}`, m, { x: Column(Integer) }));
  return { m, ts };
}
const createT = (n: number) => `CREATE TABLE t${n} (x INTEGER)`;
const dropT = (n: number) => `DROP TABLE t${n}`;

function withWarnings<T>(fn: () => T): { value: T; messages: string[] } {
  let value!: T;
  const caught = warnings.catch(() => {
    value = fn();
  });
  return { value, messages: caught.map((w) => w.message) };
}

describe("checkFirst decides which tables are created and dropped (test_ddlemit.py)", () => {
  const pg = (exists: (n: string) => boolean) => fakeConn("postgresql", exists);

  it("create a collection: with checkFirst only the missing ones", async () => {
    const { m, ts } = fiveTables();
    const [, t2, t3, t4] = ts;
    expect(await creates(m, pg((n) => !["t2", "t4"].includes(n)), { tables: [t2, t3, t4] })).toEqual([createT(2), createT(4)]);
    expect(await creates(m, pg((n) => !["t2", "t4"].includes(n)), { tables: [t2, t3, t4], checkFirst: false })).toEqual([createT(2), createT(3), createT(4)]);
    expect(await creates(m, pg(() => false), { tables: [] })).toEqual([]);
  });

  it("drop a collection: with checkFirst only the existing ones", async () => {
    const { m, ts } = fiveTables();
    const [, t2, t3, t4] = ts;
    expect(await drops(m, pg((n) => ["t2", "t4"].includes(n)), { tables: [t2, t3, t4] })).toEqual([dropT(4), dropT(2)]);
    expect(await drops(m, pg((n) => ["t2", "t4"].includes(n)), { tables: [t2, t3, t4], checkFirst: false })).toEqual([dropT(4), dropT(3), dropT(2)]);
    expect(await drops(m, pg(() => true), { tables: [] })).toEqual([]);
  });

  it("the whole MetaData, with and without checkFirst", async () => {
    const { m } = fiveTables();
    expect(await creates(m, pg((n) => !["t2", "t4"].includes(n)))).toEqual([createT(2), createT(4)]);
    expect(await creates(m, pg((n) => !["t2", "t4"].includes(n)), { checkFirst: false })).toEqual([1, 2, 3, 4, 5].map(createT));
    expect(await drops(m, pg((n) => ["t2", "t4"].includes(n)))).toEqual([dropT(4), dropT(2)]);
    expect(await drops(m, pg((n) => ["t2", "t4"].includes(n)), { checkFirst: false })).toEqual([5, 4, 3, 2, 1].map(dropT));
  });

  it("a created table brings its indexes; an existing table's are not created again", async () => {
    const m = new MetaData();
    const t1 = Table("t1", m, { x: Column(Integer), y: Column(Integer) });
    new Index("my_idx", t1.c.x, t1.c.y);
    expect(await creates(m, pg(() => false))).toEqual(["CREATE TABLE t1 (x INTEGER, y INTEGER)", "CREATE INDEX my_idx ON t1 (x, y)"]);
    expect(await creates(m, pg(() => true))).toEqual([]);
    // DROP TABLE drops its indexes.
    expect(await drops(m, pg(() => true))).toEqual(["DROP TABLE t1"]);
  });

  it("column sequences go with their table on PostgreSQL, and are absent on SQLite", async () => {
    const m = new MetaData();
    const s1 = new Sequence("s1");
    const s2 = new Sequence("s2");
    Table("t1", m, { x: Column(Integer, { primaryKey: true, sequence: s1 }) });
    Table("t2", m, { x: Column(Integer, { primaryKey: true, sequence: s2 }) });
    const exists = (n: string) => n !== "t1";
    expect(await creates(m, pg(exists))).toEqual(["CREATE SEQUENCE IF NOT EXISTS s1", "CREATE TABLE t1 (x INTEGER DEFAULT nextval('s1') NOT NULL, PRIMARY KEY (x))"]);
    expect(await drops(m, pg((n) => n === "t1"))).toEqual(["DROP TABLE t1", "DROP SEQUENCE IF EXISTS s1"]);
    expect(await creates(m, fakeConn("sqlite", exists))).toEqual(["CREATE TABLE t1 (x INTEGER NOT NULL, PRIMARY KEY (x))"]);
  });

  it("comments follow CREATE TABLE on PostgreSQL", async () => {
    const m = new MetaData();
    Table("t1", m, { id: Column(Integer, { comment: "c1" }) }, { comment: "t1" });
    expect(await creates(m, pg(() => false), { checkFirst: false })).toEqual([
      "CREATE TABLE t1 (id INTEGER)",
      "COMMENT ON TABLE t1 IS 't1'",
      "COMMENT ON COLUMN t1.id IS 'c1'",
    ]);
  });
});

describe("foreign key cycles in createAll / dropAll", () => {
  /** SQLAlchemy's `_use_alter_fixture_one`: t1 and t2 reference each other, no use_alter. */
  function cycle(named: boolean) {
    const m = new MetaData();
    const t1 = Table("t1", m, { id: Column(Integer, { primaryKey: true }), t2id: Column(Integer, { foreignKey: new ForeignKey("t2.id", named ? { name: "t1_t2" } : {}) }) });
    const t2 = Table("t2", m, { id: Column(Integer, { primaryKey: true }), t1id: Column(Integer, { foreignKey: new ForeignKey("t1.id", named ? { name: "t2_t1" } : {}) }) });
    return { m, t1, t2 };
  }

  it("PostgreSQL creates the tables without the cycle's foreign keys, then adds them", async () => {
    const { m } = cycle(false);
    expect(await creates(m, fakeConn("postgresql", () => false))).toEqual([
      "CREATE TABLE t1 (id SERIAL NOT NULL, t2id INTEGER, PRIMARY KEY (id))",
      "CREATE TABLE t2 (id SERIAL NOT NULL, t1id INTEGER, PRIMARY KEY (id))",
      "ALTER TABLE t1 ADD FOREIGN KEY(t2id) REFERENCES t2 (id)",
      "ALTER TABLE t2 ADD FOREIGN KEY(t1id) REFERENCES t1 (id)",
    ]);
  });

  it("SQLite, which has no ALTER ADD CONSTRAINT, keeps them inline", async () => {
    const { m } = cycle(false);
    expect(await creates(m, fakeConn("sqlite", () => false))).toEqual([
      "CREATE TABLE t1 (id INTEGER NOT NULL, t2id INTEGER, PRIMARY KEY (id), FOREIGN KEY(t2id) REFERENCES t2 (id))",
      "CREATE TABLE t2 (id INTEGER NOT NULL, t1id INTEGER, PRIMARY KEY (id), FOREIGN KEY(t1id) REFERENCES t1 (id))",
    ]);
  });

  it("an acyclic foreign key stays inline, the referenced table first", async () => {
    const m = new MetaData();
    Table("t1", m, { id: Column(Integer, { primaryKey: true }), t2id: Column(Integer, { foreignKey: "t2.id" }) });
    Table("t2", m, { id: Column(Integer, { primaryKey: true }) });
    expect(await creates(m, fakeConn("postgresql", () => false))).toEqual([
      "CREATE TABLE t2 (id SERIAL NOT NULL, PRIMARY KEY (id))",
      "CREATE TABLE t1 (id SERIAL NOT NULL, t2id INTEGER, PRIMARY KEY (id), FOREIGN KEY(t2id) REFERENCES t2 (id))",
    ]);
  });

  it("PostgreSQL drops named cycle foreign keys first", async () => {
    const { m } = cycle(true);
    expect(await drops(m, fakeConn("postgresql", () => true))).toEqual([
      "ALTER TABLE t1 DROP CONSTRAINT t1_t2",
      "ALTER TABLE t2 DROP CONSTRAINT t2_t1",
      "DROP TABLE t2",
      "DROP TABLE t1",
    ]);
  });

  it("PostgreSQL cannot drop a cycle of unnamed foreign keys", async () => {
    const { m } = cycle(false);
    const err = await dropAllStatements(m, fakeConn("postgresql", () => true)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CircularDependencyError);
    expect((err as Error).message).toBe(
      "Can't sort tables for DROP; an unresolvable foreign key dependency exists between tables: t1, t2.  Please ensure that the ForeignKey and ForeignKeyConstraint objects involved in the cycle have names so that they can be dropped using DROP CONSTRAINT.",
    );
  });

  it("SQLite warns and drops in definition order", async () => {
    const { m } = cycle(true);
    let stmts: string[] = [];
    const caught = await warnings.catch(async () => {
      stmts = await drops(m, fakeConn("sqlite", () => true));
    });
    expect(stmts).toEqual(["DROP TABLE t1", "DROP TABLE t2"]);
    expect(caught.every((w) => w instanceof AthanorWarning)).toBe(true);
    expect(caught.map((w) => w.message)).toEqual([
      "Can't sort tables for DROP; an unresolvable foreign key dependency exists between tables: t1, t2; and backend does not support ALTER.  To restore at least a partial sort, apply use_alter=True to ForeignKey and ForeignKeyConstraint objects involved in the cycle to mark these as known cycles that will be ignored.",
    ]);
  });
});

describe("ddlIf on an Index and a CheckConstraint (test_ddlevents.py test_inline_ddl_if_dialect_name)", () => {
  const variants: [string, () => { dialect?: "postgresql"; callable?: (d: string) => boolean }, string[]][] = [];
  const calls: string[] = [];
  variants.push(["dialect", () => ({ dialect: "postgresql" }), []]);
  variants.push(["callable", () => ({ callable: (d: string) => (calls.push(d), d === "postgresql") }), ["sqlite", "sqlite", "postgresql", "postgresql"]]);

  it.each(variants)("by %s", async (_kind, cond, expectedCalls) => {
    calls.length = 0;
    const m = new MetaData();
    const data = Column(String);
    const t = Table("a", m, { id: Column(Integer, { primaryKey: true }), num: Column(Integer), data }, new CheckConstraint("num > 5").ddlIf(cond()));
    new Index("my_pg_index", t.c.data).ddlIf(cond());
    expect(await creates(m, fakeConn("sqlite", () => false))).toEqual(["CREATE TABLE a (id INTEGER NOT NULL, num INTEGER, data VARCHAR, PRIMARY KEY (id))"]);
    expect(await creates(m, fakeConn("postgresql", () => false))).toEqual([
      "CREATE TABLE a (id SERIAL NOT NULL, num INTEGER, data VARCHAR, PRIMARY KEY (id), CHECK (num > 5))",
      "CREATE INDEX my_pg_index ON a (data)",
    ]);
    expect([...calls].sort()).toEqual([...expectedCalls].sort());
  });
});

describe("sortedTables (test_metadata.py)", () => {
  const cycleMessage = (names: string) =>
    `Cannot correctly sort tables; there are unresolvable cycles between tables "${names}", which is usually caused by mutually dependent foreign key constraints.  Foreign key constraints involving these tables will not be considered; this warning may raise an error in a future release.`;

  it("independent tables keep key order; dependents follow in rounds", () => {
    const meta = new MetaData();
    const a = Table("a", meta, { foo: Column(Integer, { foreignKey: "b.foo" }) });
    const b = Table("b", meta, { foo: Column(Integer) });
    const c = Table("c", meta, { foo: Column(Integer) });
    const d = Table("d", meta, { foo: Column(Integer) });
    const e = Table("e", meta, { foo: Column(Integer, { foreignKey: "c.foo" }) });
    expect(meta.sortedTables).toEqual([b, c, d, a, e]);
  });

  it("tables sort by key, not by definition order", () => {
    const meta = new MetaData();
    const z = Table("z", meta, { x: Column(Integer) });
    const y = Table("y", meta, { x: Column(Integer) });
    const s = Table("x", meta, { x: Column(Integer) }, { schema: "s" });
    expect(meta.sortedTables).toEqual([s, y, z]);
  });

  it("a cycle through three tables: warned, sorted without their foreign keys", () => {
    const meta = new MetaData();
    const a = Table("a", meta, { foo: Column(Integer, { foreignKey: "b.foo" }) });
    const b = Table("b", meta, { foo: Column(Integer, { foreignKey: "d.foo" }) });
    const c = Table("c", meta, { foo: Column(Integer, { foreignKey: "b.foo" }) });
    const d = Table("d", meta, { foo: Column(Integer, { foreignKey: "c.foo" }) });
    const e = Table("e", meta, { foo: Column(Integer) });
    const { value, messages } = withWarnings(() => meta.sortedTables);
    expect(value).toEqual([b, c, d, e, a]);
    expect(messages).toEqual([cycleMessage("b, c, d")]);
  });

  it("a two-table cycle", () => {
    const meta = new MetaData();
    const a = Table("a", meta, { foo: Column(Integer, { foreignKey: "b.foo" }) });
    const b = Table("b", meta, { foo: Column(Integer, { foreignKey: "a.foo" }) });
    const c = Table("c", meta, { foo: Column(Integer, { foreignKey: "e.foo" }) });
    const d = Table("d", meta, { foo: Column(Integer) });
    const e = Table("e", meta, { foo: Column(Integer, { foreignKey: "d.foo" }) });
    const { value, messages } = withWarnings(() => meta.sortedTables);
    expect(value).toEqual([a, b, d, e, c]);
    expect(messages).toEqual([cycleMessage("a, b")]);
  });

  it("sortTablesAndConstraints delivers the cycle's foreign keys separately, without a warning", () => {
    const meta = new MetaData();
    const a = Table("a", meta, { foo: Column(Integer, { foreignKey: "b.foo" }) });
    const b = Table("b", meta, { foo: Column(Integer, { foreignKey: "a.foo" }) });
    const c = Table("c", meta, { foo: Column(Integer, { foreignKey: "e.foo" }) });
    const d = Table("d", meta, { foo: Column(Integer) });
    const e = Table("e", meta, { foo: Column(Integer, { foreignKey: "d.foo" }) });
    const { value, messages } = withWarnings(() => sortTablesAndConstraints([a, b, c, d, e]));
    expect(messages).toEqual([]);
    expect(value).toEqual([
      [a, []],
      [b, []],
      [d, d.foreignKeyConstraints],
      [e, e.foreignKeyConstraints],
      [c, c.foreignKeyConstraints],
      [undefined, [...a.foreignKeyConstraints, ...b.foreignKeyConstraints]],
    ]);
  });

  it("a use-alter foreign key does not count", () => {
    const meta = new MetaData();
    const a = Table("a", meta, { foo: Column(Integer, { foreignKey: "b.foo" }) });
    const b = Table("b", meta, { foo: Column(Integer, { foreignKey: new ForeignKey("d.foo", { useAlter: true }) }) });
    const c = Table("c", meta, { foo: Column(Integer, { foreignKey: "b.foo" }) });
    const d = Table("d", meta, { foo: Column(Integer, { foreignKey: "c.foo" }) });
    const e = Table("e", meta, { foo: Column(Integer) });
    const { value, messages } = withWarnings(() => meta.sortedTables);
    expect(value).toEqual([b, e, a, c, d]);
    expect(messages).toEqual([]);
  });

  it("a self-referencing table is no cycle", () => {
    const meta = new MetaData();
    const n = Table("node", meta, { id: Column(Integer, { primaryKey: true }), parent_id: Column(Integer, { foreignKey: "node.id" }) });
    const { value, messages } = withWarnings(() => meta.sortedTables);
    expect(value).toEqual([n]);
    expect(messages).toEqual([]);
  });
});

const live = engineTargets().filter((t) => t.kind !== "memory");

describe.each(live)("createAll / dropAll with a foreign key cycle on $name", (target) => {
  const md = new MetaData();
  const ta = uniqueName("sa5b_cyc_a");
  const tb = uniqueName("sa5b_cyc_b");
  const a = Table(ta, md, { id: Column(Integer, { primaryKey: true }), bid: Column(Integer, { foreignKey: new ForeignKey(`${tb}.id`, { name: `${ta}_fk` }) }) });
  Table(tb, md, { id: Column(Integer, { primaryKey: true }), aid: Column(Integer, { foreignKey: new ForeignKey(`${ta}.id`, { name: `${tb}_fk` }) }) });
  let h: EngineHandle;

  beforeAll(async () => {
    h = await target.make();
    if (target.dialect === "sqlite") await h.engine.connect((conn) => conn.execute(text("PRAGMA foreign_keys = ON")));
  });
  afterAll(async () => {
    await h.engine.begin((conn) => md.dropAll(conn));
    await h.cleanup();
  });

  it("creates both tables with their foreign keys, a second createAll creates nothing, dropAll removes both", async () => {
    await h.engine.begin((conn) => md.createAll(conn));
    await h.engine.begin((conn) => md.createAll(conn));
    const exists = await h.engine.connect(async (conn) => [await conn.hasTable(ta), await conn.hasTable(tb)]);
    expect(exists).toEqual([true, true]);
    if (target.dialect === "postgresql") {
      // The ALTER-added foreign key is enforced.
      const err = await h.engine.begin((conn) => conn.execute(insert(a).values({ id: 1, bid: 99 }))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IntegrityError);
    }
    await h.engine.begin((conn) => md.dropAll(conn));
    const after = await h.engine.connect(async (conn) => [await conn.hasTable(ta), await conn.hasTable(tb)]);
    expect(after).toEqual([false, false]);
  });
});

describe.each(live)("naming conventions on $name", (target) => {
  const prefix = uniqueName("sa5b_nc");
  const md = new MetaData({ namingConvention: { ix: "ix_%(column_0_label)s", uq: "uq_%(table_name)s_%(column_0_name)s", fk: "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s" } });
  const parent = Table(`${prefix}_p`, md, { id: Column(Integer, { primaryKey: true }), code: Column(Integer, { unique: true, index: true }) });
  const child = Table(`${prefix}_c`, md, { id: Column(Integer, { primaryKey: true }), pid: Column(Integer, { foreignKey: `${prefix}_p.id` }) });
  let h: EngineHandle;

  beforeAll(async () => {
    h = await target.make();
    await h.engine.begin((conn) => md.createAll(conn));
  });
  afterAll(async () => {
    await h.engine.begin((conn) => md.dropAll(conn));
    await h.cleanup();
  });

  it("the database has the convention names", async () => {
    const ix = `ix_${prefix}_p_code`;
    const uq = `uq_${prefix}_p_code`;
    const fk = `fk_${prefix}_c_pid_${prefix}_p`;
    expect(parent.indexes[0].name).toBe(ix);
    const one = async (sql: string, params: Record<string, unknown>) =>
      h.engine.connect(async (conn) => (await conn.execute(text(sql).bindparams(params))).all().map((r) => r[0]));
    if (target.dialect === "postgresql") {
      expect(await one("SELECT conname FROM pg_constraint WHERE conname IN (:a, :b) ORDER BY conname", { a: fk, b: uq })).toEqual([fk, uq]);
      expect(await one("SELECT indexname FROM pg_indexes WHERE indexname = :n", { n: ix })).toEqual([ix]);
    } else {
      expect(await one("SELECT name FROM sqlite_master WHERE type = 'index' AND name = :n", { n: ix })).toEqual([ix]);
      const [childSql] = await one("SELECT sql FROM sqlite_master WHERE name = :n", { n: child.name });
      expect(`${childSql as string}`).toContain(`CONSTRAINT ${fk} FOREIGN KEY(pid) REFERENCES ${prefix}_p (id)`);
      const [parentSql] = await one("SELECT sql FROM sqlite_master WHERE name = :n", { n: parent.name });
      expect(`${parentSql as string}`).toContain(`CONSTRAINT ${uq} UNIQUE (code)`);
    }
  });
});

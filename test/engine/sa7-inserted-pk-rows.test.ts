/**
 * `Result.insertedPrimaryKeyRows` (SQLAlchemy 1.4's `CursorResult.inserted_primary_key_rows`),
 * ported from SQLAlchemy's test/sql/test_returning.py InsertManyReturnDefaultsTest
 * (test_insert_executemany_type_test, _insdefault_passed, _only_pk_passed),
 * test/sql/test_insert_exec.py test_insert_returning_preexecute_pk and
 * test/sql/test_sequences.py (single-row form), on PostgreSQL and libSQL.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { Column, createAsyncEngine, Integer, InvalidRequestError, MetaData, String, Table, delete as delete_, insert, select, type Driver } from "../../src/index.js";
import { insert as pgInsert } from "../../src/dialects/postgresql/index.js";
import { insert as sqliteInsert } from "../../src/dialects/sqlite/index.js";
import { dialectTargets, makeLibsqlDriver, uniqueName } from "../fixtures/databases.js";
import { useTablesOnce } from "../fixtures/suite-tables.js";

const tuples = (rows: readonly { _tuple(): unknown[] }[]) => rows.map((r) => r._tuple());

describe.each(dialectTargets())("$name insertedPrimaryKeyRows", (target) => {
  const metadata = new MetaData();
  const t1 = Table(uniqueName("sa7_pkrows"), metadata, {
    id: Column(Integer, { primaryKey: true }),
    data: Column(String(50)),
    insdef: Column(Integer, { default: 0 }),
  });
  let counter = 0;
  const t2 = Table(uniqueName("sa7_pkrows_pre"), metadata, {
    id: Column(Integer, { primaryKey: true, default: () => ++counter }),
    data: Column(Integer),
  });
  const t3 = Table(uniqueName("sa7_pkrows_uq"), metadata, {
    id: Column(Integer, { primaryKey: true }),
    code: Column(String(10), { unique: true }),
  });
  const nopk = Table(uniqueName("sa7_pkrows_nopk"), metadata, { data: Column(Integer) });
  const h = useTablesOnce(target, metadata);
  beforeEach(async () => {
    counter = 0;
    await h.engine.begin(async (conn) => {
      await conn.execute(delete_(t1));
      await conn.execute(delete_(t2));
    });
  });

  it("executemany with returnDefaults(): generated keys in input order; the one-row accessors refuse", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(t1).returnDefaults(), ["d1", "d2", "d3", "d4", "d5", "d6"].map((data) => ({ data })));
      const ids = (await conn.execute(select(t1.c.id).orderBy(t1.c.id))).scalars().all();
      expect(ids).toHaveLength(6);
      expect(tuples(r.insertedPrimaryKeyRows)).toEqual(ids.map((id) => [id]));
      expect(r.insertedPrimaryKeyRows[0]!.id).toBe(ids[0]);
      expect(() => r.insertedPrimaryKey).toThrow(
        new InvalidRequestError("This statement was an executemany call; if primary key returning is supported, please use .inserted_primary_key_rows."),
      );
      expect(() => r.returnedDefaults).toThrow(/This statement was an executemany call; if return defaults is supported/);
    });
  });

  it("executemany with the keys given: the keys as given", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(t1).returnDefaults(), [10, 11, 12, 13, 14, 15].map((id, i) => ({ id, data: `d${i}` })));
      expect(tuples(r.insertedPrimaryKeyRows)).toEqual([[10], [11], [12], [13], [14], [15]]);
    });
  });

  it("executemany without returnDefaults(): given keys as given, generated ones null (SQLAlchemy's None)", async () => {
    await h.engine.begin(async (conn) => {
      const given = await conn.execute(insert(t1), [{ id: 20, data: "a" }, { id: 21, data: "b" }]);
      expect(tuples(given.insertedPrimaryKeyRows)).toEqual([[20], [21]]);
      const generated = await conn.execute(insert(t1), [{ data: "c" }, { id: 30, data: "d" }, { id: null, data: "e" }]);
      expect(tuples(generated.insertedPrimaryKeyRows)).toEqual([[null], [30], [null]]);
      expect((await conn.execute(select(t1.c.data).orderBy(t1.c.data))).scalars().all()).toEqual(["a", "b", "c", "d", "e"]);
    });
  });

  it("a key from a client-side default comes back with returnDefaults() (test_insert_returning_preexecute_pk)", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(t2).returnDefaults(), [{ data: 1 }, { data: 2 }, { data: 3 }]);
      expect(tuples(r.insertedPrimaryKeyRows)).toEqual([[1], [2], [3]]);
    });
  });

  it("a single-row INSERT: [insertedPrimaryKey]", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(t1).values({ data: "x" }));
      const id = r.insertedPrimaryKey![0];
      expect(typeof id).toBe("number");
      expect(tuples(r.insertedPrimaryKeyRows)).toEqual([[id]]);
      const given = await conn.execute(insert(t1), { id: 99, data: "y" });
      expect(tuples(given.insertedPrimaryKeyRows)).toEqual([[99]]);
    });
  });

  it("ON CONFLICT DO NOTHING: an empty list when nothing was inserted, the key as given otherwise", async () => {
    const pg = target.dialect === "postgresql";
    const upsert3 = () => (pg ? pgInsert(t3) : sqliteInsert(t3));
    const upsert1 = () => (pg ? pgInsert(t1) : sqliteInsert(t1));
    await h.engine.begin(async (conn) => {
      await conn.execute(delete_(t3));
      const first = await conn.execute(upsert3().values({ code: "a" }).onConflictDoNothing());
      expect(first.insertedPrimaryKeyRows).toHaveLength(1);
      expect(first.insertedPrimaryKeyRows[0]!.id).toBe(first.insertedPrimaryKey!.id);
      const conflicted = await conn.execute(upsert3().values({ code: "a" }).onConflictDoNothing());
      if (target.dialect === "postgresql") {
        // The engine's RETURNING gave no row: SQLAlchemy 2.0 reports None, so the list is empty.
        expect(conflicted.insertedPrimaryKey).toBeNull();
        expect(conflicted.insertedPrimaryKeyRows).toEqual([]);
      } else {
        // SQLite reads the key from last_insert_rowid(), as SQLAlchemy's SQLite dialect does.
        expect(tuples(conflicted.insertedPrimaryKeyRows)).toEqual([conflicted.insertedPrimaryKey!._tuple()]);
      }
      await conn.execute(insert(t1).values({ id: 5, data: "x" }));
      const dup = await conn.execute(upsert1().values({ id: 5, data: "dup" }).onConflictDoNothing());
      expect(tuples(dup.insertedPrimaryKeyRows)).toEqual([[5]]);
    });
  });

  it("raises for returning() and for a statement that is not an INSERT; a table without a primary key gives empty rows", async () => {
    await h.engine.begin(async (conn) => {
      const ret = await conn.execute(insert(t1).returning(t1.c.id), [{ data: "a" }, { data: "b" }]);
      expect(() => ret.insertedPrimaryKeyRows).toThrow(new InvalidRequestError("insertedPrimaryKey is not available: Can't call inserted_primary_key when returning() is used."));
      const sel = await conn.execute(select(t1.c.id));
      expect(() => sel.insertedPrimaryKeyRows).toThrow(new InvalidRequestError("Statement is not an insert() expression construct."));
      const none = await conn.execute(insert(nopk), [{ data: 1 }, { data: 2 }]);
      // One empty key row per parameter set: SQLAlchemy's `()` for a table without a primary key.
      expect(tuples(none.insertedPrimaryKeyRows)).toEqual([[], []]);
    });
  });
});

describe("insertedPrimaryKeyRows on a batch-only driver (executemany queued for the commit batch)", () => {
  const md = new MetaData();
  const t = Table(uniqueName("sa7_pkrows_batch"), md, { id: Column(Integer, { primaryKey: true }), name: Column(String(20)) });
  it("keys given are reported before commit; generated keys are unavailable, saying why", async () => {
    const td = await makeLibsqlDriver("file");
    try {
      const d = td.driver;
      const engine = createAsyncEngine({
        ...d,
        name: "batch-only libsql",
        capabilities: { ...d.capabilities, interactiveTransactions: false, savepoints: false, streaming: false },
        describeError: (e: unknown) => d.describeError(e),
        dispose: () => d.dispose(),
        async connect() {
          const c = await d.connect();
          return { execute: (s) => c.execute(s), batch: (s, o) => c.batch!(s, o), release: () => c.release() };
        },
      } satisfies Driver);
      await engine.begin((c) => md.createAll(c));
      await engine.begin(async (conn) => {
        const given = await conn.execute(insert(t), [{ id: 1, name: "a" }, { id: 2, name: "b" }]);
        expect(tuples(given.insertedPrimaryKeyRows)).toEqual([[1], [2]]);
        const generated = await conn.execute(insert(t), [{ name: "c" }, { name: "d" }]);
        expect(() => generated.insertedPrimaryKeyRows).toThrow(/queued for the commit batch of a batch-only driver/);
      });
      expect(await engine.connect(async (c) => (await c.execute(select(t.c.name).orderBy(t.c.id))).scalars().all())).toEqual(["a", "b", "c", "d"]);
    } finally {
      await td.cleanup();
    }
  });
});

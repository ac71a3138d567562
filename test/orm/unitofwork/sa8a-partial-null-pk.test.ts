/**
 * SQLAlchemy's test/orm/test_unitofwork.py PartialNullPKTest (SQLite only, as SQLAlchemy's
 * `__only_on__ = "sqlite"`: no other database accepts NULL in a primary key column),
 * and NoRowInsertedTest (an INSERT that comes back without its row, simulated by rewriting the
 * statement in a `beforeCursorExecute` listener, as SQLAlchemy does).
 *
 * EnsurePKSortableTest is in sa8a-uow-misc.test.ts (its PEP 435 enum cases are skipped).
 */
import {
  AsyncSession, createAsyncEngine, DeclarativeBase, event, FlushError, inspect, Integer, mappedColumn, select, String,
} from "athanor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialectTargets, uniqueName, type DialectTarget } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

const sqlite = dialectTargets().filter((t) => t.dialect === "sqlite");

describe.each(sqlite)("PartialNullPKTest (test_unitofwork.py) on $name", (target) => {
  class Base extends DeclarativeBase {}
  const t1 = uniqueName("sa8a_pnp_t1");
  class T1 extends Base.model(t1, {
    col1: mappedColumn(String(10), { primaryKey: true, nullable: true }),
    col2: mappedColumn(String(10), { primaryKey: true, nullable: true }),
    col3: mappedColumn(String(50), { nullable: true }),
  }) {}
  const log = useSqlLog(target, Base.metadata);
  const session = () => new AsyncSession(log.engine);

  it("test_key_switch", async () => {
    await using s = session();
    s.add(new T1({ col1: "1", col2: null }));
    const t = (await s.scalars(select(T1))).first()!;
    t.col2 = "5";
    await expect(s.commit()).rejects.toThrow(new FlushError(`Can't update table ${t1} using NULL for primary key value on column ${t1}.col2`));
    await s.rollback();
  });

  it("test_plain_update", async () => {
    await using s = session();
    s.add(new T1({ col1: "1", col2: null }));
    const t = (await s.scalars(select(T1))).first()!;
    t.col3 = "hi";
    await expect(s.commit()).rejects.toThrow(new FlushError(`Can't update table ${t1} using NULL for primary key value on column ${t1}.col2`));
    await s.rollback();
  });

  it("test_delete", async () => {
    await using s = session();
    s.add(new T1({ col1: "1", col2: null }));
    const t = (await s.scalars(select(T1))).first()!;
    s.delete(t);
    await expect(s.commit()).rejects.toThrow(new FlushError(`Can't delete from table ${t1} using NULL for primary key value on column ${t1}.col2`));
    await s.rollback();
  });

  it("test_total_null", async () => {
    await using s = session();
    s.add(new T1({ col1: null, col2: null }));
    const err = await s.commit().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FlushError);
    expect((err as Error).message).toMatch(
      /^Instance <T1 at 0x[0-9a-f]+> has a NULL identity key\.  If this is an auto-generated value, check that the database table allows generation of new primary key values, and that the mapped Column object is configured to expect these generated values\.  Ensure also that this flush\(\) is not occurring at an inappropriate time, such as within a load\(\) event\.$/,
    );
    await s.rollback();
  });

  it("get() of a partial key: identity map, then SELECT … IS NULL (loading.load_on_pk_identity)", async () => {
    await using s = session();
    const t = new T1({ col1: "1", col2: null, col3: "x" });
    s.add(t);
    await s.flush();
    expect(await s.get(T1, ["1", null])).toBe(t);
    s.expungeAll();
    const sent = await log.capture(async () => {
      const again = await s.get(T1, ["1", null]);
      expect(again).not.toBe(t);
      expect([again!.col1, again!.col2, again!.col3]).toEqual(["1", null, "x"]);
      expect(await s.get(T1, ["1", null])).toBe(again);
    });
    expect(sent.length).toBe(1);
    expect(sent[0][0]).toMatch(new RegExp(`WHERE ${t1}\\.col1 = \\? AND ${t1}\\.col2 IS NULL$`));
    await s.rollback();
  });

  it("test_dont_complain_if_no_update", async () => {
    await using s = session();
    const t = new T1({ col1: "1", col2: null });
    s.add(t);
    await s.commit();
    await s.refresh(t);
    t.col1 = "1";
    expect(await log.capture(() => s.commit())).toEqual([]);
  });
});

function noRowFixture(target: DialectTarget) {
  class Base extends DeclarativeBase {}
  const myTable = uniqueName("sa8a_my_table");
  class MyClass extends Base.model(myTable, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(50), { nullable: true }),
  }) {}
  let engine: ReturnType<typeof createAsyncEngine> | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const d = await target.make();
    const e = createAsyncEngine(d.driver);
    engine = e;
    await e.begin((c) => Base.metadata.createAll(c));
    // An INSERT … RETURNING becomes one that returns no rows (single row), or loses all but its
    // first parameter set (several rows): SQLAlchemy's revert_insert listener.
    event.listen(
      e,
      "beforeCursorExecute",
      (_conn, _cursor, statement, parameters) => {
        if (!/^INSERT .* RETURNING (?:\S+\.)?id/s.test(statement)) return [statement, parameters];
        const rows = statement.match(/\), \(/g);
        if (rows) {
          // Multi-row VALUES: keep only the first row.
          const per = parameters.length / (rows.length + 1);
          const first = statement.replace(/VALUES (\(.*?\))(?:, \(.*?\))+ RETURNING/s, "VALUES $1 RETURNING");
          return [first, parameters.slice(0, per)];
        }
        return [`UPDATE ${myTable} SET id=NULL WHERE 1!=1 RETURNING ${myTable}.id`, []];
      },
      { retval: true },
    );
    cleanup = async () => {
      await e.begin((c) => Base.metadata.dropAll(c));
      await e.dispose();
      await d.cleanup();
    };
  });
  afterAll(() => cleanup?.());
  return { MyClass, get engine() { return engine!; } };
}

describe.each(dialectTargets())("NoRowInsertedTest (test_unitofwork.py) on $name", (target) => {
  const fx = noRowFixture(target);

  it("test_insert_single_no_pk_correct_exception", async () => {
    const { MyClass } = fx;
    await using sess = new AsyncSession(fx.engine);
    const m1 = new MyClass({ data: "data" });
    sess.add(m1);
    await expect(sess.flush()).rejects.toThrow(
      new FlushError(`Single-row INSERT statement for ${inspect(MyClass).describe()} did not produce a new primary key result being invoked.  Ensure there are no triggers or special driver issues preventing INSERT from functioning properly.`),
    );
    expect(inspect(m1).transient || inspect(m1).pending).toBe(true);
    await sess.rollback();
    expect(inspect(m1).transient).toBe(true);
  });

  it("test_insert_multi_no_pk_correct_exception", async () => {
    const { MyClass } = fx;
    await using sess = new AsyncSession(fx.engine);
    const ms = [new MyClass({ data: "d1" }), new MyClass({ data: "d2" }), new MyClass({ data: "d3" })];
    sess.addAll(ms);
    await expect(sess.flush()).rejects.toThrow(
      new FlushError(`Multi-row INSERT statement for ${inspect(MyClass).describe()} did not produce the correct number of INSERTed rows for RETURNING.  Ensure there are no triggers or special driver issues preventing INSERT from functioning properly.`),
    );
    for (const m of ms) expect(inspect(m).persistent).toBe(false);
    await sess.rollback();
    for (const m of ms) expect(inspect(m).transient).toBe(true);
  });
});

/**
 * SQLAlchemy's test/orm/test_cache_key.py, the statements it runs (RoundTripTest,
 * WithExpresionLoaderOptTest), on PostgreSQL and libSQL through the compiled cache: one
 * statement shape run again with other bound values or options gives the right rows and the
 * right SQL each time, and the cache holds one entry per distinct SQL.
 *
 * Adapted:
 * - test_subqueryload uses selectinload (athanor has no subqueryload); lazyload and subqueryload
 *   are left out of test_cache_key_loader_strategies (athanor loads no relationship lazily).
 * - test_from_opt: athanor's `Load.options()` takes relationship and column options only, so
 *   `withExpression(B.boolean, …)` is given next to the eager option (it applies to B wherever
 *   the statement loads it, which is what SQLAlchemy's nested form selects here too).
 * - The compiled cache is counted through `CompiledCache.stats` (SQLAlchemy counts `len(cache)`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AsyncSession, case_, CompiledCache, DeclarativeBase, ForeignKey, insert, Integer, joinedload, mappedColumn, queryExpression, relationship, select, selectinload, String,
  withExpression, withLoaderCriteria,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "../loading/models.js";
import { stdFixtures } from "./sa3-models.js";

describe.each(dialectTargets())("test_cache_key.py RoundTripTest on $name", (target) => {
  const p = uniqueName("sa10ck");
  const f = stdFixtures(`${p}_`);
  const { User, Address, Order } = f;
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, f.Base);
    await db.engine.begin((conn) => f.insertData(conn));
  });
  afterAll(async () => {
    await db.cleanup();
  });
  /** SELECTs sent while `fn` runs, table prefix removed. */
  async function selectsDuring(fn: () => Promise<void>): Promise<string[]> {
    const before = db.selects().length;
    await fn();
    return db.selects().slice(before).map(f.sqlText);
  }

  it("test_subqueryload (as selectinload): one shape, other IN lists, two statements each time", async () => {
    await using s = db.session();
    const query = async (names: string[]): Promise<[string, number[]][]> => {
      const stmt = select(User).where(User.name.in(names)).options(selectinload(User.addresses)).orderBy(User.id);
      const users = (await s.scalars(stmt)).all();
      return users.map((u) => [u.name, u.addresses.map((a) => a.id)]);
    };
    const sequence = [["ed"], ["ed", "fred"], ["ed", "fred"], ["ed"], ["ed", "fred"]];
    for (const names of sequence) {
      s.expungeAll();
      let rows: [string, number[]][] = [];
      const sql = await selectsDuring(async () => {
        rows = await query(names);
      });
      expect(sql).toHaveLength(2);
      expect(rows).toEqual(names.length === 1 ? [["ed", [2, 3, 4]]] : [["ed", [2, 3, 4]], ["fred", [5]]]);
    }
  });

  for (const useCore of [true, false]) {
    for (const arbitraryElement of [true, false]) {
      it(`test_column_targeting_core_execute (use_core=${useCore}, arbitrary_element=${arbitraryElement}), exercising the cache`, async () => {
        await using s = db.session();
        const conn = await s.connection();
        const userTable = User.__table__;
        for (let i = 0; i < 3; i++) {
          const myThing = case_([[User.id.gt(9), 1]], { else_: 2 });
          const stmt = select(User, Address.email_address, myThing, User.name).join(Address).where(User.name.eq("ed")).orderBy(Address.id);
          const [target, expected] = arbitraryElement ? [myThing, 2] : useCore ? [userTable.c.name, "ed"] : [User.name, "ed"];
          const row = useCore ? (await conn.execute(stmt)).first() : (await s.execute(stmt)).first();
          expect(row!._mapping.get(target as never)).toBe(expected);
        }
      });
    }
  }

  for (const [name, strat, expectedEntries] of [["joinedload", joinedload, 1], ["selectinload", selectinload, 2]] as const) {
    it(`test_cache_key_loader_strategies (${name}): ${expectedEntries} compiled entries, reused`, async () => {
      const cache = new CompiledCache(100);
      await using s = db.session();
      const conn = (await s.connection()).executionOptions({ compiledCache: cache });
      await using sess = new AsyncSession(conn);
      const go = async (): Promise<void> => {
        sess.expungeAll();
        const stmt = select(User).where(User.id.eq(7)).options(strat(User.addresses));
        const u1 = (await sess.scalars(stmt)).unique().first()!;
        expect(u1.addresses.map((a) => a.id)).toEqual([1]);
      };
      await go();
      expect(cache.stats.size).toBe(expectedEntries);
      for (let i = 0; i < 3; i++) await go();
      expect(cache.stats.size).toBe(expectedEntries);
      expect(cache.stats.hits).toBe(3 * expectedEntries);
    });
  }

  it("relationship criteria and loader criteria: other values reuse the entry, other shapes do not", async () => {
    const cache = new CompiledCache(100);
    await using s = db.session();
    const conn = (await s.connection()).executionOptions({ compiledCache: cache });
    await using sess = new AsyncSession(conn);
    const run = async (opt: unknown): Promise<[number, number[]][]> => {
      sess.expungeAll();
      const users = (await sess.scalars(select(User).where(User.id.in([7, 9])).orderBy(User.id).options(opt))).unique().all();
      return users.map((u) => [u.id, u.orders.map((o) => o.id)]);
    };
    expect(await run(joinedload(User.orders.and(Order.id.gt(2))))).toEqual([[7, [3, 5]], [9, [4]]]);
    expect(await run(joinedload(User.orders.and(Order.id.gt(3))))).toEqual([[7, [5]], [9, [4]]]);
    expect(cache.stats).toMatchObject({ size: 1, hits: 1 });
    expect(await run(joinedload(User.orders.and(Order.description.eq("order 1"))))).toEqual([[7, [1]], [9, []]]);
    expect(cache.stats).toMatchObject({ size: 2, hits: 1 });
    expect(await run(joinedload(User.orders))).toEqual([[7, [1, 3, 5]], [9, [2, 4]]]);
    expect(cache.stats).toMatchObject({ size: 3, hits: 1 });

    const withCrit = async (isopen: number): Promise<number[]> => {
      sess.expungeAll();
      const orders = (await sess.scalars(select(Order).orderBy(Order.id).options(withLoaderCriteria(Order, (o) => o.isopen.eq(isopen))))).all();
      return orders.map((o) => o.id);
    };
    expect(await withCrit(1)).toEqual([3, 4]);
    expect(await withCrit(0)).toEqual([1, 2, 5]);
    expect(cache.stats).toMatchObject({ size: 4, hits: 2 });
  });
});

describe.each(dialectTargets())("test_cache_key.py WithExpresionLoaderOptTest on $name", (target) => {
  const p = uniqueName("sa10we");
  class Base extends DeclarativeBase {}
  class A extends Base.model(`${p}_a`, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {
    static bs = relationship(() => B, { orderBy: () => B.id });
    declare bs: B[];
  }
  class B extends Base.model(`${p}_b`, {
    id: mappedColumn(Integer, { primaryKey: true }),
    a_id: mappedColumn(ForeignKey(`${p}_a.id`), { nullable: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {
    static boolean = queryExpression<boolean>();
    declare readonly boolean: boolean | null;
  }
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(A.__table__), [{ id: 1 }]);
      await conn.execute(insert(B.__table__), ["a", "b", "c"].map((data, i) => ({ id: i + 1, a_id: 1, data })));
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  for (const [name, loadopt] of [["joinedload", joinedload], ["selectinload", selectinload]] as const) {
    it(`test_from_opt (${name}): the expression's value changes with each run`, async () => {
      for (const value of ["b", "c", "b"]) {
        await using s = db.session();
        const objects = (await s.scalars(select(A).options(loadopt(A.bs), withExpression(B.boolean, B.data.eq(value))))).unique().all();
        expect(objects.map((a) => a.bs.map((b) => [b.data, Boolean(b.boolean)]))).toEqual([[["a", value === "a"], ["b", value === "b"], ["c", value === "c"]]]);
      }
    });
  }
});

/**
 * More of SQLAlchemy's test/orm/test_selectin_relations.py (selectinload): EagerTest ordering and
 * None / empty values present after the load, TupleTest (composite keys, tuple IN), ChunkingTest
 * and ChainedChunkingTest (`chunksize`), LoadOnExistingTest and SelectinM2ONoRelatedRowTest.
 * The IN lists the driver receives are folded back to SQLAlchemy's compiled
 * `IN (__[POSTCOMPILE_primary_keys])`, and their lengths give the chunk sizes.
 *
 * Skipped: ChunkingTest.test_yield_per (yield_per with selectin chunks per partition is covered
 * by the stream tests), test_uselist_false_warning / UselistFalseMultipleRowsTest (warnings on
 * uselist=False row counts are not ported), LoadOnExistingTest.test_runs_query_on_refresh
 * (athanor's refresh does not run relationship loaders of `lazy: "selectin"` implicitly).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError, Column, DeclarativeBase, desc, ForeignKey, ForeignKeyConstraint, inspect, insert, Integer, mappedColumn, relationship,
  select, selectinload, String,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";
import { stdFixtures } from "../query/sa3-models.js";

const PLACEHOLDER = globalThis.String.raw`(?:\?|\$\d+)`;
const TUPLE = globalThis.String.raw`\(${PLACEHOLDER}(?:, ${PLACEHOLDER})*\)`;
const IN_LIST = new RegExp(globalThis.String.raw`IN \((?:${TUPLE}|${PLACEHOLDER})(?:, (?:${TUPLE}|${PLACEHOLDER}))*\)`, "g");

/** Emitted SQL of a selectin load as SQLAlchemy's compiled form: the expanded IN list folded back. */
function compiledForm(sql: string): string {
  return sql.replace(IN_LIST, "IN (__[POSTCOMPILE_primary_keys])");
}

/** How many keys the (one) IN list of `sql` holds. */
function inKeys(sql: string): number {
  const m = sql.match(IN_LIST)?.[0] ?? "";
  const body = m.slice(4, -1);
  return body.startsWith("(") ? body.split("), (").length : body.split(", ").length;
}

describe.each(dialectTargets())("selectinload EagerTest on $name (test_selectin_relations.py)", (target) => {
  const p = `${uniqueName("sa8fsel")}_`;
  const f = stdFixtures(p);
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, f.Base);
    await db.engine.begin((conn) => f.insertData(conn));
  });
  afterAll(async () => {
    await db.cleanup();
  });
  const emitted = (): string[] => db.selects().map((s) => compiledForm(f.sqlText(s)));

  /** User.addresses by selectin, ordered by the given Address columns. */
  // eslint-disable-next-line @typescript-eslint/explicit-function-return-type
  const addressOrdering = (order: (a: { id: never; email_address: never }) => never) => {
    class Base extends DeclarativeBase {}
    class User extends Base.model(`${p}users`, { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(30)) }) {
      static addresses = relationship(() => Address, { lazy: "selectin", orderBy: () => order(Address as never) });
      declare addresses: Address[];
    }
    class Address extends Base.model(`${p}addresses`, {
      id: mappedColumn(Integer, { primaryKey: true }),
      user_id: mappedColumn(ForeignKey(`${p}users.id`), { nullable: true }),
      email_address: mappedColumn(String(50)),
    }) {}
    return { User, Address };
  };
  const byUser = (users: readonly { id: number; addresses: readonly { id: number }[] }[]): [number, number[]][] =>
    users.map((u) => [u.id, u.addresses.map((a) => a.id)]);

  it("test_orderby", async () => {
    const { User } = addressOrdering((a) => a.email_address);
    await using s = db.session();
    db.counting.reset();
    expect(byUser((await s.scalars(select(User).orderBy(User.id))).all())).toEqual([[7, [1]], [8, [3, 4, 2]], [9, [5]], [10, []]]);
    expect(emitted()).toEqual([
      "SELECT users.id, users.name FROM users ORDER BY users.id",
      "SELECT addresses.user_id, addresses.id, addresses.email_address FROM addresses WHERE addresses.user_id IN (__[POSTCOMPILE_primary_keys]) " +
        "ORDER BY addresses.email_address",
    ]);
  });

  it("test_orderby_multi", async () => {
    const { User } = addressOrdering((a) => [a.email_address, a.id] as never);
    await using s = db.session();
    db.counting.reset();
    expect(byUser((await s.scalars(select(User).orderBy(User.id))).all())).toEqual([[7, [1]], [8, [3, 4, 2]], [9, [5]], [10, []]]);
    expect(emitted()[1]).toMatch(/ORDER BY addresses\.email_address, addresses\.id$/);
  });

  it("test_orderby_desc", async () => {
    const { User } = addressOrdering((a) => [desc(a.email_address)] as never);
    await using s = db.session();
    db.counting.reset();
    expect(byUser((await s.scalars(select(User).orderBy(User.id))).all())).toEqual([[7, [1]], [8, [2, 4, 3]], [9, [5]], [10, []]]);
    expect(emitted()[1]).toMatch(/ORDER BY addresses\.email_address DESC$/);
  });

  it("test_orderby_related: a parent statement that selects FROM the children too loads each parent once", async () => {
    const { User, Address } = addressOrdering((a) => a.id);
    await using s = db.session();
    db.counting.reset();
    const users = (await s.scalars(select(User).where(User.id.eq(Address.user_id)).orderBy(Address.email_address))).unique().all();
    expect(byUser(users)).toEqual([[8, [2, 3, 4]], [9, [5]], [7, [1]]]);
    expect(users[0]!.addresses.map((a) => a.email_address)).toEqual(["ed@wood.com", "ed@bettyboop.com", "ed@lala.com"]);
    // The parents' keys are de-duplicated: user 8's three rows give one key.
    expect(emitted()).toHaveLength(2);
    expect(inKeys(db.selects()[1]!)).toBe(3);
  });

  it("test_one_to_many_scalar_none / test_o2m_empty_list_present: values present after the load", async () => {
    class Base extends DeclarativeBase {}
    class User extends Base.model(`${p}users`, { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(30)) }) {
      static address = relationship(() => Address, { lazy: "selectin", uselist: false });
      declare address: Address | null;
      static addresses = relationship(() => Address, { lazy: "selectin" });
      declare addresses: Address[];
    }
    class Address extends Base.model(`${p}addresses`, {
      id: mappedColumn(Integer, { primaryKey: true }),
      user_id: mappedColumn(ForeignKey(`${p}users.id`), { nullable: true }),
      email_address: mappedColumn(String(50)),
    }) {}
    await using s = db.session();
    db.counting.reset();
    const [u] = (await s.scalars(select(User).where(User.id.eq(10)))).all();
    expect(db.selects()).toHaveLength(3);
    expect(inspect(u!).unloaded.has("address")).toBe(false);
    expect(inspect(u!).unloaded.has("addresses")).toBe(false);
    expect(u!.address).toBeNull();
    expect(u!.addresses).toEqual([]);
  });

  it("test_m2o_none_value_present: None is loaded; a changed value survives a reload but not populateExisting", async () => {
    class Base extends DeclarativeBase {}
    class Address extends Base.model(`${p}addresses`, {
      id: mappedColumn(Integer, { primaryKey: true }),
      user_id: mappedColumn(Integer, { nullable: true }),
      email_address: mappedColumn(String(50), { nullable: true }),
    }) {}
    class Order extends Base.model(`${p}orders`, {
      id: mappedColumn(Integer, { primaryKey: true }),
      address_id: mappedColumn(ForeignKey(`${p}addresses.id`), { nullable: true }),
    }) {
      static address = relationship(() => Address, { lazy: "selectin" });
      declare address: Address | null;
    }
    await using s = db.session();
    const q = select(Order).where(Order.id.in([4, 5])).orderBy(Order.id).executionOptions({ autoflush: false });
    const [o4, o5] = (await s.scalars(q)).all();
    expect(o4!.address?.id).toBe(4);
    expect(inspect(o5!).unloaded.has("address")).toBe(false);
    expect(o5!.address).toBeNull();

    const a = new Address({});
    o5!.address = a;
    await s.scalars(q);
    expect(o5!.address).toBe(a);

    o5!.address = new Address({});
    await s.scalars(q.executionOptions({ populateExisting: true }));
    expect(o5!.address).toBeNull();
    s.expungeAll();
  });

  it("test_m2o_uselist_none_value_present: a many-to-one as a list loads [] for no row", async () => {
    class Base extends DeclarativeBase {}
    class Address extends Base.model(`${p}addresses`, {
      id: mappedColumn(Integer, { primaryKey: true }),
      user_id: mappedColumn(Integer, { nullable: true }),
      email_address: mappedColumn(String(50), { nullable: true }),
    }) {}
    class Order extends Base.model(`${p}orders`, {
      id: mappedColumn(Integer, { primaryKey: true }),
      address_id: mappedColumn(ForeignKey(`${p}addresses.id`), { nullable: true }),
    }) {
      static address = relationship(() => Address, { lazy: "selectin", uselist: true });
      declare address: Address[];
    }
    await using s = db.session();
    const [o4, o5] = (await s.scalars(select(Order).where(Order.id.in([4, 5])).orderBy(Order.id))).all();
    expect(o4!.address.map((x) => x.id)).toEqual([4]);
    expect(o5!.address).toEqual([]);
  });
});

describe.each(dialectTargets())("LoadOnExistingTest (selectin) on $name (test_selectin_relations.py)", (target) => {
  const p = `${uniqueName("sa8fsex")}_`;
  const f = stdFixtures(p);
  const { User, Address, Order } = f;
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, f.Base);
    await db.engine.begin((conn) => f.insertData(conn));
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("test_populate_existing_propagate", async () => {
    await using s = db.session();
    let u1 = (await s.get(User, 8, { options: [selectinload(User.addresses)] }))!;
    u1.addresses[2]!.email_address = "foofoo";
    u1.addresses.splice(1, 1);
    u1 = (await s.scalars(
      select(User).where(User.id.eq(8)).options(selectinload(User.addresses)).executionOptions({ populateExisting: true, autoflush: false }),
    )).one();
    expect(u1.addresses).toHaveLength(3);
    expect(u1.addresses[2]!.email_address).toBe("ed@lala.com");
  });

  it("test_loads_second_level_collection_to_scalar", async () => {
    await using s = db.session();
    const u1 = (await s.get(User, 8, { options: [selectinload(User.addresses)] }))!;
    const a1 = new Address({ email_address: "new" });
    u1.addresses.push(a1);
    const a2 = u1.addresses[0]!;
    a2.email_address = "foo";
    await s.scalars(select(User).where(User.id.eq(8)).options(selectinload(User.addresses).selectinload(Address.dingaling)).executionOptions({ autoflush: false }));
    expect(u1.addresses.at(-1)).toBe(a1);
    for (const a of u1.addresses) expect(inspect(a).unloaded.has("dingaling")).toBe(a === a1);
    expect(a2.email_address).toBe("foo");
    s.expunge(a1);
  });

  it("test_loads_second_level_collection_to_collection", async () => {
    await using s = db.session();
    const u1 = (await s.get(User, 7, { options: [selectinload(User.orders)] }))!;
    const o1 = new Order({ description: "new" });
    u1.orders.push(o1);
    await s.scalars(select(User).where(User.id.eq(7)).options(selectinload(User.orders).selectinload(Order.items)).executionOptions({ autoflush: false }));
    for (const o of u1.orders) expect(inspect(o).unloaded.has("items")).toBe(o === o1);
    s.expunge(o1);
  });

  it("test_load_two_levels_collection_to_scalar", async () => {
    await using s = db.session();
    const u1 = (await s.scalars(select(User).where(User.id.eq(8)).options(selectinload(User.addresses)))).one();
    await s.scalars(select(User).where(User.id.eq(8)).options(selectinload(User.addresses).selectinload(Address.dingaling)));
    expect(inspect(u1.addresses[0]!).unloaded.has("dingaling")).toBe(false);
    expect(u1.addresses[0]!.dingaling?.id).toBe(1);
  });

  it("test_load_two_levels_collection_to_collection", async () => {
    await using s = db.session();
    const u1 = (await s.scalars(select(User).where(User.id.eq(7)).options(selectinload(User.orders)))).one();
    await s.scalars(select(User).where(User.id.eq(7)).options(selectinload(User.orders).selectinload(Order.items)));
    expect(inspect(u1.orders[0]!).unloaded.has("items")).toBe(false);
    expect(u1.orders[0]!.items.map((i) => i.id)).toEqual([1, 2, 3]);
  });
});

describe.each(dialectTargets())("TupleTest, ChunkingTest, SelectinM2ONoRelatedRowTest on $name (test_selectin_relations.py)", (target) => {
  const p = uniqueName("sa8fchk");
  const t = (n: string): string => `${p}_${n}`;
  class Base extends DeclarativeBase {}
  // TupleTest
  class TA extends Base.model(t("ta"), { id1: mappedColumn(Integer, { primaryKey: true }), id2: mappedColumn(Integer, { primaryKey: true }) }) {
    static bs = relationship(() => TB, { orderBy: () => TB.id, backPopulates: "a" });
    declare bs: TB[];
  }
  class TB extends Base.model(t("tb"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    a_id1: mappedColumn(Integer, { nullable: true }),
    a_id2: mappedColumn(Integer, { nullable: true }),
  }, { tableArgs: [ForeignKeyConstraint(["a_id1", "a_id2"], [`${t("ta")}.id1`, `${t("ta")}.id2`])] }) {
    static a = relationship(() => TA, { backPopulates: "bs" });
    declare a: TA | null;
  }
  // ChunkingTest / ChainedChunkingTest
  class CA extends Base.model(t("ca"), { id: mappedColumn(Integer, { primaryKey: true }) }) {
    static bs = relationship(() => CB, { orderBy: () => CB.id, backPopulates: "a" });
    declare bs: CB[];
  }
  class CB extends Base.model(t("cb"), { id: mappedColumn(Integer, { primaryKey: true }), a_id: mappedColumn(ForeignKey(`${t("ca")}.id`), { nullable: true }) }) {
    static a = relationship(() => CA, { backPopulates: "bs" });
    declare a: CA | null;
    static cs = relationship(() => CC, { orderBy: () => CC.id });
    declare cs: CC[];
  }
  class CC extends Base.model(t("cc"), { id: mappedColumn(Integer, { primaryKey: true }), b_id: mappedColumn(ForeignKey(`${t("cb")}.id`), { nullable: true }) }) {}
  // SelectinM2ONoRelatedRowTest
  class NA extends Base.model(t("na"), { id: mappedColumn(Integer, { primaryKey: true }) }) {}
  class NB extends Base.model(t("nb"), { id: mappedColumn(Integer, { primaryKey: true }), a_id: mappedColumn(Integer, { nullable: true }) }) {
    static a = relationship(() => NA, { primaryjoin: () => NB.a_id.eq(NA.id), foreignKeys: () => [NB.a_id] });
    declare a: NA | null;
  }

  let db: Db;
  const sqlText = (sql: string): string => compiledForm(sql.split(`${p}_`).join("").replace(/\s*\n\s*/g, " "));
  const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
  beforeAll(async () => {
    db = await openDb(target, Base);
    await db.engine.begin(async (conn) => {
      const is = range(1, 20);
      await conn.execute(insert(TA.__table__), is.map((i) => ({ id1: i, id2: i + 2 })));
      await conn.execute(insert(TB.__table__), is.flatMap((i) => range(0, 6).map((j) => ({ id: i * 6 + j, a_id1: i, a_id2: i + 2 }))));
      // ChunkingTest: A 1..100 with five Bs each (ids i*6+1 .. i*6+5); ChainedChunkingTest's Cs hang off B.
      await conn.execute(insert(CA.__table__), range(1, 101).map((id) => ({ id })));
      await conn.execute(insert(CB.__table__), range(1, 101).flatMap((i) => range(1, 6).map((j) => ({ id: i * 6 + j, a_id: i }))));
      await conn.execute(insert(CC.__table__), range(1, 6).flatMap((i) => range(1, 4).map((j) => ({ id: 1000 + i * 6 + j, b_id: i * 6 + j }))));
      await conn.execute(insert(NA.__table__), [{ id: 1 }]);
      await conn.execute(insert(NB.__table__), [{ id: 1, a_id: 1 }, { id: 2, a_id: 42 }, { id: 3, a_id: null }]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("TupleTest.test_load_o2m: a tuple IN over the composite foreign key", async () => {
    await using s = db.session();
    db.counting.reset();
    const as = (await s.scalars(select(TA).options(selectinload(TA.bs)).orderBy(TA.id1, TA.id2))).all();
    expect(db.selects().map(sqlText)).toEqual([
      "SELECT ta.id1, ta.id2 FROM ta ORDER BY ta.id1, ta.id2",
      "SELECT tb.a_id1, tb.a_id2, tb.id FROM tb WHERE (tb.a_id1, tb.a_id2) IN (__[POSTCOMPILE_primary_keys]) ORDER BY tb.id",
    ]);
    expect(inKeys(db.selects()[1]!)).toBe(19);
    expect(as.map((a) => [a.id1, a.id2, a.bs.map((b) => b.id)])).toEqual(range(1, 20).map((i) => [i, i + 2, range(0, 6).map((j) => i * 6 + j)]));
  });

  it("TupleTest.test_load_m2o: a tuple IN over the composite primary key, each parent once", async () => {
    await using s = db.session();
    db.counting.reset();
    const bs = (await s.scalars(select(TB).options(selectinload(TB.a)).orderBy(TB.id))).all();
    expect(db.selects().map(sqlText)).toEqual([
      "SELECT tb.id, tb.a_id1, tb.a_id2 FROM tb ORDER BY tb.id",
      "SELECT ta.id1, ta.id2 FROM ta WHERE (ta.id1, ta.id2) IN (__[POSTCOMPILE_primary_keys])",
    ]);
    expect(inKeys(db.selects()[1]!)).toBe(19);
    expect(bs).toHaveLength(19 * 6);
    expect(bs.map((b) => [b.id, b.a?.id1, b.a?.id2])).toEqual(range(1, 20).flatMap((i) => range(0, 6).map((j) => [i * 6 + j, i, i + 2])));
    expect(bs[0]!.a).toBe(bs[5]!.a);
  });

  for (const [chunksize, bounds] of [[undefined, [1, 101]], [47, [1, 48, 95, 101]], [50, [1, 51, 101]], [99, [1, 100, 101]], [108, [1, 101]]] as const) {
    it(`ChunkingTest.test_odd_number_chunks chunksize=${String(chunksize)}`, async () => {
      await using s = db.session();
      db.counting.reset();
      const as = (await s.scalars(select(CA).options(selectinload(CA.bs, chunksize === undefined ? {} : { chunksize })).orderBy(CA.id))).all();
      const sql = db.selects().map(sqlText);
      expect(sql[0]).toBe("SELECT ca.id FROM ca ORDER BY ca.id");
      expect(sql.slice(1)).toEqual(bounds.slice(1).map(() => "SELECT cb.a_id, cb.id FROM cb WHERE cb.a_id IN (__[POSTCOMPILE_primary_keys]) ORDER BY cb.id"));
      expect(db.selects().slice(1).map(inKeys)).toEqual(bounds.slice(1).map((b, i) => b - bounds[i]!));
      expect(as.map((a) => a.bs.map((b) => b.id))).toEqual(range(1, 101).map((i) => range(1, 6).map((j) => i * 6 + j)));
    });
  }

  it("ChunkingTest.test_chunksize_value_error", () => {
    for (const bad of [-250, "a", 0, 1.5] as unknown[]) {
      expect(() => selectinload(CA.bs, { chunksize: bad as never })).toThrow(
        new ArgumentError(`'chunksize=${globalThis.String(bad)}' is not an appropriate input, please use a positive non-zero integer.`),
      );
    }
  });

  it("ChunkingTest.test_dont_emit_for_redundant_m2o: many-to-one keys de-duplicated, in chunks", async () => {
    await using s = db.session();
    db.counting.reset();
    const bs = (await s.scalars(select(CB).options(selectinload(CB.a, { chunksize: 47 })).orderBy(CB.id))).all();
    expect(db.selects().map(sqlText)).toEqual([
      "SELECT cb.id, cb.a_id FROM cb ORDER BY cb.id",
      ...[0, 1, 2].map(() => "SELECT ca.id FROM ca WHERE ca.id IN (__[POSTCOMPILE_primary_keys])"),
    ]);
    expect(db.selects().slice(1).map(inKeys)).toEqual([47, 47, 6]);
    expect(bs.filter((b) => b.a_id === 100).map((b) => b.a?.id)).toEqual([100, 100, 100, 100, 100]);
  });

  it("ChainedChunkingTest.test_chained_selectinload_with_two_custom_chunksize", async () => {
    await using s = db.session();
    db.counting.reset();
    const as = (await s.scalars(select(CA).where(CA.id.le(5)).options(selectinload(CA.bs, { chunksize: 3 }).selectinload(CB.cs, { chunksize: 4 })).orderBy(CA.id))).all();
    const sql = db.selects().map(sqlText);
    expect(sql.slice(1)).toEqual([
      ...[0, 1].map(() => "SELECT cb.a_id, cb.id FROM cb WHERE cb.a_id IN (__[POSTCOMPILE_primary_keys]) ORDER BY cb.id"),
      ...[0, 1, 2, 3, 4, 5, 6].map(() => "SELECT cc.b_id, cc.id FROM cc WHERE cc.b_id IN (__[POSTCOMPILE_primary_keys]) ORDER BY cc.id"),
    ]);
    // 25 Bs under five As: chunks of 4.
    expect(db.selects().slice(1).map(inKeys)).toEqual([3, 2, 4, 4, 4, 4, 4, 4, 1]);
    expect(as[0]!.bs.map((b) => [b.id, b.cs.map((c) => c.id)])).toEqual([[7, [1007]], [8, [1008]], [9, [1009]], [10, []], [11, []]]);
  });

  it("ChainedChunkingTest.test_chained_selectinload_with_one_chunksize: the level below keeps the default", async () => {
    await using s = db.session();
    db.counting.reset();
    await s.scalars(select(CA).where(CA.id.le(5)).options(selectinload(CA.bs, { chunksize: 3 }).selectinload(CB.cs)).orderBy(CA.id));
    expect(db.selects().slice(1).map(inKeys)).toEqual([3, 2, 25]);
  });

  it("SelectinM2ONoRelatedRowTest.test_missing_and_null_fk", async () => {
    await using s = db.session();
    const bs = (await s.scalars(select(NB).orderBy(NB.id).options(selectinload(NB.a)))).all();
    db.counting.reset();
    expect(bs[0]!.a?.id).toBe(1);
    expect(bs[1]!.a).toBeNull();
    expect(bs[2]!.a).toBeNull();
    expect(db.counting.statements).toHaveLength(0);
  });
});

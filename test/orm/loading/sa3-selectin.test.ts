/**
 * selectinload: statements emitted, their SQL and the objects loaded, ported from SQLAlchemy's
 * test/orm/test_selectin_relations.py (EagerTest, M2MOmitJoinTest, M2OWDegradeTest,
 * ChunkingTest) on the standard fixture. The IN lists the driver receives are folded back to
 * SQLAlchemy's compiled `IN (__[POSTCOMPILE_primary_keys])` form for comparison.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aliased, bindparam, Column, DeclarativeBase, defer, ForeignKey, ForeignKeyConstraint, insert, Integer, joinedload, mappedColumn,
  relationship, select, selectinload, Table, and,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";
import { stdFixtures } from "../query/sa3-models.js";

const PLACEHOLDER = String.raw`(?:\?|\$\d+)`;
const TUPLE = String.raw`\(${PLACEHOLDER}(?:, ${PLACEHOLDER})*\)`;
const IN_LIST = new RegExp(String.raw`IN \((?:${TUPLE}|${PLACEHOLDER})(?:, (?:${TUPLE}|${PLACEHOLDER}))*\)`, "g");

/** Emitted SQL of a selectin load as SQLAlchemy's compiled form: the expanded IN list folded back. */
function compiledForm(sql: string): string {
  return sql.replace(IN_LIST, "IN (__[POSTCOMPILE_primary_keys])");
}

describe.each(dialectTargets())("selectinload on the standard fixture on $name (test_selectin_relations.py EagerTest)", (target) => {
  const p = uniqueName("sa3sel");
  const f = stdFixtures(`${p}_`);
  const { User, Address, Order, Item, Keyword } = f;
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, f.Base);
    await db.engine.begin((conn) => f.insertData(conn));
  });
  afterAll(async () => {
    await db.cleanup();
  });
  const emitted = (): string[] => db.selects().map((s) => compiledForm(f.sqlText(s)));

  it("test_basic", async () => {
    await using s = db.session();
    db.counting.reset();
    const users = (await s.scalars(select(User).options(selectinload(User.addresses)).orderBy(User.id))).all();
    expect(users.map((u) => [u.id, u.addresses.map((a) => a.id)])).toEqual([[7, [1]], [8, [2, 3, 4]], [9, [5]], [10, []]]);
    expect(users[1].addresses.map((a) => a.email_address)).toEqual(["ed@wood.com", "ed@bettyboop.com", "ed@lala.com"]);
    expect(emitted()).toEqual([
      "SELECT users.id, users.name FROM users ORDER BY users.id",
      "SELECT addresses.user_id, addresses.id, addresses.email_address FROM addresses WHERE addresses.user_id IN (__[POSTCOMPILE_primary_keys]) ORDER BY addresses.id",
    ]);
  });

  it("test_from_get", async () => {
    await using s = db.session();
    db.counting.reset();
    const u = await s.get(User, 7, { options: [selectinload(User.addresses)] });
    expect(u!.addresses.map((a) => [a.id, a.email_address])).toEqual([[1, "jack@bean.com"]]);
    expect(db.selects()).toHaveLength(2);
  });

  it("test_from_params", async () => {
    await using s = db.session();
    db.counting.reset();
    const u = (await s.scalars(select(User).options(selectinload(User.addresses)).where(User.id.eq(bindparam("foo"))), { foo: 7 })).one();
    expect([u.id, u.addresses.map((a) => a.email_address)]).toEqual([7, ["jack@bean.com"]]);
    expect(db.selects()).toHaveLength(2);
  });

  it("test_many_to_many_plain", async () => {
    await using s = db.session();
    db.counting.reset();
    const items = (await s.scalars(select(Item).options(selectinload(Item.keywords)).orderBy(Item.id))).all();
    expect(items.map((i) => [i.id, i.keywords.map((k) => k.name).sort()])).toEqual([
      [1, ["big", "red", "round"]], [2, ["red", "small", "square"]], [3, ["big", "green", "round"]], [4, []], [5, []],
    ]);
    expect(db.selects()).toHaveLength(2);
  });

  it("test_many_to_many_with_join", async () => {
    await using s = db.session();
    db.counting.reset();
    const items = (await s.scalars(
      select(Item).join(Item.keywords).where(Keyword.name.eq("red")).options(selectinload(Item.keywords)).orderBy(Item.id),
    )).all();
    expect(items.map((i) => [i.id, i.keywords.map((k) => k.id).sort()])).toEqual([[1, [2, 4, 6]], [2, [2, 5, 7]]]);
    expect(db.selects()).toHaveLength(2);
  });

  it("test_many_to_many_with_join_alias", async () => {
    await using s = db.session();
    db.counting.reset();
    const ka = aliased(Keyword);
    const items = (await s.scalars(
      select(Item).join(ka, Item.keywords).where(ka.name.eq("red")).options(selectinload(Item.keywords)).orderBy(Item.id),
    )).all();
    expect(items.map((i) => [i.id, i.keywords.length])).toEqual([[1, 3], [2, 3]]);
    expect(db.selects()).toHaveLength(2);
  });

  it("test_options_pathing", async () => {
    // SQLAlchemy's _pathing_runs whose three levels are all eager (athanor never lazy loads).
    const runs: [string, string, string, number][] = [
      ["selectinload", "selectinload", "selectinload", 4],
      ["selectinload", "selectinload", "joinedload", 3],
      ["joinedload", "selectinload", "selectinload", 3],
      ["joinedload", "joinedload", "selectinload", 2],
    ];
    for (const [o, i, k, count] of runs) {
      await using s = db.session();
      db.counting.reset();
      const opt = (name: string) => (name === "joinedload" ? joinedload : selectinload);
      const opts = opt(o)(User.orders as never);
      const second = name2(opts, i, Order.items as never);
      name2(second, k, Item.keywords as never);
      const users = (await s.scalars(select(User).options(opts).orderBy(User.id))).unique().all();
      expect(users.map((u) => u.orders.map((x) => x.items.map((it) => it.keywords.length)))).toEqual([
        [[3, 3, 3], [3, 0, 0], [0]], [], [[3, 3, 3], [3, 0]], [],
      ]);
      expect(db.selects()).toHaveLength(count);
    }
    function name2(l: ReturnType<typeof selectinload>, name: string, attr: never): ReturnType<typeof selectinload> {
      return name === "joinedload" ? l.joinedload(attr) : l.selectinload(attr);
    }
  });

  it("test_double_w_ac", async () => {
    // Two selectin loads of the same entity along different relationships, one of them through an alias' path.
    await using s = db.session();
    db.counting.reset();
    const users = (await s.scalars(
      select(User).where(User.id.eq(7)).options(selectinload(User.orders).selectinload(Order.items), selectinload(User.addresses)),
    )).all();
    expect(users[0].orders.map((o) => [o.id, o.items.map((i) => i.id)])).toEqual([[1, [1, 2, 3]], [3, [3, 4, 5]], [5, [5]]]);
    expect(users[0].addresses.map((a) => a.id)).toEqual([1]);
    expect(db.selects()).toHaveLength(4);
  });

  it("test_limit", async () => {
    await using s = db.session();
    const q = select(User).options(selectinload(User.addresses), selectinload(User.orders).selectinload(Order.items));
    const r1 = (await s.scalars(q.orderBy(User.id).limit(2).offset(1))).all();
    expect(r1.map((u) => [u.id, u.addresses.map((a) => a.id), u.orders.map((o) => o.items.map((i) => i.id))])).toEqual([
      [8, [2, 3, 4], []], [9, [5], [[1, 2, 3], [1, 5]]],
    ]);
    const r2 = (await s.scalars(q.orderBy(User.id.desc()).limit(2).offset(2))).all();
    expect(r2.map((u) => u.id)).toEqual([8, 7]);
    expect(r2[1].orders.map((o) => o.description)).toEqual(["order 1", "order 3", "order 5"]);
  });

  it("test_one_to_many_scalar", async () => {
    // Address.dingaling: a one-to-one seen from the parent (uselist=False), loaded with selectin.
    await using s = db.session();
    db.counting.reset();
    const addrs = (await s.scalars(select(Address).where(Address.id.in([2, 3])).options(selectinload(Address.dingaling)).orderBy(Address.id))).all();
    expect(addrs.map((a) => a.dingaling?.data ?? null)).toEqual(["ding 1/2", null]);
    expect(emitted()[1]).toBe(
      "SELECT dingalings.address_id, dingalings.id, dingalings.data FROM dingalings WHERE dingalings.address_id IN (__[POSTCOMPILE_primary_keys])",
    );
  });

  it("test_many_to_one", async () => {
    await using s = db.session();
    db.counting.reset();
    const a = (await s.scalars(select(Address).where(Address.id.eq(1)).options(selectinload(Address.user)))).one();
    expect(a.user).not.toBeNull();
    const u1 = await s.get(User, 7);
    expect(a.user).toBe(u1);
    expect(db.selects()).toHaveLength(2);
    expect(emitted()[1]).toBe("SELECT users.id, users.name FROM users WHERE users.id IN (__[POSTCOMPILE_primary_keys])");
  });

  it("test_dont_emit_for_redundant_m2o", async () => {
    // ChunkingTest: many-to-one targets already in the identity map are not selected again.
    await using s = db.session();
    await s.scalars(select(User));
    db.counting.reset();
    const addrs = (await s.scalars(select(Address).options(selectinload(Address.user)).orderBy(Address.id))).all();
    expect(addrs.map((a) => a.user?.name)).toEqual(["jack", "ed", "ed", "ed", "fred"]);
    expect(db.selects()).toHaveLength(1);
  });
});

describe.each(dialectTargets())("selectinload SQL shapes on $name (M2MOmitJoinTest, M2OWDegradeTest)", (target) => {
  const p = uniqueName("sa3m2m");
  const t = (n: string): string => `${p}_${n}`;
  class Base extends DeclarativeBase {}
  const aB = Table(t("a_b"), Base.metadata, {
    a_id: Column(Integer, { foreignKey: `${t("a")}.id` }),
    b_id: Column(Integer, { foreignKey: `${t("b")}.id` }),
  });
  class A extends Base.model(t("a"), { id: mappedColumn(Integer, { primaryKey: true }) }) {
    static bs = relationship(() => B, { secondary: aB });
    declare bs: B[];
  }
  class B extends Base.model(t("b"), { id: mappedColumn(Integer, { primaryKey: true }) }) {}

  const symAB = Table(t("sab"), Base.metadata, {
    a_id1: Column(Integer), a_id2: Column(Integer), b_id1: Column(Integer), b_id2: Column(Integer),
  }, ForeignKeyConstraint(["a_id1", "a_id2"], [`${t("ca")}.id1`, `${t("ca")}.id2`]), ForeignKeyConstraint(["b_id1", "b_id2"], [`${t("cb")}.id1`, `${t("cb")}.id2`]));
  class CA extends Base.model(t("ca"), { id1: mappedColumn(Integer, { primaryKey: true }), id2: mappedColumn(Integer, { primaryKey: true }) }) {
    static bs = relationship(() => CB, {
      secondary: symAB,
      primaryjoin: () => and(CA.id1.eq(symAB.c.a_id1), CA.id2.eq(symAB.c.a_id2)),
      secondaryjoin: () => and(CB.id1.eq(symAB.c.b_id1), CB.id2.eq(symAB.c.b_id2)),
    });
    declare bs: CB[];
  }
  class CB extends Base.model(t("cb"), { id1: mappedColumn(Integer, { primaryKey: true }), id2: mappedColumn(Integer, { primaryKey: true }) }) {}

  // M2OWDegradeTest
  class MB extends Base.model(t("mb"), {
    id: mappedColumn(Integer, { primaryKey: true }), x: mappedColumn(Integer, { nullable: true }), y: mappedColumn(Integer, { nullable: true }),
  }) {}
  class MA extends Base.model(t("ma"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    b_id: mappedColumn(ForeignKey(`${t("mb")}.id`), { nullable: true }),
    q: mappedColumn(Integer, { nullable: true }),
  }) {
    static b = relationship(() => MB);
    declare b: MB | null;
  }

  let db: Db;
  const sqlText = (sql: string): string => compiledForm(sql.split(`${p}_`).join("").replace(/\s*\n\s*/g, " "));
  beforeAll(async () => {
    db = await openDb(target, Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(A.__table__), [{ id: 1 }, { id: 2 }]);
      await conn.execute(insert(B.__table__), [{ id: 1 }, { id: 2 }]);
      await conn.execute(insert(aB), [{ a_id: 1, b_id: 1 }, { a_id: 1, b_id: 2 }, { a_id: 2, b_id: 1 }]);
      await conn.execute(insert(CA.__table__), [{ id1: 1, id2: 1 }, { id1: 1, id2: 2 }]);
      await conn.execute(insert(CB.__table__), [{ id1: 1, id2: 1 }, { id1: 1, id2: 2 }]);
      await conn.execute(insert(symAB), [{ a_id1: 1, a_id2: 1, b_id1: 1, b_id2: 1 }, { a_id1: 1, a_id2: 1, b_id1: 1, b_id2: 2 }, { a_id1: 1, a_id2: 2, b_id1: 1, b_id2: 1 }]);
      await conn.execute(insert(MB.__table__), [{ id: 1, x: 5, y: 9 }, { id: 2, x: 10, y: 8 }]);
      await conn.execute(insert(MA.__table__), [{ id: 1, b_id: 1 }, { id: 2, b_id: 2 }, { id: 3, b_id: 2 }, { id: 4, b_id: null }, { id: 5, b_id: 1 }]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("test_simple_optimized", async () => {
    await using s = db.session();
    db.counting.reset();
    await s.scalars(select(A).options(selectinload(A.bs)).orderBy(A.id));
    expect(db.selects().map(sqlText)).toEqual([
      "SELECT a.id FROM a ORDER BY a.id",
      "SELECT a_b.a_id, b.id FROM a_b JOIN b ON b.id = a_b.b_id WHERE a_b.a_id IN (__[POSTCOMPILE_primary_keys])",
    ]);
  });

  it("test_m2m_selectin_no_duplicate_children", async () => {
    await using s = db.session();
    const results = (await s.scalars(select(A).options(selectinload(A.bs)).orderBy(A.id))).all();
    expect(results[0].bs.map((b) => b.id).sort()).toEqual([1, 2]);
    expect(results[1].bs.map((b) => b.id).sort()).toEqual([1]);
    for (const a of results) expect(new Set(a.bs.map((b) => b.id)).size).toBe(a.bs.length);
  });

  it("test_symmetric_composite", async () => {
    await using s = db.session();
    db.counting.reset();
    const rows = (await s.scalars(select(CA).options(selectinload(CA.bs)).orderBy(CA.id1, CA.id2))).all();
    expect(db.selects().map(sqlText)).toEqual([
      "SELECT ca.id1, ca.id2 FROM ca ORDER BY ca.id1, ca.id2",
      "SELECT sab.a_id1, sab.a_id2, cb.id1, cb.id2 FROM sab JOIN cb ON cb.id1 = sab.b_id1 AND cb.id2 = sab.b_id2 WHERE (sab.a_id1, sab.a_id2) IN (__[POSTCOMPILE_primary_keys])",
    ]);
    expect(rows.map((a) => a.bs.map((b) => [b.id1, b.id2]).sort())).toEqual([[[1, 1], [1, 2]], [[1, 1]]]);
  });

  it("test_use_join", async () => {
    await using s = db.session();
    db.counting.reset();
    const results = (await s.scalars(select(MA).options(selectinload(MA.b)).orderBy(MA.id))).all();
    expect(db.selects().map(sqlText)).toEqual([
      "SELECT ma.id, ma.b_id, ma.q FROM ma ORDER BY ma.id",
      "SELECT mb.id, mb.x, mb.y FROM mb WHERE mb.id IN (__[POSTCOMPILE_primary_keys])",
    ]);
    expect(results.map((a) => (a.b ? [a.b.id, a.b.x, a.b.y] : null))).toEqual([[1, 5, 9], [2, 10, 8], [2, 10, 8], null, [1, 5, 9]]);
    expect(results[0].b).toBe(results[4].b);
  });

  it("test_use_join_parent_criteria", async () => {
    await using s = db.session();
    db.counting.reset();
    const results = (await s.scalars(select(MA).where(MA.id.in([1, 3])).options(selectinload(MA.b)).orderBy(MA.id))).all();
    expect(sqlText(db.selects()[1])).toBe("SELECT mb.id, mb.x, mb.y FROM mb WHERE mb.id IN (__[POSTCOMPILE_primary_keys])");
    expect(results.map((a) => [a.id, a.b?.id])).toEqual([[1, 1], [3, 2]]);
  });

  it("test_use_join_parent_degrade_on_defer", async () => {
    // With the parent's foreign key deferred, the load joins from the parent's primary key.
    await using s = db.session();
    db.counting.reset();
    const results = (await s.scalars(select(MA).options(defer(MA.b_id), selectinload(MA.b)).orderBy(MA.id))).all();
    expect(db.selects().map(sqlText)).toEqual([
      "SELECT ma.id, ma.q FROM ma ORDER BY ma.id",
      "SELECT ma_1.id, mb.id, mb.x, mb.y FROM ma AS ma_1 JOIN mb ON mb.id = ma_1.b_id WHERE ma_1.id IN (__[POSTCOMPILE_primary_keys])",
    ]);
    expect(results.map((a) => a.b?.id ?? null)).toEqual([1, 2, 2, null, 1]);
  });
});

/**
 * More of SQLAlchemy's test/orm/test_selectin_relations.py not covered by sa3-selectin,
 * sa8f-selectin, selectin and e-selectin-keys: EagerTest on aliased entities
 * (test_from_aliased_w_cache_one/two/three, run three times to exercise the statement cache),
 * test_cyclical (the back reference of a selectin load resolved from the identity map),
 * LoadOnExistingTest.test_no_query_on_deferred, M2MOmitJoinTest's asymmetric, reverse
 * asymmetric and filtered-secondaryjoin many-to-manys, MissingForeignTest (a many-to-one key
 * with no row), TestExistingRowPopulation (selectin below joined loads reached by two paths),
 * TestCompositePlusNonComposite, and the IN batches of 500 for 1,200 parents in both
 * directions. Exact SQL (expanded IN lists folded back to SQLAlchemy's
 * `IN (__[POSTCOMPILE_primary_keys])`), the batch sizes, statement counts and loaded objects on
 * PostgreSQL and libSQL.
 *
 * Skipped: every `*_unoptimized` M2MOmitJoinTest case, M2OWDegradeTest.test_use_join_omit_join_false
 * and test_omit_join_warn_on_true (athanor has no `omit_join` relationship option: the
 * optimized form is the only one), test_from_statement / test_map_to_cte_subq /
 * test_double_with_aggregate / test_double_w_ac_against_subquery (relationships to, or
 * mappings of, arbitrary selectables), test_disable_dynamic ("dynamic" loader),
 * test_mapper_pathing (lazy="select" fallbacks: athanor never lazy loads),
 * TestBakedCancelsCorrectly (baked queries), LoadOnExistingTest.test_runs_query_on_refresh /
 * test_runs_query_on_option_refresh (an expired object's refresh does not rerun relationship
 * loaders, as sa8f-selectin records).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  aliased, and, Boolean, Column, DeclarativeBase, ForeignKey, ForeignKeyConstraint, foreign, inspect, insert, Integer, joinedload,
  mappedColumn, relationship, select, selectinload, Table,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";
import { stdFixtures } from "../query/sa3-models.js";

const PLACEHOLDER = globalThis.String.raw`(?:\?|\$\d+)`;
const TUPLE = globalThis.String.raw`\(${PLACEHOLDER}(?:, ${PLACEHOLDER})*\)`;
const IN_LIST = new RegExp(globalThis.String.raw`IN \((?:${TUPLE}|${PLACEHOLDER})(?:, (?:${TUPLE}|${PLACEHOLDER}))*\)`, "g");

/** The expanded IN list folded back to SQLAlchemy's compiled form. */
const compiledForm = (sql: string): string => sql.replace(IN_LIST, "IN (__[POSTCOMPILE_primary_keys])");
/** How many keys (or key tuples) the IN list of `sql` holds. */
function inKeys(sql: string): number {
  const body = (sql.match(IN_LIST)?.[0] ?? "IN ()").slice(4, -1);
  return body.startsWith("(") ? body.split("), (").length : body.split(", ").length;
}
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

describe.each(dialectTargets())("selectinload EagerTest / LoadOnExistingTest extras on $name (test_selectin_relations.py)", (target) => {
  const p = `${uniqueName("sa13sel")}_`;
  const f = stdFixtures(p);
  const { User, Address } = f;
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, f.Base);
    await db.engine.begin((conn) => f.insertData(conn));
  });
  beforeEach(() => db.counting.reset());
  afterAll(async () => {
    await db.cleanup();
  });
  const emitted = (): string[] => db.selects().map((s) => compiledForm(f.sqlText(s)));
  const ADDRESSES_IN =
    "SELECT addresses.user_id, addresses.id, addresses.email_address FROM addresses WHERE addresses.user_id IN (__[POSTCOMPILE_primary_keys]) ORDER BY addresses.id";

  it("test_from_aliased_w_cache_one: selectinload(u.addresses) on aliased(User), three runs", async () => {
    for (let i = 0; i < 3; i++) {
      db.counting.reset();
      await using s = db.session();
      const u = aliased(User);
      const users = (await s.scalars(select(u).where(u.id.eq(7)).options(selectinload(u.addresses)))).all();
      expect(users.map((x) => [x.id, x.addresses.map((a) => [a.id, a.email_address])])).toEqual([[7, [[1, "jack@bean.com"]]]]);
      const sql = emitted();
      expect(sql).toHaveLength(2);
      expect(sql[0]).toMatch(/^SELECT users_1\.id, users_1\.name FROM users AS users_1 WHERE users_1\.id = \S+$/);
      expect(sql[1]).toBe(ADDRESSES_IN);
    }
  });

  it("test_from_aliased_w_cache_two: every user, ordered by the alias", async () => {
    for (let i = 0; i < 3; i++) {
      db.counting.reset();
      await using s = db.session();
      const u = aliased(User);
      const users = (await s.scalars(select(u).options(selectinload(u.addresses)).orderBy(u.id))).all();
      expect(users.map((x) => [x.id, x.addresses.map((a) => a.id)])).toEqual([[7, [1]], [8, [2, 3, 4]], [9, [5]], [10, []]]);
      expect(emitted()).toEqual(["SELECT users_1.id, users_1.name FROM users AS users_1 ORDER BY users_1.id", ADDRESSES_IN]);
      expect(inKeys(db.selects()[1]!)).toBe(4);
    }
  });

  it("test_from_aliased_w_cache_three: chained below the alias, 3 statements", async () => {
    for (let i = 0; i < 3; i++) {
      db.counting.reset();
      await using s = db.session();
      const u = aliased(User);
      const users = (await s.scalars(
        select(u).where(u.id.in([8, 9])).orderBy(u.id).options(selectinload(u.addresses).selectinload(Address.dingaling)),
      )).all();
      expect(users.map((x) => [x.id, x.addresses.map((a) => [a.id, a.dingaling?.id ?? null])])).toEqual([
        [8, [[2, 1], [3, null], [4, null]]],
        [9, [[5, 2]]],
      ]);
      const sql = emitted();
      expect(sql).toHaveLength(3);
      expect(sql[1]).toBe(ADDRESSES_IN);
      expect(sql[2]).toBe(
        "SELECT dingalings.address_id, dingalings.id, dingalings.data FROM dingalings WHERE dingalings.address_id IN (__[POSTCOMPILE_primary_keys])",
      );
      expect(db.selects().slice(1).map(inKeys)).toEqual([2, 4]);
    }
  });

  it("test_cyclical: the back reference's many-to-one is resolved from the identity map, no third SELECT", async () => {
    await using s = db.session();
    const users = (await s.scalars(select(User).orderBy(User.id).options(selectinload(User.addresses).selectinload(Address.user)))).all();
    expect(users.map((u) => [u.id, u.addresses.map((a) => a.id)])).toEqual([[7, [1]], [8, [2, 3, 4]], [9, [5]], [10, []]]);
    for (const u of users) for (const a of u.addresses) expect(a.user).toBe(u);
    expect(emitted()).toEqual(["SELECT users.id, users.name FROM users ORDER BY users.id", ADDRESSES_IN]);
  });

  it("LoadOnExistingTest.test_no_query_on_deferred: an expired selectin collection stays unloaded when a column is read", async () => {
    await using s = db.session();
    const u1 = (await s.get(User, 8, { options: [selectinload(User.addresses)] }))!;
    expect(inspect(u1).unloaded.has("addresses")).toBe(false);
    s.expire(u1, ["addresses"]);
    db.counting.reset();
    expect(u1.name).toBe("ed");
    expect(db.counting.statements).toHaveLength(0);
    expect(inspect(u1).unloaded.has("addresses")).toBe(true);
  });
});

describe.each(dialectTargets())("selectinload SQL shapes on $name (M2MOmitJoinTest, MissingForeignTest, TestExistingRowPopulation, TestCompositePlusNonComposite)", (target) => {
  const p = uniqueName("sa13shp");
  const t = (n: string): string => `${p}_${n}`;
  class Base extends DeclarativeBase {}

  // M2MOmitJoinTest.asymmetric_composite_m2m
  const asymAB = Table(t("asym_ab"), Base.metadata, {
    a_id1: Column(Integer), a_id2: Column(Integer), b_id: Column(Integer, { foreignKey: `${t("asym_b")}.id` }),
  }, ForeignKeyConstraint(["a_id1", "a_id2"], [`${t("asym_a")}.id1`, `${t("asym_a")}.id2`]));
  class AsymA extends Base.model(t("asym_a"), { id1: mappedColumn(Integer, { primaryKey: true }), id2: mappedColumn(Integer, { primaryKey: true }) }) {
    static bs = relationship(() => AsymB, {
      secondary: asymAB,
      primaryjoin: () => and(AsymA.id1.eq(asymAB.c.a_id1), AsymA.id2.eq(asymAB.c.a_id2)),
      secondaryjoin: () => AsymB.id.eq(asymAB.c.b_id),
    });
    declare bs: AsymB[];
  }
  class AsymB extends Base.model(t("asym_b"), { id: mappedColumn(Integer, { primaryKey: true }) }) {}

  // M2MOmitJoinTest.reverse_asymmetric_composite_m2m
  const revAB = Table(t("rev_ab"), Base.metadata, {
    a_id: Column(Integer, { foreignKey: `${t("rev_a")}.id` }), b_id1: Column(Integer), b_id2: Column(Integer),
  }, ForeignKeyConstraint(["b_id1", "b_id2"], [`${t("rev_b")}.id1`, `${t("rev_b")}.id2`]));
  class RevA extends Base.model(t("rev_a"), { id: mappedColumn(Integer, { primaryKey: true }) }) {
    static bs = relationship(() => RevB, {
      secondary: revAB,
      primaryjoin: () => RevA.id.eq(revAB.c.a_id),
      secondaryjoin: () => and(RevB.id1.eq(revAB.c.b_id1), RevB.id2.eq(revAB.c.b_id2)),
    });
    declare bs: RevB[];
  }
  class RevB extends Base.model(t("rev_b"), { id1: mappedColumn(Integer, { primaryKey: true }), id2: mappedColumn(Integer, { primaryKey: true }) }) {}

  // M2MOmitJoinTest.filtered_secondaryjoin_m2m
  const filtAB = Table(t("filt_ab"), Base.metadata, {
    a_id: Column(Integer, { foreignKey: `${t("filt_a")}.id` }), b_id: Column(Integer, { foreignKey: `${t("filt_b")}.id` }),
  });
  class FiltA extends Base.model(t("filt_a"), { id: mappedColumn(Integer, { primaryKey: true }) }) {
    static bs = relationship(() => FiltB, {
      secondary: filtAB,
      primaryjoin: () => FiltA.id.eq(filtAB.c.a_id),
      secondaryjoin: () => and(FiltB.id.eq(filtAB.c.b_id), FiltB.active.eq(true)),
    });
    declare bs: FiltB[];
  }
  class FiltB extends Base.model(t("filt_b"), { id: mappedColumn(Integer, { primaryKey: true }), active: mappedColumn(Boolean, { nullable: true }) }) {}

  // MissingForeignTest: no foreign key constraint, a foreign() annotation only.
  class MA extends Base.model(t("mf_a"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    b_id: mappedColumn(Integer, { nullable: true }),
    q: mappedColumn(Integer, { nullable: true }),
  }) {
    static b = relationship(() => MB, { primaryjoin: () => foreign(MA.b_id).eq(MB.id) });
    declare b: MB | null;
  }
  class MB extends Base.model(t("mf_b"), {
    id: mappedColumn(Integer, { primaryKey: true }), x: mappedColumn(Integer, { nullable: true }), y: mappedColumn(Integer, { nullable: true }),
  }) {}

  // TestExistingRowPopulation
  class RA extends Base.model(t("er_a"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    b_id: mappedColumn(ForeignKey(`${t("er_b")}.id`), { nullable: true }),
    a2_id: mappedColumn(ForeignKey(`${t("er_a2")}.id`), { nullable: true }),
  }) {
    static a2 = relationship(() => RA2);
    declare a2: RA2 | null;
    static b = relationship(() => RB);
    declare b: RB | null;
  }
  class RA2 extends Base.model(t("er_a2"), { id: mappedColumn(Integer, { primaryKey: true }), b_id: mappedColumn(ForeignKey(`${t("er_b")}.id`), { nullable: true }) }) {
    static b = relationship(() => RB);
    declare b: RB | null;
  }
  class RB extends Base.model(t("er_b"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    c1_m2o_id: mappedColumn(ForeignKey(`${t("er_c1m2o")}.id`), { nullable: true }),
    c2_m2o_id: mappedColumn(ForeignKey(`${t("er_c2m2o")}.id`), { nullable: true }),
  }) {
    static c1_o2m = relationship(() => C1o2m);
    declare c1_o2m: C1o2m[];
    static c2_o2m = relationship(() => C2o2m);
    declare c2_o2m: C2o2m[];
    static c1_m2o = relationship(() => C1m2o);
    declare c1_m2o: C1m2o | null;
    static c2_m2o = relationship(() => C2m2o);
    declare c2_m2o: C2m2o | null;
  }
  class C1o2m extends Base.model(t("er_c1o2m"), { id: mappedColumn(Integer, { primaryKey: true }), b_id: mappedColumn(ForeignKey(`${t("er_b")}.id`), { nullable: true }) }) {}
  class C2o2m extends Base.model(t("er_c2o2m"), { id: mappedColumn(Integer, { primaryKey: true }), b_id: mappedColumn(ForeignKey(`${t("er_b")}.id`), { nullable: true }) }) {}
  class C1m2o extends Base.model(t("er_c1m2o"), { id: mappedColumn(Integer, { primaryKey: true }) }) {}
  class C2m2o extends Base.model(t("er_c2m2o"), { id: mappedColumn(Integer, { primaryKey: true }) }) {}

  // TestCompositePlusNonComposite: a composite-key parent with a composite and a plain relationship.
  class CA extends Base.model(t("cpn_a"), { id: mappedColumn(Integer, { primaryKey: true }) }) {
    static bs = relationship(() => CB, { orderBy: () => [CB.id1, CB.id2] as never });
    declare bs: CB[];
  }
  class CB extends Base.model(t("cpn_b"), {
    id1: mappedColumn(Integer, { primaryKey: true }),
    id2: mappedColumn(Integer, { primaryKey: true }),
    a_id: mappedColumn(ForeignKey(`${t("cpn_a")}.id`), { nullable: true }),
  }) {
    static cs = relationship(() => CC, { orderBy: () => CC.id });
    declare cs: CC[];
  }
  class CC extends Base.model(t("cpn_c"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    b_id1: mappedColumn(Integer, { nullable: true }),
    b_id2: mappedColumn(Integer, { nullable: true }),
  }, { tableArgs: [ForeignKeyConstraint(["b_id1", "b_id2"], [`${t("cpn_b")}.id1`, `${t("cpn_b")}.id2`])] }) {}

  // 1,200 parents: IN batches of 500.
  class BigParent extends Base.model(t("big_p"), { id: mappedColumn(Integer, { primaryKey: true }) }) {
    static kids = relationship(() => BigChild, { orderBy: () => BigChild.id });
    declare kids: BigChild[];
  }
  class BigChild extends Base.model(t("big_c"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    p_id: mappedColumn(ForeignKey(`${t("big_p")}.id`), { nullable: true }),
  }) {
    static parent = relationship(() => BigParent);
    declare parent: BigParent | null;
  }

  let db: Db;
  const sqlText = (sql: string): string => compiledForm(sql.split(`${p}_`).join("").replace(/\s*\n\s*/g, " "));
  const selects = (): string[] => db.selects().map(sqlText);
  beforeAll(async () => {
    db = await openDb(target, Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(AsymA.__table__), [{ id1: 1, id2: 1 }, { id1: 1, id2: 2 }]);
      await conn.execute(insert(AsymB.__table__), [{ id: 1 }, { id: 2 }, { id: 3 }]);
      await conn.execute(insert(asymAB), [[1, 1, 1], [1, 1, 2], [1, 1, 3], [1, 2, 2], [1, 2, 3]].map(([a_id1, a_id2, b_id]) => ({ a_id1, a_id2, b_id })));
      await conn.execute(insert(RevA.__table__), [{ id: 1 }, { id: 2 }]);
      await conn.execute(insert(RevB.__table__), [{ id1: 1, id2: 1 }, { id1: 1, id2: 2 }, { id1: 2, id2: 1 }]);
      await conn.execute(insert(revAB), [[1, 1, 1], [1, 1, 2], [1, 2, 1], [2, 1, 2], [2, 2, 1]].map(([a_id, b_id1, b_id2]) => ({ a_id, b_id1, b_id2 })));
      await conn.execute(insert(FiltA.__table__), [{ id: 1 }, { id: 2 }]);
      await conn.execute(insert(FiltB.__table__), [{ id: 1, active: true }, { id: 2, active: false }, { id: 3, active: true }]);
      await conn.execute(insert(filtAB), [[1, 1], [1, 2], [1, 3], [2, 2], [2, 3]].map(([a_id, b_id]) => ({ a_id, b_id })));
      await conn.execute(insert(MB.__table__), [{ id: 1, x: 5, y: 9 }, { id: 2, x: 10, y: 8 }]);
      await conn.execute(insert(MA.__table__), [{ id: 1, b_id: 1 }, { id: 2, b_id: 5 }, { id: 3, b_id: 2 }, { id: 4, b_id: null }]);
      await conn.execute(insert(C1m2o.__table__), [{ id: 1 }]);
      await conn.execute(insert(C2m2o.__table__), [{ id: 1 }]);
      await conn.execute(insert(RB.__table__), [{ id: 1, c1_m2o_id: 1, c2_m2o_id: 1 }]);
      await conn.execute(insert(C1o2m.__table__), [{ id: 1, b_id: 1 }]);
      await conn.execute(insert(C2o2m.__table__), [{ id: 1, b_id: 1 }]);
      await conn.execute(insert(RA2.__table__), [{ id: 1, b_id: 1 }]);
      await conn.execute(insert(RA.__table__), [{ id: 1, b_id: 1, a2_id: 1 }]);
      await conn.execute(insert(CA.__table__), [{ id: 1 }, { id: 2 }]);
      await conn.execute(insert(CB.__table__), [{ id1: 1, id2: 1, a_id: 1 }, { id1: 1, id2: 2, a_id: 1 }, { id1: 2, id2: 1, a_id: 2 }]);
      await conn.execute(insert(CC.__table__), [{ id: 1, b_id1: 1, b_id2: 1 }, { id: 2, b_id1: 1, b_id2: 1 }, { id: 3, b_id1: 2, b_id2: 1 }]);
      await conn.execute(insert(BigParent.__table__), range(1, 1201).map((id) => ({ id })));
      // One child per parent, plus a second child for every third parent.
      await conn.execute(insert(BigChild.__table__), [
        ...range(1, 1201).map((i) => ({ id: i, p_id: i })),
        ...range(1, 1201).filter((i) => i % 3 === 0).map((i) => ({ id: 10000 + i, p_id: i })),
      ]);
    });
  });
  beforeEach(() => db.counting.reset());
  afterAll(async () => {
    await db.cleanup();
  });

  it("M2MOmitJoinTest.test_asymmetric_composite: a tuple IN on the association table's composite key", async () => {
    await using s = db.session();
    const as = (await s.scalars(select(AsymA).options(selectinload(AsymA.bs)).orderBy(AsymA.id1, AsymA.id2))).all();
    expect(selects()).toEqual([
      "SELECT asym_a.id1, asym_a.id2 FROM asym_a ORDER BY asym_a.id1, asym_a.id2",
      "SELECT asym_ab.a_id1, asym_ab.a_id2, asym_b.id FROM asym_ab JOIN asym_b ON asym_b.id = asym_ab.b_id WHERE (asym_ab.a_id1, asym_ab.a_id2) IN (__[POSTCOMPILE_primary_keys])",
    ]);
    expect(inKeys(db.selects()[1]!)).toBe(2);
    expect(as.map((a) => a.bs.map((b) => b.id).sort())).toEqual([[1, 2, 3], [2, 3]]);
  });

  it("M2MOmitJoinTest.test_reverse_asymmetric_composite: a plain IN, a composite secondaryjoin", async () => {
    await using s = db.session();
    const as = (await s.scalars(select(RevA).options(selectinload(RevA.bs)).orderBy(RevA.id))).all();
    expect(selects()).toEqual([
      "SELECT rev_a.id FROM rev_a ORDER BY rev_a.id",
      "SELECT rev_ab.a_id, rev_b.id1, rev_b.id2 FROM rev_ab JOIN rev_b ON rev_b.id1 = rev_ab.b_id1 AND rev_b.id2 = rev_ab.b_id2 WHERE rev_ab.a_id IN (__[POSTCOMPILE_primary_keys])",
    ]);
    expect(inKeys(db.selects()[1]!)).toBe(2);
    expect(as.map((a) => a.bs.map((b) => [b.id1, b.id2]).sort())).toEqual([[[1, 1], [1, 2], [2, 1]], [[1, 2], [2, 1]]]);
  });

  it("M2MOmitJoinTest.test_filtered_secondaryjoin: the secondaryjoin's filter stays in the JOIN", async () => {
    await using s = db.session();
    const as = (await s.scalars(select(FiltA).options(selectinload(FiltA.bs)).orderBy(FiltA.id))).all();
    // The literal True renders as `1` on SQLite and `true` on PostgreSQL, as SQLAlchemy's does.
    const bool = target.dialect === "postgresql" ? "true" : "1";
    expect(selects()).toEqual([
      "SELECT filt_a.id FROM filt_a ORDER BY filt_a.id",
      `SELECT filt_ab.a_id, filt_b.id, filt_b.active FROM filt_ab JOIN filt_b ON filt_b.id = filt_ab.b_id AND filt_b.active = ${bool} ` +
        "WHERE filt_ab.a_id IN (__[POSTCOMPILE_primary_keys])",
    ]);
    expect(inKeys(db.selects()[1]!)).toBe(2);
    expect(as.map((a) => a.bs.map((b) => b.id).sort())).toEqual([[1, 3], [3]]);
  });

  it("MissingForeignTest.test_missing_rec: a key with no row loads None, the key is kept", async () => {
    await using s = db.session();
    const as = (await s.scalars(select(MA).options(selectinload(MA.b)).orderBy(MA.id))).all();
    expect(as.map((a) => [a.id, a.b_id, a.b ? [a.b.id, a.b.x, a.b.y] : null])).toEqual([
      [1, 1, [1, 5, 9]], [2, 5, null], [3, 2, [2, 10, 8]], [4, null, null],
    ]);
    expect(selects()).toEqual([
      "SELECT mf_a.id, mf_a.b_id, mf_a.q FROM mf_a ORDER BY mf_a.id",
      "SELECT mf_b.id, mf_b.x, mf_b.y FROM mf_b WHERE mf_b.id IN (__[POSTCOMPILE_primary_keys])",
    ]);
    // The NULL key is not sent; the missing 5 is.
    expect(inKeys(db.selects()[1]!)).toBe(3);
    for (const a of as) expect(inspect(a).unloaded.has("b")).toBe(false);
  });

  it("TestExistingRowPopulation.test_o2m: B reached by two joined paths gets both selectin collections", async () => {
    await using s = db.session();
    const [a1] = (await s.scalars(select(RA).options(
      joinedload(RA.b).selectinload(RB.c2_o2m),
      joinedload(RA.a2).joinedload(RA2.b).selectinload(RB.c1_o2m),
    ))).unique().all();
    expect(a1!.b).toBe(a1!.a2!.b);
    expect(inspect(a1!.b!).unloaded.has("c1_o2m")).toBe(false);
    expect(inspect(a1!.b!).unloaded.has("c2_o2m")).toBe(false);
    expect([a1!.b!.c1_o2m.map((c) => c.id), a1!.b!.c2_o2m.map((c) => c.id)]).toEqual([[1], [1]]);
    expect(selects()).toHaveLength(3);
  });

  it("TestExistingRowPopulation.test_m2o: the same with many-to-ones below", async () => {
    await using s = db.session();
    const [a1] = (await s.scalars(select(RA).options(
      joinedload(RA.b).selectinload(RB.c2_m2o),
      joinedload(RA.a2).joinedload(RA2.b).selectinload(RB.c1_m2o),
    ))).unique().all();
    expect(inspect(a1!.b!).unloaded.has("c1_m2o")).toBe(false);
    expect(inspect(a1!.b!).unloaded.has("c2_m2o")).toBe(false);
    expect([a1!.b!.c1_m2o?.id, a1!.b!.c2_m2o?.id]).toEqual([1, 1]);
    expect(selects()).toHaveLength(3);
  });

  it("TestCompositePlusNonComposite.test_load_composite_then_non_composite: plain IN, then tuple IN", async () => {
    await using s = db.session();
    const as = (await s.scalars(select(CA).orderBy(CA.id).options(selectinload(CA.bs).selectinload(CB.cs)))).all();
    expect(as.map((a) => a.bs.map((b) => [b.id1, b.id2, b.cs.map((c) => c.id)]))).toEqual([
      [[1, 1, [1, 2]], [1, 2, []]],
      [[2, 1, [3]]],
    ]);
    expect(selects()).toEqual([
      "SELECT cpn_a.id FROM cpn_a ORDER BY cpn_a.id",
      "SELECT cpn_b.a_id, cpn_b.id1, cpn_b.id2 FROM cpn_b WHERE cpn_b.a_id IN (__[POSTCOMPILE_primary_keys]) ORDER BY cpn_b.id1, cpn_b.id2",
      "SELECT cpn_c.b_id1, cpn_c.b_id2, cpn_c.id FROM cpn_c WHERE (cpn_c.b_id1, cpn_c.b_id2) IN (__[POSTCOMPILE_primary_keys]) ORDER BY cpn_c.id",
    ]);
    expect(db.selects().slice(1).map(inKeys)).toEqual([2, 3]);
  });

  it("1,200 parents, one-to-many: IN batches of 500, 500 and 200 (4 statements)", async () => {
    await using s = db.session();
    const ps = (await s.scalars(select(BigParent).orderBy(BigParent.id).options(selectinload(BigParent.kids)))).all();
    expect(ps).toHaveLength(1200);
    const sql = selects();
    expect(sql).toHaveLength(4);
    expect(sql.slice(1)).toEqual([0, 1, 2].map(() =>
      "SELECT big_c.p_id, big_c.id FROM big_c WHERE big_c.p_id IN (__[POSTCOMPILE_primary_keys]) ORDER BY big_c.id"));
    expect(db.selects().slice(1).map(inKeys)).toEqual([500, 500, 200]);
    expect(ps.map((x) => x.kids.map((k) => k.id))).toEqual(range(1, 1201).map((i) => (i % 3 === 0 ? [i, 10000 + i] : [i])));
  });

  it("1,200 parents as many-to-one targets of 1,600 children: the keys de-duplicated, then batched 500/500/200", async () => {
    await using s = db.session();
    const kids = (await s.scalars(select(BigChild).orderBy(BigChild.id).options(selectinload(BigChild.parent)))).all();
    expect(kids).toHaveLength(1600);
    const sql = selects();
    expect(sql).toHaveLength(4);
    expect(sql.slice(1)).toEqual([0, 1, 2].map(() => "SELECT big_p.id FROM big_p WHERE big_p.id IN (__[POSTCOMPILE_primary_keys])"));
    expect(db.selects().slice(1).map(inKeys)).toEqual([500, 500, 200]);
    expect(kids.every((k) => k.parent?.id === k.p_id)).toBe(true);
    expect(kids.find((k) => k.id === 10003)!.parent).toBe(kids.find((k) => k.id === 3)!.parent);
  });
});

/**
 * SQLAlchemy's test_eager_relations.py InnerJoinSplicingTest: inner eager joins below an outer
 * one are spliced into its nested join next to their parent's alias, in SQLAlchemy's order.
 * Declarative mappings put a nested entity's columns after its parent's (path order), where
 * SQLAlchemy's imperative fixture lists them first.
 *
 * Skipped: test_splice_onto_ac (a relationship to an aliased class over an outer join; athanor
 * relationships target mapped classes).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeclarativeBase, defaultload, ForeignKey, insert, Integer, joinedload, mappedColumn, relationship, select, String } from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function splicingModels(p: string) {
  class Base extends DeclarativeBase {}
  const t = (n: string): string => `${p}${n}`;
  const val = () => mappedColumn(String(10), { nullable: true });
  class A extends Base.model(t("a"), { id: mappedColumn(Integer, { primaryKey: true }) }) {
    static bs = relationship(() => B);
    declare bs: B[];
  }
  class B extends Base.model(t("b"), { id: mappedColumn(Integer, { primaryKey: true }), a_id: mappedColumn(ForeignKey(`${t("a")}.id`), { nullable: true }), value: val() }) {
    static c1s = relationship(() => C1, { orderBy: () => C1.id });
    declare c1s: C1[];
    static c2s = relationship(() => C2, { orderBy: () => C2.id });
    declare c2s: C2[];
  }
  class C1 extends Base.model(t("c1"), { id: mappedColumn(Integer, { primaryKey: true }), b_id: mappedColumn(ForeignKey(`${t("b")}.id`), { nullable: true }), value: val() }) {
    static d1s = relationship(() => D1, { orderBy: () => D1.id });
    declare d1s: D1[];
  }
  class C2 extends Base.model(t("c2"), { id: mappedColumn(Integer, { primaryKey: true }), b_id: mappedColumn(ForeignKey(`${t("b")}.id`), { nullable: true }), value: val() }) {
    static d2s = relationship(() => D2, { orderBy: () => D2.id });
    declare d2s: D2[];
  }
  class D1 extends Base.model(t("d1"), { id: mappedColumn(Integer, { primaryKey: true }), c1_id: mappedColumn(ForeignKey(`${t("c1")}.id`), { nullable: true }), value: val() }) {
    static e1s = relationship(() => E1, { orderBy: () => E1.id });
    declare e1s: E1[];
  }
  class D2 extends Base.model(t("d2"), { id: mappedColumn(Integer, { primaryKey: true }), c2_id: mappedColumn(ForeignKey(`${t("c2")}.id`), { nullable: true }), value: val() }) {}
  class E1 extends Base.model(t("e1"), { id: mappedColumn(Integer, { primaryKey: true }), d1_id: mappedColumn(ForeignKey(`${t("d1")}.id`), { nullable: true }), value: val() }) {}
  return { Base, A, B, C1, C2, D1, D2, E1 };
}

const m = splicingModels("");
const { A, B, C1, C2, D1 } = m;
const sql = (stmt: Parameters<typeof planOrmSelect>[0], prefix = ""): string => planOrmSelect(stmt).stmt.compile().sql.replace(/\s*\n\s*/g, " ").split(prefix || "\u0000").join("");

const optsOne = (mm: typeof m) => [
  joinedload(mm.A.bs, { innerJoin: false }).joinedload(mm.B.c1s, { innerJoin: true }).joinedload(mm.C1.d1s, { innerJoin: true }),
  defaultload(mm.A.bs).joinedload(mm.B.c2s, { innerJoin: true }).joinedload(mm.C2.d2s, { innerJoin: false }),
];
const optsTwo = (mm: typeof m) => [
  joinedload(mm.A.bs),
  joinedload(mm.A.bs).joinedload(mm.B.c2s, { innerJoin: true }),
  joinedload(mm.A.bs).joinedload(mm.B.c1s, { innerJoin: true }),
  joinedload(mm.A.bs).joinedload(mm.B.c1s).joinedload(mm.C1.d1s),
];
const optsSplice = (mm: typeof m) => [
  joinedload(mm.A.bs, { innerJoin: false }),
  joinedload(mm.A.bs).joinedload(mm.B.c1s, { innerJoin: true }),
  joinedload(mm.A.bs).joinedload(mm.B.c2s, { innerJoin: true }),
  joinedload(mm.A.bs).joinedload(mm.B.c1s).joinedload(mm.C1.d1s, { innerJoin: false }),
  joinedload(mm.A.bs).joinedload(mm.B.c2s).joinedload(mm.C2.d2s),
  joinedload(mm.A.bs).joinedload(mm.B.c1s).joinedload(mm.C1.d1s).joinedload(mm.D1.e1s, { innerJoin: true }),
];

describe("InnerJoinSplicingTest SQL (test_eager_relations.py)", () => {
  it("test_nested_innerjoin_propagation_multiple_paths_one", () => {
    expect(sql(select(A).options(...optsOne(m)))).toBe(
      "SELECT a.id, b_1.id AS id_1, b_1.a_id, b_1.value, c1_1.id AS id_2, c1_1.b_id, c1_1.value AS value_1, d1_1.id AS id_3, d1_1.c1_id, d1_1.value AS value_2, " +
        "c2_1.id AS id_4, c2_1.b_id AS b_id_1, c2_1.value AS value_3, d2_1.id AS id_5, d2_1.c2_id, d2_1.value AS value_4 " +
        "FROM a LEFT OUTER JOIN (b AS b_1 JOIN c2 AS c2_1 ON b_1.id = c2_1.b_id JOIN c1 AS c1_1 ON b_1.id = c1_1.b_id " +
        "JOIN d1 AS d1_1 ON c1_1.id = d1_1.c1_id) ON a.id = b_1.a_id LEFT OUTER JOIN d2 AS d2_1 ON c2_1.id = d2_1.c2_id " +
        "ORDER BY c1_1.id, d1_1.id, c2_1.id, d2_1.id",
    );
  });

  it("test_nested_innerjoin_propagation_multiple_paths_two", () => {
    expect(sql(select(A).options(...optsTwo(m)))).toMatch(
      new RegExp("FROM a LEFT OUTER JOIN \\(b AS b_1 JOIN c2 AS c2_1 ON b_1\\.id = c2_1\\.b_id JOIN c1 AS c1_1 ON b_1\\.id = c1_1\\.b_id\\) ON a\\.id = b_1\\.a_id " +
        "LEFT OUTER JOIN d1 AS d1_1 ON c1_1\\.id = d1_1\\.c1_id ORDER BY c1_1\\.id, d1_1\\.id, c2_1\\.id$"),
    );
  });

  it("test_multiple_splice_points", () => {
    expect(sql(select(A).options(...optsSplice(m)))).toContain(
      "FROM a LEFT OUTER JOIN (b AS b_1 JOIN c2 AS c2_1 ON b_1.id = c2_1.b_id JOIN c1 AS c1_1 ON b_1.id = c1_1.b_id) ON a.id = b_1.a_id " +
        "LEFT OUTER JOIN (d1 AS d1_1 JOIN e1 AS e1_1 ON d1_1.id = e1_1.d1_id) ON c1_1.id = d1_1.c1_id " +
        "LEFT OUTER JOIN d2 AS d2_1 ON c2_1.id = d2_1.c2_id ORDER BY c1_1.id, d1_1.id, e1_1.id, c2_1.id, d2_1.id",
    );
  });
  void B; void C1; void C2; void D1;
});

describe.each(dialectTargets())("InnerJoinSplicingTest rows on $name", (target) => {
  const p = `${uniqueName("sa8fspl")}_`;
  const mm = splicingModels(p);
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, mm.Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(mm.A.__table__), [{ id: 1 }, { id: 2 }]);
      await conn.execute(insert(mm.B.__table__), [{ id: 1, a_id: 1, value: null }, { id: 2, a_id: 1, value: null }, { id: 3, a_id: 2, value: null }]);
      await conn.execute(insert(mm.C1.__table__), [{ id: 1, b_id: 1, value: "C11" }, { id: 4, b_id: 2, value: "C14" }, { id: 8, b_id: 3, value: null }]);
      await conn.execute(insert(mm.C2.__table__), [{ id: 1, b_id: 1, value: "C21" }, { id: 2, b_id: 1, value: "C22" }, { id: 4, b_id: 2, value: "C24" }, { id: 8, b_id: 3, value: null }]);
      await conn.execute(insert(mm.D1.__table__), [{ id: 1, c1_id: 1, value: null }, { id: 2, c1_id: 1, value: null }, { id: 3, c1_id: 4, value: null }, { id: 4, c1_id: 4, value: null }, { id: 5, c1_id: 8, value: "D15" }]);
      await conn.execute(insert(mm.D2.__table__), [{ id: 3, c2_id: 1, value: null }, { id: 4, c2_id: 2, value: null }, { id: 6, c2_id: 8, value: "D26" }]);
      await conn.execute(insert(mm.E1.__table__), [{ id: 1, d1_id: 1, value: null }, { id: 2, d1_id: 2, value: null }, { id: 3, d1_id: 3, value: "E13" }, { id: 4, d1_id: 3, value: "E14" }, { id: 5, d1_id: 4, value: null }, { id: 6, d1_id: 5, value: null }]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  // SQLAlchemy's _fixture_data, as far as each query loads it.
  const rows = (as: readonly InstanceType<typeof mm.A>[], deep: boolean): unknown =>
    as.map((a) => [a.id, a.bs.map((b) => [b.id, b.c1s.map((c) => [c.id, c.d1s.map((d) => (deep ? [d.id, d.e1s.map((e) => e.id)] : d.id))]), b.c2s.map((c) => [c.id, ...(deep ? [c.d2s.map((d) => d.id)] : [])])])]);

  for (const [name, opts, deep] of [["test_nested_innerjoin_propagation_multiple_paths_one", optsOne, false], ["test_multiple_splice_points", optsSplice, true]] as const) {
    it(name, async () => {
      await using s = db.session();
      const as = (await s.scalars(select(mm.A).options(...opts(mm)).orderBy(mm.A.id))).unique().all();
      // B 2's c2 (C24) has no d2s; the inner joins keep it since d2s is outer.
      expect(rows(as, deep)).toEqual([
        [1, [[1, [[1, deep ? [[1, [1]], [2, [2]]] : [1, 2]]], [[1, ...(deep ? [[3]] : [])], [2, ...(deep ? [[4]] : [])]]],
          [2, [[4, deep ? [[3, [3, 4]], [4, [5]]] : [3, 4]]], [[4, ...(deep ? [[]] : [])]]]]],
        [2, [[3, [[8, deep ? [[5, [6]]] : [5]]], [[8, ...(deep ? [[6]] : [])]]]]],
      ]);
    });
  }
});

/**
 * SQLAlchemy's test_eager_relations.py EnsureColumnsAddedTest (a joined eager load adds the
 * parent's join column that loadOnly() left out, inside a LIMIT subquery too) and
 * SingletonConstantSubqTest (NULL / TRUE constants next to an entity in a LIMIT-wrapped eager
 * statement; test_limited_eager_w_multi_null_booleans is not ported: repeated null_() / true_()
 * in the LIMIT subquery share one anonymous label, which PostgreSQL rejects as ambiguous). Compiled without the table-qualified labels of SQLAlchemy's legacy Query.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Column, DeclarativeBase, ForeignKey, Integer, joinedload, loadOnly, mappedColumn, null_, relationship, select, Table,
} from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";
import { stdFixtures } from "../query/sa3-models.js";

const sql = (stmt: Parameters<typeof planOrmSelect>[0]): string => planOrmSelect(stmt).stmt.compile().sql.replace(/\s*\n\s*/g, " ");

describe("EnsureColumnsAddedTest (test_eager_relations.py)", () => {
  class Base extends DeclarativeBase {}
  const parentToM2m = Table("parent_to_m2m", Base.metadata, {
    parent_id: Column(Integer, { foreignKey: "parent.arb" }),
    child_id: Column(Integer, { foreignKey: "m2mchild.id" }),
  });
  class Parent extends Base.model("parent", {
    id: mappedColumn(Integer, { primaryKey: true }),
    arb: mappedColumn(Integer, { unique: true, nullable: true }),
    data: mappedColumn(Integer, { nullable: true }),
  }) {
    static o2mchild = relationship(() => O2MChild);
    declare o2mchild: O2MChild[];
    static m2mchild = relationship(() => M2MChild, { secondary: parentToM2m });
    declare m2mchild: M2MChild[];
  }
  class O2MChild extends Base.model("o2mchild", {
    id: mappedColumn(Integer, { primaryKey: true }),
    parent_id: mappedColumn(ForeignKey("parent.arb"), { nullable: true }),
  }) {}
  class M2MChild extends Base.model("m2mchild", { id: mappedColumn(Integer, { primaryKey: true }) }) {}

  it("test_joinedload_defered_pk_limit_o2m", () => {
    expect(sql(select(Parent).options(loadOnly(Parent.data), joinedload(Parent.o2mchild)).limit(10))).toBe(
      "SELECT anon_1.id, anon_1.data, anon_1.arb, o2mchild_1.id AS id_1, o2mchild_1.parent_id " +
        "FROM (SELECT parent.id AS id, parent.data AS data, parent.arb AS arb FROM parent LIMIT :param_1) AS anon_1 " +
        "LEFT OUTER JOIN o2mchild AS o2mchild_1 ON anon_1.arb = o2mchild_1.parent_id",
    );
  });

  it("test_joinedload_defered_pk_limit_m2m", () => {
    expect(sql(select(Parent).options(loadOnly(Parent.data), joinedload(Parent.m2mchild)).limit(10))).toBe(
      "SELECT anon_1.id, anon_1.data, anon_1.arb, m2mchild_1.id AS id_1 " +
        "FROM (SELECT parent.id AS id, parent.data AS data, parent.arb AS arb FROM parent LIMIT :param_1) AS anon_1 " +
        "LEFT OUTER JOIN (parent_to_m2m AS parent_to_m2m_1 JOIN m2mchild AS m2mchild_1 ON m2mchild_1.id = parent_to_m2m_1.child_id) " +
        "ON anon_1.arb = parent_to_m2m_1.parent_id",
    );
  });

  it("test_joinedload_defered_pk_o2m", () => {
    expect(sql(select(Parent).options(loadOnly(Parent.data), joinedload(Parent.o2mchild)))).toBe(
      "SELECT parent.id, parent.data, parent.arb, o2mchild_1.id AS id_1, o2mchild_1.parent_id " +
        "FROM parent LEFT OUTER JOIN o2mchild AS o2mchild_1 ON parent.arb = o2mchild_1.parent_id",
    );
  });

  it("test_joinedload_defered_pk_m2m", () => {
    expect(sql(select(Parent).options(loadOnly(Parent.data), joinedload(Parent.m2mchild)))).toBe(
      "SELECT parent.id, parent.data, parent.arb, m2mchild_1.id AS id_1 " +
        "FROM parent LEFT OUTER JOIN (parent_to_m2m AS parent_to_m2m_1 JOIN m2mchild AS m2mchild_1 ON m2mchild_1.id = parent_to_m2m_1.child_id) " +
        "ON parent.arb = parent_to_m2m_1.parent_id",
    );
  });
});

describe.each(dialectTargets())("SingletonConstantSubqTest on $name (test_eager_relations.py)", (target) => {
  const p = `${uniqueName("sa8fsng")}_`;
  const f = stdFixtures(p);
  const { User } = f;
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, f.Base);
    await db.engine.begin((conn) => f.insertData(conn));
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("test_limited_eager_w_null", async () => {
    await using s = db.session();
    db.counting.reset();
    const rows = (await s.execute(select(User, null_()).options(joinedload(User.addresses)).where(User.id.eq(8)).limit(10))).unique().all();
    expect(rows.map((r) => [r[0].id, r[0].addresses.length, r[1]])).toEqual([[8, 3, null]]);
    expect(db.selects()).toHaveLength(1);
  });
});

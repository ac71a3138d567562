/**
 * SQLAlchemy's test/orm/test_selectin_relations.py SelfReferentialTest.test_with_deferred: a
 * self-referential `lazy: "selectin", joinDepth: 3` relationship whose `data` column is
 * deferred, with undefer() on the root only and then on the first level through
 * `defaultload(Node.children).undefer(Node.data)`. SQLAlchemy's counts (8, 7, 4) include the lazy
 * loads of the deferred column as the comparison reads it (Query.first() is `.limit(1)` here); athanor never loads lazily, so the
 * port asserts the 4 eager statements of each run, which levels select `nodes.data`, and that
 * the deferred values stay unloaded elsewhere. The other SelfReferentialTest cases are in
 * sa8f-selfref.test.ts. PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DeclarativeBase, defaultload, ForeignKey, inspect, Integer, mappedColumn, relationship, select, String, undefer,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

describe.each(dialectTargets())("SelfReferentialTest.test_with_deferred (selectin) on $name", (target) => {
  const tbl = uniqueName("sa13nodes");
  class Base extends DeclarativeBase {}
  class Node extends Base.model(tbl, {
    id: mappedColumn(Integer, { primaryKey: true }),
    parent_id: mappedColumn(ForeignKey(`${tbl}.id`), { nullable: true }),
    data: mappedColumn(String(30), { nullable: true, deferred: true }),
  }) {
    static children = relationship(() => Node, { lazy: "selectin", joinDepth: 3, orderBy: () => Node.id });
    declare children: Node[];
  }
  let db: Db;
  const sqlText = (sql: string): string => sql.split(tbl).join("nodes").replace(/\s*\n\s*/g, " ").replace(/IN \([^)]*\)/, "IN (…)");
  beforeAll(async () => {
    db = await openDb(target, Base);
    await using s = db.session();
    const n = (data: string, children: Node[] = []): Node => new Node({ data, children });
    s.add(n("n1", [n("n11", [n("n111"), n("n112")]), n("n12", [n("n121"), n("n122"), n("n123")]), n("n13")]));
    s.add(n("n2", [n("n21", [n("n211"), n("n212")])]));
    await s.commit();
  });
  afterAll(async () => {
    await db.cleanup();
  });

  const dataLoaded = (x: Node): boolean => !inspect(x).unloaded.has("data");
  const LEVEL = (withData: boolean): string =>
    `SELECT nodes.parent_id, nodes.id${withData ? ", nodes.data" : ""} FROM nodes WHERE nodes.parent_id IN (…) ORDER BY nodes.id`;

  it("data deferred everywhere: four SELECTs (root + three levels), no data column", async () => {
    await using s = db.session();
    db.counting.reset();
    const n1 = (await s.scalars(select(Node).orderBy(Node.id).limit(1))).one();
    expect(n1.children.map((c) => c.id)).toHaveLength(3);
    expect([n1, ...n1.children].map(dataLoaded)).toEqual([false, false, false, false]);
    const sql = db.selects().map(sqlText);
    expect(sql).toHaveLength(4);
    expect(sql[0]).toMatch(/^SELECT nodes\.id, nodes\.parent_id FROM nodes ORDER BY nodes\.id LIMIT \S+$/);
    expect(sql.slice(1)).toEqual([LEVEL(false), LEVEL(false), LEVEL(false)]);
  });

  it("undefer(Node.data): the root's data only; the levels keep it deferred", async () => {
    await using s = db.session();
    db.counting.reset();
    const n1 = (await s.scalars(select(Node).options(undefer(Node.data)).orderBy(Node.id).limit(1))).one();
    expect(n1.data).toBe("n1");
    expect(n1.children.map(dataLoaded)).toEqual([false, false, false]);
    const sql = db.selects().map(sqlText);
    expect(sql).toHaveLength(4);
    expect(sql[0]).toMatch(/^SELECT nodes\.id, nodes\.parent_id, nodes\.data FROM nodes ORDER BY nodes\.id LIMIT \S+$/);
    expect(sql.slice(1)).toEqual([LEVEL(false), LEVEL(false), LEVEL(false)]);
  });

  it("undefer(Node.data), defaultload(Node.children).undefer(Node.data): the first level selects data too", async () => {
    await using s = db.session();
    db.counting.reset();
    const n1 = (await s.scalars(
      select(Node).options(undefer(Node.data), defaultload(Node.children).undefer(Node.data)).orderBy(Node.id).limit(1),
    )).one();
    expect([n1.data, n1.children.map((c) => c.data)]).toEqual(["n1", ["n11", "n12", "n13"]]);
    expect(n1.children[1]!.children.map(dataLoaded)).toEqual([false, false, false]);
    const sql = db.selects().map(sqlText);
    expect(sql).toHaveLength(4);
    expect(sql.slice(1)).toEqual([LEVEL(true), LEVEL(false), LEVEL(false)]);
  });
});

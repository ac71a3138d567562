/**
 * Self-referential eager loading, ported from SQLAlchemy's test_eager_relations.py
 * (SelfReferentialEagerTest) and test_selectin_relations.py (SelfReferentialTest): a default
 * `lazy: "joined" | "selectin"` strategy follows `joinDepth` levels of the same class, and
 * without it does not load even the first level (the class is already on the path). Where
 * SQLAlchemy then loads lazily (test_no_depth), athanor leaves the collections unloaded; the
 * ports assert that instead of the lazy loads' statement counts.
 *
 * Skipped: test_lazy_fallback_doesnt_affect_eager (lazy loads), SelfReferentialEagerTest
 * test_options (a legacy multi-attribute joinedload() path).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeclarativeBase, ForeignKey, inspect, Integer, mappedColumn, relationship, select, selectinload, String, type LazyStrategy } from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

interface TreeNode {
  data: string | null;
  children: TreeNode[];
}

describe.each(dialectTargets())("self-referential eager loads on $name", (target) => {
  const tbl = uniqueName("sa8fnodes");
  // eslint-disable-next-line @typescript-eslint/explicit-function-return-type
  const mapNodes = (conf: { lazy?: LazyStrategy; joinDepth?: number } = {}) => {
    class Base extends DeclarativeBase {}
    class Node extends Base.model(tbl, {
      id: mappedColumn(Integer, { primaryKey: true }),
      parent_id: mappedColumn(ForeignKey(`${tbl}.id`), { nullable: true }),
      data: mappedColumn(String(30), { nullable: true }),
    }) {
      static children = relationship(() => Node, { orderBy: () => Node.id, ...conf });
      declare children: Node[];
    }
    return { Base, Node };
  };
  const plain = mapNodes();
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, plain.Base);
    // SQLAlchemy's data_fixture: n1 → n11 (n111, n112), n12 (n121, n122, n123), n13; n2 → n21 (n211, n212).
    await using s = db.session();
    const { Node } = plain;
    const n = (data: string, children: InstanceType<typeof Node>[] = []) => new Node({ data, children });
    s.add(n("n1", [n("n11", [n("n111"), n("n112")]), n("n12", [n("n121"), n("n122"), n("n123")]), n("n13")]));
    s.add(n("n2", [n("n21", [n("n211"), n("n212")])]));
    await s.commit();
  });
  afterAll(async () => {
    await db.cleanup();
  });

  /** The loaded tree as nested [data, children] pairs, `"?"` where children are not loaded. */
  const shape = (node: TreeNode): unknown => {
    if (inspect(node).unloaded.has("children")) return [node.data, "?"];
    return node.children.length ? [node.data, node.children.map(shape)] : node.data;
  };
  const FULL = [
    ["n1", [["n11", ["n111", "n112"]], ["n12", ["n121", "n122", "n123"]], "n13"]],
    ["n2", [["n21", ["n211", "n212"]]]],
  ];

  it("SelfReferentialEagerTest.test_basic: joinDepth=3 joins three levels of aliases in one SELECT", async () => {
    const { Node } = mapNodes({ lazy: "joined", joinDepth: 3 });
    await using s = db.session();
    db.counting.reset();
    const d = (await s.scalars(select(Node).where(Node.data.eq("n1")))).unique().all()[0]!;
    expect(shape(d)).toEqual(FULL[0]);
    expect(db.selects()).toHaveLength(1);
    const sql = db.selects()[0]!.split(`${tbl}`).join("nodes").replace(/\s*\n\s*/g, " ");
    expect(sql).toContain("LEFT OUTER JOIN nodes AS nodes_1 ON nodes.id = nodes_1.parent_id LEFT OUTER JOIN nodes AS nodes_2 ON nodes_1.id = nodes_2.parent_id " +
      "LEFT OUTER JOIN nodes AS nodes_3 ON nodes_2.id = nodes_3.parent_id");
    expect(sql).toMatch(/ORDER BY nodes_1\.id, nodes_2\.id, nodes_3\.id$/);
  });

  it("SelfReferentialEagerTest.test_basic with first(): the same single SELECT", async () => {
    const { Node } = mapNodes({ lazy: "joined", joinDepth: 3 });
    await using s = db.session();
    db.counting.reset();
    const d = (await s.scalars(select(Node).where(Node.data.eq("n1")))).unique().first()!;
    expect(shape(d)).toEqual(FULL[0]);
    expect(db.selects()).toHaveLength(1);
  });

  it("SelfReferentialEagerTest.test_no_depth: without joinDepth the relationship's own class is already on the path: no join", async () => {
    const { Node } = mapNodes({ lazy: "joined" });
    await using s = db.session();
    db.counting.reset();
    const d = (await s.scalars(select(Node).where(Node.data.eq("n1")))).unique().first()!;
    // SQLAlchemy's JoinedLoader returns at `path.contains_mapper(self.mapper)`; its 3 statements are lazy loads.
    expect(shape(d)).toEqual(["n1", "?"]);
    expect(db.selects()).toHaveLength(1);
    expect(db.selects()[0]).not.toContain("JOIN");
  });

  it("SelfReferentialTest.test_basic (selectin): joinDepth=3 is one SELECT per level", async () => {
    const { Node } = mapNodes({ lazy: "selectin", joinDepth: 3 });
    await using s = db.session();
    db.counting.reset();
    const d = (await s.scalars(select(Node).where(Node.data.in(["n1", "n2"])).orderBy(Node.data))).all();
    expect(d.map(shape)).toEqual(FULL);
    // Level 4 (below n111 …) finds nothing but still runs: SQLAlchemy's 4 statements.
    expect(db.selects()).toHaveLength(4);
  });

  it("SelfReferentialTest.test_options (selectin): selectinload(Node.children).selectinload(Node.children) with a LIMIT", async () => {
    const { Node } = plain;
    await using s = db.session();
    db.counting.reset();
    const d = (await s.scalars(select(Node).where(Node.data.eq("n1")).orderBy(Node.id).options(selectinload(Node.children).selectinload(Node.children)))).first()!;
    expect(shape(d)).toEqual(["n1", [["n11", [["n111", "?"], ["n112", "?"]]], ["n12", [["n121", "?"], ["n122", "?"], ["n123", "?"]]], "n13"]]);
    expect(db.selects()).toHaveLength(3);
  });

  it("SelfReferentialTest.test_no_depth (selectin): without joinDepth no level loads", async () => {
    const { Node } = mapNodes({ lazy: "selectin" });
    await using s = db.session();
    db.counting.reset();
    const d = (await s.scalars(select(Node).where(Node.data.in(["n1", "n2"])).orderBy(Node.data))).all();
    expect(d.map(shape)).toEqual([["n1", "?"], ["n2", "?"]]);
    expect(db.selects()).toHaveLength(1);
  });
});

/**
 * `selectinload(rel, { recursionDepth })`, ported from SQLAlchemy's
 * test/orm/test_recursive_loaders.py: a self-referential relationship loaded level after level
 * (one SELECT per level, -1 until a level finds nothing), a fixed depth leaving deeper levels
 * unloaded, and the error for a relationship that is not self-referential. Real SQLite and
 * PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError, DeclarativeBase, ForeignKey, insert, Integer, InvalidRequestError, mappedColumn, relationship, select,
  selectinload, String,
} from "athanor";
import { stateOf } from "../../../src/orm/state.js";
import { mapperOf } from "../../../src/orm/mapper.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

const p = uniqueName("sarec");
class Base extends DeclarativeBase {}
class Node extends Base.model(`${p}_nodes`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  parentId: mappedColumn(ForeignKey(`${p}_nodes.id`), { name: "parent_id", nullable: true }),
  data: mappedColumn(String(30), { nullable: true }),
}) {
  static children = relationship(() => Node, { orderBy: () => Node.id });
  declare children: Node[];
}
class Owner extends Base.model(`${p}_owners`, { id: mappedColumn(Integer, { primaryKey: true }) }) {
  static nodes = relationship(() => Leaf);
  declare nodes: Leaf[];
}
class Leaf extends Base.model(`${p}_leaves`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  ownerId: mappedColumn(ForeignKey(`${p}_owners.id`), { name: "owner_id" }),
}) {}
for (const cls of [Node, Owner, Leaf]) mapperOf(cls);

type Tree = { data: string | null; children?: Tree[] };
function shape(n: Node): Tree {
  const loaded = "children" in stateOf(n)!.dict;
  return loaded && n.children.length ? { data: n.data, children: n.children.map(shape) } : { data: n.data };
}
/** Levels below `n` whose children collection was loaded. */
function loadedDepth(n: Node): number {
  let depth = 0;
  let level = [n];
  while (level.length && level.every((x) => "children" in stateOf(x)!.dict)) {
    depth++;
    level = level.flatMap((x) => x.children);
  }
  return depth;
}

describe.each(dialectTargets())("recursive selectinload on $name", (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, Base);
    // The shallow tree of ShallowRecursiveTest, then a 60-deep chain (DeepRecursiveTest).
    const rows: { id: number; parentId: number | null; data: string | null }[] = [
      { id: 1, parentId: null, data: "n1" },
      { id: 2, parentId: 1, data: "n11" },
      { id: 3, parentId: 1, data: "n12" },
      { id: 4, parentId: 1, data: "n13" },
      { id: 5, parentId: 2, data: "n111" },
      { id: 6, parentId: 2, data: "n112" },
      { id: 7, parentId: 3, data: "n121" },
      { id: 8, parentId: 3, data: "n122" },
      { id: 9, parentId: 3, data: "n123" },
      { id: 10, parentId: null, data: "n2" },
      { id: 11, parentId: 10, data: "n21" },
      { id: 12, parentId: 11, data: "n211" },
      { id: 13, parentId: 11, data: "n212" },
    ];
    for (let i = 100; i < 160; i++) rows.push({ id: i, parentId: i === 100 ? null : i - 1, data: null });
    await db.engine.begin(async (conn) => {
      for (const r of rows) await conn.execute(insert(Node.__table__), [r]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("recursionDepth -1 loads the whole tree, one SELECT per level (test_recursion_depth_opt)", async () => {
    await using s = db.session();
    db.counting.reset();
    const roots = (await s.scalars(select(Node).where(Node.data.in(["n1", "n2"])).orderBy(Node.data).options(selectinload(Node.children, { recursionDepth: -1 })))).all();
    expect(db.selects()).toHaveLength(4);
    expect(roots.map(shape)).toEqual([
      {
        data: "n1",
        children: [
          { data: "n11", children: [{ data: "n111" }, { data: "n112" }] },
          { data: "n12", children: [{ data: "n121" }, { data: "n122" }, { data: "n123" }] },
          { data: "n13" },
        ],
      },
      { data: "n2", children: [{ data: "n21", children: [{ data: "n211" }, { data: "n212" }] }] },
    ]);
    // Leaves were loaded too: their empty collections are known, not unloaded.
    expect(roots[0].children[2].children).toEqual([]);
  });

  it.each([0, 1, 15, 25])("recursionDepth %i loads that many further levels and no more (test_recursion_depth)", async (depth) => {
    await using s = db.session();
    db.counting.reset();
    const root = (await s.scalars(select(Node).where(Node.id.eq(100)).options(selectinload(Node.children, { recursionDepth: depth })))).one();
    expect(loadedDepth(root)).toBe(depth + 1);
    expect(db.selects()).toHaveLength(depth + 2);
  });

  it("recursionDepth -1 follows a 60-level chain to its end (test_unlimited_recursion)", async () => {
    await using s = db.session();
    const root = (await s.scalars(select(Node).where(Node.id.eq(100)).options(selectinload(Node.children, { recursionDepth: -1 })))).one();
    expect(loadedDepth(root)).toBe(60);
  });

  it("without recursionDepth only the named level loads", async () => {
    await using s = db.session();
    const root = (await s.scalars(select(Node).where(Node.id.eq(1)).options(selectinload(Node.children)))).one();
    expect(loadedDepth(root)).toBe(1);
  });

  it("a relationship that is not self-referential raises (test_no_recursion_depth_non_self_referential)", async () => {
    await using s = db.session();
    const stmt = select(Owner).options(selectinload(Owner.nodes, { recursionDepth: -1 }));
    await expect(s.scalars(stmt)).rejects.toThrow(InvalidRequestError);
    await expect(s.scalars(stmt)).rejects.toThrow(/^recursion_depth option on relationship Owner\.nodes not valid for non-self-referential relationship$/);
  });

  it("a depth below -1 or not whole is refused when the option is built", () => {
    expect(() => selectinload(Node.children, { recursionDepth: -2 })).toThrow(ArgumentError);
    expect(() => selectinload(Node.children, { recursionDepth: 1.5 })).toThrow(ArgumentError);
  });
});

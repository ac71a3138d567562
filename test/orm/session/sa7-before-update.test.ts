/**
 * `beforeUpdate` fires for every dirty object before its changed columns are collected, as
 * SQLAlchemy's `_organize_states_for_save` does: a value a listener sets (an `updated_at`, a
 * derived column) goes out in the same UPDATE, also for an object whose only change was a
 * collection; before/after update fire for such an object even when no UPDATE is needed
 * (SQLAlchemy's test/orm/test_events.py test_before_after_only_collection, and its
 * "before_update modifies the row" recipe). Exact statements on PostgreSQL and libSQL.
 */
import { afterAll, describe, expect, it } from "vitest";
import { DeclarativeBase, event, Integer, mappedColumn, relationship, select, selectinload, String, Table, Column } from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function models() {
  class Base extends DeclarativeBase {}
  const p = uniqueName("sa7_bu");
  const link = Table(`${p}_link`, Base.metadata, {
    nodeId: Column(Integer, { name: "node_id", foreignKey: `${p}_node.id`, primaryKey: true }),
    tagId: Column(Integer, { name: "tag_id", foreignKey: `${p}_tag.id`, primaryKey: true }),
  });
  class Tag extends Base.model(`${p}_tag`, { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(20)) }) {}
  class Node extends Base.model(`${p}_node`, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(20)),
    shout: mappedColumn(String(20), { nullable: true }),
    edits: mappedColumn(Integer, { default: 0 }),
  }) {
    static tags = relationship(() => Tag, { secondary: link, orderBy: () => Tag.id });
    declare tags: Tag[];
  }
  return { Base, Node, Tag, p };
}

describe.each(dialectTargets())("beforeUpdate before the changes are collected on $name", (target) => {
  const opened: Db[] = [];
  afterAll(async () => {
    for (const db of opened) await db.cleanup();
  });
  const ph = (n: number) => (target.dialect === "postgresql" ? `$${n}` : "?");

  it("a value set by the listener is written by the same UPDATE", async () => {
    const m = models();
    const db = await openDb(target, m.Base);
    opened.push(db);
    event.listen(m.Node, "beforeUpdate", (_mapper: unknown, _conn: unknown, target: object) => {
      const n = target as InstanceType<typeof m.Node>;
      n.shout = n.name.toUpperCase();
      n.edits = (n.edits ?? 0) + 1;
    });
    await using s = db.session({ expireOnCommit: false });
    const n = new m.Node({ name: "a" });
    s.add(n);
    await s.commit();
    db.statements.length = 0;
    n.name = "b";
    await s.commit();
    const updates = db.statements.filter((x) => x.startsWith("UPDATE"));
    expect(updates).toEqual([`UPDATE ${m.p}_node SET name=${ph(1)}, shout=${ph(2)}, edits=${ph(3)} WHERE ${m.p}_node.id = ${ph(4)}`]);
    await using s2 = db.session();
    expect((await s2.scalars(select(m.Node))).all().map((x) => [x.name, x.shout, x.edits])).toEqual([["b", "B", 1]]);
  });

  it("an object whose only change is a collection gets before/after update, and the listener's column change is written", async () => {
    const m = models();
    const db = await openDb(target, m.Base);
    opened.push(db);
    const canary: string[] = [];
    event.listen(m.Node, "beforeUpdate", (_mapper: unknown, _conn: unknown, target: object) => {
      canary.push("beforeUpdate");
      (target as InstanceType<typeof m.Node>).edits += 1;
    });
    event.listen(m.Node, "afterUpdate", () => void canary.push("afterUpdate"));
    {
      await using s = db.session();
      s.add(new m.Node({ name: "n", tags: [new m.Tag({ name: "t1" })] }));
      await s.commit();
    }
    expect(canary).toEqual([]);
    await using s = db.session();
    const n = (await s.scalars(select(m.Node).options(selectinload(m.Node.tags)))).one();
    db.statements.length = 0;
    n.tags.push(new m.Tag({ name: "t2" }));
    await s.commit();
    expect(canary).toEqual(["beforeUpdate", "afterUpdate"]);
    expect(db.statements.filter((x) => x.startsWith("UPDATE"))).toEqual([`UPDATE ${m.p}_node SET edits=${ph(1)} WHERE ${m.p}_node.id = ${ph(2)}`]);
  });

  it("without a column change by the listener, a collection-only change fires both events and runs no UPDATE", async () => {
    const m = models();
    const db = await openDb(target, m.Base);
    opened.push(db);
    const canary: string[] = [];
    event.listen(m.Node, "beforeUpdate", () => void canary.push("beforeUpdate"));
    event.listen(m.Node, "afterUpdate", () => void canary.push("afterUpdate"));
    {
      await using s = db.session();
      s.add(new m.Node({ name: "n" }));
      await s.commit();
    }
    await using s = db.session();
    const n = (await s.scalars(select(m.Node).options(selectinload(m.Node.tags)))).one();
    db.statements.length = 0;
    n.tags.push(new m.Tag({ name: "t" }));
    await s.commit();
    expect(canary).toEqual(["beforeUpdate", "afterUpdate"]);
    expect(db.statements.filter((x) => x.startsWith("UPDATE"))).toEqual([]);
  });
});

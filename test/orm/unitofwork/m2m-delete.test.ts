/**
 * Deleting the parent of a many-to-many whose collection was never loaded: the association rows
 * go by the parent's key in one DELETE per relationship per flush (IN-batched, tuple IN for
 * composite keys); passiveDeletes leaves them to ON DELETE CASCADE; cascade "all" loads the
 * targets through the association table (as SQLAlchemy's delete cascade does, even with
 * lazy "raise") and deletes them. Real PostgreSQL and libSQL; statements and rows asserted.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  AsyncSession, Column, DeclarativeBase, delete as delete_, ForeignKey, ForeignKeyConstraint, insert, Integer, mappedColumn, relationship, select, String,
  Table, text, type AsyncEngine,
} from "../../../src/index.js";
import { dialectTargets, uniqueName, type CountingDriver } from "../../fixtures/databases.js";
import { useSchemaEngine } from "../../fixtures/schema-engine.js";

const p = uniqueName("m2md");
const t = (n: string) => `${p}_${n}`;

class Base extends DeclarativeBase {}

const userKeyword = Table(t("user_keyword"), Base.metadata, {
  user_id: Column(Integer, { foreignKey: `${t("users")}.id`, primaryKey: true }),
  keyword_id: Column(Integer, { foreignKey: `${t("keywords")}.id`, primaryKey: true }),
});
const userTag = Table(t("user_tag"), Base.metadata, {
  user_id: Column(Integer, { foreignKey: new ForeignKey(`${t("users")}.id`, { onDelete: "CASCADE" }), primaryKey: true }),
  tag_id: Column(Integer, { foreignKey: `${t("tags")}.id`, primaryKey: true }),
});
const userBadge = Table(t("user_badge"), Base.metadata, {
  user_id: Column(Integer, { foreignKey: `${t("users")}.id`, primaryKey: true }),
  badge_id: Column(Integer, { foreignKey: `${t("badges")}.id`, primaryKey: true }),
});
const groupMember = Table(
  t("group_member"),
  Base.metadata,
  {
    org: Column(String(10), { primaryKey: true }),
    group_no: Column(Integer, { primaryKey: true }),
    keyword_id: Column(Integer, { foreignKey: `${t("keywords")}.id`, primaryKey: true }),
  },
  new ForeignKeyConstraint(["org", "group_no"], [`${t("groups")}.org`, `${t("groups")}.no`]),
);

class User extends Base.model(t("users"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(50)),
}) {
  static keywords = relationship(() => Keyword, { secondary: userKeyword });
  declare keywords: Keyword[];
  static tags = relationship(() => Tag, { secondary: userTag, passiveDeletes: true });
  declare tags: Tag[];
  static badges = relationship(() => Badge, { secondary: userBadge, cascade: "all, delete" });
  declare badges: Badge[];
}
class Keyword extends Base.model(t("keywords"), { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(50)) }) {}
class Tag extends Base.model(t("tags"), { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(50)) }) {}
class Badge extends Base.model(t("badges"), { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(50)) }) {}
class Group extends Base.model(t("groups"), {
  org: mappedColumn(String(10), { primaryKey: true }),
  no: mappedColumn(Integer, { primaryKey: true }),
}) {
  static keywords = relationship(() => Keyword, { secondary: groupMember });
  declare keywords: Keyword[];
}

describe.each(dialectTargets())("many-to-many delete of an unloaded collection on $name", (target) => {
  let engine: AsyncEngine;
  let counting: CountingDriver;
  useSchemaEngine(target, Base.metadata, (e, c) => {
    engine = e;
    counting = c;
  });
  beforeEach(async () => {
    await engine.begin(async (conn) => {
      for (const tb of [userKeyword, userTag, userBadge, groupMember]) await conn.execute(delete_(tb as never));
      for (const m of [User, Keyword, Tag, Badge, Group]) await conn.execute(delete_(m.__table__ as never));
      await conn.execute(insert(User.__table__), [{ id: 1, name: "a" }, { id: 2, name: "b" }, { id: 3, name: "c" }]);
      await conn.execute(insert(Keyword.__table__), [{ id: 1, name: "k1" }, { id: 2, name: "k2" }]);
      await conn.execute(insert(Tag.__table__), [{ id: 1, name: "t1" }]);
      await conn.execute(insert(Badge.__table__), [{ id: 1, name: "b1" }, { id: 2, name: "b2" }, { id: 3, name: "b3" }]);
      await conn.execute(insert(Group.__table__), [{ org: "x", no: 1 }, { org: "x", no: 2 }]);
      await conn.execute(insert(userKeyword), [{ user_id: 1, keyword_id: 1 }, { user_id: 1, keyword_id: 2 }, { user_id: 2, keyword_id: 1 }, { user_id: 3, keyword_id: 2 }]);
      await conn.execute(insert(userTag), [{ user_id: 1, tag_id: 1 }, { user_id: 3, tag_id: 1 }]);
      await conn.execute(insert(userBadge), [{ user_id: 1, badge_id: 1 }, { user_id: 1, badge_id: 2 }, { user_id: 3, badge_id: 3 }]);
      await conn.execute(insert(groupMember), [{ org: "x", group_no: 1, keyword_id: 1 }, { org: "x", group_no: 2, keyword_id: 1 }]);
    });
  });

  // Every column of the association table, in declaration order (text so one helper fits all tables).
  const rows = async (tb: { name: string }, order: string): Promise<unknown[][]> =>
    engine.connect(async (conn) => (await conn.execute(text(`SELECT * FROM ${tb.name} ORDER BY ${order}`))).all().map((r) => [...(r._tuple() as unknown[])]));

  it("deletes association rows by the parents' keys in one statement, without loading the collection", async () => {
    const s = new AsyncSession(engine);
    const users = (await s.scalars(select(User).where(User.id.in([1, 2])).orderBy(User.id))).all();
    counting.reset();
    for (const u of users) await s.delete(u);
    await s.commit();
    const stmts = counting.statements.filter((x) => !/^(BEGIN|COMMIT)/i.test(x));
    const kw = stmts.filter((x) => x.includes(t("user_keyword")));
    expect(kw).toHaveLength(1);
    expect(kw[0]).toMatch(new RegExp(`^DELETE FROM ${t("user_keyword")} WHERE ${t("user_keyword")}\\.user_id IN \\((\\$1, \\$2|\\?, \\?)\\)$`));
    // Nothing about keywords is selected: the collection stays unloaded.
    expect(stmts.filter((x) => /^SELECT/i.test(x) && x.includes(t("keywords")))).toEqual([]);
    expect(await rows(userKeyword, "user_id")).toEqual([[3, 2]]);
    expect(stmts.indexOf(kw[0])).toBeLessThan(stmts.findIndex((x) => x.startsWith(`DELETE FROM ${t("users")}`)));
    await s.close();
  });

  it("passiveDeletes leaves the association rows to ON DELETE CASCADE", async () => {
    const s = new AsyncSession(engine);
    const u = (await s.get(User, 3))!;
    await s.execute(delete_(userKeyword).where(userKeyword.c.user_id.eq(3)));
    await s.execute(delete_(userBadge).where(userBadge.c.user_id.eq(3)));
    counting.reset();
    await s.delete(u);
    await s.commit();
    expect(counting.statements.filter((x) => x.includes(t("user_tag")))).toEqual([]);
    expect(await rows(userTag, "user_id")).toEqual([[1, 1]]);
    await s.close();
  });

  it('cascade "all, delete" loads the targets through the association table and deletes them', async () => {
    const s = new AsyncSession(engine);
    const u = (await s.get(User, 1))!;
    counting.reset();
    await s.delete(u);
    await s.commit();
    const stmts = counting.statements.filter((x) => !/^(BEGIN|COMMIT)/i.test(x));
    const loads = stmts.filter((x) => /^SELECT/i.test(x) && x.includes(t("badges")));
    expect(loads).toHaveLength(1);
    expect(loads[0]).toContain(`JOIN ${t("user_badge")} ON`);
    expect(stmts.filter((x) => x.startsWith(`DELETE FROM ${t("badges")}`))).toHaveLength(1);
    expect(await rows(userBadge, "user_id")).toEqual([[3, 3]]);
    const left = await engine.connect(async (conn) => (await conn.execute(select(Badge.__table__.c.id).orderBy(Badge.__table__.c.id))).scalars().all());
    expect(left).toEqual([3]);
    await s.close();
  });

  it("composite parent keys use a tuple IN", async () => {
    const s = new AsyncSession(engine);
    const gs = (await s.scalars(select(Group).orderBy(Group.no))).all();
    counting.reset();
    for (const g of gs) await s.delete(g);
    await s.commit();
    const gm = counting.statements.filter((x) => x.includes(t("group_member")));
    expect(gm).toHaveLength(1);
    expect(gm[0]).toMatch(/WHERE \(\S+\.org, \S+\.group_no\) IN/);
    expect(await rows(groupMember, "org")).toEqual([]);
    await s.close();
  });
});

/**
 * Many-to-many through an association table shared by several relationships, told apart by a
 * discriminator column in a custom primaryjoin (`uk.kind = 'fav'`): the unit of work deletes only
 * the association rows the relationship's own join identifies — when an item leaves the
 * collection and when the parent is deleted with the collection unloaded — and a new
 * association row gets the discriminator value the join requires. Real PostgreSQL and libSQL;
 * statements and remaining rows asserted.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  and, AsyncSession, Column, DeclarativeBase, delete as delete_, insert, Integer, mappedColumn, relationship, select,
  selectinload, String, Table, text, type AsyncEngine,
} from "../../../src/index.js";
import { dialectTargets, uniqueName, type CountingDriver } from "../../fixtures/databases.js";
import { useSchemaEngine } from "../../fixtures/schema-engine.js";

const p = uniqueName("d_m2mcj");
const t = (n: string) => `${p}_${n}`;

class Base extends DeclarativeBase {}

const userKeyword = Table(t("user_keyword"), Base.metadata, {
  // No foreign keys: a row the unit of work wrongly deletes is not masked by a constraint error.
  user_id: Column(Integer, { primaryKey: true }),
  keyword_id: Column(Integer, { primaryKey: true }),
  kind: Column(String(10), { primaryKey: true }),
});

class User extends Base.model(t("users"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(50)),
}) {
  static favorites = relationship(() => Keyword, {
    secondary: userKeyword,
    primaryjoin: () => and(User.id.eq(userKeyword.c.user_id), userKeyword.c.kind.eq("fav")),
    secondaryjoin: () => Keyword.id.eq(userKeyword.c.keyword_id),
    orderBy: () => Keyword.id,
  });
  declare favorites: Keyword[];
  static blocked = relationship(() => Keyword, {
    secondary: userKeyword,
    primaryjoin: () => and(User.id.eq(userKeyword.c.user_id), userKeyword.c.kind.eq("block")),
    secondaryjoin: () => Keyword.id.eq(userKeyword.c.keyword_id),
    orderBy: () => Keyword.id,
  });
  declare blocked: Keyword[];
}
class Keyword extends Base.model(t("keywords"), { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(50)) }) {}

const curatorPick = Table(t("curator_pick"), Base.metadata, {
  curator_id: Column(Integer, { primaryKey: true }),
  keyword_id: Column(Integer, { primaryKey: true }),
});
/** A target-side term: the collection holds only keywords not named "k3". */
class Curator extends Base.model(t("curators"), { id: mappedColumn(Integer, { primaryKey: true }) }) {
  static picks = relationship(() => Keyword, {
    secondary: curatorPick,
    primaryjoin: () => Curator.id.eq(curatorPick.c.curator_id),
    secondaryjoin: () => and(Keyword.id.eq(curatorPick.c.keyword_id), Keyword.name.ne("k3")),
  });
  declare picks: Keyword[];
}

describe.each(dialectTargets())("many-to-many with a discriminating primaryjoin on $name", (target) => {
  let engine: AsyncEngine;
  let counting: CountingDriver;
  useSchemaEngine(target, Base.metadata, (e, c) => {
    engine = e;
    counting = c;
  });
  beforeEach(async () => {
    await engine.begin(async (conn) => {
      await conn.execute(delete_(userKeyword as never));
      await conn.execute(delete_(curatorPick as never));
      for (const m of [User, Keyword, Curator]) await conn.execute(delete_(m.__table__ as never));
      await conn.execute(insert(Curator.__table__), [{ id: 1 }]);
      await conn.execute(insert(curatorPick), [{ curator_id: 1, keyword_id: 1 }, { curator_id: 1, keyword_id: 3 }]);
      await conn.execute(insert(User.__table__), [{ id: 1, name: "a" }, { id: 2, name: "b" }]);
      await conn.execute(insert(Keyword.__table__), [{ id: 1, name: "k1" }, { id: 2, name: "k2" }, { id: 3, name: "k3" }]);
      await conn.execute(insert(userKeyword), [
        { user_id: 1, keyword_id: 1, kind: "fav" },
        { user_id: 1, keyword_id: 2, kind: "fav" },
        { user_id: 1, keyword_id: 1, kind: "block" },
        // No relationship maps kind "other": the unit of work must never touch it.
        { user_id: 1, keyword_id: 3, kind: "other" },
        { user_id: 2, keyword_id: 1, kind: "fav" },
      ]);
    });
    counting.reset();
  });

  const rows = async (): Promise<unknown[][]> =>
    engine.connect(async (conn) =>
      (await conn.execute(text(`SELECT user_id, keyword_id, kind FROM ${t("user_keyword")} ORDER BY user_id, keyword_id, kind`))).all().map((r) => [...(r._tuple() as unknown[])]),
    );
  const ph = (n: number) => (target.name === "postgresql" ? `$${n}` : "?");
  const writes = () => counting.statements.filter((x) => /^(INSERT|UPDATE|DELETE)/i.test(x));

  it("removing an item deletes only the association row of that relationship's kind", async () => {
    await using s = new AsyncSession(engine);
    const u = (await s.scalars(select(User).where(User.id.eq(1)).options(selectinload(User.favorites), selectinload(User.blocked)))).one();
    expect(u.favorites.map((k) => k.id)).toEqual([1, 2]);
    expect(u.blocked.map((k) => k.id)).toEqual([1]);
    counting.reset();
    u.favorites = u.favorites.filter((k) => k.id !== 1);
    await s.commit();
    const uk = t("user_keyword");
    expect(writes()).toEqual([
      `DELETE FROM ${uk} WHERE (${uk}.user_id, ${uk}.keyword_id) IN ((${ph(1)}, ${ph(2)})) AND ${uk}.kind = ${ph(3)}`,
    ]);
    expect(await rows()).toEqual([[1, 1, "block"], [1, 2, "fav"], [1, 3, "other"], [2, 1, "fav"]]);
  });

  it("deleting the parent with unloaded collections deletes each relationship's rows by the parent key and its kind only", async () => {
    await using s = new AsyncSession(engine);
    const u = (await s.get(User, 1))!;
    counting.reset();
    await s.delete(u);
    await s.commit();
    const uk = t("user_keyword");
    const assoc = counting.statements.filter((x) => x.startsWith(`DELETE FROM ${uk}`));
    expect(assoc).toEqual([
      `DELETE FROM ${uk} WHERE ${uk}.user_id IN (${ph(1)}) AND ${uk}.kind = ${ph(2)}`,
      `DELETE FROM ${uk} WHERE ${uk}.user_id IN (${ph(1)}) AND ${uk}.kind = ${ph(2)}`,
    ]);
    // The unmapped "other" row stays; user 2's rows are untouched.
    expect(await rows()).toEqual([[1, 3, "other"], [2, 1, "fav"]]);
  });

  it("deleting several parents is still one DELETE per relationship", async () => {
    await using s = new AsyncSession(engine);
    const users = (await s.scalars(select(User).orderBy(User.id))).all();
    counting.reset();
    for (const u of users) await s.delete(u);
    await s.commit();
    const uk = t("user_keyword");
    expect(counting.statements.filter((x) => x.startsWith(`DELETE FROM ${uk}`))).toEqual([
      `DELETE FROM ${uk} WHERE ${uk}.user_id IN (${ph(1)}, ${ph(2)}) AND ${uk}.kind = ${ph(3)}`,
      `DELETE FROM ${uk} WHERE ${uk}.user_id IN (${ph(1)}, ${ph(2)}) AND ${uk}.kind = ${ph(3)}`,
    ]);
    expect(await rows()).toEqual([[1, 3, "other"]]);
  });

  it("a join term on the target table: deleting the parent removes only the rows whose target satisfies it (EXISTS)", async () => {
    await using s = new AsyncSession(engine);
    const c = (await s.get(Curator, 1))!;
    counting.reset();
    await s.delete(c);
    await s.commit();
    const [cp, kw] = [t("curator_pick"), t("keywords")];
    expect(counting.statements.filter((x) => x.startsWith(`DELETE FROM ${cp}`))).toEqual([
      `DELETE FROM ${cp} WHERE ${cp}.curator_id IN (${ph(1)}) AND (EXISTS (SELECT ${kw}.id \nFROM ${kw} \nWHERE ${kw}.id = ${cp}.keyword_id AND ${kw}.name != ${ph(2)}))`,
    ]);
    const left = await engine.connect(async (conn) => (await conn.execute(text(`SELECT curator_id, keyword_id FROM ${cp}`))).all().map((r) => [...(r._tuple() as unknown[])]));
    expect(left).toEqual([[1, 3]]);
  });

  it("appending inserts the association row with the kind the primaryjoin requires", async () => {
    await using s = new AsyncSession(engine);
    const u = (await s.scalars(select(User).where(User.id.eq(2)).options(selectinload(User.favorites), selectinload(User.blocked)))).one();
    const k3 = (await s.get(Keyword, 3))!;
    counting.reset();
    u.favorites.push(k3);
    u.blocked.push(k3);
    await s.commit();
    expect(await rows()).toEqual([[1, 1, "block"], [1, 1, "fav"], [1, 2, "fav"], [1, 3, "other"], [2, 1, "fav"], [2, 3, "block"], [2, 3, "fav"]]);
    const ins = writes().filter((x) => x.startsWith("INSERT"));
    expect(ins).toHaveLength(2);
  });
});

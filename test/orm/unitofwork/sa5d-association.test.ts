/**
 * SQLAlchemy's test/orm/test_association.py on PostgreSQL and libSQL: the association object
 * pattern (Item → KeywordAssociation → Keyword, the association row mapped with a composite
 * primary key of its two foreign keys, `cascade: "all, delete-orphan"` from Item). A flush
 * writes what a reload reads back: the same items, association rows (ordered by data) and
 * keywords.
 */
import { AsyncSession, DeclarativeBase, ForeignKey, func, Integer, mappedColumn, relationship, select, selectinload, String } from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "./sa3-uow-sql.helpers.js";

const items = uniqueName("sa5d_as_items");
const itemKeywords = uniqueName("sa5d_as_item_keywords");
const keywords = uniqueName("sa5d_as_keywords");
class Base extends DeclarativeBase {}
class Keyword extends Base.model(keywords, {
  keywordId: mappedColumn(Integer, { primaryKey: true, name: "keyword_id" }),
  name: mappedColumn(String(40)),
}) {}
class KeywordAssociation extends Base.model(itemKeywords, {
  itemId: mappedColumn(ForeignKey(`${items}.item_id`), { primaryKey: true, name: "item_id" }),
  keywordId: mappedColumn(ForeignKey(`${keywords}.keyword_id`), { primaryKey: true, name: "keyword_id" }),
  data: mappedColumn(String(40)),
}) {
  static keyword = relationship(() => Keyword, { lazy: "joined" });
  declare keyword: Keyword;
}
class Item extends Base.model(items, {
  itemId: mappedColumn(Integer, { primaryKey: true, name: "item_id" }),
  name: mappedColumn(String(40)),
}) {
  static keywords = relationship(() => KeywordAssociation, { orderBy: () => KeywordAssociation.data, cascade: "all, delete-orphan" });
  declare keywords: KeywordAssociation[];
}

const assoc = (keyword: Keyword, data: string) => new KeywordAssociation({ keyword, data });
/** SQLAlchemy's repr of an Item, as a structure. */
const show = (i: Item) => ({
  id: i.itemId,
  name: i.name,
  keywords: i.keywords.map((k) => ({ itemId: k.itemId, keyword: [k.keyword.keywordId, k.keyword.name], data: k.data })),
});

describe.each(dialectTargets())("AssociationTest on $name", (target) => {
  const log = useSqlLog(target, Base.metadata);
  async function reload(s: AsyncSession) {
    s.expungeAll();
    return (await s.scalars(select(Item).options(selectinload(Item.keywords)).orderBy(Item.itemId))).all().map(show);
  }

  it("test_insert", async () => {
    await using s = new AsyncSession(log.engine);
    const item1 = new Item({ name: "item1" });
    const item2 = new Item({ name: "item2" });
    item1.keywords.push(assoc(new Keyword({ name: "blue" }), "blue_assoc"));
    item1.keywords.push(assoc(new Keyword({ name: "red" }), "red_assoc"));
    item2.keywords.push(assoc(new Keyword({ name: "green" }), "green_assoc"));
    s.addAll([item1, item2]);
    await s.flush();
    const saved = [item1, item2].map(show);
    expect(saved[0]!.keywords.map((k) => k.itemId)).toEqual([item1.itemId, item1.itemId]);
    expect(await reload(s)).toEqual(saved);
  });

  it("test_replace", async () => {
    await using s = new AsyncSession(log.engine);
    const item1 = new Item({ name: "item1" });
    item1.keywords.push(assoc(new Keyword({ name: "blue" }), "blue_assoc"));
    item1.keywords.push(assoc(new Keyword({ name: "red" }), "red_assoc"));
    s.add(item1);
    await s.flush();
    const redKeyword = item1.keywords[1]!.keyword;
    item1.keywords.splice(1, 1);
    item1.keywords.push(assoc(redKeyword, "new_red_assoc"));
    await s.flush();
    const saved = [item1].map(show);
    expect(saved[0]!.keywords.map((k) => k.data)).toEqual(["blue_assoc", "new_red_assoc"]);
    expect(await reload(s)).toEqual(saved);
  });

  it("test_modify", async () => {
    await using s = new AsyncSession(log.engine);
    const item1 = new Item({ name: "item1" });
    const item2 = new Item({ name: "item2" });
    item1.keywords.push(assoc(new Keyword({ name: "blue" }), "blue_assoc"));
    item1.keywords.push(assoc(new Keyword({ name: "red" }), "red_assoc"));
    item2.keywords.push(assoc(new Keyword({ name: "green" }), "green_assoc"));
    s.addAll([item1, item2]);
    await s.flush();
    const redKeyword = item1.keywords[1]!.keyword;
    item1.keywords.splice(0, 1);
    item1.keywords.splice(0, 1);
    const purple = new Keyword({ name: "purple" });
    item1.keywords.push(assoc(redKeyword, "new_red_assoc"));
    item2.keywords.push(assoc(purple, "purple_item2_assoc"));
    item1.keywords.push(assoc(purple, "purple_item1_assoc"));
    item1.keywords.push(assoc(new Keyword({ name: "yellow" }), "yellow_assoc"));
    await s.flush();
    const saved = [item1, item2].map(show);
    expect(await reload(s)).toEqual(saved);
    expect(await s.scalar(select(func.count()).selectFrom(KeywordAssociation))).toBe(5);
  });

  it("delete-orphan: an association object pushed then popped before the flush leaves the session", async () => {
    await using s = new AsyncSession(log.engine);
    const item1 = new Item({ name: "item1" });
    s.add(item1);
    const ka = assoc(new Keyword({ name: "blue" }), "blue_assoc");
    item1.keywords.push(ka);
    expect(s.contains(ka)).toBe(true);
    expect(s.contains(ka.keyword)).toBe(true);
    expect(item1.keywords.pop()).toBe(ka);
    expect(s.contains(ka)).toBe(false);
    await s.flush();
    expect(await s.scalar(select(func.count()).selectFrom(KeywordAssociation))).toBe(0);
  });

  it("test_delete", async () => {
    await using s = new AsyncSession(log.engine);
    const item1 = new Item({ name: "item1" });
    const item2 = new Item({ name: "item2" });
    item1.keywords.push(assoc(new Keyword({ name: "blue" }), "blue_assoc"));
    item1.keywords.push(assoc(new Keyword({ name: "red" }), "red_assoc"));
    item2.keywords.push(assoc(new Keyword({ name: "green" }), "green_assoc"));
    s.addAll([item1, item2]);
    await s.flush();
    expect(await s.scalar(select(func.count()).selectFrom(KeywordAssociation))).toBe(3);
    await s.delete(item1);
    await s.delete(item2);
    await s.flush();
    expect(await s.scalar(select(func.count()).selectFrom(KeywordAssociation))).toBe(0);
    expect(await s.scalar(select(func.count()).selectFrom(Keyword))).toBe(3);
  });
});

/**
 * `ofType()` (SQLAlchemy's `of_type()`) and 1.4's `join(target, relationship)`: joins and
 * relationship criteria against an alias of the target class (or a single-table subclass),
 * exact SQL on both dialects and entity rows from real databases.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aliased, ArgumentError, DeclarativeBase, ForeignKey, insert, Integer, mappedColumn, relationship, select, String,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { defineQueryModels, openQueryDb, sqlOf, type QueryDb } from "./models.js";

const M = defineQueryModels("qot");
const { t, User, Address, Item, Keyword } = M;

// A single-table hierarchy on its own base: companies → staff, with managers.
const hp = uniqueName("qot_inh");
const ht = (n: string) => `${hp}_${n}`;
class HBase extends DeclarativeBase {}
class Company extends HBase.model(ht("company"), { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(50)) }) {
  static staff = relationship(() => Staff, { backPopulates: "company" });
  declare staff: Staff[];
}
class Staff extends HBase.model(ht("staff"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(50)),
  kind: mappedColumn(String(20)),
  companyId: mappedColumn(ForeignKey(`${ht("company")}.id`), { name: "company_id" }),
}, { polymorphicOn: "kind", polymorphicIdentity: "staff" }) {
  static company = relationship(() => Company, { backPopulates: "staff" });
  declare company: Company;
}
class Manager extends Staff.subclass({ budget: mappedColumn(Integer, { nullable: true }) }, { polymorphicIdentity: "manager" }) {}
void Manager.id;

describe.each(dialectTargets())("ofType() and join(target, relationship) on $name", (target) => {
  let db: QueryDb;
  let hdb: QueryDb;
  const d = target.dialect;
  const ph = (n: number): string => (d === "postgresql" ? `$${n}` : "?");
  const sql = (s: Parameters<typeof sqlOf>[0]) => sqlOf(s, d);
  const U = t("users");
  const A = t("addresses");
  const I = t("items");
  const K = t("keywords");
  const IK = t("item_keywords");

  beforeAll(async () => {
    db = await openQueryDb(target, M.Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [{ id: 1, name: "sandy" }, { id: 2, name: "patrick" }]);
      await conn.execute(insert(Address.__table__), [
        { id: 1, email: "s1@x", userId: 1 },
        { id: 2, email: "s2@y", userId: 1 },
        { id: 3, email: "p1@x", userId: 2 },
      ]);
      await conn.execute(insert(Item.__table__), [{ id: 1, name: "i1" }, { id: 2, name: "i2" }]);
      await conn.execute(insert(Keyword.__table__), [{ id: 1, name: "red" }, { id: 2, name: "blue" }]);
      await conn.execute(insert(M.itemKeywords), [{ item_id: 1, keyword_id: 1 }, { item_id: 1, keyword_id: 2 }, { item_id: 2, keyword_id: 2 }]);
    });
    hdb = await openQueryDb(target, HBase);
    await hdb.engine.begin(async (conn) => {
      await conn.execute(insert(Company.__table__), [{ id: 1, name: "krusty" }, { id: 2, name: "chum" }]);
      await conn.execute(insert(Staff.__table__), [
        { id: 1, name: "squidward", kind: "staff", companyId: 1 },
        { id: 2, name: "krabs", kind: "manager", companyId: 1 },
        { id: 3, name: "karen", kind: "staff", companyId: 2 },
      ]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
    await hdb.cleanup();
  });

  it("join(User.addresses.ofType(a)) joins to the alias; rows carry both entities", async () => {
    const a = aliased(Address, "a");
    const stmt = select(User, a).join(User.addresses.ofType(a)).where(a.email.like("%@x")).orderBy(a.id);
    expect(sql(stmt)).toBe(
      `SELECT ${U}.id, ${U}.name, a.id AS id_1, a.email_address, a.user_id FROM ${U} JOIN ${A} AS a ON ${U}.id = a.user_id WHERE a.email_address LIKE ${ph(1)} ORDER BY a.id`,
    );
    const s = db.session();
    const rows = (await s.execute(stmt)).all();
    expect(rows.map((r) => [r[0].name, r[1].email])).toEqual([["sandy", "s1@x"], ["patrick", "p1@x"]]);
    await s.close();
  });

  it("1.4 form join(a, User.addresses) gives the same statement; outerjoin too", async () => {
    const a = aliased(Address, "a");
    const viaOfType = select(User, a).join(User.addresses.ofType(a));
    const viaTarget = select(User, a).join(a, User.addresses);
    expect(sql(viaTarget)).toBe(sql(viaOfType));
    const outer = select(User.name, a.email).outerjoin(a, User.addresses).orderBy(User.id, a.id);
    expect(sql(outer)).toBe(
      `SELECT ${U}.name, a.email_address FROM ${U} LEFT OUTER JOIN ${A} AS a ON ${U}.id = a.user_id ORDER BY ${U}.id, a.id`,
    );
    const s = db.session();
    expect((await s.execute(outer)).all().map((r) => [...r])).toEqual([["sandy", "s1@x"], ["sandy", "s2@y"], ["patrick", "p1@x"]]);
    await s.close();
  });

  it("two aliases of the same target joined through the same relationship", async () => {
    const a1 = aliased(Address, "a1");
    const a2 = aliased(Address, "a2");
    const stmt = select(User.name)
      .join(User.addresses.ofType(a1))
      .join(a2, User.addresses)
      .where(a1.email.like("%@x"), a2.email.like("%@y"));
    expect(sql(stmt)).toBe(
      `SELECT ${U}.name FROM ${U} JOIN ${A} AS a1 ON ${U}.id = a1.user_id JOIN ${A} AS a2 ON ${U}.id = a2.user_id WHERE a1.email_address LIKE ${ph(1)} AND a2.email_address LIKE ${ph(2)}`,
    );
    const s = db.session();
    expect((await s.scalars(stmt)).all()).toEqual(["sandy"]);
    await s.close();
  });

  it("join(a, rel) from an aliased parent relationship re-targets both sides", async () => {
    const ua = aliased(User, "ua");
    const a = aliased(Address, "a");
    const stmt = select(ua.name, a.email).join(a, ua.addresses).where(ua.id.eq(2));
    expect(sql(stmt)).toBe(`SELECT ua.name, a.email_address FROM ${U} AS ua JOIN ${A} AS a ON ua.id = a.user_id WHERE ua.id = ${ph(1)}`);
    const s = db.session();
    expect((await s.execute(stmt)).all().map((r) => [...r])).toEqual([["patrick", "p1@x"]]);
    await s.close();
  });

  it("many-to-many ofType: the association table, then the alias", async () => {
    const k = aliased(Keyword, "k");
    const stmt = select(Item.name, k.name).join(Item.keywords.ofType(k)).orderBy(Item.id, k.id);
    expect(sql(stmt)).toBe(
      `SELECT ${I}.name, k.name AS name_1 FROM ${I} JOIN ${IK} AS ${IK}_1 ON ${I}.id = ${IK}_1.item_id JOIN ${K} AS k ON k.id = ${IK}_1.keyword_id ORDER BY ${I}.id, k.id`,
    );
    expect(sql(select(Item.name, k.name).join(k, Item.keywords).orderBy(Item.id, k.id))).toBe(sql(stmt));
    const s = db.session();
    expect((await s.execute(stmt)).all().map((r) => [...r])).toEqual([["i1", "red"], ["i1", "blue"], ["i2", "blue"]]);
    await s.close();
  });

  it("ofType(a).any(criterion on a) selects FROM the alias", async () => {
    const a = aliased(Address, "a");
    const stmt = select(User.name).where(User.addresses.ofType(a).any(a.email.eq("p1@x")));
    expect(sql(stmt)).toBe(
      `SELECT ${U}.name FROM ${U} WHERE EXISTS (SELECT 1 FROM ${A} AS a WHERE ${U}.id = a.user_id AND a.email_address = ${ph(1)})`,
    );
    const s = db.session();
    expect((await s.scalars(stmt)).all()).toEqual(["patrick"]);
    const ua = aliased(User, "ua");
    const has = select(Address.email).where(Address.user.ofType(ua).has(ua.name.eq("sandy"))).orderBy(Address.id);
    expect(sql(has)).toBe(
      `SELECT ${A}.email_address FROM ${A} WHERE EXISTS (SELECT 1 FROM ${U} AS ua WHERE ua.id = ${A}.user_id AND ua.name = ${ph(1)}) ORDER BY ${A}.id`,
    );
    expect((await s.scalars(has)).all()).toEqual(["s1@x", "s2@y"]);
    await s.close();
  });

  it("ofType(Subclass) on a single-table hierarchy adds the discriminator", async () => {
    const CT = ht("company");
    const ST = ht("staff");
    const anyManager = select(Company.name).where(Company.staff.ofType(Manager).any()).orderBy(Company.id);
    expect(sql(anyManager)).toBe(
      `SELECT ${CT}.name FROM ${CT} WHERE EXISTS (SELECT 1 FROM ${ST} WHERE ${CT}.id = ${ST}.company_id AND ${ST}.kind IN (__[POSTCOMPILE_kind_1])) ORDER BY ${CT}.id`,
    );
    const joined = select(Company.name, Manager.name).join(Company.staff.ofType(Manager));
    expect(sql(joined)).toBe(`SELECT ${CT}.name, ${ST}.name AS name_1 FROM ${CT} JOIN ${ST} ON ${CT}.id = ${ST}.company_id AND ${ST}.kind IN (__[POSTCOMPILE_kind_1])`);
    const s = hdb.session();
    expect((await s.scalars(anyManager)).all()).toEqual(["krusty"]);
    expect((await s.execute(joined)).all().map((r) => [...r])).toEqual([["krusty", "krabs"]]);
    await s.close();
  });

  it("ofType() rejects entities that are not the target", () => {
    const ua = aliased(User);
    expect(() => User.addresses.ofType(ua as never)).toThrow(ArgumentError);
    expect(() => User.addresses.ofType(ua as never)).toThrow(/User\.addresses\.ofType\(\): expected Address, an aliased\(Address\) or a mapped subclass of it/);
    expect(() => select(User).join(Keyword.__table__, User.addresses)).toThrow(/the join target must be Address, its table or an alias of it/);
  });
});

/**
 * Relationship criteria (SQLAlchemy 1.4's `User.addresses.and_(…)`): in joins (ON clause),
 * any()/has() (inside the EXISTS), selectinload / joinedload (only matching children, bound
 * values per execution, the collection's committed snapshot is the subset), plus `ofType()` in
 * loader options and comparators on aliased parents. Exact SQL, rows and statement counts on
 * PostgreSQL and libSQL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  aliased, ArgumentError, containsEager, DeclarativeBase, ForeignKey, insert, Integer, joinedload, mappedColumn, noload, relationship,
  select, selectinload, String,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "../loading/models.js";
import { defineQueryModels, sqlOf } from "./models.js";
import { generateCacheKey } from "../../../src/sql/cache-key.js";

const M = defineQueryModels("qrc");
const { t, User, Address, Item, Keyword } = M;

// A single-table hierarchy: companies → staff, some of them managers.
const hp = uniqueName("qrc_inh");
const ht = (n: string) => `${hp}_${n}`;
class HBase extends DeclarativeBase {}
class Company extends HBase.model(ht("company"), { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(50)) }) {
  static staff = relationship(() => Staff, { backPopulates: "company", orderBy: () => Staff.id });
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

/** Driver SQL with newlines folded, as sqlOf() prints it. */
const fold = (s: string) => s.replace(/\s*\n\s*/g, " ");

describe.each(dialectTargets())("relationship criteria, ofType() in loader options, aliased parents on $name", (target) => {
  let db: Db;
  let hdb: Db;
  const d = target.dialect;
  const ph = (n: number): string => (d === "postgresql" ? `$${n}` : "?");
  const sql = (s: Parameters<typeof sqlOf>[0]) => sqlOf(s, d);
  const selects = () => db.selects().map(fold);
  const U = t("users");
  const A = t("addresses");
  const I = t("items");
  const K = t("keywords");
  const IK = t("item_keywords");
  const C = ht("company");
  const S = ht("staff");

  beforeAll(async () => {
    db = await openDb(target, M.Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [{ id: 1, name: "sandy" }, { id: 2, name: "patrick" }, { id: 3, name: "squidward" }]);
      await conn.execute(insert(Address.__table__), [
        { id: 1, email: "s1@x", userId: 1 },
        { id: 2, email: "s2@y", userId: 1 },
        { id: 3, email: "s3@x", userId: 1 },
        { id: 4, email: "p1@y", userId: 2 },
      ]);
      await conn.execute(insert(Item.__table__), [{ id: 1, name: "i1" }, { id: 2, name: "i2" }]);
      await conn.execute(insert(Keyword.__table__), [{ id: 1, name: "red" }, { id: 2, name: "blue" }]);
      await conn.execute(insert(M.itemKeywords), [{ item_id: 1, keyword_id: 1 }, { item_id: 1, keyword_id: 2 }, { item_id: 2, keyword_id: 2 }]);
    });
    hdb = await openDb(target, HBase);
    await hdb.engine.begin(async (conn) => {
      await conn.execute(insert(Company.__table__), [{ id: 1, name: "krusty" }, { id: 2, name: "chum" }]);
      await conn.execute(insert(Staff.__table__), [
        { id: 1, name: "squidward", kind: "staff", companyId: 1 },
        { id: 2, name: "krabs", kind: "manager", companyId: 1 },
        { id: 3, name: "karen", kind: "staff", companyId: 2 },
        { id: 4, name: "plankton", kind: "manager", companyId: 2 },
      ]);
    });
  });
  // Sessions hold a pooled connection until closed: close each test's sessions after it.
  const opened: { close(): Promise<void> }[] = [];
  const session = (which: Db = db) => {
    const s = which.session();
    opened.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });
  afterAll(async () => {
    await db.cleanup();
    await hdb.cleanup();
  });

  const emails = (u: InstanceType<typeof User>) => u.addresses.map((a) => a.email);

  it("join(User.addresses.and(crit)) ANDs the criteria into the ON clause; ofType(a).and(crit on a) onto the alias", async () => {
    const stmt = select(User.name, Address.email).join(User.addresses.and(Address.email.like("%@x"))).orderBy(Address.id);
    expect(sql(stmt)).toBe(
      `SELECT ${U}.name, ${A}.email_address FROM ${U} JOIN ${A} ON ${U}.id = ${A}.user_id AND ${A}.email_address LIKE ${ph(1)} ORDER BY ${A}.id`,
    );
    const s = session();
    expect((await s.execute(stmt)).all().map((r) => [...r])).toEqual([["sandy", "s1@x"], ["sandy", "s3@x"]]);
    const a = aliased(Address, "a");
    const onAlias = select(User.name, a.email).join(User.addresses.ofType(a).and(a.email.like("%@y"))).orderBy(a.id);
    expect(sql(onAlias)).toBe(
      `SELECT ${U}.name, a.email_address FROM ${U} JOIN ${A} AS a ON ${U}.id = a.user_id AND a.email_address LIKE ${ph(1)} ORDER BY a.id`,
    );
    // Criteria written against the class follow the target onto a later ofType() alias.
    expect(sql(select(User.name, a.email).join(User.addresses.and(Address.email.like("%@y")).ofType(a)).orderBy(a.id))).toBe(sql(onAlias));
    expect((await s.execute(onAlias)).all().map((r) => [...r])).toEqual([["sandy", "s2@y"], ["patrick", "p1@y"]]);
    // Many-to-many: into the ON of the target, after the association table.
    const m2m = select(Item.name).join(Item.keywords.and(Keyword.name.eq("red")));
    expect(sql(m2m)).toBe(
      `SELECT ${I}.name FROM ${I} JOIN ${IK} AS ${IK}_1 ON ${I}.id = ${IK}_1.item_id JOIN ${K} ON ${K}.id = ${IK}_1.keyword_id AND ${K}.name = ${ph(1)}`,
    );
    expect((await s.scalars(m2m)).all()).toEqual(["i1"]);
  });

  it("any() / has() with and() criteria put them inside the EXISTS", async () => {
    const anyStmt = select(User.name).where(User.addresses.and(Address.email.like("%@y")).any(Address.id.gt(2))).orderBy(User.id);
    expect(sql(anyStmt)).toBe(
      `SELECT ${U}.name FROM ${U} WHERE EXISTS (SELECT 1 FROM ${A} WHERE ${U}.id = ${A}.user_id AND ${A}.id > ${ph(1)} AND ${A}.email_address LIKE ${ph(2)}) ORDER BY ${U}.id`,
    );
    const s = session();
    // Address 2 (s2@y) fails id > 2, so only patrick's p1@y (id 4) qualifies.
    expect((await s.scalars(anyStmt)).all()).toEqual(["patrick"]);
    const hasStmt = select(Address.email).where(Address.user.and(User.name.eq("patrick")).has()).orderBy(Address.id);
    expect(sql(hasStmt)).toBe(
      `SELECT ${A}.email_address FROM ${A} WHERE EXISTS (SELECT 1 FROM ${U} WHERE ${U}.id = ${A}.user_id AND ${U}.name = ${ph(1)}) ORDER BY ${A}.id`,
    );
    expect((await s.scalars(hasStmt)).all()).toEqual(["p1@y"]);
  });

  it("selectinload(User.addresses.and(crit)): the IN query carries the criteria; collections hold only matching rows", async () => {
    const s = session();
    db.counting.reset();
    const users = (await s.scalars(select(User).orderBy(User.id).options(selectinload(User.addresses.and(Address.email.like("%@x")))))).all();
    expect(selects()).toEqual([
      `SELECT ${U}.id, ${U}.name FROM ${U} ORDER BY ${U}.id`,
      `SELECT ${A}.user_id, ${A}.id, ${A}.email_address FROM ${A} WHERE ${A}.user_id IN (${ph(1)}, ${ph(2)}, ${ph(3)}) AND ${A}.email_address LIKE ${ph(4)} ORDER BY ${A}.id`,
    ]);
    expect(users.map((u) => [u.name, emails(u)])).toEqual([["sandy", ["s1@x", "s3@x"]], ["patrick", []], ["squidward", []]]);
  });

  it("joinedload(User.addresses.and(crit)): the criteria join the eager alias's ON clause, adapted to it", async () => {
    const s = session();
    db.counting.reset();
    const users = (await s.scalars(select(User).orderBy(User.id).options(joinedload(User.addresses.and(Address.email.like("%@y")))))).unique().all();
    const EA = `${A}_1`;
    expect(selects()).toEqual([
      `SELECT ${U}.id, ${U}.name, ${EA}.id AS id_1, ${EA}.email_address, ${EA}.user_id FROM ${U} LEFT OUTER JOIN ${A} AS ${EA} ON ${U}.id = ${EA}.user_id AND ${EA}.email_address LIKE ${ph(1)} ORDER BY ${U}.id, ${EA}.id`,
    ]);
    expect(users.map((u) => [u.name, emails(u)])).toEqual([["sandy", ["s2@y"]], ["patrick", ["p1@y"]], ["squidward", []]]);
    // With LIMIT the parents go into a subquery; the criteria stay on the eager alias.
    db.counting.reset();
    const limited = (await session().scalars(select(User).orderBy(User.id).limit(1).options(joinedload(User.addresses.and(Address.email.like("%@x")))))).unique().all();
    expect(selects()).toEqual([
      `SELECT anon_1.id, anon_1.name, ${EA}.id AS id_1, ${EA}.email_address, ${EA}.user_id FROM (SELECT ${U}.id AS id, ${U}.name AS name FROM ${U} ORDER BY ${U}.id LIMIT ${ph(1)}) AS anon_1 LEFT OUTER JOIN ${A} AS ${EA} ON anon_1.id = ${EA}.user_id AND ${EA}.email_address LIKE ${ph(2)} ORDER BY anon_1.id, ${EA}.id`,
    ]);
    expect(limited.map((u) => [u.name, emails(u)])).toEqual([["sandy", ["s1@x", "s3@x"]]]);
  });

  it("a loader option's cache key keys its criteria by structure, not by value", () => {
    const keyOf = (o: Parameters<ReturnType<typeof select>["options"]>[0]) => generateCacheKey(select(User).options(o)).key;
    const like = (p: string) => keyOf(selectinload(User.addresses.and(Address.email.like(p))));
    expect(like("%@y")).toBe(like("%@x"));
    expect(keyOf(selectinload(User.addresses.and(Address.email.eq("a"))))).not.toBe(like("%@x"));
    expect(keyOf(selectinload(User.addresses))).not.toBe(like("%@x"));
  });

  it("the same option shape with other values: same SQL, other children (values bound per execution)", async () => {
    const run = async (pattern: string, how: "selectin" | "joined") => {
      const s = session();
      const rel = User.addresses.and(Address.email.like(pattern));
      const stmt = select(User).where(User.id.eq(1)).options(how === "selectin" ? selectinload(rel) : joinedload(rel));
      db.counting.reset();
      const u = (await s.scalars(stmt)).unique().one();
      return { sql: selects(), emails: emails(u) };
    };
    for (const how of ["selectin", "joined"] as const) {
      const x = await run("%@x", how);
      const y = await run("%@y", how);
      expect(x.emails).toEqual(["s1@x", "s3@x"]);
      expect(y.emails).toEqual(["s2@y"]);
      expect(y.sql).toEqual(x.sql);
    }
    // In one session: populateExisting reloads the collection with the new values.
    const s = session();
    const load = (pattern: string) =>
      select(User).where(User.id.eq(1)).options(selectinload(User.addresses.and(Address.email.like(pattern)))).executionOptions({ populateExisting: true });
    const u = (await s.scalars(load("%@x"))).one();
    expect(emails(u)).toEqual(["s1@x", "s3@x"]);
    expect((await s.scalars(load("%@y"))).one()).toBe(u);
    expect(emails(u)).toEqual(["s2@y"]);
  });

  it("an already loaded collection is kept (no query) unless populateExisting", async () => {
    const s = session();
    const u = (await s.scalars(select(User).where(User.id.eq(1)).options(selectinload(User.addresses)))).one();
    expect(emails(u)).toEqual(["s1@x", "s2@y", "s3@x"]);
    db.counting.reset();
    await s.scalars(select(User).where(User.id.eq(1)).options(selectinload(User.addresses.and(Address.email.like("%@x")))));
    expect(selects()).toHaveLength(1);
    expect(emails(u)).toEqual(["s1@x", "s2@y", "s3@x"]);
    (await s.scalars(select(User).where(User.id.eq(1)).options(joinedload(User.addresses.and(Address.email.like("%@x")))))).unique().all();
    expect(emails(u)).toEqual(["s1@x", "s2@y", "s3@x"]);
    (await s.scalars(select(User).where(User.id.eq(1)).options(joinedload(User.addresses.and(Address.email.like("%@x")))).executionOptions({ populateExisting: true }))).unique().all();
    expect(emails(u)).toEqual(["s1@x", "s3@x"]);
  });

  it("many-to-many and many-to-one with criteria, selectin and joined", async () => {
    const s = session();
    const byName = (items: InstanceType<typeof Item>[]) => items.map((i) => [i.name, i.keywords.map((k) => k.name)]);
    const red = Item.keywords.and(Keyword.name.eq("red"));
    expect(byName((await s.scalars(select(Item).orderBy(Item.id).options(selectinload(red)))).all())).toEqual([["i1", ["red"]], ["i2", []]]);
    const s2 = session();
    db.counting.reset();
    const joined = (await s2.scalars(select(Item).orderBy(Item.id).options(joinedload(Item.keywords.and(Keyword.name.eq("blue")))))).unique().all();
    const [EK, EIK] = [`${K}_1`, `${IK}_1`];
    expect(selects()).toEqual([
      `SELECT ${I}.id, ${I}.name, ${EK}.id AS id_1, ${EK}.name AS name_1 FROM ${I} LEFT OUTER JOIN (${IK} AS ${EIK} JOIN ${K} AS ${EK} ON ${EK}.id = ${EIK}.keyword_id AND ${EK}.name = ${ph(1)}) ON ${I}.id = ${EIK}.item_id ORDER BY ${I}.id`,
    ]);
    expect(byName(joined)).toEqual([["i1", ["blue"]], ["i2", ["blue"]]]);
    // Many-to-one: the users are already in the identity map, yet the criteria are asked of the database.
    const s3 = session();
    await s3.scalars(select(User));
    db.counting.reset();
    const addrs = (await s3.scalars(select(Address).orderBy(Address.id).options(selectinload(Address.user.and(User.name.eq("patrick")))))).all();
    expect(selects()).toHaveLength(2);
    expect(addrs.map((a) => [a.email, a.user?.name ?? null])).toEqual([["s1@x", null], ["s2@y", null], ["s3@x", null], ["p1@y", "patrick"]]);
  });

  it("ofType() in loader options: containsEager onto the alias, selectin/joined of a single-table subclass", async () => {
    const a = aliased(Address, "a");
    const s = session();
    const stmt = select(User).join(User.addresses.ofType(a)).where(a.email.like("%@x")).orderBy(a.id).options(containsEager(User.addresses.ofType(a)));
    db.counting.reset();
    const users = (await s.scalars(stmt)).unique().all();
    expect(selects()).toEqual([
      `SELECT ${U}.id, ${U}.name, a.id AS id_1, a.email_address, a.user_id FROM ${U} JOIN ${A} AS a ON ${U}.id = a.user_id WHERE a.email_address LIKE ${ph(1)} ORDER BY a.id`,
    ]);
    expect(users.map((u) => [u.name, emails(u)])).toEqual([["sandy", ["s1@x", "s3@x"]]]);

    const hs = session(hdb);
    hdb.counting.reset();
    const companies = (await hs.scalars(select(Company).orderBy(Company.id).options(selectinload(Company.staff.ofType(Manager))))).all();
    expect(hdb.selects().map(fold)).toEqual([
      `SELECT ${C}.id, ${C}.name FROM ${C} ORDER BY ${C}.id`,
      `SELECT ${S}.company_id, ${S}.id, ${S}.name, ${S}.kind, ${S}.budget FROM ${S} WHERE ${S}.company_id IN (${ph(1)}, ${ph(2)}) AND ${S}.kind IN (${ph(3)}) ORDER BY ${S}.id`,
    ]);
    expect(companies.map((c) => [c.name, c.staff.map((x) => x.name)])).toEqual([["krusty", ["krabs"]], ["chum", ["plankton"]]]);
    expect(companies.every((c) => c.staff.every((x) => x instanceof Manager))).toBe(true);

    const hs2 = session(hdb);
    hdb.counting.reset();
    const joined = (await hs2.scalars(select(Company).orderBy(Company.id).options(joinedload(Company.staff.ofType(Manager))))).unique().all();
    const ES = `${S}_1`;
    expect(hdb.selects().map(fold)).toEqual([
      `SELECT ${C}.id, ${C}.name, ${ES}.id AS id_1, ${ES}.name AS name_1, ${ES}.kind, ${ES}.company_id, ${ES}.budget FROM ${C} LEFT OUTER JOIN ${S} AS ${ES} ON ${C}.id = ${ES}.company_id AND ${ES}.kind IN (${ph(1)}) ORDER BY ${C}.id, ${ES}.id`,
    ]);
    expect(joined.map((c) => [c.name, c.staff.map((x) => x.name)])).toEqual([["krusty", ["krabs"]], ["chum", ["plankton"]]]);
  });

  it("comparators on an aliased parent: any(), ofType(), and(), loader options", async () => {
    const ua = aliased(User, "ua");
    const a = aliased(Address, "a");
    const s = session();
    const anyStmt = select(ua.name).where(ua.addresses.any(Address.email.like("%@y"))).orderBy(ua.id);
    expect(sql(anyStmt)).toBe(
      `SELECT ua.name FROM ${U} AS ua WHERE EXISTS (SELECT 1 FROM ${A} WHERE ua.id = ${A}.user_id AND ${A}.email_address LIKE ${ph(1)}) ORDER BY ua.id`,
    );
    expect((await s.scalars(anyStmt)).all()).toEqual(["sandy", "patrick"]);
    const joinStmt = select(ua.name, a.email).join(ua.addresses.ofType(a).and(a.email.like("%@x"))).orderBy(a.id);
    expect(sql(joinStmt)).toBe(
      `SELECT ua.name, a.email_address FROM ${U} AS ua JOIN ${A} AS a ON ua.id = a.user_id AND a.email_address LIKE ${ph(1)} ORDER BY a.id`,
    );
    expect((await s.execute(joinStmt)).all().map((r) => [...r])).toEqual([["sandy", "s1@x"], ["sandy", "s3@x"]]);
    expect(`${ua.addresses}`).toBe("aliased(User).addresses");
    const loaded = (await s.scalars(select(ua).where(ua.id.eq(2)).options(selectinload(ua.addresses.and(Address.email.like("%@y")))))).all();
    expect(loaded.map((u) => [u.name, emails(u)])).toEqual([["patrick", ["p1@y"]]]);
  });

  it("misuse raises ArgumentError", () => {
    expect(() => containsEager(User.addresses.and(Address.email.like("%@x")))).toThrow(ArgumentError);
    expect(() => noload(User.addresses.and(Address.email.like("%@x")))).toThrow(/relationship criteria \(\.and\(\)\) apply to selectinload\(\) and joinedload\(\)/);
    expect(() => User.addresses.and(5 as never)).toThrow(/User\.addresses\.and\(\): expected SQL criteria/);
    expect(() => selectinload("addresses" as never)).toThrow(/selectinload\(\) expects a relationship attribute/);
  });

  it("flush after a criteria load touches only the loaded subset", async () => {
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(Address.__table__), [
        { id: 10, email: "q1@x", userId: 3 },
        { id: 11, email: "q2@y", userId: 3 },
        { id: 12, email: "q3@x", userId: 3 },
      ]);
    });
    const s = session();
    const u = (await s.scalars(select(User).where(User.id.eq(3)).options(selectinload(User.addresses.and(Address.email.like("%@x")))))).one();
    expect(emails(u)).toEqual(["q1@x", "q3@x"]);
    const fresh = new Address({ id: 13, email: "q4@x" });
    u.addresses = [u.addresses[1], fresh];
    db.counting.reset();
    await s.commit();
    const writes = db.counting.statements.map(fold).filter((x) => !/^(BEGIN|COMMIT|SELECT)/i.test(x));
    expect(writes).toHaveLength(2);
    expect(writes.some((w) => w.startsWith(`INSERT INTO ${A}`))).toBe(true);
    expect(writes.some((w) => w.startsWith(`UPDATE ${A} SET user_id=`))).toBe(true);
    const rows = await db.engine.connect(async (conn) => (await conn.execute(select(Address.id, Address.userId).where(Address.id.ge(10)).orderBy(Address.id))).all().map((r) => [...r]));
    expect(rows).toEqual([[10, null], [11, 3], [12, 3], [13, 3]]);
  });
});

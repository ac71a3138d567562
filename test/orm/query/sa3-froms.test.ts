/**
 * Entities selected from subqueries and aliases, columns mixed with entities, correlation of
 * ORM scalar subqueries: ported from SQLAlchemy's test/orm/test_froms.py
 * (QueryCorrelatesLikeSelect, EntityFromSubqueryTest, MixedEntitiesTest) in the 2.0
 * `select()` form, on the standard fixture.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliased, func, joinedload, LABEL_STYLE_TABLENAME_PLUS_COL, select } from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { assertCompile } from "../../sql/compiler/helpers.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "../loading/models.js";
import { stdFixtures } from "./sa3-models.js";

/** ORM-compiled SQL, as the session would send it. */
function ormSql(stmt: Parameters<typeof planOrmSelect>[0]): string {
  return planOrmSelect(stmt).stmt.compile().sql.replace(/\n/g, "");
}

describe("compiled forms (test_froms.py)", () => {
  const { User, Address } = stdFixtures();
  const correlated = "SELECT users.name, (SELECT count(addresses.id) AS count_1 FROM addresses WHERE addresses.user_id = users.id) AS anon_1 FROM users";
  const notCorrelated = "SELECT users.name, (SELECT count(addresses.id) AS count_1 FROM addresses, users WHERE addresses.user_id = users.id) AS anon_1 FROM users";

  it("test_scalar_subquery_query_auto_correlate", () => {
    const q = select(func.count(Address.id)).where(Address.user_id.eq(User.id)).scalarSubquery();
    assertCompile(select(User.name, q), correlated);
  });

  it("test_scalar_subquery_query_explicit_correlate", () => {
    const q = select(func.count(Address.id)).where(Address.user_id.eq(User.id)).correlate(User.__table__).scalarSubquery();
    assertCompile(select(User.name, q), correlated);
  });

  it("test_scalar_subquery_query_correlate_off", () => {
    const q = select(func.count(Address.id)).where(Address.user_id.eq(User.id)).correlate().scalarSubquery();
    assertCompile(select(User.name, q), notCorrelated);
  });

  it("test_no_joinedload", () => {
    const subq = select(User).options(joinedload(User.addresses)).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL).subquery();
    const uq = aliased(User, subq);
    // 2.0: a joinedload inside the subquery is ignored.
    expect(ormSql(select(uq))).toBe("SELECT anon_1.users_id, anon_1.users_name FROM (SELECT users.id AS users_id, users.name AS users_name FROM users) AS anon_1");
    expect(ormSql(select(uq).options(joinedload(uq.addresses)))).toBe(
      "SELECT anon_1.users_id, anon_1.users_name, addresses_1.id, addresses_1.user_id, addresses_1.email_address FROM " +
        "(SELECT users.id AS users_id, users.name AS users_name FROM users) AS anon_1 LEFT OUTER JOIN addresses AS addresses_1 " +
        "ON anon_1.users_id = addresses_1.user_id ORDER BY addresses_1.id",
    );
  });

  it("test_aliases", () => {
    const ualias = aliased(User);
    const subq = select(User, ualias).where(User.id.gt(ualias.id)).subquery();
    const uq1 = aliased(User, subq);
    const uq2 = aliased(ualias, subq);
    assertCompile(select(uq1.name, uq2.name).orderBy(uq1.name, uq2.name),
      "SELECT anon_1.name, anon_1.name_1 FROM (SELECT users.id AS id, users.name AS name, users_1.id AS id_1, users_1.name AS name_1 " +
        "FROM users, users AS users_1 WHERE users.id > users_1.id) AS anon_1 ORDER BY anon_1.name, anon_1.name_1");
  });

  it("test_nested_aliases_none_to_none", () => {
    const u1 = aliased(User);
    const u2 = aliased(u1);
    assertCompile(select(u2), "SELECT users_1.id, users_1.name FROM users AS users_1");
  });

  it("test_nested_alias_none_to_subquery", () => {
    const subq = select(User.id, User.name).subquery();
    const u1 = aliased(User, subq);
    assertCompile(select(u1), "SELECT anon_1.id, anon_1.name FROM (SELECT users.id AS id, users.name AS name FROM users) AS anon_1");
    const u2 = aliased(u1);
    assertCompile(select(u2), "SELECT anon_1.id, anon_1.name FROM (SELECT users.id AS id, users.name AS name FROM users) AS anon_1");
  });
});

describe.each(dialectTargets())("entities from subqueries on $name (test_froms.py)", (target) => {
  const p = uniqueName("sa3frm");
  const f = stdFixtures(`${p}_`);
  const { User, Address, Order } = f;
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, f.Base);
    await db.engine.begin((conn) => f.insertData(conn));
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("test_filter", async () => {
    await using s = db.session();
    const ids = async (stmt: Parameters<typeof s.scalars>[0]) => ((await s.scalars(stmt)).all() as { id: number }[]).map((u) => u.id);
    expect(await ids(select(aliased(User, select(User).where(User.id.in([8, 9])).subquery())))).toEqual([8, 9]);
    expect(await ids(select(aliased(User, select(User).orderBy(User.id).limit(2).offset(1).subquery())))).toEqual([8, 9]);
    const u = aliased(User, select(User).where(User.id.in([8, 9])).subquery());
    expect(await ids(select(u).orderBy(u.id).limit(1))).toEqual([8]);
  });

  it("test_join", async () => {
    await using s = db.session();
    const u = aliased(User, select(User).where(User.id.in([8, 9])).subquery());
    const rows = (await s.execute(select(u, Address).join(u.addresses).orderBy(u.id, Address.id))).all();
    expect(rows.map(([x, a]) => [x.id, a.id])).toEqual([[8, 2], [8, 3], [8, 4], [9, 5]]);
    expect(rows[0][0]).toBe(await s.get(User, 8));
  });

  it("test_group_by", async () => {
    await using s = db.session();
    const subq = select(Address.user_id, func.count(Address.id).label("count")).groupBy(Address.user_id).orderBy(Address.user_id).subquery();
    const aq = aliased(Address, subq);
    expect((await s.execute(select(aq.user_id, subq.c.count))).all().map((r) => [...r])).toEqual([[7, 1], [8, 3], [9, 1]]);
    const aq2 = aliased(Address, select(Address.user_id, Address.id).subquery());
    expect((await s.execute(select(aq2.user_id, func.count(aq2.id)).groupBy(aq2.user_id).orderBy(aq2.user_id))).all().map((r) => [...r])).toEqual(
      [[7, 1], [8, 3], [9, 1]],
    );
  });

  it("test_aliases", async () => {
    await using s = db.session();
    const ualias = aliased(User);
    const subq = select(User, ualias).where(User.id.gt(ualias.id)).subquery();
    const uq1 = aliased(User, subq);
    const uq2 = aliased(ualias, subq);
    const rows = (await s.execute(select(uq1.name, uq2.name).orderBy(uq1.name, uq2.name))).all().map((r) => [...r]);
    expect(rows).toEqual([["chuck", "ed"], ["chuck", "fred"], ["chuck", "jack"], ["ed", "jack"], ["fred", "ed"], ["fred", "jack"]]);
    const rows2 = (await s.execute(select(uq1.name, uq2.name).where(uq2.name.eq("ed")).orderBy(uq1.name, uq2.name))).all().map((r) => [...r]);
    expect(rows2).toEqual([["chuck", "ed"], ["fred", "ed"]]);
    // The entity itself, from its own columns of the subquery (users_1.*, not users.*).
    const pairs = (await s.execute(select(uq1, uq2).orderBy(uq1.name, uq2.name))).all();
    expect(pairs.map(([a, b]) => [a.name, b.name])).toEqual(rows);
    const rows3 = (await s.execute(select(uq2.name, Address.email_address).join(uq2.addresses).orderBy(uq2.name, Address.email_address))).all().map((r) => [...r]);
    expect(rows3).toEqual([
      ["ed", "fred@fred.com"], ["jack", "ed@bettyboop.com"], ["jack", "ed@lala.com"], ["jack", "ed@wood.com"], ["jack", "fred@fred.com"],
    ]);
  });

  it("test_multiple_entities", async () => {
    await using s = db.session();
    const subq = select(User, Address).where(User.id.eq(Address.user_id)).where(Address.id.in([2, 5])).subquery();
    const uq = aliased(User, subq);
    const aq = aliased(Address, subq);
    const rows = (await s.execute(select(uq, aq).orderBy(uq.id))).all();
    expect(rows.map(([u, a]) => [u.id, a.id])).toEqual([[8, 2], [9, 5]]);
    await using s2 = db.session();
    const first = (await s2.execute(select(uq, aq).options(joinedload(uq.addresses)).orderBy(uq.id))).unique().first()!;
    expect([first[0].id, first[0].addresses.length, first[1].id]).toEqual([8, 3, 2]);
  });

  it("test_multiple_with_column_entities_newstyle", async () => {
    await using s = db.session();
    const subq1 = aliased(User, select(User.id).subquery());
    const q2 = select(subq1.id).addColumns(func.count().label("foo")).groupBy(subq1.id).orderBy(subq1.id).subquery();
    expect((await s.execute(select(q2))).all().map((r) => [...r])).toEqual([[7, 1], [8, 1], [9, 1], [10, 1]]);
  });

  it("test_multi_mappers", async () => {
    // MixedEntitiesTest: users outer-joined to addresses, each row a (User, Address | null) pair.
    await using s = db.session();
    const rows = (await s.execute(select(User, Address).outerjoin(User.addresses).orderBy(User.id, Address.id))).all();
    expect(rows.map(([u, a]) => [u.id, a?.id ?? null])).toEqual([[7, 1], [8, 2], [8, 3], [8, 4], [9, 5], [10, null]]);
    const adalias = aliased(Address);
    const rows2 = (await s.execute(select(User, adalias).outerjoin(User.addresses.ofType(adalias)).orderBy(User.id, adalias.id))).all();
    expect(rows2.map(([u, a]) => [u.id, a?.id ?? null])).toEqual([[7, 1], [8, 2], [8, 3], [8, 4], [9, 5], [10, null]]);
  });

  it("test_column_queries_one", async () => {
    await using s = db.session();
    expect((await s.execute(select(User.name).orderBy(User.id))).all().map((r) => [...r])).toEqual([["jack"], ["ed"], ["fred"], ["chuck"]]);
  });

  it("test_column_queries_two", async () => {
    await using s = db.session();
    const sel = select(User.id).where(User.id.in([7, 8])).subquery();
    const q = select(User.name).where(User.id.in(select(sel.c.id))).orderBy(User.id);
    expect((await s.execute(q)).all().map((r) => [...r])).toEqual([["jack"], ["ed"]]);
  });

  it("test_column_queries_three", async () => {
    await using s = db.session();
    const q = select(User.name, Address.email_address).where(User.id.eq(Address.user_id)).where(Address.email_address.like("%ed%")).orderBy(User.id, Address.id);
    expect((await s.execute(q)).all().map((r) => [...r])).toEqual([
      ["ed", "ed@wood.com"], ["ed", "ed@bettyboop.com"], ["ed", "ed@lala.com"], ["fred", "fred@fred.com"],
    ]);
  });

  it("test_column_queries_four", async () => {
    await using s = db.session();
    const q = select(User.name, func.count(Address.email_address)).outerjoin(User.addresses).groupBy(User.id, User.name).orderBy(User.id);
    expect((await s.execute(q)).all().map((r) => [...r])).toEqual([["jack", 1], ["ed", 3], ["fred", 1], ["chuck", 0]]);
  });

  it("test_column_queries_five", async () => {
    await using s = db.session();
    const q = select(User, func.count(Address.email_address)).outerjoin(User.addresses).groupBy(User.id, User.name).orderBy(User.id);
    expect((await s.execute(q)).all().map((r) => [(r[0] as { id: number }).id, r[1]])).toEqual([[7, 1], [8, 3], [9, 1], [10, 0]]);
  });

  it("test_column_queries_six", async () => {
    await using s = db.session();
    const q = select(func.count(Address.email_address), User).outerjoin(User.addresses).groupBy(User.id, User.name).orderBy(User.id);
    expect((await s.execute(q)).all().map((r) => [r[0], (r[1] as { id: number }).id])).toEqual([[1, 7], [3, 8], [1, 9], [0, 10]]);
  });

  it("test_column_queries_seven", async () => {
    await using s = db.session();
    const adalias = aliased(Address);
    const q = select(User, func.count(adalias.email_address)).outerjoin(User.addresses.ofType(adalias)).groupBy(User.id, User.name).orderBy(User.id);
    expect((await s.execute(q)).all().map((r) => [(r[0] as { id: number }).id, r[1]])).toEqual([[7, 1], [8, 3], [9, 1], [10, 0]]);
  });

  it("test_column_queries_nine", async () => {
    await using s = db.session();
    const adalias = aliased(Address);
    const subq = select(User, adalias.email_address, adalias.id).outerjoin(User.addresses.ofType(adalias)).subquery();
    const ua = aliased(User, subq);
    const aa = aliased(adalias, subq);
    const q = select(ua, aa.email_address).orderBy(ua.id, aa.id);
    expect((await s.execute(q)).all().map((r) => [(r[0] as { id: number }).id, r[1]])).toEqual([
      [7, "jack@bean.com"], [8, "ed@wood.com"], [8, "ed@bettyboop.com"], [8, "ed@lala.com"], [9, "fred@fred.com"], [10, null],
    ]);
  });

  it("test_with_entities", async () => {
    await using s = db.session();
    const q = select(User).where(User.id.eq(7)).orderBy(User.name);
    expect((await s.execute(q.withOnlyColumns(User.id))).all().map((r) => [...r])).toEqual([[7]]);
    expect((await s.execute(q.withOnlyColumns(User.id, User.name))).all().map((r) => [...r])).toEqual([[7, "jack"]]);
  });

  it("test_multi_columns_2", async () => {
    // The orders of each user, counted through a join and a GROUP BY, with the entity.
    await using s = db.session();
    const q = select(User, func.count(Order.id).label("count")).outerjoin(User.orders).groupBy(User.id, User.name).orderBy(User.id);
    expect((await s.execute(q)).all().map((r) => [r[0].id, r[1]])).toEqual([[7, 3], [8, 0], [9, 2], [10, 0]]);
  });
});

/**
 * When joined eager loads go outside the statement as a subquery, ported from SQLAlchemy's
 * test/orm/test_eager_relations.py (test_nested_for_group_by, test_nested_for_distinct,
 * test_group_by_only, test_distinct, test_limit; issue #11226): GROUP BY, DISTINCT and
 * LIMIT-with-collections nest the statement, a many-to-one with LIMIT does not; the eager
 * columns follow every column of the statement. Exact SQL on both dialects and the objects
 * loaded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { func, insert, joinedload, select } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, openDb, type Db } from "./models.js";

const M = defineModels("sanest");
const { User, Address, Order, Item } = M;

describe.each(dialectTargets())("eager joins around GROUP BY / DISTINCT / LIMIT on $name", (target) => {
  let db: Db;
  const T = (n: string): string => User.__table__.name.replace(/users$/, n);
  const U = User.__table__.name;
  const ph = (n: number): string => (target.dialect === "postgresql" ? `$${n}` : "?");
  const fold = (s: string): string => s.replace(/\s*\n\s*/g, " ");
  // User.display, a columnProperty of the eager target: computed outside the subquery, under an
  // anonymous label (SQLAlchemy's test_core_compilation.py ExtraColsTest.test_column_properties:
  // `users.id * :id_1 AS anon_1`), numbered after the subquery's own anon_1 when nested.
  const displayAt = (n: number, label: string): string => `${U}_1.name || ${ph(n)} || coalesce(${U}_1.fullname, ${ph(n + 1)}) AS ${label}`;

  beforeAll(async () => {
    db = await openDb(target, M.Base);
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [
        { id: 7, name: "jack", fullname: null },
        { id: 8, name: "ed", fullname: null },
        { id: 9, name: "fred", fullname: null },
      ]);
      await conn.execute(insert(Address.__table__), [
        { id: 1, userId: 7, email: "jack@bean.com" },
        { id: 2, userId: 8, email: "ed@wood.com" },
        { id: 3, userId: 8, email: "ed@bettyboop.com" },
        { id: 4, userId: 8, email: "ed@lala.com" },
      ]);
      await conn.execute(insert(Order.__table__), [
        { id: 1, userId: 7, description: "order 1" },
        { id: 2, userId: 9, description: "order 2" },
        { id: 3, userId: 7, description: "order 3" },
      ]);
      await conn.execute(insert(Item.__table__), [
        { id: 1, orderId: 1, name: "item 1" },
        { id: 2, orderId: 1, name: "item 2" },
        { id: 3, orderId: 2, name: "item 3" },
        { id: 4, orderId: 3, name: "item 4" },
      ]);
    });
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("GROUP BY with a many-to-one joinedload nests the grouped statement (test_nested_for_group_by)", async () => {
    const O = T("orders");
    const I = T("items");
    const stmt = select(Order, func.count(Item.id)).join(Order.items).groupBy(Order.id).orderBy(Order.id).options(joinedload(Order.user));
    await using s = db.session();
    db.counting.reset();
    const rows = (await s.execute(stmt)).all();
    expect(db.counting.statements.map(fold)).toEqual([
      `SELECT anon_1.id, anon_1.user_id, anon_1.description, anon_1.count_1, ${U}_1.id AS id_1, ${U}_1.name, ${U}_1.fullname, ${displayAt(1, "anon_2")} ` +
        `FROM (SELECT ${O}.id AS id, ${O}.user_id AS user_id, ${O}.description AS description, count(${I}.id) AS count_1 FROM ${O} JOIN ${I} ON ${O}.id = ${I}.order_id ` +
        `GROUP BY ${O}.id ORDER BY ${O}.id) AS anon_1 LEFT OUTER JOIN ${U} AS ${U}_1 ON ${U}_1.id = anon_1.user_id ORDER BY anon_1.id`,
    ]);
    expect(rows.map((r) => [(r[0] as InstanceType<typeof Order>).id, Number(r[1]), (r[0] as InstanceType<typeof Order>).user.name])).toEqual([
      [1, 2, "jack"],
      [2, 1, "fred"],
      [3, 1, "jack"],
    ]);
  });

  it("DISTINCT with a many-to-one joinedload nests (test_nested_for_distinct)", async () => {
    const O = T("orders");
    await using s = db.session();
    db.counting.reset();
    const orders = (await s.scalars(select(Order).distinct().options(joinedload(Order.user)))).all();
    expect(fold(db.counting.statements[0])).toBe(
      `SELECT anon_1.id, anon_1.user_id, anon_1.description, ${U}_1.id AS id_1, ${U}_1.name, ${U}_1.fullname, ${displayAt(1, "anon_2")} ` +
        `FROM (SELECT DISTINCT ${O}.id AS id, ${O}.user_id AS user_id, ${O}.description AS description FROM ${O}) AS anon_1 LEFT OUTER JOIN ${U} AS ${U}_1 ON ${U}_1.id = anon_1.user_id`,
    );
    expect(orders.map((o) => [o.id, o.user.name]).sort()).toEqual([[1, "jack"], [2, "fred"], [3, "jack"]]);
  });

  it("GROUP BY every column with a joined collection loads whole collections (test_group_by_only)", async () => {
    const A = T("addresses");
    await using s = db.session();
    db.counting.reset();
    const users = (
      await s.scalars(select(User).groupBy(User.id, User.name, User.fullname, User.secret).orderBy(User.id).options(joinedload(User.addresses)))
    ).unique().all();
    expect(fold(db.counting.statements[0])).toMatch(
      new RegExp(`^SELECT anon_1\\.id, .* FROM \\(SELECT .* FROM ${U} GROUP BY .* ORDER BY ${U}\\.id\\) AS anon_1 LEFT OUTER JOIN ${A} AS ${A}_1 ON anon_1\\.id = ${A}_1\\.user_id ORDER BY anon_1\\.id, ${A}_1\\.id$`),
    );
    expect(users.map((u) => [u.id, u.addresses.map((a) => a.id)])).toEqual([[7, [1]], [8, [2, 3, 4]], [9, []]]);
  });

  it("LIMIT with only a many-to-one joinedload does not nest", async () => {
    const O = T("orders");
    await using s = db.session();
    db.counting.reset();
    const orders = (await s.scalars(select(Order).orderBy(Order.id).limit(2).options(joinedload(Order.user)))).all();
    expect(fold(db.counting.statements[0])).toBe(
      `SELECT ${O}.id, ${O}.user_id, ${O}.description, ${U}_1.id AS id_1, ${U}_1.name, ${U}_1.fullname, ${displayAt(1, "anon_1")} ` +
        `FROM ${O} LEFT OUTER JOIN ${U} AS ${U}_1 ON ${U}_1.id = ${O}.user_id ORDER BY ${O}.id LIMIT ${ph(3)}`,
    );
    expect(orders.map((o) => o.user.name)).toEqual(["jack", "fred"]);
  });

  it("LIMIT with a joined collection limits the parents (test_limit)", async () => {
    await using s = db.session();
    const users = (await s.scalars(select(User).orderBy(User.id).limit(2).offset(1).options(joinedload(User.addresses)))).unique().all();
    expect(users.map((u) => [u.id, u.addresses.length])).toEqual([[8, 3], [9, 0]]);
  });
});

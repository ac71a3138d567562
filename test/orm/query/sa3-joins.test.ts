/**
 * Joins along relationships, aliased entities and explicit ON clauses, ported from SQLAlchemy's
 * test/orm/test_joins.py (JoinTest, JoinFromSelectableTest, SelfReferentialTest …) in their
 * 2.0 `select()` form, against the standard fixture's table names. Legacy `Query` assertions
 * keep their `users_id`-style labels through LABEL_STYLE_TABLENAME_PLUS_COL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aliased, InvalidRequestError, LABEL_STYLE_TABLENAME_PLUS_COL, literalColumn, or, select, type ColumnClause,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "../loading/models.js";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { assertCompile } from "../../sql/compiler/helpers.js";
import { stdFixtures } from "./sa3-models.js";

const { User, Address, Dingaling, Order, Item, Node } = stdFixtures();
const L = LABEL_STYLE_TABLENAME_PLUS_COL;
const USERS = "SELECT users.id AS users_id, users.name AS users_name ";

/** ORM-compiled SQL, as the session would send it. */
function ormSql(stmt: Parameters<typeof planOrmSelect>[0]): string {
  return planOrmSelect(stmt).stmt.compile().sql.replace(/\n/g, "");
}

describe("JoinTest (test_joins.py)", () => {
  it("test_isouter_flag", () => {
    assertCompile(select(User).join(User.orders, undefined, { isOuter: true }).setLabelStyle(L),
      `${USERS}FROM users LEFT OUTER JOIN orders ON users.id = orders.user_id`);
  });

  it("test_full_flag", () => {
    assertCompile(select(User).outerjoin(User.orders, undefined, { full: true }).setLabelStyle(L),
      `${USERS}FROM users FULL OUTER JOIN orders ON users.id = orders.user_id`);
  });

  it("test_single_prop_1", () => {
    assertCompile(select(User).join(User.orders).setLabelStyle(L), `${USERS}FROM users JOIN orders ON users.id = orders.user_id`);
  });

  it("test_single_prop_6", () => {
    const ualias = aliased(User);
    assertCompile(select(ualias).join(ualias.orders),
      "SELECT users_1.id, users_1.name FROM users AS users_1 JOIN orders ON users_1.id = orders.user_id");
  });

  it("test_single_prop_9", () => {
    const subq = select(User).where(User.name.eq("ed")).setLabelStyle(L).subquery();
    const ua = aliased(User, subq);
    assertCompile(select(ua).join(ua.orders),
      "SELECT anon_1.users_id, anon_1.users_name " +
        "FROM (SELECT users.id AS users_id, users.name AS users_name FROM users WHERE users.name = :name_1) AS anon_1 " +
        "JOIN orders ON anon_1.users_id = orders.user_id");
  });

  it("test_single_prop_12", () => {
    const oalias1 = aliased(Order);
    const ualias = aliased(User);
    assertCompile(select(ualias).join(oalias1, ualias.orders).join(Address, ualias.addresses),
      "SELECT users_1.id, users_1.name FROM users AS users_1 JOIN orders AS orders_1 " +
        "ON users_1.id = orders_1.user_id JOIN addresses ON users_1.id = addresses.user_id");
  });

  it("test_single_prop_13", () => {
    const ualias = aliased(User);
    const ualias2 = aliased(User);
    assertCompile(select(ualias).join(Address, ualias.addresses).join(ualias2, Address.user).join(Order, ualias.orders),
      "SELECT users_1.id, users_1.name FROM users AS users_1 JOIN addresses ON users_1.id = addresses.user_id " +
        "JOIN users AS users_2 ON users_2.id = addresses.user_id JOIN orders ON users_1.id = orders.user_id");
  });

  it("test_backwards_join", () => {
    expect(() => ormSql(select(User).join(Address, Address.user))).toThrow(InvalidRequestError);
    const adalias = aliased(Address);
    expect(() => ormSql(select(User).join(adalias, Address.user))).toThrow(InvalidRequestError);
  });

  it("test_multiple_with_aliases", () => {
    const ualias = aliased(User);
    const oalias1 = aliased(Order);
    const oalias2 = aliased(Order);
    assertCompile(
      select(ualias).join(oalias1, ualias.orders).join(oalias2, ualias.orders).where(or(oalias1.user_id.eq(9), oalias2.user_id.eq(7))),
      "SELECT users_1.id, users_1.name FROM users AS users_1 JOIN orders AS orders_1 ON users_1.id = orders_1.user_id " +
        "JOIN orders AS orders_2 ON users_1.id = orders_2.user_id WHERE orders_1.user_id = :user_id_1 OR orders_2.user_id = :user_id_2",
    );
  });

  it("test_replace_multiple_from_clause", () => {
    assertCompile(select(Address, User).join(Address.dingaling).join(User.orders).join(Order.items).setLabelStyle(L),
      "SELECT addresses.id AS addresses_id, addresses.user_id AS addresses_user_id, addresses.email_address AS addresses_email_address, " +
        "users.id AS users_id, users.name AS users_name FROM addresses JOIN dingalings ON addresses.id = dingalings.address_id, " +
        "users JOIN orders ON users.id = orders.user_id JOIN order_items AS order_items_1 ON orders.id = order_items_1.order_id " +
        "JOIN items ON items.id = order_items_1.item_id");
  });

  it("test_join_explicit_left_multiple_from_clause", () => {
    const u1 = aliased(User);
    assertCompile(select(User, u1).selectFrom(User.__table__, u1.alias).join(User.addresses),
      "SELECT users.id, users.name, users_1.id AS id_1, users_1.name AS name_1 " +
        "FROM users JOIN addresses ON users.id = addresses.user_id, users AS users_1");
    assertCompile(select(User, u1).selectFrom(User.__table__, u1.alias).join(u1.addresses),
      "SELECT users.id, users.name, users_1.id AS id_1, users_1.name AS name_1 " +
        "FROM users, users AS users_1 JOIN addresses ON users_1.id = addresses.user_id");
  });

  it("test_join_explicit_left_multiple_adapted", () => {
    const u1 = aliased(User);
    const u2 = aliased(User);
    assertCompile(select(u1, u2).selectFrom(u1.alias, u2.alias).join(u2.addresses),
      "SELECT users_1.id, users_1.name, users_2.id AS id_1, users_2.name AS name_1 " +
        "FROM users AS users_1, users AS users_2 JOIN addresses ON users_2.id = addresses.user_id");
  });

  it("test_join_entity_from_multiple_from_clause", () => {
    const q = select(Address, User).join(Address.dingaling).join(User.orders).setLabelStyle(L);
    const a1 = aliased(Address);
    const cols = "SELECT addresses.id AS addresses_id, addresses.user_id AS addresses_user_id, addresses.email_address AS addresses_email_address, " +
      "users.id AS users_id, users.name AS users_name ";
    assertCompile(q.join(a1, Order.address_id.eq(a1.id)),
      `${cols}FROM addresses JOIN dingalings ON addresses.id = dingalings.address_id, users JOIN orders ON users.id = orders.user_id ` +
        "JOIN addresses AS addresses_1 ON orders.address_id = addresses_1.id");
    assertCompile(q.join(a1, Dingaling.address_id.eq(a1.id)),
      `${cols}FROM addresses JOIN dingalings ON addresses.id = dingalings.address_id JOIN addresses AS addresses_1 ON dingalings.address_id = addresses_1.id, ` +
        "users JOIN orders ON users.id = orders.user_id");
  });

  it("test_join_entity_from_multiple_entities", () => {
    const q = select(Order, Dingaling).setLabelStyle(L);
    const a1 = aliased(Address);
    const cols = "SELECT orders.id AS orders_id, orders.user_id AS orders_user_id, orders.address_id AS orders_address_id, " +
      "orders.description AS orders_description, orders.isopen AS orders_isopen, dingalings.id AS dingalings_id, " +
      "dingalings.address_id AS dingalings_address_id, dingalings.data AS dingalings_data ";
    assertCompile(q.join(a1, Order.address_id.eq(a1.id)), `${cols}FROM orders JOIN addresses AS addresses_1 ON orders.address_id = addresses_1.id, dingalings`);
  });

  it("test_clause_present_in_froms_twice_w_onclause", () => {
    const a1 = aliased(Address);
    const q = select(Order).selectFrom(Order.__table__, a1.alias, User.__table__).setLabelStyle(L);
    assertCompile(q.outerjoin(a1, a1.id.eq(Order.address_id)).outerjoin(User, a1.user_id.eq(User.id)),
      "SELECT orders.id AS orders_id, orders.user_id AS orders_user_id, orders.address_id AS orders_address_id, " +
        "orders.description AS orders_description, orders.isopen AS orders_isopen FROM orders " +
        "LEFT OUTER JOIN addresses AS addresses_1 ON addresses_1.id = orders.address_id LEFT OUTER JOIN users ON addresses_1.user_id = users.id");
  });

  it("test_clause_present_in_froms_twice_wo_onclause", () => {
    const a1 = aliased(Address);
    const q = select(User).selectFrom(Dingaling.__table__, a1.alias, User.__table__).outerjoin(a1, User.id.eq(a1.user_id)).outerjoin(Dingaling).setLabelStyle(L);
    assertCompile(q, `${USERS}FROM users LEFT OUTER JOIN addresses AS addresses_1 ON users.id = addresses_1.user_id ` +
      "LEFT OUTER JOIN dingalings ON addresses_1.id = dingalings.address_id");
  });

  it("test_expression_onclauses", () => {
    const subq = select(User).subquery();
    const cols = (a: { readonly c: object }) => a.c as Readonly<Record<string, ColumnClause<unknown, string>>>;
    assertCompile(select(User).join(subq, User.name.eq(cols(subq).name)).setLabelStyle(L),
      `${USERS}FROM users JOIN (SELECT users.id AS id, users.name AS name FROM users) AS anon_1 ON users.name = anon_1.name`);
    const subq2 = select(Order).subquery();
    assertCompile(select(User).join(subq2, User.id.eq(cols(subq2).user_id)).setLabelStyle(L),
      `${USERS}FROM users JOIN (SELECT orders.id AS id, orders.user_id AS user_id, orders.address_id AS address_id, orders.description AS description, ` +
        "orders.isopen AS isopen FROM orders) AS anon_1 ON users.id = anon_1.user_id");
    assertCompile(select(User).join(Order, User.id.eq(Order.user_id)).setLabelStyle(L), `${USERS}FROM users JOIN orders ON users.id = orders.user_id`);
  });

  it("test_pure_expression", () => {
    assertCompile(select(User.__table__).join(Address.__table__).setLabelStyle(L), `${USERS}FROM users JOIN addresses ON users.id = addresses.user_id`);
  });
});

describe("SelfReferentialTest (test_joins.py)", () => {
  it("test_join_to_self_no_aliases_raises", () => {
    expect(() => ormSql(select(Node).join(Node.children))).toThrow(InvalidRequestError);
    expect(() => ormSql(select(Node).join(Node.children))).toThrow(/Can't construct a join from .* to .*, they are the same entity/);
  });

  it("test_explicit_join_2", () => {
    const n1 = aliased(Node);
    assertCompile(select(Node).join(n1, Node.children).setLabelStyle(L) as never,
      "SELECT nodes.id AS nodes_id, nodes.parent_id AS nodes_parent_id, nodes.data AS nodes_data FROM nodes JOIN nodes AS nodes_1 ON nodes.id = nodes_1.parent_id");
  });
});

describe.each(dialectTargets())("joins returning rows on $name (test_joins.py)", (target) => {
  const p = uniqueName("sa3join");
  const f = stdFixtures(`${p}_`);
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, f.Base);
    await db.engine.begin((conn) => f.insertData(conn));
  });
  afterAll(async () => {
    await db.cleanup();
  });
  const names = (users: readonly { name: string }[]) => users.map((u) => u.name);

  it("test_backwards_join", async () => {
    const { User, Address } = f;
    await using s = db.session();
    const users = (await s.scalars(select(User).join(Address.user).where(Address.email_address.eq("ed@wood.com")))).all();
    expect(users.map((u) => [u.id, u.name])).toEqual([[8, "ed"]]);
    const pairs = (await s.execute(select(User, Address).join(Address.user).where(Address.email_address.eq("ed@wood.com")))).all();
    expect(pairs.map((r) => [r[0].id, (r[1] as { email_address: string }).email_address])).toEqual([[8, "ed@wood.com"]]);
  });

  it("test_no_onclause", async () => {
    const { User, Order, Item } = f;
    await using s = db.session();
    const q = select(User).join(Order).join(Item, Order.items).where(Item.description.eq("item 4"));
    expect(names((await s.scalars(q)).all())).toEqual(["jack"]);
    const q2 = select(User.name).join(Order).join(Item, Order.items).where(Item.description.eq("item 4"));
    expect((await s.execute(q2)).all().map((r) => [...r])).toEqual([["jack"]]);
  });

  it("test_clause_onclause", async () => {
    const { User, Order, Item, orderItems } = f;
    await using s = db.session();
    const q = select(User).join(Order, User.id.eq(Order.user_id)).join(orderItems, Order.id.eq(orderItems.c.order_id))
      .join(Item, orderItems.c.item_id.eq(Item.id)).where(Item.description.eq("item 4"));
    expect(names((await s.scalars(q)).all())).toEqual(["jack"]);
    const ualias = aliased(User);
    const q2 = select(ualias.name).join(Order, ualias.id.eq(Order.user_id)).join(orderItems, Order.id.eq(orderItems.c.order_id))
      .join(Item, orderItems.c.item_id.eq(Item.id)).where(Item.description.eq("item 4"));
    expect((await s.execute(q2)).all().map((r) => [...r])).toEqual([["jack"]]);
    // An explicit ON clause against an entity aliased onto a subquery.
    const ua = aliased(User, select(User).orderBy(User.id).offset(2).subquery());
    expect(names((await s.scalars(select(ua).join(Order, ua.id.eq(Order.user_id)))).unique().all())).toEqual(["fred"]);
  });

  it("test_aliased_classes", async () => {
    const { User, Address } = f;
    await using s = db.session();
    const adAlias = aliased(Address);
    const rows = (await s.execute(select(User, adAlias).outerjoin(adAlias, User.addresses).orderBy(User.id, adAlias.id))).all();
    expect(rows.map(([u, a]) => [u.id, a?.id ?? null])).toEqual([[7, 1], [8, 2], [8, 3], [8, 4], [9, 5], [10, null]]);
    const rows2 = (await s.execute(select(User, adAlias).outerjoin(adAlias, User.id.eq(adAlias.user_id)).where(adAlias.email_address.eq("ed@bettyboop.com")))).all();
    expect(rows2.map(([u, a]) => [u.id, a?.id])).toEqual([[8, 3]]);
    const rows3 = (await s.execute(select(User, adAlias).join(adAlias.user).where(User.name.eq("ed")).orderBy(User.id, adAlias.id))).all();
    expect(rows3.map(([u, a]) => [u.id, a.id])).toEqual([[8, 2], [8, 3], [8, 4]]);
  });

  it("test_aliased_classes_m2m", async () => {
    const { Order, Item } = f;
    await using s = db.session();
    const rows = (await s.execute(select(Order, Item).join(Item, Order.items).orderBy(Order.id, Item.id))).all();
    expect(rows.map(([o, i]) => [o.id, i.id])).toEqual([[1, 1], [1, 2], [1, 3], [2, 1], [2, 2], [2, 3], [3, 3], [3, 4], [3, 5], [4, 1], [4, 5], [5, 5]]);
    const iAlias = aliased(Item);
    const rows2 = (await s.execute(select(Order, iAlias).join(iAlias, Order.items).where(iAlias.description.eq("item 3")).orderBy(Order.id))).all();
    expect(rows2.map(([o, i]) => [o.id, i.id])).toEqual([[1, 3], [2, 3], [3, 3]]);
  });

  it("test_overlap_with_aliases", async () => {
    const { User, Order, Item } = f;
    await using s = db.session();
    const oalias = Order.__table__.alias("oalias");
    const q = select(User).selectFrom(User.__table__.join(oalias)).where(oalias.c.description.in(["order 1", "order 2", "order 3"]))
      .join(User.orders).join(Order.items).orderBy(User.id);
    expect((await s.scalars(q)).unique().all().map((u) => u.id)).toEqual([7, 9]);
    const q2 = select(User).selectFrom(User.__table__.join(oalias)).where(oalias.c.description.in(["order 1", "order 2", "order 3"]))
      .join(User.orders).join(Order.items).where(Item.id.eq(4));
    expect((await s.scalars(q2)).unique().all().map((u) => u.id)).toEqual([7]);
  });

  it("test_aliased_order_by", async () => {
    const { User } = f;
    await using s = db.session();
    const ualias = aliased(User);
    const rows = (await s.execute(select(User, ualias).where(User.id.gt(ualias.id)).orderBy(ualias.id.desc(), User.name))).all();
    expect(rows.map(([a, b]) => [a.id, b.id])).toEqual([[10, 9], [10, 8], [9, 8], [10, 7], [8, 7], [9, 7]]);
  });
});

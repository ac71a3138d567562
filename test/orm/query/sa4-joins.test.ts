/**
 * Relationship joins whose parent is not yet in the FROM list, repeated relationship paths and
 * the join-placement errors, ported from SQLAlchemy's test/orm/test_joins.py (JoinTest) in their
 * 2.0 `select()` form against the standard fixture's table names.
 */
import { describe, expect, it } from "vitest";
import { aliased, InvalidRequestError, LABEL_STYLE_TABLENAME_PLUS_COL, literalColumn, select } from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { assertCompile } from "../../sql/compiler/helpers.js";
import { stdFixtures } from "./sa3-models.js";

const { User, Address, Dingaling, Order, Item } = stdFixtures();
const L = LABEL_STYLE_TABLENAME_PLUS_COL;
const USERS = "SELECT users.id AS users_id, users.name AS users_name ";

/** ORM-compiled SQL, as the session would send it. */
function ormSql(stmt: Parameters<typeof planOrmSelect>[0]): string {
  return planOrmSelect(stmt).stmt.compile().sql.replace(/\n/g, "");
}

const DONT_KNOW = /^Don't know how to join to .*Item.*\. Please use the \.select_from\(\) method to establish an explicit left side, as well as providing an explicit ON clause if not present already to help resolve the ambiguity\.$/;
const MULTIPLE = "Can't determine which FROM clause to join from, there are multiple FROMS which can join to this entity. " +
  "Please use the .select_from() method to establish an explicit left side, as well as providing an explicit ON clause " +
  "if not present already to help resolve the ambiguity.";

function raises(fn: () => unknown, cls: new (...a: never[]) => Error, msg: string | RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(cls);
  if (typeof msg === "string") expect((err as Error).message).toBe(msg);
  else expect((err as Error).message).toMatch(msg);
}

describe("JoinTest: joins from a relationship's parent (test_joins.py)", () => {
  it("test_single_prop_2", () => {
    assertCompile(select(User).join(Order.user).setLabelStyle(L), `${USERS}FROM orders JOIN users ON users.id = orders.user_id`);
  });

  it("test_single_prop_3", () => {
    const oalias1 = aliased(Order);
    assertCompile(select(User).join(oalias1.user).setLabelStyle(L),
      `${USERS}FROM orders AS orders_1 JOIN users ON users.id = orders_1.user_id`);
  });

  it("test_single_prop_4", () => {
    const oalias1 = aliased(Order);
    const oalias2 = aliased(Order);
    assertCompile(select(User).join(oalias1.user).join(oalias2.user).setLabelStyle(L),
      `${USERS}FROM orders AS orders_1 JOIN users ON users.id = orders_1.user_id, ` +
        "orders AS orders_2 JOIN users ON users.id = orders_2.user_id");
  });

  it("test_join_nonmapped_column", () => {
    // 2.0's default label style: the plain column name, which Query's users_id label replaces.
    assertCompile(select(User.id, literalColumn("foo")).join(Order.user),
      "SELECT users.id, foo FROM orders JOIN users ON users.id = orders.user_id");
  });

  it("test_overlapping_backwards_joins", () => {
    const oalias1 = aliased(Order);
    const oalias2 = aliased(Order);
    expect(ormSql(select(User).join(oalias1.user).join(oalias2.user).setLabelStyle(L))).toBe(
      `${USERS}FROM orders AS orders_1 JOIN users ON users.id = orders_1.user_id, ` +
        "orders AS orders_2 JOIN users ON users.id = orders_2.user_id");
  });
});

describe("JoinTest: repeated relationship paths (test_joins.py)", () => {
  it("test_overlapping_paths_one_modern", () => {
    assertCompile(select(User).join(User.orders).join(Order.items).join(User.orders).join(Order.address).setLabelStyle(L),
      `${USERS}FROM users JOIN orders ON users.id = orders.user_id ` +
        "JOIN order_items AS order_items_1 ON orders.id = order_items_1.order_id " +
        "JOIN items ON items.id = order_items_1.item_id JOIN addresses ON addresses.id = orders.address_id");
  });

  it("test_overlapping_paths_multilevel_modern", () => {
    const q = select(User).join(User.orders).join(User.addresses).join(User.orders).join(Order.items)
      .join(User.addresses).join(Address.dingaling).setLabelStyle(L);
    assertCompile(q,
      `${USERS}FROM users JOIN orders ON users.id = orders.user_id ` +
        "JOIN addresses ON users.id = addresses.user_id " +
        "JOIN order_items AS order_items_1 ON orders.id = order_items_1.order_id " +
        "JOIN items ON items.id = order_items_1.item_id " +
        "JOIN dingalings ON addresses.id = dingalings.address_id");
  });
});

describe("JoinTest: join placement errors (test_joins.py)", () => {
  it("test_invalid_join_entity_from_single_from_clause", () => {
    const q = select(Address).selectFrom(Address);
    raises(() => ormSql(q.join(Item)), InvalidRequestError, DONT_KNOW);
  });

  it("test_invalid_join_entity_from_no_from_clause", () => {
    raises(() => ormSql(select(Address).join(Item)), InvalidRequestError, DONT_KNOW);
  });

  it("test_invalid_join_entity_from_multiple_from_clause", () => {
    const q = select(Address, User).join(Address.dingaling).join(User.orders);
    raises(() => ormSql(q.join(Item)), InvalidRequestError, DONT_KNOW);
  });

  it("test_join_explicit_left_multiple_adapted", () => {
    const u1 = aliased(User);
    const u2 = aliased(User);
    raises(() => ormSql(select(u1, u2).selectFrom(u1, u2).join(User.addresses)), InvalidRequestError,
      "Can't identify which entity in which to assign the left side of this join.   Please use a more specific ON clause.");
  });

  it("test_join_entity_from_multiple_from_clause", () => {
    const q = select(Address, User).join(Address.dingaling).join(User.orders);
    raises(() => ormSql(q.join(aliased(Address))), InvalidRequestError, MULTIPLE);
  });

  it("test_join_entity_from_multiple_entities", () => {
    const q = select(Order, Dingaling);
    raises(() => ormSql(q.join(aliased(Address))), InvalidRequestError, MULTIPLE);
  });

  it("test_clause_present_in_froms_twice_w_onclause", () => {
    const a1 = aliased(Address);
    const q = select(Order).selectFrom(Order, a1, User);
    raises(() => ormSql(q.outerjoin(a1)), InvalidRequestError, MULTIPLE);
  });
});

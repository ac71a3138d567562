/**
 * SQL compiled from 2.0-style ORM statements, ported from SQLAlchemy's
 * test/orm/test_core_compilation.py: RawSelectTest (test_where_relationship,
 * test_where_m2m_relationship), RelationshipNaturalCompileTest, SelectableTest
 * (test_limit_offset_select, test_fetch_offset_select, test_select_from_ordering) and
 * LoadersInSubqueriesTest (eager loads configured on the mapping are not rendered inside
 * subqueries, EXISTS or IN; deferred column properties are not exported by a subquery), and from
 * test/orm/test_query.py ColumnPropertyTest (column properties selected alone or from an alias),
 * with the default dialect's `:name` parameters.
 */
import { describe, expect, it } from "vitest";
import {
  aliased, DeclarativeBase, defer, ForeignKey, func, Integer, mappedColumn, relationship, select, String,
  columnProperty,
} from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { assertCompile } from "../../sql/compiler/helpers.js";
import { stdFixtures } from "./sa3-models.js";

/** ORM-compiled SQL, as the session would send it. */
function ormSql(stmt: Parameters<typeof planOrmSelect>[0]): string {
  return planOrmSelect(stmt).stmt.compile().sql.replace(/\n/g, "");
}

const { User, Address, Item, Keyword } = stdFixtures();

describe("RawSelectTest / RelationshipNaturalCompileTest: a relationship as a criterion", () => {
  it("test_where_relationship: renders the join condition; the target joins the FROM list", () => {
    assertCompile(select(User).where(User.addresses as never), "SELECT users.id, users.name FROM users, addresses WHERE users.id = addresses.user_id");
  });

  it("test_where_m2m_relationship / test_many_to_many_implicit_join: through an aliased association table", () => {
    assertCompile(select(Item).where(Item.keywords as never),
      "SELECT items.id, items.description FROM items, item_keywords AS item_keywords_1, keywords " +
        "WHERE items.id = item_keywords_1.item_id AND keywords.id = item_keywords_1.keyword_id");
  });

  it("test_of_type_implicit_join: between aliases", () => {
    const u1 = aliased(User);
    const a1 = aliased(Address);
    assertCompile(select(u1).where(u1.addresses.ofType(a1) as never),
      "SELECT users_1.id, users_1.name FROM users AS users_1, addresses AS addresses_1 WHERE users_1.id = addresses_1.user_id");
  });

  it("test_of_type_explicit_join / test_many_to_many_explicit_join", () => {
    const u1 = aliased(User);
    const a1 = aliased(Address);
    assertCompile(select(u1).join(u1.addresses.ofType(a1)),
      "SELECT users_1.id, users_1.name FROM users AS users_1 JOIN addresses AS addresses_1 ON users_1.id = addresses_1.user_id");
    assertCompile(select(Item).join(Keyword, Item.keywords),
      "SELECT items.id, items.description FROM items JOIN item_keywords AS item_keywords_1 ON items.id = item_keywords_1.item_id " +
        "JOIN keywords ON keywords.id = item_keywords_1.keyword_id");
  });

  it("something that is not a relationship is still refused", () => {
    expect(() => select(User).where({} as never)).toThrow("where() expects SQL boolean expressions; got Object object");
  });
});

describe("SelectableTest", () => {
  it("test_limit_offset_select", () => {
    assertCompile(select(User.id).limit(5).offset(6), "SELECT users.id FROM users LIMIT :param_1 OFFSET :param_2", { params: { param_1: 5, param_2: 6 } });
  });

  it("test_fetch_offset_select", () => {
    for (const [opts, clause] of [[{}, "ROWS ONLY"], [{ percent: true }, "PERCENT ROWS ONLY"], [{ percent: true, withTies: true }, "PERCENT ROWS WITH TIES"]] as const) {
      assertCompile(select(User.id).fetch(5, opts).offset(6), `SELECT users.id FROM users OFFSET :param_1 ROWS FETCH FIRST :param_2 ${clause}`,
        { params: { param_1: 6, param_2: 5 } });
    }
  });

  it("test_select_from_ordering: the FROM list follows selectFrom()", () => {
    assertCompile(select(User.name).selectFrom(User, Address).where(User.id.eq(Address.user_id)), "SELECT users.name FROM users, addresses WHERE users.id = addresses.user_id");
    assertCompile(select(User.name).selectFrom(Address, User).where(User.id.eq(Address.user_id)), "SELECT users.name FROM addresses, users WHERE users.id = addresses.user_id");
  });
});

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function loaderFixtures() {
  class Base extends DeclarativeBase {}
  class LUser extends Base.model("users", {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {
    // lazy="joined" on the mapping: applies to top-level entities only.
    static addresses = relationship(() => LAddress, { lazy: "joined" });
    declare addresses: LAddress[];
  }
  class LAddress extends Base.model("addresses", {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey("users.id"), { nullable: true }),
    email_address: mappedColumn(String(50)),
  }) {}
  return { LUser, LAddress };
}

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function deferredFixtures(deferName: boolean) {
  class Base extends DeclarativeBase {}
  class DUser extends Base.model("users", {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { deferred: deferName }),
  }) {
    static name_upper = columnProperty(() => func.upper(DUser.name), { deferred: deferName });
    declare readonly name_upper: string;
  }
  return { DUser };
}

describe("LoadersInSubqueriesTest", () => {
  const { LUser } = loaderFixtures();

  it("test_no_joinedload_in_subquery_select_rows: a subquery of the entity has no eager join", () => {
    assertCompile(select(select(LUser).subquery()), "SELECT anon_1.id, anon_1.name FROM (SELECT users.id AS id, users.name AS name FROM users) AS anon_1");
    expect(ormSql(select(select(LUser).subquery()))).toBe("SELECT anon_1.id, anon_1.name FROM (SELECT users.id AS id, users.name AS name FROM users) AS anon_1");
  });

  it("test_no_joinedload_in_subquery_select_entity: the entity loaded from the subquery gets its eager join", () => {
    const ua = aliased(LUser, select(LUser).subquery());
    expect(ormSql(select(ua))).toBe(
      "SELECT anon_1.id, anon_1.name, addresses_1.id AS id_1, addresses_1.user_id, addresses_1.email_address FROM " +
        "(SELECT users.id AS id, users.name AS name FROM users) AS anon_1 LEFT OUTER JOIN addresses AS addresses_1 ON anon_1.id = addresses_1.user_id",
    );
  });

  it("a lazy='joined' entity inside EXISTS, IN and a scalar subquery renders no eager join", () => {
    expect(ormSql(select(select(LUser).exists()))).toBe("SELECT EXISTS (SELECT users.id, users.name FROM users) AS anon_1");
    expect(ormSql(select(LUser.name).where(LUser.id.in(select(LUser).withOnlyColumns(LUser.id))))).toBe(
      "SELECT users.name FROM users WHERE users.id IN (SELECT users.id FROM users)",
    );
    expect(ormSql(select(LUser.name, select(func.count()).selectFrom(LUser).scalarSubquery().label("n")))).toBe(
      "SELECT users.name, (SELECT count(*) AS count_1 FROM users) AS n FROM users",
    );
  });

  it("test_deferred_subq_two: a deferred column property is exported only when selected", () => {
    const { DUser } = deferredFixtures(true);
    expect("name_upper" in select(DUser).subquery().c).toBe(false);
    expect("name_upper" in select(DUser, DUser.name_upper).subquery().c).toBe(true);
  });
});

describe("ColumnPropertyTest (test_query.py)", () => {
  // eslint-disable-next-line @typescript-eslint/explicit-function-return-type
  function fixture() {
    class Base extends DeclarativeBase {}
    class CAddress extends Base.model("addresses", {
      id: mappedColumn(Integer, { primaryKey: true }),
      user_id: mappedColumn(ForeignKey("users.id"), { nullable: true }),
      email_address: mappedColumn(String(50)),
    }) {}
    class CUser extends Base.model("users", {
      id: mappedColumn(Integer, { primaryKey: true }),
      name: mappedColumn(String(30)),
    }) {
      static ead = columnProperty(() => select(func.max(CAddress.email_address)).where(CAddress.user_id.eq(CUser.id)).correlate(CUser).scalarSubquery());
      declare readonly ead: string | null;
      static foobar = columnProperty(() => func.foob(CUser.name));
      declare readonly foobar: string;
    }
    return { CUser };
  }
  const { CUser } = fixture();
  const ua = aliased(CUser);

  it("test_anon_label_function_auto: a column property alone selects FROM its table", () => {
    // The expression is anonymously labelled after its function, never by the attribute key.
    expect(ormSql(select(CUser.foobar))).toBe("SELECT foob(users.name) AS foob_1 FROM users");
    expect(ormSql(select(CUser.foobar, ua.foobar))).toBe("SELECT foob(users.name) AS foob_1, foob(users_1.name) AS foob_2 FROM users, users AS users_1");
  });

  it("test_anon_label_ad_hoc_labeling", () => {
    expect(ormSql(select(CUser.foobar.label("x"), ua.foobar.label("y")))).toBe("SELECT foob(users.name) AS x, foob(users_1.name) AS y FROM users, users AS users_1");
  });

  it("test_order_by_column_unlabeled_prop_attr_aliased_two: the aliased property correlates to the alias", () => {
    expect(ormSql(select(ua.ead))).toBe(
      "SELECT (SELECT max(addresses.email_address) AS max_1 FROM addresses, users AS users_1 WHERE addresses.user_id = users_1.id) AS anon_1",
    );
    expect(ormSql(select(ua).where(ua.id.eq(7)))).toBe(
      "SELECT users_1.id, users_1.name, (SELECT max(addresses.email_address) AS max_1 FROM addresses WHERE addresses.user_id = users_1.id) AS anon_1, " +
        "foob(users_1.name) AS foob_1 FROM users AS users_1 WHERE users_1.id = :id_1",
    );
  });

  it("test_order_by_column_prop_attr_non_present: ORDER BY a deferred property renders its expression", () => {
    expect(ormSql(select(CUser).options(defer(CUser.ead), defer(CUser.foobar)).orderBy(CUser.ead))).toBe(
      "SELECT users.id, users.name FROM users ORDER BY (SELECT max(addresses.email_address) AS max_1 FROM addresses WHERE addresses.user_id = users.id)",
    );
  });
});

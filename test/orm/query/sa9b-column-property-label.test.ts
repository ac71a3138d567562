/**
 * How a `columnProperty()` that is not a plain column is labelled in an entity's SELECT, ported
 * from SQLAlchemy's test/orm/test_core_compilation.py ExtraColsTest (test_column_properties,
 * test_with_expr_one, test_joinedload_hard_labeled_selfref, test_col_prop_builtin_function) and
 * test/orm/test_query.py ColumnPropertyTest (labelled / unlabelled scalar subqueries, from the
 * class and from an alias; test_anon_label_function_auto / _manual): the expression takes an
 * anonymous label (`anon_1`, or the function's name, `foob_1`), never the attribute's key; one
 * the user labelled (`.label("email_ad")`) keeps that label on the class's own table and is
 * labelled anonymously on an alias. An ORDER BY of such an attribute the entity selects names the
 * label (`ORDER BY email_ad`, `ORDER BY anon_1`). Loading reads the value by position, so live rows still give
 * every attribute its value.
 *
 * Adapted: SQLAlchemy's classical mappings list the column properties before the table's
 * columns; athanor's declarative model selects the columns first, the expressions after them.
 */
import { describe, expect, it } from "vitest";
import {
  aliased, AsyncSession, DeclarativeBase, defer, ForeignKey, func, insert, Integer, joinedload, literal, mappedColumn, relationship, select, String, text, withExpression,
  columnProperty, queryExpression,
} from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "../unitofwork/sa3-uow-sql.helpers.js";

/** ORM-compiled SQL with the default dialect's `:name` parameters, and the parameters. */
function orm(stmt: Parameters<typeof planOrmSelect>[0]): { sql: string; params: Record<string, unknown> } {
  const c = planOrmSelect(stmt).stmt.compile();
  return { sql: c.sql.replace(/\n/g, ""), params: c.params as Record<string, unknown> };
}

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function fixtures(users = "users", addresses = "addresses") {
  class Base extends DeclarativeBase {}
  class Address extends Base.model(addresses, {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${users}.id`), { nullable: true }),
    email_address: mappedColumn(String(50)),
  }) {}
  // ExtraColsTest.column_property_fixture: an arithmetic expression and a correlated count.
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {
    static concat = columnProperty(() => User.id.mul(2));
    declare readonly concat: number;
    static count = columnProperty(() => select(func.count(Address.id)).where(User.id.eq(Address.user_id)).correlate(User).scalarSubquery());
    declare readonly count: number;
    static addresses = relationship(() => Address, { primaryjoin: () => User.id.eq(Address.user_id), orderBy: () => Address.id });
    declare addresses: Address[];
  }
  // ColumnPropertyTest._fixture(label=True): the same scalar subquery, labelled by the user.
  class LUser extends Base.model(`${users}_l`, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {
    static ead = columnProperty(() => select(func.max(Address.email_address)).where(Address.user_id.eq(LUser.id)).correlate(LUser).label("email_ad"));
    declare readonly ead: string | null;
  }
  // ColumnPropertyTest._func_fixture(label=True): an anonymous label of the user's.
  class FUser extends Base.model(`${users}_f`, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {
    static foobar = columnProperty(() => func.foob(FUser.name).label(null));
    declare readonly foobar: string;
  }
  // ExtraColsTest.query_expression_fixture.
  class QUser extends Base.model(`${users}_q`, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30)),
  }) {
    static value = queryExpression<string>();
    declare readonly value: string | null;
    static value_w_default = queryExpression(() => literal(15));
    declare readonly value_w_default: number;
  }
  return { Base, User, Address, LUser, FUser, QUser };
}

describe("ExtraColsTest / ColumnPropertyTest: the label of an expression attribute", () => {
  const { User, LUser, FUser, QUser } = fixtures();

  it("test_column_properties: anonymous labels, anon_1 and anon_2, with the binds of the expression", () => {
    const { sql, params } = orm(select(User));
    expect(sql).toBe(
      "SELECT users.id, users.name, users.id * :id_1 AS anon_1, " +
        "(SELECT count(addresses.id) AS count_1 FROM addresses WHERE users.id = addresses.user_id) AS anon_2 FROM users",
    );
    expect(params).toEqual({ id_1: 2 });
  });

  it("test_column_properties, from an alias: the alias's expressions are anonymous too", () => {
    const u1 = aliased(User);
    expect(orm(select(u1)).sql).toBe(
      "SELECT users_1.id, users_1.name, users_1.id * :id_1 AS anon_1, " +
        "(SELECT count(addresses.id) AS count_1 FROM addresses WHERE users_1.id = addresses.user_id) AS anon_2 FROM users AS users_1",
    );
  });

  it("selecting the attribute alone: anonymous as well (test_order_by_column_unlabeled_prop_attr_aliased_three)", () => {
    const ua = aliased(User);
    expect(orm(select(User.count, ua.count)).sql).toBe(
      "SELECT (SELECT count(addresses.id) AS count_1 FROM addresses, users WHERE users.id = addresses.user_id) AS anon_1, " +
        "(SELECT count(addresses.id) AS count_1 FROM addresses, users AS users_1 WHERE users_1.id = addresses.user_id) AS anon_2",
    );
  });

  it("test_order_by_column_prop_attr: a labelled expression keeps the user's label on the class's table", () => {
    expect(orm(select(LUser)).sql).toBe(
      "SELECT users_l.id, users_l.name, (SELECT max(addresses.email_address) AS max_1 FROM addresses WHERE addresses.user_id = users_l.id) AS email_ad FROM users_l",
    );
  });

  it("test_order_by_column_labeled_prop_attr_aliased_one: on an alias the labelled expression is anonymous", () => {
    const ua = aliased(LUser);
    expect(orm(select(ua)).sql).toBe(
      "SELECT users_l_1.id, users_l_1.name, (SELECT max(addresses.email_address) AS max_1 FROM addresses WHERE addresses.user_id = users_l_1.id) AS anon_1 FROM users_l AS users_l_1",
    );
  });

  it("test_order_by_column_labeled_prop_attr_aliased_three: the class's and the alias's, selected alone and as entities", () => {
    const ua = aliased(LUser);
    expect(orm(select(LUser.ead, ua.ead)).sql).toBe(
      "SELECT (SELECT max(addresses.email_address) AS max_1 FROM addresses, users_l WHERE addresses.user_id = users_l.id) AS email_ad, " +
        "(SELECT max(addresses.email_address) AS max_1 FROM addresses, users_l AS users_l_1 WHERE addresses.user_id = users_l_1.id) AS anon_1",
    );
    expect(orm(select(LUser, ua)).sql).toBe(
      "SELECT users_l.id, users_l.name, (SELECT max(addresses.email_address) AS max_1 FROM addresses WHERE addresses.user_id = users_l.id) AS email_ad, " +
        "users_l_1.id AS id_1, users_l_1.name AS name_1, (SELECT max(addresses.email_address) AS max_1 FROM addresses WHERE addresses.user_id = users_l_1.id) AS anon_1 " +
        "FROM users_l, users_l AS users_l_1",
    );
  });

  it("test_anon_label_function_manual: an expression labelled label(null) is numbered after its function", () => {
    const u1 = aliased(FUser);
    expect(orm(select(FUser.foobar, u1.foobar)).sql).toBe("SELECT foob(users_f.name) AS foob_1, foob(users_f_1.name) AS foob_2 FROM users_f, users_f AS users_f_1");
    expect(orm(select(FUser)).sql).toBe("SELECT users_f.id, users_f.name, foob(users_f.name) AS foob_1 FROM users_f");
  });

  it("test_order_by_column_prop_attr / _labeled_prop_attr_aliased_one / _two: ORDER BY names the selected column's label", () => {
    const ua = aliased(LUser);
    expect(orm(select(LUser).orderBy(LUser.ead)).sql).toBe(
      "SELECT users_l.id, users_l.name, (SELECT max(addresses.email_address) AS max_1 FROM addresses WHERE addresses.user_id = users_l.id) AS email_ad FROM users_l ORDER BY email_ad",
    );
    expect(orm(select(ua).orderBy(ua.ead)).sql).toBe(
      "SELECT users_l_1.id, users_l_1.name, (SELECT max(addresses.email_address) AS max_1 FROM addresses WHERE addresses.user_id = users_l_1.id) AS anon_1 FROM users_l AS users_l_1 ORDER BY anon_1",
    );
    expect(orm(select(ua.ead).orderBy(ua.ead)).sql).toBe(
      "SELECT (SELECT max(addresses.email_address) AS max_1 FROM addresses, users_l AS users_l_1 WHERE addresses.user_id = users_l_1.id) AS anon_1 ORDER BY anon_1",
    );
  });

  it("test_order_by_column_unlabeled_prop_attr_aliased_three: two anonymous columns, named in ORDER BY", () => {
    const ua = aliased(User);
    expect(orm(select(User.count, ua.count).orderBy(User.count, ua.count)).sql).toBe(
      "SELECT (SELECT count(addresses.id) AS count_1 FROM addresses, users WHERE users.id = addresses.user_id) AS anon_1, " +
        "(SELECT count(addresses.id) AS count_1 FROM addresses, users AS users_1 WHERE users_1.id = addresses.user_id) AS anon_2 ORDER BY anon_1, anon_2",
    );

  });

  it("test_order_by_column_labeled_prop_attr_aliased_three: ORDER BY the class's and the alias's", () => {
    const ua = aliased(LUser);
    expect(orm(select(LUser.ead, ua.ead).orderBy(LUser.ead, ua.ead)).sql).toBe(
      "SELECT (SELECT max(addresses.email_address) AS max_1 FROM addresses, users_l WHERE addresses.user_id = users_l.id) AS email_ad, " +
        "(SELECT max(addresses.email_address) AS max_1 FROM addresses, users_l AS users_l_1 WHERE addresses.user_id = users_l_1.id) AS anon_1 ORDER BY email_ad, anon_1",
    );
    expect(orm(select(LUser, ua).orderBy(LUser.ead, ua.ead.desc())).sql).toBe(
      "SELECT users_l.id, users_l.name, (SELECT max(addresses.email_address) AS max_1 FROM addresses WHERE addresses.user_id = users_l.id) AS email_ad, " +
        "users_l_1.id AS id_1, users_l_1.name AS name_1, (SELECT max(addresses.email_address) AS max_1 FROM addresses WHERE addresses.user_id = users_l_1.id) AS anon_1 " +
        "FROM users_l, users_l AS users_l_1 ORDER BY email_ad, anon_1 DESC",
    );
  });

  it("test_col_prop_builtin_function: WHERE repeats the expression, ORDER BY names its label", () => {
    class Base extends DeclarativeBase {}
    class Foo extends Base.model("users", {
      id: mappedColumn(Integer, { primaryKey: true }),
      name: mappedColumn(String(30)),
    }) {
      static foob = columnProperty(() => func.coalesce(Foo.name));
      declare readonly foob: string;
    }
    expect(orm(select(Foo).where(Foo.foob.eq("somename")).orderBy(Foo.foob)).sql).toBe(
      "SELECT users.id, users.name, coalesce(users.name) AS coalesce_1 FROM users WHERE coalesce(users.name) = :param_1 ORDER BY coalesce_1",
    );
  });

  it("test_order_by_column_prop_attr_non_present: a deferred expression is repeated in ORDER BY", () => {
    expect(orm(select(LUser).options(defer(LUser.ead)).orderBy(LUser.ead)).sql).toBe(
      "SELECT users_l.id, users_l.name FROM users_l ORDER BY (SELECT max(addresses.email_address) AS max_1 FROM addresses WHERE addresses.user_id = users_l.id)",
    );
  });

  it("test_with_expr_one: withExpression() and a queryExpression default are anonymous", () => {
    const { sql, params } = orm(select(QUser).options(withExpression(QUser.value, QUser.name.concat("foo"))));
    expect(sql).toBe("SELECT users_q.id, users_q.name, users_q.name || :name_1 AS anon_1, :param_1 AS anon_2 FROM users_q");
    expect(params).toEqual({ name_1: "foo", param_1: 15 });
  });
});

describe("test_joinedload_hard_labeled_selfref: a labelled expression of a joined eager alias", () => {
  it("renders anonymously after its function on the alias, under the user's label on the table", () => {
    class Base extends DeclarativeBase {}
    class A extends Base.model("a", {
      id: mappedColumn(Integer, { primaryKey: true }),
      a_id: mappedColumn(ForeignKey("a.id"), { nullable: true }),
      data: mappedColumn(String(30), { nullable: true }),
    }) {
      static data_lower = columnProperty(() => func.lower(A.data).label("hardcoded"));
      declare readonly data_lower: string | null;
      static as_ = relationship(() => A);
      declare as_: A[];
    }
    expect(orm(select(A).options(joinedload(A.as_))).sql).toBe(
      "SELECT a.id, a.a_id, a.data, lower(a.data) AS hardcoded, a_1.id AS id_1, a_1.a_id AS a_id_1, a_1.data AS data_1, lower(a_1.data) AS lower_1 " +
        "FROM a LEFT OUTER JOIN a AS a_1 ON a.id = a_1.a_id",
    );
  });
});

describe.each(dialectTargets())("expression attributes load by position on $name", (target) => {
  const users = uniqueName("sa9b_users");
  const addresses = uniqueName("sa9b_addresses");
  const { Base, User, Address, LUser } = fixtures(users, addresses);
  const log = useSqlLog(target, Base.metadata);

  it("select(User, aliased(User)): each entity gets its own values from its anonymous columns", async () => {
    await log.engine.begin(async (c) => {
      await c.execute(insert(User.__table__), [{ id: 7, name: "jack" }, { id: 8, name: "ed" }]);
      await c.execute(insert(LUser.__table__), [{ id: 7, name: "jack" }]);
      await c.execute(insert(Address.__table__), [
        { id: 1, user_id: 8, email_address: "ed@wood.com" },
        { id: 2, user_id: 8, email_address: "ed@lala.com" },
        { id: 3, user_id: 7, email_address: "jack@bean.com" },
      ]);
    });
    await using s = new AsyncSession(log.engine);
    const ua = aliased(User);
    log.reset();
    const rows = (await s.execute(select(User, ua).where(ua.id.ne(User.id)).orderBy(User.id))).all();
    // PostgreSQL casts the integer bind of `id * 2`; `id_2`: labels and bind names share a counter.
    const int = target.dialect === "postgresql" ? "::INTEGER" : "";
    expect(log.sent.map(([sql]) => sql.replace(/\n/g, ""))).toEqual([
      `SELECT ${users}.id, ${users}.name, ${users}.id * ?${int} AS anon_1, (SELECT count(${addresses}.id) AS count_1 FROM ${addresses} WHERE ${users}.id = ${addresses}.user_id) AS anon_2, ` +
        `${users}_1.id AS id_2, ${users}_1.name AS name_1, ${users}_1.id * ?${int} AS anon_3, (SELECT count(${addresses}.id) AS count_1 FROM ${addresses} WHERE ${users}_1.id = ${addresses}.user_id) AS anon_4 ` +
        `FROM ${users}, ${users} AS ${users}_1 WHERE ${users}_1.id != ${users}.id ORDER BY ${users}.id`,
    ]);
    expect(log.sent[0][1]).toEqual([2, 2]);
    expect(rows.map(([u, v]) => [u.name, u.concat, Number(u.count), v.name, v.concat, Number(v.count)])).toEqual([
      ["jack", 14, 1, "ed", 16, 2],
      ["ed", 16, 2, "jack", 14, 1],
    ]);
    // ORDER BY the selected column's anonymous label runs on the database.
    log.reset();
    const byCount = (await s.scalars(select(User).orderBy(User.count.desc()))).all();
    expect(byCount.map((u) => u.name)).toEqual(["ed", "jack"]);
    expect(log.sent[0][0].replace(/\n/g, "")).toMatch(/ AS anon_2 FROM \S+ ORDER BY anon_2 DESC$/);
    // LIMIT with a joined collection nests the parents: the expressions go inside the subquery
    // under anonymous names, which the outer SELECT reads (test_with_expr_four's shape).
    log.reset();
    const limited = (await s.execute(select(User).orderBy(User.id.desc()).limit(1).options(joinedload(User.addresses)))).unique().scalars().all();
    expect(log.sent[0][0].replace(/\n/g, "")).toBe(
      `SELECT anon_1.id, anon_1.name, anon_1.anon_2, anon_1.anon_3, ${addresses}_1.id AS id_1, ${addresses}_1.user_id, ${addresses}_1.email_address ` +
        `FROM (SELECT ${users}.id AS id, ${users}.name AS name, ${users}.id * ?${int} AS anon_2, (SELECT count(${addresses}.id) AS count_1 FROM ${addresses} WHERE ${users}.id = ${addresses}.user_id) AS anon_3 ` +
        `FROM ${users} ORDER BY ${users}.id DESC LIMIT ?) AS anon_1 LEFT OUTER JOIN ${addresses} AS ${addresses}_1 ON anon_1.id = ${addresses}_1.user_id ORDER BY anon_1.id DESC, ${addresses}_1.id`,
    );
    expect(limited.map((u) => [u.name, u.concat, Number(u.count), u.addresses.map((a) => a.email_address)])).toEqual([["ed", 16, 2, ["ed@wood.com", "ed@lala.com"]]]);
    // fromStatement(): an ORM statement's anonymous columns are matched as the same expressions;
    // a text() statement names them by the attribute key.
    s.expungeAll();
    const fromOrm = (await s.scalars(select(User).fromStatement(select(User).where(User.id.eq(8))))).one();
    expect([fromOrm.concat, Number(fromOrm.count)]).toEqual([16, 2]);
    s.expungeAll();
    const fromText = (await s.scalars(select(User).fromStatement(text(`SELECT id, name, id * 3 AS concat, 5 AS count FROM ${users} WHERE id = 7`)))).one();
    expect([fromText.concat, Number(fromText.count)]).toEqual([21, 5]);
    const labelled = (await s.scalars(select(LUser))).one();
    expect(labelled.ead).toBe("jack@bean.com");
    // The attribute selected alone: the row names its value by the attribute's key.
    const r = (await s.execute(select(User.count).where(User.id.eq(8)))).one();
    expect(Number(r._mapping.get("count"))).toBe(2);
  });
});

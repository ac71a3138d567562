/**
 * SQLAlchemy's test/orm/test_cache_key.py, CacheKeyTest and PolyCacheKeyTest: ORM statements,
 * attributes, aliased entities, relationship comparators and loader options get structural
 * cache keys (`generateCacheKey()`, SQLAlchemy's `_generate_cache_key()`) that tell apart every
 * variant within a group, and equal keys (with equal bound values) when a variant is built again.
 * The live half (RoundTripTest, WithExpresionLoaderOptTest) is in sa10-orm-cache-key-live.test.ts.
 *
 * Adapted:
 * - SQLAlchemy keys mappers, AliasedInsp, options and relationship attributes as objects of their
 *   own; athanor keys ClauseElements only, so an entity is keyed as `select(entity)`, an option
 *   as `select(User).options(opt)` and a relationship attribute as the join / EXISTS it makes.
 * - `Query` is 2.0 `select()` (SQLAlchemy's `stmt_20()` turns each Query into one too).
 * - SQLAlchemy's keys carry ORM annotations that change neither SQL nor loading (which entity a
 *   `with_entities()` replaced, test #6503's `_MemoizedSelectEntities`; `join(Address, rel)` vs
 *   `join(rel)`; the `wp.Engineer.name` namespace of a non-aliased with_polymorphic, which is
 *   `people.name` as `wp.name` is). athanor's key describes the statement that is run: those
 *   pairs are asserted to key EQUAL, and to compile to the same SQL.
 * - `withLoaderCriteria()` with a function is keyed by the expression it returns for the entity
 *   (SQLAlchemy analyses the lambda's closure): equal keys, different bound values
 *   (test_loader_criteria_bound_param_thing).
 * - Not in athanor, so skipped: Bundle (test_bundles_*), subqueryload, lazyload as an option
 *   (athanor's default is raise; `defaultload` keeps the relationship's own loader),
 *   CacheableOptions (test_options), `with_polymorphic(flat=, innerjoin=, selectable=,
 *   polymorphic_on=, adapt_on_names=, _use_mapper_path=)`, `with_loader_criteria()` on an
 *   unmapped mixin class (Foo), hybrid_property (test_hybrid_w_case_ac), composite()
 *   (CompositeTest), concrete inheritance (EmbeddedSubqTest), Query.from_statement on a Query,
 *   and an aliased class mapped onto a selectable of another table
 *   (`aliased(User, addresses.select())`).
 */
import { describe, expect, it } from "vitest";
import {
  aliased, and, containsEager, defaultload, defer, func, generateCacheKey, joinedload, Load, loadOnly, noload, null_, raiseload, select, selectinload,
  text, true_, undefer, withExpression, withLoaderCriteria, withPolymorphic, type ClauseElement, type Select,
} from "athanor";
import { DeclarativeBase, ForeignKey, Integer, mappedColumn, queryExpression, relationship, String } from "athanor";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { stdFixtures } from "./sa3-models.js";
import { definePolyModels } from "../mapping/poly-fixtures.js";

/** SQLAlchemy's `_run_cache_key_fixture(fn, compare_values=True)`. */
function runCacheKeyFixture(build: () => readonly ClauseElement[]): void {
  const a = build().map((e) => generateCacheKey(e));
  const b = build().map((e) => generateCacheKey(e));
  const same: string[] = [];
  for (let i = 0; i < a.length; i++) for (let j = i + 1; j < a.length; j++) if (a[i].key === a[j].key) same.push(`${i}=${j}`);
  expect(same, "variants with equal keys").toEqual([]);
  for (let i = 0; i < a.length; i++) {
    expect(b[i].key, `variant ${i} built again`).toBe(a[i].key);
    expect(b[i].binds.map((p) => p.value), `bound values of variant ${i}`).toEqual(a[i].binds.map((p) => p.value));
  }
}
/** ORM-planned SQL, as the session sends it. */
function ormSql(stmt: Select): string {
  return planOrmSelect(stmt).stmt.compile().sql;
}
/**
 * Keys the same, and the same planned SQL: SQLAlchemy tells these apart by annotations that
 * change neither SQL nor loading in athanor.
 */
function expectSameKey(x: Select, y: Select): void {
  expect(ormSql(x)).toBe(ormSql(y));
  expect(generateCacheKey(x).key).toBe(generateCacheKey(y).key);
}

const f = stdFixtures();
const { User, Address, Dingaling, Order, Item } = f;

class XBase extends DeclarativeBase {}
class A extends XBase.model("a", {
  id: mappedColumn(Integer, { primaryKey: true }),
  data: mappedColumn(String(30), { nullable: true }),
}) {
  static bs = relationship(() => B, { orderBy: () => B.id });
  declare bs: B[];
}
class B extends XBase.model("b", {
  id: mappedColumn(Integer, { primaryKey: true }),
  a_id: mappedColumn(ForeignKey("a.id"), { nullable: true }),
  data: mappedColumn(String(30), { nullable: true }),
}) {
  static boolean = queryExpression<boolean>();
  declare readonly boolean: boolean | null;
}

describe("test_cache_key.py CacheKeyTest", () => {
  it("test_mapper_and_aliased", () => {
    runCacheKeyFixture(() => [
      select(User),
      select(Address),
      select(aliased(User)),
      select(aliased(aliased(User), select(User.__table__).subquery())),
      select(aliased(Address)),
      select(aliased(Address, select(Address.__table__).subquery())),
      select(aliased(User, "foo")),
    ]);
  });

  it("test_attributes", () => {
    runCacheKeyFixture(() => [
      User.id,
      Address.id,
      aliased(User).id,
      aliased(User, "foo").id,
      aliased(User, "bar").id,
      User.name,
      Address.email_address,
    ]);
    // Relationship attributes, keyed as what they render.
    runCacheKeyFixture(() => {
      const ua = aliased(User);
      return [select(User).join(User.addresses), select(ua).join(ua.addresses), select(User.id).where(User.addresses.any()), select(User.id).where(aliased(User).addresses.any())];
    });
  });

  it("test_query_expr: withExpression / Load(User).withExpression", () => {
    runCacheKeyFixture(() => [
      select(B).options(withExpression(B.boolean, true_())),
      select(B).options(withExpression(B.boolean, null_())),
      select(B).options(withExpression(B.boolean, func.foobar())),
      select(B).options(withExpression(B.boolean, B.data.eq("test"))),
      select(B).options(withExpression(B.boolean, and(B.data.eq("test"), B.id.gt(1)))),
      select(B),
    ]);
  });

  it("test_loader_criteria", () => {
    runCacheKeyFixture(() => [
      select(User).options(withLoaderCriteria(User, User.name.ne("somename"))),
      select(User).options(withLoaderCriteria(User, User.id.ne(5))),
      select(User).options(withLoaderCriteria(User, (cls) => cls.id.eq(10))),
      select(User).options(withLoaderCriteria(User, (cls) => cls.id.eq(10), { includeAliases: true })),
      select(User).options(withLoaderCriteria(Address, Address.id.ne(5))),
      select(User),
    ]);
  });

  it("test_loader_criteria_bound_param_thing", () => {
    const go = (param: number): Select => select(User).options(withLoaderCriteria(User, (cls) => cls.id.eq(param)));
    const ck1 = generateCacheKey(go(10));
    const ck2 = generateCacheKey(go(20));
    expect(ck1.key).toBe(ck2.key);
    expect(ck1.binds.map((b) => b.value)).toEqual([10]);
    expect(ck2.binds.map((b) => b.value)).toEqual([20]);
  });

  it("test_instrumented_attributes (relationships: joins and joinedload)", () => {
    runCacheKeyFixture(() => [
      select(User).join(User.addresses),
      select(User).join(User.addresses.ofType(aliased(Address))),
      select(User).join(User.orders),
      select(User).join(User.orders.and(Order.id.ne(5))),
      select(User).join(User.orders.and(Order.description.ne("somename"))),
    ]);
    runCacheKeyFixture(() => [
      select(User).options(joinedload(User.addresses)),
      select(User).options(joinedload(User.orders)),
      select(User).options(joinedload(User.orders.and(Order.id.ne(5)))),
      select(User).options(joinedload(User.orders.and(Order.description.ne("somename")))),
    ]);
  });

  it("test_unbound_options", () => {
    runCacheKeyFixture(() => [
      select(User).options(joinedload(User.addresses)),
      select(User).options(joinedload(User.orders)),
      select(User).options(joinedload(User.orders.and(Order.id.ne(5)))),
      select(User).options(joinedload(User.orders.and(Order.id.eq(5)))),
      select(User).options(joinedload(User.orders.and(Order.description.ne("somename")))),
      select(User).options(joinedload(User.orders).selectinload(Order.items)),
      select(User).options(defer(User.id)),
      select(User).options(defer("*")),
      select(User).options(defer(Address.id)),
      select(User).options(selectinload(User.orders)),
      select(User).options(joinedload(User.addresses).defer(Address.id)),
      select(User).options(joinedload(User.orders).joinedload(Order.items)),
      select(User).options(selectinload(User.orders).selectinload(Order.items)),
      select(User).options(selectinload(User.orders).selectinload(Order.items).defer(Item.description)),
      select(User).options(defaultload(User.orders).defaultload(Order.items)),
      select(User).options(defaultload(User.orders)),
      // athanor's own option settings
      select(User).options(joinedload(User.orders, { innerJoin: true })),
      select(User).options(selectinload(User.orders, { chunksize: 2 })),
      select(User).options(selectinload(User.orders, { chunksize: 3 })),
      select(User).options(raiseload(User.orders)),
      select(User).options(raiseload(User.orders, { sqlOnly: true })),
      select(User).options(noload(User.orders)),
      select(User).options(raiseload("*")),
      select(User).options(noload("*")),
      select(User).options(defer(User.name)),
      select(User).options(defer(User.name, { raiseload: true })),
      select(User).options(undefer(User.name)),
      select(User).options(loadOnly(User.name)),
      select(User).options(loadOnly(User.id)),
      select(User).options(selectinload(User.orders), selectinload(User.addresses)),
      select(User).options(selectinload(User.addresses), selectinload(User.orders)),
      select(User),
    ]);
  });

  it("test_unbound_options: variants athanor loads the same way", () => {
    // joinedload() joins an anonymous alias of its own whatever ofType(aliased()) names (only
    // containsEager reads from the given alias), and an option path is matched by relationship.
    expectSameKey(select(User).options(joinedload(User.addresses)), select(User).options(joinedload(User.addresses.ofType(aliased(Address)))));
    expectSameKey(select(User).options(joinedload(User.addresses).defer(Address.id)), select(User).options(joinedload(aliased(User).addresses).defer(Address.id)));
  });

  it("test_unbound_sub_options (#6869)", () => {
    runCacheKeyFixture(() => [
      select(User).options(joinedload(User.addresses).options(joinedload(Address.dingaling))),
      select(User).options(joinedload(User.addresses).options(joinedload(Address.dingaling).options(loadOnly(Dingaling.id)))),
      select(User).options(joinedload(User.orders).options(joinedload(Order.items).options(joinedload(Item.keywords)))),
      select(User).options(joinedload(User.orders).options(joinedload(Order.items).options(selectinload(Item.keywords)))),
    ]);
  });

  it("test_bound_options", () => {
    const a1 = aliased(Address);
    runCacheKeyFixture(() => [
      select(User).options(new Load(User).joinedload(User.addresses)),
      select(User).options(new Load(User).joinedload(User.orders)),
      select(User).options(new Load(User).joinedload(User.orders.and(Order.id.ne(5)))),
      select(User).options(new Load(User).joinedload(User.orders.and(Order.description.ne("somename")))),
      select(User).options(new Load(User).defer(User.id)),
      select(User).options(new Load(User).selectinload(User.addresses)),
      select(User).options(new Load(Address).defer(Address.id)),
      select(User).options(new Load(Address).defer("*")),
      select(User).options(new Load(a1).defer(a1.id)),
      select(User).options(new Load(User).joinedload(User.addresses).defer(Address.id)),
      select(User).options(new Load(User).joinedload(User.orders).joinedload(Order.items)),
      select(User).options(new Load(User).joinedload(User.orders).selectinload(Order.items)),
      select(User).options(new Load(User).selectinload(User.orders).selectinload(Order.items)),
      select(User).options(new Load(User).selectinload(User.orders).selectinload(Order.items).defer(Item.description)),
      select(User).options(new Load(User).defaultload(User.orders).defaultload(Order.items)),
      select(User).options(new Load(User).defaultload(User.orders)),
      select(User).options(new Load(Address).raiseload("*")),
      select(User).options(new Load(Address).raiseload(Address.user)),
      select(User).options(joinedload(User.addresses)),
    ]);
  });

  it("containsEager: the alias read from is part of the key", () => {
    runCacheKeyFixture(() => {
      const a1 = aliased(Address, "a1");
      const a2 = aliased(Address, "a2");
      return [
        select(User).join(User.addresses).options(containsEager(User.addresses)),
        select(User).join(User.addresses.ofType(a1)).options(containsEager(User.addresses.ofType(a1))),
        select(User).join(User.addresses.ofType(a1)).options(containsEager(User.addresses, { alias: a2 })),
        select(User).join(User.addresses),
      ];
    });
  });

  it("test_selects_w_orm_joins", () => {
    const a1 = aliased(Address);
    runCacheKeyFixture(() => [
      select(User).join(User.addresses),
      select(User).join(User.orders),
      select(User).join(User.addresses).join(User.orders),
      select(User).join(a1, User.addresses),
      select(User).join(User.addresses.and(Address.email_address.eq("foo"))),
      select(User).join(Address, User.addresses).joinFrom(User, Order),
      select(User).join(Address, User.addresses).joinFrom(User, Order, User.orders),
      select(User.id, Order.id).selectFrom(User).join(User.orders),
    ]);
    expectSameKey(select(User).join(Address, User.addresses), select(User).join(User.addresses));
    expectSameKey(select(User).join(User.addresses.ofType(a1)), select(User).join(a1, User.addresses));
  });

  it("test_orm_query_w_orm_joins", () => {
    const a1 = aliased(Address);
    runCacheKeyFixture(() => [
      select(User).join(User.addresses),
      select(User).join(User.orders),
      select(User).join(User.addresses).join(User.orders),
      select(User).join(User.addresses).join(Address.dingaling),
      select(User).join(User.addresses.ofType(a1)),
    ]);
  });

  it("test_orm_query_using_with_entities (#6503)", () => {
    runCacheKeyFixture(() => [
      select(User).join(User.addresses).withOnlyColumns(Address.id),
      select(User).options(selectinload(User.addresses)).withOnlyColumns(User.id),
      select(User).options(selectinload(User.addresses)),
      select(User).withOnlyColumns(User.id),
      select(Address, Order).join(Address.dingaling).withOnlyColumns(Address.id),
    ]);
    expectSameKey(select(User).join(User.addresses).withOnlyColumns(Address.id), select(Address.id).join(User.addresses));
    // SQLAlchemy's _MemoizedSelectEntities keys the replaced Order / User; the statements are the same.
    const q5 = select(Address, Order).join(Address.dingaling).withOnlyColumns(Address.id);
    const q6 = select(Address, User).join(Address.dingaling).withOnlyColumns(Address.id);
    expectSameKey(q5, q6);
  });

  it("test_more_with_entities_sanity_checks", () => {
    expectSameKey(select(Address, Order).withOnlyColumns(Address.id), select(Address, User).withOnlyColumns(Address.id));
    expectSameKey(select(Order).withOnlyColumns(Address.id), select(User).withOnlyColumns(Address.id));
  });

  it("test_orm_query_from_statement", () => {
    runCacheKeyFixture(() => [
      select(User).fromStatement(text("select * from user")),
      select(User).options(selectinload(User.addresses)).fromStatement(text("select * from user")),
      select(User).fromStatement(text("select * from user order by id")),
      select(User.id).fromStatement(text("select * from user")),
      select(User).fromStatement(select(User).where(User.id.eq(7))),
      select(User).fromStatement(select(User).where(User.name.eq("ed"))),
    ]);
  });

  it("test_orm_query_basic", () => {
    const a1 = aliased(Address);
    runCacheKeyFixture(() => [
      select(User),
      select(User).prefixWith("foo"),
      select(User).filterBy({ name: "ed" }),
      select(User).filterBy({ name: "ed" }).orderBy(User.id),
      select(User).filterBy({ name: "ed" }).orderBy(User.name),
      select(User).filterBy({ name: "ed" }).groupBy(User.id),
      select(User).join(User.addresses).where(User.name.eq("ed")),
      select(User).join(User.orders),
      select(User).join(User.orders).where(Order.description.eq("adsf")),
      select(User).join(User.addresses).join(User.orders),
      select(User).join(Address, User.addresses),
      select(User).join(a1, User.addresses),
      select(Address).join(Address.user),
      select(User, Address).filterBy({ name: "ed" }),
      select(User, a1).filterBy({ name: "ed" }),
    ]);
  });
});

describe("test_cache_key.py PolyCacheKeyTest", () => {
  const m = definePolyModels("sa10ck");
  const { Company, Person, Engineer, Manager, Boss } = m;

  it("test_wp_objects", () => {
    runCacheKeyFixture(() => [
      select(withPolymorphic(Person, [Manager, Engineer])),
      select(withPolymorphic(Person, [Manager])),
      select(withPolymorphic(Person, [Manager, Engineer, Boss])),
      select(withPolymorphic(Person, [Manager, Engineer], { aliased: true })),
      select(withPolymorphic(Person, [Engineer, Manager])),
    ]);
  });

  it("test_wpoly_cache_keys", () => {
    runCacheKeyFixture(() => [
      select(Person),
      select(aliased(Person)),
      select(withPolymorphic(Person, [Manager, Engineer])),
      select(withPolymorphic(Person, [Manager, Engineer], { aliased: true })),
      select(withPolymorphic(Person, [Manager, Engineer, Boss])),
      select(withPolymorphic(Person, [Manager, Engineer, Boss], { aliased: true })),
      select(withPolymorphic(Person, "*", { name: "foo" })),
      select(withPolymorphic(Person, "*", { name: "bar" })),
    ]);
  });

  it("test_wp_queries", () => {
    runCacheKeyFixture(() => {
      const two = withPolymorphic(Person, [Manager, Engineer]);
      const three = withPolymorphic(Person, [Manager, Engineer]);
      const threeA = withPolymorphic(Person, [Manager, Engineer], { aliased: true });
      return [select(two), select(three).where(three.name.eq("asdfo")), select(threeA).where(threeA.name.eq("asdfo"))];
    });
  });

  it("test_wp_joins", () => {
    runCacheKeyFixture(() => {
      const wp = withPolymorphic(Person, [Manager, Engineer]);
      const wpa = withPolymorphic(Person, [Manager, Engineer], { aliased: true });
      return [
        select(Company).join(Company.employees).where(Person.name.eq("asdf")),
        select(Company).join(Company.employees.ofType(wp)).where(wp.name.eq("asdf")),
        select(Company).join(Company.employees.ofType(wpa)).where(wpa.name.eq("asdf")),
        select(Company).join(Company.employees.ofType(wpa)).where(wpa.of(Engineer).engineerName.eq("asdf")),
        select(Company).join(Company.employees.ofType(Engineer)).where(Engineer.engineerName.eq("asdf")),
      ];
    });
    // wp.Engineer.name of a non-aliased with_polymorphic is people.name, as wp.name is.
    const wp = withPolymorphic(Person, [Manager, Engineer]);
    expectSameKey(
      select(Company).join(Company.employees.ofType(wp)).where(wp.name.eq("asdf")),
      select(Company).join(Company.employees.ofType(wp)).where(wp.of(Engineer).name.eq("asdf")),
    );
  });
});

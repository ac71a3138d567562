/**
 * SQLAlchemy's test/orm/test_query.py run against PostgreSQL and SQLite on the standard fixture
 * (users, addresses, orders, items, keywords), in 2.0 `select()` form: FilterTest (rows of
 * any / has / contains / comparisons to objects and None, LIMIT / OFFSET, bound LIMIT),
 * SetOpsTest (union / intersect of entity selects loaded through `aliased(User, union)`,
 * joinedload over a union), AggregateTest, CountTest (`*_future` forms), DistinctTest
 * (round trips, joinedload with DISTINCT and LIMIT in one statement), SliceTest (first(),
 * LIMIT / OFFSET with a joined eager load), ExpressionTest (IN subqueries, bound parameters in
 * a scalar subquery), ParentTest (withParent() rows and its errors), ExistsTest and
 * ImmediateTest (one() / oneOrNone()), ExecutionOptionsTest (populateExisting) and RowLabelingTest (row keys under each label style,
 * executed through Core and through the session).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aliased, ArgumentError, AsyncSession, bindparam, desc, distinct, exists, func, intersect, joinedload, LABEL_STYLE_DISAMBIGUATE_ONLY, LABEL_STYLE_NONE, LABEL_STYLE_TABLENAME_PLUS_COL, literal, not,
  InvalidRequestError, MultipleResultsFound, NoResultFound, null_, select, type Select, true_, union, withParent, type ColumnElement, type Condition,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "../loading/models.js";
import { stdFixtures } from "./sa3-models.js";

describe.each(dialectTargets())("test_query.py on $name", (target) => {
  const p = uniqueName("sa7d");
  const f = stdFixtures(`${p}_`);
  const { User, Address, Dingaling, Order, Item } = f;
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target, f.Base);
    await db.engine.begin((conn) => f.insertData(conn));
  });
  afterAll(async () => {
    await db.cleanup();
  });
  const idsOf = (xs: readonly { id: number }[]): number[] => xs.map((x) => x.id);
  /** SELECT statements sent while `fn` runs. */
  async function selectsDuring(fn: () => Promise<void>): Promise<string[]> {
    const before = db.selects().length;
    await fn();
    return db.selects().slice(before).map(f.sqlText);
  }

  describe("FilterTest", () => {
    it("test_basic / test_one_filter", async () => {
      await using s = db.session();
      expect(idsOf((await s.scalars(select(User).orderBy(User.id))).all())).toEqual([7, 8, 9, 10]);
      expect(idsOf((await s.scalars(select(User).where(User.name.endsWith("ed")).orderBy(User.id))).all())).toEqual([8, 9]);
    });

    it("test_limit_offset", async () => {
      await using s = db.session();
      const q = select(User).orderBy(User.id);
      expect(idsOf((await s.scalars(q.limit(2).offset(1))).all())).toEqual([8, 9]);
      expect(idsOf((await s.scalars(q.slice(1, 3))).all())).toEqual([8, 9]);
      expect(idsOf((await s.scalars(q.slice(3, 3))).all())).toEqual([]);
      expect(idsOf((await s.scalars(q.slice(0, 0))).all())).toEqual([]);
      expect(() => q.slice(-5, -2)).toThrow(ArgumentError);
    });

    it("test_select_with_bindparam_offset_limit", async () => {
      await using s = db.session();
      const q1 = select(User).orderBy(User.id).limit(bindparam("n"));
      for (const n of [1, 2, 3]) expect((await s.scalars(q1, { n })).all()).toHaveLength(n);
      const q2 = select(User).orderBy(User.id).limit(bindparam("limit")).offset(bindparam("offset"));
      expect(idsOf((await s.scalars(q2, { limit: 2, offset: 1 })).all())).toEqual([8, 9]);
    });

    it("test_exists", async () => {
      await using s = db.session();
      expect(await s.scalar(select(exists().where(User.id.eq(9))))).toBe(true);
      expect(await s.scalar(select(exists().where(User.id.eq(29))))).toBe(false);
    });

    it("test_contains: a collection contains an object; == null is NOT EXISTS", async () => {
      await using s = db.session();
      const address = (await s.get(Address, 3))!;
      expect(idsOf((await s.scalars(select(User).where(User.addresses.contains(address)))).all())).toEqual([8]);
      expect(() => User.addresses.eq(address)).toThrow(/can't compare a collection to an object/);
      expect(idsOf((await s.scalars(select(User).where(User.addresses.eq(null)))).all())).toEqual([10]);
    });

    it("test_any / test_any_doesnt_overcorrelate", async () => {
      await using s = db.session();
      const q = (c: ReturnType<typeof User.addresses.any>) => select(User).where(c).orderBy(User.id);
      expect(idsOf((await s.scalars(q(User.addresses.any(Address.email_address.like("%ed%"))))).all())).toEqual([8, 9]);
      // SQLAlchemy's keyword criteria (`any(crit, id=4)`): the comparator's filterBy argument.
      const anyBy = (crit: ColumnElement<boolean> | undefined, by: Record<string, unknown>) => User.addresses.any(crit, by);
      expect(idsOf((await s.scalars(q(anyBy(Address.email_address.like("%ed%"), { id: 4 })))).all())).toEqual([8]);
      expect(idsOf((await s.scalars(q(anyBy(undefined, { email_address: "fred@fred.com" })))).all())).toEqual([9]);
      expect(() => anyBy(undefined, { foo: 1 })).toThrow(new InvalidRequestError('User.addresses.any(): Entity namespace for "Address" has no property "foo"'));
      const both = select(User).where(User.addresses.any(Address.email_address.like("%ed%"))).where(anyBy(undefined, { id: 4 }));
      expect(idsOf((await s.scalars(both)).all())).toEqual([8]);
      // The EXISTS is not adapted to an alias joined in the enclosing query, nor correlated to it.
      const ua = aliased(Address);
      const viaAlias = select(User).join(User.addresses.ofType(ua)).where(not(User.addresses.any(Address.email_address.eq("fred@fred.com")))).orderBy(User.id);
      expect(idsOf((await s.scalars(viaAlias)).unique().all())).toEqual([7, 8]);
      const outer = select(User).outerjoin(User.addresses.ofType(ua)).where(not(User.addresses.any()));
      expect(idsOf((await s.scalars(outer)).all())).toEqual([10]);
      const plain = select(User).join(User.addresses).where(not(User.addresses.any(Address.email_address.eq("fred@fred.com")))).orderBy(User.id);
      expect(idsOf((await s.scalars(plain)).unique().all())).toEqual([7, 8]);
    });

    it("test_has", async () => {
      await using s = db.session();
      const ids = async (stmt: ReturnType<typeof select<[typeof Address]>>) => idsOf((await s.scalars(stmt.orderBy(Address.id))).all());
      // SQLAlchemy's keyword criteria (`has(name="fred")`) are the filterBy record.
      const hasBy = (crit: ColumnElement<boolean> | undefined, by: Record<string, unknown>) => Address.user.has(crit, by);
      expect(await ids(select(Address).where(Address.user.has({ name: "fred" })))).toEqual([5]);
      expect(await ids(select(Address).where(Address.user.has(User.name.like("%ed%"))))).toEqual([2, 3, 4, 5]);
      expect(await ids(select(Address).where(hasBy(User.name.like("%ed%"), { id: 8 })))).toEqual([2, 3, 4]);
      expect(await ids(select(Address).join(Address.user).where(hasBy(User.name.like("%ed%"), { id: 8 })))).toEqual([2, 3, 4]);
      const ua = aliased(User);
      expect(await ids(select(Address).join(Address.user.ofType(ua)).where(hasBy(User.name.like("%ed%"), { id: 8 })))).toEqual([2, 3, 4]);
      const dingaling = (await s.get(Dingaling, 2))!;
      expect(idsOf((await s.scalars(select(User).where(User.addresses.any(Address.dingaling.eq(dingaling))))).all())).toEqual([9]);
    });

    it("test_contains_m2m", async () => {
      await using s = db.session();
      const item = (await s.get(Item, 3))!;
      expect(idsOf((await s.scalars(select(Order).where(Order.items.contains(item)).orderBy(Order.id))).all())).toEqual([1, 2, 3]);
      expect(idsOf((await s.scalars(select(Order).where(not(Order.items.contains(item))).orderBy(Order.id))).all())).toEqual([4, 5]);
      // The negation is NOT EXISTS through the association table (SQLAlchemy's negation_clause;
      // SQLAlchemy lists `FROM items, order_items`, athanor's EXISTS the association table first).
      expect(f.sqlText(select(Order.id).where(not(Order.items.contains(item))).compile().sql)).toBe(
        "SELECT orders.id FROM orders WHERE NOT (EXISTS (SELECT 1 FROM order_items, items WHERE orders.id = order_items.order_id " +
          "AND items.id = order_items.item_id AND items.id = :id_1))",
      );
    });

    it("test_object_comparison", async () => {
      await using s = db.session();
      const user = (await s.get(User, 8))!;
      const addrs = async (c: ReturnType<typeof Address.user.eq>) => idsOf((await s.scalars(select(Address).where(c).orderBy(Address.id))).all());
      expect(await addrs(Address.user.eq(user))).toEqual([2, 3, 4]);
      expect(await addrs(Address.user.ne(user))).toEqual([1, 5]);
      expect(await addrs(Address.user.eq(null))).toEqual([]);
      expect(idsOf((await s.scalars(select(Order).where(Order.address.eq(null)))).all())).toEqual([5]);
      const dingaling = (await s.get(Dingaling, 2))!;
      expect(await addrs(Address.dingaling.eq(dingaling))).toEqual([5]);
      expect(idsOf((await s.scalars(select(Item).where(Item.keywords.eq(null)).orderBy(Item.id))).all())).toEqual([4, 5]);
      expect(idsOf((await s.scalars(select(Item).where(Item.keywords.ne(null)).orderBy(Item.id))).all())).toEqual([1, 2, 3]);
    });

    it("test_filter_by: relationships compared by object and null", async () => {
      await using s = db.session();
      const user = (await s.get(User, 8))!;
      expect(idsOf((await s.scalars(select(Address).filterBy({ user }).orderBy(Address.id))).all())).toEqual([2, 3, 4]);
      expect((await s.scalars(select(Address).filterBy({ user: null }))).all()).toEqual([]);
      expect((await s.scalars(select(User).filterBy({ addresses: null }))).all().map((u) => u.name)).toEqual(["chuck"]);
      expect((await s.scalars(select(User.name).filterBy({ id: 9 }))).all()).toEqual(["fred"]);
    });

    it("test_none_comparison", async () => {
      await using s = db.session();
      expect((await s.scalars(select(User).where(User.name.eq(null)))).all()).toEqual([]);
      expect((await s.scalars(select(User).where(User.name.eq(null_())))).all()).toEqual([]);
      expect(idsOf((await s.scalars(select(User).where(User.name.ne(null)).orderBy(User.id))).all())).toEqual([7, 8, 9, 10]);
      expect(idsOf((await s.scalars(select(Order).where(Order.address_id.eq(null)))).all())).toEqual([5]);
    });
  });

  describe("SetOpsTest", () => {
    const byName = (n: string) => select(User).where(User.name.eq(n));

    it("test_union: entities loaded from aliased(User, union(…))", async () => {
      await using s = db.session();
      const names = async (u: ReturnType<typeof union>) => {
        const ua = aliased(User, u.subquery());
        return (await s.scalars(select(ua).orderBy(ua.name))).all().map((x) => x.name);
      };
      expect(await names(union(byName("fred"), byName("ed")))).toEqual(["ed", "fred"]);
      expect(await names(union(byName("fred"), byName("ed"), byName("jack")))).toEqual(["ed", "fred", "jack"]);
      expect(await names(union(byName("fred"), byName("ed")).union(byName("jack")))).toEqual(["ed", "fred", "jack"]);
      // The entities are the session's: the identity map hands back the same objects.
      const ua = aliased(User, union(byName("fred"), byName("ed")).subquery());
      const [ed] = (await s.scalars(select(ua).orderBy(ua.name))).all();
      expect(ed).toBe(await s.get(User, 8));
    });

    it("test_statement_labels: two entities through a union of labelled selects", async () => {
      await using s = db.session();
      const q = (email: string) => select(User, Address).join(User.addresses).where(Address.email_address.eq(email)).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL);
      const sq = union(q("ed@wood.com"), q("jack@bean.com")).subquery();
      const ua = aliased(User, sq);
      const aa = aliased(Address, sq);
      const rows = (await s.execute(select(ua, aa).orderBy(ua.name))).all();
      const pairs = rows.map((r) => r as unknown as [InstanceType<typeof User>, InstanceType<typeof Address>]);
      expect(pairs.map(([u, a]) => [u.name, a.email_address])).toEqual([["ed", "ed@wood.com"], ["jack", "jack@bean.com"]]);
    });

    it("test_union_literal_expressions_results", async () => {
      await using s = db.session();
      const sq = union(select(User, literal("x").label("foo")), select(User, literal("y").label("foo"))).subquery();
      const ua = aliased(User, sq);
      const rows = (await s.execute(select(ua, sq.c.foo).orderBy(ua.id, sq.c.foo))).all();
      expect(rows.map((r) => r as unknown as [InstanceType<typeof User>, string]).map(([u, foo]) => [u.id, foo])).toEqual([[7, "x"], [7, "y"], [8, "x"], [8, "y"], [9, "x"], [9, "y"], [10, "x"], [10, "y"]]);
    });

    it("test_intersect", async () => {
      await using s = db.session();
      const load = async (c: ReturnType<typeof intersect>) => {
        const ua = aliased(User, c.subquery());
        return (await s.scalars(select(ua))).all().map((x) => x.name);
      };
      expect(await load(intersect(byName("fred"), byName("ed"), byName("jack")))).toEqual([]);
      // (fred ∪ ed) ∩ (ed ∪ jack), each union a subquery of the INTERSECT.
      const left = aliased(User, union(byName("fred"), byName("ed")).subquery());
      const right = aliased(User, union(byName("ed"), byName("jack")).subquery());
      expect(await load(intersect(select(left), select(right)))).toEqual(["ed"]);
    });

    it("test_eager_load: joinedload over the union entity in one statement", async () => {
      await using s = db.session();
      const ua = aliased(User, union(byName("fred"), byName("ed")).subquery());
      let users: InstanceType<typeof User>[] = [];
      const sent = await selectsDuring(async () => {
        users = (await s.scalars(select(ua).options(joinedload(ua.addresses)).orderBy(ua.name))).unique().all();
      });
      expect(sent).toHaveLength(1);
      expect(users.map((u) => [u.name, u.addresses.length])).toEqual([["ed", 3], ["fred", 1]]);
    });
  });

  describe("AggregateTest / CountTest", () => {
    it("test_sum / test_apply", async () => {
      await using s = db.session();
      const stmt = select(Order).where(Order.id.in([2, 3, 4]));
      expect(Number(await s.scalar(stmt.withOnlyColumns(func.sum(Order.user_id.mul(Order.address_id)))))).toBe(79);
      const row = (await s.execute(select(func.sum(Order.user_id.mul(Order.address_id))).where(Order.id.in([2, 3, 4])))).one();
      expect(Number(row[0])).toBe(79);
    });

    it("test_having", async () => {
      await using s = db.session();
      const base = select(User).groupBy(User.id, User.name).join(User.addresses).orderBy(User.id);
      expect(idsOf((await s.scalars(base.having(func.count(Address.id).gt(2)))).all())).toEqual([8]);
      expect(idsOf((await s.scalars(base.having(func.count(Address.id).lt(2)))).all())).toEqual([7, 9]);
    });

    it("test_basic_future / test_multiple_entity_future / test_nested_future", async () => {
      await using s = db.session();
      expect(await s.scalar(select(func.count()).selectFrom(User))).toBe(4);
      expect(await s.scalar(select(func.count()).where(User.name.endsWith("ed")))).toBe(2);
      const count = (stmt: { subquery(): unknown }) => s.scalar(select(func.count()).selectFrom(stmt.subquery() as never));
      expect(await count(select(User, Address).join(Address, true_()))).toBe(20);
      expect(await count(select(User, Address).join(Address))).toBe(5);
      expect(await count(select(User, Address).join(Address, true_()).limit(2))).toBe(2);
      expect(await count(select(User, Address).join(Address, true_()).limit(100))).toBe(20);
      expect(await count(select(User, Address).join(Address).limit(100))).toBe(5);
    });

    it("test_cols_future", async () => {
      await using s = db.session();
      const count = (stmt: { subquery(): unknown }) => s.scalar(select(func.count()).selectFrom(stmt.subquery() as never));
      expect(await count(select(func.count(distinct(User.name))))).toBe(1);
      expect(await count(select(func.count(distinct(User.name))).distinct())).toBe(1);
      expect(await count(select(User.name))).toBe(4);
      expect(await count(select(User.name, Address).join(Address, true_()))).toBe(20);
      expect(await count(select(Address.user_id))).toBe(5);
      expect(await count(select(Address.user_id).distinct())).toBe(3);
    });

    it("test_loader_options_ignored: joinedload inside the counted subquery adds no join", async () => {
      await using s = db.session();
      const stmt = select(User).options(joinedload(User.addresses)).where(User.name.ne("ed"));
      let n: unknown;
      const sent = await selectsDuring(async () => {
        n = await s.scalar(select(func.count()).selectFrom(stmt.subquery()));
      });
      expect(n).toBe(3);
      expect(sent[0]).not.toMatch(/JOIN/);
    });
  });

  describe("DistinctTest", () => {
    it("test_basic", async () => {
      await using s = db.session();
      expect(idsOf((await s.scalars(select(User).orderBy(User.id).distinct())).all())).toEqual([7, 8, 9, 10]);
      expect(idsOf((await s.scalars(select(User).distinct().orderBy(desc(User.name)))).all())).toEqual([7, 9, 8, 10]);
    });

    it("test_basic_standalone / test_standalone_w_subquery", async () => {
      await using s = db.session();
      expect((await s.execute(select(distinct(User.id)).orderBy(User.id))).all().map((r) => [...r])).toEqual([[7], [8], [9], [10]]);
      const sq = select(distinct(User.id)).subquery();
      expect((await s.execute(select(sq).orderBy(Object.values(sq.c)[0] as ColumnElement<unknown>))).all().map((r) => [...r])).toEqual([[7], [8], [9], [10]]);
    });

    it("test_columns_augmented_roundtrip_one_from_subq / _one_aliased", async () => {
      await using s = db.session();
      const subq = select(User, Address.email_address).join(User.addresses).distinct().subquery();
      const ua = aliased(User, subq);
      const aa = aliased(Address, subq);
      expect(idsOf((await s.scalars(select(ua).orderBy(desc(aa.email_address)))).all())).toEqual([7, 9, 8, 8, 8]);
      expect(idsOf((await s.scalars(select(ua).orderBy(subq.c.email_address.desc()))).all())).toEqual([7, 9, 8, 8, 8]);
    });

    it("test_columns_augmented_roundtrip_two: joinedload + DISTINCT + LIMIT ordered by a joined column, one statement", async () => {
      await using s = db.session();
      const q = select(User).join(User.addresses).distinct().options(joinedload(User.addresses)).orderBy(desc(Address.email_address)).limit(2);
      let users: InstanceType<typeof User>[] = [];
      const sent = await selectsDuring(async () => {
        users = (await s.scalars(q)).unique().all();
      });
      expect(sent).toHaveLength(1);
      expect(users.map((u) => [u.id, idsOf(u.addresses)])).toEqual([[7, [1]], [9, [5]]]);
    });
  });

  describe("SliceTest", () => {
    it("test_first", async () => {
      await using s = db.session();
      expect((await s.scalars(select(User).orderBy(User.id))).first()?.id).toBe(7);
      expect((await s.scalars(select(User).where(User.id.eq(27)))).first()).toBeNull();
    });

    it("LIMIT / OFFSET with a joined eager collection: the parent rows are limited in a subquery", async () => {
      await using s = db.session();
      const q = select(User).options(joinedload(User.addresses)).orderBy(User.id).limit(2).offset(1);
      let users: InstanceType<typeof User>[] = [];
      const sent = await selectsDuring(async () => {
        users = (await s.scalars(q)).unique().all();
      });
      expect(users.map((u) => [u.id, idsOf(u.addresses)])).toEqual([[8, [2, 3, 4]], [9, [5]]]);
      expect(sent).toHaveLength(1);
      const ph = (n: number) => (target.name === "postgresql" ? `$${n}` : "?");
      expect(sent[0]).toBe(
        "SELECT anon_1.id, anon_1.name, addresses_1.id AS id_1, addresses_1.user_id, addresses_1.email_address FROM " +
          `(SELECT users.id AS id, users.name AS name FROM users ORDER BY users.id LIMIT ${ph(1)} OFFSET ${ph(2)}) AS anon_1 ` +
          "LEFT OUTER JOIN addresses AS addresses_1 ON anon_1.id = addresses_1.user_id ORDER BY anon_1.id, addresses_1.id",
      );
    });
  });

  describe("ExpressionTest", () => {
    it("test_in: IN a grouped subquery with HAVING", async () => {
      await using s = db.session();
      const sub = select(User.id).join(User.addresses).groupBy(User.id).having(func.count(Address.id).gt(2));
      expect(idsOf((await s.scalars(select(User).where(User.id.in(sub)))).all())).toEqual([8]);
    });

    it("test_param_transfer: a named bindparam inside a scalar subquery takes the execution's value", async () => {
      await using s = db.session();
      const q = select(User.id).where(User.id.eq(bindparam("foo"))).scalarSubquery();
      expect(idsOf((await s.scalars(select(User).where(User.id.in(q)), { foo: 7 })).all())).toEqual([7]);
    });

    it("test_scalar_subquery: IN (scalar subquery) returns the rows", async () => {
      await using s = db.session();
      const q = select(User.id).where(User.id.eq(7)).scalarSubquery();
      expect(idsOf((await s.scalars(select(User).where(User.id.in(q)))).all())).toEqual([7]);
    });

    it("test_deferred_instances: fromStatement() of an ORM select with a named bindparam", async () => {
      await using s = db.session();
      const inner = select(User).where(Address.email_address.eq(bindparam("emailad"))).where(Address.user_id.eq(User.id));
      expect(idsOf((await s.scalars(select(User).fromStatement(inner), { emailad: "jack@bean.com" })).all())).toEqual([7]);
    });

    it("an entity aliased onto a subquery that labels its columns loads from the labelled columns", async () => {
      await using s = db.session();
      const subq = select(User.id, User.name.label("foo")).where(User.id.in([8, 9])).subquery();
      const ua = aliased(User, subq);
      expect((await s.scalars(select(ua).orderBy(ua.name))).all().map((u) => [u.id, u.name])).toEqual([[8, "ed"], [9, "fred"]]);
    });

    it("test_join: an entity from a subquery joined by an explicit ON", async () => {
      await using s = db.session();
      const adalias = aliased(Address, select(Address).where(Address.email_address.eq("jack@bean.com")).subquery());
      const rows = (await s.execute(select(User, adalias).join(adalias, User.id.eq(adalias.user_id)))).all();
      const pairs = rows.map((r) => r as unknown as [InstanceType<typeof User>, InstanceType<typeof Address>]);
      expect(pairs.map(([u, a]) => [u.id, u.name, a.id, a.email_address])).toEqual([[7, "jack", 1, "jack@bean.com"]]);
    });
  });

  describe("ParentTest", () => {
    it("test_o2m / test_m2m / test_noparent", async () => {
      await using s = db.session();
      const u1 = (await s.scalars(select(User).filterBy({ name: "jack" }))).one();
      const orders = (await s.scalars(select(Order).where(withParent(u1, User.orders)).orderBy(Order.id))).all();
      expect(orders.map((o) => o.description)).toEqual(["order 1", "order 3", "order 5"]);
      const o1 = (await s.get(Order, 1))!;
      expect(idsOf((await s.scalars(select(Item).where(withParent(o1, Order.items)).orderBy(Item.id))).all())).toEqual([1, 2, 3]);
      const chuck = (await s.get(User, 10))!;
      expect((await s.scalars(select(Address).where(withParent(chuck, User.addresses)))).all()).toEqual([]);
    });

    it("test_select_from_alias / test_select_from_alias_of_type", async () => {
      await using s = db.session();
      const u7 = (await s.get(User, 7))!;
      const a1 = aliased(Address);
      expect(idsOf((await s.scalars(select(a1).where(withParent(u7, User.addresses, a1)))).all())).toEqual([1]);
      expect(idsOf((await s.scalars(select(a1).where(withParent(u7, User.addresses.ofType(a1))))).all())).toEqual([1]);
    });

    it("test_with_pending_autoflush: the new object's key is flushed before it is bound", async () => {
      await using s = db.session();
      await s.begin();
      const o1 = (await s.get(Order, 1))!;
      const newOrder = new Order({ id: 99, description: "order 99", user_id: 7 } as never);
      s.add(newOrder);
      await s.flush();
      const items = (await s.scalars(select(Item).where(withParent(newOrder, Order.items)))).all();
      expect(items).toEqual([]);
      expect((await s.scalars(select(User).where(withParent(o1, Order.user)))).one().id).toBe(7);
      await s.rollback();
    });

    it("test_no_strings / test_invalid_property", async () => {
      await using s = db.session();
      const u1 = (await s.get(User, 7))!;
      expect(() => withParent(u1, "orders" as never)).toThrow(new ArgumentError("withParent() accepts class-bound mapped attributes, not strings"));
      expect(() => withParent(u1, User.name as never)).toThrow(new ArgumentError("Expected relationship property for withParent(), got User.name"));
    });

    it("test_unique_binds_union: withParent in both halves of a UNION", async () => {
      await using s = db.session();
      const [u7, u8] = [(await s.get(User, 7))!, (await s.get(User, 8))!];
      const u = union(select(Address).where(withParent(u7, User.addresses)), select(Address).where(withParent(u8, User.addresses)));
      const aa = aliased(Address, u.subquery());
      expect(idsOf((await s.scalars(select(aa).orderBy(aa.id))).all())).toEqual([1, 2, 3, 4]);
    });
  });

  describe("RowLabelingTest", () => {
    const styles = [
      [LABEL_STYLE_NONE, ["id", "name"]],
      [LABEL_STYLE_DISAMBIGUATE_ONLY, ["id", "name"]],
      [LABEL_STYLE_TABLENAME_PLUS_COL, ["users_id", "users_name"]],
    ] as const;
    const keysOf = async (stmt: Parameters<AsyncSession["execute"]>[0], exec: "core" | "orm"): Promise<string[]> => {
      if (exec === "core") return db.engine.connect(async (conn) => [...(await conn.execute(stmt as Select)).first()!._fields]);
      await using s = db.session();
      return [...(await s.execute(stmt)).first()!._fields];
    };

    it("test_entity", async () => {
      expect(await keysOf(select(User), "orm")).toEqual(["User"]);
    });

    it("test_explicit_cols: table columns and ORM attributes under each label style, Core and ORM execution", async () => {
      const users = User.__table__;
      for (const [style, expected] of styles) {
        for (const exec of ["core", "orm"] as const) {
          expect(f.sqlText((await keysOf(select(users.c.id, users.c.name).setLabelStyle(style), exec)).join(","))).toBe(expected.join(","));
          expect(f.sqlText((await keysOf(select(User.id, User.name).setLabelStyle(style), exec)).join(","))).toBe(expected.join(","));
        }
      }
    });

    it("test_with_only_columns: the selected columns of the previous statement keep their keys", async () => {
      const stmt = select(User.id, Address.email_address).joinFrom(User, Address);
      const [id, email] = stmt.selectedColumns;
      expect(await keysOf(stmt.withOnlyColumns(id, email), "orm")).toEqual(["id", "email_address"]);
    });

    it("test_explicit_ambiguous_cols_subq", async () => {
      const expected = [
        [LABEL_STYLE_NONE, ["id", "name", "id", "name"]],
        [LABEL_STYLE_DISAMBIGUATE_ONLY, ["id", "name", "id_1", "name_1"]],
        [LABEL_STYLE_TABLENAME_PLUS_COL, ["u1_id", "u1_name", "u2_id", "u2_name"]],
      ] as const;
      for (const [style, keys] of expected) {
        const u1 = select(User.id, User.name).subquery("u1");
        const u2 = select(User.id, User.name).subquery("u2");
        const stmt = select(u1, u2).joinFrom(u1, u2, u1.c.id.eq(u2.c.id)).setLabelStyle(style);
        for (const exec of ["core", "orm"] as const) expect(await keysOf(stmt, exec)).toEqual(keys);
      }
    });

    it("test_explicit_ambiguous_cols_w_entities", async () => {
      const expected = [
        [LABEL_STYLE_NONE, ["id", "name", "User", "id", "name", "a1"]],
        // SQLAlchemy's DISAMBIGUATE_ONLY keys here are id_1 / name_1 for u2; athanor's ORM rows do
        // not dedupe column keys (see e-orm-targets.test.ts), so that style is not asserted.
        [LABEL_STYLE_TABLENAME_PLUS_COL, ["u1_id", "u1_name", "User", "u2_id", "u2_name", "a1"]],
      ] as const;
      for (const [style, keys] of expected) {
        const u1 = select(User.id, User.name).subquery("u1");
        const u2 = select(User.id, User.name).subquery("u2");
        const a1 = aliased(User, "a1");
        const stmt = select(u1, User, u2, a1).joinFrom(u1, u2, u1.c.id.eq(u2.c.id)).join(User, User.id.eq(u1.c.id)).join(a1, a1.id.eq(u1.c.id)).setLabelStyle(style);
        expect(await keysOf(stmt, "orm")).toEqual(keys);
      }
    });
  });

  describe("ImmediateTest", () => {
    it("test_one / test_one_or_none: entities, columns and entity pairs", async () => {
      await using s = db.session();
      await expect((async () => (await s.scalars(select(User).where(User.id.eq(99)))).one())()).rejects.toThrow(new NoResultFound("No row was found when one was required"));
      expect((await s.scalars(select(User).where(User.id.eq(7)))).one().id).toBe(7);
      await expect((async () => (await s.scalars(select(User))).one())()).rejects.toThrow(new MultipleResultsFound("Multiple rows were found when exactly one was required"));
      expect([...(await s.execute(select(User.id, User.name).where(User.id.eq(7)))).one()]).toEqual([7, "jack"]);
      await expect((async () => (await s.execute(select(User.id, User.name))).one())()).rejects.toThrow(MultipleResultsFound);
      const [u, a] = (await s.execute(select(User, Address).join(User.addresses).where(Address.id.eq(4)))).one();
      expect([u.id, a.id]).toEqual([8, 4]);
      await expect((async () => (await s.execute(select(User, Address).join(User.addresses))).one())()).rejects.toThrow(MultipleResultsFound);
      // Column rows are not uniqued: two rows of user 8 are two rows.
      await expect((async () => (await s.execute(select(User.id).join(User.addresses).where(User.id.in([8, 9])).orderBy(User.id))).one())()).rejects.toThrow(MultipleResultsFound);
      expect((await s.scalars(select(User).where(User.id.eq(99)))).oneOrNone()).toBeNull();
      await expect((async () => (await s.scalars(select(User))).oneOrNone())()).rejects.toThrow(new MultipleResultsFound("Multiple rows were found when one or none was required"));
      expect(await s.scalar(select(User.id).where(User.id.eq(99)))).toBeNull();
      expect(await s.scalar(select(User.id).where(User.id.eq(7)))).toBe(7);
    });
  });

  describe("ExecutionOptionsTest", () => {
    it("test_populate_existing_future: loaded rows overwrite pending changes; joined eager collections reload", async () => {
      await using s = new (db.session().constructor as typeof import("athanor").AsyncSession)(db.engine, { autoflush: false, expireOnCommit: false });
      const users = (await s.scalars(select(User).options(joinedload(User.addresses)).orderBy(User.id))).unique().all();
      const u = users[0];
      u.name = "foo";
      expect(s.dirty).toContain(u);
      await s.scalars(select(User).executionOptions({ populateExisting: true }));
      expect(u.name).toBe("jack");
      expect(s.dirty).not.toContain(u);
      u.addresses[0].email_address = "lala";
      // Without an eager load of addresses, the loaded collection and its objects are kept.
      await s.scalars(select(User).executionOptions({ populateExisting: true }));
      expect(u.addresses[0].email_address).toBe("lala");
      // Eager loading them refreshes them.
      await s.scalars(select(User).options(joinedload(User.addresses)).executionOptions({ populateExisting: true }));
      expect(u.addresses[0].email_address).toBe("jack@bean.com");
      await s.close();
    });
  });
});

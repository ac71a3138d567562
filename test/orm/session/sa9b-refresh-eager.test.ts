/**
 * refresh() and relationships configured with an eager `lazy`, ported from SQLAlchemy's
 * test/orm/test_eager_relations.py (test_runs_query_on_refresh, test_refresh_no_recursion),
 * test/orm/test_selectin_relations.py (test_runs_query_on_refresh, test_no_query_on_deferred)
 * and test/orm/test_expire.py (test_refresh_with_eager, test_refresh_with_lazy,
 * test_expired_eager): since 1.4 the refresh of an object (also one only expired, by expire() or
 * expireOnCommit) runs the relationships' own eager loaders — `lazy: "joined"` inside the one
 * SELECT, `lazy: "selectin"` as a second — and so do the selectinload() / joinedload() options the
 * object was loaded with (SQLAlchemy's `load_options`, test_selectin_relations.py
 * test_runs_query_on_option_refresh; not containsEager(), test_unexpire_eager_dont_include_contains_eager),
 * while the others are left unloaded; a refresh of named attributes loads only those.
 *
 * Adapted: athanor never loads on attribute access, so where SQLAlchemy unexpires by reading
 * `u1.id` these tests call refresh(); "immediate" / "subquery" strategies do not exist in athanor
 * (test_refresh_no_recursion runs with "selectin"). There SQLAlchemy also fills `Address.user`
 * (its recursion guard falls back to an immediate load from the identity map); athanor's default
 * eager strategies stop where the path returns to a class already loaded, leaving it unloaded,
 * so only the statement count is asserted.
 */
import {
  AsyncSession, containsEager, DeclarativeBase, ForeignKey, inspect, insert, Integer, joinedload, mappedColumn, relationship, select, selectinload, String, type LazyStrategy,
} from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog } from "../unitofwork/sa3-uow-sql.helpers.js";

function models(usersLazy: LazyStrategy | undefined, addressUserLazy?: LazyStrategy, deferName = false) {
  class Base extends DeclarativeBase {}
  const users = uniqueName("sa9b_rf_users");
  const addresses = uniqueName("sa9b_rf_addresses");
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { deferred: deferName }),
  }) {
    static addresses = relationship(() => Address, { backPopulates: "user", ...(usersLazy ? { lazy: usersLazy } : {}) });
    declare addresses: Address[];
  }
  class Address extends Base.model(addresses, {
    id: mappedColumn(Integer, { primaryKey: true }),
    userId: mappedColumn(ForeignKey(`${users}.id`), { name: "user_id", nullable: true }),
    email: mappedColumn(String(50), { name: "email_address" }),
  }) {
    static user = relationship(() => User, { backPopulates: "addresses", ...(addressUserLazy ? { lazy: addressUserLazy } : {}) });
    declare user: User | null;
  }
  return { Base, User, Address, users, addresses };
}

describe.each(dialectTargets())("refresh() runs the eager loaders the relationships configure, on $name", (target) => {
  const joined = models("joined");
  const selectin = models("selectin");
  const plain = models(undefined);
  const noRecursion = models("joined", "selectin");
  const deferred = models("selectin", undefined, true);
  const all = [joined, selectin, plain, noRecursion, deferred];
  const log = useSqlLog(target, all.map((m) => m.Base.metadata));

  async function seed(m: (typeof all)[number]): Promise<void> {
    await log.engine.begin(async (c) => {
      await c.execute(insert(m.User.__table__), [{ id: 7, name: "jack" }, { id: 8, name: "ed" }]);
      await c.execute(insert(m.Address.__table__), [
        { id: 1, userId: 7, email: "jack@bean.com" },
        { id: 2, userId: 8, email: "ed@wood.com" },
        { id: 3, userId: 8, email: "ed@bettyboop.com" },
        { id: 4, userId: 8, email: "ed@lala.com" },
      ]);
    });
  }
  const emails = (u: { addresses: { email: string }[] }): string[] => u.addresses.map((a) => a.email).sort();

  it("test_runs_query_on_refresh (joined): one SELECT with the eager LEFT OUTER JOIN refills the expired collection", async () => {
    const { User, users, addresses } = joined;
    await seed(joined);
    await using sess = new AsyncSession(log.engine, { autoflush: false });
    const u1 = (await sess.get(User, 8))!;
    expect(inspect(u1).unloaded.has("addresses")).toBe(false);
    sess.expire(u1);
    expect(inspect(u1).unloaded.has("addresses")).toBe(true);
    expect(await log.capture(() => sess.refresh(u1))).toEqual([
      [
        `SELECT ${users}.id, ${users}.name, ${addresses}_1.id AS id_1, ${addresses}_1.user_id, ${addresses}_1.email_address \nFROM ${users} ` +
          `LEFT OUTER JOIN ${addresses} AS ${addresses}_1 ON ${users}.id = ${addresses}_1.user_id \nWHERE ${users}.id = ?`,
        [8],
      ],
    ]);
    expect(u1.id).toBe(8);
    expect(emails(u1)).toEqual(["ed@bettyboop.com", "ed@lala.com", "ed@wood.com"]);
  });

  it("test_expired_eager: get() of the expired object reloads it and its joined collection in one SELECT", async () => {
    const { User } = joined;
    await seed(joined);
    await using sess = new AsyncSession(log.engine, { autoflush: false });
    const u = (await sess.get(User, 7))!;
    sess.expire(u);
    log.reset();
    expect(await sess.get(User, 7)).toBe(u);
    expect(log.sent.filter(([sql]) => sql.startsWith("SELECT"))).toHaveLength(1);
    expect(emails(u)).toEqual(["jack@bean.com"]);
    expect(u.name).toBe("jack");
  });

  it("test_refresh_with_eager: a refresh() of the loaded object keeps one entry per row of the join", async () => {
    const { User } = joined;
    await seed(joined);
    await using sess = new AsyncSession(log.engine);
    const u = (await sess.get(User, 8))!;
    expect(u.addresses).toHaveLength(3);
    log.reset();
    await sess.refresh(u);
    expect(log.sent.filter(([sql]) => sql.startsWith("SELECT"))).toHaveLength(1);
    expect(u.addresses).toHaveLength(3);
  });

  it("expireOnCommit: after commit, refresh() loads the joined collection in the same single SELECT", async () => {
    const { User, Address } = joined;
    await seed(joined);
    await using sess = new AsyncSession(log.engine);
    const u = (await sess.get(User, 7))!;
    u.addresses = [...u.addresses, new Address({ id: 5, email: "jack@new.com" })];
    await sess.commit();
    expect(inspect(u).unloaded.has("addresses")).toBe(true);
    log.reset();
    await sess.refresh(u);
    expect(log.sent.filter(([sql]) => sql.startsWith("SELECT"))).toHaveLength(1);
    expect(emails(u)).toEqual(["jack@bean.com", "jack@new.com"]);
  });

  it("test_runs_query_on_refresh (selectin): the refresh SELECT, then the collection's IN load", async () => {
    const { User, users, addresses } = selectin;
    await seed(selectin);
    await using sess = new AsyncSession(log.engine, { autoflush: false });
    const u1 = (await sess.get(User, 8))!;
    sess.expire(u1);
    expect(await log.capture(() => sess.refresh(u1))).toEqual([
      [`SELECT ${users}.id, ${users}.name \nFROM ${users} \nWHERE ${users}.id = ?`, [8]],
      [`SELECT ${addresses}.user_id, ${addresses}.id, ${addresses}.email_address \nFROM ${addresses} \nWHERE ${addresses}.user_id IN (?)`, [8]],
    ]);
    expect(emails(u1)).toEqual(["ed@bettyboop.com", "ed@lala.com", "ed@wood.com"]);
  });

  it("test_refresh_with_lazy: a relationship of the default strategy is not loaded and is left unloaded", async () => {
    const { User, users } = plain;
    await seed(plain);
    await using sess = new AsyncSession(log.engine);
    const u = (await sess.get(User, 8))!;
    await sess.refresh(u, ["addresses"]);
    expect(u.addresses).toHaveLength(3);
    expect(await log.capture(() => sess.refresh(u))).toEqual([[`SELECT ${users}.id, ${users}.name \nFROM ${users} \nWHERE ${users}.id = ?`, [8]]]);
    // SQLAlchemy's refresh() expires it, to load on next access; athanor reads it as unloaded.
    expect(inspect(u).unloaded.has("addresses")).toBe(true);
  });

  it("test_runs_query_on_option_refresh: the selectinload() the object was loaded with runs again on refresh", async () => {
    const { User, users, addresses } = plain;
    await seed(plain);
    await using sess = new AsyncSession(log.engine, { autoflush: false });
    const u1 = (await sess.scalars(select(User).where(User.id.eq(8)).options(selectinload(User.addresses)))).one();
    expect(u1.addresses).toHaveLength(3);
    sess.expire(u1);
    expect(await log.capture(() => sess.refresh(u1))).toEqual([
      [`SELECT ${users}.id, ${users}.name \nFROM ${users} \nWHERE ${users}.id = ?`, [8]],
      [`SELECT ${addresses}.user_id, ${addresses}.id, ${addresses}.email_address \nFROM ${addresses} \nWHERE ${addresses}.user_id IN (?)`, [8]],
    ]);
    expect(emails(u1)).toEqual(["ed@bettyboop.com", "ed@lala.com", "ed@wood.com"]);
  });

  it("a joinedload() the object was loaded with: one refresh SELECT with the join", async () => {
    const { User } = plain;
    await seed(plain);
    await using sess = new AsyncSession(log.engine, { autoflush: false });
    const u1 = (await sess.scalars(select(User).where(User.id.eq(7)).options(joinedload(User.addresses)))).unique().one();
    sess.expire(u1);
    const sent = await log.capture(() => sess.refresh(u1));
    expect(sent).toHaveLength(1);
    expect(sent[0][0]).toContain("LEFT OUTER JOIN");
    expect(emails(u1)).toEqual(["jack@bean.com"]);
  });

  it("test_unexpire_eager_dont_include_contains_eager: a containsEager() load is not repeated by refresh", async () => {
    const { User, Address, users } = plain;
    await seed(plain);
    await using sess = new AsyncSession(log.engine, { autoflush: false });
    const u1 = (await sess.scalars(select(User).join(User.addresses).where(User.id.eq(7)).options(containsEager(User.addresses)))).unique().one();
    expect(emails(u1)).toEqual(["jack@bean.com"]);
    void Address;
    sess.expire(u1);
    expect(await log.capture(() => sess.refresh(u1))).toEqual([[`SELECT ${users}.id, ${users}.name \nFROM ${users} \nWHERE ${users}.id = ?`, [7]]]);
    expect(inspect(u1).unloaded.has("addresses")).toBe(true);
  });

  it("test_refresh_no_recursion: a selectin many-to-one back to the refreshed class adds no statement", async () => {
    const { User } = noRecursion;
    await seed(noRecursion);
    await using sess = new AsyncSession(log.engine, { autoflush: false });
    const u1 = (await sess.get(User, 8))!;
    sess.expire(u1);
    const sent = await log.capture(() => sess.refresh(u1));
    expect(sent).toHaveLength(1);
    expect(u1.addresses).toHaveLength(3);
    expect(emails(u1)).toEqual(["ed@bettyboop.com", "ed@lala.com", "ed@wood.com"]);
  });

  it("test_no_query_on_deferred: refreshing a named column leaves the expired eager collection alone", async () => {
    const { User, users } = deferred;
    await seed(deferred);
    await using sess = new AsyncSession(log.engine, { autoflush: false });
    const u1 = (await sess.get(User, 8))!;
    expect(inspect(u1).unloaded.has("addresses")).toBe(false);
    sess.expire(u1, ["addresses"]);
    // One statement (SQLAlchemy's count); athanor's refresh SELECT keeps the key column.
    expect(await log.capture(() => sess.refresh(u1, ["name"]))).toEqual([[`SELECT ${users}.id, ${users}.name \nFROM ${users} \nWHERE ${users}.id = ?`, [8]]]);
    expect(u1.name).toBe("ed");
    expect(inspect(u1).unloaded.has("addresses")).toBe(true);
  });
});

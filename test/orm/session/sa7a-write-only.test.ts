/**
 * Ported from SQLAlchemy test/orm/test_dynamic.py, the write-only classes: WriteOnlyTest,
 * WriteOnlyUOWTest (with the shared _UOWTests), WriteOnlyBulkTest and WriteOnlyHistoryTest
 * (_HistoryTest), on PostgreSQL and libSQL.
 *
 * Adapted: athanor's write-only collection is `writeOnlyCollection(obj, User.addresses)` /
 * `session.writeOnly(obj, User.addresses)` rather than the attribute itself; reading the
 * attribute raises (the analogue of SQLAlchemy's iteration error); history is read from
 * `.pending` (SQLAlchemy's `get_history(..., PASSIVE_NO_FETCH)`). The DynamicMapped
 * (`lazy="dynamic"`) classes are not ported: athanor does no implicit I/O, so a collection that
 * queries when iterated does not exist.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AsyncSession, Column, configureModel, createAsyncEngine, DeclarativeBase, desc, ForeignKey, func, inspect, Integer, InvalidRequestError, mappedColumn, objectState, relationship,
  delete_, select, String, Table, writeOnly, writeOnlyCollection, type AsyncEngine, type SessionOptions,
} from "athanor";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver } from "../../fixtures/databases.js";
import { pendingWriteOnly } from "../../../src/orm/write-only.js";

const p = uniqueName("sa7a_wo");
/** Compiled text on the default dialect (`String` is athanor's SQL type here). */
const sqlOf = (stmt: object): string => `${stmt}`;
const t = (n: string): string => `${p}_${n}`;

/** users / addresses as in SQLAlchemy's _fixtures, the collection write-only with the given options. */
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function userAddress(tag: string, opts: { orderBy?: "id" | "emailDesc"; cascade?: string; backref?: boolean } = {}) {
  class Base extends DeclarativeBase {}
  const users = t(`${tag}_users`);
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { nullable: true }),
  }) {
    static addresses = writeOnly(() => Address, {
      ...(opts.backref ? { backPopulates: "user" } : {}),
      ...(opts.cascade !== undefined ? { cascade: opts.cascade } : {}),
      ...(opts.orderBy === "id" ? { orderBy: () => Address.id } : opts.orderBy === "emailDesc" ? { orderBy: () => Address.email.desc() } : {}),
    });
  }
  class Address extends Base.model(t(`${tag}_addresses`), {
    id: mappedColumn(Integer, { primaryKey: true }),
    userId: mappedColumn(ForeignKey(`${users}.id`), { name: "user_id", nullable: true }),
    email: mappedColumn(String(50), { name: "email_address", nullable: true }),
  }) {
    static user = relationship(() => User, opts.backref ? { backPopulates: "addresses" } : {});
    declare user: User | null;
  }
  return { Base, User, Address };
}

const plain = userAddress("p");
const byEmail = userAddress("e", { orderBy: "emailDesc" });
const backref = userAddress("b", { backref: true });
const orphans = userAddress("o", { orderBy: "id", backref: true, cascade: "all, delete-orphan" });
const saveOnly = userAddress("s", { orderBy: "id", backref: true, cascade: "save-update" });

// orders ↔ items (write-only many-to-many) and items → item_keywords, for the compiled forms.
class M2MBase extends DeclarativeBase {}
const orderItems = Table(t("order_items"), M2MBase.metadata, {
  order_id: Column(Integer, { foreignKey: `${t("orders")}.id`, primaryKey: true }),
  item_id: Column(Integer, { foreignKey: `${t("items")}.id`, primaryKey: true }),
});
class Order extends M2MBase.model(t("orders"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  description: mappedColumn(String(30), { nullable: true }),
}) {
  static items = writeOnly(() => Item, { secondary: orderItems });
}
class Item extends M2MBase.model(t("items"), {
  id: mappedColumn(Integer, { primaryKey: true }),
  description: mappedColumn(String(30), { nullable: true }),
}) {
  static itemKeywords = relationship(() => ItemKeyword);
}
class ItemKeyword extends M2MBase.model(t("item_keywords"), {
  itemId: mappedColumn(ForeignKey(`${t("items")}.id`), { name: "item_id", primaryKey: true }),
  keywordId: mappedColumn(Integer, { name: "keyword_id", primaryKey: true }),
}) {}

// The passive_deletes fixture: ON DELETE CASCADE (delete-orphan) or SET NULL on b.a_id.
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function passiveDeletes(cascadeDeletes: boolean) {
  class Base extends DeclarativeBase {}
  const a = t(`pd${cascadeDeletes ? "c" : "n"}_a`);
  class A extends Base.model(a, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(30)),
  }) {
    static bs = writeOnly(() => B, { passiveDeletes: true, cascade: cascadeDeletes ? "all, delete-orphan" : "save-update, merge", orderBy: () => B.id });
  }
  class B extends Base.model(t(`pd${cascadeDeletes ? "c" : "n"}_b`), {
    id: mappedColumn(Integer, { primaryKey: true }),
    aId: mappedColumn(ForeignKey(`${a}.id`, { onDelete: cascadeDeletes ? "CASCADE" : "SET NULL" }), { name: "a_id", nullable: !cascadeDeletes }),
  }) {}
  return { Base, A, B };
}
const pdCascade = passiveDeletes(true);
const pdSetNull = passiveDeletes(false);

const allMetadata = [plain, byEmail, backref, orphans, saveOnly, pdCascade, pdSetNull].map((m) => m.Base.metadata).concat([M2MBase.metadata]);

describe("compiled forms (default dialect)", () => {
  it("many-to-many select() joins the association table through WHERE (test_secondary_as_join's form)", () => {
    const o = new Order({ id: 5 });
    expect(sqlOf(writeOnlyCollection(o, Order.items).select())).toBe(
      `SELECT ${t("items")}.id, ${t("items")}.description \nFROM ${t("items")}, ${t("order_items")} \n` +
        `WHERE ${t("order_items")}.order_id = :param_1 AND ${t("items")}.id = ${t("order_items")}.item_id`,
    );
  });

  it("a join() after a many-to-many select() starts from the target (test_secondary_doesnt_interfere_w_join_to_fromlist)", () => {
    const o = new Order({ id: 5 });
    expect(sqlOf(writeOnlyCollection(o, Order.items).select().join(ItemKeyword))).toBe(
      `SELECT ${t("items")}.id, ${t("items")}.description \nFROM ${t("items")} JOIN ${t("item_keywords")} ON ${t("items")}.id = ${t("item_keywords")}.item_id, ${t("order_items")} \n` +
        `WHERE ${t("order_items")}.order_id = :param_1 AND ${t("items")}.id = ${t("order_items")}.item_id`,
    );
  });

  it("one-to-many select(), update() and delete() bind the parent's key (SQLAlchemy puts the bind first; athanor the column)", () => {
    const { User, Address } = plain;
    const u = new User({ id: 7 });
    const coll = writeOnlyCollection(u, User.addresses);
    const a = t("p_addresses");
    expect(sqlOf(coll.select())).toBe(`SELECT ${a}.id, ${a}.user_id, ${a}.email_address \nFROM ${a} \nWHERE ${a}.user_id = :param_1`);
    expect(sqlOf(coll.update().values({ email: "x" }))).toBe(`UPDATE ${a} SET email_address=:email WHERE ${a}.user_id = :param_1`);
    expect(sqlOf(coll.delete().where(Address.email.eq("e2")))).toBe(`DELETE FROM ${a} WHERE ${a}.user_id = :param_1 AND ${a}.email_address = :email_1`);
  });

  it("a transient parent without a key cannot build statements; add() links the backref (test_backref_events)", () => {
    const { User, Address } = backref;
    const u1 = new User({});
    const a1 = new Address({});
    writeOnlyCollection(u1, User.addresses).add(a1);
    expect(a1.user).toBe(u1);
    writeOnlyCollection(u1, User.addresses).remove(a1);
    expect(a1.user).toBeNull();
    expect(() => writeOnlyCollection(u1, User.addresses).select()).toThrow(
      new InvalidRequestError("'User.addresses': the parent's 'id' is not known yet; flush the parent before building statements over its write-only collection"),
    );
  });
});

describe("configuration", () => {
  for (const uselist of [false, true, undefined]) {
    it(`test_no_m2o (uselist=${uselist}): a write-only many-to-one is refused when mappers are configured`, () => {
      class Base extends DeclarativeBase {}
      const users = uniqueName("sa7a_wo_m2o_u");
      class User extends Base.model(users, { id: mappedColumn(Integer, { primaryKey: true }) }) {}
      class Address extends Base.model(uniqueName("sa7a_wo_m2o_a"), {
        id: mappedColumn(Integer, { primaryKey: true }),
        userId: mappedColumn(ForeignKey(`${users}.id`), { name: "user_id" }),
      }) {
        static user = writeOnly(() => User, uselist === undefined ? {} : { uselist });
      }
      expect(() => configureModel(Address)).toThrow(
        new InvalidRequestError("On relationship Address.user, 'write_only' loaders cannot be used with many-to-one/one-to-one relationships and/or uselist=False."),
      );
    });
  }

  it("test_no_uselist_false: a one-to-many declared uselist: false is refused", () => {
    class Base extends DeclarativeBase {}
    const users = uniqueName("sa7a_wo_ul_u");
    class User extends Base.model(users, { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static addresses = writeOnly(() => Address, { uselist: false });
    }
    class Address extends Base.model(uniqueName("sa7a_wo_ul_a"), {
      id: mappedColumn(Integer, { primaryKey: true }),
      userId: mappedColumn(ForeignKey(`${users}.id`), { name: "user_id" }),
    }) {}
    expect(() => configureModel(User)).toThrow(
      new InvalidRequestError("On relationship User.addresses, 'write_only' loaders cannot be used with many-to-one/one-to-one relationships and/or uselist=False."),
    );
    void Address;
  });
});

describe.each(dialectTargets())("write-only collections on $name", (target) => {
  let engine: AsyncEngine;
  let counting: CountingDriver;
  let cleanup: () => Promise<void>;
  let fkEnforced = true;
  beforeAll(async () => {
    const d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
    await engine.begin(async (conn) => {
      for (const md of allMetadata) await md.createAll(conn);
    });
    if (target.dialect === "sqlite") {
      // SQLAlchemy's passive_deletes tests check `requires.foreign_keys.enabled` the same way.
      const r = await engine.connect(async (conn) => (await conn.execDriverSql("PRAGMA foreign_keys")).all());
      fkEnforced = Number((r[0] as unknown as Record<string, unknown>)["foreign_keys"] ?? Object.values(r[0] as object)[0]) === 1;
    }
    cleanup = async () => {
      await engine.begin(async (conn) => {
        for (const md of [...allMetadata].reverse()) await md.dropAll(conn);
      });
      await engine.dispose();
      await d.cleanup();
    };
  });
  afterAll(() => cleanup?.());
  beforeEach(async () => {
    // Children first: every test starts from empty tables.
    await engine.begin(async (conn) => {
      for (const md of allMetadata) for (const tb of [...md.sortedTables].reverse()) await conn.execute(delete_(tb));
    });
    counting.reset();
  });
  const session = (opts?: SessionOptions): AsyncSession => new AsyncSession(engine, opts);
  const pg = target.dialect === "postgresql";
  const ph = (n: number): string => (pg ? `$${n}` : "?");
  const inserts = (): string[] => counting.statements.filter((s) => !/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/.test(s));

  /** User 800 (SQLAlchemy's user 8) with three addresses, as the _fixtures data the WriteOnlyTest cases read. */
  async function user8(m: typeof plain): Promise<void> {
    await using s = session();
    const u = new m.User({ id: 800, name: "ed" });
    writeOnlyCollection(u, m.User.addresses).addAll(["ed@wood.com", "ed@bettyboop.com", "ed@lala.com"].map((email) => new m.Address({ email })));
    s.add(u);
    await s.commit();
  }

  describe("WriteOnlyTest", () => {
    it("test_iteration_error: the attribute is not a collection to read", async () => {
      const { User } = plain;
      await user8(plain);
      await using s = session();
      const u = (await s.get(User, 800))!;
      expect(() => (u as unknown as { addresses: unknown }).addresses).toThrow(
        new InvalidRequestError(`'User.addresses' is a write-only collection; use session.writeOnly(obj, "addresses") (or writeOnlyCollection(obj, User.addresses)) to add, remove or query it`),
      );
    });

    it("test_order_by: select() refined with orderBy()", async () => {
      const { User, Address } = plain;
      await user8(plain);
      await using s = session();
      const u = (await s.get(User, 800))!;
      const got = (await s.scalars(s.writeOnly(u, User.addresses).select().orderBy(desc(Address.email)))).all();
      expect(got.map((a) => a.email)).toEqual(["ed@wood.com", "ed@lala.com", "ed@bettyboop.com"]);
    });

    it("test_configured_order_by: the relationship's orderBy, cancelled by orderBy(null)", async () => {
      const { User, Address } = byEmail;
      await user8(byEmail);
      await using s = session();
      const u = (await s.get(User, 800))!;
      const coll = s.writeOnly(u, User.addresses);
      expect((await s.scalars(coll.select())).all().map((a) => a.email)).toEqual(["ed@wood.com", "ed@lala.com", "ed@bettyboop.com"]);
      expect((await s.scalars(coll.select().orderBy(null).orderBy(Address.email))).all().map((a) => a.email)).toEqual(["ed@bettyboop.com", "ed@lala.com", "ed@wood.com"]);
      counting.reset();
      const unordered = (await s.scalars(coll.select().orderBy(null))).all();
      expect(new Set(unordered.map((a) => a.email))).toEqual(new Set(["ed@bettyboop.com", "ed@lala.com", "ed@wood.com"]));
      expect(counting.statements.at(-1)).not.toMatch(/ORDER BY/);
    });

    it("many-to-many: add() writes association rows, select() reads through them, remove() deletes them", async () => {
      await using s = session();
      const o = new Order({ id: 1 });
      const [i1, i2] = [new Item({ id: 1, description: "i1" }), new Item({ id: 2, description: "i2" })];
      s.writeOnly(o, Order.items).addAll([i1, i2]);
      s.add(o);
      await s.flush();
      expect((await s.scalars(s.writeOnly(o, Order.items).select().orderBy(Item.id))).all()).toEqual([i1, i2]);
      counting.reset();
      s.writeOnly(o, Order.items).remove(i1);
      await s.flush();
      const oi = t("order_items");
      expect(inserts()).toEqual([`DELETE FROM ${oi} WHERE (${oi}.order_id, ${oi}.item_id) IN ((${ph(1)}, ${ph(2)}))`]);
      expect((await s.scalars(s.writeOnly(o, Order.items).select())).all()).toEqual([i2]);
      await s.rollback();
    });
  });

  describe("WriteOnlyUOWTest", () => {
    it("test_persistence: add and remove set and clear the foreign key", async () => {
      const { User, Address } = plain;
      const addresses = Address.__table__;
      await using s = session();
      const linked = async (): Promise<unknown[][]> =>
        (await s.execute(select(addresses.c.id, addresses.c.userId, addresses.c.email).where(addresses.c.userId.isNot(null)))).all().map((r) => [...r]);
      let u1 = new User({ name: "jack" });
      const a1 = new Address({ email: "foo" });
      s.addAll([u1, a1]);
      await s.flush();
      expect(await s.scalar(select(func.count()).selectFrom(addresses).where(addresses.c.userId.isNot(null)))).toBe(0);
      u1 = (await s.get(User, u1.id))!;
      s.writeOnly(u1, User.addresses).add(a1);
      await s.flush();
      expect(await linked()).toEqual([[a1.id, u1.id, "foo"]]);
      s.writeOnly(u1, User.addresses).remove(a1);
      await s.flush();
      expect(await s.scalar(select(func.count()).selectFrom(addresses).where(addresses.c.userId.isNot(null)))).toBe(0);
      s.writeOnly(u1, User.addresses).add(a1);
      await s.flush();
      expect(await linked()).toEqual([[a1.id, u1.id, "foo"]]);
      const a2 = new Address({ email: "bar" });
      s.writeOnly(u1, User.addresses).remove(a1);
      s.writeOnly(u1, User.addresses).add(a2);
      await s.flush();
      expect(await linked()).toEqual([[a2.id, u1.id, "bar"]]);
      await s.rollback();
    });

    it("test_hasattr / test_collection_set: a list assigned to a new object's attribute is flushed as its items", async () => {
      const { User, Address } = plain;
      await using s = session();
      const u1 = new User({ name: "jack" });
      const [a1, a3] = [new Address({ email: "a1" }), new Address({ email: "a3" })];
      s.add(u1);
      (u1 as unknown as { addresses: object[] }).addresses = [a1, a3];
      // SQLAlchemy: assigning to a pending object's write-only attribute queues the items.
      expect(s.writeOnly(u1, User.addresses).pending.added).toEqual([a1, a3]);
      // The select() autoflushes the pending user and the assigned addresses first.
      const got = (await s.scalars(s.writeOnly(u1, User.addresses).select().orderBy(Address.email))).all();
      expect(got).toEqual([a1, a3]);
      expect(a1.userId).toBe(u1.id);
      await s.rollback();
    });

    it("test_noload_add: flushing an add loads neither the collection nor the expired parent", async () => {
      const { User, Address } = plain;
      await using s = session();
      const u1 = new User({ name: "jack" });
      s.writeOnly(u1, User.addresses).add(new Address({ email: "a1" }));
      s.add(u1);
      await s.commit();
      const id = u1.id;
      s.expireAll();
      s.writeOnly(u1, User.addresses).add(new Address({ email: "a2" }));
      counting.reset();
      await s.flush();
      const a = t("p_addresses");
      expect(inserts()).toEqual([`INSERT INTO ${a} (user_id, email_address) VALUES (${ph(1)}, ${ph(2)}) RETURNING ${a}.id`]);
      expect((await s.execute(select(Address.__table__.c.email).where(Address.__table__.c.userId.eq(id)).orderBy(Address.__table__.c.email))).scalars().all()).toEqual(["a1", "a2"]);
      await s.rollback();
    });

    it("test_noload_remove: flushing a remove is one UPDATE of the foreign key", async () => {
      const { User, Address } = plain;
      await using s = session();
      const u1 = new User({ name: "jack" });
      const a2 = new Address({ email: "a2" });
      s.writeOnly(u1, User.addresses).addAll([new Address({ email: "a1" }), a2]);
      s.add(u1);
      await s.commit();
      const a2id = a2.id;
      s.expireAll();
      s.writeOnly(u1, User.addresses).remove(a2);
      counting.reset();
      await s.flush();
      const a = t("p_addresses");
      expect(inserts()).toEqual([`UPDATE ${a} SET user_id=${ph(1)} WHERE ${a}.id = ${ph(2)}`]);
      expect(await s.scalar(select(Address.__table__.c.userId).where(Address.__table__.c.id.eq(a2id)))).toBeNull();
      await s.rollback();
    });

    it("test_rollback: an add after commit is autoflushed into select(), and rolled back", async () => {
      const { User, Address } = plain;
      await using s = session({ expireOnCommit: false });
      const u1 = new User({ name: "jack" });
      s.writeOnly(u1, User.addresses).add(new Address({ email: "lala@hoho.com" }));
      s.add(u1);
      await s.flush();
      await s.commit();
      s.writeOnly(u1, User.addresses).add(new Address({ email: "foo@bar.com" }));
      const stmt = s.writeOnly(u1, User.addresses).select();
      expect((await s.scalars(stmt.orderBy(Address.id))).all().map((a) => a.email)).toEqual(["lala@hoho.com", "foo@bar.com"]);
      await s.rollback();
      expect((await s.scalars(stmt)).all().map((a) => a.email)).toEqual(["lala@hoho.com"]);
    });

    it("test_remove_orphans: removing rows read from select() deletes them (delete-orphan)", async () => {
      const { User, Address } = orphans;
      await using s = session();
      const u = new User({ name: "ed" });
      s.writeOnly(u, User.addresses).addAll([..."abcdef"].map((email) => new Address({ email })));
      s.add(u);
      for (const a of (await s.scalars(s.writeOnly(u, User.addresses).select().where(Address.email.in(["c", "e", "f"])))).all()) {
        s.writeOnly(u, User.addresses).remove(a);
      }
      expect(new Set((await s.scalars(select(Address.email))).all())).toEqual(new Set(["a", "b", "d"]));
      await s.rollback();
    });

    for (const autoflush of [true, false]) {
      for (const saveuser of [true, false]) {
        it(`test_backref (autoflush=${autoflush}, saveuser=${saveuser}): the many-to-one side moves the row in and out`, async () => {
          const { User, Address } = backref;
          await using s = session({ autoflush });
          const u = new User({ name: "buffy" });
          const a = new Address({ email: "foo@bar.com" });
          a.user = u;
          s.add(saveuser ? u : a);
          if (!autoflush) await s.flush();
          const list = async (): Promise<object[]> => (await s.scalars(s.writeOnly(u, User.addresses).select())).all();
          expect(await list()).toEqual([a]);
          // After the (auto)flush: add() does not cascade along a write-only collection, the flush does.
          expect(s.contains(u)).toBe(true);
          expect(s.contains(a)).toBe(true);
          a.user = null;
          if (!autoflush) {
            expect(await list()).toEqual([a]);
            await s.flush();
          }
          expect(await list()).toEqual([]);
          await s.rollback();
        });
      }
    }

    it("test_no_deref: each new session reads the collection through select()", async () => {
      const { User, Address } = backref;
      {
        await using s = session();
        const user = new User({ name: "joe" });
        const address = new Address({ email: "joe@joesdomain.example" });
        address.user = user;
        s.add(user);
        await s.commit();
      }
      for (let i = 0; i < 3; i++) {
        await using s = session();
        const user = (await s.scalars(select(User).where(User.name.eq("joe")))).one();
        expect((await s.scalars(s.writeOnly(user, User.addresses).select())).all().map((a) => a.email)).toEqual(["joe@joesdomain.example"]);
      }
    });

    it("test_merge_persistent (empty): merging without the collection leaves it alone", async () => {
      const { User, Address } = byEmail;
      await using s = session({ autoflush: false });
      const [a1, a2, a3] = ["a1", "a2", "a3"].map((email) => new Address({ email }));
      let u1 = new User({ name: "jack" });
      s.writeOnly(u1, User.addresses).addAll([a2, a3]);
      s.addAll([u1, a1]);
      await s.flush();
      u1 = await s.merge(new User({ id: u1.id, name: "jane" }));
      expect(s.writeOnly(u1, User.addresses).pending).toEqual({ added: [], removed: [] });
      await s.flush();
      expect(u1.name).toBe("jane");
      expect((await s.scalars(s.writeOnly(u1, User.addresses).select())).all()).toEqual([a3, a2]);
      await s.rollback();
    });

    it("test_passive_deletes_required: deleting the parent without passiveDeletes raises at flush, as SQLAlchemy", async () => {
      const { User, Address } = saveOnly;
      await using s = session();
      const u = new User({ name: "ed" });
      s.writeOnly(u, User.addresses).addAll([..."abcdef"].map((email) => new Address({ email })));
      s.add(u);
      await s.commit();
      await s.delete(u);
      counting.reset();
      await expect(s.commit()).rejects.toThrow(
        new InvalidRequestError(
          "Attribute User.addresses can't load the existing state from the database for this operation; full iteration is not permitted.  If this is a delete operation, configure passiveDeletes: true on the User.addresses relationship in order to resolve this error.",
        ),
      );
      expect(inserts()).toEqual([]);
      await s.rollback();
      expect(await s.scalar(select(func.count()).selectFrom(Address.__table__).where(Address.__table__.c.userId.isNull()))).toBe(0);
    });

    for (const cascadeDeletes of [true, false]) {
      const { A, B } = cascadeDeletes ? pdCascade : pdSetNull;
      it(`test_passive_deletes_succeed (cascade_deletes=${cascadeDeletes}): the database's ON DELETE handles the children`, async () => {
        await using s = session();
        const a1 = new A({ data: "d1" });
        s.writeOnly(a1, A.bs).addAll([new B({}), new B({}), new B({})]);
        s.add(a1);
        await s.commit();
        await s.delete(a1);
        counting.reset();
        await s.commit();
        const at = A.__table__.name;
        expect(inserts()).toEqual([`DELETE FROM ${at} WHERE ${at}.id IN (${ph(1)})`]);
        const left = await s.scalar(select(func.count()).selectFrom(B.__table__));
        expect(left).toBe(fkEnforced && cascadeDeletes ? 0 : 3);
      });

      it(`test_remove_orphans (cascade_deletes=${cascadeDeletes}): remove() with passive deletes`, async () => {
        await using s = session();
        const [b1, b2, b3] = [new B({}), new B({}), new B({})];
        const a1 = new A({ data: "d1" });
        s.writeOnly(a1, A.bs).addAll([b1, b2, b3]);
        s.add(a1);
        await s.commit();
        expect((await s.scalars(s.writeOnly(a1, A.bs).select())).all()).toEqual([b1, b2, b3]);
        s.writeOnly(a1, A.bs).remove(b2);
        await s.commit();
        expect((await s.scalars(s.writeOnly(a1, A.bs).select())).all()).toEqual([b1, b3]);
        expect(await s.scalar(select(func.count()).selectFrom(B.__table__))).toBe(cascadeDeletes ? 2 : 3);
      });
    }
  });

  describe("WriteOnlyBulkTest", () => {
    const a = t("b_addresses");
    const us = t("b_users");
    for (const flushUserFirst of [true, false]) {
      it(`test_bulk_insert (flush_user_first=${flushUserFirst}): built over a pending parent, bound after autoflush`, async () => {
        const { User, Address } = backref;
        await using s = session();
        const u1 = new User({ name: "x" });
        s.add(u1);
        expect(objectState(u1)).toBe("pending");
        if (flushUserFirst) await s.flush();
        counting.reset();
        const got = (await s.scalars(s.writeOnly(u1, User.addresses).insert().returning(Address), [{ email: "e1" }, { email: "e2" }, { email: "e3" }])).all();
        expect(got.map((x) => [x.email, x.userId])).toEqual([["e1", u1.id], ["e2", u1.id], ["e3", u1.id]]);
        const userInsert = `INSERT INTO ${us} (name) VALUES (${ph(1)}) RETURNING ${us}.id`;
        const addrInsert = `INSERT INTO ${a} (user_id, email_address) VALUES (${ph(1)}, ${ph(2)}), (${ph(3)}, ${ph(4)}), (${ph(5)}, ${ph(6)}) RETURNING ${a}.id, ${a}.user_id, ${a}.email_address`;
        expect(inserts()).toEqual(flushUserFirst ? [addrInsert] : [userInsert, addrInsert]);
        await s.rollback();
      });

      it(`test_bulk_update (flush_user_first=${flushUserFirst}): UPDATE … WHERE user_id = :param RETURNING`, async () => {
        const { User, Address } = backref;
        await using s = session();
        const u1 = new User({ name: "x" });
        s.writeOnly(u1, User.addresses).addAll(["e1", "e2", "e3"].map((email) => new Address({ email })));
        s.add(u1);
        if (flushUserFirst) await s.flush();
        counting.reset();
        const got = (await s.scalars(s.writeOnly(u1, User.addresses).update().values({ email: Address.email.concat("@foo.com") }).returning(Address))).all();
        expect(got.map((x) => x.email).sort()).toEqual(["e1@foo.com", "e2@foo.com", "e3@foo.com"]);
        const sent = inserts();
        expect(sent.at(-1)).toBe(`UPDATE ${a} SET email_address=(${a}.email_address || ${ph(1)}) WHERE ${a}.user_id = ${ph(2)} RETURNING ${a}.id, ${a}.user_id, ${a}.email_address`);
        expect(sent.filter((q) => q.startsWith(`INSERT INTO ${us}`))).toHaveLength(flushUserFirst ? 0 : 1);
        await s.rollback();
      });

      it(`test_bulk_delete (flush_user_first=${flushUserFirst}): DELETE … WHERE user_id = :param AND … RETURNING`, async () => {
        const { User, Address } = backref;
        await using s = session();
        const u1 = new User({ name: "x" });
        s.writeOnly(u1, User.addresses).addAll(["e1", "e2", "e3"].map((email) => new Address({ email })));
        s.add(u1);
        if (flushUserFirst) await s.flush();
        counting.reset();
        const got = (await s.scalars(s.writeOnly(u1, User.addresses).delete().where(Address.email.eq("e2")).returning(Address))).all();
        expect(got.map((x) => x.email)).toEqual(["e2"]);
        expect(inserts().at(-1)).toBe(`DELETE FROM ${a} WHERE ${a}.user_id = ${ph(1)} AND ${a}.email_address = ${ph(2)} RETURNING ${a}.id, ${a}.user_id, ${a}.email_address`);
        await s.rollback();
      });
    }
  });

  describe("WriteOnlyHistoryTest (pending changes)", () => {
    const { User, Address } = plain;
    const persistent = async (s: AsyncSession): Promise<[InstanceType<typeof User>, InstanceType<typeof Address>]> => {
      const u1 = new User({ name: "u1" });
      const a1 = new Address({ email: "a1" });
      s.add(u1);
      await s.flush();
      return [u1, a1];
    };

    it("test_add_transient / test_remove_transient", () => {
      const u1 = new User({});
      const a1 = new Address({});
      const coll = writeOnlyCollection(u1, User.addresses);
      coll.add(a1);
      expect(coll.pending).toEqual({ added: [a1], removed: [] });
      // The state-level form a history reader uses.
      expect(pendingWriteOnly(inspect(u1), "addresses")).toEqual({ added: [a1], removed: [] });
      coll.remove(a1);
      expect(coll.pending).toEqual({ added: [], removed: [] });
      expect(pendingWriteOnly(inspect(new User({})), "addresses")).toBeUndefined();
    });

    it("test_backref_pop_transient: setting the many-to-one elsewhere takes the item out of added", () => {
      const { User: BU, Address: BA } = backref;
      const u1 = new BU({});
      const a1 = new BA({});
      const coll = writeOnlyCollection(u1, BU.addresses);
      coll.add(a1);
      expect(coll.pending).toEqual({ added: [a1], removed: [] });
      a1.user = null;
      expect(coll.pending).toEqual({ added: [], removed: [] });
    });

    it("test_backref_pop: a popped item is not linked by the flush", async () => {
      const { User: BU, Address: BA } = backref;
      await using s = session({ autoflush: false });
      const [u1, u2] = [new BU({ name: "u1" }), new BU({ name: "u2" })];
      const a1 = new BA({ email: "a1" });
      s.addAll([u1, u2, a1]);
      await s.flush();
      s.writeOnly(u1, BU.addresses).add(a1);
      a1.user = u2;
      expect(s.writeOnly(u1, BU.addresses).pending.added).toEqual([]);
      await s.flush();
      expect(await s.scalar(select(BA.__table__.c.userId).where(BA.__table__.c.id.eq(a1.id)))).toBe(u2.id);
      await s.rollback();
    });

    it("test_add_persistent / test_remove_persistent", async () => {
      await using s = session();
      const [u1, a1] = await persistent(s);
      s.writeOnly(u1, User.addresses).add(a1);
      expect(s.writeOnly(u1, User.addresses).pending).toEqual({ added: [a1], removed: [] });
      await s.flush();
      s.expireAll();
      s.writeOnly(u1, User.addresses).remove(a1);
      expect(s.writeOnly(u1, User.addresses).pending).toEqual({ added: [], removed: [a1] });
      await s.rollback();
    });

    it("test_unchanged_persistent / test_persistent_but_readded: only what was queued since the flush", async () => {
      await using s = session();
      const [u1, a1] = await persistent(s);
      const [a2, a3] = [new Address({ email: "a2" }), new Address({ email: "a3" })];
      s.writeOnly(u1, User.addresses).addAll([a1, a2]);
      await s.flush();
      s.writeOnly(u1, User.addresses).add(a3);
      s.writeOnly(u1, User.addresses).remove(a2);
      expect(s.writeOnly(u1, User.addresses).pending).toEqual({ added: [a3], removed: [a2] });
      await s.flush();
      s.writeOnly(u1, User.addresses).add(a1);
      expect(s.writeOnly(u1, User.addresses).pending).toEqual({ added: [a1], removed: [] });
      await s.rollback();
    });

    it("test_missing_but_removed_noflush", async () => {
      await using s = session({ autoflush: false });
      const [u1, a1] = await persistent(s);
      s.writeOnly(u1, User.addresses).remove(a1);
      expect(s.writeOnly(u1, User.addresses).pending).toEqual({ added: [], removed: [a1] });
      await s.rollback();
    });
  });
});

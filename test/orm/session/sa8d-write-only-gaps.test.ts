/**
 * Write-only collections, the cases of SQLAlchemy's test/orm/test_dynamic.py (WriteOnlyUOWTest,
 * WriteOnlyHistoryTest via _HistoryTest, the _UOWTests shared ones) that
 * sa7a-write-only.test.ts does not cover: replacing the collection by assignment
 * (test_hasattr, test_collection_set, test_replace_transient, test_replace_persistent), the
 * attribute's History (`inspect(obj).attrs.addresses.history` / getHistory(), SQLAlchemy's
 * `get_history(..., PASSIVE_NO_FETCH)`), merge() with a populated write-only collection
 * (test_merge_persistent: persistent / transient) and deleting a parent without passiveDeletes
 * (test_passive_deletes_required, plus its many-to-many analogue).
 *
 * Adapted: the write-only collection object is `session.writeOnly(obj, User.addresses)`
 * (SQLAlchemy's `u1.addresses`); the `LOAD_AGAINST_COMMITTED` comparisons are the same history
 * since athanor never loads a write-only collection. Not ported: the backref_pop_persistent
 * variants that rely on an `active_history` backref loading the old value (athanor does not load
 * implicitly).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AsyncSession, Column, createAsyncEngine, DeclarativeBase, delete_, ForeignKey, func, inspect, Integer, InvalidRequestError, mappedColumn, relationship, select,
  String, Table, writeOnly, writeOnlyCollection, type AsyncEngine, type SessionOptions,
} from "athanor";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver } from "../../fixtures/databases.js";

const p = uniqueName("sa8d_wo");
const t = (n: string): string => `${p}_${n}`;

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function userAddress(tag: string, opts: { cascade?: string; backref?: boolean } = {}) {
  class Base extends DeclarativeBase {}
  const users = t(`${tag}_users`);
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { nullable: true }),
  }) {
    static addresses = writeOnly(() => Address, {
      orderBy: () => Address.email,
      ...(opts.backref ? { backPopulates: "user" } : {}),
      ...(opts.cascade !== undefined ? { cascade: opts.cascade } : {}),
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
const backref = userAddress("b", { backref: true });
const orphans = userAddress("o", { backref: true, cascade: "all, delete-orphan" });

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
}) {}

const allMetadata = [plain, backref, orphans].map((m) => m.Base.metadata).concat([M2MBase.metadata]);

type Hist = { added: readonly unknown[]; unchanged: readonly unknown[]; deleted: readonly unknown[] };
/** SQLAlchemy's `_assert_history`: the write-only attribute's History as three lists. */
function history(obj: object, key = "addresses"): Hist {
  const h = inspect(obj).attrs[key].history;
  return { added: h.added, unchanged: h.unchanged, deleted: h.deleted };
}
const hist = (added: unknown[], unchanged: unknown[], deleted: unknown[]): Hist => ({ added, unchanged, deleted });
const assign = (obj: object, key: string, value: object[]): void => {
  (obj as Record<string, unknown>)[key] = value;
};
const noIteration = new InvalidRequestError(`Collection "User.addresses" does not support implicit iteration; collection replacement operations can't be used`);

describe("assignment and history without a database", () => {
  const { User, Address } = plain;
  it("test_hasattr: assigning a list to a new object's attribute queues its items", () => {
    const u1 = new User({ name: "jack" });
    expect(inspect(u1).attrs.addresses.history.empty()).toBe(true);
    const a = new Address({ email: "test" });
    assign(u1, "addresses", [a]);
    expect(history(u1)).toEqual(hist([a], [], []));
  });

  it("test_replace_transient: a second assignment replaces the queued items", () => {
    const u1 = new User({});
    const [a1, a2, a3, a4, a5] = ["a1", "a2", "a3", "a4", "a5"].map((email) => new Address({ email }));
    assign(u1, "addresses", [a1, a2]);
    assign(u1, "addresses", [a2, a3, a4, a5]);
    expect(history(u1)).toEqual(hist([a2, a3, a4, a5], [], []));
    expect(writeOnlyCollection(u1, User.addresses).pending).toEqual({ added: [a2, a3, a4, a5], removed: [] });
  });

  it("the constructor takes the collection as queued items (SQLAlchemy's User(addresses=[...]))", () => {
    const [a1, a2] = [new Address({ email: "a1" }), new Address({ email: "a2" })];
    const u1 = new User({ name: "jack", addresses: [a1, a2] });
    expect(history(u1)).toEqual(hist([a1, a2], [], []));
  });

  it("test_add_transient / test_remove_transient", () => {
    const u1 = new User({});
    const a1 = new Address({});
    writeOnlyCollection(u1, User.addresses).add(a1);
    expect(history(u1)).toEqual(hist([a1], [], []));
    writeOnlyCollection(u1, User.addresses).remove(a1);
    expect(history(u1)).toEqual(hist([], [], []));
  });

  it("test_backref_pop_transient: the many-to-one set elsewhere leaves the history", () => {
    const { User: BU, Address: BA } = backref;
    const u1 = new BU({});
    const a1 = new BA({});
    writeOnlyCollection(u1, BU.addresses).add(a1);
    expect(history(u1)).toEqual(hist([a1], [], []));
    a1.user = null;
    expect(history(u1)).toEqual(hist([], [], []));
  });
});

describe.each(dialectTargets())("write-only gaps (SQLAlchemy test_dynamic) on $name", (target) => {
  let engine: AsyncEngine;
  let counting: CountingDriver;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
    await engine.begin(async (conn) => {
      for (const md of allMetadata) await md.createAll(conn);
    });
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
    await engine.begin(async (conn) => {
      for (const md of allMetadata) for (const tb of [...md.sortedTables].reverse()) await conn.execute(delete_(tb));
    });
    counting.reset();
  });
  const session = (opts?: SessionOptions): AsyncSession => new AsyncSession(engine, opts);
  const sent = (): string[] => counting.statements.filter((s) => !/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/.test(s));

  describe("assignment (_UOWTests / _HistoryTest)", () => {
    const { User, Address } = plain;
    it("test_collection_set: a pending object's list is flushed; once persistent, replacement raises", async () => {
      await using s = session({ autoflush: true });
      const u1 = new User({ name: "jack" });
      const [a1, a2, a3, a4] = ["a1", "a2", "a3", "a4"].map((email) => new Address({ email }));
      s.add(u1);
      assign(u1, "addresses", [a1, a3]);
      expect((await s.scalars(s.writeOnly(u1, User.addresses).select())).all()).toEqual([a1, a3]);
      counting.reset();
      expect(() => assign(u1, "addresses", [a1, a2, a4])).toThrow(noIteration);
      // Nothing was queued or written by the refused assignment.
      expect(history(u1)).toEqual(hist([], [], []));
      expect(s.new).toEqual([]);
      expect(sent()).toEqual([]);
      await s.rollback();
    });

    for (const autoflush of [true, false]) {
      it(`test_replace_persistent (autoflush=${autoflush}): an object with an identity refuses replacement`, async () => {
        await using s = session({ autoflush });
        const u1 = new User({ name: "u1" });
        s.add(u1);
        await s.flush();
        const [a1, a2] = [new Address({ email: "a1" }), new Address({ email: "a2" })];
        expect(() => assign(u1, "addresses", [a1, a2])).toThrow(noIteration);
        s.expunge(u1);
        // Detached still has an identity.
        expect(() => assign(u1, "addresses", [])).toThrow(noIteration);
        await s.rollback();
      });
    }
  });

  describe("WriteOnlyHistoryTest (History of the attribute)", () => {
    const { User, Address } = plain;
    const persistent = async (s: AsyncSession): Promise<[InstanceType<typeof User>, InstanceType<typeof Address>]> => {
      const u1 = new User({ name: "u1" });
      const a1 = new Address({ email: "a1" });
      s.add(u1);
      await s.flush();
      return [u1, a1];
    };

    it("test_add_persistent", async () => {
      await using s = session();
      const [u1, a1] = await persistent(s);
      s.writeOnly(u1, User.addresses).add(a1);
      expect(history(u1)).toEqual(hist([a1], [], []));
      await s.rollback();
    });

    it("test_remove_persistent: after flush and expireAll, a remove is deleted history", async () => {
      await using s = session();
      const [u1, a1] = await persistent(s);
      s.writeOnly(u1, User.addresses).add(a1);
      await s.flush();
      s.expireAll();
      s.writeOnly(u1, User.addresses).remove(a1);
      expect(history(u1)).toEqual(hist([], [], [a1]));
      await s.rollback();
    });

    it("test_unchanged_persistent: only what was queued since the flush (compare_passive)", async () => {
      await using s = session();
      const [u1, a1] = await persistent(s);
      const [a2, a3] = [new Address({ email: "a2" }), new Address({ email: "a3" })];
      s.writeOnly(u1, User.addresses).add(a1);
      s.writeOnly(u1, User.addresses).add(a2);
      await s.flush();
      s.writeOnly(u1, User.addresses).add(a3);
      s.writeOnly(u1, User.addresses).remove(a2);
      expect(history(u1)).toEqual(hist([a3], [], [a2]));
      await s.rollback();
    });

    for (const autoflush of [true, false]) {
      it(`test_persistent_but_readded (autoflush=${autoflush})`, async () => {
        await using s = session({ autoflush });
        const [u1, a1] = await persistent(s);
        s.writeOnly(u1, User.addresses).add(a1);
        await s.flush();
        s.writeOnly(u1, User.addresses).add(a1);
        expect(history(u1)).toEqual(hist([a1], [], []));
        await s.rollback();
      });
    }

    it("test_missing_but_removed_noflush", async () => {
      await using s = session({ autoflush: false });
      const [u1, a1] = await persistent(s);
      s.writeOnly(u1, User.addresses).remove(a1);
      expect(history(u1)).toEqual(hist([], [], [a1]));
      await s.rollback();
    });

    it("the flush empties the history", async () => {
      await using s = session();
      const [u1, a1] = await persistent(s);
      s.writeOnly(u1, User.addresses).add(a1);
      expect(history(u1).added).toEqual([a1]);
      await s.flush();
      expect(history(u1)).toEqual(hist([], [], []));
      expect(a1.userId).toBe(u1.id);
      await s.rollback();
    });
  });

  describe("WriteOnlyUOWTest.test_merge_persistent", () => {
    const { User, Address } = plain;
    it("merge_type=persistent: a populated collection merged onto a persistent object raises", async () => {
      await using s = session({ autoflush: false });
      const [a1, a2, a3] = ["a1", "a2", "a3"].map((email) => new Address({ email }));
      const u1 = new User({ name: "jack", addresses: [a2, a3] });
      s.addAll([u1, a1]);
      await s.flush();
      const other = new User({ id: u1.id, name: "jane", addresses: [a1, a3] });
      await expect(s.merge(other)).rejects.toThrow(noIteration);
      // The collection of the session's object was not touched.
      expect(history(u1)).toEqual(hist([], [], []));
      await s.rollback();
    });

    it("merge_type=transient: merging a new object carries its queued items (no iteration implied)", async () => {
      await using s = session({ autoflush: false });
      const [a1, a2, a3] = ["a1", "a2", "a3"].map((email) => new Address({ email }));
      const merged = await s.merge(new User({ name: "jack", addresses: [a2, a3] }));
      s.add(a1);
      const added = history(merged).added as object[];
      expect(added).toHaveLength(2);
      expect(added.map((a) => (a as InstanceType<typeof Address>).email)).toEqual(["a2", "a3"]);
      // merge() copies the items: the originals stay out of the session.
      expect(added).not.toContain(a2);
      await s.flush();
      expect((await s.scalars(s.writeOnly(merged, User.addresses).select())).all().map((a) => a.email)).toEqual(["a2", "a3"]);
      expect(await s.scalar(select(func.count()).selectFrom(Address.__table__))).toBe(3);
      await s.rollback();
    });

    it("merge_type=empty: the merged object's history stays empty", async () => {
      await using s = session({ autoflush: false });
      const [a2, a3] = ["a2", "a3"].map((email) => new Address({ email }));
      const u1 = new User({ name: "jack", addresses: [a2, a3] });
      s.add(u1);
      await s.flush();
      const merged = await s.merge(new User({ id: u1.id, name: "jane" }));
      expect(merged).toBe(u1);
      expect(history(merged)).toEqual(hist([], [], []));
      await s.flush();
      expect((await s.scalars(s.writeOnly(merged, User.addresses).select())).all()).toEqual([a2, a3]);
      await s.rollback();
    });
  });

  describe("WriteOnlyUOWTest.test_passive_deletes_required", () => {
    const message = (name: string): InvalidRequestError =>
      new InvalidRequestError(
        `Attribute ${name} can't load the existing state from the database for this operation; full iteration is not permitted.  If this is a delete operation, configure passiveDeletes: true on the ${name} relationship in order to resolve this error.`,
      );

    it("with delete-orphan cascade too: the flush raises before any statement, and the session can roll back", async () => {
      const { User, Address } = orphans;
      await using s = session();
      const u = new User({ name: "ed", addresses: [..."abc"].map((email) => new Address({ email })) });
      s.add(u);
      await s.commit();
      await s.delete(u);
      counting.reset();
      await expect(s.flush()).rejects.toThrow(message("User.addresses"));
      expect(sent()).toEqual([]);
      await s.rollback();
      expect(await s.scalar(select(func.count()).selectFrom(Address.__table__))).toBe(3);
    });

    it("an empty collection raises as well: its rows are unknown without loading", async () => {
      const { User } = plain;
      await using s = session();
      const u = new User({ name: "ed" });
      s.add(u);
      await s.commit();
      await s.delete(u);
      await expect(s.commit()).rejects.toThrow(message("User.addresses"));
      await s.rollback();
    });

    it("many-to-many: deleting a parent of a write-only secondary collection raises", async () => {
      await using s = session();
      const o = new Order({ description: "o1" });
      writeOnlyCollection(o, Order.items).add(new Item({ description: "i1" }));
      s.add(o);
      await s.commit();
      await s.delete(o);
      await expect(s.commit()).rejects.toThrow(message("Order.items"));
      await s.rollback();
      expect(await s.scalar(select(func.count()).selectFrom(orderItems))).toBe(1);
    });
  });
});

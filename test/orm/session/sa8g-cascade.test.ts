/**
 * SQLAlchemy's test/orm/test_cascade.py, more of it (test/orm/unitofwork/sa-cascade.test.ts has
 * O2MCascadeDeleteOrphanTest): O2MCascadeDeleteNoOrphanTest, NoSaveCascadeFlushTest (a related
 * object outside the session is skipped with "not in session" SAWarning), the 2.0 removal of
 * cascade_backrefs (NoBackrefCascadeTest), M2OCascadeDeleteOrphanTestOne, M2MCascadeTest,
 * PendingOrphanTestSingleLevel / TwoLevel, DoubleParentO2MOrphanTest (the "current" orphan
 * rule: an object is an orphan as soon as one delete-orphan parent lets go) and
 * CollectionAssignmentOrphanTest.
 *
 * Adapted: `backref=` is written as `backPopulates` on both sides; appends that SQLAlchemy's
 * instrumented lists report at once are written as assignments where the test checks session
 * membership before the flush (a plain array reports nothing until the flush), and as in-place
 * pushes otherwise. The many-to-one and many-to-many delete-orphan models declare
 * `singleParent: true`, as SQLAlchemy's do. Skipped: test_single_parent_* (the runtime
 * single-parent check), legacy_is_orphan mapper option (the *_legacy variants), lazy="dynamic"
 * (test_delete_orphan_dynamic), _legacy_inactive_history_style.
 */
import {
  AsyncSession, Column, DBAPIError, DeclarativeBase, ForeignKey, func, inspect, Integer, mappedColumn, relationship, select, selectinload,
  String, Table, warnings, type AthanorWarning,
} from "athanor";
import { describe, expect, it } from "vitest";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useSqlLog, type SqlLog } from "../unitofwork/sa3-uow-sql.helpers.js";

async function count(s: AsyncSession, t: { name: string } & Parameters<ReturnType<typeof select>["selectFrom"]>[0]): Promise<number> {
  return Number(await s.scalar(select(func.count()).selectFrom(t)));
}

async function caught(f: () => Promise<unknown>): Promise<string[]> {
  const ws: AthanorWarning[] = await warnings.catch(f);
  return ws.map((w) => w.message);
}

/** users / addresses with the cascades of NoSaveCascadeFlushTest._one_to_many_fixture. */
function o2mModels(o2m: boolean, m2o: boolean, o2mCascade: string, m2oCascade: string) {
  class Base extends DeclarativeBase {}
  const users = uniqueName("sa8g_ns_users");
  const addresses = uniqueName("sa8g_ns_addresses");
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { nullable: true }),
  }) {
    static addresses = o2m ? relationship(() => Address, { cascade: o2mCascade, ...(m2o ? { backPopulates: "user" } : {}) }) : undefined;
    declare addresses: Address[];
  }
  class Address extends Base.model(addresses, {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${users}.id`), { nullable: true }),
    email_address: mappedColumn(String(50), { nullable: true }),
  }) {
    static user = m2o ? relationship(() => User, { cascade: m2oCascade, ...(o2m ? { backPopulates: "addresses" } : {}) }) : undefined;
    declare user: User | null;
  }
  return { Base, User, Address };
}

/** items / keywords with the cascades of NoSaveCascadeFlushTest._many_to_many_fixture. */
function m2mModels(fwd: boolean, bkd: boolean, fwdCascade: string, bkdCascade: string) {
  class Base extends DeclarativeBase {}
  const items = uniqueName("sa8g_ns_items");
  const keywords = uniqueName("sa8g_ns_keywords");
  const itemKeywords = new Table(uniqueName("sa8g_ns_item_keywords"), Base.metadata, {
    item_id: new Column(new ForeignKey(`${items}.id`), { nullable: false }),
    keyword_id: new Column(new ForeignKey(`${keywords}.id`), { nullable: false }),
  });
  class Item extends Base.model(items, {
    id: mappedColumn(Integer, { primaryKey: true }),
    description: mappedColumn(String(30), { nullable: true }),
  }) {
    static keywords = fwd ? relationship(() => Keyword, { secondary: itemKeywords, cascade: fwdCascade, ...(bkd ? { backPopulates: "items" } : {}) }) : undefined;
    declare keywords: Keyword[];
  }
  class Keyword extends Base.model(keywords, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { nullable: true }),
  }) {
    static items = bkd ? relationship(() => Item, { secondary: itemKeywords, cascade: bkdCascade, ...(fwd ? { backPopulates: "keywords" } : {}) }) : undefined;
    declare items: Item[];
  }
  return { Base, Item, Keyword, itemKeywords };
}

const NOT_IN_SESSION = /not in session/;

describe.each(dialectTargets())("NoSaveCascadeFlushTest / NoBackrefCascadeTest (test_cascade.py) on $name", (target) => {
  const o2mOnly = o2mModels(true, false, "save-update", "");
  const o2mOnlyNo = o2mModels(true, false, "", "");
  const o2mBackNo = o2mModels(true, true, "", "save-update");
  const m2oOnlyNo = o2mModels(false, true, "", "");
  const m2oOnly = o2mModels(false, true, "", "save-update");
  const m2oBackNo = o2mModels(true, true, "save-update", "");
  const both = o2mModels(true, true, "save-update", "save-update");
  const m2mOnlyNo = m2mModels(true, false, "", "");
  const m2mBack = m2mModels(true, true, "save-update", "save-update");
  const all = [o2mOnly, o2mOnlyNo, o2mBackNo, m2oOnlyNo, m2oOnly, m2oBackNo, both, m2mOnlyNo, m2mBack];
  const log: SqlLog = useSqlLog(target, all.map((m) => m.Base.metadata));
  const session = (opts = {}) => new AsyncSession(log.engine, opts);

  it("test_o2m_only_child_pending: the save-update cascade brings the child in", async () => {
    const { User, Address } = o2mOnly;
    await using s = session();
    const u1 = new User({ name: "u1", addresses: [new Address({ email_address: "a1" })] });
    s.add(u1);
    expect([s.contains(u1), s.contains(u1.addresses[0])]).toEqual([true, true]);
    expect(await caught(() => s.flush())).toEqual([]);
    expect(u1.addresses[0].user_id).toBe(u1.id);
  });

  it("test_o2m_only_child_transient: without the cascade the child stays out; the flush warns and writes the parent only", async () => {
    const { User, Address } = o2mOnlyNo;
    await using s = session();
    const u1 = new User({ name: "u1" });
    const a1 = new Address({ email_address: "a1" });
    u1.addresses.push(a1);
    s.add(u1);
    expect([s.contains(u1), s.contains(a1)]).toEqual([true, false]);
    log.reset();
    expect(await caught(() => s.flush())).toEqual([
      "Object of type <Address> not in session, add operation along 'User.addresses' will not proceed",
    ]);
    expect(log.sent.map(([sql]) => sql.split(" (")[0])).toEqual([`INSERT INTO ${User.__table__.name}`]);
    expect(inspect(a1).transient).toBe(true);
    expect(a1.user_id).toBeUndefined();
  });

  it("test_o2m_only_child_persistent: a detached child is not re-added; its foreign key is left alone", async () => {
    const { User, Address } = o2mOnlyNo;
    await using s = session();
    const a1 = new Address({ email_address: "a1" });
    s.add(a1);
    await s.flush();
    s.expungeAll();
    const u1 = new User({ name: "u1" });
    u1.addresses.push(a1);
    s.add(u1);
    expect([s.contains(u1), s.contains(a1)]).toEqual([true, false]);
    const w = await caught(() => s.flush());
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(NOT_IN_SESSION);
    expect(await s.scalar(select(Address.user_id))).toBeNull();
  });

  it("test_o2m_backref_child_transient / _nochange: the collection is empty once reloaded", async () => {
    const { User, Address } = o2mBackNo;
    await using s = session();
    const u1 = new User({ name: "u1" });
    const a1 = new Address({ email_address: "a1" });
    u1.addresses.push(a1);
    s.add(u1);
    expect(s.contains(a1)).toBe(false);
    expect(await caught(() => s.commit())).toEqual([
      "Object of type <Address> not in session, add operation along 'User.addresses' will not proceed",
    ]);
    await s.refresh(u1, ["addresses"]);
    expect(u1.addresses).toEqual([]);
  });

  it("test_o2m_backref_child_expunged / _nochange: an expunged child is skipped with the warning", async () => {
    const { User, Address } = o2mBackNo;
    await using s = session();
    const a1 = new Address({ email_address: "a1" });
    s.add(a1);
    await s.flush();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    u1.addresses = [a1];
    s.expunge(a1);
    expect([s.contains(u1), s.contains(a1)]).toEqual([true, false]);
    expect(await caught(() => s.commit())).toEqual([
      "Object of type <Address> not in session, add operation along 'User.addresses' will not proceed",
    ]);
    await s.refresh(u1, ["addresses"]);
    expect(u1.addresses).toEqual([]);
  });

  it("test_m2o_only_child_pending: the many-to-one's save-update cascade brings the parent in", async () => {
    const { User, Address } = m2oOnly;
    await using s = session();
    const u1 = new User({ name: "u1" });
    const a1 = new Address({ email_address: "a1", user: u1 });
    s.add(a1);
    expect([s.contains(u1), s.contains(a1)]).toEqual([true, true]);
    expect(await caught(() => s.flush())).toEqual([]);
    expect(a1.user_id).toBe(u1.id);
  });

  it("test_m2o_only_child_transient: a transient target is skipped with the warning; the foreign key stays NULL", async () => {
    const { User, Address } = m2oOnlyNo;
    await using s = session();
    const u1 = new User({ name: "u1" });
    const a1 = new Address({ email_address: "a1" });
    a1.user = u1;
    s.add(a1);
    expect([s.contains(u1), s.contains(a1)]).toEqual([false, true]);
    log.reset();
    expect(await caught(() => s.flush())).toEqual([
      "Object of type <User> not in session, add operation along 'Address.user' won't proceed",
    ]);
    expect(log.sent).toEqual([[`INSERT INTO ${Address.__table__.name} (user_id, email_address) VALUES (?, ?) RETURNING ${Address.__table__.name}.id`, [null, "a1"]]]);
  });

  it("test_m2o_only_child_expunged: an expunged target is skipped with the warning", async () => {
    const { User, Address } = m2oOnlyNo;
    await using s = session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await s.flush();
    const a1 = new Address({ email_address: "a1" });
    a1.user = u1;
    s.add(a1);
    s.expunge(u1);
    expect([s.contains(u1), s.contains(a1)]).toEqual([false, true]);
    const w = await caught(() => s.flush());
    expect(w).toEqual(["Object of type <User> not in session, add operation along 'Address.user' won't proceed"]);
    expect(await s.scalar(select(Address.user_id))).toBeNull();
  });

  it("test_m2o_backref_future_child_pending (cascade_backrefs removed): setting the many-to-one of a transient object does not add it", async () => {
    const { User, Address } = m2oBackNo;
    await using s = session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await s.flush();
    await s.refresh(u1, ["addresses"]);
    const a1 = new Address({ email_address: "a1" });
    a1.user = u1;
    expect(u1.addresses).toEqual([a1]);
    expect(s.contains(a1)).toBe(false);
    expect(await caught(() => s.flush())).toEqual([
      "Object of type <Address> not in session, add operation along 'User.addresses' will not proceed",
    ]);
    expect(inspect(a1).transient).toBe(true);
    expect(await count(s, Address.__table__)).toBe(0);
  });

  it("test_m2o_backref_future_child_expunged: the target expunged, the flush warns along the many-to-one", async () => {
    const { User, Address } = m2oBackNo;
    await using s = session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    await s.flush();
    const a1 = new Address({ email_address: "a1" });
    a1.user = u1;
    expect(s.contains(a1)).toBe(false);
    s.add(a1);
    s.expunge(u1);
    expect([s.contains(u1), s.contains(a1)]).toEqual([false, true]);
    const w = await caught(() => s.flush());
    expect(w).toEqual(["Object of type <User> not in session, add operation along 'Address.user' won't proceed"]);
  });

  it("NoBackrefCascadeTest.test_o2m_basic / test_o2m_commit_warns: a backref never cascades; the commit warns and leaves the child out", async () => {
    const { User, Address } = both;
    await using s = session();
    const u1 = new User({ name: "u1" });
    s.add(u1);
    const a1 = new Address({ email_address: "a1" });
    a1.user = u1;
    expect(u1.addresses).toEqual([a1]);
    expect(s.contains(a1)).toBe(false);
    expect(await caught(() => s.commit())).toEqual([
      "Object of type <Address> not in session, add operation along 'User.addresses' will not proceed",
    ]);
    expect(s.contains(a1)).toBe(false);
    expect([await count(s, User.__table__), await count(s, Address.__table__)]).toEqual([1, 0]);
  });

  it("NoBackrefCascadeTest.test_m2o_on_backref_no_cascade: a push onto a transient parent's collection does not add the parent", async () => {
    const { User, Address } = both;
    await using s = session();
    const a1 = new Address({ email_address: "a1" });
    s.add(a1);
    const u1 = new User({ name: "u1" });
    u1.addresses.push(a1);
    expect(a1.user).toBe(u1);
    expect(s.contains(u1)).toBe(false);
  });

  it("NoBackrefCascadeTest.test_m2o_commit_no_cascade: the many-to-one set by the backref is skipped with the warning", async () => {
    const { User, Address } = both;
    await using s = session();
    const a1 = new Address({ email_address: "a1" });
    s.add(a1);
    const u1 = new User({ name: "u1" });
    u1.addresses.push(a1);
    expect(s.contains(u1)).toBe(false);
    expect(await caught(() => s.commit())).toEqual([
      "Object of type <User> not in session, add operation along 'Address.user' won't proceed",
    ]);
    expect([await count(s, User.__table__), await count(s, Address.__table__)]).toEqual([0, 1]);
    expect(await s.scalar(select(Address.user_id))).toBeNull();
  });

  it("test_m2m_only_child_transient: no association row for a keyword outside the session", async () => {
    const { Item, Keyword, itemKeywords } = m2mOnlyNo;
    await using s = session();
    const i1 = new Item({ description: "i1" });
    const k1 = new Keyword({ name: "k1" });
    i1.keywords.push(k1);
    s.add(i1);
    expect([s.contains(i1), s.contains(k1)]).toEqual([true, false]);
    expect(await caught(() => s.flush())).toEqual([
      "Object of type <Keyword> not in session, add operation along 'Item.keywords' won't proceed",
    ]);
    expect(await count(s, itemKeywords)).toBe(0);
    expect(await count(s, Keyword.__table__)).toBe(0);
  });

  it("test_m2m_backref_future_child_pending (#10090): appending through the backref of a transient keyword does not add it", async () => {
    const { Item, Keyword, itemKeywords } = m2mBack;
    await using s = session();
    const i1 = new Item({ description: "i1" });
    s.add(i1);
    await s.flush();
    await s.refresh(i1, ["keywords"]);
    const k1 = new Keyword({ name: "k1" });
    k1.items = [i1];
    expect(i1.keywords).toEqual([k1]);
    expect(s.contains(k1)).toBe(false);
    expect(await caught(() => s.flush())).toEqual([
      "Object of type <Keyword> not in session, add operation along 'Item.keywords' won't proceed",
    ]);
    expect(s.contains(k1)).toBe(false);
    expect(await count(s, itemKeywords)).toBe(0);
    expect(await count(s, Keyword.__table__)).toBe(0);
  });
});

/** M2OCascadeDeleteOrphanTestOne: users.pref (many-to-one, "all, delete-orphan"), prefs.extra ("all, delete"), users.foo. */
function m2oOrphanModels() {
  class Base extends DeclarativeBase {}
  const prefs = uniqueName("sa8g_prefs");
  const foo = uniqueName("sa8g_foo");
  class Extra extends Base.model(uniqueName("sa8g_extra"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    prefs_id: mappedColumn(ForeignKey(`${prefs}.id`), { nullable: true }),
  }) {}
  class Pref extends Base.model(prefs, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(40), { nullable: true }),
  }) {
    static extra = relationship(() => Extra, { cascade: "all, delete" });
    declare extra: Extra[];
  }
  class Foo extends Base.model(foo, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(40), { nullable: true }),
  }) {}
  class User extends Base.model(uniqueName("sa8g_m2o_users"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(40), { nullable: true }),
    pref_id: mappedColumn(ForeignKey(`${prefs}.id`), { nullable: true }),
    foo_id: mappedColumn(ForeignKey(`${foo}.id`), { nullable: true }),
  }) {
    static pref = relationship(() => Pref, { lazy: "joined", cascade: "all, delete-orphan", singleParent: true });
    declare pref: Pref | null;
    static foo = relationship(() => Foo);
    declare foo: Foo | null;
  }
  return { Base, User, Pref, Extra, Foo };
}

/** M2MCascadeTest: a ↔ b through atob ("all, delete-orphan"), b → c ("all, delete-orphan"). */
function m2mCascadeModels() {
  class Base extends DeclarativeBase {}
  const a = uniqueName("sa8g_a");
  const b = uniqueName("sa8g_b");
  const atob = new Table(uniqueName("sa8g_atob"), Base.metadata, {
    aid: new Column(new ForeignKey(`${a}.id`), { nullable: true }),
    bid: new Column(new ForeignKey(`${b}.id`), { nullable: true }),
  });
  class C extends Base.model(uniqueName("sa8g_c"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(30), { nullable: true }),
    bid: mappedColumn(ForeignKey(`${b}.id`), { nullable: true }),
  }) {}
  class B extends Base.model(b, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {
    static cs = relationship(() => C, { cascade: "all, delete-orphan" });
    declare cs: C[];
  }
  class A extends Base.model(a, {
    id: mappedColumn(Integer, { primaryKey: true }),
    data: mappedColumn(String(30), { nullable: true }),
  }) {
    static bs = relationship(() => B, { secondary: atob, cascade: "all, delete-orphan", singleParent: true });
    declare bs: B[];
  }
  return { Base, A, B, C, atob };
}

/** users → orders ("all", no delete-orphan): O2MCascadeDeleteNoOrphanTest. */
function noOrphanModels() {
  class Base extends DeclarativeBase {}
  const users = uniqueName("sa8g_no_users");
  class Order extends Base.model(uniqueName("sa8g_no_orders"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${users}.id`), { nullable: true }),
    description: mappedColumn(String(30), { nullable: true }),
  }) {}
  class User extends Base.model(users, {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(30), { nullable: true }),
  }) {
    static orders = relationship(() => Order, { cascade: "all" });
    declare orders: Order[];
  }
  return { Base, User, Order };
}

/** PendingOrphanTestSingleLevel / TwoLevel tables. */
function pendingOrphanModels() {
  class Base extends DeclarativeBase {}
  const users = uniqueName("sa8g_po_users");
  const order = uniqueName("sa8g_po_order");
  const item = uniqueName("sa8g_po_item");
  class Address extends Base.model(uniqueName("sa8g_po_addresses"), {
    address_id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${users}.user_id`), { nullable: true }),
    email_address: mappedColumn(String(40), { nullable: true }),
  }) {
    static user = relationship(() => User, { backPopulates: "addresses" });
    declare user: User | null;
  }
  class UOrder extends Base.model(uniqueName("sa8g_po_orders"), {
    order_id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${users}.user_id`), { nullable: false }),
  }) {}
  class User extends Base.model(users, {
    user_id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(40), { nullable: true }),
  }) {
    static addresses = relationship(() => Address, { cascade: "all,delete-orphan", backPopulates: "user" });
    declare addresses: Address[];
    static orders = relationship(() => UOrder, { cascade: "all, delete-orphan" });
    declare orders: UOrder[];
  }
  class Attribute extends Base.model(uniqueName("sa8g_po_attribute"), {
    id: mappedColumn(Integer, { primaryKey: true }),
    item_id: mappedColumn(ForeignKey(`${item}.id`), { nullable: false }),
  }) {}
  class Item extends Base.model(item, {
    id: mappedColumn(Integer, { primaryKey: true }),
    order_id: mappedColumn(ForeignKey(`${order}.id`), { nullable: false }),
  }) {
    static attributes = relationship(() => Attribute, { cascade: "all, delete-orphan" });
    declare attributes: Attribute[];
  }
  class Order extends Base.model(order, {
    id: mappedColumn(Integer, { primaryKey: true }),
  }) {
    static items = relationship(() => Item, { cascade: "all, delete-orphan" });
    declare items: Item[];
  }
  // Same tables, "all,delete" (no orphan): test_nonorphans_ok.
  class Base2 extends DeclarativeBase {}
  const users2 = uniqueName("sa8g_po2_users");
  class Address2 extends Base2.model(uniqueName("sa8g_po2_addresses"), {
    address_id: mappedColumn(Integer, { primaryKey: true }),
    user_id: mappedColumn(ForeignKey(`${users2}.user_id`), { nullable: true }),
    email_address: mappedColumn(String(40), { nullable: true }),
  }) {
    static user = relationship(() => User2, { backPopulates: "addresses" });
    declare user: User2 | null;
  }
  class User2 extends Base2.model(users2, {
    user_id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(40), { nullable: true }),
  }) {
    static addresses = relationship(() => Address2, { cascade: "all,delete", backPopulates: "user" });
    declare addresses: Address2[];
  }
  return { Base, Base2, User, Address, UOrder, Order, Item, Attribute, User2, Address2 };
}

/** DoubleParentO2MOrphanTest: customers owned by accounts and sales reps, both "all,delete-orphan". */
function doubleParentModels(uselist: boolean) {
  class Base extends DeclarativeBase {}
  const reps = uniqueName("sa8g_sales_reps");
  const accounts = uniqueName("sa8g_accounts");
  class Customer extends Base.model(uniqueName("sa8g_customers"), {
    customer_id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50), { nullable: true }),
    sales_rep_id: mappedColumn(ForeignKey(`${reps}.sales_rep_id`), { nullable: true }),
    account_id: mappedColumn(ForeignKey(`${accounts}.account_id`), { nullable: true }),
  }) {
    static account = relationship(() => Account, { backPopulates: "customers" });
    static sales_rep = relationship(() => SalesRep, { backPopulates: "customers" });
  }
  class Account extends Base.model(accounts, {
    account_id: mappedColumn(Integer, { primaryKey: true }),
    balance: mappedColumn(Integer, { nullable: true }),
  }) {
    static customers = relationship(() => Customer, { cascade: "all,delete-orphan", backPopulates: "account", uselist });
    declare customers: Customer[] | Customer | null;
  }
  class SalesRep extends Base.model(reps, {
    sales_rep_id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(String(50), { nullable: true }),
  }) {
    static customers = relationship(() => Customer, { cascade: "all,delete-orphan", backPopulates: "sales_rep", uselist });
    declare customers: Customer[] | Customer | null;
  }
  return { Base, Customer, Account, SalesRep };
}

describe.each(dialectTargets())("delete and delete-orphan cascades (test_cascade.py) on $name", (target) => {
  const m2o = m2oOrphanModels();
  const m2m = m2mCascadeModels();
  const noOrphan = noOrphanModels();
  const po = pendingOrphanModels();
  const dpList = doubleParentModels(true);
  const dpScalar = doubleParentModels(false);
  const log: SqlLog = useSqlLog(target, [m2o.Base.metadata, m2m.Base.metadata, noOrphan.Base.metadata, po.Base.metadata, po.Base2.metadata, dpList.Base.metadata, dpScalar.Base.metadata]);
  const session = (opts = {}) => new AsyncSession(log.engine, opts);

  it("O2MCascadeDeleteNoOrphanTest.test_cascade_delete_noorphans: a child removed before the parent's delete survives", async () => {
    const { User, Order } = noOrphan;
    await using s = session();
    const u = new User({ name: "jack", orders: [new Order({ description: "someorder" }), new Order({ description: "someotherorder" })] });
    s.add(u);
    await s.flush();
    expect([await count(s, User.__table__), await count(s, Order.__table__)]).toEqual([1, 2]);
    u.orders.splice(0, 1);
    s.delete(u);
    await s.flush();
    expect([await count(s, User.__table__), await count(s, Order.__table__)]).toEqual([0, 1]);
    expect((await s.execute(select(Order.description, Order.user_id))).all().map((r) => [...r])).toEqual([["someorder", null]]);
  });

  async function m2oData(s: AsyncSession): Promise<void> {
    const { User, Pref, Extra } = m2o;
    s.addAll(["ed", "jack", "foo"].map((name, i) => new User({ name, pref: new Pref({ data: `pref ${i + 1}`, extra: [new Extra()] }) })));
    await s.commit();
    s.expungeAll();
  }

  it("M2OCascadeDeleteOrphanTestOne.test_orphan: clearing the many-to-one deletes the pref and, through its delete cascade, its extra", async () => {
    const { User, Pref, Extra } = m2o;
    await using s = session();
    await m2oData(s);
    expect([await count(s, Pref.__table__), await count(s, Extra.__table__)]).toEqual([3, 3]);
    const jack = (await s.scalars(select(User).filterBy({ name: "jack" }))).one();
    jack.pref = null;
    await s.flush();
    expect([await count(s, Pref.__table__), await count(s, Extra.__table__)]).toEqual([2, 2]);
  });

  it("M2OCascadeDeleteOrphanTestOne.test_cascade_on_deleted: clearing a plain many-to-one and re-adding commits", async () => {
    const { User, Foo } = m2o;
    await using s = session({ expireOnCommit: true });
    const u1 = new User({ name: "jack", foo: new Foo({ data: "f1" }) });
    s.add(u1);
    await s.commit();
    u1.foo = null;
    expect(inspect(u1).attrs.foo.history).toEqual({ added: [null], unchanged: [], deleted: [] });
    s.add(u1);
    expect(s.contains(u1)).toBe(true);
    await s.commit();
    expect(await s.scalar(select(User.foo_id))).toBeNull();
    expect(await count(s, Foo.__table__)).toBe(1);
  });

  it("M2OCascadeDeleteOrphanTestOne.test_save_update_sends_pending: add() of a detached user cascades to the new and the replaced pref", async () => {
    const { User, Pref } = m2o;
    const s = session({ expireOnCommit: false });
    const [p1, p2] = [new Pref({ data: "p1" }), new Pref({ data: "p2" })];
    const u = new User({ name: "jack", pref: p1 });
    s.add(u);
    await s.commit();
    await s.close();
    u.pref = p2;
    s.add(u);
    expect([s.contains(p1), s.contains(p2)]).toEqual([true, true]);
    await s.commit();
    // p1 is an orphan now: deleted.
    expect((await s.scalars(select(Pref.data))).all()).toEqual(["p2"]);
    await s.close();
  });

  it("M2OCascadeDeleteOrphanTestOne.test_orphan_on_update: a detached user whose pref was cleared, re-added with the pref and its extra", async () => {
    const { User, Pref, Extra } = m2o;
    await using s = session();
    await m2oData(s);
    const jack = (await s.scalars(select(User).filterBy({ name: "jack" }).options(selectinload(User.pref).selectinload(Pref.extra)))).one();
    const p = jack.pref!;
    const e = p.extra[0];
    s.expungeAll();
    jack.pref = null;
    s.add(jack);
    s.add(p);
    s.add(e);
    expect([s.contains(p), s.contains(e)]).toEqual([true, true]);
    await s.flush();
    expect([await count(s, Pref.__table__), await count(s, Extra.__table__)]).toEqual([2, 2]);
  });

  it("M2OCascadeDeleteOrphanTestOne.test_pending_expunge: a pending pref replaced before the flush is expunged", async () => {
    const { User, Pref } = m2o;
    await using s = session();
    const someuser = new User({ name: "someuser" });
    s.add(someuser);
    await s.flush();
    const p1 = new Pref({ data: "somepref" });
    someuser.pref = p1;
    expect(s.contains(p1)).toBe(true);
    someuser.pref = new Pref({ data: "someotherpref" });
    expect(s.contains(p1)).toBe(false);
    await s.flush();
    expect((await s.scalars(select(Pref.data))).all()).toEqual(["someotherpref"]);
  });

  it("M2OCascadeDeleteOrphanTestOne.test_double_assignment: assigning the same new pref twice keeps it", async () => {
    const { User, Pref } = m2o;
    await using s = session();
    await m2oData(s);
    const jack = (await s.scalars(select(User).filterBy({ name: "jack" }))).one();
    const newpref = new Pref({ data: "newpref" });
    jack.pref = newpref;
    jack.pref = newpref;
    await s.flush();
    expect((await s.scalars(select(Pref.data).orderBy(Pref.id))).all()).toEqual(["pref 1", "pref 3", "newpref"]);
  });

  it("M2MCascadeTest.test_delete_orphan: removing b1 deletes its association row and b1", async () => {
    const { A, B, atob } = m2m;
    await using s = session();
    const b1 = new B({ data: "b1" });
    const a1 = new A({ data: "a1", bs: [b1] });
    s.add(a1);
    await s.flush();
    a1.bs.splice(a1.bs.indexOf(b1), 1);
    await s.flush();
    expect([await count(s, atob), await count(s, B.__table__), await count(s, A.__table__)]).toEqual([0, 0, 1]);
  });

  it("M2MCascadeTest.test_delete_orphan_cascades: the orphan's own delete-orphan children go too", async () => {
    const { A, B, C, atob } = m2m;
    await using s = session();
    const b1 = new B({ data: "b1", cs: [new C({ data: "c1" })] });
    const a1 = new A({ data: "a1", bs: [b1] });
    s.add(a1);
    await s.flush();
    a1.bs.splice(0, 1);
    await s.flush();
    expect([await count(s, atob), await count(s, B.__table__), await count(s, A.__table__), await count(s, C.__table__)]).toEqual([0, 0, 1, 0]);
  });

  it("M2MCascadeTest.test_cascade_delete: deleting a1 deletes its association rows and its bs", async () => {
    const { A, B, atob } = m2m;
    await using s = session();
    const a1 = new A({ data: "a1", bs: [new B({ data: "b1" })] });
    s.add(a1);
    await s.flush();
    s.delete(a1);
    await s.flush();
    expect([await count(s, atob), await count(s, B.__table__), await count(s, A.__table__)]).toEqual([0, 0, 0]);
  });

  it("M2MCascadeTest.test_none_m2m_collection_assignment: a null in an assigned collection is refused", async () => {
    const { A, B } = m2m;
    await using s = session();
    const a1 = new A({ data: "a1", bs: [null as unknown as InstanceType<typeof B>] });
    s.add(a1);
    await expect(s.commit()).rejects.toThrow("Can't flush None value found in collection A.bs");
  });

  it("PendingOrphanTestSingleLevel.test_pending_standalone_orphan: an orphan persists when its foreign key allows NULL", async () => {
    const { User, Address, UOrder } = po;
    await using s = session();
    const a = new Address();
    s.add(a);
    await s.commit();
    const o = new UOrder();
    s.add(o);
    await expect(s.commit()).rejects.toBeInstanceOf(DBAPIError);
    await s.rollback();
    const u = new User();
    s.add(u);
    await s.flush();
    const o2 = new UOrder({ user_id: u.user_id });
    s.add(o2);
    await s.commit();
    expect(s.contains(o2)).toBe(true);
    expect(s.new).not.toContain(o2);
  });

  it("PendingOrphanTestSingleLevel.test_pending_collection_expunge: a pending address removed from the collection is never written", async () => {
    const { User, Address } = po;
    await using s = session();
    const u = new User();
    s.add(u);
    await s.flush();
    await s.refresh(u, ["addresses"]);
    const a = new Address();
    u.addresses.push(a);
    expect(s.contains(a)).toBe(true);
    u.addresses.splice(u.addresses.indexOf(a), 1);
    expect(s.contains(a)).toBe(false);
    s.delete(u);
    await s.flush();
    expect(a.address_id).toBeUndefined();
    expect(await count(s, Address.__table__)).toBe(0);
  });

  it("PendingOrphanTestSingleLevel.test_nonorphans_ok: without delete-orphan a removed pending child is still saved", async () => {
    const { User2, Address2 } = po;
    await using s = session();
    const u = new User2({ name: "u1", addresses: [new Address2({ email_address: "ad1" })] });
    s.add(u);
    const a1 = u.addresses[0];
    u.addresses.splice(0, 1);
    expect(s.contains(a1)).toBe(true);
    await s.flush();
    s.expungeAll();
    expect((await s.execute(select(Address2.email_address, Address2.user_id))).all().map((r) => [...r])).toEqual([["ad1", null]]);
  });

  it("PendingOrphanTestTwoLevel.test_singlelevel_remove: an item pushed and removed before the commit is not written", async () => {
    const { Order, Item } = po;
    await using s = session();
    const o1 = new Order();
    s.add(o1);
    const i1 = new Item();
    o1.items.push(i1);
    o1.items.splice(o1.items.indexOf(i1), 1);
    await s.commit();
    await s.refresh(o1, ["items"]);
    expect(o1.items).not.toContain(i1);
    expect(await count(s, Item.__table__)).toBe(0);
  });

  it("PendingOrphanTestTwoLevel.test_multilevel_remove: removing a pending item expunges it and, by cascade, its attribute", async () => {
    const { Order, Item, Attribute } = po;
    await using s = session();
    const o1 = new Order();
    s.add(o1);
    const i1 = new Item();
    const a1 = new Attribute();
    i1.attributes.push(a1);
    o1.items.push(i1);
    expect([s.contains(i1), s.contains(a1)]).toEqual([true, true]);
    o1.items.splice(o1.items.indexOf(i1), 1);
    expect([s.contains(i1), s.contains(a1)]).toEqual([false, false]);
    await s.commit();
    expect([s.contains(o1), s.contains(a1), s.contains(i1)]).toEqual([true, false, false]);
    expect([await count(s, Item.__table__), await count(s, Attribute.__table__)]).toEqual([0, 0]);
  });

  async function doubleParent(m: ReturnType<typeof doubleParentModels>, uselist: boolean) {
    const { Customer, Account, SalesRep } = m;
    const s = session({ expireOnCommit: false, autoflush: false });
    const a = new Account({ balance: 0 });
    const sr = new SalesRep({ name: "John" });
    s.addAll([a, sr]);
    await s.commit();
    await s.refresh(a, ["customers"]);
    await s.refresh(sr, ["customers"]);
    const c = new Customer({ name: "Jane" });
    if (uselist) {
      (a.customers as InstanceType<typeof Customer>[]).push(c);
      (sr.customers as InstanceType<typeof Customer>[]).push(c);
    } else {
      a.customers = c;
      sr.customers = c;
    }
    expect(s.contains(c)).toBe(true);
    return { s, c, a, sr };
  }

  it("DoubleParentO2MOrphanTest.test_double_parent_expunge_o2m_current: leaving either parent's collection expunges the pending customer", async () => {
    const { s, c, a, sr } = await doubleParent(dpList, true);
    const ac = a.customers as object[];
    ac.splice(ac.indexOf(c), 1);
    expect(s.contains(c)).toBe(false);
    const sc = sr.customers as object[];
    sc.splice(sc.indexOf(c), 1);
    expect(s.contains(c)).toBe(false);
    await s.close();
  });

  it("DoubleParentO2MOrphanTest.test_double_parent_expunge_o2o_current: clearing either scalar parent expunges the pending customer", async () => {
    const { s, c, a, sr } = await doubleParent(dpScalar, false);
    a.customers = null;
    expect(s.contains(c)).toBe(false);
    sr.customers = null;
    expect(s.contains(c)).toBe(false);
    await s.close();
  });
});

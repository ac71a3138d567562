/**
 * `synonym()`, ported from SQLAlchemy's test/orm/test_mapper.py (MapperTest.test_synonym,
 * test_synonym_of_synonym, test_synonym_get_history, test_synonym_of_non_property_raises),
 * test/orm/test_query.py (SynonymTest: test_options, test_options_syn_of_syn, test_joins,
 * test_with_parent, test_froms_aliased_col; GetTest.test_get_synonym_direct_name /
 * test_get_synonym_indirect) and test/orm/test_utils.py (AliasedClassTest synonym
 * expressions), plus ORM DML `values()` by a synonym key. On PostgreSQL and libSQL.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  aliased, DeclarativeBase, delete as del, ForeignKey, getHistory, History, insert, Integer, InvalidRequestError, joinedload, mappedColumn, relationship, select,
  selectinload, String, synonym, update, withParent, inspect, foreign, defer, loadOnly, type Mapper, type InstrumentedAttribute, type RelationshipSpec,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "../loading/models.js";

const p = uniqueName("sa9a_syn");
const t = (n: string): string => `${p}_${n}`;
const fold = (s: string): string => s.replace(/\s*\n\s*/g, " ");

class Base extends DeclarativeBase {}
class User extends Base.model(t("users"), { id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }), name: mappedColumn(String(30)) }) {
  static uname = synonym<string>("name");
  declare uname: string;
  static nameSyn = synonym(() => User.name, { doc: "the name" });
  declare nameSyn: string;
  static x = synonym(() => User.id);
  declare x: number;
  static y = synonym<number>("x");
  declare y: number;
  static addresses = relationship(() => Address, { orderBy: () => Address.id });
  declare addresses: Address[];
  static adlist = synonym(() => User.addresses);
  declare adlist: Address[];
  static orders = relationship(() => Order, { backPopulates: "user", orderBy: () => Order.id });
  declare orders: Order[];
  static ordersSyn = synonym(() => User.orders);
  static ordersSyn2 = synonym(() => User.ordersSyn);
}
class Address extends Base.model(t("addresses"), {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  userId: mappedColumn(ForeignKey(`${t("users")}.id`), { name: "user_id", nullable: true }),
  email: mappedColumn(String(50)),
}) {}
class Order extends Base.model(t("orders"), {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  userId: mappedColumn(ForeignKey(`${t("users")}.id`), { name: "user_id", nullable: true }),
  description: mappedColumn(String(30)),
}) {
  static user = relationship(() => User, { backPopulates: "orders" });
  declare user: User | null;
}

/** test_synonym_of_non_property_raises: a synonym of a plain getter. */
class Odd extends Base.model(t("odd"), { id: mappedColumn(Integer, { primaryKey: true }) }) {
  get plain(): string {
    return "hi";
  }
  static y = synonym<string>("plain");
}

/** test_relationships SynonymsAsFKsTest: foreign() around a synonym of a key column. */
class TA extends Base.model(t("table_a"), { id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }), foo: mappedColumn(Integer, { nullable: true }) }) {
  static b = relationship(() => TB, { primaryjoin: () => TA.id.eq(foreign(TB.aId)), uselist: false });
  declare b: TB | null;
}
class TB extends Base.model(t("table_b"), {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  aIdCol: mappedColumn(Integer, { primaryKey: true, name: "_a_id", autoincrement: false }),
}) {
  static aId = synonym(() => TB.aIdCol);
  declare aId: number;
}

const U = t("users");
const A = t("addresses");
const O = t("orders");

describe("synonym() without a database", () => {
  it("class level: the target's SQL expression, typed as the target; inspect() lists it", () => {
    expect(User.uname.eq("jack").toString()).toBe(`${U}.name = :name_1`);
    expect(User.nameSyn.like("j%").toString()).toBe(`${U}.name LIKE :name_1`);
    expect(fold(select(User.id).where(User.y.eq(8)).toString())).toBe(`SELECT ${U}.id FROM ${U} WHERE ${U}.id = :id_1`);
    // The same cache key as the target: one compiled form serves both.
    const keyOf = (e: { _key(k: unknown): void }) => {
      const parts: unknown[] = [];
      e._key({ push: (...xs: unknown[]) => parts.push(...xs) });
      return JSON.stringify(parts);
    };
    expect(keyOf(User.uname as never)).toBe(keyOf(User.name as never));
    const m = inspect(User) as Mapper;
    expect([...m.synonyms.keys()]).toEqual(["uname", "nameSyn", "x", "y", "adlist", "ordersSyn", "ordersSyn2"]);
    expect(m.synonyms.get("y")!.name).toBe("x");
    expect(m.synonyms.get("nameSyn")!.doc).toBe("the name");
    // test_mapper DocumentTest: the synonym's doc, not its column's.
    expect(User.nameSyn.doc).toBe("the name");
    expect(User.uname.doc).toBeUndefined();
    expect(m.synonyms.get("y")!.property).toBe(m.getProperty("id"));
    expect(m.synonyms.get("adlist")!.property).toBe(m.getProperty("addresses"));
    // A relationship synonym is the relationship itself.
    expect(User.adlist).toBe(User.addresses);
    expect(User.ordersSyn2).toBe(User.orders);
  });

  it("types: a synonym's class attribute is typed as its target", () => {
    expectTypeOf(User.nameSyn).toEqualTypeOf<InstrumentedAttribute<string, string>>();
    expectTypeOf(User.uname).toEqualTypeOf<InstrumentedAttribute<string, string>>();
    expectTypeOf(User.x).toEqualTypeOf<InstrumentedAttribute<number, string>>();
    expectTypeOf(User.ordersSyn).toEqualTypeOf<RelationshipSpec<Order>>();
    expectTypeOf(User.ordersSyn2).toEqualTypeOf<RelationshipSpec<Order>>();
    // @ts-expect-error a string synonym compares with its declared type only
    void User.nameSyn.eq(5);
    expect(User.nameSyn.eq("x").toString()).toBe(`${U}.name = :name_1`);
  });

  it("test_synonym_of_non_property_raises: only mapped attributes can be named", () => {
    const msg = `synonym() attribute "Odd.plain" only supports ORM mapped attributes, got a property`;
    expect(() => inspect(Odd as never)).not.toThrow();
    expect(() => (inspect(Odd) as Mapper).synonyms.get("y")!.property).toThrow(new InvalidRequestError(msg));
    expect(() => Odd.y.eq("x")).toThrow(new InvalidRequestError(msg));
  });

  it("used before its class is adopted: a thunk synonym adopts the class, a string one raises", () => {
    class B3 extends DeclarativeBase {}
    const tn = uniqueName("sa9a_syn_early");
    class Early extends B3.model(tn, { id: mappedColumn(Integer, { primaryKey: true }), label: mappedColumn(String(20)) }) {
      static bySyn = synonym(() => Early.label);
    }
    expect(Early.bySyn.eq("x").toString()).toBe(`${tn}.label = :label_1`);
    class Late extends B3.model(uniqueName("sa9a_syn_late"), { id: mappedColumn(Integer, { primaryKey: true }), name: mappedColumn(String(20)) }) {
      static byName = synonym<string>("name");
    }
    expect(() => Late.byName.eq("x")).toThrow(InvalidRequestError);
    expect(() => Late.byName.eq("x")).toThrow(/synonym\("name"\) is not attached to a mapped class yet/);
    // Once the class is used, the same static is the attribute.
    void Late.id;
    expect(Late.byName.eq("x").toString()).toMatch(/\.name = :name_1$/);
  });

  it("a synonym under a column's key is refused, as a relationship() there is", () => {
    class B2 extends DeclarativeBase {}
    class Clash extends B2.model(uniqueName("sa9a_syn_clash"), { id: mappedColumn(Integer, { primaryKey: true }), data: mappedColumn(String(20)) }) {
      static data = synonym(() => Clash.id) as never;
    }
    expect(() => select(Clash)).toThrow(/column 'data' conflicts with property 'Clash\.data' \(a synonym\(\)\)/);
  });

  it("test_froms_aliased_col / test_utils: an alias's synonym is the alias's column", () => {
    const ua = aliased(User);
    expect(fold(select(ua.nameSyn).join(Address, ua.id.eq(Address.userId)).toString())).toBe(
      `SELECT ${U}_1.name FROM ${U} AS ${U}_1 JOIN ${A} ON ${U}_1.id = ${A}.user_id`,
    );
    expect(ua.x.add(1).toString()).toBe(`${U}_1.id + :id_1`);
    const a2 = aliased(User);
    // Anonymous aliases are numbered in order of appearance in the statement.
    expect(a2.x.eq(ua.x).toString()).toBe(`${U}_1.id = ${U}_2.id`);
  });

  it("test_synonym_get_history: writes go to the target, whose history the synonym shows", () => {
    const u1 = new User({ id: 1, name: "n" });
    u1.y = 5;
    expect(u1.id).toBe(5);
    expect(u1.x).toBe(5);
    expect(getHistory(u1, "id")).toEqual(new History([5], [], []));
    expect(getHistory(u1, "y")).toEqual(new History([5], [], []));
    expect(getHistory(u1, "x")).toEqual(new History([5], [], []));
    expect(inspect(u1).attrs.y.history).toEqual(new History([5], [], []));
    expect(inspect(u1).attrs.x.value).toBe(5);
    // The constructor takes synonym keys at run time, as SQLAlchemy's default constructor does
    // (its typed argument lists the model's columns and relationships).
    const init: Record<string, unknown> = { y: 3, uname: "by synonym" };
    const u2 = new User(init as never);
    expect([u2.id, u2.name]).toEqual([3, "by synonym"]);
  });
});

describe.each(dialectTargets())("synonym() on $name", (target) => {
  let db: Db;
  const ph = (n: number): string => (target.dialect === "postgresql" ? `$${n}` : "?");
  beforeAll(async () => {
    db = await openDb(target, Base);
    await using s = db.session();
    const jack = new User({ id: 7, name: "jack" });
    jack.addresses.push(new Address({ id: 1, email: "jack@bean.com" }));
    jack.orders.push(new Order({ id: 1, description: "order 1" }), new Order({ id: 3, description: "order 3" }), new Order({ id: 5, description: "order 5" }));
    const ed = new User({ id: 8, name: "ed" });
    ed.addresses.push(new Address({ id: 2, email: "ed@wood.com" }), new Address({ id: 3, email: "ed@bettyboop.com" }));
    ed.orders.push(new Order({ id: 2, description: "order 2" }));
    s.addAll([jack, ed, new User({ id: 9, name: "fred" })]);
    await s.commit();
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it("test_synonym: rows, criteria, relationship synonyms and instance writes", async () => {
    await using s = db.session();
    // RowTuple names: the synonym's own key.
    const row = (await s.execute(select(User.id, User.uname).orderBy(User.id))).first()!;
    expect(row._mapping.uname).toBe(row[1]);
    expect(row._mapping.uname).toBe("jack");
    db.counting.reset();
    const u = (await s.scalars(select(User).where(User.uname.eq("jack")).options(selectinload(User.adlist)))).one();
    expect(fold(db.selects()[0])).toBe(`SELECT ${U}.id, ${U}.name FROM ${U} WHERE ${U}.name = ${ph(1)}`);
    expect(u.adlist.map((a) => a.email)).toEqual(["jack@bean.com"]);
    expect(u.adlist).toBe(u.addresses);
    const addr = (await s.scalars(select(Address).filterBy({ id: 1 }))).one();
    const u1 = (await s.scalars(select(User).where(User.adlist.contains(addr)))).one();
    const u2 = (await s.scalars(select(User).where(User.addresses.contains(addr)))).one();
    expect(u1).toBe(u);
    expect(u2).toBe(u);
    expect(s.dirty.includes(u)).toBe(false);
    u.uname = "some user name";
    expect(u.uname).toBe("some user name");
    expect(u.name).toBe("some user name");
    expect(s.dirty.includes(u)).toBe(true);
    expect(getHistory(u, "uname")).toEqual(new History(["some user name"], [], ["jack"]));
    await s.flush();
    expect((await s.execute(select(User.name).where(User.id.eq(7)))).scalar()).toBe("some user name");
    await s.rollback();
  });

  it("column loader options through a synonym apply to its target", async () => {
    await using s = db.session();
    db.counting.reset();
    const u = (await s.scalars(select(User).where(User.id.eq(8)).options(defer(User.uname)))).one();
    expect(fold(db.selects()[0])).toBe(`SELECT ${U}.id FROM ${U} WHERE ${U}.id = ${ph(1)}`);
    expect(inspect(u).unloaded.has("name")).toBe(true);
    s.expungeAll();
    const v = (await s.scalars(select(User).where(User.id.eq(8)).options(loadOnly(User.y)))).one();
    expect(fold(db.selects()[1])).toBe(`SELECT ${U}.id FROM ${U} WHERE ${U}.id = ${ph(1)}`);
    expect(v.y).toBe(8);
  });

  it("test_synonym_of_synonym", async () => {
    await using s = db.session();
    const u = (await s.scalars(select(User).where(User.y.eq(8)))).one();
    expect(u.y).toBe(8);
    expect(u.name).toBe("ed");
  });

  it("test_with_parent: filterBy() by a synonym key, withParent() through relationship synonyms", async () => {
    for (const [nameprop, orderprop] of [
      ["name", User.orders], ["nameSyn", User.orders], ["name", User.ordersSyn], ["name", User.ordersSyn2], ["uname", User.ordersSyn], ["nameSyn", User.ordersSyn2],
    ] as const) {
      await using s = db.session();
      const u1 = (await s.scalars(select(User).filterBy({ [nameprop]: "jack" }))).one();
      const o = (await s.scalars(select(Order).where(withParent(u1, orderprop)).orderBy(Order.id))).all();
      expect(o.map((x) => x.description)).toEqual(["order 1", "order 3", "order 5"]);
    }
  });

  it("test_options / test_options_syn_of_syn: joinedload through a synonym, one statement", async () => {
    for (const opt of [User.ordersSyn, User.ordersSyn2]) {
      await using s = db.session();
      db.counting.reset();
      const result = (await s.scalars(select(User).filterBy({ name: "jack" }).options(joinedload(opt)))).unique().all();
      expect(result.map((u) => [u.id, u.name, u.orders.map((x) => x.description)])).toEqual([[7, "jack", ["order 1", "order 3", "order 5"]]]);
      expect(db.selects().length).toBe(1);
    }
  });

  it("test_joins: joining through relationship synonyms", async () => {
    for (const path of [User.orders, User.ordersSyn, User.ordersSyn2]) {
      await using s = db.session();
      const q = select(User).join(path).filterBy({ id: 3 });
      expect(fold(q.toString())).toBe(`SELECT ${U}.id, ${U}.name FROM ${U} JOIN ${O} ON ${U}.id = ${O}.user_id WHERE ${O}.id = :id_1`);
      expect((await s.scalars(q)).all().map((u) => u.name)).toEqual(["jack"]);
    }
  });

  it("test_get_synonym_direct_name / indirect: get() by a synonym of the key", async () => {
    await using s = db.session();
    expect((await s.get(User, { x: 7 }))!.name).toBe("jack");
    expect((await s.get(User, { y: 8 }))!.name).toBe("ed");
  });

  it("SynonymsAsFKsTest.test_synonym_fk: the flush fills a key column named through foreign(synonym)", async () => {
    void TA.id;
    expect(TA.b.property.direction).toBe("ONETOMANY");
    {
      await using s = db.session();
      const b = new TB({ id: 0 });
      const a = new TA({ id: 0, b });
      s.add(a);
      s.add(b);
      await s.flush();
      await s.commit();
    }
    await using s = db.session();
    const a = (await s.scalars(select(TA).options(selectinload(TA.b)))).one();
    const b = (await s.scalars(select(TB))).one();
    expect(a.b).toBe(b);
    expect(a.id).toBe(b.aId);
    expect(a.id).toBe(b.aIdCol);
  });

  it("ORM DML: values() and criteria by synonym keys", async () => {
    await using s = db.session();
    db.counting.reset();
    // values()'s record type lists the model's columns; synonym keys are accepted at run time,
    // as SQLAlchemy's values(name_syn=…).
    const bySynonym = <R>(r: Record<string, unknown>): R => r as R;
    await s.execute(insert(User).values(bySynonym<{ id: number; name: string }>({ x: 20, uname: "syn" })));
    await s.execute(update(User).where(User.nameSyn.eq("syn")).values(bySynonym<{ name: string }>({ nameSyn: "syn2" })));
    expect(db.counting.statements.filter((x) => /^(INSERT|UPDATE)/.test(x)).map(fold)).toEqual([
      `INSERT INTO ${U} (id, name) VALUES (${ph(1)}, ${ph(2)})`,
      `UPDATE ${U} SET name=${ph(1)} WHERE ${U}.name = ${ph(2)}`,
    ]);
    expect((await s.execute(select(User.y, User.nameSyn).where(User.x.eq(20)))).all().map((r) => [...r])).toEqual([[20, "syn2"]]);
    await s.execute(del(User).where(User.y.eq(20)));
    expect((await s.execute(select(User.id).where(User.id.eq(20)))).all()).toEqual([]);
    await s.commit();
  });
});

/**
 * Ported from SQLAlchemy test/orm/declarative/test_typed_mapping.py: MappedColumnTest
 * (nullability, defaults, separate column name, construct-in-expression / polymorphic_on /
 * version_id_col / deferred, the mapped_column() argument table of
 * test_names_encountered_for_annotated) and WriteOnlyRelationshipTest; plus
 * test/orm/declarative/test_basic.py DeclarativeTest.test_custom_column_sort_order.
 *
 * athanor has no annotations to read: the SQL type is mappedColumn()'s first argument and
 * nullability is `nullable: true` (the JS type follows: `T | null`; the type-level half is
 * test/types/sa7a-typed-mapping.test-d.ts). A column's table key is its attribute key also when
 * `name` differs (SQLAlchemy keys it by the name): `User.__table__.c.data.name === "the_data"`.
 * Annotated / PEP 593 / PEP 695 / type_annotation_map cases have no counterpart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AsyncSession, configureModel, createAsyncEngine, DeclarativeBase, ForeignKey, inspect, Integer, mappedColumn, relationship, select, String, undefer,
  writeOnly, type AsyncEngine,
} from "athanor";
import { BigInteger, BigIntegerType, IntegerType } from "../../../src/sql/types/index.js";
import { CreateTable } from "../../../src/index.js";
import { PGDialect } from "../../../src/dialects/postgresql/index.js";
import { planOrmSelect } from "../../../src/orm/loading.js";
import { countingDriver, dialectTargets, uniqueName, type CountingDriver } from "../../fixtures/databases.js";

const sqlOf = (stmt: object): string => `${stmt}`;
/** The SELECT the ORM runs (loader options applied), on one line. */
const ormSql = (stmt: Parameters<typeof planOrmSelect>[0]): string => planOrmSelect(stmt).stmt.compile().sql.replace(/\n/g, "");
const fresh = (): typeof DeclarativeBase => class extends DeclarativeBase {};

describe("MappedColumnTest", () => {
  it("test_col_defaults: default 5 becomes the column default; default null is none", () => {
    const Base = fresh();
    const five = Base.model(uniqueName("sa7a_tm_d"), { id: mappedColumn(Integer, { primaryKey: true }), data: mappedColumn(Integer, { default: 5 }) });
    expect(five.__table__.c.data.default).toBe(5);
    const none = Base.model(uniqueName("sa7a_tm_d"), { id: mappedColumn(Integer, { primaryKey: true }), data: mappedColumn(Integer, { default: null }) });
    expect(none.__table__.c.data.default).toBeUndefined();
  });

  it("test_construct_lhs: NOT NULL unless nullable: true; the primary key is NOT NULL", () => {
    const Base = fresh();
    const users = uniqueName("sa7a_tm_u");
    class User extends Base.model(users, {
      id: mappedColumn(Integer, { primaryKey: true }),
      name: mappedColumn(String(30)),
      data: mappedColumn(String(30), { nullable: true }),
    }) {}
    expect(sqlOf(select(User))).toBe(`SELECT ${users}.id, ${users}.name, ${users}.data \nFROM ${users}`);
    expect(inspect(User).primaryKey).toEqual([User.__table__.c.id]);
    const c = User.__table__.c;
    expect([c.id.nullable, c.name.nullable, c.data.nullable]).toEqual([false, false, true]);
  });

  it("test_construct_nullability_overrides: explicit nullable either way", () => {
    const Base = fresh();
    const User = Base.model(uniqueName("sa7a_tm_n"), {
      id: mappedColumn(Integer, { primaryKey: true }),
      lnnlRndf: mappedColumn(String(10)),
      lnnlRnnl: mappedColumn(String(10), { nullable: false }),
      lnnlRnl: mappedColumn(String(10), { nullable: true }),
      anno1c: mappedColumn(String(10), { deferred: true }),
      anno1d: mappedColumn(String(10), { deferred: true, deferredGroup: "mygroup" }),
      anno1b: mappedColumn(String(10), { nullable: true }),
    });
    const c = User.__table__.c;
    expect([c.lnnlRndf.nullable, c.lnnlRnnl.nullable, c.lnnlRnl.nullable, c.anno1b.nullable]).toEqual([false, false, true, true]);
    const props = inspect(User).columnPropsByKey;
    expect([props.get("anno1b")!.deferred, props.get("anno1c")!.deferred, props.get("anno1d")!.group]).toEqual([false, true, "mygroup"]);
  });

  it("test_separate_name / test_construct_lhs_separate_name: the attribute renders as the named column", () => {
    const Base = fresh();
    const users = uniqueName("sa7a_tm_s");
    class User extends Base.model(users, {
      id: mappedColumn(Integer, { primaryKey: true }),
      name: mappedColumn(String(30)),
      data: mappedColumn(String(30), { name: "the_data", nullable: true }),
      other: mappedColumn(String(30), { name: "data_", deferred: true }),
    }) {}
    expect(sqlOf(select(User.data))).toBe(`SELECT ${users}.the_data \nFROM ${users}`);
    expect(User.__table__.c.data.name).toBe("the_data");
    expect(User.__table__.c.data.nullable).toBe(true);
    expect(User.data.column).toBe(User.__table__.c.data);
    expect("data_" in User).toBe(false);
    expect(ormSql(select(User))).toBe(`SELECT ${users}.id, ${users}.name, ${users}.the_data FROM ${users}`);
    expect(ormSql(select(User).options(undefer(User.other)))).toBe(`SELECT ${users}.id, ${users}.name, ${users}.the_data, ${users}.data_ FROM ${users}`);
  });

  it("test_construct_rhs_type_override_lhs: a ForeignKey column takes the referenced column's type", () => {
    const Base = fresh();
    const el = uniqueName("sa7a_tm_el");
    Base.model(el, { id: mappedColumn(BigInteger, { primaryKey: true }) });
    const User = Base.model(uniqueName("sa7a_tm_u"), {
      id: mappedColumn(BigInteger, { primaryKey: true }),
      otherId: mappedColumn(ForeignKey(`${el}.id`)),
      data: mappedColumn(Integer),
    });
    expect(User.__table__.c.id.type).toBeInstanceOf(BigIntegerType);
    expect(User.__table__.c.otherId.type).toBeInstanceOf(BigIntegerType);
    expect(User.__table__.c.data.type.constructor).toBe(IntegerType);
  });

  it("test_construct_works_in_expr: a relationship's primaryjoin from the class attributes", () => {
    const Base = fresh();
    const [users, addresses] = [uniqueName("sa7a_tm_u"), uniqueName("sa7a_tm_a")];
    class User extends Base.model(users, { id: mappedColumn(Integer, { primaryKey: true }) }) {}
    class Address extends Base.model(addresses, {
      id: mappedColumn(Integer, { primaryKey: true }),
      userId: mappedColumn(ForeignKey(`${users}.id`), { name: "user_id" }),
    }) {
      static user = relationship(() => User, { primaryjoin: () => Address.userId.eq(User.id) });
    }
    expect(sqlOf(select(Address.userId, User.id).join(Address.user))).toBe(
      `SELECT ${addresses}.user_id, ${users}.id \nFROM ${addresses} JOIN ${users} ON ${addresses}.user_id = ${users}.id`,
    );
  });

  it("test_construct_works_as_polymorphic_on / test_construct_works_as_version_id_col", () => {
    const Base = fresh();
    const User = Base.model(uniqueName("sa7a_tm_p"), {
      id: mappedColumn(Integer, { primaryKey: true }),
      type: mappedColumn(String(20)),
      versionId: mappedColumn(Integer, { name: "version_id", versionId: true }),
    }, { polymorphicOn: "type" });
    Base.registry.configure();
    expect(inspect(User).polymorphicOn!.column).toBe(User.__table__.c.type);
    expect(inspect(User).versionProp!.column).toBe(User.__table__.c.versionId);
  });

  it("test_deferred_kw: deferred: true leaves the column out until undefer()", () => {
    const Base = fresh();
    const users = uniqueName("sa7a_tm_df");
    class User extends Base.model(users, {
      id: mappedColumn(Integer, { primaryKey: true }),
      data: mappedColumn(String(30), { deferred: true }),
    }) {}
    expect(ormSql(select(User))).toBe(`SELECT ${users}.id FROM ${users}`);
    expect(ormSql(select(User).options(undefer(User.data)))).toBe(`SELECT ${users}.id, ${users}.data FROM ${users}`);
  });

  it("test_names_encountered_for_annotated: each mappedColumn() option reaches the column or property", () => {
    const Base = fresh();
    const name = uniqueName("sa7a_tm_o");
    const M = Base.model(name, {
      id: mappedColumn(Integer, { primaryKey: true, autoincrement: true }),
      so: mappedColumn(Integer, { sortOrder: 100 }),
      nn: mappedColumn(Integer, { nullable: false }),
      df: mappedColumn(Integer, { deferred: true }),
      nodf: mappedColumn(Integer),
      grp: mappedColumn(Integer, { deferredGroup: "mygroup" }),
      rl: mappedColumn(Integer, { deferredRaiseload: true }),
      sd: mappedColumn(Integer, { serverDefault: "25" }),
      dflt: mappedColumn(Integer, { default: 25 }),
      ou: mappedColumn(Integer, { onupdate: 25, nullable: true }),
      cm: mappedColumn(Integer, { comment: "some comment" }),
      ix: mappedColumn(Integer, { index: true }),
      ixf: mappedColumn(Integer, { index: false }),
      uq: mappedColumn(Integer, { unique: true }),
      uqf: mappedColumn(Integer, { unique: false }),
      big: mappedColumn(BigInteger),
    });
    const c = M.__table__.c;
    const prop = (k: string) => inspect(M).columnPropsByKey.get(k)!;
    expect(c.so.sortOrder).toBe(100);
    expect(c.nn.nullable).toBe(false);
    expect([prop("df").deferred, prop("nodf").deferred]).toEqual([true, false]);
    expect([prop("grp").deferred, prop("grp").group]).toEqual([true, "mygroup"]);
    expect([prop("rl").deferred, prop("rl").raiseload]).toEqual([true, true]);
    expect(c.sd.serverDefault).toBe("25");
    expect(c.dflt.default).toBe(25);
    expect(c.ou.onupdate).toBe(25);
    expect(c.cm.comment).toBe("some comment");
    expect([c.ix.index, c.ixf.index, c.uq.unique, c.uqf.unique]).toEqual([true, false, true, false]);
    expect(c.id.autoincrement).toBe(true);
    expect(c.id.primaryKey).toBe(true);
    expect(c.big.type).toBeInstanceOf(BigIntegerType);
  });

  it("test_custom_column_sort_order (test_basic): sortOrder orders the table's columns, the SELECT and CREATE TABLE", () => {
    const Base = fresh();
    const name = uniqueName("sa7a_tm_so");
    class M extends Base.model(name, {
      a: mappedColumn(Integer, { sortOrder: -42 }),
      b: mappedColumn(Integer, { primaryKey: true }),
      c: mappedColumn(Integer, { sortOrder: -1 }),
      d: mappedColumn(Integer),
      e: mappedColumn(Integer),
      f: mappedColumn(Integer, { sortOrder: 10 }),
      g: mappedColumn(Integer, { sortOrder: -10 }),
    }) {}
    expect(M.__table__.columnList.map((col) => col.key)).toEqual(["a", "g", "c", "b", "d", "e", "f"]);
    expect(sqlOf(select(M))).toBe(`SELECT ${["a", "g", "c", "b", "d", "e", "f"].map((k) => `${name}.${k}`).join(", ")} \nFROM ${name}`);
    const ddl = new CreateTable(M.__table__).compile({ dialect: new PGDialect() }).sql;
    expect(ddl.split("\n").map((l) => l.trim().split(" ")[0]).filter((w) => /^[a-g]$/.test(w))).toEqual(["a", "g", "c", "b", "d", "e", "f"]);
  });
});

describe("WriteOnlyRelationshipTest", () => {
  it("test_write_only: writeOnly() is a collection with lazy write_only", () => {
    const Base = fresh();
    const a = uniqueName("sa7a_tm_wa");
    class A extends Base.model(a, { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static bs = writeOnly(() => B);
    }
    class B extends Base.model(uniqueName("sa7a_tm_wb"), {
      id: mappedColumn(Integer, { primaryKey: true }),
      aId: mappedColumn(ForeignKey(`${a}.id`, { onDelete: "CASCADE" }), { name: "a_id" }),
    }) {}
    // Nothing has used A yet: adopt it (a static read of its own field does not).
    configureModel(A);
    const prop = A.bs.property;
    expect(prop.mapper).toBe(inspect(B));
    expect(prop.uselist).toBe(true);
    expect(prop.lazy).toBe("write_only");
  });
});

describe.each(dialectTargets())("server defaults and nullability on $name", (target) => {
  class Base extends DeclarativeBase {}
  const name = uniqueName("sa7a_tm_db");
  class Row extends Base.model(name, {
    id: mappedColumn(Integer, { primaryKey: true }),
    label: mappedColumn(String(20)),
    note: mappedColumn(String(20), { nullable: true }),
    rank: mappedColumn(Integer, { serverDefault: "25" }),
    plain: mappedColumn(Integer, { default: null, nullable: true, serverDefault: "7" }),
  }) {}
  let engine: AsyncEngine;
  let counting: CountingDriver;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    counting = countingDriver(d.driver);
    engine = createAsyncEngine(counting);
    await engine.begin((conn) => Base.metadata.createAll(conn));
    cleanup = async () => {
      await engine.begin((conn) => Base.metadata.dropAll(conn));
      await engine.dispose();
      await d.cleanup();
    };
  });
  afterAll(() => cleanup?.());

  it("a server default fills the column and comes back with the INSERT; default: null leaves the column out", async () => {
    await using s = new AsyncSession(engine, { expireOnCommit: false });
    const r = new Row({ label: "x" });
    s.add(r);
    counting.reset();
    await s.flush();
    expect(counting.statements).toHaveLength(1);
    const cols = /^INSERT INTO \S+ \(([^)]*)\)/.exec(counting.statements[0])![1].split(", ");
    expect(cols).toContain("label");
    expect(cols).not.toContain("rank");
    expect(cols).not.toContain("plain");
    expect([r.rank, r.plain, r.note]).toEqual([25, 7, null]);
  });

  it("NOT NULL is enforced by the database for a column without nullable: true", async () => {
    await using s = new AsyncSession(engine);
    s.add(new Row({ label: null as unknown as string }));
    await expect(s.flush()).rejects.toThrow(/null|NOT NULL/i);
  });
});

/**
 * Core follow-ups checked on PostgreSQL and SQLite, ported from SQLAlchemy's
 * test/sql/test_type_expressions.py (`test_targeting_individual_labels`), test/sql/test_types.py
 * (`test_expanding_in_typedec`), test/dialect/postgresql/test_types.py (`test_array_concat`),
 * test/orm/dml/test_orm_upd_del_basic.py (`test_update_with_bindparams`, Core form) and
 * test/orm/test_query.py (`TextTest.test_via_textasfrom_from_statement` with ORM attributes).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ARRAY, Column, Integer, NoSuchColumnError, JSON as JSONT, MetaData, String, Table, TypeDecorator, bindparam, cast, delete_, insert, select, text, update,
} from "../../../src/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useTablesOnce } from "../../fixtures/suite-tables.js";
import { stdFixtures } from "../../orm/query/sa3-models.js";
import { openDb, type Db } from "../../orm/loading/models.js";

/** SQLAlchemy's MyNewIntType: times ten on the way in and on the way out. */
class MyNewIntType extends TypeDecorator<number> {
  override readonly impl = Integer;
  override readonly cacheOk = true;
  override processBindParam(value: number | null): number | null {
    return value === null ? null : value * 10;
  }
  override processResultValue(value: unknown): number {
    return value === null ? (null as unknown as number) : (value as number) * 10;
  }
}

const md = new MetaData();
const tt = Table(uniqueName("sa6g_tt"), md, { id: Column(Integer, { primaryKey: true }), x: Column(String(50)), y: Column(String(50)) });
const users = Table(uniqueName("sa6g_users"), md, { user_id: Column(Integer, { primaryKey: true }), goofy8: Column(new MyNewIntType()) });
const docs = Table(uniqueName("sa6g_docs"), md, { id: Column(Integer, { primaryKey: true }), body: Column(String(100)) });

describe.each(dialectTargets())("Core follow-ups on $name", (target) => {
  const db = useTablesOnce(target, md);
  beforeEach(async () => {
    await db.engine.begin(async (conn) => {
      await conn.execute(delete_(tt));
      await conn.execute(delete_(users));
      await conn.execute(delete_(docs));
    });
  });

  it("test_targeting_individual_labels: a labelled column is found by the column", async () => {
    const row = await db.engine.begin(async (conn) => {
      await conn.execute(insert(tt), { id: 1, x: "X1", y: "Y1" });
      return (await conn.execute(select(tt.c.x.label("xbar"), tt.c.y.label("ybar")))).first();
    });
    const m = row!._mapping as unknown as { get(k: unknown): unknown };
    expect(m.get(tt.c.y)).toBe("Y1");
    expect(m.get(tt.c.x)).toBe("X1");
    expect(m.get("ybar")).toBe("Y1");
    expect(() => m.get(tt.c.id)).toThrow(NoSuchColumnError);
  });

  it("test_expanding_in_typedec: IN an untyped expanding bindparam binds through the decorator", async () => {
    const rows = await db.engine.begin(async (conn) => {
      await conn.execute(insert(users), [{ user_id: 1, goofy8: 12 }, { user_id: 2, goofy8: 6 }, { user_id: 3, goofy8: 15 }, { user_id: 4, goofy8: 9 }]);
      const stmt = select(users.c.user_id, users.c.goofy8).where(users.c.goofy8.in(bindparam("goofy", undefined, { expanding: true }))).orderBy(users.c.user_id);
      return (await conn.execute(stmt, { goofy: [15, 9] })).all().map((r) => [...r]);
    });
    expect(rows).toEqual([[3, 1500], [4, 900]]);
  });

  it("an untyped bindparam() compared to a decorated column binds through it", async () => {
    const rows = await db.engine.begin(async (conn) => {
      await conn.execute(insert(users), [{ user_id: 1, goofy8: 12 }, { user_id: 2, goofy8: 6 }]);
      return (await conn.execute(select(users.c.user_id).where(users.c.goofy8.eq(bindparam("g"))), { g: 6 })).scalars().all();
    });
    expect(rows).toEqual([2]);
  });

  it("test_update_with_bindparams: an execution parameter feeding text() in WHERE is not a column", async () => {
    const rows = await db.engine.begin(async (conn) => {
      await conn.execute(insert(users), [{ user_id: 1, goofy8: 1 }, { user_id: 2, goofy8: 2 }, { user_id: 3, goofy8: 3 }]);
      await conn.execute(update(users).where(text("user_id > :x")).values({ goofy8: 7 }), { x: 1 });
      await conn.execute(update(users).where(users.c.user_id.eq(bindparam("uid"))).values({ goofy8: 5 }), { uid: 3 });
      return (await conn.execute(select(users.c.user_id, users.c.goofy8).orderBy(users.c.user_id))).all().map((r) => [...r]);
    });
    expect(rows).toEqual([[1, 100], [2, 700], [3, 500]]);
  });

  it("cast(x, JSON) reads the document back (SQLite: CAST AS TEXT, not NUMERIC affinity)", async () => {
    const got = await db.engine.begin(async (conn) => {
      await conn.execute(insert(docs), { id: 1, body: '{"a": [1, 2], "b": "c"}' });
      return [
        await conn.scalar(select(cast(docs.c.body, JSONT()))),
        await conn.scalar(select(cast({ k: "v" }, JSONT()))),
      ];
    });
    expect(got).toEqual([{ a: [1, 2], b: "c" }, { k: "v" }]);
  });
});

const pgMd = new MetaData();
const arrtable = Table(uniqueName("sa6g_arr"), pgMd, { id: Column(Integer, { primaryKey: true }), intarr: Column(ARRAY(Integer)) });

describe.each(dialectTargets().filter((t) => t.dialect === "postgresql"))("ARRAY on $name", (target) => {
  const db = useTablesOnce(target, pgMd);

  it("test_array_concat: intarr + [4, 5, 6]", async () => {
    const got = await db.engine.begin(async (conn) => {
      await conn.execute(insert(arrtable), { id: 1, intarr: [1, 2, 3] });
      return conn.scalar(select(arrtable.c.intarr.add([4, 5, 6])));
    });
    expect(got).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe.each(dialectTargets())("text().columns() with ORM attributes on $name", (target) => {
  const p = uniqueName("sa6g_orm");
  const f = stdFixtures(`${p}_`);
  const { User } = f;
  let orm: Db;
  beforeAll(async () => {
    orm = await openDb(target, f.Base);
    await orm.engine.begin((conn) => f.insertData(conn));
  });
  afterAll(async () => {
    await orm.cleanup();
  });

  it("test_via_textasfrom_from_statement: text().columns(User.id, User.name)", async () => {
    const t = text(`select id, name from ${p}_users order by id`).columns(User.id, User.name);
    expect(t.selectedColumns).toEqual([User.__table__.c.id, User.__table__.c.name]);
    await using s = orm.session();
    const all = (await s.scalars(select(User).fromStatement(t))).all();
    expect(all.map((u) => [u.id, u.name])).toEqual([[7, "jack"], [8, "ed"], [9, "fred"], [10, "chuck"]]);
  });

  it("a textual SELECT of ORM attributes runs in Core with typed, targetable columns", async () => {
    const rows = await orm.engine.connect(async (conn) => {
      const r = await conn.execute(text(`select id, name from ${p}_users where id = 8`).columns(User.id, User.name));
      return r.all();
    });
    expect(rows.map((r) => [...r])).toEqual([[8, "ed"]]);
    expect((rows[0]._mapping as unknown as { get(k: unknown): unknown }).get(User.__table__.c.name)).toBe("ed");
  });
});

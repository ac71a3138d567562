/**
 * SQLAlchemy's test/sql/test_query.py executed on PostgreSQL and libSQL with rows compared:
 * CompoundTest (UNION / INTERSECT / EXCEPT, nested and as subqueries), LimitTest, and
 * QueryTest's IN cases (empty lists, expanding binds, tuples, negation with NULLs).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Column, Integer, MetaData, String, Table, bindparam, createAsyncEngine, except_, insert, intersect, literal, not, or, select, tuple_, union, unionAll,
  type AsyncEngine, type ClauseElement,
} from "../../../src/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";

const md = new MetaData();
const mk = (name: string) =>
  Table(uniqueName(name), md, {
    col1: Column(Integer, { primaryKey: true, autoincrement: false }),
    col2: Column(String(30)),
    col3: Column(String(40)),
    col4: Column(String(30)),
  });
const t1 = mk("sa5c_t1");
const t2 = mk("sa5c_t2");
const t3 = mk("sa5c_t3");
const users = Table(uniqueName("sa5c_users"), md, { user_id: Column(Integer, { primaryKey: true, autoincrement: false }), user_name: Column(String(20)) });
const addresses = Table(uniqueName("sa5c_addresses"), md, {
  address_id: Column(Integer, { primaryKey: true, autoincrement: false }),
  user_id: Column(Integer),
  address: Column(String(30)),
});
const inUsers = Table(uniqueName("sa5c_in_users"), md, { user_id: Column(Integer, { primaryKey: true, autoincrement: false }), user_name: Column(String(20)) });

describe.each(dialectTargets())("test_query.py on $name", (target) => {
  let engine: AsyncEngine;
  let cleanup: () => Promise<void>;
  const rows = async (stmt: ClauseElement, params?: Record<string, unknown>) => {
    await using conn = await engine.connect();
    return (await conn.execute(stmt as never, params as never)).all().map((r) => [...(r as unknown as unknown[])]);
  };
  const sorted = async (stmt: ClauseElement) => (await rows(stmt)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

  beforeAll(async () => {
    const d = await target.make();
    engine = createAsyncEngine(d.driver);
    cleanup = async () => {
      await engine.dispose();
      await d.cleanup();
    };
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      const data = (t: string, c4: string[]) => ["aaa", "bbb", "ccc"].map((c3, i) => ({ col1: i + 1, col2: `${t}col2r${i + 1}`, col3: c3, col4: c4[i] }));
      await conn.execute(insert(t1), data("t1", ["aaa", "bbb", "ccc"]));
      await conn.execute(insert(t2), data("t2", ["bbb", "ccc", "aaa"]));
      await conn.execute(insert(t3), data("t3", ["ccc", "aaa", "bbb"]));
      const names = ["john", "jack", "ed", "wendy", "laura", "ralph", "fido"];
      const addrs = ["addr1", "addr1", "addr2", "addr3", "addr4", "addr5", "addr5"];
      await conn.execute(insert(users), names.map((user_name, i) => ({ user_id: i + 1, user_name })));
      await conn.execute(insert(addresses), addrs.map((address, i) => ({ address_id: i + 1, user_id: i + 1, address })));
      await conn.execute(insert(inUsers), [{ user_id: 7, user_name: "jack" }, { user_id: 8, user_name: "fred" }, { user_id: 9, user_name: null }]);
    });
  });
  afterAll(async () => {
    await engine.begin((conn) => md.dropAll(conn));
    await cleanup();
  });

  describe("CompoundTest", () => {
    const s1 = () => select(t1.c.col3.label("col3"), t1.c.col4.label("col4")).where(t1.c.col2.in(["t1col2r1", "t1col2r2"]));
    const s2 = () => select(t2.c.col3.label("col3"), t2.c.col4.label("col4")).where(t2.c.col2.in(["t2col2r2", "t2col2r3"]));
    const wanted = [["aaa", "aaa"], ["bbb", "bbb"], ["bbb", "ccc"], ["ccc", "aaa"]];

    it("test_union", async () => {
      const u = union(s1(), s2());
      expect(await sorted(u)).toEqual(wanted);
      expect(await sorted(u.alias("bar").select())).toEqual(wanted);
    });
    it("test_union_ordered", async () => {
      expect(await rows(union(s1(), s2()).orderBy("col3", "col4"))).toEqual(wanted);
    });
    it("test_union_ordered_alias", async () => {
      expect(await rows(union(s1(), s2()).orderBy("col3", "col4").alias("bar").select())).toEqual(wanted);
    });
    it("test_union_all_lightweight", async () => {
      const u = union(select(t1.c.col3), select(t1.c.col3)).alias();
      const e = unionAll(select(t1.c.col3), select(u.c.col3));
      const w = [["aaa"], ["aaa"], ["bbb"], ["bbb"], ["ccc"], ["ccc"]];
      expect(await sorted(e)).toEqual(w);
      expect(await sorted(e.alias("foo").select())).toEqual(w);
    });
    it("test_intersect", async () => {
      const i = intersect(select(t2.c.col3, t2.c.col4), select(t2.c.col3, t2.c.col4).where(t2.c.col4.eq(t3.c.col3)));
      const w = [["aaa", "bbb"], ["bbb", "ccc"], ["ccc", "aaa"]];
      expect(await sorted(i)).toEqual(w);
      expect(await sorted(i.alias("bar").select())).toEqual(w);
    });
    const exceptWanted = [["aaa", "aaa"], ["aaa", "ccc"], ["bbb", "aaa"], ["bbb", "bbb"], ["ccc", "bbb"], ["ccc", "ccc"]];
    it("test_except_style2", async () => {
      const e = except_(
        union(select(t1.c.col3, t1.c.col4), select(t2.c.col3, t2.c.col4), select(t3.c.col3, t3.c.col4)).alias().select(),
        select(t2.c.col3, t2.c.col4),
      );
      expect(await sorted(e)).toEqual(exceptWanted);
      expect(await sorted(e.alias().select())).toEqual(exceptWanted);
    });
    it("test_except_style4", async () => {
      const e = except_(select(t1.c.col3), except_(select(t2.c.col3), select(t3.c.col3).where(t3.c.col3.eq("ccc"))).alias().select());
      expect(await rows(e)).toEqual([["ccc"]]);
      expect(await rows(e.alias().select())).toEqual([["ccc"]]);
    });
    it("test_intersect_unions_2", async () => {
      const u = intersect(
        union(select(t1.c.col3, t1.c.col4), select(t3.c.col3, t3.c.col4)).alias().select(),
        union(select(t2.c.col3, t2.c.col4), select(t3.c.col3, t3.c.col4)).alias().select(),
      );
      expect(await sorted(u)).toEqual([["aaa", "ccc"], ["bbb", "aaa"], ["ccc", "bbb"]]);
    });
    const threeWay = () =>
      intersect(select(t2.c.col3, t2.c.col4), union(select(t1.c.col3, t1.c.col4), select(t2.c.col3, t2.c.col4), select(t3.c.col3, t3.c.col4)).alias().select());
    it("test_intersect_unions_3", async () => {
      expect(await sorted(threeWay())).toEqual([["aaa", "bbb"], ["bbb", "ccc"], ["ccc", "aaa"]]);
    });
    it("test_composite_alias", async () => {
      expect(await sorted(threeWay().alias().select())).toEqual([["aaa", "bbb"], ["bbb", "ccc"], ["ccc", "aaa"]]);
    });
    if (target.dialect === "postgresql") {
      // SQLAlchemy marks these fails_on("sqlite"): SQLite cannot nest parenthesised compounds.
      it("test_union_all", async () => {
        const e = unionAll(select(t1.c.col3), union(select(t1.c.col3), select(t1.c.col3)));
        const w = [["aaa"], ["aaa"], ["bbb"], ["bbb"], ["ccc"], ["ccc"]];
        expect(await sorted(e)).toEqual(w);
        expect(await sorted(e.alias("foo").select())).toEqual(w);
      });
      it("test_except_style1", async () => {
        const e = except_(union(select(t1.c.col3, t1.c.col4), select(t2.c.col3, t2.c.col4), select(t3.c.col3, t3.c.col4)), select(t2.c.col3, t2.c.col4));
        expect(await sorted(e.alias().select())).toEqual(exceptWanted);
      });
      it("test_except_style3", async () => {
        const e = except_(select(t1.c.col3), except_(select(t2.c.col3), select(t3.c.col3).where(t3.c.col3.eq("ccc"))));
        expect(await rows(e)).toEqual([["ccc"]]);
        expect(await rows(e.alias("foo").select())).toEqual([["ccc"]]);
      });
      it("test_intersect_unions", async () => {
        const u = intersect(
          union(select(t1.c.col3, t1.c.col4), select(t3.c.col3, t3.c.col4)),
          union(select(t2.c.col3, t2.c.col4), select(t3.c.col3, t3.c.col4)).alias().select(),
        );
        expect(await sorted(u)).toEqual([["aaa", "ccc"], ["bbb", "aaa"], ["ccc", "bbb"]]);
      });
    }
  });

  describe("LimitTest", () => {
    it("test_select_limit", async () => {
      expect(await rows(users.select().limit(3).orderBy(users.c.user_id))).toEqual([[1, "john"], [2, "jack"], [3, "ed"]]);
    });
    it("test_select_limit_offset", async () => {
      expect(await rows(users.select().limit(3).offset(2).orderBy(users.c.user_id))).toEqual([[3, "ed"], [4, "wendy"], [5, "laura"]]);
      expect(await rows(users.select().offset(5).orderBy(users.c.user_id))).toEqual([[6, "ralph"], [7, "fido"]]);
    });
    it("slice() rows 2 to 5", async () => {
      expect(await rows(users.select().orderBy(users.c.user_id).slice(2, 5))).toEqual([[3, "ed"], [4, "wendy"], [5, "laura"]]);
    });
    it("test_select_distinct_limit", async () => {
      const r = (await rows(select(addresses.c.address).distinct().limit(3))).map((x) => x[0]);
      expect(r).toHaveLength(3);
      expect(new Set(r).size).toBe(3);
    });
    it("test_select_distinct_offset", async () => {
      const r = (await rows(select(addresses.c.address).distinct().offset(1).orderBy(addresses.c.address))).map((x) => x[0]);
      expect(r).toEqual(["addr2", "addr3", "addr4", "addr5"]);
    });
    it("test_select_distinct_limit_offset", async () => {
      const r = (await rows(select(addresses.c.address).orderBy(addresses.c.address).distinct().offset(2).limit(3))).map((x) => x[0]);
      expect(r).toEqual(["addr3", "addr4", "addr5"]);
    });
  });

  describe("QueryTest: IN", () => {
    const u = inUsers.c;
    it("test_in_filtering", async () => {
      expect(await rows(inUsers.select().where(u.user_name.in([])))).toHaveLength(0);
      expect(await rows(inUsers.select().where(not(u.user_name.in([]))))).toHaveLength(3);
      expect(await rows(inUsers.select().where(u.user_name.in(["jack", "fred"])))).toHaveLength(2);
      // NULL is outside no set.
      expect(await rows(inUsers.select().where(not(u.user_name.in(["jack", "fred"]))))).toHaveLength(0);
    });
    it("test_expanding_in", async () => {
      const stmt = select(inUsers).where(u.user_name.in(bindparam("uname", undefined, { expanding: true }))).orderBy(u.user_id);
      expect(await rows(stmt, { uname: ["jack"] })).toEqual([[7, "jack"]]);
      expect(await rows(stmt, { uname: ["jack", "fred"] })).toEqual([[7, "jack"], [8, "fred"]]);
      expect(await rows(stmt, { uname: [] })).toEqual([]);
    });
    it("test_expanding_in_multiple", async () => {
      const stmt = select(inUsers)
        .where(u.user_name.in(bindparam("uname", undefined, { expanding: true })))
        .where(u.user_id.in(bindparam("userid", undefined, { expanding: true })))
        .orderBy(u.user_id);
      expect(await rows(stmt, { uname: ["jack", "fred", "ed"], userid: [8, 9] })).toEqual([[8, "fred"]]);
    });
    it("test_expanding_in_repeated", async () => {
      const one = (id: number) =>
        select(inUsers)
          .where(or(u.user_name.in(bindparam("uname", undefined, { expanding: true })), u.user_name.in(bindparam("uname2", undefined, { expanding: true }))))
          .where(u.user_id.eq(id));
      const stmt = one(7).union(one(8)).orderBy("user_id");
      expect(await rows(stmt, { uname: ["jack", "fred"], uname2: ["ed"] })).toEqual([[7, "jack"], [8, "fred"]]);
    });
    it("test_expanding_in_composite", async () => {
      const stmt = select(inUsers).where(tuple_(u.user_id, u.user_name).in(bindparam("uname", undefined, { expanding: true }))).orderBy(u.user_id);
      expect(await rows(stmt, { uname: [[7, "jack"]] })).toEqual([[7, "jack"]]);
      expect(await rows(stmt, { uname: [[7, "jack"], [8, "fred"]] })).toEqual([[7, "jack"], [8, "fred"]]);
    });
    it("test_bind_in", async () => {
      const key = bindparam("search_key", undefined, String());
      const s = inUsers.select().where(not(key.in([])));
      expect(await rows(s, { search_key: "john" })).toHaveLength(3);
      expect(await rows(s, { search_key: null })).toHaveLength(3);
    });
    it("test_literal_in", async () => {
      expect(await rows(inUsers.select().where(not(literal("john").in([]))))).toHaveLength(3);
    });
    it("test_empty_in_filtering_static", async () => {
      expect(await rows(inUsers.select().where(u.user_name.in([]).eq(true)))).toHaveLength(0);
      expect(await rows(inUsers.select().where(u.user_name.in([]).eq(false)))).toHaveLength(3);
      expect(await rows(inUsers.select().where(u.user_name.in([]).eq(null)))).toHaveLength(0);
    });
  });
});

/**
 * ORM bulk INSERT / UPDATE statements, ported from SQLAlchemy's test/orm/dml/test_bulk_statements.py
 * (InsertStmtTest, UpdateStmtTest, BulkDMLReturningInhTest): heterogeneous parameter sets, the
 * renderNulls execution option, RETURNING of objects and its sortByParameterOrder flag, upserts
 * with and without populateExisting, and bulk UPDATE by primary key with its errors.
 */
import { describe, expect, it } from "vitest";
import {
  bindparam, cast, CompileError, DeclarativeBase, func, insert, Integer, InvalidRequestError, literalColumn, mappedColumn, objectState, select, String, update,
} from "athanor";
import { insert as pgInsert } from "athanor/dialects/postgresql";
import { insert as sqliteInsert } from "athanor/dialects/sqlite";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";
import { afterAll, beforeAll, beforeEach } from "vitest";

const p = uniqueName("sa5e_bulk");
class Base extends DeclarativeBase {}
class A extends Base.model(`${p}_a`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  type: mappedColumn(String(20), { nullable: true }),
  data: mappedColumn(String(30), { nullable: true }),
  x: mappedColumn(Integer, { name: "xcol", nullable: true }),
  y: mappedColumn(Integer, { nullable: true }),
}) {}
class Users extends Base.model(`${p}_users`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
  otherThing: mappedColumn(String(30), { name: "other_thing", nullable: true }),
  serverThing: mappedColumn(String(30), { name: "server_thing", serverDefault: "thing" }),
}) {}
class Employee extends Base.model(`${p}_employee`, {
  uuid: mappedColumn(String(40), { primaryKey: true }),
  user_name: mappedColumn(String(200)),
  some_server_value: mappedColumn(String(40), { nullable: true }),
}) {}
class Onup extends Base.model(`${p}_onup`, {
  uuid: mappedColumn(String(40), { primaryKey: true }),
  userName: mappedColumn(String(200), { name: "user_name" }),
  someServerValue: mappedColumn(String(40), { name: "some_server_value", nullable: true, onupdate: () => "value 2" }),
}) {}
class P extends Base.model(`${p}_p`, {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  x: mappedColumn(Integer),
  y: mappedColumn(Integer),
}) {}

const TA = `${p}_a`;
const TU = `${p}_users`;
const TP = `${p}_p`;

describe.each(dialectTargets())("ORM bulk statements on $name", (target) => {
  let db: Db;
  const ph = (n: number): string => (target.dialect === "postgresql" ? `$${n}` : "?");
  const sqlOf = (): string[] => db.counting.statements.filter((q) => /^(INSERT|UPDATE|DELETE)/.test(q));
  beforeAll(async () => {
    db = await openDb(target, Base as never);
  });
  afterAll(async () => {
    await db.cleanup();
  });
  beforeEach(async () => {
    await db.engine.begin(async (conn) => {
      for (const t of [TA, TU, TP, `${p}_employee`, `${p}_onup`]) await conn.execDriverSql(`DELETE FROM ${t}`);
    });
    db.counting.reset();
  });

  describe("InsertStmtTest", () => {
    it("null values split the parameter sets into runs; renderNulls keeps one statement (test_render_nulls)", async () => {
      const values = [
        { data: "d3", x: 5 },
        { data: "d4", x: 6 },
        { data: "d5", x: 6 },
        { data: "d6", x: null },
        { data: "d7", x: 6 },
      ];
      await using s = db.session();
      await s.execute(insert(A), values);
      expect(sqlOf()).toEqual([
        `INSERT INTO ${TA} (data, xcol) VALUES (${ph(1)}, ${ph(2)}), (${ph(3)}, ${ph(4)}), (${ph(5)}, ${ph(6)})`,
        `INSERT INTO ${TA} (data) VALUES (${ph(1)})`,
        `INSERT INTO ${TA} (data, xcol) VALUES (${ph(1)}, ${ph(2)})`,
      ]);
      db.counting.reset();
      await s.execute(insert(A).executionOptions({ renderNulls: true }), values);
      expect(sqlOf()).toEqual([
        `INSERT INTO ${TA} (data, xcol) VALUES (${ph(1)}, ${ph(2)}), (${ph(3)}, ${ph(4)}), (${ph(5)}, ${ph(6)}), (${ph(7)}, ${ph(8)}), (${ph(9)}, ${ph(10)})`,
      ]);
      db.counting.reset();
      await s.execute(insert(A), values, { renderNulls: true });
      expect(sqlOf()).toHaveLength(1);
      const rows = (await s.execute(select(A.data, A.x).orderBy(A.id))).all().map((r) => [...r]);
      expect(rows.slice(0, 5)).toEqual([["d3", 5], ["d4", 6], ["d5", 6], ["d6", null], ["d7", 6]]);
      expect(rows).toHaveLength(15);
    });

    it("bulk INSERT without RETURNING (test_omit_returning_ok)", async () => {
      await using s = db.session();
      const r = await s.execute(insert(A), [{ data: "d3", x: 5 }, { data: "d4", x: 6 }]);
      expect(r.returnsRows).toBe(false);
      expect(r.rowsAffected).toBe(2);
      expect((await s.execute(select(A.data, A.x).orderBy(A.id))).all().map((x) => [...x])).toEqual([["d3", 5], ["d4", 6]]);
    });

    it("RETURNING * is refused for bulk and single ORM INSERT, allowed with values() (test_insert_returning_star)", async () => {
      await using s = db.session();
      const stmt = insert(Users).returning(literalColumn("*"));
      const msg = "Can't use RETURNING * with bulk ORM INSERT.  Please use a different INSERT form, such as INSERT..VALUES or INSERT with a Core Connection";
      await expect(s.execute(stmt, [{ name: "some name 1" }, { name: "some name 2" }])).rejects.toThrow(CompileError);
      await expect(s.execute(stmt, [{ name: "some name 1" }])).rejects.toThrow(msg);
      await expect(s.execute(stmt, { name: "some name 1" })).rejects.toThrow(msg);
      expect(sqlOf()).toEqual([]);
      const res = await s.execute(stmt.values([{ name: "some name 1" }, { name: "some name 2" }, { name: "some name 3" }]));
      expect(sqlOf()).toEqual([`INSERT INTO ${TU} (name) VALUES (${ph(1)}), (${ph(2)}), (${ph(3)}) RETURNING *`]);
      const rows = res.all().map((r) => [...r]);
      expect(rows.map((r) => r.slice(1))).toEqual([
        ["some name 1", null, "thing"],
        ["some name 2", null, "thing"],
        ["some name 3", null, "thing"],
      ]);
    });

    it("returning(attributes) of a bulk INSERT gives only those columns, in order (test_insert_returning_cols_dont_give_me_defaults)", async () => {
      await using s = db.session();
      const res = await s.execute(insert(Users).returning(Users.id, Users.name), [{ name: "some name 1" }, { name: "some name 2" }, { name: "some name 3" }]);
      expect(sqlOf()).toEqual([`INSERT INTO ${TU} (name) VALUES (${ph(1)}), (${ph(2)}), (${ph(3)}) RETURNING ${TU}.id, ${TU}.name`]);
      const rows = res.all();
      expect(rows.map((r) => r.name)).toEqual(["some name 1", "some name 2", "some name 3"]);
      expect(rows[1].id - rows[0].id).toBe(1);
      expect(res.keys()).toEqual(["id", "name"]);
    });

    it.each([false, true])("upsert RETURNING the entity with populateExisting=%s (test_upsert_populate_existing)", async (populateExisting) => {
      await using s = db.session();
      const e1 = new Employee({ uuid: "u1", user_name: "e1 old name" });
      const e2 = new Employee({ uuid: "u2", user_name: "e2 old name" });
      s.addAll([e1, e2]);
      await s.flush();
      const ins = target.dialect === "postgresql" ? pgInsert(Employee) : sqliteInsert(Employee);
      const stmt = ins
        .values([
          { uuid: "u1", user_name: "e1 new name" },
          { uuid: "u2", user_name: "e2 new name" },
        ])
        .onConflictDoUpdate({ indexElements: ["uuid"], set: { user_name: ins.excluded.user_name } })
        .returning(Employee);
      const rows = (await s.scalars(stmt, undefined, populateExisting ? { populateExisting: true } : {})).all();
      expect(new Set(rows)).toEqual(new Set([e1, e2]));
      if (populateExisting) {
        expect([e1.user_name, e2.user_name]).toEqual(["e1 new name", "e2 new name"]);
      } else {
        expect([e1.user_name, e2.user_name]).toEqual(["e1 old name", "e2 old name"]);
      }
      expect(s.dirty).toEqual([]);
      await s.commit();
      s.expireAll();
      await s.refresh(e1);
      await s.refresh(e2);
      expect([e1.user_name, e2.user_name]).toEqual(["e1 new name", "e2 new name"]);
    });

    it("populateExisting given as a statement execution option", async () => {
      await using s = db.session();
      const e1 = new Employee({ uuid: "u1", user_name: "old" });
      s.add(e1);
      await s.flush();
      const ins = target.dialect === "postgresql" ? pgInsert(Employee) : sqliteInsert(Employee);
      const stmt = ins.values({ uuid: "u1", user_name: "new" }).onConflictDoUpdate({ indexElements: ["uuid"], set: { user_name: ins.excluded.user_name } }).returning(Employee);
      await s.scalars(stmt.executionOptions({ populateExisting: true }));
      expect(e1.user_name).toBe("new");
    });

    it("an expired attribute of an identity-mapped object is filled from RETURNING without populateExisting", async () => {
      await using s = db.session();
      const e1 = new Employee({ uuid: "u1", user_name: "old", some_server_value: "v" });
      s.add(e1);
      await s.flush();
      s.expire(e1, ["some_server_value"]);
      const ins = target.dialect === "postgresql" ? pgInsert(Employee) : sqliteInsert(Employee);
      const stmt = ins
        .values({ uuid: "u1", user_name: "new", some_server_value: "w" })
        .onConflictDoUpdate({ indexElements: ["uuid"], set: { user_name: ins.excluded.user_name, some_server_value: ins.excluded.some_server_value } })
        .returning(Employee);
      const [got] = (await s.scalars(stmt)).all();
      expect(got).toBe(e1);
      expect(e1.user_name).toBe("old");
      expect(e1.some_server_value).toBe("w");
    });
  });

  describe("values() with SQL expressions and bound parameters", () => {
    it("a SQL expression in values() applies to every parameter set (test_bulk_w_sql_expressions)", async () => {
      await using s = db.session();
      const stmt = insert(A).values({ data: func.lower("DD") }).returning(A, func.upper(A.data));
      for (let i = 0; i < 3; i++) {
        const rows = (await s.execute(stmt, [{ x: 5, y: 9, type: "a" }, { x: 10, y: 8, type: "a" }])).all();
        expect(rows.map((r) => [(r[0] as A).data, (r[0] as A).x, (r[0] as A).y, r[1]])).toEqual([["dd", 5, 9, "DD"], ["dd", 10, 8, "DD"]]);
      }
    });

    it.each([false, true])("values() bound parameters take their values from the parameter sets (expression=%s) (test_alt_bindparam_names)", async (inExpression) => {
      await using s = db.session();
      // CAST: PostgreSQL cannot infer the type of `$1 + $2` over two untyped parameters.
      const y = inExpression ? cast(bindparam("q"), Integer).add(15).mul(3) : bindparam("q");
      const stmt = insert(A).values({ y } as never).returning(A.x, A.y);
      const many = await s.execute(stmt, [{ q: 5, x: 10 }, { q: 8, x: 11 }, { q: 12, x: 12 }]);
      expect(many.all().map((r) => [...r])).toEqual(inExpression ? [[10, 60], [11, 69], [12, 81]] : [[10, 5], [11, 8], [12, 12]]);
      const one = await s.execute(stmt, { q: 5, x: 10 });
      expect([...one.first()!]).toEqual([10, inExpression ? 60 : 5]);
    });
  });

  describe("heterogeneous parameter sets (BulkDMLReturningInhTest.test_heterogeneous_keys)", () => {
    const values = [
      { data: "d3", x: 5, type: "a" },
      { data: "d4", x: 6, type: "a" },
      { data: "d5", type: "a" },
      { data: "d6", x: 8, y: 9, type: "a" },
      { data: "d7", x: 12, y: 12, type: "a" },
      { data: "d8", x: 7, type: "a" },
    ];
    const expected = [
      ["d3", "a", 5, null],
      ["d4", "a", 6, null],
      ["d5", "a", null, null],
      ["d6", "a", 8, 9],
      ["d7", "a", 12, 12],
      ["d8", "a", 7, null],
    ];

    it("without RETURNING: one INSERT per run of the same keys, columns in table order", async () => {
      await using s = db.session();
      await s.execute(insert(A), values);
      expect(sqlOf()).toEqual([
        `INSERT INTO ${TA} (type, data, xcol) VALUES (${ph(1)}, ${ph(2)}, ${ph(3)}), (${ph(4)}, ${ph(5)}, ${ph(6)})`,
        `INSERT INTO ${TA} (type, data) VALUES (${ph(1)}, ${ph(2)})`,
        `INSERT INTO ${TA} (type, data, xcol, y) VALUES (${ph(1)}, ${ph(2)}, ${ph(3)}, ${ph(4)}), (${ph(5)}, ${ph(6)}, ${ph(7)}, ${ph(8)})`,
        `INSERT INTO ${TA} (type, data, xcol) VALUES (${ph(1)}, ${ph(2)}, ${ph(3)})`,
      ]);
      const rows = (await s.execute(select(A.data, A.type, A.x, A.y).orderBy(A.id))).all().map((r) => [...r]);
      expect(rows).toEqual(expected);
    });

    it.each([false, true])("with returning(A) (sortByParameterOrder=%s): objects in parameter order, no further SQL", async (sort) => {
      await using s = db.session();
      const stmt = sort ? insert(A).returning(...([A, { sortByParameterOrder: true }] as unknown as [typeof A])) : insert(A).returning(A);
      expect(stmt.sortByParameterOrder).toBe(sort);
      const res = await s.execute(stmt, values);
      const ret = `RETURNING ${TA}.id, ${TA}.type, ${TA}.data, ${TA}.xcol, ${TA}.y`;
      expect(sqlOf()).toEqual([
        `INSERT INTO ${TA} (type, data, xcol) VALUES (${ph(1)}, ${ph(2)}, ${ph(3)}), (${ph(4)}, ${ph(5)}, ${ph(6)}) ${ret}`,
        `INSERT INTO ${TA} (type, data) VALUES (${ph(1)}, ${ph(2)}) ${ret}`,
        `INSERT INTO ${TA} (type, data, xcol, y) VALUES (${ph(1)}, ${ph(2)}, ${ph(3)}, ${ph(4)}), (${ph(5)}, ${ph(6)}, ${ph(7)}, ${ph(8)}) ${ret}`,
        `INSERT INTO ${TA} (type, data, xcol) VALUES (${ph(1)}, ${ph(2)}, ${ph(3)}) ${ret}`,
      ]);
      db.counting.reset();
      const objs = res.scalars().all();
      expect(objs.map((a) => [a.data, a.type, a.x, a.y])).toEqual(expected);
      expect(objs.every((a) => objectState(a) === "persistent")).toBe(true);
      expect(db.counting.statements).toEqual([]);
    });

    it("returning(columns) over several runs gives one result with rows in parameter order", async () => {
      await using s = db.session();
      const res = await s.execute(insert(A).returning(A.data, A.x), values);
      expect(res.keys()).toEqual(["data", "x"]);
      expect(res.all().map((r) => [...r])).toEqual(expected.map((r) => [r[0], r[2]]));
      expect(res.rowsAffected).toBe(6);
    });

    it("returning() options other than sortByParameterOrder are refused", () => {
      expect(() => insert(A).returning(...([A.id, { sortByParamOrder: true }] as unknown as [typeof A.id]))).toThrow(
        "returning(): unknown option 'sortByParamOrder'; the only option is sortByParameterOrder",
      );
    });

    it("a column key instead of the attribute key is refused for bulk INSERT", async () => {
      await using s = db.session();
      await expect(s.execute(insert(A), [{ type: "a", data: "d", xcol: 10 }])).rejects.toThrow(`ORM bulk insert: 'xcol' is not a column attribute of A`);
    });

    it("values() with the column key works (test_insert_col_key_also_works_currently)", async () => {
      await using s = db.session();
      await s.execute(insert(A).values({ type: "a", data: "d", xcol: 10 } as never));
      expect((await s.scalars(select(A.x))).all()).toEqual([10]);
    });

    it.each(["default", "opt_disable"] as const)("autoflush before an ORM INSERT: %s (test_autoflush)", async (opt) => {
      await using s = db.session();
      const a1 = new A({ data: "x1" });
      s.add(a1);
      if (opt === "default") {
        await s.execute(insert(A).values({ type: "a", data: "x2" }));
        expect(objectState(a1)).toBe("persistent");
        expect((await s.scalars(select(A.data).orderBy(A.id))).all()).toEqual(["x1", "x2"]);
      } else {
        await s.execute(insert(A).values({ type: "a", data: "x2" }), undefined, { autoflush: false });
        expect(objectState(a1)).toBe("pending");
        expect((await s.scalars(select(A.data).orderBy(A.id), undefined, { autoflush: false })).all()).toEqual(["x2"]);
      }
    });
  });

  describe("UpdateStmtTest", () => {
    async function seedP(): Promise<void> {
      await using s = db.session();
      s.addAll([new P({ id: 1, x: 1, y: 1 }), new P({ id: 2, x: 2, y: 2 }), new P({ id: 3, x: 3, y: 3 })]);
      await s.commit();
      db.counting.reset();
    }
    const pRows = async (): Promise<unknown[][]> => {
      await using s = db.session();
      return (await s.execute(select(P.id, P.x, P.y).orderBy(P.id))).all().map((r) => [...r]);
    };

    it.each([
      ["multirow", [{ x: 3, y: 8 }, { x: 5, y: 9 }, { x: 12, y: 15 }]],
      ["listwsingle", [{ x: 5, y: 9 }]],
    ] as const)("parameter sets without the primary key raise (%s) (test_bulk_update_no_pk)", async (_, data) => {
      await seedP();
      await using s = db.session();
      for (const stmt of [update(P), update(P).where(P.x.gt(1))]) {
        await expect(s.execute(stmt.executionOptions({ synchronizeSession: null }), data as never)).rejects.toThrow(
          `No primary key value supplied for column(s) ${TP}.id; per-row ORM Bulk UPDATE by Primary Key requires that records contain primary key values`,
        );
      }
      expect(sqlOf()).toEqual([]);
    });

    it("a single parameter dictionary is a criteria UPDATE with SET from the parameters (test_bulk_update_no_pk singlerow)", async () => {
      await seedP();
      await using s = db.session();
      await s.execute(update(P).where(P.x.gt(1)), { x: 5, y: 9 });
      expect(sqlOf()).toEqual([`UPDATE ${TP} SET x=${ph(1)}, y=${ph(2)} WHERE ${TP}.x > ${ph(3)}`]);
      await s.commit();
      expect(await pRows()).toEqual([[1, 1, 1], [2, 5, 9], [3, 5, 9]]);
    });

    it("RETURNING * of a single-dictionary UPDATE (test_bulk_update_returning_star)", async () => {
      await seedP();
      await using s = db.session();
      const res = await s.execute(update(P).returning(literalColumn("*")), { x: 5, y: 9 });
      expect(res.all().map((r) => [...r]).sort()).toEqual([[1, 5, 9], [2, 5, 9], [3, 5, 9]]);
    });

    it("extra WHERE criteria AND into each UPDATE by primary key (test_bulk_update_w_where_one)", async () => {
      await seedP();
      await using s = db.session();
      await s.execute(update(P).where(P.x.gt(1)).executionOptions({ synchronizeSession: null }), [
        { id: 1, x: 3, y: 8 },
        { id: 2, x: 5, y: 9 },
        { id: 3, x: 12, y: 15 },
      ]);
      // One executemany: the driver runs the statement once per parameter set.
      expect(sqlOf()).toEqual(Array(3).fill(`UPDATE ${TP} SET x=${ph(1)}, y=${ph(2)} WHERE ${TP}.id = ${ph(3)} AND ${TP}.x > ${ph(4)}`));
      await s.commit();
      expect(await pRows()).toEqual([[1, 1, 1], [2, 5, 9], [3, 12, 15]]);
    });

    it("values() and WHERE with bound parameters the sets supply (test_bulk_update_w_where_two)", async () => {
      await using s = db.session();
      await s.execute(insert(P), [
        { id: 1, x: 25, y: 0 },
        { id: 2, x: 47, y: 0 },
        { id: 3, x: 29, y: 0 },
        { id: 4, x: 37, y: 0 },
      ]);
      db.counting.reset();
      await s.execute(update(P).where(P.x.gt(bindparam("gtage"))).values({ x: bindparam("dest_age") }).executionOptions({ synchronizeSession: null }), [
        { id: 1, gtage: 28, dest_age: 40 },
        { id: 2, gtage: 20, dest_age: 45 },
      ]);
      expect(sqlOf()).toEqual(Array(2).fill(`UPDATE ${TP} SET x=${ph(1)} WHERE ${TP}.id = ${ph(2)} AND ${TP}.x > ${ph(3)}`));
      await s.commit();
      expect((await pRows()).map((r) => r.slice(0, 2))).toEqual([[1, 25], [2, 45], [3, 29], [4, 37]]);
    });

    it("WHERE criteria with synchronization raise SQLAlchemy's message", async () => {
      await seedP();
      await using s = db.session();
      await expect(s.execute(update(P).where(P.x.gt(1)), [{ id: 1, x: 3 }])).rejects.toThrow(
        "bulk synchronize of persistent objects not supported when using bulk update with additional WHERE criteria right now.  add synchronize_session=None execution option to bypass synchronize of persistent objects.",
      );
    });

    it("bulk UPDATE by primary key neither expires nor refreshes onupdate columns (test_bulk_update_onupdates, callable)", async () => {
      await using s = db.session();
      const e1 = new Onup({ uuid: "u1", userName: "e1 old name", someServerValue: "value 1" });
      s.add(e1);
      await s.flush();
      await s.execute(update(Onup), [{ uuid: "u1", userName: "e1 new name" }]);
      expect(e1.userName).toBe("e1 new name");
      expect(e1.someServerValue).toBe("value 1");
      await s.commit();
      await s.refresh(e1);
      expect(e1.someServerValue).toBe("value 2");
    });

    it("bulk ORM DELETE with parameter sets is refused (test_delete_bulk_not_supported)", async () => {
      await seedP();
      await using s = db.session();
      const { delete: del } = await import("athanor");
      await expect(s.execute(del(P), [{ id: 1 }, { id: 2 }])).rejects.toThrow(InvalidRequestError);
      await expect(s.execute(del(P), [{ id: 1 }, { id: 2 }])).rejects.toThrow("Bulk ORM DELETE not supported right now.");
      expect(sqlOf()).toEqual([]);
    });
  });
});

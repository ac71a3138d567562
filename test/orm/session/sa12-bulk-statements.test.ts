/**
 * ORM bulk INSERT / UPDATE statements, ported from SQLAlchemy's
 * test/orm/dml/test_bulk_statements.py InsertStmtTest and UpdateStmtTest: the cases that
 * sa5e-bulk-statements.test.ts (and orm-dml.test.ts, query/sa-orm-dml.test.ts) do not cover,
 * on real PostgreSQL and libSQL.
 *
 * Skipped:
 * - test_no_returning_error "no_executemany" / "no_sort_by" styles and `implicit_returning=False`:
 *   they toggle SQLAlchemy dialect flags (use_insertmanyvalues, insert_executemany_returning…)
 *   athanor has no equivalent of; both its dialects support executemany RETURNING (the "default"
 *   style is covered in sa5e-bulk-statements).
 * - test_insert_returning_bundle, test_bulk_update_returning_bundle: athanor has no Bundle.
 * - The `dml_strategy` execution option ("raw", "bulk", "orm") of test_alt_bindparam_names:
 *   athanor always picks the strategy SQLAlchemy's "auto" picks.
 *
 * Known differences:
 * - test_returning_col_property: SQLAlchemy lazy-loads a column_property() missing from an ORM
 *   INSERT/UPDATE's RETURNING on attribute access; athanor never loads implicitly, so the
 *   attribute is unloaded and `session.refresh(obj, ["colprop"])` loads it (one SELECT per
 *   object, as SQLAlchemy's lazy loads). That SELECT also lists the table's columns, where
 *   SQLAlchemy's selects the expression alone.
 * - EagerLoadTest (selectinload()/immediateload() options on `insert(B).returning(B)`, and a
 *   relationship's `lazy="selectin"` applied to the RETURNed objects): athanor's DML statements
 *   have no options() and an ORM INSERT … RETURNING runs no relationship loaders; load related
 *   objects with a SELECT afterwards. immediateload/subqueryload do not exist in athanor.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  bindparam, cast, columnProperty, Computed, DeclarativeBase, func, insert, Integer, InvalidRequestError, literal, literalColumn,
  mappedColumn, select, String, update, type ColumnElement, type ColumnExpressionProperty,
} from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";

const p = uniqueName("sa12_bulk");
class Base extends DeclarativeBase {}
class User extends Base.model(`${p}_user`, {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  name: mappedColumn(String(30)),
  age: mappedColumn(Integer),
}) {
  static colprop: ColumnExpressionProperty<number> = columnProperty((): ColumnElement<number, string> => {
    const other = User.__table__.alias();
    return select(func.max(other.c.age)).where(other.c.id.ne(User.id)).scalarSubquery() as ColumnElement<number, string>;
  });
  declare readonly colprop: number;
}
class Adult extends Base.model(`${p}_adult`, {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
  age: mappedColumn(Integer),
}) {
  static isAdult = columnProperty(() => Adult.age.ge(18));
  declare readonly isAdult: boolean;
}
class P extends Base.model(`${p}_p`, {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  x: mappedColumn(Integer),
  y: mappedColumn(Integer),
}) {}
const employee = (name: string, sv: Parameters<typeof mappedColumn>[1]) =>
  class extends Base.model(`${p}_emp_${name}`, {
    uuid: mappedColumn(String(40), { primaryKey: true }),
    userName: mappedColumn(String(200), { name: "user_name" }),
    someServerValue: mappedColumn(String(255), { name: "some_server_value", nullable: true, ...sv }),
  }) {};
const onupdates = {
  none: employee("none", {}),
  server: employee("server", { serverOnupdate: true }),
  clientsql: employee("clientsql", { onupdate: literal("value 2") }),
  computed: employee("computed", { computed: Computed("user_name || ' computed value'") }),
};

const [TU, TAD, TP] = [`${p}_user`, `${p}_adult`, `${p}_p`];
const people = [
  { id: 1, name: "john", age: 25 },
  { id: 2, name: "jack", age: 47 },
  { id: 3, name: "jill", age: 29 },
  { id: 4, name: "jane", age: 37 },
];

describe.each(dialectTargets())("ORM bulk statements (sa12) on $name", (target) => {
  let db: Db;
  const ph = (n: number): string => (target.dialect === "postgresql" ? `$${n}` : "?");
  const sqlOf = (): string[] => db.counting.statements.filter((q) => /^(INSERT|UPDATE|DELETE|SELECT)/.test(q));
  beforeAll(async () => {
    db = await openDb(target, Base as never);
  });
  afterAll(async () => {
    await db.cleanup();
  });
  beforeEach(async () => {
    await db.engine.begin(async (conn) => {
      for (const t of [TU, TAD, TP, ...Object.keys(onupdates).map((k) => `${p}_emp_${k}`)]) await conn.execDriverSql(`DELETE FROM ${t}`);
    });
    db.counting.reset();
  });

  describe("InsertStmtTest", () => {
    // SQLAlchemy's lazy load selects the expression alone; athanor's refresh() adds the columns.
    const colpropSelect = `SELECT ${TU}.id, ${TU}.name, ${TU}.age, (SELECT max(${TU}_1.age) AS max_1 \nFROM ${TU} AS ${TU}_1 \nWHERE ${TU}_1.id != ${TU}.id) AS anon_1 \nFROM ${TU} \nWHERE ${TU}.id = ${ph(1)}`;

    it.each(["values", "bulk"] as const)("RETURNING the entity leaves a column_property out; it loads with one SELECT per object (test_returning_col_property, %s)", async (style) => {
      await using s = db.session();
      const stmt = style === "values" ? insert(User).values(people).returning(User) : insert(User).returning(User);
      const res = style === "values" ? await s.execute(stmt) : await s.execute(stmt, people);
      expect(sqlOf()).toEqual([`INSERT INTO ${TU} (id, name, age) VALUES ${people.map((_, i) => `(${ph(3 * i + 1)}, ${ph(3 * i + 2)}, ${ph(3 * i + 3)})`).join(", ")} RETURNING ${TU}.id, ${TU}.name, ${TU}.age`]);
      const users = res.scalars().all();
      expect(users.map((u) => [u.id, u.name, u.age])).toEqual(people.map((r) => [r.id, r.name, r.age]));
      expect(() => users[0].colprop).toThrow("Attribute 'User.colprop' is not loaded");
      db.counting.reset();
      for (const u of users) await s.refresh(u, ["colprop"]);
      expect(users.map((u) => u.colprop)).toEqual([47, 37, 47, 47]);
      expect(sqlOf()).toEqual(Array(4).fill(colpropSelect));
    });

    it("INSERT … FROM SELECT RETURNING an entity with a column_property (test_insert_from_select_col_property)", async () => {
      await using s = db.session();
      const sel = select(literal(1).label("id"), literal("John").label("name"), literal(30).label("age"));
      const got = (await s.scalars(insert(Adult).fromSelect(["id", "name", "age"], sel).returning(Adult))).all();
      expect(got.map((a) => [a.constructor, a.id, a.name, a.age])).toEqual([[Adult, 1, "John", 30]]);
      // PostgreSQL casts the integer literals (as SQLAlchemy's asyncpg dialect does); strings go untyped.
      const cast = target.dialect === "postgresql" ? ["::INTEGER", "", "::INTEGER"] : ["", "", ""];
      expect(sqlOf()).toEqual([
        `INSERT INTO ${TAD} (id, name, age) SELECT ${ph(1)}${cast[0]} AS id, ${ph(2)}${cast[1]} AS name, ${ph(3)}${cast[2]} AS age RETURNING ${TAD}.id, ${TAD}.name, ${TAD}.age`,
      ]);
      await s.refresh(got[0], ["isAdult"]);
      expect(got[0].isAdult).toBe(true);
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

    describe.each(["none", "server", "clientsql", "computed"] as const)("bulk UPDATE by primary key neither expires nor refreshes onupdate columns (test_bulk_update_onupdates, %s)", (kind) => {
      it("keeps the loaded value until the object is expired", async () => {
        const E = onupdates[kind];
        const te = `${p}_emp_${kind}`;
        const computed = kind === "computed";
        const [oldValue, newValue] = computed ? ["e1 old name computed value", "e1 new name computed value"] : ["value 1", "value 2"];
        await using s = db.session();
        const e1 = new E({ uuid: "u1", userName: "e1 old name", ...(computed ? {} : { someServerValue: "value 1" }) } as { uuid: string; userName: string; someServerValue: string });
        s.add(e1);
        await s.flush();
        if (computed) await s.refresh(e1, ["someServerValue"]);
        expect(e1.someServerValue).toBe(oldValue);
        if (kind === "none" || kind === "server") {
          // An out-of-band UPDATE stands in for what the server computes.
          await (await s.connection()).execute(update(E.__table__).values({ someServerValue: "value 2" }));
        }
        db.counting.reset();
        await s.execute(update(E), [{ uuid: "u1", userName: "e1 new name" }]);
        const set = kind === "clientsql" ? `user_name=${ph(1)}, some_server_value=${ph(2)} WHERE ${te}.uuid = ${ph(3)}` : `user_name=${ph(1)} WHERE ${te}.uuid = ${ph(2)}`;
        expect(sqlOf()).toEqual([`UPDATE ${te} SET ${set}`]);
        expect(e1.someServerValue).toBe(oldValue);
        await s.commit();
        s.expireAll();
        await s.refresh(e1);
        expect(e1.someServerValue).toBe(newValue);
      });
    });

    describe.each([false, true])("values() and WHERE with bound parameters named by the parameter sets (test_alt_bindparam_names, expression: %s)", (inExpression) => {
      // CAST: PostgreSQL cannot infer the type of `$1 + $2` over two untyped parameters.
      const y = () => (inExpression ? literal(3).mul(cast(bindparam("q"), Integer).add(15)) : bindparam("q"));
      const stmt = () => update(P).values({ y: y() }).where(P.id.eq(bindparam("b_id")));
      const qs = inExpression ? [60, 69, 81] : [5, 8, 12];

      it("one parameter set RETURNING: other keys of the set become SET columns", async () => {
        await seedP();
        await using s = db.session();
        const row = (await s.execute(stmt().returning(P.x, P.y), { b_id: 1, q: 5, x: 10 })).first()!;
        expect([row[0], row[1]]).toEqual([10, qs[0]]);
        await s.commit();
        expect(await pRows()).toEqual([[1, 10, qs[0]], [2, 2, 2], [3, 3, 3]]);
      });

      it("one parameter set without RETURNING", async () => {
        await seedP();
        await using s = db.session();
        await s.execute(stmt(), { b_id: 1, q: 5, x: 10 });
        await s.commit();
        expect(await pRows()).toEqual([[1, 10, qs[0]], [2, 2, 2], [3, 3, 3]]);
      });

      it("several parameter sets by primary key with synchronizeSession null (executemany)", async () => {
        await seedP();
        await using s = db.session();
        await s.execute(stmt().executionOptions({ synchronizeSession: null }), [
          { id: 1, b_id: 1, q: 5, x: 10 },
          { id: 2, b_id: 2, q: 8, x: 11 },
          { id: 3, b_id: 3, q: 12, x: 12 },
        ]);
        await s.commit();
        expect((await pRows()).map((r) => r.slice(1))).toEqual([[10, qs[0]], [11, qs[1]], [12, qs[2]]]);
      });

      it.each([
        ["evaluate", "bulk synchronize of persistent objects not supported"],
        ["fetch", "The 'fetch' synchronization strategy is not available for 'bulk' ORM updates (i.e. multiple parameter sets)"],
      ] as const)("several parameter sets with synchronizeSession %s raise", async (sync, msg) => {
        await seedP();
        await using s = db.session();
        const call = () => s.execute(stmt().executionOptions({ synchronizeSession: sync }), [{ id: 1, b_id: 1, q: 5, x: 10 }]);
        await expect(call()).rejects.toThrow(InvalidRequestError);
        await expect(call()).rejects.toThrow(msg);
        expect(sqlOf()).toEqual([]);
      });
    });

    it("one parameter dictionary without WHERE updates every row (test_bulk_update_no_pk, singlerow)", async () => {
      await seedP();
      await using s = db.session();
      await s.execute(update(P), { x: 5, y: 9 });
      expect(sqlOf()).toEqual([`UPDATE ${TP} SET x=${ph(1)}, y=${ph(2)}`]);
      await s.commit();
      expect(await pRows()).toEqual([[1, 5, 9], [2, 5, 9], [3, 5, 9]]);
    });

    it.each([
      ["multirow", [{ x: 3, y: 8 }, { x: 5, y: 9 }, { x: 12, y: 15 }]],
      ["listwsingle", [{ x: 5, y: 9 }]],
    ] as const)("RETURNING * with parameter sets lacking the primary key raises (test_bulk_update_returning_star, %s)", async (_, rows) => {
      await seedP();
      await using s = db.session();
      const stmt = update(P).returning(literalColumn("*")).executionOptions({ synchronizeSession: null });
      await expect(s.execute(stmt, rows as never)).rejects.toThrow(InvalidRequestError);
      await expect(s.execute(stmt, rows as never)).rejects.toThrow("No primary key value supplied");
      expect(sqlOf()).toEqual([]);
    });

    it("criteria UPDATE RETURNING the entity leaves a column_property to be loaded (test_returning_col_property)", async () => {
      await using s = db.session();
      await s.execute(insert(User), people);
      db.counting.reset();
      const row = (await s.execute(update(User).values({ age: 30 }).where(User.age.eq(29)).returning(User))).one();
      const jill = row[0] as User;
      expect([jill.id, jill.name, jill.age]).toEqual([3, "jill", 30]);
      expect(() => jill.colprop).toThrow("Attribute 'User.colprop' is not loaded");
      await s.refresh(jill, ["colprop"]);
      expect(jill.colprop).toBe(47);
    });
  });
});

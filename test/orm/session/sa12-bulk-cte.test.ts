/**
 * SQLAlchemy test/orm/dml/test_bulk_statements.py CTETest and DMLCompileScenariosTest: a SELECT
 * of a CTE that wraps an ORM INSERT … RETURNING (#8544), loaded as rows or as entities, and the
 * compiled UPDATE of a mapped class's Table whose WHERE names another entity (#12692).
 * CTETest runs on PostgreSQL only (SQLite has no INSERT inside WITH; SQLAlchemy requires
 * `ctes_on_dml`).
 *
 * Skipped: DMLCompileScenariosTest.test_insert_values_from_primary_table_only — it checks that
 * SQLAlchemy's internal `_propagate_attrs` plumbing leaves `insert(A.__table__).values()` keys
 * alone; athanor's Core insert() has no such ORM propagation.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { aliased, DateTime, DeclarativeBase, func, insert, Integer, mappedColumn, select, String, update } from "athanor";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { openDb, type Db } from "./models.js";
import { assertCompile } from "../../sql/compiler/helpers.js";

const p = uniqueName("sa12_cte");
class Base extends DeclarativeBase {}
class User extends Base.model(`${p}_users`, {
  id: mappedColumn(String(40), { primaryKey: true }),
  username: mappedColumn(String(50)),
}) {}
const TU = `${p}_users`;

for (const target of dialectTargets().filter((t) => t.dialect === "postgresql")) {
  describe(`SELECT from an ORM INSERT … RETURNING CTE (CTETest.test_select_from_insert_cte) on ${target.name}`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await openDb(target, Base as never);
    });
    afterAll(async () => {
      await db.cleanup();
    });
    beforeEach(async () => {
      await db.engine.begin(async (conn) => conn.execDriverSql(`DELETE FROM ${TU}`));
      db.counting.reset();
    });

    const cteSql = `(INSERT INTO ${TU} (id, username) VALUES ($1, $2) RETURNING ${TU}.id, ${TU}.username)`;
    describe.each(["from_statement", "aliased", "direct"] as const)("fetch %s", (fetch) => {
      it.each([
        [true, true],
        [true, false],
        [false, true],
        [false, false],
      ])("cte wrapped in aliased(): %s, union: %s", async (wrap, union) => {
        const id = `id-${fetch}-${wrap}-${union}`;
        const cte = insert(User).values({ id, username: "some user" }).returning(User).cte();
        const source = wrap ? aliased(User, cte) : cte;
        const stmt = union ? select(User).where(User.id.eq(id)).union(select(source as never)) : select(source as never);
        const outer = fetch === "from_statement" ? select(User).fromStatement(stmt) : fetch === "aliased" ? select(aliased(User, stmt.subquery())) : stmt;
        const expectEntity = fetch !== "direct" || (!union && wrap);
        await using s = db.session();
        const rows = (await s.execute(outer as never)).all();
        expect(rows).toHaveLength(1);
        const got = rows[0][0] as unknown;
        if (expectEntity) {
          expect(got).toBeInstanceOf(User);
          expect([(got as User).id, (got as User).username]).toEqual([id, "some user"]);
        } else expect([...rows[0]]).toEqual([id, "some user"]);
        let expected: string;
        if (fetch === "aliased" && !union) {
          expected = `WITH anon_2 AS ${cteSql} SELECT anon_1.id, anon_1.username FROM (SELECT anon_2.id AS id, anon_2.username AS username FROM anon_2) AS anon_1`;
        } else if (!union) {
          expected = `WITH anon_1 AS ${cteSql} SELECT anon_1.id, anon_1.username FROM anon_1`;
        } else if (fetch === "aliased") {
          expected =
            `WITH anon_2 AS ${cteSql} SELECT anon_1.id, anon_1.username FROM (SELECT ${TU}.id AS id, ${TU}.username AS username ` +
            `FROM ${TU} WHERE ${TU}.id = $3 UNION SELECT anon_2.id AS id, anon_2.username AS username FROM anon_2) AS anon_1`;
        } else {
          expected = `WITH anon_1 AS ${cteSql} SELECT ${TU}.id, ${TU}.username FROM ${TU} WHERE ${TU}.id = $3 UNION SELECT anon_1.id, anon_1.username FROM anon_1`;
        }
        expect(db.counting.statements.map((q) => q.replace(/\n/g, ""))).toEqual([expected]);
      });
    });
  });
}

describe("DMLCompileScenariosTest", () => {
  it("UPDATE of a mapped class's Table with another entity in WHERE: UPDATE … FROM, onupdate rendered (test_update_values_from_primary_table_only)", () => {
    class CBase extends DeclarativeBase {}
    class A extends CBase.model("a", {
      id: mappedColumn(Integer, { primaryKey: true }),
      data: mappedColumn(String(50)),
      updatedAt: mappedColumn(DateTime(), { name: "updated_at", onupdate: func.now() }),
    }) {}
    class B extends CBase.model("b", {
      id: mappedColumn(Integer, { primaryKey: true }),
      data: mappedColumn(String(50)),
      updatedAt: mappedColumn(DateTime(), { name: "updated_at", onupdate: func.now() }),
    }) {}
    const stmt = update(A.__table__).where(B.id.eq(1)).values({ data: "some data" });
    assertCompile(stmt, "UPDATE a SET data=:data, updated_at=now() FROM b WHERE b.id = :id_1", { params: { data: "some data", id_1: 1 } });
    assertCompile(stmt, "UPDATE a SET data=$1, updated_at=now() FROM b WHERE b.id = $2", { dialect: "postgresql", positional: ["some data", 1] });
  });

  it("update(A).values() with a Map keyed by mapped attributes sets their columns", () => {
    class CBase extends DeclarativeBase {}
    class A extends CBase.model("a", {
      id: mappedColumn(Integer, { primaryKey: true }),
      x: mappedColumn(Integer),
    }) {}
    assertCompile(update(A).values(new Map([[A.x, 5]])).where(A.id.eq(1)), "UPDATE a SET x=:x WHERE a.id = :id_1", { params: { x: 5, id_1: 1 } });
    assertCompile(insert(A).values(new Map([[A.x, 5]])), "INSERT INTO a (x) VALUES (:x)", { params: { x: 5 } });
  });
});

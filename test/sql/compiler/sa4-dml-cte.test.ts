/**
 * INSERT / UPDATE / DELETE as common table expressions, ported from SQLAlchemy's
 * test/sql/test_cte.py (`test_pg_example_*`, `test_*_in_the_cte`, `test_*_uses_independent_cte`):
 * `WITH name AS (DELETE … RETURNING …) SELECT … FROM name`, compiled and run on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, column, delete_, insert, update, Column, createAsyncEngine, Integer, MetaData, select, table, Table, type AsyncEngine } from "../../../src/index.js";
import { assertCompile, compile } from "./helpers.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";

describe("CTETest: DML in the CTE (test_cte.py)", () => {
  it("test_pg_example_one", () => {
    const products = table("products", column("id"), column("date"));
    const productsLog = table("products_log", column("id"), column("date"));
    const movedRows = delete_(products)
      .where(and(products.c.date.ge("dateone"), products.c.date.lt("datetwo")))
      .returning(...products.columnList)
      .cte("moved_rows");
    const stmt = insert(productsLog).fromSelect(productsLog.columnList, select(movedRows));
    assertCompile(stmt,
      "WITH moved_rows AS (DELETE FROM products WHERE products.date >= :date_1 AND products.date < :date_2 " +
        "RETURNING products.id, products.date) INSERT INTO products_log (id, date) SELECT moved_rows.id, moved_rows.date FROM moved_rows");
    expect(compile(stmt).statementKind).toBe("insert");
  });

  it("test_pg_example_one_select_only", () => {
    const products = table("products", column("id"), column("date"));
    const movedRows = delete_(products)
      .where(and(products.c.date.ge("dateone"), products.c.date.lt("datetwo")))
      .returning(...products.columnList)
      .cte("moved_rows");
    const stmt = select(movedRows);
    assertCompile(stmt,
      "WITH moved_rows AS (DELETE FROM products WHERE products.date >= :date_1 AND products.date < :date_2 " +
        "RETURNING products.id, products.date) SELECT moved_rows.id, moved_rows.date FROM moved_rows");
    expect(compile(stmt).statementKind).toBe("select");
  });

  it("test_pg_example_two", () => {
    const products = table("products", column("id"), column("price"));
    const t = update(products).values({ price: "someprice" }).returning(...products.columnList).cte("t");
    const stmt = select(t);
    assertCompile(stmt, "WITH t AS (UPDATE products SET price=:param_1 RETURNING products.id, products.price) SELECT t.id, t.price FROM t",
      { params: { param_1: "someprice" } });
    expect(compile(stmt).statementKind).toBe("select");
  });

  it("test_insert_in_the_cte", () => {
    const products = table("products", column("id"), column("price"));
    const c = insert(products).values({ id: 1, price: 27.0 }).returning(...products.columnList).cte("pd");
    const stmt = select(c);
    assertCompile(stmt,
      "WITH pd AS (INSERT INTO products (id, price) VALUES (:param_1, :param_2) RETURNING products.id, products.price) SELECT pd.id, pd.price FROM pd",
      { params: { param_1: 1, param_2: 27.0 } });
    expect(compile(stmt).statementKind).toBe("select");
  });

  it("test_select_uses_independent_cte", () => {
    const products = table("products", column("id"), column("price"));
    const updCte = update(products).values({ price: 10 }).where(products.c.price.gt(50)).cte();
    const stmt = select(products).where(products.c.price.lt(45)).addCte(updCte);
    assertCompile(stmt,
      "WITH anon_1 AS (UPDATE products SET price=:param_1 WHERE products.price > :price_1) " +
        "SELECT products.id, products.price FROM products WHERE products.price < :price_2",
      { params: { param_1: 10, price_1: 50, price_2: 45 } });
  });
});

describe("DML in the CTE, run on PostgreSQL (test_cte.py)", () => {
  const target = dialectTargets().find((t) => t.name === "postgresql")!;
  const md = new MetaData();
  const products = Table(uniqueName("sa4_products"), md, { id: Column(Integer, { primaryKey: true, autoincrement: false }), price: Column(Integer) });
  const productsLog = Table(uniqueName("sa4_products_log"), md, { id: Column(Integer, { primaryKey: true, autoincrement: false }), price: Column(Integer) });
  let engine: AsyncEngine;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    engine = createAsyncEngine(d.driver);
    cleanup = async () => {
      await engine.dispose();
      await d.cleanup();
    };
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await conn.execute(insert(products).values([{ id: 1, price: 10 }, { id: 2, price: 60 }, { id: 3, price: 80 }]));
    });
  });
  afterAll(async () => {
    await engine.begin((conn) => md.dropAll(conn));
    await cleanup();
  });

  it("test_insert_in_the_cte / test_pg_example_one / test_pg_example_two / test_select_uses_independent_cte, live", async () => {
    await using conn = await engine.connect();
    const ins = insert(products).values({ id: 4, price: 27 }).returning(products.c.id, products.c.price).cte("pd");
    expect((await conn.execute(select(ins))).all().map((r) => [...r])).toEqual([[4, 27]]);
    // moved_rows: DELETE … RETURNING feeding INSERT … SELECT.
    const moved = delete_(products).where(products.c.price.gt(50)).returning(products.c.id, products.c.price).cte("moved_rows");
    await conn.execute(insert(productsLog).fromSelect([productsLog.c.id, productsLog.c.price], select(moved.c.id, moved.c.price)));
    expect((await conn.execute(select(productsLog.c.id, productsLog.c.price).orderBy(productsLog.c.id))).all().map((r) => [...r])).toEqual([[2, 60], [3, 80]]);
    const upd = update(products).values({ price: 99 }).where(products.c.id.eq(1)).returning(products.c.id, products.c.price).cte("t");
    expect((await conn.execute(select(upd.c.id, upd.c.price))).all().map((r) => [...r])).toEqual([[1, 99]]);
    const indep = update(products).values({ price: 5 }).where(products.c.id.eq(4)).cte();
    await conn.execute(select(products.c.id).where(products.c.id.eq(1)).addCte(indep));
    expect((await conn.execute(select(products.c.id, products.c.price).orderBy(products.c.id))).all().map((r) => [...r])).toEqual([[1, 99], [4, 5]]);
    await conn.commit();
  });
});

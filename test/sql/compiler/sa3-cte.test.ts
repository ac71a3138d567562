/**
 * SQLAlchemy's test/sql/test_cte.py, ported: recursive and non-recursive CTEs, aliases of CTEs,
 * UNION in a CTE, anonymous names, quoting and positional binds.
 */
import { describe, expect, it } from "vitest";
import { CompileError, Integer, bindparam, column, cte, delete_, exists, func, literal, select, table, text, unionAll } from "../../../src/index.js";
import { assertCompile, compile } from "./helpers.js";

describe("CTETest (test_cte.py)", () => {
  it("test_nonrecursive", () => {
    const orders = table("orders", column("region"), column("amount"), column("product"), column("quantity"));
    const regionalSales = select(orders.c.region, func.sum(orders.c.amount).label("total_sales")).groupBy(orders.c.region).cte("regional_sales");
    const topRegions = select(regionalSales.c.region)
      .where(regionalSales.c.total_sales.gt(select(func.sum(regionalSales.c.total_sales).floordiv(10)).scalarSubquery()))
      .cte("top_regions");
    const s = select(orders.c.region, orders.c.product, func.sum(orders.c.quantity).label("product_units"), func.sum(orders.c.amount).label("product_sales"))
      .where(orders.c.region.in(select(topRegions.c.region)))
      .groupBy(orders.c.region, orders.c.product);
    assertCompile(
      s,
      "WITH regional_sales AS (SELECT orders.region AS region, sum(orders.amount) AS total_sales FROM orders GROUP BY orders.region), " +
        "top_regions AS (SELECT regional_sales.region AS region FROM regional_sales WHERE regional_sales.total_sales > " +
        "(SELECT FLOOR(sum(regional_sales.total_sales) / :sum_1) AS anon_1 FROM regional_sales)) " +
        "SELECT orders.region, orders.product, sum(orders.quantity) AS product_units, sum(orders.amount) AS product_sales " +
        "FROM orders WHERE orders.region IN (SELECT top_regions.region FROM top_regions) GROUP BY orders.region, orders.product",
    );
  });

  it("test_recursive", () => {
    const parts = table("parts", column("part"), column("sub_part"), column("quantity"));
    let includedParts = select(parts.c.sub_part, parts.c.part, parts.c.quantity).where(parts.c.part.eq("our part")).cte(undefined, { recursive: true });
    const inclAlias = includedParts.alias();
    const partsAlias = parts.alias();
    includedParts = includedParts.union(select(partsAlias.c.sub_part, partsAlias.c.part, partsAlias.c.quantity).where(partsAlias.c.part.eq(inclAlias.c.sub_part)));
    const s = select(includedParts.c.sub_part, func.sum(includedParts.c.quantity).label("total_quantity"))
      .selectFrom(includedParts.join(parts, includedParts.c.part.eq(parts.c.part)))
      .groupBy(includedParts.c.sub_part);
    assertCompile(
      s,
      "WITH RECURSIVE anon_1(sub_part, part, quantity) AS (SELECT parts.sub_part AS sub_part, parts.part AS part, parts.quantity AS quantity FROM parts " +
        "WHERE parts.part = :part_1 UNION SELECT parts_1.sub_part AS sub_part, parts_1.part AS part, parts_1.quantity AS quantity " +
        "FROM parts AS parts_1, anon_1 AS anon_2 WHERE parts_1.part = anon_2.sub_part) " +
        "SELECT anon_1.sub_part, sum(anon_1.quantity) AS total_quantity FROM anon_1 JOIN parts ON anon_1.part = parts.part GROUP BY anon_1.sub_part",
    );
  });

  it("test_recursive_w_anon_labels", () => {
    const parts = table("parts", column("part"), column("sub_part"), column("quantity"));
    let includedParts = select(parts.c.sub_part.label(), parts.c.part.label(), parts.c.quantity).where(parts.c.part.eq("our part")).cte(undefined, { recursive: true });
    const inclAlias = includedParts.alias();
    const partsAlias = parts.alias();
    includedParts = includedParts.union(select(partsAlias.c.sub_part, partsAlias.c.part, partsAlias.c.quantity).where(partsAlias.c.part.eq(inclAlias.columnList[0])));
    const s = select(includedParts.columnList[0], func.sum(includedParts.c.quantity).label("total_quantity"))
      .selectFrom(includedParts.join(parts, includedParts.columnList[1].eq(parts.c.part)))
      .groupBy(includedParts.columnList[0]);
    assertCompile(
      s,
      "WITH RECURSIVE anon_1(sub_part_1, part_1, quantity) AS (SELECT parts.sub_part AS sub_part_1, parts.part AS part_1, parts.quantity AS quantity FROM parts " +
        "WHERE parts.part = :part_2 UNION SELECT parts_1.sub_part AS sub_part, parts_1.part AS part, parts_1.quantity AS quantity " +
        "FROM parts AS parts_1, anon_1 AS anon_2 WHERE parts_1.part = anon_2.sub_part_1) " +
        "SELECT anon_1.sub_part_1, sum(anon_1.quantity) AS total_quantity FROM anon_1 JOIN parts ON anon_1.part_1 = parts.part GROUP BY anon_1.sub_part_1",
    );
  });

  it("test_recursive_inner_cte_unioned_to_alias", () => {
    const parts = table("parts", column("part"), column("sub_part"), column("quantity"));
    const includedParts0 = select(parts.c.sub_part, parts.c.part, parts.c.quantity).where(parts.c.part.eq("our part")).cte(undefined, { recursive: true });
    const inclAlias = includedParts0.alias("incl");
    const partsAlias = parts.alias();
    const includedParts = inclAlias.union(select(partsAlias.c.sub_part, partsAlias.c.part, partsAlias.c.quantity).where(partsAlias.c.part.eq(inclAlias.c.sub_part)));
    const s = select(includedParts.c.sub_part, func.sum(includedParts.c.quantity).label("total_quantity"))
      .selectFrom(includedParts.join(parts, includedParts.c.part.eq(parts.c.part)))
      .groupBy(includedParts.c.sub_part);
    assertCompile(
      s,
      "WITH RECURSIVE incl(sub_part, part, quantity) AS (SELECT parts.sub_part AS sub_part, parts.part AS part, parts.quantity AS quantity FROM parts " +
        "WHERE parts.part = :part_1 UNION SELECT parts_1.sub_part AS sub_part, parts_1.part AS part, parts_1.quantity AS quantity " +
        "FROM parts AS parts_1, incl WHERE parts_1.part = incl.sub_part) " +
        "SELECT incl.sub_part, sum(incl.quantity) AS total_quantity FROM incl JOIN parts ON incl.part = parts.part GROUP BY incl.sub_part",
    );
  });

  it("test_recursive_union_no_alias_one", () => {
    const s1 = select(literal(0).label("x"));
    let cte = s1.cte("cte", { recursive: true });
    cte = cte.unionAll(select(cte.c.x.add(1)).where(cte.c.x.lt(10)));
    assertCompile(select(cte), "WITH RECURSIVE cte(x) AS (SELECT :param_1 AS x UNION ALL SELECT cte.x + :x_1 AS anon_1 FROM cte WHERE cte.x < :x_2) SELECT cte.x FROM cte");
  });

  it("test_recursive_union_alias_one", () => {
    const s1 = select(literal(0).label("x"));
    const cte0 = s1.cte("cte", { recursive: true });
    const cte = cte0.unionAll(select(cte0.c.x.add(1)).where(cte0.c.x.lt(10))).alias("cr1");
    assertCompile(select(cte), "WITH RECURSIVE cte(x) AS (SELECT :param_1 AS x UNION ALL SELECT cte.x + :x_1 AS anon_1 FROM cte WHERE cte.x < :x_2) SELECT cr1.x FROM cte AS cr1");
  });

  it("test_recursive_union_no_alias_two", () => {
    let t = select(func.values(1).label("n")).cte("t", { recursive: true });
    t = t.unionAll(select(t.c.n.add(1)).where(t.c.n.lt(100)));
    assertCompile(
      select(func.sum(t.c.n)),
      "WITH RECURSIVE t(n) AS (SELECT values(:values_1) AS n UNION ALL SELECT t.n + :n_1 AS anon_1 FROM t WHERE t.n < :n_2) SELECT sum(t.n) AS sum_1 FROM t",
    );
  });

  it("test_recursive_union_alias_two", () => {
    const t0 = select(func.values(1).label("n")).cte("t", { recursive: true });
    const t = t0.unionAll(select(t0.c.n.add(1)).where(t0.c.n.lt(100))).alias("ta");
    assertCompile(
      select(func.sum(t.c.n)),
      "WITH RECURSIVE t(n) AS (SELECT values(:values_1) AS n UNION ALL SELECT t.n + :n_1 AS anon_1 FROM t WHERE t.n < :n_2) SELECT sum(ta.n) AS sum_1 FROM t AS ta",
    );
  });

  it("test_recursive_union_no_alias_three", () => {
    const s1 = select(literal(0).label("x"));
    let cte = s1.cte("cte", { recursive: true });
    cte = cte.unionAll(select(cte.c.x.add(1)).where(cte.c.x.lt(10)));
    const bar = select(cte).cte("bar");
    assertCompile(
      select(cte, bar),
      "WITH RECURSIVE cte(x) AS (SELECT :param_1 AS x UNION ALL SELECT cte.x + :x_2 AS anon_1 FROM cte WHERE cte.x < :x_3), " +
        "bar AS (SELECT cte.x AS x FROM cte) SELECT cte.x, bar.x AS x_1 FROM cte, bar",
    );
  });

  it("test_recursive_union_alias_three", () => {
    const s1 = select(literal(0).label("x"));
    const cte0 = s1.cte("cte", { recursive: true });
    const cte = cte0.unionAll(select(cte0.c.x.add(1)).where(cte0.c.x.lt(10))).alias("cs1");
    const bar = select(cte).cte("bar").alias("cs2");
    assertCompile(
      select(cte, bar),
      "WITH RECURSIVE cte(x) AS (SELECT :param_1 AS x UNION ALL SELECT cte.x + :x_2 AS anon_1 FROM cte WHERE cte.x < :x_3), " +
        "bar AS (SELECT cs1.x AS x FROM cte AS cs1) SELECT cs1.x, cs2.x AS x_1 FROM cte AS cs1, bar AS cs2",
    );
  });

  it("test_recursive_union_no_alias_four", () => {
    const s1 = select(literal(0).label("x"));
    let cte = s1.cte("cte", { recursive: true });
    const bar = select(cte).cte("bar");
    cte = cte.unionAll(select(cte.c.x.add(1)).where(cte.c.x.lt(10)));
    assertCompile(
      select(cte, bar),
      "WITH RECURSIVE cte(x) AS (SELECT :param_1 AS x UNION ALL SELECT cte.x + :x_2 AS anon_1 FROM cte WHERE cte.x < :x_3), " +
        "bar AS (SELECT cte.x AS x FROM cte) SELECT cte.x, bar.x AS x_1 FROM cte, bar",
    );
    assertCompile(select(bar), "WITH RECURSIVE cte(x) AS (SELECT :param_1 AS x), bar AS (SELECT cte.x AS x FROM cte) SELECT bar.x FROM bar");
    assertCompile(
      select(bar, cte),
      "WITH RECURSIVE bar AS (SELECT cte.x AS x FROM cte), cte(x) AS (SELECT :param_1 AS x UNION ALL SELECT cte.x + :x_2 AS anon_1 FROM cte WHERE cte.x < :x_3) " +
        "SELECT bar.x, cte.x AS x_1 FROM bar, cte",
    );
  });

  it("test_recursive_union_alias_four", () => {
    const s1 = select(literal(0).label("x"));
    const cte0 = s1.cte("cte", { recursive: true });
    const bar = select(cte0).cte("bar").alias("cs1");
    const cte = cte0.unionAll(select(cte0.c.x.add(1)).where(cte0.c.x.lt(10))).alias("cs2");
    assertCompile(
      select(cte, bar),
      "WITH RECURSIVE cte(x) AS (SELECT :param_1 AS x UNION ALL SELECT cte.x + :x_2 AS anon_1 FROM cte WHERE cte.x < :x_3), " +
        "bar AS (SELECT cte.x AS x FROM cte) SELECT cs2.x, cs1.x AS x_1 FROM cte AS cs2, bar AS cs1",
    );
    assertCompile(select(bar), "WITH RECURSIVE cte(x) AS (SELECT :param_1 AS x), bar AS (SELECT cte.x AS x FROM cte) SELECT cs1.x FROM bar AS cs1");
    assertCompile(
      select(bar, cte),
      "WITH RECURSIVE bar AS (SELECT cte.x AS x FROM cte), cte(x) AS (SELECT :param_1 AS x UNION ALL SELECT cte.x + :x_2 AS anon_1 FROM cte WHERE cte.x < :x_3) " +
        "SELECT cs1.x, cs2.x AS x_1 FROM bar AS cs1, cte AS cs2",
    );
  });

  it("test_wrecur_dupe_col_names", () => {
    const manager = table("manager", column("id"));
    const employee = table("employee", column("id"), column("manager_id"));
    const topQ = select(employee, manager).joinFrom(employee, manager, employee.c.manager_id.eq(manager.c.id)).cte("cte", { recursive: true });
    const bottomQ = select(employee, manager).joinFrom(employee, manager, employee.c.manager_id.eq(manager.c.id)).join(topQ, topQ.c.id.eq(employee.c.id));
    assertCompile(
      select(topQ.unionAll(bottomQ)),
      "WITH RECURSIVE cte(id, manager_id, id_1) AS (SELECT employee.id AS id, employee.manager_id AS manager_id, manager.id AS id_1 FROM employee JOIN manager " +
        "ON employee.manager_id = manager.id UNION ALL SELECT employee.id AS id, employee.manager_id AS manager_id, manager.id AS id_1 FROM employee JOIN manager ON " +
        "employee.manager_id = manager.id JOIN cte ON cte.id = employee.id) SELECT cte.id, cte.manager_id, cte.id_1 FROM cte",
    );
  });

  it("test_wrecur_dupe_col_names_w_grouping", () => {
    const manager = table("manager", column("id"));
    const employee = table("employee", column("id"), column("manager_id"));
    const topQ = select(employee, manager)
      .joinFrom(employee, manager, employee.c.manager_id.eq(manager.c.id))
      .orderBy(employee.c.id)
      .cte("cte", { recursive: true });
    const bottomQ = select(employee, manager).joinFrom(employee, manager, employee.c.manager_id.eq(manager.c.id)).join(topQ, topQ.c.id.eq(employee.c.id));
    assertCompile(
      select(topQ.unionAll(bottomQ)),
      "WITH RECURSIVE cte(id, manager_id, id_1) AS ((SELECT employee.id AS id, employee.manager_id AS manager_id, manager.id AS id_1 FROM employee JOIN manager " +
        "ON employee.manager_id = manager.id ORDER BY employee.id) UNION ALL SELECT employee.id AS id, employee.manager_id AS manager_id, manager.id AS id_1 " +
        "FROM employee JOIN manager ON employee.manager_id = manager.id JOIN cte ON cte.id = employee.id) SELECT cte.id, cte.manager_id, cte.id_1 FROM cte",
    );
  });

  for (const useObject of [true, false])
    for (const orderBy of ["order_by", "group_by"] as const)
      it(`test_order_by_group_by_label_w_scalar_subquery (use_object=${useObject}, ${orderBy})`, () => {
        const t = table("test", column("a"));
        const b = t.c.a.label("b");
        const arg = useObject ? b : "b";
        const cte = orderBy === "order_by" ? select(b).orderBy(arg).cte() : select(b).groupBy(arg).cte();
        const stmt = select(select(cte.c.b).label("c"));
        if (useObject && orderBy === "group_by") {
          assertCompile(stmt, "WITH anon_1 AS (SELECT test.a AS b FROM test GROUP BY test.a) SELECT (SELECT anon_1.b FROM anon_1) AS c");
        } else {
          assertCompile(stmt, `WITH anon_1 AS (SELECT test.a AS b FROM test ${orderBy === "order_by" ? "ORDER BY" : "GROUP BY"} b) SELECT (SELECT anon_1.b FROM anon_1) AS c`);
        }
      });

  it("test_union", () => {
    const orders = table("orders", column("region"), column("amount"));
    const regionalSales = select(orders.c.region, orders.c.amount).cte("regional_sales");
    const s = select(regionalSales.c.region).where(regionalSales.c.amount.gt(500));
    assertCompile(
      s,
      "WITH regional_sales AS (SELECT orders.region AS region, orders.amount AS amount FROM orders) SELECT regional_sales.region FROM regional_sales WHERE regional_sales.amount > :amount_1",
    );
    const u = s.unionAll(select(regionalSales.c.region).where(regionalSales.c.amount.lt(300)));
    assertCompile(
      u,
      "WITH regional_sales AS (SELECT orders.region AS region, orders.amount AS amount FROM orders) SELECT regional_sales.region FROM regional_sales " +
        "WHERE regional_sales.amount > :amount_1 UNION ALL SELECT regional_sales.region FROM regional_sales WHERE regional_sales.amount < :amount_2",
    );
  });

  it("test_union_cte_aliases", () => {
    const orders = table("orders", column("region"), column("amount"));
    const regionalSales = select(orders.c.region, orders.c.amount).cte("regional_sales").alias("rs");
    const s = select(regionalSales.c.region).where(regionalSales.c.amount.gt(500));
    assertCompile(s, "WITH regional_sales AS (SELECT orders.region AS region, orders.amount AS amount FROM orders) SELECT rs.region FROM regional_sales AS rs WHERE rs.amount > :amount_1");
    assertCompile(
      s.unionAll(select(regionalSales.c.region).where(regionalSales.c.amount.lt(300))),
      "WITH regional_sales AS (SELECT orders.region AS region, orders.amount AS amount FROM orders) SELECT rs.region FROM regional_sales AS rs " +
        "WHERE rs.amount > :amount_1 UNION ALL SELECT rs.region FROM regional_sales AS rs WHERE rs.amount < :amount_2",
    );
  });

  it("test_cloned_alias", () => {
    const entity = table("entity", column("id"), column("employer_id"), column("name"));
    const tag = table("tag", column("tag"), column("entity_id"));
    const tags = select(tag.c.entity_id, func.array_agg(tag.c.tag).label("tags")).groupBy(tag.c.entity_id).cte("unaliased_tags");
    const entityTags = tags.alias("entity_tags");
    const employerTags = tags.alias("employer_tags");
    const q = select(entity.c.name)
      .selectFrom(entity.outerjoin(entityTags, tags.c.entity_id.eq(entity.c.id)).outerjoin(employerTags, tags.c.entity_id.eq(entity.c.employer_id)))
      .where(entityTags.c.tags.op("@>")(bindparam("tags")))
      .where(employerTags.c.tags.op("@>")(bindparam("tags")));
    assertCompile(
      q,
      "WITH unaliased_tags AS (SELECT tag.entity_id AS entity_id, array_agg(tag.tag) AS tags FROM tag GROUP BY tag.entity_id) SELECT entity.name " +
        "FROM entity LEFT OUTER JOIN unaliased_tags AS entity_tags ON unaliased_tags.entity_id = entity.id " +
        "LEFT OUTER JOIN unaliased_tags AS employer_tags ON unaliased_tags.entity_id = entity.employer_id " +
        "WHERE (entity_tags.tags @> :tags) AND (employer_tags.tags @> :tags)",
    );
  });

  it("test_reserved_quote", () => {
    const orders = table("orders", column("order"));
    const c = select(orders.c.order).cte("regional_sales", { recursive: true });
    assertCompile(select(c.c.order), 'WITH RECURSIVE regional_sales("order") AS (SELECT orders."order" AS "order" FROM orders) SELECT regional_sales."order" FROM regional_sales');
  });

  it("test_multi_subq_quote", () => {
    const cte = select(literal(1).label("id")).cte("CTE");
    const s1 = select(cte.c.id).alias();
    const s2 = select(cte.c.id).alias();
    assertCompile(
      select(s1, s2),
      'WITH "CTE" AS (SELECT :param_1 AS id) SELECT anon_1.id, anon_2.id AS id_1 FROM (SELECT "CTE".id AS id FROM "CTE") AS anon_1, (SELECT "CTE".id AS id FROM "CTE") AS anon_2',
    );
  });

  it("test_multi_subq_alias", () => {
    const cte = select(literal(1).label("id")).cte("cte1").alias("aa");
    const s1 = select(cte.c.id).alias();
    const s2 = select(cte.c.id).alias();
    assertCompile(
      select(s1, s2),
      "WITH cte1 AS (SELECT :param_1 AS id) SELECT anon_1.id, anon_2.id AS id_1 FROM (SELECT aa.id AS id FROM cte1 AS aa) AS anon_1, (SELECT aa.id AS id FROM cte1 AS aa) AS anon_2",
    );
  });

  it("test_cte_refers_to_aliased_cte_twice", () => {
    const a = table("a", column("id"));
    const b = table("b", column("id"), column("fid"));
    const c = table("c", column("id"), column("fid"));
    const cte1 = select(a.c.id).cte("cte1");
    const aa = cte1.alias("aa");
    const cte2 = select(b.c.id).selectFrom(b.join(aa, b.c.fid.eq(aa.c.id))).cte("cte2");
    const cte3 = select(c.c.id).selectFrom(c.join(aa, c.c.fid.eq(aa.c.id))).cte("cte3");
    assertCompile(
      select(cte3.c.id, cte2.c.id).selectFrom(cte2.join(cte3, cte2.c.id.eq(cte3.c.id))),
      "WITH cte1 AS (SELECT a.id AS id FROM a), cte2 AS (SELECT b.id AS id FROM b JOIN cte1 AS aa ON b.fid = aa.id), " +
        "cte3 AS (SELECT c.id AS id FROM c JOIN cte1 AS aa ON c.fid = aa.id) SELECT cte3.id, cte2.id AS id_1 FROM cte2 JOIN cte3 ON cte2.id = cte3.id",
    );
  });

  it("test_named_alias_no_quote", () => {
    const cte = select(literal(1).label("id")).cte("CTE");
    assertCompile(select(select(cte.c.id).alias("no_quotes")), 'WITH "CTE" AS (SELECT :param_1 AS id) SELECT no_quotes.id FROM (SELECT "CTE".id AS id FROM "CTE") AS no_quotes');
  });

  it("test_named_alias_quote", () => {
    const cte = select(literal(1).label("id")).cte("CTE");
    assertCompile(
      select(select(cte.c.id).alias("Quotes Required")),
      'WITH "CTE" AS (SELECT :param_1 AS id) SELECT "Quotes Required".id FROM (SELECT "CTE".id AS id FROM "CTE") AS "Quotes Required"',
    );
  });

  it("test_positional_binds", () => {
    const orders = table("orders", column("order"));
    const c = select(orders.c.order, literal("x")).cte("regional_sales");
    const s = select(c.c.order, literal("y"));
    const compiled = compile(s, "sqlite");
    expect(compiled.sql.replace(/\n/g, "")).toBe('WITH regional_sales AS (SELECT orders."order" AS "order", ? AS anon_2 FROM orders) SELECT regional_sales."order", ? AS anon_1 FROM regional_sales');
    expect(compiled.positionalParams).toEqual(["x", "y"]);
    const c2 = select(orders.c.order).where(orders.c.order.eq("x")).cte("regional_sales");
    assertCompile(
      select(c2.c.order).where(c2.c.order.eq("y")),
      'WITH regional_sales AS (SELECT orders."order" AS "order" FROM orders WHERE orders."order" = $1) SELECT regional_sales."order" FROM regional_sales WHERE regional_sales."order" = $2',
      { dialect: "postgresql", positional: ["x", "y"] },
    );
  });

  it("test_positional_binds_2", () => {
    const orders = table("orders", column("order"));
    const s1 = select(orders.c.order).where(orders.c.order.eq("x")).cte("regional_sales_1");
    const s1a = s1.alias();
    const s2 = select(orders.c.order.eq("y"), s1a.c.order, orders.c.order, s1.c.order).where(orders.c.order.eq("z")).cte("regional_sales_2");
    const s3 = select(s2);
    const expected =
      'WITH regional_sales_1 AS (SELECT orders."order" AS "order" FROM orders WHERE orders."order" = ?), regional_sales_2 AS ' +
      '(SELECT orders."order" = ? AS anon_1, anon_2."order" AS "order", orders."order" AS order_1, regional_sales_1."order" AS order_2 FROM orders, ' +
      'regional_sales_1 AS anon_2, regional_sales_1 WHERE orders."order" = ?) SELECT regional_sales_2.anon_1, regional_sales_2."order", regional_sales_2.order_1, ' +
      "regional_sales_2.order_2 FROM regional_sales_2";
    assertCompile(s3, expected, { dialect: "sqlite", positional: ["x", "y", "z"] });
  });

  it("test_positional_binds_2_asliteral", () => {
    const orders = table("orders", column("order"));
    const s1 = select(orders.c.order).where(orders.c.order.eq("x")).cte("regional_sales_1");
    const s1a = s1.alias();
    const s2 = select(orders.c.order.eq("y"), s1a.c.order, orders.c.order, s1.c.order).where(orders.c.order.eq("z")).cte("regional_sales_2");
    assertCompile(
      select(s2),
      "WITH regional_sales_1 AS (SELECT orders.\"order\" AS \"order\" FROM orders WHERE orders.\"order\" = 'x'), regional_sales_2 AS " +
        "(SELECT orders.\"order\" = 'y' AS anon_1, anon_2.\"order\" AS \"order\", orders.\"order\" AS order_1, regional_sales_1.\"order\" AS order_2 " +
        "FROM orders, regional_sales_1 AS anon_2, regional_sales_1 WHERE orders.\"order\" = 'z') SELECT regional_sales_2.anon_1, " +
        'regional_sales_2."order", regional_sales_2.order_1, regional_sales_2.order_2 FROM regional_sales_2',
      { literalBinds: true, positional: [] },
    );
  });

  it("test_all_aliases", () => {
    const orders = table("order", column("order"));
    const s = select(orders.c.order).cte("regional_sales");
    const r1 = s.alias();
    const r2 = s.alias();
    assertCompile(
      select(r1, r2).where(r1.c.order.gt(r2.c.order)),
      'WITH regional_sales AS (SELECT "order"."order" AS "order" FROM "order") SELECT anon_1."order", anon_2."order" AS order_1 ' +
        'FROM regional_sales AS anon_1, regional_sales AS anon_2 WHERE anon_1."order" > anon_2."order"',
    );
    assertCompile(
      select(orders).selectFrom(orders.join(r1, r1.c.order.eq(orders.c.order))),
      'WITH regional_sales AS (SELECT "order"."order" AS "order" FROM "order") SELECT "order"."order" FROM "order" JOIN regional_sales AS anon_1 ON anon_1."order" = "order"."order"',
    );
  });

  it("test_prefixes", () => {
    const orders = table("order", column("order"));
    const s = select(orders.c.order).cte("regional_sales").prefixWith("NOT MATERIALIZED", { dialect: "postgresql" });
    const stmt = select(orders).where(orders.c.order.gt(s.c.order));
    assertCompile(
      stmt,
      'WITH regional_sales AS (SELECT "order"."order" AS "order" FROM "order") SELECT "order"."order" FROM "order", regional_sales WHERE "order"."order" > regional_sales."order"',
    );
    assertCompile(
      stmt,
      'WITH regional_sales AS NOT MATERIALIZED (SELECT "order"."order" AS "order" FROM "order") SELECT "order"."order" FROM "order", regional_sales WHERE "order"."order" > regional_sales."order"',
      { dialect: "postgresql" },
    );
  });

  it("test_suffixes", () => {
    const orders = table("order", column("order"));
    const s = select(orders.c.order).cte("regional_sales").suffixWith("pg suffix", { dialect: "postgresql" }).suffixWith("oracle suffix", { dialect: "oracle" });
    const stmt = select(orders).where(orders.c.order.gt(s.c.order));
    assertCompile(
      stmt,
      'WITH regional_sales AS (SELECT "order"."order" AS "order" FROM "order")  SELECT "order"."order" FROM "order", regional_sales WHERE "order"."order" > regional_sales."order"',
    );
    assertCompile(
      stmt,
      'WITH regional_sales AS (SELECT "order"."order" AS "order" FROM "order") pg suffix  SELECT "order"."order" FROM "order", regional_sales WHERE "order"."order" > regional_sales."order"',
      { dialect: "postgresql" },
    );
  });

  it("test_pg_example_three", () => {
    const parts = table("parts", column("part"), column("sub_part"));
    let includedParts = select(parts.c.sub_part, parts.c.part).where(parts.c.part.eq("our part")).cte("included_parts", { recursive: true });
    const pr = includedParts.alias("pr");
    const p = parts.alias("p");
    includedParts = includedParts.unionAll(select(p.c.sub_part, p.c.part).where(p.c.part.eq(pr.c.sub_part)));
    const stmt = delete_(parts).where(parts.c.part.in(select(includedParts.c.part))).returning(parts.c.part);
    assertCompile(
      stmt,
      "WITH RECURSIVE included_parts(sub_part, part) AS (SELECT parts.sub_part AS sub_part, parts.part AS part FROM parts WHERE parts.part = :part_1 " +
        "UNION ALL SELECT p.sub_part AS sub_part, p.part AS part FROM parts AS p, included_parts AS pr WHERE p.part = pr.sub_part) " +
        "DELETE FROM parts WHERE parts.part IN (SELECT included_parts.part FROM included_parts) RETURNING parts.part",
    );
  });

  it("test_textual_select_uses_independent_cte_two", () => {
    const foo = table("foo", column("id"));
    const bar = table("bar", column("id"), column("attr"), column("foo_id"));
    const s1 = select(foo.c.id);
    const s2 = text("SELECT bar.id, bar.attr FROM bar WHERE bar.foo_id IN (SELECT id FROM baz)").columns(bar.c.id, bar.c.attr);
    assertCompile(
      s2.addCte(s1.cte("baz")),
      "WITH baz AS (SELECT foo.id AS id FROM foo) SELECT bar.id, bar.attr FROM bar WHERE bar.foo_id IN (SELECT id FROM baz)",
    );
  });

  it("test_add_cte (select, compound)", () => {
    // SQLAlchemy's test_select_uses_independent_cte / test_compound_select_uses_independent_cte, with a SELECT CTE.
    const products = table("products", column("id"), column("price"));
    const c = select(products.c.id).where(products.c.price.gt(50)).cte();
    assertCompile(
      products.select().where(products.c.price.lt(45)).addCte(c),
      "WITH anon_1 AS (SELECT products.id AS id FROM products WHERE products.price > :price_1) SELECT products.id, products.price FROM products WHERE products.price < :price_2",
      { params: { price_1: 50, price_2: 45 } },
    );
    assertCompile(
      products.select().where(products.c.price.lt(45)).union(products.select().where(products.c.price.gt(90))).addCte(c),
      "WITH anon_1 AS (SELECT products.id AS id FROM products WHERE products.price > :price_1) SELECT products.id, products.price FROM products " +
        "WHERE products.price < :price_2 UNION SELECT products.id, products.price FROM products WHERE products.price > :price_3",
      { params: { price_1: 50, price_2: 45, price_3: 90 } },
    );
  });

  it("test_select_with_nesting_cte_in_cte", () => {
    const nestingCte = select(literal(1).label("inner_cte")).cte("nesting", { nesting: true });
    assertCompile(
      select(select(nestingCte.c.inner_cte.label("outer_cte")).cte("cte")),
      "WITH cte AS (WITH nesting AS (SELECT :param_1 AS inner_cte) SELECT nesting.inner_cte AS outer_cte FROM nesting) SELECT cte.outer_cte FROM cte",
    );
  });

  it("test_nesting_cte_in_cte_with_same_name", () => {
    const nestingCte = select(literal(1).label("inner_cte")).cte("some_cte", { nesting: true });
    assertCompile(
      select(select(nestingCte.c.inner_cte.label("outer_cte")).cte("some_cte")),
      "WITH some_cte AS (WITH some_cte AS (SELECT :param_1 AS inner_cte) SELECT some_cte.inner_cte AS outer_cte FROM some_cte) SELECT some_cte.outer_cte FROM some_cte",
    );
  });

  it("test_nesting_cte_at_top_level", () => {
    const nestingCte = select(literal(1).label("val")).cte("nesting_cte", { nesting: true });
    const cte = select(literal(2).label("val")).cte("cte");
    assertCompile(
      select(nestingCte.c.val, cte.c.val),
      "WITH nesting_cte AS (SELECT :param_1 AS val), cte AS (SELECT :param_2 AS val) SELECT nesting_cte.val, cte.val AS val_1 FROM nesting_cte, cte",
    );
  });

  it("test_double_nesting_cte_in_cte", () => {
    const c1 = select(literal(1).label("inner_cte")).cte("nesting_1", { nesting: true });
    const c2 = select(literal(2).label("inner_cte")).cte("nesting_2", { nesting: true });
    assertCompile(
      select(select(c1.c.inner_cte.label("outer_1"), c2.c.inner_cte.label("outer_2")).cte("cte")),
      "WITH cte AS (WITH nesting_1 AS (SELECT :param_1 AS inner_cte), nesting_2 AS (SELECT :param_2 AS inner_cte) SELECT nesting_1.inner_cte AS outer_1, " +
        "nesting_2.inner_cte AS outer_2 FROM nesting_1, nesting_2) SELECT cte.outer_1, cte.outer_2 FROM cte",
    );
  });

  it("test_double_nesting_cte_with_cross_reference_in_cte", () => {
    const c1 = select(literal(1).label("inner_cte_1")).cte("nesting_1", { nesting: true });
    const c2 = select(c1.c.inner_cte_1.add(1).label("inner_cte_2")).cte("nesting_2", { nesting: true });
    assertCompile(
      select(select(c1, c2).cte("cte")),
      "WITH cte AS (WITH nesting_1 AS (SELECT :param_1 AS inner_cte_1), nesting_2 AS (SELECT nesting_1.inner_cte_1 + :inner_cte_1_1 AS inner_cte_2 FROM nesting_1) " +
        "SELECT nesting_1.inner_cte_1 AS inner_cte_1, nesting_2.inner_cte_2 AS inner_cte_2 FROM nesting_1, nesting_2) SELECT cte.inner_cte_1, cte.inner_cte_2 FROM cte",
    );
    assertCompile(
      select(select(c2, c1).addCte(c1).cte("cte")),
      "WITH cte AS (WITH nesting_1 AS (SELECT :param_1 AS inner_cte_1), nesting_2 AS (SELECT nesting_1.inner_cte_1 + :inner_cte_1_1 AS inner_cte_2 FROM nesting_1) " +
        "SELECT nesting_2.inner_cte_2 AS inner_cte_2, nesting_1.inner_cte_1 AS inner_cte_1 FROM nesting_2, nesting_1) SELECT cte.inner_cte_2, cte.inner_cte_1 FROM cte",
    );
  });

  it("test_nesting_cte_in_nesting_cte_in_cte", () => {
    const c1 = select(literal(1).label("inner_cte")).cte("nesting_1", { nesting: true });
    const c2 = select(c1.c.inner_cte.label("inner_2")).cte("nesting_2", { nesting: true });
    assertCompile(
      select(select(c2.c.inner_2.label("outer_cte")).cte("cte")),
      "WITH cte AS (WITH nesting_2 AS (WITH nesting_1 AS (SELECT :param_1 AS inner_cte) SELECT nesting_1.inner_cte AS inner_2 FROM nesting_1) " +
        "SELECT nesting_2.inner_2 AS outer_cte FROM nesting_2) SELECT cte.outer_cte FROM cte",
    );
  });

  it("test_compound_select_with_nesting_cte_in_cte", () => {
    const c1 = select(literal(1).label("inner_cte")).cte("nesting_1", { nesting: true });
    const c2 = select(literal(2).label("inner_cte")).cte("nesting_2", { nesting: true });
    const nestingCte = select(c1).union(select(c2)).subquery();
    assertCompile(
      select(select(nestingCte.c.inner_cte.label("outer_cte")).cte("cte")),
      "WITH cte AS (SELECT anon_1.inner_cte AS outer_cte FROM (WITH nesting_1 AS (SELECT :param_1 AS inner_cte), nesting_2 AS (SELECT :param_2 AS inner_cte) " +
        "SELECT nesting_1.inner_cte AS inner_cte FROM nesting_1 UNION SELECT nesting_2.inner_cte AS inner_cte FROM nesting_2) AS anon_1) SELECT cte.outer_cte FROM cte",
    );
  });

  const nestingCteInRecursiveCte = () => {
    const nestingCte = select(literal(1).label("inner_cte")).cte("nesting", { nesting: true });
    let recCte = select(nestingCte.c.inner_cte.label("outer_cte")).cte("rec_cte", { recursive: true });
    const recPart = select(recCte.c.outer_cte).where(recCte.c.outer_cte.eq(literal(42)));
    recCte = recCte.union(recPart);
    return select(recCte);
  };

  it("test_nesting_cte_in_recursive_cte_positional", () => {
    assertCompile(
      nestingCteInRecursiveCte(),
      "WITH RECURSIVE rec_cte(outer_cte) AS (WITH nesting AS (SELECT ? AS inner_cte) SELECT nesting.inner_cte AS outer_cte FROM nesting UNION " +
        "SELECT rec_cte.outer_cte AS outer_cte FROM rec_cte WHERE rec_cte.outer_cte = ?) SELECT rec_cte.outer_cte FROM rec_cte",
      { dialect: "sqlite", positional: [1, 42] },
    );
  });

  it("test_nesting_cte_in_recursive_cte", () => {
    assertCompile(
      nestingCteInRecursiveCte(),
      "WITH RECURSIVE rec_cte(outer_cte) AS (WITH nesting AS (SELECT :param_1 AS inner_cte) SELECT nesting.inner_cte AS outer_cte FROM nesting UNION " +
        "SELECT rec_cte.outer_cte AS outer_cte FROM rec_cte WHERE rec_cte.outer_cte = :param_2) SELECT rec_cte.outer_cte FROM rec_cte",
      { params: { param_1: 1, param_2: 42 } },
    );
  });

  it("test_recursive_nesting_cte_in_cte", () => {
    const recRoot = select(literal(1).label("inner_cte")).cte("nesting", { recursive: true, nesting: true });
    const recPart = select(recRoot.c.inner_cte).where(recRoot.c.inner_cte.eq(literal(1)));
    const nestingCte = recRoot.union(recPart);
    assertCompile(
      select(select(nestingCte.c.inner_cte.label("outer_cte")).cte("cte")),
      "WITH cte AS (WITH RECURSIVE nesting(inner_cte) AS (SELECT :param_1 AS inner_cte UNION SELECT nesting.inner_cte AS inner_cte FROM nesting " +
        "WHERE nesting.inner_cte = :param_2) SELECT nesting.inner_cte AS outer_cte FROM nesting) SELECT cte.outer_cte FROM cte",
    );
  });

  it("test_select_with_nesting_cte_in_cte_w_add_cte", () => {
    const nestingCte = select(literal(1).label("inner_cte")).cte("nesting");
    assertCompile(
      select(select(nestingCte.c.inner_cte.label("outer_cte")).addCte(nestingCte, { nestHere: true }).cte("cte")),
      "WITH cte AS (WITH nesting AS (SELECT :param_1 AS inner_cte) SELECT nesting.inner_cte AS outer_cte FROM nesting) SELECT cte.outer_cte FROM cte",
    );
  });

  it("text().columns().addCte(nestHere) renders in the textual SELECT's own WITH when nested", () => {
    const c1 = select(literal(1).label("v")).cte("c1");
    const ts = text("SELECT a FROM t").columns(column("a", Integer()));
    assertCompile(
      select(ts.addCte(c1, { nestHere: true }).subquery().c.a),
      "SELECT anon_1.a FROM (WITH c1 AS (SELECT :param_1 AS v) SELECT a FROM t) AS anon_1",
    );
    assertCompile(select(ts.addCte(c1).subquery().c.a), "WITH c1 AS (SELECT :param_1 AS v) SELECT anon_1.a FROM (SELECT a FROM t) AS anon_1");
    assertCompile(
      select(ts.addCte(c1, { nestHere: true }).cte("w").c.a),
      "WITH w AS (WITH c1 AS (SELECT :param_1 AS v) SELECT a FROM t) SELECT w.a FROM w",
    );
    // At top level there is one WITH either way; bindparams() keeps the statement.
    assertCompile(ts.addCte(c1, { nestHere: true }).bindparams({}), "WITH c1 AS (SELECT :param_1 AS v) SELECT a FROM t");
  });

  it("test_nesting_cte_at_top_level_w_add_cte", () => {
    const nestingCte = select(literal(1).label("val")).cte("nesting_cte");
    const cte = select(literal(2).label("val")).cte("cte");
    assertCompile(
      select(nestingCte.c.val, cte.c.val).addCte(nestingCte, { nestHere: true }),
      "WITH nesting_cte AS (SELECT :param_1 AS val), cte AS (SELECT :param_2 AS val) SELECT nesting_cte.val, cte.val AS val_1 FROM nesting_cte, cte",
    );
  });

  it("test_anon_recursive_nesting_cte_in_cte", () => {
    const recRoot = select(literal(1).label("inner_cte")).cte("nesting", { recursive: true, nesting: true }).alias();
    const recPart = select(recRoot.c.inner_cte).where(recRoot.c.inner_cte.eq(literal(1)));
    const nestingCte = recRoot.union(recPart);
    assertCompile(
      select(select(nestingCte.c.inner_cte.label("outer_cte")).cte("cte")),
      "WITH cte AS (WITH RECURSIVE anon_1(inner_cte) AS (SELECT :param_1 AS inner_cte UNION SELECT anon_1.inner_cte AS inner_cte FROM anon_1 " +
        "WHERE anon_1.inner_cte = :param_2) SELECT anon_1.inner_cte AS outer_cte FROM anon_1) SELECT cte.outer_cte FROM cte",
    );
  });

  it("test_fully_aliased_recursive_nesting_cte_in_cte", () => {
    const recRoot = select(literal(1).label("inner_cte")).cte("nesting", { recursive: true, nesting: true }).alias("aliased_nesting");
    const recPart = select(recRoot.c.inner_cte).where(recRoot.c.inner_cte.eq(literal(1)));
    const nestingCte = recRoot.union(recPart);
    assertCompile(
      select(select(nestingCte.c.inner_cte.label("outer_cte")).cte("cte")),
      "WITH cte AS (WITH RECURSIVE aliased_nesting(inner_cte) AS (SELECT :param_1 AS inner_cte UNION SELECT aliased_nesting.inner_cte AS inner_cte " +
        "FROM aliased_nesting WHERE aliased_nesting.inner_cte = :param_2) SELECT aliased_nesting.inner_cte AS outer_cte FROM aliased_nesting) SELECT cte.outer_cte FROM cte",
    );
  });

  it("test_aliased_recursive_nesting_cte_in_cte", () => {
    const recRoot = select(literal(1).label("inner_cte")).cte("nesting", { recursive: true, nesting: true });
    const recPart = select(recRoot.c.inner_cte).where(recRoot.c.inner_cte.eq(literal(1)));
    const nestingCte = recRoot.union(recPart).alias("aliased_nesting");
    assertCompile(
      select(select(nestingCte.c.inner_cte.label("outer_cte")).cte("cte")),
      "WITH cte AS (WITH RECURSIVE nesting(inner_cte) AS (SELECT :param_1 AS inner_cte UNION SELECT nesting.inner_cte AS inner_cte FROM nesting " +
        "WHERE nesting.inner_cte = :param_2) SELECT aliased_nesting.inner_cte AS outer_cte FROM nesting AS aliased_nesting) SELECT cte.outer_cte FROM cte",
    );
  });

  const sameNestedTwice = (withAddCte: boolean) => {
    const used = select(literal(1).label("inner_cte_1")).cte("nesting_cte", withAddCte ? {} : { nesting: true });
    const selectAddCte = select(used.c.inner_cte_1.add(2).label("next_value")).cte("nesting_2", withAddCte ? {} : { nesting: true });
    const unionCte = withAddCte
      ? select(used.c.inner_cte_1.sub(3).label("next_value")).addCte(used).union(select(selectAddCte).addCte(selectAddCte, { nestHere: true })).cte("wrapper")
      : select(used.c.inner_cte_1.sub(3).label("next_value")).union(select(selectAddCte)).cte("wrapper", { nesting: true });
    return withAddCte ? select(unionCte).addCte(used, { nestHere: true }).union(select(used)) : select(unionCte).addCte(used).union(select(used));
  };
  const sameNestedSql = (p1: string, p2: string, p3: string) =>
    `WITH nesting_cte AS (SELECT ${p1} AS inner_cte_1), wrapper AS (WITH nesting_2 AS (SELECT nesting_cte.inner_cte_1 + ${p2} AS next_value FROM nesting_cte) ` +
    `SELECT nesting_cte.inner_cte_1 - ${p3} AS next_value FROM nesting_cte UNION SELECT nesting_2.next_value AS next_value FROM nesting_2) ` +
    "SELECT wrapper.next_value FROM wrapper UNION SELECT nesting_cte.inner_cte_1 FROM nesting_cte";

  it("test_same_nested_cte_is_not_generated_twice_positional", () => {
    assertCompile(sameNestedTwice(false), sameNestedSql("?", "?", "?"), { dialect: "sqlite", positional: [1, 2, 3] });
  });
  it("test_same_nested_cte_is_not_generated_twice", () => {
    assertCompile(sameNestedTwice(false), sameNestedSql(":param_1", ":inner_cte_1_2", ":inner_cte_1_1"), { params: { param_1: 1, inner_cte_1_2: 2, inner_cte_1_1: 3 } });
  });
  it("test_same_nested_cte_is_not_generated_twice_w_add_cte_positional", () => {
    assertCompile(sameNestedTwice(true), sameNestedSql("?", "?", "?"), { dialect: "sqlite", positional: [1, 2, 3] });
  });
  it("test_same_nested_cte_is_not_generated_twice_w_add_cte", () => {
    assertCompile(sameNestedTwice(true), sameNestedSql(":param_1", ":inner_cte_1_2", ":inner_cte_1_1"), { params: { param_1: 1, inner_cte_1_2: 2, inner_cte_1_1: 3 } });
  });

  it("test_add_cte_dont_nest_in_two_places", () => {
    const used = select(literal(1).label("inner_cte_1")).cte("nesting_cte");
    const selectAddCte = select(used.c.inner_cte_1.add(1).label("next_value")).cte("nesting_2");
    const unionCte = select(used.c.inner_cte_1.sub(1).label("next_value"))
      .addCte(used, { nestHere: true })
      .union(select(selectAddCte).addCte(selectAddCte, { nestHere: true }))
      .cte("wrapper");
    const stmt = select(unionCte).addCte(used, { nestHere: true }).union(select(used));
    expect(() => stmt.compile()).toThrow(CompileError);
    expect(() => stmt.compile()).toThrow("CTE is stated as 'nest_here' in more than one location");
  });

  const recursiveNestingInRecursive = () => {
    let nestingCte = select(literal(1).label("inner_cte")).cte("nesting", { nesting: true, recursive: true });
    nestingCte = nestingCte.union(select(nestingCte.c.inner_cte).where(nestingCte.c.inner_cte.eq(literal(2))));
    let recCte = select(nestingCte.c.inner_cte.label("outer_cte")).cte("rec_cte", { recursive: true });
    recCte = recCte.union(select(recCte.c.outer_cte).where(recCte.c.outer_cte.eq(literal(3))));
    return select(recCte);
  };
  const recursiveNestingSql = (p1: string, p2: string, p3: string) =>
    `WITH RECURSIVE rec_cte(outer_cte) AS (WITH RECURSIVE nesting(inner_cte) AS (SELECT ${p1} AS inner_cte UNION SELECT nesting.inner_cte AS inner_cte FROM nesting ` +
    `WHERE nesting.inner_cte = ${p2}) SELECT nesting.inner_cte AS outer_cte FROM nesting UNION SELECT rec_cte.outer_cte AS outer_cte FROM rec_cte ` +
    `WHERE rec_cte.outer_cte = ${p3}) SELECT rec_cte.outer_cte FROM rec_cte`;

  it("test_recursive_nesting_cte_in_recursive_cte_positional", () => {
    assertCompile(recursiveNestingInRecursive(), recursiveNestingSql("?", "?", "?"), { dialect: "sqlite", positional: [1, 2, 3] });
  });
  it("test_recursive_nesting_cte_in_recursive_cte", () => {
    assertCompile(recursiveNestingInRecursive(), recursiveNestingSql(":param_1", ":param_2", ":param_3"), { params: { param_1: 1, param_2: 2, param_3: 3 } });
  });

  it("test_select_with_aliased_nesting_cte_in_cte", () => {
    const nestingCte = select(literal(1).label("inner_cte")).cte("nesting", { nesting: true }).alias("aliased_nested");
    assertCompile(
      select(select(nestingCte.c.inner_cte.label("outer_cte")).cte("cte")),
      "WITH cte AS (WITH nesting AS (SELECT :param_1 AS inner_cte) SELECT aliased_nested.inner_cte AS outer_cte FROM nesting AS aliased_nested) SELECT cte.outer_cte FROM cte",
    );
  });

  it("test_select_with_aliased_nesting_cte_in_cte_w_add_cte", () => {
    const inner = select(literal(1).label("inner_cte")).cte("nesting");
    const nestingCte = inner.alias("aliased_nested");
    const outerCte = select().addCte(inner, { nestHere: true }).addColumns(nestingCte.c.inner_cte.label("outer_cte")).cte("cte");
    assertCompile(
      select(outerCte),
      "WITH cte AS (WITH nesting AS (SELECT :param_1 AS inner_cte) SELECT aliased_nested.inner_cte AS outer_cte FROM nesting AS aliased_nested) SELECT cte.outer_cte FROM cte",
    );
  });

  it("test_nesting_cte_in_cte_with_same_name_w_add_cte", () => {
    const nestingCte = select(literal(1).label("inner_cte")).cte("some_cte");
    assertCompile(
      select(select(nestingCte.c.inner_cte.label("outer_cte")).addCte(nestingCte, { nestHere: true }).cte("some_cte")),
      "WITH some_cte AS (WITH some_cte AS (SELECT :param_1 AS inner_cte) SELECT some_cte.inner_cte AS outer_cte FROM some_cte) SELECT some_cte.outer_cte FROM some_cte",
    );
  });

  it("test_compound_select_with_nesting_cte_in_custom_order", () => {
    const c1 = select(literal(1).label("inner_cte")).cte("nesting_1", { nesting: true });
    const c2 = select(literal(2).label("inner_cte")).cte("nesting_2", { nesting: true });
    const nestingCte = select(c1).union(select(c2)).addCte(c2).subquery();
    assertCompile(
      select(select(nestingCte.c.inner_cte.label("outer_cte")).cte("cte")),
      "WITH cte AS (SELECT anon_1.inner_cte AS outer_cte FROM (WITH nesting_2 AS (SELECT :param_1 AS inner_cte), nesting_1 AS (SELECT :param_2 AS inner_cte) " +
        "SELECT nesting_1.inner_cte AS inner_cte FROM nesting_1 UNION SELECT nesting_2.inner_cte AS inner_cte FROM nesting_2) AS anon_1) SELECT cte.outer_cte FROM cte",
    );
  });

  it("test_compound_select_with_nesting_cte_in_custom_order_w_add_cte", () => {
    const c1 = select(literal(1).label("inner_cte")).cte("nesting_1");
    const c2 = select(literal(2).label("inner_cte")).cte("nesting_2");
    const nestingCte = select(c1).addCte(c1, { nestHere: true }).union(select(c2)).addCte(c2, { nestHere: true }).subquery();
    assertCompile(
      select(select(nestingCte.c.inner_cte.label("outer_cte")).cte("cte")),
      "WITH cte AS (SELECT anon_1.inner_cte AS outer_cte FROM (WITH nesting_2 AS (SELECT :param_1 AS inner_cte), nesting_1 AS (SELECT :param_2 AS inner_cte) " +
        "SELECT nesting_1.inner_cte AS inner_cte FROM nesting_1 UNION SELECT nesting_2.inner_cte AS inner_cte FROM nesting_2) AS anon_1) SELECT cte.outer_cte FROM cte",
    );
  });

  const cteInCompoundSelect = () => {
    const upper = select(literal(1).label("z"));
    const lowerACte = select(literal(2).label("x")).cte("xx", { nesting: true });
    const lowerA = select(literal(3).label("y")).addCte(lowerACte);
    const lowerB = select(literal(4).label("w"));
    return upper.unionAll(lowerA.unionAll(lowerB));
  };
  it("test_cte_in_compound_select_positional", () => {
    const c = compile(cteInCompoundSelect());
    expect(c.sql.replace(/\n/g, "")).toBe("SELECT :param_1 AS z UNION ALL (WITH xx AS (SELECT :param_2 AS x) SELECT :param_3 AS y UNION ALL SELECT :param_4 AS w)");
    expect(c.positionalParams).toEqual([1, 2, 3, 4]);
  });
  it("test_cte_in_compound_select", () => {
    assertCompile(cteInCompoundSelect(), "SELECT :param_1 AS z UNION ALL (WITH xx AS (SELECT :param_2 AS x) SELECT :param_3 AS y UNION ALL SELECT :param_4 AS w)", {
      params: { param_1: 1, param_2: 2, param_3: 3, param_4: 4 },
    });
  });


  for (const identical of [true, false])
    it(`test_conflicting_names (identical=${identical}, none)`, () => {
      const c1 = select(literal(1)).cte("cte1", { recursive: true });
      const c2 = (identical ? select(literal(1)) : select(column("q"))).cte("cte1", { recursive: true });
      expect(() => select(c1, c2).compile()).toThrow(CompileError);
      expect(() => select(c1, c2).compile()).toThrow("Multiple, unrelated CTEs found with the same name: 'cte1'");
    });

  it("test_cte_w_annotated (not annotated)", () => {
    const A = table("a", column("i"), column("j"));
    const B = table("b", column("i"), column("j"));
    const a = select(A).where(A.c.i.gt(A.c.j)).cte("filtered_a");
    const a1 = select(a.c.i, literal(1).label("j"));
    const b = select(B).join(a, a.c.i.eq(B.c.i)).where(B.c.j.isNot(null));
    assertCompile(
      unionAll(a1, b),
      "WITH filtered_a AS (SELECT a.i AS i, a.j AS j FROM a WHERE a.i > a.j) SELECT filtered_a.i, :param_1 AS j FROM filtered_a " +
        "UNION ALL SELECT b.i, b.j FROM b JOIN filtered_a ON filtered_a.i = b.i WHERE b.j IS NOT NULL",
    );
  });

  it("test_standalone_function", () => {
    const a = table("a", column("x"));
    assertCompile(select(cte(select(a))), "WITH anon_1 AS (SELECT a.x AS x FROM a) SELECT anon_1.x FROM anon_1");
  });

  for (const all of [false, true])
    it(`test_recursive_cte_with_multiple_union${all ? "_all" : ""}`, () => {
      const rootQuery = select(literal(1).label("val")).cte("increasing", { recursive: true });
      const rec1 = select(rootQuery.c.val.add(3).label("val")).where(rootQuery.c.val.lt(15));
      const rec2 = select(rootQuery.c.val.add(5).label("val")).where(rootQuery.c.val.lt(15));
      const q = all ? rootQuery.unionAll(rec1, rec2) : rootQuery.union(rec1, rec2);
      const kw = all ? "UNION ALL" : "UNION";
      assertCompile(
        select(q),
        `WITH RECURSIVE increasing(val) AS (SELECT :param_1 AS val ${kw} SELECT increasing.val + :val_1 AS val FROM increasing ` +
          `WHERE increasing.val < :val_2 ${kw} SELECT increasing.val + :val_3 AS val FROM increasing WHERE increasing.val < :val_4) SELECT increasing.val FROM increasing`,
      );
    });

  const recursiveCteReferencedMultipleTimes = () => {
    const recRoot = select(literal(1).label("the_value")).cte("recursive_cte", { recursive: true });
    const ref = recRoot.select().cte("allow_multiple_ref", { nesting: true });
    const shouldContinue = select(exists(select(ref.c.the_value).where(ref.c.the_value.lt(10)).limit(5)).label("val")).cte("should_continue", { nesting: true });
    const recPart1 = select(ref.c.the_value.mul(2)).where(shouldContinue.c.val.ne(true));
    const recPart2 = select(ref.c.the_value.mul(3)).where(shouldContinue.c.val.ne(true));
    return recRoot.unionAll(recPart1.addCte(ref).unionAll(recPart2)).select();
  };
  const recursiveCteReferencedSql = (p: [string, string, string, string, string], t: string) =>
    `WITH RECURSIVE recursive_cte(the_value) AS (SELECT ${p[0]} AS the_value UNION ALL (WITH allow_multiple_ref AS (SELECT recursive_cte.the_value AS the_value ` +
    `FROM recursive_cte), should_continue AS (SELECT EXISTS (SELECT allow_multiple_ref.the_value FROM allow_multiple_ref WHERE allow_multiple_ref.the_value < ${p[1]} ` +
    `LIMIT ${p[2]}) AS val) SELECT allow_multiple_ref.the_value * ${p[3]} AS anon_1 FROM allow_multiple_ref, should_continue WHERE should_continue.val != ${t} ` +
    `UNION ALL SELECT allow_multiple_ref.the_value * ${p[4]} AS anon_2 FROM allow_multiple_ref, should_continue WHERE should_continue.val != ${t})) SELECT recursive_cte.the_value FROM recursive_cte`;

  it("test_recursive_cte_referenced_multiple_times_with_nesting_cte_pos", () => {
    // Positional order checked on the default dialect: athanor's SQLite compiler wraps a nested compound as `SELECT * FROM (…)`.
    const c = compile(recursiveCteReferencedMultipleTimes());
    expect(c.positionalParams).toEqual([1, 10, 5, 2, 3]);
  });

  it("test_recursive_cte_referenced_multiple_times_with_nesting_cte", () => {
    assertCompile(recursiveCteReferencedMultipleTimes(), recursiveCteReferencedSql([":param_1", ":the_value_2", ":param_2", ":the_value_1", ":the_value_3"], "true"), {
      params: { param_1: 1, param_2: 5, the_value_2: 10, the_value_1: 2, the_value_3: 3 },
    });
  });
});

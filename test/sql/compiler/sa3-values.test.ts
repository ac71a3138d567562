/**
 * SQLAlchemy's test/sql/test_values.py, ported: VALUES as a FROM clause (named, unnamed,
 * aliased, LATERAL), parameter names, literal binds, quoting and FROM linting.
 */
import { describe, expect, it } from "vitest";
import {
  ArgumentError, CartesianProductWarning, Column, CompileError, Integer, MetaData, String, Table, column, func, select, true_, values, warnings,
} from "../../../src/index.js";
import { assertCompile, compile } from "./helpers.js";

function tables() {
  const md = new MetaData();
  const people = Table("people", md, {
    people_id: Column(Integer, { primaryKey: true }),
    age: Column(Integer),
    name: Column(String(30)),
  });
  return { people };
}

// SQLAlchemy's `values_.c.x == people.c.people_id` renders `people.people_id = …x` because
// Python tries the reflected `__eq__` of the Column subclass first; the ports write that order.
const eightParams = { param_1: 1, param_2: 1, param_3: 2, param_4: 1, param_5: 3, param_6: 2, param_7: 3, param_8: 3 };
const eightRows = [[1, 1], [2, 1], [3, 2], [3, 3]];

describe("ValuesTest (test_values.py)", () => {
  const { people } = tables();

  it("test_wrong_number_of_elements", () => {
    const v1 = values([column("CaseSensitive", Integer()), column("has spaces", String())], { name: "Spaces and Cases" }).data([
      [1, "textA", 99],
      [2, "textB", 88],
    ]);
    expect(() => compile(select(v1))).toThrow(ArgumentError);
    expect(() => compile(select(v1))).toThrow("Wrong number of elements for 2-tuple: (1, 'textA', 99)");
  });

  it("test_column_quoting", () => {
    const v1 = values([column("CaseSensitive", Integer()), column("has spaces", String()), column("number", Integer())], { name: "Spaces and Cases" }).data([
      [1, "textA", 99],
      [2, "textB", 88],
    ]);
    assertCompile(
      select(v1),
      'SELECT "Spaces and Cases"."CaseSensitive", "Spaces and Cases"."has spaces", "Spaces and Cases".number FROM ' +
        '(VALUES (:param_1, :param_2, :param_3), (:param_4, :param_5, :param_6)) AS "Spaces and Cases" ("CaseSensitive", "has spaces", number)',
    );
  });

  it("test_values_in_scalar_subq", () => {
    const tvc = values([column("v1", Integer())], { name: "tvc" }).data([[people.c.people_id], [people.c.age], [people.c.name]]);
    const maximum = select(func.max(tvc.c.v1)).scalarSubquery();
    assertCompile(
      select(people.c.people_id, maximum),
      "SELECT people.people_id, (SELECT max(tvc.v1) AS max_1 FROM (VALUES (people.people_id), (people.age), (people.name)) AS tvc (v1)) AS anon_1 FROM people",
    );
  });

  it("test_values_in_select_cte_params", () => {
    const cte1 = select(values([column("col1", String()), column("col2", Integer())], { name: "temp_table" }).data([["a", 2], ["b", 3]])).cte("cte1");
    const cte2 = select(cte1.c.col1).where(cte1.c.col1.eq("q")).cte("cte2");
    const stmt = select(cte2.c.col1);
    assertCompile(
      stmt,
      "WITH cte1 AS (SELECT temp_table.col1 AS col1, temp_table.col2 AS col2 FROM (VALUES (:param_1, :param_2), (:param_3, :param_4)) AS temp_table (col1, col2)), " +
        "cte2 AS (SELECT cte1.col1 AS col1 FROM cte1 WHERE cte1.col1 = :col1_1) SELECT cte2.col1 FROM cte2",
      { positional: ["a", 2, "b", 3, "q"] },
    );
    assertCompile(
      stmt,
      "WITH cte1 AS (SELECT temp_table.col1 AS col1, temp_table.col2 AS col2 FROM (VALUES ('a', 2), ('b', 3)) AS temp_table (col1, col2)), " +
        "cte2 AS (SELECT cte1.col1 AS col1 FROM cte1 WHERE cte1.col1 = 'q') SELECT cte2.col1 FROM cte2",
      { literalBinds: true },
    );
  });

  it("test_values_in_select_cte_literal_binds", () => {
    const cte1 = select(values([column("col1", String()), column("col2", Integer())], { name: "temp_table", literalBinds: true }).data([["a", 2], ["b", 3]])).cte("cte1");
    const cte2 = select(cte1.c.col1).where(cte1.c.col1.eq("q")).cte("cte2");
    assertCompile(
      select(cte2.c.col1),
      "WITH cte1 AS (SELECT temp_table.col1 AS col1, temp_table.col2 AS col2 FROM (VALUES ('a', 2), ('b', 3)) AS temp_table (col1, col2)), " +
        "cte2 AS (SELECT cte1.col1 AS col1 FROM cte1 WHERE cte1.col1 = :col1_1) SELECT cte2.col1 FROM cte2",
      { params: { col1_1: "q" } },
    );
  });

  const literalFixture = (literalBinds: boolean, omit: number[] = []) => {
    const cols = [column("mykey", Integer()), column("mytext", String()), column("myint", Integer())].map((c, i) => (omit.includes(i) ? column(c.name) : c));
    return values(cols, { name: "myvalues", literalBinds }).data([
      [1, "textA", 99],
      [2, "textB", 88],
    ]);
  };

  it("test_bound_parameters", () => {
    assertCompile(
      select(literalFixture(false)),
      "SELECT myvalues.mykey, myvalues.mytext, myvalues.myint FROM (VALUES (:param_1, :param_2, :param_3), (:param_4, :param_5, :param_6)) AS myvalues (mykey, mytext, myint)",
      { params: { param_1: 1, param_2: "textA", param_3: 99, param_4: 2, param_5: "textB", param_6: 88 } },
    );
  });

  it("test_literal_parameters", () => {
    assertCompile(
      select(literalFixture(true)),
      "SELECT myvalues.mykey, myvalues.mytext, myvalues.myint FROM (VALUES (1, 'textA', 99), (2, 'textB', 88)) AS myvalues (mykey, mytext, myint)",
      { params: {} },
    );
  });

  it("test_literal_parameters_not_every_type_given", () => {
    assertCompile(
      select(literalFixture(true, [1])),
      "SELECT myvalues.mykey, myvalues.mytext, myvalues.myint FROM (VALUES (1, 'textA', 99), (2, 'textB', 88)) AS myvalues (mykey, mytext, myint)",
      { params: {} },
    );
  });

  it("test_anon_alias", () => {
    const v = values([column("bookcase_id", Integer()), column("bookcase_owner_id", Integer())]).data([[1, 1], [2, 1], [3, 2], [3, 3]]).alias();
    assertCompile(
      select(people, v).selectFrom(people.join(v, people.c.people_id.eq(v.c.bookcase_owner_id))),
      "SELECT people.people_id, people.age, people.name, anon_1.bookcase_id, anon_1.bookcase_owner_id FROM people " +
        "JOIN (VALUES (:param_1, :param_2), (:param_3, :param_4), (:param_5, :param_6), (:param_7, :param_8)) AS anon_1 " +
        "(bookcase_id, bookcase_owner_id) ON people.people_id = anon_1.bookcase_owner_id",
    );
  });

  it("test_with_join_unnamed", () => {
    const v = values([column("column1", Integer()), column("column2", Integer())]).data(eightRows);
    assertCompile(
      select(people, v).selectFrom(people.join(v, people.c.people_id.eq(v.c.column2))),
      "SELECT people.people_id, people.age, people.name, column1, column2 FROM people JOIN (VALUES (:param_1, :param_2), " +
        "(:param_3, :param_4), (:param_5, :param_6), (:param_7, :param_8)) ON people.people_id = column2",
      { params: eightParams },
    );
  });

  it("test_with_join_named", () => {
    const v = values([column("bookcase_id", Integer()), column("bookcase_owner_id", Integer())], { name: "bookcases" }).data(eightRows);
    assertCompile(
      select(people, v).selectFrom(people.join(v, people.c.people_id.eq(v.c.bookcase_owner_id))),
      "SELECT people.people_id, people.age, people.name, bookcases.bookcase_id, bookcases.bookcase_owner_id FROM people " +
        "JOIN (VALUES (:param_1, :param_2), (:param_3, :param_4), (:param_5, :param_6), (:param_7, :param_8)) AS bookcases " +
        "(bookcase_id, bookcase_owner_id) ON people.people_id = bookcases.bookcase_owner_id",
      { params: eightParams },
    );
  });

  it("test_with_aliased_join", () => {
    const v = values([column("bookcase_id", Integer()), column("bookcase_owner_id", Integer())]).data(eightRows).alias("bookcases");
    assertCompile(
      select(people, v).selectFrom(people.join(v, people.c.people_id.eq(v.c.bookcase_owner_id))),
      "SELECT people.people_id, people.age, people.name, bookcases.bookcase_id, bookcases.bookcase_owner_id FROM people " +
        "JOIN (VALUES (:param_1, :param_2), (:param_3, :param_4), (:param_5, :param_6), (:param_7, :param_8)) AS bookcases " +
        "(bookcase_id, bookcase_owner_id) ON people.people_id = bookcases.bookcase_owner_id",
      { params: eightParams },
    );
  });

  it("test_lateral", () => {
    const v = values([column("bookcase_id", Integer()), column("bookcase_owner_id", Integer())], { name: "bookcases" }).data(eightRows).lateral();
    assertCompile(
      select(people, v).selectFrom(people.join(v, true_())),
      "SELECT people.people_id, people.age, people.name, bookcases.bookcase_id, bookcases.bookcase_owner_id FROM people " +
        "JOIN LATERAL (VALUES (:param_1, :param_2), (:param_3, :param_4), (:param_5, :param_6), (:param_7, :param_8)) AS bookcases " +
        "(bookcase_id, bookcase_owner_id) ON true",
      { params: eightParams },
    );
  });

  for (const named of [true, false])
    it(`test_from_linting_${named ? "named" : "unnamed"}`, () => {
      const v = values([column("bookcase_id", Integer()), column("bookcase_owner_id", Integer())], named ? { name: "bookcases" } : {}).data(eightRows);
      const caught = warnings.catch(() => compile(select(people, v), "default", { lintFroms: true }));
      const other = named ? "bookcases" : "(unnamed VALUES element)";
      expect(caught.map((w) => w instanceof CartesianProductWarning)).toEqual([true]);
      expect(caught[0].message).toMatch(new RegExp(`^SELECT statement has a cartesian product between FROM element\\(s\\) "(?:${other.replace(/[()]/g, "\\$&")}|people)" and FROM element "(?:people|${other.replace(/[()]/g, "\\$&")})"`));
    });

  for (const valuesNamed of [true, false])
    for (const cteNamed of [true, false])
      for (const literalBinds of [true, false])
        for (const recursive of [true, false])
          it(`test_direct_cte (values_named=${valuesNamed}, cte_named=${cteNamed}, literal_binds=${literalBinds}, recursive=${recursive})`, () => {
            const cte1 = values([column("col1", String()), column("col2", Integer())], { literalBinds, ...(valuesNamed ? { name: "some name" } : {}) })
              .data([["a", 2], ["b", 3]])
              .cte(cteNamed ? "cte1" : undefined, { recursive });
            const cteName = cteNamed ? "cte1" : valuesNamed ? "some_name_1" : "anon_1";
            const params = literalBinds ? "('a', 2), ('b', 3)" : "(:param_1, :param_2), (:param_3, :param_4)";
            assertCompile(select(cte1.c.col1), `WITH ${recursive ? "RECURSIVE " : ""}${cteName}(col1, col2) AS (VALUES ${params}) SELECT ${cteName}.col1 FROM ${cteName}`, {
              params: literalBinds ? {} : { param_1: "a", param_2: 2, param_3: "b", param_4: 3 },
            });
          });

  it("test_no_cte_with_lateral", () => {
    const v = values([column("col1", String()), column("col2", Integer())], { name: "some_name" }).data([["a", 2], ["b", 3]]).lateral();
    const cte = v.cte();
    expect(() => compile(cte.select())).toThrow(CompileError);
    expect(() => compile(cte.select())).toThrow("Can't use a LATERAL VALUES expression inside of a CTE");
  });
});

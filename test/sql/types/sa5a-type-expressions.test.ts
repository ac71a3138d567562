/**
 * Type-level SQL wrapping (`bindExpression` / `columnExpression`), ported from SQLAlchemy's
 * test/sql/test_type_expressions.py: plain type subclasses, TypeDecorators wrapping outside,
 * inside and both, variants, compound selects, derived tables, and round trips.
 *
 * athanor applies the wrappers only to SQL compiled for execution (they are driver-level
 * conversions, e.g. JSON's `CAST(x AS TEXT)`), so the statements are compiled with
 * `forExecution: true` on PostgreSQL (`$n`) and SQLite (`?`) where SQLAlchemy shows the display
 * dialect's `:name`.
 */
import { beforeEach, describe, expect, it } from "vitest";
import {
  Column, LABEL_STYLE_TABLENAME_PLUS_COL, MetaData, String, StringType, Table, TypeDecorator, cast, delete_, insert, select,
  text, union, type ClauseElement, type DialectName, type TypeEngine,
} from "../../../src/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { useTablesOnce } from "../../fixtures/suite-tables.js";
import { compile, type DialectArg } from "../compiler/helpers.js";

/** SQL as executed on `dialect`, newlines removed as SQLAlchemy's assert_compile does. */
function executed(stmt: ClauseElement, dialect: DialectArg = "postgresql"): string {
  return compile(stmt, dialect, { forExecution: true }).sql.replace(/\n/g, "");
}

/** SQLAlchemy's `MyString(String)` fixture: the type itself wraps binds and columns in lower(). */
class LowerString extends StringType {
  override bindExpression(_d: DialectName, ph: string): string {
    return `lower(${ph})`;
  }
  override columnExpression(_d: DialectName, sql: string): string {
    return `lower(${sql})`;
  }
}
/** `_type_decorator_outside_fixture`. */
class OutsideString extends TypeDecorator<string> {
  override readonly impl = String;
  override readonly cacheOk = true;
  override bindExpression(_d: DialectName, ph: string): string {
    return `outside_bind(${ph})`;
  }
  override columnExpression(_d: DialectName, sql: string): string {
    return `outside_colexpr(${sql})`;
  }
}
class InsideString extends StringType {
  override bindExpression(_d: DialectName, ph: string): string {
    return `inside_bind(${ph})`;
  }
  override columnExpression(_d: DialectName, sql: string): string {
    return `inside_colexpr(${sql})`;
  }
}
/** `_type_decorator_inside_fixture`: the wrapping comes from the impl. */
class DecoratedInside extends TypeDecorator<string> {
  override readonly impl = (): TypeEngine<string> => new InsideString();
  override readonly cacheOk = true;
}
/** `_type_decorator_both_fixture`: a dialect impl with its own wrapping, wrapped again. */
class BothString extends TypeDecorator<string> {
  override readonly impl = String;
  override readonly cacheOk = true;
  override loadDialectImpl(): TypeEngine<string> {
    return new InsideString();
  }
  override bindExpression(d: DialectName, ph: string): string {
    return `outside_bind(${this.dialectImpl(d).bindExpression(d, ph) ?? ph})`;
  }
  override columnExpression(d: DialectName, sql: string): string {
    return `outside_colexpr(${this.dialectImpl(d).columnExpression(d, sql) ?? sql})`;
  }
}

function testTable(type: TypeEngine<string>) {
  return Table("test_table", new MetaData(), { x: Column(String), y: Column(type) });
}

describe("type expressions in SELECT (SelectTest)", () => {
  const table = testTable(new LowerString());

  it("test_select_cols", () => {
    expect(executed(select(table))).toBe("SELECT test_table.x, lower(test_table.y) AS y FROM test_table");
    expect(executed(select(table), "sqlite")).toBe("SELECT test_table.x, lower(test_table.y) AS y FROM test_table");
  });

  it("test_anonymous_expr: a CAST to plain String is not wrapped", () => {
    expect(executed(select(cast(table.c.y, String)))).toBe("SELECT CAST(test_table.y AS VARCHAR) AS y FROM test_table");
  });

  it("test_select_cols_use_labels", () => {
    expect(executed(select(table).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL))).toBe(
      "SELECT test_table.x AS test_table_x, lower(test_table.y) AS test_table_y FROM test_table",
    );
  });

  it("test_insert_binds", () => {
    expect(executed(insert(table).values({ x: "a", y: "hi" }))).toBe("INSERT INTO test_table (x, y) VALUES ($1, lower($2))");
    expect(executed(insert(table).values({ y: "hi" }))).toBe("INSERT INTO test_table (y) VALUES (lower($1))");
    expect(executed(insert(table).values({ y: "hi" }), "sqlite")).toBe("INSERT INTO test_table (y) VALUES (lower(?))");
  });

  it("test_select_binds", () => {
    expect(executed(select(table).where(table.c.y.eq("hi")))).toBe(
      "SELECT test_table.x, lower(test_table.y) AS y FROM test_table WHERE test_table.y = lower($1)",
    );
  });

  it("test_select_of_compound_select: only the outermost SELECT wraps the column", () => {
    const s1 = select(table).where(table.c.y.eq("hi"));
    const s2 = select(table).where(table.c.y.eq("there"));
    expect(executed(union(s1, s2).alias().select())).toBe(
      "SELECT anon_1.x, lower(anon_1.y) AS y FROM " +
        "(SELECT test_table.x AS x, test_table.y AS y FROM test_table WHERE test_table.y = lower($1) " +
        "UNION SELECT test_table.x AS x, test_table.y AS y FROM test_table WHERE test_table.y = lower($2)) AS anon_1",
    );
  });
});

describe("type expressions of TypeDecorators (SelectTest)", () => {
  it("test_type_decorator_inner: the impl's wrapping applies", () => {
    const table = testTable(new DecoratedInside());
    expect(executed(select(table).where(table.c.y.eq("hi")))).toBe(
      "SELECT test_table.x, inside_colexpr(test_table.y) AS y FROM test_table WHERE test_table.y = inside_bind($1)",
    );
  });

  it("test_type_decorator_outer: the decorator's own wrapping applies", () => {
    const table = testTable(new OutsideString());
    expect(executed(select(table).where(table.c.y.eq("hi")))).toBe(
      "SELECT test_table.x, outside_colexpr(test_table.y) AS y FROM test_table WHERE test_table.y = outside_bind($1)",
    );
  });

  it("test_type_decorator_both: the decorator wraps its dialect impl's wrapping", () => {
    const table = testTable(new BothString());
    expect(executed(select(table).where(table.c.y.eq("hi")))).toBe(
      "SELECT test_table.x, outside_colexpr(inside_colexpr(test_table.y)) AS y FROM test_table WHERE test_table.y = outside_bind(inside_bind($1))",
    );
  });

  it("test_type_decorator_both_w_variant: the variant's wrapping applies on its dialect only", () => {
    const table = testTable(String(30).withVariant(new BothString(), "postgresql"));
    expect(executed(select(table).where(table.c.y.eq("hi")))).toBe(
      "SELECT test_table.x, outside_colexpr(inside_colexpr(test_table.y)) AS y FROM test_table WHERE test_table.y = outside_bind(inside_bind($1))",
    );
    expect(executed(select(table).where(table.c.y.eq("hi")), "sqlite")).toBe("SELECT test_table.x, test_table.y FROM test_table WHERE test_table.y = ?");
  });
});

describe("type expressions through derived tables (DerivedTest)", () => {
  const table = testTable(new LowerString());

  it("test_select_from_select", () => {
    expect(executed(select(table).subquery().select())).toBe(
      "SELECT anon_1.x, lower(anon_1.y) AS y FROM (SELECT test_table.x AS x, test_table.y AS y FROM test_table) AS anon_1",
    );
  });

  it("test_select_from_aliased_join", () => {
    const s1 = select(table).alias();
    const s2 = select(table).alias();
    const j = s1.join(s2, s1.c.x.eq(s2.c.x));
    expect(executed(j.select())).toBe(
      "SELECT anon_1.x, lower(anon_1.y) AS y, anon_2.x AS x_1, lower(anon_2.y) AS y_1 " +
        "FROM (SELECT test_table.x AS x, test_table.y AS y FROM test_table) AS anon_1 " +
        "JOIN (SELECT test_table.x AS x, test_table.y AS y FROM test_table) AS anon_2 ON anon_1.x = anon_2.x",
    );
  });
});

/** `StringRoundTripTest` / `TypeDecRoundTripTest`: lower() on the way in, upper() on the way out. */
class LowerInUpperOut extends StringType {
  override bindExpression(_d: DialectName, ph: string): string {
    return `lower(${ph})`;
  }
  override columnExpression(_d: DialectName, sql: string): string {
    return `upper(${sql})`;
  }
}
class DecLowerInUpperOut extends TypeDecorator<string> {
  override readonly impl = String(50);
  override readonly cacheOk = true;
  override bindExpression(_d: DialectName, ph: string): string {
    return `lower(${ph})`;
  }
  override columnExpression(_d: DialectName, sql: string): string {
    return `upper(${sql})`;
  }
}
/** `ReturningTest`: only the column side is wrapped. */
class LowerOut extends TypeDecorator<string> {
  override readonly impl = String(50);
  override readonly cacheOk = true;
  override columnExpression(_d: DialectName, sql: string): string {
    return `lower(${sql})`;
  }
}

const md = new MetaData();
const fixtures = [
  ["StringRoundTripTest", new LowerInUpperOut(50)],
  ["TypeDecRoundTripTest", new DecLowerInUpperOut()],
] as const;
const tables = fixtures.map(([name, type]) => [name, Table(uniqueName(`sa5a_te_${name.toLowerCase()}`), md, { x: Column(String(50)), y: Column(type) })] as const);
const returning = Table(uniqueName("sa5a_te_ret"), md, { x: Column(String(50)), y: Column(new LowerOut(), { serverDefault: "YVALUE" }) });

describe.each(dialectTargets())("type expressions round trip on $name (RoundTripTestBase)", (target) => {
  const db = useTablesOnce(target, md);
  beforeEach(async () => {
    await db.engine.begin(async (conn) => {
      for (const [, t] of tables) await conn.execute(delete_(t));
    });
  });

  describe.each(tables)("%s", (_name, tt) => {
    it("test_round_trip: stored lower-cased, read upper-cased", async () => {
      const [raw, rows] = await db.engine.begin(async (conn) => {
        await conn.execute(insert(tt), [{ x: "X1", y: "Y1" }, { x: "X2", y: "Y2" }, { x: "X3", y: "Y3" }]);
        return [
          (await conn.execute(text(`select x, y from ${tt.name} order by y`))).all().map((r) => [...r]),
          (await conn.execute(select(tt).orderBy(tt.c.y))).all().map((r) => [...r]),
        ];
      });
      expect(raw).toEqual([["X1", "y1"], ["X2", "y2"], ["X3", "y3"]]);
      expect(rows).toEqual([["X1", "Y1"], ["X2", "Y2"], ["X3", "Y3"]]);
    });

    it("test_insertmanyvalues_returning", async () => {
      const rows = await db.engine.begin(async (conn) =>
        (await conn.execute(insert(tt).returning(tt.c.x, tt.c.y), [{ x: "X1", y: "Y1" }, { x: "X2", y: "Y2" }, { x: "X3", y: "Y3" }])).all().map((r) => [...r]),
      );
      expect(rows).toEqual([["X1", "Y1"], ["X2", "Y2"], ["X3", "Y3"]]);
    });

    type MappedRow = { readonly _mapping: { get(key: unknown): unknown } };
    const firstRow = async (stmt: (t: typeof tt) => ClauseElement): Promise<MappedRow> =>
      db.engine.begin(async (conn) => {
        await conn.execute(insert(tt), { x: "X1", y: "Y1" });
        return (await conn.execute(stmt(tt))).first() as unknown as MappedRow;
      });

    it("test_targeting_no_labels", async () => {
      expect((await firstRow((t) => select(t)))._mapping.get(tt.c.y)).toBe("Y1");
    });
    it("test_targeting_by_string", async () => {
      expect((await firstRow((t) => select(t)))._mapping.get("y")).toBe("Y1");
    });
    it("test_targeting_apply_labels", async () => {
      expect((await firstRow((t) => select(t).setLabelStyle(LABEL_STYLE_TABLENAME_PLUS_COL)))._mapping.get(tt.c.y)).toBe("Y1");
    });
  });

  it("test_insert_returning (ReturningTest): RETURNING wraps the column too", async () => {
    const row = await db.engine.begin(async (conn) => (await conn.execute(insert(returning).returning(returning.c.y), { x: "xvalue" })).first());
    expect([...row!]).toEqual(["yvalue"]);
  });
});

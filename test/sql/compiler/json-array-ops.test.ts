/**
 * JSON / JSONB / ARRAY operators compiled per dialect (helper C): element access with `at()`
 * (SQLAlchemy's `col["key"]`, `col[("a", 1)]`, `arr[i]`), the `as…()` casts, JSONB containment
 * and key operators, ARRAY containment / overlap / slices, the typed errors for other SQL types
 * and for SQLite, and cache keys. Expected SQL follows SQLAlchemy's PostgreSQL and SQLite
 * compilers (test/dialect/postgresql/test_types.py JSONTest / JSONBTest / ArrayTest).
 */
import { describe, expect, it } from "vitest";
import {
  ARRAY, ArgumentError, Column, CompileError, DeclarativeBase, Integer, JSON as JSONT, JSONB, MetaData, String as StringT, Table, any_, column, generateCacheKey,
  literalColumn, mappedColumn, not, select, func, type ClauseElement,
} from "../../../src/index.js";
import { assertCompile, compile, type DialectArg } from "./helpers.js";

const md = new MetaData();
const t = Table("test_table", md, {
  id: Column(Integer, { primaryKey: true }),
  test_column: Column(JSONT),
  jb: Column(JSONB),
  arr: Column(ARRAY(Integer)),
  grid: Column(ARRAY(Integer, { dimensions: 2 })),
  name: Column(StringT(30)),
});
const c = t.c;

/** WHERE clause SQL (SQLAlchemy's JSONTest.test_where shape). */
function where(crit: ClauseElement, dialect: DialectArg, forExecution = false): string {
  const sql = compile(select(c.id).where(crit as never), dialect, forExecution ? { forExecution: true } : {}).sql.replace(/\n/g, "");
  return sql.replace(/^SELECT test_table\.id FROM test_table WHERE /, "");
}

describe("JSON element access: at()", () => {
  it("a key renders ->, a path #>, as SQLAlchemy's PostgreSQL compiler (test_where / test_where_subscript)", () => {
    expect(where(c.test_column.at("bar").eq(null), "postgresql")).toBe("(test_table.test_column -> $1::TEXT) IS NULL");
    expect(where(c.test_column.at("bar").ne(null), "postgresql")).toBe("(test_table.test_column -> $1::TEXT) IS NOT NULL");
    expect(where(c.test_column.at(["foo", 1]).eq(null), "postgresql")).toBe("(test_table.test_column #> $1) IS NULL");
    expect(where(c.test_column.at(["foo", 1]).ne(null), "postgresql")).toBe("(test_table.test_column #> $1) IS NOT NULL");
    expect(where(c.jb.at("bar").eq(42), "postgresql")).toBe("(test_table.jb -> $1::TEXT) = $2");
    // A bare element in the SELECT list is not parenthesised (test_cols_subscript).
    assertCompile(select(c.test_column.at("foo")), "SELECT test_table.test_column -> $1::TEXT AS anon_1 FROM test_table", {
      dialect: "postgresql",
      params: { test_column_1: "foo" },
    });
  });

  it("an integer index is cast to INTEGER: an untyped parameter would be taken as a key", () => {
    assertCompile(select(c.test_column.at(0)), "SELECT test_table.test_column -> $1::INTEGER AS anon_1 FROM test_table", {
      dialect: "postgresql",
      params: { test_column_1: 0 },
    });
  });

  it("as…() casts use ->> / #>> inside CAST, parenthesised as an operand (test_where astext.cast)", () => {
    expect(where(c.test_column.at("bar").asInteger().eq(5), "postgresql")).toBe("CAST((test_table.test_column ->> $1::TEXT) AS INTEGER) = $2");
    expect(where(c.test_column.at(["foo", 1]).asString().eq("x"), "postgresql")).toBe("CAST((test_table.test_column #>> $1) AS VARCHAR) = $2");
    assertCompile(
      select(c.test_column.at("a").asString(), c.test_column.at("b").asFloat(), c.test_column.at("c").asBoolean(), c.test_column.at("d").asNumeric(10, 2)),
      "SELECT CAST(test_table.test_column ->> $1::TEXT AS VARCHAR) AS anon_1, CAST(test_table.test_column ->> $2::TEXT AS DOUBLE PRECISION) AS anon_2, " +
        "CAST(test_table.test_column ->> $3::TEXT AS BOOLEAN) AS anon_3, CAST(test_table.test_column ->> $4::TEXT AS NUMERIC(10, 2)) AS anon_4 FROM test_table",
      { dialect: "postgresql" },
    );
    // asJson() is the JSON element itself.
    const e = c.test_column.at("a");
    expect(e.asJson()).toBe(e);
  });

  it("chained keys group the inner element; ORDER BY and AND do not", () => {
    assertCompile(select(c.test_column.at("a").at("b")), "SELECT (test_table.test_column -> $1::TEXT) -> $2::TEXT AS anon_1 FROM test_table", {
      dialect: "postgresql",
      params: { test_column_1: "a", param_1: "b" },
    });
    assertCompile(
      select(c.id).where(c.jb.at("flag").asBoolean(), c.id.gt(1)).orderBy(c.jb.at("k").desc()),
      "SELECT test_table.id FROM test_table WHERE CAST(test_table.jb ->> $1::TEXT AS BOOLEAN) AND test_table.id > $2 ORDER BY test_table.jb -> $3::TEXT DESC",
      { dialect: "postgresql" },
    );
  });

  it("SQLite: JSON_QUOTE(JSON_EXTRACT(x, ?)) for JSON, CAST(JSON_EXTRACT(…)) for as…(), the path bound as $.\"key\"", () => {
    assertCompile(select(c.test_column.at("a")), 'SELECT JSON_QUOTE(JSON_EXTRACT(test_table.test_column, ?)) AS anon_1 FROM test_table', { dialect: "sqlite" });
    expect(where(c.test_column.at("bar").asInteger().eq(5), "sqlite")).toBe("CAST(JSON_EXTRACT(test_table.test_column, ?) AS INTEGER) = ?");
    expect(where(c.test_column.at(["foo", 1]).eq(null), "sqlite")).toBe("JSON_QUOTE(JSON_EXTRACT(test_table.test_column, ?)) IS NULL");
    // The path strings are what the bind processor sends, never text in the SQL.
    const cp = compile(select(c.test_column.at("a b"), c.test_column.at(2), c.test_column.at(["x", 0, "y"])), "sqlite");
    expect(cp.construct(undefined, undefined).params).toEqual(['$."a b"', "$[2]", '$."x"[0]."y"']);
    expect(compile(select(c.test_column.at(-1), c.test_column.at(["a", -2])), "sqlite").construct(undefined, undefined).params).toEqual(["$[#-1]", '$."a"[#-2]']);
  });

  it("PostgreSQL binds a path as a text[] literal, each element quoted", () => {
    const cp = compile(select(c.test_column.at(["a,b", 1, '"q"'])), "postgresql");
    expect(cp.construct(undefined, undefined).params).toEqual(['{"a,b","1","\\"q\\""}']);
  });

  it("the display dialect shows SQLAlchemy's string form x[:p]", () => {
    assertCompile(select(c.test_column.at("a").asInteger()), "SELECT test_table.test_column[:test_column_1] AS anon_1 FROM test_table", {
      params: { test_column_1: "a" },
    });
  });

  it("JSON elements are read back through the JSON type (PostgreSQL selects them as text)", () => {
    expect(compile(select(c.jb.at("a")), "postgresql", { forExecution: true }).sql.replace(/\n/g, "")).toBe(
      "SELECT CAST(test_table.jb -> $1::TEXT AS TEXT) AS anon_1 FROM test_table",
    );
    expect(c.jb.at("a").type).toBe(c.jb.type);
    expect(c.jb.at("a").asInteger().type.affinity).toBe("integer");
  });
});

describe("JSONB operators", () => {
  it("renders SQLAlchemy's JSONB comparator operators (test_where_jsonb)", () => {
    expect(where(c.jb.hasKey("data"), "postgresql")).toBe("test_table.jb ? $1");
    expect(where(c.jb.hasAll(["name", "data"]), "postgresql")).toBe("test_table.jb ?& $1");
    expect(where(c.jb.hasAny(["name", "data"]), "postgresql")).toBe("test_table.jb ?| $1");
    expect(where(c.jb.contains({ k1: "r1v1" }), "postgresql")).toBe("test_table.jb @> $1");
    expect(where(c.jb.containedBy({ foo: "1", bar: null }), "postgresql")).toBe("test_table.jb <@ $1");
    expect(where(c.jb.pathExists("$.k1"), "postgresql")).toBe("test_table.jb @? $1");
    expect(where(c.jb.pathMatch("$.k1[0] > 2"), "postgresql")).toBe("test_table.jb @@ $1");
    assertCompile(select(c.jb.deletePath(["a", "b"])), "SELECT test_table.jb #- CAST($1 AS TEXT[]) AS anon_1 FROM test_table", { dialect: "postgresql" });
    expect(where(c.jb.hasKey(any_(literalColumn("ARRAY['a']"))), "postgresql")).toBe("test_table.jb ? ANY (ARRAY['a'])");
  });

  it("operands are bound with the right types: JSONB documents, text[] key lists", () => {
    expect(where(c.jb.contains({ k1: "r1v1" }), "postgresql", true)).toBe("test_table.jb @> CAST(CAST($1 AS TEXT) AS JSONB)");
    const cp = compile(select(c.id).where(c.jb.contains({ k1: "v" }), c.jb.hasAll(["a", 'b"c']), c.jb.deletePath(["x", 0]).isNotNull()), "postgresql");
    expect(cp.construct(undefined, undefined).params).toEqual(['{"k1":"v"}', '{"a","b\\"c"}', '{"x","0"}']);
  });

  it("negation wraps the operator in NOT (…)", () => {
    expect(where(not(c.jb.hasKey("a")), "postgresql")).toBe("NOT (test_table.jb ? $1)");
  });

  it("contains() is LIKE on strings and on untyped expressions, containment on JSONB", () => {
    expect(where(c.name.contains("x"), "postgresql")).toBe("test_table.name LIKE '%' || $1 || '%'");
    expect(where(column("u").contains("x"), "postgresql")).toBe("u LIKE '%' || $1 || '%'");
    expect(where(c.jb.contains("x"), "postgresql")).toBe("test_table.jb @> $1");
  });
});

describe("ARRAY operators", () => {
  it("index, slice, chained index (test_array_index / test_array_slice_index)", () => {
    assertCompile(select(c.arr.at(3)), "SELECT test_table.arr[$1::INTEGER] AS anon_1 FROM test_table", { dialect: "postgresql", params: { arr_1: 3 } });
    assertCompile(select(c.arr.slice(5, 10)), "SELECT test_table.arr[$1::INTEGER:$2::INTEGER] AS anon_1 FROM test_table", {
      dialect: "postgresql",
      params: { arr_1: 5, arr_2: 10 },
    });
    assertCompile(select(c.grid.at(1).at(2)), "SELECT test_table.grid[$1::INTEGER][$2::INTEGER] AS anon_1 FROM test_table", {
      dialect: "postgresql",
      params: { grid_1: 1, param_1: 2 },
    });
    expect(where(c.arr.at(2).eq(5), "postgresql")).toBe("test_table.arr[$1] = $2");
    assertCompile(select(c.arr.at(1)), "SELECT test_table.arr[:arr_1] AS anon_1 FROM test_table");
  });

  it("element types: the item type, one dimension less for a 2-D array, the array type for a slice", () => {
    expect(c.arr.at(1).type.affinity).toBe("integer");
    expect(String(c.grid.at(1).type)).toBe("ARRAY(INTEGER, 1)");
    expect(c.arr.slice(1, 2).type).toBe(c.arr.type);
  });

  it("a function's array is parenthesised before the subscript", () => {
    assertCompile(select(c.arr.cast(ARRAY(Integer)).at(1)), "SELECT (CAST(test_table.arr AS INTEGER[]))[$1::INTEGER] AS anon_1 FROM test_table", {
      dialect: "postgresql",
    });
    assertCompile(select(func.array_agg(c.id).cast(ARRAY(Integer)).slice(1, 2)), "SELECT (CAST(array_agg(test_table.id) AS INTEGER[]))[$1::INTEGER:$2::INTEGER] AS anon_1 FROM test_table", {
      dialect: "postgresql",
    });
  });

  it("contains / containedBy / overlap (test_array_contains / _contained_by / _overlap)", () => {
    expect(where(c.arr.contains([4, 5, 6]), "postgresql")).toBe("test_table.arr @> $1");
    expect(where(c.arr.containedBy([4, 5, 6]), "postgresql")).toBe("test_table.arr <@ $1");
    expect(where(c.arr.overlap([4, 5, 6]), "postgresql")).toBe("test_table.arr && $1");
    const cp = compile(select(c.id).where(c.arr.contains([4, 5]), c.arr.overlap([6, null])), "postgresql");
    expect(cp.construct(undefined, undefined).params).toEqual(['{"4","5"}', '{"6",NULL}']);
  });

  it("any_() / all_() on an array column", () => {
    expect(where(c.arr.any_().eq(7), "postgresql")).toBe("$1 = ANY (test_table.arr)");
    expect(where(any_(c.arr).lt(7), "postgresql")).toBe("$1 > ANY (test_table.arr)");
  });
});

describe("ORM attributes", () => {
  class Base extends DeclarativeBase {}
  class Doc extends Base.model("c_orm_doc", {
    id: mappedColumn(Integer, { primaryKey: true }),
    body: mappedColumn(JSONB<{ tags: string[] }>()),
    nums: mappedColumn(ARRAY(Integer)),
    title: mappedColumn(StringT(20)),
  }) {}

  it("mapped JSONB / ARRAY / string attributes take the same operators", () => {
    assertCompile(
      select(Doc.id).where(Doc.body.at(["tags", 0]).asString().eq("a"), Doc.body.hasKey("tags"), Doc.nums.at(1).gt(2), Doc.title.contains("x")),
      "SELECT c_orm_doc.id FROM c_orm_doc WHERE CAST((c_orm_doc.body #>> $1) AS VARCHAR) = $2 AND c_orm_doc.body ? $3 AND c_orm_doc.nums[$4] > $5 " +
        "AND c_orm_doc.title LIKE '%' || $6 || '%'",
      { dialect: "postgresql", params: { body_1: ["tags", 0], param_1: "a", body_2: "tags", nums_1: 1, param_2: 2, title_1: "x" } },
    );
  });
});

describe("typed errors", () => {
  it("ArgumentError naming the expression and operator on other SQL types", () => {
    const any = (x: unknown) => x as typeof c.jb;
    expect(() => any(c.name).at("a")).toThrow(new ArgumentError("at() needs a JSON, JSONB or ARRAY expression; column 'test_table.name' is VARCHAR(30)"));
    expect(() => any(c.test_column).hasKey("a")).toThrow(new ArgumentError("hasKey() needs a JSONB expression; column 'test_table.test_column' is JSON"));
    expect(() => any(c.test_column).contains({ a: 1 })).toThrow(new ArgumentError("contains() needs a JSONB expression; column 'test_table.test_column' is JSON"));
    expect(() => any(c.test_column).deletePath(["a"])).toThrow(/^deletePath\(\) needs a JSONB expression; column 'test_table.test_column' is JSON$/);
    expect(() => any(c.jb).overlap([1] as never)).toThrow(new ArgumentError("overlap() needs an ARRAY expression; column 'test_table.jb' is JSONB"));
    expect(() => any(c.jb).slice(1, 2)).toThrow(/^slice\(\) needs an ARRAY expression; column 'test_table.jb' is JSONB$/);
    expect(() => any(column("u")).at(1)).toThrow(new ArgumentError("at() needs a JSON, JSONB or ARRAY expression; column 'u' is untyped"));
    expect(() => c.jb.contains({ a: 1 } as never, { autoescape: true } as never)).toThrow(/^contains\(\) on column 'test_table.jb' \(JSONB\) is containment \(@>\) and takes no LIKE options$/);
  });

  it("ArgumentError for bad indexes and paths", () => {
    expect(() => c.arr.contains(1 as never)).toThrow(new ArgumentError("contains() on column 'test_table.arr' (ARRAY(INTEGER, *)) takes an array; got number 1"));
    expect(() => c.arr.overlap(1 as never)).toThrow(/^overlap\(\) on column 'test_table\.arr' takes an array; got number 1$/);
    expect(() => c.arr.at("x" as never)).toThrow(new ArgumentError("at() on column 'test_table.arr' takes integer indexes; got string \"x\""));
    expect(() => c.arr.at(1.5)).toThrow(/^at\(\) on column 'test_table\.arr' takes integer indexes; got number 1\.5$/);
    expect(() => c.jb.at([])).toThrow(/^at\(\) on column 'test_table\.jb' takes a non-empty array of keys and indexes/);
    expect(() => c.jb.at(["a", 0.5])).toThrow(ArgumentError);
    expect(() => compile(select(c.test_column.at('a"b')), "sqlite").construct(undefined, undefined)).toThrow(/SQLite JSON paths cannot name a key containing/);
  });

  it("CompileError on SQLite for the PostgreSQL-only operators, naming operator and column", () => {
    expect(() => compile(select(c.id).where(c.jb.hasKey("a")), "sqlite")).toThrow(
      new CompileError("hasKey() (?) on column 'test_table.jb' is PostgreSQL-only; SQLite has no JSONB or ARRAY operators"),
    );
    expect(() => compile(select(c.id).where(c.arr.contains([1])), "sqlite")).toThrow(/^contains\(\) \(@>\) on column 'test_table\.arr' is PostgreSQL-only/);
    expect(() => compile(select(c.id).where(c.arr.overlap([1])), "sqlite")).toThrow(/^overlap\(\) \(&&\) on column 'test_table\.arr'/);
    expect(() => compile(select(c.arr.at(1)), "sqlite")).toThrow(
      new CompileError("ARRAY index or slice of column 'test_table.arr' (at() / slice()) is not supported by SQLite, which has no array type"),
    );
  });
});

describe("cache keys", () => {
  it("a key and an index differ (different casts); same shapes with other values share a key", () => {
    const k = (e: ClauseElement) => generateCacheKey(e).key;
    expect(k(select(c.jb.at("a")))).toBe(k(select(c.jb.at("b"))));
    expect(k(select(c.jb.at("a")))).not.toBe(k(select(c.jb.at(0))));
    expect(k(select(c.jb.at("a")))).not.toBe(k(select(c.jb.at("a").asInteger())));
    expect(k(select(c.jb.at("a").asInteger()))).not.toBe(k(select(c.jb.at("a").asFloat())));
    expect(k(select(c.jb.at(["a", 1])))).toBe(k(select(c.jb.at(["b", "c", 2]))));
    expect(k(select(c.id).where(c.jb.at("a").eq(1)))).not.toBe(k(select(c.id).where(c.jb.at("a").asInteger().eq(1))));
  });
});

/**
 * `TypeDecorator`, ported from SQLAlchemy's test/sql/test_types.py (`_UserDefinedTypeFixture`,
 * `UserDefinedRoundTripTest`, `TypeDecoratorSpecialCasesTest`, `UserDefinedTest`,
 * `TypeAffinityTest.test_decorator_doesnt_cache`) and the decorator parts of
 * `VariantBackendTest`: DDL, processing order, operators following the impl, cache keys, and
 * round trips on PostgreSQL and SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ARRAY, AthanorWarning, Column, CreateTable, Enum, Float, FloatType, Integer, JSON as JSONT, MetaData, Numeric, String, StringType, Table, TypeDecorator, bindparam, column,
  createAsyncEngine, insert, literal, select, warnings, type AsyncEngine, type DialectName, type TypeEngine,
} from "../../../src/index.js";
import { dialectTargets, uniqueName } from "../../fixtures/databases.js";
import { assertCompile, compile, postgresqlDialect, sqliteDialect } from "../compiler/helpers.js";
import { LITE, PG, bind, result } from "./db.js";

/** SQLAlchemy's `MyNewUnicodeType`: a String(len) that tags values on the way in and out. */
class MyNewUnicodeType extends TypeDecorator<string> {
  override readonly impl: TypeEngine<string>;
  override readonly cacheOk = true;
  constructor(length?: number) {
    super();
    this.impl = String(length);
  }
  override processBindParam(value: string | null): string {
    return "BIND_IN" + (value ?? "<null value>");
  }
  override processResultValue(value: unknown): string {
    return `${value as string}BIND_OUT`;
  }
}

/** SQLAlchemy's `MyNewIntType`: Integer, times ten both ways. */
class MyNewIntType extends TypeDecorator<number> {
  override readonly impl = Integer;
  override readonly cacheOk = true;
  override processBindParam(value: number | null): number {
    return (value ?? 29) * 10;
  }
  override processResultValue(value: unknown): number {
    return (value as number) * 10;
  }
}

/** SQLAlchemy's `MyNewIntSubClass`: overrides only the result step. */
class MyNewIntSubClass extends MyNewIntType {
  override processResultValue(value: unknown): number {
    return (value as number) * 15;
  }
}

/** SQLAlchemy's `MyDecOfDec`: a decorator whose impl is a decorator. */
class MyDecOfDec extends TypeDecorator<number> {
  override readonly impl = (): TypeEngine<number> => new MyNewIntType();
  override readonly cacheOk = true;
}

describe("TypeDecorator: DDL and processing (UserDefinedTest)", () => {
  it("spells the DDL of its impl on every dialect", () => {
    const md = new MetaData();
    const t = Table("users", md, {
      user_id: Column(Integer, { primaryKey: true }),
      goofy7: Column(new MyNewUnicodeType(50), { nullable: false }),
      goofy8: Column(new MyNewIntType(), { nullable: false }),
      goofy10: Column(new MyDecOfDec(), { nullable: false }),
    });
    expect(new CreateTable(t).compile({ dialect: postgresqlDialect }).sql.replace(/\n/g, "")).toBe(
      "CREATE TABLE users (\tuser_id SERIAL NOT NULL, \tgoofy7 VARCHAR(50) NOT NULL, \tgoofy8 INTEGER NOT NULL, \tgoofy10 INTEGER NOT NULL, \tPRIMARY KEY (user_id))",
    );
    expect(new CreateTable(t).compile({ dialect: sqliteDialect }).sql.replace(/\n/g, "")).toBe(
      "CREATE TABLE users (\tuser_id INTEGER NOT NULL, \tgoofy7 VARCHAR(50) NOT NULL, \tgoofy8 INTEGER NOT NULL, \tgoofy10 INTEGER NOT NULL, \tPRIMARY KEY (user_id))",
    );
  });

  it("runs processBindParam before the impl's bind processor and processResultValue after the impl's result processor", () => {
    const t = new MyNewIntType();
    expect(bind(t, "postgresql", 12)).toBe(120);
    expect(result(t, "sqlite", 12)).toBe(120);
    expect(bind(new MyNewIntSubClass(), "sqlite", 12)).toBe(120);
    expect(result(new MyNewIntSubClass(), "sqlite", 12)).toBe(180);
    // decorator of decorator: the inner decorator's steps run, once each way
    expect(bind(new MyDecOfDec(), "sqlite", 12)).toBe(120);
    expect(result(new MyDecOfDec(), "postgresql", 12)).toBe(120);
  });

  it("SQL NULL goes through the processing methods too, as SQLAlchemy passes None", () => {
    const t = new MyNewUnicodeType(10);
    expect(t.bindProcessor("postgresql")!(null)).toBe("BIND_IN<null value>");
    expect(t.resultProcessor("sqlite")!(null)).toBe("nullBIND_OUT");
  });

  it("composes with the impl's own processors (a decorator over JSON)", () => {
    class Tagged extends TypeDecorator<Record<string, unknown>> {
      override readonly impl = JSONT;
      override readonly cacheOk = true;
      override processBindParam(v: Record<string, unknown>) {
        return { ...v, tagged: true };
      }
      override processResultValue(v: unknown) {
        const { tagged: _t, ...rest } = v as Record<string, unknown>;
        return rest;
      }
    }
    const t = new Tagged();
    expect(bind(t, "sqlite", { a: 1 })).toBe('{"a":1,"tagged":true}');
    expect(result(t, "sqlite", '{"a":1,"tagged":true}')).toEqual({ a: 1 });
    // JSON's driver-level wrappers stay in force under the decorator
    expect(t.bindExpression("postgresql", "$1")).toBe("CAST(CAST($1 AS TEXT) AS JSON)");
    expect(t.columnExpression("postgresql", "x")).toBe("CAST(x AS TEXT)");
    expect(t.bindExpression("sqlite", "?")).toBeUndefined();
  });

  it("loadDialectImpl picks the impl per dialect (SQLAlchemy's GUID recipe)", () => {
    class Guid extends TypeDecorator<string> {
      override readonly impl = String(32);
      override readonly cacheOk = true;
      override loadDialectImpl(dialect: DialectName) {
        return dialect === "postgresql" ? String(36) : String(32);
      }
    }
    const g = new Guid();
    expect(g.compileType(PG)).toBe("VARCHAR(36)");
    expect(g.compileType(LITE)).toBe("VARCHAR(32)");
    expect(g.dialectImpl("sqlite")).toBe(g.dialectImpl("sqlite"));
  });

  it("literal rendering: processLiteralParam, else processBindParam, then the impl's rendering (test_typedecorator_literal_render)", () => {
    // A stand-in for the compiler's generic rendering: bind-process, then quote strings.
    const render = (v: unknown, type: TypeEngine<unknown>): string => {
      const p = type.bindProcessor("postgresql");
      const x = p ? p(v) : v;
      return typeof x === "string" ? `'${x.replace(/'/g, "''")}'` : globalThis.String(x);
    };
    class MyType extends TypeDecorator<string> {
      override readonly impl = String(50);
      override readonly cacheOk = true;
      override processLiteralParam(value: string) {
        return `HI->${value}<-THERE`;
      }
    }
    expect(new MyType().literalProcessor("postgresql", render)("test")).toBe("'HI->test<-THERE'");
    expect(new MyNewIntType().literalProcessor("postgresql", render)(5)).toBe("50");
    expect(new MyNewUnicodeType().literalProcessor("sqlite", render)("it's")).toBe("'BIND_INit''s'");
    expect(String().literalProcessor("sqlite", render)("x")).toBe("'x'");
  });
});

describe("TypeDecorator: operators follow the impl (TypeDecoratorSpecialCasesTest)", () => {
  class ArrayDec extends TypeDecorator<number[]> {
    override readonly impl = ARRAY(Integer);
    override readonly cacheOk = true;
  }
  class JsonDec extends TypeDecorator<unknown> {
    override readonly impl = JSONT();
    override readonly cacheOk = true;
  }

  it("has the impl's affinity, so arithmetic and comparisons bind with the decorator", () => {
    const q = column("q", new MyNewIntType());
    expect(q.type.affinity).toBe("integer");
    const c = compile(select(q).where(q.eq(5)), "postgresql", { forExecution: true });
    expect(c.sql.replace(/\n/g, "")).toBe("SELECT q WHERE q = $1");
    expect(c.statement.toString()).toBe("SELECT q \nWHERE q = :q_1");
    expect(compile(q.add(5), "postgresql").sql).toBe("q + $1");
  });

  it("indexes an ARRAY decorator as the array: the index is an INTEGER and the element type is the item type", () => {
    const e = column("q", new ArrayDec()).at(5);
    expect(e.type.affinity).toBe("integer");
    // athanor renders a plain ARRAY index without SQLAlchemy's `::INTEGER`; the decorator matches it.
    assertCompile(column("q", new ArrayDec()).at(5), "q[$1]", { dialect: "postgresql" });
    assertCompile(column("q", ARRAY(Integer)).at(5), "q[$1]", { dialect: "postgresql" });
  });

  it("ANY over an ARRAY decorator (7 < any_(q))", () => {
    assertCompile(column("q", new ArrayDec()).any_().gt(7), "$1 < ANY (q)", { dialect: "postgresql" });
  });

  it("JSON element access on a JSON decorator", () => {
    assertCompile(column("q", new JsonDec()).at("q"), "q -> $1::TEXT", { dialect: "postgresql" });
    assertCompile(column("q", new JsonDec()).at("q").asInteger(), "CAST(q ->> $1::TEXT AS INTEGER)", { dialect: "postgresql" });
  });
});

describe("TypeDecorator: cache keys (cacheOk)", () => {
  it("cacheOk: true keys on the class, the impl and the plain fields", () => {
    expect(new MyNewUnicodeType(50).cacheKey).toBe(new MyNewUnicodeType(50).cacheKey);
    expect(new MyNewUnicodeType(50).cacheKey).not.toBe(new MyNewUnicodeType(40).cacheKey);
    expect(new MyNewIntType().cacheKey).not.toBe(new MyNewIntSubClass().cacheKey);
    class WithArg extends TypeDecorator<string> {
      override readonly impl = String;
      override readonly cacheOk = true;
      constructor(readonly prefix: string) {
        super();
      }
    }
    expect(new WithArg("a").cacheKey).toBe(new WithArg("a").cacheKey);
    expect(new WithArg("a").cacheKey).not.toBe(new WithArg("b").cacheKey);
  });

  it("cacheOk undefined warns once per class and gives each instance its own key (test_decorator_doesnt_cache)", () => {
    class NoCache extends TypeDecorator<string> {
      override readonly impl = String;
    }
    const seen = warnings.catch(() => {
      const a = new NoCache();
      const b = new NoCache();
      expect(a.cacheKey).not.toBe(b.cacheKey);
      expect(a.cacheKey).toBe(a.cacheKey);
    });
    expect(seen.map((w) => [w.constructor, w.message])).toEqual([
      [
        AthanorWarning,
        "TypeDecorator NoCache() will not produce a cache key because the cacheOk attribute is not set to true. " +
          "This can have significant performance implications including some performance degradations in comparison " +
          "to prior SQLAlchemy versions. Set this attribute to true if this type object's state is safe to use in a " +
          "cache key, or false to disable this warning.",
      ],
    ]);
  });

  it("cacheOk: false is silent and per instance", () => {
    class Off extends TypeDecorator<string> {
      override readonly impl = String;
      override readonly cacheOk = false;
    }
    const seen = warnings.catch(() => {
      expect(new Off().cacheKey).not.toBe(new Off().cacheKey);
    });
    expect(seen).toEqual([]);
  });
});

const md = new MetaData();
const users = Table(uniqueName("sa5a_td_users"), md, {
  user_id: Column(Integer, { primaryKey: true, autoincrement: false }),
  goofy7: Column(new MyNewUnicodeType(50)),
  goofy8: Column(new MyNewIntType()),
  goofy9: Column(new MyNewIntSubClass()),
  goofy10: Column(new MyDecOfDec()),
});
class ArrayDecLive extends TypeDecorator<number[]> {
  override readonly impl = ARRAY(Integer);
  override readonly cacheOk = true;
}
/** SQLAlchemy's `SkipsFirst` (#7249): drops the first element on the way in. */
class SkipsFirst extends TypeDecorator<number[]> {
  override readonly impl = ARRAY(Integer);
  override readonly cacheOk = true;
  override processBindParam(v: number[]): number[] {
    return v.slice(1);
  }
}
class JsonDecLive extends TypeDecorator<{ key: string }> {
  override readonly impl = JSONT();
  override readonly cacheOk = true;
}
const pgMd = new MetaData();
const arrs = Table(uniqueName("sa5a_td_arr"), pgMd, {
  id: Column(Integer, { primaryKey: true }),
  data: Column(new ArrayDecLive()),
  skips: Column(new SkipsFirst()),
});
const jsonMd = new MetaData();
const docs = Table(uniqueName("sa5a_td_json"), jsonMd, {
  id: Column(Integer, { primaryKey: true }),
  data: Column(new JsonDecLive()),
});

describe.each(dialectTargets())("TypeDecorator round trips on $name (UserDefinedRoundTripTest)", (target) => {
  let engine: AsyncEngine;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    engine = createAsyncEngine(d.driver);
    cleanup = async () => {
      await engine.begin(async (conn) => {
        await md.dropAll(conn);
        await jsonMd.dropAll(conn);
      });
      await engine.dispose();
      await d.cleanup();
    };
    await engine.begin(async (conn) => {
      await md.createAll(conn);
      await jsonMd.createAll(conn);
      await conn.execute(insert(users), [
        { user_id: 2, goofy7: "jack", goofy8: 12, goofy9: 12, goofy10: 12 },
        { user_id: 3, goofy7: "lala", goofy8: 15, goofy9: 15, goofy10: 15 },
        { user_id: 4, goofy7: "fred", goofy8: 9, goofy9: 9, goofy10: 9 },
        { user_id: 5, goofy7: null, goofy8: null, goofy9: null, goofy10: null },
      ]);
    });
  });
  afterAll(() => cleanup());

  it("test_processing", async () => {
    const rows = await engine.connect(async (conn) => (await conn.execute(select(users).orderBy(users.c.user_id))).all().map((r) => [...r]));
    expect(rows).toEqual([
      [2, "BIND_INjackBIND_OUT", 1200, 1800, 1200],
      [3, "BIND_INlalaBIND_OUT", 1500, 2250, 1500],
      [4, "BIND_INfredBIND_OUT", 900, 1350, 900],
      [5, "BIND_IN<null value>BIND_OUT", 2900, 4350, 2900],
    ]);
  });

  it("test_unary_operator: -col keeps the decorator's result processing", async () => {
    const v = await engine.connect((conn) => conn.scalar(select(users.c.goofy8.neg()).orderBy(users.c.user_id)));
    expect(v).toBe(-1200);
  });

  it("test_unary_operator_standalone: literal() of a decorator, negated or not", async () => {
    const [a, b] = await engine.connect(async (conn) => [
      await conn.scalar(select(literal(12, new MyNewIntType()))),
      await conn.scalar(select(literal(12, new MyNewIntType()).neg())),
    ]);
    expect([a, b]).toEqual([1200, -1200]);
  });

  it("test_plain_in_typedec / test_plain_in_typedec_of_typedec", async () => {
    const [a, b] = await engine.connect(async (conn) => [
      (await conn.execute(select(users.c.user_id, users.c.goofy8).where(users.c.goofy8.in([15, 9])).orderBy(users.c.user_id))).all().map((r) => [...r]),
      (await conn.execute(select(users.c.user_id, users.c.goofy10).where(users.c.goofy10.in([15, 9])).orderBy(users.c.user_id))).all().map((r) => [...r]),
    ]);
    expect(a).toEqual([[3, 1500], [4, 900]]);
    expect(b).toEqual([[3, 1500], [4, 900]]);
  });

  it("test_expanding_in_typedec / test_expanding_in_typedec_of_typedec (the expanding bind typed with the decorator)", async () => {
    const expanding = (t: TypeEngine<number>) => bindparam("goofy", undefined, { type: t, expanding: true });
    const [a, b] = await engine.connect(async (conn) => [
      (await conn.execute(select(users.c.user_id, users.c.goofy8).where(users.c.goofy8.in(expanding(new MyNewIntType()))).orderBy(users.c.user_id), { goofy: [15, 9] })).all().map((r) => [...r]),
      (await conn.execute(select(users.c.user_id, users.c.goofy10).where(users.c.goofy10.in(expanding(new MyDecOfDec()))).orderBy(users.c.user_id), { goofy: [15, 9] })).all().map((r) => [...r]),
    ]);
    expect(a).toEqual([[3, 1500], [4, 900]]);
    expect(b).toEqual([[3, 1500], [4, 900]]);
  });

  it("test_typedec_of_json: documents and element access", async () => {
    const [whole, key] = await engine.begin(async (conn) => {
      await conn.execute(insert(docs), { data: { key: "value" } });
      return [await conn.scalar(select(docs.c.data)), await conn.scalar(select(docs.c.data.at("key").asString()))];
    });
    expect(whole).toEqual({ key: "value" });
    expect(key).toBe("value");
  });
});

describe.each(dialectTargets().filter((t) => t.dialect === "postgresql"))("TypeDecorator of ARRAY on $name", (target) => {
  let engine: AsyncEngine;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    engine = createAsyncEngine(d.driver);
    cleanup = async () => {
      await engine.begin((conn) => pgMd.dropAll(conn));
      await engine.dispose();
      await d.cleanup();
    };
    await engine.begin((conn) => pgMd.createAll(conn));
  });
  afterAll(() => cleanup());

  it("test_typedec_of_array / test_typedec_of_array_modified (PostgreSQL arrays are 1-based)", async () => {
    const [whole, first, skipped, skippedFirst] = await engine.begin(async (conn) => {
      await conn.execute(insert(arrs), { data: [1, 2, 3], skips: [1, 2, 3] });
      return [
        await conn.scalar(select(arrs.c.data)),
        await conn.scalar(select(arrs.c.data.at(1))),
        await conn.scalar(select(arrs.c.skips)),
        await conn.scalar(select(arrs.c.skips.at(1))),
      ];
    });
    expect(whole).toEqual([1, 2, 3]);
    expect(first).toBe(1);
    expect(skipped).toEqual([2, 3]);
    expect(skippedFirst).toBe(2);
  });
});

describe("TypeDecorator impls (UserDefinedTest)", () => {
  it("test_typedecorator_impl: the decorator compiles as its impl", () => {
    const cases: [TypeEngine<unknown>, string][] = [
      // athanor spells Float as PostgreSQL stores it (SQLAlchemy renders FLOAT / FLOAT(2)).
      [Float(), "DOUBLE PRECISION"],
      [Float(2), "REAL"],
      [Numeric(19, 2), "NUMERIC(19, 2)"],
    ];
    for (const [impl, expected] of cases) {
      class MyType extends TypeDecorator<unknown> {
        override readonly impl = impl;
        override readonly cacheOk = true;
      }
      expect(new MyType().compileType(PG)).toBe(expected);
      expect(new MyType().dialectImpl("postgresql")).toBe(impl);
    }
  });

  it("test_user_defined_typedec_impl: loadDialectImpl switches the DDL and the dialect impl", () => {
    class MyType extends TypeDecorator<unknown> {
      override readonly impl = Float;
      override readonly cacheOk = true;
      override loadDialectImpl(dialect: DialectName) {
        return dialect === "sqlite" ? String(50) : super.loadDialectImpl(dialect);
      }
    }
    const t = new MyType();
    expect(t.compileType(LITE)).toBe("VARCHAR(50)");
    expect(t.compileType(PG)).toBe("DOUBLE PRECISION");
    expect(t.dialectImpl("sqlite")).toBeInstanceOf(StringType);
    expect(t.dialectImpl("postgresql")).toBeInstanceOf(FloatType);
  });

  it("test_user_defined_typedec_impl_bind: processBindParam then the dialect impl's bind processor", () => {
    class Suffix extends StringType {
      constructor(readonly suffix: string) {
        super();
      }
      protected override makeBindProcessor() {
        return (v: unknown) => `${v as string} ${this.suffix}`;
      }
    }
    class MyType extends TypeDecorator<string> {
      override readonly impl = (): TypeEngine<string> => new Suffix("ONE");
      override readonly cacheOk = true;
      override loadDialectImpl(dialect: DialectName) {
        return dialect === "sqlite" ? new Suffix("ONE") : new Suffix("TWO");
      }
      override processBindParam(value: string) {
        return "MYTYPE " + value;
      }
    }
    const t = new MyType();
    expect(t.bindProcessor("sqlite")!("foo")).toBe("MYTYPE foo ONE");
    expect(t.bindProcessor("postgresql")!("foo")).toBe("MYTYPE foo TWO");
  });

  it("test_typedecorator_schematype_constraint: a decorated Enum keeps its CHECK constraint and native type", () => {
    class B extends TypeDecorator<string> {
      override readonly impl = Enum(["a", "b"], { createConstraint: true });
      override readonly cacheOk = true;
    }
    const t1 = Table("t1", new MetaData(), { q: Column(new B()) });
    expect(new CreateTable(t1).compile({ dialect: sqliteDialect }).sql.replace(/\n/g, "")).toBe("CREATE TABLE t1 (\tq VARCHAR(1), \tCHECK (q IN ('a', 'b')))");
    class N extends TypeDecorator<string> {
      override readonly impl = Enum(["a", "b"], { name: "sa5a_mood" });
      override readonly cacheOk = true;
    }
    const n = new N();
    expect(n.compileType(PG)).toBe("sa5a_mood");
    expect(n.createTypeDDL!()).toBe("CREATE TYPE sa5a_mood AS ENUM ('a', 'b')");
    expect(n.dropTypeDDL!({ ifExists: true })).toBe("DROP TYPE IF EXISTS sa5a_mood");
    expect(new MyNewIntType().createTypeDDL).toBeUndefined();
    expect(new MyNewIntType().name).toBeUndefined();
  });
});

/** A String(50) decorator that tags values, standing in for SQLAlchemy's UTypeOne / UTypeTwo. */
class Tag extends TypeDecorator<string> {
  override readonly impl = String(50);
  override readonly cacheOk = true;
  constructor(readonly tag: string) {
    super();
  }
  override processBindParam(v: string) {
    return v + this.tag;
  }
}
class Foo extends TypeDecorator<string> {
  override readonly impl = String;
  override readonly cacheOk = true;
}

describe("TypeDecorator with variants (VariantBackendTest compile cases)", () => {
  it("test_type_decorator_compile_variant_one: a variant of a decorator", () => {
    expect(new Foo().withVariant(Integer(), "sqlite").compileType(LITE)).toBe("INTEGER");
    expect(new Foo().withVariant(Integer(), "sqlite").compileType(PG)).toBe("VARCHAR");
  });

  it("test_type_decorator_compile_variant_two: a decorator whose impl has variants", () => {
    class Bar extends TypeDecorator<string> {
      override readonly impl = new Tag("UONE").withVariant(new Tag("UTWO"), "postgresql");
      override readonly cacheOk = true;
    }
    const v = new Bar().withVariant(Integer(), "sqlite");
    expect(v.compileType(LITE)).toBe("INTEGER");
    expect(v.compileType(PG)).toBe("VARCHAR(50)");
    expect(new Bar().bindProcessor("postgresql")!("five")).toBe("fiveUTWO");
    expect(new Bar().bindProcessor("sqlite")!("five")).toBe("fiveUONE");
  });

  it("test_type_decorator_compile_variant_three: a decorator as the variant", () => {
    expect(Integer().withVariant(new Foo(), "postgresql").compileType(LITE)).toBe("INTEGER");
    expect(Integer().withVariant(new Foo(), "postgresql").compileType(PG)).toBe("VARCHAR");
  });
});

describe.each(dialectTargets())("TypeDecorator variant round trips on $name (VariantBackendTest)", (target) => {
  const pg = target.dialect === "postgresql";
  const vmd = new MetaData();
  class Bar extends TypeDecorator<string> {
    override readonly impl = new Tag("UONE").withVariant(new Tag("UTWO"), "postgresql");
    override readonly cacheOk = true;
  }
  const cases = [
    ["variant_one", new Foo().withVariant(Integer(), "postgresql"), pg ? [5, 6, 10] : ["five", "six", "ten"], undefined],
    ["variant_two", new Bar().withVariant(Integer(), "postgresql"), pg ? [5, 6, 10] : ["five", "six", "ten"], pg ? undefined : ["fiveUONE", "sixUONE", "tenUONE"]],
    ["variant_three", Integer().withVariant(new Foo(), "postgresql"), pg ? ["five", "six", "ten"] : [5, 6, 10], undefined],
  ] as const;
  const tables = cases.map(([name, type]) => Table(uniqueName(`sa5a_td_${name}`), vmd, { data: Column(type as TypeEngine<unknown>) }));
  let engine: AsyncEngine;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const d = await target.make();
    engine = createAsyncEngine(d.driver);
    cleanup = async () => {
      await engine.begin((conn) => vmd.dropAll(conn));
      await engine.dispose();
      await d.cleanup();
    };
    await engine.begin((conn) => vmd.createAll(conn));
  });
  afterAll(() => cleanup());

  it.each(cases.map((c, i) => [c[0], i] as const))("test_type_decorator_%s_roundtrip, plain and IN", async (_name, i) => {
    const [, , data, stored] = cases[i]!;
    const t = tables[i]!;
    const [all, inList] = await engine.begin(async (conn) => {
      await conn.execute(insert(t), data.map((x) => ({ data: x })));
      return [
        (await conn.execute(select(t).orderBy(t.c.data))).scalars().all(),
        (await conn.execute(select(t).where(t.c.data.in([...data] as never)).orderBy(t.c.data))).scalars().all(),
      ];
    });
    expect(all).toEqual(stored ?? data);
    // the IN list binds through the same processing as the INSERT did
    expect(inList).toEqual(stored ?? data);
  });
});

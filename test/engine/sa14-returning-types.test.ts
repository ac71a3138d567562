/**
 * SQLAlchemy's test/sql/test_returning.py cases about types in RETURNING, on PostgreSQL and
 * libSQL: a TypeDecorator's bind and result processing on returned columns (InsertReturningTest
 * test_column_targeting's goofy column, test_anon_expressions), `typeCoerce()` in RETURNING
 * (test_insert/update_returning_w_type_coerce_expression), a type's column expression applied to
 * RETURNING (test_plain_returning_column_expression), executemany with RETURNING expressions
 * (InsertManyReturningTest.test_insert_returning_w_expression) and
 * DeleteReturnDefaultsTest.test_delete_empty_return_defaults. The other classes of the file are
 * in sa3-returning-upsert, sa6i-return-defaults and sa7-inserted-pk-rows.
 *
 * Skipped:
 * - test_literal_returning: a driver-level SQL string (exec_driver_sql), no athanor construct.
 * - InsertManyReturningTest.test_iie_supported_but_not_this_statement: mocks SQLAlchemy's crud
 *   internals to veto "insertmanyvalues".
 * - test_no_executemany_w_no_implicit_returning: athanor has no implicit_returning=False tables.
 *
 * Known differences:
 * - `func.<name>()` takes no `type_` argument, so test_anon_expressions types the call with
 *   `typeCoerce(func.lower(goofy), new GoofyType())`; an untyped `func.lower(goofy)` is not
 *   given its argument's type (SQLAlchemy's generic functions do not either).
 */
import { describe, expect, it } from "vitest";
import {
  Boolean as Bool, Column, Integer, MetaData, String, Table, TypeDecorator, delete as delete_, func, insert, select, typeCoerce, update,
  type DialectName, type TypeEngine,
} from "../../src/index.js";
import { uniqueName } from "../fixtures/databases.js";
import { engineTargets, useTablesPerTest } from "./engine-targets.js";

/** SQLAlchemy's GoofyType: binds "FOO" + value, reads value + "BAR". */
class GoofyType extends TypeDecorator<string> {
  override readonly impl: TypeEngine<string> = String(50);
  override readonly cacheOk = true;
  override processBindParam(value: string | null): string | null {
    return value === null ? null : "FOO" + value;
  }
  override processResultValue(value: unknown): string {
    return value === null ? (value as unknown as string) : `${value as string}BAR`;
  }
}

/** A string whose selected form is lower(column) (SQLAlchemy's MyString.column_expression). */
class MyString extends TypeDecorator<string> {
  override readonly impl: TypeEngine<string> = String(50);
  override readonly cacheOk = true;
  override columnExpression(_dialect: DialectName, sql: string): string {
    return `lower(${sql})`;
  }
}

describe.each(engineTargets())("RETURNING with types on $name (test_returning.py)", (target) => {
  const md = new MetaData();
  const t = Table(uniqueName("returning_tbl"), md, {
    id: Column(Integer, { primaryKey: true }),
    persons: Column(Integer),
    full: Column(Bool),
    goofy: Column(new GoofyType()),
    strval: Column(String(50)),
  });
  const t1 = Table(uniqueName("some_table"), md, { name: Column(String(50)), value: Column(new MyString()) });
  const rd = Table(uniqueName("rd_t1"), md, { id: Column(Integer, { primaryKey: true }), upddef: Column(Integer, { onupdate: 8 }) });
  // SQLAlchemy's run_create_tables = "each": generated ids start at 1.
  const h = useTablesPerTest(target, md);
  const ids = () => h.engine.connect(async (conn) => (await conn.execute(select(t.c.id, t.c.goofy).orderBy(t.c.id))).all().map((r) => [...r]));

  it("test_column_targeting: a decorated column binds and reads through its processors", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(t).values({ persons: 5, full: true, goofy: "somegoofy" }).returning(t.c.persons, t.c.full, t.c.goofy));
      const row = r.first()!._mapping;
      expect(row.get(t.c.persons)).toBe(5);
      expect(row.get(t.c.goofy)).toBe(row.get("goofy"));
      expect(row.get("goofy")).toBe("FOOsomegoofyBAR");
    });
  });

  it("test_anon_expressions: a function typed as the decorator reads through it; arithmetic", async () => {
    await h.engine.begin(async (conn) => {
      // SQLAlchemy: func.lower(goofy, type_=GoofyType); see Known differences.
      const a = await conn.execute(insert(t).values({ goofy: "someOTHERgoofy" }).returning(typeCoerce(func.lower(t.c.goofy), new GoofyType())));
      expect([...a.first()!]).toEqual(["foosomeothergoofyBAR"]);
      const b = await conn.execute(insert(t).values({ persons: 12 }).returning(t.c.persons.add(18)));
      expect([...b.first()!]).toEqual([30]);
    });
  });

  it("test_insert_returning_w_type_coerce_expression: typeCoerce() to String skips the result processor", async () => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(t).returning(typeCoerce(t.c.goofy, String)), { persons: 5, goofy: "somegoofy" });
      expect(r.all().map((x) => [...x])).toEqual([["FOOsomegoofy"]]);
    });
    expect(await ids()).toEqual([[1, "FOOsomegoofyBAR"]]);
  });

  it("test_update_returning_w_type_coerce_expression", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(t), [{ persons: 5, goofy: "somegoofy1" }, { persons: 3, goofy: "somegoofy2" }]);
      const r = await conn.execute(update(t).where(t.c.persons.gt(4)).values({ goofy: "newgoofy" }).returning(typeCoerce(t.c.goofy, String)));
      expect(r.all().map((x) => [...x])).toEqual([["FOOnewgoofy"]]);
    });
    expect(await ids()).toEqual([[1, "FOOnewgoofyBAR"], [2, "FOOsomegoofy2BAR"]]);
  });

  it.each(["columns", "table"])("test_plain_returning_column_expression (%s): RETURNING applies the type's column expression", async (use) => {
    await h.engine.begin(async (conn) => {
      const base = insert(t1).values({ name: "n1", value: "ValUE1" });
      const stmt = use === "table" ? base.returning(t1) : base.returning(t1.c.name, t1.c.value);
      const row = (await conn.execute(stmt)).first()!._mapping;
      expect(row.get("name")).toBe("n1");
      expect(row.get("value")).toBe("value1");
    });
  });

  it.each([
    ["strval + 'hi'", () => [t.c.strval.concat("hi")], [["str1hi"], ["str2hi"], ["str3hi"]]],
    ["persons, full, strval + 'hi'", () => [t.c.persons, t.c.full, t.c.strval.concat("hi")], [[5, false, "str1hi"], [6, true, "str2hi"], [7, false, "str3hi"]]],
    ["persons, strval + 'hi', full", () => [t.c.persons, t.c.strval.concat("hi"), t.c.full], [[5, "str1hi", false], [6, "str2hi", true], [7, "str3hi", false]]],
    ["strval + 'hi', persons, full", () => [t.c.strval.concat("hi"), t.c.persons, t.c.full], [["str1hi", 5, false], ["str2hi", 6, true], ["str3hi", 7, false]]],
  ] as const)("InsertManyReturningTest.test_insert_returning_w_expression: %s over executemany", async (_n, exprs, expected) => {
    await h.engine.begin(async (conn) => {
      const r = await conn.execute(insert(t).returning(...(exprs() as [never])), [
        { persons: 5, full: false, strval: "str1" },
        { persons: 6, full: true, strval: "str2" },
        { persons: 7, full: false, strval: "str3" },
      ]);
      expect(r.all().map((x) => [...x])).toEqual(expected);
      const stored = (await conn.execute(select(t.c.id, t.c.strval).orderBy(t.c.id))).all().map((x) => [...x]);
      expect(stored).toEqual([[1, "str1"], [2, "str2"], [3, "str3"]]);
    });
  });

  it("DeleteReturnDefaultsTest.test_delete_empty_return_defaults: DELETE has no defaults, so null", async () => {
    await h.engine.begin(async (conn) => {
      await conn.execute(insert(rd).values({ id: 1, upddef: 5 }));
      const r = await conn.execute(delete_(rd).returnDefaults());
      expect(r.returnedDefaults).toBeNull();
      expect(await conn.scalar(select(func.count()).selectFrom(rd))).toBe(0);
    });
  });
});

/**
 * Bad input raises typed errors naming the culprit (ArgumentError at construction, CompileError
 * for structural mistakes found while compiling).
 */
import { describe, expect, it } from "vitest";
import {
  ArgumentError, CompileError, Column, DuplicateColumnError, Integer, InvalidRequestError, MetaData, String, Table, bindparam, case as case_, column, func, insert, select, text, update, values,
} from "../../../src/index.js";
import { compile, mytable, myothertable, schema } from "./helpers.js";

const t = mytable.c;
const { users, addresses } = schema();

function err(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

describe("FROM clauses", () => {
  it("a column passed to selectFrom/join/joinFrom", () => {
    const e = err(() => select(t.myid).selectFrom(t.myid as never));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toBe("selectFrom(): expected a table, alias, subquery or join; got column 'mytable.myid'");
    // A string is refused as SQLAlchemy does, pointing at text() / table().
    expect(err(() => select(t.myid).join("myothertable" as never)).message).toBe(
      "Textual SQL FROM expression 'myothertable' should be explicitly declared as text('myothertable'), or use table('myothertable') for more specificity",
    );
    expect(err(() => select(t.myid).joinFrom(mytable, 42 as never)).message).toMatch(/joinFrom\(\).*number 42/);
    expect(err(() => mytable.join(t.myid as never))).toBeInstanceOf(ArgumentError);
  });

  it("a SELECT used as a FROM without .subquery()", () => {
    const inner = select(t.myid);
    for (const fn of [() => select(t.myid).selectFrom(inner as never), () => select(t.myid).join(inner as never), () => mytable.join(inner as never), () => mytable.outerjoin(inner as never)]) {
      const e = err(fn);
      expect(e).toBeInstanceOf(ArgumentError);
      expect(e.message).toMatch(/subquery\(\)/);
    }
  });

  it("a SELECT used as a column", () => {
    const inner = select(t.myid);
    const e1 = err(() => select(inner as never));
    expect(e1).toBeInstanceOf(ArgumentError);
    expect(e1.message).toMatch(/argument 1 is a SELECT; call \.scalarSubquery\(\)/);
    const e2 = err(() => t.myid.eq(inner as never));
    expect(e2).toBeInstanceOf(ArgumentError);
    expect(e2.message).toMatch(/scalarSubquery\(\)/);
    expect(e2.message).toMatch(/mytable\.myid/);
    expect(err(() => func.max(inner)).message).toMatch(/scalarSubquery\(\)/);
    expect(err(() => select(t.myid).where(inner as never)).message).toMatch(/exists\(…\) or \.scalarSubquery\(\)/);
  });

  it("text() where a column is expected", () => {
    // SQLAlchemy 2.0 renders text() in the columns clause as written; a plain string is refused.
    expect(compile(select(text("x"))).sql).toBe("SELECT x");
    expect(err(() => select("x" as never)).message).toBe("Textual column expression 'x' should be explicitly declared with text('x'), or use column('x') for more specificity");
  });

  it("no foreign key to join on names both sides", () => {
    // SQLAlchemy 2.0: no FROM of the SELECT can join to the target.
    const e = err(() => compile(select(t.myid).join(myothertable)));
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect(e.message).toMatch(/^Don't know how to join to .*myothertable.*Please use the \.select_from\(\) method/);
  });
});

describe("DML values", () => {
  it("unknown keys in insert().values() / update().values() raise CompileError when compiled (SQLAlchemy's Unconsumed column names)", () => {
    const e = err(() => compile(insert(users).values({ nope: 1 } as never)));
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toBe("Unconsumed column names: nope");
    const e2 = err(() => compile(update(users).values({ bogus: 1 } as never)));
    expect(e2).toBeInstanceOf(CompileError);
    expect(e2.message).toBe("Unconsumed column names: bogus");
    expect(err(() => compile(insert(users).values([{ name: "a" }, { bad: 1 } as never]))).message).toBe("Unconsumed column names: bad");
  });

  it("unknown execution parameter keys for INSERT / UPDATE", () => {
    expect(err(() => insert(users).compile({ columnKeys: ["name", "zzz"] }))).toBeInstanceOf(CompileError);
    expect(err(() => insert(users).compile({ columnKeys: ["name", "zzz"] })).message).toMatch(/zzz/);
    expect(err(() => update(users).compile({ columnKeys: ["zzz"] })).message).toMatch(/zzz/);
  });

  it("a later multi-row values row may only leave out columns that have a default", () => {
    const e = err(() => compile(insert(users).values([{ id: 1, name: "a" }, { id: 2 }])));
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toBe("INSERT value for column users.name is explicitly rendered as a boundparameter in the VALUES clause; a Python-side value or SQL expression is required");
  });

  it("fromSelect column count mismatch", () => {
    expect(err(() => insert(addresses).fromSelect(["user_id"], select(users.c.id, users.c.name))).message).toMatch(/1 columns but the SELECT returns 2/);
  });

  it("UPDATE without values SETs every column from a parameter (SQLAlchemy's test_update_no_params)", () => {
    expect(update(users).compile().sql).toBe("UPDATE users SET id=:id, name=:name");
  });

  it("a DML target must be a table", () => {
    expect(err(() => insert(select(t.myid) as never)).message).toMatch(/subquery\(\)/);
    expect(err(() => insert(users.join(addresses) as never)).message).toMatch(/must be a table/);
  });
});

describe("compound selects and structural CompileErrors", () => {
  it("unequal column counts in UNION raise CompileError when compiled (SQLAlchemy 2.0)", () => {
    const e = err(() => compile(select(t.myid).union(select(t.myid, t.name))));
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toBe("All selectables passed to CompoundSelect must have identical numbers of columns; select #1 has 1 columns, select #2 has 2");
    expect(err(() => compile(select(t.myid).intersect(select(t.myid), select(t.myid, t.name)))).message).toMatch(/select #3 has 2/);
  });

  it("SELECT with no columns", () => {
    const e = err(() => compile(select()));
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toMatch(/no columns/);
  });

  it("a VALUES without rows", () => {
    const v = values([column("a", Integer())], { name: "v" });
    const e = err(() => compile(select(v)));
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toMatch(/VALUES construct 'v' has no rows/);
  });

  it("a row of the wrong width in values().data()", () => {
    // As SQLAlchemy, the row is checked when the VALUES is compiled.
    const v = values([column("a", Integer()), column("b", Integer())]).data([[1]]);
    expect(err(() => compile(select(v))).message).toBe("Wrong number of elements for 2-tuple: (1,)");
  });

  it("a bare table where a column expression is expected", () => {
    expect(err(() => compile(mytable))).toBeInstanceOf(CompileError);
    expect(err(() => compile(mytable)).message).toMatch(/mytable/);
  });

  it("conflicting bindparam names", () => {
    const e = err(() => compile(select(t.myid).where(t.myid.eq(bindparam("x", 1))).where(t.name.eq(bindparam("x", 2)))));
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toMatch(/'x' conflicts/);
  });

  it("required parameters missing at execution name the parameter", () => {
    const c = compile(insert(users), "sqlite");
    expect(err(() => c.construct(undefined, { id: 1 })).message).toMatch(/'name'/);
  });

  it("limit/offset, over() and case() arguments", () => {
    expect(err(() => select(t.myid).limit(-1))).toBeInstanceOf(ArgumentError);
    expect(err(() => select(t.myid).offset(1.5)).message).toMatch(/offset\(\) expects a non-negative integer; got number 1.5/);
    expect(err(() => func.rank().over({ rows: [null, 0], range: [null, 0] })).message).toMatch(/only one of 'rows', 'range', or 'groups' may be provided/);
    expect(err(() => case_([]))).toBeInstanceOf(ArgumentError);
    expect(err(() => t.name.contains(5 as never, { autoescape: true })).message).toMatch(/autoescape requires a string/);
  });

  it("table definitions", () => {
    const md = new MetaData();
    Table("dup", md, { id: Column(Integer, { primaryKey: true }) });
    expect(err(() => Table("dup", md, { id: Column(Integer, { primaryKey: true }) })).message).toMatch(/'dup' is already defined/);
    expect(err(() => Table("empty", md, {})).message).toMatch(/'empty' needs at least one column/);
    expect(err(() => String(0)).message).toMatch(/String length/);
  });

  it("two columns with one SQL name raise DuplicateColumnError (2.0's stricter rules for columns in Table objects)", () => {
    const md = new MetaData();
    const e = err(() => Table("twice", md, { x: Column(Integer), y: Column(Integer, { name: "x" }) }));
    expect(e).toBeInstanceOf(DuplicateColumnError);
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toBe("A column with name 'x' is already present in table 'twice'.");
    // Nothing was registered: the name is still free.
    expect(() => Table("twice", md, { x: Column(Integer), y: Column(Integer) })).not.toThrow();
  });
});

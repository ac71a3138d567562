/**
 * SQLAlchemy 2.0 DML value grouping, ported by behaviour from test/sql/test_update.py and
 * test_insert.py: SET and VALUES expressions are grouped as crud's `value.self_group()` does.
 */
import { describe, it } from "vitest";
import { bindparam, column, func, insert, literal, table, update } from "../../../src/index.js";
import { assertCompile, mytable } from "./helpers.js";

const foo = table("foo", column("x"), column("y"));

describe("SET and VALUES expressions are grouped", () => {
  it("UPDATE SET of an operator expression", () => {
    const u = update(foo).where(foo.c.x.eq(bindparam("x")));
    assertCompile(u.values({ x: literal(3).add(bindparam("x")) }), "UPDATE foo SET x=(:param_1 + :x) WHERE foo.x = :x");
    assertCompile(update(mytable).values({ name: mytable.c.name.concat("foo") }), "UPDATE mytable SET name=(mytable.name || :name_1)");
  });
  it("INSERT VALUES of an operator expression", () => {
    assertCompile(insert(foo).values({ x: literal(3).add(bindparam("x")) }), "INSERT INTO foo (x) VALUES ((:param_1 + :x))");
  });
  it("columns, functions and bound values are not grouped", () => {
    assertCompile(update(foo).values({ x: foo.c.y, y: func.now() }), "UPDATE foo SET x=foo.y, y=now()");
    assertCompile(insert(foo).values({ x: 5, y: func.now() }), "INSERT INTO foo (x, y) VALUES (:x, now())");
  });
  it("PostgreSQL numbers the grouped parameters in order", () => {
    assertCompile(update(mytable).values({ myid: mytable.c.myid.add(1) }).where(mytable.c.name.eq("n")), "UPDATE mytable SET myid=(mytable.myid + $1) WHERE mytable.name = $2", { dialect: "postgresql", positional: [1, "n"] });
  });
});

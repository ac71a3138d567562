/**
 * SQLAlchemy 2.0's PostgreSQL compiler forms, ported by behaviour from
 * test/dialect/postgresql/test_compiler.py: a lone OFFSET.
 */
import { describe, it } from "vitest";
import { select } from "../../../src/index.js";
import { assertCompile, mytable } from "./helpers.js";

describe("PostgreSQL LIMIT / OFFSET", () => {
  it("OFFSET without LIMIT renders LIMIT ALL", () => {
    assertCompile(select(mytable.c.myid).offset(20), "SELECT mytable.myid FROM mytable LIMIT ALL OFFSET $1", { dialect: "postgresql", positional: [20] });
  });
  it("LIMIT with or without OFFSET is unchanged", () => {
    assertCompile(select(mytable.c.myid).limit(5), "SELECT mytable.myid FROM mytable LIMIT $1", { dialect: "postgresql", positional: [5] });
    assertCompile(select(mytable.c.myid).limit(5).offset(2), "SELECT mytable.myid FROM mytable LIMIT $1 OFFSET $2", { dialect: "postgresql", positional: [5, 2] });
  });
  it("the default and SQLite dialects keep LIMIT -1", () => {
    assertCompile(select(mytable.c.myid).offset(20), "SELECT mytable.myid FROM mytable LIMIT -1 OFFSET :param_1");
    assertCompile(select(mytable.c.myid).offset(20), "SELECT mytable.myid FROM mytable LIMIT -1 OFFSET ?", { dialect: "sqlite" });
  });
});

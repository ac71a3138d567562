import { describe, expect, it } from "vitest";
import { DBAPIError, IntegrityError, DatabaseError, StatementError } from "../../src/errors.js";

describe("error hierarchy", () => {
  it("IntegrityError is a DatabaseError and a DBAPIError carrying SQL and params", () => {
    const e = new IntegrityError("duplicate key", { statement: "INSERT INTO t VALUES ($1)", params: [1], sqlstate: "23505" });
    expect(e).toBeInstanceOf(DatabaseError);
    expect(e).toBeInstanceOf(DBAPIError);
    expect(e.sqlstate).toBe("23505");
    expect(e.message).toBe("duplicate key\n[SQL: INSERT INTO t VALUES ($1)]\n[parameters: [1]]");
  });
  it("hides parameters when asked", () => {
    const e = new StatementError("boom", { statement: "SELECT $1", params: ["secret"], hideParameters: true });
    expect(e.message).not.toContain("secret");
    expect(e.params).toBeUndefined();
  });
});

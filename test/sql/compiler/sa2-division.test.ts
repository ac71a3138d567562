/**
 * SQLAlchemy 2.0 true division, ported by behaviour from test/sql/test_operators.py
 * (MathOperatorTest) and the SQLite compiler's `visit_truediv_binary`.
 */
import { describe, it } from "vitest";
import { column, Float, Integer, literal, Numeric } from "../../../src/index.js";
import { assertCompile } from "./helpers.js";

const i = column("i", Integer());
const f = column("f", Float());
const n = column("n", Numeric(10, 2));

describe("true division casts the divisor", () => {
  it("literal / literal", () => {
    assertCompile(literal(5).div(literal(5)), ":param_1 / CAST(:param_2 AS NUMERIC)", { params: { param_1: 5, param_2: 5 } });
  });
  it("an integer divisor is cast to NUMERIC whatever the dividend", () => {
    assertCompile(i.div(i), "i / CAST(i AS NUMERIC)");
    assertCompile(f.div(i), "f / CAST(i AS NUMERIC)");
    assertCompile(n.div(i), "n / CAST(i AS NUMERIC)", { dialect: "postgresql" });
  });
  it("a numeric or float divisor is cast to its own type", () => {
    assertCompile(i.div(f), "i / CAST(f AS FLOAT)");
    assertCompile(i.div(n), "i / CAST(n AS NUMERIC(10, 2))");
  });
  it("SQLite adds 0.0 to the divisor instead", () => {
    assertCompile(i.div(i), "i / (i + 0.0)", { dialect: "sqlite" });
    assertCompile(i.div(f), "i / (f + 0.0)", { dialect: "sqlite" });
    assertCompile(i.div(i.sub(1)), "i / ((i - ?) + 0.0)", { dialect: "sqlite" });
  });
  it("a compound divisor is grouped inside the CAST", () => {
    assertCompile(i.div(i.sub(f)), "i / CAST((i - f) AS NUMERIC)");
  });
});

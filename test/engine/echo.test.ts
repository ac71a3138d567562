import { afterEach, describe, expect, it, vi } from "vitest";
import { DISABLED_ECHO_LOGGER, createEchoLogger, reprParams, reprValue } from "../../src/engine/echo.js";

function capture(option: "debug" | true = true, hideParameters = false) {
  const lines: string[] = [];
  const sink = (l: string): void => void lines.push(l);
  const logger = option === true ? createEchoLogger(sink, { hideParameters }) : createEchoLogger(option, { sink, hideParameters });
  return { lines, logger };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("echo logger", () => {
  it("is the shared disabled logger when echo is off", () => {
    const logger = createEchoLogger(false);
    expect(logger).toBe(DISABLED_ECHO_LOGGER);
    expect(logger.enabled).toBe(false);
    const spy = vi.spyOn(console, "info").mockImplementation(() => {});
    logger.statement("SELECT 1", [], { cache: "raw", elapsedMs: 0 });
    logger.begin();
    expect(spy).not.toHaveBeenCalled();
  });

  it("writes statement and cache statistics lines like SQLAlchemy", () => {
    const { lines, logger } = capture();
    expect(logger.enabled).toBe(true);
    expect(logger.debug).toBe(false);
    logger.begin();
    logger.statement("SELECT users.id FROM users WHERE users.id = $1", [5], { cache: "generated", elapsedMs: 0.12 });
    logger.statement("SELECT users.id FROM users WHERE users.id = $1", [6], { cache: "cached", elapsedMs: 3200 });
    logger.statement("INSERT INTO t (a, b) VALUES (?, ?)", ["x", null], { cache: "no key", elapsedMs: 1.5 });
    logger.statement("select 1", undefined, { cache: "raw", elapsedMs: 0 });
    logger.commit();
    logger.rollback();
    logger.line("SAVEPOINT sa_savepoint_1");
    expect(lines).toEqual([
      "BEGIN (implicit)",
      "SELECT users.id FROM users WHERE users.id = $1",
      "[generated in 0.00012s] (5,)",
      "SELECT users.id FROM users WHERE users.id = $1",
      "[cached since 3.2s ago] (6,)",
      "INSERT INTO t (a, b) VALUES (?, ?)",
      "[no key 0.00150s] ('x', null)",
      "select 1",
      "[raw sql] ()",
      "COMMIT",
      "ROLLBACK",
      "SAVEPOINT sa_savepoint_1",
    ]);
  });

  it("hides parameters when asked", () => {
    const { lines, logger } = capture(true, true);
    logger.statement("SELECT $1", ["secret"], { cache: "cached", elapsedMs: 12345 });
    expect(lines).toEqual(["SELECT $1", "[cached since 12.35s ago] [SQL parameters hidden due to hideParameters=true]"]);
  });

  it("renders executemany parameter sets, bounded to 10 sets", () => {
    const { lines, logger } = capture();
    logger.statement("INSERT INTO t (a) VALUES ($1)", [[1], [2]], { cache: "generated", elapsedMs: 0.5, executemany: 2 });
    const many = Array.from({ length: 25 }, (_, i) => [i]);
    logger.statement("INSERT INTO t (a) VALUES ($1)", many, { cache: "cached", elapsedMs: 0.5, executemany: 25 });
    expect(lines[1]).toBe("[generated in 0.00050s] [(1,), (2,)]");
    expect(lines[3]).toBe(
      "[cached since 0.0005s ago] [(0,), (1,), (2,), (3,), (4,), (5,), (6,), (7,) ... displaying 10 of 25 total bound parameter sets ... (23,), (24,)]",
    );
  });

  it("logs result rows only in debug mode", () => {
    const info = capture();
    info.logger.rows(["id", "name"], [[1, "a"]]);
    expect(info.lines).toEqual([]);
    const dbg = capture("debug");
    expect(dbg.logger.debug).toBe(true);
    dbg.logger.rows(["id", "name"], [[1, "a"], [2, "it's"]]);
    expect(dbg.lines).toEqual(["Col ('id', 'name')", "Row (1, 'a')", "Row (2, 'it\\'s')"]);
  });

  it("defaults to console.info", () => {
    const spy = vi.spyOn(console, "info").mockImplementation(() => {});
    createEchoLogger(true).commit();
    expect(spy).toHaveBeenCalledWith("COMMIT");
  });
});

describe("parameter rendering", () => {
  it("renders scalar types", () => {
    expect(reprParams([1, 2.5, "a'b\n", null, undefined, true, 10n, new Uint8Array(16), new Date(0)])).toBe(
      "(1, 2.5, 'a\\'b\\n', null, undefined, true, 10n, <16 bytes>, Date(1970-01-01T00:00:00.000Z))",
    );
    expect(reprParams([])).toBe("()");
    expect(reprParams({ a: 1, b: "x" })).toBe("{'a': 1, 'b': 'x'}");
    expect(reprValue([1, [2, "x"], { k: 3n }])).toBe("[1, [2, 'x'], {'k': 3n}]");
  });

  it("truncates long strings in the middle", () => {
    const s = "a".repeat(200) + "b".repeat(200);
    // repr is 402 chars with quotes: keep 150 at each end
    expect(reprValue(s)).toBe(`'${"a".repeat(149)} ... (102 characters truncated) ... ${"b".repeat(149)}'`);
  });

  it("truncates long parameter lists to 10", () => {
    const params = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(reprParams(params)).toBe("(1, 2, 3, 4, 5 ... 90 parameters truncated ... 96, 97, 98, 99, 100)");
    const long = Array.from({ length: 50 }, (_, i) => i);
    expect(reprValue(long)).toBe("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ... 40 more]");
  });
});

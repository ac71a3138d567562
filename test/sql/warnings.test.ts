import { afterEach, describe, expect, it, vi } from "vitest";
import { ArgumentError } from "../../src/errors.js";
import {
  AthanorDeprecationWarning,
  AthanorWarning,
  CartesianProductWarning,
  type WarningInfo,
  warn,
  warnings,
} from "../../src/warnings.js";

afterEach(() => {
  warnings.reset();
  vi.restoreAllMocks();
});

const cartesian = (): CartesianProductWarning =>
  new CartesianProductWarning('SELECT statement has a cartesian product between FROM element(s) "b" and FROM element "a"');

describe("warnings", () => {
  it("warning classes form a hierarchy of Errors", () => {
    const w = cartesian();
    expect(w).toBeInstanceOf(AthanorWarning);
    expect(w).toBeInstanceOf(Error);
    expect(w.name).toBe("CartesianProductWarning");
    expect(new AthanorDeprecationWarning("x").name).toBe("AthanorDeprecationWarning");
  });

  it("by default prints each distinct message once to console.warn", () => {
    const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
    warn(cartesian());
    warn(cartesian());
    warn(new AthanorDeprecationWarning("old API"));
    warn("plain message");
    expect(spy.mock.calls).toEqual([
      ['CartesianProductWarning: SELECT statement has a cartesian product between FROM element(s) "b" and FROM element "a"'],
      ["AthanorDeprecationWarning: old API"],
      ["AthanorWarning: plain message"],
    ]);
  });

  it('"always" prints every occurrence', () => {
    const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
    warnings.filter("always");
    warn("again");
    warn("again");
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('"error" throws the warning instance of the right class', () => {
    warnings.filter("error", CartesianProductWarning);
    const w = cartesian();
    let thrown: unknown;
    try {
      warn(w);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBe(w);
    expect(thrown).toBeInstanceOf(CartesianProductWarning);
    // other categories are unaffected
    expect(warnings.catch(() => warn(new AthanorDeprecationWarning("dep")))).toHaveLength(1);
  });

  it("the most recent matching filter wins; removing a filter restores the previous one", () => {
    warnings.filter("error");
    const undo = warnings.filter("ignore", CartesianProductWarning);
    expect(warnings.catch(() => warn(cartesian()))).toEqual([]);
    expect(() => warn(new AthanorDeprecationWarning("dep"))).toThrow(AthanorDeprecationWarning);
    undo();
    expect(() => warn(cartesian())).toThrow(CartesianProductWarning);
  });

  it('"ignore" silences listeners and console', () => {
    const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
    const got: AthanorWarning[] = [];
    warnings.filter("ignore", AthanorDeprecationWarning);
    warn(new AthanorDeprecationWarning("dep"));
    warnings.onWarning((w) => void got.push(w));
    warn(new AthanorDeprecationWarning("dep"));
    expect(spy).not.toHaveBeenCalled();
    expect(got).toEqual([]);
  });

  it('"once" delivers only the first occurrence of each message', () => {
    warnings.filter("once");
    const caught = warnings.catch(() => {
      warn("a");
      warn("a");
      warn("b");
      warn(new CartesianProductWarning("a")); // different category, different key
    });
    expect(caught.map((w) => `${w.name}: ${w.message}`)).toEqual([
      "AthanorWarning: a",
      "AthanorWarning: b",
      "CartesianProductWarning: a",
    ]);
  });

  it("listeners replace console output; unsubscribe restores it", () => {
    const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
    const got: [string, WarningInfo][] = [];
    const off = warnings.onWarning((w, info) => void got.push([w.message, info]));
    warn("x");
    warn("x");
    expect(got).toEqual([
      ["x", { action: "default", firstOccurrence: true }],
      ["x", { action: "default", firstOccurrence: false }],
    ]);
    expect(spy).not.toHaveBeenCalled();
    off();
    warn("y");
    expect(spy).toHaveBeenCalledWith("AthanorWarning: y");
  });

  it("catch records every occurrence, suppresses output and restores filters", async () => {
    const spy = vi.spyOn(console, "warn").mockImplementation(() => {});
    const caught = warnings.catch(() => {
      warnings.filter("error", AthanorDeprecationWarning);
      warn(cartesian());
      warn(cartesian());
    });
    expect(caught).toHaveLength(2);
    expect(caught[0]).toBeInstanceOf(CartesianProductWarning);
    expect(spy).not.toHaveBeenCalled();
    // the filter added inside catch is gone
    expect(warnings.catch(() => warn(new AthanorDeprecationWarning("d")))).toHaveLength(1);

    const asyncCaught = await warnings.catch(async () => {
      await Promise.resolve();
      warn("async one");
    });
    expect(asyncCaught.map((w) => w.message)).toEqual(["async one"]);
    await expect(
      warnings.catch(async () => {
        throw new Error("inner");
      }),
    ).rejects.toThrow("inner");
    // after a failing catch nothing is captured anymore
    warn("after");
    expect(spy).toHaveBeenCalledWith("AthanorWarning: after");
  });

  it("rejects bad filters", () => {
    // @ts-expect-error not an action
    expect(() => warnings.filter("loud")).toThrow(
      new ArgumentError("Unknown warning filter action 'loud'; expected one of default, error, ignore, once, always"),
    );
    // @ts-expect-error Error is not an AthanorWarning class
    expect(() => warnings.filter("error", Error)).toThrow(ArgumentError);
    expect(() => warnings.filter("error", RangeError as never)).toThrow(
      "Warning filter category must be AthanorWarning or one of its subclasses",
    );
  });
});

import { describe, expect, expectTypeOf, it } from "vitest";
import { ArgumentError, InvalidRequestError } from "../../src/errors.js";
import {
  type ConnectionEvents,
  type ExceptionContext,
  DISPATCH,
  Dispatcher,
  connectionEventSpecs,
  connectionEventSpecsFor,
  event,
} from "../../src/engine/events.js";

class FakeConnection {
  readonly [DISPATCH]: Dispatcher<ConnectionEvents<FakeConnection, FakeEngine>>;
  constructor(readonly engine: FakeEngine) {
    this[DISPATCH] = engine[DISPATCH].child("FakeConnection");
  }
}

class FakeEngine {
  readonly [DISPATCH] = new Dispatcher(connectionEventSpecsFor<FakeConnection, FakeEngine>(), {
    targetName: "FakeEngine",
  });
  connect(): FakeConnection {
    return new FakeConnection(this);
  }
}

type Ev = {
  ping(n: number): void;
  rewrite(s: string, n: number): string | void;
  load(n: number): Promise<void> | void;
};
const evSpecs = {
  ping: {},
  rewrite: { retval: "optIn", chain: ([, n]: [string, number], s: string): [string, number] => [s, n] },
  load: {},
} as const;
class Target {
  readonly [DISPATCH] = new Dispatcher<Ev>(evSpecs, { targetName: "Target" });
}

describe("event.listen / fire", () => {
  it("fires listeners in registration order; insert prepends", () => {
    const t = new Target();
    const calls: string[] = [];
    event.listen(t, "ping", (n) => calls.push(`a${n}`));
    event.listen(t, "ping", (n) => calls.push(`b${n}`));
    event.listen(t, "ping", (n) => calls.push(`first${n}`), { insert: true });
    t[DISPATCH].fire("ping", 1);
    expect(calls).toEqual(["first1", "a1", "b1"]);
  });

  it("once listeners run a single time", () => {
    const t = new Target();
    const calls: number[] = [];
    event.listen(t, "ping", (n) => calls.push(n), { once: true });
    event.listen(t, "ping", (n) => calls.push(n * 10));
    t[DISPATCH].fire("ping", 1);
    t[DISPATCH].fire("ping", 2);
    expect(calls).toEqual([1, 10, 20]);
  });

  it("ignores duplicate registration of the same function", () => {
    const t = new Target();
    const calls: number[] = [];
    const fn = (n: number): void => void calls.push(n);
    event.listen(t, "ping", fn);
    event.listen(t, "ping", fn);
    t[DISPATCH].fire("ping", 7);
    expect(calls).toEqual([7]);
  });

  it("remove and contains", () => {
    const t = new Target();
    const fn = (): void => {};
    expect(event.contains(t, "ping", fn)).toBe(false);
    expect(t[DISPATCH].has("ping")).toBe(false);
    event.listen(t, "ping", fn);
    expect(event.contains(t, "ping", fn)).toBe(true);
    expect(t[DISPATCH].has("ping")).toBe(true);
    event.remove(t, "ping", fn);
    expect(event.contains(t, "ping", fn)).toBe(false);
    expect(t[DISPATCH].has("ping")).toBe(false);
    expect(() => event.remove(t, "ping", fn)).toThrow(
      new InvalidRequestError("No listener registered for event 'ping' on Target with that function"),
    );
  });

  it("listensFor registers and returns the function", () => {
    const t = new Target();
    const seen: number[] = [];
    const fn = event.listensFor(t, "ping")((n: number) => void seen.push(n));
    t[DISPATCH].fire("ping", 3);
    expect(seen).toEqual([3]);
    expect(event.contains(t, "ping", fn)).toBe(true);
  });

  it("unknown event names raise ArgumentError listing the valid ones", () => {
    const t = new Target();
    const msg = "No such event 'pong' for Target; valid events: ping, rewrite, load";
    // @ts-expect-error "pong" is not an event of Target
    expect(() => event.listen(t, "pong", () => {})).toThrow(new ArgumentError(msg));
    // @ts-expect-error "pong" is not an event of Target
    expect(() => event.listensFor(t, "pong")).toThrow(msg);
    expect(() => event.listen({} as Target, "ping", () => {})).toThrow(
      "No event dispatcher on object of type Object; it is not an event target",
    );
  });

  it("retval listeners chain their return values; others' are ignored", () => {
    const t = new Target();
    const seen: string[] = [];
    event.listen(t, "rewrite", (s) => `${s}-ignored`);
    event.listen(t, "rewrite", (s) => `${s}+a`, { retval: true });
    event.listen(t, "rewrite", (s) => void seen.push(s));
    event.listen(t, "rewrite", (s, n) => `${s}+b${n}`, { retval: true });
    expect(t[DISPATCH].fire("rewrite", "x", 1)).toBe("x+a+b1");
    expect(seen).toEqual(["x+a"]);
    expect(() => event.listen(t, "ping", () => {}, { retval: true })).toThrow(
      "Event 'ping' on Target does not use listener return values; retval: true is not accepted",
    );
  });

  it("fire refuses async listeners; fireAsync awaits them in order", async () => {
    const t = new Target();
    const calls: string[] = [];
    event.listen(t, "load", async (n) => {
      await new Promise((r) => setTimeout(r, 10));
      calls.push(`slow${n}`);
    });
    event.listen(t, "load", (n) => void calls.push(`fast${n}`));
    await t[DISPATCH].fireAsync("load", 1);
    expect(calls).toEqual(["slow1", "fast1"]);
    expect(() => t[DISPATCH].fire("load", 2)).toThrow(InvalidRequestError);
  });

  it("listener errors propagate", () => {
    const t = new Target();
    event.listen(t, "ping", () => {
      throw new Error("boom");
    });
    expect(() => t[DISPATCH].fire("ping", 1)).toThrow("boom");
  });
});

describe("ConnectionEvents and child dispatchers", () => {
  it("engine listeners hear connections; connection-local listeners fire first", () => {
    const engine = new FakeEngine();
    const calls: string[] = [];
    event.listen(engine, "begin", () => void calls.push("engine"));
    const c1 = engine.connect();
    const c2 = engine.connect();
    event.listen(c1, "begin", () => void calls.push("c1"));
    expect(c2[DISPATCH].has("begin")).toBe(true);
    expect(c2[DISPATCH].has("commit")).toBe(false);
    c1[DISPATCH].fire("begin", c1);
    c2[DISPATCH].fire("begin", c2);
    expect(calls).toEqual(["c1", "engine", "engine"]);
    // listeners added to the engine later apply to existing connections
    event.listen(engine, "commit", () => void calls.push("commit"));
    c2[DISPATCH].fire("commit", c2);
    expect(calls.at(-1)).toBe("commit");
    // a connection-level listener is not on the engine
    expect(engine[DISPATCH].has("rollback")).toBe(false);
  });

  it("a once listener on the engine runs once across connections", () => {
    const engine = new FakeEngine();
    let n = 0;
    event.listen(engine, "engineConnect", () => void n++, { once: true });
    engine.connect()[DISPATCH].fire("engineConnect", engine.connect());
    const c = engine.connect();
    c[DISPATCH].fire("engineConnect", c);
    expect(n).toBe(1);
  });

  it("beforeCursorExecute with retval replaces statement and parameters, typed from the map", async () => {
    const engine = new FakeEngine();
    const seen: string[] = [];
    event.listen(
      engine,
      "beforeCursorExecute",
      (conn, cursor, statement, parameters, context, executemany) => {
        expectTypeOf(conn).toEqualTypeOf<FakeConnection>();
        expectTypeOf(cursor).toEqualTypeOf<unknown>();
        expectTypeOf(statement).toEqualTypeOf<string>();
        expectTypeOf(parameters).toEqualTypeOf<readonly unknown[]>();
        expectTypeOf(context).toEqualTypeOf<unknown>();
        expectTypeOf(executemany).toEqualTypeOf<boolean>();
        return [`/* traced */ ${statement}`, [...parameters, 2]] as const;
      },
      { retval: true },
    );
    event.listen(engine, "beforeCursorExecute", (_c, _cur, statement, parameters) => {
      seen.push(`${statement} ${JSON.stringify(parameters)}`);
    });
    const conn = engine.connect();
    const out = await conn[DISPATCH].fireAsync("beforeCursorExecute", conn, null, "SELECT $1", [1], null, false);
    expect(out).toEqual(["/* traced */ SELECT $1", [1, 2]]);
    expect(seen).toEqual(["/* traced */ SELECT $1 [1,2]"]);
    // @ts-expect-error statement is a string, not a number
    event.listen(engine, "beforeCursorExecute", (_c: unknown, _cur: unknown, _s: number) => {});
  });

  it("handleError listeners may return a replacement error without retval", () => {
    const d = new Dispatcher<ConnectionEvents>(connectionEventSpecs, { targetName: "Engine" });
    class MyError extends Error {}
    d.listen("handleError", (ctx: ExceptionContext) => {
      if (ctx.isDisconnect) return new MyError(`wrapped: ${String(ctx.originalException)}`);
    });
    const replaced = d.fire("handleError", { originalException: "lost", isDisconnect: true });
    expect(replaced).toBeInstanceOf(MyError);
    expect(replaced?.message).toBe("wrapped: lost");
    expect(d.fire("handleError", { originalException: "x", isDisconnect: false })).toBeUndefined();
  });

  it("lists every ConnectionEvents name", () => {
    expect(new FakeEngine()[DISPATCH].eventNames).toEqual([
      "beforeExecute",
      "afterExecute",
      "beforeCursorExecute",
      "afterCursorExecute",
      "handleError",
      "begin",
      "commit",
      "rollback",
      "savepoint",
      "rollbackSavepoint",
      "releaseSavepoint",
      "engineConnect",
      "engineDisposed",
      "close",
    ]);
  });
});

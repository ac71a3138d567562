/**
 * Type-level tests of the object-level ORM helpers: objectSession() / AsyncSession.objectSession()
 * give an AsyncSession or null, makeTransient*() take mapped objects, getHistory() accepts only
 * the object's own keys, and inspect(obj).attrs gives AttributeStates whose history is a History.
 */
import { describe, expectTypeOf, it } from "vitest";
import {
  AsyncSession, AttributeState, DeclarativeBase, getHistory, History, inspect, Integer, makeTransient, makeTransientToDetached,
  mappedColumn, NO_VALUE, objectSession, String, type NoValue,
} from "../../src/index.js";

class Base extends DeclarativeBase {}
class User extends Base.model("toa_user", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(String(30)),
}) {}

describe("ORM object helpers", () => {
  it("objectSession() and inspect().session give AsyncSession | null", () => {
    const u = new User({ name: "x" });
    expectTypeOf(objectSession(u)).toEqualTypeOf<AsyncSession | null>();
    expectTypeOf(AsyncSession.objectSession(u)).toEqualTypeOf<AsyncSession | null>();
    expectTypeOf(inspect(u).session).toEqualTypeOf<AsyncSession | null>();
    expectTypeOf(inspect(u).asyncSession).toEqualTypeOf<AsyncSession | null>();
    expectTypeOf(makeTransient).parameter(0).toEqualTypeOf<object>();
    expectTypeOf(makeTransientToDetached(u)).toEqualTypeOf<void>();
  });

  it("getHistory() takes the object's keys only; attrs give AttributeState", () => {
    const u = new User({ name: "x" });
    expectTypeOf(getHistory(u, "name")).toEqualTypeOf<History>();
    // @ts-expect-error not an attribute of User
    getHistory(u, "nmae");
    const a = inspect(u).attrs.name;
    expectTypeOf(a).toEqualTypeOf<AttributeState>();
    expectTypeOf(a.history.added).toEqualTypeOf<readonly unknown[]>();
    expectTypeOf(NO_VALUE).toEqualTypeOf<NoValue>();
    // @ts-expect-error attrs is read-only
    inspect(u).attrs.name = a;
  });
});

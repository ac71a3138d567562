/**
 * SQLAlchemy's test/orm/test_session.py SessionInterface, ported: every session method taking
 * an instance raises UnmappedInstanceError for a non-mapped object, a primitive, a class
 * (mapped or not); and the join_transaction_mode check.
 */
import { describe, expect, it } from "vitest";
import { ArgumentError, AsyncSession, UnmappedInstanceError } from "athanor";
import { dialectTargets } from "../../fixtures/databases.js";
import { defineModels, useDb } from "./models.js";

const M = defineModels("sa3_iface");
const { User } = M;

describe.each(dialectTargets().slice(1))("session interface guards (SQLAlchemy SessionInterface) on $name", (target) => {
  const db = useDb(target, M);

  async function instanceGuards(arg: unknown): Promise<void> {
    const s = db.session();
    const a = arg as object;
    for (const [name, call] of [
      ["contains", () => s.contains(a)],
      ["isModified", () => s.isModified(a)],
      ["add", () => s.add(a)],
      ["delete", () => s.delete(a)],
      ["expire", () => s.expire(a)],
      ["expunge", () => s.expunge(a)],
      ["addAll", () => s.addAll([a])],
      ["deleteAll", () => s.deleteAll([a])],
    ] as const) {
      expect(call, name).toThrow(UnmappedInstanceError);
    }
    await expect(s.merge(a)).rejects.toThrow(UnmappedInstanceError);
    await expect(s.mergeAll([a])).rejects.toThrow(UnmappedInstanceError);
    await expect(s.refresh(a)).rejects.toThrow(UnmappedInstanceError);
    await s.close();
  }

  it("test_unmapped_instance", async () => {
    class Unmapped {}
    await instanceGuards(new Unmapped());
    await using s = db.session();
    expect(() => s.add(new Unmapped())).toThrow(/^Class 'Unmapped' is not mapped$/);
  });

  it("test_unmapped_primitives", async () => {
    for (const prim of ["doh", 123, ["t", "u", "p", "l", "e"]]) await instanceGuards(prim);
  });

  it("test_unmapped_class_for_instance", async () => {
    class Unmapped {}
    await instanceGuards(Unmapped);
  });

  it("test_mapped_class_for_instance", async () => {
    await instanceGuards(User);
  });

  it("test_join_transaction_mode: an unknown mode raises ArgumentError", async () => {
    await db.engine.connect(async (conn) => {
      expect(() => new AsyncSession(conn, { joinTransactionMode: "bogus" as never })).toThrow(ArgumentError);
      expect(() => new AsyncSession(conn, { joinTransactionMode: "bogus" as never })).toThrow('invalid selection for join_transaction_mode: "bogus"');
    });
  });
});

/**
 * Select's generative methods copy the statement they are called on (statements are immutable):
 * every field but the one the method changes must reach the copy. Select.gen copies field by
 * field, so a field added to Select without being added to the copy would be lost; these tests
 * set every own field of a statement to a distinct marker and check each one survives.
 */
import { describe, expect, it } from "vitest";
import { column, select, table } from "../../../src/index.js";

const t = table("t", column("a"), column("b"));

describe("Select generative copies", () => {
  it("where() keeps every other own field of the statement", () => {
    const base = select(t.c.a).orderBy(t.c.b).limit(3).options("opt").executionOptions({ populateExisting: true });
    const marked = Object.create(Object.getPrototypeOf(base) as object) as Record<string, unknown>;
    Object.assign(marked, base);
    const markers = new Map<string, unknown>();
    for (const k of Object.keys(marked)) {
      // Fields the engine reads as they were set by the constructor are left as they are.
      // `_keyMemo` is the statement's own cache key: a copy computes its own.
      if (k === "kind" || k === "_isSelectStatement" || k === "_expanded" || k === "_keyMemo" || k === "whereCriteria") continue;
      const m = { marker: k };
      markers.set(k, m);
      marked[k] = m;
    }
    expect(markers.size).toBeGreaterThan(20);
    const copy = (marked as unknown as typeof base).where(t.c.a.eq(1)) as unknown as Record<string, unknown>;
    for (const [k, m] of markers) expect({ field: k, value: copy[k] }).toEqual({ field: k, value: m });
    expect((copy.whereCriteria as unknown[]).length).toBe(1);
    expect(Object.keys(copy).sort()).toEqual(Object.keys(base).sort());
  });

  it("the copy compiles the same statement plus the new criterion", () => {
    const s = select(t.c.a).orderBy(t.c.b).limit(3);
    expect(s.where(t.c.a.eq(1)).compile().sql).toBe(select(t.c.a).where(t.c.a.eq(1)).orderBy(t.c.b).limit(3).compile().sql);
    expect(s.compile().sql).not.toContain("WHERE");
  });
});

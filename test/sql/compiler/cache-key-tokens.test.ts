/**
 * Cache keys are sequences of interned token ids (src/sql/cache-key.ts): equal structure gives
 * equal keys, different structure different keys, also across the token table's reset and for
 * statements far larger than one `String.fromCharCode` call takes.
 */
import { describe, expect, it } from "vitest";
import { column, literalColumn, select, table, text } from "../../../src/index.js";
import { generateCacheKey } from "../../../src/sql/cache-key.js";

const key = (s: Parameters<typeof generateCacheKey>[0]) => generateCacheKey(s).key;
const t = table("t", column("a"), column("b"));

describe("interned cache keys", () => {
  it("token boundaries cannot be forged by the token text", () => {
    expect(key(select(literalColumn("a"), literalColumn("bc")))).not.toBe(key(select(literalColumn("ab"), literalColumn("c"))));
    expect(key(select(literalColumn("a"), literalColumn("")))).not.toBe(key(select(literalColumn(""), literalColumn("a"))));
  });

  it("bound values stay out of the key; the binds come back in order", () => {
    const a = generateCacheKey(select(t).where(t.c.a.eq(1), t.c.b.eq("x")));
    const b = generateCacheKey(select(t).where(t.c.a.eq(2), t.c.b.eq("y")));
    expect(a.key).toBe(b.key);
    expect(b.binds.map((x) => x.value)).toEqual([2, "y"]);
    expect(a.key).not.toBe(key(select(t).where(t.c.b.eq("x"), t.c.a.eq(1))));
  });

  it("a statement with tens of thousands of tokens gets a key, equal for equal structure", () => {
    const cols = Array.from({ length: 30_000 }, (_, i) => literalColumn(`c${i}`));
    const k1 = key(select(...cols));
    expect(k1.length).toBeGreaterThan(30_000);
    expect(key(select(...cols))).toBe(k1);
    expect(key(select(...cols.slice(1)))).not.toBe(k1);
  });

  it("long tokens are written out, not interned, and still keep their boundaries", () => {
    const long = "x".repeat(200);
    expect(key(text(`SELECT '${long}'`))).toBe(key(text(`SELECT '${long}'`)));
    expect(key(select(literalColumn(long), literalColumn("y")))).not.toBe(key(select(literalColumn(`${long}y`))));
    expect(key(select(literalColumn(long + "a")))).not.toBe(key(select(literalColumn(long + "b"))));
  });

  it("after the token table is emptied, keys of the new generation never equal older ones", () => {
    const stmt = () => select(t).where(t.c.a.eq(1));
    const before = key(stmt());
    expect(key(stmt())).toBe(before);
    // Enough distinct literal SQL to pass the table's limit (65,536 tokens) and make it reset.
    for (let i = 0; i < 70_000; i++) key(text(`SELECT ${i}`));
    const after = key(stmt());
    expect(after).not.toBe(before);
    expect(key(stmt())).toBe(after);
  });
});

/**
 * WeakIdentityMap with a chunk link (as the session creates it): settle() weakens the young
 * entries of dense integer keys through one WeakRef per chunk of objects instead of one per
 * object. Lookups must see exactly what a plain map would; a collected chunk drops its entries;
 * an object kept alive keeps its chunk (and so its chunk mates) with it, and nothing more.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { WeakIdentityMap, type ChunkLink } from "../../../src/orm/identity-map.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const CHUNK_OF = Symbol("chunk");
/** The test objects hold their chunk as a mapped object's state does. */
const link: ChunkLink = (obj, chunk) => {
  (obj as { [CHUNK_OF]?: unknown })[CHUNK_OF] = chunk;
};
const chunkOf = (obj: object): readonly object[] | undefined => (obj as { [CHUNK_OF]?: readonly object[] })[CHUNK_OF];

describe("WeakIdentityMap chunked settling", () => {
  it("links dense entries to shared chunks of at most 256 objects, in key order", () => {
    const map = new WeakIdentityMap(link);
    const objs = Array.from({ length: 600 }, (_, i) => ({ i }));
    objs.forEach((o, i) => map.addByIdentity(1, i, o));
    map.settle();
    objs.forEach((o, i) => expect(map.getByIdentity(1, i)).toBe(o));
    // The first 64 inserts of a task take their own WeakRef at once (no chunk).
    expect(chunkOf(objs[0]!)).toBeUndefined();
    const first = chunkOf(objs[64]!)!;
    expect(first).toHaveLength(256);
    expect(first[0]).toBe(objs[64]);
    expect(chunkOf(objs[64 + 255]!)).toBe(first);
    expect(chunkOf(objs[64 + 256]!)).not.toBe(first);
    expect(chunkOf(objs[599]!)).toHaveLength(600 - 64 - 512);
    expect(new Set(map.values())).toEqual(new Set(objs));
  });

  it("a collected chunk's entries read as absent; a kept object keeps only its own chunk", async () => {
    const map = new WeakIdentityMap(link);
    let kept: object | undefined;
    (() => {
      for (let i = 0; i < 1000; i++) {
        const o = { i };
        if (i === 100) kept = o;
        map.addByIdentity(2, i, o);
      }
      map.settle();
    })();
    await nextTask();
    gc();
    expect(map.getByIdentity(2, 100)).toBe(kept);
    // 100's chunk mates (64 … 319) live with it; the other chunks are gone.
    expect((map.getByIdentity(2, 319) as { i: number } | undefined)?.i).toBe(319);
    expect(map.getByIdentity(2, 320)).toBeUndefined();
    expect(map.getByIdentity(2, 999)).toBeUndefined();
    expect(map.getByIdentity(2, 3)).toBeUndefined();
    expect(map.get("2\u0001100")).toBe(kept);
  });

  it("replacing, deleting and re-adding chunked keys behaves as a plain map", () => {
    const map = new WeakIdentityMap(link);
    const objs = Array.from({ length: 400 }, (_, i) => ({ i }));
    objs.forEach((o, i) => map.addByIdentity(3, i, o));
    map.settle();
    const other = { other: true };
    map.set("3\u0001200", other);
    expect(map.getByIdentity(3, 200)).toBe(other);
    expect(map.getByIdentity(3, 201)).toBe(objs[201]);
    expect(map.delete("3\u0001201")).toBe(true);
    expect(map.getByIdentity(3, 201)).toBeUndefined();
    // Setting the object a chunked entry already holds changes nothing.
    map.set("3\u0001202", objs[202]!);
    expect(map.size).toBe(399);
    map.settle();
    expect(map.getByIdentity(3, 200)).toBe(other);
    expect(map.drain()).toHaveLength(399);
    expect(map.size).toBe(0);
  });

  it("keys turning sparse move chunked entries into the map with a WeakRef each, still found", () => {
    const map = new WeakIdentityMap(link);
    const objs = Array.from({ length: 300 }, (_, i) => ({ i }));
    objs.forEach((o, i) => map.addByIdentity(4, 1000 + i, o));
    map.settle();
    const far = { far: true };
    map.addByIdentity(4, 10_000_000, far); // far past the array: the bucket turns into a map
    objs.forEach((o, i) => expect(map.getByIdentity(4, 1000 + i)).toBe(o));
    expect(map.getByIdentity(4, 10_000_000)).toBe(far);
    expect(map.get("4\u00011299")).toBe(objs[299]);
  });

  it("agrees with a plain Map over mixed keys with settles in between", () => {
    let seed = 777;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const keyOf = (): string => {
      const r = rnd(10);
      if (r < 6) return `${rnd(2000)}`;
      if (r < 7) return `${rnd(1_000_000)}`;
      if (r < 8) return `${-rnd(50)}`;
      if (r < 9) return `k${rnd(100)}`;
      return `${rnd(30)}\u0001${rnd(3)}`;
    };
    const map = new WeakIdentityMap(link);
    const model = new Map<string, object>();
    for (let step = 0; step < 20000; step++) {
      const key = `${1 + rnd(2)}\u0001${keyOf()}`;
      const op = rnd(10);
      if (op < 5) {
        const o = { key };
        map.set(key, o);
        model.set(key, o);
      } else if (op < 7) expect(map.delete(key)).toBe(model.delete(key));
      else expect(map.get(key)).toBe(model.get(key));
      if (step % 997 === 0) map.settle();
    }
    for (const [k, o] of model) expect(map.get(k)).toBe(o);
    expect(map.size).toBe(model.size);
    expect(new Set(map.values())).toEqual(new Set(model.values()));
  });
});

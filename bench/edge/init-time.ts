/**
 * Module initialisation in workerd. workerd freezes a Worker's clocks while it runs code, so
 * the time is taken in Node: a small harness Worker calls an outbound service (answered in
 * Node, which notes `performance.now()`), dynamically imports the bundled Worker module
 * (parse, compile, evaluate: athanor, the app, the driver package), then calls the service
 * again. The same with an empty module gives the baseline (two outbound round trips); the
 * difference is the module's initialisation. A module is evaluated once per isolate, so each
 * sample is a fresh Miniflare instance. Medians of `runs` samples, and minimums: on a machine
 * shared with other work the median moves by tens of milliseconds between runs, while the
 * minimum (the least-disturbed sample) stays close to the module's own cost.
 *
 * Why not "new Miniflare → first response": with `scriptPath`, miniflare scans the bundle for
 * imports with a JavaScript parser in Node before workerd starts, which adds ~350 ms for a
 * 280 KB bundle and says nothing about workerd. Modules given as `contents` are not scanned.
 * @module
 */
import { Miniflare, type Request as MiniflareRequest } from "miniflare";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { bundleWorker, COMPATIBILITY_DATE, repoRoot } from "../../edge-examples/cloudflare-worker/build.js";

/** Initialisation figures in milliseconds. */
export interface InitTime {
  readonly entry: string;
  /** Median time to import (evaluate) the Worker module, baseline removed. */
  readonly importMs: number;
  /** Median of the baseline (empty module: two outbound round trips). */
  readonly baselineMs: number;
  /** Fastest import minus the fastest baseline. */
  readonly minImportMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

const HARNESS = `
export default {
  async fetch(request) {
    const which = new URL(request.url).searchParams.get("m");
    await fetch("http://timer/start");
    if (which === "worker") await import("./worker.mjs");
    else await import("./empty.mjs");
    await fetch("http://timer/end");
    return new Response("ok");
  },
};`;

const COMMON = (nodeCompat: boolean) => ({
  compatibilityDate: COMPATIBILITY_DATE,
  compatibilityFlags: nodeCompat ? ["nodejs_compat"] : [],
  d1Databases: ["DB"],
  bindings: { NEON_URL: "postgresql://u@127.0.0.1:1/db" },
});

async function importSample(worker: string, empty: string, which: "worker" | "empty", nodeCompat: boolean): Promise<number> {
  const marks: Record<string, number> = {};
  const mf = new Miniflare({
    modules: [
      { type: "ESModule", path: "harness.mjs", contents: HARNESS },
      { type: "ESModule", path: "worker.mjs", contents: worker },
      { type: "ESModule", path: "empty.mjs", contents: empty },
    ],
    ...COMMON(nodeCompat),
    outboundService: (req: MiniflareRequest) => {
      marks[new URL(req.url).pathname] = performance.now();
      return new Response("");
    },
  });
  try {
    await (await mf.dispatchFetch(`http://worker.test/?m=${which}`)).arrayBuffer();
    return marks["/end"]! - marks["/start"]!;
  } finally {
    await mf.dispose();
  }
}

/** Measure one Worker entry (bundled minified). */
export async function measureInit(name: string, entry: string, nodeCompat: boolean, runs = 11): Promise<InitTime> {
  const emptyBundle = await bundleWorker({ entry: join(repoRoot, "bench/edge/entries/empty.ts"), minify: true });
  const workerBundle = await bundleWorker({ entry, minify: true });
  const empty = await readFile(emptyBundle.path, "utf8");
  const worker = await readFile(workerBundle.path, "utf8");
  await importSample(worker, empty, "worker", nodeCompat); // warm-up
  const imp: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < runs; i++) {
    imp.push(await importSample(worker, empty, "worker", nodeCompat));
    base.push(await importSample(worker, empty, "empty", nodeCompat));
  }
  return {
    entry: name,
    importMs: median(imp) - median(base),
    baselineMs: median(base),
    minImportMs: Math.min(...imp) - Math.min(...base),
  };
}

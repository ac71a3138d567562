/**
 * athanor's share of a Worker bundle: the blog Worker with one backend, bundled as wrangler
 * would (edge-examples/cloudflare-worker/build.ts), minified. esbuild's metafile gives the
 * minified bytes each input contributes; inputs are grouped into athanor core + ORM (src/),
 * the adapter (adapters/), athanor's runtime dependencies (package.json `dependencies`: the
 * LRU of the compiled cache), the example app, and driver packages.
 *
 * Gzip does not add up per module, so the gzipped share is measured on a second bundle with
 * the driver packages left external (athanor + its dependencies + the app only), with the
 * app's share of it removed in proportion to its minified bytes (the app is ~5 KB of ~250 KB).
 * @module
 */
import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { repoRoot, WORKER_BUILD_OPTIONS, WORKER_RUNTIME_EXTERNALS } from "../../edge-examples/cloudflare-worker/build.js";

/** Entries measured: one backend each. */
export const SIZE_ENTRIES = {
  d1: join(repoRoot, "bench/edge/entries/d1.ts"),
  "neon-http": join(repoRoot, "bench/edge/entries/neon-http.ts"),
  "hyperdrive (postgres.js)": join(repoRoot, "bench/edge/entries/hyperdrive.ts"),
} as const;

/** Bytes, minified, per group; plus gzipped figures. */
export interface BundleSize {
  readonly entry: string;
  /** Minified bytes per group. */
  readonly core: number;
  readonly adapter: number;
  /** athanor's runtime dependencies ({@link RUNTIME_DEPS}). */
  readonly deps: number;
  readonly app: number;
  readonly drivers: number;
  readonly total: number;
  /** Gzipped bytes of the whole bundle (drivers included). */
  readonly totalGzip: number;
  /** Gzipped bytes of athanor's share: core + ORM + adapter + runtime dependencies. */
  readonly athanorGzip: number;
  /** The same without the runtime dependencies (athanor's own code only). */
  readonly athanorOwnGzip: number;
}

/** Driver packages: left external when measuring athanor's own share. */
export const DRIVERS = ["@neondatabase/serverless", "postgres", "@libsql/client"];

/** athanor's runtime dependencies, as package.json names them (counted in athanor's share). */
export const RUNTIME_DEPS: readonly string[] = Object.keys(
  (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { dependencies?: Record<string, string> }).dependencies ?? {},
);

async function bundle(entry: string, externalDrivers: boolean): Promise<{ code: Uint8Array; inputs: Record<string, number> }> {
  const dir = await mkdtemp(join(tmpdir(), "athanor-size-"));
  const outfile = join(dir, "worker.mjs");
  const r = await build({
    ...WORKER_BUILD_OPTIONS,
    entryPoints: [entry],
    outfile,
    minify: true,
    external: [...WORKER_RUNTIME_EXTERNALS, ...(externalDrivers ? DRIVERS : [])],
    metafile: true,
  });
  const out = Object.values(r.metafile.outputs).find((o) => o.entryPoint !== undefined)!;
  const inputs = Object.fromEntries(Object.entries(out.inputs).map(([p, i]) => [p, i.bytesInOutput]));
  return { code: await readFile(outfile), inputs };
}

type Group = "core" | "adapter" | "deps" | "app" | "drivers";

function groupOf(path: string): Group {
  if (RUNTIME_DEPS.some((d) => path.includes(`node_modules/${d}/`))) return "deps";
  if (path.includes("node_modules/")) return "drivers";
  if (path.startsWith("src/")) return "core";
  if (path.startsWith("adapters/")) return "adapter";
  return "app";
}

function grouped(inputs: Record<string, number>): Record<Group, number> {
  const g: Record<Group, number> = { core: 0, adapter: 0, deps: 0, app: 0, drivers: 0 };
  for (const [p, bytes] of Object.entries(inputs)) g[groupOf(p)] += bytes;
  return g;
}

/** Measure one entry. */
export async function measureBundle(name: string, entry: string): Promise<BundleSize> {
  const full = await bundle(entry, false);
  const g = grouped(full.inputs);
  const lean = await bundle(entry, true);
  const lg = grouped(lean.inputs);
  const leanGzip = gzipSync(lean.code, { level: 9 }).length;
  const leanBytes = lg.core + lg.adapter + lg.deps + lg.app;
  const per = leanGzip / leanBytes;
  return {
    entry: name,
    ...g,
    total: full.code.length,
    totalGzip: gzipSync(full.code, { level: 9 }).length,
    athanorGzip: Math.round(per * (lg.core + lg.adapter + lg.deps)),
    athanorOwnGzip: Math.round(per * (lg.core + lg.adapter)),
  };
}

/** The `n` athanor modules (src/, adapters/) contributing most minified bytes to `entry`'s bundle. */
export async function topModules(entry: string, n: number): Promise<[string, number][]> {
  const { inputs } = await bundle(entry, true);
  return Object.entries(inputs)
    .filter(([p]) => p.startsWith("src/") || p.startsWith("adapters/"))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n);
}

/** Minified bytes of `entry`'s bundle per athanor layer (src/sql, src/orm, …, adapters/<name>), largest first. */
export async function layerSizes(entry: string): Promise<[string, number][]> {
  const { inputs } = await bundle(entry, true);
  const layers = new Map<string, number>();
  for (const [p, bytes] of Object.entries(inputs)) {
    const m = /^(src\/[\w-]+|adapters\/[\w-]+)\//.exec(p) ?? (/^src\/[\w-]+\.ts$/.test(p) ? [p, "src/*.ts"] : null);
    if (m) layers.set(m[1]!, (layers.get(m[1]!) ?? 0) + bytes);
  }
  return [...layers].sort((a, b) => b[1] - a[1]);
}

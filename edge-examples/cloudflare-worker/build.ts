/**
 * Bundles the example Worker with esbuild the way wrangler does for workerd: ESM, browser
 * platform with the `workerd`/`worker`/`browser` export conditions (postgres.js then picks its
 * `cloudflare:sockets` build, @libsql/client its web build), `cloudflare:*` and `node:*` left
 * to the runtime. `athanor` and its subpaths resolve to this repository's sources, as they
 * would resolve to the published package's files.
 *
 * Node-side tooling for the tests (test/edge/worker.test.ts) and benchmarks (bench/edge/);
 * `wrangler deploy` does its own bundling from wrangler.toml.
 * @module
 */
import { build, type BuildOptions, type Metafile, type Plugin } from "esbuild";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root. */
export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** The Worker entries: all backends (needs nodejs_compat), or D1 + Neon HTTP only (does not). */
export const WORKER_ENTRIES = {
  full: join(repoRoot, "edge-examples/cloudflare-worker/src/index.ts"),
  http: join(repoRoot, "edge-examples/cloudflare-worker/src/worker-http.ts"),
} as const;

/** The compatibility date of wrangler.toml (and of the tests' Miniflare instances). */
export const COMPATIBILITY_DATE = "2026-04-20";

/** Resolves `athanor`, `athanor/dialects/*` and `athanor/adapters/*` to the sources. */
export const athanorSources: Plugin = {
  name: "athanor-sources",
  setup(b) {
    b.onResolve({ filter: /^athanor(\/.*)?$/ }, (args) => {
      if (args.path === "athanor") return { path: join(repoRoot, "src/index.ts") };
      const m = /^athanor\/(dialects|adapters)\/([\w-]+)$/.exec(args.path);
      if (!m) return { errors: [{ text: `unknown athanor subpath ${args.path}` }] };
      return { path: join(repoRoot, m[1] === "dialects" ? `src/dialects/${m[2]}/index.ts` : `adapters/${m[2]}/index.ts`) };
    });
  },
};

/** Options of {@link bundleWorker}. */
export interface BundleOptions {
  /** Entry file (default: {@link WORKER_ENTRIES}.full). */
  readonly entry?: string;
  /** Output file (default: a new temp dir's worker.mjs). */
  readonly outfile?: string;
  readonly minify?: boolean;
}

/** A bundled Worker: its file and esbuild's metafile (bytes per input, for size attribution). */
export interface BundledWorker {
  readonly path: string;
  readonly metafile: Metafile;
}

/**
 * esbuild options that resolve and bundle as wrangler does for workerd (ES module output, the
 * `workerd`/`worker`/`browser` export conditions, runtime modules left external), with athanor
 * resolved from this repository's sources. Shared with the bundle benchmarks.
 */
export const WORKER_BUILD_OPTIONS = {
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["browser", "module", "main"],
  plugins: [athanorSources],
  logLevel: "silent",
  legalComments: "none",
} as const satisfies BuildOptions;

/** Runtime modules workerd provides; never bundled. */
export const WORKER_RUNTIME_EXTERNALS = ["cloudflare:*", "node:*"] as const;

/** Bundle a Worker entry into one ES module. */
export async function bundleWorker(opts: BundleOptions = {}): Promise<BundledWorker> {
  const outfile = opts.outfile ?? join(await mkdtemp(join(tmpdir(), "athanor-worker-")), "worker.mjs");
  const result = await build({
    ...WORKER_BUILD_OPTIONS,
    entryPoints: [opts.entry ?? WORKER_ENTRIES.full],
    outfile,
    external: [...WORKER_RUNTIME_EXTERNALS],
    minify: opts.minify ?? false,
    metafile: true,
  });
  return { path: outfile, metafile: result.metafile };
}

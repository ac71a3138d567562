/**
 * `npm run bench:edge`: the edge benchmarks of issue 4 for the Cloudflare Worker example.
 *
 *   bundle       athanor's share of the Worker bundle (core + ORM + one adapter), minified
 *                and gzipped, per adapter; goal ≤ 60 KB gzipped            (bundle-size.ts)
 *   init         module initialisation in workerd (dynamic import timed from Node) (init-time.ts)
 *   round trips  database requests per route per backend, in workerd        (round-trips.ts)
 *
 * `npx tsx bench/edge/why-kept.ts <module> [entry]` explains why a module is in a bundle.
 *
 * Prints a markdown report and writes it to bench/edge/results.md. Needs the local PostgreSQL
 * (ATHANOR_PG_URL overrides) for the Neon HTTP peer and Hyperdrive.
 * @module
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "../../edge-examples/cloudflare-worker/build.js";
import { layerSizes, measureBundle, RUNTIME_DEPS, SIZE_ENTRIES, topModules, type BundleSize } from "./bundle-size.js";
import { measureInit, type InitTime } from "./init-time.js";
import { measureRoundTrips, ROUTES, type RouteCount } from "./round-trips.js";

const log = (msg: string) => process.stderr.write(`[bench:edge] ${msg}\n`);
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const GOAL_KB = 60;

log("bundle sizes");
const sizes: BundleSize[] = [];
for (const [name, entry] of Object.entries(SIZE_ENTRIES)) sizes.push(await measureBundle(name, entry));
const top = await topModules(SIZE_ENTRIES.d1, 12);
const layers = await layerSizes(SIZE_ENTRIES.d1);

log("module initialisation");
const inits: InitTime[] = [];
for (const [name, entry] of Object.entries(SIZE_ENTRIES)) inits.push(await measureInit(name, entry, name.startsWith("hyperdrive")));

log("round trips");
const trips: RouteCount[] = await measureRoundTrips();

const lines: string[] = [];
lines.push("# Edge benchmarks (Cloudflare Worker example)", "");
lines.push(`Run ${new Date().toISOString().slice(0, 10)} with \`npm run bench:edge\`; workerd via miniflare, esbuild ${(await import("esbuild")).version}.`, "");
lines.push("## Bundle size", "");
lines.push("The blog Worker (edge-examples/cloudflare-worker) with one backend, bundled for workerd and minified. ");
lines.push(`athanor = core + ORM (src/) + the adapter + its runtime dependencies (${RUNTIME_DEPS.join(", ")}). `);
lines.push("Gzip (level 9) is measured on the bundle with the driver package left external, with the example app's share removed by its minified bytes.", "");
lines.push("| adapter | src/ min KB | adapter min KB | runtime deps min KB | app min KB | driver pkg min KB | **athanor gzip KB** | athanor w/o deps gzip KB | whole bundle min / gzip KB | goal ≤ 60 KB |");
lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
for (const s of sizes) {
  lines.push(`| ${s.entry} | ${kb(s.core)} | ${kb(s.adapter)} | ${kb(s.deps)} | ${kb(s.app)} | ${kb(s.drivers)} | **${kb(s.athanorGzip)}** | ${kb(s.athanorOwnGzip)} | ${kb(s.total)} / ${kb(s.totalGzip)} | ${s.athanorGzip / 1024 <= GOAL_KB ? "met" : "missed"} |`);
}
lines.push("", "athanor in the D1 Worker by layer (minified bytes in the bundle):", "");
lines.push("| layer | min KB |", "|---|---:|");
for (const [layer, b] of layers) lines.push(`| ${layer} | ${kb(b)} |`);
lines.push("", "Largest athanor modules in the D1 Worker (minified bytes in the bundle):", "");
lines.push("| module | min KB |", "|---|---:|");
for (const [p, b] of top) lines.push(`| ${p} | ${kb(b)} |`);
lines.push("", "## Module initialisation in workerd", "");
lines.push("Time for workerd to import (parse, compile, evaluate) the minified Worker module, timed from Node around a dynamic import, ");
lines.push("minus the same for an empty module; 11 fresh isolates each. The machine is shared with other work, so medians move between runs; ");
lines.push("the minimum (fastest import minus fastest baseline) is the steadier figure.", "");
lines.push("| Worker | init ms (median) | init ms (min) | baseline ms (empty module, median) |", "|---|---:|---:|---:|");
for (const i of inits) lines.push(`| ${i.entry} | ${i.importMs.toFixed(1)} | ${i.minImportMs.toFixed(1)} | ${i.baselineMs.toFixed(1)} |`);
lines.push("", "## Database requests per route", "");
lines.push("D1: requests at the binding. Neon HTTP: HTTP requests (checked against the local peer's log). ");
lines.push("Hyperdrive (postgres.js): round trips at the driver (BEGIN, statements, COMMIT/ROLLBACK), not counting the connection ");
lines.push("start-up, which includes postgres.js's array-types query. Cells are requests (statements).", "");
lines.push("| route | D1 | Neon HTTP | Hyperdrive |", "|---|---:|---:|---:|");
for (const r of ROUTES) {
  const cell = (b: string) => {
    const t = trips.find((x) => x.route === r.label && x.backend === b);
    return t ? `${t.requests} (${t.statements})` : "–";
  };
  lines.push(`| ${r.label} | ${cell("d1")} | ${cell("neon")} | ${cell("hyperdrive")} |`);
}
lines.push("");
lines.push("On D1 and Neon HTTP a flush that inserts rows with generated keys takes 2 requests: the keys first (SQLite `MAX(id)` / ");
lines.push("PostgreSQL `nextval`), then one atomic batch with every INSERT. Reads are one request per SELECT.", "");

const report = lines.join("\n");
process.stdout.write(`${report}\n`);
await writeFile(join(repoRoot, "bench/edge/results.md"), report);
log("wrote bench/edge/results.md");

/**
 * Why is a module in the Worker bundle? `npx tsx bench/edge/why-kept.ts <module> [entry]`
 * (`module`: a path substring such as `src/orm/write-only`; `entry`: d1 (default), neon-http or
 * hyperdrive). For issue 4's tree-shaking work.
 *
 * Prints the shortest import chain from the entry to the module, then each of the module's
 * top-level declarations that survived tree shaking, with its minified size and the bundled
 * modules that reference it, and how (`new`, `instanceof`, `extends`, other). A declaration
 * referenced only through `instanceof` is a candidate for a `kind` check; one referenced from
 * a method of an always-kept class stays as long as that method exists.
 *
 * Works on esbuild's unminified bundle (same options as bundle-size.ts, driver packages
 * external), whose `// path` comments mark each module's statements.
 * @module
 */
import { build, transform } from "esbuild";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WORKER_BUILD_OPTIONS, WORKER_RUNTIME_EXTERNALS } from "../../edge-examples/cloudflare-worker/build.js";
import { DRIVERS, SIZE_ENTRIES } from "./bundle-size.js";

const [target, entryName = "d1"] = process.argv.slice(2);
if (!target) {
  process.stderr.write("usage: npx tsx bench/edge/why-kept.ts <module path substring> [d1|neon-http|hyperdrive]\n");
  process.exit(2);
}
const entry = Object.entries(SIZE_ENTRIES).find(([n]) => n.startsWith(entryName))?.[1];
if (!entry) throw new Error(`unknown entry ${entryName}`);

const outfile = join(await mkdtemp(join(tmpdir(), "athanor-why-")), "worker.mjs");
const r = await build({
  ...WORKER_BUILD_OPTIONS,
  entryPoints: [entry],
  outfile,
  external: [...WORKER_RUNTIME_EXTERNALS, ...DRIVERS],
  metafile: true,
});
const inputs = r.metafile.inputs;
const modules = Object.keys(inputs).filter((p) => p.includes(target));
if (modules.length === 0) {
  process.stdout.write(`no bundled module matches '${target}': it is not in the ${entryName} bundle\n`);
  process.exit(0);
}

// Shortest import chain (BFS over the metafile's import graph).
const entryPath = Object.keys(inputs).find((p) => p.startsWith("bench/edge/entries/"))!;
const prev = new Map<string, string>([[entryPath, ""]]);
const queue = [entryPath];
while (queue.length) {
  const p = queue.shift()!;
  for (const imp of inputs[p]?.imports ?? []) {
    if (!prev.has(imp.path)) {
      prev.set(imp.path, p);
      queue.push(imp.path);
    }
  }
}

// Split the unminified bundle into top-level statements per module.
const code = await readFile(outfile, "utf8");
interface Decl {
  readonly module: string;
  readonly name: string;
  readonly text: string;
}
const decls: Decl[] = [];
const regions: { module: string; text: string }[] = [];
let module = "";
let lines: string[] = [];
let name = "";
const flushDecl = () => {
  if (name && lines.length) decls.push({ module, name, text: lines.join("\n") });
  if (lines.length) regions.push({ module, text: lines.join("\n") });
  lines = [];
};
for (const line of code.split("\n")) {
  const m = /^\/\/ (\S+)$/.exec(line);
  if (m) {
    flushDecl();
    module = m[1]!;
    name = "";
    continue;
  }
  const d = /^(?:var|let|const|function|class|async function)\s+([A-Za-z0-9_$]+)/.exec(line);
  if (d) {
    flushDecl();
    name = d[1]!;
  }
  lines.push(line);
}
flushDecl();

const esc = (s: string) => s.replace(/[$]/g, "\\$");
for (const mod of modules) {
  const chain: string[] = [];
  for (let p: string | undefined = mod; p; p = prev.get(p) || undefined) chain.unshift(p);
  const out = r.metafile.outputs[Object.keys(r.metafile.outputs).find((o) => o.endsWith(".mjs"))!]!;
  process.stdout.write(`\n${mod}: ${out.inputs[mod]?.bytesInOutput ?? 0} bytes unminified in the bundle\n`);
  process.stdout.write(`  imported via: ${chain.join(" → ")}\n`);
  for (const d of decls.filter((x) => x.module === mod)) {
    const min = (await transform(d.text, { minify: true, loader: "js" }).catch(() => ({ code: d.text }))).code.length;
    const ref = new RegExp(`(new |instanceof |extends )?(?<![A-Za-z0-9_$.])${esc(d.name)}(?![A-Za-z0-9_$])`, "g");
    const by = new Map<string, Set<string>>();
    for (const region of regions) {
      for (const m of region.text.matchAll(ref)) {
        if (region.module === mod && region.text === d.text) continue;
        const how = m[1]?.trim() ?? "other";
        const set = by.get(region.module) ?? new Set<string>();
        set.add(how);
        by.set(region.module, set);
      }
    }
    const refs = [...by].map(([m, hows]) => `${m} (${[...hows].join(", ")})`).join("; ") || "only itself (kept for a side effect?)";
    process.stdout.write(`  ${String(min).padStart(6)} B  ${d.name} ← ${refs}\n`);
  }
}

/**
 * The benchmarks run compiled: `npm run bench` and `npm run bench:orm` first compile src/,
 * adapters/ and bench/ with tsc (bench/tsconfig.json, into .tmp/bench-build/), the same compiler
 * and settings that build the published package, then run the JavaScript with plain node.
 * Running the sources through tsx measured esbuild's output instead, whose `keepNames` helper
 * re-names every nested function each time its scope runs: per statement, a cost users of the
 * built package never pay. These helpers keep paths and child processes working both ways
 * (compiled, or `npx tsx bench/…` while developing).
 * @module
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The build's root, relative to the repository root. */
const BUILD_DIR = "/.tmp/bench-build/";

/**
 * `rel` resolved against the *source* location of the module at `moduleUrl`: a report written
 * next to a benchmark lands in bench/, not in the build directory.
 */
export function sourceUrl(rel: string, moduleUrl: string): URL {
  return new URL(rel, moduleUrl.replace(BUILD_DIR, "/"));
}

/**
 * Node arguments that run the benchmark module `stem` (a path relative to `moduleUrl`, without
 * extension) in a child process, with `--expose-gc`: the compiled `.js` beside a compiled
 * caller, the `.ts` source through tsx otherwise.
 */
export function childArgs(stem: string, moduleUrl: string): string[] {
  const compiled = moduleUrl.endsWith(".js");
  const file = fileURLToPath(new URL(`${stem}${compiled ? ".js" : ".ts"}`, moduleUrl));
  return compiled ? ["--expose-gc", file] : ["--expose-gc", "--import", "tsx", file];
}

/** The repository root, from a benchmark module `depth` folders below it (in either layout). */
export function repoRoot(moduleUrl: string, depth: number): string {
  return fileURLToPath(new URL(`${"../".repeat(depth)}`, moduleUrl.replace(BUILD_DIR, "/")));
}

/**
 * Run the benchmark module `stem` (relative to `moduleUrl`, `depth` folders below the
 * repository root) in a child node process with `args`, stderr passed through, and parse the
 * last line of its stdout as JSON.
 * @throws Error when the child exits non-zero or its last line is not JSON; `what` names it.
 */
export function runJsonChild<T>(stem: string, moduleUrl: string, depth: number, args: readonly string[], what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...childArgs(stem, moduleUrl), ...args], {
      cwd: repoRoot(moduleUrl, depth),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${what} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").pop()!) as T);
      } catch (e) {
        reject(new Error(`${what} printed no result: ${out.slice(-500)}`, { cause: e }));
      }
    });
  });
}

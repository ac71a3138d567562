/**
 * edge-examples/deno and edge-examples/bun, run by the real `deno` and `bun` binaries (the
 * devDependencies) against libSQL and PostgreSQL, importing "athanor" as a user does: from the
 * built package. Before the runs, the package is built with the project's own build
 * (`tsc -p tsconfig.build.json`, what `npm run build` runs) and installed into each example's
 * node_modules/athanor as `npm pack` would ship it (package.json with its "exports" + dist/).
 * The build is redone only when src/, adapters/ or the build configuration changed.
 *
 * Everything is offline: Deno runs with `--no-remote --cached-only` and a fresh DENO_DIR, reading
 * npm packages from node_modules (`"nodeModulesDir": "manual"`); Bun runs with `--no-install`.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgTarget, pgUrl, uniqueName } from "../fixtures/databases.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const EXAMPLES = { deno: join(ROOT, "edge-examples/deno"), bun: join(ROOT, "edge-examples/bun") } as const;
type Runtime = keyof typeof EXAMPLES;
type Backend = "libsql" | "postgres";
const HASH_FILE = ".athanor-build-hash";

interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a command to completion (no shell), killing it after `timeoutMs`. */
function run(cmd: string, args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function describeRun(what: string, r: RunResult): string {
  return `${what} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}

/** A digest of everything the build reads, so an unchanged tree reuses the installed build. */
async function buildInputsHash(): Promise<string> {
  const files = [
    ...(await listFiles(join(ROOT, "src"))),
    ...(await listFiles(join(ROOT, "adapters"))),
    ...["package.json", "tsconfig.json", "tsconfig.build.json"].map((f) => join(ROOT, f)),
  ].sort();
  const h = createHash("sha256");
  for (const f of files) h.update(relative(ROOT, f)).update("\0").update(await readFile(f)).update("\0");
  return h.digest("hex");
}

async function installedHash(exampleDir: string): Promise<string | undefined> {
  return readFile(join(exampleDir, "node_modules/athanor", HASH_FILE), "utf8").catch(() => undefined);
}

/**
 * Build athanor (`tsc -p tsconfig.build.json`, into a temp dir so the tree's own dist/ is left to
 * whoever runs `npm run build`) and install package.json + dist/ into each example's
 * node_modules/athanor, swapping the folder in with a rename.
 */
async function installBuiltPackage(): Promise<void> {
  const hash = await buildInputsHash();
  const stale = [];
  for (const dir of Object.values(EXAMPLES)) if ((await installedHash(dir)) !== hash) stale.push(dir);
  if (stale.length === 0) return;
  const tmp = await mkdtemp(join(tmpdir(), "athanor-build-"));
  try {
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    const build = await run(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", join(tmp, "dist")], {
      cwd: ROOT,
      timeoutMs: 240_000,
    });
    if (build.code !== 0) throw new Error(describeRun("the package build (tsc -p tsconfig.build.json)", build));
    for (const dir of stale) {
      const modules = join(dir, "node_modules");
      const staging = join(modules, `.athanor-staging-${process.pid}`);
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true });
      await cp(join(ROOT, "package.json"), join(staging, "package.json"));
      await cp(join(tmp, "dist"), join(staging, "dist"), { recursive: true });
      await writeFile(join(staging, HASH_FILE), hash);
      await rm(join(modules, "athanor"), { recursive: true, force: true });
      await rename(staging, join(modules, "athanor"));
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const DENO_PERMISSIONS = ["--allow-env", "--allow-read", "--allow-write", "--allow-net", "--allow-ffi", "--allow-sys"];

let denoDir = "";
let sql: postgres.Sql | undefined;
const schemas: Record<Runtime, string> = { deno: uniqueName("edge_deno"), bun: uniqueName("edge_bun") };
let serverUrl = "";

beforeAll(async () => {
  const target = await pgTarget();
  if (target.kind !== "server") {
    throw new Error(
      `PostgreSQL is unreachable at ${pgUrl()}: the Deno and Bun examples connect to it with postgres.js from a separate process, ` +
        "so PGlite cannot stand in. Start PostgreSQL 15 there or set ATHANOR_PG_URL.",
    );
  }
  serverUrl = target.url;
  sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  // Each runtime's PostgreSQL run gets a schema of its own (search_path), so the examples keep
  // their plain table names without colliding with each other or other suites.
  for (const schema of Object.values(schemas)) await sql.unsafe(`CREATE SCHEMA ${schema}`);
  denoDir = await mkdtemp(join(tmpdir(), "athanor-deno-dir-"));
  await installBuiltPackage();
}, 300_000);

afterAll(async () => {
  for (const schema of Object.values(schemas)) await sql?.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await sql?.end({ timeout: 5 });
  if (denoDir) await rm(denoDir, { recursive: true, force: true });
});

function runtimeEnv(runtime: Runtime): NodeJS.ProcessEnv {
  const url = `${serverUrl}${serverUrl.includes("?") ? "&" : "?"}search_path=${schemas[runtime]}`;
  return { ...process.env, ATHANOR_PG_URL: url, NO_COLOR: "1", DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1" };
}

function runExample(runtime: Runtime, backend: Backend): Promise<RunResult> {
  const args =
    runtime === "deno"
      ? ["--no", "deno", "run", "--no-remote", "--cached-only", ...DENO_PERMISSIONS, "main.ts", backend]
      : ["--no", "bun", "run", "--no-install", "main.ts", backend];
  return run("npx", args, { cwd: EXAMPLES[runtime], env: runtimeEnv(runtime) });
}

function expectedOutput(backend: Backend): string[] {
  return [
    `backend: ${backend === "libsql" ? "sqlite" : "postgresql"}`,
    "users: 3",
    "sandy: 2 address(es)",
    "spongebob: 1 address(es)",
    "patrick is Patrick Star",
    "stream: sandy <sandy@sqlalchemy.org>",
    "stream: sandy <sandy@squirrelpower.org>",
    "stream: spongebob <spongebob@sqlalchemy.org>",
    // PostgreSQL's ON CONFLICT upsert drew a sequence value (id 4) although it ended as an UPDATE.
    `orm: added squidward (id ${backend === "libsql" ? 4 : 5}) with address id 4`,
    "patrick has 0 address(es)",
    "sandy has 2 address(es)",
    "spongebob has 1 address(es)",
    "squidward has 1 address(es)",
    "users: 4",
    "done",
  ];
}

describe.each(["deno", "bun"] as const)("edge-examples/%s", (runtime) => {
  it.each(["libsql", "postgres"] as const)(`${runtime} runs the quickstart on %s`, async (backend) => {
    const r = await runExample(runtime, backend);
    expect(r.code, describeRun(`${runtime} main.ts ${backend}`, r)).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toEqual(expectedOutput(backend));
  }, 90_000);

  it(`${runtime} runs it again on PostgreSQL: dropAll/createAll make the output repeatable`, async () => {
    const r = await runExample(runtime, "postgres");
    expect(r.code, describeRun(`${runtime} main.ts postgres`, r)).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toEqual(expectedOutput("postgres"));
  }, 90_000);

  it(`${runtime} rejects an unknown backend with exit code 2`, async () => {
    const r = await runExample(runtime, "mysql" as Backend);
    expect(r.code, describeRun(`${runtime} main.ts mysql`, r)).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("usage: main.ts libsql|postgres (got mysql)");
  }, 90_000);
});

describe("the examples type-check against the published package's declarations", () => {
  it("deno check main.ts (athanor's dist/*.d.ts through npm:athanor)", async () => {
    const r = await run("npx", ["--no", "deno", "check", "--no-remote", "main.ts"], { cwd: EXAMPLES.deno, env: runtimeEnv("deno") });
    expect(r.code, describeRun("deno check main.ts", r)).toBe(0);
  }, 90_000);

  it("tsc -p edge-examples/bun (Bun has no type checker of its own)", async () => {
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    const r = await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: EXAMPLES.bun });
    expect(r.code, describeRun("tsc -p edge-examples/bun/tsconfig.json", r)).toBe(0);
  }, 90_000);
});

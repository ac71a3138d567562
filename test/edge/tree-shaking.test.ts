/**
 * Bundling athanor the way a Worker does (esbuild, as edge-examples/cloudflare-worker/build.ts):
 * what a bundle may and may not contain, so a Worker pays only for what it uses (issue 4).
 *
 * - No lazy-initialisation wrappers: an `await import()` inside src/ makes esbuild wrap the
 *   imported module and everything it reaches in `__esm` initialisers, which costs bytes and
 *   defeats statement-level tree shaking.
 * - The only npm packages in a bundle are the app's driver and athanor's runtime dependencies
 *   (package.json `dependencies`), and those stay small.
 * - `"sideEffects"` in package.json must not let a bundler drop a module whose import has an
 *   effect: a bundle that only compiles statements (no engine) still finds the compiler.
 * - Without an adapter that registers a URL scheme, `driverFromUrl` fails with the same
 *   ArgumentError as before, naming the adapter to import and never the password.
 */
import { build } from "esbuild";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { athanorSources, repoRoot } from "../../edge-examples/cloudflare-worker/build.js";
import { ArgumentError } from "../../src/errors.js";
import { driverFromUrl, isDriver } from "../../src/engine/driver/registry.js";

const ENTRIES = {
  d1: join(repoRoot, "bench/edge/entries/d1.ts"),
  "neon-http": join(repoRoot, "bench/edge/entries/neon-http.ts"),
  hyperdrive: join(repoRoot, "bench/edge/entries/hyperdrive.ts"),
} as const;

const RUNTIME_DEPS = Object.keys(
  (JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as { dependencies?: Record<string, string> }).dependencies ?? {},
);

interface Bundle {
  readonly code: string;
  /** Input path → minified bytes it contributes. */
  readonly inputs: Record<string, number>;
}

async function bundle(entry: string, opts: { minify?: boolean; external?: string[]; platform?: "browser" | "node" } = {}): Promise<Bundle> {
  const outfile = join(await mkdtemp(join(tmpdir(), "athanor-shake-")), "out.mjs");
  const r = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: opts.minify ?? true,
    format: "esm",
    platform: opts.platform ?? "browser",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    external: ["cloudflare:*", "node:*", ...(opts.external ?? [])],
    plugins: [athanorSources],
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
  });
  const out = Object.values(r.metafile.outputs).find((o) => o.entryPoint !== undefined)!;
  return {
    code: await readFile(outfile, "utf8"),
    inputs: Object.fromEntries(Object.entries(out.inputs).map(([p, i]) => [p, i.bytesInOutput])),
  };
}

const packageOf = (path: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];

describe("Worker bundles", () => {
  for (const [name, entry] of Object.entries(ENTRIES)) {
    it(`${name}: no lazy-init wrappers around athanor modules`, async () => {
      const { code } = await bundle(entry, { minify: false, external: ["@neondatabase/serverless", "postgres", "@libsql/client"] });
      // esbuild names a wrapped module's initialiser init_<module>.
      expect(code.match(/\bvar init_\w+ = __esm\(/g) ?? []).toEqual([]);
    }, 30_000);
  }

  it("d1: the only npm packages are athanor's small runtime dependencies", async () => {
    const { inputs } = await bundle(ENTRIES.d1);
    const perPackage = new Map<string, number>();
    for (const [p, bytes] of Object.entries(inputs)) {
      const pkg = packageOf(p);
      if (pkg !== undefined) perPackage.set(pkg, (perPackage.get(pkg) ?? 0) + bytes);
    }
    expect([...perPackage.keys()].sort()).toEqual([...RUNTIME_DEPS].sort());
    // The compiled cache's LRU: lru-cache was 18 KB minified; the dependency must stay a few KB.
    for (const [pkg, bytes] of perPackage) expect(bytes, pkg).toBeLessThan(4096);
  }, 30_000);

  it("d1: optional Core modules the app never reaches are left out", async () => {
    const { inputs } = await bundle(ENTRIES.d1);
    const kept = Object.keys(inputs).filter((p) => inputs[p]! > 0);
    // func, ARRAY, Enum, Uuid, the PostgreSQL dialect's extra constructs: nothing in the app uses them.
    for (const m of ["src/sql/functions.ts", "src/sql/types/array.ts", "src/sql/types/enum.ts", "src/sql/types/uuid.ts", "src/dialects/on-conflict.ts"]) {
      expect(kept, m).not.toContain(m);
    }
    // Type singletons are pure: the unused ones (SMALLINT, DOUBLE, JSONB, TIME, INTERVAL) go.
    const { code } = await bundle(ENTRIES.d1, { minify: false, external: ["@neondatabase/serverless", "postgres", "@libsql/client"] });
    for (const cls of ["SmallIntegerType", "DoubleType", "JSONBType", "TimeType", "IntervalType"]) {
      expect(code, cls).not.toMatch(new RegExp(`\\bvar ${cls}\\d* = class`));
    }
    // Constructs the compiler recognises by `kind` rather than `instanceof`: VALUES, SQL
    // functions (and their OVER / FILTER), CHECK constraints. The app uses none of them.
    for (const cls of ["Values", "FunctionElement", "Over", "FunctionFilter", "CheckConstraint"]) {
      expect(code, cls).not.toMatch(new RegExp(`\\bvar ${cls}\\d* = class`));
    }
    expect(code).toMatch(/\bvar IntegerType\d* = class/);
  }, 30_000);
});

describe("package.json sideEffects", () => {
  it("a bundle that only compiles statements still loads the compiler", async () => {
    const dir = await mkdtemp(join(tmpdir(), "athanor-shake-"));
    const entry = join(dir, "compile-only.ts");
    await writeFile(
      entry,
      `import { column, select, table } from "athanor";\n` +
        `const t = table("t", column("x"));\n` +
        `export const sql = String(select(t.c.x).where(t.c.x.eq(1)));\n`,
    );
    const { code } = await bundle(entry, { platform: "node" });
    const out = join(dir, "compile-only.mjs");
    await writeFile(out, code);
    const mod = (await import(pathToFileURL(out).href)) as { sql: string };
    expect(mod.sql).toBe("SELECT t.x \nFROM t \nWHERE t.x = :x_1");
  }, 30_000);
});

describe("driverFromUrl without a registered adapter", () => {
  // This file imports no adapter, so no URL scheme is registered in its module graph.
  it("names the adapter to import and hides the password", () => {
    let err: unknown;
    try {
      driverFromUrl("mysql+aiomysql://u:hunter2@h/db");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArgumentError);
    expect((err as Error).message).toMatch(/^No driver registered for 'mysql\+aiomysql'\. Import its adapter first, e\.g\. import "athanor\/adapters\/aiomysql"$/);
    expect((err as Error).message).not.toContain("hunter2");
  });

  it("a URL naming only the backend suggests the backend's default driver", () => {
    expect(() => driverFromUrl("postgresql://u:pw@h/db")).toThrow(/^No driver registered for 'postgresql'\. Import its adapter first, e\.g\. import "athanor\/adapters\/postgres-js"$/);
  });

  it("rejects a string that is not a URL without echoing it", () => {
    expect(() => driverFromUrl("secret-token-not-a-url")).toThrow(ArgumentError);
    expect(() => driverFromUrl("secret-token-not-a-url")).not.toThrow(/secret-token/);
  });

  it("isDriver tells driver objects from URLs", () => {
    expect(isDriver("sqlite+libsql://")).toBe(false);
    expect(isDriver({ connect: async () => ({}) } as never)).toBe(true);
  });
});

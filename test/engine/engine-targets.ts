/**
 * Engine-level test targets: an AsyncEngine over real PostgreSQL (or PGlite off CI), libSQL on
 * a temp file and libSQL `:memory:`, each behind a round-trip counting driver, for
 * `describe.each(engineTargets())("$name", …)`.
 */
import { createAsyncEngine, type AsyncEngine, type EngineOptions } from "../../src/engine/engine.js";
import type { DialectName } from "../../src/engine/driver/contract.js";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { MetaData } from "../../src/sql/schema.js";
import { countingDriver, makeLibsqlDriver, makePgDriver, pgTarget, type CountingDriver } from "../fixtures/databases.js";

/** An engine on a fresh database plus its counting driver. */
export interface EngineHandle {
  readonly engine: AsyncEngine;
  readonly counting: CountingDriver;
  /** Dispose the engine and delete what it created on disk. */
  cleanup(): Promise<void>;
}

/** One database kind for the engine suites. */
export interface EngineTarget {
  readonly name: string;
  readonly dialect: DialectName;
  /** "pg" (server or PGlite), "file" or "memory". */
  readonly kind: "pg" | "file" | "memory";
  make(opts?: EngineOptions): Promise<EngineHandle>;
}

/** PostgreSQL, libSQL file and libSQL :memory:. */
export function engineTargets(): EngineTarget[] {
  const lite = (kind: "file" | "memory"): EngineTarget => ({
    name: `libsql ${kind}`,
    dialect: "sqlite",
    kind,
    async make(opts) {
      const d = await makeLibsqlDriver(kind);
      const counting = countingDriver(d.driver);
      const engine = createAsyncEngine(counting, opts);
      return { engine, counting, cleanup: () => d.cleanup() };
    },
  });
  return [
    {
      name: "postgresql",
      dialect: "postgresql",
      kind: "pg",
      async make(opts) {
        const driver = await makePgDriver();
        const counting = countingDriver(driver);
        const engine = createAsyncEngine(counting, opts);
        return { engine, counting, cleanup: () => engine.dispose() };
      },
    },
    lite("file"),
    lite("memory"),
  ];
}

/** Whether the PostgreSQL suites run on a real server (false: PGlite, no concurrency). */
export async function pgIsServer(): Promise<boolean> {
  return (await pgTarget()).kind === "server";
}

/**
 * Suite hooks for SQLAlchemy's `run_create_tables = "each"`: open `target` once, drop and
 * re-create `md`'s tables before every test (so generated ids start at 1), drop them and clean
 * up after the suite. The returned handle is usable inside tests only.
 */
export function useTablesPerTest(target: EngineTarget, md: MetaData): EngineHandle {
  let h: EngineHandle | undefined;
  const live = (): EngineHandle => {
    if (h === undefined) throw new Error("useTablesPerTest: the engine exists only inside the suite's tests");
    return h;
  };
  beforeAll(async () => {
    h = await target.make();
  });
  beforeEach(async () => {
    await live().engine.begin(async (conn) => {
      await md.dropAll(conn, { checkFirst: true });
      await md.createAll(conn);
    });
  });
  afterAll(async () => {
    await live().engine.begin((conn) => md.dropAll(conn, { checkFirst: true }));
    await live().cleanup();
  });
  return {
    get engine() {
      return live().engine;
    },
    get counting() {
      return live().counting;
    },
    cleanup: () => live().cleanup(),
  };
}

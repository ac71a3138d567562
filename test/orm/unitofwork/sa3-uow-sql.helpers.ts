/**
 * Statement capture for the sa3-* unit of work suites: SQLAlchemy's `assert_sql_execution` with
 * `CompiledSQL`, as the (SQL, parameters) pairs an engine sends to the driver, heard through
 * the `beforeCursorExecute` event. PostgreSQL's `$n` placeholders are written as `?`, so one
 * expected statement serves both dialects.
 */
import { createAsyncEngine, delete_, event, type AsyncEngine, type MetaData } from "athanor";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { DialectTarget } from "../../fixtures/databases.js";

/** One statement as sent: SQL with `?` placeholders, and its positional parameters. */
export type Sent = readonly [sql: string, params: readonly unknown[]];

/** The engine of a suite, with every statement it sent since the last {@link SqlLog.reset}. */
export interface SqlLog {
  readonly engine: AsyncEngine;
  readonly dialect: string;
  /** Statements since the last reset. */
  readonly sent: Sent[];
  reset(): void;
  /** Run `f` and return the statements it sent (the log is reset first). */
  capture(f: () => Promise<unknown>): Promise<Sent[]>;
}

/**
 * An engine on `target` with `metadata`'s tables created before the suite and dropped after,
 * emptied before each test.
 * @param target the dialect from dialectTargets()
 */
export function useSqlLog(target: DialectTarget, metadata: MetaData | readonly MetaData[]): SqlLog {
  const mds = Array.isArray(metadata) ? (metadata as readonly MetaData[]) : [metadata as MetaData];
  const sent: Sent[] = [];
  let engine: AsyncEngine | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const d = await target.make();
    cleanup = d.cleanup;
    engine = createAsyncEngine(d.driver);
    event.listen(engine, "beforeCursorExecute", (_c, _cur, sql, params) => {
      sent.push([sql.replace(/\$\d+/g, "?"), [...params]]);
    });
    await engine.begin(async (c) => {
      for (const md of [...mds].reverse()) await md.dropAll(c);
      for (const md of mds) await md.createAll(c);
    });
  });
  // Every test starts from empty tables. Dependent tables go first; a table still referenced
  // (a foreign-key cycle between rows) is retried in the next pass.
  const emptyTables = async () => {
    let left = mds.flatMap((md) => [...md.sortedTables].reverse());
    for (let pass = 0; left.length && pass < 4; pass++) {
      const failed: typeof left = [];
      for (const t of left) {
        try {
          await engine!.begin(async (c) => void (await c.execute(delete_(t))));
        } catch {
          failed.push(t);
        }
      }
      left = failed;
    }
    sent.length = 0;
  };
  beforeEach(emptyTables);
  afterAll(async () => {
    if (!engine) return;
    await emptyTables();
    await engine.begin(async (c) => {
      for (const md of [...mds].reverse()) await md.dropAll(c);
    });
    await engine.dispose();
    await cleanup?.();
  });
  return {
    get engine() {
      return engine!;
    },
    dialect: target.dialect,
    sent,
    reset: () => void (sent.length = 0),
    async capture(f) {
      sent.length = 0;
      await f();
      return sent.filter(([sql]) => !/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(sql)).map((s) => s);
    },
  };
}

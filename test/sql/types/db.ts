/**
 * Real-database round-trip helpers for the type tests: a raw postgres.js client (one connection,
 * TEMP tables so parallel files never collide) and a raw @libsql/client on a temp file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { createClient, type Client } from "@libsql/client";
import type { DialectName } from "../../../src/engine/driver/contract.js";
import type { TypeEngine } from "../../../src/sql/type-api.js";

export const PG_URL = process.env.ATHANOR_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface Dbs {
  pg: postgres.Sql;
  lite: Client;
  close(): Promise<void>;
  /** Bind `value` through `type`, store it, select it back through the type. */
  roundTrip<T>(type: TypeEngine<T>, dialect: DialectName, value: unknown): Promise<unknown>;
  /** What the raw driver returns for the stored value (no column expression, no processor). */
  rawStored(type: TypeEngine, dialect: DialectName, value: unknown): Promise<unknown>;
}

export function openDbs(tag: string): Dbs {
  const dir = mkdtempSync(join(tmpdir(), `athanor-types-${tag}-`));
  const pg = postgres(PG_URL, { max: 1, onnotice: () => {} });
  const lite = createClient({ url: `file:${join(dir, "x.db")}` });
  let n = 0;

  async function store(type: TypeEngine, dialect: DialectName, value: unknown): Promise<string> {
    const table = `types_${tag}_${++n}`;
    const ddl = type.compileType({ name: dialect });
    const bound = type.bindProcessor(dialect)?.(value) ?? (value === undefined ? null : value);
    if (dialect === "postgresql") {
      const ph = type.bindExpression("postgresql", "$1") ?? "$1";
      await pg.unsafe(`CREATE TEMP TABLE ${table} (id SERIAL PRIMARY KEY, v ${ddl})`);
      await pg.unsafe(`INSERT INTO ${table} (v) VALUES (${ph})`, [bound as never]);
    } else {
      const ph = type.bindExpression("sqlite", "?") ?? "?";
      await lite.execute(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, v ${ddl})`);
      await lite.execute({ sql: `INSERT INTO ${table} (v) VALUES (${ph})`, args: [bound as never] });
    }
    return table;
  }

  async function select(dialect: DialectName, sql: string): Promise<unknown> {
    if (dialect === "postgresql") {
      const rows = await pg.unsafe(sql).values();
      return rows[0]![0];
    }
    const rs = await lite.execute(sql);
    return rs.rows[0]![0];
  }

  return {
    pg,
    lite,
    async close() {
      await pg.end();
      lite.close();
      rmSync(dir, { recursive: true, force: true });
    },
    async roundTrip(type, dialect, value) {
      const table = await store(type, dialect, value);
      const col = type.columnExpression(dialect, "v") ?? "v";
      const raw = await select(dialect, `SELECT ${col} FROM ${table}`);
      const proc = type.resultProcessor(dialect);
      return proc ? proc(raw) : raw;
    },
    async rawStored(type, dialect, value) {
      const table = await store(type, dialect, value);
      return select(dialect, `SELECT v FROM ${table}`);
    },
  };
}

/** Run a bind processor (identity when the type has none). */
export function bind(type: TypeEngine, dialect: DialectName, value: unknown): unknown {
  const p = type.bindProcessor(dialect);
  return p ? p(value) : value;
}

/** Run a result processor (identity when the type has none). */
export function result(type: TypeEngine, dialect: DialectName, value: unknown): unknown {
  const p = type.resultProcessor(dialect);
  return p ? p(value) : value;
}

export const PG = { name: "postgresql" } as const;
export const LITE = { name: "sqlite" } as const;

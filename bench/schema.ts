/**
 * The benchmark tables: (id integer primary key, name text, value double), one per benchmark so
 * no benchmark reads another's rows. Names are prefixed `athanor_bench_` so they never collide
 * with test tables on the shared PostgreSQL database.
 * @module
 */
import { Column, Double, Integer, MetaData, String, Table } from "../src/index.js";
import type { BenchTarget } from "./targets.js";

/** A benchmark table definition bound to its own MetaData. */
export function benchTable(name: string) {
  const metadata = new MetaData();
  const table = Table(name, metadata, {
    id: Column(Integer, { primaryKey: true }),
    name: Column(String, { nullable: false }),
    value: Column(Double, { nullable: false }),
  });
  return { metadata, table };
}

export type BenchTable = ReturnType<typeof benchTable>["table"];

/** Drop (if present) and create the table through athanor's DDL. */
export async function recreate(t: BenchTarget, def: ReturnType<typeof benchTable>): Promise<void> {
  await t.exec(`DROP TABLE IF EXISTS ${def.table.name}`);
  await t.engine.begin(async (conn) => {
    await def.metadata.createAll(conn);
  });
}

/** Drop the table. */
export async function drop(t: BenchTarget, def: ReturnType<typeof benchTable>): Promise<void> {
  await t.exec(`DROP TABLE IF EXISTS ${def.table.name}`);
}
